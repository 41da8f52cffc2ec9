// hologram: lights a glyph's fields as an animated relief.
// - height from the signed distance (the ink rises, the outline is the cliff),
// - fringes whose spacing follows the level-set curvature (rhythm),
// - glow from density (tension),
// - voids as dark, quiet space; enclosed counters faintly tinted.
// `layer` > 0 shows one field on its own with a colour map instead.

// Keep in sync with `HologramUniforms` in src/hologram/mod.rs.
struct HologramUniforms {
    time: f32,
    style: u32,
    layer: u32,
    highlight: u32,
    em_per_px: f32,
    field_size: u32,
    depth_em: f32,
    curvature_limit: f32,
    // Zoom and pan: field uv = view.xy + target uv * view.z (0, 0, 1 shows the whole field).
    view: vec4<f32>,
}

@group(0) @binding(0) var<uniform> u: HologramUniforms;
@group(0) @binding(1) var field_tex: texture_2d<f32>;
@group(0) @binding(2) var field_sampler: sampler;
@group(0) @binding(3) var region_tex: texture_2d<u32>;

// Styles and layers. Keep in sync with `Style` (src/library/mod.rs) and `Layer`
// (src/hologram/mod.rs); tests/shaders_parse.rs holds the numbers together.
const STYLE_HIEROGLYPH: u32 = 0u;
const STYLE_ALCHEMICAL: u32 = 1u;
const STYLE_TOPOLOGICAL: u32 = 2u;
const STYLE_GRAPH: u32 = 3u;
const LAYER_HOLOGRAM: u32 = 0u;
const LAYER_DISTANCE: u32 = 1u;
const LAYER_CURVATURE: u32 = 2u;
const LAYER_DENSITY: u32 = 3u;
const LAYER_VOIDS: u32 = 4u;
const LAYER_REGIONS: u32 = 5u;

// Spacing of the fringes on flat outline, em.
const FRINGE_PERIOD_EM: f32 = 0.035;

struct VertexOut {
    @builtin(position) position: vec4<f32>,
    @location(0) uv: vec2<f32>,
};

// One triangle covering the whole target.
@vertex
fn vs_main(@builtin(vertex_index) index: u32) -> VertexOut {
    let x = f32((index << 1u) & 2u);
    let y = f32(index & 2u);
    var out: VertexOut;
    out.position = vec4<f32>(x * 2.0 - 1.0, 1.0 - y * 2.0, 0.0, 1.0);
    out.uv = vec2<f32>(x, y);
    return out;
}

struct Style {
    background: vec3<f32>,
    ink: vec3<f32>,
    fringe: vec3<f32>,
    glow: vec3<f32>,
    counter: vec3<f32>,
};

fn style_colors(style: u32) -> Style {
    switch style {
        // alchemical: fire on charcoal
        case STYLE_ALCHEMICAL: {
            return Style(vec3(0.02, 0.015, 0.02), vec3(0.95, 0.45, 0.12), vec3(1.0, 0.8, 0.35),
                         vec3(1.0, 0.25, 0.05), vec3(0.10, 0.03, 0.02));
        }
        // topological: cyan contours on deep blue
        case STYLE_TOPOLOGICAL: {
            return Style(vec3(0.01, 0.02, 0.05), vec3(0.15, 0.75, 0.85), vec3(0.6, 1.0, 0.95),
                         vec3(0.1, 0.4, 1.0), vec3(0.02, 0.06, 0.12));
        }
        // graph: green nodes, violet field
        case STYLE_GRAPH: {
            return Style(vec3(0.02, 0.01, 0.04), vec3(0.35, 0.9, 0.45), vec3(0.75, 0.55, 1.0),
                         vec3(0.3, 1.0, 0.5), vec3(0.07, 0.03, 0.10));
        }
        // hieroglyph (STYLE_HIEROGLYPH) and anything unknown: gold on lapis
        default: {
            return Style(vec3(0.015, 0.02, 0.06), vec3(0.92, 0.72, 0.32), vec3(0.45, 0.65, 1.0),
                         vec3(1.0, 0.85, 0.45), vec3(0.03, 0.05, 0.14));
        }
    }
}

fn height(d: f32) -> f32 {
    // Rounded plateau inside the ink, a soft skirt just outside.
    let inside = clamp(-d / u.depth_em, 0.0, 1.0);
    let skirt = exp(-max(d, 0.0) / (u.depth_em * 0.35)) * 0.15;
    return sqrt(inside) * 0.85 + skirt;
}

fn diverging(t: f32) -> vec3<f32> {
    // blue (negative) → near black → orange (positive)
    let a = clamp(t, -1.0, 1.0);
    if a < 0.0 {
        return mix(vec3(0.05, 0.05, 0.08), vec3(0.25, 0.55, 1.0), -a);
    }
    return mix(vec3(0.05, 0.05, 0.08), vec3(1.0, 0.6, 0.15), a);
}

fn sequential(t: f32) -> vec3<f32> {
    let a = clamp(t, 0.0, 1.0);
    return vec3(a * a * 0.9 + 0.05, pow(a, 1.5) * 0.8 + 0.03, 0.25 + 0.6 * a - 0.5 * a * a);
}

