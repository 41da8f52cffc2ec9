//! The visible boundary of the ink: flattened segments split where they cross, with the
//! pieces buried inside the ink (or lying outside it on both sides) removed, and every
//! remaining piece oriented with the ink on its left.
//!
//! This is what makes the distance field right where contours overlap (variable fonts, SVG
//! art): the distance is to the boundary of the filled union, never to an edge buried inside
//! it. Because the pieces are oriented, the nonzero winding number of the boundary alone is
//! 1 in the ink and 0 outside, whatever the fill rules of the original shapes were.
//!
//! The pieces are chained back into closed loops; the loops give the signed curvature along
//! the outline (turning angle per vertex), the corners, and the outline *parts* (runs between
//! corners) that divide the ink into regions.
use std::ops::{Add, Sub};

use std::collections::HashMap;

use crate::geometry::{EmPoint, EmRect};
use crate::glyph::{FillRule, Flattened, Line, crossing};

/// Turning more than this (radians) within [`CORNER_WINDOW_EM`] of outline makes a corner:
/// 35°.
pub const CORNER_ANGLE: f64 = 35.0 * std::f64::consts::PI / 180.0;
/// The stretch of outline over which turning is summed to find corners, em: a curve
/// tighter than a radius of about 0.05 em counts as a corner.
pub const CORNER_WINDOW_EM: f64 = 0.03;

/// The oriented visible boundary, chained into loops and divided into parts.
#[derive(Clone, Debug)]
pub struct Boundary {
    /// Segments with the ink on their left.
    pub lines: Vec<Line>,
    /// The part each segment belongs to.
    pub part_of: Vec<u32>,
    /// Closed loops: indices into `lines`, in order.
    pub loops: Vec<Vec<u32>>,
    /// For every part: the loop it lies on and its segments in order.
    pub parts: Vec<Part>,
    /// Signed curvature samples at the loops' vertices.
    pub samples: Vec<OutlineSample>,
    pub bounds: EmRect,
}

/// A run of the outline between two corners (or a whole loop without corners).
#[derive(Clone, Debug)]
pub struct Part {
    pub loop_index: u32,
    pub lines: Vec<u32>,
}

/// Curvature at one vertex of the outline, where segment `line` starts.
#[derive(Clone, Copy, Debug)]
pub struct OutlineSample {
    pub at: EmPoint,
    /// Signed turning angle in radians; positive turns towards the ink (convex).
    pub turn: f64,
    /// Turning angle over the mean length of the two adjacent segments, 1/em.
    pub curvature: f64,
    pub loop_index: u32,
    pub corner: bool,
}

/// The most steps boundary extraction takes: pairs of segments sharing a cell of the
/// crossing grid (each looked at for a crossing), entries of the grid and of the inside-test
/// bands, and segments looked at by the inside tests. Every term is counted before the work
/// it stands for is done, so an outline past the bound is refused after a linear pass over
/// its segments, whatever it would have cost.
pub const MAX_BOUNDARY_WORK: u64 = 200_000_000;

/// The most entries the crossing grid or the inside-test bands may hold (4 bytes each): a
/// coarser grid (or fewer bands) is used past it.
const MAX_INDEX_ENTRIES: u64 = 16_000_000;

/// The most entries the grid or the bands of `segments` segments may hold: a few per
/// segment, so that one long segment among short ones makes the cells larger instead of
/// filling a million empty ones (a fuzzed path of 200 segments, one of them 1e6 cells long,
/// took seconds to sort its grid).
fn index_cap(segments: usize) -> u64 {
    MAX_INDEX_ENTRIES.min(16 * segments as u64 + 65_536)
}

/// An outline whose segments overlap each other too much to extract its boundary in time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TooComplex {
    pub segments: usize,
}

