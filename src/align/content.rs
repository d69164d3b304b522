//! Content cosines between the compared plans' units, by a dense scatter array.

use super::model::Unit;

/// Cosines of the units' vectors between plans, dense by global unit index (0 within a plan).
///
/// The same sums as [`crate::matching::cosine`], bit for bit (products taken over the common terms in ascending
/// term order; a term of one vector missing from the other adds an exact 0), computed by
/// scattering one unit's vector into a dense array and reading the other plan's units against
/// it: one pass over each vector instead of a merge per pair. For each pair of plans the plan
/// whose units are scattered is the one that makes fewer reads.
pub(super) fn content_cosines(plan_units: &[&[Unit]], offsets: &[usize], total: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; total * total];
    let terms = plan_units
        .iter()
        .flat_map(|units| units.iter())
        .flat_map(|u| u.vector.last())
        .map(|&(t, _)| t as usize + 1)
        .max()
        .unwrap_or(0);
    DENSE.with(|cell| match cell.try_borrow_mut() {
        Ok(mut dense) => {
            if dense.len() < terms {
                dense.resize(terms, 0.0);
            }
            scatter_read(plan_units, offsets, total, &mut dense, &mut out);
        }
        // Never re-entered in practice; a fresh array does the same work.
        Err(_) => scatter_read(plan_units, offsets, total, &mut vec![0.0; terms], &mut out),
    });
    out
}

thread_local! {
    /// The dense scatter array of [`content_cosines`], all zero between calls (kept, so that
    /// aligning many pairs does not allocate and zero a vocabulary-sized array each time).
    static DENSE: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The work of [`content_cosines`] on a zeroed `dense` array of at least the vocabulary's size;
/// leaves it zeroed.
fn scatter_read(
    plan_units: &[&[Unit]],
    offsets: &[usize],
    total: usize,
    dense: &mut [f32],
    out: &mut [f32],
) {
    let weight = |units: &[Unit]| units.iter().map(|u| u.vector.len()).sum::<usize>();
    for p in 0..plan_units.len() {
        for q in p + 1..plan_units.len() {
            // Scatter plan x, read plan y: reads = units of x × entries of y.
            let (x, y) = if plan_units[p].len() * weight(plan_units[q])
                <= plan_units[q].len() * weight(plan_units[p])
            {
                (p, q)
            } else {
                (q, p)
            };
            for (i, ux) in plan_units[x].iter().enumerate() {
                for &(t, w) in &ux.vector {
                    dense[t as usize] = w;
                }
                let a = offsets[x] + i;
                for (j, uy) in plan_units[y].iter().enumerate() {
                    let mut dot = 0.0f32;
                    for &(t, w) in &uy.vector {
                        // Same operand order as `cosine(x, y)`; multiplication commutes exactly.
                        dot += dense[t as usize] * w;
                    }
                    let b = offsets[y] + j;
                    out[a * total + b] = dot;
                    out[b * total + a] = dot;
                }
                for &(t, _) in &ux.vector {
                    dense[t as usize] = 0.0;
                }
            }
        }
    }
}
