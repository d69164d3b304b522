//! The codebook panel: the themes as a tree, an editor for the theme selected (names, colour,
//! description, parent, rules with their hit counts live), codebook actions (bundled codebooks,
//! import, export) and the review of the rules' open proposals for the theme.
//!
//! The panel edits the [`Project`] it is given and reports what happened in a [`ThemesOutcome`]:
//! `changed` for the app's dirty flag, a [`UiCommand`] to focus a measure, and a
//! [`ThemesRequest`] for what needs the app (file dialogs). Rules run over a [`CodingIndex`] built
//! once per corpus and cached here; hit counts are cached per rule and proposals per codebook, so
//! a frame without edits runs no rule at all. At scale nothing of this runs on the UI thread: the
//! index (with the codebook's hit counts) is a background [`Job`], prefetched once the corpus is
//! read; hit counts missing after an edit are counted on a background job (`…` until then), and
//! so are the proposals of edited rules (a spinner until then).

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

use egui::text::{LayoutJob, TextWrapping};
use egui::{Color32, Sense, TextFormat};

use crate::codebook_edit::{
    delete_theme, format_terms, new_theme, parse_terms, term_ranges, would_cycle,
};
use crate::corpus::Corpus;
use crate::project::Project;
use crate::themes::bundled_codebooks;
use crate::themes::{Codebook, CodingIndex, MergeConflict, Proposal, Rule, Theme};

use super::command::UiCommand;
use super::jobs::{Job, computing_ui};
use super::settings::Language;

/// Lines of a proposal's text shown (the list is virtualised, so rows have one height; longer
/// text ends in … and shows whole on hover).
const PROPOSAL_LINES: usize = 3;
/// Height of one proposal row: [`PROPOSAL_LINES`] lines of body text and a gap.
const PROPOSAL_ROW: f32 = 3.0 * 20.0 + 8.0;

/// What the themes panel asks of the app besides a [`UiCommand`]: things that need a file dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemesRequest {
    /// Ask for a codebook RON file, read it with [`Codebook::load`] and pass it to
    /// [`ThemesPanel::load_codebook`] with this mode (errors: show them to the user).
    ImportCodebook(LoadMode),
    /// Ask for a path and write `project.codebook` there with [`Codebook::save`].
    ExportCodebook,
}

/// How a codebook is brought into the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadMode {
    /// The project's codebook is replaced (tags of themes that are gone stay, uncounted).
    Replace,
    /// Merged into the project's codebook by theme id ([`Codebook::merge`]); ours wins conflicts.
    Merge,
}

/// What one frame of the panel did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemesOutcome {
    /// The project (codebook, tags or rejections) was modified: mark it dirty.
    pub changed: bool,
    /// A click asks the app to show a measure.
    pub command: Option<UiCommand>,
    /// Something the app must do (file dialogs).
    pub request: Option<ThemesRequest>,
}

/// The index and lookups of one corpus.
struct CorpusCache {
    key: (u64, usize),
    index: Arc<CodingIndex>,
    /// `measure_id` → (plan index, index within the plan's `measures()`).
    measure_pos: HashMap<String, (usize, usize)>,
    /// Hit counts of the codebook's themes when the index was asked for (counted on the same
    /// thread: a pass over every measure per theme, seconds at 10,000 plans).
    theme_hits: Vec<(Vec<Rule>, usize)>,
}

/// Edit buffers of the selected theme's rules: `[any, all, none]` as typed.
#[derive(Debug, Default)]
struct RuleBuffers {
    theme_id: String,
    rules: Vec<[String; 3]>,
}

/// The themes panel's state.
#[derive(Default)]
pub struct ThemesPanel {
    /// The [`super::context::ViewContext::corpus_revision`] last drawn with: the caches' key, not the corpus's
    /// address (a freed and reallocated corpus can reuse that).
    corpus_revision: u64,
    selected: Option<String>,
    /// The coding index of the corpus, built on a background thread for big corpora.
    cache: Job<(u64, usize), CorpusCache>,
    /// The key of the corpus last drawn, and the one the hit counts and proposals belong to.
    cache_key: Option<(u64, usize)>,
    hits_for: Option<(u64, usize)>,
    rule_hits: HashMap<Rule, usize>,
    theme_hits: HashMap<Vec<Rule>, usize>,
    /// Proposals of the codebook's rules, keyed by the rules and the corpus (a background job
    /// at scale: they are re-run after every edit of a rule).
    proposals: Job<u64, Vec<Proposal>>,
    proposals_key: Option<u64>,
    /// Hit counts asked for in this frame and not cached: counted on `counting` after it.
    wanted_rules: Vec<Rule>,
    wanted_themes: Vec<Vec<Rule>>,
    /// The hit counts being counted (rule lists of themes, single rules), keyed by what was
    /// asked.
    counting: Job<u64, Counted>,
    /// The proposals drawn in the last frame: plan name and the marked words as shown.
    drawn_marks: Vec<(String, Vec<String>)>,
    open: Vec<Proposal>,
    open_key: Option<u64>,
    buffers: RuleBuffers,
    confirm_delete: Option<String>,
    bundled_pick: usize,
    conflicts: Vec<MergeConflict>,
    message: Option<String>,
}

