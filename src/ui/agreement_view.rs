//! The Agreement window: how far the coders of the project agree (percent, Cohen's κ,
//! Krippendorff's α per theme and per plan) and every measure where they differ, side by side —
//! who tagged the theme, who did not — each row a link to the measure.
//!
//! The figures come from [`crate::agreement`]; this file only draws them, recomputing when the
//! project or the corpus changes.

use egui::RichText;

use crate::agreement::{self, AgreementReport, show};
use crate::corpus::Corpus;

use super::command::UiCommand;
use super::context::ViewContext;
use super::settings::Language;
use crate::project::Project;

/// The window's state.
#[derive(Debug, Default)]
pub struct AgreementView {
    /// Whether the window is shown.
    pub open: bool,
    /// Only disagreements on this theme (`None`: all).
    pub theme_filter: Option<String>,
    report: Option<AgreementReport>,
    /// The [`ViewContext::revision`] the report was computed for.
    computed_for: Option<u64>,
}

impl AgreementView {
    /// The report, recomputed when `revision` (see [`ViewContext::revision`]) changed.
    pub fn report(
        &mut self,
        project: &Project,
        corpus: &Corpus,
        revision: u64,
    ) -> &AgreementReport {
        let key = revision;
        if self.computed_for != Some(key) || self.report.is_none() {
            let coded = agreement::from_project(project, &corpus.plans);
            self.report = Some(agreement::agreement(
                &project.codebook,
                &corpus.plans,
                &coded,
            ));
            self.computed_for = Some(key);
        }
        self.report.get_or_insert_with(|| AgreementReport {
            coders: Vec::new(),
            figures: Vec::new(),
            disagreements: Vec::new(),
        })
    }
}

fn coder_name(c: &str, lang: Language) -> String {
    if c.is_empty() {
        lang.pick("（未署名）", "(unnamed)").to_owned()
    } else {
        c.to_owned()
    }
}

/// Draw the Agreement window if open; a click on a measure asks the app to focus it.
pub fn window(
    ctx: &egui::Context,
    view: &mut AgreementView,
    cx: &ViewContext<'_>,
    out: &mut Vec<UiCommand>,
) {
    if !view.open {
        return;
    }
    let mut open = true;
    let lang = cx.language;
    egui::Window::new(lang.pick("编码者一致性", "Coder agreement"))
        .id(egui::Id::unique("agreement_window"))
        .open(&mut open)
        .default_size([760.0, 520.0])
        .vscroll(false)
        .show(ctx, |ui| {
            let Some(corpus) = cx.corpus else {
                ui.label(lang.pick("文件加载中…", "Loading documents…"));
                return;
            };
            let report = view.report(cx.project, corpus, cx.revision).clone();
            body_ui(ui, &report, &mut view.theme_filter, lang, out);
        });
    view.open = open;
}

fn body_ui(
    ui: &mut egui::Ui,
    report: &AgreementReport,
    theme_filter: &mut Option<String>,
    lang: Language,
    commands: &mut Vec<UiCommand>,
) {
    let coders: Vec<String> = report.coders.iter().map(|c| coder_name(c, lang)).collect();
    ui.label(format!(
        "{}：{}",
        lang.pick("编码者", "Coders"),
        coders.join("、")
    ));
    if report.coders.len() < 2 {
        ui.label(
            RichText::new(lang.pick(
                "只有一位编码者。用 `duizhao merge` 合并同事的项目后再看一致性。",
                "Only one coder. Merge a colleague's project (`duizhao merge`) to measure agreement.",
            ))
            .weak(),
        );
        return;
    }
    egui::CollapsingHeader::new(lang.pick("一致性系数", "Coefficients"))
        .default_open(true)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("agreement_figures")
                .max_height(200.0)
                .show(ui, |ui| {
                    egui::Grid::new("agreement_grid")
                        .striped(true)
                        .num_columns(6)
                        .show(ui, |ui| {
                            for h in [
                                lang.pick("范围", "Scope"),
                                lang.pick("单位", "Units"),
                                lang.pick("分歧", "Differ"),
                                lang.pick("一致 %", "Agree %"),
                                "κ",
                                "α",
                            ] {
                                ui.label(RichText::new(h).strong());
                            }
                            ui.end_row();
                            for f in report
                                .figures
                                .iter()
                                .filter(|f| f.scope == "overall" || f.units > 0)
                            {
                                let name = match f.scope {
                                    "overall" => lang.pick("全部", "Overall").to_owned(),
                                    _ => f.name.clone(),
                                };
                                let clicked = ui
                                    .selectable_label(
                                        f.scope == "theme"
                                            && theme_filter.as_deref() == Some(f.id.as_str()),
                                        name,
                                    )
                                    .clicked();
                                if clicked && f.scope == "theme" {
                                    *theme_filter = Some(f.id.clone());
                                } else if clicked {
                                    *theme_filter = None;
                                }
                                ui.label(f.units.to_string());
                                ui.label(f.disagreements.to_string());
                                ui.label(
                                    f.percent
                                        .map_or_else(|| "—".to_owned(), |p| format!("{p:.1}")),
                                );
                                ui.label(show(f.kappa));
                                ui.label(show(f.alpha));
                                ui.end_row();
                            }
                        });
                });
        });
    ui.separator();
    let shown: Vec<&agreement::Disagreement> = report
        .disagreements
        .iter()
        .filter(|d| theme_filter.as_deref().is_none_or(|t| t == d.theme_id))
        .collect();
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(match lang {
                Language::Chinese => format!("编码者意见不同的措施 {} 处", shown.len()),
                Language::English => format!("{} measures where coders differ", shown.len()),
            })
            .strong(),
        );
        if theme_filter.is_some() && ui.button(lang.pick("显示全部主题", "All themes")).clicked()
        {
            *theme_filter = None;
        }
    });
    egui::ScrollArea::vertical()
        .id_salt("agreement_disagreements")
        .show(ui, |ui| {
            egui::Grid::new("disagreement_grid")
                .striped(true)
                .num_columns(4)
                .min_col_width(80.0)
                .show(ui, |ui| {
                    for h in [
                        lang.pick("措施（点击跳转）", "Measure (click to go)"),
                        lang.pick("主题", "Theme"),
                        lang.pick("已标注", "Tagged by"),
                        lang.pick("未标注", "Not by"),
                    ] {
                        ui.label(RichText::new(h).strong());
                    }
                    ui.end_row();
                    for d in shown {
                        let text: String = d.text.chars().take(60).collect();
                        let more = if d.text.chars().count() > 60 {
                            "…"
                        } else {
                            ""
                        };
                        let link = ui
                            .link(format!("{} · {text}{more}", d.plan_name))
                            .on_hover_text(&d.text);
                        if link.clicked() {
                            commands.push(UiCommand::FocusMeasure {
                                plan_id: d.plan_id.clone(),
                                measure_index: d.measure_index,
                            });
                        }
                        ui.label(&d.theme_name);
                        let names = |v: &[String]| {
                            v.iter()
                                .map(|c| coder_name(c, lang))
                                .collect::<Vec<_>>()
                                .join("、")
                        };
                        ui.label(RichText::new(names(&d.with_theme)).strong());
                        ui.label(names(&d.without_theme));
                        ui.end_row();
                    }
                });
        });
}
