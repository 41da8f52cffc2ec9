//! Bad input gets a clear error naming the file and place, and never a panic.

use std::path::Path;
use std::process::Command;

use hologlyph::fields::{Backend, FieldEngine, FieldError, FieldOptions};
use hologlyph::glyph::{self, FillRule, FontSet, GlyphError};

fn hologlyph(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hologlyph"))
        .args(args)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the CLI where Vulkan finds no driver, so wgpu has no adapter at all.
fn without_gpu(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hologlyph"))
        .args(args)
        .env("WGPU_BACKEND", "vulkan")
        .env("VK_ICD_FILENAMES", "/nonexistent/icd.json")
        .env("VK_DRIVER_FILES", "/nonexistent/icd.json")
        .output()
        .expect("binary runs")
}

/// Runs the CLI expecting failure (exit 1, not a panic's 101) and returns its stderr.
fn fails(args: &[&str]) -> String {
    let (code, _, stderr) = hologlyph(args);
    assert_eq!(code, 1, "{args:?} should fail cleanly; stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{args:?} panicked:\n{stderr}");
    stderr
}

#[test]
fn a_character_no_font_covers_lists_the_fonts_tried() {
    let err = FontSet::bundled()
        .outline('\u{E000}')
        .expect_err("private use area is not covered");
    match &err {
        GlyphError::NoFontCovers {
            code_point, tried, ..
        } => {
            assert_eq!(*code_point, 0xE000);
            assert_eq!(tried.len(), 4);
        }
        other => panic!("unexpected error {other}"),
    }
    let stderr = fails(&[
        "fields",
        "--char",
        "U+E000",
        "--out",
        "/tmp/hologlyph-unused",
    ]);
    assert!(
        stderr.contains("no font covers") && stderr.contains("U+E000"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Noto Sans Math") && stderr.contains("Noto Sans Symbols"),
        "{stderr}"
    );
}

#[test]
fn an_svg_that_does_not_parse_names_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("broken.svg");
    std::fs::write(&path, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\">\n  <path d=\"M 1 1 L 9 1 L 5 9 Z\"\n</svg>\n")
        .expect("write");
    let err = glyph::outline_from_svg_file(&path).expect_err("broken");
    let message = err.to_string();
    assert!(message.contains("broken.svg"), "{message}");
    assert!(message.contains("3:1"), "line:column missing: {message}");
    let stderr = fails(&[
        "fields",
        "--svg",
        path.to_str().expect("utf-8"),
        "--out",
        "/tmp/hologlyph-unused",
    ]);
    assert!(
        stderr.contains("broken.svg") && stderr.contains("3:1"),
        "{stderr}"
    );
}

#[test]
fn empty_outlines_are_refused() {
    let err = FontSet::bundled()
        .outline(' ')
        .expect_err("space has no outline");
    assert!(matches!(err, GlyphError::EmptyOutline { .. }), "{err}");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("empty.svg");
    std::fs::write(
        &path,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"></svg>"#,
    )
    .expect("write");
    let err = glyph::outline_from_svg_file(&path).expect_err("no paths");
    assert!(
        matches!(err, GlyphError::EmptyOutline { .. }) && err.to_string().contains("empty.svg"),
        "{err}"
    );
    let err = glyph::outline_from_path_data("M 0 0", FillRule::NonZero).expect_err("a lone move");
    assert!(matches!(err, GlyphError::EmptyOutline { .. }), "{err}");
}

#[test]
fn sizes_out_of_range_are_refused() {
    let outline = FontSet::bundled().outline('A').expect("covered");
    let engine = FieldEngine::new(Backend::Cpu);
    for size in [0, 32, 63, 2049, 100_000] {
        let err = engine
            .compute(&outline, &FieldOptions::DEFAULT.with_size(size))
            .expect_err("out of range");
        assert!(
            matches!(err, FieldError::SizeOutOfRange { .. }),
            "{size}: {err}"
        );
    }
    let stderr = fails(&[
        "fields",
        "--char",
        "A",
        "--size",
        "4096",
        "--out",
        "/tmp/hologlyph-unused",
    ]);
    assert!(
        stderr.contains("4096") && stderr.contains("64 to 2048"),
        "{stderr}"
    );
}

#[test]
fn bad_path_data_says_where() {
    let err =
        glyph::outline_from_path_data("M 0 0 L 1 x", FillRule::NonZero).expect_err("bad number");
    assert!(err.to_string().contains("position"), "{err}");
}

#[test]
fn bad_and_missing_files_name_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let font = dir.path().join("not-a-font.ttf");
    std::fs::write(&font, b"this is not a font file at all").expect("write");
    let err = FontSet::with_user_font(&font).expect_err("not a font");
    assert!(err.to_string().contains("not-a-font.ttf"), "{err}");
    let truncated = dir.path().join("truncated.ttf");
    let real = include_bytes!("../assets/fonts/NotoSans-Regular.ttf");
    std::fs::write(&truncated, &real[..real.len() / 3]).expect("write");
    // A truncated font may parse its header; then outlines must fail cleanly, not panic.
    if let Ok(fonts) = FontSet::with_user_font(&truncated) {
        for c in ['A', 'g', '@', 'Ж'] {
            let _outcome = fonts.outline(c);
        }
    }
    let err = glyph::outline_from_svg_file(Path::new("/nonexistent/x.svg")).expect_err("missing");
    assert!(err.to_string().contains("/nonexistent/x.svg"), "{err}");
    let stderr = fails(&[
        "fields",
        "--char",
        "A",
        "--font",
        font.to_str().expect("utf-8"),
        "--out",
        "/tmp/hologlyph-unused",
    ]);
    assert!(stderr.contains("not-a-font.ttf"), "{stderr}");
}

