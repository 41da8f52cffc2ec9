//! Every user action as one enum: its label and shortcut are used by the menus, the help
//! overlay and the keyboard alike. Panels emit commands; the app applies them after drawing.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use super::editing::{EditorCommand, PointOp, Tool};
use super::map::MapCommand;
use super::navigation::Focus;
use super::present::PresentCommand;
use crate::hologram::{Layer, Style};
use crate::library::{Edit, Lineage, Register, SymbolId, TourId};

/// What to do with unsaved changes when leaving a library (quitting, opening another).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaveChoice {
    Save,
    Discard,
    Cancel,
}

/// Every action a person can take. Panels push these; [`super::HologlyphApp`] applies them
/// in one place after the frame's panels are drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    // Files.
    OpenLibrary,
    OpenRecent(PathBuf),
    ReloadLibrary,
    SaveLibrary,
    /// Save although the library was read with errors (the user confirmed).
    SaveWithErrors,
    /// Save to another file (asks where).
    SaveLibraryAs,
    /// Save over a library file that changed on disk (the user chose to overwrite it).
    OverwriteOnDisk,
    /// Keep editing although the file changed on disk (do not ask again for that change).
    KeepEditing,
    /// Start an empty library.
    NewLibrary,
    /// What to do with unsaved changes before leaving the library.
    Leave(LeaveChoice),
    /// Restore the edits a crash left (the recovery file found at start-up).
    RestoreRecovered,
    DiscardRecovered,
    ExportPng,
    ExportSound,
    PlaySound,
    ExportGesture,
    // Edits (undoable) and the clipboard.
    Undo,
    Redo,
    /// A library edit; edits with the same `merge` key in a row are one undo step.
    Edit {
        edit: Edit,
        merge: Option<String>,
    },
    /// Ends the gesture in progress (the next edit is a step of its own).
    EndGesture,
    /// Edit mode: tools, selection, the pen, the link picker, new symbols.
    Editor(EditorCommand),
    /// Present mode: a tour on stage.
    Present(PresentCommand),
    /// Map mode: layouts, the camera, selection and compare, import and export.
    Map(MapCommand),
    /// Present the first tour (F5), or the chosen one from the Tours menu.
    PresentFirstTour,
    /// Start or stop recording a tour from what the user explores.
    ToggleRecording,
    /// Open the tour editor on a tour (None: close it).
    EditTour(Option<TourId>),
    CopyCharacter,
    CopyCodePoint,
    CopyGloss,
    ToggleFavourite,
    // Navigation.
    Go(Focus),
    Back,
    Forward,
    /// A step of the history (a breadcrumb).
    Jump(usize),
    /// A click on the hologram at an em point: unfold the region link there.
    ClickAt([f64; 2]),
    // The browser.
    FocusSearch,
    SetQuery(String),
    /// Open the first symbol the search finds.
    OpenFirstHit,
    /// Enter in the search field: open the hit the arrows selected (else the first).
    OpenSearchHit,
    SetLineage(Option<Lineage>),
    SetTag(Option<String>),
    SetFavouritesOnly(bool),
    SetGrid(bool),
    Select(SymbolId),
    SelectNext,
    SelectPrevious,
    OpenSelected,
    // The view.
    SetLayer(Layer),
    SetStyle(Option<Style>),
    SetRegister(Register),
    /// The pointer over the hologram at an em point (None: not over it).
    Hover(Option<[f64; 2]>),
    /// Tab / Shift+Tab in the view: light the next (+1) or previous (−1) region.
    CycleRegion(i32),
    ToggleAnimation,
    SetSpeed(f32),
    ZoomIn,
    ZoomOut,
    /// Zoom by a factor (<1 zooms in) around a point of the view (0..1).
    ZoomAt {
        factor: f32,
        at: [f32; 2],
    },
    /// Pan by a drag, in fractions of the view's side.
    Pan([f32; 2]),
    ResetView,
    // Windows.
    ToggleTheme,
    ToggleHelp,
    ShowProblems,
    CloseHelp,
    CloseProblems,
    /// Esc: close the topmost window or overlay (a dialog, the help, the problems, the
    /// unfolded cards).
    CloseTopmost,
    /// Show or hide the symbol browser (left) and the inspector (right).
    ToggleBrowser,
    ToggleInspector,
    Quit,
}

