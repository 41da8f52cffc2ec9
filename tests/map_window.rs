//! The map in the window, driven as a person would with egui_kittest on lavapipe: M opens
//! it, the search dims what does not match, a click selects, a double-click opens, the local
//! map keeps what is near, shift-drag selects and C compares; import and export.

mod common;

use common::window::{click_button, harness, key, search_box, settle};

use egui::{Event, Key, Modifiers, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use hologlyph::app::{Command, Focus, HologlyphApp, StartOptions};
use hologlyph::map::LayoutKind;

fn open_map(layout: &str) -> Harness<'static, HologlyphApp> {
    let mut h = harness(StartOptions::default(), true);
    key(&mut h, Modifiers::NONE, Key::M);
    settle(&mut h);
    assert!(h.state().state().map.on, "M opens the map");
    click_button(&mut h, layout);
    settle(&mut h);
    // The layout arrives, the camera fits it, the next frames draw it.
    h.run_steps(4);
    h
}

fn point<'h>(h: &'h Harness<'_, HologlyphApp>, label: &'h str) -> egui_kittest::Node<'h> {
    h.get_by_label(label)
}

fn label_of(s: &hologlyph::library::Symbol) -> String {
    match s.glyph.character() {
        Some(c) => format!("{c} {}", s.name),
        None => format!("✎ {}", s.name),
    }
}

fn has(h: &Harness<'_, HologlyphApp>, label: &str) -> bool {
    h.query_by_label(label).is_some()
}

#[test]
fn the_map_shows_every_symbol_of_the_default_library() {
    for layout in ["Meaning", "Shape", "Links"] {
        let h = open_map(layout);
        let st = h.state().state();
        let placed = st.map.placed.as_ref().expect("a layout");
        assert!(placed.refined, "{layout}: still the preview");
        for s in &st.doc.library().symbols {
            let label = format!("symbol {}", label_of(s));
            assert!(has(&h, &label), "{layout}: {label} is not on the map");
        }
        if layout != "Shape" {
            assert!(
                has(&h, "scene Δ41 The threshold at night"),
                "{layout}: scene Δ41 missing"
            );
        }
    }
}

#[test]
fn typing_a_search_dims_the_points_that_do_not_match() {
    let mut h = open_map("Meaning");
    search_box(&h).focus();
    h.run_steps(1);
    search_box(&h).type_text("fire");
    h.run_steps(3);
    let st = h.state().state();
    let hits = st.browser.visible(&st.doc, &st.settings);
    assert!(!hits.is_empty() && hits.len() < st.doc.library().symbols.len());
    for s in &st.doc.library().symbols {
        let label = format!("symbol {}", label_of(s));
        let dimmed = format!("{label}, not matching the search");
        if hits.contains(&s.id) {
            assert!(has(&h, &label), "{label} should be lit");
        } else {
            assert!(has(&h, &dimmed), "{label} should be dimmed");
        }
    }
}

#[test]
fn a_click_selects_a_point_and_a_double_click_opens_it() {
    let mut h = open_map("Meaning");
    let hourglass = "symbol ⧖ White hourglass";
    point(&h, hourglass).click();
    h.run_steps(3);
    let st = h.state().state();
    assert_eq!(st.focus(), Some(&Focus::symbol("white-hourglass")));
    assert!(st.map.on, "a single click stays on the map");
    // The inspector shows it.
    assert!(h.query_all_by_label_contains("White hourglass").count() >= 2);
    // A double click opens it in the hologram view.
    let at = point(&h, hourglass).rect().center();
    h.event(Event::PointerMoved(at));
    h.run_steps(1);
    // Two clicks a tenth of a second apart (the harness otherwise steps a quarter second a
    // frame, and egui counts a double click within 0.3 s of releases).
    let t = h.ctx.input(|i| i.time);
    for k in 1..=2 {
        h.input_mut().time = Some(t + 0.1 * k as f64);
        for pressed in [true, false] {
            h.event(Event::PointerButton {
                pos: at,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: Modifiers::NONE,
            });
        }
        h.run_steps(1);
    }
    h.run_steps(2);
    let st = h.state().state();
    assert!(!st.map.on, "a double click leaves the map");
    assert_eq!(st.focus(), Some(&Focus::symbol("white-hourglass")));
}

