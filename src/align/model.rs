//! The alignment's data: its constants and [`Params`], the units, pins and rows it works on, and
//! the solver's working state (its methods live in the parent module and its siblings). A leaf
//! of `align`: it imports nothing from its parent.

use serde::Serialize;

use crate::outline::SectionKind;

/// Lowest affinity of a pair of units considered for a merge.
pub const MIN_AFFINITY: f32 = 0.05;
/// Lowest average affinity between two groups for them to merge.
pub const MIN_GROUP_AFFINITY: f32 = 0.02;
/// Extra average affinity needed when a plan appears in both groups (many-to-one).
pub const MERGE_EXTRA: f32 = 0.0;
/// Most units of one plan in one cell.
pub const MAX_CELL_UNITS: usize = 3;
/// Average affinity lost per reading-order crossing a merge creates.
pub const CROSS_PENALTY: f32 = 0.05;
/// Lowest average affinity for a lone unit to join its neighbour's group.
pub const ATTACH_AFFINITY: f32 = 0.0;
/// Weight of the title cosine (0: titles count only inside the content vector).
pub const W_TITLE: f32 = 0.0;
/// Weight of the shared-measure cover.
pub const W_LINK: f32 = 1.5;
/// Bonus when at least one measure pair is linked as shared.
pub const LINK_ANY: f32 = 0.3;
/// Factor when the two units' kinds disagree (neither is 其他).
pub const KIND_MISMATCH: f32 = 0.1;

/// Lowest score of a shared-measure link that counts as evidence (verbatim links score 1).
pub const MIN_LINK: f32 = 0.0;
/// Added to the affinity of two units of the same framing kind (not 任务, not 其他).
pub const KIND_BONUS: f32 = 0.0;
/// Whether the framing runs of the plans (see [`FRAMING_KINDS`]) are put in rows of their own
/// before the agglomeration.
pub const FRAMING_ROWS: bool = true;
/// Whether a framing row is closed in the agglomeration: no other unit joins it by affinity
/// (only by a pin). Off: tune F1 +0.013 but the four-plan partners-in-row share fell 69 → 64 %.
pub const CLOSED_FRAMING: bool = false;
/// Whether the rows of any number of plans are built by the progressive order-preserving
/// alignment (plan after plan) instead of the agglomeration. Off: in the four-plan view it left
/// 51 % of the cells empty and 60 % of the shared measures beside a partner (agglomeration: 22 %,
/// 69 %).
pub const BACKBONE: bool = false;
/// Whether two compared plans (and only two) are aligned by the order-preserving alignment.
pub const BACKBONE_PAIRS: bool = true;
/// In the order-preserving alignment, the affinity a pair of units must exceed to pay for
/// sharing a row (each pair adds `affinity − MATCH_BAR`).
pub const MATCH_BAR: f32 = 0.5;
/// Whether the agglomeration (three plans or more) is followed by the link refinement: units move
/// between rows while that puts more linked measures beside their partners (four-plan view:
/// partners in own row 68.7 → 74.8 %, empty cells 20.5 → 22.5 %; pairs are not affected).
pub const REFINE: bool = true;
/// Most units of one plan in a cell that the link refinement may build, the parts of a split
/// unit counted once. Whole units only: 3: 71 %, 4: 75 %, 5: 74 % of the four-plan view's shared
/// measures beside a partner. With the split stage: 4: 78.4 %, 5: 80.9 %, 6: 81.1 % (units
/// figures); 5 is the smallest that reaches the goal, and the mean cell holds as many measures
/// as with 4 before the split (26.6).
pub const REFINE_CELL_UNITS: usize = 5;
/// Moves the annealing after the link refinement tries per movable unit (0: no annealing; see
/// `refine::anneal`). 250: the four-plan view's partners-in-row figure stops rising there.
pub const ANNEAL_ROUNDS: usize = 250;
/// Most moves the annealing tries (keeps eight plans fast).
pub const ANNEAL_MAX_ITERS: usize = 10_000;
/// Start temperature of the annealing, in linked measures (a move losing one measure is taken
/// with probability e⁻¹ at the start).
pub const ANNEAL_T0: f64 = 1.0;
/// What an empty cell costs the annealing, in linked measures beside a partner.
pub const ANNEAL_EMPTY: f32 = 0.5;
/// What the annealing pays, in linked measures beside a partner, per row a split unit's parts
/// occupy beyond the first (0: parts go wherever their links are). Four-plan view (units figure)
/// 0 / 0.5 / 1 / 2: 80.9 / 80.9 / 80.7 / 80.4 %; at 1 西咸新区 shows 16 of 34 sections out of place
/// (18 of 41 at 0) and the eight-plan view 18.8 % empty cells (23.4 % at 0).
pub const ANNEAL_APART: f32 = 1.0;
/// What the link refinement and the annealing pay, in linked measures beside a partner, per pair
/// of units of two plans in one row whose affinity is below [`MIX_BAR`] (neither linked nor
/// alike). Without it nothing but the cell limit stops a row from growing: a measure counts as
/// placed when ANY of its best partners shares its row, so merging rows never loses, and plans of
/// four to eight task sections (most pilot plans) ended with their whole task chapter in one row.
/// On the audit split's tuning half (two groups of 3 and 4 unseen pilot plans; docs/alignment.md)
/// 0 / 0.1 / 0.15 / 0.2 / 0.25: unit-metric F1 0.687 / 0.758 / 0.870 / 0.886 / 0.886; the
/// four-plan view keeps 397/493 = 80.5 % of its shared measures beside a partner up to 0.15
/// (0.2: 79.5 %, 0.25: 77.5 %), so 0.15, the largest value that keeps that goal.
pub const MIX_COST: f32 = 0.15;
/// Affinity below which two units of different plans in one row count as mixed ([`MIX_COST`]).
pub const MIX_BAR: f32 = 0.1;
/// Whether a lone unit may join its neighbour's FRAMING row (目标, 保障, …) when its own kind
/// differs (the lone-unit step of the agglomeration; a task section then sits in the goals row:
/// 艾城镇's first two task sections in the audit group A02). Off: audit tuning half F1 0.870 →
/// 0.775 (the units left out gather in one task row instead), four-plan view unchanged; kept on.
pub const ATTACH_TO_FRAMING: bool = true;
/// Whether the profile (概况) row is a row of its own: no other unit joins it and it joins no
/// other row, whatever the affinity. A plan's 概况 (its situation, its basis) is not comparable
/// with another plan's 指导思想; before this a lone 概况 section joined the neighbouring 指导思想
/// row in 144 of the seeds' three-plan views with 济南市市中区.
pub const PROFILE_APART: bool = true;

