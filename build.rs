//! Build script: embeds jieba's dictionary decompressed.
//!
//! The repository keeps jieba's default dictionary zstd-compressed
//! (`assets/dict/jieba_dict.txt.zst`, 1.6 MB instead of 4.8 MB); the binary embeds it as text
//! (`include_str!` of `$OUT_DIR/jieba_dict.txt`), so that `duizhao measures` does not spend
//! 15–20 ms of CPU decompressing it on every start (see `Tokenizer::for_texts`), with an index
//! of its lines (`$OUT_DIR/jieba_dict.idx`: per line, its byte offset as u32 little-endian, the
//! byte length of its word and of the line, one byte each, and the key of the word's first
//! character pair as u64 little-endian), so that the filter of `Tokenizer::for_texts` neither
//! splits 349,000 lines nor decodes most of their words on every start.

use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    let src = "assets/dict/jieba_dict.txt.zst";
    println!("cargo::rerun-if-changed={src}");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?)
        .join("jieba_dict.txt");
    let text = zstd::decode_all(std::fs::read(src)?.as_slice())?;
    // The tokenizer embeds it with `include_str!`: it must be UTF-8.
    std::str::from_utf8(&text)?;
    let index = line_index(std::str::from_utf8(&text)?)?;
    write_if_changed(&out, &text)?;
    write_if_changed(&out.with_extension("idx"), &index)?;
    Ok(())
}

/// Rewrite only when it changed, so that the crate is not rebuilt for nothing.
fn write_if_changed(path: &std::path::Path, bytes: &[u8]) -> Result<(), Box<dyn Error>> {
    if std::fs::read(path).ok().as_deref() != Some(bytes) {
        std::fs::write(path, bytes)?;
    }
    Ok(())
}

/// Fourteen bytes per line of `text` (as `str::lines` cuts it) that has a word (the first run
/// of non-ASCII-whitespace, as `split_ascii_whitespace` finds it, which must start the line):
/// the line's byte offset (u32 LE), the word's byte length, the line's byte length, and the
/// key of its first two characters (u64 LE; of its only character for a word of one), as
/// `pair_key` and `single_key` in `src/tokenize.rs` make them.
fn line_index(text: &str) -> Result<Vec<u8>, Box<dyn Error>> {
    let mut index = Vec::new();
    for line in text.lines() {
        let Some(word) = line.split_ascii_whitespace().next() else {
            continue;
        };
        let start = line.as_ptr() as usize - text.as_ptr() as usize;
        if word.as_ptr() != line.as_ptr() {
            return Err(format!("dictionary line at byte {start} starts with a space").into());
        }
        index.extend_from_slice(&u32::try_from(start)?.to_le_bytes());
        index.push(u8::try_from(word.len())?);
        index.push(u8::try_from(line.len())?);
        let mut chars = word.chars();
        let first = chars.next().ok_or("empty word")?;
        let key = match chars.next() {
            None => 1 << 63 | first as u64,
            Some(second) => (first as u64) << 21 | second as u64,
        };
        index.extend_from_slice(&key.to_le_bytes());
    }
    Ok(index)
}
