//! The menu bar and the status line.

use egui::{Color32, RichText, Ui};

use super::Cx;
use crate::app::commands::Command;
use crate::hologram::Layer;

/// A menu entry for a command, with its shortcut; greyed out when `enabled` is false.
fn command_button(ui: &mut Ui, cx: &Cx, c: Command, enabled: bool) {
    let mut button = egui::Button::new(c.label());
    if let Some(s) = c.shortcut() {
        button = button.shortcut_text(ui.ctx().format_shortcut(&s));
    }
    if ui.add_enabled(enabled, button).clicked() {
        cx.push(c);
        ui.close();
    }
}

pub fn menu_bar_ui(ui: &mut Ui, cx: &Cx) {
    let st = cx.state;
    let has_symbol = st.focused_symbol().is_some();
    let has_outputs = st.shown.current_unfolding().is_some();
    egui::Panel::top("menu").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                command_button(ui, cx, Command::NewLibrary, true);
                command_button(ui, cx, Command::OpenLibrary, true);
                ui.menu_button("Open recent", |ui| {
                    if st.settings.recent_libraries.is_empty() {
                        ui.label("(none yet)");
                    }
                    for p in &st.settings.recent_libraries {
                        command_button(ui, cx, Command::OpenRecent(p.clone()), true);
                    }
                });
                command_button(ui, cx, Command::ReloadLibrary, true);
                command_button(ui, cx, Command::SaveLibrary, st.doc.history().is_dirty());
                command_button(ui, cx, Command::SaveLibraryAs, true);
                ui.separator();
                command_button(
                    ui,
                    cx,
                    Command::Editor(crate::app::editing::EditorCommand::OpenNewSymbol),
                    true,
                );
                ui.separator();
                command_button(ui, cx, Command::ExportPng, has_symbol);
                command_button(ui, cx, Command::PlaySound, has_outputs);
                command_button(ui, cx, Command::ExportSound, has_outputs);
                command_button(ui, cx, Command::ExportGesture, has_outputs);
                ui.separator();
                command_button(ui, cx, Command::Quit, true);
            });
            ui.menu_button("Edit", |ui| {
                let history = st.doc.history();
                let undo = history
                    .undo_label()
                    .map_or("Undo".to_string(), |l| format!("Undo {l}"));
                let redo = history
                    .redo_label()
                    .map_or("Redo".to_string(), |l| format!("Redo {l}"));
                for (c, label, enabled) in [
                    (Command::Undo, undo, history.undo_label().is_some()),
                    (Command::Redo, redo, history.redo_label().is_some()),
                ] {
                    let mut button = egui::Button::new(label);
                    if let Some(s) = c.shortcut() {
                        button = button.shortcut_text(ui.ctx().format_shortcut(&s));
                    }
                    if ui.add_enabled(enabled, button).clicked() {
                        cx.push(c);
                        ui.close();
                    }
                }
                ui.separator();
                command_button(
                    ui,
                    cx,
                    Command::Editor(crate::app::editing::EditorCommand::Toggle),
                    has_symbol,
                );
                ui.separator();
                command_button(ui, cx, Command::CopyCharacter, has_symbol);
                command_button(ui, cx, Command::CopyCodePoint, has_symbol);
                command_button(ui, cx, Command::CopyGloss, has_symbol);
                command_button(ui, cx, Command::ToggleFavourite, has_symbol);
            });
            ui.menu_button("View", |ui| {
                command_button(
                    ui,
                    cx,
                    Command::Map(crate::app::map::MapCommand::Toggle),
                    true,
                );
                ui.separator();
                for l in Layer::ALL {
                    command_button(ui, cx, Command::SetLayer(l), true);
                }
                ui.separator();
                command_button(ui, cx, Command::ZoomIn, true);
                command_button(ui, cx, Command::ZoomOut, true);
                command_button(ui, cx, Command::ResetView, true);
                let mut animate = st.settings.animate;
                if ui.checkbox(&mut animate, "Animate").changed() {
                    cx.push(Command::ToggleAnimation);
                }
                let mut speed = st.settings.speed;
                if ui
                    .add(egui::Slider::new(&mut speed, 0.1..=4.0).text("speed"))
                    .changed()
                {
                    cx.push(Command::SetSpeed(speed));
                }
                let mut grid = st.settings.grid;
                if ui
                    .checkbox(&mut grid, "Thumbnails in the browser")
                    .changed()
                {
                    cx.push(Command::SetGrid(grid));
                }
                command_button(ui, cx, Command::ToggleTheme, true);
                command_button(ui, cx, Command::ToggleBrowser, true);
                command_button(ui, cx, Command::ToggleInspector, true);
                command_button(ui, cx, Command::ShowProblems, true);
            });
            ui.menu_button("Map", |ui| {
                use crate::app::map::MapCommand as M;
                use crate::map::{LayoutKind, Projection};
                command_button(ui, cx, Command::Map(M::Toggle), true);
                ui.separator();
                for k in LayoutKind::ALL {
                    command_button(ui, cx, Command::Map(M::SetKind(k)), true);
                }
                for p in Projection::ALL {
                    command_button(ui, cx, Command::Map(M::SetProjection(p)), true);
                }
                ui.separator();
                let on = st.map.on;
                command_button(ui, cx, Command::Map(M::FitAll), on);
                command_button(ui, cx, Command::Map(M::ZoomToSelection), on);
                command_button(
                    ui,
                    cx,
                    Command::Map(M::Compare),
                    st.map.selection.len() >= 2,
                );
                ui.separator();
                command_button(ui, cx, Command::Map(M::ImportEmbeddings), true);
                command_button(ui, cx, Command::Map(M::ExportCsv), st.map.placed.is_some());
                command_button(ui, cx, Command::Map(M::ExportPng), on);
            });
            ui.menu_button("Tours", |ui| {
                command_button(
                    ui,
                    cx,
                    Command::PresentFirstTour,
                    !st.doc.library().tours.is_empty(),
                );
                let recording = st.recording.is_some();
                let mut record = egui::Button::new(if recording {
                    "⏹ Stop recording"
                } else {
                    "⏺ Record a tour"
                });
                if let Some(s) = Command::ToggleRecording.shortcut() {
                    record = record.shortcut_text(ui.ctx().format_shortcut(&s));
                }
                if ui.add(record).clicked() {
                    cx.push(Command::ToggleRecording);
                    ui.close();
                }
                ui.separator();
                for (id, title) in super::present::tour_ids(st.doc.library()) {
                    ui.menu_button(format!("{title} ({id})"), |ui| {
                        if ui.button("▶ Present").clicked() {
                            cx.push(Command::Present(
                                crate::app::present::PresentCommand::Start {
                                    tour: id.clone(),
                                    step: 0,
                                },
                            ));
                            ui.close();
                        }
                        if ui.button("✏ Edit…").clicked() {
                            cx.push(Command::EditTour(Some(id.clone())));
                            ui.close();
                        }
                    });
                }
            });
            ui.menu_button("Go", |ui| {
                command_button(ui, cx, Command::Back, st.nav.can_go_back());
                command_button(ui, cx, Command::Forward, st.nav.can_go_forward());
                command_button(ui, cx, Command::FocusSearch, true);
            });
            ui.menu_button("Help", |ui| {
                command_button(ui, cx, Command::ToggleHelp, true);
            });
        });
    });
}

