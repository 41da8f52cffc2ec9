//! Font characters → outlines: bundled OFL fonts, user fonts, and the fallback order.

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use lyon::math::point;
use lyon::path::Path;

use super::{FillRule, GlyphError, GlyphSource, Outline, Shape};

/// A font in memory, bundled or read from a file.
#[derive(Clone)]
pub struct FontData {
    /// Family name as the font reports it (or the file stem).
    pub name: String,
    /// The file it came from; `None` for bundled fonts.
    pub file: Option<PathBuf>,
    bytes: Arc<[u8]>,
}

impl std::fmt::Debug for FontData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontData")
            .field("name", &self.name)
            .field("file", &self.file)
            .finish()
    }
}

impl FontData {
    fn from_bytes(
        bytes: Arc<[u8]>,
        file: Option<PathBuf>,
        fallback_name: &str,
    ) -> Result<Self, String> {
        let face = ttf_parser::Face::parse(&bytes, 0).map_err(|e| e.to_string())?;
        let name = face
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::FULL_NAME && n.is_unicode())
            .and_then(|n| n.to_string())
            .unwrap_or_else(|| fallback_name.to_string());
        Ok(Self { name, file, bytes })
    }

    /// The font file's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Reads a font file the user named.
    pub fn from_file(path: &FsPath) -> Result<Self, GlyphError> {
        let bytes = std::fs::read(path).map_err(|error| GlyphError::FontRead {
            path: path.to_path_buf(),
            error,
        })?;
        Self::from_font_bytes(bytes.into(), path)
    }

    /// A font from the bytes of the file at `path` (which names it in errors).
    pub fn from_font_bytes(bytes: Arc<[u8]>, path: &FsPath) -> Result<Self, GlyphError> {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Self::from_bytes(bytes, Some(path.to_path_buf()), &stem).map_err(|reason| {
            GlyphError::FontParse {
                path: path.to_path_buf(),
                reason,
            }
        })
    }

    pub fn face(&self) -> ttf_parser::Face<'_> {
        // Parsed successfully when the FontData was made; the bytes never change.
        ttf_parser::Face::parse(&self.bytes, 0).expect("font bytes were validated on load")
    }

    pub fn covers(&self, c: char) -> bool {
        self.face().glyph_index(c).is_some_and(|g| g.0 != 0)
    }

    /// The outline of `c` in em units (font units / unitsPerEm, y up), nonzero fill.
    pub fn outline(&self, c: char) -> Result<Outline, GlyphError> {
        let face = self.face();
        let glyph =
            face.glyph_index(c)
                .filter(|g| g.0 != 0)
                .ok_or_else(|| GlyphError::NoFontCovers {
                    character: c,
                    code_point: c as u32,
                    tried: vec![self.name.clone()],
                })?;
        let units_per_em = face.units_per_em();
        let mut builder = EmPathBuilder::new(1.0 / units_per_em as f32);
        let what = match &self.file {
            Some(file) => format!(
                "{c} (U+{:04X}) in font file {} ({})",
                c as u32,
                file.display(),
                self.name
            ),
            None => format!("{c} (U+{:04X}) in {}", c as u32, self.name),
        };
        if face.outline_glyph(glyph, &mut builder).is_none() {
            return Err(GlyphError::EmptyOutline { what });
        }
        let path = builder.finish();
        if path.iter().next().is_none() {
            return Err(GlyphError::EmptyOutline { what });
        }
        Ok(Outline {
            shapes: vec![Shape {
                path,
                fill_rule: FillRule::NonZero,
            }],
            source: GlyphSource::Font {
                font: self.name.clone(),
                file: self.file.clone(),
                origin: if self.file.is_some() {
                    "user"
                } else {
                    "bundled"
                },
                unicode: super::unicode::CharInfo::of(c),
                glyph_id: glyph.0,
                units_per_em,
            },
        })
    }
}

/// ttf-parser's outline callbacks → a lyon path scaled to em.
struct EmPathBuilder {
    scale: f32,
    builder: lyon::path::path::Builder,
    open: bool,
}

impl EmPathBuilder {
    fn new(scale: f32) -> Self {
        Self {
            scale,
            builder: Path::builder(),
            open: false,
        }
    }
    fn p(&self, x: f32, y: f32) -> lyon::math::Point {
        point(x * self.scale, y * self.scale)
    }
    fn finish(mut self) -> Path {
        if self.open {
            self.builder.end(true);
        }
        self.builder.build()
    }
}

