//! The GPU side of the field engine: pipelines built once, one compute pass per field.

use ndarray::Array2;
use wgpu::util::DeviceExt;

use super::{Prepared, RawFields};
use crate::gpu::{GpuContext, GpuError};
use crate::shaders;

mod batch;

use batch::{BatchResources, Capacity, PackedBatch, bind_group};
pub use batch::{GlyphSlot, SubmittedBatch};

/// Format of the packed field texture: distance, curvature, density, voids.
pub const FIELD_TEXTURE_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba16Float;
/// Format of the region-key texture.
pub const REGION_TEXTURE_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::R32Uint;

const WORKGROUP: u32 = 8;

/// Compute pipelines for every field pass, built once.
pub struct GpuFieldEngine {
    ctx: GpuContext,
    distance: wgpu::ComputePipeline,
    curvature: wgpu::ComputePipeline,
    density_down: wgpu::ComputePipeline,
    blur_rows: wgpu::ComputePipeline,
    blur_columns: wgpu::ComputePipeline,
    density_up: wgpu::ComputePipeline,
    cc_merge: wgpu::ComputePipeline,
    cc_compress: wgpu::ComputePipeline,
    regions: wgpu::ComputePipeline,
    pack: wgpu::ComputePipeline,
    /// Buffers of batches already read back, kept for the next batches.
    spare: std::sync::Mutex<Vec<BatchResources>>,
    /// Sets of buffers made for queued batches so far.
    made: std::sync::atomic::AtomicUsize,
}

/// Which passes to run.
#[derive(Clone, Copy, Debug)]
pub enum Passes<'a> {
    /// Every field.
    All,
    /// Only the signed distance (and nearest segment): for benchmarks.
    DistanceOnly,
    /// Every field, one pass at a time, recording each pass's wall time in milliseconds.
    Timed(&'a std::sync::Mutex<Vec<(&'static str, f64)>>),
    /// Every field in one submission, recording each pass's GPU time in milliseconds from
    /// timestamp queries (the device must have `Features::TIMESTAMP_QUERY`).
    Stamped(&'a std::sync::Mutex<Vec<(&'static str, f64)>>),
    /// What a sharp overlay draws (see `hologram::BaseMap`): distance, curvature, voids,
    /// the ink's region keys and the textures. The density stays zero and the void labels
    /// are not merged into components (the empty space's keys are each pixel's own index):
    /// an overlay reads both from its base, which has the whole glyph.
    Sharp,
}

/// One glyph's fields on the GPU.
pub struct GpuFields {
    pub size: u32,
    pub sdf: wgpu::Buffer,
    pub nearest: wgpu::Buffer,
    pub curvature: wgpu::Buffer,
    pub density: wgpu::Buffer,
    pub voids: wgpu::Buffer,
    pub labels: wgpu::Buffer,
    pub region_keys: wgpu::Buffer,
    /// rgba16float: distance, curvature, density, voids (for rendering).
    pub field_texture: wgpu::Texture,
    /// r32uint: region keys (for rendering and picking).
    pub region_texture: wgpu::Texture,
}

impl GpuFields {
    /// GPU memory the fields hold: their buffers and the two textures.
    pub fn gpu_bytes(&self) -> u64 {
        let buffers: u64 = [
            &self.sdf,
            &self.nearest,
            &self.curvature,
            &self.density,
            &self.voids,
            &self.labels,
            &self.region_keys,
        ]
        .iter()
        .map(|b| b.size())
        .sum();
        // rgba16float (8 bytes a pixel) and r32uint (4).
        let pixels = |t: &wgpu::Texture| u64::from(t.width()) * u64::from(t.height());
        buffers + pixels(&self.field_texture) * 8 + pixels(&self.region_texture) * 4
    }

    /// How many buffers [`Self::readable`] lists.
    const READABLE: usize = 7;

