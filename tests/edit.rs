//! The library as values: every `Edit` applied to the bundled library and undone, redo,
//! a drag merged into one undo step, history kept across a save, the derived indices
//! following the revision, and navigation by ids across removals. No GPU needed.

use std::sync::Arc;

use hologlyph::app::{Document, Focus, Navigation};
use hologlyph::library::{
    self, Adapter, Edit, EditError, History, Library, LinkTarget, Scene, Symbol, Tour, TourStep,
};

fn bundled() -> Library {
    library::load_bundled()
        .expect("the bundled library loads")
        .library
}

fn symbol(lib: &Library, id: &str) -> Symbol {
    Symbol::clone(lib.symbol(id).unwrap_or_else(|| panic!("no symbol {id}")))
}

/// One edit of every kind, each valid after the ones before it.
fn every_kind_of_edit(lib: &Library) -> Vec<Edit> {
    let ascent = symbol(lib, "ascent");
    let region = ascent.regions[0].id.clone();
    let new_symbol = Symbol {
        id: "test-symbol".into(),
        name: "A test symbol".into(),
        regions: Vec::new(),
        scenes: Vec::new(),
        adapters: Vec::new(),
        ..ascent.clone()
    };
    let scene = Scene {
        id: "Δ-test".into(),
        title: "A test scene".into(),
        text: "Nothing happens.".into(),
        components: Vec::new(),
        links: Vec::new(),
        embedding: None,
        original: None,
    };
    let adapter = Adapter {
        id: "test-adapter".into(),
        name: "test adapter".into(),
        description: "made by a test".into(),
        triggers: vec!["fire".into()],
        file: None,
        original: None,
    };
    let tour = Tour {
        id: "test-tour".into(),
        title: "A test tour".into(),
        steps: vec![TourStep {
            register: library::Register::Logic,
            caption: "one".into(),
            seconds: 2.0,
            ..TourStep::new("test-symbol".into())
        }],
    };
    vec![
        Edit::AddSymbol(Arc::new(new_symbol.clone())),
        Edit::UpdateSymbol {
            id: "test-symbol".into(),
            symbol: Arc::new(Symbol {
                gloss: "changed".into(),
                ..new_symbol.clone()
            }),
        },
        Edit::AddScene(Arc::new(scene.clone())),
        Edit::UpdateScene {
            id: scene.id.clone(),
            scene: Arc::new(Scene {
                title: "Retitled".into(),
                ..scene.clone()
            }),
        },
        Edit::AddAdapter(Arc::new(adapter.clone())),
        Edit::UpdateAdapter {
            id: adapter.id.clone(),
            adapter: Arc::new(Adapter {
                description: "changed".into(),
                ..adapter.clone()
            }),
        },
        Edit::LinkRegion {
            symbol: ascent.id.clone(),
            region: region.clone(),
            target: LinkTarget::Scene(scene.id.clone()),
        },
        Edit::LinkRegion {
            symbol: ascent.id.clone(),
            region: region.clone(),
            target: LinkTarget::Adapter(adapter.id.clone()),
        },
        Edit::UnlinkRegion {
            symbol: ascent.id.clone(),
            region: region.clone(),
            target: LinkTarget::Adapter(adapter.id.clone()),
        },
        Edit::UnlinkRegion {
            symbol: ascent.id.clone(),
            region,
            target: LinkTarget::Scene(scene.id.clone()),
        },
        Edit::AddTour(Arc::new(tour.clone())),
        Edit::UpdateTour {
            id: tour.id.clone(),
            tour: Arc::new(Tour {
                title: "Retitled".into(),
                ..tour.clone()
            }),
        },
        Edit::RemoveTour(tour.id.clone()),
        Edit::RemoveAdapter(adapter.id.clone()),
        Edit::RemoveScene(scene.id.clone()),
        Edit::RemoveSymbol("test-symbol".into()),
    ]
}

