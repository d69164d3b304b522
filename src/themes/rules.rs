//! Rules at work: a [`CodingIndex`] built once from the plans (normalised text and word set per
//! distinct measure text), the rules compiled against it (every term of a codebook in one
//! Aho–Corasick automaton), and the [`Proposal`]s they make. Re-running the rules while a
//! codebook is edited costs milliseconds.

use std::collections::{HashMap, HashSet};

use aho_corasick::AhoCorasick;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::codebook::{Codebook, Rule, Theme};
use crate::normalize::normalize_str;
use crate::plan::Plan;
use crate::tokenize::Tokenizer;

/// One measure as the rules see it: where it is and which distinct text it reads.
#[derive(Debug, Clone)]
struct IndexedMeasure {
    plan_index: usize,
    measure_id: String,
    /// Index into [`CodingIndex::texts`].
    text: usize,
}

/// A distinct normalised text and its word set (copies of a text share one).
#[derive(Debug, Clone)]
struct IndexedText {
    norm: String,
    words: HashSet<String>,
}

/// Per-measure normalised text and word sets of a list of plans, built once and reused for every
/// rule run (the editor re-runs rules on each keystroke). Each distinct text is tokenised and
/// matched once, however many measures repeat it (templates copied into thousands of local
/// plans are the common case at scale).
#[derive(Debug, Clone, Default)]
pub struct CodingIndex {
    plan_ids: Vec<String>,
    measures: Vec<IndexedMeasure>,
    texts: Vec<IndexedText>,
    /// Measures reading each text.
    copies: Vec<usize>,
}

/// A theme proposed for a measure by a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// The proposed theme.
    pub theme_id: String,
    /// The plan of the measure.
    pub plan_id: String,
    /// The measure.
    pub measure_id: String,
    /// Index of the first matching rule within the theme.
    pub rule_index: usize,
    /// The `any`/`all` terms of that rule found in the measure, for highlighting.
    pub matched_terms: Vec<String>,
}

/// A rule with its terms normalised once.
#[derive(Debug, Clone)]
struct CompiledRule {
    any: Vec<Term>,
    all: Vec<Term>,
    none: Vec<Term>,
}

#[derive(Debug, Clone)]
struct Term {
    /// As written in the codebook.
    written: String,
    /// Normalised.
    norm: String,
    /// `=term`: whole words only.
    word_only: bool,
    /// Index of `norm` among the [`Terms`] patterns.
    id: usize,
}

/// Every distinct normalised term of the rules compiled together, found in a text in one pass
/// of an Aho–Corasick automaton (overlapping matches: a term inside another still counts)
/// instead of one substring search per term and text.
struct Terms {
    patterns: Vec<String>,
    ids: HashMap<String, usize>,
    automaton: Option<AhoCorasick>,
}

impl Terms {
    fn new() -> Terms {
        Terms {
            patterns: Vec::new(),
            ids: HashMap::new(),
            automaton: None,
        }
    }

    /// The id of `norm`, added if new.
    fn id(&mut self, norm: &str) -> usize {
        if let Some(&k) = self.ids.get(norm) {
            return k;
        }
        self.patterns.push(norm.to_string());
        self.ids.insert(norm.to_string(), self.patterns.len() - 1);
        self.patterns.len() - 1
    }

    /// Build the automaton once every term is in.
    fn finish(mut self) -> Terms {
        // A failed build (not expected for a few thousand short patterns) falls back to
        // substring search per term.
        self.automaton = AhoCorasick::new(&self.patterns).ok();
        self
    }

    /// Which patterns occur in `text` as substrings.
    fn found_in(&self, text: &str) -> Vec<bool> {
        let mut found = vec![false; self.patterns.len()];
        match &self.automaton {
            Some(ac) => {
                for m in ac.find_overlapping_iter(text) {
                    if let Some(f) = found.get_mut(m.pattern().as_usize()) {
                        *f = true;
                    }
                }
            }
            None => {
                for (f, p) in found.iter_mut().zip(&self.patterns) {
                    *f = text.contains(p.as_str());
                }
            }
        }
        found
    }
}

fn compile_terms(terms: &[String], ids: &mut Terms) -> Vec<Term> {
    terms
        .iter()
        .filter_map(|t| {
            let word_only = t.starts_with('=');
            let norm = normalize_str(t.trim_start_matches('='));
            (!norm.is_empty()).then(|| Term {
                written: t.clone(),
                id: ids.id(&norm),
                norm,
                word_only,
            })
        })
        .collect()
}

/// A text as a rule sees it: its words and which term patterns occur in it.
struct Seen<'a> {
    text: &'a IndexedText,
    found: Vec<bool>,
}

impl CompiledRule {
    fn new(rule: &Rule, ids: &mut Terms) -> CompiledRule {
        CompiledRule {
            any: compile_terms(&rule.any, ids),
            all: compile_terms(&rule.all, ids),
            none: compile_terms(&rule.none, ids),
        }
    }

