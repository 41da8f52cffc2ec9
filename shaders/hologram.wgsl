// hologram: lights a glyph's fields as an animated relief.
// - height from the signed distance (the ink rises, the outline is the cliff),
// - fringes whose spacing follows the level-set curvature (rhythm),
// - glow from density (tension),
// - voids as dark, quiet space; enclosed counters faintly tinted.
// `layer` > 0 shows one field on its own with a colour map instead.
//
// Everything that has a size is sized in em (relief depth, fringe period, density) or in
// screen pixels (the rim, the anti-aliased outline, the highlight's edge), never in field
// texels, so a glyph looks the same whatever the resolution of the fields it is drawn from.
//
// An *overlay* draws sharp fields computed for a window of a whole glyph's (base) fields,
// over that glyph: it reads the base's density (a blur needs what lies beyond the window)
// and the base's keys of the empty regions (a counter the window cuts is still one
// region), and leaves the target untouched beyond its own window.

// Keep in sync with `HologramUniforms` in src/hologram/mod.rs.
struct HologramUniforms {
    time: f32,
    style: u32,
    layer: u32,
    // Region key to light up, in the base fields' keys (0xffffffff: none).
    highlight: u32,
    em_per_px: f32,
    field_size: u32,
    depth_em: f32,
    curvature_limit: f32,
    // Zoom and pan: field uv = view.xy + target uv * view.z (0, 0, 1 shows the whole field).
    view: vec4<f32>,
    // This field's uv → the base field's uv: base.xy + uv * base.z (0, 0, 1 for a whole glyph).
    base: vec4<f32>,
    base_size: u32,
    // 1: an overlay (see above).
    overlay: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> u: HologramUniforms;
@group(0) @binding(1) var field_tex: texture_2d<f32>;
@group(0) @binding(2) var field_sampler: sampler;
@group(0) @binding(3) var region_tex: texture_2d<u32>;
@group(0) @binding(4) var base_field_tex: texture_2d<f32>;
@group(0) @binding(5) var base_region_tex: texture_2d<u32>;

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
// Span over which the relief's slope is taken, em (two texels of a 384² view field).
const RELIEF_SPAN_EM: f32 = 0.005;
const NO_REGION: u32 = 0xffffffffu;

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
    // Zoom and pan; beyond the base field, the style's background, unlit. The field is
    // shaded for every fragment (derivatives need uniform control flow), then chosen.
    let uv = u.view.xy + frag.uv * u.view.z;
    let base_uv = u.base.xy + uv * u.base.z;
    let outside = any(base_uv < vec2(0.0)) || any(base_uv > vec2(1.0));
    let beyond_window = any(uv < vec2(0.0)) || any(uv > vec2(1.0));
    let lit = shade(clamp(uv, vec2(0.0), vec2(1.0)), clamp(base_uv, vec2(0.0), vec2(1.0)));
    if u.overlay == 1u && beyond_window && !outside {
        discard;
    }
    let background = vec4(style_colors(u.style).background * 0.8, 1.0);
    return select(lit, background, outside);
}

fn is_ink_key(key: u32, n: u32) -> bool {
    return key >= n * n;
}

// The key of the nearest of the four texels of `tex` (n × n) around `uv` that is ink
// (`ink`) or empty space (`!ink`); NO_REGION if none of them is.
fn nearest_key_of_kind(tex: texture_2d<u32>, n: u32, uv: vec2<f32>, ink: bool) -> u32 {
    let p = uv * f32(n) - 0.5;
    let i0 = vec2<i32>(floor(p));
    let f = p - floor(p);
    var best = NO_REGION;
    var best_w = -1.0;
    for (var j = 0u; j < 4u; j++) {
        let o = vec2<i32>(i32(j & 1u), i32(j >> 1u));
        let t = clamp(i0 + o, vec2(0), vec2(i32(n) - 1));
        let k = textureLoad(tex, t, 0).x;
        let w = select(1.0 - f.x, f.x, o.x == 1) * select(1.0 - f.y, f.y, o.y == 1);
        if is_ink_key(k, n) == ink && w > best_w {
            best = k;
            best_w = w;
        }
    }
    return best;
}

