//! A coding project: the documents, the codebook, the researcher's tags, pins and view, saved as
//! one readable RON file (`*.duizhao.ron`).
//!
//! Losing a researcher's coding is the worst failure this app can have, so the file format is
//! shaped around keeping it:
//! - every save goes through [`crate::fsutil::atomic_write`] (temp file, fsync, rename): a crash
//!   leaves the old or the new project, never half of one; a recovery copy
//!   ([`Project::save_recovery`]) covers unsaved work;
//! - loading never writes: a file that is corrupt, not a project, or from a newer duizhao is a
//!   [`ProjectError`] naming the file, and the file stays as it was; older schemas are migrated in
//!   memory ([`SCHEMA_VERSION`]);
//! - a tag stores its quote next to its byte range, so when a document changes on disk the tag
//!   is found again by its text ([`Project::reanchor`]); a tag that cannot be found is flagged
//!   `orphaned` and kept, never dropped.
//!
//! Ranges are byte ranges in the plan's own text ([`Plan::original_text`]), so a tag survives
//! other plans of a compilation growing; [`Tag::char_range`] gives code-point offsets for
//! exporters such as REFI-QDA.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::corpus::Corpus;
use crate::measure::Measure;
use crate::normalize::{Normalized, normalize_line};
use crate::plan::Plan;
use crate::themes::{Codebook, CodedSegment, Proposal};

/// The schema this duizhao writes and the newest it reads. Schema 2 added each tag's coder and
/// time ([`Tag::coder`], [`Tag::tagged_at`]); a duizhao that reads only schema 1 would drop them
/// on save, so it is told the file is newer instead.
pub const SCHEMA_VERSION: u32 = 2;

/// File name ending of project files.
pub const PROJECT_EXTENSION: &str = ".duizhao.ron";

/// A coding project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Project {
    /// Format version ([`SCHEMA_VERSION`] when written by this duizhao).
    pub schema_version: u32,
    /// The documents coded, with their content hashes.
    pub documents: Vec<DocumentRef>,
    /// The codebook (a copy: the project does not depend on a codebook file staying around).
    pub codebook: Codebook,
    /// The researcher's tags.
    pub tags: Vec<Tag>,
    /// Proposals the researcher rejected; never proposed again.
    pub rejected: Vec<Rejection>,
    /// Pinned section pairs of the comparison.
    pub pins: Vec<SavedPin>,
    /// What was on screen.
    pub view: ViewState,
    /// Who is coding in this session (from the app's settings or the CLI): stamped on new tags
    /// by [`Project::add_tag`]. Not saved: each coder's name travels with their tags.
    #[serde(skip)]
    pub coder: String,
}

impl Default for Project {
    fn default() -> Project {
        Project {
            schema_version: SCHEMA_VERSION,
            documents: Vec::new(),
            codebook: Codebook::default(),
            tags: Vec::new(),
            rejected: Vec::new(),
            pins: Vec::new(),
            view: ViewState::default(),
            coder: String::new(),
        }
    }
}

/// A document of the project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DocumentRef {
    /// Where it is: absolute in memory; written relative to the project's folder when inside it.
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// A proposal the researcher said no to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Rejection {
    /// The theme proposed.
    pub theme_id: String,
    /// The measure it was proposed for.
    pub measure_id: String,
}

/// A pinned pair of sections, by plan id (so it survives a change of the compared list).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedPin {
    /// The two plans.
    pub plan_ids: [String; 2],
    /// The pinned section of each.
    pub section_ids: [usize; 2],
}

impl SavedPin {
    /// From an alignment pin over `compared` (the plan ids in the compared order).
    pub fn from_pin(pin: &crate::align::Pin, compared: &[String]) -> Option<SavedPin> {
        Some(SavedPin {
            plan_ids: [
                compared.get(pin.plan_a)?.clone(),
                compared.get(pin.plan_b)?.clone(),
            ],
            section_ids: [pin.section_a, pin.section_b],
        })
    }