impl Command {
    pub fn label(&self) -> String {
        match self {
            Command::SaveLibrary => "Save library".into(),
            Command::SaveLibraryAs => "Save library as…".into(),
            Command::SaveWithErrors => "Save anyway".into(),
            Command::OverwriteOnDisk => "Overwrite with this version".into(),
            Command::KeepEditing => "Keep editing".into(),
            Command::NewLibrary => "New library".into(),
            Command::Leave(LeaveChoice::Save) => "Save".into(),
            Command::Leave(LeaveChoice::Discard) => "Discard changes".into(),
            Command::Leave(LeaveChoice::Cancel) => "Cancel".into(),
            Command::RestoreRecovered => "Restore the recovered edits".into(),
            Command::DiscardRecovered => "Discard the recovered edits".into(),
            Command::Editor(EditorCommand::Toggle) => "Edit mode".into(),
            Command::Editor(EditorCommand::OpenNewSymbol) => "New symbol…".into(),
            Command::Editor(EditorCommand::ToggleSnap) => "Snap to the em grid".into(),
            Command::Editor(EditorCommand::SetTool(Tool::Pen)) => "Pen".into(),
            Command::Editor(EditorCommand::SetTool(Tool::Select)) => "Select".into(),
            Command::Editor(EditorCommand::SetTool(Tool::Brush)) => "Brush".into(),
            Command::Editor(EditorCommand::ConvertToOutline) => "Convert to outline".into(),
            Command::Editor(EditorCommand::Point(PointOp::Delete)) => "Delete point".into(),
            Command::Editor(EditorCommand::PenFinish { .. }) => "Finish the contour".into(),
            Command::Editor(EditorCommand::PenCancel) => "Cancel the contour".into(),
            Command::Editor(e) => format!("{e:?}"),
            Command::Present(p) => p.label(),
            Command::Map(m) => m.label(),
            Command::PresentFirstTour => "Present".into(),
            Command::ToggleRecording => "Record a tour".into(),
            Command::EditTour(Some(t)) => format!("Edit tour “{t}”"),
            Command::EditTour(None) => "Close the tour editor".into(),
            Command::Undo => "Undo".into(),
            Command::Redo => "Redo".into(),
            Command::Edit { edit, .. } => edit.label(),
            Command::EndGesture => "End the gesture".into(),
            Command::Go(_) => "Go".into(),
            Command::Jump(_) => "Go to a step of the history".into(),
            Command::ClickAt(_) => "Unfold the region".into(),
            Command::SetQuery(_) => "Search for".into(),
            Command::OpenFirstHit => "Open the first hit".into(),
            Command::SetLineage(l) => format!("Lineage: {}", l.map_or("all", |l| l.name())),
            Command::SetTag(t) => format!("Tag: {}", t.as_deref().unwrap_or("any")),
            Command::SetFavouritesOnly(_) => "Favourites only".into(),
            Command::SetGrid(_) => "Thumbnails in the browser".into(),
            Command::Select(id) => format!("Select {id}"),
            Command::SetStyle(s) => format!("Style: {}", s.map_or("the symbol's", |s| s.name())),
            Command::SetRegister(r) => format!("Register: {r}"),
            Command::Hover(_) => "Point at".into(),
            Command::CycleRegion(_) => "Next / previous region".into(),
            Command::SetSpeed(_) => "Animation speed".into(),
            Command::ZoomAt { .. } => "Zoom".into(),
            Command::Pan(_) => "Pan".into(),
            Command::CloseHelp => "Close the help".into(),
            Command::CloseProblems => "Close the problems".into(),
            Command::CloseTopmost => "Close the topmost window or fold the cards".into(),
            Command::ToggleBrowser => "Show / hide the browser".into(),
            Command::ToggleInspector => "Show / hide the inspector".into(),
            Command::OpenLibrary => "Open library…".into(),
            Command::OpenRecent(p) => p.display().to_string(),
            Command::ReloadLibrary => "Reload library".into(),
            Command::ExportPng => "Export hologram as PNG…".into(),
            Command::ExportSound => "Export sound (WAV)…".into(),
            Command::PlaySound => "Play the sound".into(),
            Command::ExportGesture => "Export gesture (SVG)…".into(),
            Command::CopyCharacter => "Copy character".into(),
            Command::CopyCodePoint => "Copy U+XXXX".into(),
            Command::CopyGloss => "Copy gloss".into(),
            Command::Back => "Back".into(),
            Command::Forward => "Forward".into(),
            Command::FocusSearch => "Search".into(),
            Command::ToggleHelp => "Keyboard shortcuts".into(),
            Command::SelectNext => "Next symbol".into(),
            Command::SelectPrevious => "Previous symbol".into(),
            Command::OpenSelected => "Open the selected symbol".into(),
            Command::OpenSearchHit => "Open the selected search hit".into(),
            Command::SetLayer(l) => format!("Layer: {l}"),
            Command::ToggleAnimation => "Animate".into(),
            Command::ZoomIn => "Zoom in".into(),
            Command::ZoomOut => "Zoom out".into(),
            Command::ResetView => "Reset zoom and pan".into(),
            Command::ToggleTheme => "Light / dark theme".into(),
            Command::ToggleFavourite => "Favourite".into(),
            Command::ShowProblems => "Library problems".into(),
            Command::Quit => "Quit".into(),
        }
    }

