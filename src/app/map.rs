//! Map mode: the whole library as a field of points (see `crate::map` for the layouts). What
//! is shown (layout, projection, camera, local depth, selection, compare), the layouts that
//! arrived, the animation between them, and the worker that computes them off the UI thread
//! (a thread and a rayon pool of its own: a t-SNE of ten thousand points takes a while, and
//! neither the glyph worker nor the global pool's field work queues behind it).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use crate::embedding::{SemanticIndex, ShapeIndex, Space};
use crate::library::{Library, SymbolId};
use crate::map::{Layout, LayoutInputs, LayoutKind, MapGraph, Projection};

/// Seconds (egui's clock, animation on or off) points take to move to a new layout.
pub const MOVE_S: f64 = 0.6;
/// Finished layouts kept, so switching back to one shows it at once.
pub const CACHED_LAYOUTS: usize = 6;
/// At most this many symbols are compared side by side.
pub const MAX_COMPARED: usize = 4;
/// The seed every layout is computed with.
pub const SEED: u64 = 1;

/// What a layout was made from: it is recomputed when any of this changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayoutKey {
    pub revision: u64,
    pub kind: LayoutKind,
    pub projection: Projection,
    /// The import's number (0: none), for the imported layout.
    pub import: u64,
    /// Whether the shape index was there (the shape layout waits for it).
    pub shape: bool,
}

/// A layout that arrived, and the graph its positions index.
#[derive(Clone)]
pub struct Placed {
    pub key: LayoutKey,
    pub graph: Arc<MapGraph>,
    pub layout: Arc<Layout>,
    /// The final layout, not the quick PCA shown while t-SNE or the force layout runs.
    pub refined: bool,
}

/// An embedding imported from a `.npy` file and its ids.
pub struct Imported {
    pub number: u64,
    pub name: String,
    pub space: Arc<Space>,
}

/// The camera: the layout point at the centre of the canvas and the zoom (1: the whole
/// [−1, 1]² square fits).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    pub centre: [f32; 2],
    pub zoom: f32,
}

impl Default for Camera {
    fn default() -> Self {
        Self {
            centre: [0.0, 0.0],
            zoom: 1.0,
        }
    }
}

impl Camera {
    pub const MIN_ZOOM: f32 = 0.25;
    pub const MAX_ZOOM: f32 = 400.0;

    /// Screen points per layout unit on a canvas `rect`.
    pub fn scale(&self, rect: egui::Rect) -> f32 {
        self.zoom * rect.width().min(rect.height()) * 0.45
    }

    pub fn to_screen(&self, rect: egui::Rect, p: [f32; 2]) -> egui::Pos2 {
        let s = self.scale(rect);
        rect.center() + egui::vec2((p[0] - self.centre[0]) * s, -(p[1] - self.centre[1]) * s)
    }

    pub fn from_screen(&self, rect: egui::Rect, q: egui::Pos2) -> [f32; 2] {
        let s = self.scale(rect);
        let d = q - rect.center();
        [self.centre[0] + d.x / s, self.centre[1] - d.y / s]
    }

    /// Zooms by `factor` (> 1 zooms in) keeping the layout point under `at` in place.
    pub fn zoom_at(&mut self, rect: egui::Rect, factor: f32, at: egui::Pos2) {
        let before = self.from_screen(rect, at);
        self.zoom = (self.zoom * factor).clamp(Self::MIN_ZOOM, Self::MAX_ZOOM);
        let after = self.from_screen(rect, at);
        self.centre[0] += before[0] - after[0];
        self.centre[1] += before[1] - after[1];
    }

    /// Frames the box `lo`–`hi` of layout points, with a margin.
    pub fn frame(lo: [f32; 2], hi: [f32; 2]) -> Self {
        let half = ((hi[0] - lo[0]).max(hi[1] - lo[1]) / 2.0).max(0.02);
        Self {
            centre: [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0],
            // A margin for the cards and thumbnails drawn around the outermost points.
            zoom: (1.0 / half / 1.3).clamp(Self::MIN_ZOOM, Self::MAX_ZOOM),
        }
    }
}

