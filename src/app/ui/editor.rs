//! Edit mode's panels: the tool row, the view's handles (points, anchors, the pen), the
//! meaning and region editors in the inspector, the new-symbol dialog and the link picker.
//! Like every panel, they draw from the state and push commands; outline and meaning
//! changes are pushed as `Edit`s (typing in one field, or one drag, is one undo step).

use std::sync::Arc;

use egui::{Color32, Pos2, RichText, Stroke, Ui, Vec2};

use super::Cx;
use crate::app::commands::Command;
use crate::app::editing::{self, Drag, EditorCommand as E, NewSource, PointOp, Tool};
use crate::app::shown::ShownGlyph;
use crate::app::view::Hover;
use crate::geometry::FieldGrid;
use crate::glyph::contours::PointRef;
use crate::library::{Edit, GlyphRef, Lineage, LinkTarget, Register, Style, Symbol, Weighted};

/// How near (points) a press must be to a handle to take it.
const HANDLE_PX: f32 = 9.0;
const SELECTED: Color32 = Color32::from_rgb(255, 170, 60);
const ANCHOR: Color32 = Color32::from_rgb(120, 220, 255);

fn editor(c: E) -> Command {
    Command::Editor(c)
}

/// The tool row above the view in edit mode.
pub fn edit_toolbar(ui: &mut Ui, cx: &Cx) {
    let st = cx.state;
    let ed = &st.edit;
    ui.horizontal_wrapped(|ui| {
        for (tool, label, tip) in [
            (
                Tool::Select,
                "⬚ Select",
                "Select and drag points and anchors (V)",
            ),
            (
                Tool::Pen,
                "✒ Pen",
                "Click for corners, drag for curves, click the first point to close (P)",
            ),
            (
                Tool::Brush,
                "🖌 Brush",
                "Drag to draw freehand; the smoothed stroke becomes part of the outline (B)",
            ),
        ] {
            if ui
                .selectable_label(ed.tool == tool, label)
                .on_hover_text(tip)
                .clicked()
            {
                cx.push(editor(E::SetTool(tool)));
            }
        }
        let mut snap = ed.snap;
        if ui
            .checkbox(&mut snap, "snap")
            .on_hover_text(format!("Snap to a {} em grid (G)", editing::SNAP_STEP))
            .changed()
        {
            cx.push(editor(E::ToggleSnap));
        }
        let Some(s) = st.focused_symbol() else {
            return;
        };
        if !matches!(s.glyph, GlyphRef::Path { .. })
            && ui
                .button("Convert to outline")
                .on_hover_text(
                    "Make the glyph editable path data (the character or file is no longer used)",
                )
                .clicked()
        {
            cx.push(editor(E::ConvertToOutline));
        }
        if !ed.pen.is_empty() {
            ui.separator();
            if ui.button("Finish (Enter)").clicked() {
                cx.push(editor(E::PenFinish { close: false }));
            }
            if ui.button("Cancel (Esc)").clicked() {
                cx.push(editor(E::PenCancel));
            }
        }
        if ed.point.is_some() {
            ui.separator();
            for (op, label) in [
                (PointOp::Insert, "+ point"),
                (PointOp::Delete, "delete point"),
                (PointOp::ToggleClosed, "close / open"),
                (PointOp::Reverse, "reverse"),
                (PointOp::DeleteContour, "delete contour"),
            ] {
                if ui.small_button(label).clicked() {
                    cx.push(editor(E::Point(op)));
                }
            }
        }
    });
}

