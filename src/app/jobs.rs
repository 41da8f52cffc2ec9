//! Work the window never waits for: the shown glyph's fields (outline, font look-up, CPU or
//! GPU passes), the five-step protocol, adapter file headers and shape neighbours run on
//! worker threads, and their results come back keyed by what they were made from, so a
//! result for a glyph, revision or library that is no longer shown is dropped.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Instant;

use super::document::Document;
use super::recovery::Snapshot;
use crate::adapters::{self, AdapterInfo};
use crate::embedding::{SemanticIndex, ShapeIndex};
use crate::fields::{self, Backend, FieldOptions, Fields, GpuFieldEngine, GpuFields, Prepared};
use crate::geometry::{EmRect, FieldGrid};
use crate::glyph::FontSet;
use crate::glyph::contours::Contours;
use crate::glyph::system_fonts::{FontChoice, SystemFonts};
use crate::gpu::GpuContext;
use crate::library::{GlyphRef, LibraryError, Problem, Register, Revision, SymbolId};
use crate::protocol::{self, RegionChoice, Unfolding};

/// Field size of the glyph in the hologram view.
pub const VIEW_FIELD: u32 = 384;
/// Field size of the shape neighbours' descriptors.
const SHAPE_FIELD: u32 = 96;

/// What a glyph's fields are made from: a result is shown only while the symbol still has
/// this glyph in a library at this folder.
#[derive(Clone, Debug, PartialEq)]
pub struct GlyphKey {
    pub symbol: SymbolId,
    pub glyph: GlyphRef,
    pub base_dir: PathBuf,
    /// Pixels per side ([`VIEW_FIELD`], or less while a point is dragged).
    pub size: u32,
    /// A fixed em frame while the glyph is edited (None: around the glyph).
    pub frame: Option<EmRect>,
}

/// Sharp fields for what a zoomed view shows: a window of a glyph's view fields, on a grid
/// as fine as the screen.
#[derive(Clone, Debug, PartialEq)]
pub struct SharpKey {
    /// The glyph's whole fields these sharpen.
    pub glyph: GlyphKey,
    pub grid: FieldGrid,
}

/// Sharp fields, on the GPU only (the view draws them; hover and the protocol keep using
/// the whole glyph's fields).
pub struct SharpDone {
    pub key: SharpKey,
    /// The fields, and the milliseconds from the job's start until the GPU finished them.
    pub result: Result<(GpuFields, f64), String>,
}

/// A glyph's fields, made off the UI thread.
pub struct GlyphDone {
    pub key: GlyphKey,
    pub result: Result<ComputedGlyph, String>,
}

pub struct ComputedGlyph {
    /// Fields on the CPU side (hover, statistics, the protocol).
    pub fields: Arc<Fields>,
    /// The same fields on the GPU (textures for the view), when the window has a GPU.
    pub gpu: Option<GpuFields>,
    /// Why there are no GPU fields although the window has a GPU.
    pub gpu_error: Option<String>,
    pub prepare_ms: f64,
    /// Time of the field passes on the backend that computed the CPU-side fields.
    pub fields_ms: f64,
    /// Time of the GPU passes (when the GPU computed them as well or instead).
    pub gpu_ms: Option<f64>,
    /// The font a character came from.
    pub font: Option<String>,
    /// The outline as editable contours (edit mode shows and converts them).
    pub contours: Arc<Contours>,
    /// Whether the outline fills even-odd (kept when it is converted to path data).
    pub even_odd: bool,
}

/// What an unfolding is made from.
#[derive(Clone, Debug, PartialEq)]
pub struct UnfoldKey {
    pub revision: u64,
    pub symbol: SymbolId,
    pub region: Option<String>,
    pub register: Register,
}

pub enum Done {
    Glyph(Box<GlyphDone>),
    Sharp(Box<SharpDone>),
    Unfolding(UnfoldKey, Result<Arc<Unfolding>, String>),
    Adapter(PathBuf, Result<Arc<AdapterInfo>, String>),
    Shape {
        generation: u64,
        revision: Revision,
        index: Arc<ShapeIndex>,
    },
    /// A glyph job replaced by a newer one before it started.
    Skipped,
    /// A library file read and indexed (or why it could not be).
    Opened(PathBuf, Box<Result<Document, LibraryError>>),
    /// An export finished: what to say on the status line, or the error.
    Exported(Result<String, String>),
    /// The library's problems at a revision, as it would be saved (None: a newer
    /// validation replaced this one).
    Validated(Option<(u64, Vec<Problem>)>),
    FontsFor(char, Result<Vec<FontChoice>, String>),
}

