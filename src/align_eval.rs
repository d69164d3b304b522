//! Evaluation of the alignment on hand-labelled sections (`tests/fixtures/alignment/`).
//!
//! The labels (see `RULES.md` there) give every section of both plans of a pair one or two
//! categories of a fixed scheme, decided from the section's body; lead-ins get none. Two sections
//! of the two plans *belong in one row* when they share a category. The alignment predicts that
//! two sections share a row when the units holding them (a section inside a unit follows it; the
//! preambles form the 概况 row) are in one row of [`crate::align::align`].
//!
//! Over the labelled sections of a split (lead-ins left out on both sides), micro-averaged over
//! all pairs of the split: precision = predicted co-row pairs that share a category / predicted
//! co-row pairs; recall = category-sharing pairs predicted co-row / category-sharing pairs.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::align::{Params, Row, align_with};
use crate::corpus::Corpus;
use crate::matching::Analysis;
use crate::plan::Plan;

/// Section number of a plan's preamble in the labels.
pub const PREAMBLE: &str = "PREAMBLE";

/// One labelled plan pair.
#[derive(Debug, Clone)]
pub struct LabelledPair {
    /// Pair id.
    pub pair_id: String,
    /// `tune` or `test`.
    pub split: String,
    /// The two plans' names.
    pub plans: [String; 2],
}

/// One labelled section.
#[derive(Debug, Clone)]
pub struct LabelledSection {
    /// Pair id.
    pub pair_id: String,
    /// The plan's name.
    pub plan: String,
    /// Its outline path (`二/一/3`), or [`PREAMBLE`].
    pub number: String,
    /// Its title.
    pub title: String,
    /// Start of its span, as `duizhao outline --json` reported it.
    pub span_start: Option<usize>,
    /// Its categories (empty for a lead-in).
    pub categories: Vec<String>,
}

/// The labels.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// Pairs, in file order.
    pub pairs: Vec<LabelledPair>,
    /// Sections, in file order.
    pub sections: Vec<LabelledSection>,
}

/// Counts of one evaluation.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Score {
    /// Pairs evaluated.
    pub pairs: usize,
    /// Predicted co-row section pairs.
    pub predicted: usize,
    /// Gold (category-sharing) section pairs.
    pub gold: usize,
    /// Predicted pairs that are gold.
    pub correct: usize,
    /// Labelled sections that could not be found in the loaded plan.
    pub unmatched: usize,
}

impl Score {
    /// Precision.
    pub fn precision(&self) -> f64 {
        self.correct as f64 / self.predicted.max(1) as f64
    }
    /// Recall.
    pub fn recall(&self) -> f64 {
        self.correct as f64 / self.gold.max(1) as f64
    }
    /// F1.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, o: &Score) {
        self.pairs += o.pairs;
        self.predicted += o.predicted;
        self.gold += o.gold;
        self.correct += o.correct;
        self.unmatched += o.unmatched;
    }
}

fn tsv_rows(text: &str) -> Vec<HashMap<String, String>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let names: Vec<String> = header.split('\t').map(|s| s.trim().to_owned()).collect();
    lines
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            names
                .iter()
                .cloned()
                .zip(l.split('\t').map(|s| s.trim().to_owned()))
                .collect()
        })
        .collect()
}

impl Labels {
    /// Read `pairs.tsv` and `sections.tsv` from `dir`. Only pairs listed in `PROGRESS` as done
    /// (when that file exists) are kept.
    pub fn load(dir: &Path) -> Result<Labels, String> {
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name))
                .map_err(|e| format!("{}: {e}", dir.join(name).display()))
        };
        let done: Option<HashSet<String>> =
            std::fs::read_to_string(dir.join("PROGRESS")).ok().map(|t| {
                t.lines()
                    .filter(|l| {
                        let l = l.to_lowercase();
                        l.contains("done") || l.contains("complete")
                    })
                    .filter_map(|l| {
                        l.split(|c: char| c.is_whitespace() || c == ':' || c == ',')
                            .find(|w| !w.is_empty())
                            .map(str::to_owned)
                    })
                    .collect()
            });
        let pairs: Vec<LabelledPair> = tsv_rows(&read("pairs.tsv")?)
            .into_iter()
            .filter_map(|r| {
                Some(LabelledPair {
                    pair_id: r.get("pair_id")?.clone(),
                    split: r.get("split")?.clone(),
                    plans: [r.get("plan_a")?.clone(), r.get("plan_b")?.clone()],
                })
            })
            .filter(|p| done.as_ref().is_none_or(|d| d.contains(&p.pair_id)))
            .collect();
        let sections = tsv_rows(&read("sections.tsv")?)
            .into_iter()
            .filter_map(|r| {
                Some(LabelledSection {
                    pair_id: r.get("pair_id")?.clone(),
                    plan: r.get("plan")?.clone(),
                    number: r.get("section_number")?.clone(),
                    title: r.get("section_title").cloned().unwrap_or_default(),
                    span_start: r.get("span_start").and_then(|s| s.parse().ok()),
                    categories: r
                        .get("categories")
                        .map(|c| {
                            c.split('|')
                                .map(str::trim)
                                .filter(|s| !s.is_empty())
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default(),
                })
            })
            .collect();
        Ok(Labels { pairs, sections })
    }
}

