//! The order-preserving alignment of two plans (and its progressive form for more, left off).

use super::model::{FRAMING_KINDS, Id, Solver, longest_run};
use crate::outline::SectionKind;

/// One row of the progressive alignment: its units, its framing kind (a framing row only takes
/// framing runs of the same kind), and per plan the number of elements in its cell.
#[derive(Clone)]
struct Band {
    members: Vec<Id>,
    framing: Option<SectionKind>,
    elements: Vec<usize>,
}

/// The progressive order-preserving alignment: plan 0's elements (a framing run, else one unit)
/// are the first rows; each further plan's elements are aligned to the rows so far by a
/// Needleman–Wunsch dynamic programme whose moves are: a row alone, an element alone (a new row),
/// or up to [`super::MAX_CELL_UNITS`] consecutive rows with up to as many consecutive elements (one row;
/// a cell holds at most that many elements of its plan). A move's score is the sum of
/// `affinity − MATCH_BAR` over the pairs of units of different plans it brings together; framing
/// rows only meet framing runs of their kind (a large bonus), never other rows.
pub(super) fn backbone(solver: &mut Solver<'_>) {
    const FRAMING_SCORE: f32 = 100.0;
    let n = solver.plan_units.len();
    let k_max = solver.params.max_cell_units.max(1);
    let elements_of = |p: usize| -> Vec<Band> {
        let units = solver.plan_units[p];
        let mut kind_of: Vec<Option<SectionKind>> = vec![None; units.len()];
        if solver.params.framing {
            for kind in FRAMING_KINDS {
                for u in longest_run(units, kind) {
                    kind_of[u] = Some(kind);
                }
            }
        }
        let mut out: Vec<Band> = Vec::new();
        for (u, k) in kind_of.iter().enumerate() {
            match (out.last_mut(), k) {
                (Some(last), Some(k)) if last.framing == Some(*k) => last.members.push((p, u)),
                _ => {
                    let mut elements = vec![0; n];
                    elements[p] = 1;
                    out.push(Band {
                        members: vec![(p, u)],
                        framing: *k,
                        elements,
                    });
                }
            }
        }
        out
    };
    let mut rows = elements_of(0);
    for p in 1..n {
        let ys = elements_of(p);
        let (nx, ny) = (rows.len(), ys.len());
        let w = ny + 1;
        // Pair sums of `affinity − bar` between rows and elements (xy) and between rows (xx:
        // units of different plans only), so that a move's score is a few lookups.
        let bar = solver.params.match_bar;
        let pair_sum = |a: &Band, b: &Band| -> f32 {
            let mut s = 0.0;
            for &u in &a.members {
                for &v in &b.members {
                    if u.0 != v.0 {
                        s += solver.aff(u, v) - bar;
                    }
                }
            }
            s
        };
        let mut xy = vec![0.0f32; nx * ny];
        for (r, x) in rows.iter().enumerate() {
            for (c, y) in ys.iter().enumerate() {
                if x.framing.is_none() && y.framing.is_none() {
                    xy[r * ny + c] = pair_sum(x, y);
                }
            }
        }
        let mut xx = vec![0.0f32; nx * k_max];
        for r in 0..nx {
            for d in 1..k_max.min(nx - r) {
                xx[r * k_max + d] = pair_sum(&rows[r], &rows[r + d]);
            }
        }
        let mut dp = vec![f32::NEG_INFINITY; (nx + 1) * w];
        let mut back = vec![(0usize, 0usize); (nx + 1) * w];
        dp[0] = 0.0;
        for i in 0..=nx {
            for j in 0..=ny {
                if i == 0 && j == 0 {
                    continue;
                }
                let mut best = (f32::NEG_INFINITY, (0, 0));
                if i > 0 && dp[(i - 1) * w + j] > best.0 {
                    best = (dp[(i - 1) * w + j], (1, 0));
                }
                if j > 0 && dp[i * w + j - 1] > best.0 {
                    best = (dp[i * w + j - 1], (0, 1));
                }
                for k in 1..=k_max.min(i) {
                    for l in 1..=k_max.min(j) {
                        let prev = dp[(i - k) * w + j - l];
                        if prev == f32::NEG_INFINITY {
                            continue;
                        }
                        let Some(s) = block_score(
                            &rows[i - k..i],
                            &ys[j - l..j],
                            (i - k, j - l),
                            (&xy, &xx, ny, nx),
                            k_max,
                            FRAMING_SCORE,
                        ) else {
                            continue;
                        };
                        if prev + s > best.0 {
                            best = (prev + s, (k, l));
                        }
                    }
                }
                dp[i * w + j] = best.0;
                back[i * w + j] = best.1;
            }
        }
        let mut out: Vec<Band> = Vec::new();
        let (mut i, mut j) = (nx, ny);
        while i > 0 || j > 0 {
            let (k, l) = back[i * w + j];
            if k == 0 && l == 0 {
                break;
            }
            let mut band = Band {
                members: Vec::new(),
                framing: None,
                elements: vec![0; n],
            };
            for b in rows[i - k..i].iter().chain(&ys[j - l..j]) {
                band.members.extend_from_slice(&b.members);
                band.framing = band.framing.or(b.framing);
                for (e, x) in band.elements.iter_mut().zip(&b.elements) {
                    *e += x;
                }
            }
            out.push(band);
            i -= k;
            j -= l;
        }
        out.reverse();
        rows = out;
    }
    for band in rows {
        let mut it = band.members.iter();
        let Some(&first) = it.next() else {
            continue;
        };
        let x = solver.group_of[solver.global(first)];
        for &m in it {
            let y = solver.group_of[solver.global(m)];
            if x != y {
                solver.merge(x, y);
            }
        }
    }
}

/// Score of putting rows `xs` (from row `at.0`) and elements `ys` (from element `at.1`) in one
/// row, `None` when not allowed (a cell over `k_max` elements, a framing row with anything but
/// framing runs of its kind). `sums`: the pair sums of [`backbone`] (`xy` by row × element, `xx`
/// by row × distance) and the numbers of elements and rows.
fn block_score(
    xs: &[Band],
    ys: &[Band],
    at: (usize, usize),
    sums: (&[f32], &[f32], usize, usize),
    k_max: usize,
    framing_score: f32,
) -> Option<f32> {
    let (xy, xx, ny, _) = sums;
    let kind = xs.first().and_then(|b| b.framing);
    if xs.iter().chain(ys).any(|b| b.framing != kind) {
        return None;
    }
    if kind.is_some() {
        return Some(framing_score);
    }
    let plans = xs.first().map_or(0, |b| b.elements.len());
    for p in 0..plans {
        let n: usize = xs.iter().chain(ys).map(|b| b.elements[p]).sum();
        if n > k_max {
            return None;
        }
    }
    let mut s = 0.0;
    for r in 0..xs.len() {
        for c in 0..ys.len() {
            s += xy[(at.0 + r) * ny + at.1 + c];
        }
        for d in 1..xs.len() - r {
            s += xx[(at.0 + r) * k_max + d];
        }
    }
    Some(s)
}
