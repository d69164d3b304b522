//! Shared and unique measures across plans.
//!
//! # Method (full description with measured figures: `docs/matching.md`)
//! 1. Every measure is tokenised once ([`crate::tokenize`], in parallel) into content terms.
//!    Variants and abbreviations of one policy instrument (`增减挂钩` / `城乡建设用地增减挂钩`,
//!    `医共体` / `医疗共同体`, `PPP` / `政府和社会资本合作`; `assets/dict/instruments.txt`) are mapped
//!    to one canonical term. Term weights are TF-IDF over the measures of the loaded corpus; each
//!    measure also gets its character 3-gram shingles (text without punctuation and digits) and
//!    one TF-IDF vector per clause (the measure cut at `,` `;` `:`, after normalisation).
//! 2. A term is *generic* if at least [`GENERIC_MEASURE_SHARE`] of all distinct measure texts use it (and at least
//!    [`GENERIC_MIN_MEASURES`]): 发展, 机制, 组织领导 are everywhere; 积分落户, 政府债券,
//!    智慧供暖 are not. Only specific terms (and each text's [`RAREST_INDEXED`] rarest terms) go into
//!    the inverted index, and only measures of different plans met through it are ever scored.
//! 3. Identical normalised texts are scored once ([`MeasureEntry::rep`]); a measure is linked to
//!    at most one copy of each partner text per other plan (the first in reading order), so links
//!    grow with the number of distinct texts, not with the square of the number of copies.
//! 4. Tiers:
//!    - `verbatim`: shingle Jaccard ≥ [`VERBATIM_JACCARD`], or containment ≥
//!      [`VERBATIM_CONTAINMENT`] when the shorter measure has at least [`VERBATIM_MIN_SHINGLES`]
//!      shingles (a sentence copied into a longer one);
//!    - `paraphrase`: otherwise, a logistic-regression scorer over [`FEATURES`] (shingle Jaccard
//!      and containment, TF-IDF cosine, best clause cosine, IDF-weighted term containment,
//!      shared specific terms, shared instruments, length ratio, boilerplate and target flags)
//!      gives a probability; the pair is a paraphrase when it reaches the model's threshold. The
//!      weights and the threshold are data (`assets/dict/matcher_model.txt`), fitted on the
//!      tuning pairs of the exhaustively labelled set by `examples/train_matching.rs`.
//! 5. Boilerplate: a measure with no specific term (`加强组织领导。`), a bare target formula
//!    (`到2020年,常住人口城镇化率达到75%`) or political formula ([`FORMULA_PHRASES`]) is flagged
//!    `boilerplate`. It keeps its links ([`Analysis::partners`], [`Analysis::linked_plans`]: "套话,
//!    also in 34 plans") but never counts as a shared measure and never joins a family.
//! 6. Measures linked as shared form families (star clusters); a family's diffusion is the number
//!    of plans it reaches.
//! 7. [`match_spans`] / [`Analysis::explain`] give the character spans two measures share (in
//!    both original texts), with tier and score: why two measures match.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

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
/// Fewest shingles of the shorter measure for the containment path of the verbatim tier.
pub const VERBATIM_MIN_SHINGLES: usize = 12;
/// Share of measures below which a policy-dictionary term names a concrete instrument.
pub const INSTRUMENT_MEASURE_SHARE: f32 = 0.01;
/// Shortest run of shared characters [`match_spans`] marks.
pub const SPAN_MIN_CHARS: usize = 3;
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

/// Names of the pair features the paraphrase scorer uses, in order (see [`Analysis::pair_features`]).
pub const FEATURES: [&str; N_FEATURES] = [
    "jaccard",
    "containment",
    "cosine",
    "clause_cosine",
    "term_containment",
    "shared_specific",
    "shared_instruments",
    "length_ratio",
    "boilerplate",
    "quantitative",
    "bigram_containment",
    "bigram_dice",
];
/// Number of pair features.
pub const N_FEATURES: usize = 12;

const MODEL_TEXT: &str = include_str!("../assets/dict/matcher_model.txt");

