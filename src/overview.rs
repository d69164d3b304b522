//! The similarity overview: for every pair of plans, how many measures they share, in an order
//! that puts similar plans next to each other (a heatmap's rows and columns).
//!
//! # Counts
//! `directed[a][b]` counts the measures of plan `a` with at least one shared partner
//! ([`Analysis::shared_links`]: status shared, boilerplate partners left out) in plan `b`. One long
//! measure of `a` may match two short ones of `b`, so the directed counts of a pair can differ;
//! `symmetric[a][b]` is the larger of the two ("up to N measures of either plan have a partner in
//! the other"). The diagonal is 0 — links are only ever made between different plans — and
//! [`Overview::shared_any`] holds instead how many of a plan's measures are shared with any other
//! plan.
//!
//! # Order
//! Plans are ordered by the leaves of an average-linkage hierarchical clustering on a Jaccard-like
//! similarity, `symmetric / (counted_a + counted_b − symmetric)` where `counted` is a plan's
//! non-boilerplate measures. When two clusters merge, each may be reversed so that the two most
//! similar ends meet. Ties go to the lowest indexes, so the order is deterministic. The
//! clustering is O(n³) in plans: instant for the seeds' 63, well under a second for 500.

use serde::Serialize;

use crate::matching::{Analysis, Status};
use crate::plan::Plan;

/// Shared-measure counts between every pair of plans, and a clustered display order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Overview {
    /// Plan ids, corpus order.
    pub plan_ids: Vec<String>,
    /// Plan names, corpus order.
    pub plan_names: Vec<String>,
    /// `directed[a][b]`: measures of `a` with a shared partner in `b` (diagonal 0).
    pub directed: Vec<Vec<u32>>,
    /// `symmetric[a][b]`: the larger of `directed[a][b]` and `directed[b][a]` (diagonal 0).
    pub symmetric: Vec<Vec<u32>>,
    /// Measures of each plan shared with any other plan.
    pub shared_any: Vec<u32>,
    /// Non-boilerplate measures of each plan.
    pub counted: Vec<u32>,
    /// Display order: a permutation of the plan indexes, similar plans adjacent.
    pub order: Vec<usize>,
    /// Largest value of `symmetric` (the top of the colour scale).
    pub max_count: u32,
}

impl Overview {
    /// Count shared measures between every pair of `plans` and order them.
    pub fn build(plans: &[Plan], analysis: &Analysis) -> Overview {
        let n = plans.len();
        let mut directed = vec![vec![0u32; n]; n];
        let mut shared_any = vec![0u32; n];
        let mut counted = vec![0u32; n];
        let mut partner_plans: Vec<usize> = Vec::new();
        for (flat, entry) in analysis.measures.iter().enumerate() {
            let a = entry.plan;
            if a >= n {
                continue;
            }
            if analysis.status.get(flat) != Some(&Status::Boilerplate) {
                counted[a] += 1;
            }
            partner_plans.clear();
            partner_plans.extend(
                analysis
                    .shared_links(flat)
                    .iter()
                    .filter_map(|l| analysis.measures.get(l.other).map(|o| o.plan))
                    .filter(|&b| b != a && b < n),
            );
            partner_plans.sort_unstable();
            partner_plans.dedup();
            if !partner_plans.is_empty() {
                shared_any[a] += 1;
            }
            for &b in &partner_plans {
                directed[a][b] += 1;
            }
        }
        let mut symmetric = vec![vec![0u32; n]; n];
        let mut max_count = 0;
        for a in 0..n {
            for b in 0..n {
                let v = directed[a][b].max(directed[b][a]);
                symmetric[a][b] = v;
                max_count = max_count.max(v);
            }
        }
        let similarity: Vec<Vec<f32>> = (0..n)
            .map(|a| {
                (0..n)
                    .map(|b| jaccard(symmetric[a][b], counted[a], counted[b]))
                    .collect()
            })
            .collect();
        Overview {
            plan_ids: plans.iter().map(|p| p.plan_id.clone()).collect(),
            plan_names: plans.iter().map(|p| p.name.clone()).collect(),
            directed,
            symmetric,
            shared_any,
            counted,
            order: cluster_order(&similarity),
            max_count,
        }
    }

    /// Number of plans.
    pub fn len(&self) -> usize {
        self.plan_ids.len()
    }

    /// No plans at all?
    pub fn is_empty(&self) -> bool {
        self.plan_ids.is_empty()
    }

    /// The symmetric count of plans `a` and `b` (corpus indexes; 0 out of range).
    pub fn count(&self, a: usize, b: usize) -> u32 {
        self.symmetric
            .get(a)
            .and_then(|row| row.get(b))
            .copied()
            .unwrap_or(0)
    }
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
    // (reverse left, reverse right): the left's last meets the right's first.
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
    if best.0 {
        left.reverse();
    }
    if best.1 {
        right.reverse();
    }
    left.extend(right);
    left
}

#[cfg(test)]
mod tests {
    use super::*;

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