impl Boundary {
    /// Extracts the visible boundary of `flat`, or refuses after [`MAX_BOUNDARY_WORK`] steps.
    pub fn extract(flat: &Flattened) -> Result<Self, TooComplex> {
        let too_complex = TooComplex {
            segments: flat.lines.len(),
        };
        let mut work = 0u64;
        let pieces = split_at_crossings(&flat.lines, flat.bounds, &mut work).ok_or(too_complex)?;
        let bands = YBands::new(&flat.lines, flat.bounds).ok_or(too_complex)?;
        // Each piece is tested on both sides against the segments of its band: that cost is
        // known before any test runs.
        work += bands.entries();
        work += pieces
            .iter()
            .map(|p| 2 * bands.band_len(p.a.lerp(p.b, 0.5)) as u64)
            .sum::<u64>();
        if work > MAX_BOUNDARY_WORK {
            return Err(too_complex);
        }
        let scale = flat.bounds.width().max(flat.bounds.height()).max(1e-9);
        let probe = scale * 1e-7;
        let mut winding = Winding::new(flat.fill_rules.len());
        let mut seen = HashMap::new();
        let mut lines = Vec::new();
        for piece in pieces {
            let d = piece.b.sub(piece.a);
            let len = d.length();
            if len <= 0.0 {
                continue;
            }
            let n = EmPoint::new(-d.y / len, d.x / len);
            let m = piece.a.lerp(piece.b, 0.5);
            let left = bands.is_inside(flat, m.add(n.scale(probe)), &mut winding);
            let right = bands.is_inside(flat, m.sub(n.scale(probe)), &mut winding);
            let oriented = match (left, right) {
                (true, false) => piece,
                (false, true) => Line {
                    a: piece.b,
                    b: piece.a,
                },
                _ => continue,
            };
            let key = (bits(oriented.a), bits(oriented.b));
            if seen.insert(key, ()).is_none() {
                lines.push(oriented);
            }
        }
        let mut bounds = EmRect::EMPTY;
        for l in &lines {
            bounds.include(l.a);
            bounds.include(l.b);
        }
        let loops = chain_loops(&lines);
        let (samples, corner_at) = sample_curvature(&lines, &loops);
        let (parts, part_of) = divide_parts(&lines, &loops, &corner_at);
        Ok(Self {
            lines,
            part_of,
            loops,
            parts,
            samples,
            bounds,
        })
    }

    /// Exact distance from `p` to the boundary, brute force (reference and anchors).
    pub fn distance(&self, p: EmPoint) -> f64 {
        self.lines
            .iter()
            .map(|l| l.distance(p))
            .fold(f64::INFINITY, f64::min)
    }

    /// Nonzero winding of the oriented boundary: is `p` in the ink?
    pub fn is_inside(&self, p: EmPoint) -> bool {
        self.lines.iter().map(|l| crossing(l, p)).sum::<i32>() != 0
    }

    /// Total length of the outline in em.
    pub fn perimeter(&self) -> f64 {
        self.lines.iter().map(Line::length).sum()
    }

    /// Enclosed area in em² (shoelace over the oriented loops).
    pub fn area(&self) -> f64 {
        self.lines.iter().map(|l| l.a.cross(l.b)).sum::<f64>() / 2.0
    }
}

fn bits(p: EmPoint) -> (u64, u64) {
    (p.x.to_bits(), p.y.to_bits())
}

/// The median of `values` (reordered), or None when there are none.
fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mid = values.len() / 2;
    let (_, m, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    Some(*m)
}

/// Horizontal bands over the original segments, so an inside test looks only at the
/// segments that can cross its ray. A band is about as tall as a typical segment, so it
/// holds little more than the segments its rays cross; where long segments would make the
/// bands hold more than [`index_cap`] entries, there are fewer, taller bands.
/// Within a band the segments go from the one reaching farthest right: a ray towards +x
/// from `p` stops at the first that ends left of `p`.
struct YBands {
    y0: f64,
    band_h: f64,
    /// The segments of band `k` are `items[start[k]..start[k + 1]]`.
    start: Vec<u32>,
    items: Vec<u32>,
    /// The largest x of each item's segment, rounded up to f32.
    reach: Vec<f32>,
}

