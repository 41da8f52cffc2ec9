//! Present mode: a tour on stage. The audience view shows one step at a time — the step's
//! symbol as a live hologram in the step's look, its regions unfolding one after another
//! (fragments), its caption and register text — driven by the keys presenters' remotes
//! send, by auto-advance, or, in a kiosk, by an attract loop that comes back after visitors
//! leave. The presenter can click regions on stage; the next key carries on from the step's
//! own state.
//!
//! [`Presenting`] is the state; [`PresentCommand`] the actions; `apply_present` (below) the
//! one place they change the app. Steps are applied to the ordinary view state (focus,
//! register, style, layer, zoom), which is saved when presenting starts and given back when
//! it ends. The clock is the app's (`State::now`): egui's input time, or a test's.

use super::commands::Command;
use super::navigation::Focus;
use super::state::State;
use super::view::ViewTransform;
use super::{HologlyphApp, StartOptions};
use crate::hologram::{Layer, Style};
use crate::library::{Library, Register, Tour, TourId, TourStep};

/// Seconds between entering a step and its first region unfolding.
pub const BEAT_S: f64 = 0.6;
/// Seconds of the fade from black into a new step.
pub const FADE_S: f64 = 0.35;
/// Seconds without interaction before a held auto-advance carries on.
pub const IDLE_RESUME_S: f64 = 30.0;
/// A kiosk's idle time before the warning, and the warning's countdown.
pub const KIOSK_IDLE_S: f64 = 60.0;
pub const KIOSK_WARNING_S: f64 = 10.0;

/// What covers the stage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Screen {
    #[default]
    Stage,
    Black,
    White,
}

/// The presenter's timer: runs from the start, can be paused and reset.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timer {
    /// When it (last) started, less the time it had run before a pause.
    pub started: f64,
    /// The reading while paused.
    pub paused: Option<f64>,
}

impl Timer {
    pub fn elapsed(&self, now: f64) -> f64 {
        self.paused.unwrap_or(now - self.started)
    }
}

/// A kiosk: no menus, dialogs or editing; leaving needs the chord; idle visitors' changes
/// are reset to the attract loop after a visible warning.
#[derive(Clone, Debug, PartialEq)]
pub struct Kiosk {
    /// The tours of the attract loop, played one after another, round and round.
    pub tours: Vec<TourId>,
    pub idle_s: f64,
    pub warning_s: f64,
    /// The last time a visitor touched anything.
    pub last_input: f64,
    /// Whether a visitor has changed anything since the attract loop (re)started.
    pub touched: bool,
}

/// The view state presenting replaces, given back when it ends.
#[derive(Clone, Debug)]
pub struct Before {
    focus: Option<Focus>,
    register: Register,
    style: Option<Style>,
    layer: Layer,
    transform: ViewTransform,
}

/// A tour on stage.
#[derive(Clone, Debug)]
pub struct Presenting {
    pub tour: TourId,
    pub step: usize,
    /// Which of the step's regions is unfolded (fragments; 0 for a step with one or none).
    pub fragment: usize,
    /// When the step (or fragment) was entered.
    pub entered: f64,
    /// When the step was entered (the fade into it counts from here).
    pub step_entered: f64,
    /// The overview grid is open, with its cursor on this step.
    pub overview: Option<usize>,
    pub screen: Screen,
    /// Auto-advance paused by the presenter (P): it stays paused until resumed.
    pub paused: bool,
    /// The last interaction on stage (a click, the wheel): auto-advance waits for
    /// [`Presenting::idle_resume_s`] after it.
    pub held: Option<f64>,
    pub idle_resume_s: f64,
    /// Digits typed for a jump ("3" then Enter or G).
    pub typed: String,
    pub help: bool,
    /// Start again at the end.
    pub looping: bool,
    /// The progress bar and step number are shown.
    pub progress: bool,
    /// The speaker window is open.
    pub speaker: bool,
    /// Freeze: the audience holds this frame while the presenter previews the step here.
    pub preview: Option<usize>,
    pub timer: Timer,
    pub fullscreen: bool,
    pub kiosk: Option<Kiosk>,
    pub before: Before,
}