#[test]
fn the_local_map_of_ascent_at_depth_1_keeps_its_scenes_and_adapter() {
    let mut h = open_map("Links");
    h.state_mut().push(Command::Go(Focus::symbol("ascent")));
    h.run_steps(2);
    click_button(&mut h, "Local 1");
    h.run_steps(3);
    for label in [
        "symbol ⟁ Ascent through a triple conflict",
        "scene Δ41 The threshold at night",
        "adapter archetype of entering the unknown",
    ] {
        assert!(has(&h, label), "{label} missing from the local map");
    }
    assert!(
        h.query_all_by_label_contains("scene Δ91").next().is_some(),
        "Δ91 missing"
    );
    // Unrelated scenes and symbols two links away are gone.
    assert!(h.query_all_by_label_contains("scene Δ03").next().is_none());
    assert!(h.query_all_by_label_contains("symbol ⧖").next().is_none());
    // Depth 2 brings the symbols that share them.
    click_button(&mut h, "Local 2");
    h.run_steps(3);
    assert!(h.query_all_by_label_contains("symbol ⧖").next().is_some());
}

#[test]
fn shift_drag_selects_symbols_and_c_compares_them_side_by_side() {
    let mut h = open_map("Meaning");
    let a = point(&h, "symbol ⟁ Ascent through a triple conflict")
        .rect()
        .center();
    let b = point(&h, "symbol ⧖ White hourglass").rect().center();
    let from = Pos2::new(a.x.min(b.x) - 4.0, a.y.min(b.y) - 4.0);
    let to = Pos2::new(a.x.max(b.x) + 4.0, a.y.max(b.y) + 4.0);
    h.event(Event::PointerMoved(from));
    h.event(Event::ModifiersChanged(Modifiers::SHIFT));
    h.run_steps(1);
    common::window::drag(&mut h, from, to);
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run_steps(2);
    let selection: Vec<String> = h
        .state()
        .state()
        .map
        .selection
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(
        selection.contains(&"ascent".to_string())
            && selection.contains(&"white-hourglass".to_string()),
        "{selection:?}"
    );
    // Everything selected lies in the box.
    let st = h.state().state();
    let placed = st.map.placed.as_ref().expect("layout");
    let canvas = st.map.canvas.expect("canvas");
    for id in &selection {
        let i = placed
            .graph
            .find(hologlyph::map::NodeKind::Symbol, id)
            .expect("node") as usize;
        let q = st
            .map
            .camera
            .to_screen(canvas, placed.layout.positions[i].expect("placed"));
        assert!(
            egui::Rect::from_two_pos(from, to).contains(q),
            "{id} at {q:?} outside the box {from:?}–{to:?} (a {a:?}, b {b:?})"
        );
    }
    key(&mut h, Modifiers::NONE, Key::C);
    settle(&mut h);
    let compared = h.state().state().map.compare.len();
    assert_eq!(compared, selection.len().min(4));
    let first_four: Vec<&str> = selection.iter().take(4).map(String::as_str).collect();
    if first_four.contains(&"ascent") {
        assert!(has(&h, "compared: ⟁ Ascent through a triple conflict"));
    }
    assert_eq!(
        h.query_all_by_label_contains("compared: ").count(),
        compared,
        "one hologram per compared symbol"
    );
    // Each has its fields (computed ahead, kept for the view).
    let st = h.state().state();
    for id in &st.map.compare {
        assert!(
            st.shown
                .glyph
                .iter()
                .chain(&st.shown.cache)
                .any(|g| g.key.symbol == *id && g.view.is_some()),
            "{id} has no hologram"
        );
    }
    key(&mut h, Modifiers::NONE, Key::Escape);
    assert!(
        h.state().state().map.compare.is_empty(),
        "Esc stops comparing"
    );
    assert!(h.state().state().map.on, "and the map is back");
}

