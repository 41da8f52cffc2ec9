//! Shapes with known answers: circle, square, overlapping squares, letters with known holes.

use std::ops::Sub;
mod common;

use hologlyph::fields::{Backend, FieldEngine, FieldOptions, Fields, Prepared, RegionKind, cpu};
use hologlyph::geometry::EmPoint;
use hologlyph::glyph::{self, FillRule, FontSet, Outline, samples};

/// Flattening tolerance for the analytic shapes, em; distance errors stay below it.
const TOLERANCE: f64 = 1e-5;
/// The circle sample is a 4096-gon within 1e-7 em of the true circle.
const CIRCLE_TOLERANCE: f64 = 1e-7;

fn compute_both(outline: &Outline, size: u32) -> Vec<Fields> {
    compute_both_with(outline, size, TOLERANCE)
}

fn compute_both_with(outline: &Outline, size: u32, tolerance: f64) -> Vec<Fields> {
    let options = FieldOptions::DEFAULT
        .with_size(size)
        .with_tolerance(Some(tolerance));
    let prep = Prepared::new(outline, &options).expect("prepares");
    let cpu =
        hologlyph::fields::finish(&prep, cpu::compute(&prep), Backend::Cpu, Default::default());
    let gpu = hologlyph::fields::finish(
        &prep,
        common::gpu().compute(&prep).expect("GPU"),
        Backend::Gpu,
        Default::default(),
    );
    vec![cpu, gpu]
}

fn for_each_pixel(fields: &Fields, mut f: impl FnMut(EmPoint, usize, usize)) {
    let n = fields.grid.size as usize;
    for row in 0..n {
        for col in 0..n {
            f(fields.grid.em_from_px(row, col), row, col);
        }
    }
}

#[test]
fn circle_distance_is_exact_and_level_set_curvature_is_one_over_radius() {
    let (cx, cy, r) = (0.5, 0.4, 0.3);
    let outline = samples::circle(cx, cy, r).expect("circle");
    for fields in compute_both_with(&outline, 256, CIRCLE_TOLERANCE) {
        let mut worst = 0.0f64;
        // κ·ρ per ring of width 0.05 em around the centre.
        let mut rings: Vec<Vec<f64>> = vec![Vec::new(); 11];
        let n = fields.grid.size as usize;
        for_each_pixel(&fields, |p, row, col| {
            let rho = p.sub(EmPoint::new(cx, cy)).length();
            let exact = rho - r;
            let got = fields.raw.sdf[[row, col]] as f64;
            worst = worst.max((got - exact).abs());
            let interior = (2..n - 2).contains(&row) && (2..n - 2).contains(&col);
            if interior && (0.05..0.55).contains(&rho) {
                rings[(rho / 0.05) as usize].push(fields.raw.curvature[[row, col]] as f64 * rho);
            }
        });
        assert!(
            worst <= CIRCLE_TOLERANCE + 2e-6,
            "{:?}: distance off by {worst} em",
            fields.backend
        );
        // Level sets of a circle's distance are circles: κ = 1/ρ. The field is the exact
        // distance to the flattened polygon, whose level sets have corners on the angle
        // bisectors (inside) and short arcs around vertices (outside); so the median of each
        // ring is held to 2%, not every pixel.
        for (i, ring) in rings.iter_mut().enumerate().skip(1) {
            ring.sort_by(f64::total_cmp);
            let median = ring[ring.len() / 2];
            assert!(
                (median - 1.0).abs() < 0.02,
                "ring {:.2}..{:.2} em: median κρ = {median}",
                i as f64 * 0.05,
                (i + 1) as f64 * 0.05
            );
        }
        assert_eq!(fields.descriptor.holes, 0);
        assert_eq!(fields.descriptor.ink_components, 1);
        // A circle turns once: total |turning| is 2π; no corners.
        assert!((fields.descriptor.total_abs_curvature - std::f64::consts::TAU).abs() < 1e-6);
        assert_eq!(fields.descriptor.corners, 0);
        assert!(
            fields.outline.iter().all(|s| s.curvature > 0.0),
            "a circle only turns towards its ink"
        );
    }
}

