//! The inspector: the symbol's meaning, its character data, the five protocol steps with
//! their scores, the outputs (palette, sound, gesture), the adapter's file, field
//! statistics, and neighbours by meaning and by shape.

use egui::{Color32, RichText, Ui};

use super::{Cx, symbol_label};
use crate::app::commands::Command;
use crate::app::navigation::Focus;
use crate::glyph::contours::Contours;
use crate::glyph::unicode::CharInfo;
use crate::library::{Adapter, GlyphRef, Register, Symbol};

pub fn inspector_ui(ui: &mut Ui, cx: &Cx, (min, max): (f32, f32)) {
    egui::Panel::right("inspector")
        .default_size(crate::app::layout::INSPECTOR_DEFAULT.clamp(min, max))
        .size_range(min..=max)
        .show(ui, |ui| {
            // Both ways: a row wider than the panel scrolls instead of pushing the panel
            // past its width (egui would then place it partly off the window).
            let width = ui.available_width();
            egui::ScrollArea::both().auto_shrink(false).show(ui, |ui| {
                // Texts wrap at the panel's width; only rows that cannot wrap scroll.
                ui.set_max_width(width);
                let Some(s) = cx.state.focused_symbol() else {
                    ui.weak("Select a symbol.");
                    return;
                };
                if cx.state.edit.on {
                    super::editor::meaning_editor(ui, cx, s);
                    super::editor::region_editor(ui, cx, s);
                } else {
                    meaning(ui, cx, s);
                }
                character(ui, cx, s);
                protocol_steps(ui, cx);
                outputs(ui, cx);
                chosen_adapter(ui, cx);
                statistics(ui, cx);
                neighbours(ui, cx, s);
            });
        });
}