/// Map-mode actions.
#[derive(Clone, Debug, PartialEq)]
pub enum MapCommand {
    /// Show or hide the map (M).
    Toggle,
    SetKind(LayoutKind),
    SetProjection(Projection),
    /// Show only what is within N links of the focused item (None: everything).
    SetLocalDepth(Option<u8>),
    /// Fit every point shown (F).
    FitAll,
    /// Fit the selection (or the focused item).
    ZoomToSelection,
    /// Zoom by a factor (> 1 zooms in) around a canvas point.
    ZoomAt {
        factor: f32,
        at: [f32; 2],
    },
    /// Pan by a vector in screen points.
    Pan([f32; 2]),
    /// Replace the selection (a lasso or a box).
    Select(Vec<SymbolId>),
    /// Compare the selected symbols side by side in the view.
    Compare,
    /// Stop comparing.
    CloseCompare,
    /// Open a symbol (double-click): leaves the map for its hologram.
    Open(SymbolId),
    /// Import an embedding: asks for the `.npy` file (and its ids beside it).
    ImportEmbeddings,
    /// Import from these files (tests, and the dialog's answer).
    ImportFrom {
        matrix: PathBuf,
        ids: PathBuf,
    },
    ExportCsv,
    ExportPng,
}

impl MapCommand {
    pub fn label(&self) -> String {
        match self {
            MapCommand::Toggle => "Map".into(),
            MapCommand::SetKind(k) => format!("Map layout: {k}"),
            MapCommand::SetProjection(p) => format!("Projection: {p}"),
            MapCommand::SetLocalDepth(None) => "Whole map".into(),
            MapCommand::SetLocalDepth(Some(d)) => format!("Local map, {d} links"),
            MapCommand::FitAll => "Fit all".into(),
            MapCommand::ZoomToSelection => "Zoom to selection".into(),
            MapCommand::ZoomAt { .. } => "Zoom the map".into(),
            MapCommand::Pan(_) => "Pan the map".into(),
            MapCommand::Select(ids) => format!("Select {} symbols", ids.len()),
            MapCommand::Compare => "Compare the selection".into(),
            MapCommand::CloseCompare => "Stop comparing".into(),
            MapCommand::Open(id) => format!("Open {id}"),
            MapCommand::ImportEmbeddings => "Import embeddings (.npy)…".into(),
            MapCommand::ImportFrom { .. } => "Import embeddings".into(),
            MapCommand::ExportCsv => "Export the layout as CSV…".into(),
            MapCommand::ExportPng => "Export the map as PNG…".into(),
        }
    }
}

/// A layout on its way.
pub struct Computing {
    pub key: LayoutKey,
    /// Per mille done.
    pub progress: Arc<AtomicU32>,
    pub since: std::time::Instant,
}

impl Computing {
    pub fn fraction(&self) -> f32 {
        self.progress.load(Ordering::Relaxed) as f32 / 1000.0
    }
}

/// Map mode's state.
#[derive(Default)]
pub struct MapState {
    pub on: bool,
    pub kind: LayoutKind,
    pub projection: Projection,
    pub camera: Camera,
    pub local_depth: Option<u8>,
    /// Symbols chosen with the lasso or the box.
    pub selection: Vec<SymbolId>,
    /// Symbols compared side by side in the view (2–4; empty: not comparing).
    pub compare: Vec<SymbolId>,
    pub placed: Option<Placed>,
    /// Finished layouts of this session, most recently shown last (at most
    /// [`CACHED_LAYOUTS`]; a layout of another revision is never shown for this one).
    pub cache: Vec<Placed>,
    /// Where the points were when the current layout arrived, and when (wall seconds): they
    /// move from there.
    pub moving_from: Option<(Vec<Option<[f32; 2]>>, f64)>,
    pub computing: Option<Computing>,
    /// Why the wanted layout could not be made, and for which key.
    pub error: Option<(LayoutKey, String)>,
    pub imported: Option<Imported>,
    /// The canvas in the last frame (points).
    pub canvas: Option<egui::Rect>,
    /// Fit the next layout that arrives (the first one, or after the layout changed).
    pub fit_pending: bool,
}

impl MapState {
    /// Keeps a finished layout, most recent last; layouts of other revisions go (they can
    /// never be shown again), then the oldest beyond [`CACHED_LAYOUTS`].
    pub fn keep(&mut self, placed: Placed) {
        let revision = placed.key.revision;
        self.cache
            .retain(|c| c.key != placed.key && c.key.revision == revision);
        self.cache.push(placed);
        if self.cache.len() > CACHED_LAYOUTS {
            self.cache.remove(0);
        }
    }

