//! The coding an export carries: a codebook's themes and the segments coded with them, taken
//! from a project ([`Coding::from_project`]) and written by the tables and by REFI-QDA.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::chars::char_starts;
use crate::plan::Plan;

/// Separator between the headings of a section path.
pub const PATH_SEPARATOR: &str = " > ";

/// One theme (code) of the codebook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodingTheme {
    /// Stable id of the theme.
    pub theme_id: String,
    /// Display name.
    pub name: String,
    /// Colour as `#RRGGBB`, if any.
    pub colour: Option<String>,
    /// Id of the parent theme (`None`: top level).
    pub parent: Option<String>,
    /// What the theme means (written as the code's `Description`).
    pub description: Option<String>,
}

/// One coded segment: a stretch of a plan's text tagged with a theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodedSegment {
    /// Theme it is coded with.
    pub theme_id: String,
    /// Plan it belongs to ([`Plan::plan_id`]).
    pub plan_id: String,
    /// Code-point range in [`Plan::original_text`], end exclusive.
    pub char_range: Range<usize>,
    /// The measure, when the segment is one (counted once per measure in the theme matrix).
    pub measure_id: Option<String>,
    /// The analyst's memo.
    pub memo: Option<String>,
    /// Who coded it (a project's tag coder), when known.
    pub coder: Option<String>,
}

/// A codebook and the segments coded with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coding {
    /// Themes in codebook order (parents may come after children).
    pub themes: Vec<CodingTheme>,
    /// Coded segments.
    pub segments: Vec<CodedSegment>,
}

impl Coding {
    /// The codebook and the tags of a project (orphaned tags, and tags of plans not in `corpus`
    /// or whose range is not on character boundaries, are left out).
    pub fn from_project(
        project: &crate::project::Project,
        corpus: &crate::corpus::Corpus,
    ) -> Coding {
        // Tags of themes the codebook lacks are exported under a stand-in "unknown theme" code
        // rather than blocking the export (the CLI reports them: Project::problems).
        let themes = project
            .codebook_with_unknown_themes()
            .themes
            .iter()
            .map(|t| CodingTheme {
                theme_id: t.theme_id.clone(),
                name: t.name.clone(),
                colour: Some(crate::themes::color_hex(t.color)),
                parent: t.parent.clone(),
                description: Some(t.description.clone()).filter(|d| !d.is_empty()),
            })
            .collect();
        let plans: HashMap<&str, &Plan> = corpus
            .plans
            .iter()
            .map(|p| (p.plan_id.as_str(), p))
            .collect();
        let mut tags: Vec<&crate::project::Tag> = project
            .tags
            .iter()
            .filter(|t| !t.orphaned && !t.is_empty())
            .collect();
        tags.sort_by_key(|t| t.tag_id);
        let segments = tags
            .into_iter()
            .filter_map(|t| {
                let plan = plans.get(t.plan_id.as_str())?;
                Some(CodedSegment {
                    theme_id: t.theme_id.clone(),
                    plan_id: t.plan_id.clone(),
                    char_range: t.char_range(plan)?,
                    measure_id: t.measure_id.clone(),
                    memo: Some(t.memo.clone()).filter(|m| !m.is_empty()),
                    coder: Some(t.coder.clone()).filter(|c| !c.is_empty()),
                })
            })
            .collect();
        Coding { themes, segments }
    }

    /// The codebook as the themes module knows it (no rules), for [`crate::themes::Matrix`].
    pub fn codebook(&self) -> crate::themes::Codebook {
        crate::themes::Codebook {
            name: String::new(),
            themes: self
                .themes
                .iter()
                .map(|t| crate::themes::Theme {
                    theme_id: t.theme_id.clone(),
                    name: t.name.clone(),
                    color: t
                        .colour
                        .as_deref()
                        .and_then(crate::themes::parse_color_hex)
                        .unwrap_or([0x80, 0x80, 0x80]),
                    description: t.description.clone().unwrap_or_default(),
                    parent: t.parent.clone(),
                    ..crate::themes::Theme::default()
                })
                .collect(),
        }
    }

