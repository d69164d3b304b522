//! Lining up comparable passages of several plans in rows.
//!
//! A row is a *group of comparable passages*: one cell per compared plan, and a cell may hold
//! several consecutive units of its plan (one plan's section often covers what another splits in
//! two or three). The alignment is N-way and global: every unit of every compared plan is placed
//! at once, from the strongest evidence down, not plan by plan and row by row.
//!
//! # Units
//! A top-level section without sub-sections is a unit; one with sub-sections contributes each
//! sub-section (with everything under it) as a unit. Its own lead-in measures (`二、主要任务` and
//! the sentence before `（一）`) travel with its first sub-section: one unit holding both sections,
//! so a lead-in never takes a row of its own opposite another plan's first task.
//! A unit's kind is its main section's ([`SectionKind`], from the outline).
//!
//! # Evidence
//! For two units `u`, `v` of different plans the affinity is
//!
//! ```text
//! a(u, v) = kind(u, v) · ( cos(u, v)                      TF-IDF of measures + title
//!                         + W_TITLE · cos_title(u, v)      titles alone
//!                         + W_LINK  · cover(u, v)          measures linked as shared
//!                         + LINK_ANY · [cover > 0] )
//! ```
//!
//! `cover` is the share of the two units' measures that have a shared partner ([`crate::matching`])
//! in the other unit: the strongest evidence, since the matcher has already decided that those
//! sentences state the same measure; only links scoring at least [`MIN_LINK`] count (0: all).
//! `kind` is 1 when the kinds agree or either is 其他, [`KIND_MISMATCH`] otherwise (a 目标
//! section rarely belongs beside a 保障 section). The titles also enter `cos` (counted twice);
//! the separate title term has weight 0 since the re-tuning (it did not help on the tune split).
//!
//! # Solving
//! 1. **Framing rows.** A plan's framing — profile (概况), guidance (指导思想), principles
//!    (基本原则), goals (目标), safeguards (保障), the kinds the outline gives its sections — is
//!    put in rows first: per framing kind ([`FRAMING_KINDS`]), the plan's longest run of
//!    consecutive units of that kind is one cell, and those cells of all compared plans are one
//!    row, whatever their words. A plan's five 保障 items (组织领导, 资金, 考核, 宣传…) belong beside
//!    another's four as a whole; by affinity they were split over two or three rows. The profile
//!    (概况) row is a row of its own ([`PROFILE_APART`]): no unit joins it, and it joins no row.
//! 2. **Two plans: order-preserving alignment** ([`BACKBONE_PAIRS`]). A Needleman–Wunsch dynamic
//!    programme over the two plans' *elements* (a framing run, else one unit) in reading order.
//!    Moves: an element alone (opposite an empty cell), or up to [`MAX_CELL_UNITS`] consecutive
//!    elements of one plan with up to as many of the other in one row (many-to-many). A move
//!    scores the sum of `a(u, v) − MATCH_BAR` over the unit pairs it brings together, so a pair
//!    shares a row only when its affinity exceeds [`MATCH_BAR`] (in practice: linked by shared
//!    measures, or very close in wording); framing runs meet only the other plan's run of the same
//!    kind (score 100) and nothing else. Both columns keep their reading order exactly.
//! 3. **Three plans or more: agglomeration with an order penalty** (the progressive version of 2,
//!    plan after plan, left half the four-plan view's cells empty: plans order their tasks too
//!    differently for one order to hold them all). Every cross-plan pair with affinity at least
//!    [`MIN_AFFINITY`] is a candidate, strongest first. Merging the groups of `u` and `v` is
//!    accepted when the *average* affinity between the two groups' units (of different plans) minus
//!    [`CROSS_PENALTY`] per crossing it creates (two plans ordering it and another group
//!    differently) stays at least [`MIN_GROUP_AFFINITY`]. Average linkage keeps a group from
//!    chaining through one shared word. A plan may appear in both groups only when its units in the
//!    union are consecutive in its reading order and at most [`MAX_CELL_UNITS`] (a many-to-one
//!    merge), and then the bar is raised by [`MERGE_EXTRA`]. A unit still alone then joins the
//!    group of its preceding (or following) unit in its plan when its average affinity with that
//!    group's other plans is at least [`ATTACH_AFFINITY`].
//!    **Link refinement** ([`REFINE`]): then, repeatedly, the move that puts the most linked
//!    measures beside a partner is made — a group, or a prefix or suffix of one plan's units in
//!    a group, joins another group — counting per measure its best-scoring partner in each other
//!    compared plan (as the comparison's partners-in-row figure does). A move is taken only when
//!    it gains at least one such measure, keeps every cell a run of consecutive units of at most
//!    [`REFINE_CELL_UNITS`] (so a cell grows past three units only for linked measures), and adds
//!    no reading-order crossing; framing rows and pinned units stay where they are. The average
//!    linkage keeps a group from chaining, but it also keeps apart units that the matcher links
//!    many-to-many across four plans; the refinement repairs that with the links alone.
//!    **Annealing** ([`ANNEAL_ROUNDS`]): the greedy refinement stops where every single move
//!    loses, although two moves together would gain. A short simulated annealing (fixed seed,
//!    [`ANNEAL_ROUNDS`] moves per movable unit, at most [`ANNEAL_MAX_ITERS`]) then tries the same
//!    moves under the same constraints — towards the row of a linked partner, the row of the unit
//!    next to the moved ones (a cell grows by its neighbour) or a new row — maximising the linked
//!    measures beside a best partner minus [`ANNEAL_EMPTY`] per empty cell, and keeps the best
//!    state seen (never worse than the greedy one).
//!    **Split stage** ([`SPLIT_UNITS`]): a unit is the comparison's tier (a sub-section of a
//!    chapter), but one such section often covers what the other plans put in two or three rows
//!    (西咸新区 （五）推进城乡社会建设实现共治共享: public services, community building,
//!    governance). After the annealing, a unit with two sub-sections or more ([`unit_parts`]) is
//!    replaced by its parts when one part has at least [`SPLIT_MIN_LINKS`] linked measures whose
//!    best partners sit in one other row, more than in its own; each part starts in its unit's
//!    row, and the annealing runs again over the finer units, paying [`ANNEAL_APART`] per row a
//!    unit's parts occupy beyond the first (a part leaves its unit only for a net gain). A part may
//!    then sit in any row ([`SPLIT_FREE`]: only whole units must form consecutive runs in a cell,
//!    and parts anchor no row in the crossing count); parts of one unit count once towards the
//!    cell limit. A unit whose parts all stay in one row is shown whole again. The comparison
//!    shows a part apart from its parent with the parent's heading (`detached`) and marks every
//!    section that leaves its column's reading order (`moved`), so the reader knows where it
//!    came from. Views of two plans do not use it.
//! 4. **Pins** are constraints: before 3 (and after 2) each pinned pair's groups are merged,
//!    whatever their affinity or the order it breaks.
//! 5. **Row order.** Groups are inserted, largest first, at the position that contradicts the
//!    fewest plans' reading orders (ties: earliest). So each column keeps its document order
//!    wherever the groups allow; a unit that had to leave its place is reported by
//!    [`Row::moved`].
//!
//! Content cosines (`content.rs`) are computed by scattering one plan's unit vectors into a dense
//! vocabulary-sized array (one per thread, kept zeroed between calls) and reading the other plan's
//! units against it: the same sums as [`cosine`], bit for bit, at one pass per vector.
//!
//! # Constants
//! Chosen on the tuning split of `tests/fixtures/alignment/` only (`cargo run
//! --no-default-features --example align_eval -- --set NAME=VALUE,…` tries a setting; `--grid`
//! runs the earlier coordinate ascent), maximising the tune F1 of the unit metric
//! ([`crate::align_eval::Metric::Units`]) among settings that keep the product goals: the
//! four-plan and Tianjin views' partners in their own row no lower, at most 30 % empty cells in
//! the four-plan view and in the tune pairs' views. [`MAX_CELL_UNITS`] 3 and [`MATCH_BAR`] 0.5 are
//! this round's; leave-one-pair-out over the 8 tune pairs picks the same cell limit in every fold
//! (and a bar of 0.7, which leaves 32 % of the pair views' cells empty). The framing rows have no
//! constant. The annealing's constants change only views of three plans or more (no labels):
//! they were chosen on the four-plan seed view, where the figure is flat over 200–600 rounds and
//! empty-cell costs 0–1. The split stage's constants ([`SPLIT_MIN_LINKS`] 2, the refinement's
//! cell limit 5 with parts counted once) also change only views of three plans or more: chosen
//! on the four-plan view and checked on views nobody tuned on (eight seed plans, 15 views each
//! of 3 and 5 consecutive seed plans: all rise; `docs/alignment.md`).
//! Figures, method and what did not help: `docs/alignment.md`; floors:
//! `tests/core/alignment.rs`.

