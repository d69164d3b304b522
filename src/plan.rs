//! From a decoded document to its plans.
//!
//! A file may hold one plan or a compilation of many. A compilation is recognised by its table of
//! contents (entries that name places, matched in order to title lines in the body) or, without
//! one, by several title lines that share a long common ending (`…国家新型城镇化综合试点工作方案要点`).
//! Each plan's front matter — everything before its first heading — is sorted into title, meta
//! lines (document number, issuer, date), web-page debris and the preamble; the rest goes to the
//! outline parser and the measure splitter.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::import::{TextFile, is_han};
use crate::lines::{Line, LineKind, classify_lines};
use crate::measure::{Measure, split_measures};
use crate::normalize::{Normalized, strip_pinyin_notes};
use crate::outline::{
    NumberStyle, Para, Section, SectionKind, build_paragraphs, ends_sentence, parse_number,
    split_title,
};

/// Metadata found in a plan's front matter.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct PlanMeta {
    /// The plan's title, re-joined if it was broken over lines.
    pub title: Option<String>,
    /// Document number, e.g. `淄政字〔2020〕95号`.
    pub doc_number: Option<String>,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Date of issue or adoption, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Plan period, e.g. `2020-2025`.
    pub period: Option<String>,
}

/// Text before the first heading.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Preamble {
    /// Display text, one paragraph a line.
    pub text: String,
    /// Measures in it.
    pub measures: Vec<Measure>,
}

/// One plan: a pilot's programme, a city's action plan, a provincial decision.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Stable id: `<file stem>#<n>` (n counts plans in the file from 1).
    pub plan_id: String,
    /// The place the plan is about (`淄博市`, `上海市浦东新区（临港地区）`).
    pub name: String,
    /// Province-level unit, if known.
    pub province: Option<String>,
    /// Administrative level: 省/市/县/区/镇/旗/州/新区/乡.
    pub level: Option<String>,
    /// File name it came from.
    pub source: String,
    /// Full path it came from.
    pub path: PathBuf,
    /// Encoding of the file.
    pub encoding: String,
    /// Front-matter metadata.
    pub meta: PlanMeta,
    /// Text before the first heading.
    pub preamble: Preamble,
    /// Top-level sections.
    pub sections: Vec<Section>,
    /// Byte range of the plan in the original text.
    pub span: Range<usize>,
    /// The whole original text of the file (shared by the plans of one file).
    #[serde(skip)]
    pub original: Arc<str>,
}

impl Plan {
    /// All sections in reading order.
    pub fn all_sections(&self) -> Vec<&Section> {
        self.sections.iter().flat_map(Section::walk).collect()
    }

    /// All measures, preamble first, in reading order.
    pub fn measures(&self) -> Vec<&Measure> {
        let mut out: Vec<&Measure> = self.preamble.measures.iter().collect();
        for s in self.all_sections() {
            out.extend(s.measures.iter());
        }
        out
    }

    /// Number of sections at all levels.
    pub fn section_count(&self) -> usize {
        self.all_sections().len()
    }

    /// The normalised text of the plan: title, preamble and every section, one paragraph a line.
    pub fn normalized_text(&self) -> String {
        let mut out = String::new();
        if let Some(t) = &self.meta.title {
            out.push_str(&crate::normalize::normalize_str(t));
            out.push('\n');
        }
        for m in &self.preamble.measures {
            out.push_str(&m.norm);
            out.push('\n');
        }
        for s in self.all_sections() {
            out.push_str(&s.title_norm);
            out.push('\n');
            if !s.body_norm.is_empty() {
                out.push_str(&s.body_norm);
                out.push('\n');
            }
        }
        out
    }

    /// The original text of the plan.
    pub fn original_text(&self) -> &str {
        self.original.get(self.span.clone()).unwrap_or("")
    }
}

/// Parse a decoded file into its plans.
pub fn parse_document(file: &TextFile) -> Vec<Plan> {
    let original: Arc<str> = Arc::from(file.text.as_str());
    let lines = classify_lines(&original);
    let source = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = file
        .path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "plan".into());
    let ctx = DocCtx {
        original: &original,
        lines: &lines,
    };
    let pilots = find_compilation_plans(&original, &lines);
    let mut drafts = Vec::new();
    match pilots {
        Some(pilots) => {
            for (k, p) in pilots.iter().enumerate() {
                let end = pilots.get(k + 1).map_or(lines.len(), |n| n.line);
                drafts.push(build_plan(&ctx, p.line..end, Some(p)));
            }
        }
        None => drafts.push(build_plan(&ctx, 0..lines.len(), None)),
    }
    let fallback_name = stem.clone();
    drafts
        .into_iter()
        .enumerate()
        .map(|(k, d)| {
            let plan_id = format!("{stem}#{}", k + 1);
            let mut plan = Plan {
                plan_id: plan_id.clone(),
                name: d.name.unwrap_or_else(|| fallback_name.clone()),
                province: None,
                level: None,
                source: source.clone(),
                path: file.path.clone(),
                encoding: file.encoding.to_string(),
                meta: d.meta,
                preamble: d.preamble,
                sections: d.sections,
                span: d.span,
                original: original.clone(),
            };
            plan.level = admin_level(&plan.name);
            plan.province = province_of(&plan.name)
                .or_else(|| province_by_gazetteer(&plan.name))
                .or_else(|| province_in_text(&plan.normalized_text()));
            number_measures(&mut plan);
            plan
        })
        .collect()
}