/// The paraphrase scorer: logistic regression over [`FEATURES`].
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Intercept.
    pub bias: f32,
    /// One weight per feature, in [`FEATURES`] order.
    pub weights: [f32; N_FEATURES],
    /// Probability at or above which a pair is a paraphrase.
    pub threshold: f32,
}

impl Model {
    /// Parse the model file format: `name value` lines (`bias`, `threshold` and one line per
    /// feature), `#` comments.
    pub fn parse(text: &str) -> Result<Model, String> {
        let mut bias = None;
        let mut threshold = None;
        let mut weights = [None; N_FEATURES];
        for (no, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split_whitespace();
            let (Some(name), Some(value)) = (parts.next(), parts.next()) else {
                return Err(format!("line {}: expected `name value`", no + 1));
            };
            let value: f32 = value
                .parse()
                .map_err(|_| format!("line {}: `{value}` is not a number", no + 1))?;
            match name {
                "bias" => bias = Some(value),
                "threshold" => threshold = Some(value),
                _ => {
                    let k = FEATURES
                        .iter()
                        .position(|f| *f == name)
                        .ok_or_else(|| format!("line {}: unknown feature `{name}`", no + 1))?;
                    weights[k] = Some(value);
                }
            }
        }
        let mut w = [0.0; N_FEATURES];
        for (k, v) in weights.iter().enumerate() {
            w[k] = v.ok_or_else(|| format!("feature `{}` has no weight", FEATURES[k]))?;
        }
        Ok(Model {
            bias: bias.ok_or("no `bias` line")?,
            weights: w,
            threshold: threshold.ok_or("no `threshold` line")?,
        })
    }

    /// The model shipped in `assets/dict/matcher_model.txt` (checked by a unit test).
    pub fn shipped() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| {
            Model::parse(MODEL_TEXT).unwrap_or(Model {
                // Never used in practice: the unit test `shipped_model_parses` guards the file.
                bias: -4.0,
                weights: [2.0, 1.0, 5.0, 2.0, 2.0, 1.0, 1.0, 0.0, -1.0, -1.0, 1.0, 1.0],
                threshold: 0.5,
            })
        })
    }

    /// Probability that a pair with these features is the same measure.
    pub fn probability(&self, f: &[f32; N_FEATURES]) -> f32 {
        let z = self.bias + self.weights.iter().zip(f).map(|(w, x)| w * x).sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }

    /// Write the model in the format [`Model::parse`] reads.
    pub fn to_text(&self, header: &str) -> String {
        let mut out = String::new();
        for l in header.lines() {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
        out.push_str(&format!("bias {}\n", self.bias));
        for (name, w) in FEATURES.iter().zip(&self.weights) {
            out.push_str(&format!("{name} {w}\n"));
        }
        out.push_str(&format!("threshold {}\n", self.threshold));
        out
    }
}

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
    /// Similarity, 0–1 (shingle Jaccard or containment for verbatim, the scorer's probability
    /// for paraphrase).
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
    /// Generic wording or a bare target formula.
    pub boilerplate: bool,
    /// States a quantitative target (a number with a unit after 达到/突破/提高到…).
    pub quantitative: bool,
    /// Flat index of the first measure with the same normalised text (itself when it is the
    /// first): copies share their representative's matching data and links.
    pub rep: usize,
    /// Matching data; kept on representatives only.
    data: Option<Box<MatchData>>,
}

/// What the pair scorer needs of a measure.
#[derive(Debug, Clone, Default)]
struct MatchData {
    /// Sorted unique character 3-gram hashes.
    shingles: Vec<u64>,
    /// Sorted unique character 2-grams.
    bigrams: Vec<u64>,
    /// Canonical term ids, sorted, with normalised TF-IDF weights.
    cvec: Vec<(u32, f32)>,
    /// The same per clause (only when the measure has two clauses or more with two terms each).
    clauses: Vec<Vec<(u32, f32)>>,
    /// Sum of the canonical IDF of its distinct terms.
    idf_mass: f32,
    /// Han and alphanumeric characters.
    content_chars: u32,
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
    /// Partners of each measure, best first (at most one copy of a text per other plan); read
    /// them with [`Analysis::partners`].
    links: LinkTable,
    /// Status of each measure.
    pub status: Vec<Status>,
    /// Family of each measure.
    pub family_of: Vec<Option<usize>>,
    /// Families, most widely adopted first.
    pub families: Vec<Family>,
    /// Canonical term strings by canonical id.
    canon_vocab: Vec<String>,
    /// IDF of each canonical term.
    canon_idf: Vec<f32>,
    /// Per canonical term: bit 0 specific, bit 1 instrument.
    canon_flags: Vec<u8>,
}

