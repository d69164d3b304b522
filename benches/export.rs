//! `export`: every table (comparison of all 63 seed plans, measures, families, targets) for all
//! seed plans, built from a prebuilt analysis and rendered to XLSX and to HTML in memory (the
//! file write itself is one atomic write of the bytes).
//!
//! Run: `cargo bench --no-default-features --bench export` (about a minute).
//!
//! Measured on a shared 2-core machine (63 plans, 3,202 measures): build the four tables
//! 45.6 ms, render XLSX 133 ms, render HTML 6.7 ms, build + both renders 176 ms.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use duizhao::corpus::load_paths;
use duizhao::export::{self, Source, TableKind};
use duizhao::matching::Analysis;

const KINDS: [TableKind; 4] = [
    TableKind::Comparison,
    TableKind::Measures,
    TableKind::Families,
    TableKind::Targets,
];

fn bench(c: &mut Criterion) {
    let corpus = load_paths(&[Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")]);
    let analysis = Analysis::build(&corpus.plans);
    let all: Vec<usize> = (0..corpus.plans.len()).collect();
    let source = Source {
        corpus: &corpus,
        analysis: &analysis,
        plans: &all,
        coding: None,
    };
    let mut group = c.benchmark_group("export_all_63");
    group.sample_size(10);
    group.bench_function("build_tables", |b| {
        b.iter(|| black_box(export::build_all(&KINDS, &source).map(|t| t.len())))
    });
    let tables = export::build_all(&KINDS, &source).unwrap_or_default();
    group.bench_function("render_xlsx", |b| {
        b.iter(|| {
            black_box(export::xlsx::render(&tables, Path::new("bench.xlsx")).map(|v| v.len()))
        })
    });
    group.bench_function("render_html", |b| {
        b.iter(|| black_box(export::html::render(&tables).len()))
    });
    group.bench_function("build_and_render_xlsx_and_html", |b| {
        b.iter(|| {
            let tables = export::build_all(&KINDS, &source).unwrap_or_default();
            let x = export::xlsx::render(&tables, Path::new("bench.xlsx")).map(|v| v.len());
            black_box((x, export::html::render(&tables).len()))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
