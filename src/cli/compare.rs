//! `duizhao compare` and `duizhao measures`: the aligned table and the measure families.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::align::{Row, align};
use crate::comparison::cell_measures;
use crate::corpus::Corpus;
use crate::matching::{Analysis, Status, Tier};
use crate::measure::Measure;

/// Load the corpus while jieba builds its dictionary on another thread (~100 ms saved).
fn load_for_analysis(paths: &[PathBuf]) -> Corpus {
    let (corpus, _) = rayon::join(
        || super::load_reporting(paths),
        || {
            crate::tokenize::Tokenizer::global();
        },
    );
    corpus
}

fn resolve(corpus: &Corpus, names: &[String]) -> anyhow::Result<Vec<usize>> {
    names
        .iter()
        .map(|n| {
            let p = corpus.find_plan(n).map_err(anyhow::Error::msg)?;
            Ok(corpus
                .plans
                .iter()
                .position(|q| q.plan_id == p.plan_id)
                .unwrap_or(0))
        })
        .collect()
}

fn tier_name(t: Tier) -> &'static str {
    match t {
        Tier::Verbatim => "verbatim",
        Tier::Paraphrase => "paraphrase",
    }
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Shared => "shared",
        Status::Unique => "unique",
        Status::Boilerplate => "boilerplate",
    }
}

/// JSON of one measure with its status and partners (compared plans first).
fn measure_json(
    corpus: &Corpus,
    analysis: &Analysis,
    plan_index: usize,
    m: &Measure,
    compared: &[usize],
) -> Value {
    let flat = analysis.flat_index(plan_index, m.index);
    let status = flat
        .and_then(|f| analysis.status.get(f).copied())
        .unwrap_or(Status::Unique);
    let mut links = flat.map(|f| analysis.shared_links(f)).unwrap_or_default();
    links.sort_by_key(|l| !compared.contains(&analysis.measures[l.other].plan));
    // Why they match: the shared character spans, for the partners in the compared plans.
    let char_spans = |text: &str, spans: &[std::ops::Range<usize>]| -> Vec<[usize; 2]> {
        spans
            .iter()
            .map(|r| {
                let start = text.get(..r.start).map_or(0, |t| t.chars().count());
                let len = text.get(r.clone()).map_or(0, |t| t.chars().count());
                [start, start + len]
            })
            .collect()
    };
    let shared_with: Vec<Value> = links
        .iter()
        .map(|l| {
            let other = &analysis.measures[l.other];
            let mut v = json!({
                "plan": corpus.plans[other.plan].name,
                "measure": other.measure_id,
                "tier": tier_name(l.tier),
                "score": (l.score * 1000.0).round() / 1000.0,
            });
            if compared.contains(&other.plan) {
                let other_text = corpus.plans[other.plan]
                    .measures()
                    .get(other.index)
                    .map(|x| x.text.clone())
                    .unwrap_or_default();
                let (sa, sb) = crate::matching::match_spans(&m.text, &other_text);
                v["spans"] = json!({
                    "self": char_spans(&m.text, &sa),
                    "other": char_spans(&other_text, &sb),
                });
            }
            v
        })
        .collect();
    // A formula measure keeps its partners: "套话, also in N plans".
    let also_in = flat.map_or(0, |f| analysis.linked_plans(f).len());
    json!({
        "id": m.measure_id,
        "text": m.text,
        "status": status_name(status),
        "family": flat.and_then(|f| analysis.family_of[f]),
        "shared_with": shared_with,
        "also_in_plans": also_in,
    })
}

