//! DOCX import (not implemented yet: reports a clear error).

use std::path::Path;

use crate::import::{ImportError, TextFile};

/// Read a DOCX file into text.
pub fn read(path: &Path) -> Result<TextFile, ImportError> {
    Err(ImportError::Unsupported {
        path: path.to_path_buf(),
        kind: "docx".to_string(),
        hint: "this build reads plain text only; export the document as .txt (UTF-8)".to_string(),
    })
}
