//! DOCX and HTML import on real fixtures (made with LibreOffice, Python's zipfile, iconv: see
//! tests/fixtures/formats/MAKE.md): the plans parsed from each equal those of the plain-text
//! seed, page furniture stays out, and malformed files give clear errors, never a panic.

#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::io::Write;
use std::path::{Path, PathBuf};

use duizhao::corpus::load_file;
use duizhao::formats::{docx, html};
use duizhao::import::ImportError;
use duizhao::plan::Plan;
use proptest::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/formats").join(name)
}

fn seed(prefix: &str) -> PathBuf {
    let dir = root().join("seeds");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    found.sort();
    found.remove(0)
}

/// name, (level, title) of every level-1/2 section, section count, measure norms.
type Shape = (String, Vec<(usize, String)>, usize, Vec<String>);

fn shape(plans: &[Plan]) -> Vec<Shape> {
    fn walk(
        s: &duizhao::outline::Section,
        titles: &mut Vec<(usize, String)>,
        n: &mut usize,
        m: &mut Vec<String>,
    ) {
        *n += 1;
        if s.level <= 2 {
            titles.push((s.level, s.title.clone()));
        }
        m.extend(s.measures.iter().map(|x| x.norm.clone()));
        for c in &s.children {
            walk(c, titles, n, m);
        }
    }
    plans
        .iter()
        .map(|p| {
            let mut titles = Vec::new();
            let mut n = 0;
            let mut m: Vec<String> = p.preamble.measures.iter().map(|x| x.norm.clone()).collect();
            for s in &p.sections {
                walk(s, &mut titles, &mut n, &mut m);
            }
            (p.name.clone(), titles, n, m)
        })
        .collect()
}

fn assert_same_plans(fixture_name: &str, seed_prefix: &str) -> Vec<Plan> {
    let got = load_file(&fixture(fixture_name)).unwrap();
    let want = load_file(&seed(seed_prefix)).unwrap();
    let (g, w) = (shape(&got), shape(&want));
    assert_eq!(g.len(), w.len(), "{fixture_name}: plan count");
    for (g, w) in g.iter().zip(&w) {
        assert_eq!(g.0, w.0, "{fixture_name}: plan name");
        assert_eq!(g.1, w.1, "{fixture_name}: level 1/2 section titles");
        assert_eq!(g.2, w.2, "{fixture_name}: section count");
        assert_eq!(g.3, w.3, "{fixture_name}: measure texts");
    }
    assert!(!w[0].1.is_empty() && !w[0].3.is_empty());
    got
}

#[test]
fn libreoffice_docx_from_plain_text_matches_seed() {
    assert_same_plans("xixian_plain.docx", "01_");
}

#[test]
fn libreoffice_outline_numbering_docx_matches_seed() {
    // Heading numbers come only from numbering.xml (taiwaneseCountingThousand, `%1、`/`（%2）`)
    // linked through the Heading 1/2 paragraph styles in styles.xml.
    let text = docx::read(&fixture("xixian_outline_lo.docx")).unwrap().text;
    assert!(text.contains("\n一、指导思想\n"), "{text}");
    assert!(text.contains("\n（八）创新完善城乡融合发展体制机制\n"));
    assert_same_plans("xixian_outline_lo.docx", "01_");
}

#[test]
fn hand_built_list_numbering_docx_matches_seed() {
    // numId 1: chineseCounting `%1、`; a new numId per group: chineseCountingThousand `（%1）`.
    let text = docx::read(&fixture("xixian_numbered_by_hand.docx"))
        .unwrap()
        .text;
    assert!(text.contains("\n五、工作保障\n"), "{text}");
    assert!(text.contains("\n（一）加强组织领导。"));
    assert_same_plans("xixian_numbered_by_hand.docx", "01_");
}

fn all_text(p: &Plan) -> Vec<String> {
    fn walk(s: &duizhao::outline::Section, out: &mut Vec<String>) {
        out.push(s.title.clone());
        out.push(s.body.clone());
        for c in &s.children {
            walk(c, out);
        }
    }
    let mut out = vec![p.preamble.text.clone()];
    for s in &p.sections {
        walk(s, &mut out);
    }
    out
}

const FURNITURE: &[&str] = &[
    "首页",
    "政务公开",
    "当前位置",
    "分享到",
    "微信",
    "版权所有",
    "ICP备",
    "网站访问统计",
    "_hmt",
    "相关文件",
    "打印本页",
    "关闭窗口",
    "四川省人民政府网站",
];

#[test]
fn gbk_page_matches_seed_without_furniture() {
    let file = html::read(&fixture("sichuan_gbk.html")).unwrap();
    assert_eq!(file.encoding, "GBK");
    let plans = assert_same_plans("sichuan_gbk.html", "03_");
    for p in &plans {
        for t in all_text(p) {
            for f in FURNITURE {
                assert!(!t.contains(f), "{f:?} leaked into {t:?}");
            }
        }
    }
}

