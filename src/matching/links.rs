//! [`LinkTable`]: every measure's partners, stored once per distinct text (issue 18).

use super::types::{Link, MeasureEntry, PARTNER_MARGIN, Tier};

/// Partners of every measure, stored once per distinct text. The list of a representative
/// `rep` holds, best first, the first copy of each partner text in every plan (copies of the
/// text itself included, as verbatim partners). A measure's partners are its representative's
/// list without the entries of its own plan, and without the paraphrase links that partner
/// pruning drops for that plan.
///
/// Pruning ([`PARTNER_MARGIN`]): a paraphrase link from a copy `x` (plan `px`) of text `g` to
/// `y` (plan `py`, text `h`) stays when it is within the margin of the best link of `g` into
/// `py`, or of the best link of `h` into `px`. The first test depends on the text only and is
/// settled when the table is built; a link that fails it is kept with a `conditional` mark and
/// the second test is made when the list is read, for the reader's plan, against `best` (each
/// text's best link into each plan). The result equals pruning every copy's own list.
#[derive(Debug, Clone, Default)]
pub(super) struct LinkTable {
    /// Lists of all representatives, end to end; `start[rep]..start[rep + 1]` is `rep`'s.
    links: Vec<Link>,
    /// Per entry of `links`: kept only for plans where the partner's text has no link into the
    /// reader's plan better by more than the margin.
    conditional: Vec<bool>,
    /// `start.len() == measures + 1`; empty ranges for measures that are not representatives.
    start: Vec<usize>,
    /// Per representative, sorted by plan: the effective score of its best link into the plan.
    best: Vec<(u32, f32)>,
    /// `best_start[rep]..best_start[rep + 1]` is `rep`'s range of `best`.
    best_start: Vec<usize>,
    /// Plan and representative of every measure, compact: reading a list touches its partners'
    /// plans in random order, and at 10,000 plans the measures' entries (half a million of
    /// about 90 bytes) no longer stay in the cache, where these 4-byte arrays do much better.
    plan_of: Vec<u32>,
    rep_of: Vec<u32>,
}

/// Score used to compare links of both tiers: a verbatim link beats every paraphrase.
fn effective(l: &Link) -> f32 {
    match l.tier {
        Tier::Verbatim => 1.0 + l.score,
        Tier::Paraphrase => l.score,
    }
}

impl LinkTable {
    /// The table of per-representative lists, each sorted best first (tier, then score
    /// descending, then partner) and without duplicate partners.
    pub(super) fn new(measures: &[MeasureEntry], groups: Vec<Vec<Link>>) -> LinkTable {
        let clock = crate::phase_clock::PhaseClock::start();
        let plan_of: Vec<u32> = measures.iter().map(|m| m.plan as u32).collect();
        let rep_of: Vec<u32> = measures.iter().map(|m| m.rep as u32).collect();
        let mut best: Vec<(u32, f32)> = Vec::new();
        let mut best_start = Vec::with_capacity(groups.len() + 1);
        // `seen[plan] == g + 1`: list `g` has a link into `plan` already (linear, not a scan of
        // the plans seen: a template's list reaches thousands of plans).
        let plans = measures.iter().map(|m| m.plan + 1).max().unwrap_or(0);
        let mut seen = vec![0usize; plans];
        for (g, list) in groups.iter().enumerate() {
            best_start.push(best.len());
            let from = best.len();
            // The first link into each plan is the best one: lists are sorted best first.
            for l in list {
                let p = plan_of[l.other] as usize;
                if seen[p] != g + 1 {
                    seen[p] = g + 1;
                    best.push((p as u32, effective(l)));
                }
            }
            best[from..].sort_unstable_by_key(|b| b.0);
        }
        best_start.push(best.len());
        clock.lap("link table: best link into each plan");
        let total: usize = groups.iter().map(Vec::len).sum();
        let mut table = LinkTable {
            links: Vec::with_capacity(total),
            conditional: Vec::with_capacity(total),
            start: Vec::with_capacity(groups.len() + 1),
            best,
            best_start,
            plan_of,
            rep_of,
        };
        for (g, list) in groups.into_iter().enumerate() {
            table.start.push(table.links.len());
            for l in list {
                let own_best = table.best_into(g, table.plan(l.other));
                table
                    .conditional
                    .push(l.tier != Tier::Verbatim && effective(&l) + PARTNER_MARGIN < own_best);
                table.links.push(l);
            }
        }
        table.start.push(table.links.len());
        table.links.shrink_to_fit();
        table.conditional.shrink_to_fit();
        table
    }

    /// Effective score of the best link of text `rep` into `plan` (infinite when none).
    fn best_into(&self, rep: usize, plan: usize) -> f32 {
        let range = match (self.best_start.get(rep), self.best_start.get(rep + 1)) {
            (Some(&a), Some(&b)) => &self.best[a..b],
            _ => return f32::INFINITY,
        };
        range
            .binary_search_by_key(&plan, |b| b.0 as usize)
            .map_or(f32::INFINITY, |k| range[k].1)
    }

