//! The title bar (brand, File menu, library switch, project name, the view tabs that fit and a menu
//! for the rest, language and theme switches) and the status bar (load progress with cancel,
//! counts, analysis state, import errors).

use std::sync::atomic::Ordering;

use super::{AnalysisState, DuizhaoApp, LoadState};
use crate::ui::messages::localize;
use crate::ui::settings::Language;
use crate::ui::settings::View;

/// The title-bar tabs after 单个方案 and 方案对照: view, label (zh, en), tooltip (zh, en).
const VIEW_TABS: [(View, &str, &str, &str, &str); 5] = [
    (
        View::Families,
        "措施家族",
        "Families",
        "多个方案共有的措施，采用最广的在前",
        "Measures shared across plans, most widely adopted first",
    ),
    (
        View::Overview,
        "相似总览",
        "Overview",
        "方案 × 方案 共有措施热图",
        "Plan × plan heatmap of shared measures",
    ),
    (
        View::Targets,
        "目标指标",
        "Targets",
        "各方案的量化目标：指标 × 方案",
        "Quantitative targets: indicator × plan",
    ),
    (
        View::Themes,
        "主题编码",
        "Themes",
        "编码本、自动编码规则与待确认的建议",
        "Codebook, auto-coding rules and their proposals",
    ),
    (
        View::Matrix,
        "主题矩阵",
        "Matrix",
        "主题 × 方案：已编码片段的数量",
        "Theme × plan: counts of coded segments",
    ),
];

