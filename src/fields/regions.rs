//! Region keys → compact region ids, with a kind, an area and a stable anchor point each.
//!
//! The rule: the open exterior is region 0; every enclosed void (a counter) is its own
//! region, in order of its first pixel; the ink is divided by the outline part (a run of the
//! outline between corners) each ink pixel is nearest to, one region per part, in part
//! order. Each region's anchor is a point in em space inside it that does not depend on the
//! field's resolution, so a link stored as "the region containing (x, y)" finds the same
//! region at any size:
//! - exterior: halfway between the glyph's top-left corner and the grid's;
//! - a counter: its point farthest from the ink;
//! - an ink part: from the middle of the part (by length), inward along the normal, half
//!   way to where the nearest outline stops being that point.
use std::ops::{Add, Sub};

use std::collections::BTreeMap;

use ndarray::Array2;
use serde::Serialize;

use super::{Prepared, RawFields};
use crate::geometry::EmPoint;

/// What a region is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RegionKind {
    /// The open space around the glyph.
    Exterior,
    /// Empty space enclosed by ink (a hole).
    Counter,
    /// A part of the ink.
    Ink,
}

/// One clickable region.
#[derive(Clone, Debug, Serialize)]
pub struct Region {
    pub id: u32,
    pub kind: RegionKind,
    /// A point inside the region, em.
    pub anchor: [f64; 2],
    pub area_px: u32,
    pub area_em2: f64,
    /// For ink regions: the outline part and the loop (contour) it lies on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contour: Option<u32>,
}

#[derive(Default)]
struct Acc {
    area: u32,
    touches_border: bool,
    /// (value, pixel) of the farthest-from-ink pixel for voids, deepest for ink.
    best: Option<(f32, usize)>,
}

/// Compact ids per pixel and the region list.
pub fn build(prep: &Prepared, raw: &RawFields) -> (Array2<u32>, Vec<Region>) {
    let n = prep.grid.size as usize;
    let ink_base = (n * n) as u32;
    let mut acc: BTreeMap<u32, Acc> = BTreeMap::new();
    // Neighbouring pixels mostly share a key: gather a run of equal keys, then add the run
    // to the map once.
    let mut run: Option<(u32, Acc)> = None;
    let mut flush = |run: &mut Option<(u32, Acc)>| {
        if let Some((key, r)) = run.take() {
            let a = acc.entry(key).or_default();
            a.area += r.area;
            a.touches_border |= r.touches_border;
            if let Some((v, i)) = r.best
                && a.best.is_none_or(|(best, _)| v > best)
            {
                a.best = Some((v, i));
            }
        }
    };
    let keys = raw.region_keys.as_slice().expect("standard layout");
    let sdf = raw.sdf.as_slice().expect("standard layout");
    for row in 0..n {
        let edge_row = row == 0 || row == n - 1;
        for col in 0..n {
            let i = row * n + col;
            let key = keys[i];
            if run.as_ref().is_some_and(|(k, _)| *k != key) {
                flush(&mut run);
            }
            let (_, a) = run.get_or_insert_with(|| (key, Acc::default()));
            a.area += 1;
            a.touches_border |= edge_row || col == 0 || col == n - 1;
            let value = sdf[i].abs();
            if a.best.is_none_or(|(v, _)| value > v) {
                a.best = Some((value, i));
            }
        }
    }
    flush(&mut run);
    let px_area = prep.grid.em_per_px * prep.grid.em_per_px;
    let grid = prep.grid;
    let em_of = |i: usize| {
        let p = grid.em_from_px(i / n, i % n);
        [p.x, p.y]
    };

    let mut id_of: BTreeMap<u32, u32> = BTreeMap::new();
    let b = prep.boundary.bounds;
    let exterior_anchor = [(grid.x0 + b.min.x) / 2.0, (grid.y0 + b.max.y) / 2.0];
    let mut list = vec![Region {
        id: 0,
        kind: RegionKind::Exterior,
        anchor: exterior_anchor,
        area_px: 0,
        area_em2: 0.0,
        part: None,
        contour: None,
    }];
    for (&key, a) in acc.iter().filter(|(k, _)| **k < ink_base) {
        if a.touches_border {
            id_of.insert(key, 0);
            list[0].area_px += a.area;
        }
    }
    for (&key, a) in acc
        .iter()
        .filter(|(k, a)| **k < ink_base && !a.touches_border)
    {
        let id = list.len() as u32;
        id_of.insert(key, id);
        let best = a.best.map_or(key as usize, |(_, i)| i);
        list.push(Region {
            id,
            kind: RegionKind::Counter,
            anchor: em_of(best),
            area_px: a.area,
            area_em2: 0.0,
            part: None,
            contour: None,
        });
    }
    for (&key, a) in acc.iter().filter(|(k, _)| **k >= ink_base) {
        let id = list.len() as u32;
        id_of.insert(key, id);
        let part = key - ink_base;
        let fallback = a.best.map_or([0.0, 0.0], |(_, i)| em_of(i));
        let anchor = part_anchor(prep, raw, part)
            .filter(|p| key_at(prep, raw, *p) == Some(key))
            .unwrap_or(fallback);
        list.push(Region {
            id,
            kind: RegionKind::Ink,
            anchor,
            area_px: a.area,
            area_em2: 0.0,
            part: Some(part),
            contour: prep.boundary.parts.get(part as usize).map(|p| p.loop_index),
        });
    }
    for r in &mut list {
        r.area_em2 = r.area_px as f64 * px_area;
    }
    let mut last = (u32::MAX, 0);
    let ids = raw.region_keys.mapv(|k| {
        if k != last.0 {
            last = (k, id_of.get(&k).copied().unwrap_or(0));
        }
        last.1
    });
    (ids, list)
}

