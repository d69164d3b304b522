//! The column headers that stay at the top of the view (plan name, counts within the comparison,
//! move and remove), and the legend of colours.

use egui::Rect;
use egui::Role;
use egui::Sense;
use egui::Stroke;
use egui::TextStyle;
use egui::WidgetInfo;

use crate::comparison::Comparison;
use crate::comparison::Scope;
use crate::corpus::Corpus;
use crate::matching::Tier;
use crate::ui::settings::Language;

use super::style::{
    GUTTER, PAD, look, match_color, paint_line, paint_look, shared_color, unique_color,
};

/// What the user did in the column headers.
pub(super) enum HeaderAction {
    /// Open the plan alone.
    Open(usize),
    /// Move the column left (`-1`) or right (`+1`).
    Move(usize, isize),
    /// Remove the column from the comparison.
    Remove(usize),
    /// Open the reuse report of the column's plan.
    Reuse(usize),
}

/// The column headers: plan name, place, counts; drawn over the rows at the top of the view.
/// Returns the column whose header was clicked (to open that plan alone).
pub(super) fn paint_headers(
    ui: &mut egui::Ui,
    corpus: &Corpus,
    table: &Comparison,
    rect: Rect,
    column_width: f32,
    lang: Language,
) -> Option<HeaderAction> {
    let mut clicked = None;
    let visuals = ui.visuals().clone();
    ui.painter().rect_filled(rect, 0.0, visuals.panel_fill);
    ui.painter().hline(
        rect.x_range(),
        rect.bottom(),
        Stroke::new(1.5, visuals.widgets.noninteractive.fg_stroke.color),
    );
    let body = TextStyle::Body.resolve(ui.style());
    let small = TextStyle::Small.resolve(ui.style());
    let dark = visuals.dark_mode;
    for (c, col) in table.columns.iter().enumerate() {
        let cell = Rect::from_min_size(
            rect.min + egui::vec2(GUTTER + column_width * c as f32, 0.0),
            egui::vec2(column_width, rect.height()),
        )
        .shrink2(egui::vec2(PAD, 6.0));
        // Move left, move right, remove: small buttons at the header's top right.
        let buttons = [
            ("←", -1isize, lang.pick("左移", "Move left")),
            ("→", 1, lang.pick("右移", "Move right")),
            ("×", 0, lang.pick("移出对照", "Remove from comparison")),
        ];
        let button_size = egui::vec2(20.0, 18.0);
        let strip_left = cell.right() - button_size.x * buttons.len() as f32;
        for (b, (glyph, delta, tip)) in buttons.into_iter().enumerate() {
            let shown = match delta {
                -1 => c > 0,
                1 => c + 1 < table.columns.len(),
                _ => true,
            };
            if !shown {
                continue;
            }
            let r = Rect::from_min_size(
                egui::pos2(strip_left + button_size.x * b as f32, cell.top() - 2.0),
                button_size,
            );
            let resp = ui.interact(
                r,
                ui.scope_id().with(("compare_header_button", c, b)),
                Sense::click(),
            );
            let label = format!("{tip} {}", col.name);
            resp.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
            if resp.hovered() {
                ui.painter()
                    .rect_filled(r, 3.0, visuals.widgets.hovered.weak_bg_fill);
            }
            ui.painter().text(
                r.center(),
                egui::Align2::CENTER_CENTER,
                glyph,
                body.clone(),
                visuals.weak_text_color(),
            );
            if resp.on_hover_text(tip).clicked() {
                clicked = Some(if delta == 0 {
                    HeaderAction::Remove(c)
                } else {
                    HeaderAction::Move(c, delta)
                });
            }
        }
        let title_area = Rect::from_min_max(cell.min, egui::pos2(strip_left - 4.0, cell.bottom()));
        let response = ui.interact(
            title_area,
            ui.scope_id().with(("compare_header", c)),
            Sense::click(),
        );
        response.widget_info(|| WidgetInfo::labeled(Role::ColumnHeader, true, &col.name));
        if response.hovered() {
            ui.painter().rect_filled(
                cell.expand2(egui::vec2(PAD / 2.0, 3.0)),
                4.0,
                visuals.widgets.hovered.weak_bg_fill,
            );
        }
        let title = corpus
            .plans
            .get(col.plan_index)
            .and_then(|p| p.meta.title.as_deref())
            .unwrap_or(&col.name);
        let tip = format!(
            "{title}\n{}",
            lang.pick("点击单独查看这个方案", "Click to open this plan alone")
        );
        let response = response.on_hover_text(tip);
        if response.clicked() {
            clicked = Some(HeaderAction::Open(c));
        }
        response.context_menu(|ui| {
            if ui
                .button(lang.pick("文本复用报告…", "Reuse report…"))
                .clicked()
            {
                clicked = Some(HeaderAction::Reuse(c));
                ui.close();
            }
        });
        let mut y = cell.top();
        y += paint_line(
            ui,
            &col.name,
            body.clone(),
            visuals.strong_text_color(),
            title_area,
            y,
        );
        let place = if col.place.is_empty() {
            "—"
        } else {
            col.place.as_str()
        };
        y += paint_line(ui, place, small.clone(), visuals.weak_text_color(), cell, y);
        // Within the comparison: shared with each other compared plan, then the plan's totals.
        let with: Vec<String> = table
            .columns
            .iter()
            .zip(&col.shared_with)
            .enumerate()
            .filter(|(o, _)| *o != c)
            .map(|(_, (other, n))| match lang {
                Language::Chinese => format!("与{}共有 {n}", other.name),
                Language::English => format!("{n} shared with {}", other.name),
            })
            .collect();
        let with_text = with.join(" · ");
        let line_h = paint_line(
            ui,
            &with_text,
            small.clone(),
            shared_color(dark),
            cell,
            y + 1.0,
        );
        ui.interact(
            Rect::from_min_size(
                egui::pos2(cell.left(), y + 1.0),
                egui::vec2(cell.width(), line_h),
            ),
            ui.scope_id().with(("compare_header_with", c)),
            Sense::hover(),
        )
        .widget_info(|| WidgetInfo::labeled(Role::Label, true, &with_text));
        y += line_h;
        let counts = [
            (
                format!("{} {}", lang.pick("对照内共有", "shared here"), col.shared),
                shared_color(dark),
            ),
            (
                format!("{} {}", lang.pick("对照外", "elsewhere"), col.elsewhere),
                visuals.text_color(),
            ),
            (
                format!("{} {}", lang.pick("独有", "unique"), col.unique),
                unique_color(dark),
            ),
            (
                format!("{} {}", lang.pick("套话", "boilerplate"), col.boilerplate),
                visuals.weak_text_color(),
            ),
        ];
        let mut x = cell.left();
        for (k, (text, color)) in counts.into_iter().enumerate() {
            let r = ui.painter().text(
                egui::pos2(x, y + 2.0),
                egui::Align2::LEFT_TOP,
                &text,
                small.clone(),
                color,
            );
            ui.interact(
                r,
                ui.scope_id().with(("compare_header_count", c, k)),
                Sense::hover(),
            )
            .widget_info(|| WidgetInfo::labeled(Role::Label, true, &text));
            x = r.right() + 8.0;
        }
    }
    clicked
}

