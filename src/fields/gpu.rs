//! The GPU side of the field engine: pipelines built once, one compute pass per field.

use ndarray::Array2;
use wgpu::util::DeviceExt;

use super::{Prepared, RawFields};
use crate::gpu::{GpuContext, GpuError};
use crate::shaders;

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
    cc_init: wgpu::ComputePipeline,
    cc_merge: wgpu::ComputePipeline,
    cc_compress: wgpu::ComputePipeline,
    regions: wgpu::ComputePipeline,
    pack: wgpu::ComputePipeline,
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
        let n = self.size as usize;
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
            cc_init: pipeline("fields.voids.init", &voids, "init"),
            cc_merge: pipeline("fields.voids.merge", &voids, "merge"),
            cc_compress: pipeline("fields.voids.compress", &voids, "compress"),
            regions: pipeline("fields.regions", &regions, "main"),
            pack: pipeline("fields.pack", &pack, "main"),
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
    pub fn dispatch_passes<'a>(
        &'a self,
        prep: &Prepared,
        passes_wanted: Passes<'_>,
    ) -> Result<GpuFields, GpuError> {
        let device = &self.ctx.device;
        let n = prep.grid.size;
        let pixels = (n as u64) * (n as u64);
        let init = |label: &str, contents: &[u8], usage: wgpu::BufferUsages| {
            device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents,
                usage,
            })
        };
        let storage = wgpu::BufferUsages::STORAGE;
        let params = init(
            "fields.params",
            bytemuck::bytes_of(&prep.params),
            wgpu::BufferUsages::UNIFORM,
        );
        let lines = init("fields.lines", bytemuck::cast_slice(&prep.lines), storage);
        let part_of = init(
            "fields.part_of",
            bytemuck::cast_slice(&nonempty(&prep.boundary.part_of)),
            storage,
        );
        let tile_start = init(
            "fields.tile_start",
            bytemuck::cast_slice(&prep.tile_start),
            storage,
        );
        let tile_items = init(
            "fields.tile_items",
            bytemuck::cast_slice(&prep.tile_items),
            storage,
        );
        let row_start = init(
            "fields.row_start",
            bytemuck::cast_slice(&prep.row_start),
            storage,
        );
        let row_items = init(
            "fields.row_items",
            bytemuck::cast_slice(&prep.row_items),
            storage,
        );
        let field = |label: &str| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: pixels * 4,
                usage: storage | wgpu::BufferUsages::COPY_SRC,
                mapped_at_creation: false,
            })
        };
        let texture = |label: &str, format: wgpu::TextureFormat| {
            field_texture(
                device,
                label,
                n,
                format,
                wgpu::TextureUsages::STORAGE_BINDING,
            )
        };
        let out = GpuFields {
            size: n,
            sdf: field("fields.sdf"),
            nearest: field("fields.nearest"),
            curvature: field("fields.curvature"),
            density: field("fields.density"),
            voids: field("fields.voids"),
            labels: field("fields.labels"),
            region_keys: field("fields.region_keys"),
            field_texture: texture("fields.texture", FIELD_TEXTURE_FORMAT),
            region_texture: texture("fields.region_texture", REGION_TEXTURE_FORMAT),
        };
        let coarse = |label: &str| {
            let m = prep.params.density_size as u64;
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: m * m * 4,
                usage: storage,
                mapped_at_creation: false,
            })
        };
        let density_a = coarse("fields.density.coarse_a");
        let density_b = coarse("fields.density.coarse_b");
        let weights = init(
            "fields.density.weights",
            bytemuck::cast_slice(&super::cpu::density_weights(&prep.params)),
            storage,
        );
        let field_view = out.field_texture.create_view(&Default::default());
        let region_view = out.region_texture.create_view(&Default::default());

        // Resources bind in order from binding 1 (binding 0 is the uniforms); `None` skips
        // a binding the entry point does not use.
        let bind = |pipeline: &wgpu::ComputePipeline,
                    label: &str,
                    resources: &[Option<wgpu::BindingResource>]| {
            let mut entries = vec![wgpu::BindGroupEntry {
                binding: 0,
                resource: params.as_entire_binding(),
            }];
            entries.extend(resources.iter().enumerate().filter_map(|(i, r)| {
                r.clone().map(|resource| wgpu::BindGroupEntry {
                    binding: i as u32 + 1,
                    resource,
                })
            }));
            device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some(label),
                layout: &pipeline.get_bind_group_layout(0),
                entries: &entries,
            })
        };
        let pass = |label: &'static str,
                    pipeline: &'a wgpu::ComputePipeline,
                    resources: &[Option<wgpu::BindingResource>]| {
            // Passes on the density grid cover fewer pixels.
            let extent =
                if label.starts_with("fields.density.") && label != "fields.density.upsample" {
                    prep.params.density_size
                } else {
                    n
                };
            (
                label,
                pipeline,
                bind(pipeline, label, resources),
                extent.div_ceil(WORKGROUP),
            )
        };
        let passes = [
            pass(
                "fields.distance",
                &self.distance,
                &[
                    b(&lines),
                    b(&tile_start),
                    b(&tile_items),
                    b(&row_start),
                    b(&row_items),
                    b(&out.sdf),
                    b(&out.nearest),
                ],
            ),
            pass(
                "fields.curvature",
                &self.curvature,
                &[b(&out.sdf), b(&out.curvature)],
            ),
            pass(
                "fields.density.downsample",
                &self.density_down,
                &[b(&out.sdf), b(&density_a)],
            ),
            pass(
                "fields.density.rows",
                &self.blur_rows,
                &[b(&density_a), b(&density_b), b(&weights)],
            ),
            pass(
                "fields.density.columns",
                &self.blur_columns,
                &[b(&density_b), b(&density_a), b(&weights)],
            ),
            pass(
                "fields.density.upsample",
                &self.density_up,
                &[b(&density_a), b(&out.density)],
            ),
            pass(
                "fields.voids.init",
                &self.cc_init,
                &[b(&out.sdf), b(&out.labels), b(&out.voids)],
            ),
            pass(
                "fields.voids.merge",
                &self.cc_merge,
                &[b(&out.sdf), b(&out.labels)],
            ),
            pass(
                "fields.voids.compress",
                &self.cc_compress,
                &[None, b(&out.labels)],
            ),
            pass(
                "fields.regions",
                &self.regions,
                &[
                    b(&out.sdf),
                    b(&out.labels),
                    b(&out.nearest),
                    b(&part_of),
                    b(&out.region_keys),
                ],
            ),
            pass(
                "fields.pack",
                &self.pack,
                &[
                    b(&out.sdf),
                    b(&out.curvature),
                    b(&out.density),
                    b(&out.voids),
                    b(&out.region_keys),
                    Some(wgpu::BindingResource::TextureView(&field_view)),
                    Some(wgpu::BindingResource::TextureView(&region_view)),
                ],
            ),
        ];
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("fields"),
        });
        let wanted = |label: &str| match passes_wanted {
            Passes::All | Passes::Timed(_) => true,
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
            self.ctx.queue.submit([encoder.finish()]);
            wait("uploading the glyph")?;
            for (label, pipeline, group, groups) in &passes {
                let start = std::time::Instant::now();
                let mut encoder = device
                    .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some(label) });
                record_pass(&mut encoder, label, pipeline, group, *groups);
                self.ctx.queue.submit([encoder.finish()]);
                wait(label)?;
                list.push((label, start.elapsed().as_secs_f64() * 1e3));
            }
            self.ctx.check("the field passes")?;
            return Ok(out);
        }
        for (label, pipeline, group, groups) in passes.iter().filter(|p| wanted(p.0)) {
            record_pass(&mut encoder, label, pipeline, group, *groups);
        }
        self.ctx.queue.submit([encoder.finish()]);
        self.ctx.check("the field passes")?;
        Ok(out)
    }

    /// Copies every field back to the CPU.
    pub fn read_back(&self, fields: &GpuFields) -> Result<RawFields, GpuError> {
        let data = self.ctx.read_buffers("the fields", &fields.readable())?;
        Ok(fields.raw_from(&data))
    }

    /// Runs every pass for each glyph of a batch, then reads every glyph's fields back
    /// through one mapped buffer: the CPU waits for the GPU once per batch instead of once
    /// per glyph. Results are in the order of `preps`.
    pub fn compute_batch(&self, preps: &[&Prepared]) -> Result<Vec<RawFields>, GpuError> {
        let fields = preps
            .iter()
            .map(|prep| self.dispatch(prep))
            .collect::<Result<Vec<_>, _>>()?;
        let sources: Vec<(&wgpu::Buffer, u64)> =
            fields.iter().flat_map(GpuFields::readable).collect();
        let data = self.ctx.read_buffers("a batch of fields", &sources)?;
        Ok(fields
            .iter()
            .zip(data.chunks(GpuFields::READABLE))
            .map(|(f, d)| f.raw_from(d))
            .collect())
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

/// Records one field pass as its own compute pass (wgpu orders storage writes between
/// passes), over `groups × groups` workgroups.
fn record_pass(
    encoder: &mut wgpu::CommandEncoder,
    label: &str,
    pipeline: &wgpu::ComputePipeline,
    group: &wgpu::BindGroup,
    groups: u32,
) {
    let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
        label: Some(label),
        timestamp_writes: None,
    });
    pass.set_pipeline(pipeline);
    pass.set_bind_group(0, group, &[]);
    pass.dispatch_workgroups(groups, groups, 1);
}

fn b(buffer: &wgpu::Buffer) -> Option<wgpu::BindingResource<'_>> {
    Some(buffer.as_entire_binding())
}

/// wgpu refuses zero-sized storage buffers.
fn nonempty(v: &[u32]) -> Vec<u32> {
    if v.is_empty() { vec![0] } else { v.to_vec() }
}
