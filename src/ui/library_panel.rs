//! The plan library: every loaded plan, grouped by the file it came from or by province, with a
//! filter on names, and a box per plan to add it to the comparison.
//!
//! Each row shows the plan's name, its measure count, and a second line with province, level,
//! date and period. Names match the filter ignoring script and width (a Traditional `淄博` or a
//! full-width query finds the plan), by [`crate::normalize::normalize_str`].

use egui::text::{LayoutJob, TextWrapping};
use egui::{
    Align2, Color32, FontId, Pos2, Rect, Role, Sense, TextFormat, TextStyle, WidgetInfo, WidgetText,
};

use std::collections::{HashMap, HashSet};

use crate::corpus::Corpus;
use crate::normalize::normalize_str;

use super::command::UiCommand;
use super::settings::{Language, Settings};

/// What a row shows of one plan (computed once per load).
#[derive(Debug, Clone)]
struct Entry {
    plan_id: String,
    name: String,
    /// Name normalised (simplified, half-width, lower case) for the filter.
    name_norm: String,
    /// Province · level · date · period, whichever are known.
    details: String,
    title: Option<String>,
    source: String,
    measures: usize,
    sections: usize,
}

/// The plans of one file.
#[derive(Debug, Clone)]
struct Group {
    source: String,
    /// Indices into the corpus's plans.
    plans: Vec<usize>,
}

/// The library's view of a corpus.
#[derive(Debug)]
pub struct Library {
    entries: Vec<Entry>,
    groups: Vec<Group>,
    /// The same plans grouped by province (unknown last).
    province_groups: Vec<Group>,
    total_measures: usize,
    /// Scroll the selected row into view on the next frame (after a load).
    reveal_selected: bool,
    /// What a plan's menu asked for this frame (taken by [`Self::take_commands`]).
    commands: Vec<UiCommand>,
    /// From this many plans on, only the rows in view are laid out ([`VIRTUAL_MIN_PLANS`] by
    /// default; tests lower it).
    pub virtual_min_plans: usize,
    /// Groups folded in the virtualised list: (by province?, group name).
    collapsed: HashSet<(bool, String)>,
}

/// Plans from which the list lays out only the rows in view (below, every row is laid out, so
/// each is in the accessibility tree whether scrolled into view or not).
pub const VIRTUAL_MIN_PLANS: usize = 400;

/// A row of the virtualised list.
#[derive(Debug, Clone, Copy)]
enum Row {
    /// A group's header: the group (index into the groups shown) and its plans listed.
    Header(usize, usize),
    /// A plan (index into the corpus).
    Plan(usize),
}

impl Default for Library {
    fn default() -> Self {
        Library {
            entries: Vec::new(),
            groups: Vec::new(),
            province_groups: Vec::new(),
            total_measures: 0,
            reveal_selected: false,
            virtual_min_plans: VIRTUAL_MIN_PLANS,
            collapsed: HashSet::new(),
            commands: Vec::new(),
        }
    }
}

