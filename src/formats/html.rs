//! HTML import: the main article of a saved web page as plain text, one paragraph a line.
//!
//! The bytes are decoded with the charset the page declares (byte-order mark first, then
//! `<meta charset>` or `<meta http-equiv="Content-Type" content="…; charset=…">`), otherwise
//! with the plain-text detection of [`decode_bytes`]. The page is parsed with `scraper`
//! (html5ever, the browsers' parsing algorithm, so broken markup and entities come out as a
//! browser shows them). Scripts, styles, navigation, headers, footers, forms and elements whose
//! class or id names them as menus, breadcrumbs, share buttons or copyright notes are dropped;
//! then the article is the smallest block that still holds most of the remaining Chinese text
//! outside links. Block boundaries (`<p>`, `<div>`, `<br>`, `<li>`, `<tr>`, `<h1>`–`<h6>`…)
//! become line ends, and the page title goes first when the article does not start with it.

use std::path::Path;

use ego_tree::iter::Edge;
use encoding_rs::Encoding;
use scraper::{ElementRef, Html, Node};

use crate::import::decode::{ImportError, TextFile, decode_bytes};

/// Read a HTML file into text.
pub fn read(path: &Path) -> Result<TextFile, ImportError> {
    read_bytes(path, &crate::import::decode::read_bounded(path)?)
}

/// Read HTML bytes already in memory. `path` is only used in error messages.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Result<TextFile, ImportError> {
    let (encoding, source) = decode_html(path, bytes)?;
    let text = extract(&source);
    if text.trim().is_empty() {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(TextFile {
        path: path.to_path_buf(),
        encoding,
        text,
    })
}

/// Decode with the BOM or the declared charset, else with the plain-text detection.
fn decode_html(path: &Path, bytes: &[u8]) -> Result<(&'static str, String), ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    let declared = Encoding::for_bom(bytes)
        .map(|(enc, len)| (enc, &bytes[len..]))
        .or_else(|| declared_charset(bytes).map(|enc| (enc, bytes)));
    match declared {
        Some((enc, body)) => {
            let is_utf16 = enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE;
            if !is_utf16 && body.contains(&0) {
                return Err(ImportError::NotText {
                    path: path.to_path_buf(),
                    reason: "contains NUL bytes: binary data, not a HTML page".to_string(),
                });
            }
            let (text, had_errors) = enc.decode_without_bom_handling(body);
            let bad = text.chars().filter(|c| *c == '\u{FFFD}').count();
            if had_errors && bad * 20 > text.chars().count() {
                return Err(ImportError::NotText {
                    path: path.to_path_buf(),
                    reason: format!(
                        "{bad} characters are not valid {} text although the page declares it",
                        enc.name()
                    ),
                });
            }
            Ok((enc.name(), text.replace("\r\n", "\n")))
        }
        None => {
            let file = decode_bytes(path, bytes)?;
            Ok((file.encoding, file.text))
        }
    }
}

/// The charset a `<meta>` in the first few KiB declares.
pub fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(8192)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = find(&lower[start..], b">").map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + b"charset".len()..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
                let rest = rest.strip_prefix(b"'").unwrap_or(rest);
                let label: Vec<u8> = rest
                    .iter()
                    .copied()
                    .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
                    .collect();
                if let Some(enc) = Encoding::for_label(&label) {
                    // A page cannot really be UTF-16 if its meta tag reads as ASCII.
                    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                        return Some(encoding_rs::UTF_8);
                    }
                    return Some(enc);
                }
            }
        }
        from = end.max(start + 1);
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

/// Elements never part of an article.
const DROP_TAGS: &[&str] = &[
    "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe", "svg",
    "button", "select", "textarea", "template", "object", "embed", "canvas", "head", "input",
    "map", "menu",
];

/// Class/id words (split at `-`, `_`, space) that mark page furniture.
const NOISE_WORDS: &[&str] = &[
    "nav",
    "navi",
    "menu",
    "menus",
    "header",
    "footer",
    "foot",
    "share",
    "sidebar",
    "crumb",
    "crumbs",
    "copyright",
    "toolbar",
    "banner",
    "login",
    "search",
    "position",
    "location",
];

/// Substrings of a class/id that mark page furniture.
const NOISE_PARTS: &[&str] = &[
    "breadcrumb",
    "bdshare",
    "navbar",
    "topnav",
    "subnav",
    "mainnav",
    "sharebox",
    "share-box",
    "copyright",
    "sidebar",
    "footer",
    "jiathis",
];

