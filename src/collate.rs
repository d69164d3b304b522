//! Measure families collated: every member of a family stacked, its wording split into what it
//! has in common with the family's representative and what differs.
//!
//! The comparison runs over jieba words of the normalised text (so `進` and `进` are the same,
//! and a change of one word is one change, not a scatter of characters): the longest common
//! subsequence of the member's words and the representative's words is *common*, every other
//! word *differing*. Punctuation and spaces do not take part and always count as common, so a
//! `，` against a `、` is not flagged. Words of the representative a member lacks are listed
//! apart ([`CollatedMember::missing_words`]): they have no place in the member's text. The diff is a plain dynamic programme written here (members
//! are a sentence or a paragraph, a few hundred words at most), which keeps the dependency list
//! short.
//!
//! Segments are byte ranges of the member's display `text` when `text` and `norm` line up
//! character for character ([`crate::search::char_aligned_offsets`]); otherwise the member is
//! shown in its normalised text, which the ranges then index.

use std::ops::Range;

use serde::Serialize;

use crate::comparison::join_label;
use crate::matching::Analysis;
use crate::normalize::normalize_str;
use crate::plan::Plan;
use crate::search::{char_aligned_offsets, map_norm_range};
use crate::tokenize::Tokenizer;

/// Characters of the representative text kept in a family's row.
pub const ROW_TEXT_CHARS: usize = 80;

/// Whether a segment of a member agrees with the representative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SegmentKind {
    /// The representative has these words too, in this order.
    Common,
    /// Words only this member has.
    Differing,
}

/// A run of a member's text of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Common or differing.
    pub kind: SegmentKind,
    /// Byte range in the member's [`CollatedMember::text`].
    pub byte_range: Range<usize>,
}

/// One member of a collated family.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollatedMember {
    /// Flat index of the measure in the [`Analysis`].
    pub flat: usize,
    /// Index of its plan in the corpus.
    pub plan_index: usize,
    /// The plan's id.
    pub plan_id: String,
    /// The plan's name.
    pub plan_name: String,
    /// Index of the measure in the plan's `measures()`.
    pub measure_index: usize,
    /// The measure's id.
    pub measure_id: String,
    /// Section of the measure (`None`: the preamble).
    pub section_id: Option<usize>,
    /// The section's label and title (`三、推进城乡要素合理配置`); empty for the preamble.
    pub section_heading: String,
    /// The text shown: the display text, or the normalised one when the two do not line up.
    pub text: String,
    /// The text cut into common and differing runs, in order, covering it.
    pub segments: Vec<Segment>,
    /// This member is the family's representative (all common by definition).
    pub representative: bool,
    /// Share of the member's word characters that are common, 0–1.
    pub common_share: f32,
    /// Words of the representative this member lacks (normalised), in order: what a reader
    /// cannot see in the member's own text.
    pub missing_words: Vec<String>,
}

impl CollatedMember {
    /// The text of the segments of `kind`, in order.
    pub fn texts_of(&self, kind: SegmentKind) -> Vec<&str> {
        self.segments
            .iter()
            .filter(|s| s.kind == kind)
            .filter_map(|s| self.text.get(s.byte_range.clone()))
            .collect()
    }
}

/// A family with every member collated against its representative.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollatedFamily {
    /// The family's id in [`Analysis::families`].
    pub family_id: usize,
    /// Plans adopting it (corpus indexes, sorted).
    pub plan_indexes: Vec<usize>,
    /// Members by plan, then reading order.
    pub members: Vec<CollatedMember>,
}

/// A family as listed: how widely it is adopted and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyRow {
    /// The family's id in [`Analysis::families`].
    pub family_id: usize,
    /// Plans adopting it.
    pub plan_count: usize,
    /// Measures in it.
    pub member_count: usize,
    /// The representative's display text, cut to [`ROW_TEXT_CHARS`] characters with `…`.
    pub representative_text: String,
    /// Plans adopting it (corpus indexes, sorted).
    pub plan_indexes: Vec<usize>,
    /// Names of those plans, same order.
    pub plan_names: Vec<String>,
    /// What the filter looks in: every member's normalised text and the plan names, one a line.
    search_text: String,
}

impl FamilyRow {
    /// Does the filter `query` (as typed; normalised here) occur in a member's text or a plan
    /// name? A blank query matches every row.
    pub fn matches(&self, query: &str) -> bool {
        let q = normalize_str(query.trim());
        q.is_empty() || self.search_text.contains(&q)
    }
}