#[test]
fn outline_curvature_of_a_regular_polygon_is_its_turn_over_its_side() {
    // 256-gon of radius r: every vertex turns 2π/256 between sides of 2r·sin(π/256), so the
    // sampled curvature is 1/r to within 3e-5, and f32 coordinates add less than 1e-4.
    let (r, vertices) = (0.3, 256);
    let data = samples::regular_polygon_path(0.5, 0.4, r, vertices);
    let outline = glyph::outline_from_path_data(&data, FillRule::NonZero).expect("path");
    let fields = FieldEngine::new(Backend::Cpu)
        .compute(&outline, &FieldOptions::DEFAULT.with_size(64))
        .expect("fields");
    assert_eq!(fields.outline.len(), vertices);
    for s in &fields.outline {
        assert!(
            (s.curvature * r - 1.0).abs() < 1e-3,
            "outline κ {} want {}",
            s.curvature,
            1.0 / r
        );
        assert!((s.turn - std::f64::consts::TAU / vertices as f64).abs() < 1e-4);
    }
}

/// Exact signed distance to the axis-aligned box [x0, x1] × [y0, y1].
fn box_sdf(p: EmPoint, x0: f64, y0: f64, x1: f64, y1: f64) -> f64 {
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let (hx, hy) = ((x1 - x0) / 2.0, (y1 - y0) / 2.0);
    let qx = (p.x - cx).abs() - hx;
    let qy = (p.y - cy).abs() - hy;
    let outside = (qx.max(0.0).powi(2) + qy.max(0.0).powi(2)).sqrt();
    outside + qx.max(qy).min(0.0)
}

#[test]
fn square_distance_is_exact_with_four_corners() {
    let outline = samples::square(0.1, 0.2, 0.6).expect("square");
    for fields in compute_both(&outline, 192) {
        let mut worst = 0.0f64;
        for_each_pixel(&fields, |p, row, col| {
            let exact = box_sdf(p, 0.1, 0.2, 0.7, 0.8);
            worst = worst.max((fields.raw.sdf[[row, col]] as f64 - exact).abs());
        });
        assert!(
            worst <= 2e-6,
            "{:?}: square distance off by {worst} em",
            fields.backend
        );
        assert_eq!(fields.descriptor.corners, 4);
        assert_eq!(fields.descriptor.parts, 4, "one outline part per side");
        // Four ink regions (one per side) plus the exterior.
        let ink = fields
            .region_list
            .iter()
            .filter(|r| r.kind == RegionKind::Ink)
            .count();
        assert_eq!(ink, 4);
        // Path coordinates are f32: the area holds to 1e-6 em².
        assert!((fields.descriptor.area_em2 - 0.36).abs() < 1e-6);
    }
}

#[test]
fn overlapping_contours_measure_to_the_visible_boundary() {
    // Two squares that overlap, both counter-clockwise (nonzero fill): their union is an
    // eight-sided polygon; the edges inside the other square are buried and must not count.
    let data = format!(
        "{} {}",
        samples::square_path(0.0, 0.0, 0.6),
        samples::square_path(0.3, 0.3, 0.6)
    );
    let outline = glyph::outline_from_path_data(&data, FillRule::NonZero).expect("path");
    let union = [
        (0.0, 0.0),
        (0.6, 0.0),
        (0.6, 0.3),
        (0.9, 0.3),
        (0.9, 0.9),
        (0.3, 0.9),
        (0.3, 0.6),
        (0.0, 0.6),
    ];
    let union: Vec<EmPoint> = union.iter().map(|&(x, y)| EmPoint::new(x, y)).collect();
    let exact = |p: EmPoint| {
        let mut d = f64::INFINITY;
        let mut inside = false;
        for i in 0..union.len() {
            let (a, b) = (union[i], union[(i + 1) % union.len()]);
            d = d.min(glyph::Line { a, b }.distance(p));
            if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y) {
                inside = !inside;
            }
        }
        if inside { -d } else { d }
    };
    let naive_lines = glyph::flatten(&outline, TOLERANCE).expect("flattens").lines;
    for fields in compute_both(&outline, 128) {
        let mut worst = 0.0f64;
        let mut naive_worst = 0.0f64;
        for_each_pixel(&fields, |p, row, col| {
            let want = exact(p);
            worst = worst.max((fields.raw.sdf[[row, col]] as f64 - want).abs());
            let naive = naive_lines
                .iter()
                .map(|l| l.distance(p))
                .fold(f64::INFINITY, f64::min);
            naive_worst = naive_worst.max((naive - want.abs()).abs());
        });
        assert!(
            worst <= 2e-6,
            "{:?}: union distance off by {worst} em",
            fields.backend
        );
        // The naive per-segment minimum is wrong by many pixels inside the overlap.
        assert!(
            naive_worst > 10.0 * fields.grid.em_per_px,
            "naive error only {naive_worst}"
        );
        assert_eq!(fields.descriptor.contours, 1, "the union has one outline");
        assert_eq!(fields.descriptor.ink_components, 1);
        assert_eq!(fields.descriptor.holes, 0);
    }
}

