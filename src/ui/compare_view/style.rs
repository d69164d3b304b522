//! The compare view's look: sizes, colours by status and tier, and the text layout of headings and
//! measures (marked words, shared and unique colours). A leaf the other parts of the view share.

use std::ops::Range;
use std::sync::Arc;

use egui::Color32;
use egui::FontId;
use egui::Galley;
use egui::Rect;
use egui::Stroke;
use egui::TextFormat;
use egui::TextStyle;
use egui::text::LayoutJob;
use egui::text::TextWrapping;

use crate::comparison::Cell;
use crate::comparison::CellMeasure;
use crate::comparison::Scope;
use crate::matching::Tier;
use crate::ui::settings::Language;

/// Width of the column at the left holding each row's kind tag.
pub(super) const GUTTER: f32 = 60.0;

/// Narrowest column; more columns than fit scroll sideways.
pub(super) const MIN_COLUMN: f32 = 260.0;

/// Padding inside a cell.
pub(super) const PAD: f32 = 8.0;

/// Width of a measure's status bar.
pub(super) const BAR: f32 = 4.0;

/// Width of the measure-number column inside a cell.
pub(super) const NUMBER_WIDTH: f32 = 28.0;

/// Vertical padding inside a measure's box.
pub(super) const MEASURE_PAD: f32 = 3.0;

/// Space between two measures.
pub(super) const MEASURE_GAP: f32 = 3.0;

/// Height of the sticky column headers.
pub(super) const HEADER_HEIGHT: f32 = 82.0;

/// Space above a sub-heading inside a cell.
pub(super) const SUB_GAP: f32 = 6.0;

/// Partners listed in a measure's tooltip before "+N more".
pub(super) const MAX_TOOLTIP_LINKS: usize = 8;

/// Plans sharing a measure at which its colour is strongest.
pub(super) const FULL_STRENGTH_PLANS: usize = 6;

/// What a measure is drawn with.
pub(super) struct Look {
    pub(super) fill: Color32,
    pub(super) bar: Color32,
    pub(super) dashed: bool,
    pub(super) text: Color32,
}

/// Width available to a cell's heading.
pub(super) fn heading_wrap(column_width: f32) -> f32 {
    (column_width - 2.0 * PAD).max(60.0)
}

/// Left offset (from the cell's left) and wrap width of a measure's text.
pub(super) fn measure_span(column_width: f32) -> (f32, f32) {
    let left = PAD + BAR + NUMBER_WIDTH;
    (left, (column_width - left - PAD - 4.0).max(60.0))
}

pub(super) fn heading_galley(ui: &egui::Ui, text: &str, wrap: f32) -> Arc<Galley> {
    let mut job = LayoutJob::single_section(
        text.to_owned(),
        TextFormat {
            font_id: TextStyle::Body.resolve(ui.style()),
            color: ui.visuals().strong_text_color(),
            ..Default::default()
        },
    );
    job.wrap = TextWrapping::wrap_at_width(wrap);
    ui.fonts_mut(|f| f.layout_job(job))
}

pub(super) fn summary_text(cell: &Cell, lang: Language) -> String {
    let count = |scope: Scope| cell.measures.iter().filter(|m| m.scope == scope).count();
    let (shared, elsewhere, unique) = (
        count(Scope::Compared),
        count(Scope::Elsewhere),
        count(Scope::Unique),
    );
    match lang {
        Language::Chinese => format!(
            "{} 条措施 · 对照内共有 {shared} · 对照外共有 {elsewhere} · 独有 {unique}",
            cell.measures.len()
        ),
        Language::English => format!(
            "{} measures · {shared} shared here · {elsewhere} elsewhere · {unique} unique",
            cell.measures.len()
        ),
    }
}

/// How a stretch of a measure's text is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum TextMark {
    /// A key term only this column of the row has.
    Distinctive,
    /// A key term another column of the row uses.
    SharedTerm,
    /// Characters shared with the focused measure (or, in the focused one, with a partner).
    Match,
    /// A search hit.
    Hit,
}

/// The text shown for a measure: original or normalised.
pub(super) fn shown_text(m: &CellMeasure, normalized: bool) -> &str {
    if normalized { &m.norm } else { &m.text }
}

pub(super) fn measure_galley(
    ui: &egui::Ui,
    text: &str,
    marks: &[(Range<usize>, TextMark)],
    wrap: f32,
    color: Color32,
) -> Arc<Galley> {
    let font = TextStyle::Body.resolve(ui.style());
    let plain = TextFormat {
        line_height: Some(font.size * 1.45),
        font_id: font,
        color,
        ..Default::default()
    };
    let mut job = if marks.is_empty() {
        LayoutJob::single_section(text.to_owned(), plain)
    } else {
        marked_job(ui, text, marks, &plain)
    };
    job.wrap = TextWrapping::wrap_at_width(wrap);
    ui.fonts_mut(|f| f.layout_job(job))
}

