//! The library file: the bundled library, round trips, every validation problem with its
//! place, saving that never leaves a half-written file, and search.

use std::path::{Path, PathBuf};
use std::process::Command;

use hologlyph::fields::regions::RegionKind;
use hologlyph::fields::{BackendChoice, FieldEngine, FieldOptions};
use hologlyph::geometry::EmPoint;
use hologlyph::glyph::FontSet;
use hologlyph::library::search::SearchIndex;
use hologlyph::library::{self, Lineage, Register, Severity};

#[test]
fn the_bundled_library_loads_without_problems_and_has_its_content() {
    let loaded = library::load_bundled().expect("bundled library readable");
    assert!(loaded.problems.is_empty(), "{:#?}", loaded.problems);
    let lib = &loaded.library;
    assert!(lib.symbols.len() >= 43, "{} symbols", lib.symbols.len());
    assert!(lib.scenes.len() >= 20);
    assert!(lib.adapters.len() >= 8);
    assert_eq!(lib.tours.len(), 2);
    for lineage in Lineage::ALL {
        let n = lib.symbols.iter().filter(|s| s.lineage == lineage).count();
        assert!(n >= 9, "{} symbols of lineage {lineage:?}", n);
    }
    for s in &lib.symbols {
        assert!(!s.gloss.is_empty() && !s.archetype.is_empty(), "{}", s.id);
        assert!(!s.components.is_empty(), "{} has no components", s.id);
        assert!(!s.regions.is_empty(), "{} has no region links", s.id);
        for r in Register::ALL {
            assert!(s.texts.contains_key(&r), "{} has no {r:?} text", s.id);
        }
    }
    // The seed's three, with what the seed says.
    let ascent = lib.find_symbol("⟁").expect("⟁");
    assert_eq!(
        ascent.transition.as_deref(),
        Some("(heat + fear + void) → step up")
    );
    assert_eq!(ascent.archetype, "initiation through inner dismantling");
    assert!(ascent.scenes.iter().any(|s| s == "Δ41") && ascent.scenes.iter().any(|s| s == "Δ91"));
    let ru = ascent.original.as_ref().expect("the Russian original");
    assert_eq!(ru.language, "ru");
    assert!(ru.texts["output"].contains("обломок, ставший лестницей"));
    let fire = lib.find_symbol("U+1F702").expect("🜂");
    for c in ["heat", "purification", "compression", "catharsis"] {
        assert!(
            fire.components.iter().any(|w| w.concept == c),
            "🜂 lacks {c}"
        );
    }
    assert!(fire.adapters.iter().any(|a| a == "initiation"));
    let breath = lib.find_symbol("🫁").expect("🫁");
    assert!(breath.gloss.contains("point of entry"));
    let adapter = lib.adapter("entering-unknown").expect("adapter");
    assert_eq!(adapter.name, "archetype of entering the unknown");
    // Every adapter file is there and readable as a LoRA.
    for a in &lib.adapters {
        let file = lib.resolve(a.file.as_ref().expect("demo file"));
        let info = hologlyph::adapters::read_adapter(&file).expect("valid demo adapter");
        assert_eq!(info.rank.map(|r| r.value), Some(4), "{}", file.display());
    }
}

#[test]
fn region_anchors_of_the_bundled_library_fall_in_real_regions() {
    let lib = library::load_bundled().expect("readable").library;
    let engine = FieldEngine::new(BackendChoice::Cpu);
    let fonts = FontSet::bundled();
    for s in &lib.symbols {
        let outline = lib.outline(&s.glyph, &fonts).expect("drawable");
        let fields = engine
            .compute(&outline, &FieldOptions::default().with_size(128))
            .expect("fields");
        let mut seen = Vec::new();
        for r in &s.regions {
            let region = fields
                .region_at(EmPoint::new(r.anchor[0], r.anchor[1]))
                .unwrap_or_else(|| panic!("{} {}: anchor off the grid", s.id, r.id));
            assert_ne!(
                region.kind,
                RegionKind::Exterior,
                "{} region link {} lands in the open exterior",
                s.id,
                r.id
            );
            assert!(
                !seen.contains(&region.id),
                "{}: two region links share field region {}",
                s.id,
                region.id
            );
            seen.push(region.id);
        }
    }
}

