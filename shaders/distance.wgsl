// fields.distance: exact signed distance to the visible boundary, in em, negative in the ink.
// CPU twin: `distance` in src/fields/cpu.rs.
//
// Each 8×8 pixel tile (one workgroup) has an exact list of candidate segments, built on
// the CPU (src/fields/prepare.rs), so every lane of a workgroup runs the same loop. The sign
// is the nonzero winding of the oriented boundary, counted over the segments listed for the
// pixel's row.

@group(0) @binding(1) var<storage, read> lines: array<vec4<f32>>;
// The tile and row lists share two buffers (a shader stage may bind only 8 storage
// buffers): `starts` holds each glyph's tile starts (from glyph.tiles) and row starts (from
// glyph.rows), `items` its tile items (from glyph.tile_items) and row items (from
// glyph.row_items); a start is an offset into that glyph's items of the same kind.
@group(0) @binding(2) var<storage, read> starts: array<u32>;
@group(0) @binding(3) var<storage, read> items: array<u32>;
@group(0) @binding(4) var<storage, read_write> sdf: array<f32>;
@group(0) @binding(5) var<storage, read_write> nearest: array<u32>;
// The start of the voids pass (shaders/voids.wgsl), fused into this one: every pixel its
// own component, and the empty pixels' distance to the ink.
@group(0) @binding(6) var<storage, read_write> labels: array<u32>;
@group(0) @binding(7) var<storage, read_write> voids: array<f32>;

// Keep the workgroup size in sync with `TILE` in src/fields/prepare.rs.
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(workgroup_id) tile: vec3<u32>) {
    select_glyph(id.z);
    let n = params.size;
    if id.x >= n || id.y >= n {
        return;
    }
    let row = id.y;
    let col = id.x;
    let p = pixel_em(row, col);
    var best_d2 = 3.0e38;
    var best_line = NO_LINE;
    let t = glyph.tiles + tile.y * params.tiles + tile.x;
    for (var i = starts[t]; i < starts[t + 1u]; i++) {
        let li = items[glyph.tile_items + i];
        let d2 = segment_distance2(p, lines[glyph.lines + li]);
        if d2 < best_d2 || (d2 == best_d2 && li < best_line) {
            best_d2 = d2;
            best_line = li;
        }
    }

    var winding = 0;
    let r = glyph.rows + row;
    for (var i = starts[r]; i < starts[r + 1u]; i++) {
        winding += crossing(lines[glyph.lines + items[glyph.row_items + i]], p);
    }
    let d = sqrt(best_d2);
    let idx = at_px(pixel_index(row, col));
    let signed = select(d, -d, winding != 0);
    sdf[idx] = signed;
    nearest[idx] = best_line;
    labels[idx] = pixel_index(row, col);
    voids[idx] = max(signed, 0.0);
}