    /// The error of the layout wanted now, if it failed.
    pub fn error_for(&self, wanted: &LayoutKey) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(k, _)| k == wanted)
            .map(|(_, e)| e.as_str())
    }

    /// The key of the layout the map wants now.
    pub fn wanted(&self, revision: u64, shape: bool) -> LayoutKey {
        LayoutKey {
            revision,
            kind: self.kind,
            projection: if self.kind == LayoutKind::Graph {
                Projection::Pca
            } else {
                self.projection
            },
            import: match (self.kind, &self.imported) {
                (LayoutKind::Imported, Some(i)) => i.number,
                _ => 0,
            },
            shape: shape && self.kind == LayoutKind::Shape,
        }
    }

    /// Where each node is drawn at wall time `now`: on the way from the previous layout
    /// (eased), or at its place.
    pub fn positions_at(&self, now: f64) -> Option<(Vec<Option<[f32; 2]>>, bool)> {
        let placed = self.placed.as_ref()?;
        let to = &placed.layout.positions;
        let Some((from, start)) = &self.moving_from else {
            return Some((to.clone(), false));
        };
        let t = ((now - start) / MOVE_S).clamp(0.0, 1.0) as f32;
        if t >= 1.0 || from.len() != to.len() {
            return Some((to.clone(), false));
        }
        let e = t * t * (3.0 - 2.0 * t);
        let mixed = from
            .iter()
            .zip(to)
            .map(|(a, b)| match (a, b) {
                (Some(a), Some(b)) => Some([a[0] + (b[0] - a[0]) * e, a[1] + (b[1] - a[1]) * e]),
                (_, b) => *b,
            })
            .collect();
        Some((mixed, true))
    }
}

/// The layout the worker is computing and its progress, shared with the UI side.
type Running = Arc<Mutex<Option<(LayoutKey, Arc<AtomicU32>)>>>;

/// What the map's workers finished.
pub enum MapDone {
    /// A layout (or the quick preview of one).
    Layout {
        key: LayoutKey,
        result: Result<(Arc<MapGraph>, Arc<Layout>), String>,
        refined: bool,
    },
    /// An embedding read from disk.
    Imported {
        matrix: PathBuf,
        result: Result<Space, String>,
    },
}

struct Request {
    key: LayoutKey,
    library: Arc<Library>,
    semantic: Arc<SemanticIndex>,
    shape: Option<Arc<ShapeIndex>>,
    imported: Option<Arc<Space>>,
    progress: Arc<AtomicU32>,
}

/// The map's worker: one layout at a time; a request made while one runs waits, and only
/// the newest waiting request is kept.
pub struct MapJobs {
    waiting: Arc<Mutex<Option<Request>>>,
    /// The layout the worker is computing, and its progress.
    running: Running,
    /// Set when the app closes: the worker stops between stages.
    stop: Arc<AtomicBool>,
    wake: Option<Sender<()>>,
    done: Receiver<MapDone>,
    done_tx: Sender<MapDone>,
    repaint: egui::Context,
    worker: Option<std::thread::JoinHandle<()>>,
    /// Requests sent and not answered.
    pub pending: usize,
}

impl MapJobs {
    pub fn new(repaint: egui::Context) -> Self {
        let (wake_tx, wake_rx) = channel::<()>();
        let (done_tx, done) = channel();
        let worker_done = done_tx.clone();
        let worker_repaint = repaint.clone();
        let waiting: Arc<Mutex<Option<Request>>> = Arc::default();
        let running: Running = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (queue, now_running, stopped) = (waiting.clone(), running.clone(), stop.clone());
        let worker = std::thread::Builder::new()
            .name("hologlyph-map".into())
            .spawn(move || {
                // A pool of its own: the neighbour search and PCA never queue ahead of the
                // glyph the user is waiting for on the global pool.
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
                    .thread_name(|i| format!("hologlyph-map-{i}"))
                    .build();
                let mut graph: Option<(u64, Arc<MapGraph>)> = None;
                while wake_rx.recv().is_ok() {
                    let Some(request) = queue.lock().map(|mut q| q.take()).unwrap_or(None) else {
                        continue;
                    };
                    if let Ok(mut r) = now_running.lock() {
                        *r = Some((request.key.clone(), request.progress.clone()));
                    }
                    let key = request.key.clone();
                    let work = std::panic::AssertUnwindSafe(|| match &pool {
                        Ok(pool) => pool.install(|| {
                            run(request, &mut graph, &worker_done, &worker_repaint, &stopped)
                        }),
                        Err(_) => run(request, &mut graph, &worker_done, &worker_repaint, &stopped),
                    });
                    if let Err(panic) = std::panic::catch_unwind(work) {
                        // A bug, not the user's input: answered, so nothing waits for ever.
                        let why = panic
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_default();
                        graph = None;
                        let _ = worker_done.send(MapDone::Layout {
                            key,
                            result: Err(format!("the layout failed (a bug): {why}")),
                            refined: true,
                        });
                        worker_repaint.request_repaint();
                    }
                    if let Ok(mut r) = now_running.lock() {
                        *r = None;
                    }
                }
            })
            .ok();
        Self {
            waiting,
            running,
            stop,
            wake: worker.is_some().then_some(wake_tx),
            done,
            done_tx,
            repaint,
            worker,
            pending: 0,
        }
    }

