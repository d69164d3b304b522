//! Exports read back and compared with what the engine returns, on the real seeds: XLSX with
//! calamine, CSV with the csv crate, Markdown by line, HTML with scraper, QDPX unzipped and
//! validated against the REFI-QDA schema with xmllint.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

use crate::common;
use common::duizhao;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook};
use duizhao::corpus::Corpus;
use duizhao::export::tables::{FAMILY_COLUMNS, MEASURE_COLUMNS, TARGET_COLUMNS};
use duizhao::export::{
    self, Cell, CodedSegment, Coding, CodingTheme, ExportError, Format, Source, Table, TableKind,
};
use duizhao::matching::{Analysis, Status};

const DONGLI: &str = "天津市东丽区";
const ZHONGBEI: &str = "天津市中北镇";

fn engine() -> (&'static Corpus, &'static Analysis) {
    (common::seed_corpus(), common::seed_analysis())
}

fn index_of(name: &str) -> usize {
    let (corpus, _) = engine();
    corpus.plans.iter().position(|p| p.name == name).unwrap()
}

fn pair() -> Vec<usize> {
    vec![index_of(DONGLI), index_of(ZHONGBEI)]
}

fn source<'a>(plans: &'a [usize], coding: Option<&'a Coding>) -> Source<'a> {
    let (corpus, analysis) = engine();
    Source {
        corpus,
        analysis,
        plans,
        coding,
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Shared => "shared",
        Status::Unique => "unique",
        Status::Boilerplate => "boilerplate",
    }
}

/// The engine's measures of `plans`, in the table's order: (plan, id, text, status).
fn engine_measures(plans: &[usize]) -> Vec<(String, String, String, &'static str)> {
    let (corpus, analysis) = engine();
    let mut out = Vec::new();
    for &pi in plans {
        let plan = &corpus.plans[pi];
        for m in plan.measures() {
            let flat = analysis.flat_index(pi, m.index).unwrap();
            out.push((
                plan.name.clone(),
                m.measure_id.clone(),
                m.text.clone(),
                status_word(analysis.status[flat]),
            ));
        }
    }
    out
}

fn data_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => format!("{i}"),
        other => format!("{other}"),
    }
}

