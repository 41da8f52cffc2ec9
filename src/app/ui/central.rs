//! The centre: breadcrumbs, the hologram view (hover names a region, click unfolds it into
//! cards connected to the region), scene and adapter pages, and the problems and help
//! windows.

use egui::{Color32, Pos2, RichText, Stroke, Ui, Vec2};

use super::{Cx, symbol_label};
use crate::app::commands::Command;
use crate::app::editing::EditorCommand;
use crate::app::gpu::HologramCallback;
use crate::app::navigation::Focus;
use crate::fields::regions::RegionKind;
use crate::hologram::{Layer, Style};
use crate::library::{Adapter, Edit, GlyphRef, LinkTarget, Scene, Symbol};

/// How long the cards take to unfold, seconds of wall time (animation on or off).
const UNFOLD_S: f64 = 0.35;
/// Height of the one-line rows above the view (breadcrumbs, legend): fixed, so the view
/// never moves when their contents change.
const ROW_H: f32 = 22.0;

/// What the centre drew.
#[derive(Default)]
pub struct Central {
    pub view_rect: Option<egui::Rect>,
    pub drew_hologram: bool,
    /// The view has the keyboard (Tab cycles its regions).
    pub view_focused: bool,
    /// Where the map's canvas is, when the map is shown.
    pub map_canvas: Option<egui::Rect>,
}

pub fn central_ui(ui: &mut Ui, cx: &Cx) -> Central {
    let mut out = Central::default();
    egui::CentralPanel::default_margins().show(ui, |ui| {
        breadcrumbs(ui, cx);
        if !cx.state.map.compare.is_empty() {
            super::map::compare_ui(ui, cx);
            return;
        }
        if cx.state.map.on {
            out.map_canvas = Some(super::map::map_ui(ui, cx));
            return;
        }
        let lib = cx.state.doc.library();
        match cx.state.focus() {
            Some(Focus::Symbol { id, region }) => match cx.state.doc.symbol(id) {
                Some(s) => {
                    view_toolbar(ui, cx);
                    out = hologram_view(ui, cx, s, region.as_deref());
                }
                None => {
                    ui.label(format!("no symbol {id}"));
                }
            },
            Some(Focus::Scene(id)) => match lib.scene(id) {
                Some(scene) => scene_page(ui, cx, scene),
                None => {
                    ui.label(format!("no scene {id}"));
                }
            },
            Some(Focus::Adapter(id)) => match lib.adapter(id) {
                Some(a) => adapter_page(ui, cx, a),
                None => {
                    ui.label(format!("no adapter {id}"));
                }
            },
            None => {
                ui.centered_and_justified(|ui| {
                    ui.label("The library has no symbols. Open another with Ctrl+O.");
                });
            }
        }
    });
    out
}

fn focus_label(cx: &Cx, f: &Focus) -> String {
    let lib = cx.state.doc.library();
    match f {
        Focus::Symbol { id, region } => {
            let head = lib
                .symbol(id)
                .map_or_else(|| id.to_string(), |s| symbol_label(s));
            match region {
                Some(r) => format!("{head} ▸ {r}"),
                None => head,
            }
        }
        Focus::Scene(id) => lib
            .scene(id)
            .map_or_else(|| id.to_string(), |s| format!("{id} {}", s.title)),
        Focus::Adapter(id) => lib
            .adapter(id)
            .map_or_else(|| id.to_string(), |a| a.name.clone()),
    }
}

/// A one-line row of fixed height across the panel: its contents are clipped, never
/// wrapped, and never widen the panel, so what is below it stays put.
fn fixed_row(ui: &mut Ui, add: impl FnOnce(&mut Ui)) {
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(ui.available_width(), ROW_H),
        egui::Sense::hover(),
    );
    let mut row = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(rect)
            .layout(egui::Layout::left_to_right(egui::Align::Center)),
    );
    row.set_clip_rect(rect.intersect(ui.clip_rect()));
    add(&mut row);
}