/// Partners of every measure, stored once per distinct text: `group[rep]` lists, best first,
/// the first copy of each partner text in every plan (copies of the text itself included, as
/// verbatim partners); a measure's partners are its representative's list without the entries
/// of its own plan. Empty for measures that are not representatives.
#[derive(Debug, Clone, Default)]
struct LinkTable {
    group: Vec<Box<[Link]>>,
}

impl LinkTable {
    /// Partners of measure `i`, best first.
    fn of<'a>(&'a self, measures: &'a [MeasureEntry], i: usize) -> impl Iterator<Item = Link> + 'a {
        let m = measures.get(i);
        let list = m
            .and_then(|m| self.group.get(m.rep))
            .map_or(&[][..], |b| &b[..]);
        let plan = m.map_or(usize::MAX, |m| m.plan);
        list.iter()
            .filter(move |l| measures[l.other].plan != plan)
            .copied()
    }
}

const SPECIFIC: u8 = 1;
const INSTRUMENT: u8 = 2;

/// Why two measures match: tier, score and the character spans they share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// Tier of the link (`None`: the engine does not link them).
    pub tier: Option<Tier>,
    /// The link's score, or the scorer's probability when they are not linked.
    pub score: f32,
    /// Byte ranges in the first measure's display text.
    pub spans_a: Vec<Range<usize>>,
    /// Byte ranges in the second measure's display text.
    pub spans_b: Vec<Range<usize>>,
    /// Canonical policy terms both use.
    pub shared_terms: Vec<String>,
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

