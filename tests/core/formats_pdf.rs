//! PDF import: fixtures made by LibreOffice from the seeds (see
//! `tests/fixtures/formats/pdf/MAKE.md`) parse into the same plans as the seeds; broken, scanned
//! and mislabelled files give clear errors and never a panic.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

use crate::common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use duizhao::corpus::load_file;
use duizhao::formats::pdf;
use duizhao::import::ImportError;
use duizhao::plan::Plan;
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats/pdf")
        .join(name)
}

const XIXIAN: &str = "01_xixian_new_area_urban_rural_integration_plan.pdf";
const JINAN: &str = "05_jinan_shizhong_district_urban_rural_integration_plan.pdf";
const SCANNED: &str = "scanned_no_text_layer.pdf";

fn titles(plan: &Plan, level: usize) -> Vec<String> {
    plan.all_sections()
        .into_iter()
        .filter(|s| s.level == level)
        .map(|s| s.title_norm.clone())
        .collect()
}

/// The PDF made from a seed gives the seed's plan: name, level-1 and level-2 titles, measures.
fn same_plan_as_seed(pdf_name: &str, seed_prefix: &str) {
    let from_pdf = load_file(&fixture(pdf_name)).unwrap();
    let from_txt = load_file(&common::seed(seed_prefix)).unwrap();
    assert_eq!(from_pdf.len(), 1, "{pdf_name}: one plan");
    assert_eq!(from_txt.len(), 1);
    let (p, t) = (&from_pdf[0], &from_txt[0]);
    assert_eq!(p.name, t.name);
    assert_eq!(p.meta.title, t.meta.title);
    let t1 = titles(t, 1);
    assert!(t1.len() >= 3, "seed has level-1 sections");
    assert_eq!(titles(p, 1), t1, "{pdf_name}: level-1 titles");
    assert_eq!(titles(p, 2), titles(t, 2), "{pdf_name}: level-2 titles");
    let seed_measures: Vec<String> = t.measures().iter().map(|m| m.norm.clone()).collect();
    let pdf_measures: HashSet<String> = p.measures().iter().map(|m| m.norm.clone()).collect();
    let found = seed_measures
        .iter()
        .filter(|m| pdf_measures.contains(*m))
        .count();
    assert!(seed_measures.len() >= 20);
    assert!(
        found * 10 >= seed_measures.len() * 9,
        "{pdf_name}: only {found} of {} seed measures found exactly",
        seed_measures.len()
    );
    let n = p.measures().len() as f64;
    let m = seed_measures.len() as f64;
    assert!((n - m).abs() <= m * 0.1, "{pdf_name}: {n} measures vs {m}");
}

#[test]
fn xixian_pdf_parses_like_its_seed() {
    same_plan_as_seed(XIXIAN, "01_");
}

#[test]
fn jinan_pdf_parses_like_its_seed() {
    same_plan_as_seed(JINAN, "05_");
}

#[test]
fn pdf_text_has_cjk_lines_and_page_breaks() {
    let file = pdf::read(&fixture(JINAN)).unwrap();
    assert_eq!(file.encoding, "PDF");
    let lines: Vec<&str> = file.text.lines().collect();
    assert!(
        lines.contains(&"市中政字〔2021〕45号"),
        "{:?}",
        &lines[..10]
    );
    assert!(lines.contains(&"一、试验基础"));
    assert!(file.text.contains("\n\n"), "blank line between pages");
    assert!(!file.text.contains('\u{FFFD}'));
}

