//! Agreement between coders, with the measure as the unit: percent agreement, Cohen's κ (two
//! coders) and Krippendorff's α (nominal, two or more coders, missing values allowed), per theme,
//! per plan and overall; and the list of measures where coders differ, for reviewing side by
//! side.
//!
//! # How the coding becomes reliability data
//! A *unit* is one measure and one theme; a coder's *value* is 1 when they tagged the measure with
//! the theme (a tag on part of a measure counts for that measure) and 0 when they did not. A coder
//! only has values for the plans they coded, i.e. where they made at least one tag; elsewhere their
//! value is missing, so a colleague who coded three of ten plans is not counted as saying "no
//! theme" on the other seven. Per theme, a parent theme counts a measure tagged with any theme of
//! its subtree (as the theme × plan matrix does); per plan and overall, every unit is one measure
//! and one theme exactly as tagged.
//!
//! # The figures
//! The numeric functions ([`percent_agreement`], [`cohen_kappa`], [`krippendorff_alpha`]) take a
//! reliability data matrix (one row per unit, one value or `None` per coder) and know nothing of
//! plans; they are checked against worked examples in `tests/agreement.rs`. They return `None`
//! where the coefficient is undefined: no unit that two coders both coded, κ with other than
//! two coders, and κ or α when the coders used one category only (expected disagreement 0: the
//! formula divides by zero; agreement is then perfect but uninformative, which the percent shows).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::plan::Plan;
use crate::themes::Codebook;

/// One theme applied by one coder to one measure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CodedMeasure {
    /// Who.
    pub coder: String,
    /// The theme.
    pub theme_id: String,
    /// The plan.
    pub plan_id: String,
    /// The measure ([`crate::measure::Measure::measure_id`]).
    pub measure_id: String,
}

/// The measure of `plan` whose span holds the byte `offset` of the plan's own text.
pub fn measure_at(plan: &Plan, offset: usize) -> Option<String> {
    let abs = plan.span.start + offset;
    plan.measures()
        .into_iter()
        .find(|m| m.span.contains(&abs))
        .map(|m| m.measure_id.clone())
}

/// A project's tags as coded measures (orphaned tags and tags on no measure left out).
pub fn from_project(project: &crate::project::Project, plans: &[Plan]) -> Vec<CodedMeasure> {
    let by_id: HashMap<&str, &Plan> = plans.iter().map(|p| (p.plan_id.as_str(), p)).collect();
    project
        .tags
        .iter()
        .filter(|t| !t.orphaned)
        .filter_map(|t| {
            let measure_id = match &t.measure_id {
                Some(m) => m.clone(),
                None => measure_at(by_id.get(t.plan_id.as_str())?, t.byte_range.start)?,
            };
            Some(CodedMeasure {
                coder: t.coder.clone(),
                theme_id: t.theme_id.clone(),
                plan_id: t.plan_id.clone(),
                measure_id,
            })
        })
        .collect()
}

/// Percent agreement: over units with two or more values, the share of agreeing pairs of values
/// among all pairs, averaged over units (for two coders: the share of units both coded alike).
pub fn percent_agreement(units: &[Vec<Option<u32>>]) -> Option<f64> {
    let mut sum = 0.0;
    let mut n = 0usize;
    for u in units {
        let vals: Vec<u32> = u.iter().flatten().copied().collect();
        let m = vals.len();
        if m < 2 {
            continue;
        }
        let mut agree = 0usize;
        for i in 0..m {
            for j in i + 1..m {
                if vals.get(i) == vals.get(j) {
                    agree += 1;
                }
            }
        }
        sum += agree as f64 / (m * (m - 1) / 2) as f64;
        n += 1;
    }
    (n > 0).then(|| sum / n as f64)
}

/// Cohen's κ for exactly two coders over the units both coded: (p_o − p_e) / (1 − p_e), with p_e
/// from each coder's own category proportions.
pub fn cohen_kappa(units: &[Vec<Option<u32>>]) -> Option<f64> {
    let pairs: Vec<(u32, u32)> = units
        .iter()
        .filter(|u| u.len() == 2)
        .filter_map(|u| Some(((*u.first()?)?, (*u.get(1)?)?)))
        .collect();
    if units.iter().any(|u| u.len() != 2) || pairs.is_empty() {
        return None;
    }
    let n = pairs.len() as f64;
    let p_o = pairs.iter().filter(|(a, b)| a == b).count() as f64 / n;
    let mut first: BTreeMap<u32, f64> = BTreeMap::new();
    let mut second: BTreeMap<u32, f64> = BTreeMap::new();
    for (a, b) in &pairs {
        *first.entry(*a).or_default() += 1.0 / n;
        *second.entry(*b).or_default() += 1.0 / n;
    }
    let p_e: f64 = first
        .iter()
        .map(|(c, p)| p * second.get(c).copied().unwrap_or(0.0))
        .sum();
    if (1.0 - p_e).abs() < 1e-12 {
        return None;
    }
    Some((p_o - p_e) / (1.0 - p_e))
}

