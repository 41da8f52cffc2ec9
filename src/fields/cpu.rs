//! CPU twins of the field passes, written to read like `shaders/*.wgsl`: same names, same
//! `f32` arithmetic in the same order, so the two can be compared side by side and in tests.
//! The twins may compute the same thing faster than a pixel-at-a-time loop: the distance
//! runs eight pixels of a tile row at once in SIMD lanes (`wide::f32x8`), the curvature
//! stencil reads rows as slices, and rows are shared out over rayon's pool of workers
//! (sized once per process). Each pixel's result does not depend on either.

use ndarray::{Array2, ArrayViewMut1, Axis};
use rayon::prelude::*;
use wide::{CmpGt, CmpLt, f32x8, i32x8, u32x8};

use super::prepare::FieldParams;
use super::{Prepared, RawFields};

const NO_LINE: u32 = u32::MAX;

/// Runs every pass, in the order the GPU runs them.
pub fn compute(prep: &Prepared) -> RawFields {
    let (sdf, nearest) = distance(prep);
    let curvature = curvature(&prep.params, &sdf);
    let density = density(&prep.params, &sdf);
    let (labels, voids) = voids(&prep.params, &sdf);
    let region_keys = regions(prep, &sdf, &labels, &nearest);
    RawFields {
        sdf,
        nearest,
        curvature,
        density,
        voids,
        labels,
        region_keys,
    }
}

/// Calls `f(row, values)` for every row of `out`, over rayon's workers.
fn for_each_row<T: Send + Sync>(
    out: &mut Array2<T>,
    f: impl Fn(usize, ArrayViewMut1<T>) + Sync + Send,
) {
    out.axis_iter_mut(Axis(0))
        .into_par_iter()
        .enumerate()
        .for_each(|(row, values)| f(row, values));
}

/// Calls `f(row, a, b)` for every row of two `n`-wide row-major buffers, over rayon's workers.
fn for_each_row_pair<A: Send, B: Send>(
    n: usize,
    a: &mut [A],
    b: &mut [B],
    f: impl Fn(usize, &mut [A], &mut [B]) + Sync + Send,
) {
    a.par_chunks_mut(n)
        .zip(b.par_chunks_mut(n))
        .enumerate()
        .for_each(|(row, (a, b))| f(row, a, b));
}

fn pixel_em(p: &FieldParams, row: usize, col: usize) -> [f32; 2] {
    [
        p.x0 + (col as f32 + 0.5) * p.em_per_px,
        p.y0 - (row as f32 + 0.5) * p.em_per_px,
    ]
}

/// What a sharp overlay draws, as [`super::Passes::Sharp`] computes it on the GPU: the
/// distance, curvature, voids and the ink's region keys. The density is left zero and the
/// empty space's keys are each pixel's own index (an overlay reads both from its base).
pub fn sharp(prep: &Prepared) -> RawFields {
    let (sdf, nearest) = distance(prep);
    let curvature = curvature(&prep.params, &sdf);
    let n = prep.params.size as usize;
    let labels = Array2::from_shape_fn((n, n), |(r, c)| (r * n + c) as u32);
    let region_keys = regions(prep, &sdf, &labels, &nearest);
    RawFields {
        voids: sdf.mapv(|d| d.max(0.0)),
        density: Array2::zeros((n, n)),
        sdf,
        nearest,
        curvature,
        labels,
        region_keys,
    }
}

/// Twin of `shaders/distance.wgsl`: signed distance and nearest segment per pixel.
///
/// The shader gives each pixel of an 8×8 tile the tile's candidate list; here the eight
/// pixels of a tile's row run in the eight lanes of an `f32x8`, each lane with the shader's
/// arithmetic. A tile's candidates are in increasing index order (`prepare::bin_tiles`
/// filters the sorted list of all segments), so the shader's tie rule — the lower index
/// wins an equal distance — is "keep the first strictly nearer" here.
pub fn distance(prep: &Prepared) -> (Array2<f32>, Array2<u32>) {
    let params = &prep.params;
    let n = params.size as usize;
    let tile = super::prepare::TILE as usize;
    debug_assert_eq!(tile, LANES);
    let mut sdf = vec![0.0f32; n * n];
    let mut nearest = vec![NO_LINE; n * n];
    for_each_row_pair(n, &mut sdf, &mut nearest, |row, sdf, nearest| {
        let py = pixel_em(params, row, 0)[1];
        let crossings = row_crossings(prep, row, py);
        for (tx, start) in (0..n).step_by(LANES).enumerate() {
            let px = f32x8::new(std::array::from_fn(|lane| {
                pixel_em(params, row, start + lane)[0]
            }));
            let t = (row / tile) * params.tiles as usize + tx;
            let items =
                &prep.tile_items[prep.tile_start[t] as usize..prep.tile_start[t + 1] as usize];
            let (best_d2, best_line) = nearest_in_lanes(px, py, items, &prep.lines);
            let winding = winding_in_lanes(px, &crossings);
            let d = best_d2.sqrt().to_array();
            let best_line = best_line.to_array();
            let winding = winding.to_array();
            let end = (start + LANES).min(n);
            for (lane, col) in (start..end).enumerate() {
                sdf[col] = if winding[lane] != 0 {
                    -d[lane]
                } else {
                    d[lane]
                };
                nearest[col] = best_line[lane];
            }
        }
    });
    (
        Array2::from_shape_vec((n, n), sdf).expect("n × n distances"),
        Array2::from_shape_vec((n, n), nearest).expect("n × n nearest segments"),
    )
}

