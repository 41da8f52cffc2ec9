//! Edit mode: what the editor has selected and is doing (the tool, the selected region and
//! point, a drag, the pen's open contour, the link picker, the new-symbol dialog), and how
//! its commands become library `Edit`s. Outline changes are made on [`Contours`] and
//! stored as the symbol's path data; every change goes through the document's history.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::HologlyphApp;
use super::commands::Command;
use super::navigation::Focus;
use crate::geometry::EmRect;
use crate::glyph::contours::{Contour, ContourPoint, Contours, PointRef, snap};
use crate::glyph::system_fonts::FontChoice;
use crate::glyph::unicode::CharInfo;
use crate::library::{Edit, GlyphRef, LinkTarget, RegionLink, Scene, Symbol, SymbolId};

/// The em grid the pointer snaps to when snapping is on.
pub const SNAP_STEP: f64 = 0.05;
/// Field size while a point or anchor is dragged (the full size follows when it ends).
pub const DRAG_FIELD: u32 = 128;

/// What a press on the view does in edit mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tool {
    /// Select and drag points and region anchors; click a region to select it.
    #[default]
    Select,
    /// Click for a corner, drag for a curve; click the first point to close.
    Pen,
    /// Freehand: a drag draws a smoothed stroke, added to the outline as its contours.
    Brush,
}

/// The brush's width, em.
pub const BRUSH_WIDTH: f64 = 0.05;

/// What is being dragged.
#[derive(Clone, Debug, PartialEq)]
pub enum Drag {
    Point(PointRef),
    Anchor(String),
}

/// Where a new symbol comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum NewSource {
    /// A character, from a font file of this machine or (None) the bundled fonts.
    Char(char, Option<PathBuf>),
    Svg(PathBuf),
    /// An empty drawing, for the pen.
    Drawing,
}

/// An edit on the selected point's contour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointOp {
    /// A point halfway to the next one.
    Insert,
    Delete,
    ToggleClosed,
    Reverse,
    DeleteContour,
}

/// Everything edit mode asks of the app.
#[derive(Clone, Debug, PartialEq)]
pub enum EditorCommand {
    Toggle,
    /// Edit mode on (from a problem: show what causes it).
    Enter,
    SetTool(Tool),
    ToggleSnap,
    SelectRegion(Option<String>),
    SelectPoint(Option<PointRef>),
    /// A press on the view that was not on a handle (kept to make a region there).
    Clicked([f64; 2]),
    BeginDrag(Drag),
    /// Moves what is dragged to an em point (one undo step per drag).
    DragTo([f64; 2]),
    EndDrag,
    /// The pointer over the view, em (for the status line).
    Pointer(Option<[f64; 2]>),
    /// A pen point; `control` makes the segment to it a quadratic curve.
    PenPoint {
        at: [f64; 2],
        control: Option<[f64; 2]>,
    },
    /// A point of the brush stroke being drawn (the first starts it).
    BrushPoint([f64; 2]),
    /// Ends the brush stroke: smoothed, its outline added to the glyph.
    BrushEnd,
    /// Ends the pen's contour and adds it to the outline.
    PenFinish {
        close: bool,
    },
    PenCancel,
    OpenPicker,
    ClosePicker,
    SetPickerQuery(String),
    /// Links the selected region.
    Link(LinkTarget),
    /// Makes a scene titled by the picker's query and links the selected region to it.
    NewScene,
    /// Asks for a `.safetensors` file (or a PEFT folder), then `NewAdapter`.
    PickAdapter {
        folder: bool,
    },
    /// Makes an adapter of a file or PEFT folder (referenced relative to the library) and
    /// links the selected region to it; its header is read in the background.
    NewAdapter(PathBuf),
    OpenNewSymbol,
    CloseNewSymbol,
    SetNewSymbolText(String),
    SetNewSymbolFont(Option<PathBuf>),
    CreateSymbol(NewSource),
    /// Asks for an SVG file, then makes a symbol of it.
    PickSvg,
    SetConceptQuery(String),
    /// Turns a character or SVG glyph into editable path data.
    ConvertToOutline,
    /// Makes a region link (with no links yet) at the last click.
    AddRegion,
    RemoveRegion(String),
    Point(PointOp),
}

