//! The centre: breadcrumbs, the hologram view (hover names a region, click unfolds it into
//! cards connected to the region), scene and adapter pages, and the problems and help
//! windows.

use egui::{Color32, Pos2, RichText, Stroke, Ui, Vec2};

use super::commands::{Command, layer_name};
use super::view::HologramCallback;
use super::{Focus, HologlyphApp};
use crate::fields::regions::RegionKind;
use crate::hologram::Layer;

/// How long the cards take to unfold, seconds.
const UNFOLD_S: f64 = 0.35;

/// Draws the centre; returns whether a hologram was drawn this frame.
pub fn central_panel(app: &mut HologlyphApp, ui: &mut Ui) -> bool {
    let mut drew = false;
    egui::CentralPanel::default_margins().show(ui, |ui| {
        breadcrumbs(app, ui);
        match app.focus().cloned() {
            Some(Focus::Symbol { index, link }) => {
                view_toolbar(app, ui);
                drew = hologram_view(app, ui, index, link);
            }
            Some(Focus::Scene(id)) => scene_page(app, ui, &id),
            Some(Focus::Adapter(id)) => adapter_page(app, ui, &id),
            None => {
                ui.centered_and_justified(|ui| {
                    ui.label("The library has no symbols. Open another with Ctrl+O.");
                });
            }
        }
    });
    drew
}

fn focus_label(app: &HologlyphApp, f: &Focus) -> String {
    let lib = &app.lib.library;
    match f {
        Focus::Symbol { index, link } => {
            let s = &lib.symbols[*index];
            let head = super::browser::symbol_label(s);
            match link.and_then(|k| s.regions.get(k)) {
                Some(r) => format!("{} ▸ {}", head, r.id),
                None => head,
            }
        }
        Focus::Scene(id) => lib
            .scene(id)
            .map_or(id.clone(), |s| format!("{id} {}", s.title)),
        Focus::Adapter(id) => lib.adapter(id).map_or(id.clone(), |a| a.name.clone()),
    }
}

fn breadcrumbs(app: &mut HologlyphApp, ui: &mut Ui) {
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(app.nav_pos > 0, egui::Button::new("◀ Back"))
            .on_hover_text("Back (Backspace, Alt+←)")
            .clicked()
        {
            app.push(Command::Back);
        }
        if ui
            .add_enabled(
                app.nav_pos + 1 < app.nav.len(),
                egui::Button::new("Forward ▶"),
            )
            .on_hover_text("Forward (Alt+→)")
            .clicked()
        {
            app.push(Command::Forward);
        }
        // The trail: the last few steps up to here.
        let start = app.nav_pos.saturating_sub(4);
        for i in start..=app.nav_pos.min(app.nav.len().saturating_sub(1)) {
            if i > start {
                ui.weak("›");
            }
            let label = focus_label(app, &app.nav[i]);
            if i == app.nav_pos {
                ui.strong(label);
            } else if ui.link(label).clicked() {
                app.jump(i);
            }
        }
    });
    ui.separator();
}

fn view_toolbar(app: &mut HologlyphApp, ui: &mut Ui) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Field:");
        for (l, name) in super::browser::layer_names() {
            if ui.selectable_label(app.layer == l, name).clicked() {
                app.push(Command::SetLayer(l));
            }
        }
        ui.separator();
        if ui.button("−").on_hover_text("Zoom out (-)").clicked() {
            app.push(Command::ZoomOut);
        }
        if ui.button("+").on_hover_text("Zoom in (+)").clicked() {
            app.push(Command::ZoomIn);
        }
        if ui.button("⟲").on_hover_text("Reset the view (0)").clicked() {
            app.push(Command::ResetView);
        }
        ui.toggle_value(&mut app.settings.animate, "animate");
        ui.separator();
        use crate::hologram::Style;
        let name = |s: Option<Style>| match s {
            None => "the symbol's",
            Some(Style::Hieroglyph) => "hieroglyph",
            Some(Style::Alchemical) => "alchemical",
            Some(Style::Topological) => "topological",
            Some(Style::Graph) => "graph",
        };
        egui::ComboBox::from_label("style")
            .selected_text(name(app.style))
            .show_ui(ui, |ui| {
                for s in [
                    None,
                    Some(Style::Hieroglyph),
                    Some(Style::Alchemical),
                    Some(Style::Topological),
                    Some(Style::Graph),
                ] {
                    ui.selectable_value(&mut app.style, s, name(s));
                }
            });
    });
}

