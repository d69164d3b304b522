//! Safe file writing: every file duizhao writes (projects, recovery files, exports) goes through
//! [`atomic_write`], so a crash, a full disk or a kill mid-write leaves either the old complete
//! file or the new complete file, never a half-written one.
//!
//! The bytes go to a temporary file in the target's own directory (a rename is only atomic
//! within one file system), are flushed to disk (`fsync`), and the temporary file is renamed over
//! the target; the directory is then synced so the rename itself survives a power cut.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The target exists and overwriting was not allowed.
    #[error("{path}: the file already exists (use --force to overwrite it)")]
    Exists {
        /// The target.
        path: PathBuf,
    },
    /// An I/O error while writing, syncing or renaming.
    #[error("{path}: cannot write: {source}")]
    Io {
        /// The target.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
}

/// Write `bytes` to `path` atomically (temp file, fsync, rename, directory fsync).
///
/// With `overwrite` false an existing `path` is an error ([`WriteError::Exists`]) and nothing is
/// written. On any error the temporary file is removed and `path` is untouched.
pub fn atomic_write(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), WriteError> {
    atomic_write_with(path, overwrite, |f| f.write_all(bytes))
}

/// Like [`atomic_write`], with the content written by `fill` into the temporary file (for writers
/// that stream, such as a zip archive).
pub fn atomic_write_with(
    path: &Path,
    overwrite: bool,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<(), WriteError> {
    let io_err = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    if !overwrite && path.exists() {
        return Err(WriteError::Exists {
            path: path.to_path_buf(),
        });
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = temp_path(&dir, &name);
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        fill(&mut f)?;
        f.flush()?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        // Make the rename durable; not every platform can open a directory, which is fine.
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(io_err(e));
    }
    Ok(())
}

/// A temporary file name next to the target, unique per process and call.
fn temp_path(dir: &Path, name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_then_refuses_to_overwrite_without_permission() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        atomic_write(&p, b"one", false).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"one");
        let e = atomic_write(&p, b"two", false).unwrap_err();
        assert!(e.to_string().contains("a.txt"), "{e}");
        assert_eq!(fs::read(&p).unwrap(), b"one");
        atomic_write(&p, b"two", true).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failing_writer_leaves_the_old_file_and_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.txt");
        atomic_write(&p, b"old", false).unwrap();
        let e = atomic_write_with(&p, true, |f| {
            f.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(e.to_string().contains("disk full"), "{e}");
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn missing_directory_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("no/such/dir/c.txt");
        let e = atomic_write(&p, b"x", false).unwrap_err();
        assert!(e.to_string().contains("c.txt"), "{e}");
    }
}
