//! Full-text search over the measures and section titles of the loaded plans, as a view-model
//! the search panel only paints.
//!
//! # Matching
//! - The query is normalised like the plans ([`normalize_str`]: Traditional → Simplified,
//!   full-width → half-width) and looked up in each measure's `norm`, so `戶籍` finds `户籍` and
//!   `农村` finds the Traditional `農村` of 淄博市.
//! - A query of several words separated by spaces (`宅基地 退出`) matches the measures holding the
//!   whole phrase (`宅基地退出`) first, then those holding every word somewhere
//!   ([`MatchKind::AllWords`]). A query without spaces that is absent as a phrase everywhere is
//!   split into words by jieba and searched for as all of its words.
//! - Section titles are searched too; their hits have no measure (`measure_index == None`).
//!
//! # Highlighting the display text
//! Matches are found in `norm` but shown in the display `text` (original script). When both have
//! the same number of characters, normalisation was one character for one character and the
//! character index carries over (the mapped slice is checked to normalise to the match). Otherwise
//! (whitespace dropped inside the text, a phrase conversion) each character of the text is
//! normalised on its own and the query words are looked up in that; if even that fails, the whole
//! text is highlighted.
//!
//! # Order
//! Plans with more phrase hits come first (then more hits, then corpus order); within a plan the
//! phrase hits come first, in reading order, then the all-words hits in reading order. The search
//! is a linear scan (~3,200 measures on the seeds take well under a millisecond per query
//! character); nothing is precomputed.

use std::ops::Range;

use serde::Serialize;

use crate::normalize::{fold_char, normalize_str, to_simplified};
use crate::plan::Plan;
use crate::tokenize::Tokenizer;

/// Characters of context on each side of a match in a keyword-in-context line.
pub const KWIC_CONTEXT_CHARS: usize = 20;

/// How a hit matched the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The whole query as one phrase.
    Phrase,
    /// Every word of the query, not necessarily together.
    AllWords,
}

/// A parsed query: the phrase and, when it has several, its words (all normalised).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Query {
    /// The normalised query without spaces.
    pub phrase: String,
    /// The words for an all-words match (empty for a one-word query).
    pub words: Vec<String>,
    /// The user separated words with spaces: all-words hits are always wanted.
    pub spaced: bool,
}

impl Query {
    /// Parse a query as typed; `None` when it is blank.
    pub fn parse(query: &str) -> Option<Query> {
        let mut parts: Vec<String> = query
            .split_whitespace()
            .map(normalize_str)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.is_empty() {
            return None;
        }
        let phrase = parts.concat();
        let spaced = parts.len() > 1;
        if !spaced {
            parts = Tokenizer::global()
                .words(&phrase)
                .into_iter()
                .map(str::to_owned)
                .collect();
        }
        let mut words: Vec<String> = Vec::new();
        for p in parts {
            if !words.contains(&p) {
                words.push(p);
            }
        }
        if words.len() < 2 {
            words.clear();
        }
        Some(Query {
            phrase,
            words,
            spaced,
        })
    }
}

/// A keyword-in-context line: the match with up to [`KWIC_CONTEXT_CHARS`] characters on each
/// side (`…` marks a cut).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Kwic {
    /// Text before the match.
    pub left: String,
    /// The matched text as displayed.
    pub matched: String,
    /// Text after the match.
    pub right: String,
}

/// One measure or section title that matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    /// Index of the measure in its plan's `measures()`; `None` for a section title.
    pub measure_index: Option<usize>,
    /// The measure's id; `None` for a section title.
    pub measure_id: Option<String>,
    /// The section of the measure or the section whose title matched (`None`: the preamble).
    pub section_id: Option<usize>,
    /// The display text that matched (the measure's `text` or the section's `title`).
    pub text: String,
    /// Byte ranges of the matches in `text`, sorted, not overlapping.
    pub byte_ranges_in_text: Vec<Range<usize>>,
    /// The first match in context.
    pub kwic: Kwic,
    /// Phrase or all-words match.
    pub kind: MatchKind,
}

