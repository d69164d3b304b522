//! HTML report: one self-contained file (inline CSS, no scripts, no external fonts or images)
//! that opens in any browser and prints on A4 landscape.
//!
//! Each table is a `<section>` with its title and a `<table>`; a legend explains the marks.
//! Marked measures carry the same text marker as every other format (`【共=2】`) plus a class
//! for colour: shared in four strengths of a blue-leaning green with a solid left bar (verbatim)
//! or a dashed one and italics (paraphrase), unique amber with a dotted bar, boilerplate grey.
//! For print, the header row repeats on every page (`thead { display: table-header-group }`)
//! and a row is never split across pages (`break-inside: avoid`). All text is escaped.

use std::fmt::Write;

use super::model::{Cell, CellValue, Line, Mark, Table};

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The CSS class of a mark.
pub fn class_of(mark: Mark) -> String {
    match mark {
        Mark::Shared { verbatim, .. } => format!(
            "m shared s{} {}",
            mark.strength(),
            if verbatim { "verbatim" } else { "paraphrase" }
        ),
        Mark::Elsewhere => "m elsewhere".to_owned(),
        Mark::Unique => "m unique".to_owned(),
        Mark::Boilerplate => "m boilerplate".to_owned(),
        Mark::Heading => "heading".to_owned(),
    }
}

const CSS: &str = r#"
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimSun", sans-serif; font-size: 10.5pt; color: #1a1a1a; margin: 1.5em; }
h1 { font-size: 16pt; margin: 0 0 .4em; }
h2 { font-size: 13pt; margin: 1.2em 0 .4em; break-after: avoid; }
table { border-collapse: collapse; width: 100%; table-layout: auto; }
th, td { border: 1px solid #c8c8c8; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #ececec; }
thead { display: table-header-group; }
tr, td, th { break-inside: avoid; page-break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; }
.heading { font-weight: bold; margin-bottom: 3px; }
.m { margin: 2px 0; padding: 1px 4px; border-left: 4px solid transparent; }
.marker { font-weight: bold; }
.shared.s1 { background: #ddf1e8; } .shared.s2 { background: #b5e0cc; }
.shared.s3 { background: #82c9a9; } .shared.s4 { background: #4fae85; }
.shared.verbatim { border-left: 4px solid #0b6e4f; }
.shared.paraphrase { border-left: 4px dashed #0b6e4f; font-style: italic; background-image: repeating-linear-gradient(135deg, rgba(255,255,255,.55) 0 4px, transparent 4px 8px); }
.shared .marker { color: #0b6e4f; }
.elsewhere { font-style: italic; border-left: 4px dashed #7fb08a; }
.unique { background: #ffd98a; border-left: 4px dotted #9a5b00; }
.unique .marker { color: #9a5b00; }
.boilerplate { color: #808080; }
.legend { margin: .6em 0 1em; border-collapse: collapse; width: auto; }
.legend td { border: 1px solid #c8c8c8; }
.note { color: #555; font-size: 9pt; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; font-size: 9pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

fn line_html(out: &mut String, line: &Line) {
    let class = class_of(line.mark);
    let prefix = line.mark.prefix();
    if prefix.is_empty() {
        let _ = write!(out, "<div class=\"{class}\">{}</div>", escape(&line.text));
    } else {
        let _ = write!(
            out,
            "<div class=\"{class}\"><span class=\"marker\">{}</span>{}</div>",
            escape(&prefix),
            escape(&line.text)
        );
    }
}

fn cell_html(out: &mut String, cell: &Cell) {
    match &cell.value {
        CellValue::Empty => out.push_str("<td></td>"),
        CellValue::Number(_) => {
            let _ = write!(out, "<td class=\"num\">{}</td>", escape(&cell.plain()));
        }
        CellValue::Text(s) => match cell.mark {
            Some(m) if m != Mark::Heading => {
                let _ = write!(
                    out,
                    "<td><div class=\"{}\">{}</div></td>",
                    class_of(m),
                    escape(s).replace('\n', "<br>")
                );
            }
            _ => {
                let _ = write!(out, "<td>{}</td>", escape(s).replace('\n', "<br>"));
            }
        },
        CellValue::Lines(lines) => {
            out.push_str("<td>");
            for line in lines {
                line_html(out, line);
            }
            out.push_str("</td>");
        }
    }
}

/// One table as a `<section>`.
pub fn table_html(out: &mut String, table: &Table) {
    let _ = write!(
        out,
        "<section id=\"{}\">\n<h2>{}</h2>\n<table>\n<thead><tr>",
        escape(&table.name),
        escape(&table.title)
    );
    for c in &table.columns {
        let _ = write!(out, "<th>{}</th>", escape(c));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for cell in row {
            cell_html(out, cell);
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// The legend: one sample line per mark and what it means.
pub fn legend_html(out: &mut String) {
    out.push_str("<section id=\"legend\">\n<h2>图例 Legend</h2>\n<table class=\"legend\">\n");
    for (mark, meaning) in super::xlsx::legend_rows() {
        let sample = Line {
            mark,
            text: String::new(),
        };
        out.push_str("<tr><td>");
        line_html(out, &sample);
        let _ = writeln!(out, "</td><td>{}</td></tr>", escape(meaning));
    }
    out.push_str("</table>\n<p class=\"note\">N = 另有几个规划共有此措施（number of other plans sharing the measure）。颜色之外均有文字标记与边线样式，色弱读者与黑白打印亦可辨认。</p>\n</section>\n");
}

/// The whole report.
pub fn render(tables: &[Table]) -> String {
    let title = tables
        .first()
        .map_or_else(|| "duizhao".to_owned(), |t| t.title.clone());
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"generator\" content=\"duizhao {}\">\n<title>{}</title>\n<style>{CSS}</style>\n\
         </head>\n<body>\n<h1>{}</h1>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&title),
        escape(&title)
    );
    legend_html(&mut out);
    for table in tables {
        table_html(&mut out, table);
    }
    out.push_str("</body>\n</html>\n");
    out
}
