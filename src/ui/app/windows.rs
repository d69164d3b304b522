//! The app's floating windows: the quit prompt, the export dialog, the recovery offer and the
//! import notices.

use super::{Dialog, DuizhaoApp, QuitState};
use crate::ui::export_dialog::ExportRequest;
use crate::ui::messages::localize;
use crate::ui::reuse_view::ReuseRequest;
use crate::ui::settings::Language;

impl DuizhaoApp {
    /// Close requested: with unsaved changes, cancel the close and ask save / discard / cancel.
    pub(super) fn check_close(&mut self, ctx: &egui::Context) {
        if !ctx.input(|i| i.viewport().close_requested()) {
            return;
        }
        if self.quit == QuitState::Closing || !self.proj.dirty {
            self.quit = QuitState::Closing;
            return;
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        if self.quit == QuitState::Running {
            self.quit = QuitState::Asking;
        }
    }

    /// The quit prompt: save, discard or cancel.
    pub(super) fn quit_window(&mut self, ctx: &egui::Context) {
        if self.quit != QuitState::Asking {
            return;
        }
        let lang = self.settings.language;
        let mut choice = None;
        egui::Modal::new(egui::Id::unique("duizhao_quit_prompt")).show(ctx, |ui| {
            ui.set_max_width(440.0);
            ui.heading(lang.pick("保存修改吗？", "Save your changes?"));
            let name = self
                .proj
                .path
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| lang.pick("未保存的项目", "the unsaved project").to_owned());
            ui.label(match lang {
                Language::Chinese => format!("{name} 有未保存的编码工作。退出前保存吗？"),
                Language::English => {
                    format!("{name} has unsaved coding work. Save it before quitting?")
                }
            });
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let save = if self.proj.path.is_some() {
                    lang.pick("保存并退出", "Save and quit")
                } else {
                    lang.pick("另存为…并退出", "Save as… and quit")
                };
                if ui.button(save).clicked() {
                    choice = Some(0);
                }
                if ui
                    .button(lang.pick("不保存，退出", "Discard and quit"))
                    .clicked()
                {
                    choice = Some(1);
                }
                if ui.button(lang.pick("取消", "Cancel")).clicked() {
                    choice = Some(2);
                }
            });
        });
        if choice.is_none() && ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            choice = Some(2);
        }
        match choice {
            Some(0) => match self.proj.path.clone() {
                Some(p) => {
                    self.save_project_to(&p);
                    if !self.proj.dirty {
                        self.quit = QuitState::Closing;
                        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                }
                None => {
                    self.quit = QuitState::SavingToQuit;
                    self.open_dialog(ctx, Dialog::SaveProjectAs);
                }
            },
            Some(1) => {
                // Discarded on purpose: no recovery file to offer next time.
                self.proj.dirty = false;
                let _ = crate::project::discard_recovery(self.proj.path.as_deref());
                self.quit = QuitState::Closing;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Some(2) => self.quit = QuitState::Running,
            _ => {}
        }
    }

    /// Ask to quit, as the window's close button does (File ▸ Quit, Ctrl+Q).
    pub(super) fn request_quit(&mut self, ctx: &egui::Context) {
        if self.proj.dirty {
            self.quit = QuitState::Asking;
        } else {
            self.quit = QuitState::Closing;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// The export dialog, when open.
    pub(super) fn export_window(&mut self, ctx: &egui::Context) {
        let Some(corpus) = self.corpus.clone() else {
            return;
        };
        let compared: Vec<usize> = self
            .settings
            .compared_plans
            .iter()
            .filter_map(|id| corpus.plans.iter().position(|p| p.plan_id == *id))
            .collect();
        let request = self.export.show(
            ctx,
            &corpus,
            self.analysis.as_ref(),
            &self.proj.project,
            &compared,
            self.settings.language,
        );
        if let Some(ExportRequest::ChoosePath(name)) = request {
            self.export_name = name;
            self.open_dialog(ctx, Dialog::ExportTo);
        }
    }

    /// The reuse report of one plan, when open; its export goes through the export dialog.
    pub(super) fn reuse_window(&mut self, ctx: &egui::Context) {
        let Some(corpus) = self.corpus.clone() else {
            return;
        };
        let request = self.reuse.show(
            ctx,
            &corpus,
            self.data_revision,
            self.settings.language,
            &mut self.commands,
        );
        if let Some(ReuseRequest::Export(plan)) = request {
            self.export.show_for_reuse(plan);
        }
    }

    /// Offer the recovery file found at start: restore it or discard it.
    pub(super) fn recovery_window(&mut self, ctx: &egui::Context) {
        let Some(rec) = self.proj.recovery_offer.clone() else {
            return;
        };
        let lang = self.settings.language;
        egui::Window::new(lang.pick("恢复未保存的工作？", "Restore unsaved work?"))
            .id(egui::Id::unique("recovery_offer"))
            .collapsible(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
            .show(ctx, |ui| {
                ui.label(lang.pick(
                    "上次退出时有未保存的编码工作，已自动保存在：",
                    "Unsaved coding work from last time was kept in:",
                ));
                ui.add(egui::Label::new(rec.display().to_string()).selectable(true));
                ui.horizontal(|ui| {
                    if ui.button(lang.pick("恢复", "Restore")).clicked() {
                        if let Err(e) = self.proj.restore(&rec) {
                            self.notices.push(e.to_string());
                            self.proj.recovery_offer = None;
                        }
                        // Re-anchor on the corpus already loaded, and say what moved.
                        if self.proj.reanchor_pending
                            && let Some(c) = self.corpus.clone()
                        {
                            super::loader::reanchor_on(&mut self.proj, &mut self.notices, &c);
                        }
                    }
                    if ui.button(lang.pick("丢弃", "Discard")).clicked()
                        && let Err(e) = self.proj.discard_recovery_offer()
                    {
                        self.notices.push(e.to_string());
                    }
                });
            });
    }

    /// The import problems of the last load, in a window the user closes (nothing blocks).
    pub(super) fn notices_window(&mut self, ctx: &egui::Context) {
        if self.notices.is_empty() {
            return;
        }
        let lang = self.settings.language;
        let mut open = true;
        let (import_errors, loaded_plans) = self.corpus.as_ref().map_or((0, 0), |c| {
            (
                self.notices.iter().filter(|n| c.errors.contains(n)).count(),
                c.plans.len(),
            )
        });
        let title = if import_errors == self.notices.len() {
            match lang {
                Language::Chinese => format!("{} 个文件未能导入", self.notices.len()),
                Language::English => format!("{} files could not be imported", self.notices.len()),
            }
        } else {
            match lang {
                Language::Chinese => format!("{} 条问题", self.notices.len()),
                Language::English => format!("{} problems", self.notices.len()),
            }
        };
        egui::Window::new(title)
            .id(egui::Id::unique("import_notices"))
            .open(&mut open)
            .collapsible(false)
            .resizable(true)
            .default_width(520.0)
            .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-16.0, -40.0))
            .show(ctx, |ui| {
                if import_errors > 0 && loaded_plans > 0 {
                    ui.label(match lang {
                        Language::Chinese => {
                            format!("其余文件已正常载入（{loaded_plans} 个方案）。")
                        }
                        Language::English => {
                            format!("The other files were loaded ({loaded_plans} plans).")
                        }
                    });
                } else if import_errors > 0 {
                    ui.label(lang.pick("没有载入任何方案。", "No plan was loaded."));
                }
                egui::ScrollArea::vertical()
                    .max_height(200.0)
                    .show(ui, |ui| {
                        for n in &self.notices {
                            ui.add(
                                egui::Label::new(
                                    egui::RichText::new(localize(n, lang))
                                        .color(ui.visuals().warn_fg_color),
                                )
                                .selectable(true),
                            );
                        }
                    });
                if ui.button(lang.pick("知道了", "Dismiss")).clicked() {
                    self.notices.clear();
                }
            });
        let esc = ctx.input(|i| i.key_pressed(egui::Key::Escape));
        if !open || esc {
            self.notices.clear();
        }
    }
}