use std::collections::HashMap;

use crate::matching::{Analysis, cosine};

mod content;
mod model;
mod order;
mod pair;
mod refine;
mod split;
use crate::outline::{Section, SectionKind};
use crate::plan::Plan;
use crate::tokenize::Tokenizer;
pub use model::{
    ANNEAL_APART, ANNEAL_EMPTY, ANNEAL_MAX_ITERS, ANNEAL_ROUNDS, ANNEAL_T0, ATTACH_AFFINITY,
    ATTACH_TO_FRAMING, BACKBONE, BACKBONE_PAIRS, CLOSED_FRAMING, CROSS_PENALTY, FRAMING_KINDS,
    FRAMING_ROWS, KIND_BONUS, KIND_MISMATCH, LINK_ANY, MATCH_BAR, MAX_CELL_UNITS, MERGE_EXTRA,
    MIN_AFFINITY, MIN_GROUP_AFFINITY, MIN_LINK, MIN_SIMILARITY, MIX_BAR, MIX_COST, PROFILE_APART,
    Params, Pin, REFINE, REFINE_CELL_UNITS, Row, SPLIT_FREE, SPLIT_MIN_LINKS, SPLIT_UNITS, Unit,
    W_LINK, W_TITLE,
};
use model::{Id, Solver, longest_run};
pub(crate) use order::out_of_order;

