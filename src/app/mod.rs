//! The desktop explorer: a library browser, the hologram view (the GPU render pipeline
//! inside egui) with hover and click-to-unfold, and an inspector with the five protocol
//! steps.
//!
//! Each frame flows one way: background results are taken in (`receive_jobs`), the panels
//! (`ui/`) draw from a `&State` and push [`Command`]s, the commands are applied in one place
//! (`apply.rs`), and the jobs the new state needs are sent (`sync_jobs`). Library changes
//! are [`crate::library::Edit`]s applied through the document's undo history.

mod apply;
mod browser;
mod commands;
mod document;
pub mod editing;
mod fonts;
mod gpu;
mod jobs;
pub mod layout;
pub mod map;
pub mod navigation;
pub mod present;
pub mod record;
pub mod recovery;
mod settings;
mod shown;
mod state;
mod thumbs;
mod ui;
mod view;
mod windows;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use egui_wgpu::wgpu;

use crate::gpu::GpuContext;
use crate::library;

pub use browser::BrowserState;
pub use commands::Command;
pub use document::Document;
pub use jobs::VIEW_FIELD;
pub use navigation::{Focus, Navigation};
pub use settings::Settings;
pub use state::State;
pub use view::{Hover, ViewTransform};

/// The app: its state, and the runtime objects that serve it (GPU, workers, caches).
pub struct HologlyphApp {
    state: State,
    rt: Runtime,
}

/// What the app runs on; panels may read it (the thumbnail cache, the GPU's name).
pub struct Runtime {
    /// When the library file was last looked at for changes on disk.
    disk_checked: Option<std::time::Instant>,
    pub gpu: Option<gpu::Gpu>,
    pub gpu_error: Option<String>,
    /// Why the window's GPU device was lost, once it was: the view says so instead of
    /// drawing (egui's renderer holds that device and cannot be given another).
    pub gpu_lost: Option<String>,
    jobs: jobs::Jobs,
    /// The map's layouts and imports, on threads of their own.
    map_jobs: map::MapJobs,
    /// A map picture being taken (Map ▸ Export PNG).
    map_shot: Option<std::sync::mpsc::Receiver<Result<PathBuf, String>>>,
    pub thumbs: thumbs::Thumbnails,
    /// The hologram view's rect in the last frame (points).
    pub view_rect: Option<egui::Rect>,
    /// The view had the keyboard in the last frame: Enter and Tab are its.
    pub view_focused: bool,
    /// Device pixels per point in the last frame.
    pub pixels_per_point: f32,
    /// The view's zoom and pan, and when they last changed (sharp fields wait for a still
    /// view).
    view_moved: Option<(ViewTransform, std::time::Instant)>,
    /// The last GPU view id handed out.
    next_view: u64,
    commands: Vec<Command>,
    screenshot: Option<Screenshot>,
    /// The crash-recovery journal (None: not kept, as in tests that do not ask for it).
    recovery: Option<recovery::Recovery>,
    /// The window may close although the library has unsaved changes (the user chose).
    may_close: bool,
    /// The window title last sent.
    title: String,
    /// The revision whose validation was asked for last.
    validating: Option<u64>,
    /// The character whose installed fonts were asked for last.
    fonts_asked: Option<char>,
    /// Present mode stays in a window (tests, `--windowed`) instead of going fullscreen.
    windowed: bool,
}

impl Runtime {
    /// The adapter's name for the status line.
    pub fn device_line(&self) -> String {
        match (&self.gpu, &self.gpu_error) {
            (Some(g), _) => g.context.adapter_name(),
            (None, Some(e)) => format!("no GPU view: {e}"),
            (None, None) => "no GPU".into(),
        }
    }

    /// Frees the GPU views no longer drawn.
    fn gpu_views_in_use(&self, keep: &[u64]) {
        if let Some(gpu) = &self.gpu {
            gpu.release_except(keep);
        }
    }
}

struct Screenshot {
    path: PathBuf,
    frames_seen: u32,
    taken: Option<std::sync::mpsc::Receiver<Arc<egui::ColorImage>>>,
}

