//! The pair scorer: features of two measures, verbatim tier, paraphrase probability.

use super::features::{cosine, intersect_count};
use super::kinds::{kind_features, rules_out_paraphrase};
use super::model::{CompactTree, Model, N_FEATURES};
use super::types::{
    INSTRUMENT, MatchData, MeasureEntry, SPECIFIC, Tier, VERBATIM_CONTAINMENT, VERBATIM_JACCARD,
    VERBATIM_MIN_SHINGLES,
};

/// The pair scorer over the corpus statistics.
pub(super) struct Scorer<'a> {
    pub(super) canon_idf: &'a [f32],
    pub(super) canon_flags: &'a [u8],
    pub(super) model: &'a Model,
    /// Largest canonical IDF (of a term used once), for `shared_rarest`.
    pub(super) max_idf: f32,
    /// The model's trees, [`Model::compact`] ([`Model::shipped_compact`] for the shipped one).
    pub(super) trees: &'a [CompactTree],
}

/// Largest canonical IDF of the corpus.
pub(super) fn max_idf(canon_idf: &[f32]) -> f32 {
    canon_idf.iter().copied().fold(0.0, f32::max)
}

/// Shingle overlap of two measures: Jaccard, containment of the shorter, shorter count.
fn overlap(da: &MatchData, db: &MatchData) -> (f32, f32, usize) {
    overlap_of(intersect_count(&da.shingles, &db.shingles), da, db)
}

/// [`overlap`] from the number of shingles the two measures share.
fn overlap_of(inter: usize, da: &MatchData, db: &MatchData) -> (f32, f32, usize) {
    let (sa, sb) = (da.shingles.len(), db.shingles.len());
    let smin = sa.min(sb);
    if sa > 0 && sb > 0 {
        (
            inter as f32 / (sa + sb - inter) as f32,
            inter as f32 / smin as f32,
            smin,
        )
    } else {
        (0.0, 0.0, smin)
    }
}

/// TF-IDF cosine of the whole measures and the best clause-level cosine (a clause of one
/// against the other whole or its clauses).
fn cosines(da: &MatchData, db: &MatchData) -> (f32, f32) {
    let cos = cosine(&da.cvec, &db.cvec);
    let mut clause_cos: f32 = 0.0;
    for ca in &da.clauses {
        clause_cos = clause_cos.max(cosine(ca, &db.cvec));
        for cb in &db.clauses {
            clause_cos = clause_cos.max(cosine(ca, cb));
        }
    }
    for cb in &db.clauses {
        clause_cos = clause_cos.max(cosine(&da.cvec, cb));
    }
    (cos, clause_cos)
}