fn key_at(prep: &Prepared, raw: &RawFields, p: [f64; 2]) -> Option<u32> {
    let (row, col) = prep.grid.px_from_em(EmPoint::new(p[0], p[1]))?;
    Some(raw.region_keys[[row, col]])
}

/// Bilinear sample of the signed distance at an em point.
fn sample_sdf(prep: &Prepared, raw: &RawFields, p: EmPoint) -> f64 {
    let g = prep.grid;
    let n = g.size as f64;
    let fx = ((p.x - g.x0) / g.em_per_px - 0.5).clamp(0.0, n - 1.0);
    let fy = ((g.y0 - p.y) / g.em_per_px - 0.5).clamp(0.0, n - 1.0);
    let (c0, r0) = (fx.floor() as usize, fy.floor() as usize);
    let (c1, r1) = (
        (c0 + 1).min(g.size as usize - 1),
        (r0 + 1).min(g.size as usize - 1),
    );
    let (tx, ty) = (fx - c0 as f64, fy - r0 as f64);
    let s = |r: usize, c: usize| raw.sdf[[r, c]] as f64;
    let top = s(r0, c0) * (1.0 - tx) + s(r0, c1) * tx;
    let bottom = s(r1, c0) * (1.0 - tx) + s(r1, c1) * tx;
    top * (1.0 - ty) + bottom * ty
}

/// The anchor of an ink part (see the module docs).
fn part_anchor(prep: &Prepared, raw: &RawFields, part: u32) -> Option<[f64; 2]> {
    let boundary = &prep.boundary;
    let lines = &boundary.parts.get(part as usize)?.lines;
    let total: f64 = lines
        .iter()
        .map(|&i| boundary.lines[i as usize].length())
        .sum();
    let mut walked = 0.0;
    for &i in lines {
        let l = boundary.lines[i as usize];
        let len = l.length();
        if walked + len >= total / 2.0 && len > 0.0 {
            let t = ((total / 2.0 - walked) / len).clamp(0.0, 1.0);
            let m = l.a.lerp(l.b, t);
            let d = l.b.sub(l.a).scale(1.0 / len);
            let inward = EmPoint::new(-d.y, d.x);
            let step = prep.grid.em_per_px * 0.25;
            let slack = prep.grid.em_per_px * 0.75;
            let mut reach = 0.0;
            let mut s = step;
            while s < prep.grid.side_em() {
                let depth = -sample_sdf(prep, raw, m.add(inward.scale(s)));
                if depth < s - slack {
                    break;
                }
                reach = s;
                s += step;
            }
            let a = m.add(inward.scale(reach / 2.0));
            return Some([a.x, a.y]);
        }
        walked += len;
    }
    None
}
