//! The similarity overview: for every pair of plans, how many measures they share, in an order
//! that puts similar plans next to each other (a heatmap's rows and columns).
//!
//! # Counts
//! `directed[a][b]` counts the measures of plan `a` with at least one shared partner
//! ([`Analysis::shared_links`]: status shared, boilerplate partners left out) in plan `b`. One long
//! measure of `a` may match two short ones of `b`, so the directed counts of a pair can differ;
//! symmetric count ([`Overview::count`]) is the larger of the two ("up to N measures of either plan
//! have a partner in the other"). The directed counts are one `u16` matrix (2 bytes a pair: 200 MB
//! at 10,000 plans), counted row by row in parallel, each row from its own plan's partner lists. The diagonal is 0 — links are only ever made between different plans — and
//! [`Overview::shared_any`] holds instead how many of a plan's measures are shared with any other
//! plan.
//!
//! # Order
//! Plans are ordered by the leaves of an average-linkage hierarchical clustering on a Jaccard-like
//! similarity, `symmetric / (counted_a + counted_b − symmetric)` where `counted` is a plan's
//! non-boilerplate measures. When two clusters merge, each may be reversed so that the two most
//! similar ends meet. Ties go to the lowest indexes, so the order is deterministic. The
//! clustering is O(n³) in plans: instant for the seeds' 63, well under a second for 500.
//!
//! # Preview
//! At 10,000 plans the counts take seconds. [`OverviewBuild`] builds in stages so that a view can
//! first show the overview of an evenly spaced sample of the plans (exact counts between them),
//! then the whole one, without counting anything twice.

use serde::Serialize;

use crate::matching::{Analysis, Link, Status};
use crate::phase_clock::PhaseClock;
use crate::plan::Plan;

/// Shared-measure counts between every pair of plans, and a clustered display order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Overview {
    /// Plan ids, corpus order.
    pub plan_ids: Vec<String>,
    /// Plan names, corpus order.
    pub plan_names: Vec<String>,
    /// `directed[a * n + b]`: measures of `a` with a shared partner in `b` (diagonal 0), as
    /// `u16` (saturating; no plan has 65,535 measures): 200 MB at 10,000 plans where two `u32`
    /// matrices took 800 MB. Read with [`Overview::directed`] and [`Overview::count`].
    directed: Vec<u16>,
    /// Measures of each plan shared with any other plan.
    pub shared_any: Vec<u32>,
    /// Non-boilerplate measures of each plan.
    pub counted: Vec<u32>,
    /// Display order: a permutation of the plan indexes, similar plans adjacent.
    pub order: Vec<usize>,
    /// Largest symmetric count (the top of the colour scale).
    pub max_count: u32,
}

/// Largest counts of blocks of plans in display order: the overview of many plans drawn as one
/// image, one texel per block (max-pooled, so a single pair that shares much still shows).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BlockCounts {
    /// Plans per block side (1: a texel is a cell).
    pub block: usize,
    /// Blocks per side.
    pub side: usize,
    /// `max[r * side + c]`: the largest symmetric count between the plans of row block `r`
    /// and column block `c` (display order), the diagonal cells of a plan left out.
    pub max: Vec<u32>,
}

impl Overview {
    /// Count shared measures between every pair of `plans` and order them.
    pub fn build(plans: &[Plan], analysis: &Analysis) -> Overview {
        Overview::build_with_progress(plans, analysis, &|_, _| {})
    }

