//! Codebooks: themes in a tree, their rules and colours, stored as readable RON; loading,
//! validation (duplicates, missing parents, cycles, depth), merging, and the bundled codebooks.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::normalize::normalize_str;

/// Deepest nesting of themes a codebook may have (0 is a top-level theme). Real codebooks have
/// three or four levels; the limit keeps a crafted parent chain from making every tree walk,
/// export and path string grow with its length.
pub const MAX_THEME_DEPTH: usize = 32;

/// A named set of themes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Codebook {
    /// Name shown to the user.
    pub name: String,
    /// Themes in display order; children point to their parent with `parent`.
    pub themes: Vec<Theme>,
}

/// One theme (code) of a codebook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Theme {
    /// Stable id, used by tags and projects (`zhaijidi`); never shown as the name.
    pub theme_id: String,
    /// Chinese name (`宅基地制度改革`).
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Highlight colour, written `"#rrggbb"` in RON (a `(r, g, b)` tuple is read too).
    #[serde(with = "hex_color")]
    pub color: [u8; 3],
    /// What the theme covers: the coding instruction.
    pub description: String,
    /// `theme_id` of the parent theme, if any.
    pub parent: Option<String>,
    /// Rules that propose this theme; the theme matches when any rule matches.
    pub rules: Vec<Rule>,
}

/// A keyword rule over one measure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Rule {
    /// At least one of these must occur (ignored when empty).
    pub any: Vec<String>,
    /// Every one of these must occur.
    pub all: Vec<String>,
    /// None of these may occur.
    pub none: Vec<String>,
}

/// Colours as `"#rrggbb"` strings, reading tuples and arrays too.
mod hex_color {
    use serde::de::{self, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(c: &[u8; 3], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::color_hex(*c))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 3], D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = [u8; 3];
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a colour \"#rrggbb\" or (r, g, b)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<[u8; 3], E> {
                super::parse_color_hex(v)
                    .ok_or_else(|| E::custom(format!("bad colour {v:?}: expected \"#rrggbb\"")))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<[u8; 3], A::Error> {
                let mut out = [0u8; 3];
                for (i, slot) in out.iter_mut().enumerate() {
                    *slot = seq
                        .next_element()?
                        .ok_or_else(|| de::Error::invalid_length(i, &self))?;
                }
                if seq.next_element::<u8>()?.is_some() {
                    return Err(de::Error::invalid_length(4, &self));
                }
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

/// `[192, 57, 43]` → `"#c0392b"`.
pub fn color_hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// `"#c0392b"` (or `"c0392b"`) → `[192, 57, 43]`.
pub fn parse_color_hex(s: &str) -> Option<[u8; 3]> {
    let h = s.trim().trim_start_matches('#');
    if h.len() != 6 || !h.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// Why a codebook could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CodebookError {
    /// The file could not be read.
    #[error("{path}: cannot read codebook: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The file is not valid codebook RON.
    #[error("{path}:{line}:{col}: not a valid codebook: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        col: usize,
        /// What the parser said.
        message: String,
    },
    /// The codebook parsed but is inconsistent.
    #[error("{path}: invalid codebook: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every error found.
        problems: Vec<CodebookProblem>,
    },
    /// The codebook could not be serialised or written.
    #[error("{path}: cannot write codebook: {message}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A name given on the command line is neither a file nor a bundled codebook.
    #[error("{name}: no such codebook file, and not a bundled codebook (bundled: {bundled})")]
    Unknown {
        /// What was asked for.
        name: String,
        /// The bundled names.
        bundled: String,
    },
}

/// Something wrong in a codebook, found by [`Codebook::validate`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodebookProblem {
    /// A theme has an empty id.
    #[error("theme {name:?} has an empty theme_id")]
    EmptyThemeId {
        /// Its name.
        name: String,
    },
    /// Two themes share an id.
    #[error("theme_id {0:?} is used by more than one theme")]
    DuplicateThemeId(String),
    /// A parent that is not a theme of the codebook.
    #[error("theme {theme_id:?} has parent {parent:?}, which is not in the codebook")]
    UnknownParent {
        /// The child.
        theme_id: String,
        /// The missing parent.
        parent: String,
    },
    /// Themes whose parents form a loop.
    #[error("themes {} form a parent cycle", .0.join(" → "))]
    Cycle(Vec<String>),
    /// A theme nested deeper than [`MAX_THEME_DEPTH`] levels.
    #[error(
        "theme {theme_id:?} is nested {depth} levels deep (at most {} allowed)",
        MAX_THEME_DEPTH
    )]
    TooDeep {
        /// The first theme found below the limit.
        theme_id: String,
        /// Its depth (0 for a top-level theme).
        depth: usize,
    },
    /// Two themes with one colour (a warning: highlights could not be told apart).
    #[error("themes {0:?} and {1:?} have the same colour")]
    SameColor(String, String),
    /// A rule term that is empty after normalisation (a warning: it is ignored).
    #[error("theme {0:?} has an empty rule term")]
    EmptyTerm(String),
}