/// Present mode's actions (keys, the speaker window, the stage).
#[derive(Clone, Debug, PartialEq)]
pub enum PresentCommand {
    /// Start presenting a tour at a step.
    Start {
        tour: TourId,
        step: usize,
    },
    Next,
    Previous,
    First,
    Last,
    /// Go to a step (0-based), its first fragment.
    GoTo(usize),
    /// A digit typed for a jump.
    Digit(u8),
    /// Enter or G: jump to the typed step number (Enter with nothing typed: next).
    Confirm,
    ToggleOverview,
    /// Move the overview's cursor by steps.
    OverviewMove(isize),
    ToggleScreen(Screen),
    ToggleFullscreen,
    TogglePause,
    ToggleHelp,
    ToggleProgress,
    ToggleSpeaker,
    /// Freeze the audience view (the speaker window previews), or release it.
    ToggleFreeze,
    TimerPause,
    TimerReset,
    /// Esc: closes the overview or the help, else leaves present mode (not a kiosk).
    Escape,
    /// Leave present mode (a kiosk only through its chord).
    Leave,
}

impl PresentCommand {
    pub fn label(&self) -> String {
        match self {
            PresentCommand::Start { tour, .. } => format!("Present “{tour}”"),
            PresentCommand::Next => "Next".into(),
            PresentCommand::Previous => "Previous".into(),
            PresentCommand::First => "First step".into(),
            PresentCommand::Last => "Last step".into(),
            PresentCommand::GoTo(i) => format!("Go to step {}", i + 1),
            PresentCommand::Digit(d) => format!("Type {d}"),
            PresentCommand::Confirm => "Jump to the typed step".into(),
            PresentCommand::ToggleOverview => "Overview".into(),
            PresentCommand::OverviewMove(_) => "Move in the overview".into(),
            PresentCommand::ToggleScreen(Screen::White) => "White screen".into(),
            PresentCommand::ToggleScreen(_) => "Black screen".into(),
            PresentCommand::ToggleFullscreen => "Fullscreen".into(),
            PresentCommand::TogglePause => "Pause / resume auto-advance".into(),
            PresentCommand::ToggleHelp => "Keys".into(),
            PresentCommand::ToggleProgress => "Show / hide the progress bar".into(),
            PresentCommand::ToggleSpeaker => "Speaker window".into(),
            PresentCommand::ToggleFreeze => "Freeze the audience view".into(),
            PresentCommand::TimerPause => "Pause the timer".into(),
            PresentCommand::TimerReset => "Reset the timer".into(),
            PresentCommand::Escape => "Back / leave".into(),
            PresentCommand::Leave => "Leave present mode".into(),
        }
    }
}

/// The keys of present mode, as the help lists them.
pub const KEYS: &[(&str, &str)] = &[
    ("→ ↓ Space PgDn Enter", "next (the next fragment first)"),
    ("← ↑ PgUp Backspace", "previous"),
    ("Home / End", "first / last step"),
    ("a number, then Enter or G", "jump to that step"),
    ("O", "overview (arrows and Enter to jump, Esc back)"),
    ("B or .", "black screen"),
    ("W", "white screen"),
    ("F", "fullscreen"),
    ("P", "pause / resume auto-advance"),
    ("H", "hide / show the progress bar"),
    ("S", "speaker window"),
    (
        "Z",
        "freeze the audience view (preview in the speaker window)",
    ),
    ("F1 or ?", "these keys"),
    ("Esc", "leave (a kiosk: Ctrl+Alt+Q)"),
    (
        "click a region",
        "unfold it live; wheel zooms; the next key resumes",
    ),
];