/// The units of a plan, in reading order.
pub fn units(plan: &Plan, plan_index: usize, analysis: &Analysis) -> Vec<Unit> {
    let mut out = Vec::new();
    for top in &plan.sections {
        if top.children.is_empty() {
            out.push(unit_of(plan_index, &[(top, true)], analysis));
            continue;
        }
        for (i, child) in top.children.iter().enumerate() {
            if i == 0 && !top.measures.is_empty() {
                out.push(unit_of(
                    plan_index,
                    &[(top, false), (child, true)],
                    analysis,
                ));
            } else {
                out.push(unit_of(plan_index, &[(child, true)], analysis));
            }
        }
    }
    out
}

/// The parts of each unit of a plan (as [`units`] lists them), for the split stage of three
/// plans or more: a unit whose main section has two sub-sections or more is made of one part
/// per sub-section with everything under it (the unit's own lead-in measures — its parent's and
/// its main section's — travel with the first part, as a parent's lead-in travels with its
/// first sub-section in [`units`]); other units have no parts (an empty list).
pub fn unit_parts(plan: &Plan, plan_index: usize, analysis: &Analysis) -> Vec<Vec<Unit>> {
    let mut out = Vec::new();
    for top in &plan.sections {
        if top.children.is_empty() {
            out.push(Vec::new());
            continue;
        }
        for (i, child) in top.children.iter().enumerate() {
            if child.children.len() < 2 {
                out.push(Vec::new());
                continue;
            }
            let lead = (i == 0 && !top.measures.is_empty()).then_some((top, false));
            let parts = child
                .children
                .iter()
                .enumerate()
                .map(|(j, sub)| {
                    let mut at: Vec<(&Section, bool)> = Vec::new();
                    if j == 0 {
                        at.extend(lead);
                        at.push((child, false));
                    }
                    at.push((sub, true));
                    unit_of(plan_index, &at, analysis)
                })
                .collect();
            out.push(parts);
        }
    }
    out
}

fn normalise(acc: HashMap<u32, f32>) -> Vec<(u32, f32)> {
    let mut vector: Vec<(u32, f32)> = acc.into_iter().collect();
    vector.sort_unstable_by_key(|p| p.0);
    let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|(_, w)| *w /= norm);
    }
    vector
}

/// A unit made of `parts` (section, whether its whole subtree counts); the last part is the main
/// section.
fn unit_of(plan_index: usize, parts: &[(&Section, bool)], analysis: &Analysis) -> Unit {
    let mut acc: HashMap<u32, f32> = HashMap::new();
    let mut title_acc: HashMap<u32, f32> = HashMap::new();
    let mut measures = Vec::new();
    let mut links = Vec::new();
    for (section, subtree) in parts {
        let sections: Vec<&Section> = if *subtree {
            section.walk()
        } else {
            vec![section]
        };
        for s in &sections {
            for m in &s.measures {
                let Some(flat) = analysis.flat_index(plan_index, m.index) else {
                    continue;
                };
                measures.push(flat);
                if let Some(entry) = analysis.measures.get(flat) {
                    for (t, w) in &entry.weights {
                        *acc.entry(*t).or_default() += w;
                    }
                }
                let partners: Vec<(usize, f32)> = analysis
                    .shared_links(flat)
                    .iter()
                    .map(|l| {
                        let score = if l.tier == crate::matching::Tier::Verbatim {
                            1.0
                        } else {
                            l.score
                        };
                        (l.other, score)
                    })
                    .collect();
                if !partners.is_empty() {
                    links.push((flat, partners));
                }
            }
        }
    }
    let main = parts.last().map(|p| p.0);
    for (section, _) in parts {
        for word in Tokenizer::global().terms(&section.title_norm) {
            if let Some(t) = analysis.term_id(word) {
                let idf = analysis.idf.get(t as usize).copied().unwrap_or(1.0);
                *acc.entry(t).or_default() += 2.0 * idf;
                *title_acc.entry(t).or_default() += idf;
            }
        }
    }
    measures.sort_unstable();
    Unit {
        section_id: main.map_or(0, |s| s.section_id),
        sections: parts.iter().map(|p| p.0.section_id).collect(),
        kind: main.map_or(SectionKind::Other, |s| s.kind),
        vector: normalise(acc),
        title: normalise(title_acc),
        measures,
        links,
    }
}