/// A layout job with each stretch of `text` formatted by its strongest mark.
pub(super) fn marked_job(
    ui: &egui::Ui,
    text: &str,
    marks: &[(Range<usize>, TextMark)],
    plain: &TextFormat,
) -> LayoutJob {
    let dark = ui.visuals().dark_mode;
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for (r, _) in marks {
        if r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end) {
            cuts.push(r.start);
            cuts.push(r.end);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut job = LayoutJob::default();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let Some(piece) = text.get(a..b) else {
            continue;
        };
        let mark = marks
            .iter()
            .filter(|(r, _)| r.start <= a && b <= r.end)
            .map(|(_, m)| *m)
            .max();
        let mut format = plain.clone();
        match mark {
            Some(TextMark::Hit) => {
                format.background = if dark {
                    Color32::from_rgb(120, 100, 20)
                } else {
                    Color32::from_rgb(255, 225, 90)
                };
                format.color = ui.visuals().strong_text_color();
            }
            Some(TextMark::Match) => {
                format.background =
                    match_color(dark).gamma_multiply(if dark { 0.45 } else { 0.22 });
                format.underline = Stroke::new(1.5, match_color(dark));
                format.color = ui.visuals().strong_text_color();
            }
            Some(TextMark::SharedTerm) => {
                format.underline = Stroke::new(1.5, shared_color(dark));
            }
            Some(TextMark::Distinctive) => {
                format.background = unique_color(dark).gamma_multiply(0.35);
                format.underline = Stroke::new(1.0, unique_color(dark));
            }
            None => {}
        }
        job.append(piece, 0.0, format);
    }
    job
}

pub(super) fn small_row_height(ui: &egui::Ui) -> f32 {
    let small = TextStyle::Small.resolve(ui.style());
    ui.fonts_mut(|f| f.row_height(&small))
}

/// Colours of a measure by its scope in the comparison, tier and how many compared plans share
/// it: shared with a compared plan green (darker with more plans; dashed bar for a paraphrase),
/// shared only outside the comparison a pale green with a dashed grey-green bar, unique amber,
/// boilerplate muted text.
pub(super) fn look(
    ui: &egui::Ui,
    scope: Scope,
    tier: Option<Tier>,
    plans: usize,
    dark: bool,
) -> Look {
    let text = ui.visuals().text_color();
    match scope {
        Scope::Compared => {
            let base = shared_color(dark);
            let strength = plans.clamp(1, FULL_STRENGTH_PLANS) as f32 / FULL_STRENGTH_PLANS as f32;
            let verbatim = tier == Some(Tier::Verbatim);
            let alpha = 0.16 + 0.30 * strength;
            Look {
                fill: base.gamma_multiply(if verbatim { alpha } else { alpha * 0.6 }),
                bar: base,
                dashed: !verbatim,
                text,
            }
        }
        Scope::Elsewhere => Look {
            fill: shared_color(dark).gamma_multiply(0.06),
            bar: shared_color(dark).gamma_multiply(0.45),
            dashed: true,
            text,
        },
        Scope::Unique => Look {
            fill: unique_color(dark).gamma_multiply(0.14),
            bar: unique_color(dark),
            dashed: false,
            text,
        },
        Scope::Boilerplate => Look {
            fill: Color32::TRANSPARENT,
            bar: ui.visuals().weak_text_color().gamma_multiply(0.5),
            dashed: false,
            text: ui.visuals().weak_text_color(),
        },
    }
}

/// Number of compared plans (columns) sharing a measure.
pub(super) fn compared_plans(m: &CellMeasure) -> usize {
    let mut cols: Vec<usize> = m.partners.iter().filter_map(|p| p.column).collect();
    cols.sort_unstable();
    cols.dedup();
    cols.len()
}

/// Outline of the focused measure and its flashing partners (blue: apart from the status hues).
pub(super) fn focus_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(110, 170, 255)
    } else {
        Color32::from_rgb(20, 90, 220)
    }
}

/// Characters a measure shares with the focused one: violet, apart from the green and amber of
/// the statuses, the yellow of search hits and the blue focus outline.
pub(super) fn match_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(190, 140, 255)
    } else {
        Color32::from_rgb(125, 60, 210)
    }
}

pub(super) fn shared_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(70, 190, 130)
    } else {
        Color32::from_rgb(30, 140, 90)
    }
}

pub(super) fn unique_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(235, 170, 60)
    } else {
        Color32::from_rgb(225, 140, 20)
    }
}

/// Fill `rect` and draw the status bar at its left.
pub(super) fn paint_look(painter: &egui::Painter, rect: Rect, look: &Look) {
    painter.rect_filled(rect, 3.0, look.fill);
    let bar = Rect::from_min_size(rect.min, egui::vec2(BAR, rect.height()));
    if look.dashed {
        let mut y = bar.top();
        while y < bar.bottom() {
            let end = (y + 4.0).min(bar.bottom());
            painter.rect_filled(Rect::from_x_y_ranges(bar.x_range(), y..=end), 0.0, look.bar);
            y += 7.0;
        }
    } else {
        painter.rect_filled(bar, 0.0, look.bar);
    }
}

/// The scope name read out for a measure.
pub(super) fn status_name(scope: Scope, lang: Language) -> &'static str {
    match scope {
        Scope::Compared => lang.pick("对照内共有", "Shared in the comparison"),
        Scope::Elsewhere => lang.pick("仅与对照外共有", "Shared only outside the comparison"),
        Scope::Unique => lang.pick("独有", "Unique"),
        Scope::Boilerplate => lang.pick("套话", "Boilerplate"),
    }
}

/// Paint `text` on one line at `y` inside `rect`, cut with `…`; returns the line height.
pub(super) fn paint_line(
    ui: &egui::Ui,
    text: &str,
    font: FontId,
    color: Color32,
    rect: Rect,
    y: f32,
) -> f32 {
    let mut job = LayoutJob::simple_singleline(text.to_owned(), font, color);
    job.wrap = TextWrapping::truncate_at_width(rect.width());
    let galley = ui.fonts_mut(|f| f.layout_job(job));
    let h = galley.size().y;
    ui.painter()
        .galley(egui::pos2(rect.left(), y), galley, color);
    h
}
