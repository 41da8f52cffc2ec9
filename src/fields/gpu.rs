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
    blur_rows: wgpu::ComputePipeline,
    blur_columns: wgpu::ComputePipeline,
    cc_init: wgpu::ComputePipeline,
    cc_merge: wgpu::ComputePipeline,
    cc_compress: wgpu::ComputePipeline,
    regions: wgpu::ComputePipeline,
    pack: wgpu::ComputePipeline,
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
            blur_rows: pipeline("fields.density.rows", &density, "blur_rows"),
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
    pub fn dispatch<'a>(&'a self, prep: &Prepared) -> Result<GpuFields, GpuError> {
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
            bytemuck::cast_slice(&nonempty(&prep.part_of)),
            storage,
        );
        let cell_start = init(
            "fields.cell_start",
            bytemuck::cast_slice(&prep.cell_start),
            storage,
        );
        let cell_items = init(
            "fields.cell_items",
            bytemuck::cast_slice(&prep.cell_items),
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
                usage: wgpu::TextureUsages::STORAGE_BINDING
                    | wgpu::TextureUsages::TEXTURE_BINDING
                    | wgpu::TextureUsages::COPY_SRC,
                view_formats: &[],
            })
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
        let density_rows = field("fields.density.rows");
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
            (label, pipeline, bind(pipeline, label, resources))
        };
        let passes = [
            pass(
                "fields.distance",
                &self.distance,
                &[
                    b(&lines),
                    b(&cell_start),
                    b(&cell_items),
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
                "fields.density.rows",
                &self.blur_rows,
                &[b(&out.sdf), b(&density_rows)],
            ),
            pass(
                "fields.density.columns",
                &self.blur_columns,
                &[b(&density_rows), b(&out.density)],
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
        let groups = n.div_ceil(WORKGROUP);
        for (label, pipeline, group) in &passes {
            // One compute pass per field pass: wgpu orders storage writes between passes.
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some(label),
                timestamp_writes: None,
            });
            pass.set_pipeline(pipeline);
            pass.set_bind_group(0, group, &[]);
            pass.dispatch_workgroups(groups, groups, 1);
        }
        self.ctx.queue.submit([encoder.finish()]);
        self.ctx.check("the field passes")?;
        Ok(out)
    }

    /// Copies every field back to the CPU.
    pub fn read_back(&self, fields: &GpuFields) -> Result<RawFields, GpuError> {
        let n = fields.size as usize;
        let bytes = (n * n * 4) as u64;
        let data = self.ctx.read_buffers(
            "the fields",
            &[
                (&fields.sdf, bytes),
                (&fields.nearest, bytes),
                (&fields.curvature, bytes),
                (&fields.density, bytes),
                (&fields.voids, bytes),
                (&fields.labels, bytes),
                (&fields.region_keys, bytes),
            ],
        )?;
        let f32s = |d: &[u8]| {
            Array2::from_shape_vec((n, n), bytemuck::pod_collect_to_vec::<u8, f32>(d))
                .expect("n × n")
        };
        let u32s = |d: &[u8]| {
            Array2::from_shape_vec((n, n), bytemuck::pod_collect_to_vec::<u8, u32>(d))
                .expect("n × n")
        };
        Ok(RawFields {
            sdf: f32s(&data[0]),
            nearest: u32s(&data[1]),
            curvature: f32s(&data[2]),
            density: f32s(&data[3]),
            voids: f32s(&data[4]),
            labels: u32s(&data[5]),
            region_keys: u32s(&data[6]),
        })
    }

    /// Runs every pass and reads the results back.
    pub fn compute(&self, prep: &Prepared) -> Result<RawFields, GpuError> {
        let fields = self.dispatch(prep)?;
        self.read_back(&fields)
    }
}

fn b(buffer: &wgpu::Buffer) -> Option<wgpu::BindingResource<'_>> {
    Some(buffer.as_entire_binding())
}

/// wgpu refuses zero-sized storage buffers.
fn nonempty(v: &[u32]) -> Vec<u32> {
    if v.is_empty() { vec![0] } else { v.to_vec() }
}