/// The aligned comparison as JSON.
pub fn comparison_json(
    corpus: &Corpus,
    analysis: &Analysis,
    compared: &[usize],
    rows: &[Row],
) -> Value {
    let rows_json: Vec<Value> = rows
        .iter()
        .map(|row| {
            let cells: Vec<Value> = row
                .cells
                .iter()
                .zip(compared)
                .map(|(cell, &pi)| {
                    let plan = &corpus.plans[pi];
                    let section = cell.and_then(|sid| plan.all_sections().into_iter().find(|s| s.section_id == sid));
                    let measures: Vec<Value> = cell
                        .map(|sid| cell_measures(plan, sid))
                        .unwrap_or_default()
                        .into_iter()
                        .map(|m| measure_json(corpus, analysis, pi, m, compared))
                        .collect();
                    json!({
                        "plan": plan.name,
                        "section": section.map(|s| json!({"number": s.label, "title": s.title, "section_id": s.section_id})),
                        "measures": measures,
                    })
                })
                .collect();
            json!({"kind": row.kind.label(), "cells": cells})
        })
        .collect();
    json!({
        "plans": compared.iter().map(|&i| corpus.plans[i].name.clone()).collect::<Vec<_>>(),
        "rows": rows_json,
    })
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `duizhao compare`.
pub fn compare(paths: &[PathBuf], plans: &[String], format: &str) -> anyhow::Result<String> {
    if plans.len() < 2 {
        anyhow::bail!("compare needs at least two --plan");
    }
    let corpus = load_for_analysis(paths);
    let compared = resolve(&corpus, plans)?;
    let analysis = Analysis::build(&corpus.plans);
    let rows = align(&corpus.plans, &compared, &analysis, &[]);
    let v = comparison_json(&corpus, &analysis, &compared, &rows);
    match format {
        "json" => Ok(serde_json::to_string_pretty(&v)?),
        "csv" => {
            let mut out =
                String::from("row,kind,plan,section,measure_id,status,shared_with,text\n");
            for (r, row) in v["rows"].as_array().into_iter().flatten().enumerate() {
                for cell in row["cells"].as_array().into_iter().flatten() {
                    let section = cell["section"]
                        .as_object()
                        .map(|s| {
                            format!(
                                "{}{}",
                                s["number"].as_str().unwrap_or(""),
                                s["title"].as_str().unwrap_or("")
                            )
                        })
                        .unwrap_or_default();
                    for m in cell["measures"].as_array().into_iter().flatten() {
                        let partners = m["shared_with"].as_array().map_or(0, Vec::len);
                        out.push_str(&format!(
                            "{},{},{},{},{},{},{},{}\n",
                            r + 1,
                            csv_field(row["kind"].as_str().unwrap_or("")),
                            csv_field(cell["plan"].as_str().unwrap_or("")),
                            csv_field(&section),
                            csv_field(m["id"].as_str().unwrap_or("")),
                            m["status"].as_str().unwrap_or(""),
                            partners,
                            csv_field(m["text"].as_str().unwrap_or("")),
                        ));
                    }
                }
            }
            Ok(out)
        }
        "md" | "markdown" => {
            let names: Vec<String> = compared
                .iter()
                .map(|&i| corpus.plans[i].name.clone())
                .collect();
            let mut out = format!(
                "| 类别 | {} |\n|---|{}\n",
                names.join(" | "),
                "---|".repeat(names.len())
            );
            for row in v["rows"].as_array().into_iter().flatten() {
                let cells: Vec<String> = row["cells"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|cell| {
                        let Some(s) = cell["section"].as_object() else {
                            return "—".to_string();
                        };
                        let ms = cell["measures"].as_array().cloned().unwrap_or_default();
                        let count = |st: &str| ms.iter().filter(|m| m["status"] == st).count();
                        format!(
                            "{}{} ({} 条: 共有 {}, 独有 {})",
                            s["number"].as_str().unwrap_or(""),
                            s["title"].as_str().unwrap_or("").replace('|', "/"),
                            ms.len(),
                            count("shared"),
                            count("unique")
                        )
                    })
                    .collect();
                out.push_str(&format!(
                    "| {} | {} |\n",
                    row["kind"].as_str().unwrap_or(""),
                    cells.join(" | ")
                ));
            }
            Ok(out)
        }
        other => anyhow::bail!("unknown format '{other}' (md, csv or json)"),
    }
}

/// `duizhao measures`: families, most widely adopted first.
pub fn measures(paths: &[PathBuf], plans: &[String], as_json: bool) -> anyhow::Result<String> {
    let corpus = load_for_analysis(paths);
    let only = resolve(&corpus, plans)?;
    let analysis = Analysis::build(&corpus.plans);
    let text_of = |flat: usize| {
        let m = &analysis.measures[flat];
        corpus.plans[m.plan]
            .measures()
            .get(m.index)
            .map(|x| x.text.clone())
            .unwrap_or_default()
    };
    let families: Vec<&crate::matching::Family> = analysis
        .families
        .iter()
        .filter(|f| only.is_empty() || f.plans.iter().any(|p| only.contains(p)))
        .collect();
    if as_json {
        let arr: Vec<Value> = families
            .iter()
            .map(|f| {
                json!({
                    "family": f.family_id,
                    "plans": f.plans.iter().map(|&p| corpus.plans[p].name.clone()).collect::<Vec<_>>(),
                    "size": f.plans.len(),
                    "representative": text_of(f.representative),
                    "measures": f.members.iter().map(|&m| json!({
                        "plan": corpus.plans[analysis.measures[m].plan].name,
                        "id": analysis.measures[m].measure_id,
                        "text": text_of(m),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        return Ok(serde_json::to_string_pretty(&arr)?);
    }
    let mut out = String::new();
    let counts = |s: Status| analysis.status.iter().filter(|x| **x == s).count();
    out.push_str(&format!(
        "{} measures: {} shared, {} unique, {} boilerplate; {} families\n",
        analysis.measures.len(),
        counts(Status::Shared),
        counts(Status::Unique),
        counts(Status::Boilerplate),
        analysis.families.len()
    ));
    for f in families {
        let text: String = text_of(f.representative).chars().take(60).collect();
        out.push_str(&format!(
            "F{:<4} {:>3} plans {:>3} measures  {}\n",
            f.family_id,
            f.plans.len(),
            f.members.len(),
            text
        ));
    }
    Ok(out)
}

/// `duizhao terms`: one plan's distinctive terms (and per section); with two plans, the shared and
/// one-sided terms of each aligned pair of sections.
pub fn terms(
    paths: &[PathBuf],
    plans: &[String],
    k: usize,
    as_json: bool,
) -> anyhow::Result<String> {
    use crate::keyterms::{KeyTerm, compare_sections, plan_terms, section_terms};
    if plans.is_empty() || plans.len() > 2 {
        anyhow::bail!("terms takes one --plan (its key terms) or two (shared and distinct terms)");
    }
    let corpus = load_for_analysis(paths);
    let idx = resolve(&corpus, plans)?;
    let analysis = Analysis::build(&corpus.plans);
    let list = |ts: &[KeyTerm]| {
        ts.iter()
            .map(|t| t.term.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let find = |pi: usize, sid: usize| {
        corpus.plans[pi]
            .all_sections()
            .into_iter()
            .find(|s| s.section_id == sid)
    };
    if let [pi] = idx[..] {
        let plan = &corpus.plans[pi];
        let whole = plan_terms(plan, pi, &analysis, k);
        let units = crate::align::units(plan, pi, &analysis);
        let per: Vec<(String, Vec<KeyTerm>)> = units
            .iter()
            .filter_map(|u| find(pi, u.section_id))
            .map(|s| {
                (
                    format!("{}{}", s.label, s.title),
                    section_terms(pi, s, &analysis, k),
                )
            })
            .collect();
        if as_json {
            let v = json!({
                "plan": plan.name,
                "terms": whole,
                "sections": per.iter().map(|(t, ts)| json!({"section": t, "terms": ts})).collect::<Vec<_>>(),
            });
            return Ok(serde_json::to_string_pretty(&v)?);
        }
        let mut out = format!("{}: {}\n", plan.name, list(&whole));
        for (t, ts) in &per {
            out.push_str(&format!("  {t}: {}\n", list(ts)));
        }
        return Ok(out);
    }
    let rows = align(&corpus.plans, &idx, &analysis, &[]);
    let mut pairs = Vec::new();
    for row in &rows {
        let (Some(a), Some(b)) = (row.cells[0], row.cells[1]) else {
            continue;
        };
        let (Some(sa), Some(sb)) = (find(idx[0], a), find(idx[1], b)) else {
            continue;
        };
        let c = compare_sections((idx[0], sa), (idx[1], sb), &analysis, k);
        pairs.push((
            format!("{}{}", sa.label, sa.title),
            format!("{}{}", sb.label, sb.title),
            c,
        ));
    }
    if as_json {
        let v: Vec<Value> = pairs
            .iter()
            .map(|(a, b, c)| json!({"a": a, "b": b, "shared": c.shared, "only_a": c.only_a, "only_b": c.only_b}))
            .collect();
        return Ok(serde_json::to_string_pretty(
            &json!({"plans": [corpus.plans[idx[0]].name, corpus.plans[idx[1]].name], "rows": v}),
        )?);
    }
    let mut out = String::new();
    for (a, b, c) in &pairs {
        out.push_str(&format!(
            "{a} ⇄ {b}\n  共有 shared: {}\n  仅A only A: {}\n  仅B only B: {}\n",
            list(&c.shared),
            list(&c.only_a),
            list(&c.only_b)
        ));
    }
    Ok(out)
}
