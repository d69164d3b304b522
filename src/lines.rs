//! Line classification: which lines of a document are text, and which are layout debris.
//!
//! Plan files carry debris from wherever they were copied: page numbers (`- 12 -`), running
//! headers repeated on every page, tables of contents (leader dots, markdown tables), web-page
//! metadata (`添加日期 … 浏览次数`). This module marks each line once, on its normalised text,
//! so that plan splitting and outline parsing only ever look at the text lines.

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;

use crate::normalize::{Normalized, normalize_line};
use crate::numbering::parse_number;

/// What a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Nothing but whitespace.
    Blank,
    /// A page number on its own line.
    PageNumber,
    /// Web-page metadata (date added, author, source, view count, share/print links).
    WebMeta,
    /// A table-of-contents line (title, leader dots, page number; markdown table rows; 目录).
    Toc,
    /// A short line repeated on many pages (running header or footer).
    RunningHeader,
    /// Page chrome or metadata outside the document: front matter, a database export header, a
    /// portal's metadata table, menus before the title, a web page's footer
    /// (see [`crate::document::header`]).
    Chrome,
    /// Anything else.
    Text,
}

/// One line of the original document.
#[derive(Debug, Clone)]
pub struct Line {
    /// 0-based line number.
    pub line_no: usize,
    /// Byte range in the original text, without the newline.
    pub orig_range: Range<usize>,
    /// The normalised line.
    pub norm: Normalized,
    /// What it is.
    pub kind: LineKind,
    /// The level of an unnumbered heading the line is marked as (`## 标题` → 2): a Markdown
    /// heading, or the mark an importer gives a DOCX heading style or outline level, a bold
    /// paragraph standing alone, or an HTML `h1`–`h4`. A level used by one line only, before
    /// every other mark, is the document's title and is not a mark.
    pub mark: Option<u8>,
}

impl Line {
    /// Number of chars in the normalised line.
    pub fn norm_chars(&self) -> usize {
        self.norm.text.chars().count()
    }
}

/// Split the original text into lines and classify them.
///
/// Headings run into each other on one line (`第三篇推进改革开放第十三章深化各项改革`, a
/// regulation's `第一章 总则第一条 为了…`) are split into lines of their own, so `line_no` is the
/// index in the returned vector, not always the file's line number.
pub fn classify_lines(original: &str) -> Vec<Line> {
    // Each line is normalised and classified on its own (in parallel: a compilation of dozens
    // of plans is one long file, and this is most of its import); numbered in order after.
    let mut raws: Vec<(usize, &str)> = Vec::new();
    let mut start = 0;
    for raw in original.split('\n') {
        raws.push((start, raw));
        start += raw.len() + 1;
    }
    let pieces: Vec<Vec<Line>> = raws
        .par_iter()
        .with_min_len(64)
        .map(|&(start, raw)| classify_raw(original, raw, start))
        .collect();
    let mut lines: Vec<Line> = Vec::with_capacity(raws.len());
    for line in pieces.into_iter().flatten() {
        lines.push(Line {
            line_no: lines.len(),
            ..line
        });
    }
    mark_toc_block(&mut lines);
    mark_running_headers(&mut lines);
    drop_title_mark(&mut lines);
    lines
}

/// The lines of one line of the file, `raw` at byte `start` of `original` (several when
/// headings run into each other), numbered 0 (see [`classify_lines`]).
fn classify_raw(original: &str, raw: &str, start: usize) -> Vec<Line> {
    let norm = normalize_line(raw, start);
    let mut cuts = run_in_heading_cuts(&norm.text);
    if cuts.is_empty() {
        cuts = run_in_list_cuts(&norm.text);
    }
    if cuts.is_empty() {
        cuts = attachment_title_cut(&norm.text).into_iter().collect();
    }
    if cuts.is_empty() {
        cuts = page_number_cut(&norm.text).into_iter().collect();
    }
    if cuts.is_empty() {
        let kind = classify_one(&norm.text);
        let mark = heading_mark(raw).filter(|_| kind == LineKind::Text);
        return vec![Line {
            line_no: 0,
            orig_range: start..start + raw.len(),
            norm,
            kind,
            mark,
        }];
    }
    let mut bounds: Vec<usize> = vec![start];
    bounds.extend(cuts.iter().map(|&c| norm.to_orig(c)));
    bounds.push(start + raw.len());
    bounds
        .windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let piece = original.get(a..b).unwrap_or("");
            let norm = normalize_line(piece, a);
            let kind = classify_one(&norm.text);
            Line {
                line_no: 0,
                orig_range: a..b,
                norm,
                kind,
                mark: None,
            }
        })
        .collect()
}

