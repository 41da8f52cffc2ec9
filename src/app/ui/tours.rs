//! The tour editor: a tour's title and steps — order, caption, notes, seconds, register,
//! style, layer, the view captured from the window — each change an undoable edit.

use std::sync::Arc;

use egui::{RichText, Ui};

use super::{Cx, symbol_label};
use crate::app::commands::Command;
use crate::app::present::{PresentCommand, view_of};
use crate::hologram::{Layer, Style};
use crate::library::{Edit, Register, Tour, TourStep};

/// The editor window, when it is open on a tour.
pub fn tour_editor_ui(ctx: &egui::Context, cx: &Cx) {
    let st = cx.state;
    let Some(id) = &st.windows.tour_editor else {
        return;
    };
    let Some(tour) = st.doc.library().tour(id).cloned() else {
        return;
    };
    let mut open = true;
    egui::Window::new(format!("Tour “{}”", tour.id))
        .id(egui::Id::unique("tour editor"))
        .open(&mut open)
        .default_width(460.0)
        .default_height(560.0)
        .show(ctx, |ui| editor(ui, cx, &tour));
    if !open {
        cx.push(Command::EditTour(None));
    }
}

/// Pushes the tour as changed by `change` (one undo step, or merged with the edits of the
/// same field in a row while typing).
fn update(cx: &Cx, tour: &Tour, merge: Option<String>, change: impl FnOnce(&mut Tour)) {
    let mut t = tour.clone();
    change(&mut t);
    if t != *tour {
        cx.push(Command::Edit {
            edit: Edit::UpdateTour {
                id: tour.id.clone(),
                tour: Arc::new(t),
            },
            merge,
        });
    }
}

fn editor(ui: &mut Ui, cx: &Cx, tour: &Tour) {
    let st = cx.state;
    let lib = st.doc.library();
    ui.horizontal(|ui| {
        ui.label("Title");
        let mut title = tour.title.clone();
        let r = ui.add(egui::TextEdit::singleline(&mut title).desired_width(f32::INFINITY));
        if r.changed() {
            update(cx, tour, Some(format!("tour {} title", tour.id)), |t| {
                t.title = title
            });
        }
        if r.lost_focus() {
            cx.push(Command::EndGesture);
        }
    });
    ui.horizontal(|ui| {
        if ui.button("▶ Present").clicked() {
            cx.push(Command::Present(PresentCommand::Start {
                tour: tour.id.clone(),
                step: 0,
            }));
        }
        let seen = view_of(st);
        if ui
            .add_enabled(seen.is_some(), egui::Button::new("+ Add the current view"))
            .on_hover_text("A new step at the end showing what the window shows now")
            .clicked()
            && let Some(seen) = seen
        {
            update(cx, tour, None, |t| t.steps.push(seen));
        }
        let total: f32 = tour.steps.iter().map(|s| s.seconds).sum();
        ui.label(format!("{} steps · {:.0} s", tour.steps.len(), total));
    });
    ui.separator();
    egui::ScrollArea::vertical().show(ui, |ui| {
        for (i, step) in tour.steps.iter().enumerate() {
            let name = lib
                .symbol(&step.symbol)
                .map_or(step.symbol.to_string(), |s| symbol_label(s));
            egui::CollapsingHeader::new(format!("{}. {name}", i + 1))
                .id_salt(("tour step", i))
                .default_open(tour.steps.len() <= 3)
                .show(ui, |ui| step_editor(ui, cx, tour, i, step));
        }
    });
}