/// Options for starting the window.
#[derive(Clone, Debug, Default)]
pub struct StartOptions {
    /// A library to open instead of the last one (or the bundled one).
    pub library: Option<PathBuf>,
    /// Save a screenshot here once the first hologram has been on screen for a few frames,
    /// then quit (the smoke test and the README's picture).
    pub screenshot: Option<PathBuf>,
    /// Do not restore settings (a clean first run).
    pub fresh: bool,
    /// Start in edit mode.
    pub edit: bool,
    /// Where unsaved edits are journalled for crash recovery (None: they are not).
    pub recovery_dir: Option<PathBuf>,
    /// When the program started (for the time to the first hologram); default: when the
    /// app is built.
    pub started: Option<Instant>,
    /// Open presenting a tour (`hologlyph present`).
    pub present: Option<present::PresentOptions>,
    /// Where shape descriptors are kept between runs, so that a big library's shape
    /// neighbours come back without computing every glyph (None: they are not kept).
    pub shape_cache_dir: Option<PathBuf>,
}

/// A library file this large (or larger) named at start-up is read in the background.
pub const BACKGROUND_LOAD_BYTES: u64 = 1 << 20;

/// The wgpu setup the window and the tests use: the field engine's limits on the device.
pub fn wgpu_setup() -> egui_wgpu::WgpuSetup {
    let mut setup = egui_wgpu::WgpuSetupCreateNew::without_display_handle();
    setup.device_descriptor = Arc::new(|adapter| wgpu::DeviceDescriptor {
        label: Some("hologlyph window"),
        required_limits: GpuContext::required_limits(adapter),
        ..Default::default()
    });
    egui_wgpu::WgpuSetup::CreateNew(setup)
}

/// Opens the window.
pub fn run(options: StartOptions) -> anyhow::Result<()> {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Hologlyph")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([720.0, 480.0])
            .with_drag_and_drop(true),
        renderer: eframe::Renderer::Wgpu,
        wgpu_options: egui_wgpu::WgpuConfiguration {
            wgpu_setup: wgpu_setup(),
            ..Default::default()
        },
        persist_window: options.screenshot.is_none(),
        ..Default::default()
    };
    eframe::run_native(
        "Hologlyph",
        native,
        Box::new(move |cc| Ok(Box::new(HologlyphApp::new(cc, options)?))),
    )
    .map_err(|e| match e {
        eframe::Error::Wgpu(_) if no_graphics_adapter() => anyhow::anyhow!(
            "the window could not start: it needs a graphics driver (Vulkan, or OpenGL through \
             EGL) and this machine has none.\n  Install one: on Debian or Ubuntu, `apt install \
             mesa-vulkan-drivers libvulkan1` (lavapipe, a software Vulkan that needs no GPU); \
             with a GPU, its vendor's driver.\n  Everything but the window works without one: \
             `hologlyph fields`, `check`, `search`, `unfold` and `adapter` run on the CPU.\n  \
             (wgpu said: {e})"
        ),
        e => anyhow::anyhow!("the window could not start: {e}"),
    })
}

/// Whether wgpu finds no adapter on any backend (asked only after the window failed, so a
/// normal start pays nothing for it).
fn no_graphics_adapter() -> bool {
    crate::gpu::list_adapters().is_empty()
}

/// egui's visuals for the theme setting.
fn theme(dark: bool) -> egui::Visuals {
    if dark {
        egui::Visuals::dark()
    } else {
        egui::Visuals::light()
    }
}