/// Where a line that starts with a 第X篇/章/节 heading has another 第X篇/章/节/条 heading run into
/// it with no sentence end before it: byte offsets of the later headings in the normalised line.
fn run_in_heading_cuts(t: &str) -> Vec<usize> {
    use crate::numbering::NumberStyle;
    let big = |style: NumberStyle| {
        matches!(
            style,
            NumberStyle::Division | NumberStyle::Chapter | NumberStyle::Part
        )
    };
    if !t.starts_with('第') || !parse_number(t).is_some_and(|n| big(n.style)) {
        return Vec::new();
    }
    let mut cuts = Vec::new();
    let mut from = 0;
    for (i, c) in t.char_indices().skip(1) {
        if c != '第' {
            continue;
        }
        let head = &t[from..i];
        if head.contains(['。', ';', '!', '?']) || head.chars().count() > 40 {
            break;
        }
        let Some(n) = parse_number(&t[i..]) else {
            continue;
        };
        if (big(n.style) || n.style == NumberStyle::Article) && head.chars().count() >= 3 {
            cuts.push(i);
            from = i;
            if n.style == NumberStyle::Article {
                break;
            }
        }
    }
    cuts
}

/// Where a `一、` heading line has its `(一)` headings run into it, each after a sentence end
/// (`二、增强县城承载能力。(一)完善市政设施。推进…。(二)提升公共服务。…`): byte offsets of
/// their numbers, when there are two or more numbered one after another (a list may go on from
/// the paragraph before: `(四)`, `(五)`). Lower lists run into an item (`1.…。(1)…。(2)…`, as
/// the 淄博 seed writes its measures) stay text. So do `(一)` headings run into a line that is
/// itself a `(一)` heading, when they go on from its number (`(一)做强州府。…。(二)壮大县城。…`).
fn run_in_list_cuts(t: &str) -> Vec<usize> {
    use crate::numbering::NumberStyle;
    let Some(head) = parse_number(t) else {
        return Vec::new();
    };
    // `(一)` items run into a `一、` line (under it) or into a `(一)` line (its siblings).
    if !matches!(head.style, NumberStyle::CnComma | NumberStyle::CnParen) {
        return Vec::new();
    }
    let mut found: Vec<(usize, NumberStyle, u32)> = Vec::new();
    for (i, _) in t.match_indices('。') {
        let at = i + '。'.len_utf8();
        let Some(n) = t.get(at..).and_then(parse_number) else {
            continue;
        };
        if n.style == NumberStyle::CnParen && n.start == 0 {
            found.push((at, n.style, n.value));
        }
    }
    let in_order = found
        .windows(2)
        .all(|w| w[1].1 == w[0].1 && w[1].2 == w[0].2 + 1);
    let siblings_go_on =
        head.style == NumberStyle::CnParen && found.first().is_some_and(|f| f.2 == head.value + 1);
    let enough = match head.style {
        NumberStyle::CnParen => siblings_go_on,
        _ => found.len() >= 2,
    };
    if enough && in_order {
        found.iter().map(|f| f.0).collect()
    } else {
        Vec::new()
    }
}

/// Where an attachment's label has its title run into it (`附件:某市城乡融合发展实施方案`): the
/// byte offset of the title. A list of attachments (`附件:1.…`) and a file link are no title.
fn attachment_title_cut(t: &str) -> Option<usize> {
    let rest = t.strip_prefix("附件")?;
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = rest[digits..].strip_prefix(':')?;
    let title = rest.trim_start();
    let at = t.len() - title.len();
    let n = title.chars().count();
    ((6..=80).contains(&n)
        && parse_number(title).is_none()
        && !title.starts_with(|c: char| c.is_ascii_digit())
        && !title.contains(['。', '.'])
        && crate::chars::reads_as_title(title))
    .then_some(at)
}

