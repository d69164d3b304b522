//! The reuse report of one plan (文本复用), in a window opened from the plan's menu (the library
//! list, a column header of the comparison): the share of its text found word for word in each
//! other loaded plan, most-copied first, and the passages. A passage opens the comparison of the
//! two plans at it, its characters in common marked. The report is [`crate::reuse::reuse_report`],
//! the same the CLI prints (`duizhao reuse --plan`), worked out on a background thread (it reads
//! every loaded plan); the table exports through the export dialog (`reuse` table).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};

use crate::corpus::Corpus;
use crate::reuse::{REUSE_MIN_CHARS, ReuseReport, reuse_report};
use crate::ui::command::UiCommand;
use crate::ui::settings::Language;

/// What the reuse window asks of the app besides [`UiCommand`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReuseRequest {
    /// Open the export dialog for the reuse table of this plan (corpus index).
    Export(usize),
}

/// Passages drawn for the selected source before "show all".
const PASSAGES_SHOWN: usize = 200;

/// The window's state.
#[derive(Debug, Default)]
pub struct ReuseWindow {
    open: bool,
    /// The plan reported on.
    plan_id: Option<String>,
    /// Its report, once worked out, and the corpus it was worked out on.
    report: Option<ReuseReport>,
    /// The corpus revision it was worked out for (a reload works it out again).
    for_revision: Option<u64>,
    /// The report being worked out.
    running: Option<Receiver<Option<ReuseReport>>>,
    /// Index of the selected source in the report's rows.
    selected: usize,
}

impl ReuseWindow {
    /// Open the window on the plan `plan_id` (worked out again if it is another plan).
    pub fn open_for(&mut self, plan_id: &str) {
        if self.plan_id.as_deref() != Some(plan_id) {
            self.plan_id = Some(plan_id.to_owned());
            self.report = None;
            self.running = None;
            self.selected = 0;
        }
        self.open = true;
    }

    /// Whether the window is shown.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// The report shown, once worked out.
    pub fn report(&self) -> Option<&ReuseReport> {
        self.report.as_ref()
    }

    /// Whether the report is being worked out.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Start working the report out on a background thread.
    fn start(&mut self, ctx: &egui::Context, corpus: &Arc<Corpus>) {
        let Some(plan) = self
            .plan_id
            .as_deref()
            .and_then(|id| corpus.plans.iter().position(|p| p.plan_id == id))
        else {
            return;
        };
        let (tx, rx) = mpsc::channel();
        let corpus = Arc::clone(corpus);
        let repaint = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("duizhao-reuse".into())
            .spawn(move || {
                let _ = tx.send(reuse_report(&corpus.plans, plan));
                repaint.request_repaint();
            });
        if spawned.is_ok() {
            self.running = Some(rx);
        }
    }