fn bigrams(norm: &str) -> Vec<u64> {
    let chars: Vec<char> = norm
        .chars()
        .filter(|c| c.is_alphabetic() && !c.is_ascii_digit())
        .collect();
    let mut out: Vec<u64> = chars
        .windows(2)
        .map(|w| (w[0] as u64) << 21 | w[1] as u64)
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

/// Unit-normalised TF-IDF vector of canonical term counts.
fn tfidf(counts: &HashMap<u32, u32>, idf: &[f32]) -> Vec<(u32, f32)> {
    let mut v: Vec<(u32, f32)> = counts
        .iter()
        .map(|(t, k)| (*t, *k as f32 * idf[*t as usize]))
        .collect();
    v.sort_unstable_by_key(|p| p.0);
    let n = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|(_, w)| *w /= n);
    }
    v
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
        // Identical texts are tokenised and scored once: `group_of[i]` is the first measure
        // with the same normalised text.
        let mut first_with: HashMap<&str, usize> = HashMap::new();
        let group_of: Vec<usize> = flat
            .iter()
            .enumerate()
            .map(|(i, f)| *first_with.entry(f.3).or_insert(i))
            .collect();
        drop(first_with);
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

        // Vocabulary, term counts per measure, document and plan frequencies.
        let mut vocab: Vec<String> = Vec::new();
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let mut counts: Vec<Vec<(u32, u32)>> = Vec::with_capacity(flat.len());
        for (i, terms) in tokenized.iter().enumerate() {
            if group_of[i] != i {
                let copy = counts[group_of[i]].clone();
                counts.push(copy);
                continue;
            }
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
        let idf_of = |d: u32| ((n + 1.0) / (d as f32 + 1.0)).ln() + 1.0;
        let idf: Vec<f32> = df.iter().map(|d| idf_of(*d)).collect();
        let plan_count = plans.len();

        // Canonical terms: the variants of one instrument become one term.
        let mut canon_vocab: Vec<String> = Vec::new();
        let mut canon_ids: HashMap<&str, u32> = HashMap::new();
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

        // Copies of each text: representative → members (texts with copies only).
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
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
        let mut postings: HashMap<u32, Vec<usize>> = HashMap::new();
        let index_terms: Vec<Vec<u32>> = measures
            .iter()
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
        let model = Model::shipped();
        let scorer = Scorer {
            canon_idf: &canon_idf,
            canon_flags: &canon_flags,
            model,
        };
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
                        .then(|| scorer.score(&measures[i], &measures[j]))
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
            })
            .collect();
        drop(postings);
        drop(index_terms);

        // Links are stored once per distinct text (on its representative): the first copy of
        // each partner text in every plan. A copy's partners are its text's list without the
        // entries of its own plan, so copies share one list and memory stays linear in the
        // plans even when a sentence is copied into thousands of them (issue 18).
        let firsts: HashMap<usize, Vec<usize>> = members
            .iter()
            .map(|(g, m)| {
                let mut seen: HashSet<usize> = HashSet::new();
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
        let mut group_links: Vec<Vec<Link>> = vec![Vec::new(); measures.len()];
        for (i, ls) in links_one_way.into_iter().enumerate() {
            for l in ls {
                for &y in first_copies(l.other) {
                    group_links[i].push(Link { other: y, ..l });
                }
                for &x in first_copies(i) {
                    group_links[l.other].push(Link { other: x, ..l });
                }
            }
        }
        // Copies of one text in different plans are verbatim partners.
        for (g, f) in &firsts {
            let has_text = measures[*g]
                .data
                .as_ref()
                .is_some_and(|d| !d.shingles.is_empty());
            if has_text && f.len() >= 2 {
                group_links[*g].extend(f.iter().map(|&y| Link {
                    other: y,
                    tier: Tier::Verbatim,
                    score: 1.0,
                }));
            }
        }
        drop(firsts);
        let group_links: Vec<Box<[Link]>> = group_links
            .into_par_iter()
            .map(|mut ls| {
                ls.sort_by(|a, b| {
                    a.tier
                        .cmp(&b.tier)
                        .then(b.score.total_cmp(&a.score))
                        .then(a.other.cmp(&b.other))
                });
                ls.dedup_by_key(|l| l.other);
                ls.into_boxed_slice()
            })
            .collect();
        let links = LinkTable { group: group_links };
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
            canon_vocab,
            canon_idf,
            canon_flags,
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
        self.partners_iter(i)
            .filter(|l| !self.measures[l.other].boilerplate)
            .collect()
    }

    /// Every partner of a measure, best first, boilerplate ones included: a formula measure
    /// keeps the plans that use the same formula (`套话, also in 34 plans`).
    pub fn partners(&self, i: usize) -> Vec<Link> {
        self.partners_iter(i).collect()
    }

    /// [`Analysis::partners`] without collecting them.
    pub fn partners_iter(&self, i: usize) -> impl Iterator<Item = Link> + '_ {
        self.links.of(&self.measures, i)
    }

    /// Number of links (each direction counted), as [`Analysis::partners`] lists them.
    pub fn link_count(&self) -> usize {
        (0..self.measures.len())
            .map(|i| self.partners_iter(i).count())
            .sum()
    }

    /// Other plans (corpus indexes, sorted) where a measure has a partner of any status.
    pub fn linked_plans(&self, i: usize) -> Vec<usize> {
        let mut plans: Vec<usize> = self
            .partners_iter(i)
            .map(|l| self.measures[l.other].plan)
            .collect();
        plans.sort_unstable();
        plans.dedup();
        plans
    }

    /// The link from measure `i` to measure `j`, if any.
    pub fn link(&self, i: usize, j: usize) -> Option<Link> {
        self.partners_iter(i).find(|l| l.other == j)
    }

    /// Is measure `i` linked to some measure of plan `plan`? Returns the best such link.
    pub fn link_to_plan(&self, i: usize, plan: usize) -> Option<Link> {
        self.partners_iter(i)
            .find(|l| self.measures[l.other].plan == plan)
    }

    fn scorer(&self) -> Scorer<'_> {
        Scorer {
            canon_idf: &self.canon_idf,
            canon_flags: &self.canon_flags,
            model: Model::shipped(),
        }
    }

    fn data(&self, i: usize) -> Option<&MeasureEntry> {
        let m = self.measures.get(i)?;
        self.measures.get(m.rep)
    }

    /// The scorer's features of two measures ([`FEATURES`] order), whether or not they are linked.
    pub fn pair_features(&self, i: usize, j: usize) -> Option<[f32; N_FEATURES]> {
        let (a, b) = (self.data(i)?, self.data(j)?);
        Some(self.scorer().features(a, b).0)
    }

    /// Tier and score the engine gives two measures (identical texts: verbatim 1.0).
    pub fn score_pair(&self, i: usize, j: usize) -> Option<(Tier, f32)> {
        let (a, b) = (self.data(i)?, self.data(j)?);
        if a.rep == b.rep {
            return Some((Tier::Verbatim, 1.0));
        }
        self.scorer().score(a, b)
    }

    /// The scorer's probability that two measures are the same measure.
    pub fn probability(&self, i: usize, j: usize) -> Option<f32> {
        self.pair_features(i, j)
            .map(|f| Model::shipped().probability(&f))
    }

    /// Canonical policy terms (instruments and specific dictionary terms) two measures share.
    pub fn shared_terms(&self, i: usize, j: usize) -> Vec<String> {
        let (Some(a), Some(b)) = (
            self.data(i).and_then(|m| m.data.as_ref()),
            self.data(j).and_then(|m| m.data.as_ref()),
        ) else {
            return Vec::new();
        };
        let tokenizer = Tokenizer::global();
        let bt: HashSet<u32> = b.cvec.iter().map(|p| p.0).collect();
        a.cvec
            .iter()
            .filter(|(t, _)| bt.contains(t))
            .filter(|(t, _)| self.canon_flags[*t as usize] & SPECIFIC != 0)
            .map(|(t, _)| self.canon_vocab[*t as usize].clone())
            .filter(|t| tokenizer.is_policy_term(t) || t.chars().count() >= 2)
            .collect()
    }

    /// Why measures `i` and `j` match: tier and score (the link's, or the scorer's probability
    /// when they are not linked) and the character spans they share in both display texts.
    pub fn explain(&self, plans: &[Plan], i: usize, j: usize) -> Option<Explanation> {
        let text = |k: usize| -> Option<&str> {
            let m = self.measures.get(k)?;
            let measures = plans.get(m.plan)?.measures();
            measures.get(m.index).map(|x| x.text.as_str())
        };
        let (ta, tb) = (text(i)?, text(j)?);
        let link = self.link(i, j);
        let score = match link {
            Some(l) => l.score,
            None => self.probability(i, j).unwrap_or(0.0),
        };
        let (spans_a, spans_b) = match_spans(ta, tb);
        Some(Explanation {
            tier: link.map(|l| l.tier),
            score,
            spans_a,
            spans_b,
            shared_terms: self.shared_terms(i, j),
        })
    }
}

