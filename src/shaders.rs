//! The WGSL sources in `shaders/`, embedded at build time. Field passes are prefixed with
//! `common.wgsl` (WGSL has no includes).

pub const COMMON: &str = include_str!("../shaders/common.wgsl");
pub const DISTANCE: &str = include_str!("../shaders/distance.wgsl");
pub const CURVATURE: &str = include_str!("../shaders/curvature.wgsl");
pub const DENSITY: &str = include_str!("../shaders/density.wgsl");
pub const VOIDS: &str = include_str!("../shaders/voids.wgsl");
pub const REGIONS: &str = include_str!("../shaders/regions.wgsl");
pub const PACK: &str = include_str!("../shaders/pack.wgsl");
pub const HOLOGRAM: &str = include_str!("../shaders/hologram.wgsl");

/// A field pass's full source: the shared helpers, then the pass.
pub fn field_pass(pass: &str) -> String {
    format!("{COMMON}\n{pass}")
}

/// Every shader as it is handed to wgpu, by file name.
pub fn all() -> Vec<(&'static str, String)> {
    vec![
        ("distance.wgsl", field_pass(DISTANCE)),
        ("curvature.wgsl", field_pass(CURVATURE)),
        ("density.wgsl", field_pass(DENSITY)),
        ("voids.wgsl", field_pass(VOIDS)),
        ("regions.wgsl", field_pass(REGIONS)),
        ("pack.wgsl", field_pass(PACK)),
        ("hologram.wgsl", HOLOGRAM.to_string()),
    ]
}
