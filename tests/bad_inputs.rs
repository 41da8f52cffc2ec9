//! The bad-input corpus (`tests/bad-inputs/<kind>/`): every case goes through the reader a
//! user's file goes through — the CLI for libraries, SVGs, path data, fonts and adapters,
//! the import function for `.npy` embeddings — and must give the error written in its
//! `.expect` file (or succeed, for `ok`), without a panic, within a time and memory bound,
//! and leave the file as it was. Every case is also replayed through its fuzz entry point
//! (`hologlyph::fuzz`), as are the fuzzers' findings, so what a fuzzer once found stays
//! fixed on stable.
//!
//! `UPDATE_EXPECT=1 cargo test --test bad_inputs` writes missing `.expect` files from what
//! the readers say now; read each one before committing it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A case that takes longer than this hangs (the debug build, on a busy 2-core machine;
/// the slowest case takes well under a second).
const TIME_BOUND: Duration = Duration::from_secs(30);
/// The CLI runs with this much address space (`ulimit -v`, KiB): a reader that allocates
/// what a header claims instead of what the file holds dies here and fails its case.
const MEMORY_BOUND_KIB: u64 = 3 * 1024 * 1024;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-inputs")
}

/// What a case gave: success, or the first line of its error.
#[derive(Debug, PartialEq)]
enum Outcome {
    Ok,
    Error(String),
}

impl Outcome {
    fn expect_text(&self) -> String {
        match self {
            Outcome::Ok => "ok".into(),
            Outcome::Error(line) => line.clone(),
        }
    }
}

/// Runs the CLI in `dir` (so messages name files as the case folder does) under the
/// memory bound; a non-zero exit is an error, whose first line is the first line of stderr.
fn cli(dir: &Path, args: &[&str]) -> Outcome {
    cli_lines(dir, args, false)
}

/// As [`cli`]; with `from_stdout`, the error's first line is the first line of stdout (where
/// `check` lists each problem at its file:line:column before its summary on stderr).
fn cli_lines(dir: &Path, args: &[&str], from_stdout: bool) -> Outcome {
    let out_dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_BOUND_KIB}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_hologlyph"))
        .args(args)
        .current_dir(dir)
        // The CLI's caches and settings go to a throw-away home.
        .env("HOME", out_dir.path())
        .env("XDG_CACHE_HOME", out_dir.path())
        .env("XDG_DATA_HOME", out_dir.path())
        .env("TMPDIR", out_dir.path())
        .output()
        .expect("run hologlyph");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "hologlyph {args:?} panicked:\n{stderr}"
    );
    if out.status.success() {
        return Outcome::Ok;
    }
    assert_eq!(
        out.status.code(),
        Some(1),
        "hologlyph {args:?} ended by a signal or with an unexpected code (out of memory?):\n{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let text = if from_stdout && !stdout.trim().is_empty() {
        &stdout
    } else {
        &stderr
    };
    let first = text.lines().next().unwrap_or("").to_string();
    Outcome::Error(first)
}

/// One case through its reader: the command a user would type.
fn run_case(kind: &str, dir: &Path, name: &str) -> Outcome {
    let fields = |source: &[&str]| {
        let out = tempfile::tempdir().expect("tempdir");
        let out = out.path().to_str().expect("utf-8 temp path").to_string();
        let mut args = vec!["fields"];
        args.extend_from_slice(source);
        args.extend_from_slice(&["--backend", "cpu", "--size", "64", "--out", &out]);
        cli(dir, &args)
    };
    match kind {
        "library" => {
            let cli = cli_lines(dir, &["check", name], true);
            // The library API lists the same problem first.
            let api = match hologlyph::library::load(&dir.join(name)) {
                Ok(loaded) if !loaded.has_errors() => Outcome::Ok,
                Ok(loaded) => {
                    let first = loaded.errors().next().expect("an error").to_string();
                    Outcome::Error(first.replace(&format!("{}/", dir.display()), ""))
                }
                Err(e) => Outcome::Error(e.to_string().replace(&format!("{}/", dir.display()), "")),
            };
            match (&cli, &api) {
                (Outcome::Ok, Outcome::Ok) => {}
                (Outcome::Error(c), Outcome::Error(a)) => {
                    assert!(
                        c.contains(a.as_str()),
                        "{name}: check says {c:?}, the API {a:?}"
                    )
                }
                _ => panic!("{name}: check says {cli:?}, the API {api:?}"),
            }
            cli
        }
        "svg" => fields(&["--svg", name]),
        "path" => {
            let data = std::fs::read_to_string(dir.join(name)).expect("path data is text");
            fields(&["--path", &data])
        }
        "font" => {
            // A case named `…-U+XXXX.ttf` asks for that character.
            let asked = name
                .split_once("-U+")
                .map_or("A".to_string(), |(_, rest)| format!("U+{}", &rest[..4]));
            fields(&["--font", name, "--char", &asked])
        }
        "safetensors" | "peft" => cli(dir, &["adapter", name]),
        "npy" => match hologlyph::embedding::load_external(&dir.join(name), &dir.join("ids.txt")) {
            Ok(_) => Outcome::Ok,
            Err(e) => Outcome::Error(
                e.to_string()
                    .replace(&format!("{}/", dir.display()), "")
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string(),
            ),
        },
        other => panic!("no reader for kind {other:?}"),
    }
}

/// A fuzz entry point: bytes in, the user's error (or nothing) out.
type Entry = fn(&[u8]) -> Result<(), String>;

