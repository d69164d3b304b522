//! Reading plan files from disk into text.
//!
//! A user's files come in whatever encoding the site or the office suite chose: UTF-8 with or
//! without a BOM, UTF-16 with a BOM, GB18030/GBK, Big5. We detect the encoding from the BOM, then
//! from strict UTF-8 validity, then with `chardetng` restricted to the Chinese legacy encodings,
//! and reject what is clearly not text (NUL bytes, control characters, undecodable bytes) with an
//! error that names the file and the reason. Line ends (CRLF, CR) are normalised to `\n`, so every
//! offset elsewhere in duizhao refers to this decoded, LF-only text.

use std::path::{Path, PathBuf};

use encoding_rs::{BIG5, Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};

/// Largest file we import. Real plans are well under 5 MB; this keeps a stray disk image out.
pub const MAX_FILE_BYTES: u64 = 128 * 1024 * 1024;

/// Why a file could not be imported. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read at all.
    #[error("{path}: cannot read file: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The file holds no text.
    #[error("{path}: file is empty")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file is larger than [`MAX_FILE_BYTES`].
    #[error("{path}: file is too large ({size_mb} MB, limit {limit_mb} MB)")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in MiB.
        size_mb: u64,
        /// The limit in MiB.
        limit_mb: u64,
    },
    /// The bytes are not text in any supported encoding.
    #[error("{path}: not a text file ({reason})")]
    NotText {
        /// The file.
        path: PathBuf,
        /// What gave it away.
        reason: String,
    },
    /// A file type we cannot read.
    #[error("{path}: unsupported file type '{kind}' ({hint})")]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// The type, usually the extension.
        kind: String,
        /// What the user can do instead.
        hint: String,
    },
}

/// A decoded text file.
#[derive(Debug, Clone)]
pub struct TextFile {
    /// Where it came from.
    pub path: PathBuf,
    /// The encoding it was decoded from (`UTF-8`, `GB18030`, `Big5`, `UTF-16LE`…).
    pub encoding: &'static str,
    /// The decoded text with `\n` line ends and no BOM.
    pub text: String,
}

/// File extensions read as plain text.
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "text"];

/// Read and decode one plain-text file.
pub fn read_text_file(path: &Path) -> Result<TextFile, ImportError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if let Some(hint) = unsupported_hint(&ext) {
        return Err(ImportError::Unsupported {
            path: path.to_path_buf(),
            kind: ext,
            hint: hint.to_string(),
        });
    }
    decode_bytes(path, &read_bounded(path)?)
}

/// The bytes of a file, refusing files over [`MAX_FILE_BYTES`] before reading them.
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, ImportError> {
    let io = |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            path: path.to_path_buf(),
            size_mb: meta.len() / (1024 * 1024),
            limit_mb: MAX_FILE_BYTES / (1024 * 1024),
        });
    }
    std::fs::read(path).map_err(io)
}

fn unsupported_hint(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "doc" => {
            "legacy Word format; save it as .docx or .txt, e.g. `soffice --headless --convert-to txt`"
        }
        "docx" | "pdf" | "html" | "htm" => {
            "this build reads plain text only; export the document as .txt (UTF-8)"
        }
        "xls" | "xlsx" | "ppt" | "pptx" | "wps" | "rtf" | "odt" => {
            "not a plan text format; export the document as .txt"
        }
        "zip" | "rar" | "7z" | "gz" => "an archive; unpack it and import the files inside",
        "png" | "jpg" | "jpeg" | "gif" | "tif" | "tiff" | "bmp" => {
            "an image; run OCR first and import the text"
        }
        _ => return None,
    })
}

/// Decode bytes already in memory. `path` is only used in error messages.
pub fn decode_bytes(path: &Path, bytes: &[u8]) -> Result<TextFile, ImportError> {
    let not_text = |reason: &str| ImportError::NotText {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    if bytes.is_empty() {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    let (encoding, body): (&'static Encoding, &[u8]) =
        if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
            (UTF_8, rest)
        } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
            (UTF_16LE, rest)
        } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
            (UTF_16BE, rest)
        } else if std::str::from_utf8(bytes).is_ok() {
            (UTF_8, bytes)
        } else {
            (guess_legacy(bytes), bytes)
        };
    let is_utf16 = encoding == UTF_16LE || encoding == UTF_16BE;
    if !is_utf16 && bytes.contains(&0) {
        return Err(not_text(
            "contains NUL bytes: binary data, or UTF-16 without a byte-order mark",
        ));
    }
    let (decoded, had_errors) = encoding.decode_without_bom_handling(body);
    let total = decoded.chars().count();
    if total == 0 || decoded.trim().is_empty() {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    let mut bad = 0usize;
    for c in decoded.chars() {
        if c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) {
            bad += 1;
        }
    }
    // A few broken bytes happen in real scraped text; a tenth of the characters does not.
    if had_errors && bad * 20 > total {
        return Err(not_text(&format!(
            "{bad} of {total} characters are not valid {} text",
            encoding.name()
        )));
    }
    if bad * 10 > total {
        return Err(not_text(&format!(
            "{bad} of {total} characters are control codes"
        )));
    }
    let letters = decoded.chars().filter(|c| c.is_alphanumeric()).count();
    if letters == 0 {
        return Err(not_text("no letters or characters in it"));
    }
    Ok(TextFile {
        path: path.to_path_buf(),
        encoding: encoding.name(),
        text: normalize_newlines(&decoded),
    })
}

/// Pick among the Chinese legacy encodings for bytes that are not UTF-8.
fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    if guess == BIG5 {
        // Big5 and GBK overlap a lot; trust Big5 only if it decodes cleanly and GB18030 does not.
        let (_, big5_err) = BIG5.decode_without_bom_handling(bytes);
        let (_, gb_err) = GB18030.decode_without_bom_handling(bytes);
        if !big5_err || gb_err {
            return BIG5;
        }
        return GB18030;
    }
    if guess == GBK || guess == GB18030 {
        return GB18030;
    }
    // Anything else chardetng names (windows-1252, Shift_JIS…) is not a plan we can read well;
    // GB18030 decodes every byte sequence, and the quality checks above decide.
    let (_, gb_err) = GB18030.decode_without_bom_handling(bytes);
    let (_, big5_err) = BIG5.decode_without_bom_handling(bytes);
    if gb_err && !big5_err { BIG5 } else { GB18030 }
}

/// `\r\n` and lone `\r` become `\n`.
pub fn normalize_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Is `c` a Han character (CJK unified ideographs and extensions)?
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}