    /// The buffers [`RawFields`] is read from, in its field order, with their sizes.
    fn readable(&self) -> [(&wgpu::Buffer, u64); Self::READABLE] {
        let bytes = (self.size as u64).pow(2) * 4;
        [
            (&self.sdf, bytes),
            (&self.nearest, bytes),
            (&self.curvature, bytes),
            (&self.density, bytes),
            (&self.voids, bytes),
            (&self.labels, bytes),
            (&self.region_keys, bytes),
        ]
    }

    /// [`RawFields`] from the bytes of [`Self::readable`]'s buffers.
    fn raw_from(&self, data: &[Vec<u8>]) -> RawFields {
        Self::raw_from_size(self.size, data)
    }

    /// [`RawFields`] of an `n × n` glyph from the bytes of its fields, in
    /// [`Self::readable`]'s order.
    fn raw_from_size(n: u32, data: &[Vec<u8>]) -> RawFields {
        let n = n as usize;
        let f32s = |d: &[u8]| {
            Array2::from_shape_vec((n, n), bytemuck::pod_collect_to_vec::<u8, f32>(d))
                .expect("n × n")
        };
        let u32s = |d: &[u8]| {
            Array2::from_shape_vec((n, n), bytemuck::pod_collect_to_vec::<u8, u32>(d))
                .expect("n × n")
        };
        RawFields {
            sdf: f32s(&data[0]),
            nearest: u32s(&data[1]),
            curvature: f32s(&data[2]),
            density: f32s(&data[3]),
            voids: f32s(&data[4]),
            labels: u32s(&data[5]),
            region_keys: u32s(&data[6]),
        }
    }
}

impl GpuFieldEngine {
    /// Opens the default adapter and builds the pipelines.
    pub fn new() -> Result<Self, GpuError> {
        Self::with_context(GpuContext::new()?)
    }

