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

/// Whether the outside program `tool` (e.g. `xmllint`) can be run, for tests that need it.
///
/// A missing tool skips the part of the test that needs it: the reason is written straight to
/// stderr (past the test harness's capture, so `cargo test` shows it) and this returns `false`.
/// With `DUIZHAO_REQUIRE_TOOLS=1` (set by `.ci/run`, which installs the tools) a missing tool
/// fails the test instead, so CI can never pass by skipping.
pub fn require_tool(tool: &str, apt_package: &str) -> bool {
    if tool_on_path(tool) {
        return true;
    }
    let missing = format!("`{tool}` is not installed (apt-get install {apt_package})");
    if std::env::var("DUIZHAO_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
        panic!("DUIZHAO_REQUIRE_TOOLS=1 and {missing}");
    }
    let reason = format!("{missing}; the check that needs it is skipped");
    use std::io::Write;
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    let _ = writeln!(std::io::stderr(), "SKIPPED in {test}: {reason}");
    false
}

/// Is there an executable file called `tool` in a folder of `PATH`?
fn tool_on_path(tool: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| {
        let candidate = dir.join(tool);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(&candidate)
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        }
        #[cfg(not(unix))]
        {
            candidate.is_file() || candidate.with_extension("exe").is_file()
        }
    })
}

/// The five bundled seed documents, loaded once per test binary and shared by its tests.
pub fn seed_corpus() -> &'static duizhao::corpus::Corpus {
    static CORPUS: std::sync::OnceLock<duizhao::corpus::Corpus> = std::sync::OnceLock::new();
    CORPUS.get_or_init(|| duizhao::corpus::load_paths(&[seed_dir()]))
}

/// The engine's analysis of [`seed_corpus`], built once per test binary.
pub fn seed_analysis() -> &'static duizhao::matching::Analysis {
    static ANALYSIS: std::sync::OnceLock<duizhao::matching::Analysis> = std::sync::OnceLock::new();
    ANALYSIS.get_or_init(|| duizhao::matching::Analysis::build(&seed_corpus().plans))
}

/// The plans of a document written inline, decoded as if read from a file called `file_name`
/// (its extension matters: `.md` reads Markdown headings).
pub fn plans_from_str(file_name: &str, text: &str) -> Vec<duizhao::plan::Plan> {
    let file = duizhao::import::decode_bytes(std::path::Path::new(file_name), text.as_bytes())
        .unwrap_or_else(|e| panic!("{file_name}: {e}"));
    duizhao::plan::parse_document(&file)
}
