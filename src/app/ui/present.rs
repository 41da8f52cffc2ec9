//! Present mode on screen: the audience view (the step's hologram large, its symbol's name,
//! caption and register text, a thin progress bar), the overview grid, black and white
//! screens, the keys overlay, the kiosk's reset warning, and the speaker window (a second
//! viewport: current and next step live, notes, timer, clock, the step list, freeze).

use egui::{Align2, Color32, FontId, RichText, Ui, Vec2};

use super::central::{Central, adapter_page, hologram_in, scene_page};
use super::{Cx, symbol_label};
use crate::app::commands::Command;
use crate::app::gpu::HologramCallback;
use crate::app::navigation::Focus;
use crate::app::present::{FADE_S, KEYS, PresentCommand, Presenting, Screen};
use crate::hologram::Frame;
use crate::library::{Library, Symbol, Tour};

const STAGE_BG: Color32 = Color32::from_rgb(6, 6, 10);
const STAGE_TEXT: Color32 = Color32::from_gray(225);

/// The audience view, filling the window.
pub fn present_ui(ui: &mut Ui, cx: &Cx, p: &Presenting) -> Central {
    let st = cx.state;
    let lib = st.doc.library();
    let mut out = Central::default();
    let fill = match p.screen {
        Screen::White => Color32::WHITE,
        Screen::Black => Color32::BLACK,
        Screen::Stage => STAGE_BG,
    };
    egui::CentralPanel::default()
        .frame(egui::Frame::NONE.fill(fill))
        .show(ui, |ui| {
            let full = ui.max_rect();
            if p.screen != Screen::Stage {
                // Nothing on a black or white screen, but say so to a screen reader.
                let r = ui.allocate_rect(full, egui::Sense::hover());
                r.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Image, true, "screen covered")
                });
                return;
            }
            let Some(tour) = p.tour(lib) else {
                return;
            };
            if let Some(cursor) = p.overview {
                overview(ui, cx, p, tour, cursor, full);
            } else {
                out = stage(ui, cx, p, tour, full);
            }
            if p.progress {
                progress(ui, p, tour, full);
            }
            if !p.typed.is_empty() {
                ui.painter().text(
                    full.left_bottom() + Vec2::new(16.0, -24.0),
                    Align2::LEFT_BOTTOM,
                    format!("go to step {}_", p.typed),
                    FontId::proportional(22.0),
                    STAGE_TEXT,
                );
            }
        });
    if p.help {
        keys_overlay(ui.ctx(), p);
    }
    if let Some(left) = p.kiosk_warning(st.clock.now) {
        kiosk_warning(ui.ctx(), left);
        ui.ctx().request_repaint();
    }
    if p.speaker {
        speaker_window(ui.ctx(), cx, p);
    }
    out
}

/// The step on stage: name above, hologram in the middle, caption and register text below.
fn stage(ui: &mut Ui, cx: &Cx, p: &Presenting, tour: &Tour, full: egui::Rect) -> Central {
    let st = cx.state;
    let lib = st.doc.library();
    let mut out = Central::default();
    match st.focus() {
        Some(Focus::Symbol { id, region }) => {
            let Some(s) = lib.symbol(id) else {
                return out;
            };
            let top = 84.0;
            let bottom = (full.height() * 0.22).clamp(110.0, 220.0);
            let side = (full.width() * 0.92)
                .min(full.height() - top - bottom)
                .max(64.0);
            let centre = egui::pos2(full.center().x, full.top() + top + side / 2.0);
            let rect = egui::Rect::from_center_size(centre, Vec2::splat(side));
            ui.painter().text(
                egui::pos2(full.center().x, full.top() + 24.0),
                Align2::CENTER_TOP,
                symbol_label(s),
                FontId::proportional(36.0),
                STAGE_TEXT,
            );
            out = hologram_in(ui, cx, s, region.as_deref(), rect);
            // A short fade from black into a new step.
            let t = ((st.clock.now - p.step_entered) / FADE_S).clamp(0.0, 1.0) as f32;
            if t < 1.0 && st.clock.frozen.is_none() {
                let a = ((1.0 - t) * 255.0) as u8;
                ui.painter()
                    .rect_filled(rect, 0.0, Color32::from_rgba_unmultiplied(0, 0, 0, a));
                ui.ctx().request_repaint();
            }
            let step = tour.steps.get(p.step);
            let caption = step.map(|s| s.caption.as_str()).unwrap_or_default();
            let text_rect = egui::Rect::from_min_max(
                egui::pos2(full.left() + full.width() * 0.08, rect.bottom() + 12.0),
                egui::pos2(full.right() - full.width() * 0.08, full.bottom() - 20.0),
            );
            ui.scope_builder(egui::UiBuilder::new().max_rect(text_rect), |ui| {
                ui.vertical_centered(|ui| {
                    ui.add(
                        egui::Label::new(RichText::new(caption).size(24.0).color(STAGE_TEXT))
                            .wrap(),
                    );
                    // The register's text, once the protocol has unfolded it.
                    if let Some(u) = st.shown.current_unfolding()
                        && u.symbol == s.id
                    {
                        ui.add_space(6.0);
                        ui.add(
                            egui::Label::new(
                                RichText::new(&u.unfolded.text)
                                    .size(17.0)
                                    .italics()
                                    .color(Color32::from_gray(170)),
                            )
                            .wrap(),
                        );
                    }
                });
            });
        }
        Some(Focus::Scene(id)) => {
            if let Some(scene) = lib.scene(id) {
                page(ui, full, |ui| scene_page(ui, cx, scene));
            }
        }
        Some(Focus::Adapter(id)) => {
            if let Some(a) = lib.adapter(id) {
                page(ui, full, |ui| adapter_page(ui, cx, a));
            }
        }
        None => {}
    }
    out
}

