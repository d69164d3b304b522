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
                UiCommand::ReuseReport(plan_id) => self.reuse.open_for(&plan_id),
                UiCommand::ComparePassage {
                    plan_a,
                    measure_a,
                    plan_b,
                    measure_b,
                } => self.compare_passage(ctx, plan_a, measure_a, plan_b, measure_b),
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

    /// Compare two plans and focus a measure of the first against one of the second (a reuse
    /// passage): the table of the two is built on the next frame, the focus waits for it.
    fn compare_passage(
        &mut self,
        ctx: &egui::Context,
        plan_a: String,
        measure_a: usize,
        plan_b: String,
        measure_b: usize,
    ) {
        let (Some(corpus), Some(analysis)) = (&self.corpus, &self.analysis) else {
            return;
        };
        let flat = |id: &str, m: usize| {
            let p = corpus.plans.iter().position(|p| p.plan_id == id)?;
            analysis.flat_index(p, m)
        };
        let (Some(fa), Some(fb)) = (flat(&plan_a, measure_a), flat(&plan_b, measure_b)) else {
            return;
        };
        let ids = vec![plan_a.clone(), plan_b.clone()];
        self.settings.view = View::Compare;
        if self.compare.shows(&ids) {
            let now = ctx.input(|i| i.time);
            self.compare.focus_pair(analysis, fa, fb, now);
            return;
        }
        self.settings.compared_plans = ids;
        self.commands.push(UiCommand::ComparePassage {
            plan_a,
            measure_a,
            plan_b,
            measure_b,
        });
        ctx.request_repaint();
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
