//! The field engine: a glyph outline → signed distance, curvature, density, voids and
//! region fields, plus a small shape descriptor.
//!
//! Every pass runs as a wgpu compute shader (`shaders/*.wgsl`, driven by [`gpu`]) and has a
//! CPU twin on `ndarray` ([`cpu`]) written to read like the shader; tests hold one against
//! the other. Both backends produce the same [`RawFields`]; [`finish`] turns those into the
//! [`Fields`] people use (compact region ids, anchors, descriptor). Nothing here knows
//! about the UI.

pub mod batch;
pub mod boundary;
pub mod cpu;
pub mod descriptor;
pub mod gpu;
pub mod prepare;
pub mod regions;

use std::time::Instant;

use ndarray::Array2;

pub use boundary::{Boundary, OutlineSample};
pub use descriptor::Descriptor;
pub use gpu::{GpuFieldEngine, GpuFields, Passes};
pub use prepare::{FieldParams, Prepared};
pub use regions::{Region, RegionKind};

use crate::geometry::{EmPoint, EmRect, FieldGrid};
use crate::glyph::{GlyphError, Outline};
use crate::gpu::GpuError;

/// Options for computing a glyph's fields.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldOptions {
    /// Pixels per side, 64 to 2048. Default value: 256.
    pub size: u32,
    /// Empty margin on every side, as a fraction of the glyph's longer side.
    /// Default value: 0.125.
    pub margin: f64,
    /// Flattening tolerance in em; `None` uses `tolerance_fraction`. Default value: `None`.
    pub tolerance: Option<f64>,
    /// Flattening tolerance when `tolerance` is `None`, as a fraction of the glyph's longer
    /// side. It does not depend on the field size, so the flattened outline — and with it
    /// the corners, parts and ink regions — is the same at every size; 1/8000 is 0.2 px at
    /// 2048², the largest field. Default value: 1.25e-4.
    pub tolerance_fraction: f64,
    /// Standard deviation of the density blur, in em. Default value: 0.02.
    pub density_sigma_em: f64,
    /// A fixed frame: the grid covers this em rect (plus the margin) instead of the
    /// glyph's bounds, so that editing the outline does not move the view. Default: `None`.
    pub frame: Option<EmRect>,
    /// The grid itself, instead of one around the glyph (or `frame`): a window of a
    /// glyph's grid, for sharp fields of what a zoomed view shows. Its size replaces `size`.
    /// Default: `None`.
    pub grid: Option<FieldGrid>,
}

impl FieldOptions {
    pub const DEFAULT: Self = Self {
        size: 256,
        margin: 0.125,
        tolerance: None,
        tolerance_fraction: 1.25e-4,
        density_sigma_em: 0.02,
        frame: None,
        grid: None,
    };

    pub fn with_size(mut self, size: u32) -> Self {
        self.size = size;
        self
    }

    pub fn with_tolerance(mut self, tolerance: Option<f64>) -> Self {
        self.tolerance = tolerance;
        self
    }

    pub fn with_frame(mut self, frame: Option<EmRect>) -> Self {
        self.frame = frame;
        self
    }

    pub fn with_grid(mut self, grid: Option<FieldGrid>) -> Self {
        self.grid = grid;
        self
    }

    pub fn with_density_sigma(mut self, sigma_em: f64) -> Self {
        self.density_sigma_em = sigma_em;
        self
    }

    /// The margin in em around `bounds`, never less than 1% of an em.
    pub fn margin_for(&self, bounds: EmRect) -> f64 {
        (bounds.width().max(bounds.height()) * self.margin).max(0.01)
    }
}

impl From<Backend> for BackendChoice {
    fn from(b: Backend) -> Self {
        match b {
            Backend::Gpu => BackendChoice::Gpu,
            Backend::Cpu => BackendChoice::Cpu,
        }
    }
}

impl Default for FieldOptions {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The most bytes of fields [`FieldEngine::compute_many`] reads back from the GPU at once:
/// 64 glyphs at 256², 4 at 1024².
pub const GPU_BATCH_BYTES: u64 = 7 * 4 * 256 * 256 * 64;

/// Which implementation computes the fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// wgpu compute shaders.
    Gpu,
    /// The CPU twins.
    Cpu,
}

