//! Writing results to disk: fields as `.npy` + `fields.json`, frames as PNG. Every file is
//! written to a temporary name in the same folder and renamed into place, so a reader never
//! sees half a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use ndarray::Array2;
use serde::Serialize;

use crate::fields::{Backend, Descriptor, Fields, Region, Timings};
use crate::glyph::GlyphSource;

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file or folder could not be created, written or renamed.
    #[error("cannot write {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// An array, JSON value or image could not be encoded.
    #[error("cannot encode {path}: {reason}")]
    Encode { path: PathBuf, reason: String },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |error| OutputError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Whether a write waits for the disk before it returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// Each file is flushed to the disk (`fsync`) before it is renamed into place: what a
    /// single result or a saved library needs.
    Synced,
    /// Each file is renamed into place without waiting for the disk; the caller makes the
    /// whole set durable once with [`sync_folder`]. What dataset writers do: a batch of
    /// thousands of files waits for the disk once instead of once per file.
    Deferred,
}

/// Writes a file atomically: a temporary file beside it, flushed, then renamed.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<(), OutputError>,
) -> Result<(), OutputError> {
    write_atomic_with(path, Durability::Synced, write)
}

/// [`write_atomic`], waiting for the disk or not.
pub fn write_atomic_with(
    path: &Path,
    durability: Durability,
    write: impl FnOnce(&mut std::fs::File) -> Result<(), OutputError>,
) -> Result<(), OutputError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp).map_err(io_err(&tmp))?;
        write(&mut file)?;
        file.flush().map_err(io_err(&tmp))?;
        if durability == Durability::Synced {
            file.sync_all().map_err(io_err(&tmp))?;
        }
        std::fs::rename(&tmp, path).map_err(io_err(path))
    })();
    if result.is_err() {
        let _ignored = std::fs::remove_file(&tmp);
    }
    result
}

/// Makes every file written under `dir` with [`Durability::Deferred`] durable: one
/// `syncfs` of the filesystem holding `dir` on Linux, elsewhere an `fsync` of each file.
pub fn sync_folder(dir: &Path) -> Result<(), OutputError> {
    #[cfg(target_os = "linux")]
    {
        let folder = std::fs::File::open(dir).map_err(io_err(dir))?;
        rustix::fs::syncfs(&folder).map_err(|e| OutputError::Io {
            path: dir.to_path_buf(),
            error: e.into(),
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        fn walk(dir: &Path) -> Result<(), OutputError> {
            for entry in std::fs::read_dir(dir).map_err(io_err(dir))?.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path)?;
                } else {
                    std::fs::File::open(&path)
                        .and_then(|f| f.sync_all())
                        .map_err(io_err(&path))?;
                }
            }
            Ok(())
        }
        walk(dir)
    }
}

fn write_npy<T: ndarray_npy::WritableElement>(
    path: &Path,
    array: &Array2<T>,
    durability: Durability,
) -> Result<(), OutputError> {
    write_atomic_with(path, durability, |file| {
        // A field of 1024² is 4 MiB: a buffer of 1 MiB writes it in a few calls.
        let buffered = std::io::BufWriter::with_capacity(1 << 20, file);
        ndarray_npy::WriteNpyExt::write_npy(array, buffered).map_err(|e| OutputError::Encode {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
    })
}

/// The pixel ↔ em transform as written to `fields.json`.
#[derive(Serialize)]
pub struct TransformJson {
    pub x0: f64,
    pub y0: f64,
    pub em_per_px: f64,
}

/// The contents of `fields.json`.
#[derive(Serialize)]
pub struct FieldsJson<'a> {
    pub hologlyph: &'static str,
    pub source: &'a GlyphSource,
    pub width: u32,
    pub height: u32,
    /// Centre of pixel (row r, column c) = (x0 + (c + 0.5)·em_per_px, y0 − (r + 0.5)·em_per_px), y up.
    pub transform: TransformJson,
    pub backend: Backend,
    pub device: &'a str,
    pub tolerance_em: f64,
    pub density_sigma_em: f64,
    pub descriptor: &'a Descriptor,
    pub regions: &'a [Region],
    pub timings: Timings,
    pub files: [(&'static str, &'static str); 7],
}

pub const FIELD_FILES: [(&str, &str); 7] = [
    ("sdf", "sdf.npy"),
    ("curvature", "curvature.npy"),
    ("density", "density.npy"),
    ("voids", "voids.npy"),
    ("regions", "regions.npy"),
    ("outline", "outline.npy"),
    ("meta", "fields.json"),
];

/// Writes every field of `fields` into `dir`.
pub fn write_fields(
    dir: &Path,
    fields: &Fields,
    source: &GlyphSource,
    device: &str,
    density_sigma_em: f64,
    durability: Durability,
) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    write_npy(&dir.join("sdf.npy"), &fields.raw.sdf, durability)?;
    write_npy(
        &dir.join("curvature.npy"),
        &fields.raw.curvature,
        durability,
    )?;
    write_npy(&dir.join("density.npy"), &fields.raw.density, durability)?;
    write_npy(&dir.join("voids.npy"), &fields.raw.voids, durability)?;
    write_npy(&dir.join("regions.npy"), &fields.regions, durability)?;
    let outline = Array2::from_shape_fn((fields.outline.len(), 4), |(i, j)| {
        let s = &fields.outline[i];
        [s.at.x, s.at.y, s.curvature, s.turn][j] as f32
    });
    write_npy(&dir.join("outline.npy"), &outline, durability)?;
    let meta = FieldsJson {
        hologlyph: env!("CARGO_PKG_VERSION"),
        source,
        width: fields.grid.size,
        height: fields.grid.size,
        transform: TransformJson {
            x0: fields.grid.x0,
            y0: fields.grid.y0,
            em_per_px: fields.grid.em_per_px,
        },
        backend: fields.backend,
        device,
        tolerance_em: fields.tolerance,
        density_sigma_em,
        descriptor: &fields.descriptor,
        regions: &fields.region_list,
        timings: fields.timings,
        files: FIELD_FILES,
    };
    write_json_with(&dir.join("fields.json"), &meta, durability)
}

