//! Reliability on hostile or damaged input, every input generated here: decoding that says what
//! it did (no silent mojibake), folder walks that survive symbolic-link loops, exports that can
//! neither destroy what is at the target nor inject formulas, theme trees that are validated,
//! projects whose problems are reported instead of blocking, and messages that print each OS
//! error once with control characters escaped. Each test also checks that the other files of a
//! folder still load.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

use crate::common;
use common::duizhao;

use std::path::{Path, PathBuf};

use duizhao::corpus::load_paths;
use duizhao::export::{self, Cell, Format, Table};
use duizhao::fsutil::{WriteError, atomic_write, atomic_write_with};
use duizhao::import::{WarningKind, decode_bytes_checked};
use duizhao::project::{Project, ProjectError, ProjectProblem, Tag};
use duizhao::themes::{Codebook, CodebookError, CodebookProblem, MAX_THEME_DEPTH, Theme};

/// A folder holding a copy of seed 05 (a good file, to check it still loads) and the files given.
fn folder_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(common::seed("05_"), dir.path().join("good.txt")).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

fn plan_names(paths: &[PathBuf]) -> Vec<String> {
    load_paths(paths)
        .plans
        .into_iter()
        .map(|p| p.name)
        .collect()
}

/// Seed 02 (淄博, Traditional with pinyin notes) as UTF-8 bytes, and the names it gives clean.
fn zibo() -> (Vec<u8>, Vec<String>) {
    let bytes = std::fs::read(common::seed("02_")).unwrap();
    let names = plan_names(&[common::seed("02_")]);
    assert!(!names.is_empty());
    (bytes, names)
}

/// Position of the byte offset of the `n`-th line start, to insert damage between characters.
fn line_start(bytes: &[u8], n: usize) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(n)
        .unwrap()
        .0
        + 1
}

// ---------------------------------------------------------------------------------------------
// 1. Decoding that says what it did

#[test]
fn a_stray_byte_in_utf8_keeps_the_file_utf8_and_warns_with_the_position() {
    let (clean, names) = zibo();
    let at = line_start(&clean, 20);
    let mut damaged = clean.clone();
    damaged.insert(at, 0xFF);
    // A truncated character at the very end, too.
    damaged.extend_from_slice(&"推进".as_bytes()[..4]);
    let dir = folder_with(&[("zibo.txt", &damaged)]);
    let corpus = load_paths(&[dir.path().to_path_buf()]);
    assert!(corpus.errors.is_empty(), "{:?}", corpus.errors);
    let got: Vec<&str> = corpus
        .plans
        .iter()
        .filter(|p| p.source.contains("zibo"))
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(got, names, "the plan must keep its real name, not mojibake");
    assert!(corpus.plans.iter().all(|p| p.encoding == "UTF-8"));
    // The good file of the folder loaded too.
    assert!(corpus.plans.iter().any(|p| p.source.contains("good")));
    let w: Vec<_> = corpus.warnings.iter().collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].path.ends_with("zibo.txt"));
    match &w[0].kind {
        WarningKind::InvalidUtf8 {
            sequences,
            first_byte,
            ..
        } => {
            assert_eq!(*sequences, 2);
            assert_eq!(*first_byte, at);
        }
        other => panic!("unexpected warning {other:?}"),
    }
    let text = w[0].to_string();
    assert!(
        text.contains("zibo.txt") && text.contains(&format!("byte {at}")),
        "{text}"
    );
}

#[test]
fn a_pasted_gbk_paragraph_does_not_turn_a_utf8_file_into_gb18030() {
    let (clean, names) = zibo();
    let (gbk, _, _) = encoding_rs::GBK.encode("这一段是从旧网页粘贴进来的国标码文字。\n");
    let at = line_start(&clean, 30);
    let mut mixed = clean[..at].to_vec();
    mixed.extend_from_slice(&gbk);
    mixed.extend_from_slice(&clean[at..]);
    let (file, warnings) = decode_bytes_checked(Path::new("mixed.txt"), &mixed).unwrap();
    assert_eq!(file.encoding, "UTF-8");
    assert!(
        file.text.contains("淄博"),
        "the UTF-8 text must stay readable"
    );
    assert!(
        matches!(warnings.as_slice(), [w] if matches!(w.kind, WarningKind::InvalidUtf8 { first_byte, .. } if first_byte == at)),
        "{warnings:?}"
    );
    let dir = folder_with(&[("mixed.txt", &mixed)]);
    let got: Vec<String> = load_paths(&[dir.path().join("mixed.txt")])
        .plans
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(got, names);
}