/// Hit counts counted on a background job: per theme's rule list, per rule.
#[derive(Default)]
struct Counted {
    themes: Vec<(Vec<Rule>, usize)>,
    rules: Vec<(Rule, usize)>,
}

/// The builder of a corpus's coding index and the hit counts of `themes`, for a [`Job`].
fn build_cache(
    key: (u64, usize),
    corpus: &Arc<Corpus>,
    themes: Vec<Theme>,
) -> impl FnOnce(&super::jobs::Progress) -> CorpusCache + Send + 'static {
    let c = Arc::clone(corpus);
    move |progress| {
        progress.set(0, 3);
        let mut measure_pos = HashMap::new();
        for (p, plan) in c.plans.iter().enumerate() {
            for (k, m) in plan.measures().into_iter().enumerate() {
                measure_pos.insert(m.measure_id.clone(), (p, k));
            }
        }
        progress.set(1, 3);
        let index = CodingIndex::new(&c.plans);
        progress.set(2, 3);
        let lists: Vec<&[Rule]> = themes.iter().map(|t| t.rules.as_slice()).collect();
        let hits = index.hits_of_all(&lists);
        let theme_hits = themes
            .iter()
            .zip(hits)
            .map(|(t, n)| (t.rules.clone(), n))
            .collect();
        CorpusCache {
            key,
            index: Arc::new(index),
            measure_pos,
            theme_hits,
        }
    }
}

/// Hash of anything hashable (cache keys).
fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// Name of a theme in the language shown (the Chinese name when no English one is set).
pub fn theme_label(theme: &Theme, lang: Language) -> &str {
    match lang {
        Language::English if !theme.name_en.trim().is_empty() => &theme.name_en,
        _ => &theme.name,
    }
}

impl ThemesPanel {
    /// Key the corpus caches on `corpus_revision` ([`super::context::ViewContext::corpus_revision`]);
    /// the panel edits the project, so it takes it apart from a `ViewContext`.
    pub fn set_corpus_revision(&mut self, corpus_revision: u64) {
        self.corpus_revision = corpus_revision;
    }

    /// A panel with nothing selected.
    pub fn new() -> Self {
        Self::default()
    }

    /// The theme selected, if any.
    pub fn selected(&self) -> Option<&str> {
        self.selected.as_deref()
    }

    /// Select a theme (`None`: nothing).
    pub fn select(&mut self, theme_id: Option<&str>) {
        self.selected = theme_id.map(str::to_string);
        self.confirm_delete = None;
    }

    /// The proposals drawn in the last frame: each one's plan name and the words marked in its
    /// text, as they read there (Traditional in a Traditional plan).
    pub fn drawn_marks(&self) -> &[(String, Vec<String>)] {
        &self.drawn_marks
    }

    /// Open proposals of the selected theme, as listed in the last frame.
    pub fn open_proposals(&self) -> &[Proposal] {
        &self.open
    }

    /// Conflicts of the last merge (shown until the next codebook load).
    pub fn conflicts(&self) -> &[MergeConflict] {
        &self.conflicts
    }

    /// Bring a codebook into the project (bundled, or imported by the app after
    /// [`ThemesRequest::ImportCodebook`]); returns the merge conflicts, also shown in the panel.
    pub fn load_codebook(
        &mut self,
        project: &mut Project,
        book: Codebook,
        mode: LoadMode,
    ) -> Vec<MergeConflict> {
        let conflicts = match mode {
            LoadMode::Replace => {
                project.codebook = book;
                Vec::new()
            }
            LoadMode::Merge => {
                let (merged, conflicts) = project.codebook.merge(&book);
                project.codebook = merged;
                conflicts
            }
        };
        if self
            .selected
            .as_deref()
            .is_some_and(|id| project.codebook.theme(id).is_none())
        {
            self.selected = None;
        }
        self.conflicts = conflicts.clone();
        self.message = None;
        conflicts
    }

