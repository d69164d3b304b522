//! The search panel (Ctrl+F): a query box, the hit count, and the hits as keyword-in-context
//! lines grouped by plan; a click on a hit (or Enter in the box, for the first hit) asks the app
//! to focus that measure (a section-title hit asks to open the plan).
//!
//! The panel paints a [`SearchResult`] computed by [`crate::search::search`]; it searches again
//! only when the query or the corpus changes (a search over the seeds takes a few milliseconds,
//! so there is no debounce and no background thread). It also keeps the highlight ranges of every
//! hit by plan and measure, so the compare and plan views can mark the hits in all columns
//! ([`SearchPanel::highlight_ranges`]).

use std::collections::HashMap;
use std::ops::Range;

use egui::text::LayoutJob;
use egui::{Color32, Role, Sense, Stroke, TextFormat, TextStyle, WidgetInfo};

use crate::corpus::Corpus;
use crate::search::{Hit, MatchKind, SearchResult, search};

use super::command::UiCommand;
use super::context::ViewContext;
use super::settings::Language;

/// Hits kept by default; the count shows how many more there are.
pub const DEFAULT_LIMIT: usize = 1000;

/// What the current result was computed for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ResultKey {
    query: String,
    corpus_revision: u64,
    plans_len: usize,
    /// The plans searched when narrowed to the compared ones (corpus indices).
    scope: Option<Vec<usize>>,
}

/// The search panel's state: the query, its result and the highlight ranges of its hits.
#[derive(Debug)]
pub struct SearchPanel {
    /// The [`ViewContext::corpus_revision`] last drawn with: the caches' key, not the corpus's
    /// address (a freed and reallocated corpus can reuse that).
    corpus_revision: u64,
    /// The query as typed.
    pub query: String,
    /// Hits kept at most.
    pub limit: usize,
    /// Search only the compared plans (when there are any).
    pub compared_only: bool,
    result: SearchResult,
    key: Option<ResultKey>,
    focus_requested: bool,
    highlights: HashMap<(usize, usize), Vec<Range<usize>>>,
}

impl Default for SearchPanel {
    fn default() -> Self {
        SearchPanel {
            query: String::new(),
            limit: DEFAULT_LIMIT,
            compared_only: false,
            result: SearchResult::default(),
            key: None,
            focus_requested: true,
            highlights: HashMap::new(),
            corpus_revision: 0,
        }
    }
}

/// Background of a matched word (a soft yellow, like a highlighter), with an underline so the
/// mark does not rely on colour alone.
pub fn match_background(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(110, 90, 20)
    } else {
        Color32::from_rgb(255, 230, 120)
    }
}