impl Library {
    /// Summaries of every plan of `corpus`, grouped by file in corpus order.
    pub fn new(corpus: &Corpus) -> Self {
        let mut groups: Vec<Group> = Vec::new();
        // Group of each file and province by name: a linear search per plan was quadratic in
        // the files (10,000 single-plan files).
        let mut group_of: HashMap<&str, usize> = HashMap::new();
        let mut entries = Vec::with_capacity(corpus.plans.len());
        let mut total_measures = 0;
        for (k, p) in corpus.plans.iter().enumerate() {
            let measures = p.measures().len();
            total_measures += measures;
            let details: Vec<&str> = [&p.province, &p.level, &p.meta.date, &p.meta.period]
                .into_iter()
                .filter_map(|v| v.as_deref())
                .collect();
            entries.push(Entry {
                plan_id: p.plan_id.clone(),
                name: p.name.clone(),
                name_norm: normalize_str(&p.name).to_lowercase(),
                details: details.join(" · "),
                title: p.meta.title.clone(),
                source: p.source.clone(),
                measures,
                sections: p.section_count(),
            });
            match group_of
                .get(p.source.as_str())
                .and_then(|&g| groups.get_mut(g))
            {
                Some(g) => g.plans.push(k),
                None => {
                    group_of.insert(p.source.as_str(), groups.len());
                    groups.push(Group {
                        source: p.source.clone(),
                        plans: vec![k],
                    });
                }
            }
        }
        let mut province_groups: Vec<Group> = Vec::new();
        let mut province_of: HashMap<&str, usize> = HashMap::new();
        for (k, p) in corpus.plans.iter().enumerate() {
            let key = p.province.as_deref().unwrap_or_default();
            match province_of
                .get(key)
                .and_then(|&g| province_groups.get_mut(g))
            {
                Some(g) => g.plans.push(k),
                None => {
                    province_of.insert(key, province_groups.len());
                    province_groups.push(Group {
                        source: key.to_owned(),
                        plans: vec![k],
                    });
                }
            }
        }
        // Most plans first, the unknown province last; ties by name for a stable order.
        province_groups.sort_by(|a, b| {
            a.source
                .is_empty()
                .cmp(&b.source.is_empty())
                .then(b.plans.len().cmp(&a.plans.len()))
                .then(a.source.cmp(&b.source))
        });
        Library {
            entries,
            groups,
            province_groups,
            total_measures,
            reveal_selected: true,
            commands: Vec::new(),
            virtual_min_plans: VIRTUAL_MIN_PLANS,
            collapsed: HashSet::new(),
        }
    }

    /// Scroll the selected plan's row into view on the next frame.
    pub fn reveal_selected(&mut self) {
        self.reveal_selected = true;
    }

    /// Number of files that gave plans.
    pub fn file_count(&self) -> usize {
        self.groups.len()
    }

    /// Measures in all plans.
    pub fn total_measures(&self) -> usize {
        self.total_measures
    }

    /// Indices of the plans whose name matches `filter`, in library order (all for an empty one),
    /// grouped by file or by province.
    pub fn matching(&self, filter: &str, by_province: bool) -> Vec<usize> {
        let query = normalize_str(filter.trim()).to_lowercase();
        let raw = filter.trim().to_lowercase();
        let groups = if by_province {
            &self.province_groups
        } else {
            &self.groups
        };
        groups
            .iter()
            .flat_map(|g| g.plans.iter().copied())
            .filter(|&k| {
                self.entries.get(k).is_some_and(|e| {
                    query.is_empty()
                        || e.name_norm.contains(&query)
                        || e.name.to_lowercase().contains(&raw)
                })
            })
            .collect()
    }