#[test]
fn an_imported_embedding_lays_out_the_map_and_the_layout_exports_as_csv() {
    let mut h = open_map("Meaning");
    let dir = tempfile::tempdir().expect("tempdir");
    let st = h.state().state();
    let ids: Vec<String> = st
        .doc
        .library()
        .symbols
        .iter()
        .map(|s| s.id.to_string())
        .collect();
    let matrix =
        ndarray::Array2::from_shape_fn((ids.len(), 3), |(i, j)| ((i * (j + 2)) % 11) as f32);
    ndarray_npy::write_npy(dir.path().join("mine.npy"), &matrix).expect("npy");
    std::fs::write(dir.path().join("mine.ids.txt"), ids.join("\n")).expect("ids");
    // What the dialog hands over.
    h.state_mut()
        .push(Command::Map(hologlyph::app::map::MapCommand::ImportFrom {
            matrix: dir.path().join("mine.npy"),
            ids: dir.path().join("mine.ids.txt"),
        }));
    // Applied in the next frame, which sends the read to its thread; then wait for it.
    h.run_steps(1);
    settle(&mut h);
    h.run_steps(3);
    let st = h.state().state();
    assert_eq!(st.map.kind, LayoutKind::Imported);
    let placed = st.map.placed.as_ref().expect("layout");
    assert_eq!(placed.key.kind, LayoutKind::Imported);
    assert_eq!(placed.layout.positions.iter().flatten().count(), ids.len());
    assert!(has(&h, "symbol ⟁ Ascent through a triple conflict"));
    let csv = dir.path().join("map.csv");
    assert!(h.state_mut().export_map_csv_to(&csv));
    let text = std::fs::read_to_string(&csv).expect("csv");
    assert_eq!(text.lines().next(), Some("id,kind,x,y"));
    assert_eq!(text.lines().count(), ids.len() + 1);
    // The map as a picture: what the canvas shows, at its size.
    let png = dir.path().join("map.png");
    let ctx = h.ctx.clone();
    let canvas = h.state().state().map.canvas.expect("canvas");
    h.state_mut().export_map_png_to(png.clone(), &ctx);
    h.run_steps(3);
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png).expect("a PNG"),
    ));
    let mut reader = decoder.read_info().expect("PNG header");
    let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut pixels).expect("PNG pixels");
    assert_eq!(
        (info.width, info.height),
        (
            canvas.width().round() as u32,
            canvas.height().round() as u32
        )
    );
    // Not a blank: the background and at least a point's colours.
    let colours: std::collections::HashSet<&[u8]> = pixels.chunks_exact(4).collect();
    assert!(colours.len() > 20, "{} colours", colours.len());
    assert!(h.state().state().status.text.contains("map.png"));
    // A broken import names the file and leaves the map as it was.
    std::fs::write(dir.path().join("bad.npy"), b"not numpy").expect("bad");
    h.state_mut()
        .push(Command::Map(hologlyph::app::map::MapCommand::ImportFrom {
            matrix: dir.path().join("bad.npy"),
            ids: dir.path().join("mine.ids.txt"),
        }));
    // Applied in the next frame, which sends the read to its thread; then wait for it.
    h.run_steps(1);
    settle(&mut h);
    h.run_steps(2);
    let status = &h.state().state().status;
    assert!(
        status.is_error && status.text.contains("bad.npy"),
        "{}",
        status.text
    );
    assert_eq!(
        h.state()
            .state()
            .map
            .imported
            .as_ref()
            .map(|i| i.name.as_str()),
        Some("mine.npy")
    );
}

#[test]
fn a_layout_made_once_is_shown_again_at_once_and_in_the_same_places() {
    let mut h = open_map("Meaning");
    let first = h
        .state()
        .state()
        .map
        .placed
        .as_ref()
        .expect("layout")
        .layout
        .clone();
    click_button(&mut h, "Links");
    settle(&mut h);
    assert_eq!(
        h.state().state().map.placed.as_ref().map(|p| p.key.kind),
        Some(LayoutKind::Graph)
    );
    // Back to Meaning: from the cache, in the frame after the click, nothing computed.
    click_button(&mut h, "Meaning");
    h.run_steps(1);
    let st = h.state().state();
    assert!(st.map.computing.is_none(), "the layout was computed again");
    let again = &st.map.placed.as_ref().expect("layout").layout;
    assert_eq!(again.positions, first.positions);
}
