// fields.density: anti-aliased ink coverage blurred by a Gaussian, in four passes:
// `downsample` averages the field's coverage over blocks of density_step² pixels (exact
// area coverage of a coarser grid), `blur_rows` and `blur_columns` apply the separable
// Gaussian on that grid with the outside of the field counting as empty, and `upsample`
// reads the result back at every field pixel bilinearly. The step is chosen so that the
// requested σ spans 2 to 4 grid pixels; the box and the bilinear tent blur too (variance
// 1/12 + 1/6 grid px²), so the Gaussian's sigma_px is reduced to keep the total variance
// at σ². With density_step = 1 this is exactly the full-resolution blur. Values in [0, 1].
// CPU twin: `density` in src/fields/cpu.rs.

@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;
// Gaussian weights for offsets -r..=r, normalised to sum to one (`density_weights` in
// src/fields/cpu.rs).
@group(0) @binding(3) var<storage, read> weights: array<f32>;

// Coverage of a field pixel from its signed distance: a one-pixel ramp across the outline.
fn coverage(d: f32) -> f32 {
    return clamp(0.5 - d / params.em_per_px, 0.0, 1.0);
}

// Field signed distance → mean coverage of each density-grid pixel.
@compute @workgroup_size(8, 8)
fn downsample(@builtin(global_invocation_id) id: vec3<u32>) {
    select_glyph(id.z);
    let m = params.density_size;
    if id.x >= m || id.y >= m {
        return;
    }
    let n = params.size;
    let s = params.density_step;
    let r0 = id.y * s;
    let c0 = id.x * s;
    var sum = 0.0;
    var count = 0u;
    for (var r = r0; r < min(r0 + s, n); r++) {
        for (var c = c0; c < min(c0 + s, n); c++) {
            sum += coverage(input[at_px(r * n + c)]);
            count++;
        }
    }
    output[glyph.coarse + id.y * m + id.x] = sum / f32(count);
}

// Horizontal Gaussian on the density grid.
@compute @workgroup_size(8, 8)
fn blur_rows(@builtin(global_invocation_id) id: vec3<u32>) {
    select_glyph(id.z);
    let m = i32(params.density_size);
    let c = i32(id.x);
    if c >= m || i32(id.y) >= m {
        return;
    }
    let r = i32(params.kernel_radius);
    let row = i32(glyph.coarse) + i32(id.y) * m;
    let w = i32(glyph.weights) + r;
    var sum = 0.0;
    for (var k = max(-r, -c); k <= min(r, m - 1 - c); k++) {
        sum += weights[w + k] * input[row + c + k];
    }
    output[row + c] = sum;
}

// Vertical Gaussian on the density grid.
@compute @workgroup_size(8, 8)
fn blur_columns(@builtin(global_invocation_id) id: vec3<u32>) {
    select_glyph(id.z);
    let m = i32(params.density_size);
    let row = i32(id.y);
    let c = i32(id.x);
    if c >= m || row >= m {
        return;
    }
    let r = i32(params.kernel_radius);
    let base = i32(glyph.coarse);
    let w = i32(glyph.weights) + r;
    var sum = 0.0;
    for (var k = max(-r, -row); k <= min(r, m - 1 - row); k++) {
        sum += weights[w + k] * input[base + (row + k) * m + c];
    }
    output[base + row * m + c] = sum;
}

// Density grid → every field pixel, bilinearly (edges clamp).
@compute @workgroup_size(8, 8)
fn upsample(@builtin(global_invocation_id) id: vec3<u32>) {
    select_glyph(id.z);
    let n = params.size;
    if id.x >= n || id.y >= n {
        return;
    }
    let m = i32(params.density_size);
    let s = f32(params.density_step);
    let fx = clamp((f32(id.x) + 0.5) / s - 0.5, 0.0, f32(m - 1));
    let fy = clamp((f32(id.y) + 0.5) / s - 0.5, 0.0, f32(m - 1));
    let x0 = i32(floor(fx));
    let y0 = i32(floor(fy));
    let x1 = min(x0 + 1, m - 1);
    let y1 = min(y0 + 1, m - 1);
    let tx = fx - f32(x0);
    let ty = fy - f32(y0);
    let base = i32(glyph.coarse);
    let top = mix(input[base + y0 * m + x0], input[base + y0 * m + x1], tx);
    let bottom = mix(input[base + y1 * m + x0], input[base + y1 * m + x1], tx);
    output[at_px(pixel_index(id.y, id.x))] = clamp(mix(top, bottom, ty), 0.0, 1.0);
}
