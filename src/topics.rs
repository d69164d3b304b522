//! Topic profiles of policy text: how much of a passage speaks of each of a fixed list of policy
//! topics (户籍, 土地, 投融资, 公共服务, 产业, 基础设施, 生态, 治理, 规划, 城镇建设, 乡村).
//!
//! Two task sections of two plans are comparable when they deal with the same policy area even
//! when they share few words: one plan's 宅基地有偿退出 section and another's 增减挂钩 section are
//! both about land. A profile counts the occurrences of each topic's terms
//! (`assets/dict/topics.txt`, documented in `assets/dict/README.md`; matched leftmost-longest in
//! the normalised, simplified text) and is compared by cosine. The alignment uses it as one term
//! of its affinity (see [`crate::align`]).

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

const LEXICON: &str = include_str!("../assets/dict/topics.txt");

/// The topic lexicon: topic names and a matcher over all their terms.
pub struct Lexicon {
    names: Vec<String>,
    /// Topic of each pattern, by pattern index.
    topic_of: Vec<usize>,
    matcher: Option<AhoCorasick>,
}

impl Lexicon {
    /// Parse a lexicon: one topic a line, `name<TAB>term term …`; blank lines and lines starting
    /// with `#` are skipped. A term listed under two topics counts for the first.
    pub fn parse(text: &str) -> Lexicon {
        let mut names = Vec::new();
        let mut terms: Vec<&str> = Vec::new();
        let mut topic_of = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, list)) = line.split_once('\t') else {
                continue;
            };
            let topic = names.len();
            names.push(name.trim().to_owned());
            for term in list.split_whitespace() {
                if !terms.contains(&term) {
                    terms.push(term);
                    topic_of.push(topic);
                }
            }
        }
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&terms)
            .ok();
        Lexicon {
            names,
            topic_of,
            matcher,
        }
    }

    /// The bundled lexicon (`assets/dict/topics.txt`).
    pub fn bundled() -> &'static Lexicon {
        static BUNDLED: OnceLock<Lexicon> = OnceLock::new();
        BUNDLED.get_or_init(|| Lexicon::parse(LEXICON))
    }

    /// The topics' names, in profile order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Adds `weight` to `profile[topic]` for every occurrence of a topic's term in `norm` (a
    /// normalised text). `profile` has one entry per topic (see [`Lexicon::names`]).
    pub fn add(&self, norm: &str, weight: f32, profile: &mut [f32]) {
        let Some(matcher) = &self.matcher else {
            return;
        };
        for m in matcher.find_iter(norm) {
            if let Some(slot) = self
                .topic_of
                .get(m.pattern().as_usize())
                .and_then(|&t| profile.get_mut(t))
            {
                *slot += weight;
            }
        }
    }

    /// The unit-norm profile of some normalised texts, each with its weight (all zero when no
    /// term occurs).
    pub fn profile<'t>(&self, texts: impl IntoIterator<Item = (&'t str, f32)>) -> Vec<f32> {
        let mut profile = vec![0.0; self.names.len()];
        for (text, weight) in texts {
            self.add(text, weight, &mut profile);
        }
        let norm = profile.iter().map(|w| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            profile.iter_mut().for_each(|w| *w /= norm);
        }
        profile
    }
}

/// Cosine of two unit-norm profiles (0 when either is empty or all zero).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_lexicon_has_its_topics() {
        let lex = Lexicon::bundled();
        assert!(lex.names().len() >= 10);
        assert!(lex.names().iter().any(|n| n == "土地"));
    }

    #[test]
    fn land_sections_in_other_words_share_a_profile() {
        let lex = Lexicon::bundled();
        let a = lex.profile([("探索宅基地有偿退出机制，盘活闲置宅基地", 1.0)]);
        let b = lex.profile([("开展城乡建设用地增减挂钩，保障用地指标", 1.0)]);
        let c = lex.profile([("推进随迁子女义务教育，扩大学前教育资源", 1.0)]);
        assert!(cosine(&a, &b) > 0.9, "{a:?} {b:?}");
        assert!(cosine(&a, &c) < 0.1, "{a:?} {c:?}");
    }

    #[test]
    fn longest_term_wins_and_empty_text_gives_zero() {
        let lex = Lexicon::parse("甲\t就业\n乙\t就业服务\n");
        let p = lex.profile([("完善就业服务体系", 1.0)]);
        assert_eq!(p, vec![0.0, 1.0]);
        let z = lex.profile([("", 1.0)]);
        assert_eq!(z, vec![0.0, 0.0]);
        assert_eq!(cosine(&z, &p), 0.0);
    }
}
