//! Frame-time benchmark of the explorer, offscreen: the hologram view at 1280×800 (an egui
//! frame with the GPU paint callback, rendered and read back by egui_kittest's wgpu
//! renderer), a grid of 100 animated thumbnails (100 hologram renders at 96² per frame),
//! the app's start-up to its first hologram, and the time from the end of a zoom to sharp
//! fields on screen at 1× and 2× pixel density. Run: `cargo bench --bench frames`.

use std::time::Instant;

#[path = "../tests/common/generated.rs"]
mod generated;

use egui_kittest::Harness;
use hologlyph::app::{Command, Focus, HologlyphApp, StartOptions, wgpu_setup};
use hologlyph::fields::{FieldOptions, GpuFieldEngine, Prepared};
use hologlyph::glyph::FontSet;
use hologlyph::hologram::{self, Frame, HologramRenderer};
use hologlyph::library;

/// The app at 1280×800 with default settings, at `pixels_per_point`.
fn app(pixels_per_point: f32) -> Harness<'static, HologlyphApp> {
    app_on(pixels_per_point, None)
}

/// The app at 1280×800 with default settings on `library` (None: the bundled one).
fn app_on(
    pixels_per_point: f32,
    library: Option<std::path::PathBuf>,
) -> Harness<'static, HologlyphApp> {
    Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 800.0))
        .with_pixels_per_point(pixels_per_point)
        .wgpu_setup(wgpu_setup())
        .build_eframe(move |cc| {
            HologlyphApp::new(
                cc,
                StartOptions {
                    fresh: true,
                    library,
                    ..StartOptions::default()
                },
            )
            .expect("the app starts")
        })
}