impl HologlyphApp {
    /// Builds the app in eframe's creation context (the window, or a test harness).
    pub fn new(cc: &eframe::CreationContext<'_>, options: StartOptions) -> anyhow::Result<Self> {
        fonts::install(&cc.egui_ctx);
        let settings: Settings = if options.fresh || options.screenshot.is_some() {
            Settings::default()
        } else {
            cc.storage
                .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
                .unwrap_or_default()
        };
        cc.egui_ctx.set_visuals(theme(settings.dark));
        let (gpu, gpu_error) = match cc.wgpu_render_state.clone() {
            Some(rs) => match gpu::Gpu::new(rs) {
                Ok(g) => (Some(g), None),
                Err(e) => (None, Some(e.to_string())),
            },
            None => (None, Some("the window has no wgpu renderer".to_string())),
        };
        let path = options
            .library
            .clone()
            .unwrap_or_else(library::bundled_path);
        // A big library is read in the background: the window is up at once and says it
        // is reading (a 28 MB library takes about a second); a small one is read here.
        let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
        let loading =
            (options.library.is_some() && bytes >= BACKGROUND_LOAD_BYTES).then(|| state::Loading {
                path: path.clone(),
                bytes,
                since: Instant::now(),
            });
        let doc = if loading.is_some() {
            Document::placeholder(&path)
        } else {
            match Document::open(&path) {
                Ok(d) => d,
                Err(e) if options.library.is_some() => return Err(e.into()),
                Err(_) => Document::open(&library::bundled_path())
                    .context("the bundled library cannot be read")?,
            }
        };
        let context = gpu.as_ref().map(|g| g.context.clone());
        let mut jobs = jobs::Jobs::new(context.clone(), cc.egui_ctx.clone());
        jobs.shape_cache_dir = options.shape_cache_dir.clone();
        let rt = Runtime {
            disk_checked: None,
            jobs,
            map_jobs: map::MapJobs::new(cc.egui_ctx.clone()),
            map_shot: None,
            thumbs: thumbs::Thumbnails::new(context, cc.egui_ctx.clone()),
            gpu,
            gpu_error,
            gpu_lost: None,
            view_rect: None,
            view_focused: false,
            pixels_per_point: 1.0,
            view_moved: None,
            next_view: 0,
            commands: Vec::new(),
            screenshot: options.screenshot.map(|path| Screenshot {
                path,
                frames_seen: 0,
                taken: None,
            }),
            recovery: options.recovery_dir.clone().map(recovery::Recovery::new),
            may_close: false,
            title: String::new(),
            validating: None,
            fonts_asked: None,
            windowed: options.present.as_ref().is_none_or(|p| p.windowed),
        };
        // Edits a crash left: the open library's first, else the newest.
        let recovered = options.recovery_dir.as_deref().and_then(|dir| {
            let found = recovery::find(dir);
            let here = std::path::absolute(&doc.path).ok();
            let pick = found
                .iter()
                .find(|f| Some(&f.library_path) == here.as_ref())
                .or(found.first())?
                .clone();
            let library = recovery::read(&pick).map(|l| l.library);
            Some(state::Recovered {
                found: pick,
                library,
            })
        });
        // An imported embedding is not kept between runs: its layout starts as meaning's.
        let settings_map = (
            match settings.map_layout {
                crate::map::LayoutKind::Imported => crate::map::LayoutKind::Semantic,
                kind => kind,
            },
            settings.map_projection,
        );
        let state = State {
            settings,
            doc,
            nav: Navigation::default(),
            browser: BrowserState::default(),
            view: Default::default(),
            windows: Default::default(),
            layout: Default::default(),
            status: Default::default(),
            shown: Default::default(),
            clock: state::Clock::new(options.started.unwrap_or_else(Instant::now)),
            edit: editing::EditState {
                on: options.edit,
                ..Default::default()
            },
            recovered,
            loading,
            present: None,
            recording: None,
            map: map::MapState {
                kind: settings_map.0,
                projection: settings_map.1,
                ..Default::default()
            },
        };
        let mut app = Self { state, rt };
        app.document_opened();
        if app.state.loading.is_some() {
            app.rt.jobs.open(path);
        }
        if let Some(p) = &options.present {
            app.start_presenting(p, &cc.egui_ctx);
        }
        Ok(app)
    }

    /// What the window shows.
    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn runtime(&self) -> &Runtime {
        &self.rt
    }

    /// Queues a command, as a panel or key would; it is applied after the next frame's
    /// panels.
    pub fn push(&mut self, c: Command) {
        self.rt.commands.push(c);
    }

    /// Sets the clock present mode and unfolds count in (tests drive time by hand; None:
    /// the wall clock again).
    pub fn set_fake_time(&mut self, now: Option<f64>) {
        self.state.clock.fake_now = now;
        if let Some(t) = now {
            self.state.clock.now = t;
        }
    }