    /// The alignment pin for this compared list, if both plans are in it.
    pub fn to_pin(&self, compared: &[String]) -> Option<crate::align::Pin> {
        let [a, b] = &self.plan_ids;
        Some(crate::align::Pin {
            plan_a: compared.iter().position(|p| p == a)?,
            section_a: self.section_ids[0],
            plan_b: compared.iter().position(|p| p == b)?,
            section_b: self.section_ids[1],
        })
    }
}

/// What the researcher was looking at (restored on open).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewState {
    /// Plans in the comparison, by id, in column order.
    pub compared_plans: Vec<String>,
    /// The plan open in the reader.
    pub selected_plan: Option<String>,
    /// The theme selected in the codebook panel.
    pub selected_theme: Option<String>,
    /// The tag selected, if any.
    pub selected_tag: Option<u64>,
}

/// How a tag came to be.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TagOrigin {
    /// Made by the researcher.
    #[default]
    Manual,
    /// A rule's proposal the researcher accepted.
    Rule,
}

/// A theme applied to a passage of a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tag {
    /// Unique in the project.
    pub tag_id: u64,
    /// The theme.
    pub theme_id: String,
    /// The plan.
    pub plan_id: String,
    /// The measure, when the tag covers exactly one.
    pub measure_id: Option<String>,
    /// Byte range in the plan's own text ([`Plan::original_text`]).
    pub byte_range: Range<usize>,
    /// The exact text of that range when tagged (used to find it again).
    pub quote: String,
    /// The researcher's note.
    pub memo: String,
    /// Manual or accepted rule proposal.
    pub origin: TagOrigin,
    /// Its text could not be found in its plan at the last re-anchoring; kept, shown as such.
    pub orphaned: bool,
    /// Who made it (the coder name of the app's settings); empty for tags made before coders
    /// were recorded (schema 1).
    pub coder: String,
    /// When it was made, UTC, `YYYY-MM-DDTHH:MM:SSZ`; empty for tags of schema 1.
    pub tagged_at: String,
}

/// Why a tag could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    /// The range is outside the plan or not on character boundaries.
    #[error("{plan_id}: byte range {start}..{end} is not a passage of the plan's text")]
    BadRange {
        /// The plan.
        plan_id: String,
        /// Start byte.
        start: usize,
        /// End byte.
        end: usize,
    },
    /// No plan or measure with that id in the corpus.
    #[error("no plan or measure {0} in the loaded documents")]
    NotFound(String),
}

impl Tag {
    /// A tag on one measure of a plan (tag_id 0: [`Project::add_tag`] assigns one).
    pub fn for_measure(plan: &Plan, measure: &Measure, theme_id: &str) -> Result<Tag, TagError> {
        let start = measure.span.start.checked_sub(plan.span.start);
        let end = measure.span.end.checked_sub(plan.span.start);
        let (Some(start), Some(end)) = (start, end) else {
            return Err(TagError::BadRange {
                plan_id: plan.plan_id.clone(),
                start: measure.span.start,
                end: measure.span.end,
            });
        };
        let mut tag = Tag::for_span(plan, start..end, theme_id)?;
        tag.measure_id = Some(measure.measure_id.clone());
        Ok(tag)
    }

    /// A tag on any passage of a plan; the range must be on character boundaries of
    /// [`Plan::original_text`] and not empty.
    pub fn for_span(
        plan: &Plan,
        byte_range: Range<usize>,
        theme_id: &str,
    ) -> Result<Tag, TagError> {
        let quote = plan
            .original_text()
            .get(byte_range.clone())
            .filter(|q| !q.is_empty())
            .ok_or_else(|| TagError::BadRange {
                plan_id: plan.plan_id.clone(),
                start: byte_range.start,
                end: byte_range.end,
            })?;
        Ok(Tag {
            tag_id: 0,
            theme_id: theme_id.to_string(),
            plan_id: plan.plan_id.clone(),
            measure_id: None,
            byte_range,
            quote: quote.to_string(),
            memo: String::new(),
            origin: TagOrigin::Manual,
            orphaned: false,
            coder: String::new(),
            tagged_at: String::new(),
        })
    }

