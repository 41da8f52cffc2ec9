//! The hologram inside egui: the shown glyph's hologram instance (its uniforms and its bind
//! group over the glyph's field textures) lives in egui-wgpu's callback resources with the
//! render pipeline (built once); each frame a paint callback carries only the small
//! [`Frame`] and writes the instance's uniforms.

use egui_wgpu::wgpu;

use crate::hologram::{Frame, HologramInstance, HologramRenderer};

/// What the paint callback needs on the GPU side.
pub struct ViewResources {
    pub renderer: HologramRenderer,
    pub glyph: Option<BoundGlyph>,
}

/// The shown glyph's hologram.
pub struct BoundGlyph {
    /// Which glyph (the app's generation counter), so a stale callback draws nothing.
    pub generation: u64,
    /// Draws the glyph; its bind group keeps the field textures alive.
    pub instance: HologramInstance,
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
            res.renderer.prepare(queue, &g.instance, &self.frame);
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
            res.renderer.paint(pass, &g.instance);
        }
    }
}