/// The families of `analysis`, most widely adopted first (then most members, then id).
/// Each plan's measures are listed once (not once per member), the rows are built in parallel,
/// and a row's search text holds each distinct member text once (a template adopted by
/// thousands of plans is one line, not thousands).
pub fn family_rows(plans: &[Plan], analysis: &Analysis) -> Vec<FamilyRow> {
    use rayon::prelude::*;
    let measures: Vec<Vec<&crate::measure::Measure>> =
        plans.par_iter().map(|p| p.measures()).collect();
    let names_norm: Vec<String> = plans.par_iter().map(|p| normalize_str(&p.name)).collect();
    let measure_of = |flat: usize| {
        let m = analysis.measures.get(flat)?;
        measures.get(m.plan)?.get(m.index).copied()
    };
    let mut rows: Vec<FamilyRow> = analysis
        .families
        .par_iter()
        .map(|f| {
            let rep_text = measure_of(f.representative).map_or("", |m| m.text.as_str());
            let mut representative_text: String = rep_text.chars().take(ROW_TEXT_CHARS).collect();
            if rep_text.chars().nth(ROW_TEXT_CHARS).is_some() {
                representative_text.push('…');
            }
            let plan_names: Vec<String> = f
                .plans
                .iter()
                .filter_map(|&p| plans.get(p).map(|x| x.name.clone()))
                .collect();
            let mut seen = std::collections::HashSet::new();
            let mut search_text: Vec<String> = f
                .members
                .iter()
                .filter_map(|&m| measure_of(m).map(|x| x.norm.as_str()))
                .filter(|norm| seen.insert(*norm))
                .map(str::to_string)
                .collect();
            search_text.extend(f.plans.iter().filter_map(|&p| names_norm.get(p).cloned()));
            FamilyRow {
                family_id: f.family_id,
                plan_count: f.plans.len(),
                member_count: f.members.len(),
                representative_text,
                plan_indexes: f.plans.clone(),
                plan_names,
                search_text: search_text.join("\n"),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.plan_count
            .cmp(&a.plan_count)
            .then(b.member_count.cmp(&a.member_count))
            .then(a.family_id.cmp(&b.family_id))
    });
    rows
}

/// Byte ranges of the words of `norm` (jieba; punctuation and spaces left out).
pub fn word_ranges(norm: &str) -> Vec<Range<usize>> {
    let mut at = 0;
    let mut out = Vec::new();
    for w in Tokenizer::global().words(norm) {
        // Words come in order: find each one after the previous.
        let Some(found) = norm.get(at..).and_then(|rest| rest.find(w)) else {
            continue;
        };
        let start = at + found;
        out.push(start..start + w.len());
        at = start + w.len();
    }
    out
}

/// Which items of `b` belong to a longest common subsequence of `a` and `b`.
pub fn lcs_common<T: PartialEq>(a: &[T], b: &[T]) -> Vec<bool> {
    lcs_flags(a, b).1
}

/// Which items of `a` and which of `b` belong to one longest common subsequence of the two.
pub fn lcs_flags<T: PartialEq>(a: &[T], b: &[T]) -> (Vec<bool>, Vec<bool>) {
    let (n, m) = (a.len(), b.len());
    // table[i][j]: LCS length of a[i..] and b[j..], as one flat row-major vector.
    let width = m + 1;
    let mut table = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let v = if a[i] == b[j] {
                table[(i + 1) * width + j + 1] + 1
            } else {
                table[(i + 1) * width + j].max(table[i * width + j + 1])
            };
            table[i * width + j] = v;
        }
    }
    let mut in_a = vec![false; n];
    let mut in_b = vec![false; m];
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[i] == b[j] {
            in_a[i] = true;
            in_b[j] = true;
            i += 1;
            j += 1;
        } else if table[(i + 1) * width + j] >= table[i * width + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    (in_a, in_b)
}

/// A member's text cut against the representative.
struct Diff {
    /// Common and differing runs, byte ranges of the member's `norm`.
    runs: Vec<(SegmentKind, Range<usize>)>,
    /// Share of the member's word characters that are common.
    common_share: f32,
    /// Representative words the member lacks, in order.
    missing: Vec<String>,
}

/// Cut `norm` into common and differing runs against the representative's words (byte ranges of
/// `norm`); returns the runs and the common share of word characters.
fn diff_norm(norm: &str, rep_words: &[&str]) -> Diff {
    let ranges = word_ranges(norm);
    let words: Vec<&str> = ranges
        .iter()
        .map(|r| norm.get(r.clone()).unwrap_or(""))
        .collect();
    let (rep_common, common) = lcs_flags(rep_words, &words);
    let mut runs: Vec<(SegmentKind, Range<usize>)> = Vec::new();
    let mut push = |kind: SegmentKind, r: Range<usize>| {
        if r.is_empty() {
            return;
        }
        match runs.last_mut() {
            Some((k, last)) if *k == kind && last.end == r.start => last.end = r.end,
            _ => runs.push((kind, r)),
        }
    };
    let mut at = 0;
    let (mut same_chars, mut all_chars) = (0usize, 0usize);
    for (r, &c) in ranges.iter().zip(&common) {
        if r.start < at {
            continue;
        }
        push(SegmentKind::Common, at..r.start);
        let kind = if c {
            SegmentKind::Common
        } else {
            SegmentKind::Differing
        };
        let chars = norm.get(r.clone()).map_or(0, |w| w.chars().count());
        all_chars += chars;
        if c {
            same_chars += chars;
        }
        push(kind, r.clone());
        at = r.end;
    }
    push(SegmentKind::Common, at..norm.len());
    let share = if all_chars == 0 {
        1.0
    } else {
        same_chars as f32 / all_chars as f32
    };
    let missing = rep_words
        .iter()
        .zip(&rep_common)
        .filter(|(_, c)| !**c)
        .map(|(w, _)| (*w).to_owned())
        .collect();
    Diff {
        runs,
        common_share: share,
        missing,
    }
}

