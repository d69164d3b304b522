//! Families: star clusters over shared links.

use super::{Family, Link, MeasureEntry, Status, Tier};

pub(super) fn families(
    measures: &[MeasureEntry],
    links: &[Vec<Link>],
    status: &[Status],
) -> (Vec<Option<usize>>, Vec<Family>) {
    // Star clusters, not connected components: chains of paraphrases (A≈B≈C) would otherwise
    // merge a whole corpus into one family. The measure with most shared partners founds a family
    // and takes its unassigned partners; repeat.
    let n = measures.len();
    let shared_partners: Vec<usize> = (0..n)
        .map(|i| {
            links[i]
                .iter()
                .filter(|l| status[l.other] == Status::Shared)
                .count()
        })
        .collect();
    // Copied templates found families first: a measure with many verbatim partners is the
    // clearest centre; paraphrase partners break ties.
    let verbatim_partners: Vec<usize> = (0..n)
        .map(|i| {
            links[i]
                .iter()
                .filter(|l| l.tier == Tier::Verbatim && status[l.other] == Status::Shared)
                .count()
        })
        .collect();
    let mut order: Vec<usize> = (0..n).filter(|&i| status[i] == Status::Shared).collect();
    order.sort_by(|&a, &b| {
        verbatim_partners[b]
            .cmp(&verbatim_partners[a])
            .then(shared_partners[b].cmp(&shared_partners[a]))
            .then(a.cmp(&b))
    });
    let mut assigned = vec![false; n];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &center in &order {
        if assigned[center] {
            continue;
        }
        assigned[center] = true;
        let mut members = vec![center];
        for l in &links[center] {
            if status[l.other] == Status::Shared && !assigned[l.other] {
                assigned[l.other] = true;
                members.push(l.other);
            }
        }
        groups.push(members);
    }
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
