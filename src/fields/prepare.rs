//! Everything the field passes read, built once per glyph on the CPU: the grid, the visible
//! boundary, and the two lookup structures that keep the passes from looping over every
//! segment for every pixel (segments per grid cell, segments per pixel row).

use bytemuck::{Pod, Zeroable};

use super::boundary::Boundary;
use super::{FieldError, FieldOptions};
use crate::geometry::{EmPoint, EmRect, FieldGrid, MAX_FIELD_SIZE, MIN_FIELD_SIZE};
use crate::glyph::{Outline, flatten};

/// Smallest and largest flattening tolerances a caller may ask for, em. Below 1e-9 em lyon's f32
/// flattening loses meaning; above 0.1 em a glyph is a crude polygon.
pub const MIN_TOLERANCE: f64 = 1e-9;
pub const MAX_TOLERANCE: f64 = 0.1;

/// Uniforms shared by every field pass.
/// Keep in sync with `struct FieldParams` in `shaders/common.wgsl`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct FieldParams {
    /// Pixels per side.
    pub size: u32,
    /// Lookup cells per side.
    pub grid: u32,
    /// Number of boundary segments.
    pub line_count: u32,
    /// Half width of the density kernel, pixels.
    pub kernel_radius: u32,
    /// Em x of the grid's left edge.
    pub x0: f32,
    /// Em y of the grid's top edge.
    pub y0: f32,
    pub em_per_px: f32,
    /// Side of one lookup cell, em.
    pub cell_em: f32,
    /// Density blur standard deviation, pixels.
    pub sigma_px: f32,
    /// Largest curvature magnitude kept, 1/em (one over a pixel).
    pub curvature_limit: f32,
    pub _pad: [f32; 2],
}
const _: () = assert!(std::mem::size_of::<FieldParams>() == 48);

/// A glyph ready for the field passes, on either backend.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub grid: FieldGrid,
    pub params: FieldParams,
    pub boundary: Boundary,
    /// Flattening tolerance used, em.
    pub tolerance: f64,
    /// Segments of the original flattened outline (before overlap removal).
    pub flattened_segments: usize,
    /// Boundary segments as `(a.x, a.y, b.x, b.y)` in em.
    pub lines: Vec<[f32; 4]>,
    pub part_of: Vec<u32>,
    /// Segments touching each lookup cell (row-major, `grid × grid`): a compressed list,
    /// cell `k` owns `cell_items[cell_start[k]..cell_start[k + 1]]`.
    pub cell_start: Vec<u32>,
    pub cell_items: Vec<u32>,
    /// Segments that may cross the centre line of each pixel row, compressed likewise.
    pub row_start: Vec<u32>,
    pub row_items: Vec<u32>,
}

impl Prepared {
    /// Flattens `outline`, extracts its visible boundary and builds the lookups.
    pub fn new(outline: &Outline, options: &FieldOptions) -> Result<Self, FieldError> {
        let size = options.size;
        if !(MIN_FIELD_SIZE..=MAX_FIELD_SIZE).contains(&size) {
            return Err(FieldError::SizeOutOfRange { size });
        }
        let rough = control_bounds(outline);
        if rough.is_empty() {
            return Err(FieldError::Glyph(crate::glyph::GlyphError::EmptyOutline {
                what: outline.source.describe(),
            }));
        }
        let rough_grid = FieldGrid::around(rough, size, options.margin_for(rough));
        let tolerance = match options.tolerance {
            Some(t) if (MIN_TOLERANCE..=MAX_TOLERANCE).contains(&t) => t,
            Some(t) => return Err(FieldError::BadTolerance { tolerance: t }),
            None => (rough_grid.em_per_px * options.tolerance_px).max(MIN_TOLERANCE),
        };
        let flat = flatten(outline, tolerance)?;
        let boundary = Boundary::extract(&flat);
        if boundary.lines.is_empty() {
            return Err(FieldError::Glyph(crate::glyph::GlyphError::EmptyOutline {
                what: outline.source.describe(),
            }));
        }
        let grid = FieldGrid::around(boundary.bounds, size, options.margin_for(boundary.bounds));
        Ok(Self::from_boundary(
            boundary,
            grid,
            tolerance,
            flat.lines.len(),
            options,
        ))
    }

