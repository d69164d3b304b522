//! The link refinement of three plans or more: units move between rows so that more linked
//! measures sit beside a partner — first greedily, then by a short simulated annealing.

use super::model::{ANNEAL_T0, Id, Solver, best_per_plan};

/// Per measure with links: its unit (global index) and, per other compared plan, the unit of its
/// best-scoring partner there (as the comparison's partners-in-row figure reads it). `holder`
/// gives the unit (global index) of a measure (flat index).
pub(super) fn link_entries(
    solver: &Solver<'_>,
    holder: &dyn Fn(usize) -> Option<usize>,
) -> Vec<(usize, Vec<usize>)> {
    let plan_of_global = |g: usize| solver.offsets.partition_point(|&o| o <= g) - 1;
    let mut entries: Vec<(usize, Vec<usize>)> = Vec::new();
    for (p, units) in solver.plan_units.iter().enumerate() {
        for (u, unit) in units.iter().enumerate() {
            let a = solver.offsets[p] + u;
            for (_, partners) in &unit.links {
                let best = best_per_plan(partners, p, holder, &plan_of_global);
                if !best.is_empty() {
                    entries.push((a, best.into_iter().map(|e| e.2).collect()));
                }
            }
        }
    }
    entries
}

/// Entries touching each unit (as holder or as a best partner).
fn touching(entries: &[(usize, Vec<usize>)], total: usize) -> Vec<Vec<usize>> {
    let mut touching: Vec<Vec<usize>> = vec![Vec::new(); total];
    for (i, (a, partners)) in entries.iter().enumerate() {
        touching[*a].push(i);
        for &b in partners {
            if !touching[b].contains(&i) {
                touching[b].push(i);
            }
        }
    }
    touching
}

/// Crossings of group `g` (per plan first positions `pos`) with every other multi-plan group
/// except `skip`: groups that two plans order differently against it.
fn crossings_of(firsts: &[Vec<Option<usize>>], pos: &[Option<usize>], skip: &[usize]) -> usize {
    let mut n = 0;
    for (h, other) in firsts.iter().enumerate() {
        if skip.contains(&h) || other.iter().flatten().count() < 2 {
            continue;
        }
        if crosses(pos, other) {
            n += 1;
        }
    }
    n
}

/// Reading-order crossings before and after moving units from group `g` to group `h`: `pos_g`
/// and `pos_h` are the two groups' first units per plan after the move, and `g_stays` whether
/// `g` keeps at least two plans (a group of one plan crosses nothing).
fn move_crossings(
    firsts: &[Vec<Option<usize>>],
    (g, h): (usize, usize),
    pos_g: &[Option<usize>],
    pos_h: &[Option<usize>],
    g_stays: bool,
) -> (usize, usize) {
    let before = crossings_of(firsts, &firsts[g], &[g, h])
        + crossings_of(firsts, &firsts[h], &[g, h])
        + usize::from(crosses(&firsts[g], &firsts[h]));
    let after = crossings_of(firsts, pos_h, &[g, h])
        + if g_stays {
            crossings_of(firsts, pos_g, &[g, h]) + usize::from(crosses(pos_g, pos_h))
        } else {
            0
        };
    (before, after)
}

/// Pairs of `set`'s units with the units of `others` of another plan whose affinity is below
/// [`super::Params::mix_bar`] (see [`super::MIX_COST`]).
fn mixed(solver: &Solver<'_>, set: &[Id], others: &[Id]) -> usize {
    let bar = solver.params.mix_bar;
    set.iter()
        .map(|&a| {
            others
                .iter()
                .filter(|&&b| b.0 != a.0 && !set.contains(&b) && solver.aff(a, b) < bar)
                .count()
        })
        .sum()
}

/// Whether two plans order groups at first positions `a` and `b` differently.
fn crosses(a: &[Option<usize>], b: &[Option<usize>]) -> bool {
    let (mut before, mut after) = (false, false);
    for (x, y) in a.iter().zip(b) {
        if let (Some(x), Some(y)) = (x, y) {
            if x < y {
                before = true;
            } else {
                after = true;
            }
        }
    }
    before && after
}

