//! Shared helpers for the integration tests.
#![allow(dead_code, clippy::unwrap_used)] // each test binary uses a part; helpers fail loudly

use std::path::PathBuf;

/// The bundled seed folder.
pub fn seed_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// The seed file whose name starts with `prefix` (`01_` … `05_`).
pub fn seed(prefix: &str) -> PathBuf {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(seed_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
        .into_iter()
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap()
}

/// Its text.
pub fn seed_text(prefix: &str) -> String {
    std::fs::read_to_string(seed(prefix)).unwrap()
}

/// Run the real `duizhao` binary in the crate folder: (success, stdout, stderr).
pub fn duizhao(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_duizhao"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}