impl CodebookProblem {
    /// Errors make a codebook unusable; the rest are warnings.
    pub fn is_error(&self) -> bool {
        !matches!(self, Self::SameColor(..) | Self::EmptyTerm(_))
    }
}

/// A theme present in both codebooks of a merge with different settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeConflict {
    /// The theme.
    pub theme_id: String,
    /// The field that differs (`name`, `color`, …); the first codebook's value is kept.
    pub field: &'static str,
    /// Value in the first codebook.
    pub ours: String,
    /// Value in the second codebook.
    pub theirs: String,
}

/// Turn a RON error into a [`CodebookError::Parse`] naming the file.
fn parse_error(path: &Path, e: &ron::error::SpannedError) -> CodebookError {
    CodebookError::Parse {
        path: path.to_path_buf(),
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    }
}

impl Codebook {
    /// Parse codebook RON; `origin` names the source in errors. Errors (not warnings) of
    /// [`Codebook::validate`] make it fail.
    pub fn from_ron_str(text: &str, origin: &Path) -> Result<Codebook, CodebookError> {
        let book: Codebook = ron::from_str(text).map_err(|e| parse_error(origin, &e))?;
        let problems: Vec<CodebookProblem> = book
            .validate()
            .into_iter()
            .filter(CodebookProblem::is_error)
            .collect();
        if !problems.is_empty() {
            return Err(CodebookError::Invalid {
                path: origin.to_path_buf(),
                problems,
            });
        }
        Ok(book)
    }

