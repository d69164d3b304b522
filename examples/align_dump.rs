//! Print plans' sections with their own bodies, for labelling (`tests/fixtures/alignment/RULES.md`).
//!
//! `cargo run --no-default-features --example align_dump -- [--tsv] PLAN… [-- PATH…]`
//! (default paths: the bundled seeds). Every section at every level, in reading order, with its
//! outline path (`二/一/3`, as `sections.tsv` keys it), level, span and own body; the preamble first
//! as `PREAMBLE`. With `--tsv`: one line per section (plan, path, title, level, parent path, span
//! start, span end), no bodies: the outline rows `tools/build.py` copies into `sections.tsv`.

use std::path::PathBuf;

use duizhao::corpus::{default_seed_dir, load_paths};
use duizhao::outline::Section;

fn walk(s: &Section, parent: &str, out: &mut Vec<(String, String, usize, String)>) {
    let path = if parent.is_empty() {
        s.number.clone()
    } else {
        format!("{parent}/{}", s.number)
    };
    out.push((
        path.clone(),
        parent.to_owned(),
        s.section_id,
        s.title.clone(),
    ));
    for c in &s.children {
        walk(c, &path, out);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let tsv = args.iter().any(|a| a == "--tsv");
    let sep = args.iter().position(|a| a == "--");
    let names: Vec<&String> = args[..sep.unwrap_or(args.len())]
        .iter()
        .filter(|a| !a.starts_with("--"))
        .collect();
    let paths: Vec<PathBuf> = match sep {
        Some(i) => args[i + 1..].iter().map(PathBuf::from).collect(),
        None => vec![default_seed_dir()],
    };
    let corpus = load_paths(&paths);
    for name in names {
        let Some(plan) = corpus
            .plans
            .iter()
            .find(|p| p.name == *name || p.plan_id == *name)
        else {
            eprintln!("no plan {name}");
            std::process::exit(2);
        };
        let mut rows = Vec::new();
        for s in &plan.sections {
            walk(s, "", &mut rows);
        }
        let all = plan.all_sections();
        let first = all.first().map_or(plan.span.end, |s| s.span.start);
        if tsv {
            println!(
                "{}\tPREAMBLE\t（前言/概况）\t0\t\t{}\t{}",
                plan.name, plan.span.start, first
            );
        } else {
            println!("==== {} ({})", plan.name, plan.plan_id);
            println!("## PREAMBLE\n{}\n", plan.preamble.text);
        }
        for (path, parent, sid, title) in rows {
            let Some(s) = all.iter().find(|s| s.section_id == sid) else {
                continue;
            };
            if tsv {
                println!(
                    "{}\t{path}\t{title}\t{}\t{parent}\t{}\t{}",
                    plan.name, s.level, s.span.start, s.span.end
                );
            } else {
                println!(
                    "## {path} {}{title} [L{} {:?} {}m]\n{}\n",
                    s.label,
                    s.level,
                    s.kind,
                    s.measures.len(),
                    s.body.trim()
                );
            }
        }
    }
}