impl YBands {
    /// The bands of `lines`, or None when even one band would hold too many segments.
    fn new(lines: &[Line], bounds: EmRect) -> Option<Self> {
        let height = bounds.height().max(1e-12);
        let mut rises: Vec<f64> = lines
            .iter()
            .map(|l| (l.b.y - l.a.y).abs())
            .filter(|&d| d > 0.0)
            .collect();
        let typical = median(&mut rises).unwrap_or(height);
        let most = (4 * lines.len()).clamp(1, 1 << 22) as f64;
        let mut count = (height / typical).ceil().clamp(1.0, most) as usize;
        let (band_h, entries) = loop {
            let band_h = (height / count as f64).max(1e-12);
            let entries: u64 = lines
                .iter()
                .map(|l| {
                    let (lo, hi) = Self::span(l, bounds.min.y, band_h, count);
                    (hi - lo + 1) as u64
                })
                .sum();
            if entries <= index_cap(lines.len()) {
                break (band_h, entries);
            }
            if count == 1 {
                return None;
            }
            let cap = index_cap(lines.len()) as f64;
            count = ((count as f64 * 0.9 * cap / entries as f64) as usize).clamp(1, count - 1);
        };
        let mut start = vec![0u32; count + 1];
        for l in lines {
            let (lo, hi) = Self::span(l, bounds.min.y, band_h, count);
            for k in lo..=hi {
                start[k + 1] += 1;
            }
        }
        for k in 0..count {
            start[k + 1] += start[k];
        }
        let mut fill = start.clone();
        let mut items = vec![0u32; entries as usize];
        for (i, l) in lines.iter().enumerate() {
            let (lo, hi) = Self::span(l, bounds.min.y, band_h, count);
            for slot in &mut fill[lo..=hi] {
                items[*slot as usize] = i as u32;
                *slot += 1;
            }
        }
        let reach_of = |i: u32| {
            let l = &lines[i as usize];
            let x = l.a.x.max(l.b.x);
            let r = x as f32;
            if f64::from(r) < x { r.next_up() } else { r }
        };
        let mut reach = vec![0f32; items.len()];
        for k in 0..count {
            let band = start[k] as usize..start[k + 1] as usize;
            let mut sorted: Vec<(f32, u32)> = items[band.clone()]
                .iter()
                .map(|&i| (reach_of(i), i))
                .collect();
            sorted.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
            for (slot, (r, i)) in band.zip(sorted) {
                items[slot] = i;
                reach[slot] = r;
            }
        }
        Some(Self {
            y0: bounds.min.y,
            band_h,
            start,
            items,
            reach,
        })
    }

    /// The band of each end of `l`: (first, last).
    fn span(l: &Line, y0: f64, band_h: f64, count: usize) -> (usize, usize) {
        let band = |y: f64| (((y - y0) / band_h).floor().max(0.0) as usize).min(count - 1);
        (band(l.a.y.min(l.b.y)), band(l.a.y.max(l.b.y)))
    }

    fn entries(&self) -> u64 {
        self.items.len() as u64
    }

    /// The segments of the band of `p` that reach right of it: all a ray from `p` towards
    /// +x can cross.
    fn band(&self, p: EmPoint) -> &[u32] {
        let band = ((p.y - self.y0) / self.band_h).floor();
        if band < 0.0 || band as usize + 1 >= self.start.len() {
            return &[];
        }
        let k = band as usize;
        let (from, to) = (self.start[k] as usize, self.start[k + 1] as usize);
        let right = self.reach[from..to].partition_point(|&r| f64::from(r) > p.x);
        &self.items[from..from + right]
    }

    /// How many segments an inside test at `p` looks at.
    fn band_len(&self, p: EmPoint) -> usize {
        self.band(p).len()
    }

    fn is_inside(&self, flat: &Flattened, p: EmPoint, winding: &mut Winding) -> bool {
        for &i in self.band(p) {
            let i = i as usize;
            let c = crossing(&flat.lines[i], p);
            if c != 0 {
                winding.add(flat.shape_of[i], c);
            }
        }
        winding.take_inside(&flat.fill_rules)
    }
}

/// Winding numbers of every shape around one point, kept sparse: an outline of thousands of
/// shapes must not cost thousands of steps per inside test.
struct Winding {
    counts: Vec<i32>,
    touched: Vec<u32>,
}

impl Winding {
    fn new(shapes: usize) -> Self {
        Self {
            counts: vec![0; shapes],
            touched: Vec::new(),
        }
    }

    fn add(&mut self, shape: u32, crossing: i32) {
        let count = &mut self.counts[shape as usize];
        if *count == 0 {
            self.touched.push(shape);
        }
        *count += crossing;
    }

    /// Is the point in the ink under the shapes' fill rules? Clears the counts.
    fn take_inside(&mut self, rules: &[FillRule]) -> bool {
        let inside =
            (self.touched.iter()).any(|&s| rules[s as usize].is_inside(self.counts[s as usize]));
        for &s in &self.touched {
            self.counts[s as usize] = 0;
        }
        self.touched.clear();
        inside
    }
}

/// Tolerance of the crossing test, relative to the segments' lengths.
const CROSSING_EPS: f64 = 1e-10;

/// A uniform grid of square cells over the segments: two segments can only cross or touch
/// in a cell both pass through. Cells are about two typical segments wide, so a cell holds
/// a handful of segments where the outline passes; long segments make the cells larger
/// rather than the grid hold more than [`index_cap`] entries.
struct Grid {
    x0: f64,
    y0: f64,
    cell: f64,
}