#[test]
fn the_bundled_library_round_trips_through_its_own_writer() {
    let loaded = library::load_bundled().expect("readable");
    let text = library::to_toml(&loaded.library);
    let again = library::load_str(&text, &library::bundled_path());
    assert!(again.problems.is_empty(), "{:#?}", again.problems);
    assert_eq!(again.library, loaded.library);
    assert_eq!(library::to_toml(&again.library), text, "writing is stable");
}

/// Finds the 1-based line and column of the first occurrence of `needle` in `text`.
fn place(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in the fixture"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, col)
}

const BROKEN: &str = r##"format = "hologlyph-library"
version = 7
title = "broken on purpose"
axes = ["energy", "threshold"]

[[concept]]
name = "heat"
vector = { energy = 1.0 }

[[concept]]
name = "edge"
vector = { threshold = 1.0, wetness = 0.5 }

[[symbol]]
id = "ascent"
glyph = { char = "⟁" }
name = "Ascent"
lineage = "topological"
components = { heat = 1.0, dread = 0.5 }
scenes = ["Δ41", "Δ404"]
adapters = ["no-such-adapter"]

[[symbol.region]]
id = "far"
at = [3.5, 0.2]
scenes = ["Δ41"]

[[symbol]]
id = "ascent"
glyph = { char = "🜂" }
name = 5
lineage = "topological"

[[symbol]]
id = "fire"
glyph = { char = "🜂" }
name = "Fire"
lineage = "elemental"

[[symbol]]
id = "breath"
glyph = { char = "🫁" }
name = "Breath"
lineage = "hieroglyph"
scenes = ["Δ41"]

[[scene]]
id = "Δ41"
title = "The threshold at night"
components = { heat = 1.0 }

[[tour]]
id = "intro"
[[tour.step]]
symbol = "breath"
region = "windpipe"
"##;

#[test]
fn every_problem_is_reported_at_once_with_its_line_and_column() {
    let path = Path::new("broken.toml");
    let loaded = library::load_str(BROKEN, path);
    let expect = |needle: &str, words: &[&str]| {
        let (line, column) = place(BROKEN, needle);
        let p = loaded
            .problems
            .iter()
            .find(|p| p.line == line && p.column == column)
            .unwrap_or_else(|| {
                panic!(
                    "no problem at {line}:{column} ({needle:?}); got:\n{}",
                    loaded
                        .problems
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join("\n")
                )
            });
        assert_eq!(p.severity, Severity::Error, "{p}");
        assert_eq!(p.file, path);
        for w in words {
            assert!(p.message.contains(w), "{p} should mention {w:?}");
        }
        p.to_string()
    };
    // Unknown version.
    let shown = expect("7\n", &["unknown library version 7", "reads version 1"]);
    assert!(shown.starts_with("broken.toml:2:11: error:"), "{shown}");
    // An axis a concept uses that the library does not list.
    expect("wetness", &["axis `wetness`"]);
    // A component naming a concept that does not exist.
    expect("dread", &["concept `dread`"]);
    // Links to missing scenes and adapters.
    expect("\"Δ404\"", &["scene `Δ404`"]);
    expect("\"no-such-adapter\"", &["adapter `no-such-adapter`"]);
    // An anchor outside the glyph's box.
    expect("[3.5, 0.2]", &["outside the glyph's box", "`far`"]);
    // A duplicate id, pointing back at the first.
    let dup = BROKEN
        .match_indices("\"ascent\"")
        .nth(1)
        .map(|(i, _)| i)
        .expect("second ascent");
    let dup_line = BROKEN[..dup].matches('\n').count() + 1;
    let p = loaded
        .problems
        .iter()
        .find(|p| p.message.contains("duplicate symbol id `ascent`"))
        .expect("duplicate reported");
    assert_eq!(p.line, dup_line, "{p}");
    assert!(
        p.message.contains("line 15"),
        "{p} should point at the first"
    );
    // A wrong type.
    expect("5\nlineage", &["`name`", "must be a string", "not integer"]);
    // An unknown enum value.
    expect(
        "\"elemental\"",
        &["lineage", "hieroglyph, alchemical, topological, graph"],
    );
    // A tour step naming a region the symbol does not have.
    expect("\"windpipe\"", &["region of that symbol `windpipe`"]);

    // The rest still opens: the valid symbol and the scene are there.
    let lib = &loaded.library;
    assert!(lib.symbol("breath").is_some());
    assert!(lib.scene("Δ41").is_some());
    assert!(loaded.has_errors());
}

