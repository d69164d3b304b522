//! The documents one file holds: the notice that issues them, the documents it issues, and
//! their attachments.
//!
//! A 公文 that issues other documents is a notice (`XX关于印发《A》的通知`): its title, a
//! document number, addressees (`各市人民政府：`), one or two sentences (`现印发给你们`), a
//! signature and a date, sometimes `（此件公开发布）`. Then come the issued documents, each under
//! its own title, which the notice names in its title or in `《…》` quotes. A document may end with
//! attachments (`附件` or `附件2`, then a title, then a body of their own).
//!
//! [`split`] finds these parts from the lines alone: a *title block* is one to three short lines
//! without sentence punctuation that end in a document type (`方案`, `意见`, `通知`…) and are
//! followed, after metadata lines (date, number, signature), by a body (an addressee line, a
//! sentence or a numbered heading). The first title block is the document's; text lines before it
//! are page chrome (menus, page titles) unless they carry metadata. If that document is a notice,
//! each later title block that matches a name the notice issues starts an issued document; if no
//! name matches, the first title block after the notice's date does. An attachment becomes a part
//! of its own if it has an outline (two or more top-level headings) or follows one that has; a
//! list of names right after its document stays in it.

use std::ops::Range;

use super::fields::{find_date, find_doc_number};
use super::places::ORG_ENDINGS;
use crate::lines::{Line, LineKind};
use crate::numbering::{NumberStyle, parse_number};

/// Endings of a document's title.
pub const DOC_TYPES: &[&str] = &[
    "方案", "要点", "规划", "意见", "计划", "办法", "决定", "纲要", "措施", "通知", "细则", "条例",
    "报告", "指南", "政策", "规定", "决议", "通告", "公告", "指标", "清单", "标准", "规则", "制度",
    "章程", "名单", "目录", "导则", "战略", "建议",
];

/// What a part of a file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartRole {
    /// The file's one document.
    Whole,
    /// A document issued by a notice.
    Issued,
    /// An attachment of the document before it; the label as written (`附件`, `附件2`).
    Attachment(String),
}

