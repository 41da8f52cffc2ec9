//! The symbol library: symbols, scenes, adapters, concepts and tours as plain Rust types,
//! loaded from (and saved to) one versioned TOML file.
//!
//! The on-disk format is converted to these types in [`format`] and nowhere else; the
//! cross-reference checks live in [`validate`]; atomic saving with a backup in [`save`].
//! A file with problems still loads as far as it can: [`Loaded::problems`] lists each with
//! its file, line and column, and the file is never rewritten by loading.

pub mod edit;
mod format;
pub mod history;
mod ids;
mod save;
pub mod search;
mod validate;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::geometry::{EmPoint, EmRect};
use crate::glyph::{self, FillRule, FontSet, GlyphError, Outline};
use crate::names::named_enum;

pub use edit::{Edit, EditError, LinkTarget, apply};
pub use format::{FORMAT_VERSION, to_toml, update_toml};
pub use history::{History, Revision};
pub use ids::{AdapterId, SceneId, SymbolId, TourId};
pub use save::{SaveError, backup_path, save, save_over, save_text};

/// The library every install has: `assets/library/hologlyph.toml`.
pub fn bundled_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/library/hologlyph.toml")
}

/// Where a symbol's outline comes from.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GlyphRef {
    /// A character of the bundled fonts (or of `font`, a font file tried first).
    Char { ch: char, font: Option<PathBuf> },
    /// An SVG file, relative to the library file.
    Svg { file: PathBuf },
    /// Bare SVG path data in em units, y up.
    Path { data: String, even_odd: bool },
    /// Drawn strokes: polylines in em units (y up), stroked with a round pen `width` em wide.
    Strokes {
        strokes: Vec<Vec<[f64; 2]>>,
        width: f64,
    },
}

impl GlyphRef {
    /// The character, for font glyphs.
    pub fn character(&self) -> Option<char> {
        match self {
            GlyphRef::Char { ch, .. } => Some(*ch),
            _ => None,
        }
    }
}

named_enum! {
    /// The four traditions a symbol works in (the seed's §9.8.2).
    pub enum Lineage("lineage") {
        /// Carries an image and an action.
        Hieroglyph = 0 => "hieroglyph",
        /// A structural transformation.
        Alchemical = 1 => "alchemical",
        /// A knot of vectors.
        Topological = 2 => "topological",
        /// An interface to memory.
        Graph = 3 => "graph",
    }
}

named_enum! {
    /// The render style presets (the seed's lineages). Keep the numbers in sync with
    /// `STYLE_*` in `shaders/hologram.wgsl` (a test holds them together).
    #[derive(Default)]
    pub enum Style("style") {
        /// Gold on lapis.
        #[default]
        Hieroglyph = 0 => "hieroglyph",
        /// Fire on charcoal.
        Alchemical = 1 => "alchemical",
        /// Cyan contours on deep blue.
        Topological = 2 => "topological",
        /// Green nodes on a violet field.
        Graph = 3 => "graph",
    }
}

named_enum! {
    /// What the render shows: the lit hologram, or one field on its own. Keep the numbers
    /// in sync with `LAYER_*` in `shaders/hologram.wgsl` (a test holds them together).
    #[derive(Default)]
    pub enum Layer("layer") {
        #[default]
        Hologram = 0 => "hologram",
        Distance = 1 => "distance",
        Curvature = 2 => "curvature",
        Density = 3 => "density",
        Voids = 4 => "voids",
        Regions = 5 => "regions",
    }
}

impl Lineage {
    /// The render style a symbol of this lineage gets unless it names one.
    pub fn default_style(self) -> Style {
        match self {
            Lineage::Hieroglyph => Style::Hieroglyph,
            Lineage::Alchemical => Style::Alchemical,
            Lineage::Topological => Style::Topological,
            Lineage::Graph => Style::Graph,
        }
    }
}

named_enum! {
    /// The registers a symbol unfolds into (the seed's protocol, step 4).
    #[derive(Default)]
    pub enum Register("register") {
        #[default]
        Poetry = 0 => "poetry",
        Logic = 1 => "logic",
        Interface = 2 => "interface",
        Body = 3 => "body",
    }
}

/// A concept with a weight, as a symbol's or scene's component.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Weighted {
    pub concept: String,
    pub weight: f32,
}

/// Text in the seed's own language, kept beside the English.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Original {
    /// BCP 47 language tag, e.g. `ru`.
    pub language: String,
    /// Field name (`gloss`, `transition`, `archetype`, `output`, `text`, …) → text.
    pub texts: BTreeMap<String, String>,
}