fn meaning(ui: &mut Ui, cx: &Cx, s: &Symbol) {
    ui.horizontal(|ui| {
        if let Some(c) = s.glyph.character() {
            ui.label(RichText::new(c.to_string()).font(crate::app::fonts::glyph_font(36.0)));
        }
        ui.vertical(|ui| {
            ui.heading(&s.name);
            ui.weak(format!("{} · {}", s.id, s.lineage.name()));
        });
        let fav = cx.state.settings.is_favourite(&s.id);
        if ui
            .selectable_label(fav, if fav { "★" } else { "☆" })
            .on_hover_text("Favourite (Ctrl+D)")
            .clicked()
        {
            cx.push(Command::ToggleFavourite);
        }
    });
    ui.label(&s.gloss);
    egui::Grid::new("meaning").num_columns(2).show(ui, |ui| {
        // The values wrap: what a symbol says never widens the panel (and so never moves
        // the view).
        if let Some(t) = &s.transition {
            ui.weak("transition");
            ui.add(egui::Label::new(t).wrap());
            ui.end_row();
        }
        ui.weak("archetype");
        ui.add(egui::Label::new(&s.archetype).wrap());
        ui.end_row();
        ui.weak("components");
        ui.add(
            egui::Label::new(
                s.components
                    .iter()
                    .map(|c| format!("{} {:.2}", c.concept, c.weight))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
            .wrap(),
        );
        ui.end_row();
    });
    if let Some(o) = &s.original {
        egui::CollapsingHeader::new(format!("original ({})", o.language)).show(ui, |ui| {
            for (k, v) in &o.texts {
                ui.label(format!("{k}: {v}"));
            }
        });
    }
    ui.horizontal(|ui| {
        if ui.small_button("copy character").clicked() {
            cx.push(Command::CopyCharacter);
        }
        if ui.small_button("copy U+XXXX").clicked() {
            cx.push(Command::CopyCodePoint);
        }
        if ui.small_button("copy gloss").clicked() {
            cx.push(Command::CopyGloss);
        }
    });
    ui.separator();
}

fn character(ui: &mut Ui, cx: &Cx, s: &Symbol) {
    let Some(c) = s.glyph.character() else {
        let what = match &s.glyph {
            GlyphRef::Svg { file } => format!("glyph: the SVG file {}", file.display()),
            GlyphRef::Path { data, .. } => match Contours::from_path_data(data) {
                Ok(c) if c.contours.is_empty() => "glyph: an empty drawing".to_string(),
                Ok(c) => {
                    let n = c.contours.len();
                    format!(
                        "glyph: path data, {n} contour{}, {} segments",
                        if n == 1 { "" } else { "s" },
                        c.segment_count()
                    )
                }
                Err(e) => format!("glyph: {e}"),
            },
            GlyphRef::Strokes { strokes, width } => {
                format!("glyph: {} drawn strokes, {width} em wide", strokes.len())
            }
            GlyphRef::Char { .. } => String::new(),
        };
        ui.weak(what);
        return;
    };
    let info = CharInfo::of(c);
    // The font was found by the job that computed the fields.
    let font = cx
        .state
        .shown_glyph()
        .and_then(|g| g.font.clone())
        .unwrap_or_else(|| "…".into());
    egui::CollapsingHeader::new("Character")
        .default_open(true)
        .show(ui, |ui| {
            egui::Grid::new("char").num_columns(2).show(ui, |ui| {
                ui.weak("code point");
                ui.monospace(&info.code_point);
                ui.end_row();
                ui.weak("Unicode name");
                ui.label(info.name.as_deref().unwrap_or("—"));
                ui.end_row();
                ui.weak("block");
                ui.label(info.block.as_deref().unwrap_or("—"));
                ui.end_row();
                ui.weak("category");
                ui.label(info.category);
                ui.end_row();
                ui.weak("font");
                ui.label(font);
                ui.end_row();
            });
        });
}

fn protocol_steps(ui: &mut Ui, cx: &Cx) {
    let st = cx.state;
    egui::CollapsingHeader::new("Protocol — five steps")
        .default_open(true)
        .show(ui, |ui| {
            let mut register = st.settings.register;
            ui.horizontal(|ui| {
                ui.weak("register");
                for r in Register::ALL {
                    ui.selectable_value(&mut register, r, r.name());
                }
            });
            if register != st.settings.register {
                cx.push(Command::SetRegister(register));
            }
            let Some(u) = st.shown.current_unfolding() else {
                match &st.shown.unfolding {
                    Some((_, Err(e))) => {
                        ui.colored_label(Color32::from_rgb(240, 110, 100), e);
                    }
                    _ => {
                        ui.weak("computing…");
                    }
                }
                return;
            };
            if let Some(r) = &u.region {
                ui.weak(format!(
                    "region: {}",
                    r.label.clone().or(r.link.clone()).unwrap_or_default()
                ));
            }
            ui.label(RichText::new(format!("1. recognise  ≈ {}", u.recognition.formula)).strong());
            for (c, w) in &u.recognition.concepts {
                ui.horizontal(|ui| {
                    ui.add(egui::ProgressBar::new(*w).desired_width(80.0));
                    ui.label(format!("{c} {w:.2}"));
                });
            }
            ui.label(RichText::new("2. nearest scenes").strong());
            for h in &u.scenes {
                ui.horizontal(|ui| {
                    if ui.link(format!("{} {}", h.id, h.title)).clicked() {
                        cx.push(Command::Go(Focus::Scene(h.id.clone())));
                    }
                    ui.weak(format!("{:.2} {:?}", h.score, h.because));
                });
            }
            ui.label(RichText::new("3. adapter").strong());
            for (k, a) in u.adapters.iter().take(3).enumerate() {
                ui.horizontal(|ui| {
                    let label = format!("{}{}", if k == 0 { "→ " } else { "  " }, a.name);
                    if ui.link(label).clicked() {
                        cx.push(Command::Go(Focus::Adapter(a.id.clone())));
                    }
                    ui.weak(format!("{:.2}", a.score));
                })
                .response
                .on_hover_text(a.reasons.join("\n"));
            }
            ui.label(
                RichText::new(format!(
                    "4. unfold into {} ({})",
                    u.unfolded.register.name(),
                    u.unfolded.origin()
                ))
                .strong(),
            );
            ui.label(RichText::new(&u.unfolded.text).italics());
        });
}

fn outputs(ui: &mut Ui, cx: &Cx) {
    let Some(u) = cx.state.shown.current_unfolding() else {
        return;
    };
    egui::CollapsingHeader::new("5. outputs")
        .default_open(true)
        .show(ui, |ui| {
            if let Some(line) = u.outputs.text.split("\n\n").nth(1) {
                ui.label(RichText::new(line).strong());
            }
            ui.horizontal_wrapped(|ui| {
                for s in &u.outputs.palette {
                    let (rect, resp) =
                        ui.allocate_exact_size(egui::vec2(28.0, 28.0), egui::Sense::hover());
                    let [r, g, b] = s.rgb;
                    ui.painter()
                        .rect_filled(rect, 4.0, Color32::from_rgb(r, g, b));
                    resp.on_hover_text(format!("{} {}", s.hex, s.concept));
                }
            });
            let sound = &u.outputs.sound;
            ui.label(format!(
                "sound: {:.1} s, {} plucks, tension {:.1} semitones",
                sound.duration_s,
                sound.onsets_s.len(),
                sound.tension_semitones
            ));
            gesture_preview(ui, cx, &u.outputs.gesture);
            ui.horizontal(|ui| {
                if ui.button("▶ Play").on_hover_text("Ctrl+P").clicked() {
                    cx.push(Command::PlaySound);
                }
                if ui.button("Export sound…").clicked() {
                    cx.push(Command::ExportSound);
                }
                if ui.button("Export gesture…").clicked() {
                    cx.push(Command::ExportGesture);
                }
                if ui.button("Export PNG…").clicked() {
                    cx.push(Command::ExportPng);
                }
            });
        });
}

/// The gesture drawn as far as the animation clock has reached, looping.
fn gesture_preview(ui: &mut Ui, cx: &Cx, g: &crate::protocol::Gesture) {
    if g.is_empty() {
        return;
    }
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(ui.available_width().min(220.0), 140.0),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    let pts = g.strokes.iter().flatten();
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in pts {
        x0 = x0.min(p.x);
        x1 = x1.max(p.x);
        y0 = y0.min(p.y);
        y1 = y1.max(p.y);
    }
    let scale = ((rect.width() - 12.0) as f64 / (x1 - x0).max(1e-6))
        .min((rect.height() - 12.0) as f64 / (y1 - y0).max(1e-6));
    let to = |x: f64, y: f64| {
        egui::pos2(
            rect.left() + 6.0 + ((x - x0) * scale) as f32,
            rect.bottom() - 6.0 - ((y - y0) * scale) as f32,
        )
    };
    let t = (cx.state.time() as f64 * 0.8) % (g.duration_s + 0.8);
    let stroke = egui::Stroke::new(1.5, ui.visuals().text_color());
    for s in &g.strokes {
        let line: Vec<egui::Pos2> = s
            .iter()
            .filter(|p| p.t <= t)
            .map(|p| to(p.x, p.y))
            .collect();
        if line.len() >= 2 {
            painter.add(egui::Shape::line(line, stroke));
        }
    }
    if let Some(p) = g.strokes.iter().flatten().rfind(|p| p.t <= t) {
        painter.circle_filled(to(p.x, p.y), 3.0, Color32::from_rgb(226, 87, 43));
    }
}

/// The adapter step 3 chose, and what its file's header says.
fn chosen_adapter(ui: &mut Ui, cx: &Cx) {
    let Some(a) = cx
        .state
        .shown
        .current_unfolding()
        .and_then(|u| u.adapter())
        .and_then(|a| cx.state.doc.library().adapter(&a.id))
    else {
        return;
    };
    egui::CollapsingHeader::new(format!("Adapter — {}", a.name)).show(ui, |ui| {
        ui.label(&a.description);
        adapter_file(ui, cx, a);
    });
}

/// What an adapter's file says (header only, read in the background), for the inspector
/// and the adapter page.
pub fn adapter_file(ui: &mut Ui, cx: &Cx, a: &Adapter) {
    let Some(file) = &a.file else {
        ui.weak("no file");
        return;
    };
    let path = cx.state.doc.library().resolve(file);
    match cx.state.shown.adapters.get(&path) {
        None => {
            ui.weak(format!("reading {}…", path.display()));
        }
        Some(Ok(info)) => {
            egui::Grid::new(("adapter", &a.id))
                .num_columns(2)
                .show(ui, |ui| {
                    let mut row = |k: &str, v: String| {
                        ui.weak(k);
                        ui.label(v);
                        ui.end_row();
                    };
                    row("file", path.display().to_string());
                    if let Some(v) = &info.rank {
                        row("rank", format!("{} ({})", v.value, v.source));
                    }
                    if let Some(v) = &info.alpha {
                        row("alpha", format!("{} ({})", v.value, v.source));
                    }
                    if let Some(v) = &info.scaling {
                        row("scaling", format!("{:.2}", v.value));
                    }
                    if let Some(v) = &info.target_modules {
                        row("modules", v.value.join(", "));
                    }
                    if let Some(v) = &info.trigger_phrases {
                        row("triggers", format!("{} ({})", v.value.join(", "), v.source));
                    }
                    row(
                        "tensors",
                        format!(
                            "{} · {} bytes · {}",
                            info.tensor_count,
                            info.tensor_bytes,
                            info.dtypes.join(", ")
                        ),
                    );
                    if let Some(demo) = info.metadata.get("hologlyph.demo") {
                        row("note", demo.clone());
                    }
                });
            training(ui, &info.training);
        }
        Some(Err(e)) => {
            ui.colored_label(Color32::from_rgb(240, 110, 100), e);
        }
    }
}

/// How a kohya-trained file was made: each value with the key it came from (on hover), and
/// the dataset's top tags as bars.
fn training(ui: &mut Ui, t: &crate::adapters::Training) {
    if t.is_empty() {
        return;
    }
    ui.add_space(4.0);
    ui.label(RichText::new("Training").strong());
    egui::Grid::new("training").num_columns(2).show(ui, |ui| {
        fn row<T: std::fmt::Display>(
            ui: &mut Ui,
            name: &str,
            v: &Option<crate::adapters::Sourced<T>>,
        ) {
            ui.weak(name);
            match v {
                Some(v) => {
                    ui.label(v.value.to_string()).on_hover_text(&v.source);
                }
                None => {
                    ui.weak("unknown");
                }
            }
            ui.end_row();
        }
        row(ui, "network", &t.network_module);
        row(ui, "base version", &t.base_model_version);
        row(ui, "resolution", &t.resolution);
        row(ui, "epochs", &t.epochs);
        row(ui, "steps", &t.steps);
        row(ui, "learning rate", &t.learning_rate);
        row(ui, "U-Net lr", &t.unet_lr);
        row(ui, "text encoder lr", &t.text_encoder_lr);
        row(ui, "optimizer", &t.optimizer);
        row(ui, "created", &t.created);
    });
    if let Some(tags) = &t.top_tags {
        ui.weak("top tags").on_hover_text(&tags.source);
        let most = tags.value.first().map_or(1, |t| t.count.max(1)) as f32;
        let accent = ui.visuals().selection.bg_fill;
        for tag in &tags.value {
            ui.horizontal(|ui| {
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(90.0, 12.0), egui::Sense::hover());
                let mut bar = rect;
                bar.set_width(rect.width() * tag.count as f32 / most);
                ui.painter().rect_filled(bar, 2.0, accent);
                ui.label(format!("{} {}", tag.tag, tag.count));
            });
        }
    }
}

