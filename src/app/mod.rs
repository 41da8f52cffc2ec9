//! The desktop explorer: a library browser, the hologram view (the GPU render pipeline
//! inside egui) with hover and click-to-unfold, and an inspector with the five protocol
//! steps. State flows one way: the library model → fields → render → UI events → commands
//! applied to the app after the panels are drawn.

mod browser;
mod central;
mod commands;
mod fonts;
mod inspector;
mod settings;
mod thumbs;
mod view;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use egui_wgpu::wgpu;

use crate::embedding::{SemanticIndex, ShapeIndex};
use crate::fields::{BackendChoice, FieldEngine, FieldOptions, Fields, GpuFieldEngine, Prepared};
use crate::geometry::EmPoint;
use crate::glyph::FontSet;
use crate::gpu::GpuContext;
use crate::hologram::{Frame, HologramRenderer, Layer};
use crate::library::search::SearchIndex;
use crate::library::{self, Library, Lineage, Problem, Register};
use crate::protocol::{self, RegionChoice, Unfolding};

pub use commands::Command;
pub use settings::Settings;

/// Field size of the glyph in the hologram view.
pub const VIEW_FIELD: u32 = 384;

/// What the centre shows; the navigation history is a list of these.
#[derive(Clone, Debug, PartialEq)]
pub enum Focus {
    /// A symbol; with `link`, that region link unfolded (its cards around the glyph).
    Symbol {
        index: usize,
        link: Option<usize>,
    },
    Scene(String),
    Adapter(String),
}

/// The library and what is derived from it.
pub struct LoadedLibrary {
    pub path: PathBuf,
    pub library: Library,
    pub problems: Vec<Problem>,
    pub semantic: SemanticIndex,
    pub search: SearchIndex,
    /// Shape neighbours, computed in the background after opening.
    pub shape: Option<ShapeIndex>,
}

impl LoadedLibrary {
    fn open(path: &Path) -> Result<Self, library::LibraryError> {
        let loaded = library::load(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            semantic: SemanticIndex::new(&loaded.library),
            search: SearchIndex::new(&loaded.library),
            library: loaded.library,
            problems: loaded.problems,
            shape: None,
        })
    }
}

/// The glyph on show: its CPU fields (hover, statistics, protocol) and GPU generation.
pub struct ShownGlyph {
    pub index: usize,
    pub fields: Fields,
    pub generation: u64,
    pub prepare_ms: f64,
    pub cpu_ms: f64,
    pub gpu_ms: Option<f64>,
    pub unfolding: Option<Unfolding>,
    pub error: Option<String>,
}

/// The window's GPU: the device eframe opened, shared with the field engine.
pub struct Gpu {
    pub render_state: egui_wgpu::RenderState,
    pub context: GpuContext,
    pub engine: GpuFieldEngine,
}

/// What the pointer is over in the hologram view.
#[derive(Clone, Debug, Default)]
pub struct Hover {
    pub em: [f64; 2],
    pub region: Option<u32>,
    pub key: Option<u32>,
    pub link: Option<usize>,
    pub value: Option<f32>,
}

/// The view transform: the part of the field shown.
#[derive(Clone, Copy, Debug)]
pub struct ViewTransform {
    /// Top-left of the shown part, field uv.
    pub origin: [f32; 2],
    /// uv span of the view's side (1 = whole field; smaller = zoomed in).
    pub scale: f32,
}

impl Default for ViewTransform {
    fn default() -> Self {
        Self {
            origin: [0.0, 0.0],
            scale: 1.0,
        }
    }
}

