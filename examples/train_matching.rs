//! Fit the paraphrase scorer (gradient-boosted trees over `duizhao::matching::FEATURES`) on the
//! TUNE part of the exhaustively labelled plan pairs, pick its threshold, and write
//! `assets/dict/matcher_model.txt`.
//!
//! `cargo run --no-default-features --example train_matching -- [--labels DIR] [--dry-run]`
//!
//! Examples: every (labelled A measure, B measure) pair of a tune plan pair that shares
//! anything at all; positive when B is a labelled verbatim or paraphrase partner of A. Pairs of
//! the test part are never read. Fitting: gradient boosting of depth-two regression trees on
//! the log loss (Newton leaf values, `TREES` rounds at rate `RATE`, leaves of at least
//! `MIN_LEAF` pairs). Threshold: chosen on leave-one-pair-out cross-validated probabilities of
//! the tune part (each tune pair scored by trees fitted on the other twelve), the one whose
//! measure-level precision and recall come closest to the goals (`GOAL_P`, `GOAL_R`); an A
//! measure is predicted shared with B when some B measure is verbatim by the fixed rule or
//! reaches the threshold.

use std::collections::HashMap;
use std::path::PathBuf;

use duizhao::corpus::load_paths;
use duizhao::match_eval::{Example, LabelledMeasure, corpus_paths, examples, load_label_set};
use duizhao::matching::{
    Analysis, FEATURES, Model, N_FEATURES, Tree, VERBATIM_CONTAINMENT, VERBATIM_JACCARD,
};

/// Number of trees, learning rate and smallest leaf of the boosted trees.
const TREES: usize = 100;
const RATE: f64 = 0.1;
/// (Chosen on the tune part by the same cross-validated criterion as the threshold: leaves of
/// 10, 20, 40 and 60 pairs and 100–300 rounds at rates 0.03–0.1 were all within 0.01.)
const MIN_LEAF: usize = 10;
/// Goals of issue 13; the threshold is the one whose cross-validated tune figures come closest
/// to meeting both (largest min(P − GOAL_P, R − GOAL_R)).
const GOAL_P: f64 = 0.85;
const GOAL_R: f64 = 0.75;

/// Index of the `profile` feature (either measure describes a place: never a paraphrase).
const PROFILE: usize = 13;

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Best split of `idx` on the gradients `g`: (feature, threshold, gain), or None when no split
/// leaves `MIN_LEAF` examples on both sides.
fn best_split(ex: &[Example], g: &[f64], idx: &[usize]) -> Option<(usize, f32, f64)> {
    let total: f64 = idx.iter().map(|&i| g[i]).sum();
    let n = idx.len() as f64;
    let mut best: Option<(usize, f32, f64)> = None;
    let mut sorted = idx.to_vec();
    for k in 0..N_FEATURES {
        sorted.sort_by(|&a, &b| ex[a].features[k].total_cmp(&ex[b].features[k]));
        let mut left = 0.0;
        for s in 0..sorted.len().saturating_sub(1) {
            left += g[sorted[s]];
            let (v, next) = (ex[sorted[s]].features[k], ex[sorted[s + 1]].features[k]);
            let nl = (s + 1) as f64;
            if v == next || (s + 1) < MIN_LEAF || sorted.len() - (s + 1) < MIN_LEAF {
                continue;
            }
            let right = total - left;
            let gain = left * left / nl + right * right / (n - nl) - total * total / n;
            if best.is_none_or(|b| gain > b.2) {
                best = Some((k, (v + next) / 2.0, gain));
            }
        }
    }
    best
}

/// Newton step of a leaf: Σ residual / Σ p(1 − p).
fn leaf(g: &[f64], h: &[f64], idx: &[usize]) -> f32 {
    let (sg, sh): (f64, f64) = idx
        .iter()
        .fold((0.0, 0.0), |(a, b), &i| (a + g[i], b + h[i]));
    (RATE * sg / sh.max(1e-9)) as f32
}

