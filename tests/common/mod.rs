//! Helpers shared by the integration tests: one GPU engine per test binary, a copy of the
//! bundled library to change, and (`window`) the app under egui_kittest.

#![allow(dead_code)]

pub mod window;

use std::path::{Path, PathBuf};
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

/// A copy of the bundled library, with its adapter files, in `dir` (to edit and save).
pub fn library_copy(dir: &Path) -> PathBuf {
    let path = dir.join("lib.toml");
    std::fs::copy(hologlyph::library::bundled_path(), &path).expect("copy the library");
    let adapters = hologlyph::library::bundled_path().with_file_name("adapters");
    let to = dir.join("adapters");
    std::fs::create_dir_all(&to).expect("adapters folder");
    for e in std::fs::read_dir(adapters)
        .expect("bundled adapters")
        .flatten()
    {
        if e.path().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).expect("copy an adapter");
        }
    }
    path
}

/// A free X display number and its Xvfb server, killed on drop.
pub struct Xvfb {
    pub display: String,
    child: std::process::Child,
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_xvfb() -> Xvfb {
    let n = (70..99)
        .find(|n| !std::path::Path::new(&format!("/tmp/.X{n}-lock")).exists())
        .expect("a free display number");
    let child = std::process::Command::new("Xvfb")
        .args([
            format!(":{n}").as_str(),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("Xvfb runs (apt-get install xvfb, as .ci/run does)");
    let socket = format!("/tmp/.X11-unix/X{n}");
    let start = std::time::Instant::now();
    while !std::path::Path::new(&socket).exists() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "Xvfb did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Xvfb {
        display: format!(":{n}"),
        child,
    }
}