/// A point of the glyph (em, y up) that unfolds scenes and adapters when its region is
/// clicked.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionLink {
    /// Unique within the symbol, e.g. `left-flank`.
    pub id: String,
    pub label: String,
    pub anchor: [f64; 2],
    pub scenes: Vec<SceneId>,
    pub adapters: Vec<AdapterId>,
}

/// A glyph with a meaning.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Symbol {
    pub id: SymbolId,
    pub glyph: GlyphRef,
    pub name: String,
    pub gloss: String,
    pub lineage: Lineage,
    pub style: Style,
    pub archetype: String,
    /// E.g. `(heat + fear + void) → step up`.
    pub transition: Option<String>,
    pub components: Vec<Weighted>,
    pub tags: Vec<String>,
    pub scenes: Vec<SceneId>,
    pub adapters: Vec<AdapterId>,
    /// The line the symbol yields when unfolded (the seed's "output").
    pub output: Option<String>,
    pub texts: BTreeMap<Register, String>,
    pub regions: Vec<RegionLink>,
    /// An explicit semantic embedding (dimension = the library's axes), used instead of the
    /// components' sum.
    pub embedding: Option<Vec<f32>>,
    pub original: Option<Original>,
}

impl Symbol {
    /// A symbol with only an id and a glyph: no meaning yet.
    pub fn new(id: SymbolId, glyph: GlyphRef) -> Self {
        Self {
            name: id.to_string(),
            id,
            glyph,
            gloss: String::new(),
            lineage: Lineage::Hieroglyph,
            style: Lineage::Hieroglyph.default_style(),
            archetype: String::new(),
            transition: None,
            components: Vec::new(),
            tags: Vec::new(),
            scenes: Vec::new(),
            adapters: Vec::new(),
            output: None,
            texts: BTreeMap::new(),
            regions: Vec::new(),
            embedding: None,
            original: None,
        }
    }

    /// Whether the symbol or one of its region links names scene `id`.
    pub fn links_scene(&self, id: &str) -> bool {
        self.scenes.iter().any(|s| s == id)
            || self
                .regions
                .iter()
                .any(|r| r.scenes.iter().any(|s| s == id))
    }

    /// Whether the symbol or one of its region links names adapter `id`.
    pub fn links_adapter(&self, id: &str) -> bool {
        self.adapters.iter().any(|a| a == id)
            || self
                .regions
                .iter()
                .any(|r| r.adapters.iter().any(|a| a == id))
    }
}

/// A scene a symbol recalls (`Δ41`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scene {
    pub id: SceneId,
    pub title: String,
    pub text: String,
    pub components: Vec<Weighted>,
    /// Ids of other scenes, symbols or adapters.
    pub links: Vec<String>,
    pub embedding: Option<Vec<f32>>,
    pub original: Option<Original>,
}

/// A LoRA adapter a symbol can switch on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Adapter {
    pub id: AdapterId,
    pub name: String,
    pub description: String,
    /// Phrases, concept names or characters that call it.
    pub triggers: Vec<String>,
    /// A `.safetensors` file or a PEFT folder, relative to the library file.
    pub file: Option<PathBuf>,
    pub original: Option<Original>,
}

/// A named vector: the vocabulary embeddings live in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Concept {
    pub name: String,
    pub gloss: String,
    /// One weight per library axis.
    pub vector: Vec<f32>,
    /// The concept's colour in palettes, sRGB.
    pub colour: Option<[u8; 3]>,
}

/// One step of a presentation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TourStep {
    pub symbol: SymbolId,
    /// Region link ids of the symbol to unfold, one after another (a presenter's "next"
    /// reveals the next one before moving on); empty: none.
    pub regions: Vec<String>,
    pub register: Register,
    pub caption: String,
    /// The speaker's notes (shown in the speaker window and the export, not on stage).
    pub notes: String,
    pub seconds: f32,
    /// The look the step sets, if it sets one (else the symbol's style, the lit hologram).
    pub style: Option<Style>,
    pub layer: Option<Layer>,
    /// The part of the glyph's field shown, `[left, top, side]` in field uv (as the view's
    /// zoom and pan were when the step was recorded); None: the whole glyph.
    pub view: Option<[f32; 3]>,
}

