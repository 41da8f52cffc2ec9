//! Field engine benchmark: ms per glyph for the full field set and for distance alone, GPU
//! path and CPU twin, against msdfgen (the C++ library), fdsm (a Rust msdfgen) and a
//! brute-force loop, all measured in one run so the ratios hold on a shared, noisy machine;
//! the CPU twin pass by pass; and a whole `hologlyph fields` batch process against msdfgen.
//! Run: `cargo bench --bench fields`.
//!
//! HOLOGLYPH_BENCH_GLYPHS=N caps the glyphs per size (default 200 at 256², fewer above);
//! HOLOGLYPH_BENCH_CPU_ONLY=1 prints only the CPU twin's pass split, the one-thread
//! comparison with the peers and the whole batch process (a minute instead of several).

use std::time::Instant;

use hologlyph::fields::batch::map_batch;
use hologlyph::fields::{FieldEngine, FieldOptions, Prepared, cpu, finish};
use hologlyph::glyph::{self, FillRule, FontSet, Outline, bundled_fonts, samples};

/// Noto Sans Symbols: the bundled font the reference timings in the issue were taken on.
const SYMBOLS_FONT: usize = 2;

fn symbols_glyphs(count: usize) -> Vec<(char, Outline)> {
    let font = &bundled_fonts()[SYMBOLS_FONT];
    let mut out = Vec::new();
    for cp in (0x2000u32..0x1FFFF).chain(0x1F700..0x1F780) {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        if out.len() >= count {
            break;
        }
        if font.covers(c)
            && let Ok(outline) = font.outline(c)
            && !out.iter().any(|(o, _): &(char, Outline)| *o == c)
        {
            out.push((c, outline));
        }
    }
    out
}

