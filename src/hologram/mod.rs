//! The hologram render pipeline: lights a glyph's field textures as an animated relief.
//! Built once per target format and shared; each hologram drawn has its own
//! [`HologramInstance`] (uniforms and bind group), so any number of them can be prepared and
//! painted in one frame. Works offscreen (CLI, tests) and, through the same
//! `HologramRenderer`, inside a window.

use bytemuck::{Pod, Zeroable};

use crate::fields::GpuFields;
use crate::gpu::{GpuContext, GpuError};
use crate::shaders;

pub use crate::library::{Layer, Style};

/// Per-frame uniforms. Keep in sync with `HologramUniforms` in `shaders/hologram.wgsl`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct HologramUniforms {
    /// Seconds of animation.
    pub time: f32,
    pub style: u32,
    pub layer: u32,
    /// Region key to highlight (`u32::MAX` for none).
    pub highlight: u32,
    pub em_per_px: f32,
    pub field_size: u32,
    /// Depth at which the relief reaches full height, em.
    pub depth_em: f32,
    pub curvature_limit: f32,
    /// Zoom and pan: field uv = `view[0..2]` + target uv × `view[2]`; `view[3]` is padding.
    pub view: [f32; 4],
    /// This field's uv → the base field's uv: `base[0..2]` + uv × `base[2]` (the identity
    /// for a whole glyph; see [`BaseMap`]); `base[3]` is padding.
    pub base: [f32; 4],
    /// Side of the base fields, px.
    pub base_size: u32,
    /// 1 for an overlay (sharp fields over a window of the base): beyond its window it
    /// leaves the target as it was.
    pub overlay: u32,
    pub _pad: [u32; 2],
}
const _: () = assert!(std::mem::size_of::<HologramUniforms>() == 80);

/// Where a window's fields lie in a whole glyph's (base) fields: base uv = `origin` + uv ×
/// `scale`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BaseMap {
    pub origin: [f32; 2],
    pub scale: f32,
}

impl BaseMap {
    /// The map of fields on `window` into fields on `base` (both grids in the same em space).
    pub fn between(window: &crate::geometry::FieldGrid, base: &crate::geometry::FieldGrid) -> Self {
        let side = base.side_em();
        Self {
            origin: [
                ((window.x0 - base.x0) / side) as f32,
                ((base.y0 - window.y0) / side) as f32,
            ],
            scale: (window.side_em() / side) as f32,
        }
    }

    /// Whether this window covers all that `frame` shows of the base (then the base need
    /// not be drawn under it).
    pub fn covers(&self, frame: &Frame) -> bool {
        let (o, s) = (frame.view_origin, frame.view_scale);
        let end = [self.origin[0] + self.scale, self.origin[1] + self.scale];
        self.origin[0] <= o[0] && self.origin[1] <= o[1] && end[0] >= o[0] + s && end[1] >= o[1] + s
    }

    /// A frame of the base's view (its uv window) as this window's.
    pub fn frame_from_base(&self, frame: &Frame) -> Frame {
        Frame {
            view_origin: [
                (frame.view_origin[0] - self.origin[0]) / self.scale,
                (frame.view_origin[1] - self.origin[1]) / self.scale,
            ],
            view_scale: frame.view_scale / self.scale,
            ..*frame
        }
    }
}

/// What to draw in one frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub time: f32,
    pub style: Style,
    pub layer: Layer,
    /// Region key to light up (as in the fields' region-key texture).
    pub highlight: Option<u32>,
    /// The part of the field shown: its top-left corner in field uv (0..1) and the uv span
    /// of the target's side. Default: the whole field, `([0, 0], 1)`.
    pub view_origin: [f32; 2],
    pub view_scale: f32,
}

impl Default for Frame {
    fn default() -> Self {
        Self {
            time: 0.0,
            style: Style::Hieroglyph,
            layer: Layer::Hologram,
            highlight: None,
            view_origin: [0.0, 0.0],
            view_scale: 1.0,
        }
    }
}

/// Colour format of offscreen renders.
pub const OFFSCREEN_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8UnormSrgb;

/// The render pipeline, built once for one target format. Holds only what every hologram
/// shares; what differs per hologram lives in its [`HologramInstance`].
pub struct HologramRenderer {
    pipeline: wgpu::RenderPipeline,
    sampler: wgpu::Sampler,
    layout: wgpu::BindGroupLayout,
}

/// One hologram to draw: its own uniform buffer and the bind group tying it to one glyph's
/// field textures. Make one per place a hologram is drawn (the view, each panel of a
/// comparison), once per glyph, and reuse it every frame. Each instance keeps its own
/// uniforms, so several can be prepared and then painted in the same frame — the order
/// egui's paint callbacks run in — without drawing with each other's frame.
pub struct HologramInstance {
    uniforms: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    /// Side of the glyph's field textures, px.
    field_size: u32,
    /// Em per field pixel of the glyph's grid.
    em_per_px: f32,
    /// For an overlay: the base fields' side and where this window lies in them.
    base: Option<(u32, BaseMap)>,
}