#[test]
fn each_edit_changes_the_library_and_undo_of_all_restores_it() {
    let original = bundled();
    let mut history = History::new(original.clone());
    let mut seen = vec![original.clone()];
    for edit in every_kind_of_edit(&original) {
        let before = Library::clone(history.current());
        history
            .apply(&edit, None)
            .unwrap_or_else(|e| panic!("{}: {e}", edit.label()));
        let after = Library::clone(history.current());
        assert_ne!(before, after, "{} changed nothing", edit.label());
        // The pure function gives the same library, and leaves its input alone.
        let again = library::apply(&before, &edit).expect("applies again");
        assert_eq!(again, after, "{}", edit.label());
        seen.push(after);
    }
    // The last edits removed what the first ones added: the library is back in content.
    assert_eq!(Library::clone(history.current()), original);
    let n = history.undo_len();
    assert_eq!(n, seen.len() - 1);
    for k in (0..n).rev() {
        history.undo().expect("a step to undo");
        assert_eq!(
            Library::clone(history.current()),
            seen[k],
            "undo to step {k}"
        );
    }
    assert_eq!(history.undo(), None);
    for (k, state) in seen.iter().enumerate().skip(1) {
        history.redo().expect("a step to redo");
        assert_eq!(
            &Library::clone(history.current()),
            state,
            "redo to step {k}"
        );
    }
}

#[test]
fn unchanged_entries_are_shared_between_revisions() {
    let original = bundled();
    let ascent = symbol(&original, "ascent");
    let edit = Edit::UpdateSymbol {
        id: ascent.id.clone(),
        symbol: Arc::new(Symbol {
            gloss: "changed".into(),
            ..ascent
        }),
    };
    let next = library::apply(&original, &edit).expect("applies");
    let shared = original
        .symbols
        .iter()
        .zip(&next.symbols)
        .filter(|(a, b)| Arc::ptr_eq(a, b))
        .count();
    assert_eq!(shared, original.symbols.len() - 1);
    assert!(
        original
            .scenes
            .iter()
            .zip(&next.scenes)
            .all(|(a, b)| Arc::ptr_eq(a, b))
    );
}

#[test]
fn bad_edits_are_refused_with_a_reason_and_change_nothing() {
    let lib = bundled();
    let mut history = History::new(lib.clone());
    let ascent = symbol(&lib, "ascent");
    let cases = [
        (
            Edit::AddSymbol(Arc::new(ascent.clone())),
            "already has a symbol “ascent”",
        ),
        (Edit::RemoveSymbol("nope".into()), "no symbol “nope”"),
        (
            Edit::RemoveScene("Δ41".into()),
            "scene “Δ41” is still used by symbol ascent",
        ),
        (
            Edit::LinkRegion {
                symbol: ascent.id.clone(),
                region: "no-such-region".into(),
                target: LinkTarget::Scene("Δ41".into()),
            },
            "has no region “no-such-region”",
        ),
        (
            Edit::LinkRegion {
                symbol: ascent.id.clone(),
                region: ascent.regions[0].id.clone(),
                target: LinkTarget::Scene("Δ404".into()),
            },
            "no scene “Δ404”",
        ),
        (
            Edit::UpdateSymbol {
                id: ascent.id.clone(),
                symbol: Arc::new(Symbol {
                    id: "fire".into(),
                    ..ascent.clone()
                }),
            },
            "already has a symbol “fire”",
        ),
    ];
    for (edit, says) in cases {
        let err: EditError = history.apply(&edit, None).expect_err(&edit.label());
        assert!(err.to_string().contains(says), "{}: {err}", edit.label());
    }
    assert_eq!(Library::clone(history.current()), lib);
    assert_eq!(history.undo_len(), 0);
}

