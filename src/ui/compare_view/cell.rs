//! One cell of the comparison: its sections and measures painted with their status, marks (key
//! terms, search hits, tags) and pins; the section menu and the tooltip listing where a measure is
//! shared.

use std::ops::Range;

use egui::Rect;
use egui::Role;
use egui::Sense;
use egui::Stroke;
use egui::TextStyle;
use egui::WidgetInfo;

use crate::comparison::Cell;
use crate::comparison::CellMeasure;
use crate::comparison::CellSection;
use crate::comparison::Comparison;
use crate::comparison::MeasurePos;
use crate::comparison::Scope;
use crate::comparison::TermMark;
use crate::comparison::norm_range_in_text;
use crate::corpus::Corpus;
use crate::matching::Analysis;
use crate::matching::Tier;
use crate::ui::command::UiCommand;
use crate::ui::settings::Language;
use crate::ui::tagging::CodingView;
use crate::ui::tagging::paint_marks;
use crate::ui::tagging::span_menu_ui;
use crate::ui::tagging::tag_menu_ui;

use super::layout::{Item, cell_items, section_heading};
use super::matches::MatchMarks;
use super::style::{
    BAR, MAX_TOOLTIP_LINKS, MEASURE_GAP, MEASURE_PAD, NUMBER_WIDTH, PAD, SUB_GAP, TextMark,
    compared_plans, focus_color, heading_galley, heading_wrap, look, match_color, measure_galley,
    measure_span, paint_line, paint_look, shown_text, small_row_height, status_name, summary_text,
};

/// Search hits to mark in the measures: byte ranges of each measure's display text, by plan
/// index and measure index.
pub type HitRanges<'a> = &'a dyn Fn(usize, usize) -> Vec<Range<usize>>;

/// What painting a cell needs besides the cell.
pub(super) struct CellContext<'a> {
    pub(super) corpus: &'a Corpus,
    pub(super) analysis: &'a Analysis,
    /// The table (for the partners' numbers).
    pub(super) table: &'a Comparison,
    pub(super) compared: &'a [usize],
    pub(super) lang: Language,
    pub(super) dark: bool,
    pub(super) collapsed: bool,
    /// Show the normalised text instead of the original.
    pub(super) normalized: bool,
    /// Mark key terms (shared in the row / distinctive).
    pub(super) key_terms: bool,
    /// Search hits to mark.
    pub(super) hits: Option<HitRanges<'a>>,
    /// The project's themes and tags.
    pub(super) coding: &'a CodingView,
    /// Id of the cell's plan.
    pub(super) plan_id: &'a str,
    /// Corpus index of the cell's plan.
    pub(super) plan_index: usize,
    /// The focused measure.
    pub(super) cursor: Option<MeasurePos>,
    /// Measures flashing now.
    pub(super) flashing: &'a [MeasurePos],
    /// 1 at the start of the flash, 0 at its end.
    pub(super) flash_phase: f32,
    /// Top of the rows' visible part (below the sticky headers), in screen coordinates.
    pub(super) body_top: f32,
    /// Row and column, for widget ids.
    pub(super) id: (usize, usize),
    /// Rows are themes (no pinning).
    pub(super) by_theme: bool,
    /// Pinned (column, section id) pairs' ends.
    pub(super) pinned: &'a [(usize, usize)],
    /// Pin and unpin requests from the section menus.
    pub(super) pin_actions: &'a std::cell::RefCell<Vec<PinAction>>,
    /// What the focused measure shares with its partners.
    pub(super) matches: &'a MatchMarks,
}

/// A pin or unpin asked for in a section heading's menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PinAction {
    /// Section `section_a` of column `col_a` shares a row with `section_b` of `col_b`.
    Pin {
        col_a: usize,
        section_a: usize,
        col_b: usize,
        section_b: usize,
    },
    /// Drop the pins of this section.
    Unpin { col: usize, section: usize },
}

