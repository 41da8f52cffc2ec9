//! Thumbnails for the browser: computed in the background (fields on the GPU, then an
//! offscreen render), cached as egui textures, evicted least-recently-shown first when
//! there are more than [`MAX_CACHED`]. A placeholder shows until a thumbnail arrives.

use std::collections::{HashMap, HashSet};
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::fields::{FieldOptions, GpuFieldEngine, Prepared};
use crate::glyph::{FontSet, Outline};
use crate::gpu::GpuContext;
use crate::hologram::{self, Frame, HologramRenderer, Style};

/// Thumbnail size, pixels.
pub const THUMB_PX: u32 = 96;
/// Field size the thumbnails are computed at.
const THUMB_FIELD: u32 = 96;
/// Most thumbnails kept as textures (96² RGBA each: ~36 KiB).
pub const MAX_CACHED: usize = 2048;

struct Job {
    key: usize,
    outline: Outline,
    style: Style,
}

/// The thumbnail cache and its worker.
pub struct Thumbnails {
    jobs: Option<Sender<Job>>,
    done: Receiver<(usize, Option<Vec<u8>>)>,
    textures: HashMap<usize, (egui::TextureHandle, u64)>,
    requested: HashSet<usize>,
    failed: HashSet<usize>,
    /// Failed attempts per thumbnail: the device is shared, so an error another thread
    /// caused can land on a thumbnail; it is tried again before giving up.
    attempts: HashMap<usize, u8>,
    clock: u64,
}

impl Thumbnails {
    /// Starts a worker on `ctx`'s device (its own pipelines and uniforms, so it never
    /// disturbs the main view). Without a GPU, thumbnails stay placeholders.
    pub fn new(gpu: Option<GpuContext>, repaint: egui::Context) -> Self {
        let (job_tx, job_rx) = channel::<Job>();
        let (done_tx, done) = channel();
        let jobs = gpu.map(|ctx| {
            std::thread::Builder::new()
                .name("thumbnails".into())
                .spawn(move || worker(ctx, job_rx, done_tx, repaint))
                .ok();
            job_tx
        });
        Self {
            jobs,
            done,
            textures: HashMap::new(),
            requested: HashSet::new(),
            failed: HashSet::new(),
            attempts: HashMap::new(),
            clock: 0,
        }
    }

    /// Forgets everything (a new library).
    pub fn clear(&mut self) {
        self.textures.clear();
        self.requested.clear();
        self.failed.clear();
        self.attempts.clear();
    }

    /// Takes finished thumbnails into textures.
    pub fn receive(&mut self, ctx: &egui::Context) {
        while let Ok((key, rgba)) = self.done.try_recv() {
            self.requested.remove(&key);
            match rgba {
                Some(rgba) => {
                    let image = egui::ColorImage::from_rgba_unmultiplied(
                        [THUMB_PX as usize, THUMB_PX as usize],
                        &rgba,
                    );
                    let tex = ctx.load_texture(format!("thumb-{key}"), image, Default::default());
                    self.clock += 1;
                    self.textures.insert(key, (tex, self.clock));
                }
                None => {
                    let tries = self.attempts.entry(key).or_insert(0);
                    *tries += 1;
                    if *tries >= 3 {
                        self.failed.insert(key);
                    }
                }
            }
        }
        if self.textures.len() > MAX_CACHED {
            let mut by_age: Vec<(u64, usize)> =
                self.textures.iter().map(|(k, (_, t))| (*t, *k)).collect();
            by_age.sort_unstable();
            for (_, k) in by_age.into_iter().take(self.textures.len() - MAX_CACHED) {
                self.textures.remove(&k);
            }
        }
    }

    /// The thumbnail for `key`, asking the worker for it if it is not there yet.
    pub fn get(
        &mut self,
        key: usize,
        outline: impl FnOnce() -> Option<Outline>,
        style: Style,
    ) -> Option<egui::TextureHandle> {
        self.clock += 1;
        if let Some((tex, used)) = self.textures.get_mut(&key) {
            *used = self.clock;
            return Some(tex.clone());
        }
        if self.failed.contains(&key) || self.requested.contains(&key) {
            return None;
        }
        if let (Some(jobs), Some(outline)) = (&self.jobs, outline()) {
            if jobs
                .send(Job {
                    key,
                    outline,
                    style,
                })
                .is_ok()
            {
                self.requested.insert(key);
            }
        } else {
            self.failed.insert(key);
        }
        None
    }

    /// Thumbnails still being computed.
    pub fn pending(&self) -> usize {
        self.requested.len()
    }
}

fn worker(
    ctx: GpuContext,
    jobs: Receiver<Job>,
    done: Sender<(usize, Option<Vec<u8>>)>,
    repaint: egui::Context,
) {
    let Ok(engine) = GpuFieldEngine::with_context(ctx.clone()) else {
        return;
    };
    let renderer = HologramRenderer::new(&ctx.device, hologram::OFFSCREEN_FORMAT);
    let options = FieldOptions::default().with_size(THUMB_FIELD);
    let _fonts = FontSet::bundled();
    while let Ok(job) = jobs.recv() {
        let rgba = (|| -> Result<Vec<u8>, String> {
            let prep = Prepared::new(&job.outline, &options).map_err(|e| e.to_string())?;
            let fields = engine.dispatch(&prep).map_err(|e| e.to_string())?;
            let frame = Frame {
                time: 0.6,
                style: job.style,
                ..Frame::default()
            };
            hologram::render_offscreen(
                &ctx,
                &renderer,
                &fields,
                prep.grid.em_per_px as f32,
                &frame,
                THUMB_PX,
            )
            .map_err(|e| e.to_string())
        })();
        let rgba = match rgba {
            Ok(rgba) => Some(rgba),
            Err(e) => {
                super::log_error(&format!("thumbnail {}: {e}", job.key));
                None
            }
        };
        if done.send((job.key, rgba)).is_err() {
            return;
        }
        repaint.request_repaint();
    }
}
