//! duizhao (对照): review Chinese government plans side by side.
//!
//! The core — import, normalisation, line classification, plan splitting, outline, measures,
//! corpus loading, and the view-models of search, families, the similarity overview and the
//! target table — never depends on egui. The `cli` module formats core results for the
//! terminal; the `ui` module (feature `gui`) only draws what the core returns.

pub mod agreement;
pub mod align;
pub mod align_eval;
pub mod cli;
pub mod codebook_edit;
pub mod coding_segments;
pub mod collate;
pub mod comparison;
pub mod corpus;
pub mod document;
pub mod export;
pub mod formats;
pub mod fsutil;
pub mod history;
pub mod import;
pub mod keyterms;
pub mod lines;
pub mod match_eval;
pub mod matching;
pub mod measure;
pub mod merge;
pub mod normalize;
pub mod outline;
pub mod overview;
pub mod plan;
pub mod project;
pub mod reuse;
pub mod search;
pub mod tag_edit;
pub mod target_table;
pub mod targets;
pub mod themes;
pub mod tokenize;
#[cfg(feature = "gui")]
pub mod ui;
