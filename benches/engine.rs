//! `engine`: the comparison engine on the seeds and on synthetic corpora of 250–2000 plans.
//!
//! - `engine_seeds`: every seed plan (loaded once, outside the timing) → `Analysis::build`, the
//!   units of every plan, and `align_units` for every pair of plans (63 plans → 1953 pairs).
//! - `engine_seeds_analysis_only`: `Analysis::build` alone; `engine_seeds_align_only`: units and
//!   all-pairs alignment on a prebuilt analysis.
//! - `engine_scale/N`: `Analysis::build` on N synthetic plans (N = 250 … 10,000; 5,000 and
//!   10,000 are probed only, never sampled). Plan k is seed plan `k % 63` with
//!   about half of its top-level sections swapped for top-level sections of other seed plans
//!   (chosen by an LCG, so every run builds the same corpus), renumbered (`syn#k`, section ids,
//!   measure ids and indexes) exactly as the importer numbers them. Each size is first probed
//!   in a fresh copy of this binary (`DUIZHAO_ENGINE_PROBE=N`) that builds the corpus and the
//!   analysis once and reports the build time and peak resident set (`VmHWM` of
//!   `/proc/self/status`). Criterion then takes ten samples of the sizes whose ten builds fit in
//!   `DUIZHAO_ENGINE_BUDGET_S` (150 s); a bigger size is reported by its probe's single build.
//!
//! Run: `cargo bench --no-default-features --bench engine` (3–5 minutes on a quiet 2-core
//! machine, most of it the 2000-plan probe). `-- engine_seeds` runs the seed benchmarks only.
//! Figures and notes: `docs/benchmarks.md`.

// A benchmark: a failure to load the seeds or to spawn the probe should stop it loudly.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode};
use duizhao::align::{Unit, align_units, units};
use duizhao::matching::Analysis;
use duizhao::plan::Plan;

/// Synthetic corpus sizes.
const SIZES: &[usize] = &[250, 500, 1000, 2000, 5000, 10_000];
/// Sizes from this one up are only probed (one build in a fresh process), never sampled: ten
/// builds of 5,000 or 10,000 plans do not fit a bench run.
const PROBE_ONLY_FROM: usize = 5000;
/// Environment variable that turns the bench binary into a one-shot memory probe.
const PROBE_VAR: &str = "DUIZHAO_ENGINE_PROBE";

fn seeds() -> &'static [Plan] {
    static SEEDS: OnceLock<Vec<Plan>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let corpus = duizhao::corpus::load_paths(&[dir]);
        assert!(corpus.errors.is_empty(), "seed errors: {:?}", corpus.errors);
        corpus.plans
    })
}

#[path = "common/synthetic.rs"]
#[allow(dead_code)] // `plan_text` is for examples/make_corpus.rs
mod synthetic_corpus;

/// `n` synthetic plans (see `common/synthetic.rs`), checked: measure indexes in order, ids unique.
fn synthetic(seeds: &[Plan], n: usize) -> Vec<Plan> {
    let plans = synthetic_corpus::synthetic(seeds, n);
    let mut ids = std::collections::HashSet::new();
    for p in &plans {
        for (i, m) in p.measures().into_iter().enumerate() {
            assert_eq!(m.index, i, "{}: measure index out of order", p.plan_id);
            assert!(
                ids.insert(m.measure_id.clone()),
                "duplicate {}",
                m.measure_id
            );
        }
    }
    plans
}

fn measure_count(plans: &[Plan]) -> usize {
    plans.iter().map(|p| p.measures().len()).sum()
}

/// Units of every plan, then every pair aligned; returns the total number of rows.
fn align_all_pairs(plans: &[Plan], analysis: &Analysis) -> usize {
    let all: Vec<Vec<Unit>> = plans
        .iter()
        .enumerate()
        .map(|(i, p)| units(p, i, analysis))
        .collect();
    let mut rows = 0;
    for i in 0..all.len() {
        for j in i + 1..all.len() {
            rows += align_units(&[&all[i], &all[j]], &[]).len();
        }
    }
    rows
}

fn engine_seeds(c: &mut Criterion) {
    let plans = seeds();
    let pairs = plans.len() * plans.len().saturating_sub(1) / 2;
    eprintln!(
        "engine_seeds: {} plans, {} measures, {pairs} pairs",
        plans.len(),
        measure_count(plans)
    );
    c.bench_function("engine_seeds", |b| {
        b.iter(|| {
            let analysis = Analysis::build(plans);
            black_box(align_all_pairs(plans, &analysis))
        })
    });
    c.bench_function("engine_seeds_analysis_only", |b| {
        b.iter(|| black_box(Analysis::build(plans).measures.len()))
    });
    let analysis = Analysis::build(plans);
    c.bench_function("engine_seeds_align_only", |b| {
        b.iter(|| black_box(align_all_pairs(plans, &analysis)))
    });
}

/// Peak resident set of this process so far, in KiB.
fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time (user + system) of this process so far, in seconds (clock ticks of 1/100 s).
fn cpu_s() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
            Some(ticks as f64 / 100.0)
        })
        .unwrap_or(0.0)
}