pub struct HologlyphApp {
    pub settings: Settings,
    pub lib: LoadedLibrary,
    pub gpu: Option<Gpu>,
    gpu_error: Option<String>,
    pub query: String,
    pub lineage: Option<Lineage>,
    pub tag: Option<String>,
    pub favourites_only: bool,
    /// Browser selection (index into the library's symbols).
    pub selected: Option<usize>,
    pub nav: Vec<Focus>,
    pub nav_pos: usize,
    pub layer: Layer,
    /// A style chosen in the view instead of the symbol's own.
    pub style: Option<crate::hologram::Style>,
    pub transform: ViewTransform,
    pub glyph: Option<ShownGlyph>,
    pub hover: Option<Hover>,
    pub unfold_started: f64,
    pub help_open: bool,
    pub problems_open: bool,
    pub focus_search: bool,
    pub status: String,
    /// The hologram view's rect in the last frame (points).
    pub view_rect: Option<egui::Rect>,
    thumbs: thumbs::Thumbnails,
    /// Thumbnails drawn this frame (for their animation).
    shown_thumbs: Vec<usize>,
    shape_rx: Option<std::sync::mpsc::Receiver<ShapeIndex>>,
    generation: u64,
    pub(crate) clock: f64,
    frozen_time: Option<f32>,
    last_frame: Option<Instant>,
    /// Frames drawn so far.
    pub frames: u64,
    pub frame_ms: f32,
    commands: Vec<Command>,
    fonts: FontSet,
    started: Instant,
    first_hologram_ms: Option<f64>,
    screenshot: Option<Screenshot>,
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
    /// When the program started (for the time to the first hologram); default: when the
    /// app is built.
    pub started: Option<Instant>,
}

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
    .map_err(|e| anyhow::anyhow!("the window could not start: {e}"))
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
        cc.egui_ctx.set_visuals(if settings.dark {
            egui::Visuals::dark()
        } else {
            egui::Visuals::light()
        });
        let (gpu, gpu_error) = match cc.wgpu_render_state.clone() {
            Some(rs) => match Self::gpu_from(rs) {
                Ok(g) => (Some(g), None),
                Err(e) => (None, Some(e.to_string())),
            },
            None => (None, Some("the window has no wgpu renderer".to_string())),
        };
        let path = options
            .library
            .clone()
            .unwrap_or_else(library::bundled_path);
        let lib = match LoadedLibrary::open(&path) {
            Ok(l) => l,
            Err(e) if options.library.is_some() => return Err(e.into()),
            Err(_) => LoadedLibrary::open(&library::bundled_path())
                .context("the bundled library cannot be read")?,
        };
        let thumbs =
            thumbs::Thumbnails::new(gpu.as_ref().map(|g| g.context.clone()), cc.egui_ctx.clone());
        let mut app = Self {
            settings,
            lib,
            gpu,
            gpu_error,
            query: String::new(),
            lineage: None,
            tag: None,
            favourites_only: false,
            selected: None,
            nav: Vec::new(),
            nav_pos: 0,
            layer: Layer::Hologram,
            style: None,
            transform: ViewTransform::default(),
            glyph: None,
            hover: None,
            unfold_started: 0.0,
            help_open: false,
            problems_open: false,
            focus_search: false,
            status: String::new(),
            view_rect: None,
            thumbs,
            shown_thumbs: Vec::new(),
            shape_rx: None,
            generation: 0,
            clock: 0.0,
            frozen_time: None,
            last_frame: None,
            frames: 0,
            frame_ms: 0.0,
            commands: Vec::new(),
            fonts: FontSet::bundled(),
            started: options.started.unwrap_or_else(Instant::now),
            first_hologram_ms: None,
            screenshot: options.screenshot.map(|path| Screenshot {
                path,
                frames_seen: 0,
                taken: None,
            }),
        };
        app.after_library_opened(&cc.egui_ctx);
        Ok(app)
    }

    fn gpu_from(rs: egui_wgpu::RenderState) -> anyhow::Result<Gpu> {
        let context =
            GpuContext::from_device(rs.device.clone(), rs.queue.clone(), rs.adapter.get_info());
        let engine = GpuFieldEngine::with_context(context.clone())?;
        let renderer = HologramRenderer::new(&rs.device, rs.target_format);
        rs.renderer
            .write()
            .callback_resources
            .insert(view::ViewResources {
                renderer,
                glyph: None,
            });
        Ok(Gpu {
            render_state: rs,
            context,
            engine,
        })
    }

    /// Opens a library file, replacing the current one. A file with problems opens with
    /// them listed; a file that cannot be read leaves the current library and says why.
    pub fn open_library(&mut self, path: &Path, ctx: &egui::Context) {
        match LoadedLibrary::open(path) {
            Ok(lib) => {
                self.lib = lib;
                self.settings.remember_library(path.to_path_buf());
                self.after_library_opened(ctx);
            }
            Err(e) => self.status = e.to_string(),
        }
    }

    fn after_library_opened(&mut self, ctx: &egui::Context) {
        self.thumbs.clear();
        self.nav.clear();
        self.nav_pos = 0;
        self.glyph = None;
        self.hover = None;
        self.selected = None;
        self.problems_open = !self.lib.problems.is_empty();
        let errors = self
            .lib
            .problems
            .iter()
            .filter(|p| p.severity == library::Severity::Error)
            .count();
        self.status = format!(
            "{}: {} symbols, {} scenes{}",
            self.lib.path.display(),
            self.lib.library.symbols.len(),
            self.lib.library.scenes.len(),
            if self.lib.problems.is_empty() {
                String::new()
            } else {
                format!("; {} problems ({errors} errors)", self.lib.problems.len())
            }
        );
        // Shape neighbours need every symbol's fields: compute them in the background.
        let library = self.lib.library.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let repaint = ctx.clone();
        let _ = std::thread::Builder::new()
            .name("shape-index".into())
            .spawn(move || {
                let _ = tx.send(ShapeIndex::build(&library, 96));
                repaint.request_repaint();
            });
        self.shape_rx = Some(rx);
        // Start where the user left off, else at the first symbol.
        let start = self
            .settings
            .recent_symbols
            .iter()
            .find_map(|id| self.lib.library.symbols.iter().position(|s| s.id == *id))
            .or(if self.lib.library.symbols.is_empty() {
                None
            } else {
                Some(0)
            });
        if let Some(i) = start {
            self.go(Focus::Symbol {
                index: i,
                link: None,
            });
        }
    }

    /// The register chosen in the protocol panel.
    pub fn register(&self) -> Register {
        Register::from_name(&self.settings.register).unwrap_or(Register::Poetry)
    }

    /// Where the centre is now.
    pub fn focus(&self) -> Option<&Focus> {
        self.nav.get(self.nav_pos)
    }

    /// Navigates to `focus`, dropping any forward history (like a browser).
    pub fn go(&mut self, focus: Focus) {
        if self.focus() == Some(&focus) {
            return;
        }
        self.nav
            .truncate(self.nav_pos + usize::from(!self.nav.is_empty()));
        self.nav.push(focus);
        self.nav_pos = self.nav.len() - 1;
        self.focus_changed();
    }

    pub fn back(&mut self) {
        if self.nav_pos > 0 {
            self.nav_pos -= 1;
            self.focus_changed();
        }
    }

    pub fn forward(&mut self) {
        if self.nav_pos + 1 < self.nav.len() {
            self.nav_pos += 1;
            self.focus_changed();
        }
    }

    /// Goes to step `i` of the history, keeping the rest of it (a breadcrumb).
    pub fn jump(&mut self, i: usize) {
        if i < self.nav.len() && i != self.nav_pos {
            self.nav_pos = i;
            self.focus_changed();
        }
    }

    fn focus_changed(&mut self) {
        if let Some(Focus::Symbol { index, link }) = self.focus().cloned() {
            self.selected = Some(index);
            if self.glyph.as_ref().is_none_or(|g| g.index != index) {
                self.show_symbol(index);
            }
            if link.is_some() {
                self.unfold_started = self.clock;
            }
            self.run_protocol();
        }
    }

    /// Computes the fields of symbol `index` (CPU twins for the inspector and hover, GPU
    /// passes for the view) and binds them to the view.
    fn show_symbol(&mut self, index: usize) {
        let Some(symbol) = self.lib.library.symbols.get(index) else {
            return;
        };
        self.settings.remember_symbol(&symbol.id.clone());
        self.generation += 1;
        self.transform = ViewTransform::default();
        self.hover = None;
        let start = Instant::now();
        let prepared = self
            .lib
            .library
            .outline(&symbol.glyph, &self.fonts)
            .map_err(|e| e.to_string())
            .and_then(|o| {
                Prepared::new(&o, &FieldOptions::default().with_size(VIEW_FIELD))
                    .map_err(|e| e.to_string())
            });
        let prep = match prepared {
            Ok(p) => p,
            Err(e) => {
                self.status = format!("{}: {e}", symbol.id);
                self.glyph = None;
                return;
            }
        };
        let prepare_ms = start.elapsed().as_secs_f64() * 1e3;
        let start = Instant::now();
        let fields = match FieldEngine::new(BackendChoice::Cpu).compute_prepared(&prep, prepare_ms)
        {
            Ok(f) => f,
            Err(e) => {
                self.status = e.to_string();
                self.glyph = None;
                return;
            }
        };
        let cpu_ms = start.elapsed().as_secs_f64() * 1e3;
        let mut error = None;
        let mut gpu_ms = None;
        if let Some(gpu) = &self.gpu {
            let start = Instant::now();
            match gpu.engine.dispatch(&prep) {
                Ok(gpu_fields) => {
                    let mut renderer = gpu.render_state.renderer.write();
                    if let Some(res) = renderer.callback_resources.get_mut::<view::ViewResources>()
                    {
                        let instance = res.renderer.instance(
                            &gpu.render_state.device,
                            &gpu_fields,
                            prep.grid.em_per_px as f32,
                        );
                        res.glyph = Some(view::BoundGlyph {
                            generation: self.generation,
                            instance,
                        });
                    }
                    gpu_ms = Some(start.elapsed().as_secs_f64() * 1e3);
                }
                Err(e) => error = Some(e.to_string()),
            }
        }
        self.glyph = Some(ShownGlyph {
            index,
            fields,
            generation: self.generation,
            prepare_ms,
            cpu_ms,
            gpu_ms,
            unfolding: None,
            error,
        });
    }

    /// Runs the five steps for the shown glyph, its unfolded region and the register.
    pub fn run_protocol(&mut self) {
        let link = match self.focus() {
            Some(Focus::Symbol { link, .. }) => *link,
            _ => None,
        };
        let register = self.register();
        let Some(g) = self.glyph.as_mut() else {
            return;
        };
        let lib = &self.lib.library;
        let s = &lib.symbols[g.index];
        let region = link
            .and_then(|k| s.regions.get(k))
            .map(|r| RegionChoice::Link(r.id.clone()));
        g.unfolding = protocol::run(
            lib,
            &self.lib.semantic,
            Some(&g.fields),
            &s.id,
            region.as_ref(),
            register,
        )
        .ok();
    }

    /// Freezes the animation clock (tests and snapshots).
    pub fn freeze_time(&mut self, t: f32) {
        self.frozen_time = Some(t);
    }

    /// Whether [`Self::freeze_time`] was called: animations then show their end state.
    pub fn time_is_frozen(&self) -> bool {
        self.frozen_time.is_some()
    }

    /// Whether background work (thumbnails, shape neighbours) is still running.
    pub fn busy(&self) -> bool {
        self.shape_rx.is_some() || self.thumbs.pending() > 0
    }

    /// The animation time of this frame.
    pub fn time(&self) -> f32 {
        self.frozen_time.unwrap_or(self.clock as f32)
    }

    /// The frame the view draws now.
    pub fn frame(&self) -> Frame {
        let style = self.style.unwrap_or_else(|| {
            self.glyph
                .as_ref()
                .map(|g| self.lib.library.symbols[g.index].style)
                .unwrap_or_default()
        });
        Frame {
            time: self.time(),
            style,
            layer: self.layer,
            highlight: self.hover.as_ref().and_then(|h| h.key),
            view_origin: self.transform.origin,
            view_scale: self.transform.scale,
        }
    }

    /// Em point → screen point in the hologram view (None before the view is drawn).
    pub fn screen_from_em(&self, p: [f64; 2]) -> Option<egui::Pos2> {
        let rect = self.view_rect?;
        let grid = &self.glyph.as_ref()?.fields.grid;
        let side = grid.side_em();
        let uv = [
            ((p[0] - grid.x0) / side) as f32,
            ((grid.y0 - p[1]) / side) as f32,
        ];
        let t = self.transform;
        let s = [
            (uv[0] - t.origin[0]) / t.scale,
            (uv[1] - t.origin[1]) / t.scale,
        ];
        Some(rect.min + egui::vec2(s[0] * rect.width(), s[1] * rect.height()))
    }

    /// Screen point → em point in the hologram view.
    pub fn em_from_screen(&self, pos: egui::Pos2) -> Option<[f64; 2]> {
        let rect = self.view_rect?;
        let grid = &self.glyph.as_ref()?.fields.grid;
        let s = (pos - rect.min) / rect.size();
        let t = self.transform;
        let uv = [t.origin[0] + s.x * t.scale, t.origin[1] + s.y * t.scale];
        let side = grid.side_em();
        Some([grid.x0 + uv[0] as f64 * side, grid.y0 - uv[1] as f64 * side])
    }

    /// What is under an em point of the shown glyph.
    fn hover_at(&self, em: [f64; 2]) -> Hover {
        let mut h = Hover {
            em,
            ..Hover::default()
        };
        let Some(g) = &self.glyph else {
            return h;
        };
        let f = &g.fields;
        if let Some((row, col)) = f.grid.px_from_em(EmPoint::new(em[0], em[1])) {
            let region = f.regions[[row, col]];
            h.region = Some(region);
            h.key = (region != 0).then(|| f.raw.region_keys[[row, col]]);
            h.value = match self.layer {
                Layer::Hologram | Layer::Distance => Some(f.raw.sdf[[row, col]]),
                Layer::Curvature => Some(f.raw.curvature[[row, col]]),
                Layer::Density => Some(f.raw.density[[row, col]]),
                Layer::Voids => Some(f.raw.voids[[row, col]]),
                Layer::Regions => Some(region as f32),
            };
            let s = &self.lib.library.symbols[g.index];
            h.link = protocol::link_at(s, f, EmPoint::new(em[0], em[1]));
        }
        h
    }

    /// Clicking a point of the glyph: unfold the region link there, if there is one.
    pub fn click_at(&mut self, em: [f64; 2]) {
        let h = self.hover_at(em);
        let Some(g) = &self.glyph else {
            return;
        };
        match h.link {
            Some(k) => self.go(Focus::Symbol {
                index: g.index,
                link: Some(k),
            }),
            None => {
                self.status = match h.region {
                    Some(0) | None => "the open space around the glyph links to nothing".into(),
                    Some(r) => format!("region {r} links to nothing in this library"),
                }
            }
        }
    }

    /// Symbols the browser shows, in order.
    pub fn visible_symbols(&self) -> Vec<usize> {
        let lib = &self.lib.library;
        let base: Vec<usize> = if self.query.trim().is_empty() {
            (0..lib.symbols.len()).collect()
        } else {
            self.lib
                .search
                .search(&self.query)
                .into_iter()
                .map(|h| h.symbol)
                .collect()
        };
        base.into_iter()
            .filter(|&i| {
                let s = &lib.symbols[i];
                self.lineage.is_none_or(|l| s.lineage == l)
                    && self.tag.as_ref().is_none_or(|t| s.tags.contains(t))
                    && (!self.favourites_only || self.settings.favourites.contains(&s.id))
            })
            .collect()
    }

    pub fn push(&mut self, c: Command) {
        self.commands.push(c);
    }

    /// Applies the commands the panels emitted this frame.
    fn apply_commands(&mut self, ctx: &egui::Context) {
        for c in std::mem::take(&mut self.commands) {
            self.apply(c, ctx);
        }
    }

    fn apply(&mut self, c: Command, ctx: &egui::Context) {
        let current = self.glyph.as_ref().map(|g| g.index);
        match c {
            Command::OpenLibrary => {
                if let Some(path) = rfd::FileDialog::new()
                    .set_title("Open a Hologlyph library")
                    .add_filter("Hologlyph library", &["toml"])
                    .pick_file()
                {
                    self.open_library(&path, ctx);
                }
            }
            Command::OpenRecent(path) => self.open_library(&path, ctx),
            Command::ReloadLibrary => {
                let path = self.lib.path.clone();
                self.open_library(&path, ctx);
            }
            Command::ExportPng => self.export_png(),
            Command::ExportSound => {
                if let Some(u) = self.glyph.as_ref().and_then(|g| g.unfolding.as_ref())
                    && let Some(path) =
                        save_dialog("Export sound", &format!("{}.wav", u.symbol), "wav")
                {
                    self.status = match u.outputs.sound.write_wav(&path) {
                        Ok(()) => format!("sound written to {}", path.display()),
                        Err(e) => e.to_string(),
                    };
                }
            }
            Command::PlaySound => self.play_sound(),
            Command::ExportGesture => {
                if let Some(u) = self.glyph.as_ref().and_then(|g| g.unfolding.as_ref())
                    && let Some(path) =
                        save_dialog("Export gesture", &format!("{}.svg", u.symbol), "svg")
                {
                    let result = if path.extension().is_some_and(|e| e == "json") {
                        u.outputs.gesture.write_json(&path)
                    } else {
                        u.outputs.gesture.write_svg(&path)
                    };
                    self.status = match result {
                        Ok(()) => format!("gesture written to {}", path.display()),
                        Err(e) => e.to_string(),
                    };
                }
            }
            Command::CopyCharacter | Command::CopyCodePoint | Command::CopyGloss => {
                if let Some(i) = current {
                    let s = &self.lib.library.symbols[i];
                    let text = match (&c, s.glyph.character()) {
                        (Command::CopyCharacter, Some(ch)) => ch.to_string(),
                        (Command::CopyCodePoint, Some(ch)) => format!("U+{:04X}", ch as u32),
                        (Command::CopyGloss, _) => s.gloss.clone(),
                        _ => s.name.clone(),
                    };
                    self.status = format!("copied “{text}”");
                    ctx.copy_text(text);
                }
            }
            Command::Back => self.back(),
            Command::Forward => self.forward(),
            Command::FocusSearch => self.focus_search = true,
            Command::ToggleHelp => self.help_open = !self.help_open,
            Command::SelectNext | Command::SelectPrevious => {
                let visible = self.visible_symbols();
                if visible.is_empty() {
                    return;
                }
                let at = self
                    .selected
                    .and_then(|s| visible.iter().position(|&v| v == s));
                let next = match (at, c == Command::SelectNext) {
                    (None, _) => 0,
                    (Some(a), true) => (a + 1).min(visible.len() - 1),
                    (Some(a), false) => a.saturating_sub(1),
                };
                self.selected = Some(visible[next]);
            }
            Command::OpenSelected => {
                if let Some(i) = self.selected {
                    self.go(Focus::Symbol {
                        index: i,
                        link: None,
                    });
                }
            }
            Command::SetLayer(l) => {
                self.layer = l;
                if let Some(h) = &self.hover {
                    let em = h.em;
                    self.hover = Some(self.hover_at(em));
                }
            }
            Command::ToggleAnimation => self.settings.animate = !self.settings.animate,
            Command::ZoomIn => self.zoom_by(0.8, [0.5, 0.5]),
            Command::ZoomOut => self.zoom_by(1.25, [0.5, 0.5]),
            Command::ResetView => self.transform = ViewTransform::default(),
            Command::ToggleTheme => {
                self.settings.dark = !self.settings.dark;
                ctx.set_visuals(if self.settings.dark {
                    egui::Visuals::dark()
                } else {
                    egui::Visuals::light()
                });
            }
            Command::ToggleFavourite => {
                if let Some(i) = current {
                    let id = self.lib.library.symbols[i].id.clone();
                    self.settings.toggle_favourite(&id);
                }
            }
            Command::ShowProblems => self.problems_open = true,
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }

    /// Zooms by `factor` (<1 zooms in) keeping the view point `at` (0..1) in place.
    pub fn zoom_by(&mut self, factor: f32, at: [f32; 2]) {
        let t = &mut self.transform;
        let new_scale = (t.scale * factor).clamp(0.05, 4.0);
        for (origin, at) in t.origin.iter_mut().zip(at) {
            let fixed = *origin + at * t.scale;
            *origin = fixed - at * new_scale;
        }
        t.scale = new_scale;
    }

    /// Plays the protocol's sound with the desktop's player: the WAV goes to a temporary
    /// file, then the first of PipeWire's, PulseAudio's and ALSA's command-line players that
    /// is installed plays it (else the desktop's default application opens it).
    fn play_sound(&mut self) {
        let Some(u) = self.glyph.as_ref().and_then(|g| g.unfolding.as_ref()) else {
            return;
        };
        let path = std::env::temp_dir().join(format!("hologlyph-{}.wav", u.symbol));
        if let Err(e) = u.outputs.sound.write_wav(&path) {
            self.status = e.to_string();
            return;
        }
        for player in ["pw-play", "paplay", "aplay", "xdg-open"] {
            if std::process::Command::new(player)
                .arg(&path)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .is_ok()
            {
                self.status = format!("playing {} with {player}", path.display());
                return;
            }
        }
        self.status = format!(
            "no sound player found (pw-play, paplay, aplay, xdg-open); the sound is at {}",
            path.display()
        );
    }

    fn export_png(&mut self) {
        let (Some(gpu), Some(g)) = (&self.gpu, &self.glyph) else {
            self.status = "nothing to export: no hologram on screen".into();
            return;
        };
        let s = &self.lib.library.symbols[g.index];
        let Some(path) = save_dialog("Export hologram", &format!("{}.png", s.id), "png") else {
            return;
        };
        let result = (|| -> anyhow::Result<()> {
            let outline = self.lib.library.outline(&s.glyph, &self.fonts)?;
            let prep = Prepared::new(&outline, &FieldOptions::default().with_size(1024))?;
            let fields = gpu.engine.dispatch(&prep)?;
            let renderer =
                HologramRenderer::new(&gpu.context.device, crate::hologram::OFFSCREEN_FORMAT);
            let rgba = crate::hologram::render_offscreen(
                &gpu.context,
                &renderer,
                &fields,
                prep.grid.em_per_px as f32,
                &Frame {
                    highlight: None,
                    ..self.frame()
                },
                1024,
            )?;
            crate::output::write_png(&path, 1024, 1024, &rgba)?;
            Ok(())
        })();
        self.status = match result {
            Ok(()) => format!("hologram written to {}", path.display()),
            Err(e) => format!("export failed: {e:#}"),
        };
    }

    fn handle_keys(&mut self, ctx: &egui::Context) {
        let typing = ctx.egui_wants_keyboard_input();
        for c in Command::with_shortcuts() {
            if typing && c.is_plain_key() {
                continue;
            }
            if let Some(s) = c.shortcut()
                && ctx.input_mut(|i| i.consume_shortcut(&s))
            {
                self.push(c);
            }
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
            self.push(Command::OpenRecent(path));
        }
    }

    fn tick(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        if let Some(last) = self.last_frame {
            let dt = now.duration_since(last).as_secs_f64();
            self.frame_ms = (dt * 1e3) as f32;
            if self.settings.animate {
                self.clock += dt.min(0.1) * self.settings.speed as f64;
            }
        }
        self.last_frame = Some(now);
        self.frames += 1;
        // GPU validation errors (ours and egui's, on the shared device) are shown, not lost.
        if let Some(gpu) = &self.gpu
            && let Err(e) = gpu.context.check("drawing")
        {
            log_error(&e.to_string());
            self.status = e.to_string();
        }
        self.thumbs.receive(ctx);
        if let Some(rx) = &self.shape_rx
            && let Ok(shape) = rx.try_recv()
        {
            self.lib.shape = Some(shape);
            self.shape_rx = None;
        }
        if self.settings.animate && self.frozen_time.is_none() {
            ctx.request_repaint();
        }
    }

    fn screenshot_step(&mut self, ctx: &egui::Context) {
        let busy = self.busy();
        let Some(shot) = &mut self.screenshot else {
            return;
        };
        if self.first_hologram_ms.is_none() {
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
                        let _ = tx.send(image);
                        repaint.request_repaint();
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
                            self.first_hologram_ms.unwrap_or_default()
                        ),
                        Err(e) => eprintln!("screenshot failed: {e}"),
                    }
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            None => {}
        }
    }

    /// Milliseconds from start to the first frame with a hologram drawn.
    pub fn first_hologram_ms(&self) -> Option<f64> {
        self.first_hologram_ms
    }

    fn note_hologram_drawn(&mut self) {
        if self.first_hologram_ms.is_none() {
            self.first_hologram_ms = Some(self.started.elapsed().as_secs_f64() * 1e3);
        }
    }

    /// The adapter's name for the status line.
    pub fn device_line(&self) -> String {
        match (&self.gpu, &self.gpu_error) {
            (Some(g), _) => g.context.adapter_name(),
            (None, Some(e)) => format!("no GPU view: {e}"),
            (None, None) => "no GPU".into(),
        }
    }
}

