//! Synthetic corpora for the scale benchmarks and `examples/make_corpus.rs`: plan k is seed plan
//! `k % seeds` with each top-level section swapped, with probability ½, for a random top-level
//! section of a random seed plan (an LCG, so every run builds the same corpus).
//!
//! Shared by `benches/engine.rs` (in-memory plans) and `examples/make_corpus.rs` (the same
//! corpus written as text files, for measuring whole `duizhao` processes).

use duizhao::outline::Section;
use duizhao::plan::Plan;

/// Knuth's MMIX linear congruential generator: deterministic, no dependency.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// How synthetic plan k is made: its base seed plan and, for every top-level slot, the
/// (seed plan, top-level section) that fills it.
pub struct Recipe {
    pub base: usize,
    pub sections: Vec<(usize, usize)>,
}

/// The recipes of `n` synthetic plans.
pub fn recipes(seeds: &[Plan], n: usize) -> Vec<Recipe> {
    let mut rng = Lcg(0x00d0_12a0_5eed);
    (0..n)
        .map(|k| {
            let base = k % seeds.len();
            let sections = (0..seeds[base].sections.len())
                .map(|slot| {
                    let mut pick = (base, slot);
                    if rng.below(2) == 0 {
                        let donor = rng.below(seeds.len());
                        if !seeds[donor].sections.is_empty() {
                            pick = (donor, rng.below(seeds[donor].sections.len()));
                        }
                    }
                    pick
                })
                .collect();
            Recipe { base, sections }
        })
        .collect()
}

/// Number sections (pre-order) and measures (preamble first, then sections in reading order) the
/// way the importer does, so that `measures()[i].index == i` and ids are unique.
pub fn renumber(plan: &mut Plan, plan_id: String) {
    fn walk(s: &mut Section, id: &str, next_section: &mut usize, next_measure: &mut usize) {
        s.section_id = *next_section;
        *next_section += 1;
        for m in &mut s.measures {
            m.section_id = Some(s.section_id);
            m.index = *next_measure;
            m.measure_id = format!("{id}/m{}", *next_measure + 1);
            *next_measure += 1;
        }
        for c in &mut s.children {
            walk(c, id, next_section, next_measure);
        }
    }
    plan.plan_id = plan_id;
    let (mut next_section, mut next_measure) = (0, 0);
    for m in &mut plan.preamble.measures {
        m.section_id = None;
        m.index = next_measure;
        m.measure_id = format!("{}/m{}", plan.plan_id, next_measure + 1);
        next_measure += 1;
    }
    for s in &mut plan.sections {
        walk(s, &plan.plan_id, &mut next_section, &mut next_measure);
    }
}

/// `n` plans recombined from the seeds' top-level sections, in memory. (Spans still point into
/// the donor plan's original text; the engine does not read them.)
pub fn synthetic(seeds: &[Plan], n: usize) -> Vec<Plan> {
    recipes(seeds, n)
        .into_iter()
        .enumerate()
        .map(|(k, r)| {
            let mut plan = seeds[r.base].clone();
            for (slot, &(donor, sec)) in r.sections.iter().enumerate() {
                if (donor, sec) != (r.base, slot) {
                    plan.sections[slot] = seeds[donor].sections[sec].clone();
                }
            }
            plan.name = format!("{}·{k}", plan.name);
            renumber(&mut plan, format!("syn#{k}"));
            plan
        })
        .collect()
}

/// Synthetic plan k as a plain-text document: the base plan's title and preamble, then the
/// original text of every top-level section of its recipe.
pub fn plan_text(seeds: &[Plan], recipe: &Recipe) -> String {
    let base = &seeds[recipe.base];
    let mut out = String::new();
    out.push_str(base.meta.title.as_deref().unwrap_or(&base.name));
    out.push_str("\n\n");
    if !base.preamble.text.trim().is_empty() {
        out.push_str(base.preamble.text.trim());
        out.push_str("\n\n");
    }
    for &(donor, sec) in &recipe.sections {
        let d = &seeds[donor];
        let span = d.sections[sec].span.clone();
        if let Some(text) = d.original.get(span) {
            out.push_str(text.trim_end());
            out.push('\n');
        }
    }
    out
}