impl Hit {
    /// The keyword-in-context line as runs of text, `true` for a match: the first match with
    /// [`KWIC_CONTEXT_CHARS`] characters on each side (`…` where cut), every match inside that
    /// window marked (an all-words hit shows its other words marked too).
    pub fn kwic_runs(&self) -> Vec<(&str, bool)> {
        let text = self.text.as_str();
        let Some(first) = self.byte_ranges_in_text.first() else {
            return vec![(text, false)];
        };
        let start = text
            .get(..first.start)
            .and_then(|b| b.char_indices().rev().nth(KWIC_CONTEXT_CHARS - 1))
            .map_or(0, |(at, _)| at);
        let end = text
            .get(first.end..)
            .and_then(|a| a.char_indices().nth(KWIC_CONTEXT_CHARS))
            .map_or(text.len(), |(at, _)| first.end + at);
        let mut runs = Vec::new();
        if start > 0 {
            runs.push(("…", false));
        }
        let mut at = start;
        for r in &self.byte_ranges_in_text {
            let (s, e) = (r.start.max(at), r.end.min(end));
            if s >= e {
                continue;
            }
            if let Some(before) = text.get(at..s).filter(|t| !t.is_empty()) {
                runs.push((before, false));
            }
            if let Some(m) = text.get(s..e) {
                runs.push((m, true));
            }
            at = e;
        }
        if let Some(rest) = text.get(at..end).filter(|t| !t.is_empty()) {
            runs.push((rest, false));
        }
        if end < text.len() {
            runs.push(("…", false));
        }
        runs
    }
}

/// The hits in one plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanHits {
    /// Index of the plan in the corpus.
    pub plan_index: usize,
    /// The plan's id.
    pub plan_id: String,
    /// The plan's name (its place).
    pub name: String,
    /// Hits kept (within the limit), phrase hits first, each kind in reading order.
    pub hits: Vec<Hit>,
    /// All hits found in this plan, kept or not.
    pub total: usize,
}

/// The result of a search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SearchResult {
    /// The parsed query (`None`: blank query, no hits).
    pub query: Option<Query>,
    /// Plans with hits, most phrase hits first.
    pub hits_by_plan: Vec<PlanHits>,
    /// Hits found in all plans (may exceed the hits kept).
    pub total: usize,
    /// Hits kept in `hits_by_plan`.
    pub shown: usize,
}

impl SearchResult {
    /// Were hits left out because of the limit?
    pub fn truncated(&self) -> bool {
        self.shown < self.total
    }

    /// The hits of a plan, if it has any.
    pub fn plan_hits(&self, plan_index: usize) -> Option<&PlanHits> {
        self.hits_by_plan
            .iter()
            .find(|p| p.plan_index == plan_index)
    }
}

/// One searchable text of a plan: a measure or a section title.
struct Unit<'a> {
    measure_index: Option<usize>,
    measure_id: Option<&'a str>,
    section_id: Option<usize>,
    text: &'a str,
    norm: &'a str,
}

/// The measures and section titles of a plan in reading order (a title before its measures).
fn units(plan: &Plan) -> Vec<Unit<'_>> {
    let mut out = Vec::new();
    let mut index = 0;
    for m in &plan.preamble.measures {
        out.push(Unit {
            measure_index: Some(index),
            measure_id: Some(&m.measure_id),
            section_id: None,
            text: &m.text,
            norm: &m.norm,
        });
        index += 1;
    }
    for s in plan.all_sections() {
        if !s.title_norm.is_empty() {
            out.push(Unit {
                measure_index: None,
                measure_id: None,
                section_id: Some(s.section_id),
                text: &s.title,
                norm: &s.title_norm,
            });
        }
        for m in &s.measures {
            out.push(Unit {
                measure_index: Some(index),
                measure_id: Some(&m.measure_id),
                section_id: Some(s.section_id),
                text: &m.text,
                norm: &m.norm,
            });
            index += 1;
        }
    }
    out
}

/// Byte ranges of every occurrence of `needle` in `hay`.
fn occurrences(hay: &str, needle: &str) -> Vec<Range<usize>> {
    hay.match_indices(needle)
        .map(|(at, m)| at..at + m.len())
        .collect()
}

/// Sort and merge overlapping ranges (touching ones stay apart: two words, two marks).
fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Byte offset in `text` of every character boundary of `norm`, when `text` and `norm` have the
/// same number of characters (normalisation was one character for one); `None` otherwise.
///
/// Entry `k` is where the `k`-th character starts; the last entry is `text.len()`.
pub fn char_aligned_offsets(text: &str, norm: &str) -> Option<Vec<usize>> {
    let mut offsets: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
    if offsets.len() != norm.chars().count() {
        return None;
    }
    offsets.push(text.len());
    Some(offsets)
}

/// Map a byte range of `norm` to `text` through [`char_aligned_offsets`].
pub fn map_norm_range(norm: &str, offsets: &[usize], range: Range<usize>) -> Option<Range<usize>> {
    let start = norm.get(..range.start)?.chars().count();
    let len = norm.get(range)?.chars().count();
    Some(*offsets.get(start)?..*offsets.get(start + len)?)
}