fn number_measures(plan: &mut Plan) {
    let mut index = 0;
    let id = plan.plan_id.clone();
    let mut tag = |m: &mut Measure| {
        m.index = index;
        m.measure_id = format!("{id}/m{}", index + 1);
        index += 1;
    };
    plan.preamble.measures.iter_mut().for_each(&mut tag);
    fn walk(s: &mut Section, tag: &mut dyn FnMut(&mut Measure)) {
        s.measures.iter_mut().for_each(&mut *tag);
        for c in &mut s.children {
            walk(c, tag);
        }
    }
    for s in &mut plan.sections {
        walk(s, &mut tag);
    }
}

struct DocCtx<'a> {
    original: &'a str,
    lines: &'a [Line],
}

impl DocCtx<'_> {
    /// Display text of an original byte range: text lines only, re-joined, pinyin notes removed.
    fn display(&self, range: Range<usize>) -> String {
        let first = self
            .lines
            .partition_point(|l| l.orig_range.end < range.start);
        let mut out = String::new();
        for l in &self.lines[first..] {
            if l.orig_range.start >= range.end {
                break;
            }
            if l.kind != LineKind::Text {
                continue;
            }
            let s = range.start.max(l.orig_range.start);
            let e = range.end.min(l.orig_range.end);
            if s >= e {
                continue;
            }
            let piece = self.original.get(s..e).unwrap_or("").trim();
            if piece.is_empty() {
                continue;
            }
            let ascii_join = out
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric())
                && piece
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
            if ascii_join {
                out.push(' ');
            }
            out.push_str(piece);
        }
        strip_pinyin_notes(&out)
    }

    fn display_norm(&self, norm: &Normalized, range: Range<usize>) -> String {
        self.display(norm.orig_range(range))
    }
}

/// A plan found in a compilation: its first line and its name.
#[derive(Debug, Clone)]
struct PilotStart {
    line: usize,
    name: String,
}

const DOC_TYPES: &[&str] = &[
    "方案",
    "要点",
    "规划",
    "意见",
    "计划",
    "办法",
    "决定",
    "纲要",
    "措施",
    "通知",
    "细则",
    "条例",
    "报告",
    "指南",
    "实施意见",
];

