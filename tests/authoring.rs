//! Authoring in the window, driven through the widgets with egui_kittest on lavapipe:
//! a new symbol from ⚕ given a name and gloss, a region made by clicking its stem and linked
//! to a scene through the picker, saved and reopened; a triangle drawn with the pen, a
//! point dragged (the fields change) and undone (they come back); and unsaved edits
//! restored after the app is gone.

mod common;

use std::path::Path;

use common::library_copy;
use common::window::{click_at, click_button, drag, key, settle, type_into};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use hologlyph::app::{Focus, HologlyphApp, StartOptions};
use hologlyph::fields::regions::RegionKind;
use hologlyph::library;

fn harness(options: StartOptions) -> Harness<'static, HologlyphApp> {
    common::window::harness(options, true)
}

/// A window on a copy of the bundled library in `dir`, showing a new empty drawing made
/// through Ctrl+N and "Draw it".
fn new_drawing(dir: &Path) -> Harness<'static, HologlyphApp> {
    let mut h = harness(StartOptions {
        library: Some(library_copy(dir)),
        ..Default::default()
    });
    key(&mut h, Modifiers::COMMAND, Key::N);
    click_button(&mut h, "Draw it");
    settle(&mut h);
    h
}

/// Frames until the recovery journal has written its snapshot (within about a second).
fn wait_for_snapshot(h: &mut Harness<'_, HologlyphApp>, recovery: &Path) {
    let start = std::time::Instant::now();
    while hologlyph::app::recovery::find(recovery).is_empty() {
        assert!(start.elapsed().as_secs() < 10, "no snapshot was written");
        std::thread::sleep(std::time::Duration::from_millis(100));
        h.run_steps(1);
        h.state().flush_recovery();
    }
}

fn focused_id(h: &Harness<'_, HologlyphApp>) -> String {
    match h.state().state().focus() {
        Some(Focus::Symbol { id, .. }) => id.to_string(),
        other => panic!("no symbol on show: {other:?}"),
    }
}

/// An em point inside the ink, nearest to the middle of the glyph (the staff of ⚕).
fn ink_near_centre(h: &Harness<'_, HologlyphApp>) -> [f64; 2] {
    let st = h.state().state();
    let g = st.shown_glyph().expect("fields on show");
    let f = &g.fields;
    let n = f.grid.size as usize;
    let mut best = None;
    for row in 0..n {
        for col in 0..n {
            if f.raw.sdf[[row, col]] < -0.01 {
                let d = (row as f64 - n as f64 / 2.0).hypot(col as f64 - n as f64 / 2.0);
                if best.is_none_or(|(b, _)| d < b) {
                    best = Some((d, (row, col)));
                }
            }
        }
    }
    let (_, (row, col)) = best.expect("the glyph has ink");
    let p = f.grid.em_from_px(row, col);
    [p.x, p.y]
}

