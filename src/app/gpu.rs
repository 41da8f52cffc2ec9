//! The window's GPU objects: the device eframe opened (shared with the field engine), and
//! the holograms drawn inside egui. The render pipeline and every bound glyph live in
//! egui-wgpu's callback resources; each paint callback names its glyph by a view id and
//! carries its own small [`Frame`], so any number of holograms draw in one frame, each with
//! its own uniforms.

use std::collections::HashMap;
use std::sync::Arc;

use egui_wgpu::wgpu;

use crate::fields::{GpuFieldEngine, GpuFields};
use crate::gpu::GpuContext;
use crate::hologram::{BaseMap, Frame, HologramInstance, HologramRenderer};

/// The window's GPU.
pub struct Gpu {
    pub render_state: egui_wgpu::RenderState,
    pub context: GpuContext,
    /// For one-off work on the UI's request (the PNG export).
    pub engine: GpuFieldEngine,
}

impl Gpu {
    /// Takes eframe's device and puts the render pipeline in its callback resources.
    pub fn new(rs: egui_wgpu::RenderState) -> Result<Self, crate::gpu::GpuError> {
        let context =
            GpuContext::from_device(rs.device.clone(), rs.queue.clone(), rs.adapter.get_info());
        let engine = GpuFieldEngine::with_context(context.clone())?;
        let renderer = HologramRenderer::new(&rs.device, rs.target_format);
        rs.renderer
            .write()
            .callback_resources
            .insert(ViewResources {
                renderer,
                views: HashMap::new(),
            });
        Ok(Self {
            render_state: rs,
            context,
            engine,
        })
    }

    /// Binds a glyph's GPU fields as view `view` (replacing what that id showed).
    pub fn bind(&self, view: u64, fields: GpuFields, em_per_px: f32) {
        let mut renderer = self.render_state.renderer.write();
        if let Some(res) = renderer.callback_resources.get_mut::<ViewResources>() {
            let instance = res
                .renderer
                .instance(&self.render_state.device, &fields, em_per_px);
            res.views.insert(
                view,
                BoundView {
                    fields: Arc::new(fields),
                    _base: None,
                    instance,
                },
            );
        }
    }

    /// Binds sharp fields of a window (`map`) of view `base`'s glyph as view `view`, to be
    /// drawn over `base`. Returns false when `base` is no longer bound.
    pub fn bind_overlay(
        &self,
        view: u64,
        fields: GpuFields,
        em_per_px: f32,
        base: u64,
        map: BaseMap,
    ) -> bool {
        let mut renderer = self.render_state.renderer.write();
        let Some(res) = renderer.callback_resources.get_mut::<ViewResources>() else {
            return false;
        };
        let Some(base_fields) = res.views.get(&base).map(|b| b.fields.clone()) else {
            return false;
        };
        let instance = res.renderer.overlay_instance(
            &self.render_state.device,
            &fields,
            em_per_px,
            &base_fields,
            map,
        );
        res.views.insert(
            view,
            BoundView {
                fields: Arc::new(fields),
                _base: Some(base_fields),
                instance,
            },
        );
        true
    }

    /// Drops every bound view but `keep`.
    pub fn release_except(&self, keep: &[u64]) {
        let mut renderer = self.render_state.renderer.write();
        if let Some(res) = renderer.callback_resources.get_mut::<ViewResources>() {
            res.views.retain(|id, _| keep.contains(id));
        }
    }
}

/// What the paint callbacks need on the GPU side.
pub struct ViewResources {
    pub renderer: HologramRenderer,
    pub views: HashMap<u64, BoundView>,
}

/// One glyph's field textures bound for drawing, with its own uniforms.
pub struct BoundView {
    /// Keeps the textures the instance samples alive.
    fields: Arc<GpuFields>,
    /// An overlay's base fields (it samples them too).
    _base: Option<Arc<GpuFields>>,
    pub instance: HologramInstance,
}

/// A paint callback: which bound view, lit how.
pub struct HologramCallback {
    pub view: u64,
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
            && let Some(v) = res.views.get(&self.view)
        {
            res.renderer.prepare(queue, &v.instance, &self.frame);
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
            && let Some(v) = res.views.get(&self.view)
        {
            res.renderer.paint(pass, &v.instance);
        }
    }
}