/// Back, forward and the trail: one line that never wraps (older steps are left out when
/// it is too narrow), so the view below stays put.
fn breadcrumbs(ui: &mut Ui, cx: &Cx) {
    let nav = &cx.state.nav;
    fixed_row(ui, |ui| {
        if ui
            .add_enabled(nav.can_go_back(), egui::Button::new("◀ Back"))
            .on_hover_text("Back (Backspace, Alt+←)")
            .clicked()
        {
            cx.push(Command::Back);
        }
        if ui
            .add_enabled(nav.can_go_forward(), egui::Button::new("Forward ▶"))
            .on_hover_text("Forward (Alt+→)")
            .clicked()
        {
            cx.push(Command::Forward);
        }
        // The trail: the last few steps up to here.
        let at = nav.position();
        let start = at.saturating_sub(4);
        for (i, f) in nav.steps().iter().enumerate().take(at + 1).skip(start) {
            if i > start {
                ui.weak("›");
            }
            let label = focus_label(cx, f);
            if i == at {
                ui.add(egui::Label::new(RichText::new(label).strong()).truncate());
            } else if ui.link(label).clicked() {
                cx.push(Command::Jump(i));
            }
        }
    });
    ui.separator();
}

fn view_toolbar(ui: &mut Ui, cx: &Cx) {
    let st = cx.state;
    if st.edit.on {
        super::editor::edit_toolbar(ui, cx);
    }
    ui.horizontal_wrapped(|ui| {
        let mut editing = st.edit.on;
        if ui
            .toggle_value(&mut editing, "✏ Edit")
            .on_hover_text("Edit mode (Ctrl+E): outline, regions, links, meaning")
            .changed()
        {
            cx.push(Command::Editor(EditorCommand::Toggle));
        }
        ui.separator();
        ui.label("Field:");
        for l in Layer::ALL {
            if ui.selectable_label(st.view.layer == l, l.name()).clicked() {
                cx.push(Command::SetLayer(l));
            }
        }
        ui.separator();
        if ui.button("−").on_hover_text("Zoom out (-)").clicked() {
            cx.push(Command::ZoomOut);
        }
        if ui.button("+").on_hover_text("Zoom in (+)").clicked() {
            cx.push(Command::ZoomIn);
        }
        if ui.button("⟲").on_hover_text("Reset the view (0)").clicked() {
            cx.push(Command::ResetView);
        }
        let mut animate = st.settings.animate;
        if ui
            .toggle_value(&mut animate, "animate")
            .on_hover_text("Animate (Space)")
            .changed()
        {
            cx.push(Command::ToggleAnimation);
        }
        ui.separator();
        let name = |s: Option<Style>| s.map_or("the symbol's", Style::name);
        let mut style = st.view.style;
        // A fixed width: the toolbar wraps the same way whichever style is chosen.
        egui::ComboBox::from_label("style")
            .width(110.0)
            .selected_text(name(style))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut style, None, name(None));
                for s in Style::ALL {
                    ui.selectable_value(&mut style, Some(s), s.name());
                }
            });
        if style != st.view.style {
            cx.push(Command::SetStyle(style));
        }
    });
}

/// A colour legend for the shown field and the value under the cursor, on one line of
/// fixed height (the readout keeps its place when the pointer leaves the glyph).
fn legend(ui: &mut Ui, cx: &Cx) {
    let st = cx.state;
    let (text, unit) = match st.view.layer {
        Layer::Hologram => (
            "relief from distance, fringes from curvature, glow from density",
            "em",
        ),
        Layer::Distance => (
            "signed distance: blue inside the ink, amber outside; isolines every 0.05 em",
            "em",
        ),
        Layer::Curvature => (
            "curvature of the distance level sets: tighter turns brighter",
            "1/em",
        ),
        Layer::Density => ("ink density, blurred at 0.02 em: dark to bright", ""),
        Layer::Voids => ("distance to ink in the empty space; counters tinted", "em"),
        Layer::Regions => ("region ids: exterior, counters, ink parts", ""),
    };
    fixed_row(ui, |ui| {
        let readout = match st.view.hover.as_ref().and_then(|h| Some((h.em, h.value?))) {
            Some((em, v)) => format!("({:.3}, {:.3}) em → {v:.4} {unit}", em[0], em[1]),
            None => "—".to_string(),
        };
        ui.monospace(readout);
        ui.separator();
        ui.add(
            egui::Label::new(RichText::new(format!("{}: {text}", st.view.layer)).weak()).truncate(),
        );
    });
}

fn hologram_view(ui: &mut Ui, cx: &Cx, s: &Symbol, region: Option<&str>) -> Central {
    legend(ui, cx);
    let avail = ui.available_rect_before_wrap();
    let side = avail.width().min(avail.height()).max(64.0);
    let rect = egui::Rect::from_center_size(avail.center(), Vec2::splat(side));
    hologram_in(ui, cx, s, region, rect)
}

