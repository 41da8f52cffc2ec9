//! What the app remembers between runs (eframe stores it; window size and panel layout are
//! kept by eframe and egui themselves). Runtime objects live in the app, not here.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::library::{Register, SymbolId};

/// Most recent files kept.
pub const MAX_RECENT: usize = 8;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Library files opened, most recent first.
    pub recent_libraries: Vec<PathBuf>,
    /// Symbol ids shown most recently, most recent first.
    pub recent_symbols: Vec<SymbolId>,
    pub favourites: Vec<SymbolId>,
    pub dark: bool,
    /// Animate the hologram and thumbnails; off shows a still frame.
    pub animate: bool,
    /// Animation speed multiplier.
    pub speed: f32,
    /// Show the browser as a grid of thumbnails (else a list).
    pub grid: bool,
    /// Register of the protocol panel.
    pub register: Register,
    /// Side panels the user hid (Ctrl+B, Ctrl+I).
    pub hide_browser: bool,
    pub hide_inspector: bool,
    /// The map's layout and projection.
    pub map_layout: crate::map::LayoutKind,
    pub map_projection: crate::map::Projection,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            recent_libraries: Vec::new(),
            recent_symbols: Vec::new(),
            favourites: Vec::new(),
            dark: true,
            animate: true,
            speed: 1.0,
            grid: true,
            register: Register::Poetry,
            hide_browser: false,
            hide_inspector: false,
            map_layout: Default::default(),
            map_projection: Default::default(),
        }
    }
}

impl Settings {
    pub fn remember_library(&mut self, path: PathBuf) {
        self.recent_libraries.retain(|p| *p != path);
        self.recent_libraries.insert(0, path);
        self.recent_libraries.truncate(MAX_RECENT);
    }

    pub fn remember_symbol(&mut self, id: &SymbolId) {
        self.recent_symbols.retain(|s| s != id);
        self.recent_symbols.insert(0, id.clone());
        self.recent_symbols.truncate(MAX_RECENT * 2);
    }

    pub fn toggle_favourite(&mut self, id: &SymbolId) {
        if let Some(i) = self.favourites.iter().position(|s| s == id) {
            self.favourites.remove(i);
        } else {
            self.favourites.push(id.clone());
        }
    }

    pub fn is_favourite(&self, id: &str) -> bool {
        self.favourites.iter().any(|f| f == id)
    }
}