/// The keys pressed this frame, as present-mode commands (the audience window and the
/// speaker window both read them).
pub fn keys(ctx: &egui::Context, p: &Presenting) -> Vec<Command> {
    use egui::{Key, Modifiers};
    let mut out = Vec::new();
    let mut push = |c| out.push(Command::Present(c));
    let kiosk_chord = egui::KeyboardShortcut::new(Modifiers::CTRL | Modifiers::ALT, Key::Q);
    if ctx.input_mut(|i| i.consume_shortcut(&kiosk_chord)) {
        push(PresentCommand::Leave);
    }
    let events: Vec<egui::Event> = ctx.input(|i| i.events.clone());
    for e in events {
        match e {
            egui::Event::Key {
                key,
                pressed: true,
                modifiers,
                ..
            } if !modifiers.ctrl && !modifiers.alt && !modifiers.command => {
                let c = match (key, p.overview.is_some()) {
                    (Key::ArrowRight | Key::ArrowDown, true) => {
                        PresentCommand::OverviewMove(if key == Key::ArrowDown { 4 } else { 1 })
                    }
                    (Key::ArrowLeft | Key::ArrowUp, true) => {
                        PresentCommand::OverviewMove(if key == Key::ArrowUp { -4 } else { -1 })
                    }
                    (Key::Enter, true) => PresentCommand::GoTo(p.overview.unwrap_or(0)),
                    (Key::ArrowRight | Key::ArrowDown | Key::Space | Key::PageDown, false) => {
                        PresentCommand::Next
                    }
                    (Key::Enter, false) => PresentCommand::Confirm,
                    (Key::G, _) => PresentCommand::Confirm,
                    (Key::ArrowLeft | Key::ArrowUp | Key::PageUp | Key::Backspace, false) => {
                        PresentCommand::Previous
                    }
                    (Key::Home, _) => PresentCommand::First,
                    (Key::End, _) => PresentCommand::Last,
                    (Key::O, _) => PresentCommand::ToggleOverview,
                    (Key::B | Key::Period, _) => PresentCommand::ToggleScreen(Screen::Black),
                    (Key::W, _) => PresentCommand::ToggleScreen(Screen::White),
                    (Key::F, _) => PresentCommand::ToggleFullscreen,
                    (Key::P, _) => PresentCommand::TogglePause,
                    (Key::H, _) => PresentCommand::ToggleProgress,
                    (Key::S, _) => PresentCommand::ToggleSpeaker,
                    (Key::Z, _) => PresentCommand::ToggleFreeze,
                    (Key::F1, _) => PresentCommand::ToggleHelp,
                    (Key::Escape, _) => PresentCommand::Escape,
                    _ => match digit(key) {
                        Some(d) => PresentCommand::Digit(d),
                        None => continue,
                    },
                };
                push(c);
            }
            egui::Event::Text(t) if t == "?" => push(PresentCommand::ToggleHelp),
            _ => {}
        }
    }
    // The keys were present mode's: nothing else in the window acts on them.
    ctx.input_mut(|i| {
        i.events
            .retain(|e| !matches!(e, egui::Event::Key { .. } | egui::Event::Text(_)))
    });
    out
}

fn digit(key: egui::Key) -> Option<u8> {
    use egui::Key::*;
    let all = [Num0, Num1, Num2, Num3, Num4, Num5, Num6, Num7, Num8, Num9];
    all.iter().position(|k| *k == key).map(|d| d as u8)
}

impl Presenting {
    /// The tour on stage, if the library still has it.
    pub fn tour<'a>(&self, lib: &'a Library) -> Option<&'a Tour> {
        lib.tour(&self.tour).map(|t| &**t)
    }

    /// The step the audience sees.
    pub fn current<'a>(&self, lib: &'a Library) -> Option<&'a TourStep> {
        self.tour(lib)?.steps.get(self.step)
    }

    /// The step the presenter looks at: the previewed one while frozen, else the current.
    pub fn speaker_step(&self) -> usize {
        self.preview.unwrap_or(self.step)
    }

    /// Seconds a fragment of `step` is shown by auto-advance: the step's seconds shared
    /// among its fragments.
    pub fn fragment_seconds(step: &TourStep) -> f64 {
        step.seconds as f64 / step.regions.len().max(1) as f64
    }

    /// When auto-advance moves on, if it will (None: paused, held, covered, at the end).
    pub fn advance_at(&self, lib: &Library) -> Option<f64> {
        if self.paused || self.screen != Screen::Stage || self.overview.is_some() {
            return None;
        }
        if self.preview.is_some() {
            return None;
        }
        let tour = self.tour(lib)?;
        let step = tour.steps.get(self.step)?;
        let last = self.step + 1 >= tour.steps.len() && self.fragment + 1 >= step.regions.len();
        if last && !self.looping && self.kiosk.is_none() {
            return None;
        }
        let from = match self.held {
            Some(h) => self.entered.max(h + self.idle_resume_s),
            None => self.entered,
        };
        Some(from + Self::fragment_seconds(step))
    }

    /// The kiosk's reset countdown: seconds left of the warning, while it shows.
    pub fn kiosk_warning(&self, now: f64) -> Option<f64> {
        let k = self.kiosk.as_ref()?;
        if !k.touched {
            return None;
        }
        let idle = now - k.last_input;
        (idle > k.idle_s).then(|| (k.idle_s + k.warning_s - idle).max(0.0))
    }
}

