//! The map on the 10,000-symbol, 50,000-scene generated library: how long each layout takes
//! (the graph, PCA, t-SNE, the force layout), how soon the first map frame is on screen, and
//! frame times while zooming and panning it against scrolling the browser's grid in the same
//! run (the aim: no slower). Offscreen at 1280×800 through egui_kittest's wgpu renderer.
//! Run: `cargo bench --bench map` (`-- --quick` skips t-SNE and the force layout on the big
//! library, `-- --layouts` the window; `HOLOGLYPH_MAP_BENCH=symbols,scenes` sizes the
//! generated library).

use std::time::Instant;

#[path = "../tests/common/generated.rs"]
mod generated;

use egui_kittest::Harness;
use hologlyph::app::map::MapCommand;
use hologlyph::app::{Command, Focus, HologlyphApp, StartOptions, wgpu_setup};
use hologlyph::embedding::SemanticIndex;
use hologlyph::library::{self, Library};
use hologlyph::map::{LayoutInputs, LayoutKind, MapGraph, Projection, compute};

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// Layout times on `lib`, ms: graph, semantic index, PCA, t-SNE, force layout.
fn layouts(lib: &Library, quick: bool) -> [f64; 5] {
    let t = Instant::now();
    let graph = MapGraph::new(lib);
    let graph_ms = ms(t);
    let t = Instant::now();
    let semantic = SemanticIndex::new(lib);
    let semantic_ms = ms(t);
    let inputs = LayoutInputs {
        graph: &graph,
        semantic: &semantic,
        shape: None,
        imported: None,
    };
    let run = |kind, projection| {
        let t = Instant::now();
        compute(kind, projection, &inputs, 1, &|_| {}).expect("layout");
        ms(t)
    };
    let pca_ms = run(LayoutKind::Semantic, Projection::Pca);
    let (tsne_ms, force_ms) = if quick {
        (f64::NAN, f64::NAN)
    } else {
        (
            run(LayoutKind::Semantic, Projection::Tsne),
            run(LayoutKind::Graph, Projection::Pca),
        )
    };
    eprintln!(
        "  {} nodes, {} edges, {} dimensions",
        graph.len(),
        graph.edges.len(),
        semantic.symbols.dim()
    );
    [graph_ms, semantic_ms, pca_ms, tsne_ms, force_ms]
}

fn app_on(library: Option<std::path::PathBuf>) -> Harness<'static, HologlyphApp> {
    Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 800.0))
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

fn idle(h: &mut Harness<'static, HologlyphApp>, limit_s: u64) {
    let t = Instant::now();
    while h.state().busy() && t.elapsed().as_secs() < limit_s {
        h.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Ms per rendered frame over `frames` frames, each with `event` first: the whole frame and
/// the UI pass alone (egui's layout and the app's code, before rendering).
fn frames_ms(
    h: &mut Harness<'static, HologlyphApp>,
    frames: usize,
    event: impl Fn(usize) -> Vec<egui::Event>,
) -> (f64, f64) {
    let t = Instant::now();
    let mut ui = std::time::Duration::ZERO;
    for i in 0..frames {
        for e in event(i) {
            h.event(e);
        }
        let step = Instant::now();
        h.step();
        ui += step.elapsed();
        h.render().expect("renders");
    }
    (
        ms(t) / frames as f64,
        ui.as_secs_f64() * 1e3 / frames as f64,
    )
}

fn wheel(at: egui::Pos2, dy: f32) -> Vec<egui::Event> {
    vec![
        egui::Event::PointerMoved(at),
        egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, dy),
            modifiers: egui::Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        },
    ]
}

struct Window {
    /// From M to the first frame with the map's points, ms.
    first_map_frame_ms: f64,
    /// From M to the refined layout (t-SNE) on screen, ms.
    refined_ms: f64,
    /// Ms per frame (whole, UI pass): scrolling the grid, zooming the map in, out, panning it.
    grid_ms: (f64, f64),
    zoom_in_ms: (f64, f64),
    zoom_out_ms: (f64, f64),
    pan_ms: (f64, f64),
}

