//! Evaluation of shared-measure matching on exhaustively labelled plan pairs.
//!
//! The label set (`tests/fixtures/measure_pairs_exhaustive/`, rules in its `RULES.md`) holds,
//! for each pair of plans (A, B), every measure of plan A judged against the whole of plan B:
//! `verbatim`, `paraphrase` (with the B partner, one row per partner) or `none`. Pairs are split
//! into a `tune` part (used to fit the scorer) and a `test` part (never used for tuning).
//!
//! Figures, per split:
//! - **counted as shared** (measure level): an A measure is *predicted shared with B* when the
//!   engine links it to any measure of plan B ([`Analysis::link_to_plan`], boilerplate links
//!   included: a formula measure keeps its partners); it is *positive* when it has at least one
//!   verbatim or paraphrase row. Precision = predicted ∧ positive / predicted; recall =
//!   predicted ∧ positive / positive.
//! - **per-tier recall**: the same recall over A measures whose best label is verbatim, and over
//!   those whose best label is paraphrase.
//! - **partner precision**: of all links from labelled A measures into plan B, the share whose B
//!   measure is a labelled partner (stricter: the link points at the right measure).
//! - **strict** (the figure of the first measurement): predicted only when the link
//!   counts as shared in the UI, i.e. neither side is boilerplate.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::corpus::Corpus;
use crate::matching::Analysis;

/// A label of one (A measure, B measure) row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Label {
    /// Same wording.
    Verbatim,
    /// Same measure in other words.
    Paraphrase,
    /// No partner in plan B.
    None,
}

/// One row of `labels.tsv`.
#[derive(Debug, Clone)]
pub struct LabelRow {
    /// Plan pair id.
    pub pair_id: String,
    /// `tune` or `test`.
    pub split: String,
    /// Plan A (name or id).
    pub plan_a: String,
    /// Measure id in plan A.
    pub a_id: String,
    /// Measure text in plan A.
    pub a_text: String,
    /// Label.
    pub label: Label,
    /// Partner measure id in plan B (empty for `none`).
    pub b_id: String,
    /// Partner text.
    pub b_text: String,
    /// The A measure is a formula.
    pub boilerplate: bool,
    /// A borderline decision (note starting with `?`).
    pub doubtful: bool,
}

/// One plan pair of `pairs.tsv`.
#[derive(Debug, Clone)]
pub struct PairInfo {
    /// Pair id.
    pub pair_id: String,
    /// `tune` or `test`.
    pub split: String,
    /// Plan A (name or id).
    pub plan_a: String,
    /// Plan B (name or id).
    pub plan_b: String,
}

/// The labelled set.
#[derive(Debug, Clone, Default)]
pub struct LabelSet {
    /// Plan pairs.
    pub pairs: Vec<PairInfo>,
    /// Label rows.
    pub rows: Vec<LabelRow>,
    /// Pair ids listed as complete in `PROGRESS` (all when there is no such file).
    pub done: Option<HashSet<String>>,
}

fn tsv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .unwrap_or("")
        .split('\t')
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let rows = lines
        .map(|l| l.split('\t').map(|f| f.trim().to_string()).collect())
        .collect();
    (header, rows)
}

fn col(header: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| header.iter().position(|h| h == n))
}

