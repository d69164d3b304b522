//! Safe file writing: every file duizhao writes (projects, recovery files, exports) goes through
//! [`atomic_write`], so a crash, a full disk or a kill mid-write leaves either the old complete
//! file or the new complete file, never a half-written one.
//!
//! The bytes go to a temporary file in the target's own directory (a rename is only atomic
//! within one file system), are flushed to disk (`fsync`), and the temporary file is renamed over
//! the target; the directory is then synced so the rename itself survives a power cut.
//!
//! Also [`lower_extension`], the one place a path's extension is read for choosing a reader.

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
    /// The target is a folder: a file cannot replace it, with or without `--force`.
    #[error("{path}: is a directory; give a file name inside it")]
    IsADirectory {
        /// The target.
        path: PathBuf,
    },
    /// The target is something other than a regular file (a device, a pipe, a socket, a dangling
    /// link): duizhao never replaces those.
    #[error("{path}: is {kind}, not a regular file; duizhao only writes regular files")]
    NotAFile {
        /// The target.
        path: PathBuf,
        /// What it is (`a character device`, `a named pipe`…).
        kind: &'static str,
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

/// What is at a target path now.
#[derive(Debug)]
enum Target {
    /// Nothing: the file will be created.
    New,
    /// A regular file (possibly reached through a symbolic link: `path` is the real file) with
    /// these permissions.
    File {
        path: PathBuf,
        permissions: fs::Permissions,
    },
}

/// Check what is at `path` before writing: a folder is "is a directory", a device, pipe,
/// socket or dangling link is refused, an existing file needs `overwrite`. A symbolic link to a
/// regular file is written through (the link stays, its target is replaced).
pub fn check_target(path: &Path, overwrite: bool) -> Result<(), WriteError> {
    inspect(path, overwrite).map(|_| ())
}

fn inspect(path: &Path, overwrite: bool) -> Result<Target, WriteError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Target::New),
        Err(source) => {
            return Err(WriteError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let (real, meta) = if meta.file_type().is_symlink() {
        match (fs::canonicalize(path), fs::metadata(path)) {
            (Ok(real), Ok(m)) => (real, m),
            _ => {
                return Err(WriteError::NotAFile {
                    path: path.to_path_buf(),
                    kind: "a symbolic link to nothing (dangling)",
                });
            }
        }
    } else {
        (path.to_path_buf(), meta)
    };
    let ft = meta.file_type();
    if ft.is_dir() {
        return Err(WriteError::IsADirectory {
            path: path.to_path_buf(),
        });
    }
    if !ft.is_file() {
        return Err(WriteError::NotAFile {
            path: path.to_path_buf(),
            kind: special_kind(&ft),
        });
    }
    if !overwrite {
        return Err(WriteError::Exists {
            path: path.to_path_buf(),
        });
    }
    Ok(Target::File {
        path: real,
        permissions: meta.permissions(),
    })
}

fn special_kind(ft: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_fifo() {
            return "a named pipe";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    let _ = ft;
    "a special file"
}

/// Write `bytes` to `path` atomically (temp file, fsync, rename, directory fsync).
///
/// With `overwrite` false an existing `path` is an error ([`WriteError::Exists`]) and nothing is
/// written. On any error the temporary file is removed and `path` is untouched.
pub fn atomic_write(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), WriteError> {
    atomic_write_with(path, overwrite, |f| f.write_all(bytes))
}

/// Removes the temporary file when dropped (every error path, a panic in the writer) unless
/// it was renamed into place.
struct TempGuard {
    path: PathBuf,
    armed: bool,
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if self.armed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Like [`atomic_write`], with the content written by `fill` into the temporary file (for writers
/// that stream, such as a zip archive).
///
/// Only a new path or a regular file is written: folders, devices, pipes, sockets and dangling
/// links are refused ([`check_target`]). A replaced file keeps its permissions. Without
/// `overwrite` the file is created with no-clobber semantics (the finished temporary file is
/// hard-linked to the target, which fails if anything appeared there meanwhile), so of two
/// exports racing to one new path exactly one wins. Temporary files left by killed earlier runs
/// are removed.
pub fn atomic_write_with(
    path: &Path,
    overwrite: bool,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<(), WriteError> {
    let io_err = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let target = inspect(path, overwrite)?;
    let final_path = match &target {
        Target::New => path.to_path_buf(),
        Target::File { path, .. } => path.clone(),
    };
    let dir = match final_path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = final_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    remove_stale_temps(&dir, &name);
    let mut guard = TempGuard {
        path: temp_path(&dir, &name),
        armed: false,
    };
    let tmp = guard.path.clone();
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(io_err)?;
    guard.armed = true;
    let written = (|| {
        fill(&mut f)?;
        f.flush()?;
        if let Target::File { permissions, .. } = &target {
            f.set_permissions(permissions.clone())?;
        }
        f.sync_all()
    })();
    drop(f);
    written.map_err(io_err)?;
    match target {
        Target::File { .. } => fs::rename(&tmp, &final_path).map_err(io_err)?,
        Target::New if overwrite => fs::rename(&tmp, &final_path).map_err(io_err)?,
        Target::New => create_no_clobber(&tmp, &final_path).map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                // Appeared since the check: a concurrent writer won, or a folder was made.
                match inspect(path, false) {
                    Err(err @ (WriteError::IsADirectory { .. } | WriteError::NotAFile { .. })) => {
                        err
                    }
                    _ => WriteError::Exists {
                        path: path.to_path_buf(),
                    },
                }
            } else {
                io_err(e)
            }
        })?,
    }
    guard.armed = false;
    // Make the rename durable; not every platform can open a directory, which is fine.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Move the finished `tmp` to `target` only if nothing is there: a hard link (atomic, fails with
/// `AlreadyExists`), then the temporary name is removed. Where hard links are not supported
/// (FAT, some network shares) the target name is claimed with an exclusive create first and the
/// temporary file renamed over it.
fn create_no_clobber(tmp: &Path, target: &Path) -> io::Result<()> {
    match fs::hard_link(tmp, target) {
        Ok(()) => {
            let _ = fs::remove_file(tmp);
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(target)?;
            fs::rename(tmp, target)
        }
    }
}

/// A temporary file name next to the target, unique per process and call:
/// `.NAME.PID.N.tmp`.
fn temp_path(dir: &Path, name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

/// Remove temporary files that an earlier write of `dir/name` left when its process was killed
/// mid-write (`.NAME.PID.N.tmp`, see `temp_path`): those of processes that are gone (Linux: no
/// `/proc/PID`; elsewhere: older than an hour). Best effort.
pub fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(middle) = file
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some(pid) = middle
            .split_once('.')
            .and_then(|(pid, n)| n.parse::<u64>().ok().and(pid.parse::<u32>().ok()))
        else {
            continue;
        };
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        if is_file && pid != std::process::id() && !process_alive(pid, &e.path()) {
            let _ = fs::remove_file(e.path());
        }
    }
}

#[cfg(target_os = "linux")]
fn process_alive(pid: u32, _temp: &Path) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_alive(_pid: u32, temp: &Path) -> bool {
    let age = fs::metadata(temp)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok());
    age.is_none_or(|a| a < std::time::Duration::from_secs(3600))
}

/// `text` with control characters (terminal escape sequences in a file name, a stray carriage
/// return) shown as `\u{1b}`-style escapes, for messages printed to a terminal. Line feeds and
/// tabs are kept.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// An error and its causes as one line, each cause once: a cause whose text the message already
/// holds (`cannot write: Is a directory (os error 21)` caused by `Is a directory (os error 21)`)
/// is not repeated. Control characters are escaped.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cause = c.source();
    }
    escape_controls(&out).into_owned()
}

/// A path's extension in lower case (empty when it has none or it is not UTF-8).
pub fn lower_extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
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