/// Where a page number between dashes has the next page's first line run into it (text copied
/// out of a PDF: `- 3 - 三、保障措施`, `—4—二、…`): the byte offset of that line's text.
fn page_number_cut(t: &str) -> Option<usize> {
    let dash = |c: char| matches!(c, '-' | '—' | '–');
    let rest = t.strip_prefix(dash)?.trim_start_matches(dash).trim_start();
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if !(1..=4).contains(&digits) {
        return None;
    }
    let after = rest[digits..]
        .trim_start()
        .strip_prefix(dash)?
        .trim_start_matches(dash)
        .trim_start();
    (!after.is_empty() && !after.starts_with(|c: char| c.is_ascii_digit()))
        .then(|| t.len() - after.len())
}

/// Lines after a `目录` line (alone or run into the first entry: `目录序言`) that start with a
/// heading number and hold no sentence are the table of contents, up to the first other line or
/// the first heading that repeats the first entry (the body starting again).
fn mark_toc_block(lines: &mut [Line]) {
    let mut k = 0;
    while k < lines.len() {
        let compact: String = lines[k].norm.text.split_whitespace().collect();
        let opens = matches!(lines[k].kind, LineKind::Text | LineKind::Toc)
            && (compact.starts_with("目录") || compact.starts_with("目次"))
            && compact.chars().count() <= 12;
        if !opens {
            k += 1;
            continue;
        }
        lines[k].kind = LineKind::Toc;
        let mut first: Option<(crate::numbering::NumberStyle, u32)> = None;
        let mut j = k + 1;
        while j < lines.len() {
            let l = &lines[j];
            if l.kind == LineKind::Blank {
                j += 1;
                continue;
            }
            // An entry already read as one (leader dots and a page number) still counts as the
            // first entry, so the body's first heading, which repeats it, ends the block.
            if l.kind == LineKind::Toc {
                if first.is_none()
                    && let Some(n) = parse_number(&l.norm.text)
                {
                    first = Some((n.style, n.value));
                }
                j += 1;
                continue;
            }
            let t = &l.norm.text;
            let Some(n) = parse_number(t) else { break };
            if l.kind != LineKind::Text || t.contains(['。', ';']) || t.chars().count() > 60 {
                break;
            }
            match first {
                None => first = Some((n.style, n.value)),
                Some(f) if f == (n.style, n.value) => break,
                Some(_) => {}
            }
            lines[j].kind = LineKind::Toc;
            j += 1;
        }
        k = j;
    }
}

/// The level of a Markdown heading line (`## 标题`): 1–6 `#`, then a space, then text.
fn heading_mark(raw: &str) -> Option<u8> {
    let t = raw.trim_start_matches([' ', '\t']);
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &t[hashes..];
    let text = rest.strip_prefix([' ', '\u{3000}'])?;
    (!text.trim().is_empty()).then_some(hashes as u8)
}

/// The highest mark level, used by one line that comes before every other marked line, is the
/// document's title (`# 关于…的通知` over `##` sections), not a section.
fn drop_title_mark(lines: &mut [Line]) {
    let Some(top) = lines.iter().filter_map(|l| l.mark).min() else {
        return;
    };
    let mut tops = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.mark == Some(top));
    let (Some((first, _)), None) = (tops.next(), tops.next()) else {
        return;
    };
    if lines[..first].iter().all(|l| l.mark.is_none()) {
        lines[first].mark = None;
    }
}

fn classify_one(t: &str) -> LineKind {
    if t.is_empty() {
        return LineKind::Blank;
    }
    if is_page_number(t) {
        return LineKind::PageNumber;
    }
    if is_toc_line(t) {
        return LineKind::Toc;
    }
    if is_web_meta(t) {
        return LineKind::WebMeta;
    }
    if is_markdown_image(t) {
        return LineKind::Chrome;
    }
    LineKind::Text
}

/// A Markdown image alone on its line (`![图片](https://…)`, as a saved WeChat article has them
/// between its paragraphs): no text of the document.
fn is_markdown_image(t: &str) -> bool {
    t.starts_with("![") && t.ends_with(')') && t.contains("](") && t.matches("](").count() == 1
}