/// A colour legend for the shown field and the value under the cursor.
fn legend(app: &HologlyphApp, ui: &mut Ui) {
    let (text, unit) = match app.layer {
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
    ui.horizontal_wrapped(|ui| {
        ui.weak(format!("{}: {text}", layer_name(app.layer)));
        if let Some(h) = &app.hover
            && let Some(v) = h.value
        {
            ui.separator();
            ui.monospace(format!(
                "({:.3}, {:.3}) em → {v:.4} {unit}",
                h.em[0], h.em[1]
            ));
        }
    });
}

fn hologram_view(app: &mut HologlyphApp, ui: &mut Ui, index: usize, link: Option<usize>) -> bool {
    legend(app, ui);
    let avail = ui.available_rect_before_wrap();
    let side = avail.width().min(avail.height()).max(64.0);
    let rect = egui::Rect::from_center_size(avail.center(), Vec2::splat(side));
    let response = ui.allocate_rect(rect, egui::Sense::click_and_drag());
    app.view_rect = Some(rect);
    let Some(g) = &app.glyph else {
        ui.painter().text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            &app.status,
            egui::FontId::default(),
            Color32::GRAY,
        );
        return false;
    };
    if g.index != index {
        return false;
    }
    let drawn = app.gpu.is_some() && g.error.is_none();
    if drawn {
        ui.painter().add(egui_wgpu::Callback::new_paint_callback(
            rect,
            HologramCallback {
                generation: g.generation,
                frame: app.frame(),
            },
        ));
    } else {
        let why = g
            .error
            .clone()
            .unwrap_or_else(|| format!("no hologram: {}", app.device_line()));
        ui.painter().rect_filled(rect, 4.0, Color32::from_gray(20));
        ui.painter().text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            why,
            egui::FontId::default(),
            Color32::LIGHT_GRAY,
        );
    }
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, "hologram view"));

    // Zoom with the wheel around the pointer; pan by dragging.
    if response.hovered() {
        let scroll = ui.input(|i| i.smooth_scroll_delta.y);
        if scroll != 0.0
            && let Some(p) = response.hover_pos()
        {
            let at = (p - rect.min) / rect.size();
            app.zoom_by((-scroll * 0.002).exp(), [at.x, at.y]);
        }
    }
    if response.dragged() {
        let d = response.drag_delta() / rect.size();
        app.transform.origin[0] -= d.x * app.transform.scale;
        app.transform.origin[1] -= d.y * app.transform.scale;
    }

    // Hover: highlight and name the region.
    app.hover = response
        .hover_pos()
        .and_then(|p| app.em_from_screen(p))
        .map(|em| app.hover_at(em));
    if let Some(h) = app.hover.clone() {
        let s = &app.lib.library.symbols[index];
        let g = app.glyph.as_ref().expect("checked above");
        let region = h.region.and_then(|r| g.fields.region_list.get(r as usize));
        let text = match (h.link.and_then(|k| s.regions.get(k)), region) {
            (Some(l), _) => {
                let mut parts: Vec<String> = l.scenes.clone();
                parts.extend(l.adapters.iter().filter_map(|a| {
                    app.lib
                        .library
                        .adapter(a)
                        .map(|x| format!("adapter “{}”", x.name))
                }));
                format!("{} — opens {} (click)", l.label, parts.join(", "))
            }
            (None, Some(r)) => match r.kind {
                RegionKind::Exterior => "open space".to_string(),
                RegionKind::Counter => format!("counter {} (links to nothing)", r.id),
                RegionKind::Ink => format!("ink part {} (links to nothing)", r.id),
            },
            (None, None) => String::new(),
        };
        if !text.is_empty() {
            response.clone().on_hover_text_at_pointer(text);
        }
    }
    if response.clicked()
        && let Some(em) = response
            .interact_pointer_pos()
            .and_then(|p| app.em_from_screen(p))
    {
        app.click_at(em);
    }
    if let Some(k) = link {
        unfold_cards(app, ui, index, k, rect);
    }
    drawn
}

