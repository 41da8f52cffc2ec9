// fields.regions: a region key per pixel, for clicking. An empty pixel's key is its void
// component (the label from voids.wgsl); an ink pixel's key is size² + the outline part
// (a run between corners) nearest to it. Keys are made compact region ids on the CPU.
// CPU twin: `regions` in src/fields/cpu.rs.

@group(0) @binding(1) var<storage, read> sdf: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> nearest: array<u32>;
@group(0) @binding(4) var<storage, read> part_of: array<u32>;
@group(0) @binding(5) var<storage, read_write> region_keys: array<u32>;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    select_glyph(id.z);
    let n = params.size;
    if id.x >= n || id.y >= n {
        return;
    }
    let i = at_px(pixel_index(id.y, id.x));
    if sdf[i] < 0.0 {
        // A pixel always has a nearest segment; a `near` with no part (NO_LINE, or out of
        // range in a malformed input) counts as part 0, exactly as the CPU twin does. The
        // index is clamped too, so the read itself stays in bounds.
        let near = nearest[i];
        let parts = glyph.part_count;
        let part = part_of[glyph.parts + min(near, parts - 1u)];
        region_keys[i] = n * n + select(0u, part, near < parts);
    } else {
        region_keys[i] = labels[i];
    }
}