fn statistics(ui: &mut Ui, cx: &Cx) {
    let Some(g) = cx.state.shown_glyph() else {
        return;
    };
    let d = &g.fields.descriptor;
    egui::CollapsingHeader::new("Field statistics").show(ui, |ui| {
        egui::Grid::new("stats").num_columns(2).show(ui, |ui| {
            let mut row = |k: &str, v: String| {
                ui.weak(k);
                ui.label(v);
                ui.end_row();
            };
            row("holes", d.holes.to_string());
            row("ink components", d.ink_components.to_string());
            row(
                "contours / parts / corners",
                format!("{} / {} / {}", d.contours, d.parts, d.corners),
            );
            row("ink ratio", format!("{:.3}", d.ink_ratio));
            row("perimeter", format!("{:.3} em", d.perimeter_em));
            row(
                "total |curvature|",
                format!("{:.2} rad", d.total_abs_curvature),
            );
            row("deepest ink", format!("{:.4} em", d.max_depth_em));
            row("mean density", format!("{:.3}", d.mean_density));
            row("regions", g.fields.region_list.len().to_string());
            row(
                "segments",
                format!(
                    "{} flattened, {} visible",
                    d.flattened_segments, d.boundary_segments
                ),
            );
        });
    });
}

fn neighbours(ui: &mut Ui, cx: &Cx, s: &Symbol) {
    let doc = &cx.state.doc;
    egui::CollapsingHeader::new("Neighbours")
        .default_open(true)
        .show(ui, |ui| {
            let meaning = doc.semantic().similar_to(&s.id, 6);
            let shape = doc.shape().map(|index| index.similar_to(&s.id, 6));
            ui.columns(2, |cols| {
                cols[0].weak("means like");
                for n in &meaning {
                    neighbour(&mut cols[0], cx, n);
                }
                cols[1].weak("looks like");
                match &shape {
                    Some(list) => {
                        for n in list {
                            neighbour(&mut cols[1], cx, n);
                        }
                    }
                    None => {
                        cols[1].weak("computing…");
                    }
                }
            });
        });
}

fn neighbour(ui: &mut Ui, cx: &Cx, n: &crate::embedding::Neighbour) {
    let Some(s) = cx.state.doc.symbol(&n.id) else {
        return;
    };
    if ui
        .link(format!("{} {:.2}", symbol_label(s), n.score))
        .clicked()
    {
        cx.push(Command::Go(Focus::symbol(s.id.clone())));
    }
}
