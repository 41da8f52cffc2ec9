//! Library scale benchmark: a generated library of 10,000 symbols and 50,000 scenes (built
//! from the bundled library's symbols, concepts and glyphs, written by Hologlyph's own
//! writer): load + validate, search, semantic index, top-10 neighbours, peak memory.
//! Run: `cargo bench --bench library`. HOLOGLYPH_BENCH_SYMBOLS / _SCENES change the size.

use std::time::Instant;

use hologlyph::embedding::{SemanticIndex, ShapeIndex};
use hologlyph::library;
use hologlyph::library::search::SearchIndex;

#[path = "../tests/common/generated.rs"]
mod generated;
use generated::{generate, memory_mib, reset_peak};

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
