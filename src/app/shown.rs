//! The glyph on show and what the background jobs found about it: its fields (with the
//! GPU view they are bound to), the five steps for the unfolded region and register, and
//! the headers of adapter files. Each result is kept with the key it was made for.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::jobs::{GlyphKey, SharpKey, UnfoldKey};
use crate::adapters::AdapterInfo;
use crate::fields::Fields;
use crate::glyph::contours::Contours;
use crate::hologram::BaseMap;
use crate::protocol::Unfolding;

/// A glyph's fields as the view shows them.
pub struct ShownGlyph {
    pub key: GlyphKey,
    pub fields: Arc<Fields>,
    /// The GPU view the fields are bound to (None: nothing to draw on the GPU).
    pub view: Option<u64>,
    /// Why the GPU cannot draw this glyph, if it cannot.
    pub gpu_error: Option<String>,
    pub prepare_ms: f64,
    pub fields_ms: f64,
    pub gpu_ms: Option<f64>,
    pub font: Option<String>,
    /// The outline as editable contours.
    pub contours: Option<Arc<Contours>>,
    /// Whether the outline fills even-odd.
    pub even_odd: bool,
}

/// Sharp fields of what a zoomed view shows, bound as a GPU view drawn over the glyph's.
pub struct ShownSharp {
    pub key: SharpKey,
    pub view: u64,
    /// Where the window lies in the glyph's fields.
    pub map: BaseMap,
    /// Milliseconds from the job's start until the GPU had them.
    pub ms: f64,
}

#[derive(Default)]
pub struct Shown {
    /// The glyph whose fields were asked for last.
    pub wanted: Option<GlyphKey>,
    /// The latest fields that arrived (while new ones compute, these stay on screen if
    /// they are the same symbol's).
    pub glyph: Option<ShownGlyph>,
    /// Why the wanted glyph has no fields, if it failed.
    pub glyph_error: Option<(GlyphKey, String)>,
    /// The unfolding asked for last.
    pub unfold_wanted: Option<UnfoldKey>,
    /// The latest unfolding that arrived, with its key.
    pub unfolding: Option<(UnfoldKey, Result<Arc<Unfolding>, String>)>,
    /// Adapter file headers read so far, by path.
    pub adapters: HashMap<PathBuf, Result<Arc<AdapterInfo>, String>>,
    /// Fields of glyphs shown before or computed ahead (the next step of a tour), most
    /// recently used last, at most [`CACHED_GLYPHS`]: going back or on shows them at once.
    pub cache: Vec<ShownGlyph>,
    /// Glyphs asked for ahead of being shown.
    pub prefetching: Vec<GlyphKey>,
    /// Sharp fields asked for last (None: the view needs none).
    pub sharp_wanted: Option<SharpKey>,
    /// The latest sharp fields that arrived; drawn while they belong to the shown glyph.
    pub sharp: Option<ShownSharp>,
}

/// Glyph fields kept besides the shown one (each ~5 MB at 384², plus its textures).
pub const CACHED_GLYPHS: usize = 6;

impl Shown {
    /// Keeps a glyph's fields for later (only whole glyphs at the view's size: an edited
    /// glyph's fields in a fixed frame are not worth keeping).
    pub fn keep(&mut self, g: ShownGlyph) {
        if g.key.frame.is_some() || g.key.size != super::VIEW_FIELD {
            return;
        }
        self.cache.retain(|c| c.key != g.key);
        self.cache.push(g);
        if self.cache.len() > CACHED_GLYPHS {
            self.cache.remove(0);
        }
    }

    /// Takes a kept glyph out of the cache.
    pub fn take_cached(&mut self, key: &GlyphKey) -> Option<ShownGlyph> {
        let at = self.cache.iter().position(|c| c.key == *key)?;
        Some(self.cache.remove(at))
    }

    /// A kept or shown glyph's fields.
    pub fn find(&self, key: &GlyphKey) -> Option<&ShownGlyph> {
        self.glyph.iter().chain(&self.cache).find(|g| g.key == *key)
    }

    /// A symbol's whole glyph at the view's size, shown or kept, if it is made (present mode's
    /// steps, the map's compared symbols).
    pub fn whole(&self, s: &crate::library::Symbol) -> Option<&ShownGlyph> {
        self.glyph
            .iter()
            .chain(&self.cache)
            .find(|g| g.key.symbol == s.id && g.key.glyph == s.glyph && g.key.frame.is_none())
    }

    /// The GPU views the shown and kept glyphs (and the sharp fields) are bound to.
    pub fn views(&self) -> Vec<u64> {
        self.glyph
            .iter()
            .chain(&self.cache)
            .filter_map(|g| g.view)
            .chain(self.sharp.as_ref().map(|s| s.view))
            .collect()
    }

    /// The sharp fields to draw over `glyph`, if they were made for it.
    pub fn sharp_for(&self, glyph: &ShownGlyph) -> Option<&ShownSharp> {
        self.sharp.as_ref().filter(|s| s.key.glyph == glyph.key)
    }

    /// The unfolding for the key asked for last, if it has arrived.
    pub fn current_unfolding(&self) -> Option<&Arc<Unfolding>> {
        match (&self.unfolding, &self.unfold_wanted) {
            (Some((key, Ok(u))), Some(wanted)) if key == wanted => Some(u),
            _ => None,
        }
    }
}
