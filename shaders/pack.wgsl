// fields.pack: the fields as textures for rendering: rgba16float (distance, curvature,
// density, voids) and r32uint region keys. No CPU twin: it only moves data.

@group(0) @binding(1) var<storage, read> sdf: array<f32>;
@group(0) @binding(2) var<storage, read> curvature: array<f32>;
@group(0) @binding(3) var<storage, read> density: array<f32>;
@group(0) @binding(4) var<storage, read> voids: array<f32>;
@group(0) @binding(5) var<storage, read> region_keys: array<u32>;
@group(0) @binding(6) var field_tex: texture_storage_2d<rgba16float, write>;
@group(0) @binding(7) var region_tex: texture_storage_2d<r32uint, write>;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    select_glyph(id.z);
    let n = params.size;
    if id.x >= n || id.y >= n {
        return;
    }
    let i = at_px(pixel_index(id.y, id.x));
    let at = vec2<i32>(i32(id.x), i32(id.y));
    textureStore(field_tex, at, vec4<f32>(sdf[i], curvature[i], density[i], voids[i]));
    textureStore(region_tex, at, vec4<u32>(region_keys[i], 0u, 0u, 0u));
}
