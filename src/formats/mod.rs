//! Document formats other than plain text: each turns a file into the same [`TextFile`] the
//! plain-text importer produces (one paragraph a line, headings as their visible numbers), so
//! everything downstream — normalisation, plan splitting, outline, measures — is shared.

use std::path::Path;

use crate::import::decode::{ImportError, TextFile, read_text_file};

pub mod common;
pub mod docx;
pub mod html;
pub mod pdf;
pub mod pdf_font;

pub use common::{
    MAX_EXPANDED_BYTES, MAX_MARKED_HEADING_CHARS, MAX_TEXT_BYTES, is_unnumbered_heading,
    text_budget,
};

/// Extensions read by some importer (lower case).
pub const SUPPORTED_EXTENSIONS: &[&str] = &[
    "txt", "md", "markdown", "text", "docx", "html", "htm", "pdf",
];

/// Read any supported file into text, choosing the importer by extension.
pub fn read_any(path: &Path) -> Result<TextFile, ImportError> {
    let ext = crate::fsutil::lower_extension(path);
    match ext.as_str() {
        "docx" => docx::read(path),
        "html" | "htm" => html::read(path),
        "pdf" => pdf::read(path),
        _ => read_text_file(path),
    }
}
