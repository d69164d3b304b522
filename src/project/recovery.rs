//! The recovery copy of unsaved work: where it lives (next to the project as a hidden file, or in
//! the user's data folder for an unsaved project), finding it at start and discarding it.

use std::path::{Path, PathBuf};

use super::{Project, ProjectError};

/// The recovery file for a project: `.NAME.recovery` next to it, or for a project never saved
/// `recovery.duizhao.ron` in duizhao's data folder (`$XDG_DATA_HOME/duizhao`, else
/// `~/.local/share/duizhao`).
pub fn recovery_path(project_path: Option<&Path>) -> PathBuf {
    if let Some(p) = project_path {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "project.duizhao.ron".into());
        let dir = p.parent().unwrap_or(Path::new(""));
        return dir.join(format!(".{name}.recovery"));
    }
    data_dir().join("recovery.duizhao.ron")
}

fn data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("duizhao");
    }
    if let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(h).join(".local/share/duizhao");
    }
    std::env::temp_dir().join("duizhao")
}

/// A recovery file worth offering: it exists and is newer than the project (or the project was
/// never saved, or is gone).
pub fn find_recovery(project_path: Option<&Path>) -> Option<PathBuf> {
    let rec = recovery_path(project_path);
    let rec_time = std::fs::metadata(&rec).and_then(|m| m.modified()).ok()?;
    let newer = match project_path.map(|p| std::fs::metadata(p).and_then(|m| m.modified())) {
        Some(Ok(project_time)) => rec_time > project_time,
        _ => true,
    };
    newer.then_some(rec)
}

/// Remove the recovery file (after a save, or when the user declines it); no file is fine.
pub fn discard_recovery(project_path: Option<&Path>) -> Result<(), ProjectError> {
    let rec = recovery_path(project_path);
    match std::fs::remove_file(&rec) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(ProjectError::Write {
            path: rec,
            message: e.to_string(),
        }),
        _ => Ok(()),
    }
}

impl Project {
    /// Write the recovery copy for a project at `project_path` (or an unsaved one); returns where.
    pub fn save_recovery(&self, project_path: Option<&Path>) -> Result<PathBuf, ProjectError> {
        let rec = recovery_path(project_path);
        if let Some(dir) = rec.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| ProjectError::Write {
                path: rec.clone(),
                message: e.to_string(),
            })?;
        }
        self.save(&rec)?;
        Ok(rec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_sits_next_to_the_project_as_a_hidden_file() {
        assert_eq!(
            recovery_path(Some(Path::new("/data/淄博.duizhao.ron"))),
            PathBuf::from("/data/.淄博.duizhao.ron.recovery")
        );
        assert!(recovery_path(None).ends_with("duizhao/recovery.duizhao.ron"));
    }
}
