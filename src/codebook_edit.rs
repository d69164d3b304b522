//! Editing a codebook as the themes panel does it, without a UI: term lists as typed
//! (`宅基地，农房、闲置农房`), the matched terms of a proposal located in its text, the parent-cycle
//! check, new and deleted themes. The panel calls these; they are tested here on Chinese text.

use std::ops::Range;

use crate::project::Project;
use crate::themes::{Codebook, CodebookProblem, Theme};

/// Split a term list as typed: spaces, commas (`,` `，`), enumeration commas (`、`) and semicolons
/// separate terms; empty pieces are dropped.
pub fn parse_terms(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；'))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// A term list as the editor shows it: space-separated.
pub fn format_terms(terms: &[String]) -> String {
    terms.join(" ")
}

/// Byte ranges of `text` where any of `terms` occurs (a leading `=` of a whole-word term is
/// dropped), sorted and merged, for marking the matched terms of a proposal. Terms are looked for
/// as written and in the normalised text (Simplified, half-width, pinyin notes dropped), whose
/// matches are mapped back to the original: a Simplified term marks its Traditional spelling
/// (`人口迁徙` in `人口遷徙`), as the rules match.
pub fn term_ranges(text: &str, terms: &[String]) -> Vec<Range<usize>> {
    let terms: Vec<&str> = terms
        .iter()
        .map(|t| t.trim_start_matches('='))
        .filter(|t| !t.is_empty())
        .collect();
    let mut ranges: Vec<Range<usize>> = terms
        .iter()
        .flat_map(|t| text.match_indices(t).map(|(i, m)| i..i + m.len()))
        .collect();
    let mut base = 0;
    for line in text.split_inclusive('\n') {
        let norm = crate::normalize::normalize_line(line, base);
        for t in &terms {
            let t = crate::normalize::normalize_str(t);
            if t.is_empty() {
                continue;
            }
            for (i, m) in norm.text.match_indices(t.as_str()) {
                let r = norm.orig_range(i..i + m.len());
                if r.start < r.end && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
                {
                    ranges.push(r);
                }
            }
        }
        base += line.len();
    }
    crate::chars::merge_ranges(ranges)
}

/// Would giving `theme_id` the parent `parent` make a parent cycle? (Checked with
/// [`Codebook::validate`] on a copy.)
pub fn would_cycle(codebook: &Codebook, theme_id: &str, parent: Option<&str>) -> bool {
    let mut copy = codebook.clone();
    if let Some(t) = copy.themes.iter_mut().find(|t| t.theme_id == theme_id) {
        t.parent = parent.map(str::to_string);
    }
    copy.validate()
        .iter()
        .any(|p| matches!(p, CodebookProblem::Cycle(_)))
}

/// A new theme for `codebook`: an unused id (`theme_1`, `theme_2`, …), a colour no theme has,
/// the given parent, no rules.
pub fn new_theme(codebook: &Codebook, parent: Option<&str>, name: &str) -> Theme {
    let mut k = codebook.themes.len() + 1;
    while codebook.theme(&format!("theme_{k}")).is_some() {
        k += 1;
    }
    // Hues around the wheel by the golden angle, the first one not taken.
    let mut color = [128, 128, 128];
    for step in 0..360u32 {
        let hue = (k as u32 + step) as f32 * 137.508;
        let candidate = srgb_from_hsv((hue % 360.0) / 360.0, 0.55, 0.75);
        if codebook.themes.iter().all(|t| t.color != candidate) {
            color = candidate;
            break;
        }
    }
    Theme {
        theme_id: format!("theme_{k}"),
        name: name.to_string(),
        color,
        parent: parent.map(str::to_string),
        ..Theme::default()
    }
}

/// Delete a theme: its children move up to its parent; its tags and rejections go. Returns how
/// many tags were removed.
pub fn delete_theme(project: &mut Project, theme_id: &str) -> usize {
    let Some(pos) = project
        .codebook
        .themes
        .iter()
        .position(|t| t.theme_id == theme_id)
    else {
        return 0;
    };
    let removed = project.codebook.themes.remove(pos);
    for t in &mut project.codebook.themes {
        if t.parent.as_deref() == Some(theme_id) {
            t.parent = removed.parent.clone();
        }
    }
    let before = project.tags.len();
    project.tags.retain(|t| t.theme_id != theme_id);
    project.rejected.retain(|r| r.theme_id != theme_id);
    before - project.tags.len()
}

/// An sRGB colour from hue, saturation and value in linear space, as `egui`'s
/// `Color32::from(Hsva::new(h, s, v, 1.0))` computes it (so the colours of new themes stay
/// what they were when this lived in the UI).
fn srgb_from_hsv(h: f32, s: f32, v: f32) -> [u8; 3] {
    let h = (h.fract() + 1.0).fract();
    let s = s.clamp(0.0, 1.0);
    let f = h * 6.0 - (h * 6.0).floor();
    let p = v * (1.0 - s);
    let q = v * (1.0 - f * s);
    let t = v * (1.0 - (1.0 - f) * s);
    let [r, g, b] = match (h * 6.0).floor() as i32 % 6 {
        0 => [v, t, p],
        1 => [q, v, p],
        2 => [p, v, t],
        3 => [p, q, v],
        4 => [t, p, v],
        _ => [v, p, q],
    };
    [gamma_u8(r), gamma_u8(g), gamma_u8(b)]
}

/// Linear [0, 1] to gamma-encoded sRGB [0, 255].
fn gamma_u8(l: f32) -> u8 {
    let x = if l <= 0.0 {
        0.0
    } else if l <= 0.003_130_8 {
        3294.6 * l
    } else if l <= 1.0 {
        269.025 * l.powf(1.0 / 2.4) - 14.025
    } else {
        255.0
    };
    (x + 0.5) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::themes::bundled_codebooks;

    #[test]
    fn terms_split_on_spaces_and_chinese_commas() {
        assert_eq!(
            parse_terms("宅基地， 农房、闲置农房,=税收  "),
            vec!["宅基地", "农房", "闲置农房", "=税收"]
        );
        assert_eq!(format_terms(&parse_terms("宅基地，农房")), "宅基地 农房");
        assert!(parse_terms(" ，、 ").is_empty());
    }

    #[test]
    fn simplified_terms_are_marked_in_traditional_text() {
        let text = "推動人口遷徙，放寬落戶限制";
        let r = term_ranges(text, &["人口迁徙".into(), "落户".into()]);
        let marked: Vec<&str> = r.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(marked, ["人口遷徙", "落戶"]);
        // Pinyin notes inside a match stay inside the marked span.
        let text = "推進城鄉(xiāng)融合";
        let r = term_ranges(text, &["城乡融合".into()]);
        assert_eq!(r.len(), 1);
        assert_eq!(&text[r[0].clone()], "城鄉(xiāng)融合");
    }

    #[test]
    fn matched_terms_are_marked_merged_where_they_overlap() {
        let text = "盘活闲置宅基地和闲置农房";
        let r = term_ranges(text, &["宅基地".into(), "闲置宅基".into(), "=农房".into()]);
        let marked: Vec<&str> = r.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(marked, vec!["闲置宅基地", "农房"]);
    }

    #[test]
    fn a_parent_inside_the_subtree_is_a_cycle() {
        let book = bundled_codebooks()
            .into_iter()
            .find(|(n, _)| n.starts_with("urban"))
            .unwrap()
            .1;
        let child = book.children("shiyanqu")[0].theme_id.clone();
        assert!(would_cycle(&book, "shiyanqu", Some(&child)));
        assert!(!would_cycle(&book, &child, None));
    }

    #[test]
    fn a_new_theme_has_a_fresh_id_and_colour_and_deleting_it_moves_children_up() {
        let mut project = Project::new(Codebook::default());
        let a = new_theme(&project.codebook, None, "甲");
        project.codebook.themes.push(a.clone());
        let b = new_theme(&project.codebook, Some(&a.theme_id), "乙");
        assert_ne!(a.theme_id, b.theme_id);
        assert_ne!(a.color, b.color);
        project.codebook.themes.push(b.clone());
        let c = new_theme(&project.codebook, Some(&b.theme_id), "丙");
        project.codebook.themes.push(c.clone());
        assert_eq!(delete_theme(&mut project, &b.theme_id), 0);
        assert_eq!(
            project.codebook.theme(&c.theme_id).unwrap().parent,
            Some(a.theme_id.clone())
        );
        assert!(project.codebook.validate().iter().all(|p| !p.is_error()));
    }

    #[test]
    fn new_theme_colours_follow_the_golden_angle_as_before() {
        // Hue 0 is a muted red, half the wheel its cyan complement (the GUI tests check the
        // golden-angle hues against egui's own conversion).
        assert_eq!(srgb_from_hsv(0.0, 0.55, 0.75), [225, 157, 157]);
        assert_eq!(srgb_from_hsv(0.5, 0.55, 0.75), [157, 225, 225]);
        let book = Codebook::default();
        let t = new_theme(&book, None, "户籍制度改革");
        assert_eq!(t.theme_id, "theme_1");
        assert_eq!(t.name, "户籍制度改革");
        assert!(t.parent.is_none() && t.rules.is_empty());
    }
}
