//! Resource budgets of the importers (issue 15 item 2) and precise PDF errors (item 9): every
//! crafted input is generated here, fails fast with a clear error naming its file, and the other
//! files of a folder still load. Also structure-aware fuzzing of DOCX, PDF and HTML import.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use duizhao::corpus::load_paths;
use duizhao::formats::{docx, html, pdf};
use lopdf::{Document, Object, Stream, dictionary};
use proptest::prelude::*;

const PLAN: &str = "某某市试点方案\n\n一、总体要求\n\n坚持统筹推进，加快城乡融合发展。\n\n二、主要任务\n\n推进户籍制度改革，完善公共服务。\n";

/// A folder holding `bad` and a good plain-text plan; the good plan loads, `bad` is an error
/// that names it and contains `expect`.
fn folder_still_loads(bad_name: &str, bad: &[u8], expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(bad_name), bad).unwrap();
    std::fs::write(dir.path().join("good.txt"), PLAN).unwrap();
    let corpus = load_paths(&[dir.path().to_path_buf()]);
    assert_eq!(
        corpus.plans.len(),
        1,
        "good plan loads: {:?}",
        corpus.errors
    );
    assert_eq!(corpus.errors.len(), 1, "{:?}", corpus.errors);
    assert!(corpus.errors[0].contains(bad_name), "{}", corpus.errors[0]);
    assert!(corpus.errors[0].contains(expect), "{}", corpus.errors[0]);
}

// ---------------------------------------------------------------------------------------------
// HTML

#[test]
fn deeply_nested_html_neither_overflows_nor_stalls() {
    // 100,000 nested <b>: the importer's walks are iterative.
    let mut page = String::from("<html><body><div><p>一、总体要求</p><p>");
    page.push_str(&"<b>".repeat(100_000));
    page.push_str("加快城乡融合发展。");
    page.push_str(&"</b>".repeat(100_000));
    page.push_str("</p></div></body></html>");
    let t = Instant::now();
    let file = html::read_bytes(Path::new("deep_b.html"), page.as_bytes()).unwrap();
    assert!(file.text.contains("加快城乡融合发展。"), "{}", file.text);
    eprintln!("100,000 nested <b>: {:?}", t.elapsed());

    // 20,000 nested <div> inside a folder import: loads like any page.
    let mut divs = String::from("<html><body>");
    divs.push_str(&"<div>".repeat(20_000));
    divs.push_str("<p>某某方案</p><p>一、总体要求</p><p>加快城乡融合发展。</p>");
    divs.push_str(&"</div>".repeat(20_000));
    divs.push_str("</body></html>");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("deep_div.html"), &divs).unwrap();
    std::fs::write(dir.path().join("good.txt"), PLAN).unwrap();
    let corpus = load_paths(&[dir.path().to_path_buf()]);
    assert!(corpus.errors.is_empty(), "{:?}", corpus.errors);
    assert_eq!(corpus.plans.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// DOCX

/// A DOCX package from its parts.
fn docx_bytes(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in parts {
            zip.start_file(*name, opts).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    buf.into_inner()
}

const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

fn document(body: &str) -> String {
    format!("<?xml version=\"1.0\"?><w:document {W}><w:body>{body}</w:body></w:document>")
}

fn numbered_para(num_id: u32, text: &str) -> String {
    format!(
        "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"{num_id}\"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"
    )
}

#[test]
fn docx_numbering_values_past_words_limit_are_refused() {
    let numbering = format!(
        "<?xml version=\"1.0\"?><w:numbering {W}><w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"4294967295\"/><w:numFmt w:val=\"lowerLetter\"/><w:lvlText w:val=\"%1%1%1%1%1%1%1%1%1.\"/></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>"
    );
    let body: String = (0..50).map(|_| numbered_para(1, "推进改革。")).collect();
    let bytes = docx_bytes(&[
        ("word/document.xml", &document(&body)),
        ("word/numbering.xml", &numbering),
    ]);
    let t = Instant::now();
    let err = docx::read_bytes(Path::new("numbering_bomb.docx"), &bytes).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("numbering_bomb.docx"), "{msg}");
    assert!(msg.contains("numbering value 4294967295"), "{msg}");
    assert!(t.elapsed().as_secs() < 5, "refused fast");
    folder_still_loads("numbering_bomb.docx", &bytes, "numbering value");
}

#[test]
fn docx_text_is_capped() {
    // Every one of 400,000 empty paragraphs asks for a 1,000-character label: 1.2 GB of text
    // from a small file.
    let numbering = format!(
        "<?xml version=\"1.0\"?><w:numbering {W}><w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"{}\"/></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>",
        "%1".repeat(500)
    );
    let para = "<w:p><w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:p>";
    let body = para.repeat(400_000);
    let bytes = docx_bytes(&[
        ("word/document.xml", &document(&body)),
        ("word/numbering.xml", &numbering),
    ]);
    let msg = docx::read_bytes(Path::new("label_bomb.docx"), &bytes)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("label_bomb.docx") && msg.contains("too much text"),
        "{msg}"
    );
}

