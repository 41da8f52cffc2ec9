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

/// Two Hologlyphs (two documents) over one file: the second to save is told the file
/// changed since it opened it, and nothing is written until it chooses to overwrite. A
/// change by another program is seen by the stat the window polls.
#[test]
fn a_second_writer_is_told_the_file_changed_and_nothing_is_lost() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = library_copy(dir.path());
    let mut first = Document::open(&path).expect("opens");
    let mut second = Document::open(&path).expect("opens");
    let edit_a = edits(first.library())[0].clone();
    first.apply(&edit_a, None).expect("applies");
    first.save().expect("the first save goes through");
    let after_first = std::fs::read_to_string(&path).expect("read");
    assert!(
        second.disk_changed(),
        "the second document sees the stat change"
    );

    let edit_b = edits(second.library())[1].clone();
    second.apply(&edit_b, None).expect("applies");
    let err = second
        .save()
        .expect_err("the second save must not overwrite the first");
    assert!(
        matches!(err, library::SaveError::ChangedOnDisk { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("lib.toml"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), after_first);
    assert!(
        second.history().is_dirty(),
        "the second one's edit is still there"
    );

    second.save_overwriting().expect("overwrites when asked");
    let reread = library::load(&path).expect("reads");
    assert_eq!(&reread.library, second.library().as_ref());
    assert!(!second.disk_changed());

    // Another program appends a comment: seen, and the next save asks again.
    std::fs::write(&path, format!("{}\n# touched\n", reread.text)).expect("write");
    assert!(second.disk_changed());
    second.accept_disk_change();
    assert!(!second.disk_changed(), "asked once per change");
    second.apply(&edit_a, None).ok();
    assert!(matches!(
        second.save(),
        Err(library::SaveError::ChangedOnDisk { .. })
    ));
}

/// A small tmpfs mounted by the test (CI runs as root): saving to a full disk, to a
/// read-only folder and to a folder that vanished fails with the file named, leaves the
/// file and its backup as they were, and keeps the edits in memory.
#[test]
fn a_full_or_read_only_disk_keeps_the_file_its_backup_and_the_edits() {
    let mount = tempfile::tempdir().expect("tempdir");
    let size = std::fs::metadata(library::bundled_path())
        .expect("stat")
        .len();
    // Room for the library and its backup, not for a third copy (the save's temp file).
    let mounted = Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            &format!("size={}", size * 2 + 16 * 1024),
            "tmpfs",
        ])
        .arg(mount.path())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        mounted,
        "this test mounts a tmpfs and must run as root (CI does); run it with sudo"
    );
    struct Unmount<'a>(&'a std::path::Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(mount.path());

    let path = mount.path().join("lib.toml");
    std::fs::copy(library::bundled_path(), &path).expect("copy");
    let backup = library::backup_path(&path);
    std::fs::write(&backup, "# an older version\n").expect("backup");
    let original = std::fs::read(&path).expect("read");
    let mut doc = Document::open(&path).expect("opens");
    let edit = edits(doc.library())[0].clone();
    doc.apply(&edit, None).expect("applies");
    let edited = doc.library().clone();
    // Fill the disk so that not even the backup fits.
    let filler = mount.path().join("filler");
    let free = size + 8 * 1024;
    std::fs::write(&filler, vec![0u8; free as usize]).ok();

    let err = doc.save().expect_err("a full disk");
    let message = err.to_string();
    assert!(message.contains("lib.toml"), "{message}");
    assert!(message.contains("No space left"), "{message}");
    assert_eq!(std::fs::read(&path).expect("read"), original);
    assert_eq!(
        std::fs::read_to_string(&backup).expect("read"),
        "# an older version\n"
    );
    assert!(doc.history().is_dirty());
    assert_eq!(doc.library(), &edited);
    let leftovers: Vec<_> = std::fs::read_dir(mount.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        3,
        "no temp file left behind: {leftovers:?}"
    );

    // Read-only: the same tmpfs remounted so.
    std::fs::remove_file(&filler).expect("free the space");
    let remounted = Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(mount.path())
        .status()
        .is_ok_and(|s| s.success());
    assert!(remounted, "remount read-only");
    let err = doc.save().expect_err("a read-only folder");
    assert!(err.to_string().contains("lib.toml"), "{err}");
    assert!(err.to_string().contains("Read-only"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), original);
    assert!(doc.history().is_dirty());

    // The folder vanishes under an open document.
    let gone = tempfile::tempdir().expect("tempdir");
    let gone_path = gone.path().join("lib.toml");
    std::fs::copy(library::bundled_path(), &gone_path).expect("copy");
    let mut doc = Document::open(&gone_path).expect("opens");
    doc.apply(&edit, None).expect("applies");
    let edited = doc.library().clone();
    std::fs::remove_dir_all(gone.path()).expect("remove the folder");
    let err = doc.save().expect_err("a vanished folder");
    assert!(err.to_string().contains("lib.toml"), "{err}");
    assert!(err.to_string().contains("no longer exists"), "{err}");
    assert!(!gone.path().exists(), "the folder is not made again");
    assert!(doc.history().is_dirty());
    assert_eq!(doc.library(), &edited);
}