enum Job {
    Glyph {
        key: GlyphKey,
        revision: Revision,
        /// Asked for ahead of being shown: never skipped for a newer glyph.
        prefetch: bool,
    },
    /// Sharp fields for a zoomed view; a newer one replaces one not yet started.
    Sharp {
        key: SharpKey,
        revision: Revision,
    },
    Unfold {
        key: UnfoldKey,
        revision: Revision,
        semantic: Arc<SemanticIndex>,
        fields: Option<Arc<Fields>>,
    },
    Adapter(PathBuf),
    Open(PathBuf),
    /// Work that only reports back a message (an export).
    Export(Box<dyn FnOnce() -> Result<String, String> + Send>),
    Validate {
        revision: u64,
        snapshot: Snapshot,
    },
    /// The installed fonts that cover a character.
    FontsFor(char),
}

/// The workers and their results.
pub struct Jobs {
    jobs: Option<Sender<Job>>,
    /// Joined on drop: the worker holds GPU objects, which must be released before the
    /// process (or the device it shares) goes away.
    worker: Option<std::thread::JoinHandle<()>>,
    done_tx: Sender<Done>,
    done: Receiver<Done>,
    repaint: egui::Context,
    /// Jobs sent and not yet back, by kind, for "computing…" and the screenshot's wait.
    /// Every job sent gets exactly one answer (a superseded glyph job answers `Skipped`).
    pending: HashMap<&'static str, usize>,
    /// Adapter files asked for (each is read once per path until forgotten).
    adapters_asked: HashSet<PathBuf>,
    /// Why a worker could not start, if it could not.
    pub error: Option<String>,
    /// Where shape descriptors are kept between runs (None: they are not).
    pub shape_cache_dir: Option<PathBuf>,
}

impl Jobs {
    /// Starts the worker; with `gpu`, it computes the view's fields on that device too.
    pub fn new(gpu: Option<GpuContext>, repaint: egui::Context) -> Self {
        let (job_tx, job_rx) = channel::<Job>();
        let (done_tx, done) = channel();
        let worker_done = done_tx.clone();
        let worker_repaint = repaint.clone();
        let started = std::thread::Builder::new()
            .name("hologlyph-jobs".into())
            .spawn(move || worker(gpu, job_rx, worker_done, worker_repaint));
        let (jobs, worker, error) = match started {
            Ok(handle) => (Some(job_tx), Some(handle), None),
            Err(e) => (
                None,
                None,
                Some(format!("the background worker could not start: {e}")),
            ),
        };
        Self {
            jobs,
            worker,
            done_tx,
            done,
            repaint,
            pending: HashMap::new(),
            adapters_asked: HashSet::new(),
            error,
            shape_cache_dir: None,
        }
    }

    fn send(&mut self, kind: &'static str, job: Job) {
        match &self.jobs {
            Some(tx) if tx.send(job).is_ok() => {
                *self.pending.entry(kind).or_default() += 1;
            }
            _ => {
                self.error
                    .get_or_insert_with(|| "the background worker has stopped".into());
            }
        }
    }

    /// Computes a glyph's fields for the view.
    pub fn glyph(&mut self, key: GlyphKey, revision: Revision) {
        self.send(
            "glyph",
            Job::Glyph {
                key,
                revision,
                prefetch: false,
            },
        );
    }

    /// Computes a glyph's fields ahead of being shown (the next step of a tour).
    pub fn prefetch(&mut self, key: GlyphKey, revision: Revision) {
        self.send(
            "glyph",
            Job::Glyph {
                key,
                revision,
                prefetch: true,
            },
        );
    }

    /// Runs the five steps.
    /// Sharp fields for a zoomed view (a newer request replaces one not yet started).
    pub fn sharp(&mut self, key: SharpKey, revision: Revision) {
        self.send("sharp", Job::Sharp { key, revision });
    }

