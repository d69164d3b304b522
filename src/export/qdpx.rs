//! REFI-QDA export: a `.qdpx` project (for ATLAS.ti, MAXQDA, NVivo, QualCoder, Taguette…) and a
//! `.qdc` codebook, following the REFI-QDA 1.0 schemas (`Project-mrt2019.xsd`,
//! `Codebook-mrt2019.xsd`; copies and their source are in `tests/fixtures/refi-qda/`).
//!
//! A `.qdpx` is a zip holding `project.qde` (XML, namespace `urn:QDA-XML:project:1.0`) and
//! `sources/<guid>.txt`, one UTF-8 plain-text file per plan (the plan's original text). In the
//! XML each plan is a `TextSource` with `plainTextPath="internal://<guid>.txt"`; the codebook
//! is `CodeBook/Codes/Code`, nested by parent, colours `#RRGGBB`; each coded segment is a
//! `PlainTextSelection` of its plan with `startPosition`/`endPosition` counted in Unicode code
//! points of the source text (end exclusive) and a `Coding` pointing at its code; a memo is both
//! the selection's `Description` and a `Note` (under `Notes`) the selection refers to.
//!
//! GUIDs are derived from ids (`duizhao:<kind>:<id>` hashed to 128 bits, written in UUID form
//! with version nibble 8, "custom"), so exporting the same project twice gives identical files;
//! zip entries carry a fixed timestamp for the same reason.
//!
//! The themes and segments arrive as a plain [`Coding`] (codebook + segments, code-point
//! ranges) built from a project with [`Coding::from_project`]: the project's codebook and its
//! tags that are not orphaned (rule proposals nobody accepted are not exported).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;

pub use super::coding::{CodedSegment, Coding, CodingTheme, char_range_of};
use super::model::{ExportError, Source};
use crate::plan::Plan;

/// A deterministic GUID in UUID form for an object of `kind` with `id`.
pub fn guid(kind: &str, id: &str) -> String {
    // Two FNV-1a 64-bit hashes with different offsets give 128 bits; stable across platforms
    // and releases, unlike `std`'s hasher.
    fn fnv(seed: u64, bytes: &[u8]) -> u64 {
        let mut h = seed;
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
        h
    }
    let key = format!("duizhao:{kind}:{id}");
    let hi = fnv(0xCBF2_9CE4_8422_2325, key.as_bytes());
    let lo = fnv(0x6C62_272E_07BB_0142, key.as_bytes());
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&hi.to_be_bytes());
    b[8..].copy_from_slice(&lo.to_be_bytes());
    b[6] = (b[6] & 0x0F) | 0x80; // version 8: custom
    b[8] = (b[8] & 0x3F) | 0x80; // RFC 4122 variant
    let hex: String = b.iter().map(|x| format!("{x:02X}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Escape text for XML content and attributes; drops characters XML 1.0 cannot hold.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A colour as REFI-QDA wants it (`#RRGGBB` or `#RGB`), or `None` when it is not one.
fn valid_colour(c: &str) -> Option<String> {
    let hex = c.strip_prefix('#')?;
    ((hex.len() == 6 || hex.len() == 3) && hex.chars().all(|x| x.is_ascii_hexdigit()))
        .then(|| format!("#{}", hex.to_ascii_uppercase()))
}

fn write_codes(out: &mut String, coding: &Coding) {
    let (roots, children) = coding.tree();
    // An explicit stack (no recursion over user-controlled depth); indentation stops growing
    // after a few levels so that a deep tree cannot make the file grow with depth².
    enum Step {
        Open(usize, usize),
        Close(usize),
    }
    let pad = |depth: usize| "  ".repeat(depth.min(12));
    let mut stack: Vec<Step> = roots.iter().rev().map(|&r| Step::Open(r, 3)).collect();
    while let Some(step) = stack.pop() {
        let (i, depth) = match step {
            Step::Close(depth) => {
                let _ = writeln!(out, "{}</Code>", pad(depth));
                continue;
            }
            Step::Open(i, depth) => (i, depth),
        };
        let Some(t) = coding.themes.get(i) else {
            continue;
        };
        let p = pad(depth);
        let _ = write!(
            out,
            "{p}<Code guid=\"{}\" name=\"{}\" isCodable=\"true\"",
            guid("theme", &t.theme_id),
            xml_escape(&t.name)
        );
        if let Some(c) = t.colour.as_deref().and_then(valid_colour) {
            let _ = write!(out, " color=\"{c}\"");
        }
        let kids = children.get(&i).map(Vec::as_slice).unwrap_or(&[]);
        let description = t.description.as_deref().filter(|d| !d.is_empty());
        if kids.is_empty() && description.is_none() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        if let Some(d) = description {
            let _ = writeln!(out, "{p}  <Description>{}</Description>", xml_escape(d));
        }
        stack.push(Step::Close(depth));
        stack.extend(kids.iter().rev().map(|&k| Step::Open(k, depth + 1)));
    }
}

/// The codebook alone (`.qdc`, namespace `urn:QDA-XML:codebook:1.0`).
pub fn codebook_xml(coding: &Coding) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        out,
        "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" origin=\"duizhao {}\">",
        env!("CARGO_PKG_VERSION")
    );
    out.push_str("  <Codes>\n");
    let mut codes = String::new();
    write_codes(&mut codes, coding);
    // Codes are written at depth 3 for the project; the codebook nests one level less.
    for line in codes.lines() {
        out.push_str(line.strip_prefix("  ").unwrap_or(line));
        out.push('\n');
    }
    out.push_str("  </Codes>\n</CodeBook>\n");
    out
}

