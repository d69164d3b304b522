//! Evaluation of the alignment on hand-labelled sections (`tests/fixtures/alignment/`).
//!
//! The labels (see `RULES.md` there) give every section of both plans of a pair one or two
//! categories of a fixed scheme, decided from the section's body; lead-ins get none. The
//! alignment predicts that two sections share a row when the cells holding them (a section
//! inside a unit follows it; the preambles form the 概况 row) are in one row of
//! [`crate::align::align`].
//!
//! Two metrics ([`Metric`]), micro-averaged over the pairs of a split: [`Metric::Units`] (the
//! one reported) compares items of one outline level with an equivalence as gold, so a perfect
//! table scores 1; [`Metric::Sections`], the first metric, counts sections of every level with
//! "share any category" as gold, which no table of rows can satisfy (its ceiling is about 0.7).
//! Precision = correct predicted co-row pairs / predicted co-row pairs; recall = gold pairs
//! predicted co-row / gold pairs.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::align::{Params, Row, align_with};
use crate::corpus::Corpus;
use crate::matching::Analysis;
use crate::plan::Plan;

/// Section number of a plan's preamble in the labels.
pub const PREAMBLE: &str = "PREAMBLE";

/// One labelled plan pair, or a group of up to four plans viewed together (the `audit` split:
/// every two plans of the group are scored on the group's rows).
#[derive(Debug, Clone)]
pub struct LabelledPair {
    /// Pair or group id.
    pub pair_id: String,
    /// `tune`, `test` or `audit`.
    pub split: String,
    /// The plans' names (two for a pair; `plan_a` … `plan_d` of `pairs.tsv`).
    pub plans: Vec<String>,
    /// In the holdout half of its split (`holdout` column `yes`): never tuned on.
    pub holdout: bool,
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
    /// Predicted pairs that are correct (the labels link them).
    pub correct: usize,
    /// Gold pairs that are predicted (equals `correct` for [`Metric::Sections`]).
    pub gold_found: usize,
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
        self.gold_found as f64 / self.gold.max(1) as f64
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
    /// Add another score's counts.
    pub fn add(&mut self, o: &Score) {
        self.pairs += o.pairs;
        self.predicted += o.predicted;
        self.gold += o.gold;
        self.correct += o.correct;
        self.gold_found += o.gold_found;
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
                let plans: Vec<String> = ["plan_a", "plan_b", "plan_c", "plan_d"]
                    .iter()
                    .filter_map(|c| r.get(*c).filter(|n| !n.is_empty()).cloned())
                    .collect();
                (plans.len() >= 2).then(|| LabelledPair {
                    pair_id: r.get("pair_id").cloned().unwrap_or_default(),
                    split: r.get("split").cloned().unwrap_or_default(),
                    plans,
                    holdout: r.get("holdout").is_some_and(|h| h == "yes"),
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

/// How a labelled pair is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Metric {
    /// The first metric (kept for comparison): every labelled section at every outline level is an
    /// item; two sections belong together when they share ANY category. That relation is not
    /// transitive (a `保障|投融资` section "belongs" beside both the 保障 and the 投融资 row) and it
    /// mixes levels (a plan's level-3 items are counted one by one although they sit in their
    /// level-2 section's cell), so no table of rows can reach F1 1: a perfect oracle that puts
    /// every section in the row of its main category scores F1 0.85 (tune) / 0.80 (test), and
    /// one that keeps the table's granularity 0.73 / 0.67.
    Sections,
    /// The metric reported since: items are the sections at ONE outline level, the comparison
    /// tier ([`tiers`]: a top-level section without sub-sections, else each of its sub-sections
    /// with everything under it; a parent's own text goes with its first sub-section; the
    /// preamble). An item's categories are its own label, or, when it is a lead-in, the two
    /// commonest main categories of the labelled sections inside it. Two items *must* share a row
    /// when their MAIN categories agree (an equivalence, so a perfect table scores 1); a predicted
    /// co-row pair is *correct* when the labels link the two items at all (any shared category).
    #[default]
    Units,
    /// [`Metric::Units`] restricted to pairs of items whose main categories are both task
    /// categories (not [`FRAMING_CATEGORIES`]). The unit metric's gold pairs are dominated by the
    /// framing sections (a plan's five 保障 items against another's four make 20 gold pairs), so a
    /// table that pairs only its framing rows and leaves every task section alone already scores a
    /// high F1 (0.855 on the tune split); this one shows how the task sections are matched.
    TaskUnits,
}

/// The label categories of a plan's framing (profile, guidance, goals, safeguards), left out by
/// [`Metric::TaskUnits`].
pub const FRAMING_CATEGORIES: [&str; 4] = ["概况", "指导思想/原则", "目标", "保障"];

/// One evaluated item of a labelled plan: its row in the alignment and its categories.
#[derive(Debug, Clone)]
pub struct Item {
    /// Section number path of the item's main section (`二/一`), or [`PREAMBLE`].
    pub number: String,
    /// Its title.
    pub title: String,
    /// Row in the alignment (`usize::MAX` for the preamble row), `None` when in no row.
    pub row: Option<usize>,
    /// Categories, main first (never empty).
    pub categories: Vec<String>,
}

/// The comparison tier of a plan: per item, (its main section id, every section id inside it).
/// A top-level section without sub-sections is one item; one with sub-sections gives one item
/// per sub-section (with everything under it), the parent itself going with the first.
pub fn tiers(plan: &Plan) -> Vec<(usize, Vec<usize>)> {
    let mut out = Vec::new();
    for top in &plan.sections {
        if top.children.is_empty() {
            out.push((
                top.section_id,
                top.walk().iter().map(|s| s.section_id).collect(),
            ));
            continue;
        }
        for (i, child) in top.children.iter().enumerate() {
            let mut ids: Vec<usize> = if i == 0 {
                vec![top.section_id]
            } else {
                Vec::new()
            };
            ids.extend(child.walk().iter().map(|s| s.section_id));
            out.push((child.section_id, ids));
        }
    }
    out
}

/// Indexes of the plans of a labelled pair or group in the corpus (in the label's order).
pub fn pair_plans(corpus: &Corpus, pair: &LabelledPair) -> Result<Vec<usize>, String> {
    pair.plans
        .iter()
        .map(|n| {
            corpus
                .plans
                .iter()
                .position(|p| p.name == *n)
                .ok_or_else(|| format!("pair {}: no plan named {n}", pair.pair_id))
        })
        .collect()
}

/// One comparison-tier item of a labelled plan before placing it in rows.
struct TierLabel {
    /// Main section id of the tier (`None` for the preamble).
    section: Option<usize>,
    /// Every section id inside it.
    ids: Vec<usize>,
    /// Categories, main first (never empty).
    categories: Vec<String>,
}

/// The labelled comparison-tier items of side `k` of a pair (preamble first when labelled), and
/// the number of labelled sections not found in the loaded plan.
fn tier_labels(
    plan: &Plan,
    labels: &Labels,
    pair: &LabelledPair,
    k: usize,
) -> (Vec<TierLabel>, usize) {
    let mut unmatched = 0;
    let tiers = tiers(plan);
    let mut tier_of: HashMap<usize, usize> = HashMap::new();
    for (t, (_, ids)) in tiers.iter().enumerate() {
        for &id in ids {
            tier_of.insert(id, t);
        }
    }
    // Per tier: its own label, and the main categories of the labelled sections inside.
    let mut own: Vec<Option<Vec<String>>> = vec![None; tiers.len()];
    let mut inside: Vec<Vec<String>> = vec![Vec::new(); tiers.len()];
    let mut out = Vec::new();
    for l in labels
        .sections
        .iter()
        .filter(|l| l.pair_id == pair.pair_id && l.plan == pair.plans[k])
    {
        if l.number == PREAMBLE {
            if !l.categories.is_empty() {
                out.push(TierLabel {
                    section: None,
                    ids: Vec::new(),
                    categories: l.categories.clone(),
                });
            }
            continue;
        }
        let Some(sid) = find_section(plan, l) else {
            if !l.categories.is_empty() {
                unmatched += 1;
            }
            continue;
        };
        let (Some(&t), Some(main)) = (tier_of.get(&sid), l.categories.first()) else {
            continue;
        };
        if tiers[t].0 == sid {
            own[t] = Some(l.categories.clone());
        }
        inside[t].push(main.clone());
    }
    for (t, (sid, ids)) in tiers.into_iter().enumerate() {
        let categories = match &own[t] {
            Some(c) => c.clone(),
            None => {
                // The two commonest main categories inside, ties by first occurrence.
                let mut counts: Vec<(String, usize)> = Vec::new();
                for c in &inside[t] {
                    match counts.iter_mut().find(|(n, _)| n == c) {
                        Some((_, k)) => *k += 1,
                        None => counts.push((c.clone(), 1)),
                    }
                }
                counts.sort_by_key(|c| std::cmp::Reverse(c.1));
                counts.into_iter().take(2).map(|(c, _)| c).collect()
            }
        };
        if !categories.is_empty() {
            out.push(TierLabel {
                section: Some(sid),
                ids,
                categories,
            });
        }
    }
    (out, unmatched)
}

/// The [`Metric::Units`] items of both plans of a labelled pair with their rows in `rows`, and
/// the number of labelled sections not found in the loaded plans.
pub fn unit_items(
    corpus: &Corpus,
    labels: &Labels,
    pair: &LabelledPair,
    idx: &[usize],
    rows: &[Row],
) -> (Vec<Vec<Item>>, usize) {
    let mut unmatched = 0;
    let mut sides = Vec::new();
    for (k, &pi) in idx.iter().enumerate() {
        let Some(plan) = corpus.plans.get(pi) else {
            sides.push(Vec::new());
            continue;
        };
        let row_of = rows_of(plan, rows, k);
        let all = plan.all_sections();
        let (tiers, missing) = tier_labels(plan, labels, pair, k);
        unmatched += missing;
        let items = tiers
            .into_iter()
            .map(|t| match t.section {
                None => Item {
                    number: PREAMBLE.to_owned(),
                    title: String::new(),
                    row: Some(usize::MAX),
                    categories: t.categories,
                },
                Some(sid) => {
                    let section = all.iter().find(|s| s.section_id == sid);
                    Item {
                        number: section.map(|s| s.number.clone()).unwrap_or_default(),
                        title: section.map(|s| s.title.clone()).unwrap_or_default(),
                        row: row_of.get(&sid).copied(),
                        categories: t.categories,
                    }
                }
            })
            .collect();
        sides.push(items);
    }
    (sides, unmatched)
}

/// The table the labels call perfect, to check the metric: one row per main category, each
/// plan's labelled comparison-tier items in the row of their main category (so cells need not
/// be consecutive). [`Metric::Units`] scores it 1.
pub fn oracle_rows(
    corpus: &Corpus,
    labels: &Labels,
    pair: &LabelledPair,
    idx: &[usize],
) -> Vec<Row> {
    let mut rows: Vec<(String, Row)> = Vec::new();
    for (k, &pi) in idx.iter().enumerate() {
        let Some(plan) = corpus.plans.get(pi) else {
            continue;
        };
        for t in tier_labels(plan, labels, pair, k).0 {
            let (Some(_), Some(main)) = (t.section, t.categories.first()) else {
                continue;
            };
            let r = match rows.iter().position(|(c, _)| c == main) {
                Some(r) => r,
                None => {
                    rows.push((
                        main.clone(),
                        Row {
                            kind: crate::outline::SectionKind::Other,
                            cells: vec![Vec::new(); idx.len()],
                            scores: vec![0.0; idx.len()],
                            moved: vec![false; idx.len()],
                        },
                    ));
                    rows.len() - 1
                }
            };
            rows[r].1.cells[k].extend(t.ids);
        }
    }
    rows.into_iter().map(|(_, r)| r).collect()
}

/// Score one labelled pair on a corpus holding both plans.
pub fn score_pair(
    corpus: &Corpus,
    analysis: &Analysis,
    labels: &Labels,
    pair: &LabelledPair,
    params: &Params,
    metric: Metric,
) -> Result<Score, String> {
    let idx = pair_plans(corpus, pair)?;
    let rows = align_with(&corpus.plans, &idx, analysis, &[], params);
    Ok(score_rows(corpus, labels, pair, &idx, &rows, metric))
}

/// Score given rows of a labelled pair or group (`idx`: the plans' corpus indexes, in the
/// pair's order, as the rows' columns); a group's score sums every two of its plans.
pub fn score_rows(
    corpus: &Corpus,
    labels: &Labels,
    pair: &LabelledPair,
    idx: &[usize],
    rows: &[Row],
    metric: Metric,
) -> Score {
    let mut score = Score {
        pairs: 1,
        ..Score::default()
    };
    if matches!(metric, Metric::Units | Metric::TaskUnits) {
        let (sides, unmatched) = unit_items(corpus, labels, pair, idx, rows);
        score.unmatched = unmatched;
        let task = |i: &Item| {
            i.categories
                .first()
                .is_some_and(|c| !FRAMING_CATEGORIES.contains(&c.as_str()))
        };
        for (i, a_side) in sides.iter().enumerate() {
            for a in a_side {
                for b in sides.iter().skip(i + 1).flatten() {
                    if metric == Metric::TaskUnits && !(task(a) && task(b)) {
                        continue;
                    }
                    let gold = a.categories.first() == b.categories.first();
                    let linked = a.categories.iter().any(|c| b.categories.contains(c));
                    let predicted = a.row.is_some() && a.row == b.row;
                    score.gold += usize::from(gold);
                    score.predicted += usize::from(predicted);
                    score.correct += usize::from(predicted && linked);
                    score.gold_found += usize::from(predicted && gold);
                }
            }
        }
        return score;
    }
    // (row or None, categories) of each labelled non-lead-in section, per side.
    let mut sides: Vec<Vec<(Option<usize>, &[String])>> = vec![Vec::new(); idx.len()];
    for (k, &pi) in idx.iter().enumerate() {
        let Some(plan) = corpus.plans.get(pi) else {
            continue;
        };
        let row_of = rows_of(plan, rows, k);
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
    for (i, side) in sides.iter().enumerate() {
        for ((ra, ca), (rb, cb)) in side
            .iter()
            .flat_map(|a| sides.iter().skip(i + 1).flatten().map(move |b| (a, b)))
        {
            let gold = ca.iter().any(|c| cb.contains(c));
            let predicted = ra.is_some() && ra == rb;
            score.gold += usize::from(gold);
            score.predicted += usize::from(predicted);
            score.correct += usize::from(gold && predicted);
            score.gold_found += usize::from(gold && predicted);
        }
    }
    score
}

/// Scores per split: (split, summed score).
pub type SplitScores = Vec<(String, Score)>;
/// Scores per pair: (pair id, split, score).
pub type PairScores = Vec<(String, String, Score)>;

/// Scores per split (`tune`, `test`, `audit`; a holdout half as `<split> holdout`), summed over
/// the split's pairs, and per pair.
pub fn evaluate(
    corpus: &Corpus,
    analysis: &Analysis,
    labels: &Labels,
    params: &Params,
    metric: Metric,
) -> (SplitScores, PairScores) {
    let mut splits: Vec<(String, Score)> = Vec::new();
    let mut per_pair = Vec::new();
    for pair in &labels.pairs {
        let Ok(s) = score_pair(corpus, analysis, labels, pair, params, metric) else {
            continue;
        };
        let split = if pair.holdout {
            format!("{} holdout", pair.split)
        } else {
            pair.split.clone()
        };
        match splits.iter_mut().find(|(n, _)| *n == split) {
            Some((_, total)) => total.add(&s),
            None => splits.push((split.clone(), s)),
        }
        per_pair.push((pair.pair_id.clone(), split, s));
    }
    (splits, per_pair)
}
