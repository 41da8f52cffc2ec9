//! The GPU batch: many glyphs' inputs packed into shared buffers (`PackedBatch`), each
//! glyph's place in them (`GlyphSlot`, the WGSL `Glyph`), the buffers and bind groups a
//! batch runs on (`BatchResources`, kept and reused by the engine), and a batch queued on
//! the GPU (`SubmittedBatch`).

use super::{GpuFieldEngine, GpuFields, b};
use crate::fields::{FieldParams, Prepared};

/// Where one glyph's data lies in a batch's shared buffers, as offsets in elements of
/// each buffer. Keep in sync with `struct Glyph` in `shaders/common.wgsl`.
#[repr(C)]
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
pub struct GlyphSlot {
    pub params: FieldParams,
    pub lines: u32,
    pub tiles: u32,
    pub tile_items: u32,
    pub rows: u32,
    pub row_items: u32,
    pub pixels: u32,
    pub coarse: u32,
    pub weights: u32,
    pub parts: u32,
    pub part_count: u32,
    pub _pad: [u32; 2],
}

const _: () = assert!(std::mem::size_of::<GlyphSlot>() == 96);

impl GlyphSlot {
    /// The glyph's pixel count.
    pub(super) fn pixel_count(&self) -> u64 {
        (self.params.size as u64).pow(2)
    }

    /// The glyph's bytes in each of the batch's field buffers.
    pub(super) fn byte_range(&self) -> std::ops::Range<usize> {
        let start = self.pixels as usize * 4;
        start..start + self.pixel_count() as usize * 4
    }
}

/// A batch's inputs, concatenated glyph after glyph, with each glyph's slot.
pub(super) struct PackedBatch {
    pub(super) slots: Vec<GlyphSlot>,
    pub(super) lines: Vec<[f32; 4]>,
    /// Tile starts and row starts, glyph after glyph (see `shaders/distance.wgsl`).
    pub(super) starts: Vec<u32>,
    /// Tile items and row items, glyph after glyph.
    pub(super) items: Vec<u32>,
    pub(super) part_of: Vec<u32>,
    pub(super) weights: Vec<f32>,
    /// Field pixels and density-grid pixels in all.
    pub(super) pixels: u64,
    pub(super) coarse: u64,
    /// The largest glyph's side, and its density grid's.
    pub(super) largest: u32,
    pub(super) largest_density: u32,
}

impl PackedBatch {
    pub(super) fn new(preps: &[&Prepared]) -> Self {
        let mut b = PackedBatch {
            slots: Vec::with_capacity(preps.len()),
            lines: Vec::new(),
            starts: Vec::new(),
            items: Vec::new(),
            part_of: Vec::new(),
            weights: Vec::new(),
            pixels: 0,
            coarse: 0,
            largest: 0,
            largest_density: 0,
        };
        let len = |v: usize| v as u32;
        for prep in preps {
            let p = &prep.params;
            // A glyph whose boundary has no parts still reads part 0 (as the CPU twin does).
            let parts = if prep.boundary.part_of.is_empty() {
                &[0][..]
            } else {
                &prep.boundary.part_of[..]
            };
            let weights = crate::fields::cpu::density_weights(p);
            b.slots.push(GlyphSlot {
                params: *p,
                lines: len(b.lines.len()),
                tiles: len(b.starts.len()),
                tile_items: len(b.items.len()),
                rows: len(b.starts.len() + prep.tile_start.len()),
                row_items: len(b.items.len() + prep.tile_items.len()),
                pixels: b.pixels as u32,
                coarse: b.coarse as u32,
                weights: len(b.weights.len()),
                parts: len(b.part_of.len()),
                part_count: len(parts.len()),
                _pad: [0; 2],
            });
            b.lines.extend_from_slice(&prep.lines);
            b.starts.extend_from_slice(&prep.tile_start);
            b.starts.extend_from_slice(&prep.row_start);
            b.items.extend_from_slice(&prep.tile_items);
            b.items.extend_from_slice(&prep.row_items);
            b.part_of.extend_from_slice(parts);
            b.weights.extend_from_slice(&weights);
            b.pixels += (p.size as u64).pow(2);
            b.coarse += (p.density_size as u64).pow(2);
            b.largest = b.largest.max(p.size);
            b.largest_density = b.largest_density.max(p.density_size);
        }
        // wgpu refuses zero-sized storage buffers.
        for v in [&mut b.starts, &mut b.items] {
            if v.is_empty() {
                v.push(0);
            }
        }
        if b.lines.is_empty() {
            b.lines.push([0.0; 4]);
        }
        if b.weights.is_empty() {
            b.weights.push(0.0);
        }
        b
    }
}