/// Gradient boosting of depth-two trees on the log loss.
fn fit(ex: &[Example]) -> Model {
    let pos = ex.iter().filter(|e| e.positive).count().max(1) as f64;
    let rate = pos / ex.len().max(1) as f64;
    let base = (rate / (1.0 - rate).max(1e-9)).ln();
    let mut z = vec![base; ex.len()];
    let mut trees = Vec::new();
    for _ in 0..TREES {
        let p: Vec<f64> = z.iter().map(|v| sigmoid(*v)).collect();
        let g: Vec<f64> = ex
            .iter()
            .zip(&p)
            .map(|(e, p)| f64::from(u8::from(e.positive)) - p)
            .collect();
        let h: Vec<f64> = p.iter().map(|p| p * (1.0 - p)).collect();
        let all: Vec<usize> = (0..ex.len()).collect();
        let Some((rk, rt, _)) = best_split(ex, &g, &all) else {
            break;
        };
        let (l, r): (Vec<usize>, Vec<usize>) = all.iter().partition(|&&i| ex[i].features[rk] <= rt);
        let mut children = [(0usize, f32::INFINITY); 2];
        let mut leaves = [0.0f32; 4];
        for (side, part) in [l, r].into_iter().enumerate() {
            match best_split(ex, &g, &part) {
                Some((k, t, _)) => {
                    let (a, b): (Vec<usize>, Vec<usize>) =
                        part.iter().partition(|&&i| ex[i].features[k] <= t);
                    children[side] = (k, t);
                    leaves[2 * side] = leaf(&g, &h, &a);
                    leaves[2 * side + 1] = leaf(&g, &h, &b);
                }
                None => {
                    let v = leaf(&g, &h, &part);
                    children[side] = (0, f32::MAX);
                    leaves[2 * side] = v;
                    leaves[2 * side + 1] = v;
                }
            }
        }
        let tree = Tree {
            root: (rk, rt),
            children,
            leaves,
        };
        for (e, zv) in ex.iter().zip(z.iter_mut()) {
            *zv += f64::from(tree.value(&e.features));
        }
        trees.push(tree);
    }
    Model {
        base: base as f32,
        trees,
        threshold: 0.5,
        family_threshold: 0.5,
    }
}

/// Measure-level precision and recall at each threshold (0.01 … 0.99) from pair
/// probabilities: an A measure is predicted shared with B when some B measure is verbatim by
/// the fixed rule or reaches the threshold.
fn curve(ex: &[Example], prob: &[f32], measures: &[LabelledMeasure]) -> Vec<(f32, f64, f64)> {
    let mut best: HashMap<(String, usize), (bool, f32)> = HashMap::new();
    for (e, p) in ex.iter().zip(prob) {
        // The engine's fixed rules: the verbatim tier, and no paraphrase with a place profile.
        let p = if verbatim_rule(&e.features) {
            1.0
        } else if e.features[PROFILE] > 0.5 {
            0.0
        } else {
            *p
        };
        let entry = best.entry((e.pair_id.clone(), e.a)).or_insert((false, 0.0));
        entry.1 = entry.1.max(p);
    }
    for m in measures {
        best.entry((m.0.clone(), m.1)).or_insert((false, 0.0)).0 = m.3;
    }
    let total_pos = best.values().filter(|v| v.0).count().max(1) as f64;
    (1..=99)
        .map(|step| {
            let th = step as f32 / 100.0;
            let tp = best.values().filter(|v| v.0 && v.1 >= th).count() as f64;
            let pred = best.values().filter(|v| v.1 >= th).count().max(1) as f64;
            (th, tp / pred, tp / total_pos)
        })
        .collect()
}

fn verbatim_rule(f: &[f32; N_FEATURES]) -> bool {
    // f[1] is containment damped for short measures; equal to the raw value from 12 shingles on.
    f[0] >= VERBATIM_JACCARD || f[1] >= VERBATIM_CONTAINMENT
}

