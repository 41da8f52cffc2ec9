//! Sharp fields for a zoomed view: fields computed for the window the view shows, at the
//! screen's resolution, drawn over the glyph's own (magnified) fields. On ⟁ at zoom ×16 the
//! drawn outline lies where the exact outline is, the edge is anti-aliased rather than a
//! texel staircase, and a highlighted region lights exactly its own pixels in the overlay —
//! the overlay's keys are the whole glyph's.

mod common;

use hologlyph::fields::{Backend, FieldOptions, Passes, Prepared, cpu, finish};
use hologlyph::geometry::{EmPoint, FieldGrid};
use hologlyph::glyph::FontSet;
use hologlyph::hologram::{self, BaseMap, Frame, HologramRenderer, Layer};

/// Side of the rendered view, device pixels.
const SCREEN: u32 = 512;
/// The window's field spans the view and an eighth of it beyond each edge, as the app's.
const MARGIN: f64 = 0.125;

/// A zoomed view of ⟁: the glyph's 384² fields, the view (origin, scale in their uv), and
/// the sharp fields of that window.
struct Zoomed {
    base: Prepared,
    origin: [f32; 2],
    scale: f32,
    sharp: Prepared,
}

impl Zoomed {
    /// The view centred on `centre` (em), showing `1 / zoom` of the glyph's field.
    fn at(centre: EmPoint, zoom: f32) -> Self {
        let outline = FontSet::bundled().outline('⟁').expect("covered");
        let base = Prepared::new(&outline, &FieldOptions::DEFAULT.with_size(384)).expect("base");
        let g = base.grid;
        let scale = 1.0 / zoom;
        let uv = [
            ((centre.x - g.x0) / g.side_em()) as f32,
            ((g.y0 - centre.y) / g.side_em()) as f32,
        ];
        let origin = [uv[0] - scale / 2.0, uv[1] - scale / 2.0];
        let window = g.window(
            [
                origin[0] as f64 - scale as f64 * MARGIN,
                origin[1] as f64 - scale as f64 * MARGIN,
            ],
            scale as f64 * (1.0 + 2.0 * MARGIN),
            (SCREEN as f64 * (1.0 + 2.0 * MARGIN)).ceil() as u32,
        );
        let sharp =
            Prepared::new(&outline, &FieldOptions::DEFAULT.with_grid(Some(window))).expect("sharp");
        Self {
            base,
            origin,
            scale,
            sharp,
        }
    }

    /// What the screen's pixels are on: the view's window of the base grid at `SCREEN` px.
    fn screen(&self) -> FieldGrid {
        self.base.grid.window(
            [self.origin[0] as f64, self.origin[1] as f64],
            self.scale as f64,
            SCREEN,
        )
    }

    /// The view rendered: the glyph's fields, then (if `sharp`) the sharp overlay.
    fn render(&self, layer: Layer, highlight: Option<u32>, sharp: bool) -> Vec<u8> {
        let gpu = common::gpu();
        let ctx = gpu.context();
        let renderer = HologramRenderer::new(&ctx.device, hologram::OFFSCREEN_FORMAT);
        let base_fields = gpu.dispatch(&self.base).expect("base fields");
        let base = renderer.instance(&ctx.device, &base_fields, self.base.params.em_per_px);
        let frame = Frame {
            layer,
            highlight,
            view_origin: self.origin,
            view_scale: self.scale,
            ..Frame::default()
        };
        if !sharp {
            return hologram::render_offscreen_stack(ctx, &renderer, &[(&base, frame)], SCREEN)
                .expect("renders");
        }
        // As the window computes them: the CPU twins uploaded on a software GPU, the
        // overlay's passes on a hardware one.
        let sharp_fields = if ctx.is_software() {
            gpu.upload(&cpu::sharp(&self.sharp))
        } else {
            gpu.dispatch_passes(&self.sharp, Passes::Sharp)
                .expect("sharp fields")
        };
        let map = BaseMap::between(&self.sharp.grid, &self.base.grid);
        let overlay = renderer.overlay_instance(
            &ctx.device,
            &sharp_fields,
            self.sharp.params.em_per_px,
            &base_fields,
            map,
        );
        hologram::render_offscreen_stack(
            ctx,
            &renderer,
            &[(&base, frame), (&overlay, map.frame_from_base(&frame))],
            SCREEN,
        )
        .expect("renders")
    }
}

fn pixel(img: &[u8], x: u32, y: u32) -> [u8; 3] {
    let i = ((y * SCREEN + x) * 4) as usize;
    [img[i], img[i + 1], img[i + 2]]
}

