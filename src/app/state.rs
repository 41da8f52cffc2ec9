//! Everything the window shows, as typed parts: settings, the open document, navigation,
//! the browser, the view, windows and status, the glyph on show, and the clock. Panels read
//! a `&State`; only `apply` (one place) changes it.

use std::sync::Arc;
use std::time::Instant;

use super::browser::BrowserState;
use super::document::Document;
use super::editing::EditState;
use super::navigation::{Focus, Navigation};
use super::recovery::Found;
use super::settings::Settings;
use super::shown::{Shown, ShownGlyph};
use super::view::ViewState;
use super::windows::{Status, Windows};
use crate::hologram::Frame;
use crate::library::Symbol;

pub struct State {
    pub settings: Settings,
    pub doc: Document,
    pub nav: Navigation,
    pub browser: BrowserState,
    pub view: ViewState,
    pub windows: Windows,
    /// Side panels shown against the user's hiding (see `layout.rs`), the window's size.
    pub layout: super::layout::Layout,
    pub status: Status,
    pub shown: Shown,
    pub clock: Clock,
    pub edit: EditState,
    /// Unsaved edits a crash left, found at start-up, while the user decides.
    pub recovered: Option<Recovered>,
    /// A big library being read in the background at start-up (the window is up at once
    /// and says so; nothing can be edited until it is in).
    pub loading: Option<Loading>,
    /// A tour on stage (present mode), if one is.
    pub present: Option<super::present::Presenting>,
    /// A tour being recorded from what the user explores, if one is.
    pub recording: Option<super::record::Recording>,
    /// Map mode: the library as a field of points.
    pub map: super::map::MapState,
}

/// A library file read in the background at start-up.
#[derive(Clone, Debug)]
pub struct Loading {
    pub path: std::path::PathBuf,
    pub bytes: u64,
    pub since: std::time::Instant,
}

/// Edits found in a recovery file.
pub struct Recovered {
    pub found: Found,
    /// The library they make (or why the file cannot be read).
    pub library: Result<crate::library::Library, String>,
}

/// Time: the animation clock (runs while animation is on) and frame bookkeeping.
pub struct Clock {
    /// Seconds of animation so far.
    pub animation: f64,
    /// A fixed animation time (tests and snapshots): animations show their end state.
    pub frozen: Option<f32>,
    pub last_frame: Option<Instant>,
    /// Frames drawn so far.
    pub frames: u64,
    pub frame_ms: f32,
    /// When the program started.
    pub started: Instant,
    pub first_hologram_ms: Option<f64>,
    /// Seconds on the wall clock the window runs on (egui's input time), or a test's fake
    /// time: what auto-advance, unfolds and kiosk timeouts count in.
    pub now: f64,
    /// A fake `now` (tests drive time by hand).
    pub fake_now: Option<f64>,
}

impl Clock {
    pub fn new(started: Instant) -> Self {
        Self {
            animation: 0.0,
            frozen: None,
            last_frame: None,
            frames: 0,
            frame_ms: 0.0,
            started,
            first_hologram_ms: None,
            now: 0.0,
            fake_now: None,
        }
    }
}

impl State {
    /// Where the centre is now.
    pub fn focus(&self) -> Option<&Focus> {
        self.nav.focus()
    }

    /// The symbol the centre shows, if it shows one.
    pub fn focused_symbol(&self) -> Option<&Arc<Symbol>> {
        let id = self.focus()?.symbol_id()?;
        self.doc.symbol(id)
    }

    /// The unfolded region link's id, if one is unfolded.
    pub fn unfolded_region(&self) -> Option<&str> {
        match self.focus()? {
            Focus::Symbol { region, .. } => region.as_deref(),
            _ => None,
        }
    }

    /// The shown glyph's fields, if they are the focused symbol's (the same glyph, or an
    /// earlier glyph of it while the edited one computes).
    pub fn shown_glyph(&self) -> Option<&ShownGlyph> {
        let s = self.focused_symbol()?;
        self.shown.glyph.as_ref().filter(|g| g.key.symbol == s.id)
    }

    /// The field grid the view maps em points through: the shown fields', or in edit mode
    /// (an empty drawing) the grid its fields will have.
    pub fn view_grid(&self) -> Option<crate::geometry::FieldGrid> {
        if let Some(g) = self.shown_glyph() {
            return Some(g.fields.grid);
        }
        if !self.edit.on {
            return None;
        }
        let frame = self
            .edit
            .frame
            .as_ref()
            .map_or_else(super::editing::default_frame, |(_, f)| *f);
        Some(crate::geometry::FieldGrid::around(
            frame,
            super::VIEW_FIELD,
            crate::fields::FieldOptions::DEFAULT.margin_for(frame),
        ))
    }

    /// The animation time of this frame.
    pub fn time(&self) -> f32 {
        self.clock.frozen.unwrap_or(self.clock.animation as f32)
    }

    /// The frame the view draws now.
    pub fn frame(&self) -> Frame {
        let style = self
            .view
            .style
            .unwrap_or_else(|| self.focused_symbol().map(|s| s.style).unwrap_or_default());
        let t = self.view.transform;
        Frame {
            time: self.time(),
            style,
            layer: self.view.layer,
            highlight: self.view.hover.as_ref().and_then(|h| h.key),
            view_origin: t.origin,
            view_scale: t.scale,
        }
    }
}