    /// [`Overview::build`], reporting `(done, total)` steps to `progress` as it goes (from
    /// several threads: the plans' rows are counted in parallel, each from its own measures'
    /// partner lists, so no step needs another plan's row).
    pub fn build_with_progress(
        plans: &[Plan],
        analysis: &Analysis,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Overview {
        OverviewBuild::start(plans, analysis).finish(progress)
    }

    /// The display order of the counts held: average-linkage clustering up to
    /// [`CLUSTER_MAX_PLANS`], the sparse order of each plan's [`NEIGHBOURS`] above.
    fn display_order(&self) -> Vec<usize> {
        let n = self.len();
        if n <= CLUSTER_MAX_PLANS {
            let similarity: Vec<Vec<f32>> = (0..n)
                .map(|a| {
                    (0..n)
                        .map(|b| jaccard(self.count(a, b), self.counted[a], self.counted[b]))
                        .collect()
                })
                .collect();
            cluster_order(&similarity)
        } else {
            let rows = self.top_neighbours(NEIGHBOURS);
            let sim = |a: usize, b: usize| {
                jaccard(
                    self.count(a, b),
                    self.counted.get(a).copied().unwrap_or(0),
                    self.counted.get(b).copied().unwrap_or(0),
                )
            };
            order_from_neighbours(n, rows, &sim)
        }
    }

    /// The largest symmetric count: the largest directed one (rows are contiguous).
    fn largest_count(&self) -> u32 {
        use rayon::prelude::*;
        self.directed
            .par_chunks(self.len().max(1))
            .map(|row| row.iter().copied().max().unwrap_or(0))
            .max()
            .map_or(0, u32::from)
    }

    /// Number of plans.
    pub fn len(&self) -> usize {
        self.plan_ids.len()
    }

    /// No plans at all?
    pub fn is_empty(&self) -> bool {
        self.plan_ids.is_empty()
    }

    /// Measures of plan `a` with a shared partner in plan `b` (corpus indexes; 0 out of range).
    pub fn directed(&self, a: usize, b: usize) -> u32 {
        let n = self.len();
        if a >= n || b >= n {
            return 0;
        }
        self.directed.get(a * n + b).copied().map_or(0, u32::from)
    }

    /// The symmetric count of plans `a` and `b`: the larger of the two directed counts ("up to
    /// N measures of either plan have a partner in the other"; corpus indexes; 0 out of range).
    pub fn count(&self, a: usize, b: usize) -> u32 {
        self.directed(a, b).max(self.directed(b, a))
    }

    /// An overview made from given counts (`directed[a][b]`, square) and an order: for tests and
    /// benchmarks of the drawing without an analysis.
    pub fn from_counts(
        plan_names: Vec<String>,
        directed: &[Vec<u32>],
        counted: Vec<u32>,
        order: Vec<usize>,
    ) -> Overview {
        let n = plan_names.len();
        let mut flat = vec![0u16; n * n];
        for (a, row) in directed.iter().enumerate().take(n) {
            for (b, &v) in row.iter().enumerate().take(n) {
                if a != b {
                    flat[a * n + b] = u16::try_from(v).unwrap_or(u16::MAX);
                }
            }
        }
        let mut o = Overview {
            plan_ids: (0..n).map(|k| format!("p#{k}")).collect(),
            plan_names,
            directed: flat,
            shared_any: vec![0; n],
            counted,
            order,
            max_count: 0,
        };
        for a in 0..n {
            let row_max = (0..n).map(|b| o.count(a, b)).max().unwrap_or(0);
            o.max_count = o.max_count.max(row_max);
            o.shared_any[a] = (0..n).map(|b| o.directed(a, b)).max().unwrap_or(0);
        }
        o
    }

    /// The counts in display order max-pooled into at most `max_side` × `max_side` blocks.
    /// One pass over the directed rows (each read in memory order, split over threads): the
    /// block maximum of the symmetric counts is the larger of the directed block maxima of
    /// (r, c) and (c, r), so no column of the matrix is ever walked.
    pub fn block_counts(&self, max_side: usize) -> BlockCounts {
        use rayon::prelude::*;
        let n = self.len();
        let max_side = max_side.max(1);
        let block = n.div_ceil(max_side).max(1);
        let side = n.div_ceil(block);
        let mut directed = vec![0u32; side * side];
        // Display position of each plan.
        let mut pos = vec![usize::MAX; n];
        for (p, &a) in self.order.iter().enumerate() {
            if let Some(x) = pos.get_mut(a) {
                *x = p;
            }
        }
        if side > 0 {
            directed
                .par_chunks_mut(side)
                .enumerate()
                .for_each(|(r, out)| {
                    for row in r * block..((r + 1) * block).min(n) {
                        let Some(&a) = self.order.get(row) else {
                            continue;
                        };
                        let Some(counts) = self.directed.get(a * n..(a + 1) * n) else {
                            continue;
                        };
                        for (b, &v) in counts.iter().enumerate() {
                            if v == 0 || b == a {
                                continue;
                            }
                            if let Some(m) = pos.get(b).and_then(|&p| out.get_mut(p / block)) {
                                *m = (*m).max(u32::from(v));
                            }
                        }
                    }
                });
        }
        let mut max = vec![0u32; side * side];
        for r in 0..side {
            for c in 0..side {
                max[r * side + c] = directed[r * side + c].max(directed[c * side + r]);
            }
        }
        BlockCounts { block, side, max }
    }

    /// Each plan's `k` most similar other plans (Jaccard of the symmetric counts, see
    /// [`sparse_order`]; strongest first, ties to the lower index; similarity 0 left out).
    /// The matrix is walked in 64 × 64 tiles, a tile of rows next to the mirrored tile, so
    /// the symmetric count never reads a column of the matrix plan by plan (that was a cache
    /// miss per pair: seconds at 10,000 plans). Split over threads by tile rows.
    pub fn top_neighbours(&self, k: usize) -> Vec<Vec<(f32, usize)>> {
        use rayon::prelude::*;
        const TILE: usize = 64;
        let n = self.len();
        let d = &self.directed;
        let counted = |a: usize| self.counted.get(a).copied().unwrap_or(0);
        (0..n.div_ceil(TILE))
            .into_par_iter()
            .flat_map_iter(|rt| {
                let rows = rt * TILE..((rt + 1) * TILE).min(n);
                let mut best: Vec<Vec<(f32, usize)>> = rows.clone().map(|_| Vec::new()).collect();
                // Per row, the weakest similarity kept once k are kept: columns come in
                // increasing order, so a later plan at or below it can never enter (ties go to
                // the lower index).
                let mut floor: Vec<f32> = rows.clone().map(|_| f32::NEG_INFINITY).collect();
                for ct in 0..n.div_ceil(TILE) {
                    let cols = ct * TILE..((ct + 1) * TILE).min(n);
                    for (i, a) in rows.clone().enumerate() {
                        let (Some(kept), Some(floor)) = (best.get_mut(i), floor.get_mut(i)) else {
                            continue;
                        };
                        for b in cols.clone() {
                            if b == a {
                                continue;
                            }
                            let ab = d.get(a * n + b).copied().unwrap_or(0);
                            let ba = d.get(b * n + a).copied().unwrap_or(0);
                            let shared = u32::from(ab.max(ba));
                            if shared == 0 {
                                continue;
                            }
                            let s = jaccard(shared, counted(a), counted(b));
                            if s > 0.0 && s > *floor {
                                kept.push((s, b));
                            }
                        }
                        if kept.len() > 4 * k.max(16) {
                            keep_strongest(kept, k);
                            if k > 0 && kept.len() == k {
                                *floor = kept.iter().map(|e| e.0).fold(f32::INFINITY, f32::min);
                            }
                        }
                    }
                }
                for kept in &mut best {
                    keep_strongest(kept, k);
                    kept.shrink_to_fit();
                }
                best
            })
            .collect()
    }
}

/// An overview built in stages, so that a view can show a preview while the rest is counted:
/// [`OverviewBuild::start`] gathers every distinct text's partner plans,
/// [`OverviewBuild::sample`] counts the rows of an evenly spaced sample of the plans and returns
/// the overview of those plans alone (exact counts between them, their own order), and
/// [`OverviewBuild::finish`] counts the remaining rows and orders every plan. The rows counted
/// for the sample are kept, so the preview costs only its ordering; the finished overview equals
/// [`Overview::build`]'s.
pub struct OverviewBuild<'a> {
    plans: &'a [Plan],
    analysis: &'a Analysis,
    by_text: Vec<Option<TextPlans>>,
    /// `n × n` directed counts; the rows of `per_plan[a].is_some()` are counted.
    directed: Vec<u16>,
    /// (shared with any plan, counted) of each row counted so far.
    per_plan: Vec<Option<(u32, u32)>>,
    rows_done: std::sync::atomic::AtomicUsize,
    clock: PhaseClock,
}