/// The new-symbol dialog.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewSymbolDialog {
    /// What was typed or pasted: its first character is the glyph.
    pub text: String,
    /// The installed fonts that cover a character, once the worker has looked.
    pub fonts: Option<(char, Result<Vec<FontChoice>, String>)>,
    /// The font chosen (None: the bundled fonts).
    pub font: Option<PathBuf>,
}

/// The editor's state.
#[derive(Clone, Debug, Default)]
pub struct EditState {
    pub on: bool,
    pub tool: Tool,
    pub snap: bool,
    pub region: Option<String>,
    pub point: Option<PointRef>,
    pub drag: Option<Drag>,
    /// The pen's contour while it is drawn (added to the outline when finished).
    pub pen: Vec<ContourPoint>,
    /// The brush stroke while it is drawn, em.
    pub stroke: Vec<[f64; 2]>,
    /// The link picker's query, while it is open.
    pub picker: Option<String>,
    pub new_symbol: Option<NewSymbolDialog>,
    pub pointer: Option<[f64; 2]>,
    /// The last press that was not on a handle.
    pub clicked: Option<[f64; 2]>,
    /// The meaning editor's concept search.
    pub concept_query: String,
    /// The fixed field frame while a symbol is edited (so the view stays put), and whose.
    pub frame: Option<(SymbolId, EmRect)>,
    /// The symbol the selection belongs to.
    pub editing: Option<SymbolId>,
}

impl EditState {
    /// A pointer position as the tools use it: snapped when snapping is on.
    pub fn place(&self, at: [f64; 2]) -> [f64; 2] {
        if self.snap { snap(at, SNAP_STEP) } else { at }
    }

    /// Forgets selections that belong to another symbol.
    fn reset_selection(&mut self) {
        self.region = None;
        self.point = None;
        self.drag = None;
        self.pen.clear();
        self.clicked = None;
        self.picker = None;
    }
}

/// The frame a drawing starts in: the em square, baseline at 0.
pub fn default_frame() -> EmRect {
    let mut r = EmRect::EMPTY;
    r.include(crate::geometry::EmPoint::new(0.0, -0.1));
    r.include(crate::geometry::EmPoint::new(1.0, 0.9));
    r
}

/// A symbol's editable contours: its path data, or (for characters and SVG files) the
/// outline the view's fields were computed from.
pub fn contours_of(s: &Symbol, shown: Option<&Contours>) -> Option<Contours> {
    match &s.glyph {
        GlyphRef::Path { data, .. } => Contours::from_path_data(data).ok(),
        _ => shown.cloned(),
    }
}

/// The contours the shown fields were made from, if they are of the symbol's current glyph
/// (right after an undo they may still be the previous glyph's).
fn shown_contours<'a>(g: &'a super::shown::ShownGlyph, st: &super::State) -> Option<&'a Contours> {
    let s = st.focused_symbol()?;
    (g.key.glyph == s.glyph)
        .then_some(g.contours.as_deref())
        .flatten()
}

/// A freehand stroke smoothed: two rounds of Chaikin corner cutting (ends kept), then points
/// closer than 1/200 em to the last kept one dropped.
pub fn smooth(points: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut p = points.to_vec();
    for _ in 0..2 {
        if p.len() < 3 {
            break;
        }
        let mut q = vec![p[0]];
        for w in p.windows(2) {
            let (a, b) = (w[0], w[1]);
            q.push([0.75 * a[0] + 0.25 * b[0], 0.75 * a[1] + 0.25 * b[1]]);
            q.push([0.25 * a[0] + 0.75 * b[0], 0.25 * a[1] + 0.75 * b[1]]);
        }
        q.push(p[p.len() - 1]);
        p = q;
    }
    let mut out: Vec<[f64; 2]> = Vec::new();
    for (i, x) in p.iter().enumerate() {
        let keep = out
            .last()
            .is_none_or(|l| (l[0] - x[0]).hypot(l[1] - x[1]) >= 0.005)
            || i == p.len() - 1;
        if keep {
            out.push(*x);
        }
    }
    out
}

/// An id not yet in use, from `base` (`base`, `base-2`, …).
fn free_id(taken: impl Fn(&str) -> bool, base: &str) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|i| format!("{base}-{i}"))
        .find(|id| !taken(id))
        .unwrap_or_default()
}