/// Why fields could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum FieldError {
    /// The glyph could not be read or flattened.
    #[error(transparent)]
    Glyph(#[from] GlyphError),
    /// The requested size is outside 64..=2048.
    #[error("field size {size} is out of range: use {min} to {max} pixels per side", min = crate::geometry::MIN_FIELD_SIZE, max = crate::geometry::MAX_FIELD_SIZE)]
    SizeOutOfRange { size: u32 },
    /// The flattening tolerance is outside 1e-9..=0.1 em.
    #[error("flattening tolerance {tolerance} em is out of range: use 1e-9 to 0.1 em")]
    BadTolerance { tolerance: f64 },
    /// The GPU failed while computing.
    #[error(transparent)]
    Gpu(#[from] GpuError),
    /// The outline's segments cross each other too often for its boundary to be found in
    /// time (a damaged font, a scribble of long strokes).
    #[error(
        "{what} is too complex: its {segments} segments overlap each other too much to find its outline in time; simplify it"
    )]
    TooComplex { what: String, segments: usize },
}

/// The per-pixel outputs of the passes, as both backends produce them.
#[derive(Clone, Debug, PartialEq)]
pub struct RawFields {
    /// Signed distance in em, negative in the ink.
    pub sdf: Array2<f32>,
    /// Index of the nearest boundary segment.
    pub nearest: Array2<u32>,
    /// Level-set curvature, 1/em.
    pub curvature: Array2<f32>,
    /// Blurred coverage in [0, 1].
    pub density: Array2<f32>,
    /// Distance to the ink, 0 on ink.
    pub voids: Array2<f32>,
    /// Connected-component label: the smallest pixel index of the pixel's component.
    pub labels: Array2<u32>,
    /// Region key (see `shaders/regions.wgsl`).
    pub region_keys: Array2<u32>,
}

/// Wall-clock time of each stage, milliseconds.
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct Timings {
    pub prepare_ms: f64,
    pub fields_ms: f64,
    pub finish_ms: f64,
}

/// A glyph's fields, ready for the CLI, the renderer and the UI.
#[derive(Clone, Debug)]
pub struct Fields {
    pub grid: FieldGrid,
    pub raw: RawFields,
    /// Compact region id per pixel: 0 the open exterior, then enclosed voids, then ink parts.
    pub regions: Array2<u32>,
    pub region_list: Vec<Region>,
    pub descriptor: Descriptor,
    pub outline: Vec<OutlineSample>,
    pub backend: Backend,
    pub tolerance: f64,
    pub timings: Timings,
}

impl Fields {
    /// The region containing an em point, if the point is on the grid.
    pub fn region_at(&self, p: EmPoint) -> Option<&Region> {
        let (row, col) = self.grid.px_from_em(p)?;
        self.region_list.get(self.regions[[row, col]] as usize)
    }
}

/// Turns raw pass outputs into [`Fields`].
pub fn finish(prep: &Prepared, raw: RawFields, backend: Backend, mut timings: Timings) -> Fields {
    let start = Instant::now();
    let (regions, region_list) = regions::build(prep, &raw);
    let descriptor = Descriptor::compute(prep, &raw, &region_list);
    timings.finish_ms = start.elapsed().as_secs_f64() * 1e3;
    Fields {
        grid: prep.grid,
        raw,
        regions,
        region_list,
        descriptor,
        outline: prep.boundary.samples.clone(),
        backend,
        tolerance: prep.tolerance,
        timings,
    }
}

crate::names::named_enum! {
    /// Which backend to compute fields on.
    pub enum BackendChoice("backend") {
        /// The GPU when it is a hardware GPU; the CPU twins when the only adapter is a
        /// software rasterizer (lavapipe/llvmpipe runs on the same cores and is slower than
        /// the twins) or when there is no adapter at all.
        Auto = 0 => "auto",
        /// The GPU, falling back to the CPU (with a notice) only when there is no adapter.
        Gpu = 1 => "gpu",
        /// The CPU twins.
        Cpu = 2 => "cpu",
    }
}

/// Computes fields on the chosen backend; keeps the GPU pipelines between glyphs. The GPU
/// device, when there is one, stays available for rendering whatever computes the fields.
pub struct FieldEngine {
    gpu: Option<GpuFieldEngine>,
    backend: Backend,
    /// Why fields are computed on the CPU although a GPU was asked for or is present.
    pub notice: Option<String>,
}