    /// The keyboard shortcut, if the command has one.
    pub fn shortcut(&self) -> Option<KeyboardShortcut> {
        let k = |m, key| Some(KeyboardShortcut::new(m, key));
        match self {
            Command::OpenLibrary => k(Modifiers::COMMAND, Key::O),
            Command::SaveLibrary => k(Modifiers::COMMAND, Key::S),
            Command::Undo => k(Modifiers::COMMAND, Key::Z),
            Command::Redo => k(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z),
            Command::ReloadLibrary => k(Modifiers::COMMAND, Key::R),
            Command::SaveLibraryAs => k(Modifiers::COMMAND | Modifiers::SHIFT, Key::S),
            Command::ExportPng => k(Modifiers::COMMAND | Modifiers::SHIFT, Key::E),
            Command::Editor(EditorCommand::Toggle) => k(Modifiers::COMMAND, Key::E),
            Command::Editor(EditorCommand::OpenNewSymbol) => k(Modifiers::COMMAND, Key::N),
            Command::Editor(EditorCommand::SetTool(Tool::Pen)) => k(Modifiers::NONE, Key::P),
            Command::Editor(EditorCommand::SetTool(Tool::Select)) => k(Modifiers::NONE, Key::V),
            Command::Editor(EditorCommand::SetTool(Tool::Brush)) => k(Modifiers::NONE, Key::B),
            Command::Editor(EditorCommand::ToggleSnap) => k(Modifiers::NONE, Key::G),
            Command::CopyCharacter => k(Modifiers::COMMAND | Modifiers::SHIFT, Key::C),
            Command::Back => k(Modifiers::ALT, Key::ArrowLeft),
            Command::Forward => k(Modifiers::ALT, Key::ArrowRight),
            Command::FocusSearch => k(Modifiers::COMMAND, Key::F),
            Command::ToggleHelp => k(Modifiers::NONE, Key::F1),
            Command::SelectNext => k(Modifiers::NONE, Key::ArrowDown),
            Command::SelectPrevious => k(Modifiers::NONE, Key::ArrowUp),
            Command::OpenSelected => k(Modifiers::NONE, Key::Enter),
            Command::SetLayer(l) => k(
                Modifiers::NONE,
                match l {
                    Layer::Hologram => Key::Num1,
                    Layer::Distance => Key::Num2,
                    Layer::Curvature => Key::Num3,
                    Layer::Density => Key::Num4,
                    Layer::Voids => Key::Num5,
                    Layer::Regions => Key::Num6,
                },
            ),
            Command::ToggleAnimation => k(Modifiers::NONE, Key::Space),
            Command::ZoomIn => k(Modifiers::NONE, Key::Plus),
            Command::ZoomOut => k(Modifiers::NONE, Key::Minus),
            Command::ResetView => k(Modifiers::NONE, Key::Num0),
            Command::ToggleFavourite => k(Modifiers::COMMAND, Key::D),
            Command::PlaySound => k(Modifiers::COMMAND, Key::P),
            Command::Quit => k(Modifiers::COMMAND, Key::Q),
            Command::PresentFirstTour => k(Modifiers::NONE, Key::F5),
            Command::ToggleRecording => k(Modifiers::COMMAND | Modifiers::SHIFT, Key::R),
            Command::CloseTopmost => k(Modifiers::NONE, Key::Escape),
            Command::ToggleBrowser => k(Modifiers::COMMAND, Key::B),
            Command::ToggleInspector => k(Modifiers::COMMAND, Key::I),
            Command::Map(MapCommand::Toggle) => k(Modifiers::NONE, Key::M),
            Command::Map(MapCommand::FitAll) => k(Modifiers::NONE, Key::F),
            Command::Map(MapCommand::Compare) => k(Modifiers::NONE, Key::C),
            _ => None,
        }
    }

