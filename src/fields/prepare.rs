//! Everything the field passes read, built once per glyph on the CPU: the grid, the visible
//! boundary, and the two lookup structures that keep the passes from looping over every
//! segment for every pixel: the candidate segments of each 8×8 pixel tile (for the
//! distance) and the segments crossing each pixel row (for the sign).
//!
//! A tile's candidates are every segment that can be nearest to some pixel of the tile: with
//! `c` the tile's centre, `h` its half diagonal and `D` the distance from `c` to the nearest
//! segment, every pixel has a segment within `D + h`, and a segment farther than `D + 2h`
//! from `c` is farther than that from every pixel. So the list is exact, and all pixels of a
//! tile loop over the same list — which is what keeps GPU lanes (and lavapipe's SIMD) in
//! step. The lists are found top-down through a quadtree of tiles.

use bytemuck::{Pod, Zeroable};

use super::boundary::Boundary;
use super::{FieldError, FieldOptions};
use crate::geometry::{EmPoint, EmRect, FieldGrid, MAX_FIELD_SIZE, MIN_FIELD_SIZE};
use crate::glyph::{Outline, flatten};

/// Smallest and largest flattening tolerances a caller may ask for, em. Below 1e-9 em lyon's f32
/// flattening loses meaning; above 0.1 em a glyph is a crude polygon.
pub const MIN_TOLERANCE: f64 = 1e-9;
pub const MAX_TOLERANCE: f64 = 0.1;

/// The density blur's σ spans at least this many pixels of its (coarser) grid.
pub const DENSITY_SIGMA_MIN_PX: f64 = 2.0;

/// Uniforms shared by every field pass.
/// Keep in sync with `struct FieldParams` in `shaders/common.wgsl`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct FieldParams {
    /// Pixels per side.
    pub size: u32,
    /// Distance tiles per side (`ceil(size / TILE)`).
    pub tiles: u32,
    /// Number of boundary segments.
    pub line_count: u32,
    /// Half width of the density kernel, pixels.
    pub kernel_radius: u32,
    /// Em x of the grid's left edge.
    pub x0: f32,
    /// Em y of the grid's top edge.
    pub y0: f32,
    pub em_per_px: f32,
    /// Density blur standard deviation, in density-grid pixels.
    pub sigma_px: f32,
    /// Largest curvature magnitude kept, 1/em (one over a pixel).
    pub curvature_limit: f32,
    /// Field pixels per density-grid pixel (see `density.wgsl`).
    pub density_step: u32,
    /// Density-grid pixels per side: `ceil(size / density_step)`.
    pub density_size: u32,
    pub _pad: f32,
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
    /// Candidate segments of each distance tile (row-major, `tiles × tiles`), compressed:
    /// tile `k` owns `tile_items[tile_start[k]..tile_start[k + 1]]`.
    pub tile_start: Vec<u32>,
    pub tile_items: Vec<u32>,
    /// Segments that may cross the centre line of each pixel row, compressed likewise.
    pub row_start: Vec<u32>,
    pub row_items: Vec<u32>,
}

