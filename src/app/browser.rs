//! The menu bar, the status line and the library browser (search as you type, lineage and
//! tag filters, favourites, recents, a grid of hologram thumbnails or a list).

use egui::{RichText, Ui};

use super::commands::{Command, LAYERS, layer_name};
use super::thumbs::THUMB_PX;
use super::{Focus, HologlyphApp};
use crate::library::Lineage;

fn command_button(app: &mut HologlyphApp, ui: &mut Ui, c: Command) {
    let mut button = egui::Button::new(c.label());
    if let Some(s) = c.shortcut() {
        button = button.shortcut_text(ui.ctx().format_shortcut(&s));
    }
    if ui.add(button).clicked() {
        app.push(c);
        ui.close();
    }
}

pub fn menu_bar(app: &mut HologlyphApp, ui: &mut Ui) {
    egui::Panel::top("menu").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                command_button(app, ui, Command::OpenLibrary);
                ui.menu_button("Open recent", |ui| {
                    let recent = app.settings.recent_libraries.clone();
                    if recent.is_empty() {
                        ui.label("(none yet)");
                    }
                    for p in recent {
                        command_button(app, ui, Command::OpenRecent(p));
                    }
                });
                command_button(app, ui, Command::ReloadLibrary);
                ui.separator();
                command_button(app, ui, Command::ExportPng);
                command_button(app, ui, Command::PlaySound);
                command_button(app, ui, Command::ExportSound);
                command_button(app, ui, Command::ExportGesture);
                ui.separator();
                command_button(app, ui, Command::Quit);
            });
            ui.menu_button("Edit", |ui| {
                command_button(app, ui, Command::CopyCharacter);
                command_button(app, ui, Command::CopyCodePoint);
                command_button(app, ui, Command::CopyGloss);
                command_button(app, ui, Command::ToggleFavourite);
            });
            ui.menu_button("View", |ui| {
                for l in LAYERS {
                    command_button(app, ui, Command::SetLayer(l));
                }
                ui.separator();
                command_button(app, ui, Command::ZoomIn);
                command_button(app, ui, Command::ZoomOut);
                command_button(app, ui, Command::ResetView);
                ui.checkbox(&mut app.settings.animate, "Animate");
                ui.add(egui::Slider::new(&mut app.settings.speed, 0.1..=4.0).text("speed"));
                ui.checkbox(&mut app.settings.grid, "Thumbnails in the browser");
                command_button(app, ui, Command::ToggleTheme);
                command_button(app, ui, Command::ShowProblems);
            });
            ui.menu_button("Go", |ui| {
                command_button(app, ui, Command::Back);
                command_button(app, ui, Command::Forward);
                command_button(app, ui, Command::FocusSearch);
            });
            ui.menu_button("Help", |ui| {
                command_button(app, ui, Command::ToggleHelp);
            });
        });
    });
}

pub fn status_bar(app: &mut HologlyphApp, ui: &mut Ui) {
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(format!("GPU: {}", app.device_line()));
            ui.separator();
            if let Some(g) = &app.glyph {
                ui.label(format!(
                    "fields {}²: prepare {:.1} ms, CPU {:.1} ms{}",
                    super::VIEW_FIELD,
                    g.prepare_ms,
                    g.cpu_ms,
                    g.gpu_ms
                        .map_or(String::new(), |ms| format!(", GPU passes {ms:.1} ms"))
                ));
                ui.separator();
            }
            ui.label(format!("frame {:.1} ms", app.frame_ms));
            ui.separator();
            if !app.lib.problems.is_empty()
                && ui
                    .link(format!("{} problems", app.lib.problems.len()))
                    .clicked()
            {
                app.push(Command::ShowProblems);
            }
            ui.label(&app.status);
        });
    });
}

fn lineage_label(l: Lineage) -> &'static str {
    match l {
        Lineage::Hieroglyph => "hieroglyph",
        Lineage::Alchemical => "alchemical",
        Lineage::Topological => "topological",
        Lineage::Graph => "graph",
    }
}

/// The label a symbol goes by in lists: its character (or a mark for drawn glyphs) and name.
pub fn symbol_label(s: &crate::library::Symbol) -> String {
    match s.glyph.character() {
        Some(c) => format!("{c} {}", s.name),
        None => format!("✎ {}", s.name),
    }
}

