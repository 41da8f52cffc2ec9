//! Helpers shared by the integration tests: one GPU engine per test binary, a copy of the
//! bundled library to change, and (`window`) the app under egui_kittest.

#![allow(dead_code)]

pub mod generated;
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

/// An Xvfb server on a display number it chose itself, stopped on drop.
pub struct Xvfb {
    pub display: String,
    child: std::process::Child,
}

impl Drop for Xvfb {
    /// SIGTERM first: Xvfb then removes its `/tmp/.X{n}-lock` and socket. A SIGKILL leaves
    /// both behind, and enough of them used up every display number a fixed scan would try.
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = std::process::Command::new("kill")
            .args(["-TERM", pid.as_str()])
            .status();
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts Xvfb with `-displayfd 1`: the server takes the first display number that is free
/// (it clears stale lock files of dead servers itself) and writes it on its stdout once it
/// accepts connections.
pub fn start_xvfb() -> Xvfb {
    use std::io::BufRead;
    let mut child = std::process::Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("Xvfb runs (apt-get install xvfb, as .ci/run does)");
    let stdout = child.stdout.take().expect("Xvfb's stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .unwrap_or_default();
    let n: u32 = match line.trim().parse() {
        Ok(n) => n,
        Err(_) => {
            let _ = child.kill();
            let status = child.wait();
            panic!("Xvfb did not report a display number (it said {line:?}; {status:?})");
        }
    };
    Xvfb {
        display: format!(":{n}"),
        child,
    }
}