/// The longest steep straight edge of ⟁ (one of its outer triangle's sides).
fn steep_edge(prep: &Prepared) -> hologlyph::glyph::Line {
    *prep
        .boundary
        .lines
        .iter()
        .filter(|l| (l.b.y - l.a.y).abs() > 0.5 * l.length())
        .max_by(|a, b| a.length().total_cmp(&b.length()))
        .expect("⟁ has steep edges")
}

#[test]
fn at_zoom_16_the_edge_is_where_the_outline_is_and_anti_aliased() {
    let plain = Zoomed::at(EmPoint::new(0.5, 0.5), 1.0);
    let edge = steep_edge(&plain.base);
    let zoomed = Zoomed::at(edge.a.lerp(edge.b, 0.5), 16.0);
    let screen = zoomed.screen();

    // The distance layer draws the outline as a thin white line centred on d = 0: its
    // centroid along each scanline is the drawn edge.
    let lines = zoomed.render(Layer::Distance, None, true);
    let mut worst: f64 = 0.0;
    for row in (SCREEN / 4..3 * SCREEN / 4).step_by(16) {
        let y = screen.y0 - (row as f64 + 0.5) * screen.em_per_px;
        let x = edge.a.x + (y - edge.a.y) * (edge.b.x - edge.a.x) / (edge.b.y - edge.a.y);
        let exact = (x - screen.x0) / screen.em_per_px; // in pixels; pixel c spans [c, c+1)
        let around = (exact.floor() as i64 - 5).max(0) as u32..(exact.floor() as u32 + 6);
        let white = |c: u32| *pixel(&lines, c, row).iter().min().expect("rgb") as f64;
        let floor = around.clone().map(white).fold(f64::INFINITY, f64::min);
        let (mut sum, mut weight) = (0.0, 0.0);
        for c in around {
            let w = white(c) - floor;
            sum += (c as f64 + 0.5) * w;
            weight += w;
        }
        assert!(
            weight > 200.0,
            "no outline drawn on row {row} near x = {exact:.1}"
        );
        let drawn = sum / weight;
        worst = worst.max((drawn - exact).abs());
    }
    assert!(
        worst <= 0.5,
        "the drawn edge is up to {worst:.2} px from the exact outline"
    );

    // Across the edge the voids layer goes from the ink's grey to the dark of the space
    // around it through intermediate levels (the outline covers parts of pixels), never in
    // one jump: an anti-aliased edge, not a texel or pixel staircase.
    let voids = zoomed.render(Layer::Voids, None, true);
    let row = SCREEN / 2;
    let y = screen.y0 - (row as f64 + 0.5) * screen.em_per_px;
    let x = edge.a.x + (y - edge.a.y) * (edge.b.x - edge.a.x) / (edge.b.y - edge.a.y);
    let exact = ((x - screen.x0) / screen.em_per_px).floor() as u32;
    let grey: Vec<f64> = (exact - 6..exact + 7)
        .map(|c| pixel(&voids, c, row)[0] as f64)
        .collect();
    let high = grey.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let low = grey.iter().copied().fold(f64::INFINITY, f64::min);
    let contrast = high - low;
    assert!(contrast > 100.0, "no edge across row {row}: {grey:?}");
    let levels_between = grey
        .iter()
        .filter(|g| **g > low + 0.1 * contrast && **g < high - 0.1 * contrast)
        .count();
    assert!(
        (1..=3).contains(&levels_between),
        "the edge crosses {levels_between} intermediate pixels (want 1 to 3): {grey:?}"
    );
    let largest_step = grey
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f64::max);
    assert!(
        largest_step < 0.9 * contrast,
        "the edge jumps {largest_step} of {contrast} in one pixel: {grey:?}"
    );
}

