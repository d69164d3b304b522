//! Reading plan files from disk into text: the reader is chosen by extension (plain text here,
//! DOCX, PDF and web pages in [`crate::formats`]) and what was doubtful about a file is returned
//! as warnings beside its text.
//!
//! The decoding itself ([`decode`]) is below the format readers, which use it; this dispatcher is
//! above them, so the two never import each other.

pub mod decode;

use std::path::Path;

use encoding_rs::{BIG5, Encoding, GB18030, GBK, UTF_8};

pub use crate::chars::is_han;
pub use decode::*;
use decode::{guess_legacy, implausible_legacy, refuse_unsupported};

/// A file read into text, with what was doubtful about reading it.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The text.
    pub file: TextFile,
    /// What the user should know (replaced bytes, a doubtful or overridden encoding).
    pub warnings: Vec<ImportWarning>,
}

impl Imported {
    fn clean(file: TextFile) -> Imported {
        Imported {
            file,
            warnings: Vec::new(),
        }
    }
}

/// Read any supported file (importer chosen by extension, as [`crate::formats::read_any`]) and
/// say what was doubtful: plain text and web pages are decoded here with warnings
/// ([`decode_bytes_checked`], [`read_html_checked`]); DOCX and PDF carry their own encodings.
pub fn read_document(path: &Path) -> Result<Imported, ImportError> {
    let ext = crate::fsutil::lower_extension(path);
    match ext.as_str() {
        "html" | "htm" => read_html_checked(path),
        "docx" | "pdf" => crate::formats::read_any(path).map(Imported::clean),
        _ => read_text_file_checked(path),
    }
}

/// Read a web page, decoding it here so that a wrong declared charset is overridden with a
/// warning rather than silently producing mojibake; the page is then parsed by
/// [`crate::formats::html`] from the decoded text.
///
/// The declared charset (`<meta charset>`) is kept when it decodes cleanly and plausibly. It is
/// overridden when its decoding has errors, when it names a legacy encoding but the bytes are
/// valid UTF-8 with non-ASCII text (a UTF-8 page declaring `gb2312`: legacy Chinese text is
/// practically never valid UTF-8), when a Chinese legacy encoding yields mostly rare characters,
/// or when a single-byte (Western) charset is declared for bytes that read as Chinese.
pub fn read_html_checked(path: &Path) -> Result<Imported, ImportError> {
    let bytes = read_bounded(path)?;
    if bytes.is_empty() || Encoding::for_bom(&bytes).is_some() {
        return crate::formats::html::read_bytes(path, &bytes).map(Imported::clean);
    }
    let declared = crate::formats::html::declared_charset(&bytes);
    let (detected, mut detect_warnings) = match declared {
        Some(enc) => {
            let Some(reason) = reject_declared(enc, &bytes) else {
                return crate::formats::html::read_bytes(path, &bytes).map(Imported::clean);
            };
            let (file, w) = decode_bytes_checked(path, &bytes)?;
            let mut warnings = Vec::new();
            if file.encoding != enc.name() {
                warnings.push(ImportWarning {
                    path: path.to_path_buf(),
                    kind: WarningKind::CharsetOverridden {
                        declared: enc.name(),
                        used: file.encoding,
                        reason,
                    },
                });
            }
            // Same encoding after all (a UTF-8 page with a few bad bytes): its own warnings.
            warnings.extend(w);
            (file, warnings)
        }
        None => decode_bytes_checked(path, &bytes)?,
    };
    let mut utf8 = b"\xEF\xBB\xBF".to_vec();
    utf8.extend_from_slice(detected.text.as_bytes());
    let mut file = crate::formats::html::read_bytes(path, &utf8)?;
    file.encoding = detected.encoding;
    Ok(Imported {
        file,
        warnings: std::mem::take(&mut detect_warnings),
    })
}

/// Why a page's declared charset does not fit its bytes, if it does not.
fn reject_declared(enc: &'static Encoding, bytes: &[u8]) -> Option<String> {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        let bad = text.chars().filter(|c| *c == '\u{FFFD}').count();
        return Some(format!(
            "{bad} byte sequence(s) are not valid {}",
            enc.name()
        ));
    }
    let non_ascii = !bytes.is_ascii();
    if enc != UTF_8 && non_ascii && std::str::from_utf8(bytes).is_ok() {
        return Some("its bytes are valid UTF-8, which legacy Chinese text never is".into());
    }
    if (enc == GBK || enc == GB18030 || enc == BIG5)
        && let Some(percent) = implausible_legacy(enc, bytes)
    {
        return Some(format!(
            "only {percent}% of the characters it gives are common ones (mojibake)"
        ));
    }
    if enc.is_single_byte() && non_ascii {
        let detected = guess_legacy(bytes);
        if implausible_legacy(detected, bytes).is_none() {
            let (alt, alt_errors) = detected.decode_without_bom_handling(bytes);
            if !alt_errors && alt.chars().any(is_han) {
                return Some(format!(
                    "its bytes read as Chinese text in {}",
                    detected.name()
                ));
            }
        }
    }
    None
}

/// [`read_text_file`] with its warnings.
pub fn read_text_file_checked(path: &Path) -> Result<Imported, ImportError> {
    refuse_unsupported(path)?;
    let (file, warnings) = decode_bytes_checked(path, &read_bounded(path)?)?;
    Ok(Imported { file, warnings })
}
