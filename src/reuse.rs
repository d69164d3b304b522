//! Reuse report: how much of one plan's text is found word for word in each other plan.
//!
//! Copy-checks of local plans quote one figure: the share of a plan's text found verbatim in
//! another plan (two city implementation plans found 98 % identical). Here the text of a plan is
//! the text of its measures (headings and tables of contents left out), compared as content
//! characters — Han characters, letters and digits, folded to half width and Simplified script,
//! punctuation and spaces skipped, so `，` against `,` or `區` against `区` never breaks a copy.
//! A character of plan A counts as *found* in plan B when it lies inside a run of at least
//! [`REUSE_MIN_CHARS`] consecutive content characters that also occurs, in the same order, inside
//! one measure of plan B. The share is found characters / all content characters of A; the
//! passages are the maximal found runs, each with the measure of B where its first window was
//! found. Other plans are listed most-copied first.
//!
//! Cost: one hash per window of every plan, linear in the corpus; plans are compared in parallel.

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;

use crate::matching::{content_chars_of, hash_window, ranges_of};
use crate::plan::Plan;

/// Shortest run of content characters counted as copied (about five words of Chinese).
pub const REUSE_MIN_CHARS: usize = 10;

/// One passage of plan A found verbatim in another plan.
#[derive(Debug, Clone, Serialize)]
pub struct Passage {
    /// Measure of plan A holding it.
    pub measure_id: String,
    /// The passage as it reads in plan A.
    pub text: String,
    /// Byte range in that measure's display text.
    pub span: Range<usize>,
    /// Content characters in it.
    pub chars: usize,
    /// Measure of the other plan where it was found.
    pub other_measure_id: String,
}

/// How much of plan A one other plan holds.
#[derive(Debug, Clone, Serialize)]
pub struct ReuseRow {
    /// Corpus index of the other plan.
    pub plan: usize,
    /// Its name.
    pub name: String,
    /// Its id.
    pub plan_id: String,
    /// Content characters of plan A found in it.
    pub found_chars: usize,
    /// `found_chars` / plan A's content characters.
    pub share: f64,
    /// Measures of plan A with at least one passage found.
    pub measures_touched: usize,
    /// The passages, longest first.
    pub passages: Vec<Passage>,
}

/// The reuse report of one plan.
#[derive(Debug, Clone, Serialize)]
pub struct ReuseReport {
    /// Corpus index of plan A.
    pub plan: usize,
    /// Its name.
    pub name: String,
    /// Its id.
    pub plan_id: String,
    /// Content characters of its measures.
    pub total_chars: usize,
    /// Measures of plan A.
    pub measures: usize,
    /// Every other plan sharing at least one passage, most-copied first.
    pub rows: Vec<ReuseRow>,
}

type Chars = Vec<(char, Range<usize>)>;

/// Window hashes of one plan: hash → (measure index, position of the window).
fn window_index(measures: &[Chars]) -> HashMap<u64, (u32, u32)> {
    let mut out = HashMap::new();
    for (mi, chars) in measures.iter().enumerate() {
        if chars.len() < REUSE_MIN_CHARS {
            continue;
        }
        for (pos, w) in chars.windows(REUSE_MIN_CHARS).enumerate() {
            out.entry(hash_window(w)).or_insert((mi as u32, pos as u32));
        }
    }
    out
}

/// The reuse report of `plans[plan]` against every other plan.
pub fn reuse_report(plans: &[Plan], plan: usize) -> Option<ReuseReport> {
    let a = plans.get(plan)?;
    let a_measures = a.measures();
    let a_chars: Vec<Chars> = a_measures
        .iter()
        .map(|m| content_chars_of(&m.text))
        .collect();
    let total_chars: usize = a_chars.iter().map(Vec::len).sum();
    let a_hashes: Vec<Vec<u64>> = a_chars
        .iter()
        .map(|c| {
            if c.len() < REUSE_MIN_CHARS {
                Vec::new()
            } else {
                c.windows(REUSE_MIN_CHARS).map(hash_window).collect()
            }
        })
        .collect();
    let mut rows: Vec<ReuseRow> = plans
        .par_iter()
        .enumerate()
        .filter(|(k, _)| *k != plan)
        .filter_map(|(k, b)| {
            let b_measures = b.measures();
            let b_chars: Vec<Chars> = b_measures
                .iter()
                .map(|m| content_chars_of(&m.text))
                .collect();
            let index = window_index(&b_chars);
            let mut found_chars = 0;
            let mut measures_touched = 0;
            let mut passages = Vec::new();
            for (mi, chars) in a_chars.iter().enumerate() {
                let mut mark = vec![false; chars.len()];
                let mut first_hit: Vec<Option<(u32, u32)>> = vec![None; chars.len()];
                for (s, h) in a_hashes[mi].iter().enumerate() {
                    if let Some(&hit) = index.get(h) {
                        mark[s..s + REUSE_MIN_CHARS]
                            .iter_mut()
                            .for_each(|m| *m = true);
                        first_hit[s] = Some(hit);
                    }
                }
                let found = mark.iter().filter(|m| **m).count();
                if found == 0 {
                    continue;
                }
                found_chars += found;
                measures_touched += 1;
                let text = &a_measures[mi].text;
                for range in ranges_of(chars, &mark) {
                    let first = chars.iter().position(|c| c.1.start == range.start);
                    let hit = first.and_then(|p| first_hit[p]);
                    let run = chars
                        .iter()
                        .filter(|c| c.1.start >= range.start && c.1.end <= range.end)
                        .count();
                    passages.push(Passage {
                        measure_id: a_measures[mi].measure_id.clone(),
                        text: text.get(range.clone()).unwrap_or("").to_string(),
                        span: range,
                        chars: run,
                        other_measure_id: hit
                            .and_then(|(bm, _)| b_measures.get(bm as usize))
                            .map(|m| m.measure_id.clone())
                            .unwrap_or_default(),
                    });
                }
            }
            if found_chars == 0 {
                return None;
            }
            passages.sort_by(|x, y| y.chars.cmp(&x.chars).then(x.span.start.cmp(&y.span.start)));
            Some(ReuseRow {
                plan: k,
                name: b.name.clone(),
                plan_id: b.plan_id.clone(),
                found_chars,
                share: found_chars as f64 / total_chars.max(1) as f64,
                measures_touched,
                passages,
            })
        })
        .collect();
    rows.sort_by(|x, y| y.found_chars.cmp(&x.found_chars).then(x.plan.cmp(&y.plan)));
    Some(ReuseReport {
        plan,
        name: a.name.clone(),
        plan_id: a.plan_id.clone(),
        total_chars,
        measures: a_measures.len(),
        rows,
    })
}
