//! The project file: RON in and out, schema migration, document hashes, and the errors of
//! reading and writing it. Loading never writes; saving is atomic.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::*;
use crate::themes::Codebook;

/// Why a project could not be read or written. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// No file there.
    #[error("{path}: no such project file")]
    NotFound {
        /// The file.
        path: PathBuf,
    },
    /// Reading failed.
    #[error("{path}: cannot read project: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The file is something else (not text, or text without a project's fields).
    #[error("{path}: not a duizhao project ({reason})")]
    NotAProject {
        /// The file.
        path: PathBuf,
        /// What it looks like instead.
        reason: String,
    },
    /// The file looks like a project but cannot be parsed.
    #[error("{path}:{line}:{col}: the project file is damaged: {message}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// 1-based line (0 when unknown).
        line: usize,
        /// 1-based column (0 when unknown).
        col: usize,
        /// What is wrong.
        message: String,
    },
    /// Written by a newer duizhao.
    #[error(
        "{path}: written by a newer duizhao (schema {found}, this one reads up to {supported}); update duizhao to open it"
    )]
    NewerSchema {
        /// The file.
        path: PathBuf,
        /// Its schema.
        found: u32,
        /// The newest this duizhao reads ([`SCHEMA_VERSION`]).
        supported: u32,
    },
    /// The project's codebook has a parent cycle or is nested too deep.
    #[error("{path}: the project's codebook is invalid: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    BadCodebook {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problems: Vec<crate::themes::CodebookProblem>,
    },
    /// Writing failed.
    #[error("{path}: cannot save project: {message}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// Just the version, read before the rest so a newer file is recognised whatever it contains.
#[derive(Deserialize)]
#[serde(rename = "Project")]
struct VersionProbe {
    /// Missing means schema 0.
    #[serde(default)]
    schema_version: u32,
}

/// Schema 0: the first project format, before the view, pins and rejections were saved.
#[derive(Deserialize)]
#[serde(rename = "Project", default)]
#[derive(Default)]
struct ProjectV0 {
    documents: Vec<DocumentRef>,
    codebook: Codebook,
    tags: Vec<Tag>,
}

impl From<ProjectV0> for Project {
    fn from(v0: ProjectV0) -> Project {
        Project {
            schema_version: SCHEMA_VERSION,
            documents: v0.documents,
            codebook: v0.codebook,
            tags: v0.tags,
            ..Project::default()
        }
    }
}

fn corrupt(path: &Path, e: &ron::error::SpannedError) -> ProjectError {
    ProjectError::Corrupt {
        path: path.to_path_buf(),
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    }
}

/// SHA-256 of a file, streamed (documents may be large PDFs).
pub fn file_sha256(path: &Path) -> std::io::Result<(String, u64)> {
    let mut f = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(buf.get(..n).unwrap_or(&[]));
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((hex, size))
}

impl Project {
    /// The project as pretty RON (paths inside `base` written relative to it).
    pub fn to_ron_string(&self, base: Option<&Path>) -> Result<String, ron::Error> {
        let mut copy = self.clone();
        copy.schema_version = SCHEMA_VERSION;
        if let Some(base) = base {
            for d in &mut copy.documents {
                if let Ok(rel) = d.path.strip_prefix(base) {
                    d.path = rel.to_path_buf();
                }
            }
        }
        let config = ron::ser::PrettyConfig::new()
            .struct_names(true)
            .indentor("    ".to_string());
        let body = ron::ser::to_string_pretty(&copy, config)?;
        Ok(format!(
            "// duizhao project (schema {SCHEMA_VERSION}). Readable, but edit with care.\n{body}\n"
        ))
    }

