//! Present mode in the window, driven by keys and clicks through egui_kittest on lavapipe
//! with a fake clock: next, previous, jumps, the overview, black and white screens,
//! fragments, auto-advance (held by a click, resumed when idle, paused by P), looping,
//! a kiosk's ignored Esc and its reset after the warning; a tour recorded by exploring,
//! edited, saved, reopened and replayed to the same view state; and the exports
//! (`present --export`, `render --apng/--gif`) decoded.

mod common;

use std::path::Path;

use common::library_copy;
use common::window::{click_at, key, settle};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use hologlyph::app::present::{PresentOptions, Presenting, view_of};
use hologlyph::app::{Focus, HologlyphApp, StartOptions};
use hologlyph::library::TourStep;

/// A window presenting `tour` of `library` (windowed), the clock at 0 and held by hand.
fn presenting(library: &Path, options: PresentOptions) -> Harness<'static, HologlyphApp> {
    let mut h = common::window::harness(
        StartOptions {
            library: Some(library.to_path_buf()),
            present: Some(PresentOptions {
                windowed: true,
                ..options
            }),
            ..Default::default()
        },
        true,
    );
    h.state_mut().set_fake_time(Some(0.0));
    settle(&mut h);
    // The harness's first frames ran on egui's own clock: start the tour again at t = 0.
    key(&mut h, Modifiers::NONE, Key::Home);
    h
}

fn tour(id: &str) -> PresentOptions {
    PresentOptions {
        tours: vec![id.to_string()],
        ..Default::default()
    }
}

fn p(h: &Harness<'_, HologlyphApp>) -> Presenting {
    h.state()
        .state()
        .present
        .clone()
        .expect("present mode is on")
}

fn focus(h: &Harness<'_, HologlyphApp>) -> (String, Option<String>) {
    match h.state().state().focus() {
        Some(Focus::Symbol { id, region }) => (id.to_string(), region.clone()),
        other => panic!("no symbol on stage: {other:?}"),
    }
}

fn press(h: &mut Harness<'_, HologlyphApp>, k: Key) {
    key(h, Modifiers::NONE, k);
}

/// Moves the fake clock on and lets a few frames run.
fn advance(h: &mut Harness<'_, HologlyphApp>, to: f64) {
    h.state_mut().set_fake_time(Some(to));
    h.run_steps(3);
}

#[test]
fn keys_step_through_jump_cover_and_leave() {
    let lib = hologlyph::library::bundled_path();
    let mut h = presenting(&lib, tour("introduction"));
    assert_eq!(p(&h).step, 0);
    assert_eq!(focus(&h), ("ascent".into(), None));
    h.get_by_label("step 1 of 6");
    for k in [Key::ArrowRight, Key::Space, Key::PageDown] {
        press(&mut h, k);
    }
    assert_eq!(p(&h).step, 3);
    assert_eq!(focus(&h), ("fire".into(), Some("hollow".into())));
    h.get_by_label("step 4 of 6");
    for k in [Key::ArrowLeft, Key::PageUp] {
        press(&mut h, k);
    }
    assert_eq!(p(&h).step, 1);
    assert_eq!(focus(&h), ("ascent".into(), Some("outer-gap".into())));
    press(&mut h, Key::End);
    assert_eq!(p(&h).step, 5);
    press(&mut h, Key::Home);
    assert_eq!(p(&h).step, 0);
    // A number, then Enter or G.
    press(&mut h, Key::Num5);
    press(&mut h, Key::Enter);
    assert_eq!((p(&h).step, focus(&h).0.as_str()), (4, "breath"));
    press(&mut h, Key::Num2);
    press(&mut h, Key::G);
    assert_eq!(p(&h).step, 1);
    // Overview: arrows and Enter jump; Esc returns to the step.
    press(&mut h, Key::O);
    h.get_by_label("step 6");
    press(&mut h, Key::ArrowRight);
    press(&mut h, Key::ArrowRight);
    press(&mut h, Key::Enter);
    assert_eq!(p(&h).step, 3);
    assert!(p(&h).overview.is_none());
    press(&mut h, Key::O);
    press(&mut h, Key::Escape);
    assert!(p(&h).overview.is_none());
    assert_eq!(p(&h).step, 3);
    // Black and white screens cover the stage, and come back.
    press(&mut h, Key::B);
    h.get_by_label("screen covered");
    assert!(h.query_by_label_contains("hologram view").is_none());
    press(&mut h, Key::B);
    h.get_by_label_contains("hologram view");
    press(&mut h, Key::W);
    h.get_by_label("screen covered");
    press(&mut h, Key::Escape);
    h.get_by_label_contains("hologram view");
    // The keys list.
    press(&mut h, Key::F1);
    h.get_by_label("pause / resume auto-advance");
    press(&mut h, Key::F1);
    // Esc leaves, and the window is as it was.
    press(&mut h, Key::Escape);
    assert!(h.state().state().present.is_none());
    h.get_by_label("File");
}

