//! [`ViewContext`]: what every view reads, handed down by the app once per frame.
//!
//! Near-leaf (it imports only [`super::settings`] and the [`CodingView`] of [`super::tagging`],
//! never the app or a view): views take a `&ViewContext` and push their wishes as
//! [`super::command::UiCommand`]s into `out: &mut Vec<UiCommand>`, so no view reaches into the
//! app or into another view. Caches key on [`ViewContext::revision`], a counter the app bumps on
//! every change of the corpus, the analysis or the project — never on an address, which a freed
//! and reallocated corpus can reuse.

use std::sync::Arc;

use crate::corpus::Corpus;
use crate::matching::Analysis;
use crate::project::Project;

use super::settings::{Language, Settings};
use super::tagging::CodingView;

/// The data a view draws from, borrowed for one frame.
#[derive(Clone, Copy)]
pub struct ViewContext<'a> {
    /// The loaded plans (`None` while the first load runs).
    pub corpus: Option<&'a Arc<Corpus>>,
    /// Their analysis: shared and unique measures (`None` while it is built).
    pub analysis: Option<&'a Arc<Analysis>>,
    /// The project: codebook, tags, pins.
    pub project: &'a Project,
    /// The project's themes and which measures carry them, when the app built them this frame
    /// (`None` otherwise: building needs the project state mutably, so the compare view, which
    /// needs them, still takes them apart).
    pub coding: Option<&'a CodingView>,
    /// The persisted settings.
    pub settings: &'a Settings,
    /// The interface language.
    pub language: Language,
    /// Bumped whenever the corpus, the analysis or the project changes: the key for caches of
    /// anything drawn from the project.
    pub revision: u64,
    /// Bumped whenever the corpus or its analysis changes (not on project edits): the key for
    /// caches drawn from the documents alone, so tagging does not rebuild them.
    pub corpus_revision: u64,
}

/// What [`ViewContext::revision`] is made of: the app's count of corpus and analysis swaps plus
/// the project's own generation. Both only grow, so their sum changes whenever either does.
pub fn revision(data_revision: u64, project_generation: u64) -> u64 {
    data_revision.wrapping_add(project_generation)
}