impl DuizhaoApp {
    pub(super) fn title_bar(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        ui.horizontal(|ui| {
            // The language and theme switches first, from the right, so they always have room;
            // the rest fills what is left, and the view tabs that do not fit go into a menu.
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.selectable_value(
                    &mut self.settings.dark_mode,
                    true,
                    lang.pick("深色", "Dark"),
                );
                ui.selectable_value(
                    &mut self.settings.dark_mode,
                    false,
                    lang.pick("浅色", "Light"),
                );
                ui.separator();
                ui.selectable_value(&mut self.settings.language, Language::English, "English");
                ui.selectable_value(&mut self.settings.language, Language::Chinese, "中文");
                ui.separator();
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    self.title_bar_left(ui);
                });
            });
        });
    }

    /// The views of the title bar: view, label, tooltip.
    pub(super) fn view_tabs(&self) -> Vec<(View, String, &'static str)> {
        let lang = self.settings.language;
        let n = self.settings.compared_plans.len();
        let mut tabs = vec![
            (
                View::Plan,
                lang.pick("单个方案", "Plan").to_owned(),
                lang.pick(
                    "选中方案的提纲与措施",
                    "The selected plan's outline and measures",
                ),
            ),
            (
                View::Compare,
                match lang {
                    Language::Chinese => format!("方案对照 ({n})"),
                    Language::English => format!("Compare ({n})"),
                },
                lang.pick(
                    "在左侧勾选要对照的方案",
                    "Tick the plans to compare in the library",
                ),
            ),
        ];
        for (view, zh, en, tip_zh, tip_en) in VIEW_TABS {
            tabs.push((
                view,
                lang.pick(zh, en).to_owned(),
                lang.pick(tip_zh, tip_en),
            ));
        }
        tabs
    }

    pub(super) fn title_bar_left(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        let font = egui::TextStyle::Button.resolve(ui.style());
        let pad = 2.0 * ui.spacing().button_padding.x + ui.spacing().item_spacing.x;
        let width_of = |ui: &egui::Ui, text: &str| {
            ui.ctx().fonts_mut(|f| {
                f.layout_no_wrap(text.to_owned(), font.clone(), egui::Color32::WHITE)
                    .size()
                    .x
            }) + pad
        };
        let total = ui.available_width();
        let tabs = self.view_tabs();
        let find_label = lang.pick("查找", "Find");
        let more_label = lang.pick("更多 »", "More »");
        let tabs_width: f32 =
            tabs.iter().map(|t| width_of(ui, &t.1)).sum::<f32>() + width_of(ui, find_label);
        let brand_width = width_of(ui, "对照 duizhao") + 24.0;
        let name = self
            .proj
            .path
            .as_deref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| lang.pick("未保存的项目", "unsaved project").to_owned());
        let marker = if self.proj.dirty { " ●" } else { "" };
        let library_label = lang.pick("▤ 方案库", "▤ Library");
        let fixed = width_of(ui, lang.pick("文件", "File"))
            + width_of(ui, library_label)
            + 3.0 * ui.spacing().item_spacing.x
            + 12.0;
        let subtitle = lang.pick(
            "政府方案对照审阅",
            "Review Chinese government plans side by side",
        );
        let name_width = width_of(ui, &format!("{name}{marker}")).min(180.0);
        let room = total - fixed;
        let show_brand = room - tabs_width - name_width > brand_width;
        let show_subtitle =
            room - tabs_width - name_width - brand_width > width_of(ui, subtitle) + 16.0;

        if show_brand {
            ui.label(egui::RichText::new("对照").heading().strong());
            ui.label(egui::RichText::new("duizhao").weak());
            ui.separator();
        }
        self.file_menu(ui);
        if ui
            .selectable_label(!self.settings.library_hidden, library_label)
            .on_hover_text(lang.pick(
                "显示或隐藏方案库（Ctrl+B）",
                "Show or hide the plan library (Ctrl+B)",
            ))
            .clicked()
        {
            self.settings.library_hidden = !self.settings.library_hidden;
        }
        ui.add(
            egui::Label::new(
                egui::RichText::new(format!("{name}{marker}"))
                    .small()
                    .weak(),
            )
            .truncate(),
        )
        .on_hover_text(lang.pick(
            "● 表示有未保存的修改（每 60 秒自动保存到恢复文件）",
            "● unsaved changes (autosaved to a recovery file every 60 s)",
        ));
        ui.separator();
        if show_subtitle {
            ui.label(subtitle);
            ui.separator();
        }
        // As many tabs as fit, in order; the selected one always shows; the rest in a menu.
        let more_width = width_of(ui, more_label);
        let mut left = ui.available_width() - width_of(ui, find_label) - 4.0;
        let all_fit = tabs_width - width_of(ui, find_label) <= left;
        if !all_fit {
            left -= more_width;
            if let Some(sel) = tabs.iter().find(|t| t.0 == self.settings.view) {
                left -= width_of(ui, &sel.1);
            }
        }
        let mut overflow = Vec::new();
        for (view, label, tip) in &tabs {
            let selected = *view == self.settings.view;
            let w = width_of(ui, label);
            if all_fit || selected || w <= left {
                if !all_fit && !selected {
                    left -= w;
                }
                if ui
                    .selectable_label(selected, label.as_str())
                    .on_hover_text(*tip)
                    .clicked()
                {
                    self.settings.view = *view;
                }
            } else {
                left = -1.0; // keep the order: everything after goes to the menu too
                overflow.push((*view, label.clone(), *tip));
            }
        }
        if !overflow.is_empty() {
            ui.menu_button(more_label, |ui| {
                for (view, label, tip) in overflow {
                    if ui
                        .selectable_label(self.settings.view == view, label)
                        .on_hover_text(tip)
                        .clicked()
                    {
                        self.settings.view = view;
                        ui.close();
                    }
                }
            })
            .response
            .on_hover_text(lang.pick("其余视图", "The other views"));
        }
        if ui
            .selectable_label(self.search_open, find_label)
            .on_hover_text("Ctrl+F")
            .clicked()
        {
            self.search_open = !self.search_open;
            if self.search_open {
                self.search.request_focus();
            }
        }
    }

    pub(super) fn status_bar(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        let mut cancel = false;
        ui.horizontal(|ui| match &self.load {
            LoadState::Idle | LoadState::Loading { .. } => {
                ui.spinner();
                // The button comes before the progress text, which appears and grows while
                // loading: a button after it would move (and change id) under the pointer.
                if ui
                    .button(lang.pick("取消", "Cancel"))
                    .on_hover_text(lang.pick(
                        "停止载入；已载入的方案保留",
                        "Stop loading; the plans loaded before stay",
                    ))
                    .clicked()
                {
                    cancel = true;
                }
                let done = self.progress.done.load(Ordering::Relaxed);
                let total = self.progress.total.load(Ordering::Relaxed);
                if total == 0 {
                    ui.label(lang.pick("正在查找文件…", "Finding files…"));
                } else {
                    ui.label(match lang {
                        Language::Chinese => format!("正在读取文件 {done}/{total}"),
                        Language::English => format!("Reading files {done}/{total}"),
                    });
                    ui.add(
                        egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                            .desired_width(160.0),
                    );
                    if let Ok(current) = self.progress.current.lock() {
                        ui.add(
                            egui::Label::new(egui::RichText::new(current.as_str()).small().weak())
                                .truncate(),
                        );
                    }
                }
            }
            LoadState::Failed(e) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!(
                        "{} {}",
                        lang.pick("载入失败：", "Loading failed:"),
                        localize(e, lang)
                    ),
                );
            }
            LoadState::Ready { took } => {
                if let Some(c) = &self.corpus {
                    let files = self.library.file_count();
                    let measures: usize = self.library.total_measures();
                    let ms = took.as_millis();
                    let text = match lang {
                        Language::Chinese => format!(
                            "{} 个方案 · {} 个文件 · {} 条措施 · 载入用时 {} 毫秒",
                            c.plans.len(),
                            files,
                            measures,
                            ms
                        ),
                        Language::English => format!(
                            "{} plans · {} files · {} measures · loaded in {} ms",
                            c.plans.len(),
                            files,
                            measures,
                            ms
                        ),
                    };
                    ui.label(text);
                }
                ui.separator();
                match &self.analysis_state {
                    AnalysisState::Pending { started } => {
                        ui.spinner();
                        let secs = started.elapsed().as_secs();
                        ui.label(match lang {
                            Language::Chinese => {
                                format!("分析中：对齐章节、找出共有与独有措施… {secs} 秒")
                            }
                            Language::English => format!(
                                "Analysing: aligning sections, finding shared and unique measures… {secs} s"
                            ),
                        });
                    }
                    AnalysisState::Ready { took } => {
                        let ms = took.as_millis();
                        ui.label(match lang {
                            Language::Chinese => format!("分析用时 {ms} 毫秒"),
                            Language::English => format!("analysed in {ms} ms"),
                        });
                    }
                    AnalysisState::Failed(e) => {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!(
                                "{} {}",
                                lang.pick("分析失败：", "Analysis failed:"),
                                localize(e, lang)
                            ),
                        );
                    }
                }
            }
        });
        if let Some(c) = &self.corpus
            && !c.errors.is_empty()
        {
            let title = match lang {
                Language::Chinese => format!("{} 个文件未能导入", c.errors.len()),
                Language::English => format!("{} files could not be imported", c.errors.len()),
            };
            egui::CollapsingHeader::new(
                egui::RichText::new(title).color(ui.visuals().warn_fg_color),
            )
            .id_salt("import_errors")
            .default_open(false)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .max_height(140.0)
                    .show(ui, |ui| {
                        for e in &c.errors {
                            ui.label(egui::RichText::new(localize(e, lang)).small());
                        }
                    });
            });
        }
        if cancel {
            self.cancel_loading();
        }
    }
}
