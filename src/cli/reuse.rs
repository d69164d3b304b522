//! `duizhao reuse`: the share of one plan's text found word for word in each other plan.

use std::path::PathBuf;

use serde_json::json;

use crate::reuse::{REUSE_MIN_CHARS, reuse_report};

/// Passages printed per plan in the text report (JSON has them all).
const PASSAGES_SHOWN: usize = 5;
/// Plans whose passages the text report prints.
const PLANS_WITH_PASSAGES: usize = 5;

fn one_line(s: &str, max_chars: usize) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max_chars {
        flat
    } else {
        let mut t: String = flat.chars().take(max_chars).collect();
        t.push('…');
        t
    }
}

/// `duizhao reuse`.
pub fn reuse(paths: &[PathBuf], plan: &str, as_json: bool) -> anyhow::Result<String> {
    let corpus = super::load_reporting(paths);
    let p = corpus.lookup_plan(plan)?;
    let index = corpus
        .plans
        .iter()
        .position(|q| q.plan_id == p.plan_id)
        .ok_or_else(|| anyhow::anyhow!("plan {plan} not found"))?;
    let report = reuse_report(&corpus.plans, index)
        .ok_or_else(|| anyhow::anyhow!("plan {plan} not found"))?;
    if as_json {
        let v = json!({
            "plan": report.name,
            "id": report.plan_id,
            "measures": report.measures,
            "chars": report.total_chars,
            "min_run_chars": REUSE_MIN_CHARS,
            "sources": report.rows.iter().map(|r| json!({
                "plan": r.name,
                "id": r.plan_id,
                "found_chars": r.found_chars,
                "share": (r.share * 10000.0).round() / 10000.0,
                "measures_touched": r.measures_touched,
                "passages": r.passages.iter().map(|x| json!({
                    "measure": x.measure_id,
                    "text": x.text,
                    "span": [x.span.start, x.span.end],
                    "chars": x.chars,
                    "found_in": x.other_measure_id,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        return Ok(serde_json::to_string_pretty(&v)?);
    }
    let mut out = format!(
        "文本复用 Reuse of {} ({}): {} measures, {} characters; runs of ≥ {} characters found word for word\n\n",
        report.name, report.plan_id, report.measures, report.total_chars, REUSE_MIN_CHARS
    );
    if report.rows.is_empty() {
        out.push_str("无 None: no other loaded plan shares a passage with it.\n");
        return Ok(out);
    }
    out.push_str("rank  share   chars   measures  plan\n");
    for (k, r) in report.rows.iter().enumerate() {
        out.push_str(&format!(
            "{:>4}  {:>5.1}%  {:>6}  {:>8}  {} ({})\n",
            k + 1,
            r.share * 100.0,
            r.found_chars,
            r.measures_touched,
            r.name,
            r.plan_id
        ));
    }
    for r in report.rows.iter().take(PLANS_WITH_PASSAGES) {
        out.push_str(&format!(
            "\n{} — {:.1}%, {} passages (longest first):\n",
            r.name,
            r.share * 100.0,
            r.passages.len()
        ));
        for x in r.passages.iter().take(PASSAGES_SHOWN) {
            out.push_str(&format!(
                "  [{} ← {}] {}\n",
                x.measure_id,
                x.other_measure_id,
                one_line(&x.text, 80)
            ));
        }
    }
    Ok(out)
}
