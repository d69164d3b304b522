//! The persisted app-wide types every panel may read: the interface [`Language`], the central
//! [`View`] and the [`Settings`] remembered between runs. A leaf: it imports nothing from the
//! rest of the UI, so panels depend on it instead of on the app.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Language {
    /// 中文 (the default).
    #[default]
    Chinese,
    /// English.
    English,
}

impl Language {
    /// The string for this language.
    pub fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Language::Chinese => zh,
            Language::English => en,
        }
    }

    /// The string for this language, of any lifetime.
    pub fn pick_str<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Language::Chinese => zh,
            Language::English => en,
        }
    }
}

/// Which view the central panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum View {
    /// The selected plan's outline and measures.
    #[default]
    Plan,
    /// The compared plans side by side.
    Compare,
    /// Measure families, most widely adopted first, and the collation of one.
    Families,
    /// The plan × plan heatmap of shared measures.
    Overview,
    /// The targets of the compared plans (all plans when none is compared).
    Targets,
    /// The codebook, its rules and their proposals.
    Themes,
    /// The theme × plan matrix of tagged segments.
    Matrix,
}

/// What the app remembers between runs (eframe persistence, key [`eframe::APP_KEY`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Interface language.
    pub language: Language,
    /// Dark theme instead of the light one.
    pub dark_mode: bool,
    /// Id of the selected plan.
    pub selected_plan: Option<String>,
    /// Text of the library filter.
    pub filter: String,
    /// Show the measures under each heading, not only the outline.
    pub show_measures: bool,
    /// Ids of the plans in the comparison, in column order.
    pub compared_plans: Vec<String>,
    /// The view of the central panel.
    pub view: View,
    /// Show only the headings of the compared sections, not their measures.
    pub collapse_rows: bool,
    /// Show the normalised simplified text instead of the original.
    pub show_normalized: bool,
    /// Mark key terms in the compared measures (shared in the row / distinctive).
    pub highlight_terms: bool,
    /// Width of a compare column in points; 0: fit the window.
    pub column_width: f32,
    /// Group the library by province instead of by file.
    pub group_by_province: bool,
    /// Recently opened or saved projects, newest first.
    pub recent_projects: Vec<PathBuf>,
    /// The project open when the app was last closed.
    pub last_project: Option<PathBuf>,
    /// Always use the app's own file dialog, never the desktop's.
    pub builtin_file_dialog: bool,
    /// Folders recently used in a file dialog, newest first.
    pub recent_dirs: Vec<PathBuf>,
    /// The library panel is hidden (Ctrl+B, or its button in the title bar).
    pub library_hidden: bool,

    /// The coder's name, recorded on every new tag.
    pub coder: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: Language::Chinese,
            dark_mode: false,
            selected_plan: None,
            filter: String::new(),
            show_measures: true,
            compared_plans: Vec::new(),
            view: View::Plan,
            collapse_rows: false,
            show_normalized: false,
            highlight_terms: false,
            column_width: 0.0,
            group_by_province: false,
            recent_projects: Vec::new(),
            last_project: None,
            builtin_file_dialog: false,
            recent_dirs: Vec::new(),
            library_hidden: false,

            coder: String::new(),
        }
    }
}

impl Settings {
    /// Let `duizhao open`'s options override the remembered settings.
    pub fn apply_start(&mut self, start: &crate::cli::StartOptions) {
        if let Some(dark) = start.dark {
            self.dark_mode = dark;
        }
        if start.english {
            self.language = Language::English;
        }
        if !start.compare.is_empty() {
            self.view = View::Compare;
        }
        // An explicit --view wins over the Compare that --compare implies.
        if let Some(view) = start.view {
            self.view = View::from_arg(view);
        }
    }
}

impl View {
    /// The view `duizhao open --view` names.
    pub fn from_arg(view: crate::cli::ViewArg) -> View {
        use crate::cli::ViewArg;
        match view {
            ViewArg::Plan => View::Plan,
            ViewArg::Compare => View::Compare,
            ViewArg::Families => View::Families,
            ViewArg::Overview => View::Overview,
            ViewArg::Targets => View::Targets,
            ViewArg::Themes => View::Themes,
            ViewArg::Matrix => View::Matrix,
        }
    }

    /// The view named `name` (`plan`, `compare`, …), as `duizhao open --view` takes it.
    pub fn parse(name: &str) -> Option<View> {
        match name {
            "plan" => Some(View::Plan),
            "compare" => Some(View::Compare),
            "families" => Some(View::Families),
            "overview" => Some(View::Overview),
            "targets" => Some(View::Targets),
            "themes" => Some(View::Themes),
            "matrix" => Some(View::Matrix),
            _ => None,
        }
    }
}