    /// A rule with no positive term matches nothing (an empty rule would tag the whole corpus).
    fn matches(&self, m: &Seen<'_>) -> bool {
        if self.any.is_empty() && self.all.is_empty() {
            return false;
        }
        (self.any.is_empty() || self.any.iter().any(|t| t.occurs(m)))
            && self.all.iter().all(|t| t.occurs(m))
            && !self.none.iter().any(|t| t.occurs(m))
    }

    fn matched_terms(&self, m: &Seen<'_>) -> Vec<String> {
        self.any
            .iter()
            .chain(&self.all)
            .filter(|t| t.occurs(m))
            .map(|t| t.written.clone())
            .collect()
    }
}

impl Term {
    fn occurs(&self, m: &Seen<'_>) -> bool {
        m.text.words.contains(&self.norm)
            || (!self.word_only && m.found.get(self.id).copied().unwrap_or(false))
    }
}

/// Rules of several themes (or one rule) compiled over one automaton.
struct Compiled {
    terms: Terms,
    /// Each theme's rules.
    themes: Vec<Vec<CompiledRule>>,
}

impl Compiled {
    fn new<'r>(themes: impl IntoIterator<Item = &'r [Rule]>) -> Compiled {
        let mut terms = Terms::new();
        let themes = themes
            .into_iter()
            .map(|rules| {
                rules
                    .iter()
                    .map(|r| CompiledRule::new(r, &mut terms))
                    .collect()
            })
            .collect();
        Compiled {
            terms: terms.finish(),
            themes,
        }
    }

    fn seen<'a>(&self, text: &'a IndexedText) -> Seen<'a> {
        Seen {
            text,
            found: self.terms.found_in(&text.norm),
        }
    }
}

impl CodingIndex {
    /// Index every measure (preamble included) of `plans`: distinct texts found once, each
    /// tokenised once, in parallel.
    pub fn new(plans: &[Plan]) -> CodingIndex {
        let tokenizer = Tokenizer::global();
        let per_plan: Vec<Vec<(&str, &str)>> = plans
            .par_iter()
            .map(|p| {
                p.measures()
                    .into_iter()
                    .map(|m| (m.measure_id.as_str(), m.norm.as_str()))
                    .collect()
            })
            .collect();
        let mut text_of: HashMap<&str, usize> = HashMap::new();
        let mut norms: Vec<&str> = Vec::new();
        let mut copies: Vec<usize> = Vec::new();
        let mut measures = Vec::with_capacity(per_plan.iter().map(Vec::len).sum());
        for (plan_index, list) in per_plan.iter().enumerate() {
            for &(measure_id, norm) in list {
                let text = *text_of.entry(norm).or_insert_with(|| {
                    norms.push(norm);
                    copies.push(0);
                    norms.len() - 1
                });
                if let Some(c) = copies.get_mut(text) {
                    *c += 1;
                }
                measures.push(IndexedMeasure {
                    plan_index,
                    measure_id: measure_id.to_string(),
                    text,
                });
            }
        }
        let texts: Vec<IndexedText> = norms
            .par_iter()
            .map(|norm| IndexedText {
                words: tokenizer
                    .words(norm)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                norm: (*norm).to_string(),
            })
            .collect();
        CodingIndex {
            plan_ids: plans.iter().map(|p| p.plan_id.clone()).collect(),
            measures,
            texts,
            copies,
        }
    }

    /// Number of indexed measures.
    pub fn measure_count(&self) -> usize {
        self.measures.len()
    }

    /// Number of distinct measure texts (what the rules are run on).
    pub fn text_count(&self) -> usize {
        self.texts.len()
    }

    /// Which texts any rule of `rules` matches.
    fn texts_matching(&self, rules: &[Rule]) -> Vec<bool> {
        let c = Compiled::new([rules]);
        let rules = c.themes.first().map_or(&[][..], Vec::as_slice);
        self.texts
            .par_iter()
            .map(|t| {
                let seen = c.seen(t);
                rules.iter().any(|r| r.matches(&seen))
            })
            .collect()
    }

    /// Measures reading the texts flagged.
    fn copies_of(&self, flags: &[bool]) -> usize {
        flags
            .iter()
            .zip(&self.copies)
            .filter(|(f, _)| **f)
            .map(|(_, c)| c)
            .sum()
    }

    /// Ids of the measures a rule matches, in corpus order.
    pub fn rule_matches(&self, rule: &Rule) -> Vec<&str> {
        let flags = self.texts_matching(std::slice::from_ref(rule));
        self.measures
            .iter()
            .filter(|m| flags.get(m.text).copied().unwrap_or(false))
            .map(|m| m.measure_id.as_str())
            .collect()
    }

    /// How many measures a rule matches.
    pub fn rule_hits(&self, rule: &Rule) -> usize {
        self.copies_of(&self.texts_matching(std::slice::from_ref(rule)))
    }

    /// How many measures any rule of a theme matches.
    pub fn theme_hits(&self, theme: &Theme) -> usize {
        self.copies_of(&self.texts_matching(&theme.rules))
    }

