//! `pdf_import`: each PDF fixture read, text-extracted and parsed into plans.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};

fn pdf_fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/pdf");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn pdf_import(c: &mut Criterion) {
    for f in pdf_fixtures() {
        let name = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        c.bench_function(&format!("pdf_import/{name}"), |b| {
            b.iter(|| {
                let measures: usize = duizhao::corpus::load_file(&f)
                    .map(|plans| plans.iter().map(|p| p.measures().len()).sum())
                    .unwrap_or_default();
                std::hint::black_box(measures)
            })
        });
    }
}

criterion_group!(benches, pdf_import);
criterion_main!(benches);