/// The view in edit mode: handles drawn over the hologram, and what presses and drags on
/// it do with the current tool.
pub fn edit_view(
    ui: &mut Ui,
    cx: &Cx,
    s: &Symbol,
    rect: egui::Rect,
    grid: &FieldGrid,
    shown: Option<&ShownGlyph>,
    response: &egui::Response,
) {
    let st = cx.state;
    let ed = &st.edit;
    let t = st.view.transform;
    let to_screen = |p: [f64; 2]| t.screen_from_em(rect, grid, p);
    let to_em = |p: Pos2| t.em_from_screen(rect, grid, p);
    // Points are handles once the glyph is path data ("Convert to outline" makes it so).
    let contours = match &s.glyph {
        GlyphRef::Path { .. } => editing::contours_of(s, None),
        _ => None,
    };
    let pointer = response.hover_pos().map(to_em);
    if pointer != ed.pointer {
        cx.push(editor(E::Pointer(pointer)));
    }

    let point_at = |p: Pos2| -> Option<PointRef> {
        let c = contours.as_ref()?;
        let radius = HANDLE_PX as f64 * t.scale as f64 * grid.side_em() / rect.width() as f64;
        c.nearest(to_em(p), radius)
    };
    let anchor_at = |p: Pos2| -> Option<String> {
        s.regions
            .iter()
            .map(|r| (r, to_screen(r.anchor).distance(p)))
            .filter(|(_, d)| *d <= HANDLE_PX + 2.0)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(r, _)| r.id.clone())
    };

    match ed.tool {
        Tool::Pen => {
            let first = ed.pen.first().map(|p| to_screen(p.at));
            let on_points = ed.pen.iter().filter(|p| p.on).count();
            if response.drag_stopped()
                && let (Some(origin), Some(end)) = (
                    ui.input(|i| i.pointer.press_origin()),
                    response.interact_pointer_pos(),
                )
            {
                // A drag: a curve point at the press, its handle where the drag ended.
                let at = ed.place(to_em(origin));
                let handle = to_em(end);
                let control = (!ed.pen.is_empty())
                    .then(|| [2.0 * at[0] - handle[0], 2.0 * at[1] - handle[1]]);
                cx.push(editor(E::PenPoint { at, control }));
            } else if response.clicked()
                && let Some(p) = response.interact_pointer_pos()
            {
                if on_points >= 2 && first.is_some_and(|f| f.distance(p) <= HANDLE_PX) {
                    cx.push(editor(E::PenFinish { close: true }));
                } else {
                    cx.push(editor(E::PenPoint {
                        at: ed.place(to_em(p)),
                        control: None,
                    }));
                }
            }
        }
        Tool::Brush => {
            if response.drag_started()
                && let Some(origin) = ui.input(|i| i.pointer.press_origin())
            {
                cx.push(editor(E::BrushPoint(to_em(origin))));
            }
            if response.dragged()
                && let Some(p) = response.interact_pointer_pos()
            {
                cx.push(editor(E::BrushPoint(to_em(p))));
            }
            if response.drag_stopped() {
                cx.push(editor(E::BrushEnd));
            }
        }
        Tool::Select => {
            if response.drag_started()
                && let Some(origin) = ui.input(|i| i.pointer.press_origin())
            {
                if let Some(r) = point_at(origin) {
                    cx.push(editor(E::SelectPoint(Some(r))));
                    cx.push(editor(E::BeginDrag(Drag::Point(r))));
                } else if let Some(id) = anchor_at(origin) {
                    cx.push(editor(E::SelectRegion(Some(id.clone()))));
                    cx.push(editor(E::BeginDrag(Drag::Anchor(id))));
                }
            }
            if response.dragged()
                && (ed.drag.is_some() || response.drag_started())
                && response.drag_delta() != Vec2::ZERO
                && let Some(p) = response.interact_pointer_pos()
            {
                cx.push(editor(E::DragTo(to_em(p))));
            }
            if response.drag_stopped() && ed.drag.is_some() {
                cx.push(editor(E::EndDrag));
            }
            if response.clicked()
                && let Some(p) = response.interact_pointer_pos()
            {
                if let Some(r) = point_at(p) {
                    cx.push(editor(E::SelectPoint(Some(r))));
                } else if let Some(id) = anchor_at(p) {
                    cx.push(editor(E::SelectRegion(Some(id))));
                } else {
                    let em = to_em(p);
                    cx.push(editor(E::Clicked(em)));
                    let link = shown.and_then(|g| Hover::at(s, &g.fields, st.view.layer, em).link);
                    cx.push(editor(E::SelectRegion(link)));
                }
            }
        }
    }

    // Handles.
    let painter = ui.painter().with_clip_rect(rect);
    if ed.snap {
        let step = editing::SNAP_STEP * 2.0;
        let a = to_em(rect.min);
        let b = to_em(rect.max);
        let faint = Stroke::new(0.5, Color32::from_rgba_unmultiplied(255, 255, 255, 28));
        let mut x = (a[0] / step).floor() * step;
        while x <= b[0] {
            painter.line_segment([to_screen([x, a[1]]), to_screen([x, b[1]])], faint);
            x += step;
        }
        let mut y = (b[1] / step).floor() * step;
        while y <= a[1] {
            painter.line_segment([to_screen([a[0], y]), to_screen([b[0], y])], faint);
            y += step;
        }
    }
    if let Some(c) = &contours {
        let line = Stroke::new(1.0, Color32::from_rgba_unmultiplied(255, 255, 255, 150));
        let control_line = Stroke::new(0.75, Color32::from_rgba_unmultiplied(255, 255, 255, 90));
        for (ci, contour) in c.contours.iter().enumerate() {
            let n = contour.points.len();
            let segments = if contour.closed {
                n
            } else {
                n.saturating_sub(1)
            };
            for i in 0..segments {
                let (a, b) = (contour.points[i], contour.points[(i + 1) % n]);
                let stroke = if a.on && b.on { line } else { control_line };
                painter.line_segment([to_screen(a.at), to_screen(b.at)], stroke);
            }
            for (pi, p) in contour.points.iter().enumerate() {
                let selected = ed.point
                    == Some(PointRef {
                        contour: ci,
                        point: pi,
                    });
                let centre = to_screen(p.at);
                let fill = if selected { SELECTED } else { Color32::WHITE };
                if p.on {
                    painter.rect_filled(
                        egui::Rect::from_center_size(centre, Vec2::splat(7.0)),
                        1.0,
                        fill,
                    );
                } else {
                    painter.circle_stroke(centre, 3.5, Stroke::new(1.5, fill));
                }
            }
        }
    }
    for r in &s.regions {
        let at = to_screen(r.anchor);
        let selected = ed.region.as_deref() == Some(r.id.as_str());
        let colour = if selected { SELECTED } else { ANCHOR };
        painter.circle_filled(at, if selected { 6.0 } else { 4.5 }, colour);
        painter.circle_stroke(at, 8.0, Stroke::new(1.0, colour));
        painter.text(
            at + Vec2::new(10.0, -10.0),
            egui::Align2::LEFT_BOTTOM,
            &r.label,
            egui::FontId::proportional(12.0),
            colour,
        );
    }
    if let (Some(at), None) = (ed.clicked, &ed.region) {
        painter.circle_stroke(to_screen(at), 5.0, Stroke::new(1.5, SELECTED));
    }
    if ed.stroke.len() > 1 {
        let px =
            (editing::BRUSH_WIDTH / (t.scale as f64 * grid.side_em()) * rect.width() as f64) as f32;
        let pts: Vec<Pos2> = ed.stroke.iter().map(|p| to_screen(*p)).collect();
        painter.add(egui::Shape::line(pts, Stroke::new(px.max(1.0), SELECTED)));
    }
    if !ed.pen.is_empty() {
        let pen = Stroke::new(1.5, SELECTED);
        let pts: Vec<Pos2> = ed.pen.iter().map(|p| to_screen(p.at)).collect();
        for w in pts.windows(2) {
            painter.line_segment([w[0], w[1]], pen);
        }
        if let (Some(last), Some(hover)) = (pts.last(), response.hover_pos()) {
            painter.line_segment(
                [*last, hover],
                Stroke::new(1.0, SELECTED.gamma_multiply(0.6)),
            );
        }
        for (i, (p, q)) in pts.iter().zip(&ed.pen).enumerate() {
            let r = if i == 0 { 6.0 } else { 4.0 };
            if q.on {
                painter.circle_filled(*p, r, SELECTED);
            } else {
                painter.circle_stroke(*p, 3.5, pen);
            }
        }
    }
}

