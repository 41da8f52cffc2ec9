//! Projections of embedding rows to the plane: PCA (the two directions of largest variance:
//! the covariance diagonalised directly up to 256 dimensions, by subspace iteration beyond,
//! so a thousand-dimensional import costs n·d per step, never d³) and t-SNE (Barnes–Hut, the
//! `bhtsne` crate), from exact neighbours and a PCA start so that it is deterministic.
//! Where the two largest variances are equal the axes are any pair spanning their plane;
//! the answer is still the same for the same input.

use ndarray::{Array2, ArrayView2, Axis};

/// The first two principal components of some rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Pca {
    /// The rows' mean.
    pub mean: Vec<f64>,
    /// Unit axes, largest variance first; each signed so that its largest component (by
    /// magnitude, first on ties) is positive.
    pub axes: [Vec<f64>; 2],
    /// The variance along each axis (eigenvalues of the covariance, divided by n − 1).
    pub variances: [f64; 2],
    /// Each row's coordinates on the axes.
    pub positions: Vec<[f64; 2]>,
    /// Subspace iterations taken.
    pub iterations: usize,
}

/// Vectors beyond the two wanted: the iteration converges at the rate of λ₂/λ₆ rather than
/// λ₂/λ₃, which matters when the second and third variances are close.
const SUBSPACE: usize = 6;
const MAX_ITERATIONS: usize = 1000;
/// Up to this many dimensions the covariance matrix is formed and diagonalised directly.
const DIRECT_MAX_DIM: usize = 256;

/// PCA of `rows` (one sample per row). `seed` picks the start of the iteration; the result
/// does not depend on it beyond rounding.
pub fn pca(rows: ArrayView2<f32>, seed: u64) -> Pca {
    let (n, d) = rows.dim();
    let mut mean = vec![0.0f64; d];
    for row in rows.axis_iter(Axis(0)) {
        for (m, &v) in mean.iter_mut().zip(row) {
            *m += f64::from(v);
        }
    }
    mean.iter_mut().for_each(|m| *m /= n.max(1) as f64);
    let x = Array2::from_shape_fn((n, d), |(i, j)| f64::from(rows[[i, j]]) - mean[j]);
    let p = SUBSPACE.min(d);
    if (2..=DIRECT_MAX_DIM).contains(&d) && n > 0 {
        // Few dimensions: the covariance itself, diagonalised (n·d² once, then d³).
        let cov = x.t().dot(&x);
        let (values, vectors) = symmetric_eigen(&cov);
        return finish(mean, &x, &values, &vectors, 0, n);
    }
    if p == 0 || n == 0 {
        return Pca {
            mean,
            axes: [vec![0.0; d], vec![0.0; d]],
            variances: [0.0; 2],
            positions: vec![[0.0; 2]; n],
            iterations: 0,
        };
    }
    // A seeded start (splitmix64), made orthonormal.
    let mut state = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut q = Array2::from_shape_fn((d, p), |_| {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    });
    orthonormalise(&mut q);
    let mut previous: Option<Array2<f64>> = None;
    let mut iterations = 0;
    let (values, ritz) = loop {
        iterations += 1;
        // Rayleigh–Ritz: the covariance within the subspace, diagonalised, rotates the
        // basis onto its best approximations of the eigenvectors.
        let y = x.dot(&q);
        let small = y.t().dot(&y);
        let (values, vectors) = symmetric_eigen(&small);
        let ritz = q.dot(&vectors);
        // Converged when each wanted axis stopped turning (an axis of no variance, as in
        // data of rank one, has nothing to converge to).
        let converged = previous.as_ref().is_some_and(|prev| {
            (0..2.min(p)).all(|k| {
                let cos: f64 = prev.column(k).dot(&ritz.column(k));
                values[k] <= values[0] * 1e-12 || 1.0 - cos.abs() < 1e-14
            })
        });
        if converged || iterations >= MAX_ITERATIONS || values[0] <= 0.0 {
            break (values, ritz);
        }
        previous = Some(ritz.clone());
        // One step of subspace iteration: C·Q = Xᵀ(X·Q), made orthonormal.
        q = x.t().dot(&x.dot(&ritz));
        orthonormalise(&mut q);
    };
    finish(mean, &x, &values, &ritz, iterations, n)
}