impl HologramRenderer {
    pub fn new(device: &wgpu::Device, format: wgpu::TextureFormat) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("hologram"),
            source: wgpu::ShaderSource::Wgsl(shaders::HOLOGRAM.into()),
        });
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("hologram"),
            layout: None,
            vertex: wgpu::VertexState {
                module: &module,
                entry_point: Some("vs_main"),
                compilation_options: Default::default(),
                buffers: &[],
            },
            primitive: wgpu::PrimitiveState::default(),
            depth_stencil: None,
            multisample: wgpu::MultisampleState::default(),
            fragment: Some(wgpu::FragmentState {
                module: &module,
                entry_point: Some("fs_main"),
                compilation_options: Default::default(),
                targets: &[Some(format.into())],
            }),
            multiview_mask: None,
            cache: None,
        });
        let sampler = device.create_sampler(&wgpu::SamplerDescriptor {
            label: Some("hologram.sampler"),
            mag_filter: wgpu::FilterMode::Linear,
            min_filter: wgpu::FilterMode::Linear,
            ..Default::default()
        });
        let layout = pipeline.get_bind_group_layout(0);
        Self {
            pipeline,
            sampler,
            layout,
        }
    }

    /// A hologram of one glyph's fields, with its own uniforms (make it once per glyph and
    /// place drawn). `em_per_px` is the fields' grid spacing.
    pub fn instance(
        &self,
        device: &wgpu::Device,
        fields: &GpuFields,
        em_per_px: f32,
    ) -> HologramInstance {
        self.make_instance(device, fields, em_per_px, fields, None)
    }

    /// An overlay: sharp `fields` computed for a window (`map`) of a whole glyph's `base`
    /// fields, drawn over the base's own hologram. Paint the base first, then this, with
    /// [`BaseMap::frame_from_base`] of the base's frame; beyond its window it draws nothing.
    pub fn overlay_instance(
        &self,
        device: &wgpu::Device,
        fields: &GpuFields,
        em_per_px: f32,
        base: &GpuFields,
        map: BaseMap,
    ) -> HologramInstance {
        self.make_instance(device, fields, em_per_px, base, Some((base.size, map)))
    }

    fn make_instance(
        &self,
        device: &wgpu::Device,
        fields: &GpuFields,
        em_per_px: f32,
        base_fields: &GpuFields,
        base: Option<(u32, BaseMap)>,
    ) -> HologramInstance {
        let uniforms = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("hologram.uniforms"),
            size: std::mem::size_of::<HologramUniforms>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let field_view = fields.field_texture.create_view(&Default::default());
        let region_view = fields.region_texture.create_view(&Default::default());
        let base_field_view = base_fields.field_texture.create_view(&Default::default());
        let base_region_view = base_fields.region_texture.create_view(&Default::default());
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("hologram.fields"),
            layout: &self.layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: uniforms.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: wgpu::BindingResource::TextureView(&field_view),
                },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: wgpu::BindingResource::Sampler(&self.sampler),
                },
                wgpu::BindGroupEntry {
                    binding: 3,
                    resource: wgpu::BindingResource::TextureView(&region_view),
                },
                wgpu::BindGroupEntry {
                    binding: 4,
                    resource: wgpu::BindingResource::TextureView(&base_field_view),
                },
                wgpu::BindGroupEntry {
                    binding: 5,
                    resource: wgpu::BindingResource::TextureView(&base_region_view),
                },
            ],
        });
        HologramInstance {
            uniforms,
            bind_group,
            field_size: fields.size,
            em_per_px,
            base,
        }
    }

    /// Writes the frame into the instance's uniforms (before the pass that paints it).
    pub fn prepare(&self, queue: &wgpu::Queue, instance: &HologramInstance, frame: &Frame) {
        let (base_size, map) = instance.base.unwrap_or((
            instance.field_size,
            BaseMap {
                origin: [0.0, 0.0],
                scale: 1.0,
            },
        ));
        let u = HologramUniforms {
            time: frame.time,
            style: frame.style as u32,
            layer: frame.layer as u32,
            highlight: frame.highlight.unwrap_or(u32::MAX),
            em_per_px: instance.em_per_px,
            field_size: instance.field_size,
            depth_em: 0.04,
            curvature_limit: 1.0 / instance.em_per_px,
            view: [
                frame.view_origin[0],
                frame.view_origin[1],
                frame.view_scale,
                0.0,
            ],
            base: [map.origin[0], map.origin[1], map.scale, 0.0],
            base_size,
            overlay: u32::from(instance.base.is_some()),
            _pad: [0; 2],
        };
        queue.write_buffer(&instance.uniforms, 0, bytemuck::bytes_of(&u));
    }

    /// Records the instance's draw into a pass, filling its viewport.
    pub fn paint(&self, pass: &mut wgpu::RenderPass<'_>, instance: &HologramInstance) {
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &instance.bind_group, &[]);
        pass.draw(0..3, 0..1);
    }
}

/// Renders one frame offscreen at `size`² pixels and returns RGBA8 (sRGB) rows.
pub fn render_offscreen(
    ctx: &GpuContext,
    renderer: &HologramRenderer,
    fields: &GpuFields,
    em_per_px: f32,
    frame: &Frame,
    size: u32,
) -> Result<Vec<u8>, GpuError> {
    let instance = renderer.instance(&ctx.device, fields, em_per_px);
    render_offscreen_row(ctx, renderer, &[(&instance, *frame)], size)
}

