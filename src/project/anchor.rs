//! Re-anchoring tags when their documents changed: each tag is found again by its quote, nearest
//! its old place (in either script), possibly in another plan of the same file; a tag whose text
//! is gone is flagged orphaned and kept, never dropped.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

use super::*;

/// A tag whose text was found elsewhere in its plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedTag {
    /// The tag.
    pub tag_id: u64,
    /// Its range before.
    pub old: Range<usize>,
    /// Its range now.
    pub new: Range<usize>,
    /// Its plan before, when it was found in another plan of the same file.
    pub old_plan_id: Option<String>,
}

/// What re-anchoring found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReanchorReport {
    /// Tags whose range still holds their quote.
    pub ok: usize,
    /// Tags found again at another place (their ranges are updated).
    pub moved: Vec<MovedTag>,
    /// Tags whose text is gone (flagged, kept), by id, ascending.
    pub orphaned: Vec<u64>,
    /// Documents whose content changed since they were added (hash differs).
    pub changed_documents: Vec<PathBuf>,
    /// Documents that cannot be read any more.
    pub missing_documents: Vec<PathBuf>,
}

/// Measure ids by span, per plan, built the first time a plan is asked about.
struct MeasureSpans {
    maps: Vec<Option<HashMap<(usize, usize), String>>>,
}

impl MeasureSpans {
    fn new(plans: usize) -> MeasureSpans {
        MeasureSpans {
            maps: vec![None; plans],
        }
    }

    /// The measure whose span is exactly `range` (relative to the plan's text), if any.
    fn at(&mut self, plans: &[Plan], pi: usize, range: &Range<usize>) -> Option<String> {
        let plan = plans.get(pi)?;
        let slot = self.maps.get_mut(pi)?;
        let map = slot.get_or_insert_with(|| {
            let base = plan.span.start;
            let mut m = HashMap::new();
            for ms in plan.measures() {
                if let (Some(s), Some(e)) = (
                    ms.span.start.checked_sub(base),
                    ms.span.end.checked_sub(base),
                ) {
                    m.entry((s, e)).or_insert_with(|| ms.measure_id.clone());
                }
            }
            m
        });
        map.get(&(range.start, range.end)).cloned()
    }
}

/// For each `(quote, old_start)`: the occurrence of the quote in `text` nearest `old_start`,
/// exact text first, else with both sides normalised (script, width, line breaks, pinyin
/// notes) and mapped back to the original text. One Aho–Corasick scan of `text` (and, if any
/// quote needs it, one normalisation and scan of the normalised text) for all quotes.
fn find_quotes(text: &str, queries: &[(&str, usize)]) -> Vec<Option<Range<usize>>> {
    let exact = nearest_occurrences(text, queries, |start, len| Some(start..start + len));
    let missing: Vec<usize> = (0..queries.len())
        .filter(|&i| exact.get(i).is_none_or(Option::is_none))
        .collect();
    if missing.is_empty() {
        return exact;
    }
    let mut hay = Normalized::default();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        hay.append(&normalize_line(line.trim_end_matches(['\n', '\r']), at));
        at += line.len();
    }
    let needles: Vec<String> = missing
        .iter()
        .map(|&i| {
            queries
                .get(i)
                .map(|(q, _)| crate::normalize::normalize_str(q))
                .unwrap_or_default()
        })
        .collect();
    let norm_queries: Vec<(&str, usize)> = missing
        .iter()
        .zip(&needles)
        .map(|(&i, n)| (n.as_str(), queries.get(i).map_or(0, |q| q.1)))
        .collect();
    let normal = nearest_occurrences(&hay.text, &norm_queries, |start, len| {
        Some(hay.orig_range(start..start + len))
    });
    let mut out = exact;
    for (&i, hit) in missing.iter().zip(normal) {
        let hit = hit.filter(|r| text.get(r.clone()).is_some_and(|s| !s.is_empty()));
        if let Some(slot) = out.get_mut(i) {
            *slot = hit;
        }
    }
    out
}