/// The axes (the first two columns of `vectors`, signed), their variances and the rows'
/// coordinates.
fn finish(
    mean: Vec<f64>,
    x: &Array2<f64>,
    values: &[f64],
    vectors: &Array2<f64>,
    iterations: usize,
    n: usize,
) -> Pca {
    let (d, p) = vectors.dim();
    let ritz = vectors;
    let axis = |k: usize| -> Vec<f64> {
        if k >= p {
            return vec![0.0; d];
        }
        let mut v: Vec<f64> = ritz.column(k).to_vec();
        let mut big = 0usize;
        for (i, c) in v.iter().enumerate() {
            if c.abs() > v[big].abs() + 1e-12 {
                big = i;
            }
        }
        if v[big] < 0.0 {
            v.iter_mut().for_each(|c| *c = -*c);
        }
        v
    };
    let axes = [axis(0), axis(1)];
    let positions = x
        .axis_iter(Axis(0))
        .map(|row| {
            [
                row.iter().zip(&axes[0]).map(|(a, b)| a * b).sum(),
                row.iter().zip(&axes[1]).map(|(a, b)| a * b).sum(),
            ]
        })
        .collect();
    let denominator = (n.max(2) - 1) as f64;
    Pca {
        mean,
        variances: [
            values[0].max(0.0) / denominator,
            values.get(1).copied().unwrap_or(0.0).max(0.0) / denominator,
        ],
        axes,
        positions,
        iterations,
    }
}

/// Modified Gram–Schmidt on the columns; a column that vanishes becomes zero.
fn orthonormalise(q: &mut Array2<f64>) {
    for k in 0..q.ncols() {
        for j in 0..k {
            let dot = q.column(j).dot(&q.column(k));
            let (left, mut right) = q.view_mut().split_at(Axis(1), k);
            right.column_mut(0).scaled_add(-dot, &left.column(j));
        }
        let norm = q.column(k).dot(&q.column(k)).sqrt();
        let mut col = q.column_mut(k);
        if norm > 1e-300 {
            col /= norm;
        } else {
            col.fill(0.0);
        }
    }
}

/// Eigenvalues (largest first) and unit eigenvectors (as columns, in the same order) of a
/// small symmetric matrix, by cyclic Jacobi rotations.
pub fn symmetric_eigen(a: &Array2<f64>) -> (Vec<f64>, Array2<f64>) {
    let n = a.nrows();
    let mut a = a.clone();
    let mut v = Array2::<f64>::eye(n);
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[[i, j]] * a[[i, j]])
            .sum();
        let scale: f64 = (0..n)
            .map(|i| a[[i, i]] * a[[i, i]])
            .sum::<f64>()
            .max(1e-300);
        if off <= 1e-30 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[[p, q]];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[[q, q]] - a[[p, p]]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[[k, p]], a[[k, q]]);
                    a[[k, p]] = c * akp - s * akq;
                    a[[k, q]] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[[p, k]], a[[q, k]]);
                    a[[p, k]] = c * apk - s * aqk;
                    a[[q, k]] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[[k, p]], v[[k, q]]);
                    v[[k, p]] = c * vkp - s * vkq;
                    v[[k, q]] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[[j, j]].total_cmp(&a[[i, i]]).then(i.cmp(&j)));
    let values = order.iter().map(|&i| a[[i, i]]).collect();
    let vectors = Array2::from_shape_fn((n, n), |(r, c)| v[[r, order[c]]]);
    (values, vectors)
}

/// The fewest rows t-SNE is run on; fewer are left at their PCA places.
pub const TSNE_MIN_ROWS: usize = 10;

