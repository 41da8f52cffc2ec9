//! CPU twins of the field passes, written to read like `shaders/*.wgsl`: same names, same
//! loops, same `f32` arithmetic, so the two can be compared side by side and in tests.
//! Rows are shared out over the machine's cores; each pixel's result does not depend on
//! how they are shared.

use ndarray::{Array2, ArrayViewMut1, Axis};

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

/// Calls `f(row, values)` for every row of `out`, over the available cores.
fn for_each_row<T: Send>(out: &mut Array2<T>, f: impl Fn(usize, ArrayViewMut1<T>) + Sync) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rows = out.nrows();
    let chunk = rows.div_ceil(threads).max(1);
    std::thread::scope(|s| {
        for (k, mut block) in out.axis_chunks_iter_mut(Axis(0), chunk).enumerate() {
            let f = &f;
            s.spawn(move || {
                for (j, row) in block.axis_iter_mut(Axis(0)).enumerate() {
                    f(k * chunk + j, row);
                }
            });
        }
    });
}

fn pixel_em(p: &FieldParams, row: usize, col: usize) -> [f32; 2] {
    [
        p.x0 + (col as f32 + 0.5) * p.em_per_px,
        p.y0 - (row as f32 + 0.5) * p.em_per_px,
    ]
}

fn segment_distance2(p: [f32; 2], line: [f32; 4]) -> f32 {
    let a = [line[0], line[1]];
    let ab = [line[2] - a[0], line[3] - a[1]];
    let len2 = ab[0] * ab[0] + ab[1] * ab[1];
    let mut t = 0.0;
    if len2 > 0.0 {
        t = (((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / len2).clamp(0.0, 1.0);
    }
    let q = [p[0] - (a[0] + t * ab[0]), p[1] - (a[1] + t * ab[1])];
    q[0] * q[0] + q[1] * q[1]
}

fn crossing(line: [f32; 4], p: [f32; 2]) -> i32 {
    let (a, b) = ([line[0], line[1]], [line[2], line[3]]);
    if (a[1] <= p[1]) == (b[1] <= p[1]) {
        return 0;
    }
    let x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
    if x > p[0] {
        if b[1] > a[1] { 1 } else { -1 }
    } else {
        0
    }
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
pub fn distance(prep: &Prepared) -> (Array2<f32>, Array2<u32>) {
    let params = &prep.params;
    let n = params.size as usize;
    let tile = super::prepare::TILE as usize;
    let mut out: Array2<(f32, u32)> = Array2::from_elem((n, n), (0.0, NO_LINE));
    for_each_row(&mut out, |row, mut values| {
        for col in 0..n {
            let p = pixel_em(params, row, col);
            let mut best_d2 = 3.0e38f32;
            let mut best_line = NO_LINE;
            let t = (row / tile) * params.tiles as usize + col / tile;
            for &li in
                &prep.tile_items[prep.tile_start[t] as usize..prep.tile_start[t + 1] as usize]
            {
                let d2 = segment_distance2(p, prep.lines[li as usize]);
                if d2 < best_d2 || (d2 == best_d2 && li < best_line) {
                    best_d2 = d2;
                    best_line = li;
                }
            }

            let mut winding = 0;
            let items =
                &prep.row_items[prep.row_start[row] as usize..prep.row_start[row + 1] as usize];
            for &li in items {
                winding += crossing(prep.lines[li as usize], p);
            }
            let d = best_d2.sqrt();
            values[col] = (if winding != 0 { -d } else { d }, best_line);
        }
    });
    (out.mapv(|v| v.0), out.mapv(|v| v.1))
}

/// Twin of `shaders/curvature.wgsl`: level-set curvature in 1/em.
pub fn curvature(params: &FieldParams, sdf: &Array2<f32>) -> Array2<f32> {
    let n = params.size as usize;
    let last = n as i64 - 1;
    let sdf_at =
        |row: i64, col: i64| sdf[[row.clamp(0, last) as usize, col.clamp(0, last) as usize]];
    let mut out = Array2::zeros((n, n));
    for_each_row(&mut out, |row, mut values| {
        let r = row as i64;
        for col in 0..n {
            let c = col as i64;
            let h = params.em_per_px;
            let d = sdf_at(r, c);
            let dx = (sdf_at(r, c + 1) - sdf_at(r, c - 1)) / (2.0 * h);
            let dy = (sdf_at(r - 1, c) - sdf_at(r + 1, c)) / (2.0 * h);
            let dxx = (sdf_at(r, c + 1) - 2.0 * d + sdf_at(r, c - 1)) / (h * h);
            let dyy = (sdf_at(r - 1, c) - 2.0 * d + sdf_at(r + 1, c)) / (h * h);
            let dxy = (sdf_at(r - 1, c + 1) - sdf_at(r - 1, c - 1) - sdf_at(r + 1, c + 1)
                + sdf_at(r + 1, c - 1))
                / (4.0 * h * h);
            let g2 = dx * dx + dy * dy;
            let mut k = 0.0;
            if g2 > 1e-12 {
                k = (dxx * dy * dy - 2.0 * dx * dy * dxy + dyy * dx * dx) / (g2 * g2.sqrt());
            }
            let limit = params.curvature_limit;
            values[col] = k.clamp(-limit, limit);
        }
    });
    out
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
