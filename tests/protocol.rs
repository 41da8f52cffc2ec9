//! The five-step protocol on the bundled library: ⟁ does what the seed says, and the sound
//! and gesture outputs are valid files that read back.

use std::path::Path;

use hologlyph::embedding::SemanticIndex;
use hologlyph::fields::{BackendChoice, FieldEngine, FieldOptions, Fields};
use hologlyph::glyph::FontSet;
use hologlyph::library::{self, Library, Register};
use hologlyph::protocol::{self, Because, RegionChoice, SAMPLE_RATE};

fn bundled() -> (Library, SemanticIndex) {
    let lib = library::load_bundled().expect("readable").library;
    let semantic = SemanticIndex::new(&lib);
    (lib, semantic)
}

fn fields_of(lib: &Library, key: &str) -> Fields {
    let s = lib.find_symbol(key).expect("symbol");
    let outline = lib.outline(&s.glyph, &FontSet::bundled()).expect("outline");
    FieldEngine::new(BackendChoice::Cpu)
        .compute(&outline, &FieldOptions::default().with_size(128))
        .expect("fields")
}

#[test]
fn ascent_unfolds_as_the_seed_says() {
    let (lib, semantic) = bundled();
    let fields = fields_of(&lib, "⟁");
    let u =
        protocol::run(&lib, &semantic, Some(&fields), "⟁", None, Register::Poetry).expect("runs");
    // 1. ⟁ ≈ entry + heat + fear + threshold.
    let mut concepts: Vec<&str> = u
        .recognition
        .concepts
        .iter()
        .map(|(c, _)| c.as_str())
        .collect();
    concepts.sort_unstable();
    assert_eq!(
        concepts,
        ["entry", "fear", "heat", "threshold"],
        "{}",
        u.recognition.formula
    );
    let norm: f32 = u
        .recognition
        .embedding
        .iter()
        .map(|x| x * x)
        .sum::<f32>()
        .sqrt();
    assert!((norm - 1.0).abs() < 1e-5);
    // 2. Δ41 and Δ91 among its scenes, with scores.
    for id in ["Δ41", "Δ91"] {
        let hit = u
            .scenes
            .iter()
            .find(|h| h.id == id)
            .unwrap_or_else(|| panic!("{id}"));
        assert!((-1.0..=1.0).contains(&hit.score));
    }
    assert!(u.scenes.len() >= 4);
    // 3. The archetype of entering the unknown, with its reasons.
    let chosen = u.adapter().expect("an adapter");
    assert_eq!(chosen.name, "archetype of entering the unknown");
    assert!(
        chosen
            .reasons
            .iter()
            .any(|r| r.contains("symbol's character")),
        "{:?}",
        chosen.reasons
    );
    assert!(u.adapters.windows(2).all(|w| w[0].score >= w[1].score));
    // 4. The authored poetry.
    assert!(u.unfolded.authored);
    // 5. The seed's line.
    assert!(
        u.outputs
            .text
            .contains("Sometimes, to ascend, one has to fall apart. And the step is a fragment that became a ladder."),
        "{}",
        u.outputs.text
    );
    assert!(u.outputs.palette.len() >= 4);
    assert!(
        u.outputs
            .palette
            .iter()
            .all(|s| s.hex.len() == 7 && s.hex.starts_with('#'))
    );
    // ⟁ has counters: the palette ends with the colour of its silence.
    assert_eq!(
        u.outputs.palette.last().map(|s| s.concept.as_str()),
        Some("counters")
    );
}

