//! Codebooks for coding policy texts: themes, the rules that propose them, and the theme × plan
//! matrix.
//!
//! A researcher tags measures and passages with themes; rules only *propose* tags, which the
//! researcher accepts or rejects (see `project`). Everything here is plain data, so the editor, the
//! CLI and the exporters share it, and none of it knows about egui.
//!
//! - A [`Codebook`] is a list of [`Theme`]s (a tree through `parent`), stored as readable RON.
//! - A [`Rule`] matches one measure: at least one `any` term (when `any` is non-empty), every `all`
//!   term, no `none` term. A term matches when it occurs in the measure's normalised text
//!   (simplified, half-width — the term is normalised the same way, so a Traditional term finds
//!   Simplified text and the other way round). A term written `=税收` matches only a whole jieba
//!   word, for short terms that would otherwise hit inside longer words.
//! - Matching runs over a [`CodingIndex`], built once from the plans (normalised text and word set
//!   per measure), so re-running rules while editing a codebook costs milliseconds.
//! - A [`Matrix`] counts coded segments per theme and plan. **A parent theme's row aggregates its
//!   subtree**: it counts the distinct segments coded with the parent or any descendant, so a
//!   segment coded with two children of one parent counts once in the parent's row.
//!
//! Folder layout: [`codebook`] (the themes and their file), [`rules`] (the index the rules run
//! over and their proposals), [`matrix`] (coded segments per theme and plan).

pub mod codebook;
pub mod matrix;
pub mod rules;

pub use codebook::*;
pub use matrix::{CodedSegment, Matrix};
pub use rules::{CodingIndex, Proposal, propose, rule_hits, theme_hits};