#[test]
fn a_new_symbol_from_a_character_linked_saved_and_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let path = library_copy(dir.path());
    let mut h = harness(StartOptions {
        library: Some(path.clone()),
        ..Default::default()
    });

    // Ctrl+N, type ⚕, Create.
    key(&mut h, Modifiers::COMMAND, Key::N);
    type_into(&mut h, "character", "⚕");
    assert!(
        h.query_all_by_label_contains("STAFF OF AESCULAPIUS")
            .next()
            .is_some(),
        "the dialog names the character"
    );
    click_button(&mut h, "Create");
    settle(&mut h);
    let id = focused_id(&h);
    assert_eq!(id, "staff-of-aesculapius");
    assert!(h.state().state().edit.on, "a new symbol opens in edit mode");
    assert!(
        h.state().state().shown_glyph().is_some(),
        "its fields are on show"
    );

    // Meaning.
    type_into(&mut h, "name", ", the healer");
    type_into(&mut h, "gloss", "care that climbs the staff");
    // Click the stem, make a region there, link it to Δ41 through the picker.
    let stem = ink_near_centre(&h);
    let at = h.state().screen_from_em(stem).expect("the view is drawn");
    click_at(&mut h, at);
    h.get_by_label_contains("Make a region at").click();
    h.run_steps(2);
    assert_eq!(h.state().state().edit.region.as_deref(), Some("region"));
    click_button(&mut h, "Link…");
    type_into(&mut h, "search", "Δ41");
    h.get_all_by_label("Link")
        .next()
        .expect("Δ41 is listed")
        .click();
    h.run_steps(2);
    // The link shows as the unfold card of the selected region.
    assert!(
        h.query_all_by_label_contains("Δ41 — ").next().is_some(),
        "the linked scene's card is on the view"
    );
    // Save.
    key(&mut h, Modifiers::COMMAND, Key::S);
    assert!(!h.state().state().doc.history().is_dirty(), "saved");
    drop(h);

    // Reopen: the symbol, its region and link are in the file.
    let loaded = library::load(&path).unwrap();
    assert!(!loaded.has_errors(), "{:?}", loaded.problems);
    let s = loaded.library.symbol(&id).expect("the new symbol is saved");
    assert_eq!(s.name, "staff of aesculapius, the healer");
    assert_eq!(s.gloss, "care that climbs the staff");
    assert_eq!(s.glyph.character(), Some('⚕'));
    assert_eq!(s.regions.len(), 1);
    assert_eq!(s.regions[0].scenes, ["Δ41"]);
    assert!((s.regions[0].anchor[0] - stem[0]).abs() < 1e-3);
    // The rest of the file is as it was: its comments survive.
    let text = std::fs::read_to_string(&path).unwrap();
    let original = std::fs::read_to_string(library::bundled_path()).unwrap();
    let mut lines = text.lines();
    for line in original.lines() {
        assert!(
            lines.any(|l| l == line),
            "the original's line “{line}” is kept, in order"
        );
    }
    let added = text.lines().count() - original.lines().count();
    assert!(added < 30, "only the new symbol is added ({added} lines)");

    // In a new window, clicking the region unfolds the scene's card.
    let mut h = harness(StartOptions {
        library: Some(path.clone()),
        ..Default::default()
    });
    // Found by the search box, opened with Enter.
    h.get_by_role(egui::accesskit::Role::TextInput).focus();
    h.run_steps(1);
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text("aesculapius");
    h.run_steps(2);
    key(&mut h, Modifiers::NONE, Key::Enter);
    settle(&mut h);
    assert_eq!(focused_id(&h), id);
    let at = h.state().screen_from_em(stem).unwrap();
    click_at(&mut h, at);
    settle(&mut h);
    assert_eq!(h.state().state().unfolded_region(), Some("region"));
    assert!(h.query_all_by_label_contains("Δ41 — ").next().is_some());
}

#[test]
fn a_triangle_drawn_with_the_pen_then_a_point_dragged_and_undone() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = new_drawing(dir.path());
    assert_eq!(focused_id(&h), "drawing");
    let corners = [[0.2, 0.1], [0.8, 0.1], [0.5, 0.8]];
    for c in corners {
        let p = h.state().screen_from_em(c).expect("the canvas is drawn");
        click_at(&mut h, p);
    }
    let first = h.state().screen_from_em(corners[0]).unwrap();
    click_at(&mut h, first);
    settle(&mut h);

    let st = h.state().state();
    let s = st.focused_symbol().unwrap();
    let data = match &s.glyph {
        library::GlyphRef::Path { data, .. } => data.clone(),
        other => panic!("not path data: {other:?}"),
    };
    let contours = hologlyph::glyph::contours::Contours::from_path_data(&data).unwrap();
    assert_eq!(contours.contours.len(), 1, "{data}");
    assert_eq!(contours.contours[0].points.len(), 3, "{data}");
    assert!(contours.contours[0].closed);
    let g = st.shown_glyph().expect("fields are shown");
    let holes = g
        .fields
        .region_list
        .iter()
        .filter(|r| r.kind == RegionKind::Counter)
        .count();
    assert_eq!(holes, 0);
    let before = g.fields.raw.sdf.clone();
    let undo_steps = st.doc.history().undo_len();

    // The select tool (V); drag the apex up: one undo step, new fields.
    key(&mut h, Modifiers::NONE, Key::V);
    let apex = h.state().screen_from_em(corners[2]).unwrap();
    let up = h.state().screen_from_em([0.5, 0.95]).unwrap();
    drag(&mut h, apex, up);
    settle(&mut h);
    let st = h.state().state();
    assert_eq!(
        st.doc.history().undo_len(),
        undo_steps + 1,
        "a drag is one step"
    );
    let after = st.shown_glyph().unwrap().fields.raw.sdf.clone();
    assert_eq!(after.dim(), before.dim(), "the edit frame keeps the grid");
    assert!(after != before, "the fields follow the dragged point");

    key(&mut h, Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    let st = h.state().state();
    assert_eq!(
        st.shown_glyph().unwrap().fields.raw.sdf,
        before,
        "undo brings them back"
    );
}