/// Pushes a changed copy of `s` as one edit; `field` names the gesture (typing in one
/// field is one undo step until it loses focus).
fn update(cx: &Cx, s: &Symbol, field: &str, change: impl FnOnce(&mut Symbol)) {
    let mut next = Symbol::clone(s);
    change(&mut next);
    if next != *s {
        cx.push(Command::Edit {
            edit: Edit::UpdateSymbol {
                id: s.id.clone(),
                symbol: Arc::new(next),
            },
            merge: Some(format!("{}:{field}", s.id)),
        });
    }
}

/// A labelled text field of the symbol; `multiline` for longer texts.
fn text_row(
    ui: &mut Ui,
    cx: &Cx,
    s: &Symbol,
    field: &str,
    value: &str,
    multiline: bool,
    set: impl FnOnce(&mut Symbol, String),
) {
    let label = ui.label(field);
    let mut text = value.to_string();
    let edit = if multiline {
        egui::TextEdit::multiline(&mut text).desired_rows(2)
    } else {
        egui::TextEdit::singleline(&mut text)
    };
    let r = ui
        .add(edit.desired_width(f32::INFINITY))
        .labelled_by(label.id);
    if r.changed() {
        update(cx, s, field, |n| set(n, text));
    }
    if r.lost_focus() {
        cx.push(Command::EndGesture);
    }
    ui.end_row();
}

