//! Which windows and overlays are open, and what the status line says: the last message,
//! and the errors of this session (a failed protocol, a worker that could not start, an
//! unreadable font), which the problems window lists under the library's own problems.

/// Most session errors kept.
const MAX_ERRORS: usize = 50;

/// What the user was doing when the library had unsaved changes: done after Save or
/// Discard, dropped on Cancel.
#[derive(Clone, Debug, PartialEq)]
pub enum Leave {
    Quit,
    /// The open-file dialog, then the file chosen.
    OpenDialog,
    Open(std::path::PathBuf),
    NewLibrary,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Windows {
    pub help: bool,
    /// The Save / Discard / Cancel question, while it is asked.
    pub leaving: Option<Leave>,
    /// The library file changed on disk while open (or a save found it changed): the
    /// Reload / Overwrite / Keep editing question.
    pub disk_changed: bool,
    /// The user confirmed saving a library that was read with errors.
    pub save_with_errors: bool,
    pub problems: bool,
    /// Give the search box the keyboard on the next frame.
    pub focus_search: bool,
    /// The tour editor, open on a tour.
    pub tour_editor: Option<crate::library::TourId>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Status {
    /// The status line's message.
    pub text: String,
    /// Whether the message is an error (shown in the error colour).
    pub is_error: bool,
    /// Errors of this session, oldest first.
    pub errors: Vec<String>,
}

impl Status {
    pub fn info(&mut self, text: impl Into<String>) {
        self.text = text.into();
        self.is_error = false;
    }

    /// Shows an error on the status line, keeps it for the problems window and writes it
    /// to stderr once.
    pub fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        if !self.errors.contains(&text) {
            eprintln!("hologlyph: {text}");
            self.errors.push(text.clone());
            if self.errors.len() > MAX_ERRORS {
                self.errors.remove(0);
            }
        }
        self.text = text;
        self.is_error = true;
    }
}