    /// Save atomically (temp file, fsync, rename), overwriting.
    pub fn save(&self, path: &Path) -> Result<(), ProjectError> {
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let base = abs.parent();
        let text = self.to_ron_string(base).map_err(|e| ProjectError::Write {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        crate::fsutil::atomic_write(path, text.as_bytes(), true).map_err(|e| ProjectError::Write {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    /// Parse project text; `path` names it in errors and is the base of relative document paths.
    pub fn from_ron_str(text: &str, path: &Path) -> Result<Project, ProjectError> {
        // A byte-order mark (Notepad saves one) is not part of the RON.
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(ProjectError::Corrupt {
                path: path.to_path_buf(),
                line: 0,
                col: 0,
                message: "the file is empty".into(),
            });
        }
        if !text.contains("schema_version") {
            return Err(ProjectError::NotAProject {
                path: path.to_path_buf(),
                reason: "it has no schema_version".into(),
            });
        }
        let probe: VersionProbe = ron::from_str(text).map_err(|e| corrupt(path, &e))?;
        let mut project = match probe.schema_version {
            0 => Project::from(ron::from_str::<ProjectV0>(text).map_err(|e| corrupt(path, &e))?),
            // Schema 1 is schema 2 without coders and times: the fields default to empty.
            1 | SCHEMA_VERSION => ron::from_str::<Project>(text).map_err(|e| corrupt(path, &e))?,
            found => {
                return Err(ProjectError::NewerSchema {
                    path: path.to_path_buf(),
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
        };
        project.schema_version = SCHEMA_VERSION;
        // A parent cycle or a chain deeper than MAX_THEME_DEPTH would make every tree walk and
        // export of the codebook misbehave; refuse it here, naming the file (which is unchanged).
        let structure = project.codebook.structure_problems();
        if !structure.is_empty() {
            return Err(ProjectError::BadCodebook {
                path: path.to_path_buf(),
                problems: structure,
            });
        }
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some(base) = abs.parent() {
            for d in &mut project.documents {
                if d.path.is_relative() {
                    d.path = base.join(&d.path);
                }
            }
        }
        Ok(project)
    }

    /// Read a project. Never writes to the file.
    pub fn load(path: &Path) -> Result<Project, ProjectError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ProjectError::NotFound {
                    path: path.to_path_buf(),
                });
            }
            Err(source) => {
                return Err(ProjectError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let text = String::from_utf8(bytes).map_err(|_| ProjectError::NotAProject {
            path: path.to_path_buf(),
            reason: "it is not UTF-8 text".into(),
        })?;
        Project::from_ron_str(&text, path)
    }

    /// Compare documents with their recorded hashes.
    pub fn check_documents(&self) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let mut changed = Vec::new();
        let mut missing = Vec::new();
        for d in &self.documents {
            match file_sha256(&d.path) {
                Ok((h, _)) if h == d.sha256 => {}
                Ok(_) => changed.push(d.path.clone()),
                Err(_) => missing.push(d.path.clone()),
            }
        }
        (changed, missing)
    }

    /// Documents that lie outside the project file's folder and outside every folder in
    /// `allowed` (folders the user chose). A project file may name any path (`/etc/passwd`); the
    /// CLI lists these before reading them, and the app should ask. Paths are compared after
    /// resolving `..` and symbolic links where the file exists.
    pub fn documents_outside(&self, project_path: &Path, allowed: &[PathBuf]) -> Vec<PathBuf> {
        let resolve = |p: &Path| {
            std::fs::canonicalize(p)
                .or_else(|_| std::path::absolute(p))
                .unwrap_or_else(|_| p.to_path_buf())
        };
        let abs = resolve(project_path);
        let mut roots: Vec<PathBuf> = abs.parent().map(Path::to_path_buf).into_iter().collect();
        roots.extend(allowed.iter().map(|a| resolve(a)));
        self.documents
            .iter()
            .filter(|d| {
                let real = resolve(&d.path);
                !roots.iter().any(|r| real.starts_with(r))
            })
            .map(|d| d.path.clone())
            .collect()
    }

    /// Add a document (made absolute, hashed); a document already there is re-hashed.
    pub fn add_document(&mut self, path: &Path) -> Result<(), ProjectError> {
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let (sha256, size) = file_sha256(&abs).map_err(|source| ProjectError::Io {
            path: abs.clone(),
            source,
        })?;
        let doc = DocumentRef {
            path: abs,
            sha256,
            size,
        };
        match self.documents.iter_mut().find(|d| d.path == doc.path) {
            Some(d) => *d = doc,
            None => self.documents.push(doc),
        }
        Ok(())
    }
}
