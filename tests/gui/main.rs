//! The desktop app and its panels driven headless with egui_kittest, in one test binary (one
//! link instead of six): the whole window ([`window`], [`comparing`], [`app`], [`compare`]) and
//! single panels ([`views`], [`themes`], [`coding`]); [`scale`]: views computed off the UI thread,
//! the virtualised library. AccessKit labels carry the Chinese text,
//! so no GPU or display is needed.
//!
//! Every harness installs only the bundled CJK subset, and a harness panics on a character no
//! font can draw, so these tests also check that the subset covers what the app shows.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "../common/mod.rs"]
mod common;
mod support;

mod app;
mod coding;
mod compare;
mod comparing;
mod explain;
mod scale;
mod themes;
mod views;
mod window;
