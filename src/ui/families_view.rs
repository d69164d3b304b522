//! The measure families: every group of measures the engine linked as shared, most widely
//! adopted first, with a filter; opening one stacks its members with the words that differ from
//! the representative marked (background and underline, so the mark does not rely on colour).
//!
//! The list is built once per analysis ([`family_rows`]) and drawn with `ScrollArea::show_rows`,
//! so only the rows in view are painted (thousands of families on a big corpus). A family is
//! collated ([`collate_family`]) when it is opened.

use egui::text::{LayoutJob, TextWrapping};
use egui::{Color32, Rect, Role, Sense, Stroke, TextFormat, TextStyle, WidgetInfo};

use crate::collate::{CollatedFamily, CollatedMember, FamilyRow, SegmentKind};
use crate::collate::{collate_family, family_rows};
use std::sync::Arc;

use crate::corpus::Corpus;
use crate::matching::Analysis;

use super::command::UiCommand;
use super::context::ViewContext;
use super::jobs::{Job, Progress, computing_ui};
use super::settings::Language;

/// Most plans sent to the compare view by "Compare these plans".
pub const MAX_COMPARED: usize = 8;

/// What the list was built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ListKey {
    corpus_revision: u64,
    plans_len: usize,
    families: usize,
    measures: usize,
}

impl ListKey {
    fn of(corpus_revision: u64, corpus: &Corpus, analysis: &Analysis) -> ListKey {
        ListKey {
            corpus_revision,
            plans_len: corpus.plans.len(),
            families: analysis.families.len(),
            measures: analysis.measures.len(),
        }
    }
}

/// The job building the list of `corpus`, for [`Job::ensure`] and [`Job::prefetch`].
fn build_rows(
    corpus: &Arc<Corpus>,
    analysis: &Arc<Analysis>,
) -> impl FnOnce(&Progress) -> Vec<FamilyRow> + Send + 'static {
    let (c, a) = (Arc::clone(corpus), Arc::clone(analysis));
    move |_| family_rows(&c.plans, &a)
}

/// The families view's state: the list, the filter, the family opened.
#[derive(Debug, Default)]
pub struct FamiliesView {
    /// The [`ViewContext::corpus_revision`] last drawn with: the caches' key, not the corpus's
    /// address (a freed and reallocated corpus can reuse that).
    corpus_revision: u64,
    /// The filter as typed (matches member texts and plan names).
    pub filter: String,
    /// The list, built on a background thread for big corpora.
    rows: Job<ListKey, Vec<FamilyRow>>,
    /// The key of the list the filter and the opened family belong to.
    key: Option<ListKey>,
    filtered: Vec<usize>,
    filtered_for: Option<String>,
    open: Option<CollatedFamily>,
}

/// Background of a differing word.
pub fn differing_background(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(120, 70, 30)
    } else {
        Color32::from_rgb(255, 214, 170)
    }
}

