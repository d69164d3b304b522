//! Tags in the reading views: the themes a measure carries (coloured marks in the margin) and the
//! context-menu entries that add or remove them.
//!
//! [`CodingView`] is the view-model: the codebook's themes in tree order with their colours, and
//! for each tagged measure the themes it carries. The app rebuilds it when the project's tags or
//! codebook change; the compare and plan views only read it and return [`UiCommand`]s, so the
//! project is edited in one place.

use std::collections::HashMap;

use egui::{Color32, Rect};

use crate::project::Project;

use super::command::UiCommand;
use super::settings::Language;

/// A theme as the menus offer it.
#[derive(Debug, Clone)]
pub struct ThemeChoice {
    /// Its id in the codebook.
    pub theme_id: String,
    /// Its name in the UI language.
    pub name: String,
    /// Depth in the codebook tree (0 = top level).
    pub depth: usize,
    /// Its colour.
    pub color: Color32,
}

/// The project's themes and which measures carry them.
#[derive(Debug, Clone, Default)]
pub struct CodingView {
    /// Themes in tree order.
    pub themes: Vec<ThemeChoice>,
    /// For each tagged measure id, indexes into `themes` (sorted, unique).
    by_measure: HashMap<String, Vec<usize>>,
    /// For each tagged measure id, its tags: tag id, index into `themes`, memo.
    tags_by_measure: HashMap<String, Vec<(u64, usize, String)>>,
    /// Passages tagged without a measure (sections, selections): plan id and byte range in the
    /// plan's text → indexes into `themes`.
    by_span: HashMap<(String, usize, usize), Vec<usize>>,
}

impl CodingView {
    /// The view-model of `project` (orphaned tags are left out: they have no place to show).
    pub fn build(project: &Project, lang: Language) -> CodingView {
        let themes: Vec<ThemeChoice> = project
            .codebook
            .depth_first()
            .into_iter()
            .map(|(depth, t)| ThemeChoice {
                theme_id: t.theme_id.clone(),
                name: match lang {
                    Language::English if !t.name_en.is_empty() => t.name_en.clone(),
                    _ => t.name.clone(),
                },
                depth,
                color: Color32::from_rgb(t.color[0], t.color[1], t.color[2]),
            })
            .collect();
        let index: HashMap<&str, usize> = themes
            .iter()
            .enumerate()
            .map(|(k, t)| (t.theme_id.as_str(), k))
            .collect();
        let mut by_measure: HashMap<String, Vec<usize>> = HashMap::new();
        let mut tags_by_measure: HashMap<String, Vec<(u64, usize, String)>> = HashMap::new();
        let mut by_span: HashMap<(String, usize, usize), Vec<usize>> = HashMap::new();
        for tag in project.tags.iter().filter(|t| !t.orphaned) {
            let Some(&k) = index.get(tag.theme_id.as_str()) else {
                continue;
            };
            let Some(measure_id) = &tag.measure_id else {
                by_span
                    .entry((
                        tag.plan_id.clone(),
                        tag.byte_range.start,
                        tag.byte_range.end,
                    ))
                    .or_default()
                    .push(k);
                continue;
            };
            by_measure.entry(measure_id.clone()).or_default().push(k);
            tags_by_measure
                .entry(measure_id.clone())
                .or_default()
                .push((tag.tag_id, k, tag.memo.clone()));
        }
        for v in by_measure.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        CodingView {
            themes,
            by_measure,
            tags_by_measure,
            by_span,
        }
    }

    /// The themes (indexes into `themes`) of a passage tagged without a measure.
    pub fn themes_of_span(&self, plan_id: &str, byte_range: &std::ops::Range<usize>) -> &[usize] {
        self.by_span
            .get(&(plan_id.to_owned(), byte_range.start, byte_range.end))
            .map_or(&[], Vec::as_slice)
    }

    /// The tags of a measure: tag id, index into `themes`, memo.
    pub fn tags_of(&self, measure_id: &str) -> &[(u64, usize, String)] {
        self.tags_by_measure
            .get(measure_id)
            .map_or(&[], Vec::as_slice)
    }

    /// The themes (indexes into `themes`) the measure carries.
    pub fn themes_of(&self, measure_id: &str) -> &[usize] {
        self.by_measure.get(measure_id).map_or(&[], Vec::as_slice)
    }

    /// Number of tagged measures.
    pub fn tagged_measures(&self) -> usize {
        self.by_measure.len()
    }
}