#[test]
fn a_real_gbk_file_still_reads_as_gb18030_without_a_warning() {
    let text = std::fs::read_to_string(common::seed("05_")).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let (file, warnings) = decode_bytes_checked(Path::new("gbk.txt"), &gbk).unwrap();
    assert_eq!(file.encoding, "gb18030");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(file.text, text.replace("\r\n", "\n"));
}

#[test]
fn an_implausible_legacy_guess_is_warned_about() {
    // Japanese in Shift_JIS: not UTF-8, and read as a Chinese encoding it is mostly rare
    // characters.
    let jp = "日本の地方自治体が公表した計画書のテキストです。住民の皆様へのお知らせ。".repeat(20);
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&jp);
    let (file, warnings) = decode_bytes_checked(Path::new("jp.txt"), &sjis).unwrap();
    assert_ne!(file.encoding, "UTF-8");
    assert!(
        warnings
            .iter()
            .any(|w| matches!(w.kind, WarningKind::DoubtfulEncoding { common_percent, .. } if common_percent < 60)),
        "{warnings:?}"
    );
}

#[test]
fn a_web_page_declaring_the_wrong_charset_is_read_right_with_a_warning() {
    let body = "<p>济南市市中区国家城乡融合发展试验区实施方案</p><p>一、总体要求</p><p>（一）指导思想。坚持以人民为中心，推进城乡融合发展。</p>";
    let utf8_page = format!(
        "<html><head><meta charset=\"gb2312\"><title>实施方案</title></head><body>{body}</body></html>"
    );
    let gbk_page_text = format!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"><title>实施方案</title></head><body>{body}</body></html>"
    );
    let (gbk_page, _, _) = encoding_rs::GBK.encode(&gbk_page_text);
    let dir = folder_with(&[
        ("utf8_says_gb2312.html", utf8_page.as_bytes()),
        ("gbk_says_utf8.html", &gbk_page),
    ]);
    let corpus = load_paths(&[dir.path().to_path_buf()]);
    assert!(corpus.errors.is_empty(), "{:?}", corpus.errors);
    for name in ["utf8_says_gb2312.html", "gbk_says_utf8.html"] {
        let plans: Vec<_> = corpus
            .plans
            .iter()
            .filter(|p| p.source.contains(name.trim_end_matches(".html")))
            .collect();
        assert!(!plans.is_empty(), "{name} gave no plan");
        let text = plans[0].original_text();
        assert!(text.contains("城乡融合发展"), "{name}: {text}");
        let w = corpus
            .warnings
            .iter()
            .find(|w| w.path.ends_with(name))
            .unwrap_or_else(|| panic!("no warning for {name}: {:?}", corpus.warnings));
        assert!(
            matches!(w.kind, WarningKind::CharsetOverridden { .. }),
            "{w:?}"
        );
    }
    assert!(corpus.plans.iter().any(|p| p.source.contains("good")));
}