    /// Builds the pipelines on an existing device.
    pub fn with_context(ctx: GpuContext) -> Result<Self, GpuError> {
        let device = &ctx.device;
        let module = |label: &str, pass: &str| {
            device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(label),
                source: wgpu::ShaderSource::Wgsl(shaders::field_pass(pass).into()),
            })
        };
        let pipeline = |label: &str, module: &wgpu::ShaderModule, entry: &str| {
            device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(label),
                layout: None,
                module,
                entry_point: Some(entry),
                compilation_options: Default::default(),
                cache: None,
            })
        };
        let distance = module("fields.distance", shaders::DISTANCE);
        let curvature = module("fields.curvature", shaders::CURVATURE);
        let density = module("fields.density", shaders::DENSITY);
        let voids = module("fields.voids", shaders::VOIDS);
        let regions = module("fields.regions", shaders::REGIONS);
        let pack = module("fields.pack", shaders::PACK);
        let engine = Self {
            distance: pipeline("fields.distance", &distance, "main"),
            curvature: pipeline("fields.curvature", &curvature, "main"),
            density_down: pipeline("fields.density.downsample", &density, "downsample"),
            blur_rows: pipeline("fields.density.rows", &density, "blur_rows"),
            density_up: pipeline("fields.density.upsample", &density, "upsample"),
            blur_columns: pipeline("fields.density.columns", &density, "blur_columns"),
            cc_merge: pipeline("fields.voids.merge", &voids, "merge"),
            cc_compress: pipeline("fields.voids.compress", &voids, "compress"),
            regions: pipeline("fields.regions", &regions, "main"),
            pack: pipeline("fields.pack", &pack, "main"),
            spare: Default::default(),
            made: Default::default(),
            ctx,
        };
        engine.ctx.check("building the field pipelines")?;
        Ok(engine)
    }

    pub fn context(&self) -> &GpuContext {
        &self.ctx
    }

    /// Runs every pass for `prep`; the results stay on the GPU.
    pub fn dispatch(&self, prep: &Prepared) -> Result<GpuFields, GpuError> {
        self.dispatch_passes(prep, Passes::All)
    }

    /// Runs `passes` for `prep`; the results stay on the GPU.
    pub fn dispatch_passes(
        &self,
        prep: &Prepared,
        passes_wanted: Passes<'_>,
    ) -> Result<GpuFields, GpuError> {
        let packed = PackedBatch::new(&[prep]);
        let need = Capacity::of(&packed);
        self.check_fits(&need, &[prep])?;
        let device = &self.ctx.device;
        let n = prep.grid.size;
        let texture = |label: &str, format: wgpu::TextureFormat| {
            field_texture(
                device,
                label,
                n,
                format,
                wgpu::TextureUsages::STORAGE_BINDING,
            )
        };
        let field_texture = texture("fields.texture", FIELD_TEXTURE_FORMAT);
        let region_texture = texture("fields.region_texture", REGION_TEXTURE_FORMAT);
        let views = [
            field_texture.create_view(&Default::default()),
            region_texture.create_view(&Default::default()),
        ];
        let res = BatchResources::new(self, need, false);
        self.run_batch(&res, &packed, passes_wanted, Some(&views), |_| {})?;
        let [sdf, nearest, curvature, density, voids, labels, region_keys] = res.fields;
        Ok(GpuFields {
            size: n,
            sdf,
            nearest,
            curvature,
            density,
            voids,
            labels,
            region_keys,
            field_texture,
            region_texture,
        })
    }

    /// Writes a packed batch into `res`, then records and submits `passes` for all of its
    /// glyphs at once: each pass dispatched once for the whole batch. The pack pass runs
    /// only with `textures` (one glyph: the field and region texture views). `after`
    /// records what follows the passes in the same submission (a copy out, say).
    fn run_batch(
        &self,
        res: &BatchResources,
        packed: &PackedBatch,
        passes_wanted: Passes<'_>,
        textures: Option<&[wgpu::TextureView; 2]>,
        after: impl FnOnce(&mut wgpu::CommandEncoder),
    ) -> Result<wgpu::SubmissionIndex, GpuError> {
        let device = &self.ctx.device;
        res.write(&self.ctx.queue, packed);
        let count = packed.slots.len() as u32;
        let groups = |label: &str| {
            // Passes on the density grid cover fewer pixels.
            let extent =
                if label.starts_with("fields.density.") && label != "fields.density.upsample" {
                    packed.largest_density
                } else {
                    packed.largest
                };
            [
                extent.div_ceil(WORKGROUP),
                extent.div_ceil(WORKGROUP),
                count,
            ]
        };
        let mut passes: Vec<Pass> = res
            .groups
            .iter()
            .map(|(label, pipeline, group)| Pass {
                label,
                pipeline: pipeline.clone(),
                group: group.clone(),
                groups: groups(label),
            })
            .collect();
        if let Some([field_view, region_view]) = textures {
            let [sdf, _, curvature, density, voids, _, region_keys] = &res.fields;
            let label = "fields.pack";
            passes.push(Pass {
                label,
                pipeline: self.pack.clone(),
                group: bind_group(
                    device,
                    &res.glyphs,
                    &self.pack,
                    label,
                    &[
                        b(sdf),
                        b(curvature),
                        b(density),
                        b(voids),
                        b(region_keys),
                        Some(wgpu::BindingResource::TextureView(field_view)),
                        Some(wgpu::BindingResource::TextureView(region_view)),
                    ],
                ),
                groups: groups(label),
            });
        }
        let wanted = |label: &str| match passes_wanted {
            Passes::All | Passes::Timed(_) | Passes::Stamped(_) => true,
            Passes::DistanceOnly => label == "fields.distance",
            Passes::Sharp => {
                !label.starts_with("fields.density.")
                    && label != "fields.voids.merge"
                    && label != "fields.voids.compress"
            }
        };
        if let Passes::Timed(timings) = passes_wanted {
            // Each pass on its own submission, waited for: slower overall, but says where
            // the time goes.
            let mut list = timings.lock().map_err(|_| GpuError::Validation {
                what: "pass timings".into(),
                reason: "lock poisoned".into(),
            })?;
            let wait = |what: &str| {
                device
                    .poll(wgpu::PollType::wait_indefinitely())
                    .map(|_| ())
                    .map_err(|e| GpuError::Validation {
                        what: what.to_string(),
                        reason: e.to_string(),
                    })
            };
            // The inputs were written through the queue: submit them before timing.
            self.ctx.queue.submit([]);
            wait("uploading the glyph")?;
            for p in &passes {
                let start = std::time::Instant::now();
                let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some(p.label),
                });
                p.record(&mut encoder);
                self.ctx.queue.submit([encoder.finish()]);
                wait(p.label)?;
                list.push((p.label, start.elapsed().as_secs_f64() * 1e3));
            }
        }
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("fields"),
        });
        let stamps = match passes_wanted {
            Passes::Stamped(_) => Some(Stamps::new(device, passes.len())),
            _ => None,
        };
        if !matches!(passes_wanted, Passes::Timed(_)) {
            for (i, p) in passes.iter().enumerate().filter(|(_, p)| wanted(p.label)) {
                p.record_stamped(&mut encoder, stamps.as_ref().map(|s| s.writes(i)));
            }
        }
        if let Some(stamps) = &stamps {
            stamps.resolve(&mut encoder);
        }
        after(&mut encoder);
        let index = self.ctx.queue.submit([encoder.finish()]);
        self.ctx.check("the field passes")?;
        if let (Some(stamps), Passes::Stamped(list)) = (&stamps, passes_wanted) {
            let ms = stamps.read(&self.ctx)?;
            let mut list = list.lock().map_err(|_| GpuError::Validation {
                what: "pass timings".into(),
                reason: "lock poisoned".into(),
            })?;
            list.extend(passes.iter().map(|p| p.label).zip(ms));
        }
        Ok(index)
    }

    /// Copies every field back to the CPU.
    pub fn read_back(&self, fields: &GpuFields) -> Result<RawFields, GpuError> {
        let data = self.ctx.read_buffers("the fields", &fields.readable())?;
        Ok(fields.raw_from(&data))
    }

    /// Computes a batch of glyphs in one submission (each pass dispatched once for all of
    /// them, over shared buffers) and reads every glyph's fields back through one mapped
    /// buffer. Results are in the order of `preps`.
    pub fn compute_batch(&self, preps: &[&Prepared]) -> Result<Vec<RawFields>, GpuError> {
        let submitted = self.submit_batch(preps)?;
        self.finish_batch(submitted)
    }

    /// Refuses work whose buffers the device cannot make (a small GPU), before any is made:
    /// wgpu would otherwise fail later with a read-back error that names nothing.
    fn check_fits(&self, need: &Capacity, preps: &[&Prepared]) -> Result<(), GpuError> {
        let limits = self.ctx.device.limits();
        if need.fits(&limits) {
            return Ok(());
        }
        let largest = preps.iter().map(|p| p.grid.size).max().unwrap_or(0);
        Err(GpuError::TooLarge {
            what: format!("fields of {} glyph(s) up to {largest}²", preps.len()),
            adapter: self.ctx.adapter_name(),
            max_buffer_mib: limits.max_buffer_size as f64 / (1 << 20) as f64,
            max_binding_mib: limits.max_storage_buffer_binding_size as f64 / (1 << 20) as f64,
        })
    }

    /// Queues a batch: its passes and the copy of its fields into a mappable buffer, in one
    /// submission. The CPU is free until [`Self::finish_batch`]; queueing the next batch
    /// first keeps the GPU busy while this one is read. The buffers and bind groups of a
    /// batch that was read back are used again when the next batch fits in them.
    pub fn submit_batch(&self, preps: &[&Prepared]) -> Result<SubmittedBatch, GpuError> {
        if preps.is_empty() {
            return Ok(SubmittedBatch {
                res: None,
                index: None,
                slots: Vec::new(),
                field_bytes: 0,
            });
        }
        let limits = self.ctx.device.limits();
        if preps.len() as u64 > limits.max_compute_workgroups_per_dimension as u64 {
            return Err(GpuError::Validation {
                what: "a batch of fields".into(),
                reason: format!(
                    "{} glyphs in one batch; this device dispatches at most {} (split the batch)",
                    preps.len(),
                    limits.max_compute_workgroups_per_dimension
                ),
            });
        }
        let packed = PackedBatch::new(preps);
        let need = Capacity::of(&packed);
        self.check_fits(&need, preps)?;
        // A quarter of headroom where the device's limits allow it.
        let roomy = Some(need.with_headroom()).filter(|c| c.fits(&limits));
        let res = self.take_spare(&need).unwrap_or_else(|| {
            self.made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            BatchResources::new(self, roomy.unwrap_or(need), true)
        });
        let field_bytes = packed.pixels * 4;
        let index = self.run_batch(&res, &packed, Passes::All, None, |encoder| {
            if let Some(staging) = &res.staging {
                for (i, field) in res.fields.iter().enumerate() {
                    encoder.copy_buffer_to_buffer(
                        field,
                        0,
                        staging,
                        i as u64 * field_bytes,
                        field_bytes,
                    );
                }
            }
        })?;
        Ok(SubmittedBatch {
            res: Some(res),
            index: Some(index),
            slots: packed.slots,
            field_bytes,
        })
    }

    /// Waits for a queued batch (only for it, not for batches queued after it) and splits
    /// its fields glyph by glyph.
    pub fn finish_batch(&self, batch: SubmittedBatch) -> Result<Vec<RawFields>, GpuError> {
        let (Some(res), Some(index)) = (batch.res, batch.index) else {
            return Ok(Vec::new());
        };
        let fail = |reason: String| GpuError::ReadBack {
            what: "a batch of fields".to_string(),
            reason,
        };
        let staging = res
            .staging
            .as_ref()
            .ok_or_else(|| fail("the batch has no staging buffer".into()))?;
        let bytes = batch.field_bytes as usize;
        let slice = staging.slice(..(bytes * GpuFields::READABLE) as u64);
        let (tx, rx) = std::sync::mpsc::channel();
        slice.map_async(wgpu::MapMode::Read, move |r| {
            let _sent = tx.send(r);
        });
        self.ctx
            .device
            .poll(wgpu::PollType::Wait {
                submission_index: Some(index),
                timeout: None,
            })
            .map_err(|e| fail(e.to_string()))?;
        rx.recv()
            .map_err(|e| fail(e.to_string()))?
            .map_err(|e| fail(e.to_string()))?;
        self.ctx.check("a batch of fields")?;
        let view = slice.get_mapped_range().map_err(|e| fail(e.to_string()))?;
        let fields = batch
            .slots
            .iter()
            .map(|slot| {
                let range = slot.byte_range();
                let data: Vec<Vec<u8>> = (0..GpuFields::READABLE)
                    .map(|i| view[i * bytes..][range.clone()].to_vec())
                    .collect();
                GpuFields::raw_from_size(slot.params.size, &data)
            })
            .collect();
        drop(view);
        staging.unmap();
        self.give_back(res);
        Ok(fields)
    }

    /// How many sets of buffers [`Self::submit_batch`] has made (other batches reused
    /// them).
    pub fn batch_buffers_made(&self) -> usize {
        self.made.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A kept set of batch buffers that holds `need`.
    fn take_spare(&self, need: &Capacity) -> Option<BatchResources> {
        let mut spare = self.spare.lock().ok()?;
        let i = spare.iter().position(|r| r.capacity.holds(need))?;
        Some(spare.swap_remove(i))
    }

    /// Keeps a read-back batch's buffers for the next batch: two sets at most (one
    /// computing while the other is read).
    fn give_back(&self, res: BatchResources) {
        if let Ok(mut spare) = self.spare.lock() {
            spare.push(res);
            if spare.len() > 2 {
                spare.remove(0);
            }
        }
    }

    /// Each pass's GPU time in milliseconds for a whole batch computed in one submission,
    /// from timestamp queries; `None` where the device has none.
    pub fn pass_gpu_times(
        &self,
        preps: &[&Prepared],
    ) -> Result<Option<Vec<(&'static str, f64)>>, GpuError> {
        if preps.is_empty()
            || !self
                .ctx
                .device
                .features()
                .contains(wgpu::Features::TIMESTAMP_QUERY)
        {
            return Ok(None);
        }
        let packed = PackedBatch::new(preps);
        let res = BatchResources::new(self, Capacity::of(&packed), false);
        let times = std::sync::Mutex::new(Vec::new());
        self.run_batch(&res, &packed, Passes::Stamped(&times), None, |_| {})?;
        let times = times.into_inner().map_err(|_| GpuError::Validation {
            what: "pass timings".into(),
            reason: "lock poisoned".into(),
        })?;
        Ok(Some(times))
    }

    /// Runs every pass on its own and returns each pass's wall time in milliseconds.
    pub fn pass_timings(&self, prep: &Prepared) -> Result<Vec<(&'static str, f64)>, GpuError> {
        let timings = std::sync::Mutex::new(Vec::new());
        self.dispatch_passes(prep, Passes::Timed(&timings))?;
        timings.into_inner().map_err(|_| GpuError::Validation {
            what: "pass timings".into(),
            reason: "lock poisoned".into(),
        })
    }

    /// Runs only the distance pass and reads the signed distance back.
    pub fn distance(&self, prep: &Prepared) -> Result<Array2<f32>, GpuError> {
        let fields = self.dispatch_passes(prep, Passes::DistanceOnly)?;
        let n = fields.size as usize;
        let data = self
            .ctx
            .read_buffers("the distance field", &[(&fields.sdf, (n * n * 4) as u64)])?;
        Ok(
            Array2::from_shape_vec((n, n), bytemuck::pod_collect_to_vec::<u8, f32>(&data[0]))
                .expect("n × n"),
        )
    }

    /// Fields computed elsewhere (the CPU twins), put on the GPU as the passes would leave
    /// them: the buffers, and the textures the renderer samples.
    pub fn upload(&self, raw: &RawFields) -> GpuFields {
        let device = &self.ctx.device;
        let queue = &self.ctx.queue;
        let n = raw.sdf.nrows() as u32;
        let buffer = |label: &str, contents: &[u8]| {
            device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents,
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
            })
        };
        let f32s = |a: &Array2<f32>| {
            bytemuck::cast_slice::<f32, u8>(a.as_slice().expect("standard layout")).to_vec()
        };
        let u32s = |a: &Array2<u32>| {
            bytemuck::cast_slice::<u32, u8>(a.as_slice().expect("standard layout")).to_vec()
        };
        let texture = |label: &str, format: wgpu::TextureFormat, texel: u32, data: &[u8]| {
            let texture = field_texture(device, label, n, format, wgpu::TextureUsages::COPY_DST);
            queue.write_texture(
                wgpu::TexelCopyTextureInfo {
                    texture: &texture,
                    mip_level: 0,
                    origin: wgpu::Origin3d::ZERO,
                    aspect: wgpu::TextureAspect::All,
                },
                data,
                wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(n * texel),
                    rows_per_image: Some(n),
                },
                texture.size(),
            );
            texture
        };
        // rgba16float, as `shaders/pack.wgsl` writes it.
        let channels = [&raw.sdf, &raw.curvature, &raw.density, &raw.voids]
            .map(|a| a.as_slice().expect("standard layout"));
        let mut packed = vec![0u16; (n * n * 4) as usize];
        for (i, texel) in packed.chunks_exact_mut(4).enumerate() {
            for (value, channel) in texel.iter_mut().zip(channels) {
                *value = half::f16::from_f32(channel[i]).to_bits();
            }
        }
        GpuFields {
            size: n,
            sdf: buffer("fields.sdf", &f32s(&raw.sdf)),
            nearest: buffer("fields.nearest", &u32s(&raw.nearest)),
            curvature: buffer("fields.curvature", &f32s(&raw.curvature)),
            density: buffer("fields.density", &f32s(&raw.density)),
            voids: buffer("fields.voids", &f32s(&raw.voids)),
            labels: buffer("fields.labels", &u32s(&raw.labels)),
            region_keys: buffer("fields.region_keys", &u32s(&raw.region_keys)),
            field_texture: texture(
                "fields.texture",
                FIELD_TEXTURE_FORMAT,
                8,
                bytemuck::cast_slice(&packed),
            ),
            region_texture: texture(
                "fields.region_texture",
                REGION_TEXTURE_FORMAT,
                4,
                &u32s(&raw.region_keys),
            ),
        }
    }

    /// Runs every pass and reads the results back.
    pub fn compute(&self, prep: &Prepared) -> Result<RawFields, GpuError> {
        let fields = self.dispatch(prep)?;
        self.read_back(&fields)
    }
}