impl Scorer<'_> {
    /// Features, shingle Jaccard, shingle containment and the shorter shingle count.
    pub(super) fn features(
        &self,
        a: &MeasureEntry,
        b: &MeasureEntry,
    ) -> ([f32; N_FEATURES], f32, f32, usize) {
        let (Some(da), Some(db)) = (a.data.as_deref(), b.data.as_deref()) else {
            return ([0.0; N_FEATURES], 0.0, 0.0, 0);
        };
        let (jaccard, containment, smin) = overlap(da, db);
        let (cos, clause_cos) = cosines(da, db);
        let f = self.fill(
            a,
            b,
            da,
            db,
            (jaccard, containment, smin),
            (cos, clause_cos),
            self.shared_terms(da, db),
            || intersect_count(&da.bigrams, &db.bigrams),
        );
        (f, jaccard, containment, smin)
    }

    /// Canonical terms two measures share (a merge of their sorted vectors).
    fn shared_terms(&self, da: &MatchData, db: &MatchData) -> SharedTerms {
        let (mut i, mut j) = (0, 0);
        let mut s = SharedTerms::default();
        while i < da.cvec.len() && j < db.cvec.len() {
            match da.cvec[i].0.cmp(&db.cvec[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    s.add(da.cvec[i].0 as usize, self.canon_idf, self.canon_flags);
                    i += 1;
                    j += 1;
                }
            }
        }
        s
    }

    /// Every feature from the overlap, the cosines, the shared terms and the number of shared
    /// bigrams (`bigrams`, called only when both measures have some) already computed.
    #[allow(clippy::too_many_arguments)]
    fn fill(
        &self,
        a: &MeasureEntry,
        b: &MeasureEntry,
        da: &MatchData,
        db: &MatchData,
        (jaccard, containment, smin): (f32, f32, usize),
        (cos, clause_cos): (f32, f32),
        shared: SharedTerms,
        bigrams: impl FnOnce() -> usize,
    ) -> [f32; N_FEATURES] {
        let mut f = [0.0; N_FEATURES];
        let SharedTerms {
            idf: shared_idf,
            rarest,
            specific: spec,
            instruments: inst,
        } = shared;
        let min_mass = da.idf_mass.min(db.idf_mass);
        let (la, lb) = (
            da.content_chars.max(1) as f32,
            db.content_chars.max(1) as f32,
        );
        f[0] = jaccard;
        // Containment means little for very short measures.
        f[1] = containment * (smin as f32 / VERBATIM_MIN_SHINGLES as f32).min(1.0);
        f[2] = cos.min(1.0);
        f[3] = clause_cos.max(cos).min(1.0);
        f[4] = if min_mass > 0.0 {
            (shared_idf / min_mass).min(1.0)
        } else {
            0.0
        };
        f[5] = spec.min(4) as f32 / 4.0;
        f[6] = inst.min(2) as f32 / 2.0;
        f[7] = la.min(lb) / la.max(lb);
        f[8] = f32::from(u8::from(a.boilerplate || b.boilerplate));
        f[9] = f32::from(u8::from(a.quantitative && b.quantitative));
        let (ba, bb) = (da.bigrams.len(), db.bigrams.len());
        if ba > 0 && bb > 0 {
            let bi = bigrams() as f32;
            f[10] = bi / ba.min(bb) as f32 * (ba.min(bb) as f32 / 8.0).min(1.0);
            f[11] = 2.0 * bi / (ba + bb) as f32;
        }
        f[12..].copy_from_slice(&kind_features(da, db, (rarest, shared_idf), self.max_idf));
        f
    }

    /// Tier and score of a pair, or None. The features are computed in stages: a verbatim pair
    /// needs only the shingle overlap, a pair with nothing in common only the cosines; the
    /// result is the same as scoring [`Scorer::features`].
    pub(super) fn score(&self, a: &MeasureEntry, b: &MeasureEntry) -> Option<(Tier, f32)> {
        self.score_with(
            a,
            b,
            overlap,
            |da, db| (cosines(da, db), None),
            |da, db| intersect_count(&da.bigrams, &db.bigrams),
        )
    }

    /// [`Scorer::score`] of `against`'s measure and `b` (the same result, computed from the
    /// scattered vectors and hashed shingles and bigrams of the first measure).
    pub(super) fn score_against(
        &self,
        against: &Against,
        a: &MeasureEntry,
        b: &MeasureEntry,
    ) -> Option<(Tier, f32)> {
        self.score_with(
            a,
            b,
            |da, db| overlap_of(against.shingles.shared(&db.shingles), da, db),
            |_, db| {
                let (cosines, shared) = against.cosines_and_shared(db);
                (cosines, Some(shared))
            },
            |_, db| against.bigrams.shared(&db.bigrams),
        )
    }

    /// The staged scoring of [`Scorer::score`]; `cosines` may also give the shared terms.
    fn score_with(
        &self,
        a: &MeasureEntry,
        b: &MeasureEntry,
        overlap: impl Fn(&MatchData, &MatchData) -> (f32, f32, usize),
        cosines: impl Fn(&MatchData, &MatchData) -> ((f32, f32), Option<SharedTerms>),
        bigrams: impl Fn(&MatchData, &MatchData) -> usize,
    ) -> Option<(Tier, f32)> {
        let (da, db) = (a.data.as_deref()?, b.data.as_deref()?);
        let (jaccard, containment, smin) = overlap(da, db);
        if jaccard >= VERBATIM_JACCARD
            || (smin >= VERBATIM_MIN_SHINGLES && containment >= VERBATIM_CONTAINMENT)
        {
            return Some((Tier::Verbatim, jaccard.max(containment).min(1.0)));
        }
        if rules_out_paraphrase(da, db) {
            return None;
        }
        let ((cos, clause_cos), shared) = cosines(da, db);
        // Nothing in common worth a model call (the same test as on f[2] and f[3]).
        if cos.min(1.0) < 0.05 && clause_cos.max(cos).min(1.0) < 0.1 {
            return None;
        }
        let f = self.fill(
            a,
            b,
            da,
            db,
            (jaccard, containment, smin),
            (cos, clause_cos),
            shared.unwrap_or_else(|| self.shared_terms(da, db)),
            || bigrams(da, db),
        );
        let p = self.model.probability_with(self.trees, &f);
        (p >= self.model.threshold).then_some((Tier::Paraphrase, p))
    }
}