impl<'a> OverviewBuild<'a> {
    /// Gather the partner plans of every distinct text (split over threads).
    pub fn start(plans: &'a [Plan], analysis: &'a Analysis) -> OverviewBuild<'a> {
        let mut build = OverviewBuild::new(plans, analysis);
        build.gather(0, 1);
        build
    }

    /// A build with nothing done yet: [`OverviewBuild::gather`] every part before anything else.
    pub fn new(plans: &'a [Plan], analysis: &'a Analysis) -> OverviewBuild<'a> {
        let n = plans.len();
        OverviewBuild {
            plans,
            analysis,
            by_text: (0..analysis.measures.len()).map(|_| None).collect(),
            directed: vec![0u16; n * n],
            per_plan: vec![None; n],
            rows_done: std::sync::atomic::AtomicUsize::new(0),
            clock: PhaseClock::start(),
        }
    }

    /// Gather the partner plans of the distinct texts of part `part` of `parts` of the measures
    /// (split over threads): each distinct text's partner plans once for all its copies (a
    /// template's list is read once, not once per plan that copies it). A caller may run the
    /// parts on different thread pools (a prefetch promoted to the view on screen).
    pub fn gather(&mut self, part: usize, parts: usize) {
        use rayon::prelude::*;
        let len = self.by_text.len();
        let parts = parts.max(1);
        let range = len * part / parts..len * (part + 1) / parts;
        let analysis = self.analysis;
        if let Some(slots) = self.by_text.get_mut(range.clone()) {
            slots
                .par_iter_mut()
                .zip(range.into_par_iter())
                .for_each(|(slot, i)| {
                    if analysis.measures.get(i).is_some_and(|m| m.rep == i) {
                        *slot = Some(TextPlans::new(analysis, i));
                    }
                });
        }
        if part + 1 == parts {
            self.clock.lap("overview: partner plans per text");
        }
    }

    /// Count the rows of part `part` of `parts` of the plans not counted yet (the rows are
    /// independent; a caller may run the parts on different thread pools).
    pub fn count(&mut self, part: usize, parts: usize, progress: &(dyn Fn(usize, usize) + Sync)) {
        let n = self.plans.len();
        let parts = parts.max(1);
        let range = n * part / parts..n * (part + 1) / parts;
        self.count_rows(&|a| range.contains(&a), progress);
    }

    /// Steps reported to a progress callback: the rows, then a fifth of them for the order.
    fn total(&self) -> usize {
        let n = self.plans.len();
        n + n / 5 + 1
    }

    /// Count the rows of the plans `wanted` says and not counted yet (in parallel).
    fn count_rows(
        &mut self,
        wanted: &(dyn Fn(usize) -> bool + Sync),
        progress: &(dyn Fn(usize, usize) + Sync),
    ) {
        use rayon::prelude::*;
        use std::sync::atomic::Ordering;
        let n = self.plans.len();
        if n == 0 {
            return;
        }
        let total = self.total();
        let (analysis, by_text, rows_done) = (self.analysis, &self.by_text, &self.rows_done);
        self.directed
            .par_chunks_mut(n)
            .zip(self.per_plan.par_iter_mut())
            .enumerate()
            .filter(|(a, (_, done))| done.is_none() && wanted(*a))
            .for_each(|(a, (row, done))| {
                *done = Some(count_row(analysis, by_text, a, n, row));
                let k = rows_done.fetch_add(1, Ordering::Relaxed) + 1;
                if k.is_multiple_of(64) || k == n {
                    progress(k, total);
                }
            });
    }

    /// The overview of an evenly spaced sample of at most `max_plans` plans (every k-th plan of
    /// the corpus, the first included): the exact counts between the sampled plans and an order
    /// of them; `None` when the corpus has no more than twice `max_plans` plans (the whole
    /// overview is then cheap enough) or `max_plans` is 0.
    pub fn sample(
        &mut self,
        max_plans: usize,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Option<Overview> {
        let n = self.plans.len();
        if max_plans == 0 || n <= 2 * max_plans {
            return None;
        }
        let stride = n.div_ceil(max_plans);
        self.count_rows(&|a| a % stride == 0, progress);
        let picked: Vec<usize> = (0..n).step_by(stride).collect();
        let m = picked.len();
        let mut directed = Vec::with_capacity(m * m);
        for &a in &picked {
            let row = self.directed.get(a * n..(a + 1) * n).unwrap_or(&[]);
            directed.extend(picked.iter().map(|&b| row.get(b).copied().unwrap_or(0)));
        }
        let counts = |a: usize| self.per_plan.get(a).copied().flatten().unwrap_or((0, 0));
        let mut overview = Overview {
            plan_ids: picked
                .iter()
                .map(|&a| self.plans[a].plan_id.clone())
                .collect(),
            plan_names: picked.iter().map(|&a| self.plans[a].name.clone()).collect(),
            directed,
            shared_any: picked.iter().map(|&a| counts(a).0).collect(),
            counted: picked.iter().map(|&a| counts(a).1).collect(),
            order: Vec::new(),
            max_count: 0,
        };
        overview.max_count = overview.largest_count();
        overview.order = overview.display_order();
        self.clock.lap("overview: sample");
        Some(overview)
    }

    /// Count every row not counted yet and order the plans: the whole overview.
    pub fn finish(mut self, progress: &(dyn Fn(usize, usize) + Sync)) -> Overview {
        self.count_rows(&|_| true, progress);
        self.clock.lap("overview: counts");
        let total = self.total();
        let per_plan: Vec<(u32, u32)> = self.per_plan.iter().map(|p| p.unwrap_or((0, 0))).collect();
        let mut overview = Overview {
            plan_ids: self.plans.iter().map(|p| p.plan_id.clone()).collect(),
            plan_names: self.plans.iter().map(|p| p.name.clone()).collect(),
            directed: std::mem::take(&mut self.directed),
            shared_any: per_plan.iter().map(|p| p.0).collect(),
            counted: per_plan.iter().map(|p| p.1).collect(),
            order: Vec::new(),
            max_count: 0,
        };
        drop(std::mem::take(&mut self.by_text));
        overview.max_count = overview.largest_count();
        overview.order = overview.display_order();
        self.clock.lap("overview: order");
        progress(total, total);
        overview
    }
}