/// Pixels of a tile row, one per SIMD lane.
const LANES: usize = 8;

/// `segment_distance2` and the nearest-segment loop of `distance.wgsl`, for the eight
/// pixels (`px`, `py`) over one tile's candidates.
fn nearest_in_lanes(px: f32x8, py: f32, items: &[u32], lines: &[[f32; 4]]) -> (f32x8, u32x8) {
    let py = f32x8::splat(py);
    let (zero, one) = (f32x8::splat(0.0), f32x8::splat(1.0));
    let mut best_d2 = f32x8::splat(3.0e38);
    let mut best_line = u32x8::splat(NO_LINE);
    for &li in items {
        let line = lines[li as usize];
        let (ax, ay) = (line[0], line[1]);
        let ab = [line[2] - ax, line[3] - ay];
        let len2 = ab[0] * ab[0] + ab[1] * ab[1];
        let (ax, ay) = (f32x8::splat(ax), f32x8::splat(ay));
        let (abx, aby) = (f32x8::splat(ab[0]), f32x8::splat(ab[1]));
        let t = if len2 > 0.0 {
            (((px - ax) * abx + (py - ay) * aby) / f32x8::splat(len2))
                .fast_max(zero)
                .fast_min(one)
        } else {
            zero
        };
        let qx = px - (ax + t * abx);
        let qy = py - (ay + t * aby);
        let d2 = qx * qx + qy * qy;
        let nearer = d2.cmp_lt(best_d2);
        best_d2 = nearer.blend(d2, best_d2);
        let nearer: u32x8 = bytemuck::cast(nearer);
        best_line = nearer.blend(u32x8::splat(li), best_line);
    }
    (best_d2, best_line)
}