/// The plain baseline: every pixel loops over every flattened segment, row by row, one
/// thread; sign by even-odd crossing count.
fn brute_force(prep: &Prepared, lines: &[glyph::Line]) -> Vec<f32> {
    let n = prep.grid.size as usize;
    let segs: Vec<[f32; 4]> = lines
        .iter()
        .map(|l| [l.a.x as f32, l.a.y as f32, l.b.x as f32, l.b.y as f32])
        .collect();
    let mut out = vec![0.0f32; n * n];
    let e = prep.params.em_per_px;
    for row in 0..n {
        let y = prep.params.y0 - (row as f32 + 0.5) * e;
        for col in 0..n {
            let x = prep.params.x0 + (col as f32 + 0.5) * e;
            let mut best = f32::MAX;
            let mut inside = false;
            for s in &segs {
                let (ax, ay, bx, by) = (s[0], s[1], s[2], s[3]);
                let (dx, dy) = (bx - ax, by - ay);
                let t = (((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy).max(1e-30))
                    .clamp(0.0, 1.0);
                let (qx, qy) = (x - ax - t * dx, y - ay - t * dy);
                best = best.min(qx * qx + qy * qy);
                if (ay > y) != (by > y) && x < ax + (y - ay) * dx / dy {
                    inside = !inside;
                }
            }
            out[row * n + col] = if inside { -best.sqrt() } else { best.sqrt() };
        }
    }
    out
}

/// The outline as an fdsm shape in pixel units of `prep`'s grid (curves kept as curves, as
/// msdfgen and fdsm take them).
fn fdsm_shape(outline: &Outline, prep: &Prepared) -> fdsm::shape::Shape<fdsm::shape::Contour> {
    use fdsm::bezier::{Point, Segment};
    use lyon::path::PathEvent;
    let g = prep.grid;
    let px = |p: lyon::math::Point| {
        Point::new(
            (p.x as f64 - g.x0) / g.em_per_px,
            (g.y0 - p.y as f64) / g.em_per_px,
        )
    };
    let mut shape = fdsm::shape::Shape::default();
    for s in &outline.shapes {
        let mut contour = fdsm::shape::Contour::default();
        for event in s.path.iter() {
            match event {
                PathEvent::Begin { .. } => contour = fdsm::shape::Contour::default(),
                PathEvent::Line { from, to } => {
                    contour.segments.push(Segment::line(px(from), px(to)))
                }
                PathEvent::Quadratic { from, ctrl, to } => {
                    contour
                        .segments
                        .push(Segment::quad(px(from), px(ctrl), px(to)))
                }
                PathEvent::Cubic {
                    from,
                    ctrl1,
                    ctrl2,
                    to,
                } => contour
                    .segments
                    .push(Segment::cubic(px(from), px(ctrl1), px(ctrl2), px(to))),
                PathEvent::End { last, first, .. } => {
                    if last != first {
                        contour.segments.push(Segment::line(px(last), px(first)));
                    }
                    shape.contours.push(std::mem::take(&mut contour));
                }
            }
        }
    }
    shape
}

fn fdsm_sdf(outline: &Outline, prep: &Prepared) -> image::ImageBuffer<image::Luma<f32>, Vec<f32>> {
    let shape = fdsm_shape(outline, prep);
    let prepared = shape.prepare();
    let n = prep.grid.size;
    let mut img = image::ImageBuffer::<image::Luma<f32>, Vec<f32>>::new(n, n);
    fdsm::generate::generate_sdf(&prepared, n as f64, &mut img);
    img
}

/// msdfgen's single-channel SDF of `outline` on `prep`'s grid (curves kept as curves, the
/// default generator config), as signed em with the ink negative, row 0 at the top.
fn msdfgen_sdf(outline: &Outline, prep: &Prepared) -> Vec<f32> {
    use lyon::path::PathEvent;
    use msdfgen::{Contour, EdgeColor, EdgeHolder, Framing, GeneratorConfig, Shape};
    let p = |p: lyon::math::Point| (p.x as f64, p.y as f64);
    let mut shape = Shape::default();
    for s in &outline.shapes {
        let mut contour = Contour::default();
        for event in s.path.iter() {
            let edge = match event {
                PathEvent::Begin { .. } => {
                    contour = Contour::default();
                    continue;
                }
                PathEvent::Line { from, to } => {
                    EdgeHolder::new_linear(p(from), p(to), EdgeColor::White)
                }
                PathEvent::Quadratic { from, ctrl, to } => {
                    EdgeHolder::new_quadratic(p(from), p(ctrl), p(to), EdgeColor::White)
                }
                PathEvent::Cubic {
                    from,
                    ctrl1,
                    ctrl2,
                    to,
                } => EdgeHolder::new_cubic(p(from), p(ctrl1), p(ctrl2), p(to), EdgeColor::White),
                PathEvent::End { last, first, .. } => {
                    if last != first {
                        contour.add_edge(&EdgeHolder::new_linear(
                            p(last),
                            p(first),
                            EdgeColor::White,
                        ));
                    }
                    shape.add_contour(&contour);
                    continue;
                }
            };
            contour.add_edge(&edge);
        }
    }
    let g = prep.grid;
    let n = g.size;
    let range = 0.25;
    // msdfgen's pixel (x, y), y up from the bottom row, is at (x + ½, y + ½) / scale − translate.
    let bottom = g.y0 - n as f64 * g.em_per_px;
    let framing = Framing::new(range, 1.0 / g.em_per_px, (-g.x0, -bottom));
    let mut bitmap = msdfgen::Bitmap::<msdfgen::Gray<f32>>::new(n, n);
    shape.generate_sdf(&mut bitmap, framing, GeneratorConfig::default());
    let px = bitmap.pixels();
    let n = n as usize;
    (0..n * n)
        .map(|i| {
            let (row, col) = (i / n, i % n);
            -(px[(n - 1 - row) * n + col].v - 0.5) * range as f32
        })
        .collect()
}

#[derive(Default)]
struct Samples(Vec<f64>);

impl Samples {
    fn time<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.0.push(start.elapsed().as_secs_f64() * 1e3);
        out
    }
    fn mean(&self) -> f64 {
        self.0.iter().sum::<f64>() / self.0.len().max(1) as f64
    }
}

