//! Where the centre is and how it got there: a browser-like history of [`Focus`]es by id.
//! Navigation is not undone with edits; it has its own back and forward.

use crate::library::{AdapterId, Library, SceneId, SymbolId};

/// Places the back/forward history keeps.
pub const MAX_STEPS: usize = 500;

/// What the centre shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Focus {
    /// A symbol; with `region`, that region link unfolded (its cards around the glyph).
    Symbol {
        id: SymbolId,
        region: Option<String>,
    },
    Scene(SceneId),
    Adapter(AdapterId),
}

impl Focus {
    /// A symbol with nothing unfolded.
    pub fn symbol(id: impl Into<SymbolId>) -> Self {
        Focus::Symbol {
            id: id.into(),
            region: None,
        }
    }

    /// The symbol shown, if the focus is one.
    pub fn symbol_id(&self) -> Option<&SymbolId> {
        match self {
            Focus::Symbol { id, .. } => Some(id),
            _ => None,
        }
    }

    /// Whether what this focus names is in `library` (a region must still be a link).
    pub fn exists_in(&self, library: &Library) -> bool {
        match self {
            Focus::Symbol { id, region } => library.symbol(id).is_some_and(|s| {
                region
                    .as_ref()
                    .is_none_or(|r| s.regions.iter().any(|l| l.id == *r))
            }),
            Focus::Scene(id) => library.scene(id).is_some(),
            Focus::Adapter(id) => library.adapter(id).is_some(),
        }
    }
}

/// The history of foci and the position in it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Navigation {
    steps: Vec<Focus>,
    at: usize,
}

impl Navigation {
    /// Where the centre is now.
    pub fn focus(&self) -> Option<&Focus> {
        self.steps.get(self.at)
    }

    pub fn steps(&self) -> &[Focus] {
        &self.steps
    }

    /// Index of the current step.
    pub fn position(&self) -> usize {
        self.at
    }

    pub fn can_go_back(&self) -> bool {
        self.at > 0
    }

    pub fn can_go_forward(&self) -> bool {
        self.at + 1 < self.steps.len()
    }

    /// Goes to `focus`, dropping any forward history (like a browser). Returns whether the
    /// focus changed.
    pub fn go(&mut self, focus: Focus) -> bool {
        if self.focus() == Some(&focus) {
            return false;
        }
        self.steps
            .truncate(self.at + usize::from(!self.steps.is_empty()));
        self.steps.push(focus);
        // Bounded (a kiosk left on for days goes through thousands of steps).
        if self.steps.len() > MAX_STEPS {
            self.steps.remove(0);
        }
        self.at = self.steps.len() - 1;
        true
    }

    pub fn back(&mut self) -> bool {
        self.jump(self.at.wrapping_sub(1))
    }

    pub fn forward(&mut self) -> bool {
        self.jump(self.at + 1)
    }

    /// Goes to step `i` of the history, keeping the rest of it (a breadcrumb).
    pub fn jump(&mut self, i: usize) -> bool {
        if i < self.steps.len() && i != self.at {
            self.at = i;
            true
        } else {
            false
        }
    }

    /// Forgets every step.
    pub fn clear(&mut self) {
        self.steps.clear();
        self.at = 0;
    }

    /// Drops the steps that name what `library` no longer has (after an edit or undo),
    /// keeping the position on the nearest surviving step at or before it. Returns whether
    /// the current focus changed.
    pub fn retain_existing(&mut self, library: &Library) -> bool {
        let before = self.focus().cloned();
        let mut at = 0;
        let mut kept = Vec::with_capacity(self.steps.len());
        for (i, f) in self.steps.drain(..).enumerate() {
            if f.exists_in(library) {
                // A removal can leave two equal steps side by side: keep one.
                if kept.last() != Some(&f) {
                    kept.push(f);
                }
                if i <= self.at {
                    at = kept.len() - 1;
                }
            }
        }
        self.steps = kept;
        self.at = at.min(self.steps.len().saturating_sub(1));
        self.focus().cloned() != before
    }
}