// The key of the empty region around `base_uv` in the base fields.
fn base_empty_key(base_uv: vec2<f32>) -> u32 {
    return nearest_key_of_kind(base_region_tex, u.base_size, base_uv, false);
}

// The ink key (in the base's keys) of the nearest ink texel around `uv`.
fn nearest_ink_key(uv: vec2<f32>) -> u32 {
    let k = nearest_key_of_kind(region_tex, u.field_size, uv, true);
    return select(base_key(k, NO_REGION), NO_REGION, k == NO_REGION);
}

// A texel's key in the base fields' keys: ink keys are the outline part (`n²` + part), the
// same in every grid; an overlay's empty keys are the base's.
fn base_key(key: u32, empty_key: u32) -> u32 {
    let n = u.field_size;
    if is_ink_key(key, n) {
        return key - n * n + u.base_size * u.base_size;
    }
    return select(key, empty_key, u.overlay == 1u);
}

// How much of the highlighted region covers this fragment, 0..1: the four texels' keys
// weighted bilinearly, ink and empty texels apart, then mixed by the fragment's ink
// coverage, so the highlight's edge is the outline's where the region ends at the outline
// and a soft texel-wide ramp between ink parts — never a staircase of texels.
fn highlight_mask(uv: vec2<f32>, empty_key: u32, ink: f32) -> f32 {
    if u.highlight == NO_REGION {
        return 0.0;
    }
    let n = u.field_size;
    let p = uv * f32(n) - 0.5;
    let i0 = vec2<i32>(floor(p));
    let f = p - floor(p);
    var ink_w = 0.0;
    var ink_hit = 0.0;
    var empty_w = 0.0;
    var empty_hit = 0.0;
    for (var j = 0u; j < 4u; j++) {
        let o = vec2<i32>(i32(j & 1u), i32(j >> 1u));
        let t = clamp(i0 + o, vec2(0), vec2(i32(n) - 1));
        let k = textureLoad(region_tex, t, 0).x;
        let w = select(1.0 - f.x, f.x, o.x == 1) * select(1.0 - f.y, f.y, o.y == 1);
        let hit = select(0.0, w, base_key(k, empty_key) == u.highlight);
        if is_ink_key(k, n) {
            ink_w += w;
            ink_hit += hit;
        } else {
            empty_w += w;
            empty_hit += hit;
        }
    }
    let on_ink = select(0.0, ink_hit / ink_w, ink_w > 0.0);
    // No empty texel around (a hairline gap finer than the grid): the nearest base key.
    let on_empty = select(select(0.0, 1.0, empty_key == u.highlight), empty_hit / empty_w, empty_w > 0.0);
    return mix(on_empty, on_ink, ink);
}

