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

// Where one glyph's data lies in a batch's shared buffers (offsets in elements of each
// buffer). Keep in sync with `GlyphSlot` in src/fields/gpu/batch.rs.
struct Glyph {
    params: FieldParams,
    lines: u32,
    tiles: u32,
    tile_items: u32,
    rows: u32,
    row_items: u32,
    pixels: u32,
    coarse: u32,
    weights: u32,
    parts: u32,
    part_count: u32,
    _pad0: u32,
    _pad1: u32,
}

// Every glyph of the batch. A pass is dispatched once for the whole batch: its workgroups'
// z is the glyph, x and y cover the largest glyph (a smaller one's extra lanes return).
@group(0) @binding(0) var<storage, read> batch: array<Glyph>;

// The glyph this invocation works on, and its uniforms: every entry point sets them first,
// through `select_glyph`, so the helpers below read one glyph's values.
var<private> glyph: Glyph;
var<private> params: FieldParams;

fn select_glyph(g: u32) {
    glyph = batch[g];
    params = glyph.params;
}

// A pixel index of this glyph → its element in the batch's field buffers.
fn at_px(i: u32) -> u32 {
    return glyph.pixels + i;
}

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
