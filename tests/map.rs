//! The map's layouts, apart from the window: PCA against an independent computation and
//! shapes with known axes, determinism, the graph and its local neighbourhoods, imported
//! embeddings, CSV.

use hologlyph::embedding::{SemanticIndex, load_external};
use hologlyph::library::load_bundled;
use hologlyph::map::{
    LayoutError, LayoutInputs, LayoutKind, MapGraph, NodeKind, Projection, compute, csv, pca,
};
use ndarray::{Array1, Array2, Axis};

/// The top two eigenvectors of the covariance of `rows`, by plain power iteration with
/// deflation on the explicit d×d matrix: another method than the map's subspace iteration
/// on the data.
fn covariance_axes(rows: &Array2<f64>) -> [(f64, Array1<f64>); 2] {
    let mean = rows.mean_axis(Axis(0)).expect("rows");
    let centred = rows - &mean;
    let mut cov = centred.t().dot(&centred);
    let d = cov.nrows();
    let mut out = Vec::new();
    for k in 0..2 {
        let mut v = Array1::from_shape_fn(d, |i| 1.0 + (i * 7 + k * 3) as f64 % 5.0);
        v /= v.dot(&v).sqrt();
        let mut lambda = 0.0;
        for _ in 0..200_000 {
            let w = cov.dot(&v);
            let norm = w.dot(&w).sqrt();
            let next = &w / norm;
            let done = (&next - &v).iter().map(|x| x.abs()).fold(0.0, f64::max) < 1e-15;
            v = next;
            lambda = norm;
            if done {
                break;
            }
        }
        // Sign as the map signs its axes: the largest component positive.
        let big = v
            .iter()
            .copied()
            .fold(0.0f64, |a, b| if b.abs() > a.abs() { b } else { a });
        if big < 0.0 {
            v = -v;
        }
        // Deflate: remove this component.
        let outer = v
            .view()
            .insert_axis(Axis(1))
            .dot(&v.view().insert_axis(Axis(0)));
        cov = cov - outer * lambda;
        out.push((lambda / (rows.nrows() - 1) as f64, v));
    }
    [out[0].clone(), out[1].clone()]
}