#[test]
fn a_drag_merges_into_one_undo_step_until_the_gesture_ends() {
    let lib = bundled();
    let mut history = History::new(lib.clone());
    let ascent = symbol(&lib, "ascent");
    let moved = |dx: f64| {
        let mut s = ascent.clone();
        s.regions[0].anchor[0] += dx;
        Edit::UpdateSymbol {
            id: s.id.clone(),
            symbol: Arc::new(s),
        }
    };
    for step in 1..=10 {
        history
            .apply(&moved(0.001 * step as f64), Some("drag anchor"))
            .expect("applies");
    }
    assert_eq!(history.undo_len(), 1, "ten moves of one drag are one step");
    history.seal();
    history
        .apply(&moved(0.05), Some("drag anchor"))
        .expect("applies");
    assert_eq!(history.undo_len(), 2, "a new drag is a new step");
    history.undo();
    assert_eq!(
        symbol(history.current(), "ascent").regions[0].anchor[0],
        ascent.regions[0].anchor[0] + 0.01
    );
    history.undo();
    assert_eq!(Library::clone(history.current()), lib);
}

#[test]
fn the_history_survives_a_save_and_knows_what_is_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("lib.toml");
    let text = std::fs::read_to_string(library::bundled_path()).expect("bundled");
    std::fs::write(&path, text).expect("write");
    let mut doc = Document::open(&path).expect("opens");
    let ascent = symbol(doc.library(), "ascent");
    let edit = Edit::UpdateSymbol {
        id: ascent.id.clone(),
        symbol: Arc::new(Symbol {
            name: "Saved name".into(),
            ..ascent.clone()
        }),
    };
    doc.apply(&edit, None).expect("applies");
    assert!(doc.history().is_dirty());
    doc.save().expect("saves");
    assert!(!doc.history().is_dirty());
    let on_disk = library::load(&path).expect("reloads").library;
    assert_eq!(symbol(&on_disk, "ascent").name, "Saved name");
    // The step is still there after the save, and undoing it makes the document differ
    // from the file again.
    assert_eq!(doc.history().undo_label(), Some("edit symbol ascent"));
    doc.undo();
    assert_eq!(symbol(doc.library(), "ascent").name, ascent.name);
    assert!(doc.history().is_dirty());
}

#[test]
fn after_renaming_a_symbol_search_finds_the_new_name_and_not_the_old() {
    let mut doc = Document::from_library(&library::bundled_path(), bundled(), Vec::new());
    let fire = symbol(doc.library(), "fire");
    assert_eq!(doc.search().search("Zyxwvut").len(), 0);
    let old_word = fire
        .name
        .split_whitespace()
        .last()
        .expect("a name")
        .to_string();
    let before = doc.search().search(&old_word).len();
    let old_index_revision = doc.revision().number();
    doc.apply(
        &Edit::UpdateSymbol {
            id: fire.id.clone(),
            symbol: Arc::new(Symbol {
                name: "Zyxwvut".into(),
                ..fire.clone()
            }),
        },
        None,
    )
    .expect("applies");
    assert_ne!(doc.revision().number(), old_index_revision);
    let hits = doc.search().search("Zyxwvut");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].symbol, "fire");
    let after = doc.search().search(&old_word);
    assert!(
        after
            .iter()
            .all(|h| h.symbol != "fire" || h.field != "name"),
        "the old name still finds fire by name"
    );
    assert!(after.len() <= before);
    // Undo brings the old name back to the index.
    doc.undo();
    assert_eq!(doc.search().search("Zyxwvut").len(), 0);
}

#[test]
fn the_search_index_reindexes_only_the_changed_symbol() {
    let lib = bundled();
    let index = library::search::SearchIndex::new(&lib);
    let ascent = symbol(&lib, "ascent");
    let next = library::apply(
        &lib,
        &Edit::UpdateSymbol {
            id: ascent.id.clone(),
            symbol: Arc::new(Symbol {
                gloss: "changed".into(),
                ..ascent
            }),
        },
    )
    .expect("applies");
    let updated = index.update(&next);
    assert_eq!(updated.shared_entries(&index), lib.symbols.len() - 1);
    // An index made afresh shares nothing: the count above is reuse, not equality.
    let fresh = library::search::SearchIndex::new(&next);
    assert_eq!(fresh.shared_entries(&index), 0);
}