/// The marks of a measure in its shown text: key terms (if asked), the characters it shares
/// with the focused measure or its partners, and search hits.
pub(super) fn text_marks(
    cx: &CellContext<'_>,
    m: &CellMeasure,
    pos: MeasurePos,
) -> Vec<(Range<usize>, TextMark)> {
    let mut marks = Vec::new();
    for range in cx.matches.of(pos) {
        let range = if cx.normalized {
            norm_range_in_text(&m.norm, &m.text, range.clone())
        } else {
            Some(range.clone())
        };
        marks.extend(range.map(|r| (r, TextMark::Match)));
    }
    if cx.key_terms {
        for (range, mark) in &m.terms {
            let range = if cx.normalized {
                Some(range.clone())
            } else {
                norm_range_in_text(&m.text, &m.norm, range.clone())
            };
            let mark = match mark {
                TermMark::Shared => TextMark::SharedTerm,
                TermMark::Distinctive => TextMark::Distinctive,
            };
            marks.extend(range.map(|r| (r, mark)));
        }
    }
    if let Some(hits) = cx.hits {
        for range in hits(cx.plan_index, m.measure_index) {
            let range = if cx.normalized {
                norm_range_in_text(&m.norm, &m.text, range)
            } else {
                Some(range)
            };
            marks.extend(range.map(|r| (r, TextMark::Hit)));
        }
    }
    marks
}