#[test]
fn the_cli_prints_decoding_warnings_on_stderr_and_succeeds() {
    let (clean, _) = zibo();
    let mut damaged = clean.clone();
    damaged.insert(line_start(&clean, 5), 0xFE);
    let dir = folder_with(&[("zibo.txt", &damaged)]);
    let (ok, out, err) = duizhao(&["plans", dir.path().to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("淄博"), "{out}");
    assert!(
        err.contains("warning:") && err.contains("zibo.txt") && err.contains("invalid UTF-8"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Symbolic links

#[cfg(unix)]
#[test]
fn folder_links_to_themselves_or_each_other_load_every_file_once() {
    use std::os::unix::fs::symlink;
    let dir = folder_with(&[]);
    let root = dir.path();
    symlink(root, root.join("self")).unwrap();
    std::fs::create_dir(root.join("x")).unwrap();
    std::fs::create_dir(root.join("y")).unwrap();
    std::fs::copy(common::seed("02_"), root.join("x/zibo.txt")).unwrap();
    symlink(root.join("y"), root.join("x/to_y")).unwrap();
    symlink(root.join("x"), root.join("y/to_x")).unwrap();
    // A link to a file already listed.
    symlink(root.join("good.txt"), root.join("also_good.txt")).unwrap();
    let once = plan_names(&[common::seed("05_"), common::seed("02_")]);
    let corpus = load_paths(&[root.to_path_buf()]);
    assert!(corpus.errors.is_empty(), "{:?}", corpus.errors);
    let mut got: Vec<String> = corpus.plans.into_iter().map(|p| p.name).collect();
    let mut want = once;
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // The linked loop, given directly, also ends.
    let (files, errors) = duizhao::corpus::expand_paths(&[root.join("x"), root.join("y")]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(files.len(), 1, "{files:?}");
}

// ---------------------------------------------------------------------------------------------
// 4. Exports that cannot destroy what is at the target

fn one_table() -> Table {
    Table {
        name: "t".into(),
        title: "t".into(),
        columns: vec!["措施".into(), "-列".into(), "数".into()],
        rows: vec![
            vec![
                Cell::text("=HYPERLINK(\"http://x\",\"y\")推进。"),
                Cell::text("+1"),
                Cell::number(-3.0),
            ],
            vec![
                Cell::text("-2+3"),
                Cell::text("@SUM(A1)"),
                Cell::number(2.5),
            ],
            vec![
                Cell::text("\t=1+1"),
                Cell::text("\r=1"),
                Cell::text("推进=改革"),
            ],
        ],
    }
}

#[test]
fn a_directory_target_is_is_a_directory_with_or_without_force() {
    let dir = tempfile::tempdir().unwrap();
    for force in [false, true] {
        let e = atomic_write(dir.path(), b"x", force).unwrap_err();
        assert!(matches!(e, WriteError::IsADirectory { .. }), "{e}");
        assert!(e.to_string().contains("is a directory"), "{e}");
    }
}

#[cfg(unix)]
#[test]
fn devices_pipes_sockets_and_dangling_links_are_never_replaced() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let dev = dir.path().join("null");
    symlink("/dev/null", &dev).unwrap();
    let sock = dir.path().join("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let dangling = dir.path().join("dangling.csv");
    symlink(dir.path().join("nowhere/at/all.csv"), &dangling).unwrap();
    for target in [&dev, &sock, &dangling] {
        for force in [false, true] {
            let e = atomic_write(target, b"x", force).unwrap_err();
            assert!(matches!(e, WriteError::NotAFile { .. }), "{target:?}: {e}");
        }
        assert!(
            std::fs::symlink_metadata(target)
                .unwrap()
                .file_type()
                .is_symlink()
                || target == &sock
        );
    }
    assert!(
        std::fs::metadata("/dev/null")
            .map(|m| !m.is_file())
            .unwrap_or(true)
    );
    // No temporary files are left behind.
    let temps = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    assert_eq!(temps, 0);
}

#[cfg(unix)]
#[test]
fn a_replaced_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("private.csv");
    std::fs::write(&p, "old").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    export::write_tables(&[one_table()], Format::Csv, &p, true).unwrap();
    let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(std::fs::read(&p).unwrap().len() > 10);
}

#[test]
fn concurrent_exports_to_one_new_path_one_wins_and_the_rest_are_told() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("race.csv");
    let results: Vec<Result<(), WriteError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let p = &p;
                s.spawn(move || atomic_write(p, format!("writer {i}").as_bytes(), false))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let wins = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{results:?}");
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| matches!(e, WriteError::Exists { .. }))
    );
    assert!(std::fs::read_to_string(&p).unwrap().starts_with("writer "));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn temp_files_go_on_every_error_and_stale_ones_are_cleaned_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("out.csv");
    // A temp file of a process that no longer exists (pids never reach this high).
    let stale = dir.path().join(".out.csv.4000000000.7.tmp");
    std::fs::write(&stale, vec![b'x'; 1024]).unwrap();
    // A panicking writer.
    let caught = std::panic::catch_unwind(|| {
        let _ = atomic_write_with(&p, false, |f| {
            use std::io::Write;
            f.write_all(b"half")?;
            panic!("writer bug");
        });
    });
    assert!(caught.is_err());
    assert!(!stale.exists(), "stale temp of a dead process not removed");
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // An error after the content was written: no file, no temp.
    let e = atomic_write_with(&p, false, |_| Err(std::io::Error::other("disk full"))).unwrap_err();
    assert!(e.to_string().contains("disk full"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn the_cli_says_is_a_directory_once_and_never_prints_an_os_error_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = duizhao(&[
        "export",
        "--table",
        "targets",
        "--format",
        "csv",
        "-o",
        dir.path().to_str().unwrap(),
        "--force",
    ]);
    assert!(!ok);
    assert!(err.contains("is a directory"), "{err}");
    assert!(!err.contains("use --force"), "{err}");
    assert!(err.matches("os error").count() <= 1, "{err}");
}

// ---------------------------------------------------------------------------------------------
// 5. No formula injection

#[test]
fn csv_text_cells_that_a_spreadsheet_would_run_get_a_leading_quote() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.csv");
    export::write_tables(&[one_table()], Format::Csv, &p, false).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows[0], ["措施", "'-列", "数"]);
    assert_eq!(rows[1][0], "'=HYPERLINK(\"http://x\",\"y\")推进。");
    assert_eq!(rows[1][1], "'+1");
    assert_eq!(rows[1][2], "-3", "numbers stay numbers");
    assert_eq!(rows[2][0], "'-2+3");
    assert_eq!(rows[2][1], "'@SUM(A1)");
    assert_eq!(rows[3][0], "'\t=1+1");
    assert_eq!(rows[3][1], "'\r=1");
    assert_eq!(
        rows[3][2], "推进=改革",
        "only a leading trigger is neutralised"
    );
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '@', '\t', '\r'])
                    && (!cell.starts_with('-') || cell.parse::<f64>().is_ok()),
                "{cell:?}"
            );
        }
    }
}