/// The hologram of the focused symbol in `rect`: hover names a region, a click unfolds it,
/// the wheel zooms and a drag pans; edit mode's handles on top. The window's view and
/// present mode's stage both draw it.
pub(super) fn hologram_in(
    ui: &mut Ui,
    cx: &Cx,
    s: &Symbol,
    region: Option<&str>,
    rect: egui::Rect,
) -> Central {
    let st = cx.state;
    let response = ui.allocate_rect(rect, egui::Sense::click_and_drag());
    // What a screen reader says of the view: the symbol, and the region unfolded.
    let unfolded = region
        .and_then(|r| s.regions.iter().find(|l| l.id == r))
        .map(|l| format!(", unfolded: {}", l.label))
        .unwrap_or_default();
    let name = format!("hologram view: {}{unfolded}", symbol_label(s));
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &name));
    let mut out = Central {
        view_rect: Some(rect),
        ..Central::default()
    };
    let Some(g) = st.shown_glyph() else {
        let text = match &st.shown.glyph_error {
            Some((key, e)) if key.symbol == s.id => e.clone(),
            _ => format!("computing the fields of {}…", symbol_label(s)),
        };
        if st.edit.on {
            // An empty drawing (or a glyph that failed): the pen still draws, on the frame
            // the fields will have.
            ui.painter().rect_filled(rect, 4.0, Color32::from_gray(24));
            let Some(grid) = st.view_grid() else {
                return out;
            };
            let hint = if s.glyph
                == (GlyphRef::Path {
                    data: String::new(),
                    even_odd: false,
                }) {
                "Draw with the pen: click for corners, drag for curves, click the first point to close".to_string()
            } else {
                text
            };
            let band = egui::Rect::from_min_size(
                rect.min + Vec2::new(12.0, 10.0),
                Vec2::new(rect.width() - 24.0, 40.0),
            );
            ui.put(
                band,
                egui::Label::new(RichText::new(hint).color(Color32::LIGHT_GRAY)).wrap(),
            );
            super::editor::edit_view(ui, cx, s, rect, &grid, None, &response);
            return out;
        }
        ui.painter().text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            text,
            egui::FontId::default(),
            Color32::GRAY,
        );
        return out;
    };
    if let Some(reason) = &cx.rt.gpu_lost {
        ui.painter().rect_filled(rect, 4.0, Color32::from_gray(20));
        ui.painter().text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            format!(
                "The GPU device was lost ({reason}).\nThe hologram cannot be drawn until Hologlyph is restarted;\nyour library and edits are safe: save, then restart."
            ),
            egui::FontId::default(),
            Color32::LIGHT_GRAY,
        );
        return out;
    }
    match g.view {
        Some(view) => {
            let frame = st.frame();
            // Sharp fields of what is on screen, over the glyph's own, once they arrived;
            // the glyph's own only where they do not reach (each costs a pass over the
            // view's pixels, in software on lavapipe).
            let sharp = st.shown.sharp_for(g);
            if sharp.is_none_or(|s| !s.map.covers(&frame)) {
                ui.painter().add(egui_wgpu::Callback::new_paint_callback(
                    rect,
                    HologramCallback { view, frame },
                ));
            }
            if let Some(sharp) = sharp {
                ui.painter().add(egui_wgpu::Callback::new_paint_callback(
                    rect,
                    HologramCallback {
                        view: sharp.view,
                        frame: sharp.map.frame_from_base(&frame),
                    },
                ));
            }
            out.drew_hologram = true;
        }
        None => {
            let why = g
                .gpu_error
                .clone()
                .unwrap_or_else(|| format!("no hologram: {}", cx.rt.device_line()));
            ui.painter().rect_filled(rect, 4.0, Color32::from_gray(20));
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                why,
                egui::FontId::default(),
                Color32::LIGHT_GRAY,
            );
        }
    }

    // Zoom with the wheel around the pointer; pan by dragging.
    if response.hovered() {
        let scroll = ui.input(|i| i.smooth_scroll_delta.y);
        if scroll != 0.0
            && let Some(p) = response.hover_pos()
        {
            let at = (p - rect.min) / rect.size();
            cx.push(Command::ZoomAt {
                factor: (-scroll * 0.002).exp(),
                at: [at.x, at.y],
            });
        }
    }
    if response.dragged() && !st.edit.on {
        let d = response.drag_delta() / rect.size();
        cx.push(Command::Pan([d.x, d.y]));
    }

    // Hover: highlight and name the region. A region chosen with Tab stays until the
    // pointer moves.
    let t = st.view.transform;
    let pointer = response
        .hover_pos()
        .map(|p| t.em_from_screen(rect, &g.fields.grid, p));
    let keyed = st.view.hover.as_ref().is_some_and(|h| h.by_keys);
    let moved = ui.input(|i| i.pointer.delta() != Vec2::ZERO);
    if pointer != st.view.hover.as_ref().map(|h| h.em) && (moved || !keyed) {
        cx.push(Command::Hover(pointer));
    }
    if let Some(h) = &st.view.hover {
        let text = h.describe(st.doc.library(), s, &g.fields);
        if !text.is_empty() && response.hovered() && !h.by_keys {
            let click = if h.link.is_some() { " (click)" } else { "" };
            response
                .clone()
                .on_hover_text_at_pointer(format!("{text}{click}"));
        }
    }
    // The keyboard: a click or Tab gives the view the focus; then Tab and Shift+Tab cycle
    // the glyph's regions (lit and named) and Enter unfolds the one in focus. Tab past the
    // last region (Shift+Tab before the first) moves on to the next control.
    if response.clicked() && !st.edit.on {
        response.request_focus();
    }
    if response.has_focus() && !st.edit.on {
        out.view_focused = true;
        // Shift+Tab first: egui's plain Tab also matches it.
        let (previous, next, enter) = ui.input_mut(|i| {
            (
                i.consume_key(egui::Modifiers::SHIFT, egui::Key::Tab),
                i.consume_key(egui::Modifiers::NONE, egui::Key::Tab),
                i.consume_key(egui::Modifiers::NONE, egui::Key::Enter),
            )
        });
        if next {
            cx.push(Command::CycleRegion(1));
        }
        if previous {
            cx.push(Command::CycleRegion(-1));
        }
        let focused = st.view.hover.as_ref().filter(|h| h.by_keys);
        if enter && let Some(h) = focused {
            cx.push(Command::ClickAt(h.em));
        }
        // Tab stays in the view until the last region.
        let tab = tab_stays(&g.fields, focused.and_then(|h| h.region));
        ui.memory_mut(|m| {
            m.set_focus_lock_filter(
                response.id,
                egui::EventFilter {
                    tab,
                    ..Default::default()
                },
            )
        });
        // A focus ring while the keyboard is in use here (not after a mouse click).
        if let Some(h) = focused {
            ui.painter().rect_stroke(
                rect.shrink(1.0),
                2.0,
                ui.visuals().selection.stroke,
                egui::StrokeKind::Inside,
            );
            // A screen reader hears the region in focus too.
            let name = format!(
                "{name}, in focus: {}",
                h.describe(st.doc.library(), s, &g.fields)
            );
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &name));
        }
    }
    if st.edit.on {
        super::editor::edit_view(ui, cx, s, rect, &g.fields.grid, Some(g), &response);
        // The selected region's links, as the cards they unfold into, each with an ×.
        if let Some(region) = &st.edit.region {
            unfold_cards(ui, cx, s, region, rect, &g.fields);
        }
        return out;
    }
    if response.clicked()
        && let Some(p) = response.interact_pointer_pos()
    {
        cx.push(Command::ClickAt(t.em_from_screen(rect, &g.fields.grid, p)));
    }
    if let Some(region) = region {
        unfold_cards(ui, cx, s, region, rect, &g.fields);
    }
    out
}