fn largest_difference<'a>(a: impl IntoIterator<Item = &'a f64>, b: &[f64]) -> f64 {
    a.into_iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

/// The map's PCA against the independent one: axes within 1e-6, variances within 1e-9.
fn assert_matches(mine: &hologlyph::map::Pca, theirs: &[(f64, Array1<f64>); 2]) {
    for (k, (variance, axis)) in theirs.iter().enumerate() {
        let diff = largest_difference(&mine.axes[k], axis.as_slice().expect("contiguous"));
        assert!(diff < 1e-6, "axis {k} differs by {diff:e}");
        let rel = (mine.variances[k] - variance).abs() / variance;
        assert!(
            rel < 1e-9,
            "variance {k}: {} vs {variance}",
            mine.variances[k]
        );
    }
}

fn bundled() -> hologlyph::library::Library {
    load_bundled().expect("the bundled library").library
}

#[test]
fn pca_axes_match_an_independent_computation_on_the_librarys_vectors() {
    let lib = bundled();
    let index = SemanticIndex::new(&lib);
    let rows = &index.symbols.matrix;
    let mine = pca(rows.view(), 7);
    let theirs = covariance_axes(&rows.mapv(f64::from));
    assert_matches(&mine, &theirs);
    assert_eq!(mine.iterations, 0, "71 dimensions take the direct path");
}

#[test]
fn pca_of_many_dimensions_by_subspace_iteration_matches_too() {
    // 300 dimensions (past the direct path's 256): three hidden factors of spread 5, 3 and
    // 1 mixed into every dimension, plus a small deterministic noise.
    let (n, d) = (400, 300);
    let hash = |a: usize, b: usize| {
        let mut z = (a as u64) << 32 ^ b as u64 ^ 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let rows = Array2::from_shape_fn((n, d), |(i, j)| {
        let f = [
            5.0 * hash(i, 1_000_001),
            3.0 * hash(i, 1_000_002),
            hash(i, 1_000_003),
        ];
        let mix: f64 = (0..3).map(|k| f[k] * hash(j, 2_000_000 + k)).sum();
        (mix + 0.01 * hash(i, j)) as f32
    });
    let mine = pca(rows.view(), 3);
    assert!(
        mine.iterations > 1 && mine.iterations < 1000,
        "the subspace path ran and converged: {} iterations",
        mine.iterations
    );
    let theirs = covariance_axes(&rows.mapv(f64::from));
    assert_matches(&mine, &theirs);
    // Another start converges to the same axes.
    let other = pca(rows.view(), 12345);
    for k in 0..2 {
        let diff = largest_difference(&mine.axes[k], &other.axes[k]);
        assert!(diff < 1e-6, "seeds disagree on axis {k} by {diff:e}");
    }
}

#[test]
fn pca_of_a_stretched_rotated_cloud_finds_its_axes() {
    // Points on an ellipse 3 × 1 wide, rotated 30° in the xy-plane of 3-D, z tiny noise.
    let angle = 30f64.to_radians();
    let (c, s) = (angle.cos(), angle.sin());
    let rows = Array2::from_shape_fn((360, 3), |(i, j)| {
        let t = (i as f64).to_radians();
        let (u, v) = (3.0 * t.cos(), t.sin());
        let w = 1e-3 * ((i * 13) % 7) as f64;
        [u * c - v * s, u * s + v * c, w][j] as f32 + 5.0
    });
    let p = pca(rows.view(), 1);
    let major = [c, s, 0.0];
    let minor = [-s, c, 0.0];
    let dot = |a: &[f64], b: &[f64; 3]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    assert!(
        (dot(&p.axes[0], &major).abs() - 1.0).abs() < 1e-6,
        "{:?}",
        p.axes[0]
    );
    assert!(
        (dot(&p.axes[1], &minor).abs() - 1.0).abs() < 1e-6,
        "{:?}",
        p.axes[1]
    );
    // Variance of 3cos t over a full turn is 9/2, of sin t 1/2 (n − 1 in the divisor).
    assert!(
        (p.variances[0] - 4.5 * 360.0 / 359.0).abs() < 1e-3,
        "{:?}",
        p.variances
    );
    assert!(
        (p.variances[1] - 0.5 * 360.0 / 359.0).abs() < 1e-3,
        "{:?}",
        p.variances
    );
}

fn inputs<'a>(graph: &'a MapGraph, semantic: &'a SemanticIndex) -> LayoutInputs<'a> {
    LayoutInputs {
        graph,
        semantic,
        shape: None,
        imported: None,
    }
}

#[test]
fn layouts_are_deterministic_for_a_revision_and_seed() {
    let lib = bundled();
    let graph = MapGraph::new(&lib);
    let semantic = SemanticIndex::new(&lib);
    let input = inputs(&graph, &semantic);
    for (kind, projection) in [
        (LayoutKind::Semantic, Projection::Pca),
        (LayoutKind::Semantic, Projection::Tsne),
        (LayoutKind::Graph, Projection::Pca),
    ] {
        let a = compute(kind, projection, &input, 1, &|_| {}).expect("layout");
        let b = compute(kind, projection, &input, 1, &|_| {}).expect("layout");
        assert_eq!(a.positions, b.positions, "{kind} / {projection} moved");
        // Every node has a place in [−1, 1]², and the box is filled.
        assert!(a.positions.iter().all(|p| p.is_some_and(|[x, y]| {
            x.abs() <= 1.0 + 1e-6 && y.abs() <= 1.0 + 1e-6
        })));
        let reach = a
            .positions
            .iter()
            .flatten()
            .flat_map(|p| [p[0].abs(), p[1].abs()])
            .fold(0.0f32, f32::max);
        assert!((reach - 1.0).abs() < 1e-5, "{kind}: reach {reach}");
        // Not collapsed: the nodes are spread out.
        let distinct: std::collections::HashSet<[u32; 2]> = a
            .positions
            .iter()
            .flatten()
            .map(|p| [p[0].to_bits(), p[1].to_bits()])
            .collect();
        assert!(
            distinct.len() > graph.len() / 2,
            "{kind} / {projection}: {} places",
            distinct.len()
        );
    }
    // The shape layout waits for its index, and says so.
    assert_eq!(
        compute(LayoutKind::Shape, Projection::Pca, &input, 1, &|_| {}),
        Err(LayoutError::NoShapeIndex)
    );
}

#[test]
fn t_sne_puts_each_symbols_nearest_meaning_near_it() {
    // Not a fixed picture, a property: the nearest neighbour in meaning is on average
    // nearer on the t-SNE map (rank among all symbols) than a random symbol.
    let lib = bundled();
    let graph = MapGraph::new(&lib);
    let semantic = SemanticIndex::new(&lib);
    let t = compute(
        LayoutKind::Semantic,
        Projection::Tsne,
        &inputs(&graph, &semantic),
        1,
        &|_| {},
    )
    .expect("t-SNE");
    let n = lib.symbols.len();
    let place = |i: usize| t.positions[i].expect("placed");
    let mut rank_sum = 0.0;
    for (i, s) in lib.symbols.iter().enumerate() {
        let nearest = &semantic.similar_to(s.id.as_str(), 1)[0];
        let j = graph.find(NodeKind::Symbol, &nearest.id).expect("node") as usize;
        let d = |a: [f32; 2], b: [f32; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
        let dj = d(place(i), place(j));
        let closer = (0..n)
            .filter(|&k| k != i && d(place(i), place(k)) < dj)
            .count();
        rank_sum += closer as f64 / (n - 1) as f64;
    }
    let mean_rank = rank_sum / n as f64;
    assert!(
        mean_rank < 0.25,
        "nearest in meaning sits at rank {mean_rank:.2} on the map"
    );
}

#[test]
fn the_local_map_of_ascent_at_depth_1_is_its_scenes_and_adapters() {
    let lib = bundled();
    let graph = MapGraph::new(&lib);
    let ascent = graph.find(NodeKind::Symbol, "ascent").expect("⟁");
    let near = graph.within(ascent, 1);
    let shown = |kind, id: &str| near[graph.find(kind, id).expect(id) as usize];
    assert!(shown(NodeKind::Scene, "Δ41"));
    assert!(shown(NodeKind::Scene, "Δ91"));
    assert!(shown(NodeKind::Adapter, "entering-unknown"));
    assert!(!shown(NodeKind::Scene, "Δ03"), "an unrelated scene");
    assert!(
        !shown(NodeKind::Symbol, "white-hourglass"),
        "two links away"
    );
    // Depth 2 reaches the symbols sharing an adapter or a scene.
    let wider = graph.within(ascent, 2);
    assert!(wider[graph.find(NodeKind::Symbol, "white-hourglass").expect("⧖") as usize]);
    // Each edge names its link.
    let e = &graph.edges[graph.adjacency[ascent as usize][0] as usize];
    assert!(
        e.label.contains("Ascent") && e.label.contains("→"),
        "{}",
        e.label
    );
}

#[test]
fn an_imported_embedding_places_the_ids_it_names_and_csv_lists_them() {
    let lib = bundled();
    let graph = MapGraph::new(&lib);
    let semantic = SemanticIndex::new(&lib);
    let dir = tempfile::tempdir().expect("tempdir");
    let ids: Vec<&str> = lib.symbols.iter().take(12).map(|s| s.id.as_str()).collect();
    let matrix = Array2::from_shape_fn((ids.len() + 1, 4), |(i, j)| ((i * 3 + j * 5) % 7) as f32);
    ndarray_npy::write_npy(dir.path().join("v.npy"), &matrix).expect("npy");
    let mut listed = ids.join("\n");
    listed.push_str("\nnot-in-this-library\n");
    std::fs::write(dir.path().join("v.ids.txt"), listed).expect("ids");
    let space =
        load_external(&dir.path().join("v.npy"), &dir.path().join("v.ids.txt")).expect("imported");
    let mut input = inputs(&graph, &semantic);
    input.imported = Some(&space);
    let layout =
        compute(LayoutKind::Imported, Projection::Tsne, &input, 1, &|_| {}).expect("layout");
    let placed: Vec<&str> = graph
        .nodes
        .iter()
        .zip(&layout.positions)
        .filter(|(_, p)| p.is_some())
        .map(|(n, _)| n.id.as_str())
        .collect();
    assert_eq!(placed, ids);
    let text = csv(&graph, &layout);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id,kind,x,y"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), ids.len());
    for (row, id) in rows.iter().zip(&ids) {
        assert_eq!((row[0], row[1]), (*id, "symbol"));
        let x: f32 = row[2].parse().expect("x");
        let y: f32 = row[3].parse().expect("y");
        let i = graph.find(NodeKind::Symbol, id).expect("node") as usize;
        assert_eq!(Some([x, y]), layout.positions[i]);
    }
    // An import that names nothing here is an error that says so.
    let none = Array2::<f32>::zeros((2, 3));
    ndarray_npy::write_npy(dir.path().join("n.npy"), &none).expect("npy");
    std::fs::write(dir.path().join("n.ids.txt"), "a\nb\n").expect("ids");
    let space =
        load_external(&dir.path().join("n.npy"), &dir.path().join("n.ids.txt")).expect("imported");
    input.imported = Some(&space);
    assert_eq!(
        compute(LayoutKind::Imported, Projection::Pca, &input, 1, &|_| {}),
        Err(LayoutError::NothingMatches { rows: 2 })
    );
}

#[test]
fn empty_tiny_and_degenerate_inputs_get_layouts_not_panics() {
    let bundled = bundled();
    let mut libraries = Vec::new();
    // Empty; one symbol; five symbols and nothing else (too few for t-SNE, placed by PCA).
    for keep in [0, 1, 5] {
        let mut lib = bundled.clone();
        lib.symbols.truncate(keep);
        lib.scenes.clear();
        lib.adapters.clear();
        lib.tours.clear();
        libraries.push(lib);
    }
    for lib in &libraries {
        let graph = MapGraph::new(lib);
        let semantic = SemanticIndex::new(lib);
        for (kind, projection) in [
            (LayoutKind::Semantic, Projection::Pca),
            (LayoutKind::Semantic, Projection::Tsne),
            (LayoutKind::Graph, Projection::Pca),
        ] {
            let layout = compute(kind, projection, &inputs(&graph, &semantic), 1, &|_| {})
                .expect("a layout");
            assert_eq!(layout.positions.len(), lib.symbols.len());
            assert!(
                layout
                    .positions
                    .iter()
                    .flatten()
                    .all(|p| p[0].is_finite() && p[1].is_finite()),
                "{kind} / {projection} of {} symbols is not finite",
                lib.symbols.len()
            );
        }
    }
    // Identical rows: PCA puts them at the origin, t-SNE keeps them finite.
    let same = Array2::from_elem((40, 6), 0.5f32);
    let p = pca(same.view(), 1);
    assert!(p.positions.iter().all(|q| q[0] == 0.0 && q[1] == 0.0));
    let t = hologlyph::map::tsne(same.view(), &p.positions, 400, &|_| {});
    assert!(
        t.iter().all(|q| q[0].is_finite() && q[1].is_finite()),
        "{t:?}"
    );
}
