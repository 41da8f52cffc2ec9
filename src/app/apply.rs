//! The one place where the app changes: the commands panels and keys pushed this frame are
//! applied here, after drawing, in the order they came; then the background jobs are
//! brought in line with what the state now shows.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use super::commands::{Command, LeaveChoice};
use super::document::Document;
use super::jobs::{ComputedGlyph, Done, GlyphKey, SharpKey, UnfoldKey};
use super::navigation::Focus;
use super::shown::{ShownGlyph, ShownSharp};
use super::view::{Hover, ViewTransform};
use super::windows::Leave;
use super::{HologlyphApp, theme};
use crate::fields::{FieldOptions, Prepared};
use crate::geometry::FieldGrid;
use crate::hologram::{self, BaseMap, Frame, HologramRenderer};
use crate::library::GlyphRef;
use crate::protocol::Unfolding;

impl HologlyphApp {
    /// Applies the commands pushed this frame.
    pub(super) fn apply_commands(&mut self, ctx: &egui::Context) {
        // One-frame requests were seen by this frame's panels.
        self.state.windows.focus_search = false;
        let commands = std::mem::take(&mut self.rt.commands);
        if !commands.is_empty() {
            // What changed shows on the next frame even if nothing else asks for one.
            ctx.request_repaint();
        }
        for c in commands {
            self.apply(c, ctx);
        }
    }

