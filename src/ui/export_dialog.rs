//! The export dialog (Ctrl+E): which tables, which format, which plans, where; the export itself
//! runs on a background thread through [`crate::export::export`], the same call the CLI makes.
//!
//! An existing file is not overwritten unless the user confirms; CSV writes one file per table
//! (`<name>-<table>.csv` when several are chosen, named by [`crate::export::naming`]); a failed
//! export leaves no partial file (every writer goes through [`crate::fsutil`]).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};

use crate::corpus::Corpus;
use crate::export::qdpx::Coding;
use crate::export::{Format, Source, TableKind, naming};
use crate::matching::Analysis;
use crate::project::Project;

use super::settings::Language;

/// What the export dialog asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportRequest {
    /// Ask the user where to save (a native save dialog), with this suggested file name.
    ChoosePath(String),
}

/// The dialog's state.
#[derive(Debug)]
pub struct ExportDialog {
    /// Whether the window is shown.
    pub open: bool,
    /// Tables chosen, in [`TableKind::ALL`] order.
    pub tables: [bool; TableKind::ALL.len()],
    /// The format.
    pub format: Format,
    /// Export every loaded plan instead of the compared ones.
    pub all_plans: bool,
    /// Export for this plan only (corpus index; set when the reuse report asks for its table).
    pub only_plan: Option<usize>,
    /// The output path chosen.
    pub path: Option<PathBuf>,
    /// The path exists: waiting for the user to confirm overwriting it.
    confirm_overwrite: bool,
    /// The export running on its thread.
    running: Option<Receiver<Result<Vec<PathBuf>, String>>>,
    /// Outcome of the last export: the files written, or the error.
    pub last: Option<Result<Vec<PathBuf>, String>>,
}

impl Default for ExportDialog {
    fn default() -> Self {
        ExportDialog {
            open: false,
            tables: [
                true, true, true, true, false, false, false, false, false, false, false, false,
            ],
            format: Format::Xlsx,
            all_plans: false,
            only_plan: None,
            path: None,
            confirm_overwrite: false,
            running: None,
            last: None,
        }
    }
}

/// The formats offered, with their labels and file extensions.
const FORMATS: [(Format, &str, &str, &str); 6] = [
    (Format::Xlsx, "Excel 工作簿", "Excel workbook", "xlsx"),
    (
        Format::Csv,
        "CSV（每表一个文件）",
        "CSV (one file per table)",
        "csv",
    ),
    (Format::Markdown, "Markdown", "Markdown", "md"),
    (Format::Html, "HTML 报告", "HTML report", "html"),
    (
        Format::Qdpx,
        "REFI-QDA 项目 (.qdpx)",
        "REFI-QDA project (.qdpx)",
        "qdpx",
    ),
    (
        Format::Qdc,
        "REFI-QDA 编码本 (.qdc)",
        "REFI-QDA codebook (.qdc)",
        "qdc",
    ),
];

fn table_label(kind: TableKind, lang: Language) -> &'static str {
    match kind {
        TableKind::Comparison => lang.pick("对照表（对照中的方案）", "Comparison (compared plans)"),
        TableKind::Measures => lang.pick("措施表", "Measures"),
        TableKind::Families => lang.pick("措施家族", "Measure families"),
        TableKind::Targets => lang.pick("目标指标", "Targets"),
        TableKind::Themes => lang.pick("主题 × 方案矩阵", "Theme × plan matrix"),
        TableKind::Segments => lang.pick("已编码片段", "Coded segments"),
        TableKind::ThemeCounts => lang.pick(
            "方案 × 主题计数（统计用）",
            "Plans × themes, counts (for statistics)",
        ),
        TableKind::ThemePresence => {
            lang.pick("方案 × 主题有无 0/1", "Plans × themes, 0/1 presence")
        }
        TableKind::ThemePlan => lang.pick("主题 × 方案长表", "Theme × plan, long form"),
        TableKind::Memos => lang.pick("备注", "Memos"),
        TableKind::Agreement => lang.pick("编码者一致性", "Coder agreement"),
        TableKind::Reuse => lang.pick(
            "文本复用（所选方案的文字在其他方案中逐字出现的比例）",
            "Reuse (share of the chosen plans' text found verbatim in other plans)",
        ),
    }
}

impl ExportDialog {
    /// Open the dialog.
    pub fn show_dialog(&mut self) {
        self.open = true;
        self.only_plan = None;
    }