impl TourStep {
    /// A step showing a symbol as it is, in the poetry register.
    pub fn new(symbol: SymbolId) -> Self {
        Self {
            symbol,
            regions: Vec::new(),
            register: Register::Poetry,
            caption: String::new(),
            notes: String::new(),
            seconds: 8.0,
            style: None,
            layer: None,
            view: None,
        }
    }
}

/// An ordered presentation through symbols.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tour {
    pub id: TourId,
    pub title: String,
    pub steps: Vec<TourStep>,
}

/// Everything one library file holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Library {
    pub title: String,
    pub description: String,
    /// Names of the semantic axes concept vectors are written in.
    pub axes: Vec<String>,
    pub concepts: Vec<Concept>,
    /// Entries are shared between revisions: an edit replaces the one it changes.
    pub symbols: Vec<Arc<Symbol>>,
    pub scenes: Vec<Arc<Scene>>,
    pub adapters: Vec<Arc<Adapter>>,
    pub tours: Vec<Arc<Tour>>,
    /// The folder relative paths are resolved against (the library file's folder).
    #[serde(skip)]
    pub base_dir: PathBuf,
}

impl Library {
    pub fn symbol(&self, id: &str) -> Option<&Arc<Symbol>> {
        self.symbols.iter().find(|s| s.id == *id)
    }

    pub fn scene(&self, id: &str) -> Option<&Arc<Scene>> {
        self.scenes.iter().find(|s| s.id == *id)
    }

    pub fn adapter(&self, id: &str) -> Option<&Arc<Adapter>> {
        self.adapters.iter().find(|a| a.id == *id)
    }

    pub fn tour(&self, id: &str) -> Option<&Arc<Tour>> {
        self.tours.iter().find(|t| t.id == *id)
    }

    /// The symbols that recall scene `id`, themselves or through a region link.
    pub fn symbols_linking_scene<'a>(
        &'a self,
        id: &'a str,
    ) -> impl Iterator<Item = &'a Arc<Symbol>> {
        self.symbols.iter().filter(move |s| s.links_scene(id))
    }

    /// The symbols that call adapter `id`, themselves or through a region link.
    pub fn symbols_linking_adapter<'a>(
        &'a self,
        id: &'a str,
    ) -> impl Iterator<Item = &'a Arc<Symbol>> {
        self.symbols.iter().filter(move |s| s.links_adapter(id))
    }

    pub fn concept(&self, name: &str) -> Option<&Concept> {
        self.concepts.iter().find(|c| c.name == name)
    }

    /// A symbol by id, by its character, or by `U+XXXX`.
    pub fn find_symbol(&self, key: &str) -> Option<&Arc<Symbol>> {
        if let Some(s) = self.symbol(key) {
            return Some(s);
        }
        let ch = parse_char_key(key)?;
        self.symbols
            .iter()
            .find(|s| s.glyph.character() == Some(ch))
    }

    /// Resolves a path written in the library file.
    /// The library as it would be in folder `dir`: every file it names (SVG glyphs, fonts,
    /// adapter files) still found, written relative to `dir` when inside it, else absolute.
    pub fn moved_to(&self, dir: &Path) -> Library {
        let rebase = |p: &Path| {
            let abs = std::path::absolute(self.resolve(p)).unwrap_or_else(|_| self.resolve(p));
            let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
            abs.strip_prefix(&dir).map(Path::to_path_buf).unwrap_or(abs)
        };
        let mut next = self.clone();
        next.base_dir = dir.to_path_buf();
        for s in &mut next.symbols {
            let glyph = match &s.glyph {
                GlyphRef::Svg { file } => GlyphRef::Svg { file: rebase(file) },
                GlyphRef::Char { ch, font: Some(f) } => GlyphRef::Char {
                    ch: *ch,
                    font: Some(rebase(f)),
                },
                _ => continue,
            };
            if glyph != s.glyph {
                Arc::make_mut(s).glyph = glyph;
            }
        }
        for a in &mut next.adapters {
            if let Some(f) = &a.file {
                let file = rebase(f);
                if file != *f {
                    Arc::make_mut(a).file = Some(file);
                }
            }
        }
        next
    }

    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.base_dir.join(path)
        }
    }

    /// Concept name → index, for embedding maths.
    pub fn concept_index(&self) -> HashMap<&str, usize> {
        self.concepts
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.as_str(), i))
            .collect()
    }
}

/// One character, or `U+XXXX`.
pub fn parse_char_key(key: &str) -> Option<char> {
    let mut chars = key.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some(c);
    }
    let hex = key.strip_prefix("U+").or_else(|| key.strip_prefix("u+"))?;
    u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
}