/// Child-process mode: build one size once and print what it cost.
fn probe(n: usize) {
    let plans = synthetic(seeds(), n);
    let all: Vec<&str> = plans
        .iter()
        .flat_map(|p| p.measures().into_iter().map(|m| m.norm.as_str()))
        .collect();
    let distinct = all.iter().collect::<std::collections::HashSet<_>>().len();
    let corpus_kib = vm_hwm_kib();
    let cpu0 = cpu_s();
    let t = Instant::now();
    let analysis = Analysis::build(&plans);
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_s() - cpu0;
    let peak_kib = vm_hwm_kib();
    let links: usize = analysis.link_count() / 2;
    // The overview's counts and order (dense counts, sparse ordering above 400 plans).
    let t = Instant::now();
    let overview = duizhao::overview::Overview::build(&plans, &analysis);
    let overview_s = t.elapsed().as_secs_f64();
    println!(
        "probe plans={n} measures={} distinct_texts={distinct} build_s={secs:.3} cpu_s={cpu:.2} \
         corpus_peak_mib={:.0} peak_mib={:.0} links={links} families={} overview_s={overview_s:.2} \
         overview_peak_mib={:.0}",
        all.len(),
        corpus_kib as f64 / 1024.0,
        peak_kib as f64 / 1024.0,
        analysis.families.len(),
        vm_hwm_kib() as f64 / 1024.0,
    );
    black_box(overview.order.len());
}

/// What a probe child reported.
struct Probe {
    line: String,
    build_s: f64,
}

/// Run the probe for `n` in a fresh copy of this binary.
fn probe_in_child(n: usize) -> Option<Probe> {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .env(PROBE_VAR, n.to_string())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    let Some(line) = report.lines().find(|l| l.starts_with("probe ")) else {
        eprintln!(
            "engine_scale/{n}: probe failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    };
    let build_s = line
        .split_whitespace()
        .find_map(|f| f.strip_prefix("build_s="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::INFINITY);
    Some(Probe {
        line: line.to_string(),
        build_s,
    })
}

/// Criterion options that take a value (so that value is not mistaken for a filter).
const VALUE_OPTIONS: &[&str] = &[
    "--save-baseline",
    "--baseline",
    "--baseline-lenient",
    "--load-baseline",
    "--profile-time",
    "--sample-size",
    "--warm-up-time",
    "--measurement-time",
    "--nresamples",
    "--noise-threshold",
    "--confidence-level",
    "--significance-level",
    "--format",
    "--color",
    "--plotting-backend",
    "--output-format",
];

/// Would a benchmark with this id run, given the command line? Mirrors criterion's filter (a
/// regex, or an exact id with `--exact`) well enough to skip the slow probes when they are not
/// wanted; `--list` and `--test` skip them too.
fn wanted(id: &str) -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list" || a == "--test") {
        return false;
    }
    let exact = args.iter().any(|a| a == "--exact");
    let mut filters = Vec::new();
    let mut skip_next = false;
    for a in &args {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        if a.starts_with('-') {
            skip_next = VALUE_OPTIONS.contains(&a.as_str());
            continue;
        }
        filters.push(a.as_str());
    }
    filters.is_empty()
        || filters.iter().any(|f| {
            if exact {
                *f == id
            } else {
                regex::Regex::new(f).is_ok_and(|r| r.is_match(id))
            }
        })
}

/// Criterion samples a size only if ten builds fit in this many seconds (override with
/// `DUIZHAO_ENGINE_BUDGET_S`); bigger sizes are reported by their probe's single build.
fn sampling_budget_s() -> f64 {
    std::env::var("DUIZHAO_ENGINE_BUDGET_S")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150.0)
}

fn engine_scale(c: &mut Criterion) {
    // Probes first, one fresh process per size: peak memory, and the single-build time that
    // decides whether criterion can afford ten samples.
    let mut sampled = Vec::new();
    for &n in SIZES {
        let id = format!("engine_scale/{n}");
        if !wanted(&id) {
            // `--test`/`--list`/filtered: criterion decides; sample the affordable sizes only.
            if n <= 500 {
                sampled.push(n);
            }
            continue;
        }
        match probe_in_child(n) {
            Some(p) if n >= PROBE_ONLY_FROM => eprintln!("{id}: {} (probe only)", p.line),
            Some(p) if p.build_s * 10.0 <= sampling_budget_s() => {
                eprintln!("{id}: {}", p.line);
                sampled.push(n);
            }
            Some(p) => eprintln!(
                "{id}: {}\n{id}: one build takes {:.1} s: ten samples exceed the {:.0} s budget, \
                 not sampled by criterion (the probe's single build is the figure)",
                p.line,
                p.build_s,
                sampling_budget_s()
            ),
            None => {}
        }
    }
    let mut group = c.benchmark_group("engine_scale");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5));
    for n in sampled {
        let mut corpus: Option<Vec<Plan>> = None;
        group.bench_function(n.to_string(), |b| {
            // Built on the first call only, so a filtered-out size costs nothing.
            let plans = corpus.get_or_insert_with(|| synthetic(seeds(), n));
            b.iter(|| black_box(Analysis::build(plans).measures.len()))
        });
    }
    group.finish();
}

fn main() {
    if let Some(n) = std::env::var(PROBE_VAR)
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        probe(n);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    engine_seeds(&mut c);
    engine_scale(&mut c);
    c.final_summary();
}