// ---------------------------------------------------------------------------------------------
// PDF

/// A one-page PDF whose font `F1` is `font` and whose page draws `content`; `extra` adds
/// objects (form XObjects) to the page's resources.
fn pdf_with(
    font: impl FnOnce(&mut Document) -> Object,
    content: &[u8],
    xobjects: impl FnOnce(&mut Document) -> Option<lopdf::Dictionary>,
) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let font = font(&mut doc);
    let mut resources = dictionary! { "Font" => dictionary! { "F1" => font } };
    if let Some(x) = xobjects(&mut doc) {
        resources.set("XObject", x);
    }
    let contents = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
    let pages_id = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => contents,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => resources,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    doc.compress();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// A Type0 Identity-H font with the given ToUnicode CMap text.
fn type0_font(doc: &mut Document, cmap: &[u8]) -> Object {
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
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
    font.into()
}

const GOOD_CMAP: &[u8] = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
    3 beginbfchar <0001> <4E00> <0002> <3001> <0003> <603B> endbfchar\n";

fn pdf_err(name: &str, bytes: &[u8]) -> String {
    let t = Instant::now();
    let r = pdf::read_bytes(Path::new(name), bytes);
    assert!(
        t.elapsed().as_secs() < 10,
        "{name}: answered in {:?}",
        t.elapsed()
    );
    match r {
        Ok(f) => panic!("{name}: read {} bytes of text", f.text.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_cmap_that_expands_past_its_budget_is_a_damaged_font_map() {
    let mut cmap = b"1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange\n".to_vec();
    // 100,000 full ranges of 65,536 codes: more than 6 billion entries if expanded.
    for k in 0..100_000u32 {
        cmap.extend(
            format!("1 beginbfrange <{k:04X}0000> <{k:04X}FFFF> <0041> endbfrange\n").bytes(),
        );
    }
    let bytes = pdf_with(
        |d| type0_font(d, &cmap),
        b"BT /F1 12 Tf 72 700 Td <00010002> Tj ET",
        |_| None,
    );
    let msg = pdf_err("cmap_bomb.pdf", &bytes);
    assert!(
        msg.contains("cmap_bomb.pdf") && msg.contains("damaged font map"),
        "{msg}"
    );
    assert!(msg.contains("ToUnicode CMap defines more than"), "{msg}");
    assert!(!msg.contains("no text layer"), "{msg}");
    folder_still_loads("cmap_bomb.pdf", &bytes, "damaged font map");
}

#[test]
fn a_form_that_draws_itself_over_and_over_stops_at_the_work_budget() {
    let bytes = pdf_with(
        |d| type0_font(d, GOOD_CMAP),
        b"/X1 Do BT /F1 12 Tf 72 700 Td <0001> Tj ET",
        |doc| {
            let id = doc.new_object_id();
            let mut content = Vec::new();
            for _ in 0..20 {
                content.extend_from_slice(b"q /X1 Do Q\n");
            }
            let form = Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Form",
                    "BBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
                    "Resources" => dictionary! { "XObject" => dictionary! { "X1" => id } },
                },
                content,
            );
            doc.objects.insert(id, Object::Stream(form));
            Some(dictionary! { "X1" => id })
        },
    );
    let msg = pdf_err("form_loop.pdf", &bytes);
    assert!(
        msg.contains("form_loop.pdf") && msg.contains("too much drawing work"),
        "{msg}"
    );
    folder_still_loads("form_loop.pdf", &bytes, "too much drawing work");
}

#[test]
fn text_produced_past_the_budget_is_refused() {
    // One code stands for 4,000 characters; the page shows it 10,000 times (120 MB of text from
    // a few KB).
    let mut cmap =
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n1 beginbfchar <0001> <".to_vec();
    cmap.extend("4E00".repeat(4000).bytes());
    cmap.extend(b"> endbfchar\n");
    let mut content = b"BT /F1 12 Tf 72 700 Td ".to_vec();
    for _ in 0..10_000 {
        content.extend_from_slice(b"<0001> Tj ");
    }
    content.extend_from_slice(b"ET");
    let bytes = pdf_with(|d| type0_font(d, &cmap), &content, |_| None);
    let msg = pdf_err("text_bomb.pdf", &bytes);
    assert!(
        msg.contains("text_bomb.pdf") && msg.contains("too much text"),
        "{msg}"
    );
}

#[test]
fn truncated_and_font_less_pdfs_get_their_own_errors() {
    let good = pdf_with(
        |d| type0_font(d, GOOD_CMAP),
        b"BT /F1 12 Tf 72 700 Td <000100020003> Tj ET",
        |_| None,
    );
    assert_eq!(
        pdf::read_bytes(Path::new("good.pdf"), &good).unwrap().text,
        "一、总\n"
    );
    for cut in [good.len() / 2, good.len() * 9 / 10, good.len() - 8] {
        let msg = pdf_err("cut.pdf", &good[..cut]);
        assert!(msg.contains("truncated PDF"), "{cut}: {msg}");
        assert!(!msg.contains("no text layer"), "{msg}");
    }
    // A symbolic embedded TrueType subset without ToUnicode: its codes are private glyph
    // numbers. Not "no text layer", and not WinAnsi junk.
    let no_map = pdf_with(
        |doc| {
            let program =
                doc.add_object(Stream::new(dictionary! {}, b"not really a font".to_vec()));
            let desc = doc.add_object(dictionary! {
                "Type" => "FontDescriptor", "FontName" => "ABCDEF+SimSun", "Flags" => 4,
                "FontFile2" => program,
            });
            let font = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "ABCDEF+SimSun",
                "FirstChar" => 1, "LastChar" => 3,
                "Widths" => vec![1000.into(), 1000.into(), 1000.into()],
                "FontDescriptor" => desc,
            });
            font.into()
        },
        b"BT /F1 12 Tf 72 700 Td (\x01\x02\x03\x01\x02\x03) Tj ET",
        |_| None,
    );
    let msg = pdf_err("no_unicode.pdf", &no_map);
    assert!(msg.contains("damaged font map"), "{msg}");
    assert!(msg.contains("ABCDEF+SimSun"), "{msg}");
    assert!(!msg.contains("no text layer"), "{msg}");
    // A page that draws only a picture still says "no text layer".
    let picture = pdf_with(
        |d| type0_font(d, GOOD_CMAP),
        b"q 100 0 0 100 0 0 cm 0 0 1 1 re f Q",
        |_| None,
    );
    let msg = pdf_err("picture.pdf", &picture);
    assert!(msg.contains("no text layer"), "{msg}");
}