fn is_noise(el: &ElementRef<'_>) -> bool {
    let v = el.value();
    let name = v.name();
    if name == "body" || name == "html" {
        return false;
    }
    if DROP_TAGS.contains(&name) {
        return true;
    }
    if v.attr("hidden").is_some() {
        return true;
    }
    if let Some(style) = v.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.contains("display:none") {
            return true;
        }
    }
    let names = [v.attr("class"), v.id()];
    names.iter().flatten().any(|n| {
        let n = n.to_ascii_lowercase();
        NOISE_PARTS.iter().any(|p| n.contains(p))
            || n.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| NOISE_WORDS.contains(&w))
    })
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// Chinese characters outside links and inside links under `el`, furniture left out.
/// Iterative: pages nest elements tens of thousands deep.
fn weigh(el: ElementRef<'_>) -> (usize, usize) {
    let mut text = 0;
    let mut link = 0;
    // Depth inside a dropped element, and inside links.
    let mut skip = 0usize;
    let mut links = 0usize;
    for edge in el.traverse().skip(1) {
        match edge {
            Edge::Open(node) => {
                if let Some(c) = ElementRef::wrap(node) {
                    if skip > 0 || is_noise(&c) {
                        skip += 1;
                    } else if c.value().name() == "a" {
                        links += 1;
                    }
                } else if skip == 0
                    && let Node::Text(t) = node.value()
                {
                    let n = t.chars().filter(|c| is_cjk(*c)).count();
                    if links > 0 {
                        link += n;
                    } else {
                        text += n;
                    }
                }
            }
            Edge::Close(node) => {
                if let Some(c) = ElementRef::wrap(node) {
                    if skip > 0 {
                        skip -= 1;
                    } else if c.value().name() == "a" {
                        links = links.saturating_sub(1);
                    }
                }
            }
        }
    }
    (text, link)
}

fn score(el: ElementRef<'_>) -> usize {
    let (text, link) = weigh(el);
    text.saturating_sub(link)
}

const CONTAINERS: &[&str] = &[
    "div", "article", "section", "main", "td", "table", "tbody", "tr", "center", "font", "span",
    "body",
];

/// The smallest block holding most of the page's text outside links.
fn main_block(body: ElementRef<'_>) -> ElementRef<'_> {
    let mut cur = body;
    let mut cur_score = score(cur);
    for _ in 0..256 {
        let best = cur
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| !is_noise(c) && CONTAINERS.contains(&c.value().name()))
            .map(|c| (score(c), c))
            .max_by_key(|(s, _)| *s);
        match best {
            Some((s, c)) if s * 10 >= cur_score * 7 && s > 0 => {
                cur = c;
                cur_score = s;
            }
            _ => break,
        }
    }
    cur
}

const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "tbody",
    "thead",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "main",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "center",
    "address",
    "figure",
    "figcaption",
    "hr",
    "body",
    "caption",
];

/// Plain text of an element: block boundaries are line ends.
struct Renderer {
    lines: Vec<String>,
    cur: String,
}

impl Renderer {
    fn break_line(&mut self) {
        let line = self.cur.trim_matches(is_space).to_string();
        self.cur.clear();
        self.lines.push(line);
    }

    fn push_text(&mut self, t: &str, pre: bool) {
        for c in t.chars() {
            if pre && c == '\n' {
                self.break_line();
            } else if c.is_whitespace() && c != '\u{3000}' || c == '\u{A0}' {
                if !self.cur.is_empty() && !self.cur.ends_with(' ') {
                    self.cur.push(' ');
                }
            } else if !c.is_control() {
                self.cur.push(c);
            }
        }
    }

