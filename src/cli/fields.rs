//! `fields`: one glyph's fields, or a batch of them with an index.json, written to a folder.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use serde::Serialize;

use super::args::{FieldArgs, FieldsArgs};
use super::source::{fonts, parse_range, single_outline};
use crate::fields::batch::map_batch;
use crate::fields::{FieldEngine, FieldOptions, Prepared};
use crate::glyph::FontSet;
use crate::output;

fn engine(field: &FieldArgs) -> FieldEngine {
    let engine = FieldEngine::new(field.backend);
    if let Some(notice) = &engine.notice {
        eprintln!("notice: {notice}");
    }
    engine
}

#[derive(Serialize)]
struct IndexEntry {
    character: String,
    code_point: String,
    folder: Option<String>,
    holes: Option<u32>,
    error: Option<String>,
}

#[derive(Serialize)]
struct BatchIndex<'a> {
    device: &'a str,
    size: u32,
    glyphs: usize,
    written: usize,
    seconds: f64,
    glyphs_per_second: f64,
    entries: Vec<IndexEntry>,
}

pub(super) fn fields_command(args: &FieldsArgs) -> Result<()> {
    let options = args.field.options()?;
    let batch = match (&args.source.chars, &args.source.range) {
        (Some(chars), _) => Some(
            chars
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<Vec<_>>(),
        ),
        (_, Some(range)) => Some(parse_range(range)?),
        _ => None,
    };
    let engine = engine(&args.field);
    let device = engine.device_name();
    let Some(chars) = batch else {
        let outline = single_outline(&args.source)?;
        // Prepared once: for the fields written to disk and for the GPU fields rendered.
        let start = Instant::now();
        let prep = Prepared::new(&outline, &options)?;
        let fields = engine.compute_prepared(&prep, start.elapsed().as_secs_f64() * 1e3)?;
        output::write_fields(
            &args.out,
            &fields,
            &outline.source,
            &device,
            options.density_sigma_em,
        )?;
        let d = &fields.descriptor;
        println!(
            "{}: {}×{} fields on {device} in {:.1} ms; holes {}, ink components {}, regions {} → {}",
            outline.source.describe(),
            fields.grid.size,
            fields.grid.size,
            fields.timings.prepare_ms + fields.timings.fields_ms + fields.timings.finish_ms,
            d.holes,
            d.ink_components,
            fields.region_list.len(),
            args.out.display()
        );
        return Ok(());
    };

    let fonts = fonts(&args.source)?;
    let start = Instant::now();
    let entries = map_batch(
        chars.len(),
        |i| batch_glyph(chars[i], &fonts, &engine, &options, &args.out, &device),
        |done, total| {
            if done.is_multiple_of(25) || done == total {
                eprintln!("[{done}/{total}] glyphs done");
            }
        },
    );
    let written = entries.iter().filter(|e| e.folder.is_some()).count();
    let seconds = start.elapsed().as_secs_f64();
    let index = BatchIndex {
        device: &device,
        size: options.size,
        glyphs: chars.len(),
        written,
        seconds,
        glyphs_per_second: written as f64 / seconds.max(1e-9),
        entries,
    };
    output::write_json(&args.out.join("index.json"), &index)?;
    println!(
        "{written} of {} glyphs written to {} in {seconds:.2} s ({:.1} glyphs/s on {device}); see index.json",
        chars.len(),
        args.out.display(),
        index.glyphs_per_second
    );
    Ok(())
}

/// Computes and writes one glyph of a batch; failures become the entry's error.
fn batch_glyph(
    c: char,
    fonts: &FontSet,
    engine: &FieldEngine,
    options: &FieldOptions,
    out: &Path,
    device: &str,
) -> IndexEntry {
    let code_point = format!("U+{:04X}", c as u32);
    let result = fonts
        .outline(c)
        .map_err(anyhow::Error::from)
        .and_then(|outline| {
            let fields = engine.compute(&outline, options)?;
            output::write_fields(
                &out.join(&code_point),
                &fields,
                &outline.source,
                device,
                options.density_sigma_em,
            )?;
            Ok(fields.descriptor.holes)
        });
    let (folder, holes, error) = match result {
        Ok(holes) => (Some(code_point.clone()), Some(holes), None),
        Err(e) => (None, None, Some(format!("{e:#}"))),
    };
    IndexEntry {
        character: c.to_string(),
        code_point,
        folder,
        holes,
        error,
    }
}