/// The section heading of `section_id` in `plan`.
fn heading_of(plan: &Plan, section_id: Option<usize>) -> String {
    let Some(id) = section_id else {
        return String::new();
    };
    plan.all_sections()
        .into_iter()
        .find(|s| s.section_id == id)
        .map(|s| join_label(&s.label, &s.title))
        .unwrap_or_default()
}

/// Collate family `family_id`: its members by plan, each cut against the representative.
pub fn collate_family(
    plans: &[Plan],
    analysis: &Analysis,
    family_id: usize,
) -> Option<CollatedFamily> {
    let family = analysis
        .families
        .iter()
        .find(|f| f.family_id == family_id)?;
    let measure_of = |flat: usize| {
        let entry = analysis.measures.get(flat)?;
        let plan = plans.get(entry.plan)?;
        let m = *plan.measures().get(entry.index)?;
        Some((entry.plan, entry.index, plan, m))
    };
    let (_, _, _, rep) = measure_of(family.representative)?;
    let rep_ranges = word_ranges(&rep.norm);
    let rep_words: Vec<&str> = rep_ranges
        .iter()
        .map(|r| rep.norm.get(r.clone()).unwrap_or(""))
        .collect();
    let mut members: Vec<CollatedMember> = family
        .members
        .iter()
        .filter_map(|&flat| {
            let (plan_index, measure_index, plan, m) = measure_of(flat)?;
            let Diff {
                runs,
                common_share,
                missing,
            } = diff_norm(&m.norm, &rep_words);
            let offsets = char_aligned_offsets(&m.text, &m.norm);
            let mapped: Option<Vec<Segment>> = offsets.as_ref().and_then(|o| {
                runs.iter()
                    .map(|(kind, r)| {
                        Some(Segment {
                            kind: *kind,
                            byte_range: map_norm_range(&m.norm, o, r.clone())?,
                        })
                    })
                    .collect()
            });
            let (text, segments) = match mapped {
                Some(segments) => (m.text.clone(), segments),
                None => (
                    m.norm.clone(),
                    runs.into_iter()
                        .map(|(kind, byte_range)| Segment { kind, byte_range })
                        .collect(),
                ),
            };
            Some(CollatedMember {
                flat,
                plan_index,
                plan_id: plan.plan_id.clone(),
                plan_name: plan.name.clone(),
                measure_index,
                measure_id: m.measure_id.clone(),
                section_id: m.section_id,
                section_heading: heading_of(plan, m.section_id),
                text,
                segments,
                representative: flat == family.representative,
                common_share,
                missing_words: missing,
            })
        })
        .collect();
    members.sort_by_key(|m| (m.plan_index, m.measure_index));
    Some(CollatedFamily {
        family_id,
        plan_indexes: family.plans.clone(),
        members,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lcs_marks_the_words_both_sequences_keep_in_order() {
        let a = ["推广", "智慧", "供暖", "技术"];
        let b = ["推广", "清洁", "供暖", "技术"];
        assert_eq!(lcs_common(&a, &b), vec![true, false, true, true]);
        assert_eq!(lcs_common::<&str>(&[], &b), vec![false; 4]);
    }

    #[test]
    fn a_changed_word_is_the_only_differing_run() {
        let rep = "加快推进农村宅基地制度改革。";
        let rep_r = word_ranges(rep);
        let rep_words: Vec<&str> = rep_r.iter().map(|r| &rep[r.clone()]).collect();
        let other = "稳步推进农村宅基地制度改革。";
        let Diff {
            runs,
            common_share: share,
            missing,
        } = diff_norm(other, &rep_words);
        assert_eq!(missing, vec!["加快".to_owned()]);
        let differing: Vec<&str> = runs
            .iter()
            .filter(|(k, _)| *k == SegmentKind::Differing)
            .map(|(_, r)| &other[r.clone()])
            .collect();
        assert_eq!(differing, vec!["稳步"]);
        assert!(share > 0.6 && share < 1.0);
        assert_eq!(runs.last().map(|r| r.1.end), Some(other.len()));
    }
}