    /// Render `el`'s content. Iterative: pages nest elements tens of thousands deep.
    fn walk(&mut self, el: ElementRef<'_>, pre: bool) {
        // Depth inside a dropped element; depth inside `<pre>`.
        let mut skip = 0usize;
        let mut pres = usize::from(pre);
        // Heading elements open, with the line index where each began.
        let mut headings: Vec<(usize, u8)> = Vec::new();
        for edge in el.traverse().skip(1) {
            match edge {
                Edge::Open(node) => {
                    if skip > 0 {
                        if node.value().is_element() {
                            skip += 1;
                        }
                        continue;
                    }
                    match node.value() {
                        Node::Text(t) => self.push_text(t, pres > 0),
                        Node::Element(_) => {
                            let Some(c) = ElementRef::wrap(node) else {
                                continue;
                            };
                            if is_noise(&c) {
                                skip = 1;
                                continue;
                            }
                            let name = c.value().name();
                            match name {
                                "br" => self.break_line(),
                                "td" | "th" if !self.cur.trim_matches(is_space).is_empty() => {
                                    self.cur.push('\t');
                                }
                                "td" | "th" => {}
                                _ if BLOCK_TAGS.contains(&name) => {
                                    self.break_line();
                                    if name == "pre" {
                                        pres += 1;
                                    }
                                    if let Some(level) = heading_level(name) {
                                        headings.push((self.lines.len(), level));
                                    }
                                }
                                _ => {}
                            }
                        }
                        _ => {}
                    }
                }
                Edge::Close(node) => {
                    let Some(c) = ElementRef::wrap(node) else {
                        continue;
                    };
                    if skip > 0 {
                        skip -= 1;
                        continue;
                    }
                    let name = c.value().name();
                    if BLOCK_TAGS.contains(&name) {
                        self.break_line();
                        if name == "pre" {
                            pres = pres.saturating_sub(1);
                        }
                        if heading_level(name).is_some()
                            && let Some((first, level)) = headings.pop()
                        {
                            self.mark_heading(first, level);
                        }
                    }
                }
            }
        }
    }

    /// Mark the lines from `first` (one heading element's text) as an unnumbered heading of
    /// `level` (`## 标题`), unless the heading carries a visible number of its own.
    fn mark_heading(&mut self, first: usize, level: u8) {
        let Some(k) = self.lines[first.min(self.lines.len())..]
            .iter()
            .position(|l| !l.trim_matches(is_space).is_empty())
            .map(|p| first + p)
        else {
            return;
        };
        let text = self.lines[k].trim_matches(is_space).to_string();
        if !super::common::is_unnumbered_heading(&text) {
            return;
        }
        self.lines[k] = format!("{} {text}", "#".repeat(usize::from(level)));
    }
}

/// `h1`–`h4` are headings; `h5`/`h6` are usually run-in labels and stay text.
fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        _ => None,
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{A0}' || c == '\u{3000}'
}

fn element_text(el: ElementRef<'_>) -> String {
    let mut r = Renderer {
        lines: Vec::new(),
        cur: String::new(),
    };
    r.walk(el, false);
    r.break_line();
    r.lines
        .iter()
        .map(|l| l.trim_matches(is_space))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("")
}