    fn poll(&mut self) {
        let Some(rx) = &self.running else { return };
        match rx.try_recv() {
            Ok(report) => {
                self.report = report;
                self.selected = 0;
                self.running = None;
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => self.running = None,
        }
    }

    /// Draw the window; commands (compare two plans at a passage) go to `out`. `revision` is the
    /// corpus revision (bumped on every load).
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        corpus: &Arc<Corpus>,
        revision: u64,
        lang: Language,
        out: &mut Vec<UiCommand>,
    ) -> Option<ReuseRequest> {
        if !self.open {
            return None;
        }
        if self.for_revision != Some(revision) {
            self.for_revision = Some(revision);
            self.report = None;
            self.running = None;
        }
        self.poll();
        if self.report.is_none() && self.running.is_none() {
            self.start(ctx, corpus);
        }
        let name = self
            .plan_id
            .as_deref()
            .and_then(|id| corpus.plans.iter().find(|p| p.plan_id == id))
            .map_or_else(String::new, |p| p.name.clone());
        let title = match lang {
            Language::Chinese => format!("文本复用 · {name}"),
            Language::English => format!("Reuse · {name}"),
        };
        let mut open = self.open;
        let mut request = None;
        egui::Window::new(title)
            .id(egui::Id::unique("reuse_report_window"))
            .open(&mut open)
            .resizable(true)
            .default_pos(egui::pos2(330.0, 110.0))
            .default_size(egui::vec2(820.0, 640.0))
            .show(ctx, |ui| {
                request = self.body_ui(ui, corpus, lang, out);
            });
        if ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            open = false;
        }
        self.open = open;
        request
    }

    fn body_ui(
        &mut self,
        ui: &mut egui::Ui,
        corpus: &Corpus,
        lang: Language,
        out: &mut Vec<UiCommand>,
    ) -> Option<ReuseRequest> {
        let Some(report) = &self.report else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(lang.pick(
                    "正在与其他方案逐字比对…",
                    "Checking the text against every other plan…",
                ));
            });
            return None;
        };
        let mut request = None;
        ui.horizontal_wrapped(|ui| {
            ui.label(match lang {
                Language::Chinese => format!(
                    "{} 条措施，{} 字。连续 {REUSE_MIN_CHARS} 字以上与另一方案某条措施逐字相同（忽略标点、全半角与繁简）即计为复用。",
                    report.measures, report.total_chars
                ),
                Language::English => format!(
                    "{} measures, {} characters. A run of {REUSE_MIN_CHARS}+ characters found word for word in one measure of another plan (punctuation, width and script ignored) counts as reused.",
                    report.measures, report.total_chars
                ),
            });
            if ui
                .button(lang.pick("导出…", "Export…"))
                .on_hover_text(lang.pick(
                    "在导出对话框中导出本报告（Excel、CSV、Markdown、HTML）",
                    "Export this report from the export dialog (Excel, CSV, Markdown, HTML)",
                ))
                .clicked()
            {
                request = Some(ReuseRequest::Export(report.plan));
            }
        });
        ui.separator();
        if report.rows.is_empty() {
            ui.label(lang.pick(
                "没有其他已载入的方案与它有逐字相同的段落。",
                "No other loaded plan shares a passage with it word for word.",
            ));
            return request;
        }
        ui.label(
            egui::RichText::new(lang.pick("来源（复用最多的在前）", "Sources (most copied first)"))
                .strong(),
        );
        let mut selected = self.selected.min(report.rows.len() - 1);
        egui::ScrollArea::vertical()
            .id_salt("reuse_sources")
            .max_height(220.0)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                for (k, row) in report.rows.iter().enumerate() {
                    ui.horizontal(|ui| {
                        let (rect, _) =
                            ui.allocate_exact_size(egui::vec2(90.0, 12.0), egui::Sense::hover());
                        ui.painter()
                            .rect_filled(rect, 2.0, ui.visuals().faint_bg_color);
                        let filled = egui::Rect::from_min_size(
                            rect.min,
                            egui::vec2(rect.width() * row.share.clamp(0.0, 1.0) as f32, 12.0),
                        );
                        ui.painter()
                            .rect_filled(filled, 2.0, ui.visuals().selection.bg_fill);
                        let text = match lang {
                            Language::Chinese => format!(
                                "{}. {} — {:.1}%（{} 字，{} 条措施，{} 段）",
                                k + 1,
                                row.name,
                                row.share * 100.0,
                                row.found_chars,
                                row.measures_touched,
                                row.passages.len()
                            ),
                            Language::English => format!(
                                "{}. {} — {:.1}% ({} characters, {} measures, {} passages)",
                                k + 1,
                                row.name,
                                row.share * 100.0,
                                row.found_chars,
                                row.measures_touched,
                                row.passages.len()
                            ),
                        };
                        if ui.selectable_label(selected == k, text).clicked() {
                            selected = k;
                        }
                    });
                }
            });
        self.selected = selected;
        let Some(row) = report.rows.get(selected) else {
            return request;
        };
        ui.separator();
        ui.label(
            egui::RichText::new(match lang {
                Language::Chinese => format!(
                    "与 {} 逐字相同的段落（最长的在前；点击在对照中打开）",
                    row.name
                ),
                Language::English => format!(
                    "Passages found in {} (longest first; click to compare the two plans there)",
                    row.name
                ),
            })
            .strong(),
        );
        let (Some(plan_a), Some(plan_b)) =
            (corpus.plans.get(report.plan), corpus.plans.get(row.plan))
        else {
            return request;
        };
        // Measure id -> index in its plan's measures(), for the numbers shown and the jump.
        let index_of = |p: &crate::plan::Plan| -> HashMap<String, usize> {
            p.measures()
                .iter()
                .enumerate()
                .map(|(k, m)| (m.measure_id.clone(), k))
                .collect()
        };
        let (ia, ib) = (index_of(plan_a), index_of(plan_b));
        egui::ScrollArea::vertical()
            .id_salt("reuse_passages")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for x in row.passages.iter().take(PASSAGES_SHOWN) {
                    let (Some(&ma), Some(&mb)) =
                        (ia.get(&x.measure_id), ib.get(&x.other_measure_id))
                    else {
                        continue;
                    };
                    let text = match lang {
                        Language::Chinese => format!(
                            "第 {} 条 ← 第 {} 条　{}（{} 字）",
                            ma + 1,
                            mb + 1,
                            x.text,
                            x.chars
                        ),
                        Language::English => format!(
                            "No. {} ← No. {}  {} ({} chars)",
                            ma + 1,
                            mb + 1,
                            x.text,
                            x.chars
                        ),
                    };
                    let clicked = ui
                        .add(egui::Button::selectable(false, text).wrap())
                        .on_hover_text(lang.pick(
                            "在对照中打开这两个方案，定位到这一段",
                            "Compare the two plans at this passage",
                        ))
                        .clicked();
                    if clicked {
                        out.push(UiCommand::ComparePassage {
                            plan_a: plan_a.plan_id.clone(),
                            measure_a: ma,
                            plan_b: plan_b.plan_id.clone(),
                            measure_b: mb,
                        });
                    }
                }
                if row.passages.len() > PASSAGES_SHOWN {
                    ui.label(
                        egui::RichText::new(match lang {
                            Language::Chinese => {
                                format!("另有 {} 段", row.passages.len() - PASSAGES_SHOWN)
                            }
                            Language::English => {
                                format!("+{} more", row.passages.len() - PASSAGES_SHOWN)
                            }
                        })
                        .weak(),
                    );
                }
            });
        request
    }
}
