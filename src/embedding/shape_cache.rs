//! Shape descriptors kept on disk between runs, so that opening a big library does not
//! compute every symbol's fields again. One file per field size (`shape-<size>.jsonl`), a
//! line per descriptor under a key of everything the descriptor depends on: the glyph
//! reference, the size and modification time of any file it names (a font or an SVG), the
//! field size, and the engine's revision. A changed glyph gets a new key; keys no symbol
//! asks for are dropped when the file is written again. Lines that do not parse are
//! skipped: the cache only ever saves work, never decides a result.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fields::Descriptor;
use crate::library::{GlyphRef, Library};
use crate::output::{self, OutputError};

/// Bump when the field engine or the descriptor changes what it computes: every key moves.
const ENGINE_REVISION: u32 = 1;

/// One line of the file.
#[derive(Serialize, Deserialize)]
struct Line {
    key: u64,
    descriptor: Descriptor,
}

/// The descriptors of one field size, read from and written to `dir`.
pub struct DescriptorCache {
    path: PathBuf,
    entries: HashMap<u64, Descriptor>,
    /// Keys asked for in this run (what the file keeps when it is written).
    used: HashMap<u64, Descriptor>,
}

impl DescriptorCache {
    /// The cache for `size`² fields in `dir` (empty when the file is missing or unreadable).
    pub fn open(dir: &Path, size: u32) -> Self {
        let path = dir.join(format!("shape-{size}.jsonl"));
        let entries = std::fs::read_to_string(&path)
            .map(|text| {
                text.lines()
                    .filter_map(|l| serde_json::from_str::<Line>(l).ok())
                    .map(|l| (l.key, l.descriptor))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            path,
            entries,
            used: HashMap::new(),
        }
    }

    /// How many descriptors the file held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The key of `glyph` in `library` at `size`².
    pub fn key(library: &Library, glyph: &GlyphRef, size: u32) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        (ENGINE_REVISION, env!("CARGO_PKG_VERSION"), size).hash(&mut h);
        let file_stamp = |file: &Path, h: &mut std::hash::DefaultHasher| {
            let path = library.resolve(file);
            path.hash(h);
            if let Ok(meta) = std::fs::metadata(&path) {
                meta.len().hash(h);
                meta.modified().ok().hash(h);
            }
        };
        match glyph {
            GlyphRef::Char { ch, font } => {
                (0u8, *ch).hash(&mut h);
                if let Some(f) = font {
                    file_stamp(f, &mut h);
                }
            }
            GlyphRef::Svg { file } => {
                1u8.hash(&mut h);
                file_stamp(file, &mut h);
            }
            GlyphRef::Path { data, even_odd } => (2u8, data, even_odd).hash(&mut h),
            GlyphRef::Strokes { strokes, width } => {
                3u8.hash(&mut h);
                width.to_bits().hash(&mut h);
                for stroke in strokes {
                    stroke.len().hash(&mut h);
                    for p in stroke {
                        (p[0].to_bits(), p[1].to_bits()).hash(&mut h);
                    }
                }
            }
        }
        h.finish()
    }

    /// The descriptor stored under `key`, if any.
    pub fn get(&mut self, key: u64) -> Option<Descriptor> {
        let d = self.entries.get(&key)?.clone();
        self.used.insert(key, d.clone());
        Some(d)
    }

    /// Stores a descriptor computed in this run.
    pub fn put(&mut self, key: u64, descriptor: Descriptor) {
        self.used.insert(key, descriptor);
    }

    /// Writes what this run used when that differs from what the file holds (a descriptor
    /// computed, or a key no longer asked for); a run that only read the file leaves it be.
    pub fn save_if_changed(&self) -> Result<(), OutputError> {
        let same = self.used.len() == self.entries.len()
            && self
                .used
                .iter()
                .all(|(k, d)| self.entries.get(k).is_some_and(|e| e == d));
        if same {
            return Ok(());
        }
        self.save()
    }

    /// Writes what this run used, atomically (a reader never sees half a file).
    pub fn save(&self) -> Result<(), OutputError> {
        output::write_atomic(&self.path, |file| {
            let mut w = std::io::BufWriter::new(file);
            for (&key, descriptor) in &self.used {
                let line = serde_json::to_string(&Line {
                    key,
                    descriptor: descriptor.clone(),
                })
                .map_err(|e| OutputError::Encode {
                    path: self.path.clone(),
                    reason: e.to_string(),
                })?;
                writeln!(w, "{line}").map_err(|error| OutputError::Io {
                    path: self.path.clone(),
                    error,
                })?;
            }
            w.flush().map_err(|error| OutputError::Io {
                path: self.path.clone(),
                error,
            })
        })
    }
}
