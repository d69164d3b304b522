//! Shared and unique measures across plans.
//!
//! # Method
//! 1. Every measure is tokenised once ([`crate::tokenize`], in parallel) into content terms.
//!    Term weights are TF-IDF over the measures of the loaded corpus; each measure also gets a set
//!    of character 3-gram shingles of its text without punctuation and digits.
//! 2. A term is *generic* if at least [`GENERIC_MEASURE_SHARE`] of all measures use it (and at least
//!    [`GENERIC_MIN_MEASURES`]): 发展, 机制, 组织领导, 城镇化 are everywhere; 积分落户, 政府债券,
//!    智慧供暖 are not. Only specific terms go into the inverted index, so a posting list holds at
//!    most ~1% of the measures, and only measures of different plans that share a specific term
//!    are ever scored: the work grows near-linearly with the corpus.
//! 3. Tiers:
//!    - `verbatim`: shingle Jaccard ≥ [`VERBATIM_JACCARD`], or containment ≥
//!      [`VERBATIM_CONTAINMENT`] when the shorter measure has at least 12 shingles (a sentence
//!      copied into a longer one);
//!    - `paraphrase`: TF-IDF cosine ≥ [`PARAPHRASE_COSINE`] and at least
//!      [`PARAPHRASE_SPECIFIC`] shared specific terms. Sharing a topic (generic words) is not enough.
//! 4. Boilerplate: a measure with no specific term (`加强组织领导。`), a bare target formula
//!    (`到2020年,常住人口城镇化率达到75%`) or political formula ([`FORMULA_PHRASES`]) is flagged
//!    `boilerplate`. Its links are kept (the UI can show the formula is common) but it never counts
//!    as a shared measure and never joins a family.
//! 5. Measures linked as shared form families (union-find); a family's diffusion is the number of
//!    plans it reaches.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::plan::Plan;
use crate::tokenize::Tokenizer;

/// A term used by at least this share of all measures is generic (…and at least
/// [`GENERIC_MIN_MEASURES`] measures): 发展, 机制, 组织领导.
pub const GENERIC_MEASURE_SHARE: f32 = 0.03;
/// Floor of the generic threshold, for small corpora (its ceiling is [`MAX_POSTING`]).
pub const GENERIC_MIN_MEASURES: usize = 6;
/// The rarest terms of every measure are indexed too (when used by at most [`MAX_POSTING`]
/// measures), so that sentences copied word for word from a common template still meet.
pub const RAREST_INDEXED: usize = 3;
/// Longest posting list of the inverted index.
pub const MAX_POSTING: u32 = 500;
/// At most this many content terms for a measure without specific terms to be boilerplate.
pub const BOILERPLATE_MAX_TERMS: usize = 4;
/// Shingle Jaccard for the verbatim tier.
pub const VERBATIM_JACCARD: f32 = 0.6;
/// Shingle containment (of the shorter measure) for the verbatim tier.
pub const VERBATIM_CONTAINMENT: f32 = 0.85;
/// TF-IDF cosine for the paraphrase tier.
pub const PARAPHRASE_COSINE: f32 = 0.4;
/// Lower cosine accepted when two measures share a policy instrument (a policy-dictionary term
/// used by at most [`INSTRUMENT_MEASURE_SHARE`] of measures: 扩权强镇, 增减挂钩, 专项债券).
pub const INSTRUMENT_COSINE: f32 = 0.25;
/// Share of measures below which a policy-dictionary term names a concrete instrument.
pub const INSTRUMENT_MEASURE_SHARE: f32 = 0.01;
/// Shared specific terms needed (the instrument included) on the instrument path.
pub const INSTRUMENT_SPECIFIC: usize = 1;
/// Shared specific terms needed for the paraphrase tier.
pub const PARAPHRASE_SPECIFIC: usize = 2;
/// Phrases of political formula: a measure containing one is boilerplate.
pub const FORMULA_PHRASES: &[&str] = &[
    "习近平新时代中国特色社会主义思想",
    "党的十八大",
    "党的十九大",
    "党的二十大",
    "十九届",
    "二十届",
    "新发展理念",
    "稳中求进工作总基调",
    "四个全面",
    "五位一体",
    "决策部署",
    "重要讲话精神",
    "重要指示精神",
    "领导小组",
    "组织领导",
    "监督检查",
    "苗头性",
    "新闻媒体",
    "舆论氛围",
];
/// A measure with at most this many content characters, no clause break and no specific
/// policy-dictionary term reads as a headline or slogan (`城镇化格局更加优化。`) and is
/// boilerplate; `全面放开建制镇落户限制。` is short too but names a concrete instrument.
pub const HEADLINE_MAX_CHARS: usize = 20;