/// A batch queued by [`GpuFieldEngine::submit_batch`]: its buffers (none for an empty
/// batch), its submission, and where each glyph lies.
pub struct SubmittedBatch {
    pub(super) res: Option<BatchResources>,
    pub(super) index: Option<wgpu::SubmissionIndex>,
    pub(super) slots: Vec<GlyphSlot>,
    /// Bytes of each field in the batch (every glyph's).
    pub(super) field_bytes: u64,
}

/// How many elements each of a batch's buffers holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Capacity {
    pub(super) slots: u64,
    pub(super) lines: u64,
    pub(super) starts: u64,
    pub(super) items: u64,
    pub(super) parts: u64,
    pub(super) weights: u64,
    pub(super) pixels: u64,
    pub(super) coarse: u64,
}

impl Capacity {
    pub(super) fn of(p: &PackedBatch) -> Self {
        let n = |len: usize| len as u64;
        Capacity {
            slots: n(p.slots.len()),
            lines: n(p.lines.len()),
            starts: n(p.starts.len()),
            items: n(p.items.len()),
            parts: n(p.part_of.len()),
            weights: n(p.weights.len()),
            pixels: p.pixels,
            coarse: p.coarse,
        }
    }

    pub(super) fn fields(&self) -> [u64; 8] {
        [
            self.slots,
            self.lines,
            self.starts,
            self.items,
            self.parts,
            self.weights,
            self.pixels,
            self.coarse,
        ]
    }

    pub(super) fn holds(&self, need: &Capacity) -> bool {
        self.fields()
            .iter()
            .zip(need.fields())
            .all(|(&have, need)| have >= need)
    }

    /// Whether buffers of this capacity stay within a device's limits: the staging buffer
    /// (every field) within the largest buffer, each bound buffer within a binding.
    pub(super) fn fits(&self, limits: &wgpu::Limits) -> bool {
        let binding = limits.max_storage_buffer_binding_size;
        let slot = std::mem::size_of::<GlyphSlot>() as u64;
        self.pixels * 4 * GpuFields::READABLE as u64 <= limits.max_buffer_size
            && [
                self.slots * slot,
                self.lines * 16,
                self.starts * 4,
                self.items * 4,
                self.parts * 4,
                self.weights * 4,
                self.pixels * 4,
                self.coarse * 4,
            ]
            .iter()
            .all(|&bytes| bytes <= binding)
    }

    /// A quarter more of everything, so that the next batch, a little bigger, fits too.
    pub(super) fn with_headroom(self) -> Self {
        let more = |x: u64| x + x / 4;
        Capacity {
            slots: more(self.slots),
            lines: more(self.lines),
            starts: more(self.starts),
            items: more(self.items),
            parts: more(self.parts),
            weights: more(self.weights),
            pixels: more(self.pixels),
            coarse: more(self.coarse),
        }
    }
}