    /// Asks for the layout `key`; what `progress` counts is per mille.
    pub fn request(
        &mut self,
        key: LayoutKey,
        library: Arc<Library>,
        semantic: Arc<SemanticIndex>,
        shape: Option<Arc<ShapeIndex>>,
        imported: Option<Arc<Space>>,
    ) -> Computing {
        // Asked again while it runs (the user went to another layout and back): that run
        // answers, and whatever waited behind it is dropped.
        let running = self
            .running
            .lock()
            .ok()
            .and_then(|r| r.clone())
            .filter(|(k, _)| *k == key);
        if let Some((_, progress)) = running {
            if let Ok(mut q) = self.waiting.lock()
                && q.take().is_some()
            {
                self.pending = self.pending.saturating_sub(1);
            }
            return Computing {
                key,
                progress,
                since: std::time::Instant::now(),
            };
        }
        let progress = Arc::new(AtomicU32::new(0));
        let request = Request {
            key: key.clone(),
            library,
            semantic,
            shape,
            imported,
            progress: progress.clone(),
        };
        if let Ok(mut q) = self.waiting.lock() {
            // A request still waiting is replaced: it will never be answered.
            if q.replace(request).is_some() {
                self.pending = self.pending.saturating_sub(1);
            }
        }
        self.pending += 1;
        let woken = self.wake.as_ref().is_some_and(|w| w.send(()).is_ok());
        if !woken {
            // No worker: the request is answered at once, with why.
            if let Ok(mut q) = self.waiting.lock() {
                q.take();
            }
            let _ = self.done_tx.send(MapDone::Layout {
                key: key.clone(),
                result: Err("the map's worker thread could not be started".into()),
                refined: true,
            });
        }
        Computing {
            key,
            progress,
            since: std::time::Instant::now(),
        }
    }

    /// Reads an imported embedding on a thread of its own.
    pub fn import(&mut self, matrix: PathBuf, ids: PathBuf) {
        self.pending += 1;
        let done = self.done_tx.clone();
        let repaint = self.repaint.clone();
        let spawned = std::thread::Builder::new()
            .name("hologlyph-import".into())
            .spawn(move || {
                let result =
                    crate::embedding::load_external(&matrix, &ids).map_err(|e| e.to_string());
                let _ = done.send(MapDone::Imported { matrix, result });
                repaint.request_repaint();
            });
        if let Err(e) = spawned {
            let _ = self.done_tx.send(MapDone::Imported {
                matrix: PathBuf::new(),
                result: Err(format!("cannot start the import: {e}")),
            });
        }
    }

    pub fn receive(&mut self) -> Vec<MapDone> {
        let done: Vec<MapDone> = self.done.try_iter().collect();
        let finals = done
            .iter()
            .filter(|d| match d {
                MapDone::Layout {
                    result, refined, ..
                } => *refined || result.is_err(),
                MapDone::Imported { .. } => true,
            })
            .count();
        self.pending = self.pending.saturating_sub(finals);
        done
    }
}

impl Drop for MapJobs {
    /// The worker holds no GPU objects: it is told to stop and left to end on its own (a
    /// t-SNE already running finishes its epochs), so closing never waits for a layout.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.wake = None;
        drop(self.worker.take());
    }
}