#[test]
fn a_region_puts_its_own_scenes_and_adapters_first() {
    let (lib, semantic) = bundled();
    let fields = fields_of(&lib, "⟁");
    let gap = lib.symbol("ascent").expect("⟁").regions[0].clone();
    assert_eq!(gap.id, "outer-gap");
    let by_link = RegionChoice::Link("outer-gap".into());
    let by_point = RegionChoice::At(gap.anchor);
    for choice in [by_link, by_point] {
        let u = protocol::run(
            &lib,
            &semantic,
            Some(&fields),
            "ascent",
            Some(&choice),
            Register::Logic,
        )
        .expect("runs");
        let r = u.region.as_ref().expect("region");
        assert_eq!(r.link.as_deref(), Some("outer-gap"), "{choice:?}");
        assert_eq!(u.scenes[0].id, "Δ41");
        assert_eq!(u.scenes[0].because, Because::RegionLink);
        let a = u.adapter().expect("adapter");
        assert_eq!(a.id, "entering-unknown");
        assert!(a.reasons.iter().any(|r| r.contains("region `outer-gap`")));
    }
    // The inner triangle leads to Δ91 first.
    let u = protocol::run(
        &lib,
        &semantic,
        Some(&fields),
        "ascent",
        Some(&RegionChoice::Link("inner-step".into())),
        Register::Poetry,
    )
    .expect("runs");
    assert_eq!(u.scenes[0].id, "Δ91");
    // A point outside every linked region still resolves to its field region.
    let outside = fields.region_list[0].anchor;
    let u = protocol::run(
        &lib,
        &semantic,
        Some(&fields),
        "ascent",
        Some(&RegionChoice::At(outside)),
        Register::Poetry,
    )
    .expect("runs");
    let r = u.region.expect("region");
    assert_eq!(r.link, None);
    assert_eq!(r.region, Some(0), "the open exterior");
}

#[test]
fn fire_switches_on_initiation_and_breath_enters_by_the_windpipe() {
    let (lib, semantic) = bundled();
    let u = protocol::run(&lib, &semantic, None, "🜂", None, Register::Body).expect("runs");
    assert_eq!(u.adapter().map(|a| a.id.as_str()), Some("initiation"));
    let fields = fields_of(&lib, "🫁");
    let u = protocol::run(
        &lib,
        &semantic,
        Some(&fields),
        "breath",
        Some(&RegionChoice::Link("windpipe".into())),
        Register::Body,
    )
    .expect("runs");
    assert_eq!(u.adapter().map(|a| a.id.as_str()), Some("breath-entry"));
    assert_eq!(u.scenes[0].id, "Δ03");
}

#[test]
fn unknown_symbols_and_regions_are_clear_errors() {
    let (lib, semantic) = bundled();
    let e = protocol::run(&lib, &semantic, None, "nothing", None, Register::Poetry).unwrap_err();
    assert!(e.to_string().contains("no symbol `nothing`"), "{e}");
    let e = protocol::run(
        &lib,
        &semantic,
        None,
        "fire",
        Some(&RegionChoice::Link("wing".into())),
        Register::Poetry,
    )
    .unwrap_err();
    assert!(e.to_string().contains("hollow, left-wall, base"), "{e}");
}

#[test]
fn a_symbol_without_authored_texts_gets_a_deterministic_composition() {
    let text = r#"format = "hologlyph-library"
version = 1
axes = ["energy", "threshold"]
[[concept]]
name = "heat"
vector = { energy = 1.0 }
[[concept]]
name = "edge"
vector = { threshold = 1.0 }
[[symbol]]
id = "tri"
glyph = { path = "M 0 0 L 1 0 L 0.5 0.9 Z" }
name = "Triangle"
lineage = "topological"
archetype = "the first figure"
transition = "(heat + edge) → form"
components = { heat = 1.0, edge = 0.5 }
scenes = ["s1"]
[[symbol.region]]
id = "body"
label = "the body"
at = [0.5, 0.3]
scenes = ["s1"]
[[scene]]
id = "s1"
title = "A hot edge"
components = { heat = 0.5, edge = 1.0 }
"#;
    let loaded = library::load_str(text, Path::new("mini.toml"));
    assert!(loaded.problems.is_empty(), "{:#?}", loaded.problems);
    let lib = loaded.library;
    let semantic = SemanticIndex::new(&lib);
    let run = |r| protocol::run(&lib, &semantic, None, "tri", None, r).expect("runs");
    let poetry = run(Register::Poetry).unfolded;
    assert!(!poetry.authored);
    assert!(poetry.text.contains("the first figure"), "{}", poetry.text);
    assert!(
        poetry.text.contains("heat and edge turn into form"),
        "{}",
        poetry.text
    );
    assert!(poetry.text.contains("a hot edge"), "{}", poetry.text);
    let logic = run(Register::Logic).unfolded.text;
    assert!(
        logic.contains("Rule: (heat + edge) → form") && logic.contains("Evidence: s1"),
        "{logic}"
    );
    let interface = run(Register::Interface).unfolded.text;
    assert!(
        interface.contains("The body opens s1 A hot edge"),
        "{interface}"
    );
    let body = run(Register::Body).unfolded.text;
    assert_eq!(body, "Breathe in heat. Breathe out edge.");
    assert_eq!(
        run(Register::Poetry).unfolded.text,
        poetry.text,
        "deterministic"
    );
}

