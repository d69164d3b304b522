//! Print the text duizhao's importers read from each file (`FILE.duizhao.txt` next to it with
//! `--write`), or the error; used to measure PDF producers against `pdftotext`.

use std::path::PathBuf;

fn main() {
    let mut write = false;
    for arg in std::env::args().skip(1) {
        if arg == "--write" {
            write = true;
            continue;
        }
        let path = PathBuf::from(&arg);
        let start = std::time::Instant::now();
        match duizhao::formats::read_any(&path) {
            Ok(file) => {
                eprintln!(
                    "{arg}: ok, {} bytes, {:?}",
                    file.text.len(),
                    start.elapsed()
                );
                if write {
                    let out = format!("{arg}.duizhao.txt");
                    if let Err(e) = std::fs::write(&out, &file.text) {
                        eprintln!("{out}: {e}");
                    }
                } else {
                    print!("{}", file.text);
                }
            }
            Err(e) => {
                eprintln!("{e}");
                if write {
                    let _ = std::fs::write(format!("{arg}.duizhao.txt"), "");
                }
            }
        }
    }
}