impl Grid {
    fn fit(lines: &[Line], bounds: EmRect) -> Option<Self> {
        let size = bounds.width().max(bounds.height()).max(1e-12);
        let mut spans: Vec<f64> = lines
            .iter()
            .map(|l| (l.b.x - l.a.x).abs().max((l.b.y - l.a.y).abs()))
            .filter(|&d| d > 0.0)
            .collect();
        let typical = median(&mut spans).unwrap_or(size);
        let mut cell = (2.0 * typical).max(size / f64::from(1u32 << 20));
        loop {
            let grid = Self {
                x0: bounds.min.x,
                y0: bounds.min.y,
                cell,
            };
            let estimate: u64 = lines.iter().map(|l| grid.cells_estimate(l)).sum();
            if estimate <= index_cap(lines.len()) {
                return Some(grid);
            }
            if cell >= size {
                return None;
            }
            let cap = index_cap(lines.len()) as f64;
            cell = (cell * 1.2 * estimate as f64 / cap).min(size);
        }
    }

    /// How far around `l` its cells reach: rounding, the crossing test's tolerance along
    /// the segment, and a sliver of a cell.
    fn margin(&self, l: &Line) -> f64 {
        let magnitude =
            l.a.x
                .abs()
                .max(l.a.y.abs())
                .max(l.b.x.abs())
                .max(l.b.y.abs());
        1e-6 * self.cell + 4.0 * CROSSING_EPS * l.length() + 1e-12 * magnitude
    }

    fn index(&self, v: f64, origin: f64) -> i64 {
        // Bounds keep this within 2^20 cells; the clamp only guards against NaN.
        (((v - origin) / self.cell).floor() as i64).clamp(-1, 1 << 21)
    }

    /// Rows and columns of the box of `l`, margins included.
    fn box_of(&self, l: &Line, m: f64) -> ((i64, i64), (i64, i64)) {
        let rows = (
            self.index(l.a.y.min(l.b.y) - m, self.y0),
            self.index(l.a.y.max(l.b.y) + m, self.y0),
        );
        let cols = (
            self.index(l.a.x.min(l.b.x) - m, self.x0),
            self.index(l.a.x.max(l.b.x) + m, self.x0),
        );
        (rows, cols)
    }

    /// About how many cells `l` passes through: a row for each row it spans, a column for
    /// each column, and the margins.
    fn cells_estimate(&self, l: &Line) -> u64 {
        let ((r0, r1), (c0, c1)) = self.box_of(l, self.margin(l));
        let (rows, cols) = ((r1 - r0 + 1) as u64, (c1 - c0 + 1) as u64);
        (rows * cols).min(3 * rows + 2 * cols)
    }

    /// Calls `f` with every cell `l` passes through (and a margin around it), row by row.
    fn cover(&self, l: &Line, mut f: impl FnMut(u64)) {
        let m = self.margin(l);
        let ((r0, r1), (c0, c1)) = self.box_of(l, m);
        let dy = l.b.y - l.a.y;
        let x_at = |y: f64| {
            let t = ((y - l.a.y) / dy).clamp(0.0, 1.0);
            l.a.x + t * (l.b.x - l.a.x)
        };
        for r in r0..=r1 {
            let (lo, hi) = if r0 == r1 || dy == 0.0 {
                (c0, c1)
            } else {
                let ya = self.y0 + r as f64 * self.cell - m;
                let yb = self.y0 + (r + 1) as f64 * self.cell + m;
                let (xa, xb) = (x_at(ya), x_at(yb));
                (
                    self.index(xa.min(xb) - m, self.x0).max(c0),
                    self.index(xa.max(xb) + m, self.x0).min(c1),
                )
            };
            for c in lo..=hi {
                f(((r + 1) as u64) << 32 | (c + 1) as u64);
            }
        }
    }
}