    /// Ask for the index of the corpus (built now or on a thread); forget the hit counts and
    /// proposals of another corpus once it is there.
    fn update_cache(&mut self, ctx: &egui::Context, corpus: &Arc<Corpus>, codebook: &Codebook) {
        let key = (self.corpus_revision, corpus.plans.len());
        self.cache_key = Some(key);
        let themes: Vec<Theme> = if self.cache.has(&key) {
            Vec::new()
        } else {
            codebook.themes.clone()
        };
        self.cache.ensure(
            ctx,
            key,
            corpus.plans.len(),
            build_cache(key, corpus, themes),
        );
        if self.cache_now().is_some() && self.hits_for != Some(key) {
            self.rule_hits.clear();
            self.theme_hits.clear();
            if let Some(cache) = self.cache.get(&key) {
                self.theme_hits.extend(cache.theme_hits.iter().cloned());
            }
            self.proposals_key = None;
            self.open_key = None;
            self.hits_for = Some(key);
        }
        // Hit counts counted in the background since the last frame.
        self.counting.poll();
        if let Some(done) = self.counting.take().map(|(_, c)| c)
            && self.hits_for == Some(key)
        {
            self.theme_hits.extend(done.themes);
            self.rule_hits.extend(done.rules);
        }
    }

    /// Is the coding index of `corpus` at `corpus_revision` built?
    pub fn is_built_for(&self, corpus: &Corpus, corpus_revision: u64) -> bool {
        self.cache
            .get(&(corpus_revision, corpus.plans.len()))
            .is_some()
    }

    /// Is a build of the coding index under way (asked for or prefetched)?
    /// Takes in a result that has arrived.
    pub fn is_computing(&mut self) -> bool {
        self.cache.poll();
        self.cache.is_running()
    }

    /// Start building the coding index of `corpus` (at `corpus_revision`) with the hit counts
    /// of `codebook` in the background, before the panel is opened ([`Job::prefetch`]).
    pub fn prefetch(
        &mut self,
        ctx: &egui::Context,
        corpus: &Arc<Corpus>,
        codebook: &Codebook,
        corpus_revision: u64,
    ) {
        let key = (corpus_revision, corpus.plans.len());
        self.cache.poll();
        if self.cache.has(&key) {
            return;
        }
        self.cache.prefetch(
            ctx,
            key,
            corpus.plans.len(),
            build_cache(key, corpus, codebook.themes.clone()),
        );
    }

    /// Count the hit counts asked for in this frame and not cached (on the spot for a small
    /// corpus, else on a background job; shown as `…` until they are in).
    fn count_wanted(&mut self, ctx: &egui::Context, plans: usize) {
        if self.wanted_rules.is_empty() && self.wanted_themes.is_empty() {
            return;
        }
        let Some(cache) = self.cache_now() else {
            // Counted with the index when it comes (its codebook's themes), or asked again.
            self.wanted_rules.clear();
            self.wanted_themes.clear();
            return;
        };
        let key = hash_of(&(&self.wanted_themes, &self.wanted_rules, cache.key));
        let index = Arc::clone(&cache.index);
        let themes = std::mem::take(&mut self.wanted_themes);
        let rules = std::mem::take(&mut self.wanted_rules);
        self.counting.inline_max = self.cache.inline_max;
        self.counting.ensure(ctx, key, plans, move |_| {
            let lists: Vec<&[Rule]> = themes.iter().map(Vec::as_slice).collect();
            let hits = index.hits_of_all(&lists);
            let rule_hits = rules.iter().map(|r| index.rule_hits(r)).collect::<Vec<_>>();
            Counted {
                themes: themes.into_iter().zip(hits).collect(),
                rules: rules.into_iter().zip(rule_hits).collect(),
            }
        });
        if let Some(done) = self.counting.take().map(|(_, c)| c) {
            self.theme_hits.extend(done.themes);
            self.rule_hits.extend(done.rules);
        }
    }

    /// The index of the corpus last drawn, when it is built.
    fn cache_now(&self) -> Option<&CorpusCache> {
        self.cache_key.as_ref().and_then(|k| self.cache.get(k))
    }

    /// Is the coding index of the corpus last drawn ready?
    pub fn is_ready(&self) -> bool {
        self.cache_now().is_some()
    }

