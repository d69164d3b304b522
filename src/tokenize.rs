//! Words of a measure: jieba-rs with a policy dictionary and a stopword list.
//!
//! Matching and key terms work on words, not characters: `集体经营性建设用地` must be one term,
//! not five, and `加快推进` says nothing about what a measure does. jieba-rs (same segmentation as
//! Python jieba) cuts the normalised (simplified, half-width) text; `assets/dict/policy_terms.txt`
//! adds the domain terms, `assets/dict/stopwords.txt` lists the function words and boilerplate
//! verbs that are dropped. The tokenizer is built once per process ([`Tokenizer::global`]):
//! building jieba costs 40–90 ms, cutting is ~16 M tokens/s. [`Tokenizer::for_texts`] builds one
//! for given texts only (the words of jieba's dictionary that can occur in them), the same cuts
//! in a fraction of the time: `duizhao measures` analyses with it
//! ([`crate::matching::Analysis::build_with`]).
//!
//! `assets/dict/instruments.txt` lists policy instruments with their variants and abbreviations
//! (`城乡建设用地增减挂钩|增减挂钩|…`, `医疗共同体|医共体|…`): every form is a policy term, short forms
//! (≤ 4 characters, holding no dictionary term) become dictionary words, and
//! [`Tokenizer::canonical`] maps each form to the set's first form, so that measure
//! matching ([`crate::matching`]) sees one term where plans use several names.

use std::collections::HashSet;

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::OnceLock;

use jieba_rs::Jieba;

const POLICY_TERMS: &str = include_str!("../assets/dict/policy_terms.txt");
const STOPWORDS: &str = include_str!("../assets/dict/stopwords.txt");
const INSTRUMENTS: &str = include_str!("../assets/dict/instruments.txt");
/// jieba-rs's default dictionary (its `src/data/dict.txt`, byte for byte), for
/// [`Tokenizer::for_texts`]; jieba-rs keeps its own copy private. The repository keeps it
/// zstd-compressed (`assets/dict/jieba_dict.txt.zst`); `build.rs` decompresses it at build
/// time, so that a start does not spend 15–20 ms of CPU on it.
const JIEBA_DICT: &str = include_str!(concat!(env!("OUT_DIR"), "/jieba_dict.txt"));
/// Fourteen bytes per line of [`JIEBA_DICT`] (written by `build.rs`): the line's byte offset
/// (u32 little-endian), the byte lengths of its word and of the line, and the key of the
/// word's first character pair ([`pair_key`]; [`single_key`] for a word of one character, u64
/// little-endian).
const JIEBA_DICT_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/jieba_dict.idx"));
/// Bytes per entry of [`JIEBA_DICT_INDEX`].
const INDEX_ENTRY: usize = 14;
/// Sum of the frequencies of [`JIEBA_DICT`] (checked by a unit test).
const JIEBA_DICT_TOTAL: usize = 60_101_964;

/// jieba frequency for a dictionary word of `chars` characters (as in `policy_terms.txt`).
fn freq_for(chars: usize) -> usize {
    match chars {
        0..=2 => 20000,
        3 => 8000,
        4 => 5000,
        _ => 3000,
    }
}

static TOKENIZER: OnceLock<Tokenizer> = OnceLock::new();

/// Key of a pair of adjacent characters in a [`PairSet`].
fn pair_key(a: char, b: char) -> u64 {
    (a as u64) << 21 | b as u64
}

/// Every character of `text` and every pair of neighbouring characters, into `set`.
fn add_text_pairs(set: &mut PairSet, text: &str) {
    let mut prev: Option<char> = None;
    for c in text.chars() {
        set.insert(single_key(c));
        if let Some(p) = prev {
            set.insert(pair_key(p, c));
        }
        prev = Some(c);
    }
}

/// Key of one character in a [`PairSet`] (no pair has bit 63).
fn single_key(c: char) -> u64 {
    1 << 63 | c as u64
}

/// A set of character pairs: open addressing, multiplicative hashing (a `HashSet` with
/// SipHash took longer than the rest of [`Tokenizer::for_texts`]), and a one-bit-per-hash
/// filter of 128 KiB in front of the table: most of the dictionary's words are not in the
/// texts, and the filter (which stays in cache where the table of the seeds' 2 MB does not)
/// rejects most of them.
struct PairSet {
    /// Keys plus one (0 = empty).
    slots: Vec<u64>,
    len: usize,
    /// Bit `filter_bit(key)` is set for every key in the set.
    filter: Vec<u64>,
}

