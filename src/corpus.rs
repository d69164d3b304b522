//! The loaded corpus: every plan of every file the user gave, and what could not be read.
//!
//! Files are read and parsed in parallel (rayon); a file that fails is recorded as an error and
//! the rest load (ripgrep's rule: report per-file errors and go on). Results are in path order,
//! whatever order the threads finished in.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use std::collections::HashSet;

use crate::formats::SUPPORTED_EXTENSIONS;
use crate::import::{ImportError, ImportWarning, read_document};
use crate::plan::{Plan, parse_document};

/// Plans loaded from a set of files and folders.
#[derive(Debug, Default, Clone)]
pub struct Corpus {
    /// Every plan, in file order, then order within the file.
    pub plans: Vec<Plan>,
    /// Files that could not be imported, with the reason.
    pub errors: Vec<String>,
    /// Files that loaded with something doubtful (replaced bytes, a guessed or overridden
    /// encoding), in file order: show them next to the errors.
    pub warnings: Vec<ImportWarning>,
}

/// No loaded plan has the id or name asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct PlanNotFound {
    /// The id or name asked for.
    pub key: String,
    /// Names of loaded plans close to it (sharing characters, one inside the other), at most 8.
    pub close: Vec<String>,
    /// How many plans are loaded.
    pub loaded: usize,
}

impl PlanNotFound {
    fn message(&self) -> String {
        if self.close.is_empty() {
            format!(
                "no plan named '{}' ({} plans loaded; `duizhao plans` lists them)",
                self.key, self.loaded
            )
        } else {
            format!(
                "no plan named '{}'; close names: {}",
                self.key,
                self.close.join(", ")
            )
        }
    }
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
///
/// Symbolic links are followed, but every folder is entered at most once (by its canonical path)
/// and every file is listed once, so a link to a parent folder or two links to each other cannot
/// loop or load a file twice.
pub fn expand_paths(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut walk = Walk::default();
    for p in paths {
        if p.is_dir() {
            walk.dir(p);
        } else {
            walk.file(p);
        }
    }
    (walk.files, walk.errors)
}

/// Folder-walking state: what was entered or listed already, by canonical path.
#[derive(Default)]
struct Walk {
    files: Vec<PathBuf>,
    errors: Vec<String>,
    seen_dirs: HashSet<PathBuf>,
    seen_files: HashSet<PathBuf>,
}

impl Walk {
    fn file(&mut self, p: &Path) {
        // A path that cannot be resolved is kept: reading it gives the clear error.
        let key = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        if self.seen_files.insert(key) {
            self.files.push(p.to_path_buf());
        }
    }

    /// Walk a folder tree with an explicit stack (no recursion over user-controlled depth), in
    /// sorted order: each entry in name order, a subfolder's files where the subfolder sorts.
    fn dir(&mut self, root: &Path) {
        let mut stack: Vec<std::vec::IntoIter<PathBuf>> = Vec::new();
        if let Some(entries) = self.enter(root) {
            stack.push(entries);
        }
        while let Some(top) = stack.last_mut() {
            let Some(p) = top.next() else {
                stack.pop();
                continue;
            };
            if p.is_dir() {
                if let Some(entries) = self.enter(&p) {
                    stack.push(entries);
                }
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| SUPPORTED_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            {
                self.file(&p);
            }
        }
    }

    /// The sorted entries of a folder not entered before (by canonical path).
    fn enter(&mut self, dir: &Path) -> Option<std::vec::IntoIter<PathBuf>> {
        let cannot = |e: std::io::Error| format!("{}: cannot read folder: {e}", dir.display());
        let key = match std::fs::canonicalize(dir) {
            Ok(k) => k,
            Err(e) => {
                self.errors.push(cannot(e));
                return None;
            }
        };
        if !self.seen_dirs.insert(key) {
            return None; // entered already through another path or a link
        }
        match std::fs::read_dir(dir) {
            Ok(entries) => {
                let mut paths: Vec<PathBuf> =
                    entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                paths.sort();
                Some(paths.into_iter())
            }
            Err(e) => {
                self.errors.push(cannot(e));
                None
            }
        }
    }
}

/// Import one file into its plans.
pub fn load_file(path: &Path) -> Result<Vec<Plan>, ImportError> {
    load_file_checked(path).map(|f| f.plans)
}

/// One imported file: its plans and what was doubtful about reading it.
#[derive(Debug, Clone, Default)]
pub struct LoadedFile {
    /// The plans found in the file.
    pub plans: Vec<Plan>,
    /// Warnings (the file loaded, but e.g. bad bytes were replaced or an encoding was guessed).
    pub warnings: Vec<ImportWarning>,
}

/// Import one file into its plans, with its warnings. A panic in a parser is caught here and
/// becomes this file's error, so one bad file never stops the others.
pub fn load_file_checked(path: &Path) -> Result<LoadedFile, ImportError> {
    let run = || -> Result<LoadedFile, ImportError> {
        let imported = read_document(path)?;
        Ok(LoadedFile {
            plans: parse_document(&imported.file),
            warnings: imported.warnings,
        })
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
    // The tables every import needs, built on their first use (the Traditional → Simplified
    // converter, the gazetteer of place names), are built by a second thread while the first
    // files are read and decoded, instead of by one thread while the others wait for them.
    let (results, ()): (Vec<Result<LoadedFile, ImportError>>, ()) = rayon::join(
        || {
            files
                .par_iter()
                .map(|f| {
                    let r = load_file_checked(f);
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    progress(n, files.len(), f);
                    r
                })
                .collect()
        },
        || {
            crate::normalize::to_simplified("體");
            crate::document::gazetteer::gazetteer();
        },
    );
    let mut plans = Vec::new();
    let mut warnings = Vec::new();
    for r in results {
        match r {
            Ok(f) => {
                plans.extend(f.plans);
                warnings.extend(f.warnings);
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    Corpus {
        plans,
        errors,
        warnings,
    }
}

impl Corpus {
    /// A plan by exact id or name (names also match ignoring script and width); when none
    /// matches, the error lists close names.
    pub fn lookup_plan(&self, key: &str) -> Result<&Plan, PlanNotFound> {
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
        let mut close: Vec<String> = self
            .plans
            .iter()
            .filter(|p| {
                let n = crate::normalize::normalize_str(&p.name);
                n.contains(&norm)
                    || norm.contains(&n)
                    || shared_chars(&n, &norm) * 2 >= norm.chars().count().max(2)
            })
            .map(|p| p.name.clone())
            .take(8)
            .collect();
        close.dedup();
        Err(PlanNotFound {
            key: key.to_string(),
            close,
            loaded: self.plans.len(),
        })
    }

    /// [`Corpus::lookup_plan`] with the error as its message, for callers that only show it.
    pub fn find_plan(&self, key: &str) -> Result<&Plan, String> {
        self.lookup_plan(key).map_err(|e| e.to_string())
    }
}

fn shared_chars(a: &str, b: &str) -> usize {
    b.chars().filter(|c| a.contains(*c)).count()
}
