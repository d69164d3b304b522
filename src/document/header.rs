//! Metadata fields and page chrome around a document.
//!
//! What comes before a document's title (and after its last line) in a downloaded file is
//! rarely part of it: YAML front matter (`标题: …`, `文号: …`), a markdown note (`> **发布机构**：…`),
//! a legal database's export header (`【法宝引证码】`, `原文链接：`), a government portal's
//! metadata table (`索 引 号：` / `发文机关：` / `成文日期：`, the value on the same or the next
//! line), a newspaper archive's header (`分类号:`, `云南日报 / 2 0 0 1年 / 0 2月 / …`), and the
//! footer of a web page (`上一篇`, `版权所有`, ICP numbers, links to attached files). [`scan`]
//! marks those lines [`LineKind::Chrome`] so that title detection, the outline and the measures
//! never see them, and keeps the fields they carry as [`Header`] for the metadata.

use crate::lines::{Line, LineKind};

/// A `key: value` field found in a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderField {
    /// The key without spaces (`成文日期`).
    pub key: String,
    /// The value, trimmed (may be empty).
    pub value: String,
    /// Line number of the key.
    pub line: usize,
}

/// Fields found in a document's header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// The fields in file order.
    pub fields: Vec<HeaderField>,
}

impl Header {
    /// The first non-empty value of any of these keys, in the order of `keys`.
    pub fn get(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| {
            self.fields
                .iter()
                .find(|f| f.key == *k && !f.value.is_empty())
                .map(|f| f.value.as_str())
        })
    }
}

/// Keys of metadata fields in portal tables, database exports and front matter.
const KEYS: &[&str] = &[
    "索引号",
    "信息索引号",
    "主题分类",
    "组配分类",
    "体裂分类",
    "服务对象",
    "发文机关",
    "发文单位",
    "发布机构",
    "发布单位",
    "发布部门",
    "制发机关",
    "成文日期",
    "发文日期",
    "印发日期",
    "标题",
    "名称",
    "发文字号",
    "文号",
    "发布日期",
    "发布时间",
    "公布日期",
    "实施日期",
    "施行日期",
    "生效日期",
    "失效日期",
    "主题词",
    "关键词",
    "有效性",
    "时效性",
    "效力级别",
    "法规类别",
    "公文种类",
    "文种",
    "层级",
    "类型",
    "分类",
    "状态",
    "来源",
    "信息来源",
    "文章来源",
    "作者",
    "官方链接",
    "原文链接",
    "原文地址",
    "链接",
    "法宝引证码",
    "分类号",
    "浏览次数",
    "点击数",
    "阅读次数",
];

/// Markers of a web page's footer: from the first of them on, short lines are page chrome.
const FOOTER_MARKERS: &[&str] = &[
    "上一篇",
    "下一篇",
    "打印正文",
    "打印本页",
    "关闭窗口",
    "【打印】",
    "【关闭】",
    "[打印]",
    "[关闭]",
    "网站地图",
    "版权所有",
    "Copyright",
    "ICP备",
    "公网安备",
    "扫一扫在手机打开",
    "主办单位",
    "网站标识码",
    // A saved WeChat article's footer.
    "阅读原文",
    "预览时标签不可点",
    "微信扫一扫",
    // …and, exported to Markdown, its lists of other articles and its buttons.
    "往期推荐",
    "往期回顾",
    "推荐阅读",
    "点赞",
];

fn compact(t: &str) -> String {
    t.chars().filter(|c| !c.is_whitespace()).collect()
}

fn raw<'a>(original: &'a str, l: &Line) -> &'a str {
    original.get(l.orig_range.clone()).unwrap_or("").trim()
}

/// `key:value` or `【key】value` at the start of a line, with a known key.
fn key_value(t: &str) -> Option<(String, String)> {
    let c = compact(t);
    if let Some(rest) = c.strip_prefix('【')
        && let Some((k, v)) = rest.split_once('】')
        && KEYS.contains(&k)
    {
        return Some((k.to_string(), v.trim_start_matches([':', '：']).to_string()));
    }
    let (k, v) = c.split_once([':', '：'])?;
    KEYS.contains(&k).then(|| (k.to_string(), v.to_string()))
}

