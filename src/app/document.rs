//! The open library: its file, its revisions and undo history, the problems found when it
//! was read, and what is derived from it (search, semantic and shape indices), each kept
//! for the revision it was made from and rebuilt only for what changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::embedding::{SemanticIndex, ShapeIndex};
use crate::library::search::SearchIndex;
use crate::library::{
    self, Edit, EditError, History, Library, LibraryError, Problem, Revision, SaveError, Symbol,
    SymbolId,
};

static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

/// An open library file.
pub struct Document {
    pub path: PathBuf,
    /// A new library never saved: its path is only a suggested name.
    pub untitled: bool,
    /// Which opening of a file this is: work started for one opening (thumbnails, shape
    /// neighbours) never lands in another, even of the same file.
    pub generation: u64,
    pub problems: Vec<Problem>,
    /// The revision `problems` were found in (they were found in the file as read until
    /// an edit is validated in the background).
    pub problems_revision: u64,
    history: History,
    /// The file's text as last read or saved, and the revision it reads as: a save edits
    /// that text in place, keeping comments and untouched entries (None: a new file).
    disk: Option<(Arc<str>, Revision)>,
    /// The file's modification time and length when it was read or saved: a change seen
    /// while the library is open is offered for reloading.
    disk_stamp: Option<DiskStamp>,
    search: Derived<SearchIndex>,
    semantic: Derived<Arc<SemanticIndex>>,
    tags: Derived<Vec<String>>,
    /// Where each symbol is in the revision's list: the browser looks up every thumbnail
    /// it shows, every frame, and a scan of 10,000 symbols each time showed.
    positions: Derived<HashMap<SymbolId, usize>>,
    /// Shape neighbours, computed in the background (see `jobs`), for the revision noted.
    shape: Option<Derived<Arc<ShapeIndex>>>,
}

/// What a stat of the file says, to notice that someone else wrote it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct DiskStamp {
    modified: Option<std::time::SystemTime>,
    len: u64,
}

impl DiskStamp {
    fn of(path: &Path) -> Option<Self> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Self {
            modified: meta.modified().ok(),
            len: meta.len(),
        })
    }
}

/// Something computed from one revision of the library.
struct Derived<T> {
    revision: Revision,
    value: T,
}

impl Document {
    /// Reads and validates a library file. Problems inside it do not fail the opening.
    pub fn open(path: &Path) -> Result<Self, LibraryError> {
        let loaded = library::load(path)?;
        Ok(Self::from_loaded(path, loaded))
    }

    /// What stands for a library being read in the background: empty, unsaved, named after
    /// the file (nothing can be edited while it stands; see `State::loading`).
    pub fn placeholder(path: &Path) -> Self {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let library = Library {
            title: format!("Reading {}…", path.display()),
            base_dir: dir,
            ..Library::default()
        };
        let mut doc = Self::from_library(path, library, Vec::new());
        doc.untitled = true;
        doc
    }

    /// A new, empty library (File ▸ New library): saving asks where.
    pub fn untitled() -> Self {
        let dir = std::env::current_dir().unwrap_or_default();
        let path = dir.join("untitled.toml");
        let library = Library {
            title: "Untitled".into(),
            base_dir: dir,
            ..Library::default()
        };
        let mut doc = Self::from_library(&path, library, Vec::new());
        doc.untitled = true;
        doc
    }

    /// A document over a library read from `path` (its text kept for saving over).
    pub fn from_loaded(path: &Path, loaded: library::Loaded) -> Self {
        let mut doc = Self::from_library(path, loaded.library, loaded.problems);
        doc.disk = Some((loaded.text.into(), doc.revision().clone()));
        doc.disk_stamp = DiskStamp::of(path);
        doc
    }

    pub fn from_library(path: &Path, library: Library, problems: Vec<Problem>) -> Self {
        let history = History::new(library);
        let revision = history.current().clone();
        Self {
            path: path.to_path_buf(),
            generation: NEXT_GENERATION.fetch_add(1, Ordering::Relaxed),
            problems,
            problems_revision: revision.number(),
            search: Derived {
                value: SearchIndex::new(&revision),
                revision: revision.clone(),
            },
            semantic: Derived {
                value: Arc::new(SemanticIndex::new(&revision)),
                revision: revision.clone(),
            },
            tags: Derived {
                value: all_tags(&revision),
                revision: revision.clone(),
            },
            positions: Derived {
                value: positions(&revision),
                revision,
            },
            shape: None,
            history,
            disk: None,
            disk_stamp: None,
            untitled: false,
        }
    }

    /// The current revision.
    pub fn revision(&self) -> &Revision {
        self.history.current()
    }

    pub fn library(&self) -> &Arc<Library> {
        self.history.current().library()
    }