fn kind_factor(a: SectionKind, b: SectionKind, params: &Params) -> f32 {
    if a == b || a == SectionKind::Other || b == SectionKind::Other {
        1.0
    } else {
        params.kind_mismatch
    }
}

/// Align the units of `compared` (indexes into `corpus_plans`, the corpus the analysis was built
/// on) into rows.
pub fn align(
    corpus_plans: &[Plan],
    compared: &[usize],
    analysis: &Analysis,
    pins: &[Pin],
) -> Vec<Row> {
    align_with(corpus_plans, compared, analysis, pins, &Params::default())
}

/// [`align`] with other constants.
pub fn align_with(
    corpus_plans: &[Plan],
    compared: &[usize],
    analysis: &Analysis,
    pins: &[Pin],
    params: &Params,
) -> Vec<Row> {
    let plan_units: Vec<Vec<Unit>> = compared
        .iter()
        .map(|&pi| {
            corpus_plans
                .get(pi)
                .map(|p| units(p, pi, analysis))
                .unwrap_or_default()
        })
        .collect();
    let refs: Vec<&[Unit]> = plan_units.iter().map(Vec::as_slice).collect();
    let parts: Vec<Vec<Vec<Unit>>> = if compared.len() >= 3 && params.split {
        compared
            .iter()
            .map(|&pi| {
                corpus_plans
                    .get(pi)
                    .map(|p| unit_parts(p, pi, analysis))
                    .unwrap_or_default()
            })
            .collect()
    } else {
        Vec::new()
    };
    align_units_split(&refs, &parts, pins, params)
}

