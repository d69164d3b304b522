//! The pair scorer: features of two measures, verbatim tier, paraphrase probability.

use super::features::{cosine, intersect_count};
use super::model::{Model, N_FEATURES};
use super::types::{
    INSTRUMENT, MatchData, MeasureEntry, SPECIFIC, Tier, VERBATIM_CONTAINMENT, VERBATIM_JACCARD,
    VERBATIM_MIN_SHINGLES,
};

/// The pair scorer over the corpus statistics.
pub(super) struct Scorer<'a> {
    pub(super) canon_idf: &'a [f32],
    pub(super) canon_flags: &'a [u8],
    pub(super) model: &'a Model,
}

/// Shingle overlap of two measures: Jaccard, containment of the shorter, shorter count.
fn overlap(da: &MatchData, db: &MatchData) -> (f32, f32, usize) {
    let inter = intersect_count(&da.shingles, &db.shingles);
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
        );
        (f, jaccard, containment, smin)
    }

    /// Every feature from the overlap and cosines already computed.
    fn fill(
        &self,
        a: &MeasureEntry,
        b: &MeasureEntry,
        da: &MatchData,
        db: &MatchData,
        (jaccard, containment, smin): (f32, f32, usize),
        (cos, clause_cos): (f32, f32),
    ) -> [f32; N_FEATURES] {
        let mut f = [0.0; N_FEATURES];
        let (mut i, mut j) = (0, 0);
        let (mut shared_idf, mut spec, mut inst) = (0.0f32, 0usize, 0usize);
        while i < da.cvec.len() && j < db.cvec.len() {
            match da.cvec[i].0.cmp(&db.cvec[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let t = da.cvec[i].0 as usize;
                    shared_idf += self.canon_idf[t];
                    spec += usize::from(self.canon_flags[t] & SPECIFIC != 0);
                    inst += usize::from(self.canon_flags[t] & INSTRUMENT != 0);
                    i += 1;
                    j += 1;
                }
            }
        }
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
            let bi = intersect_count(&da.bigrams, &db.bigrams) as f32;
            f[10] = bi / ba.min(bb) as f32 * (ba.min(bb) as f32 / 8.0).min(1.0);
            f[11] = 2.0 * bi / (ba + bb) as f32;
        }
        f
    }

    /// Tier and score of a pair, or None. The features are computed in stages: a verbatim pair
    /// needs only the shingle overlap, a pair with nothing in common only the cosines; the
    /// result is the same as scoring [`Scorer::features`].
    pub(super) fn score(&self, a: &MeasureEntry, b: &MeasureEntry) -> Option<(Tier, f32)> {
        self.score_with(a, b, cosines)
    }

    /// [`Scorer::score`] of `against`'s measure and `b` (the same result, computed from the
    /// scattered vectors of the first measure).
    pub(super) fn score_against(
        &self,
        against: &Against,
        a: &MeasureEntry,
        b: &MeasureEntry,
    ) -> Option<(Tier, f32)> {
        self.score_with(a, b, |_, db| against.cosines(db))
    }

    fn score_with(
        &self,
        a: &MeasureEntry,
        b: &MeasureEntry,
        cosines: impl Fn(&MatchData, &MatchData) -> (f32, f32),
    ) -> Option<(Tier, f32)> {
        let (da, db) = (a.data.as_deref()?, b.data.as_deref()?);
        let (jaccard, containment, smin) = overlap(da, db);
        if jaccard >= VERBATIM_JACCARD
            || (smin >= VERBATIM_MIN_SHINGLES && containment >= VERBATIM_CONTAINMENT)
        {
            return Some((Tier::Verbatim, jaccard.max(containment).min(1.0)));
        }
        let (cos, clause_cos) = cosines(da, db);
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
        );
        let p = self.model.probability(&f);
        (p >= self.model.threshold).then_some((Tier::Paraphrase, p))
    }
}

/// One measure's canonical vectors scattered for scoring it against many others (the
/// candidates of one text in `build`): `slot[t]` is 1 + the row of canonical term `t` (0: the
/// measure lacks it); row `r` of `rows` holds the term's weight in the whole vector, then in
/// each clause (0 where a clause lacks it). A cosine against another vector is then one pass
/// over that vector, the products added in the order of its terms, as [`cosine`] adds them.
pub(super) struct Against<'s> {
    slot: &'s mut [u32],
    rows: Vec<f32>,
    width: usize,
    /// Terms with a slot, to clear them.
    terms: Vec<u32>,
}

impl<'s> Against<'s> {
    /// Scatter `da` into `slot` (all zero, as long as the canonical vocabulary; left all zero
    /// again when dropped).
    pub(super) fn new(da: &MatchData, slot: &'s mut [u32]) -> Against<'s> {
        let width = 1 + da.clauses.len();
        let mut rows: Vec<f32> = Vec::with_capacity(da.cvec.len() * width);
        let mut terms: Vec<u32> = Vec::with_capacity(da.cvec.len());
        let vectors = std::iter::once(&da.cvec).chain(&da.clauses);
        for (column, v) in vectors.enumerate() {
            for (t, w) in v {
                let r = match slot[*t as usize].checked_sub(1) {
                    Some(r) => r as usize,
                    None => {
                        terms.push(*t);
                        rows.resize(terms.len() * width, 0.0);
                        slot[*t as usize] = terms.len() as u32;
                        terms.len() - 1
                    }
                };
                rows[r * width + column] = *w;
            }
        }
        Against {
            slot,
            rows,
            width,
            terms,
        }
    }

    /// Dot products of every vector of the scattered measure (whole, then clauses) with `v`,
    /// into `out` (`width` long).
    fn dots(&self, v: &[(u32, f32)], out: &mut [f32]) {
        out.fill(0.0);
        for (t, w) in v {
            if let Some(r) = self.slot[*t as usize].checked_sub(1) {
                let row = &self.rows[r as usize * self.width..(r as usize + 1) * self.width];
                // A zero (the term is not in that vector) adds +0.0, which changes no sum.
                for (o, x) in out.iter_mut().zip(row) {
                    *o += x * w;
                }
            }
        }
    }

    /// [`cosines`] of the scattered measure and `db`.
    fn cosines(&self, db: &MatchData) -> (f32, f32) {
        let mut buf = [0.0f32; 16];
        let mut heap = Vec::new();
        let out: &mut [f32] = if self.width <= buf.len() {
            &mut buf[..self.width]
        } else {
            heap.resize(self.width, 0.0);
            &mut heap
        };
        self.dots(&db.cvec, out);
        let cos = out[0];
        let mut clause_cos: f32 = 0.0;
        for x in &out[1..] {
            clause_cos = clause_cos.max(*x);
        }
        for cb in &db.clauses {
            self.dots(cb, out);
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