    /// The range in code points of the plan's text (for REFI-QDA and other exporters), or `None`
    /// when the byte range does not fall on character boundaries of this plan's text.
    pub fn char_range(&self, plan: &Plan) -> Option<Range<usize>> {
        let text = plan.original_text();
        let head = text.get(..self.byte_range.start)?;
        let body = text.get(self.byte_range.clone())?;
        let start = head.chars().count();
        Some(start..start + body.chars().count())
    }

    /// Whether the tag covers no text (an empty range or quote): such tags are refused by
    /// [`Project::add_tag`] and reported by [`Project::problems`].
    pub fn is_empty(&self) -> bool {
        self.byte_range.is_empty() || self.quote.is_empty()
    }

    /// The tag as a matrix segment.
    pub fn segment(&self) -> CodedSegment {
        CodedSegment {
            theme_id: self.theme_id.clone(),
            plan_id: self.plan_id.clone(),
            measure_id: self.measure_id.clone(),
            byte_range: self.byte_range.clone(),
        }
    }
}

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

/// The recovery file for a project: `.NAME.recovery` next to it, or for a project never saved
/// `recovery.duizhao.ron` in duizhao's data folder (`$XDG_DATA_HOME/duizhao`, else
/// `~/.local/share/duizhao`).
pub fn recovery_path(project_path: Option<&Path>) -> PathBuf {
    if let Some(p) = project_path {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "project.duizhao.ron".into());
        let dir = p.parent().unwrap_or(Path::new(""));
        return dir.join(format!(".{name}.recovery"));
    }
    data_dir().join("recovery.duizhao.ron")
}

fn data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("duizhao");
    }
    if let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(h).join(".local/share/duizhao");
    }
    std::env::temp_dir().join("duizhao")
}

/// A recovery file worth offering: it exists and is newer than the project (or the project was
/// never saved, or is gone).
pub fn find_recovery(project_path: Option<&Path>) -> Option<PathBuf> {
    let rec = recovery_path(project_path);
    let rec_time = std::fs::metadata(&rec).and_then(|m| m.modified()).ok()?;
    let newer = match project_path.map(|p| std::fs::metadata(p).and_then(|m| m.modified())) {
        Some(Ok(project_time)) => rec_time > project_time,
        _ => true,
    };
    newer.then_some(rec)
}

/// Remove the recovery file (after a save, or when the user declines it); no file is fine.
pub fn discard_recovery(project_path: Option<&Path>) -> Result<(), ProjectError> {
    let rec = recovery_path(project_path);
    match std::fs::remove_file(&rec) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(ProjectError::Write {
            path: rec,
            message: e.to_string(),
        }),
        _ => Ok(()),
    }
}

/// A tag whose text was found elsewhere in its plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedTag {
    /// The tag.
    pub tag_id: u64,
    /// Its range before.
    pub old: Range<usize>,
    /// Its range now.
    pub new: Range<usize>,
    /// Its plan before, when it was found in another plan of the same file.
    pub old_plan_id: Option<String>,
}

/// What re-anchoring found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReanchorReport {
    /// Tags whose range still holds their quote.
    pub ok: usize,
    /// Tags found again at another place (their ranges are updated).
    pub moved: Vec<MovedTag>,
    /// Tags whose text is gone (flagged, kept), by id, ascending.
    pub orphaned: Vec<u64>,
    /// Documents whose content changed since they were added (hash differs).
    pub changed_documents: Vec<PathBuf>,
    /// Documents that cannot be read any more.
    pub missing_documents: Vec<PathBuf>,
}