impl Solver<'_> {
    fn global(&self, id: Id) -> usize {
        self.offsets[id.0] + id.1
    }

    fn aff(&self, a: Id, b: Id) -> f32 {
        self.affinity[self.global(a) * self.total + self.global(b)]
    }

    /// Average affinity between the members of groups `x` and `y` of different plans, and
    /// whether some plan is in both.
    fn linkage(&self, x: usize, y: usize) -> (f32, bool) {
        let (mut sum, mut n, mut overlap) = (0.0, 0usize, false);
        for &a in &self.groups[x] {
            for &b in &self.groups[y] {
                if a.0 == b.0 {
                    overlap = true;
                    continue;
                }
                sum += self.aff(a, b);
                n += 1;
            }
        }
        (if n == 0 { 0.0 } else { sum / n as f32 }, overlap)
    }

    /// Whether the union of groups `x` and `y` keeps each plan's units consecutive and at most
    /// [`MAX_CELL_UNITS`].
    fn union_is_contiguous(&self, x: usize, y: usize) -> bool {
        let mut ids: Vec<Id> = self.groups[x]
            .iter()
            .chain(&self.groups[y])
            .copied()
            .collect();
        ids.sort_unstable();
        ids.chunk_by(|a, b| a.0 == b.0).all(|us| {
            us.len() <= self.params.max_cell_units && us.windows(2).all(|w| w[1].1 == w[0].1 + 1)
        })
    }

    /// Per plan, the first unit index of a set of members.
    fn positions(&self, members: &[Id]) -> Vec<Option<usize>> {
        let mut pos = vec![None; self.plan_units.len()];
        for &(p, u) in members {
            let e: &mut Option<usize> = &mut pos[p];
            *e = Some(e.map_or(u, |v: usize| v.min(u)));
        }
        pos
    }

    /// Whether a unit is a part of a split unit (see [`Solver::origin`]); with
    /// [`Params::split_free`] parts may sit apart from the rest of their cell's units.
    fn is_part(&self, (p, u): Id) -> bool {
        let origin = |u: usize| self.origin[self.offsets[p] + u];
        let len = self.plan_units[p].len();
        (u > 0 && origin(u - 1) == origin(u)) || (u + 1 < len && origin(u + 1) == origin(u))
    }

    /// Per plan, the first unit of a set of members that anchors its row in the plan's reading
    /// order: [`Solver::positions`], except that with [`Params::split_free`] a part of a split
    /// unit anchors nothing (it may sit apart; the comparison marks it). Crossings and the row
    /// order are counted on these.
    fn anchors(&self, members: &[Id]) -> Vec<Option<usize>> {
        if !self.params.split_free {
            return self.positions(members);
        }
        let whole: Vec<Id> = members
            .iter()
            .copied()
            .filter(|&id| !self.is_part(id))
            .collect();
        self.positions(&whole)
    }

    /// Reading-order crossings the union of `x` and `y` would have with the other multi-plan
    /// groups: for each such group and each pair of plans in both, one crossing when the two plans
    /// order them differently.
    fn crossings(&self, x: usize, y: usize) -> usize {
        let pos: Vec<Option<usize>> = self.first[x]
            .iter()
            .zip(&self.first[y])
            .map(|(a, b)| match (a, b) {
                (Some(a), Some(b)) => Some(*a.min(b)),
                _ => a.or(*b),
            })
            .collect();
        let plans: Vec<usize> = (0..pos.len()).filter(|&p| pos[p].is_some()).collect();
        if plans.len() < 2 {
            return 0;
        }
        let mut n = 0;
        for (g, others) in self.groups.iter().enumerate() {
            if g == x || g == y || others.len() < 2 {
                continue;
            }
            let other = &self.first[g];
            let mut before = false;
            let mut after = false;
            for &p in &plans {
                if let (Some(a), Some(b)) = (pos[p], other[p]) {
                    if a < b {
                        before = true;
                    } else {
                        after = true;
                    }
                }
            }
            if before && after {
                n += 1;
            }
        }
        n
    }

    fn merge(&mut self, x: usize, y: usize) {
        let moved = std::mem::take(&mut self.groups[y]);
        for &id in &moved {
            let g = self.global(id);
            self.group_of[g] = x;
        }
        self.groups[x].extend(moved);
        self.first[x] = self.positions(&self.groups[x]);
        self.first[y].iter_mut().for_each(|p| *p = None);
    }
}

/// Affinity of two units of different plans, given the number of measures of each with a shared
/// partner in the other.
/// `content` is the cosine of their vectors ([`content_cosines`]).
fn affinity(
    a: &Unit,
    b: &Unit,
    content: f32,
    linked_a: usize,
    linked_b: usize,
    params: &Params,
) -> f32 {
    // A zero weight skips the title cosine (0 · a finite cosine adds an exact 0).
    let title = if params.w_title == 0.0 {
        0.0
    } else {
        cosine(&a.title, &b.title)
    };
    let total = a.measures.len() + b.measures.len();
    let cover = if total == 0 {
        0.0
    } else {
        (linked_a + linked_b) as f32 / total as f32
    };
    let link = if cover > 0.0 {
        params.w_link * cover + params.link_any
    } else {
        0.0
    };
    // Two units of the same framing kind (概况, 指导思想, 基本原则, 目标, 保障; not the bulk 任务
    // nor 其他) get a bonus: such sections belong in one row whatever their words.
    let framing = a.kind == b.kind && !matches!(a.kind, SectionKind::Tasks | SectionKind::Other);
    let bonus = if framing { params.kind_bonus } else { 0.0 };
    kind_factor(a.kind, b.kind, params) * (content + params.w_title * title + link + bonus)
}

/// Align precomputed units (one slice per compared plan, see [`units`]); use this to align many
/// pairs of plans without recomputing their units.
pub fn align_units(plan_units: &[&[Unit]], pins: &[Pin]) -> Vec<Row> {
    align_units_with(plan_units, pins, &Params::default())
}

/// [`align_units`] with other constants.
pub fn align_units_with(plan_units: &[&[Unit]], pins: &[Pin], params: &Params) -> Vec<Row> {
    align_units_split(plan_units, &[], pins, params)
}

/// The tables a solver is built from.
struct Prepared {
    offsets: Vec<usize>,
    total: usize,
    /// (measure flat index, unit global index), sorted by measure.
    unit_of_measure: Vec<(usize, usize)>,
    affinity: Vec<f32>,
    /// Cross-plan unit pairs with affinity at least [`MIN_AFFINITY`], strongest first.
    candidates: Vec<(f32, usize, usize)>,
}

