//! Build script: embeds jieba's dictionary decompressed.
//!
//! The repository keeps jieba's default dictionary zstd-compressed
//! (`assets/dict/jieba_dict.txt.zst`, 1.6 MB instead of 4.8 MB); the binary embeds it as text
//! (`include_str!` of `$OUT_DIR/jieba_dict.txt`), so that `duizhao measures` does not spend
//! 15–20 ms of CPU decompressing it on every start (see `Tokenizer::for_texts`).

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
    // Rewrite only when it changed, so that the crate is not rebuilt for nothing.
    if std::fs::read(&out).ok().as_deref() != Some(text.as_slice()) {
        std::fs::write(&out, text)?;
    }
    Ok(())
}