    pub fn unfold(
        &mut self,
        key: UnfoldKey,
        revision: Revision,
        semantic: Arc<SemanticIndex>,
        fields: Option<Arc<Fields>>,
    ) {
        self.send(
            "protocol",
            Job::Unfold {
                key,
                revision,
                semantic,
                fields,
            },
        );
    }

    /// Reads an adapter file's header, once per path.
    pub fn adapter(&mut self, path: PathBuf) {
        if self.adapters_asked.insert(path.clone()) {
            self.send("adapter", Job::Adapter(path));
        }
    }

    /// Reads and indexes a library file.
    pub fn open(&mut self, path: PathBuf) {
        self.send("open", Job::Open(path));
    }

    /// Validates a revision of the library as it would be saved.
    pub fn validate(&mut self, revision: u64, snapshot: Snapshot) {
        self.send("validate", Job::Validate { revision, snapshot });
    }

    /// Looks through the installed fonts for `c` (the database is read once).
    pub fn fonts_for(&mut self, c: char) {
        self.send("fonts", Job::FontsFor(c));
    }

    /// Runs an export (a closure that reports what it wrote, or why it failed).
    pub fn export(&mut self, work: impl FnOnce() -> Result<String, String> + Send + 'static) {
        self.send("export", Job::Export(Box::new(work)));
    }

    /// Forgets which adapter files were read (a new library, or a reload).
    pub fn forget_adapters(&mut self) {
        self.adapters_asked.clear();
    }

    /// Builds the shape neighbours on a thread of their own (they take longest), reusing
    /// `previous`'s descriptors for unchanged glyphs.
    pub fn shape(
        &mut self,
        generation: u64,
        revision: Revision,
        previous: Option<(Revision, Arc<ShapeIndex>)>,
    ) {
        let done = self.done_tx.clone();
        let repaint = self.repaint.clone();
        let cache_dir = self.shape_cache_dir.clone();
        let started = std::thread::Builder::new()
            .name("shape-index".into())
            .spawn(move || {
                // Its own pool of workers: on the shared one, its thousands of small glyph
                // jobs would hold up the fields of the glyph the user just opened.
                let index = background_pool().install(|| {
                    ShapeIndex::build_cached(
                        &revision,
                        SHAPE_FIELD,
                        previous.as_ref().map(|(lib, index)| (&**lib, &**index)),
                        cache_dir.as_deref(),
                    )
                });
                let done = done.send(Done::Shape {
                    generation,
                    revision,
                    index: Arc::new(index),
                });
                // The receiver is gone only when the app has closed.
                if done.is_ok() {
                    repaint.request_repaint();
                }
            });
        match started {
            Ok(_) => {
                *self.pending.entry("shape").or_default() += 1;
            }
            Err(e) => self.error = Some(format!("shape neighbours could not start: {e}")),
        }
    }

    /// Results that have arrived.
    pub fn receive(&mut self) -> Vec<Done> {
        let done: Vec<Done> = self.done.try_iter().collect();
        for d in &done {
            let kind = match d {
                Done::Glyph(_) | Done::Skipped => "glyph",
                Done::Sharp(_) => "sharp",
                Done::Unfolding(..) => "protocol",
                Done::Adapter(..) => "adapter",
                Done::Shape { .. } => "shape",
                Done::Opened(..) => "open",
                Done::Exported(_) => "export",
                Done::Validated(_) => "validate",
                Done::FontsFor(..) => "fonts",
            };
            if let Some(n) = self.pending.get_mut(kind) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.pending.remove(kind);
                }
            }
        }
        done
    }

    /// Whether a job of `kind` ("glyph", "protocol", "adapter", "shape") is out.
    pub fn is_pending(&self, kind: &str) -> bool {
        self.pending.contains_key(kind)
    }

    /// Asks for a frame in `seconds`.
    pub fn repaint_after(&self, seconds: f64) {
        self.repaint
            .request_repaint_after(std::time::Duration::from_secs_f64(seconds.max(0.0)));
    }

    pub fn busy(&self) -> bool {
        !self.pending.is_empty()
    }
}

impl Drop for Jobs {
    /// Closes the queue and waits for the worker to finish its job in hand.
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(worker) = self.worker.take()
            && worker.join().is_err()
        {
            eprintln!("hologlyph: the background worker panicked");
        }
    }
}