/// A distinct text's partner plans as the counts read them ([`Analysis::text_partner_plans`],
/// boilerplate partners left out): the plans every copy counts, and the conditional links
/// grouped by what decides whether a reader keeps them — the partner's text, tier and score
/// ([`Analysis::keeps_for`] reads nothing else) — each group with its plans. A template's
/// partner text has a copy in hundreds of plans: one check per group and reader instead of
/// one per link (a binary search each, the count's largest cost at 10,000 plans).
struct TextPlans {
    always: Vec<u32>,
    conditional: Vec<(Link, Vec<u32>)>,
}

impl TextPlans {
    fn new(analysis: &Analysis, rep: usize) -> TextPlans {
        let t = analysis.text_partner_plans(rep, true);
        let mut keyed: Vec<((usize, crate::matching::Tier, u32), u32, Link)> = t
            .conditional
            .iter()
            .filter_map(|l| {
                let other = analysis.measures.get(l.other)?;
                Some((
                    (other.rep, l.tier, l.score.to_bits()),
                    other.plan as u32,
                    *l,
                ))
            })
            .collect();
        keyed.sort_by_key(|k| (k.0, k.1));
        let mut conditional: Vec<(Link, Vec<u32>)> = Vec::new();
        let mut last = None;
        for (key, plan, l) in keyed {
            match conditional.last_mut() {
                Some((_, plans)) if last == Some(key) => {
                    if plans.last() != Some(&plan) {
                        plans.push(plan);
                    }
                }
                _ => conditional.push((l, vec![plan])),
            }
            last = Some(key);
        }
        TextPlans {
            always: t.always,
            conditional,
        }
    }
}