#[test]
fn a_file_that_is_not_toml_says_where() {
    let text = "version = 1\n[[symbol]]\nid = \"a\nname = 3\n";
    let loaded = library::load_str(text, Path::new("bad.toml"));
    assert_eq!(loaded.problems.len(), 1, "{:#?}", loaded.problems);
    let p = &loaded.problems[0];
    assert_eq!((p.line, p.severity), (3, Severity::Error), "{p}");
    assert!(p.message.contains("not valid TOML"), "{p}");
    assert!(loaded.library.symbols.is_empty());
}

#[test]
fn loading_a_file_with_problems_never_rewrites_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("broken.toml");
    std::fs::write(&path, BROKEN).expect("write");
    let before = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    let loaded = library::load(&path).expect("readable");
    assert!(loaded.has_errors());
    assert_eq!(std::fs::read_to_string(&path).expect("read"), BROKEN);
    let after = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(before, after);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 1, "nothing else written: {names:?}");
}

#[test]
fn saving_keeps_the_previous_version_as_a_backup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("mine.toml");
    let mut lib = library::load_bundled().expect("readable").library;
    library::save(&lib, &path).expect("first save");
    assert!(
        !library::backup_path(&path).exists(),
        "nothing to back up yet"
    );
    let first = std::fs::read_to_string(&path).expect("read");
    lib.title = "renamed".into();
    library::save(&lib, &path).expect("second save");
    assert_eq!(
        std::fs::read_to_string(library::backup_path(&path)).expect("backup"),
        first
    );
    let reloaded = library::load(&path).expect("readable");
    assert_eq!(reloaded.library.title, "renamed");
    // Relative adapter paths now resolve against the new folder: warnings, not errors.
    assert!(!reloaded.has_errors(), "{:#?}", reloaded.problems);
}

/// The child side of the kill test: saves alternating versions until killed.
#[test]
fn kill_child_save_loop() {
    let Ok(path) = std::env::var("HOLOGLYPH_SAVE_LOOP") else {
        return; // only runs as the child of the kill test
    };
    let path = PathBuf::from(path);
    let versions = versions();
    // One whole save first, so that a backup exists whenever the parent kills this process
    // (under load the parent's shortest wait could end before the first save made one).
    library::save_text(&versions[1], &path).expect("save");
    std::fs::write(path.with_extension("ready"), b"go").expect("ready flag");
    for i in 0.. {
        library::save_text(&versions[i % 2], &path).expect("save");
    }
}

/// Two complete versions of a large library text (about 200 kB each).
fn versions() -> [String; 2] {
    let lib = library::load_bundled().expect("readable").library;
    let mut a = library::to_toml(&lib);
    let mut b = a.clone();
    a.push_str("# version A\n");
    b = b.replace("Hologlyph — symbols", "Hologlyph (B) — symbols");
    b.push_str("# version B\n");
    [a, b]
}