/// The cards of an unfolded region, flying out of the region's anchor. The fly-out runs on
/// wall time and asks for frames until it ends, with the animation on or off.
fn unfold_cards(
    ui: &mut Ui,
    cx: &Cx,
    s: &Symbol,
    region: &str,
    rect: egui::Rect,
    fields: &crate::fields::Fields,
) {
    let grid = &fields.grid;
    let st = cx.state;
    let lib = st.doc.library();
    let Some(link) = s.regions.iter().find(|r| r.id == region) else {
        return;
    };
    let anchor = st.view.transform.screen_from_em(rect, grid, link.anchor);
    let t = match (st.clock.frozen, st.view.unfold_started) {
        (None, Some(started)) => {
            let now = st.clock.now;
            ((now - started) / UNFOLD_S).clamp(0.0, 1.0) as f32
        }
        _ => 1.0,
    };
    let eased = 1.0 - (1.0 - t).powi(3);
    if t < 1.0 {
        ui.ctx().request_repaint();
    }
    let mut items: Vec<(Focus, String, String, LinkTarget)> = Vec::new();
    for id in &link.scenes {
        if let Some(sc) = lib.scene(id) {
            let first = sc.text.split(". ").next().unwrap_or("").to_string();
            items.push((
                Focus::Scene(id.clone()),
                format!("{id} — {}", sc.title),
                first,
                LinkTarget::Scene(id.clone()),
            ));
        }
    }
    for id in &link.adapters {
        if let Some(a) = lib.adapter(id) {
            items.push((
                Focus::Adapter(id.clone()),
                format!("adapter: {}", a.name),
                a.description.clone(),
                LinkTarget::Adapter(id.clone()),
            ));
        }
    }
    let card_w = (rect.width() * 0.38).clamp(180.0, 320.0);
    // The cards go in a column inside the view, on the side with less ink under it (the
    // side away from the anchor when both are as clear), so they cover the glyph least.
    let left = rect.left() + 8.0;
    let right = rect.right() - card_w - 8.0;
    let ink_under = |x: f32| {
        let column =
            egui::Rect::from_min_size(Pos2::new(x, rect.top()), Vec2::new(card_w, rect.height()));
        ink_fraction(fields, st.view.transform, rect, column)
    };
    let (ink_left, ink_right) = (ink_under(left), ink_under(right));
    let column_x = if (ink_left - ink_right).abs() > 0.02 {
        if ink_left < ink_right { left } else { right }
    } else if anchor.x < rect.center().x {
        right
    } else {
        left
    };
    let stroke = Stroke::new(1.5, Color32::from_rgba_unmultiplied(255, 210, 120, 200));
    let painter = ui.painter().clone();
    painter.circle_filled(anchor, 5.0, Color32::from_rgb(255, 210, 120));
    let n = items.len().max(1) as f32;
    for (i, (focus, title, body, link_target)) in items.into_iter().enumerate() {
        let target = Pos2::new(
            column_x,
            rect.top() + rect.height() * (i as f32 + 0.5) / (n + 0.5) - 30.0,
        );
        let pos = anchor + (target - anchor) * eased;
        let area = egui::Area::new(egui::Id::unique(("card", s.id.as_str(), region, i)))
            .fixed_pos(pos)
            .order(egui::Order::Foreground)
            .show(ui.ctx(), |ui| {
                ui.set_opacity(eased);
                let frame = egui::Frame::popup(ui.style());
                // The card, frame included, is `card_w` wide: it stays inside the view.
                let margins = frame.total_margin().sum().x;
                frame.show(ui, |ui| {
                    ui.set_width(card_w - margins);
                    if st.edit.on {
                        ui.horizontal(|ui| {
                            ui.label(RichText::new(&title).strong());
                            if ui
                                .small_button("×")
                                .on_hover_text(format!("Unlink {link_target} from {region}"))
                                .clicked()
                            {
                                cx.push(Command::Edit {
                                    edit: Edit::UnlinkRegion {
                                        symbol: s.id.clone(),
                                        region: region.to_string(),
                                        target: link_target.clone(),
                                    },
                                    merge: None,
                                });
                            }
                        });
                    } else {
                        ui.label(RichText::new(&title).strong());
                    }
                    ui.add(egui::Label::new(RichText::new(&body).small()).wrap());
                    if ui.button("Open").clicked() {
                        cx.push(Command::Go(focus.clone()));
                    }
                });
            });
        let card = area.response.rect;
        let end = if card.center().x > anchor.x {
            card.left_center()
        } else {
            card.right_center()
        };
        painter.line_segment([anchor, end], stroke);
    }
}

