//! Document formats other than plain text: each turns a file into the same [`TextFile`] the
//! plain-text importer produces (one paragraph a line, headings as their visible numbers), so
//! everything downstream — normalisation, plan splitting, outline, measures — is shared.

use std::path::Path;

use crate::import::{ImportError, TextFile, read_text_file};

pub mod docx;
pub mod html;
pub mod pdf;

/// Largest number of bytes a compressed container may expand to (zip bomb guard).
pub const MAX_EXPANDED_BYTES: u64 = 256 * 1024 * 1024;

/// Extensions read by some importer (lower case).
pub const SUPPORTED_EXTENSIONS: &[&str] = &[
    "txt", "md", "markdown", "text", "docx", "html", "htm", "pdf",
];

/// Read any supported file into text, choosing the importer by extension.
pub fn read_any(path: &Path) -> Result<TextFile, ImportError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "docx" => docx::read(path),
        "html" | "htm" => html::read(path),
        "pdf" => pdf::read(path),
        _ => read_text_file(path),
    }
}
