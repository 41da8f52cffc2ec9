//! Thumbnails for the browser: computed in the background (fields on the GPU, then an
//! offscreen render), cached as egui textures, evicted least-recently-shown first when
//! they hold more than [`MAX_CACHED_BYTES`]. A placeholder shows until a thumbnail arrives.
//! When animation is on, the thumbnails on screen are re-rendered at the current time a
//! few times a second from fields the worker keeps (only the render runs again).
//!
//! Thumbnails are keyed by the library's generation and the symbol's id; each remembers the
//! glyph and style it was made from, so an edited glyph is made again, and a result made
//! for a library that was closed meanwhile is dropped.
//! The panels ask for thumbnails while drawing (`&self`); the cache keeps its bookkeeping
//! behind a `RefCell`.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::fields::{FieldOptions, GpuFieldEngine, GpuFields, Prepared};
use crate::glyph::FontSet;
use crate::gpu::GpuContext;
use crate::hologram::{self, Frame, HologramRenderer, Style};
use crate::library::{GlyphRef, Library, SymbolId};

/// Which thumbnail: the library's opening (its generation) and the symbol.
pub type ThumbKey = (u64, SymbolId);

/// What a thumbnail was made from.
#[derive(Clone, Debug, PartialEq)]
struct Made {
    glyph: GlyphRef,
    style: Style,
}

/// Thumbnail size, pixels.
pub const THUMB_PX: u32 = 96;
/// Field size the thumbnails are computed at.
const THUMB_FIELD: u32 = 96;
/// Bytes of thumbnail textures kept (each 96² RGBA, 36 KiB): 72 MiB, 2048 thumbnails.
pub const MAX_CACHED_BYTES: usize = 72 << 20;
/// One thumbnail texture's bytes.
const THUMB_BYTES: usize = (THUMB_PX * THUMB_PX * 4) as usize;
/// Bytes of GPU fields the worker keeps to animate thumbnails (its buffers and textures).
pub const MAX_FIELD_BYTES: u64 = 64 << 20;
/// Seconds between animation frames of the thumbnails.
const ANIMATION_PERIOD_S: f64 = 0.2;

enum Job {
    /// Compute the fields and render the first frame.
    Make {
        key: ThumbKey,
        made: Made,
        /// The library the glyph's files and fonts are found through.
        library: Arc<Library>,
    },
    /// Render a kept glyph again at `time`.
    Animate { key: ThumbKey, time: f32 },
}

struct Done {
    key: ThumbKey,
    made: Option<Made>,
    /// The picture, or why there is none.
    rgba: Result<Vec<u8>, String>,
    animation: bool,
}

/// The thumbnail cache and its worker.
pub struct Thumbnails {
    jobs: Option<Sender<Job>>,
    /// Joined on drop, so the worker's GPU objects go before the device does.
    worker: Option<std::thread::JoinHandle<()>>,
    done: Receiver<Done>,
    inner: RefCell<Cache>,
    /// Why the worker could not start, if it could not.
    pub error: Option<String>,
}

#[derive(Default)]
struct Cache {
    /// The library whose thumbnails are wanted; others are dropped.
    generation: u64,
    textures: HashMap<ThumbKey, (egui::TextureHandle, Made, u64)>,
    requested: HashMap<ThumbKey, Made>,
    failed: HashMap<ThumbKey, Made>,
    /// Failed attempts per thumbnail: the device is shared, so an error another thread
    /// caused can land on a thumbnail; it is tried again before giving up.
    attempts: HashMap<ThumbKey, u8>,
    /// Thumbnails drawn this frame, for their animation.
    shown: HashSet<ThumbKey>,
    clock: u64,
    animating: usize,
    last_animation: f64,
    /// Results taken from the worker so far, wanted or not.
    received: u64,
    /// Results dropped because they were made for another library.
    dropped: u64,
}

