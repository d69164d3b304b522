//! The paraphrase scorer's model: gradient-boosted trees over the pair features, weights shipped
//! as data in `assets/dict/matcher_model.txt`.

use std::sync::OnceLock;

/// Names of the pair features the paraphrase scorer uses, in order (see
/// [`super::Analysis::pair_features`]).
pub const FEATURES: [&str; N_FEATURES] = [
    "jaccard",
    "containment",
    "cosine",
    "clause_cosine",
    "term_containment",
    "shared_specific",
    "shared_instruments",
    "length_ratio",
    "boilerplate",
    "quantitative",
    "bigram_containment",
    "bigram_dice",
    "same_kind",
    "profile",
    "baseline_target",
    "number_jaccard",
    "shared_rarest",
    "term_coverage_max",
];
/// Number of pair features.
pub const N_FEATURES: usize = 18;

const MODEL_TEXT: &str = include_str!("../../assets/dict/matcher_model.txt");

/// One regression tree of depth two: `x[feature] <= threshold` goes left. `children` are the
/// splits of the left and right child, `leaves` the values of the four leaves (left-left,
/// left-right, right-left, right-right). A node that was not split has both leaves equal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tree {
    /// Root split: feature index and threshold.
    pub root: (usize, f32),
    /// Splits of the left and the right child.
    pub children: [(usize, f32); 2],
    /// Leaf values (log-odds increments).
    pub leaves: [f32; 4],
}

impl Tree {
    /// The tree's value for a feature vector.
    pub fn value(&self, f: &[f32; N_FEATURES]) -> f32 {
        let side = usize::from(f[self.root.0] > self.root.1);
        let (k, t) = self.children[side];
        self.leaves[2 * side + usize::from(f[k] > t)]
    }
}

/// Mask of the padded feature array [`Model::probability_with`] reads (a power of two minus
/// one, at least [`N_FEATURES`]).
const PADDED_MASK: usize = 31;

/// A [`Tree`] for [`Model::probability_with`]: feature indices of the root, left and right
/// splits as bytes, their thresholds, the four leaves.
#[derive(Debug, Clone, Copy)]
pub(super) struct CompactTree {
    feature: [u8; 3],
    threshold: [f32; 3],
    leaves: [f32; 4],
}

/// The paraphrase scorer: gradient-boosted regression trees (depth two) over [`FEATURES`], a
/// logistic link. Depth-two trees let one feature change the meaning of another (one shared
/// instrument with little else in common is weak evidence; with a high clause cosine, strong),
/// which a linear model cannot express.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Initial log-odds.
    pub base: f32,
    /// The trees, each already scaled by the learning rate.
    pub trees: Vec<Tree>,
    /// Probability at or above which a pair is a paraphrase.
    pub threshold: f32,
    /// Probability at or above which a paraphrase link makes its measure a member of the
    /// family centred on its partner (at least `threshold`): families claim "the same measure
    /// in N plans", so they take the precision-oriented operating point (file line
    /// `family_threshold V`; `threshold` when absent).
    pub family_threshold: f32,
}

fn feature_index(name: &str, no: usize) -> Result<usize, String> {
    FEATURES
        .iter()
        .position(|f| *f == name)
        .ok_or_else(|| format!("line {}: unknown feature `{name}`", no + 1))
}

impl Model {
    /// Parse the model file format: `#` comments, `base V`, `threshold V` and one line per tree,
    /// `family_threshold V` (optional), `tree F T FL TL FR TR V0 V1 V2 V3` (feature names and thresholds of the root, left and
    /// right splits, then the four leaf values).
    pub fn parse(text: &str) -> Result<Model, String> {
        let mut base = None;
        let mut threshold = None;
        let mut family_threshold = None;
        let mut trees = Vec::new();
        for (no, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Vec<&str> = line.split_whitespace().collect();
            let num = |s: &str| -> Result<f32, String> {
                s.parse::<f32>()
                    .map_err(|_| format!("line {}: `{s}` is not a number", no + 1))
            };
            match parts.as_slice() {
                ["base", v] => base = Some(num(v)?),
                ["threshold", v] => threshold = Some(num(v)?),
                ["family_threshold", v] => family_threshold = Some(num(v)?),
                ["tree", f, t, fl, tl, fr, tr, v0, v1, v2, v3] => trees.push(Tree {
                    root: (feature_index(f, no)?, num(t)?),
                    children: [
                        (feature_index(fl, no)?, num(tl)?),
                        (feature_index(fr, no)?, num(tr)?),
                    ],
                    leaves: [num(v0)?, num(v1)?, num(v2)?, num(v3)?],
                }),
                _ => {
                    return Err(format!(
                        "line {}: expected `base V`, `threshold V` or `tree` with 10 fields",
                        no + 1
                    ));
                }
            }
        }
        if trees.is_empty() {
            return Err("no `tree` line".into());
        }
        let threshold = threshold.ok_or("no `threshold` line")?;
        Ok(Model {
            base: base.ok_or("no `base` line")?,
            trees,
            threshold,
            family_threshold: family_threshold.unwrap_or(threshold).max(threshold),
        })
    }