/// Row of each section id of compared plan `k`: a unit's sections and everything under them.
fn rows_of(plan: &Plan, rows: &[Row], k: usize) -> HashMap<usize, usize> {
    let mut out = HashMap::new();
    let all = plan.all_sections();
    for (r, row) in rows.iter().enumerate() {
        for &sid in row.cells.get(k).into_iter().flatten() {
            out.insert(sid, r);
        }
    }
    // Sections under a unit's section follow it.
    for s in &all {
        if let Some(&r) = out.get(&s.section_id) {
            for d in s.walk().into_iter().skip(1) {
                out.entry(d.section_id).or_insert(r);
            }
        }
    }
    out
}

/// The section of `plan` a label names: by span start (the labels copy the outline's spans),
/// else by title (the last part of the number path and the title).
fn find_section(plan: &Plan, l: &LabelledSection) -> Option<usize> {
    let all = plan.all_sections();
    if let Some(start) = l.span_start
        && let Some(s) = all.iter().find(|s| s.span.start == start)
    {
        return Some(s.section_id);
    }
    let same: Vec<&&crate::outline::Section> = all
        .iter()
        .filter(|s| s.title.trim() == l.title.trim())
        .collect();
    match same[..] {
        [one] => Some(one.section_id),
        _ => None,
    }
}

/// Score one labelled pair on a corpus holding both plans.
pub fn score_pair(
    corpus: &Corpus,
    analysis: &Analysis,
    labels: &Labels,
    pair: &LabelledPair,
    params: &Params,
) -> Result<Score, String> {
    let idx: Vec<usize> = pair
        .plans
        .iter()
        .map(|n| {
            corpus
                .plans
                .iter()
                .position(|p| p.name == *n)
                .ok_or_else(|| format!("pair {}: no plan named {n}", pair.pair_id))
        })
        .collect::<Result<_, _>>()?;
    let rows = align_with(&corpus.plans, &idx, analysis, &[], params);
    let mut score = Score {
        pairs: 1,
        ..Score::default()
    };
    // (row or None, categories) of each labelled non-lead-in section, per side.
    let mut sides: Vec<Vec<(Option<usize>, &[String])>> = vec![Vec::new(), Vec::new()];
    for (k, &pi) in idx.iter().enumerate() {
        let plan = &corpus.plans[pi];
        let row_of = rows_of(plan, &rows, k);
        for l in labels
            .sections
            .iter()
            .filter(|l| l.pair_id == pair.pair_id && l.plan == pair.plans[k])
        {
            if l.categories.is_empty() {
                continue;
            }
            let row = if l.number == PREAMBLE {
                Some(usize::MAX)
            } else {
                match find_section(plan, l) {
                    Some(sid) => row_of.get(&sid).copied(),
                    None => {
                        score.unmatched += 1;
                        None
                    }
                }
            };
            sides[k].push((row, &l.categories));
        }
    }
    for (ra, ca) in &sides[0] {
        for (rb, cb) in &sides[1] {
            let gold = ca.iter().any(|c| cb.contains(c));
            let predicted = ra.is_some() && ra == rb;
            score.gold += usize::from(gold);
            score.predicted += usize::from(predicted);
            score.correct += usize::from(gold && predicted);
        }
    }
    Ok(score)
}

/// Scores per split: (split, summed score).
pub type SplitScores = Vec<(String, Score)>;
/// Scores per pair: (pair id, split, score).
pub type PairScores = Vec<(String, String, Score)>;

/// Scores per split (`tune`, `test`), summed over the split's pairs, and per pair.
pub fn evaluate(
    corpus: &Corpus,
    analysis: &Analysis,
    labels: &Labels,
    params: &Params,
) -> (SplitScores, PairScores) {
    let mut splits: Vec<(String, Score)> = Vec::new();
    let mut per_pair = Vec::new();
    for pair in &labels.pairs {
        let Ok(s) = score_pair(corpus, analysis, labels, pair, params) else {
            continue;
        };
        match splits.iter_mut().find(|(n, _)| *n == pair.split) {
            Some((_, total)) => total.add(&s),
            None => splits.push((pair.split.clone(), s)),
        }
        per_pair.push((pair.pair_id.clone(), pair.split.clone(), s));
    }
    (splits, per_pair)
}
