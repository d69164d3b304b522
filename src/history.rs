//! Undo and redo of coding: every action on a project's coding (tag, untag, memo, accept or
//! reject one proposal or all of a theme, theme edits) as an [`Edit`] applied through a
//! [`History`], which can take it back exactly.
//!
//! A step keeps the coding before and after it ([`CodingState`]: codebook, tags, rejections), not
//! an inverse operation: restoring a copy cannot drift from the project the way a hand-written
//! inverse of "accept all" or "delete theme" (children moved up, tags and rejections removed)
//! could, and a project's coding is small (thousands of tags) next to the memory of a session.
//! The documents, pins and view are not coding and are left as they are, so undoing after a save
//! or after scrolling elsewhere only takes back the coding; the history lives in the session, not
//! in the file, and survives saving.
//!
//! Actions that the app applies directly (a panel editing a theme name in place) are recorded
//! afterwards with [`History::record`], which compares the project with the state after the last
//! step. Consecutive edits of the same memo or the same theme's fields (typing) become one step.

use crate::corpus::Corpus;
use crate::project::{Project, Rejection, Tag, TagError};
use crate::themes::{Codebook, Proposal, Theme};

/// Steps kept; older ones are forgotten.
pub const HISTORY_LIMIT: usize = 200;

/// The part of a project that coding actions change.
#[derive(Debug, Clone, PartialEq)]
pub struct CodingState {
    /// The codebook.
    pub codebook: Codebook,
    /// The tags.
    pub tags: Vec<Tag>,
    /// The rejected proposals.
    pub rejected: Vec<Rejection>,
}

impl CodingState {
    /// The coding of `project`.
    pub fn of(project: &Project) -> CodingState {
        CodingState {
            codebook: project.codebook.clone(),
            tags: project.tags.clone(),
            rejected: project.rejected.clone(),
        }
    }

    fn restore(&self, project: &mut Project) {
        project.codebook = self.codebook.clone();
        project.tags = self.tags.clone();
        project.rejected = self.rejected.clone();
    }
}

/// What a step did, for the menu ("Undo tag") and for merging keystrokes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditKind {
    /// Tags added by hand.
    Tag,
    /// Tags removed.
    Untag,
    /// One tag's memo changed.
    Memo(u64),
    /// Proposals accepted (tags of rule origin added).
    Accept,
    /// Proposals rejected.
    Reject,
    /// One theme's fields changed.
    Theme(String),
    /// Themes added, removed or several changed.
    Codebook,
    /// Several kinds at once.
    Mixed,
}

impl EditKind {
    /// Chinese and English label.
    pub fn label(&self) -> (&'static str, &'static str) {
        match self {
            EditKind::Tag => ("标注", "tag"),
            EditKind::Untag => ("取消标注", "untag"),
            EditKind::Memo(_) => ("备注", "memo"),
            EditKind::Accept => ("接受建议", "accept"),
            EditKind::Reject => ("拒绝建议", "reject"),
            EditKind::Theme(_) => ("编辑主题", "theme edit"),
            EditKind::Codebook => ("编辑编码本", "codebook edit"),
            EditKind::Mixed => ("编辑", "edit"),
        }
    }

