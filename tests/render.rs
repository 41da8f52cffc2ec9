//! The hologram renderer through the library: time animates, styles and layers change the
//! picture, a highlighted region lights up only where that region is, and holograms drawn
//! side by side in one pass each keep their own frame.

mod common;

use hologlyph::fields::{FieldOptions, Prepared, cpu, finish};
use hologlyph::glyph::FontSet;
use hologlyph::hologram::{self, Frame, HologramRenderer, Layer, Style};

const SIZE: u32 = 128;

fn differing_pixels(a: &[u8], b: &[u8]) -> usize {
    a.chunks(4).zip(b.chunks(4)).filter(|(p, q)| p != q).count()
}

#[test]
fn time_style_layer_and_highlight_change_the_frame() {
    let gpu = common::gpu();
    let ctx = gpu.context();
    let renderer = HologramRenderer::new(&ctx.device, hologram::OFFSCREEN_FORMAT);
    let outline = FontSet::bundled().outline('⟁').expect("covered");
    let prep = Prepared::new(&outline, &FieldOptions::DEFAULT.with_size(SIZE)).expect("prepares");
    let fields = gpu.dispatch(&prep).expect("GPU");
    let e = prep.params.em_per_px;
    let render = |frame: Frame| {
        hologram::render_offscreen(ctx, &renderer, &fields, e, &frame, SIZE).expect("renders")
    };

    let base = render(Frame::default());
    assert_eq!(base.len(), (SIZE * SIZE * 4) as usize);
    let later = render(Frame {
        time: 1.0,
        ..Frame::default()
    });
    assert!(
        differing_pixels(&base, &later) > 1000,
        "the hologram does not animate"
    );
    let fire = render(Frame {
        style: Style::Alchemical,
        ..Frame::default()
    });
    assert!(
        differing_pixels(&base, &fire) > 1000,
        "styles look the same"
    );
    let distance = render(Frame {
        layer: Layer::Distance,
        ..Frame::default()
    });
    assert!(
        differing_pixels(&base, &distance) > 1000,
        "the distance layer looks like the hologram"
    );
    // Zoomed out to twice the field: the field fills the top-left quarter, and the rest is
    // the style's plain background.
    let zoomed = render(Frame {
        view_scale: 2.0,
        ..Frame::default()
    });
    let px = |img: &[u8], x: u32, y: u32| {
        let i = ((y * SIZE + x) * 4) as usize;
        [img[i], img[i + 1], img[i + 2]]
    };
    let corner = px(&zoomed, SIZE - 1, SIZE - 1);
    for (x, y) in [
        (SIZE / 2 + 2, SIZE / 2 + 2),
        (SIZE - 3, SIZE / 2 + 5),
        (SIZE / 2 + 5, 3),
    ] {
        assert_eq!(px(&zoomed, x, y), corner, "beyond the field at ({x}, {y})");
    }
    assert!(
        differing_pixels(&base, &zoomed) > 1000,
        "zoom changes the frame"
    );

    // Rendering twice with the same frame gives the same picture.
    assert_eq!(base, render(Frame::default()));

    // Highlight the first counter: only its pixels (and the edge of its texels) change.
    let raw = cpu::compute(&prep);
    let fields_cpu = finish(
        &prep,
        raw.clone(),
        hologlyph::fields::Backend::Cpu,
        Default::default(),
    );
    let counter = fields_cpu
        .region_list
        .iter()
        .find(|r| r.kind == hologlyph::fields::RegionKind::Counter)
        .expect("⟁ has counters");
    let (row, col) = prep
        .grid
        .px_from_em(hologlyph::geometry::EmPoint::new(
            counter.anchor[0],
            counter.anchor[1],
        ))
        .expect("on grid");
    let key = raw.region_keys[[row, col]];
    let lit = render(Frame {
        highlight: Some(key),
        ..Frame::default()
    });
    let changed = differing_pixels(&base, &lit);
    let inside = raw.region_keys.iter().filter(|k| **k == key).count();
    assert!(
        changed > inside / 2,
        "highlight changed {changed} pixels of a {inside}-pixel region"
    );
    assert!(
        changed < inside * 2,
        "highlight changed {changed} pixels for a {inside}-pixel region"
    );
}

/// Two holograms in one pass (one encoder, one submit), both prepared before either is
/// painted, as egui runs its paint callbacks: each half must look like that glyph rendered
/// alone. Were the instances to share uniforms, both halves would show the last frame written.
#[test]
fn two_holograms_in_one_pass_keep_their_own_frames() {
    let gpu = common::gpu();
    let ctx = gpu.context();
    let renderer = HologramRenderer::new(&ctx.device, hologram::OFFSCREEN_FORMAT);
    let glyph = |c: char, style: Style| {
        let outline = FontSet::bundled().outline(c).expect("covered");
        let prep =
            Prepared::new(&outline, &FieldOptions::DEFAULT.with_size(SIZE)).expect("prepares");
        let fields = gpu.dispatch(&prep).expect("GPU");
        let frame = Frame {
            time: 0.6,
            style,
            ..Frame::default()
        };
        (fields, prep.params.em_per_px, frame)
    };
    let (tri_fields, tri_e, tri_frame) = glyph('⟁', Style::Hieroglyph);
    let (fire_fields, fire_e, fire_frame) = glyph('🜂', Style::Alchemical);
    let tri = renderer.instance(&ctx.device, &tri_fields, tri_e);
    let fire = renderer.instance(&ctx.device, &fire_fields, fire_e);
    let pair = hologram::render_offscreen_row(
        ctx,
        &renderer,
        &[(&tri, tri_frame), (&fire, fire_frame)],
        SIZE,
    )
    .expect("renders");
    assert_eq!(pair.len(), (2 * SIZE * SIZE * 4) as usize);
    let half = |i: usize| -> Vec<u8> {
        let row = (SIZE * 4) as usize;
        pair.chunks(2 * row)
            .flat_map(|r| r[i * row..(i + 1) * row].iter().copied())
            .collect()
    };
    let (left, right) = (half(0), half(1));

    let solo = |fields, e, frame: Frame| {
        hologram::render_offscreen(ctx, &renderer, fields, e, &frame, SIZE).expect("renders")
    };
    let tri_alone = solo(&tri_fields, tri_e, tri_frame);
    let fire_alone = solo(&fire_fields, fire_e, fire_frame);

    // Equal to the solo render: at least 99.9 % of pixels within 1 in every channel (the
    // viewport offset may round the interpolated uv differently).
    let near = |a: &[u8], b: &[u8]| {
        a.chunks(4)
            .zip(b.chunks(4))
            .filter(|(p, q)| p.iter().zip(q.iter()).all(|(x, y)| x.abs_diff(*y) <= 1))
            .count()
    };
    let pixels = (SIZE * SIZE) as usize;
    let enough = pixels - pixels / 1000;
    let l = near(&left, &tri_alone);
    assert!(
        l >= enough,
        "left half (⟁, hieroglyph) matches its solo render in only {l} of {pixels} pixels"
    );
    let r = near(&right, &fire_alone);
    assert!(
        r >= enough,
        "right half (🜂, alchemical) matches its solo render in only {r} of {pixels} pixels"
    );
    // The two halves are different pictures, so the check above could fail.
    let same = near(&left, &right);
    assert!(
        same < pixels / 2,
        "the two halves agree in {same} of {pixels} pixels"
    );
}