/// Whether views of three plans or more split a unit into its parts (its sub-sections) where the
/// links ask for it, after the annealing (see `split::units_to_split`): a part may then sit in
/// another row than the rest of its unit.
pub const SPLIT_UNITS: bool = true;
/// Least number of a part's linked measures whose best partners sit in one other row for its
/// unit to be split (four-plan view at cell limit 4: 1 and 2 give 78.4 %, 3 gives 77.0 %; 1
/// splits more in the eight-plan view and gains less there, 69.7 against 71.2 %).
pub const SPLIT_MIN_LINKS: usize = 2;
/// Whether a part of a split unit may sit in any cell (only whole units must form consecutive
/// runs in a cell, and parts anchor no row in the crossing count); the comparison shows its
/// parent beside its heading or marks it moved. Off (parts consecutive with their cell, as whole
/// units): the split stage gains 0.2 points (74.3 → 74.5 % at cell limit 4); on: 78.4 %.
pub const SPLIT_FREE: bool = true;

/// The framing kinds: a plan's longest run of consecutive units of one of these kinds forms one
/// cell, and those cells of all compared plans form one row per kind.
pub const FRAMING_KINDS: [SectionKind; 5] = [
    SectionKind::Profile,
    SectionKind::Guidance,
    SectionKind::Principles,
    SectionKind::Goals,
    SectionKind::Safeguards,
];

