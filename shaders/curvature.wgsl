// fields.curvature: curvature of the distance level sets, κ = div(∇d/|∇d|), in 1/em,
// by central differences (edges clamp to the border pixel), limited to ±1/em_per_px.
// CPU twin: `curvature` in src/fields/cpu.rs.

@group(0) @binding(1) var<storage, read> sdf: array<f32>;
@group(0) @binding(2) var<storage, read_write> curvature: array<f32>;

fn sdf_at(row: i32, col: i32) -> f32 {
    let last = i32(params.size) - 1;
    return sdf[at_px(pixel_index(u32(clamp(row, 0, last)), u32(clamp(col, 0, last))))];
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    select_glyph(id.z);
    let n = params.size;
    if id.x >= n || id.y >= n {
        return;
    }
    let r = i32(id.y);
    let c = i32(id.x);
    let h = params.em_per_px;
    let d = sdf_at(r, c);
    // y runs up, rows run down: the pixel above is row - 1.
    let dx = (sdf_at(r, c + 1) - sdf_at(r, c - 1)) / (2.0 * h);
    let dy = (sdf_at(r - 1, c) - sdf_at(r + 1, c)) / (2.0 * h);
    let dxx = (sdf_at(r, c + 1) - 2.0 * d + sdf_at(r, c - 1)) / (h * h);
    let dyy = (sdf_at(r - 1, c) - 2.0 * d + sdf_at(r + 1, c)) / (h * h);
    let dxy = (sdf_at(r - 1, c + 1) - sdf_at(r - 1, c - 1) - sdf_at(r + 1, c + 1) + sdf_at(r + 1, c - 1))
        / (4.0 * h * h);
    let g2 = dx * dx + dy * dy;
    var k = 0.0;
    if g2 > 1e-12 {
        k = (dxx * dy * dy - 2.0 * dx * dy * dxy + dyy * dx * dx) / (g2 * sqrt(g2));
    }
    let limit = params.curvature_limit;
    curvature[at_px(pixel_index(id.y, id.x))] = clamp(k, -limit, limit);
}
