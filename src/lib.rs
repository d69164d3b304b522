//! duizhao (对照): review Chinese government plans side by side.
//!
//! The core — import, normalisation, line classification, plan splitting, outline, measures,
//! corpus loading — never depends on egui. The `cli` module formats core results for the
//! terminal; the `ui` module (feature `gui`) only draws what the core returns.

pub mod align;
pub mod cli;
pub mod comparison;
pub mod corpus;
pub mod export;
pub mod formats;
pub mod fsutil;
pub mod import;
pub mod keyterms;
pub mod lines;
pub mod matching;
pub mod measure;
pub mod normalize;
pub mod outline;
pub mod plan;
pub mod project;
pub mod targets;
pub mod themes;
pub mod tokenize;
#[cfg(feature = "gui")]
pub mod ui;