/// For each `(needle, old)`: among the places `needle` occurs in `hay` (all of them, overlapping
/// ones too), mapped to ranges by `map(start, len)`, the one whose start is nearest `old` (the
/// earlier on a tie).
fn nearest_occurrences(
    hay: &str,
    queries: &[(&str, usize)],
    map: impl Fn(usize, usize) -> Option<Range<usize>>,
) -> Vec<Option<Range<usize>>> {
    let mut pattern_of: HashMap<&str, usize> = HashMap::new();
    let mut patterns: Vec<&str> = Vec::new();
    for (q, _) in queries {
        if !q.is_empty() && !pattern_of.contains_key(q) {
            pattern_of.insert(q, patterns.len());
            patterns.push(q);
        }
    }
    let mut starts: Vec<Vec<usize>> = vec![Vec::new(); patterns.len()];
    if let Ok(ac) = aho_corasick::AhoCorasick::new(&patterns) {
        for m in ac.find_overlapping_iter(hay) {
            if let Some(list) = starts.get_mut(m.pattern().as_usize()) {
                list.push(m.start());
            }
        }
    }
    // Each pattern's occurrences mapped once and sorted by start; each query is then a binary
    // search (many tags often share one quote).
    let ranges: Vec<Vec<Range<usize>>> = starts
        .iter()
        .zip(&patterns)
        .map(|(list, p)| {
            let mut r: Vec<Range<usize>> = list.iter().filter_map(|&s| map(s, p.len())).collect();
            r.sort_by_key(|r| r.start);
            r
        })
        .collect();
    queries
        .iter()
        .map(|(q, old)| {
            let list = ranges.get(*pattern_of.get(q)?)?;
            let i = list.partition_point(|r| r.start < *old);
            let before = i.checked_sub(1).and_then(|j| list.get(j));
            match (before, list.get(i)) {
                (Some(b), Some(a)) if a.start - old < old - b.start => Some(a.clone()),
                (Some(b), _) => Some(b.clone()),
                (None, a) => a.cloned(),
            }
        })
        .collect()
}

/// Fewest characters a quote has for its tag to be re-anchored in another plan of its file.
pub const MIN_JUMP_QUOTE_CHARS: usize = 12;

/// `<file stem>` of a `<file stem>#<n>` plan id.
fn file_stem_of(plan_id: &str) -> &str {
    plan_id.rsplit_once('#').map_or(plan_id, |(stem, _)| stem)
}