/// One plan as a source: its GUID, its text and its segments (index into
/// [`Coding::segments`], code-point range).
struct SourceDoc<'a> {
    plan: &'a Plan,
    guid: String,
    segments: Vec<(usize, Range<usize>)>,
}

/// Check every segment of the selected plans and group them by plan.
fn sources<'a>(
    plans: &[&'a Plan],
    coding: Option<&Coding>,
) -> Result<Vec<SourceDoc<'a>>, ExportError> {
    let mut docs: Vec<SourceDoc> = plans
        .iter()
        .map(|p| SourceDoc {
            plan: p,
            guid: guid("source", &p.plan_id),
            segments: Vec::new(),
        })
        .collect();
    let Some(coding) = coding else {
        return Ok(docs);
    };
    let themes: HashSet<&str> = coding.themes.iter().map(|t| t.theme_id.as_str()).collect();
    let by_plan: HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.plan.plan_id.as_str(), i))
        .collect();
    let mut lengths: HashMap<usize, usize> = HashMap::new();
    for (index, seg) in coding.segments.iter().enumerate() {
        let Some(&d) = by_plan.get(seg.plan_id.as_str()) else {
            continue; // a plan that is not exported
        };
        if !themes.contains(seg.theme_id.as_str()) {
            return Err(ExportError::BadSegment {
                index,
                reason: format!("unknown theme '{}'", seg.theme_id),
            });
        }
        let Some(doc) = docs.get_mut(d) else {
            continue;
        };
        let len = *lengths
            .entry(d)
            .or_insert_with(|| doc.plan.original_text().chars().count());
        if seg.char_range.start > seg.char_range.end || seg.char_range.end > len {
            return Err(ExportError::BadSegment {
                index,
                reason: format!(
                    "characters {}..{} are outside {} ({len} characters)",
                    seg.char_range.start, seg.char_range.end, doc.plan.name
                ),
            });
        }
        doc.segments.push((index, seg.char_range.clone()));
    }
    for doc in &mut docs {
        doc.segments.sort_by_key(|(i, r)| (r.start, r.end, *i));
    }
    Ok(docs)
}

