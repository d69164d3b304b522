//! Alignment quality on the labelled sections: precision / recall / F1 of co-row section pairs
//! per split, and the four-plan and Tianjin figures of issue 12.
//!
//! `cargo run --release --no-default-features --example align_eval -- [LABEL_DIR] [--pairs]`
//! (default `tests/fixtures/alignment`; `--pairs`: one line per labelled pair too). Plans are
//! looked up in the seeds and in `LABEL_DIR/docs/` when it exists.

use std::path::PathBuf;
use std::time::Instant;

use duizhao::align::align;
use duizhao::align_eval::{Labels, evaluate};
use duizhao::comparison::Comparison;
use duizhao::corpus::{default_seed_dir, load_paths};
use duizhao::matching::Analysis;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/alignment"));
    let mut paths = vec![default_seed_dir()];
    if dir.join("docs").is_dir() {
        paths.push(dir.join("docs"));
    }
    let corpus = load_paths(&paths);
    let analysis = Analysis::build(&corpus.plans);
    let index = |name: &str| corpus.plans.iter().position(|p| p.name == name);
    let four: Vec<usize> = ["淄博市", "济南市市中区", "西咸新区", "四川省"]
        .iter()
        .filter_map(|n| index(n))
        .collect();
    if four.len() == 4 {
        let table = Comparison::build(&corpus, &analysis, &four);
        let per = table.partners_in_row(&analysis);
        let (all, inrow) = per.iter().fold((0, 0), |(a, b), (x, y)| (a + x, b + y));
        println!(
            "four-plan view: {} rows, {:.1} % empty cells, partners in own row {}/{} = {:.1} %",
            table.rows.len(),
            100.0 * table.empty_share(),
            inrow,
            all,
            100.0 * inrow as f64 / all.max(1) as f64
        );
        for (c, (a, b)) in table.columns.iter().zip(&per) {
            println!("  {}: {b}/{a}", c.name);
        }
    }
    if let (Some(a), Some(b)) = (index("天津市东丽区"), index("天津市中北镇")) {
        let table = Comparison::build(&corpus, &analysis, &[a, b]);
        let per = table.partners_in_row(&analysis);
        let both = table.rows.iter().filter(|r| r.cells.iter().all(Option::is_some)).count();
        println!(
            "Tianjin pair: {} rows, {} filled on both sides, {:.1} % empty, partners in row {:?}",
            table.rows.len(),
            both,
            100.0 * table.empty_share(),
            per
        );
    }
    // Eight plans: the seeds' first eight distinct plans with sections.
    let eight: Vec<usize> = (0..corpus.plans.len())
        .filter(|&i| corpus.plans[i].sections.len() >= 3)
        .take(8)
        .collect();
    let start = Instant::now();
    let runs = 20;
    for _ in 0..runs {
        std::hint::black_box(align(&corpus.plans, &eight, &analysis, &[]));
    }
    println!(
        "aligning {} plans: {:.2} ms",
        eight.len(),
        start.elapsed().as_secs_f64() * 1000.0 / runs as f64
    );
    match Labels::load(&dir) {
        Ok(labels) => {
            let (splits, pairs) = evaluate(&corpus, &analysis, &labels);
            for (split, s) in &splits {
                println!(
                    "{split}: {} pairs, P={:.3} R={:.3} F1={:.3} (predicted {}, gold {}, correct {}, unmatched sections {})",
                    s.pairs,
                    s.precision(),
                    s.recall(),
                    s.f1(),
                    s.predicted,
                    s.gold,
                    s.correct,
                    s.unmatched
                );
            }
            if args.iter().any(|a| a == "--pairs") {
                for (id, split, s) in &pairs {
                    println!(
                        "  {id} [{split}] P={:.3} R={:.3} F1={:.3} (pred {}, gold {}, unmatched {})",
                        s.precision(),
                        s.recall(),
                        s.f1(),
                        s.predicted,
                        s.gold,
                        s.unmatched
                    );
                }
            }
        }
        Err(e) => println!("no labels: {e}"),
    }
}
