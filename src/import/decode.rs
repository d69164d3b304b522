//! Decoding bytes into text, and the errors and warnings of reading a file.
//!
//! A user's files come in whatever encoding the site or the office suite chose: UTF-8 with or
//! without a BOM, UTF-16 with a BOM, GB18030/GBK, Big5. We detect the encoding from the BOM, then
//! from strict UTF-8 validity, then with `chardetng` restricted to the Chinese legacy encodings,
//! and reject what is clearly not text (NUL bytes, control characters, undecodable bytes) with an
//! error that names the file and the reason. Line ends (CRLF, CR) are normalised to `\n`, so every
//! offset elsewhere in duizhao refers to this decoded, LF-only text.
//!
//! The format readers ([`crate::formats`]) build on this module; the dispatcher that picks a
//! reader by extension is its parent, [`crate::import`].

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
    refuse_unsupported(path)?;
    decode_bytes(path, &read_bounded(path)?)
}

/// An error naming the file when its extension is a format read elsewhere or not at all.
pub(super) fn refuse_unsupported(path: &Path) -> Result<(), ImportError> {
    let ext = crate::fsutil::lower_extension(path);
    match unsupported_hint(&ext) {
        Some(hint) => Err(ImportError::Unsupported {
            path: path.to_path_buf(),
            kind: ext,
            hint: hint.to_string(),
        }),
        None => Ok(()),
    }
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

pub(super) fn unsupported_hint(ext: &str) -> Option<&'static str> {
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

/// Decode bytes already in memory. `path` is only used in error messages; what
/// [`decode_bytes_checked`] would warn about is dropped (use that to tell the user).
pub fn decode_bytes(path: &Path, bytes: &[u8]) -> Result<TextFile, ImportError> {
    decode_bytes_checked(path, bytes).map(|(file, _)| file)
}

/// Decode bytes already in memory, saying what was doubtful.
///
/// Strict UTF-8 (or a BOM) first. Bytes that are mostly valid UTF-8 with a few bad bytes (a stray
/// `\xff`, a truncated character, one GBK paragraph pasted in) stay UTF-8: the bad bytes become
/// U+FFFD and a [`WarningKind::InvalidUtf8`] names how many and where the first is, instead of
/// the whole file being read as GB18030. Only bytes that are not mostly UTF-8 get a legacy
/// encoding guess, and a guess whose text is implausible (few of the common characters a real
/// Chinese text is made of) is warned about ([`WarningKind::DoubtfulEncoding`]).
pub fn decode_bytes_checked(
    path: &Path,
    bytes: &[u8],
) -> Result<(TextFile, Vec<ImportWarning>), ImportError> {
    let not_text = |reason: &str| ImportError::NotText {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    if bytes.is_empty() {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    let mut warnings = Vec::new();
    let (encoding, body): (&'static Encoding, &[u8]) =
        if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
            (UTF_8, rest)
        } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
            (UTF_16LE, rest)
        } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
            (UTF_16BE, rest)
        } else if let Some(enc) = utf16_without_bom(bytes) {
            (enc, bytes)
        } else {
            (choose_encoding(path, bytes, &mut warnings), bytes)
        };
    let is_utf16 = encoding == UTF_16LE || encoding == UTF_16BE;
    if !is_utf16 && bytes.contains(&0) {
        return Err(not_text(
            "contains NUL bytes: binary data, or UTF-16 without a byte-order mark",
        ));
    }
    if encoding == UTF_8 && body.len() != bytes.len() && std::str::from_utf8(body).is_err() {
        // A UTF-8 BOM with invalid bytes after it: the BOM wins, but say so.
        warnings.push(Utf8Stats::of(body).warning(path, true));
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
    Ok((
        TextFile {
            path: path.to_path_buf(),
            encoding: encoding.name(),
            text: normalize_newlines(&decoded),
        },
        warnings,
    ))
}

/// UTF-16 without a byte-order mark (what some exporters write as "Unicode text"): an even
/// number of bytes that decode as UTF-16 without error, whose NUL bytes stand mostly on one side
/// of the code units — the high byte of ASCII characters (line ends, digits, spaces) in
/// little-endian text, the low byte in big-endian. A Han character may put a NUL on the other
/// side (`一` is U+4E00), so the test is a clear majority, not all; binary data has NULs on
/// both sides alike, and what decodes to control codes is refused later all the same.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    // Most files have no NUL at all: one fast scan settles them.
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) || !bytes.contains(&0) {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in bytes.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    // Enough NULs to be a text's ASCII: at least one code unit in sixteen.
    let units = bytes.len() / 2;
    let encoding = if odd * 16 >= units && odd >= 4 * even.max(1) {
        UTF_16LE
    } else if even * 16 >= units && even >= 4 * odd.max(1) {
        UTF_16BE
    } else {
        return None;
    };
    let (_, had_errors) = encoding.decode_without_bom_handling(bytes);
    (!had_errors).then_some(encoding)
}

/// Something doubtful the importer did; the file still loaded. Shown on stderr by the CLI and
/// kept in [`crate::corpus::Corpus::warnings`] for the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportWarning {
    /// The file.
    pub path: PathBuf,
    /// What happened.
    pub kind: WarningKind,
}

