//! The split stage of three plans or more: a unit whose parts (its sub-sections) have their
//! linked measures' partners in different rows is replaced by its parts, so that a part can sit
//! in another row than the rest of its unit; a unit whose parts stay together is shown whole.

use super::model::{Row, Solver, Unit, best_per_plan};

/// Per plan, per unit: whether the split stage replaces it by its parts. A unit is split when it
/// has two parts or more, is not fixed (framing, pinned), and one of its parts has at least
/// [`super::SPLIT_MIN_LINKS`] linked measures whose best partner (per other compared plan, as the
/// partners-in-row figure counts) sits in one other row, and more there than in its own row.
/// `holder` gives the unit (global index) of a measure (flat index).
pub(super) fn units_to_split(
    coarse: &Solver<'_>,
    parts: &[Vec<Vec<Unit>>],
    fixed: &[bool],
    holder: &dyn Fn(usize) -> Option<usize>,
) -> Vec<Vec<bool>> {
    let plan_of = |g: usize| {
        coarse
            .offsets
            .partition_point(|&o| o <= g)
            .saturating_sub(1)
    };
    let min_links = coarse.params.split_min_links.max(1);
    coarse
        .plan_units
        .iter()
        .enumerate()
        .map(|(p, units)| {
            (0..units.len())
                .map(|u| {
                    let a = coarse.offsets[p] + u;
                    let Some(unit_parts) = parts.get(p).and_then(|x| x.get(u)) else {
                        return false;
                    };
                    if unit_parts.len() < 2 || fixed.get(a).copied().unwrap_or(true) {
                        return false;
                    }
                    let own = coarse.group_of[a];
                    unit_parts.iter().any(|part| {
                        // Per row: this part's measures with a best partner there.
                        let mut per_row: Vec<(usize, usize)> = Vec::new();
                        for (_, partners) in &part.links {
                            let best = best_per_plan(partners, p, holder, &plan_of);
                            let mut rows: Vec<usize> =
                                best.iter().map(|e| coarse.group_of[e.2]).collect();
                            rows.sort_unstable();
                            rows.dedup();
                            for r in rows {
                                match per_row.iter_mut().find(|x| x.0 == r) {
                                    Some(x) => x.1 += 1,
                                    None => per_row.push((r, 1)),
                                }
                            }
                        }
                        let at_home = per_row.iter().find(|x| x.0 == own).map_or(0, |x| x.1);
                        per_row
                            .iter()
                            .any(|&(r, k)| r != own && k >= min_links && k > at_home)
                    })
                })
                .collect()
        })
        .collect()
}

/// After the split stage: where every part of a split unit sits in one row, its cell lists the
/// unit's own sections again (as without the split), so the parts show as one passage.
/// `fine` are the units the split stage aligned, `origin` the coarse unit of each (global index
/// over `fine`).
pub(super) fn rejoin(rows: &mut [Row], coarse: &[&[Unit]], fine: &[&[Unit]], origin: &[usize]) {
    let mut offset = 0;
    for (p, units) in fine.iter().enumerate() {
        let origins = origin.get(offset..offset + units.len()).unwrap_or(&[]);
        offset += units.len();
        let mut i = 0;
        while i < origins.len() {
            let u = origins[i];
            let mut j = i;
            while j < origins.len() && origins[j] == u {
                j += 1;
            }
            let whole = coarse.get(p).and_then(|c| c.get(u));
            if j - i >= 2
                && let Some(whole) = whole
            {
                let secs: Vec<usize> = units[i..j]
                    .iter()
                    .flat_map(|x| x.sections.iter().copied())
                    .collect();
                if let Some(row) = rows
                    .iter_mut()
                    .find(|r| secs.iter().all(|s| r.cells[p].contains(s)))
                {
                    let cell = &mut row.cells[p];
                    let at = cell.iter().position(|s| secs.contains(s)).unwrap_or(0);
                    cell.retain(|s| !secs.contains(s));
                    for (k, s) in whole.sections.iter().enumerate() {
                        cell.insert(at + k, *s);
                    }
                }
            }
            i = j;
        }
    }
}