/// Whether Tab should stay in the view: it has regions to cycle (every one but the open
/// exterior, in id order) and `region` is not the last of them.
fn tab_stays(fields: &crate::fields::Fields, region: Option<u32>) -> bool {
    let last = fields
        .region_list
        .iter()
        .filter(|r| r.kind != RegionKind::Exterior)
        .map(|r| r.id)
        .next_back();
    last.is_some() && region != last
}

/// The share of `area` (screen) that is ink in the view drawn in `rect`, sampled on a
/// 16 × 16 lattice of the glyph's fields.
fn ink_fraction(
    fields: &crate::fields::Fields,
    t: crate::app::ViewTransform,
    rect: egui::Rect,
    area: egui::Rect,
) -> f32 {
    const STEPS: usize = 16;
    let mut ink = 0;
    for i in 0..STEPS {
        for j in 0..STEPS {
            let at = area.min
                + Vec2::new(
                    area.width() * (i as f32 + 0.5) / STEPS as f32,
                    area.height() * (j as f32 + 0.5) / STEPS as f32,
                );
            let em = t.em_from_screen(rect, &fields.grid, at);
            let inside = fields
                .grid
                .px_from_em(crate::geometry::EmPoint::new(em[0], em[1]))
                .is_some_and(|(r, c)| fields.raw.sdf[[r, c]] < 0.0);
            ink += usize::from(inside);
        }
    }
    ink as f32 / (STEPS * STEPS) as f32
}