/// Load `pairs.tsv`, `labels.tsv` and `PROGRESS` from `dir`.
pub fn load_label_set(dir: &Path) -> Result<LabelSet, String> {
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .map_err(|e| format!("{}: {e}", dir.join(name).display()))
    };
    let (h, rows) = tsv(&read("labels.tsv")?);
    let need = |names: &[&str]| {
        col(&h, names).ok_or_else(|| format!("labels.tsv: no column {}", names[0]))
    };
    let (c_pair, c_split, c_plan, c_aid, c_atext, c_label, c_bid, c_btext) = (
        need(&["pair_id", "pair"])?,
        need(&["split"])?,
        need(&["plan_a"])?,
        need(&["a_id"])?,
        need(&["a_text"])?,
        need(&["label"])?,
        need(&["b_id"])?,
        need(&["b_text"])?,
    );
    let c_bp = col(&h, &["boilerplate"]);
    let c_note = col(&h, &["note"]);
    let get = |r: &Vec<String>, c: usize| r.get(c).cloned().unwrap_or_default();
    let mut out = LabelSet::default();
    for (no, r) in rows.iter().enumerate() {
        let label = match get(r, c_label).to_lowercase().as_str() {
            "verbatim" => Label::Verbatim,
            "paraphrase" => Label::Paraphrase,
            "none" | "" => Label::None,
            other => {
                return Err(format!(
                    "labels.tsv line {}: unknown label `{other}`",
                    no + 2
                ));
            }
        };
        out.rows.push(LabelRow {
            pair_id: get(r, c_pair),
            split: get(r, c_split).to_lowercase(),
            plan_a: get(r, c_plan),
            a_id: get(r, c_aid),
            a_text: get(r, c_atext),
            label,
            b_id: get(r, c_bid),
            b_text: get(r, c_btext),
            boilerplate: c_bp.is_some_and(|c| get(r, c) == "1"),
            doubtful: c_note.is_some_and(|c| get(r, c).starts_with('?')),
        });
    }
    if let Ok(text) = read("pairs.tsv") {
        let (h, rows) = tsv(&text);
        let cp = col(&h, &["pair_id", "pair"]).ok_or("pairs.tsv: no column pair_id")?;
        let cs = col(&h, &["split"]).ok_or("pairs.tsv: no column split")?;
        let ca = col(&h, &["plan_a", "a", "plan_a_name", "a_plan"])
            .ok_or("pairs.tsv: no column plan_a")?;
        let cb = col(&h, &["plan_b", "b", "plan_b_name", "b_plan"])
            .ok_or("pairs.tsv: no column plan_b")?;
        for r in &rows {
            out.pairs.push(PairInfo {
                pair_id: get(r, cp),
                split: get(r, cs).to_lowercase(),
                plan_a: get(r, ca),
                plan_b: get(r, cb),
            });
        }
    }
    if let Ok(text) = read("PROGRESS") {
        let ids: HashSet<String> = text
            .lines()
            .filter(|l| !l.starts_with('#') && l.contains("done"))
            .filter_map(|l| l.split_whitespace().next())
            .map(str::to_string)
            .collect();
        out.done = Some(ids);
    }
    Ok(out)
}

/// Agreement of two coders on one reading of the labels (lenient: borderline `?` matches count;
/// strict: they count as `none`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CoderAgreement {
    /// A measures both coders judged.
    pub measures: usize,
    /// Measure level, the first coder as reference: `predicted` = positive for the second,
    /// `positives` = positive for the first.
    pub shared: Counts,
    /// Cohen's kappa of the measure-level decision (shared with plan B or not).
    pub kappa: f64,
    /// Partner level: (A measure, B measure) links of the second coder that the first also
    /// has / all of the second's; and the same over the first's.
    pub links: Counts,
}

/// Agreement of a second coder (`second`, some pairs of the set coded again, blind) with the
/// first (`first`), over the A measures of the pairs the second coded. Returns (lenient,
/// strict) and the A ids the second coded that the first did not (or the reverse).
pub fn coder_agreement<'a>(
    first: &'a LabelSet,
    second: &'a LabelSet,
) -> (CoderAgreement, CoderAgreement, Vec<String>) {
    type Judged<'a> = HashMap<(&'a str, &'a str), Vec<&'a LabelRow>>;
    let pairs: HashSet<&str> = second.rows.iter().map(|r| r.pair_id.as_str()).collect();
    let group = |set: &'a LabelSet| -> Judged<'a> {
        let mut m: Judged = HashMap::new();
        for r in set
            .rows
            .iter()
            .filter(|r| pairs.contains(r.pair_id.as_str()))
        {
            m.entry((r.pair_id.as_str(), r.a_id.as_str()))
                .or_default()
                .push(r);
        }
        m
    };
    let (one, two) = (group(first), group(second));
    let mut unmatched: Vec<String> = one
        .keys()
        .filter(|k| !two.contains_key(*k))
        .chain(two.keys().filter(|k| !one.contains_key(*k)))
        .map(|(p, a)| format!("{p} {a}"))
        .collect();
    unmatched.sort();
    let figure = |strict: bool| {
        let counts = |r: &LabelRow| r.label != Label::None && !(strict && r.doubtful);
        let mut out = CoderAgreement::default();
        let (mut agree, mut pos1, mut pos2) = (0usize, 0usize, 0usize);
        let mut links1 = HashSet::new();
        let mut links2 = HashSet::new();
        for (key, rows1) in &one {
            let Some(rows2) = two.get(key) else { continue };
            out.measures += 1;
            let p1 = rows1.iter().any(|r| counts(r));
            let p2 = rows2.iter().any(|r| counts(r));
            pos1 += usize::from(p1);
            pos2 += usize::from(p2);
            agree += usize::from(p1 == p2);
            out.shared.predicted += usize::from(p2);
            out.shared.positives += usize::from(p1);
            out.shared.correct += usize::from(p1 && p2);
            out.shared.found += usize::from(p1 && p2);
            links1.extend(
                rows1
                    .iter()
                    .filter(|r| counts(r))
                    .map(|r| (*key, r.b_id.as_str())),
            );
            links2.extend(
                rows2
                    .iter()
                    .filter(|r| counts(r))
                    .map(|r| (*key, r.b_id.as_str())),
            );
        }
        let both = links1.intersection(&links2).count();
        out.links = Counts {
            predicted: links2.len(),
            correct: both,
            positives: links1.len(),
            found: both,
        };
        let n = out.measures.max(1) as f64;
        let observed = agree as f64 / n;
        let (f1, f2) = (pos1 as f64 / n, pos2 as f64 / n);
        let chance = f1 * f2 + (1.0 - f1) * (1.0 - f2);
        out.kappa = if chance < 1.0 {
            (observed - chance) / (1.0 - chance)
        } else {
            1.0
        };
        out
    };
    (figure(false), figure(true), unmatched)
}