pub fn browser_panel(app: &mut HologlyphApp, ui: &mut Ui) {
    egui::Panel::left("browser")
        .default_size(300.0)
        .min_size(220.0)
        .show(ui, |ui| {
            ui.add_space(4.0);
            let search = ui.add(
                egui::TextEdit::singleline(&mut app.query)
                    .hint_text("Search: name, gloss, component, ⟁, U+27C1 (Ctrl+F)")
                    .desired_width(f32::INFINITY),
            );
            if app.focus_search {
                search.request_focus();
                app.focus_search = false;
            }
            if search.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                // Enter in the search box opens the first hit.
                if let Some(&first) = app.visible_symbols().first() {
                    app.selected = Some(first);
                    app.push(Command::OpenSelected);
                }
            }
            ui.horizontal_wrapped(|ui| {
                if ui.selectable_label(app.lineage.is_none(), "all").clicked() {
                    app.lineage = None;
                }
                for l in Lineage::ALL {
                    if ui
                        .selectable_label(app.lineage == Some(l), lineage_label(l))
                        .clicked()
                    {
                        app.lineage = if app.lineage == Some(l) {
                            None
                        } else {
                            Some(l)
                        };
                    }
                }
            });
            ui.horizontal(|ui| {
                let mut tags: Vec<&String> = app
                    .lib
                    .library
                    .symbols
                    .iter()
                    .flat_map(|s| &s.tags)
                    .collect();
                tags.sort();
                tags.dedup();
                let tags: Vec<String> = tags.into_iter().cloned().collect();
                egui::ComboBox::from_label("tag")
                    .selected_text(app.tag.clone().unwrap_or_else(|| "any tag".into()))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut app.tag, None, "any tag");
                        for t in tags {
                            ui.selectable_value(&mut app.tag, Some(t.clone()), t);
                        }
                    });
                ui.toggle_value(&mut app.favourites_only, "★ favourites");
                ui.toggle_value(&mut app.settings.grid, "▦ grid");
            });
            if !app.settings.recent_symbols.is_empty() {
                ui.horizontal_wrapped(|ui| {
                    ui.weak("recent:");
                    let recent = app.settings.recent_symbols.clone();
                    for id in recent.iter().take(8) {
                        if let Some(i) = app.lib.library.symbols.iter().position(|s| s.id == *id) {
                            let s = &app.lib.library.symbols[i];
                            let text = s
                                .glyph
                                .character()
                                .map_or_else(|| s.id.clone(), |c| c.to_string());
                            if ui.small_button(text).on_hover_text(&s.name).clicked() {
                                app.go(Focus::Symbol {
                                    index: i,
                                    link: None,
                                });
                            }
                        }
                    }
                });
            }
            ui.separator();
            let visible = app.visible_symbols();
            ui.weak(format!(
                "{} of {} symbols{}",
                visible.len(),
                app.lib.library.symbols.len(),
                if app.thumbs.pending() > 0 {
                    format!(" · {} thumbnails computing", app.thumbs.pending())
                } else {
                    String::new()
                }
            ));
            if app.settings.grid {
                grid(app, ui, &visible);
            } else {
                list(app, ui, &visible);
            }
        });
}

/// Frames drawn before the thumbnail worker gets its first jobs.
const THUMBS_AFTER_FRAMES: u64 = 5;

fn open(app: &mut HologlyphApp, i: usize) {
    app.selected = Some(i);
    app.go(Focus::Symbol {
        index: i,
        link: None,
    });
}

fn list(app: &mut HologlyphApp, ui: &mut Ui, visible: &[usize]) {
    let row_h = 22.0;
    egui::ScrollArea::vertical().auto_shrink(false).show_rows(
        ui,
        row_h,
        visible.len(),
        |ui, range| {
            for &i in &visible[range] {
                let s = &app.lib.library.symbols[i];
                let code = s
                    .glyph
                    .character()
                    .map_or(String::new(), |c| format!("U+{:04X}", c as u32));
                let fav = if app.settings.favourites.contains(&s.id) {
                    " ★"
                } else {
                    ""
                };
                let label = format!("{}{fav}", super::browser::symbol_label(s));
                ui.horizontal(|ui| {
                    let r = ui.selectable_label(app.selected == Some(i), label);
                    ui.weak(code);
                    if r.clicked() {
                        open(app, i);
                    }
                    if app.selected == Some(i) {
                        r.scroll_to_me(None);
                    }
                });
            }
        },
    );
}

fn grid(app: &mut HologlyphApp, ui: &mut Ui, visible: &[usize]) {
    let cell = THUMB_PX as f32 * 0.8 + 8.0;
    let columns = ((ui.available_width() / cell).floor() as usize).max(1);
    let rows = visible.len().div_ceil(columns);
    egui::ScrollArea::vertical().auto_shrink(false).show_rows(
        ui,
        cell + 18.0,
        rows,
        |ui, range| {
            for row in range {
                ui.horizontal(|ui| {
                    for &i in visible.iter().skip(row * columns).take(columns) {
                        thumbnail(app, ui, i, cell);
                    }
                });
            }
        },
    );
}

fn thumbnail(app: &mut HologlyphApp, ui: &mut Ui, i: usize, cell: f32) {
    let lib = &app.lib.library;
    let s = &lib.symbols[i];
    // Thumbnails start after the first frames: the window configures its surface first
    // (on a software GPU a busy device makes that wait time out).
    let texture = if app.frames > THUMBS_AFTER_FRAMES {
        app.thumbs.get(
            i,
            || {
                lib.outline(&s.glyph, &crate::glyph::FontSet::bundled())
                    .ok()
            },
            s.style,
        )
    } else {
        ui.ctx().request_repaint();
        None
    };
    let s = app.lib.library.symbols[i].clone();
    let label = symbol_label(&s);
    let selected = app.selected == Some(i);
    let size = egui::vec2(cell - 8.0, cell - 8.0);
    ui.vertical(|ui| {
        ui.set_width(cell);
        let response = match &texture {
            Some(t) => ui.add(
                egui::Button::image(egui::Image::new((t.id(), size)))
                    .selected(selected)
                    .frame(true),
            ),
            None => {
                // Placeholder: the character itself until the hologram arrives.
                let text = s
                    .glyph
                    .character()
                    .map_or_else(|| "✎".to_string(), |c| c.to_string());
                ui.add_sized(
                    size + egui::vec2(6.0, 6.0),
                    egui::Button::new(RichText::new(text).font(super::fonts::glyph_font(40.0)))
                        .selected(selected),
                )
            }
        };
        if texture.is_some() {
            app.shown_thumbs.push(i);
        }
        let response = response.on_hover_text(&label);
        response
            .widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, selected, &label));
        ui.add(egui::Label::new(RichText::new(&s.name).small()).truncate());
        if response.clicked() {
            open(app, i);
        }
        if selected {
            response.scroll_to_me(None);
        }
    });
}

/// Names of the layers, for the view's switch.
pub fn layer_names() -> impl Iterator<Item = (crate::hologram::Layer, &'static str)> {
    LAYERS.into_iter().map(|l| (l, layer_name(l)))
}