fn is_page_number(t: &str) -> bool {
    let core = t.trim_matches(|c: char| matches!(c, '-' | '—' | '–' | '·' | ' ' | '_'));
    if !core.is_empty() && core.len() <= 4 && core.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    // 3/12, 3 / 12 (page of pages, as browsers and office suites print it)
    if let Some((a, b)) = core.split_once('/') {
        let (a, b) = (a.trim(), b.trim());
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 3 && s.chars().all(|c| c.is_ascii_digit());
        if digits(a) && digits(b) && a.parse::<u32>().ok() <= b.parse::<u32>().ok() {
            return true;
        }
    }
    // 第 3 页 / 第3页共20页 / Page 3 of 20
    let t2 = t.replace(' ', "");
    (t2.starts_with('第')
        && t2.contains('页')
        && t2.chars().count() <= 12
        && t2.chars().any(|c| c.is_ascii_digit()))
        || (t2.to_ascii_lowercase().starts_with("page") && t2.len() <= 16)
}

fn is_toc_line(t: &str) -> bool {
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if compact == "目录" || compact == "目次" {
        return true;
    }
    // Markdown table rows and separator rows.
    if compact.starts_with('|') && compact.ends_with('|') {
        return true;
    }
    // Leader dots followed by a page number: 一、总体要求……3 / 北京市房山区…..1
    let trimmed = compact.trim_end_matches(|c: char| c.is_ascii_digit());
    if trimmed.len() < compact.len() {
        let leaders = trimmed
            .chars()
            .rev()
            .take_while(|c| matches!(c, '.' | '…' | '·' | '-' | '_' | '。'))
            .count();
        if leaders >= 3 || trimmed.ends_with("……") {
            return true;
        }
    }
    false
}

const WEB_META_KEYS: &[&str] = &[
    "添加日期",
    "发布日期",
    "发布时间",
    "发文日期",
    "作者:",
    "来源:",
    "浏览次数",
    "点击数",
    "阅读次数",
    "访问次数",
    "字号",
    "打印本页",
    "关闭窗口",
    "当前位置",
    "您的位置",
    "分享到",
    "【打印】",
    "【关闭】",
    "责任编辑",
    "信息来源",
    "[打印]",
    "[关闭]",
    // A reposting account's credits (`编辑：王晓　审核：李明`).
    "编辑:",
    "审核:",
];

fn is_web_meta(t: &str) -> bool {
    if t.len() > 300 {
        return false;
    }
    let hits = WEB_META_KEYS.iter().filter(|k| t.contains(*k)).count();
    hits >= 2 || (hits == 1 && t.chars().count() <= 24 && !t.ends_with('。'))
}

