//! `duizhao code`: the theme × plan matrix of a project (its tags plus the open rule proposals)
//! or of a codebook's rules over documents; and the hidden `debug-save-loop` used by the crash
//! test.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde_json::json;

use crate::project::Project;
use crate::themes::{Codebook, CodedSegment, CodingIndex, Matrix};

/// `duizhao code --project P` or `duizhao code --codebook FILE [PATH…]`.
pub fn code(
    project: Option<&Path>,
    codebook: Option<&str>,
    paths: &[PathBuf],
    as_json: bool,
) -> anyhow::Result<String> {
    let (book, corpus, segments) = match (project, codebook) {
        (Some(p), None) => {
            if !paths.is_empty() {
                anyhow::bail!(
                    "--project reads the project's own documents; do not give paths with it"
                );
            }
            let (project, corpus) = super::load_project(p)?;
            let proposals = CodingIndex::new(&corpus.plans).propose(&project.codebook);
            let mut segments = project.segments();
            segments.extend(
                project
                    .open_proposals(&proposals)
                    .iter()
                    .map(CodedSegment::from),
            );
            // Tags of themes the codebook lacks count under a stand-in "unknown theme" row.
            (project.codebook_with_unknown_themes(), corpus, segments)
        }
        (None, Some(name)) => {
            let book = Codebook::load_or_bundled(name)?;
            let corpus = super::load_reporting(paths);
            let segments: Vec<CodedSegment> = CodingIndex::new(&corpus.plans)
                .propose(&book)
                .iter()
                .map(CodedSegment::from)
                .collect();
            (book, corpus, segments)
        }
        _ => anyhow::bail!("give either --project FILE or --codebook FILE|NAME"),
    };
    if corpus.plans.is_empty() {
        anyhow::bail!("no plans loaded");
    }
    let matrix = Matrix::build(&book, &corpus.plans, &segments);
    if as_json {
        let v = json!({
            "codebook": book.name,
            "themes": matrix.theme_names,
            "theme_ids": matrix.themes,
            "plans": matrix.plan_names,
            "plan_ids": matrix.plans,
            "counts": matrix.counts,
        });
        return Ok(serde_json::to_string_pretty(&v)?);
    }
    Ok(table(&matrix))
}

/// A text table: the longer of the two lists goes down the side, the shorter across as numbered
/// columns with a legend, so 63 plans do not make a 300-column line.
fn table(m: &Matrix) -> String {
    let theme_labels: Vec<String> = m
        .theme_names
        .iter()
        .zip(&m.depths)
        .map(|(n, d)| format!("{}{n}", "  ".repeat(*d)))
        .collect();
    let plans_down = m.plans.len() > m.themes.len();
    let (rows, cols, prefix) = if plans_down {
        (&m.plan_names, &theme_labels, 'T')
    } else {
        (&theme_labels, &m.plan_names, 'P')
    };
    let cell = |r: usize, c: usize| -> usize {
        let (t, p) = if plans_down { (c, r) } else { (r, c) };
        m.counts
            .get(t)
            .and_then(|row| row.get(p))
            .copied()
            .unwrap_or(0)
    };
    let label_w = rows.iter().map(|s| display_width(s)).max().unwrap_or(0);
    let col_w = cols.len().to_string().len() + 2;
    let mut out = String::new();
    out.push_str(&" ".repeat(label_w));
    for c in 0..cols.len() {
        out.push_str(&format!(" {:>col_w$}", format!("{prefix}{}", c + 1)));
    }
    out.push('\n');
    for (r, label) in rows.iter().enumerate() {
        out.push_str(label);
        out.push_str(&" ".repeat(label_w - display_width(label)));
        for c in 0..cols.len() {
            out.push_str(&format!(" {:>col_w$}", cell(r, c)));
        }
        out.push('\n');
    }
    out.push('\n');
    for (c, name) in cols.iter().enumerate() {
        out.push_str(&format!("{prefix}{} {}\n", c + 1, name.trim_start()));
    }
    out
}

fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

/// `duizhao debug-save-loop`: save two versions of a project (`tags` tags each, differing in
/// their memos) alternately to `project`, forever, so a test can kill the process mid-save.
pub fn debug_save_loop(project: &Path, tags: usize) -> anyhow::Result<String> {
    let versions = [save_loop_version(tags, "A"), save_loop_version(tags, "B")];
    // The first complete save is announced so the test knows saving has begun.
    versions[0].save(project)?;
    println!("saved");
    loop {
        for v in &versions {
            v.save(project)
                .with_context(|| format!("saving {}", project.display()))?;
        }
    }
}

/// One of the two projects `debug-save-loop` writes (also built by the crash test to compare).
pub fn save_loop_version(tags: usize, variant: &str) -> Project {
    let mut p =
        Project::new(Codebook::load_or_bundled("urban_rural_integration").unwrap_or_default());
    for i in 0..tags {
        p.tags.push(crate::project::Tag {
            tag_id: i as u64 + 1,
            theme_id: "zhaijidi".into(),
            plan_id: format!("plan#{}", i % 7 + 1),
            measure_id: Some(format!("plan#{}/m{}", i % 7 + 1, i)),
            byte_range: i * 30..i * 30 + 27,
            quote: "探索宅基地所有权、资格权、使用权分置实现形式".into(),
            memo: format!("版本{variant} memo {i}: 对照 {}", "x".repeat(i % 40)),
            ..Default::default()
        });
    }
    p.view.selected_plan = Some(format!("variant-{variant}"));
    p
}