/// Errors that would otherwise only reach the status line also go to stderr, once each.
fn log_error(message: &str) {
    static SEEN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    if let Ok(mut seen) = SEEN.lock()
        && !seen.iter().any(|m| m == message)
    {
        eprintln!("hologlyph: {message}");
        seen.push(message.to_string());
    }
}

fn save_dialog(title: &str, name: &str, ext: &str) -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title(title)
        .set_file_name(name)
        .add_filter(ext, &[ext])
        .save_file()
}

impl eframe::App for HologlyphApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.tick(&ctx);
        self.handle_keys(&ctx);
        browser::menu_bar(self, ui);
        browser::status_bar(self, ui);
        self.shown_thumbs.clear();
        browser::browser_panel(self, ui);
        if self.settings.animate && self.settings.grid && self.frozen_time.is_none() {
            let now = self.started.elapsed().as_secs_f64();
            let time = self.time();
            self.thumbs.animate(&self.shown_thumbs, time, now);
        }
        inspector::inspector_panel(self, ui);
        let drew = central::central_panel(self, ui);
        if drew {
            self.note_hologram_drawn();
        }
        central::windows(self, &ctx);
        self.apply_commands(&ctx);
        self.screenshot_step(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.screenshot.is_none() {
            eframe::set_value(storage, eframe::APP_KEY, &self.settings);
        }
    }
}