    /// What changed between two states.
    pub fn between(before: &CodingState, after: &CodingState) -> EditKind {
        let codebook = before.codebook != after.codebook;
        let rejected =
            before.rejected != after.rejected && after.rejected.len() > before.rejected.len();
        let ids = |s: &CodingState| -> Vec<u64> { s.tags.iter().map(|t| t.tag_id).collect() };
        let (old_ids, new_ids) = (ids(before), ids(after));
        let added: Vec<&Tag> = after
            .tags
            .iter()
            .filter(|t| !old_ids.contains(&t.tag_id))
            .collect();
        let removed = before.tags.iter().any(|t| !new_ids.contains(&t.tag_id));
        let memo_of: Vec<u64> = after
            .tags
            .iter()
            .filter(|t| {
                before
                    .tags
                    .iter()
                    .any(|b| b.tag_id == t.tag_id && b.memo != t.memo)
            })
            .map(|t| t.tag_id)
            .collect();
        if codebook {
            let changed: Vec<&Theme> = after
                .codebook
                .themes
                .iter()
                .filter(|t| !before.codebook.themes.contains(t))
                .collect();
            let same_ids = before.codebook.themes.len() == after.codebook.themes.len()
                && before
                    .codebook
                    .themes
                    .iter()
                    .zip(&after.codebook.themes)
                    .all(|(a, b)| a.theme_id == b.theme_id);
            return match changed.as_slice() {
                [one] if same_ids && before.tags == after.tags => {
                    EditKind::Theme(one.theme_id.clone())
                }
                _ => EditKind::Codebook,
            };
        }
        let accepted = !added.is_empty()
            && added
                .iter()
                .all(|t| t.origin == crate::project::TagOrigin::Rule);
        match (!added.is_empty(), removed, memo_of.as_slice(), rejected) {
            (true, false, [], false) if accepted => EditKind::Accept,
            (true, false, [], false) => EditKind::Tag,
            (false, true, [], false) => EditKind::Untag,
            (false, false, [one], false) => EditKind::Memo(*one),
            (false, false, [], true) => EditKind::Reject,
            _ => EditKind::Mixed,
        }
    }
}

/// A coding action.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Add a tag ([`Project::add_tag`]).
    Tag(Tag),
    /// Remove a tag by id.
    Untag(u64),
    /// Remove the tags of a theme on a measure (every coder's).
    UntagMeasure {
        /// The theme.
        theme_id: String,
        /// The measure.
        measure_id: String,
    },
    /// Set a tag's memo.
    Memo {
        /// The tag.
        tag_id: u64,
        /// The new memo.
        memo: String,
    },
    /// Accept one proposal.
    Accept(Proposal),
    /// Accept every open proposal of a theme among these.
    AcceptAll {
        /// The theme.
        theme_id: String,
        /// The proposals (open ones are accepted).
        proposals: Vec<Proposal>,
    },
    /// Reject one proposal.
    Reject(Proposal),
    /// Reject every open proposal of a theme among these.
    RejectAll {
        /// The theme.
        theme_id: String,
        /// The proposals.
        proposals: Vec<Proposal>,
    },
    /// Add a theme, or replace the theme with its id.
    PutTheme(Theme),
    /// Delete a theme: its children move up to its parent; its tags and rejections go.
    DeleteTheme(String),
}

/// Why an edit could not be applied (the project is unchanged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The tag could not be made.
    #[error(transparent)]
    Tag(#[from] TagError),
    /// No tag with that id.
    #[error("no tag {0}")]
    NoTag(u64),
    /// No theme with that id.
    #[error("no theme {0}")]
    NoTheme(String),
    /// Accepting needs the loaded documents.
    #[error("the documents are not loaded")]
    NoCorpus,
}

