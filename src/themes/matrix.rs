//! The theme × plan matrix of coded segments. A parent theme's row aggregates its subtree: it
//! counts the distinct segments coded with the parent or any descendant.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use std::ops::Range;

use super::codebook::Codebook;
use super::rules::Proposal;
use crate::plan::Plan;

/// One coded segment for the matrix: a tag or an (accepted or shown) proposal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CodedSegment {
    /// The theme.
    pub theme_id: String,
    /// The plan.
    pub plan_id: String,
    /// The measure, when the segment is one.
    pub measure_id: Option<String>,
    /// Byte range in the plan's own text (`plan.original_text()`).
    pub byte_range: Range<usize>,
}

impl From<&Proposal> for CodedSegment {
    fn from(p: &Proposal) -> CodedSegment {
        CodedSegment {
            theme_id: p.theme_id.clone(),
            plan_id: p.plan_id.clone(),
            measure_id: Some(p.measure_id.clone()),
            byte_range: 0..0,
        }
    }
}

/// Theme × plan counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Matrix {
    /// Theme ids, rows, in [`Codebook::depth_first`] order.
    pub themes: Vec<String>,
    /// Theme names, one per row.
    pub theme_names: Vec<String>,
    /// Depth of each row's theme in the tree (0 for roots), for indenting.
    pub depths: Vec<usize>,
    /// Plan ids, columns, in the order given.
    pub plans: Vec<String>,
    /// Plan names, one per column.
    pub plan_names: Vec<String>,
    /// `counts[theme][plan]`: distinct coded segments (a parent: of its whole subtree).
    pub counts: Vec<Vec<usize>>,
    /// `shares[theme][plan]`: measures of the plan touched by those segments / measures of the
    /// plan (0 for a plan without measures).
    pub shares: Vec<Vec<f32>>,
}

/// Segment identity for counting: the measure, or the plan range of a free passage.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum SegmentKey {
    Measure(String),
    Span(usize, usize),
}

impl Matrix {
    /// Count `segments` per theme (rows: every theme of the codebook) and plan (columns: `plans`).
    /// Segments of unknown themes or plans are ignored. A segment is identified by its measure, or
    /// by its byte range when it is a free passage; a free passage counts toward the share of
    /// every measure it overlaps.
    pub fn build(codebook: &Codebook, plans: &[Plan], segments: &[CodedSegment]) -> Matrix {
        let rows = codebook.depth_first();
        let col_of: HashMap<&str, usize> = plans
            .iter()
            .enumerate()
            .map(|(i, p)| (p.plan_id.as_str(), i))
            .collect();
        // Measure spans relative to the plan text, per plan, for passages.
        let measure_spans: Vec<Vec<(String, Range<usize>)>> = plans
            .iter()
            .map(|p| {
                p.measures()
                    .into_iter()
                    .map(|m| {
                        let s = m.span.start.saturating_sub(p.span.start);
                        let e = m.span.end.saturating_sub(p.span.start);
                        (m.measure_id.clone(), s..e)
                    })
                    .collect()
            })
            .collect();
        // Own segments per theme and plan.
        let mut own: HashMap<&str, BTreeMap<usize, BTreeSet<SegmentKey>>> = HashMap::new();
        for s in segments {
            let Some(&col) = col_of.get(s.plan_id.as_str()) else {
                continue;
            };
            let key = match &s.measure_id {
                Some(m) => SegmentKey::Measure(m.clone()),
                None => SegmentKey::Span(s.byte_range.start, s.byte_range.end),
            };
            own.entry(s.theme_id.as_str())
                .or_default()
                .entry(col)
                .or_default()
                .insert(key);
        }
        let mut m = Matrix {
            plans: plans.iter().map(|p| p.plan_id.clone()).collect(),
            plan_names: plans.iter().map(|p| p.name.clone()).collect(),
            ..Matrix::default()
        };
        let kids = codebook.child_index();
        for (depth, theme) in rows {
            let mut counts = vec![0usize; plans.len()];
            let mut shares = vec![0f32; plans.len()];
            // Only themes with segments matter; the subtree is walked once per theme.
            let subtree: Vec<&str> = codebook
                .subtree_with(&theme.theme_id, &kids)
                .into_iter()
                .filter(|id| own.contains_key(id))
                .collect();
            for (col, (count, share)) in counts.iter_mut().zip(shares.iter_mut()).enumerate() {
                let mut keys: BTreeSet<&SegmentKey> = BTreeSet::new();
                for &id in &subtree {
                    if let Some(set) = own.get(id).and_then(|by| by.get(&col)) {
                        keys.extend(set.iter());
                    }
                }
                *count = keys.len();
                let spans = measure_spans.get(col).map(Vec::as_slice).unwrap_or(&[]);
                if spans.is_empty() {
                    continue;
                }
                let mut touched: BTreeSet<&str> = BTreeSet::new();
                for k in keys {
                    match k {
                        SegmentKey::Measure(id) => {
                            touched.insert(id.as_str());
                        }
                        SegmentKey::Span(s, e) => touched.extend(
                            spans
                                .iter()
                                .filter(|(_, r)| r.start < *e && *s < r.end)
                                .map(|(id, _)| id.as_str()),
                        ),
                    }
                }
                *share = touched.len() as f32 / spans.len() as f32;
            }
            m.themes.push(theme.theme_id.clone());
            m.theme_names.push(theme.name.clone());
            m.depths.push(depth);
            m.counts.push(counts);
            m.shares.push(shares);
        }
        m
    }
}