fn mark_running_headers(lines: &mut [Line]) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for l in lines.iter().filter(|l| l.kind == LineKind::Text) {
        *counts.entry(l.norm.text.as_str()).or_default() += 1;
    }
    // A line printed twice is a running header too when each copy stands at a page's edge: the
    // file's first line, or next to a page number (a two-page PDF's `某市人民政府公报 2021年第4期`).
    let near_page_number = |k: usize| -> bool {
        let solid = |l: &&Line| l.kind != LineKind::Blank;
        lines[..k]
            .iter()
            .rev()
            .filter(solid)
            .take(2)
            .any(|l| l.kind == LineKind::PageNumber)
            || lines[k + 1..]
                .iter()
                .filter(solid)
                .take(2)
                .any(|l| l.kind == LineKind::PageNumber)
            || lines[..k].iter().all(|l| l.kind == LineKind::Blank)
    };
    // Where each line printed twice stands (one pass; none without page numbers).
    let mut twice: HashMap<&str, Vec<usize>> = HashMap::new();
    if lines.iter().any(|l| l.kind == LineKind::PageNumber) {
        for (k, l) in lines.iter().enumerate() {
            if l.kind == LineKind::Text && counts.get(l.norm.text.as_str()) == Some(&2) {
                twice.entry(l.norm.text.as_str()).or_default().push(k);
            }
        }
    }
    let at_edges: std::collections::HashSet<&str> = twice
        .into_iter()
        .filter(|(_, at)| at.iter().all(|&k| near_page_number(k)))
        .map(|(t, _)| t)
        .collect();
    let repeated: std::collections::HashSet<String> = counts
        .into_iter()
        .filter(|(t, n)| {
            (*n >= 3 || at_edges.contains(t))
                && t.chars().count() <= 30
                && parse_number(t).is_none()
                && !t.ends_with(['。', ':', ';', '!', '?', ',', '，', '、'])
        })
        .map(|(t, _)| t.to_string())
        .collect();
    if repeated.is_empty() {
        return;
    }
    // A document's own title printed as the running header keeps its first copy: it is the
    // title (`绵阳市“十四五”新型城镇化规划` atop every page and atop the first).
    let mut kept: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for l in lines.iter_mut() {
        if l.kind == LineKind::Text && repeated.contains(&l.norm.text) {
            if crate::chars::reads_as_title(&l.norm.text)
                && let Some(t) = repeated.get(&l.norm.text)
                && kept.insert(t.as_str())
            {
                continue;
            }
            l.kind = LineKind::RunningHeader;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_run_together_are_split() {
        let text = "第三篇推进改革开放第十三章深化各项改革\n第一节推进国有企业改革\n第一章 总则第一条 为了规范管理，制定本办法。";
        let lines = classify_lines(text);
        let texts: Vec<&str> = lines.iter().map(|l| l.norm.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "第三篇推进改革开放",
                "第十三章深化各项改革",
                "第一节推进国有企业改革",
                "第一章总则",
                "第一条为了规范管理,制定本办法。"
            ]
        );
        assert_eq!(&text[lines[1].orig_range.clone()], "第十三章深化各项改革");
        assert!(lines.iter().enumerate().all(|(k, l)| l.line_no == k));
    }

    #[test]
    fn a_header_on_both_pages_of_a_two_page_pdf_is_a_running_header() {
        let text = "某市人民政府公报 2021年第4期\n某市人民政府关于印发方案的通知\n正文。\n— 1 —\n\n某市人民政府公报 2021年第4期\n一、总体目标\n一、总体目标\n— 2 —";
        let lines = classify_lines(text);
        let kinds: Vec<LineKind> = lines.iter().map(|l| l.kind).collect();
        assert_eq!(kinds[0], LineKind::RunningHeader, "{kinds:?}");
        assert_eq!(kinds[5], LineKind::RunningHeader, "{kinds:?}");
        // A numbered line twice is never one; nor a line repeated away from page edges.
        assert_eq!(kinds[6], LineKind::Text, "{kinds:?}");
        assert_eq!(kinds[1], LineKind::Text, "{kinds:?}");
    }

    #[test]
    fn a_list_run_into_its_heading_is_split() {
        let text = "二、增强县城综合承载能力。（一）完善市政设施。推进管网改造。（二）提升公共服务。推进医院提标。\n三、推进城乡一体化。（三）推进交通一体化。\n四、加强保障。坚持（一）个原则。（二）另一个。";
        let lines = classify_lines(text);
        let texts: Vec<&str> = lines.iter().map(|l| l.norm.text.as_str()).collect();
        assert_eq!(texts.len(), 5, "{texts:?}");
        assert!(texts[1].starts_with("(一)完善市政设施"), "{texts:?}");
        assert!(texts[2].starts_with("(二)提升公共服务"), "{texts:?}");
        // One run-in number alone is no list.
        assert!(texts[3].ends_with("(三)推进交通一体化。"), "{texts:?}");
    }

    #[test]
    fn a_title_printed_as_the_running_header_keeps_its_first_copy() {
        let text = "某市新型城镇化规划\n某市新型城镇化规划\n第一章　发展基础\n正文。\n— 1 —\n某市新型城镇化规划\n正文。\n— 2 —\n某市新型城镇化规划\n正文。";
        let lines = classify_lines(text);
        let kinds: Vec<LineKind> = lines.iter().map(|l| l.kind).collect();
        assert_eq!(kinds[0], LineKind::Text, "{kinds:?}");
        assert_eq!(kinds[1], LineKind::RunningHeader, "{kinds:?}");
        assert_eq!(kinds[5], LineKind::RunningHeader, "{kinds:?}");
    }

    #[test]
    fn an_attachment_label_with_its_title_run_in_is_two_lines() {
        let text = "附件：某市城乡融合发展实施方案\n附件：1.甲方案\n附件2：乙.docx";
        let lines = classify_lines(text);
        let texts: Vec<&str> = lines.iter().map(|l| l.norm.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "附件:",
                "某市城乡融合发展实施方案",
                "附件:1.甲方案",
                "附件2:乙.docx"
            ]
        );
    }

    #[test]
    fn sibling_headings_run_into_a_heading_line_are_split() {
        let lines = classify_lines(
            "(一)做强州府。推进产城融合。(二)壮大县城。支持扩容提质。(三)建设小镇。\n(1)推进改造。(2)完善设施。\n(二)加强领导。统筹(三)项任务。",
        );
        let texts: Vec<&str> = lines.iter().map(|l| l.norm.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "(一)做强州府。推进产城融合。",
                "(二)壮大县城。支持扩容提质。",
                "(三)建设小镇。",
                "(1)推进改造。(2)完善设施。",
                "(二)加强领导。统筹(三)项任务。"
            ]
        );
    }

    #[test]
    fn a_page_number_run_into_the_next_line_is_cut_off() {
        let lines =
            classify_lines("（二）强化要素保障。\n- 3 - 三、保障措施\n—4—四、附则\n-3-5 是区间");
        let texts: Vec<(&str, LineKind)> = lines
            .iter()
            .map(|l| (l.norm.text.as_str(), l.kind))
            .collect();
        assert_eq!(texts[1].1, LineKind::PageNumber);
        assert_eq!(texts[2], ("三、保障措施", LineKind::Text));
        assert_eq!(texts[3].1, LineKind::PageNumber);
        assert_eq!(texts[4], ("四、附则", LineKind::Text));
        // A range of numbers is no page number.
        assert_eq!(texts.len(), 6);
    }

    #[test]
    fn a_run_together_table_of_contents_is_toc() {
        let text = "目录序言\n第一篇指导思想\n第一章指导思想第二章主要目标第二篇调整结构\n序言正文没有句号\n第一篇指导思想\n第一章指导思想";
        let lines = classify_lines(text);
        let kinds: Vec<LineKind> = lines.iter().map(|l| l.kind).collect();
        assert!(kinds[..5].iter().all(|k| *k == LineKind::Toc), "{kinds:?}");
        assert!(kinds[5..].iter().all(|k| *k == LineKind::Text), "{kinds:?}");
    }

    #[test]
    fn a_contents_with_leader_dots_ends_where_the_body_repeats_its_first_entry() {
        let text = "目　录\n一、发展基础……………1\n二、总体要求……………2\n一、发展基础\n（一）发展基础\n“十三五”时期，城镇化水平稳步提高。\n二、总体要求";
        let lines = classify_lines(text);
        let kinds: Vec<LineKind> = lines.iter().map(|l| l.kind).collect();
        assert!(kinds[..3].iter().all(|k| *k == LineKind::Toc), "{kinds:?}");
        assert!(kinds[3..].iter().all(|k| *k == LineKind::Text), "{kinds:?}");
    }

    #[test]
    fn debris_is_recognised() {
        assert_eq!(classify_one("- 12 -"), LineKind::PageNumber);
        assert_eq!(classify_one("3/12"), LineKind::PageNumber);
        assert_eq!(classify_one("3 / 12"), LineKind::PageNumber);
        assert_eq!(classify_one("2020/2025"), LineKind::Text);
        assert_eq!(
            classify_one("|北京市房山区试点工作方案要点.....|1|"),
            LineKind::Toc
        );
        assert_eq!(classify_one("一、总体要求……………3"), LineKind::Toc);
        assert_eq!(
            classify_one("添加日期:2023-12-13作者:来源:四川在线浏览次数:211"),
            LineKind::WebMeta
        );
        assert_eq!(classify_one("一、总体要求"), LineKind::Text);
        assert_eq!(classify_one("到2020年,城镇化率达到75%。"), LineKind::Text);
        assert_eq!(
            classify_one("![图片](https://mmbiz.qpic.cn/x/640?wx_fmt=png)"),
            LineKind::Chrome
        );
        assert_eq!(classify_one("![图](a.png)见上图。"), LineKind::Text);
    }

    #[test]
    fn heading_marks_and_the_title() {
        let lines = classify_lines("# 某某规划\n\n## 总体要求\n正文。\n## 保障措施\n#5号线\n");
        let marks: Vec<Option<u8>> = lines.iter().map(|l| l.mark).collect();
        assert_eq!(marks, [None, None, Some(2), None, Some(2), None, None]);
        let lines = classify_lines("# 总体要求\n正文。\n# 保障措施\n");
        assert_eq!(lines[0].mark, Some(1));
    }
}