/// Counts of one figure.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    /// Predicted positive.
    pub predicted: usize,
    /// Predicted and positive.
    pub correct: usize,
    /// Positive.
    pub positives: usize,
    /// Positive and predicted.
    pub found: usize,
}

impl Counts {
    /// Precision (1 when nothing is predicted).
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 {
            1.0
        } else {
            self.correct as f64 / self.predicted as f64
        }
    }
    /// Recall (1 when nothing is positive).
    pub fn recall(&self) -> f64 {
        if self.positives == 0 {
            1.0
        } else {
            self.found as f64 / self.positives as f64
        }
    }
}

/// Figures of one split.
#[derive(Debug, Clone, Default)]
pub struct SplitReport {
    /// `tune`, `test` or `all`.
    pub split: String,
    /// Plan pairs evaluated.
    pub pairs: usize,
    /// A measures evaluated.
    pub measures: usize,
    /// Counted as shared (boilerplate links included).
    pub shared: Counts,
    /// The same with boilerplate links left out.
    pub strict: Counts,
    /// Counted as shared, leaving out A measures whose only partners are borderline (`?`)
    /// calls: either answer is fine for them.
    pub sure: Counts,
    /// Recall over A measures whose best label is verbatim.
    pub verbatim: Counts,
    /// Recall over A measures whose best label is paraphrase.
    pub paraphrase: Counts,
    /// Links into plan B pointing at a labelled partner / all such links.
    pub partner_links: (usize, usize),
    /// Of the A measures rightly predicted shared with B, those whose first (shown) link into
    /// plan B is a labelled partner / all of them.
    pub shown_partner: (usize, usize),
    /// A measures (or pairs) of the label set that could not be found in the corpus.
    pub unresolved: Vec<String>,
    /// Missed positives whose labelled partner the scorer would accept: the candidate search
    /// never proposed the pair.
    pub missed_by_search: usize,
    /// Missed positives (pair, A id, A text, best B text) for error analysis.
    pub misses: Vec<(String, String, String, String)>,
    /// False positives (pair, A id, A text, linked B text).
    pub false_positives: Vec<(String, String, String, String)>,
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Resolve a plan given by name or id; a name the importer now spells a little differently
/// (one contains the other) still resolves when only one plan fits.
fn plan_index(corpus: &Corpus, key: &str) -> Option<usize> {
    if let Ok(p) = corpus.find_plan(key) {
        return corpus.plans.iter().position(|q| q.plan_id == p.plan_id);
    }
    let fits: Vec<usize> = corpus
        .plans
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            !p.name.is_empty() && (p.name.contains(key) || key.contains(p.name.as_str()))
        })
        .map(|(k, _)| k)
        .collect();
    (fits.len() == 1).then(|| fits[0])
}