/// An `n × n` texture of one field for the renderer (sampled, copied out), with `usage` for
/// how it is filled: written by the pack pass, or copied in from the CPU.
fn field_texture(
    device: &wgpu::Device,
    label: &str,
    n: u32,
    format: wgpu::TextureFormat,
    usage: wgpu::TextureUsages,
) -> wgpu::Texture {
    device.create_texture(&wgpu::TextureDescriptor {
        label: Some(label),
        size: wgpu::Extent3d {
            width: n,
            height: n,
            depth_or_array_layers: 1,
        },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format,
        usage: usage | wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_SRC,
        view_formats: &[],
    })
}

/// One field pass, ready to record: its bind group and its workgroup counts.
struct Pass {
    label: &'static str,
    pipeline: wgpu::ComputePipeline,
    group: wgpu::BindGroup,
    groups: [u32; 3],
}

impl Pass {
    /// Records the pass as its own compute pass (wgpu orders storage writes between
    /// passes).
    fn record(&self, encoder: &mut wgpu::CommandEncoder) {
        self.record_stamped(encoder, None);
    }

    /// [`Self::record`], writing timestamps at the pass's start and end.
    fn record_stamped(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        timestamp_writes: Option<wgpu::ComputePassTimestampWrites>,
    ) {
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some(self.label),
            timestamp_writes,
        });
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &self.group, &[]);
        let [x, y, z] = self.groups;
        pass.dispatch_workgroups(x, y, z);
    }
}