impl ttf_parser::OutlineBuilder for EmPathBuilder {
    fn move_to(&mut self, x: f32, y: f32) {
        if self.open {
            self.builder.end(true);
        }
        let p = self.p(x, y);
        self.builder.begin(p);
        self.open = true;
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.p(x, y);
        self.builder.line_to(p);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (c, p) = (self.p(x1, y1), self.p(x, y));
        self.builder.quadratic_bezier_to(c, p);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (c1, c2, p) = (self.p(x1, y1), self.p(x2, y2), self.p(x, y));
        self.builder.cubic_bezier_to(c1, c2, p);
    }
    fn close(&mut self) {
        if self.open {
            self.builder.end(true);
            self.open = false;
        }
    }
}

/// The bundled OFL fonts (see `assets/fonts/OFL.txt`), in fallback order for symbols.
pub fn bundled_fonts() -> &'static [FontData] {
    static FONTS: std::sync::OnceLock<Vec<FontData>> = std::sync::OnceLock::new();
    FONTS.get_or_init(|| {
        let raw: [(&[u8], &str); 4] = [
            (
                include_bytes!("../../assets/fonts/NotoSans-Regular.ttf"),
                "Noto Sans",
            ),
            (
                include_bytes!("../../assets/fonts/NotoSansMath-Regular.ttf"),
                "Noto Sans Math",
            ),
            (
                include_bytes!("../../assets/fonts/NotoSansSymbols-Regular.ttf"),
                "Noto Sans Symbols",
            ),
            (
                include_bytes!("../../assets/fonts/NotoSansSymbols2-Regular.ttf"),
                "Noto Sans Symbols 2",
            ),
        ];
        raw.into_iter()
            .map(|(bytes, name)| {
                FontData::from_bytes(Arc::from(bytes), None, name).expect("bundled fonts are valid")
            })
            .collect()
    })
}

/// Fonts searched for a character, in order.
///
/// A font the user named is the only font used: a character it lacks is an error
/// ([`FontSet::outline`]). Without one, the bundled fonts in fallback order: for letters, digits and
/// punctuation of text scripts (code points below U+2000: Latin, Greek, Cyrillic, …) the
/// text font Noto Sans leads, followed by Noto Sans Math, Noto Sans Symbols and Noto Sans
/// Symbols 2. For every other character the order is Noto Sans Math (mathematical and
/// technical signs such as ⟁), Noto Sans Symbols (alchemical signs such as 🜂), Noto Sans
/// Symbols 2 (pictographs such as 🫁), then Noto Sans.
#[derive(Clone, Debug)]
pub struct FontSet {
    user: Option<FontData>,
}

impl FontSet {
    /// Only the bundled fonts.
    pub fn bundled() -> Self {
        Self { user: None }
    }

    /// The user's font, alone (see [`FontSet::outline`]).
    pub fn with_user_font(path: &FsPath) -> Result<Self, GlyphError> {
        Ok(Self {
            user: Some(FontData::from_file(path)?),
        })
    }

    /// The fonts tried for `c`, in order: the user's font alone, or the bundled ones.
    pub fn fallback_order(&self, c: char) -> Vec<&FontData> {
        if let Some(user) = &self.user {
            return vec![user];
        }
        let bundled = bundled_fonts();
        let order: [usize; 4] = if (c as u32) < 0x2000 {
            [0, 1, 2, 3]
        } else {
            [1, 2, 3, 0]
        };
        order.iter().map(|&i| &bundled[i]).collect()
    }

    /// The first font covering `c`.
    pub fn font_for(&self, c: char) -> Result<&FontData, GlyphError> {
        let order = self.fallback_order(c);
        order
            .iter()
            .copied()
            .find(|f| f.covers(c))
            .ok_or_else(|| GlyphError::NoFontCovers {
                character: c,
                code_point: c as u32,
                tried: order.iter().map(|f| f.name.clone()).collect(),
            })
    }

    /// The outline of `c`: from the user's font when there is one (a font the user named
    /// that lacks `c` is an error, never a quiet switch to another font), else from the
    /// first bundled font that covers it.
    pub fn outline(&self, c: char) -> Result<Outline, GlyphError> {
        if let Some(user) = &self.user {
            if !user.covers(c) {
                return Err(GlyphError::FontLacks {
                    path: user.file.clone().unwrap_or_default(),
                    font: user.name.clone(),
                    character: c,
                    code_point: c as u32,
                });
            }
            return user.outline(c);
        }
        self.font_for(c)?.outline(c)
    }
}