fn project_xml(docs: &[SourceDoc], coding: Option<&Coding>) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        out,
        "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"duizhao export\" origin=\"duizhao {}\">",
        env!("CARGO_PKG_VERSION")
    );
    if let Some(c) = coding.filter(|c| !c.themes.is_empty()) {
        out.push_str("  <CodeBook>\n    <Codes>\n");
        write_codes(&mut out, c);
        out.push_str("    </Codes>\n  </CodeBook>\n");
    }
    let mut notes = Vec::new();
    if !docs.is_empty() {
        out.push_str("  <Sources>\n");
        for doc in docs {
            let p = doc.plan;
            let _ = writeln!(
                out,
                "    <TextSource guid=\"{}\" name=\"{}\" plainTextPath=\"internal://{}.txt\">",
                doc.guid,
                xml_escape(&p.name),
                doc.guid
            );
            let meta: Vec<String> = [
                p.meta.title.clone(),
                p.meta.doc_number.clone(),
                p.meta.issuer.clone(),
                p.meta.date.clone(),
                Some(p.plan_id.clone()),
            ]
            .into_iter()
            .flatten()
            .collect();
            let _ = writeln!(
                out,
                "      <Description>{}</Description>",
                xml_escape(&meta.join(" | "))
            );
            for (index, range) in &doc.segments {
                let Some(seg) = coding.and_then(|c| c.segments.get(*index)) else {
                    continue;
                };
                let sel_id = format!("{}#{}#{}", seg.plan_id, index, seg.theme_id);
                let sel_guid = guid("selection", &sel_id);
                let _ = writeln!(
                    out,
                    "      <PlainTextSelection guid=\"{sel_guid}\" name=\"{}–{}\" startPosition=\"{}\" endPosition=\"{}\">",
                    range.start, range.end, range.start, range.end
                );
                let memo = seg.memo.as_deref().filter(|m| !m.is_empty());
                if let Some(m) = memo {
                    let _ = writeln!(out, "        <Description>{}</Description>", xml_escape(m));
                }
                let _ = writeln!(
                    out,
                    "        <Coding guid=\"{}\">\n          <CodeRef targetGUID=\"{}\"/>\n        </Coding>",
                    guid("coding", &sel_id),
                    guid("theme", &seg.theme_id)
                );
                if let Some(m) = memo {
                    let note_guid = guid("note", &sel_id);
                    let _ = writeln!(out, "        <NoteRef targetGUID=\"{note_guid}\"/>");
                    notes.push((note_guid, m.to_owned(), p.name.clone()));
                }
                out.push_str("      </PlainTextSelection>\n");
            }
            out.push_str("    </TextSource>\n");
        }
        out.push_str("  </Sources>\n");
    }
    if !notes.is_empty() {
        out.push_str("  <Notes>\n");
        for (g, text, plan) in notes {
            let _ = writeln!(
                out,
                "    <Note guid=\"{g}\" name=\"备忘 {}\">\n      <PlainTextContent>{}</PlainTextContent>\n    </Note>",
                xml_escape(&plan),
                xml_escape(&text)
            );
        }
        out.push_str("  </Notes>\n");
    }
    out.push_str("</Project>\n");
    out
}

/// The `project.qde` XML of the selected plans and `source.coding`.
pub fn project_qde(source: &Source) -> Result<String, ExportError> {
    let plans = selected_plans(source)?;
    let docs = sources(&plans, source.coding)?;
    Ok(project_xml(&docs, source.coding))
}

fn selected_plans<'a>(source: &Source<'a>) -> Result<Vec<&'a Plan>, ExportError> {
    source
        .selected()
        .into_iter()
        .map(|i| source.corpus.plans.get(i).ok_or(ExportError::NoSuchPlan(i)))
        .collect()
}

/// Write a `.qdpx` of the selected plans (every plan when none is selected) and
/// `source.coding` to `path` (atomically; an existing file only with `overwrite`).
pub fn write_qdpx(source: &Source, path: &Path, overwrite: bool) -> Result<(), ExportError> {
    let plans = selected_plans(source)?;
    let docs = sources(&plans, source.coding)?;
    let xml = project_xml(&docs, source.coding);
    crate::fsutil::atomic_write_with(path, overwrite, |file| {
        use zip::write::SimpleFileOptions;
        let zerr = |e: zip::result::ZipError| io::Error::other(e.to_string());
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        let mut zip = zip::ZipWriter::new(file);
        zip.start_file("project.qde", options).map_err(zerr)?;
        zip.write_all(xml.as_bytes())?;
        for doc in &docs {
            zip.start_file(format!("sources/{}.txt", doc.guid), options)
                .map_err(zerr)?;
            zip.write_all(doc.plan.original_text().as_bytes())?;
        }
        zip.finish().map_err(zerr)?;
        Ok(())
    })?;
    Ok(())
}

/// Write the codebook alone as `.qdc` to `path`. Needs at least one theme.
pub fn write_qdc(coding: Option<&Coding>, path: &Path, overwrite: bool) -> Result<(), ExportError> {
    let coding = coding
        .filter(|c| !c.themes.is_empty())
        .ok_or(ExportError::NeedsCoding("codebook"))?;
    Ok(crate::fsutil::atomic_write(
        path,
        codebook_xml(coding).as_bytes(),
        overwrite,
    )?)
}
