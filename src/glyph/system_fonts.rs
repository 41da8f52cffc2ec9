//! The installed fonts, for making a symbol from a character: which font files on this
//! machine draw it. `fontdb` finds them (the system's font folders and fontconfig's);
//! coverage is read from each face's character map. Loading the database reads every font
//! folder, so it is done once, off the UI thread.

use std::path::{Path, PathBuf};

/// A font file that covers a character.
#[derive(Clone, Debug, PartialEq)]
pub struct FontChoice {
    /// The family and style, as the font names itself (e.g. `DejaVu Sans Bold`).
    pub name: String,
    pub path: PathBuf,
}

/// A database of font files.
pub struct SystemFonts {
    db: fontdb::Database,
}

impl SystemFonts {
    /// The fonts installed on this machine.
    pub fn installed() -> Self {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        Self { db }
    }

    /// The fonts in one folder (tests, and folders the user adds).
    pub fn in_folder(dir: &Path) -> Self {
        let mut db = fontdb::Database::new();
        db.load_fonts_dir(dir);
        Self { db }
    }

    /// How many faces were found.
    pub fn len(&self) -> usize {
        self.db.len()
    }

    pub fn is_empty(&self) -> bool {
        self.db.is_empty()
    }

    /// The font files (first faces only: a library names a font by its file) that have a
    /// glyph for `c`, sorted by name.
    pub fn covering(&self, c: char) -> Vec<FontChoice> {
        let mut out: Vec<FontChoice> = self
            .db
            .faces()
            .filter(|f| f.index == 0)
            .filter_map(|f| {
                let fontdb::Source::File(path) = &f.source else {
                    return None;
                };
                let covers = self
                    .db
                    .with_face_data(f.id, |data, index| {
                        ttf_parser::Face::parse(data, index)
                            .is_ok_and(|face| face.glyph_index(c).is_some())
                    })
                    .unwrap_or(false);
                let name = f
                    .families
                    .first()
                    .map_or_else(|| f.post_script_name.clone(), |(n, _)| n.clone());
                covers.then(|| FontChoice {
                    name: format!("{name} ({})", style_name(f)),
                    path: path.clone(),
                })
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.path.cmp(&b.path)));
        out.dedup_by(|a, b| a.path == b.path);
        out
    }
}

fn style_name(f: &fontdb::FaceInfo) -> String {
    let weight = match f.weight.0 {
        w if w >= 700 => "bold",
        w if w <= 300 => "light",
        _ => "regular",
    };
    match f.style {
        fontdb::Style::Normal => weight.to_string(),
        fontdb::Style::Italic | fontdb::Style::Oblique => format!("{weight} italic"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_folder_has_a_font_for_the_triangle_and_none_for_a_private_use_point() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts");
        let fonts = SystemFonts::in_folder(&dir);
        assert!(fonts.len() >= 4, "{} faces", fonts.len());
        let math = fonts.covering('⟁');
        assert!(
            math.iter()
                .any(|f| f.path.ends_with("NotoSansMath-Regular.ttf")),
            "{math:?}"
        );
        assert!(
            !math
                .iter()
                .any(|f| f.path.ends_with("NotoSans-Regular.ttf"))
        );
        assert!(fonts.covering('\u{E000}').is_empty());
    }
}