#[test]
fn even_odd_fill_makes_a_hole_where_nonzero_does_not() {
    // Two concentric squares drawn the same way round.
    let data = format!(
        "{} {}",
        samples::square_path(0.0, 0.0, 1.0),
        samples::square_path(0.3, 0.3, 0.4)
    );
    let engine = FieldEngine::new(Backend::Cpu);
    let options = FieldOptions::DEFAULT.with_size(96);
    let nonzero = glyph::outline_from_path_data(&data, FillRule::NonZero).expect("path");
    let evenodd = glyph::outline_from_path_data(&data, FillRule::EvenOdd).expect("path");
    assert_eq!(
        engine
            .compute(&nonzero, &options)
            .expect("fields")
            .descriptor
            .holes,
        0
    );
    assert_eq!(
        engine
            .compute(&evenodd, &options)
            .expect("fields")
            .descriptor
            .holes,
        1
    );
}

#[test]
fn letters_have_their_known_hole_counts_and_the_exterior_is_never_a_hole() {
    let fonts = FontSet::bundled();
    let engine = FieldEngine::new(Backend::Gpu);
    assert_eq!(engine.backend(), Backend::Gpu, "{:?}", engine.notice);
    for &(c, holes) in samples::HOLE_COUNTS.iter().chain(samples::SEED_GLYPHS) {
        for size in [64, 256] {
            let fields = engine
                .compute(
                    &fonts.outline(c).expect("covered"),
                    &FieldOptions::DEFAULT.with_size(size),
                )
                .expect("fields");
            assert_eq!(fields.descriptor.holes as usize, holes, "{c} at {size}²");
            let exterior: Vec<_> = fields
                .region_list
                .iter()
                .filter(|r| r.kind == RegionKind::Exterior)
                .collect();
            assert_eq!(exterior.len(), 1, "{c}: exactly one exterior region");
            assert_eq!(
                fields.regions[[0, 0]],
                exterior[0].id,
                "{c}: the corner pixel is the exterior"
            );
            // The outline's turning number agrees with the pixels' Euler number.
            assert!(
                (fields.descriptor.turning_number - fields.descriptor.euler_number as f64).abs()
                    < 1e-6,
                "{c}: turning number {} vs Euler number {}",
                fields.descriptor.turning_number,
                fields.descriptor.euler_number
            );
        }
    }
}

#[test]
fn triangle_in_triangle_from_noto_sans_math_has_two_holes() {
    let fonts = FontSet::bundled();
    let font = fonts.font_for('⟁').expect("covered");
    assert_eq!(font.name, "Noto Sans Math Regular");
    let fields = FieldEngine::new(Backend::Cpu)
        .compute(&font.outline('⟁').expect("outline"), &FieldOptions::DEFAULT)
        .expect("fields");
    assert_eq!(fields.descriptor.holes, 2);
    assert_eq!(fields.descriptor.ink_components, 2);
}

#[test]
fn regions_and_their_anchors_are_the_same_at_every_size() {
    // The default flattening does not depend on the field size, so corners, parts and
    // regions do not either; every anchor found at 128² lies in the same region at 1024².
    let fonts = FontSet::bundled();
    let engine = FieldEngine::new(Backend::Cpu);
    for c in ['⟁', 'B', '8', 'g', '@', '🜂', '🫁'] {
        let outline = fonts.outline(c).expect("covered");
        let coarse = engine
            .compute(&outline, &FieldOptions::DEFAULT.with_size(128))
            .expect("fields");
        let fine = engine
            .compute(&outline, &FieldOptions::DEFAULT.with_size(1024))
            .expect("fields");
        assert_eq!(coarse.descriptor.parts, fine.descriptor.parts, "{c}: parts");
        assert_eq!(
            coarse.descriptor.corners, fine.descriptor.corners,
            "{c}: corners"
        );
        assert_eq!(
            coarse.region_list.len(),
            fine.region_list.len(),
            "{c}: regions"
        );
        for region in &coarse.region_list {
            let at = EmPoint::new(region.anchor[0], region.anchor[1]);
            let here = coarse.region_at(at).expect("anchor on the grid");
            assert_eq!(
                here.id, region.id,
                "{c}: anchor of region {} is not inside it",
                region.id
            );
            let there = fine.region_at(at).expect("anchor on the finer grid");
            assert_eq!(
                there.kind, region.kind,
                "{c}: region {} changes kind at 1024²",
                region.id
            );
            assert_eq!(
                there.part, region.part,
                "{c}: region {} changes part at 1024²",
                region.id
            );
        }
    }
}

/// erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7).
fn erf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-x * x).exp();
    if x >= 0.0 { y } else { -y }
}

#[test]
fn density_across_a_straight_edge_is_the_gaussian_integral() {
    // A square much larger than σ: across its left edge (away from the corners) the blurred
    // coverage is Φ(−x/σ′), where σ′² = σ² + px²/12 adds the one-pixel coverage ramp.
    // Measured: 0.0015 at 128² (density step 2), 0.0056 at 512² (step 10); held to 0.01.
    let outline = samples::square(0.0, 0.0, 1.0).expect("square");
    let sigma = 0.05;
    for size in [128, 512] {
        let options = FieldOptions::DEFAULT
            .with_size(size)
            .with_density_sigma(sigma);
        let prep = Prepared::new(&outline, &options).expect("prepares");
        for (name, raw) in [
            ("CPU", cpu::compute(&prep)),
            ("GPU", common::gpu().compute(&prep).expect("GPU")),
        ] {
            let e = prep.grid.em_per_px;
            let sigma_eff = (sigma * sigma + e * e / 12.0).sqrt();
            let n = prep.grid.size as usize;
            let mut worst = 0.0f64;
            for row in 0..n {
                for col in 0..n {
                    let p = prep.grid.em_from_px(row, col);
                    if (p.y - 0.5).abs() > 0.2 || p.x > 0.3 {
                        continue;
                    }
                    let want = 0.5 * (1.0 + erf(p.x / (sigma_eff * std::f64::consts::SQRT_2)));
                    worst = worst.max((raw.density[[row, col]] as f64 - want).abs());
                }
            }
            assert!(
                worst < 0.01,
                "{name} at {size}² (step {}): density off by {worst}",
                prep.params.density_step
            );
        }
    }
}

#[test]
fn squares_sharing_an_edge_become_one_rectangle() {
    // Regression guard for coincident edges running opposite ways: the shared edge has ink
    // on both sides and must vanish; its end points stay as straight (non-corner) vertices.
    let data = format!(
        "{} {}",
        samples::square_path(0.0, 0.0, 0.5),
        samples::square_path(0.5, 0.0, 0.5)
    );
    let outline = glyph::outline_from_path_data(&data, FillRule::NonZero).expect("path");
    for fields in compute_both(&outline, 128) {
        let mut worst = 0.0f64;
        for_each_pixel(&fields, |p, row, col| {
            let exact = box_sdf(p, 0.0, 0.0, 1.0, 0.5);
            worst = worst.max((fields.raw.sdf[[row, col]] as f64 - exact).abs());
        });
        assert!(
            worst <= 2e-6,
            "{:?}: rectangle distance off by {worst} em",
            fields.backend
        );
        assert_eq!(fields.descriptor.contours, 1);
        assert_eq!(fields.descriptor.corners, 4);
        assert_eq!(fields.descriptor.holes, 0);
        assert!((fields.descriptor.area_em2 - 0.5).abs() < 1e-6);
    }
}

#[test]
fn a_square_drawn_twice_is_one_square() {
    // Duplicate contours (common when SVG art stacks copies) give one outline, not two.
    let data = format!(
        "{} {}",
        samples::square_path(0.1, 0.1, 0.5),
        samples::square_path(0.1, 0.1, 0.5)
    );
    let outline = glyph::outline_from_path_data(&data, FillRule::NonZero).expect("path");
    for fields in compute_both(&outline, 96) {
        assert_eq!(fields.descriptor.contours, 1, "{:?}", fields.backend);
        assert_eq!(fields.descriptor.corners, 4);
        assert!((fields.descriptor.area_em2 - 0.25).abs() < 1e-6);
    }
}