/// Lowercase words joined by dashes: an id from a title.
fn slug(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                '-'
            }
        })
        .collect();
    s.split('-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// `file` as a library in `base` names it: relative when inside `base`.
fn relative_to(file: &Path, base: &Path) -> PathBuf {
    file.strip_prefix(base)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| file.to_path_buf())
}

impl HologlyphApp {
    pub(super) fn apply_editor(&mut self, c: EditorCommand, ctx: &egui::Context) {
        let st = &mut self.state;
        let ed = &mut st.edit;
        match c {
            EditorCommand::Toggle => {
                ed.on = !ed.on;
                ed.reset_selection();
                ed.frame = None;
                st.status.info(if ed.on {
                    "edit mode: click a region to select it, drag points and anchors (Ctrl+E leaves)"
                } else {
                    "browse mode"
                });
            }
            EditorCommand::Enter => {
                if !ed.on {
                    self.apply_editor(EditorCommand::Toggle, ctx);
                }
            }
            EditorCommand::SetTool(t) => {
                ed.tool = t;
                ed.pen.clear();
                ed.stroke.clear();
            }
            EditorCommand::ToggleSnap => ed.snap = !ed.snap,
            EditorCommand::SelectRegion(r) => {
                ed.region = r;
                ed.point = None;
            }
            EditorCommand::SelectPoint(p) => {
                ed.point = p;
                if p.is_some() {
                    ed.region = None;
                }
            }
            EditorCommand::Clicked(at) => ed.clicked = Some(at),
            EditorCommand::BeginDrag(d) => {
                st.doc.seal();
                ed.drag = Some(d);
            }
            EditorCommand::DragTo(at) => self.drag_to(at, ctx),
            EditorCommand::EndDrag => {
                ed.drag = None;
                st.doc.seal();
            }
            EditorCommand::Pointer(p) => ed.pointer = p,
            EditorCommand::PenPoint { at, control } => {
                if let Some(c) = control {
                    ed.pen.push(ContourPoint::control(c));
                }
                ed.pen.push(ContourPoint::on(at));
            }
            EditorCommand::PenCancel => ed.pen.clear(),
            EditorCommand::BrushPoint(at) => {
                let at = ed.place(at);
                if ed.stroke.last() != Some(&at) {
                    ed.stroke.push(at);
                }
            }
            EditorCommand::BrushEnd => {
                let stroke = smooth(&std::mem::take(&mut ed.stroke));
                if stroke.len() < 2 {
                    return;
                }
                let outline = match crate::library::strokes_outline(&[stroke], BRUSH_WIDTH) {
                    Ok(o) => o,
                    Err(e) => {
                        st.status.error(format!("the brush stroke: {e}"));
                        return;
                    }
                };
                let drawn = Contours::from_outline(&outline);
                self.change_outline(
                    "draw a brush stroke",
                    |c| {
                        c.contours.extend(drawn.contours);
                        true
                    },
                    None,
                    ctx,
                );
            }
            EditorCommand::PenFinish { close } => {
                let shown = st.shown_glyph().and_then(|g| shown_contours(g, st));
                if st
                    .focused_symbol()
                    .is_none_or(|s| contours_of(s, shown).is_none())
                {
                    st.status.info(
                        "the outline is still being read: finish the contour again in a moment",
                    );
                    return;
                }
                let ed = &mut st.edit;
                let pen = std::mem::take(&mut ed.pen);
                if pen.iter().filter(|p| p.on).count() < 2 {
                    st.status.info("a contour needs at least two points");
                    return;
                }
                let contour = Contour {
                    points: pen,
                    closed: close,
                };
                self.change_outline(
                    "draw a contour",
                    |c| {
                        c.contours.push(contour);
                        true
                    },
                    None,
                    ctx,
                );
            }
            EditorCommand::OpenPicker => ed.picker = Some(String::new()),
            EditorCommand::ClosePicker => ed.picker = None,
            EditorCommand::SetPickerQuery(q) => ed.picker = Some(q),
            EditorCommand::Link(target) => {
                let (Some(s), Some(region)) = (st.focused_symbol(), st.edit.region.clone()) else {
                    return;
                };
                let edit = Edit::LinkRegion {
                    symbol: s.id.clone(),
                    region,
                    target,
                };
                self.apply(Command::Edit { edit, merge: None }, ctx);
            }
            EditorCommand::NewScene => {
                let title = ed.picker.clone().unwrap_or_default().trim().to_string();
                let lib = st.doc.library().clone();
                let base = if title.is_empty() {
                    "scene".to_string()
                } else {
                    slug(&title)
                };
                let id = free_id(|id| lib.scene(id).is_some(), &base);
                let scene = Scene {
                    id: id.as_str().into(),
                    title: if title.is_empty() { id.clone() } else { title },
                    text: String::new(),
                    components: Vec::new(),
                    links: Vec::new(),
                    embedding: None,
                    original: None,
                };
                self.apply(
                    Command::Edit {
                        edit: Edit::AddScene(Arc::new(scene)),
                        merge: None,
                    },
                    ctx,
                );
                self.apply_editor(EditorCommand::Link(LinkTarget::Scene(id.into())), ctx);
            }
            EditorCommand::SetConceptQuery(q) => ed.concept_query = q,
            EditorCommand::PickAdapter { folder } => {
                let dialog = rfd::FileDialog::new().set_title("An adapter for the region");
                let picked = if folder {
                    dialog.pick_folder()
                } else {
                    dialog
                        .add_filter("safetensors", &["safetensors"])
                        .pick_file()
                };
                if let Some(path) = picked {
                    self.apply_editor(EditorCommand::NewAdapter(path), ctx);
                }
            }
            EditorCommand::NewAdapter(path) => {
                let lib = st.doc.library().clone();
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "adapter".into());
                let id = free_id(|id| lib.adapter(id).is_some(), &slug(&stem));
                let adapter = crate::library::Adapter {
                    id: id.as_str().into(),
                    name: stem,
                    description: String::new(),
                    triggers: Vec::new(),
                    file: Some(relative_to(&path, &lib.base_dir)),
                    original: None,
                };
                self.apply(
                    Command::Edit {
                        edit: Edit::AddAdapter(Arc::new(adapter)),
                        merge: None,
                    },
                    ctx,
                );
                if self.state.edit.region.is_some() {
                    self.apply_editor(EditorCommand::Link(LinkTarget::Adapter(id.into())), ctx);
                }
            }
            EditorCommand::OpenNewSymbol => {
                ed.new_symbol = Some(NewSymbolDialog::default());
                self.rt.fonts_asked = None;
            }
            EditorCommand::CloseNewSymbol => {
                ed.new_symbol = None;
                self.rt.fonts_asked = None;
            }
            EditorCommand::SetNewSymbolText(t) => {
                if let Some(d) = &mut ed.new_symbol {
                    d.text = t;
                    d.font = None;
                }
            }
            EditorCommand::SetNewSymbolFont(f) => {
                if let Some(d) = &mut ed.new_symbol {
                    d.font = f;
                }
            }
            EditorCommand::CreateSymbol(source) => self.create_symbol(source, ctx),
            EditorCommand::PickSvg => {
                if let Some(path) = rfd::FileDialog::new()
                    .set_title("A glyph from an SVG file")
                    .add_filter("SVG", &["svg"])
                    .pick_file()
                {
                    self.create_symbol(NewSource::Svg(path), ctx);
                }
            }
            EditorCommand::ConvertToOutline => {
                self.change_outline("convert to outline", |_| true, None, ctx);
            }
            EditorCommand::AddRegion => {
                let (Some(s), Some(at)) = (st.focused_symbol(), st.edit.clicked) else {
                    st.status
                        .info("click the glyph where the region should be first");
                    return;
                };
                let mut s = Symbol::clone(s);
                let id = free_id(|id| s.regions.iter().any(|r| r.id == id), "region");
                s.regions.push(RegionLink {
                    id: id.clone(),
                    label: id.clone(),
                    anchor: at,
                    scenes: Vec::new(),
                    adapters: Vec::new(),
                });
                st.edit.region = Some(id);
                self.update_symbol(s, None, ctx);
            }
            EditorCommand::RemoveRegion(id) => {
                let Some(s) = st.focused_symbol() else {
                    return;
                };
                let mut s = Symbol::clone(s);
                s.regions.retain(|r| r.id != id);
                st.edit.region = None;
                self.update_symbol(s, None, ctx);
            }
            EditorCommand::Point(op) => {
                let Some(r) = ed.point else {
                    st.status.info("select a point first");
                    return;
                };
                let label = match op {
                    PointOp::Insert => "add a point",
                    PointOp::Delete => "delete a point",
                    PointOp::ToggleClosed => "close or open a contour",
                    PointOp::Reverse => "reverse a contour",
                    PointOp::DeleteContour => "delete a contour",
                };
                let mut selected = Some(r);
                self.change_outline(
                    label,
                    |c| {
                        if r.contour >= c.contours.len() {
                            return false;
                        }
                        match op {
                            PointOp::Insert => selected = c.insert_after(r),
                            PointOp::Delete => {
                                c.delete_point(r);
                                selected = None;
                            }
                            PointOp::ToggleClosed => {
                                let closed = c.contours[r.contour].closed;
                                c.set_closed(r.contour, !closed);
                            }
                            PointOp::Reverse => c.reverse(r.contour),
                            PointOp::DeleteContour => {
                                c.delete_contour(r.contour);
                                selected = None;
                            }
                        }
                        true
                    },
                    None,
                    ctx,
                );
                self.state.edit.point = selected;
            }
        }
    }

    /// Replaces a symbol by its changed copy `s` (same id) as one edit, folded into the
    /// gesture `merge` names.
    fn update_symbol(&mut self, s: Symbol, merge: Option<&str>, ctx: &egui::Context) {
        let edit = Edit::UpdateSymbol {
            id: s.id.clone(),
            symbol: Arc::new(s),
        };
        self.apply(
            Command::Edit {
                edit,
                merge: merge.map(str::to_string),
            },
            ctx,
        );
    }

    /// Moves what is dragged; the drag is one undo step.
    fn drag_to(&mut self, at: [f64; 2], ctx: &egui::Context) {
        let st = &mut self.state;
        let at = st.edit.place(at);
        match st.edit.drag.clone() {
            Some(Drag::Point(r)) => {
                self.change_outline(
                    "move a point",
                    |c| {
                        c.move_point(r, at);
                        true
                    },
                    Some("drag"),
                    ctx,
                );
            }
            Some(Drag::Anchor(id)) => {
                let Some(s) = st.focused_symbol() else {
                    return;
                };
                // Anchors stay inside the glyph's box (as the library's checks want it).
                let bounds = st.shown_glyph().and_then(|g| {
                    let mut b = EmRect::EMPTY;
                    for p in &g.fields.outline {
                        b.include(p.at);
                    }
                    (!b.is_empty()).then_some([b.min.x, b.min.y, b.max.x, b.max.y])
                });
                let at = match bounds {
                    Some([x0, y0, x1, y1]) => [at[0].clamp(x0, x1), at[1].clamp(y0, y1)],
                    None => at,
                };
                let mut s = Symbol::clone(s);
                let Some(r) = s.regions.iter_mut().find(|r| r.id == id) else {
                    return;
                };
                r.anchor = at;
                self.update_symbol(s, Some("drag"), ctx);
            }
            None => {}
        }
    }

    /// Changes the focused symbol's outline as path data (a character or SVG glyph becomes
    /// path data first). `change` returns whether it changed anything.
    fn change_outline(
        &mut self,
        label: &str,
        change: impl FnOnce(&mut Contours) -> bool,
        merge: Option<&str>,
        ctx: &egui::Context,
    ) {
        let st = &mut self.state;
        let Some(s) = st.focused_symbol() else {
            return;
        };
        let shown = st.shown_glyph().and_then(|g| shown_contours(g, st));
        let Some(mut contours) = contours_of(s, shown) else {
            st.status.info(format!(
                "{label}: the outline is still being read; try again"
            ));
            return;
        };
        if !change(&mut contours) {
            return;
        }
        let even_odd = match &s.glyph {
            GlyphRef::Path { even_odd, .. } => *even_odd,
            // A character or SVG file converted: its fill rule comes along.
            _ => st.shown_glyph().is_some_and(|g| g.even_odd),
        };
        let mut s = Symbol::clone(s);
        s.glyph = GlyphRef::Path {
            data: contours.to_path_data(),
            even_odd,
        };
        self.update_symbol(s, merge, ctx);
        if merge.is_none() {
            self.state.status.info(label.to_string());
        }
    }

    /// Adds a symbol and shows it in edit mode.
    fn create_symbol(&mut self, source: NewSource, ctx: &egui::Context) {
        let st = &mut self.state;
        let lib = st.doc.library().clone();
        let base_dir = lib.base_dir.clone();
        let (glyph, base, name) = match &source {
            NewSource::Char(ch, font) => {
                let info = CharInfo::of(*ch);
                let name = info
                    .name
                    .map(|n| n.to_lowercase())
                    .unwrap_or_else(|| format!("U+{:04X}", *ch as u32));
                (
                    GlyphRef::Char {
                        ch: *ch,
                        font: font.as_deref().map(|f| relative_to(f, &base_dir)),
                    },
                    slug(&name),
                    name,
                )
            }
            NewSource::Svg(path) => {
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "drawing".into());
                (
                    GlyphRef::Svg {
                        file: relative_to(path, &base_dir),
                    },
                    slug(&stem),
                    stem,
                )
            }
            NewSource::Drawing => (
                GlyphRef::Path {
                    data: String::new(),
                    even_odd: false,
                },
                "drawing".to_string(),
                "a drawing".to_string(),
            ),
        };
        let base = if base.is_empty() {
            "symbol".into()
        } else {
            base
        };
        let id = free_id(|id| lib.symbol(id).is_some(), &base);
        let symbol = Symbol {
            name,
            ..Symbol::new(id.as_str().into(), glyph)
        };
        st.edit.new_symbol = None;
        self.apply(
            Command::Edit {
                edit: Edit::AddSymbol(Arc::new(symbol)),
                merge: None,
            },
            ctx,
        );
        let st = &mut self.state;
        if st.doc.library().symbol(&id).is_none() {
            return;
        }
        st.edit.on = true;
        st.edit.reset_selection();
        if source == NewSource::Drawing {
            st.edit.tool = Tool::Pen;
        }
        self.apply(Command::Go(Focus::symbol(id.as_str())), ctx);
    }

    /// The field frame of the focused symbol while it is edited: fixed when editing
    /// starts, so the view does not move as the outline changes.
    pub(super) fn edit_frame(&mut self) -> Option<EmRect> {
        let st = &mut self.state;
        if !st.edit.on {
            st.edit.frame = None;
            return None;
        }
        let s = st.focused_symbol()?.clone();
        if let Some((id, frame)) = &st.edit.frame
            && *id == s.id
        {
            return Some(*frame);
        }
        // Another symbol: its own selection (kept while its fields are still coming).
        if st.edit.editing.as_ref() != Some(&s.id) {
            st.edit.reset_selection();
            st.edit.editing = Some(s.id.clone());
        }
        let frame = match st.shown_glyph() {
            // The field's square: the glyph with its margin, and room to draw beyond it.
            Some(g) => {
                let grid = &g.fields.grid;
                let side = grid.side_em();
                let mut r = EmRect::EMPTY;
                r.include(crate::geometry::EmPoint::new(grid.x0, grid.y0 - side));
                r.include(crate::geometry::EmPoint::new(grid.x0 + side, grid.y0));
                r
            }
            None if matches!(&s.glyph, GlyphRef::Path { data, .. } if data.trim().is_empty()) => {
                default_frame()
            }
            None => return None,
        };
        st.edit.frame = Some((s.id.clone(), frame));
        Some(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::smooth;

    #[test]
    fn a_stroke_is_smoothed_with_its_ends_kept() {
        let s = smooth(&[[0.0, 0.0], [0.5, 0.0], [0.5, 0.5]]);
        assert_eq!(s.first(), Some(&[0.0, 0.0]));
        assert_eq!(s.last(), Some(&[0.5, 0.5]));
        assert!(!s.contains(&[0.5, 0.0]), "the corner is cut: {s:?}");
        // Points closer than 1/200 em are dropped.
        let dense: Vec<[f64; 2]> = (0..100).map(|i| [i as f64 * 0.001, 0.0]).collect();
        assert!(smooth(&dense).len() < 30);
    }
}
