//! The one-call GPU benchmark (`bash benches/gpu.sh`): what a data-centre or desktop GPU
//! does with the field engine and the renderer. Prints the adapter, glyphs per second for
//! the Alchemical Symbols block at 256² through the batch path (one wait per batch) and
//! glyph by glyph, ms per glyph at 512² and 1024², and the time of one 1080² hologram frame
//! rendered offscreen (the view of a 1920×1080 window is a 1080-pixel square) and read back,
//! and, where the adapter has timestamp queries, each pass's GPU time over one batch.
//! Runs on lavapipe too, where the numbers say little about a real GPU.

use std::time::Instant;

use hologlyph::fields::{Backend, FieldEngine, FieldOptions, Prepared};
use hologlyph::glyph::{FontSet, Outline};
use hologlyph::hologram::{self, Frame, HologramRenderer};

fn main() {
    let start = Instant::now();
    let engine = FieldEngine::new(Backend::Gpu);
    let Some(gpu) = engine.gpu().filter(|_| engine.backend() == Backend::Gpu) else {
        eprintln!(
            "no GPU adapter ({}): install the Vulkan loader (libvulkan1) and the GPU's Vulkan driver",
            engine.notice.as_deref().unwrap_or("none found")
        );
        std::process::exit(1);
    };
    let ctx = gpu.context();
    println!("# Hologlyph GPU benchmark");
    println!(
        "adapter: {}{}",
        ctx.adapter_name(),
        if ctx.is_software() {
            " (a software rasterizer on the CPU: these numbers are not a GPU's)"
        } else {
            ""
        }
    );

    let fonts = FontSet::bundled();
    let block: Vec<Outline> = (0x1F700u32..=0x1F773)
        .filter_map(char::from_u32)
        .filter_map(|c| fonts.outline(c).ok())
        .collect();
    let refs: Vec<&Outline> = block.iter().collect();
    let options = FieldOptions::DEFAULT;
    // Warm up: pipelines and the driver's first allocations.
    for result in engine.compute_many(&refs[..4], &options) {
        result.expect("the warm-up computes");
    }

    println!();
    println!("| what | glyphs | N | ms per glyph | glyphs/s |");
    println!("|---|---|---|---|---|");
    let row = |what: &str, glyphs: usize, size: u32, seconds: f64| {
        println!(
            "| {what} | {glyphs} | {size} | {:.3} | {:.0} |",
            seconds * 1e3 / glyphs as f64,
            glyphs as f64 / seconds
        );
    };
    // The block three times over, so a fast GPU runs long enough to measure.
    let repeated: Vec<&Outline> = (0..3).flat_map(|_| refs.iter().copied()).collect();
    let t = Instant::now();
    let results = engine.compute_many(&repeated, &options);
    let batch_s = t.elapsed().as_secs_f64();
    assert!(results.iter().all(Result::is_ok), "every glyph computes");
    drop(results);
    row(
        "batch path, prepare to descriptor",
        repeated.len(),
        256,
        batch_s,
    );

    let t = Instant::now();
    for outline in &refs {
        engine.compute(outline, &options).expect("computes");
    }
    row(
        "glyph by glyph, one wait each",
        refs.len(),
        256,
        t.elapsed().as_secs_f64(),
    );

    let t = Instant::now();
    for outline in &refs {
        let prep = Prepared::new(outline, &options).expect("prepares");
        gpu.compute(&prep).expect("computes");
    }
    row(
        "the passes and read-back only (prepared on the CPU first)",
        refs.len(),
        256,
        t.elapsed().as_secs_f64(),
    );

    for (size, count) in [(512u32, 24usize), (1024, 8)] {
        let options = FieldOptions::DEFAULT.with_size(size);
        let t = Instant::now();
        let results = engine.compute_many(&refs[..count], &options);
        let seconds = t.elapsed().as_secs_f64();
        assert!(results.iter().all(Result::is_ok), "every glyph computes");
        row("batch path, prepare to descriptor", count, size, seconds);
    }

    // Where the GPU's time goes: each pass over one batch, from timestamp queries.
    let preps: Vec<Prepared> = refs
        .iter()
        .take(64)
        .map(|o| Prepared::new(o, &options).expect("prepares"))
        .collect();
    let prep_refs: Vec<&Prepared> = preps.iter().collect();
    println!();
    match gpu.pass_gpu_times(&prep_refs).expect("the passes run") {
        Some(times) => {
            let total: f64 = times.iter().map(|(_, ms)| ms).sum();
            println!(
                "GPU time per pass (timestamp queries), one batch of {} glyphs at 256²: {} ms in all, {:.3} ms per glyph",
                preps.len(),
                format_args!("{total:.2}"),
                total / preps.len() as f64
            );
            println!();
            println!("| pass | ms for the batch |");
            println!("|---|---|");
            for (pass, ms) in times {
                println!("| {pass} | {ms:.3} |");
            }
        }
        None => println!("GPU time per pass: this adapter has no timestamp queries"),
    }

    // One hologram frame of a 1920×1080 window's view.
    let outline = fonts.outline('⟁').expect("bundled fonts cover ⟁");
    let prep = Prepared::new(&outline, &FieldOptions::DEFAULT.with_size(1024)).expect("prepares");
    let fields = gpu.dispatch(&prep).expect("computes");
    let renderer = HologramRenderer::new(&ctx.device, hologram::OFFSCREEN_FORMAT);
    let em = prep.grid.em_per_px as f32;
    let frame = |i: usize| Frame {
        time: i as f32 / 60.0,
        ..Frame::default()
    };
    hologram::render_offscreen(ctx, &renderer, &fields, em, &frame(0), 1080).expect("renders");
    let frames = 10;
    let t = Instant::now();
    for i in 0..frames {
        std::hint::black_box(
            hologram::render_offscreen(ctx, &renderer, &fields, em, &frame(i), 1080)
                .expect("renders"),
        );
    }
    println!();
    println!(
        "hologram frame, 1080² offscreen from 1024² fields, read back: {:.2} ms",
        t.elapsed().as_secs_f64() * 1e3 / frames as f64
    );
    println!("whole benchmark: {:.1} s", start.elapsed().as_secs_f64());
}
