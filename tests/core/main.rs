//! The core's integration tests, one binary (one link) instead of one per file: the engine, the
//! importers, projects, coding and exports on the real seeds and fixtures, without the GUI. The
//! CLI as a user runs it is `tests/cli/`, the app `tests/gui*.rs`; shared fixtures are in
//! `tests/common/`.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

#[path = "../common/mod.rs"]
mod common;

mod alignment;
mod coding;
mod document_props;
mod export;
mod formats_budgets;
mod formats_docx_html;
mod formats_headings;
mod formats_pdf;
mod formats_pdf_producers;
mod matching;
mod project;
mod real_documents;
mod reliability;
mod robustness;
mod scale;
mod seeds;
mod targets;
mod themes;
mod unseen_documents;
mod views;