fn optional(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

/// The meaning editor: every field of the symbol, each change an undoable edit.
pub fn meaning_editor(ui: &mut Ui, cx: &Cx, s: &Symbol) {
    ui.heading(RichText::new(format!("✏ {}", s.id)));
    ui.weak("Changes are undoable (Ctrl+Z); typing in one field is one step.");
    egui::Grid::new("meaning-editor")
        .num_columns(2)
        .striped(false)
        .show(ui, |ui| {
            text_row(ui, cx, s, "name", &s.name, false, |n, v| n.name = v);
            text_row(ui, cx, s, "gloss", &s.gloss, true, |n, v| n.gloss = v);
            text_row(ui, cx, s, "archetype", &s.archetype, false, |n, v| {
                n.archetype = v;
            });
            let transition = s.transition.clone().unwrap_or_default();
            text_row(ui, cx, s, "transition", &transition, false, |n, v| {
                n.transition = optional(v);
            });
            ui.label("lineage");
            let mut lineage = s.lineage;
            egui::ComboBox::from_id_salt("lineage")
                .selected_text(lineage.name())
                .show_ui(ui, |ui| {
                    for l in Lineage::ALL {
                        ui.selectable_value(&mut lineage, l, l.name());
                    }
                });
            if lineage != s.lineage {
                update(cx, s, "lineage", |n| {
                    // The style follows the lineage unless it was chosen apart from it.
                    if n.style == n.lineage.default_style() {
                        n.style = lineage.default_style();
                    }
                    n.lineage = lineage;
                });
                cx.push(Command::EndGesture);
            }
            ui.end_row();
            ui.label("style");
            let mut style = s.style;
            egui::ComboBox::from_id_salt("style")
                .selected_text(style.name())
                .show_ui(ui, |ui| {
                    for st in Style::ALL {
                        ui.selectable_value(&mut style, st, st.name());
                    }
                });
            if style != s.style {
                update(cx, s, "style", |n| n.style = style);
                cx.push(Command::EndGesture);
            }
            ui.end_row();
            let tags = s.tags.join(", ");
            text_row(ui, cx, s, "tags", &tags, false, |n, v| {
                n.tags = v
                    .split(',')
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect();
            });
            let output = s.output.clone().unwrap_or_default();
            text_row(ui, cx, s, "output", &output, false, |n, v| {
                n.output = optional(v)
            });
            for r in Register::ALL {
                let text = s.texts.get(&r).cloned().unwrap_or_default();
                text_row(ui, cx, s, r.name(), &text, true, move |n, v| {
                    match optional(v) {
                        Some(v) => n.texts.insert(r, v),
                        None => n.texts.remove(&r),
                    };
                });
            }
            let original = s.original.clone().unwrap_or_default();
            let language = if original.language.is_empty() {
                "original (language)".to_string()
            } else {
                format!("original ({})", original.language)
            };
            let gloss = original.texts.get("gloss").cloned().unwrap_or_default();
            text_row(ui, cx, s, &language, &gloss, true, |n, v| {
                let mut o = n.original.take().unwrap_or_default();
                match optional(v) {
                    Some(v) => {
                        o.texts.insert("gloss".into(), v);
                    }
                    None => {
                        o.texts.remove("gloss");
                    }
                }
                n.original = (!o.texts.is_empty() || !o.language.is_empty()).then_some(o);
            });
            let lang = original.language.clone();
            text_row(ui, cx, s, "original language", &lang, false, |n, v| {
                let mut o = n.original.take().unwrap_or_default();
                o.language = v.trim().to_string();
                n.original = (!o.texts.is_empty() || !o.language.is_empty()).then_some(o);
            });
        });
    components_editor(ui, cx, s);
    ui.separator();
}

/// Concept weights with sliders, removable, and concepts added by search.
fn components_editor(ui: &mut Ui, cx: &Cx, s: &Symbol) {
    ui.label(RichText::new("components").strong());
    for (i, c) in s.components.iter().enumerate() {
        ui.horizontal(|ui| {
            let mut w = c.weight;
            let r = ui.add(egui::Slider::new(&mut w, 0.0..=1.0).text(&c.concept));
            if r.changed() {
                update(cx, s, &format!("weight {}", c.concept), |n| {
                    n.components[i].weight = w;
                });
            }
            if r.drag_stopped() || r.lost_focus() {
                cx.push(Command::EndGesture);
            }
            if ui
                .small_button("×")
                .on_hover_text(format!("Remove {}", c.concept))
                .clicked()
            {
                update(cx, s, "components", |n| {
                    n.components.remove(i);
                });
                cx.push(Command::EndGesture);
            }
        });
    }
    let query = &cx.state.edit.concept_query;
    ui.horizontal(|ui| {
        let label = ui.label("add concept");
        let mut q = query.clone();
        if ui
            .text_edit_singleline(&mut q)
            .labelled_by(label.id)
            .changed()
        {
            cx.push(editor(E::SetConceptQuery(q)));
        }
    });
    if !query.trim().is_empty() {
        let q = query.trim().to_lowercase();
        let lib = cx.state.doc.library();
        let hits = lib
            .concepts
            .iter()
            .filter(|c| !s.components.iter().any(|x| x.concept == c.name))
            .filter(|c| c.name.to_lowercase().contains(&q) || c.gloss.to_lowercase().contains(&q))
            .take(6);
        ui.horizontal_wrapped(|ui| {
            for c in hits {
                if ui.button(&c.name).on_hover_text(&c.gloss).clicked() {
                    let name = c.name.clone();
                    update(cx, s, "components", |n| {
                        n.components.push(Weighted {
                            concept: name,
                            weight: 0.5,
                        });
                    });
                    cx.push(Command::EndGesture);
                    cx.push(editor(E::SetConceptQuery(String::new())));
                }
            }
        });
    }
}

/// The regions of the symbol: select one, edit its label and anchor, its links, make and
/// remove regions.
pub fn region_editor(ui: &mut Ui, cx: &Cx, s: &Symbol) {
    let ed = &cx.state.edit;
    ui.label(RichText::new("regions").strong());
    ui.horizontal_wrapped(|ui| {
        for r in &s.regions {
            let selected = ed.region.as_deref() == Some(r.id.as_str());
            if ui.selectable_label(selected, &r.id).clicked() {
                cx.push(editor(E::SelectRegion((!selected).then(|| r.id.clone()))));
            }
        }
    });
    let Some(region) = ed
        .region
        .as_ref()
        .and_then(|id| s.regions.iter().find(|r| r.id == *id))
    else {
        match ed.clicked {
            Some(at) => {
                if ui
                    .button(format!("Make a region at ({:.3}, {:.3})", at[0], at[1]))
                    .clicked()
                {
                    cx.push(editor(E::AddRegion));
                }
            }
            None => {
                ui.weak("Click the glyph to select a region, or where a new one should be.");
            }
        }
        ui.separator();
        return;
    };
    let index = s
        .regions
        .iter()
        .position(|r| r.id == region.id)
        .unwrap_or(0);
    egui::Grid::new("region-editor")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("id");
            ui.monospace(&region.id);
            ui.end_row();
            text_row(ui, cx, s, "label", &region.label, false, |n, v| {
                n.regions[index].label = v;
            });
            ui.label("anchor (em)");
            ui.horizontal(|ui| {
                let mut at = region.anchor;
                let rx = ui.add(
                    egui::DragValue::new(&mut at[0])
                        .speed(0.002)
                        .max_decimals(4),
                );
                let ry = ui.add(
                    egui::DragValue::new(&mut at[1])
                        .speed(0.002)
                        .max_decimals(4),
                );
                if at != region.anchor {
                    update(cx, s, "anchor", |n| n.regions[index].anchor = at);
                }
                if rx.drag_stopped() || ry.drag_stopped() || rx.lost_focus() || ry.lost_focus() {
                    cx.push(Command::EndGesture);
                }
            });
            ui.end_row();
        });
    let lib = cx.state.doc.library();
    let links: Vec<(LinkTarget, String)> = region
        .scenes
        .iter()
        .map(|id| {
            let title = lib.scene(id).map_or("(missing)", |sc| sc.title.as_str());
            (LinkTarget::Scene(id.clone()), format!("{id} — {title}"))
        })
        .chain(region.adapters.iter().map(|id| {
            let name = lib.adapter(id).map_or("(missing)", |a| a.name.as_str());
            (LinkTarget::Adapter(id.clone()), format!("adapter: {name}"))
        }))
        .collect();
    if links.is_empty() {
        ui.weak("links to nothing yet");
    }
    for (target, text) in links {
        ui.horizontal(|ui| {
            ui.label(text);
            if ui.small_button("×").on_hover_text("Unlink").clicked() {
                cx.push(Command::Edit {
                    edit: Edit::UnlinkRegion {
                        symbol: s.id.clone(),
                        region: region.id.clone(),
                        target,
                    },
                    merge: None,
                });
            }
        });
    }
    ui.horizontal(|ui| {
        if ui.button("Link…").clicked() {
            cx.push(editor(E::OpenPicker));
        }
        if ui.button("Remove region").clicked() {
            cx.push(editor(E::RemoveRegion(region.id.clone())));
        }
    });
    ui.separator();
}

