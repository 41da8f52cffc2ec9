//! Saving keeps the file a person wrote: comments, key order, blank lines and the layout of
//! untouched entries survive byte for byte; only what an edit changed is rewritten, and the
//! saved file reads back as the edited library.

use std::path::Path;
use std::sync::Arc;

use hologlyph::library::{
    self, Edit, GlyphRef, Library, LinkTarget, RegionLink, Symbol, update_toml,
};

/// A library written by hand: comments before, after and between entries, trailing comments,
/// odd spacing, a literal string, a multi-line array, an inline sub-table, `0.50`.
const HAND_WRITTEN: &str = r##"# My glyphs — kept by hand.
format = "hologlyph-library"   # the format's name
version = 1
title = 'Hand kept'
description = "A small library with comments everywhere."
axes = [
    "energy",   # first
    "ascent",
]

# ── concepts ──────────────────────────────

[[concept]]
name = "heat"
colour = "#e2572b"
vector = { energy = 1.0 }

[[concept]]
name    = "ascent"   # aligned by hand
vector  = { ascent = 0.50, energy = 0.2 }

# ── symbols ───────────────────────────────

[[symbol]]
id = "fire"
glyph = { char = "🜂" }   # the alchemical fire
name = "Fire"
gloss = "heat that rises"   # keep this comment
lineage = "alchemical"
archetype = "the furnace"
components = { heat = 1.0, ascent = 0.50 }
scenes = ["Δ1"]
adapters = []
texts = { poetry = "It climbs.", logic = "heat → ascent" }

  # a region, indented
  [[symbol.region]]
  id = "inner"
  label = "the inner triangle"
  at = [0.5, 0.4]
  scenes = ["Δ1"]

[[symbol]]
# A drawn one.
id = "stair"
glyph = { path = "M 0.1 0.1 L 0.9 0.1 L 0.9 0.9 Z" }
name = "Stair"
gloss = "one step up"
lineage = "graph"
archetype = "the step"
components = { ascent = 1 }
scenes = []
adapters = []

# ── scenes ────────────────────────────────

[[scene]]
id = "Δ1"
title = "The first fire"
text = """
A fire in the dark.
It climbs."""
components = { heat = 0.8 }

# the end
"##;

fn load(text: &str) -> library::Loaded {
    let loaded = library::load_str(text, Path::new("hand.toml"));
    assert!(
        !loaded.has_errors(),
        "the fixture reads without errors: {:?}",
        loaded.problems
    );
    loaded
}

fn edited(lib: &Library, edit: Edit) -> Library {
    library::apply(lib, &edit).unwrap_or_else(|e| panic!("{}: {e}", edit.label()))
}

fn with_symbol(lib: &Library, id: &str, change: impl FnOnce(&mut Symbol)) -> Library {
    let mut s = Symbol::clone(lib.symbol(id).expect("symbol"));
    change(&mut s);
    edited(
        lib,
        Edit::UpdateSymbol {
            id: id.into(),
            symbol: Arc::new(s),
        },
    )
}

/// Lines of `a` and `b` that differ, as (line number, old, new); both must have as many
/// lines.
fn changed_lines<'a>(a: &'a str, b: &'a str) -> Vec<(usize, &'a str, &'a str)> {
    assert_eq!(a.lines().count(), b.lines().count(), "{b}");
    a.lines()
        .zip(b.lines())
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, (x, y))| (i + 1, x, y))
        .collect()
}

/// The 1-based number of the line that starts with `start`.
fn line_of(text: &str, start: &str) -> usize {
    1 + text
        .lines()
        .position(|l| l.starts_with(start))
        .expect(start)
}

/// The saved text reads back as the library that was saved.
fn reads_back(text: &str, lib: &Library) {
    let again = load(text).library;
    assert_eq!(
        &again, lib,
        "the saved text reads back as the model:\n{text}"
    );
}

#[test]
fn nothing_changed_writes_the_same_bytes() {
    let loaded = load(HAND_WRITTEN);
    let text = update_toml(HAND_WRITTEN, &loaded.library, &loaded.library).unwrap();
    assert_eq!(text, HAND_WRITTEN);

    let bundled = library::load_bundled().unwrap();
    let text = update_toml(&bundled.text, &bundled.library, &bundled.library).unwrap();
    assert!(
        text == bundled.text,
        "the bundled library is rewritten as it is"
    );
}

#[test]
fn one_gloss_changed_changes_one_line() {
    let loaded = load(HAND_WRITTEN);
    let next = with_symbol(&loaded.library, "fire", |s| {
        s.gloss = "heat that climbs".into()
    });
    let text = update_toml(HAND_WRITTEN, &loaded.library, &next).unwrap();
    assert_eq!(
        changed_lines(HAND_WRITTEN, &text),
        vec![(
            line_of(HAND_WRITTEN, "gloss = \"heat that rises\""),
            r#"gloss = "heat that rises"   # keep this comment"#,
            r#"gloss = "heat that climbs"   # keep this comment"#
        )]
    );
    reads_back(&text, &next);

    // The same through the atomic save, with the previous file kept as .bak.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hand.toml");
    std::fs::write(&path, HAND_WRITTEN).unwrap();
    let written = library::save_over(&next, &path, Some((HAND_WRITTEN, &loaded.library))).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
    assert_eq!(written, text);
    assert_eq!(
        std::fs::read_to_string(library::backup_path(&path)).unwrap(),
        HAND_WRITTEN
    );
}