impl Thumbnails {
    /// Starts a worker on `ctx`'s device (its own pipelines and uniforms, so it never
    /// disturbs the main view). Without a GPU, thumbnails stay placeholders.
    pub fn new(gpu: Option<GpuContext>, repaint: egui::Context) -> Self {
        let (job_tx, job_rx) = channel::<Job>();
        let (done_tx, done) = channel();
        let (jobs, worker, error) = match gpu {
            Some(ctx) => match std::thread::Builder::new()
                .name("thumbnails".into())
                .spawn(move || worker(ctx, job_rx, done_tx, repaint))
            {
                Ok(handle) => (Some(job_tx), Some(handle), None),
                Err(e) => (None, None, Some(format!("thumbnails could not start: {e}"))),
            },
            None => (None, None, None),
        };
        Self {
            jobs,
            worker,
            done,
            inner: RefCell::new(Cache::default()),
            error,
        }
    }

    /// Forgets everything and from now on wants thumbnails of library `generation` only.
    pub fn clear(&mut self, generation: u64) {
        *self.inner.get_mut() = Cache {
            generation,
            ..Cache::default()
        };
    }

    /// Takes finished thumbnails into textures; results for another library are dropped.
    pub fn receive(&mut self, ctx: &egui::Context) {
        let cache = self.inner.get_mut();
        while let Ok(done) = self.done.try_recv() {
            cache.received += 1;
            let key = done.key;
            if done.animation {
                cache.animating = cache.animating.saturating_sub(1);
            }
            if key.0 != cache.generation {
                cache.dropped += 1;
                continue;
            }
            let made = match done.made {
                Some(made) => {
                    // Only the request still wanted lands (a glyph edited meanwhile is
                    // asked for again).
                    if cache.requested.get(&key) != Some(&made) {
                        continue;
                    }
                    cache.requested.remove(&key);
                    Some(made)
                }
                None => None,
            };
            match (done.rgba, made) {
                (Ok(rgba), made) => {
                    let image = egui::ColorImage::from_rgba_unmultiplied(
                        [THUMB_PX as usize, THUMB_PX as usize],
                        &rgba,
                    );
                    cache.clock += 1;
                    match (cache.textures.get_mut(&key), made) {
                        (Some((tex, old, _)), Some(made)) => {
                            tex.set(image, Default::default());
                            *old = made;
                        }
                        (Some((tex, _, _)), None) => tex.set(image, Default::default()),
                        (None, Some(made)) => {
                            let name = format!("thumb-{}-{}", key.0, key.1);
                            let tex = ctx.load_texture(name, image, Default::default());
                            cache.textures.insert(key, (tex, made, cache.clock));
                        }
                        (None, None) => {}
                    }
                }
                // An animation frame that failed keeps the last picture.
                (Err(_), None) => {}
                (Err(e), Some(made)) => {
                    let tries = cache.attempts.entry(key.clone()).or_insert(0);
                    *tries += 1;
                    if *tries >= 3 {
                        cache.failed.insert(key, made);
                        // Shown once it is final (the device is shared, so a failure can
                        // be another thread's, and the first tries are silent).
                        self.error = Some(e);
                    }
                }
            }
        }
        let max_cached = MAX_CACHED_BYTES / THUMB_BYTES;
        if cache.textures.len() > max_cached {
            let mut by_age: Vec<(u64, ThumbKey)> = cache
                .textures
                .iter()
                .map(|(k, (_, _, t))| (*t, k.clone()))
                .collect();
            by_age.sort_unstable();
            let excess = cache.textures.len() - max_cached;
            for (_, k) in by_age.into_iter().take(excess) {
                cache.textures.remove(&k);
            }
        }
    }

