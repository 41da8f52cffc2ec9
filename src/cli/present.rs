//! `present`: a tour on stage in the window (with a speaker window, looping, or as a
//! kiosk), or exported for slides when a live app is not possible: one PNG per step and
//! fragment, and `notes.md` with the captions and the speaker's notes.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;

use super::library::LibraryArg;
use crate::app::present::{PresentOptions, step_transform};
use crate::fields::{BackendChoice, FieldEngine, FieldOptions, Prepared};
use crate::geometry::EmPoint;
use crate::glyph::FontSet;
use crate::hologram::{self, Frame, HologramRenderer};
use crate::library::{Library, Tour};
use crate::output;

#[derive(Args, Debug)]
pub struct PresentArgs {
    /// The tour to present (default: the library's first); with --kiosk, the tours of the
    /// attract loop (default: all).
    pub tours: Vec<String>,
    #[command(flatten)]
    pub library: LibraryArg,
    /// Start again after the last step.
    #[arg(long = "loop")]
    pub looping: bool,
    /// Open the speaker window too (S toggles it).
    #[arg(long)]
    pub speaker: bool,
    /// Kiosk: fullscreen, no menus, dialogs or editing; visitors' changes are reset to the
    /// attract loop after --idle seconds; only Ctrl+Alt+Q leaves (Esc and Alt+F4 do not).
    #[arg(long)]
    pub kiosk: bool,
    /// A kiosk's idle seconds before the reset warning.
    #[arg(long, default_value_t = 60.0)]
    pub idle: f64,
    /// Stay in a window instead of going fullscreen.
    #[arg(long)]
    pub windowed: bool,
    /// Write the tour to this folder instead: a PNG per step (and per fragment), notes.md.
    #[arg(long)]
    pub export: Option<PathBuf>,
    /// Pixels per side of the exported pictures.
    #[arg(long, default_value_t = 1024)]
    pub size: u32,
}

pub fn present_command(args: &PresentArgs) -> Result<()> {
    if let Some(dir) = &args.export {
        return export_command(args, dir);
    }
    if !(args.idle.is_finite() && args.idle > 0.0) {
        bail!("--idle must be a positive number of seconds");
    }
    let loaded = args.library.load()?;
    for t in &args.tours {
        if loaded.library.tour(t).is_none() {
            bail!("{}", no_tour(&loaded.library, t));
        }
    }
    if loaded.library.tours.is_empty() {
        bail!(
            "{} has no tours to present (record one in the window with Ctrl+Shift+R)",
            args.library.path().display()
        );
    }
    crate::app::run(crate::app::StartOptions {
        library: Some(args.library.path()),
        started: Some(Instant::now()),
        recovery_dir: None,
        present: Some(PresentOptions {
            tours: args.tours.clone(),
            looping: args.looping,
            speaker: args.speaker,
            kiosk: args.kiosk,
            idle_s: Some(args.idle),
            windowed: args.windowed,
        }),
        shape_cache_dir: super::shape_cache_dir(),
        ..Default::default()
    })
}

fn no_tour(lib: &Library, id: &str) -> String {
    let known: Vec<&str> = lib.tours.iter().map(|t| t.id.as_str()).collect();
    format!(
        "the library has no tour “{id}”; its tours: {}",
        if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        }
    )
}

/// The file a step's picture is written to (fragments numbered after the step).
pub fn step_file(step: usize, fragment: Option<usize>) -> String {
    match fragment {
        Some(f) => format!("step-{:02}-{}.png", step + 1, f + 1),
        None => format!("step-{:02}.png", step + 1),
    }
}