/// A batch's buffers on the GPU and the bind groups of its passes over them (all but the
/// pack, whose textures are a single glyph's). The fields are in
/// [`GpuFields::readable`]'s order.
pub(super) struct BatchResources {
    pub(super) capacity: Capacity,
    pub(super) glyphs: wgpu::Buffer,
    pub(super) lines: wgpu::Buffer,
    pub(super) starts: wgpu::Buffer,
    pub(super) items: wgpu::Buffer,
    pub(super) part_of: wgpu::Buffer,
    pub(super) weights: wgpu::Buffer,
    pub(super) fields: [wgpu::Buffer; GpuFields::READABLE],
    /// Where a queued batch's fields are copied to be read (none for a single glyph, whose
    /// fields stay on the GPU).
    pub(super) staging: Option<wgpu::Buffer>,
    pub(super) groups: Vec<(&'static str, wgpu::ComputePipeline, wgpu::BindGroup)>,
}

impl BatchResources {
    pub(super) fn new(engine: &GpuFieldEngine, capacity: Capacity, staging: bool) -> Self {
        let device = &engine.ctx.device;
        let buffer = |label: &str, bytes: u64, usage: wgpu::BufferUsages| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: bytes.max(4),
                usage,
                mapped_at_creation: false,
            })
        };
        let input = wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST;
        let output = wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC;
        let c = &capacity;
        let slot_bytes = std::mem::size_of::<GlyphSlot>() as u64;
        let glyphs = buffer("fields.glyphs", c.slots * slot_bytes, input);
        let lines = buffer("fields.lines", c.lines * 16, input);
        let starts = buffer("fields.starts", c.starts * 4, input);
        let items = buffer("fields.items", c.items * 4, input);
        let part_of = buffer("fields.part_of", c.parts * 4, input);
        let weights = buffer("fields.density.weights", c.weights * 4, input);
        let field = |label: &str| buffer(label, c.pixels * 4, output);
        let fields = [
            field("fields.sdf"),
            field("fields.nearest"),
            field("fields.curvature"),
            field("fields.density"),
            field("fields.voids"),
            field("fields.labels"),
            field("fields.region_keys"),
        ];
        let coarse = |label: &str| buffer(label, c.coarse * 4, wgpu::BufferUsages::STORAGE);
        let density_a = coarse("fields.density.coarse_a");
        let density_b = coarse("fields.density.coarse_b");
        let staging = staging.then(|| {
            buffer(
                "fields.batch.staging",
                c.pixels * 4 * GpuFields::READABLE as u64,
                wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            )
        });
        let [sdf, nearest, curvature, density, voids, labels, region_keys] = &fields;
        let e = engine;
        // Resources bind in order from binding 1 (binding 0 is the batch's glyph slots);
        // `None` skips a binding the entry point does not use.
        let passes: [(
            &'static str,
            &wgpu::ComputePipeline,
            Vec<Option<wgpu::BindingResource>>,
        ); 9] = [
            (
                "fields.distance",
                &e.distance,
                vec![
                    b(&lines),
                    b(&starts),
                    b(&items),
                    b(sdf),
                    b(nearest),
                    b(labels),
                    b(voids),
                ],
            ),
            ("fields.curvature", &e.curvature, vec![b(sdf), b(curvature)]),
            (
                "fields.density.downsample",
                &e.density_down,
                vec![b(sdf), b(&density_a)],
            ),
            (
                "fields.density.rows",
                &e.blur_rows,
                vec![b(&density_a), b(&density_b), b(&weights)],
            ),
            (
                "fields.density.columns",
                &e.blur_columns,
                vec![b(&density_b), b(&density_a), b(&weights)],
            ),
            (
                "fields.density.upsample",
                &e.density_up,
                vec![b(&density_a), b(density)],
            ),
            ("fields.voids.merge", &e.cc_merge, vec![b(sdf), b(labels)]),
            (
                "fields.voids.compress",
                &e.cc_compress,
                vec![None, b(labels)],
            ),
            (
                "fields.regions",
                &e.regions,
                vec![b(sdf), b(labels), b(nearest), b(&part_of), b(region_keys)],
            ),
        ];
        let groups = passes
            .iter()
            .map(|(label, pipeline, resources)| {
                let group = bind_group(device, &glyphs, pipeline, label, resources);
                (*label, (*pipeline).clone(), group)
            })
            .collect();
        BatchResources {
            capacity,
            glyphs,
            lines,
            starts,
            items,
            part_of,
            weights,
            fields,
            staging,
            groups,
        }
    }

    /// Writes a packed batch's inputs (it must fit: see [`Capacity::holds`]).
    pub(super) fn write(&self, queue: &wgpu::Queue, packed: &PackedBatch) {
        queue.write_buffer(&self.glyphs, 0, bytemuck::cast_slice(&packed.slots));
        queue.write_buffer(&self.lines, 0, bytemuck::cast_slice(&packed.lines));
        queue.write_buffer(&self.starts, 0, bytemuck::cast_slice(&packed.starts));
        queue.write_buffer(&self.items, 0, bytemuck::cast_slice(&packed.items));
        queue.write_buffer(&self.part_of, 0, bytemuck::cast_slice(&packed.part_of));
        queue.write_buffer(&self.weights, 0, bytemuck::cast_slice(&packed.weights));
    }
}

/// A bind group for a field pass: the batch's glyph slots at binding 0, then `resources`
/// in order from binding 1.
pub(super) fn bind_group(
    device: &wgpu::Device,
    glyphs: &wgpu::Buffer,
    pipeline: &wgpu::ComputePipeline,
    label: &str,
    resources: &[Option<wgpu::BindingResource>],
) -> wgpu::BindGroup {
    let mut entries = vec![wgpu::BindGroupEntry {
        binding: 0,
        resource: glyphs.as_entire_binding(),
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
}
