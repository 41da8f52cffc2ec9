//! Outlines → closed polylines of line segments, with lyon's flattening at a stated tolerance.

use lyon::path::PathEvent;
use lyon::path::iterator::PathIterator;
use std::ops::{Add, Sub};

use super::{FillRule, GlyphError, Outline};
use crate::geometry::{EmPoint, EmRect};

/// The most line segments one outline may flatten to. Bigger outlines are refused with
/// [`GlyphError::TooManySegments`] instead of exhausting memory.
pub const MAX_SEGMENTS: usize = 1_000_000;

/// Coordinates beyond ±1e6 em are refused: the passes compute in f32, where squared
/// distances of larger outlines overflow.
pub const MAX_COORDINATE_EM: f64 = 1e6;
/// Outlines smaller than 1e-6 em across are refused: f32 cannot resolve them.
pub const MIN_EXTENT_EM: f64 = 1e-6;

/// A directed line segment in em space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Line {
    pub a: EmPoint,
    pub b: EmPoint,
}

impl Line {
    pub fn length(&self) -> f64 {
        self.b.sub(self.a).length()
    }

    /// Exact Euclidean distance from `p` to the segment.
    pub fn distance(&self, p: EmPoint) -> f64 {
        let ab = self.b.sub(self.a);
        let len2 = ab.dot(ab);
        let t = if len2 > 0.0 {
            (p.sub(self.a).dot(ab) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        p.sub(self.a.add(ab.scale(t))).length()
    }
}

/// An outline flattened to closed polylines: every contour is closed, the segments of
/// shape `i` are those with `shape_of == i`, filled by `fill_rules[i]`.
#[derive(Clone, Debug)]
pub struct Flattened {
    pub lines: Vec<Line>,
    pub shape_of: Vec<u32>,
    pub fill_rules: Vec<FillRule>,
    pub bounds: EmRect,
}

impl Flattened {
    /// Winding number of each shape around `p` (ray cast towards +x), folded through each
    /// shape's fill rule: is `p` in the ink? Brute force over every segment; used for
    /// preprocessing and as an independent reference in tests.
    pub fn is_inside(&self, p: EmPoint) -> bool {
        let mut winding = vec![0i32; self.fill_rules.len()];
        for (line, &shape) in self.lines.iter().zip(&self.shape_of) {
            winding[shape as usize] += crossing(line, p);
        }
        winding
            .iter()
            .zip(&self.fill_rules)
            .any(|(&w, rule)| rule.is_inside(w))
    }
}

/// Contribution of `line` to the winding number of `p` for a ray towards +x, with the
/// half-open rule `a.y <= y < b.y` so that shared endpoints count once.
pub fn crossing(line: &Line, p: EmPoint) -> i32 {
    let (a, b) = (line.a, line.b);
    if (a.y <= p.y) == (b.y <= p.y) {
        return 0;
    }
    let x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
    if x > p.x {
        if b.y > a.y { 1 } else { -1 }
    } else {
        0
    }
}

/// Flattens every shape of `outline` to line segments no further than `tolerance` em from
/// the curves. Open subpaths are closed, as filling does.
pub fn flatten(outline: &Outline, tolerance: f64) -> Result<Flattened, GlyphError> {
    let mut lines = Vec::new();
    let mut shape_of = Vec::new();
    let mut bounds = EmRect::EMPTY;
    let what = || outline.source.describe();
    let to_em = |p: lyon::math::Point| EmPoint::new(p.x as f64, p.y as f64);
    for (i, shape) in outline.shapes.iter().enumerate() {
        for event in shape.path.iter().flattened(tolerance as f32) {
            let (a, b) = match event {
                PathEvent::Line { from, to } => (to_em(from), to_em(to)),
                PathEvent::End { last, first, .. } => (to_em(last), to_em(first)),
                _ => continue,
            };
            if !(a.x.is_finite() && a.y.is_finite() && b.x.is_finite() && b.y.is_finite()) {
                return Err(GlyphError::NonFinite { what: what() });
            }
            if a == b {
                continue;
            }
            if lines.len() >= MAX_SEGMENTS {
                return Err(GlyphError::TooManySegments {
                    what: what(),
                    limit: MAX_SEGMENTS,
                });
            }
            bounds.include(a);
            bounds.include(b);
            lines.push(Line { a, b });
            shape_of.push(i as u32);
        }
    }
    if lines.is_empty() || bounds.width() <= 0.0 && bounds.height() <= 0.0 {
        return Err(GlyphError::EmptyOutline { what: what() });
    }
    let reach = [bounds.min.x, bounds.min.y, bounds.max.x, bounds.max.y]
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()));
    let extent = bounds.width().max(bounds.height());
    if reach > MAX_COORDINATE_EM || extent < MIN_EXTENT_EM {
        return Err(GlyphError::OutOfScale {
            what: what(),
            extent,
            reach,
        });
    }
    let fill_rules = outline.shapes.iter().map(|s| s.fill_rule).collect();
    Ok(Flattened {
        lines,
        shape_of,
        fill_rules,
        bounds,
    })
}