    /// The thumbnail of symbol `id` of `library` (opened as `generation`) with `glyph` in
    /// `style`, asking the worker for it if it is not there yet (or was made from another
    /// glyph or style: the old one shows meanwhile). The worker reads the glyph's font or
    /// file itself.
    pub fn get(
        &self,
        generation: u64,
        library: &Arc<Library>,
        id: &SymbolId,
        glyph: &GlyphRef,
        style: Style,
    ) -> Option<egui::TextureHandle> {
        let mut cache = self.inner.borrow_mut();
        let cache = &mut *cache;
        if generation != cache.generation {
            return None;
        }
        cache.clock += 1;
        let key: ThumbKey = (generation, id.clone());
        let made = Made {
            glyph: glyph.clone(),
            style,
        };
        let mut shown = None;
        if let Some((tex, was, used)) = cache.textures.get_mut(&key) {
            *used = cache.clock;
            cache.shown.insert(key.clone());
            if *was == made {
                return Some(tex.clone());
            }
            shown = Some(tex.clone());
        }
        if cache.failed.get(&key) == Some(&made) || cache.requested.get(&key) == Some(&made) {
            return shown;
        }
        let job = Job::Make {
            key: key.clone(),
            made: made.clone(),
            library: library.clone(),
        };
        match &self.jobs {
            Some(jobs) if jobs.send(job).is_ok() => {
                cache.requested.insert(key, made);
            }
            _ => {
                cache.failed.insert(key, made);
            }
        }
        shown
    }

    /// Re-renders the thumbnails drawn since the last call at animation time `time`, at
    /// most every [`ANIMATION_PERIOD_S`] of wall time `now` and never piling up frames.
    pub fn animate(&mut self, time: f32, now: f64) {
        let cache = self.inner.get_mut();
        let shown = std::mem::take(&mut cache.shown);
        if cache.animating > 0 || now - cache.last_animation < ANIMATION_PERIOD_S {
            return;
        }
        let Some(jobs) = &self.jobs else {
            return;
        };
        cache.last_animation = now;
        for key in shown {
            if cache.textures.contains_key(&key) && jobs.send(Job::Animate { key, time }).is_ok() {
                cache.animating += 1;
            }
        }
    }

    /// Forgets which thumbnails were drawn (animation off).
    pub fn forget_shown(&mut self) {
        self.inner.get_mut().shown.clear();
    }

    /// Thumbnails kept as textures, and their bytes.
    pub fn cached(&self) -> (usize, usize) {
        let n = self.inner.borrow().textures.len();
        (n, n * THUMB_BYTES)
    }

    /// Thumbnails still being computed.
    pub fn pending(&self) -> usize {
        self.inner.borrow().requested.len()
    }
}

impl Drop for Thumbnails {
    /// Closes the queue and waits for the worker to finish the thumbnail in hand.
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(worker) = self.worker.take()
            && worker.join().is_err()
        {
            eprintln!("hologlyph: the thumbnail worker panicked");
        }
    }
}

fn worker(ctx: GpuContext, jobs: Receiver<Job>, done: Sender<Done>, repaint: egui::Context) {
    let engine = match GpuFieldEngine::with_context(ctx.clone()) {
        Ok(engine) => engine,
        Err(e) => {
            // Answer every job, so none stays pending, and say why.
            let why = format!("thumbnails cannot be computed: {e}");
            while let Ok(job) = jobs.recv() {
                let (key, made, animation) = match job {
                    Job::Make { key, made, .. } => (key, Some(made), false),
                    Job::Animate { key, .. } => (key, None, true),
                };
                let answer = Done {
                    key,
                    made,
                    rgba: Err(why.clone()),
                    animation,
                };
                if !answer_with(&done, &repaint, answer) {
                    return;
                }
            }
            return;
        }
    };
    let renderer = HologramRenderer::new(&ctx.device, hologram::OFFSCREEN_FORMAT);
    let options = FieldOptions::default().with_size(THUMB_FIELD);
    let fonts = FontSet::bundled();
    // Fields kept for animation: key → (fields, em per px, style, last use).
    let mut kept: HashMap<ThumbKey, (GpuFields, f32, Style, u64)> = HashMap::new();
    let mut kept_bytes = 0u64;
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
        let (key, made, result) = match job {
            Job::Make { key, made, library } => {
                let style = made.style;
                let result = library
                    .outline(&made.glyph, &fonts)
                    .map_err(|e| e.to_string())
                    .and_then(|outline| {
                        Prepared::new(&outline, &options).map_err(|e| e.to_string())
                    })
                    .and_then(|prep| {
                        let fields = engine.dispatch(&prep).map_err(|e| e.to_string())?;
                        let em = prep.grid.em_per_px as f32;
                        let rgba = render(&fields, em, style, 0.6)?;
                        // The oldest go until the new one fits in the byte budget.
                        let adding = fields.gpu_bytes();
                        while kept_bytes + adding > MAX_FIELD_BYTES
                            && let Some(oldest) =
                                kept.iter().min_by_key(|(_, v)| v.3).map(|(k, _)| k.clone())
                        {
                            if let Some((gone, ..)) = kept.remove(&oldest) {
                                kept_bytes -= gone.gpu_bytes();
                            }
                        }
                        kept_bytes += adding;
                        if let Some((replaced, ..)) =
                            kept.insert(key.clone(), (fields, em, style, tick))
                        {
                            kept_bytes -= replaced.gpu_bytes();
                        }
                        Ok(rgba)
                    });
                (key, Some(made), result)
            }
            Job::Animate { key, time } => {
                let result = match kept.get_mut(&key) {
                    Some(k) => {
                        k.3 = tick;
                        render(&k.0, k.1, k.2, time)
                    }
                    None => Err("fields no longer kept".to_string()),
                };
                (key, None, result)
            }
        };
        let animation = made.is_none();
        let rgba = result.map_err(|e| format!("thumbnail of {}: {e}", key.1));
        let answer = Done {
            key,
            made,
            rgba,
            animation,
        };
        if !answer_with(&done, &repaint, answer) {
            return;
        }
    }
}