#[test]
fn utf8_http_equiv_table_page_matches_seed_without_furniture() {
    let file = html::read(&fixture("jinan_utf8.html")).unwrap();
    assert_eq!(file.encoding, "UTF-8");
    let plans = assert_same_plans("jinan_utf8.html", "05_");
    for p in &plans {
        for t in all_text(p) {
            for f in [
                "首页",
                "当前位置",
                "分享到",
                "版权所有",
                "ICP备",
                "网站访问统计",
            ] {
                assert!(!t.contains(f), "{f:?} leaked into {t:?}");
            }
        }
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn names_file(e: &ImportError, p: &Path) -> String {
    let msg = e.to_string();
    assert!(msg.contains(&p.display().to_string()), "{msg}");
    msg
}

#[test]
fn malformed_docx_files_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(fixture("xixian_plain.docx")).unwrap();

    let p = write(dir.path(), "truncated.docx", &good[..good.len() / 2]);
    let e = docx::read(&p).unwrap_err();
    assert!(matches!(e, ImportError::NotText { .. }));
    assert!(names_file(&e, &p).contains("not a valid DOCX (zip) file"));

    let p = write(
        dir.path(),
        "text.docx",
        "一、总体要求\n加快发展。\n".as_bytes(),
    );
    let e = docx::read(&p).unwrap_err();
    assert!(names_file(&e, &p).contains("not a valid DOCX (zip) file"));

    let p = write(dir.path(), "zero.docx", b"");
    assert!(matches!(
        docx::read(&p).unwrap_err(),
        ImportError::Empty { .. }
    ));

    // A real, valid DOCX with no text in it.
    let empty = {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("word/document.xml", opts).unwrap();
        z.write_all(
            br#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p/><w:p><w:r><w:t> </w:t></w:r></w:p></w:body></w:document>"#,
        )
        .unwrap();
        z.finish().unwrap();
        buf.into_inner()
    };
    let p = write(dir.path(), "blank.docx", &empty);
    let e = docx::read(&p).unwrap_err();
    assert!(matches!(e, ImportError::Empty { .. }), "{e}");
    names_file(&e, &p);

    // A zip without word/document.xml.
    let other = {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("hello.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b"hi").unwrap();
        z.finish().unwrap();
        buf.into_inner()
    };
    let p = write(dir.path(), "other.docx", &other);
    let e = docx::read(&p).unwrap_err();
    assert!(names_file(&e, &p).contains("word/document.xml"));
}

#[test]
fn zip_bomb_docx_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bomb.docx");
    {
        let f = std::fs::File::create(&p).unwrap();
        let mut z = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        z.start_file("word/document.xml", opts).unwrap();
        z.write_all(b"<w:document><w:body><w:p><w:r><w:t>").unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..300 {
            z.write_all(&chunk).unwrap();
        }
        z.write_all(b"</w:t></w:r></w:p></w:body></w:document>")
            .unwrap();
        z.finish().unwrap();
    }
    assert!(std::fs::metadata(&p).unwrap().len() < 2 * 1024 * 1024);
    let e = docx::read(&p).unwrap_err();
    let msg = names_file(&e, &p);
    assert!(
        msg.contains("zip bomb") && msg.contains("word/document.xml"),
        "{msg}"
    );

    // The same bomb with its declared size patched to a small number: the bytes actually
    // inflated are counted too.
    let mut bytes = std::fs::read(&p).unwrap();
    patch_declared_sizes(&mut bytes, 1000);
    let p2 = write(dir.path(), "lying_bomb.docx", &bytes);
    match docx::read(&p2) {
        Err(e) => {
            names_file(&e, &p2);
        }
        Ok(f) => assert!(f.text.len() as u64 <= duizhao::formats::MAX_EXPANDED_BYTES),
    }
}

/// Set the uncompressed size in every central directory header (and zip64 extra) to `size`.
fn patch_declared_sizes(bytes: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 46 <= bytes.len() {
        if bytes[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
            bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            i += 46;
        } else {
            i += 1;
        }
    }
}

#[test]
fn malformed_html_files_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "empty.html", b"");
    let e = html::read(&p).unwrap_err();
    assert!(matches!(e, ImportError::Empty { .. }));
    names_file(&e, &p);

    let junk: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let p = write(dir.path(), "junk.html", &junk);
    let e = html::read(&p).unwrap_err();
    assert!(matches!(e, ImportError::NotText { .. }), "{e}");
    names_file(&e, &p);

    let p = write(
        dir.path(),
        "nothing.html",
        b"<html><head><title></title><script>var x=1;</script></head><body><nav>x</nav></body></html>",
    );
    let e = html::read(&p).unwrap_err();
    assert!(matches!(e, ImportError::Empty { .. }), "{e}");
}

fn mutate(base: &[u8], edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut b = base.to_vec();
    for (i, v) in edits {
        if !b.is_empty() {
            let n = b.len();
            b[i % n] = *v;
        }
    }
    let keep = b.len().saturating_sub(cut % (b.len() + 1));
    b.truncate(keep);
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let dir = tempfile::tempdir().unwrap();
        let _ = docx::read(&write(dir.path(), "r.docx", &bytes));
        let _ = html::read(&write(dir.path(), "r.html", &bytes));
    }

    #[test]
    fn mutated_fixtures_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..16),
        cut in any::<usize>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        for name in ["xixian_numbered_by_hand.docx", "xixian_outline_lo.docx"] {
            let base = std::fs::read(fixture(name)).unwrap();
            let _ = docx::read(&write(dir.path(), name, &mutate(&base, &edits, cut)));
        }
        for name in ["sichuan_gbk.html", "jinan_utf8.html"] {
            let base = std::fs::read(fixture(name)).unwrap();
            let _ = html::read(&write(dir.path(), name, &mutate(&base, &edits, cut)));
        }
    }
}