    /// Draw the filter and the grouped list; returns the id of a plan the user clicked.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        corpus: &Corpus,
        settings: &mut Settings,
    ) -> Option<String> {
        let lang = settings.language;
        // The clear button first, from the right, then the field in what is left: the row
        // never asks for more than the panel's width, whatever is typed.
        ui.horizontal(|ui| {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if !settings.filter.is_empty()
                    && ui
                        .small_button("×")
                        .on_hover_text(lang.pick("清除筛选", "Clear the filter"))
                        .clicked()
                {
                    settings.filter.clear();
                }
                ui.add(
                    egui::TextEdit::singleline(&mut settings.filter)
                        .hint_text(lang.pick("按名称筛选…", "Filter by name…"))
                        .desired_width(ui.available_width()),
                );
            });
        });
        let matching = self.matching(&settings.filter, settings.group_by_province);
        let filtering = !settings.filter.trim().is_empty();
        let count = match lang {
            Language::Chinese if filtering => {
                format!("显示 {} / {} 个方案", matching.len(), corpus.plans.len())
            }
            Language::Chinese => format!("{} 个方案", corpus.plans.len()),
            Language::English if filtering => {
                format!("{} of {} plans", matching.len(), corpus.plans.len())
            }
            Language::English => format!("{} plans", corpus.plans.len()),
        };
        ui.horizontal(|ui| {
            ui.selectable_value(
                &mut settings.group_by_province,
                false,
                lang.pick("按文件", "By file"),
            );
            ui.selectable_value(
                &mut settings.group_by_province,
                true,
                lang.pick("按省份", "By province"),
            );
        });
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(count).small().weak());
            let compared = settings.compared_plans.len();
            if compared > 0 {
                let text = match lang {
                    Language::Chinese => format!("· 已选 {compared} 个对照"),
                    Language::English => format!("· {compared} to compare"),
                };
                ui.label(egui::RichText::new(text).small().weak());
                if ui
                    .small_button(lang.pick("清空对照", "Clear comparison"))
                    .clicked()
                {
                    settings.compared_plans.clear();
                }
            }
        });
        ui.separator();

        if self.entries.len() >= self.virtual_min_plans {
            let clicked = self.virtual_list_ui(ui, &matching, filtering, settings);
            self.reveal_selected = false;
            return clicked;
        }
        let mut clicked = None;
        let mut commands = Vec::new();
        egui::ScrollArea::vertical()
            .id_salt("library_list")
            .auto_shrink(false)
            .show(ui, |ui| {
                if filtering && matching.is_empty() {
                    ui.label(
                        egui::RichText::new(
                            lang.pick("没有名称相符的方案", "No plan name matches"),
                        )
                        .weak(),
                    );
                }
                let mut listed = vec![false; self.entries.len()];
                for &k in &matching {
                    if let Some(slot) = listed.get_mut(k) {
                        *slot = true;
                    }
                }
                let groups = if settings.group_by_province {
                    &self.province_groups
                } else {
                    &self.groups
                };
                let unknown = lang.pick("省份不明", "Province unknown");
                for group in groups {
                    let label = group_label(&group.source, unknown);
                    let members: Vec<usize> = group
                        .plans
                        .iter()
                        .copied()
                        .filter(|&k| listed.get(k).copied().unwrap_or(false))
                        .collect();
                    if members.is_empty() {
                        continue;
                    }
                    let header = group_header(ui, label, members.len(), group.plans.len());
                    let mut collapsing = egui::CollapsingHeader::new(header)
                        .id_salt(("library_group", settings.group_by_province, &group.source))
                        .default_open(true);
                    if filtering {
                        collapsing = collapsing.open(Some(true));
                    }
                    let shown = collapsing.show(ui, |ui| {
                        for &k in &members {
                            let Some(entry) = self.entries.get(k) else {
                                continue;
                            };
                            let (response, selected) =
                                plan_line(ui, entry, settings, row_height(ui), false);
                            if selected && self.reveal_selected {
                                response.scroll_to_me(None);
                            }
                            if response.clicked() {
                                clicked = Some(entry.plan_id.clone());
                            }
                            plan_menu(&response, entry, lang, &mut commands);
                        }
                    });
                    shown.header_response.on_hover_text(&group.source);
                }
            });
        self.reveal_selected = false;
        self.commands.extend(commands);
        clicked
    }

    /// What the plans' menus asked for since the last call.
    pub fn take_commands(&mut self) -> Vec<UiCommand> {
        std::mem::take(&mut self.commands)
    }
}