fn worker(
    gpu: Option<GpuContext>,
    jobs: Receiver<Job>,
    done: Sender<Done>,
    repaint: egui::Context,
) {
    let fonts = FontSet::bundled();
    let mut system_fonts: Option<SystemFonts> = None;
    let engine = gpu.map(|ctx| GpuFieldEngine::with_context(ctx).map_err(|e| e.to_string()));
    while let Ok(first) = jobs.recv() {
        // Only the newest glyph asked for matters: the ones it replaced are answered as
        // skipped.
        let queue: Vec<Job> = std::iter::once(first).chain(jobs.try_iter()).collect();
        let last_glyph = queue.iter().rposition(|j| {
            matches!(
                j,
                Job::Glyph {
                    prefetch: false,
                    ..
                }
            )
        });
        let last_sharp = queue.iter().rposition(|j| matches!(j, Job::Sharp { .. }));
        let last_validate = queue
            .iter()
            .rposition(|j| matches!(j, Job::Validate { .. }));
        for (i, job) in queue.into_iter().enumerate() {
            let result = match job {
                Job::Glyph {
                    prefetch: false, ..
                } if Some(i) != last_glyph => Done::Skipped,
                Job::Glyph { key, revision, .. } => {
                    let result = compute_glyph(&key, &revision, &fonts, engine.as_ref());
                    Done::Glyph(Box::new(GlyphDone { key, result }))
                }
                Job::Sharp { key, .. } if Some(i) != last_sharp => {
                    Done::Sharp(Box::new(SharpDone {
                        key,
                        result: Err("replaced by a newer view".into()),
                    }))
                }
                Job::Sharp { key, revision } => {
                    let result = compute_sharp(&key, &revision, &fonts, engine.as_ref());
                    Done::Sharp(Box::new(SharpDone { key, result }))
                }
                Job::Unfold {
                    key,
                    revision,
                    semantic,
                    fields,
                } => {
                    let region = key.region.clone().map(RegionChoice::Link);
                    let result = protocol::run(
                        &revision,
                        &semantic,
                        fields.as_deref(),
                        &key.symbol,
                        region.as_ref(),
                        key.register,
                    )
                    .map(Arc::new)
                    .map_err(|e| format!("the protocol failed for {}: {e}", key.symbol));
                    Done::Unfolding(key, result)
                }
                Job::Adapter(path) => {
                    let result = adapters::read_adapter(&path)
                        .map(Arc::new)
                        .map_err(|e| e.to_string());
                    Done::Adapter(path, result)
                }
                Job::Open(path) => {
                    let result = Document::open(&path);
                    Done::Opened(path, Box::new(result))
                }
                Job::Export(work) => Done::Exported(work()),
                Job::FontsFor(c) => {
                    let installed = system_fonts.get_or_insert_with(SystemFonts::installed);
                    Done::FontsFor(c, Ok(installed.covering(c)))
                }
                Job::Validate { .. } if Some(i) != last_validate => Done::Validated(None),
                Job::Validate { revision, snapshot } => {
                    let text = snapshot
                        .disk
                        .as_ref()
                        .and_then(|(text, base)| {
                            crate::library::update_toml(text, base, &snapshot.library)
                        })
                        .unwrap_or_else(|| crate::library::to_toml(&snapshot.library));
                    let loaded = crate::library::load_str(&text, &snapshot.library_path);
                    Done::Validated(Some((revision, loaded.problems)))
                }
            };
            if done.send(result).is_err() {
                return;
            }
            repaint.request_repaint();
        }
    }
}

