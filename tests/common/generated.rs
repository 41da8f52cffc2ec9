//! A big library made from the bundled one, the same on every run, and the process's
//! memory: the library bench, the frames bench and the window's big-library test use it
//! (the benches `#[path]`-include it).

use std::sync::Arc;

use hologlyph::library::{Library, Scene, Symbol, Weighted};

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

/// `symbols` symbols and `scenes` scenes built from `base`'s symbols, scenes and concepts.
pub fn generate(base: &Library, symbols: usize, scenes: usize) -> Library {
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
pub fn memory_mib() -> (f64, f64) {
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
pub fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