#[test]
fn the_sound_is_a_valid_wav_whose_plucks_are_the_corners() {
    let (lib, semantic) = bundled();
    let fields = fields_of(&lib, "⟁");
    let u =
        protocol::run(&lib, &semantic, Some(&fields), "⟁", None, Register::Poetry).expect("runs");
    let sound = &u.outputs.sound;
    let corners = fields.outline.iter().filter(|s| s.corner).count();
    assert_eq!(sound.onsets_s.len(), corners);
    assert!(sound.onsets_s.windows(2).all(|w| w[0] <= w[1]));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ascent.wav");
    sound.write_wav(&path).expect("written");
    let mut reader = hound::WavReader::open(&path).expect("a WAV file");
    let spec = reader.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (1, SAMPLE_RATE, 16)
    );
    let samples: Vec<i16> = reader
        .samples::<i16>()
        .map(|s| s.expect("sample"))
        .collect();
    assert_eq!(
        samples.len(),
        (sound.duration_s * SAMPLE_RATE as f64) as usize
    );
    let peak = samples.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
    assert!(peak > 20_000, "not silent: peak {peak}");
    // Denser glyphs are tenser: compare a thin outline with a heavy one.
    let thin = protocol::synthesise(&fields_of(&lib, "∴"));
    let heavy = protocol::synthesise(&fields_of(&lib, "☀"));
    assert!(heavy.tension_semitones > thin.tension_semitones);
}

#[test]
fn the_gesture_exports_as_svg_and_json_that_read_back() {
    let (lib, semantic) = bundled();
    let fields = fields_of(&lib, "∞");
    let u = protocol::run(
        &lib,
        &semantic,
        Some(&fields),
        "infinity",
        None,
        Register::Body,
    )
    .expect("runs");
    let g = &u.outputs.gesture;
    assert!(!g.is_empty());
    let points: Vec<_> = g.strokes.iter().flatten().collect();
    assert!(
        points.windows(2).all(|w| w[0].t <= w[1].t),
        "time runs forward"
    );
    assert!((points.last().expect("points").t - g.duration_s).abs() < 1e-9);
    // Each loop closes.
    for s in &g.strokes {
        assert_eq!(s.first().map(|p| (p.x, p.y)), s.last().map(|p| (p.x, p.y)));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let svg = dir.path().join("g.svg");
    g.write_svg(&svg).expect("svg");
    let tree = usvg::Tree::from_str(
        &std::fs::read_to_string(&svg).expect("read"),
        &usvg::Options::default(),
    )
    .expect("the SVG parses");
    let outline = hologlyph::glyph::outline_from_svg_file(&svg).expect("paths in it");
    assert_eq!(
        outline.shapes.len(),
        g.strokes.len() + 1,
        "one path per stroke, and the dot"
    );
    assert!(tree.size().width() > 0.0);
    let json = dir.path().join("g.json");
    g.write_json(&json).expect("json");
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("read")).expect("JSON");
    assert_eq!(v["strokes"].as_array().map(Vec::len), Some(g.strokes.len()));
    assert!(v["duration_s"].as_f64().is_some_and(|d| d > 0.0));
}
