//! `duizhao compare` and `duizhao measures`: the aligned table and the measure families.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::align::align;
use crate::comparison::{CellMeasure, CellSection, Comparison, Options, RowMode};
use crate::corpus::Corpus;
use crate::matching::{Analysis, Status, Tier};
use crate::themes::Codebook;
use crate::tokenize::Tokenizer;

/// Load the corpus while jieba builds its dictionary on another thread (~100 ms saved), or,
/// without `dictionary`, alone (`measures` builds a tokenizer of the corpus's texts once they
/// are read, see [`Tokenizer::for_texts`]).
fn load_for_analysis(paths: &[PathBuf], dictionary: bool) -> Corpus {
    let t = std::time::Instant::now();
    if !dictionary {
        let corpus = super::load_reporting(paths);
        phase_time(&format!(
            "read {} plans {:.0} ms",
            corpus.plans.len(),
            t.elapsed().as_secs_f64() * 1e3
        ));
        return corpus;
    }
    let ((corpus, read), dict) = rayon::join(
        || (super::load_reporting(paths), t.elapsed()),
        || {
            Tokenizer::global();
            t.elapsed()
        },
    );
    phase_time(&format!(
        "read {} plans {:.0} ms, jieba dictionary {:.0} ms (in parallel)",
        corpus.plans.len(),
        read.as_secs_f64() * 1e3,
        dict.as_secs_f64() * 1e3
    ));
    corpus
}

/// Up to this many bytes of measure text, `measures` builds a tokenizer for its texts only
/// ([`Tokenizer::for_texts`]: about 15 ms on the seeds against 75–100 ms for jieba's whole
/// dictionary); beyond, the whole dictionary is as quick to build as the filter.
const RESTRICTED_DICTIONARY_MAX_BYTES: usize = 8 << 20;

/// With `DUIZHAO_TIMES=1`, print a phase's time on stderr (for the benchmarks in
/// `docs/benchmarks.md`).
fn phase_time(what: &str) {
    if std::env::var_os("DUIZHAO_TIMES").is_some_and(|v| v == "1") {
        eprintln!("time: {what}");
    }
}

