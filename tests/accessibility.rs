//! What a screen reader hears: the real binary under Xvfb on a private session bus with the
//! AT-SPI accessibility bus switched on, read by a real AT-SPI client
//! (`tests/accessibility/atspi_tree.py`, pyatspi). The menus, the search field, the panels'
//! controls and the hologram view must be there by name; the view says which symbol it shows.
//! Needs `dbus-x11`, `at-spi2-core` and `python3-pyatspi` (installed by `.ci/run`).

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::start_xvfb;

/// Children killed on drop (the session bus, the accessibility bus, the app).
struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[test]
fn a_screen_reader_reads_the_controls_and_what_the_view_shows() {
    let x = start_xvfb();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut procs = Processes(Vec::new());
    // A session bus of our own (dbus-daemon, in the foreground so that it dies with us).
    let mut bus = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-daemon runs (apt-get install dbus-x11, as .ci/run does)");
    let mut address = String::new();
    {
        use std::io::BufRead;
        let out = bus.stdout.take().expect("stdout");
        std::io::BufReader::new(out)
            .read_line(&mut address)
            .expect("the bus address");
    }
    let address = address.trim().to_string();
    procs.0.push(bus);
    procs.0.push(
        Command::new("/usr/libexec/at-spi-bus-launcher")
            .arg("--launch-immediately")
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("DISPLAY", &x.display)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the AT-SPI bus launcher runs (apt-get install at-spi2-core)"),
    );
    // Switch accessibility on, as a desktop does when a screen reader starts.
    let start = Instant::now();
    loop {
        let set = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.a11y.Bus",
                "/org/a11y/bus",
                "org.freedesktop.DBus.Properties.Set",
                "string:org.a11y.Status",
                "string:IsEnabled",
                "variant:boolean:true",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .output()
            .expect("dbus-send runs");
        if set.status.success() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the accessibility bus did not come up: {}",
            String::from_utf8_lossy(&set.stderr)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    procs.0.push(
        Command::new(env!("CARGO_BIN_EXE_hologlyph"))
            .args(["open", "--fresh"])
            .env("DISPLAY", &x.display)
            .env("HOME", dir.path())
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts"),
    );
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/accessibility/atspi_tree.py"
    );
    let view = "[image] hologram view: ⟁ Ascent through a triple conflict";
    let start = Instant::now();
    let tree = loop {
        let out = Command::new("/usr/bin/python3")
            .arg(script)
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .output()
            .expect("python3 runs (apt-get install python3-pyatspi)");
        let tree = String::from_utf8_lossy(&out.stdout).into_owned();
        if tree.contains(view) {
            break tree;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no hologram view in what the screen reader reads after 120 s:\n{tree}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    for expected in [
        "[application] hologlyph",
        "[push button] File",
        "[push button] Help",
        "[entry] Search symbols",
        "[toggle button] ⟁ Ascent through a triple conflict",
        "[push button] ◀ Back",
        "[toggle button] hologram",
        "[toggle button] distance",
        "[push button] copy character",
        view,
    ] {
        assert!(
            tree.contains(expected),
            "the screen reader does not read “{expected}”:\n{tree}"
        );
    }
}