/// Count plan `a`'s row: for each of its measures, the other plans where it has a shared
/// partner ([`Analysis::shared_links`]), each plan once per measure, read from its text's partner
/// plans (`by_text`, indexed by representative). Returns (measures shared with any plan,
/// non-boilerplate measures).
fn count_row(
    analysis: &Analysis,
    by_text: &[Option<TextPlans>],
    a: usize,
    n: usize,
    row: &mut [u16],
) -> (u32, u32) {
    let (Some(&start), Some(&end)) = (
        analysis.plan_offsets.get(a),
        analysis.plan_offsets.get(a + 1),
    ) else {
        return (0, 0);
    };
    let mut shared_any = 0;
    let mut counted = 0;
    // The last measure that counted each plan (flat index + 1): one increment per measure.
    let mut seen = vec![0usize; n];
    for flat in start..end {
        let Some(m) = analysis.measures.get(flat) else {
            continue;
        };
        if m.plan != a {
            continue;
        }
        let status = analysis.status.get(flat);
        if status != Some(&Status::Boilerplate) {
            counted += 1;
        }
        if status != Some(&Status::Shared) {
            continue;
        }
        let Some(Some(text)) = by_text.get(m.rep) else {
            continue;
        };
        // `always` is sorted without repeats: one increment per plan, no `seen` check needed
        // (only the conditional links, checked below, can name a plan twice or one of these).
        let mut any = false;
        for &b in &text.always {
            let b = b as usize;
            if b != a
                && let Some(c) = row.get_mut(b)
            {
                *c = c.saturating_add(1);
                any = true;
            }
        }
        let mut count = |b: usize, seen: &mut [usize]| {
            if b == a || b >= n || seen[b] == flat + 1 {
                return;
            }
            seen[b] = flat + 1;
            any = true;
            if let Some(c) = row.get_mut(b) {
                *c = c.saturating_add(1);
            }
        };
        for (l, plans) in &text.conditional {
            if analysis.keeps_for(l, a) {
                for &b in plans {
                    count(b as usize, &mut seen);
                }
            }
        }
        if any {
            shared_any += 1;
        }
    }
    (shared_any, counted)
}

/// Up to this many plans the order is an average-linkage clustering (cubic); above it, the
/// spanning-tree order of a k-nearest-neighbour graph ([`sparse_order`]).
pub const CLUSTER_MAX_PLANS: usize = 400;

/// Neighbours per plan in the similarity graph of [`sparse_order`].
pub const NEIGHBOURS: usize = 10;

/// Display order for many plans: each plan keeps its `k` most similar plans (Jaccard of the
/// shared-measure counts, ties to the lower index), and an average-linkage clustering runs on
/// that sparse graph — a missing edge counts as similarity 0, merges come from a heap, and
/// neighbour lists are merged as clusters merge — joining orders with the same end-matching rule
/// as [`cluster_order`]. Unconnected groups follow each other by their lowest plan index.
/// Deterministic. The neighbour search reads the dense counts, O(n²) split over threads; the
/// clustering is O(n·k·log) in practice, memory O(n·k) beyond the counts.
pub fn sparse_order(
    n: usize,
    count: &(dyn Fn(usize, usize) -> u32 + Sync),
    counted: &[u32],
    k: usize,
) -> Vec<usize> {
    use rayon::prelude::*;
    let sim = |a: usize, b: usize| {
        let shared = count(a, b);
        jaccard(
            shared,
            counted.get(a).copied().unwrap_or(0),
            counted.get(b).copied().unwrap_or(0),
        )
    };
    let rows: Vec<Vec<(f32, usize)>> = (0..n)
        .into_par_iter()
        .map(|a| {
            let mut row: Vec<(f32, usize)> = (0..n)
                .filter(|&b| b != a)
                .map(|b| (sim(a, b), b))
                .filter(|e| e.0 > 0.0)
                .collect();
            keep_strongest(&mut row, k);
            // The row was collected from up to n candidates: without this, every kept row holds
            // its whole capacity (16 bytes × n: 1.6 GB over 10,000 plans).
            row.shrink_to_fit();
            row
        })
        .collect();
    order_from_neighbours(n, rows, &sim)
}

