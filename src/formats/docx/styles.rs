//! Paragraph styles of `word/styles.xml`: the numbering and heading level a style gives its
//! paragraphs, followed through `basedOn`.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::xml::{attr, attr_u32};

/// A style: its parent, its own numbering (numId, ilvl), its outline level (0-based, from
/// `w:outlineLvl` or a `heading N` name) and whether it makes text bold.
#[derive(Debug, Default, Clone)]
pub(super) struct ParaStyle {
    pub(super) based_on: Option<String>,
    pub(super) num_id: Option<u32>,
    pub(super) ilvl: Option<u32>,
    pub(super) outline: Option<u32>,
    pub(super) bold: Option<bool>,
}

/// Is a `w:b`-like toggle element on (`<w:b/>`, `w:val="true"`)?
pub(super) fn toggle_on(e: &BytesStart<'_>) -> bool {
    !matches!(
        attr(e, b"val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

pub(super) fn parse_styles(xml: &str) -> HashMap<String, ParaStyle> {
    let mut styles = HashMap::new();
    let mut reader = Reader::from_str(xml);
    let mut cur: Option<(String, ParaStyle)> = None;
    let mut in_ppr = 0usize;
    let mut in_rpr = 0usize;
    while let Ok(ev) = reader.read_event() {
        let empty = matches!(ev, Event::Empty(_));
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"style" => {
                    cur = attr(&e, b"styleId").map(|id| (id, ParaStyle::default()));
                }
                b"pPr" if !empty => in_ppr += 1,
                b"rPr" if !empty => in_rpr += 1,
                b"name" => {
                    if let Some((_, s)) = cur.as_mut()
                        && let Some(n) = attr(&e, b"val")
                        && let Some(level) = n
                            .to_ascii_lowercase()
                            .strip_prefix("heading ")
                            .and_then(|l| l.trim().parse::<u32>().ok())
                        && (1..=9).contains(&level)
                    {
                        s.outline = s.outline.or(Some(level - 1));
                    }
                }
                b"outlineLvl" if in_ppr > 0 => {
                    if let Some((_, s)) = cur.as_mut() {
                        s.outline = attr_u32(&e, b"val");
                    }
                }
                b"b" if in_rpr > 0 => {
                    if let Some((_, s)) = cur.as_mut() {
                        s.bold = Some(toggle_on(&e));
                    }
                }
                b"basedOn" => {
                    if let Some((_, s)) = cur.as_mut() {
                        s.based_on = attr(&e, b"val");
                    }
                }
                b"numId" if in_ppr > 0 => {
                    if let Some((_, s)) = cur.as_mut() {
                        s.num_id = attr_u32(&e, b"val");
                    }
                }
                b"ilvl" if in_ppr > 0 => {
                    if let Some((_, s)) = cur.as_mut() {
                        s.ilvl = attr_u32(&e, b"val");
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"pPr" => in_ppr = in_ppr.saturating_sub(1),
                b"rPr" => in_rpr = in_rpr.saturating_sub(1),
                b"style" => {
                    if let Some((id, s)) = cur.take() {
                        styles.insert(id, s);
                    }
                    in_ppr = 0;
                    in_rpr = 0;
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    styles
}

/// The numbering a paragraph style gives, following `basedOn` (a few steps, no cycles).
pub(super) fn style_numbering(
    styles: &HashMap<String, ParaStyle>,
    id: &str,
) -> (Option<u32>, Option<u32>) {
    let mut num_id = None;
    let mut ilvl = None;
    let mut cur = Some(id.to_string());
    for _ in 0..16 {
        let Some(s) = cur.as_deref().and_then(|c| styles.get(c)) else {
            break;
        };
        num_id = num_id.or(s.num_id);
        ilvl = ilvl.or(s.ilvl);
        if num_id.is_some() && ilvl.is_some() {
            break;
        }
        cur = s.based_on.clone();
    }
    (num_id, ilvl)
}

/// A style's outline level and boldness, following `basedOn` (a few steps, no cycles).
pub(super) fn style_heading(
    styles: &HashMap<String, ParaStyle>,
    id: &str,
) -> (Option<u32>, Option<bool>) {
    let mut outline = None;
    let mut bold = None;
    let mut cur = Some(id.to_string());
    for _ in 0..16 {
        let Some(s) = cur.as_deref().and_then(|c| styles.get(c)) else {
            break;
        };
        outline = outline.or(s.outline);
        bold = bold.or(s.bold);
        cur = s.based_on.clone();
    }
    (outline, bold)
}