    /// Read and validate a codebook file.
    pub fn load(path: &Path) -> Result<Codebook, CodebookError> {
        let text = std::fs::read_to_string(path).map_err(|source| CodebookError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Codebook::from_ron_str(text.strip_prefix('\u{FEFF}').unwrap_or(&text), path)
    }

    /// A codebook file, or the name of a bundled one (`urban_rural_integration`, with or without
    /// `.ron`).
    pub fn load_or_bundled(name: &str) -> Result<Codebook, CodebookError> {
        let path = Path::new(name);
        if path.exists() {
            return Codebook::load(path);
        }
        let want = name.trim_end_matches(".ron");
        let bundled = bundled_codebooks();
        if let Some((_, book)) = bundled
            .iter()
            .find(|(file, _)| file.trim_end_matches(".ron") == want)
        {
            return Ok(book.clone());
        }
        Err(CodebookError::Unknown {
            name: name.to_string(),
            bundled: bundled
                .iter()
                .map(|(f, _)| f.trim_end_matches(".ron"))
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// Pretty RON, as written by [`Codebook::save`].
    pub fn to_ron_string(&self) -> Result<String, ron::Error> {
        let config = ron::ser::PrettyConfig::new()
            .struct_names(true)
            .indentor("    ".to_string());
        ron::ser::to_string_pretty(self, config)
    }

    /// Write the codebook as pretty RON, atomically.
    pub fn save(&self, path: &Path, overwrite: bool) -> Result<(), CodebookError> {
        let text = self.to_ron_string().map_err(|e| CodebookError::Write {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        crate::fsutil::atomic_write(path, text.as_bytes(), overwrite).map_err(|e| {
            CodebookError::Write {
                path: path.to_path_buf(),
                message: e.to_string(),
            }
        })
    }

    /// The theme with this id.
    pub fn theme(&self, theme_id: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.theme_id == theme_id)
    }

    /// Every problem: duplicate or empty ids, unknown parents, cycles (errors); shared colours and
    /// empty terms (warnings). In codebook order.
    pub fn validate(&self) -> Vec<CodebookProblem> {
        let mut out = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        let mut reported: HashSet<&str> = HashSet::new();
        for t in &self.themes {
            if t.theme_id.trim().is_empty() {
                out.push(CodebookProblem::EmptyThemeId {
                    name: t.name.clone(),
                });
            } else if !seen.insert(&t.theme_id) && reported.insert(&t.theme_id) {
                out.push(CodebookProblem::DuplicateThemeId(t.theme_id.clone()));
            }
        }
        for t in &self.themes {
            if let Some(p) = &t.parent
                && !seen.contains(p.as_str())
            {
                out.push(CodebookProblem::UnknownParent {
                    theme_id: t.theme_id.clone(),
                    parent: p.clone(),
                });
            }
        }
        out.extend(self.structure_problems());
        let mut colors: HashMap<[u8; 3], &str> = HashMap::new();
        for t in &self.themes {
            if let Some(other) = colors.insert(t.color, &t.theme_id) {
                out.push(CodebookProblem::SameColor(
                    other.to_string(),
                    t.theme_id.clone(),
                ));
            }
            let empty = t.rules.iter().any(|r| {
                r.any
                    .iter()
                    .chain(&r.all)
                    .chain(&r.none)
                    .any(|term| normalize_str(term.trim_start_matches('=')).is_empty())
            });
            if empty {
                out.push(CodebookProblem::EmptyTerm(t.theme_id.clone()));
            }
        }
        out
    }

    /// Parent cycles and themes nested deeper than [`MAX_THEME_DEPTH`], in linear time: each
    /// theme's depth is computed once (walking up to the first theme already known, with an
    /// explicit stack, never recursion).
    pub fn structure_problems(&self) -> Vec<CodebookProblem> {
        let index: HashMap<&str, usize> = self
            .themes
            .iter()
            .enumerate()
            .map(|(i, t)| (t.theme_id.as_str(), i))
            .collect();
        let parent_of = |i: usize| -> Option<usize> {
            let p = self.themes.get(i)?.parent.as_deref()?;
            index.get(p).copied()
        };
        // State per theme: None = not seen; Some(Ok(depth)) = done; Some(Err(())) = on a cycle
        // or below one.
        const VISITING: usize = usize::MAX;
        let mut depth: Vec<Option<usize>> = vec![None; self.themes.len()];
        let mut in_cycle = vec![false; self.themes.len()];
        let mut out = Vec::new();
        let mut too_deep_reported = false;
        for start in 0..self.themes.len() {
            if depth.get(start).copied().flatten().is_some() {
                continue;
            }
            // Walk up until a theme with a known depth, a root, or a theme on this walk.
            let mut path: Vec<usize> = Vec::new();
            let mut cur = start;
            let base = loop {
                match depth.get(cur).copied().flatten() {
                    Some(VISITING) => {
                        // A cycle: the part of the path from `cur` on.
                        let k = path.iter().position(|&x| x == cur).unwrap_or(0);
                        let cycle: Vec<usize> = path.get(k..).unwrap_or(&[]).to_vec();
                        let mut ids: Vec<String> = cycle
                            .iter()
                            .filter_map(|&i| self.themes.get(i).map(|t| t.theme_id.clone()))
                            .collect();
                        if let Some(first) = ids.first().cloned() {
                            ids.push(first);
                        }
                        for &i in &cycle {
                            if let Some(c) = in_cycle.get_mut(i) {
                                *c = true;
                            }
                        }
                        out.push(CodebookProblem::Cycle(ids));
                        break None;
                    }
                    Some(d) => break (!in_cycle.get(cur).copied().unwrap_or(false)).then_some(d),
                    None => {}
                }
                if let Some(slot) = depth.get_mut(cur) {
                    *slot = Some(VISITING);
                }
                path.push(cur);
                match parent_of(cur) {
                    Some(p) => cur = p,
                    None => break Some(usize::MAX), // a root: depth 0 for the last on the path
                }
            };
            // Assign depths down the path (from the top), or mark it as hanging off a cycle.
            let mut d = match base {
                Some(usize::MAX) => None, // the last element is a root
                Some(d) => Some(d),
                None => {
                    for &i in &path {
                        if let Some(slot) = depth.get_mut(i) {
                            *slot = Some(0);
                        }
                        if let Some(c) = in_cycle.get_mut(i) {
                            *c = true;
                        }
                    }
                    continue;
                }
            };
            for &i in path.iter().rev() {
                let here = d.map_or(0, |d| d + 1);
                d = Some(here);
                if let Some(slot) = depth.get_mut(i) {
                    *slot = Some(here);
                }
                if here > MAX_THEME_DEPTH && !too_deep_reported {
                    too_deep_reported = true;
                    out.push(CodebookProblem::TooDeep {
                        theme_id: self
                            .themes
                            .get(i)
                            .map(|t| t.theme_id.clone())
                            .unwrap_or_default(),
                        depth: here,
                    });
                }
            }
        }
        out
    }

    /// Indexes of each theme's direct children, in codebook order (one pass).
    pub(super) fn child_index(&self) -> HashMap<&str, Vec<usize>> {
        let mut kids: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, t) in self.themes.iter().enumerate() {
            if let Some(p) = t.parent.as_deref() {
                kids.entry(p).or_default().push(i);
            }
        }
        kids
    }

    /// Merge `other` into a copy of `self` by `theme_id`: themes only in `other` are appended in
    /// its order; for themes in both, `self`'s name, colour, description and parent are kept (each
    /// difference is reported) and the rule sets are united (identical rules once).
    pub fn merge(&self, other: &Codebook) -> (Codebook, Vec<MergeConflict>) {
        let mut out = self.clone();
        let mut conflicts = Vec::new();
        for theirs in &other.themes {
            let Some(ours) = out
                .themes
                .iter_mut()
                .find(|t| t.theme_id == theirs.theme_id)
            else {
                out.themes.push(theirs.clone());
                continue;
            };
            let fields: [(&'static str, String, String); 5] = [
                ("name", ours.name.clone(), theirs.name.clone()),
                ("name_en", ours.name_en.clone(), theirs.name_en.clone()),
                ("color", color_hex(ours.color), color_hex(theirs.color)),
                (
                    "description",
                    ours.description.clone(),
                    theirs.description.clone(),
                ),
                (
                    "parent",
                    ours.parent.clone().unwrap_or_default(),
                    theirs.parent.clone().unwrap_or_default(),
                ),
            ];
            for (field, a, b) in fields {
                if a != b {
                    conflicts.push(MergeConflict {
                        theme_id: ours.theme_id.clone(),
                        field,
                        ours: a,
                        theirs: b,
                    });
                }
            }
            for r in &theirs.rules {
                if !ours.rules.contains(r) {
                    ours.rules.push(r.clone());
                }
            }
        }
        (out, conflicts)
    }

    /// Direct children of a theme, in codebook order.
    pub fn children(&self, theme_id: &str) -> Vec<&Theme> {
        self.themes
            .iter()
            .filter(|t| t.parent.as_deref() == Some(theme_id))
            .collect()
    }

    /// A theme and everything below it (ids), the theme first, depth-first.
    pub fn subtree(&self, theme_id: &str) -> Vec<&str> {
        self.subtree_with(theme_id, &self.child_index())
    }

    pub(super) fn subtree_with<'a>(
        &'a self,
        theme_id: &str,
        kids: &HashMap<&str, Vec<usize>>,
    ) -> Vec<&'a str> {
        let mut out = Vec::new();
        let Some(first) = self.themes.iter().position(|t| t.theme_id == theme_id) else {
            return out;
        };
        let mut stack = vec![first];
        let mut seen = HashSet::new();
        while let Some(i) = stack.pop() {
            if !seen.insert(i) {
                continue; // a cycle; validate reports it
            }
            let Some(t) = self.themes.get(i) else {
                continue;
            };
            out.push(t.theme_id.as_str());
            if let Some(k) = kids.get(t.theme_id.as_str()) {
                stack.extend(k.iter().rev());
            }
        }
        out
    }

    /// Themes in display order with their depth (0 for roots): each root, then its subtree,
    /// children in codebook order. Themes whose parent is missing count as roots; themes caught
    /// in a parent cycle come last at depth 0, so no theme is ever hidden. Linear time, no
    /// recursion.
    pub fn depth_first(&self) -> Vec<(usize, &Theme)> {
        let ids: HashSet<&str> = self.themes.iter().map(|t| t.theme_id.as_str()).collect();
        let kids = self.child_index();
        let mut out: Vec<(usize, &Theme)> = Vec::new();
        let mut placed = vec![false; self.themes.len()];
        // Roots first (in codebook order), then whatever a cycle kept unplaced.
        let starts = self
            .themes
            .iter()
            .enumerate()
            .filter(|(_, t)| t.parent.as_deref().is_none_or(|p| !ids.contains(p)))
            .map(|(i, _)| i)
            .chain(0..self.themes.len());
        let mut stack: Vec<(usize, usize)> = Vec::new();
        for start in starts {
            stack.push((start, 0));
            while let Some((i, depth)) = stack.pop() {
                let Some(t) = self.themes.get(i) else {
                    continue;
                };
                match placed.get_mut(i) {
                    Some(p) if !*p => *p = true,
                    _ => continue,
                }
                out.push((depth, t));
                if let Some(k) = kids.get(t.theme_id.as_str()) {
                    stack.extend(k.iter().rev().map(|&c| (c, depth + 1)));
                }
            }
        }
        out
    }
}

const URBAN_RURAL: &str = include_str!("../../assets/codebooks/urban_rural_integration.ron");
const INSTRUMENTS: &str = include_str!("../../assets/codebooks/policy_instruments.ron");

/// The codebooks shipped in `assets/codebooks/` (embedded in the binary), by file name, sorted.
/// A bundled file that fails to parse is left out (the test suite proves they all parse).
pub fn bundled_codebooks() -> Vec<(&'static str, Codebook)> {
    let mut out: Vec<(&'static str, Codebook)> = [
        ("policy_instruments.ron", INSTRUMENTS),
        ("urban_rural_integration.ron", URBAN_RURAL),
    ]
    .into_iter()
    .filter_map(|(name, text)| {
        let origin = Path::new("assets/codebooks").join(name);
        Some((name, Codebook::from_ron_str(text, &origin).ok()?))
    })
    .collect();
    out.sort_by_key(|(n, _)| *n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(id: &str, parent: Option<&str>, color: [u8; 3]) -> Theme {
        Theme {
            theme_id: id.into(),
            name: id.into(),
            color,
            parent: parent.map(str::to_string),
            ..Theme::default()
        }
    }

    #[test]
    fn colours_read_as_hex_or_tuple_and_write_as_hex() {
        let t: Theme = ron::from_str(r##"(theme_id: "a", color: "#C0392B")"##).unwrap();
        assert_eq!(t.color, [192, 57, 43]);
        let t: Theme = ron::from_str(r#"(theme_id: "a", color: (1, 2, 3))"#).unwrap();
        assert_eq!(t.color, [1, 2, 3]);
        assert!(ron::from_str::<Theme>(r##"(color: "#12345")"##).is_err());
        assert!(ron::to_string(&t).unwrap().contains("\"#010203\""));
    }

    #[test]
    fn validation_finds_duplicates_missing_parents_and_cycles() {
        let book = Codebook {
            name: "t".into(),
            themes: vec![
                theme("a", None, [1, 0, 0]),
                theme("a", None, [2, 0, 0]),
                theme("b", Some("nope"), [3, 0, 0]),
                theme("c", Some("d"), [4, 0, 0]),
                theme("d", Some("c"), [4, 0, 0]),
            ],
        };
        let p = book.validate();
        assert!(p.contains(&CodebookProblem::DuplicateThemeId("a".into())));
        assert!(p.iter().any(
            |x| matches!(x, CodebookProblem::UnknownParent { parent, .. } if parent == "nope")
        ));
        assert!(
            p.iter()
                .any(|x| matches!(x, CodebookProblem::Cycle(ids) if ids.len() == 3))
        );
        assert!(p.contains(&CodebookProblem::SameColor("c".into(), "d".into())));
        // Cycle members are still listed for display.
        assert_eq!(book.depth_first().len(), 5);
    }

    #[test]
    fn depth_first_puts_children_under_parents() {
        let book = Codebook {
            name: "t".into(),
            themes: vec![
                theme("kid", Some("root"), [1, 0, 0]),
                theme("root", None, [2, 0, 0]),
                theme("grandkid", Some("kid"), [3, 0, 0]),
                theme("other", None, [4, 0, 0]),
            ],
        };
        let order: Vec<(usize, &str)> = book
            .depth_first()
            .into_iter()
            .map(|(d, t)| (d, t.theme_id.as_str()))
            .collect();
        assert_eq!(
            order,
            vec![(0, "root"), (1, "kid"), (2, "grandkid"), (0, "other")]
        );
        assert_eq!(book.subtree("root"), vec!["root", "kid", "grandkid"]);
    }

    #[test]
    fn merge_keeps_ours_reports_conflicts_and_unites_rules() {
        let mut a = theme("x", None, [1, 1, 1]);
        a.rules.push(Rule {
            any: vec!["宅基地".into()],
            ..Rule::default()
        });
        let mut b = a.clone();
        b.name = "other".into();
        b.rules.push(Rule {
            any: vec!["农房".into()],
            ..Rule::default()
        });
        let ours = Codebook {
            name: "a".into(),
            themes: vec![a],
        };
        let theirs = Codebook {
            name: "b".into(),
            themes: vec![b, theme("y", None, [2, 2, 2])],
        };
        let (merged, conflicts) = ours.merge(&theirs);
        assert_eq!(merged.themes.len(), 2);
        assert_eq!(merged.themes[0].name, "x");
        assert_eq!(merged.themes[0].rules.len(), 2);
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].field, "name");
    }
}