pub fn status_bar_ui(ui: &mut Ui, cx: &Cx) {
    let st = cx.state;
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(format!("GPU: {}", cx.rt.device_line()));
            ui.separator();
            if st.edit.on {
                let at = st
                    .edit
                    .pointer
                    .map(|p| st.edit.place(p))
                    .map_or("—".to_string(), |p| {
                        format!("({:.3}, {:.3}) em", p[0], p[1])
                    });
                ui.monospace(format!("✏ {at}"));
                ui.separator();
            }
            if let Some(g) = st.shown_glyph() {
                ui.label(format!(
                    "fields {}²: prepare {:.1} ms, {} {:.1} ms{}",
                    g.key.size,
                    g.prepare_ms,
                    match g.fields.backend {
                        crate::fields::Backend::Cpu => "CPU",
                        crate::fields::Backend::Gpu => "GPU + read-back",
                    },
                    g.fields_ms,
                    match (g.gpu_ms, g.fields.backend) {
                        (Some(ms), crate::fields::Backend::Cpu) =>
                            format!(", GPU passes {ms:.1} ms"),
                        _ => String::new(),
                    }
                ));
                if let Some(sharp) = st.shown.sharp_for(g) {
                    ui.label(format!(
                        "sharp {}²: {:.0} ms",
                        sharp.key.grid.size, sharp.ms
                    ))
                    .on_hover_text(
                        "fields of what the view shows, at the screen's resolution, drawn over the glyph's",
                    );
                }
                ui.separator();
            }
            ui.label(format!("frame {:.1} ms", st.clock.frame_ms));
            ui.separator();
            if let Some(r) = &st.recording {
                if ui
                    .button(
                        RichText::new(format!("⏺ recording · {} steps", r.steps.len()))
                            .color(Color32::from_rgb(240, 90, 90)),
                    )
                    .on_hover_text("Stop recording (Ctrl+Shift+R): the tour editor opens")
                    .clicked()
                {
                    cx.push(Command::ToggleRecording);
                }
                ui.separator();
            }
            if st.doc.history().is_dirty() {
                ui.label(RichText::new("● unsaved").color(Color32::from_rgb(230, 190, 90)))
                    .on_hover_text("Save with Ctrl+S");
                ui.separator();
            }
            let problems = st.doc.problems.len() + st.status.errors.len();
            if problems > 0
                && ui
                    .link(format!(
                        "{problems} problem{}",
                        if problems == 1 { "" } else { "s" }
                    ))
                    .clicked()
            {
                cx.push(Command::ShowProblems);
            }
            if st.status.is_error {
                ui.colored_label(Color32::from_rgb(240, 110, 100), &st.status.text);
            } else {
                ui.label(&st.status.text);
            }
        });
    });
}
