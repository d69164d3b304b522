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
//!    - `paraphrase`: otherwise, a scorer of gradient-boosted trees over [`FEATURES`] (shingle Jaccard
//!      and containment, TF-IDF cosine, best clause cosine, IDF-weighted term containment,
//!      shared specific terms, shared instruments, length ratio, boilerplate and target flags,
//!      character-bigram overlap, the kind of statement of both — task, target, baseline, place
//!      profile — number agreement and how specific the shared terms are) gives a probability;
//!      the pair is a paraphrase when it reaches the model's threshold. A place profile is never
//!      a paraphrase partner. The
//!      weights and the threshold are data (`assets/dict/matcher_model.txt`), fitted on the
//!      tuning pairs of the exhaustively labelled set by `examples/train_matching.rs`.
//! 5. Boilerplate: a measure with no specific term (`加强组织领导。`), a bare target formula
//!    (`到2020年,常住人口城镇化率达到75%`) or political formula ([`FORMULA_PHRASES`]) is flagged
//!    `boilerplate`. It keeps its links ([`Analysis::partners`], [`Analysis::linked_plans`]: "套话,
//!    also in 34 plans") but never counts as a shared measure and never joins a family.
//! 6. Measures linked as shared form families (star clusters); a member must match the centre
//!    verbatim or at the model's stricter `family_threshold`; a family's diffusion is the number
//!    of plans it reaches.
//! 7. [`match_spans`] / [`Analysis::explain`] give the character spans two measures share (in
//!    both original texts), with tier and score: why two measures match.

mod build;
mod families;
mod features;
mod kinds;
mod links;
mod model;
mod scorer;
mod spans;
mod types;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::Serialize;

pub use features::cosine;
pub use model::{FEATURES, Model, N_FEATURES, Tree};
pub use spans::match_spans;
pub(crate) use spans::{content_chars_of, hash_window, ranges_of};
pub use types::{
    BOILERPLATE_MAX_TERMS, FORMULA_PHRASES, Family, GENERIC_MEASURE_SHARE, GENERIC_MIN_MEASURES,
    HEADLINE_MAX_CHARS, INSTRUMENT_MEASURE_SHARE, Link, MAX_POSTING, MeasureEntry, PARTNER_MARGIN,
    RAREST_INDEXED, SPAN_MIN_CHARS, Status, Tier, VERBATIM_CONTAINMENT, VERBATIM_JACCARD,
    VERBATIM_MIN_SHINGLES,
};
use types::{INSTRUMENT, SPECIFIC};

use crate::plan::Plan;
use crate::tokenize::Tokenizer;
use links::LinkTable;
use scorer::Scorer;

/// Partner plans of one text, for counting (see [`Analysis::text_partner_plans`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextPartnerPlans {
    /// Plans reached by links every copy keeps: sorted, no repeats.
    pub always: Vec<u32>,
    /// Links kept or not depending on the reader's plan, into plans not in `always`.
    pub conditional: Vec<Link>,
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

impl Analysis {
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

    /// The plans where the copies of measure `i`'s text have partners, computed once for the
    /// text rather than once per copy (issue 18: a template copied into thousands of plans has a
    /// partner list of thousands, and every copy reads the same list). `always` are the plans,
    /// sorted and without repeats, reached by links every copy keeps (boilerplate partners left
    /// out when `skip_boilerplate`); `conditional` are the other links, kept or not depending on
    /// the reader's plan ([`Analysis::keeps_for`]). A copy in plan `p` has a partner in plan `b`
    /// (as [`Analysis::partners_iter`] lists them) exactly when `b != p` and `b` is in `always`, or
    /// some conditional link into `b` is kept for `p`.
    pub fn text_partner_plans(&self, i: usize, skip_boilerplate: bool) -> TextPartnerPlans {
        let Some(rep) = self.measures.get(i).map(|m| m.rep) else {
            return TextPartnerPlans::default();
        };
        let (list, marks) = self.links.list(rep);
        let mut always = Vec::new();
        let mut conditional = Vec::new();
        for (l, &c) in list.iter().zip(marks) {
            let Some(other) = self.measures.get(l.other) else {
                continue;
            };
            if skip_boilerplate && other.boilerplate {
                continue;
            }
            if c {
                conditional.push(*l);
            } else {
                always.push(other.plan as u32);
            }
        }
        always.sort_unstable();
        always.dedup();
        conditional.retain(|l| {
            always
                .binary_search(&(self.measures[l.other].plan as u32))
                .is_err()
        });
        TextPartnerPlans {
            always,
            conditional,
        }
    }

    /// Is the conditional link `l` of a text's list (see [`Analysis::text_partner_plans`]) kept
    /// for a reader in `plan`?
    pub fn keeps_for(&self, l: &Link, plan: usize) -> bool {
        self.links.keeps(l, plan)
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
            max_idf: scorer::max_idf(&self.canon_idf),
            trees: Model::shipped_compact(),
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