/// The solver's constants, to evaluate other settings (the defaults are the constants above).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// [`MIN_AFFINITY`].
    pub min_affinity: f32,
    /// [`MIN_GROUP_AFFINITY`].
    pub min_group: f32,
    /// [`MERGE_EXTRA`].
    pub merge_extra: f32,
    /// [`MAX_CELL_UNITS`].
    pub max_cell_units: usize,
    /// [`CROSS_PENALTY`].
    pub cross_penalty: f32,
    /// [`ATTACH_AFFINITY`].
    pub attach: f32,
    /// [`W_TITLE`].
    pub w_title: f32,
    /// [`W_LINK`].
    pub w_link: f32,
    /// [`LINK_ANY`].
    pub link_any: f32,
    /// [`KIND_MISMATCH`].
    pub kind_mismatch: f32,
    /// [`MIN_LINK`].
    pub min_link: f32,
    /// [`KIND_BONUS`].
    pub kind_bonus: f32,
    /// [`FRAMING_ROWS`].
    pub framing: bool,
    /// [`CLOSED_FRAMING`].
    pub closed_framing: bool,
    /// Whether the rows come from the progressive order-preserving alignment ([`BACKBONE`]).
    pub backbone: bool,
    /// [`MATCH_BAR`].
    pub match_bar: f32,
    /// [`BACKBONE_PAIRS`].
    pub backbone_pairs: bool,
    /// [`REFINE`].
    pub refine: bool,
    /// [`REFINE_CELL_UNITS`].
    pub refine_cell_units: usize,
    /// Crossings the refinement may add per move (0: none).
    pub refine_crossings: usize,
    /// [`ANNEAL_ROUNDS`].
    pub anneal_rounds: usize,
    /// [`ANNEAL_EMPTY`].
    pub anneal_empty: f32,
    /// [`ANNEAL_MAX_ITERS`].
    pub anneal_max_iters: usize,
    /// [`PROFILE_APART`].
    pub profile_apart: bool,
    /// [`SPLIT_UNITS`].
    pub split: bool,
    /// [`SPLIT_MIN_LINKS`].
    pub split_min_links: usize,
    /// [`SPLIT_FREE`].
    pub split_free: bool,
    /// [`ANNEAL_APART`].
    pub anneal_apart: f32,
    /// [`MIX_COST`].
    pub mix_cost: f32,
    /// [`ATTACH_TO_FRAMING`].
    pub attach_framing: bool,
    /// [`MIX_BAR`].
    pub mix_bar: f32,
    /// Whether the split stage runs the greedy link refinement before its annealing (off: the
    /// same four-plan and eight-plan figures, 6 ms less CPU for eight plans in the dev profile).
    pub split_greedy: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            min_affinity: MIN_AFFINITY,
            min_group: MIN_GROUP_AFFINITY,
            merge_extra: MERGE_EXTRA,
            max_cell_units: MAX_CELL_UNITS,
            cross_penalty: CROSS_PENALTY,
            attach: ATTACH_AFFINITY,
            w_title: W_TITLE,
            w_link: W_LINK,
            link_any: LINK_ANY,
            kind_mismatch: KIND_MISMATCH,
            min_link: MIN_LINK,
            kind_bonus: KIND_BONUS,
            framing: FRAMING_ROWS,
            closed_framing: CLOSED_FRAMING,
            backbone: BACKBONE,
            match_bar: MATCH_BAR,
            backbone_pairs: BACKBONE_PAIRS,
            refine: REFINE,
            refine_cell_units: REFINE_CELL_UNITS,
            refine_crossings: 0,
            anneal_rounds: ANNEAL_ROUNDS,
            anneal_empty: ANNEAL_EMPTY,
            anneal_max_iters: ANNEAL_MAX_ITERS,
            profile_apart: PROFILE_APART,
            split: SPLIT_UNITS,
            split_min_links: SPLIT_MIN_LINKS,
            split_free: SPLIT_FREE,
            anneal_apart: ANNEAL_APART,
            mix_cost: MIX_COST,
            attach_framing: ATTACH_TO_FRAMING,
            mix_bar: MIX_BAR,
            split_greedy: false,
        }
    }
}

/// Kept for callers of the first alignment: the lowest affinity at which two units share a row.
pub const MIN_SIMILARITY: f32 = MIN_AFFINITY;

