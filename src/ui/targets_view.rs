//! The targets grid: a row per indicator, a column per plan, in each cell the target that plan
//! sets (`2025年 75%`, `+N` when it sets several); hovering a cell shows the source sentences, a
//! click asks the app to focus the measure.
//!
//! It paints a [`TargetTable`] built once per set of plans; the grid is an
//! `egui_extras::TableBuilder` with a sticky header and resizable columns inside a horizontal
//! scroll area, and only the rows in view are laid out.

use egui::{Role, Sense, WidgetInfo};
use egui_extras::{Column, TableBuilder};

use crate::corpus::Corpus;
use crate::target_table::{TargetCell, TargetTable};

use super::UiCommand;
use super::app::Language;

/// What the table was built for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TableKey {
    plan_indexes: Vec<usize>,
    plans_ptr: usize,
    plans_len: usize,
}

/// The targets view's state: the table of the plans shown.
#[derive(Debug)]
pub struct TargetsView {
    /// Only rows whose indicator contains this (as typed; empty: all).
    pub filter: String,
    /// Leave out the columns of plans without any target (on by default).
    pub hide_plans_without_targets: bool,
    table: Option<TargetTable>,
    key: Option<TableKey>,
    shown_columns: Vec<usize>,
}

impl Default for TargetsView {
    fn default() -> Self {
        TargetsView {
            filter: String::new(),
            hide_plans_without_targets: true,
            table: None,
            key: None,
            shown_columns: Vec::new(),
        }
    }
}

impl TargetsView {
    /// Columns (indexes into the table's plans) drawn, in order.
    pub fn shown_columns(&self) -> Vec<usize> {
        match &self.table {
            Some(t) if !self.hide_plans_without_targets => (0..t.plans.len()).collect(),
            Some(_) => self.shown_columns.clone(),
            None => Vec::new(),
        }
    }

    /// The table shown (built on first draw).
    pub fn table(&self) -> Option<&TargetTable> {
        self.table.as_ref()
    }

    /// Build the table if the plans changed.
    fn update(&mut self, corpus: &Corpus, plan_indexes: &[usize]) {
        let key = TableKey {
            plan_indexes: plan_indexes.to_vec(),
            plans_ptr: corpus.plans.as_ptr() as usize,
            plans_len: corpus.plans.len(),
        };
        if self.key.as_ref() != Some(&key) {
            let table = TargetTable::build(plan_indexes, &corpus.plans);
            self.shown_columns = table.columns_with_targets();
            self.table = Some(table);
            self.key = Some(key);
        }
    }

    /// Draw the targets of `plan_indexes` (corpus indexes; empty: every plan); returns what a
    /// click asks the app to do.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        corpus: &Corpus,
        plan_indexes: &[usize],
        lang: Language,
    ) -> Option<UiCommand> {
        self.update(corpus, plan_indexes);
        let columns = self.shown_columns();
        let Some(table) = &self.table else {
            return None;
        };
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
            let hidden = table.plans.len() - self.shown_columns.len();
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
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
        egui::ScrollArea::horizontal()
            .id_salt("targets_h")
            .auto_shrink(false)
            .show(ui, |ui| {
                TableBuilder::new(ui)
                    .id_salt("targets_table")
                    .striped(true)
                    .resizable(true)
                    .auto_shrink(false)
                    .column(Column::initial(190.0).at_least(80.0).clip(true))
                    .columns(
                        Column::initial(120.0).at_least(50.0).clip(true),
                        columns.len(),
                    )
                    .header(row_height + 4.0, |mut header| {
                        header.col(|ui| {
                            ui.strong(lang.pick("指标", "Indicator"));
                        });
                        for &c in &columns {
                            let name = table.plans.get(c).map_or("", String::as_str);
                            header.col(|ui| {
                                let r = ui
                                    .add(
                                        egui::Label::new(egui::RichText::new(name).strong())
                                            .truncate()
                                            .sense(Sense::click()),
                                    )
                                    .on_hover_text(format!(
                                        "{name}\n{}",
                                        lang.pick("点击查看这个方案", "Click to open this plan")
                                    ));
                                if r.clicked() {
                                    command =
                                        table.plan_ids.get(c).cloned().map(UiCommand::OpenPlan);
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
                                ui.add(egui::Label::new(indicator).truncate());
                            });
                            for &c in &columns {
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
            });
        command
    }
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
    let mut text = first.label();
    if cells.len() > 1 {
        text.push_str(&format!(" +{}", cells.len() - 1));
    }
    let response = ui.add(egui::Label::new(&text).truncate().sense(Sense::click()));
    let label = format!("{plan} · {indicator}：{text}");
    response.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
    let response = response.on_hover_ui(|ui| {
        ui.set_max_width(420.0);
        for t in cells {
            ui.label(
                egui::RichText::new(format!("{} {} {}", t.indicator, t.comparator, t.label()))
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