    /// The model shipped in `assets/dict/matcher_model.txt` (checked by a unit test).
    pub fn shipped() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| {
            Model::parse(MODEL_TEXT).unwrap_or(Model {
                // Never used in practice: the unit test `shipped_model_parses` guards the file.
                // Without a model no pair is a paraphrase (verbatim copies are still found).
                base: 0.0,
                trees: Vec::new(),
                threshold: 2.0,
                family_threshold: 2.0,
            })
        })
    }

    /// Log-odds that a pair with these features is the same measure.
    pub fn log_odds(&self, f: &[f32; N_FEATURES]) -> f32 {
        self.base + self.trees.iter().map(|t| t.value(f)).sum::<f32>()
    }

    /// Probability that a pair with these features is the same measure.
    pub fn probability(&self, f: &[f32; N_FEATURES]) -> f32 {
        1.0 / (1.0 + (-self.log_odds(f)).exp())
    }

    /// [`Model::compact`] of [`Model::shipped`], built once.
    pub(super) fn shipped_compact() -> &'static [CompactTree] {
        static TREES: OnceLock<Vec<CompactTree>> = OnceLock::new();
        TREES.get_or_init(|| Model::shipped().compact())
    }

    /// The trees in the compact form [`Model::probability_with`] reads.
    pub(super) fn compact(&self) -> Vec<CompactTree> {
        self.trees
            .iter()
            .map(|t| CompactTree {
                feature: [t.root.0, t.children[0].0, t.children[1].0]
                    .map(|k| (k.min(N_FEATURES) & PADDED_MASK) as u8),
                threshold: [t.root.1, t.children[0].1, t.children[1].1],
                leaves: t.leaves,
            })
            .collect()
    }

    /// [`Model::probability`] from `trees`, [`Model::compact`] of this model: the same float
    /// operations in the same order (the same result to the bit), with no bounds check per
    /// node (the features are read from a padded copy by a masked index).
    pub(super) fn probability_with(&self, trees: &[CompactTree], f: &[f32; N_FEATURES]) -> f32 {
        let mut padded = [0.0f32; PADDED_MASK + 1];
        padded[..N_FEATURES].copy_from_slice(f);
        // Index N_FEATURES (an out-of-range feature, never in a parsed model) reads 0.0 as
        // `f[k]` would not; `compact` maps only valid indices, so it is never read.
        let at = |k: u8| padded[usize::from(k) & PADDED_MASK];
        let sum = trees
            .iter()
            .map(|t| {
                let side = usize::from(at(t.feature[0]) > t.threshold[0]);
                let k = 1 + side;
                t.leaves[(2 * side + usize::from(at(t.feature[k]) > t.threshold[k])) & 3]
            })
            .sum::<f32>();
        1.0 / (1.0 + (-(self.base + sum)).exp())
    }

    /// Write the model in the format [`Model::parse`] reads.
    pub fn to_text(&self, header: &str) -> String {
        let mut out = String::new();
        for l in header.lines() {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
        out.push_str(&format!("base {}\n", self.base));
        out.push_str(&format!("threshold {}\n", self.threshold));
        out.push_str(&format!("family_threshold {}\n", self.family_threshold));
        for t in &self.trees {
            out.push_str(&format!(
                "tree {} {} {} {} {} {} {} {} {} {}\n",
                FEATURES[t.root.0],
                t.root.1,
                FEATURES[t.children[0].0],
                t.children[0].1,
                FEATURES[t.children[1].0],
                t.children[1].1,
                t.leaves[0],
                t.leaves[1],
                t.leaves[2],
                t.leaves[3]
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compact trees give the very probability of the model, to the bit, on feature
    /// vectors around every threshold of the shipped model and on random ones.
    #[test]
    fn compact_trees_give_the_same_probability() {
        let m = Model::shipped();
        let trees = m.compact();
        let mut state = 5u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 40) as f32 / (1u64 << 24) as f32
        };
        let thresholds: Vec<f32> = m
            .trees
            .iter()
            .flat_map(|t| [t.root.1, t.children[0].1, t.children[1].1])
            .collect();
        let mut above = 0;
        for round in 0..20_000 {
            let mut f = [0.0f32; N_FEATURES];
            for (k, x) in f.iter_mut().enumerate() {
                *x = if round % 2 == 0 {
                    // A threshold exactly, or just above it.
                    let t = thresholds[(round + k * 7) % thresholds.len()];
                    if next() < 0.5 { t } else { t + f32::EPSILON }
                } else {
                    next()
                };
            }
            let (a, b) = (m.probability(&f), m.probability_with(&trees, &f));
            assert_eq!(a.to_bits(), b.to_bits(), "{f:?}");
            above += usize::from(a >= m.threshold);
        }
        assert!(above > 0 && above < 20_000, "{above}");
    }

    #[test]
    fn shipped_model_parses() {
        let m = Model::parse(MODEL_TEXT).expect("assets/dict/matcher_model.txt parses");
        assert!(m.threshold > 0.0 && m.threshold < 1.0);
        assert!(m.family_threshold >= m.threshold && m.family_threshold < 1.0);
        let back = Model::parse(&m.to_text("round trip")).expect("round trip");
        assert_eq!(back, m);
        assert!(m.trees.len() >= 10, "{} trees", m.trees.len());
        assert!(Model::parse("base 1\nthreshold 0.5\n").is_err(), "no tree");
        assert!(Model::parse("base x").is_err());
        assert!(
            Model::parse("base 0\nthreshold 0.5\ntree nosuch 1 cosine 1 cosine 1 0 0 0 0").is_err()
        );
        // Probabilities grow with evidence: identical strong features beat empty ones.
        let strong = [
            0.5, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 0.9, 0.0, 0.0, 0.95, 0.9, 1.0, 0.0, 0.0, 0.0, 0.9,
            0.9,
        ];
        let weak = [
            0.0, 0.0, 0.05, 0.1, 0.05, 0.0, 0.0, 0.2, 1.0, 0.0, 0.1, 0.05, 0.0, 1.0, 0.0, 0.0, 0.1,
            0.05,
        ];
        assert!(m.probability(&strong) >= m.threshold);
        assert!(m.probability(&weak) < m.threshold);
    }
}
