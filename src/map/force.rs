//! A force-directed layout of the library's graph (Fruchterman–Reingold): linked nodes pull
//! together, near nodes push apart, a weak pull keeps components in view. Repulsion is
//! looked up in a grid of cells two ideal lengths wide, so a step costs about n, not n²:
//! 60,000 nodes are a matter of seconds.
//!
//! Written here rather than taken from a crate: `egui_graphs` (the layout crate that draws
//! in egui) targets egui 0.36 and brings its own widget and graph type, and `forceatlas2`
//! sums forces on rayon in an order that changes between runs; the map needs positions that
//! are the same for the same library and seed, and a step small enough to report progress.

use std::collections::HashMap;

use super::graph::MapGraph;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ForceOptions {
    pub iterations: usize,
    /// Picks the start when no start positions are given.
    pub seed: u64,
}

impl Default for ForceOptions {
    fn default() -> Self {
        Self {
            iterations: 300,
            seed: 1,
        }
    }
}

/// Positions for every node of `graph`, from `start` (e.g. where the semantic layout put
/// them; scaled to the layout's size) or, without one, from a seeded sunflower spiral.
/// `progress` hears each iteration.
pub fn force_layout(
    graph: &MapGraph,
    start: Option<&[[f64; 2]]>,
    options: ForceOptions,
    progress: &dyn Fn(usize),
) -> Vec<[f64; 2]> {
    let n = graph.len();
    if n == 0 {
        return Vec::new();
    }
    // Ideal edge length 1: the layout fills a square of about √n on a side.
    let side = (n as f64).sqrt();
    let mut pos: Vec<[f64; 2]> = match start.filter(|s| s.len() == n) {
        Some(start) => {
            // Each coordinate by its rank: the start keeps the order of the given places but
            // spreads them evenly over the square (a dense cluster would fill a few cells
            // with thousands of nodes, and the push within a cell costs their square).
            let rank = |k: usize| {
                let mut order: Vec<usize> = (0..n).collect();
                order.sort_by(|&a, &b| start[a][k].total_cmp(&start[b][k]).then(a.cmp(&b)));
                let mut r = vec![0.0f64; n];
                for (place, &i) in order.iter().enumerate() {
                    r[i] = (place as f64 + 0.5) / n as f64 - 0.5;
                }
                r
            };
            let (xs, ys) = (rank(0), rank(1));
            (0..n)
                .map(|i| {
                    let j = jitter(options.seed, i);
                    [xs[i] * side + j[0], ys[i] * side + j[1]]
                })
                .collect()
        }
        None => {
            let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
            (0..n)
                .map(|i| {
                    let r = 0.5 * (i as f64 + 0.5).sqrt();
                    let a = i as f64 * golden + options.seed as f64;
                    [r * a.cos(), r * a.sin()]
                })
                .collect()
        }
    };
    let k = 1.0f64;
    let cell = 2.0 * k;
    let mut disp = vec![[0.0f64; 2]; n];
    let mut grid: HashMap<(i64, i64), Vec<u32>> = HashMap::new();
    let iterations = options.iterations.max(1);
    for it in 0..iterations {
        // Temperature: how far a node may move this step, cooling linearly.
        let t = side * 0.1 * (1.0 - it as f64 / iterations as f64) + 0.01;
        disp.iter_mut().for_each(|d| *d = [0.0; 2]);
        grid.values_mut().for_each(Vec::clear);
        let key = |p: &[f64; 2]| ((p[0] / cell).floor() as i64, (p[1] / cell).floor() as i64);
        for (i, p) in pos.iter().enumerate() {
            grid.entry(key(p)).or_default().push(i as u32);
        }
        for i in 0..n {
            let p = pos[i];
            let (cx, cy) = key(&p);
            for dx in -1..=1 {
                for dy in -1..=1 {
                    let Some(cell) = grid.get(&(cx + dx, cy + dy)) else {
                        continue;
                    };
                    // A crowded cell pushes with its first MAX_PER_CELL nodes only (the push
                    // of a crowd is what its first members give, scaled).
                    let scale = (cell.len() as f64 / MAX_PER_CELL as f64).max(1.0);
                    for &j in cell.iter().take(MAX_PER_CELL) {
                        let j = j as usize;
                        if j == i {
                            continue;
                        }
                        let d = [p[0] - pos[j][0], p[1] - pos[j][1]];
                        let dist2 = (d[0] * d[0] + d[1] * d[1]).max(1e-6);
                        if dist2 > cell_reach2(k) {
                            continue;
                        }
                        // k²/d along the unit direction: k² d / |d|².
                        let f = scale * k * k / dist2;
                        disp[i][0] += d[0] * f;
                        disp[i][1] += d[1] * f;
                    }
                }
            }
        }
        for e in &graph.edges {
            let (a, b) = (e.a as usize, e.b as usize);
            let d = [pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]];
            let dist = (d[0] * d[0] + d[1] * d[1]).sqrt().max(1e-6);
            // d²/k along the unit direction: d·|d|/k.
            let f = dist / k;
            disp[a][0] -= d[0] * f;
            disp[a][1] -= d[1] * f;
            disp[b][0] += d[0] * f;
            disp[b][1] += d[1] * f;
        }
        for (p, d) in pos.iter_mut().zip(&disp) {
            // Gravity: components and loose nodes stay near the middle.
            let d = [d[0] - 0.02 * p[0], d[1] - 0.02 * p[1]];
            let len = (d[0] * d[0] + d[1] * d[1]).sqrt();
            if len > 0.0 {
                let step = len.min(t) / len;
                p[0] += d[0] * step;
                p[1] += d[1] * step;
            }
        }
        progress(it + 1);
    }
    pos
}

/// Nodes of one cell that push a node; more are counted as these, scaled.
const MAX_PER_CELL: usize = 48;

/// Nodes farther apart than the grid's reach feel no push (squared distance).
fn cell_reach2(k: f64) -> f64 {
    4.0 * k * k
}

fn jitter(seed: u64, i: usize) -> [f64; 2] {
    let a = (i as f64 + seed as f64) * 2.399_963_229_728_653;
    let r = 1e-3 * ((i % 97) as f64 + 1.0);
    [r * a.cos(), r * a.sin()]
}
