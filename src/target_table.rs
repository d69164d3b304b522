//! The targets of several plans as one table: a row per indicator, a column per plan, in each cell
//! the targets that plan sets for that indicator (`2025年 75%`).
//!
//! Targets come from [`crate::targets::extract_targets`]. Rows group targets by a light key of
//! the indicator: its normalised text without a leading place word (`全市`, `全区`, `全县` …), so
//! `全市常住人口城镇化率` and `常住人口城镇化率` share a row while `户籍人口城镇化率` keeps its own.
//! The row is named by the indicator as most targets in it write it (ties: the shortest, then the
//! first in order). Rows with targets in more plans come first (then more targets, then name);
//! within a cell targets are sorted by year (none last), then reading order.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::normalize::normalize_str;
use crate::plan::Plan;
use crate::targets::{Target, extract_targets};

/// Place words stripped from the start of an indicator for grouping.
pub const PLACE_PREFIXES: &[&str] = &[
    "全省", "全市", "全区", "全县", "全州", "全镇", "全乡", "全旗", "全域", "市区", "城区",
];

/// One target in a cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetCell {
    /// Target year, if the measure names one.
    pub year: Option<u32>,
    /// The value as written: `75%`, `30亿元`.
    pub value_text: String,
    /// Unit: `%`, `万人`, …
    pub unit: String,
    /// How the value binds: `达到`, `以上`, `不低于`, …
    pub comparator: String,
    /// Index of the measure in its plan's `measures()` (`None` if the id could not be found).
    pub measure_index: Option<usize>,
    /// The measure's id.
    pub measure_id: String,
    /// The indicator as this target writes it.
    pub indicator: String,
    /// The source sentence (the measure's display text).
    pub sentence: String,
}

impl TargetCell {
    /// What the cell shows: `2025年 75%`, or just `75%` without a year.
    pub fn label(&self) -> String {
        match self.year {
            Some(y) => format!("{y}年 {}", self.value_text),
            None => self.value_text.clone(),
        }
    }
}

/// Indicators × plans.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TargetTable {
    /// Row names (indicators), most plans first.
    pub indicators: Vec<String>,
    /// Column names (plan names), in the order asked for.
    pub plans: Vec<String>,
    /// Corpus indexes of the columns' plans.
    pub plan_indexes: Vec<usize>,
    /// Ids of the columns' plans.
    pub plan_ids: Vec<String>,
    /// `cells[row][column]`: the targets of that plan for that indicator.
    pub cells: Vec<Vec<Vec<TargetCell>>>,
}

/// The grouping key of an indicator.
pub fn indicator_key(indicator: &str) -> String {
    let mut key = normalize_str(indicator);
    for p in PLACE_PREFIXES {
        if let Some(rest) = key.strip_prefix(p)
            && !rest.is_empty()
        {
            key = rest.to_owned();
            break;
        }
    }
    key
}

/// Index of a measure id in its plan's `measures()`: ids are `<plan_id>/m<n>`, n from 1.
fn measure_index(plan: &Plan, measure_id: &str) -> Option<usize> {
    let measures = plan.measures();
    let guess = measure_id
        .rsplit_once("/m")
        .and_then(|(_, n)| n.parse::<usize>().ok())
        .and_then(|n| n.checked_sub(1));
    if let Some(i) = guess
        && measures.get(i).is_some_and(|m| m.measure_id == measure_id)
    {
        return Some(i);
    }
    measures.iter().position(|m| m.measure_id == measure_id)
}

impl TargetTable {
    /// The table of `plan_indexes` (corpus indexes; empty: every plan of `plans`).
    pub fn build(plan_indexes: &[usize], plans: &[Plan]) -> TargetTable {
        let columns: Vec<usize> = if plan_indexes.is_empty() {
            (0..plans.len()).collect()
        } else {
            plan_indexes
                .iter()
                .copied()
                .filter(|&p| p < plans.len())
                .collect()
        };
        // key → column → cells; key → spellings with counts.
        let mut groups: BTreeMap<String, Vec<Vec<TargetCell>>> = BTreeMap::new();
        let mut spellings: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for (c, &p) in columns.iter().enumerate() {
            let Some(plan) = plans.get(p) else { continue };
            for t in extract_targets(plan) {
                let Target {
                    indicator,
                    year,
                    value_text,
                    unit,
                    comparator,
                    measure_id,
                    sentence,
                    ..
                } = t;
                let key = indicator_key(&indicator);
                if key.is_empty() {
                    continue;
                }
                *spellings
                    .entry(key.clone())
                    .or_default()
                    .entry(indicator.clone())
                    .or_default() += 1;
                let row = groups
                    .entry(key)
                    .or_insert_with(|| vec![Vec::new(); columns.len()]);
                if let Some(cell) = row.get_mut(c) {
                    cell.push(TargetCell {
                        year,
                        value_text,
                        unit,
                        comparator,
                        measure_index: measure_index(plan, &measure_id),
                        measure_id,
                        indicator,
                        sentence,
                    });
                }
            }
        }
        let mut rows: Vec<(String, Vec<Vec<TargetCell>>)> = groups
            .into_iter()
            .map(|(key, mut cells)| {
                for cell in &mut cells {
                    cell.sort_by_key(|t| (t.year.is_none(), t.year, t.measure_index));
                }
                let name = spellings
                    .get(&key)
                    .and_then(|s| {
                        s.iter()
                            .max_by(|a, b| {
                                a.1.cmp(b.1)
                                    .then(b.0.chars().count().cmp(&a.0.chars().count()))
                                    .then(b.0.cmp(a.0))
                            })
                            .map(|(name, _)| name.clone())
                    })
                    .unwrap_or(key);
                (name, cells)
            })
            .collect();
        let plans_with = |cells: &[Vec<TargetCell>]| cells.iter().filter(|c| !c.is_empty()).count();
        let targets_in = |cells: &[Vec<TargetCell>]| cells.iter().map(Vec::len).sum::<usize>();
        rows.sort_by(|a, b| {
            plans_with(&b.1)
                .cmp(&plans_with(&a.1))
                .then(targets_in(&b.1).cmp(&targets_in(&a.1)))
                .then(a.0.cmp(&b.0))
        });
        let (indicators, cells) = rows.into_iter().unzip();
        TargetTable {
            indicators,
            plans: columns
                .iter()
                .filter_map(|&p| plans.get(p).map(|x| x.name.clone()))
                .collect(),
            plan_ids: columns
                .iter()
                .filter_map(|&p| plans.get(p).map(|x| x.plan_id.clone()))
                .collect(),
            plan_indexes: columns,
            cells,
        }
    }

    /// Columns (indexes into [`TargetTable::plans`]) with at least one target.
    pub fn columns_with_targets(&self) -> Vec<usize> {
        (0..self.plans.len())
            .filter(|&c| {
                self.cells
                    .iter()
                    .any(|row| row.get(c).is_some_and(|t| !t.is_empty()))
            })
            .collect()
    }

    /// The targets of row `row`, column `column` (empty out of range).
    pub fn cell(&self, row: usize, column: usize) -> &[TargetCell] {
        self.cells
            .get(row)
            .and_then(|r| r.get(column))
            .map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_place_word_does_not_split_a_row() {
        assert_eq!(indicator_key("全市常住人口城镇化率"), "常住人口城镇化率");
        assert_eq!(indicator_key("常住人口城镇化率"), "常住人口城镇化率");
        assert_eq!(indicator_key("全市"), "全市");
    }
}