fn resolve(corpus: &Corpus, names: &[String]) -> anyhow::Result<Vec<usize>> {
    names
        .iter()
        .map(|n| {
            let p = corpus.lookup_plan(n)?;
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

/// JSON of one measure with its status, scope and partners (compared plans first); partners in
/// the compared plans carry the character spans the two measures share (why they match).
fn measure_json(corpus: &Corpus, analysis: &Analysis, m: &CellMeasure) -> Value {
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
    let shared_with: Vec<Value> = m
        .partners
        .iter()
        .map(|p| {
            let mut v = json!({
                "plan": corpus.plans.get(p.plan).map(|x| x.name.as_str()).unwrap_or(""),
                "measure": p.measure_id,
                "tier": tier_name(p.tier),
                "score": (p.score * 1000.0).round() / 1000.0,
                "compared": p.column.is_some(),
            });
            if p.column.is_some() {
                let other_text = analysis
                    .measures
                    .get(p.flat)
                    .and_then(|o| {
                        corpus
                            .plans
                            .get(o.plan)?
                            .measures()
                            .get(o.index)
                            .map(|x| x.text.clone())
                    })
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
    let also_in = m.flat.map_or(0, |f| analysis.linked_plans(f).len());
    json!({
        "id": m.measure_id,
        "text": m.text,
        "status": status_name(m.status),
        "scope": m.scope.name(),
        "section": m.section,
        "family": m.flat.and_then(|f| analysis.family_of.get(f).copied().flatten()),
        "shared_with": shared_with,
        "also_in_plans": also_in,
    })
}

fn section_json(s: &CellSection) -> Value {
    json!({
        "id": s.section_id,
        "section_id": s.section_id,
        "number": s.number,
        "title": s.title,
        "parent": s.parent,
        "moved": s.moved,
        "detached": s.detached,
    })
}

/// The comparison as JSON: `plans`, `columns` (counts within the comparison) and `rows`, each
/// with `kind` (and `theme` by theme) and one cell per plan: `plan`, `section` (the first),
/// `sections` (all, in order), `measures`.
pub fn comparison_json(corpus: &Corpus, analysis: &Analysis, table: &Comparison) -> Value {
    let rows_json: Vec<Value> = table
        .rows
        .iter()
        .map(|row| {
            let cells: Vec<Value> = row
                .cells
                .iter()
                .zip(&table.columns)
                .map(|(cell, col)| {
                    let sections: Vec<Value> = cell
                        .iter()
                        .flat_map(|c| c.sections.iter())
                        .map(section_json)
                        .collect();
                    let measures: Vec<Value> = cell
                        .iter()
                        .flat_map(|c| c.measures.iter())
                        .map(|m| measure_json(corpus, analysis, m))
                        .collect();
                    json!({
                        "plan": col.name,
                        "section": sections.first(),
                        "sections": sections,
                        "measures": measures,
                    })
                })
                .collect();
            let mut v = json!({"kind": row.kind.label(), "cells": cells});
            if let Some(t) = &row.theme {
                v["theme"] = json!({"id": t.theme_id, "name": t.name, "depth": t.depth});
            }
            v
        })
        .collect();
    let columns: Vec<Value> = table
        .columns
        .iter()
        .map(|c| {
            json!({
                "plan": c.name,
                "compared": c.shared,
                "elsewhere": c.elsewhere,
                "unique": c.unique,
                "boilerplate": c.boilerplate,
                "shared_with": table.columns.iter().zip(&c.shared_with)
                    .filter(|(o, _)| o.plan_index != c.plan_index)
                    .map(|(o, n)| json!({"plan": o.name, "measures": n}))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "plans": table.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
        "rows_mode": if table.by_theme { "theme" } else { "structure" },
        "columns": columns,
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

/// The row mode of `--rows` (`structure` or `theme`) with `--codebook`.
pub fn row_mode(rows: &str, codebook: &str) -> anyhow::Result<RowMode> {
    match rows {
        "structure" | "sections" => Ok(RowMode::Structure),
        "theme" | "themes" => Ok(RowMode::Theme {
            codebook: Codebook::load_or_bundled(codebook)?,
            tags: Vec::new(),
        }),
        other => anyhow::bail!("unknown --rows '{other}' (structure or theme)"),
    }
}

/// `duizhao compare`.
pub fn compare(
    paths: &[PathBuf],
    plans: &[String],
    format: &str,
    rows: &str,
    codebook: &str,
) -> anyhow::Result<String> {
    if plans.len() < 2 {
        anyhow::bail!("compare needs at least two --plan");
    }
    let mode = row_mode(rows, codebook)?;
    let corpus = load_for_analysis(paths, true);
    let compared = resolve(&corpus, plans)?;
    let analysis = Analysis::build(&corpus.plans);
    let table = Comparison::build_with(
        &corpus,
        &analysis,
        &compared,
        &Options {
            mode,
            pins: Vec::new(),
        },
    );
    let v = comparison_json(&corpus, &analysis, &table);
    let section_text = |s: &Value| {
        format!(
            "{}{}",
            s["number"].as_str().unwrap_or(""),
            s["title"].as_str().unwrap_or("")
        )
    };
    let row_label = |row: &Value| {
        row["theme"]["name"]
            .as_str()
            .or(row["kind"].as_str())
            .unwrap_or("")
            .to_string()
    };
    match format {
        "json" => Ok(serde_json::to_string_pretty(&v)?),
        "csv" => {
            let mut out = String::from(
                "row,kind,plan,section,measure_id,status,shared_with,text,scope,compared_partners\n",
            );
            for (r, row) in v["rows"].as_array().into_iter().flatten().enumerate() {
                for cell in row["cells"].as_array().into_iter().flatten() {
                    let sections = cell["sections"].as_array().cloned().unwrap_or_default();
                    for m in cell["measures"].as_array().into_iter().flatten() {
                        let partners = m["shared_with"].as_array().cloned().unwrap_or_default();
                        let section = m["section"]
                            .as_u64()
                            .and_then(|k| sections.get(k as usize))
                            .map(section_text)
                            .unwrap_or_default();
                        let in_cmp: Vec<String> = partners
                            .iter()
                            .filter(|p| p["compared"] == true)
                            .map(|p| {
                                format!(
                                    "{} {}",
                                    p["plan"].as_str().unwrap_or(""),
                                    p["measure"].as_str().unwrap_or("")
                                )
                            })
                            .collect();
                        out.push_str(&format!(
                            "{},{},{},{},{},{},{},{},{},{}\n",
                            r + 1,
                            csv_field(&row_label(row)),
                            csv_field(cell["plan"].as_str().unwrap_or("")),
                            csv_field(&section),
                            csv_field(m["id"].as_str().unwrap_or("")),
                            m["status"].as_str().unwrap_or(""),
                            partners.len(),
                            csv_field(m["text"].as_str().unwrap_or("")),
                            m["scope"].as_str().unwrap_or(""),
                            csv_field(&in_cmp.join("; ")),
                        ));
                    }
                }
            }
            Ok(out)
        }
        "md" | "markdown" => {
            let names: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
            let first = if table.by_theme { "主题" } else { "类别" };
            let mut out = format!(
                "| {first} | {} |\n|---|{}\n",
                names.join(" | "),
                "---|".repeat(names.len())
            );
            for row in v["rows"].as_array().into_iter().flatten() {
                let cells: Vec<String> = row["cells"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|cell| {
                        let sections = cell["sections"].as_array().cloned().unwrap_or_default();
                        if sections.is_empty() {
                            return "—".to_string();
                        }
                        let ms = cell["measures"].as_array().cloned().unwrap_or_default();
                        let count = |st: &str| ms.iter().filter(|m| m["scope"] == st).count();
                        let heads: Vec<String> = sections
                            .iter()
                            .map(|s| section_text(s).replace('|', "/"))
                            .collect();
                        format!(
                            "{} ({} 条: 对照内共有 {}, 对照外共有 {}, 独有 {})",
                            heads.join("<br>"),
                            ms.len(),
                            count("compared"),
                            count("elsewhere"),
                            count("unique")
                        )
                    })
                    .collect();
                out.push_str(&format!(
                    "| {} | {} |\n",
                    row_label(row).replace('|', "/"),
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
    let mut out = Vec::new();
    measures_to(paths, plans, as_json, &mut out)?;
    Ok(String::from_utf8(out)?)
}

/// One family in `measures --json` (fields in the order `serde_json::Value` printed them).
#[derive(serde::Serialize)]
struct FamilyJson<'a> {
    family: usize,
    measures: Vec<MemberJson<'a>>,
    plans: Vec<&'a str>,
    representative: &'a str,
    size: usize,
}

/// One member of a family in `measures --json`.
#[derive(serde::Serialize)]
struct MemberJson<'a> {
    id: &'a str,
    plan: &'a str,
    text: &'a str,
}

/// [`measures`], written to `out` as it goes: the JSON array is streamed family by family, so
/// a corpus of 10,000 plans never holds its whole output (or a JSON tree of it) in memory.
pub fn measures_to(
    paths: &[PathBuf],
    plans: &[String],
    as_json: bool,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    use serde::ser::{SerializeSeq, Serializer};
    use std::io::Write;
    let corpus = load_for_analysis(paths, false);
    let only = resolve(&corpus, plans)?;
    let t = std::time::Instant::now();
    // A tokenizer for these texts only: `measures` cuts no other text.
    let texts = || {
        corpus
            .plans
            .iter()
            .flat_map(|p| p.measures().into_iter().map(|m| m.norm.as_str()))
    };
    let bytes: usize = texts().map(str::len).sum();
    let own = (bytes <= RESTRICTED_DICTIONARY_MAX_BYTES)
        .then(|| Tokenizer::for_texts(texts()))
        .flatten();
    phase_time(&format!(
        "tokenizer for the texts {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    ));
    let analysis = Analysis::build_with(
        &corpus.plans,
        own.as_ref().unwrap_or_else(|| Tokenizer::global()),
    );
    drop(own);
    phase_time(&format!(
        "analysis of {} measures {:.0} ms",
        analysis.measures.len(),
        t.elapsed().as_secs_f64() * 1e3
    ));
    // Display texts of every plan's measures, looked up once per plan.
    let texts: Vec<Vec<&str>> = corpus
        .plans
        .iter()
        .map(|p| p.measures().into_iter().map(|m| m.text.as_str()).collect())
        .collect();
    let text_of = |flat: usize| {
        let m = &analysis.measures[flat];
        texts
            .get(m.plan)
            .and_then(|t| t.get(m.index))
            .copied()
            .unwrap_or_default()
    };
    let families = analysis
        .families
        .iter()
        .filter(|f| only.is_empty() || f.plans.iter().any(|p| only.contains(p)));
    let mut out = std::io::BufWriter::new(out);
    if as_json {
        let mut ser = serde_json::Serializer::pretty(&mut out);
        let mut seq = ser.serialize_seq(None)?;
        for f in families {
            seq.serialize_element(&FamilyJson {
                family: f.family_id,
                measures: f
                    .members
                    .iter()
                    .map(|&m| MemberJson {
                        id: &analysis.measures[m].measure_id,
                        plan: &corpus.plans[analysis.measures[m].plan].name,
                        text: text_of(m),
                    })
                    .collect(),
                plans: f
                    .plans
                    .iter()
                    .map(|&p| corpus.plans[p].name.as_str())
                    .collect(),
                representative: text_of(f.representative),
                size: f.plans.len(),
            })?;
        }
        seq.end()?;
        writeln!(out)?;
        out.flush()?;
        phase_time(&format!("output {:.0} ms", t.elapsed().as_secs_f64() * 1e3));
        return Ok(());
    }
    let counts = |s: Status| analysis.status.iter().filter(|x| **x == s).count();
    writeln!(
        out,
        "{} measures: {} shared, {} unique, {} boilerplate; {} families",
        analysis.measures.len(),
        counts(Status::Shared),
        counts(Status::Unique),
        counts(Status::Boilerplate),
        analysis.families.len()
    )?;
    for f in families {
        let text: String = text_of(f.representative).chars().take(60).collect();
        writeln!(
            out,
            "F{:<4} {:>3} plans {:>3} measures  {}",
            f.family_id,
            f.plans.len(),
            f.members.len(),
            text
        )?;
    }
    out.flush()?;
    Ok(())
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
    let corpus = load_for_analysis(paths, true);
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
        let (Some(a), Some(b)) = (row.first(0), row.first(1)) else {
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