    /// Freezes the animation clock (tests and snapshots).
    pub fn freeze_time(&mut self, t: f32) {
        self.state.clock.frozen = Some(t);
    }

    /// Whether background work (the shown glyph, the protocol, thumbnails, shape
    /// neighbours) is still running.
    pub fn busy(&self) -> bool {
        self.state.loading.is_some()
            || self.rt.jobs.busy()
            || self.rt.thumbs.pending() > 0
            || self.rt.map_jobs.pending > 0
    }

    /// Milliseconds from start to the first frame with a hologram drawn.
    pub fn first_hologram_ms(&self) -> Option<f64> {
        self.state.clock.first_hologram_ms
    }

    /// Em point → screen point in the hologram view (None before the view is drawn).
    pub fn screen_from_em(&self, p: [f64; 2]) -> Option<egui::Pos2> {
        let rect = self.rt.view_rect?;
        let grid = self.state.view_grid()?;
        Some(self.state.view.transform.screen_from_em(rect, &grid, p))
    }

    fn handle_keys(&mut self, ctx: &egui::Context) {
        // A focused widget takes plain keys (a text field, a button), except the view: it
        // takes only Tab and Enter.
        let typing = ctx.egui_wants_keyboard_input() && !self.rt.view_focused;
        // While a big library is read, the window holds a placeholder: only quitting works
        // (no save, no edit, no drop could mean anything yet).
        if self.state.loading.is_some() {
            if ctx.input_mut(|i| i.consume_shortcut(&Command::Quit.shortcut().expect("Ctrl+Q"))) {
                self.push(Command::Quit);
            }
            return;
        }
        // Present mode has its own keys (a presenter's remote), and only those.
        if let Some(p) = &self.state.present {
            if !typing {
                let keys = present::keys(ctx, p);
                self.rt.commands.extend(keys);
            }
            return;
        }
        // Edit mode's keys first: Enter and Delete mean something else while drawing.
        let ed = &self.state.edit;
        let (editing, drawing, pointed) = (ed.on, !ed.pen.is_empty(), ed.point.is_some());
        if editing && !typing {
            use editing::{EditorCommand as E, PointOp};
            let key =
                |ctx: &egui::Context, k| ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, k));
            if drawing {
                if key(ctx, egui::Key::Enter) {
                    self.push(Command::Editor(E::PenFinish { close: false }));
                }
                if key(ctx, egui::Key::Escape) {
                    self.push(Command::Editor(E::PenCancel));
                }
            } else if pointed {
                if key(ctx, egui::Key::Delete) || key(ctx, egui::Key::Backspace) {
                    self.push(Command::Editor(E::Point(PointOp::Delete)));
                }
                if key(ctx, egui::Key::Escape) {
                    self.push(Command::Editor(E::SelectPoint(None)));
                }
            }
        }
        // The map replaces the view (and its editor): its keys hold in edit mode too.
        if self.state.map.on && self.state.map.compare.is_empty() && !typing {
            self.map_keys(ctx);
        }
        for c in Command::with_shortcuts() {
            // A focused text field keeps its plain keys and its own undo; the focused view
            // keeps Enter (it unfolds the region in focus).
            if typing && (c.is_plain_key() || matches!(c, Command::Undo | Command::Redo)) {
                continue;
            }
            if self.rt.view_focused && c == Command::OpenSelected {
                continue;
            }
            if let Some(s) = c.shortcut()
                && ctx.input_mut(|i| i.consume_shortcut(&s))
            {
                self.push(c);
            }
        }
        let redo_y = egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Y);
        if !typing && ctx.input_mut(|i| i.consume_shortcut(&redo_y)) {
            self.push(Command::Redo);
        }
        if !typing && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Backspace))
        {
            self.push(Command::Back);
        }
        if !typing
            && ctx.input(|i| {
                i.events
                    .iter()
                    .any(|e| matches!(e, egui::Event::Text(t) if t == "?"))
            })
        {
            self.push(Command::ToggleHelp);
        }
        // Files dropped on the window: open the first library among them.
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            self.push(match ext.as_str() {
                "svg" => Command::Editor(editing::EditorCommand::CreateSymbol(
                    editing::NewSource::Svg(path),
                )),
                "safetensors" => Command::Editor(editing::EditorCommand::NewAdapter(path)),
                _ => Command::OpenRecent(path),
            });
        }
    }

    /// Journals unsaved edits for crash recovery, and shows what the journal could not
    /// write.
    fn keep_recovery(&mut self, ctx: &egui::Context) {
        // Leaving after Save or Discard: nothing more to keep.
        if self.rt.may_close {
            return;
        }
        let Some(r) = &mut self.rt.recovery else {
            return;
        };
        let doc = &self.state.doc;
        let again = r.note(
            || doc.snapshot(),
            doc.revision().number(),
            doc.history().is_dirty(),
        );
        if let Some(wait) = again {
            ctx.request_repaint_after(wait);
        }
        for e in r.errors() {
            self.state.status.error(e);
        }
    }

    /// Closing the window with unsaved changes asks first; the title marks them.
    fn ask_before_closing(&mut self, ctx: &egui::Context) {
        let dirty = self.state.doc.history().is_dirty();
        let kiosk = self
            .state
            .present
            .as_ref()
            .is_some_and(|p| p.kiosk.is_some());
        // A kiosk closes only through its chord (Alt+F4 and the window manager's × do not).
        if kiosk && ctx.input(|i| i.viewport().close_requested()) && !self.rt.may_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            return;
        }
        if ctx.input(|i| i.viewport().close_requested()) && dirty && !self.rt.may_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.state.windows.leaving = Some(windows::Leave::Quit);
        }
        let doc = &self.state.doc;
        let name = doc
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // What is open: the focused symbol, scene or adapter, then the library.
        let lib = doc.library();
        let shown = match self.state.focus() {
            Some(Focus::Symbol { id, .. }) => doc.symbol(id).map(|s| ui::symbol_label(s)),
            Some(Focus::Scene(id)) => lib.scene(id).map(|s| format!("{id} {}", s.title)),
            Some(Focus::Adapter(id)) => lib.adapter(id).map(|a| a.name.clone()),
            None => None,
        };
        let shown = shown.map(|s| format!("{s} — ")).unwrap_or_default();
        let title = format!("{}{shown}{name} — Hologlyph", if dirty { "• " } else { "" });
        if title != self.rt.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.rt.title = title;
        }
    }

    /// Whether the app has decided to close (the user chose to leave, or a kiosk's chord).
    pub fn closing(&self) -> bool {
        self.rt.may_close
    }

    /// The window's title (a dot marks unsaved changes).
    pub fn title(&self) -> &str {
        &self.rt.title
    }

    /// Writes what the recovery journal has been sent (tests).
    pub fn flush_recovery(&self) {
        if let Some(r) = &self.rt.recovery {
            r.flush();
        }
    }

    fn tick(&mut self, ctx: &egui::Context) {
        let clock = &mut self.state.clock;
        let now = Instant::now();
        if let Some(last) = clock.last_frame {
            let dt = now.duration_since(last).as_secs_f64();
            clock.frame_ms = (dt * 1e3) as f32;
            if self.state.settings.animate {
                clock.animation += dt.min(0.1) * self.state.settings.speed as f64;
            }
        }
        clock.last_frame = Some(now);
        clock.frames += 1;
        clock.now = clock.fake_now.unwrap_or_else(|| ctx.input(|i| i.time));
        // GPU validation errors (ours and egui's, on the shared device) are shown, not lost.
        if let Some(gpu) = &self.rt.gpu
            && self.rt.gpu_lost.is_none()
            && let Err(e) = gpu.context.check("drawing")
        {
            if let crate::gpu::GpuError::DeviceLost { reason, .. } = &e {
                self.rt.gpu_lost = Some(reason.clone());
                self.state.status.error(format!(
                    "the GPU device was lost ({reason}): the hologram view cannot be drawn until Hologlyph is restarted; browsing, editing and saving go on"
                ));
            } else {
                self.state.status.error(e.to_string());
            }
        }
        self.rt.thumbs.receive(ctx);
        self.receive_jobs();
        self.receive_map();
    }

    /// Every couple of seconds, whether the library file changed on disk (a stat); a
    /// change opens the Reload / Overwrite / Keep editing question once.
    fn watch_disk(&mut self, ctx: &egui::Context) {
        const EVERY: std::time::Duration = std::time::Duration::from_secs(2);
        let now = std::time::Instant::now();
        if self
            .rt
            .disk_checked
            .is_some_and(|t| now.duration_since(t) < EVERY)
        {
            return;
        }
        self.rt.disk_checked = Some(now);
        ctx.request_repaint_after(EVERY);
        let st = &mut self.state;
        if !st.windows.disk_changed && !st.doc.untitled && st.doc.disk_changed() {
            st.windows.disk_changed = true;
            st.doc.accept_disk_change();
            st.status.error(format!(
                "{} changed on disk; reload it or keep this version",
                st.doc.path.display()
            ));
        }
    }

    /// Asks for the frames that whatever moves needs, whatever the animation setting.
    fn request_frames(&mut self, ctx: &egui::Context) {
        let st = &self.state;
        let animating = st.settings.animate && st.clock.frozen.is_none();
        if animating {
            ctx.request_repaint();
            if st.settings.grid {
                let now = st.clock.started.elapsed().as_secs_f64();
                let time = st.time();
                self.rt.thumbs.animate(time, now);
            }
        } else {
            self.rt.thumbs.forget_shown();
        }
        // Results still to come repaint when they land (the workers ask for a frame).
    }

    fn screenshot_step(&mut self, ctx: &egui::Context) {
        let busy = self.busy();
        let first = self.state.clock.first_hologram_ms;
        let Some(shot) = &mut self.rt.screenshot else {
            return;
        };
        if first.is_none() {
            return;
        }
        shot.frames_seen += 1;
        ctx.request_repaint();
        match &shot.taken {
            // Wait for the thumbnails too (at most ~10 s of frames), so the picture is whole.
            None if shot.frames_seen > 20 && (!busy || shot.frames_seen > 600) => {
                let (tx, rx) = std::sync::mpsc::channel();
                let repaint = ctx.clone();
                ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(
                    egui::ScreenshotCallback::new(move |image| {
                        // The receiver is gone only if the app closed meanwhile.
                        if tx.send(image).is_ok() {
                            repaint.request_repaint();
                        }
                    }),
                ));
                shot.taken = Some(rx);
            }
            Some(rx) => {
                if let Ok(image) = rx.try_recv() {
                    let [w, h] = image.size;
                    let rgba: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
                    match crate::output::write_png(&shot.path, w as u32, h as u32, &rgba) {
                        Ok(()) => eprintln!(
                            "screenshot {w}×{h} written to {} (first hologram on screen after {:.0} ms)",
                            shot.path.display(),
                            first.unwrap_or_default()
                        ),
                        Err(e) => eprintln!("screenshot failed: {e}"),
                    }
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            None => {}
        }
    }
}

impl eframe::App for HologlyphApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.tick(&ctx);
        self.handle_keys(&ctx);
        let out = ui::draw(ui, &self.state, &self.rt);
        self.rt.commands.extend(out.commands);
        self.rt.view_rect = out.view_rect;
        self.rt.view_focused = out.view_focused;
        self.state.map.canvas = out.map_canvas;
        self.rt.pixels_per_point = ctx.pixels_per_point();
        let window = ctx.content_rect().size();
        self.state.layout.window = [window.x, window.y];
        if out.drew_hologram && self.state.clock.first_hologram_ms.is_none() {
            self.state.clock.first_hologram_ms =
                Some(self.state.clock.started.elapsed().as_secs_f64() * 1e3);
        }
        self.apply_commands(&ctx);
        self.present_tick(&ctx);
        self.record_tick();
        self.keep_recovery(&ctx);
        self.watch_disk(&ctx);
        self.ask_before_closing(&ctx);
        self.sync_jobs();
        self.sync_map();
        self.request_frames(&ctx);
        self.screenshot_step(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.rt.screenshot.is_none() {
            eframe::set_value(storage, eframe::APP_KEY, &self.state.settings);
        }
    }
}
