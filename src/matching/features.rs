//! Representations of one measure: character shingles, canonical TF-IDF vectors (whole and per
//! clause), target flags.

use rustc_hash::FxHashMap as HashMap;

use super::types::MatchData;

/// A character that counts in shingles and bigrams: a letter, not a digit. The CJK Unified
/// Ideographs block (U+4E00–U+9FFF, every code point assigned and alphabetic) is answered without
/// the Unicode table lookup, which was 3 % of the seeds' whole process.
fn shingle_char(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}') || (c.is_alphabetic() && !c.is_ascii_digit())
}

pub(super) fn shingles(norm: &str) -> Vec<u64> {
    let chars: Vec<char> = norm.chars().filter(|&c| shingle_char(c)).collect();
    let mut out: Vec<u64> = chars
        .windows(3)
        .map(|w| (w[0] as u64) << 42 | (w[1] as u64) << 21 | w[2] as u64)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

pub(super) fn bigrams(norm: &str) -> Vec<u64> {
    let chars: Vec<char> = norm.chars().filter(|&c| shingle_char(c)).collect();
    let mut out: Vec<u64> = chars
        .windows(2)
        .map(|w| (w[0] as u64) << 21 | w[1] as u64)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

pub(super) fn intersect_count(a: &[u64], b: &[u64]) -> usize {
    // Branch-free merge: the comparison outcomes are unpredictable, so the branchy form spent
    // most of its time in mispredictions (the analysis's hottest loop).
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

/// Cosine of two sorted sparse vectors with unit norm.
pub fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    // Branch-free merge, as in `intersect_count`; the products are added in the same order.
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i].0, b[j].0);
        if x == y {
            dot += a[i].1 * b[j].1;
        }
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    dot
}

/// Does a measure read as a bare target formula (`到2020年,常住人口城镇化率达到75%`)?
/// Also a statistical profile line (`2014年全市常住人口49.89万人,…城镇化率45.5%`): several
/// numbers and little else.
pub(super) fn is_target_formula(norm: &str, content_terms: usize) -> bool {
    let numbers = norm
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|p| p.chars().any(|c| c.is_ascii_digit()))
        .count();
    let has_rate = norm.contains('%') || norm.contains("达到") || norm.contains('率');
    numbers > 0 && has_rate && (content_terms <= 5 || (numbers >= 3 && content_terms <= 12))
}

/// Unit-normalised TF-IDF vector of canonical term counts.
pub(super) fn tfidf(counts: &HashMap<u32, u32>, idf: &[f32]) -> Vec<(u32, f32)> {
    let mut v: Vec<(u32, f32)> = counts
        .iter()
        .map(|(t, k)| (*t, *k as f32 * idf[*t as usize]))
        .collect();
    v.sort_unstable_by_key(|p| p.0);
    let n = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|(_, w)| *w /= n);
    }
    v
}

/// Matching data of one representative measure.
pub(super) fn match_data(
    norm: &str,
    terms: &[&str],
    ids: &HashMap<&str, u32>,
    canon_of: &[u32],
    canon_idf: &[f32],
    content_chars: usize,
) -> MatchData {
    // Clause of each term: the byte offset of the term inside `norm` against the clause breaks.
    let breaks: Vec<usize> = norm
        .match_indices([',', ';', ':'])
        .map(|(k, _)| k)
        .collect();
    let base = norm.as_ptr() as usize;
    let mut whole: HashMap<u32, u32> = HashMap::default();
    let mut per_clause: Vec<HashMap<u32, u32>> = vec![HashMap::default(); breaks.len() + 1];
    for t in terms {
        let Some(id) = ids.get(t) else { continue };
        let c = canon_of[*id as usize];
        *whole.entry(c).or_default() += 1;
        let at = (t.as_ptr() as usize).saturating_sub(base);
        let clause = breaks.partition_point(|b| *b < at);
        if let Some(pc) = per_clause.get_mut(clause) {
            *pc.entry(c).or_default() += 1;
        }
    }
    let clauses: Vec<Vec<(u32, f32)>> = per_clause
        .iter()
        .filter(|c| c.len() >= 2)
        .map(|c| tfidf(c, canon_idf))
        .collect();
    let idf_mass = whole.keys().map(|t| canon_idf[*t as usize]).sum();
    MatchData {
        shingles: shingles(norm),
        bigrams: bigrams(norm),
        cvec: tfidf(&whole, canon_idf),
        clauses: if clauses.len() >= 2 {
            clauses
        } else {
            Vec::new()
        },
        idf_mass,
        content_chars: content_chars as u32,
        kinds: super::kinds::kind_data(norm),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ideograph_fast_path_agrees_with_the_unicode_tables() {
        let checked =
            ('\u{4E00}'..='\u{9FFF}').chain(['。', '，', '1', 'a', 'Ａ', '〇', '㐀', '𠀀']);
        for c in checked {
            assert_eq!(
                shingle_char(c),
                c.is_alphabetic() && !c.is_ascii_digit(),
                "{c:?}"
            );
        }
    }
}
