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
use crate::glyph::{Flattened, Line, crossing};

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

/// The most steps boundary extraction takes: entries of the inside-test bands, pairs of
/// segments whose boxes overlap looked at for crossings, and segments looked at for
/// inside/outside. Outlines of 200,000 segments (1024 circles, or four 50,000-gons) take
/// about 3e8; a damaged font's glyph of 187,000 long segments that all cross each other
/// took 1.4e9 (5 s); one of a million such segments would take minutes and gigabytes, and
/// is refused at this bound instead (the inside tests' cost is counted before they run).
pub const MAX_BOUNDARY_WORK: u64 = 600_000_000;

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
        let mut work = YBands::entries(&flat.lines, flat.bounds);
        if work > MAX_BOUNDARY_WORK {
            return Err(too_complex);
        }
        let bands = YBands::new(&flat.lines, flat.bounds);
        let scale = flat.bounds.width().max(flat.bounds.height()).max(1e-9);
        let probe = scale * 1e-7;
        let mut seen = HashMap::new();
        let mut lines = Vec::new();
        let pieces = split_at_crossings(&flat.lines, &mut work).ok_or(too_complex)?;
        // Each piece is tested on both sides against the segments of its band: that cost is
        // known before any test runs, so an outline of thousands of long crossing segments
        // is refused in milliseconds instead of after seconds of tests.
        work += pieces
            .iter()
            .map(|p| 2 * bands.band_len(p.a.lerp(p.b, 0.5)) as u64)
            .sum::<u64>();
        if work > MAX_BOUNDARY_WORK {
            return Err(too_complex);
        }
        for piece in pieces {
            let d = piece.b.sub(piece.a);
            let len = d.length();
            if len <= 0.0 {
                continue;
            }
            let n = EmPoint::new(-d.y / len, d.x / len);
            let m = piece.a.lerp(piece.b, 0.5);
            let left = bands.is_inside(flat, m.add(n.scale(probe)));
            let right = bands.is_inside(flat, m.sub(n.scale(probe)));
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

/// Horizontal bands over the original segments, so an inside test looks only at the
/// segments that can cross its ray.
struct YBands {
    y0: f64,
    band_h: f64,
    bands: Vec<Vec<u32>>,
}

impl YBands {
    fn count(lines: &[Line]) -> usize {
        ((lines.len() as f64).sqrt().ceil() as usize).clamp(1, 4096)
    }

    /// The band of each end of `l`: (first, last).
    fn span(l: &Line, bounds: EmRect, band_h: f64, count: usize) -> (usize, usize) {
        let band =
            |y: f64| (((y - bounds.min.y) / band_h).floor().max(0.0) as usize).min(count - 1);
        (band(l.a.y.min(l.b.y)), band(l.a.y.max(l.b.y)))
    }

    /// How many entries the bands of `lines` would hold (counted before they are made: a
    /// thousand segments spanning every band is a million entries).
    fn entries(lines: &[Line], bounds: EmRect) -> u64 {
        let count = Self::count(lines);
        let band_h = (bounds.height() / count as f64).max(1e-12);
        lines
            .iter()
            .map(|l| {
                let (lo, hi) = Self::span(l, bounds, band_h, count);
                (hi - lo + 1) as u64
            })
            .sum()
    }

    fn new(lines: &[Line], bounds: EmRect) -> Self {
        let count = Self::count(lines);
        let band_h = (bounds.height() / count as f64).max(1e-12);
        let mut bands = vec![Vec::new(); count];
        for (i, l) in lines.iter().enumerate() {
            let (lo, hi) = Self::span(l, bounds, band_h, count);
            for band in &mut bands[lo..=hi] {
                band.push(i as u32);
            }
        }
        Self {
            y0: bounds.min.y,
            band_h,
            bands,
        }
    }

    /// How many segments the band of `p` holds (what an inside test there looks at).
    fn band_len(&self, p: EmPoint) -> usize {
        let band = ((p.y - self.y0) / self.band_h).floor();
        if band < 0.0 || band as usize >= self.bands.len() {
            return 0;
        }
        self.bands[band as usize].len()
    }

    fn is_inside(&self, flat: &Flattened, p: EmPoint) -> bool {
        let band = ((p.y - self.y0) / self.band_h).floor();
        if band < 0.0 || band as usize >= self.bands.len() {
            return false;
        }
        let mut winding = vec![0i32; flat.fill_rules.len()];
        for &i in &self.bands[band as usize] {
            let i = i as usize;
            winding[flat.shape_of[i] as usize] += crossing(&flat.lines[i], p);
        }
        winding
            .iter()
            .zip(&flat.fill_rules)
            .any(|(&w, rule)| rule.is_inside(w))
    }
}

/// Splits every segment at every point where another segment crosses or touches it. A
/// crossing point is computed once and given to both segments, so the pieces meet exactly.
/// Counts the pairs it looks at in `work`; None past [`MAX_BOUNDARY_WORK`].
fn split_at_crossings(lines: &[Line], work: &mut u64) -> Option<Vec<Line>> {
    const EPS: f64 = 1e-10;
    let mut cuts: Vec<Vec<(f64, EmPoint)>> = vec![Vec::new(); lines.len()];
    let mut order: Vec<usize> = (0..lines.len()).collect();
    let min_x = |l: &Line| l.a.x.min(l.b.x);
    order.sort_by(|&i, &j| min_x(&lines[i]).total_cmp(&min_x(&lines[j])));
    for (k, &i) in order.iter().enumerate() {
        let li = lines[i];
        let (ix1, iy0, iy1) = (li.a.x.max(li.b.x), li.a.y.min(li.b.y), li.a.y.max(li.b.y));
        for &j in &order[k + 1..] {
            let lj = lines[j];
            if min_x(&lj) > ix1 {
                break;
            }
            *work += 1;
            if *work > MAX_BOUNDARY_WORK {
                return None;
            }
            if lj.a.y.max(lj.b.y) < iy0 || lj.a.y.min(lj.b.y) > iy1 {
                continue;
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
                    continue;
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
        }
    }
    let mut pieces = Vec::with_capacity(lines.len());
    for (line, mut cut) in lines.iter().zip(cuts) {
        cut.sort_by(|a, b| a.0.total_cmp(&b.0));
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
    Some(pieces)
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