/// How close two measures are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// Near-identical wording.
    Verbatim,
    /// The same concrete action in other words.
    Paraphrase,
}

/// Status of a measure in the loaded corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Another plan states the same measure.
    Shared,
    /// No other plan does.
    Unique,
    /// Generic wording or a target formula; never counted as shared.
    Boilerplate,
}

/// A partner of a measure in another plan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Link {
    /// Flat index of the partner measure.
    pub other: usize,
    /// Tier.
    pub tier: Tier,
    /// Similarity, 0–1 (shingle Jaccard for verbatim, cosine for paraphrase).
    pub score: f32,
}

/// One measure as the engine sees it.
#[derive(Debug, Clone)]
pub struct MeasureEntry {
    /// Index of its plan in the corpus.
    pub plan: usize,
    /// Index within the plan's `measures()`.
    pub index: usize,
    /// The measure id.
    pub measure_id: String,
    /// Term ids, sorted, with normalised TF-IDF weights.
    pub weights: Vec<(u32, f32)>,
    /// Sorted unique character 3-gram hashes.
    shingles: Vec<u64>,
    /// Generic wording or a bare target formula.
    pub boilerplate: bool,
    /// States a quantitative target (a number with a unit after 达到/突破/提高到…).
    pub quantitative: bool,
}

/// A family of measures linked as shared.
#[derive(Debug, Clone, Serialize)]
pub struct Family {
    /// Family id (0 = most widely adopted).
    pub family_id: usize,
    /// Flat indexes of its measures.
    pub members: Vec<usize>,
    /// Plans adopting it (corpus indexes, sorted).
    pub plans: Vec<usize>,
    /// The member with most links (ties: first in reading order).
    pub representative: usize,
}

/// Tokens, weights, partners, status and families of every measure of a corpus.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Term strings by id.
    pub vocab: Vec<String>,
    /// Term ids by string.
    pub term_index: HashMap<String, u32>,
    /// Inverse document frequency by term id (over measures).
    pub idf: Vec<f32>,
    /// Number of plans using each term.
    pub plan_df: Vec<u32>,
    /// Number of plans analysed.
    pub plan_count: usize,
    /// Every measure, plan by plan in corpus order.
    pub measures: Vec<MeasureEntry>,
    /// First flat index of each plan's measures (len = plans + 1).
    pub plan_offsets: Vec<usize>,
    /// Partners of each measure, best first.
    pub links: Vec<Vec<Link>>,
    /// Status of each measure.
    pub status: Vec<Status>,
    /// Family of each measure.
    pub family_of: Vec<Option<usize>>,
    /// Families, most widely adopted first.
    pub families: Vec<Family>,
}

