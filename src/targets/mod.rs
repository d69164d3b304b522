//! Quantitative targets (指标) of a plan: `到2020年,常住人口城镇化率达到75%` →
//! indicator `常住人口城镇化率`, year 2020, value 75, unit `%`, comparator `达到`.
//!
//! The method works on each measure's normalised text (`norm`: simplified, half-width, spaces
//! dropped), clause by clause (clauses end at `, ; : 。 ! ?`):
//!
//! 1. **Values** are numbers (integers, decimals, ranges `5-8`) directly followed by a unit from
//!    [`UNITS`] (`%`, `万人`, `亿元`, `平方公里`, `个`, …). A bare number — a year, a date, a
//!    document number (`〔2020〕95号`), `5G` — is never a value.
//! 2. **Comparator.** A value is a target only if something says what it is a target of:
//!    - a comparator verb right before it (`达到`, `提高到`, `超过`, `控制在`, `不低于`,
//!      `突破`, `年均增长`, … — [`COMPARATORS`]; `约`/`近` may sit in between); the indicator is
//!      the noun phrase before the verb;
//!    - an action verb (`新增`, `累计`, `实现`, `培育`, `打造`, `建成`, … — [`ACTIONS`]) with the
//!      indicator either between verb and value (`新增城镇就业5000人`) or after the value
//!      (`打造50个…典型项目`);
//!    - no verb but a bound after a rate (`登记办证率90%以上`).
//!
//!    Values joined by `和`/`、` after one verb form a list (`分别达到60%和45%`).
//!    When the value is followed by `以上`/`以内`/`以下`/`左右` after `达到`/`达`/`为`/`在`, the bound is the comparator.
//! 3. **Indicator.** The noun phrase is cleaned of year phrases and leading fillers (`全市`,
//!    `力争`, `确保`, `使`, `其中`, `实现`, `每年`, …). A list of indicators sharing one verb is
//!    split on `和`/`、`/`及` when there are as many values (`常住人口和户籍人口城镇化率分别达到
//!    60%和45%` → two rows, the shared head `城镇化率` copied to the first), or when every item is
//!    a full indicator of its own (`…医疗保险覆盖率、基本养老保险覆盖率达到100%`).
//!    An empty indicator (`…,到2020年达到66%`) takes the previous row's indicator in the same
//!    measure; in [`extract_targets`], a measure without any indicator takes the previous row of
//!    the plan if it has the same unit and comes from the measure right before.
//! 4. **Year.** The last year mention before the value in the same measure: `到2020年`,
//!    `2020年`, `至2025年底`, `2015—2020年` (→ 2020), `“十四五”末` (→ 2025). `到2017年和2020年`
//!    with two values gives each value its year.
//!
//! Baselines (`2014年常住人口城镇化率64.8%`) have no comparator and are skipped; measures of
//! profile sections (概况) and of the preamble are only read if they name a future
//! (`到2020年`, `力争`, `目标`, …), so that `2014年全区常住人口达到30万人` is not a target.
//! Chinese numerals (`翻一番`, `五个`) are not read.
//!
//! Folder layout: [`sentence`] finds the targets of one sentence ([`targets_of`]), [`lexicon`]
//! holds the word lists it reads; this module ties them to plans and measures.

pub mod lexicon;
pub mod sentence;

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

pub use lexicon::{ACTIONS, COMPARATORS, UNITS};
pub use sentence::{TargetRow, targets_of};

use crate::outline::SectionKind;
use crate::plan::Plan;

/// One quantitative target of a plan.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Target {
    /// Id of the plan.
    pub plan_id: String,
    /// Name of the plan (its place).
    pub plan: String,
    /// What is measured: `常住人口城镇化率`, `新增城镇就业`.
    pub indicator: String,
    /// Target year, if the measure names one.
    pub year: Option<u32>,
    /// The number (lower bound of a range `5-8个`).
    pub value: f64,
    /// The value as written in the normalised text: `75%`, `30亿元`, `5-8个`.
    pub value_text: String,
    /// Unit: `%`, `万人`, `亿元`, `平方公里`, `个`, …
    pub unit: String,
    /// How the value binds: `达到`, `以上`, `不低于`, `控制在`, `超过`, `新增`, …
    pub comparator: String,
    /// The measure the target comes from.
    pub measure_id: String,
    /// The measure's display text.
    pub sentence: String,
}

static FUTURE_RE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:到|至|力争|预计|争取)(?:到|在)?(?:19|20)\d{2}年|十[一二三四五六七八九]五”?(?:期末|末)|目标|力争")
        .ok()
});

/// Whether a profile/preamble measure speaks of the future (`到2020年`, `力争`, `目标`).
fn names_future(norm: &str) -> bool {
    FUTURE_RE.as_ref().is_some_and(|re| re.is_match(norm))
}

/// All quantitative targets of a plan, in reading order.
pub fn extract_targets(plan: &Plan) -> Vec<Target> {
    let kinds: std::collections::HashMap<usize, SectionKind> = plan
        .all_sections()
        .iter()
        .map(|s| (s.section_id, s.kind))
        .collect();
    let mut out: Vec<Target> = Vec::new();
    // Index of the measure the last row came from.
    let mut last_measure: Option<usize> = None;
    for (k, m) in plan.measures().iter().enumerate() {
        let kind = m.section_id.and_then(|i| kinds.get(&i).copied());
        let background = matches!(kind, None | Some(SectionKind::Profile));
        if background && !names_future(&m.norm) {
            continue;
        }
        let rows = targets_of(&m.norm);
        if rows.is_empty() {
            continue;
        }
        let has_indicator = rows.iter().any(|r| !r.indicator.is_empty());
        let inherited = match (out.last(), last_measure) {
            (Some(t), Some(lm)) if !has_indicator && k - lm <= 1 => Some(t.clone()),
            _ => None,
        };
        for TargetRow {
            indicator,
            year,
            value,
            value_text,
            unit,
            comparator,
        } in rows
        {
            let indicator = match &inherited {
                Some(t) if indicator.is_empty() && t.unit == unit => t.indicator.clone(),
                _ => indicator,
            };
            if indicator.is_empty() {
                continue;
            }
            out.push(Target {
                plan_id: plan.plan_id.clone(),
                plan: plan.name.clone(),
                indicator,
                year,
                value,
                value_text,
                unit,
                comparator,
                measure_id: m.measure_id.clone(),
                sentence: m.text.clone(),
            });
            last_measure = Some(k);
        }
    }
    out
}
