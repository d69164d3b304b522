//! The open project in the app: the [`Project`] (codebook, tags, pins, view), where it is saved,
//! whether it has unsaved changes, the autosave to its recovery file, and the tagging commands.
//!
//! Losing hours of coding is the worst failure this product can have, so: saves are atomic
//! ([`Project::save`]); every 60 s and on exit unsaved changes go to the recovery file
//! ([`crate::project::recovery_path`]); replacing a project with unsaved changes (new, open)
//! first writes them to its recovery file; the next start offers a recovery file newer than its
//! project.

use std::path::{Path, PathBuf};

use crate::corpus::Corpus;
use crate::history::{EditKind, History};
use crate::project::{self, Project, ProjectError, TagError};
use crate::tag_edit;
use crate::themes::{Codebook, bundled_codebooks};

use super::settings::Language;
use super::tagging::CodingView;

/// Seconds between autosaves of unsaved changes.
pub const AUTOSAVE_SECONDS: f64 = 60.0;
/// Recent projects remembered.
pub const MAX_RECENT: usize = 8;

/// The project and its bookkeeping.
#[derive(Debug)]
pub struct ProjectState {
    /// The project.
    pub project: Project,
    /// Where it is saved (`None`: never saved).
    pub path: Option<PathBuf>,
    /// Changed since the last save.
    pub dirty: bool,
    /// Themes and tags as the views show them (rebuilt when stale).
    coding: CodingView,
    coding_for: Option<(u64, Language)>,
    /// Bumped on every change, so views can tell when to rebuild.
    generation: u64,
    /// When the recovery file was last written (input time, seconds).
    last_autosave: f64,
    /// A recovery file found at start, offered to the user.
    pub recovery_offer: Option<PathBuf>,
    /// The project file the offered recovery file belongs to (`None`: an unsaved project).
    recovery_for: Option<PathBuf>,
    /// Tags to re-anchor once the corpus of a just-opened project has loaded.
    pub reanchor_pending: bool,
    /// Undo and redo of the coding in this session (survives saves; reset when another
    /// project is opened).
    history: History,
    /// The Agreement window.
    pub agreement_view: super::agreement_view::AgreementView,
}

impl Default for ProjectState {
    fn default() -> Self {
        let project = Project::new(default_codebook());
        ProjectState {
            history: History::new(&project),
            agreement_view: Default::default(),
            project,
            path: None,
            dirty: false,
            coding: CodingView::default(),
            coding_for: None,
            generation: 0,
            last_autosave: 0.0,
            recovery_offer: None,
            recovery_for: None,
            reanchor_pending: false,
        }
    }
}

/// The codebook a new project starts with: the urban-rural integration tasks.
pub fn default_codebook() -> Codebook {
    bundled_codebooks()
        .into_iter()
        .next()
        .map(|(_, c)| c)
        .unwrap_or_default()
}

impl ProjectState {
    /// Record a change (tags, codebook, memo): unsaved, views to rebuild, one undo step.
    pub fn touch(&mut self) {
        self.history.record(&self.project);
        self.dirty = true;
        self.generation += 1;
    }

    /// The views must rebuild (tags moved by re-anchoring) without the project counting as
    /// changed by the user (nor the move being an undo step).
    pub fn touch_view(&mut self) {
        self.history.rebase(&self.project);
        self.generation += 1;
    }

    /// The coder whose name new tags carry (from the settings).
    pub fn set_coder(&mut self, coder: &str) {
        if self.project.coder != coder {
            self.project.coder = coder.to_owned();
        }
    }

    /// Take back the last coding step; what it was, if anything.
    pub fn undo(&mut self) -> Option<EditKind> {
        let kind = self.history.undo(&mut self.project)?;
        self.dirty = true;
        self.generation += 1;
        Some(kind)
    }

    /// Do again the last step undone.
    pub fn redo(&mut self) -> Option<EditKind> {
        let kind = self.history.redo(&mut self.project)?;
        self.dirty = true;
        self.generation += 1;
        Some(kind)
    }

    /// The history (what undo and redo would do).
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Another project replaced the current one: a fresh history, the same coder.
    fn replaced(&mut self, coder: String) {
        self.project.coder = coder;
        self.history.reset(&self.project);
    }

    /// A number that changes whenever the project does.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The themes and tags for the views, rebuilt if the project or language changed.
    pub fn coding(&mut self, lang: Language) -> &CodingView {
        if self.coding_for != Some((self.generation, lang)) {
            self.coding = CodingView::build(&self.project, lang);
            self.coding_for = Some((self.generation, lang));
        }
        &self.coding
    }