fn run(
    r: Request,
    graph: &mut Option<(u64, Arc<MapGraph>)>,
    done: &Sender<MapDone>,
    repaint: &egui::Context,
    stop: &AtomicBool,
) {
    if stop.load(Ordering::Relaxed) {
        return;
    }
    let g = match graph {
        Some((rev, g)) if *rev == r.key.revision => g.clone(),
        _ => {
            let g = Arc::new(MapGraph::new(&r.library));
            *graph = Some((r.key.revision, g.clone()));
            g
        }
    };
    let inputs = LayoutInputs {
        graph: &g,
        semantic: &r.semantic,
        shape: r.shape.as_deref(),
        imported: r.imported.as_deref(),
    };
    let send = |result: Result<Layout, String>, refined: bool| {
        let _ = done.send(MapDone::Layout {
            key: r.key.clone(),
            result: result.map(|l| (g.clone(), Arc::new(l))),
            refined,
        });
        repaint.request_repaint();
    };
    let progress = |f: f32| {
        // The map's toolbar redraws the progress bar while a layout computes.
        r.progress
            .store((f.clamp(0.0, 1.0) * 1000.0) as u32, Ordering::Relaxed);
    };
    // The slow layouts show their PCA start first (the graph's is meaning's).
    let preview = |l: Layout| {
        if !stop.load(Ordering::Relaxed) {
            send(Ok(l), false);
        }
    };
    let result = crate::map::compute_with_preview(
        r.key.kind,
        r.key.projection,
        &inputs,
        SEED,
        &progress,
        &preview,
    )
    .map_err(|e| e.to_string());
    if !stop.load(Ordering::Relaxed) {
        send(result, true);
    }
}

/// The graph node of what is focused, if the map has it.
pub fn focused_node(focus: Option<&super::navigation::Focus>, graph: &MapGraph) -> Option<u32> {
    use super::navigation::Focus;
    use crate::map::NodeKind;
    match focus? {
        Focus::Symbol { id, .. } => graph.find(NodeKind::Symbol, id.as_str()),
        Focus::Scene(id) => graph.find(NodeKind::Scene, id.as_str()),
        Focus::Adapter(id) => graph.find(NodeKind::Adapter, id.as_str()),
    }
}

/// Which nodes the map shows: those within the local depth of the focused item, or all
/// (`None`) when the local map is off or nothing focused is on the map.
pub fn shown_nodes(st: &super::state::State, graph: &MapGraph) -> Option<Vec<bool>> {
    let depth = st.map.local_depth?;
    let centre = focused_node(st.focus(), graph)?;
    Some(graph.within(centre, u32::from(depth)))
}