/// Bits of [`PairSet`]'s filter: 2^20.
const PAIR_FILTER_BITS: u32 = 20;

/// The filter bit of a key (the top bits of a multiplicative hash other than the table's).
fn filter_bit(key: u64) -> usize {
    (key.wrapping_mul(0xD6E8_FEB8_6659_FD93) >> (64 - PAIR_FILTER_BITS)) as usize
}

impl Default for PairSet {
    fn default() -> PairSet {
        PairSet {
            slots: vec![0; 1 << 12],
            len: 0,
            filter: vec![0; 1 << (PAIR_FILTER_BITS - 6)],
        }
    }
}

impl PairSet {
    fn slot(&self, key: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask;
        loop {
            let s = self.slots[i];
            if s == 0 || s == key.wrapping_add(1) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    fn contains(&self, key: u64) -> bool {
        let b = filter_bit(key);
        self.filter[b >> 6] >> (b & 63) & 1 != 0 && self.slots[self.slot(key)] != 0
    }

    fn insert(&mut self, key: u64) {
        let b = filter_bit(key);
        self.filter[b >> 6] |= 1 << (b & 63);
        let i = self.slot(key);
        if self.slots[i] != 0 {
            return;
        }
        self.slots[i] = key.wrapping_add(1);
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            let grown = vec![0; self.slots.len() * 2];
            let old = std::mem::replace(&mut self.slots, grown);
            for s in old.into_iter().filter(|s| *s != 0) {
                let j = self.slot(s.wrapping_sub(1));
                self.slots[j] = s;
            }
        }
    }
}

/// jieba with the domain dictionary, plus the stopword list.
pub struct Tokenizer {
    jieba: Jieba,
    stopwords: FxHashSet<String>,
    policy_terms: FxHashSet<String>,
    /// Variant → canonical form of its instrument set (canonical forms map to themselves).
    canonical: FxHashMap<String, String>,
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
        Tokenizer::with_jieba(Jieba::new())
    }

    /// The tokenizer over `jieba` (a base dictionary) with the policy terms added.
    fn with_jieba(mut jieba: Jieba) -> Tokenizer {
        let mut policy_terms = FxHashSet::default();
        for line in POLICY_TERMS.lines() {
            let mut parts = line.split_whitespace();
            let Some(word) = parts.next() else { continue };
            policy_terms.insert(word.to_string());
            let freq = parts.next().and_then(|f| f.parse().ok());
            let tag = parts.next();
            jieba.add_word(word, freq, tag);
        }
        let mut canonical = FxHashMap::default();
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
                let holds_term = || {
                    dict_terms
                        .iter()
                        .any(|t| t.len() < f.len() && f.contains(t.as_str()))
                };
                if !policy_terms.contains(*f) && f.chars().count() <= 4 && !holds_term() {
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
        TOKENIZER.get_or_init(Tokenizer::new)
    }

    /// The process-wide tokenizer if it has been built already.
    pub fn global_if_built() -> Option<&'static Tokenizer> {
        TOKENIZER.get()
    }

