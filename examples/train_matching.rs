//! Fit the paraphrase scorer (logistic regression over `duizhao::matching::FEATURES`) on the
//! TUNE part of the exhaustively labelled plan pairs, pick its threshold, and write
//! `assets/dict/matcher_model.txt`.
//!
//! `cargo run --no-default-features --release --example train_matching -- [--labels DIR] [--dry-run]`
//!
//! Examples: every (labelled A measure, B measure) pair of a tune plan pair that shares
//! anything at all; positive when B is a labelled verbatim or paraphrase partner of A. Pairs of
//! the test part are never read. Fitting: full-batch gradient descent on the L2-regularised log
//! loss (λ = 1e-3), positives weighted so that both classes weigh the same. Threshold: the
//! lowest probability at which the simulated measure-level precision on the tune part (an A
//! measure is predicted shared with B when some B measure is verbatim by the fixed rule or
//! reaches the threshold) is at least `TARGET_PRECISION`; if none reaches it, the threshold of
//! the best F1.

use std::collections::HashMap;
use std::path::PathBuf;

use duizhao::corpus::load_paths;
use duizhao::match_eval::{Example, corpus_paths, examples, load_label_set};
use duizhao::matching::{
    Analysis, FEATURES, Model, N_FEATURES, VERBATIM_CONTAINMENT, VERBATIM_JACCARD,
};

/// Precision the threshold aims for on the tune part (the point where precision and recall meet on the tune part; see docs/matching.md).
const TARGET_PRECISION: f64 = 0.73;
const LAMBDA: f64 = 1e-3;
const EPOCHS: usize = 4000;
const RATE: f64 = 1.0;

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn fit(ex: &[Example]) -> ([f64; N_FEATURES], f64) {
    let pos = ex.iter().filter(|e| e.positive).count().max(1) as f64;
    let neg = (ex.len() as f64 - pos).max(1.0);
    let (wp, wn) = (ex.len() as f64 / (2.0 * pos), ex.len() as f64 / (2.0 * neg));
    let mut w = [0.0f64; N_FEATURES];
    let mut b = 0.0f64;
    let n = ex.len().max(1) as f64;
    for _ in 0..EPOCHS {
        let mut gw = [0.0f64; N_FEATURES];
        let mut gb = 0.0;
        for e in ex {
            let z = b + w
                .iter()
                .zip(&e.features)
                .map(|(w, x)| w * f64::from(*x))
                .sum::<f64>();
            let y = if e.positive { 1.0 } else { 0.0 };
            let weight = if e.positive { wp } else { wn };
            let g = weight * (sigmoid(z) - y);
            for (gk, x) in gw.iter_mut().zip(&e.features) {
                *gk += g * f64::from(*x);
            }
            gb += g;
        }
        for k in 0..N_FEATURES {
            w[k] -= RATE * (gw[k] / n + LAMBDA * w[k]);
        }
        b -= RATE * gb / n;
    }
    (w, b)
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
    let (w, b) = fit(&ex);
    let mut model = Model {
        bias: b as f32,
        weights: [0.0; N_FEATURES],
        threshold: 0.5,
    };
    for k in 0..N_FEATURES {
        model.weights[k] = w[k] as f32;
        eprintln!("  {:<20} {:>8.3}", FEATURES[k], w[k]);
    }
    eprintln!("  {:<20} {:>8.3}", "bias", b);
    // Measure-level simulation: best probability per (pair, A measure).
    let mut best: HashMap<(String, usize), (bool, f32)> = HashMap::new();
    for e in &ex {
        let p = if verbatim_rule(&e.features) {
            1.0
        } else {
            model.probability(&e.features)
        };
        let entry = best.entry((e.pair_id.clone(), e.a)).or_insert((false, 0.0));
        entry.1 = entry.1.max(p);
    }
    for m in &measures {
        best.entry((m.0.clone(), m.1)).or_insert((false, 0.0)).0 = m.3;
    }
    let total_pos = best.values().filter(|v| v.0).count().max(1) as f64;
    let mut chosen: Option<(f32, f64, f64)> = None;
    let mut best_f1: (f32, f64, f64, f64) = (0.5, 0.0, 0.0, 0.0);
    for step in 5..=95 {
        let th = step as f32 / 100.0;
        let predicted: Vec<bool> = best.values().map(|v| v.1 >= th).collect();
        let tp = best.values().filter(|v| v.0 && v.1 >= th).count() as f64;
        let pred = predicted.iter().filter(|p| **p).count().max(1) as f64;
        let (p, r) = (tp / pred, tp / total_pos);
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        eprintln!("  threshold {th:.2}: P {p:.3} R {r:.3} F1 {f1:.3}");
        if chosen.is_none() && p >= TARGET_PRECISION {
            chosen = Some((th, p, r));
        }
        if f1 > best_f1.3 {
            best_f1 = (th, p, r, f1);
        }
    }
    let (th, p, r) = chosen.unwrap_or((best_f1.0, best_f1.1, best_f1.2));
    model.threshold = th;
    eprintln!("chosen threshold {th:.2}: simulated tune P {p:.3} R {r:.3}");
    let header = format!(
        "Paraphrase scorer of src/matching.rs: logistic regression over the pair features.\n\
         Written by `cargo run --release --no-default-features --example train_matching`;\n\
         fitted on the TUNE part of tests/fixtures/measure_pairs_exhaustive ({} A measures,\n\
         {} candidate pairs, {} positive). Threshold: lowest with simulated tune precision >= {}\n\
         (simulated tune P {:.3}, R {:.3}). Do not edit by hand; re-run the example.",
        measures.len(),
        ex.len(),
        positives,
        TARGET_PRECISION,
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
