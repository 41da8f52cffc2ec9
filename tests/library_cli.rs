//! The library commands end to end: `check`, `unfold`, `search`, `add`, `link`, `unlink`.

use std::process::{Command, Output};

fn hologlyph(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hologlyph"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn stdout_ok(args: &[&str]) -> String {
    let out = hologlyph(args);
    assert!(
        out.status.success(),
        "{args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn check_passes_the_bundled_library_and_fails_a_broken_one_with_places() {
    let out = stdout_ok(&["check"]);
    assert!(out.contains("0 errors, 0 warnings"), "{out}");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("broken.toml");
    std::fs::write(
        &path,
        "format = \"hologlyph-library\"\nversion = 1\naxes = [\"a\"]\n[[symbol]]\nid = \"x\"\nglyph = { char = \"⟁\" }\nname = \"X\"\nlineage = \"graph\"\nscenes = [\"Δ1\"]\n",
    )
    .expect("write");
    let out = hologlyph(&["check", path.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let expected = format!(
        "{}:9:11: error: symbol `x` links to scene `Δ1`",
        path.display()
    );
    assert!(text.contains(&expected), "{text}");
    let missing = hologlyph(&["check", "/no/such/library.toml"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/no/such/library.toml"));
}

#[test]
fn unfold_runs_the_five_steps_and_writes_sound_and_gesture() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wav = dir.path().join("a.wav");
    let svg = dir.path().join("a.svg");
    let out = stdout_ok(&[
        "unfold",
        "U+27C1",
        "--region",
        "outer-gap",
        "--register",
        "logic",
        "--format",
        "json",
        "--wav",
        wav.to_str().expect("utf-8"),
        "--gesture",
        svg.to_str().expect("utf-8"),
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["symbol"], "ascent");
    assert_eq!(v["scenes"][0]["id"], "Δ41");
    assert_eq!(
        v["adapters"][0]["name"],
        "archetype of entering the unknown"
    );
    assert_eq!(v["unfolded"]["register"], "logic");
    assert!(
        v["outputs"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("fragment that became a ladder"))
    );
    assert!(hound::WavReader::open(&wav).is_ok());
    assert!(
        std::fs::read_to_string(&svg)
            .expect("svg")
            .starts_with("<svg")
    );
    let text = stdout_ok(&["unfold", "⟁", "--at", "0.228,0.109"]);
    assert!(text.contains("region: outer-gap"), "{text}");
    assert!(
        text.contains("1. recognise") && text.contains("5. outputs"),
        "{text}"
    );
    let bad = hologlyph(&["unfold", "⟁", "--region", "nowhere"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("outer-gap, inner-step"));
}

#[test]
fn search_by_words_code_point_and_neighbours() {
    let out = stdout_ok(&["search", "ascent"]);
    assert!(
        out.lines().next().is_some_and(|l| l.contains("⟁ U+27C1")),
        "{out}"
    );
    let out = stdout_ok(&["search", "U+1F702"]);
    assert!(out.contains("fire"), "{out}");
    let out = stdout_ok(&["search", "--near", "⊕", "--format", "json", "--limit", "3"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["shape_symbols"][0]["id"], "circled-times");
    assert_eq!(v["semantic_symbols"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["semantic_scenes"].as_array().map(Vec::len), Some(3));
}

#[test]
fn link_and_unlink_edit_a_library_file_through_the_same_edits_as_the_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("lib.toml");
    std::fs::copy(hologlyph::library::bundled_path(), &path).expect("copy");
    let lib_arg = path.to_str().expect("utf-8");
    let fire = hologlyph::library::load(&path)
        .expect("loads")
        .library
        .symbol("fire")
        .expect("bundled")
        .clone();
    let region = fire.regions[0].id.clone();
    assert!(!fire.regions[0].scenes.iter().any(|s| s == "Δ41"));

    let out = stdout_ok(&["link", "fire", &region, "Δ41", "--library", lib_arg]);
    assert!(
        out.contains(&format!("link region {region} → Δ41")),
        "{out}"
    );
    let linked = hologlyph::library::load(&path).expect("reloads");
    assert!(!linked.has_errors(), "{:?}", linked.problems);
    let r = &linked.library.symbol("fire").expect("still there").regions[0];
    assert!(r.scenes.iter().any(|s| s == "Δ41"));
    assert!(hologlyph::library::backup_path(&path).exists());

    // Linking again is refused with the reason, and the file stays as it was.
    let before = std::fs::read(&path).expect("read");
    let out = hologlyph(&["link", "fire", &region, "Δ41", "--library", lib_arg]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already links to Δ41"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), before);

    let out = hologlyph(&[
        "link",
        "fire",
        "no-such-region",
        "Δ41",
        "--library",
        lib_arg,
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has no region “no-such-region”"), "{err}");

    stdout_ok(&["unlink", "fire", &region, "Δ41", "--library", lib_arg]);
    let unlinked = hologlyph::library::load(&path).expect("reloads").library;
    assert_eq!(
        unlinked.symbol("fire").expect("still there").regions[0],
        fire.regions[0]
    );
}

#[test]
fn add_then_link_at_a_new_region_keep_the_files_comments() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("lib.toml");
    std::fs::copy(hologlyph::library::bundled_path(), &path).expect("copy");
    let lib_arg = path.to_str().expect("utf-8");
    let original = std::fs::read_to_string(&path).expect("read");

    let out = stdout_ok(&[
        "add",
        "--char",
        "⚕",
        "--name",
        "staff of aesculapius",
        "--gloss",
        "care that climbs",
        "--lineage",
        "graph",
        "--component",
        "ascent=0.7",
        "--tag",
        "healing",
        "--library",
        lib_arg,
    ]);
    assert!(out.contains("add symbol u2695"), "{out}");
    let out = stdout_ok(&[
        "link",
        "u2695",
        "stem",
        "--scene",
        "Δ41",
        "--at",
        "0.3,0.4",
        "--label",
        "the staff",
        "--library",
        lib_arg,
    ]);
    assert!(out.contains("link region stem → Δ41"), "{out}");

    let loaded = hologlyph::library::load(&path).expect("reloads");
    assert!(!loaded.has_errors(), "{:?}", loaded.problems);
    let s = loaded.library.symbol("u2695").expect("added");
    assert_eq!(s.glyph.character(), Some('⚕'));
    assert_eq!(s.lineage, hologlyph::library::Lineage::Graph);
    assert_eq!(s.components[0].concept, "ascent");
    assert_eq!(s.tags, ["healing"]);
    assert_eq!(s.regions[0].id, "stem");
    assert_eq!(s.regions[0].label, "the staff");
    assert_eq!(s.regions[0].anchor, [0.3, 0.4]);
    assert_eq!(s.regions[0].scenes, ["Δ41"]);
    // Every line of the original is still there, in order: the file was edited, not
    // rewritten.
    let text = std::fs::read_to_string(&path).expect("read");
    let mut lines = text.lines();
    for line in original.lines() {
        assert!(lines.any(|l| l == line), "lost: {line}");
    }

    // Bad input: a located refusal, and the file is unchanged.
    let before = std::fs::read(&path).expect("read");
    let out = hologlyph(&["add", "--char", "⚕", "--library", lib_arg]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already has a symbol “u2695”"), "{err}");
    let out = hologlyph(&[
        "add",
        "--path",
        "M 0 0 L",
        "--id",
        "broken",
        "--library",
        lib_arg,
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("lib.toml:") && err.contains("broken"), "{err}");
    let out = hologlyph(&[
        "link",
        "u2695",
        "stem",
        "--scene",
        "Δ-none",
        "--library",
        lib_arg,
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Δ-none"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), before);
}
