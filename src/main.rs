//! The duizhao binary: subcommands run the core and print; no subcommand opens the app.

use clap::Parser;
use duizhao::cli::{Cli, Command};

/// mimalloc instead of the system allocator: the analysis makes many small, short-lived
/// allocations (term lists, vectors, links) from two threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Plans { paths, json }) => duizhao::cli::plans(&paths, json).map(Some),
        Some(Command::Outline { paths, plan, json }) => {
            duizhao::cli::outline(&paths, &plan, json).map(Some)
        }
        Some(Command::Compare {
            paths,
            plans,
            format,
            rows,
            codebook,
        }) => duizhao::cli::compare::compare(&paths, &plans, &format, &rows, &codebook).map(Some),
        Some(Command::Measures { paths, plans, json }) => {
            // Streamed: a corpus of thousands of plans prints megabytes of families.
            let stdout = std::io::stdout().lock();
            let mut out = duizhao::cli::EscapeControls::new(stdout);
            match duizhao::cli::compare::measures_to(&paths, &plans, json, &mut out) {
                Err(e)
                    if e.downcast_ref::<std::io::Error>()
                        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
                {
                    Ok(None)
                }
                Err(e)
                    if e.downcast_ref::<serde_json::Error>().is_some_and(|e| {
                        e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe)
                    }) =>
                {
                    Ok(None)
                }
                other => other.map(|()| None),
            }
        }
        Some(Command::Terms {
            paths,
            plans,
            top,
            json,
        }) => duizhao::cli::compare::terms(&paths, &plans, top, json).map(Some),
        Some(Command::Reuse { paths, plan, json }) => {
            duizhao::cli::reuse::reuse(&paths, &plan, json).map(Some)
        }
        Some(Command::Targets { paths, format }) => {
            duizhao::cli::targets::targets(&paths, &format).map(Some)
        }
        Some(Command::Export {
            paths,
            table,
            format,
            plans,
            project,
            output,
            force,
        }) => duizhao::cli::export::export(
            &paths,
            table.as_deref(),
            &format,
            &plans,
            project.as_deref(),
            &output,
            force,
        )
        .map(Some),
        Some(Command::Code {
            paths,
            project,
            codebook,
            json,
        }) => duizhao::cli::code::code(project.as_deref(), codebook.as_deref(), &paths, json)
            .map(Some),
        Some(Command::Merge {
            project,
            from,
            output,
            force,
        }) => duizhao::cli::coders::merge(&project, &from, output.as_deref(), force).map(Some),
        Some(Command::Agreement { projects, json }) => {
            duizhao::cli::coders::agreement(&projects, json).map(Some)
        }
        Some(Command::DebugSaveLoop { project, tags }) => {
            duizhao::cli::code::debug_save_loop(&project, tags).map(Some)
        }
        Some(open @ Command::Open { .. }) => {
            let Some((paths, start)) = duizhao::cli::StartOptions::from_command(open) else {
                return std::process::ExitCode::FAILURE;
            };
            if let Some(missing) = paths.iter().find(|p| !p.exists()) {
                eprintln!(
                    "error: open: {}: no such file or folder (plan names go after --compare)",
                    missing.display()
                );
                return std::process::ExitCode::FAILURE;
            }
            run_gui(paths, start).map(|()| None)
        }
        None => run_gui(Vec::new(), Default::default()).map(|()| None),
    };
    match result {
        Ok(Some(text)) => {
            use std::io::Write;
            // A closed pipe (`duizhao measures | head`) is not an error worth a panic.
            let mut out = std::io::stdout().lock();
            // Control characters (a terminal escape sequence in a file name that became a plan
            // id) are shown escaped, never sent to the terminal raw.
            let text = duizhao::fsutil::escape_controls(text.trim_end());
            match writeln!(out, "{text}") {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("error: cannot write output: {e}");
                    std::process::ExitCode::FAILURE
                }
                _ => std::process::ExitCode::SUCCESS,
            }
        }
        Ok(None) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // Each cause once (an OS error is often both in the message and its source), and
            // control characters in file names escaped.
            let root: &(dyn std::error::Error + 'static) = e.as_ref();
            eprintln!("error: {}", duizhao::fsutil::error_chain(root));
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "gui")]
fn run_gui(
    paths: Vec<std::path::PathBuf>,
    start: duizhao::cli::StartOptions,
) -> anyhow::Result<()> {
    duizhao::ui::run(paths, start)
}

#[cfg(not(feature = "gui"))]
fn run_gui(
    _paths: Vec<std::path::PathBuf>,
    _start: duizhao::cli::StartOptions,
) -> anyhow::Result<()> {
    anyhow::bail!(
        "this build has no GUI (built without the `gui` feature); use a subcommand, see --help"
    )
}