fn shingles(norm: &str) -> Vec<u64> {
    let chars: Vec<char> = norm
        .chars()
        .filter(|c| c.is_alphabetic() && !c.is_ascii_digit())
        .collect();
    let mut out: Vec<u64> = chars
        .windows(3)
        .map(|w| (w[0] as u64) << 42 | (w[1] as u64) << 21 | w[2] as u64)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn intersect_count(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Cosine of two sorted sparse vectors with unit norm.
pub fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

/// Does a measure read as a bare target formula (`到2020年,常住人口城镇化率达到75%`)?
/// Also a statistical profile line (`2014年全市常住人口49.89万人,…城镇化率45.5%`): several
/// numbers and little else.
fn is_target_formula(norm: &str, content_terms: usize) -> bool {
    let numbers = norm
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|p| p.chars().any(|c| c.is_ascii_digit()))
        .count();
    let has_rate = norm.contains('%') || norm.contains("达到") || norm.contains('率');
    numbers > 0 && has_rate && (content_terms <= 5 || (numbers >= 3 && content_terms <= 12))
}

fn is_quantitative(norm: &str) -> bool {
    norm.chars().any(|c| c.is_ascii_digit())
        && [
            "达到",
            "突破",
            "提高到",
            "提升到",
            "增加到",
            "超过",
            "控制在",
            "以上",
            "不低于",
        ]
        .iter()
        .any(|v| norm.contains(v))
}

impl Analysis {
    /// Analyse every measure of `plans`.
    pub fn build(plans: &[Plan]) -> Analysis {
        let tokenizer = Tokenizer::global();
        let mut plan_offsets = vec![0];
        let mut flat: Vec<(usize, usize, &str, &str)> = Vec::new();
        for (pi, p) in plans.iter().enumerate() {
            for (mi, m) in p.measures().into_iter().enumerate() {
                flat.push((pi, mi, m.measure_id.as_str(), m.norm.as_str()));
            }
            plan_offsets.push(flat.len());
        }
        let tokenized: Vec<Vec<&str>> = flat
            .par_iter()
            .map(|(_, _, _, norm)| tokenizer.terms(norm))
            .collect();

        // Vocabulary, term counts per measure, document and plan frequencies.
        let mut vocab: Vec<String> = Vec::new();
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let mut counts: Vec<Vec<(u32, u32)>> = Vec::with_capacity(flat.len());
        for terms in &tokenized {
            let mut c: HashMap<u32, u32> = HashMap::new();
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
            let mut seen: HashSet<u32> = HashSet::new();
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
        let idf: Vec<f32> = df
            .iter()
            .map(|d| ((n + 1.0) / (*d as f32 + 1.0)).ln() + 1.0)
            .collect();
        let plan_count = plans.len();
        // Capped, so that posting lists stay bounded however large the corpus grows.
        let generic_df = ((GENERIC_MEASURE_SHARE * n).ceil() as u32)
            .clamp(GENERIC_MIN_MEASURES as u32, MAX_POSTING);
        // Per-term flags, computed once: the pair scorer asks them millions of times.
        let specific_flags: Vec<bool> = df.iter().map(|d| *d < generic_df).collect();
        let specific = |t: u32| specific_flags[t as usize];

        let vocab_ref = &vocab;
        let instrument_df = ((INSTRUMENT_MEASURE_SHARE * n).ceil() as u32).max(2);
        let instrument_flags: Vec<bool> = (0..vocab_ref.len())
            .map(|t| df[t] <= instrument_df && tokenizer.is_policy_term(&vocab_ref[t]))
            .collect();
        let instrument = |t: u32| instrument_flags[t as usize];
        let measures: Vec<MeasureEntry> = flat
            .par_iter()
            .zip(counts.par_iter())
            .map(|((pi, mi, id, norm), c)| {
                let mut weights: Vec<(u32, f32)> = c
                    .iter()
                    .map(|(t, k)| (*t, *k as f32 * idf[*t as usize]))
                    .collect();
                let norm2 = weights.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
                if norm2 > 0.0 {
                    weights.iter_mut().for_each(|(_, w)| *w /= norm2);
                }
                let specific_terms = c.iter().filter(|(t, _)| specific(*t)).count();
                let content_chars = norm.chars().filter(|ch| ch.is_alphanumeric()).count();
                let concrete = c.iter().any(|(t, _)| {
                    specific(*t) && tokenizer.is_policy_term(&vocab_ref[*t as usize])
                });
                let headline = content_chars <= HEADLINE_MAX_CHARS
                    && !norm.contains([',', ';', ':'])
                    && !concrete;
                let boilerplate = headline
                    || is_target_formula(norm, c.len())
                    || (specific_terms == 0 && c.len() <= BOILERPLATE_MAX_TERMS)
                    || FORMULA_PHRASES.iter().any(|f| norm.contains(f));
                MeasureEntry {
                    plan: *pi,
                    index: *mi,
                    measure_id: id.to_string(),
                    weights,
                    shingles: shingles(norm),
                    boilerplate,
                    quantitative: is_quantitative(norm),
                }
            })
            .collect();

        // Identical texts are scored once: a corpus that holds several versions or compilations
        // of the same plans would otherwise score every copy against every copy. `group_of[i]` is
        // the first measure with the same text; only those representatives are indexed.
        let mut first_with: HashMap<&str, usize> = HashMap::new();
        let group_of: Vec<usize> = flat
            .iter()
            .enumerate()
            .map(|(i, f)| *first_with.entry(f.3).or_insert(i))
            .collect();
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, g) in group_of.iter().enumerate() {
            members.entry(*g).or_default().push(i);
        }
        let single_plan = |g: usize| {
            members
                .get(&g)
                .is_none_or(|m| m.iter().all(|&x| measures[x].plan == measures[g].plan))
        };

        // Inverted index over specific terms (and each text's rarest terms).
        let mut postings: HashMap<u32, Vec<usize>> = HashMap::new();
        let index_terms: Vec<Vec<u32>> = counts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if group_of[i] != i {
                    return Vec::new();
                }
                let mut rare: Vec<u32> = c
                    .iter()
                    .map(|(t, _)| *t)
                    .filter(|t| df[*t as usize] <= MAX_POSTING)
                    .collect();
                rare.sort_by_key(|t| (df[*t as usize], *t));
                let mut ts: Vec<u32> = c.iter().map(|(t, _)| *t).filter(|t| specific(*t)).collect();
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
        let links_one_way: Vec<Vec<Link>> = (0..measures.len())
            .into_par_iter()
            .map(|i| {
                if group_of[i] != i {
                    return Vec::new();
                }
                let a = &measures[i];
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
                let mut cands: Vec<usize> = Vec::new();
                let mut k = 0;
                while k < hits.len() {
                    let j = hits[k].0;
                    let run = hits[k..].iter().take_while(|h| h.0 == j).count();
                    // Short sentences copied whole may share only one indexed term.
                    let short = a.shingles.len() <= 24 || measures[j].shingles.len() <= 24;
                    if run >= 2 || short || hits[k..k + run].iter().any(|h| h.1) {
                        cands.push(j);
                    }
                    k += run;
                }
                cands
                    .into_iter()
                    .filter_map(|j| {
                        let b = &measures[j];
                        score_pair(a, b, &specific, &instrument).map(|(tier, score)| Link {
                            other: j,
                            tier,
                            score,
                        })
                    })
                    .collect()
            })
            .collect();
        // Spread the representatives' links to every copy, and link copies of one text in
        // different plans as verbatim.
        let mut links: Vec<Vec<Link>> = vec![Vec::new(); measures.len()];
        let copies = |g: usize| members.get(&g).map(Vec::as_slice).unwrap_or(&[]);
        for (i, ls) in links_one_way.into_iter().enumerate() {
            for l in ls {
                for &x in copies(i) {
                    for &y in copies(l.other) {
                        if measures[x].plan != measures[y].plan {
                            links[x].push(Link { other: y, ..l });
                            links[y].push(Link { other: x, ..l });
                        }
                    }
                }
            }
        }
        let mut groups: Vec<&Vec<usize>> = members.values().filter(|m| m.len() > 1).collect();
        groups.sort_unstable();
        for m in groups {
            for (k, &x) in m.iter().enumerate() {
                for &y in &m[k + 1..] {
                    if measures[x].plan != measures[y].plan && !measures[x].shingles.is_empty() {
                        let l = Link {
                            other: y,
                            tier: Tier::Verbatim,
                            score: 1.0,
                        };
                        links[x].push(l);
                        links[y].push(Link { other: x, ..l });
                    }
                }
            }
        }
        for ls in &mut links {
            ls.sort_by(|a, b| {
                a.tier
                    .cmp(&b.tier)
                    .then(b.score.total_cmp(&a.score))
                    .then(a.other.cmp(&b.other))
            });
        }
        let status: Vec<Status> = measures
            .iter()
            .zip(&links)
            .map(|(m, ls)| {
                if m.boilerplate {
                    Status::Boilerplate
                } else if ls.iter().any(|l| !measures[l.other].boilerplate) {
                    Status::Shared
                } else {
                    Status::Unique
                }
            })
            .collect();
        let (family_of, families) = families(&measures, &links, &status);
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
        }
    }

    /// Flat index of a plan's `index`-th measure.
    pub fn flat_index(&self, plan: usize, index: usize) -> Option<usize> {
        let start = *self.plan_offsets.get(plan)?;
        let end = *self.plan_offsets.get(plan + 1)?;
        (start + index < end).then_some(start + index)
    }

    /// Id of a term, if the corpus uses it.
    pub fn term_id(&self, term: &str) -> Option<u32> {
        self.term_index.get(term).copied()
    }

    /// Flat index of a measure id.
    pub fn find(&self, measure_id: &str) -> Option<usize> {
        self.measures
            .iter()
            .position(|m| m.measure_id == measure_id)
    }

    /// Shared partners of a measure that count (boilerplate partners excluded).
    pub fn shared_links(&self, i: usize) -> Vec<Link> {
        if self.status.get(i) != Some(&Status::Shared) {
            return Vec::new();
        }
        self.links[i]
            .iter()
            .filter(|l| !self.measures[l.other].boilerplate)
            .copied()
            .collect()
    }
}

