//! The browser's state: the search text, the filters and the selection, and which symbols
//! they let through, in order.

use std::collections::HashMap;

use super::document::Document;
use super::settings::Settings;
use crate::library::{Lineage, Symbol, SymbolId};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BrowserState {
    pub query: String,
    pub lineage: Option<Lineage>,
    pub tag: Option<String>,
    pub favourites_only: bool,
    pub selected: Option<SymbolId>,
}

impl BrowserState {
    /// The symbols the browser shows, in order: search hits best first (else library
    /// order), through the lineage, tag and favourites filters.
    pub fn visible(&self, doc: &Document, settings: &Settings) -> Vec<SymbolId> {
        let lib = doc.library();
        let passes = |s: &Symbol| {
            self.lineage.is_none_or(|l| s.lineage == l)
                && self.tag.as_ref().is_none_or(|t| s.tags.contains(t))
                && (!self.favourites_only || settings.is_favourite(&s.id))
        };
        if self.query.trim().is_empty() {
            lib.symbols
                .iter()
                .filter(|s| passes(s))
                .map(|s| s.id.clone())
                .collect()
        } else {
            let by_id: HashMap<&str, &Symbol> =
                lib.symbols.iter().map(|s| (s.id.as_str(), &**s)).collect();
            doc.search()
                .search(&self.query)
                .into_iter()
                .filter(|h| by_id.get(h.symbol.as_str()).is_some_and(|s| passes(s)))
                .map(|h| h.symbol)
                .collect()
        }
    }

    /// The selection moved `step` places through `visible` (clamped at the ends); the first
    /// symbol when nothing shown is selected.
    pub fn step(&self, visible: &[SymbolId], step: isize) -> Option<SymbolId> {
        let at = self
            .selected
            .as_ref()
            .and_then(|s| visible.iter().position(|v| v == s));
        let next = match at {
            None => 0,
            Some(a) => a
                .saturating_add_signed(step)
                .min(visible.len().checked_sub(1)?),
        };
        visible.get(next).cloned()
    }
}