/// Two timestamps per pass (start, end), resolved into a buffer that is read back.
struct Stamps {
    set: wgpu::QuerySet,
    resolved: wgpu::Buffer,
    count: u32,
}

impl Stamps {
    fn new(device: &wgpu::Device, passes: usize) -> Self {
        let count = 2 * passes as u32;
        Stamps {
            set: device.create_query_set(&wgpu::QuerySetDescriptor {
                label: Some("fields.timestamps"),
                ty: wgpu::QueryType::Timestamp,
                count,
            }),
            resolved: device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("fields.timestamps.resolved"),
                size: count as u64 * 8,
                usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
                mapped_at_creation: false,
            }),
            count,
        }
    }

    fn writes(&self, pass: usize) -> wgpu::ComputePassTimestampWrites<'_> {
        wgpu::ComputePassTimestampWrites {
            query_set: &self.set,
            beginning_of_pass_write_index: Some(2 * pass as u32),
            end_of_pass_write_index: Some(2 * pass as u32 + 1),
        }
    }

    fn resolve(&self, encoder: &mut wgpu::CommandEncoder) {
        encoder.resolve_query_set(&self.set, 0..self.count, &self.resolved, 0);
    }

    /// Each pass's time in milliseconds.
    fn read(&self, ctx: &GpuContext) -> Result<Vec<f64>, GpuError> {
        let data = ctx.read_buffers(
            "the pass timestamps",
            &[(&self.resolved, self.count as u64 * 8)],
        )?;
        let ticks: Vec<u64> = bytemuck::pod_collect_to_vec(&data[0]);
        let ns_per_tick = ctx.queue.get_timestamp_period() as f64;
        Ok(ticks
            .chunks_exact(2)
            .map(|t| t[1].saturating_sub(t[0]) as f64 * ns_per_tick / 1e6)
            .collect())
    }
}

fn b(buffer: &wgpu::Buffer) -> Option<wgpu::BindingResource<'_>> {
    Some(buffer.as_entire_binding())
}