/// The fuzz entry point a case of `kind` replays through.
fn fuzz_entry(kind: &str) -> Option<Entry> {
    use hologlyph::fuzz;
    Some(match kind {
        "library" => fuzz::library_text,
        "svg" => fuzz::svg_file,
        "path" => |d: &[u8]| fuzz::path_data(&[&[0u8][..], d].concat()),
        "font" => |d: &[u8]| fuzz::font(&[&(b'A' as u32).to_le_bytes()[..], d].concat()),
        "safetensors" => fuzz::safetensors,
        "npy" => fuzz::npy,
        "edits" => fuzz::edits,
        _ => return None,
    })
}

fn digest(path: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    if path.is_dir() {
        let mut all: Vec<_> = std::fs::read_dir(path)
            .expect("read case folder")
            .flat_map(|e| digest(&e.expect("entry").path()))
            .collect();
        all.sort();
        all
    } else {
        vec![(path.to_path_buf(), std::fs::read(path).expect("read case"))]
    }
}

/// The cases of a kind: every file (every folder, for PEFT) but the `.expect` files and
/// the shared ids list.
fn cases(kind_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(kind_dir)
        .expect("kind folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".expect") && n != "ids.txt")
        .collect();
    names.sort();
    names
}

#[test]
fn every_committed_bad_input_gives_its_expected_error() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    let mut kinds: Vec<_> = std::fs::read_dir(corpus())
        .expect("tests/bad-inputs")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    kinds.sort();
    for kind_dir in kinds {
        let kind = kind_dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        for name in cases(&kind_dir) {
            let case = kind_dir.join(&name);
            let before = digest(&case);
            if let Some(entry) = fuzz_entry(&kind)
                && case.is_file()
            {
                let _ = entry(&before[0].1);
            }
            if kind == "edits" {
                count += 1;
                continue;
            }
            let start = Instant::now();
            let outcome = run_case(&kind, &kind_dir, &name);
            let took = start.elapsed();
            count += 1;
            assert!(took < TIME_BOUND, "{kind}/{name} took {took:?}");
            assert!(
                digest(&case) == before,
                "{kind}/{name}: the reader changed the input"
            );
            let expect_path = kind_dir.join(format!("{name}.expect"));
            let expected = std::fs::read_to_string(&expect_path).ok();
            let got = outcome.expect_text();
            match expected {
                Some(e) if e.trim_end() == got => {}
                None if update => {
                    std::fs::write(&expect_path, format!("{got}\n")).expect("write .expect");
                }
                Some(e) if update => {
                    failures.push(format!(
                        "{kind}/{name}:\n  expected {}\n  got      {got}",
                        e.trim_end()
                    ));
                }
                other => failures.push(format!(
                    "{kind}/{name}:\n  expected {}\n  got      {got}",
                    other.as_deref().map_or("(no .expect file)", str::trim_end)
                )),
            }
            // A case named `*-ok` must be accepted; every other case must be refused, and
            // its message must name the file it is about (the PEFT folder; path data comes
            // from the command line and has no file).
            match (&outcome, name.contains("-ok")) {
                (Outcome::Ok, true) => {}
                (Outcome::Ok, false) => failures.push(format!("{kind}/{name}: accepted")),
                (Outcome::Error(line), true) => {
                    failures.push(format!("{kind}/{name}: refused: {line}"))
                }
                (Outcome::Error(line), false) => {
                    let stem = name.split('.').next().expect("name");
                    if kind != "path" && !line.contains(stem) {
                        failures.push(format!("{kind}/{name}: the file is not named: {line}"));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(count >= 60, "only {count} cases");
}

/// Cases too big to commit, made here: a path of more than a million segments (the
/// engine's limit, `MAX_SEGMENTS`), and a library of 10,000 symbols that all share one id.
#[test]
fn generated_big_inputs_are_refused_within_bounds() {
    use hologlyph::fields::{FieldOptions, Prepared};
    use hologlyph::glyph::{FillRule, outline_from_path_data};

    const SEGMENTS: u32 = 1_200_000;
    let start = Instant::now();
    let mut data = String::from("M 0 0");
    for i in 0..SEGMENTS {
        let x = (i % 1000) as f32 * 1e-3;
        let y = (i / 1000) as f32 * 1e-3;
        data.push_str(&format!(" L {x} {y}"));
    }
    data.push_str(" Z");
    let outline = outline_from_path_data(&data, FillRule::NonZero).expect("parses");
    let Err(err) = Prepared::new(&outline, &FieldOptions::default().with_size(64)) else {
        panic!("{SEGMENTS} segments are accepted");
    };
    assert!(
        err.to_string().contains("more than") && err.to_string().contains("line segments"),
        "{err}"
    );
    assert!(
        start.elapsed() < TIME_BOUND,
        "a million segments took {:?}",
        start.elapsed()
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("duplicates.toml");
    let mut text = String::from("format = \"hologlyph-library\"\nversion = 1\ntitle = \"dup\"\n");
    for _ in 0..10_000 {
        text.push_str(
            "\n[[symbol]]\nid = \"same\"\nname = \"s\"\nglyph = { char = \"⟁\" }\nlineage = \"graph\"\n",
        );
    }
    std::fs::write(&path, &text).expect("write");
    let start = Instant::now();
    let loaded = hologlyph::library::load(&path).expect("reads");
    let duplicates = loaded
        .errors()
        .filter(|p| p.to_string().contains("duplicate symbol id `same`"))
        .count();
    assert_eq!(duplicates, 9_999, "each repeat of the id is an error");
    let first = loaded.errors().next().expect("an error").to_string();
    assert!(first.contains("duplicates.toml:12:"), "{first}");
    match cli_lines(dir.path(), &["check", "duplicates.toml"], true) {
        Outcome::Error(line) => assert!(line.contains("duplicates.toml:12:"), "{line}"),
        Outcome::Ok => panic!("10,000 duplicate ids pass check"),
    }
    assert!(
        start.elapsed() < TIME_BOUND,
        "10,000 duplicates took {:?}",
        start.elapsed()
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
}