    /// Tag measure `measure_index` of plan `plan_id` with `theme_id` ([`tag_edit::tag_measure`]).
    pub fn tag_measure(
        &mut self,
        corpus: &Corpus,
        plan_id: &str,
        measure_index: usize,
        theme_id: &str,
    ) -> Result<u64, TagError> {
        let id =
            tag_edit::tag_measure(&mut self.project, corpus, plan_id, measure_index, theme_id)?;
        self.touch();
        Ok(id)
    }

    /// Tag (or untag, with `remove`) the passage `byte_range` of plan `plan_id`'s own text
    /// ([`tag_edit::tag_span`]).
    pub fn tag_span(
        &mut self,
        corpus: &Corpus,
        plan_id: &str,
        byte_range: std::ops::Range<usize>,
        theme_id: &str,
        remove: bool,
    ) -> Result<(), TagError> {
        if tag_edit::tag_span(
            &mut self.project,
            corpus,
            plan_id,
            byte_range,
            theme_id,
            remove,
        )? {
            self.touch();
        }
        Ok(())
    }

    /// Remove the `theme_id` tags of a measure; returns how many were removed.
    pub fn untag_measure(
        &mut self,
        corpus: &Corpus,
        plan_id: &str,
        measure_index: usize,
        theme_id: &str,
    ) -> usize {
        let Some(measure_id) = corpus
            .plans
            .iter()
            .find(|p| p.plan_id == plan_id)
            .and_then(|p| {
                p.measures()
                    .get(measure_index)
                    .map(|m| m.measure_id.clone())
            })
        else {
            return 0;
        };
        let before = self.project.tags.len();
        self.project.tags.retain(|t| {
            !(t.theme_id == theme_id && t.measure_id.as_deref() == Some(measure_id.as_str()))
        });
        let removed = before - self.project.tags.len();
        if removed > 0 {
            self.touch();
        }
        removed
    }

    /// Save to `path` (atomic): record the documents and view first; clears the dirty flag and
    /// the recovery file on success.
    pub fn save_to(
        &mut self,
        path: &Path,
        documents: &[PathBuf],
        view: project::ViewState,
    ) -> Result<(), ProjectError> {
        let mut project = self.project.clone();
        project.view = view;
        project.documents.clear();
        for d in documents {
            project.add_document(d)?;
        }
        project.save(path)?;
        project.coder = std::mem::take(&mut self.project.coder);
        self.project = project;
        if self.dirty {
            let _ = project::discard_recovery(self.path.as_deref());
        }
        let _ = project::discard_recovery(Some(path));
        self.path = Some(path.to_path_buf());
        self.dirty = false;
        Ok(())
    }

    /// Replace the project by the one at `path` (unsaved changes of the current one go to its
    /// recovery file first). Returns where those changes were kept, if anywhere.
    pub fn open(&mut self, path: &Path) -> Result<Option<PathBuf>, ProjectError> {
        let loaded = Project::load(path)?;
        let kept = self.keep_unsaved()?;
        let coder = std::mem::take(&mut self.project.coder);
        self.project = loaded;
        self.replaced(coder);
        self.path = Some(path.to_path_buf());
        self.dirty = false;
        self.generation += 1;
        self.reanchor_pending = true;
        Ok(kept)
    }

    /// Start a new project with the default codebook (unsaved changes kept as with `open`).
    pub fn new_project(&mut self) -> Result<Option<PathBuf>, ProjectError> {
        let kept = self.keep_unsaved()?;
        let coder = std::mem::take(&mut self.project.coder);
        self.project = Project::new(default_codebook());
        self.replaced(coder);
        self.path = None;
        self.dirty = false;
        self.generation += 1;
        Ok(kept)
    }

    /// Restore the offered recovery file as the current project (unsaved, so the user saves it).
    pub fn restore(&mut self, recovery: &Path) -> Result<(), ProjectError> {
        let loaded = Project::load(recovery)?;
        let coder = std::mem::take(&mut self.project.coder);
        self.project = loaded;
        self.replaced(coder);
        self.touch();
        self.reanchor_pending = true;
        self.recovery_offer = None;
        Ok(())
    }

    /// Write unsaved changes to the recovery file; `None` if there were none.
    fn keep_unsaved(&mut self) -> Result<Option<PathBuf>, ProjectError> {
        if !self.dirty {
            return Ok(None);
        }
        self.project.save_recovery(self.path.as_deref()).map(Some)
    }

