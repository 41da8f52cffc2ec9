//! Crash recovery: unsaved edits are snapshotted to a recovery file within about a second of
//! each change, by a background thread, atomically (a kill mid-write leaves the previous
//! snapshot). A snapshot is the whole library as it would be saved (comments kept), with
//! a first line naming the library file it belongs to. Saving or discarding removes it; the
//! next start finds what a crash left and offers it back.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use crate::library::{self, Library, Loaded};
use crate::output;

/// How long after a change the snapshot may wait (changes closer together share one).
pub const SNAPSHOT_EVERY: Duration = Duration::from_millis(700);
const HEADER: &str = "# hologlyph-recovery ";

/// What the app hands the writer: the library to keep and what it was read from.
pub struct Snapshot {
    /// The library file the edits belong to.
    pub library_path: PathBuf,
    pub library: Arc<Library>,
    /// The file's text and the library it read as, to keep comments.
    pub disk: Option<(Arc<str>, Arc<Library>)>,
}

enum Message {
    Write(Snapshot),
    Remove(PathBuf),
    /// Answers once everything before it is on disk.
    Flush(Sender<()>),
}

/// The journal of one app: a writer thread and what it last wrote.
pub struct Recovery {
    dir: PathBuf,
    tx: Option<Sender<Message>>,
    thread: Option<JoinHandle<()>>,
    /// The revision last sent, and when.
    written: Option<(u64, Instant)>,
    /// The library file of the last snapshot (removed when the document is clean).
    file: Option<PathBuf>,
    errors: Receiver<String>,
}

/// A recovery file found at start-up.
#[derive(Clone, Debug)]
pub struct Found {
    pub file: PathBuf,
    /// The library file the edits belong to.
    pub library_path: PathBuf,
    pub modified: Option<SystemTime>,
}

impl Recovery {
    /// A journal writing into `dir` (made when first needed).
    pub fn new(dir: PathBuf) -> Self {
        let (tx, rx) = channel::<Message>();
        let (err_tx, errors) = channel();
        let thread_dir = dir.clone();
        let thread = std::thread::Builder::new()
            .name("hologlyph recovery".into())
            .spawn(move || {
                for message in rx {
                    let result = match message {
                        Message::Write(s) => write(&thread_dir, &s),
                        Message::Remove(path) => remove(&thread_dir, &path),
                        Message::Flush(done) => {
                            let _gone = done.send(());
                            Ok(())
                        }
                    };
                    if let Err(e) = result
                        && err_tx.send(e).is_err()
                    {
                        return;
                    }
                }
            })
            .ok();
        Self {
            dir,
            tx: thread.is_some().then_some(tx),
            thread,
            written: None,
            file: None,
            errors,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Called every frame: snapshots the document when it has unsaved changes not yet
    /// snapshotted (at most every [`SNAPSHOT_EVERY`]), and removes the snapshot once the
    /// document is clean again. Returns how soon to call again when a snapshot is due
    /// but waits (the caller asks for a frame then).
    pub fn note(
        &mut self,
        snapshot: impl FnOnce() -> Snapshot,
        revision: u64,
        dirty: bool,
    ) -> Option<Duration> {
        let now = Instant::now();
        if !dirty {
            if let Some(path) = self.file.take() {
                self.send(Message::Remove(path));
            }
            self.written = None;
            return None;
        }
        let wait = match self.written {
            Some((r, _)) if r == revision => return None,
            Some((_, at)) => SNAPSHOT_EVERY.saturating_sub(now.duration_since(at)),
            None => Duration::ZERO,
        };
        if !wait.is_zero() {
            return Some(wait);
        }
        let s = snapshot();
        self.file = Some(s.library_path.clone());
        self.written = Some((revision, now));
        self.send(Message::Write(s));
        None
    }

    /// Forgets the snapshot of `library_path` (the user discarded the edits, or opened
    /// another library after saving or discarding).
    pub fn discard(&mut self, library_path: &Path) {
        self.send(Message::Remove(library_path.to_path_buf()));
        if self.file.as_deref() == Some(library_path) {
            self.file = None;
        }
        self.written = None;
    }

    /// Waits until everything sent is on disk.
    pub fn flush(&self) {
        let (tx, rx) = channel();
        if self
            .tx
            .as_ref()
            .is_some_and(|t| t.send(Message::Flush(tx)).is_ok())
        {
            let _ = rx.recv_timeout(Duration::from_secs(10));
        }
    }

    /// Errors the writer met since the last call.
    pub fn errors(&self) -> Vec<String> {
        self.errors.try_iter().collect()
    }

    fn send(&mut self, m: Message) {
        if let Some(tx) = &self.tx {
            let _stopped = tx.send(m);
        }
    }
}

impl Drop for Recovery {
    fn drop(&mut self) {
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The recovery file of a library file.
pub fn file_for(dir: &Path, library_path: &Path) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    absolute(library_path).hash(&mut h);
    let stem = library_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "library".into());
    dir.join(format!("{stem}-{:016x}.recovery.toml", h.finish()))
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn write(dir: &Path, s: &Snapshot) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot make the recovery folder {}: {e}", dir.display()))?;
    let body = s
        .disk
        .as_ref()
        .and_then(|(text, base)| library::update_toml(text, base, &s.library))
        .unwrap_or_else(|| library::to_toml(&s.library));
    let header = serde_json::json!({ "library": absolute(&s.library_path) });
    let text = format!("{HEADER}{header}\n{body}");
    let path = file_for(dir, &s.library_path);
    output::write_atomic(&path, |file| {
        use std::io::Write as _;
        file.write_all(text.as_bytes())
            .map_err(|error| output::OutputError::Io {
                path: path.clone(),
                error,
            })
    })
    .map_err(|e| format!("recovery snapshot: {e}"))
}

fn remove(dir: &Path, library_path: &Path) -> Result<(), String> {
    let path = file_for(dir, library_path);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot remove {}: {e}", path.display())),
    }
}

/// Recovery files left in `dir` (by a crash, or a quit without saving or discarding),
/// newest first.
pub fn find(dir: &Path) -> Vec<Found> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<Found> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".recovery.toml"))
        .filter_map(|e| {
            let file = e.path();
            let first = std::fs::read_to_string(&file).ok()?;
            let header = first.lines().next()?.strip_prefix(HEADER)?;
            let v: serde_json::Value = serde_json::from_str(header).ok()?;
            Some(Found {
                library_path: PathBuf::from(v.get("library")?.as_str()?),
                modified: e.metadata().ok().and_then(|m| m.modified().ok()),
                file,
            })
        })
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.modified));
    found
}

/// Reads a recovery file as the library it holds (relative paths resolve against the
/// library file's folder, as they did before the crash).
pub fn read(found: &Found) -> Result<Loaded, String> {
    let text = std::fs::read_to_string(&found.file)
        .map_err(|e| format!("cannot read {}: {e}", found.file.display()))?;
    let body = text.split_once('\n').map_or("", |(_, rest)| rest);
    Ok(library::load_str(body, &found.library_path))
}