/// The cards of an unfolded region, flying out of the region's anchor.
fn unfold_cards(app: &mut HologlyphApp, ui: &mut Ui, index: usize, k: usize, rect: egui::Rect) {
    let lib = &app.lib.library;
    let s = &lib.symbols[index];
    let Some(link) = s.regions.get(k) else {
        return;
    };
    let Some(anchor) = app.screen_from_em(link.anchor) else {
        return;
    };
    let t = if app.time_is_frozen() {
        1.0
    } else {
        ((app.clock - app.unfold_started) / UNFOLD_S).clamp(0.0, 1.0) as f32
    };
    let eased = 1.0 - (1.0 - t).powi(3);
    if t < 1.0 {
        ui.ctx().request_repaint();
    }
    let mut items: Vec<(Focus, String, String)> = Vec::new();
    for id in &link.scenes {
        if let Some(sc) = lib.scene(id) {
            let first = sc.text.split(". ").next().unwrap_or("").to_string();
            items.push((
                Focus::Scene(id.clone()),
                format!("{id} — {}", sc.title),
                first,
            ));
        }
    }
    for id in &link.adapters {
        if let Some(a) = lib.adapter(id) {
            items.push((
                Focus::Adapter(id.clone()),
                format!("adapter: {}", a.name),
                a.description.clone(),
            ));
        }
    }
    let card_w = (rect.width() * 0.38).clamp(180.0, 320.0);
    let column_x = if anchor.x < rect.center().x {
        rect.right() - card_w - 8.0
    } else {
        rect.left() + 8.0
    };
    let stroke = Stroke::new(1.5, Color32::from_rgba_unmultiplied(255, 210, 120, 200));
    let painter = ui.painter().clone();
    painter.circle_filled(anchor, 5.0, Color32::from_rgb(255, 210, 120));
    let n = items.len().max(1) as f32;
    for (i, (focus, title, body)) in items.into_iter().enumerate() {
        let target = Pos2::new(
            column_x,
            rect.top() + rect.height() * (i as f32 + 0.5) / (n + 0.5) - 30.0,
        );
        let pos = anchor + (target - anchor) * eased;
        let area = egui::Area::new(egui::Id::unique(("card", index, k, i)))
            .fixed_pos(pos)
            .order(egui::Order::Foreground)
            .show(ui.ctx(), |ui| {
                ui.set_opacity(eased);
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_width(card_w);
                    ui.label(RichText::new(&title).strong());
                    ui.add(egui::Label::new(RichText::new(&body).small()).wrap());
                    if ui.button("Open").clicked() {
                        app.go(focus.clone());
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

fn link_cards(app: &mut HologlyphApp, ui: &mut Ui, links: &[String]) {
    ui.horizontal_wrapped(|ui| {
        for id in links {
            let lib = &app.lib.library;
            let (focus, title) = if let Some(i) = lib.symbols.iter().position(|s| s.id == *id) {
                (
                    Focus::Symbol {
                        index: i,
                        link: None,
                    },
                    super::browser::symbol_label(&lib.symbols[i]),
                )
            } else if let Some(sc) = lib.scene(id) {
                (Focus::Scene(id.clone()), format!("{id} — {}", sc.title))
            } else if let Some(a) = lib.adapter(id) {
                (Focus::Adapter(id.clone()), format!("adapter: {}", a.name))
            } else {
                continue;
            };
            egui::Frame::group(ui.style()).show(ui, |ui| {
                if ui.button(title).clicked() {
                    app.go(focus);
                }
            });
        }
    });
}

fn scene_page(app: &mut HologlyphApp, ui: &mut Ui, id: &str) {
    let Some(scene) = app.lib.library.scene(id).cloned() else {
        ui.label(format!("no scene {id}"));
        return;
    };
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
        link_cards(app, ui, &scene.links);
        // Symbols that recall this scene.
        let recalled: Vec<String> = app
            .lib
            .library
            .symbols
            .iter()
            .filter(|s| {
                s.scenes.contains(&scene.id)
                    || s.regions.iter().any(|r| r.scenes.contains(&scene.id))
            })
            .map(|s| s.id.clone())
            .collect();
        if !recalled.is_empty() {
            ui.add_space(6.0);
            ui.label(RichText::new("Recalled by").strong());
            link_cards(app, ui, &recalled);
        }
    });
}

fn adapter_page(app: &mut HologlyphApp, ui: &mut Ui, id: &str) {
    let Some(a) = app.lib.library.adapter(id).cloned() else {
        ui.label(format!("no adapter {id}"));
        return;
    };
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading(format!("adapter: {}", a.name));
        if let Some(o) = &a.original {
            for (k, v) in &o.texts {
                ui.weak(format!("[{}] {k}: {v}", o.language));
            }
        }
        ui.label(&a.description);
        ui.label(format!("triggers: {}", a.triggers.join(", ")));
        super::inspector::adapter_file(app, ui, &a);
        let users: Vec<String> = app
            .lib
            .library
            .symbols
            .iter()
            .filter(|s| {
                s.adapters.contains(&a.id) || s.regions.iter().any(|r| r.adapters.contains(&a.id))
            })
            .map(|s| s.id.clone())
            .collect();
        ui.add_space(6.0);
        ui.label(RichText::new("Called by").strong());
        link_cards(app, ui, &users);
    });
}

/// The problems window and the help overlay.
pub fn windows(app: &mut HologlyphApp, ctx: &egui::Context) {
    if app.problems_open && !app.lib.problems.is_empty() {
        let mut open = true;
        egui::Window::new("Library problems")
            .open(&mut open)
            .default_width(640.0)
            .show(ctx, |ui| {
                ui.label(format!(
                    "{} — what could be read is open; the file was not changed.",
                    app.lib.path.display()
                ));
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        for p in &app.lib.problems {
                            let colour = match p.severity {
                                crate::library::Severity::Error => Color32::from_rgb(240, 110, 100),
                                crate::library::Severity::Warning => {
                                    Color32::from_rgb(230, 190, 90)
                                }
                            };
                            ui.label(RichText::new(p.to_string()).color(colour).monospace());
                        }
                    });
            });
        app.problems_open = open;
    }
    if app.help_open {
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
                    ui.monospace("Backspace");
                    ui.label("Back");
                    ui.end_row();
                    ui.monospace("?");
                    ui.label("This help");
                    ui.end_row();
                    ui.monospace("wheel / drag");
                    ui.label("Zoom / pan the hologram");
                    ui.end_row();
                });
            });
        app.help_open = open;
    }
}