fn window(library: Option<std::path::PathBuf>, focus: &str) -> Window {
    let mut h = app_on(library);
    h.render().expect("first frame");
    while h.state().state().loading.is_some() {
        h.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    idle(&mut h, 600);
    h.state_mut().push(Command::Go(Focus::symbol(focus)));
    h.state_mut().push(Command::SetGrid(true));
    h.run_steps(3);
    idle(&mut h, 600);
    let grid_ms = frames_ms(&mut h, 30, |_| wheel(egui::pos2(150.0, 450.0), -120.0));
    idle(&mut h, 600);
    let t = Instant::now();
    h.state_mut().push(Command::Map(MapCommand::Toggle));
    let mut first_map_frame_ms = f64::NAN;
    loop {
        h.step();
        h.render().expect("renders");
        if h.state().state().map.placed.is_some() {
            first_map_frame_ms = ms(t);
            break;
        }
        if t.elapsed().as_secs() > 600 {
            break;
        }
    }
    loop {
        h.run_steps(1);
        if h.state()
            .state()
            .map
            .placed
            .as_ref()
            .is_some_and(|p| p.refined)
        {
            break;
        }
        if t.elapsed().as_secs() > 1200 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let refined_ms = ms(t);
    idle(&mut h, 600);
    let centre = egui::pos2(615.0, 460.0);
    let zoom_in_ms = frames_ms(&mut h, 30, |_| wheel(centre, 120.0));
    let zoom_out_ms = frames_ms(&mut h, 30, |_| wheel(centre, -120.0));
    h.event(egui::Event::PointerMoved(centre));
    h.event(egui::Event::PointerButton {
        pos: centre,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    let pan_ms = frames_ms(&mut h, 30, |i| {
        vec![egui::Event::PointerMoved(
            centre + egui::vec2(8.0 * i as f32, 4.0 * i as f32),
        )]
    });
    Window {
        first_map_frame_ms,
        refined_ms,
        grid_ms,
        zoom_in_ms,
        zoom_out_ms,
        pan_ms,
    }
}

fn report(name: &str, w: &Window) {
    println!("{name}:");
    println!(
        "  first map frame {:.0} ms after M; refined layout on screen after {:.0} ms",
        w.first_map_frame_ms, w.refined_ms
    );
    println!(
        "  grid scrolling   {:.1} ms/frame (UI pass {:.1})",
        w.grid_ms.0, w.grid_ms.1
    );
    for (what, (v, ui)) in [
        ("map zooming in ", w.zoom_in_ms),
        ("map zooming out", w.zoom_out_ms),
        ("map panning    ", w.pan_ms),
    ] {
        println!(
            "  {what}  {v:.1} ms/frame = {:.2}× the grid's (UI pass {ui:.1})",
            v / w.grid_ms.0
        );
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let base = library::load_bundled().expect("bundled").library;
    println!("layouts, ms: graph / semantic index / PCA / t-SNE / force");
    let small = layouts(&base, false);
    println!("  default library: {small:.1?}");
    // `HOLOGLYPH_MAP_BENCH=symbols,scenes` sizes the generated library (default 10,000 and
    // 50,000).
    let (symbols, scenes) = std::env::var("HOLOGLYPH_MAP_BENCH")
        .ok()
        .and_then(|v| {
            let (a, b) = v.split_once(',')?;
            Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
        })
        .unwrap_or((10_000, 50_000));
    let big = generated::generate(&base, symbols, scenes);
    let large = layouts(&big, quick);
    println!("  {symbols} symbols + {scenes} scenes: {large:.0?}");
    if std::env::args().any(|a| a == "--layouts") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("hologlyph-map-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp folder");
    let path = dir.join("big.toml");
    std::fs::write(&path, library::to_toml(&big)).expect("write");
    let shown = base
        .symbols
        .iter()
        .position(|s| s.id == "ascent")
        .map(|i| format!("ascent-{i}"))
        .expect("ascent");
    drop(big);
    report("window, default library", &window(None, "ascent"));
    generated::reset_peak();
    let (before, _) = generated::memory_mib();
    let w = window(Some(path), &shown);
    let name = format!("window, {symbols} symbols + {scenes} scenes");
    let (_, peak) = generated::memory_mib();
    report(&name, &w);
    println!("  resident memory {before:.0} MiB before, peak {peak:.0} MiB");
    let _ = std::fs::remove_dir_all(&dir);
}