/// The link refinement (three plans or more): repeatedly the move that puts the most linked
/// measures beside a best partner (per other plan) is made — a unit at the edge of its cell, or a
/// whole group, joins another group — while the cells stay consecutive runs of at most
/// [`super::REFINE_CELL_UNITS`] units and no reading-order crossing is added. Framing rows and pinned
/// units stay where they are.
pub(super) fn refine(
    solver: &mut Solver<'_>,
    entries: &[(usize, Vec<usize>)],
    fixed: &[bool],
    framing_units: &[usize],
) {
    let total = solver.total;
    let touching = touching(entries, total);
    let in_row = |group_of: &[usize], e: &(usize, Vec<usize>)| {
        e.1.iter().any(|&b| group_of[b] == group_of[e.0])
    };
    let limit = solver.params.refine_cell_units;
    // The mixing cost in hundredths of a linked measure (0: off).
    let mix = (solver.params.mix_cost * 100.0).round() as i32;
    let mut anchors: Vec<Vec<Option<usize>>> =
        solver.groups.iter().map(|g| solver.anchors(g)).collect();
    for _ in 0..4 * total {
        let groups_live: Vec<usize> = (0..solver.groups.len())
            .filter(|&g| !solver.groups[g].is_empty())
            .collect();
        let movable = |g: usize| solver.groups[g].iter().all(|&id| !fixed[solver.global(id)]);
        let mut best: Option<(i64, Vec<Id>, usize, usize)> = None;
        for &g in &groups_live {
            // Candidate sets: the whole group, and each unit at the edge of its plan's run.
            let mut sets: Vec<Vec<Id>> = Vec::new();
            if movable(g) {
                sets.push(solver.groups[g].clone());
            }
            let mut members = solver.groups[g].clone();
            members.sort_unstable();
            let runs = members.chunk_by(|a, b| a.0 == b.0).count();
            for run in members.chunk_by(|a, b| a.0 == b.0) {
                if run.iter().any(|&id| fixed[solver.global(id)]) {
                    continue;
                }
                // Prefixes and suffixes of the plan's run (the whole run when the group holds
                // other plans too): the cells stay consecutive.
                let most = if runs > 1 { run.len() } else { run.len() - 1 };
                for k in 1..=most {
                    sets.push(run[..k].to_vec());
                    if k < run.len() {
                        sets.push(run[run.len() - k..].to_vec());
                    }
                }
            }
            for set in sets {
                let mut affected: Vec<usize> = set
                    .iter()
                    .flat_map(|&id| touching[solver.global(id)].iter().copied())
                    .collect();
                affected.sort_unstable();
                affected.dedup();
                if affected.is_empty() {
                    continue;
                }
                let before_links = affected
                    .iter()
                    .filter(|&&i| in_row(&solver.group_of, &entries[i]))
                    .count() as i64;
                let rest: Vec<Id> = solver.groups[g]
                    .iter()
                    .copied()
                    .filter(|id| !set.contains(id))
                    .collect();
                for &h in &groups_live {
                    if h == g
                        || solver.closed[h]
                        || solver.groups[h]
                            .iter()
                            .any(|&id| framing_units.contains(&solver.global(id)))
                    {
                        continue;
                    }
                    let mut union: Vec<Id> = solver.groups[h].iter().chain(&set).copied().collect();
                    union.sort_unstable();
                    let ok = union
                        .chunk_by(|a, b| a.0 == b.0)
                        .all(|us| cell_ok(solver, us, Some(limit.max(1))));
                    if !ok {
                        continue;
                    }
                    // Gain in linked measures beside a best partner.
                    let mut group_of = solver.group_of.clone();
                    for &id in &set {
                        group_of[solver.global(id)] = h;
                    }
                    let after_links = affected
                        .iter()
                        .filter(|&&i| in_row(&group_of, &entries[i]))
                        .count() as i64;
                    let mut gain = after_links - before_links;
                    if mix > 0 {
                        // In hundredths of a linked measure.
                        gain *= 100;
                        let d_mix = mixed(solver, &set, &solver.groups[h]) as i64
                            - mixed(solver, &set, &rest) as i64;
                        gain -= i64::from(mix) * d_mix;
                    }
                    if gain <= 0 || best.as_ref().is_some_and(|b| b.0 >= gain) {
                        continue;
                    }
                    // No added crossing.
                    let pos_h = solver.anchors(&union);
                    let pos_g = solver.anchors(&rest);
                    let (before_x, after_x) =
                        move_crossings(&anchors, (g, h), &pos_g, &pos_h, rest.len() >= 2);
                    if after_x > before_x + solver.params.refine_crossings {
                        continue;
                    }
                    best = Some((gain, set.clone(), g, h));
                }
            }
        }
        let Some((_, set, g, h)) = best else { break };
        solver.groups[g].retain(|id| !set.contains(id));
        for &id in &set {
            let x = solver.global(id);
            solver.group_of[x] = h;
        }
        solver.groups[h].extend(set);
        solver.first[h] = solver.positions(&solver.groups[h]);
        solver.first[g] = solver.positions(&solver.groups[g]);
        anchors[h] = solver.anchors(&solver.groups[h]);
        anchors[g] = solver.anchors(&solver.groups[g]);
    }
}

