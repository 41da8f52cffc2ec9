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
        for col in 1..n - 1 {
            values[col] = curvature_at(params, up, mid, down, col - 1, col, col + 1);
        }
        values[n - 1] = at(n - 1);
    });
    Array2::from_shape_vec((n, n), out).expect("n × n curvature")
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
    // blur_rows
    let mi = m as i32;
    let mut rows_blurred = Array2::<f32>::zeros((m, m));
    for_each_row(&mut rows_blurred, |row, mut values| {
        let input = coarse.row(row);
        for c in 0..mi {
            let mut sum = 0.0f32;
            for k in (-r).max(-c)..=r.min(mi - 1 - c) {
                sum += weights[(k + r) as usize] * input[(c + k) as usize];
            }
            values[c as usize] = sum;
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
    let mut out = Array2::zeros((n, n));
    let step = params.density_step as f32;
    let last = (m - 1) as f32;
    for_each_row(&mut out, |row, mut values| {
        let fy = ((row as f32 + 0.5) / step - 0.5).clamp(0.0, last);
        let y0 = fy.floor() as usize;
        let y1 = (y0 + 1).min(m - 1);
        let ty = fy - y0 as f32;
        for col in 0..n {
            let fx = ((col as f32 + 0.5) / step - 0.5).clamp(0.0, last);
            let x0 = fx.floor() as usize;
            let x1 = (x0 + 1).min(m - 1);
            let tx = fx - x0 as f32;
            let mix = |a: f32, b: f32, t: f32| a * (1.0 - t) + b * t;
            let top = mix(blurred[[y0, x0]], blurred[[y0, x1]], tx);
            let bottom = mix(blurred[[y1, x0]], blurred[[y1, x1]], tx);
            values[col] = mix(top, bottom, ty).clamp(0.0, 1.0);
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
    let find_root = |labels: &[u32], start: u32| {
        let mut x = start;
        loop {
            let parent = labels[x as usize];
            if parent == x {
                return x;
            }
            x = parent;
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
    for row in 0..n {
        for col in 0..n {
            let i = row * n + col;
            let is_ink = ink[i];
            if col > 0 && ink[i - 1] == is_ink {
                unite(&mut labels, i as u32, (i - 1) as u32);
            }
            if row > 0 {
                let up = i - n;
                if ink[up] == is_ink {
                    unite(&mut labels, i as u32, up as u32);
                }
                if is_ink && col > 0 && ink[up - 1] {
                    unite(&mut labels, i as u32, (up - 1) as u32);
                }
                if is_ink && col + 1 < n && ink[up + 1] {
                    unite(&mut labels, i as u32, (up + 1) as u32);
                }
            }
        }
    }
    // compress
    for i in 0..n * n {
        labels[i] = find_root(&labels, i as u32);
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
