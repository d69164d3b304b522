//! The detail bar under the table: the focused measure's full text, its partners, its tags and
//! memo, number keys to tag it.

use egui::Sense;

use crate::corpus::Corpus;
use crate::matching::Analysis;
use crate::ui::command::UiCommand;
use crate::ui::settings::Language;
use crate::ui::tagging::CodingView;
use crate::ui::tagging::span_menu_ui;
use crate::ui::tagging::tag_menu_ui;

use super::CompareView;
use super::cell::{match_lines, selection_in_plan};
use super::style::{match_color, status_name};

impl CompareView {
    /// Keys 1–9 toggle the focused measure's tag with the 1st–9th theme of the codebook (as the
    /// detail bar numbers them).
    pub(super) fn tag_keys(
        &mut self,
        ui: &egui::Ui,
        corpus: &Corpus,
        analysis: &Analysis,
        coding: &CodingView,
    ) {
        if ui.ctx().text_edit_focused() {
            return;
        }
        let Some((plan_id, measure_index, measure_id)) = self.focused_ids(corpus, analysis) else {
            return;
        };
        const DIGITS: [egui::Key; 9] = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
            egui::Key::Num6,
            egui::Key::Num7,
            egui::Key::Num8,
            egui::Key::Num9,
        ];
        let pressed = ui.input(|i| DIGITS.iter().position(|k| i.key_pressed(*k)));
        let Some(k) = pressed else { return };
        let Some(theme) = coding.themes.get(k) else {
            return;
        };
        let carried = coding.themes_of(&measure_id).contains(&k);
        self.commands.push(if carried {
            UiCommand::UntagMeasure {
                plan_id,
                measure_index,
                theme_id: theme.theme_id.clone(),
            }
        } else {
            UiCommand::TagMeasure {
                plan_id,
                measure_index,
                theme_id: theme.theme_id.clone(),
            }
        });
    }

    /// Plan id, measure index and measure id of the focused measure.
    pub(super) fn focused_ids(
        &self,
        corpus: &Corpus,
        analysis: &Analysis,
    ) -> Option<(String, usize, String)> {
        let pos = self.cursor?;
        let table = self.comparison.as_ref()?;
        let m = table.measure(pos)?;
        let col = table.columns.get(pos.col)?;
        let plan = corpus.plans.get(col.plan_index)?;
        let measure_id = analysis.measures.get(m.flat?)?.measure_id.clone();
        Some((plan.plan_id.clone(), m.measure_index, measure_id))
    }

    /// The focused measure's full text, selectable, with its plan and status, its tags (memo
    /// editable, removable) and the tag menu.
    pub(super) fn detail_bar(
        &mut self,
        ui: &mut egui::Ui,
        corpus: &Corpus,
        analysis: &Analysis,
        lang: Language,
        coding: &CodingView,
    ) {
        let ids = self.focused_ids(corpus, analysis);
        let Some((pos, table)) = self.cursor.zip(self.comparison.as_ref()) else {
            return;
        };
        let (Some(m), Some(col)) = (table.measure(pos), table.columns.get(pos.col)) else {
            return;
        };
        let plan = corpus.plans.get(col.plan_index);
        egui::Panel::bottom("compare_detail")
            .resizable(true)
            .default_size(90.0)
            .show(ui, |ui| {
                ui.add_space(4.0);
                ui.horizontal(|ui| {
                    ui.label(egui::RichText::new(&col.name).strong());
                    ui.label(
                        egui::RichText::new(format!(
                            "{} {} · {}",
                            lang.pick("第", "No."),
                            m.number,
                            status_name(m.scope, lang)
                        ))
                        .weak(),
                    );
                    if let Some(p) = plan {
                        ui.label(egui::RichText::new(&p.source).small().weak());
                    }
                    if ui.small_button(lang.pick("复制", "Copy")).clicked() {
                        ui.ctx().copy_text(m.text.clone());
                    }
                });
                // Why it matches its partners: tier, score, characters in common.
                let name = |p: crate::comparison::MeasurePos| -> String {
                    let plan = table.columns.get(p.col).map_or("", |c| c.name.as_str());
                    let number = table.measure(p).map_or(0, |x| x.number);
                    match lang {
                        Language::Chinese => format!("{plan} 第 {number} 条"),
                        Language::English => format!("{plan} No. {number}"),
                    }
                };
                let dark = ui.visuals().dark_mode;
                for line in match_lines(&self.matches, &name, pos, lang) {
                    ui.label(egui::RichText::new(line).small().color(match_color(dark)));
                }
                let mut commands = Vec::new();
                if let Some((plan_id, measure_index, measure_id)) = &ids {
                    ui.horizontal_wrapped(|ui| {
                        if let Some(c) =
                            tag_menu_ui(ui, coding, plan_id, *measure_index, measure_id, lang)
                        {
                            commands.push(c);
                        }
                        ui.label(
                            egui::RichText::new(lang.pick(
                                "数字键 1–9：切换菜单中前九个主题",
                                "Keys 1–9: toggle the first nine themes of the menu",
                            ))
                            .small()
                            .weak(),
                        );
                    });
                    for (tag_id, k, memo) in coding.tags_of(measure_id) {
                        let Some(theme) = coding.themes.get(*k) else {
                            continue;
                        };
                        ui.horizontal(|ui| {
                            let (rect, _) =
                                ui.allocate_exact_size(egui::vec2(10.0, 10.0), Sense::hover());
                            ui.painter().rect_filled(rect, 2.0, theme.color);
                            ui.label(&theme.name);
                            let draft = self
                                .memo_drafts
                                .entry(*tag_id)
                                .or_insert_with(|| memo.clone());
                            let edit = ui.add(
                                egui::TextEdit::singleline(draft)
                                    .hint_text(lang.pick("备注…", "Memo…"))
                                    .desired_width(260.0),
                            );
                            if edit.lost_focus() && *draft != *memo {
                                commands.push(UiCommand::SetMemo {
                                    tag_id: *tag_id,
                                    memo: draft.clone(),
                                });
                            }
                            if ui
                                .small_button("×")
                                .on_hover_text(lang.pick("删除这个标注", "Remove this tag"))
                                .clicked()
                            {
                                commands.push(UiCommand::UntagMeasure {
                                    plan_id: plan_id.clone(),
                                    measure_index: *measure_index,
                                    theme_id: theme.theme_id.clone(),
                                });
                            }
                        });
                    }
                }
                let mut selected: Option<String> = None;
                egui::ScrollArea::vertical()
                    .id_salt("compare_detail_text")
                    .show(ui, |ui| {
                        // A read-only text box: select with the mouse or Shift+arrows, copy with
                        // Ctrl+C, tag the selection with the menu below.
                        let mut text: &str = m.text.as_str();
                        let out = egui::TextEdit::multiline(&mut text)
                            .desired_width(f32::INFINITY)
                            .desired_rows(1)
                            .frame(egui::Frame::NONE)
                            .show(ui);
                        if let Some(range) = out.cursor_range {
                            let r = range.as_sorted_char_range();
                            let (a, b) = (r.start.0, r.end.0);
                            if a < b {
                                selected = Some(m.text.chars().skip(a).take(b - a).collect());
                            }
                        }
                    });
                if let (Some(sel), Some((plan_id, measure_index, _))) = (&selected, &ids)
                    && let Some(range) = selection_in_plan(corpus, plan_id, *measure_index, sel)
                {
                    let title = lang.pick("为选中文字标注主题", "Tag the selected text");
                    if let Some(c) = span_menu_ui(ui, coding, title, plan_id, range, lang) {
                        commands.push(c);
                    }
                }
                self.commands.extend(commands);
            });
    }
}