/// A copy of the bundled library with a tour whose first step has two fragments.
fn library_with_fragments(dir: &Path) -> std::path::PathBuf {
    let path = library_copy(dir);
    let mut text = std::fs::read_to_string(&path).expect("read");
    text.push_str(
        r#"
[[tour]]
id = "fragments"
title = "Fragments"

[[tour.step]]
symbol = "ascent"
regions = ["outer-gap", "inner-step"]
caption = "Two gaps, one after the other."
notes = """Ask the room first."""
seconds = 10

[[tour.step]]
symbol = "fire"
caption = "Then fire."
seconds = 4
"#,
    );
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn fragments_reveal_in_order_and_auto_advance_waits_for_idle() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lib = library_with_fragments(dir.path());
    let mut h = presenting(&lib, tour("fragments"));
    assert_eq!(focus(&h), ("ascent".into(), Some("outer-gap".into())));
    press(&mut h, Key::ArrowRight);
    assert_eq!(
        (p(&h).step, focus(&h)),
        (0, ("ascent".into(), Some("inner-step".into())))
    );
    press(&mut h, Key::ArrowRight);
    assert_eq!(focus(&h), ("fire".into(), None));
    // Back goes to the previous step's last fragment.
    press(&mut h, Key::ArrowLeft);
    assert_eq!(focus(&h).1.as_deref(), Some("inner-step"));

    // Auto-advance: each fragment gets its share of the step's 10 s. The fragment was
    // entered at t = 0; at 4.9 s it is still there, at 5.1 s the tour moves on.
    press(&mut h, Key::Home);
    advance(&mut h, 4.9);
    assert_eq!((p(&h).step, p(&h).fragment), (0, 0));
    advance(&mut h, 5.1);
    assert_eq!((p(&h).step, p(&h).fragment), (0, 1));
    // A click on stage holds auto-advance until 30 s of idle.
    let centre = h.state().runtime().view_rect.expect("stage").center();
    click_at(&mut h, centre);
    let held = p(&h).held.expect("the click holds auto-advance");
    advance(&mut h, held + 20.0);
    assert_eq!(p(&h).step, 0, "held while the presenter is busy");
    advance(&mut h, held + 30.0 + 5.1);
    assert_eq!(p(&h).step, 1, "resumed after idle");
    // P pauses until pressed again; at the end without --loop the tour stays.
    press(&mut h, Key::P);
    assert!(p(&h).paused);
    advance(&mut h, held + 200.0);
    assert_eq!(p(&h).step, 1);
    press(&mut h, Key::P);
    advance(&mut h, held + 300.0);
    assert_eq!(p(&h).step, 1, "the last step stays without --loop");
}

