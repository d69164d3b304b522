//! Setup shared by the GUI tests: where the seeds are, and stepping an app until its corpus and
//! analysis have arrived.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use duizhao::ui::{DuizhaoApp, Settings, View, theme};
use egui_kittest::Harness;

/// The bundled seed folder.
pub fn seeds() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// The real downloaded documents of the fixtures.
pub fn real_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real")
}

/// Step until the background load and analysis have arrived, then until the ui is still.
pub fn wait_loaded(harness: &mut Harness<'_, DuizhaoApp>) {
    let deadline = Instant::now() + Duration::from_secs(300);
    while harness.state().is_loading() || harness.state().is_analysing() {
        assert!(
            Instant::now() < deadline,
            "the corpus was not loaded and analysed within 300 s"
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    harness.run();
}

/// The whole app on `paths` with `settings` in a 1400×1900 window, loaded and analysed.
pub fn harness_with(paths: Vec<PathBuf>, settings: Settings) -> Harness<'static, DuizhaoApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 1900.0))
        .with_context_setup(theme::install_bundled_fonts)
        .build_ui_state(
            |ui, app: &mut DuizhaoApp| app.show(ui),
            DuizhaoApp::new(paths, settings),
        );
    wait_loaded(&mut harness);
    harness
}

/// The whole app on the seeds with default settings, loaded and analysed.
pub fn harness() -> Harness<'static, DuizhaoApp> {
    harness_with(vec![seeds()], Settings::default())
}

/// The ids of the seed plans named `names`, in that order.
pub fn plan_ids(names: &[&str]) -> Vec<String> {
    let corpus = duizhao::corpus::load_paths(&[seeds()]);
    names
        .iter()
        .map(|n| {
            corpus
                .plans
                .iter()
                .find(|p| p.name == *n)
                .unwrap_or_else(|| panic!("no plan {n}"))
                .plan_id
                .clone()
        })
        .collect()
}

/// The app on the seeds comparing `names` (empty: none, the plan view), 1500 × `height` px,
/// loaded and analysed.
pub fn app_comparing(names: &[&str], height: f32) -> Harness<'static, DuizhaoApp> {
    let settings = Settings {
        compared_plans: plan_ids(names),
        view: if names.is_empty() {
            View::Plan
        } else {
            View::Compare
        },
        ..Settings::default()
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1500.0, height))
        .with_context_setup(theme::install_bundled_fonts)
        .build_ui_state(
            |ui, app: &mut DuizhaoApp| app.show(ui),
            DuizhaoApp::new(vec![seeds()], settings),
        );
    wait_loaded(&mut harness);
    harness
}

/// The project codebook's infrastructure (基础设施) theme.
pub fn infrastructure_theme(harness: &Harness<'_, DuizhaoApp>) -> duizhao::themes::Theme {
    harness
        .state()
        .project()
        .codebook
        .themes
        .iter()
        .find(|t| t.name.contains("基础设施"))
        .expect("the default codebook has an infrastructure theme")
        .clone()
}