impl FamiliesView {
    /// Draw from `cx` (the one view contract); a click's wish goes into `out`. Nothing is drawn before the corpus and its analysis.
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &ViewContext<'_>, out: &mut Vec<UiCommand>) {
        self.corpus_revision = cx.corpus_revision;
        let (Some(corpus), Some(analysis)) = (cx.corpus, cx.analysis) else {
            return;
        };
        out.extend(self.show(ui, corpus, analysis, cx.language));
    }

    /// The rows listed after the filter, in order.
    pub fn visible_rows(&self) -> Vec<&FamilyRow> {
        let Some(rows) = self.rows_now() else {
            return Vec::new();
        };
        self.filtered.iter().filter_map(|&k| rows.get(k)).collect()
    }

    /// The family opened, if any.
    pub fn open_family(&self) -> Option<&CollatedFamily> {
        self.open.as_ref()
    }

    /// Open family `family_id` (collated now); `None` back to the list.
    pub fn open(&mut self, corpus: &Corpus, analysis: &Analysis, family_id: Option<usize>) {
        self.open = family_id.and_then(|id| collate_family(&corpus.plans, analysis, id));
    }

    /// The list of the current key, when it is built.
    fn rows_now(&self) -> Option<&Vec<FamilyRow>> {
        self.key.as_ref().and_then(|k| self.rows.get(k))
    }

    /// Is the list of the data last drawn ready (not being computed)?
    pub fn is_ready(&self) -> bool {
        self.rows_now().is_some()
    }

    /// Background builds run above this many plans (tests lower it to 0).
    pub fn set_inline_max(&mut self, plans: usize) {
        self.rows.inline_max = plans;
    }

    /// Ask for the list of the corpus and analysis (built now or on a thread); whether it is
    /// ready.
    fn update_rows(
        &mut self,
        ctx: &egui::Context,
        corpus: &Arc<Corpus>,
        analysis: &Arc<Analysis>,
    ) -> bool {
        let key = ListKey::of(self.corpus_revision, corpus, analysis);
        if self.key != Some(key) {
            if self.key.is_some() {
                // Another corpus: the family opened is gone (one opened before the first draw
                // stays).
                self.open = None;
            }
            self.key = Some(key);
            self.filtered_for = None;
        }
        self.rows
            .ensure(ctx, key, corpus.plans.len(), build_rows(corpus, analysis))
    }

    /// Is the list of `corpus` at `corpus_revision` built (whether or not it was drawn)?
    pub fn is_built_for(&self, corpus: &Corpus, analysis: &Analysis, corpus_revision: u64) -> bool {
        self.rows
            .get(&ListKey::of(corpus_revision, corpus, analysis))
            .is_some()
    }

    /// Is a build of the list under way (asked for or prefetched)?
    /// Takes in a result that has arrived.
    pub fn is_computing(&mut self) -> bool {
        self.rows.poll();
        self.rows.is_running()
    }

    /// Start building the list of `corpus` (at `corpus_revision`) in the background, before the
    /// view is opened ([`Job::prefetch`]).
    pub fn prefetch(
        &mut self,
        ctx: &egui::Context,
        corpus: &Arc<Corpus>,
        analysis: &Arc<Analysis>,
        corpus_revision: u64,
    ) {
        let key = ListKey::of(corpus_revision, corpus, analysis);
        self.rows
            .prefetch(ctx, key, corpus.plans.len(), build_rows(corpus, analysis));
    }

    /// Filter the list again if the filter changed.
    fn update_filter(&mut self) {
        if self.filtered_for.as_deref() != Some(self.filter.as_str()) {
            let Some(rows) = self.key.as_ref().and_then(|k| self.rows.get(k)) else {
                return;
            };
            self.filtered = rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.matches(&self.filter))
                .map(|(k, _)| k)
                .collect();
            self.filtered_for = Some(self.filter.clone());
        }
    }

    /// Draw the list or the family opened; returns what a click asks the app to do.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        corpus: &Arc<Corpus>,
        analysis: &Arc<Analysis>,
        lang: Language,
    ) -> Option<UiCommand> {
        let ready = self.update_rows(ui.ctx(), corpus, analysis);
        if self.open.is_some() {
            return self.family_ui(ui, corpus, lang);
        }
        if !ready {
            computing_ui(ui, &self.rows, ("措施族", "the families"), lang);
            return None;
        }
        ui.add(
            egui::TextEdit::singleline(&mut self.filter)
                .hint_text(lang.pick(
                    "筛选：措施文字或方案名称",
                    "Filter by measure text or plan name",
                ))
                .desired_width(f32::INFINITY),
        );
        self.update_filter();
        let total = self.rows_now().map_or(0, Vec::len);
        let count = match lang {
            Language::Chinese => format!("{} 个措施族（共 {} 个）", self.filtered.len(), total),
            Language::English => {
                format!("{} families (of {})", self.filtered.len(), total)
            }
        };
        ui.label(count);
        ui.separator();
        let row_height = ui.text_style_height(&TextStyle::Body) + 8.0;
        let mut opened = None;
        let rows = self.key.as_ref().and_then(|k| self.rows.get(k));
        egui::ScrollArea::vertical()
            .id_salt("family_rows")
            .auto_shrink(false)
            .show_rows(ui, row_height, self.filtered.len(), |ui, range| {
                for k in range {
                    let Some(row) = self
                        .filtered
                        .get(k)
                        .and_then(|&r| rows.and_then(|rows| rows.get(r)))
                    else {
                        continue;
                    };
                    if family_row_ui(ui, row, row_height, lang).clicked() {
                        opened = Some(row.family_id);
                    }
                }
            });
        if let Some(id) = opened {
            self.open(corpus, analysis, Some(id));
        }
        None
    }

    /// The family opened: its members stacked, differing words marked.
    fn family_ui(
        &mut self,
        ui: &mut egui::Ui,
        corpus: &Corpus,
        lang: Language,
    ) -> Option<UiCommand> {
        let Some(family) = &self.open else {
            return None;
        };
        let mut command = None;
        let mut back = false;
        ui.horizontal(|ui| {
            back = ui
                .button(lang.pick("← 返回列表", "← Back to the list"))
                .clicked();
            let summary = match lang {
                Language::Chinese => format!(
                    "{} 个方案 · {} 条措施",
                    family.plan_indexes.len(),
                    family.members.len()
                ),
                Language::English => format!(
                    "{} plans · {} measures",
                    family.plan_indexes.len(),
                    family.members.len()
                ),
            };
            ui.label(egui::RichText::new(summary).strong());
            let compare = ui
                .button(lang.pick("对照这些方案", "Compare these plans"))
                .on_hover_text(match lang {
                    Language::Chinese => format!("最多 {MAX_COMPARED} 个方案"),
                    Language::English => format!("At most {MAX_COMPARED} plans"),
                });
            if compare.clicked() {
                let ids: Vec<String> = family
                    .plan_indexes
                    .iter()
                    .filter_map(|&p| corpus.plans.get(p).map(|x| x.plan_id.clone()))
                    .take(MAX_COMPARED)
                    .collect();
                command = Some(UiCommand::ComparePlans(ids));
            }
        });
        legend(ui, lang);
        ui.separator();
        let dark = ui.visuals().dark_mode;
        egui::ScrollArea::vertical()
            .id_salt("family_members")
            .auto_shrink(false)
            .show(ui, |ui| {
                for member in &family.members {
                    if member_ui(ui, member, dark, lang).clicked() {
                        command = Some(UiCommand::FocusMeasure {
                            plan_id: member.plan_id.clone(),
                            measure_index: member.measure_index,
                        });
                    }
                    ui.add_space(6.0);
                }
            });
        if back {
            self.open = None;
        }
        command
    }
}

