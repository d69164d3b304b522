//! The File menu: projects, coding, recent projects, adding documents, export, quit.

use super::{Dialog, DuizhaoApp};

impl DuizhaoApp {
    pub(super) fn file_menu(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        ui.menu_button(lang.pick("文件", "File"), |ui| {
            if ui.button(lang.pick("新建项目", "New project")).clicked() {
                self.new_project();
                ui.close();
            }
            if ui.button(lang.pick("打开项目…", "Open project…")).clicked() {
                self.open_dialog(ui.ctx(), Dialog::OpenProject);
                ui.close();
            }
            if ui
                .add(
                    egui::Button::new(lang.pick("保存项目", "Save project"))
                        .shortcut_text("Ctrl+S"),
                )
                .clicked()
            {
                self.save_project(ui.ctx());
                ui.close();
            }
            if ui
                .button(lang.pick("项目另存为…", "Save project as…"))
                .clicked()
            {
                self.open_dialog(ui.ctx(), Dialog::SaveProjectAs);
                ui.close();
            }
            crate::ui::project_state::coding_menu_ui(
                ui,
                &mut self.proj,
                &mut self.settings.coder,
                lang,
            );
            let recent = self.settings.recent_projects.clone();
            ui.menu_button(lang.pick("最近的项目", "Recent projects"), |ui| {
                if recent.is_empty() {
                    ui.label(egui::RichText::new(lang.pick("（无）", "(none)")).weak());
                }
                for p in recent {
                    if ui.button(p.display().to_string()).clicked() {
                        self.open_project(ui.ctx(), &p);
                        ui.close();
                    }
                }
            });
            ui.separator();
            if ui
                .add(
                    egui::Button::new(lang.pick("添加文件…", "Add files…")).shortcut_text("Ctrl+O"),
                )
                .clicked()
            {
                self.open_dialog(ui.ctx(), Dialog::AddFiles);
                ui.close();
            }
            if ui.button(lang.pick("添加文件夹…", "Add folder…")).clicked() {
                self.open_dialog(ui.ctx(), Dialog::AddFolder);
                ui.close();
            }
            ui.separator();
            if ui
                .add(egui::Button::new(lang.pick("导出…", "Export…")).shortcut_text("Ctrl+E"))
                .clicked()
            {
                self.export.show_dialog();
                ui.close();
            }
            ui.separator();
            ui.checkbox(
                &mut self.settings.builtin_file_dialog,
                lang.pick("使用内置文件对话框", "Use the built-in file dialog"),
            )
            .on_hover_text(lang.pick(
                "不用系统的文件对话框，改用应用自带的（路径输入、文件夹列表、最近位置）。系统对话框无法打开时总是使用它。",
                "Use the app's own file dialog (path field, folder listing, recent places) instead of the desktop's. It is used anyway when the desktop's cannot open.",
            ));
            ui.separator();
            if ui
                .add(egui::Button::new(lang.pick("退出", "Quit")).shortcut_text("Ctrl+Q"))
                .clicked()
            {
                self.request_quit(ui.ctx());
                ui.close();
            }
        });
    }
}