/// The unit (global index) holding measure `m` (flat index).
fn holder_in(unit_of_measure: &[(usize, usize)], m: usize) -> Option<usize> {
    let i = unit_of_measure.partition_point(|&(x, _)| x <= m);
    i.checked_sub(1)
        .and_then(|i| unit_of_measure.get(i))
        .filter(|&&(x, _)| x == m)
        .map(|&(_, u)| u)
}

fn prepare(plan_units: &[&[Unit]], params: &Params) -> Prepared {
    let n = plan_units.len();
    let mut offsets = Vec::with_capacity(n);
    let mut total = 0;
    for units in plan_units {
        offsets.push(total);
        total += units.len();
    }
    // Which unit holds each measure, to count shared links between units.
    let mut unit_of_measure: Vec<(usize, usize)> = Vec::new();
    for (p, units) in plan_units.iter().enumerate() {
        for (u, unit) in units.iter().enumerate() {
            unit_of_measure.extend(unit.measures.iter().map(|&m| (m, offsets[p] + u)));
        }
    }
    // A measure in two units (never, in practice) keeps the last, as a map insert would.
    unit_of_measure.sort_by_key(|&(m, _)| m);
    let holder = |m: usize| holder_in(&unit_of_measure, m);
    // linked[a * total + b]: measures of unit a with a shared partner in unit b.
    let mut linked = vec![0u16; total * total];
    for (p, units) in plan_units.iter().enumerate() {
        for (u, unit) in units.iter().enumerate() {
            let a = offsets[p] + u;
            for (_, partners) in &unit.links {
                let mut seen: Vec<usize> = partners
                    .iter()
                    .filter(|&&(_, score)| score >= params.min_link)
                    .filter_map(|&(o, _)| holder(o))
                    .filter(|&b| b != a)
                    .collect();
                seen.sort_unstable();
                seen.dedup();
                for b in seen {
                    linked[a * total + b] = linked[a * total + b].saturating_add(1);
                }
            }
        }
    }
    let ids: Vec<Id> = (0..n)
        .flat_map(|p| (0..plan_units[p].len()).map(move |u| (p, u)))
        .collect();
    let content = content::content_cosines(plan_units, &offsets, total);
    let mut affinity_m = vec![0.0f32; total * total];
    let mut candidates: Vec<(f32, usize, usize)> = Vec::new();
    for (a, &ia) in ids.iter().enumerate() {
        for (b, &ib) in ids.iter().enumerate().skip(a + 1) {
            if ia.0 == ib.0 {
                continue;
            }
            let s = affinity(
                &plan_units[ia.0][ia.1],
                &plan_units[ib.0][ib.1],
                content[a * total + b],
                linked[a * total + b] as usize,
                linked[b * total + a] as usize,
                params,
            );
            affinity_m[a * total + b] = s;
            affinity_m[b * total + a] = s;
            if s >= params.min_affinity {
                candidates.push((s, a, b));
            }
        }
    }
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    Prepared {
        offsets,
        total,
        unit_of_measure,
        affinity: affinity_m,
        candidates,
    }
}

/// A solver with every unit in a group of its own.
fn new_solver<'a>(
    plan_units: &'a [&'a [Unit]],
    params: &'a Params,
    offsets: Vec<usize>,
    affinity: Vec<f32>,
) -> Solver<'a> {
    let n = plan_units.len();
    let total = plan_units.iter().map(|u| u.len()).sum();
    let ids: Vec<Id> = (0..n)
        .flat_map(|p| (0..plan_units[p].len()).map(move |u| (p, u)))
        .collect();
    Solver {
        plan_units,
        params,
        offsets,
        affinity,
        total,
        group_of: (0..total).collect(),
        groups: ids.iter().map(|&id| vec![id]).collect(),
        first: ids
            .iter()
            .map(|&(p, u)| {
                let mut v = vec![None; n];
                v[p] = Some(u);
                v
            })
            .collect(),
        closed: vec![false; total],
        origin: ids.iter().map(|&(_, u)| u).collect(),
    }
}

