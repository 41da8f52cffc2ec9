//! A small set of numbers that describe a glyph's shape, usable as a shape embedding.

use serde::{Deserialize, Serialize};

use super::{Prepared, RawFields, Region, RegionKind};
use crate::geometry::EmPoint;

/// Upper edges of the curvature histogram bins, 1/em (the last bin is open).
pub const CURVATURE_BIN_EDGES: [f64; 7] = [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0];

/// Shape descriptor of one glyph.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Descriptor {
    /// Enclosed voids (counters); the open exterior never counts.
    pub holes: u32,
    /// Connected pieces of ink.
    pub ink_components: u32,
    /// `ink_components − holes`, from the pixels.
    pub euler_number: i32,
    /// Total signed turning of the outline over 2π: equals the Euler number for a clean
    /// outline, from the geometry alone.
    pub turning_number: f64,
    /// Closed loops of the visible outline.
    pub contours: u32,
    /// Outline parts (runs between corners).
    pub parts: u32,
    /// Places where the outline turns more than 35° within 0.03 em.
    pub corners: u32,
    /// Ink area over the area of the glyph's bounding box.
    pub ink_ratio: f64,
    /// Ink area from the outline, em².
    pub area_em2: f64,
    /// Outline length, em.
    pub perimeter_em: f64,
    /// Sum of |turning angle| along the outline, radians (2π for a convex shape).
    pub total_abs_curvature: f64,
    /// Fraction of outline length in each |curvature| bin (see `CURVATURE_BIN_EDGES`).
    pub curvature_histogram: Vec<f64>,
    /// Deepest point of the ink: half the thickest stroke, em.
    pub max_depth_em: f64,
    /// Mean blurred density over the glyph's bounding box.
    pub mean_density: f64,
    /// Line segments of the flattened outline, and of the visible boundary.
    pub flattened_segments: u32,
    pub boundary_segments: u32,
}

impl Descriptor {
    pub fn compute(prep: &Prepared, raw: &RawFields, regions: &[Region]) -> Self {
        let boundary = &prep.boundary;
        let holes = regions
            .iter()
            .filter(|r| r.kind == RegionKind::Counter)
            .count() as u32;
        // A component's label is its smallest pixel index: count the ink pixels that are
        // their own label.
        let ink_components = raw
            .labels
            .iter()
            .zip(raw.sdf.iter())
            .enumerate()
            .filter(|(i, (l, d))| **d < 0.0 && **l == *i as u32)
            .count() as u32;
        let ink_px = raw.sdf.iter().filter(|d| **d < 0.0).count();
        let px_area = prep.grid.em_per_px * prep.grid.em_per_px;
        let b = boundary.bounds;
        let box_area = (b.width() * b.height()).max(1e-12);

        let mut histogram = vec![0.0; CURVATURE_BIN_EDGES.len() + 1];
        let mut total_abs = 0.0;
        let mut total_turn = 0.0;
        let mut weight_sum = 0.0;
        for s in &boundary.samples {
            total_abs += s.turn.abs();
            total_turn += s.turn;
            let weight = if s.curvature != 0.0 {
                (s.turn / s.curvature).abs()
            } else {
                0.0
            };
            let bin = CURVATURE_BIN_EDGES
                .iter()
                .position(|&e| s.curvature.abs() < e)
                .unwrap_or(CURVATURE_BIN_EDGES.len());
            histogram[bin] += weight;
            weight_sum += weight;
        }
        if weight_sum > 0.0 {
            histogram.iter_mut().for_each(|h| *h /= weight_sum);
        }

        // Mean density over the pixels whose centres lie in the bounding box.
        let (mut density_sum, mut density_px) = (0.0, 0usize);
        if let (Some((r0, c0)), Some((r1, c1))) = (
            prep.grid.px_from_em(EmPoint::new(b.min.x, b.max.y)),
            prep.grid.px_from_em(EmPoint::new(b.max.x, b.min.y)),
        ) {
            for row in r0..=r1 {
                for col in c0..=c1 {
                    let p = prep.grid.em_from_px(row, col);
                    if p.x >= b.min.x && p.x <= b.max.x && p.y >= b.min.y && p.y <= b.max.y {
                        density_sum += raw.density[[row, col]] as f64;
                        density_px += 1;
                    }
                }
            }
        }
        Self {
            holes,
            ink_components,
            euler_number: ink_components as i32 - holes as i32,
            turning_number: total_turn / std::f64::consts::TAU,
            contours: boundary.loops.len() as u32,
            parts: boundary.parts.len() as u32,
            corners: boundary.samples.iter().filter(|s| s.corner).count() as u32,
            ink_ratio: ink_px as f64 * px_area / box_area,
            area_em2: boundary.area(),
            perimeter_em: boundary.perimeter(),
            total_abs_curvature: total_abs,
            curvature_histogram: histogram,
            max_depth_em: -raw.sdf.iter().fold(0.0f32, |m, &d| m.min(d)) as f64,
            mean_density: if density_px > 0 {
                density_sum / density_px as f64
            } else {
                0.0
            },
            flattened_segments: prep.flattened_segments as u32,
            boundary_segments: prep.lines.len() as u32,
        }
    }

    /// The descriptor as a fixed-length vector for shape similarity: holes, components,
    /// ink ratio, turning, corners per contour, depth and density, then the histogram.
    pub fn embedding(&self) -> Vec<f32> {
        let mut v = vec![
            self.holes as f32,
            self.ink_components as f32,
            self.ink_ratio as f32,
            (self.total_abs_curvature / std::f64::consts::TAU) as f32,
            self.corners as f32 / self.contours.max(1) as f32,
            self.max_depth_em as f32 * 10.0,
            self.mean_density as f32,
        ];
        v.extend(self.curvature_histogram.iter().map(|&h| h as f32));
        v
    }
}
