//! `duizhao export`: write comparison tables, measures, families, targets (and, with a project,
//! themes and coded segments) as CSV, XLSX, Markdown, HTML or REFI-QDA.
//!
//! The subcommand only resolves names and paths; [`crate::export`] builds and writes. The output
//! file is written atomically and is never replaced without `--force`.

use std::path::{Path, PathBuf};

use crate::corpus::Corpus;
use crate::export::{self, Coding, Format, Source, TableKind};
use crate::matching::Analysis;

/// Which tables `--table` names: one, or `all` (every table that applies: the comparison only
/// with two or more plans, themes and segments only with a project).
pub fn table_kinds(
    name: Option<&str>,
    format: Format,
    plans: usize,
    has_coding: bool,
) -> anyhow::Result<Vec<TableKind>> {
    if matches!(format, Format::Qdpx | Format::Qdc) {
        return Ok(Vec::new()); // REFI-QDA writes the project, whatever the table
    }
    match name {
        None => anyhow::bail!(
            "--table is required for --format {} (comparison, measures, families, targets, themes, segments, theme_counts, theme_presence, theme_plan, memos, agreement, reuse{})",
            format.name(),
            if format == Format::Csv { "" } else { " or all" }
        ),
        Some("all") if format == Format::Csv => {
            anyhow::bail!("csv writes one table per file; choose one --table")
        }
        Some("all") => Ok(TableKind::ALL
            .into_iter()
            .filter(|k| match k {
                TableKind::Comparison => plans >= 2,
                TableKind::Reuse => plans >= 1,
                k if k.needs_coding() => has_coding,
                _ => true,
            })
            .collect()),
        Some(n) => TableKind::parse(n).map(|k| vec![k]).ok_or_else(|| {
            anyhow::anyhow!(
                "unknown table '{n}' (comparison, measures, families, targets, themes, segments, theme_counts, theme_presence, theme_plan, memos, agreement, reuse, all)"
            )
        }),
    }
}

/// Corpus indexes of the named plans, in the order given.
fn resolve(corpus: &Corpus, names: &[String]) -> anyhow::Result<Vec<usize>> {
    names
        .iter()
        .map(|n| {
            let p = corpus.lookup_plan(n)?;
            corpus
                .plans
                .iter()
                .position(|q| q.plan_id == p.plan_id)
                .ok_or_else(|| anyhow::anyhow!("no plan named '{n}'"))
        })
        .collect()
}

/// `duizhao export`.
pub fn export(
    paths: &[PathBuf],
    table: Option<&str>,
    format: &str,
    plans: &[String],
    project: Option<&Path>,
    output: &Path,
    force: bool,
) -> anyhow::Result<String> {
    let format = Format::parse(format).ok_or_else(|| {
        anyhow::anyhow!("unknown format '{format}' (csv, xlsx, md, html, qdpx, qdc)")
    })?;
    if project.is_some() && !paths.is_empty() {
        anyhow::bail!("--project reads the project's own documents; do not give paths with it");
    }
    let kinds = table_kinds(table, format, plans.len(), project.is_some())?;
    if project.is_none() {
        if let Some(k) = kinds.iter().find(|k| k.needs_coding()) {
            anyhow::bail!("the {} table needs --project", k.name());
        }
        if format == Format::Qdc {
            anyhow::bail!("a codebook export needs --project");
        }
    }
    if kinds.contains(&TableKind::Comparison) && plans.len() < 2 {
        anyhow::bail!("the comparison table needs at least two --plan");
    }
    if kinds.contains(&TableKind::Reuse) && plans.is_empty() {
        anyhow::bail!("the reuse table needs --plan (the plan whose text is checked)");
    }
    // Refuse before the (slower) analysis when the output exists, is a folder or is not a
    // regular file; the write itself checks again and creates without clobbering.
    crate::fsutil::check_target(output, force)?;
    let (corpus, coding) = match project {
        Some(p) => {
            let (project, corpus) = super::load_project(p)?;
            let coding = Coding::from_project(&project, &corpus);
            (corpus, Some(coding))
        }
        None => (super::load_reporting(paths), None),
    };
    if corpus.plans.is_empty() {
        anyhow::bail!("no plans found in {}", super::describe(paths));
    }
    let selected = resolve(&corpus, plans)?;
    let needs_analysis = kinds.iter().any(|k| {
        matches!(
            k,
            TableKind::Comparison | TableKind::Measures | TableKind::Families
        )
    });
    let analysis = if needs_analysis {
        Analysis::build(&corpus.plans)
    } else {
        Analysis::default()
    };
    let source = Source {
        corpus: &corpus,
        analysis: &analysis,
        plans: &selected,
        coding: coding.as_ref(),
    };
    export::export(&kinds, format, &source, output, force)?;
    let what = if kinds.is_empty() {
        format!("{} plans", source.selected().len())
    } else {
        kinds
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Ok(format!(
        "wrote {} ({what})",
        crate::fsutil::escape_controls(&output.display().to_string())
    ))
}
