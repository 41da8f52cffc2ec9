//! The panels. Each `*_ui` function draws from the state it is given and pushes
//! [`Command`]s; none changes the state itself. [`draw`] lays them out for one frame.

mod browser;
mod central;
mod editor;
mod inspector;
mod map;
mod menu;
mod present;
mod tours;
mod windows;

use std::cell::RefCell;

use super::Runtime;
use super::commands::Command;
use super::layout::Side;
use super::state::State;

/// What the panels read and where they put their commands.
pub struct Cx<'a> {
    pub state: &'a State,
    pub rt: &'a Runtime,
    commands: RefCell<Vec<Command>>,
}

impl Cx<'_> {
    /// Asks for `c` to be applied after this frame's panels.
    pub fn push(&self, c: Command) {
        self.commands.borrow_mut().push(c);
    }
}

/// What one frame of panels produced.
pub struct Drawn {
    pub commands: Vec<Command>,
    /// Where the hologram view is on screen, if it was drawn.
    pub view_rect: Option<egui::Rect>,
    /// Whether a hologram was painted.
    pub drew_hologram: bool,
    /// Whether the view has the keyboard.
    pub view_focused: bool,
    /// Where the map's canvas is, if the map was drawn.
    pub map_canvas: Option<egui::Rect>,
}

/// Draws every panel and window for one frame.
pub fn draw(ui: &mut egui::Ui, state: &State, rt: &Runtime) -> Drawn {
    let cx = Cx {
        state,
        rt,
        commands: RefCell::new(Vec::new()),
    };
    // Present mode: the stage alone (and the speaker window).
    if let Some(p) = &state.present {
        let stage = present::present_ui(ui, &cx, p);
        return Drawn {
            commands: cx.commands.into_inner(),
            view_rect: stage.view_rect,
            drew_hologram: stage.drew_hologram,
            view_focused: stage.view_focused,
            map_canvas: None,
        };
    }
    menu::menu_bar_ui(ui, &cx);
    menu::status_bar_ui(ui, &cx);
    let window = ui.ctx().content_rect().size();
    let plan = state.layout.plan(
        [window.x, window.y],
        state.settings.hide_browser,
        state.settings.hide_inspector,
    );
    match plan.browser {
        Some(range) => browser::browser_ui(ui, &cx, range),
        None => handle(ui, &cx, Side::Browser),
    }
    match plan.inspector {
        Some(range) => inspector::inspector_ui(ui, &cx, range),
        None => handle(ui, &cx, Side::Inspector),
    }
    let central = central::central_ui(ui, &cx);
    windows::windows_ui(ui.ctx(), &cx);
    tours::tour_editor_ui(ui.ctx(), &cx);
    Drawn {
        commands: cx.commands.into_inner(),
        view_rect: central.view_rect,
        drew_hologram: central.drew_hologram,
        view_focused: central.view_focused,
        map_canvas: central.map_canvas,
    }
}

/// A folded side panel's handle: a slim strip with a button that shows it again.
fn handle(ui: &mut egui::Ui, cx: &Cx, side: Side) {
    let (id, arrow, command) = match side {
        Side::Browser => ("browser-handle", "⏵", Command::ToggleBrowser),
        Side::Inspector => ("inspector-handle", "⏴", Command::ToggleInspector),
    };
    let panel = match side {
        Side::Browser => egui::Panel::left(id),
        Side::Inspector => egui::Panel::right(id),
    };
    panel.exact_size(22.0).resizable(false).show(ui, |ui| {
        let shortcut = command
            .shortcut()
            .map(|s| ui.ctx().format_shortcut(&s))
            .unwrap_or_default();
        if ui
            .add(egui::Button::new(arrow).frame(false))
            .on_hover_text(format!("{} ({shortcut})", command.label()))
            .clicked()
        {
            cx.push(command);
        }
    });
}

/// A mark for a symbol the library's checks found problems in: ⛔ errors, ⚠ warnings.
pub fn problem_mark(state: &State, id: &str) -> &'static str {
    let mut mark = "";
    for p in &state.doc.problems {
        if p.symbol.as_deref() == Some(id) {
            match p.severity {
                crate::library::Severity::Error => return "⛔ ",
                crate::library::Severity::Warning => mark = "⚠ ",
            }
        }
    }
    mark
}

/// The label a symbol goes by in lists: its character (or a mark for drawn glyphs) and name.
pub fn symbol_label(s: &crate::library::Symbol) -> String {
    match s.glyph.character() {
        Some(c) => format!("{c} {}", s.name),
        None => format!("✎ {}", s.name),
    }
}
