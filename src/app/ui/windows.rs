//! The problems window (the library's problems and this session's errors) and the help
//! overlay with every shortcut.

use egui::{Color32, RichText};

use super::Cx;
use crate::app::commands::Command;
use crate::library::Severity;

const ERROR: Color32 = Color32::from_rgb(240, 110, 100);
const WARNING: Color32 = Color32::from_rgb(230, 190, 90);

pub fn windows_ui(ctx: &egui::Context, cx: &Cx) {
    let st = cx.state;
    let has_problems = !st.doc.problems.is_empty() || !st.status.errors.is_empty();
    if st.windows.problems && has_problems {
        let mut open = true;
        egui::Window::new("Library problems")
            .open(&mut open)
            .default_width(640.0)
            .show(ctx, |ui| {
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        if !st.doc.problems.is_empty() {
                            ui.label(format!(
                                "{} — what could be read is open; the file was not changed.",
                                st.doc.path.display()
                            ));
                        }
                        for p in &st.doc.problems {
                            let colour = match p.severity {
                                Severity::Error => ERROR,
                                Severity::Warning => WARNING,
                            };
                            ui.label(RichText::new(p.to_string()).color(colour).monospace());
                        }
                        if !st.status.errors.is_empty() {
                            ui.separator();
                            ui.label("This session:");
                            for e in &st.status.errors {
                                ui.label(RichText::new(e).color(ERROR).monospace());
                            }
                        }
                    });
            });
        if !open {
            cx.push(Command::CloseProblems);
        }
    }
    if st.windows.help {
        let mut open = true;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| {
                egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                    for c in Command::with_shortcuts() {
                        if let Some(s) = c.shortcut() {
                            ui.monospace(ctx.format_shortcut(&s));
                            ui.label(c.label());
                            ui.end_row();
                        }
                    }
                    for (keys, what) in [
                        ("Ctrl+Y", "Redo"),
                        ("Backspace", "Back"),
                        ("?", "This help"),
                        ("wheel / drag", "Zoom / pan the hologram"),
                    ] {
                        ui.monospace(keys);
                        ui.label(what);
                        ui.end_row();
                    }
                });
            });
        if !open {
            cx.push(Command::CloseHelp);
        }
    }
}
