//! Lining up comparable sections of several plans in rows.
//!
//! Units: a top-level section without sub-sections is a unit; one with sub-sections contributes
//! each sub-section (with everything under it) as a unit, and itself only if it has measures of its
//! own. So the nine 主要任务 of a pilot and the eight （一）…（八） of a city plan meet as units.
//!
//! Each unit is a TF-IDF vector (the weights of its measures from [`crate::matching::Analysis`]
//! plus its title's terms, title counted twice). The first plan's units are the first rows; each
//! further plan is assigned to the rows one to one, greedily by descending cosine with the row's
//! centroid, only between units of the same kind (其他 matches any kind), and only above
//! [`MIN_SIMILARITY`]. Pinned pairs are assigned first, whatever their score. A unit left over
//! opens a new row right after the row of its plan's previous unit, so every column keeps its
//! reading order.

use std::collections::HashMap;

use serde::Serialize;

use crate::matching::{Analysis, cosine};
use crate::outline::{Section, SectionKind};
use crate::plan::Plan;
use crate::tokenize::Tokenizer;

/// Lowest cosine at which two units share a row.
pub const MIN_SIMILARITY: f32 = 0.08;

/// One comparable unit of a plan.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Section id within the plan.
    pub section_id: usize,
    /// Kind of the section.
    pub kind: SectionKind,
    /// Unit-norm TF-IDF vector.
    pub vector: Vec<(u32, f32)>,
}

/// A pinned pair: section `a` of plan `plan_a` goes in the same row as section `b` of `plan_b`
/// (plan indexes into the compared list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Pin {
    /// Index of the first plan in the compared list.
    pub plan_a: usize,
    /// Its section id.
    pub section_a: usize,
    /// Index of the second plan.
    pub plan_b: usize,
    /// Its section id.
    pub section_b: usize,
}

/// One row of the aligned table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Kind of the row (of its first section).
    pub kind: SectionKind,
    /// Section id per compared plan, `None` where that plan has no counterpart.
    pub cells: Vec<Option<usize>>,
    /// Similarity of each cell to the row when it was assigned (1 for the founding cell).
    pub scores: Vec<f32>,
}

/// The units of a plan, in reading order.
pub fn units(plan: &Plan, plan_index: usize, analysis: &Analysis) -> Vec<Unit> {
    let mut out = Vec::new();
    for top in &plan.sections {
        if top.children.is_empty() {
            out.push(unit_of(plan_index, top, true, analysis));
            continue;
        }
        if !top.measures.is_empty() {
            out.push(unit_of(plan_index, top, false, analysis));
        }
        for child in &top.children {
            out.push(unit_of(plan_index, child, true, analysis));
        }
    }
    out
}

fn unit_of(plan_index: usize, section: &Section, subtree: bool, analysis: &Analysis) -> Unit {
    let mut acc: HashMap<u32, f32> = HashMap::new();
    let sections: Vec<&Section> = if subtree {
        section.walk()
    } else {
        vec![section]
    };
    for s in &sections {
        for m in &s.measures {
            if let Some(flat) = analysis.flat_index(plan_index, m.index) {
                for (t, w) in &analysis.measures[flat].weights {
                    *acc.entry(*t).or_default() += w;
                }
            }
        }
    }
    for word in Tokenizer::global().terms(&section.title_norm) {
        if let Some(t) = analysis.term_id(word) {
            *acc.entry(t).or_default() +=
                2.0 * analysis.idf.get(t as usize).copied().unwrap_or(1.0);
        }
    }
    let mut vector: Vec<(u32, f32)> = acc.into_iter().collect();
    vector.sort_unstable_by_key(|p| p.0);
    let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|(_, w)| *w /= norm);
    }
    Unit {
        section_id: section.section_id,
        kind: section.kind,
        vector,
    }
}

fn kinds_match(a: SectionKind, b: SectionKind) -> bool {
    a == b || a == SectionKind::Other || b == SectionKind::Other
}

fn add_into(centroid: &mut Vec<(u32, f32)>, v: &[(u32, f32)]) {
    let mut map: HashMap<u32, f32> = centroid.iter().copied().collect();
    for (t, w) in v {
        *map.entry(*t).or_default() += w;
    }
    let mut out: Vec<(u32, f32)> = map.into_iter().collect();
    out.sort_unstable_by_key(|p| p.0);
    let norm = out.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        out.iter_mut().for_each(|(_, w)| *w /= norm);
    }
    *centroid = out;
}