/// Writes any serialisable value as pretty JSON.
pub fn write_json(path: &Path, value: &impl Serialize) -> Result<(), OutputError> {
    write_json_with(path, value, Durability::Synced)
}

fn write_json_with(
    path: &Path,
    value: &impl Serialize,
    durability: Durability,
) -> Result<(), OutputError> {
    write_atomic_with(path, durability, |file| {
        serde_json::to_writer_pretty(std::io::BufWriter::new(file), value).map_err(|e| {
            OutputError::Encode {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }
        })
    })
}

/// Writes RGBA8 pixels as a PNG.
pub fn write_png(path: &Path, width: u32, height: u32, rgba: &[u8]) -> Result<(), OutputError> {
    write_atomic(path, |file| {
        let encode = |e: png::EncodingError| OutputError::Encode {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_source_srgb(png::SrgbRenderingIntent::Perceptual);
        let mut writer = encoder.write_header().map_err(encode)?;
        writer.write_image_data(rgba).map_err(encode)?;
        writer.finish().map_err(encode)
    })
}

/// Writes frames (RGBA, `width`×`height` each) as an animated PNG that loops forever,
/// `fps` frames a second, atomically.
pub fn write_apng(
    path: &Path,
    width: u32,
    height: u32,
    frames: &[Vec<u8>],
    fps: u16,
) -> Result<(), OutputError> {
    write_atomic(path, |file| {
        let encode = |e: png::EncodingError| OutputError::Encode {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_source_srgb(png::SrgbRenderingIntent::Perceptual);
        encoder
            .set_animated(frames.len() as u32, 0)
            .map_err(encode)?;
        encoder.set_frame_delay(1, fps.max(1)).map_err(encode)?;
        let mut writer = encoder.write_header().map_err(encode)?;
        for f in frames {
            writer.write_image_data(f).map_err(encode)?;
        }
        writer.finish().map_err(encode)
    })
}

/// Writes frames (RGBA) as a GIF that loops forever; GIF delays are in hundredths of a
/// second, so `fps` is rounded to the nearest delay GIF can say.
pub fn write_gif(
    path: &Path,
    width: u32,
    height: u32,
    frames: &[Vec<u8>],
    fps: u16,
) -> Result<(), OutputError> {
    let too_big = |what: &str| OutputError::Encode {
        path: path.to_path_buf(),
        reason: format!("GIF {what} must fit in 16 bits"),
    };
    let w = u16::try_from(width).map_err(|_| too_big("width"))?;
    let h = u16::try_from(height).map_err(|_| too_big("height"))?;
    write_atomic(path, |file| {
        let encode = |e: gif::EncodingError| OutputError::Encode {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let mut encoder =
            gif::Encoder::new(std::io::BufWriter::new(file), w, h, &[]).map_err(encode)?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(encode)?;
        let delay = (100.0 / fps.max(1) as f32).round().max(1.0) as u16;
        for f in frames {
            let mut rgba = f.clone();
            let mut frame = gif::Frame::from_rgba_speed(w, h, &mut rgba, 10);
            frame.delay = delay;
            encoder.write_frame(&frame).map_err(encode)?;
        }
        Ok(())
    })
}