/// A scene or adapter page a visitor opened from a card, in a readable column.
fn page(ui: &mut Ui, full: egui::Rect, add: impl FnOnce(&mut Ui)) {
    let column = egui::Rect::from_center_size(
        full.center(),
        Vec2::new(full.width().min(760.0), full.height() - 80.0),
    );
    ui.scope_builder(egui::UiBuilder::new().max_rect(column), |ui| {
        egui::Frame::window(ui.style()).show(ui, |ui| {
            ui.label(RichText::new("← Backspace or the next key returns to the tour").weak());
            add(ui);
        });
    });
}

/// The thin bar at the bottom and the step number.
fn progress(ui: &mut Ui, p: &Presenting, tour: &Tour, full: egui::Rect) {
    let n = tour.steps.len().max(1);
    let fragments = tour.steps.get(p.step).map_or(1, |s| s.regions.len().max(1));
    let done = (p.step as f32 + (p.fragment + 1) as f32 / fragments as f32) / n as f32;
    let bar = egui::Rect::from_min_size(
        full.left_bottom() - Vec2::new(0.0, 4.0),
        Vec2::new(full.width(), 4.0),
    );
    let painter = ui.painter();
    painter.rect_filled(bar, 0.0, Color32::from_gray(40));
    let mut filled = bar;
    filled.set_width(bar.width() * done.clamp(0.0, 1.0));
    painter.rect_filled(filled, 0.0, Color32::from_rgb(255, 200, 110));
    let mut label = format!("{} / {}", p.step + 1, n);
    if p.paused {
        label.push_str("  ⏸");
    }
    let r = ui.put(
        egui::Rect::from_min_size(
            full.right_bottom() - Vec2::new(140.0, 30.0),
            Vec2::new(130.0, 22.0),
        ),
        egui::Label::new(
            RichText::new(label)
                .size(15.0)
                .color(Color32::from_gray(150)),
        ),
    );
    r.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Label,
            true,
            format!("step {} of {n}", p.step + 1),
        )
    });
}

/// Every step as a live thumbnail; arrows move, Enter or a click jumps.
fn overview(ui: &mut Ui, cx: &Cx, p: &Presenting, tour: &Tour, cursor: usize, full: egui::Rect) {
    let st = cx.state;
    let lib = st.doc.library();
    let cols = 4usize;
    let cell = Vec2::new(
        (full.width() - 40.0) / cols as f32,
        ((full.width() - 40.0) / cols as f32).min(260.0),
    );
    ui.scope_builder(egui::UiBuilder::new().max_rect(full.shrink(20.0)), |ui| {
        ui.label(
            RichText::new(format!(
                "{} — overview (arrows, Enter; Esc returns)",
                tour.title
            ))
            .size(20.0)
            .color(STAGE_TEXT),
        );
        egui::ScrollArea::vertical().show(ui, |ui| {
            egui::Grid::new("overview")
                .spacing([8.0, 8.0])
                .show(ui, |ui| {
                    for (i, step) in tour.steps.iter().enumerate() {
                        let sym = lib.symbol(&step.symbol);
                        let texture = sym.and_then(|s| {
                            cx.rt.thumbs.get(
                                st.doc.generation,
                                lib,
                                &s.id,
                                &s.glyph,
                                step.style.unwrap_or(s.style),
                            )
                        });
                        let name = sym.map_or(step.symbol.to_string(), |s| symbol_label(s));
                        let selected = i == cursor;
                        let current = i == p.step;
                        let r = ui
                            .vertical(|ui| {
                                ui.set_width(cell.x - 8.0);
                                let img = Vec2::splat((cell.y - 60.0).max(48.0));
                                let b = match &texture {
                                    Some(t) => egui::Button::image(egui::Image::new((t.id(), img))),
                                    None => egui::Button::new(
                                        RichText::new(
                                            name.chars().next().unwrap_or('?').to_string(),
                                        )
                                        .size(img.y * 0.5),
                                    )
                                    .min_size(img),
                                };
                                let r = ui.add(b.selected(selected));
                                let mark = if current { "▶ " } else { "" };
                                ui.label(
                                    RichText::new(format!("{mark}{}. {name}", i + 1))
                                        .color(STAGE_TEXT),
                                );
                                r
                            })
                            .inner;
                        r.widget_info(|| {
                            egui::WidgetInfo::selected(
                                egui::Role::Button,
                                true,
                                selected,
                                format!("step {}", i + 1),
                            )
                        });
                        if r.clicked() {
                            cx.push(Command::Present(PresentCommand::GoTo(i)));
                        }
                        if (i + 1) % cols == 0 {
                            ui.end_row();
                        }
                    }
                });
        });
    });
}