/// What two measures' canonical vectors share: the IDF sum of the shared terms (added in term
/// order), how many are specific and how many instruments.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct SharedTerms {
    idf: f32,
    /// The largest IDF of a shared term (0 when none is shared).
    rarest: f32,
    specific: usize,
    instruments: usize,
}

impl SharedTerms {
    fn add(&mut self, t: usize, canon_idf: &[f32], canon_flags: &[u8]) {
        self.idf += canon_idf[t];
        self.rarest = self.rarest.max(canon_idf[t]);
        self.specific += usize::from(canon_flags[t] & SPECIFIC != 0);
        self.instruments += usize::from(canon_flags[t] & INSTRUMENT != 0);
    }
}

/// A set of 64-bit keys (shingles, bigrams) for counting how many of another measure's keys
/// it holds: a hash table of buckets of four slots (a key plus one; 0: empty), sized so that no
/// bucket overflows. A lookup compares the four slots of one bucket without a branch (whether
/// a key is shared is unpredictable, so a branch would be mispredicted half of the time).
pub(super) struct HashedSet {
    buckets: Vec<[u64; 4]>,
}

/// Bucket of a key in a table of `mask + 1` buckets.
fn bucket_of(x: u64, mask: usize) -> usize {
    (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask
}

impl HashedSet {
    fn new(keys: &[u64]) -> HashedSet {
        let mut n = keys.len().next_power_of_two().max(4);
        'size: loop {
            let mut buckets = vec![[0u64; 4]; n];
            for &x in keys {
                let b = &mut buckets[bucket_of(x, n - 1)];
                match b.iter().position(|s| *s == 0) {
                    Some(k) => b[k] = x.wrapping_add(1),
                    // A full bucket: twice as many buckets (rare; keys are distinct).
                    None => {
                        n *= 2;
                        continue 'size;
                    }
                }
            }
            return HashedSet { buckets };
        }
    }

    /// How many of `keys` (distinct) are in the set: the same count as [`intersect_count`] of
    /// the two sorted sets.
    fn shared(&self, keys: &[u64]) -> usize {
        let mask = self.buckets.len() - 1;
        let mut n = 0;
        for &x in keys {
            let b = &self.buckets[bucket_of(x, mask)];
            let k = x.wrapping_add(1);
            n += usize::from((b[0] == k) | (b[1] == k) | (b[2] == k) | (b[3] == k));
        }
        n
    }
}

/// One measure's canonical vectors scattered for scoring it against many others (the
/// candidates of one text in `build`): `slot[t]` is 1 + the row of canonical term `t` (0: the
/// measure lacks it); row `r` of `rows` holds the term's weight in the whole vector, then in
/// each clause (0 where a clause lacks it), and row 0 is all zero. A cosine against another vector is then one pass
/// over that vector, the products added in the order of its terms, as [`cosine`] adds them.
pub(super) struct Against<'s> {
    slot: &'s mut [u32],
    rows: Vec<f32>,
    width: usize,
    /// Terms with a slot, to clear them.
    terms: Vec<u32>,
    /// Canonical IDF of row `r`'s term when it is in the whole vector, else 0.0 (row 0: 0.0).
    row_idf: Vec<f32>,
    /// Its [`SPECIFIC`] and [`INSTRUMENT`] flags likewise (else 0).
    row_flags: Vec<u8>,
    /// The measure's shingles and bigrams.
    shingles: HashedSet,
    bigrams: HashedSet,
}

