//! Which layout, from which vectors, and the positions it gives every node of the graph
//! (normalised to fit the square [−1, 1]²; `None` where the layout has no place for a node,
//! e.g. a scene in the shape layout, which only glyphs have).

use std::collections::HashMap;

use ndarray::Array2;

use super::force::{ForceOptions, force_layout};
use super::graph::{MapGraph, NodeKind};
use super::project::{Pca, pca, tsne};
use crate::embedding::{SemanticIndex, ShapeIndex, Space};
use crate::names::named_enum;

named_enum! {
    /// What places the points of the map.
    #[derive(Default)]
    pub enum LayoutKind("layout") {
        /// Symbols, scenes and adapters by their semantic embeddings.
        #[default]
        Semantic = 0 => "semantic",
        /// Symbols by their field descriptors.
        Shape = 1 => "shape",
        /// Everything as the graph of its links, force-directed.
        Graph = 2 => "graph",
        /// Nodes by an embedding imported from a `.npy` file.
        Imported = 3 => "imported",
    }
}

named_enum! {
    /// How vectors become positions (the graph layout uses neither).
    #[derive(Default)]
    pub enum Projection("projection") {
        /// The first two principal components.
        Pca = 0 => "pca",
        /// Barnes–Hut t-SNE, started from PCA.
        #[default]
        Tsne = 1 => "t-sne",
    }
}

/// What a layout is computed from.
pub struct LayoutInputs<'a> {
    pub graph: &'a MapGraph,
    pub semantic: &'a SemanticIndex,
    pub shape: Option<&'a ShapeIndex>,
    pub imported: Option<&'a Space>,
}

/// Positions for a graph's nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub kind: LayoutKind,
    pub projection: Projection,
    /// Per node of the graph, in [−1, 1]².
    pub positions: Vec<Option<[f32; 2]>>,
    /// The PCA the positions came from (or started from).
    pub pca: Option<Pca>,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LayoutError {
    #[error(
        "the shape layout needs every symbol's field descriptor; they are still being computed"
    )]
    NoShapeIndex,
    #[error("no embedding is imported: choose a .npy file and its ids (Map ▸ Import embeddings…)")]
    NoImport,
    #[error("none of the {rows} imported ids names a symbol, scene or adapter of this library")]
    NothingMatches { rows: usize },
}

/// t-SNE steps for `n` points: fewer for big sets, where each costs more and the picture
/// settles sooner.
pub fn tsne_epochs(n: usize) -> usize {
    if n <= 5_000 { 1000 } else { 500 }
}

/// Computes a layout. `progress` hears fractions from 0 to 1.
pub fn compute(
    kind: LayoutKind,
    projection: Projection,
    inputs: &LayoutInputs,
    seed: u64,
    progress: &(dyn Fn(f32) + Sync),
) -> Result<Layout, LayoutError> {
    compute_with_preview(kind, projection, inputs, seed, progress, &|_| {})
}

/// As [`compute`]; a slow layout (t-SNE, the force layout) first hands `preview` the PCA it
/// starts from (for the graph, the semantic PCA), computed once for both.
pub fn compute_with_preview(
    kind: LayoutKind,
    projection: Projection,
    inputs: &LayoutInputs,
    seed: u64,
    progress: &(dyn Fn(f32) + Sync),
    preview: &dyn Fn(Layout),
) -> Result<Layout, LayoutError> {
    let graph = inputs.graph;
    let n = graph.len();
    let pca_layout = |kind, nodes: &[u32], p: &Pca| Layout {
        kind,
        projection: Projection::Pca,
        positions: placed(n, nodes, p.positions.iter().copied()),
        pca: Some(p.clone()),
    };
    if kind == LayoutKind::Graph {
        // Started from where meaning puts things, so the picture keeps its sense.
        let start = semantic_rows(inputs).map(|(rows, nodes)| {
            let p = pca(rows.view(), seed);
            preview(pca_layout(kind, &nodes, &p));
            p.positions
        });
        let options = ForceOptions {
            iterations: if n <= 5_000 { 300 } else { 120 },
            seed,
        };
        let places = force_layout(graph, start.as_deref(), options, &|i| {
            progress(i as f32 / options.iterations as f32)
        });
        return Ok(Layout {
            kind,
            projection,
            positions: normalise(places.into_iter().map(Some).collect()),
            pca: None,
        });
    }
    let (rows, nodes) = match kind {
        LayoutKind::Semantic => semantic_rows(inputs).unwrap_or_default(),
        LayoutKind::Shape => {
            let shape = inputs.shape.ok_or(LayoutError::NoShapeIndex)?;
            rows_of(graph, &[(NodeKind::Symbol, &shape.space)])
        }
        LayoutKind::Imported => {
            let space = inputs.imported.ok_or(LayoutError::NoImport)?;
            let (rows, nodes) = rows_of(
                graph,
                &[
                    (NodeKind::Symbol, space),
                    (NodeKind::Scene, space),
                    (NodeKind::Adapter, space),
                ],
            );
            if nodes.is_empty() {
                return Err(LayoutError::NothingMatches { rows: space.len() });
            }
            (rows, nodes)
        }
        LayoutKind::Graph => unreachable!("handled above"),
    };
    let p = pca(rows.view(), seed);
    if projection == Projection::Pca {
        return Ok(pca_layout(kind, &nodes, &p));
    }
    preview(pca_layout(kind, &nodes, &p));
    let epochs = tsne_epochs(nodes.len());
    let places = tsne(rows.view(), &p.positions, epochs, &|e| {
        progress(e as f32 / epochs as f32)
    });
    Ok(Layout {
        kind,
        projection,
        positions: placed(n, &nodes, places),
        pca: Some(p),
    })
}