/// The colour key: a swatch and a label per scope.
pub(super) fn legend(ui: &mut egui::Ui, lang: Language) {
    let dark = ui.visuals().dark_mode;
    ui.horizontal_wrapped(|ui| {
        let items = [
            (
                Scope::Compared,
                Some(Tier::Verbatim),
                lang.pick("对照内共有·原文相同", "Shared in the comparison, verbatim"),
            ),
            (
                Scope::Compared,
                Some(Tier::Paraphrase),
                lang.pick(
                    "对照内共有·意思相近",
                    "Shared in the comparison, paraphrase",
                ),
            ),
            (
                Scope::Elsewhere,
                None,
                lang.pick("仅与对照外方案共有", "Shared only outside the comparison"),
            ),
            (Scope::Unique, None, lang.pick("独有", "Unique")),
            (Scope::Boilerplate, None, lang.pick("套话", "Boilerplate")),
        ];
        for (scope, tier, label) in items {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(22.0, 16.0), Sense::hover());
            let look = look(ui, scope, tier, 2, dark);
            paint_look(ui.painter(), rect, &look);
            ui.label(egui::RichText::new(label).small().color(look.text));
            ui.add_space(6.0);
        }
        // The characters a focused measure shares with its partners.
        let (rect, _) = ui.allocate_exact_size(egui::vec2(22.0, 16.0), Sense::hover());
        let violet = match_color(dark);
        ui.painter().rect_filled(
            rect.shrink2(egui::vec2(0.0, 2.0)),
            2.0,
            violet.gamma_multiply(if dark { 0.45 } else { 0.22 }),
        );
        ui.painter().hline(
            rect.x_range(),
            rect.bottom() - 2.0,
            Stroke::new(1.5, violet),
        );
        ui.label(
            egui::RichText::new(lang.pick(
                "点选措施：与对应措施相同的文字",
                "Click a measure: the words it shares with its partner",
            ))
            .small(),
        );
        ui.add_space(6.0);
        ui.label(
            egui::RichText::new(lang.pick(
                "颜色越深，对照中共有的方案越多；悬停查看出处",
                "Darker: shared by more compared plans; hover for the sources",
            ))
            .small()
            .weak(),
        );
    });
}
