//! The shared sample glyphs used by the CLI, the tests and the benchmarks.

use super::{FillRule, GlyphError, Outline, outline_from_path_data};

/// The seed's symbols and letters with known holes: (character, expected enclosed voids).
pub const SEED_GLYPHS: &[(char, usize)] = &[('⟁', 2), ('🜂', 1), ('🫁', 0)];

/// Real glyphs the GPU and CPU twins are compared on.
pub const COMPARISON_GLYPHS: &[char] = &['⟁', '🜂', '🫁', 'B', '8', 'g', '@'];

/// Letters with known hole counts in Noto Sans.
pub const HOLE_COUNTS: &[(char, usize)] = &[('O', 1), ('B', 2), ('8', 2), ('o', 1), ('L', 0)];

/// Vertices of [`circle_path`]: the polygon stays within r·(1 − cos(π/4096)) ≈ 3·10⁻⁷·r
/// of the true circle, below f32 precision for glyph-sized shapes.
pub const CIRCLE_VERTICES: usize = 4096;

/// SVG path data (em units, y up) of a circle of radius `r` centred on `(cx, cy)`, as a
/// counter-clockwise polygon of [`CIRCLE_VERTICES`] vertices. (SVG arcs become cubic
/// Béziers, which are off a true circle by 2.7·10⁻⁴·r: too much for exact-answer tests.)
pub fn circle_path(cx: f64, cy: f64, r: f64) -> String {
    regular_polygon_path(cx, cy, r, CIRCLE_VERTICES)
}

/// Path data of a regular counter-clockwise polygon inscribed in a circle.
pub fn regular_polygon_path(cx: f64, cy: f64, r: f64, vertices: usize) -> String {
    let mut d = String::with_capacity(vertices * 24);
    for i in 0..vertices {
        let t = std::f64::consts::TAU * i as f64 / vertices as f64;
        let cmd = if i == 0 { 'M' } else { 'L' };
        d.push_str(&format!(
            "{cmd} {:.9} {:.9} ",
            cx + r * t.cos(),
            cy + r * t.sin()
        ));
    }
    d.push('Z');
    d
}

/// Path data of an axis-aligned square with corner `(x, y)` and side `s`, counter-clockwise.
pub fn square_path(x: f64, y: f64, s: f64) -> String {
    format!(
        "M {x} {y} L {x1} {y} L {x1} {y1} L {x} {y1} Z",
        x1 = x + s,
        y1 = y + s
    )
}

/// A circle as an outline.
pub fn circle(cx: f64, cy: f64, r: f64) -> Result<Outline, GlyphError> {
    outline_from_path_data(&circle_path(cx, cy, r), FillRule::NonZero)
}

/// A square as an outline.
pub fn square(x: f64, y: f64, s: f64) -> Result<Outline, GlyphError> {
    outline_from_path_data(&square_path(x, y, s), FillRule::NonZero)
}

/// A star polygon with `points` spikes: many segments, no curves; used to test and bench
/// the distance field on an outline with thousands of segments.
pub fn star_path(points: usize, inner: f64, outer: f64) -> String {
    let mut d = String::new();
    let n = points * 2;
    for i in 0..n {
        let r = if i % 2 == 0 { outer } else { inner };
        let t = std::f64::consts::TAU * i as f64 / n as f64;
        let cmd = if i == 0 { 'M' } else { 'L' };
        d.push_str(&format!("{cmd} {:.6} {:.6} ", r * t.cos(), r * t.sin()));
    }
    d.push('Z');
    d
}