#[test]
fn looping_starts_again_and_a_kiosk_resets_after_its_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lib = library_with_fragments(dir.path());
    let mut h = presenting(
        &lib,
        PresentOptions {
            looping: true,
            ..tour("fragments")
        },
    );
    press(&mut h, Key::End);
    press(&mut h, Key::ArrowRight);
    assert_eq!((p(&h).step, p(&h).fragment), (0, 0), "looped to the start");
    drop(h);

    let mut h = presenting(
        &lib,
        PresentOptions {
            kiosk: true,
            idle_s: Some(60.0),
            tours: vec!["fragments".into(), "lineages".into()],
            ..Default::default()
        },
    );
    // Esc and the window's close do not leave a kiosk.
    press(&mut h, Key::Escape);
    assert!(h.state().state().present.is_some());
    // The attract loop runs on through the tours.
    advance(&mut h, 5.1);
    advance(&mut h, 10.2);
    assert_eq!(p(&h).step, 1);
    advance(&mut h, 14.3);
    assert_eq!(p(&h).tour.as_str(), "lineages", "on to the next tour");
    // A visitor: keys work, then idle for 60 s gives a warning, 10 s later a reset.
    press(&mut h, Key::ArrowRight);
    press(&mut h, Key::ArrowRight);
    let touched = p(&h).kiosk.expect("kiosk").last_input;
    assert_eq!(p(&h).step, 2);
    // Hold the loop so that only the idle reset can move it back.
    press(&mut h, Key::P);
    advance(&mut h, touched + 61.0);
    h.get_by_label_contains("The tour starts again in");
    assert_eq!(p(&h).tour.as_str(), "lineages");
    advance(&mut h, touched + 71.0);
    assert_eq!((p(&h).tour.as_str(), p(&h).step), ("fragments", 0));
    assert!(
        h.query_by_label_contains("The tour starts again in")
            .is_none()
    );
    // Editing and file commands are ignored; only the chord leaves.
    key(&mut h, Modifiers::COMMAND, Key::E);
    assert!(!h.state().state().edit.on);
    key(&mut h, Modifiers::CTRL | Modifiers::ALT, Key::Q);
    assert!(h.state().closing(), "Ctrl+Alt+Q closes the kiosk");
}

/// What replay must reproduce of a step: symbol, region, register, look, zoom.
fn seen(h: &Harness<'_, HologlyphApp>) -> TourStep {
    view_of(h.state().state()).expect("a symbol on show")
}

fn same_view(a: &TourStep, b: &TourStep) {
    assert_eq!(
        (&a.symbol, &a.regions, a.register, a.style, a.layer, a.view),
        (&b.symbol, &b.regions, b.register, b.style, b.layer, b.view)
    );
}

#[test]
fn a_recorded_tour_is_edited_saved_reopened_and_replayed_as_recorded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lib = library_copy(dir.path());
    let mut h = common::window::harness(
        StartOptions {
            library: Some(lib.clone()),
            ..Default::default()
        },
        true,
    );
    h.state_mut().set_fake_time(Some(0.0));
    // Step 1: ascent, curvature layer, zoomed in.
    search_and_open(&mut h, "ascent");
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::R);
    assert!(h.state().state().recording.is_some());
    press(&mut h, Key::Num3);
    press(&mut h, Key::Plus);
    let mut expected = vec![seen(&h)];
    advance(&mut h, 6.0);
    // Step 2: a region clicked open on the (zoomed) hologram.
    let anchor = {
        let st = h.state().state();
        let s = st.focused_symbol().expect("ascent");
        let r = s
            .regions
            .iter()
            .find(|r| r.id == "outer-gap")
            .expect("region");
        h.state().screen_from_em(r.anchor).expect("on screen")
    };
    click_at(&mut h, anchor);
    settle(&mut h);
    expected.push(seen(&h));
    assert_eq!(expected[1].regions, vec!["outer-gap".to_string()]);
    advance(&mut h, 15.0);
    // Step 3: fire in the body register.
    search_and_open(&mut h, "fire");
    h.get_all_by_label("body")
        .next()
        .expect("the register choice")
        .click();
    h.run_steps(3);
    expected.push(seen(&h));
    advance(&mut h, 20.0);
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::R);
    h.run_steps(3);
    let tour = h
        .state()
        .state()
        .doc
        .library()
        .tour("recorded-1")
        .cloned()
        .expect("the recorded tour is in the library");
    assert_eq!(tour.steps.len(), 3);
    assert_eq!(
        tour.steps.iter().map(|s| s.seconds).collect::<Vec<_>>(),
        vec![6.0, 9.0, 5.0],
        "time spent on each step"
    );
    // The editor is open on it; the tour is saved with Ctrl+S.
    h.get_by_label("Tour “recorded-1”");
    assert_eq!(
        h.get_all_by_label("Caption").count(),
        3,
        "a caption per step"
    );
    key(&mut h, Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    assert!(!h.state().state().doc.history().is_dirty());
    drop(h);

    // Reopened: replay reproduces each step's view as it was recorded.
    let mut h = presenting(&lib, tour_opts("recorded-1"));
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(p(&h).step, i);
        same_view(&seen(&h), want);
        press(&mut h, Key::ArrowRight);
    }
}

