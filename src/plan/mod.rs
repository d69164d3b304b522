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

use crate::document::header::{self, Header};
use crate::document::naming;
use crate::document::wrapper::{self, DocPart, Notice, PartRole};
use crate::import::TextFile;
use crate::lines::{Line, LineKind, classify_lines};
use crate::measure::Measure;
use crate::normalize::Normalized;
use crate::numbering::parse_number;
use crate::outline::{Para, Section, build_paragraphs, ends_sentence};

mod compilation;

use crate::outline::tree::{assign_kinds, build_sections, renumber, untitled_section};
use crate::outline::{DocCtx, measures_of};
use compilation::{DOC_TYPES, PilotStart, find_compilation_plans, title_like};

pub use crate::document::fields::{find_date, find_doc_number, find_period};
pub use crate::document::places::{
    ORG_ENDINGS, PROVINCES, admin_level, province_by_gazetteer, province_of,
};
use crate::document::places::{issuer_in_title, province_in_text};

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
    /// The place the plan is about (`浙江省` for a national document about Zhejiang), if any.
    pub place: Option<String>,
    /// The title of the notice that issued the plan (`…关于印发《X》的通知`), if one did.
    pub notice_title: Option<String>,
    /// For an attachment: its label as written (`附件`, `附件2`).
    pub attachment: Option<String>,
    /// For an attachment: the id of the plan it is attached to.
    pub attached_to: Option<String>,
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
    let mut lines = classify_lines(&original);
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
    let pilots = find_compilation_plans(&original, &lines);
    // Outside compilations, the document model finds chrome, notices and attachments first.
    let (head, segmentation) = match pilots {
        Some(_) => (Header::default(), None),
        None => {
            let head = header::scan(&original, &mut lines);
            let seg = wrapper::split(&mut lines);
            (head, Some(seg))
        }
    };
    let ctx = DocCtx {
        original: &original,
        lines: &lines,
    };
    let mut drafts = Vec::new();
    match (pilots, &segmentation) {
        (Some(pilots), _) => {
            // A compilation's pilots are independent: built in parallel (the seeds' 59 pilots
            // are most of `duizhao measures`' reading time).
            use rayon::prelude::*;
            drafts = pilots
                .par_iter()
                .enumerate()
                .map(|(k, p)| {
                    let end = pilots.get(k + 1).map_or(lines.len(), |n| n.line);
                    build_plan(&ctx, p.line..end, Some(p), None)
                })
                .collect();
        }
        (None, Some(seg)) => {
            for part in &seg.parts {
                // The notice that issues this part: the last one titled before it.
                let notice = seg
                    .later_notices
                    .iter()
                    .rev()
                    .find(|(at, _)| *at <= part.lines.start)
                    .map(|(_, n)| n)
                    .or(seg.notice.as_ref());
                let info = PartInfo {
                    part,
                    notice,
                    header: &head,
                };
                drafts.push(build_plan(&ctx, part.lines.clone(), None, Some(&info)));
            }
        }
        (None, None) => drafts.push(build_plan(&ctx, 0..lines.len(), None, None)),
    }
    let mut plans: Vec<Plan> = Vec::new();
    for (k, d) in drafts.into_iter().enumerate() {
        let plan_id = format!("{stem}#{}", k + 1);
        let mut plan = Plan {
            plan_id: plan_id.clone(),
            name: String::new(),
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
        // An attachment shares its document's issuer, date and number.
        if plan.meta.attachment.is_some()
            && let Some(parent) = plans.iter().rev().find(|p| p.meta.attachment.is_none())
        {
            plan.meta.attached_to = Some(parent.plan_id.clone());
            let pm = parent.meta.clone();
            plan.meta.issuer = plan.meta.issuer.take().or(pm.issuer);
            plan.meta.date = plan.meta.date.take().or(pm.date);
            plan.meta.doc_number = plan.meta.doc_number.take().or(pm.doc_number);
            plan.meta.notice_title = plan.meta.notice_title.take().or(pm.notice_title);
        }
        plan.name = match d.name {
            Some(n) => n,
            None => plan_name(&plan, &plans, &stem),
        };
        plan.level = admin_level(&plan.name);
        plan.province = province_of(&plan.name)
            .or_else(|| province_by_gazetteer(&plan.name))
            .or_else(|| plan.meta.place.as_deref().and_then(province_by_gazetteer))
            .or_else(|| province_in_text(&plan.normalized_text()));
        if plan.meta.place.is_none() && plan.level.is_some() {
            plan.meta.place = Some(plan.name.clone());
        }
        number_measures(&mut plan);
        plans.push(plan);
    }
    plans
}