/// Positions for all `n` nodes from the places of `nodes`, normalised.
fn placed(
    n: usize,
    nodes: &[u32],
    places: impl IntoIterator<Item = [f64; 2]>,
) -> Vec<Option<[f32; 2]>> {
    let mut positions = vec![None; n];
    for (&node, place) in nodes.iter().zip(places) {
        positions[node as usize] = Some(place);
    }
    normalise(positions)
}

/// Every node's semantic row (symbols, scenes, adapters: all have one).
fn semantic_rows(inputs: &LayoutInputs) -> Option<(Array2<f32>, Vec<u32>)> {
    let s = inputs.semantic;
    let found = rows_of(
        inputs.graph,
        &[
            (NodeKind::Symbol, &s.symbols),
            (NodeKind::Scene, &s.scenes),
            (NodeKind::Adapter, &s.adapters),
        ],
    );
    (!found.1.is_empty()).then_some(found)
}

/// The rows of the nodes each space has an id for (a space per node kind), in node order.
fn rows_of(graph: &MapGraph, spaces: &[(NodeKind, &Space)]) -> (Array2<f32>, Vec<u32>) {
    let indices: Vec<(NodeKind, &Space, HashMap<&str, usize>)> = spaces
        .iter()
        .map(|(kind, space)| {
            let index = space
                .ids
                .iter()
                .enumerate()
                .map(|(i, id)| (id.as_str(), i))
                .collect();
            (*kind, *space, index)
        })
        .collect();
    let dim = spaces.iter().map(|(_, s)| s.dim()).max().unwrap_or(0);
    let mut nodes = Vec::new();
    let mut data = Vec::new();
    for (i, node) in graph.nodes.iter().enumerate() {
        let Some((_, space, index)) = indices.iter().find(|(k, _, _)| *k == node.kind) else {
            continue;
        };
        let Some(&row) = index.get(node.id.as_str()) else {
            continue;
        };
        nodes.push(i as u32);
        let r = space.row(row);
        data.extend(r.iter().copied());
        data.extend(std::iter::repeat_n(0.0, dim - r.len()));
    }
    let rows = Array2::from_shape_vec((nodes.len(), dim), data).expect("rows of `dim` each");
    (rows, nodes)
}

/// Centres the placed nodes on their bounding box and scales the larger side to [−1, 1].
fn normalise(places: Vec<Option<[f64; 2]>>) -> Vec<Option<[f32; 2]>> {
    let mut lo = [f64::INFINITY; 2];
    let mut hi = [f64::NEG_INFINITY; 2];
    for p in places.iter().flatten() {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    let centre = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0];
    let half = ((hi[0] - lo[0]).max(hi[1] - lo[1]) / 2.0).max(1e-12);
    places
        .into_iter()
        .map(|p| {
            p.map(|p| {
                [
                    ((p[0] - centre[0]) / half) as f32,
                    ((p[1] - centre[1]) / half) as f32,
                ]
            })
        })
        .collect()
}

/// The layout as CSV: `id,kind,x,y` per placed node (RFC 4180 quoting), y up.
pub fn csv(graph: &MapGraph, layout: &Layout) -> String {
    let mut out = String::from("id,kind,x,y\n");
    for (node, place) in graph.nodes.iter().zip(&layout.positions) {
        let Some([x, y]) = place else {
            continue;
        };
        let kind = match node.kind {
            NodeKind::Symbol => "symbol",
            NodeKind::Scene => "scene",
            NodeKind::Adapter => "adapter",
        };
        out.push_str(&quote(&node.id));
        out.push_str(&format!(",{kind},{x},{y}\n"));
    }
    out
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}