/// Types into the browser's search box and presses Enter: the first hit opens.
fn search_and_open(h: &mut Harness<'_, HologlyphApp>, query: &str) {
    h.get_by_role(egui::accesskit::Role::TextInput).focus();
    h.run_steps(1);
    // What the box held is replaced.
    key(h, Modifiers::COMMAND, Key::A);
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text(query);
    h.run_steps(2);
    h.key_press(Key::Enter);
    h.run_steps(2);
    settle(h);
}

fn tour_opts(id: &str) -> PresentOptions {
    tour(id)
}

fn decode_apng(path: &Path) -> (u32, u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).expect("the file exists"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let info = reader.info();
    let frames = info.animation_control().expect("animated").num_frames;
    let (w, h) = (info.width, info.height);
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let mut decoded = 0;
    while reader.next_frame(&mut buf).is_ok() {
        decoded += 1;
    }
    assert_eq!(decoded, frames, "every frame decodes");
    (w, h, frames)
}

#[test]
fn exports_decode_with_their_frames_and_sizes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lib = library_with_fragments(dir.path());
    let out = dir.path().join("slides");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_hologlyph"))
        .args(["present", "fragments", "--size", "96", "--library"])
        .arg(&lib)
        .arg("--export")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // Two fragments of step 1, one picture of step 2.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["notes.md", "step-01-1.png", "step-01-2.png", "step-02.png"]
    );
    let notes = std::fs::read_to_string(out.join("notes.md")).expect("notes");
    assert!(
        notes.contains("Two gaps, one after the other.") && notes.contains("> Ask the room first.")
    );
    // The two fragments light different regions.
    let a = std::fs::read(out.join("step-01-1.png")).expect("png");
    let b = std::fs::read(out.join("step-01-2.png")).expect("png");
    assert_ne!(a, b);

    let apng = dir.path().join("loop.png");
    let gif_path = dir.path().join("loop.gif");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_hologlyph"))
        .args([
            "render", "--char", "⟁", "--size", "64", "--frames", "6", "--fps", "12",
        ])
        .arg("--apng")
        .arg(&apng)
        .arg("--gif")
        .arg(&gif_path)
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(decode_apng(&apng), (64, 64, 6));
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options
        .read_info(std::fs::File::open(&gif_path).expect("gif"))
        .expect("a GIF");
    assert_eq!((decoder.width(), decoder.height()), (64, 64));
    let mut frames = 0;
    while let Some(f) = decoder.read_next_frame().expect("decodes") {
        assert_eq!(f.delay, 8, "1/12 s in hundredths");
        frames += 1;
    }
    assert_eq!(frames, 6);
}
