// fields.distance: exact signed distance to the visible boundary, in em, negative in the ink.
// CPU twin: `distance` in src/fields/cpu.rs.
//
// The nearest segment is found by searching the lookup cells ring by ring around the
// pixel's cell; after ring r every segment nearer than r cells has been seen, so the search
// stops as soon as the best distance is within that reach. The sign is the nonzero winding
// of the oriented boundary, counted over the segments listed for the pixel's row.

@group(0) @binding(1) var<storage, read> lines: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> cell_start: array<u32>;
@group(0) @binding(3) var<storage, read> cell_items: array<u32>;
@group(0) @binding(4) var<storage, read> row_start: array<u32>;
@group(0) @binding(5) var<storage, read> row_items: array<u32>;
@group(0) @binding(6) var<storage, read_write> sdf: array<f32>;
@group(0) @binding(7) var<storage, read_write> nearest: array<u32>;

var<private> best_d2: f32;
var<private> best_line: u32;

fn visit_cell(cx: i32, cy: i32, p: vec2<f32>) {
    let g = i32(params.grid);
    if cx < 0 || cy < 0 || cx >= g || cy >= g {
        return;
    }
    let k = u32(cy * g + cx);
    for (var i = cell_start[k]; i < cell_start[k + 1u]; i++) {
        let li = cell_items[i];
        let d2 = segment_distance2(p, lines[li]);
        if d2 < best_d2 || (d2 == best_d2 && li < best_line) {
            best_d2 = d2;
            best_line = li;
        }
    }
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let n = params.size;
    if id.x >= n || id.y >= n {
        return;
    }
    let row = id.y;
    let col = id.x;
    let p = pixel_em(row, col);
    let g = i32(params.grid);
    best_d2 = 3.0e38;
    best_line = NO_LINE;
    let cx = clamp(i32(floor((p.x - params.x0) / params.cell_em)), 0, g - 1);
    let cy = clamp(i32(floor((params.y0 - p.y) / params.cell_em)), 0, g - 1);
    for (var r = 0; r < g; r++) {
        if r == 0 {
            visit_cell(cx, cy, p);
        } else {
            for (var dx = -r; dx <= r; dx++) {
                visit_cell(cx + dx, cy - r, p);
                visit_cell(cx + dx, cy + r, p);
            }
            for (var dy = 1 - r; dy <= r - 1; dy++) {
                visit_cell(cx - r, cy + dy, p);
                visit_cell(cx + r, cy + dy, p);
            }
        }
        let reach = f32(r) * params.cell_em;
        if best_line != NO_LINE && best_d2 <= reach * reach {
            break;
        }
    }

    var winding = 0;
    for (var i = row_start[row]; i < row_start[row + 1u]; i++) {
        winding += crossing(lines[row_items[i]], p);
    }
    let d = sqrt(best_d2);
    let idx = pixel_index(row, col);
    sdf[idx] = select(d, -d, winding != 0);
    nearest[idx] = best_line;
}