fn sheet(wb: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Vec<Vec<Data>> {
    let range = wb.worksheet_range(name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn zip_entry(path: &Path, name: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut f = zip.by_name(name).unwrap();
    let mut out = Vec::new();
    f.read_to_end(&mut out).unwrap();
    out
}

#[test]
fn xlsx_workbook_holds_every_table_with_the_engines_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.xlsx");
    let plans = pair();
    let kinds = [
        TableKind::Comparison,
        TableKind::Measures,
        TableKind::Families,
        TableKind::Targets,
    ];
    export::export(&kinds, Format::Xlsx, &source(&plans, None), &path, false).unwrap();

    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["comparison", "measures", "families", "targets", "legend"]
    );

    // Comparison: the plans are the columns, and the 推广智慧供暖 row shares measures verbatim.
    let cmp = sheet(&mut wb, "comparison");
    let header: Vec<String> = cmp[0].iter().map(data_text).collect();
    assert_eq!(
        header,
        [
            "类别",
            DONGLI,
            ZHONGBEI,
            duizhao::export::tables::COMPARED_PARTNERS_COLUMN
        ]
    );
    let heating = cmp
        .iter()
        .find(|r| data_text(&r[1]).contains("推广智慧供暖"))
        .expect("a row with 推广智慧供暖");
    assert!(data_text(&heating[2]).contains("推广智慧供暖"));
    assert!(data_text(&heating[1]).contains("【共="), "{:?}", heating[1]);
    assert!(data_text(&heating[2]).contains("【共="), "{:?}", heating[2]);

    // Measures: one row per engine measure, same plan, id, text and status.
    let rows = sheet(&mut wb, "measures");
    let header: Vec<String> = rows[0].iter().map(data_text).collect();
    assert_eq!(header, MEASURE_COLUMNS);
    let expected = engine_measures(&plans);
    assert_eq!(rows.len() - 1, expected.len());
    for (row, (plan, id, text, status)) in rows[1..].iter().zip(&expected) {
        assert_eq!(data_text(&row[0]), *plan);
        assert_eq!(data_text(&row[1]), *id);
        assert_eq!(data_text(&row[3]), *text);
        assert_eq!(data_text(&row[4]), *status);
    }

    // Families: those reaching either plan, in the engine's order, with their plan counts.
    let (corpus, analysis) = engine();
    let fams = sheet(&mut wb, "families");
    assert_eq!(
        fams[0].iter().map(data_text).collect::<Vec<_>>(),
        FAMILY_COLUMNS
    );
    let expected: Vec<_> = analysis
        .families
        .iter()
        .filter(|f| f.plans.iter().any(|p| plans.contains(p)))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(fams.len() - 1, expected.len());
    for (row, f) in fams[1..].iter().zip(&expected) {
        assert_eq!(row[0], Data::Float(f.family_id as f64));
        assert_eq!(row[1], Data::Float(f.plans.len() as f64));
        let names: Vec<&str> = f
            .plans
            .iter()
            .map(|&p| corpus.plans[p].name.as_str())
            .collect();
        assert_eq!(data_text(&row[4]), names.join("、"));
    }

    // Targets: values are numbers equal to the extractor's.
    let t = sheet(&mut wb, "targets");
    assert_eq!(
        t[0].iter().map(data_text).collect::<Vec<_>>(),
        TARGET_COLUMNS
    );
    let expected: Vec<_> = plans
        .iter()
        .flat_map(|&p| duizhao::targets::extract_targets(&corpus.plans[p]))
        .collect();
    assert_eq!(t.len() - 1, expected.len());
    for (row, target) in t[1..].iter().zip(&expected) {
        assert_eq!(data_text(&row[1]), target.indicator);
        assert_eq!(row[3], Data::Float(target.value));
        assert_eq!(data_text(&row[4]), target.unit);
    }

    // The legend explains every marker.
    let legend = sheet(&mut wb, "legend");
    let text: String = legend.iter().flatten().map(data_text).collect();
    for marker in ["【共=N】", "【共≈N】", "【独】", "【套】"] {
        assert!(text.contains(marker), "{marker} missing from the legend");
    }

    // calamine does not report panes; the sheet XML does: the header row is frozen.
    let xml = String::from_utf8(zip_entry(&path, "xl/worksheets/sheet2.xml")).unwrap();
    assert!(
        xml.contains("ySplit=\"1\"") && xml.contains("state=\"frozen\""),
        "header row not frozen"
    );
}

#[test]
fn csv_has_a_bom_and_parses_back_to_the_engines_measures() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("measures.csv");
    let plans = vec![index_of("淄博市")];
    export::export(
        &[TableKind::Measures],
        Format::Csv,
        &source(&plans, None),
        &path,
        false,
    )
    .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(r.headers().unwrap(), MEASURE_COLUMNS.as_slice());
    let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let expected = engine_measures(&plans);
    assert_eq!(records.len(), expected.len());
    for (rec, (plan, id, text, status)) in records.iter().zip(&expected) {
        assert_eq!(&rec[0], plan);
        assert_eq!(&rec[1], id);
        assert_eq!(&rec[3], text);
        assert_eq!(&rec[4], *status);
    }
}

#[test]
fn csv_round_trips_text_with_a_comma_a_quote_and_a_line_break() {
    let tricky = "推进“智慧供暖”, 即 \"smart\"\n第二行，含逗号,";
    let table = Table {
        name: "t".into(),
        title: "t".into(),
        columns: vec!["a".into(), "b".into()],
        rows: vec![vec![Cell::text(tricky), Cell::number(2020.0)]],
    };
    let bytes = export::csv::render(&table);
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let rec = r.records().next().unwrap().unwrap();
    assert_eq!(&rec[0], tricky);
    assert_eq!(&rec[1], "2020");
}