fn main() -> Result<(), String> {
    let mut labels =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/measure_pairs_exhaustive");
    let mut dry = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--labels" => labels = PathBuf::from(args.next().ok_or("--labels DIR")?),
            "--dry-run" => dry = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if FEATURES[PROFILE] != "profile" {
        return Err("PROFILE does not index the `profile` feature".into());
    }
    let set = load_label_set(&labels)?;
    let corpus = load_paths(&corpus_paths(&labels));
    let analysis = Analysis::build(&corpus.plans);
    let (ex, measures) = examples(&corpus, &analysis, &set, "tune");
    let positives = ex.iter().filter(|e| e.positive).count();
    eprintln!(
        "tune: {} A measures ({} positive), {} candidate pairs ({} positive)",
        measures.len(),
        measures.iter().filter(|m| m.3).count(),
        ex.len(),
        positives
    );
    if positives == 0 {
        return Err("no positive tune pairs".into());
    }
    // Threshold from leave-one-pair-out cross-validation on the tune part: in-sample
    // probabilities of boosted trees are optimistic.
    let pairs: Vec<String> = {
        let mut p: Vec<String> = ex.iter().map(|e| e.pair_id.clone()).collect();
        p.sort();
        p.dedup();
        p
    };
    let mut cv_prob = vec![0.0f32; ex.len()];
    for held in &pairs {
        let train: Vec<Example> = ex.iter().filter(|e| &e.pair_id != held).cloned().collect();
        let m = fit(&train);
        for (e, p) in ex.iter().zip(cv_prob.iter_mut()) {
            if &e.pair_id == held {
                *p = m.probability(&e.features);
            }
        }
    }
    let points = curve(&ex, &cv_prob, &measures);
    for (th, p, r) in &points {
        if (th * 100.0).round() as i32 % 5 == 0 {
            eprintln!("  threshold {th:.2}: cross-validated tune P {p:.3} R {r:.3}");
        }
    }
    let (th, p, r) = points
        .iter()
        .copied()
        .max_by(|a, b| {
            let ka = (a.1 - GOAL_P).min(a.2 - GOAL_R);
            let kb = (b.1 - GOAL_P).min(b.2 - GOAL_R);
            ka.total_cmp(&kb)
        })
        .unwrap_or((0.5, 0.0, 0.0));
    // Families take the precision-oriented point: the lowest threshold whose cross-validated
    // tune precision reaches the goal (at least the link threshold).
    let family_th = points
        .iter()
        .find(|(t, p, _)| *t >= th && *p >= GOAL_P)
        .map_or(0.5f32.max(th), |x| x.0);
    let mut model = fit(&ex);
    model.threshold = th;
    model.family_threshold = family_th;
    eprintln!(
        "{} trees; chosen threshold {th:.2}: cross-validated tune P {p:.3} R {r:.3}; family threshold {family_th:.2}",
        model.trees.len()
    );
    let header = format!(
        "Paraphrase scorer of src/matching: gradient-boosted trees (depth 2, {TREES} rounds, rate\n\
         {RATE}, leaves of at least {MIN_LEAF} pairs) over the pair features, log loss.\n\
         Written by `cargo run --release --no-default-features --example train_matching`;\n\
         fitted on the TUNE part of tests/fixtures/measure_pairs_exhaustive ({} A measures,\n\
         {} candidate pairs, {} positive). Threshold: the one whose leave-one-pair-out\n\
         cross-validated tune figures come closest to P >= {GOAL_P} and R >= {GOAL_R}\n\
         (cross-validated tune P {:.3}, R {:.3}). Family threshold: the lowest whose\n\
         cross-validated tune precision reaches {GOAL_P}. Do not edit by hand; re-run the example.",
        measures.len(),
        ex.len(),
        positives,
        p,
        r
    );
    let text = model.to_text(&header);
    if dry {
        print!("{text}");
    } else {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/dict/matcher_model.txt");
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