#[test]
fn xlsx_keeps_formula_like_text_as_text() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.xlsx");
    export::write_tables(&[one_table()], Format::Xlsx, &p, false).unwrap();
    let mut wb: Xlsx<_> = open_workbook(&p).unwrap();
    let range = wb.worksheet_range("t").unwrap();
    let formulas = wb.worksheet_formula("t").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell may be a formula"
    );
    let cells: Vec<&Data> = range.used_cells().map(|(_, _, d)| d).collect();
    assert!(cells.contains(&&Data::String(
        "=HYPERLINK(\"http://x\",\"y\")推进。".into()
    )));
    assert!(cells.contains(&&Data::Float(-3.0)));
}

// ---------------------------------------------------------------------------------------------
// 6. Theme trees

fn chain(n: usize, cyclic: bool) -> Codebook {
    let themes = (0..n)
        .map(|i| Theme {
            theme_id: format!("t{i}"),
            name: format!("主题{i}"),
            color: [(i % 251) as u8, (i / 251 % 251) as u8, (i / 63001) as u8],
            parent: if i == 0 {
                cyclic.then(|| format!("t{}", n - 1))
            } else {
                Some(format!("t{}", i - 1))
            },
            ..Theme::default()
        })
        .collect();
    Codebook {
        name: "chain".into(),
        themes,
    }
}

#[test]
fn deep_and_cyclic_theme_trees_are_refused_on_load_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    for (n, cyclic) in [(100_000, false), (3_000, false), (50, true), (1, true)] {
        let path = dir.path().join(format!("book_{n}_{cyclic}.ron"));
        chain(n, cyclic).save(&path, true).unwrap();
        let e = Codebook::load(&path).unwrap_err();
        let CodebookError::Invalid { problems, .. } = &e else {
            panic!("{e}")
        };
        if cyclic {
            assert!(
                problems
                    .iter()
                    .any(|p| matches!(p, CodebookProblem::Cycle(_))),
                "{e}"
            );
        } else {
            assert!(
                problems
                    .iter()
                    .any(|p| matches!(p, CodebookProblem::TooDeep { depth, .. } if *depth == MAX_THEME_DEPTH + 1)),
                "{e}"
            );
        }
        assert!(
            e.to_string()
                .contains(&*path.file_name().unwrap().to_string_lossy())
        );
    }
    // At the limit it loads.
    let ok = dir.path().join("ok.ron");
    chain(MAX_THEME_DEPTH + 1, false).save(&ok, true).unwrap();
    assert_eq!(
        Codebook::load(&ok).unwrap().themes.len(),
        MAX_THEME_DEPTH + 1
    );
}