    /// Autosave to the recovery file when there are unsaved changes and `AUTOSAVE_SECONDS` have
    /// passed (or always, with `force`, on exit). Returns an error to show, if writing failed.
    pub fn autosave(&mut self, now: f64, force: bool) -> Option<String> {
        if !self.dirty || (!force && now - self.last_autosave < AUTOSAVE_SECONDS) {
            return None;
        }
        self.last_autosave = now;
        self.project
            .save_recovery(self.path.as_deref())
            .err()
            .map(|e| e.to_string())
    }

    /// Look for a recovery file for the project at `path` (or the unsaved one).
    pub fn check_recovery(&mut self, path: Option<&Path>) {
        self.recovery_offer = project::find_recovery(path);
        self.recovery_for = path.map(Path::to_path_buf);
    }

    /// The user declined the recovery file offered: remove it ([`project::discard_recovery`])
    /// and stop offering it.
    pub fn discard_recovery_offer(&mut self) -> Result<(), ProjectError> {
        self.recovery_offer = None;
        project::discard_recovery(self.recovery_for.as_deref())
    }
}

/// Ctrl+Z undoes and Ctrl+Shift+Z (or Ctrl+Y) redoes a coding step, unless a text field has
/// the keyboard (it has its own undo); also keeps the coder name of the settings on new tags.
pub fn undo_shortcuts(ctx: &egui::Context, proj: &mut ProjectState, coder: &str) {
    proj.set_coder(coder);
    if ctx.egui_wants_keyboard_input() {
        return;
    }
    let (redo, redo_y, undo) = ctx.input_mut(|i| {
        (
            i.consume_key(
                egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
                egui::Key::Z,
            ),
            i.consume_key(egui::Modifiers::COMMAND, egui::Key::Y),
            i.consume_key(egui::Modifiers::COMMAND, egui::Key::Z),
        )
    });
    if redo || redo_y {
        proj.redo();
    } else if undo {
        proj.undo();
    }
}

/// Undo / Redo entries (with what they would do) and the coder name, for the File menu.
pub fn coding_menu_ui(
    ui: &mut egui::Ui,
    proj: &mut ProjectState,
    coder: &mut String,
    lang: Language,
) {
    ui.separator();
    let label = |k: Option<&EditKind>| {
        k.map(|k| {
            let (zh, en) = k.label();
            lang.pick(zh, en).to_owned()
        })
    };
    let undo = label(proj.history().undo_kind());
    let text = match &undo {
        Some(w) => format!("{}：{w}", lang.pick("撤销", "Undo")),
        None => lang.pick("撤销", "Undo").to_owned(),
    };
    if ui
        .add_enabled(
            undo.is_some(),
            egui::Button::new(text).shortcut_text("Ctrl+Z"),
        )
        .clicked()
    {
        proj.undo();
    }
    let redo = label(proj.history().redo_kind());
    let text = match &redo {
        Some(w) => format!("{}：{w}", lang.pick("重做", "Redo")),
        None => lang.pick("重做", "Redo").to_owned(),
    };
    if ui
        .add_enabled(
            redo.is_some(),
            egui::Button::new(text).shortcut_text("Ctrl+Shift+Z"),
        )
        .clicked()
    {
        proj.redo();
    }
    if ui
        .button(lang.pick("编码者一致性…", "Coder agreement…"))
        .clicked()
    {
        proj.agreement_view.open = true;
        ui.close();
    }
    ui.horizontal(|ui| {
        ui.label(lang.pick("编码者", "Coder"));
        ui.add(
            egui::TextEdit::singleline(coder)
                .desired_width(120.0)
                .hint_text(lang.pick("您的名字", "your name")),
        )
        .on_hover_text(lang.pick(
            "新标注记录编码者与时间；合并同事的项目后可计算一致性",
            "New tags record their coder and time; merge colleagues' projects to measure agreement",
        ));
    });
}

/// Put `path` first in the recent list, without duplicates, at most [`MAX_RECENT`].
pub fn remember_recent(recent: &mut Vec<PathBuf>, path: &Path) {
    recent.retain(|p| p != path);
    recent.insert(0, path.to_path_buf());
    recent.truncate(MAX_RECENT);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_projects_are_unique_newest_first_and_bounded() {
        let mut recent = Vec::new();
        for k in 0..12 {
            remember_recent(&mut recent, Path::new(&format!("/p/{k}.duizhao.ron")));
        }
        remember_recent(&mut recent, Path::new("/p/5.duizhao.ron"));
        assert_eq!(recent.len(), MAX_RECENT);
        assert_eq!(recent[0], Path::new("/p/5.duizhao.ron"));
        assert_eq!(
            recent
                .iter()
                .filter(|p| p.ends_with("5.duizhao.ron"))
                .count(),
            1
        );
    }
}
