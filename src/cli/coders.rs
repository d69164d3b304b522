//! `duizhao merge` (a colleague's project into yours) and `duizhao agreement` (how far the coders
//! of one or more projects agree).

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::agreement::{self, AgreementReport, show};
use crate::project::Project;

/// `duizhao merge --project P --from Q [-o OUT] [--force]`: merge Q's tags, themes and
/// rejections into P; writes P (or OUT) atomically; a damaged or foreign Q changes nothing.
pub fn merge(
    project: &Path,
    from: &[PathBuf],
    output: Option<&Path>,
    force: bool,
) -> anyhow::Result<String> {
    if from.is_empty() {
        anyhow::bail!("give the project to merge in with --from FILE");
    }
    let target = output.unwrap_or(project);
    if let Some(out) = output
        && !force
        && out.exists()
    {
        anyhow::bail!(crate::fsutil::WriteError::Exists {
            path: out.to_path_buf()
        });
    }
    // Every file is read and merged in memory first: one bad file refuses the whole merge.
    let mut merged: Option<Project> = None;
    let mut out = String::new();
    for q in from {
        let (p, report) = match merged.take() {
            None => crate::merge::merge_files(project, q)?,
            Some(mut p) => {
                let other = Project::load(q)?;
                let report = p.merge_from(&other, &crate::merge::coder_label(q));
                (p, report)
            }
        };
        out.push_str(&format!("{}: {}\n", q.display(), report.summary()));
        merged = Some(p);
    }
    if let Some(p) = merged {
        p.save(target)?;
    }
    out.push_str(&format!("wrote {}", target.display()));
    Ok(out)
}

/// The agreement of the coders of `projects` (the first, with the others merged into it in
/// memory; no file is written) over the first project's documents.
pub fn report(projects: &[PathBuf]) -> anyhow::Result<AgreementReport> {
    let Some((first, rest)) = projects.split_first() else {
        anyhow::bail!("give at least one --project");
    };
    let mut project = Project::load(first)?;
    for q in rest {
        let other = Project::load(q)?;
        let name = q
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let label = name
            .strip_suffix(crate::project::PROJECT_EXTENSION)
            .unwrap_or(&name)
            .to_owned();
        let r = project.merge_from(&other, &label);
        for c in &r.conflicts {
            eprintln!("note: {}: {c}", q.display());
        }
    }
    let corpus = super::load_reporting(&project.document_paths());
    let r = project.reanchor(&corpus);
    if !r.orphaned.is_empty() {
        eprintln!(
            "warning: {} tags no longer found in their documents are left out",
            r.orphaned.len()
        );
    }
    if corpus.plans.is_empty() {
        anyhow::bail!("no plans loaded from the project's documents");
    }
    let coded = agreement::from_project(&project, &corpus.plans);
    Ok(agreement::agreement(
        &project.codebook,
        &corpus.plans,
        &coded,
    ))
}

/// `duizhao agreement --project P [--project Q…] [--json]`.
pub fn agreement(projects: &[PathBuf], as_json: bool) -> anyhow::Result<String> {
    let r = report(projects)?;
    if as_json {
        return Ok(serde_json::to_string_pretty(&json!({
            "coders": r.coders,
            "figures": r.figures,
            "disagreements": r.disagreements,
        }))?);
    }
    let mut out = format!(
        "coders: {}\n",
        r.coders
            .iter()
            .map(|c| if c.is_empty() {
                "(unnamed)"
            } else {
                c.as_str()
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    if r.coders.len() < 2 {
        out.push_str("only one coder: agreement needs two or more (merge a colleague's project with `duizhao merge` or give another --project)\n");
    }
    out.push_str(&format!(
        "{:<8} {:>6} {:>6} {:>8} {:>7} {:>7}  {}\n",
        "scope", "units", "differ", "agree%", "kappa", "alpha", "name"
    ));
    for f in &r.figures {
        if f.scope != "overall" && f.units == 0 {
            continue;
        }
        out.push_str(&format!(
            "{:<8} {:>6} {:>6} {:>8} {:>7} {:>7}  {}\n",
            f.scope,
            f.units,
            f.disagreements,
            f.percent
                .map_or_else(|| "—".to_owned(), |p| format!("{p:.1}")),
            show(f.kappa),
            show(f.alpha),
            f.name
        ));
    }
    out.push_str(&format!(
        "\n{} measure × theme disagreements",
        r.disagreements.len()
    ));
    for d in r.disagreements.iter().take(20) {
        out.push_str(&format!(
            "\n  {} [{}] {}: with {:?}, without {:?}",
            d.measure_id, d.theme_name, d.plan_name, d.with_theme, d.without_theme
        ));
    }
    if r.disagreements.len() > 20 {
        out.push_str("\n  … (--json lists all)");
    }
    Ok(out)
}