/// Highlighting a region through the overlay lights its pixels and no others: a counter
/// (whose overlay keys come from the whole glyph's fields) and an ink part (whose key is
/// its outline part in any grid). Checked on every third pixel farther than 4 screen pixels
/// from the outline and a texel and a half from a change of key, against the whole glyph's
/// region keys on the CPU.
#[test]
fn a_highlight_through_the_overlay_lights_its_own_region_only() {
    let plain = Zoomed::at(EmPoint::new(0.5, 0.5), 1.0);
    let bounds = plain.base.boundary.bounds;
    let zoomed = Zoomed::at(bounds.center(), 2.5);
    let screen = zoomed.screen();
    let raw = cpu::compute(&zoomed.base);
    let fields = finish(&zoomed.base, raw.clone(), Backend::Cpu, Default::default());
    let n = zoomed.base.grid.size;
    let counter = fields
        .region_list
        .iter()
        .find(|r| r.kind == hologlyph::fields::RegionKind::Counter)
        .expect("⟁ has a counter");
    let key_at = |p: EmPoint| {
        zoomed
            .base
            .grid
            .px_from_em(p)
            .map(|(r, c)| raw.region_keys[[r, c]])
    };
    let counter_key = key_at(EmPoint::new(counter.anchor[0], counter.anchor[1])).expect("on grid");
    let ink_key = raw
        .region_keys
        .iter()
        .copied()
        .find(|k| *k >= n * n)
        .expect("ink");
    let dark = zoomed.render(Layer::Regions, None, true);
    for key in [counter_key, ink_key] {
        let lit = zoomed.render(Layer::Regions, Some(key), true);
        let (mut wrong, mut inside) = (0, 0);
        for row in (0..SCREEN).step_by(3) {
            for col in (0..SCREEN).step_by(3) {
                let p = EmPoint::new(
                    screen.x0 + (col as f64 + 0.5) * screen.em_per_px,
                    screen.y0 - (row as f64 + 0.5) * screen.em_per_px,
                );
                // Near the outline, or near where ink parts meet (the whole glyph's keys are
                // per texel there), the CPU's answer is a texel's, not the point's.
                let texel = 1.5 * zoomed.base.grid.em_per_px;
                let here = key_at(p);
                let settled = [(-1.0, 0.0), (1.0, 0.0), (0.0, -1.0), (0.0, 1.0)]
                    .iter()
                    .all(|(dx, dy)| {
                        key_at(EmPoint::new(p.x + dx * texel, p.y + dy * texel)) == here
                    });
                if !settled || zoomed.sharp.boundary.distance(p) < 4.0 * screen.em_per_px {
                    continue;
                }
                let in_region = here == Some(key);
                let changed = pixel(&lit, col, row) != pixel(&dark, col, row);
                inside += usize::from(in_region);
                wrong += usize::from(in_region != changed);
            }
        }
        assert!(
            inside > 200,
            "region {key} has only {inside} sampled pixels"
        );
        assert_eq!(
            wrong, 0,
            "{wrong} pixels lit wrongly for region {key} ({inside} inside)"
        );
    }
}

/// The overlay's passes on the GPU agree with their CPU twin (within the whole fields'
/// tolerances: 1e-5 em for distance and voids, 1e-3 of the limit for curvature; keys
/// exactly), and fields uploaded from the CPU read back bit for bit.
#[test]
fn the_sharp_passes_match_their_cpu_twin_and_uploads_read_back_exactly() {
    let gpu = common::gpu();
    let plain = Zoomed::at(EmPoint::new(0.5, 0.5), 1.0);
    let edge = steep_edge(&plain.base);
    for (what, zoomed) in [
        (
            "⟁ ×16 on an edge",
            Zoomed::at(edge.a.lerp(edge.b, 0.5), 16.0),
        ),
        (
            "⟁ ×2.5 in the middle",
            Zoomed::at(plain.base.boundary.bounds.center(), 2.5),
        ),
    ] {
        let prep = &zoomed.sharp;
        let want = cpu::sharp(prep);
        let got = gpu
            .read_back(&gpu.dispatch_passes(prep, Passes::Sharp).expect("GPU"))
            .expect("read back");
        let sdf = common::max_abs_diff(&got.sdf, &want.sdf);
        assert!(sdf <= 1e-5, "{what}: distance differs by {sdf} em");
        let voids = common::max_abs_diff(&got.voids, &want.voids);
        assert!(voids <= 1e-5, "{what}: voids differ by {voids} em");
        let limit = prep.params.curvature_limit;
        for (g, w) in got.curvature.iter().zip(want.curvature.iter()) {
            assert!(
                (g - w).abs() <= 1e-3 * limit + 1e-3 * w.abs(),
                "{what}: curvature {g} on the GPU, {w} on the CPU"
            );
        }
        assert!(
            got.density.iter().all(|d| *d == 0.0),
            "{what}: density computed"
        );
        let keys = got
            .region_keys
            .iter()
            .zip(want.region_keys.iter())
            .filter(|(g, w)| g != w)
            .count();
        assert_eq!(keys, 0, "{what}: region keys differ on {keys} pixels");

        let back = gpu.read_back(&gpu.upload(&want)).expect("read back");
        assert_eq!(back.sdf, want.sdf, "{what}: uploaded distance");
        assert_eq!(back.curvature, want.curvature, "{what}: uploaded curvature");
        assert_eq!(back.voids, want.voids, "{what}: uploaded voids");
        assert_eq!(back.nearest, want.nearest, "{what}: uploaded nearest");
        assert_eq!(back.region_keys, want.region_keys, "{what}: uploaded keys");
    }
}