/// File ▸ New symbol: from a character (typed or pasted), an SVG file, or a drawing.
pub fn new_symbol_window(ctx: &egui::Context, cx: &Cx) {
    let Some(dialog) = &cx.state.edit.new_symbol else {
        return;
    };
    let mut open = true;
    egui::Window::new("New symbol")
        .open(&mut open)
        .collapsible(false)
        .default_width(380.0)
        .show(ctx, |ui| {
            ui.label("From a character: type or paste it.");
            let mut text = dialog.text.clone();
            ui.horizontal(|ui| {
                let label = ui.label("character");
                let r = ui
                    .add(egui::TextEdit::singleline(&mut text).desired_width(80.0))
                    .labelled_by(label.id);
                // The field has the keyboard when the dialog opens.
                if ui.memory(|m| m.focused().is_none()) {
                    r.request_focus();
                }
                if r.changed() {
                    cx.push(editor(E::SetNewSymbolText(text.clone())));
                }
            });
            let ch = dialog.text.trim().chars().next();
            if let Some(c) = ch {
                let info = crate::glyph::unicode::CharInfo::of(c);
                // The bundled fonts are in memory: a cmap look-up, no file read.
                let bundled = crate::glyph::FontSet::bundled()
                    .font_for(c)
                    .map(|f| f.name.clone())
                    .ok();
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(c.to_string()).font(crate::app::fonts::glyph_font(40.0)),
                    );
                    ui.vertical(|ui| {
                        ui.monospace(&info.code_point);
                        ui.label(info.name.as_deref().unwrap_or("(no name)"));
                    });
                });
                font_choice(ui, cx, dialog, c, bundled.as_deref());
            }
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(ch.is_some(), egui::Button::new("Create"))
                    .clicked()
                    && let Some(c) = ch
                {
                    cx.push(editor(E::CreateSymbol(NewSource::Char(
                        c,
                        dialog.font.clone(),
                    ))));
                }
            });
            ui.separator();
            ui.horizontal(|ui| {
                if ui
                    .button("From an SVG file…")
                    .on_hover_text("Or drop an SVG file on the window")
                    .clicked()
                {
                    cx.push(editor(E::PickSvg));
                }
                if ui
                    .button("Draw it")
                    .on_hover_text("An empty outline and the pen tool")
                    .clicked()
                {
                    cx.push(editor(E::CreateSymbol(NewSource::Drawing)));
                }
            });
        });
    if !open {
        cx.push(editor(E::CloseNewSymbol));
    }
}