fn link_cards(ui: &mut Ui, cx: &Cx, links: &[String]) {
    let lib = cx.state.doc.library();
    ui.horizontal_wrapped(|ui| {
        for id in links {
            let (focus, title) = if let Some(s) = lib.symbol(id) {
                (Focus::symbol(s.id.clone()), symbol_label(s))
            } else if let Some(sc) = lib.scene(id) {
                (Focus::Scene(sc.id.clone()), format!("{id} — {}", sc.title))
            } else if let Some(a) = lib.adapter(id) {
                (Focus::Adapter(a.id.clone()), format!("adapter: {}", a.name))
            } else {
                continue;
            };
            egui::Frame::group(ui.style()).show(ui, |ui| {
                if ui.button(title).clicked() {
                    cx.push(Command::Go(focus));
                }
            });
        }
    });
}

pub(super) fn scene_page(ui: &mut Ui, cx: &Cx, scene: &Scene) {
    let lib = cx.state.doc.library();
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading(format!("{} — {}", scene.id, scene.title));
        ui.add_space(6.0);
        ui.label(&scene.text);
        if let Some(o) = &scene.original {
            for (k, v) in &o.texts {
                ui.weak(format!("[{}] {k}: {v}", o.language));
            }
        }
        ui.add_space(6.0);
        let comps: Vec<String> = scene
            .components
            .iter()
            .map(|c| format!("{} {:.2}", c.concept, c.weight))
            .collect();
        ui.weak(format!("components: {}", comps.join(", ")));
        ui.add_space(10.0);
        ui.label(RichText::new("Leads on to").strong());
        link_cards(ui, cx, &scene.links);
        // Symbols that recall this scene.
        let recalled: Vec<String> = lib
            .symbols_linking_scene(&scene.id)
            .map(|s| s.id.to_string())
            .collect();
        if !recalled.is_empty() {
            ui.add_space(6.0);
            ui.label(RichText::new("Recalled by").strong());
            link_cards(ui, cx, &recalled);
        }
    });
}

pub(super) fn adapter_page(ui: &mut Ui, cx: &Cx, a: &Adapter) {
    let lib = cx.state.doc.library();
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading(format!("adapter: {}", a.name));
        if let Some(o) = &a.original {
            for (k, v) in &o.texts {
                ui.weak(format!("[{}] {k}: {v}", o.language));
            }
        }
        ui.label(&a.description);
        ui.label(format!("triggers: {}", a.triggers.join(", ")));
        super::inspector::adapter_file(ui, cx, a);
        // In edit mode, the file's own trigger phrases can become the adapter's.
        let from_file = a
            .file
            .as_ref()
            .map(|f| lib.resolve(f))
            .and_then(|p| match cx.state.shown.adapters.get(&p) {
                Some(Ok(info)) => info.trigger_phrases.as_ref().map(|t| t.value.clone()),
                _ => None,
            })
            .filter(|t| !t.is_empty() && *t != a.triggers);
        if cx.state.edit.on
            && let Some(triggers) = from_file
            && ui
                .button(format!("Use the file's triggers: {}", triggers.join(", ")))
                .clicked()
        {
            let adapter = Adapter {
                triggers,
                ..Adapter::clone(a)
            };
            cx.push(Command::Edit {
                edit: Edit::UpdateAdapter {
                    id: a.id.clone(),
                    adapter: std::sync::Arc::new(adapter),
                },
                merge: None,
            });
        }
        let users: Vec<String> = lib
            .symbols_linking_adapter(&a.id)
            .map(|s| s.id.to_string())
            .collect();
        ui.add_space(6.0);
        ui.label(RichText::new("Called by").strong());
        link_cards(ui, cx, &users);
    });
}
