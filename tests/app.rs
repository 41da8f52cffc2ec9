//! The explorer window, driven like a user would with egui_kittest on lavapipe: search,
//! clicking a region to unfold it, going back, switching field layers, a broken library,
//! and snapshots of the hologram view and the unfolded state.

use egui::{Event, Modifiers, PointerButton, Pos2, Vec2};
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotOptions};
use hologlyph::app::{Focus, HologlyphApp, StartOptions, wgpu_setup};
use hologlyph::hologram::Layer;

fn harness(options: StartOptions) -> Harness<'static, HologlyphApp> {
    let mut h = Harness::builder()
        .with_size(Vec2::new(1280.0, 800.0))
        .wgpu_setup(wgpu_setup())
        .build_eframe(move |cc| {
            let mut app = HologlyphApp::new(
                cc,
                StartOptions {
                    fresh: true,
                    ..options
                },
            )
            .expect("the app starts");
            app.freeze_time(1.0);
            app.settings.grid = false;
            app
        });
    h.run_steps(3);
    h
}

fn click_at(h: &mut Harness<'_, HologlyphApp>, pos: Pos2) {
    h.event(Event::PointerMoved(pos));
    h.run_steps(1);
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
        h.run_steps(1);
    }
    h.run_steps(2);
}

/// Where the symbol `id` is in the library.
fn symbol_index(h: &Harness<'_, HologlyphApp>, id: &str) -> usize {
    h.state()
        .lib
        .library
        .symbols
        .iter()
        .position(|s| s.id == id)
        .unwrap_or_else(|| panic!("no symbol {id}"))
}

fn search_box<'h>(h: &'h Harness<'_, HologlyphApp>) -> egui_kittest::Node<'h> {
    h.get_by_role(egui::accesskit::Role::TextInput)
}

#[test]
fn search_finds_ascent_by_word_and_by_code_point() {
    let mut h = harness(StartOptions::default());
    for query in ["ascent", "U+27C1"] {
        h.state_mut().query.clear();
        h.run_steps(1);
        search_box(&h).focus();
        h.run_steps(1);
        search_box(&h).type_text(query);
        h.run_steps(2);
        let visible = h.state().visible_symbols();
        let first = &h.state().lib.library.symbols[visible[0]];
        assert_eq!(first.id, "ascent", "{query}");
        // The browser lists it.
        assert!(
            h.query_all_by_label_contains("⟁ Ascent through a triple conflict")
                .next()
                .is_some(),
            "{query}: ⟁ is not listed"
        );
    }
}

#[test]
fn clicking_the_outer_gap_of_ascent_unfolds_its_scene_and_adapter_and_back_returns() {
    let mut h = harness(StartOptions::default());
    let ascent = symbol_index(&h, "ascent");
    h.state_mut().go(Focus::Symbol {
        index: ascent,
        link: None,
    });
    h.run_steps(3);
    // The region of ⟁ that its library entry links to Δ41.
    let link = h.state().lib.library.symbols[ascent]
        .regions
        .iter()
        .find(|r| r.scenes.iter().any(|s| s == "Δ41"))
        .expect("a region linking Δ41")
        .clone();
    let pos = h
        .state()
        .screen_from_em(link.anchor)
        .expect("the view is drawn");
    click_at(&mut h, pos);
    assert_eq!(
        h.state().focus(),
        Some(&Focus::Symbol {
            index: ascent,
            link: Some(0)
        })
    );
    h.run_steps(30);
    assert!(
        h.query_by_label_contains("Δ41 — The threshold at night")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("adapter: archetype of entering the unknown")
            .is_some()
    );
    // Back returns to the glyph, without the cards.
    h.get_by_label("◀ Back").click();
    h.run_steps(3);
    assert_eq!(
        h.state().focus(),
        Some(&Focus::Symbol {
            index: ascent,
            link: None
        })
    );
    assert!(
        h.query_by_label_contains("Δ41 — The threshold at night")
            .is_none()
    );
    // Forward, then open the scene card: its page and its own links.
    h.get_by_label("Forward ▶").click();
    h.run_steps(30);
    let open_buttons: Vec<_> = h.query_all_by_label("Open").collect();
    assert!(!open_buttons.is_empty());
    open_buttons[0].click();
    h.run_steps(3);
    assert_eq!(h.state().focus(), Some(&Focus::Scene("Δ41".into())));
    assert!(h.query_by_label_contains("Leads on to").is_some());
    // Backspace goes back too.
    h.key_press(egui::Key::Backspace);
    h.run_steps(3);
    assert!(matches!(
        h.state().focus(),
        Some(Focus::Symbol { link: Some(_), .. })
    ));
}

