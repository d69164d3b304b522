//! The targets grid: a row per indicator, a column per plan, in each cell the target that plan
//! sets (`2025年 75%`, `+N` when it sets several); hovering a cell shows the source sentences, a
//! click asks the app to focus the measure.
//!
//! It paints a [`TargetTable`] built once per set of plans; the grid is an
//! `egui_extras::TableBuilder` with a sticky header, and only the rows in view are laid out. The
//! indicator column stays put: the plan columns that do not fit are paged through with ◀ ▶
//! (rather than scrolling the indicators away). Cells wrap to two lines; one tooltip per cell
//! shows every target with its sentence. A rate of change (增长, 年均, 提高…) is marked as such,
//! not shown as a level.

use egui::{Role, Sense, WidgetInfo};
use egui_extras::{Column, TableBuilder};

use std::sync::Arc;

use crate::corpus::Corpus;
use crate::target_table::{TargetCell, TargetTable};

use super::command::UiCommand;
use super::context::ViewContext;
use super::jobs::{Job, computing_ui};
use super::settings::Language;

/// What the table was built for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TableKey {
    plan_indexes: Vec<usize>,
    corpus_revision: u64,
    plans_len: usize,
}

/// The targets view's state: the table of the plans shown.
#[derive(Debug)]
pub struct TargetsView {
    /// The [`ViewContext::corpus_revision`] last drawn with: the caches' key, not the corpus's
    /// address (a freed and reallocated corpus can reuse that).
    corpus_revision: u64,
    /// Only rows whose indicator contains this (as typed; empty: all).
    pub filter: String,
    /// Leave out the columns of plans without any target (on by default).
    pub hide_plans_without_targets: bool,
    /// The table and its columns with targets, built on a background thread for big corpora.
    built: Job<TableKey, (TargetTable, Vec<usize>)>,
    key: Option<TableKey>,
    /// First plan column shown (the columns before it are paged away).
    first_column: usize,
}

impl Default for TargetsView {
    fn default() -> Self {
        TargetsView {
            filter: String::new(),
            hide_plans_without_targets: true,
            built: Job::default(),
            key: None,
            first_column: 0,
            corpus_revision: 0,
        }
    }
}

/// The key, size (plans) and builder of the table of `plan_indexes` (empty: every plan).
#[allow(clippy::type_complexity)] // one private helper for `ensure` and `prefetch`
fn table_job(
    corpus: &Arc<Corpus>,
    plan_indexes: &[usize],
    corpus_revision: u64,
) -> (
    TableKey,
    usize,
    impl FnOnce(&super::jobs::Progress) -> (TargetTable, Vec<usize>) + Send + 'static,
) {
    let key = TableKey {
        plan_indexes: plan_indexes.to_vec(),
        corpus_revision,
        plans_len: corpus.plans.len(),
    };
    let size = if plan_indexes.is_empty() {
        corpus.plans.len()
    } else {
        plan_indexes.len()
    };
    let (c, indexes) = (Arc::clone(corpus), plan_indexes.to_vec());
    let build = move |_: &super::jobs::Progress| {
        let table = TargetTable::build(&indexes, &c.plans);
        let shown = table.columns_with_targets();
        (table, shown)
    };
    (key, size, build)
}

