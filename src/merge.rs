//! Merging a colleague's project into yours: the team workflow of coders who each code their own
//! copy of the same documents and then bring the tags together to measure agreement
//! ([`crate::agreement`]) and reconcile.
//!
//! Shaped around "nothing dropped":
//! - documents are the same when their content hashes are (whatever their names or folders);
//!   their plan and measure ids are rewritten to ours, because ids derive from the file name;
//!   documents only the colleague has are added;
//! - every tag of theirs is kept, with its coder (a tag without a coder, from before coders
//!   were recorded, is attributed to a name the caller gives, by default their file's name), so
//!   two coders' tags on the same passage both stay; only a tag identical to one we already have
//!   (same coder, theme, plan and range) is not added twice, which makes merging idempotent;
//! - where the two sides differ on the same thing (a memo of the same tag, a theme's name or
//!   parent, a document of the same name with other content), ours is kept and the difference is
//!   listed as a [`MergeConflict`]; a memo keeps both texts;
//! - a file that is not a project, is damaged or is from a newer duizhao is refused by
//!   [`Project::load`] before anything changes ([`merge_files`]).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::project::{Project, ProjectError, Rejection};

/// Separator between our memo and theirs when both wrote one on the same tag.
pub const MEMO_SEPARATOR: &str = "\n—— ";

/// Something the two projects disagree on; ours was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeConflict {
    /// The same tag (coder, theme, plan, range) carries different memos: both are kept, ours
    /// first.
    Memo {
        /// Our tag's id.
        tag_id: u64,
        /// Our memo.
        ours: String,
        /// Their memo.
        theirs: String,
    },
    /// A theme differs in a field (name, colour, description, parent): ours kept.
    Theme(crate::themes::MergeConflict),
    /// A document of the same file name has other content (another version of the document):
    /// theirs is added as a document of its own; their tags on it stay with it.
    DocumentVersion {
        /// The file name.
        name: String,
        /// Our content hash.
        ours: String,
        /// Theirs.
        theirs: String,
    },
}

impl std::fmt::Display for MergeConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MergeConflict::Memo {
                tag_id,
                ours,
                theirs,
            } => write!(
                f,
                "tag {tag_id}: memos differ (kept both): ours {ours:?}, theirs {theirs:?}"
            ),
            MergeConflict::Theme(c) => write!(
                f,
                "theme {}: {} differs (kept ours): ours {:?}, theirs {:?}",
                c.theme_id, c.field, c.ours, c.theirs
            ),
            MergeConflict::DocumentVersion { name, ours, theirs } => write!(
                f,
                "{name}: another version of the document (ours {}…, theirs {}…); theirs added as a document of its own",
                ours.get(..12).unwrap_or(ours),
                theirs.get(..12).unwrap_or(theirs)
            ),
        }
    }
}

/// What a merge did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Their documents that are ours too (same content hash).
    pub documents_matched: usize,
    /// Their documents we did not have, now added.
    pub documents_added: Vec<PathBuf>,
    /// Their tags added.
    pub tags_added: usize,
    /// Their tags we already had (identical coder, theme, plan and range).
    pub tags_present: usize,
    /// The coders of their tags, sorted.
    pub coders: Vec<String>,
    /// Their tags without a coder, attributed to the name given.
    pub tags_attributed: usize,
    /// Themes of theirs we did not have, now added.
    pub themes_added: usize,
    /// Rejected proposals of theirs we did not have.
    pub rejections_added: usize,
    /// Differences, ours kept.
    pub conflicts: Vec<MergeConflict>,
}

impl MergeReport {
    /// A few lines for the terminal or a notice.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{} documents matched by content, {} added; {} tags added ({} already present) from coders {}; {} themes and {} rejections added",
            self.documents_matched,
            self.documents_added.len(),
            self.tags_added,
            self.tags_present,
            if self.coders.is_empty() {
                "-".to_owned()
            } else {
                self.coders.join(", ")
            },
            self.themes_added,
            self.rejections_added,
        );
        if self.tags_attributed > 0 {
            out.push_str(&format!(
                "\n{} tags without a coder attributed to their file's coder name",
                self.tags_attributed
            ));
        }
        if !self.conflicts.is_empty() {
            out.push_str(&format!(
                "\n{} conflicts (ours kept):",
                self.conflicts.len()
            ));
            for c in &self.conflicts {
                out.push_str(&format!("\n  {c}"));
            }
        }
        out
    }
}

/// Why a merge was refused. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// One of the files could not be read as a project.
    #[error(transparent)]
    Load(#[from] ProjectError),
    /// Both names are the same file.
    #[error("{0}: cannot merge a project into itself")]
    SameFile(PathBuf),
}

/// `<file stem>` of a `<file stem>#<n>` plan id.
fn stem_of(plan_id: &str) -> &str {
    plan_id.rsplit_once('#').map_or(plan_id, |(stem, _)| stem)
}

/// The file stem plan ids of a document are made of.
fn doc_stem(path: &Path) -> String {
    path.file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "plan".into())
}