/// The display text's characters, each normalised on its own (whitespace dropped), with their
/// byte ranges: the fallback map when `text` and `norm` do not line up.
fn folded_chars(text: &str) -> (String, Vec<Range<usize>>) {
    let mut folded = String::new();
    let mut ranges = Vec::new();
    for (at, c) in text.char_indices() {
        let f = fold_char(c);
        if f.is_whitespace() {
            continue;
        }
        let one = to_simplified(f.encode_utf8(&mut [0; 4]));
        let s = one.chars().next().unwrap_or(f);
        folded.push(s);
        ranges.push(at..at + c.len_utf8());
    }
    (folded, ranges)
}

/// Byte ranges in `text` of the `norm` matches `norm_ranges` of `needles` (see the module docs).
fn text_ranges(
    text: &str,
    norm: &str,
    norm_ranges: &[Range<usize>],
    needles: &[&str],
) -> Vec<Range<usize>> {
    if let Some(offsets) = char_aligned_offsets(text, norm) {
        let mapped: Option<Vec<Range<usize>>> = norm_ranges
            .iter()
            .map(|r| {
                let t = map_norm_range(norm, &offsets, r.clone())?;
                let same = normalize_str(text.get(t.clone())?) == norm.get(r.clone())?;
                same.then_some(t)
            })
            .collect();
        if let Some(mapped) = mapped {
            return merge(mapped);
        }
    }
    let (folded, ranges) = folded_chars(text);
    let mut out = Vec::new();
    for needle in needles {
        for r in occurrences(&folded, needle) {
            let first = folded[..r.start].chars().count();
            let count = folded[r].chars().count();
            let last = (first + count).saturating_sub(1);
            if let (Some(a), Some(b)) = (ranges.get(first), ranges.get(last)) {
                out.push(a.start..b.end);
            }
        }
    }
    if out.is_empty() {
        return vec![Range {
            start: 0,
            end: text.len(),
        }];
    }
    merge(out)
}

/// The first match of `ranges` in context.
fn kwic(text: &str, ranges: &[Range<usize>]) -> Kwic {
    let Some(first) = ranges.first() else {
        return Kwic::default();
    };
    let (Some(before), Some(matched), Some(after)) = (
        text.get(..first.start),
        text.get(first.clone()),
        text.get(first.end..),
    ) else {
        return Kwic::default();
    };
    let before_chars: Vec<char> = before.chars().collect();
    let cut = before_chars.len().saturating_sub(KWIC_CONTEXT_CHARS);
    let mut left: String = before_chars.get(cut..).unwrap_or_default().iter().collect();
    if cut > 0 {
        left.insert(0, '…');
    }
    let mut right: String = after.chars().take(KWIC_CONTEXT_CHARS).collect();
    if after.chars().nth(KWIC_CONTEXT_CHARS).is_some() {
        right.push('…');
    }
    Kwic {
        left,
        matched: matched.to_owned(),
        right,
    }
}

/// A match found in a unit, before it is turned into a [`Hit`].
struct Found {
    unit: usize,
    kind: MatchKind,
    norm_ranges: Vec<Range<usize>>,
}

