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

use std::collections::HashSet;
use std::ops::Range;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

mod anchor;
mod file;
mod recovery;

pub use anchor::{MIN_JUMP_QUOTE_CHARS, MovedTag, ReanchorReport};
pub use file::{ProjectError, file_sha256};
pub use recovery::{discard_recovery, find_recovery, recovery_path};

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

impl Project {
    /// An empty project with a codebook.
    pub fn new(codebook: Codebook) -> Project {
        Project {
            codebook,
            ..Project::default()
        }
    }

    /// Paths of the documents (to load a corpus from).
    pub fn document_paths(&self) -> Vec<PathBuf> {
        self.documents.iter().map(|d| d.path.clone()).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