/// The font a character is taken from: the bundled fonts' fallback, or an installed font
/// that has it (the worker looks through them).
fn font_choice(
    ui: &mut Ui,
    cx: &Cx,
    dialog: &editing::NewSymbolDialog,
    c: char,
    bundled: Option<&str>,
) {
    let installed = match &dialog.fonts {
        Some((f, Ok(list))) if *f == c => Some(list.as_slice()),
        _ => None,
    };
    let bundled_label = match bundled {
        Some(name) => format!("bundled: {name}"),
        None => "bundled: none has it".to_string(),
    };
    let selected = match &dialog.font {
        None => bundled_label.clone(),
        Some(p) => installed
            .and_then(|l| l.iter().find(|f| &f.path == p))
            .map_or_else(|| p.display().to_string(), |f| f.name.clone()),
    };
    ui.horizontal(|ui| {
        let label = ui.label("font");
        let mut font = dialog.font.clone();
        egui::ComboBox::from_id_salt("new-symbol-font")
            .width(260.0)
            .selected_text(selected)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut font, None, bundled_label);
                for f in installed.unwrap_or_default() {
                    ui.selectable_value(&mut font, Some(f.path.clone()), &f.name)
                        .on_hover_text(f.path.display().to_string());
                }
            })
            .response
            .labelled_by(label.id);
        if font != dialog.font {
            cx.push(editor(E::SetNewSymbolFont(font)));
        }
    });
    match (&dialog.fonts, installed) {
        (_, Some(list)) => {
            ui.weak(format!("{} installed fonts have it", list.len()));
        }
        (Some((f, Err(e))), _) if *f == c => {
            ui.colored_label(Color32::from_rgb(240, 110, 100), e);
        }
        _ => {
            ui.weak("looking through the installed fonts…");
        }
    }
    if bundled.is_none() && dialog.font.is_none() {
        ui.colored_label(
            Color32::from_rgb(240, 110, 100),
            "No bundled font has this character: choose an installed one.",
        );
    }
}

