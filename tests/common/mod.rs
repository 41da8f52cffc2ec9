//! Helpers shared by the integration tests: one GPU engine per test binary.

#![allow(dead_code)]

use std::sync::OnceLock;

use hologlyph::fields::GpuFieldEngine;

/// The GPU field engine, built once per test binary. CI installs Mesa's lavapipe, so a
/// missing adapter is a failure, not a skip.
pub fn gpu() -> &'static GpuFieldEngine {
    static ENGINE: OnceLock<GpuFieldEngine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        GpuFieldEngine::new().unwrap_or_else(|e| {
            panic!("no GPU adapter for the GPU tests ({e}); install mesa-vulkan-drivers (lavapipe) as .ci/run does")
        })
    })
}

/// Largest absolute difference between two equally shaped arrays.
pub fn max_abs_diff(a: &ndarray::Array2<f32>, b: &ndarray::Array2<f32>) -> f32 {
    assert_eq!(a.dim(), b.dim());
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}
