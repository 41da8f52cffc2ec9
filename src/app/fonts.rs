//! egui's fonts: its defaults, then the bundled Noto fonts as fallbacks, so symbols (⟁ 🜂 🫁),
//! mathematical signs and the library's Cyrillic text all render.

use crate::glyph::bundled_fonts;

/// Installs the bundled fonts as fallbacks of egui's proportional and monospace families.
pub fn install(ctx: &egui::Context) {
    let mut defs = egui::FontDefinitions::default();
    for font in bundled_fonts() {
        let key = font.name.clone();
        // The bundled fonts live for the whole program (a static list).
        let bytes: &'static [u8] = font.bytes();
        defs.font_data.insert(
            key.clone(),
            std::sync::Arc::new(egui::FontData::from_static(bytes)),
        );
        for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            defs.families.entry(family).or_default().push(key.clone());
        }
    }
    ctx.set_fonts(defs);
}

/// A bigger font for the glyph itself in lists and cards.
pub fn glyph_font(size: f32) -> egui::FontId {
    egui::FontId::proportional(size)
}