    /// Background builds run above this many plans (tests lower it to 0).
    pub fn set_inline_max(&mut self, plans: usize) {
        self.cache.inline_max = plans;
    }

    /// Recompute proposals when the rules changed, and the open ones of the selected theme when
    /// tags or rejections changed.
    /// Whether the proposals of the current rules are ready.
    fn update_proposals(&mut self, ctx: &egui::Context, project: &Project) -> bool {
        let Some(cache) = self.cache_key.as_ref().and_then(|k| self.cache.get(k)) else {
            return false;
        };
        let rules_key = hash_of(
            &project
                .codebook
                .themes
                .iter()
                .map(|t| (&t.theme_id, &t.parent, &t.rules))
                .collect::<Vec<_>>(),
        ) ^ hash_of(&cache.key);
        let (index, codebook) = (Arc::clone(&cache.index), project.codebook.clone());
        self.proposals.inline_max = self.cache.inline_max;
        if !self
            .proposals
            .ensure(ctx, rules_key, cache.key.1, move |_| {
                index.propose(&codebook)
            })
        {
            return false;
        }
        if self.proposals_key != Some(rules_key) {
            self.proposals_key = Some(rules_key);
            self.open_key = None;
        }
        let open_key = hash_of(&(
            rules_key,
            &self.selected,
            project
                .tags
                .iter()
                .map(|t| (&t.theme_id, &t.measure_id))
                .collect::<Vec<_>>(),
            &project.rejected,
        ));
        if self.open_key != Some(open_key) {
            let theme: Vec<Proposal> = self
                .proposals
                .get(&rules_key)
                .into_iter()
                .flatten()
                .filter(|p| Some(&p.theme_id) == self.selected.as_ref())
                .cloned()
                .collect();
            self.open = project.open_proposals(&theme);
            self.open_key = Some(open_key);
        }
        true
    }

    /// The hit count of `rule`, if counted; otherwise asked for (counted after this frame).
    fn rule_hit_count(&mut self, rule: &Rule) -> Option<usize> {
        if let Some(&n) = self.rule_hits.get(rule) {
            return Some(n);
        }
        if !self.wanted_rules.contains(rule) {
            self.wanted_rules.push(rule.clone());
        }
        None
    }

    /// The hit count of `theme`'s rules, if counted; otherwise asked for.
    fn theme_hit_count(&mut self, theme: &Theme) -> Option<usize> {
        if let Some(&n) = self.theme_hits.get(&theme.rules) {
            return Some(n);
        }
        if !self.wanted_themes.contains(&theme.rules) {
            self.wanted_themes.push(theme.rules.clone());
        }
        None
    }

