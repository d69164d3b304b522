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
//! - [`search_panel`]: full-text search (Ctrl+F), hits in context grouped by plan.
//! - [`families_view`]: measure families, most widely adopted first; members stacked with the
//!   words that differ marked.
//! - [`overview`]: heatmap of shared measures between every two plans, similar plans clustered.
//! - [`targets_view`]: quantitative targets as an indicator × plan grid.
//! - [`themes_panel`]: the codebook tree and theme editor, rule hit counts, proposal review.
//! - [`matrix_view`]: the theme × plan matrix of coded segments as a heatmap, one theme's bars.
//! - [`file_dialog`]: the app's own file dialog, used when the desktop has none.
//! - [`messages`]: error texts in the interface language.
//! - [`theme`]: CJK fonts, text sizes, colours.

pub mod agreement_view;
pub mod app;
pub mod compare_view;
pub mod doc_view;
pub mod export_dialog;
pub mod families_view;
pub mod file_dialog;
pub mod library_panel;
pub mod matrix_view;
pub mod messages;
pub mod overview;
pub mod project_state;
pub mod search_panel;
pub mod tagging;
pub mod targets_view;
pub mod theme;
pub mod themes_panel;

use std::path::PathBuf;

pub use app::{DuizhaoApp, Language, QuitState, Settings, View};

/// What a view asks the app to do; views return these and the app applies them once per frame,
/// after drawing (so no view mutates another's state while it is being drawn).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UiCommand {
    /// Show these plans (plan ids, column order) side by side in the compare view.
    ComparePlans(Vec<String>),
    /// Show one plan alone in the plan view.
    OpenPlan(String),
    /// Bring a measure into view and flash it: in the compare view if its plan is compared,
    /// else in the plan view. `measure_index` indexes the plan's `measures()`.
    FocusMeasure {
        /// The plan's id.
        plan_id: String,
        /// Index of the measure within the plan's `measures()`.
        measure_index: usize,
    },
    /// Tag a measure with a theme of the project's codebook.
    TagMeasure {
        /// The plan's id.
        plan_id: String,
        /// Index of the measure within the plan's `measures()`.
        measure_index: usize,
        /// The theme.
        theme_id: String,
    },
    /// Tag (or untag) a passage of a plan: a section, or text selected in the detail bar.
    TagSpan {
        /// The plan's id.
        plan_id: String,
        /// Byte range in the plan's own text (`Plan::original_text`).
        byte_range: std::ops::Range<usize>,
        /// The theme.
        theme_id: String,
        /// Remove the tag instead of adding it.
        remove: bool,
    },
    /// Set the memo of a tag.
    SetMemo {
        /// The tag.
        tag_id: u64,
        /// The new memo.
        memo: String,
    },
    /// Remove a theme's tags from a measure.
    UntagMeasure {
        /// The plan's id.
        plan_id: String,
        /// Index of the measure within the plan's `measures()`.
        measure_index: usize,
        /// The theme.
        theme_id: String,
    },
}

/// When the process started (set by [`run`] as early as possible; for the startup timing that
/// `DUIZHAO_TIMING=1` prints).
pub(crate) static PROCESS_START: std::sync::OnceLock<std::time::Instant> =
    std::sync::OnceLock::new();

/// Open the app window on `paths` (files or folders; empty: the bundled seeds) and run until the
/// window is closed.
pub fn run(paths: Vec<PathBuf>, start: crate::cli::StartOptions) -> anyhow::Result<()> {
    PROCESS_START.get_or_init(std::time::Instant::now);
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
