//! The app-wide shortcuts (Ctrl+O/F/S/E/B/Q, Esc) and the arrow keys through the listed plans.

use super::{Dialog, DuizhaoApp, QuitState};
use crate::ui::settings::View;

impl DuizhaoApp {
    /// Up and down arrows move the selection through the listed plans (unless typing).
    pub(super) fn keyboard(&mut self, ctx: &egui::Context) {
        if self.path_dialog.is_open() || self.quit == QuitState::Asking {
            return;
        }
        let (open, find, save, export, library, quit) = ctx.input_mut(|i| {
            (
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::O),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::F),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::S),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::E),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::B),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::Q),
            )
        });
        if library {
            self.settings.library_hidden = !self.settings.library_hidden;
        }
        if quit {
            self.request_quit(ctx);
        }
        if export {
            self.export.show_dialog();
        }
        if open {
            self.open_dialog(ctx, Dialog::AddFiles);
        }
        if save {
            self.save_project(ctx);
        }
        if find {
            self.search_open = true;
            self.search.request_focus();
        }
        if self.search_open
            && self.notices.is_empty()
            && ctx.input(|i| i.key_pressed(egui::Key::Escape))
        {
            self.search_open = false;
        }
        if self.corpus.is_none() || ctx.text_edit_focused() || self.settings.view != View::Plan {
            return;
        }
        let (up, down) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::ArrowUp),
                i.key_pressed(egui::Key::ArrowDown),
            )
        });
        if !up && !down {
            return;
        }
        let listed = self.listed_plan_ids();
        let current = self
            .settings
            .selected_plan
            .as_deref()
            .and_then(|id| listed.iter().position(|p| *p == id));
        let next = match (current, down) {
            (Some(k), true) => (k + 1).min(listed.len().saturating_sub(1)),
            (Some(k), false) => k.saturating_sub(1),
            (None, _) => 0,
        };
        if let Some(id) = listed.get(next) {
            let id = (*id).to_owned();
            self.settings.selected_plan = Some(id);
            self.library.reveal_selected();
        }
    }
}
