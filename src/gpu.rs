//! The wgpu device shared by the field engine and the hologram renderer, without a window.

use std::sync::{Arc, Mutex};

/// Why the GPU could not be used.
#[derive(Debug, thiserror::Error)]
pub enum GpuError {
    /// No adapter was found (no Vulkan/Metal/DX12/GL driver, or none usable).
    #[error("no GPU adapter found: {0}")]
    NoAdapter(String),
    /// The adapter refused to create a device.
    #[error("the GPU adapter {adapter} refused a device: {reason}")]
    Device { adapter: String, reason: String },
    /// The device was lost (a driver reset, a GPU unplugged, or `Device::destroy`): what it
    /// held is gone; a new device must be opened.
    #[error("the GPU device on {adapter} was lost ({reason}) during {what}")]
    DeviceLost {
        adapter: String,
        reason: String,
        what: String,
    },
    /// The work needs larger buffers than the device allows (a small or integrated GPU).
    #[error(
        "{what} need more GPU memory in one buffer than {adapter} allows ({max_buffer_mib:.0} MiB a buffer, {max_binding_mib:.0} MiB a binding); use a smaller size, or --backend cpu"
    )]
    TooLarge {
        what: String,
        adapter: String,
        max_buffer_mib: f64,
        max_binding_mib: f64,
    },
    /// Reading results back from the GPU failed.
    #[error("reading {what} back from the GPU failed: {reason}")]
    ReadBack { what: String, reason: String },
    /// wgpu reported a validation or out-of-memory error.
    #[error("the GPU reported an error in {what}: {reason}")]
    Validation { what: String, reason: String },
}

/// Every adapter wgpu finds (from the environment's backends), for `hologlyph devices`.
pub fn list_adapters() -> Vec<wgpu::AdapterInfo> {
    let instance =
        wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
    pollster::block_on(instance.enumerate_adapters(wgpu::Backends::all()))
        .iter()
        .map(wgpu::Adapter::get_info)
        .collect()
}

/// A device and queue, with the adapter they came from.
#[derive(Clone)]
pub struct GpuContext {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub info: wgpu::AdapterInfo,
    errors: Arc<Mutex<Vec<String>>>,
    /// Why the device was lost, once wgpu says it was.
    lost: Arc<Mutex<Option<String>>>,
}

impl std::fmt::Debug for GpuContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpuContext")
            .field("adapter", &self.info.name)
            .finish()
    }
}

impl GpuContext {
    /// Opens the first adapter wgpu offers (the `WGPU_BACKEND`, `WGPU_ADAPTER_NAME` and
    /// `WGPU_POWER_PREF` environment variables choose among several).
    pub fn new() -> Result<Self, GpuError> {
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = pollster::block_on(wgpu::util::initialize_adapter_from_env_or_default(
            &instance, None,
        ))
        .map_err(|e| GpuError::NoAdapter(e.to_string()))?;
        Self::from_adapter(&adapter)
    }

    /// Opens a device on `adapter`.
    pub fn from_adapter(adapter: &wgpu::Adapter) -> Result<Self, GpuError> {
        Self::from_adapter_with_limits(adapter, Self::required_limits(adapter))
    }