impl Project {
    /// Find every tag again in `corpus` (loaded from the project's documents): a tag whose range
    /// still holds its quote is ok; else its quote is looked for in its plan (the occurrence
    /// nearest the old position; exact text first, then normalised text), then in the other plans
    /// of the same file (a compilation renumbered; quotes of at least [`MIN_JUMP_QUOTE_CHARS`]
    /// characters only), and the tag moves there; else it is flagged
    /// `orphaned` and kept. Measure ids are refreshed. Also reports documents
    /// that changed or went missing since they were hashed.
    ///
    /// Linear: plans are found by id through a map, every plan's text (and its normalised form)
    /// is scanned once for all the quotes looked for in it (Aho–Corasick), and measures are found
    /// by span through a map, so 100,000 orphaned tags cost one pass per plan, not one per tag.
    pub fn reanchor(&mut self, corpus: &Corpus) -> ReanchorReport {
        let mut report = ReanchorReport::default();
        let (changed, missing) = self.check_documents();
        report.changed_documents = changed;
        report.missing_documents = missing;
        let plans = &corpus.plans;
        let by_id: HashMap<&str, usize> = plans
            .iter()
            .enumerate()
            .map(|(i, p)| (p.plan_id.as_str(), i))
            .collect();
        let mut by_stem: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, p) in plans.iter().enumerate() {
            by_stem.entry(file_stem_of(&p.plan_id)).or_default().push(i);
        }
        let mut measures = MeasureSpans::new(plans.len());
        // Pass 1: tags still where they were.
        let mut pending: Vec<usize> = Vec::new();
        for (ti, tag) in self.tags.iter_mut().enumerate() {
            let own = by_id.get(tag.plan_id.as_str()).copied();
            if let Some(pi) = own
                && let Some(plan) = plans.get(pi)
                && plan.original_text().get(tag.byte_range.clone()) == Some(tag.quote.as_str())
            {
                tag.orphaned = false;
                tag.measure_id = measures.at(plans, pi, &tag.byte_range);
                report.ok += 1;
                continue;
            }
            pending.push(ti);
        }
        // Candidate plans of each pending tag, in order: its own plan, then (long quotes only)
        // the other plans of the same file in corpus order.
        let mut candidates: Vec<Vec<usize>> = Vec::with_capacity(pending.len());
        let mut wanted: Vec<Vec<usize>> = vec![Vec::new(); plans.len()];
        for (k, &ti) in pending.iter().enumerate() {
            let Some(tag) = self.tags.get(ti) else {
                candidates.push(Vec::new());
                continue;
            };
            let own = by_id.get(tag.plan_id.as_str()).copied();
            let mut list: Vec<usize> = own.into_iter().collect();
            if tag.quote.chars().count() >= MIN_JUMP_QUOTE_CHARS
                && let Some(same_file) = by_stem.get(file_stem_of(&tag.plan_id))
            {
                list.extend(same_file.iter().copied().filter(|&pi| Some(pi) != own));
            }
            for &pi in &list {
                if let Some(w) = wanted.get_mut(pi) {
                    w.push(k);
                }
            }
            candidates.push(list);
        }
        // One scan per plan for all the quotes looked for in it.
        let mut hits: HashMap<(usize, usize), Range<usize>> = HashMap::new();
        for (pi, ks) in wanted.iter().enumerate() {
            let Some(plan) = plans.get(pi).filter(|_| !ks.is_empty()) else {
                continue;
            };
            let queries: Vec<(&str, usize)> = ks
                .iter()
                .filter_map(|&k| {
                    let tag = self.tags.get(*pending.get(k)?)?;
                    Some((tag.quote.as_str(), tag.byte_range.start))
                })
                .collect();
            for (k, hit) in ks.iter().zip(find_quotes(plan.original_text(), &queries)) {
                if let Some(r) = hit {
                    hits.insert((*k, pi), r);
                }
            }
        }
        for (k, &ti) in pending.iter().enumerate() {
            let found = candidates.get(k).and_then(|list| {
                list.iter()
                    .find_map(|&pi| Some((pi, hits.get(&(k, pi))?.clone())))
            });
            let Some(tag) = self.tags.get_mut(ti) else {
                continue;
            };
            match found.and_then(|(pi, r)| Some((plans.get(pi)?, pi, r))) {
                Some((plan, pi, new)) => {
                    let old = std::mem::replace(&mut tag.byte_range, new.clone());
                    let old_plan_id = (plan.plan_id != tag.plan_id)
                        .then(|| std::mem::replace(&mut tag.plan_id, plan.plan_id.clone()));
                    tag.quote = plan
                        .original_text()
                        .get(new.clone())
                        .unwrap_or_default()
                        .to_string();
                    tag.orphaned = false;
                    tag.measure_id = measures.at(plans, pi, &tag.byte_range);
                    report.moved.push(MovedTag {
                        tag_id: tag.tag_id,
                        old,
                        new,
                        old_plan_id,
                    });
                }
                None => {
                    tag.orphaned = true;
                    report.orphaned.push(tag.tag_id);
                }
            }
        }
        report.moved.sort_by_key(|m| m.tag_id);
        report.orphaned.sort_unstable();
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_is_found_again_nearest_its_old_place() {
        let text = "推进宅基地改革。其他。推进宅基地改革。";
        let second = text.rfind("推进").unwrap();
        let r = find_quotes(text, &[("推进宅基地改革", second + 3)])[0]
            .clone()
            .unwrap();
        assert_eq!(r.start, second);
        // Traditional text finds the simplified quote.
        let r = find_quotes("前言。推進宅基地改革。", &[("推进宅基地改革", 0)])[0]
            .clone()
            .unwrap();
        assert_eq!(&"前言。推進宅基地改革。"[r], "推進宅基地改革");
    }
}
