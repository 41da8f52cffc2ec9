//! The command line end to end: files written, their shapes and meaning, batches, renders.

use std::path::Path;
use std::process::Command;

use ndarray::Array2;
use ndarray_npy::read_npy;
use serde_json::Value;

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_hologlyph"))
        .args(args)
        .output()
        .expect("binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?} failed:\n{stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("readable")).expect("valid JSON")
}

#[test]
fn fields_writes_every_array_and_a_transform_that_locates_pixels() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("circle");
    let (cx, cy, r) = (0.25, -0.1, 0.3);
    let data = hologlyph::glyph::samples::circle_path(cx, cy, r);
    run(&[
        "fields",
        "--path",
        &data,
        "--size",
        "128",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let sdf: Array2<f32> = read_npy(out.join("sdf.npy")).expect("sdf.npy");
    let curvature: Array2<f32> = read_npy(out.join("curvature.npy")).expect("curvature.npy");
    let density: Array2<f32> = read_npy(out.join("density.npy")).expect("density.npy");
    let voids: Array2<f32> = read_npy(out.join("voids.npy")).expect("voids.npy");
    let regions: Array2<u32> = read_npy(out.join("regions.npy")).expect("regions.npy");
    for shape in [
        sdf.dim(),
        curvature.dim(),
        density.dim(),
        voids.dim(),
        regions.dim(),
    ] {
        assert_eq!(shape, (128, 128));
    }
    assert!(density.iter().all(|&d| (0.0..=1.0).contains(&d)));
    assert!(
        voids
            .iter()
            .zip(sdf.iter())
            .all(|(&v, &d)| if d < 0.0 { v == 0.0 } else { v == d })
    );

    let meta = json(&out.join("fields.json"));
    assert_eq!(meta["width"], 128);
    assert_eq!(meta["height"], 128);
    let t = &meta["transform"];
    let (x0, y0, e) = (
        t["x0"].as_f64().unwrap(),
        t["y0"].as_f64().unwrap(),
        t["em_per_px"].as_f64().unwrap(),
    );
    // Every pixel's distance matches the circle at the position the transform gives it.
    for ((row, col), &d) in sdf.indexed_iter() {
        let x = x0 + (col as f64 + 0.5) * e;
        let y = y0 - (row as f64 + 0.5) * e;
        let exact = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt() - r;
        assert!(
            (d as f64 - exact).abs() < 1e-5,
            "pixel ({row}, {col}): {d} vs {exact}"
        );
    }
    assert_eq!(meta["descriptor"]["holes"], 0);
    assert_eq!(meta["source"]["kind"], "path_data");
    let listed = meta["regions"].as_array().expect("regions list");
    assert_eq!(listed[0]["kind"], "exterior");
    let max_id = regions.iter().copied().max().unwrap_or(0) as usize;
    assert_eq!(
        max_id + 1,
        listed.len(),
        "every region id in regions.npy is listed"
    );
}

#[test]
fn fields_of_a_font_character_records_font_and_code_point() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("fire");
    run(&[
        "fields",
        "--char",
        "🜂",
        "--size",
        "96",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let meta = json(&out.join("fields.json"));
    assert_eq!(meta["source"]["kind"], "font");
    assert_eq!(meta["source"]["code_point"], "U+1F702");
    assert_eq!(meta["source"]["font"], "Noto Sans Symbols Regular");
    assert_eq!(meta["source"]["name"], "ALCHEMICAL SYMBOL FOR FIRE");
    assert_eq!(meta["source"]["block"], "Alchemical Symbols");
    assert_eq!(meta["source"]["category"], "So");
    assert!(meta["source"]["units_per_em"].as_u64().unwrap() > 0);
    assert_eq!(meta["descriptor"]["holes"], 1);
}

#[test]
fn the_seed_characters_have_their_unicode_names_and_blocks() {
    use hologlyph::glyph::unicode::CharInfo;
    let ascent = CharInfo::of('⟁');
    assert_eq!(
        ascent.name.as_deref(),
        Some("WHITE TRIANGLE CONTAINING SMALL WHITE TRIANGLE")
    );
    assert_eq!(
        ascent.block.as_deref(),
        Some("Miscellaneous Mathematical Symbols-A")
    );
    assert_eq!(ascent.category, "Sm");
    let breath = CharInfo::of('🫁');
    assert_eq!(breath.name.as_deref(), Some("LUNGS"));
    assert_eq!(
        breath.block.as_deref(),
        Some("Symbols and Pictographs Extended-A")
    );
    assert_eq!(CharInfo::of('\u{E000}').name, None);
    assert_eq!(CharInfo::of('Ж').block.as_deref(), Some("Cyrillic"));
}

#[test]
fn batch_writes_one_folder_per_glyph_and_an_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("batch");
    let stdout = run(&[
        "fields",
        "--chars",
        "🜀🜁🜂",
        "--size",
        "64",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(stdout.contains("3 of 3 glyphs"), "{stdout}");
    for cp in ["U+1F700", "U+1F701", "U+1F702"] {
        assert!(out.join(cp).join("sdf.npy").exists(), "{cp}");
    }
    let index = json(&out.join("index.json"));
    assert_eq!(index["written"], 3);
    assert_eq!(index["entries"].as_array().expect("entries").len(), 3);

    // A range with an uncovered code point records the error and goes on.
    let out = dir.path().join("range");
    run(&[
        "fields",
        "--range",
        "U+1F773..U+1F775",
        "--size",
        "64",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let index = json(&out.join("index.json"));
    let entries = index["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 3);
    assert!(
        entries.iter().any(|e| e["error"].is_string()),
        "U+1F775 is not covered: {index}"
    );
    assert!(entries.iter().any(|e| e["folder"].is_string()));
}

/// Shards: three machines' worth of one range, each writing its own index, joined by
/// --merge-index into the index one whole run writes (the same glyphs, folders and hole
/// counts in the same order); a missing shard is named.
#[test]
fn shards_of_a_batch_join_into_the_whole_batch_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let whole = dir.path().join("whole");
    let split = dir.path().join("split");
    let range = "U+1F700..U+1F70F";
    let args = |out: &Path| {
        vec![
            "fields".to_string(),
            "--range".into(),
            range.into(),
            "--size".into(),
            "64".into(),
            "--backend".into(),
            "cpu".into(),
            "--out".into(),
            out.to_str().expect("utf-8").into(),
        ]
    };
    let run_owned = |args: Vec<String>| run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    run_owned(args(&whole));
    for k in [1, 3] {
        let mut a = args(&split);
        a.extend(["--shard".into(), format!("{k}/3")]);
        run_owned(a);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_hologlyph"))
        .args([
            "fields",
            "--merge-index",
            "--out",
            split.to_str().expect("utf-8"),
        ])
        .output()
        .expect("binary runs");
    assert!(!out.status.success(), "a missing shard fails the merge");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("shard 2 of 3 is missing") && stderr.contains("index.shard-2-of-3.json"),
        "{stderr}"
    );
    let shard1 = json(&split.join("index.shard-1-of-3.json"));
    assert_eq!(
        shard1["glyphs"], 6,
        "every third glyph of 16, from the first"
    );
    assert_eq!(shard1["shard"], serde_json::json!([1, 3]));

    let mut a = args(&split);
    a.extend(["--shard".into(), "2/3".into()]);
    run_owned(a);
    run(&[
        "fields",
        "--merge-index",
        "--out",
        split.to_str().expect("utf-8"),
    ]);
    let (whole, merged) = (
        json(&whole.join("index.json")),
        json(&split.join("index.json")),
    );
    assert_eq!(merged["glyphs"], whole["glyphs"]);
    assert_eq!(merged["written"], whole["written"]);
    assert_eq!(merged["size"], 64);
    let keep = |index: &Value| -> Vec<(Value, Value, Value)> {
        index["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| {
                (
                    e["code_point"].clone(),
                    e["folder"].clone(),
                    e["holes"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(keep(&merged), keep(&whole));
    for e in merged["entries"].as_array().expect("entries") {
        if let Some(folder) = e["folder"].as_str() {
            assert!(split.join(folder).join("sdf.npy").is_file(), "{folder}");
        }
    }
}

#[test]
fn svg_files_keep_transforms_and_fill_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let svg = dir.path().join("ring.svg");
    // A square with a square hole by even-odd, moved and scaled by a group transform.
    std::fs::write(
        &svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">
  <g transform="translate(10 10) scale(0.8)">
    <path fill-rule="evenodd" d="M 0 0 H 100 V 100 H 0 Z M 30 30 H 70 V 70 H 30 Z"/>
  </g>
</svg>"#,
    )
    .expect("write");
    let out = dir.path().join("ring");
    run(&[
        "fields",
        "--svg",
        svg.to_str().expect("utf-8"),
        "--size",
        "96",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let meta = json(&out.join("fields.json"));
    assert_eq!(meta["descriptor"]["holes"], 1);
    // One em is the document height: the outer square is 0.8 em wide, the hole 0.32 em.
    let area = meta["descriptor"]["area_em2"].as_f64().unwrap();
    assert!((area - (0.64 - 0.1024)).abs() < 1e-5, "area {area}");
    assert_eq!(meta["source"]["kind"], "svg");
}

fn png_pixels(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).expect("png exists"),
    ));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[test]
fn render_writes_a_lit_hologram_png_and_layers_differ() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut images = Vec::new();
    for layer in ["hologram", "distance", "regions"] {
        let png = dir.path().join(format!("{layer}.png"));
        run(&[
            "render",
            "--char",
            "⟁",
            "--size",
            "128",
            "--layer",
            layer,
            "-o",
            png.to_str().expect("utf-8"),
        ]);
        let (w, h, rgba) = png_pixels(&png);
        assert_eq!((w, h), (128, 128));
        let luma: Vec<f64> = rgba
            .chunks(4)
            .map(|p| (p[0] as f64 + p[1] as f64 + p[2] as f64) / 3.0)
            .collect();
        let mean = luma.iter().sum::<f64>() / luma.len() as f64;
        let var = luma.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / luma.len() as f64;
        assert!(
            var.sqrt() > 20.0,
            "{layer}: image is nearly flat (σ = {})",
            var.sqrt()
        );
        images.push(rgba);
    }
    assert_ne!(images[0], images[1]);
    assert_ne!(images[1], images[2]);
    // The hologram's ink (centre of the outer triangle's left side) is brighter than the
    // empty corner.
    let (_, _, rgba) = png_pixels(&dir.path().join("hologram.png"));
    let px = |x: usize, y: usize| {
        rgba[(y * 128 + x) * 4..][..3]
            .iter()
            .map(|&v| v as u32)
            .sum::<u32>()
    };
    assert!(px(1, 1) < 200, "corner should be dark: {}", px(1, 1));
}

#[test]
fn devices_lists_adapters_and_the_choice_auto_makes() {
    let stdout = run(&["devices"]);
    assert!(stdout.contains("fields with --backend auto:"), "{stdout}");
    // CI installs lavapipe: at least one adapter line names its device type.
    assert!(stdout.contains("Cpu") || stdout.contains("Gpu"), "{stdout}");
}

#[test]
fn adapter_prints_a_kohya_files_training_with_sources() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/adapters/kohya-lora-sd1.safetensors");
    let out = run(&["adapter", path.to_str().expect("utf-8")]);
    let line = |name: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("no {name:?} line in:\n{out}"))
            .to_string()
    };
    assert!(line("type").contains("\"LoRA\"") && line("type").contains("ss_network_module"));
    assert!(line("base model").contains("v1-5-pruned-emaonly"), "{out}");
    assert!(line("base version").contains("sd_v1"), "{out}");
    assert!(line("epochs").contains("10") && line("epochs").contains("ss_num_epochs"));
    assert!(line("resolution").contains("(512, 512)"), "{out}");
    assert!(line("created").contains("2023-11-14 22:13:20 UTC"), "{out}");
    assert!(line("top tags").contains("ss_tag_frequency"), "{out}");
    assert!(line("threshold").contains("40") && line("threshold").contains('█'));
    // Everything this file says is shown; only what it does not say is unknown.
    assert!(!out.contains("unknown"), "{out}");
}