impl FieldEngine {
    /// An engine for `backend` (see [`BackendChoice`]); a CPU fallback says why in `notice`.
    pub fn new(backend: impl Into<BackendChoice>) -> Self {
        let choice = backend.into();
        if choice == BackendChoice::Cpu {
            return Self {
                gpu: None,
                backend: Backend::Cpu,
                notice: None,
            };
        }
        match GpuFieldEngine::new() {
            Err(e) => Self {
                gpu: None,
                backend: Backend::Cpu,
                notice: Some(format!(
                    "no usable GPU ({e}); computing fields on the CPU instead"
                )),
            },
            Ok(gpu) if choice == BackendChoice::Auto && gpu.context().is_software() => {
                let notice = format!(
                    "{} is a software rasterizer on the CPU; the CPU twins are faster here, so fields are computed on the CPU (--backend gpu forces the GPU)",
                    gpu.context().adapter_name()
                );
                Self {
                    gpu: Some(gpu),
                    backend: Backend::Cpu,
                    notice: Some(notice),
                }
            }
            Ok(gpu) => Self {
                gpu: Some(gpu),
                backend: Backend::Gpu,
                notice: None,
            },
        }
    }

    /// After a lost GPU device: opens a new one (new pipelines and buffers with it), or,
    /// when none comes back, computes on the CPU twins from then on. Returns the line the
    /// user should see; None when the device was not lost.
    pub fn recover(&mut self) -> Option<String> {
        let context = self.gpu.as_ref()?.context();
        // The device learns of its loss on maintenance (a failed read-back may come first).
        let _ = context.device.poll(wgpu::PollType::Poll);
        let reason = context.lost()?;
        let old = self.device_name();
        match GpuFieldEngine::new() {
            Ok(gpu) => {
                let line = format!(
                    "the GPU device was lost ({reason}); fields continue on a new device, {}",
                    gpu.context().adapter_name()
                );
                self.gpu = Some(gpu);
                Some(line)
            }
            Err(e) => {
                self.gpu = None;
                self.backend = Backend::Cpu;
                let line = format!(
                    "the GPU device ({old}) was lost ({reason}) and no new one could be opened ({e}); fields are computed on the CPU from now on"
                );
                self.notice = Some(line.clone());
                Some(line)
            }
        }
    }

    /// Where fields are computed.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The GPU device, if there is one (for rendering).
    pub fn gpu(&self) -> Option<&GpuFieldEngine> {
        self.gpu.as_ref()
    }

    /// What computes the fields: the adapter's name, or "CPU".
    pub fn device_name(&self) -> String {
        match (&self.gpu, self.backend) {
            (Some(g), Backend::Gpu) => g.context().adapter_name(),
            _ => format!("CPU ({} threads)", batch::workers()),
        }
    }

    /// Prepares and computes all fields of `outline`.
    pub fn compute(&self, outline: &Outline, options: &FieldOptions) -> Result<Fields, FieldError> {
        let start = Instant::now();
        let prep = Prepared::new(outline, options)?;
        let prepare_ms = start.elapsed().as_secs_f64() * 1e3;
        self.compute_prepared(&prep, prepare_ms)
    }