/// A small deterministic generator (xorshift64) for the annealing: the same input gives the same
/// rows on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Units in a sorted run of one plan's members, counting the parts of one unit once (see
/// [`Solver::origin`]).
fn cell_units(solver: &Solver<'_>, run: &[Id]) -> usize {
    let origin = |id: Id| solver.origin[solver.global(id)];
    usize::from(!run.is_empty())
        + run
            .windows(2)
            .filter(|w| origin(w[0]) != origin(w[1]))
            .count()
}

/// Whether a sorted run of one plan's members is a valid cell: at most `limit` units (`None`:
/// any number; parts of one unit count once) and consecutive — with
/// [`super::Params::split_free`], only its whole units need be consecutive (a part of a split
/// unit may sit in any cell; the comparison marks it as moved or shows its parent).
fn cell_ok(solver: &Solver<'_>, run: &[Id], limit: Option<usize>) -> bool {
    if limit.is_some_and(|l| cell_units(solver, run) > l) {
        return false;
    }
    if solver.params.split_free {
        let whole: Vec<usize> = run
            .iter()
            .filter(|&&id| !solver.is_part(id))
            .map(|id| id.1)
            .collect();
        whole.windows(2).all(|w| w[1] == w[0] + 1)
    } else {
        run.windows(2).all(|w| w[1].1 == w[0].1 + 1)
    }
}

/// Whether the units of plan `p` among `members` form a valid cell ([`cell_ok`]).
fn run_ok(solver: &Solver<'_>, members: &[Id], p: usize, limit: Option<usize>) -> bool {
    let mut run: Vec<Id> = members.iter().filter(|m| m.0 == p).copied().collect();
    run.sort_unstable();
    cell_ok(solver, &run, limit)
}

/// Empty cells of a non-empty group with first positions `first`.
fn empty_cells(first: &[Option<usize>]) -> usize {
    first.iter().filter(|x| x.is_none()).count()
}