#[test]
fn tree_walks_over_a_huge_chain_neither_recurse_nor_go_quadratic() {
    // Built in memory (bypassing validation): the walks must still be iterative and linear.
    let book = chain(100_000, false);
    let order = book.depth_first();
    assert_eq!(order.len(), 100_000);
    assert_eq!(order.last().unwrap().0, 99_999);
    assert_eq!(book.subtree("t0").len(), 100_000);
    assert_eq!(book.structure_problems().len(), 1);
    let cyclic = chain(100_000, true);
    assert_eq!(cyclic.depth_first().len(), 100_000);
    // A REFI-QDA codebook of a 20,000-deep chain stays linear in size.
    let coding = export::Coding {
        themes: book
            .themes
            .iter()
            .take(20_000)
            .map(|t| export::CodingTheme {
                theme_id: t.theme_id.clone(),
                name: t.name.clone(),
                colour: None,
                parent: t.parent.clone(),
                description: None,
            })
            .collect(),
        segments: Vec::new(),
    };
    let xml = export::qdpx::codebook_xml(&coding);
    assert_eq!(xml.matches("<Code ").count(), 20_000);
    assert!(xml.len() < 20_000 * 200, "{} bytes", xml.len());
}

#[test]
fn a_project_with_a_deep_codebook_is_a_clear_error_for_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.duizhao.ron");
    let mut project = Project::new(chain(100_000, false));
    project.add_document(&common::seed("05_")).unwrap();
    project.save(&path).unwrap();
    let e = Project::load(&path).unwrap_err();
    assert!(matches!(e, ProjectError::BadCodebook { .. }), "{e}");
    assert!(e.to_string().contains("deep.duizhao.ron"), "{e}");
    let (ok, _, err) = duizhao(&["code", "--project", path.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("nested") && err.contains("deep.duizhao.ron"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// 8. Projects

/// A project over a copy of seed 05 with one tag of a known and one of an unknown theme.
fn project_with_unknown_theme() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("jinan.txt");
    std::fs::copy(common::seed("05_"), &doc).unwrap();
    let corpus = load_paths(std::slice::from_ref(&doc));
    let plan = &corpus.plans[0];
    let mut project = Project::new(Codebook::load_or_bundled("urban_rural_integration").unwrap());
    project.add_document(&doc).unwrap();
    let m = &plan.measures()[3];
    let known = project.codebook.themes[0].theme_id.clone();
    project.add_tag(Tag::for_measure(plan, m, &known).unwrap());
    project.add_tag(Tag::for_measure(plan, m, "ghost").unwrap());
    let path = dir.path().join("p.duizhao.ron");
    project.save(&path).unwrap();
    (dir, path)
}

#[test]
fn tags_of_unknown_themes_are_reported_counted_and_exported_never_blocking() {
    let (dir, path) = project_with_unknown_theme();
    let project = Project::load(&path).unwrap();
    assert_eq!(
        project.problems(),
        vec![ProjectProblem::UnknownTheme {
            theme_id: "ghost".into(),
            tags: 1
        }]
    );
    let out = dir.path().join("p.qdpx");
    let (ok, _, err) = duizhao(&[
        "export",
        "--format",
        "qdpx",
        "--project",
        path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(err.contains("ghost"), "{err}");
    let f = std::fs::File::open(&out).unwrap();
    let mut zip = zip::ZipArchive::new(f).unwrap();
    let mut qde = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("project.qde").unwrap(), &mut qde).unwrap();
    assert!(
        qde.contains("未知主题 unknown theme: ghost"),
        "unknown code missing"
    );
    assert_eq!(qde.matches("<Coding ").count(), 2, "both tags exported");
    let (ok, table, err) = duizhao(&["code", "--project", path.to_str().unwrap(), "--json"]);
    assert!(ok, "{err}");
    assert!(table.contains("未知主题 unknown theme: ghost"), "{table}");
}

#[test]
fn a_project_saved_with_a_bom_loads() {
    let (_dir, path) = project_with_unknown_theme();
    let text = std::fs::read(&path).unwrap();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&text);
    std::fs::write(&path, &bom).unwrap();
    let p = Project::load(&path).unwrap();
    assert_eq!(p.tags.len(), 2);
}

#[test]
fn empty_tags_are_refused_when_made_and_reported_and_skipped_when_loaded() {
    let (dir, path) = project_with_unknown_theme();
    let mut project = Project::load(&path).unwrap();
    let mut empty = project.tags[0].clone();
    empty.byte_range = 10..10;
    empty.quote.clear();
    assert!(project.try_add_tag(empty.clone()).is_err());
    assert_eq!(project.add_tag(empty.clone()), 0);
    assert_eq!(project.tags.len(), 2);
    // A file that holds one anyway (hand-edited, older version).
    empty.tag_id = 99;
    project.tags.push(empty);
    project.save(&path).unwrap();
    let loaded = Project::load(&path).unwrap();
    assert!(
        loaded
            .problems()
            .contains(&ProjectProblem::EmptyTags(vec![99]))
    );
    let out = dir.path().join("p.qdpx");
    let (ok, _, err) = duizhao(&[
        "export",
        "--format",
        "qdpx",
        "--project",
        path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(err.contains("cover no text"), "{err}");
    let f = std::fs::File::open(&out).unwrap();
    let mut zip = zip::ZipArchive::new(f).unwrap();
    let mut qde = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("project.qde").unwrap(), &mut qde).unwrap();
    assert_eq!(
        qde.matches("<Coding ").count(),
        2,
        "the empty tag is not exported"
    );
}

#[test]
fn missing_and_outside_documents_are_named() {
    let (dir, path) = project_with_unknown_theme();
    let mut project = Project::load(&path).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().join("outside.txt");
    std::fs::copy(common::seed("02_"), &outside).unwrap();
    project.add_document(&outside).unwrap();
    project.save(&path).unwrap();
    assert_eq!(
        project.documents_outside(&path, &[]),
        vec![std::path::absolute(&outside).unwrap()]
    );
    assert!(
        project
            .documents_outside(&path, &[elsewhere.path().to_path_buf()])
            .is_empty()
    );
    let (ok, _, err) = duizhao(&["code", "--project", path.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(
        err.contains("outside the project's folder") && err.contains("outside.txt"),
        "{err}"
    );
    // All documents gone: the error names them instead of "no plans found in seeds".
    std::fs::remove_file(dir.path().join("jinan.txt")).unwrap();
    std::fs::remove_file(&outside).unwrap();
    let out = dir.path().join("x.qdpx");
    let (ok, _, err) = duizhao(&[
        "export",
        "--format",
        "qdpx",
        "--project",
        path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(
        err.contains("jinan.txt") && err.contains("outside.txt") && !err.contains("seeds"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn thousands_of_orphans_are_found_again_or_flagged_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("jinan.txt");
    let text = std::fs::read_to_string(common::seed("05_")).unwrap();
    std::fs::write(&doc, &text).unwrap();
    let corpus = load_paths(std::slice::from_ref(&doc));
    let plan = &corpus.plans[0];
    let mut project = Project::new(Codebook::load_or_bundled("urban_rural_integration").unwrap());
    project.add_document(&doc).unwrap();
    let measures = plan.measures();
    let theme = project.codebook.themes[0].theme_id.clone();
    // 20,000 tags: every measure many times over, at shifted ranges so each must be searched.
    let mut n = 0u64;
    'outer: for round in 0..1000 {
        for m in &measures {
            let mut tag = Tag::for_measure(plan, m, &theme).unwrap();
            n += 1;
            tag.tag_id = n;
            // Pretend the document moved: the recorded range points elsewhere.
            tag.byte_range = (tag.byte_range.start + round % 7)..(tag.byte_range.end + round % 7);
            if round % 5 == 4 {
                tag.quote = format!("已删除的措施{n}");
            }
            project.tags.push(tag);
            if n == 20_000 {
                break 'outer;
            }
        }
    }
    let report = project.reanchor(&corpus);
    let orphans = project.tags.iter().filter(|t| t.orphaned).count();
    assert_eq!(report.orphaned.len(), orphans);
    assert!(orphans > 0 && orphans < 20_000);
    // Every tag not orphaned holds its quote again.
    for t in project.tags.iter().filter(|t| !t.orphaned) {
        assert_eq!(
            plan.original_text().get(t.byte_range.clone()),
            Some(t.quote.as_str())
        );
    }
    assert_eq!(project.tags.len(), 20_000, "no tag dropped");
}

// ---------------------------------------------------------------------------------------------
// 9. Messages

#[cfg(unix)]
#[test]
fn control_characters_in_file_names_are_escaped_in_messages() {
    let seed = std::fs::read(common::seed("05_")).unwrap();
    let dir = folder_with(&[
        ("evil\u{1b}[31mred\u{7}.txt", &b""[..]),
        ("plan\u{1b}]0;title\u{7}.txt", &seed[..]),
    ]);
    let (ok, out, err) = duizhao(&["plans", dir.path().to_str().unwrap()]);
    assert!(ok, "the good file still loads: {err}");
    assert!(out.contains("济南市市中区"), "{out}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(out.contains("plan\\u{1b}]0;title\\u{7}#1"), "{out}");
    assert!(err.contains("\\u{1b}[31mred\\u{7}.txt"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Property tests for decoding (a bounded fuzz run on every `cargo test`).

mod decoding_properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Arbitrary bytes never panic: they decode, or give an error naming the file.
        #[test]
        fn any_bytes_decode_or_give_a_named_error(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
            match decode_bytes_checked(Path::new("fuzz.txt"), &bytes) {
                Ok((file, warnings)) => {
                    prop_assert!(!file.text.contains('\r'));
                    prop_assert!(warnings.iter().all(|w| w.to_string().contains("fuzz.txt")));
                }
                Err(e) => prop_assert!(e.to_string().contains("fuzz.txt")),
            }
        }

        /// Chinese UTF-8 text with one bad byte stays UTF-8: the rest of the text is intact and
        /// the warning gives the bad byte's position.
        #[test]
        fn one_bad_byte_in_utf8_is_replaced_and_located(
            // Ten ideographs first: a text of punctuation alone is refused as not text (rightly),
            // which this property is not about.
            text in "[\u{4e00}-\u{9fa5}]{10}[\u{4e00}-\u{9fa5}，。：\n]{30,290}",
            at in any::<proptest::sample::Index>(),
            bad in 0x80u8..=0xFF,
        ) {
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            let pos = boundaries[at.index(boundaries.len())];
            let mut bytes = text.as_bytes().to_vec();
            bytes.insert(pos, bad);
            let (file, warnings) = decode_bytes_checked(Path::new("p.txt"), &bytes).unwrap();
            prop_assert_eq!(file.encoding, "UTF-8");
            prop_assert_eq!(file.text.replacen('\u{FFFD}', "", 1), text);
            prop_assert_eq!(warnings.len(), 1);
            let located = matches!(
                warnings[0].kind,
                WarningKind::InvalidUtf8 { sequences: 1, first_byte, .. } if first_byte == pos
            );
            prop_assert!(located, "{:?}", warnings);
        }
    }
}

#[test]
fn traditional_text_in_big5_or_gbk_reads_without_a_mojibake_warning() {
    let text = "以習近平新時代中國特色社會主義思想為指導，深入貫徹落實黨中央、國務院關於城鄉融合發展的決策部署和省委、省政府工作要求，堅持城鄉融合發展正確方向，堅持農業農村優先發展。\n".repeat(5);
    for enc in [encoding_rs::BIG5, encoding_rs::GBK] {
        let (bytes, _, unmappable) = enc.encode(&text);
        assert!(!unmappable);
        let (file, warnings) = decode_bytes_checked(Path::new("trad.txt"), &bytes).unwrap();
        eprintln!(
            "{}: read as {} with {warnings:?}",
            enc.name(),
            file.encoding
        );
        assert_eq!(file.text, text, "{}", enc.name());
        assert!(warnings.is_empty(), "{}: {warnings:?}", enc.name());
    }
}