// ---------------------------------------------------------------------------------------------
// Structure-aware fuzzing: generated documents from each format's grammar, bounded in size and
// count; no panic, an error names the file, text within its budget.

fn check_result(
    name: &str,
    input_len: usize,
    r: Result<duizhao::import::TextFile, duizhao::import::ImportError>,
) {
    match r {
        Ok(f) => assert!(f.text.len() <= duizhao::formats::text_budget(input_len)),
        Err(e) => assert!(e.to_string().contains(name), "{e}"),
    }
}

fn html_node() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        "[一二三四五六七八九十、。，（）总体要求推进改革 a-z0-9<>&;]{0,20}".prop_map(|s| s),
        Just("<br>".to_string()),
        Just("&nbsp;&amp;&#x4E00;&bogus;".to_string()),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        (
            prop::sample::select(vec![
                "div", "p", "b", "span", "table", "tr", "td", "h1", "h2", "h4", "a", "script",
                "nav", "pre", "li", "ul", "font", "center",
            ]),
            prop::collection::vec(inner, 0..6),
            any::<bool>(),
        )
            .prop_map(|(tag, kids, close)| {
                let end = if close {
                    format!("</{tag}>")
                } else {
                    String::new()
                };
                format!("<{tag} class=\"content\">{}{end}", kids.concat())
            })
    })
}

fn docx_para() -> impl Strategy<Value = String> {
    (
        "[一二三总体要求推进改革。，、0-9A-Za-z<&]{0,24}",
        prop::option::of(0u32..4),
        prop::option::of(0u32..12),
        any::<bool>(),
        prop::option::of(0u32..10),
        prop::sample::select(vec!["p", "tbl", "txbx"]),
    )
        .prop_map(|(text, num, ilvl, bold, outline, kind)| {
            let text = text.replace('&', "&amp;").replace('<', "&lt;");
            let mut ppr = String::new();
            if let Some(n) = num {
                ppr.push_str(&format!(
                    "<w:numPr><w:ilvl w:val=\"{}\"/><w:numId w:val=\"{n}\"/></w:numPr>",
                    ilvl.unwrap_or(0)
                ));
            }
            if let Some(o) = outline {
                ppr.push_str(&format!("<w:outlineLvl w:val=\"{o}\"/>"));
            }
            let rpr = if bold { "<w:rPr><w:b/></w:rPr>" } else { "" };
            let p = format!("<w:p><w:pPr>{ppr}</w:pPr><w:r>{rpr}<w:t>{text}</w:t></w:r></w:p>");
            match kind {
                "tbl" => format!("<w:tbl><w:tr><w:tc>{p}</w:tc><w:tc>{p}</w:tc></w:tr></w:tbl>"),
                "txbx" => format!("<w:p><w:r><w:txbxContent>{p}</w:txbxContent></w:r></w:p>"),
                _ => p,
            }
        })
}