fn keys_overlay(ctx: &egui::Context, p: &Presenting) {
    egui::Window::new("Present mode keys")
        .anchor(Align2::CENTER_CENTER, Vec2::ZERO)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            egui::Grid::new("present keys")
                .striped(true)
                .show(ui, |ui| {
                    for (k, what) in KEYS {
                        ui.label(RichText::new(*k).strong());
                        ui.label(*what);
                        ui.end_row();
                    }
                });
            if p.kiosk.is_some() {
                ui.label("This is a kiosk: only Ctrl+Alt+Q leaves.");
            }
            ui.label(RichText::new("F1 or ? closes this").weak());
        });
}

fn kiosk_warning(ctx: &egui::Context, left: f64) {
    egui::Area::new(egui::Id::unique("kiosk warning"))
        .anchor(Align2::CENTER_CENTER, Vec2::ZERO)
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style())
                .inner_margin(24.0)
                .show(ui, |ui| {
                    ui.label(RichText::new("Still there?").size(28.0).strong());
                    ui.label(
                        RichText::new(format!(
                            "The tour starts again in {} s — touch anything to stay.",
                            left.ceil() as u32
                        ))
                        .size(20.0),
                    );
                });
        });
}

/// The presenter's window: current and next step live, notes, timer, clock, the step
/// list, freeze. A second native window where the platform has them (embedded as a window
/// otherwise, as in tests).
fn speaker_window(ctx: &egui::Context, cx: &Cx, p: &Presenting) {
    let builder = egui::ViewportBuilder::default()
        .with_title("Hologlyph — speaker")
        .with_inner_size([1100.0, 700.0]);
    ctx.show_viewport_immediate(
        egui::ViewportId::from_hash_of("hologlyph speaker"),
        builder,
        |ui, class| {
            let ctx = ui.ctx().clone();
            if class != egui::ViewportClass::EmbeddedWindow {
                // The keys work here too.
                for c in crate::app::present::keys(&ctx, p) {
                    cx.push(c);
                }
                if ctx.input(|i| i.viewport().close_requested()) {
                    cx.push(Command::Present(PresentCommand::ToggleSpeaker));
                }
            }
            if class == egui::ViewportClass::EmbeddedWindow {
                speaker_ui(ui, cx, p);
            } else {
                egui::CentralPanel::default_margins().show(ui, |ui| speaker_ui(ui, cx, p));
            }
        },
    );
}