impl<'s> Against<'s> {
    /// Scatter `da` into `slot` (all zero, as long as the canonical vocabulary; left all zero
    /// again when dropped).
    pub(super) fn new(da: &MatchData, slot: &'s mut [u32], scorer: &Scorer) -> Against<'s> {
        let width = 1 + da.clauses.len();
        // Row 0 stays zero: the row of every term the measure lacks.
        let mut rows: Vec<f32> = Vec::with_capacity((da.cvec.len() + 1) * width);
        rows.resize(width, 0.0);
        let mut terms: Vec<u32> = Vec::with_capacity(da.cvec.len());
        let mut row_idf: Vec<f32> = Vec::with_capacity(da.cvec.len() + 1);
        let mut row_flags: Vec<u8> = Vec::with_capacity(da.cvec.len() + 1);
        row_idf.push(0.0);
        row_flags.push(0);
        let vectors = std::iter::once(&da.cvec).chain(&da.clauses);
        for (column, v) in vectors.enumerate() {
            for (t, w) in v {
                let r = match slot[*t as usize] {
                    0 => {
                        terms.push(*t);
                        row_idf.push(0.0);
                        row_flags.push(0);
                        rows.resize((terms.len() + 1) * width, 0.0);
                        slot[*t as usize] = terms.len() as u32;
                        terms.len()
                    }
                    r => r as usize,
                };
                rows[r * width + column] = *w;
                if column == 0 {
                    row_idf[r] = scorer.canon_idf[*t as usize];
                    row_flags[r] = scorer.canon_flags[*t as usize] & (SPECIFIC | INSTRUMENT);
                }
            }
        }
        Against {
            slot,
            rows,
            width,
            terms,
            row_idf,
            row_flags,
            shingles: HashedSet::new(&da.shingles),
            bigrams: HashedSet::new(&da.bigrams),
        }
    }

    /// Shingles `db` shares with the scattered measure: the same count as
    /// [`intersect_count`] of the two sorted sets.
    #[cfg(test)]
    fn shared_shingles(&self, db: &MatchData) -> usize {
        self.shingles.shared(&db.shingles)
    }

    /// Dot products of every vector of the scattered measure (whole, then clauses) with `v`,
    /// into `out` (`width` long); with `shared`, also the terms `v` shares with the whole
    /// vector (in the order of `v`'s terms, as a merge meets them). No branch on whether a term
    /// is shared: a term the measure lacks reads the zero row and adds +0.0, which changes no
    /// sum (the weights are positive), and 0 to the counts.
    fn dots(&self, v: &[(u32, f32)], out: &mut [f32], shared: Option<&mut SharedTerms>) {
        out.fill(0.0);
        let width = self.width;
        match shared {
            None => {
                for (t, w) in v {
                    let r = self.slot[*t as usize] as usize;
                    let row = &self.rows[r * width..(r + 1) * width];
                    for (o, x) in out.iter_mut().zip(row) {
                        *o += x * w;
                    }
                }
            }
            Some(s) => {
                for (t, w) in v {
                    let r = self.slot[*t as usize] as usize;
                    let row = &self.rows[r * width..(r + 1) * width];
                    for (o, x) in out.iter_mut().zip(row) {
                        *o += x * w;
                    }
                    // A term not shared adds +0.0 (the sum is not negative zero) and no flag.
                    let flags = self.row_flags[r];
                    s.idf += self.row_idf[r];
                    s.rarest = s.rarest.max(self.row_idf[r]);
                    s.specific += usize::from(flags & SPECIFIC != 0);
                    s.instruments += usize::from(flags & INSTRUMENT != 0);
                }
            }
        }
    }

    /// [`cosines`] of the scattered measure and `db`.
    #[cfg(test)]
    fn cosines(&self, db: &MatchData) -> (f32, f32) {
        self.cosines_with(db, None)
    }

    /// [`cosines`] of the scattered measure and `db`, and the canonical terms they share
    /// (as [`Scorer::shared_terms`]).
    fn cosines_and_shared(&self, db: &MatchData) -> ((f32, f32), SharedTerms) {
        let mut shared = SharedTerms::default();
        let c = self.cosines_with(db, Some(&mut shared));
        (c, shared)
    }

    fn cosines_with(&self, db: &MatchData, shared: Option<&mut SharedTerms>) -> (f32, f32) {
        let mut buf = [0.0f32; 16];
        let mut heap = Vec::new();
        let out: &mut [f32] = if self.width <= buf.len() {
            &mut buf[..self.width]
        } else {
            heap.resize(self.width, 0.0);
            &mut heap
        };
        self.dots(&db.cvec, out, shared);
        let cos = out[0];
        let mut clause_cos: f32 = 0.0;
        for x in &out[1..] {
            clause_cos = clause_cos.max(*x);
        }
        for cb in &db.clauses {
            self.dots(cb, out, None);
            for x in out.iter() {
                clause_cos = clause_cos.max(*x);
            }
        }
        (cos, clause_cos)
    }
}

impl Drop for Against<'_> {
    fn drop(&mut self) {
        for t in &self.terms {
            self.slot[*t as usize] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sparse unit vector over terms `0..terms`, from an LCG state.
    fn vector(state: &mut u64, terms: u32, len: usize) -> Vec<(u32, f32)> {
        let mut ts: Vec<u32> = (0..len)
            .map(|_| {
                *state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (*state >> 33) as u32 % terms
            })
            .collect();
        ts.sort_unstable();
        ts.dedup();
        let w: Vec<f32> = ts.iter().map(|t| 1.0 + (*t % 7) as f32 * 0.37).collect();
        let n = w.iter().map(|x| x * x).sum::<f32>().sqrt();
        ts.into_iter().zip(w).map(|(t, x)| (t, x / n)).collect()
    }

    fn data(state: &mut u64, clauses: usize) -> MatchData {
        let mut shingles: Vec<u64> = (0..60)
            .map(|_| {
                *state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (*state >> 40) % 300
            })
            .collect();
        shingles.sort_unstable();
        shingles.dedup();
        let cvec = vector(state, 40, 12);
        // Clauses use terms of the whole vector, with their own weights.
        let clauses = (0..clauses)
            .map(|k| {
                let mut c: Vec<(u32, f32)> = cvec
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| (i + k) % (clauses + 1) != 0)
                    .map(|(_, (t, w))| (*t, w * (1.0 + k as f32 * 0.1)))
                    .collect();
                let n = c.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
                c.iter_mut().for_each(|(_, x)| *x /= n);
                c
            })
            .collect();
        let mut bigrams: Vec<u64> = (0..50)
            .map(|_| {
                *state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (*state >> 40) % 200
            })
            .collect();
        bigrams.sort_unstable();
        bigrams.dedup();
        MatchData {
            shingles,
            bigrams,
            cvec,
            clauses,
            ..MatchData::default()
        }
    }

    /// The scattered form gives the very same floats and counts as the merges.
    #[test]
    fn against_equals_the_merges_bit_for_bit() {
        let mut state = 7u64;
        let mut slot = vec![0u32; 40];
        let canon_idf: Vec<f32> = (0..40).map(|t| 1.0 + (t % 11) as f32 * 0.731).collect();
        let canon_flags: Vec<u8> = (0..40u8)
            .map(|t| (u8::from(t % 3 == 0) * SPECIFIC) | (u8::from(t % 5 == 0) * INSTRUMENT))
            .collect();
        let scorer = Scorer {
            canon_idf: &canon_idf,
            canon_flags: &canon_flags,
            model: super::super::model::Model::shipped(),
            max_idf: max_idf(&canon_idf),
            trees: super::super::model::Model::shipped_compact(),
        };
        let mut shared_seen = 0;
        for round in 0..200 {
            let da = data(&mut state, round % 4);
            let against = Against::new(&da, &mut slot, &scorer);
            for k in 0..10 {
                let db = data(&mut state, k % 3);
                assert_eq!(
                    against.shared_shingles(&db),
                    intersect_count(&da.shingles, &db.shingles)
                );
                assert_eq!(
                    against.bigrams.shared(&db.bigrams),
                    intersect_count(&da.bigrams, &db.bigrams)
                );
                let (c1, k1) = against.cosines(&db);
                let (c2, k2) = cosines(&da, &db);
                assert_eq!((c1.to_bits(), k1.to_bits()), (c2.to_bits(), k2.to_bits()));
                let ((c3, k3), s1) = against.cosines_and_shared(&db);
                assert_eq!((c3.to_bits(), k3.to_bits()), (c2.to_bits(), k2.to_bits()));
                let s2 = scorer.shared_terms(&da, &db);
                assert_eq!(s1.idf.to_bits(), s2.idf.to_bits());
                assert_eq!((s1.specific, s1.instruments), (s2.specific, s2.instruments));
                shared_seen += s2.specific;
            }
            drop(against);
            assert!(slot.iter().all(|s| *s == 0), "slots cleared");
        }
        assert!(shared_seen > 0, "the vectors share specific terms");
    }
}
