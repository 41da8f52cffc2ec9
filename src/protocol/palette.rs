//! Step 5, colour: a palette derived from the components and the fields.
//!
//! The rule: one swatch per component (strongest first, at most five), the concept's own
//! colour (or a hue from its name when it has none); its lightness follows the glyph's
//! mean density (denser ink → deeper colour) and its saturation the total curvature of the
//! outline (more turning → more vivid). A glyph with enclosed voids adds a last, near-black
//! swatch tinted by the first colour: the colour of its silence.

use serde::Serialize;

use crate::fields::descriptor::Descriptor;
use crate::library::{Library, Symbol};

/// One colour and where it came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Swatch {
    /// `#rrggbb`.
    pub hex: String,
    pub rgb: [u8; 3],
    /// The concept it comes from, or `void`.
    pub concept: String,
    pub weight: f32,
}

/// The palette of `s` (see the module docs for the rule).
pub fn palette(library: &Library, s: &Symbol, descriptor: Option<&Descriptor>) -> Vec<Swatch> {
    let mut components: Vec<_> = s.components.iter().collect();
    components.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then(a.concept.cmp(&b.concept))
    });
    let density = descriptor.map_or(0.5, |d| d.mean_density.clamp(0.0, 1.0));
    let turning = descriptor.map_or(0.5, |d| {
        (d.total_abs_curvature / (8.0 * std::f64::consts::PI)).clamp(0.0, 1.0)
    });
    let mut out: Vec<Swatch> = components
        .iter()
        .take(5)
        .map(|c| {
            let base = library
                .concept(&c.concept)
                .and_then(|k| k.colour)
                .unwrap_or_else(|| hue_from_name(&c.concept));
            let (h, sat, l) = rgb_to_hsl(base);
            let l = (l * (1.15 - 0.5 * density)).clamp(0.08, 0.92);
            let sat = (sat * (0.75 + 0.5 * turning)).clamp(0.0, 1.0);
            swatch(hsl_to_rgb(h, sat, l), &c.concept, c.weight)
        })
        .collect();
    if descriptor.is_some_and(|d| d.holes > 0)
        && let Some(first) = out.first()
    {
        let (h, sat, _) = rgb_to_hsl(first.rgb);
        out.push(swatch(hsl_to_rgb(h, sat * 0.5, 0.08), "counters", 0.0));
    }
    out
}

fn swatch(rgb: [u8; 3], concept: &str, weight: f32) -> Swatch {
    Swatch {
        hex: format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]),
        rgb,
        concept: concept.to_string(),
        weight,
    }
}

/// A stable mid-tone colour from a name (FNV-1a hash → hue).
fn hue_from_name(name: &str) -> [u8; 3] {
    let mut h: u32 = 2_166_136_261;
    for b in name.bytes() {
        h = (h ^ b as u32).wrapping_mul(16_777_619);
    }
    hsl_to_rgb((h % 360) as f64, 0.55, 0.55)
}

fn rgb_to_hsl([r, g, b]: [u8; 3]) -> (f64, f64, f64) {
    let (r, g, b) = (r as f64 / 255.0, g as f64 / 255.0, b as f64 / 255.0);
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let l = (max + min) / 2.0;
    if max == min {
        return (0.0, 0.0, l);
    }
    let d = max - min;
    let s = if l > 0.5 {
        d / (2.0 - max - min)
    } else {
        d / (max + min)
    };
    let h = if max == r {
        (g - b) / d + if g < b { 6.0 } else { 0.0 }
    } else if max == g {
        (b - r) / d + 2.0
    } else {
        (r - g) / d + 4.0
    };
    (h * 60.0, s, l)
}

fn hsl_to_rgb(h: f64, s: f64, l: f64) -> [u8; 3] {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let hp = (h.rem_euclid(360.0)) / 60.0;
    let x = c * (1.0 - (hp % 2.0 - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let to = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    [to(r), to(g), to(b)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsl_round_trip_keeps_colours() {
        for rgb in [
            [226, 87, 43],
            [29, 42, 68],
            [255, 255, 255],
            [0, 0, 0],
            [82, 183, 136],
        ] {
            let (h, s, l) = rgb_to_hsl(rgb);
            let back = hsl_to_rgb(h, s, l);
            for k in 0..3 {
                assert!(
                    (back[k] as i32 - rgb[k] as i32).abs() <= 1,
                    "{rgb:?} → {back:?}"
                );
            }
        }
    }
}