fn shade(uv: vec2<f32>, base_uv: vec2<f32>) -> vec4<f32> {
    let f = textureSample(field_tex, field_sampler, uv);
    let d = f.x;
    let k = f.y;
    // Density from the base: a blur of the whole glyph, smooth at any zoom.
    let rho = textureSample(base_field_tex, field_sampler, base_uv).z;
    let v = f.w;
    let n = u.field_size;
    let empty_key = base_empty_key(base_uv);
    // One screen pixel, in em; the outline is anti-aliased over it.
    let aa = max(fwidth(d), 1e-7);
    let ink = clamp(0.5 - d / aa, 0.0, 1.0);
    let is_counter = empty_key != 0u && empty_key != NO_REGION;
    let lit_region = highlight_mask(uv, empty_key, ink);
    let side = u.em_per_px * f32(n) / u.base.z;

    if u.layer == LAYER_DISTANCE {
        // distance: diverging, with an isoline every 1/20 em and the outline in white
        let iso = 1.0 - smoothstep(0.0, 0.12, abs(fract(d * 20.0) - 0.5) * 2.0 - 0.88);
        let edge = 1.0 - smoothstep(0.0, aa * 1.5, abs(d));
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
        let c = mix(sequential(v / (side * 0.25)), vec3(0.9, 0.9, 0.95), ink);
        return vec4(c, 1.0);
    }
    if u.layer == LAYER_REGIONS {
        var empty = hash_color(empty_key);
        if !is_counter {
            empty = vec3(0.08, 0.08, 0.1);
        }
        var c = mix(empty, hash_color(nearest_ink_key(uv)), ink);
        c = mix(c, vec3(1.0), 0.5 * lit_region);
        return vec4(c, 1.0);
    }

    let s = style_colors(u.style);
    // Relief normal from the height's slope per em (central differences a texel apart).
    let du = vec2(1.0 / f32(n), 0.0);
    let dv = vec2(0.0, 1.0 / f32(n));
    let per_em = RELIEF_SPAN_EM / (2.0 * u.em_per_px);
    let hx = (height(textureSample(field_tex, field_sampler, uv + du).x)
        - height(textureSample(field_tex, field_sampler, uv - du).x)) * per_em;
    let hy = (height(textureSample(field_tex, field_sampler, uv - dv).x)
        - height(textureSample(field_tex, field_sampler, uv + dv).x)) * per_em;
    let relief = 6.0;
    let normal = normalize(vec3(-hx * relief, -hy * relief, 1.0));
    let t = u.time;
    let light = normalize(vec3(cos(t * 0.6) * 0.8, sin(t * 0.6) * 0.8, 1.1));
    let view = vec3(0.0, 0.0, 1.0);
    let diffuse = max(dot(normal, light), 0.0);
    let spec = pow(max(dot(reflect(-light, normal), view), 0.0), 24.0);

    // Rhythm: fringes travel outward along the level sets, tighter where they curve more;
    // they fade where they would be finer than the screen can show.
    // Level sets at distance d turn no tighter than 1/d except on a crease (where two
    // parts of the outline are equally near: the medial axis), whose curvature is a
    // one-pixel spike at any resolution; creases keep the rhythm of flat outline.
    let level_k = select(k, 0.0, abs(k * d) > 1.5);
    let rhythm = 1.0 + min(abs(level_k) * 0.02, 1.0) * exp(-abs(d) * 20.0);
    let phase = d * rhythm / FRINGE_PERIOD_EM - t * 0.6;
    let resolvable = clamp(1.0 - fwidth(phase) * 1.5, 0.0, 1.0);
    let fringe = pow(0.5 + 0.5 * cos(phase * 6.2831853), 4.0) * exp(-abs(d) * 18.0) * resolvable;

    // Tension: density glows, pulsing slowly.
    let pulse = 0.85 + 0.15 * sin(t * 2.0);
    let glow = s.glow * pow(rho, 1.6) * 0.55 * pulse;

    // The ink and the space around it, blended over the outline's screen pixel.
    let on_ink = s.ink * (0.25 + 0.75 * diffuse) + vec3(spec) * 0.6 + glow * 0.3
        + s.fringe * fringe * 0.25;
    // Silence: the farther from ink, the darker and stiller.
    let quiet = exp(-v * 6.0);
    var base = s.background;
    if is_counter {
        base = s.counter * (0.6 + 0.4 * quiet);
    }
    let off_ink = base + glow + s.fringe * fringe * quiet * 0.8 + s.ink * spec * 0.1 * quiet;
    var color = mix(off_ink, on_ink, ink);
    color = mix(color, color * 1.35 + vec3(0.08), lit_region);
    // A thin bright rim on the outline, 1.2 screen pixels wide.
    let rim = 1.0 - smoothstep(0.0, aa * 1.2, abs(d));
    color += s.fringe * rim * 0.5;
    return vec4(color, 1.0);
}