/// Matching data of one representative measure.
fn match_data(
    norm: &str,
    terms: &[&str],
    ids: &HashMap<&str, u32>,
    canon_of: &[u32],
    canon_idf: &[f32],
    content_chars: usize,
) -> MatchData {
    // Clause of each term: the byte offset of the term inside `norm` against the clause breaks.
    let breaks: Vec<usize> = norm
        .match_indices([',', ';', ':'])
        .map(|(k, _)| k)
        .collect();
    let base = norm.as_ptr() as usize;
    let mut whole: HashMap<u32, u32> = HashMap::new();
    let mut per_clause: Vec<HashMap<u32, u32>> = vec![HashMap::new(); breaks.len() + 1];
    for t in terms {
        let Some(id) = ids.get(t) else { continue };
        let c = canon_of[*id as usize];
        *whole.entry(c).or_default() += 1;
        let at = (t.as_ptr() as usize).saturating_sub(base);
        let clause = breaks.partition_point(|b| *b < at);
        if let Some(pc) = per_clause.get_mut(clause) {
            *pc.entry(c).or_default() += 1;
        }
    }
    let clauses: Vec<Vec<(u32, f32)>> = per_clause
        .iter()
        .filter(|c| c.len() >= 2)
        .map(|c| tfidf(c, canon_idf))
        .collect();
    let idf_mass = whole.keys().map(|t| canon_idf[*t as usize]).sum();
    MatchData {
        shingles: shingles(norm),
        bigrams: bigrams(norm),
        cvec: tfidf(&whole, canon_idf),
        clauses: if clauses.len() >= 2 {
            clauses
        } else {
            Vec::new()
        },
        idf_mass,
        content_chars: content_chars as u32,
    }
}