    /// Draw the panel over `project`, editing it in place; see [`ThemesOutcome`] for what to do
    /// with the result.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        project: &mut Project,
        corpus: &Arc<Corpus>,
        lang: Language,
    ) -> ThemesOutcome {
        self.update_cache(ui.ctx(), corpus, &project.codebook);
        if self
            .selected
            .as_deref()
            .is_some_and(|id| project.codebook.theme(id).is_none())
        {
            self.selected = None;
        }
        let mut out = ThemesOutcome::default();
        self.codebook_bar_ui(ui, project, lang, &mut out);
        ui.separator();
        egui::Panel::left("themes_tree")
            .resizable(true)
            .default_size(300.0)
            .show(ui, |ui| self.tree_ui(ui, project, lang, &mut out));
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("theme_editor")
                .auto_shrink(false)
                .show(ui, |ui| {
                    self.editor_ui(ui, project, lang, &mut out);
                    if self.selected.is_some() {
                        ui.separator();
                        if self.cache_now().is_none() {
                            computing_ui(ui, &self.cache, ("编码索引", "the coding index"), lang);
                        } else if !self.update_proposals(ui.ctx(), project) {
                            computing_ui(ui, &self.proposals, ("规则建议", "the proposals"), lang);
                        } else {
                            self.proposals_ui(ui, project, corpus, lang, &mut out);
                        }
                    }
                });
        });
        self.count_wanted(ui.ctx(), corpus.plans.len());
        if self.counting.is_running() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
        out
    }

    /// Codebook name, bundled codebooks, import and export, merge conflicts.
    fn codebook_bar_ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &mut Project,
        lang: Language,
        out: &mut ThemesOutcome,
    ) {
        let bundled = bundled_codebooks();
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(lang.pick("码本", "Codebook"));
            if ui
                .text_edit_singleline(&mut project.codebook.name)
                .labelled_by(label.id)
                .changed()
            {
                out.changed = true;
            }
            ui.separator();
            let picked = bundled
                .get(self.bundled_pick)
                .map_or("", |(_, b)| b.name.as_str());
            egui::ComboBox::new("bundled_codebook", lang.pick("内置码本", "Bundled"))
                .selected_text(picked)
                .show_ui(ui, |ui| {
                    for (k, (_, book)) in bundled.iter().enumerate() {
                        ui.selectable_value(&mut self.bundled_pick, k, &book.name);
                    }
                });
            let mut load = None;
            if ui
                .button(lang.pick("替换为内置码本", "Replace with bundled"))
                .clicked()
            {
                load = Some(LoadMode::Replace);
            }
            if ui
                .button(lang.pick("合并内置码本", "Merge bundled"))
                .clicked()
            {
                load = Some(LoadMode::Merge);
            }
            if let (Some(mode), Some((_, book))) = (load, bundled.get(self.bundled_pick)) {
                let conflicts = self.load_codebook(project, book.clone(), mode);
                out.changed = true;
                self.message = Some(match lang {
                    Language::Chinese => format!("已载入，{} 处冲突", conflicts.len()),
                    Language::English => format!("Loaded, {} conflicts", conflicts.len()),
                });
            }
            ui.separator();
            if ui.button(lang.pick("导入…", "Import…")).clicked() {
                out.request = Some(ThemesRequest::ImportCodebook(LoadMode::Replace));
            }
            if ui
                .button(lang.pick("导入并合并…", "Import and merge…"))
                .clicked()
            {
                out.request = Some(ThemesRequest::ImportCodebook(LoadMode::Merge));
            }
            if ui.button(lang.pick("导出…", "Export…")).clicked() {
                out.request = Some(ThemesRequest::ExportCodebook);
            }
            if let Some(m) = &self.message {
                ui.label(egui::RichText::new(m).weak());
            }
        });
        if !self.conflicts.is_empty() {
            let title = match lang {
                Language::Chinese => format!("合并冲突 {} 处（保留现有值）", self.conflicts.len()),
                Language::English => {
                    format!("{} merge conflicts (ours kept)", self.conflicts.len())
                }
            };
            egui::CollapsingHeader::new(title)
                .id_salt("merge_conflicts")
                .show(ui, |ui| {
                    for c in &self.conflicts {
                        ui.label(format!(
                            "{} · {}: {:?} ≠ {:?}",
                            c.theme_id, c.field, c.ours, c.theirs
                        ));
                    }
                    if ui.small_button(lang.pick("知道了", "Dismiss")).clicked() {
                        self.conflicts.clear();
                    }
                });
        }
    }

    /// The codebook tree: swatch, name, tags, rule hits.
    fn tree_ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &mut Project,
        lang: Language,
        out: &mut ThemesOutcome,
    ) {
        let mut tag_counts: HashMap<&str, usize> = HashMap::new();
        for t in &project.tags {
            *tag_counts.entry(t.theme_id.as_str()).or_default() += 1;
        }
        ui.label(
            egui::RichText::new(lang.pick("主题 · 标签数 · 规则命中", "Themes · tags · rule hits"))
                .small()
                .weak(),
        );
        let rows: Vec<(usize, Theme)> = project
            .codebook
            .depth_first()
            .into_iter()
            .map(|(d, t)| (d, t.clone()))
            .collect();
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt("themes_tree_scroll")
            .auto_shrink(false)
            .max_height(ui.available_height() - 30.0)
            .show(ui, |ui| {
                for (depth, theme) in &rows {
                    let hits = self
                        .theme_hit_count(theme)
                        .map_or_else(|| "…".to_string(), |n| n.to_string());
                    let tags = tag_counts
                        .get(theme.theme_id.as_str())
                        .copied()
                        .unwrap_or(0);
                    ui.horizontal(|ui| {
                        ui.add_space(*depth as f32 * 14.0);
                        swatch_ui(ui, theme.color);
                        let selected = self.selected.as_deref() == Some(theme.theme_id.as_str());
                        if ui
                            .selectable_label(selected, theme_label(theme, lang))
                            .clicked()
                        {
                            clicked = Some(theme.theme_id.clone());
                        }
                        ui.label(
                            egui::RichText::new(format!("{tags} · {hits}"))
                                .small()
                                .weak(),
                        );
                    });
                }
            });
        if let Some(id) = clicked {
            self.select(Some(&id));
        }
        if ui
            .button(lang.pick("＋ 顶级主题", "+ Top-level theme"))
            .clicked()
        {
            let t = new_theme(&project.codebook, None, lang.pick("新主题", "New theme"));
            self.select(Some(&t.theme_id));
            project.codebook.themes.push(t);
            out.changed = true;
        }
    }

    /// The selected theme's fields and rules.
    fn editor_ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &mut Project,
        lang: Language,
        out: &mut ThemesOutcome,
    ) {
        let Some(id) = self.selected.clone() else {
            ui.label(lang.pick("在左侧选择一个主题", "Select a theme on the left"));
            return;
        };
        let Some(original) = project.codebook.theme(&id).cloned() else {
            return;
        };
        let mut theme = original.clone();
        // Buffers follow the theme unless what is typed already says the same.
        if self.buffers.theme_id != id || self.buffers.rules.len() != theme.rules.len() {
            self.buffers = RuleBuffers {
                theme_id: id.clone(),
                rules: theme.rules.iter().map(rule_texts).collect(),
            };
        }
        for (buf, rule) in self.buffers.rules.iter_mut().zip(&theme.rules) {
            for (text, terms) in buf.iter_mut().zip([&rule.any, &rule.all, &rule.none]) {
                if parse_terms(text) != *terms {
                    *text = format_terms(terms);
                }
            }
        }
        ui.horizontal(|ui| {
            swatch_ui(ui, theme.color);
            ui.heading(theme_label(&theme, lang));
            ui.label(egui::RichText::new(&theme.theme_id).small().weak());
        });
        egui::Grid::new("theme_fields")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                let l = ui.label(lang.pick("名称", "Name"));
                ui.text_edit_singleline(&mut theme.name).labelled_by(l.id);
                ui.end_row();
                let l = ui.label(lang.pick("英文名", "English name"));
                ui.text_edit_singleline(&mut theme.name_en)
                    .labelled_by(l.id);
                ui.end_row();
                let l = ui.label(lang.pick("颜色", "Colour"));
                ui.color_edit_button_srgb(&mut theme.color)
                    .labelled_by(l.id);
                ui.end_row();
                let l = ui.label(lang.pick("说明", "Description"));
                ui.add(
                    egui::TextEdit::multiline(&mut theme.description)
                        .desired_rows(2)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(l.id);
                ui.end_row();
                let l = ui.label(lang.pick("上级主题", "Parent"));
                self.parent_combo_ui(ui, &project.codebook, &mut theme, lang, l.id);
                ui.end_row();
            });

        ui.add_space(6.0);
        ui.label(egui::RichText::new(lang.pick("规则", "Rules")).strong());
        ui.label(
            egui::RichText::new(lang.pick(
                "一条规则：含任一“任一”词、含全部“全部”词、不含“排除”词；词以空格或逗号分隔，=词 只匹配整词",
                "A rule: one of “any”, every “all”, none of “none”; terms separated by spaces or commas, =term matches whole words",
            ))
            .small()
            .weak(),
        );
        let mut remove_rule = None;
        for k in 0..theme.rules.len() {
            let Some(buf) = self.buffers.rules.get_mut(k) else {
                continue;
            };
            let mut edited = false;
            ui.horizontal_wrapped(|ui| {
                ui.label(format!("{}.", k + 1));
                for (text, (zh, en)) in
                    buf.iter_mut()
                        .zip([("任一", "any"), ("全部", "all"), ("排除", "none")])
                {
                    let label = ui.label(lang.pick(zh, en));
                    let r = ui.add(egui::TextEdit::singleline(text).desired_width(180.0));
                    let r = r.labelled_by(label.id);
                    edited |= r.changed();
                }
                if ui
                    .small_button(lang.pick("删除规则", "Remove rule"))
                    .clicked()
                {
                    remove_rule = Some(k);
                }
            });
            if edited
                && let (Some(rule), Some(buf)) = (theme.rules.get_mut(k), self.buffers.rules.get(k))
            {
                rule.any = parse_terms(&buf[0]);
                rule.all = parse_terms(&buf[1]);
                rule.none = parse_terms(&buf[2]);
            }
            if let Some(rule) = theme.rules.get(k).cloned() {
                let n = self
                    .rule_hit_count(&rule)
                    .map_or_else(|| "…".to_string(), |n| n.to_string());
                ui.label(match lang {
                    Language::Chinese => format!("规则 {} 命中 {n} 条措施", k + 1),
                    Language::English => format!("Rule {} matches {n} measures", k + 1),
                });
            }
        }
        if let Some(k) = remove_rule {
            theme.rules.remove(k);
            self.buffers.rules.remove(k);
        }
        ui.horizontal(|ui| {
            if ui.button(lang.pick("＋ 规则", "+ Rule")).clicked() {
                theme.rules.push(Rule::default());
                self.buffers.rules.push(Default::default());
            }
            if ui.button(lang.pick("＋ 子主题", "+ Child theme")).clicked() {
                let child = new_theme(
                    &project.codebook,
                    Some(&theme.theme_id),
                    lang.pick("新主题", "New theme"),
                );
                self.selected = Some(child.theme_id.clone());
                project.codebook.themes.push(child);
                out.changed = true;
            }
            if ui.button(lang.pick("删除主题", "Delete theme")).clicked() {
                self.confirm_delete = Some(id.clone());
            }
        });
        if theme != original
            && let Some(slot) = project
                .codebook
                .themes
                .iter_mut()
                .find(|t| t.theme_id == id)
        {
            *slot = theme;
            out.changed = true;
        }
        if self.confirm_delete.as_deref() == Some(id.as_str()) {
            let tags = project.tags.iter().filter(|t| t.theme_id == id).count();
            let kids = project.codebook.children(&id).len();
            ui.group(|ui| {
                ui.label(match lang {
                    Language::Chinese => format!(
                        "删除此主题？其 {tags} 个标签将一并删除，{kids} 个子主题移到上一级。"
                    ),
                    Language::English => format!(
                        "Delete this theme? Its {tags} tags are deleted too; {kids} child themes move up."
                    ),
                });
                ui.horizontal(|ui| {
                    if ui.button(lang.pick("确认删除", "Delete")).clicked() {
                        delete_theme(project, &id);
                        self.selected = None;
                        self.confirm_delete = None;
                        out.changed = true;
                    }
                    if ui.button(lang.pick("取消", "Cancel")).clicked() {
                        self.confirm_delete = None;
                    }
                });
            });
        }
    }

    /// The parent combo box: no parent, or any theme that is not in the theme's own subtree.
    fn parent_combo_ui(
        &mut self,
        ui: &mut egui::Ui,
        codebook: &Codebook,
        theme: &mut Theme,
        lang: Language,
        label: egui::Id,
    ) {
        let none = lang.pick("（无）", "(none)");
        let current = theme
            .parent
            .as_deref()
            .and_then(|p| codebook.theme(p))
            .map_or(none, |t| theme_label(t, lang));
        let own: Vec<&str> = codebook.subtree(&theme.theme_id);
        let mut pick: Option<Option<String>> = None;
        egui::ComboBox::from_id_salt("theme_parent")
            .selected_text(current)
            .show_ui(ui, |ui| {
                if ui.selectable_label(theme.parent.is_none(), none).clicked() {
                    pick = Some(None);
                }
                for (depth, t) in codebook.depth_first() {
                    if own.contains(&t.theme_id.as_str()) {
                        continue;
                    }
                    let text = format!("{}{}", "  ".repeat(depth), theme_label(t, lang));
                    let on = theme.parent.as_deref() == Some(t.theme_id.as_str());
                    if ui.selectable_label(on, text).clicked() {
                        pick = Some(Some(t.theme_id.clone()));
                    }
                }
            })
            .response
            .labelled_by(label);
        if let Some(parent) = pick {
            if would_cycle(codebook, &theme.theme_id, parent.as_deref()) {
                self.message = Some(
                    lang.pick(
                        "不能设为上级：会形成循环",
                        "Refused: that parent makes a cycle",
                    )
                    .to_string(),
                );
            } else {
                theme.parent = parent;
            }
        }
    }

    /// The open proposals of the selected theme, with accept / reject.
    fn proposals_ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &mut Project,
        corpus: &Corpus,
        lang: Language,
        out: &mut ThemesOutcome,
    ) {
        let Some(id) = self.selected.clone() else {
            return;
        };
        let n = self.open.len();
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(match lang {
                    Language::Chinese => format!("待审建议 {n} 条"),
                    Language::English => format!("{n} open proposals"),
                })
                .strong(),
            );
            if n > 0 {
                if ui.button(lang.pick("全部接受", "Accept all")).clicked() {
                    project.accept_all(&id, &self.open, corpus);
                    out.changed = true;
                }
                if ui.button(lang.pick("全部拒绝", "Reject all")).clicked() {
                    for p in &self.open {
                        project.reject(p);
                    }
                    out.changed = true;
                }
            }
        });
        let Some(cache) = self.cache_key.as_ref().and_then(|k| self.cache.get(k)) else {
            return;
        };
        let text_color = ui.visuals().text_color();
        let mark = ui.visuals().selection.bg_fill;
        let font = egui::TextStyle::Body.resolve(ui.style());
        let mut action: Option<(usize, bool)> = None;
        self.drawn_marks.clear();
        let drawn = &mut self.drawn_marks;
        egui::ScrollArea::vertical()
            .id_salt("proposals")
            .auto_shrink(false)
            .min_scrolled_height(300.0)
            .show_rows(ui, PROPOSAL_ROW, n, |ui, rows| {
                for k in rows {
                    let Some(p) = self.open.get(k) else { continue };
                    let Some(&(plan_index, measure_index)) = cache.measure_pos.get(&p.measure_id)
                    else {
                        continue;
                    };
                    let Some(plan) = corpus.plans.get(plan_index) else {
                        continue;
                    };
                    let measures = plan.measures();
                    let Some(m) = measures.get(measure_index) else {
                        continue;
                    };
                    ui.horizontal_top(|ui| {
                        ui.set_height(PROPOSAL_ROW - 4.0);
                        if ui.small_button(lang.pick("接受", "Accept")).clicked() {
                            action = Some((k, true));
                        }
                        if ui.small_button(lang.pick("拒绝", "Reject")).clicked() {
                            action = Some((k, false));
                        }
                        ui.label(egui::RichText::new(&plan.name).weak());
                        let marks = term_ranges(&m.text, &p.matched_terms);
                        drawn.push((
                            plan.name.clone(),
                            marks
                                .iter()
                                .filter_map(|r| m.text.get(r.clone()).map(str::to_owned))
                                .collect(),
                        ));
                        let job = marked_job(
                            &m.text,
                            &marks,
                            font.clone(),
                            text_color,
                            mark,
                            ui.available_width(),
                        );
                        let r = ui
                            .add(egui::Label::new(job).sense(Sense::click()))
                            .on_hover_text(&m.text);
                        if r.clicked() {
                            out.command = Some(UiCommand::FocusMeasure {
                                plan_id: plan.plan_id.clone(),
                                measure_index,
                            });
                        }
                    });
                }
            });
        if let Some((k, accept)) = action
            && let Some(p) = self.open.get(k).cloned()
        {
            if accept {
                if let Err(e) = project.accept(&p, corpus) {
                    self.message = Some(e.to_string());
                }
            } else {
                project.reject(&p);
            }
            // Drop it now so the list is right in this frame's state.
            self.open.remove(k);
            out.changed = true;
        }
    }
}