/// The name of a plan outside a compilation (see [`crate::document::naming`]): the place its
/// title starts with, else the short form of its title, else the place its text names most, else
/// the file name. A name another plan of the file already has gives way to the short title.
fn plan_name(plan: &Plan, earlier: &[Plan], stem: &str) -> String {
    let title_norm = plan
        .meta
        .title
        .as_deref()
        .map(crate::normalize::normalize_str);
    let taken = |n: &str| earlier.iter().any(|p| p.name == n);
    if let Some(t) = &title_norm
        && let Some(place) = naming::place_in_title(t)
        && !taken(&place)
    {
        return place;
    }
    // A title naming a genre only (`政府工作报告`): the place the whole text is about, its
    // front matter included (`——在某市人民代表大会上`, `某市市长`).
    if let Some(t) = &plan.meta.title
        && is_generic_title(t)
        && let Some(place) =
            naming::most_named_place(&crate::normalize::normalize_str(plan.original_text()))
                .filter(|p| !taken(p))
    {
        return place;
    }
    if let Some(t) = &plan.meta.title {
        let short = naming::short_title(t);
        if !short.is_empty() {
            return short;
        }
    }
    naming::most_named_place(&plan.normalized_text())
        .filter(|p| !taken(p))
        .unwrap_or_else(|| stem.to_string())
}

/// A title that names a genre and no subject (`政府工作报告`, `2024年工作要点`): at most eight
/// characters after a leading year, ending in a document type. Such a document is one place's
/// own, and is named by the place its text names (see [`naming::most_named_place`]).
fn is_generic_title(title: &str) -> bool {
    let t = crate::chars::compact(title);
    let t = match t.find('年') {
        Some(i) if i > 0 && t[..i].chars().all(|c| c.is_ascii_digit()) => &t[i + '年'.len_utf8()..],
        _ => t.as_str(),
    };
    let n = t.chars().count();
    (2..=8).contains(&n) && wrapper::ends_in_doc_type(t)
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
        // A speech's dash line under its title (`——2023年1月10日在某市人民代表大会…上`).
        && (t.starts_with('—')
            || t.chars().count() <= 16
            || t.ends_with(')')
            || t.ends_with("通过")
            || t.ends_with("批准")
            || t.ends_with("印发"))
}

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
    t.starts_with("抄送")
        || t.starts_with("主题词")
        || (t.ends_with("印发") && n <= 30)
        || is_month_line(t)
}

/// A date line without a day, as a plan signed by a bureau ends (`2023年8月`, `二〇二一年十二月`).
fn is_month_line(t: &str) -> bool {
    let Some(head) = t.strip_suffix('月') else {
        return false;
    };
    let Some((year, month)) = head.split_once('年') else {
        return false;
    };
    let numeral = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.chars().count())
            && s.chars()
                .all(|c| c.is_ascii_digit() || "〇零一二三四五六七八九十".contains(c))
    };
    numeral(year.trim(), 4..=4) && numeral(month.trim(), 1..=3)
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
        } else if wrapper::is_preface_heading(t) {
            // `前言` opens the body; it is no line of the title above it.
            FrontKind::Sentence
        } else if title_like(t) {
            FrontKind::TitleLike
        } else {
            FrontKind::Sentence
        };
    }
    out
}

/// What the document model knows about a part before its plan is built.
struct PartInfo<'a> {
    part: &'a DocPart,
    notice: Option<&'a Notice>,
    header: &'a Header,
}

/// A known title's display form and normalised form.
fn known_title(ctx: &DocCtx, range: Range<usize>) -> (String, String) {
    let lines: Vec<&Line> = ctx
        .lines
        .get(range)
        .unwrap_or(&[])
        .iter()
        .filter(|l| l.kind == LineKind::Text)
        .collect();
    let norm: String = lines.iter().map(|l| l.norm.text.as_str()).collect();
    let raw: String = lines
        .iter()
        .map(|l| ctx.display(l.orig_range.clone()))
        .collect::<Vec<_>>()
        .join("");
    (title_display(&raw), norm)
}

/// A title for display: spaces dropped (`试验区 实施方案` is a line-break artefact) except between
/// issuing organs (`中共中央 国务院关于…`) and between Latin words; a markdown heading marker
/// dropped.
fn title_display(raw: &str) -> String {
    let raw = raw.trim().trim_start_matches(['#', ' ']);
    // A Markdown bold line (`**标题**`, as pandoc writes a bold paragraph).
    let raw = raw
        .strip_prefix("**")
        .and_then(|r| r.strip_suffix("**"))
        .unwrap_or(raw)
        .trim();
    let compact = crate::chars::compact(raw);
    match naming::issuer_of_title(raw) {
        Some(issuer) if issuer.contains(' ') => {
            let rest = compact.get(issuer.replace(' ', "").len()..).unwrap_or("");
            format!("{issuer}{rest}")
        }
        _ => compact,
    }
}

