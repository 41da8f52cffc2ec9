//! `render` and `demo`: holograms and field layers rendered to PNG, and the seed's demo folder.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};

use super::args::{DemoArgs, RenderArgs};
use super::source::single_outline;
use crate::fields::{BackendChoice, FieldEngine, FieldOptions, GpuFieldEngine, Prepared};
use crate::glyph::{self, FontSet};
use crate::hologram::{self, Frame, HologramRenderer, Layer, Style};
use crate::output;

/// Computes fields on the GPU and renders one frame.
fn render_outline(
    gpu: &GpuFieldEngine,
    renderer: &HologramRenderer,
    prep: &Prepared,
    frames: &[(Frame, PathBuf)],
    image_size: u32,
) -> Result<()> {
    let fields = gpu.dispatch(prep)?;
    for (frame, path) in frames {
        let rgba = hologram::render_offscreen(
            gpu.context(),
            renderer,
            &fields,
            prep.params.em_per_px,
            frame,
            image_size,
        )?;
        output::write_png(path, image_size, image_size, &rgba)?;
    }
    Ok(())
}

/// `count` frames of the hologram's animation from `first.time`, `fps` a second.
pub(super) fn animation_frames(
    gpu: &GpuFieldEngine,
    renderer: &HologramRenderer,
    prep: &Prepared,
    first: Frame,
    count: u32,
    fps: u16,
    image_size: u32,
) -> Result<Vec<Vec<u8>>> {
    let fields = gpu.dispatch(prep)?;
    let instance = renderer.instance(&gpu.context().device, &fields, prep.params.em_per_px);
    (0..count)
        .map(|k| {
            let frame = Frame {
                time: first.time + k as f32 / fps as f32,
                ..first
            };
            Ok(hologram::render_offscreen_row(
                gpu.context(),
                renderer,
                &[(&instance, frame)],
                image_size,
            )?)
        })
        .collect()
}

pub(super) fn render_command(args: &RenderArgs) -> Result<()> {
    let options = args.field.options()?;
    let outline = single_outline(&args.source)?;
    // The renderer reads the fields as GPU textures, so they are computed there.
    let engine = FieldEngine::new(BackendChoice::Gpu);
    let gpu = engine.gpu().context("rendering needs a GPU adapter (on a machine without a GPU install Mesa's lavapipe: apt-get install mesa-vulkan-drivers)")?;
    let renderer = HologramRenderer::new(&gpu.context().device, hologram::OFFSCREEN_FORMAT);
    let image_size = args.image_size.unwrap_or(options.size).clamp(16, 8192);
    let frame = Frame {
        time: args.time,
        style: args.style,
        layer: args.layer,
        ..Frame::default()
    };
    let prep = Prepared::new(&outline, &options)?;
    if let Some(output) = &args.output {
        render_outline(
            gpu,
            &renderer,
            &prep,
            &[(frame, output.clone())],
            image_size,
        )?;
        println!("{} → {}", outline.source.describe(), output.display());
    }
    if args.apng.is_none() && args.gif.is_none() {
        return Ok(());
    }
    if !(1..=2000).contains(&args.frames) || args.fps == 0 || args.fps > 100 {
        anyhow::bail!("--frames must be 1 to 2000 and --fps 1 to 100");
    }
    let frames = animation_frames(
        gpu,
        &renderer,
        &prep,
        frame,
        args.frames,
        args.fps,
        image_size,
    )?;
    for (path, write) in [
        (&args.apng, output::write_apng as fn(_, _, _, _, _) -> _),
        (&args.gif, output::write_gif),
    ] {
        if let Some(path) = path {
            write(path, image_size, image_size, &frames, args.fps)?;
            println!(
                "{} → {} ({} frames at {} fps)",
                outline.source.describe(),
                path.display(),
                frames.len(),
                args.fps
            );
        }
    }
    Ok(())
}

pub(super) fn demo_command(args: &DemoArgs) -> Result<()> {
    let options = FieldOptions::DEFAULT.with_size(args.size);
    let engine = FieldEngine::new(BackendChoice::Auto);
    if let Some(notice) = &engine.notice {
        eprintln!("notice: {notice}");
    }
    let device = engine.device_name();
    let renderer = engine
        .gpu()
        .map(|gpu| HologramRenderer::new(&gpu.context().device, hologram::OFFSCREEN_FORMAT));
    let fonts = FontSet::bundled();
    let library = crate::library::load_bundled()?.library;
    let semantic = crate::embedding::SemanticIndex::new(&library);
    for &(c, _) in glyph::samples::SEED_GLYPHS {
        let outline = fonts.outline(c)?;
        let name = format!("U+{:04X}", c as u32);
        let dir = args.out.join(&name);
        // Prepared once: for the fields written to disk and for the GPU fields rendered.
        let start = Instant::now();
        let prep = Prepared::new(&outline, &options)?;
        let fields = engine.compute_prepared(&prep, start.elapsed().as_secs_f64() * 1e3)?;
        output::write_fields(
            &dir,
            &fields,
            &outline.source,
            &device,
            options.density_sigma_em,
            output::Durability::Synced,
        )?;
        if let (Some(renderer), Some(gpu)) = (&renderer, engine.gpu()) {
            let styles = [
                Style::Hieroglyph,
                Style::Alchemical,
                Style::Topological,
                Style::Graph,
            ];
            let layers = [
                Layer::Distance,
                Layer::Curvature,
                Layer::Density,
                Layer::Voids,
                Layer::Regions,
            ];
            let mut frames: Vec<(Frame, PathBuf)> = styles
                .iter()
                .map(|&style| {
                    (
                        Frame {
                            time: 1.0,
                            style,
                            ..Frame::default()
                        },
                        dir.join(format!("hologram-{}.png", style.name())),
                    )
                })
                .collect();
            frames.extend(layers.iter().map(|&layer| {
                (
                    Frame {
                        layer,
                        ..Frame::default()
                    },
                    dir.join(format!("layer-{}.png", layer.name())),
                )
            }));
            render_outline(gpu, renderer, &prep, &frames, args.size)?;
        }
        // The five steps from the bundled library: the seed's protocol, its sound and gesture.
        let unfolded = crate::protocol::run(
            &library,
            &semantic,
            Some(&fields),
            &c.to_string(),
            None,
            crate::library::Register::Poetry,
        )?;
        output::write_json(&dir.join("unfold.json"), &unfolded)?;
        unfolded.outputs.sound.write_wav(&dir.join("sound.wav"))?;
        unfolded
            .outputs
            .gesture
            .write_svg(&dir.join("gesture.svg"))?;
        println!(
            "{} {}: holes {}, regions {}, {:.1} ms on {device}; ≈ {}; scenes {}; adapter \"{}\" → {}",
            c,
            name,
            fields.descriptor.holes,
            fields.region_list.len(),
            fields.timings.prepare_ms + fields.timings.fields_ms + fields.timings.finish_ms,
            unfolded.recognition.formula,
            unfolded
                .scenes
                .iter()
                .take(2)
                .map(|h| h.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            unfolded.adapter().map_or("", |a| a.name.as_str()),
            display(&dir)
        );
    }
    Ok(())
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