/// Keep the `k` strongest of `row` (similarity descending, ties to the lower plan index).
fn keep_strongest(row: &mut Vec<(f32, usize)>, k: usize) {
    let by_strength = |x: &(f32, usize), y: &(f32, usize)| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1));
    if row.len() > k {
        row.select_nth_unstable_by(k, by_strength);
        row.truncate(k);
    }
}

/// The order of [`sparse_order`] from each plan's kept neighbours (`rows[a]`: (similarity,
/// plan), any order) and the similarity of any two plans (for the ends of merged orders).
pub fn order_from_neighbours(
    n: usize,
    rows: Vec<Vec<(f32, usize)>>,
    sim: &dyn Fn(usize, usize) -> f32,
) -> Vec<usize> {
    // Symmetric sparse graph: an edge if either end keeps the other.
    let mut graph: Vec<std::collections::BTreeMap<usize, f32>> = vec![Default::default(); n];
    for (a, row) in rows.iter().enumerate() {
        for &(s, b) in row {
            if a < n && b < n {
                graph[a].insert(b, s);
                graph[b].insert(a, s);
            }
        }
    }
    drop(rows);
    sparse_average_linkage(graph, sim)
}

/// Average linkage over a sparse similarity graph (`graph[a][b]` = similarity; absent = 0).
fn sparse_average_linkage(
    graph: Vec<std::collections::BTreeMap<usize, f32>>,
    sim: &dyn Fn(usize, usize) -> f32,
) -> Vec<usize> {
    use std::cmp::Ordering;
    use std::collections::BinaryHeap;

    /// A candidate merge: average similarity, the two clusters and their versions.
    struct Candidate(f32, usize, usize, u32, u32);
    impl PartialEq for Candidate {
        fn eq(&self, other: &Self) -> bool {
            self.cmp(other) == Ordering::Equal
        }
    }
    impl Eq for Candidate {}
    impl PartialOrd for Candidate {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Candidate {
        // Max-heap: highest similarity first, then the lowest pair of cluster ids.
        fn cmp(&self, other: &Self) -> Ordering {
            self.0
                .total_cmp(&other.0)
                .then(other.1.cmp(&self.1))
                .then(other.2.cmp(&self.2))
        }
    }

    let n = graph.len();
    // Cluster state by id (the id of a merged cluster is the lower of the two).
    let mut sums = graph; // cluster → (neighbour cluster → sum of pair similarities)
    let mut size: Vec<usize> = vec![1; n];
    let mut version: Vec<u32> = vec![0; n];
    let mut alive: Vec<bool> = vec![true; n];
    // Orders as merge trees: node < n is a plan; node n + j is `joins[j]`.
    let mut joins: Vec<(usize, usize, bool, bool)> = Vec::new();
    let mut ends: Vec<(usize, usize)> = (0..n).map(|i| (i, i)).collect();
    let mut node: Vec<usize> = (0..n).collect();
    let mut heap = BinaryHeap::new();
    for (a, row) in sums.iter().enumerate() {
        for (&b, &s) in row.range(a + 1..) {
            heap.push(Candidate(s, a, b, 0, 0));
        }
    }
    while let Some(Candidate(_, i, j, vi, vj)) = heap.pop() {
        if !alive[i] || !alive[j] || version[i] != vi || version[j] != vj {
            continue;
        }
        // Join the orders, reversing either so that the most similar ends meet.
        let (left, right) = (node[i], node[j]);
        let ((lf, ll), (rf, rl)) = (ends[left], ends[right]);
        let (rev_left, rev_right) = orientation((lf, ll), (rf, rl), &sim);
        let first = if rev_left { ll } else { lf };
        let last = if rev_right { rf } else { rl };
        joins.push((left, right, rev_left, rev_right));
        ends.push((first, last));
        node[i] = ends.len() - 1;
        // Cluster j goes into i: its pair sums are added to i's, and its neighbours now point
        // at i.
        alive[j] = false;
        let from_j = std::mem::take(&mut sums[j]);
        sums[i].remove(&j);
        for (k, s) in from_j {
            if k == i {
                continue;
            }
            *sums[i].entry(k).or_insert(0.0) += s;
            if let Some(x) = sums[k].remove(&j) {
                *sums[k].entry(i).or_insert(0.0) += x;
            }
        }
        size[i] += size[j];
        version[i] += 1;
        for (&k, &s) in &sums[i] {
            let (a, b) = (i.min(k), i.max(k));
            let avg = s / (size[i] * size[k]) as f32;
            heap.push(Candidate(avg, a, b, version[a], version[b]));
        }
    }
    let mut order = Vec::with_capacity(n);
    let mut stack: Vec<(usize, bool)> = Vec::new();
    for i in (0..n).filter(|&i| alive[i]) {
        stack.push((node[i], false));
        while let Some((x, reversed)) = stack.pop() {
            if x < n {
                order.push(x);
                continue;
            }
            let (l, r, rev_l, rev_r) = joins[x - n];
            let (l, r) = ((l, reversed ^ rev_l), (r, reversed ^ rev_r));
            // Popped in reading order: the first to read is pushed last.
            if reversed {
                stack.push(l);
                stack.push(r);
            } else {
                stack.push(r);
                stack.push(l);
            }
        }
    }
    order
}

/// `shared / (a + b − shared)`, 0 when nothing is counted.
fn jaccard(shared: u32, a: u32, b: u32) -> f32 {
    let union = (a + b).saturating_sub(shared);
    if union == 0 {
        0.0
    } else {
        shared as f32 / union as f32
    }
}

/// Leaf order of an average-linkage clustering of `similarity` (square, symmetric).
pub fn cluster_order(similarity: &[Vec<f32>]) -> Vec<usize> {
    let n = similarity.len();
    let sim = |a: usize, b: usize| {
        similarity
            .get(a)
            .and_then(|r| r.get(b))
            .copied()
            .unwrap_or(0.0)
    };
    // Live clusters: their leaves in order; `link[i][j]` the average similarity of clusters i, j.
    let mut clusters: Vec<Option<Vec<usize>>> = (0..n).map(|i| Some(vec![i])).collect();
    let mut link: Vec<Vec<f32>> = (0..n)
        .map(|a| (0..n).map(|b| sim(a, b)).collect())
        .collect();
    loop {
        let live: Vec<usize> = (0..n).filter(|&i| clusters[i].is_some()).collect();
        if live.len() < 2 {
            break;
        }
        let mut best: Option<(f32, usize, usize)> = None;
        for (k, &i) in live.iter().enumerate() {
            for &j in &live[k + 1..] {
                let s = link[i][j];
                if best.is_none_or(|(b, _, _)| s > b) {
                    best = Some((s, i, j));
                }
            }
        }
        let Some((_, i, j)) = best else { break };
        let (Some(left), Some(right)) = (clusters[i].take(), clusters[j].take()) else {
            break;
        };
        let (size_i, size_j) = (left.len() as f32, right.len() as f32);
        clusters[i] = Some(join_oriented(left, right, &sim));
        for &k in &live {
            if k != i && k != j {
                let v = (link[i][k] * size_i + link[j][k] * size_j) / (size_i + size_j);
                link[i][k] = v;
                link[k][i] = v;
            }
        }
    }
    clusters.into_iter().flatten().flatten().collect()
}

/// Which of two orders to reverse, given their ends `(first, last)`, so that the most similar
/// ends meet when the left is followed by the right: (reverse left, reverse right). Ties go to
/// the earlier option, keeping the orders as they are.
fn orientation(
    (lf, ll): (usize, usize),
    (rf, rl): (usize, usize),
    sim: &dyn Fn(usize, usize) -> f32,
) -> (bool, bool) {
    let options = [
        (false, false, sim(ll, rf)),
        (false, true, sim(ll, rl)),
        (true, false, sim(lf, rf)),
        (true, true, sim(lf, rl)),
    ];
    let mut best = options[0];
    for o in options.iter().skip(1) {
        if o.2 > best.2 {
            best = *o;
        }
    }
    (best.0, best.1)
}

/// Concatenate two leaf orders, reversing either so that the most similar ends meet (ties keep
/// them as they are).
fn join_oriented(
    mut left: Vec<usize>,
    mut right: Vec<usize>,
    sim: &dyn Fn(usize, usize) -> f32,
) -> Vec<usize> {
    let ends = |v: &[usize]| {
        (
            v.first().copied().unwrap_or(0),
            v.last().copied().unwrap_or(0),
        )
    };
    let (lf, ll) = ends(&left);
    let (rf, rl) = ends(&right);
    let (rev_left, rev_right) = orientation((lf, ll), (rf, rl), sim);
    if rev_left {
        left.reverse();
    }
    if rev_right {
        right.reverse();
    }
    left.extend(right);
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `groups` blocks of `size` plans, interleaved (plan i is in block i % groups); plans of
    /// one block share 10..20 measures, others 0..2.
    fn blocks(groups: usize, size: usize) -> (Vec<Vec<u32>>, Vec<u32>) {
        let n = groups * size;
        let sym: Vec<Vec<u32>> = (0..n)
            .map(|a| {
                (0..n)
                    .map(|b| {
                        if a == b {
                            0
                        } else if a % groups == b % groups {
                            10 + ((a * 31 + b * 31) % 11) as u32
                        } else {
                            ((a + b) % 3) as u32
                        }
                    })
                    .collect()
            })
            .collect();
        (sym, vec![40; n])
    }

    #[test]
    fn the_sparse_order_keeps_each_block_together() {
        let (groups, size) = (7, 60);
        let (sym, counted) = blocks(groups, size);
        let order = sparse_order(sym.len(), &|a, b| sym[a][b], &counted, NEIGHBOURS);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..groups * size).collect::<Vec<_>>());
        // Every block is one contiguous run: exactly groups − 1 block changes along the order.
        let changes = order
            .windows(2)
            .filter(|w| w[0] % groups != w[1] % groups)
            .count();
        assert_eq!(changes, groups - 1, "{order:?}");
        assert_eq!(
            order,
            sparse_order(sym.len(), &|a, b| sym[a][b], &counted, NEIGHBOURS),
            "deterministic"
        );
    }

    /// An asymmetric matrix of `n` plans with zeros, ties and a shuffled order.
    fn lopsided(n: usize) -> Overview {
        let directed: Vec<Vec<u32>> = (0..n)
            .map(|a| {
                (0..n)
                    .map(|b| {
                        let x = (a * 7919 + b * 104_729 + a * b) % 23;
                        if x < 9 { 0 } else { (x % 11) as u32 }
                    })
                    .collect()
            })
            .collect();
        let counted: Vec<u32> = (0..n).map(|a| 20 + (a % 13) as u32).collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&a| (a * 37) % n);
        Overview::from_counts(
            (0..n).map(|a| format!("plan {a}")).collect(),
            &directed,
            counted,
            order,
        )
    }

    #[test]
    fn the_tiled_neighbours_and_order_equal_a_pair_by_pair_search() {
        for n in [1, 5, 64, 150] {
            let o = lopsided(n);
            let mut tiled = o.top_neighbours(NEIGHBOURS);
            let sim = |a: usize, b: usize| jaccard(o.count(a, b), o.counted[a], o.counted[b]);
            for (a, row) in tiled.iter_mut().enumerate() {
                let mut naive: Vec<(f32, usize)> = (0..n)
                    .filter(|&b| b != a)
                    .map(|b| (sim(a, b), b))
                    .filter(|e| e.0 > 0.0)
                    .collect();
                naive.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
                naive.truncate(NEIGHBOURS);
                row.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
                assert_eq!(*row, naive, "plan {a} of {n}");
            }
            let via_tiles = order_from_neighbours(n, o.top_neighbours(NEIGHBOURS), &sim);
            let pairwise = sparse_order(n, &|a, b| o.count(a, b), &o.counted, NEIGHBOURS);
            assert_eq!(via_tiles, pairwise, "{n} plans");
        }
    }

    #[test]
    fn the_block_image_equals_the_maximum_over_each_block_of_symmetric_counts() {
        let o = lopsided(150);
        assert_eq!(
            o.max_count,
            (0..150)
                .flat_map(|a| (0..150).map(move |b| (a, b)))
                .map(|(a, b)| o.count(a, b))
                .max()
                .unwrap()
        );
        for max_side in [150, 64, 7, 1] {
            let blocks = o.block_counts(max_side);
            let (block, side) = (blocks.block, blocks.side);
            assert!(side <= max_side && side * block >= 150);
            for r in 0..side {
                for c in 0..side {
                    let mut want = 0;
                    for row in r * block..((r + 1) * block).min(150) {
                        for col in c * block..((c + 1) * block).min(150) {
                            let (a, b) = (o.order[row], o.order[col]);
                            if a != b {
                                want = want.max(o.count(a, b));
                            }
                        }
                    }
                    assert_eq!(blocks.max[r * side + c], want, "block ({r}, {c}) of {side}");
                }
            }
        }
    }

    #[test]
    fn the_sparse_order_places_unconnected_plans_too() {
        // Plans 3 and 4 share nothing with anyone: still ordered, once each.
        let mut sym = vec![vec![0u32; 5]; 5];
        for (a, b) in [(0, 2), (2, 1)] {
            sym[a][b] = 5;
            sym[b][a] = 5;
        }
        let order = sparse_order(5, &|a, b| sym[a][b], &[10; 5], 2);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![0, 1, 2, 3, 4]);
        let pos = |x: usize| order.iter().position(|&o| o == x).unwrap();
        assert_eq!(pos(0).abs_diff(pos(2)), 1);
        assert_eq!(pos(2).abs_diff(pos(1)), 1);
    }

    #[test]
    fn two_pairs_of_similar_plans_end_up_side_by_side() {
        // 0~2 and 1~3 are similar; 0 and 1 are not.
        let s = vec![
            vec![1.0, 0.0, 0.9, 0.1],
            vec![0.0, 1.0, 0.0, 0.8],
            vec![0.9, 0.0, 1.0, 0.2],
            vec![0.1, 0.8, 0.2, 1.0],
        ];
        let order = cluster_order(&s);
        let pos = |x: usize| order.iter().position(|&o| o == x).unwrap();
        assert_eq!(pos(0).abs_diff(pos(2)), 1);
        assert_eq!(pos(1).abs_diff(pos(3)), 1);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![0, 1, 2, 3]);
    }
}
