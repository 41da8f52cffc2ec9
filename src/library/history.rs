//! Revisions of an open library and the undo history over them. Every change makes a new
//! [`Revision`] (a shared library and a number no other revision has), so an undo step is
//! two pointers, and anything derived from a library can be keyed by the revision number.
//! Edits that belong to one gesture (a drag, typing in one field) share a merge key and
//! become one step until [`History::seal`] ends the gesture.

use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::Library;
use super::edit::{Edit, EditError, apply};

/// Most undo steps kept.
pub const MAX_UNDO: usize = 500;

static NEXT_REVISION: AtomicU64 = AtomicU64::new(1);

/// One state of a library: shared, immutable, numbered. Two revisions with the same number
/// hold the same library; numbers are never reused in a process, even across libraries.
#[derive(Clone, Debug)]
pub struct Revision {
    library: Arc<Library>,
    number: u64,
}

impl Revision {
    /// A new revision of `library`.
    pub fn new(library: Library) -> Self {
        Self {
            library: Arc::new(library),
            number: NEXT_REVISION.fetch_add(1, Ordering::Relaxed),
        }
    }

    pub fn library(&self) -> &Arc<Library> {
        &self.library
    }

    pub fn number(&self) -> u64 {
        self.number
    }
}

impl Deref for Revision {
    type Target = Library;
    fn deref(&self) -> &Library {
        &self.library
    }
}

#[derive(Clone, Debug)]
struct Step {
    label: String,
    before: Revision,
    after: Revision,
}

/// The current revision, what undo and redo lead to, and which revision is on disk.
#[derive(Clone, Debug)]
pub struct History {
    current: Revision,
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// The merge key of the last step while its gesture goes on.
    gesture: Option<String>,
    saved: Option<u64>,
}

impl History {
    /// A history starting at `library`, taken to be what is on disk.
    pub fn new(library: Library) -> Self {
        let current = Revision::new(library);
        Self {
            saved: Some(current.number),
            current,
            undo: Vec::new(),
            redo: Vec::new(),
            gesture: None,
        }
    }

    pub fn current(&self) -> &Revision {
        &self.current
    }

    /// Applies `edit` as a new undo step, or, when `merge` names the gesture the last step
    /// belongs to, folds it into that step. A failed edit changes nothing.
    pub fn apply(&mut self, edit: &Edit, merge: Option<&str>) -> Result<&Revision, EditError> {
        let next = Revision::new(apply(&self.current, edit)?);
        let label = edit.label();
        match self.undo.last_mut() {
            Some(last) if merge.is_some() && merge == self.gesture.as_deref() => {
                last.after = next.clone();
                last.label = label;
            }
            _ => {
                self.undo.push(Step {
                    label,
                    before: self.current.clone(),
                    after: next.clone(),
                });
                if self.undo.len() > MAX_UNDO {
                    self.undo.remove(0);
                }
            }
        }
        self.gesture = merge.map(str::to_string);
        self.redo.clear();
        self.current = next;
        Ok(&self.current)
    }

    /// Replaces the whole library as one undo step (restoring recovered edits, a reload
    /// that keeps the history).
    pub fn replace(&mut self, library: Library, label: &str) -> &Revision {
        let next = Revision::new(library);
        self.undo.push(Step {
            label: label.to_string(),
            before: self.current.clone(),
            after: next.clone(),
        });
        if self.undo.len() > MAX_UNDO {
            self.undo.remove(0);
        }
        self.gesture = None;
        self.redo.clear();
        self.current = next;
        &self.current
    }

    /// Ends the gesture in progress: the next edit starts a new step whatever its key.
    pub fn seal(&mut self) {
        self.gesture = None;
    }

    /// Goes back one step; returns its label.
    pub fn undo(&mut self) -> Option<String> {
        let step = self.undo.pop()?;
        self.current = step.before.clone();
        let label = step.label.clone();
        self.redo.push(step);
        self.gesture = None;
        Some(label)
    }

    /// Goes forward one undone step; returns its label.
    pub fn redo(&mut self) -> Option<String> {
        let step = self.redo.pop()?;
        self.current = step.after.clone();
        let label = step.label.clone();
        self.undo.push(step);
        self.gesture = None;
        Some(label)
    }

    /// What Undo would undo, e.g. “link region outer-gap → Δ41”.
    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|s| s.label.as_str())
    }

    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|s| s.label.as_str())
    }

    /// Steps that can be undone.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// Whether the current revision differs from the one on disk.
    pub fn is_dirty(&self) -> bool {
        self.saved != Some(self.current.number)
    }

    /// Records that the current revision is now on disk (the history is kept).
    pub fn mark_saved(&mut self) {
        self.saved = Some(self.current.number);
    }
}
