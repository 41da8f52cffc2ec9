// fields.density: anti-aliased ink coverage blurred by a Gaussian (σ = params.sigma_px),
// as two separable passes; outside the field counts as empty. Values in [0, 1].
// CPU twin: `density` in src/fields/cpu.rs.

@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> blurred: array<f32>;

// Coverage of a pixel from its signed distance: a one-pixel ramp across the outline.
fn coverage(d: f32) -> f32 {
    return clamp(0.5 - d / params.em_per_px, 0.0, 1.0);
}

fn weight(k: i32) -> f32 {
    let x = f32(k) / params.sigma_px;
    return exp(-0.5 * x * x);
}

// Horizontal pass: input is the signed distance, blurred the blurred coverage.
@compute @workgroup_size(8, 8)
fn blur_rows(@builtin(global_invocation_id) id: vec3<u32>) {
    let n = i32(params.size);
    if i32(id.x) >= n || i32(id.y) >= n {
        return;
    }
    let r = i32(params.kernel_radius);
    var sum = 0.0;
    var total = 0.0;
    for (var k = -r; k <= r; k++) {
        let w = weight(k);
        total += w;
        let c = i32(id.x) + k;
        if c >= 0 && c < n {
            sum += w * coverage(input[pixel_index(id.y, u32(c))]);
        }
    }
    blurred[pixel_index(id.y, id.x)] = sum / total;
}

// Vertical pass: input is the horizontal result.
@compute @workgroup_size(8, 8)
fn blur_columns(@builtin(global_invocation_id) id: vec3<u32>) {
    let n = i32(params.size);
    if i32(id.x) >= n || i32(id.y) >= n {
        return;
    }
    let r = i32(params.kernel_radius);
    var sum = 0.0;
    var total = 0.0;
    for (var k = -r; k <= r; k++) {
        let w = weight(k);
        total += w;
        let row = i32(id.y) + k;
        if row >= 0 && row < n {
            sum += w * input[pixel_index(u32(row), id.x)];
        }
    }
    blurred[pixel_index(id.y, id.x)] = clamp(sum / total, 0.0, 1.0);
}
