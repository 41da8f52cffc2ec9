//! The window under egui_kittest on lavapipe: a harness on the real app, waiting for its
//! background work, and the pointer and keys as a person uses them.

use egui::{Event, Key, Modifiers, PointerButton, Pos2, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use hologlyph::app::{Command, HologlyphApp, StartOptions, wgpu_setup};

/// The app at 1280×800 with default settings, the browser as a list (no thumbnail jobs);
/// `frozen` fixes the animation clock (snapshots, end states).
pub fn harness(options: StartOptions, frozen: bool) -> Harness<'static, HologlyphApp> {
    harness_sized(options, frozen, Vec2::new(1280.0, 800.0), 1.0)
}

/// The app in a window of `size` points at `pixels_per_point`.
pub fn harness_sized(
    options: StartOptions,
    frozen: bool,
    size: Vec2,
    pixels_per_point: f32,
) -> Harness<'static, HologlyphApp> {
    let mut h = build(options, frozen, size, pixels_per_point);
    settle(&mut h);
    h
}

/// The app at 1280×800, two frames in, its background work not waited for.
pub fn harness_unsettled(options: StartOptions) -> Harness<'static, HologlyphApp> {
    build(options, true, Vec2::new(1280.0, 800.0), 1.0)
}

/// The app built and two frames in.
fn build(
    options: StartOptions,
    frozen: bool,
    size: Vec2,
    pixels_per_point: f32,
) -> Harness<'static, HologlyphApp> {
    // Present mode runs on a fake clock from the first frame (the tests move it by hand):
    // on egui's own clock a tour would move on while the first glyphs compute.
    let presenting = options.present.is_some();
    let mut h = Harness::builder()
        .with_size(size)
        .with_pixels_per_point(pixels_per_point)
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
            if frozen {
                app.freeze_time(1.0);
            }
            if presenting {
                app.set_fake_time(Some(0.0));
            }
            app.push(Command::SetGrid(false));
            app
        });
    h.run_steps(2);
    h
}

/// Steps until the background work (the shown glyph, the protocol, shape neighbours,
/// validation) is done and its results are on screen.
pub fn settle(h: &mut Harness<'_, HologlyphApp>) {
    let start = std::time::Instant::now();
    while h.state().busy() && start.elapsed().as_secs() < 60 {
        h.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    h.run_steps(3);
}

pub fn press(h: &mut Harness<'_, HologlyphApp>, pos: Pos2, pressed: bool) {
    h.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    });
    h.run_steps(1);
}

/// Moves there, presses and releases; the frame after shows what the click did.
pub fn click_at(h: &mut Harness<'_, HologlyphApp>, pos: Pos2) {
    h.event(Event::PointerMoved(pos));
    h.run_steps(1);
    press(h, pos, true);
    press(h, pos, false);
    // The commands the click pushed are applied after its frame; the next one shows them.
    h.run_steps(1);
}

/// Presses at `from`, moves to `to` in eight steps, releases.
pub fn drag(h: &mut Harness<'_, HologlyphApp>, from: Pos2, to: Pos2) {
    h.event(Event::PointerMoved(from));
    h.run_steps(1);
    press(h, from, true);
    for i in 1..=8 {
        let p = from + (to - from) * (i as f32 / 8.0);
        h.event(Event::PointerMoved(p));
        h.run_steps(1);
    }
    press(h, to, false);
}

/// A key pressed and released with `modifiers`.
pub fn key(h: &mut Harness<'_, HologlyphApp>, modifiers: Modifiers, key: Key) {
    for pressed in [true, false] {
        h.event(Event::Key {
            key,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers,
        });
    }
    h.run_steps(2);
}

/// Focuses the text field labelled `label` and types into it.
pub fn type_into(h: &mut Harness<'_, HologlyphApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run_steps(1);
    h.get_by_label(label).type_text(text);
    h.run_steps(2);
}

/// Clicks the button labelled `label`.
pub fn click_button(h: &mut Harness<'_, HologlyphApp>, label: &str) {
    h.get_by_label(label).click();
    // The click, the frame that applies its commands, and a window's first (sizing) frame.
    h.run_steps(3);
}

pub fn search_box<'h>(h: &'h Harness<'_, HologlyphApp>) -> egui_kittest::Node<'h> {
    h.get_by_role(egui::accesskit::Role::TextInput)
}

/// Types `query` into the search box and presses Enter: the first hit opens.
pub fn search_and_open(h: &mut Harness<'_, HologlyphApp>, query: &str) {
    search_box(h).focus();
    h.run_steps(1);
    search_box(h).type_text(query);
    h.run_steps(2);
    h.key_press(Key::Enter);
    h.run_steps(2);
    settle(h);
}

/// Where the region of ⟁ that links Δ41 is on screen.
pub fn delta41_region(h: &Harness<'_, HologlyphApp>) -> (String, Pos2) {
    let st = h.state().state();
    let ascent = st.doc.library().symbol("ascent").expect("⟁ is bundled");
    let link = ascent
        .regions
        .iter()
        .find(|r| r.scenes.iter().any(|s| s == "Δ41"))
        .expect("a region linking Δ41");
    let pos = h
        .state()
        .screen_from_em(link.anchor)
        .expect("the view is drawn");
    (link.id.clone(), pos)
}