#[test]
fn comparison_csv_cells_list_measures_with_status_markers() {
    let plans = pair();
    let table = export::build(TableKind::Comparison, &source(&plans, None)).unwrap();
    let bytes = export::csv::render(&table);
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), table.rows.len());
    let heating = records
        .iter()
        .find(|r| r[1].contains("推广智慧供暖"))
        .unwrap();
    // Heading first, then one line per measure, each with a marker; the last column names the
    // partners within the comparison.
    assert!(heating[3].contains("↔"), "{:?}", &heating[3]);
    let lines: Vec<&str> = heating[1].split('\n').collect();
    assert!(lines[0].contains("推广智慧供暖"));
    assert!(lines.len() > 1);
    assert!(
        lines[1..]
            .iter()
            .all(|l| ["【共=", "【共≈", "【外】", "【独】", "【套】"]
                .iter()
                .any(|m| l.starts_with(m))),
        "{lines:?}"
    );
}

#[test]
fn markdown_has_one_line_per_row_and_escapes_pipes_and_line_breaks() {
    let plans = pair();
    let table = export::build(TableKind::Comparison, &source(&plans, None)).unwrap();
    let md = export::markdown::render(std::slice::from_ref(&table));
    let table_lines = md.lines().filter(|l| l.starts_with('|')).count();
    assert_eq!(table_lines, table.rows.len() + 2); // header + separator
    assert!(md.contains("<br>【共="));

    let tricky = Table {
        name: "t".into(),
        title: "t".into(),
        columns: vec!["a|b".into()],
        rows: vec![vec![Cell::text("x|y\nz")]],
    };
    let md = export::markdown::render(&[tricky]);
    assert!(md.contains("| a\\|b |"), "{md}");
    assert!(md.contains("| x\\|y<br>z |"), "{md}");
}

#[test]
fn html_report_is_self_contained_and_names_every_compared_plan() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    let plans = vec![index_of(DONGLI), index_of(ZHONGBEI), index_of("淄博市")];
    export::export(
        &[TableKind::Comparison, TableKind::Targets],
        Format::Html,
        &source(&plans, None),
        &path,
        false,
    )
    .unwrap();
    let html = std::fs::read_to_string(&path).unwrap();
    let doc = scraper::Html::parse_document(&html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    assert!(doc.select(&sel("meta[charset=utf-8]")).next().is_some());
    let th: Vec<String> = doc
        .select(&sel("#comparison th"))
        .map(|e| e.text().collect())
        .collect();
    for name in [DONGLI, ZHONGBEI, "淄博市"] {
        assert!(th.iter().any(|t| t == name), "{name} not a column: {th:?}");
    }
    assert!(doc.select(&sel("#legend")).next().is_some(), "no legend");
    assert!(
        doc.select(&sel("#comparison .m.shared.verbatim"))
            .next()
            .is_some()
    );
    // No external resources: no src/href attributes, no url() or @import in the CSS.
    assert!(
        doc.select(&sel("[src], [href], link, script"))
            .next()
            .is_none()
    );
    assert!(!html.contains("url(") && !html.contains("@import"));
    assert!(html.contains("@page { size: A4 landscape"));
    let rows = doc.select(&sel("#comparison tbody tr")).count();
    let table = export::build(TableKind::Comparison, &source(&plans, None)).unwrap();
    assert_eq!(rows, table.rows.len());
}

#[test]
fn html_escapes_markup_in_text() {
    let t = Table {
        name: "t".into(),
        title: "<b>标题</b>".into(),
        columns: vec!["a".into()],
        rows: vec![vec![Cell::text("<script>alert(1)</script> & 共")]],
    };
    let html = export::html::render(&[t]);
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; 共"));
}