impl Project {
    /// An empty project with a codebook.
    pub fn new(codebook: Codebook) -> Project {
        Project {
            codebook,
            ..Project::default()
        }
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

    /// Paths of the documents (to load a corpus from).
    pub fn document_paths(&self) -> Vec<PathBuf> {
        self.documents.iter().map(|d| d.path.clone()).collect()
    }

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

    /// Write the recovery copy for a project at `project_path` (or an unsaved one); returns where.
    pub fn save_recovery(&self, project_path: Option<&Path>) -> Result<PathBuf, ProjectError> {
        let rec = recovery_path(project_path);
        if let Some(dir) = rec.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| ProjectError::Write {
                path: rec.clone(),
                message: e.to_string(),
            })?;
        }
        self.save(&rec)?;
        Ok(rec)
    }

    /// Next free tag id.
    fn next_tag_id(&self) -> u64 {
        self.tags.iter().map(|t| t.tag_id).max().unwrap_or(0) + 1
    }

    /// Add a tag and return its id; a tag with the same theme, plan, range and coder is not
    /// added twice (the existing id is returned). A tag without a coder or time gets
    /// [`Project::coder`] and the current time. A tag that covers no text is refused: nothing is added and
    /// 0 (never a tag id) is returned; [`Project::try_add_tag`] says why.
    pub fn add_tag(&mut self, tag: Tag) -> u64 {
        self.try_add_tag(tag).unwrap_or(0)
    }

    /// [`Project::add_tag`], with an error for a tag that covers no text.
    pub fn try_add_tag(&mut self, tag: Tag) -> Result<u64, TagError> {
        if tag.is_empty() {
            return Err(TagError::BadRange {
                plan_id: tag.plan_id.clone(),
                start: tag.byte_range.start,
                end: tag.byte_range.end,
            });
        }
        Ok(self.insert_tag(tag))
    }

    fn insert_tag(&mut self, mut tag: Tag) -> u64 {
        if tag.coder.is_empty() {
            tag.coder = self.coder.clone();
        }
        if tag.tagged_at.is_empty() {
            tag.tagged_at = utc_timestamp(std::time::SystemTime::now());
        }
        if let Some(t) = self.tags.iter().find(|t| {
            t.theme_id == tag.theme_id
                && t.plan_id == tag.plan_id
                && t.byte_range == tag.byte_range
                && t.coder == tag.coder
        }) {
            return t.tag_id;
        }
        tag.tag_id = self.next_tag_id();
        let id = tag.tag_id;
        self.tags.push(tag);
        id
    }

    /// Remove a tag; returns it.
    pub fn remove_tag(&mut self, tag_id: u64) -> Option<Tag> {
        let i = self.tags.iter().position(|t| t.tag_id == tag_id)?;
        Some(self.tags.remove(i))
    }

    /// Set a tag's memo; false when there is no such tag.
    pub fn set_memo(&mut self, tag_id: u64, memo: &str) -> bool {
        match self.tags.iter_mut().find(|t| t.tag_id == tag_id) {
            Some(t) => {
                t.memo = memo.to_string();
                true
            }
            None => false,
        }
    }

    /// Proposals still open: not rejected and not already tagged with that theme on that measure.
    pub fn open_proposals(&self, proposals: &[Proposal]) -> Vec<Proposal> {
        let rejected: HashSet<(&str, &str)> = self
            .rejected
            .iter()
            .map(|r| (r.theme_id.as_str(), r.measure_id.as_str()))
            .collect();
        let tagged: HashSet<(&str, &str)> = self
            .tags
            .iter()
            .filter_map(|t| Some((t.theme_id.as_str(), t.measure_id.as_deref()?)))
            .collect();
        proposals
            .iter()
            .filter(|p| {
                let key = (p.theme_id.as_str(), p.measure_id.as_str());
                !rejected.contains(&key) && !tagged.contains(&key)
            })
            .cloned()
            .collect()
    }

    /// Accept a proposal: it becomes a tag with origin [`TagOrigin::Rule`]; returns the tag id.
    pub fn accept(&mut self, proposal: &Proposal, corpus: &Corpus) -> Result<u64, TagError> {
        let plan = corpus
            .plans
            .iter()
            .find(|p| p.plan_id == proposal.plan_id)
            .ok_or_else(|| TagError::NotFound(proposal.plan_id.clone()))?;
        let measures = plan.measures();
        let measure = measures
            .iter()
            .find(|m| m.measure_id == proposal.measure_id)
            .ok_or_else(|| TagError::NotFound(proposal.measure_id.clone()))?;
        let mut tag = Tag::for_measure(plan, measure, &proposal.theme_id)?;
        tag.origin = TagOrigin::Rule;
        self.rejected
            .retain(|r| !(r.theme_id == proposal.theme_id && r.measure_id == proposal.measure_id));
        self.try_add_tag(tag)
    }

    /// Accept every open proposal of one theme; returns how many tags were added.
    pub fn accept_all(&mut self, theme_id: &str, proposals: &[Proposal], corpus: &Corpus) -> usize {
        let open: Vec<Proposal> = self
            .open_proposals(proposals)
            .into_iter()
            .filter(|p| p.theme_id == theme_id)
            .collect();
        let before = self.tags.len();
        for p in &open {
            // A proposal for a plan no longer loaded is skipped; it stays open.
            let _ = self.accept(p, corpus);
        }
        self.tags.len() - before
    }

    /// Reject a proposal: it will not be proposed again.
    pub fn reject(&mut self, proposal: &Proposal) {
        let r = Rejection {
            theme_id: proposal.theme_id.clone(),
            measure_id: proposal.measure_id.clone(),
        };
        if !self.rejected.contains(&r) {
            self.rejected.push(r);
        }
    }

    /// Segments for the matrix: tags that are not orphaned.
    pub fn segments(&self) -> Vec<CodedSegment> {
        self.tags
            .iter()
            .filter(|t| !t.orphaned && !t.is_empty())
            .map(Tag::segment)
            .collect()
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

    /// Find every tag again in `corpus` (loaded from the project's documents): a tag whose range
    /// still holds its quote is ok; else its quote is looked for in its plan (the occurrence
    /// nearest the old position; exact text first, then normalised text), then in the other plans
    /// of the same file (a compilation renumbered; quotes of at least [`MIN_JUMP_QUOTE_CHARS`]
    /// characters only), and the tag moves there; else it is flagged
    /// `orphaned` and kept. Measure ids are refreshed. Also reports documents
    /// that changed or went missing since they were hashed.
    ///
    /// Linear: plans are found by id through a map, every plan's text (and its normalised form)
    /// is scanned once for all the quotes looked for in it (Aho–Corasick), and measures are found
    /// by span through a map, so 100,000 orphaned tags cost one pass per plan, not one per tag.
    pub fn reanchor(&mut self, corpus: &Corpus) -> ReanchorReport {
        let mut report = ReanchorReport::default();
        let (changed, missing) = self.check_documents();
        report.changed_documents = changed;
        report.missing_documents = missing;
        let plans = &corpus.plans;
        let by_id: HashMap<&str, usize> = plans
            .iter()
            .enumerate()
            .map(|(i, p)| (p.plan_id.as_str(), i))
            .collect();
        let mut by_stem: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, p) in plans.iter().enumerate() {
            by_stem.entry(file_stem_of(&p.plan_id)).or_default().push(i);
        }
        let mut measures = MeasureSpans::new(plans.len());
        // Pass 1: tags still where they were.
        let mut pending: Vec<usize> = Vec::new();
        for (ti, tag) in self.tags.iter_mut().enumerate() {
            let own = by_id.get(tag.plan_id.as_str()).copied();
            if let Some(pi) = own
                && let Some(plan) = plans.get(pi)
                && plan.original_text().get(tag.byte_range.clone()) == Some(tag.quote.as_str())
            {
                tag.orphaned = false;
                tag.measure_id = measures.at(plans, pi, &tag.byte_range);
                report.ok += 1;
                continue;
            }
            pending.push(ti);
        }
        // Candidate plans of each pending tag, in order: its own plan, then (long quotes only)
        // the other plans of the same file in corpus order.
        let mut candidates: Vec<Vec<usize>> = Vec::with_capacity(pending.len());
        let mut wanted: Vec<Vec<usize>> = vec![Vec::new(); plans.len()];
        for (k, &ti) in pending.iter().enumerate() {
            let Some(tag) = self.tags.get(ti) else {
                candidates.push(Vec::new());
                continue;
            };
            let own = by_id.get(tag.plan_id.as_str()).copied();
            let mut list: Vec<usize> = own.into_iter().collect();
            if tag.quote.chars().count() >= MIN_JUMP_QUOTE_CHARS
                && let Some(same_file) = by_stem.get(file_stem_of(&tag.plan_id))
            {
                list.extend(same_file.iter().copied().filter(|&pi| Some(pi) != own));
            }
            for &pi in &list {
                if let Some(w) = wanted.get_mut(pi) {
                    w.push(k);
                }
            }
            candidates.push(list);
        }
        // One scan per plan for all the quotes looked for in it.
        let mut hits: HashMap<(usize, usize), Range<usize>> = HashMap::new();
        for (pi, ks) in wanted.iter().enumerate() {
            let Some(plan) = plans.get(pi).filter(|_| !ks.is_empty()) else {
                continue;
            };
            let queries: Vec<(&str, usize)> = ks
                .iter()
                .filter_map(|&k| {
                    let tag = self.tags.get(*pending.get(k)?)?;
                    Some((tag.quote.as_str(), tag.byte_range.start))
                })
                .collect();
            for (k, hit) in ks.iter().zip(find_quotes(plan.original_text(), &queries)) {
                if let Some(r) = hit {
                    hits.insert((*k, pi), r);
                }
            }
        }
        for (k, &ti) in pending.iter().enumerate() {
            let found = candidates.get(k).and_then(|list| {
                list.iter()
                    .find_map(|&pi| Some((pi, hits.get(&(k, pi))?.clone())))
            });
            let Some(tag) = self.tags.get_mut(ti) else {
                continue;
            };
            match found.and_then(|(pi, r)| Some((plans.get(pi)?, pi, r))) {
                Some((plan, pi, new)) => {
                    let old = std::mem::replace(&mut tag.byte_range, new.clone());
                    let old_plan_id = (plan.plan_id != tag.plan_id)
                        .then(|| std::mem::replace(&mut tag.plan_id, plan.plan_id.clone()));
                    tag.quote = plan
                        .original_text()
                        .get(new.clone())
                        .unwrap_or_default()
                        .to_string();
                    tag.orphaned = false;
                    tag.measure_id = measures.at(plans, pi, &tag.byte_range);
                    report.moved.push(MovedTag {
                        tag_id: tag.tag_id,
                        old,
                        new,
                        old_plan_id,
                    });
                }
                None => {
                    tag.orphaned = true;
                    report.orphaned.push(tag.tag_id);
                }
            }
        }
        report.moved.sort_by_key(|m| m.tag_id);
        report.orphaned.sort_unstable();
        report
    }

    /// Theme ids that tags use but the codebook does not define, sorted, with how many tags
    /// use each.
    pub fn unknown_themes(&self) -> Vec<(String, usize)> {
        let known: HashSet<&str> = self
            .codebook
            .themes
            .iter()
            .map(|t| t.theme_id.as_str())
            .collect();
        let mut unknown: std::collections::BTreeMap<&str, usize> = Default::default();
        for t in &self.tags {
            if !known.contains(t.theme_id.as_str()) {
                *unknown.entry(t.theme_id.as_str()).or_default() += 1;
            }
        }
        unknown
            .into_iter()
            .map(|(k, n)| (k.to_string(), n))
            .collect()
    }

    /// The codebook plus one theme per unknown theme id its tags use (named
    /// `未知主题 unknown theme: ID`, grey, top level), so that those tags are counted and
    /// exported instead of blocking an export or being silently ignored.
    pub fn codebook_with_unknown_themes(&self) -> Codebook {
        let mut book = self.codebook.clone();
        for (theme_id, _) in self.unknown_themes() {
            book.themes.push(crate::themes::Theme {
                name: format!("{UNKNOWN_THEME_NAME}: {theme_id}"),
                name_en: format!("unknown theme: {theme_id}"),
                color: [0x80, 0x80, 0x80],
                description: "A theme the project's tags use but its codebook does not define."
                    .into(),
                theme_id,
                ..crate::themes::Theme::default()
            });
        }
        book
    }

    /// What is wrong in the project but does not stop it from opening: tags of themes the
    /// codebook lacks, empty tags. Report them to the user after [`Project::load`].
    pub fn problems(&self) -> Vec<ProjectProblem> {
        let mut out: Vec<ProjectProblem> = self
            .unknown_themes()
            .into_iter()
            .map(|(theme_id, tags)| ProjectProblem::UnknownTheme { theme_id, tags })
            .collect();
        let empty: Vec<u64> = self
            .tags
            .iter()
            .filter(|t| t.is_empty())
            .map(|t| t.tag_id)
            .collect();
        if !empty.is_empty() {
            out.push(ProjectProblem::EmptyTags(empty));
        }
        out
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
}

