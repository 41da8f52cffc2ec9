//! Coordinate spaces: em space (y up, font units / unitsPerEm) and field pixels (row down).

/// A point or vector in em space, y up. Geometry preprocessing runs in `f64`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EmPoint {
    pub x: f64,
    pub y: f64,
}

impl EmPoint {
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
    pub fn scale(self, s: f64) -> Self {
        Self::new(self.x * s, self.y * s)
    }
    pub fn dot(self, o: Self) -> f64 {
        self.x * o.x + self.y * o.y
    }
    pub fn cross(self, o: Self) -> f64 {
        self.x * o.y - self.y * o.x
    }
    pub fn length(self) -> f64 {
        self.dot(self).sqrt()
    }
    pub fn lerp(self, o: Self, t: f64) -> Self {
        self + (o - self).scale(t)
    }
}

impl std::ops::Add for EmPoint {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self::new(self.x + o.x, self.y + o.y)
    }
}

impl std::ops::Sub for EmPoint {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Self::new(self.x - o.x, self.y - o.y)
    }
}

/// An axis-aligned box in em space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EmRect {
    pub min: EmPoint,
    pub max: EmPoint,
}

impl EmRect {
    pub const EMPTY: Self = Self {
        min: EmPoint::new(f64::INFINITY, f64::INFINITY),
        max: EmPoint::new(f64::NEG_INFINITY, f64::NEG_INFINITY),
    };
    pub fn include(&mut self, p: EmPoint) {
        self.min.x = self.min.x.min(p.x);
        self.min.y = self.min.y.min(p.y);
        self.max.x = self.max.x.max(p.x);
        self.max.y = self.max.y.max(p.y);
    }
    pub fn is_empty(&self) -> bool {
        !(self.min.x <= self.max.x && self.min.y <= self.max.y)
    }
    pub fn width(&self) -> f64 {
        self.max.x - self.min.x
    }
    pub fn height(&self) -> f64 {
        self.max.y - self.min.y
    }
    pub fn center(&self) -> EmPoint {
        self.min.lerp(self.max, 0.5)
    }
}

/// Smallest and largest field sizes accepted (pixels per side).
pub const MIN_FIELD_SIZE: u32 = 64;
pub const MAX_FIELD_SIZE: u32 = 2048;

/// The square pixel grid a glyph's fields are computed on.
///
/// The centre of pixel (row `r`, column `c`) is at em coordinates
/// `(x0 + (c + 0.5)·em_per_px, y0 − (r + 0.5)·em_per_px)`: rows run down, em y runs up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FieldGrid {
    /// Pixels per side.
    pub size: u32,
    /// Em x of the grid's left edge.
    pub x0: f64,
    /// Em y of the grid's top edge.
    pub y0: f64,
    /// Em units per pixel.
    pub em_per_px: f64,
}

impl FieldGrid {
    /// A square grid of `size` pixels around `bounds`, with `margin` em on every side of the
    /// longer side; the glyph is centred.
    pub fn around(bounds: EmRect, size: u32, margin: f64) -> Self {
        let side = bounds.width().max(bounds.height()) + 2.0 * margin;
        let c = bounds.center();
        Self {
            size,
            x0: c.x - side / 2.0,
            y0: c.y + side / 2.0,
            em_per_px: side / size as f64,
        }
    }

    /// A window of this grid: the square at `origin` (uv of this grid, 0..1 across it) whose
    /// side spans `span` of this grid's side, on `size` pixels.
    pub fn window(&self, origin: [f64; 2], span: f64, size: u32) -> Self {
        let side = self.side_em();
        Self {
            size,
            x0: self.x0 + origin[0] * side,
            y0: self.y0 - origin[1] * side,
            em_per_px: span * side / size as f64,
        }
    }

    /// Side of the grid in em.
    pub fn side_em(&self) -> f64 {
        self.em_per_px * self.size as f64
    }

    /// Em position of the centre of pixel (row, col).
    pub fn em_from_px(&self, row: usize, col: usize) -> EmPoint {
        EmPoint::new(
            self.x0 + (col as f64 + 0.5) * self.em_per_px,
            self.y0 - (row as f64 + 0.5) * self.em_per_px,
        )
    }

    /// The pixel (row, col) containing an em point, if it lies on the grid.
    pub fn px_from_em(&self, p: EmPoint) -> Option<(usize, usize)> {
        let col = ((p.x - self.x0) / self.em_per_px).floor();
        let row = ((self.y0 - p.y) / self.em_per_px).floor();
        let n = self.size as f64;
        (col >= 0.0 && row >= 0.0 && col < n && row < n).then_some((row as usize, col as usize))
    }
}