/// A small codebook over the pair: 供热 > 智慧供暖, and 产业; segments on whole measures of the
/// 推广智慧供暖 sections, one with a memo containing markup, and the first characters of 东丽区.
fn sample_coding() -> Coding {
    let (corpus, _) = engine();
    let mut segments = Vec::new();
    for (k, name) in [DONGLI, ZHONGBEI].into_iter().enumerate() {
        let plan = &corpus.plans[index_of(name)];
        let section = plan
            .all_sections()
            .into_iter()
            .find(|s| s.title.contains("推广智慧供暖"))
            .unwrap();
        // The section has one measure (shared verbatim by the pair): code it whole as 供热, and
        // its first ten characters as 智慧供暖 (overlapping segments).
        let m = &section.measures[0];
        let range = export::qdpx::char_range_of(plan, m.span.clone()).unwrap();
        segments.push(CodedSegment {
            theme_id: "heat".into(),
            plan_id: plan.plan_id.clone(),
            char_range: range.clone(),
            measure_id: None,
            memo: (k == 0).then(|| "东丽 <与> 中北 “同文”".to_owned()),
            coder: Some("王".into()),
        });
        segments.push(CodedSegment {
            theme_id: "smart".into(),
            plan_id: plan.plan_id.clone(),
            char_range: range.start..range.start + 10,
            measure_id: None,
            memo: None,
            coder: Some("李".into()),
        });
    }
    let first = &corpus.plans[index_of(DONGLI)];
    segments.push(CodedSegment {
        theme_id: "industry".into(),
        plan_id: first.plan_id.clone(),
        char_range: 0..4,
        measure_id: None,
        memo: None,
        coder: None,
    });
    Coding {
        themes: vec![
            CodingTheme {
                theme_id: "smart".into(),
                name: "智慧供暖".into(),
                colour: Some("#1b9e77".into()),
                parent: Some("heat".into()),
                description: Some("供热计量、智能调控".into()),
            },
            CodingTheme {
                theme_id: "heat".into(),
                name: "供热".into(),
                colour: Some("#D95F02".into()),
                parent: None,
                description: None,
            },
            CodingTheme {
                theme_id: "industry".into(),
                name: "产业 & 就业".into(),
                colour: None,
                parent: None,
                description: None,
            },
        ],
        segments,
    }
}

fn xsd(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/refi-qda")
        .join(name)
}

/// Validate with xmllint. Without xmllint the validation is skipped with a printed reason (the
/// rest of the test still runs), or fails when `DUIZHAO_REQUIRE_TOOLS=1` (CI).
fn validate(xml: &Path, schema: &str) {
    if !common::require_tool("xmllint", "libxml2-utils") {
        return;
    }
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(xsd(schema))
        .arg(xml)
        .output()
        .expect("xmllint is on PATH but could not be run");
    assert!(
        out.status.success(),
        "{} does not validate against {schema}:\n{}",
        xml.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    let key = format!(" {name}=\"");
    let start = tag.find(&key).unwrap() + key.len();
    let len = tag[start..].find('"').unwrap();
    &tag[start..start + len]
}

#[test]
fn qdpx_validates_and_every_selection_quotes_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("project.qdpx");
    let plans = pair();
    let coding = sample_coding();
    export::export(
        &[],
        Format::Qdpx,
        &source(&plans, Some(&coding)),
        &path,
        false,
    )
    .unwrap();

    let qde = zip_entry(&path, "project.qde");
    let qde_path = dir.path().join("project.qde");
    std::fs::write(&qde_path, &qde).unwrap();
    validate(&qde_path, "Project-mrt2019.xsd");
    let xml = String::from_utf8(qde).unwrap();

    // Codes are nested by parent: 智慧供暖 inside 供热.
    let heat = xml.find("name=\"供热\"").unwrap();
    let smart = xml.find("name=\"智慧供暖\"").unwrap();
    let heat_end = heat + xml[heat..].find("</Code>").unwrap();
    assert!(
        heat < smart && smart < heat_end,
        "智慧供暖 not nested in 供热"
    );
    assert!(xml.contains("color=\"#1B9E77\""));

    let (corpus, _) = engine();
    let mut checked = 0;
    for chunk in xml.split("<TextSource ").skip(1) {
        let tag = &chunk[..chunk.find('>').unwrap()];
        let name = attr(tag, "name");
        let file = attr(tag, "plainTextPath")
            .strip_prefix("internal://")
            .unwrap();
        let text = String::from_utf8(zip_entry(&path, &format!("sources/{file}"))).unwrap();
        let plan = corpus.plans.iter().find(|p| p.name == name).unwrap();
        assert_eq!(
            text,
            plan.original_text(),
            "source of {name} is not its text"
        );
        let chars: Vec<char> = text.chars().collect();
        let body = &chunk[..chunk.find("</TextSource>").unwrap()];
        for sel in body.split("<PlainTextSelection ").skip(1) {
            let tag = &sel[..sel.find('>').unwrap()];
            let start: usize = attr(tag, "startPosition").parse().unwrap();
            let end: usize = attr(tag, "endPosition").parse().unwrap();
            let quote: String = chars[start..end].iter().collect();
            let seg = coding
                .segments
                .iter()
                .find(|s| s.plan_id == plan.plan_id && s.char_range == (start..end))
                .unwrap();
            let expected: String = plan
                .original_text()
                .chars()
                .skip(seg.char_range.start)
                .take(end - start)
                .collect();
            assert_eq!(quote, expected);
            checked += 1;
        }
    }
    assert_eq!(checked, coding.segments.len());
    // Whole measures were coded: the quotes are those measures' original text.
    let dongli = &corpus.plans[index_of(DONGLI)];
    let m = dongli
        .all_sections()
        .into_iter()
        .find(|s| s.title.contains("推广智慧供暖"))
        .unwrap()
        .measures[0]
        .clone();
    let seg = &coding.segments[0];
    let quote: String = dongli
        .original_text()
        .chars()
        .skip(seg.char_range.start)
        .take(seg.char_range.len())
        .collect();
    assert_eq!(quote, dongli.original[m.span.clone()]);
    // The memo is the selection's description and a note.
    assert!(xml.contains("<Description>东丽 &lt;与&gt; 中北 “同文”</Description>"));
    assert!(xml.contains("<Notes>") && xml.contains("<NoteRef targetGUID="));
}

