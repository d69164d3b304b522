//! Precision and recall of shared-measure matching on the exhaustively labelled plan pairs.
//!
//! `cargo run --no-default-features --example eval_matching -- [--labels DIR] [--misses N] [PATH…]`
//!
//! DIR defaults to `tests/fixtures/measure_pairs_exhaustive`; the corpus defaults to the seeds
//! plus DIR/docs. Prints counted-as-shared precision/recall and per-tier recall for the tune
//! part, the test part and both, and (with `--misses N`) N missed positives and false positives
//! of the TUNE part for error analysis (the test part is never inspected for tuning).

use std::path::PathBuf;

use duizhao::corpus::load_paths;
use duizhao::match_eval::{corpus_paths, evaluate, format_reports, load_label_set};
use duizhao::matching::Analysis;

fn main() -> Result<(), String> {
    let mut labels =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/measure_pairs_exhaustive");
    let mut misses = 0usize;
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--labels" => labels = PathBuf::from(args.next().ok_or("--labels DIR")?),
            "--misses" => {
                misses = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--misses N")?
            }
            _ => paths.push(PathBuf::from(a)),
        }
    }
    if paths.is_empty() {
        paths = corpus_paths(&labels);
    }
    let set = load_label_set(&labels)?;
    let t = std::time::Instant::now();
    let corpus = load_paths(&paths);
    for e in &corpus.errors {
        eprintln!("warning: {e}");
    }
    let analysis = Analysis::build(&corpus.plans);
    eprintln!(
        "{} plans, {} measures, analysis in {:.2?}",
        corpus.plans.len(),
        analysis.measures.len(),
        t.elapsed()
    );
    let reports: Vec<_> = ["tune", "test", "all"]
        .iter()
        .map(|s| evaluate(&corpus, &analysis, &set, s))
        .collect();
    print!("{}", format_reports(&reports));
    for r in &reports {
        for u in r.unresolved.iter().take(5) {
            eprintln!("unresolved ({}): {u}", r.split);
        }
    }
    if misses > 0 {
        let tune = &reports[0];
        println!("\nmissed positives (tune):");
        for (pair, tier, a, b) in tune.misses.iter().take(misses) {
            println!("  {pair} {tier}\n    A: {a}\n    B: {b}");
        }
        println!("\nfalse positives (tune):");
        for (pair, id, a, b) in tune.false_positives.iter().take(misses) {
            println!("  {pair} {id}\n    A: {a}\n    B: {b}");
        }
    }
    Ok(())
}