/// How bad a problem is: errors mean the library is wrong; warnings that it could be better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found while loading, with where it is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
    /// The symbol whose entry the problem is in, if it is in one.
    pub symbol: Option<SymbolId>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {severity}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// A library as loaded: what could be read, and every problem found.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub library: Library,
    pub problems: Vec<Problem>,
    /// The text read, kept so that a save can keep its comments and layout
    /// ([`save_over`]).
    pub text: String,
}

impl Loaded {
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
}

/// Why a library could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// The file could not be read.
    #[error("cannot read library {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The file is not UTF-8 text (TOML must be).
    #[error("{path}:{line}:{column}: the library is not UTF-8 text (TOML must be)")]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        column: usize,
    },
}

/// Loads and validates a library file. Problems inside the file do not fail the load: they
/// are listed in [`Loaded::problems`] and the rest of the file is kept.
pub fn load(path: &Path) -> Result<Loaded, LibraryError> {
    let bytes = std::fs::read(path).map_err(|error| LibraryError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let (line, column) = crate::text::line_column(e.as_bytes(), e.utf8_error().valid_up_to());
        LibraryError::NotUtf8 {
            path: path.to_path_buf(),
            line,
            column,
        }
    })?;
    Ok(load_str(&text, path))
}

/// Loads and validates library text; `path` names it in problems and anchors relative paths.
pub fn load_str(text: &str, path: &Path) -> Loaded {
    let lines = format::Lines::new(text);
    let mut parsed = format::parse(&lines, path);
    validate::check(&mut parsed, &lines, path);
    format::attribute_to_symbols(&mut parsed, &lines);
    Loaded {
        library: parsed.library,
        problems: parsed.problems,
        text: text.to_string(),
    }
}

/// The bundled library.
pub fn load_bundled() -> Result<Loaded, LibraryError> {
    load(&bundled_path())
}

impl Library {
    /// The outline of a symbol's glyph. Font characters come from `fonts` (or from the
    /// symbol's own font file first); files are resolved against the library's folder.
    pub fn outline(&self, glyph: &GlyphRef, fonts: &FontSet) -> Result<Outline, GlyphError> {
        match glyph {
            GlyphRef::Char { ch, font: None } => fonts.outline(*ch),
            GlyphRef::Char { ch, font: Some(f) } => {
                FontSet::with_user_font(&self.resolve(f))?.outline(*ch)
            }
            GlyphRef::Svg { file } => glyph::outline_from_svg_file(&self.resolve(file)),
            GlyphRef::Path { data, even_odd } => {
                let rule = if *even_odd {
                    FillRule::EvenOdd
                } else {
                    FillRule::NonZero
                };
                glyph::outline_from_path_data(data, rule)
            }
            GlyphRef::Strokes { strokes, width } => strokes_outline(strokes, *width),
        }
    }
}

/// Drawn strokes → the outline of a round pen of `width` em drawn along them (usvg strokes
/// the polylines exactly as it strokes an SVG path).
pub fn strokes_outline(strokes: &[Vec<[f64; 2]>], width: f64) -> Result<Outline, GlyphError> {
    use std::fmt::Write as _;
    // One em is the SVG document's height: draw in a 1×1 document, flipping y.
    let mut d = String::new();
    for stroke in strokes {
        for (i, [x, y]) in stroke.iter().enumerate() {
            let _ = write!(d, "{}{x} {} ", if i == 0 { "M" } else { "L" }, 1.0 - y);
        }
    }
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1" viewBox="0 0 1 1"><path d="{d}" fill="none" stroke="black" stroke-width="{width}" stroke-linecap="round" stroke-linejoin="round"/></svg>"#
    );
    let mut outline = glyph::outline_from_svg_str(&svg, Path::new("drawn strokes"))?;
    outline.source = glyph::GlyphSource::PathData {
        data: format!("drawn strokes: {d}"),
    };
    Ok(outline)
}

/// The box around an outline's control points, em.
pub fn outline_box(outline: &Outline) -> EmRect {
    let mut rect = EmRect::EMPTY;
    for shape in &outline.shapes {
        let b = lyon::algorithms::aabb::bounding_box(shape.path.iter());
        rect.include(EmPoint::new(b.min.x as f64, b.min.y as f64));
        rect.include(EmPoint::new(b.max.x as f64, b.max.y as f64));
    }
    rect
}
