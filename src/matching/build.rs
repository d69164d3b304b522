//! [`Analysis::build`]: tokenise, weigh, index, score candidate pairs, spread links to copies.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rayon::prelude::*;

use super::families::families;
use super::features::{is_target_formula, match_data};
use super::kinds::is_quantitative;
use super::model::Model;
use super::scorer::{Against, Scorer, max_idf};
use super::*;
use crate::phase_clock::PhaseClock;
use crate::plan::Plan;
use crate::tokenize::Tokenizer;

impl Analysis {
    /// Analyse every measure of `plans`.
    pub fn build(plans: &[Plan]) -> Analysis {
        Analysis::build_with(plans, Tokenizer::global())
    }

    /// [`Analysis::build`] with `tokenizer`, which must cut the measures' texts as
    /// [`Tokenizer::global`] does (e.g. [`Tokenizer::for_texts`] of them, quicker to build in a
    /// process that needs no other).
    pub fn build_with(plans: &[Plan], tokenizer: &Tokenizer) -> Analysis {
        let clock = PhaseClock::start();
        let mut plan_offsets = vec![0];
        let mut flat: Vec<(usize, usize, &str, &str)> = Vec::new();
        for (pi, p) in plans.iter().enumerate() {
            for (mi, m) in p.measures().into_iter().enumerate() {
                flat.push((pi, mi, m.measure_id.as_str(), m.norm.as_str()));
            }
            plan_offsets.push(flat.len());
        }
        // Identical texts are tokenised and scored once: `group_of[i]` is the first measure
        // with the same normalised text.
        let mut first_with: HashMap<&str, usize> = HashMap::default();
        let group_of: Vec<usize> = flat
            .iter()
            .enumerate()
            .map(|(i, f)| *first_with.entry(f.3).or_insert(i))
            .collect();
        drop(first_with);
        clock.lap("analysis: flat list and copies");
        let tokenized: Vec<Vec<&str>> = flat
            .par_iter()
            .enumerate()
            .map(|(i, (_, _, _, norm))| {
                if group_of[i] == i {
                    tokenizer.terms(norm)
                } else {
                    Vec::new()
                }
            })
            .collect();
        clock.lap("analysis: tokenising");

        // Vocabulary, term counts per measure, document and plan frequencies.
        let mut vocab: Vec<String> = Vec::new();
        let mut ids: HashMap<&str, u32> = HashMap::default();
        let mut counts: Vec<Vec<(u32, u32)>> = Vec::with_capacity(flat.len());
        for (i, terms) in tokenized.iter().enumerate() {
            if group_of[i] != i {
                let copy = counts[group_of[i]].clone();
                counts.push(copy);
                continue;
            }
            let mut c: HashMap<u32, u32> = HashMap::default();
            for t in terms {
                let id = *ids.entry(t).or_insert_with(|| {
                    vocab.push((*t).to_string());
                    (vocab.len() - 1) as u32
                });
                *c.entry(id).or_default() += 1;
            }
            let mut v: Vec<(u32, u32)> = c.into_iter().collect();
            v.sort_unstable();
            counts.push(v);
        }
        let mut df = vec![0u32; vocab.len()];
        let mut plan_df = vec![0u32; vocab.len()];
        for w in plan_offsets.windows(2) {
            let mut seen: HashSet<u32> = HashSet::default();
            for c in &counts[w[0]..w[1]] {
                for (t, _) in c {
                    df[*t as usize] += 1;
                    seen.insert(*t);
                }
            }
            for t in seen {
                plan_df[t as usize] += 1;
            }
        }
        let n = flat.len().max(1) as f32;
        let idf_of = |d: u32| ((n + 1.0) / (d as f32 + 1.0)).ln() + 1.0;
        let idf: Vec<f32> = df.iter().map(|d| idf_of(*d)).collect();
        let plan_count = plans.len();
        clock.lap("analysis: vocabulary and frequencies");

        // Canonical terms: the variants of one instrument become one term.
        let mut canon_vocab: Vec<String> = Vec::new();
        let mut canon_ids: HashMap<&str, u32> = HashMap::default();
        let canon_of: Vec<u32> = vocab
            .iter()
            .map(|t| {
                let c = tokenizer.canonical(t).unwrap_or(t);
                *canon_ids.entry(c).or_insert_with(|| {
                    canon_vocab.push(c.to_string());
                    (canon_vocab.len() - 1) as u32
                })
            })
            .collect();
        // Matching statistics count distinct texts, not copies: a sentence repeated 4 000
        // times is still one text, and its words stay specific.
        let mut canon_df = vec![0u32; canon_vocab.len()];
        let distinct = group_of
            .iter()
            .enumerate()
            .filter(|(i, g)| *i == **g)
            .count();
        let nd = distinct.max(1) as f32;
        let generic_df = ((GENERIC_MEASURE_SHARE * nd).ceil() as u32)
            .clamp(GENERIC_MIN_MEASURES as u32, MAX_POSTING);
        let instrument_df = ((INSTRUMENT_MEASURE_SHARE * nd).ceil() as u32).max(2);
        let idf_of = |d: u32| ((nd + 1.0) / (d as f32 + 1.0)).ln() + 1.0;
        for (i, c) in counts.iter().enumerate() {
            if group_of[i] != i {
                continue;
            }
            let mut seen: Vec<u32> = c.iter().map(|(t, _)| canon_of[*t as usize]).collect();
            seen.sort_unstable();
            seen.dedup();
            for t in seen {
                canon_df[t as usize] += 1;
            }
        }
        let canon_idf: Vec<f32> = canon_df.iter().map(|d| idf_of(*d)).collect();
        let canon_flags: Vec<u8> = canon_vocab
            .iter()
            .zip(&canon_df)
            .map(|(t, d)| {
                let specific = *d < generic_df;
                let policy = tokenizer.is_policy_term(t) || tokenizer.canonical(t).is_some();
                (u8::from(specific) * SPECIFIC)
                    | (u8::from(specific && policy && *d <= instrument_df.max(generic_df / 2))
                        * INSTRUMENT)
            })
            .collect();
        let specific = |t: u32| canon_flags[t as usize] & SPECIFIC != 0;
        let instrument = |t: u32| canon_flags[t as usize] & INSTRUMENT != 0;
        clock.lap("analysis: canonical terms");

        let measures: Vec<MeasureEntry> = flat
            .par_iter()
            .enumerate()
            .map(|(i, (pi, mi, id, norm))| {
                let c = &counts[i];
                let mut weights: Vec<(u32, f32)> = c
                    .iter()
                    .map(|(t, k)| (*t, *k as f32 * idf[*t as usize]))
                    .collect();
                let norm2 = weights.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
                if norm2 > 0.0 {
                    weights.iter_mut().for_each(|(_, w)| *w /= norm2);
                }
                let canon: Vec<u32> = c.iter().map(|(t, _)| canon_of[*t as usize]).collect();
                let specific_terms = canon.iter().filter(|t| specific(**t)).count();
                let content_chars = norm.chars().filter(|ch| ch.is_alphanumeric()).count();
                let concrete = canon.iter().any(|t| {
                    specific(*t) && {
                        let s = &canon_vocab[*t as usize];
                        tokenizer.is_policy_term(s)
                    }
                });
                let headline = content_chars <= HEADLINE_MAX_CHARS
                    && !norm.contains([',', ';', ':'])
                    && !concrete;
                let boilerplate = headline
                    || is_target_formula(norm, c.len())
                    || (specific_terms == 0 && c.len() <= BOILERPLATE_MAX_TERMS)
                    || FORMULA_PHRASES.iter().any(|f| norm.contains(f));
                let data = (group_of[i] == i).then(|| {
                    Box::new(match_data(
                        norm,
                        &tokenized[i],
                        &ids,
                        &canon_of,
                        &canon_idf,
                        content_chars,
                    ))
                });
                MeasureEntry {
                    plan: *pi,
                    index: *mi,
                    measure_id: id.to_string(),
                    weights,
                    boilerplate,
                    quantitative: is_quantitative(norm),
                    rep: group_of[i],
                    data,
                }
            })
            .collect();
        drop(tokenized);
        clock.lap("analysis: per-measure data");

        // Copies of each text: representative → members (texts with copies only).
        let mut members: HashMap<usize, Vec<usize>> = HashMap::default();
        for (i, g) in group_of.iter().enumerate() {
            if *g != i {
                members.entry(*g).or_insert_with(|| vec![*g]).push(i);
            }
        }
        let single_plan = |g: usize| {
            members
                .get(&g)
                .is_none_or(|m| m.iter().all(|&x| measures[x].plan == measures[g].plan))
        };

        // Inverted index over specific canonical terms (and each text's rarest terms).
        let mut postings: HashMap<u32, Vec<usize>> = HashMap::default();
        let index_terms: Vec<Vec<u32>> = measures
            .par_iter()
            .enumerate()
            .map(|(i, m)| {
                let Some(d) = m.data.as_ref().filter(|_| group_of[i] == i) else {
                    return Vec::new();
                };
                let mut rare: Vec<u32> = d
                    .cvec
                    .iter()
                    .map(|(t, _)| *t)
                    .filter(|t| canon_df[*t as usize] <= MAX_POSTING)
                    .collect();
                rare.sort_by_key(|t| (canon_df[*t as usize], *t));
                let mut ts: Vec<u32> = d
                    .cvec
                    .iter()
                    .map(|(t, _)| *t)
                    .filter(|t| specific(*t))
                    .collect();
                ts.extend(rare.into_iter().take(RAREST_INDEXED));
                ts.sort_unstable();
                ts.dedup();
                ts
            })
            .collect();
        for (i, ts) in index_terms.iter().enumerate() {
            for t in ts {
                postings.entry(*t).or_default().push(i);
            }
        }
        clock.lap("analysis: index");
        let model = Model::shipped();
        let scorer = Scorer {
            canon_idf: &canon_idf,
            canon_flags: &canon_flags,
            model,
            max_idf: max_idf(&canon_idf),
            trees: Model::shipped_compact(),
        };
        let links_one_way: Vec<Vec<Link>> = (0..measures.len())
            .into_par_iter()
            .map_init(
                || vec![0u32; canon_vocab.len()],
                |slot, i| {
                    if group_of[i] != i {
                        return Vec::new();
                    }
                    let a = &measures[i];
                    let against = a.data.as_deref().map(|d| Against::new(d, slot, &scorer));
                    let a_single = single_plan(i);
                    // (candidate, shared indexed term) pairs; a candidate met through a single term
                    // can only qualify through that term being an instrument, or as a short copy.
                    let mut hits: Vec<(usize, bool)> = index_terms[i]
                        .iter()
                        .filter_map(|t| postings.get(t).map(|p| (p, instrument(*t))))
                        .flat_map(|(p, inst)| p.iter().map(move |&j| (j, inst)))
                        .filter(|&(j, _)| {
                            j > i && !(a_single && single_plan(j) && measures[j].plan == a.plan)
                        })
                        .collect();
                    hits.sort_unstable();
                    let a_short = a.data.as_ref().is_none_or(|d| d.shingles.len() <= 24);
                    let mut out = Vec::new();
                    let mut k = 0;
                    while k < hits.len() {
                        let j = hits[k].0;
                        let run = hits[k..].iter().take_while(|h| h.0 == j).count();
                        // Short sentences copied whole may share only one indexed term.
                        let short = a_short
                            || measures[j]
                                .data
                                .as_ref()
                                .is_none_or(|d| d.shingles.len() <= 24);
                        let met = run >= 2 || short || hits[k..k + run].iter().any(|h| h.1);
                        if let Some((tier, score)) = met
                            .then(|| match &against {
                                Some(ag) => scorer.score_against(ag, a, &measures[j]),
                                None => scorer.score(a, &measures[j]),
                            })
                            .flatten()
                        {
                            out.push(Link {
                                other: j,
                                tier,
                                score,
                            });
                        }
                        k += run;
                    }
                    out
                },
            )
            .collect();
        drop(postings);
        drop(index_terms);
        clock.lap("analysis: pair scoring");

        // Links are stored once per distinct text (on its representative): the first copy of
        // each partner text in every plan. A copy's partners are its text's list without the
        // entries of its own plan, so copies share one list and memory stays linear in the
        // plans even when a sentence is copied into thousands of them (issue 18).
        let firsts: HashMap<usize, Vec<usize>> = members
            .iter()
            .map(|(g, m)| {
                let mut seen: HashSet<usize> = HashSet::default();
                let f: Vec<usize> = m
                    .iter()
                    .copied()
                    .filter(|&x| seen.insert(measures[x].plan))
                    .collect();
                (*g, f)
            })
            .collect();
        let first_copies = |g: usize| -> &[usize] {
            firsts
                .get(&g)
                .map_or(std::slice::from_ref(&measures[g].rep), Vec::as_slice)
        };
        // Text-level links of every representative, both directions (one per linked pair of
        // distinct texts: few), then each text's list built, sorted and deduplicated on its own,
        // in parallel and at its final size (appending every copy's links to the lists of both
        // ends, in one thread, touched half a million growing vectors at random at 10,000
        // plans). The sort is a total order on whole links, so the lists do not depend on the
        // order the links are gathered in.
        let mut by_text: Vec<Vec<Link>> = vec![Vec::new(); measures.len()];
        for (i, ls) in links_one_way.into_iter().enumerate() {
            for l in ls {
                by_text[l.other].push(Link { other: i, ..l });
                by_text[i].push(l);
            }
        }
        // Copies of one text in different plans are verbatim partners.
        let copies_linked = |g: usize| {
            firsts.get(&g).filter(|f| {
                f.len() >= 2
                    && measures[g]
                        .data
                        .as_ref()
                        .is_some_and(|d| !d.shingles.is_empty())
            })
        };
        let group_links: Vec<Vec<Link>> = by_text
            .into_par_iter()
            .enumerate()
            .map(|(g, texts)| {
                let copies = copies_linked(g);
                let len = texts
                    .iter()
                    .map(|l| first_copies(l.other).len())
                    .sum::<usize>()
                    + copies.map_or(0, Vec::len);
                let mut ls: Vec<Link> = Vec::with_capacity(len);
                for l in &texts {
                    ls.extend(
                        first_copies(l.other)
                            .iter()
                            .map(|&y| Link { other: y, ..*l }),
                    );
                }
                if let Some(f) = copies {
                    ls.extend(f.iter().map(|&y| Link {
                        other: y,
                        tier: Tier::Verbatim,
                        score: 1.0,
                    }));
                }
                ls.sort_by(|a, b| {
                    a.tier
                        .cmp(&b.tier)
                        .then(b.score.total_cmp(&a.score))
                        .then(a.other.cmp(&b.other))
                });
                ls.dedup_by_key(|l| l.other);
                ls
            })
            .collect();
        drop(firsts);
        // A paraphrase link stays only when it is (within PARTNER_MARGIN of) the best link of
        // one of its two measures into the other's plan: a measure is not also linked to every
        // other measure of a plan on the same topic. Verbatim links all stay, and so does every
        // measure's best link into each plan, so which plans a measure is shared with does not
        // change. The table settles what depends on the text alone and the rest when a copy's
        // list is read (see [`LinkTable`]).
        clock.lap("analysis: links to copies");
        let links = LinkTable::new(&measures, group_links);
        clock.lap("analysis: link table");
        let status: Vec<Status> = (0..measures.len())
            .map(|i| {
                if measures[i].boilerplate {
                    Status::Boilerplate
                } else if links
                    .of(&measures, i)
                    .any(|l| !measures[l.other].boilerplate)
                {
                    Status::Shared
                } else {
                    Status::Unique
                }
            })
            .collect();
        clock.lap("analysis: statuses");
        let (family_of, families) = families(&measures, &links, &status, model.family_threshold);
        clock.lap("analysis: families");
        let term_index = vocab
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
        Analysis {
            term_index,
            vocab,
            idf,
            plan_df,
            plan_count,
            measures,
            plan_offsets,
            links,
            status,
            family_of,
            families,
            canon_vocab,
            canon_idf,
            canon_flags,
        }
    }
}