#[test]
fn a_link_and_a_moved_anchor_change_only_their_lines() {
    let loaded = load(HAND_WRITTEN);
    let next = edited(
        &loaded.library,
        Edit::UnlinkRegion {
            symbol: "fire".into(),
            region: "inner".into(),
            target: LinkTarget::Scene("Δ1".into()),
        },
    );
    let next = with_symbol(&next, "fire", |s| s.regions[0].anchor = [0.5, 0.45]);
    let text = update_toml(HAND_WRITTEN, &loaded.library, &next).unwrap();
    let old: Vec<&str> = HAND_WRITTEN.lines().collect();
    let new: Vec<&str> = text.lines().collect();
    // The region's `scenes` line is gone (it became empty), its `at` changed; nothing else.
    let at = old
        .iter()
        .position(|l| l.contains("at = [0.5, 0.4]"))
        .unwrap();
    assert_eq!(new[at], "  at = [0.5, 0.45]");
    assert_eq!(old[..at], new[..at]);
    assert_eq!(old[at + 2..], new[at + 1..]);
    reads_back(&text, &next);
}

#[test]
fn new_entries_go_last_in_the_documented_layout() {
    let loaded = load(HAND_WRITTEN);
    let stair = loaded.library.symbol("stair").unwrap();
    let new = Symbol {
        id: "gate".into(),
        glyph: GlyphRef::Path {
            data: "M 0.2 0.1 L 0.8 0.1 L 0.5 0.9 Z".into(),
            even_odd: false,
        },
        name: "Gate".into(),
        regions: vec![RegionLink {
            id: "under".into(),
            label: "under the gate".into(),
            anchor: [0.5, 0.3],
            scenes: vec!["Δ1".into()],
            adapters: Vec::new(),
        }],
        ..Symbol::clone(stair)
    };
    let next = edited(&loaded.library, Edit::AddSymbol(Arc::new(new)));
    let text = update_toml(HAND_WRITTEN, &loaded.library, &next).unwrap();
    // Everything up to the last symbol's end is as written; the new symbol follows it,
    // before the scenes.
    let scenes_at = HAND_WRITTEN.find("# ── scenes").unwrap();
    let gate_at = text
        .find("id = \"gate\"")
        .expect("the new symbol is written");
    assert!(text.starts_with(&HAND_WRITTEN[..scenes_at]));
    assert!(gate_at < text.find("[[scene]]").unwrap());
    assert!(text.contains("[[symbol.region]]\nid = \"under\""));
    assert!(text.ends_with(&HAND_WRITTEN[scenes_at..]));
    reads_back(&text, &next);
}

#[test]
fn removing_and_renaming_keep_the_rest() {
    let loaded = load(HAND_WRITTEN);
    let next = edited(&loaded.library, Edit::RemoveSymbol("stair".into()));
    let text = update_toml(HAND_WRITTEN, &loaded.library, &next).unwrap();
    assert!(!text.contains("Stair") && !text.contains("A drawn one."));
    assert!(text.contains("# keep this comment") && text.contains("# the end"));
    reads_back(&text, &next);

    let renamed = Symbol {
        id: "flame".into(),
        ..Symbol::clone(loaded.library.symbol("fire").unwrap())
    };
    let next = edited(
        &loaded.library,
        Edit::UpdateSymbol {
            id: "fire".into(),
            symbol: Arc::new(renamed),
        },
    );
    let text = update_toml(HAND_WRITTEN, &loaded.library, &next).unwrap();
    // Renamed in place: one line differs.
    assert_eq!(
        changed_lines(HAND_WRITTEN, &text),
        vec![(
            line_of(HAND_WRITTEN, "id = \"fire\""),
            r#"id = "fire""#,
            r#"id = "flame""#
        )]
    );
    reads_back(&text, &next);
}

#[test]
fn tables_that_could_not_be_read_are_kept() {
    // The second symbol has no glyph: an error, and no entry in the model. Editing the first
    // must not drop it.
    let text = HAND_WRITTEN.replace(
        "glyph = { path = \"M 0.1 0.1 L 0.9 0.1 L 0.9 0.9 Z\" }\n",
        "",
    );
    let loaded = library::load_str(&text, Path::new("hand.toml"));
    assert!(loaded.has_errors());
    // The error is placed in the stair's entry, and says so (the browser marks it).
    assert!(
        loaded
            .errors()
            .all(|p| p.symbol.as_ref().is_some_and(|s| s == "stair")),
        "{:?}",
        loaded.problems
    );
    let next = with_symbol(&loaded.library, "fire", |s| s.name = "Flame".into());
    let saved = update_toml(&text, &loaded.library, &next).unwrap();
    assert!(
        saved.contains("id = \"stair\"\n# A drawn one.")
            || saved.contains("# A drawn one.\nid = \"stair\"")
    );
    assert_eq!(changed_lines(&text, &saved).len(), 1);
}