/// Search the measures and section titles of `plans` for `query`; keep at most `limit` hits
/// (all are counted in [`SearchResult::total`]).
pub fn search(plans: &[Plan], query: &str, limit: usize) -> SearchResult {
    let Some(q) = Query::parse(query) else {
        return SearchResult::default();
    };
    let all_units: Vec<Vec<Unit<'_>>> = plans.iter().map(units).collect();
    let mut found: Vec<Vec<Found>> = all_units
        .iter()
        .map(|units| {
            units
                .iter()
                .enumerate()
                .filter_map(|(k, u)| {
                    let r = occurrences(u.norm, &q.phrase);
                    (!r.is_empty()).then_some(Found {
                        unit: k,
                        kind: MatchKind::Phrase,
                        norm_ranges: r,
                    })
                })
                .collect()
        })
        .collect();
    let phrase_total: usize = found.iter().map(Vec::len).sum();
    if !q.words.is_empty() && (q.spaced || phrase_total == 0) {
        for (units, hits) in all_units.iter().zip(found.iter_mut()) {
            for (k, u) in units.iter().enumerate() {
                if u.norm.contains(q.phrase.as_str())
                    || !q.words.iter().all(|w| u.norm.contains(w.as_str()))
                {
                    continue;
                }
                let ranges = q
                    .words
                    .iter()
                    .flat_map(|w| occurrences(u.norm, w))
                    .collect();
                hits.push(Found {
                    unit: k,
                    kind: MatchKind::AllWords,
                    norm_ranges: merge(ranges),
                });
            }
        }
    }
    let mut order: Vec<usize> = (0..plans.len())
        .filter(|&p| found.get(p).is_some_and(|f| !f.is_empty()))
        .collect();
    let phrase_count = |p: usize| {
        found.get(p).map_or(0, |f| {
            f.iter().filter(|h| h.kind == MatchKind::Phrase).count()
        })
    };
    let count = |p: usize| found.get(p).map_or(0, Vec::len);
    order.sort_by(|&a, &b| {
        phrase_count(b)
            .cmp(&phrase_count(a))
            .then(count(b).cmp(&count(a)))
            .then(a.cmp(&b))
    });
    let needles: Vec<&str> = if q.words.is_empty() {
        vec![q.phrase.as_str()]
    } else {
        std::iter::once(q.phrase.as_str())
            .chain(q.words.iter().map(String::as_str))
            .collect()
    };
    let mut result = SearchResult {
        query: None,
        hits_by_plan: Vec::new(),
        total: found.iter().map(Vec::len).sum(),
        shown: 0,
    };
    for p in order {
        let (Some(plan), Some(units), Some(hits)) =
            (plans.get(p), all_units.get(p), found.get_mut(p))
        else {
            continue;
        };
        // Stable: phrase hits first, each kind in reading order.
        hits.sort_by_key(|h| (h.kind, h.unit));
        let room = limit.saturating_sub(result.shown);
        let kept: Vec<Hit> = hits
            .iter()
            .take(room)
            .filter_map(|h| {
                let u = units.get(h.unit)?;
                let ranges = text_ranges(u.text, u.norm, &h.norm_ranges, &needles);
                Some(Hit {
                    measure_index: u.measure_index,
                    measure_id: u.measure_id.map(str::to_owned),
                    section_id: u.section_id,
                    text: u.text.to_owned(),
                    kwic: kwic(u.text, &ranges),
                    byte_ranges_in_text: ranges,
                    kind: h.kind,
                })
            })
            .collect();
        result.shown += kept.len();
        result.hits_by_plan.push(PlanHits {
            plan_index: p,
            plan_id: plan.plan_id.clone(),
            name: plan.name.clone(),
            hits: kept,
            total: hits.len(),
        });
    }
    result.query = Some(q);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spaced_query_keeps_its_words_and_their_phrase() {
        let q = Query::parse(" 宅基地  戶籍 ").unwrap();
        assert_eq!(q.phrase, "宅基地户籍");
        assert_eq!(q.words, vec!["宅基地".to_owned(), "户籍".to_owned()]);
        assert!(q.spaced);
        assert!(Query::parse("   ").is_none());
    }

    #[test]
    fn traditional_text_with_dropped_spaces_is_highlighted_through_its_characters() {
        // `text` keeps a space that `norm` drops: the char counts differ, the fallback maps.
        let text = "推進 農村宅基地改革";
        let norm = normalize_str(text);
        assert_eq!(norm, "推进农村宅基地改革");
        let r = occurrences(&norm, "农村");
        let t = text_ranges(text, &norm, &r, &["农村"]);
        assert_eq!(&text[t[0].clone()], "農村");
    }

    #[test]
    fn kwic_runs_mark_every_word_in_the_window() {
        let text = "对退出宅基地使用权人给予奖励。";
        let a = text.find("退出").unwrap();
        let b = text.find("宅基地").unwrap();
        let hit = Hit {
            measure_index: Some(0),
            measure_id: None,
            section_id: None,
            text: text.to_owned(),
            byte_ranges_in_text: vec![a..a + 6, b..b + 9],
            kwic: Kwic::default(),
            kind: MatchKind::AllWords,
        };
        assert_eq!(
            hit.kwic_runs(),
            vec![
                ("对", false),
                ("退出", true),
                ("宅基地", true),
                ("使用权人给予奖励。", false)
            ]
        );
    }

    #[test]
    fn kwic_cuts_long_context_with_an_ellipsis() {
        let text = "一二三四五六七八九十一二三四五六七八九十一二三宅基地一二三四五六七八九十一二三四五六七八九十一";
        let at = text.find("宅基地").unwrap();
        let whole = Range {
            start: at,
            end: at + "宅基地".len(),
        };
        let k = kwic(text, &[whole]);
        assert!(k.left.starts_with('…') && k.right.ends_with('…'));
        assert_eq!(k.left.chars().count(), KWIC_CONTEXT_CHARS + 1);
        assert_eq!(k.matched, "宅基地");
    }
}
