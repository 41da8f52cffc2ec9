//! Embeddings and neighbours: what a symbol *means* (semantic, from concept vectors) and what
//! it *looks like* (shape, from the field descriptor), kept in separate spaces, plus vectors
//! imported from a user's own model.
//!
//! The semantic space has one dimension per library axis (the shared qualities concepts are
//! written in: energy, threshold, memory, …) and one per concept (its identity). A concept's
//! vector is `0.6 ×` its written axis weights (scaled to length 1) plus `0.8 ×` its own
//! identity dimension: a concept is itself, and partly like the concepts that share its
//! qualities. Every concept vector has length 1.
//!
//! The semantic rule: a symbol's or scene's embedding is its explicit `embedding` (written
//! over the axes; its identity part is zero) when it has one, else the sum of its
//! components' concept vectors, each scaled by its weight, divided by the sum's length (so
//! every embedding has length 1 and cosine similarity is a dot product). An adapter's
//! embedding is the normalised sum of the concepts named by its triggers and of the
//! embeddings of the symbols that link to it (directly or by a region).

mod external;
mod shape;
mod shape_cache;

use ndarray::{Array1, Array2, ArrayView1, Axis};
use serde::Serialize;

use crate::library::{Library, Weighted};

pub use external::{EmbeddingError, load_external, parse_matrix};
pub use shape::{ShapeIndex, shape_vector};
pub use shape_cache::DescriptorCache;

/// Rows of unit vectors with an id each.
#[derive(Clone, Debug)]
pub struct Space {
    pub ids: Vec<String>,
    /// One unit-length row per id (a zero row where nothing was known).
    pub matrix: Array2<f32>,
}

/// A neighbour and its cosine similarity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Neighbour {
    pub id: String,
    pub index: usize,
    pub score: f32,
}

/// Scales a vector to unit length; a zero vector stays zero.
pub fn normalised(mut v: Array1<f32>) -> Array1<f32> {
    let n = v.dot(&v).sqrt();
    if n > 0.0 {
        v /= n;
    }
    v
}

impl Space {
    /// Builds a space from rows, normalising each.
    pub fn new(ids: Vec<String>, rows: Vec<Array1<f32>>, dim: usize) -> Self {
        let mut matrix = Array2::zeros((rows.len(), dim));
        for (mut row, v) in matrix.axis_iter_mut(Axis(0)).zip(rows) {
            row.assign(&normalised(v));
        }
        Self { ids, matrix }
    }

    pub fn dim(&self) -> usize {
        self.matrix.ncols()
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.ids.iter().position(|x| x == id)
    }

    pub fn row(&self, i: usize) -> ArrayView1<'_, f32> {
        self.matrix.row(i)
    }

    /// The `k` rows most similar to `query` (cosine), best first, skipping `exclude`.
    pub fn nearest(
        &self,
        query: ArrayView1<f32>,
        k: usize,
        exclude: Option<usize>,
    ) -> Vec<Neighbour> {
        let q = normalised(query.to_owned());
        let scores = self.matrix.dot(&q);
        top_k(&scores, k, exclude)
            .into_iter()
            .map(|(index, score)| Neighbour {
                id: self.ids[index].clone(),
                index,
                score,
            })
            .collect()
    }
}

/// Indices of the `k` largest scores, best first (ties by index), skipping `exclude`.
fn top_k(scores: &Array1<f32>, k: usize, exclude: Option<usize>) -> Vec<(usize, f32)> {
    // A bounded selection: keep the best k seen so far in a small sorted vector.
    let mut best: Vec<(usize, f32)> = Vec::with_capacity(k + 1);
    for (i, &s) in scores.iter().enumerate() {
        if Some(i) == exclude || !s.is_finite() {
            continue;
        }
        if best.len() == k && best.last().is_some_and(|&(_, worst)| s <= worst) {
            continue;
        }
        let at = best.partition_point(|&(_, b)| b >= s);
        best.insert(at, (i, s));
        best.truncate(k);
    }
    best
}

/// Weight of a concept's written qualities in its vector.
pub const QUALITY_SHARE: f32 = 0.6;
/// Weight of a concept's identity dimension (`QUALITY_SHARE² + IDENTITY_SHARE² = 1`).
pub const IDENTITY_SHARE: f32 = 0.8;

/// The names of the semantic dimensions: the axes, then `=concept` per concept.
pub fn dimension_names(library: &Library) -> Vec<String> {
    let mut names = library.axes.clone();
    names.extend(library.concepts.iter().map(|c| format!("={}", c.name)));
    names
}