/// Link…: scenes and adapters searched by id, title and text; a new scene from the query.
pub fn link_picker_window(ctx: &egui::Context, cx: &Cx) {
    let st = cx.state;
    let (Some(query), Some(region), Some(s)) =
        (&st.edit.picker, &st.edit.region, st.focused_symbol())
    else {
        return;
    };
    let Some(link) = s.regions.iter().find(|r| r.id == *region) else {
        return;
    };
    let lib = st.doc.library();
    let mut open = true;
    egui::Window::new(format!("Link {region} to…"))
        .open(&mut open)
        .collapsible(false)
        .default_width(460.0)
        .show(ctx, |ui| {
            let mut q = query.clone();
            ui.horizontal(|ui| {
                let label = ui.label("search");
                let r = ui.text_edit_singleline(&mut q).labelled_by(label.id);
                if r.changed() {
                    cx.push(editor(E::SetPickerQuery(q.clone())));
                }
            });
            let needle = query.trim().to_lowercase();
            let matches = |parts: &[&str]| {
                needle.is_empty() || parts.iter().any(|p| p.to_lowercase().contains(&needle))
            };
            egui::ScrollArea::vertical()
                .max_height(320.0)
                .show(ui, |ui| {
                    for sc in lib
                        .scenes
                        .iter()
                        .filter(|sc| matches(&[&sc.id, &sc.title, &sc.text]))
                    {
                        let linked = link.scenes.contains(&sc.id);
                        ui.horizontal(|ui| {
                            if ui
                                .add_enabled(!linked, egui::Button::new("Link"))
                                .on_hover_text(format!("Link {} to {region}", sc.id))
                                .clicked()
                            {
                                cx.push(editor(E::Link(LinkTarget::Scene(sc.id.clone()))));
                            }
                            ui.label(RichText::new(format!("{} — {}", sc.id, sc.title)).strong());
                        });
                        let first: String = sc.text.chars().take(120).collect();
                        ui.weak(first);
                    }
                    for a in lib
                        .adapters
                        .iter()
                        .filter(|a| matches(&[&a.id, &a.name, &a.description]))
                    {
                        let linked = link.adapters.contains(&a.id);
                        ui.horizontal(|ui| {
                            if ui
                                .add_enabled(!linked, egui::Button::new("Link"))
                                .on_hover_text(format!("Link adapter {} to {region}", a.id))
                                .clicked()
                            {
                                cx.push(editor(E::Link(LinkTarget::Adapter(a.id.clone()))));
                            }
                            ui.label(RichText::new(format!("adapter: {}", a.name)).strong());
                        });
                        ui.weak(&a.description);
                    }
                });
            ui.separator();
            let title = query.trim();
            if ui
                .button(if title.is_empty() {
                    "New scene".to_string()
                } else {
                    format!("New scene “{title}”")
                })
                .on_hover_text("Make a scene and link it; write its text on its page")
                .clicked()
            {
                cx.push(editor(E::NewScene));
            }
            ui.horizontal(|ui| {
                if ui
                    .button("New adapter from a .safetensors file…")
                    .on_hover_text(
                        "Or drop the file on the window; its header is read and shown on its page",
                    )
                    .clicked()
                {
                    cx.push(editor(E::PickAdapter { folder: false }));
                }
                if ui.button("…from a PEFT folder…").clicked() {
                    cx.push(editor(E::PickAdapter { folder: true }));
                }
            });
        });
    if !open {
        cx.push(editor(E::ClosePicker));
    }
}
