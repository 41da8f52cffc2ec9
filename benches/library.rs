//! Library scale benchmark: a generated library of 10,000 symbols and 50,000 scenes (built
//! from the bundled library's symbols, concepts and glyphs, written by Hologlyph's own
//! writer): load + validate, search, semantic index, top-10 neighbours, peak memory.
//! Run: `cargo bench --bench library`. HOLOGLYPH_BENCH_SYMBOLS / _SCENES change the size.

use std::sync::Arc;
use std::time::Instant;

use hologlyph::embedding::{SemanticIndex, ShapeIndex};
use hologlyph::library::search::SearchIndex;
use hologlyph::library::{self, Library, Scene, Symbol, Weighted};

/// A small deterministic generator (xorshift), so every run builds the same library.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn weight(&mut self) -> f32 {
        0.1 + (self.below(90) as f32) / 100.0
    }
}

fn components(rng: &mut Rng, base: &Library, n: usize) -> Vec<Weighted> {
    let mut out: Vec<Weighted> = Vec::new();
    while out.len() < n {
        let concept = base.concepts[rng.below(base.concepts.len())].name.clone();
        if !out.iter().any(|w| w.concept == concept) {
            out.push(Weighted {
                concept,
                weight: rng.weight(),
            });
        }
    }
    out
}

fn generate(base: &Library, symbols: usize, scenes: usize) -> Library {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut lib = Library {
        title: "generated".into(),
        description: "scale benchmark".into(),
        axes: base.axes.clone(),
        concepts: base.concepts.clone(),
        adapters: base.adapters.clone(),
        base_dir: base.base_dir.clone(),
        ..Library::default()
    };
    for j in 0..scenes {
        let template = &base.scenes[j % base.scenes.len()];
        lib.scenes.push(Arc::new(Scene {
            id: format!("Δ{j:05}").into(),
            title: format!("{} #{j}", template.title),
            text: template.text.clone(),
            components: components(&mut rng, base, 4),
            links: vec![format!("Δ{:05}", rng.below(scenes))],
            embedding: None,
            original: None,
        }));
    }
    for i in 0..symbols {
        let template = &base.symbols[i % base.symbols.len()];
        let mut s: Symbol = Symbol::clone(template);
        s.id = format!("{}-{i}", template.id).into();
        s.name = format!("{} {i}", template.name);
        s.components = components(&mut rng, base, 5);
        s.scenes = (0..3)
            .map(|_| format!("Δ{:05}", rng.below(scenes)).into())
            .collect();
        for r in &mut s.regions {
            r.scenes = vec![format!("Δ{:05}", rng.below(scenes)).into()];
        }
        lib.symbols.push(Arc::new(s));
    }
    lib
}

/// (current RSS, peak RSS) in MiB, from /proc/self/status.
fn memory_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Resets the peak-RSS counter (Linux `clear_refs` 5), so the next peak is this step's.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

