//! Saving a library: the previous version is kept as `NAME.bak`, and the new text goes to a
//! temporary file in the same folder, flushed to disk, then renamed over the old one, so the
//! file on disk is always a complete old or new version.

use std::path::{Path, PathBuf};

use super::{Library, to_toml, update_toml};
use crate::output::{self, OutputError};

/// Why a save failed. The file on disk is then still the previous version.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Writing the backup or the new file failed.
    #[error(transparent)]
    Write(#[from] OutputError),
    /// The file changed on disk since it was read or last saved (another program, or
    /// another Hologlyph, wrote it); nothing was written.
    #[error(
        "{path} changed on disk since it was opened or last saved; reload it, or overwrite it with this version"
    )]
    ChangedOnDisk { path: PathBuf },
    /// The folder the library was in is gone (a drive unplugged, a folder deleted). It is
    /// not made again: on an unmounted drive that would hide the file under the mount point.
    #[error(
        "cannot save {path}: its folder no longer exists (was a drive removed?); use Save as to choose another place"
    )]
    FolderGone { path: PathBuf },
    /// The existing file could not be read to back it up.
    #[error("cannot back up {path} before saving: {error}")]
    Backup {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// Where the previous version of `path` is kept.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

/// Saves `library` to `path` atomically, keeping the previous file as [`backup_path`].
pub fn save(library: &Library, path: &Path) -> Result<(), SaveError> {
    save_text(&to_toml(library), path)
}

/// Saves `library` to `path` over the file it was read from: `disk` is that file's text and
/// the library it was read as. Comments, layout and untouched entries are kept as written
/// ([`update_toml`]); without `disk`, or when that text is not TOML, a fresh file is
/// written. Returns the text written.
pub fn save_over(
    library: &Library,
    path: &Path,
    disk: Option<(&str, &Library)>,
) -> Result<String, SaveError> {
    let text = disk
        .and_then(|(text, base)| update_toml(text, base, library))
        .unwrap_or_else(|| to_toml(library));
    save_text(&text, path)?;
    Ok(text)
}

/// Saves library text atomically with a backup (also used by tests of the mechanism).
pub fn save_text(text: &str, path: &Path) -> Result<(), SaveError> {
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && !dir.is_dir()
    {
        return Err(SaveError::FolderGone {
            path: path.to_path_buf(),
        });
    }
    match std::fs::read(path) {
        Ok(previous) => {
            let backup = backup_path(path);
            output::write_atomic(&backup, |file| write_all(file, &previous, &backup))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(SaveError::Backup {
                path: path.to_path_buf(),
                error,
            });
        }
    }
    output::write_atomic(path, |file| write_all(file, text.as_bytes(), path))?;
    // Make the rename itself durable.
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ignored = d.sync_all();
    }
    Ok(())
}

fn write_all(file: &mut std::fs::File, bytes: &[u8], path: &Path) -> Result<(), OutputError> {
    use std::io::Write as _;
    file.write_all(bytes).map_err(|error| OutputError::Io {
        path: path.to_path_buf(),
        error,
    })
}
