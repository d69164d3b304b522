//! `duizhao targets`: the quantitative targets of every plan, as CSV, JSON or a text table.

use std::path::PathBuf;

use crate::targets::{Target, extract_targets};

/// CSV header of `duizhao targets --format csv`.
pub const CSV_HEADER: &str = "plan,indicator,year,value,unit,comparator,measure_id,sentence";

/// Load the corpus at `paths`, extract the targets of all plans (plans in file order, targets in
/// reading order) and format them: `csv` (RFC 4180, CRLF line ends), `json` (array of
/// [`Target`]) or `table` (aligned text without the sentence).
pub fn targets(paths: &[PathBuf], format: &str) -> anyhow::Result<String> {
    let corpus = super::load_reporting(paths);
    if corpus.plans.is_empty() {
        anyhow::bail!("no plans found");
    }
    let all: Vec<Target> = corpus.plans.iter().flat_map(extract_targets).collect();
    match format {
        "csv" => Ok(to_csv(&all)),
        "json" => Ok(serde_json::to_string_pretty(&all)?),
        "table" => Ok(to_table(&all)),
        other => anyhow::bail!("unknown format {other:?} (expected csv, json or table)"),
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (quotes doubled).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn year_text(y: Option<u32>) -> String {
    y.map(|y| y.to_string()).unwrap_or_default()
}

/// Targets as RFC 4180 CSV with [`CSV_HEADER`].
pub fn to_csv(targets: &[Target]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push_str("\r\n");
    for t in targets {
        let fields = [
            csv_field(&t.plan),
            csv_field(&t.indicator),
            year_text(t.year),
            t.value.to_string(),
            csv_field(&t.unit),
            csv_field(&t.comparator),
            csv_field(&t.measure_id),
            csv_field(&t.sentence),
        ];
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Columns a character takes in a terminal: 2 for CJK and full-width forms.
fn char_width(c: char) -> usize {
    let u = c as u32;
    let wide = matches!(u,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_string();
    out.push_str(&" ".repeat(w.saturating_sub(width(s))));
    out
}

/// Targets as an aligned text table (plan, indicator, year, value, comparator, measure).
pub fn to_table(targets: &[Target]) -> String {
    let header = [
        "plan",
        "indicator",
        "year",
        "value",
        "comparator",
        "measure",
    ];
    let rows: Vec<[String; 6]> = targets
        .iter()
        .map(|t| {
            [
                t.plan.clone(),
                t.indicator.clone(),
                year_text(t.year),
                t.value_text.clone(),
                t.comparator.clone(),
                t.measure_id.clone(),
            ]
        })
        .collect();
    let mut widths = header.map(width);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(width(cell));
        }
    }
    let line = |cells: &[String]| {
        let n = cells.len();
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == n {
                s.push_str(cell);
            } else {
                s.push_str(&pad(cell, w));
                s.push_str("  ");
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(&header.map(str::to_string));
    for r in &rows {
        out.push_str(&line(r));
    }
    out.push_str(&format!("{} targets\n", targets.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(sentence: &str) -> Target {
        Target {
            plan_id: "p#1".into(),
            plan: "某市".into(),
            indicator: "常住人口城镇化率".into(),
            year: Some(2020),
            value: 75.0,
            value_text: "75%".into(),
            unit: "%".into(),
            comparator: "达到".into(),
            measure_id: "p#1/m3".into(),
            sentence: sentence.into(),
        }
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        let csv = to_csv(&[
            target("到2020年，常住人口城镇化率达到75%。"),
            target("到2020年,\"城镇化率\"达到75%"),
        ]);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(
            lines[1],
            "某市,常住人口城镇化率,2020,75,%,达到,p#1/m3,到2020年，常住人口城镇化率达到75%。"
        );
        assert_eq!(
            lines[2],
            "某市,常住人口城镇化率,2020,75,%,达到,p#1/m3,\"到2020年,\"\"城镇化率\"\"达到75%\""
        );
        assert_eq!(lines[3], "");
    }

    #[test]
    fn table_aligns_wide_characters() {
        let mut t2 = target("x");
        t2.indicator = "森林覆盖率".into();
        t2.year = None;
        let table = to_table(&[target("x"), t2]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4);
        // The year column starts at the same display column on every row.
        let col = |l: &str, needle: &str| l.find(needle).map(|i| width(&l[..i]));
        assert_eq!(col(lines[0], "year"), col(lines[1], "2020"));
        assert_eq!(col(lines[0], "value"), col(lines[2], "75%"));
        assert_eq!(lines[3], "2 targets");
    }
}