    pub(super) fn apply(&mut self, c: Command, ctx: &egui::Context) {
        if let Some(p) = &self.state.present {
            // A kiosk: visitors look, unfold and follow links; nothing else.
            let visitor = matches!(
                c,
                Command::Present(_)
                    | Command::ClickAt(_)
                    | Command::Hover(_)
                    | Command::ZoomAt { .. }
                    | Command::Pan(_)
                    | Command::Go(_)
                    | Command::Back
                    | Command::Forward
                    | Command::Jump(_)
            );
            if p.kiosk.is_some() && !visitor {
                return;
            }
            if matches!(
                c,
                Command::ClickAt(_)
                    | Command::ZoomAt { .. }
                    | Command::Pan(_)
                    | Command::Go(_)
                    | Command::Back
                    | Command::Forward
            ) {
                self.present_interaction();
            }
        }
        let st = &mut self.state;
        match c {
            Command::OpenLibrary => self.leave(Leave::OpenDialog, ctx),
            Command::OpenRecent(path) => self.leave(Leave::Open(path), ctx),
            Command::ReloadLibrary => {
                st.windows.disk_changed = false;
                let path = st.doc.path.clone();
                self.leave(Leave::Open(path), ctx);
            }
            Command::NewLibrary => self.leave(Leave::NewLibrary, ctx),
            Command::SaveLibrary => {
                self.save_library();
            }
            Command::SaveWithErrors => {
                st.windows.save_with_errors = true;
                self.save_library();
            }
            Command::SaveLibraryAs => {
                self.save_library_as();
            }
            Command::OverwriteOnDisk => {
                st.windows.disk_changed = false;
                self.save_library_checked(true);
            }
            Command::KeepEditing => {
                st.windows.disk_changed = false;
                st.doc.accept_disk_change();
            }
            Command::Leave(choice) => {
                let Some(leave) = st.windows.leaving.take() else {
                    return;
                };
                match choice {
                    LeaveChoice::Cancel => {}
                    LeaveChoice::Save => {
                        if self.save_library() {
                            self.left(leave, ctx);
                        }
                    }
                    LeaveChoice::Discard => {
                        let path = st.doc.path.clone();
                        if let Some(r) = &mut self.rt.recovery {
                            r.discard(&path);
                        }
                        self.left(leave, ctx);
                    }
                }
            }
            Command::RestoreRecovered => self.restore_recovered(ctx),
            Command::DiscardRecovered => {
                if let Some(r) = st.recovered.take() {
                    let _ = std::fs::remove_file(&r.found.file);
                    st.status.info("discarded the recovered edits");
                }
            }
            Command::Editor(e) => self.apply_editor(e, ctx),
            Command::Present(super::present::PresentCommand::Leave)
                if st.present.as_ref().is_some_and(|p| p.kiosk.is_some()) =>
            {
                // The kiosk's chord: the one way out, and it closes the app.
                self.rt.may_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Command::Present(p) => self.apply_present(p, ctx),
            Command::Map(m) => self.apply_map(m, ctx),
            Command::PresentFirstTour => {
                match st.doc.library().tours.first().map(|t| t.id.clone()) {
                    Some(tour) => self.apply_present(
                        super::present::PresentCommand::Start { tour, step: 0 },
                        ctx,
                    ),
                    None => st
                        .status
                        .error("this library has no tour: record one with Ctrl+Shift+R"),
                }
            }
            Command::ToggleRecording => self.toggle_recording(),
            Command::EditTour(t) => st.windows.tour_editor = t,
            Command::ExportPng => self.export_png(),
            Command::ExportSound => self.export_sound(),
            Command::PlaySound => self.play_sound(),
            Command::ExportGesture => self.export_gesture(),
            Command::Undo => match st.doc.undo() {
                Some(label) => {
                    st.status.info(format!("undid {label}"));
                    self.library_changed(ctx);
                }
                None => st.status.info("nothing to undo"),
            },
            Command::Redo => match st.doc.redo() {
                Some(label) => {
                    st.status.info(format!("redid {label}"));
                    self.library_changed(ctx);
                }
                None => st.status.info("nothing to redo"),
            },
            Command::Edit { edit, merge } => match st.doc.apply(&edit, merge.as_deref()) {
                Ok(()) => {
                    if merge.is_none() {
                        st.status.info(edit.label());
                    }
                    self.library_changed(ctx);
                }
                Err(e) => st.status.error(format!("{}: {e}", edit.label())),
            },
            Command::EndGesture => st.doc.seal(),
            Command::CopyCharacter | Command::CopyCodePoint | Command::CopyGloss => {
                if let Some(s) = st.focused_symbol() {
                    let text = match (&c, s.glyph.character()) {
                        (Command::CopyCharacter, Some(ch)) => ch.to_string(),
                        (Command::CopyCodePoint, Some(ch)) => format!("U+{:04X}", ch as u32),
                        (Command::CopyGloss, _) => s.gloss.clone(),
                        _ => s.name.clone(),
                    };
                    st.status.info(format!("copied “{text}”"));
                    ctx.copy_text(text);
                }
            }
            Command::ToggleFavourite => {
                if let Some(id) = st.focused_symbol().map(|s| s.id.clone()) {
                    st.settings.toggle_favourite(&id);
                }
            }
            Command::Go(focus) => {
                if st.nav.go(focus) {
                    self.focus_changed(ctx);
                }
            }
            Command::Back => {
                if st.nav.back() {
                    self.focus_changed(ctx);
                }
            }
            Command::Forward => {
                if st.nav.forward() {
                    self.focus_changed(ctx);
                }
            }
            Command::Jump(i) => {
                if st.nav.jump(i) {
                    self.focus_changed(ctx);
                }
            }
            Command::ClickAt(em) => self.click_at(em, ctx),
            Command::FocusSearch => st.windows.focus_search = true,
            Command::SetQuery(q) => {
                st.browser.query = q;
                // The first hit is the one Enter opens until an arrow moves the selection.
                if let Some(first) = st.browser.visible(&st.doc, &st.settings).first() {
                    st.browser.selected = Some(first.clone());
                }
            }
            Command::OpenSearchHit => {
                let visible = st.browser.visible(&st.doc, &st.settings);
                match st.browser.selected.clone().filter(|s| visible.contains(s)) {
                    Some(id) => self.apply(Command::Go(Focus::symbol(id)), ctx),
                    None => self.apply(Command::OpenFirstHit, ctx),
                }
            }
            Command::OpenFirstHit => {
                if let Some(first) = st.browser.visible(&st.doc, &st.settings).first() {
                    st.browser.selected = Some(first.clone());
                    let focus = Focus::symbol(first.clone());
                    self.apply(Command::Go(focus), ctx);
                }
            }
            Command::SetLineage(l) => st.browser.lineage = l,
            Command::SetTag(t) => st.browser.tag = t,
            Command::SetFavouritesOnly(on) => st.browser.favourites_only = on,
            Command::SetGrid(on) => st.settings.grid = on,
            Command::Select(id) => st.browser.selected = Some(id),
            Command::SelectNext | Command::SelectPrevious => {
                let visible = st.browser.visible(&st.doc, &st.settings);
                let step = if c == Command::SelectNext { 1 } else { -1 };
                if let Some(next) = st.browser.step(&visible, step) {
                    st.browser.selected = Some(next);
                }
            }
            Command::OpenSelected => {
                if let Some(id) = st.browser.selected.clone() {
                    self.apply(Command::Go(Focus::symbol(id)), ctx);
                }
            }
            Command::SetLayer(l) => {
                st.view.layer = l;
                self.refresh_hover();
            }
            Command::SetStyle(s) => st.view.style = s,
            Command::SetRegister(r) => st.settings.register = r,
            Command::Hover(em) => {
                st.view.hover = em.and_then(|em| {
                    let s = st.focused_symbol()?;
                    let g = st.shown_glyph()?;
                    Some(Hover::at(s, &g.fields, st.view.layer, em))
                });
            }
            Command::CycleRegion(step) => self.cycle_region(step),
            Command::ToggleAnimation => st.settings.animate = !st.settings.animate,
            Command::SetSpeed(speed) => st.settings.speed = speed.clamp(0.1, 4.0),
            Command::ZoomIn => st.view.transform.zoom(0.8, [0.5, 0.5]),
            Command::ZoomOut => st.view.transform.zoom(1.25, [0.5, 0.5]),
            Command::ZoomAt { factor, at } => st.view.transform.zoom(factor, at),
            Command::Pan(delta) => st.view.transform.pan(delta),
            Command::ResetView => st.view.transform = ViewTransform::default(),
            Command::ToggleTheme => {
                st.settings.dark = !st.settings.dark;
                ctx.set_visuals(theme(st.settings.dark));
            }
            Command::ToggleHelp => st.windows.help = !st.windows.help,
            Command::ShowProblems => st.windows.problems = true,
            Command::CloseHelp => st.windows.help = false,
            Command::CloseProblems => st.windows.problems = false,
            Command::CloseTopmost => self.close_topmost(ctx),
            Command::ToggleBrowser => {
                let (b, i) = (st.settings.hide_browser, st.settings.hide_inspector);
                st.settings.hide_browser = st.layout.toggle(super::layout::Side::Browser, b, i);
            }
            Command::ToggleInspector => {
                let (b, i) = (st.settings.hide_browser, st.settings.hide_inspector);
                st.settings.hide_inspector = st.layout.toggle(super::layout::Side::Inspector, b, i);
            }
            Command::Quit => self.leave(Leave::Quit, ctx),
        }
    }

    /// Esc: closes what is on top, one thing per press — the link picker, the new-symbol
    /// dialog, the tour editor, the help, the problems, then the unfolded cards (back to
    /// the symbol itself). The Save / Discard / Cancel question answers Esc itself (Cancel).
    fn close_topmost(&mut self, ctx: &egui::Context) {
        use super::editing::EditorCommand as E;
        let st = &mut self.state;
        if st.windows.leaving.is_some() {
            return;
        }
        if st.windows.disk_changed {
            self.apply(Command::KeepEditing, ctx);
        } else if st.edit.picker.is_some() {
            self.apply(Command::Editor(E::ClosePicker), ctx);
        } else if st.edit.new_symbol.is_some() {
            self.apply(Command::Editor(E::CloseNewSymbol), ctx);
        } else if st.windows.tour_editor.is_some() {
            st.windows.tour_editor = None;
        } else if st.windows.help {
            st.windows.help = false;
        } else if st.windows.problems {
            st.windows.problems = false;
        } else if !st.map.compare.is_empty() {
            st.map.compare.clear();
        } else if st.map.on {
            st.map.on = false;
        } else if let Some(Focus::Symbol {
            id,
            region: Some(_),
        }) = st.focus()
        {
            let focus = Focus::symbol(id.clone());
            self.apply(Command::Go(focus), ctx);
        }
    }

    /// Leaves the library (quit, open another, start a new one): at once when it has no
    /// unsaved changes, else after the user answers Save / Discard / Cancel.
    fn leave(&mut self, leave: Leave, ctx: &egui::Context) {
        if self.state.doc.history().is_dirty() {
            self.state.windows.leaving = Some(leave);
        } else {
            self.left(leave, ctx);
        }
    }

    /// Does what leaving was for, the unsaved changes saved or discarded.
    fn left(&mut self, leave: Leave, ctx: &egui::Context) {
        match leave {
            Leave::Quit => {
                self.rt.may_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Leave::OpenDialog => {
                if let Some(path) = rfd::FileDialog::new()
                    .set_title("Open a Hologlyph library")
                    .add_filter("Hologlyph library", &["toml"])
                    .pick_file()
                {
                    self.open_library(&path);
                }
            }
            Leave::Open(path) => self.open_library(&path),
            Leave::NewLibrary => {
                let doc = Document::untitled();
                self.set_document(doc);
                self.state.edit.on = true;
                self.state
                    .status
                    .info("a new library: make a symbol with Ctrl+N, save it with Ctrl+S");
            }
        }
    }

    /// Opens a library file in the background, replacing the current one when it is read.
    /// A file with problems opens with them listed; a file that cannot be read leaves the
    /// current library and says why. Callers ask about unsaved changes first ([`Self::leave`]).
    pub fn open_library(&mut self, path: &Path) {
        let st = &mut self.state;
        st.status.info(format!("opening {}…", path.display()));
        self.rt.jobs.open(path.to_path_buf());
    }

    /// Writes the library when it has changes; returns whether it is saved. A library that
    /// was read with errors is written only after the user confirms it in the problems
    /// window (what could not be read is kept as written; only edited entries change).
    fn save_library(&mut self) -> bool {
        self.save_library_checked(false)
    }

    /// Saves; with `overwrite`, over a file that changed on disk (the user chose to).
    fn save_library_checked(&mut self, overwrite: bool) -> bool {
        let st = &mut self.state;
        if st.doc.untitled {
            return self.save_library_as();
        }
        let path = st.doc.path.display().to_string();
        if !st.doc.history().is_dirty() {
            st.status.info(format!("{path} has no unsaved changes"));
            return true;
        }
        // The problems of this revision: checked now if the background check is behind.
        let errors = if st.doc.problems_revision == st.doc.revision().number() {
            st.doc
                .problems
                .iter()
                .any(|p| p.severity == crate::library::Severity::Error)
        } else {
            let snapshot = st.doc.snapshot();
            let text = snapshot
                .disk
                .as_ref()
                .and_then(|(text, base)| crate::library::update_toml(text, base, &snapshot.library))
                .unwrap_or_else(|| crate::library::to_toml(&snapshot.library));
            let loaded = crate::library::load_str(&text, &snapshot.library_path);
            let errors = loaded.has_errors();
            st.doc.problems = loaded.problems;
            st.doc.problems_revision = st.doc.revision().number();
            errors
        };
        if errors && !st.windows.save_with_errors {
            st.windows.problems = true;
            st.status.error(format!(
                "not saved: {path} was read with errors; confirm in the problems window to save anyway"
            ));
            return false;
        }
        let saved = if overwrite {
            st.doc.save_overwriting()
        } else {
            st.doc.save()
        };
        match saved {
            Ok(()) => {
                st.windows.disk_changed = false;
                st.status.info(format!("saved {path}"));
                if let Some(r) = &mut self.rt.recovery {
                    r.discard(&st.doc.path);
                }
                true
            }
            Err(e) => {
                if matches!(e, crate::library::SaveError::ChangedOnDisk { .. }) {
                    st.windows.disk_changed = true;
                }
                st.status.error(format!("not saved: {e}"));
                false
            }
        }
    }

    /// Asks where, then saves there; the document is that file from then on.
    fn save_library_as(&mut self) -> bool {
        let st = &mut self.state;
        let name = st
            .doc
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "library.toml".into());
        let Some(path) = rfd::FileDialog::new()
            .set_title("Save the library as")
            .add_filter("Hologlyph library", &["toml"])
            .set_file_name(name)
            .save_file()
        else {
            return false;
        };
        self.save_to(&path)
    }

    /// Saves to `path` (Save as…, and tests).
    pub fn save_to(&mut self, path: &Path) -> bool {
        let st = &mut self.state;
        let old = st.doc.path.clone();
        match st.doc.save_as(path) {
            Ok(()) => {
                st.settings.remember_library(path.to_path_buf());
                st.status.info(format!("saved {}", path.display()));
                if let Some(r) = &mut self.rt.recovery {
                    r.discard(&old);
                }
                true
            }
            Err(e) => {
                st.status.error(format!("not saved: {e}"));
                false
            }
        }
    }

    /// Puts the recovered edits back: the library they belong to, changed to what it was
    /// when the app stopped, as one undo step (unsaved, so Ctrl+S writes them).
    fn restore_recovered(&mut self, ctx: &egui::Context) {
        let Some(r) = self.state.recovered.take() else {
            return;
        };
        let library = match r.library {
            Ok(l) => l,
            Err(e) => {
                self.state.status.error(e);
                return;
            }
        };
        let path = r.found.library_path.clone();
        if std::path::absolute(&self.state.doc.path).ok() != std::path::absolute(&path).ok() {
            let doc = match Document::open(&path) {
                Ok(d) => d,
                Err(_) => {
                    Document::from_library(&path, crate::library::Library::default(), Vec::new())
                }
            };
            self.set_document(doc);
        }
        self.state.doc.replace(library, "restore recovered edits");
        self.state
            .status
            .info(format!("restored the unsaved edits of {}", path.display()));
        self.library_changed(ctx);
        let _ = std::fs::remove_file(&r.found.file);
    }

    /// Shows a newly opened document from its start.
    pub(super) fn set_document(&mut self, doc: Document) {
        self.state.doc = doc;
        self.document_opened();
    }

    /// Starts showing the document in `state.doc`: caches, history and view from scratch.
    pub(super) fn document_opened(&mut self) {
        let st = &mut self.state;
        self.rt.thumbs.clear(st.doc.generation);
        self.rt.jobs.forget_adapters();
        st.shown = Default::default();
        st.nav.clear();
        st.view.hover = None;
        st.browser.selected = None;
        st.windows.problems = !st.doc.problems.is_empty();
        st.windows.save_with_errors = false;
        st.edit.frame = None;
        let lib = st.doc.library().clone();
        let errors = st
            .doc
            .problems
            .iter()
            .filter(|p| p.severity == crate::library::Severity::Error)
            .count();
        let problems = if st.doc.problems.is_empty() {
            String::new()
        } else {
            format!("; {} problems ({errors} errors)", st.doc.problems.len())
        };
        st.status.info(format!(
            "{}: {} symbols, {} scenes{problems}",
            st.doc.path.display(),
            lib.symbols.len(),
            lib.scenes.len(),
        ));
        // Start where the user left off, else at the first symbol.
        let start = st
            .settings
            .recent_symbols
            .iter()
            .find(|id| lib.symbol(id).is_some())
            .cloned()
            .or_else(|| lib.symbols.first().map(|s| s.id.clone()));
        if let Some(id) = start {
            st.nav.go(Focus::symbol(id.clone()));
            st.browser.selected = Some(id.clone());
            st.settings.remember_symbol(&id);
        }
        self.rt.gpu_views_in_use(&[]);
    }

    /// After an edit, undo or redo: history steps that name what is gone are dropped, and
    /// the shown glyph and its unfolding follow the new revision (through `sync_jobs`).
    fn library_changed(&mut self, ctx: &egui::Context) {
        let st = &mut self.state;
        let lib = st.doc.library().clone();
        if st.nav.retain_existing(&lib) {
            self.focus_changed(ctx);
        }
        let st = &mut self.state;
        if st
            .browser
            .selected
            .as_ref()
            .is_some_and(|id| lib.symbol(id).is_none())
        {
            st.browser.selected = None;
        }
        self.refresh_hover();
    }

    pub(super) fn focus_changed(&mut self, _ctx: &egui::Context) {
        let st = &mut self.state;
        let now = st.clock.now;
        let Some(Focus::Symbol { id, region }) = st.focus().cloned() else {
            st.view.hover = None;
            return;
        };
        st.browser.selected = Some(id.clone());
        st.settings.remember_symbol(&id);
        if st.shown.glyph.as_ref().is_none_or(|g| g.key.symbol != id) {
            st.view.transform = ViewTransform::default();
            st.view.hover = None;
        }
        st.view.unfold_started = region.is_some().then_some(now);
    }

    /// The hover again at the same point (another layer, another revision).
    fn refresh_hover(&mut self) {
        let em = self.state.view.hover.as_ref().map(|h| (h.em, h.by_keys));
        let st = &mut self.state;
        st.view.hover = em.and_then(|(em, by_keys)| {
            let s = st.focused_symbol()?;
            let g = st.shown_glyph()?;
            Some(Hover {
                by_keys,
                ..Hover::at(s, &g.fields, st.view.layer, em)
            })
        });
    }

    /// Tab in the view: lights the next region (every one but the open exterior, in id
    /// order, wrapping) as if pointed at, and says what it is on the status line.
    fn cycle_region(&mut self, step: i32) {
        let st = &mut self.state;
        let (Some(s), Some(g)) = (st.focused_symbol(), st.shown_glyph()) else {
            return;
        };
        let regions: Vec<&crate::fields::Region> = g
            .fields
            .region_list
            .iter()
            .filter(|r| r.kind != crate::fields::RegionKind::Exterior)
            .collect();
        let n = regions.len() as i32;
        if n == 0 {
            return;
        }
        let current = st
            .view
            .hover
            .as_ref()
            .filter(|h| h.by_keys)
            .and_then(|h| h.region);
        let at = current.and_then(|c| regions.iter().position(|r| r.id == c));
        let next = match at {
            Some(i) => (i as i32 + step).rem_euclid(n),
            None if step > 0 => 0,
            None => n - 1,
        };
        let mut h = Hover::at(s, &g.fields, st.view.layer, regions[next as usize].anchor);
        h.by_keys = true;
        let text = h.describe(st.doc.library(), s, &g.fields);
        let enter = if h.link.is_some() {
            " (Enter unfolds it)"
        } else {
            ""
        };
        st.status.info(format!("{text}{enter}"));
        st.view.hover = Some(h);
    }

    /// Clicking a point of the glyph: unfold the region link there, if there is one.
    fn click_at(&mut self, em: [f64; 2], ctx: &egui::Context) {
        let st = &mut self.state;
        let (Some(s), Some(g)) = (st.focused_symbol(), st.shown_glyph()) else {
            return;
        };
        let h = Hover::at(s, &g.fields, st.view.layer, em);
        match h.link {
            Some(region) => {
                let focus = Focus::Symbol {
                    id: s.id.clone(),
                    region: Some(region),
                };
                self.apply(Command::Go(focus), ctx);
            }
            None => st.status.info(match h.region {
                Some(0) | None => "the open space around the glyph links to nothing".to_string(),
                Some(r) => format!("region {r} links to nothing in this library"),
            }),
        }
    }

    /// Takes what the background jobs finished.
    pub(super) fn receive_jobs(&mut self) {
        for done in self.rt.jobs.receive() {
            let st = &mut self.state;
            match done {
                Done::Glyph(d) => {
                    let wanted = st.shown.wanted.as_ref() == Some(&d.key);
                    let ahead = st.shown.prefetching.iter().position(|k| *k == d.key);
                    if let Some(at) = ahead {
                        st.shown.prefetching.remove(at);
                    }
                    if !wanted && ahead.is_none() {
                        continue;
                    }
                    match d.result {
                        Ok(computed) => {
                            let ComputedGlyph {
                                fields,
                                gpu,
                                gpu_error,
                                prepare_ms,
                                fields_ms,
                                gpu_ms,
                                font,
                                contours,
                                even_odd,
                            } = computed;
                            let view = match (&self.rt.gpu, gpu) {
                                (Some(gpu), Some(gpu_fields)) => {
                                    self.rt.next_view += 1;
                                    let view = self.rt.next_view;
                                    gpu.bind(view, gpu_fields, fields.grid.em_per_px as f32);
                                    Some(view)
                                }
                                _ => None,
                            };
                            if let Some(e) = &gpu_error
                                && wanted
                            {
                                st.status.error(format!("{}: {e}", d.key.symbol));
                            }
                            let g = ShownGlyph {
                                key: d.key,
                                fields,
                                view,
                                gpu_error,
                                prepare_ms,
                                fields_ms,
                                gpu_ms,
                                font,
                                contours: Some(contours),
                                even_odd,
                            };
                            if wanted {
                                if let Some(old) = st.shown.glyph.replace(g) {
                                    st.shown.keep(old);
                                }
                                st.shown.glyph_error = None;
                            } else {
                                st.shown.keep(g);
                            }
                            self.rt.gpu_views_in_use(&self.state.shown.views());
                            self.refresh_hover();
                        }
                        // A glyph computed ahead that failed fails again when it is shown.
                        Err(_) if !wanted => {}
                        Err(e) => {
                            st.status.error(e.clone());
                            st.shown.glyph_error = Some((d.key, e));
                        }
                    }
                }
                Done::Sharp(d) => {
                    if st.shown.sharp_wanted.as_ref() != Some(&d.key) {
                        continue;
                    }
                    match d.result {
                        Ok((fields, ms)) => {
                            let base = st.shown.glyph.as_ref().filter(|g| g.key == d.key.glyph);
                            if let (Some(gpu), Some(g)) = (&self.rt.gpu, base)
                                && let Some(base_view) = g.view
                            {
                                let map = BaseMap::between(&d.key.grid, &g.fields.grid);
                                self.rt.next_view += 1;
                                let view = self.rt.next_view;
                                let em_per_px = d.key.grid.em_per_px as f32;
                                if gpu.bind_overlay(view, fields, em_per_px, base_view, map) {
                                    st.shown.sharp = Some(ShownSharp {
                                        key: d.key,
                                        view,
                                        map,
                                        ms,
                                    });
                                    self.rt.gpu_views_in_use(&st.shown.views());
                                }
                            }
                        }
                        // The glyph's own fields stay on screen, magnified.
                        Err(e) => st.status.error(format!("sharp fields: {e}")),
                    }
                }
                Done::Unfolding(key, result) => {
                    // Only the unfolding still wanted counts (its error included).
                    if st.shown.unfold_wanted.as_ref() == Some(&key) {
                        if let Err(e) = &result {
                            st.status.error(e.clone());
                        }
                        st.shown.unfolding = Some((key, result));
                    }
                }
                Done::Adapter(path, result) => {
                    st.shown.adapters.insert(path, result);
                }
                Done::Skipped => {}
                Done::Opened(path, result)
                    if st.loading.as_ref().is_some_and(|l| l.path == path) =>
                {
                    // The library named at start-up, read in the background.
                    let loading = st.loading.take().expect("checked");
                    match *result {
                        Ok(doc) => {
                            let ms = loading.since.elapsed().as_secs_f64() * 1e3;
                            st.status.info(format!(
                                "read {} ({:.1} MB) in {ms:.0} ms",
                                path.display(),
                                loading.bytes as f64 / 1e6
                            ));
                            st.settings.remember_library(path);
                            self.set_document(doc);
                        }
                        Err(e) => {
                            st.status.error(format!("{e}; showing the bundled library instead"));
                            if let Ok(doc) = Document::open(&crate::library::bundled_path()) {
                                self.set_document(doc);
                            }
                        }
                    }
                }
                Done::Opened(path, result) => match *result {
                    // Edits made while the file was read are not dropped for it.
                    Ok(_) if st.doc.history().is_dirty() => st.status.error(format!(
                        "{} was read, but the open library has new unsaved changes: save or discard them, then open it again",
                        path.display()
                    )),
                    Ok(doc) => {
                        st.settings.remember_library(path);
                        self.set_document(doc);
                    }
                    Err(e) => st.status.error(e.to_string()),
                },
                Done::Validated(Some((revision, problems))) => {
                    if revision == st.doc.revision().number() {
                        st.doc.problems = problems;
                        st.doc.problems_revision = revision;
                    }
                }
                Done::Validated(None) => {}
                Done::FontsFor(c, result) => {
                    if let Some(d) = &mut st.edit.new_symbol {
                        d.fonts = Some((c, result));
                    }
                }
                Done::Exported(Ok(message)) => st.status.info(message),
                Done::Exported(Err(e)) => st.status.error(e),
                Done::Shape {
                    generation,
                    revision,
                    index,
                } => {
                    if generation == st.doc.generation {
                        st.doc.set_shape(revision, index);
                    }
                }
            }
        }
        if let Some(e) = self.rt.jobs.error.take() {
            self.state.status.error(e);
        }
        if let Some(e) = self.rt.thumbs.error.take() {
            self.state.status.error(e);
        }
    }

    /// Sends the jobs the state now needs: the focused glyph's fields, its unfolding, the
    /// shape neighbours, and the adapter files on show.
    pub(super) fn sync_jobs(&mut self) {
        let frame = self.edit_frame();
        let st = &mut self.state;
        let size = if st.edit.drag.is_some() {
            super::editing::DRAG_FIELD
        } else {
            super::jobs::VIEW_FIELD
        };
        let revision = st.doc.revision().clone();
        // Compared in place; a key is built (cloning the glyph) only when it changed.
        let same = match (st.focused_symbol(), &st.shown.wanted) {
            (Some(s), Some(w)) => {
                w.symbol == s.id
                    && w.glyph == s.glyph
                    && w.base_dir == revision.base_dir
                    && w.size == size
                    && w.frame == frame
            }
            (None, None) => true,
            _ => false,
        };
        if !same {
            let wanted = st.focused_symbol().map(|s| GlyphKey {
                symbol: s.id.clone(),
                glyph: s.glyph.clone(),
                base_dir: revision.base_dir.clone(),
                size,
                frame,
            });
            st.shown.wanted = wanted.clone();
            let empty_drawing = |k: &GlyphKey| matches!(&k.glyph, GlyphRef::Path { data, .. } if data.trim().is_empty());
            match wanted {
                // A new drawing has nothing to compute yet: the view shows the pen's canvas.
                Some(key) if empty_drawing(&key) => {
                    st.shown.glyph = None;
                    st.shown.glyph_error = Some((key, "an empty drawing".into()));
                }
                Some(key) if st.shown.glyph.as_ref().is_none_or(|g| g.key != key) => {
                    match st.shown.take_cached(&key) {
                        // Seen before or computed ahead: shown at once.
                        Some(g) => {
                            if let Some(old) = st.shown.glyph.replace(g) {
                                st.shown.keep(old);
                            }
                            st.shown.glyph_error = None;
                        }
                        None => self.rt.jobs.glyph(key, revision.clone()),
                    }
                }
                _ => {}
            }
        }
        // Present mode: the steps that come next are computed while this one shows.
        for key in self.glyphs_ahead() {
            let st = &mut self.state;
            if st.shown.find(&key).is_none()
                && !st.shown.prefetching.contains(&key)
                && st.shown.wanted.as_ref() != Some(&key)
            {
                st.shown.prefetching.push(key.clone());
                self.rt.jobs.prefetch(key, revision.clone());
            }
        }
        let st = &mut self.state;
        // The new-symbol dialog's character: which installed fonts have it.
        if let Some(d) = &st.edit.new_symbol
            && let Some(c) = d.text.trim().chars().next()
            && d.fonts.as_ref().is_none_or(|(f, _)| *f != c)
            && self.rt.fonts_asked != Some(c)
        {
            self.rt.fonts_asked = Some(c);
            self.rt.jobs.fonts_for(c);
        }
        // The library's problems follow its edits (not while a point is dragged).
        if st.doc.problems_revision != revision.number()
            && st.edit.drag.is_none()
            && self.rt.validating != Some(revision.number())
        {
            self.rt.validating = Some(revision.number());
            self.rt.jobs.validate(revision.number(), st.doc.snapshot());
        }
        // The protocol needs the glyph's fields (its sound follows the outline); not while
        // a point is dragged (it runs once the drag ends).
        let ready = st
            .shown_glyph()
            .filter(|_| st.edit.drag.is_none())
            .filter(|g| Some(&g.key) == st.shown.wanted.as_ref())
            .map(|g| g.fields.clone());
        if let (Some(fields), Some(s)) = (ready, st.focused_symbol()) {
            let key = UnfoldKey {
                revision: revision.number(),
                symbol: s.id.clone(),
                region: st.unfolded_region().map(str::to_string),
                register: st.settings.register,
            };
            if st.shown.unfold_wanted.as_ref() != Some(&key) {
                st.shown.unfold_wanted = Some(key.clone());
                let semantic = st.doc.semantic().clone();
                self.rt
                    .jobs
                    .unfold(key, revision.clone(), semantic, Some(fields));
            }
        }
        if !self.rt.jobs.is_pending("shape")
            && let Some(previous) = st.doc.shape_wanted()
        {
            self.rt
                .jobs
                .shape(st.doc.generation, revision.clone(), previous);
        }
        for path in self.adapter_files_on_show() {
            self.rt.jobs.adapter(path);
        }
        self.sync_sharp();
    }

    /// Asks for sharp fields when the view shows the glyph's fields magnified (zoomed in,
    /// or at a high pixel density), once the view has held still for [`SHARP_SETTLE_S`]; a
    /// zoom or pan in progress shows what there is, magnified.
    fn sync_sharp(&mut self) {
        let t = self.state.view.transform;
        let now = std::time::Instant::now();
        match self.rt.view_moved {
            Some((last, _)) if last == t => {}
            // A view that has not moved since the window opened has nothing to wait for.
            None => {
                let long_ago = now.checked_sub(std::time::Duration::from_secs(1));
                self.rt.view_moved = Some((t, long_ago.unwrap_or(now)));
            }
            Some(_) => self.rt.view_moved = Some((t, now)),
        }
        let Some((visible, request)) = self.sharp_target() else {
            let st = &mut self.state;
            st.shown.sharp_wanted = None;
            if st.shown.sharp.take().is_some() {
                self.rt.gpu_views_in_use(&st.shown.views());
            }
            return;
        };
        let st = &self.state;
        let fine_enough = visible.em_per_px.max(request.em_per_px) * 1.15;
        let fits = |key: &SharpKey| {
            let g = &key.grid;
            Some(&key.glyph) == st.shown.wanted.as_ref()
                && g.em_per_px <= fine_enough
                && g.em_per_px >= visible.em_per_px * 0.6
                && covers(g, &visible)
        };
        if st.shown.sharp.as_ref().is_some_and(|s| fits(&s.key))
            || st.shown.sharp_wanted.as_ref().is_some_and(fits)
        {
            return;
        }
        let still = self
            .rt
            .view_moved
            .map_or(0.0, |(_, at)| at.elapsed().as_secs_f64());
        if still < SHARP_SETTLE_S {
            self.rt.jobs.repaint_after(SHARP_SETTLE_S - still);
            return;
        }
        let Some(glyph) = st.shown.wanted.clone() else {
            return;
        };
        let key = SharpKey {
            glyph,
            grid: request,
        };
        self.state.shown.sharp_wanted = Some(key.clone());
        let revision = self.state.doc.revision().clone();
        self.rt.jobs.sharp(key, revision);
    }

    /// What the view shows of the glyph's grid at the screen's resolution, and the grid to
    /// compute sharp fields on (that with a margin), when the glyph's own fields are
    /// magnified by more than [`SHARP_FROM`] on screen; None when they are not, or while
    /// nothing can use them (no GPU view, a point being dragged, other fields computing).
    fn sharp_target(&self) -> Option<(FieldGrid, FieldGrid)> {
        let st = &self.state;
        let g = st.shown_glyph()?;
        if Some(&g.key) != st.shown.wanted.as_ref() || st.edit.drag.is_some() || g.view.is_none() {
            return None;
        }
        let side_px = self.rt.view_rect?.width() * self.rt.pixels_per_point;
        let t = st.view.transform;
        let grid = g.fields.grid;
        if side_px <= t.scale * grid.size as f32 * SHARP_FROM {
            return None;
        }
        let visible = grid.window(
            [t.origin[0] as f64, t.origin[1] as f64],
            t.scale as f64,
            side_px.round().max(1.0) as u32,
        );
        let m = SHARP_MARGIN as f64;
        let span = t.scale as f64 * (1.0 + 2.0 * m);
        let origin = [
            t.origin[0] as f64 - t.scale as f64 * m,
            t.origin[1] as f64 - t.scale as f64 * m,
        ];
        let size = ((side_px as f64 * (1.0 + 2.0 * m)).ceil() as u32).clamp(
            crate::geometry::MIN_FIELD_SIZE,
            crate::geometry::MAX_FIELD_SIZE,
        );
        Some((visible, grid.window(origin, span, size)))
    }

    /// The glyphs present mode will show next: the step after the current one (the first
    /// when the tour loops), and the speaker window's preview and the step after it.
    pub(super) fn glyphs_ahead(&self) -> Vec<GlyphKey> {
        let st = &self.state;
        let lib = st.doc.library();
        // Symbols compared side by side are drawn from the same kept fields.
        if st.present.is_none() && !st.map.compare.is_empty() {
            return st
                .map
                .compare
                .iter()
                .filter_map(|id| st.doc.symbol(id))
                .map(|s| self.view_key(s))
                .collect();
        }
        let Some(p) = &st.present else {
            return Vec::new();
        };
        let Some(tour) = p.tour(lib) else {
            return Vec::new();
        };
        let n = tour.steps.len();
        let mut steps = vec![p.step + 1, p.speaker_step(), p.speaker_step() + 1];
        if p.looping || p.kiosk.is_some() {
            steps.iter_mut().for_each(|s| *s %= n.max(1));
        }
        let mut keys: Vec<GlyphKey> = Vec::new();
        for s in steps {
            let Some(sym) = tour.steps.get(s).and_then(|s| lib.symbol(&s.symbol)) else {
                continue;
            };
            let key = self.view_key(sym);
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys
    }

    /// The key of a symbol's fields as the view shows them (whole, at the view's size).
    pub(super) fn view_key(&self, s: &crate::library::Symbol) -> GlyphKey {
        GlyphKey {
            symbol: s.id.clone(),
            glyph: s.glyph.clone(),
            base_dir: self.state.doc.revision().base_dir.clone(),
            size: super::jobs::VIEW_FIELD,
            frame: None,
        }
    }

    /// Adapter files the inspector or the adapter page shows.
    fn adapter_files_on_show(&self) -> Vec<PathBuf> {
        let st = &self.state;
        let lib = st.doc.library();
        let mut ids = Vec::new();
        if let Some(Focus::Adapter(id)) = st.focus() {
            ids.push(id.clone());
        }
        if let Some(a) = st.shown.current_unfolding().and_then(|u| u.adapter()) {
            ids.push(a.id.clone());
        }
        ids.iter()
            .filter_map(|id| lib.adapter(id)?.file.as_ref().map(|f| lib.resolve(f)))
            .collect()
    }

    /// The unfolding on show, or a word on the status line that there is none yet.
    fn unfolding_for(&mut self, what: &str) -> Option<Arc<Unfolding>> {
        let st = &mut self.state;
        let u = st.shown.current_unfolding().cloned();
        if u.is_none() {
            st.status
                .info(format!("nothing to {what}: the protocol has not run yet"));
        }
        u
    }

    fn export_sound(&mut self) {
        let Some(u) = self.unfolding_for("export") else {
            return;
        };
        let st = &mut self.state;
        if let Some(path) = save_dialog("Export sound", &format!("{}.wav", u.symbol), "wav") {
            match u.outputs.sound.write_wav(&path) {
                Ok(()) => st
                    .status
                    .info(format!("sound written to {}", path.display())),
                Err(e) => st.status.error(e.to_string()),
            }
        }
    }

    fn export_gesture(&mut self) {
        let Some(u) = self.unfolding_for("export") else {
            return;
        };
        let st = &mut self.state;
        if let Some(path) = save_dialog("Export gesture", &format!("{}.svg", u.symbol), "svg") {
            let result = if path.extension().is_some_and(|e| e == "json") {
                u.outputs.gesture.write_json(&path)
            } else {
                u.outputs.gesture.write_svg(&path)
            };
            match result {
                Ok(()) => st
                    .status
                    .info(format!("gesture written to {}", path.display())),
                Err(e) => st.status.error(e.to_string()),
            }
        }
    }

    /// Plays the protocol's sound with the desktop's player: the WAV goes to a temporary
    /// file, then the first of PipeWire's, PulseAudio's and ALSA's command-line players that
    /// is installed plays it (else the desktop's default application opens it).
    fn play_sound(&mut self) {
        let Some(u) = self.unfolding_for("play") else {
            return;
        };
        let st = &mut self.state;
        let path = std::env::temp_dir().join(format!("hologlyph-{}.wav", u.symbol));
        if let Err(e) = u.outputs.sound.write_wav(&path) {
            st.status.error(e.to_string());
            return;
        }
        for player in ["pw-play", "paplay", "aplay", "xdg-open"] {
            if std::process::Command::new(player)
                .arg(&path)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .is_ok()
            {
                st.status
                    .info(format!("playing {} with {player}", path.display()));
                return;
            }
        }
        st.status.error(format!(
            "no sound player found (pw-play, paplay, aplay, xdg-open); the sound is at {}",
            path.display()
        ));
    }

    /// Exports the shown symbol's hologram at 1024² (fields and render in the background).
    fn export_png(&mut self) {
        let st = &self.state;
        let (Some(gpu), Some(s)) = (&self.rt.gpu, st.focused_symbol()) else {
            self.state
                .status
                .info("nothing to export: no hologram on screen");
            return;
        };
        let Some(path) = save_dialog("Export hologram", &format!("{}.png", s.id), "png") else {
            return;
        };
        let context = gpu.context.clone();
        let library = st.doc.library().clone();
        let glyph = s.glyph.clone();
        let frame = Frame {
            highlight: None,
            ..st.frame()
        };
        self.rt.jobs.export(move || {
            let result = (|| -> anyhow::Result<()> {
                let outline = library.outline(&glyph, &crate::glyph::FontSet::bundled())?;
                let prep = Prepared::new(&outline, &FieldOptions::default().with_size(1024))?;
                let engine = crate::fields::GpuFieldEngine::with_context(context.clone())?;
                let fields = engine.dispatch(&prep)?;
                let renderer = HologramRenderer::new(&context.device, hologram::OFFSCREEN_FORMAT);
                let em_per_px = prep.grid.em_per_px as f32;
                let rgba = hologram::render_offscreen(
                    &context, &renderer, &fields, em_per_px, &frame, 1024,
                )?;
                crate::output::write_png(&path, 1024, 1024, &rgba)?;
                Ok(())
            })();
            result
                .map(|()| format!("hologram written to {}", path.display()))
                .map_err(|e| format!("export failed: {e:#}"))
        });
        self.state.status.info("exporting the hologram…");
    }
}

fn save_dialog(title: &str, name: &str, ext: &str) -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title(title)
        .set_file_name(name)
        .add_filter(ext, &[ext])
        .save_file()
}

/// The glyph's own fields are sharpened when one of their texels spans more than this many
/// device pixels on screen.
const SHARP_FROM: f32 = 1.1;
/// Sharp fields cover the view and this fraction of its side beyond each edge, so a small
/// pan shows sharp fields at once.
const SHARP_MARGIN: f32 = 0.125;
/// Seconds the view holds still before sharp fields are asked for.
const SHARP_SETTLE_S: f64 = 0.12;

/// Whether grid `a` covers grid `b` (both in the same em space).
fn covers(a: &FieldGrid, b: &FieldGrid) -> bool {
    let slack = b.em_per_px * 0.5;
    a.x0 <= b.x0 + slack
        && a.y0 >= b.y0 - slack
        && a.x0 + a.side_em() >= b.x0 + b.side_em() - slack
        && a.y0 - a.side_em() <= b.y0 - b.side_em() + slack
}