/// Sharp fields for a window of a glyph, only what an overlay draws: on a hardware GPU
/// its passes; on a software one the CPU twins, uploaded.
fn compute_sharp(
    key: &SharpKey,
    revision: &Revision,
    fonts: &FontSet,
    engine: Option<&Result<GpuFieldEngine, String>>,
) -> Result<(GpuFields, f64), String> {
    let start = Instant::now();
    let engine = match engine {
        Some(Ok(engine)) => engine,
        Some(Err(e)) => return Err(e.clone()),
        None => return Err("no GPU".into()),
    };
    let glyph = &key.glyph;
    let outline = revision
        .outline(&glyph.glyph, fonts)
        .map_err(|e| format!("{}: {e}", glyph.symbol))?;
    let options = FieldOptions::default()
        .with_frame(glyph.frame)
        .with_grid(Some(key.grid));
    let prep = Prepared::new(&outline, &options).map_err(|e| format!("{}: {e}", glyph.symbol))?;
    // On a software GPU the CPU twins are faster (see `compute_glyph`).
    let fields = if engine.context().is_software() {
        engine.upload(&fields::cpu::sharp(&prep))
    } else {
        engine
            .dispatch_passes(&prep, fields::Passes::Sharp)
            .map_err(|e| format!("{}: {e}", glyph.symbol))?
    };
    engine
        .context()
        .device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| format!("{}: {e}", glyph.symbol))?;
    Ok((fields, start.elapsed().as_secs_f64() * 1e3))
}

/// The view's fields for one glyph: on a hardware GPU its passes, read back once for the
/// CPU side; on a software GPU (where the twins are faster) the CPU twins for the CPU side
/// and the GPU passes only for the textures the view samples.
fn compute_glyph(
    key: &GlyphKey,
    revision: &Revision,
    fonts: &FontSet,
    engine: Option<&Result<GpuFieldEngine, String>>,
) -> Result<ComputedGlyph, String> {
    let start = Instant::now();
    let outline = revision
        .outline(&key.glyph, fonts)
        .map_err(|e| format!("{}: {e}", key.symbol))?;
    let options = FieldOptions::default()
        .with_size(key.size)
        .with_frame(key.frame);
    let prep = Prepared::new(&outline, &options).map_err(|e| format!("{}: {e}", key.symbol))?;
    let contours = Arc::new(Contours::from_outline(&outline));
    let even_odd = outline
        .shapes
        .iter()
        .any(|s| s.fill_rule == crate::glyph::FillRule::EvenOdd);
    let prepare_ms = start.elapsed().as_secs_f64() * 1e3;
    let font = key
        .glyph
        .character()
        .and_then(|c| fonts.font_for(c).ok().map(|f| f.name.clone()));
    let timings = |fields_ms| fields::Timings {
        prepare_ms,
        fields_ms,
        finish_ms: 0.0,
    };
    let (gpu, gpu_error, gpu_ms) = match engine {
        Some(Ok(engine)) => {
            let start = Instant::now();
            match engine.dispatch(&prep) {
                Ok(f) => (Some(f), None, Some(start.elapsed().as_secs_f64() * 1e3)),
                Err(e) => (None, Some(e.to_string()), None),
            }
        }
        Some(Err(e)) => (None, Some(e.clone()), None),
        None => (None, None, None),
    };
    let hardware = engine
        .and_then(|e| e.as_ref().ok())
        .is_some_and(|e| !e.context().is_software());
    let start = Instant::now();
    let read = match (&gpu, hardware, engine.and_then(|e| e.as_ref().ok())) {
        (Some(g), true, Some(engine)) => Some(engine.read_back(g)),
        _ => None,
    };
    let (fields, gpu_error) = match read {
        Some(Ok(raw)) => {
            let ms = start.elapsed().as_secs_f64() * 1e3 + gpu_ms.unwrap_or(0.0);
            (
                fields::finish(&prep, raw, Backend::Gpu, timings(ms)),
                gpu_error,
            )
        }
        // No GPU, a software one, or one that failed (a lost device): the CPU twins.
        failed => {
            let raw = fields::cpu::compute(&prep);
            let ms = start.elapsed().as_secs_f64() * 1e3;
            let error = match failed {
                Some(Err(e)) => Some(format!("reading the fields back: {e}")),
                _ => gpu_error,
            };
            (fields::finish(&prep, raw, Backend::Cpu, timings(ms)), error)
        }
    };
    Ok(ComputedGlyph {
        fields_ms: fields.timings.fields_ms,
        fields: Arc::new(fields),
        gpu,
        gpu_error,
        prepare_ms,
        gpu_ms,
        font,
        contours,
        even_odd,
    })
}

/// The workers long background batches (the shape index) run on, apart from rayon's global
/// pool, which computes what the user is waiting for. Built once.
fn background_pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("background-{i}"))
            .build()
            .or_else(|_| rayon::ThreadPoolBuilder::new().num_threads(1).build())
            .expect("a pool of one worker")
    })
}