#[test]
fn the_field_layer_switch_changes_what_is_drawn() {
    let mut h = harness(StartOptions::default());
    h.run_steps(2);
    let before = h.render().expect("renders");
    h.get_by_label("distance").click();
    h.run_steps(3);
    assert_eq!(h.state().layer, Layer::Distance);
    let after = h.render().expect("renders");
    let rect = h.state().view_rect.expect("the view is drawn");
    let ppp = 1.0;
    let mut differing = 0;
    for y in (rect.top() * ppp) as u32..(rect.bottom() * ppp) as u32 {
        for x in (rect.left() * ppp) as u32..(rect.right() * ppp) as u32 {
            if before.get_pixel(x, y) != after.get_pixel(x, y) {
                differing += 1;
            }
        }
    }
    let area = (rect.width() * rect.height()) as u32;
    assert!(
        differing > area / 4,
        "only {differing} of {area} view pixels changed"
    );
}

#[test]
fn a_broken_library_opens_with_its_problems_listed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("broken.toml");
    std::fs::write(
        &path,
        "format = \"hologlyph-library\"\nversion = 9\naxes = [\"a\"]\n[[concept]]\nname = \"c\"\nvector = { a = 1.0 }\n[[symbol]]\nid = \"x\"\nglyph = { char = \"⟁\" }\nname = \"Broken but shown\"\nlineage = \"graph\"\nscenes = [\"Δ404\"]\n",
    )
    .expect("write");
    let mut h = harness(StartOptions {
        library: Some(path.clone()),
        ..StartOptions::default()
    });
    h.run_steps(3);
    assert!(h.query_by_label("Library problems").is_some());
    assert!(
        h.query_by_label_contains("unknown library version 9")
            .is_some()
    );
    assert!(h.query_by_label_contains("scene `Δ404`").is_some());
    // What could be read is open.
    assert!(
        h.query_all_by_label_contains("Broken but shown")
            .next()
            .is_some()
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read").lines().nth(1),
        Some("version = 9")
    );
}

/// Steps until the background work (shape neighbours, thumbnails) is done.
fn settle(h: &mut Harness<'_, HologlyphApp>) {
    let start = std::time::Instant::now();
    while h.state().busy() && start.elapsed().as_secs() < 60 {
        h.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    h.run_steps(2);
}

#[test]
fn snapshots_of_the_hologram_view_and_the_unfolded_state() {
    let mut h = harness(StartOptions::default());
    // lavapipe renders the same frame identically run to run; the tolerance covers other
    // Mesa versions (a few hundred pixels of anti-aliasing).
    let options = SnapshotOptions::new()
        .threshold(2.0)
        .max_failed_pixels(4000);
    settle(&mut h);
    // The status line shows live timings: not part of the picture under test.
    h.mask(egui::Rect::from_min_max(
        egui::pos2(0.0, 770.0),
        egui::pos2(1280.0, 800.0),
    ));
    h.snapshot_options("hologram_view", &options);
    let ascent = symbol_index(&h, "ascent");
    h.state_mut().go(Focus::Symbol {
        index: ascent,
        link: Some(0),
    });
    settle(&mut h);
    h.snapshot_options("unfolded", &options);
}
