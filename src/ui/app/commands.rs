//! Applying the [`UiCommand`]s the views queued, once per frame after drawing.

use super::DuizhaoApp;
use crate::ui::command::UiCommand;
use crate::ui::settings::View;

impl DuizhaoApp {
    /// Apply the commands the views queued this frame.
    pub(super) fn run_commands(&mut self, ctx: &egui::Context) {
        for command in std::mem::take(&mut self.commands) {
            match command {
                UiCommand::ComparePlans(ids) => {
                    self.settings.compared_plans = ids;
                    self.settings.view = View::Compare;
                }
                UiCommand::OpenPlan(id) => {
                    self.settings.selected_plan = Some(id);
                    self.settings.view = View::Plan;
                    self.library.reveal_selected();
                }
                UiCommand::FocusMeasure {
                    plan_id,
                    measure_index,
                } => self.focus_measure(ctx, &plan_id, measure_index),
                UiCommand::TagMeasure {
                    plan_id,
                    measure_index,
                    theme_id,
                } => {
                    if let Some(corpus) = &self.corpus
                        && let Err(e) =
                            self.proj
                                .tag_measure(corpus, &plan_id, measure_index, &theme_id)
                    {
                        self.notices.push(e.to_string());
                    }
                }
                UiCommand::TagSpan {
                    plan_id,
                    byte_range,
                    theme_id,
                    remove,
                } => {
                    if let Some(corpus) = &self.corpus
                        && let Err(e) = self
                            .proj
                            .tag_span(corpus, &plan_id, byte_range, &theme_id, remove)
                    {
                        self.notices.push(e.to_string());
                    }
                }
                UiCommand::SetMemo { tag_id, memo } => {
                    if self.proj.project.set_memo(tag_id, &memo) {
                        self.proj.touch();
                    }
                }
                UiCommand::UntagMeasure {
                    plan_id,
                    measure_index,
                    theme_id,
                } => {
                    if let Some(corpus) = &self.corpus {
                        self.proj
                            .untag_measure(corpus, &plan_id, measure_index, &theme_id);
                    }
                }
            }
        }
    }

    /// Show a measure: in the comparison if its plan is compared, else in the plan view.
    pub(super) fn focus_measure(
        &mut self,
        ctx: &egui::Context,
        plan_id: &str,
        measure_index: usize,
    ) {
        let (Some(corpus), Some(analysis)) = (&self.corpus, &self.analysis) else {
            return;
        };
        let Some(plan_index) = corpus.plans.iter().position(|p| p.plan_id == plan_id) else {
            return;
        };
        let now = ctx.input(|i| i.time);
        if self.settings.compared_plans.iter().any(|p| p == plan_id)
            && let Some(flat) = analysis.flat_index(plan_index, measure_index)
        {
            self.settings.view = View::Compare;
            if self.compare.comparison().is_some() && self.compare.focus_flat(analysis, flat, now) {
                return;
            }
            // The table is built on the next frame: focus then.
            self.commands.push(UiCommand::FocusMeasure {
                plan_id: plan_id.to_owned(),
                measure_index,
            });
            return;
        }
        self.settings.selected_plan = Some(plan_id.to_owned());
        self.settings.view = View::Plan;
        self.library.reveal_selected();
        self.doc.focus_measure(measure_index);
    }
}