fn speaker_ui(ui: &mut Ui, cx: &Cx, p: &Presenting) {
    let st = cx.state;
    let lib = st.doc.library();
    let Some(tour) = p.tour(lib) else {
        return;
    };
    let now = st.clock.now;
    let at = p.speaker_step();
    let n = tour.steps.len();
    ui.horizontal(|ui| {
        let elapsed = p.timer.elapsed(now).max(0.0) as u64;
        ui.heading(format!("{:02}:{:02}", elapsed / 60, elapsed % 60));
        let pause = if p.timer.paused.is_some() {
            "▶ timer"
        } else {
            "⏸ timer"
        };
        if ui.button(pause).clicked() {
            cx.push(Command::Present(PresentCommand::TimerPause));
        }
        if ui.button("⟲ reset").clicked() {
            cx.push(Command::Present(PresentCommand::TimerReset));
        }
        ui.separator();
        ui.label(wall_clock());
        ui.separator();
        ui.label(format!("step {} / {n}", p.step + 1));
        ui.separator();
        let freeze = if p.preview.is_some() {
            "▶ Release (audience goes to this step)"
        } else {
            "❄ Freeze the audience view"
        };
        if ui.button(freeze).clicked() {
            cx.push(Command::Present(PresentCommand::ToggleFreeze));
        }
    });
    if p.preview.is_some() {
        ui.colored_label(
            Color32::from_rgb(120, 190, 255),
            format!(
                "Frozen: the audience still sees step {}; you preview step {}.",
                p.step + 1,
                at + 1
            ),
        );
    }
    ui.separator();
    let next = if at + 1 < n {
        Some(at + 1)
    } else if p.looping {
        Some(0)
    } else {
        None
    };
    let side = ((ui.available_width() - 260.0) / 2.0).clamp(120.0, 420.0);
    ui.horizontal_top(|ui| {
        for (label, step) in [("Now", Some(at)), ("Next", next)] {
            ui.vertical(|ui| {
                ui.strong(label);
                let (rect, _) = ui.allocate_exact_size(Vec2::splat(side), egui::Sense::hover());
                match step.and_then(|i| tour.steps.get(i).map(|s| (i, s))) {
                    Some((i, s)) => {
                        if let Some(sym) = lib.symbol(&s.symbol) {
                            step_hologram(ui, cx, sym, i, tour, rect);
                            ui.label(format!("{}. {}", i + 1, symbol_label(sym)));
                        }
                    }
                    None => {
                        ui.painter().rect_filled(rect, 4.0, Color32::from_gray(20));
                        ui.painter().text(
                            rect.center(),
                            Align2::CENTER_CENTER,
                            "the end",
                            FontId::default(),
                            Color32::GRAY,
                        );
                    }
                }
            });
        }
        ui.vertical(|ui| {
            ui.strong("Steps");
            egui::ScrollArea::vertical()
                .id_salt("speaker steps")
                .max_height(side + 20.0)
                .show(ui, |ui| {
                    for (i, s) in tour.steps.iter().enumerate() {
                        let name = lib
                            .symbol(&s.symbol)
                            .map_or(s.symbol.to_string(), |x| symbol_label(x));
                        let mark = if i == p.step { "▶" } else { " " };
                        if ui
                            .selectable_label(i == at, format!("{mark} {}. {name}", i + 1))
                            .clicked()
                        {
                            cx.push(Command::Present(PresentCommand::GoTo(i)));
                        }
                    }
                });
        });
    });
    ui.separator();
    if let Some(s) = tour.steps.get(at) {
        ui.label(RichText::new(&s.caption).strong());
        let notes = if s.notes.trim().is_empty() {
            "(no notes for this step: add `notes = \"\"\"…\"\"\"` to it)"
        } else {
            s.notes.as_str()
        };
        egui::ScrollArea::vertical()
            .id_salt("speaker notes")
            .show(ui, |ui| {
                ui.label(RichText::new(notes).size(18.0));
            });
    }
    ui.ctx()
        .request_repaint_after(std::time::Duration::from_millis(500));
}

/// A step's hologram from the glyphs shown or computed ahead (a note while it computes).
fn step_hologram(ui: &mut Ui, cx: &Cx, s: &Symbol, i: usize, tour: &Tour, rect: egui::Rect) {
    let st = cx.state;
    let g = st.shown.whole(s);
    let step = &tour.steps[i];
    match g.and_then(|g| g.view) {
        Some(view) => {
            let t = crate::app::present::step_transform(step);
            ui.painter().add(egui_wgpu::Callback::new_paint_callback(
                rect,
                HologramCallback {
                    view,
                    frame: Frame {
                        time: st.time(),
                        style: step.style.unwrap_or(s.style),
                        layer: step.layer.unwrap_or_default(),
                        highlight: None,
                        view_origin: t.origin,
                        view_scale: t.scale,
                    },
                },
            ));
        }
        None => {
            ui.painter().rect_filled(rect, 4.0, Color32::from_gray(20));
            ui.painter().text(
                rect.center(),
                Align2::CENTER_CENTER,
                format!("computing {}…", s.name),
                FontId::default(),
                Color32::GRAY,
            );
        }
    }
}

/// The wall clock, hours and minutes (UTC offset as the system has it is not known to the
/// standard library: local time comes from the TZ-less epoch, so it is shown as UTC).
fn wall_clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let day = secs % 86_400;
    format!("{:02}:{:02} UTC", day / 3600, (day % 3600) / 60)
}

/// The tours of a library, for menus.
pub fn tour_ids(lib: &Library) -> Vec<(crate::library::TourId, String)> {
    lib.tours
        .iter()
        .map(|t| (t.id.clone(), t.title.clone()))
        .collect()
}