/// Plan of a measure id (`<plan_id>/m<n>`).
fn plan_of_measure(corpus: &Corpus, id: &str) -> Option<usize> {
    let (plan_id, _) = id.rsplit_once("/m")?;
    corpus.plans.iter().position(|p| p.plan_id == plan_id)
}

/// Flat index of a labelled measure: by id when the text agrees, else by text in the plan.
fn resolve_measure(
    corpus: &Corpus,
    analysis: &Analysis,
    plan: usize,
    id: &str,
    text: &str,
) -> Option<usize> {
    let measures = corpus.plans.get(plan)?.measures();
    let want = squash(text);
    let by_id = measures.iter().find(|m| m.measure_id == id);
    if let Some(m) = by_id
        && (want.is_empty() || squash(&m.text) == want)
    {
        return analysis.flat_index(plan, m.index);
    }
    let in_plan = |k: usize| {
        let ms = corpus.plans.get(k)?.measures();
        ms.iter()
            .find(|m| squash(&m.text) == want)
            .or_else(|| ms.iter().find(|m| squash(&m.norm) == want))
            .and_then(|m| analysis.flat_index(k, m.index))
    };
    if let Some(f) = in_plan(plan) {
        return Some(f);
    }
    // The importer may since have split the file into several documents (a 通知 issuing two,
    // a document and its 附件): look for the text in the other plans of the same file.
    let file = corpus
        .plans
        .get(plan)?
        .plan_id
        .split('#')
        .next()?
        .to_string();
    let same_file = (0..corpus.plans.len())
        .filter(|&k| k != plan && corpus.plans[k].plan_id.split('#').next() == Some(file.as_str()));
    for k in same_file {
        if let Some(f) = in_plan(k) {
            return Some(f);
        }
    }
    by_id.and_then(|m| {
        want.is_empty()
            .then(|| analysis.flat_index(plan, m.index))?
    })
}