impl Library {
    /// The list with only the rows in view laid out (`ScrollArea::show_rows`): group headers and
    /// plans as rows of one height, folded groups kept here rather than in egui's memory.
    fn virtual_list_ui(
        &mut self,
        ui: &mut egui::Ui,
        matching: &[usize],
        filtering: bool,
        settings: &mut Settings,
    ) -> Option<String> {
        let lang = settings.language;
        let by_province = settings.group_by_province;
        let mut listed = vec![false; self.entries.len()];
        for &k in matching {
            if let Some(slot) = listed.get_mut(k) {
                *slot = true;
            }
        }
        let groups = if by_province {
            &self.province_groups
        } else {
            &self.groups
        };
        let mut rows: Vec<Row> = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            let header = rows.len();
            rows.push(Row::Header(g, 0));
            let folded = !filtering
                && self
                    .collapsed
                    .contains(&(by_province, group.source.clone()));
            let mut shown = 0;
            for &k in &group.plans {
                if listed.get(k).copied().unwrap_or(false) {
                    shown += 1;
                    if !folded {
                        rows.push(Row::Plan(k));
                    }
                }
            }
            if shown == 0 {
                rows.truncate(header);
            } else if let Some(r) = rows.get_mut(header) {
                *r = Row::Header(g, shown);
            }
        }
        let row_h = row_height(ui);
        let spacing = ui.spacing().item_spacing.y;
        let mut area = egui::ScrollArea::vertical()
            .id_salt("library_list_virtual")
            .auto_shrink(false);
        if self.reveal_selected
            && let Some(selected) = settings.selected_plan.as_deref()
            && let Some(at) = rows.iter().position(|r| {
                matches!(r, Row::Plan(k) if self.entries.get(*k).is_some_and(|e| e.plan_id == selected))
            })
        {
            let view = ui.available_height();
            let y = at as f32 * (row_h + spacing) - (view - row_h) / 2.0;
            area = area.vertical_scroll_offset(y.max(0.0));
        }
        let mut clicked = None;
        let mut toggle = None;
        let mut commands = Vec::new();
        if filtering && matching.is_empty() {
            ui.label(
                egui::RichText::new(lang.pick("没有名称相符的方案", "No plan name matches")).weak(),
            );
        }
        let unknown = lang.pick("省份不明", "Province unknown");
        area.show_rows(ui, row_h, rows.len(), |ui, range| {
            for row in rows.get(range).unwrap_or_default() {
                match *row {
                    Row::Header(g, shown) => {
                        let Some(group) = groups.get(g) else { continue };
                        let label = group_label(&group.source, unknown);
                        let folded = !filtering
                            && self
                                .collapsed
                                .contains(&(by_province, group.source.clone()));
                        let response =
                            group_row(ui, label, shown, group.plans.len(), folded, row_h);
                        let response = response.on_hover_text(&group.source);
                        if response.clicked() && !filtering {
                            toggle = Some(group.source.clone());
                        }
                    }
                    Row::Plan(k) => {
                        let Some(entry) = self.entries.get(k) else {
                            continue;
                        };
                        let (response, _) = plan_line(ui, entry, settings, row_h, true);
                        if response.clicked() {
                            clicked = Some(entry.plan_id.clone());
                        }
                        plan_menu(&response, entry, lang, &mut commands);
                    }
                }
            }
        });
        self.commands.extend(commands);
        if let Some(source) = toggle {
            let key = (by_province, source);
            if !self.collapsed.remove(&key) {
                self.collapsed.insert(key);
            }
        }
        clicked
    }
}

/// A group's header row of the virtualised list: a folding triangle, the plan count and the name, one row high.
fn group_row(
    ui: &mut egui::Ui,
    source: &str,
    shown: usize,
    total: usize,
    folded: bool,
    height: f32,
) -> egui::Response {
    let text = group_header(ui, source, shown, total);
    let count = if shown == total {
        format!("{total}  {source}")
    } else {
        format!("{shown}/{total}  {source}")
    };
    let (rect, response) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), height), Sense::click());
    response.widget_info(|| WidgetInfo::labeled(Role::DisclosureTriangle, true, &count));
    if ui.is_rect_visible(rect) {
        let visuals = ui.style().interact(&response);
        if response.hovered() {
            ui.painter()
                .rect_filled(rect, 4.0, ui.visuals().widgets.hovered.weak_bg_fill);
        }
        // A triangle drawn, not a glyph (the bundled CJK subset has no arrows): right when
        // folded, down when open.
        let c = Pos2::new(rect.left() + 10.0, rect.center().y);
        let r = 4.5;
        let points = if folded {
            vec![
                c + egui::vec2(-r * 0.6, -r),
                c + egui::vec2(r, 0.0),
                c + egui::vec2(-r * 0.6, r),
            ]
        } else {
            vec![
                c + egui::vec2(-r, -r * 0.6),
                c + egui::vec2(r, -r * 0.6),
                c + egui::vec2(0.0, r),
            ]
        };
        ui.painter().add(egui::Shape::convex_polygon(
            points,
            visuals.fg_stroke.color,
            egui::Stroke::NONE,
        ));
        let galley = text.into_galley(
            ui,
            Some(egui::TextWrapMode::Truncate),
            rect.width() - 24.0,
            TextStyle::Button,
        );
        let y = rect.center().y - galley.size().y / 2.0;
        ui.painter().galley(
            Pos2::new(rect.left() + 20.0, y),
            galley,
            visuals.text_color(),
        );
    }
    response
}