/// Where each segment that crosses a row's centre line `py` crosses it, and which way:
/// the part of `crossing` in `distance.wgsl` that is the same for every pixel of the row.
fn row_crossings(prep: &Prepared, row: usize, py: f32) -> Vec<(f32, i32)> {
    let items = &prep.row_items[prep.row_start[row] as usize..prep.row_start[row + 1] as usize];
    items
        .iter()
        .filter_map(|&li| {
            let line = prep.lines[li as usize];
            let (a, b) = ([line[0], line[1]], [line[2], line[3]]);
            if (a[1] <= py) == (b[1] <= py) {
                return None;
            }
            let x = a[0] + (py - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
            Some((x, if b[1] > a[1] { 1 } else { -1 }))
        })
        .collect()
}

/// The winding number of eight pixels of a row: the rest of `crossing` (`x > p.x`).
fn winding_in_lanes(px: f32x8, crossings: &[(f32, i32)]) -> i32x8 {
    let mut winding = i32x8::splat(0);
    for &(x, dir) in crossings {
        let right: i32x8 = bytemuck::cast(f32x8::splat(x).cmp_gt(px));
        winding += right & i32x8::splat(dir);
    }
    winding
}

/// Twin of `shaders/curvature.wgsl`: level-set curvature in 1/em. Rows are read as slices
/// and the columns clamped at the edges, as the shader clamps its loads.
pub fn curvature(params: &FieldParams, sdf: &Array2<f32>) -> Array2<f32> {
    let n = params.size as usize;
    let sdf = sdf.as_slice().expect("a standard-layout distance field");
    let mut out = vec![0.0f32; n * n];
    out.par_chunks_mut(n).enumerate().for_each(|(row, values)| {
        let line = |r: usize| &sdf[r * n..(r + 1) * n];
        let (up, mid, down) = (
            line(row.saturating_sub(1)),
            line(row),
            line((row + 1).min(n - 1)),
        );
        let at = |col: usize| {
            curvature_at(
                params,
                up,
                mid,
                down,
                col.saturating_sub(1),
                col,
                (col + 1).min(n - 1),
            )
        };
        values[0] = at(0);
        // The inner columns eight at a time, then the rest one by one.
        let mut col = 1;
        while col + LANES < n {
            let lanes = curvature_lanes(params, up, mid, down, col);
            values[col..col + LANES].copy_from_slice(&lanes.to_array());
            col += LANES;
        }
        for (col, value) in values.iter_mut().enumerate().take(n - 1).skip(col) {
            *value = curvature_at(params, up, mid, down, col - 1, col, col + 1);
        }
        values[n - 1] = at(n - 1);
    });
    Array2::from_shape_vec((n, n), out).expect("n × n curvature")
}

/// [`curvature_at`] for the eight inner columns from `col`, in SIMD lanes, with the same
/// operations in the same order.
#[inline(always)]
fn curvature_lanes(
    params: &FieldParams,
    up: &[f32],
    mid: &[f32],
    down: &[f32],
    col: usize,
) -> f32x8 {
    let load = |row: &[f32], from: usize| {
        f32x8::new(row[from..from + LANES].try_into().expect("eight columns"))
    };
    let h = params.em_per_px;
    let (two_h, h2, four_h2) = (
        f32x8::splat(2.0 * h),
        f32x8::splat(h * h),
        f32x8::splat(4.0 * h * h),
    );
    let two = f32x8::splat(2.0);
    let d = load(mid, col);
    let (ml, mr) = (load(mid, col - 1), load(mid, col + 1));
    let (ul, uc, ur) = (load(up, col - 1), load(up, col), load(up, col + 1));
    let (dl, dc, dr) = (load(down, col - 1), load(down, col), load(down, col + 1));
    let dx = (mr - ml) / two_h;
    let dy = (uc - dc) / two_h;
    let dxx = (mr - two * d + ml) / h2;
    let dyy = (uc - two * d + dc) / h2;
    let dxy = (ur - ul - dr + dl) / four_h2;
    let g2 = dx * dx + dy * dy;
    let k = (dxx * dy * dy - two * dx * dy * dxy + dyy * dx * dx) / (g2 * g2.sqrt());
    let k = g2.cmp_gt(f32x8::splat(1e-12)).blend(k, f32x8::splat(0.0));
    let limit = params.curvature_limit;
    k.fast_max(f32x8::splat(-limit))
        .fast_min(f32x8::splat(limit))
}

/// One pixel of `curvature.wgsl`: central differences over the rows above, at and below,
/// columns `l`, `c`, `r`.
#[inline(always)]
fn curvature_at(
    params: &FieldParams,
    up: &[f32],
    mid: &[f32],
    down: &[f32],
    l: usize,
    c: usize,
    r: usize,
) -> f32 {
    let h = params.em_per_px;
    let d = mid[c];
    let dx = (mid[r] - mid[l]) / (2.0 * h);
    let dy = (up[c] - down[c]) / (2.0 * h);
    let dxx = (mid[r] - 2.0 * d + mid[l]) / (h * h);
    let dyy = (up[c] - 2.0 * d + down[c]) / (h * h);
    let dxy = (up[r] - up[l] - down[r] + down[l]) / (4.0 * h * h);
    let g2 = dx * dx + dy * dy;
    let mut k = 0.0;
    if g2 > 1e-12 {
        k = (dxx * dy * dy - 2.0 * dx * dy * dxy + dyy * dx * dx) / (g2 * g2.sqrt());
    }
    let limit = params.curvature_limit;
    k.clamp(-limit, limit)
}

fn coverage(params: &FieldParams, d: f32) -> f32 {
    (0.5 - d / params.em_per_px).clamp(0.0, 1.0)
}

/// Gaussian weights for offsets `-r..=r` (σ = `sigma_px`), normalised to sum to one; the
/// buffer `weights` of `shaders/density.wgsl`.
pub fn density_weights(params: &FieldParams) -> Vec<f32> {
    let r = params.kernel_radius as i32;
    let w: Vec<f64> = (-r..=r)
        .map(|k| {
            let x = k as f64 / params.sigma_px as f64;
            (-0.5 * x * x).exp()
        })
        .collect();
    let total: f64 = w.iter().sum();
    w.iter().map(|v| (v / total) as f32).collect()
}

/// Twin of `shaders/density.wgsl`: `downsample`, `blur_rows`, `blur_columns`, `upsample`.
pub fn density(params: &FieldParams, sdf: &Array2<f32>) -> Array2<f32> {
    let n = params.size as usize;
    let m = params.density_size as usize;
    let s = params.density_step as usize;
    let r = params.kernel_radius as i32;
    let weights = density_weights(params);
    // downsample
    let mut coarse = Array2::<f32>::zeros((m, m));
    for_each_row(&mut coarse, |row, mut values| {
        let r0 = row * s;
        for (col, value) in values.iter_mut().enumerate() {
            let c0 = col * s;
            let mut sum = 0.0f32;
            let mut count = 0u32;
            for rr in r0..(r0 + s).min(n) {
                for cc in c0..(c0 + s).min(n) {
                    sum += coverage(params, sdf[[rr, cc]]);
                    count += 1;
                }
            }
            *value = sum / count as f32;
        }
    });
    // blur_rows: each pixel's sum runs over k in increasing order, as in the shader; here
    // one k at a time across the whole row (a vectorisable multiply-add over a slice).
    let mi = m as i32;
    let mut rows_blurred = Array2::<f32>::zeros((m, m));
    for_each_row(&mut rows_blurred, |row, mut values| {
        let input = coarse.row(row);
        let (input, values) = (
            input.as_slice().expect("a standard-layout row"),
            values.as_slice_mut().expect("a standard-layout row"),
        );
        for k in -r..=r {
            let w = weights[(k + r) as usize];
            // Columns c with 0 ≤ c + k < m.
            // (A kernel wider than the grid leaves no columns for the far taps.)
            let (lo, hi) = ((-k).max(0), mi - k.max(0));
            if lo >= hi {
                continue;
            }
            let (lo, hi) = (lo as usize, hi as usize);
            let from = &input[(lo as i32 + k) as usize..(hi as i32 + k) as usize];
            for (sum, &x) in values[lo..hi].iter_mut().zip(from) {
                *sum += w * x;
            }
        }
    });
    // blur_columns: the same sums per pixel, in the same order, a whole row at a time.
    let mut blurred = Array2::<f32>::zeros((m, m));
    for_each_row(&mut blurred, |row, mut values| {
        let row = row as i32;
        for k in (-r).max(-row)..=r.min(mi - 1 - row) {
            let w = weights[(k + r) as usize];
            let input = rows_blurred.row((row + k) as usize);
            values.zip_mut_with(&input, |sum, &x| *sum += w * x);
        }
    });
    // upsample
    // The shader's sample position along one axis: the two coarse pixels and the weight.
    // It depends on the column alone (or the row alone), so columns are worked out once.
    let mut out = Array2::zeros((n, n));
    let step = params.density_step as f32;
    let last = (m - 1) as f32;
    let sample = |i: usize| {
        let f = ((i as f32 + 0.5) / step - 0.5).clamp(0.0, last);
        let i0 = f.floor() as usize;
        (i0, (i0 + 1).min(m - 1), f - i0 as f32)
    };
    let columns: Vec<(usize, usize, f32)> = (0..n).map(sample).collect();
    let mix = |a: f32, b: f32, t: f32| a * (1.0 - t) + b * t;
    for_each_row(&mut out, |row, mut values| {
        let (y0, y1, ty) = sample(row);
        let (top, bottom) = (blurred.row(y0), blurred.row(y1));
        let (top, bottom) = (
            top.as_slice().expect("a standard-layout row"),
            bottom.as_slice().expect("a standard-layout row"),
        );
        for (value, &(x0, x1, tx)) in values.iter_mut().zip(&columns) {
            let t = mix(top[x0], top[x1], tx);
            let b = mix(bottom[x0], bottom[x1], tx);
            *value = mix(t, b, ty).clamp(0.0, 1.0);
        }
    });
    out
}

/// Twin of `shaders/voids.wgsl`: component labels (smallest pixel index of each
/// component; empty space 4-connected, ink 8-connected) and distance to the ink.
pub fn voids(params: &FieldParams, sdf: &Array2<f32>) -> (Array2<u32>, Array2<f32>) {
    let n = params.size as usize;
    let ink: Vec<bool> = sdf.iter().map(|&d| d < 0.0).collect();
    // init
    let mut labels: Vec<u32> = (0..(n * n) as u32).collect();
    let voids = sdf.mapv(|d| d.max(0.0));
    // merge
    // While merging, each walk to a root also halves its path (every node on it points to
    // its grandparent): the roots, and so the labels, are the same; the walks stay short.
    let find_root = |labels: &mut [u32], start: u32| {
        let mut x = start;
        loop {
            let parent = labels[x as usize];
            if parent == x {
                return x;
            }
            let grandparent = labels[parent as usize];
            labels[x as usize] = grandparent;
            x = grandparent;
        }
    };
    let unite = |labels: &mut Vec<u32>, i: u32, j: u32| {
        let a = find_root(labels, i);
        let b = find_root(labels, j);
        if a < b {
            labels[b as usize] = a;
        } else if b < a {
            labels[a as usize] = b;
        }
    };
    // A raster scan unites each pixel with its earlier neighbours of the same kind, and
    // skips a union whose two sides are already joined through a neighbour it has just
    // joined (the left pixel and the ones above are neighbours of each other): the
    // components, and so their smallest indices, are the same.
    for row in 0..n {
        for col in 0..n {
            let i = row * n + col;
            let is_ink = ink[i];
            let left = col > 0 && ink[i - 1] == is_ink;
            if left {
                // `i` is still alone: it joins the left pixel's tree directly.
                labels[i] = labels[i - 1];
            }
            if row == 0 {
                continue;
            }
            let up = i - n;
            let above = ink[up] == is_ink;
            let above_left = col > 0 && ink[up - 1] == is_ink;
            // Left and above-left are joined (one above the other), as are above-left and
            // above (side by side).
            if above && !(left && above_left) {
                unite(&mut labels, i as u32, up as u32);
            }
            if is_ink {
                // Diagonals join ink only. Above-left is already joined through the left
                // pixel or the one above; above-right through the one above.
                if above_left && !left && !above {
                    unite(&mut labels, i as u32, (up - 1) as u32);
                }
                if col + 1 < n && ink[up + 1] && !above {
                    unite(&mut labels, i as u32, (up + 1) as u32);
                }
            }
        }
    }
    // compress: a parent's index is never above its child's (a union points the larger
    // root at the smaller; halving points at an ancestor), so in increasing order every
    // parent already holds its root.
    for i in 0..n * n {
        labels[i] = labels[labels[i] as usize];
    }
    let labels = Array2::from_shape_vec((n, n), labels).expect("n × n labels");
    (labels, voids)
}

/// Twin of `shaders/regions.wgsl`: region keys per pixel.
pub fn regions(
    prep: &Prepared,
    sdf: &Array2<f32>,
    labels: &Array2<u32>,
    nearest: &Array2<u32>,
) -> Array2<u32> {
    let n = prep.params.size;
    let mut keys = Array2::zeros(sdf.raw_dim());
    ndarray::Zip::from(&mut keys)
        .and(sdf)
        .and(labels)
        .and(nearest)
        .for_each(|k, &d, &label, &near| {
            *k = if d < 0.0 {
                n * n
                    + prep
                        .boundary
                        .part_of
                        .get(near as usize)
                        .copied()
                        .unwrap_or(0)
            } else {
                label
            };
        });
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::FieldOptions;
    use crate::glyph::FontSet;

    /// The SIMD lanes of the curvature stencil do what the one-pixel version does, bit for
    /// bit, on a real glyph (and so on every column, lanes or not).
    #[test]
    fn curvature_lanes_equal_the_one_pixel_stencil_exactly() {
        let outline = FontSet::bundled().outline('@').expect("covered");
        let prep =
            Prepared::new(&outline, &FieldOptions::DEFAULT.with_size(100)).expect("prepares");
        let (sdf, _) = distance(&prep);
        let fast = curvature(&prep.params, &sdf);
        let n = prep.params.size as usize;
        let flat = sdf.as_slice().expect("standard layout");
        for row in 0..n {
            let line = |r: usize| &flat[r * n..(r + 1) * n];
            let (up, mid, down) = (
                line(row.saturating_sub(1)),
                line(row),
                line((row + 1).min(n - 1)),
            );
            for col in 0..n {
                let one = curvature_at(
                    &prep.params,
                    up,
                    mid,
                    down,
                    col.saturating_sub(1),
                    col,
                    (col + 1).min(n - 1),
                );
                assert_eq!(
                    fast[[row, col]].to_bits(),
                    one.to_bits(),
                    "pixel ({row}, {col})"
                );
            }
        }
    }
}
