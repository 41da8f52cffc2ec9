//! The real binary in a real window: start Xvfb, run `hologlyph open --screenshot`, and
//! check that the picture it took has a hologram in it (not a blank or black view).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::start_xvfb;

fn read_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).expect("the screenshot exists"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("decodes");
    assert_eq!(info.color_type, png::ColorType::Rgba);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[test]
fn the_window_opens_and_shows_a_hologram() {
    let x = start_xvfb();
    let dir = tempfile::tempdir().expect("tempdir");
    let shot = dir.path().join("window.png");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hologlyph"))
        .args(["open", "--fresh", "--screenshot"])
        .arg(&shot)
        .env("DISPLAY", &x.display)
        .env("HOME", dir.path())
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("the window did not take its screenshot within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(status.success(), "the app failed:\n{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.contains("first hologram on screen after"))
        .unwrap_or_else(|| panic!("no screenshot line in:\n{stderr}"));
    println!("{line}");
    assert!(!stderr.contains("GPU reported an error"), "{stderr}");

    let (w, h, rgba) = read_png(&shot);
    assert_eq!((w, h), (1280, 800));
    // The hologram view is the square in the middle of the window: its middle third must
    // be lit — many distinct colours and real brightness, not a flat or black area.
    let (x0, x1, y0, y1) = (w * 2 / 5, w * 3 / 5, h * 2 / 5, h * 3 / 5);
    let mut colours = std::collections::HashSet::new();
    let mut bright = 0usize;
    let mut total = 0usize;
    for y in y0..y1 {
        for x in x0..x1 {
            let i = ((y * w + x) * 4) as usize;
            let px = [rgba[i], rgba[i + 1], rgba[i + 2]];
            colours.insert(px);
            if px.iter().map(|&c| c as u32).sum::<u32>() > 150 {
                bright += 1;
            }
            total += 1;
        }
    }
    assert!(
        colours.len() > 200,
        "only {} colours in the view",
        colours.len()
    );
    assert!(
        bright * 20 > total,
        "only {bright} of {total} pixels are lit"
    );
}

/// No graphics driver at all (no Vulkan ICD, no EGL vendor): the window cannot be drawn,
/// and the binary says so — what to install and what works without it — with exit code 1
/// and no panic; `hologlyph fields` still computes on the CPU.
#[test]
fn without_any_graphics_driver_the_window_says_what_to_install() {
    let x = start_xvfb();
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_hologlyph"))
            .args(args)
            .env("DISPLAY", &x.display)
            .env("HOME", dir.path())
            .env_remove("WAYLAND_DISPLAY")
            .env("VK_ICD_FILENAMES", "/nonexistent/icd.json")
            .env("__EGL_VENDOR_LIBRARY_FILENAMES", "/nonexistent/egl.json")
            .output()
            .expect("the binary starts")
    };
    let out = run(&["open", "--fresh"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("needs a graphics driver") && stderr.contains("mesa-vulkan-drivers"),
        "{stderr}"
    );

    let out_dir = dir.path().join("fields");
    let out = run(&[
        "fields",
        "--char",
        "⟁",
        "--size",
        "64",
        "--out",
        out_dir.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(out_dir.join("sdf.npy").is_file(), "{stderr}");
}