/// One comparable unit of a plan.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Section id of its main section (the sub-section when a lead-in travels with it).
    pub section_id: usize,
    /// Every section of the unit, in reading order (a parent's lead-in, then its first child).
    pub sections: Vec<usize>,
    /// Kind of the main section.
    pub kind: SectionKind,
    /// Unit-norm TF-IDF vector of its measures and title (title counted twice).
    pub vector: Vec<(u32, f32)>,
    /// Unit-norm IDF vector of its title alone.
    pub title: Vec<(u32, f32)>,
    /// Flat indexes (in the analysis) of its measures, sorted.
    pub measures: Vec<usize>,
    /// For each of its measures with shared partners: (its flat index, the partners' flat
    /// indexes with the link's score, 1 for a verbatim link).
    pub links: Vec<(usize, Vec<(usize, f32)>)>,
}

/// A pinned pair: section `a` of plan `plan_a` goes in the same row as section `b` of `plan_b`
/// (plan indexes into the compared list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Pin {
    /// Index of the first plan in the compared list.
    pub plan_a: usize,
    /// Its section id.
    pub section_a: usize,
    /// Index of the second plan.
    pub plan_b: usize,
    /// Its section id.
    pub section_b: usize,
}

/// One row of the aligned table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Kind of the row (the commonest kind of its units, 其他 last).
    pub kind: SectionKind,
    /// Section ids per compared plan, in reading order; empty where that plan has no counterpart.
    pub cells: Vec<Vec<usize>>,
    /// Average affinity of each cell's units with the rest of the row (0 for a lone cell).
    pub scores: Vec<f32>,
    /// Per cell: whether its units had to leave the column's reading order.
    pub moved: Vec<bool>,
}

impl Row {
    /// The first section of plan `k`'s cell.
    pub fn first(&self, k: usize) -> Option<usize> {
        self.cells.get(k).and_then(|c| c.first().copied())
    }

    /// Number of filled cells.
    pub fn filled(&self) -> usize {
        self.cells.iter().filter(|c| !c.is_empty()).count()
    }
}

/// A unit by (plan, index in the plan's units).
pub(super) type Id = (usize, usize);

/// The working state of the solver.
pub(super) struct Solver<'a> {
    pub(super) plan_units: &'a [&'a [Unit]],
    pub(super) params: &'a Params,
    /// Global index of each plan's first unit.
    pub(super) offsets: Vec<usize>,
    /// Affinity between units (global indexes), symmetric, dense.
    pub(super) affinity: Vec<f32>,
    pub(super) total: usize,
    /// Group of each unit (global index) – an index into `groups`.
    pub(super) group_of: Vec<usize>,
    /// Members of each group (empty once merged away).
    pub(super) groups: Vec<Vec<Id>>,
    /// Per group, per plan: its first unit there (see [`Solver::positions`]).
    pub(super) first: Vec<Vec<Option<usize>>>,
    /// Per group: whether it is a framing row, closed to the agglomeration and the attachment.
    pub(super) closed: Vec<bool>,
    /// Per unit (global index): the index in its plan of the unit it is a part of (itself
    /// unless the split stage replaced a unit by its parts); cell limits count these.
    pub(super) origin: Vec<usize>,
}

/// A measure's best partner in each other plan: `(plan, score, holder)` for the partners
/// `(measure, score)` whose holder (`holder(measure)`, a global unit index) is in a plan other
/// than `own` (`plan_of(holder)`), the highest score per plan, in the order plans first appear.
pub(super) fn best_per_plan(
    partners: &[(usize, f32)],
    own: usize,
    holder: &dyn Fn(usize) -> Option<usize>,
    plan_of: &dyn Fn(usize) -> usize,
) -> Vec<(usize, f32, usize)> {
    let mut best: Vec<(usize, f32, usize)> = Vec::new();
    for &(o, score) in partners {
        let Some(b) = holder(o) else { continue };
        let q = plan_of(b);
        if q == own {
            continue;
        }
        match best.iter_mut().find(|e| e.0 == q) {
            Some(e) if score > e.1 => *e = (q, score, b),
            Some(_) => {}
            None => best.push((q, score, b)),
        }
    }
    best
}

/// Indexes of the longest run of consecutive units of `kind` (the first of equal runs).
pub(super) fn longest_run(units: &[Unit], kind: SectionKind) -> std::ops::Range<usize> {
    let mut best = 0..0;
    let mut start = None;
    for (i, u) in units.iter().enumerate() {
        match (u.kind == kind, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s > best.len() {
                    best = s..i;
                }
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start
        && units.len() - s > best.len()
    {
        best = s..units.len();
    }
    best
}