/// The pair scorer over the corpus statistics.
struct Scorer<'a> {
    canon_idf: &'a [f32],
    canon_flags: &'a [u8],
    model: &'a Model,
}

impl Scorer<'_> {
    /// Features, shingle Jaccard, shingle containment and the shorter shingle count.
    fn features(&self, a: &MeasureEntry, b: &MeasureEntry) -> ([f32; N_FEATURES], f32, f32, usize) {
        let mut f = [0.0; N_FEATURES];
        let (Some(da), Some(db)) = (a.data.as_deref(), b.data.as_deref()) else {
            return (f, 0.0, 0.0, 0);
        };
        let inter = intersect_count(&da.shingles, &db.shingles);
        let (sa, sb) = (da.shingles.len(), db.shingles.len());
        let smin = sa.min(sb);
        let (jaccard, containment) = if sa > 0 && sb > 0 {
            (
                inter as f32 / (sa + sb - inter) as f32,
                inter as f32 / smin as f32,
            )
        } else {
            (0.0, 0.0)
        };
        let cos = cosine(&da.cvec, &db.cvec);
        // Best clause-level cosine: a clause of one against the other whole or its clauses.
        let mut clause_cos: f32 = 0.0;
        for ca in &da.clauses {
            clause_cos = clause_cos.max(cosine(ca, &db.cvec));
            for cb in &db.clauses {
                clause_cos = clause_cos.max(cosine(ca, cb));
            }
        }
        for cb in &db.clauses {
            clause_cos = clause_cos.max(cosine(&da.cvec, cb));
        }
        let (mut i, mut j) = (0, 0);
        let (mut shared_idf, mut spec, mut inst) = (0.0f32, 0usize, 0usize);
        while i < da.cvec.len() && j < db.cvec.len() {
            match da.cvec[i].0.cmp(&db.cvec[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let t = da.cvec[i].0 as usize;
                    shared_idf += self.canon_idf[t];
                    spec += usize::from(self.canon_flags[t] & SPECIFIC != 0);
                    inst += usize::from(self.canon_flags[t] & INSTRUMENT != 0);
                    i += 1;
                    j += 1;
                }
            }
        }
        let min_mass = da.idf_mass.min(db.idf_mass);
        let (la, lb) = (
            da.content_chars.max(1) as f32,
            db.content_chars.max(1) as f32,
        );
        f[0] = jaccard;
        // Containment means little for very short measures.
        f[1] = containment * (smin as f32 / VERBATIM_MIN_SHINGLES as f32).min(1.0);
        f[2] = cos.min(1.0);
        f[3] = clause_cos.max(cos).min(1.0);
        f[4] = if min_mass > 0.0 {
            (shared_idf / min_mass).min(1.0)
        } else {
            0.0
        };
        f[5] = spec.min(4) as f32 / 4.0;
        f[6] = inst.min(2) as f32 / 2.0;
        f[7] = la.min(lb) / la.max(lb);
        f[8] = f32::from(u8::from(a.boilerplate || b.boilerplate));
        f[9] = f32::from(u8::from(a.quantitative && b.quantitative));
        let (ba, bb) = (da.bigrams.len(), db.bigrams.len());
        if ba > 0 && bb > 0 {
            let bi = intersect_count(&da.bigrams, &db.bigrams) as f32;
            f[10] = bi / ba.min(bb) as f32 * (ba.min(bb) as f32 / 8.0).min(1.0);
            f[11] = 2.0 * bi / (ba + bb) as f32;
        }
        (f, jaccard, containment, smin)
    }

    fn score(&self, a: &MeasureEntry, b: &MeasureEntry) -> Option<(Tier, f32)> {
        let (f, jaccard, containment, smin) = self.features(a, b);
        if jaccard >= VERBATIM_JACCARD
            || (smin >= VERBATIM_MIN_SHINGLES && containment >= VERBATIM_CONTAINMENT)
        {
            return Some((Tier::Verbatim, jaccard.max(containment).min(1.0)));
        }
        // Nothing in common worth a model call.
        if f[2] < 0.05 && f[3] < 0.1 {
            return None;
        }
        let p = self.model.probability(&f);
        (p >= self.model.threshold).then_some((Tier::Paraphrase, p))
    }
}