    /// Whether the shortcut is a plain key that a focused text field would want.
    pub fn is_plain_key(&self) -> bool {
        self.shortcut()
            .is_some_and(|s| s.modifiers.is_none() && !matches!(s.logical_key, Key::F1 | Key::F5))
    }

    /// The commands that have shortcuts, for the keyboard and the help overlay.
    pub fn with_shortcuts() -> Vec<Command> {
        let mut all = vec![
            Command::OpenLibrary,
            // Before Save: egui's Ctrl+S also matches Ctrl+Shift+S.
            Command::SaveLibraryAs,
            Command::SaveLibrary,
            // Before Ctrl+E (edit mode).
            Command::ExportPng,
            Command::Editor(EditorCommand::Toggle),
            Command::Editor(EditorCommand::OpenNewSymbol),
            Command::Editor(EditorCommand::SetTool(Tool::Pen)),
            Command::Editor(EditorCommand::SetTool(Tool::Select)),
            Command::Editor(EditorCommand::SetTool(Tool::Brush)),
            Command::Editor(EditorCommand::ToggleSnap),
            // Before Undo: egui's Ctrl+Z also matches Ctrl+Shift+Z, so the longer
            // shortcut is consumed first.
            Command::Redo,
            Command::Undo,
            // Before Ctrl+R (reload).
            Command::ToggleRecording,
            Command::ReloadLibrary,
            Command::CopyCharacter,
            Command::PresentFirstTour,
            Command::Back,
            Command::Forward,
            Command::FocusSearch,
            Command::ToggleHelp,
            Command::SelectNext,
            Command::SelectPrevious,
            Command::OpenSelected,
            Command::ToggleAnimation,
            Command::ZoomIn,
            Command::ZoomOut,
            Command::ResetView,
            Command::ToggleFavourite,
            Command::PlaySound,
            Command::CloseTopmost,
            Command::ToggleBrowser,
            Command::ToggleInspector,
            Command::Map(MapCommand::Toggle),
            Command::Quit,
        ];
        all.extend(Layer::ALL.map(Command::SetLayer));
        all
    }
}