    /// A tokenizer that cuts `texts`, and any part of them, exactly as [`Tokenizer::global`]
    /// does, built in a fraction of its time for a small corpus (the seeds: about 12,000 of
    /// jieba's 349,000 words). Use it for those texts only.
    ///
    /// jieba's segmentation of a text depends on the dictionary words that occur in it (their
    /// frequencies), on whether a run of characters is a word, and on the sum of all
    /// frequencies. Its dictionary here keeps the words of jieba's whose every pair of adjacent
    /// characters (the character, for one-character words) occurs in `texts` or in the policy
    /// dictionary (so every policy term finds the entry it would find in the full dictionary),
    /// plus one word that occurs in none of them, made of a private-use character, carrying the
    /// frequencies of the words left out: the sum stays that of the full dictionary. `None` when
    /// no such character is free or the embedded dictionary's frequencies do not add up.
    pub fn for_texts<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<Tokenizer> {
        let clock = crate::phase_clock::PhaseClock::start();
        let own = POLICY_TERMS.lines().chain(INSTRUMENTS.lines());
        let mut pairs = PairSet::default();
        for text in texts.into_iter().chain(own) {
            add_text_pairs(&mut pairs, text);
        }
        clock.lap("tokenizer: character pairs of the texts");
        let free = ('\u{E000}'..='\u{F8FF}').find(|c| !pairs.contains(single_key(*c)))?;
        // Two halves of the dictionary's lines filtered in parallel.
        let mid = JIEBA_DICT_INDEX.len() / INDEX_ENTRY / 2 * INDEX_ENTRY;
        let (first, second) = rayon::join(
            || keep_indexed(&JIEBA_DICT_INDEX[..mid], &pairs),
            || keep_indexed(&JIEBA_DICT_INDEX[mid..], &pairs),
        );
        let ((mut kept, kept_total), (rest_kept, rest_total)) = (first?, second?);
        kept.push_str(&rest_kept);
        let rest = JIEBA_DICT_TOTAL.checked_sub(kept_total + rest_total)?;
        if rest > 0 {
            kept.push_str(&format!("{free} {rest}\n"));
        }
        clock.lap("tokenizer: dictionary filtered");
        let jieba = Jieba::with_dict(&mut kept.as_bytes()).ok()?;
        clock.lap("tokenizer: jieba built");
        let t = Tokenizer::with_jieba(jieba);
        clock.lap("tokenizer: stopwords and policy terms");
        Some(t)
    }
}

/// The lines of [`JIEBA_DICT`] listed in `index` (entries of [`JIEBA_DICT_INDEX`]) whose words
/// occur in the texts of `pairs` (see [`Tokenizer::for_texts`]), and the sum of their
/// frequencies: what [`keep_words`] keeps of those lines, without splitting the dictionary
/// into lines and words on every start. `None` if an entry does not fit the dictionary.
fn keep_indexed(index: &[u8], pairs: &PairSet) -> Option<(String, usize)> {
    let mut kept = String::new();
    let mut kept_total = 0usize;
    for e in index.chunks_exact(INDEX_ENTRY) {
        // Most words are out at their first pair, read without decoding the word.
        let first_key = u64::from_le_bytes([e[6], e[7], e[8], e[9], e[10], e[11], e[12], e[13]]);
        if !pairs.contains(first_key) {
            continue;
        }
        let start = u32::from_le_bytes([e[0], e[1], e[2], e[3]]) as usize;
        let line = JIEBA_DICT.get(start..start + usize::from(e[5]))?;
        let word = line.get(..usize::from(e[4]))?;
        if word_occurs(word, pairs) {
            kept_total += line
                .split_ascii_whitespace()
                .nth(1)
                .and_then(|f| f.parse::<usize>().ok())
                .unwrap_or(0);
            kept.push_str(line);
            kept.push('\n');
        }
    }
    Some((kept, kept_total))
}

/// Can `word` occur in the texts of `pairs`: each pair of adjacent characters does (a word of
/// one character: the character does)?
fn word_occurs(word: &str, pairs: &PairSet) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let mut prev = first;
    if word.len() == first.len_utf8() {
        pairs.contains(single_key(first))
    } else {
        chars.all(|c| {
            let pair = pair_key(prev, c);
            prev = c;
            pairs.contains(pair)
        })
    }
}

/// The lines of `dict` whose words occur in the texts of `pairs` (see [`Tokenizer::for_texts`]),
/// and the sum of their frequencies (the reference for [`keep_indexed`]).
#[cfg(test)]
fn keep_words(dict: &str, pairs: &PairSet) -> (String, usize) {
    let mut kept = String::new();
    let mut kept_total = 0usize;
    for line in dict.lines() {
        let mut parts = line.split_ascii_whitespace();
        let Some(word) = parts.next() else { continue };
        if word_occurs(word, pairs) {
            kept_total += parts
                .next()
                .and_then(|f| f.parse::<usize>().ok())
                .unwrap_or(0);
            kept.push_str(line);
            kept.push('\n');
        }
    }
    (kept, kept_total)
}

impl Tokenizer {
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