impl TargetsView {
    /// Draw from `cx` (the one view contract); a click's wish goes into `out`. The compared plans' targets (all plans when none is compared).
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &ViewContext<'_>, out: &mut Vec<UiCommand>) {
        self.corpus_revision = cx.corpus_revision;
        let Some(corpus) = cx.corpus else {
            return;
        };
        let compared = TargetsView::compared_indexes(corpus, &cx.settings.compared_plans);
        out.extend(self.show(ui, corpus, &compared, cx.language));
    }

    /// Columns (indexes into the table's plans) drawn, in order.
    pub fn shown_columns(&self) -> Vec<usize> {
        match self.built_now() {
            Some((t, _)) if !self.hide_plans_without_targets => (0..t.plans.len()).collect(),
            Some((_, shown)) => shown.clone(),
            None => Vec::new(),
        }
    }

    /// The table shown (built on first draw, on a thread for big corpora).
    pub fn table(&self) -> Option<&TargetTable> {
        self.built_now().map(|(t, _)| t)
    }

    /// Is the table of the plans last drawn ready?
    pub fn is_ready(&self) -> bool {
        self.built_now().is_some()
    }

    /// Background builds run above this many plans (tests lower it to 0).
    pub fn set_inline_max(&mut self, plans: usize) {
        self.built.inline_max = plans;
    }

    fn built_now(&self) -> Option<&(TargetTable, Vec<usize>)> {
        self.key.as_ref().and_then(|k| self.built.get(k))
    }

    /// Build the table if the plans changed.
    fn update(
        &mut self,
        ctx: &egui::Context,
        corpus: &Arc<Corpus>,
        plan_indexes: &[usize],
    ) -> bool {
        let (key, size, build) = table_job(corpus, plan_indexes, self.corpus_revision);
        self.key = Some(key.clone());
        self.built.ensure(ctx, key, size, build)
    }

    /// The corpus indexes of the plans compared in `settings` (the view shows their targets;
    /// every plan's when none is compared).
    pub fn compared_indexes(corpus: &Corpus, compared_plans: &[String]) -> Vec<usize> {
        compared_plans
            .iter()
            .filter_map(|id| corpus.plans.iter().position(|p| p.plan_id == *id))
            .collect()
    }

    /// Is the table of `plan_indexes` of `corpus` at `corpus_revision` built?
    pub fn is_built_for(
        &self,
        corpus: &Corpus,
        plan_indexes: &[usize],
        corpus_revision: u64,
    ) -> bool {
        let key = TableKey {
            plan_indexes: plan_indexes.to_vec(),
            corpus_revision,
            plans_len: corpus.plans.len(),
        };
        self.built.get(&key).is_some()
    }

    /// Is a build of the table under way (asked for or prefetched)?
    /// Takes in a result that has arrived.
    pub fn is_computing(&mut self) -> bool {
        self.built.poll();
        self.built.is_running()
    }

    /// Start building the table of `plan_indexes` (corpus indexes; empty: every plan) of
    /// `corpus` at `corpus_revision` in the background, before the view is opened
    /// ([`Job::prefetch`]).
    pub fn prefetch(
        &mut self,
        ctx: &egui::Context,
        corpus: &Arc<Corpus>,
        plan_indexes: &[usize],
        corpus_revision: u64,
    ) {
        let (key, size, build) = table_job(corpus, plan_indexes, corpus_revision);
        self.built.prefetch(ctx, key, size, build);
    }

    /// Draw the targets of `plan_indexes` (corpus indexes; empty: every plan); returns what a
    /// click asks the app to do.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        corpus: &Arc<Corpus>,
        plan_indexes: &[usize],
        lang: Language,
    ) -> Option<UiCommand> {
        if !self.update(ui.ctx(), corpus, plan_indexes) {
            computing_ui(ui, &self.built, ("指标表", "the targets"), lang);
            return None;
        }
        let columns = self.shown_columns();
        let (table, shown_columns) = self.key.as_ref().and_then(|k| self.built.get(k))?;
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(match lang {
                    Language::Chinese => format!(
                        "{} 项指标 × {} 个方案",
                        table.indicators.len(),
                        table.plans.len()
                    ),
                    Language::English => format!(
                        "{} indicators × {} plans",
                        table.indicators.len(),
                        table.plans.len()
                    ),
                })
                .strong(),
            );
            ui.add(
                egui::TextEdit::singleline(&mut self.filter)
                    .hint_text(lang.pick("筛选指标", "Filter indicators"))
                    .desired_width(200.0),
            );
            let hidden = table.plans.len() - shown_columns.len();
            ui.checkbox(
                &mut self.hide_plans_without_targets,
                match lang {
                    Language::Chinese => format!("隐藏没有指标的方案（{hidden} 个）"),
                    Language::English => format!("Hide plans without targets ({hidden})"),
                },
            );
        });
        ui.separator();
        let filter = crate::normalize::normalize_str(self.filter.trim());
        let rows: Vec<usize> = (0..table.indicators.len())
            .filter(|&r| {
                filter.is_empty()
                    || table
                        .indicators
                        .get(r)
                        .is_some_and(|i| crate::normalize::normalize_str(i).contains(&filter))
            })
            .collect();
        let mut command = None;
        let line = ui.text_style_height(&egui::TextStyle::Body);
        let row_height = 2.0 * line + 10.0;
        // The indicator column is frozen; as many plan columns as fit are shown beside it.
        let indicator_width = (ui.available_width() * 0.28).clamp(150.0, 280.0);
        let column_width = 150.0;
        let room = ui.available_width() - indicator_width - 16.0;
        let fit = ((room / (column_width + 8.0)).floor() as usize).max(1);
        let total = columns.len();
        self.first_column = self.first_column.min(total.saturating_sub(fit));
        if total > fit {
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(self.first_column > 0, egui::Button::new("◀"))
                    .on_hover_text(lang.pick("前面的方案", "Previous plans"))
                    .clicked()
                {
                    self.first_column = self.first_column.saturating_sub(fit);
                }
                let last = (self.first_column + fit).min(total);
                ui.label(match lang {
                    Language::Chinese => {
                        format!("方案 {}–{} / {total}", self.first_column + 1, last)
                    }
                    Language::English => {
                        format!("plans {}–{} of {total}", self.first_column + 1, last)
                    }
                });
                if ui
                    .add_enabled(last < total, egui::Button::new("▶"))
                    .on_hover_text(lang.pick("后面的方案", "Next plans"))
                    .clicked()
                {
                    self.first_column = (self.first_column + fit).min(total.saturating_sub(1));
                }
            });
        }
        let visible: Vec<usize> = columns
            .iter()
            .copied()
            .skip(self.first_column)
            .take(fit)
            .collect();
        let (table, _) = self.key.as_ref().and_then(|k| self.built.get(k))?;
        let body_font = egui::TextStyle::Body.resolve(ui.style());
        TableBuilder::new(ui)
            .id_salt("targets_table")
            .striped(true)
            .resizable(false)
            .auto_shrink(false)
            .column(Column::exact(indicator_width).clip(true))
            .columns(Column::exact(column_width).clip(true), visible.len())
            .header(line + 12.0, |mut header| {
                header.col(|ui| {
                    ui.strong(lang.pick("指标", "Indicator"));
                });
                for &c in &visible {
                    let name = table.plans.get(c).map_or("", String::as_str);
                    header.col(|ui| {
                        let r = ui
                            .add(
                                egui::Label::new(egui::RichText::new(name).strong())
                                    .truncate()
                                    .show_tooltip_when_elided(false)
                                    .sense(Sense::click()),
                            )
                            .on_hover_text(format!(
                                "{name}\n{}",
                                lang.pick("点击查看这个方案", "Click to open this plan")
                            ));
                        if r.clicked() {
                            command = table.plan_ids.get(c).cloned().map(UiCommand::OpenPlan);
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, rows.len(), |mut row| {
                    let Some(&r) = rows.get(row.index()) else {
                        return;
                    };
                    let indicator = table.indicators.get(r).map_or("", String::as_str);
                    row.col(|ui| {
                        let job = two_lines(
                            indicator,
                            body_font.clone(),
                            ui.visuals().text_color(),
                            ui.available_width(),
                        );
                        ui.add(egui::Label::new(job).show_tooltip_when_elided(false))
                            .on_hover_text(indicator);
                    });
                    for &c in &visible {
                        row.col(|ui| {
                            let cells = table.cell(r, c);
                            let plan = table.plans.get(c).map_or("", String::as_str);
                            if let Some(target) = cell_ui(ui, cells, indicator, plan, lang)
                                && let Some(measure_index) = target.measure_index
                                && let Some(plan_id) = table.plan_ids.get(c)
                            {
                                command = Some(UiCommand::FocusMeasure {
                                    plan_id: plan_id.clone(),
                                    measure_index,
                                });
                            }
                        });
                    }
                });
            });
        command
    }
}

/// `text` wrapped to `width` in at most two lines (… when cut).
fn two_lines(
    text: &str,
    font: egui::FontId,
    color: egui::Color32,
    width: f32,
) -> egui::text::LayoutJob {
    let mut job = egui::text::LayoutJob::simple(text.to_owned(), font, color, width.max(40.0));
    job.wrap = egui::text::TextWrapping {
        max_width: width.max(40.0),
        max_rows: 2,
        break_anywhere: true,
        overflow_character: Some('…'),
    };
    job
}

/// Whether a target is a rate of change (growth, a yearly rate, a rise of N points) rather than
/// a level: its indicator or the words just before its value say so.
pub fn is_rate(t: &TargetCell) -> bool {
    const WORDS: [&str; 9] = [
        "增长",
        "增速",
        "增幅",
        "年均",
        "提高",
        "下降",
        "降低",
        "减少",
        "百分点",
    ];
    let before = t
        .sentence
        .find(&t.value_text)
        .and_then(|at| t.sentence.get(..at))
        .map(|s| {
            let chars: Vec<char> = s.chars().collect();
            chars[chars.len().saturating_sub(8)..]
                .iter()
                .collect::<String>()
        })
        .unwrap_or_default();
    WORDS
        .iter()
        .any(|w| t.indicator.contains(w) || before.contains(w) || t.value_text.contains(w))
}

/// One cell: the first target and `+N` more; the sentences on hover. Returns the target clicked.
fn cell_ui<'a>(
    ui: &mut egui::Ui,
    cells: &'a [TargetCell],
    indicator: &str,
    plan: &str,
    lang: Language,
) -> Option<&'a TargetCell> {
    let first = cells.first()?;
    let rate = lang.pick("增速 ", "rate ");
    let mut text = String::new();
    if is_rate(first) {
        text.push_str(rate);
    }
    text.push_str(&first.label());
    if cells.len() > 1 {
        text.push_str(&format!(" +{}", cells.len() - 1));
    }
    let font = egui::TextStyle::Body.resolve(ui.style());
    let job = two_lines(&text, font, ui.visuals().text_color(), ui.available_width());
    let response = ui.add(
        egui::Label::new(job)
            .show_tooltip_when_elided(false)
            .sense(Sense::click()),
    );
    let label = format!("{plan} · {indicator}：{text}");
    response.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
    let response = response.on_hover_ui(|ui| {
        ui.set_max_width(420.0);
        for t in cells {
            let kind = if is_rate(t) {
                lang.pick("（变化率）", " (rate of change)")
            } else {
                ""
            };
            ui.label(
                egui::RichText::new(format!(
                    "{} {} {}{kind}",
                    t.indicator,
                    t.comparator,
                    t.label()
                ))
                .strong()
                .small(),
            );
            ui.label(egui::RichText::new(&t.sentence).small());
            ui.add_space(4.0);
        }
        ui.label(
            egui::RichText::new(lang.pick("点击在方案中查看", "Click to show it in its plan"))
                .small()
                .weak(),
        );
    });
    response.clicked().then_some(first)
}
