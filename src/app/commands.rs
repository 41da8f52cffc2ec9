//! Every user action as one enum: its label and shortcut are used by the menus, the help
//! overlay and the keyboard alike. Panels emit commands; the app applies them after drawing.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::hologram::Layer;

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    OpenLibrary,
    OpenRecent(PathBuf),
    ReloadLibrary,
    ExportPng,
    ExportSound,
    PlaySound,
    ExportGesture,
    CopyCharacter,
    CopyCodePoint,
    CopyGloss,
    Back,
    Forward,
    FocusSearch,
    ToggleHelp,
    SelectNext,
    SelectPrevious,
    OpenSelected,
    SetLayer(Layer),
    ToggleAnimation,
    ZoomIn,
    ZoomOut,
    ResetView,
    ToggleTheme,
    ToggleFavourite,
    ShowProblems,
    Quit,
}

impl Command {
    pub fn label(&self) -> String {
        match self {
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
            Command::SetLayer(l) => format!("Layer: {}", layer_name(*l)),
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
            Command::ReloadLibrary => k(Modifiers::COMMAND, Key::R),
            Command::ExportPng => k(Modifiers::COMMAND, Key::E),
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
            _ => None,
        }
    }

    /// Whether the shortcut is a plain key that a focused text field would want.
    pub fn is_plain_key(&self) -> bool {
        self.shortcut()
            .is_some_and(|s| s.modifiers.is_none() && s.logical_key != Key::F1)
    }

    /// The commands that have shortcuts, for the keyboard and the help overlay.
    pub fn with_shortcuts() -> Vec<Command> {
        let mut all = vec![
            Command::OpenLibrary,
            Command::ReloadLibrary,
            Command::ExportPng,
            Command::CopyCharacter,
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
            Command::Quit,
        ];
        all.extend(LAYERS.iter().map(|&l| Command::SetLayer(l)));
        all
    }
}

pub const LAYERS: [Layer; 6] = [
    Layer::Hologram,
    Layer::Distance,
    Layer::Curvature,
    Layer::Density,
    Layer::Voids,
    Layer::Regions,
];

pub fn layer_name(l: Layer) -> &'static str {
    match l {
        Layer::Hologram => "hologram",
        Layer::Distance => "distance",
        Layer::Curvature => "curvature",
        Layer::Density => "density",
        Layer::Voids => "voids",
        Layer::Regions => "regions",
    }
}