#[test]
fn unsaved_edits_come_back_after_the_app_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let path = library_copy(dir.path());
    let recovery = dir.path().join("recovery");
    let options = StartOptions {
        library: Some(path.clone()),
        recovery_dir: Some(recovery.clone()),
        ..Default::default()
    };
    let mut h = harness(options.clone());
    key(&mut h, Modifiers::COMMAND, Key::E);
    type_into(&mut h, "gloss", " — and a recovered note");
    let edited = h.state().state().doc.library().clone();
    wait_for_snapshot(&mut h, &recovery);
    assert!(
        h.state().title().starts_with("• "),
        "the title marks unsaved changes"
    );
    // The app goes without saving (as a crash would: nothing is asked).
    std::mem::forget(h);

    let mut h = harness(options);
    assert!(h.query_all_by_label("Recovered edits").next().is_some());
    click_button(&mut h, "Restore");
    settle(&mut h);
    let st = h.state().state();
    assert_eq!(**st.doc.library(), *edited, "the library the user had");
    assert!(
        st.doc.history().is_dirty(),
        "restored edits are unsaved until saved"
    );
    // The file itself was never written.
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        std::fs::read_to_string(library::bundled_path()).unwrap()
    );
}

#[test]
fn quitting_asks_and_save_leaves_no_recovery_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = library_copy(dir.path());
    let recovery = dir.path().join("recovery");
    let mut h = harness(StartOptions {
        library: Some(path.clone()),
        recovery_dir: Some(recovery.clone()),
        ..Default::default()
    });
    key(&mut h, Modifiers::COMMAND, Key::E);
    type_into(&mut h, "gloss", " — saved on the way out");
    wait_for_snapshot(&mut h, &recovery);
    // Ctrl+Q asks; Save writes the file and drops the snapshot.
    key(&mut h, Modifiers::COMMAND, Key::Q);
    h.run_steps(2);
    assert!(h.query_all_by_label("Unsaved changes").next().is_some());
    click_button(&mut h, "Save");
    h.state().flush_recovery();
    assert!(!h.state().state().doc.history().is_dirty());
    assert!(hologlyph::app::recovery::find(&recovery).is_empty());
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("saved on the way out")
    );
}

#[test]
fn a_brush_stroke_becomes_part_of_the_outline() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = new_drawing(dir.path());
    key(&mut h, Modifiers::NONE, Key::B);
    let from = h.state().screen_from_em([0.2, 0.2]).unwrap();
    let to = h.state().screen_from_em([0.8, 0.6]).unwrap();
    drag(&mut h, from, to);
    settle(&mut h);
    let st = h.state().state();
    let s = st.focused_symbol().unwrap();
    let library::GlyphRef::Path { data, .. } = &s.glyph else {
        panic!("not path data: {:?}", s.glyph);
    };
    let contours = hologlyph::glyph::contours::Contours::from_path_data(data).unwrap();
    assert!(!contours.contours.is_empty(), "{data}");
    let g = st.shown_glyph().expect("the stroke has fields");
    // The ink is along the stroke: the middle of the drag is inside, a far corner is not.
    let inside = |p: [f64; 2]| {
        let (r, c) = g
            .fields
            .grid
            .px_from_em(hologlyph::geometry::EmPoint::new(p[0], p[1]))
            .unwrap();
        g.fields.raw.sdf[[r, c]] < 0.0
    };
    assert!(inside([0.5, 0.4]));
    assert!(!inside([0.8, 0.1]));
    assert_eq!(
        st.doc.history().undo_len(),
        2,
        "the new symbol, then the stroke"
    );
}

/// Another program writes the open library: within the window's two-second look at the
/// file, the question comes up; "Keep editing" closes it and writes nothing, a second
/// change asks again, and "Reload library" reads the new text.
#[test]
fn a_library_changed_on_disk_is_noticed_and_the_user_chooses() {
    let question = "was changed by another program";
    let dir = tempfile::tempdir().unwrap();
    let path = library_copy(dir.path());
    let mut h = harness(StartOptions {
        library: Some(path.clone()),
        ..Default::default()
    });
    settle(&mut h);
    assert!(h.query_by_label_contains(question).is_none());
    let theirs = format!(
        "{}\n# written by another program\n",
        std::fs::read_to_string(&path).unwrap()
    );
    std::fs::write(&path, &theirs).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    h.run_steps(2);
    h.run_steps(3);
    assert!(
        h.query_by_label_contains("Changed on disk").is_some(),
        "the heading"
    );
    assert!(h.query_by_label_contains(question).is_some(), "asked");
    click_button(&mut h, "Keep editing");
    h.run_steps(2);
    assert!(h.query_by_label_contains(question).is_none(), "closed");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        theirs,
        "nothing written"
    );

    let again = format!("{theirs}# and again\n");
    std::fs::write(&path, &again).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    h.run_steps(2);
    assert!(h.query_by_label_contains(question).is_some(), "asked again");
    let before = h.state().state().doc.generation;
    click_button(&mut h, "Reload library");
    settle(&mut h);
    assert!(h.query_by_label_contains(question).is_none());
    assert_ne!(
        h.state().state().doc.generation,
        before,
        "the file was read again"
    );
}
