//! `fields`: one glyph's fields, or a batch of them with an index.json, written to a folder.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::args::{FieldArgs, FieldsArgs, Shard};
use super::source::{fonts, parse_range, single_outline};
use crate::fields::batch::map_batch;
use crate::fields::{Backend, FieldEngine, Fields, Prepared};
use crate::glyph::{GlyphSource, Outline};
use crate::output;

fn engine(field: &FieldArgs) -> FieldEngine {
    let engine = FieldEngine::new(field.backend);
    if let Some(notice) = &engine.notice {
        eprintln!("notice: {notice}");
    }
    engine
}

#[derive(Serialize, Deserialize, Clone)]
struct IndexEntry {
    character: String,
    code_point: String,
    folder: Option<String>,
    holes: Option<u32>,
    error: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct BatchIndex {
    device: String,
    size: u32,
    /// `[K, N]` for shard K of N (absent for a whole batch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shard: Option<[usize; 2]>,
    glyphs: usize,
    written: usize,
    seconds: f64,
    glyphs_per_second: f64,
    entries: Vec<IndexEntry>,
}

pub(super) fn fields_command(args: &FieldsArgs) -> Result<()> {
    if args.merge_index {
        return merge_index(&args.out);
    }
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
    let batch = match (batch, args.shard) {
        (Some(chars), Some(Shard { k, n })) => Some(
            chars
                .into_iter()
                .enumerate()
                .filter(|(i, _)| i % n == k - 1)
                .map(|(_, c)| c)
                .collect(),
        ),
        (None, Some(_)) => bail!("--shard splits a batch: give --chars or --range"),
        (batch, None) => batch,
    };
    let mut engine = engine(&args.field);
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
            output::Durability::Synced,
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
    // Computing runs on rayon's workers; one writer thread puts the results on disk, each
    // file renamed into place without waiting for the disk, and the whole folder is made
    // durable once at the end (before index.json is written).
    let (to_writer, written_by_writer) = std::sync::mpsc::sync_channel::<Written>(64);
    let out = args.out.clone();
    let writer_device = device.clone();
    let sigma = options.density_sigma_em;
    let writer = std::thread::spawn(move || {
        let mut failed = std::collections::HashMap::new();
        for (code_point, fields, source) in written_by_writer {
            if let Err(e) = output::write_fields(
                &out.join(&code_point),
                &fields,
                &source,
                &writer_device,
                sigma,
                output::Durability::Deferred,
            ) {
                failed.insert(code_point, e.to_string());
            }
        }
        failed
    });
    let progress = |done: usize, total: usize| {
        if done.is_multiple_of(25) || done == total {
            eprintln!("[{done}/{total}] glyphs done");
        }
    };
    let mut entries = if engine.backend() == Backend::Gpu {
        // The GPU computes a chunk of glyphs per wait (`FieldEngine::compute_many`).
        let mut entries = Vec::with_capacity(chars.len());
        for chunk in chars.chunks(GPU_CHUNK) {
            let outlines = map_batch(chunk.len(), |i| fonts.outline(chunk[i]), |_, _| {});
            let drawn: Vec<&Outline> = outlines.iter().filter_map(|o| o.as_ref().ok()).collect();
            let mut results = engine.compute_many(&drawn, &options);
            // A lost device loses the chunk (as a lost device or a failed read-back): open
            // a new one (or go on on the CPU) and compute the chunk again.
            let failed = results.iter().any(|r| r.is_err());
            if failed && let Some(line) = engine.recover() {
                eprintln!("notice: {line}");
                results = engine.compute_many(&drawn, &options);
            }
            let mut computed = results.into_iter();
            for (&c, outline) in chunk.iter().zip(outlines) {
                let result = match outline {
                    Ok(outline) => computed
                        .next()
                        .expect("one result per drawn outline")
                        .map_err(anyhow::Error::from)
                        .and_then(|fields| send(c, fields, &outline.source, &to_writer)),
                    Err(e) => Err(e.into()),
                };
                entries.push(index_entry(c, result));
            }
            eprintln!("[{}/{}] glyphs done", entries.len(), chars.len());
        }
        entries
    } else {
        map_batch(
            chars.len(),
            |i| {
                let c = chars[i];
                let result = fonts
                    .outline(c)
                    .map_err(anyhow::Error::from)
                    .and_then(|outline| {
                        let fields = engine.compute(&outline, &options)?;
                        send(c, fields, &outline.source, &to_writer)
                    });
                index_entry(c, result)
            },
            progress,
        )
    };
    drop(to_writer);
    let failed = writer
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    for entry in &mut entries {
        if let Some(error) = failed.get(&entry.code_point) {
            entry.folder = None;
            entry.holes = None;
            entry.error = Some(error.clone());
        }
    }
    output::sync_folder(&args.out)?;
    let written = entries.iter().filter(|e| e.folder.is_some()).count();
    let seconds = start.elapsed().as_secs_f64();
    let index = BatchIndex {
        device: device.clone(),
        size: options.size,
        shard: args.shard.map(|s| [s.k, s.n]),
        glyphs: chars.len(),
        written,
        seconds,
        glyphs_per_second: written as f64 / seconds.max(1e-9),
        entries,
    };
    let index_name = match args.shard {
        Some(Shard { k, n }) => format!("index.shard-{k}-of-{n}.json"),
        None => "index.json".to_string(),
    };
    output::write_json(&args.out.join(&index_name), &index)?;
    println!(
        "{written} of {} glyphs written to {} in {seconds:.2} s ({:.1} glyphs/s on {device}); see {index_name}",
        chars.len(),
        args.out.display(),
        index.glyphs_per_second
    );
    Ok(())
}

/// A glyph's fields on their way to the writer thread: its folder name, the fields and
/// where the outline came from.
type Written = (String, Fields, GlyphSource);

/// Glyphs per GPU chunk in a batch: each chunk is outlined, computed with one wait and
/// handed to the writer before the next starts.
const GPU_CHUNK: usize = 64;

/// The folder name of a glyph in a batch.
fn folder_of(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// Hands a glyph's fields to the writer thread; its number of holes for the index.
fn send(
    c: char,
    fields: Fields,
    source: &GlyphSource,
    writer: &std::sync::mpsc::SyncSender<Written>,
) -> Result<u32> {
    let holes = fields.descriptor.holes;
    writer
        .send((folder_of(c), fields, source.clone()))
        .map_err(|_| anyhow::anyhow!("the writer thread stopped"))?;
    Ok(holes)
}

/// A glyph's line in index.json; a failure becomes its error (the writer's own failures
/// are filled in after the batch).
fn index_entry(c: char, result: Result<u32>) -> IndexEntry {
    let code_point = folder_of(c);
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

/// Joins `index.shard-K-of-N.json` for every K of one N in `out` into `index.json`: the
/// entries in code-point order, the counts summed, and the slowest shard's time (shards run
/// side by side).
fn merge_index(out: &Path) -> Result<()> {
    let mut shards: Vec<(usize, usize, std::path::PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(out)
        .with_context(|| format!("cannot read {}", out.display()))?
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(kn) = name
            .strip_prefix("index.shard-")
            .and_then(|r| r.strip_suffix(".json"))
        else {
            continue;
        };
        let parsed = kn
            .split_once("-of-")
            .and_then(|(k, n)| Some((k.parse().ok()?, n.parse().ok()?)));
        let Some((k, n)) = parsed else {
            bail!(
                "{}: not a shard index name (index.shard-K-of-N.json)",
                entry.path().display()
            );
        };
        shards.push((k, n, entry.path()));
    }
    let Some(&(_, n, _)) = shards.first() else {
        bail!(
            "{} holds no shard indexes (index.shard-K-of-N.json)",
            out.display()
        );
    };
    if let Some((_, other, path)) = shards.iter().find(|(_, m, _)| *m != n) {
        bail!(
            "{}: a shard of {other}, beside shards of {n}: one batch at a time",
            path.display()
        );
    }
    shards.sort_by_key(|(k, _, _)| *k);
    for k in 1..=n {
        if !shards.iter().any(|(j, _, _)| *j == k) {
            bail!(
                "shard {k} of {n} is missing: {} was not written",
                out.join(format!("index.shard-{k}-of-{n}.json")).display()
            );
        }
    }
    let mut indexes = Vec::new();
    for (_, _, path) in &shards {
        let text =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let index: BatchIndex = serde_json::from_slice(&text)
            .with_context(|| format!("{} is not a batch index", path.display()))?;
        indexes.push((path, index));
    }
    let size = indexes[0].1.size;
    if let Some((path, index)) = indexes.iter().find(|(_, i)| i.size != size) {
        bail!(
            "{}: fields of {}², beside shards of {size}²: one batch at a time",
            path.display(),
            index.size
        );
    }
    let mut devices: Vec<String> = indexes.iter().map(|(_, i)| i.device.clone()).collect();
    devices.sort();
    devices.dedup();
    let mut entries: Vec<IndexEntry> = indexes
        .iter()
        .flat_map(|(_, i)| i.entries.iter().cloned())
        .collect();
    entries.sort_by_key(|e| {
        e.code_point
            .strip_prefix("U+")
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    });
    let written = entries.iter().filter(|e| e.folder.is_some()).count();
    let seconds = indexes.iter().map(|(_, i)| i.seconds).fold(0.0, f64::max);
    let merged = BatchIndex {
        device: devices.join(", "),
        size,
        shard: None,
        glyphs: entries.len(),
        written,
        seconds,
        glyphs_per_second: written as f64 / seconds.max(1e-9),
        entries,
    };
    output::write_json(&out.join("index.json"), &merged)?;
    println!(
        "{n} shards joined into {}: {written} of {} glyphs",
        out.join("index.json").display(),
        merged.glyphs
    );
    Ok(())
}