    /// The stored list of text `rep`, with the conditional marks.
    pub(super) fn list(&self, rep: usize) -> (&[Link], &[bool]) {
        match (self.start.get(rep), self.start.get(rep + 1)) {
            (Some(&a), Some(&b)) => (&self.links[a..b], &self.conditional[a..b]),
            _ => (&[], &[]),
        }
    }

    /// Plan of measure `x` (as `measures[x].plan`).
    pub(super) fn plan(&self, x: usize) -> usize {
        self.plan_of[x] as usize
    }

    /// Representative of measure `x` (as `measures[x].rep`).
    pub(super) fn rep(&self, x: usize) -> usize {
        self.rep_of[x] as usize
    }

    /// Does a conditional link survive pruning for a reader in `plan`?
    pub(super) fn keeps(&self, l: &Link, plan: usize) -> bool {
        self.keeps_against(l, self.best_into(self.rep(l.other), plan))
    }

    /// [`LinkTable::keeps`] given the effective score of the best link of `l`'s partner text
    /// into the reader's plan (`best_into`; infinite when none).
    pub(super) fn keeps_against(&self, l: &Link, best_into: f32) -> bool {
        effective(l) + PARTNER_MARGIN >= best_into
    }

    /// Text `rep`'s best link into each plan it links into: (plan, effective score), sorted by
    /// plan.
    pub(super) fn best_links(&self, rep: usize) -> &[(u32, f32)] {
        match (self.best_start.get(rep), self.best_start.get(rep + 1)) {
            (Some(&a), Some(&b)) => &self.best[a..b],
            _ => &[],
        }
    }

    /// Partners of measure `i`, best first.
    pub(super) fn of<'a>(
        &'a self,
        measures: &'a [MeasureEntry],
        i: usize,
    ) -> impl Iterator<Item = Link> + 'a {
        let m = measures.get(i);
        let (list, conditional) = m.map_or((&[][..], &[][..]), |m| self.list(m.rep));
        let plan = m.map_or(usize::MAX, |m| m.plan);
        list.iter()
            .zip(conditional)
            .filter(move |(l, c)| self.plan(l.other) != plan && (!**c || self.keeps(l, plan)))
            .map(|(l, _)| *l)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::path::PathBuf;

    use super::*;
    use crate::matching::{Analysis, Status};

    /// Match's pruning as it runs on one list per measure (main before the table): each copy's
    /// list is its text's list without its own plan; a paraphrase link stays when it is within
    /// the margin of the best link of either end into the other's plan.
    fn pruned_per_copy(a: &Analysis) -> Vec<Vec<Link>> {
        let own: Vec<Vec<Link>> = (0..a.measures.len())
            .map(|i| {
                let (list, _) = a.links.list(a.measures[i].rep);
                list.iter()
                    .filter(|l| a.measures[l.other].plan != a.measures[i].plan)
                    .copied()
                    .collect()
            })
            .collect();
        let best_into = |i: usize, plan: usize| {
            own[i]
                .iter()
                .find(|l| a.measures[l.other].plan == plan)
                .map_or(f32::INFINITY, effective)
        };
        (0..own.len())
            .map(|i| {
                let pi = a.measures[i].plan;
                own[i]
                    .iter()
                    .filter(|l| {
                        let e = effective(l) + PARTNER_MARGIN;
                        l.tier == Tier::Verbatim
                            || e >= best_into(i, a.measures[l.other].plan)
                            || e >= best_into(l.other, pi)
                    })
                    .copied()
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_table_prunes_every_copy_as_its_own_list_would_on_the_seeds() {
        let corpus =
            crate::corpus::load_paths(&[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds")]);
        let a = Analysis::build(&corpus.plans);
        let expected = pruned_per_copy(&a);
        let (mut conditional, mut conditional_kept) = (0, 0);
        for (i, want) in expected.iter().enumerate() {
            assert_eq!(&a.partners(i), want, "measure {i}");
            let (list, marks) = a.links.list(a.measures[i].rep);
            for (l, &c) in list.iter().zip(marks) {
                if c && a.measures[l.other].plan != a.measures[i].plan {
                    conditional += 1;
                    conditional_kept += usize::from(want.iter().any(|w| w.other == l.other));
                }
            }
        }
        // Both outcomes of the plan-dependent test occur on the seeds, so the check above
        // covers them.
        println!("conditional links read: {conditional}, kept: {conditional_kept}");
        assert!(conditional_kept > 0 && conditional_kept < conditional);
        assert!(a.status.contains(&Status::Shared));
        assert_eq!(a.link_count(), expected.iter().map(Vec::len).sum::<usize>());
    }
}
