//! Bad and unusual input: other encodings, line ends, garbage, huge and deeply nested files.
//! Each gives plans or a clear error naming the file, never a panic.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use crate::common;
use common::seed;

use std::io::Write;
use std::path::{Path, PathBuf};

use duizhao::corpus::{load_file, load_paths};
use duizhao::import::{ImportError, decode_bytes};
use proptest::prelude::*;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
    p
}

fn summary(path: &Path) -> Vec<(String, usize, Vec<String>)> {
    load_file(path)
        .unwrap()
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.section_count(),
                p.measures().iter().map(|m| m.norm.clone()).collect(),
            )
        })
        .collect()
}

#[test]
fn gbk_crlf_copy_of_a_seed_parses_like_the_utf8_seed() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(seed("01_"))
        .unwrap()
        .replace('\n', "\r\n");
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let gbk = write(dir.path(), "xixian-gbk.txt", &bytes);
    let plans = load_file(&gbk).unwrap();
    assert_eq!(plans[0].encoding, "gb18030");
    assert_eq!(summary(&gbk), summary(&seed("01_")));
}

#[test]
fn big5_and_utf16_traditional_text_decode() {
    let dir = tempfile::tempdir().unwrap();
    let zibo = load_file(&seed("02_")).unwrap();
    // The display text of Zibo's measures: Traditional, pinyin notes removed.
    let body: String = zibo[0]
        .measures()
        .iter()
        .take(40)
        .map(|m| format!("{}\n", m.text))
        .collect();
    let text = format!("淄博市高水平推進城鄉融合發展行動方案\n一、總體要求\n{body}");
    let (bytes, _, unmappable) = encoding_rs::BIG5.encode(&text);
    assert!(!unmappable, "test text must be Big5-encodable");
    let p = write(dir.path(), "big5.txt", &bytes);
    let plans = load_file(&p).unwrap();
    assert_eq!(plans[0].encoding, "Big5");
    assert_eq!(plans[0].name, "淄博市");
    assert_eq!(plans[0].sections[0].title, "總體要求");

    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in text.encode_utf16() {
        le.extend(u.to_le_bytes());
        be.extend(u.to_be_bytes());
    }
    for (name, bytes, enc) in [("le.txt", le, "UTF-16LE"), ("be.txt", be, "UTF-16BE")] {
        let p = write(dir.path(), name, &bytes);
        let plans = load_file(&p).unwrap();
        assert_eq!(plans[0].encoding, enc);
        assert_eq!(plans[0].sections[0].title, "總體要求");
    }
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(text.replace('\n', "\r").as_bytes());
    let p = write(dir.path(), "bom-cr.txt", &bom);
    let plans = load_file(&p).unwrap();
    assert_eq!(plans[0].sections[0].title, "總體要求");
    assert!(!plans[0].original.contains('\r') && !plans[0].original.starts_with('\u{feff}'));
}

#[test]
fn bad_files_give_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.txt", b"");
    let blank = write(dir.path(), "blank.txt", b" \n\r\n \t ");
    let random: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let binary = write(dir.path(), "random.txt", &random);
    let doc = write(dir.path(), "old.doc", b"\xD0\xCF\x11\xE0");
    let missing = dir.path().join("missing.txt");
    for (path, what) in [
        (&empty, "empty"),
        (&blank, "empty"),
        (&binary, "not a text file"),
        (&doc, "unsupported file type"),
        (&missing, "cannot read"),
    ] {
        let err = load_file(path).unwrap_err().to_string();
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains(what), "{err}");
    }
    // A folder with good and bad files: the good ones load, the bad ones are listed.
    std::fs::copy(seed("01_"), dir.path().join("good.txt")).unwrap();
    let corpus = load_paths(&[dir.path().to_path_buf()]);
    assert_eq!(corpus.plans.len(), 1);
    assert_eq!(corpus.errors.len(), 3, "{:?}", corpus.errors);
}

#[test]
fn truncated_utf8_still_loads() {
    let text = std::fs::read(seed("05_")).unwrap();
    // Cut in the middle of a 3-byte character.
    let cut = &text[..text.len() / 2 + 1];
    let file = decode_bytes(Path::new("cut.txt"), cut).unwrap();
    let plans = duizhao::plan::parse_document(&file);
    assert_eq!(plans.len(), 1);
    assert!(plans[0].section_count() > 5);
}

