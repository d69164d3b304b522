//! The loaded corpus: every plan of every file the user gave, and what could not be read.
//!
//! Files are read and parsed in parallel (rayon); a file that fails is recorded as an error and
//! the rest load (ripgrep's rule: report per-file errors and go on). Results are in path order,
//! whatever order the threads finished in.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::formats::{SUPPORTED_EXTENSIONS, read_any};
use crate::import::ImportError;
use crate::plan::{Plan, parse_document};

/// Plans loaded from a set of files and folders.
#[derive(Debug, Default, Clone)]
pub struct Corpus {
    /// Every plan, in file order, then order within the file.
    pub plans: Vec<Plan>,
    /// Files that could not be imported, with the reason.
    pub errors: Vec<String>,
}

/// The bundled seed folder: `$DUIZHAO_SEEDS`, `./seeds`, or the crate's own `seeds/`.
pub fn default_seed_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("DUIZHAO_SEEDS") {
        return PathBuf::from(p);
    }
    let local = PathBuf::from("seeds");
    if local.is_dir() {
        return local;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// Expand folders (recursively) into the supported files in them, sorted; files given by name are
/// kept whatever their extension, so that an unsupported file gets its clear error.
pub fn expand_paths(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_dir() {
            collect_dir(p, &mut files, &mut errors);
        } else {
            files.push(p.clone());
        }
    }
    (files, errors)
}

fn collect_dir(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(format!("{}: cannot read folder: {e}", dir.display()));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect_dir(&p, files, errors);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| SUPPORTED_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            files.push(p);
        }
    }
}

/// Import one file into its plans. A panic in a parser is caught here and becomes this file's
/// error, so one bad file never stops the others.
pub fn load_file(path: &Path) -> Result<Vec<Plan>, ImportError> {
    let run = || -> Result<Vec<Plan>, ImportError> {
        let file = read_any(path)?;
        Ok(parse_document(&file))
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(ImportError::NotText {
            path: path.to_path_buf(),
            reason: format!(
                "internal error while reading it ({what}); the other files are not affected, please report this file"
            ),
        })
    })
}

/// Load files and folders; an empty list loads the bundled seeds.
pub fn load_paths(paths: &[PathBuf]) -> Corpus {
    load_paths_with_progress(paths, &|_, _, _| {})
}

/// [`load_paths`], calling `progress(done, total, file)` after each file (from worker threads).
pub fn load_paths_with_progress(
    paths: &[PathBuf],
    progress: &(dyn Fn(usize, usize, &Path) + Sync),
) -> Corpus {
    let paths = if paths.is_empty() {
        vec![default_seed_dir()]
    } else {
        paths.to_vec()
    };
    let (files, mut errors) = expand_paths(&paths);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<Vec<Plan>, ImportError>> = files
        .par_iter()
        .map(|f| {
            let r = load_file(f);
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n, files.len(), f);
            r
        })
        .collect();
    let mut plans = Vec::new();
    for r in results {
        match r {
            Ok(p) => plans.extend(p),
            Err(e) => errors.push(e.to_string()),
        }
    }
    Corpus { plans, errors }
}

impl Corpus {
    /// A plan by exact id or name (names also match ignoring script and width).
    pub fn find_plan(&self, key: &str) -> Result<&Plan, String> {
        if let Some(p) = self
            .plans
            .iter()
            .find(|p| p.plan_id == key || p.name == key)
        {
            return Ok(p);
        }
        let norm = crate::normalize::normalize_str(key);
        if let Some(p) = self
            .plans
            .iter()
            .find(|p| crate::normalize::normalize_str(&p.name) == norm)
        {
            return Ok(p);
        }
        let mut close: Vec<&str> = self
            .plans
            .iter()
            .filter(|p| {
                let n = crate::normalize::normalize_str(&p.name);
                n.contains(&norm)
                    || norm.contains(&n)
                    || shared_chars(&n, &norm) * 2 >= norm.chars().count().max(2)
            })
            .map(|p| p.name.as_str())
            .take(8)
            .collect();
        close.dedup();
        if close.is_empty() {
            Err(format!(
                "no plan named '{key}' ({} plans loaded; `duizhao plans` lists them)",
                self.plans.len()
            ))
        } else {
            Err(format!(
                "no plan named '{key}'; close names: {}",
                close.join(", ")
            ))
        }
    }
}

fn shared_chars(a: &str, b: &str) -> usize {
    b.chars().filter(|c| a.contains(*c)).count()
}
