//! The problems window (the library's problems and this session's errors) and the help
//! overlay with every shortcut.

use egui::{Color32, RichText};

use super::Cx;
use crate::app::commands::{Command, LeaveChoice};
use crate::app::windows::Leave;
use crate::library::Severity;

const ERROR: Color32 = Color32::from_rgb(240, 110, 100);
const WARNING: Color32 = Color32::from_rgb(230, 190, 90);

pub fn windows_ui(ctx: &egui::Context, cx: &Cx) {
    let st = cx.state;
    super::editor::new_symbol_window(ctx, cx);
    super::editor::link_picker_window(ctx, cx);
    leave_window(ctx, cx);
    recovered_window(ctx, cx);
    disk_changed_window(ctx, cx);
    loading_window(ctx, cx);
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
                            ui.horizontal(|ui| {
                                if let Some(id) = &p.symbol
                                    && ui
                                        .small_button("✏")
                                        .on_hover_text(format!("Edit {id}"))
                                        .clicked()
                                {
                                    cx.push(Command::Go(crate::app::navigation::Focus::symbol(
                                        id.clone(),
                                    )));
                                    cx.push(Command::Editor(
                                        crate::app::editing::EditorCommand::Enter,
                                    ));
                                }
                                ui.label(RichText::new(p.to_string()).color(colour).monospace());
                            });
                        }
                        let errors = st
                            .doc
                            .problems
                            .iter()
                            .any(|p| p.severity == Severity::Error);
                        if errors && st.doc.history().is_dirty() {
                            ui.separator();
                            ui.label(
                                "The library was read with errors. Saving keeps what could not be \
                                 read as it is written, but entries you edited are written as the \
                                 model holds them.",
                            );
                            if ui.button("Save anyway").clicked() {
                                cx.push(Command::SaveWithErrors);
                            }
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
                        (
                            "Tab / Shift+Tab",
                            "In the view (click it, or Tab to it): the next / previous region",
                        ),
                        ("Enter", "In the view: unfold the region in focus"),
                        ("↑ / ↓, Enter", "In the search field: choose a hit, open it"),
                        ("Enter / Esc", "Edit mode: end / drop the pen's contour"),
                        ("Delete", "Edit mode: delete the selected point"),
                        ("F", "Map: fit everything shown"),
                        ("+ / − / arrows", "Map: zoom / pan"),
                        ("wheel / drag", "Map: zoom at the pointer / pan"),
                        (
                            "Shift+drag",
                            "Map: select symbols (a lasso, or the box dragged)",
                        ),
                        ("C", "Map: compare the selected symbols side by side"),
                        ("double-click", "Map: open the symbol's hologram"),
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

/// Save / Discard / Cancel, when leaving a library with unsaved changes.
fn leave_window(ctx: &egui::Context, cx: &Cx) {
    let st = cx.state;
    let Some(leave) = &st.windows.leaving else {
        return;
    };
    let what = match leave {
        Leave::Quit => "quitting".to_string(),
        Leave::OpenDialog => "opening another library".to_string(),
        Leave::Open(p) if *p == st.doc.path => "reloading it".to_string(),
        Leave::Open(p) => format!("opening {}", p.display()),
        Leave::NewLibrary => "starting a new library".to_string(),
    };
    egui::Modal::new(egui::Id::unique("leave")).show(ctx, |ui| {
        ui.set_width(420.0);
        ui.heading("Unsaved changes");
        ui.label(format!(
            "{} has changes that are not saved. Save them before {what}?",
            st.doc.path.display()
        ));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Save").clicked() {
                cx.push(Command::Leave(LeaveChoice::Save));
            }
            if ui.button("Discard changes").clicked() {
                cx.push(Command::Leave(LeaveChoice::Discard));
            }
            if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                cx.push(Command::Leave(LeaveChoice::Cancel));
            }
        });
    });
}

/// A big library being read at start-up: what, how big, for how long; the rest of the
/// window waits behind it (its frames go on).
fn loading_window(ctx: &egui::Context, cx: &Cx) {
    let Some(loading) = &cx.state.loading else {
        return;
    };
    egui::Modal::new(egui::Id::unique("loading")).show(ctx, |ui| {
        ui.set_width(420.0);
        ui.horizontal(|ui| {
            ui.add(egui::Spinner::new());
            ui.heading("Reading the library");
        });
        ui.label(format!(
            "{} — {:.1} MB, {:.1} s so far",
            loading.path.display(),
            loading.bytes as f64 / 1e6,
            loading.since.elapsed().as_secs_f64()
        ));
        ui.weak("Parsing and checking every symbol, scene and link.");
    });
}

/// The library file changed on disk while open: reload it, overwrite it, or keep editing.
fn disk_changed_window(ctx: &egui::Context, cx: &Cx) {
    let st = cx.state;
    if !st.windows.disk_changed || st.windows.leaving.is_some() {
        return;
    }
    egui::Modal::new(egui::Id::unique("disk-changed")).show(ctx, |ui| {
        ui.set_width(460.0);
        ui.heading("Changed on disk");
        ui.label(format!(
            "{} was changed by another program (or another Hologlyph) since it was opened here.",
            st.doc.path.display()
        ));
        if st.doc.history().is_dirty() {
            ui.label("This window also has unsaved changes: reloading asks what to do with them.");
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button(Command::ReloadLibrary.label()).clicked() {
                cx.push(Command::ReloadLibrary);
            }
            // With nothing unsaved here, overwriting would only undo the other's change.
            if st.doc.history().is_dirty() && ui.button(Command::OverwriteOnDisk.label()).clicked()
            {
                cx.push(Command::OverwriteOnDisk);
            }
            if ui.button(Command::KeepEditing.label()).clicked()
                || ui.input(|i| i.key_pressed(egui::Key::Escape))
            {
                cx.push(Command::KeepEditing);
            }
        });
    });
}

/// Edits a crash left: restore them or let them go.
fn recovered_window(ctx: &egui::Context, cx: &Cx) {
    let Some(r) = &cx.state.recovered else {
        return;
    };
    egui::Modal::new(egui::Id::unique("recovered")).show(ctx, |ui| {
        ui.set_width(460.0);
        ui.heading("Recovered edits");
        ui.label(format!(
            "Hologlyph stopped with unsaved edits to {}.",
            r.found.library_path.display()
        ));
        if let Some(t) = r.found.modified.and_then(|m| m.elapsed().ok()) {
            ui.weak(format!("last snapshot {} min ago", t.as_secs() / 60));
        }
        match &r.library {
            Ok(l) => {
                ui.label(format!(
                    "The recovered library has {} symbols and {} scenes.",
                    l.symbols.len(),
                    l.scenes.len()
                ));
            }
            Err(e) => {
                ui.colored_label(ERROR, e);
            }
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui
                .add_enabled(r.library.is_ok(), egui::Button::new("Restore"))
                .clicked()
            {
                cx.push(Command::RestoreRecovered);
            }
            if ui.button("Discard").clicked() {
                cx.push(Command::DiscardRecovered);
            }
        });
    });
}