/// [`align_units_with`] with the finer parts of each unit (`parts[plan][unit]`, see
/// [`unit_parts`]; empty: no split stage) for the split stage of three plans or more.
pub fn align_units_split(
    plan_units: &[&[Unit]],
    parts: &[Vec<Vec<Unit>>],
    pins: &[Pin],
    params: &Params,
) -> Vec<Row> {
    let n = plan_units.len();
    let prepared = prepare(plan_units, params);
    let total = prepared.total;
    let ids: Vec<Id> = (0..n)
        .flat_map(|p| (0..plan_units[p].len()).map(move |u| (p, u)))
        .collect();
    let Prepared {
        offsets,
        unit_of_measure,
        affinity,
        candidates,
        ..
    } = prepared;
    let holder = |m: usize| holder_in(&unit_of_measure, m);
    let mut solver = new_solver(plan_units, params, offsets, affinity);
    let find = |plan: usize, sid: usize| -> Option<usize> {
        let units = plan_units.get(plan)?;
        let u = units.iter().position(|u| u.sections.contains(&sid))?;
        Some(solver_offset(plan_units, plan) + u)
    };
    // Pins are constraints: each pinned pair's groups are merged.
    let apply_pins = |solver: &mut Solver<'_>| {
        for pin in pins {
            let (Some(a), Some(b)) = (
                find(pin.plan_a, pin.section_a),
                find(pin.plan_b, pin.section_b),
            ) else {
                continue;
            };
            let (x, y) = (solver.group_of[a], solver.group_of[b]);
            if x != y {
                solver.merge(x, y);
            }
        }
    };
    if params.backbone || (params.backbone_pairs && n == 2) {
        pair::backbone(&mut solver);
        apply_pins(&mut solver);
        return order::order_rows(&solver);
    }
    // 1. Pins.
    apply_pins(&mut solver);
    let mut framing_units: Vec<usize> = Vec::new();
    // 2. Framing rows: per framing kind, each plan's longest run of units of that kind in one
    // group with the other plans' runs.
    if params.framing {
        for kind in FRAMING_KINDS {
            let mut target: Option<usize> = None;
            for (p, units) in plan_units.iter().enumerate() {
                for u in longest_run(units, kind) {
                    let g = solver.group_of[solver.global((p, u))];
                    match target {
                        None => target = Some(g),
                        Some(t) if t != g => solver.merge(t, g),
                        Some(_) => {}
                    }
                }
            }
            if let Some(t) = target {
                framing_units.extend(solver.groups[t].iter().map(|&id| solver.global(id)));
                if params.closed_framing || (params.profile_apart && kind == SectionKind::Profile) {
                    solver.closed[t] = true;
                }
            }
        }
    }
    // 3. Agglomeration, strongest pairs first.
    for (_, a, b) in candidates {
        let (x, y) = (solver.group_of[a], solver.group_of[b]);
        if x == y || solver.closed[x] || solver.closed[y] {
            continue;
        }
        let (avg, overlap) = solver.linkage(x, y);
        let bar = params.min_group + if overlap { params.merge_extra } else { 0.0 };
        if avg < bar {
            continue;
        }
        if overlap && !solver.union_is_contiguous(x, y) {
            continue;
        }
        let crossings = solver.crossings(x, y);
        if avg - params.cross_penalty * crossings as f32 >= bar {
            solver.merge(x, y);
        }
    }
    // 4. Lone units join a neighbour's group.
    for &(p, u) in &ids {
        let g = solver.group_of[solver.global((p, u))];
        if solver.groups[g].len() != 1 || solver.closed[g] {
            continue;
        }
        let mut best: Option<(f32, usize)> = None;
        for nb in [u.checked_sub(1), Some(u + 1)].into_iter().flatten() {
            if nb >= plan_units[p].len() {
                continue;
            }
            let h = solver.group_of[solver.global((p, nb))];
            if solver.closed[h]
                || solver.groups[h].iter().all(|m| m.0 == p)
                || !solver.union_is_contiguous(g, h)
            {
                continue;
            }
            // A framing row of another kind (a task section beside the goals).
            if !params.attach_framing
                && solver.groups[h].iter().any(|&m| {
                    framing_units.contains(&solver.global(m))
                        && plan_units[m.0][m.1].kind != plan_units[p][u].kind
                })
            {
                continue;
            }
            let (avg, _) = solver.linkage(g, h);
            if avg >= params.attach && best.is_none_or(|(s, _)| avg > s) {
                best = Some((avg, h));
            }
        }
        if let Some((_, h)) = best {
            solver.merge(h, g);
        }
    }
    // 5. Link refinement.
    let mut fixed = vec![false; total];
    for &u in &framing_units {
        fixed[u] = true;
    }
    for pin in pins {
        for u in [
            find(pin.plan_a, pin.section_a),
            find(pin.plan_b, pin.section_b),
        ]
        .into_iter()
        .flatten()
        {
            fixed[u] = true;
        }
    }
    if params.refine {
        let entries = refine::link_entries(&solver, &holder);
        refine::refine(&mut solver, &entries, &fixed, &framing_units);
        if params.anneal_rounds > 0 {
            refine::anneal(&mut solver, &entries, &fixed, &framing_units);
        }
    }
    // 6. Finer units where the links ask for them.
    if params.refine
        && params.split
        && parts.len() == n
        && let Some(rows) = split_stage(&solver, parts, &fixed, &framing_units, &holder)
    {
        return rows;
    }
    order::order_rows(&solver)
}