/// Content characters of a display text, folded and simplified, with their byte ranges.
fn content_chars(text: &str) -> Vec<(char, Range<usize>)> {
    let kept: Vec<(char, Range<usize>)> = text
        .char_indices()
        .map(|(i, c)| (crate::normalize::fold_char(c), i..i + c.len_utf8()))
        .filter(|(c, _)| c.is_alphanumeric())
        .collect();
    let folded: String = kept.iter().map(|k| k.0).collect();
    let simplified = crate::normalize::to_simplified(&folded);
    if simplified.chars().count() == kept.len() {
        simplified
            .chars()
            .zip(kept)
            .map(|(c, (_, r))| (c, r))
            .collect()
    } else {
        kept.into_iter()
            .map(|(c, r)| {
                let one = crate::normalize::to_simplified(c.encode_utf8(&mut [0; 4]));
                (one.chars().next().unwrap_or(c), r)
            })
            .collect()
    }
}

/// Byte ranges of `text` covered by the runs of `chars` that `mark` flags, merged; runs
/// separated only by punctuation or spaces join.
fn covered_ranges(chars: &[(char, Range<usize>)], mark: &[bool]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if !mark[k] {
            k += 1;
            continue;
        }
        let start = chars[k].1.start;
        let mut end = chars[k].1.end;
        while k + 1 < chars.len() && mark[k + 1] {
            k += 1;
            end = chars[k].1.end;
        }
        out.push(start..end);
        k += 1;
    }
    out
}

fn window_hash(w: &[(char, Range<usize>)]) -> u64 {
    // FNV-1a over the chars: no allocation, good enough spread for a hash set key.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (c, _) in w {
        h ^= *c as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Mark, in both texts, every character inside a run of at least `k` content characters that
/// the other text also contains (compared after folding width and script).
fn mark_shared(
    a: &[(char, Range<usize>)],
    b: &[(char, Range<usize>)],
    k: usize,
) -> (Vec<bool>, Vec<bool>) {
    let mut ma = vec![false; a.len()];
    let mut mb = vec![false; b.len()];
    if k == 0 || a.len() < k || b.len() < k {
        return (ma, mb);
    }
    let hb: HashSet<u64> = b.windows(k).map(window_hash).collect();
    let mut ha: HashSet<u64> = HashSet::new();
    for (s, w) in a.windows(k).enumerate() {
        let h = window_hash(w);
        if hb.contains(&h) {
            ha.insert(h);
            ma[s..s + k].iter_mut().for_each(|m| *m = true);
        }
    }
    for (s, w) in b.windows(k).enumerate() {
        if ha.contains(&window_hash(w)) {
            mb[s..s + k].iter_mut().for_each(|m| *m = true);
        }
    }
    (ma, mb)
}

/// The character spans two texts share: byte ranges in `a` and in `b` of every run of at least
/// [`SPAN_MIN_CHARS`] content characters found in the other, compared after folding width and
/// Traditional/Simplified script (punctuation and spaces are skipped, so `，` and `,` never
/// break a run).
pub fn match_spans(a: &str, b: &str) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let (ca, cb) = (content_chars(a), content_chars(b));
    let (ma, mb) = mark_shared(&ca, &cb, SPAN_MIN_CHARS);
    (covered_ranges(&ca, &ma), covered_ranges(&cb, &mb))
}

/// Content characters of a text (folded, simplified) with byte ranges; for [`crate::reuse`].
pub(crate) fn content_chars_of(text: &str) -> Vec<(char, Range<usize>)> {
    content_chars(text)
}

/// Hash of a window of content characters; for [`crate::reuse`].
pub(crate) fn hash_window(w: &[(char, Range<usize>)]) -> u64 {
    window_hash(w)
}

