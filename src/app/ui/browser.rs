//! The library browser: search as you type, lineage and tag filters, favourites, recents,
//! and a grid of hologram thumbnails or a list.

use egui::{RichText, Ui};

use super::{Cx, symbol_label};
use crate::app::commands::Command;
use crate::app::fonts::glyph_font;
use crate::app::navigation::Focus;
use crate::app::thumbs::THUMB_PX;
use crate::library::{Lineage, Symbol, SymbolId};

/// Frames drawn before the thumbnail worker gets its first jobs: the window configures its
/// surface first (on a software GPU a busy device makes that wait time out).
const THUMBS_AFTER_FRAMES: u64 = 5;

pub fn browser_ui(ui: &mut Ui, cx: &Cx, (min, max): (f32, f32)) {
    let st = cx.state;
    egui::Panel::left("browser")
        .default_size(crate::app::layout::BROWSER_DEFAULT.clamp(min, max))
        .size_range(min..=max)
        .show(ui, |ui| {
            ui.add_space(4.0);
            let mut query = st.browser.query.clone();
            // With the search field focused, ↓ and ↑ move through the hits and Enter opens
            // the one selected (the first, until an arrow moves) and leaves the field.
            let search_id = egui::Id::unique("browser-search");
            if ui.memory(|m| m.has_focus(search_id)) {
                let arrow = |key, command| {
                    if ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key)) {
                        cx.push(command);
                    }
                };
                arrow(egui::Key::ArrowDown, Command::SelectNext);
                arrow(egui::Key::ArrowUp, Command::SelectPrevious);
                if ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter)) {
                    cx.push(Command::OpenSearchHit);
                    ui.memory_mut(|m| m.surrender_focus(search_id));
                }
            }
            let search = ui.add(
                egui::TextEdit::singleline(&mut query)
                    .id(search_id)
                    // ↑ and ↓ are the field's (they move through the hits), not focus moves.
                    .event_filter(egui::EventFilter {
                        horizontal_arrows: true,
                        vertical_arrows: true,
                        ..Default::default()
                    })
                    .hint_text("Search: name, gloss, component, ⟁, U+27C1 (Ctrl+F)")
                    .desired_width(f32::INFINITY),
            );
            // What a screen reader calls the field (the hint is not its name).
            ui.ctx()
                .accesskit_node_builder(search.id, |node| node.set_label("Search symbols"));
            if search.changed() {
                cx.push(Command::SetQuery(query));
            }
            if st.windows.focus_search {
                search.request_focus();
            }
            ui.horizontal_wrapped(|ui| {
                if ui
                    .selectable_label(st.browser.lineage.is_none(), "all")
                    .clicked()
                {
                    cx.push(Command::SetLineage(None));
                }
                for l in Lineage::ALL {
                    let on = st.browser.lineage == Some(l);
                    if ui.selectable_label(on, l.name()).clicked() {
                        cx.push(Command::SetLineage((!on).then_some(l)));
                    }
                }
            });
            ui.horizontal(|ui| {
                let tags = cx.state.doc.tags();
                let mut tag = st.browser.tag.clone();
                egui::ComboBox::from_label("tag")
                    .selected_text(tag.clone().unwrap_or_else(|| "any tag".into()))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut tag, None, "any tag");
                        for t in tags {
                            ui.selectable_value(&mut tag, Some(t.clone()), t);
                        }
                    });
                if tag != st.browser.tag {
                    cx.push(Command::SetTag(tag));
                }
                let mut favourites = st.browser.favourites_only;
                if ui.toggle_value(&mut favourites, "★ favourites").changed() {
                    cx.push(Command::SetFavouritesOnly(favourites));
                }
                let mut grid = st.settings.grid;
                if ui.toggle_value(&mut grid, "▦ grid").changed() {
                    cx.push(Command::SetGrid(grid));
                }
            });
            recents(ui, cx);
            ui.separator();
            let visible = st.browser.visible(&st.doc, &st.settings);
            let pending = cx.rt.thumbs.pending();
            ui.weak(format!(
                "{} of {} symbols{}",
                visible.len(),
                st.doc.library().symbols.len(),
                if pending > 0 {
                    format!(" · {pending} thumbnails computing")
                } else {
                    String::new()
                }
            ));
            if st.settings.grid {
                grid(ui, cx, &visible);
            } else {
                list(ui, cx, &visible);
            }
        });
}

fn recents(ui: &mut Ui, cx: &Cx) {
    let st = cx.state;
    if st.settings.recent_symbols.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.weak("recent:");
        for s in st
            .settings
            .recent_symbols
            .iter()
            .filter_map(|id| st.doc.symbol(id))
            .take(8)
        {
            let text = s
                .glyph
                .character()
                .map_or_else(|| s.id.to_string(), |c| c.to_string());
            if ui.small_button(text).on_hover_text(&s.name).clicked() {
                cx.push(Command::Go(Focus::symbol(s.id.clone())));
            }
        }
    });
}

fn open(cx: &Cx, id: &SymbolId) {
    cx.push(Command::Select(id.clone()));
    cx.push(Command::Go(Focus::symbol(id.clone())));
}

fn list(ui: &mut Ui, cx: &Cx, visible: &[SymbolId]) {
    let st = cx.state;
    let row_h = 22.0;
    egui::ScrollArea::vertical().auto_shrink(false).show_rows(
        ui,
        row_h,
        visible.len(),
        |ui, range| {
            for s in visible[range].iter().filter_map(|id| st.doc.symbol(id)) {
                let code = s
                    .glyph
                    .character()
                    .map_or(String::new(), |c| format!("U+{:04X}", c as u32));
                let fav = if st.settings.is_favourite(&s.id) {
                    " ★"
                } else {
                    ""
                };
                let selected = st.browser.selected.as_ref() == Some(&s.id);
                ui.horizontal(|ui| {
                    let mark = super::problem_mark(st, &s.id);
                    let r =
                        ui.selectable_label(selected, format!("{mark}{}{fav}", symbol_label(s)));
                    ui.weak(code);
                    if r.clicked() {
                        open(cx, &s.id);
                    }
                    if selected {
                        r.scroll_to_me(None);
                    }
                });
            }
        },
    );
}

fn grid(ui: &mut Ui, cx: &Cx, visible: &[SymbolId]) {
    let doc = &cx.state.doc;
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
                    for s in visible
                        .iter()
                        .skip(row * columns)
                        .take(columns)
                        .filter_map(|id| doc.symbol(id))
                    {
                        thumbnail(ui, cx, s, cell);
                    }
                });
            }
        },
    );
}

fn thumbnail(ui: &mut Ui, cx: &Cx, s: &Symbol, cell: f32) {
    let st = cx.state;
    let lib = st.doc.library();
    let texture = if st.clock.frames > THUMBS_AFTER_FRAMES {
        cx.rt
            .thumbs
            .get(st.doc.generation, lib, &s.id, &s.glyph, s.style)
    } else {
        ui.ctx().request_repaint();
        None
    };
    let label = symbol_label(s);
    let selected = st.browser.selected.as_ref() == Some(&s.id);
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
                    egui::Button::new(RichText::new(text).font(glyph_font(40.0)))
                        .selected(selected),
                )
            }
        };
        let response = response.on_hover_text(&label);
        response
            .widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, selected, &label));
        let mark = super::problem_mark(st, &s.id);
        ui.add(egui::Label::new(RichText::new(format!("{mark}{}", s.name)).small()).truncate());
        if response.clicked() {
            open(cx, &s.id);
        }
        if selected {
            response.scroll_to_me(None);
        }
    });
}
