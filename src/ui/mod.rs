//! The desktop app (feature `gui`): a window listing the loaded plans, showing the outline and
//! measures of the one selected, or several plans side by side with their shared and unique
//! measures.
//!
//! The UI only draws what the core returns: the corpus is loaded by [`crate::corpus::load_paths`]
//! on a background thread, and every view reads the resulting [`crate::plan::Plan`]s.
//!
//! - [`app`]: the app state, loading, settings, top and bottom bars.
//! - [`library_panel`]: the plan library on the left (grouped by file, filter by name).
//! - [`doc_view`]: the selected plan's outline and measures, virtualised for long plans.
//! - [`compare_view`]: the compared plans side by side, aligned rows, shared and unique measures.
//! - [`theme`]: CJK fonts, text sizes, colours.

pub mod app;
pub mod compare_view;
pub mod doc_view;
pub mod library_panel;
pub mod theme;

use std::path::PathBuf;

pub use app::{DuizhaoApp, Language, Settings, View};

/// Open the app window on `paths` (files or folders; empty: the bundled seeds) and run until the
/// window is closed.
pub fn run(paths: Vec<PathBuf>) -> anyhow::Result<()> {
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
            let settings: Settings = cc
                .storage
                .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
                .unwrap_or_default();
            let mut app = DuizhaoApp::new(paths, settings);
            app.start_loading(&cc.egui_ctx);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