    /// Computes the fields of many glyphs, in the order of `outlines`. On the CPU twins
    /// each glyph runs on a worker of rayon's pool. On the GPU the glyphs are prepared on
    /// the workers, computed in batches ([`GpuFieldEngine::submit_batch`]: each pass
    /// dispatched once per batch, at most [`GPU_BATCH_BYTES`] of fields read back at once)
    /// and finished on the workers; batch k+1 is prepared while the GPU computes batch k,
    /// and computed while batch k is read back and finished.
    pub fn compute_many(
        &self,
        outlines: &[&Outline],
        options: &FieldOptions,
    ) -> Vec<Result<Fields, FieldError>> {
        let gpu = match (&self.gpu, self.backend) {
            (Some(gpu), Backend::Gpu) => gpu,
            _ => {
                return batch::map_batch(
                    outlines.len(),
                    |i| self.compute(outlines[i], options),
                    |_, _| {},
                );
            }
        };
        // Every glyph of a call has the same size, so a batch is a run of glyphs: as many
        // as GPU_BATCH_BYTES of fields hold (at least one).
        let size = options.grid.map_or(options.size, |g| g.size) as u64;
        // (A size of 0 is refused by `Prepared::new`, glyph by glyph, not here.)
        // (A batch also stays within the device's largest buffer and binding.)
        let limits = gpu.context().device.limits();
        let budget = GPU_BATCH_BYTES
            .min(limits.max_buffer_size)
            .min(limits.max_storage_buffer_binding_size * 7);
        let per_batch = ((budget / (7 * 4 * size * size).max(1)) as usize).max(1);
        let ranges: Vec<std::ops::Range<usize>> = (0..outlines.len())
            .step_by(per_batch)
            .map(|start| start..(start + per_batch).min(outlines.len()))
            .collect();
        type Ready = Result<(Prepared, f64), FieldError>;
        type Computed = Option<Result<(RawFields, f64), GpuError>>;
        let prepare = |range: &std::ops::Range<usize>| -> Vec<Ready> {
            batch::map_batch(
                range.len(),
                |k| {
                    let start = Instant::now();
                    Prepared::new(outlines[range.start + k], options)
                        .map(|prep| (prep, start.elapsed().as_secs_f64() * 1e3))
                },
                |_, _| {},
            )
        };
        let submit = |prepared: &[Ready]| {
            let preps: Vec<&Prepared> = prepared.iter().flatten().map(|(p, _)| p).collect();
            (Instant::now(), gpu.submit_batch(&preps))
        };
        let mut results: Vec<Result<Fields, FieldError>> = Vec::with_capacity(outlines.len());
        let mut queued = ranges.first().map(|range| {
            let prepared = prepare(range);
            let submitted = submit(&prepared);
            (prepared, submitted)
        });
        for k in 0..ranges.len() {
            let (prepared, (began, submitted)) = queued
                .take()
                .expect("each batch is queued before it is read");
            // The next batch is prepared on the workers while the GPU computes this one,
            // and queued before this one is read back, so the GPU computes it while this
            // one is copied out and finished.
            queued = ranges.get(k + 1).map(|range| {
                let prepared = prepare(range);
                let submitted = submit(&prepared);
                (prepared, submitted)
            });
            let count = prepared.iter().flatten().count().max(1);
            let raw = submitted.and_then(|batch| gpu.finish_batch(batch));
            let ms = began.elapsed().as_secs_f64() * 1e3 / count as f64;
            let mut raw: Vec<Computed> = match raw {
                Ok(fields) => fields.into_iter().map(|f| Some(Ok((f, ms)))).collect(),
                // A failed batch is computed again glyph by glyph, so that each error
                // names its own glyph and the others still come through.
                Err(_) => prepared
                    .iter()
                    .flatten()
                    .map(|(prep, _)| {
                        let began = Instant::now();
                        Some(
                            gpu.compute(prep)
                                .map(|f| (f, began.elapsed().as_secs_f64() * 1e3)),
                        )
                    })
                    .collect(),
            };
            // Each prepared glyph takes the next result, in order.
            let mut next = raw.iter_mut();
            let paired: Vec<(Ready, Computed)> = prepared
                .into_iter()
                .map(|p| {
                    let r = if p.is_ok() {
                        next.next().and_then(Option::take)
                    } else {
                        None
                    };
                    (p, r)
                })
                .collect();
            use rayon::prelude::*;
            let finished: Vec<Result<Fields, FieldError>> = paired
                .into_par_iter()
                .map(|(prep, raw)| {
                    let (prep, prepare_ms) = prep?;
                    let (fields, fields_ms) = raw.expect("every prepared glyph was computed")?;
                    let timings = Timings {
                        prepare_ms,
                        fields_ms,
                        finish_ms: 0.0,
                    };
                    Ok(finish(&prep, fields, Backend::Gpu, timings))
                })
                .collect();
            results.extend(finished);
        }
        results
    }

    /// Computes all fields of a prepared glyph.
    pub fn compute_prepared(&self, prep: &Prepared, prepare_ms: f64) -> Result<Fields, FieldError> {
        let start = Instant::now();
        let raw = match (&self.gpu, self.backend) {
            (Some(gpu), Backend::Gpu) => gpu.compute(prep)?,
            _ => cpu::compute(prep),
        };
        let timings = Timings {
            prepare_ms,
            fields_ms: start.elapsed().as_secs_f64() * 1e3,
            finish_ms: 0.0,
        };
        Ok(finish(prep, raw, self.backend(), timings))
    }
}
