// Shared by every field pass: the uniforms and small geometry helpers.
// Prepended to each pass's source when the pipelines are built (see src/fields/gpu.rs).

// Keep in sync with `FieldParams` in src/fields/prepare.rs.
struct FieldParams {
    size: u32,
    tiles: u32,
    line_count: u32,
    kernel_radius: u32,
    x0: f32,
    y0: f32,
    em_per_px: f32,
    sigma_px: f32,
    curvature_limit: f32,
    density_step: u32,
    density_size: u32,
    _pad: f32,
}

@group(0) @binding(0) var<uniform> params: FieldParams;

const NO_LINE: u32 = 0xffffffffu;

// Em position of the centre of pixel (row, col): rows run down, em y runs up.
fn pixel_em(row: u32, col: u32) -> vec2<f32> {
    return vec2<f32>(
        params.x0 + (f32(col) + 0.5) * params.em_per_px,
        params.y0 - (f32(row) + 0.5) * params.em_per_px,
    );
}

fn pixel_index(row: u32, col: u32) -> u32 {
    return row * params.size + col;
}

// Squared distance from p to the segment line.xy → line.zw.
fn segment_distance2(p: vec2<f32>, line: vec4<f32>) -> f32 {
    let a = line.xy;
    let ab = line.zw - a;
    let len2 = dot(ab, ab);
    var t = 0.0;
    if len2 > 0.0 {
        t = clamp(dot(p - a, ab) / len2, 0.0, 1.0);
    }
    let q = p - (a + t * ab);
    return dot(q, q);
}

// Winding contribution of a segment for a ray from p towards +x (half-open in y).
fn crossing(line: vec4<f32>, p: vec2<f32>) -> i32 {
    let a = line.xy;
    let b = line.zw;
    if (a.y <= p.y) == (b.y <= p.y) {
        return 0;
    }
    let x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
    if x > p.x {
        return select(-1, 1, b.y > a.y);
    }
    return 0;
}