fn err_of(path: &Path) -> String {
    match pdf::read(path) {
        Ok(f) => panic!("{}: read {} bytes of text", path.display(), f.text.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn scanned_pdf_says_it_has_no_text_layer() {
    let path = fixture(SCANNED);
    let msg = err_of(&path);
    assert!(msg.contains("no text layer"), "{msg}");
    assert!(msg.contains("OCR"), "{msg}");
    assert!(msg.contains(SCANNED), "{msg}");
    assert!(load_file(&path).is_err());
}

#[test]
fn broken_files_named_pdf_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(fixture(JINAN)).unwrap();
    let mut random = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..4096 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        random.push((x >> 16) as u8);
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.pdf", Vec::new(), "empty"),
        (
            "text.pdf",
            "一、总体要求\n".as_bytes().to_vec(),
            "not a PDF",
        ),
        ("random.pdf", random, "not a PDF"),
        ("truncated.pdf", good[..good.len() / 3].to_vec(), ""),
        ("header_only.pdf", b"%PDF-1.7\n".to_vec(), ""),
    ];
    for (name, bytes, expect) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let result = pdf::read(&path);
        if name == "truncated.pdf" {
            // lopdf may recover the pages it still has; either way no panic and a named error.
            if let Err(e) = result {
                assert!(e.to_string().contains(name), "{e}");
            }
            continue;
        }
        let msg = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains(name), "{name}: {msg}");
        assert!(msg.contains(expect), "{name}: {msg}");
    }
    let missing = dir.path().join("missing.pdf");
    assert!(matches!(pdf::read(&missing), Err(ImportError::Io { .. })));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Flipped bytes and truncations never make the reader panic.
    #[test]
    fn mutated_pdfs_never_panic(
        flips in proptest::collection::vec((0usize..usize::MAX, any::<u8>()), 0..24),
        cut in 0usize..usize::MAX,
        truncate in any::<bool>(),
    ) {
        let mut bytes = std::fs::read(fixture(JINAN)).unwrap();
        for (at, v) in flips {
            let i = at % bytes.len();
            bytes[i] ^= v;
        }
        if truncate {
            bytes.truncate(cut % bytes.len());
        }
        let r = pdf::read_bytes(Path::new("mutated.pdf"), &bytes);
        if let Err(e) = r {
            prop_assert!(e.to_string().contains("mutated.pdf"));
        }
    }
}

#[test]
fn compilation_excerpt_pdf_gives_the_seeds_first_pilots() {
    let from_pdf = load_file(&fixture("04_compilation_excerpt.pdf")).unwrap();
    let from_txt = load_file(&common::seed("04_")).unwrap();
    let got: Vec<&str> = from_pdf.iter().map(|p| p.name.as_str()).collect();
    let want: Vec<&str> = from_txt.iter().map(|p| p.name.as_str()).collect();
    assert!(got.len() >= 8, "{got:?}");
    // The excerpt ends inside a pilot, so the last one may be cut short; the rest match.
    assert_eq!(got[..got.len() - 1], want[..got.len() - 1]);
    // A page read as two columns whose lines run across the gutter keeps them whole: a heading
    // wrapped over two lines is one heading, as in the seed's text.
    let titles = |p: &duizhao::plan::Plan| -> Vec<String> {
        p.all_sections().iter().map(|s| s.title.clone()).collect()
    };
    let long = "以棚户区改造和大项目建设为重点，推进农民就地城镇化，同步完善农业转移人口市民化成本分担机制";
    assert!(titles(&from_txt[0]).iter().any(|t| t == long));
    assert!(
        titles(&from_pdf[0]).iter().any(|t| t == long),
        "{:?}",
        titles(&from_pdf[0])
    );
}

/// A minimal PDF whose only font is a Type0 / Identity-H CID font with a ToUnicode CMap, the
/// way Chinese government PDFs are usually made; built by hand so the 2-byte path is covered.
fn identity_h_pdf() -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        2 beginbfchar <0001> <4E00> <0002> <3001> endbfchar\n\
        1 beginbfrange <0010> <0012> <603B4F5389816C42> endbfrange\n\
        1 beginbfrange <0020> <0021> [<0041> <0031>] endbfrange\n\
        endcmap CMapName currentdict /CMap defineresource pop end end\n"
        .to_vec();
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap));
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "SimSun",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"), "Supplement" => 0,
        },
        "DW" => 1000,
    });
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "SimSun",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => to_unicode,
    });
    // Line 1 "一、总体要求" in two runs; line 2 "A1" lower down; a page number at the bottom.
    let content = b"BT /F1 16 Tf 72 700 Td <00010002> Tj <0010> Tj ET\n\
        BT /F1 16 Tf 1 0 0 1 72 670 Tm [<0020> -100 <0021>] TJ ET\n\
        BT /F1 10 Tf 290 40 Td <0021> Tj ET\n"
        .to_vec();
    let contents = doc.add_object(Stream::new(dictionary! {}, content));
    let pages_id = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => contents,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn identity_h_cid_font_decodes_through_to_unicode() {
    let file = pdf::read_bytes(Path::new("identity_h.pdf"), &identity_h_pdf()).unwrap();
    // <0010> maps to a four-character destination (a bfrange whose target is one string); the
    // small page number in the bottom margin is page furniture and is dropped.
    assert_eq!(file.text, "一、总体要求\nA1\n");
}
