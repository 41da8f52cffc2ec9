//! Crash recovery: a child process edits a library through the same `Document` and
//! `Recovery` journal the window uses, and is killed with SIGKILL mid-session; the
//! recovery file it left reads back as exactly the library it had. Also: a journal that
//! saw the document saved leaves no file, and a hundred mixed edits undone return the
//! original library.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::library_copy;
use hologlyph::app::Document;
use hologlyph::app::recovery::{self, Recovery};
use hologlyph::library::{self, Edit, Library, LinkTarget, Symbol};

const CHILD_ENV: &str = "HOLOGLYPH_RECOVERY_CHILD";

/// The edits the child makes: meaning, a link, a new symbol, a region anchor.
fn edits(lib: &Library) -> Vec<Edit> {
    let mut fire = Symbol::clone(lib.symbol("fire").expect("🜂 is bundled"));
    fire.gloss = "edited before the crash".into();
    let mut ascent = Symbol::clone(lib.symbol("ascent").expect("⟁ is bundled"));
    ascent.regions[0].anchor[0] += 0.01;
    let region = ascent.regions[0].id.clone();
    let linked = ascent.regions[0].scenes.clone();
    let scene = lib
        .scenes
        .iter()
        .find(|s| !linked.contains(&s.id))
        .expect("a scene not linked yet")
        .id
        .clone();
    let new = Symbol {
        name: "staff of aesculapius".into(),
        ..Symbol::new(
            "staff".into(),
            library::GlyphRef::Char {
                ch: '⚕',
                font: None,
            },
        )
    };
    vec![
        Edit::UpdateSymbol {
            id: fire.id.clone(),
            symbol: Arc::new(fire),
        },
        Edit::UpdateSymbol {
            id: ascent.id.clone(),
            symbol: Arc::new(ascent),
        },
        Edit::LinkRegion {
            symbol: "ascent".into(),
            region,
            target: LinkTarget::Scene(scene),
        },
        Edit::AddSymbol(Arc::new(new)),
    ]
}

/// The child: opens the library, makes the edits through the journal as the app does each
/// frame, says so, and waits to be killed. Run only by the parent test.
#[test]
#[ignore = "run by recovery_after_kill as its child process"]
fn child_edits_then_waits() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let mut doc = Document::open(&dir.join("lib.toml")).expect("opens");
    let mut journal = Recovery::new(dir.join("recovery"));
    for edit in edits(doc.library()) {
        doc.apply(&edit, None).expect("applies");
        // As the app does every frame; the snapshot is throttled, so wait it out.
        while let Some(wait) = journal.note(
            || doc.snapshot(),
            doc.revision().number(),
            doc.history().is_dirty(),
        ) {
            std::thread::sleep(wait);
        }
    }
    journal.flush();
    std::fs::write(dir.join("edited"), "").unwrap();
    // Wait for SIGKILL (the parent gives up after a minute anyway).
    std::thread::sleep(Duration::from_secs(120));
}

#[test]
fn recovery_after_kill() {
    let dir = tempfile::tempdir().unwrap();
    let path = library_copy(dir.path());
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "child_edits_then_waits",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(CHILD_ENV, dir.path())
        .stdout(Stdio::null())
        .spawn()
        .expect("the test binary runs as the child");
    let start = Instant::now();
    while !dir.path().join("edited").exists() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the child did not finish its edits"
        );
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the child exited early: {status}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // SIGKILL: no destructor, no clean shutdown.
    child.kill().unwrap();
    child.wait().unwrap();

    let original = library::load(&path).expect("the file itself is untouched");
    let mut expected = original.library.clone();
    for edit in edits(&original.library) {
        expected = library::apply(&expected, &edit).unwrap();
    }
    let found = recovery::find(&dir.path().join("recovery"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].library_path,
        std::path::absolute(&path).unwrap(),
        "the recovery file names its library"
    );
    let recovered = recovery::read(&found[0]).expect("reads");
    assert!(!recovered.has_errors(), "{:?}", recovered.problems);
    assert_eq!(
        recovered.library, expected,
        "exactly the library the child had"
    );
    // And it keeps the file's comments: it is the saved text the edits would give.
    assert!(recovered.text.starts_with("# Hologlyph's bundled library"));
}

#[test]
fn a_saved_document_leaves_no_recovery_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = library_copy(dir.path());
    let mut doc = Document::open(&path).unwrap();
    let mut journal = Recovery::new(dir.path().join("recovery"));
    let edit = edits(doc.library()).remove(0);
    doc.apply(&edit, None).unwrap();
    assert_eq!(
        journal.note(|| doc.snapshot(), doc.revision().number(), true),
        None
    );
    journal.flush();
    assert_eq!(recovery::find(&dir.path().join("recovery")).len(), 1);
    doc.save().unwrap();
    journal.note(
        || doc.snapshot(),
        doc.revision().number(),
        doc.history().is_dirty(),
    );
    journal.flush();
    assert!(recovery::find(&dir.path().join("recovery")).is_empty());
    // The save kept the file's comments.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# Hologlyph's bundled library"));
    assert!(text.contains("edited before the crash"));
}

#[test]
fn fifty_mixed_edits_then_fifty_undos_give_the_original() {
    let lib = library::load_bundled().unwrap().library;
    let mut doc = Document::from_library(&library::bundled_path(), lib.clone(), Vec::new());
    let ids: Vec<_> = lib.symbols.iter().map(|s| s.id.clone()).collect();
    let scenes: Vec<_> = lib.scenes.iter().map(|s| s.id.clone()).collect();
    let mut made = 0;
    let mut i = 0;
    while made < 50 {
        let now = doc.library().clone();
        let s = Symbol::clone(now.symbol(&ids[i % ids.len()]).unwrap());
        let edit = match i % 5 {
            0 => Edit::UpdateSymbol {
                id: s.id.clone(),
                symbol: Arc::new(Symbol {
                    gloss: format!("{} ({i})", s.gloss),
                    ..s
                }),
            },
            1 => match s.regions.first() {
                Some(r) => Edit::LinkRegion {
                    symbol: s.id.clone(),
                    region: r.id.clone(),
                    target: LinkTarget::Scene(
                        scenes
                            .iter()
                            .find(|sc| !r.scenes.contains(sc))
                            .unwrap()
                            .clone(),
                    ),
                },
                None => Edit::UpdateSymbol {
                    id: s.id.clone(),
                    symbol: Arc::new(Symbol {
                        name: format!("{} ({i})", s.name),
                        ..s
                    }),
                },
            },
            2 => Edit::AddSymbol(Arc::new(Symbol::new(
                format!("new-{i}").as_str().into(),
                library::GlyphRef::Path {
                    data: "M 0 0 L 1 0 L 0.5 1 Z".into(),
                    even_odd: false,
                },
            ))),
            3 => Edit::UpdateSymbol {
                id: s.id.clone(),
                symbol: Arc::new(Symbol {
                    tags: vec![format!("t{i}")],
                    ..s
                }),
            },
            _ => Edit::UpdateSymbol {
                id: s.id.clone(),
                symbol: Arc::new(Symbol {
                    lineage: library::Lineage::Graph,
                    ..s
                }),
            },
        };
        if doc.apply(&edit, None).is_ok() {
            made += 1;
        }
        i += 1;
    }
    assert_ne!(**doc.library(), lib);
    for _ in 0..50 {
        doc.undo().expect("an undo step");
    }
    assert_eq!(**doc.library(), lib);
    assert!(!doc.history().is_dirty());
}