/// Sends a result and asks for a frame to show it; false once the app has gone.
fn answer_with(done: &Sender<Done>, repaint: &egui::Context, answer: Done) -> bool {
    let sent = done.send(answer).is_ok();
    if sent {
        repaint.request_repaint();
    }
    sent
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes results until `n` have come back in all (at most 60 s).
    fn receive_until(thumbs: &mut Thumbnails, ctx: &egui::Context, n: u64) {
        let start = std::time::Instant::now();
        while thumbs.inner.borrow().received < n && start.elapsed().as_secs() < 60 {
            std::thread::sleep(std::time::Duration::from_millis(10));
            thumbs.receive(ctx);
        }
        assert!(
            thumbs.inner.borrow().received >= n,
            "the worker did not answer"
        );
    }

    /// Regression: thumbnail jobs carried no library generation, so when a library was
    /// closed and the next one asked for the same symbol id before the first library's
    /// thumbnail came back, that thumbnail landed in the new library.
    #[test]
    fn a_thumbnail_for_a_closed_library_never_lands_in_the_next_one() {
        let gpu = GpuContext::new().expect("a GPU adapter (lavapipe on machines without one)");
        let ctx = egui::Context::default();
        let mut thumbs = Thumbnails::new(Some(gpu), ctx.clone());
        let old = Arc::new(crate::library::load_bundled().expect("bundled").library);
        let s = &old.symbols[0];
        thumbs.clear(1);
        assert!(thumbs.get(1, &old, &s.id, &s.glyph, s.style).is_none());
        // The library closes; the next one has a symbol with the same id and glyph and asks
        // for it before the first answer is back (the worker answers in order).
        thumbs.clear(2);
        let new = Arc::new(crate::library::load_bundled().expect("bundled").library);
        assert!(thumbs.get(2, &new, &s.id, &s.glyph, s.style).is_none());
        assert_eq!(thumbs.pending(), 1);
        receive_until(&mut thumbs, &ctx, 2);
        {
            let cache = thumbs.inner.borrow();
            assert_eq!(
                cache.dropped, 1,
                "the closed library's thumbnail was not dropped"
            );
            let keys: Vec<&ThumbKey> = cache.textures.keys().collect();
            assert_eq!(
                keys,
                [&(2, s.id.clone())],
                "only the open library's thumbnail lands"
            );
        }
        assert_eq!(thumbs.pending(), 0);
        assert!(thumbs.get(2, &new, &s.id, &s.glyph, s.style).is_some());
        // An edited glyph is made again (the old picture shows meanwhile).
        let other = &new.symbols[1];
        assert!(thumbs.get(2, &new, &s.id, &other.glyph, s.style).is_some());
        assert_eq!(thumbs.pending(), 1);
    }
}