#[test]
fn navigation_goes_back_forward_and_jumps_by_id() {
    let mut nav = Navigation::default();
    assert!(nav.go(Focus::symbol("ascent")));
    assert!(
        !nav.go(Focus::symbol("ascent")),
        "the same focus is no new step"
    );
    assert!(nav.go(Focus::Scene("Δ41".into())));
    assert!(nav.go(Focus::symbol("fire")));
    assert!(nav.back());
    assert_eq!(nav.focus(), Some(&Focus::Scene("Δ41".into())));
    assert!(nav.forward());
    assert_eq!(nav.focus(), Some(&Focus::symbol("fire")));
    assert!(!nav.forward());
    assert!(nav.jump(0));
    assert_eq!(nav.focus(), Some(&Focus::symbol("ascent")));
    // Going somewhere new from the middle drops the forward steps, like a browser.
    assert!(nav.go(Focus::symbol("breath")));
    assert!(!nav.can_go_forward());
    assert_eq!(nav.steps().len(), 2);
}

#[test]
fn navigation_history_drops_a_removed_symbol_and_keeps_the_rest() {
    let lib = bundled();
    let mut nav = Navigation::default();
    nav.go(Focus::symbol("ascent"));
    nav.go(Focus::symbol("fire"));
    nav.go(Focus::symbol("ascent"));
    nav.go(Focus::Scene("Δ41".into()));
    nav.back();
    assert_eq!(nav.focus(), Some(&Focus::symbol("ascent")));
    let mut without_fire = lib.clone();
    without_fire.symbols.retain(|s| s.id != "fire");
    assert!(
        !nav.retain_existing(&without_fire),
        "the focus itself stays"
    );
    // ascent, fire, ascent, Δ41 → ascent, Δ41 (the two ascents met and became one).
    assert_eq!(
        nav.steps(),
        &[Focus::symbol("ascent"), Focus::Scene("Δ41".into())]
    );
    assert_eq!(nav.focus(), Some(&Focus::symbol("ascent")));
    assert!(nav.forward());
    assert_eq!(nav.focus(), Some(&Focus::Scene("Δ41".into())));
}

#[test]
fn save_as_in_another_folder_keeps_every_file_the_library_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = dir.path().join("first");
    std::fs::create_dir_all(&first).expect("folder");
    let path = first.join("lib.toml");
    std::fs::copy(library::bundled_path(), &path).expect("copy");
    let adapters = library::bundled_path().with_file_name("adapters");
    std::fs::create_dir_all(first.join("adapters")).expect("folder");
    for e in std::fs::read_dir(adapters).expect("adapters").flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), first.join("adapters").join(e.file_name())).expect("copy");
        }
    }
    let mut doc = Document::open(&path).expect("opens");
    let relative: Vec<_> = doc
        .library()
        .adapters
        .iter()
        .filter_map(|a| a.file.clone())
        .filter(|f| f.is_relative())
        .collect();
    assert!(
        !relative.is_empty(),
        "the bundled adapters name files beside the library"
    );
    let found = |lib: &library::Library| -> Vec<String> {
        lib.adapters
            .iter()
            .filter(|a| a.file.as_ref().is_some_and(|f| lib.resolve(f).exists()))
            .map(|a| a.id.to_string())
            .collect()
    };
    let before = found(doc.library());
    assert!(!before.is_empty());

    let elsewhere = dir.path().join("second").join("lib.toml");
    std::fs::create_dir_all(elsewhere.parent().unwrap()).expect("folder");
    doc.save_as(&elsewhere).expect("saves");
    assert_eq!(doc.path, elsewhere);
    assert_eq!(
        doc.history().undo_label(),
        Some(
            format!(
                "move file references to {}",
                dir.path().join("second").display()
            )
            .as_str()
        )
    );
    // Read from its new folder, the adapter files it found before are found again.
    let moved = library::load(&elsewhere).expect("reloads");
    assert!(!moved.has_errors(), "{:?}", moved.problems);
    assert_eq!(found(&moved.library), before);
}
