//! The desktop app (feature `gui`): a window listing the loaded plans, showing the outline and
//! measures of the one selected, or several plans side by side with their shared and unique
//! measures.
//!
//! The UI only draws what the core returns: the corpus is loaded by [`crate::corpus::load_paths`]
//! on a background thread, and every view reads the resulting [`crate::plan::Plan`]s.
//!
//! Leaves everyone may import (they import nothing else of the UI), so no two UI files import
//! each other (`python3 scripts/ui_cycles.py` checks):
//! - [`settings`]: [`Language`], [`View`] and the persisted [`Settings`].
//! - [`command`]: [`UiCommand`], what a view asks the app to do.
//! - [`context`]: [`ViewContext`], what a view reads (corpus, analysis, project, settings, the
//!   revision counters its caches key on); views draw with
//!   `fn ui(&mut self, ui, cx: &ViewContext, out: &mut Vec<UiCommand>)`.
//!
//! The app and its views:
//! - [`app`]: the app state and the frame, split by job under `app/` (loader, commands, file
//!   actions, keyboard, bars, menus, panels, windows).
//! - [`library_panel`]: the plan library on the left (grouped by file, filter by name).
//! - [`doc_view`]: the selected plan's outline and measures, virtualised for long plans.
//! - [`compare_view`]: the compared plans side by side, aligned rows, shared and unique measures
//!   (split under `compare_view/`: style, layout, cell, header, table, detail bar).
//! - [`search_panel`]: full-text search (Ctrl+F), hits in context grouped by plan.
//! - [`families_view`]: measure families, most widely adopted first; members stacked with the
//!   words that differ marked.
//! - [`overview`]: heatmap of shared measures between every two plans, similar plans clustered.
//! - [`targets_view`]: quantitative targets as an indicator × plan grid.
//! - [`themes_panel`]: the codebook tree and theme editor, rule hit counts, proposal review.
//! - [`matrix_view`]: the theme × plan matrix of coded segments as a heatmap, one theme's bars.
//! - [`agreement_view`]: the coder agreement window.
//! - [`tagging`] and [`project_state`]: tag menus and marks; the open project, undo, autosave.
//! - [`export_dialog`]: the export dialog (Ctrl+E).
//! - [`file_dialog`]: the app's own file dialog, used when the desktop has none.
//! - [`jobs`]: derived views' data built on a background thread, with progress.
//! - [`messages`]: error texts in the interface language.
//! - [`theme`]: CJK fonts, text sizes, colours.
pub mod agreement_view;
pub mod app;
pub mod command;
pub mod compare_view;
pub mod context;
pub mod doc_view;
pub mod export_dialog;
pub mod families_view;
pub mod file_dialog;
pub mod jobs;
pub mod library_panel;
pub mod matrix_view;
pub mod messages;
pub mod overview;
pub mod project_state;
pub mod reuse_view;
pub mod search_panel;
pub mod settings;
pub mod tagging;
pub mod targets_view;
pub mod theme;
pub mod themes_panel;

use std::path::PathBuf;

pub use app::{DuizhaoApp, QuitState};
pub use command::UiCommand;
pub use context::ViewContext;
pub use settings::{Language, Settings, View};

/// Open the app window on `paths` (files or folders; empty: the bundled seeds) and run until the
/// window is closed.
pub fn run(paths: Vec<PathBuf>, start: crate::cli::StartOptions) -> anyhow::Result<()> {
    app::PROCESS_START.get_or_init(std::time::Instant::now);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("对照 duizhao")
            .with_app_id("duizhao")
            .with_inner_size([1320.0, 840.0])
            .with_min_inner_size([720.0, 420.0]),
        ..Default::default()
    };
    eframe::run_native(
        "duizhao",
        options,
        Box::new(move |cc| {
            theme::install_fonts(&cc.egui_ctx);
            let mut settings: Settings = cc
                .storage
                .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
                .unwrap_or_default();
            settings.apply_start(&start);
            let mut app = DuizhaoApp::new(paths, settings);
            app.check_recovery();
            app.compare_on_load(start.compare);
            app.start_loading(&cc.egui_ctx);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