/// Name of the stand-in theme for a theme id the codebook lacks (see
/// [`Project::codebook_with_unknown_themes`]).
pub const UNKNOWN_THEME_NAME: &str = "未知主题 unknown theme";

/// Something wrong in a loaded project that does not stop it from opening.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectProblem {
    /// Tags use a theme the codebook does not define; they are kept and exported under a
    /// stand-in "unknown theme" code.
    #[error(
        "{tags} tag(s) use theme {theme_id:?}, which the codebook does not define (kept; counted and exported as \"{UNKNOWN_THEME_NAME}: {theme_id}\")"
    )]
    UnknownTheme {
        /// The theme id.
        theme_id: String,
        /// Tags using it.
        tags: usize,
    },
    /// Tags that cover no text (kept in the file, left out of exports and counts).
    #[error("{} tag(s) cover no text and are left out of exports: ids {:?}", .0.len(), .0)]
    EmptyTags(Vec<u64>),
}

/// Measure ids by span, per plan, built the first time a plan is asked about.
struct MeasureSpans {
    maps: Vec<Option<HashMap<(usize, usize), String>>>,
}

impl MeasureSpans {
    fn new(plans: usize) -> MeasureSpans {
        MeasureSpans {
            maps: vec![None; plans],
        }
    }

    /// The measure whose span is exactly `range` (relative to the plan's text), if any.
    fn at(&mut self, plans: &[Plan], pi: usize, range: &Range<usize>) -> Option<String> {
        let plan = plans.get(pi)?;
        let slot = self.maps.get_mut(pi)?;
        let map = slot.get_or_insert_with(|| {
            let base = plan.span.start;
            let mut m = HashMap::new();
            for ms in plan.measures() {
                if let (Some(s), Some(e)) = (
                    ms.span.start.checked_sub(base),
                    ms.span.end.checked_sub(base),
                ) {
                    m.entry((s, e)).or_insert_with(|| ms.measure_id.clone());
                }
            }
            m
        });
        map.get(&(range.start, range.end)).cloned()
    }
}