/// One row of the list: plan count, the representative's text cut to the width; plan names on
/// hover.
fn family_row_ui(
    ui: &mut egui::Ui,
    row: &FamilyRow,
    height: f32,
    lang: Language,
) -> egui::Response {
    let (rect, response) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), height), Sense::click());
    let label = match lang {
        Language::Chinese => format!("{} 个方案：{}", row.plan_count, row.representative_text),
        Language::English => format!("{} plans: {}", row.plan_count, row.representative_text),
    };
    response.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
    if !ui.is_rect_visible(rect) {
        return response;
    }
    let visuals = ui.visuals();
    if response.hovered() {
        ui.painter()
            .rect_filled(rect, 3.0, visuals.widgets.hovered.weak_bg_fill);
    }
    let small = TextStyle::Small.resolve(ui.style());
    let badge = match lang {
        Language::Chinese => format!("{} 方案", row.plan_count),
        Language::English => format!("{} plans", row.plan_count),
    };
    let badge_rect = Rect::from_min_size(
        rect.min + egui::vec2(4.0, 4.0),
        egui::vec2(58.0, height - 8.0),
    );
    ui.painter().rect_filled(
        badge_rect,
        3.0,
        visuals.selection.bg_fill.gamma_multiply(0.35),
    );
    ui.painter().text(
        badge_rect.center(),
        egui::Align2::CENTER_CENTER,
        badge,
        small,
        visuals.strong_text_color(),
    );
    let text_left = badge_rect.right() + 8.0;
    let mut job = LayoutJob::simple_singleline(
        row.representative_text.clone(),
        TextStyle::Body.resolve(ui.style()),
        visuals.text_color(),
    );
    job.wrap = TextWrapping::truncate_at_width((rect.right() - text_left - 4.0).max(20.0));
    let galley = ui.fonts_mut(|f| f.layout_job(job));
    let y = rect.center().y - galley.size().y / 2.0;
    ui.painter()
        .galley(egui::pos2(text_left, y), galley, visuals.text_color());
    response.on_hover_text(row.plan_names.join("、"))
}