/// A notice that issues documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notice {
    /// Line indices of its title.
    pub title_lines: Range<usize>,
    /// Its title, normalised, lines joined.
    pub title_norm: String,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Date of the notice (成文日期), `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Document number.
    pub doc_number: Option<String>,
    /// Addressees (`各市人民政府，省政府各部门`).
    pub addressees: Option<String>,
}

/// One document in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocPart {
    /// Line indices of the part, its title included.
    pub lines: Range<usize>,
    /// Line indices of its title; empty when it has none.
    pub title_lines: Range<usize>,
    /// What it is.
    pub role: PartRole,
}

/// The documents of a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segmentation {
    /// The notice, if the file's first document issues the others.
    pub notice: Option<Notice>,
    /// Further notices of the file (a gazette, a bundle), each with the first line of its
    /// title: the documents from that line on are issued by it.
    pub later_notices: Vec<(usize, Notice)>,
    /// The documents, in file order; never empty for a non-empty file.
    pub parts: Vec<DocPart>,
}
pub use crate::chars::compact;

/// The comparison key of a title: Han characters, letters and digits only.
pub fn title_key(t: &str) -> String {
    t.chars()
        .filter(|c| crate::chars::is_han(*c) || c.is_ascii_alphanumeric())
        .collect()
}

/// Strip trailing parenthesised groups holding digits (`(2021-2023年)`, `(国办发〔2018〕128号)`).
fn strip_trailing_parens(t: &str) -> &str {
    let mut t = t.trim_end();
    while t.ends_with(')')
        && let Some(open) = t.rfind('(')
        && t[open..].chars().any(|c| c.is_ascii_digit())
    {
        t = t[..open].trim_end();
    }
    t
}

/// Does a (normalised) text end in a document type?
pub fn ends_in_doc_type(t: &str) -> bool {
    let t = strip_trailing_parens(t);
    let t = t.trim_end_matches(['"', '”', '》']);
    DOC_TYPES.iter().any(|d| t.ends_with(d))
}

fn title_like(t: &str) -> bool {
    let n = t.chars().count();
    // A page title joins the document title with the site's sections (`…--学习专栏-某中学`).
    let page_title = ["--", "|", "_", "－"].iter().any(|s| t.contains(s));
    (2..=90).contains(&n)
        && !page_title
        && !t.contains(['。', ';', '!', '?', ':'])
        && !t.ends_with([',', '、'])
        && !t.starts_with('(')
        && parse_number(t).is_none()
}

/// A parenthesised line after a title (`(2020-2025年)`, `(国办发〔2018〕128号)`, `(此件公开发布)`,
/// `(2001年2月16日…通过)`).
fn is_paren_line(t: &str) -> bool {
    t.starts_with('(') && t.ends_with(')') && t.chars().count() <= 60
}

/// A metadata line between a title and its body: date, number, signature, note.
pub fn is_meta_line(t: &str) -> bool {
    let n = t.chars().count();
    if is_paren_line(t) {
        return true;
    }
    // A speech's dash line under its title (`——2023年1月10日在…会议上`) counts as a date line.
    if find_date(t).is_some()
        && (n <= 20 || t.ends_with(')') || t.ends_with("通过") || t.starts_with('—'))
    {
        return true;
    }
    if find_doc_number(t).is_some() && n <= 30 {
        return true;
    }
    n <= 40 && ORG_ENDINGS.iter().any(|e| t.ends_with(e))
}

/// Text line indices of a range.
fn text_lines(lines: &[Line], range: Range<usize>) -> Vec<usize> {
    range
        .filter(|&k| lines.get(k).is_some_and(|l| l.kind == LineKind::Text))
        .collect()
}

fn norm(lines: &[Line], k: usize) -> &str {
    lines.get(k).map_or("", |l| l.norm.text.as_str())
}

/// A title block starting at `text[p]`: its end position in `text` (exclusive).
fn title_block(lines: &[Line], text: &[usize], p: usize) -> Option<usize> {
    let first = norm(lines, *text.get(p)?);
    if !title_like(first) || is_meta_line(first) {
        return None;
    }
    let mut joined = compact(first);
    let mut end = p + 1;
    while !ends_in_doc_type(&joined) {
        // A title broken over lines starts with a line of some length; menu items are short.
        // Nor does it start with a clause (`近日，市政府印发《…》，一起来看全文`).
        if first.chars().count() < 6 || first.contains(',') {
            return None;
        }
        let next = norm(lines, *text.get(end)?);
        if end - p >= 5
            || !title_like(next)
            || is_meta_line(next)
            || joined.chars().count() + next.chars().count() > 100
        {
            return None;
        }
        joined.push_str(&compact(next));
        end += 1;
    }
    // A period or number in brackets on the next line belongs to the title.
    if let Some(&k) = text.get(end) {
        let t = norm(lines, k);
        if is_paren_line(t) && find_date(t).is_none() && t.chars().count() <= 20 {
            end += 1;
        }
    }
    Some(end)
}

fn block_text(lines: &[Line], text: &[usize], r: Range<usize>) -> String {
    text[r].iter().map(|&k| compact(norm(lines, k))).collect()
}

/// Does a body follow a title block ending at `text[end]`? Returns the position of the body's
/// first line. Metadata lines, a table-of-contents line and a repeat of the title may come first.
fn body_after(lines: &[Line], text: &[usize], end: usize, title: &str) -> Option<usize> {
    let mut p = end;
    while let Some(&k) = text.get(p) {
        let t = norm(lines, k);
        let c = compact(t);
        let skip = is_meta_line(t)
            || c == title
            || c.starts_with("目录")
            || c.starts_with("目次")
            || c == "特此通知";
        if skip && p - end < 8 {
            p += 1;
            continue;
        }
        let addressee = t.ends_with(':') && t.chars().count() <= 100;
        // Text wrapped at a page's width (pdftotext): a sentence's first line, its end on a
        // later line (`为贯彻落实《江苏省…“十四五”` / `规划》，推动…，制` / `定本实施方案。`).
        let wrapped = t.contains(['《', '“', ','])
            && t.chars().count() >= 12
            && !ends_in_doc_type(t)
            && text[p + 1..]
                .iter()
                .take(2)
                .any(|&j| norm(lines, j).contains('。'));
        // A preface heading (`前言`) opens a body.
        let preface = is_preface_heading(t);
        let body = addressee
            || preface
            || parse_number(t).is_some()
            || t.contains('。')
            || t.chars().count() >= 40
            || wrapped;
        return body.then_some(p);
    }
    None
}

/// Positions (in `text`) of title blocks with a body after them, from `from` on: (start, end).
fn titles_from(lines: &[Line], text: &[usize], from: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut p = from;
    while p < text.len() {
        if let Some(end) = title_block(lines, text, p) {
            let t = block_text(lines, text, p..end);
            if body_after(lines, text, end, &t).is_some() {
                out.push((p, end));
                p = end;
                continue;
            }
        }
        p += 1;
    }
    out
}

/// Title blocks of one to three lines, from `from` on, whose text is exactly a name the notice
/// issues (`names`, as [`title_key`]s) and which a body follows: (start, end) in `text`.
fn named_titles(
    lines: &[Line],
    text: &[usize],
    from: usize,
    names: &[String],
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut p = from;
    while p < text.len() {
        let first = norm(lines, text[p]);
        let mut hit = None;
        if title_like(first) && !is_meta_line(first) {
            let mut key = String::new();
            for end in p + 1..(p + 4).min(text.len() + 1) {
                let t = norm(lines, text[end - 1]);
                if end > p + 1 && (!title_like(t) || is_meta_line(t)) {
                    break;
                }
                key.push_str(&title_key(t));
                if names
                    .iter()
                    .any(|n| *n == key || strip_key_period(n) == strip_key_period(&key))
                    && body_after(lines, text, end, &block_text(lines, text, p..end)).is_some()
                {
                    hit = Some(end);
                    break;
                }
            }
        }
        match hit {
            Some(end) => {
                out.push((p, end));
                p = end;
            }
            None => p += 1,
        }
    }
    out
}

/// An unnumbered preface heading alone on its line (`前言`, `序　言`): it opens a body.
pub fn is_preface_heading(t: &str) -> bool {
    ["前言", "序言", "引言", "导言"].contains(&compact(t).as_str())
}

/// Names a notice issues: from its title (`关于印发X的通知`) and `《…》` quotes in its text.
fn issued_names(title: &str, notice_text: &[&str]) -> Vec<String> {
    let mut names = Vec::new();
    let t = strip_trailing_parens(title);
    for verb in ["印发", "转发", "发布", "颁布"] {
        if let Some(i) = t.find(verb) {
            let inner = &t[i + verb.len()..];
            let inner = inner.strip_suffix("的通知").unwrap_or(inner);
            let inner = inner.strip_suffix("通知").unwrap_or(inner);
            names.extend(quoted(inner));
            names.push(inner.to_string());
            break;
        }
    }
    for line in notice_text {
        names.extend(quoted(line));
    }
    names
        .into_iter()
        .map(|n| title_key(&n))
        .filter(|k| k.chars().count() >= 4)
        .collect()
}

/// Top-level `《…》` spans of a text.
fn quoted(t: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut cur = String::new();
    for c in t.chars() {
        match c {
            '《' => {
                if depth > 0 {
                    cur.push(c);
                }
                depth += 1;
            }
            '》' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push(std::mem::take(&mut cur));
                } else {
                    cur.push(c);
                }
            }
            _ if depth > 0 => cur.push(c),
            _ => {}
        }
    }
    out
}

/// Split a file's classified lines into its documents. Text lines before the first document's
/// title that carry no metadata are marked [`LineKind::Chrome`].
pub fn split(lines: &mut [Line]) -> Segmentation {
    let all = 0..lines.len();
    let text = text_lines(lines, all.clone());
    let whole = |title: Range<usize>| DocPart {
        lines: all.clone(),
        title_lines: title,
        role: PartRole::Whole,
    };
    let titles = titles_from(lines, &text, 0);
    // The document's title: the first title block, or a later one that repeats or continues it
    // right away (a database export prints the title twice).
    let Some(&(mut t0, mut t0_end)) = titles.first() else {
        return Segmentation {
            notice: None,
            later_notices: Vec::new(),
            parts: attachments(lines, whole(0..0)),
        };
    };
    let mut k = 1;
    while let Some(&(s, e)) = titles.get(k) {
        let between = text[t0_end..s]
            .iter()
            .all(|&j| is_meta_line(norm(lines, j)));
        if !between || s - t0_end > 3 {
            break;
        }
        t0 = s;
        t0_end = e;
        k += 1;
    }
    // An issuer on its own line above `关于…` starts the title (`中共某市委　某市人民政府` over
    // `关于…的实施意见`).
    if let Some(&prev) = t0.checked_sub(1).and_then(|p| text.get(p)) {
        let above = norm(lines, prev);
        let first = norm(lines, text[t0]);
        if first.starts_with("关于")
            && find_date(above).is_none()
            && find_doc_number(above).is_none()
            && super::naming::issuer_of_title(&format!("{above}{first}")).is_some()
        {
            t0 -= 1;
        }
    }
    // Chrome before the title.
    for &j in &text[..t0] {
        let t = norm(lines, j);
        let meta = is_meta_line(t) || find_doc_number(t).is_some();
        if !meta && let Some(l) = lines.get_mut(j) {
            l.kind = LineKind::Chrome;
        }
    }
    let t0_text = block_text(lines, &text, t0..t0_end);
    if !is_notice_title(&t0_text) {
        return Segmentation {
            notice: None,
            later_notices: Vec::new(),
            parts: attachments(lines, whole(line_range(&text, t0..t0_end))),
        };
    }
    let Some((notice, mut parts, mut next)) = notice_and_issued(lines, &text, t0, t0_end, &t0_text)
    else {
        return Segmentation {
            notice: None,
            later_notices: Vec::new(),
            parts: attachments(lines, whole(line_range(&text, t0..t0_end))),
        };
    };
    // A gazette or a bundle: further notices, each with the documents it issues.
    let mut later_notices = Vec::new();
    while let Some(p) = next {
        let sub = &text[p..];
        let found = title_block(lines, sub, 0).and_then(|end| {
            let t = block_text(lines, sub, 0..end);
            notice_and_issued(lines, sub, 0, end, &t)
        });
        let Some((n, more, after)) = found else {
            // Not a notice after all: its lines stay with the document before it.
            if let Some(last) = parts.last_mut() {
                last.lines.end = lines.len();
            }
            break;
        };
        if let Some(&at) = sub.first() {
            later_notices.push((at, n));
        }
        parts.extend(more);
        next = after.map(|q| p + q);
    }
    Segmentation {
        notice: Some(notice),
        later_notices,
        parts,
    }
}

/// Does a (normalised, compact) title issue other documents (`…关于印发…的通知`)?
fn is_notice_title(t: &str) -> bool {
    ends_in_doc_type(t)
        && strip_trailing_parens(t).ends_with("通知")
        && ["印发", "转发", "发布", "颁布"]
            .iter()
            .any(|v| t.contains(v))
}

/// The lines spanned by the text lines `text[r]` (first to last, chrome between included).
fn line_range(text: &[usize], r: Range<usize>) -> Range<usize> {
    match (
        text.get(r.start),
        r.end.checked_sub(1).and_then(|e| text.get(e)),
    ) {
        (Some(&a), Some(&b)) => a..b + 1,
        _ => 0..0,
    }
}

/// The notice titled at `text[t0..t0_end]` and the documents it issues, up to the next notice
/// title after them (its position in `text`, returned third); `None` when it issues none.
fn notice_and_issued(
    lines: &[Line],
    text: &[usize],
    t0: usize,
    t0_end: usize,
    t0_text: &str,
) -> Option<(Notice, Vec<DocPart>, Option<usize>)> {
    // Issued documents: later title blocks matching a name the notice issues.
    let mut later = titles_from(lines, text, t0_end);
    let notice_end = later.first().map_or(text.len(), |t| t.0);
    let notice_lines: Vec<&str> = text[t0_end..notice_end]
        .iter()
        .map(|&j| norm(lines, j))
        .collect();
    let names = issued_names(t0_text, &notice_lines);
    // A title the notice names is a title whatever its ending (`…重点任务`, `…工作要求`).
    for found in named_titles(lines, text, t0_end, &names) {
        if !later.iter().any(|&(s, e)| s < found.1 && found.0 < e) {
            later.push(found);
        }
    }
    later.sort_unstable();
    let mut starts: Vec<(usize, usize)> = Vec::new();
    let mut used: Vec<String> = Vec::new();
    for &(s, e) in &later {
        let key = title_key(&block_text(lines, text, s..e));
        let hit = names.iter().find(|n| {
            !used.contains(n) && (**n == key || strip_key_period(n) == strip_key_period(&key))
        });
        if let Some(n) = hit {
            used.push(n.clone());
            starts.push((s, e));
        }
    }
    if starts.is_empty() {
        // No name matched: the first title block after the notice's date.
        let date_at = (t0_end..text.len().min(t0_end + 30)).find(|&p| {
            find_date(norm(lines, text[p])).is_some() && is_meta_line(norm(lines, text[p]))
        });
        if let Some(d) = date_at
            && let Some(&(s, e)) = later.iter().find(|(s, _)| *s > d)
        {
            starts.push((s, e));
        }
    }
    let &(first_issued, _) = starts.first()?;
    // The next notice after the documents this one issues.
    let next = later
        .iter()
        .filter(|(s, _)| *s > first_issued && !starts.iter().any(|(a, _)| a == s))
        .find(|&&(s, e)| is_notice_title(&block_text(lines, text, s..e)))
        .map(|&(s, _)| s);
    if let Some(n) = next {
        starts.retain(|&(s, _)| s < n);
    }
    let notice = read_notice(lines, text, t0..t0_end, first_issued, t0_text);
    let stop = next
        .and_then(|n| text.get(n))
        .copied()
        .unwrap_or(lines.len());
    let mut parts = Vec::new();
    for (i, &(s, e)) in starts.iter().enumerate() {
        let end_line = starts
            .get(i + 1)
            .and_then(|n| text.get(n.0))
            .copied()
            .unwrap_or(stop);
        let start_line = text.get(s).copied().unwrap_or(0);
        parts.extend(attachments(
            lines,
            DocPart {
                lines: start_line..end_line,
                title_lines: line_range(text, s..e),
                role: PartRole::Issued,
            },
        ));
    }
    Some((notice, parts, next))
}

/// A key without a trailing period (`…行动计划20212023年` → `…行动计划`) or a status the
/// document's own title adds to the name its notice gives (`…实施方案试行`).
fn strip_key_period(k: &str) -> String {
    for status in ["试行", "暂行", "修订", "修订稿", "征求意见稿", "草案"] {
        if let Some(t) = k.strip_suffix(status)
            && t.chars().count() >= 4
        {
            return strip_key_period(t);
        }
    }
    let t = k.trim_end_matches(|c: char| c.is_ascii_digit() || c == '年');
    if t.len() + 8 <= k.len() {
        t.to_string()
    } else {
        k.to_string()
    }
}

fn read_notice(
    lines: &[Line],
    text: &[usize],
    title: Range<usize>,
    issued_at: usize,
    title_norm: &str,
) -> Notice {
    let title_lines = match (text.get(title.start), text.get(title.end.saturating_sub(1))) {
        (Some(&a), Some(&b)) => a..b + 1,
        _ => 0..0,
    };
    let body: Vec<&str> = text[title.end..issued_at]
        .iter()
        .map(|&j| norm(lines, j))
        .collect();
    let before: Vec<&str> = text[..title.start]
        .iter()
        .map(|&j| norm(lines, j))
        .collect();
    let doc_number = find_doc_number(title_norm)
        .or_else(|| {
            body.iter()
                .filter(|t| t.chars().count() <= 30)
                .find_map(|t| find_doc_number(t))
        })
        .or_else(|| before.iter().rev().find_map(|t| find_doc_number(t)));
    let date = body
        .iter()
        .filter(|t| t.chars().count() <= 20)
        .find_map(|t| find_date(t));
    let signature = body
        .iter()
        .rev()
        .find(|t| t.chars().count() <= 40 && ORG_ENDINGS.iter().any(|e| t.ends_with(e)))
        .map(|t| t.to_string());
    let addressees = body
        .iter()
        .find(|t| t.ends_with(':') && t.chars().count() <= 100)
        .map(|t| t.trim_end_matches(':').to_string());
    Notice {
        title_lines,
        title_norm: title_norm.to_string(),
        issuer: super::naming::issuer_of_title(title_norm).or(signature),
        date,
        doc_number,
        addressees,
    }
}

/// `附件`, `附件2`, `附件：`, `附件2：` alone on a line → its label.
pub fn attachment_marker(t: &str) -> Option<String> {
    let c = compact(t);
    let rest = c.strip_prefix("附件")?;
    let label_num: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
        .collect();
    let after = &rest[label_num.len()..];
    after
        .trim_start_matches([':', '：'])
        .is_empty()
        .then(|| format!("附件{label_num}"))
}

/// Split attachments with an outline of their own off a document part.
fn attachments(lines: &[Line], part: DocPart) -> Vec<DocPart> {
    let text = text_lines(
        lines,
        part.title_lines.end.max(part.lines.start)..part.lines.end,
    );
    let mut cuts: Vec<(usize, Range<usize>, String)> = Vec::new();
    let mut p = 0;
    while p < text.len() {
        let Some(label) = attachment_marker(norm(lines, text[p])) else {
            p += 1;
            continue;
        };
        let Some(end) = title_block(lines, &text, p + 1) else {
            p += 1;
            continue;
        };
        let title = block_text(lines, &text, p + 1..end);
        // After an attachment with an outline, any content counts (a list of names).
        let Some(body) = body_after(lines, &text, end, &title)
            .or_else(|| (!cuts.is_empty() && end < text.len()).then_some(end))
        else {
            p += 1;
            continue;
        };
        // Its own outline: two top-level headings of one style, counted up to the next marker.
        let stop = (body..text.len())
            .find(|&q| attachment_marker(norm(lines, text[q])).is_some())
            .unwrap_or(text.len());
        let heads = (body..stop)
            .filter_map(|q| parse_number(norm(lines, text[q])))
            .filter(|n| {
                matches!(
                    n.style,
                    NumberStyle::CnCapital
                        | NumberStyle::CnComma
                        | NumberStyle::Chapter
                        | NumberStyle::Division
                ) && n.value <= 2
            })
            .count();
        // A table with category rows (`一、片区更新类` over `1 项目 区 投资`) has no sentence:
        // it is no document of its own.
        let sentences = (body..stop).any(|q| norm(lines, text[q]).contains('。'));
        // An attachment without an outline (a list of names) stays in its document, unless an
        // attachment with an outline came before it: then it ends that one.
        if (heads >= 2 && sentences) || !cuts.is_empty() {
            let title_lines = text[p + 1]..text[end - 1] + 1;
            cuts.push((text[p], title_lines, label));
        }
        p = end;
    }
    if cuts.is_empty() {
        return vec![part];
    }
    let mut out = Vec::new();
    let first_cut = cuts[0].0;
    out.push(DocPart {
        lines: part.lines.start..first_cut,
        ..part.clone()
    });
    for (i, (at, title_lines, label)) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).map_or(part.lines.end, |c| c.0);
        out.push(DocPart {
            lines: *at..end,
            title_lines: title_lines.clone(),
            role: PartRole::Attachment(label.clone()),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::classify_lines;

    fn parts(text: &str) -> (Segmentation, Vec<Line>) {
        let mut lines = classify_lines(text);
        let s = split(&mut lines);
        (s, lines)
    }

    fn title_of(lines: &[Line], p: &DocPart) -> String {
        lines[p.title_lines.clone()]
            .iter()
            .map(|l| l.norm.text.clone())
            .collect()
    }

    #[test]
    fn a_notice_issuing_two_documents() {
        let text = "某省人民政府办公厅关于印发甲若干政策和乙行动计划的通知\n(某政办〔2021〕8号)\n各市人民政府：\n《甲若干政策》《乙行动计划》已经同意，现印发给你们。\n某省人民政府办公厅\n2021年9月2日\n甲若干政策\n为了发展，制定以下政策。\n一、支持平台\n内容。\n乙行动计划\n为了发展，制定本计划。\n一、总体要求\n内容。\n二、行动\n内容。";
        let (s, lines) = parts(text);
        assert_eq!(s.parts.len(), 2);
        assert_eq!(title_of(&lines, &s.parts[0]), "甲若干政策");
        assert_eq!(title_of(&lines, &s.parts[1]), "乙行动计划");
        let n = s.notice.unwrap();
        assert_eq!(n.issuer.as_deref(), Some("某省人民政府办公厅"));
        assert_eq!(n.date.as_deref(), Some("2021-09-02"));
        assert_eq!(n.doc_number.as_deref(), Some("某政办〔2021〕8号"));
        assert_eq!(n.addressees.as_deref(), Some("各市人民政府"));
    }

    #[test]
    fn an_attachment_with_its_own_outline_is_a_part() {
        let text = "某市考评办法\n为了考评，制定本办法。\n一、对象\n各部门。\n二、结果\n通报。\n附件：\n某市考评指标\n附件\n某市考评指标\n一、政务服务(25分)\n1.事项全部网办。\n二、治理(20分)\n2.事项。";
        let (s, lines) = parts(text);
        assert_eq!(s.parts.len(), 2);
        assert_eq!(s.parts[1].role, PartRole::Attachment("附件".into()));
        assert_eq!(title_of(&lines, &s.parts[1]), "某市考评指标");
        // The attachment list stays in the document.
        assert!(s.parts[0].lines.end > 7);
    }

    #[test]
    fn a_list_of_names_stays_in_its_document() {
        let text = "某计划\n为了发展，制定本计划。\n一、总体要求\n内容。\n附件\n工作组名单\n组长：某某 省长\n副组长：某某 副省长";
        let (s, _) = parts(text);
        assert_eq!(s.parts.len(), 1);
    }

    #[test]
    fn menus_before_the_title_are_chrome() {
        let text = "学习材料--学习专栏-某中学\n首页\n新闻中心\n中共中央 国务院关于支持某地发展的意见\n(2021年5月20日)\n共同富裕是社会主义的本质要求。\n一、总体要求";
        let (s, lines) = parts(text);
        assert_eq!(lines[0].kind, LineKind::Chrome);
        assert_eq!(lines[2].kind, LineKind::Chrome);
        assert_eq!(s.parts[0].title_lines, 3..4);
    }
}
