//! Words of a measure: jieba-rs with a policy dictionary and a stopword list.
//!
//! Matching and key terms work on words, not characters: `集体经营性建设用地` must be one term,
//! not five, and `加快推进` says nothing about what a measure does. jieba-rs (same segmentation as
//! Python jieba) cuts the normalised (simplified, half-width) text; `assets/dict/policy_terms.txt`
//! adds the domain terms, `assets/dict/stopwords.txt` lists the function words and boilerplate
//! verbs that are dropped. The tokenizer is built once per process ([`Tokenizer::global`]):
//! building jieba costs 40–90 ms, cutting is ~16 M tokens/s.
//!
//! `assets/dict/instruments.txt` lists policy instruments with their variants and abbreviations
//! (`城乡建设用地增减挂钩|增减挂钩|…`, `医疗共同体|医共体|…`): every form is a policy term, short forms
//! (≤ 4 characters, holding no dictionary term) become dictionary words, and
//! [`Tokenizer::canonical`] maps each form to the set's first form, so that measure
//! matching ([`crate::matching`]) sees one term where plans use several names.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use jieba_rs::Jieba;

const POLICY_TERMS: &str = include_str!("../assets/dict/policy_terms.txt");
const STOPWORDS: &str = include_str!("../assets/dict/stopwords.txt");
const INSTRUMENTS: &str = include_str!("../assets/dict/instruments.txt");

/// jieba frequency for a dictionary word of `chars` characters (as in `policy_terms.txt`).
fn freq_for(chars: usize) -> usize {
    match chars {
        0..=2 => 20000,
        3 => 8000,
        4 => 5000,
        _ => 3000,
    }
}

/// jieba with the domain dictionary, plus the stopword list.
pub struct Tokenizer {
    jieba: Jieba,
    stopwords: HashSet<String>,
    policy_terms: HashSet<String>,
    /// Variant → canonical form of its instrument set (canonical forms map to themselves).
    canonical: HashMap<String, String>,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("stopwords", &self.stopwords.len())
            .finish()
    }
}

impl Default for Tokenizer {
    fn default() -> Self {
        Self::new()
    }
}

impl Tokenizer {
    /// Build jieba with the embedded default dictionary and the policy terms.
    pub fn new() -> Tokenizer {
        let mut jieba = Jieba::new();
        let mut policy_terms = HashSet::new();
        for line in POLICY_TERMS.lines() {
            let mut parts = line.split_whitespace();
            let Some(word) = parts.next() else { continue };
            policy_terms.insert(word.to_string());
            let freq = parts.next().and_then(|f| f.parse().ok());
            let tag = parts.next();
            jieba.add_word(word, freq, tag);
        }
        let mut canonical = HashMap::new();
        let dict_terms: Vec<String> = policy_terms.iter().cloned().collect();
        for line in INSTRUMENTS.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let forms: Vec<&str> = line
                .split('|')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .collect();
            let Some(&head) = forms.first() else { continue };
            for f in &forms {
                // Short forms become words; a longer compound that holds a dictionary term
                // (`宅基地有偿退出`) is not added, so that search and coding still find the term
                // inside it.
                let holds_term = dict_terms
                    .iter()
                    .any(|t| t.len() < f.len() && f.contains(t.as_str()));
                if !policy_terms.contains(*f) && f.chars().count() <= 4 && !holds_term {
                    jieba.add_word(f, Some(freq_for(f.chars().count())), Some("n"));
                }
                policy_terms.insert((*f).to_string());
                canonical
                    .entry((*f).to_string())
                    .or_insert_with(|| head.to_string());
            }
        }
        let stopwords = STOPWORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        Tokenizer {
            jieba,
            stopwords,
            policy_terms,
            canonical,
        }
    }

    /// The process-wide tokenizer.
    pub fn global() -> &'static Tokenizer {
        static TOKENIZER: OnceLock<Tokenizer> = OnceLock::new();
        TOKENIZER.get_or_init(Tokenizer::new)
    }

    /// Is `word` a stopword?
    pub fn is_stopword(&self, word: &str) -> bool {
        self.stopwords.contains(word)
    }

    /// Is `word` a term of the policy dictionary?
    pub fn is_policy_term(&self, word: &str) -> bool {
        self.policy_terms.contains(word)
    }

    /// The canonical form of a policy instrument's variant (`增减挂钩` → `城乡建设用地增减挂钩`),
    /// or `None` when `word` is in no instrument set.
    pub fn canonical(&self, word: &str) -> Option<&str> {
        self.canonical.get(word).map(String::as_str)
    }

    /// Number of instrument sets and of forms in them.
    pub fn instrument_counts(&self) -> (usize, usize) {
        let sets: HashSet<&str> = self.canonical.values().map(String::as_str).collect();
        (sets.len(), self.canonical.len())
    }

    /// Every word of a normalised text except whitespace and punctuation (for search).
    pub fn words<'a>(&self, norm: &'a str) -> Vec<&'a str> {
        self.jieba
            .cut(norm, true)
            .into_iter()
            .map(|t| t.word)
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .collect()
    }

    /// The content terms of a normalised text: words minus stopwords and bare numbers.
    pub fn terms<'a>(&self, norm: &'a str) -> Vec<&'a str> {
        self.words(norm)
            .into_iter()
            .filter(|w| !self.stopwords.contains(*w))
            .filter(|w| {
                !w.chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == '%')
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_terms_stay_whole_and_boilerplate_goes() {
        let t = Tokenizer::global();
        let terms = t.terms("加快推进城乡融合发展,积极探索新型城镇化路径。");
        assert!(terms.iter().any(|t| t.starts_with("城乡融合")), "{terms:?}");
        assert!(
            t.terms("集体经营性建设用地入市")
                .contains(&"集体经营性建设用地")
        );
        assert!(terms.contains(&"新型城镇化"), "{terms:?}");
        assert!(!terms.contains(&"加快") && !terms.contains(&"推进") && !terms.contains(&"积极"));
        assert!(!terms.iter().any(|w| w.contains(',') || w.contains('。')));
    }

    #[test]
    fn instrument_variants_share_a_canonical_form() {
        let t = Tokenizer::global();
        let a = t.terms("推进城乡建设用地增减挂钩");
        let b = t.terms("用好增减挂钩节余指标");
        let ca: Vec<&str> = a.iter().filter_map(|w| t.canonical(w)).collect();
        let cb: Vec<&str> = b.iter().filter_map(|w| t.canonical(w)).collect();
        assert!(ca.iter().any(|c| cb.contains(c)), "{a:?} {b:?}");
        assert_eq!(t.canonical("医共体"), t.canonical("医疗共同体"));
        assert_eq!(t.canonical("PPP"), Some("政府和社会资本合作"));
        assert!(
            t.terms("组建县域医共体")
                .iter()
                .any(|w| t.canonical(w).is_some())
        );
        let (sets, forms) = t.instrument_counts();
        assert!(
            sets >= 100 && forms > sets * 3,
            "{sets} sets, {forms} forms"
        );
    }
}
