//! Key terms: what distinguishes a plan or a section, and what two sections share.
//!
//! A plan's or section's term weights are the sums of its measures' TF-IDF weights (from
//! [`crate::matching::Analysis`], so IDF is over the loaded corpus) plus its titles' terms; the
//! top weights are its distinctive terms. Comparing two sections splits the terms of both into
//! those they share (ranked by the smaller of the two weights) and those only one has.

use std::collections::HashMap;

use serde::Serialize;

use crate::matching::Analysis;
use crate::outline::Section;
use crate::plan::Plan;
use crate::tokenize::Tokenizer;

/// A term with its weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyTerm {
    /// The term.
    pub term: String,
    /// Its weight (sum of TF-IDF weights).
    pub weight: f32,
}

/// Shared and one-sided terms of two texts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TermComparison {
    /// Terms both have, strongest first.
    pub shared: Vec<KeyTerm>,
    /// Terms only the first has.
    pub only_a: Vec<KeyTerm>,
    /// Terms only the second has.
    pub only_b: Vec<KeyTerm>,
}

/// Term weights of some measures of a plan plus title terms.
fn weights(
    plan_index: usize,
    sections: &[&Section],
    analysis: &Analysis,
    extra_titles: &[&str],
) -> HashMap<u32, f32> {
    let mut acc: HashMap<u32, f32> = HashMap::new();
    for s in sections {
        for m in &s.measures {
            if let Some(flat) = analysis.flat_index(plan_index, m.index) {
                for (t, w) in &analysis.measures[flat].weights {
                    *acc.entry(*t).or_default() += w;
                }
            }
        }
    }
    let tokenizer = Tokenizer::global();
    for title in sections
        .iter()
        .map(|s| s.title_norm.as_str())
        .chain(extra_titles.iter().copied())
    {
        for word in tokenizer.terms(title) {
            if let Some(t) = analysis.term_id(word) {
                *acc.entry(t).or_default() +=
                    analysis.idf.get(t as usize).copied().unwrap_or(1.0) * 0.5;
            }
        }
    }
    acc
}

fn top(analysis: &Analysis, acc: &HashMap<u32, f32>, k: usize) -> Vec<KeyTerm> {
    // Single characters (市, 区, 远) are rarely a term a reader would call key.
    let mut v: Vec<(u32, f32)> = acc
        .iter()
        .filter(|(t, _)| analysis.vocab[**t as usize].chars().count() > 1)
        .map(|(t, w)| (*t, *w))
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.into_iter()
        .take(k)
        .map(|(t, w)| KeyTerm {
            term: analysis.vocab[t as usize].clone(),
            weight: (w * 1000.0).round() / 1000.0,
        })
        .collect()
}

/// The `k` most distinctive terms of a whole plan.
pub fn plan_terms(plan: &Plan, plan_index: usize, analysis: &Analysis, k: usize) -> Vec<KeyTerm> {
    let mut sections: Vec<&Section> = plan.all_sections();
    let preamble = Section {
        measures: plan.preamble.measures.clone(),
        ..empty_section()
    };
    sections.push(&preamble);
    let acc = weights(plan_index, &sections, analysis, &[]);
    top(analysis, &acc, k)
}

fn empty_section() -> Section {
    Section {
        section_id: usize::MAX,
        level: 0,
        style: None,
        number: String::new(),
        label: String::new(),
        title: String::new(),
        title_norm: String::new(),
        kind: crate::outline::SectionKind::Other,
        span: 0..0,
        heading_span: 0..0,
        body: String::new(),
        body_norm: String::new(),
        measures: Vec::new(),
        children: Vec::new(),
    }
}

/// The `k` most distinctive terms of a section and everything under it.
pub fn section_terms(
    plan_index: usize,
    section: &Section,
    analysis: &Analysis,
    k: usize,
) -> Vec<KeyTerm> {
    let acc = weights(plan_index, &section.walk(), analysis, &[]);
    top(analysis, &acc, k)
}

/// Terms two sections share and the terms only one has (`k` of each at most).
pub fn compare_sections(
    a: (usize, &Section),
    b: (usize, &Section),
    analysis: &Analysis,
    k: usize,
) -> TermComparison {
    let wa = weights(a.0, &a.1.walk(), analysis, &[]);
    let wb = weights(b.0, &b.1.walk(), analysis, &[]);
    let shared: HashMap<u32, f32> = wa
        .iter()
        .filter_map(|(t, w)| wb.get(t).map(|v| (*t, w.min(*v))))
        .collect();
    let only = |x: &HashMap<u32, f32>, y: &HashMap<u32, f32>| -> HashMap<u32, f32> {
        x.iter()
            .filter(|(t, _)| !y.contains_key(*t))
            .map(|(t, w)| (*t, *w))
            .collect()
    };
    TermComparison {
        shared: top(analysis, &shared, k),
        only_a: top(analysis, &only(&wa, &wb), k),
        only_b: top(analysis, &only(&wb, &wa), k),
    }
}