#[test]
fn qdpx_without_coding_holds_the_plan_texts_and_validates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.qdpx");
    let plans = pair();
    export::export(&[], Format::Qdpx, &source(&plans, None), &path, false).unwrap();
    let qde_path = dir.path().join("project.qde");
    std::fs::write(&qde_path, zip_entry(&path, "project.qde")).unwrap();
    validate(&qde_path, "Project-mrt2019.xsd");
    let zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(zip.len(), 3); // project.qde + two sources
}

#[test]
fn qdc_codebook_validates_against_the_codebook_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("codebook.qdc");
    let coding = sample_coding();
    export::export(&[], Format::Qdc, &source(&[], Some(&coding)), &path, false).unwrap();
    validate(&path, "Codebook-mrt2019.xsd");
}

#[test]
fn qdpx_is_byte_identical_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let plans = pair();
    let coding = sample_coding();
    let (a, b) = (dir.path().join("a.qdpx"), dir.path().join("b.qdpx"));
    for p in [&a, &b] {
        export::export(&[], Format::Qdpx, &source(&plans, Some(&coding)), p, false).unwrap();
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn theme_matrix_and_segments_tables_count_and_quote_the_coding() {
    let plans = pair();
    let coding = sample_coding();
    let src = source(&plans, Some(&coding));
    let matrix = export::build(TableKind::Themes, &src).unwrap();
    assert_eq!(matrix.columns, ["theme", DONGLI, ZHONGBEI, "total"]);
    let smart = matrix
        .rows
        .iter()
        .find(|r| r[0].plain() == "供热 > 智慧供暖")
        .unwrap();
    assert_eq!(smart[1].plain(), "1");
    assert_eq!(smart[2].plain(), "1");
    assert_eq!(smart[3].plain(), "2");
    let industry = matrix
        .rows
        .iter()
        .find(|r| r[0].plain() == "产业 & 就业")
        .unwrap();
    assert_eq!(
        (industry[1].plain(), industry[2].plain()),
        ("1".into(), "0".into())
    );
    let segs = export::build(TableKind::Segments, &src).unwrap();
    assert_eq!(segs.rows.len(), coding.segments.len());
    let (corpus, _) = engine();
    for row in &segs.rows {
        let plan = corpus
            .plans
            .iter()
            .find(|p| p.name == row[1].plain())
            .unwrap();
        let (s, e): (usize, usize) = (
            row[3].plain().parse().unwrap(),
            row[4].plain().parse().unwrap(),
        );
        let quote: String = plan.original_text().chars().skip(s).take(e - s).collect();
        assert_eq!(row[5].plain(), quote);
    }
    assert!(
        segs.rows
            .iter()
            .any(|r| r[2].plain().contains("推广智慧供暖"))
    );
}

#[test]
fn a_segment_outside_its_plan_fails_the_export_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.qdpx");
    let plans = pair();
    let mut coding = sample_coding();
    coding.segments[0].char_range = 10..10_000_000;
    let err = export::export(
        &[],
        Format::Qdpx,
        &source(&plans, Some(&coding)),
        &path,
        false,
    )
    .unwrap_err();
    assert!(
        matches!(err, ExportError::BadSegment { index: 0, .. }),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn an_existing_output_is_refused_without_force_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let plans = pair();
    for (format, name) in [
        (Format::Csv, "t.csv"),
        (Format::Xlsx, "t.xlsx"),
        (Format::Markdown, "t.md"),
        (Format::Html, "t.html"),
        (Format::Qdpx, "t.qdpx"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, "keep me").unwrap();
        let err = export::export(
            &[TableKind::Targets],
            format,
            &source(&plans, None),
            &path,
            false,
        )
        .unwrap_err();
        assert!(err.to_string().contains(name), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
        export::export(
            &[TableKind::Targets],
            format,
            &source(&plans, None),
            &path,
            true,
        )
        .unwrap();
        assert_ne!(std::fs::read(&path).unwrap(), b"keep me");
    }
    // Nothing else was left behind (no temporary files).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 5);
}

#[test]
fn an_export_into_an_unwritable_place_fails_naming_the_file_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // A "directory" that is a file: no one (not even root) can create a file inside it.
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let plans = pair();
    for name in ["out.xlsx", "out.qdpx", "out.html"] {
        let path = blocker.join(name);
        let format = Format::parse(name.rsplit('.').next().unwrap()).unwrap();
        let err = export::export(
            &[TableKind::Measures],
            format,
            &source(&plans, None),
            &path,
            false,
        )
        .unwrap_err();
        assert!(err.to_string().contains(name), "{err}");
        assert!(!path.exists());
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn the_comparison_needs_two_plans() {
    let one = vec![index_of(DONGLI)];
    let err = export::build(TableKind::Comparison, &source(&one, None)).unwrap_err();
    assert!(matches!(err, ExportError::TooFewPlans(1)));
}

#[test]
fn cli_export_writes_refuses_to_overwrite_and_obeys_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pair.xlsx");
    let out_s = out.to_str().unwrap();
    let args = [
        "export", "--table", "all", "--format", "xlsx", "--plan", DONGLI, "--plan", ZHONGBEI, "-o",
        out_s,
    ];
    let (ok, stdout, err) = duizhao(&args);
    assert!(ok, "{err}");
    assert!(
        stdout.contains("comparison, measures, families, targets"),
        "{stdout}"
    );
    let wb: Xlsx<_> = open_workbook(&out).unwrap();
    // comparison, measures, families, targets and the two plans' reuse.
    assert_eq!(wb.sheet_names().len(), 5 + 1);
    let before = std::fs::read(&out).unwrap();

    let (ok, _, err) = duizhao(&args);
    assert!(!ok);
    assert!(
        err.contains("pair.xlsx") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), before);

    let mut forced = args.to_vec();
    forced.push("--force");
    let (ok, _, err) = duizhao(&forced);
    assert!(ok, "{err}");

    let (ok, _, err) = duizhao(&[
        "export",
        "--table",
        "comparison",
        "--format",
        "csv",
        "--plan",
        DONGLI,
        "-o",
        out_s,
    ]);
    assert!(!ok);
    assert!(err.contains("two"), "{err}");
    let (ok, _, err) = duizhao(&["export", "--table", "all", "--format", "csv", "-o", out_s]);
    assert!(!ok);
    assert!(err.contains("one table"), "{err}");
}

#[test]
fn reuse_table_lists_the_most_copied_source_first_and_exports_from_the_cli() {
    let one = vec![index_of(DONGLI)];
    let table = export::build(TableKind::Reuse, &source(&one, None)).unwrap();
    assert_eq!(table.name, "reuse");
    let col = |name: &str| table.columns.iter().position(|c| c == name).unwrap();
    let first = &table.rows[0];
    assert_eq!(first[col("plan")].plain(), DONGLI);
    assert_eq!(first[col("source_plan")].plain(), ZHONGBEI);
    assert_eq!(first[col("rank")].plain(), "1");
    // Most copied first; shares in percent.
    let found: Vec<f64> = table
        .rows
        .iter()
        .map(|r| r[col("found_chars")].plain().parse().unwrap())
        .collect();
    assert!(found.windows(2).all(|w| w[0] >= w[1]), "{found:?}");
    let share: f64 = first[col("share_pct")].plain().parse().unwrap();
    assert!(share > 0.0 && share <= 100.0);
    assert!(first[col("passages")].plain().contains(" ← "));
    // Never the whole corpus at once.
    let err = export::build(TableKind::Reuse, &source(&[], None)).unwrap_err();
    assert!(matches!(err, ExportError::ReuseNeedsPlans));

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reuse.csv");
    let out_s = out.to_str().unwrap();
    let (ok, _, err) = duizhao(&[
        "export", "--table", "reuse", "--format", "csv", "--plan", DONGLI, "-o", out_s,
    ]);
    assert!(ok, "{err}");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.contains(ZHONGBEI), "{csv}");
    let (ok, _, err) = duizhao(&["export", "--table", "reuse", "--format", "csv", "-o", out_s]);
    assert!(!ok && err.contains("--plan"), "{err}");
}

