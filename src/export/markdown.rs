//! Markdown pipe tables, for papers and wikis: a `## title` per table, then the table.
//!
//! Cell text is escaped so it cannot break the table: `|` becomes `\|`, a backslash `\\`, line
//! breaks `<br>` (which GitHub, GitLab, pandoc and most wikis render inside a cell), and `<`/`&`
//! their HTML entities so that `<br>` stays the only markup. Comparison lines keep their status
//! markers (`【共=2】`), so meaning survives without colour.

use super::model::{Cell, Table};

/// Escape a cell's text for a pipe table.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

fn cell_text(cell: &Cell) -> String {
    escape(&cell.plain())
}

/// One table: title, header, separator and one line per row.
pub fn render_table(table: &Table) -> String {
    let mut out = format!("## {}\n\n", escape(&table.title));
    let header: Vec<String> = table.columns.iter().map(|c| escape(c)).collect();
    out.push_str(&format!("| {} |\n", header.join(" | ")));
    out.push_str(&format!("|{}\n", "---|".repeat(table.columns.len())));
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// Every table, separated by a blank line.
pub fn render(tables: &[Table]) -> String {
    tables
        .iter()
        .map(render_table)
        .collect::<Vec<_>>()
        .join("\n")
}