impl Project {
    /// Apply one coding action. On error the project is unchanged.
    pub fn apply_edit(&mut self, edit: Edit, corpus: Option<&Corpus>) -> Result<(), EditError> {
        match edit {
            Edit::Tag(tag) => {
                self.add_tag(tag);
            }
            Edit::Untag(tag_id) => {
                self.remove_tag(tag_id).ok_or(EditError::NoTag(tag_id))?;
            }
            Edit::UntagMeasure {
                theme_id,
                measure_id,
            } => self.tags.retain(|t| {
                !(t.theme_id == theme_id && t.measure_id.as_deref() == Some(measure_id.as_str()))
            }),
            Edit::Memo { tag_id, memo } => {
                if !self.set_memo(tag_id, &memo) {
                    return Err(EditError::NoTag(tag_id));
                }
            }
            Edit::Accept(p) => {
                self.accept(&p, corpus.ok_or(EditError::NoCorpus)?)?;
            }
            Edit::AcceptAll {
                theme_id,
                proposals,
            } => {
                self.accept_all(&theme_id, &proposals, corpus.ok_or(EditError::NoCorpus)?);
            }
            Edit::Reject(p) => self.reject(&p),
            Edit::RejectAll {
                theme_id,
                proposals,
            } => {
                let open = self.open_proposals(&proposals);
                for p in open.iter().filter(|p| p.theme_id == theme_id) {
                    self.reject(p);
                }
            }
            Edit::PutTheme(theme) => {
                match self
                    .codebook
                    .themes
                    .iter_mut()
                    .find(|t| t.theme_id == theme.theme_id)
                {
                    Some(t) => *t = theme,
                    None => self.codebook.themes.push(theme),
                }
            }
            Edit::DeleteTheme(theme_id) => {
                let pos = self
                    .codebook
                    .themes
                    .iter()
                    .position(|t| t.theme_id == theme_id)
                    .ok_or_else(|| EditError::NoTheme(theme_id.clone()))?;
                let removed = self.codebook.themes.remove(pos);
                for t in &mut self.codebook.themes {
                    if t.parent.as_deref() == Some(theme_id.as_str()) {
                        t.parent = removed.parent.clone();
                    }
                }
                self.tags.retain(|t| t.theme_id != theme_id);
                self.rejected.retain(|r| r.theme_id != theme_id);
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
struct Step {
    kind: EditKind,
    before: CodingState,
    after: CodingState,
}

/// The undo and redo stacks of a session.
#[derive(Debug, Clone)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// The coding after the last step (or at the start).
    base: CodingState,
}

impl History {
    /// A history starting at `project`'s coding.
    pub fn new(project: &Project) -> History {
        History {
            undo: Vec::new(),
            redo: Vec::new(),
            base: CodingState::of(project),
        }
    }

    /// Forget everything and start at `project`'s coding (another project was opened).
    pub fn reset(&mut self, project: &Project) {
        *self = History::new(project);
    }

    /// Take the project's coding as it is now without making it a step (tags moved by
    /// re-anchoring are not something to undo).
    pub fn rebase(&mut self, project: &Project) {
        self.base = CodingState::of(project);
    }

    /// Apply `edit` to `project` as one undoable step.
    pub fn apply(
        &mut self,
        project: &mut Project,
        edit: Edit,
        corpus: Option<&Corpus>,
    ) -> Result<(), EditError> {
        // Changes made outside the history first become their own step.
        self.record(project);
        project.apply_edit(edit, corpus)?;
        self.record(project);
        Ok(())
    }

    /// Record whatever changed in `project`'s coding since the last step as a new step (nothing
    /// changed: nothing recorded). Consecutive edits of the same memo or theme merge. Returns
    /// whether a step was recorded or extended.
    pub fn record(&mut self, project: &Project) -> bool {
        let now = CodingState::of(project);
        if now == self.base {
            return false;
        }
        let kind = EditKind::between(&self.base, &now);
        let merge = matches!(kind, EditKind::Memo(_) | EditKind::Theme(_))
            && self.redo.is_empty()
            && self.undo.last().is_some_and(|s| s.kind == kind);
        self.redo.clear();
        match self.undo.last_mut() {
            Some(last) if merge => last.after = now.clone(),
            _ => {
                self.undo.push(Step {
                    kind,
                    before: std::mem::replace(&mut self.base, now.clone()),
                    after: now.clone(),
                });
                if self.undo.len() > HISTORY_LIMIT {
                    self.undo.remove(0);
                }
            }
        }
        self.base = now;
        true
    }

    /// Take back the last step; returns what it was, or `None` when there is nothing to undo.
    pub fn undo(&mut self, project: &mut Project) -> Option<EditKind> {
        self.record(project);
        let step = self.undo.pop()?;
        step.before.restore(project);
        self.base = step.before.clone();
        let kind = step.kind.clone();
        self.redo.push(step);
        Some(kind)
    }

    /// Do again the last step undone.
    pub fn redo(&mut self, project: &mut Project) -> Option<EditKind> {
        if CodingState::of(project) != self.base {
            // Something new was done since the undo: the redo stack no longer applies.
            self.record(project);
            return None;
        }
        let step = self.redo.pop()?;
        step.after.restore(project);
        self.base = step.after.clone();
        let kind = step.kind.clone();
        self.undo.push(step);
        Some(kind)
    }

    /// What undo would take back.
    pub fn undo_kind(&self) -> Option<&EditKind> {
        self.undo.last().map(|s| &s.kind)
    }

    /// What redo would do again.
    pub fn redo_kind(&self) -> Option<&EditKind> {
        self.redo.last().map(|s| &s.kind)
    }

    /// Steps that can be undone.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }
}