fn score_pair(
    a: &MeasureEntry,
    b: &MeasureEntry,
    specific: &dyn Fn(u32) -> bool,
    instrument: &dyn Fn(u32) -> bool,
) -> Option<(Tier, f32)> {
    let inter = intersect_count(&a.shingles, &b.shingles);
    let (sa, sb) = (a.shingles.len(), b.shingles.len());
    if sa > 0 && sb > 0 {
        let jaccard = inter as f32 / (sa + sb - inter) as f32;
        let containment = inter as f32 / sa.min(sb) as f32;
        if jaccard >= VERBATIM_JACCARD || (sa.min(sb) >= 12 && containment >= VERBATIM_CONTAINMENT)
        {
            return Some((Tier::Verbatim, jaccard.max(containment).min(1.0)));
        }
    }
    let cos = cosine(&a.weights, &b.weights);
    if cos < INSTRUMENT_COSINE {
        return None;
    }
    let (shared_specific, shared_instruments) = {
        let (mut i, mut j, mut k, mut inst) = (0, 0, 0, 0);
        while i < a.weights.len() && j < b.weights.len() {
            match a.weights[i].0.cmp(&b.weights[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    if specific(a.weights[i].0) {
                        k += 1;
                    }
                    if instrument(a.weights[i].0) {
                        inst += 1;
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        (k, inst)
    };
    // Two target statements (`…增加值突破60亿元`) look alike by formula; they need more in common.
    let needed = if a.quantitative || b.quantitative {
        PARAPHRASE_SPECIFIC + 1
    } else {
        PARAPHRASE_SPECIFIC
    };
    let by_terms = cos >= PARAPHRASE_COSINE && shared_specific >= needed;
    let by_instrument = shared_instruments >= 1
        && shared_specific >= INSTRUMENT_SPECIFIC
        && !(a.quantitative && b.quantitative);
    (by_terms || by_instrument).then_some((Tier::Paraphrase, cos.min(1.0)))
}

fn families(
    measures: &[MeasureEntry],
    links: &[Vec<Link>],
    status: &[Status],
) -> (Vec<Option<usize>>, Vec<Family>) {
    // Star clusters, not connected components: chains of paraphrases (A≈B≈C) would otherwise
    // merge a whole corpus into one family. The measure with most shared partners founds a family
    // and takes its unassigned partners; repeat.
    let n = measures.len();
    let shared_partners: Vec<usize> = (0..n)
        .map(|i| {
            links[i]
                .iter()
                .filter(|l| status[l.other] == Status::Shared)
                .count()
        })
        .collect();
    let mut order: Vec<usize> = (0..n).filter(|&i| status[i] == Status::Shared).collect();
    order.sort_by(|&a, &b| shared_partners[b].cmp(&shared_partners[a]).then(a.cmp(&b)));
    let mut assigned = vec![false; n];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &center in &order {
        if assigned[center] {
            continue;
        }
        assigned[center] = true;
        let mut members = vec![center];
        for l in &links[center] {
            if status[l.other] == Status::Shared && !assigned[l.other] {
                assigned[l.other] = true;
                members.push(l.other);
            }
        }
        groups.push(members);
    }
    let mut fams: Vec<Family> = groups
        .into_iter()
        .map(|mut members| {
            let center = members[0];
            members.sort_unstable();
            let mut plans: Vec<usize> = members.iter().map(|&m| measures[m].plan).collect();
            plans.sort_unstable();
            plans.dedup();
            let representative = center;
            Family {
                family_id: 0,
                members,
                plans,
                representative,
            }
        })
        .filter(|f| f.plans.len() >= 2)
        .collect();
    fams.sort_by(|a, b| {
        b.plans
            .len()
            .cmp(&a.plans.len())
            .then(b.members.len().cmp(&a.members.len()))
            .then(a.members[0].cmp(&b.members[0]))
    });
    let mut family_of = vec![None; n];
    for (k, f) in fams.iter_mut().enumerate() {
        f.family_id = k;
        for &m in &f.members {
            family_of[m] = Some(k);
        }
    }
    (family_of, fams)
}