    fn from_boundary(
        boundary: Boundary,
        grid: FieldGrid,
        tolerance: f64,
        flattened_segments: usize,
        options: &FieldOptions,
    ) -> Self {
        let lines: Vec<[f32; 4]> = boundary
            .lines
            .iter()
            .map(|l| [l.a.x as f32, l.a.y as f32, l.b.x as f32, l.b.y as f32])
            .collect();
        let cells = ((2.0 * (lines.len() as f64).sqrt()).round() as u32)
            .clamp(8, 256)
            .min(grid.size / 4);
        let cell_em = grid.side_em() / cells as f64;
        let (cell_start, cell_items) = bin_cells(&boundary, &grid, cells, cell_em);
        let (row_start, row_items) = bin_rows(&boundary, &grid);
        let sigma_px = (options.density_sigma_em / grid.em_per_px).max(0.3);
        let params = FieldParams {
            size: grid.size,
            grid: cells,
            line_count: lines.len() as u32,
            kernel_radius: ((3.0 * sigma_px).ceil() as u32).clamp(1, 512),
            x0: grid.x0 as f32,
            y0: grid.y0 as f32,
            em_per_px: grid.em_per_px as f32,
            cell_em: cell_em as f32,
            sigma_px: sigma_px as f32,
            curvature_limit: (1.0 / grid.em_per_px) as f32,
            _pad: [0.0; 2],
        };
        let part_of = boundary.part_of.clone();
        Self {
            grid,
            params,
            boundary,
            tolerance,
            flattened_segments,
            lines,
            part_of,
            cell_start,
            cell_items,
            row_start,
            row_items,
        }
    }

    /// Pixels in the field.
    pub fn pixel_count(&self) -> usize {
        (self.grid.size as usize).pow(2)
    }
}

fn control_bounds(outline: &Outline) -> EmRect {
    let mut r = EmRect::EMPTY;
    for shape in &outline.shapes {
        for p in shape.path.iter().flat_map(|e| match e {
            lyon::path::PathEvent::Begin { at } => vec![at],
            lyon::path::PathEvent::Line { to, .. } => vec![to],
            lyon::path::PathEvent::Quadratic { ctrl, to, .. } => vec![ctrl, to],
            lyon::path::PathEvent::Cubic {
                ctrl1, ctrl2, to, ..
            } => vec![ctrl1, ctrl2, to],
            lyon::path::PathEvent::End { .. } => vec![],
        }) {
            if p.x.is_finite() && p.y.is_finite() {
                r.include(EmPoint::new(p.x as f64, p.y as f64));
            }
        }
    }
    r
}

/// Every cell a segment passes through gets the segment (conservatively: the segment comes
/// within half a cell diagonal of the cell centre). The distance pass relies on this: after
/// searching the cells within Chebyshev ring `r` of a pixel's cell, no unseen segment is
/// nearer than `r` cells.
fn bin_cells(
    boundary: &Boundary,
    grid: &FieldGrid,
    cells: u32,
    cell_em: f64,
) -> (Vec<u32>, Vec<u32>) {
    let g = cells as usize;
    let half_diag = cell_em * std::f64::consts::FRAC_1_SQRT_2 * (1.0 + 1e-6) + 1e-9;
    let cell_of = |v: f64| (v / cell_em).floor().clamp(0.0, g as f64 - 1.0) as usize;
    let mut per_cell: Vec<Vec<u32>> = vec![Vec::new(); g * g];
    for (i, l) in boundary.lines.iter().enumerate() {
        let c0 = cell_of(l.a.x.min(l.b.x) - grid.x0 - cell_em);
        let c1 = cell_of(l.a.x.max(l.b.x) - grid.x0 + cell_em);
        let r0 = cell_of(grid.y0 - l.a.y.max(l.b.y) - cell_em);
        let r1 = cell_of(grid.y0 - l.a.y.min(l.b.y) + cell_em);
        for r in r0..=r1 {
            for c in c0..=c1 {
                let centre = EmPoint::new(
                    grid.x0 + (c as f64 + 0.5) * cell_em,
                    grid.y0 - (r as f64 + 0.5) * cell_em,
                );
                if l.distance(centre) <= half_diag {
                    per_cell[r * g + c].push(i as u32);
                }
            }
        }
    }
    compress(per_cell)
}

/// Segments whose y range comes within a pixel of each row's centre line; the passes apply
/// the exact crossing rule themselves.
fn bin_rows(boundary: &Boundary, grid: &FieldGrid) -> (Vec<u32>, Vec<u32>) {
    let n = grid.size as usize;
    let mut per_row: Vec<Vec<u32>> = vec![Vec::new(); n];
    let row_of = |y: f64| (grid.y0 - y) / grid.em_per_px - 0.5;
    for (i, l) in boundary.lines.iter().enumerate() {
        if l.a.y == l.b.y {
            continue;
        }
        let lo = (row_of(l.a.y.max(l.b.y)).floor() - 1.0).max(0.0) as usize;
        let hi = (row_of(l.a.y.min(l.b.y)).ceil() + 1.0).clamp(0.0, n as f64 - 1.0) as usize;
        for row in per_row.iter_mut().take(hi + 1).skip(lo) {
            row.push(i as u32);
        }
    }
    compress(per_row)
}

fn compress(lists: Vec<Vec<u32>>) -> (Vec<u32>, Vec<u32>) {
    let mut start = Vec::with_capacity(lists.len() + 1);
    let mut items = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    start.push(0);
    for list in lists {
        items.extend(list);
        start.push(items.len() as u32);
    }
    if items.is_empty() {
        // wgpu refuses empty storage buffers; one unused entry keeps the layout valid.
        items.push(0);
    }
    (start, items)
}