    /// [`CodingIndex::theme_hits`] of many rule lists (themes) in one pass over the texts.
    pub fn hits_of_all(&self, rule_lists: &[&[Rule]]) -> Vec<usize> {
        let c = Compiled::new(rule_lists.iter().copied());
        let per_text: Vec<Vec<bool>> = self
            .texts
            .par_iter()
            .map(|t| {
                let seen = c.seen(t);
                c.themes
                    .iter()
                    .map(|rules| rules.iter().any(|r| r.matches(&seen)))
                    .collect()
            })
            .collect();
        (0..rule_lists.len())
            .map(|k| {
                per_text
                    .iter()
                    .zip(&self.copies)
                    .filter(|(f, _)| f.get(k).copied().unwrap_or(false))
                    .map(|(_, c)| c)
                    .sum()
            })
            .collect()
    }

    /// Every (theme, measure) the codebook's rules propose, one per pair (the first matching rule
    /// of the theme), sorted by theme in [`Codebook::depth_first`] order, then plan order, then
    /// reading order.
    pub fn propose(&self, codebook: &Codebook) -> Vec<Proposal> {
        let themes: Vec<&Theme> = codebook
            .depth_first()
            .into_iter()
            .map(|(_, t)| t)
            .filter(|t| !t.rules.is_empty())
            .collect();
        let c = Compiled::new(themes.iter().map(|t| t.rules.as_slice()));
        // One parallel pass over the distinct texts, all themes at once: (theme rank, rule,
        // matched terms) per text.
        let per_text: Vec<Vec<(usize, usize, Vec<String>)>> = self
            .texts
            .par_iter()
            .map(|t| {
                let seen = c.seen(t);
                c.themes
                    .iter()
                    .enumerate()
                    .filter_map(|(rank, rules)| {
                        let (k, r) = rules.iter().enumerate().find(|(_, r)| r.matches(&seen))?;
                        Some((rank, k, r.matched_terms(&seen)))
                    })
                    .collect()
            })
            .collect();
        // Then every measure in corpus order, and a stable sort by theme rank keeps corpus
        // order within a theme.
        let themes = &themes;
        let mut found: Vec<(usize, Proposal)> =
            self.measures
                .iter()
                .flat_map(|m| {
                    per_text.get(m.text).into_iter().flatten().filter_map(
                        move |(rank, k, terms)| {
                            Some((
                                *rank,
                                Proposal {
                                    theme_id: themes.get(*rank)?.theme_id.clone(),
                                    plan_id: self.plan_ids.get(m.plan_index)?.clone(),
                                    measure_id: m.measure_id.clone(),
                                    rule_index: *k,
                                    matched_terms: terms.clone(),
                                },
                            ))
                        },
                    )
                })
                .collect();
        found.sort_by_key(|(rank, _)| *rank);
        found.into_iter().map(|(_, p)| p).collect()
    }
}

/// Proposals of a codebook over plans (builds a [`CodingIndex`]; keep one to run rules often).
pub fn propose(plans: &[Plan], codebook: &Codebook) -> Vec<Proposal> {
    CodingIndex::new(plans).propose(codebook)
}

/// Measures of `plans` one rule matches.
pub fn rule_hits(rule: &Rule, plans: &[Plan]) -> usize {
    CodingIndex::new(plans).rule_hits(rule)
}

/// Measures of `plans` a theme's rules match.
pub fn theme_hits(theme: &Theme, plans: &[Plan]) -> usize {
    CodingIndex::new(plans).theme_hits(theme)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plans(text: &str) -> Vec<Plan> {
        let file = crate::import::decode_bytes(std::path::Path::new("规则.txt"), text.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        crate::plan::parse_document(&file)
    }

    fn rule(any: &[&str], all: &[&str], none: &[&str]) -> Rule {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
        Rule {
            any: v(any),
            all: v(all),
            none: v(none),
        }
    }

    const TEXT: &str = "某某市试点方案\n\n一、主要任务\n（一）土地制度\n探索宅基地所有权、資格權、使用權分置。\n盘活农村闲置宅基地和住房。\n（二）户籍制度\n全面放开落户限制。\n";

    #[test]
    fn any_all_and_none_terms_combine_and_either_script_matches() {
        let index = CodingIndex::new(&plans(TEXT));
        // A Simplified term finds the Traditional sentence (资格权 ~ 資格權).
        assert_eq!(index.rule_hits(&rule(&["资格权"], &[], &[])), 1);
        assert_eq!(index.rule_hits(&rule(&["宅基地"], &[], &[])), 2);
        assert_eq!(index.rule_hits(&rule(&["宅基地"], &["住房"], &[])), 1);
        assert_eq!(index.rule_hits(&rule(&["宅基地"], &[], &["住房"])), 1);
        assert_eq!(index.rule_hits(&rule(&["宅基地", "落户"], &[], &[])), 3);
        assert_eq!(index.rule_hits(&rule(&["集体经营性建设用地"], &[], &[])), 0);
    }
}