fn compact(t: &str) -> String {
    t.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Where a title that ends at `run[end]` starts: walk back over lines that read as parts of a
/// title (no digits-only debris such as `13 2023`, no site section names before a blank run).
fn title_start(paras: &[FrontPara], run: &[usize], end: usize) -> usize {
    let mut start = end;
    while start > 0 {
        let t = &paras[run[start - 1]].norm.text;
        let digits = t.chars().filter(char::is_ascii_digit).count();
        if digits * 2 >= t.chars().count() || t.chars().count() <= 6 {
            break;
        }
        start -= 1;
    }
    start
}

/// A line that could be (part of) a title: short, no sentence end, not numbered.
fn title_like(t: &str) -> bool {
    let n = t.chars().count();
    n > 0
        && n <= 60
        && !t.contains(['。', ';', '!', '?'])
        && !t.ends_with([':', ',', '、'])
        && parse_number(t).is_none()
}

fn toc_entries(lines: &[Line]) -> Vec<String> {
    let mut out = Vec::new();
    for l in lines.iter().filter(|l| l.kind == LineKind::Toc) {
        let t = &l.norm.text;
        let cell = if t.starts_with('|') {
            t.split('|')
                .map(str::trim)
                .find(|c| !c.is_empty())
                .unwrap_or("")
                .to_string()
        } else {
            t.clone()
        };
        let cell = cell
            .trim_end_matches(|c: char| c.is_ascii_digit() || c.is_whitespace())
            .trim_end_matches(['.', '…', '·', '_', '-', '。', ' '])
            .to_string();
        let cell = compact(&cell);
        if cell.chars().count() < 2
            || cell.chars().all(|c| c == '-' || c == ':')
            || cell == "目录"
            || cell == "目次"
        {
            continue;
        }
        out.push(cell);
    }
    out
}

fn common_suffix_chars(items: &[String]) -> usize {
    let Some(first) = items.first() else { return 0 };
    let rev: Vec<char> = first.chars().rev().collect();
    let mut n = rev.len();
    for it in &items[1..] {
        let common = it
            .chars()
            .rev()
            .zip(rev.iter())
            .take_while(|(a, b)| a == *b)
            .count();
        n = n.min(common);
    }
    n
}

fn drop_suffix(s: &str, chars: usize) -> String {
    let total = s.chars().count();
    s.chars().take(total.saturating_sub(chars)).collect()
}

/// Find the plans of a compilation, or `None` for a single-plan file.
fn find_compilation_plans(original: &str, lines: &[Line]) -> Option<Vec<PilotStart>> {
    let entries = toc_entries(lines);
    let names_places =
        entries.iter().filter(|e| parse_number(e).is_none()).count() * 2 > entries.len();
    if entries.len() >= 2
        && names_places
        && let Some(found) = match_toc(original, lines, &entries)
    {
        return Some(found);
    }
    repeated_titles(original, lines)
}

/// Does a name contain an administrative unit (省/市/区/县/州/旗/镇/乡/盟)?
fn names_a_place(name: &str) -> bool {
    let base = name.split(['(', '（']).next().unwrap_or(name);
    base.contains(['省', '市', '区', '县', '州', '旗', '镇', '乡', '盟'])
}

fn match_toc(original: &str, lines: &[Line], entries: &[String]) -> Option<Vec<PilotStart>> {
    let suffix = common_suffix_chars(entries);
    let tail: String = {
        let s: Vec<char> = entries[0].chars().collect();
        let keep = suffix.min(4);
        s[s.len() - keep..].iter().collect()
    };
    let names: Vec<String> = entries.iter().map(|e| drop_suffix(e, suffix)).collect();
    let last_toc = lines.iter().rposition(|l| l.kind == LineKind::Toc)?;
    let text: Vec<&Line> = lines[last_toc + 1..]
        .iter()
        .filter(|l| l.kind == LineKind::Text)
        .collect();
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut from = 0;
    for name in &names {
        if name.is_empty() {
            continue;
        }
        let hit = (from..text.len()).find(|&k| {
            let t = compact(&text[k].norm.text);
            if !t.starts_with(name.as_str()) || !title_like(&t) {
                return false;
            }
            let joined = match text.get(k + 1) {
                Some(next) => format!("{t}{}", compact(&next.norm.text)),
                None => t.clone(),
            };
            tail.is_empty()
                || t.ends_with(&tail)
                || (joined.ends_with(&tail) && joined.chars().count() <= 70)
        });
        if let Some(k) = hit {
            found.push((k, name.clone()));
            from = k + 1;
        }
    }
    if found.len() < 2 || found.len() * 2 < names.len() {
        return None;
    }
    // Names as the headings write them: heading text minus the ending all headings share.
    let headings: Vec<String> = found
        .iter()
        .map(|(k, _)| compact(&text[*k].norm.text))
        .collect();
    let shared = common_suffix_chars(&headings);
    Some(
        found
            .iter()
            .zip(&headings)
            .map(|((k, toc_name), h)| {
                let from_heading = drop_suffix(h, shared);
                let name_norm = if shared >= 2 && from_heading.starts_with(toc_name.as_str()) {
                    from_heading
                } else {
                    toc_name.clone()
                };
                PilotStart {
                    line: text[*k].line_no,
                    name: original_form(original, text[*k], &name_norm),
                }
            })
            .collect(),
    )
}

/// The original-script form of a name that the normalised line starts with (`（临港地区）`
/// keeps its full-width brackets); the normalised name if the two do not line up.
fn original_form(original: &str, line: &Line, name_norm: &str) -> String {
    let n = name_norm.chars().count();
    let end_norm = line
        .norm
        .text
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .nth(n)
        .map_or(line.norm.text.len(), |(i, _)| i);
    let raw = original
        .get(line.norm.orig_range(0..end_norm))
        .unwrap_or("");
    let form: String = strip_pinyin_notes(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if form.chars().count() == n {
        form
    } else {
        name_norm.to_string()
    }
}

/// Without a table of contents: several title lines that share a long ending.
fn repeated_titles(original: &str, lines: &[Line]) -> Option<Vec<PilotStart>> {
    let cands: Vec<(&Line, String)> = lines
        .iter()
        .filter(|l| l.kind == LineKind::Text)
        .map(|l| (l, compact(&l.norm.text)))
        .filter(|(_, t)| {
            title_like(t) && DOC_TYPES.iter().any(|d| t.ends_with(d)) && t.chars().count() >= 8
        })
        .collect();
    let mut groups: std::collections::BTreeMap<String, Vec<(&Line, String)>> = Default::default();
    for (l, t) in cands {
        let key: String = t.chars().rev().take(6).collect();
        groups.entry(key).or_default().push((l, t));
    }
    let best = groups
        .into_values()
        .filter(|g| g.len() >= 3)
        .max_by_key(Vec::len)?;
    let titles: Vec<String> = best.iter().map(|(_, t)| t.clone()).collect();
    let shared = common_suffix_chars(&titles);
    if shared < 4 {
        return None;
    }
    // A name names a place (`北京市房山区`); the compilation's own title (`第二批…`) does not.
    let starts: Vec<PilotStart> = best
        .iter()
        .map(|(l, t)| (l, drop_suffix(t, shared)))
        .filter(|(_, name)| name.chars().count() >= 2 && names_a_place(name))
        .map(|(l, name)| PilotStart {
            line: l.line_no,
            name: original_form(original, l, &name),
        })
        .collect();
    let distinct: std::collections::BTreeSet<&String> = starts.iter().map(|s| &s.name).collect();
    (distinct.len() >= 3).then_some(starts)
}

struct PlanDraft {
    name: Option<String>,
    meta: PlanMeta,
    preamble: Preamble,
    sections: Vec<Section>,
    span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrontKind {
    Meta,
    TitleLike,
    Sentence,
}

struct FrontPara {
    norm: Normalized,
    kind: FrontKind,
}

fn is_date_line(t: &str) -> bool {
    let has_date = find_date(t).is_some();
    has_date
        && (t.chars().count() <= 16
            || t.ends_with(')')
            || t.ends_with("通过")
            || t.ends_with("印发"))
}

const ORG_ENDINGS: &[&str] = &[
    "人民政府",
    "委员会",
    "办公室",
    "办公厅",
    "省委",
    "市委",
    "区委",
    "县委",
    "政府",
    "管委会",
    "领导小组",
    "局",
    "厅",
];

fn is_meta_line(t: &str) -> bool {
    let n = t.chars().count();
    if is_date_line(t) || find_doc_number(t).is_some() && n <= 24 {
        return true;
    }
    if n <= 24 && ORG_ENDINGS.iter().any(|e| t.ends_with(e)) {
        return true;
    }
    let paren = t.starts_with('(') && t.ends_with(')');
    if paren && (t.contains("公开") || t.contains("联系") || t.contains("电话") || n <= 12) {
        return true;
    }
    t.starts_with("抄送") || t.starts_with("主题词") || (t.ends_with("印发") && n <= 30)
}

fn front_paras(lines: &[Line]) -> Vec<FrontPara> {
    let mut out: Vec<FrontPara> = Vec::new();
    let mut open_bracket = false;
    for l in lines.iter().filter(|l| l.kind == LineKind::Text) {
        if open_bracket && let Some(p) = out.last_mut() {
            p.norm.append(&l.norm);
        } else {
            out.push(FrontPara {
                norm: l.norm.clone(),
                kind: FrontKind::Sentence,
            });
        }
        let Some(p) = out.last() else { continue };
        let opens = p.norm.text.matches('(').count();
        let closes = p.norm.text.matches(')').count();
        open_bracket = opens > closes;
    }
    for p in &mut out {
        let t = &p.norm.text;
        p.kind = if is_meta_line(t) {
            FrontKind::Meta
        } else if title_like(t) {
            FrontKind::TitleLike
        } else {
            FrontKind::Sentence
        };
    }
    out
}

fn build_plan(ctx: &DocCtx, range: Range<usize>, pilot: Option<&PilotStart>) -> PlanDraft {
    let lines = &ctx.lines[range.clone()];
    // The first heading: the first numbered line whose number is 1 (a numbered line after the
    // title block in a file with no 1 is accepted too), or the first marked heading line.
    let first_heading = lines
        .iter()
        .position(|l| {
            l.kind == LineKind::Text
                && (l.mark.is_some() || parse_number(&l.norm.text).is_some_and(|n| n.value == 1))
        })
        .unwrap_or(lines.len());
    let (front, body) = lines.split_at(first_heading);
    let paras = front_paras(front);

    // Title: a pilot's heading line, else the last run of title-like lines naming a document type.
    let mut title_idx: Vec<usize> = Vec::new();
    if pilot.is_some() {
        if !paras.is_empty() {
            title_idx.push(0);
            if paras.len() > 1
                && paras[1].kind == FrontKind::TitleLike
                && paras[0].norm.text.chars().count() + paras[1].norm.text.chars().count() < 40
            {
                title_idx.push(1);
            }
        }
    } else {
        let mut runs: Vec<Vec<usize>> = Vec::new();
        let mut cur: Vec<usize> = Vec::new();
        for (k, p) in paras.iter().enumerate() {
            if p.kind == FrontKind::TitleLike {
                cur.push(k);
            } else if !cur.is_empty() {
                runs.push(std::mem::take(&mut cur));
            }
        }
        if !cur.is_empty() {
            runs.push(cur);
        }
        let names_doc = |run: &Vec<usize>| {
            let joined: String = run.iter().map(|&k| paras[k].norm.text.as_str()).collect();
            DOC_TYPES.iter().any(|d| joined.contains(d))
        };
        if let Some(run) = runs.iter().rev().find(|r| names_doc(r)) {
            // Within a run, the title is the tail after the last line that is itself a full title
            // (a web page shows the title once in its header, then the document breaks it over
            // lines); lines before that are page debris.
            let full = |k: &usize| DOC_TYPES.iter().any(|d| paras[*k].norm.text.ends_with(d));
            let cut = run[..run.len() - 1]
                .iter()
                .rposition(full)
                .map_or(0, |p| p + 1);
            let start = if cut == 0 {
                run.iter()
                    .position(full)
                    .map_or(0, |p| title_start(&paras, run, p))
            } else {
                cut
            };
            title_idx = run[start..].to_vec();
        } else if let Some(run) = runs.first() {
            title_idx = run.clone();
        }
    }
    let title_end = title_idx.last().copied();
    // A parenthesised line right after the title (`（2020—2025年）`) belongs to it.
    if let Some(e) = title_end
        && let Some(next) = paras.get(e + 1)
        && next.norm.text.starts_with('(')
        && next.norm.text.ends_with(')')
        && find_date(&next.norm.text).is_none()
        && next.norm.text.chars().count() <= 20
    {
        title_idx.push(e + 1);
    }
    let title = (!title_idx.is_empty()).then(|| {
        title_idx
            .iter()
            .map(|&k| ctx.display(paras[k].norm.orig_range(0..paras[k].norm.text.len())))
            .map(|s| s.split_whitespace().collect::<String>())
            .collect::<String>()
    });
    let title_norm: String = title_idx
        .iter()
        .map(|&k| paras[k].norm.text.as_str())
        .collect();

    // Preamble: sentences of the front matter, re-joined across breaks.
    let mut pre_pieces: Vec<Normalized> = Vec::new();
    let mut last_was_pre = false;
    for (k, p) in paras.iter().enumerate() {
        if title_idx.contains(&k) || p.kind == FrontKind::Meta {
            last_was_pre = false;
            continue;
        }
        let before_title = title_end.is_some_and(|e| k < e);
        if p.kind == FrontKind::TitleLike && (before_title || p.norm.text.chars().count() < 8) {
            last_was_pre = false;
            continue;
        }
        match pre_pieces.last_mut() {
            Some(prev) if last_was_pre && !ends_sentence(&prev.text) => prev.append(&p.norm),
            _ => pre_pieces.push(p.norm.clone()),
        }
        last_was_pre = true;
    }
    let mut preamble = Preamble::default();
    let mut pre_text = Vec::new();
    for piece in &pre_pieces {
        pre_text.push(ctx.display_norm(piece, 0..piece.text.len()));
        preamble.measures.extend(measures_of(ctx, piece, 0, None));
    }
    preamble.text = pre_text.join("\n");

    // Metadata.
    let mut meta = PlanMeta {
        title: title.clone(),
        ..PlanMeta::default()
    };
    let front_texts: Vec<&str> = paras.iter().map(|p| p.norm.text.as_str()).collect();
    meta.doc_number = front_texts.iter().find_map(|t| find_doc_number(t));
    meta.date = paras
        .iter()
        .filter(|p| p.kind == FrontKind::Meta)
        .find_map(|p| find_date(&p.norm.text))
        .or_else(|| {
            front
                .iter()
                .filter(|l| l.kind == LineKind::WebMeta)
                .find_map(|l| find_date(&l.norm.text))
        });
    meta.issuer = paras
        .iter()
        .filter(|p| p.kind == FrontKind::Meta)
        .map(|p| p.norm.text.as_str())
        .find(|t| ORG_ENDINGS.iter().any(|e| t.ends_with(e)) && t.chars().count() <= 24)
        .map(|t| t.to_string())
        .or_else(|| issuer_in_title(&title_norm));
    meta.period = find_period(&title_norm);

    // Body: drop sign-off lines at the end, then outline.
    let mut body_end = body.len();
    while body_end > 0 {
        let l = &body[body_end - 1];
        if l.kind != LineKind::Text || is_meta_line(&l.norm.text) {
            body_end -= 1;
        } else {
            break;
        }
    }
    let body = &body[..body_end];
    let paras_body = build_paragraphs(body);
    let mut sections = build_sections(ctx, &paras_body);
    if sections.is_empty() {
        // No headings at all: the text is one section (the preamble's sentences move into it).
        let paras_all = if paras_body.is_empty() {
            build_paragraphs(
                &front
                    .iter()
                    .filter(|l| !is_meta_line(&l.norm.text))
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        } else {
            paras_body
        };
        let content: Vec<Para> = paras_all
            .into_iter()
            .filter(|p| !title_norm.contains(p.norm.text.as_str()) || p.norm.text.is_empty())
            .collect();
        if !content.is_empty() {
            sections.push(untitled_section(ctx, &content, title.clone()));
            preamble = Preamble::default();
        }
    }
    assign_kinds(&mut sections);
    let mut next_id = 0;
    renumber(&mut sections, &mut next_id);

    let name = match pilot {
        Some(p) => Some(p.name.clone()),
        None => title_norm_place(&title_norm).or_else(|| title.clone()),
    };
    let start = lines.first().map_or(0, |l| l.orig_range.start);
    let end = lines.last().map_or(start, |l| l.orig_range.end);
    PlanDraft {
        name,
        meta,
        preamble,
        sections,
        span: start..end,
    }
}

fn measures_of(
    ctx: &DocCtx,
    norm: &Normalized,
    from: usize,
    section_id: Option<usize>,
) -> Vec<Measure> {
    let text = &norm.text[from..];
    split_measures(text)
        .into_iter()
        .map(|r| {
            let r = from + r.start..from + r.end;
            Measure {
                measure_id: String::new(),
                index: 0,
                section_id,
                text: ctx.display_norm(norm, r.clone()),
                norm: norm.text[r.clone()].trim().to_string(),
                span: norm.orig_range(r),
            }
        })
        .collect()
}

struct Draft {
    level: usize,
    section: Section,
}

fn build_sections(ctx: &DocCtx, paras: &[Para]) -> Vec<Section> {
    let mut styles: Vec<NumberStyle> = Vec::new();
    let mut flat: Vec<Draft> = Vec::new();
    let mut body_norm: Vec<Vec<String>> = Vec::new();
    let mut body_disp: Vec<Vec<String>> = Vec::new();
    for (k, p) in paras.iter().enumerate() {
        if let Some(lead) = lead_in(p, paras.get(k + 1), &styles) {
            // `实施途径：` followed by a list that restarts at 1: the list nests under the lead-in.
            let pos = styles
                .iter()
                .position(|s| *s == lead)
                .unwrap_or(styles.len());
            styles.truncate(pos);
            styles.push(NumberStyle::LeadIn);
            let level = styles.len();
            let title_norm = p.norm.text.trim_end_matches(':').to_string();
            let title = ctx
                .display_norm(&p.norm, 0..p.norm.text.len())
                .trim_end_matches(['：', ':'])
                .to_string();
            let start = p.norm.to_orig(0);
            body_norm.push(Vec::new());
            body_disp.push(Vec::new());
            flat.push(Draft {
                level,
                section: Section {
                    section_id: 0,
                    level,
                    style: Some(NumberStyle::LeadIn),
                    number: String::new(),
                    label: String::new(),
                    title,
                    title_norm,
                    kind: SectionKind::Other,
                    span: start..p.norm.orig_end(),
                    heading_span: start..p.norm.orig_end(),
                    body: String::new(),
                    body_norm: String::new(),
                    measures: Vec::new(),
                    children: Vec::new(),
                },
            });
            continue;
        }
        if let Some(n) = &p.numbering {
            let level = match styles.iter().position(|s| *s == n.style) {
                Some(k) => {
                    styles.truncate(k + 1);
                    k + 1
                }
                None => {
                    styles.push(n.style);
                    styles.len()
                }
            };
            let (title_r, body_start) = split_title(&p.norm.text, n.rest);
            let title_norm = p.norm.text[title_r.clone()]
                .trim_end_matches(['。', ':', ';', ' '])
                .to_string();
            let title = ctx
                .display_norm(&p.norm, title_r.clone())
                .trim_end_matches(['。', '：', ':', ';', '；', ' '])
                .to_string();
            let label = ctx
                .original
                .get(p.norm.orig_range(n.start..n.rest))
                .unwrap_or("")
                .trim()
                .to_string();
            let heading_start = p.norm.to_orig(n.start);
            let heading_end = p.norm.orig_range(n.start..title_r.end.max(n.rest)).end;
            let mut measures = measures_of(ctx, &p.norm, body_start, None);
            // A numbered item that is one sentence (`①编制村庄规划，做到应编尽编。`) is a measure as
            // well as a heading.
            if measures.is_empty()
                && title_r.end > title_r.start
                && p.norm.text[title_r.clone()].contains(',')
            {
                measures = measures_of(ctx, &p.norm, n.rest, None);
            }
            let mut bn = Vec::new();
            let mut bd = Vec::new();
            if body_start < p.norm.text.len() {
                bn.push(p.norm.text[body_start..].to_string());
                bd.push(ctx.display_norm(&p.norm, body_start..p.norm.text.len()));
            }
            body_norm.push(bn);
            body_disp.push(bd);
            flat.push(Draft {
                level,
                section: Section {
                    section_id: 0,
                    level,
                    style: Some(n.style),
                    number: n.numeral.clone(),
                    label,
                    title,
                    title_norm,
                    kind: SectionKind::Other,
                    span: heading_start..p.norm.orig_end(),
                    heading_span: heading_start..heading_end,
                    body: String::new(),
                    body_norm: String::new(),
                    measures,
                    children: Vec::new(),
                },
            });
        } else if let Some(d) = flat.last_mut() {
            d.section
                .measures
                .extend(measures_of(ctx, &p.norm, 0, None));
            d.section.span.end = d.section.span.end.max(p.norm.orig_end());
            if let (Some(bn), Some(bd)) = (body_norm.last_mut(), body_disp.last_mut()) {
                bn.push(p.norm.text.clone());
                bd.push(ctx.display_norm(&p.norm, 0..p.norm.text.len()));
            }
        }
    }
    for ((d, bn), bd) in flat.iter_mut().zip(body_norm).zip(body_disp) {
        d.section.body_norm = bn.join("\n");
        d.section.body = bd.join("\n");
    }
    nest(flat)
}

/// Is `p` a short lead-in (`实施途径：`) to a list that restarts a numbering style in use?
fn lead_in(p: &Para, next: Option<&Para>, styles: &[NumberStyle]) -> Option<NumberStyle> {
    let t = &p.norm.text;
    if p.numbering.is_some() || !t.ends_with(':') || t.chars().count() > 16 {
        return None;
    }
    let n = next?.numbering.as_ref()?;
    // The style must still be open: after a new parent heading it is not, and a 1 is a plain restart.
    (n.value == 1 && styles.contains(&n.style)).then_some(n.style)
}

fn nest(flat: Vec<Draft>) -> Vec<Section> {
    let mut roots: Vec<Section> = Vec::new();
    let mut stack: Vec<Section> = Vec::new();
    fn close(stack: &mut Vec<Section>, roots: &mut Vec<Section>) {
        if let Some(done) = stack.pop() {
            match stack.last_mut() {
                Some(parent) => {
                    parent.span.end = parent.span.end.max(done.span.end);
                    parent.children.push(done);
                }
                None => roots.push(done),
            }
        }
    }
    for d in flat {
        while stack.last().is_some_and(|s| s.level >= d.level) {
            close(&mut stack, &mut roots);
        }
        let mut s = d.section;
        s.level = stack.len() + 1;
        stack.push(s);
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    roots
}

fn untitled_section(ctx: &DocCtx, paras: &[Para], title: Option<String>) -> Section {
    let mut measures = Vec::new();
    let mut bn = Vec::new();
    let mut bd = Vec::new();
    for p in paras {
        measures.extend(measures_of(ctx, &p.norm, 0, None));
        bn.push(p.norm.text.clone());
        bd.push(ctx.display_norm(&p.norm, 0..p.norm.text.len()));
    }
    let start = paras.first().map_or(0, |p| p.norm.to_orig(0));
    let end = paras.last().map_or(start, |p| p.norm.orig_end());
    let title = title.unwrap_or_default();
    Section {
        section_id: 0,
        level: 1,
        style: None,
        number: String::new(),
        label: String::new(),
        title_norm: crate::normalize::normalize_str(&title),
        title,
        kind: SectionKind::Other,
        span: start..end,
        heading_span: start..start,
        body: bd.join("\n"),
        body_norm: bn.join("\n"),
        measures,
        children: Vec::new(),
    }
}

fn assign_kinds(sections: &mut [Section]) {
    let mut after_safeguards = false;
    for s in sections.iter_mut() {
        let kind = SectionKind::from_title(&s.title_norm).unwrap_or(if after_safeguards {
            SectionKind::Other
        } else {
            SectionKind::Tasks
        });
        after_safeguards |= kind == SectionKind::Safeguards;
        s.kind = kind;
        inherit_kinds(s);
    }
}

fn inherit_kinds(parent: &mut Section) {
    let open = matches!(
        parent.kind,
        SectionKind::Guidance | SectionKind::Other | SectionKind::Profile
    );
    let pk = parent.kind;
    for c in &mut parent.children {
        c.kind = if open {
            SectionKind::from_title(&c.title_norm).unwrap_or(pk)
        } else {
            pk
        };
        inherit_kinds(c);
    }
}

fn renumber(sections: &mut [Section], next: &mut usize) {
    for s in sections {
        s.section_id = *next;
        for m in &mut s.measures {
            m.section_id = Some(*next);
        }
        *next += 1;
        renumber(&mut s.children, next);
    }
}

/// `淄政字〔2020〕95号`, `市中政字〔2021〕45号`, `国办发[2019]12号`.
pub fn find_doc_number(t: &str) -> Option<String> {
    let chars: Vec<char> = t.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !matches!(c, '〔' | '[' | '【' | '(') {
            continue;
        }
        let year: String = chars[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if year.len() != 4 {
            continue;
        }
        let close = chars.get(i + 5).copied();
        if !matches!(close, Some('〕' | ']' | '】' | ')')) {
            continue;
        }
        let num: String = chars[i + 6..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if num.is_empty() || chars.get(i + 6 + num.len()) != Some(&'号') {
            continue;
        }
        let prefix: String = chars[..i]
            .iter()
            .rev()
            .take_while(|c| is_han(**c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let prefix: String = prefix
            .chars()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if prefix.is_empty() {
            continue;
        }
        let end = i + 6 + num.len() + 1;
        let mut s = prefix;
        s.extend(&chars[i..end]);
        return Some(s);
    }
    None
}

/// First date in a line as `YYYY-MM-DD`: `2020年12月6日` or `2023-12-13`.
pub fn find_date(t: &str) -> Option<String> {
    let chars: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit()) {
            let y: String = chars[i..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if y.len() == 4 {
                let j = i + 4;
                let sep = chars.get(j).copied();
                if matches!(sep, Some('年' | '-' | '.' | '/')) {
                    let m: String = chars[j + 1..]
                        .iter()
                        .take_while(|c| c.is_ascii_digit())
                        .collect();
                    let k = j + 1 + m.len();
                    let sep2 = chars.get(k).copied();
                    let ok2 = match sep {
                        Some('年') => sep2 == Some('月'),
                        _ => sep2 == sep,
                    };
                    if !m.is_empty() && m.len() <= 2 && ok2 {
                        let d: String = chars[k + 1..]
                            .iter()
                            .take_while(|c| c.is_ascii_digit())
                            .collect();
                        let day_ok = !d.is_empty()
                            && d.len() <= 2
                            && (sep != Some('年') || chars.get(k + 1 + d.len()) == Some(&'日'));
                        let (mv, dv): (u32, u32) = (m.parse().unwrap_or(0), d.parse().unwrap_or(0));
                        if day_ok && (1..=12).contains(&mv) && (1..=31).contains(&dv) {
                            return Some(format!("{y}-{mv:02}-{dv:02}"));
                        }
                    }
                }
            }
            i += y.len().max(1);
            continue;
        }
        i += 1;
    }
    None
}

/// `(2020-2025年)` → `2020-2025`.
pub fn find_period(t: &str) -> Option<String> {
    let chars: Vec<char> = t.chars().collect();
    for i in 0..chars.len() {
        let a: String = chars[i..].iter().take(4).collect();
        if a.len() != 4
            || !a.chars().all(|c| c.is_ascii_digit())
            || (i > 0 && chars[i - 1].is_ascii_digit())
        {
            continue;
        }
        let mut j = i + 4;
        if chars.get(j) == Some(&'年') {
            j += 1;
        }
        if !matches!(chars.get(j), Some('-' | '—' | '–' | '~' | '至' | '到')) {
            continue;
        }
        j += 1;
        let b: String = chars[j..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if b.len() == 4 {
            return Some(format!("{a}-{b}"));
        }
    }
    None
}

fn issuer_in_title(title: &str) -> Option<String> {
    let i = title.find("关于")?;
    let head = &title[..i];
    (head.chars().count() >= 3 && ORG_ENDINGS.iter().any(|e| head.ends_with(e)))
        .then(|| head.to_string())
}

/// The place a title is about: `淄博市高水平推进…` → `淄博市`, `中共四川省委关于…` → `四川省`.
fn title_norm_place(title: &str) -> Option<String> {
    let mut t: &str = title;
    for p in ["中共", "中国共产党"] {
        t = t.strip_prefix(p).unwrap_or(t);
    }
    // A notice title: `XX人民政府关于印发YY的通知` is about YY's place.
    if let Some(i) = t.find("关于印发") {
        t = &t[i + "关于印发".len()..];
    }
    let chars: Vec<char> = t.chars().collect();
    let mut end = 0;
    let mut i = 0;
    while i < chars.len() && i < 24 {
        let rest: String = chars[i..].iter().collect();
        if let Some(len) = unit_at(&rest) {
            let candidate = i + len;
            // The first unit must start the name; later ones chain (济南市 + 市中区) only if short.
            let piece: String = chars[end..candidate].iter().collect();
            let chains = end > 0
                && (2..=4).contains(&(candidate - end))
                && !NOT_PLACE.iter().any(|w| piece.contains(w));
            if end == 0 && candidate >= 2 || chains {
                end = candidate;
                i = candidate;
                continue;
            }
        }
        if end > 0 && i - end >= 4 {
            break;
        }
        i += 1;
    }
    (end >= 2).then(|| chars[..end].iter().collect())
}

/// Words that end a place name even when a unit character follows (`国家城乡…`).
const NOT_PLACE: &[&str] = &[
    "国家", "城乡", "推进", "关于", "加快", "建设", "发展", "城镇", "全面", "深化", "实施", "试点",
];

const UNITS: &[&str] = &[
    "自治区",
    "自治州",
    "新区",
    "省",
    "市",
    "区",
    "县",
    "州",
    "旗",
    "镇",
    "乡",
    "盟",
];

fn unit_at(s: &str) -> Option<usize> {
    UNITS
        .iter()
        .find(|u| s.starts_with(*u))
        .map(|u| u.chars().count())
}

/// Administrative level from a place name.
pub fn admin_level(name: &str) -> Option<String> {
    let base = name.split(['(', '（']).next().unwrap_or(name).trim();
    if PROVINCES.iter().any(|(full, _)| *full == base) {
        return Some("省".into());
    }
    let last = base.split(['—', '-', '–']).next_back().unwrap_or(base);
    if last.ends_with("新区") && !last.ends_with("高新区") {
        return Some("新区".into());
    }
    if last.ends_with("自治州") {
        return Some("州".into());
    }
    let c = last.chars().last()?;
    matches!(
        c,
        '省' | '市' | '县' | '区' | '镇' | '旗' | '州' | '乡' | '盟'
    )
    .then(|| c.to_string())
}

/// Province-level units with the short forms used in running text.
pub const PROVINCES: &[(&str, &str)] = &[
    ("北京市", "北京"),
    ("天津市", "天津"),
    ("上海市", "上海"),
    ("重庆市", "重庆"),
    ("河北省", "河北"),
    ("山西省", "山西"),
    ("辽宁省", "辽宁"),
    ("吉林省", "吉林"),
    ("黑龙江省", "黑龙江"),
    ("江苏省", "江苏"),
    ("浙江省", "浙江"),
    ("安徽省", "安徽"),
    ("福建省", "福建"),
    ("江西省", "江西"),
    ("山东省", "山东"),
    ("河南省", "河南"),
    ("湖北省", "湖北"),
    ("湖南省", "湖南"),
    ("广东省", "广东"),
    ("海南省", "海南"),
    ("四川省", "四川"),
    ("贵州省", "贵州"),
    ("云南省", "云南"),
    ("陕西省", "陕西"),
    ("甘肃省", "甘肃"),
    ("青海省", "青海"),
    ("台湾省", "台湾"),
    ("内蒙古自治区", "内蒙古"),
    ("广西壮族自治区", "广西"),
    ("西藏自治区", "西藏"),
    ("宁夏回族自治区", "宁夏"),
    ("新疆维吾尔自治区", "新疆"),
    ("香港特别行政区", "香港"),
    ("澳门特别行政区", "澳门"),
];

/// Province named at the start of a place name.
pub fn province_of(name: &str) -> Option<String> {
    let n = crate::normalize::normalize_str(name);
    PROVINCES
        .iter()
        .find(|(full, _)| n.starts_with(full))
        .map(|(full, _)| full.to_string())
}

const GAZETTEER: &str = include_str!("../assets/gazetteer.txt");

/// Province of a place named by its prefecture (`淄博市` → 山东省), from `assets/gazetteer.txt`.
/// The longest matching prefix wins, so `西咸新区` is not taken for `西…`.
pub fn province_by_gazetteer(name: &str) -> Option<String> {
    let n = crate::normalize::normalize_str(name);
    let mut best: Option<(usize, &str)> = None;
    for line in GAZETTEER.lines().filter(|l| !l.starts_with('#')) {
        let Some((province, places)) = line.split_once(':') else {
            continue;
        };
        for place in places.split_whitespace() {
            // A short name must be followed by its unit (朝阳 区/市…) to count.
            let ok = n.starts_with(place)
                && (place.chars().count() >= 3
                    || n[place.len()..].starts_with(['市', '州', '区', '县', '盟', '地']));
            if ok && best.is_none_or(|(len, _)| place.len() > len) {
                best = Some((place.len(), province.trim()));
            }
        }
    }
    best.map(|(_, p)| p.to_string())
}

/// Province most often named in a text (full or short form), if any is.
fn province_in_text(text: &str) -> Option<String> {
    PROVINCES
        .iter()
        .map(|(full, short)| (text.matches(short).count(), *full))
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, _)| *n)
        .map(|(_, full)| full.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_patterns() {
        assert_eq!(
            find_doc_number("淄政字〔2020〕95号").as_deref(),
            Some("淄政字〔2020〕95号")
        );
        assert_eq!(find_date("2020年12月6日").as_deref(), Some("2020-12-06"));
        assert_eq!(
            find_date("添加日期:2023-12-13作者:").as_deref(),
            Some("2023-12-13")
        );
        assert_eq!(
            find_period("淄博市行动方案(2020-2025年)").as_deref(),
            Some("2020-2025")
        );
        assert_eq!(
            title_norm_place("济南市市中区国家城乡融合发展试验区实施方案").as_deref(),
            Some("济南市市中区")
        );
        assert_eq!(
            title_norm_place("西咸新区推进国家城乡融合发展试验区建设实施方案").as_deref(),
            Some("西咸新区")
        );
        assert_eq!(
            title_norm_place("中共四川省委关于深入贯彻").as_deref(),
            Some("四川省")
        );
        assert_eq!(
            title_norm_place("淄博市高水平推进城乡融合发展行动方案").as_deref(),
            Some("淄博市")
        );
        assert_eq!(
            admin_level("上海市浦东新区（临港地区）").as_deref(),
            Some("新区")
        );
        assert_eq!(admin_level("江西省南昌高新区").as_deref(), Some("区"));
        assert_eq!(admin_level("湖南省津市市—澧县").as_deref(), Some("县"));
        assert_eq!(province_by_gazetteer("淄博市").as_deref(), Some("山东省"));
        assert_eq!(province_by_gazetteer("西咸新区").as_deref(), Some("陕西省"));
        assert_eq!(
            province_by_gazetteer("济南市市中区").as_deref(),
            Some("山东省")
        );
        assert_eq!(province_by_gazetteer("某某市"), None);
    }
}
