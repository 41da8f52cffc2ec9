//! The shape space: "looks like" neighbours from the field descriptor (holes, components,
//! ink ratio, turning, corners, depth, density, curvature histogram), standardised over the
//! library so that no one feature dominates by its units.

use ndarray::Array1;

use std::path::Path;

use super::{DescriptorCache, Neighbour, Space};
use crate::fields::descriptor::Descriptor;
use crate::fields::{BackendChoice, FieldEngine, FieldOptions};
use crate::glyph::{FontSet, Outline};
use crate::library::Library;

/// Scalar features before the histogram in [`Descriptor::embedding`].
const SCALAR_FEATURES: usize = 7;

/// Glyphs computed at a time while building the index: their fields are dropped once
/// their descriptors are taken (10,000 glyphs' fields at 96² would be 2.6 GB).
const SHAPE_CHUNK: usize = 256;

/// Glyphs to compute from which the shape index opens a GPU (when it is a hardware one).
const SHAPE_GPU_FROM: usize = 256;

/// The whole curvature histogram weighs as much as this many scalar features.
const HISTOGRAM_WEIGHT: f32 = 3.0;

/// A descriptor as a raw (unstandardised) feature vector.
pub fn shape_vector(descriptor: &Descriptor) -> Array1<f32> {
    Array1::from(descriptor.embedding())
}

/// Shape neighbours of a library's symbols.
#[derive(Clone, Debug)]
pub struct ShapeIndex {
    /// Standardised, weighted, unit rows; a zero row for a symbol whose fields failed.
    pub space: Space,
    /// Each symbol's descriptor (`None` where its glyph could not be drawn).
    pub descriptors: Vec<Option<Descriptor>>,
    /// How many descriptors were computed for this index (the rest came from an earlier
    /// revision or from the disk cache).
    pub computed: usize,
}

impl ShapeIndex {
    /// Computes every symbol's fields on the CPU twins at `size`² (one worker per core) and
    /// builds the index. 96² keeps a 50-symbol library under half a second on two cores.
    pub fn build(library: &Library, size: u32) -> Self {
        Self::build_reusing(library, size, None)
    }

    /// As [`Self::build`], taking the descriptor of every symbol whose glyph is the same
    /// in `previous` (an earlier revision's library and its index at the same size) instead
    /// of computing it again: after an edit, only the changed glyphs are computed.
    pub fn build_reusing(
        library: &Library,
        size: u32,
        previous: Option<(&Library, &ShapeIndex)>,
    ) -> Self {
        Self::build_cached(library, size, previous, None)
    }