#[test]
fn huge_paths_are_refused_instead_of_exhausting_memory() {
    let mut builder = lyon::path::Path::builder();
    builder.begin(lyon::math::point(0.0, 0.0));
    for i in 0..=glyph::MAX_SEGMENTS {
        let x = i as f32 * 1e-6;
        builder.line_to(lyon::math::point(x, if i % 2 == 0 { 0.1 } else { 0.2 }));
    }
    builder.end(true);
    let outline = glyph::Outline {
        shapes: vec![glyph::Shape {
            path: builder.build(),
            fill_rule: FillRule::NonZero,
        }],
        source: glyph::GlyphSource::PathData {
            data: "a zigzag of a million segments".into(),
        },
    };
    let err = FieldEngine::new(Backend::Cpu)
        .compute(&outline, &FieldOptions::DEFAULT)
        .expect_err("too many segments");
    assert!(
        matches!(err, FieldError::Glyph(GlyphError::TooManySegments { .. })),
        "{err}"
    );
}

#[test]
fn bad_tolerances_are_refused() {
    let outline = FontSet::bundled().outline('@').expect("covered");
    for t in [0.0, -1.0, f64::NAN, 1e-12, 1.0] {
        let err = FieldEngine::new(Backend::Cpu)
            .compute(&outline, &FieldOptions::DEFAULT.with_tolerance(Some(t)))
            .expect_err("out of range");
        assert!(matches!(err, FieldError::BadTolerance { .. }), "{t}: {err}");
    }
    for t in [
        "--tolerance=0",
        "--tolerance=-1",
        "--tolerance=NaN",
        "--tolerance=1",
    ] {
        let stderr = fails(&["fields", "--char", "A", t, "--out", "/tmp/hologlyph-unused"]);
        assert!(stderr.contains("tolerance"), "{t}: {stderr}");
    }
}

#[test]
fn without_a_gpu_adapter_the_cli_falls_back_to_the_cpu_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("fields");
    let output = without_gpu(&[
        "fields",
        "--char",
        "B",
        "--size",
        "64",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("no usable GPU") && stderr.contains("on the CPU"),
        "{stderr}"
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("fields.json")).expect("fields.json"))
            .expect("json");
    assert_eq!(meta["backend"], "cpu");
    assert_eq!(meta["descriptor"]["holes"], 2);
}

#[test]
fn rendering_without_a_gpu_says_what_to_install() {
    let output = without_gpu(&[
        "render",
        "--char",
        "B",
        "--size",
        "64",
        "-o",
        "/tmp/hologlyph-unused.png",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("mesa-vulkan-drivers"), "{stderr}");
}

#[test]
fn outlines_too_large_or_too_small_for_f32_fields_are_refused() {
    for data in [
        "M 0 0 L 1e30 0 L 0 1e30 Z",
        "M 0 0 L 1e-30 0 L 0 1e-30 Z",
        "M 0 0 L 1e-8 0 L 0 1e-8 Z",
    ] {
        let outline = glyph::outline_from_path_data(data, FillRule::NonZero).expect("parses");
        let err = FieldEngine::new(Backend::Cpu)
            .compute(&outline, &FieldOptions::DEFAULT)
            .expect_err("out of scale");
        assert!(
            matches!(err, FieldError::Glyph(GlyphError::OutOfScale { .. })),
            "{data}: {err}"
        );
    }
    let stderr = fails(&[
        "fields",
        "--path",
        "M 0 0 L 1e30 0 L 0 1e30 Z",
        "--out",
        "/tmp/hologlyph-unused",
    ]);
    assert!(stderr.contains("out of scale"), "{stderr}");
}

#[test]
fn self_intersecting_paths_compute_without_trouble() {
    // A bow tie: two triangles touching at a point, by both fill rules.
    for rule in [FillRule::NonZero, FillRule::EvenOdd] {
        let outline =
            glyph::outline_from_path_data("M 0 0 L 1 1 L 1 0 L 0 1 Z", rule).expect("parses");
        let fields = FieldEngine::new(Backend::Cpu)
            .compute(&outline, &FieldOptions::DEFAULT.with_size(64))
            .expect("fields");
        assert_eq!(fields.descriptor.holes, 0);
        assert!(
            (fields.descriptor.area_em2 - 0.5).abs() < 1e-6,
            "{rule:?}: area {}",
            fields.descriptor.area_em2
        );
    }
}