fn export_command(args: &PresentArgs, dir: &std::path::Path) -> Result<()> {
    let loaded = args.library.load()?;
    let lib = &loaded.library;
    let tour: &Tour = match args.tours.as_slice() {
        [] => lib
            .tours
            .first()
            .context("the library has no tours to export")?,
        [one] => lib.tour(one).with_context(|| no_tour(lib, one))?,
        _ => bail!("--export writes one tour: name one"),
    };
    if !(16..=8192).contains(&args.size) {
        bail!("--size must be 16 to 8192 pixels");
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let engine = FieldEngine::new(BackendChoice::Gpu);
    let gpu = engine.gpu().context(
        "exporting renders holograms on a GPU adapter (on a machine without a GPU install Mesa's lavapipe: apt-get install mesa-vulkan-drivers)",
    )?;
    let cpu = FieldEngine::new(BackendChoice::Cpu);
    let renderer = HologramRenderer::new(&gpu.context().device, hologram::OFFSCREEN_FORMAT);
    let fonts = FontSet::bundled();
    let options = FieldOptions::DEFAULT.with_size(512);
    let mut notes = format!(
        "# {}\n\n",
        if tour.title.is_empty() {
            tour.id.as_str()
        } else {
            &tour.title
        }
    );
    let mut written = 0;
    for (i, step) in tour.steps.iter().enumerate() {
        let symbol = lib.symbol(&step.symbol).with_context(|| {
            format!(
                "step {} names symbol “{}”, which the library lacks",
                i + 1,
                step.symbol
            )
        })?;
        let outline = lib
            .outline(&symbol.glyph, &fonts)
            .with_context(|| format!("step {}: {}", i + 1, symbol.id))?;
        let prep = Prepared::new(&outline, &options)?;
        let gpu_fields = gpu.dispatch(&prep)?;
        // The region keys the highlight names come from the CPU twin of the same fields.
        let fields = cpu.compute_prepared(&prep, 0.0)?;
        let t = step_transform(step);
        let base = Frame {
            time: 0.0,
            style: step.style.unwrap_or(symbol.style),
            layer: step.layer.unwrap_or_default(),
            highlight: None,
            view_origin: t.origin,
            view_scale: t.scale,
        };
        let _ = writeln!(notes, "## {}. {}\n", i + 1, symbol.name);
        let fragments: Vec<Option<&String>> = if step.regions.is_empty() {
            vec![None]
        } else {
            step.regions.iter().map(Some).collect()
        };
        for (f, region) in fragments.iter().enumerate() {
            let highlight = region.and_then(|id| {
                let link = symbol.regions.iter().find(|r| r.id == **id)?;
                let (row, col) = fields
                    .grid
                    .px_from_em(EmPoint::new(link.anchor[0], link.anchor[1]))?;
                (fields.regions[[row, col]] != 0).then(|| fields.raw.region_keys[[row, col]])
            });
            let frame = Frame { highlight, ..base };
            let name = step_file(i, (fragments.len() > 1).then_some(f));
            let rgba = hologram::render_offscreen(
                gpu.context(),
                &renderer,
                &gpu_fields,
                prep.params.em_per_px,
                &frame,
                args.size,
            )?;
            output::write_png(&dir.join(&name), args.size, args.size, &rgba)?;
            written += 1;
            let label = region
                .and_then(|id| symbol.regions.iter().find(|r| r.id == **id))
                .map(|r| format!(" — {}", r.label))
                .unwrap_or_default();
            let _ = writeln!(notes, "![step {}{label}]({name})\n", i + 1);
        }
        let _ = writeln!(notes, "{}\n", step.caption);
        let _ = writeln!(
            notes,
            "*{} · {} register · {} s*\n",
            step.symbol, step.register, step.seconds
        );
        if !step.notes.trim().is_empty() {
            for line in step.notes.trim().lines() {
                let _ = writeln!(notes, "> {line}");
            }
            notes.push('\n');
        }
    }
    let notes_path = dir.join("notes.md");
    output::write_atomic(&notes_path, |f| {
        use std::io::Write as _;
        f.write_all(notes.as_bytes())
            .map_err(|error| output::OutputError::Io {
                path: notes_path.clone(),
                error,
            })
    })?;
    println!(
        "tour “{}”: {written} pictures and notes.md → {}",
        tour.id,
        dir.display()
    );
    Ok(())
}