    /// Open the dialog for the reuse table of one plan (corpus index).
    pub fn show_for_reuse(&mut self, plan: usize) {
        self.open = true;
        self.only_plan = Some(plan);
        self.all_plans = false;
        self.tables = TableKind::ALL.map(|k| k == TableKind::Reuse);
        if matches!(self.format, Format::Qdpx | Format::Qdc) {
            self.format = Format::Xlsx;
        }
    }

    /// The tables chosen.
    pub fn chosen(&self) -> Vec<TableKind> {
        TableKind::ALL
            .into_iter()
            .zip(self.tables)
            .filter_map(|(k, on)| on.then_some(k))
            .collect()
    }

    /// The user picked `path` in the save dialog.
    pub fn set_path(&mut self, path: PathBuf) {
        self.path = Some(naming::with_extension(path, self.format));
        self.confirm_overwrite = false;
    }

    /// Whether an export is running.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Draw the window; returns a request for the app (the save dialog).
    #[allow(clippy::too_many_arguments)]
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        corpus: &Arc<Corpus>,
        analysis: Option<&Arc<Analysis>>,
        project: &Project,
        compared: &[usize],
        lang: Language,
    ) -> Option<ExportRequest> {
        self.poll();
        if !self.open {
            return None;
        }
        let mut request = None;
        let mut open = self.open;
        egui::Window::new(lang.pick("导出", "Export"))
            .id(egui::Id::unique("export_dialog"))
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .default_width(460.0)
            .show(ctx, |ui| {
                let table_format = !matches!(self.format, Format::Qdpx | Format::Qdc);
                ui.label(egui::RichText::new(lang.pick("格式", "Format")).strong());
                for (format, zh, en, _) in FORMATS {
                    if ui
                        .radio_value(&mut self.format, format, lang.pick(zh, en))
                        .changed()
                        && let Some(p) = &mut self.path
                    {
                        p.set_extension(naming::extension(format));
                        self.confirm_overwrite = false;
                    }
                }
                ui.separator();
                ui.add_enabled_ui(table_format, |ui| {
                    ui.label(egui::RichText::new(lang.pick("表格", "Tables")).strong());
                    for (k, on) in TableKind::ALL.into_iter().zip(self.tables.iter_mut()) {
                        ui.checkbox(on, table_label(k, lang));
                    }
                });
                if !table_format {
                    ui.label(
                        egui::RichText::new(lang.pick(
                            "REFI-QDA：方案全文作为文本源，编码本作为代码，已编码片段作为选段。",
                            "REFI-QDA: plan texts as sources, the codebook as codes, coded segments as selections.",
                        ))
                        .small()
                        .weak(),
                    );
                }
                ui.separator();
                let scope = match lang {
                    Language::Chinese => format!("对照中的 {} 个方案", compared.len()),
                    Language::English => format!("the {} compared plans", compared.len()),
                };
                if let Some(name) = self.only_plan.and_then(|p| corpus.plans.get(p)).map(|p| p.name.clone()) {
                    let only = match lang {
                        Language::Chinese => format!("仅 {name}"),
                        Language::English => format!("{name} only"),
                    };
                    if ui.radio(true, only).clicked() {
                        self.only_plan = None;
                    }
                }
                let compared_scope = self.only_plan.is_none() && !self.all_plans;
                if ui.radio(compared_scope, scope).clicked() {
                    self.only_plan = None;
                    self.all_plans = false;
                }
                let all = match lang {
                    Language::Chinese => format!("全部 {} 个方案", corpus.plans.len()),
                    Language::English => format!("all {} plans", corpus.plans.len()),
                };
                if ui.radio(self.only_plan.is_none() && self.all_plans, all).clicked() {
                    self.only_plan = None;
                    self.all_plans = true;
                }
                ui.separator();
                ui.horizontal(|ui| {
                    let shown = self
                        .path
                        .as_ref()
                        .map_or_else(|| lang.pick("（未选择）", "(not chosen)").to_owned(), |p| {
                            p.display().to_string()
                        });
                    ui.label(shown);
                    if ui.button(lang.pick("选择位置…", "Choose…")).clicked() {
                        let name = naming::suggested_name(self.format);
                        request = Some(ExportRequest::ChoosePath(name));
                    }
                });
                let tables = self.chosen();
                let problem = if self.path.is_none() {
                    Some(lang.pick("先选择保存位置", "Choose where to save first"))
                } else if table_format && tables.is_empty() {
                    Some(lang.pick("至少选择一个表格", "Choose at least one table"))
                } else if analysis.is_none() {
                    Some(lang.pick("分析尚未完成", "The analysis is not ready yet"))
                } else if self.only_plan.is_none() && self.all_plans && tables.contains(&TableKind::Reuse) && table_format {
                    Some(lang.pick("文本复用表只用于选定的方案（对照中的方案或单个方案）", "The reuse table is for chosen plans (the compared ones or one plan)"))
                } else if self.only_plan.is_none() && !self.all_plans && compared.is_empty() && tables.contains(&TableKind::Reuse) && table_format {
                    Some(lang.pick("文本复用表需要至少一个方案", "The reuse table needs at least one plan"))
                } else if self.only_plan.is_some() && tables.contains(&TableKind::Comparison) && table_format {
                    Some(lang.pick("对照表需要至少两个方案", "The comparison needs two or more plans"))
                } else if self.only_plan.is_none() && !self.all_plans && compared.len() < 2 && tables.contains(&TableKind::Comparison) && table_format {
                    Some(lang.pick("对照表需要至少两个对照中的方案", "The comparison needs two or more compared plans"))
                } else {
                    None
                };
                if let Some(p) = problem {
                    ui.label(egui::RichText::new(p).color(ui.visuals().warn_fg_color));
                }
                if self.confirm_overwrite {
                    ui.label(
                        egui::RichText::new(lang.pick("文件已存在。覆盖它吗？", "The file exists. Overwrite it?"))
                            .color(ui.visuals().warn_fg_color),
                    );
                }
                ui.horizontal(|ui| {
                    let label = if self.confirm_overwrite {
                        lang.pick("覆盖并导出", "Overwrite and export")
                    } else {
                        lang.pick("导出", "Export")
                    };
                    let enabled = problem.is_none() && self.running.is_none();
                    if ui.add_enabled(enabled, egui::Button::new(label)).clicked()
                        && let (Some(path), Some(analysis)) = (self.path.clone(), analysis)
                    {
                        let outputs = naming::outputs(&path, self.format, &tables);
                        if !self.confirm_overwrite && outputs.iter().any(|p| p.exists()) {
                            self.confirm_overwrite = true;
                        } else {
                            let overwrite = self.confirm_overwrite;
                            self.confirm_overwrite = false;
                            let plans = if let Some(p) = self.only_plan {
                                vec![p]
                            } else if self.all_plans {
                                Vec::new()
                            } else {
                                compared.to_vec()
                            };
                            self.start(ctx, corpus, analysis, project, plans, tables, path, overwrite);
                        }
                    }
                    if self.running.is_some() {
                        ui.spinner();
                        ui.label(lang.pick("正在导出…", "Exporting…"));
                    }
                });
                match &self.last {
                    Some(Ok(files)) => {
                        for f in files {
                            let text = format!("{} {}", lang.pick("已写入", "Written"), f.display());
                            ui.add(egui::Label::new(egui::RichText::new(text).small()).selectable(true));
                        }
                    }
                    Some(Err(e)) => {
                        ui.add(
                            egui::Label::new(egui::RichText::new(e).color(ui.visuals().error_fg_color))
                                .selectable(true),
                        );
                    }
                    None => {}
                }
            });
        if ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            open = false;
        }
        self.open = open;
        request
    }

    /// Run the export on a background thread.
    #[allow(clippy::too_many_arguments)]
    fn start(
        &mut self,
        ctx: &egui::Context,
        corpus: &Arc<Corpus>,
        analysis: &Arc<Analysis>,
        project: &Project,
        plans: Vec<usize>,
        tables: Vec<TableKind>,
        path: PathBuf,
        overwrite: bool,
    ) {
        let (tx, rx) = mpsc::channel();
        let corpus = Arc::clone(corpus);
        let analysis = Arc::clone(analysis);
        let coding = Coding::from_project(project, &corpus);
        let format = self.format;
        let repaint = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("duizhao-export".into())
            .spawn(move || {
                let source = Source {
                    corpus: &corpus,
                    analysis: &analysis,
                    plans: &plans,
                    coding: Some(&coding),
                };
                let result = naming::export_to(&source, &tables, format, &path, overwrite)
                    .map_err(|e| e.to_string());
                let _ = tx.send(result);
                repaint.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.running = Some(rx);
                self.last = None;
            }
            Err(e) => self.last = Some(Err(format!("cannot start the export: {e}"))),
        }
    }

    /// Take the outcome of a finished export.
    fn poll(&mut self) {
        let Some(rx) = &self.running else { return };
        match rx.try_recv() {
            Ok(result) => {
                self.last = Some(result);
                self.running = None;
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => {
                self.last = Some(Err("the export stopped without a result".into()));
                self.running = None;
            }
        }
    }
}