#[test]
fn text_without_headings_is_one_plan_with_one_section() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "plain.txt",
        "关于推进城乡融合的几点意见\n\n要加快户籍制度改革，放宽落户限制。要完善土地政策，盘活存量用地。\n".as_bytes(),
    );
    let plans = load_file(&p).unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].section_count(), 1);
    assert_eq!(plans[0].sections[0].measures.len(), 2);
}

#[test]
fn deeply_nested_numbering_nests() {
    let mut text = String::from("某某县实施方案\n");
    text.push_str("第一章 总则\n第一节 目标\n第一条 本方案适用于全县。\n一、总体要求\n（一）指导思想\n1.坚持规划引领。\n（1）完善规划体系。\n①编制村庄规划，做到应编尽编。\n");
    let file = decode_bytes(Path::new("nested.txt"), text.as_bytes()).unwrap();
    let plans = duizhao::plan::parse_document(&file);
    let sections = plans[0].all_sections();
    let levels: Vec<usize> = sections.iter().map(|s| s.level).collect();
    assert_eq!(levels, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(sections[7].measures.len(), 1);
}

#[test]
fn a_50_mb_file_loads() {
    let dir = tempfile::tempdir().unwrap();
    let one = std::fs::read_to_string(seed("04_")).unwrap();
    let mut big = String::with_capacity(52 << 20);
    while big.len() < 50 << 20 {
        big.push_str(&one);
    }
    let p = write(dir.path(), "big.txt", big.as_bytes());
    let plans = load_file(&p).unwrap();
    // 130 copies of the compilation: however they are split, every sentence is kept.
    assert!(!plans.is_empty());
    let measures: usize = plans.iter().map(|p| p.measures().len()).sum();
    assert!(measures > 100 * 2500, "{measures}");
}

#[test]
fn errors_are_typed() {
    let e = decode_bytes(Path::new("x.txt"), b"").unwrap_err();
    assert!(matches!(e, ImportError::Empty { .. }));
    let e = decode_bytes(Path::new("x.txt"), b"\x00\x01\x02\x03abc").unwrap_err();
    assert!(matches!(e, ImportError::NotText { .. }));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn import_and_outline_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        if let Ok(file) = decode_bytes(Path::new("fuzz.txt"), &bytes) {
            for plan in duizhao::plan::parse_document(&file) {
                for m in plan.measures() {
                    prop_assert!(plan.original.get(m.span.clone()).is_some());
                }
            }
        }
    }

    #[test]
    fn outline_of_shuffled_plan_lines_never_panics(
        picks in proptest::collection::vec(0usize..400, 1..120),
        cut in 0usize..40,
    ) {
        let seed_text = std::fs::read_to_string(seed("05_")).unwrap();
        let lines: Vec<&str> = seed_text.lines().collect();
        let mut text = String::new();
        for i in picks {
            let l = lines[i % lines.len()];
            let keep: String = l.chars().skip(cut % 7).collect();
            text.push_str(&keep);
            text.push('\n');
        }
        if let Ok(file) = decode_bytes(Path::new("mix.txt"), text.as_bytes()) {
            for plan in duizhao::plan::parse_document(&file) {
                for s in plan.all_sections() {
                    prop_assert!(plan.original.get(s.span.clone()).is_some());
                    prop_assert!(s.span.start <= s.heading_span.end);
                }
            }
        }
    }
}

#[test]
fn folder_import_reports_progress_for_every_file_and_lists_failures() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a").join("b");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::copy(seed("01_"), dir.path().join("xixian.txt")).unwrap();
    std::fs::copy(seed("05_"), nested.join("jinan.md")).unwrap();
    std::fs::write(nested.join("broken.pdf"), b"%PDF-1.4 garbage").unwrap();
    std::fs::write(
        dir.path().join("notes.xyz"),
        b"ignored: unsupported extension in a folder",
    )
    .unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let corpus = duizhao::corpus::load_paths_with_progress(
        &[dir.path().to_path_buf()],
        &|done, total, file| {
            seen.lock().unwrap().push((
                done,
                total,
                file.file_name().unwrap().to_string_lossy().into_owned(),
            ));
        },
    );
    let mut seen = seen.into_inner().unwrap();
    seen.sort();
    assert_eq!(seen.iter().map(|s| s.0).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(seen.iter().all(|s| s.1 == 3));
    let names: Vec<&str> = corpus.plans.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(corpus.errors.len(), 1, "{:?}", corpus.errors);
    assert!(corpus.errors[0].contains("broken.pdf"));
}
