//! Hologlyph: glyph outlines become geometric fields on the GPU, lit as an animated hologram.
//!
//! The library is shared by the binary (CLI and, later, the window), the tests and the
//! benchmarks. Data flows one way: a glyph source (`glyph`) becomes an outline in em units,
//! the field engine (`fields`) turns it into distance, curvature, density, voids and region
//! fields on the GPU (with a CPU twin for every pass), and `hologram` lights those fields.

pub mod adapters;
pub mod app;
pub mod cli;
pub mod embedding;
pub mod fields;
#[doc(hidden)]
pub mod fuzz;
pub mod geometry;
pub mod glyph;
pub mod gpu;
pub mod hologram;
pub mod library;
pub mod map;
pub mod names;
pub mod output;
pub mod protocol;
pub mod shaders;
pub mod text;