    /// The pair set (filter and table) holds exactly what was inserted.
    #[test]
    fn pair_set_is_exact() {
        let mut set = PairSet::default();
        let mut reference = HashSet::new();
        let mut state = 11u64;
        for k in 0..200_000u64 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let key = if k % 2 == 0 {
                pair_key(
                    char::from_u32(0x4E00 + (state >> 40) as u32 % 3000).unwrap_or('a'),
                    char::from_u32(0x4E00 + (state >> 20) as u32 % 3000).unwrap_or('a'),
                )
            } else {
                single_key(char::from_u32(0x4E00 + (state >> 33) as u32 % 20000).unwrap_or('a'))
            };
            if k % 3 == 0 {
                set.insert(key);
                reference.insert(key);
            } else {
                assert_eq!(set.contains(key), reference.contains(&key), "{key:x}");
            }
        }
        assert!(reference.len() > 30_000, "{}", reference.len());
        assert!(reference.iter().all(|k| set.contains(*k)));
    }

    #[test]
    fn embedded_dictionary_total_is_its_frequency_sum() {
        let dict = JIEBA_DICT;
        let mut lines = 0;
        let mut total = 0usize;
        for line in dict.lines() {
            let parts: Vec<&str> = line.split_ascii_whitespace().collect();
            assert_eq!(parts.len(), 3, "{line}");
            total += parts[1].parse::<usize>().expect("frequency");
            lines += 1;
        }
        assert_eq!(total, JIEBA_DICT_TOTAL);
        assert!(lines > 300_000, "{lines} words");
    }

    /// The filter over `build.rs`'s line index keeps the very lines, in the same order, with the
    /// same frequency sum, as splitting the dictionary into lines: for the pairs of a seed and
    /// for a pair set holding every character pair of the dictionary itself.
    #[test]
    fn indexed_filter_keeps_what_the_line_filter_keeps() {
        let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("seeds/01_xixian_new_area_urban_rural_integration_plan.txt");
        let text = crate::normalize::normalize_str(&std::fs::read_to_string(seed).expect("seed"));
        let mut some = PairSet::default();
        let mut all = PairSet::default();
        add_text_pairs(&mut some, &text);
        add_text_pairs(&mut all, JIEBA_DICT);
        let entries = JIEBA_DICT_INDEX.len() / INDEX_ENTRY;
        assert_eq!(entries, JIEBA_DICT.lines().count());
        for set in [&some, &all] {
            let (kept, total) = keep_indexed(JIEBA_DICT_INDEX, set).expect("index fits");
            assert_eq!((kept.clone(), total), keep_words(JIEBA_DICT, set));
            assert!(kept.lines().count() > 1_000, "{}", kept.lines().count());
        }
        // Every word's pairs are in the dictionary's own set: everything is kept.
        assert_eq!(
            keep_indexed(JIEBA_DICT_INDEX, &all).map(|k| k.1),
            Some(JIEBA_DICT_TOTAL)
        );
    }

    /// The tokenizer for given texts cuts them (and parts of them) as the full one does: every
    /// line of the five seeds, normalised, plus the policy terms and a few texts of other
    /// scripts and unknown words.
    #[test]
    fn tokenizer_for_texts_cuts_them_as_the_full_dictionary() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut texts: Vec<String> = Vec::new();
        for e in std::fs::read_dir(&dir).expect("seeds") {
            let text = std::fs::read_to_string(e.expect("entry").path()).expect("seed text");
            texts.extend(text.lines().map(crate::normalize::normalize_str));
        }
        texts.extend(
            [
                "鼓励社会资本参与PPP项目,3D打印与4S店",
                "区块链赋能乡村振兴,数字孪生城市",
                "丁克一族与暴走族在奥特莱斯",
                "鋼筋混凝土 ü ğ 😀",
            ]
            .map(str::to_string),
        );
        let full = Tokenizer::global();
        let part = Tokenizer::for_texts(texts.iter().map(String::as_str)).expect("built");
        assert!(part.jieba.has_word("城乡融合") && !part.jieba.has_word("蔬菜大棚"));
        let mut words = 0;
        for t in &texts {
            assert_eq!(part.words(t), full.words(t), "{t}");
            assert_eq!(part.terms(t), full.terms(t), "{t}");
            // A part of a text is cut as the full dictionary cuts it too.
            let half: String = t.chars().skip(t.chars().count() / 3).collect();
            assert_eq!(part.words(&half), full.words(&half), "{half}");
            words += full.words(t).len();
        }
        assert!(words > 50_000, "{words} words");
        assert_eq!(part.instrument_counts(), full.instrument_counts());
    }

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
