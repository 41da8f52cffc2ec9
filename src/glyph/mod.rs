//! Glyph sources (font characters, SVG files, bare path data) → outlines in em units, y up.

pub mod contours;
mod flatten;
pub mod font;
pub mod samples;
mod svg;
pub mod system_fonts;
pub mod unicode;

use std::path::PathBuf;

use crate::names::named_enum;
use lyon::path::Path;
use serde::Serialize;

pub use flatten::{Flattened, Line, MAX_SEGMENTS, crossing, flatten};
pub use font::{FontData, FontSet, bundled_fonts};
pub use svg::{outline_from_path_data, outline_from_svg_file, outline_from_svg_str};

named_enum! {
    /// How the inside of a path is decided.
    pub enum FillRule("fill rule") {
        /// Inside where the winding number is not zero (fonts, SVG's default).
        NonZero = 0 => "nonzero",
        /// Inside where the winding number is odd.
        EvenOdd = 1 => "evenodd",
    }
}

impl FillRule {
    pub fn is_inside(self, winding: i32) -> bool {
        match self {
            FillRule::NonZero => winding != 0,
            FillRule::EvenOdd => winding % 2 != 0,
        }
    }
}

/// One filled path: the ink is the union of an outline's shapes.
#[derive(Clone, Debug)]
pub struct Shape {
    /// The path in em units, y up.
    pub path: Path,
    pub fill_rule: FillRule,
}

/// Where an outline came from, as written to `fields.json`.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GlyphSource {
    Font {
        /// The family name the font reports.
        font: String,
        /// The font file, or `None` for a bundled font.
        file: Option<PathBuf>,
        /// `bundled` or `user`.
        origin: &'static str,
        /// Character, code point, Unicode name, block and category.
        #[serde(flatten)]
        unicode: unicode::CharInfo,
        glyph_id: u16,
        units_per_em: u16,
    },
    Svg {
        file: PathBuf,
        /// Document size in SVG user units; one em is the document height.
        width: f32,
        height: f32,
        paths: usize,
    },
    PathData {
        data: String,
    },
}

impl GlyphSource {
    /// A short name for messages and file names.
    pub fn describe(&self) -> String {
        match self {
            GlyphSource::Font { unicode, font, .. } => {
                let name = unicode.name.as_deref().unwrap_or("unnamed");
                format!(
                    "{} ({}, {name}, {font})",
                    unicode.character, unicode.code_point
                )
            }
            GlyphSource::Svg { file, .. } => file.display().to_string(),
            GlyphSource::PathData { data } => {
                let short: String = data.chars().take(40).collect();
                format!("path data \"{short}\"")
            }
        }
    }
}

/// A glyph outline: one or more filled shapes in em units.
#[derive(Clone, Debug)]
pub struct Outline {
    pub shapes: Vec<Shape>,
    pub source: GlyphSource,
}

/// Why a glyph could not be turned into an outline.
#[derive(Debug, thiserror::Error)]
pub enum GlyphError {
    /// A font file could not be read.
    #[error("cannot read font file {path}: {error}")]
    FontRead {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A font file is not a font ttf-parser understands.
    #[error("font file {path} is not a valid OpenType/TrueType font: {reason}")]
    FontParse { path: PathBuf, reason: String },
    /// No font covers the character.
    #[error("no font covers {character} (U+{code_point:04X}); fonts tried: {}", tried.join(", "))]
    NoFontCovers {
        character: char,
        code_point: u32,
        tried: Vec<String>,
    },
    /// A font the user named has no glyph for the character.
    #[error(
        "font file {path} ({font}) has no glyph for {character} (U+{code_point:04X}); name a font that has it, or none to use the bundled fonts"
    )]
    FontLacks {
        path: PathBuf,
        font: String,
        character: char,
        code_point: u32,
    },
    /// A file is not UTF-8 text.
    #[error("{path}:{line}:{column}: not UTF-8 text (a byte that is not UTF-8 here)")]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        column: usize,
    },
    /// The glyph exists but has no outline (a space, or an empty path).
    #[error("{what} has an empty outline: nothing to compute fields from")]
    EmptyOutline { what: String },
    /// An SVG file could not be read.
    #[error("cannot read SVG file {path}: {error}")]
    SvgRead {
        path: PathBuf,
        error: std::io::Error,
    },
    /// An SVG file does not parse.
    #[error("SVG file {path} does not parse: {message}")]
    SvgParse { path: PathBuf, message: String },
    /// Bare path data does not parse.
    #[error("path data does not parse: {message}")]
    PathData { message: String },
    /// The outline flattens to more segments than the engine accepts.
    #[error(
        "{what} flattens to more than {limit} line segments; raise the tolerance or simplify the path"
    )]
    TooManySegments { what: String, limit: usize },
    /// The outline is too large or too small for f32 fields.
    #[error(
        "{what} is out of scale: {extent:e} em across, coordinates up to {reach:e} em; fields need 1e-6 to 1e6 em (scale the path)"
    )]
    OutOfScale {
        what: String,
        extent: f64,
        reach: f64,
    },
    /// A coordinate is not a finite number.
    #[error("{what} has a coordinate that is not a finite number")]
    NonFinite { what: String },
}