/// The article text of a page.
fn extract(source: &str) -> String {
    let doc = Html::parse_document(source);
    let root = doc.root_element();
    let body = root
        .children()
        .filter_map(ElementRef::wrap)
        .find(|c| c.value().name() == "body")
        .unwrap_or(root);
    let block = main_block(body);
    let mut r = Renderer {
        lines: Vec::new(),
        cur: String::new(),
    };
    r.walk(block, false);
    r.break_line();
    // Collapse runs of blank lines.
    let mut lines: Vec<String> = Vec::new();
    for l in r.lines {
        let l = l.trim_matches(is_space).to_string();
        if l.is_empty() && lines.last().is_none_or(|p| p.is_empty()) {
            continue;
        }
        lines.push(l);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    if let Some(title) = page_title(root, block) {
        let key: String = title.chars().filter(|c| !is_space(*c)).collect();
        let head: String = lines
            .iter()
            .take(12)
            .flat_map(|l| l.chars())
            .filter(|c| !is_space(*c))
            .collect();
        if !key.is_empty() && !head.contains(&key) {
            lines.insert(0, String::new());
            lines.insert(0, title);
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The article's `<h1>`, else the page `<title>` without the site name after `_`, `|` or ` - `.
fn page_title(root: ElementRef<'_>, block: ElementRef<'_>) -> Option<String> {
    let mut h1 = None;
    let mut title = None;
    find_titles(root, &mut h1, &mut title);
    if let Some(h) = h1.filter(|h: &String| h.chars().any(is_cjk)) {
        return Some(h);
    }
    // A title in a block of its own just before the article (`<div class="title">…的实施意见`)
    // is the document's, where the page `<title>` is often the site's name.
    if let Some(t) = title_before(block) {
        return Some(t);
    }
    let t = title?;
    let t = t
        .split(['_', '|', '｜'])
        .next()
        .unwrap_or_default()
        .split(" - ")
        .next()
        .unwrap_or_default()
        .split(" -- ")
        .next()
        .unwrap_or_default()
        .trim_matches(is_space)
        .to_string();
    (!t.is_empty()).then_some(t)
}

/// The nearest of the few elements before the article (or before its parent) whose whole text
/// reads as a document's title: Han text of 8 to 90 characters, no sentence, a document type at
/// its end.
fn title_before(block: ElementRef<'_>) -> Option<String> {
    let reads = |el: ElementRef<'_>| -> Option<String> {
        if is_noise(&el) {
            return None;
        }
        let t = element_text(el);
        let n = t.chars().count();
        ((8..=90).contains(&n)
            && t.chars().any(is_cjk)
            && !t.contains(['。', '；', ';'])
            && crate::chars::reads_as_title(&t))
        .then_some(t)
    };
    let scopes = std::iter::once(block).chain(block.parent().and_then(ElementRef::wrap));
    for scope in scopes {
        let found = scope
            .prev_siblings()
            .filter_map(ElementRef::wrap)
            .take(4)
            .find_map(reads);
        if found.is_some() {
            return found;
        }
    }
    None
}

fn find_titles(el: ElementRef<'_>, h1: &mut Option<String>, title: &mut Option<String>) {
    let mut skip = 0usize;
    for edge in el.traverse().skip(1) {
        let (open, node) = match edge {
            Edge::Open(n) => (true, n),
            Edge::Close(n) => (false, n),
        };
        let Some(c) = ElementRef::wrap(node) else {
            continue;
        };
        if !open {
            skip = skip.saturating_sub(1);
            continue;
        }
        if skip > 0 {
            skip += 1;
            continue;
        }
        let name = c.value().name();
        if name == "title" && title.is_none() {
            let t = element_text(c);
            if !t.is_empty() {
                *title = Some(t);
            }
        } else if name == "h1" && h1.is_none() && !is_noise(&c) {
            let t = element_text(c);
            if !t.is_empty() {
                *h1 = Some(t);
            }
        }
        if name != "head" && is_noise(&c) {
            skip = 1;
        }
        if h1.is_some() && title.is_some() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_declarations() {
        let gbk = declared_charset(b"<html><head><meta charset=\"GB2312\"></head>");
        assert_eq!(gbk.map(Encoding::name), Some("GBK"));
        let equiv = declared_charset(
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=big5\">",
        );
        assert_eq!(equiv.map(Encoding::name), Some("Big5"));
        assert!(declared_charset(b"<meta name=\"x\" content=\"y\">").is_none());
    }

    #[test]
    fn a_title_block_before_the_article_beats_the_site_name() {
        let page = "<html><head><title>某市人民政府门户网站</title></head><body>\
            <div>首页 | 政务公开</div><div class=\"title\">某市人民政府关于加快推进县城建设的实施意见</div>\
            <div>发布时间：2022-08-22</div><div class=\"content\"><p>各县人民政府：<br>为加快推进以县城为重要载体的城镇化建设，补齐县城短板弱项，现提出如下意见。<br>一、总体要求<br>到2025年，县城常住人口达到80万人，县城综合承载能力明显增强，县城公共服务水平明显提高。<br>二、重点任务<br>推进县城道路、管网、停车场等基础设施建设，推进县级医院、学校扩容提质，发展特色产业。</p></div></body></html>";
        let text = extract(page);
        assert!(
            text.starts_with("某市人民政府关于加快推进县城建设的实施意见\n"),
            "{text}"
        );
        assert!(!text.contains("门户网站"), "{text}");
    }

    #[test]
    fn drops_furniture_and_keeps_title() {
        let page = "<html><head><title>某某方案_某某网</title><script>var a='导航';</script></head>\
            <body><div class=\"nav\"><a href=\"/\">首页</a><a href=\"/x\">政务公开</a></div>\
            <div id=\"content\"><p>　　一、总体要求</p><p>加快推进城乡融合&amp;发展。<br>第二行&nbsp;文字</p></div>\
            <div class=\"footer\">版权所有</div></body></html>";
        let text = extract(page);
        assert_eq!(
            text,
            "某某方案\n\n一、总体要求\n\n加快推进城乡融合&发展。\n第二行 文字\n"
        );
    }
}
