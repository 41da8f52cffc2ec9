//! The view a person looks at, driven through egui_kittest on lavapipe: zooming in brings
//! sharp fields at the screen's resolution (at 2× pixel density too), a small window keeps
//! the view large (the inspector folds, Ctrl+I shows it anyway), the view does not move as
//! the breadcrumb grows, and the desktop conventions: Esc closes the topmost thing, ↓ and
//! Enter in the search field open a hit, the title names what is open.

mod common;

use std::time::{Duration, Instant};

use common::window::{
    click_at, delta41_region, harness, harness_sized, key, search_and_open, search_box, settle,
};
use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use hologlyph::app::{Focus, HologlyphApp, StartOptions};

fn view_rect(h: &Harness<'_, HologlyphApp>) -> egui::Rect {
    h.state().runtime().view_rect.expect("the view is drawn")
}

fn focus(h: &Harness<'_, HologlyphApp>) -> Option<Focus> {
    h.state().state().focus().cloned()
}

/// Steps until sharp fields as fine as the screen cover the view, or 60 s pass; returns
/// their side in pixels, their em per pixel, the em per device pixel the view needs, and
/// how long they took from the call.
fn wait_for_sharp(h: &mut Harness<'_, HologlyphApp>) -> (u32, f64, f64, Duration) {
    let start = Instant::now();
    loop {
        h.run_steps(1);
        let app = h.state();
        let st = app.state();
        let g = st.shown.glyph.as_ref().expect("fields shown");
        let t = st.view.transform;
        let device_px = view_rect(h).width() * app.runtime().pixels_per_point;
        let needed = t.scale as f64 * g.fields.grid.side_em() / device_px as f64;
        if let Some(sharp) = st.shown.sharp_for(g)
            && sharp.key.grid.em_per_px <= needed * 1.15
        {
            eprintln!("the sharp job took {:.0} ms", sharp.ms);
            return (
                sharp.key.grid.size,
                sharp.key.grid.em_per_px,
                needed,
                start.elapsed(),
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no sharp fields after 60 s (needed {needed:.2e} em/px)"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn zooming_in_brings_sharp_fields_at_the_screens_resolution() {
    for ppp in [1.0, 2.0] {
        let mut h = harness_sized(StartOptions::default(), true, Vec2::new(1280.0, 800.0), ppp);
        search_and_open(&mut h, "ascent");
        let side = view_rect(&h).width();
        // Zoom in with the + key ten times (×0.8 each: about ×9).
        for _ in 0..10 {
            key(&mut h, Modifiers::NONE, Key::Plus);
        }
        let (size, em_per_px, needed, took) = wait_for_sharp(&mut h);
        let scale = h.state().state().view.transform.scale;
        assert!(scale < 0.15, "zoomed to {scale}");
        assert!(
            em_per_px >= needed * 0.6,
            "sharp fields finer than needed: {em_per_px:.2e} vs {needed:.2e}"
        );
        eprintln!(
            "ppp {ppp}: view {side:.0} pt, sharp fields {size}² at {em_per_px:.2e} em/px (needed {needed:.2e}) {:.0} ms after the last key",
            took.as_secs_f64() * 1e3
        );
        // Back to the whole glyph at 1× density: the glyph's own 384² fields are fine
        // enough there, and the sharp ones go.
        if ppp == 1.0 && side * ppp <= 384.0 * 1.1 {
            key(&mut h, Modifiers::NONE, Key::Num0);
            settle(&mut h);
            let st = h.state().state();
            assert!(
                st.shown.sharp.is_none(),
                "sharp fields kept when not needed"
            );
        }
    }
}

#[test]
fn a_900_by_650_window_keeps_the_view_large_and_ctrl_i_shows_the_inspector_anyway() {
    let mut h = harness_sized(StartOptions::default(), true, Vec2::new(900.0, 650.0), 1.0);
    search_and_open(&mut h, "ascent");
    let folded = view_rect(&h);
    assert!(
        folded.width() >= 390.0,
        "the view is {} px wide at 900×650",
        folded.width()
    );
    // The inspector folded to a handle; its button shows it.
    assert!(
        h.query_by_label("⏴").is_some(),
        "no handle for the inspector"
    );
    key(&mut h, Modifiers::COMMAND, Key::I);
    h.run_steps(3);
    assert!(
        h.query_all_by_label_contains("Protocol").next().is_some(),
        "Ctrl+I did not show the inspector"
    );
    assert!(h.query_by_label("⏴").is_none(), "the handle stays");
    assert!(
        view_rect(&h).width() < folded.width(),
        "{} then {}",
        folded.width(),
        view_rect(&h).width()
    );
    key(&mut h, Modifiers::COMMAND, Key::I);
    h.run_steps(3);
    assert_eq!(view_rect(&h), folded, "Ctrl+I again gives the room back");
    assert!(h.state().state().settings.hide_inspector);
    // Ctrl+B hides the browser (the view, limited by the height here, keeps its size).
    key(&mut h, Modifiers::COMMAND, Key::B);
    h.run_steps(3);
    assert!(view_rect(&h).width() >= folded.width());
    assert!(h.state().state().settings.hide_browser);
    assert!(h.query_by_label("⏵").is_some(), "no handle for the browser");

    // A big window shows both panels and still keeps the view at 60% of its height.
    let h = harness(StartOptions::default(), true);
    assert!(h.query_by_label("⏴").is_none() && h.query_by_label("⏵").is_none());
    assert!(view_rect(&h).width() >= 0.6 * 800.0 - 1.0);
}

#[test]
fn the_view_stays_put_as_the_breadcrumb_grows_and_the_title_names_the_symbol() {
    let mut h = harness(StartOptions::default(), true);
    search_and_open(&mut h, "ascent");
    let first = view_rect(&h);
    assert_eq!(
        h.state().title(),
        "⟁ Ascent through a triple conflict — hologlyph.toml — Hologlyph"
    );
    for query in ["fire", "water", "salt", "mercury"] {
        // Select the last query and type over it, as a person does.
        search_box(&h).focus();
        h.run_steps(1);
        key(&mut h, Modifiers::COMMAND, Key::A);
        search_and_open(&mut h, query);
        assert_eq!(view_rect(&h), first, "the view moved after opening {query}");
    }
    assert!(
        h.state().title().contains("Mercury"),
        "{}",
        h.state().title()
    );
}

#[test]
fn esc_closes_the_help_then_folds_the_cards() {
    let mut h = harness(StartOptions::default(), true);
    search_and_open(&mut h, "ascent");
    let (region, pos) = delta41_region(&h);
    click_at(&mut h, pos);
    settle(&mut h);
    key(&mut h, Modifiers::NONE, Key::F1);
    assert!(h.state().state().windows.help, "F1 opens the help");
    key(&mut h, Modifiers::NONE, Key::Escape);
    h.run_steps(2);
    assert!(!h.state().state().windows.help, "Esc closes the help");
    // The cards are still out; the next Esc folds them.
    assert_eq!(
        focus(&h),
        Some(Focus::Symbol {
            id: "ascent".into(),
            region: Some(region),
        })
    );
    key(&mut h, Modifiers::NONE, Key::Escape);
    h.run_steps(2);
    assert_eq!(focus(&h), Some(Focus::symbol("ascent")));
}

#[test]
fn down_and_enter_in_the_search_field_open_the_second_hit() {
    let mut h = harness(StartOptions::default(), true);
    search_box(&h).focus();
    h.run_steps(1);
    search_box(&h).type_text("fire");
    h.run_steps(2);
    let hits = {
        let st = h.state().state();
        st.browser.visible(&st.doc, &st.settings)
    };
    assert!(hits.len() >= 2, "“fire” finds {hits:?}");
    key(&mut h, Modifiers::NONE, Key::ArrowDown);
    key(&mut h, Modifiers::NONE, Key::Enter);
    settle(&mut h);
    assert_eq!(focus(&h), Some(Focus::symbol(hits[1].clone())));
    // ↑ goes back up; Enter opens the first.
    search_box(&h).focus();
    h.run_steps(3);
    key(&mut h, Modifiers::NONE, Key::ArrowUp);
    key(&mut h, Modifiers::NONE, Key::Enter);
    settle(&mut h);
    assert_eq!(focus(&h), Some(Focus::symbol(hits[0].clone())));
}

/// Keyboard only: Tab through the controls reaches the view (it then draws a focus ring and
/// has the keyboard), Tab in the view lights its regions one after another and names them
/// on the status line, and Enter on a linked region unfolds it.
#[test]
fn tab_reaches_the_view_cycles_its_regions_and_enter_unfolds_one() {
    let mut h = harness(StartOptions::default(), true);
    search_and_open(&mut h, "ascent");
    let tab = |h: &mut Harness<'_, HologlyphApp>| {
        for pressed in [true, false] {
            h.event(egui::Event::Key {
                key: Key::Tab,
                physical_key: None,
                pressed,
                repeat: false,
                modifiers: Modifiers::NONE,
            });
        }
        h.run_steps(2);
    };
    let mut presses = 0;
    while !h.state().runtime().view_focused {
        tab(&mut h);
        presses += 1;
        assert!(presses < 400, "Tab never reached the view");
    }
    // The Tab that brings the keyboard to the view lights its first region.
    let region = |h: &Harness<'_, HologlyphApp>| {
        let hover = h
            .state()
            .state()
            .view
            .hover
            .clone()
            .expect("a region is lit");
        assert!(hover.by_keys, "the region was not chosen by Tab");
        hover
    };
    let mut lit = vec![region(&h).region];
    let linked = loop {
        tab(&mut h);
        let st = h.state().state();
        let hover = st.view.hover.clone().expect("Tab lights a region");
        assert!(hover.by_keys, "the region was not chosen by Tab");
        assert!(
            !st.status.text.is_empty(),
            "the status line does not name the region"
        );
        assert!(!lit.contains(&hover.region), "a region came round twice");
        lit.push(hover.region);
        if let Some(link) = hover.link {
            break link;
        }
        assert!(lit.len() < 40, "no linked region among {lit:?}");
    };
    assert!(h.state().runtime().view_focused, "Tab left the view early");
    assert!(lit.len() >= 2, "only {lit:?} lit");
    // Shift+Tab goes back a region, Tab forward again.
    key(&mut h, Modifiers::SHIFT, Key::Tab);
    assert_eq!(region(&h).region, lit[lit.len() - 2], "Shift+Tab");
    tab(&mut h);
    assert_eq!(region(&h).link.as_ref(), Some(&linked));
    key(&mut h, Modifiers::NONE, Key::Enter);
    settle(&mut h);
    assert_eq!(
        focus(&h),
        Some(Focus::Symbol {
            id: "ascent".into(),
            region: Some(linked),
        }),
        "Enter did not unfold the region in focus"
    );
}

/// The window's GPU device lost under it (`Device::destroy`, as a driver reset would):
/// no panic, the status line says what happened and what still works, frames go on, and
/// browsing still moves the focus.
#[test]
fn a_lost_window_device_is_said_in_the_status_line_and_the_window_goes_on() {
    let mut h = harness(StartOptions::default(), true);
    settle(&mut h);
    let gpu = h.state().runtime().gpu.as_ref().expect("a window device");
    gpu.context.device.destroy();
    for _ in 0..5 {
        h.run_steps(1);
    }
    assert!(
        h.state().runtime().gpu_lost.is_some(),
        "the loss is noticed"
    );
    assert!(
        h.query_by_label_contains("GPU device was lost").is_some(),
        "the status line says so"
    );
    search_and_open(&mut h, "fire");
    assert_eq!(focus(&h), Some(Focus::symbol("fire")), "browsing goes on");
}

/// A library of 10,000 symbols and 10,000 scenes named at start-up: the window is up
/// before it is read (in the background, behind a "Reading the library" window), then the
/// browser holds all of it and search finds one symbol while typing.
#[test]
fn a_big_library_is_read_behind_the_window_and_then_browsed() {
    use hologlyph::library;
    let dir = tempfile::tempdir().expect("tempdir");
    let base = library::load_bundled().expect("bundled").library;
    let big = common::generated::generate(&base, 10_000, 10_000);
    let path = dir.path().join("big.toml");
    std::fs::write(&path, library::to_toml(&big)).expect("write");
    assert!(std::fs::metadata(&path).expect("stat").len() >= hologlyph::app::BACKGROUND_LOAD_BYTES);

    let mut h = common::window::harness_unsettled(StartOptions {
        library: Some(path.clone()),
        ..Default::default()
    });
    // Two frames in, the library (8 MB, seconds in a debug build) is still being read.
    assert!(
        h.state().state().loading.is_some(),
        "read in the background"
    );
    assert!(
        h.query_by_label_contains("Reading the library").is_some(),
        "the window says it is reading"
    );
    settle(&mut h);
    let st = h.state().state();
    assert!(st.loading.is_none());
    assert_eq!(st.doc.library().symbols.len(), 10_000);
    assert!(
        h.query_by_label_contains("10000 of 10000 symbols")
            .is_some(),
        "the browser counts all of them"
    );
    search_and_open(&mut h, "ascent-9982");
    assert_eq!(focus(&h), Some(Focus::symbol("ascent-9982")));
}
