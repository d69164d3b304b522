//! `import`: all five seeds read, decoded, normalised, split into plans, outlined and split into
//! measures — the whole front half of duizhao, single-threaded, from bytes on disk.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};

fn seed_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn import(c: &mut Criterion) {
    let files = seed_files();
    c.bench_function("import", |b| {
        b.iter(|| {
            let mut measures = 0;
            for f in &files {
                for p in duizhao::corpus::load_file(f).unwrap_or_default() {
                    measures += p.measures().len();
                }
            }
            std::hint::black_box(measures)
        })
    });
    let compilation = files.iter().find(|f| f.to_string_lossy().contains("04_"));
    if let Some(f) = compilation {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        c.bench_function("normalise_compilation_lines", |b| {
            b.iter(|| std::hint::black_box(duizhao::lines::classify_lines(&text).len()))
        });
    }
}

criterion_group!(benches, import);
criterion_main!(benches);