impl Prepared {
    /// Flattens `outline`, extracts its visible boundary and builds the lookups.
    pub fn new(outline: &Outline, options: &FieldOptions) -> Result<Self, FieldError> {
        let size = options.grid.map_or(options.size, |g| g.size);
        if !(MIN_FIELD_SIZE..=MAX_FIELD_SIZE).contains(&size) {
            return Err(FieldError::SizeOutOfRange { size });
        }
        let rough = control_bounds(outline);
        if rough.is_empty() {
            return Err(FieldError::Glyph(crate::glyph::GlyphError::EmptyOutline {
                what: outline.source.describe(),
            }));
        }
        let tolerance = match options.tolerance {
            Some(t) if (MIN_TOLERANCE..=MAX_TOLERANCE).contains(&t) => t,
            Some(t) => return Err(FieldError::BadTolerance { tolerance: t }),
            None => {
                (rough.width().max(rough.height()) * options.tolerance_fraction).max(MIN_TOLERANCE)
            }
        };
        let flat = flatten(outline, tolerance)?;
        let boundary = Boundary::extract(&flat).map_err(|e| FieldError::TooComplex {
            what: outline.source.describe(),
            segments: e.segments,
        })?;
        if boundary.lines.is_empty() {
            return Err(FieldError::Glyph(crate::glyph::GlyphError::EmptyOutline {
                what: outline.source.describe(),
            }));
        }
        let frame = options.frame.unwrap_or(boundary.bounds);
        let grid = options
            .grid
            .unwrap_or_else(|| FieldGrid::around(frame, size, options.margin_for(frame)));
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
        let tiles = grid.size.div_ceil(TILE);
        let (tile_start, tile_items) = bin_tiles(&boundary, &grid, tiles);
        let (row_start, row_items) = bin_rows(&boundary, &grid);
        // The blur runs on a grid coarse enough that σ spans 2 to 4 of its pixels (or on
        // the field itself when σ is under 4 field pixels): a wide Gaussian on a fine grid
        // costs many taps and adds nothing a bilinear upsample does not give back.
        let sigma_field_px = (options.density_sigma_em / grid.em_per_px).max(0.3);
        let density_step =
            ((sigma_field_px / DENSITY_SIGMA_MIN_PX).floor() as u32).clamp(1, grid.size / 8);
        let sigma_grid_px = sigma_field_px / density_step as f64;
        // Averaging blocks down (a box, variance 1/12 grid px²) and reading back bilinearly
        // (a tent, variance 1/6) blur too; the Gaussian takes the rest, so that the whole
        // chain has the variance asked for.
        let sigma_px = if density_step > 1 {
            (sigma_grid_px.powi(2) - 0.25).sqrt()
        } else {
            sigma_grid_px
        };
        let params = FieldParams {
            size: grid.size,
            tiles,
            line_count: lines.len() as u32,
            kernel_radius: ((3.0 * sigma_px).ceil() as u32).clamp(1, 512),
            x0: grid.x0 as f32,
            y0: grid.y0 as f32,
            em_per_px: grid.em_per_px as f32,
            sigma_px: sigma_px as f32,
            curvature_limit: (1.0 / grid.em_per_px) as f32,
            density_step,
            density_size: grid.size.div_ceil(density_step),
            _pad: 0.0,
        };
        Self {
            grid,
            params,
            boundary,
            tolerance,
            flattened_segments,
            lines,
            tile_start,
            tile_items,
            row_start,
            row_items,
        }
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

/// Pixels per side of a distance tile. Keep in sync with `@workgroup_size` in
/// `shaders/distance.wgsl`.
pub const TILE: u32 = 8;

/// Each tile's candidate segments (see the module docs), by a quadtree over the tiles: a
/// node's list holds every segment that can be nearest to any point of the node's square,
/// so a child finds its own nearest distance `D` within its parent's list and keeps the
/// segments within `D + 2h` of its centre. The root holds every segment.
fn bin_tiles(boundary: &Boundary, grid: &FieldGrid, tiles: u32) -> (Vec<u32>, Vec<u32>) {
    let t = tiles as usize;
    let mut per_tile: Vec<Vec<u32>> = vec![Vec::new(); t * t];
    let all: Vec<u32> = (0..boundary.lines.len() as u32).collect();
    let tile_em = TILE as f64 * grid.em_per_px;
    let quad = Quadtree {
        boundary,
        grid,
        tiles: t,
        tile_em,
        slack: grid.side_em() * 1e-5,
    };
    quad.split(0, 0, t.next_power_of_two(), &all, &mut per_tile);
    compress(per_tile)
}

struct Quadtree<'a> {
    boundary: &'a Boundary,
    grid: &'a FieldGrid,
    tiles: usize,
    tile_em: f64,
    /// Room for f32 rounding in the passes, em.
    slack: f64,
}

impl Quadtree<'_> {
    /// Fills the lists of the tiles in the `span × span` square at tile (`tx`, `ty`), whose
    /// candidates are among `parent`.
    fn split(&self, tx: usize, ty: usize, span: usize, parent: &[u32], out: &mut [Vec<u32>]) {
        if tx >= self.tiles || ty >= self.tiles {
            return;
        }
        let side = span as f64 * self.tile_em;
        let centre = EmPoint::new(
            self.grid.x0 + tx as f64 * self.tile_em + side / 2.0,
            self.grid.y0 - ty as f64 * self.tile_em - side / 2.0,
        );
        let h = side * std::f64::consts::FRAC_1_SQRT_2;
        let lines = &self.boundary.lines;
        let distances: Vec<f64> = parent
            .iter()
            .map(|&i| lines[i as usize].distance(centre))
            .collect();
        let nearest = distances.iter().copied().fold(f64::INFINITY, f64::min);
        let reach = nearest + 2.0 * h + self.slack;
        let list: Vec<u32> = parent
            .iter()
            .zip(&distances)
            .filter(|(_, d)| **d <= reach)
            .map(|(i, _)| *i)
            .collect();
        if span == 1 {
            out[ty * self.tiles + tx] = list;
            return;
        }
        let half = span / 2;
        for (dx, dy) in [(0, 0), (half, 0), (0, half), (half, half)] {
            self.split(tx + dx, ty + dy, half, &list, out);
        }
    }
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
