//! The distance field of outlines with thousands of segments against an independent exact
//! computation: a brute-force f64 loop over every flattened segment, with an even-odd
//! point-in-polygon test (these outlines do not overlap themselves, so that is exact).

mod common;

use hologlyph::fields::{FieldOptions, Prepared, RawFields, cpu};
use hologlyph::geometry::EmPoint;
use hologlyph::glyph::{self, FillRule, FontSet, Outline, samples};

fn brute_force_check(what: &str, outline: &Outline, options: &FieldOptions, min_segments: usize) {
    let prep = Prepared::new(outline, options).expect("prepares");
    let flat = glyph::flatten(outline, prep.tolerance).expect("flattens");
    assert!(
        flat.lines.len() >= min_segments,
        "{what}: only {} segments",
        flat.lines.len()
    );
    let gpu = common::gpu().compute(&prep).expect("GPU");
    let cpu = cpu::compute(&prep);
    let n = prep.grid.size as usize;
    let check = |raw: &RawFields, backend: &str| {
        let mut worst = 0.0f64;
        for row in 0..n {
            for col in 0..n {
                let p: EmPoint = prep.grid.em_from_px(row, col);
                let d = flat
                    .lines
                    .iter()
                    .map(|l| l.distance(p))
                    .fold(f64::INFINITY, f64::min);
                let mut inside = false;
                for l in &flat.lines {
                    let (a, b) = (l.a, l.b);
                    if (a.y > p.y) != (b.y > p.y)
                        && p.x < a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y)
                    {
                        inside = !inside;
                    }
                }
                let exact = if inside { -d } else { d };
                let got = raw.sdf[[row, col]] as f64;
                // f32 storage and arithmetic: 2e-6 em; a sign may differ only on the outline.
                let err = if (got < 0.0) != (exact < 0.0) && d > 2e-6 {
                    f64::INFINITY
                } else {
                    (got.abs() - d).abs()
                };
                worst = worst.max(err);
            }
        }
        assert!(
            worst <= 2e-6,
            "{what} on the {backend}: distance off by {worst} em ({} segments)",
            flat.lines.len()
        );
    };
    check(&cpu, "CPU");
    check(&gpu, "GPU");
}

#[test]
fn star_with_thousands_of_segments_matches_brute_force() {
    let data = samples::star_path(1500, 0.3, 0.45);
    let outline = glyph::outline_from_path_data(&data, FillRule::NonZero).expect("path");
    brute_force_check(
        "3000-segment star",
        &outline,
        &FieldOptions::DEFAULT.with_size(128),
        3000,
    );
}

#[test]
fn finely_flattened_glyph_matches_brute_force() {
    let outline = FontSet::bundled().outline('@').expect("covered");
    let options = FieldOptions::DEFAULT
        .with_size(128)
        .with_tolerance(Some(2e-7));
    brute_force_check("@ flattened to 2e-7 em", &outline, &options, 2000);
}