/// Krippendorff's α for nominal data, any number of coders, missing values allowed:
/// α = 1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k, where o is the coincidence matrix of the
/// units with two or more values (each unit's pairs weighted 1 / (m_u − 1)) and n_c its margins
/// (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", section C).
pub fn krippendorff_alpha(units: &[Vec<Option<u32>>]) -> Option<f64> {
    let mut o: BTreeMap<(u32, u32), f64> = BTreeMap::new();
    for u in units {
        let vals: Vec<u32> = u.iter().flatten().copied().collect();
        let m = vals.len();
        if m < 2 {
            continue;
        }
        let w = 1.0 / (m - 1) as f64;
        for (i, c) in vals.iter().enumerate() {
            for (j, k) in vals.iter().enumerate() {
                if i != j {
                    *o.entry((*c, *k)).or_default() += w;
                }
            }
        }
    }
    let mut n_c: BTreeMap<u32, f64> = BTreeMap::new();
    for ((c, _), v) in &o {
        *n_c.entry(*c).or_default() += v;
    }
    let n: f64 = n_c.values().sum();
    if n < 2.0 {
        return None;
    }
    let observed: f64 = o.iter().filter(|((c, k), _)| c != k).map(|(_, v)| v).sum();
    let mut expected = 0.0;
    for (c, a) in &n_c {
        for (k, b) in &n_c {
            if c != k {
                expected += a * b;
            }
        }
    }
    if expected <= 0.0 {
        return None;
    }
    Some(1.0 - (n - 1.0) * observed / expected)
}

/// The figures of one scope (a theme, a plan, or everything).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// `theme`, `plan` or `overall`.
    pub scope: &'static str,
    /// The theme or plan id (empty for overall).
    pub id: String,
    /// Its name (theme path or plan name).
    pub name: String,
    /// Units with two or more values.
    pub units: usize,
    /// Units where the values differ.
    pub disagreements: usize,
    /// Percent agreement, 0–100.
    pub percent: Option<f64>,
    /// Cohen's κ (two coders only).
    pub kappa: Option<f64>,
    /// Krippendorff's α (nominal).
    pub alpha: Option<f64>,
}

impl Figures {
    fn of(scope: &'static str, id: &str, name: &str, units: &[Vec<Option<u32>>]) -> Figures {
        let pairable: Vec<&Vec<Option<u32>>> = units
            .iter()
            .filter(|u| u.iter().flatten().count() >= 2)
            .collect();
        let disagreements = pairable
            .iter()
            .filter(|u| {
                let vals: BTreeSet<u32> = u.iter().flatten().copied().collect();
                vals.len() > 1
            })
            .count();
        Figures {
            scope,
            id: id.to_owned(),
            name: name.to_owned(),
            units: pairable.len(),
            disagreements,
            percent: percent_agreement(units).map(|p| p * 100.0),
            kappa: cohen_kappa(units),
            alpha: krippendorff_alpha(units),
        }
    }
}

/// A measure where coders differ on a theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    /// The plan.
    pub plan_id: String,
    /// Its name.
    pub plan_name: String,
    /// The measure.
    pub measure_id: String,
    /// Its index in the plan's measures (to jump to it).
    pub measure_index: usize,
    /// Its text.
    pub text: String,
    /// The theme.
    pub theme_id: String,
    /// Its path.
    pub theme_name: String,
    /// Coders who tagged it with the theme.
    pub with_theme: Vec<String>,
    /// Coders who coded the plan but not this measure with the theme.
    pub without_theme: Vec<String>,
}

/// Agreement of a set of coders over a codebook and plans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementReport {
    /// The coders, sorted (an empty name is a coder too: tags from before coders were recorded).
    pub coders: Vec<String>,
    /// Overall, then each theme (codebook tree order), then each plan (given order).
    pub figures: Vec<Figures>,
    /// Measures where coders differ, by plan, measure and theme.
    pub disagreements: Vec<Disagreement>,
}