#[test]
fn killing_a_process_in_the_middle_of_saves_leaves_a_complete_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("lib.toml");
    let [a, b] = versions();
    std::fs::write(&path, &a).expect("initial");
    for round in 0..12 {
        let ready = path.with_extension("ready");
        let _ = std::fs::remove_file(&ready);
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args(["kill_child_save_loop", "--exact", "--nocapture"])
            .env("HOLOGLYPH_SAVE_LOOP", &path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("child starts");
        while !ready.exists() {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        // Let it save for a while, a different time each round, then kill it mid-write.
        std::thread::sleep(std::time::Duration::from_millis(15 + 11 * round));
        child.kill().expect("kill");
        child.wait().expect("reaped");
        let on_disk = std::fs::read_to_string(&path).expect("file still there");
        assert!(
            on_disk == a || on_disk == b,
            "round {round}: the file is neither version ({} bytes)",
            on_disk.len()
        );
        let backup = std::fs::read_to_string(library::backup_path(&path)).expect("backup");
        assert!(backup == a || backup == b, "round {round}: backup is torn");
        assert!(!library::load_str(&on_disk, &path).has_errors());
    }
}

#[test]
fn search_finds_symbols_by_words_character_and_code_point() {
    let lib = library::load_bundled().expect("readable").library;
    let index = SearchIndex::new(&lib);
    let first = |q: &str| {
        let hits = index.search(q);
        assert!(!hits.is_empty(), "{q:?} finds nothing");
        hits[0].symbol.clone()
    };
    assert_eq!(first("ascent"), "ascent");
    assert_eq!(first("U+27C1"), "ascent");
    assert_eq!(first("u+27c1"), "ascent");
    assert_eq!(first("⟁"), "ascent");
    assert_eq!(first("🜂"), "fire");
    assert_eq!(first("ALCHEMICAL SYMBOL FOR FIRE"), "fire");
    assert_eq!(first("triple conflict"), "ascent");
    // A component: every hit for "catharsis" has it, or says it in its text.
    let hits = index.search("catharsis");
    assert!(hits.iter().any(|h| h.symbol == "fire"));
    assert!(index.search("no such thing anywhere").is_empty());
    assert!(index.search("   ").is_empty());
}

/// The bundled library with one more tour appended.
fn with_tour(tour: &str) -> String {
    let text = std::fs::read_to_string(library::bundled_path()).expect("read");
    format!("{text}\n{tour}")
}

#[test]
fn tour_steps_keep_fragments_notes_and_their_look_through_a_save() {
    let text = with_tour(
        r#"[[tour]]
id = "look"
title = "Look"

[[tour.step]]
symbol = "ascent"
regions = ["outer-gap", "inner-step"]
caption = "two"
notes = """first line
second line"""
seconds = 12
style = "graph"
layer = "regions"
view = [0.25, 0.1, 0.5]
"#,
    );
    let loaded = library::load_str(&text, &library::bundled_path());
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let t = loaded.library.tour("look").expect("the tour");
    let s = &t.steps[0];
    assert_eq!(s.regions, ["outer-gap", "inner-step"]);
    assert_eq!(s.notes, "first line\nsecond line");
    assert_eq!(s.style, Some(library::Style::Graph));
    assert_eq!(s.layer, Some(hologlyph::hologram::Layer::Regions));
    assert_eq!(s.view, Some([0.25, 0.1, 0.5]));
    // Written fresh and read back: the same tour.
    let again = library::load_str(&library::to_toml(&loaded.library), &library::bundled_path());
    assert_eq!(again.library.tour("look"), Some(t));
}

#[test]
fn a_step_naming_an_unknown_region_or_a_bad_view_is_a_located_error() {
    let text = with_tour(
        r#"[[tour]]
id = "bad"

[[tour.step]]
symbol = "ascent"
regions = ["outer-gap", "no-such-gap"]

[[tour.step]]
symbol = "ascent"
region = "outer-gap"
regions = ["inner-step"]
view = [0.1, 0.2]
"#,
    );
    let loaded = library::load_str(&text, Path::new("tours.toml"));
    let at = |needle: &str| {
        // In the appended tour: the last place the needle is.
        let from = text.rfind(needle).expect("in the fixture");
        let (line, column) = place(&text[from..], needle);
        let line = line + text[..from].matches('\n').count();
        let column = if line == 1 + text[..from].matches('\n').count() {
            column
                + text[..from]
                    .rsplit('\n')
                    .next()
                    .map_or(0, |l| l.chars().count())
        } else {
            column
        };
        loaded
            .problems
            .iter()
            .find(|p| p.line == line && p.column == column && p.severity == Severity::Error)
            .unwrap_or_else(|| panic!("no error at {needle}: {:?}", loaded.problems))
            .message
            .clone()
    };
    assert!(at("\"no-such-gap\"").contains("no-such-gap"));
    assert!(at("[\"inner-step\"]").contains("both `region` and `regions`"));
    assert!(at("[0.1, 0.2]").contains("[left, top, side]"));
}
