//! Families: star clusters over shared links.

use super::links::LinkTable;
use super::types::{Family, Link, MeasureEntry, Status, Tier};

/// A conditional link of a list: (partner text, score bits, partner plan, index in the list).
type Conditional = (usize, u32, usize, usize);

pub(super) fn families(
    measures: &[MeasureEntry],
    links: &LinkTable,
    status: &[Status],
    family_threshold: f32,
) -> (Vec<Option<usize>>, Vec<Family>) {
    // Star clusters, not connected components: chains of paraphrases (A≈B≈C) would otherwise
    // merge a whole corpus into one family. The measure with most shared partners founds a family
    // and takes its unassigned partners; repeat.
    let n = measures.len();
    let clock = crate::phase_clock::PhaseClock::start();
    // Shared and verbatim-shared partners of every measure, for the order below. Copies of a
    // text share their representative's list, so count each list once, per plan of the partner,
    // and take off the copy's own plan (linear in the lists, not in copies × list length). Links
    // that pruning keeps for some plans only (conditional) are few and checked copy by copy.
    let mut shared_partners = vec![0usize; n];
    let mut verbatim_partners = vec![0usize; n];
    let mut by_rep: Vec<usize> = (0..n).collect();
    by_rep.sort_by_key(|&i| (measures[i].rep, i));
    // Per plan (shared, verbatim) counts of the current list; `touched` resets them.
    let plans = measures.iter().map(|m| m.plan + 1).max().unwrap_or(0);
    let mut by_plan: Vec<(usize, usize)> = vec![(0, 0); plans];
    let mut touched: Vec<usize> = Vec::new();
    for copies in by_rep.chunk_by(|&a, &b| measures[a].rep == measures[b].rep) {
        let (list, conditional) = links.list(measures[copies[0]].rep);
        if list.is_empty() {
            continue;
        }
        for p in touched.drain(..) {
            by_plan[p] = (0, 0);
        }
        let (mut shared, mut verbatim) = (0, 0);
        // Conditional links as (partner text, score bits, partner plan, index in the list):
        // whether one is kept depends only on its partner text, its score and the reader's plan.
        let mut maybe: Vec<Conditional> = Vec::new();
        for (k, (l, &c)) in list.iter().zip(conditional).enumerate() {
            if status[l.other] != Status::Shared {
                continue;
            }
            let p = links.plan(l.other);
            if c {
                maybe.push((links.rep(l.other), l.score.to_bits(), p, k));
                continue;
            }
            let v = usize::from(l.tier == Tier::Verbatim);
            shared += 1;
            verbatim += v;
            touched.push(p);
            let e = &mut by_plan[p];
            e.0 += 1;
            e.1 += v;
        }
        maybe.sort_unstable();
        // One run per (partner text, score): its partners' plans, sorted and distinct (one first
        // copy per plan), and one of its links to test.
        let runs: Vec<(&[Conditional], &Link)> = maybe
            .chunk_by(|a, b| a.0 == b.0 && a.1 == b.1)
            .map(|run| (run, &list[run[0].3]))
            .collect();
        // Per copy, the conditional partners kept for its plan. Whether a run's link is kept
        // for a plan compares it with its partner text's best link into that plan; the copies
        // come in plan order and that text's best links are sorted by plan, so one merge walk
        // per run reads them (a binary search per copy and run missed the cache at every step
        // at 10,000 plans).
        let mut kept = vec![0usize; copies.len()];
        for (run, l) in &runs {
            let best = links.best_links(links.rep(l.other));
            let mut j = 0;
            let mut last_plan = 0;
            for (c, &i) in copies.iter().enumerate() {
                let plan = links.plan(i);
                if plan < last_plan {
                    j = 0;
                }
                last_plan = plan;
                while best.get(j).is_some_and(|b| (b.0 as usize) < plan) {
                    j += 1;
                }
                let best_into = best
                    .get(j)
                    .filter(|b| b.0 as usize == plan)
                    .map_or(f32::INFINITY, |b| b.1);
                if links.keeps_against(l, best_into) {
                    kept[c] +=
                        run.len() - usize::from(run.binary_search_by_key(&plan, |x| x.2).is_ok());
                }
            }
        }
        for (c, &i) in copies.iter().enumerate() {
            let (own_shared, own_verbatim) = by_plan[links.plan(i)];
            // Conditional links are paraphrases: they never add to the verbatim count.
            shared_partners[i] = shared - own_shared + kept[c];
            verbatim_partners[i] = verbatim - own_verbatim;
        }
    }
    clock.lap("families: partner counts");
    // Copied templates found families first: a measure with many verbatim partners is the
    // clearest centre; paraphrase partners break ties.
    let mut order: Vec<usize> = (0..n).filter(|&i| status[i] == Status::Shared).collect();
    order.sort_by(|&a, &b| {
        verbatim_partners[b]
            .cmp(&verbatim_partners[a])
            .then(shared_partners[b].cmp(&shared_partners[a]))
            .then(a.cmp(&b))
    });
    clock.lap("families: order");
    let mut assigned = vec![false; n];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    // Per text, once one of its copies has founded a family: the entries of its list that may
    // still join a later copy's family (clear, shared, unassigned, but in the founder's plan or
    // pruned for it). Everything else of the list can never join again (assignment is for
    // good), so a later copy reads these instead of the whole list: a text copied into
    // thousands of plans no longer has its list of thousands read by each of its copies.
    let mut open: rustc_hash::FxHashMap<usize, Vec<u32>> = rustc_hash::FxHashMap::default();
    for &center in &order {
        if assigned[center] {
            continue;
        }
        assigned[center] = true;
        let mut members = vec![center];
        // A member must itself match the centre clearly: a verbatim copy, or a paraphrase at the
        // model's precision-oriented bar. A weak link (one generic clause in common, 提高居民生活质量)
        // still counts the measure as shared but does not make it one of "the same measure in N
        // plans". Members join in the order of the list ([`LinkTable::of`]).
        let (rep, plan) = (links.rep(center), links.plan(center));
        let (list, conditional) = links.list(rep);
        let mut still_open: Vec<u32> = Vec::new();
        let mut visit = |k: usize| {
            let l = &list[k];
            let clear = l.tier == Tier::Verbatim || l.score >= family_threshold;
            if !clear || status[l.other] != Status::Shared || assigned[l.other] {
                return;
            }
            if links.plan(l.other) != plan && (!conditional[k] || links.keeps(l, plan)) {
                assigned[l.other] = true;
                members.push(l.other);
            } else {
                still_open.push(k as u32);
            }
        };
        match open.get(&rep) {
            Some(ks) => ks.iter().for_each(|&k| visit(k as usize)),
            None => (0..list.len()).for_each(&mut visit),
        }
        open.insert(rep, still_open);
        groups.push(members);
    }
    clock.lap("families: stars");
    let mut fams: Vec<Family> = groups
        .into_iter()
        .map(|mut members| {
            let center = members[0];
            members.sort_unstable();
            let mut plans: Vec<usize> = members.iter().map(|&m| measures[m].plan).collect();
            plans.sort_unstable();
            plans.dedup();
            let representative = center;
            Family {
                family_id: 0,
                members,
                plans,
                representative,
            }
        })
        .filter(|f| f.plans.len() >= 2)
        .collect();
    fams.sort_by(|a, b| {
        b.plans
            .len()
            .cmp(&a.plans.len())
            .then(b.members.len().cmp(&a.members.len()))
            .then(a.members[0].cmp(&b.members[0]))
    });
    let mut family_of = vec![None; n];
    for (k, f) in fams.iter_mut().enumerate() {
        f.family_id = k;
        for &m in &f.members {
            family_of[m] = Some(k);
        }
    }
    (family_of, fams)
}
