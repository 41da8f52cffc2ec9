//! The hologram inside egui: the field textures of the shown glyph live in egui-wgpu's
//! callback resources with the render pipeline (built once); each frame a paint callback
//! carries only the small [`Frame`] and writes the uniforms.

use egui_wgpu::wgpu;

use crate::fields::GpuFields;
use crate::hologram::{Frame, HologramRenderer};

/// What the paint callback needs on the GPU side.
pub struct ViewResources {
    pub renderer: HologramRenderer,
    pub glyph: Option<BoundGlyph>,
}

/// One glyph's field textures and their bind group.
pub struct BoundGlyph {
    /// Which glyph (the app's generation counter), so a stale callback draws nothing.
    pub generation: u64,
    pub fields: GpuFields,
    pub bind_group: wgpu::BindGroup,
    pub em_per_px: f32,
}

/// The per-frame callback: which glyph and how to light it.
pub struct HologramCallback {
    pub generation: u64,
    pub frame: Frame,
}

impl egui_wgpu::CallbackTrait for HologramCallback {
    fn prepare(
        &self,
        _device: &wgpu::Device,
        queue: &wgpu::Queue,
        _screen: &egui_wgpu::ScreenDescriptor,
        _encoder: &mut wgpu::CommandEncoder,
        resources: &mut egui_wgpu::CallbackResources,
    ) -> Vec<wgpu::CommandBuffer> {
        if let Some(res) = resources.get::<ViewResources>()
            && let Some(g) = res
                .glyph
                .as_ref()
                .filter(|g| g.generation == self.generation)
        {
            res.renderer
                .prepare(queue, &g.fields, g.em_per_px, &self.frame);
        }
        Vec::new()
    }

    fn paint(
        &self,
        _info: egui::PaintCallbackInfo,
        pass: &mut wgpu::RenderPass<'static>,
        resources: &egui_wgpu::CallbackResources,
    ) {
        if let Some(res) = resources.get::<ViewResources>()
            && let Some(g) = res
                .glyph
                .as_ref()
                .filter(|g| g.generation == self.generation)
        {
            res.renderer.paint(pass, &g.bind_group);
        }
    }
}