/// The box around the given layout points, if there are any.
fn bounds(points: impl Iterator<Item = [f32; 2]>) -> Option<([f32; 2], [f32; 2])> {
    let mut lo = [f32::INFINITY; 2];
    let mut hi = [f32::NEG_INFINITY; 2];
    let mut any = false;
    for p in points.filter(|p| p[0].is_finite() && p[1].is_finite()) {
        any = true;
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    any.then_some((lo, hi))
}

impl super::HologlyphApp {
    pub(super) fn apply_map(&mut self, c: MapCommand, ctx: &egui::Context) {
        let canvas = self.state.map.canvas;
        let st = &mut self.state;
        match c {
            MapCommand::Toggle => {
                st.map.on = !st.map.on;
                if st.map.on && st.map.placed.is_none() {
                    st.map.fit_pending = true;
                }
                st.status.info(if st.map.on {
                    "map: wheel zooms, drag pans, shift-drag selects, F fits, double-click opens"
                } else {
                    "map closed"
                });
            }
            MapCommand::SetKind(k) => {
                if k == LayoutKind::Imported && st.map.imported.is_none() {
                    return self.apply_map(MapCommand::ImportEmbeddings, ctx);
                }
                st.map.kind = k;
                st.map.fit_pending = true;
                st.settings.map_layout = k;
            }
            MapCommand::SetProjection(p) => {
                st.map.projection = p;
                st.settings.map_projection = p;
            }
            MapCommand::SetLocalDepth(d) => {
                st.map.local_depth = d;
                self.fit_map(false);
            }
            MapCommand::FitAll => self.fit_map(false),
            MapCommand::ZoomToSelection => self.fit_map(true),
            MapCommand::ZoomAt { factor, at } => {
                // The user's own framing is kept when the refined layout arrives.
                st.map.fit_pending = false;
                if let Some(rect) = canvas.filter(|r| r.width() > 1.0 && r.height() > 1.0) {
                    st.map
                        .camera
                        .zoom_at(rect, factor, egui::pos2(at[0], at[1]));
                }
            }
            MapCommand::Pan(d) => {
                st.map.fit_pending = false;
                if let Some(rect) = canvas.filter(|r| r.width() > 1.0 && r.height() > 1.0) {
                    let s = st.map.camera.scale(rect);
                    st.map.camera.centre[0] -= d[0] / s;
                    st.map.camera.centre[1] += d[1] / s;
                }
            }
            MapCommand::Select(ids) => {
                st.status.info(match ids.len() {
                    0 => "nothing selected".to_string(),
                    1 => "1 symbol selected".to_string(),
                    n => format!(
                        "{n} symbols selected: Compare (C) shows up to {MAX_COMPARED} side by side"
                    ),
                });
                st.map.selection = ids;
            }
            MapCommand::Compare => {
                let n = st.map.selection.len();
                if n < 2 {
                    st.status.error(
                        "select two to four symbols to compare: shift-drag around them on the map",
                    );
                    return;
                }
                st.map.compare = st
                    .map
                    .selection
                    .iter()
                    .take(MAX_COMPARED)
                    .cloned()
                    .collect();
                if n > MAX_COMPARED {
                    st.status.info(format!(
                        "comparing the first {MAX_COMPARED} of {n} selected"
                    ));
                }
            }
            MapCommand::CloseCompare => st.map.compare.clear(),
            MapCommand::Open(id) => {
                st.map.on = false;
                st.map.compare.clear();
                self.apply(
                    super::commands::Command::Go(super::navigation::Focus::symbol(id)),
                    ctx,
                );
            }
            MapCommand::ImportEmbeddings => {
                let Some(matrix) = rfd::FileDialog::new()
                    .set_title("Embeddings: a .npy matrix, one row per id")
                    .add_filter("NumPy array", &["npy"])
                    .pick_file()
                else {
                    return;
                };
                // The ids beside it (`name.ids.txt`, `name.txt`), else ask.
                let beside = ["ids.txt", "txt"]
                    .iter()
                    .map(|ext| matrix.with_extension(ext))
                    .find(|p| p.is_file());
                let ids = match beside {
                    Some(p) => p,
                    None => match rfd::FileDialog::new()
                        .set_title("The ids of the rows, one per line")
                        .add_filter("Text", &["txt"])
                        .pick_file()
                    {
                        Some(p) => p,
                        None => return,
                    },
                };
                self.apply_map(MapCommand::ImportFrom { matrix, ids }, ctx);
            }
            MapCommand::ImportFrom { matrix, ids } => {
                st.status.info(format!("reading {}…", matrix.display()));
                self.rt.map_jobs.import(matrix, ids);
            }
            MapCommand::ExportCsv => {
                let Some(path) = rfd::FileDialog::new()
                    .set_title("Export the map layout")
                    .set_file_name(format!("map-{}.csv", st.map.kind))
                    .add_filter("CSV", &["csv"])
                    .save_file()
                else {
                    return;
                };
                self.export_map_csv_to(&path);
            }
            MapCommand::ExportPng => {
                let Some(path) = rfd::FileDialog::new()
                    .set_title("Export the map as a picture")
                    .set_file_name(format!("map-{}.png", st.map.kind))
                    .add_filter("PNG", &["png"])
                    .save_file()
                else {
                    return;
                };
                self.export_map_png_to(path, ctx);
            }
        }
    }

    /// Writes the current layout as CSV (`id,kind,x,y`) to `path`, atomically.
    pub fn export_map_csv_to(&mut self, path: &std::path::Path) -> bool {
        let st = &mut self.state;
        let Some(placed) = &st.map.placed else {
            st.status.error("the map has no layout yet to export");
            return false;
        };
        let text = crate::map::csv(&placed.graph, &placed.layout);
        let written = crate::output::write_atomic(path, |f| {
            use std::io::Write;
            f.write_all(text.as_bytes())
                .map_err(|error| crate::output::OutputError::Io {
                    path: path.to_path_buf(),
                    error,
                })
        });
        match written {
            Ok(()) => {
                st.status.info(format!(
                    "wrote {} ({} places)",
                    path.display(),
                    text.lines().count() - 1
                ));
                true
            }
            Err(e) => {
                st.status.error(format!("cannot export the layout: {e}"));
                false
            }
        }
    }

    /// Writes what the map canvas shows as a PNG at `path` (the next frame's pixels).
    pub fn export_map_png_to(&mut self, path: PathBuf, ctx: &egui::Context) {
        let st = &mut self.state;
        let Some(rect) = st.map.canvas else {
            st.status.error("open the map (M) to export it");
            return;
        };
        let ppp = self.rt.pixels_per_point;
        let repaint = ctx.clone();
        let (tx, rx) = channel();
        ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(
            egui::ScreenshotCallback::new(move |image| {
                let result = write_region(&path, &image, rect, ppp);
                if tx.send(result).is_ok() {
                    repaint.request_repaint();
                }
            }),
        ));
        self.rt.map_shot = Some(rx);
        st.status.info("exporting the map…");
    }

    /// Fits the camera to what is shown (or to the selection).
    fn fit_map(&mut self, selection: bool) {
        let st = &mut self.state;
        let Some(placed) = &st.map.placed else {
            st.map.fit_pending = true;
            return;
        };
        let graph = placed.graph.clone();
        let positions = &placed.layout.positions;
        let shown = shown_nodes(st, &graph);
        let chosen: Vec<u32> = if selection {
            let mut ids: Vec<u32> = st
                .map
                .selection
                .iter()
                .filter_map(|id| graph.find(crate::map::NodeKind::Symbol, id.as_str()))
                .collect();
            if ids.is_empty() {
                ids.extend(focused_node(st.focus(), &graph));
            }
            ids
        } else {
            (0..graph.len() as u32)
                .filter(|&i| shown.as_ref().is_none_or(|s| s[i as usize]))
                .collect()
        };
        if let Some((lo, hi)) = bounds(chosen.iter().filter_map(|&i| positions[i as usize])) {
            st.map.camera = Camera::frame(lo, hi);
        }
        st.map.fit_pending = false;
    }

    /// The map's own keys: F fits, C compares, + and − zoom, the arrows pan.
    pub(super) fn map_keys(&mut self, ctx: &egui::Context) {
        use egui::{Key, Modifiers};
        let key = |k| ctx.input_mut(|i| i.consume_key(Modifiers::NONE, k));
        let centre = self.state.map.canvas.map(|r| [r.center().x, r.center().y]);
        let mut out = Vec::new();
        if key(Key::F) {
            out.push(MapCommand::FitAll);
        }
        if key(Key::C) {
            out.push(MapCommand::Compare);
        }
        if let Some(at) = centre {
            if key(Key::Plus) || key(Key::Equals) {
                out.push(MapCommand::ZoomAt { factor: 1.25, at });
            }
            if key(Key::Minus) {
                out.push(MapCommand::ZoomAt { factor: 0.8, at });
            }
        }
        for (k, d) in [
            (Key::ArrowLeft, [60.0, 0.0]),
            (Key::ArrowRight, [-60.0, 0.0]),
            (Key::ArrowUp, [0.0, 60.0]),
            (Key::ArrowDown, [0.0, -60.0]),
        ] {
            if key(k) {
                out.push(MapCommand::Pan(d));
            }
        }
        self.rt
            .commands
            .extend(out.into_iter().map(super::commands::Command::Map));
    }

    /// Takes what the map's workers finished.
    pub(super) fn receive_map(&mut self) {
        for done in self.rt.map_jobs.receive() {
            let st = &mut self.state;
            match done {
                MapDone::Layout {
                    key,
                    result,
                    refined,
                } => {
                    if st.map.computing.as_ref().is_some_and(|c| c.key == key) && refined {
                        st.map.computing = None;
                    }
                    match result {
                        Ok((graph, layout)) => {
                            let placed = Placed {
                                key,
                                graph,
                                layout,
                                refined,
                            };
                            let wanted = st
                                .map
                                .wanted(st.doc.revision().number(), st.doc.shape().is_some());
                            let finished = st.map.cache.iter().any(|c| c.key == placed.key);
                            if placed.key == wanted && (refined || !finished) {
                                self.show_layout(placed);
                            } else if refined {
                                // Asked for, then left (another layout chosen meanwhile): kept
                                // for when it is chosen again, not shown.
                                st.map.keep(placed);
                            }
                        }
                        Err(e) => st.map.error = Some((key, e)),
                    }
                }
                MapDone::Imported { matrix, result } => match result {
                    Ok(space) => {
                        let number = st.map.imported.as_ref().map_or(1, |i| i.number + 1);
                        let name = matrix
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        st.status.info(format!(
                            "imported {} vectors of {} dimensions from {name}",
                            space.len(),
                            space.dim()
                        ));
                        st.map.imported = Some(Imported {
                            number,
                            name,
                            space: Arc::new(space),
                        });
                        st.map.kind = LayoutKind::Imported;
                        st.map.fit_pending = true;
                    }
                    Err(e) => st.status.error(format!("cannot import embeddings: {e}")),
                },
            }
        }
        if let Some(rx) = &self.rt.map_shot
            && let Ok(result) = rx.try_recv()
        {
            self.rt.map_shot = None;
            match result {
                Ok(path) => self.state.status.info(format!("wrote {}", path.display())),
                Err(e) => self
                    .state
                    .status
                    .error(format!("cannot export the map: {e}")),
            }
        }
    }

    /// Shows a layout: the points move there from where they are (when both index the same
    /// graph), the camera fits it if it was waiting to, and a refined one is kept.
    fn show_layout(&mut self, placed: Placed) {
        let now = self.state.clock.now;
        // A frozen clock (tests, snapshots) shows every layout where it ends.
        let still = self.state.clock.frozen.is_some();
        let m = &mut self.state.map;
        let from = m.positions_at(now).map(|(p, _)| p);
        let same_graph = m
            .placed
            .as_ref()
            .is_some_and(|p| Arc::ptr_eq(&p.graph, &placed.graph));
        m.moving_from = from.filter(|_| same_graph && !still).map(|p| (p, now));
        let refined = placed.refined;
        if refined {
            m.keep(placed.clone());
        }
        m.placed = Some(placed);
        m.error = None;
        if m.fit_pending {
            self.fit_map(false);
            // A preview is fitted, and the refined layout once more.
            self.state.map.fit_pending = !refined;
        }
    }

    /// Asks for the layout the map shows, when it is on and has not got it.
    pub(super) fn sync_map(&mut self) {
        let st = &mut self.state;
        if !st.map.on {
            return;
        }
        let shape = st.doc.shape().cloned();
        let key = st.map.wanted(st.doc.revision().number(), shape.is_some());
        let have = st
            .map
            .placed
            .as_ref()
            .is_some_and(|p| p.key == key && p.refined);
        let asked = st.map.computing.as_ref().is_some_and(|c| c.key == key);
        let failed = st.map.error.as_ref().is_some_and(|(k, _)| *k == key);
        if have || asked || failed {
            return;
        }
        // Made before (this revision, this kind): shown at once.
        if let Some(kept) = st.map.cache.iter().find(|p| p.key == key).cloned() {
            st.map.computing = None;
            self.show_layout(kept);
            return;
        }
        let computing = self.rt.map_jobs.request(
            key,
            st.doc.library().clone(),
            st.doc.semantic().clone(),
            shape,
            st.map.imported.as_ref().map(|i| i.space.clone()),
        );
        st.map.computing = Some(computing);
    }
}

/// Crops `image` to `rect` (points) and writes it as a PNG.
fn write_region(
    path: &std::path::Path,
    image: &egui::ColorImage,
    rect: egui::Rect,
    ppp: f32,
) -> Result<PathBuf, String> {
    let [w, h] = image.size;
    let x0 = ((rect.min.x * ppp).round().max(0.0) as usize).min(w);
    let y0 = ((rect.min.y * ppp).round().max(0.0) as usize).min(h);
    let x1 = ((rect.max.x * ppp).round().max(0.0) as usize).min(w);
    let y1 = ((rect.max.y * ppp).round().max(0.0) as usize).min(h);
    if x1 <= x0 || y1 <= y0 {
        return Err("the map is not on screen".into());
    }
    let mut rgba = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
    for y in y0..y1 {
        for x in x0..x1 {
            rgba.extend_from_slice(&image.pixels[y * w + x].to_array());
        }
    }
    crate::output::write_png(path, (x1 - x0) as u32, (y1 - y0) as u32, &rgba)
        .map_err(|e| e.to_string())?;
    Ok(path.to_path_buf())
}