/// For each `(quote, old_start)`: the occurrence of the quote in `text` nearest `old_start`,
/// exact text first, else with both sides normalised (script, width, line breaks, pinyin
/// notes) and mapped back to the original text. One Aho–Corasick scan of `text` (and, if any
/// quote needs it, one normalisation and scan of the normalised text) for all quotes.
fn find_quotes(text: &str, queries: &[(&str, usize)]) -> Vec<Option<Range<usize>>> {
    let exact = nearest_occurrences(text, queries, |start, len| Some(start..start + len));
    let missing: Vec<usize> = (0..queries.len())
        .filter(|&i| exact.get(i).is_none_or(Option::is_none))
        .collect();
    if missing.is_empty() {
        return exact;
    }
    let mut hay = Normalized::default();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        hay.append(&normalize_line(line.trim_end_matches(['\n', '\r']), at));
        at += line.len();
    }
    let needles: Vec<String> = missing
        .iter()
        .map(|&i| {
            queries
                .get(i)
                .map(|(q, _)| crate::normalize::normalize_str(q))
                .unwrap_or_default()
        })
        .collect();
    let norm_queries: Vec<(&str, usize)> = missing
        .iter()
        .zip(&needles)
        .map(|(&i, n)| (n.as_str(), queries.get(i).map_or(0, |q| q.1)))
        .collect();
    let normal = nearest_occurrences(&hay.text, &norm_queries, |start, len| {
        Some(hay.orig_range(start..start + len))
    });
    let mut out = exact;
    for (&i, hit) in missing.iter().zip(normal) {
        let hit = hit.filter(|r| text.get(r.clone()).is_some_and(|s| !s.is_empty()));
        if let Some(slot) = out.get_mut(i) {
            *slot = hit;
        }
    }
    out
}

