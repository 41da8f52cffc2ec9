//! The map: the whole library laid out in the plane — by meaning (semantic embeddings), by
//! shape (field descriptors), by an imported embedding, or as the graph of its links. This
//! module knows the library and the embeddings, never egui: the window draws what it
//! computes, and the bench and tests call it directly.
//!
//! Every layout is deterministic: the same library revision, kind and seed give the same
//! positions, bit for bit on one machine (PCA direct or from a seeded start; t-SNE from
//! exact neighbours and PCA on one thread; the force layout seeded and sequential). Other
//! CPUs may differ in the last bits: the matrix product picks its kernel at run time.

mod force;
mod graph;
mod layout;
mod project;

pub use force::{ForceOptions, force_layout};
pub use graph::{Edge, MapGraph, Node, NodeKind};
pub use layout::{
    Layout, LayoutError, LayoutInputs, LayoutKind, Projection, compute, compute_with_preview, csv,
};
pub use project::{Pca, nearest_neighbours, pca, symmetric_eigen, tsne};
