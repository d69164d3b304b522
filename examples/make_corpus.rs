//! Write the synthetic corpus of the `engine_scale` benchmark as text files, one plan a file, to
//! measure whole `duizhao` processes on thousands of plans:
//!
//! ```sh
//! cargo run --release --no-default-features --example make_corpus -- 2000 /tmp/corpus2000
//! /usr/bin/time -v target/release/duizhao measures /tmp/corpus2000 --json > /dev/null
//! ```
//!
//! Plan k is seed plan `k % 63` (title and preamble) with each top-level section swapped, with
//! probability ½, for a top-level section of another seed plan, chosen by the same LCG as the
//! benchmark. Files are `plan_00000.txt` … in DIR (created; existing plan files are overwritten).

use std::path::PathBuf;

#[path = "../benches/common/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: make_corpus N DIR";
    let n: usize = args
        .next()
        .ok_or_else(|| anyhow::anyhow!(usage))?
        .parse()
        .map_err(|e| anyhow::anyhow!("N: {e}\n{usage}"))?;
    let dir = PathBuf::from(args.next().ok_or_else(|| anyhow::anyhow!(usage))?);
    let seeds_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let corpus = duizhao::corpus::load_paths(&[seeds_dir]);
    if !corpus.errors.is_empty() {
        anyhow::bail!("seed errors: {:?}", corpus.errors);
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", dir.display()))?;
    let mut bytes = 0;
    for (k, recipe) in synthetic::recipes(&corpus.plans, n).iter().enumerate() {
        let text = synthetic::plan_text(&corpus.plans, recipe);
        bytes += text.len();
        let path = dir.join(format!("plan_{k:05}.txt"));
        std::fs::write(&path, text)
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
    }
    eprintln!(
        "{n} plans, {:.1} MiB of text in {}",
        bytes as f64 / (1 << 20) as f64,
        dir.display()
    );
    Ok(())
}