/// For each `(needle, old)`: among the places `needle` occurs in `hay` (all of them, overlapping
/// ones too), mapped to ranges by `map(start, len)`, the one whose start is nearest `old` (the
/// earlier on a tie).
fn nearest_occurrences(
    hay: &str,
    queries: &[(&str, usize)],
    map: impl Fn(usize, usize) -> Option<Range<usize>>,
) -> Vec<Option<Range<usize>>> {
    let mut pattern_of: HashMap<&str, usize> = HashMap::new();
    let mut patterns: Vec<&str> = Vec::new();
    for (q, _) in queries {
        if !q.is_empty() && !pattern_of.contains_key(q) {
            pattern_of.insert(q, patterns.len());
            patterns.push(q);
        }
    }
    let mut starts: Vec<Vec<usize>> = vec![Vec::new(); patterns.len()];
    if let Ok(ac) = aho_corasick::AhoCorasick::new(&patterns) {
        for m in ac.find_overlapping_iter(hay) {
            if let Some(list) = starts.get_mut(m.pattern().as_usize()) {
                list.push(m.start());
            }
        }
    }
    // Each pattern's occurrences mapped once and sorted by start; each query is then a binary
    // search (many tags often share one quote).
    let ranges: Vec<Vec<Range<usize>>> = starts
        .iter()
        .zip(&patterns)
        .map(|(list, p)| {
            let mut r: Vec<Range<usize>> = list.iter().filter_map(|&s| map(s, p.len())).collect();
            r.sort_by_key(|r| r.start);
            r
        })
        .collect();
    queries
        .iter()
        .map(|(q, old)| {
            let list = ranges.get(*pattern_of.get(q)?)?;
            let i = list.partition_point(|r| r.start < *old);
            let before = i.checked_sub(1).and_then(|j| list.get(j));
            match (before, list.get(i)) {
                (Some(b), Some(a)) if a.start - old < old - b.start => Some(a.clone()),
                (Some(b), _) => Some(b.clone()),
                (None, a) => a.cloned(),
            }
        })
        .collect()
}