#[test]
fn many_edits_read_back_exactly() {
    // Every symbol of the bundled library edited in some way, saved over its text: the file
    // reads back as the edited model, and its header comment is still there.
    let bundled = library::load_bundled().unwrap();
    let mut lib = bundled.library.clone();
    let ids: Vec<_> = lib.symbols.iter().map(|s| s.id.clone()).collect();
    for (i, id) in ids.iter().enumerate() {
        lib = with_symbol(&lib, id, |s| match i % 5 {
            0 => s.gloss.push_str(" (edited)"),
            1 => s.tags.push("edited".into()),
            2 => {
                s.texts.remove(&library::Register::Body);
            }
            3 => {
                if let Some(r) = s.regions.first_mut() {
                    r.label = format!("{} (edited)", r.label);
                }
            }
            _ => s.components.reverse(),
        });
    }
    let text = update_toml(&bundled.text, &bundled.library, &lib).unwrap();
    assert!(text.starts_with("# Hologlyph's bundled library"));
    let again = library::load_str(&text, &library::bundled_path());
    assert!(!again.has_errors(), "{:?}", again.problems);
    assert_eq!(again.library, lib);
}

#[test]
fn duplicates_odd_keys_and_inline_arrays_never_grow_or_lie() {
    // A duplicated symbol (an error the checks report): saving twice keeps two, not three.
    let dup = format!(
        "{HAND_WRITTEN}\n[[symbol]]\nid = \"stair\"\nglyph = {{ path = \"M 0 0 L 1 0 L 1 1 Z\" }}\nname = \"Stair again\"\ngloss = \"\"\nlineage = \"graph\"\narchetype = \"\"\ncomponents = {{}}\nscenes = []\nadapters = []\n"
    );
    let loaded = library::load_str(&dup, Path::new("hand.toml"));
    let next = with_symbol(&loaded.library, "fire", |s| s.gloss = "once".into());
    let once = update_toml(&dup, &loaded.library, &next).unwrap();
    let twice = update_toml(
        &once,
        &next,
        &with_symbol(&next, "fire", |s| s.gloss = "twice".into()),
    )
    .unwrap();
    assert_eq!(twice.matches("id = \"stair\"").count(), 2, "{twice}");

    // A concept with a stray `id` key is still matched by its name.
    let odd = HAND_WRITTEN.replace("name = \"heat\"\n", "name = \"heat\"\nid = \"warmth\"\n");
    let loaded = library::load_str(&odd, Path::new("hand.toml"));
    let next = with_symbol(&loaded.library, "fire", |s| s.gloss = "odd".into());
    let text = update_toml(&odd, &loaded.library, &next).unwrap();
    assert_eq!(text.matches("[[concept]]").count(), 2, "{text}");
    assert!(
        text.contains("id = \"warmth\""),
        "an unknown key is the user's: kept"
    );

    // Removing one symbol and renaming the other in one save: nothing lands in the wrong
    // table, and the result reads back as the model.
    let loaded = load(HAND_WRITTEN);
    let lib = edited(&loaded.library, Edit::RemoveSymbol("stair".into()));
    let flame = Symbol {
        id: "flame".into(),
        ..Symbol::clone(lib.symbol("fire").unwrap())
    };
    let lib = edited(
        &lib,
        Edit::UpdateSymbol {
            id: "fire".into(),
            symbol: Arc::new(flame),
        },
    );
    let text = update_toml(HAND_WRITTEN, &loaded.library, &lib).unwrap();
    assert!(!text.contains("A drawn one."), "{text}");
    reads_back(&text, &lib);

    // Scenes written as an inline array cannot be merged in place: no text is offered, and
    // the fresh file a save then writes reads back as the model.
    let inline = HAND_WRITTEN[..HAND_WRITTEN.find("# ── scenes").unwrap()].replacen(
        "axes = [",
        "scene = [{ id = \"Δ1\", title = \"The first fire\", text = \"x\", components = { heat = 0.8 } }]\naxes = [",
        1,
    );
    let loaded = load(&inline);
    assert_eq!(loaded.library.scenes.len(), 1, "the inline array is read");
    let next = edited(
        &loaded.library,
        Edit::AddScene(Arc::new(library::Scene {
            id: "Δ2".into(),
            ..library::Scene::clone(loaded.library.scene("Δ1").unwrap())
        })),
    );
    assert_eq!(update_toml(&inline, &loaded.library, &next), None);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hand.toml");
    let written = library::save_over(&next, &path, Some((&inline, &loaded.library))).unwrap();
    reads_back(&written, &next);
}