/// `id` with its leading `from` stem (before `#`) replaced by `to`.
fn restem(id: &str, from: &str, to: &str) -> String {
    match id.strip_prefix(from) {
        Some(rest) if rest.starts_with('#') => format!("{to}{rest}"),
        _ => id.to_owned(),
    }
}

impl Project {
    /// Merge `theirs` into this project (see the module documentation). `their_coder` names
    /// the coder of their tags that carry none (tags from before coders were recorded).
    pub fn merge_from(&mut self, theirs: &Project, their_coder: &str) -> MergeReport {
        let mut report = MergeReport::default();
        // Documents: same content = same document; their stems map to ours.
        let mut stem_map: HashMap<String, String> = HashMap::new();
        for d in &theirs.documents {
            let their_stem = doc_stem(&d.path);
            if let Some(ours) = self.documents.iter().find(|o| o.sha256 == d.sha256) {
                report.documents_matched += 1;
                stem_map.insert(their_stem, doc_stem(&ours.path));
                continue;
            }
            if let Some(same_name) = self
                .documents
                .iter()
                .find(|o| o.path.file_name() == d.path.file_name())
            {
                report.conflicts.push(MergeConflict::DocumentVersion {
                    name: d
                        .path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    ours: same_name.sha256.clone(),
                    theirs: d.sha256.clone(),
                });
            }
            if !self.documents.iter().any(|o| o.path == d.path) {
                self.documents.push(d.clone());
                report.documents_added.push(d.path.clone());
            }
        }
        // Codebook: ours kept, theirs added, differences listed.
        let before = self.codebook.themes.len();
        let (book, theme_conflicts) = self.codebook.merge(&theirs.codebook);
        self.codebook = book;
        report.themes_added = self.codebook.themes.len() - before;
        report
            .conflicts
            .extend(theme_conflicts.into_iter().map(MergeConflict::Theme));
        // Tags.
        let mut coders = HashSet::new();
        let mut next_id = self.tags.iter().map(|o| o.tag_id).max().unwrap_or(0) + 1;
        for t in &theirs.tags {
            let mut tag = t.clone();
            let stem = stem_of(&t.plan_id).to_owned();
            if let Some(to) = stem_map.get(&stem) {
                tag.plan_id = restem(&t.plan_id, &stem, to);
                tag.measure_id = t.measure_id.as_deref().map(|m| restem(m, &stem, to));
            }
            if tag.coder.is_empty() {
                tag.coder = their_coder.to_owned();
                report.tags_attributed += 1;
            }
            coders.insert(tag.coder.clone());
            let same = self.tags.iter_mut().find(|o| {
                o.theme_id == tag.theme_id
                    && o.plan_id == tag.plan_id
                    && o.byte_range == tag.byte_range
                    && o.coder == tag.coder
            });
            match same {
                Some(ours) => {
                    report.tags_present += 1;
                    let already = ours.memo == tag.memo
                        || tag.memo.is_empty()
                        || ours.memo.split(MEMO_SEPARATOR).any(|m| m == tag.memo);
                    if !already {
                        report.conflicts.push(MergeConflict::Memo {
                            tag_id: ours.tag_id,
                            ours: ours.memo.clone(),
                            theirs: tag.memo.clone(),
                        });
                        ours.memo = if ours.memo.is_empty() {
                            tag.memo
                        } else {
                            format!("{}{MEMO_SEPARATOR}{}", ours.memo, tag.memo)
                        };
                    }
                }
                None => {
                    tag.tag_id = next_id;
                    next_id += 1;
                    self.tags.push(tag);
                    report.tags_added += 1;
                }
            }
        }
        report.coders = coders.into_iter().collect();
        report.coders.sort();
        // Rejections: theirs too (a proposal either coder said no to stays closed).
        for r in &theirs.rejected {
            let stem = stem_of(&r.measure_id).to_owned();
            let r = Rejection {
                theme_id: r.theme_id.clone(),
                measure_id: stem_map.get(&stem).map_or_else(
                    || r.measure_id.clone(),
                    |to| restem(&r.measure_id, &stem, to),
                ),
            };
            if !self.rejected.contains(&r) {
                self.rejected.push(r);
                report.rejections_added += 1;
            }
        }
        report
    }
}

/// Load `ours` and `theirs` and merge; neither file is written. Refused (nothing changed) when
/// either is not a readable project or both are the same file. Their tags without a coder are
/// attributed to their file's name (`王.duizhao.ron` → `王`).
pub fn merge_files(ours: &Path, theirs: &Path) -> Result<(Project, MergeReport), MergeError> {
    let same = match (std::fs::canonicalize(ours), std::fs::canonicalize(theirs)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let mut project = Project::load(ours)?;
    let other = Project::load(theirs)?;
    if same {
        return Err(MergeError::SameFile(theirs.to_path_buf()));
    }
    let report = project.merge_from(&other, &coder_label(theirs));
    Ok((project, report))
}

/// The coder name given to a colleague's untagged-by-coder tags: their project file's name
/// without the project extension.
pub fn coder_label(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.strip_suffix(crate::project::PROJECT_EXTENSION)
        .unwrap_or(&name)
        .to_owned()
}