/// Splits every segment at every point where another segment crosses or touches it. A
/// crossing point is computed once and given to both segments, so the pieces meet exactly.
/// Counts the grid's entries and the pairs of segments sharing a cell in `work`, and
/// returns None, before looking at any pair, past [`MAX_BOUNDARY_WORK`].
fn split_at_crossings(lines: &[Line], bounds: EmRect, work: &mut u64) -> Option<Vec<Line>> {
    let grid = Grid::fit(lines, bounds)?;
    let mut entries: Vec<(u64, u32)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        grid.cover(l, |cell| entries.push((cell, i as u32)));
        if entries.len() as u64 > 2 * index_cap(lines.len()) {
            return None;
        }
    }
    entries.sort_unstable();
    *work += entries.len() as u64;
    for shared in entries.chunk_by(|a, b| a.0 == b.0) {
        let k = shared.len() as u64;
        *work += k * (k - 1) / 2;
    }
    if *work > MAX_BOUNDARY_WORK {
        return None;
    }
    let mut cuts: Vec<Vec<(f64, EmPoint)>> = vec![Vec::new(); lines.len()];
    let mut cut_count = 0u64;
    for shared in entries.chunk_by(|a, b| a.0 == b.0) {
        for (k, &(_, i)) in shared.iter().enumerate() {
            for &(_, j) in &shared[k + 1..] {
                cut_count += cut_pair(lines, i as usize, j as usize, &mut cuts);
            }
        }
        // Thousands of segments crossing each other make millions of pieces: stop before
        // they are made.
        if *work + cut_count * PIECE_COST > MAX_BOUNDARY_WORK {
            return None;
        }
    }
    *work += cut_count * PIECE_COST;
    Some(pieces_between_cuts(lines, cuts))
}

/// Each segment split at its cuts, in order along it.
fn pieces_between_cuts(lines: &[Line], cuts: Vec<Vec<(f64, EmPoint)>>) -> Vec<Line> {
    let mut pieces = Vec::with_capacity(lines.len());
    for (line, mut cut) in lines.iter().zip(cuts) {
        // A pair sharing several cells is found once in each: the same crossing, bit for
        // bit, so sorting brings the copies together.
        cut.sort_by(|a, b| {
            (a.0.total_cmp(&b.0))
                .then(a.1.x.total_cmp(&b.1.x))
                .then(a.1.y.total_cmp(&b.1.y))
        });
        cut.dedup();
        let mut start = line.a;
        for (_, p) in cut {
            if p != start {
                pieces.push(Line { a: start, b: p });
                start = p;
            }
        }
        if line.b != start {
            pieces.push(Line {
                a: start,
                b: line.b,
            });
        }
    }
    pieces
}

/// What a cut costs later, in steps of [`MAX_BOUNDARY_WORK`]: it makes a piece, which is
/// sorted, hashed and tested for inside twice.
const PIECE_COST: u64 = 64;

/// Cuts segments `i` and `j` (`i < j`) where they cross or touch; returns how many cuts it
/// made.
fn cut_pair(lines: &[Line], i: usize, j: usize, cuts: &mut [Vec<(f64, EmPoint)>]) -> u64 {
    let before = cuts[i].len() + cuts[j].len();
    const EPS: f64 = CROSSING_EPS;
    let (li, lj) = (lines[i], lines[j]);
    if li.a == li.b || lj.a == lj.b {
        // A point cuts nothing (and has no direction to be collinear with).
        return 0;
    }
    let apart = |p: fn(&EmPoint) -> f64| {
        p(&li.a).max(p(&li.b)) < p(&lj.a).min(p(&lj.b))
            || p(&lj.a).max(p(&lj.b)) < p(&li.a).min(p(&li.b))
    };
    if apart(|p| p.x) || apart(|p| p.y) {
        return 0;
    }
    let r = li.b.sub(li.a);
    let s = lj.b.sub(lj.a);
    let qp = lj.a.sub(li.a);
    let denom = r.cross(s);
    let scale = r.length() * s.length();
    if denom.abs() > EPS * scale {
        let t = qp.cross(s) / denom;
        let u = qp.cross(r) / denom;
        if !(-EPS..=1.0 + EPS).contains(&t) || !(-EPS..=1.0 + EPS).contains(&u) {
            return 0;
        }
        // Snap to an existing endpoint where the crossing is at one.
        let x = if u <= EPS {
            lj.a
        } else if u >= 1.0 - EPS {
            lj.b
        } else if t <= EPS {
            li.a
        } else if t >= 1.0 - EPS {
            li.b
        } else {
            li.a.add(r.scale(t))
        };
        if t > EPS && t < 1.0 - EPS {
            cuts[i].push((t, x));
        }
        if u > EPS && u < 1.0 - EPS {
            cuts[j].push((u, x));
        }
    } else if qp.cross(r).abs() <= EPS * r.length() * qp.length().max(r.length()) {
        // Collinear: each endpoint inside the other segment cuts it.
        let rr = r.dot(r);
        let ss = s.dot(s);
        for p in [lj.a, lj.b] {
            let t = p.sub(li.a).dot(r) / rr;
            if t > EPS && t < 1.0 - EPS {
                cuts[i].push((t, p));
            }
        }
        for p in [li.a, li.b] {
            let u = p.sub(lj.a).dot(s) / ss;
            if u > EPS && u < 1.0 - EPS {
                cuts[j].push((u, p));
            }
        }
    }
    (cuts[i].len() + cuts[j].len() - before) as u64
}