/// A checkbox per theme (indented by depth, with its colour), ticked for `carried`, with the
/// digit key (1–9) that toggles it on a focused measure when `show_keys`; returns the theme
/// clicked and whether it is now ticked.
fn theme_checklist_ui(
    ui: &mut egui::Ui,
    coding: &CodingView,
    carried: &[usize],
    show_keys: bool,
    lang: Language,
) -> Option<(usize, bool)> {
    if coding.themes.is_empty() {
        ui.label(lang.pick(
            "编码本是空的：先在“主题编码”视图里载入或新建主题",
            "The codebook is empty: load or add themes in the Themes view",
        ));
        return None;
    }
    let mut clicked = None;
    egui::ScrollArea::vertical()
        .max_height(480.0)
        .show(ui, |ui| {
            for (k, theme) in coding.themes.iter().enumerate() {
                let mut on = carried.contains(&k);
                let response = ui.horizontal(|ui| {
                    ui.add_space(14.0 * theme.depth as f32);
                    let (rect, _) =
                        ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                    ui.painter().rect_filled(rect, 2.0, theme.color);
                    let checkbox = ui.checkbox(&mut on, theme.name.as_str());
                    if show_keys && k < 9 {
                        ui.label(egui::RichText::new(format!("{}", k + 1)).small().weak())
                            .on_hover_text(lang.pick(
                                "聚焦措施时按这个数字键切换此主题",
                                "Press this digit on a focused measure to toggle this theme",
                            ));
                    }
                    checkbox
                });
                if response.inner.changed() {
                    clicked = Some((k, on));
                }
            }
        });
    clicked
}

/// The menu entries to tag a measure with a theme or untag it. Returns the command for the entry
/// clicked.
pub fn tag_menu_ui(
    ui: &mut egui::Ui,
    coding: &CodingView,
    plan_id: &str,
    measure_index: usize,
    measure_id: &str,
    lang: Language,
) -> Option<UiCommand> {
    let mut command = None;
    ui.menu_button(lang.pick("标注主题", "Tag with theme"), |ui| {
        let carried = coding.themes_of(measure_id);
        if let Some((k, on)) = theme_checklist_ui(ui, coding, carried, true, lang)
            && let Some(theme) = coding.themes.get(k)
        {
            let plan_id = plan_id.to_owned();
            let theme_id = theme.theme_id.clone();
            command = Some(if on {
                UiCommand::TagMeasure {
                    plan_id,
                    measure_index,
                    theme_id,
                }
            } else {
                UiCommand::UntagMeasure {
                    plan_id,
                    measure_index,
                    theme_id,
                }
            });
            ui.close();
        }
    });
    command
}

/// The menu entries to tag a passage (a section, a selection) of plan `plan_id` — `byte_range`
/// in the plan's own text — with a theme or untag it; `title` names the menu.
pub fn span_menu_ui(
    ui: &mut egui::Ui,
    coding: &CodingView,
    title: &str,
    plan_id: &str,
    byte_range: std::ops::Range<usize>,
    lang: Language,
) -> Option<UiCommand> {
    let mut command = None;
    ui.menu_button(title, |ui| {
        let carried = coding.themes_of_span(plan_id, &byte_range);
        if let Some((k, on)) = theme_checklist_ui(ui, coding, carried, false, lang)
            && let Some(theme) = coding.themes.get(k)
        {
            command = Some(UiCommand::TagSpan {
                plan_id: plan_id.to_owned(),
                byte_range: byte_range.clone(),
                theme_id: theme.theme_id.clone(),
                remove: !on,
            });
            ui.close();
        }
    });
    command
}

/// Paint the theme marks of a measure: a thin coloured bar per theme down the right margin of
/// `rect`, side by side, below the corner where the round "shared with a compared plan" dot sits
/// (a different shape, so the two never read as one another).
pub fn paint_marks(painter: &egui::Painter, coding: &CodingView, themes: &[usize], rect: Rect) {
    const WIDTH: f32 = 3.0;
    const GAP: f32 = 2.0;
    const MAX_BARS: usize = 6;
    let top = rect.top() + 12.0;
    let bottom = (rect.bottom() - 4.0).max(top + 8.0);
    for (n, &k) in themes.iter().take(MAX_BARS).enumerate() {
        let Some(theme) = coding.themes.get(k) else {
            continue;
        };
        let right = rect.right() - 2.0 - n as f32 * (WIDTH + GAP);
        let bar = Rect::from_min_max(egui::pos2(right - WIDTH, top), egui::pos2(right, bottom));
        painter.rect_filled(bar, 1.0, theme.color);
    }
}