/// One member: plan name and section heading, then its text with differing runs marked.
fn member_ui(
    ui: &mut egui::Ui,
    member: &CollatedMember,
    dark: bool,
    lang: Language,
) -> egui::Response {
    let visuals = ui.visuals().clone();
    let heading = if member.section_heading.is_empty() {
        lang.pick("（序言）", "(preamble)").to_owned()
    } else {
        member.section_heading.clone()
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(&member.plan_name).strong());
        ui.label(egui::RichText::new(heading).weak().small());
        if member.representative {
            ui.label(
                egui::RichText::new(lang.pick("代表条文", "representative"))
                    .small()
                    .color(visuals.selection.stroke.color),
            );
        } else {
            ui.label(
                egui::RichText::new(match lang {
                    Language::Chinese => format!("相同 {:.0}%", member.common_share * 100.0),
                    Language::English => format!("{:.0}% in common", member.common_share * 100.0),
                })
                .small()
                .weak(),
            );
        }
    });
    let font = TextStyle::Body.resolve(ui.style());
    let plain = TextFormat {
        font_id: font,
        color: visuals.text_color(),
        ..Default::default()
    };
    let mut job = LayoutJob::default();
    for seg in &member.segments {
        let Some(text) = member.text.get(seg.byte_range.clone()) else {
            continue;
        };
        let format = match seg.kind {
            SegmentKind::Common => plain.clone(),
            SegmentKind::Differing => TextFormat {
                background: differing_background(dark),
                underline: Stroke::new(1.5, visuals.strong_text_color()),
                color: visuals.strong_text_color(),
                ..plain.clone()
            },
        };
        job.append(text, 0.0, format);
    }
    job.wrap.max_width = ui.available_width();
    let response = ui.add(egui::Label::new(job).sense(Sense::click()));
    if !member.missing_words.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label(
                egui::RichText::new(
                    lang.pick("缺少代表条文中的：", "Lacks from the representative:"),
                )
                .small()
                .weak(),
            );
            ui.label(
                egui::RichText::new(member.missing_words.join(" "))
                    .small()
                    .strikethrough(),
            );
        });
    }
    let label = format!("{}：{}", member.plan_name, member.text);
    response.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
    response.on_hover_text(lang.pick("点击在方案中查看", "Click to show it in its plan"))
}

/// The key to the marks.
fn legend(ui: &mut egui::Ui, lang: Language) {
    let dark = ui.visuals().dark_mode;
    ui.horizontal_wrapped(|ui| {
        let mut job = LayoutJob::default();
        job.append(
            lang.pick("与代表条文不同的词", "words unlike the representative"),
            0.0,
            TextFormat {
                font_id: TextStyle::Small.resolve(ui.style()),
                color: ui.visuals().strong_text_color(),
                background: differing_background(dark),
                underline: Stroke::new(1.0, ui.visuals().strong_text_color()),
                ..Default::default()
            },
        );
        ui.label(job);
        ui.label(
            egui::RichText::new(lang.pick(
                "按词比较（繁简、全半角不计）",
                "compared word by word (script and width ignored)",
            ))
            .small()
            .weak(),
        );
    });
}