/// Chains oriented segments into loops by matching end points to start points exactly.
fn chain_loops(lines: &[Line]) -> Vec<Vec<u32>> {
    let mut starting_at: HashMap<(u64, u64), Vec<u32>> = HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        starting_at.entry(bits(l.a)).or_default().push(i as u32);
    }
    let mut used = vec![false; lines.len()];
    let mut loops = Vec::new();
    for first in 0..lines.len() {
        if used[first] {
            continue;
        }
        let mut chain = vec![first as u32];
        used[first] = true;
        let mut current = first;
        loop {
            let end = bits(lines[current].b);
            let next = starting_at
                .get(&end)
                .and_then(|c| c.iter().copied().find(|&n| !used[n as usize]));
            match next {
                Some(n) => {
                    used[n as usize] = true;
                    chain.push(n);
                    current = n as usize;
                }
                None => break,
            }
        }
        loops.push(chain);
    }
    loops
}

/// Turning angle and curvature at the start of every segment of every loop.
fn sample_curvature(lines: &[Line], loops: &[Vec<u32>]) -> (Vec<OutlineSample>, Vec<bool>) {
    let mut samples = Vec::with_capacity(lines.len());
    let mut corner_at = vec![false; lines.len()];
    for (li, chain) in loops.iter().enumerate() {
        let m = chain.len();
        let closed = m > 1 && lines[chain[m - 1] as usize].b == lines[chain[0] as usize].a;
        if !closed {
            continue;
        }
        // Turning at the start of each segment, and arc length from the loop's start.
        let mut turns = Vec::with_capacity(m);
        let mut at_length = Vec::with_capacity(m);
        let mut walked = 0.0;
        for k in 0..m {
            let prev = lines[chain[(k + m - 1) % m] as usize];
            let next = lines[chain[k] as usize];
            let u = prev.b.sub(prev.a);
            let v = next.b.sub(next.a);
            turns.push((u.cross(v).atan2(u.dot(v)), 0.5 * (u.length() + v.length())));
            at_length.push(walked);
            walked += v.length();
        }
        let corners = find_corners(&turns, &at_length, walked);
        for k in 0..m {
            let (turn, mean_len) = turns[k];
            corner_at[chain[k] as usize] = corners[k];
            samples.push(OutlineSample {
                at: lines[chain[k] as usize].a,
                turn,
                curvature: turn / mean_len.max(1e-12),
                loop_index: li as u32,
                corner: corners[k],
            });
        }
    }
    (samples, corner_at)
}

/// Corners of one closed loop: where the outline turns more than [`CORNER_ANGLE`] within
/// [`CORNER_WINDOW_EM`] of arc length, one corner (the sharpest vertex) per such stretch.
/// Summing over a fixed length rather than per vertex keeps corners — and so the parts and
/// the ink regions — the same whatever tolerance the curves were flattened at.
fn find_corners(turns: &[(f64, f64)], at_length: &[f64], total: f64) -> Vec<bool> {
    let m = turns.len();
    let half = CORNER_WINDOW_EM / 2.0;
    // Windowed turning around each vertex (cyclic), by two pointers over the doubled loop.
    let position = |k: usize| at_length[k % m] + (k / m) as f64 * total;
    let mut windowed = vec![0.0; m];
    let (mut lo, mut hi, mut sum) = (0usize, 0usize, 0.0);
    for k in m..2 * m {
        let centre = position(k);
        while position(hi) <= centre + half && hi < k + m {
            sum += turns[hi % m].0;
            hi += 1;
        }
        while position(lo) < centre - half {
            sum -= turns[lo % m].0;
            lo += 1;
        }
        windowed[k - m] = sum;
    }
    let candidate: Vec<bool> = windowed.iter().map(|w| w.abs() > CORNER_ANGLE).collect();
    // Arc length from vertex k to the next vertex.
    let gap = |k: usize| {
        if k + 1 < m {
            at_length[k + 1] - at_length[k]
        } else {
            total - at_length[k]
        }
    };
    // A vertex starts a stretch if it is a candidate and its predecessor is not, or lies
    // farther back than the window.
    let starts_run = |k: usize| {
        let prev = (k + m - 1) % m;
        candidate[k] && (!candidate[prev] || gap(prev) > CORNER_WINDOW_EM)
    };
    let mut corners = vec![false; m];
    let Some(first) = (0..m).find(|&k| starts_run(k)) else {
        if candidate.iter().any(|&c| c) {
            // One stretch around the whole (short) loop: its sharpest vertex.
            let sharpest = (0..m)
                .max_by(|&a, &b| turns[a].0.abs().total_cmp(&turns[b].0.abs()))
                .unwrap_or(0);
            corners[sharpest] = true;
        }
        return corners;
    };
    let mut best: Option<usize> = None;
    for step in 0..m {
        let k = (first + step) % m;
        if starts_run(k)
            && let Some(b) = best.take()
        {
            corners[b] = true;
        }
        if candidate[k] {
            if best.is_none_or(|b| turns[k].0.abs() > turns[b].0.abs()) {
                best = Some(k);
            }
        } else if let Some(b) = best.take() {
            corners[b] = true;
        }
    }
    if let Some(b) = best {
        corners[b] = true;
    }
    corners
}