/// The allocator the `hologlyph` binary uses, so that load times are the app's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let (n_symbols, n_scenes) = (
        env("HOLOGLYPH_BENCH_SYMBOLS", 10_000),
        env("HOLOGLYPH_BENCH_SCENES", 50_000),
    );
    let base = library::load_bundled().expect("bundled library").library;
    let dir = std::env::temp_dir().join(format!("hologlyph-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("generated.toml");
    {
        let lib = generate(&base, n_symbols, n_scenes);
        let text = library::to_toml(&lib);
        std::fs::write(&path, &text).expect("write");
        println!("# Hologlyph library benchmark");
        println!(
            "library: {n_symbols} symbols, {n_scenes} scenes, {} concepts; {:.1} MB of TOML",
            lib.concepts.len(),
            text.len() as f64 / 1e6
        );
    }
    let (rss0, _) = memory_mib();
    reset_peak();
    let start = Instant::now();
    let loaded = library::load(&path).expect("loads");
    let load_ms = ms(start);
    let (rss1, peak_load) = memory_mib();
    assert_eq!(loaded.library.symbols.len(), n_symbols);
    assert!(!loaded.has_errors(), "{:?}", loaded.problems.first());
    // A warm load: the same file from disk again, now in the page cache and with the
    // process's allocator and fonts warmed up (there is no parsed-library cache: every
    // load parses and validates).
    let start = Instant::now();
    let again = library::load(&path).expect("loads");
    let warm_ms = ms(start);
    assert_eq!(
        again.library, loaded.library,
        "a second load reads the same library"
    );
    drop(again);
    // The same text again, parse only vs parse + validate, to split the time.
    let text = std::fs::read_to_string(&path).expect("read");
    let mut load_str_ms = f64::INFINITY;
    for _ in 0..3 {
        let start = Instant::now();
        let _ = library::load_str(&text, &path);
        load_str_ms = load_str_ms.min(ms(start));
    }
    let start = Instant::now();
    let doc = toml_edit::Document::parse(text.as_str()).expect("parses");
    let parse_ms = ms(start);
    drop(doc);

    let lib = loaded.library;
    let start = Instant::now();
    let index = SearchIndex::new(&lib);
    let search_index_ms = ms(start);
    let queries = [
        "ascent",
        "U+27C1",
        "⟁",
        "heat fear",
        "alchemical",
        "breath body",
        "knot",
        "no such thing",
    ];
    let start = Instant::now();
    let mut hits = 0;
    for q in queries {
        hits += index.search(q).len();
    }
    let search_ms = ms(start) / queries.len() as f64;

    let start = Instant::now();
    let semantic = SemanticIndex::new(&lib);
    let semantic_ms = ms(start);
    let probes = 200;
    let start = Instant::now();
    for k in 0..probes {
        let i = (k * 7919) % lib.symbols.len();
        std::hint::black_box(semantic.similar_symbols(i, 10));
    }
    let symbols_nn_ms = ms(start) / probes as f64;
    let start = Instant::now();
    for k in 0..probes {
        let i = (k * 7919) % lib.symbols.len();
        std::hint::black_box(semantic.nearest_scenes(semantic.symbols.row(i), 10));
    }
    let scenes_nn_ms = ms(start) / probes as f64;

    // The shape index (every symbol's fields at 96², as the window builds it): cold with
    // an empty cache folder, then warm from what the cold run wrote. The generated symbols
    // repeat the bundled library's glyphs, and a cold run computes each symbol anyway.
    let cache = dir.join("shape-cache");
    let start = Instant::now();
    let cold = ShapeIndex::build_cached(&lib, 96, None, Some(&cache));
    let shape_cold_ms = ms(start);
    let start = Instant::now();
    let warm = ShapeIndex::build_cached(&lib, 96, None, Some(&cache));
    let shape_warm_ms = ms(start);
    assert_eq!(warm.computed, 0, "the warm run computes nothing");
    assert_eq!(warm.descriptors, cold.descriptors, "cached = computed");

    println!("| step | time |");
    println!("|---|---|");
    println!("| load + validate from disk (cold: the first load) | {load_ms:.0} ms |");
    println!("| load + validate from disk again (warm) | {warm_ms:.0} ms |");
    println!("| load + validate from memory (best of 3) | {load_str_ms:.0} ms |");
    println!("| of which TOML parsing alone | {parse_ms:.0} ms |");
    println!("| search index build | {search_index_ms:.1} ms |");
    println!(
        "| search, mean of {} queries ({hits} hits in all) | {search_ms:.2} ms |",
        queries.len()
    );
    println!(
        "| semantic index build ({} dims) | {semantic_ms:.0} ms |",
        semantic.dims.len()
    );
    println!("| top-10 similar symbols, mean of {probes} | {symbols_nn_ms:.2} ms |");
    println!("| top-10 nearest scenes, mean of {probes} | {scenes_nn_ms:.2} ms |");
    println!(
        "| shape index, cold ({} glyphs computed at 96² on {} workers) | {shape_cold_ms:.0} ms |",
        cold.computed,
        hologlyph::fields::batch::workers()
    );
    println!(
        "| shape index, warm (every descriptor from the disk cache) | {shape_warm_ms:.0} ms |"
    );
    println!(
        "memory: RSS {rss0:.0} MiB before load (the generator's leftovers), {rss1:.0} MiB after; peak during load {peak_load:.0} MiB (+{:.0}); semantic matrices {:.1} MiB",
        peak_load - rss0,
        (semantic.symbols.matrix.len() + semantic.scenes.matrix.len()) as f64 * 4.0 / 1048576.0
    );
    if std::env::var_os("HOLOGLYPH_BENCH_KEEP").is_some() {
        println!("kept: {}", path.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
