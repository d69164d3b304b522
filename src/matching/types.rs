//! The engine's shared types and constants: tiers, statuses, links, a measure's entry and
//! matching data, families. A leaf of `matching/`: the builder, scorer, link table and
//! families import these from here, never from the facade (`mod.rs`).

use serde::Serialize;

/// A term used by at least this share of all measures is generic (…and at least
/// [`GENERIC_MIN_MEASURES`] measures): 发展, 机制, 组织领导.
pub const GENERIC_MEASURE_SHARE: f32 = 0.03;
/// Floor of the generic threshold, for small corpora (its ceiling is [`MAX_POSTING`]).
pub const GENERIC_MIN_MEASURES: usize = 6;
/// The rarest terms of every measure are indexed too (when used by at most [`MAX_POSTING`]
/// measures), so that sentences copied word for word from a common template still meet, and
/// paraphrases whose shared words are all fairly common (市民化 + 成本分担) are still scored. 8
/// was chosen on the tune part (3 → 8: tune P 0.792 → 0.783, R 0.607 → 0.630; the analysis
/// costs about a quarter more).
pub const RAREST_INDEXED: usize = 8;
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
/// Shortest run of shared characters [`match_spans`](super::match_spans) marks.
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
/// A paraphrase link is kept when its score is within this margin of the best link of one of
/// its two measures into the other's plan (see `build`).
pub const PARTNER_MARGIN: f32 = 0.05;
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
    /// States a quantitative target (a number and a level word, 达到/突破/提高到…: `kinds::is_quantitative`).
    pub quantitative: bool,
    /// Flat index of the first measure with the same normalised text (itself when it is the
    /// first): copies share their representative's matching data and links.
    pub rep: usize,
    /// Matching data; kept on representatives only.
    pub(super) data: Option<Box<MatchData>>,
}

/// Kind of statement of a measure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Kind {
    /// An action, instrument or arrangement (the default).
    #[default]
    Task,
    /// A quantitative target (`到2020年,常住人口城镇化率达到60%`).
    Target,
    /// A statistic of the present or the past (`2014年常住人口城镇化率64.8%`).
    Baseline,
    /// A description of the place (`宜都市隶属于湖北省宜昌市,…国土面积1357平方公里`).
    Profile,
}

/// Per-measure data of the kind features.
#[derive(Debug, Clone, Default)]
pub(super) struct KindData {
    pub(super) kind: Kind,
    /// Distinct numbers the measure cites (years included), as the bits of their `f32` value,
    /// sorted.
    pub(super) numbers: Vec<u32>,
}

/// What the pair scorer needs of a measure.
#[derive(Debug, Clone, Default)]
pub(super) struct MatchData {
    /// Sorted unique character 3-gram hashes.
    pub(super) shingles: Vec<u64>,
    /// Sorted unique character 2-grams.
    pub(super) bigrams: Vec<u64>,
    /// Canonical term ids, sorted, with normalised TF-IDF weights.
    pub(super) cvec: Vec<(u32, f32)>,
    /// The same per clause (only when the measure has two clauses or more with two terms each).
    pub(super) clauses: Vec<Vec<(u32, f32)>>,
    /// Sum of the canonical IDF of its distinct terms.
    pub(super) idf_mass: f32,
    /// Han and alphanumeric characters.
    pub(super) content_chars: u32,
    /// Kind of statement and cited numbers.
    pub(super) kinds: KindData,
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

/// Canonical-term flag: a specific policy term.
pub(super) const SPECIFIC: u8 = 1;
/// Canonical-term flag: a concrete instrument.
pub(super) const INSTRUMENT: u8 = 2;