pub(super) fn paint_cell(
    ui: &mut egui::Ui,
    cx: &CellContext<'_>,
    cell: &Cell,
    rect: Rect,
    clicked: &mut Option<MeasurePos>,
    commands: &mut Vec<UiCommand>,
) {
    let heading_id = ui.scope_id().with(("compare_heading", cx.id));
    let first_heading = section_heading(cell, 0, cx.lang);
    let heading = heading_galley(ui, &first_heading, heading_wrap(rect.width()));
    let heading_rect = Rect::from_min_size(rect.min + egui::vec2(PAD, PAD), heading.size());
    let visible = Rect::from_x_y_ranges(rect.x_range(), cx.body_top..=f32::INFINITY);
    let response = ui.interact(
        heading_rect.intersect(visible),
        heading_id,
        Sense::click_and_drag(),
    );
    response.widget_info(|| WidgetInfo::labeled(Role::Label, true, &first_heading));
    if let Some(section) = cell.sections.first() {
        drag_source(&response, cx, section, &first_heading);
    }
    if let Some(range) = &cell.passage {
        let carried = cx.coding.themes_of_span(cx.plan_id, range);
        if !carried.is_empty() {
            let marks = Rect::from_min_max(
                egui::pos2(rect.left(), rect.top() - 8.0),
                egui::pos2(rect.right() - PAD, rect.top() + 40.0),
            );
            paint_marks(ui.painter(), cx.coding, carried, marks);
        }
    }
    if let Some(section) = cell.sections.first() {
        section_menu(&response, cx, section, commands);
    }
    let mut y = heading_rect.bottom() + 2.0;
    ui.painter()
        .galley(heading_rect.min, heading, ui.visuals().strong_text_color());
    ui.painter().text(
        egui::pos2(rect.left() + PAD, y),
        egui::Align2::LEFT_TOP,
        summary_text(cell, cx.lang),
        TextStyle::Small.resolve(ui.style()),
        ui.visuals().weak_text_color(),
    );
    y += small_row_height(ui) + 4.0;
    let (left, wrap) = measure_span(rect.width());
    let small = TextStyle::Small.resolve(ui.style());
    // The heading of the section the view's top is in, kept visible over a tall cell.
    let mut sticky = first_heading.clone();
    for item in cell_items(cell, cx.collapsed) {
        let k = match item {
            Item::Sub(i) => {
                y += SUB_GAP;
                let text = section_heading(cell, i, cx.lang);
                if y < cx.body_top {
                    sticky = text.clone();
                }
                let galley = heading_galley(ui, &text, heading_wrap(rect.width()));
                let at = egui::pos2(rect.left() + PAD, y);
                y += galley.size().y + 2.0;
                let sub_rect = Rect::from_min_size(at, galley.size());
                ui.painter().hline(
                    (rect.left() + PAD)..=(rect.right() - PAD),
                    at.y - SUB_GAP / 2.0,
                    ui.visuals().widgets.noninteractive.bg_stroke,
                );
                ui.painter()
                    .galley(at, galley, ui.visuals().strong_text_color());
                let sub = ui.interact(
                    sub_rect.intersect(visible),
                    ui.scope_id().with(("compare_sub", cx.id, i)),
                    Sense::click_and_drag(),
                );
                sub.widget_info(|| WidgetInfo::labeled(Role::Label, true, &text));
                if let Some(section) = cell.sections.get(i) {
                    drag_source(&sub, cx, section, &text);
                    section_menu(&sub, cx, section, commands);
                }
                continue;
            }
            Item::Measure(k) => k,
        };
        let Some(m) = cell.measures.get(k) else {
            continue;
        };
        let look = look(ui, m.scope, m.tier, compared_plans(m), cx.dark);
        let pos = MeasurePos {
            row: cx.id.0,
            col: cx.id.1,
            k,
        };
        let marks = text_marks(cx, m, pos);
        let galley = measure_galley(ui, shown_text(m, cx.normalized), &marks, wrap, look.text);
        let h = galley.size().y + 2.0 * MEASURE_PAD;
        let box_rect = Rect::from_min_max(
            egui::pos2(rect.left() + PAD, y),
            egui::pos2(rect.right() - PAD, y + h),
        );
        y += h + MEASURE_GAP;
        if box_rect.bottom() < cx.body_top || !ui.is_rect_visible(box_rect) {
            continue;
        }
        paint_look(ui.painter(), box_rect, &look);
        if cx.flashing.contains(&pos) {
            // A fading outline, thicker at the start, so the eye finds the partner.
            let alpha = cx.flash_phase.clamp(0.0, 1.0);
            ui.painter().rect_stroke(
                box_rect.expand(2.0),
                4.0,
                Stroke::new(
                    1.5 + 2.0 * alpha,
                    focus_color(cx.dark).gamma_multiply(0.35 + 0.65 * alpha),
                ),
                egui::StrokeKind::Outside,
            );
        } else if cx.cursor == Some(pos) {
            ui.painter().rect_stroke(
                box_rect.expand(1.0),
                4.0,
                Stroke::new(1.5, focus_color(cx.dark)),
                egui::StrokeKind::Outside,
            );
        }
        let first_line = galley.rows.first().map_or(galley.size().y, |r| r.height());
        let number_center = egui::pos2(
            box_rect.left() + BAR + NUMBER_WIDTH / 2.0,
            box_rect.top() + MEASURE_PAD + first_line / 2.0,
        );
        ui.painter().text(
            number_center,
            egui::Align2::CENTER_CENTER,
            m.number.to_string(),
            small.clone(),
            ui.visuals().weak_text_color(),
        );
        ui.painter().galley(
            egui::pos2(rect.left() + left, box_rect.top() + MEASURE_PAD),
            galley,
            look.text,
        );
        let id = ui.scope_id().with(("compare_measure", cx.id, k));
        let response = ui.interact(box_rect.intersect(visible), id, Sense::click());
        let name = format!("{}：{}", status_name(m.scope, cx.lang), m.text);
        response.widget_info(|| WidgetInfo::labeled(Role::Button, true, &name));
        if response.clicked() {
            *clicked = Some(pos);
        }
        let measure_id = m
            .flat
            .and_then(|f| cx.analysis.measures.get(f))
            .map_or("", |e| e.measure_id.as_str());
        let carried = cx.coding.themes_of(measure_id);
        if !carried.is_empty() {
            paint_marks(ui.painter(), cx.coding, carried, box_rect);
        }
        response.context_menu(|ui| {
            if let Some(c) = tag_menu_ui(
                ui,
                cx.coding,
                cx.plan_id,
                m.measure_index,
                measure_id,
                cx.lang,
            ) {
                commands.push(c);
            }
            ui.separator();
            if ui
                .button(cx.lang.pick("复制这条措施", "Copy this measure"))
                .clicked()
            {
                ui.ctx().copy_text(m.text.clone());
                ui.close();
            }
            if ui
                .button(cx.lang.pick("复制规范化文本", "Copy the normalised text"))
                .clicked()
            {
                ui.ctx().copy_text(m.norm.clone());
                ui.close();
            }
        });
        if m.scope != Scope::Unique || cx.matches.infos_of(pos).next().is_some() {
            response.on_hover_ui(|ui| measure_tooltip(ui, cx, m, pos));
        }
    }
    // A cell taller than what is left of it in view keeps its heading at the top of the view.
    let band_height = small_row_height(ui) + 6.0;
    if rect.top() < cx.body_top && rect.bottom() > cx.body_top + 3.0 * band_height {
        let band = Rect::from_min_max(
            egui::pos2(rect.left() + 1.0, cx.body_top),
            egui::pos2(rect.right() - 1.0, cx.body_top + band_height),
        );
        ui.painter()
            .rect_filled(band, 0.0, ui.visuals().panel_fill.gamma_multiply(0.96));
        ui.painter().hline(
            band.x_range(),
            band.bottom(),
            ui.visuals().widgets.noninteractive.bg_stroke,
        );
        paint_line(
            ui,
            &sticky,
            small.clone(),
            ui.visuals().strong_text_color(),
            band.shrink2(egui::vec2(PAD, 0.0)),
            band.top() + 3.0,
        );
    }
}