/// Selections of a `.qdpx` as (plan name, quote by code points, has a memo).
fn selections(path: &Path) -> Vec<(String, String, bool)> {
    let xml = String::from_utf8(zip_entry(path, "project.qde")).unwrap();
    let mut out = Vec::new();
    for chunk in xml.split("<TextSource ").skip(1) {
        let tag = &chunk[..chunk.find('>').unwrap()];
        let name = attr(tag, "name").to_owned();
        let file = attr(tag, "plainTextPath")
            .strip_prefix("internal://")
            .unwrap();
        let text = String::from_utf8(zip_entry(path, &format!("sources/{file}"))).unwrap();
        let chars: Vec<char> = text.chars().collect();
        let body = &chunk[..chunk.find("</TextSource>").unwrap()];
        for sel in body.split("<PlainTextSelection ").skip(1) {
            let tag = &sel[..sel.find('>').unwrap()];
            let start: usize = attr(tag, "startPosition").parse().unwrap();
            let end: usize = attr(tag, "endPosition").parse().unwrap();
            let body = &sel[..sel.find("</PlainTextSelection>").unwrap()];
            out.push((
                name.clone(),
                chars[start..end].iter().collect(),
                body.contains("<NoteRef "),
            ));
        }
    }
    out
}

#[test]
fn cli_exports_a_projects_tags_as_qdpx_theme_matrix_and_segments() {
    use duizhao::project::{Project, Tag};
    use duizhao::themes::Codebook;
    let dir = tempfile::tempdir().unwrap();
    let (corpus, _) = engine();
    let codebook = Codebook::load_or_bundled("urban_rural_integration").unwrap();
    let theme = codebook
        .themes
        .iter()
        .find(|t| t.parent.is_some())
        .unwrap()
        .clone();
    let mut project = Project::new(codebook);
    project.add_document(&common::seed("04_")).unwrap();
    let mut quotes = Vec::new();
    for name in [DONGLI, ZHONGBEI] {
        let plan = &corpus.plans[index_of(name)];
        let section = plan
            .all_sections()
            .into_iter()
            .find(|s| s.title.contains("推广智慧供暖"))
            .unwrap();
        let tag = Tag::for_measure(plan, &section.measures[0], &theme.theme_id).unwrap();
        quotes.push((name.to_owned(), tag.quote.clone()));
        let id = project.add_tag(tag);
        if name == DONGLI {
            assert!(project.set_memo(id, "两地同文 | 备忘"));
        }
    }
    let pp = dir.path().join("p.duizhao.ron");
    project.save(&pp).unwrap();
    let pp_s = pp.to_str().unwrap();

    let qdpx = dir.path().join("p.qdpx");
    let (ok, _, err) = duizhao(&[
        "export",
        "--project",
        pp_s,
        "--format",
        "qdpx",
        "-o",
        qdpx.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let qde = dir.path().join("project.qde");
    std::fs::write(&qde, zip_entry(&qdpx, "project.qde")).unwrap();
    validate(&qde, "Project-mrt2019.xsd");
    let sels = selections(&qdpx);
    assert_eq!(sels.len(), 2);
    for ((name, quote), (sel_name, sel_quote, memo)) in quotes.iter().zip(&sels) {
        assert_eq!(name, sel_name);
        assert_eq!(quote, sel_quote);
        assert_eq!(*memo, name == DONGLI);
    }

    let qdc = dir.path().join("p.qdc");
    let (ok, _, err) = duizhao(&[
        "export",
        "--project",
        pp_s,
        "--format",
        "qdc",
        "-o",
        qdc.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    validate(&qdc, "Codebook-mrt2019.xsd");

    let csv_path = dir.path().join("themes.csv");
    let (ok, _, err) = duizhao(&[
        "export",
        "--project",
        pp_s,
        "--table",
        "themes",
        "--format",
        "csv",
        "--plan",
        DONGLI,
        "--plan",
        ZHONGBEI,
        "-o",
        csv_path.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let bytes = std::fs::read(&csv_path).unwrap();
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(
        r.headers().unwrap(),
        vec!["theme", DONGLI, ZHONGBEI, "total"]
    );
    let row = r
        .records()
        .map(Result::unwrap)
        .find(|rec| rec[0].ends_with(&theme.name))
        .unwrap();
    assert_eq!((&row[1], &row[2], &row[3]), ("1", "1", "2"));

    let md = dir.path().join("segments.md");
    let (ok, _, err) = duizhao(&[
        "export",
        "--project",
        pp_s,
        "--table",
        "segments",
        "--format",
        "md",
        "-o",
        md.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("两地同文 \\| 备忘"), "{text}");
    assert!(text.contains("推广智慧供暖"));

    let (ok, _, err) = duizhao(&[
        "export",
        "--table",
        "themes",
        "--format",
        "csv",
        "-o",
        md.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(err.contains("--project"), "{err}");
}

/// A part of a split section shown apart from its parent (issue 12: "where a section must leave
/// its place, its number and parent are shown"): the export's cell heading names the parent.
#[test]
fn comparison_export_names_the_parent_of_a_part_shown_apart() {
    let (corpus, analysis) = engine();
    let plans: Vec<usize> = ["淄博市", "济南市市中区", "西咸新区", "四川省"]
        .iter()
        .map(|n| index_of(n))
        .collect();
    let cmp = duizhao::comparison::Comparison::build(corpus, analysis, &plans);
    let detached: Vec<(String, String)> = cmp
        .rows
        .iter()
        .flat_map(|r| r.cells.iter().flatten())
        .flat_map(|c| c.sections.iter())
        .filter(|s| s.detached)
        .map(|s| (s.heading.clone(), s.parent.clone().unwrap()))
        .collect();
    assert!(!detached.is_empty(), "the four-plan view splits a section");
    let table = export::build(TableKind::Comparison, &source(&plans, None)).unwrap();
    let bytes = export::csv::render(&table);
    let text = String::from_utf8_lossy(&bytes);
    for (heading, parent) in &detached {
        assert!(
            text.contains(&format!("{heading}（{parent}）")),
            "{heading} shown with its parent {parent}"
        );
    }
}