/// What an [`ImportWarning`] is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WarningKind {
    /// Mostly valid UTF-8 with some invalid byte sequences, each replaced by U+FFFD.
    InvalidUtf8 {
        /// Invalid byte sequences replaced.
        sequences: usize,
        /// Invalid bytes in them.
        bytes: usize,
        /// Byte offset of the first invalid byte in the file.
        first_byte: usize,
    },
    /// Read with a guessed legacy encoding, but the text does not look like Chinese written in it.
    DoubtfulEncoding {
        /// The encoding used.
        encoding: &'static str,
        /// Share (0–100) of the double-byte characters that are common characters.
        common_percent: usize,
    },
    /// A web page declares a charset its bytes are not in; another was used.
    CharsetOverridden {
        /// What the page declares.
        declared: &'static str,
        /// What was used instead.
        used: &'static str,
        /// Why the declared one was rejected.
        reason: String,
    },
}

impl std::fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = self.path.display();
        match &self.kind {
            WarningKind::InvalidUtf8 {
                sequences,
                bytes,
                first_byte,
            } => write!(
                f,
                "{path}: {sequences} invalid UTF-8 sequence(s) ({bytes} bytes, the first at byte \
                 {first_byte}) replaced by \u{FFFD}; the rest of the file is UTF-8"
            ),
            WarningKind::DoubtfulEncoding {
                encoding,
                common_percent,
            } => write!(
                f,
                "{path}: read as {encoding} (not UTF-8), but only {common_percent}% of its \
                 characters are common ones: the text may be garbled (mojibake); check the \
                 file's encoding"
            ),
            WarningKind::CharsetOverridden {
                declared,
                used,
                reason,
            } => write!(
                f,
                "{path}: the page declares charset {declared} but {reason}; read as {used}"
            ),
        }
    }
}

/// How a byte string fares as UTF-8.
#[derive(Debug, Clone, Copy, Default)]
struct Utf8Stats {
    /// Valid characters outside ASCII.
    valid_non_ascii: usize,
    /// Invalid sequences (each becomes one U+FFFD).
    invalid_sequences: usize,
    /// Bytes in them.
    invalid_bytes: usize,
    /// Offset of the first invalid byte.
    first_invalid: Option<usize>,
}

impl Utf8Stats {
    fn of(bytes: &[u8]) -> Utf8Stats {
        let mut s = Utf8Stats::default();
        let mut at = 0usize;
        for chunk in bytes.utf8_chunks() {
            s.valid_non_ascii += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
            at += chunk.valid().len();
            if !chunk.invalid().is_empty() {
                s.first_invalid.get_or_insert(at);
                s.invalid_sequences += 1;
                s.invalid_bytes += chunk.invalid().len();
                at += chunk.invalid().len();
            }
        }
        s
    }

    /// Mostly UTF-8: its non-ASCII text is at least four fifths valid UTF-8 characters, or the
    /// file is ASCII but for a stray byte or two (which a legacy encoding would silently merge
    /// with the next letter into a wrong character).
    fn mostly_utf8(&self) -> bool {
        (self.valid_non_ascii > 0 && self.valid_non_ascii >= 4 * self.invalid_sequences)
            || (self.valid_non_ascii == 0 && self.invalid_sequences <= 2)
    }