/// From the last of ten zoom-in steps on ⟁ (about ×9) to sharp fields on screen: (total ms,
/// the sharp job's own ms, the sharp grid's side in pixels).
fn zoom_to_sharp(pixels_per_point: f32) -> (f64, f64, u32) {
    let mut h = app(pixels_per_point);
    h.state_mut().push(Command::SetGrid(false));
    h.state_mut()
        .push(Command::Go(Focus::symbol("ascent".to_string())));
    let idle = |h: &mut Harness<'_, HologlyphApp>| {
        while h.state().busy() {
            h.run_steps(1);
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    };
    h.run_steps(2);
    idle(&mut h);
    for _ in 0..10 {
        h.state_mut().push(Command::ZoomIn);
        h.run_steps(1);
    }
    let t = Instant::now();
    loop {
        h.run_steps(1);
        let st = h.state().state();
        let t_scale = st.view.transform.scale;
        if let Some(g) = st.shown.glyph.as_ref()
            && let Some(sharp) = st.shown.sharp_for(g)
            && sharp.key.grid.side_em() < g.fields.grid.side_em() * t_scale as f64 * 1.5
        {
            return (
                t.elapsed().as_secs_f64() * 1e3,
                sharp.ms,
                sharp.key.grid.size,
            );
        }
        assert!(t.elapsed().as_secs() < 60, "no sharp fields after 60 s");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// Frame times while scrolling, ms per frame: the whole frame, and the UI pass alone (egui's
/// layout and the app's code, before rendering).
#[derive(Clone, Copy)]
struct Scroll {
    frame_ms: f64,
    ui_ms: f64,
}

/// `frames` frames, each with a wheel step over the browser's grid (down, or back up),
/// rendered.
fn scroll_ms(h: &mut Harness<'static, HologlyphApp>, frames: usize, down: bool) -> Scroll {
    let over_grid = egui::pos2(150.0, 450.0);
    h.event(egui::Event::PointerMoved(over_grid));
    h.run_steps(1);
    let t = Instant::now();
    let mut ui = std::time::Duration::ZERO;
    for _ in 0..frames {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, if down { -120.0 } else { 120.0 }),
            modifiers: egui::Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        let step = Instant::now();
        h.step();
        ui += step.elapsed();
        h.render().expect("renders");
    }
    Scroll {
        frame_ms: t.elapsed().as_secs_f64() * 1e3 / frames as f64,
        ui_ms: ui.as_secs_f64() * 1e3 / frames as f64,
    }
}

/// What the big-library case measured.
struct BigLibrary {
    /// App built to its first rendered frame, and to the library read, ms.
    first_frame_ms: f64,
    loaded_ms: f64,
    /// Scrolling down over rows never shown.
    scroll: Scroll,
    /// Scrolling back up over the same rows, their thumbnails made.
    scroll_back: Scroll,
    /// Resident MiB before the case and its peak over the case.
    memory_mib: (f64, f64),
    /// Thumbnails cached after scrolling: count and bytes.
    thumbs: (usize, usize),
}

/// A generated library of 10,000 symbols and 50,000 scenes named at start-up.
fn big_library() -> BigLibrary {
    let base = library::load_bundled().expect("bundled").library;
    let dir = std::env::temp_dir().join(format!("hologlyph-frames-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp folder");
    let path = dir.join("big.toml");
    std::fs::write(
        &path,
        library::to_toml(&generated::generate(&base, 10_000, 50_000)),
    )
    .expect("write");
    // The generated copy of the symbol the default library's case shows, so both cases
    // draw the same hologram and inspector beside the grid.
    let shown = base
        .symbols
        .iter()
        .position(|s| s.id == "ascent")
        .map(|i| format!("ascent-{i}"))
        .expect("the bundled library has `ascent`");
    drop(base);
    generated::reset_peak();
    let (before, _) = generated::memory_mib();
    let start = Instant::now();
    let mut h = app_on(1.0, Some(path.clone()));
    h.render().expect("first frame renders");
    let first_frame_ms = start.elapsed().as_secs_f64() * 1e3;
    while h.state().state().loading.is_some() {
        h.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let loaded_ms = start.elapsed().as_secs_f64() * 1e3;
    while h.state().busy() {
        h.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    h.state_mut().push(Command::Go(Focus::symbol(shown)));
    h.state_mut().push(Command::SetGrid(true));
    h.run_steps(3);
    let scroll = scroll_ms(&mut h, 30, true);
    while h.state().busy() {
        h.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let scroll_back = scroll_ms(&mut h, 30, false);
    let thumbs = h.state().runtime().thumbs.cached();
    let (_, peak) = generated::memory_mib();
    let _ = std::fs::remove_dir_all(&dir);
    BigLibrary {
        first_frame_ms,
        loaded_ms,
        scroll,
        scroll_back,
        memory_mib: (before, peak),
        thumbs,
    }
}

fn main() {
    let start = Instant::now();
    let mut h = app(1.0);
    h.render().expect("first frame renders");
    let first_frame_ms = start.elapsed().as_secs_f64() * 1e3;
    let adapter = h.state().runtime().device_line();
    // Let the background work finish so it does not disturb the timings.
    while h.state().busy() {
        h.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    h.state_mut().push(Command::SetGrid(false));
    h.run_steps(3);
    let first_hologram_ms = h.state().first_hologram_ms();

    let frames = 30;
    let t = Instant::now();
    for _ in 0..frames {
        h.step();
    }
    let ui_ms = t.elapsed().as_secs_f64() * 1e3 / frames as f64;
    let t = Instant::now();
    for _ in 0..frames {
        h.step();
        h.render().expect("renders");
    }
    let frame_ms = t.elapsed().as_secs_f64() * 1e3 / frames as f64;
    let view = h.state().runtime().view_rect.expect("the view is drawn");
    // The same window without the hologram (a scene page): what the hologram itself costs.
    h.state_mut().push(Command::Go(Focus::Scene("Δ41".into())));
    h.run_steps(3);
    let t = Instant::now();
    for _ in 0..frames {
        h.step();
        h.render().expect("renders");
    }
    let page_ms = t.elapsed().as_secs_f64() * 1e3 / frames as f64;
    // Scrolling the browser's grid of the default library (46 symbols).
    h.state_mut()
        .push(Command::Go(Focus::symbol("ascent".to_string())));
    h.state_mut().push(Command::SetGrid(true));
    h.run_steps(3);
    let scroll_default = scroll_ms(&mut h, frames, true);
    // The big-library case starts its own app; this one (its device, workers and caches)
    // would otherwise sit beside it.
    drop(h);

    // A grid of 100 animated thumbnails: 100 holograms rendered per frame.
    let lib = library::load_bundled().expect("bundled library").library;
    let gpu = hologlyph::gpu::GpuContext::new().expect("a GPU adapter");
    let engine = GpuFieldEngine::with_context(gpu.clone()).expect("field engine");
    let renderer = HologramRenderer::new(&gpu.device, hologram::OFFSCREEN_FORMAT);
    let fonts = FontSet::bundled();
    let options = FieldOptions::default().with_size(96);
    let glyphs: Vec<_> = (0..100)
        .map(|i| {
            let s = &lib.symbols[i % lib.symbols.len()];
            let outline = lib.outline(&s.glyph, &fonts).expect("outline");
            let prep = Prepared::new(&outline, &options).expect("prepares");
            let fields = engine.dispatch(&prep).expect("fields");
            (fields, prep.grid.em_per_px as f32, s.style)
        })
        .collect();
    let grid_frames = 3;
    let t = Instant::now();
    for f in 0..grid_frames {
        for (fields, em, style) in &glyphs {
            let frame = Frame {
                time: f as f32 * 0.016,
                style: *style,
                ..Frame::default()
            };
            std::hint::black_box(
                hologram::render_offscreen(&gpu, &renderer, fields, *em, &frame, 96)
                    .expect("renders"),
            );
        }
    }
    let grid_ms = t.elapsed().as_secs_f64() * 1e3 / grid_frames as f64;

    println!("# Hologlyph frame benchmark (offscreen)");
    println!("adapter: {adapter}");
    println!("| what | ms per frame | frames/s |");
    println!("|---|---|---|");
    println!(
        "| UI pass only (layout, hover, no rendering), 1280×800 | {ui_ms:.1} | {:.0} |",
        1e3 / ui_ms
    );
    println!(
        "| hologram view 1280×800 (view {:.0}×{:.0} pt), egui pass + GPU render + readback | {frame_ms:.1} | {:.1} |",
        view.width(),
        view.height(),
        1e3 / frame_ms
    );
    println!(
        "| the same window on a scene page (no hologram), GPU render + readback | {page_ms:.1} | {:.1} |",
        1e3 / page_ms
    );
    println!(
        "| 100 animated thumbnails at 96², each rendered and read back | {grid_ms:.1} | {:.1} |",
        1e3 / grid_ms
    );
    println!(
        "start-up to the first rendered frame (harness, device, library, shaders): {first_frame_ms:.0} ms"
    );
    match first_hologram_ms {
        Some(ms) => {
            println!("app built to the first hologram drawn (fields in the background): {ms:.0} ms")
        }
        None => println!("no hologram was drawn"),
    }
    println!();
    println!(
        "| zoom ×9 on ⟁, 1280×800 | sharp fields | end of zoom → sharp on screen, ms | of which the job, ms |"
    );
    println!("|---|---|---|---|");
    for ppp in [1.0, 2.0] {
        let (total, job, size) = zoom_to_sharp(ppp);
        println!("| {ppp}× density | {size}² | {total:.0} | {job:.0} |");
    }
    println!("(the view waits 120 ms of stillness before asking; frames render in software here)");
    println!();
    let big = big_library();
    let thumbs = big.thumbs;
    println!("| 10,000 symbols, 50,000 scenes named at start-up | |");
    println!("|---|---|");
    println!(
        "| app built to its first rendered frame | {:.0} ms |",
        big.first_frame_ms
    );
    println!(
        "| app built to the library read (in the background) | {:.0} ms |",
        big.loaded_ms
    );
    let ratio = |s: Scroll| {
        format!(
            "{:.1} ({:.2}×), of which the UI pass {:.1} ({:.2}×)",
            s.frame_ms,
            s.frame_ms / scroll_default.frame_ms,
            s.ui_ms,
            s.ui_ms / scroll_default.ui_ms
        )
    };
    println!(
        "| scrolling the browser's grid down, ms per frame (default library: {:.1}, of which the UI pass {:.1}) | {} |",
        scroll_default.frame_ms,
        scroll_default.ui_ms,
        ratio(big.scroll)
    );
    println!(
        "| scrolling back up over the rows just shown, thumbnails made | {} |",
        ratio(big.scroll_back)
    );
    println!(
        "| resident memory before the case → peak over it | {:.0} → {:.0} MiB |",
        big.memory_mib.0, big.memory_mib.1
    );
    println!(
        "| thumbnails cached after scrolling | {} ({:.1} MiB) |",
        thumbs.0,
        thumbs.1 as f64 / (1 << 20) as f64
    );
}