/// A section heading being dragged onto a row, to pin it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DraggedSection {
    /// Its column.
    pub(super) col: usize,
    /// Its section id in its plan.
    pub(super) section_id: usize,
    /// Its heading, shown under the pointer while dragging.
    pub(super) heading: String,
}

/// A section heading is a drag source (rows by structure only): dropped on a row, the section
/// is pinned with that row's section of another plan ([`super::table`] handles the drop).
fn drag_source(
    response: &egui::Response,
    cx: &CellContext<'_>,
    section: &CellSection,
    heading: &str,
) {
    if cx.by_theme {
        return;
    }
    if let Some(section_id) = section.section_id {
        response.dnd_set_drag_payload(DraggedSection {
            col: cx.id.1,
            section_id,
            heading: heading.to_owned(),
        });
    }
}

/// A section heading's menu: tag the whole section; pin it with a section of another compared
/// plan (the two then always share a row); unpin it.
pub(super) fn section_menu(
    response: &egui::Response,
    cx: &CellContext<'_>,
    section: &CellSection,
    commands: &mut Vec<UiCommand>,
) {
    response.context_menu(|ui| {
        if let Some(range) = &section.passage {
            let title = cx.lang.pick("为整节标注主题", "Tag the whole section");
            if let Some(c) = span_menu_ui(ui, cx.coding, title, cx.plan_id, range.clone(), cx.lang)
            {
                commands.push(c);
            }
        }
        let Some(sid) = section.section_id else {
            return;
        };
        if cx.by_theme {
            return;
        }
        ui.separator();
        let col = cx.id.1;
        ui.menu_button(
            cx.lang.pick("与…对齐（固定同行）", "Pin with…"),
            |ui| {
                egui::ScrollArea::vertical()
                    .max_height(420.0)
                    .show(ui, |ui| {
                        for (other, &pi) in cx.compared.iter().enumerate() {
                            if other == col {
                                continue;
                            }
                            let Some(plan) = cx.corpus.plans.get(pi) else {
                                continue;
                            };
                            ui.label(egui::RichText::new(&plan.name).strong());
                            for s in plan.all_sections().into_iter().filter(|s| s.level <= 2) {
                                let label = crate::comparison::join_label(&s.label, &s.title);
                                let indent = if s.level > 1 { "    " } else { "" };
                                if ui.button(format!("{indent}{label}")).clicked() {
                                    cx.pin_actions.borrow_mut().push(PinAction::Pin {
                                        col_a: col,
                                        section_a: sid,
                                        col_b: other,
                                        section_b: s.section_id,
                                    });
                                    ui.close();
                                }
                            }
                        }
                    });
            },
        );
        if cx.pinned.iter().any(|&(c, s)| c == col && s == sid)
            && ui.button(cx.lang.pick("取消固定", "Unpin")).clicked()
        {
            cx.pin_actions
                .borrow_mut()
                .push(PinAction::Unpin { col, section: sid });
            ui.close();
        }
    });
}

/// Where `selected` (text selected in a measure's display text) stands in its plan's own text:
/// searched in the measure's original passage, so a selection that crosses a removed pinyin note or
/// a re-joined line break (absent from the original as displayed) is not offered for tagging.
pub(super) fn selection_in_plan(
    corpus: &Corpus,
    plan_id: &str,
    measure_index: usize,
    selected: &str,
) -> Option<Range<usize>> {
    let plan = corpus.plans.iter().find(|p| p.plan_id == plan_id)?;
    let measures = plan.measures();
    let m = measures.get(measure_index)?;
    let start = m.span.start.checked_sub(plan.span.start)?;
    let end = m.span.end.checked_sub(plan.span.start)?;
    let passage = plan.original_text().get(start..end)?;
    let at = passage.find(selected)?;
    Some(start + at..start + at + selected.len())
}

/// Tier name of a match (`None`: the engine did not link the two).
pub(super) fn tier_label(tier: Option<Tier>, lang: Language) -> &'static str {
    match tier {
        Some(Tier::Verbatim) => lang.pick("原文相同", "verbatim"),
        Some(Tier::Paraphrase) => lang.pick("意思相近", "paraphrase"),
        None => lang.pick("未判为共有", "not linked"),
    }
}