/// Barnes–Hut t-SNE of `rows` (Euclidean distance) from `start` (one place per row, e.g.
/// PCA's), for `epochs` steps; `progress` hears each epoch. Perplexity 30, or less for a
/// small set (the method needs n − 1 ≥ 3 × perplexity). Runs on one thread: the crate's
/// parallel sums would make the result depend on scheduling.
pub fn tsne(
    rows: ArrayView2<f32>,
    start: &[[f64; 2]],
    epochs: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<[f64; 2]> {
    let n = rows.nrows();
    if n < TSNE_MIN_ROWS {
        return start.to_vec();
    }
    let perplexity = 30.0f32.min(((n - 1) / 3) as f32);
    // Exact neighbours, ties by index: the crate's own search starts from random vantage
    // points, and equal distances (symbols of the same meaning) would then come out in a
    // different order each run.
    let neighbours = nearest_neighbours(rows, (3.0 * perplexity) as usize);
    let samples: Vec<usize> = (0..n).collect();
    // As scikit-learn does with a PCA start: scaled so the first coordinate's standard
    // deviation is 1e-4 (the optimisation then starts from PCA's arrangement, not its
    // spread).
    let spread = (start.iter().map(|p| p[0] * p[0]).sum::<f64>() / n as f64).sqrt();
    let scale = if spread > 0.0 { 1e-4 / spread } else { 1.0 };
    // Plus a tiny seeded spread: rows that are the same (symbols without components share
    // the zero embedding) would otherwise start on one point, which the Barnes–Hut tree
    // cannot split.
    let jitter = |i: usize, k: u64| {
        let mut z = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ k;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let init: Vec<f32> = start
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            [
                (p[0] * scale + 1e-5 * jitter(i, 1)) as f32,
                (p[1] * scale + 1e-5 * jitter(i, 2)) as f32,
            ]
        })
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    let embedding = pool.install(|| {
        let mut t = bhtsne::tSNE::<f32, usize, 2>::new(&samples);
        t.perplexity(perplexity)
            .epochs(epochs)
            .initial_embedding(init)
            .epoch_callback(|epoch, _| progress(epoch))
            .barnes_hut_with_neighbors(0.5, &neighbours);
        t.embedding()
    });
    embedding
        .chunks_exact(2)
        .map(|c| [f64::from(c[0]), f64::from(c[1])])
        .collect()
}

/// Each row's `k` nearest other rows by Euclidean distance, nearest first, ties by index:
/// blocks of rows against all rows as one matrix product (|a|² + |b|² − 2a·b), rows shared
/// out on rayon (each row's answer is its own, so the result does not depend on the
/// scheduling).
pub fn nearest_neighbours(rows: ArrayView2<f32>, k: usize) -> Vec<Vec<bhtsne::Neighbor<f32>>> {
    use rayon::prelude::*;
    let n = rows.nrows();
    let k = k.min(n.saturating_sub(1)).max(1);
    let norms: Vec<f32> = rows.axis_iter(Axis(0)).map(|r| r.dot(&r)).collect();
    const BLOCK: usize = 256;
    let blocks: Vec<usize> = (0..n).step_by(BLOCK).collect();
    blocks
        .par_iter()
        .flat_map_iter(|&start| {
            let end = (start + BLOCK).min(n);
            let block = rows.slice(ndarray::s![start..end, ..]);
            let dots = block.dot(&rows.t());
            let norms = &norms;
            (start..end)
                .map(move |i| {
                    let row = dots.row(i - start);
                    let mut found: Vec<(f32, usize)> = (0..n)
                        .filter(|&j| j != i)
                        .map(|j| ((norms[i] + norms[j] - 2.0 * row[j]).max(0.0), j))
                        .collect();
                    let by = |a: &(f32, usize), b: &(f32, usize)| {
                        a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
                    };
                    if found.len() > k {
                        found.select_nth_unstable_by(k - 1, by);
                        found.truncate(k);
                    }
                    found.sort_unstable_by(by);
                    // A fresh vector of k: collecting `found` in place would keep its
                    // capacity of n per row (n² in all).
                    let mut row = Vec::with_capacity(k);
                    row.extend(found.iter().map(|&(d2, index)| bhtsne::Neighbor {
                        index,
                        distance: d2.sqrt(),
                    }));
                    row
                })
                .collect::<Vec<_>>()
        })
        .collect()
}