/// `time` as `YYYY-MM-DDTHH:MM:SSZ` (UTC), the form [`Tag::tagged_at`] is written in.
pub fn utc_timestamp(time: std::time::SystemTime) -> String {
    let secs = time
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Fewest characters a quote has for its tag to be re-anchored in another plan of its file.
pub const MIN_JUMP_QUOTE_CHARS: usize = 12;

/// `<file stem>` of a `<file stem>#<n>` plan id.
fn file_stem_of(plan_id: &str) -> &str {
    plan_id.rsplit_once('#').map_or(plan_id, |(stem, _)| stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_sits_next_to_the_project_as_a_hidden_file() {
        assert_eq!(
            recovery_path(Some(Path::new("/data/淄博.duizhao.ron"))),
            PathBuf::from("/data/.淄博.duizhao.ron.recovery")
        );
        assert!(recovery_path(None).ends_with("duizhao/recovery.duizhao.ron"));
    }

    #[test]
    fn timestamps_are_utc_iso_dates() {
        use std::time::{Duration, UNIX_EPOCH};
        assert_eq!(utc_timestamp(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        // 2000-02-29 12:34:56 UTC, a leap day.
        let t = UNIX_EPOCH + Duration::from_secs(951_827_696);
        assert_eq!(utc_timestamp(t), "2000-02-29T12:34:56Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_796_083_200);
        assert_eq!(utc_timestamp(t), "2026-12-01T00:00:00Z");
    }

    #[test]
    fn a_quote_is_found_again_nearest_its_old_place() {
        let text = "推进宅基地改革。其他。推进宅基地改革。";
        let second = text.rfind("推进").unwrap();
        let r = find_quotes(text, &[("推进宅基地改革", second + 3)])[0]
            .clone()
            .unwrap();
        assert_eq!(r.start, second);
        // Traditional text finds the simplified quote.
        let r = find_quotes("前言。推進宅基地改革。", &[("推进宅基地改革", 0)])[0]
            .clone()
            .unwrap();
        assert_eq!(&"前言。推進宅基地改革。"[r], "推進宅基地改革");
    }
}
