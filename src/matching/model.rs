//! The paraphrase scorer's model: logistic regression over the pair features, weights shipped
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
];
/// Number of pair features.
pub const N_FEATURES: usize = 12;

const MODEL_TEXT: &str = include_str!("../../assets/dict/matcher_model.txt");

/// The paraphrase scorer: logistic regression over [`FEATURES`].
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Intercept.
    pub bias: f32,
    /// One weight per feature, in [`FEATURES`] order.
    pub weights: [f32; N_FEATURES],
    /// Probability at or above which a pair is a paraphrase.
    pub threshold: f32,
}

impl Model {
    /// Parse the model file format: `name value` lines (`bias`, `threshold` and one line per
    /// feature), `#` comments.
    pub fn parse(text: &str) -> Result<Model, String> {
        let mut bias = None;
        let mut threshold = None;
        let mut weights = [None; N_FEATURES];
        for (no, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split_whitespace();
            let (Some(name), Some(value)) = (parts.next(), parts.next()) else {
                return Err(format!("line {}: expected `name value`", no + 1));
            };
            let value: f32 = value
                .parse()
                .map_err(|_| format!("line {}: `{value}` is not a number", no + 1))?;
            match name {
                "bias" => bias = Some(value),
                "threshold" => threshold = Some(value),
                _ => {
                    let k = FEATURES
                        .iter()
                        .position(|f| *f == name)
                        .ok_or_else(|| format!("line {}: unknown feature `{name}`", no + 1))?;
                    weights[k] = Some(value);
                }
            }
        }
        let mut w = [0.0; N_FEATURES];
        for (k, v) in weights.iter().enumerate() {
            w[k] = v.ok_or_else(|| format!("feature `{}` has no weight", FEATURES[k]))?;
        }
        Ok(Model {
            bias: bias.ok_or("no `bias` line")?,
            weights: w,
            threshold: threshold.ok_or("no `threshold` line")?,
        })
    }

    /// The model shipped in `assets/dict/matcher_model.txt` (checked by a unit test).
    pub fn shipped() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| {
            Model::parse(MODEL_TEXT).unwrap_or(Model {
                // Never used in practice: the unit test `shipped_model_parses` guards the file.
                bias: -4.0,
                weights: [2.0, 1.0, 5.0, 2.0, 2.0, 1.0, 1.0, 0.0, -1.0, -1.0, 1.0, 1.0],
                threshold: 0.5,
            })
        })
    }

    /// Probability that a pair with these features is the same measure.
    pub fn probability(&self, f: &[f32; N_FEATURES]) -> f32 {
        let z = self.bias + self.weights.iter().zip(f).map(|(w, x)| w * x).sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }

    /// Write the model in the format [`Model::parse`] reads.
    pub fn to_text(&self, header: &str) -> String {
        let mut out = String::new();
        for l in header.lines() {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
        out.push_str(&format!("bias {}\n", self.bias));
        for (name, w) in FEATURES.iter().zip(&self.weights) {
            out.push_str(&format!("{name} {w}\n"));
        }
        out.push_str(&format!("threshold {}\n", self.threshold));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_model_parses() {
        let m = Model::parse(MODEL_TEXT).expect("assets/dict/matcher_model.txt parses");
        assert!(m.threshold > 0.0 && m.threshold < 1.0);
        let back = Model::parse(&m.to_text("round trip")).expect("round trip");
        assert_eq!(back, m);
        assert!(Model::parse("bias 1\nthreshold 0.5\n").is_err());
        assert!(Model::parse("bias x").is_err());
    }
}