/// The header of a file's group: the plan count, then the file name cut to one line.
fn group_header(ui: &egui::Ui, source: &str, shown: usize, total: usize) -> WidgetText {
    let count = if shown == total {
        format!("{total}  ")
    } else {
        format!("{shown}/{total}  ")
    };
    let mut job = LayoutJob::default();
    job.append(
        &count,
        0.0,
        TextFormat {
            font_id: TextStyle::Small.resolve(ui.style()),
            color: ui.visuals().weak_text_color(),
            valign: egui::Align::Center,
            ..Default::default()
        },
    );
    job.append(
        source,
        0.0,
        TextFormat {
            font_id: TextStyle::Button.resolve(ui.style()),
            color: Color32::PLACEHOLDER,
            valign: egui::Align::Center,
            ..Default::default()
        },
    );
    job.wrap = TextWrapping::truncate_at_width(ui.available_width() - ui.spacing().indent - 8.0);
    WidgetText::Galley(ui.fonts_mut(|f| f.layout_job(job)))
}

/// The box that adds a plan to the comparison (or takes it out).
/// A group's header text: its source (province or file), or `unknown` when it has none.
fn group_label<'a>(source: &'a str, unknown: &'a str) -> &'a str {
    if source.is_empty() { unknown } else { source }
}

/// One plan of the list: its compare checkbox and its row, `height` high (indented under its
/// group header when `indent`). Returns the row's response and whether the plan is selected.
fn plan_line(
    ui: &mut egui::Ui,
    entry: &Entry,
    settings: &mut Settings,
    height: f32,
    indent: bool,
) -> (egui::Response, bool) {
    let lang = settings.language;
    let selected = settings.selected_plan.as_deref() == Some(entry.plan_id.as_str());
    let response = ui
        .horizontal(|ui| {
            ui.set_min_height(height);
            if indent {
                ui.add_space(ui.spacing().indent);
            }
            compare_checkbox(ui, entry, &mut settings.compared_plans, lang);
            plan_row(ui, entry, selected, lang)
        })
        .inner;
    (response, selected)
}

fn compare_checkbox(ui: &mut egui::Ui, e: &Entry, compared: &mut Vec<String>, lang: Language) {
    let position = compared.iter().position(|id| *id == e.plan_id);
    let mut checked = position.is_some();
    let response = ui
        .add(egui::Checkbox::without_text(&mut checked))
        .on_hover_text(lang.pick("加入对照（或移出）", "Add to the comparison (or remove)"));
    let label = format!("{}{}", lang.pick("加入对照：", "Compare: "), e.name);
    response.widget_info(|| WidgetInfo::selected(Role::CheckBox, true, checked, &label));
    if response.changed() {
        match position {
            Some(k) if !checked => {
                compared.remove(k);
            }
            None if checked => compared.push(e.plan_id.clone()),
            _ => {}
        }
    }
}

/// Padding inside a plan's row.
const ROW_PAD: egui::Vec2 = egui::vec2(6.0, 3.0);

/// Height of a plan's row: two lines and the padding.
fn row_height(ui: &egui::Ui) -> f32 {
    let body = TextStyle::Body.resolve(ui.style());
    let small = TextStyle::Small.resolve(ui.style());
    ui.fonts_mut(|f| f.row_height(&body) + f.row_height(&small)) + 2.0 * ROW_PAD.y
}

