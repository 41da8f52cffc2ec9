//! Step 5, gesture: the outline (or the drawn strokes) as timed points, as a hand would
//! trace it: constant speed of [`SPEED_EM_PER_S`], a short dwell at every corner, loops one
//! after another. Exported as JSON and as an animated SVG.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::fields::Fields;
use crate::output::{self, OutputError};

/// Tracing speed, em per second.
pub const SPEED_EM_PER_S: f64 = 1.5;
/// Pause at a corner, seconds.
pub const CORNER_DWELL_S: f64 = 0.06;

/// One point of a gesture: where, and when (seconds from the start).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct GesturePoint {
    pub t: f64,
    pub x: f64,
    pub y: f64,
}

/// Strokes of timed points; em units, y up.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Gesture {
    pub duration_s: f64,
    /// Closed loops repeat their first point at the end.
    pub strokes: Vec<Vec<GesturePoint>>,
}

/// Builds a gesture from polylines; `corner(i, j)` says whether point j of stroke i dwells.
fn trace(polylines: &[Vec<[f64; 2]>], corner: impl Fn(usize, usize) -> bool) -> Gesture {
    let mut t = 0.0;
    let mut strokes = Vec::new();
    for (i, line) in polylines.iter().enumerate() {
        let mut stroke = Vec::with_capacity(line.len());
        for (j, p) in line.iter().enumerate() {
            if j > 0 {
                let q = line[j - 1];
                t += ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt() / SPEED_EM_PER_S;
            }
            stroke.push(GesturePoint {
                t,
                x: p[0],
                y: p[1],
            });
            if corner(i, j) {
                t += CORNER_DWELL_S;
            }
        }
        strokes.push(stroke);
    }
    Gesture {
        duration_s: t,
        strokes,
    }
}

/// The gesture of a glyph's outline: each loop of the visible boundary, closed.
pub fn gesture_from_fields(fields: &Fields) -> Gesture {
    let mut loops: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut corners: Vec<Vec<bool>> = Vec::new();
    let mut current = None;
    for s in &fields.outline {
        if current != Some(s.loop_index) {
            current = Some(s.loop_index);
            loops.push(Vec::new());
            corners.push(Vec::new());
        }
        if let (Some(l), Some(c)) = (loops.last_mut(), corners.last_mut()) {
            l.push([s.at.x, s.at.y]);
            c.push(s.corner);
        }
    }
    for (l, c) in loops.iter_mut().zip(&mut corners) {
        if let Some(&first) = l.first() {
            l.push(first);
            c.push(false);
        }
    }
    trace(&loops, |i, j| corners[i][j])
}

/// The gesture of drawn strokes, as drawn.
pub fn gesture_from_strokes(strokes: &[Vec<[f64; 2]>]) -> Gesture {
    trace(strokes, |_, _| false)
}

impl Gesture {
    pub fn is_empty(&self) -> bool {
        self.strokes.iter().all(|s| s.is_empty())
    }

    /// Writes the gesture as JSON, atomically.
    pub fn write_json(&self, path: &Path) -> Result<(), OutputError> {
        output::write_json(path, self)
    }

    /// The gesture as an SVG: each stroke draws itself in its own time span (SMIL
    /// `stroke-dashoffset` animation) and a dot follows the whole gesture. Viewers without
    /// SMIL show the finished drawing.
    pub fn to_svg(&self) -> String {
        let (mut x0, mut y0, mut x1, mut y1) = (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        );
        for p in self.strokes.iter().flatten() {
            x0 = x0.min(p.x);
            x1 = x1.max(p.x);
            y0 = y0.min(p.y);
            y1 = y1.max(p.y);
        }
        if !x0.is_finite() {
            (x0, y0, x1, y1) = (0.0, 0.0, 1.0, 1.0);
        }
        let pad = 0.05 * (x1 - x0).max(y1 - y0).max(1e-3);
        let (w, h) = (x1 - x0 + 2.0 * pad, y1 - y0 + 2.0 * pad);
        // SVG y runs down: flip around the box.
        let sx = |x: f64| x - x0 + pad;
        let sy = |y: f64| y1 - y + pad;
        let dur = self.duration_s.max(0.01);
        let mut svg = String::new();
        let _ = write!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.4} {h:.4}" width="{:.0}" height="{:.0}">"#,
            w * 512.0 / w.max(h),
            h * 512.0 / w.max(h)
        );
        let _ = write!(svg, "<title>Hologlyph gesture, {dur:.2} s</title>");
        let stroke_w = 0.01 * w.max(h);
        let mut motion = String::new();
        for stroke in self.strokes.iter().filter(|s| s.len() >= 2) {
            let mut d = String::new();
            let mut length = 0.0;
            for (i, p) in stroke.iter().enumerate() {
                let _ = write!(
                    d,
                    "{}{:.4} {:.4} ",
                    if i == 0 { "M" } else { "L" },
                    sx(p.x),
                    sy(p.y)
                );
                if i > 0 {
                    let q = stroke[i - 1];
                    length += ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt();
                }
            }
            motion.push_str(&d);
            // Static viewers show the whole stroke (offset 0); SMIL viewers hide it until its
            // time span, then draw it on.
            let (begin, end) = (stroke[0].t / dur, stroke[stroke.len() - 1].t / dur);
            let _ = write!(
                svg,
                r##"<path d="{d}" fill="none" stroke="#1d2a44" stroke-width="{stroke_w:.4}" stroke-linejoin="round" stroke-dasharray="{length:.4}" stroke-dashoffset="0"><animate attributeName="stroke-dashoffset" values="{length:.4};{length:.4};0;0" keyTimes="0;{begin:.4};{:.4};1" dur="{dur:.3}s" fill="freeze"/></path>"##,
                end.clamp(begin, 1.0)
            );
        }
        if !motion.is_empty() {
            let _ = write!(
                svg,
                r##"<circle r="{:.4}" fill="#e2572b"><animateMotion path="{motion}" dur="{dur:.3}s" repeatCount="indefinite"/></circle>"##,
                2.0 * stroke_w
            );
        }
        svg.push_str("</svg>\n");
        svg
    }

    /// Writes the SVG, atomically.
    pub fn write_svg(&self, path: &Path) -> Result<(), OutputError> {
        let svg = self.to_svg();
        output::write_atomic(path, |file| {
            use std::io::Write as _;
            file.write_all(svg.as_bytes())
                .map_err(|error| OutputError::Io {
                    path: path.to_path_buf(),
                    error,
                })
        })
    }
}
