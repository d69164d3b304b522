//! Rules at work: a [`CodingIndex`] built once from the plans (normalised text and word set per
//! measure), the rules compiled against it, and the [`Proposal`]s they make. Re-running the rules
//! while a codebook is edited costs milliseconds.

use std::collections::HashSet;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::codebook::{Codebook, Rule, Theme};
use crate::normalize::normalize_str;
use crate::plan::Plan;
use crate::tokenize::Tokenizer;

/// One measure as the rules see it.
#[derive(Debug, Clone)]
struct IndexedMeasure {
    plan_index: usize,
    measure_id: String,
    norm: String,
    words: HashSet<String>,
}

/// Per-measure normalised text and word sets of a list of plans, built once and reused for every
/// rule run (the editor re-runs rules on each keystroke).
#[derive(Debug, Clone, Default)]
pub struct CodingIndex {
    plan_ids: Vec<String>,
    measures: Vec<IndexedMeasure>,
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
}

fn compile_terms(terms: &[String]) -> Vec<Term> {
    terms
        .iter()
        .filter_map(|t| {
            let word_only = t.starts_with('=');
            let norm = normalize_str(t.trim_start_matches('='));
            (!norm.is_empty()).then(|| Term {
                written: t.clone(),
                norm,
                word_only,
            })
        })
        .collect()
}

impl CompiledRule {
    fn new(rule: &Rule) -> CompiledRule {
        CompiledRule {
            any: compile_terms(&rule.any),
            all: compile_terms(&rule.all),
            none: compile_terms(&rule.none),
        }
    }

    /// A rule with no positive term matches nothing (an empty rule would tag the whole corpus).
    fn matches(&self, m: &IndexedMeasure) -> bool {
        if self.any.is_empty() && self.all.is_empty() {
            return false;
        }
        (self.any.is_empty() || self.any.iter().any(|t| t.occurs(m)))
            && self.all.iter().all(|t| t.occurs(m))
            && !self.none.iter().any(|t| t.occurs(m))
    }

    fn matched_terms(&self, m: &IndexedMeasure) -> Vec<String> {
        self.any
            .iter()
            .chain(&self.all)
            .filter(|t| t.occurs(m))
            .map(|t| t.written.clone())
            .collect()
    }
}

impl Term {
    fn occurs(&self, m: &IndexedMeasure) -> bool {
        m.words.contains(&self.norm) || (!self.word_only && m.norm.contains(&self.norm))
    }
}

impl CodingIndex {
    /// Index every measure (preamble included) of `plans`, in parallel.
    pub fn new(plans: &[Plan]) -> CodingIndex {
        let tokenizer = Tokenizer::global();
        let measures: Vec<IndexedMeasure> = plans
            .par_iter()
            .enumerate()
            .flat_map_iter(|(plan_index, p)| {
                p.measures()
                    .into_iter()
                    .map(|m| IndexedMeasure {
                        plan_index,
                        measure_id: m.measure_id.clone(),
                        words: tokenizer
                            .words(&m.norm)
                            .into_iter()
                            .map(str::to_string)
                            .collect(),
                        norm: m.norm.clone(),
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        CodingIndex {
            plan_ids: plans.iter().map(|p| p.plan_id.clone()).collect(),
            measures,
        }
    }

    /// Number of indexed measures.
    pub fn measure_count(&self) -> usize {
        self.measures.len()
    }

    /// Ids of the measures a rule matches, in corpus order.
    pub fn rule_matches(&self, rule: &Rule) -> Vec<&str> {
        let c = CompiledRule::new(rule);
        self.measures
            .par_iter()
            .filter(|m| c.matches(m))
            .map(|m| m.measure_id.as_str())
            .collect()
    }

    /// How many measures a rule matches.
    pub fn rule_hits(&self, rule: &Rule) -> usize {
        let c = CompiledRule::new(rule);
        self.measures.par_iter().filter(|m| c.matches(m)).count()
    }

    /// How many measures any rule of a theme matches.
    pub fn theme_hits(&self, theme: &Theme) -> usize {
        let rules: Vec<CompiledRule> = theme.rules.iter().map(CompiledRule::new).collect();
        self.measures
            .par_iter()
            .filter(|m| rules.iter().any(|r| r.matches(m)))
            .count()
    }

    /// Every (theme, measure) the codebook's rules propose, one per pair (the first matching rule
    /// of the theme), sorted by theme in [`Codebook::depth_first`] order, then plan order, then
    /// reading order.
    pub fn propose(&self, codebook: &Codebook) -> Vec<Proposal> {
        let themes: Vec<(&Theme, Vec<CompiledRule>)> = codebook
            .depth_first()
            .into_iter()
            .map(|(_, t)| (t, t.rules.iter().map(CompiledRule::new).collect::<Vec<_>>()))
            .filter(|(_, rules)| !rules.is_empty())
            .collect();
        // One parallel pass over the measures, all themes at once; then a stable sort by theme
        // rank keeps corpus order within a theme.
        let mut found: Vec<(usize, Proposal)> = self
            .measures
            .par_iter()
            .flat_map_iter(|m| {
                themes
                    .iter()
                    .enumerate()
                    .filter_map(|(rank, (theme, rules))| {
                        let (k, r) = rules.iter().enumerate().find(|(_, r)| r.matches(m))?;
                        Some((
                            rank,
                            Proposal {
                                theme_id: theme.theme_id.clone(),
                                plan_id: self.plan_ids.get(m.plan_index)?.clone(),
                                measure_id: m.measure_id.clone(),
                                rule_index: k,
                                matched_terms: r.matched_terms(m),
                            },
                        ))
                    })
                    .collect::<Vec<_>>()
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