/// How `present` starts from the command line.
#[derive(Clone, Debug, Default)]
pub struct PresentOptions {
    /// The tours: the first is presented (a kiosk loops through all; none: every tour).
    pub tours: Vec<String>,
    pub looping: bool,
    pub speaker: bool,
    pub kiosk: bool,
    /// A kiosk's idle seconds before the warning.
    pub idle_s: Option<f64>,
    /// Open windowed instead of fullscreen.
    pub windowed: bool,
}

impl HologlyphApp {
    /// Starts presenting as the command line asked (called once the library is open).
    pub(super) fn start_presenting(&mut self, o: &PresentOptions, ctx: &egui::Context) {
        let lib = self.state.doc.library().clone();
        let tours: Vec<TourId> = if o.tours.is_empty() {
            lib.tours.iter().map(|t| t.id.clone()).collect()
        } else {
            o.tours.iter().map(|t| TourId::from(t.clone())).collect()
        };
        let Some(first) = tours.first().cloned() else {
            self.state
                .status
                .error("this library has no tour to present");
            return;
        };
        self.apply_present(
            PresentCommand::Start {
                tour: first,
                step: 0,
            },
            ctx,
        );
        if let Some(p) = &mut self.state.present {
            p.looping = o.looping;
            p.speaker = o.speaker;
            if o.windowed {
                p.fullscreen = false;
                ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(false));
            }
            if o.kiosk {
                let now = self.state.clock.now;
                p.kiosk = Some(Kiosk {
                    tours,
                    idle_s: o.idle_s.unwrap_or(KIOSK_IDLE_S),
                    warning_s: KIOSK_WARNING_S,
                    last_input: now,
                    touched: false,
                });
                p.looping = true;
            }
        }
    }

    pub(super) fn apply_present(&mut self, c: PresentCommand, ctx: &egui::Context) {
        let now = self.state.clock.now;
        if let PresentCommand::Start { tour, step } = c {
            self.start_tour(tour, step, ctx);
            return;
        }
        let lib = self.state.doc.library().clone();
        let Some(p) = &mut self.state.present else {
            return;
        };
        if let Some(k) = &mut p.kiosk {
            k.last_input = now;
            k.touched = true;
        }
        let Some(tour) = lib.tour(&p.tour).cloned() else {
            self.stop_presenting(ctx);
            return;
        };
        let n = tour.steps.len();
        // Frozen: the keys move the preview, the audience holds its frame.
        if let Some(preview) = p.preview {
            let to = match c {
                PresentCommand::Next => Some((preview + 1).min(n.saturating_sub(1))),
                PresentCommand::Previous => Some(preview.saturating_sub(1)),
                PresentCommand::First => Some(0),
                PresentCommand::Last => Some(n.saturating_sub(1)),
                PresentCommand::GoTo(i) => Some(i.min(n.saturating_sub(1))),
                _ => None,
            };
            if let Some(to) = to {
                p.preview = Some(to);
                return;
            }
        }
        if !matches!(c, PresentCommand::Digit(_) | PresentCommand::Confirm) {
            p.typed.clear();
        }
        match c {
            PresentCommand::Start { .. } => {}
            PresentCommand::Next => self.step_by(1, ctx),
            PresentCommand::Previous => self.step_by(-1, ctx),
            PresentCommand::First => self.enter_step(0, 0, ctx),
            PresentCommand::Last => self.enter_step(n.saturating_sub(1), 0, ctx),
            PresentCommand::GoTo(i) => {
                p.overview = None;
                self.enter_step(i.min(n.saturating_sub(1)), 0, ctx);
            }
            PresentCommand::Digit(d) => {
                if p.typed.len() < 4 {
                    p.typed.push(char::from(b'0' + d));
                }
            }
            PresentCommand::Confirm => {
                let typed = std::mem::take(&mut p.typed);
                match typed.parse::<usize>() {
                    Ok(k) if k >= 1 && k <= n => self.enter_step(k - 1, 0, ctx),
                    Ok(k) => self
                        .state
                        .status
                        .error(format!("the tour has steps 1 to {n}, not {k}")),
                    Err(_) => self.step_by(1, ctx),
                }
            }
            PresentCommand::ToggleOverview => {
                p.overview = match p.overview {
                    Some(_) => None,
                    None => Some(p.step),
                };
            }
            PresentCommand::OverviewMove(d) => {
                if let Some(o) = &mut p.overview {
                    *o = (*o as isize + d).clamp(0, n as isize - 1) as usize;
                }
            }
            PresentCommand::ToggleScreen(s) => {
                p.screen = if p.screen == s { Screen::Stage } else { s };
                // Back on stage, the step's time counts afresh.
                if p.screen == Screen::Stage {
                    p.entered = now;
                }
            }
            PresentCommand::ToggleFullscreen => {
                p.fullscreen = !p.fullscreen;
                ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(p.fullscreen));
            }
            PresentCommand::TogglePause => {
                p.paused = !p.paused;
                p.held = None;
                p.entered = now;
                let text = if p.paused {
                    "auto-advance paused (P resumes)"
                } else {
                    "auto-advance on"
                };
                self.state.status.info(text);
            }
            PresentCommand::ToggleHelp => p.help = !p.help,
            PresentCommand::ToggleProgress => p.progress = !p.progress,
            PresentCommand::ToggleSpeaker => {
                if p.kiosk.is_none() {
                    p.speaker = !p.speaker;
                }
            }
            PresentCommand::ToggleFreeze => match p.preview.take() {
                Some(to) => self.enter_step(to, 0, ctx),
                None => p.preview = Some(p.step),
            },
            PresentCommand::TimerPause => {
                p.timer = match p.timer.paused {
                    Some(ran) => Timer {
                        started: now - ran,
                        paused: None,
                    },
                    None => Timer {
                        started: p.timer.started,
                        paused: Some(now - p.timer.started),
                    },
                };
            }
            PresentCommand::TimerReset => {
                p.timer = Timer {
                    started: now,
                    paused: p.timer.paused.map(|_| 0.0),
                }
            }
            PresentCommand::Escape => {
                if p.overview.is_some() {
                    p.overview = None;
                } else if p.help {
                    p.help = false;
                } else if p.screen != Screen::Stage {
                    p.screen = Screen::Stage;
                } else if p.kiosk.is_none() {
                    self.stop_presenting(ctx);
                }
            }
            PresentCommand::Leave => self.stop_presenting(ctx),
        }
    }

    fn start_tour(&mut self, tour: TourId, step: usize, ctx: &egui::Context) {
        let st = &mut self.state;
        let Some(t) = st.doc.library().tour(&tour) else {
            st.status.error(format!("the library has no tour “{tour}”"));
            return;
        };
        if t.steps.is_empty() {
            st.status.error(format!("tour “{tour}” has no steps"));
            return;
        }
        let now = st.clock.now;
        let before = match &st.present {
            Some(p) => p.before.clone(),
            None => Before {
                focus: st.focus().cloned(),
                register: st.settings.register,
                style: st.view.style,
                layer: st.view.layer,
                transform: st.view.transform,
            },
        };
        let kiosk = st.present.as_ref().and_then(|p| p.kiosk.clone());
        let (speaker, looping) = st
            .present
            .as_ref()
            .map_or((false, false), |p| (p.speaker, p.looping));
        st.edit.on = false;
        st.present = Some(Presenting {
            tour,
            // No step yet: entering the first is entering a new step (its beat, its fade).
            step: usize::MAX,
            fragment: 0,
            entered: now,
            step_entered: now,
            overview: None,
            screen: Screen::Stage,
            paused: false,
            held: None,
            idle_resume_s: IDLE_RESUME_S,
            typed: String::new(),
            help: false,
            looping,
            progress: true,
            speaker,
            preview: None,
            timer: Timer {
                started: now,
                paused: None,
            },
            fullscreen: !self.rt.windowed,
            kiosk,
            before,
        });
        if !self.rt.windowed {
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(true));
        }
        self.enter_step(step, 0, ctx);
    }

    /// Leaves present mode: the view is as it was before.
    pub(super) fn stop_presenting(&mut self, ctx: &egui::Context) {
        let Some(p) = self.state.present.take() else {
            return;
        };
        let b = p.before;
        let st = &mut self.state;
        st.settings.register = b.register;
        st.view.style = b.style;
        st.view.layer = b.layer;
        if let Some(f) = b.focus {
            st.nav.go(f);
        }
        st.view.transform = b.transform;
        st.view.unfold_started = None;
        if p.fullscreen {
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(false));
        }
        st.status.info("left present mode");
    }

    /// Next or previous: through the step's fragments, then to the neighbouring step.
    fn step_by(&mut self, by: isize, ctx: &egui::Context) {
        let lib = self.state.doc.library().clone();
        let Some(p) = &self.state.present else {
            return;
        };
        let Some(tour) = p.tour(&lib) else {
            return;
        };
        let n = tour.steps.len();
        let fragments = tour.steps[p.step.min(n - 1)].regions.len().max(1);
        let (step, fragment) = (p.step, p.fragment);
        if by > 0 {
            if fragment + 1 < fragments {
                self.enter_step(step, fragment + 1, ctx);
            } else if step + 1 < n {
                self.enter_step(step + 1, 0, ctx);
            } else {
                self.at_the_end(ctx);
            }
        } else if fragment > 0 {
            self.enter_step(step, fragment - 1, ctx);
        } else if step > 0 {
            let prev = tour.steps[step - 1].regions.len().max(1);
            self.enter_step(step - 1, prev - 1, ctx);
        }
    }

    /// Past the last step: loop, go on to the kiosk's next tour, or stay.
    fn at_the_end(&mut self, ctx: &egui::Context) {
        let Some(p) = &self.state.present else {
            return;
        };
        if let Some(k) = &p.kiosk {
            let at = k.tours.iter().position(|t| *t == p.tour).unwrap_or(0);
            let next = k.tours[(at + 1) % k.tours.len()].clone();
            if next != p.tour {
                self.start_tour(next, 0, ctx);
                return;
            }
        }
        if p.looping || p.kiosk.is_some() {
            self.enter_step(0, 0, ctx);
        } else {
            self.state.status.info("the end of the tour (Esc leaves)");
        }
    }

    /// Shows a step: its symbol, the fragment's region (after a beat when the step is
    /// entered), its register, style, layer and zoom.
    fn enter_step(&mut self, step: usize, fragment: usize, ctx: &egui::Context) {
        let lib = self.state.doc.library().clone();
        let now = self.state.clock.now;
        let st = &mut self.state;
        let Some(p) = &mut st.present else {
            return;
        };
        let Some(s) = p.tour(&lib).and_then(|t| t.steps.get(step)).cloned() else {
            return;
        };
        let same_step = p.step == step;
        p.step = step;
        p.fragment = fragment.min(s.regions.len().saturating_sub(1));
        p.entered = now;
        if !same_step {
            p.step_entered = now;
        }
        p.held = None;
        p.overview = None;
        let region = s.regions.get(p.fragment).cloned();
        st.settings.register = s.register;
        st.view.style = s.style;
        st.view.layer = s.layer.unwrap_or_default();
        st.nav.go(Focus::Symbol {
            id: s.symbol.clone(),
            region: region.clone(),
        });
        self.focus_changed(ctx);
        let st = &mut self.state;
        st.view.transform = step_transform(&s);
        st.view.hover = None;
        // A region unfolds a beat after its step appears; the next fragment at once.
        st.view.unfold_started = region.map(|_| if same_step { now } else { now + BEAT_S });
    }

    /// Auto-advance, the kiosk's idle reset, and the frames they need.
    pub(super) fn present_tick(&mut self, ctx: &egui::Context) {
        let now = self.state.clock.now;
        let lib = self.state.doc.library().clone();
        let Some(p) = &self.state.present else {
            return;
        };
        // The tour was removed (an undo, a reload): leave.
        if p.tour(&lib).is_none() {
            self.stop_presenting(ctx);
            return;
        }
        if let Some(left) = p.kiosk_warning(now) {
            if left <= 0.0 {
                self.reset_kiosk(ctx);
            } else {
                ctx.request_repaint_after(std::time::Duration::from_millis(200));
            }
            return;
        }
        if let Some(k) = &p.kiosk
            && k.touched
        {
            let warn_at = k.last_input + k.idle_s;
            ctx.request_repaint_after(secs(warn_at - now));
        }
        if let Some(at) = p.advance_at(&lib) {
            if now >= at {
                self.step_by(1, ctx);
            } else {
                ctx.request_repaint_after(secs(at - now));
            }
        }
        // The fade and the beat before an unfold move on their own.
        if let Some(p) = &self.state.present
            && now - p.entered < BEAT_S.max(FADE_S) + 0.05
        {
            ctx.request_repaint();
        }
    }

    /// Back to the attract loop: the kiosk's first tour from its start, auto-advancing.
    fn reset_kiosk(&mut self, ctx: &egui::Context) {
        let Some(k) = self.state.present.as_ref().and_then(|p| p.kiosk.clone()) else {
            return;
        };
        let first = k.tours[0].clone();
        self.start_tour(first, 0, ctx);
        let now = self.state.clock.now;
        if let Some(p) = &mut self.state.present {
            p.paused = false;
            p.help = false;
            if let Some(k) = &mut p.kiosk {
                k.touched = false;
                k.last_input = now;
            }
        }
        self.state.view.transform = ViewTransform::default();
    }

    /// A click or wheel on stage: auto-advance waits for the presenter to be idle; a
    /// kiosk's idle time starts again.
    pub(super) fn present_interaction(&mut self) {
        let now = self.state.clock.now;
        if let Some(p) = &mut self.state.present {
            p.held = Some(now);
            if let Some(k) = &mut p.kiosk {
                k.last_input = now;
                k.touched = true;
            }
        }
    }
}

fn secs(s: f64) -> std::time::Duration {
    std::time::Duration::from_secs_f64(s.clamp(0.0, 3600.0))
}

/// The view transform a step asks for.
pub fn step_transform(s: &TourStep) -> ViewTransform {
    match s.view {
        Some([x, y, side]) => ViewTransform {
            origin: [x, y],
            scale: side,
        },
        None => ViewTransform::default(),
    }
}

/// The state a step shows, as a recorded step holds it (what replay must reproduce).
pub fn view_of(st: &State) -> Option<TourStep> {
    let Some(Focus::Symbol { id, region }) = st.focus() else {
        return None;
    };
    let t = st.view.transform;
    let whole = t == ViewTransform::default();
    Some(TourStep {
        regions: region.iter().cloned().collect(),
        register: st.settings.register,
        style: st.view.style,
        layer: (st.view.layer != Layer::Hologram).then_some(st.view.layer),
        view: (!whole).then_some([t.origin[0], t.origin[1], t.scale]),
        ..TourStep::new(id.clone())
    })
}

impl StartOptions {
    /// Whether the window opens presenting.
    pub fn presents(&self) -> bool {
        self.present.is_some()
    }
}
