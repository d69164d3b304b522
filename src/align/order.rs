//! Row order: groups placed to contradict the fewest plans' reading orders.

use std::collections::HashMap;

use super::model::{Id, Row, Solver};
use crate::outline::SectionKind;

/// Put the groups in the order that contradicts the fewest plans' reading orders, and build rows.
pub(super) fn order_rows(solver: &Solver<'_>) -> Vec<Row> {
    let n = solver.plan_units.len();
    let groups: Vec<&Vec<Id>> = solver.groups.iter().filter(|g| !g.is_empty()).collect();
    // A row's place comes from its whole units (a detached part of a split unit follows them);
    // a row of parts alone is placed by its parts.
    let positions: Vec<Vec<Option<usize>>> = groups
        .iter()
        .map(|g| {
            let anchors = solver.anchors(g);
            if anchors.iter().any(Option::is_some) {
                anchors
            } else {
                solver.positions(g)
            }
        })
        .collect();
    // Mean relative position, to order the insertions deterministically.
    let mean_pos = |pos: &[Option<usize>]| {
        let (sum, k) = pos
            .iter()
            .enumerate()
            .filter_map(|(p, x)| x.map(|x| x as f32 / solver.plan_units[p].len().max(1) as f32))
            .fold((0.0, 0usize), |(s, k), x| (s + x, k + 1));
        sum / k.max(1) as f32
    };
    let mut insertion: Vec<usize> = (0..groups.len()).collect();
    insertion.sort_by(|&a, &b| {
        let pa = positions[a].iter().flatten().count();
        let pb = positions[b].iter().flatten().count();
        pb.cmp(&pa)
            .then(mean_pos(&positions[a]).total_cmp(&mean_pos(&positions[b])))
            .then(a.cmp(&b))
    });
    // votes(x before y): plans placing x before y.
    let before = |x: usize, y: usize| {
        (0..n)
            .filter(|&p| matches!((positions[x][p], positions[y][p]), (Some(a), Some(b)) if a < b))
            .count()
    };
    let mut order: Vec<usize> = Vec::with_capacity(groups.len());
    for g in insertion {
        // cost(t) = plans contradicted by putting g at position t.
        // = sum over placed y before t of before(g, y) + sum over y at/after t of before(y, g).
        let after_votes: Vec<usize> = order.iter().map(|&y| before(y, g)).collect();
        let before_votes: Vec<usize> = order.iter().map(|&y| before(g, y)).collect();
        let mut cost: usize = after_votes.iter().sum();
        let mut best = (cost, 0);
        for t in 0..order.len() {
            cost = cost - after_votes[t] + before_votes[t];
            if cost < best.0 {
                best = (cost, t + 1);
            }
        }
        order.insert(best.1, g);
    }
    let mut rows: Vec<Row> = order
        .iter()
        .map(|&g| {
            let mut cells: Vec<Vec<usize>> = vec![Vec::new(); n];
            let mut members = groups[g].clone();
            members.sort_unstable();
            let mut kinds: HashMap<SectionKind, usize> = HashMap::new();
            for &(p, u) in &members {
                let unit = &solver.plan_units[p][u];
                cells[p].extend_from_slice(&unit.sections);
                *kinds.entry(unit.kind).or_default() += 1;
            }
            let kind = kinds
                .into_iter()
                .max_by_key(|&(k, c)| (c, k != SectionKind::Other, std::cmp::Reverse(k)))
                .map_or(SectionKind::Other, |(k, _)| k);
            let scores = (0..n)
                .map(|p| {
                    let mine: Vec<Id> = members.iter().copied().filter(|m| m.0 == p).collect();
                    let (mut sum, mut k) = (0.0, 0);
                    for &a in &mine {
                        for &b in members.iter().filter(|m| m.0 != p) {
                            sum += solver.aff(a, b);
                            k += 1;
                        }
                    }
                    if k == 0 { 0.0 } else { sum / k as f32 }
                })
                .collect();
            Row {
                kind,
                cells,
                scores,
                moved: vec![false; n],
            }
        })
        .collect();
    // A cell is moved when its unit is not on the longest run of the column that keeps reading
    // order (its longest increasing subsequence).
    (0..n).for_each(|p| {
        let col: Vec<(usize, usize)> = order
            .iter()
            .enumerate()
            .filter_map(|(r, &g)| positions[g][p].map(|pos| (r, pos)))
            .collect();
        for r in out_of_order(&col) {
            rows[r].moved[p] = true;
        }
    });
    rows
}

/// The items (first of each pair) not on a longest strictly increasing run of the positions
/// (second); O(n²), for columns of a few dozen entries.
pub(crate) fn out_of_order(col: &[(usize, usize)]) -> Vec<usize> {
    let m = col.len();
    let mut len = vec![1usize; m];
    let mut prev = vec![usize::MAX; m];
    for i in 0..m {
        for j in 0..i {
            if col[j].1 < col[i].1 && len[j] + 1 > len[i] {
                len[i] = len[j] + 1;
                prev[i] = j;
            }
        }
    }
    let Some(mut i) = (0..m).max_by_key(|&i| (len[i], std::cmp::Reverse(i))) else {
        return Vec::new();
    };
    let mut keep = vec![false; m];
    loop {
        keep[i] = true;
        if prev[i] == usize::MAX {
            break;
        }
        i = prev[i];
    }
    (0..m).filter(|&i| !keep[i]).map(|i| col[i].0).collect()
}