/// The allocator the `hologlyph` binary uses (fdsm allocates through it too; msdfgen's C++
/// does not).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cap: Option<usize> = std::env::var("HOLOGLYPH_BENCH_GLYPHS")
        .ok()
        .and_then(|v| v.parse().ok());
    let engine = FieldEngine::new(hologlyph::fields::Backend::Gpu);
    let gpu = engine.gpu().expect(
        "the benchmark needs a GPU adapter (lavapipe: apt-get install mesa-vulkan-drivers)",
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("# Hologlyph field benchmark");
    println!(
        "device: {}; CPU twin threads: {cores}; fdsm and brute force: 1 thread",
        engine.device_name()
    );

    let all = symbols_glyphs(200);
    let segs: Vec<usize> = all
        .iter()
        .map(|(_, o)| {
            let prep = Prepared::new(o, &FieldOptions::DEFAULT).expect("prepares");
            prep.flattened_segments
        })
        .collect();
    println!(
        "glyphs: {} of Noto Sans Symbols, {:.0} line segments each on average at 256² (default tolerance: 1/8000 of the glyph)",
        all.len(),
        segs.iter().sum::<usize>() as f64 / segs.len() as f64
    );
    if std::env::var_os("HOLOGLYPH_BENCH_CPU_ONLY").is_some() {
        cpu_pass_split(&all);
        one_thread_against_peers(&all);
        whole_batch_process();
        return;
    }
    // Warm up: shader compilation happens on first use.
    let warm = Prepared::new(&all[0].1, &FieldOptions::DEFAULT).expect("prepares");
    gpu.compute(&warm).expect("GPU");
    gpu.distance(&warm).expect("GPU");

    println!();
    println!(
        "| N | glyphs (ours / fdsm) | GPU full | GPU distance | CPU full | CPU distance | brute force distance | fdsm SDF | fdsm ÷ GPU full | fdsm ÷ CPU full |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (size, ours, theirs) in [(256usize, 200usize, 40usize), (512, 60, 10), (1024, 20, 3)] {
        let ours = cap.map_or(ours, |c| c.min(ours)).min(all.len());
        let theirs = cap.map_or(theirs, |c| c.min(theirs)).min(ours);
        let options = FieldOptions::DEFAULT.with_size(size as u32);
        let [
            mut gpu_full,
            mut gpu_dist,
            mut cpu_full,
            mut cpu_dist,
            mut brute,
            mut fdsm_t,
        ] = std::array::from_fn(|_| Samples::default());
        for (i, (_, outline)) in all.iter().take(ours).enumerate() {
            let prep = Prepared::new(outline, &options).expect("prepares");
            gpu_full.time(|| {
                let prep = Prepared::new(outline, &options).expect("prepares");
                let raw = gpu.compute(&prep).expect("GPU");
                finish(
                    &prep,
                    raw,
                    hologlyph::fields::Backend::Gpu,
                    Default::default(),
                )
            });
            gpu_dist.time(|| gpu.distance(&prep).expect("GPU"));
            cpu_full.time(|| cpu_fields(outline, &options));
            cpu_dist.time(|| cpu::distance(&prep));
            if i < theirs {
                let flat = glyph::flatten(outline, prep.tolerance).expect("flattens");
                brute.time(|| brute_force(&prep, &flat.lines));
                fdsm_t.time(|| fdsm_sdf(outline, &prep));
            }
        }
        println!(
            "| {size} | {ours} / {theirs} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.1}× | {:.1}× |",
            gpu_full.mean(),
            gpu_dist.mean(),
            cpu_full.mean(),
            cpu_dist.mean(),
            brute.mean(),
            fdsm_t.mean(),
            fdsm_t.mean() / gpu_full.mean(),
            fdsm_t.mean() / cpu_full.mean(),
        );
    }

    cpu_pass_split(&all);
    one_thread_against_peers(&all);

    println!();
    println!("## The seed's glyphs (one glyph each; ms)");
    println!(
        "| glyph | segments | N | prepare | GPU full | GPU distance | CPU full | CPU distance | fdsm SDF |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for &(c, _) in samples::SEED_GLYPHS {
        let outline = FontSet::bundled()
            .outline(c)
            .expect("bundled fonts cover the seed");
        for size in [256u32, 512, 1024] {
            let options = FieldOptions::DEFAULT.with_size(size);
            let [mut prep_t, mut a, mut b, mut cf, mut cd, mut f] =
                std::array::from_fn(|_| Samples::default());
            let prep = prep_t.time(|| Prepared::new(&outline, &options).expect("prepares"));
            a.time(|| gpu.compute(&prep).expect("GPU"));
            b.time(|| gpu.distance(&prep).expect("GPU"));
            cf.time(|| cpu::compute(&prep));
            cd.time(|| cpu::distance(&prep));
            f.time(|| fdsm_sdf(&outline, &prep));
            println!(
                "| {c} | {} | {size} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
                prep.flattened_segments,
                prep_t.mean(),
                a.mean(),
                b.mean(),
                cf.mean(),
                cd.mean(),
                f.mean()
            );
        }
    }

    println!();
    println!("## Where the GPU time goes (each pass submitted and waited for alone; ms)");
    let probe = &all.iter().find(|(c, _)| *c == '🜍').unwrap_or(&all[0]);
    let mut header = false;
    for size in [256u32, 512, 1024] {
        let prep =
            Prepared::new(&probe.1, &FieldOptions::DEFAULT.with_size(size)).expect("prepares");
        let timings = gpu.pass_timings(&prep).expect("GPU");
        if !header {
            println!(
                "| glyph | N | {} |",
                timings
                    .iter()
                    .map(|(l, _)| l.trim_start_matches("fields."))
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
            println!("|---|---|{}", "---|".repeat(timings.len()));
            header = true;
        }
        println!(
            "| {} | {size} | {} |",
            probe.0,
            timings
                .iter()
                .map(|(_, ms)| format!("{ms:.2}"))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }

    println!();
    println!("## Thousands of segments");
    println!(
        "| glyph | segments | N | GPU full | GPU distance | CPU distance | brute force distance |"
    );
    println!("|---|---|---|---|---|---|---|");
    let star =
        glyph::outline_from_path_data(&samples::star_path(2000, 0.3, 0.45), FillRule::NonZero)
            .expect("star");
    let at = FontSet::bundled().outline('@').expect("covered");
    for (name, outline, tolerance) in [
        ("star (4000 lines)", &star, None),
        ("@ at 1e-6 em", &at, Some(1e-6)),
    ] {
        for size in [256u32, 512] {
            let options = FieldOptions::DEFAULT
                .with_size(size)
                .with_tolerance(tolerance);
            let prep = Prepared::new(outline, &options).expect("prepares");
            let flat = glyph::flatten(outline, prep.tolerance).expect("flattens");
            let [mut a, mut b, mut c, mut d] = std::array::from_fn(|_| Samples::default());
            a.time(|| gpu.compute(&prep).expect("GPU"));
            b.time(|| gpu.distance(&prep).expect("GPU"));
            c.time(|| cpu::distance(&prep));
            d.time(|| brute_force(&prep, &flat.lines));
            println!(
                "| {name} | {} | {size} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
                flat.lines.len(),
                a.mean(),
                b.mean(),
                c.mean(),
                d.mean()
            );
        }
    }

    println!();
    println!(
        "## Batch throughput: the Alchemical Symbols block (U+1F700..U+1F77F) at 256², one worker per core"
    );
    let fonts = FontSet::bundled();
    let block: Vec<Outline> = (0x1F700u32..=0x1F77F)
        .filter_map(char::from_u32)
        .filter_map(|c| fonts.outline(c).ok())
        .collect();
    let options = FieldOptions::DEFAULT;
    let mut per_glyph = Vec::new();
    let cpu_engine = FieldEngine::new(hologlyph::fields::Backend::Cpu);
    for (name, engine) in [
        ("GPU (full field set)", &engine),
        ("CPU twin (full field set)", &cpu_engine),
    ] {
        let start = Instant::now();
        let results = map_batch(
            block.len(),
            |i| engine.compute(&block[i], &options),
            |_, _| {},
        );
        assert!(
            results.iter().all(Result::is_ok),
            "every glyph of the block computes"
        );
        per_glyph.push((
            name,
            start.elapsed().as_secs_f64() * 1e3 / block.len() as f64,
        ));
    }
    let start = Instant::now();
    map_batch(
        block.len(),
        |i| {
            let prep = Prepared::new(&block[i], &options).expect("prepares");
            fdsm_sdf(&block[i], &prep)
        },
        |_, _| {},
    );
    let fdsm_ms = start.elapsed().as_secs_f64() * 1e3 / block.len() as f64;
    per_glyph.push(("fdsm (distance only)", fdsm_ms));
    println!("| what | ms per glyph | glyphs/s | fdsm ÷ this |");
    println!("|---|---|---|---|");
    for (name, ms) in per_glyph {
        println!(
            "| {name} | {ms:.2} | {:.1} | {:.1}× |",
            1e3 / ms,
            fdsm_ms / ms
        );
    }
    whole_batch_process();
}

/// The full field set on the CPU twins, preparation to descriptor: what "CPU full" times.
fn cpu_fields(outline: &Outline, options: &FieldOptions) -> (hologlyph::fields::Fields, Prepared) {
    let prep = Prepared::new(outline, options).expect("prepares");
    let raw = cpu::compute(&prep);
    let fields = finish(
        &prep,
        raw,
        hologlyph::fields::Backend::Cpu,
        Default::default(),
    );
    (fields, prep)
}

/// Runs `f` on a pool of one worker: the CPU twin single-threaded.
fn one_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool")
        .install(f)
}

/// The CPU twin pass by pass, one thread and every worker, at 256² and 1024².
fn cpu_pass_split(all: &[(char, Outline)]) {
    println!();
    println!(
        "## The CPU twin pass by pass (mean ms per glyph; one thread / {} workers)",
        hologlyph::fields::batch::workers()
    );
    const PASSES: [&str; 8] = [
        "prepare",
        "distance",
        "curvature",
        "density",
        "voids",
        "region keys",
        "finish",
        "total",
    ];
    println!("| N | glyphs | {} |", PASSES.join(" | "));
    println!("|---|---|{}", "---|".repeat(PASSES.len()));
    for (size, count) in [(256u32, 40usize), (1024, 6)] {
        let options = FieldOptions::DEFAULT.with_size(size);
        let glyphs = &all[..count.min(all.len())];
        let run = || {
            let mut t: [Samples; 7] = std::array::from_fn(|_| Samples::default());
            for (_, outline) in glyphs {
                let prep = t[0].time(|| Prepared::new(outline, &options).expect("prepares"));
                let (sdf, nearest) = t[1].time(|| cpu::distance(&prep));
                let curvature = t[2].time(|| cpu::curvature(&prep.params, &sdf));
                let density = t[3].time(|| cpu::density(&prep.params, &sdf));
                let (labels, voids) = t[4].time(|| cpu::voids(&prep.params, &sdf));
                let region_keys = t[5].time(|| cpu::regions(&prep, &sdf, &labels, &nearest));
                let raw = hologlyph::fields::RawFields {
                    sdf,
                    nearest,
                    curvature,
                    density,
                    voids,
                    labels,
                    region_keys,
                };
                t[6].time(|| {
                    finish(
                        &prep,
                        raw,
                        hologlyph::fields::Backend::Cpu,
                        Default::default(),
                    )
                });
            }
            t.map(|s| s.mean())
        };
        let single = one_thread(run);
        let pooled = run();
        let cells: Vec<String> = single
            .iter()
            .chain([&single.iter().sum::<f64>()])
            .zip(pooled.iter().chain([&pooled.iter().sum::<f64>()]))
            .map(|(a, b)| format!("{a:.2} / {b:.2}"))
            .collect();
        println!("| {size} | {} | {} |", glyphs.len(), cells.join(" | "));
    }
}

/// The full field set on one thread against msdfgen's and fdsm's single-channel SDF of
/// the same glyphs on one thread, at 256²; and how far msdfgen's distances are from ours
/// (curves against our flattening: a check that both computed the same field).
fn one_thread_against_peers(all: &[(char, Outline)]) {
    println!();
    println!("## One thread, 256²: our full field set against the peers' distance alone");
    let options = FieldOptions::DEFAULT;
    let glyphs = &all[..40.min(all.len())];
    let [mut ours, mut ms, mut fd] = std::array::from_fn(|_| Samples::default());
    let mut worst = 0.0f32;
    one_thread(|| {
        for (_, outline) in glyphs {
            let (fields, prep) = ours.time(|| cpu_fields(outline, &options));
            let theirs = ms.time(|| msdfgen_sdf(outline, &prep));
            fd.time(|| fdsm_sdf(outline, &prep));
            for (a, b) in fields.raw.sdf.iter().zip(&theirs) {
                worst = worst.max((a - b).abs() / prep.params.em_per_px);
            }
        }
    });
    println!("| what | ms per glyph | msdfgen ÷ this |");
    println!("|---|---|---|");
    for (name, t) in [
        (
            "Hologlyph CPU twin, full field set (prepare to descriptor)",
            &ours,
        ),
        ("msdfgen generateSDF (C++)", &ms),
        ("fdsm generate_sdf", &fd),
    ] {
        println!(
            "| {name} | {:.2} | {:.1}× |",
            t.mean(),
            ms.mean() / t.mean()
        );
    }
    println!(
        "{} glyphs; largest |msdfgen − ours| over every pixel: {worst:.3} px",
        glyphs.len()
    );
}

/// `hologlyph fields --range U+1F700..U+1F773 --size 256 --backend cpu` as a user runs it (the
/// whole process: start-up, fonts, every field of every glyph written to disk, index.json)
/// against msdfgen's single-channel SDF of the same glyphs on one thread.
fn whole_batch_process() {
    // The process three times, each into a fresh folder; the fastest counts (the others
    // are printed too: this machine is shared and noisy).
    let mut runs = Vec::new();
    let mut last = None;
    for _ in 0..3 {
        let out = tempfile::tempdir_in(std::env::temp_dir()).expect("a temporary folder");
        let start = Instant::now();
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_hologlyph"))
            .args([
                "fields",
                "--range",
                "U+1F700..U+1F773",
                "--size",
                "256",
                "--backend",
                "cpu",
                "--out",
            ])
            .arg(out.path())
            .stderr(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .status()
            .expect("hologlyph runs");
        runs.push(start.elapsed().as_secs_f64());
        assert!(status.success(), "the batch process succeeds");
        last = Some(out);
    }
    let out = last.expect("three runs");
    let seconds = runs.iter().copied().fold(f64::INFINITY, f64::min);
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("index.json")).expect("index.json"))
            .expect("index.json parses");
    let written = index["written"].as_u64().unwrap_or(0) as usize;
    let fonts = FontSet::bundled();
    let glyphs: Vec<Outline> = (0x1F700u32..=0x1F773)
        .filter_map(char::from_u32)
        .filter_map(|c| fonts.outline(c).ok())
        .collect();
    let mut ms = Samples::default();
    one_thread(|| {
        for outline in &glyphs {
            let prep = Prepared::new(outline, &FieldOptions::DEFAULT).expect("prepares");
            ms.time(|| msdfgen_sdf(outline, &prep));
        }
    });
    let ours = seconds * 1e3 / written.max(1) as f64;
    println!();
    println!(
        "Whole `hologlyph fields --range U+1F700..U+1F773 --size 256 --backend cpu` process ({} workers), fastest of {:.2?} s: {written} glyphs written in {seconds:.2} s, {ours:.2} ms per glyph; msdfgen's SDF alone of the same {} glyphs on one thread: {:.2} ms per glyph; msdfgen ÷ ours: {:.1}×",
        hologlyph::fields::batch::workers(),
        runs,
        glyphs.len(),
        ms.mean(),
        ms.mean() / ours
    );
}