/// One plan: name and measure count on the first line, details on the second.
fn plan_row(ui: &mut egui::Ui, e: &Entry, selected: bool, lang: Language) -> egui::Response {
    let body = TextStyle::Body.resolve(ui.style());
    let small = TextStyle::Small.resolve(ui.style());
    let (name_h, small_h) = ui.fonts_mut(|f| (f.row_height(&body), f.row_height(&small)));
    let pad = ROW_PAD;
    let size = egui::vec2(ui.available_width(), row_height(ui));
    let (rect, response) = ui.allocate_exact_size(size, Sense::click());
    response.widget_info(|| WidgetInfo::selected(Role::ListItem, true, selected, &e.name));

    if ui.is_rect_visible(rect) {
        let visuals = ui.visuals();
        if selected {
            ui.painter()
                .rect_filled(rect, 4.0, visuals.selection.bg_fill);
        } else if response.hovered() {
            ui.painter()
                .rect_filled(rect, 4.0, visuals.widgets.hovered.weak_bg_fill);
        }
        let strong = if selected {
            visuals.selection.stroke.color
        } else {
            visuals.strong_text_color()
        };
        let weak = if selected {
            visuals.selection.stroke.color.gamma_multiply(0.8)
        } else {
            visuals.weak_text_color()
        };
        let inner = rect.shrink2(pad);
        let count = match lang {
            Language::Chinese => format!("{} 条措施", e.measures),
            Language::English => format!("{} measures", e.measures),
        };
        let count_rect = ui.painter().text(
            egui::pos2(inner.right(), inner.top() + (name_h - small_h) / 2.0),
            Align2::RIGHT_TOP,
            count,
            small.clone(),
            weak,
        );
        let name_width = (count_rect.left() - inner.left() - 8.0).max(20.0);
        paint_line(
            ui,
            &e.name,
            body,
            strong,
            Rect::from_min_size(inner.min, egui::vec2(name_width, name_h)),
        );
        let details = if e.details.is_empty() {
            "—"
        } else {
            e.details.as_str()
        };
        paint_line(
            ui,
            details,
            small,
            weak,
            Rect::from_min_size(
                inner.min + egui::vec2(0.0, name_h),
                egui::vec2(inner.width(), small_h),
            ),
        );
    }
    let tip = match lang {
        Language::Chinese => format!(
            "{}\n{} 节 · {} 条措施\n来源：{}",
            e.title.as_deref().unwrap_or(&e.name),
            e.sections,
            e.measures,
            e.source
        ),
        Language::English => format!(
            "{}\n{} sections · {} measures\nSource: {}",
            e.title.as_deref().unwrap_or(&e.name),
            e.sections,
            e.measures,
            e.source
        ),
    };
    response.on_hover_text(tip)
}

/// Paint `text` on one line in `rect`, cut with `…` if it is too long.
fn paint_line(ui: &egui::Ui, text: &str, font: FontId, color: Color32, rect: Rect) {
    let mut job = LayoutJob::simple_singleline(text.to_owned(), font, color);
    job.wrap = TextWrapping::truncate_at_width(rect.width());
    let galley = ui.fonts_mut(|f| f.layout_job(job));
    ui.painter().galley(rect.min, galley, color);
}

/// A plan's menu (right click): open it, compare it, its reuse report.
fn plan_menu(response: &egui::Response, e: &Entry, lang: Language, out: &mut Vec<UiCommand>) {
    response.context_menu(|ui| {
        if ui.button(lang.pick("打开", "Open")).clicked() {
            out.push(UiCommand::OpenPlan(e.plan_id.clone()));
            ui.close();
        }
        if ui
            .button(lang.pick("文本复用报告…", "Reuse report…"))
            .on_hover_text(lang.pick(
                "它的文字有多少在其他方案中逐字出现，按来源排列",
                "How much of its text other plans hold word for word, by source",
            ))
            .clicked()
        {
            out.push(UiCommand::ReuseReport(e.plan_id.clone()));
            ui.close();
        }
    });
}