    /// Opens a device on `adapter` with `limits` (a small device in tests).
    pub fn from_adapter_with_limits(
        adapter: &wgpu::Adapter,
        limits: wgpu::Limits,
    ) -> Result<Self, GpuError> {
        let info = adapter.get_info();
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("hologlyph"),
            required_limits: limits,
            // Per-pass GPU times in the benchmark, where the adapter has them.
            required_features: adapter.features() & wgpu::Features::TIMESTAMP_QUERY,
            ..Default::default()
        }))
        .map_err(|e| GpuError::Device {
            adapter: info.name.clone(),
            reason: e.to_string(),
        })?;
        Ok(Self::from_device(device, queue, info))
    }

    /// Shares a device someone else opened (the window's), so fields computed here can be
    /// drawn there. Validation errors are collected as with [`GpuContext::new`].
    pub fn from_device(device: wgpu::Device, queue: wgpu::Queue, info: wgpu::AdapterInfo) -> Self {
        let errors = Arc::new(Mutex::new(Vec::new()));
        let sink = errors.clone();
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            if let Ok(mut list) = sink.lock() {
                list.push(e.to_string());
            }
        }));
        let lost = Arc::new(Mutex::new(None));
        let lost_sink = lost.clone();
        device.set_device_lost_callback(move |reason, message| {
            if let Ok(mut lost) = lost_sink.lock() {
                *lost = Some(format!("{reason:?}: {message}"));
            }
        });
        Self {
            device,
            queue,
            info,
            errors,
            lost,
        }
    }

    /// Why the device was lost, if it was.
    pub fn lost(&self) -> Option<String> {
        self.lost.lock().ok().and_then(|l| l.clone())
    }

    /// The limits the field engine needs from an adapter: the defaults, with storage
    /// buffers as large as the adapter allows (big fields of many-segment outlines).
    pub fn required_limits(adapter: &wgpu::Adapter) -> wgpu::Limits {
        let supported = adapter.limits();
        wgpu::Limits {
            max_storage_buffer_binding_size: supported.max_storage_buffer_binding_size,
            max_buffer_size: supported.max_buffer_size,
            max_texture_dimension_2d: supported.max_texture_dimension_2d.min(8192),
            ..wgpu::Limits::default()
        }
    }

    /// "llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan)" and the like.
    pub fn adapter_name(&self) -> String {
        format!("{} ({:?})", self.info.name, self.info.backend)
    }

    /// Whether the adapter is a software rasterizer running on the CPU (lavapipe).
    pub fn is_software(&self) -> bool {
        self.info.device_type == wgpu::DeviceType::Cpu
    }

    /// Returns the errors wgpu reported since the last call, as one error about `what`.
    pub fn check(&self, what: &str) -> Result<(), GpuError> {
        // A destroyed or lost device says so on its next maintenance: run it now (it does
        // not wait), so a loss is seen, and the errors it caused are reported as the loss.
        let _ = self.device.poll(wgpu::PollType::Poll);
        if let Some(reason) = self.lost() {
            if let Ok(mut list) = self.errors.lock() {
                list.clear();
            }
            return Err(GpuError::DeviceLost {
                adapter: self.adapter_name(),
                reason,
                what: what.to_string(),
            });
        }
        let mut list = self.errors.lock().map_err(|_| GpuError::Validation {
            what: what.to_string(),
            reason: "error list poisoned".to_string(),
        })?;
        if list.is_empty() {
            return Ok(());
        }
        let reason = list.drain(..).collect::<Vec<_>>().join("; ");
        Err(GpuError::Validation {
            what: what.to_string(),
            reason,
        })
    }

    /// Copies `buffers` (each `MAP_READ`-able through a staging copy) back to the CPU.
    pub fn read_buffers(
        &self,
        what: &str,
        sources: &[(&wgpu::Buffer, u64)],
    ) -> Result<Vec<Vec<u8>>, GpuError> {
        let total: u64 = sources.iter().map(|(_, size)| size).sum();
        let staging = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback.staging"),
            size: total,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut encoder = self
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("readback"),
            });
        let mut offset = 0;
        for (buffer, size) in sources {
            encoder.copy_buffer_to_buffer(buffer, 0, &staging, offset, *size);
            offset += size;
        }
        self.queue.submit([encoder.finish()]);
        let slice = staging.slice(..);
        let (tx, rx) = std::sync::mpsc::channel();
        slice.map_async(wgpu::MapMode::Read, move |r| {
            let _sent = tx.send(r);
        });
        let fail = |reason: String| GpuError::ReadBack {
            what: what.to_string(),
            reason,
        };
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| fail(e.to_string()))?;
        rx.recv()
            .map_err(|e| fail(e.to_string()))?
            .map_err(|e| fail(e.to_string()))?;
        self.check(what)?;
        let view = slice.get_mapped_range().map_err(|e| fail(e.to_string()))?;
        let mut out = Vec::with_capacity(sources.len());
        let mut offset = 0usize;
        for (_, size) in sources {
            out.push(view[offset..offset + *size as usize].to_vec());
            offset += *size as usize;
        }
        drop(view);
        staging.unmap();
        Ok(out)
    }
}