fn numbering_xml() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            0u32..4,
            0u32..9,
            prop_oneof![Just(0u32), Just(1), Just(26), Just(3999), Just(32_767), Just(32_768), Just(u32::MAX)],
            prop::sample::select(vec![
                "decimal", "lowerLetter", "upperRoman", "chineseCounting", "bullet", "none",
                "decimalEnclosedCircle", "ideographTraditional", "bogus",
            ]),
            "(%[0-9]|[、.（）()]){0,6}",
        ),
        0..8,
    )
    .prop_map(|levels| {
        let mut x = format!("<?xml version=\"1.0\"?><w:numbering {W}>");
        for (abs, ilvl, start, fmt, text) in &levels {
            x.push_str(&format!(
                "<w:abstractNum w:abstractNumId=\"{abs}\"><w:lvl w:ilvl=\"{ilvl}\"><w:start w:val=\"{start}\"/><w:numFmt w:val=\"{fmt}\"/><w:lvlText w:val=\"{text}\"/></w:lvl></w:abstractNum><w:num w:numId=\"{abs}\"><w:abstractNumId w:val=\"{abs}\"/></w:num>"
            ));
        }
        x.push_str("</w:numbering>");
        x
    })
}

fn pdf_op() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("BT".to_string()),
        Just("ET".to_string()),
        Just("q".to_string()),
        Just("Q".to_string()),
        (-5.0f32..40.0).prop_map(|s| format!("/F1 {s} Tf")),
        (-1000.0f32..1000.0, -1000.0f32..1000.0).prop_map(|(x, y)| format!("{x} {y} Td")),
        (-3.0f32..3.0, -3.0f32..3.0).prop_map(|(a, d)| format!("{a} 0 0 {d} 10 20 cm")),
        (-3.0f32..3.0, -700.0f32..700.0).prop_map(|(a, y)| format!("{a} 0 0 {a} 72 {y} Tm")),
        prop::collection::vec(0u16..6, 0..8).prop_map(|codes| {
            let hex: String = codes.iter().map(|c| format!("{c:04X}")).collect();
            format!("<{hex}> Tj")
        }),
        (prop::collection::vec(0u16..6, 0..4), -2000i32..2000).prop_map(|(codes, n)| {
            let hex: String = codes.iter().map(|c| format!("{c:04X}")).collect();
            format!("[<{hex}> {n} <0001>] TJ")
        }),
        Just("T*".to_string()),
        Just("/X1 Do".to_string()),
        (0.0f32..50.0).prop_map(|l| format!("{l} TL")),
        Just("(unbalanced Tj".to_string()),
        Just("<0001> '".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn fuzz_html(body in prop::collection::vec(html_node(), 0..12)) {
        let page = format!("<html><head><title>方案</title></head><body>{}</body></html>", body.concat());
        check_result("fuzz.html", page.len(), html::read_bytes(Path::new("fuzz.html"), page.as_bytes()));
    }

    #[test]
    fn fuzz_docx(paras in prop::collection::vec(docx_para(), 0..40), numbering in numbering_xml()) {
        let bytes = docx_bytes(&[
            ("word/document.xml", &document(&paras.concat())),
            ("word/numbering.xml", &numbering),
        ]);
        check_result("fuzz.docx", bytes.len(), docx::read_bytes(Path::new("fuzz.docx"), &bytes));
    }

    #[test]
    fn fuzz_pdf(ops in prop::collection::vec(pdf_op(), 0..60), form in prop::collection::vec(pdf_op(), 0..20)) {
        let content = ops.join("\n");
        let form_content = form.join("\n");
        let bytes = pdf_with(
            |d| type0_font(d, GOOD_CMAP),
            content.as_bytes(),
            |doc| {
                let id = doc.new_object_id();
                let stream = Stream::new(
                    dictionary! {
                        "Type" => "XObject", "Subtype" => "Form",
                        "Resources" => dictionary! { "XObject" => dictionary! { "X1" => id } },
                    },
                    form_content.into_bytes(),
                );
                doc.objects.insert(id, Object::Stream(stream));
                Some(dictionary! { "X1" => id })
            },
        );
        let t = Instant::now();
        check_result("fuzz.pdf", bytes.len(), pdf::read_bytes(Path::new("fuzz.pdf"), &bytes));
        prop_assert!(t.elapsed().as_secs() < 10);
    }
}