impl SearchPanel {
    /// Draw from `cx` (the one view contract); a click's wish goes into `out`. Searches all plans, or the compared ones when narrowed.
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &ViewContext<'_>, out: &mut Vec<UiCommand>) {
        self.corpus_revision = cx.corpus_revision;
        let Some(corpus) = cx.corpus else {
            return;
        };
        let compared: Vec<usize> = cx
            .settings
            .compared_plans
            .iter()
            .filter_map(|id| corpus.plans.iter().position(|p| p.plan_id == *id))
            .collect();
        out.extend(self.show(ui, corpus, &compared, cx.language));
    }

    /// A panel with an empty query whose box takes the keyboard focus when first shown.
    pub fn new() -> Self {
        Self::default()
    }

    /// Give the query box the keyboard focus on the next frame (call when opening with Ctrl+F).
    pub fn request_focus(&mut self) {
        self.focus_requested = true;
    }

    /// The result of the current query (empty before the first search).
    pub fn result(&self) -> &SearchResult {
        &self.result
    }

    /// Byte ranges of the hits in the display text of measure `measure_index` of plan
    /// `plan_index` (corpus index); empty when it has none.
    pub fn highlight_ranges(&self, plan_index: usize, measure_index: usize) -> &[Range<usize>] {
        self.highlights
            .get(&(plan_index, measure_index))
            .map_or(&[], Vec::as_slice)
    }

    /// What a click on the first hit asks for (`None` without hits).
    pub fn first_hit_command(&self) -> Option<UiCommand> {
        let plan = self.result.hits_by_plan.first()?;
        let hit = plan.hits.first()?;
        Some(match hit.measure_index {
            Some(measure_index) => UiCommand::FocusMeasure {
                plan_id: plan.plan_id.clone(),
                measure_index,
            },
            None => UiCommand::OpenPlan(plan.plan_id.clone()),
        })
    }

    /// Search again if the query, the scope or the corpus changed since the last search;
    /// `compared` are the compared plans' corpus indices.
    pub fn update(&mut self, corpus: &Corpus, compared: &[usize]) {
        let scope = (self.compared_only && !compared.is_empty()).then(|| compared.to_vec());
        let key = ResultKey {
            query: self.query.trim().to_owned(),
            corpus_revision: self.corpus_revision,
            plans_len: corpus.plans.len(),
            scope,
        };
        if self.key.as_ref() == Some(&key) {
            return;
        }
        self.result = match &key.scope {
            None => search(&corpus.plans, &key.query, self.limit),
            Some(plans) => {
                // Every hit, then only the compared plans' (kept up to the limit).
                let mut all = search(&corpus.plans, &key.query, usize::MAX);
                all.hits_by_plan.retain(|p| plans.contains(&p.plan_index));
                all.total = all.hits_by_plan.iter().map(|p| p.total).sum();
                let mut room = self.limit;
                for p in &mut all.hits_by_plan {
                    p.hits.truncate(room);
                    room -= p.hits.len();
                }
                all.shown = all.hits_by_plan.iter().map(|p| p.hits.len()).sum();
                all
            }
        };
        self.highlights = self
            .result
            .hits_by_plan
            .iter()
            .flat_map(|p| {
                p.hits.iter().filter_map(move |h| {
                    Some((
                        (p.plan_index, h.measure_index?),
                        h.byte_ranges_in_text.clone(),
                    ))
                })
            })
            .collect();
        self.key = Some(key);
    }

    /// Draw the panel; returns what a click asks the app to do.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        corpus: &Corpus,
        compared: &[usize],
        lang: Language,
    ) -> Option<UiCommand> {
        let edit = egui::TextEdit::singleline(&mut self.query)
            .hint_text(lang.pick(
                "搜索措施和标题（繁简通用，空格分词）",
                "Search measures and headings (any script; spaces separate words)",
            ))
            .desired_width(f32::INFINITY);
        let response = ui.add(edit);
        if std::mem::take(&mut self.focus_requested) {
            response.request_focus();
        }
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(lang.pick("范围", "Scope"))
                    .small()
                    .weak(),
            );
            let compared_label = match lang {
                Language::Chinese => format!("对照中的 {} 个方案", compared.len()),
                Language::English => format!("the {} compared plans", compared.len()),
            };
            ui.add_enabled_ui(!compared.is_empty(), |ui| {
                ui.radio_value(&mut self.compared_only, true, compared_label);
            });
            ui.radio_value(
                &mut self.compared_only,
                false,
                lang.pick("全部方案", "all plans"),
            );
        });
        self.update(corpus, compared);
        ui.label(count_text(&self.result, lang));
        ui.separator();
        let mut command = None;
        // Enter in the box goes to the first hit.
        if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            command = self.first_hit_command();
        }
        let dark = ui.visuals().dark_mode;
        egui::ScrollArea::vertical()
            .id_salt("search_hits")
            .auto_shrink(false)
            .show(ui, |ui| {
                for plan in &self.result.hits_by_plan {
                    let title = match lang {
                        Language::Chinese => format!("{}（{}）", plan.name, plan.total),
                        Language::English => format!("{} ({})", plan.name, plan.total),
                    };
                    egui::CollapsingHeader::new(title)
                        .id_salt(("search_plan", &plan.plan_id))
                        .default_open(true)
                        .show(ui, |ui| {
                            for hit in &plan.hits {
                                if hit_ui(ui, hit, dark, lang).clicked() {
                                    command = Some(match hit.measure_index {
                                        Some(measure_index) => UiCommand::FocusMeasure {
                                            plan_id: plan.plan_id.clone(),
                                            measure_index,
                                        },
                                        None => UiCommand::OpenPlan(plan.plan_id.clone()),
                                    });
                                }
                            }
                            if plan.hits.len() < plan.total {
                                ui.label(
                                    egui::RichText::new(match lang {
                                        Language::Chinese => format!(
                                            "另有 {} 条未显示",
                                            plan.total - plan.hits.len()
                                        ),
                                        Language::English => {
                                            format!(
                                                "{} more not shown",
                                                plan.total - plan.hits.len()
                                            )
                                        }
                                    })
                                    .weak(),
                                );
                            }
                        });
                }
            });
        command
    }
}

/// `N 条结果` (with how many are shown when the limit cut them).
fn count_text(result: &SearchResult, lang: Language) -> String {
    if result.query.is_none() {
        return lang
            .pick("输入词语开始搜索", "Type a word to search")
            .to_owned();
    }
    let plans = result.hits_by_plan.len();
    match (lang, result.truncated()) {
        (Language::Chinese, false) => format!("{} 条结果，{plans} 个方案", result.total),
        (Language::Chinese, true) => format!(
            "{} 条结果，{plans} 个方案（显示前 {} 条）",
            result.total, result.shown
        ),
        (Language::English, false) => format!("{} hits in {plans} plans", result.total),
        (Language::English, true) => format!(
            "{} hits in {plans} plans (first {} shown)",
            result.total, result.shown
        ),
    }
}

/// One keyword-in-context line: context, the match marked, context; clickable.
fn hit_ui(ui: &mut egui::Ui, hit: &Hit, dark: bool, lang: Language) -> egui::Response {
    let font = TextStyle::Body.resolve(ui.style());
    let weak = ui.visuals().weak_text_color();
    let strong = ui.visuals().strong_text_color();
    let plain = TextFormat {
        font_id: font.clone(),
        color: ui.visuals().text_color(),
        ..Default::default()
    };
    let mut job = LayoutJob::default();
    if hit.measure_index.is_none() {
        job.append(
            lang.pick("§ 标题 ", "§ heading "),
            0.0,
            TextFormat {
                color: weak,
                ..plain.clone()
            },
        );
    } else if hit.kind == MatchKind::AllWords {
        job.append(
            lang.pick("≈ ", "≈ "),
            0.0,
            TextFormat {
                color: weak,
                ..plain.clone()
            },
        );
    }
    for (text, marked) in hit.kwic_runs() {
        let format = if marked {
            TextFormat {
                color: strong,
                background: match_background(dark),
                underline: Stroke::new(1.0, strong),
                ..plain.clone()
            }
        } else {
            plain.clone()
        };
        job.append(text, 0.0, format);
    }
    job.wrap.max_width = ui.available_width();
    let label = format!("{}{}{}", hit.kwic.left, hit.kwic.matched, hit.kwic.right);
    let response = ui
        .add(egui::Label::new(job).sense(Sense::click()))
        .on_hover_text(&hit.text);
    response.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
    if response.hovered() {
        ui.painter().rect_stroke(
            response.rect.expand(1.0),
            2.0,
            ui.visuals().widgets.hovered.bg_stroke,
            egui::StrokeKind::Outside,
        );
    }
    response
}