/// The unit vector of concept `i` in the semantic space (see the module docs).
pub fn concept_vector(library: &Library, i: usize) -> Array1<f32> {
    let axes = library.axes.len();
    let mut v = Array1::<f32>::zeros(axes + library.concepts.len());
    let quality = normalised(Array1::from(library.concepts[i].vector.clone()));
    v.slice_mut(ndarray::s![..axes])
        .assign(&(quality * QUALITY_SHARE));
    v[axes + i] = IDENTITY_SHARE;
    normalised(v)
}

/// An explicit embedding (over the axes) in the semantic space.
pub fn explicit_vector(library: &Library, explicit: &[f32]) -> Array1<f32> {
    let mut v = Array1::<f32>::zeros(library.axes.len() + library.concepts.len());
    for (x, &e) in v.iter_mut().zip(explicit) {
        *x = e;
    }
    normalised(v)
}

/// The semantic spaces of one library.
#[derive(Clone, Debug)]
pub struct SemanticIndex {
    /// The names of the dimensions ([`dimension_names`]).
    pub dims: Vec<String>,
    /// The library's concept vectors ([`concept_vector`]).
    pub concepts: Space,
    pub symbols: Space,
    pub scenes: Space,
    pub adapters: Space,
}

/// The weighted, normalised sum of components' concept vectors (unknown concepts skipped).
pub fn compose(components: &[Weighted], library: &Library) -> Array1<f32> {
    let index = library.concept_index();
    let mut sum = Array1::<f32>::zeros(library.axes.len() + library.concepts.len());
    for c in components {
        if let Some(&i) = index.get(c.concept.as_str()) {
            sum.scaled_add(c.weight, &concept_vector(library, i));
        }
    }
    normalised(sum)
}

impl SemanticIndex {
    pub fn new(library: &Library) -> Self {
        let dims = dimension_names(library);
        let dim = dims.len();
        let index = library.concept_index();
        let concept_vec = |name: &str| index.get(name).map(|&i| concept_vector(library, i));
        let concepts = Space::new(
            library.concepts.iter().map(|c| c.name.clone()).collect(),
            (0..library.concepts.len())
                .map(|i| concept_vector(library, i))
                .collect(),
            dim,
        );
        let embed = |explicit: &Option<Vec<f32>>, components: &[Weighted]| match explicit {
            Some(e) if e.len() == library.axes.len() => explicit_vector(library, e),
            _ => compose(components, library),
        };
        let symbol_rows: Vec<Array1<f32>> = library
            .symbols
            .iter()
            .map(|s| embed(&s.embedding, &s.components))
            .collect();
        let scene_rows = library
            .scenes
            .iter()
            .map(|s| embed(&s.embedding, &s.components))
            .collect();
        let adapter_rows = library
            .adapters
            .iter()
            .map(|a| {
                let mut sum = Array1::<f32>::zeros(dim);
                for t in &a.triggers {
                    if let Some(v) = concept_vec(t) {
                        sum += &v;
                    }
                }
                for (s, row) in library.symbols.iter().zip(&symbol_rows) {
                    if s.links_adapter(&a.id) {
                        sum += row;
                    }
                }
                sum
            })
            .collect();
        Self {
            dims,
            concepts,
            symbols: Space::new(
                library.symbols.iter().map(|s| s.id.to_string()).collect(),
                symbol_rows,
                dim,
            ),
            scenes: Space::new(
                library.scenes.iter().map(|s| s.id.to_string()).collect(),
                scene_rows,
                dim,
            ),
            adapters: Space::new(
                library.adapters.iter().map(|a| a.id.to_string()).collect(),
                adapter_rows,
                dim,
            ),
        }
    }

    /// The symbols that mean most nearly what symbol `id` means.
    pub fn similar_to(&self, id: &str, k: usize) -> Vec<Neighbour> {
        self.symbols
            .index_of(id)
            .map_or_else(Vec::new, |i| self.similar_symbols(i, k))
    }

    /// The symbols that mean most nearly what symbol `i` means.
    pub fn similar_symbols(&self, i: usize, k: usize) -> Vec<Neighbour> {
        self.symbols.nearest(self.symbols.row(i), k, Some(i))
    }

    /// The scenes nearest to an embedding.
    pub fn nearest_scenes(&self, query: ArrayView1<f32>, k: usize) -> Vec<Neighbour> {
        self.scenes.nearest(query, k, None)
    }
}