/// Evaluate `analysis` on the label rows of `split` (`"all"` for every split). Pairs not in
/// `PROGRESS` are left out when the set has one.
pub fn evaluate(corpus: &Corpus, analysis: &Analysis, set: &LabelSet, split: &str) -> SplitReport {
    let mut rep = SplitReport {
        split: split.to_string(),
        ..SplitReport::default()
    };
    let pair_b: HashMap<&str, &str> = set
        .pairs
        .iter()
        .map(|p| (p.pair_id.as_str(), p.plan_b.as_str()))
        .collect();
    // Group rows by (pair, A measure).
    let mut groups: Vec<((String, String), Vec<&LabelRow>)> = Vec::new();
    let mut at: HashMap<(String, String), usize> = HashMap::new();
    for r in &set.rows {
        if split != "all" && r.split != split {
            continue;
        }
        if set.done.as_ref().is_some_and(|d| !d.contains(&r.pair_id)) {
            continue;
        }
        let key = (r.pair_id.clone(), r.a_id.clone());
        let k = *at.entry(key.clone()).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[k].1.push(r);
    }
    let mut pairs_seen: HashSet<&str> = HashSet::new();
    for ((pair, a_id), rows) in &groups {
        let first = rows[0];
        let Some(pa) = plan_of_measure(corpus, a_id).or_else(|| plan_index(corpus, &first.plan_a))
        else {
            rep.unresolved
                .push(format!("{pair}: plan {}", first.plan_a));
            continue;
        };
        // Plan B: from pairs.tsv, else from a partner's measure id (`<plan_id>/m<n>`).
        let pb = rows
            .iter()
            .find_map(|r| plan_of_measure(corpus, &r.b_id))
            .or_else(|| {
                pair_b
                    .get(pair.as_str())
                    .and_then(|b| plan_index(corpus, b))
            });
        let Some(pb) = pb else {
            rep.unresolved.push(format!("{pair}: plan B"));
            continue;
        };
        let Some(a) = resolve_measure(corpus, analysis, pa, a_id, &first.a_text) else {
            rep.unresolved
                .push(format!("{pair}: {a_id} {}", first.a_text));
            continue;
        };
        pairs_seen.insert(pair.as_str());
        rep.measures += 1;
        let partners: HashSet<usize> = rows
            .iter()
            .filter(|r| r.label != Label::None)
            .filter_map(|r| resolve_measure(corpus, analysis, pb, &r.b_id, &r.b_text))
            .collect();
        let best = rows.iter().map(|r| r.label).min().unwrap_or(Label::None);
        let positive = best != Label::None;
        let links: Vec<_> = analysis
            .partners(a)
            .iter()
            .filter(|l| analysis.measures[l.other].plan == pb)
            .copied()
            .collect();
        let predicted = !links.is_empty();
        let strict = links
            .iter()
            .any(|l| !analysis.measures[a].boilerplate && !analysis.measures[l.other].boilerplate);
        rep.partner_links.0 += links.iter().filter(|l| partners.contains(&l.other)).count();
        rep.partner_links.1 += links.len();
        if positive && let Some(first) = links.first() {
            rep.shown_partner.0 += usize::from(partners.contains(&first.other));
            rep.shown_partner.1 += 1;
        }
        let only_doubtful = positive
            && rows
                .iter()
                .filter(|r| r.label != Label::None)
                .all(|r| r.doubtful);
        if !only_doubtful {
            let c = &mut rep.sure;
            c.predicted += usize::from(predicted);
            c.correct += usize::from(predicted && positive);
            c.positives += usize::from(positive);
            c.found += usize::from(predicted && positive);
        }
        for (c, p) in [(&mut rep.shared, predicted), (&mut rep.strict, strict)] {
            c.predicted += usize::from(p);
            c.correct += usize::from(p && positive);
            c.positives += usize::from(positive);
            c.found += usize::from(p && positive);
        }
        for (c, t) in [
            (&mut rep.verbatim, Label::Verbatim),
            (&mut rep.paraphrase, Label::Paraphrase),
        ] {
            if best == t {
                c.positives += 1;
                c.found += usize::from(predicted);
            }
        }
        let text_of = |flat: usize| {
            let m = &analysis.measures[flat];
            corpus.plans[m.plan]
                .measures()
                .get(m.index)
                .map(|x| x.text.clone())
                .unwrap_or_default()
        };
        if positive && !predicted {
            let th = crate::matching::Model::shipped().threshold;
            if partners
                .iter()
                .any(|&b| analysis.probability(a, b).is_some_and(|p| p >= th))
            {
                rep.missed_by_search += 1;
            }
            let b = rows
                .iter()
                .find(|r| r.label == best)
                .map(|r| r.b_text.clone())
                .unwrap_or_default();
            rep.misses
                .push((pair.clone(), format!("{best:?}"), first.a_text.clone(), b));
        }
        if predicted && !positive {
            rep.false_positives.push((
                pair.clone(),
                a_id.clone(),
                first.a_text.clone(),
                text_of(links[0].other),
            ));
        }
    }
    rep.pairs = pairs_seen.len();
    rep
}

/// A plain-text table of reports.
pub fn format_reports(reports: &[SplitReport]) -> String {
    let mut out = String::from(
        "split  pairs  A-measures  shared P  shared R  (no-boilerplate P/R)  (sure P/R)  verbatim R  paraphrase R  partner-link P  unresolved\n",
    );
    for r in reports {
        let (ok, all) = r.partner_links;
        out.push_str(&format!(
            "{:<5}  {:>5}  {:>10}  {:>8.3}  {:>8.3}  ({:.3}/{:.3})  ({:.3}/{:.3})  {:>10.3}  {:>12.3}  {:>14.3}  {:>10}\n",
            r.split,
            r.pairs,
            r.measures,
            r.shared.precision(),
            r.shared.recall(),
            r.strict.precision(),
            r.strict.recall(),
            r.sure.precision(),
            r.sure.recall(),
            r.verbatim.recall(),
            r.paraphrase.recall(),
            if all == 0 { 1.0 } else { ok as f64 / all as f64 },
            r.unresolved.len(),
        ));
        out.push_str(&format!(
            "       counts: shared {}/{} predicted correct, {}/{} positives found; verbatim {}/{}, paraphrase {}/{}\n",
            r.shared.correct,
            r.shared.predicted,
            r.shared.found,
            r.shared.positives,
            r.verbatim.found,
            r.verbatim.positives,
            r.paraphrase.found,
            r.paraphrase.positives,
        ));
        let (so, sa) = r.shown_partner;
        out.push_str(&format!(
            "       shown partner right: {so}/{sa} ({:.3}) of the rightly shared A measures; F1 {:.3}\n",
            if sa == 0 { 1.0 } else { so as f64 / sa as f64 },
            {
                let (p, rc) = (r.shared.precision(), r.shared.recall());
                if p + rc > 0.0 { 2.0 * p * rc / (p + rc) } else { 0.0 }
            }
        ));
        out.push_str(&format!(
            "       missed positives the scorer accepts but the candidate search never proposed: {}\n",
            r.missed_by_search
        ));
    }
    out
}

