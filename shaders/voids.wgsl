// fields.voids: distance to the ink for empty pixels (0 on ink), and connected components
// of ink and empty space, so enclosed counters can be told from the open exterior.
// CPU twin: `voids` in src/fields/cpu.rs.
//
// Components are labelled by union–find on a label buffer with atomicMin (Playne &
// Hawick's equivalence algorithm): every pixel starts as its own root; each pixel unites
// with its earlier neighbours of the same class; a final pass points every pixel at its
// root. The start (each pixel its own label, and the voids field: max(sdf, 0)) is written
// by the distance pass, which has both at hand. A root is always the smallest pixel index of its component, so the labels do not
// depend on the order the GPU runs in, and the CPU twin gets the same numbers.
// Empty space is 4-connected, ink 8-connected (the usual pairing, so a diagonal gap in the
// ink never joins two voids).

@group(0) @binding(1) var<storage, read> sdf: array<f32>;
@group(0) @binding(2) var<storage, read_write> labels: array<atomic<u32>>;

fn is_ink(i: u32) -> bool {
    return sdf[at_px(i)] < 0.0;
}

fn find_root(start: u32) -> u32 {
    var x = start;
    loop {
        let parent = atomicLoad(&labels[at_px(x)]);
        if parent == x {
            break;
        }
        x = parent;
    }
    return x;
}

fn unite(i: u32, j: u32) {
    var a = i;
    var b = j;
    loop {
        a = find_root(a);
        b = find_root(b);
        if a < b {
            let old = atomicMin(&labels[at_px(b)], a);
            if old == b {
                break;
            }
            b = old;
        } else if b < a {
            let old = atomicMin(&labels[at_px(a)], b);
            if old == a {
                break;
            }
            a = old;
        } else {
            break;
        }
    }
}

@compute @workgroup_size(8, 8)
fn merge(@builtin(global_invocation_id) id: vec3<u32>) {
    select_glyph(id.z);
    let n = params.size;
    if id.x >= n || id.y >= n {
        return;
    }
    let row = id.y;
    let col = id.x;
    let i = pixel_index(row, col);
    let ink = is_ink(i);
    if col > 0u && is_ink(i - 1u) == ink {
        unite(i, i - 1u);
    }
    if row > 0u {
        let up = i - n;
        if is_ink(up) == ink {
            unite(i, up);
        }
        if ink && col > 0u && is_ink(up - 1u) {
            unite(i, up - 1u);
        }
        if ink && col + 1u < n && is_ink(up + 1u) {
            unite(i, up + 1u);
        }
    }
}

@compute @workgroup_size(8, 8)
fn compress(@builtin(global_invocation_id) id: vec3<u32>) {
    select_glyph(id.z);
    let n = params.size;
    if id.x >= n || id.y >= n {
        return;
    }
    let i = pixel_index(id.y, id.x);
    atomicStore(&labels[at_px(i)], find_root(i));
}
