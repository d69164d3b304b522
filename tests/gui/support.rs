//! Setup shared by the GUI tests: where the seeds are, and stepping an app until its corpus and
//! analysis have arrived.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use duizhao::ui::DuizhaoApp;
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