fn step_editor(ui: &mut Ui, cx: &Cx, tour: &Tour, i: usize, step: &TourStep) {
    let n = tour.steps.len();
    let merge = |field: &str| Some(format!("tour {} step {i} {field}", tour.id));
    ui.horizontal(|ui| {
        if ui.add_enabled(i > 0, egui::Button::new("↑")).on_hover_text("Move up").clicked() {
            update(cx, tour, None, |t| t.steps.swap(i, i - 1));
        }
        if ui
            .add_enabled(i + 1 < n, egui::Button::new("↓"))
            .on_hover_text("Move down")
            .clicked()
        {
            update(cx, tour, None, |t| t.steps.swap(i, i + 1));
        }
        if ui.button("⧉").on_hover_text("Duplicate").clicked() {
            update(cx, tour, None, |t| t.steps.insert(i + 1, step.clone()));
        }
        if ui
            .add_enabled(n > 1, egui::Button::new("×"))
            .on_hover_text("Delete the step")
            .clicked()
        {
            update(cx, tour, None, |t| {
                t.steps.remove(i);
            });
        }
        if ui
            .button("⌖ Capture")
            .on_hover_text("This step shows what the window shows now (symbol, region, register, style, layer, zoom)")
            .clicked()
            && let Some(seen) = view_of(cx.state)
        {
            update(cx, tour, None, |t| {
                let s = &mut t.steps[i];
                *s = TourStep {
                    caption: s.caption.clone(),
                    notes: s.notes.clone(),
                    seconds: s.seconds,
                    ..seen
                };
            });
        }
        if ui.button("▶").on_hover_text("Present from this step").clicked() {
            cx.push(Command::Present(PresentCommand::Start {
                tour: tour.id.clone(),
                step: i,
            }));
        }
    });
    if !step.regions.is_empty() {
        ui.label(RichText::new(format!("unfolds: {}", step.regions.join(" → "))).weak());
    }
    let mut caption = step.caption.clone();
    ui.label("Caption");
    let r = ui.add(
        egui::TextEdit::multiline(&mut caption)
            .desired_rows(2)
            .desired_width(f32::INFINITY),
    );
    if r.changed() {
        update(cx, tour, merge("caption"), |t| t.steps[i].caption = caption);
    }
    if r.lost_focus() {
        cx.push(Command::EndGesture);
    }
    let mut notes = step.notes.clone();
    ui.label("Speaker notes");
    let r = ui.add(
        egui::TextEdit::multiline(&mut notes)
            .desired_rows(2)
            .desired_width(f32::INFINITY),
    );
    if r.changed() {
        update(cx, tour, merge("notes"), |t| t.steps[i].notes = notes);
    }
    if r.lost_focus() {
        cx.push(Command::EndGesture);
    }
    ui.horizontal(|ui| {
        let mut seconds = step.seconds;
        let r = ui.add(
            egui::DragValue::new(&mut seconds)
                .range(0.5..=600.0)
                .speed(0.5)
                .suffix(" s"),
        );
        if r.changed() {
            update(cx, tour, merge("seconds"), |t| t.steps[i].seconds = seconds);
        }
        if r.drag_stopped() || r.lost_focus() {
            cx.push(Command::EndGesture);
        }
        let mut register = step.register;
        egui::ComboBox::from_id_salt(("register", i))
            .selected_text(register.name())
            .show_ui(ui, |ui| {
                for r in Register::ALL {
                    ui.selectable_value(&mut register, r, r.name());
                }
            });
        if register != step.register {
            update(cx, tour, None, |t| t.steps[i].register = register);
        }
        let mut style = step.style;
        egui::ComboBox::from_id_salt(("style", i))
            .selected_text(style.map_or("symbol's style", |s| s.name()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut style, None, "symbol's style");
                for s in Style::ALL {
                    ui.selectable_value(&mut style, Some(s), s.name());
                }
            });
        if style != step.style {
            update(cx, tour, None, |t| t.steps[i].style = style);
        }
        let mut layer = step.layer;
        egui::ComboBox::from_id_salt(("layer", i))
            .selected_text(layer.map_or("hologram", |l| l.name()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut layer, None, "hologram");
                for l in Layer::ALL.into_iter().skip(1) {
                    ui.selectable_value(&mut layer, Some(l), l.name());
                }
            });
        if layer != step.layer {
            update(cx, tour, None, |t| t.steps[i].layer = layer);
        }
    });
}