fn hash_color(key: u32) -> vec3<f32> {
    var h = key * 747796405u + 2891336453u;
    h = ((h >> ((h >> 28u) + 4u)) ^ h) * 277803737u;
    h = (h >> 22u) ^ h;
    return vec3(f32(h & 255u), f32((h >> 8u) & 255u), f32((h >> 16u) & 255u)) / 255.0 * 0.7 + 0.3;
}

@fragment
fn fs_main(frag: VertexOut) -> @location(0) vec4<f32> {
    // Zoom and pan; beyond the field, the style's background, unlit. The field is shaded
    // for every fragment (derivatives need uniform control flow), then chosen.
    var field: VertexOut = frag;
    field.uv = u.view.xy + frag.uv * u.view.z;
    let outside = any(field.uv < vec2(0.0)) || any(field.uv > vec2(1.0));
    field.uv = clamp(field.uv, vec2(0.0), vec2(1.0));
    let lit = shade(field);
    let background = vec4(style_colors(u.style).background * 0.8, 1.0);
    return select(lit, background, outside);
}

fn shade(in: VertexOut) -> vec4<f32> {
    let f = textureSample(field_tex, field_sampler, in.uv);
    let d = f.x;
    let k = f.y;
    let rho = f.z;
    let v = f.w;
    let n = u.field_size;
    let texel = clamp(vec2<u32>(in.uv * f32(n)), vec2(0u), vec2(n - 1u));
    let key = textureLoad(region_tex, texel, 0).x;
    let is_ink = d < 0.0;
    let is_counter = !is_ink && key != 0u;
    let side = u.em_per_px * f32(n);

    if u.layer == LAYER_DISTANCE {
        // distance: diverging, with an isoline every 1/20 em and the outline in white
        let iso = 1.0 - smoothstep(0.0, 0.12, abs(fract(d * 20.0) - 0.5) * 2.0 - 0.88);
        let edge = 1.0 - smoothstep(0.0, u.em_per_px * 1.5, abs(d));
        let c = diverging(d / (side * 0.25)) * (0.75 + 0.25 * iso);
        return vec4(mix(c, vec3(1.0), edge), 1.0);
    }
    if u.layer == LAYER_CURVATURE {
        return vec4(diverging(k / 20.0), 1.0);
    }
    if u.layer == LAYER_DENSITY {
        return vec4(sequential(rho), 1.0);
    }
    if u.layer == LAYER_VOIDS {
        let c = select(sequential(v / (side * 0.25)), vec3(0.9, 0.9, 0.95), is_ink);
        return vec4(c, 1.0);
    }
    if u.layer == LAYER_REGIONS {
        var c = hash_color(key);
        if key == 0u {
            c = vec3(0.08, 0.08, 0.1);
        }
        if key == u.highlight {
            c = mix(c, vec3(1.0), 0.5);
        }
        return vec4(c, 1.0);
    }

    let s = style_colors(u.style);
    // Relief normal from the height of neighbouring samples.
    let du = vec2(1.0 / f32(n), 0.0);
    let dv = vec2(0.0, 1.0 / f32(n));
    let hx = height(textureSample(field_tex, field_sampler, in.uv + du).x)
        - height(textureSample(field_tex, field_sampler, in.uv - du).x);
    let hy = height(textureSample(field_tex, field_sampler, in.uv - dv).x)
        - height(textureSample(field_tex, field_sampler, in.uv + dv).x);
    let relief = 6.0;
    let normal = normalize(vec3(-hx * relief, -hy * relief, 1.0));
    let t = u.time;
    let light = normalize(vec3(cos(t * 0.6) * 0.8, sin(t * 0.6) * 0.8, 1.1));
    let view = vec3(0.0, 0.0, 1.0);
    let diffuse = max(dot(normal, light), 0.0);
    let spec = pow(max(dot(reflect(-light, normal), view), 0.0), 24.0);

    // Rhythm: fringes travel outward along the level sets, tighter where they curve more;
    // they fade where they would be finer than the screen can show.
    let rhythm = 1.0 + min(abs(k) * 0.02, 1.0) * exp(-abs(d) * 20.0);
    let phase = d * rhythm / FRINGE_PERIOD_EM - t * 0.6;
    let resolvable = clamp(1.0 - fwidth(phase) * 1.5, 0.0, 1.0);
    let fringe = pow(0.5 + 0.5 * cos(phase * 6.2831853), 4.0) * exp(-abs(d) * 18.0) * resolvable;

    // Tension: density glows, pulsing slowly.
    let pulse = 0.85 + 0.15 * sin(t * 2.0);
    let glow = s.glow * pow(rho, 1.6) * 0.55 * pulse;

    var color: vec3<f32>;
    if is_ink {
        color = s.ink * (0.25 + 0.75 * diffuse) + vec3(spec) * 0.6 + glow * 0.3;
        color += s.fringe * fringe * 0.25;
    } else {
        // Silence: the farther from ink, the darker and stiller.
        let quiet = exp(-v * 6.0);
        var base = s.background;
        if is_counter {
            base = s.counter * (0.6 + 0.4 * quiet);
        }
        color = base + glow + s.fringe * fringe * quiet * 0.8 + s.ink * spec * 0.1 * quiet;
    }
    if key == u.highlight {
        color = color * 1.35 + vec3(0.08);
    }
    // A thin bright rim on the outline.
    let rim = 1.0 - smoothstep(0.0, u.em_per_px * 1.2, abs(d));
    color += s.fringe * rim * 0.5;
    return vec4(color, 1.0);
}
