//! Thumbnails for the browser: computed in the background (fields on the GPU, then an
//! offscreen render), cached as egui textures, evicted least-recently-shown first when
//! there are more than [`MAX_CACHED`]. A placeholder shows until a thumbnail arrives.
//! When animation is on, the thumbnails on screen are re-rendered at the current time a
//! few times a second from fields the worker keeps (only the render runs again).

use std::collections::{HashMap, HashSet};
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::fields::{FieldOptions, GpuFieldEngine, GpuFields, Prepared};
use crate::glyph::Outline;
use crate::gpu::GpuContext;
use crate::hologram::{self, Frame, HologramRenderer, Style};

/// Thumbnail size, pixels.
pub const THUMB_PX: u32 = 96;
/// Field size the thumbnails are computed at.
const THUMB_FIELD: u32 = 96;
/// Most thumbnails kept as textures (96² RGBA each: ~36 KiB).
pub const MAX_CACHED: usize = 2048;
/// Most glyphs whose GPU fields the worker keeps for animation (~0.2 MiB each).
const MAX_FIELDS: usize = 256;
/// Seconds between animation frames of the thumbnails.
const ANIMATION_PERIOD_S: f64 = 0.2;

enum Job {
    /// Compute the fields and render the first frame.
    Make {
        key: usize,
        outline: Box<Outline>,
        style: Style,
    },
    /// Render a kept glyph again at `time`.
    Animate { key: usize, time: f32 },
}

struct Done {
    key: usize,
    rgba: Option<Vec<u8>>,
    animation: bool,
}

/// The thumbnail cache and its worker.
pub struct Thumbnails {
    jobs: Option<Sender<Job>>,
    done: Receiver<Done>,
    textures: HashMap<usize, (egui::TextureHandle, u64)>,
    requested: HashSet<usize>,
    failed: HashSet<usize>,
    /// Failed attempts per thumbnail: the device is shared, so an error another thread
    /// caused can land on a thumbnail; it is tried again before giving up.
    attempts: HashMap<usize, u8>,
    clock: u64,
    animating: usize,
    last_animation: f64,
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
            animating: 0,
            last_animation: 0.0,
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
        while let Ok(done) = self.done.try_recv() {
            let key = done.key;
            if done.animation {
                self.animating = self.animating.saturating_sub(1);
            } else {
                self.requested.remove(&key);
            }
            match done.rgba {
                Some(rgba) => {
                    let image = egui::ColorImage::from_rgba_unmultiplied(
                        [THUMB_PX as usize, THUMB_PX as usize],
                        &rgba,
                    );
                    self.clock += 1;
                    match self.textures.get_mut(&key) {
                        Some((tex, _)) => tex.set(image, Default::default()),
                        None if !done.animation => {
                            let tex =
                                ctx.load_texture(format!("thumb-{key}"), image, Default::default());
                            self.textures.insert(key, (tex, self.clock));
                        }
                        None => {}
                    }
                }
                None if done.animation => {}
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
                .send(Job::Make {
                    key,
                    outline: Box::new(outline),
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

    /// Re-renders the thumbnails on screen (`shown`) at animation time `time`, at most
    /// every [`ANIMATION_PERIOD_S`] of wall time `now` and never piling up frames.
    pub fn animate(&mut self, shown: &[usize], time: f32, now: f64) {
        if self.animating > 0 || now - self.last_animation < ANIMATION_PERIOD_S {
            return;
        }
        let Some(jobs) = &self.jobs else {
            return;
        };
        self.last_animation = now;
        for &key in shown {
            if self.textures.contains_key(&key) && jobs.send(Job::Animate { key, time }).is_ok() {
                self.animating += 1;
            }
        }
    }

    /// Thumbnails still being computed.
    pub fn pending(&self) -> usize {
        self.requested.len()
    }
}

fn worker(ctx: GpuContext, jobs: Receiver<Job>, done: Sender<Done>, repaint: egui::Context) {
    let Ok(engine) = GpuFieldEngine::with_context(ctx.clone()) else {
        return;
    };
    let renderer = HologramRenderer::new(&ctx.device, hologram::OFFSCREEN_FORMAT);
    let options = FieldOptions::default().with_size(THUMB_FIELD);
    // Fields kept for animation: key → (fields, em per px, style, last use).
    let mut kept: HashMap<usize, (GpuFields, f32, Style, u64)> = HashMap::new();
    let mut tick = 0u64;
    let render = |fields: &GpuFields, em: f32, style: Style, time: f32| {
        let frame = Frame {
            time,
            style,
            ..Frame::default()
        };
        hologram::render_offscreen(&ctx, &renderer, fields, em, &frame, THUMB_PX)
            .map_err(|e| e.to_string())
    };
    while let Ok(job) = jobs.recv() {
        tick += 1;
        let (key, animation, result) = match job {
            Job::Make {
                key,
                outline,
                style,
            } => {
                let result = Prepared::new(&outline, &options)
                    .map_err(|e| e.to_string())
                    .and_then(|prep| {
                        let fields = engine.dispatch(&prep).map_err(|e| e.to_string())?;
                        let em = prep.grid.em_per_px as f32;
                        let rgba = render(&fields, em, style, 0.6)?;
                        if kept.len() >= MAX_FIELDS
                            && let Some(oldest) =
                                kept.iter().min_by_key(|(_, v)| v.3).map(|(k, _)| *k)
                        {
                            kept.remove(&oldest);
                        }
                        kept.insert(key, (fields, em, style, tick));
                        Ok(rgba)
                    });
                (key, false, result)
            }
            Job::Animate { key, time } => {
                let result = match kept.get_mut(&key) {
                    Some(k) => {
                        k.3 = tick;
                        render(&k.0, k.1, k.2, time)
                    }
                    None => Err("fields no longer kept".to_string()),
                };
                (key, true, result)
            }
        };
        let rgba = match result {
            Ok(rgba) => Some(rgba),
            Err(e) => {
                if !animation {
                    super::log_error(&format!("thumbnail {key}: {e}"));
                }
                None
            }
        };
        if done
            .send(Done {
                key,
                rgba,
                animation,
            })
            .is_err()
        {
            return;
        }
        repaint.request_repaint();
    }
}