/// A line that is only a URL.
fn is_url(t: &str) -> bool {
    let t = t.trim();
    (t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www."))
        && !t.contains(char::is_whitespace)
}

/// Spaced newspaper header: `云南日报 / 2 0 0 1年 / 0 2月 / 2 0日 / 第 A0 1版 /`.
fn is_newspaper_line(t: &str) -> bool {
    let slashes = t.matches('/').count();
    slashes >= 3 && t.chars().count() <= 80 && (t.contains('版') || t.contains('年'))
}

/// Mark header and footer chrome in `lines` and collect the fields it carries.
pub fn scan(original: &str, lines: &mut [Line]) -> Header {
    let mut header = Header::default();
    let text_idx: Vec<usize> = (0..lines.len())
        .filter(|&k| lines[k].kind != LineKind::Blank)
        .collect();
    let Some(&first) = text_idx.first() else {
        return header;
    };
    // YAML front matter.
    if lines[first].norm.text.trim() == "---"
        && let Some(close) =
            (first + 1..lines.len().min(first + 80)).find(|&k| lines[k].norm.text.trim() == "---")
    {
        for (k, line) in lines.iter_mut().enumerate().take(close + 1).skip(first) {
            if let Some((key, value)) = raw(original, line).split_once([':', '：'])
                && k != first
                && k != close
            {
                header.fields.push(HeaderField {
                    key: compact(key),
                    value: value.trim().to_string(),
                    line: k,
                });
            }
            line.kind = LineKind::Chrome;
        }
    }
    // Key-value lines before the first numbered heading, with the value on the next line when
    // the key stands alone; markdown notes (`> …`) and bare URLs there too.
    let limit = lines
        .iter()
        .position(|l| {
            l.kind == LineKind::Text
                && crate::numbering::parse_number(&l.norm.text).is_some_and(|n| n.value == 1)
        })
        .unwrap_or(lines.len());
    let mut k = 0;
    while k < limit {
        // Web metadata lines (`添加日期…浏览次数`) keep their kind: the plan reads a date there.
        if lines[k].kind != LineKind::Text {
            k += 1;
            continue;
        }
        let r = raw(original, &lines[k]);
        if r.starts_with('>') {
            for (key, value) in bold_fields(r) {
                header.fields.push(HeaderField {
                    key,
                    value,
                    line: k,
                });
            }
            lines[k].kind = LineKind::Chrome;
            k += 1;
            continue;
        }
        if is_url(&lines[k].norm.text) || is_newspaper_line(&lines[k].norm.text) {
            lines[k].kind = LineKind::Chrome;
            k += 1;
            continue;
        }
        if let Some((key, mut value)) = key_value(&lines[k].norm.text) {
            lines[k].kind = LineKind::Chrome;
            if value.is_empty()
                && let Some(next) = (k + 1..limit).find(|&j| lines[j].kind != LineKind::Blank)
                && lines[next].kind == LineKind::Text
                && key_value(&lines[next].norm.text).is_none()
                && lines[next].norm.text.chars().count() <= 80
            {
                value = lines[next].norm.text.trim().to_string();
                lines[next].kind = LineKind::Chrome;
                k = next;
            }
            header.fields.push(HeaderField {
                key,
                value,
                line: k,
            });
        }
        k += 1;
    }
    mark_footer(lines);
    // Links to attached files are never text of the document, wherever they stand; nor are the
    // further links of the list (`附件：1.甲.docx` then `2.乙.xls`), numbered like headings.
    let mut in_list = false;
    for l in lines.iter_mut() {
        if l.kind == LineKind::Blank {
            continue;
        }
        let link = l.kind == LineKind::Text && is_file_link(&l.norm.text);
        if link && (in_list || l.norm.text.starts_with("附件")) {
            l.kind = LineKind::Chrome;
            in_list = true;
        } else {
            in_list = false;
        }
    }
    header
}

/// `> **发布机构**：中共中央、国务院 **来源**：https://…` → fields.
fn bold_fields(r: &str) -> Vec<(String, String)> {
    let parts: Vec<&str> = r.split("**").collect();
    let mut out = Vec::new();
    let mut i = 1;
    while i + 1 < parts.len() {
        let key = compact(parts[i]).trim_end_matches([':', '：']).to_string();
        let value = parts[i + 1]
            .trim()
            .trim_start_matches([':', '：'])
            .trim()
            .to_string();
        if !key.is_empty() && key.chars().count() <= 8 {
            out.push((key, value));
        }
        i += 2;
    }
    out
}

/// From the first footer marker after the document's text on, short lines are chrome; so are
/// links to attached files (`附件1：….pdf`) just before it.
fn mark_footer(lines: &mut [Line]) {
    let n = lines.len();
    let Some(start) = (0..n).find(|&k| {
        let l = &lines[k];
        matches!(l.kind, LineKind::Text | LineKind::WebMeta)
            && l.norm.text.chars().count() <= 80
            && FOOTER_MARKERS.iter().any(|m| l.norm.text.contains(m))
            // No paragraph of text may follow.
            && lines[k..].iter().all(|t| {
                t.kind != LineKind::Text || !(t.norm.text.contains('。') && t.norm.text.chars().count() > 60)
            })
    }) else {
        return;
    };
    for l in &mut lines[start..] {
        if l.kind != LineKind::Blank {
            l.kind = LineKind::Chrome;
        }
    }
    let mut k = start;
    while k > 0 {
        k -= 1;
        let l = &lines[k];
        if l.kind == LineKind::Blank {
            continue;
        }
        if is_file_link(&l.norm.text) {
            lines[k].kind = LineKind::Chrome;
        } else {
            break;
        }
    }
}

/// `附件1：….pdf`: a link to an attached file, not text.
pub fn is_file_link(t: &str) -> bool {
    let lower = t.trim().to_ascii_lowercase();
    [
        ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".zip", ".rar", ".ofd",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
        && t.chars().count() <= 120
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::classify_lines;

    fn kinds(text: &str) -> (Vec<LineKind>, Header) {
        let mut lines = classify_lines(text);
        let h = scan(text, &mut lines);
        (lines.iter().map(|l| l.kind).collect(), h)
    }

    #[test]
    fn yaml_front_matter_is_fields() {
        let text =
            "---\n标题: 关于印发《规划》的通知\n文号: 奉柘府〔2023〕21号\n---\n\n# 标题\n正文。";
        let (k, h) = kinds(text);
        assert!(k[..4].iter().all(|k| *k == LineKind::Chrome));
        assert_eq!(h.get(&["文号"]), Some("奉柘府〔2023〕21号"));
        assert_eq!(k[5], LineKind::Text);
    }

    #[test]
    fn portal_table_values_on_the_next_line() {
        let text = "索 引 号：\n000014349/2018-00230\n发文机关：\n国务院办公厅\n成文日期：\n2018年12月29日\n关于印发方案的通知\n一、总体要求";
        let (k, h) = kinds(text);
        assert_eq!(h.get(&["发文机关"]), Some("国务院办公厅"));
        assert_eq!(h.get(&["成文日期"]), Some("2018年12月29日"));
        assert!(k[..6].iter().all(|k| *k == LineKind::Chrome));
        assert_eq!(k[6], LineKind::Text);
    }

    #[test]
    fn database_header_and_markdown_note() {
        let text = "    【法宝引证码】 CLI.12.4638041\n原文链接：https://example.org/a.html\n> **发布机构**：中共中央、国务院 **来源**：https://example.org\n标题";
        let (k, h) = kinds(text);
        assert_eq!(h.get(&["法宝引证码"]), Some("CLI.12.4638041"));
        assert_eq!(h.get(&["发布机构"]), Some("中共中央、国务院"));
        assert_eq!(&k[..3], &[LineKind::Chrome; 3]);
        assert_eq!(k[3], LineKind::Text);
    }

    #[test]
    fn a_list_of_attached_files_is_chrome() {
        let text = "（十四）强化人才支撑。鼓励毕业生就业。\n附件：1.任务清单.docx\n2.评价指标体系.xls\n某市人民政府\n2023年6月20日";
        let (k, _) = kinds(text);
        assert_eq!(k[0], LineKind::Text);
        assert_eq!(&k[1..3], &[LineKind::Chrome; 2]);
        assert_eq!(k[3], LineKind::Text);
    }

    #[test]
    fn page_footer_is_chrome() {
        let text = "一、总体要求\n加强领导。\n附件1：方案.pdf\n【打印正文】\n上一篇：别的\n网站地图\n版权所有";
        let (k, _) = kinds(text);
        assert_eq!(k[1], LineKind::Text);
        assert!(k[2..].iter().all(|k| *k == LineKind::Chrome));
    }
}