fn build_plan(
    ctx: &DocCtx,
    range: Range<usize>,
    pilot: Option<&PilotStart>,
    info: Option<&PartInfo>,
) -> PlanDraft {
    let all_lines = &ctx.lines[range.clone()];
    let known = info
        .map(|i| i.part.title_lines.clone())
        .filter(|t| !t.is_empty() && t.start >= range.start && t.end <= range.end);
    let lines = match &known {
        Some(t) => &ctx.lines[t.end..range.end],
        None => all_lines,
    };
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
    if known.is_some() {
        // The document model found the title; the front matter starts after it.
    } else if pilot.is_some() {
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
    // A planning text's cover names its volume under the title (`文本`, `说明书`): no part of it.
    while title_idx.len() > 1
        && title_idx.last().is_some_and(|&k| {
            ["文本", "规划文本", "说明书", "规划说明", "图集"]
                .contains(&crate::chars::compact(&paras[k].norm.text).as_str())
        })
    {
        title_idx.pop();
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
    let (title, title_norm) = match &known {
        Some(t) => {
            let (display, norm) = known_title(ctx, t.clone());
            (Some(display), norm)
        }
        None => {
            let title = (!title_idx.is_empty()).then(|| {
                title_idx
                    .iter()
                    .map(|&k| ctx.display(paras[k].norm.orig_range(0..paras[k].norm.text.len())))
                    .map(|s| crate::chars::compact(&s))
                    .collect::<Vec<_>>()
                    .join("")
            });
            let norm: String = title_idx
                .iter()
                .map(|&k| paras[k].norm.text.as_str())
                .collect();
            (title, norm)
        }
    };

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

    // Metadata: the issuing notice's first, then the document's own front matter, the lines
    // before its title (a masthead), its title, the file's header fields, its sign-off.
    let pre_title: Vec<&str> = match &known {
        Some(t) => ctx.lines[range.start..t.start]
            .iter()
            .filter(|l| l.kind == LineKind::Text)
            .map(|l| l.norm.text.as_str())
            .collect(),
        None => Vec::new(),
    };
    let notice = info
        .filter(|i| i.part.role != PartRole::Whole)
        .and_then(|i| i.notice);
    let field = |keys: &[&str]| -> Option<String> {
        info.and_then(|i| i.header.get(keys))
            .map(crate::normalize::normalize_str)
    };
    let mut meta = PlanMeta {
        title: title.clone(),
        ..PlanMeta::default()
    };
    let front_texts: Vec<&str> = paras.iter().map(|p| p.norm.text.as_str()).collect();
    meta.doc_number = notice
        .and_then(|n| n.doc_number.clone())
        .or_else(|| front_texts.iter().find_map(|t| find_doc_number(t)))
        .or_else(|| pre_title.iter().find_map(|t| find_doc_number(t)))
        .or_else(|| find_doc_number(&title_norm))
        .or_else(|| field(&["发文字号", "文号"]).and_then(|v| find_doc_number(&v).or(Some(v))));
    meta.date = notice
        .and_then(|n| n.date.clone())
        .or_else(|| {
            paras
                .iter()
                .filter(|p| p.kind == FrontKind::Meta)
                .find_map(|p| find_date(&p.norm.text))
        })
        .or_else(|| {
            pre_title
                .iter()
                .filter(|t| is_date_line(t))
                .find_map(|t| find_date(t))
        })
        .or_else(|| field(&["成文日期", "发文日期", "印发日期"]).and_then(|v| find_date(&v)));
    let org_line = |t: &&str| ORG_ENDINGS.iter().any(|e| t.ends_with(e)) && t.chars().count() <= 24;
    meta.issuer = notice
        .and_then(|n| n.issuer.clone())
        .or_else(|| {
            paras
                .iter()
                .filter(|p| p.kind == FrontKind::Meta)
                .map(|p| p.norm.text.as_str())
                .find(org_line)
                .map(str::to_string)
        })
        .or_else(|| {
            pre_title
                .iter()
                .copied()
                .find(|t| org_line(t))
                .map(str::to_string)
        })
        .or_else(|| title.as_deref().and_then(naming::issuer_of_title))
        .or_else(|| issuer_in_title(&title_norm))
        .or_else(|| field(&["发文机关", "制发机关", "发布机构", "发布单位", "发布部门"]));
    meta.notice_title = notice.map(|n| known_title(ctx, n.title_lines.clone()).0);
    if let Some(PartRole::Attachment(label)) = info.map(|i| &i.part.role) {
        meta.attachment = Some(label.clone());
    }
    meta.period = find_period(&title_norm);

    if meta.period.is_none() {
        meta.period = crate::document::fields::five_year_period(&title_norm);
    }

    // Body: drop sign-off lines at the end (they may hold the issuer and the date), then outline.
    let mut body_end = body.len();
    let mut signoff: Vec<&str> = Vec::new();
    while body_end > 0 {
        let l = &body[body_end - 1];
        if l.kind != LineKind::Text || is_meta_line(&l.norm.text) {
            if l.kind == LineKind::Text {
                signoff.push(&l.norm.text);
            }
            body_end -= 1;
        } else {
            break;
        }
    }
    // The first attachment label the body keeps (an attachment with no document of its own).
    let first_label = body[..body_end].iter().position(|l| {
        l.kind == LineKind::Text && wrapper::attachment_marker(&l.norm.text).is_some()
    });
    // A document signed above its attachments (`附件1` and a table after the signature): the
    // signature stands right before the first attachment label.
    if signoff.is_empty()
        && let Some(m) = first_label
    {
        for l in body[..m].iter().rev() {
            if l.kind != LineKind::Text {
                continue;
            }
            if !is_meta_line(&l.norm.text) {
                break;
            }
            signoff.push(&l.norm.text);
        }
    }
    if meta.date.is_none() {
        meta.date = signoff
            .iter()
            .filter(|t| is_date_line(t))
            .find_map(|t| find_date(t))
            .or_else(|| field(&["发布日期", "发布时间", "公布日期"]).and_then(|v| find_date(&v)))
            .or_else(|| {
                let heading_at = lines.get(first_heading).map_or(usize::MAX, |l| l.line_no);
                all_lines
                    .iter()
                    .take_while(|l| l.line_no < heading_at)
                    .filter(|l| l.kind == LineKind::WebMeta)
                    .find_map(|l| find_date(&l.norm.text))
            });
    }
    if meta.issuer.is_none() {
        meta.issuer = signoff
            .iter()
            .find(|t| ORG_ENDINGS.iter().any(|e| t.ends_with(e)) && t.chars().count() <= 40)
            .map(|t| t.to_string())
            .or_else(|| {
                front_texts
                    .iter()
                    .chain(&pre_title)
                    .find_map(|t| adopted_by(t))
            });
    }
    meta.place = naming::place_of(
        Some(&title_norm)
            .filter(|t| !t.is_empty())
            .map(|t| t.as_str()),
        meta.issuer.as_deref(),
    );
    let body = &body[..body_end];
    let mut paras_body = build_paragraphs(body);
    // An attachment kept in its document (a table, a list of names: no document of its own)
    // has no headings of the document's outline (`一、片区更新类` over a table's rows).
    if let Some(label) = first_label.and_then(|m| body.get(m)) {
        for p in paras_body
            .iter_mut()
            .filter(|p| p.lines.start > label.line_no)
        {
            p.numbering = None;
        }
    }
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

    let name = pilot.map(|p| p.name.clone());
    let start = all_lines.first().map_or(0, |l| l.orig_range.start);
    let end = all_lines.last().map_or(start, |l| l.orig_range.end);
    PlanDraft {
        name,
        meta,
        preamble,
        sections,
        span: start..end,
    }
}

/// The body that adopted a document, from its date line:
/// `(2001年2月16日云南省第九届人民代表大会第四次会议通过)` → `云南省第九届人民代表大会第四次会议`;
/// a plan outline a congress approves ends `批准` instead.
fn adopted_by(t: &str) -> Option<String> {
    let t = t.trim_matches(['(', ')']);
    let body = ["通过", "批准"].iter().find_map(|w| t.strip_suffix(w))?;
    let day = body.find('日')?;
    let org = &body[day + '日'.len_utf8()..];
    (org.chars().count() >= 4 && find_date(&body[..day + '日'.len_utf8()]).is_some())
        .then(|| org.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genre_only_titles() {
        assert!(is_generic_title("政府工作报告"));
        assert!(is_generic_title("2024年政府工作报告"));
        assert!(!is_generic_title("支持工业互联网发展若干政策"));
        assert!(!is_generic_title("“无废城市”建设试点工作方案"));
        assert!(!is_generic_title("2024年"));
    }
}