    /// The current revision's symbol `id`, found through the index (a stale index only
    /// costs a scan).
    pub fn symbol(&self, id: &str) -> Option<&Arc<Symbol>> {
        let lib = self.library();
        (self.positions.value.get(id))
            .and_then(|&i| lib.symbols.get(i))
            .filter(|s| s.id == *id)
            .or_else(|| lib.symbol(id))
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn search(&self) -> &SearchIndex {
        &self.search.value
    }

    pub fn semantic(&self) -> &Arc<SemanticIndex> {
        &self.semantic.value
    }

    /// Shape neighbours, once computed for a revision with the same glyphs as the current
    /// one (None while they are computed again after a glyph changed).
    pub fn shape(&self) -> Option<&Arc<ShapeIndex>> {
        self.shape
            .as_ref()
            .filter(|d| same_glyphs(&d.revision, self.revision()))
            .map(|d| &d.value)
    }

    /// Every tag the symbols carry, sorted, once per revision.
    pub fn tags(&self) -> &[String] {
        &self.tags.value
    }

    /// Whether the shape index is missing or was made from other glyphs than the current
    /// revision's; with the revision it was made from, to reuse its descriptors.
    pub fn shape_wanted(&self) -> Option<Option<(Revision, Arc<ShapeIndex>)>> {
        let current = self.revision();
        match &self.shape {
            Some(d) if same_glyphs(&d.revision, current) => None,
            Some(d) => Some(Some((d.revision.clone(), d.value.clone()))),
            None => Some(None),
        }
    }

    /// Takes a shape index computed in the background for `revision`.
    pub fn set_shape(&mut self, revision: Revision, index: Arc<ShapeIndex>) {
        if same_glyphs(&revision, self.revision()) {
            self.shape = Some(Derived {
                revision,
                value: index,
            });
        }
    }

    /// Applies an edit as an undo step (or folds it into the gesture `merge` names).
    pub fn apply(&mut self, edit: &Edit, merge: Option<&str>) -> Result<(), EditError> {
        self.history.apply(edit, merge)?;
        self.refresh();
        Ok(())
    }

    /// Replaces the whole library as one undo step (restored edits).
    pub fn replace(&mut self, library: Library, label: &str) {
        self.history.replace(library, label);
        self.refresh();
    }

    /// The snapshot crash recovery keeps of this document.
    pub fn snapshot(&self) -> super::recovery::Snapshot {
        super::recovery::Snapshot {
            library_path: self.path.clone(),
            library: self.library().clone(),
            disk: self
                .disk
                .as_ref()
                .map(|(text, base)| (text.clone(), base.library().clone())),
        }
    }

    /// Ends the gesture in progress (a drag ended, a text field lost focus).
    pub fn seal(&mut self) {
        self.history.seal();
    }

    pub fn undo(&mut self) -> Option<String> {
        let label = self.history.undo()?;
        self.refresh();
        Some(label)
    }

    pub fn redo(&mut self) -> Option<String> {
        let label = self.history.redo()?;
        self.refresh();
        Some(label)
    }

    /// Writes the current revision to the file (atomically, keeping a backup); the undo
    /// history stays. If the file on disk is no longer what was read or last saved here
    /// (another program or another Hologlyph wrote it), nothing is written:
    /// [`SaveError::ChangedOnDisk`], and [`Self::save_overwriting`] is the user's choice.
    pub fn save(&mut self) -> Result<(), SaveError> {
        if self.changed_since_read() {
            return Err(SaveError::ChangedOnDisk {
                path: self.path.clone(),
            });
        }
        self.save_overwriting()
    }

    /// Saves whatever the file on disk holds now (the user chose to overwrite it).
    pub fn save_overwriting(&mut self) -> Result<(), SaveError> {
        let disk = self
            .disk
            .as_ref()
            .map(|(text, base)| (&**text, base.library().as_ref()));
        let text = library::save_over(self.library(), &self.path, disk)?;
        self.disk = Some((text.into(), self.revision().clone()));
        self.disk_stamp = DiskStamp::of(&self.path);
        self.history.mark_saved();
        Ok(())
    }

    /// Whether the file's bytes differ from the text read or last saved (a file that is
    /// gone, or a new library, has nothing to lose).
    fn changed_since_read(&self) -> bool {
        let Some((text, _)) = &self.disk else {
            return false;
        };
        match std::fs::read(&self.path) {
            Ok(bytes) => bytes != text.as_bytes(),
            Err(_) => false,
        }
    }

    /// Whether the file's modification time or length changed since it was read or last
    /// saved here (a stat: cheap enough for the frame that polls it every few seconds).
    pub fn disk_changed(&self) -> bool {
        self.disk_stamp
            .is_some_and(|stamp| DiskStamp::of(&self.path).is_some_and(|now| now != stamp))
    }

    /// Keeps editing this version: the change on disk is not asked about again (a save
    /// still refuses to overwrite it without the user's word).
    pub fn accept_disk_change(&mut self) {
        self.disk_stamp = DiskStamp::of(&self.path);
    }

    /// Saves to another file, which becomes this document's file. In another folder, the
    /// files the library names are written so that they are still found from there (one
    /// undo step before the save).
    pub fn save_as(&mut self, path: &Path) -> Result<(), SaveError> {
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        if !self.untitled && absolute(path) == absolute(&self.path) {
            // The same file: the same rule as Save, never over another's change.
            return self.save();
        }
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        if absolute(&self.library().base_dir) != absolute(&dir) {
            let moved = self.library().moved_to(&dir);
            self.replace(moved, &format!("move file references to {}", dir.display()));
        }
        let disk = self
            .disk
            .as_ref()
            .map(|(text, base)| (&**text, base.library().as_ref()));
        let text = library::save_over(self.library(), path, disk)?;
        self.path = path.to_path_buf();
        self.untitled = false;
        self.disk = Some((text.into(), self.revision().clone()));
        self.disk_stamp = DiskStamp::of(path);
        self.history.mark_saved();
        Ok(())
    }

    /// Brings the derived indices to the current revision, reusing what did not change.
    fn refresh(&mut self) {
        let current = self.history.current().clone();
        if self.search.revision.number() != current.number() {
            self.search = Derived {
                value: self.search.value.update(&current),
                revision: current.clone(),
            };
        }
        if self.semantic.revision.number() != current.number() {
            let value = if same_meanings(&self.semantic.revision, &current) {
                self.semantic.value.clone()
            } else {
                Arc::new(SemanticIndex::new(&current))
            };
            self.semantic = Derived {
                value,
                revision: current.clone(),
            };
        }
        if self.tags.revision.number() != current.number() {
            self.tags = Derived {
                value: all_tags(&current),
                revision: current.clone(),
            };
        }
        if self.positions.revision.number() != current.number() {
            // An edit of a symbol's content (a drag, every event) keeps every id in place.
            let old = &self.positions.revision.symbols;
            let same_ids = old.len() == current.symbols.len()
                && old.iter().zip(&current.symbols).all(|(a, b)| a.id == b.id);
            if !same_ids {
                self.positions.value = positions(&current);
            }
            self.positions.revision = current;
        }
    }
}

fn positions(library: &Library) -> HashMap<SymbolId, usize> {
    (library.symbols.iter().enumerate())
        .map(|(i, s)| (s.id.clone(), i))
        .collect()
}

fn all_tags(library: &Library) -> Vec<String> {
    let mut tags: Vec<String> = library
        .symbols
        .iter()
        .flat_map(|s| s.tags.iter().cloned())
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

/// Whether two libraries have the same symbols with the same glyphs, in the same order (a
/// shape index of one serves the other).
fn same_glyphs(a: &Library, b: &Library) -> bool {
    a.base_dir == b.base_dir
        && a.symbols.len() == b.symbols.len()
        && a.symbols
            .iter()
            .zip(&b.symbols)
            .all(|(x, y)| Arc::ptr_eq(x, y) || (x.id == y.id && x.glyph == y.glyph))
}

/// Whether two libraries give the same semantic index: the same concepts and axes, and
/// entries whose components, embeddings, triggers and adapter links agree, in order.
fn same_meanings(a: &Library, b: &Library) -> bool {
    let symbols = a.symbols.len() == b.symbols.len()
        && a.symbols.iter().zip(&b.symbols).all(|(x, y)| {
            Arc::ptr_eq(x, y)
                || (x.id == y.id
                    && x.components == y.components
                    && x.embedding == y.embedding
                    && x.adapters == y.adapters
                    && x.regions
                        .iter()
                        .map(|r| &r.adapters)
                        .eq(y.regions.iter().map(|r| &r.adapters)))
        });
    let scenes = a.scenes.len() == b.scenes.len()
        && a.scenes.iter().zip(&b.scenes).all(|(x, y)| {
            Arc::ptr_eq(x, y)
                || (x.id == y.id && x.components == y.components && x.embedding == y.embedding)
        });
    let adapters = a.adapters.len() == b.adapters.len()
        && a.adapters
            .iter()
            .zip(&b.adapters)
            .all(|(x, y)| Arc::ptr_eq(x, y) || (x.id == y.id && x.triggers == y.triggers));
    symbols && scenes && adapters && a.axes == b.axes && a.concepts == b.concepts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The symbol index follows every revision: a removal moves the symbols after it, undo
    /// moves them back, and symbols added last are found.
    #[test]
    fn symbols_are_found_through_every_revision() {
        let bundled = library::load_bundled().expect("bundled").library;
        let mut doc = Document::from_library(Path::new("lib.toml"), bundled, Vec::new());
        let check = |doc: &Document| {
            for s in &doc.library().symbols {
                let found = doc.symbol(&s.id).expect("found");
                assert!(Arc::ptr_eq(found, s), "{} found as {}", s.id, found.id);
            }
        };
        check(&doc);
        for id in ["a-copy", "b-copy"] {
            let mut copy = Symbol::clone(&doc.library().symbols[0]);
            copy.id = SymbolId::from(id);
            doc.apply(&Edit::AddSymbol(Arc::new(copy)), None)
                .expect("adds");
        }
        check(&doc);
        doc.apply(&Edit::RemoveSymbol("a-copy".into()), None)
            .expect("removes");
        assert!(doc.symbol("a-copy").is_none());
        check(&doc);
        doc.undo();
        check(&doc);
        assert!(doc.symbol("a-copy").is_some());
    }
}
