//! Command-line subcommands: each parses its arguments, calls the core and prints.
//!
//! Output is deterministic (plans in file order, sections in reading order) so that it can be
//! diffed and tested.

pub mod code;
pub mod coders;
pub mod compare;
pub mod export;
pub mod reuse;
pub mod targets;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use serde_json::{Value, json};

use crate::corpus::{Corpus, load_paths_with_progress};
use crate::outline::Section;
use crate::plan::Plan;

/// 对照 duizhao — review Chinese government plans side by side.
#[derive(Debug, Parser)]
#[command(name = "duizhao", version, about)]
pub struct Cli {
    /// What to do; without a subcommand the desktop app opens on the bundled seeds.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the plans found in files or folders (default: the bundled seeds).
    Plans {
        /// Files or folders.
        paths: Vec<PathBuf>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the section tree of one plan.
    Outline {
        /// Files or folders.
        paths: Vec<PathBuf>,
        /// Plan name or id.
        #[arg(long)]
        plan: String,
        /// Print JSON instead of an indented tree.
        #[arg(long)]
        json: bool,
    },
    /// The aligned comparison of two or more plans, measures marked shared/unique.
    Compare {
        /// Files or folders.
        paths: Vec<PathBuf>,
        /// Plan name or id (at least two).
        #[arg(long = "plan", required = true)]
        plans: Vec<String>,
        /// Output format: md, csv or json.
        #[arg(long, default_value = "md")]
        format: String,
        /// Rows: `structure` (groups of comparable sections) or `theme` (one row per codebook
        /// theme, 按主题对照).
        #[arg(long, default_value = "structure")]
        rows: String,
        /// Codebook for `--rows theme`: a RON file or a bundled name.
        #[arg(long, default_value = "urban_rural_integration")]
        codebook: String,
    },
    /// Measure families (measures shared across plans), most widely adopted first.
    Measures {
        /// Files or folders.
        paths: Vec<PathBuf>,
        /// Only families that include these plans.
        #[arg(long = "plan")]
        plans: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Key terms: one plan's distinctive terms, or two plans' shared and one-sided terms per
    /// aligned section.
    Terms {
        /// Files or folders.
        paths: Vec<PathBuf>,
        /// One or two plan names or ids.
        #[arg(long = "plan", required = true)]
        plans: Vec<String>,
        /// Terms per list.
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Quantitative targets (indicator, year, value, unit) of every plan.
    Targets {
        /// Files or folders.
        paths: Vec<PathBuf>,
        /// Output format: table, csv or json.
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Export tables (comparison, measures, families, targets, themes, segments) as CSV, XLSX,
    /// Markdown or HTML, or the plans and coding as a REFI-QDA project.
    Export {
        /// Files or folders.
        paths: Vec<PathBuf>,
        /// comparison, measures, families, targets, themes, segments, theme_counts,
        /// theme_presence, theme_plan, memos, agreement, reuse (with --plan: the share of each
        /// --plan's text found verbatim in each other plan), or all (not for csv); ignored by
        /// qdpx/qdc.
        #[arg(long)]
        table: Option<String>,
        /// csv, xlsx, md, html, qdpx (REFI-QDA project) or qdc (REFI-QDA codebook).
        #[arg(long)]
        format: String,
        /// Plan name or id (the comparison needs two or more; other tables: all plans if none).
        #[arg(long = "plan")]
        plans: Vec<String>,
        /// A duizhao project with themes and coded segments.
        #[arg(long)]
        project: Option<PathBuf>,
        /// Output file.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// The theme × plan matrix: a project's tags and open rule proposals, or a codebook's
    /// rules over documents.
    Code {
        /// Files or folders (with --codebook; default: the bundled seeds).
        paths: Vec<PathBuf>,
        /// A project file (`*.duizhao.ron`); its own documents are read.
        #[arg(long, conflicts_with = "codebook")]
        project: Option<PathBuf>,
        /// A codebook file (RON) or the name of a bundled one (`urban_rural_integration`,
        /// `policy_instruments`).
        #[arg(long, required_unless_present = "project")]
        codebook: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Merge colleagues' project files into yours: documents matched by content, every tag kept
    /// with its coder, conflicts listed; a damaged or foreign file changes nothing.
    Merge {
        /// Your project (written back unless -o is given).
        #[arg(long)]
        project: PathBuf,
        /// A colleague's project (repeat for several).
        #[arg(long = "from", required = true)]
        from: Vec<PathBuf>,
        /// Write the merged project here instead of over --project.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Agreement between coders (percent, Cohen's kappa, Krippendorff's alpha) per theme and per
    /// plan, the measure as the unit; several projects are merged in memory first.
    Agreement {
        /// Project files (one holding several coders, or one per coder).
        #[arg(long = "project", required = true)]
        projects: Vec<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Text reuse: the share of one plan's text found word for word in each other loaded plan,
    /// with the passages, most-copied plan first.
    Reuse {
        /// Files or folders.
        paths: Vec<PathBuf>,
        /// Plan name or id.
        #[arg(long)]
        plan: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Save two versions of a big project alternately, forever (for the crash-safety test).
    #[command(hide = true)]
    DebugSaveLoop {
        /// Where to save.
        #[arg(long)]
        project: PathBuf,
        /// Tags per version.
        #[arg(long, default_value_t = 2000)]
        tags: usize,
    },
    /// Open the desktop app on these files or folders.
    Open {
        /// Files or folders (default: the bundled seeds).
        paths: Vec<PathBuf>,
        /// Start comparing these plans (names or ids: `--compare A B C`, or repeat the
        /// option). Put files and folders before it, or after `--`.
        #[arg(long = "compare", num_args = 1.., value_name = "PLAN")]
        compare: Vec<String>,
        /// Start on this view (default: compare with --compare, else the one last used).
        #[arg(long, value_enum)]
        view: Option<ViewArg>,
        /// Dark theme.
        #[arg(long, conflicts_with = "light")]
        dark: bool,
        /// Light theme.
        #[arg(long)]
        light: bool,
        /// English interface.
        #[arg(long)]
        english: bool,
    },
}

/// The views `duizhao open --view` can start on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ViewArg {
    /// One plan's outline and measures.
    Plan,
    /// The compared plans side by side.
    Compare,
    /// Measure families, most widely adopted first.
    Families,
    /// The plan × plan heatmap of shared measures.
    Overview,
    /// Quantitative targets: indicator × plan.
    Targets,
    /// The codebook, its rules and their proposals.
    Themes,
    /// The theme × plan matrix of coded segments.
    Matrix,
}

/// How the app should start, from `duizhao open`'s options; each set option overrides the
/// remembered setting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StartOptions {
    /// Plans to compare (names or ids, resolved once the corpus is loaded).
    pub compare: Vec<String>,
    /// The view to start on.
    pub view: Option<ViewArg>,
    /// `Some(true)`: dark theme; `Some(false)`: light.
    pub dark: Option<bool>,
    /// English interface.
    pub english: bool,
}

/// `duizhao open`'s paths and `--compare` names: `--compare` takes every value after it, so
/// `open --compare A B plans/` would read the folder as a plan name; a value that names an
/// existing file or folder (it has a path separator or a plan file's extension) is taken as a
/// path instead.
pub fn split_open_args(
    mut paths: Vec<PathBuf>,
    compare: Vec<String>,
) -> (Vec<PathBuf>, Vec<String>) {
    let mut names = Vec::new();
    for value in compare {
        let path = PathBuf::from(&value);
        let looks_like_path = value.contains('/')
            || value.contains(std::path::MAIN_SEPARATOR)
            || path.extension().is_some_and(|e| {
                crate::formats::SUPPORTED_EXTENSIONS
                    .iter()
                    .any(|x| e.eq_ignore_ascii_case(x))
            });
        if looks_like_path && path.exists() {
            paths.push(path);
        } else {
            names.push(value);
        }
    }
    (paths, names)
}

impl StartOptions {
    /// The start options of a parsed `duizhao open` (None for another subcommand), with its
    /// files and folders.
    pub fn from_command(command: Command) -> Option<(Vec<PathBuf>, StartOptions)> {
        let Command::Open {
            paths,
            compare,
            view,
            dark,
            light,
            english,
        } = command
        else {
            return None;
        };
        let (paths, compare) = split_open_args(paths, compare);
        let dark = if dark {
            Some(true)
        } else if light {
            Some(false)
        } else {
            None
        };
        Some((
            paths,
            StartOptions {
                compare,
                view,
                dark,
                english,
            },
        ))
    }
}

/// A writer for a subcommand's output to the terminal: control characters (a terminal escape
/// sequence in a file name that became a plan id) are written escaped, line by line, as
/// [`crate::fsutil::escape_controls`] does for a whole output. The escaped lines are passed on
/// in blocks of about 64 KiB (standard output is line-buffered: a write per line was 15,000
/// system calls for the seeds' `measures --json`); `flush` (or dropping it) writes the rest.
pub struct EscapeControls<W: std::io::Write> {
    inner: W,
    line: Vec<u8>,
    /// Escaped lines not yet written to `inner`.
    out: Vec<u8>,
}

/// Bytes of escaped output [`EscapeControls`] collects before writing them.
const ESCAPED_BLOCK: usize = 64 << 10;

impl<W: std::io::Write> EscapeControls<W> {
    /// Wrap `inner`.
    pub fn new(inner: W) -> Self {
        EscapeControls {
            inner,
            line: Vec::new(),
            out: Vec::new(),
        }
    }

    fn write_line(&mut self) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(&self.line);
        let escaped = crate::fsutil::escape_controls(&text);
        self.out.extend_from_slice(escaped.as_bytes());
        self.line.clear();
        if self.out.len() >= ESCAPED_BLOCK {
            self.write_out()?;
        }
        Ok(())
    }

    fn write_out(&mut self) -> std::io::Result<()> {
        // Taken first: after an error (a closed pipe) nothing is written twice.
        let out = std::mem::take(&mut self.out);
        self.inner.write_all(&out)
    }
}

impl<W: std::io::Write> std::io::Write for EscapeControls<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for chunk in buf.split_inclusive(|&b| b == b'\n') {
            self.line.extend_from_slice(chunk);
            if chunk.ends_with(b"\n") {
                self.write_line()?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.line.is_empty() {
            self.write_line()?;
        }
        self.write_out()?;
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for EscapeControls<W> {
    fn drop(&mut self) {
        // As `BufWriter` does: what was written reaches `inner`; an error here has no one to
        // tell (a caller that cares calls `flush`).
        let _ = std::io::Write::flush(self);
    }
}

/// Load a corpus and report unreadable files on stderr (once each).
pub fn load_reporting(paths: &[PathBuf]) -> Corpus {
    use std::io::IsTerminal;
    // Progress on a terminal only, for imports big enough to wait for.
    let show = std::io::stderr().is_terminal();
    let corpus = load_paths_with_progress(paths, &|done, total, _| {
        if show && total >= 10 {
            eprint!("\rimporting {done}/{total} files…");
            if done == total {
                eprintln!();
            }
        }
    });
    for e in &corpus.errors {
        eprintln!("warning: {}", crate::fsutil::escape_controls(e));
    }
    for w in &corpus.warnings {
        eprintln!(
            "warning: {}",
            crate::fsutil::escape_controls(&w.to_string())
        );
    }
    corpus
}

/// Open a project for a subcommand, telling the user on stderr what is wrong before and after
/// reading its documents: problems of the project file (tags of unknown themes, empty tags);
/// documents outside the project's folder, listed *before* they are read (a project file can
/// name any path); unreadable and changed documents; tags moved or orphaned by re-anchoring.
/// When no document can be read the error names them all.
pub fn load_project(path: &std::path::Path) -> anyhow::Result<(crate::project::Project, Corpus)> {
    use crate::fsutil::escape_controls;
    let mut project = crate::project::Project::load(path)?;
    let name = |p: &std::path::Path| escape_controls(&p.display().to_string()).into_owned();
    for problem in project.problems() {
        eprintln!(
            "warning: {}: {}",
            name(path),
            escape_controls(&problem.to_string())
        );
    }
    let outside = project.documents_outside(path, &[]);
    if !outside.is_empty() {
        eprintln!(
            "warning: {}: {} document(s) outside the project's folder will be read:",
            name(path),
            outside.len()
        );
        for d in &outside {
            eprintln!("  {}", name(d));
        }
    }
    let corpus = load_reporting(&project.document_paths());
    let report = project.reanchor(&corpus);
    for d in &report.changed_documents {
        eprintln!(
            "warning: {}: changed since it was added to the project",
            name(d)
        );
    }
    if !report.moved.is_empty() {
        eprintln!(
            "note: {} tags found again at a new place in their plan",
            report.moved.len()
        );
    }
    if !report.orphaned.is_empty() {
        eprintln!(
            "warning: {} tags no longer found in their documents (kept, flagged orphaned, not exported): {:?}",
            report.orphaned.len(),
            report.orphaned
        );
    }
    if corpus.plans.is_empty() {
        let docs: Vec<String> = project.documents.iter().map(|d| name(&d.path)).collect();
        if docs.is_empty() {
            anyhow::bail!("{}: the project has no documents", name(path));
        }
        let missing = if report.missing_documents.is_empty() {
            "none of them holds a plan".to_string()
        } else {
            format!(
                "missing or unreadable: {}",
                report
                    .missing_documents
                    .iter()
                    .map(|d| name(d))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        anyhow::bail!(
            "{}: no plans loaded from the project's {} document(s) ({}); {missing}",
            name(path),
            docs.len(),
            docs.join(", ")
        );
    }
    Ok((project, corpus))
}

/// `duizhao plans`.
pub fn plans(paths: &[PathBuf], as_json: bool) -> anyhow::Result<String> {
    let corpus = load_reporting(paths);
    if corpus.plans.is_empty() {
        anyhow::bail!("no plans found in {}", describe(paths));
    }
    if as_json {
        let arr: Vec<Value> = corpus.plans.iter().map(plan_json).collect();
        return Ok(serde_json::to_string_pretty(&arr)?);
    }
    let mut out = String::new();
    for p in &corpus.plans {
        out.push_str(&format!(
            "{:<40} {:<10} {:<4} {:>4} sections {:>4} measures  {}\n",
            p.name,
            p.province.as_deref().unwrap_or("-"),
            p.level.as_deref().unwrap_or("-"),
            p.section_count(),
            p.measures().len(),
            p.plan_id
        ));
    }
    out.push_str(&format!("{} plans\n", corpus.plans.len()));
    Ok(out)
}

fn describe(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return crate::corpus::default_seed_dir().display().to_string();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The JSON object of one plan in `duizhao plans --json`.
pub fn plan_json(p: &Plan) -> Value {
    json!({
        "id": p.plan_id,
        "name": p.name,
        "province": p.province,
        "level": p.level,
        "source": p.source,
        "encoding": p.encoding,
        "title": p.meta.title,
        "doc_number": p.meta.doc_number,
        "issuer": p.meta.issuer,
        "date": p.meta.date,
        "period": p.meta.period,
        "place": p.meta.place,
        "notice_title": p.meta.notice_title,
        "attachment": p.meta.attachment,
        "attached_to": p.meta.attached_to,
        "sections": p.section_count(),
        "measures": p.measures().len(),
    })
}

fn section_json(s: &Section) -> Value {
    json!({
        "level": s.level,
        "number": s.number,
        "label": s.label,
        "title": s.title,
        "kind": s.kind.label(),
        "measures": s.measures.len(),
        "span": [s.span.start, s.span.end],
        "children": s.children.iter().map(section_json).collect::<Vec<_>>(),
    })
}

/// `duizhao outline`.
pub fn outline(paths: &[PathBuf], plan: &str, as_json: bool) -> anyhow::Result<String> {
    let corpus = load_reporting(paths);
    let p = corpus.lookup_plan(plan)?;
    if as_json {
        let v = json!({
            "plan": p.name,
            "id": p.plan_id,
            "preamble": {"text": p.preamble.text, "measures": p.preamble.measures.len()},
            "sections": p.sections.iter().map(section_json).collect::<Vec<_>>(),
        });
        return Ok(serde_json::to_string_pretty(&v)?);
    }
    let mut out = format!("{} ({})\n", p.name, p.meta.title.as_deref().unwrap_or("-"));
    if !p.preamble.measures.is_empty() {
        out.push_str(&format!(
            "  [preamble] {} measures\n",
            p.preamble.measures.len()
        ));
    }
    for s in p.all_sections() {
        out.push_str(&format!(
            "{}{} {} [{}] {} measures\n",
            "  ".repeat(s.level),
            s.label,
            s.title,
            s.kind.label(),
            s.measures.len()
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Escaped as the whole text would be, whatever the write boundaries, and all of it
    /// reaches the inner writer on flush and on drop (in blocks, not a write per line).
    #[test]
    fn escape_controls_writer_escapes_and_buffers() {
        let mut text = String::new();
        for k in 0..5000 {
            text.push_str(&format!("行 {k}\tplan\u{1b}[31m#{k}\u{85}\n"));
        }
        text.push_str("no newline at the end \u{7}");
        let expected = crate::fsutil::escape_controls(&text).into_owned();
        assert!(expected.contains("\\u{1b}") && expected.contains("\\u{85}"));
        let mut inner: Vec<u8> = Vec::new();
        {
            let mut w = EscapeControls::new(&mut inner);
            for piece in text.as_bytes().chunks(7) {
                w.write_all(piece).expect("write");
            }
            w.flush().expect("flush");
        }
        assert_eq!(String::from_utf8(inner).expect("UTF-8"), expected);

        /// Counts the writes it receives.
        struct Counting(Vec<u8>, usize);
        impl Write for Counting {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.1 += 1;
                self.0.extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut inner = Counting(Vec::new(), 0);
        {
            let mut w = EscapeControls::new(&mut inner);
            w.write_all(text.as_bytes()).expect("write");
            // Dropped without a flush.
        }
        assert_eq!(String::from_utf8(inner.0).expect("UTF-8"), expected);
        assert!(
            inner.1 < 20,
            "{} writes for {} lines",
            inner.1,
            text.lines().count()
        );
    }
}