    fn warning(&self, path: &Path, bom: bool) -> ImportWarning {
        ImportWarning {
            path: path.to_path_buf(),
            kind: WarningKind::InvalidUtf8 {
                sequences: self.invalid_sequences,
                bytes: self.invalid_bytes,
                first_byte: self.first_invalid.unwrap_or(0) + if bom { 3 } else { 0 },
            },
        }
    }
}

/// The encoding of bytes without a BOM: UTF-8 when they are (mostly) UTF-8, else a legacy guess;
/// warnings for replaced bytes and doubtful guesses go to `warnings`.
fn choose_encoding(
    path: &Path,
    bytes: &[u8],
    warnings: &mut Vec<ImportWarning>,
) -> &'static Encoding {
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let stats = Utf8Stats::of(bytes);
    if stats.mostly_utf8() {
        warnings.push(stats.warning(path, false));
        return UTF_8;
    }
    let legacy = guess_legacy(bytes);
    if let Some(common_percent) = implausible_legacy(legacy, bytes) {
        warnings.push(ImportWarning {
            path: path.to_path_buf(),
            kind: WarningKind::DoubtfulEncoding {
                encoding: legacy.name(),
                common_percent,
            },
        });
    }
    legacy
}

/// For bytes read as GB18030/GBK or Big5: the share (in %) of double-byte characters that are in
/// the encoding's common-character block, when that share is too low for real Chinese text.
///
/// Real text is made mostly of common characters: GB2312 level 1 (the 3,755 most frequent,
/// lead bytes B0–D7) covers well over 90 % of the characters of a plan in GBK, Big5's frequent
/// block (A440–C67E) likewise in Big5. A wrong guess (UTF-8, Big5 or Shift_JIS bytes read as
/// GBK) lands mostly on rare characters, the mojibake look (`娣勬斂瀛椼€`).
pub(super) fn implausible_legacy(encoding: &'static Encoding, bytes: &[u8]) -> Option<usize> {
    let big5 = encoding == BIG5;
    let (mut pairs, mut common) = (0usize, 0usize);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            i += 1;
            continue;
        }
        let Some(&t) = bytes.get(i + 1) else { break };
        if !big5 && (0x30..=0x39).contains(&t) {
            // A GB18030 four-byte character: rare by construction.
            pairs += 1;
            i += 4;
            continue;
        }
        pairs += 1;
        let is_common = if big5 {
            (0xA4..=0xC6).contains(&b) && (t >= 0x40)
        } else {
            (0xB0..=0xD7).contains(&b) && (0xA1..=0xFE).contains(&t)
        };
        // Full-width punctuation and digits (GB2312 row A1–A3, Big5 A1–A3) are common too.
        let is_punct = (0xA1..=0xA3).contains(&b);
        if is_common || is_punct {
            common += 1;
        }
        i += 2;
    }
    if pairs < 8 {
        return None;
    }
    let percent = common * 100 / pairs;
    (percent < 60).then_some(percent)
}

/// Pick among the Chinese legacy encodings for bytes that are not UTF-8.
pub(super) fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn utf16_without_a_byte_order_mark_is_read() {
        // `一` (U+4E00) puts a NUL on the other side of its code unit than ASCII does.
        let text = "一、总体要求\r\n到2025年，全市完成改造120个。\r\n二、重点任务\r\n";
        for (big_endian, name) in [(false, "UTF-16LE"), (true, "UTF-16BE")] {
            let file = decode_bytes(Path::new("x.txt"), &utf16(text, big_endian)).unwrap();
            assert_eq!(file.encoding, name);
            assert!(
                file.text.starts_with("一、总体要求\n到2025年"),
                "{}",
                file.text
            );
        }
        // Binary data with NULs on both sides stays refused.
        let mut junk = utf16(text, false);
        junk.extend([0u8, 0, 7, 0, 0, 9, 0, 0, 0, 3, 0, 0].repeat(20));
        assert!(decode_bytes(Path::new("x.txt"), &junk).is_err());
    }
}