/// The corpus a label set was made on: the bundled seeds, plus the documents in the set's
/// `docs/` folder when it has one.
pub fn corpus_paths(label_dir: &Path) -> Vec<std::path::PathBuf> {
    let mut paths = vec![crate::corpus::default_seed_dir()];
    let docs = label_dir.join("docs");
    if docs.is_dir() {
        paths.push(docs);
    }
    paths
}

/// One training example: the features of an (A measure, B measure) pair and whether it is a
/// labelled partner.
#[derive(Debug, Clone)]
pub struct Example {
    /// Pair id.
    pub pair_id: String,
    /// Flat index of the A measure.
    pub a: usize,
    /// Flat index of the B measure.
    pub b: usize,
    /// [`crate::matching::FEATURES`].
    pub features: [f32; crate::matching::N_FEATURES],
    /// Labelled partner (verbatim or paraphrase).
    pub positive: bool,
    /// Labelled verbatim.
    pub verbatim: bool,
}

/// A labelled A measure: (pair id, flat index, plan B, has a partner).
pub type LabelledMeasure = (String, usize, usize, bool);

/// Every (labelled A measure, B measure) pair of the split's plan pairs that shares anything
/// at all (the engine scores no other pair), with its label. Also returns the labelled A
/// measures per pair and whether each is positive.
pub fn examples(
    corpus: &Corpus,
    analysis: &Analysis,
    set: &LabelSet,
    split: &str,
) -> (Vec<Example>, Vec<LabelledMeasure>) {
    let pair_b: HashMap<&str, &str> = set
        .pairs
        .iter()
        .map(|p| (p.pair_id.as_str(), p.plan_b.as_str()))
        .collect();
    let mut by_a: HashMap<(String, String), Vec<&LabelRow>> = HashMap::new();
    let mut order: Vec<(String, String)> = Vec::new();
    for r in &set.rows {
        if r.split != split || set.done.as_ref().is_some_and(|d| !d.contains(&r.pair_id)) {
            continue;
        }
        let key = (r.pair_id.clone(), r.a_id.clone());
        by_a.entry(key.clone())
            .or_insert_with(|| {
                order.push(key);
                Vec::new()
            })
            .push(r);
    }
    let mut out = Vec::new();
    let mut measures = Vec::new();
    for key in order {
        let rows = &by_a[&key];
        let first = rows[0];
        let Some(pa) =
            plan_of_measure(corpus, &key.1).or_else(|| plan_index(corpus, &first.plan_a))
        else {
            continue;
        };
        let Some(pb) = rows
            .iter()
            .find_map(|r| plan_of_measure(corpus, &r.b_id))
            .or_else(|| {
                pair_b
                    .get(key.0.as_str())
                    .and_then(|b| plan_index(corpus, b))
            })
        else {
            continue;
        };
        let Some(a) = resolve_measure(corpus, analysis, pa, &key.1, &first.a_text) else {
            continue;
        };
        let partners: HashMap<usize, Label> = rows
            .iter()
            .filter(|r| r.label != Label::None)
            .filter_map(|r| {
                resolve_measure(corpus, analysis, pb, &r.b_id, &r.b_text).map(|b| (b, r.label))
            })
            .collect();
        measures.push((key.0.clone(), a, pb, !partners.is_empty()));
        let (start, end) = (analysis.plan_offsets[pb], analysis.plan_offsets[pb + 1]);
        for b in start..end {
            let Some(f) = analysis.pair_features(a, b) else {
                continue;
            };
            let label = partners.get(&b);
            // The engine never scores such pairs (nothing in common): leave them out whatever
            // their label, or the trees learn that "nothing in common" means a partner (the
            // negatives of that kind being left out and the positives kept).
            if f[2] < 0.05 && f[3] < 0.1 && f[0] < 0.2 {
                continue;
            }
            out.push(Example {
                pair_id: key.0.clone(),
                a,
                b,
                features: f,
                positive: label.is_some(),
                verbatim: label == Some(&Label::Verbatim),
            });
        }
    }
    (out, measures)
}