/// Renders holograms side by side in one pass, each in its own `size`² viewport of a
/// (n·`size`)×`size` target, and returns RGBA8 (sRGB) rows. All instances are prepared
/// before any is painted, as egui does with its paint callbacks.
pub fn render_offscreen_row(
    ctx: &GpuContext,
    renderer: &HologramRenderer,
    items: &[(&HologramInstance, Frame)],
    size: u32,
) -> Result<Vec<u8>, GpuError> {
    render_items(ctx, renderer, items, size, true)
}

/// Renders holograms one over the other in one `size`² target, in order (a glyph, then the
/// sharp overlay of what the view shows), and returns RGBA8 (sRGB) rows.
pub fn render_offscreen_stack(
    ctx: &GpuContext,
    renderer: &HologramRenderer,
    items: &[(&HologramInstance, Frame)],
    size: u32,
) -> Result<Vec<u8>, GpuError> {
    render_items(ctx, renderer, items, size, false)
}

fn render_items(
    ctx: &GpuContext,
    renderer: &HologramRenderer,
    items: &[(&HologramInstance, Frame)],
    size: u32,
    side_by_side: bool,
) -> Result<Vec<u8>, GpuError> {
    let device = &ctx.device;
    let columns = if side_by_side { items.len().max(1) } else { 1 };
    let width = size * columns as u32;
    let target = device.create_texture(&wgpu::TextureDescriptor {
        label: Some("hologram.target"),
        size: wgpu::Extent3d {
            width,
            height: size,
            depth_or_array_layers: 1,
        },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: OFFSCREEN_FORMAT,
        usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
        view_formats: &[],
    });
    let view = target.create_view(&Default::default());
    for (instance, frame) in items {
        renderer.prepare(&ctx.queue, instance, frame);
    }
    let row_bytes = width * 4;
    let padded =
        row_bytes.div_ceil(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT) * wgpu::COPY_BYTES_PER_ROW_ALIGNMENT;
    let readback = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("hologram.readback"),
        size: padded as u64 * size as u64,
        usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::COPY_SRC,
        mapped_at_creation: false,
    });
    let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
        label: Some("hologram"),
    });
    {
        let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("hologram"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: &view,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                    store: wgpu::StoreOp::Store,
                },
            })],
            depth_stencil_attachment: None,
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
        for (i, (instance, _)) in items.iter().enumerate() {
            let x = if side_by_side { i as u32 * size } else { 0 };
            pass.set_viewport(x as f32, 0.0, size as f32, size as f32, 0.0, 1.0);
            pass.set_scissor_rect(x, 0, size, size);
            renderer.paint(&mut pass, instance);
        }
    }
    encoder.copy_texture_to_buffer(
        wgpu::TexelCopyTextureInfo {
            texture: &target,
            mip_level: 0,
            origin: wgpu::Origin3d::ZERO,
            aspect: wgpu::TextureAspect::All,
        },
        wgpu::TexelCopyBufferInfo {
            buffer: &readback,
            layout: wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(padded),
                rows_per_image: Some(size),
            },
        },
        wgpu::Extent3d {
            width,
            height: size,
            depth_or_array_layers: 1,
        },
    );
    ctx.queue.submit([encoder.finish()]);
    ctx.check("rendering the hologram")?;
    let data = ctx.read_buffers(
        "the hologram frame",
        &[(&readback, padded as u64 * size as u64)],
    )?;
    let mut rgba = Vec::with_capacity((row_bytes * size) as usize);
    for row in data[0].chunks(padded as usize) {
        rgba.extend_from_slice(&row[..row_bytes as usize]);
    }
    Ok(rgba)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::FieldGrid;

    #[test]
    fn a_window_maps_into_its_base_and_knows_what_it_covers() {
        let base = FieldGrid {
            size: 384,
            x0: -0.1,
            y0: 1.1,
            em_per_px: 1.2 / 384.0,
        };
        let window = base.window([0.25, 0.5], 0.25, 500);
        let map = BaseMap::between(&window, &base);
        assert!((map.origin[0] - 0.25).abs() < 1e-6 && (map.origin[1] - 0.5).abs() < 1e-6);
        assert!((map.scale - 0.25).abs() < 1e-6);
        let view = |origin: [f32; 2], scale: f32| Frame {
            view_origin: origin,
            view_scale: scale,
            ..Frame::default()
        };
        assert!(map.covers(&view([0.26, 0.51], 0.2)));
        assert!(!map.covers(&view([0.2, 0.51], 0.2)), "beyond its left edge");
        assert!(!map.covers(&view([0.26, 0.51], 0.3)), "larger than it");
        // The base's view in the window's uv: the window's origin is its 0.
        let f = map.frame_from_base(&view([0.25, 0.5], 0.25));
        assert!(f.view_origin[0].abs() < 1e-6 && (f.view_scale - 1.0).abs() < 1e-6);
    }
}