/// After the greedy refinement, a simulated annealing over the same kind of moves (a prefix or
/// suffix of a plan's run in a row, a single unit at the edge of its cell, or a whole row joins
/// another row — the row of a linked partner or of the unit next to it in its plan — or opens a
/// row of its own), maximising the linked
/// measures beside a best partner minus [`super::ANNEAL_EMPTY`] per empty cell. The greedy
/// refinement stops where every single move loses; the annealing accepts a losing move with
/// probability `exp(Δ / T)` (temperature falling linearly from [`ANNEAL_T0`] to 0) so that two
/// moves that only gain together are found. Every move keeps the same constraints as the greedy
/// one (consecutive cells of at most [`super::REFINE_CELL_UNITS`] units, no added reading-order
/// crossing, framing rows and pinned units in place); the best state seen is kept, so the result
/// is never worse than the greedy one. `anneal_rounds` moves per movable unit are tried (at most
/// [`super::ANNEAL_MAX_ITERS`]), with a fixed seed.
pub(super) fn anneal(
    solver: &mut Solver<'_>,
    entries: &[(usize, Vec<usize>)],
    fixed: &[bool],
    framing_units: &[usize],
) {
    let params = solver.params;
    let total = solver.total;
    let movable: Vec<usize> = (0..total).filter(|&u| !fixed[u]).collect();
    if movable.is_empty() || entries.is_empty() {
        return;
    }
    let iters = (params.anneal_rounds * movable.len()).min(params.anneal_max_iters);
    let touching = touching(entries, total);
    let limit = Some(params.refine_cell_units.max(1));
    let lambda = f64::from(params.anneal_empty);
    let id_of = |g: usize| {
        let p = solver.offsets.partition_point(|&o| o <= g) - 1;
        (p, g - solver.offsets[p])
    };
    // Rows no unit may join: framing rows and rows closed to the agglomeration.
    let mut closed: Vec<bool> = solver.closed.clone();
    for &u in framing_units {
        closed[solver.group_of[u]] = true;
    }
    let sat = |group_of: &[usize], e: usize| {
        let (a, bs) = &entries[e];
        bs.iter().any(|&b| group_of[b] == group_of[*a])
    };
    let mut score = (0..entries.len())
        .filter(|&e| sat(&solver.group_of, e))
        .count() as f64;
    let mut empty = (0..solver.groups.len())
        .filter(|&g| !solver.groups[g].is_empty())
        .map(|g| empty_cells(&solver.first[g]))
        .sum::<usize>() as f64;
    let mut anchors: Vec<Vec<Option<usize>>> =
        solver.groups.iter().map(|g| solver.anchors(g)).collect();
    // Pieces of split units: per unit split into parts, the rows its parts occupy beyond the
    // first (each costs `anneal_apart`).
    let mu = f64::from(params.anneal_apart);
    // Per unit (global index): the global range of the units with its origin (its unit's parts).
    let mut range: Vec<(usize, usize)> = (0..total).map(|g| (g, g + 1)).collect();
    for (p, units) in solver.plan_units.iter().enumerate() {
        let base = solver.offsets[p];
        let mut i = 0;
        while i < units.len() {
            let mut j = i + 1;
            while j < units.len() && solver.origin[base + j] == solver.origin[base + i] {
                j += 1;
            }
            for u in i..j {
                range[base + u] = (base + i, base + j);
            }
            i = j;
        }
    }
    // The split units (first global index) a set of units belongs to.
    let origins_of = |set: &[Id]| {
        let mut v: Vec<usize> = set
            .iter()
            .map(|&(p, u)| range[solver.offsets[p] + u])
            .filter(|(a, b)| b - a >= 2)
            .map(|(a, _)| a)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let pieces = |solver: &Solver<'_>, a: usize| {
        let b = range[a].1;
        let mut rows: Vec<usize> = solver.group_of[a..b].to_vec();
        rows.sort_unstable();
        rows.dedup();
        rows.len().saturating_sub(1)
    };
    let mut apart = if mu > 0.0 {
        (0..total)
            .filter(|&g| range[g].0 == g && range[g].1 - g >= 2)
            .map(|g| pieces(solver, g))
            .sum::<usize>() as f64
    } else {
        0.0
    };
    let kappa = f64::from(params.mix_cost);
    let mut mix = if kappa > 0.0 {
        solver
            .groups
            .iter()
            .map(|g| {
                g.iter()
                    .enumerate()
                    .map(|(i, &a)| mixed(solver, &[a], &g[i + 1..]))
                    .sum::<usize>()
            })
            .sum::<usize>() as f64
    } else {
        0.0
    };
    let mut best = (
        score - lambda * empty - mu * apart - kappa * mix,
        solver.group_of.clone(),
        solver.groups.clone(),
        solver.first.clone(),
    );
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ total as u64);
    let mut affected: Vec<usize> = Vec::new();
    for it in 0..iters {
        let temp = ANNEAL_T0 * (1.0 - it as f64 / iters as f64);
        let u = movable[rng.below(movable.len())];
        let g = solver.group_of[u];
        let (p, ui) = id_of(u);
        let mut run: Vec<usize> = solver.groups[g]
            .iter()
            .filter(|m| m.0 == p)
            .map(|m| m.1)
            .collect();
        run.sort_unstable();
        let Some(at) = run.iter().position(|&x| x == ui) else {
            continue;
        };
        let set: Vec<Id> = match rng.below(4) {
            0 => run[..=at].iter().map(|&x| (p, x)).collect(),
            1 => run[at..].iter().map(|&x| (p, x)).collect(),
            2 => solver.groups[g].clone(),
            _ => vec![(p, ui)],
        };
        if set.iter().any(|&m| fixed[solver.global(m)]) {
            continue;
        }
        let rest: Vec<Id> = solver.groups[g]
            .iter()
            .copied()
            .filter(|m| !set.contains(m))
            .collect();
        if !run_ok(solver, &rest, p, None) {
            continue;
        }
        // The target: the row of a unit linked with the set, or (one move in ten) a new row.
        let draw = rng.below(10);
        let h = if draw == 0 {
            match (0..solver.groups.len()).find(|&x| solver.groups[x].is_empty() && !closed[x]) {
                Some(x) => x,
                None => {
                    solver.groups.push(Vec::new());
                    solver.first.push(vec![None; solver.plan_units.len()]);
                    anchors.push(vec![None; solver.plan_units.len()]);
                    solver.closed.push(false);
                    closed.push(false);
                    solver.groups.len() - 1
                }
            }
        } else if draw <= 2 {
            // The row of the unit just before or after the set in a plan of the set (a cell grows
            // by its neighbour: fewer rows, fewer empty cells).
            let m = set[rng.below(set.len())];
            let run = set.iter().filter(|x| x.0 == m.0).map(|x| x.1);
            let (lo, hi) = (run.clone().min().unwrap_or(m.1), run.max().unwrap_or(m.1));
            let nb = if draw == 1 {
                lo.checked_sub(1)
            } else {
                Some(hi + 1)
            };
            match nb.filter(|&x| x < solver.plan_units[m.0].len()) {
                Some(x) => solver.group_of[solver.global((m.0, x))],
                None => continue,
            }
        } else {
            let m = set[rng.below(set.len())];
            let ts = &touching[solver.global(m)];
            if ts.is_empty() {
                continue;
            }
            let (a, bs) = &entries[ts[rng.below(ts.len())]];
            let k = rng.below(bs.len() + 1);
            solver.group_of[bs.get(k).copied().unwrap_or(*a)]
        };
        if h == g || closed[h] {
            continue;
        }
        let mut union: Vec<Id> = solver.groups[h].clone();
        union.extend_from_slice(&set);
        let mut plans: Vec<usize> = set.iter().map(|m| m.0).collect();
        plans.sort_unstable();
        plans.dedup();
        if !plans.iter().all(|&q| run_ok(solver, &union, q, limit)) {
            continue;
        }
        let pos_h = solver.positions(&union);
        let pos_g = solver.positions(&rest);
        affected.clear();
        affected.extend(
            set.iter()
                .flat_map(|&m| touching[solver.global(m)].iter().copied()),
        );
        affected.sort_unstable();
        affected.dedup();
        let before_sat = affected
            .iter()
            .filter(|&&e| sat(&solver.group_of, e))
            .count();
        let touched = if mu > 0.0 {
            origins_of(&set)
        } else {
            Vec::new()
        };
        let apart_before: usize = touched.iter().map(|&k| pieces(solver, k)).sum();
        for &m in &set {
            let x = solver.global(m);
            solver.group_of[x] = h;
        }
        let apart_after: usize = touched.iter().map(|&k| pieces(solver, k)).sum();
        let d_apart = apart_after as f64 - apart_before as f64;
        let after_sat = affected
            .iter()
            .filter(|&&e| sat(&solver.group_of, e))
            .count();
        let empty_before = empty_cells(&solver.first[g])
            + if solver.groups[h].is_empty() {
                0
            } else {
                empty_cells(&solver.first[h])
            };
        let empty_after = empty_cells(&pos_h)
            + if rest.is_empty() {
                0
            } else {
                empty_cells(&pos_g)
            };
        let d_sat = after_sat as f64 - before_sat as f64;
        let d_empty = empty_after as f64 - empty_before as f64;
        let d_mix = if kappa > 0.0 {
            mixed(solver, &set, &solver.groups[h]) as f64 - mixed(solver, &set, &rest) as f64
        } else {
            0.0
        };
        let delta = d_sat - lambda * d_empty - mu * d_apart - kappa * d_mix;
        // The crossing check (the costly one) only for a move the annealing would take.
        let accept = (delta >= 0.0 || (temp > 0.0 && rng.unit() < (delta / temp).exp())) && {
            let (before_x, after_x) = move_crossings(
                &anchors,
                (g, h),
                &solver.anchors(&rest),
                &solver.anchors(&union),
                rest.len() >= 2,
            );
            after_x <= before_x + params.refine_crossings
        };
        if !accept {
            for &m in &set {
                let x = solver.global(m);
                solver.group_of[x] = g;
            }
            continue;
        }
        anchors[g] = solver.anchors(&rest);
        anchors[h] = solver.anchors(&union);
        solver.groups[g] = rest;
        solver.groups[h] = union;
        solver.first[g] = pos_g;
        solver.first[h] = pos_h;
        score += d_sat;
        empty += d_empty;
        apart += d_apart;
        mix += d_mix;
        if score - lambda * empty - mu * apart - kappa * mix > best.0 + 1e-9 {
            best = (
                score - lambda * empty - mu * apart - kappa * mix,
                solver.group_of.clone(),
                solver.groups.clone(),
                solver.first.clone(),
            );
        }
    }
    let (_, group_of, groups, first) = best;
    solver.closed.resize(groups.len(), false);
    solver.group_of = group_of;
    solver.groups = groups;
    solver.first = first;
}