/// One line per match of the focus the measure at `pos` takes part in: partner, tier, score and
/// the characters marked.
pub(super) fn match_lines(
    matches: &MatchMarks,
    table_name: &dyn Fn(MeasurePos) -> String,
    pos: MeasurePos,
    lang: Language,
) -> Vec<String> {
    matches
        .infos_of(pos)
        .map(|i| {
            let (other, chars) = if i.focus == pos {
                (i.partner, i.focus_chars)
            } else {
                (i.focus, i.partner_chars)
            };
            let tier = tier_label(i.tier, lang);
            let terms = if i.shared_terms.is_empty() {
                String::new()
            } else {
                let t: Vec<&str> = i.shared_terms.iter().take(6).map(String::as_str).collect();
                match lang {
                    Language::Chinese => format!(" · 共同用语 {}", t.join("、")),
                    Language::English => format!(" · shared terms {}", t.join(", ")),
                }
            };
            match lang {
                Language::Chinese => format!(
                    "与{}：{tier} · 分值 {:.2} · 相同文字 {chars} 字（紫色标出）{terms}",
                    table_name(other),
                    i.score
                ),
                Language::English => format!(
                    "With {}: {tier} · score {:.2} · {chars} characters in common (marked violet){terms}",
                    table_name(other),
                    i.score
                ),
            }
        })
        .collect()
}

/// The plans and sentences a measure is shared with, compared plans first; first, when it is
/// the focused measure or one of its partners, why they match.
pub(super) fn measure_tooltip(
    ui: &mut egui::Ui,
    cx: &CellContext<'_>,
    m: &CellMeasure,
    pos: MeasurePos,
) {
    let lang = cx.lang;
    ui.set_max_width(460.0);
    let name = |p: MeasurePos| -> String {
        let plan = cx
            .compared
            .get(p.col)
            .and_then(|&pi| cx.corpus.plans.get(pi))
            .map_or("", |x| x.name.as_str());
        let number = cx.table.measure(p).map_or(0, |x| x.number);
        match lang {
            Language::Chinese => format!("{plan} 第 {number} 条"),
            Language::English => format!("{plan} No. {number}"),
        }
    };
    let lines = match_lines(cx.matches, &name, pos, lang);
    if !lines.is_empty() {
        for line in lines {
            ui.label(
                egui::RichText::new(line)
                    .strong()
                    .color(match_color(cx.dark)),
            );
        }
        if m.scope == Scope::Unique {
            return;
        }
        ui.separator();
    }
    if m.scope == Scope::Boilerplate {
        ui.label(lang.pick(
            "套话：泛泛的提法或目标公式，不计为共有措施。",
            "Boilerplate: generic wording or a target formula, never counted as shared.",
        ));
        if m.partners.is_empty() {
            return;
        }
    }
    let in_cmp = m.partners.iter().filter(|p| p.column.is_some()).count();
    let title = match lang {
        Language::Chinese => format!(
            "与 {} 个方案共有（{} 处，对照内 {in_cmp} 处）",
            m.plans_sharing,
            m.partners.len()
        ),
        Language::English => format!(
            "Shared with {} plans ({} sentences, {in_cmp} in the comparison)",
            m.plans_sharing,
            m.partners.len()
        ),
    };
    ui.label(egui::RichText::new(title).strong());
    for partner in m.partners.iter().take(MAX_TOOLTIP_LINKS) {
        let Some(plan) = cx.corpus.plans.get(partner.plan) else {
            continue;
        };
        let text = cx
            .analysis
            .measures
            .get(partner.flat)
            .and_then(|o| plan.measures().get(o.index).map(|x| x.text.clone()))
            .unwrap_or_default();
        let tier = match partner.tier {
            Tier::Verbatim => lang.pick("原文相同", "verbatim"),
            Tier::Paraphrase => lang.pick("意思相近", "paraphrase"),
        };
        let marker = if partner.column.is_some() {
            lang.pick("【对照中】", "[compared] ")
        } else {
            ""
        };
        ui.add_space(3.0);
        ui.label(
            egui::RichText::new(format!(
                "{marker}{} {} · {tier} {:.2}",
                plan.name, partner.measure_id, partner.score
            ))
            .small()
            .strong(),
        );
        if text == m.text {
            ui.label(
                egui::RichText::new(lang.pick("（文字与本条完全相同）", "(identical wording)"))
                    .small()
                    .weak(),
            );
        } else {
            ui.label(egui::RichText::new(text).small());
        }
    }
    if m.partners.len() > MAX_TOOLTIP_LINKS {
        let more = m.partners.len() - MAX_TOOLTIP_LINKS;
        ui.label(
            egui::RichText::new(match lang {
                Language::Chinese => format!("另有 {more} 处"),
                Language::English => format!("+{more} more"),
            })
            .weak(),
        );
    }
}