/// Align the units of `compared` (indexes into `corpus_plans`, the corpus the analysis was built
/// on) into rows.
pub fn align(
    corpus_plans: &[Plan],
    compared: &[usize],
    analysis: &Analysis,
    pins: &[Pin],
) -> Vec<Row> {
    let plan_units: Vec<Vec<Unit>> = compared
        .iter()
        .map(|&pi| {
            corpus_plans
                .get(pi)
                .map(|p| units(p, pi, analysis))
                .unwrap_or_default()
        })
        .collect();
    let refs: Vec<&[Unit]> = plan_units.iter().map(Vec::as_slice).collect();
    align_units(&refs, pins)
}

/// Align precomputed units (one slice per compared plan, see [`units`]); use this to align many
/// pairs of plans without recomputing their units.
pub fn align_units(plan_units: &[&[Unit]], pins: &[Pin]) -> Vec<Row> {
    let n = plan_units.len();
    let mut rows: Vec<Row> = Vec::new();
    let mut centroids: Vec<Vec<(u32, f32)>> = Vec::new();
    let mut where_is: Vec<HashMap<usize, usize>> = vec![HashMap::new(); n];
    for (k, units) in plan_units.iter().enumerate() {
        // Pairs (unit, row, score): pins first, then by similarity.
        let mut taken_rows = vec![false; rows.len()];
        let mut placed: Vec<Option<usize>> = vec![None; units.len()];
        let mut score_of: Vec<f32> = vec![1.0; units.len()];
        for pin in pins {
            let (other_plan, other_section, mine) = if pin.plan_b == k && pin.plan_a < k {
                (pin.plan_a, pin.section_a, pin.section_b)
            } else if pin.plan_a == k && pin.plan_b < k {
                (pin.plan_b, pin.section_b, pin.section_a)
            } else {
                continue;
            };
            let Some(&row) = where_is[other_plan].get(&other_section) else {
                continue;
            };
            let Some(u) = units.iter().position(|u| u.section_id == mine) else {
                continue;
            };
            if placed[u].is_none() && !taken_rows[row] {
                placed[u] = Some(row);
                taken_rows[row] = true;
            }
        }
        let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
        for (u, unit) in units.iter().enumerate() {
            if placed[u].is_some() {
                continue;
            }
            for (r, row) in rows.iter().enumerate() {
                if taken_rows[r] || !kinds_match(unit.kind, row.kind) {
                    continue;
                }
                let s = cosine(&unit.vector, &centroids[r]);
                if s >= MIN_SIMILARITY {
                    pairs.push((s, u, r));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        for (s, u, r) in pairs {
            if placed[u].is_none() && !taken_rows[r] {
                placed[u] = Some(r);
                taken_rows[r] = true;
                score_of[u] = s;
            }
        }
        // Write assignments; open new rows for the rest after the previous unit's row.
        let mut insert_after: Option<usize> = None;
        let mut new_rows: Vec<(Option<usize>, usize)> = Vec::new();
        for (u, unit) in units.iter().enumerate() {
            match placed[u] {
                Some(r) => {
                    rows[r].cells[k] = Some(unit.section_id);
                    rows[r].scores[k] = score_of[u];
                    insert_after = Some(r);
                }
                None => new_rows.push((insert_after, u)),
            }
        }
        for (u, unit) in units.iter().enumerate() {
            if let Some(r) = placed[u] {
                add_into(&mut centroids[r], &unit.vector);
            }
        }
        // Insert from the back so earlier positions stay valid; keep order within one anchor.
        let mut grouped: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
        for (anchor, u) in new_rows {
            match grouped.last_mut() {
                Some((a, us)) if *a == anchor => us.push(u),
                _ => grouped.push((anchor, vec![u])),
            }
        }
        for (anchor, us) in grouped.into_iter().rev() {
            let at = anchor.map_or(0, |a| a + 1);
            for (offset, u) in us.into_iter().enumerate() {
                let mut cells = vec![None; n];
                cells[k] = Some(units[u].section_id);
                let mut scores = vec![0.0; n];
                scores[k] = 1.0;
                rows.insert(
                    at + offset,
                    Row {
                        kind: units[u].kind,
                        cells,
                        scores,
                    },
                );
                centroids.insert(at + offset, units[u].vector.clone());
            }
        }
        for (plan_k, map) in where_is.iter_mut().enumerate() {
            map.clear();
            for (r, row) in rows.iter().enumerate() {
                if let Some(s) = row.cells[plan_k] {
                    map.insert(s, r);
                }
            }
        }
    }
    rows
}