/// The split stage (three plans or more): a unit whose parts' linked measures have their best
/// partners in different rows ([`split::units_to_split`]) is replaced by its parts, each starting
/// in the unit's row; then the annealing (with [`Params::split_greedy`] the greedy refinement
/// first) runs again over the finer units (a part may leave its unit's row when that puts more
/// linked measures beside a partner than [`ANNEAL_APART`] costs), and a unit whose parts all
/// stay in one row is shown whole again. `None` when no unit is split.
fn split_stage(
    coarse: &Solver<'_>,
    parts: &[Vec<Vec<Unit>>],
    fixed: &[bool],
    framing_units: &[usize],
    holder: &dyn Fn(usize) -> Option<usize>,
) -> Option<Vec<Row>> {
    let params = coarse.params;
    let split = split::units_to_split(coarse, parts, fixed, holder);
    if !split.iter().flatten().any(|&s| s) {
        return None;
    }
    // The finer units per plan, each with its coarse unit.
    let mut fine: Vec<Vec<Unit>> = Vec::with_capacity(parts.len());
    let mut origin: Vec<usize> = Vec::new();
    for (p, units) in coarse.plan_units.iter().enumerate() {
        let mut out = Vec::new();
        for (u, unit) in units.iter().enumerate() {
            if split[p][u] {
                for part in &parts[p][u] {
                    let mut part = part.clone();
                    part.kind = unit.kind;
                    out.push(part);
                    origin.push(u);
                }
            } else {
                out.push(unit.clone());
                origin.push(u);
            }
        }
        fine.push(out);
    }
    let refs: Vec<&[Unit]> = fine.iter().map(Vec::as_slice).collect();
    let prepared = prepare(&refs, params);
    let fine_offsets = prepared.offsets.clone();
    let fine_total = prepared.total;
    let unit_of_measure = prepared.unit_of_measure;
    let mut solver = new_solver(&refs, params, prepared.offsets, prepared.affinity);
    solver.origin = origin;
    // Every finer unit starts in its coarse unit's group.
    let origin = solver.origin.clone();
    let coarse_global = |g: usize| coarse.offsets[solver_plan(&fine_offsets, g)] + origin[g];
    solver.groups = vec![Vec::new(); coarse.groups.len()];
    solver.closed = coarse.closed.clone();
    for g in 0..fine_total {
        let p = solver_plan(&fine_offsets, g);
        let h = coarse.group_of[coarse_global(g)];
        solver.group_of[g] = h;
        solver.groups[h].push((p, g - fine_offsets[p]));
    }
    solver.first = solver
        .groups
        .iter()
        .map(|members| solver.positions(members))
        .collect();
    let fine_fixed: Vec<bool> = (0..fine_total).map(|g| fixed[coarse_global(g)]).collect();
    let fine_framing: Vec<usize> = (0..fine_total)
        .filter(|&g| framing_units.contains(&coarse_global(g)))
        .collect();
    let fine_holder = |m: usize| holder_in(&unit_of_measure, m);
    let entries = refine::link_entries(&solver, &fine_holder);
    if params.split_greedy {
        refine::refine(&mut solver, &entries, &fine_fixed, &fine_framing);
    }
    if params.anneal_rounds > 0 {
        refine::anneal(&mut solver, &entries, &fine_fixed, &fine_framing);
    }
    let mut rows = order::order_rows(&solver);
    split::rejoin(&mut rows, coarse.plan_units, &refs, &solver.origin);
    Some(rows)
}

/// The plan of a global unit index.
fn solver_plan(offsets: &[usize], g: usize) -> usize {
    offsets.partition_point(|&o| o <= g).saturating_sub(1)
}

fn solver_offset(plan_units: &[&[Unit]], plan: usize) -> usize {
    plan_units.iter().take(plan).map(|u| u.len()).sum()
}

/// Co-row section pairs of an alignment, for evaluation: every pair of sections of different
/// plans (compared-list index, section id) that share a row, each pair once with the lower plan
/// index first.
pub fn co_row_pairs(rows: &[Row]) -> Vec<((usize, usize), (usize, usize))> {
    let mut out = Vec::new();
    for row in rows {
        for (p, a_cell) in row.cells.iter().enumerate() {
            for (q, b_cell) in row.cells.iter().enumerate().skip(p + 1) {
                for &a in a_cell {
                    for &b in b_cell {
                        out.push(((p, a), (q, b)));
                    }
                }
            }
        }
    }
    out
}
