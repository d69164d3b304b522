//! Loading on a background thread: the corpus first, then its analysis, with progress and cancel;
//! the app swaps the results in when they arrive (and re-anchors a just-opened project's tags on
//! the new corpus).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::mpsc::TryRecvError;
use std::time::Duration;
use std::time::Instant;

use super::{AnalysisState, DuizhaoApp, LoadProgress, LoadState, Loaded};
use crate::corpus::Corpus;
use crate::corpus::load_paths_with_progress;
use crate::matching::Analysis;
use crate::ui::compare_view::CompareView;
use crate::ui::library_panel::Library;
use crate::ui::project_state::ProjectState;

impl DuizhaoApp {
    /// Start loading the corpus on a background thread; `ctx` is asked to repaint when it is done.
    /// Does nothing if loading has already started.
    pub fn start_loading(&mut self, ctx: &egui::Context) {
        if !matches!(self.load, LoadState::Idle) {
            return;
        }
        let (tx, rx) = mpsc::channel();
        let paths = self.paths.clone();
        let repaint = ctx.clone();
        let progress = Arc::new(LoadProgress::default());
        self.progress = Arc::clone(&progress);
        let spawned = std::thread::Builder::new()
            .name("duizhao-load".into())
            .spawn(move || {
                let started = Instant::now();
                let report = |done: usize, total: usize, file: &std::path::Path| {
                    progress.done.store(done, Ordering::Relaxed);
                    progress.total.store(total, Ordering::Relaxed);
                    if let Ok(mut current) = progress.current.lock() {
                        *current = file
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                    }
                    repaint.request_repaint();
                };
                let corpus = Arc::new(load_paths_with_progress(&paths, &report));
                if progress.cancelled.load(Ordering::Relaxed) {
                    return;
                }
                let library = Box::new(Library::new(&corpus));
                // The receiver is gone only if the app was closed meanwhile.
                let sent = tx.send(Loaded::Corpus {
                    corpus: Arc::clone(&corpus),
                    library,
                    took: started.elapsed(),
                });
                repaint.request_repaint();
                if sent.is_err() {
                    return;
                }
                let started = Instant::now();
                let analysis = Arc::new(Analysis::build(&corpus.plans));
                if progress.cancelled.load(Ordering::Relaxed) {
                    return;
                }
                let _ = tx.send(Loaded::Analysis {
                    analysis,
                    took: started.elapsed(),
                });
                repaint.request_repaint();
            });
        self.load = match spawned {
            Ok(_) => {
                self.rx = Some(rx);
                LoadState::Loading {
                    started: Instant::now(),
                }
            }
            Err(e) => LoadState::Failed(format!("cannot start the loader thread: {e}")),
        };
    }

    /// Cancel the load under way: its result is dropped and the plans loaded before (if any)
    /// stay; the files just added are forgotten.
    pub fn cancel_loading(&mut self) {
        if !self.is_loading() {
            return;
        }
        self.progress.cancelled.store(true, Ordering::Relaxed);
        self.rx = None;
        if let Some(previous) = self.previous_paths.take() {
            self.paths = previous;
        }
        self.load = match &self.corpus {
            Some(_) => LoadState::Ready {
                took: Duration::ZERO,
            },
            None => LoadState::Failed("loading was cancelled".into()),
        };
        if self.corpus.is_some() && self.analysis.is_some() {
            self.analysis_state = AnalysisState::Ready {
                took: Duration::ZERO,
            };
        }
    }

    /// Take the corpus and the analysis when the loader sends them.
    pub(super) fn poll_loader(&mut self) {
        let Some(rx) = &self.rx else {
            return;
        };
        loop {
            match rx.try_recv() {
                Ok(Loaded::Corpus {
                    corpus,
                    library,
                    took,
                }) => {
                    let virtual_min = self.library.virtual_min_plans;
                    let old_library = std::mem::replace(&mut self.library, *library);
                    self.library.virtual_min_plans = virtual_min;
                    self.notices = corpus.errors.clone();
                    if self.proj.reanchor_pending {
                        reanchor_on(&mut self.proj, &mut self.notices, &corpus);
                    }
                    if !self.compare_on_load.is_empty() {
                        let mut ids = Vec::new();
                        for key in std::mem::take(&mut self.compare_on_load) {
                            match corpus.find_plan(&key) {
                                Ok(p) => ids.push(p.plan_id.clone()),
                                Err(e) => self.notices.push(e),
                            }
                        }
                        self.settings.compared_plans = ids;
                    }
                    self.compare = CompareView::default();
                    let selected_exists = self
                        .settings
                        .selected_plan
                        .as_deref()
                        .is_some_and(|id| corpus.plans.iter().any(|p| p.plan_id == id));
                    if !selected_exists {
                        self.settings.selected_plan =
                            corpus.plans.first().map(|p| p.plan_id.clone());
                    }
                    let old_corpus = self.corpus.replace(corpus);
                    // Freeing the plans replaced (thousands of them) is left to a thread.
                    drop_elsewhere((old_library, old_corpus));
                    self.data_revision += 1;
                    self.load = LoadState::Ready { took };
                    self.analysis_state = AnalysisState::Pending {
                        started: Instant::now(),
                    };
                }
                Ok(Loaded::Analysis { analysis, took }) => {
                    drop_elsewhere(self.analysis.replace(analysis));
                    self.data_revision += 1;
                    self.analysis_state = AnalysisState::Ready { took };
                }
                Err(TryRecvError::Empty) => return,
                Err(TryRecvError::Disconnected) => {
                    if self.corpus.is_none() {
                        self.load = LoadState::Failed("the loader stopped without a result".into());
                    }
                    if self.analysis.is_none() {
                        self.analysis_state =
                            AnalysisState::Failed("the analysis stopped without a result".into());
                    }
                    self.rx = None;
                    return;
                }
            }
        }
    }
}

/// Drop `value` on a thread of its own (the UI thread goes on drawing); on the spot if no thread
/// can be had.
fn drop_elsewhere<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("duizhao-drop".into())
        .spawn(move || drop(value));
}

/// Re-anchor the project's tags on `corpus` and tell the user what changed (documents
/// changed or missing, tags moved or orphaned): after opening a project and after restoring
/// a recovery file alike.
pub(super) fn reanchor_on(proj: &mut ProjectState, notices: &mut Vec<String>, corpus: &Corpus) {
    proj.reanchor_pending = false;
    let report = proj.project.reanchor(corpus);
    proj.touch_view();
    for p in &report.changed_documents {
        notices.push(format!(
            "{}: changed since the project was saved",
            p.display()
        ));
    }
    for p in &report.missing_documents {
        notices.push(format!("{}: cannot be read", p.display()));
    }
    if !report.moved.is_empty() {
        notices.push(format!(
            "{} tags were found again at a new place in their changed documents",
            report.moved.len()
        ));
    }
    if !report.orphaned.is_empty() {
        notices.push(format!(
            "{} tags lost their text (kept in the project as orphaned; see the Themes view)",
            report.orphaned.len()
        ));
    }
}