/// A rule's term lists as the editor shows them.
fn rule_texts(rule: &Rule) -> [String; 3] {
    [
        format_terms(&rule.any),
        format_terms(&rule.all),
        format_terms(&rule.none),
    ]
}

/// A small square of a theme's colour.
fn swatch_ui(ui: &mut egui::Ui, color: [u8; 3]) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), Sense::hover());
    ui.painter()
        .rect_filled(rect, 2.0, Color32::from_rgb(color[0], color[1], color[2]));
}

/// Text wrapped to `width` in at most [`PROPOSAL_LINES`] lines, with `marks` on a background.
fn marked_job(
    text: &str,
    marks: &[Range<usize>],
    font: egui::FontId,
    color: Color32,
    mark: Color32,
    width: f32,
) -> LayoutJob {
    let mut job = LayoutJob {
        wrap: TextWrapping {
            max_width: width.max(40.0),
            max_rows: PROPOSAL_LINES,
            break_anywhere: true,
            overflow_character: Some('…'),
        },
        ..LayoutJob::default()
    };
    let plain = TextFormat::simple(font.clone(), color);
    let marked = TextFormat {
        background: mark,
        underline: egui::Stroke::new(1.0, color),
        ..TextFormat::simple(font, color)
    };
    let mut at = 0;
    for r in marks {
        if let Some(s) = text.get(at..r.start) {
            job.append(s, 0.0, plain.clone());
        }
        if let Some(s) = text.get(r.clone()) {
            job.append(s, 0.0, marked.clone());
        }
        at = r.end;
    }
    if let Some(s) = text.get(at..) {
        job.append(s, 0.0, plain);
    }
    job
}