    /// As [`Self::build_reusing`], also taking descriptors from, and adding the ones it
    /// computes to, the [`DescriptorCache`] in `cache_dir`. A cache that cannot be written
    /// is only a slower next run (a warning on stderr).
    pub fn build_cached(
        library: &Library,
        size: u32,
        previous: Option<(&Library, &ShapeIndex)>,
        cache_dir: Option<&Path>,
    ) -> Self {
        let fonts = FontSet::bundled();
        let options = FieldOptions::default().with_size(size);
        let reused = |i: usize| {
            let (old_lib, old) = previous?;
            let s = &library.symbols[i];
            let j = old_lib.symbols.iter().position(|o| o.id == s.id)?;
            let same = old_lib.symbols[j].glyph == s.glyph && old_lib.base_dir == library.base_dir;
            same.then(|| old.descriptors.get(j).cloned()).flatten()
        };
        let mut cache = cache_dir.map(|dir| DescriptorCache::open(dir, size));
        // Keys only when there is a cache: they look at the files glyphs name.
        let keys: Vec<u64> = match cache {
            Some(_) => library
                .symbols
                .iter()
                .map(|s| DescriptorCache::key(library, &s.glyph, size))
                .collect(),
            None => Vec::new(),
        };
        // `Some(d)`: known without computing (`d` is `None` for a glyph that could not be
        // drawn in the earlier revision); `None`: to compute.
        let known: Vec<Option<Option<Descriptor>>> = (0..library.symbols.len())
            .map(|i| reused(i).or_else(|| cache.as_mut().and_then(|c| c.get(keys[i])).map(Some)))
            .collect();
        let todo: Vec<usize> = (0..known.len()).filter(|&i| known[i].is_none()).collect();
        let mut computed: Vec<Option<Descriptor>> = vec![None; known.len()];
        // The engine only when there is something to compute, and a GPU only for many
        // glyphs: opening a device and building its pipelines costs more than a few
        // hundred glyphs at 96² on the CPU (an edit recomputes one). `Auto` is the GPU
        // batch path on a hardware GPU and the CPU twins otherwise; chunks keep only
        // descriptors, not every glyph's fields.
        if !todo.is_empty() {
            let backend = if todo.len() >= SHAPE_GPU_FROM {
                BackendChoice::Auto
            } else {
                BackendChoice::Cpu
            };
            let engine = FieldEngine::new(backend);
            for chunk in todo.chunks(SHAPE_CHUNK) {
                let outlines: Vec<Option<Outline>> = crate::fields::batch::map_batch(
                    chunk.len(),
                    |k| {
                        library
                            .outline(&library.symbols[chunk[k]].glyph, &fonts)
                            .ok()
                    },
                    |_, _| {},
                );
                let drawn: Vec<(usize, &Outline)> = chunk
                    .iter()
                    .zip(&outlines)
                    .filter_map(|(&i, o)| o.as_ref().map(|o| (i, o)))
                    .collect();
                let refs: Vec<&Outline> = drawn.iter().map(|(_, o)| *o).collect();
                for ((i, _), fields) in drawn.iter().zip(engine.compute_many(&refs, &options)) {
                    computed[*i] = fields.ok().map(|f| f.descriptor);
                }
            }
        }
        let count = todo.len();
        let descriptors: Vec<Option<Descriptor>> = known
            .into_iter()
            .zip(computed)
            .map(|(k, c)| k.unwrap_or(c))
            .collect();
        if let Some(cache) = &mut cache {
            for (key, d) in keys.iter().zip(&descriptors) {
                if let Some(d) = d {
                    cache.put(*key, d.clone());
                }
            }
            if let Err(e) = cache.save_if_changed() {
                eprintln!("warning: the shape cache was not written: {e}");
            }
        }
        let ids = library.symbols.iter().map(|s| s.id.to_string()).collect();
        Self {
            computed: count,
            ..Self::from_descriptors(ids, descriptors)
        }
    }

    /// Builds the index from descriptors already computed.
    pub fn from_descriptors(ids: Vec<String>, descriptors: Vec<Option<Descriptor>>) -> Self {
        let raw: Vec<Option<Array1<f32>>> = descriptors
            .iter()
            .map(|d| d.as_ref().map(shape_vector))
            .collect();
        let dim = raw.iter().flatten().map(|v| v.len()).max().unwrap_or(0);
        let known: Vec<&Array1<f32>> = raw.iter().flatten().collect();
        let n = known.len().max(1) as f32;
        let mut mean = Array1::<f32>::zeros(dim);
        for v in &known {
            mean += *v;
        }
        mean /= n;
        let mut var = Array1::<f32>::zeros(dim);
        for v in &known {
            let d = *v - &mean;
            var += &(&d * &d);
        }
        var /= n;
        let histogram_bins = dim.saturating_sub(SCALAR_FEATURES).max(1) as f32;
        let weight = |j: usize| {
            if j < SCALAR_FEATURES {
                1.0
            } else {
                (HISTOGRAM_WEIGHT / histogram_bins).sqrt()
            }
        };
        let rows = raw
            .into_iter()
            .map(|v| match v {
                Some(v) => Array1::from_iter((0..dim).map(|j| {
                    let sd = var[j].sqrt();
                    if sd > 1e-9 {
                        (v[j] - mean[j]) / sd * weight(j)
                    } else {
                        0.0
                    }
                })),
                None => Array1::zeros(dim),
            })
            .collect();
        Self {
            space: Space::new(ids, rows, dim),
            descriptors,
            computed: 0,
        }
    }

    /// The symbols whose shape is most like symbol `id`'s.
    pub fn similar_to(&self, id: &str, k: usize) -> Vec<Neighbour> {
        self.space
            .index_of(id)
            .map_or_else(Vec::new, |i| self.similar(i, k))
    }

    /// The symbols whose shape is most like symbol `i`'s.
    pub fn similar(&self, i: usize, k: usize) -> Vec<Neighbour> {
        if self.descriptors.get(i).is_none_or(Option::is_none) {
            return Vec::new();
        }
        self.space.nearest(self.space.row(i), k, Some(i))
    }
}