/// Cuts every loop at its corners into parts.
fn divide_parts(lines: &[Line], loops: &[Vec<u32>], corner_at: &[bool]) -> (Vec<Part>, Vec<u32>) {
    let mut parts = Vec::new();
    let mut part_of = vec![0u32; lines.len()];
    for (li, chain) in loops.iter().enumerate() {
        // Start at a corner if there is one, so no part wraps around the loop's start.
        let start = chain
            .iter()
            .position(|&s| corner_at[s as usize])
            .unwrap_or(0);
        let mut current: Vec<u32> = Vec::new();
        for k in 0..chain.len() {
            let s = chain[(start + k) % chain.len()];
            if corner_at[s as usize] && !current.is_empty() {
                parts.push(Part {
                    loop_index: li as u32,
                    lines: std::mem::take(&mut current),
                });
            }
            part_of[s as usize] = parts.len() as u32;
            current.push(s);
        }
        if !current.is_empty() {
            parts.push(Part {
                loop_index: li as u32,
                lines: current,
            });
        }
    }
    (parts, part_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), so failures replay.
    struct Rng(u64);

    impl Rng {
        fn unit(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }

        fn point(&mut self) -> EmPoint {
            EmPoint::new(self.unit(), self.unit())
        }
    }

    fn bounds_of(lines: &[Line]) -> EmRect {
        let mut bounds = EmRect::EMPTY;
        for l in lines {
            bounds.include(l.a);
            bounds.include(l.b);
        }
        bounds
    }

    /// Short and long segments, some sharing end points, some on one line, some exactly
    /// horizontal or vertical, some of length zero.
    fn messy_segments(rng: &mut Rng, count: usize) -> Vec<Line> {
        let mut lines: Vec<Line> = Vec::new();
        for k in 0..count {
            let a = match lines.last() {
                Some(prev) if k % 3 == 1 => prev.b,
                _ => rng.point(),
            };
            let b = match k % 7 {
                0 => rng.point(),
                1 => EmPoint::new(a.x + 0.05 * rng.unit(), a.y),
                2 => EmPoint::new(a.x, a.y - 0.05 * rng.unit()),
                3 => a,
                4 if k > 0 => lines[k - 1].a.lerp(lines[k - 1].b, 1.5),
                _ => EmPoint::new(
                    a.x + 0.04 * rng.unit() - 0.02,
                    a.y + 0.04 * rng.unit() - 0.02,
                ),
            };
            lines.push(Line { a, b });
        }
        lines
    }

    /// The grid finds exactly the cuts that looking at every pair finds.
    #[test]
    fn the_grid_finds_every_crossing_that_all_pairs_find() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for count in [2, 10, 200, 1500] {
            let lines = messy_segments(&mut rng, count);
            let mut work = 0;
            let fast = split_at_crossings(&lines, bounds_of(&lines), &mut work).expect("small");
            let mut cuts: Vec<Vec<(f64, EmPoint)>> = vec![Vec::new(); lines.len()];
            for i in 0..lines.len() {
                for j in i + 1..lines.len() {
                    cut_pair(&lines, i, j, &mut cuts);
                }
            }
            let all_pairs = pieces_between_cuts(&lines, cuts);
            let key = |l: &Line| (bits(l.a), bits(l.b));
            let mut fast: Vec<_> = fast.iter().map(key).collect();
            let mut slow: Vec<_> = all_pairs.iter().map(key).collect();
            fast.sort_unstable();
            slow.sort_unstable();
            let only_fast: Vec<_> = fast.iter().filter(|k| !slow.contains(k)).take(3).collect();
            let only_slow: Vec<_> = slow.iter().filter(|k| !fast.contains(k)).take(3).collect();
            assert!(
                only_fast.is_empty() && only_slow.is_empty() && fast.len() == slow.len(),
                "{count} segments: {} pieces against {}; only the grid's: {only_fast:?}; \
                 only all pairs': {only_slow:?}",
                fast.len(),
                slow.len()
            );
        }
    }

    /// The bands' inside test agrees with the brute-force winding over every segment,
    /// including at points on band edges and on segments' ends.
    #[test]
    fn the_bands_inside_test_agrees_with_brute_force() {
        let mut rng = Rng(12345);
        let mut lines = Vec::new();
        let mut shape_of = Vec::new();
        // Closed polygons of random points, so winding is meaningful, one shape each.
        for shape in 0..40 {
            let sides = 3 + (shape % 9);
            let first = rng.point();
            let mut a = first;
            for k in 0..sides {
                let b = if k + 1 == sides { first } else { rng.point() };
                lines.push(Line { a, b });
                shape_of.push(shape as u32);
                a = b;
            }
        }
        let fill_rules = (0..40)
            .map(|s| {
                if s % 2 == 0 {
                    FillRule::NonZero
                } else {
                    FillRule::EvenOdd
                }
            })
            .collect();
        let flat = Flattened {
            bounds: bounds_of(&lines),
            lines,
            shape_of,
            fill_rules,
        };
        let bands = YBands::new(&flat.lines, flat.bounds).expect("bands");
        let mut winding = Winding::new(flat.fill_rules.len());
        let mut probes: Vec<EmPoint> = (0..4000).map(|_| rng.point()).collect();
        probes.extend(flat.lines.iter().map(|l| l.a));
        probes
            .extend((0..200).map(|k| EmPoint::new(rng.unit(), bands.y0 + k as f64 * bands.band_h)));
        let mut inside = 0;
        for p in probes {
            let expected = flat.is_inside(p);
            assert_eq!(
                bands.is_inside(&flat, p, &mut winding),
                expected,
                "at {p:?}"
            );
            inside += usize::from(expected);
        }
        assert!(
            inside > 100,
            "too few probes inside ({inside}) to mean anything"
        );
    }

    /// One segment a million typical segments long among short ones makes the cells
    /// larger, not a million entries (a fuzzed path of 200 segments took seconds so).
    #[test]
    fn one_long_segment_does_not_fill_the_grid() {
        let mut rng = Rng(99);
        let mut lines: Vec<Line> = (0..200)
            .map(|_| {
                let a = rng.point();
                Line {
                    a,
                    b: EmPoint::new(a.x + 0.01, a.y + 0.01),
                }
            })
            .collect();
        lines.push(Line {
            a: EmPoint::new(0.5, 0.5),
            b: EmPoint::new(150_000.0, 9_000.0),
        });
        let grid = Grid::fit(&lines, bounds_of(&lines)).expect("a grid");
        let mut entries = 0u64;
        for l in &lines {
            grid.cover(l, |_| entries += 1);
        }
        assert!(entries <= index_cap(lines.len()), "{entries} entries");
        let mut work = 0;
        assert!(split_at_crossings(&lines, bounds_of(&lines), &mut work).is_some());
    }

    /// Thousands of long segments that all cross each other would make millions of pieces:
    /// refused, by counting, before they are made.
    #[test]
    fn an_outline_of_crossing_chords_is_refused() {
        let mut rng = Rng(7);
        let chords: Vec<Line> = (0..6000)
            .map(|_| Line {
                a: EmPoint::new(0.0, rng.unit()),
                b: EmPoint::new(1.0, rng.unit()),
            })
            .collect();
        let mut work = 0;
        assert!(split_at_crossings(&chords, bounds_of(&chords), &mut work).is_none());
        // A tenth of them is fine.
        let mut work = 0;
        let pieces = split_at_crossings(&chords[..600], bounds_of(&chords[..600]), &mut work)
            .expect("600 chords");
        assert!(pieces.len() > 600 * 100, "{} pieces", pieces.len());
    }
}
