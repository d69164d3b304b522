//! duizhao (对照): review Chinese government plans side by side.
//!
//! The core — everything but [`ui`](crate#the-app) — never depends on egui: the [`cli`] formats
//! core results for the terminal, and the `ui` module (feature `gui`) only draws what the core
//! returns. ARCHITECTURE.md in the repository has the layer rule and where new code goes.
//!
//! # From file to table
//!
//! 1. **Ingest.** [`import::read_document`] reads one file — plain text in any Chinese encoding
//!    ([`import::decode`]), or DOCX, PDF, HTML ([`formats`]) — into a [`import::TextFile`]: LF-only
//!    text with one paragraph a line and headings as their visible numbers, plus warnings
//!    ([`import::ImportWarning`]) for what was doubtful.
//! 2. **Document.** [`plan::parse_document`] classifies the lines ([`lines`]), reads the front
//!    matter ([`document`]), splits a compilation into its plans, and builds each [`plan::Plan`]:
//!    metadata, a preamble, and the tree of [`outline::Section`]s ([`outline::tree`]) whose bodies
//!    are split into [`measure::Measure`]s. [`corpus::load_paths`] does this for many files in
//!    parallel into a [`corpus::Corpus`]; a bad file is an error for that file only.
//! 3. **Analysis.** [`matching::Analysis::build`] tokenises the measures ([`tokenize`]) and links
//!    measures that say the same thing into families (shared, unique, boilerplate);
//!    [`align::align`] lines up comparable sections of several plans in rows; [`targets`]
//!    extracts quantitative targets; [`search`], [`overview`], [`keyterms`] and [`reuse`] answer
//!    the other views.
//! 4. **Coding.** A [`themes::Codebook`] holds themes and the rules that propose them
//!    ([`themes::CodingIndex`]); a [`project::Project`] keeps the documents, the codebook and the
//!    researcher's tags in one RON file; [`history`], [`merge`] and [`agreement`] are undo, team
//!    merging and inter-coder agreement.
//! 5. **Views and export.** [`comparison::Comparison`] is the side-by-side table (rows of
//!    [`comparison::Cell`]s with each measure's scope and partners), [`collate`] the family view,
//!    [`target_table::TargetTable`] the targets grid; [`export`] turns them into one
//!    format-neutral [`export::Table`] and writes it as CSV, XLSX, Markdown, HTML or REFI-QDA.
//!
//! Text helpers every layer shares sit at the bottom: [`chars`], [`numbering`] (the heading
//! number grammar), [`normalize`] (simplified, half-width, with a map back to the original) and
//! [`fsutil`] (atomic writes).
//!
//! # The app
//! The `ui` module (feature `gui`, on by default) is the eframe app; it asks the core for these
//! view-models and paints them.

pub mod agreement;
pub mod align;
pub mod align_eval;
pub mod chars;
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
pub mod numbering;
pub mod outline;
pub mod overview;
pub mod phase_clock;
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