    /// The segments of `plans` as [`crate::themes::Matrix`] counts them (byte ranges in the
    /// plan's text); segments of other plans or outside their plan are left out.
    pub fn matrix_segments(&self, plans: &[&Plan]) -> Vec<crate::themes::CodedSegment> {
        let by_id: HashMap<&str, &Plan> = plans.iter().map(|p| (p.plan_id.as_str(), *p)).collect();
        let mut starts_of: HashMap<&str, Vec<usize>> = HashMap::new();
        self.segments
            .iter()
            .filter_map(|s| {
                let plan = by_id.get(s.plan_id.as_str())?;
                let starts = starts_of
                    .entry(s.plan_id.as_str())
                    .or_insert_with(|| char_starts(plan.original_text()));
                let a = *starts.get(s.char_range.start)?;
                let b = *starts.get(s.char_range.end)?;
                Some(crate::themes::CodedSegment {
                    theme_id: s.theme_id.clone(),
                    plan_id: s.plan_id.clone(),
                    measure_id: s.measure_id.clone(),
                    byte_range: a..b,
                })
            })
            .collect()
    }

    /// Theme paths by id: `产业发展 > 智慧供暖`. A theme whose parent is unknown (or a cycle) is
    /// treated as top level.
    pub fn theme_paths(&self) -> HashMap<String, String> {
        let by_id: HashMap<&str, &CodingTheme> = self
            .themes
            .iter()
            .map(|t| (t.theme_id.as_str(), t))
            .collect();
        self.themes
            .iter()
            .map(|t| {
                let mut names = vec![t.name.as_str()];
                let mut seen = HashSet::from([t.theme_id.as_str()]);
                let mut cur = t;
                while let Some(p) = cur.parent.as_deref().and_then(|p| by_id.get(p)) {
                    if !seen.insert(p.theme_id.as_str()) {
                        break;
                    }
                    names.push(p.name.as_str());
                    cur = p;
                }
                names.reverse();
                (t.theme_id.clone(), names.join(PATH_SEPARATOR))
            })
            .collect()
    }

    /// Top-level themes and the children of each theme, in codebook order. Unknown parents and
    /// cycles fall back to the top level so that every theme is written exactly once.
    pub(super) fn tree(&self) -> (Vec<usize>, HashMap<usize, Vec<usize>>) {
        let index: HashMap<&str, usize> = self
            .themes
            .iter()
            .enumerate()
            .map(|(i, t)| (t.theme_id.as_str(), i))
            .collect();
        let parent_of = |i: usize| {
            self.themes
                .get(i)
                .and_then(|t| t.parent.as_deref())
                .and_then(|p| index.get(p).copied())
        };
        // Whether each theme's chain of parents ends at a root (true) or in a cycle (false),
        // each theme walked once: linear in the number of themes, whatever the depth.
        let n = self.themes.len();
        let mut acyclic: Vec<Option<bool>> = vec![None; n];
        let mut on_path = vec![false; n];
        for start in 0..n {
            let mut path = Vec::new();
            let mut cur = Some(start);
            let result = loop {
                let Some(c) = cur else { break true };
                if let Some(known) = acyclic.get(c).copied().flatten() {
                    break known;
                }
                if on_path.get(c).copied().unwrap_or(true) {
                    break false;
                }
                if let Some(x) = on_path.get_mut(c) {
                    *x = true;
                }
                path.push(c);
                cur = parent_of(c);
            };
            for i in path {
                if let Some(x) = acyclic.get_mut(i) {
                    *x = Some(result);
                }
            }
        }
        let mut roots = Vec::new();
        let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
        for i in 0..n {
            // A cycle (or a self-parent) makes the theme a root.
            let cyclic = acyclic.get(i).copied().flatten() != Some(true);
            match parent_of(i) {
                Some(p) if !cyclic => children.entry(p).or_default().push(i),
                _ => roots.push(i),
            }
        }
        (roots, children)
    }
}

/// Code-point range of a byte range of a plan's original text (as [`Plan::span`] and
/// [`crate::measure::Measure::span`] give them, relative to the whole file): what a segment
/// covering that stretch stores.
pub fn char_range_of(plan: &Plan, byte_range: Range<usize>) -> Option<Range<usize>> {
    let text = plan.original_text();
    let a = byte_range.start.checked_sub(plan.span.start)?;
    let b = byte_range.end.checked_sub(plan.span.start)?;
    let starts = char_starts(text);
    let ca = starts.binary_search(&a).ok()?;
    let cb = starts.binary_search(&b).ok()?;
    Some(ca..cb)
}