/// Theme paths (`供热 > 智慧供暖`) by id, in depth-first order.
fn theme_paths(codebook: &Codebook) -> Vec<(String, String)> {
    let mut stack: Vec<String> = Vec::new();
    codebook
        .depth_first()
        .into_iter()
        .map(|(depth, t)| {
            stack.truncate(depth);
            stack.push(t.name.clone());
            (t.theme_id.clone(), stack.join(" > "))
        })
        .collect()
}

/// Compute the agreement of the coders of `coded` over `plans` and `codebook`.
pub fn agreement(codebook: &Codebook, plans: &[Plan], coded: &[CodedMeasure]) -> AgreementReport {
    let coders: Vec<String> = coded
        .iter()
        .map(|c| c.coder.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // Which plans each coder coded.
    let covered: BTreeSet<(&str, &str)> = coded
        .iter()
        .map(|c| (c.coder.as_str(), c.plan_id.as_str()))
        .collect();
    let tagged: BTreeSet<(&str, &str, &str)> = coded
        .iter()
        .map(|c| (c.coder.as_str(), c.measure_id.as_str(), c.theme_id.as_str()))
        .collect();
    let paths = theme_paths(codebook);
    let subtree: HashMap<&str, Vec<&str>> = paths
        .iter()
        .map(|(id, _)| (id.as_str(), codebook.subtree(id)))
        .collect();
    let value = |coder: &str, plan_id: &str, measure_id: &str, themes: &[&str]| -> Option<u32> {
        covered.contains(&(coder, plan_id)).then(|| {
            u32::from(
                themes
                    .iter()
                    .any(|t| tagged.contains(&(coder, measure_id, *t))),
            )
        })
    };
    let measures: Vec<(&Plan, Vec<&crate::measure::Measure>)> =
        plans.iter().map(|p| (p, p.measures())).collect();
    let mut overall = Vec::new();
    let mut per_plan: Vec<Vec<Vec<Option<u32>>>> = vec![Vec::new(); plans.len()];
    let mut per_theme: Vec<Vec<Vec<Option<u32>>>> = vec![Vec::new(); paths.len()];
    let mut disagreements = Vec::new();
    for (pi, (plan, ms)) in measures.iter().enumerate() {
        for m in ms {
            for (ti, (theme_id, theme_name)) in paths.iter().enumerate() {
                let own = [theme_id.as_str()];
                let exact: Vec<Option<u32>> = coders
                    .iter()
                    .map(|c| value(c, &plan.plan_id, &m.measure_id, &own))
                    .collect();
                let tree = subtree.get(theme_id.as_str()).map_or(&own[..], |v| &v[..]);
                let deep: Vec<Option<u32>> = coders
                    .iter()
                    .map(|c| value(c, &plan.plan_id, &m.measure_id, tree))
                    .collect();
                let vals: BTreeSet<u32> = exact.iter().flatten().copied().collect();
                if vals.len() > 1 {
                    let pick = |want: u32| -> Vec<String> {
                        coders
                            .iter()
                            .zip(&exact)
                            .filter(|(_, v)| **v == Some(want))
                            .map(|(c, _)| c.clone())
                            .collect()
                    };
                    disagreements.push(Disagreement {
                        plan_id: plan.plan_id.clone(),
                        plan_name: plan.name.clone(),
                        measure_id: m.measure_id.clone(),
                        measure_index: m.index,
                        text: m.text.clone(),
                        theme_id: theme_id.clone(),
                        theme_name: theme_name.clone(),
                        with_theme: pick(1),
                        without_theme: pick(0),
                    });
                }
                if let Some(t) = per_theme.get_mut(ti) {
                    t.push(deep);
                }
                if let Some(p) = per_plan.get_mut(pi) {
                    p.push(exact.clone());
                }
                overall.push(exact);
            }
        }
    }
    let mut figures = vec![Figures::of("overall", "", "", &overall)];
    for ((id, name), units) in paths.iter().zip(&per_theme) {
        figures.push(Figures::of("theme", id, name, units));
    }
    for (plan, units) in plans.iter().zip(&per_plan) {
        figures.push(Figures::of("plan", &plan.plan_id, &plan.name, units));
    }
    AgreementReport {
        coders,
        figures,
        disagreements,
    }
}

/// A coefficient for display: three decimals, `—` when undefined.
pub fn show(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), |v| format!("{v:.3}"))
}