/// Merged byte ranges of marked characters; for [`crate::reuse`].
pub(crate) fn ranges_of(chars: &[(char, Range<usize>)], mark: &[bool]) -> Vec<Range<usize>> {
    covered_ranges(chars, mark)
}

fn families(
    measures: &[MeasureEntry],
    links: &LinkTable,
    status: &[Status],
) -> (Vec<Option<usize>>, Vec<Family>) {
    // Star clusters, not connected components: chains of paraphrases (A≈B≈C) would otherwise
    // merge a whole corpus into one family. The measure with most shared partners founds a family
    // and takes its unassigned partners; repeat.
    let n = measures.len();
    // Shared and verbatim-shared partners of every measure. Copies of a text share their
    // representative's list, so count each list once, per plan of the partner, and take off the
    // copy's own plan (linear in the lists, not in copies × list length).
    let mut shared_partners = vec![0usize; n];
    let mut verbatim_partners = vec![0usize; n];
    let mut by_rep: Vec<usize> = (0..n).collect();
    by_rep.sort_by_key(|&i| (measures[i].rep, i));
    // Per plan (shared, verbatim) counts of the current list; `touched` resets them.
    let plans = measures.iter().map(|m| m.plan + 1).max().unwrap_or(0);
    let mut by_plan: Vec<(usize, usize)> = vec![(0, 0); plans];
    let mut touched: Vec<usize> = Vec::new();
    for copies in by_rep.chunk_by(|&a, &b| measures[a].rep == measures[b].rep) {
        let list = links
            .group
            .get(measures[copies[0]].rep)
            .map_or(&[][..], |b| &b[..]);
        if list.is_empty() {
            continue;
        }
        for p in touched.drain(..) {
            by_plan[p] = (0, 0);
        }
        let (mut shared, mut verbatim) = (0, 0);
        for l in list.iter().filter(|l| status[l.other] == Status::Shared) {
            let v = usize::from(l.tier == Tier::Verbatim);
            shared += 1;
            verbatim += v;
            let p = measures[l.other].plan;
            touched.push(p);
            let e = &mut by_plan[p];
            e.0 += 1;
            e.1 += v;
        }
        for &i in copies {
            let (own_shared, own_verbatim) = by_plan[measures[i].plan];
            shared_partners[i] = shared - own_shared;
            verbatim_partners[i] = verbatim - own_verbatim;
        }
    }
    let mut order: Vec<usize> = (0..n).filter(|&i| status[i] == Status::Shared).collect();
    order.sort_by(|&a, &b| {
        verbatim_partners[b]
            .cmp(&verbatim_partners[a])
            .then(shared_partners[b].cmp(&shared_partners[a]))
            .then(a.cmp(&b))
    });
    let mut assigned = vec![false; n];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &center in &order {
        if assigned[center] {
            continue;
        }
        assigned[center] = true;
        let mut members = vec![center];
        for l in links.of(measures, center) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_model_parses() {
        let m = Model::parse(MODEL_TEXT).expect("assets/dict/matcher_model.txt parses");
        assert!(m.threshold > 0.0 && m.threshold < 1.0);
        let back = Model::parse(&m.to_text("round trip")).expect("round trip");
        assert_eq!(back, m);
        assert!(Model::parse("bias 1\nthreshold 0.5\n").is_err());
        assert!(Model::parse("bias x").is_err());
    }

    #[test]
    fn spans_ignore_width_and_script() {
        let a = "推行積分落戶政策，完善居住證制度。";
        let b = "完善积分落户制度,推进居住证制度改革";
        let (sa, sb) = match_spans(a, b);
        let ta: Vec<&str> = sa.iter().map(|r| &a[r.clone()]).collect();
        let tb: Vec<&str> = sb.iter().map(|r| &b[r.clone()]).collect();
        assert!(ta.contains(&"積分落戶"), "{ta:?}");
        assert!(ta.iter().any(|t| t.contains("居住證制度")), "{ta:?}");
        assert!(tb.contains(&"积分落户"), "{tb:?}");
        assert!(tb.iter().any(|t| t.contains("居住证制度")), "{tb:?}");
        // Nothing shared, nothing marked.
        assert_eq!(
            match_spans("推广智慧供暖", "设立专项资金"),
            (vec![], vec![])
        );
    }
}
