//! The map: every symbol, scene and adapter as a point of the chosen layout, drawn by level
//! of detail (a dot coloured by lineage far out, the live thumbnail close up, the full
//! hologram for the focused symbol), with the links as edges in the graph and local maps;
//! and the compare view (two to four holograms side by side).

use std::collections::HashSet;

use egui::{Color32, Pos2, Rect, Sense, Stroke, Ui, Vec2};

use super::Cx;
use crate::app::commands::Command;
use crate::app::gpu::HologramCallback;
use crate::app::map::{MAX_COMPARED, MapCommand, shown_nodes};
use crate::app::navigation::Focus;
use crate::hologram::Frame;
use crate::library::{Lineage, SymbolId};
use crate::map::{LayoutKind, MapGraph, NodeKind, Projection};

/// Points closer than this (screen points) to the pointer are picked.
const PICK_PX: f32 = 12.0;
/// Thumbnails replace dots once points are this far apart on screen.
const THUMBS_FROM_PX: f32 = 40.0;
/// Scenes and adapters become labelled cards once points are this far apart.
const CARDS_FROM_PX: f32 = 72.0;
/// At most this many thumbnails and cards a frame (the rest stay dots).
const MAX_DETAILED: usize = 240;
/// Each point is its own accessible, clickable widget up to this many on the canvas;
/// beyond, a click picks the nearest point.
const MAX_POINT_WIDGETS: usize = 1500;
/// Dots are drawn as circles up to this many on the canvas, as squares in one mesh beyond.
const MAX_CIRCLES: usize = 4000;
/// At most this many edges are drawn a frame.
const MAX_EDGES: usize = 12_000;

fn lineage_colour(l: Lineage) -> Color32 {
    match l {
        Lineage::Hieroglyph => Color32::from_rgb(228, 186, 84),
        Lineage::Alchemical => Color32::from_rgb(240, 118, 64),
        Lineage::Topological => Color32::from_rgb(84, 200, 232),
        Lineage::Graph => Color32::from_rgb(120, 214, 120),
    }
}

const SCENE: Color32 = Color32::from_rgb(168, 150, 232);
const ADAPTER: Color32 = Color32::from_rgb(236, 128, 188);

/// The toolbar and the canvas; returns the canvas rect.
pub(super) fn map_ui(ui: &mut Ui, cx: &Cx) -> Rect {
    toolbar(ui, cx);
    let rect = ui.available_rect_before_wrap();
    let response = ui.allocate_rect(rect, Sense::click_and_drag());
    let st = cx.state;
    let m = &st.map;
    let dark = ui.visuals().dark_mode;
    let painter = ui.painter_at(rect);
    painter.rect_filled(
        rect,
        4.0,
        if dark {
            Color32::from_rgb(13, 15, 24)
        } else {
            Color32::from_rgb(236, 237, 242)
        },
    );
    let now = st.clock.now;
    let wanted = m.wanted(st.doc.revision().number(), st.doc.shape().is_some());
    let failed = m.error_for(&wanted);
    // The wanted layout failed: say why, rather than show another layout's points under its
    // name.
    let placed = m.placed.as_ref().filter(|_| failed.is_none());
    let Some(placed) = placed else {
        let text = match failed {
            Some(e) => e.to_string(),
            None => "laying out the map…".into(),
        };
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            text,
            egui::FontId::proportional(16.0),
            Color32::GRAY,
        );
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "map"));
        progress(ui, cx, rect);
        return rect;
    };
    let Some((positions, moving)) = m.positions_at(now) else {
        return rect;
    };
    if moving {
        ui.ctx().request_repaint();
    }
    let graph = &placed.graph;
    let shown = shown_nodes(st, graph);
    let matches = Matches::new(ui, cx);
    let cam = m.camera;
    let scale = cam.scale(rect);
    let reach = rect.expand(24.0);
    // What is on the canvas: shown, placed, inside (with a margin).
    let mut on_canvas: Vec<(u32, Pos2)> = Vec::new();
    let mut placed_count = 0usize;
    for (i, p) in positions.iter().enumerate() {
        if shown.as_ref().is_some_and(|s| !s[i]) {
            continue;
        }
        let Some(p) = p else {
            continue;
        };
        placed_count += 1;
        let q = cam.to_screen(rect, *p);
        if reach.contains(q) {
            on_canvas.push((i as u32, q));
        }
    }
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Canvas,
            true,
            format!(
                "map, {} layout: {placed_count} places, {} on screen",
                m.kind,
                on_canvas.len()
            ),
        )
    });
    // Level of detail: how far apart points typically are on screen.
    let spacing = scale * 2.0 / (placed_count.max(1) as f32).sqrt();
    let detailed = spacing >= THUMBS_FROM_PX;

    // Edges: the graph layout, and any local map.
    if m.kind == LayoutKind::Graph || shown.is_some() {
        let stroke = Stroke::new(
            1.0,
            if dark {
                Color32::from_rgba_unmultiplied(150, 160, 200, 60)
            } else {
                Color32::from_rgba_unmultiplied(60, 70, 110, 70)
            },
        );
        let mut drawn = 0;
        for e in &graph.edges {
            if drawn >= MAX_EDGES {
                break;
            }
            let (a, b) = (e.a as usize, e.b as usize);
            if shown.as_ref().is_some_and(|s| !s[a] || !s[b]) {
                continue;
            }
            let (Some(pa), Some(pb)) = (positions[a], positions[b]) else {
                continue;
            };
            let (qa, qb) = (cam.to_screen(rect, pa), cam.to_screen(rect, pb));
            if !Rect::from_two_pos(qa, qb).intersects(rect) {
                continue;
            }
            painter.line_segment([qa, qb], stroke);
            drawn += 1;
        }
    }

    // Points.
    let selection: HashSet<&str> = m.selection.iter().map(|s| s.as_str()).collect();
    let focused = crate::app::map::focused_node(st.focus(), graph);
    let lib = st.doc.library();
    let mut details = 0usize;
    let ring = ui.visuals().selection.stroke.color;
    let mut mesh = egui::Mesh::default();
    // Far out, thousands of dots share pixels: one dot per kind and 3-point cell is drawn
    // (the same picture, a fraction of the triangles for a software rasteriser).
    let mut cells: HashSet<(i32, i32, u8)> = HashSet::new();
    let binned = on_canvas.len() > MAX_CIRCLES;
    for &(i, q) in &on_canvas {
        let node = &graph.nodes[i as usize];
        if binned
            && !detailed
            && Some(i) != focused
            && !cells.insert(((q.x / 3.0) as i32, (q.y / 3.0) as i32, node.kind as u8))
        {
            continue;
        }
        let dim = !matches.matches(node);
        let alpha = if dim { 46 } else { 255 };
        let colour = match node.kind {
            NodeKind::Symbol => node.lineage.map_or(Color32::GRAY, lineage_colour),
            NodeKind::Scene => SCENE,
            NodeKind::Adapter => ADAPTER,
        };
        let colour = Color32::from_rgba_unmultiplied(colour.r(), colour.g(), colour.b(), alpha);
        let carded = node.kind == NodeKind::Symbol || spacing >= CARDS_FROM_PX;
        if detailed && carded && details < MAX_DETAILED && Some(i) != focused {
            details += 1;
            let side = (spacing * 0.7).clamp(28.0, 96.0);
            match node.kind {
                NodeKind::Symbol => {
                    let s = st.doc.symbol(&SymbolId::from(node.id.as_str()));
                    let tex = s.and_then(|s| {
                        cx.rt
                            .thumbs
                            .get(st.doc.generation, lib, &s.id, &s.glyph, s.style)
                    });
                    let r = Rect::from_center_size(q, Vec2::splat(side));
                    match tex {
                        Some(t) => {
                            let tint = Color32::from_white_alpha(alpha);
                            painter.image(
                                t.id(),
                                r,
                                Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
                                tint,
                            );
                            painter.rect_stroke(
                                r,
                                3.0,
                                Stroke::new(1.5, colour),
                                egui::StrokeKind::Outside,
                            );
                        }
                        None => {
                            let text = s
                                .and_then(|s| s.glyph.character())
                                .map_or_else(|| "✎".to_string(), |c| c.to_string());
                            painter.text(
                                q,
                                egui::Align2::CENTER_CENTER,
                                text,
                                egui::FontId::proportional(side * 0.6),
                                colour,
                            );
                        }
                    }
                }
                NodeKind::Scene | NodeKind::Adapter => card(&painter, q, &node.label, colour, dark),
            }
        } else {
            let r = if Some(i) == focused { 6.0 } else { 3.5 };
            match node.kind {
                NodeKind::Symbol if on_canvas.len() <= MAX_CIRCLES => {
                    painter.circle_filled(q, r, colour);
                }
                NodeKind::Symbol => {
                    mesh.add_colored_rect(Rect::from_center_size(q, Vec2::splat(r * 1.6)), colour);
                }
                NodeKind::Scene => {
                    mesh.add_colored_rect(Rect::from_center_size(q, Vec2::splat(r * 1.2)), colour)
                }
                NodeKind::Adapter => diamond(&mut mesh, q, r * 1.1, colour),
            }
        }
        if !selection.is_empty()
            && node.kind == NodeKind::Symbol
            && selection.contains(node.id.as_str())
        {
            painter.circle_stroke(
                q,
                if detailed {
                    (spacing * 0.7).clamp(28.0, 96.0) * 0.62
                } else {
                    7.0
                },
                Stroke::new(2.5, ring),
            );
        }
    }
    painter.add(egui::Shape::mesh(mesh));

    // The focused symbol: its full hologram at its place.
    let mut drew_focus = false;
    if let Some(f) = focused
        && let Some(&(_, q)) = on_canvas.iter().find(|(i, _)| *i == f)
    {
        let side = (spacing * 1.4).clamp(84.0, 220.0);
        let r = Rect::from_center_size(q, Vec2::splat(side));
        let node = &graph.nodes[f as usize];
        let g = st
            .shown_glyph()
            .filter(|g| node.kind == NodeKind::Symbol && g.key.symbol.as_str() == node.id);
        if let Some(view) = g.and_then(|g| g.view)
            && cx.rt.gpu_lost.is_none()
        {
            paint_whole(&painter, r, view, st.frame());
            drew_focus = true;
        }
        let ring = if drew_focus {
            r
        } else {
            Rect::from_center_size(q, Vec2::splat(18.0))
        };
        painter.rect_stroke(
            ring,
            4.0,
            Stroke::new(2.0, ui.visuals().selection.stroke.color),
            egui::StrokeKind::Outside,
        );
        painter.text(
            ring.center_bottom() + Vec2::new(0.0, 4.0),
            egui::Align2::CENTER_TOP,
            &node.label,
            egui::FontId::proportional(13.0),
            ui.visuals().strong_text_color(),
        );
    }

    // Points as widgets (pointing, clicking, the screen reader) while there are few enough.
    let pick = |i: u32, double: bool| {
        let node = &graph.nodes[i as usize];
        let id = node.id.as_str();
        match (node.kind, double) {
            (NodeKind::Symbol, true) => cx.push(Command::Map(MapCommand::Open(id.into()))),
            (NodeKind::Symbol, false) => cx.push(Command::Go(Focus::symbol(id))),
            (NodeKind::Scene, _) => cx.push(Command::Go(Focus::Scene(id.into()))),
            (NodeKind::Adapter, _) => cx.push(Command::Go(Focus::Adapter(id.into()))),
        }
    };
    let shift = ui.input(|i| i.modifiers.shift);
    let mut pointed_point = false;
    if on_canvas.len() <= MAX_POINT_WIDGETS {
        for &(i, q) in &on_canvas {
            if !rect.contains(q) {
                continue;
            }
            let node = &graph.nodes[i as usize];
            let side = if detailed {
                (spacing * 0.7).clamp(28.0, 96.0)
            } else {
                2.0 * PICK_PX * 0.75
            };
            let r = Rect::from_center_size(q, Vec2::splat(side));
            let sense = if shift {
                Sense::hover()
            } else {
                Sense::click()
            };
            // Clipped to the canvas: a point at its edge never takes the toolbar's clicks.
            let point = ui.interact(r.intersect(rect), response.id.with(("point", i)), sense);
            let dimmed = if matches.matches(node) {
                ""
            } else {
                ", not matching the search"
            };
            let kind = match node.kind {
                NodeKind::Symbol => "symbol",
                NodeKind::Scene => "scene",
                NodeKind::Adapter => "adapter",
            };
            let name = format!("{kind} {}{dimmed}", node.label);
            point.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
            if point.hovered() {
                pointed_point = true;
            }
            if point.double_clicked() {
                pick(i, true);
            } else if point.clicked() {
                pick(i, false);
            }
            point.on_hover_text(&node.label);
        }
    } else if let Some(at) = response.interact_pointer_pos()
        && (response.clicked() || response.double_clicked())
        && let Some(i) = nearest(&on_canvas, at)
    {
        pick(i, response.double_clicked());
    }
    // Hovering an edge names the link.
    if !pointed_point
        && (m.kind == LayoutKind::Graph || shown.is_some())
        && let Some(at) = response.hover_pos()
        && nearest(&on_canvas, at).is_none()
        && let Some(label) = edge_at(
            graph,
            &positions,
            shown.as_deref(),
            |p| cam.to_screen(rect, p),
            at,
        )
    {
        egui::Tooltip::always_open(
            ui.ctx().clone(),
            ui.layer_id(),
            response.id.with("edge"),
            egui::PopupAnchor::Pointer,
        )
        .show(|ui| {
            ui.label(label);
        });
    }

    gestures(ui, cx, &response, rect, &on_canvas, graph);
    legend(ui, cx, rect, placed_count, detailed);
    rect
}

/// A glyph's whole hologram (unzoomed, nothing lit) in `rect`, at `frame`'s time, style and
/// layer.
fn paint_whole(painter: &egui::Painter, rect: Rect, view: u64, frame: Frame) {
    let frame = Frame {
        view_origin: [0.0, 0.0],
        view_scale: 1.0,
        highlight: None,
        ..frame
    };
    painter.add(egui_wgpu::Callback::new_paint_callback(
        rect,
        HologramCallback { view, frame },
    ));
}

/// A scene's or adapter's card: its label on a rounded plate.
fn card(painter: &egui::Painter, q: Pos2, label: &str, colour: Color32, dark: bool) {
    // A dimmed card (not matching the search) fades as a whole.
    let fade = colour.a();
    let faded = |c: Color32| c.gamma_multiply(f32::from(fade) / 255.0);
    let text: String = if label.chars().count() > 28 {
        label.chars().take(27).chain(['…']).collect()
    } else {
        label.to_string()
    };
    let galley = painter.layout_no_wrap(
        text,
        egui::FontId::proportional(11.0),
        faded(if dark {
            Color32::from_gray(230)
        } else {
            Color32::from_gray(20)
        }),
    );
    let r = Rect::from_center_size(q, galley.size() + Vec2::new(10.0, 6.0));
    painter.rect_filled(
        r,
        4.0,
        faded(if dark {
            Color32::from_rgba_unmultiplied(30, 30, 46, 230)
        } else {
            Color32::from_rgba_unmultiplied(250, 250, 255, 235)
        }),
    );
    painter.rect_stroke(r, 4.0, Stroke::new(1.0, colour), egui::StrokeKind::Inside);
    painter.galley(r.min + Vec2::new(5.0, 3.0), galley, Color32::PLACEHOLDER);
}

fn diamond(mesh: &mut egui::Mesh, q: Pos2, r: f32, colour: Color32) {
    let base = mesh.vertices.len() as u32;
    for d in [
        Vec2::new(0.0, -r),
        Vec2::new(r, 0.0),
        Vec2::new(0.0, r),
        Vec2::new(-r, 0.0),
    ] {
        mesh.colored_vertex(q + d, colour);
    }
    mesh.add_triangle(base, base + 1, base + 2);
    mesh.add_triangle(base, base + 2, base + 3);
}

/// The point nearest `at` within [`PICK_PX`].
fn nearest(points: &[(u32, Pos2)], at: Pos2) -> Option<u32> {
    points
        .iter()
        .map(|&(i, q)| (i, q.distance_sq(at)))
        .filter(|&(_, d)| d <= PICK_PX * PICK_PX)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// The label of the edge passing within 4 points of `at`.
fn edge_at(
    graph: &MapGraph,
    positions: &[Option<[f32; 2]>],
    shown: Option<&[bool]>,
    to_screen: impl Fn([f32; 2]) -> Pos2,
    at: Pos2,
) -> Option<String> {
    let mut best: Option<(f32, &str)> = None;
    for e in &graph.edges {
        let (a, b) = (e.a as usize, e.b as usize);
        if shown.is_some_and(|s| !s[a] || !s[b]) {
            continue;
        }
        let (Some(pa), Some(pb)) = (positions[a], positions[b]) else {
            continue;
        };
        let (qa, qb) = (to_screen(pa), to_screen(pb));
        let ab = qb - qa;
        let t = ((at - qa).dot(ab) / ab.length_sq().max(1e-6)).clamp(0.0, 1.0);
        let d = at.distance(qa + ab * t);
        if d <= 4.0 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, e.label.as_str()));
        }
    }
    best.map(|(_, l)| l.to_string())
}

/// Which nodes the search and the browser's filters keep (the rest are dimmed).
struct Matches {
    symbols: Option<std::sync::Arc<HashSet<SymbolId>>>,
    query: String,
}

/// What the symbols' matches were computed for: they are searched again only when it changes.
type MatchesKey = (u64, String, Option<Lineage>, Option<String>, bool, usize);

impl Matches {
    /// The browser's filters as a set, searched once per revision, query and filter (kept in
    /// egui's memory, a cache like a widget's), not every frame.
    fn new(ui: &Ui, cx: &Cx) -> Self {
        let st = cx.state;
        let b = &st.browser;
        let filtering = !b.query.trim().is_empty()
            || b.lineage.is_some()
            || b.tag.is_some()
            || b.favourites_only;
        let symbols = filtering.then(|| {
            let key: MatchesKey = (
                st.doc.revision().number(),
                b.query.clone(),
                b.lineage,
                b.tag.clone(),
                b.favourites_only,
                st.settings.favourites.len(),
            );
            let id = egui::Id::unique("map-matches");
            let kept: Option<(MatchesKey, std::sync::Arc<HashSet<SymbolId>>)> =
                ui.data(|d| d.get_temp(id));
            match kept {
                Some((k, set)) if k == key => set,
                _ => {
                    let set: std::sync::Arc<HashSet<SymbolId>> =
                        std::sync::Arc::new(b.visible(&st.doc, &st.settings).into_iter().collect());
                    ui.data_mut(|d| d.insert_temp(id, (key, set.clone())));
                    set
                }
            }
        });
        Self {
            symbols,
            query: b.query.trim().to_lowercase(),
        }
    }

    fn matches(&self, node: &crate::map::Node) -> bool {
        match node.kind {
            NodeKind::Symbol => self
                .symbols
                .as_ref()
                .is_none_or(|s| s.contains(node.id.as_str())),
            _ => self.query.is_empty() || node.label.to_lowercase().contains(&self.query),
        }
    }
}

/// Wheel and pinch zoom; drag pans; shift-drag draws a lasso (or, dragged straight, a box)
/// and selects the symbols inside.
fn gestures(
    ui: &mut Ui,
    cx: &Cx,
    response: &egui::Response,
    rect: Rect,
    on_canvas: &[(u32, Pos2)],
    graph: &MapGraph,
) {
    let lasso_id = response.id.with("lasso");
    if response.hovered() {
        let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        let factor = (scroll * 0.004).exp() * pinch;
        if (factor - 1.0).abs() > 1e-4
            && let Some(at) = response.hover_pos()
        {
            cx.push(Command::Map(MapCommand::ZoomAt {
                factor,
                at: [at.x, at.y],
            }));
        }
    }
    let shift = ui.input(|i| i.modifiers.shift);
    let mut lasso: Vec<Pos2> = ui.data(|d| d.get_temp(lasso_id)).unwrap_or_default();
    if response.drag_started() && shift {
        // From where the press began: a drag starts only once the pointer moved a little.
        let origin = ui.input(|i| i.pointer.press_origin());
        lasso = origin
            .or(response.interact_pointer_pos())
            .into_iter()
            .collect();
    } else if response.dragged() {
        if lasso.is_empty() {
            let d = response.drag_delta();
            if d != Vec2::ZERO {
                cx.push(Command::Map(MapCommand::Pan([d.x, d.y])));
            }
        } else if let Some(p) = response.interact_pointer_pos()
            && lasso.last().is_none_or(|l| l.distance(p) > 2.0)
        {
            lasso.push(p);
        }
    }
    if response.drag_stopped() && !lasso.is_empty() {
        if let Some(p) = response.interact_pointer_pos() {
            lasso.push(p);
        }
        let ids: Vec<SymbolId> = {
            let inside = selection_shape(&lasso);
            on_canvas
                .iter()
                .filter(|(i, q)| graph.nodes[*i as usize].kind == NodeKind::Symbol && inside(*q))
                .map(|(i, _)| SymbolId::from(graph.nodes[*i as usize].id.as_str()))
                .collect()
        };
        cx.push(Command::Map(MapCommand::Select(ids)));
        lasso.clear();
    }
    if lasso.len() > 1 {
        let stroke = Stroke::new(1.5, ui.visuals().selection.stroke.color);
        let painter = ui.painter_at(rect);
        if is_box(&lasso) {
            painter.rect_stroke(
                Rect::from_two_pos(lasso[0], *lasso.last().expect("two points")),
                0.0,
                stroke,
                egui::StrokeKind::Middle,
            );
        } else {
            let mut closed = lasso.clone();
            closed.push(lasso[0]);
            painter.add(egui::Shape::line(closed, stroke));
        }
    }
    ui.data_mut(|d| d.insert_temp(lasso_id, lasso));
}

/// A drag that encloses little area (a straight or nearly straight stroke) means the box
/// it spans.
fn is_box(path: &[Pos2]) -> bool {
    let b = Rect::from_points(path);
    let area: f32 = path
        .iter()
        .zip(path.iter().cycle().skip(1))
        .map(|(a, c)| a.x * c.y - c.x * a.y)
        .sum::<f32>()
        .abs()
        / 2.0;
    area < 0.25 * b.area()
}

/// Whether a point is inside the lasso (even-odd), or inside its box.
fn selection_shape(path: &[Pos2]) -> impl Fn(Pos2) -> bool + '_ {
    let boxed = is_box(path).then(|| Rect::from_two_pos(path[0], *path.last().expect("a point")));
    move |q: Pos2| match boxed {
        Some(b) => b.contains(q),
        None => {
            let mut inside = false;
            let n = path.len();
            for k in 0..n {
                let (a, b) = (path[k], path[(k + 1) % n]);
                if (a.y > q.y) != (b.y > q.y) && q.x < a.x + (q.y - a.y) / (b.y - a.y) * (b.x - a.x)
                {
                    inside = !inside;
                }
            }
            inside
        }
    }
}

fn toolbar(ui: &mut Ui, cx: &Cx) {
    let m = &cx.state.map;
    ui.horizontal_wrapped(|ui| {
        for k in LayoutKind::ALL {
            let label = match k {
                LayoutKind::Semantic => "Meaning",
                LayoutKind::Shape => "Shape",
                LayoutKind::Graph => "Links",
                LayoutKind::Imported => "Imported",
            };
            let tip = match k {
                LayoutKind::Semantic => {
                    "Symbols, scenes and adapters placed by their semantic embeddings"
                }
                LayoutKind::Shape => {
                    "Symbols placed by their field descriptors (what they look like)"
                }
                LayoutKind::Graph => "Everything as the graph of its links, force-directed",
                LayoutKind::Imported => "Placed by an embedding imported from a .npy file",
            };
            if ui
                .selectable_label(m.kind == k, label)
                .on_hover_text(tip)
                .clicked()
            {
                cx.push(Command::Map(MapCommand::SetKind(k)));
            }
        }
        ui.separator();
        ui.add_enabled_ui(m.kind != LayoutKind::Graph, |ui| {
            for p in Projection::ALL {
                let label = match p {
                    Projection::Pca => "PCA",
                    Projection::Tsne => "t-SNE",
                };
                if ui.selectable_label(m.projection == p, label).clicked() {
                    cx.push(Command::Map(MapCommand::SetProjection(p)));
                }
            }
        });
    });
    // Second row: what is shown, the camera, the selection, and progress.
    ui.horizontal_wrapped(|ui| {
        let has_focus = cx.state.focus().is_some();
        if ui
            .selectable_label(m.local_depth.is_none(), "Whole")
            .clicked()
        {
            cx.push(Command::Map(MapCommand::SetLocalDepth(None)));
        }
        ui.add_enabled_ui(has_focus, |ui| {
            for d in 1..=3u8 {
                if ui
                    .selectable_label(m.local_depth == Some(d), format!("Local {d}"))
                    .on_hover_text(format!(
                        "Only what is within {d} link{} of the focused item",
                        if d == 1 { "" } else { "s" }
                    ))
                    .clicked()
                {
                    cx.push(Command::Map(MapCommand::SetLocalDepth(Some(d))));
                }
            }
        });
        ui.separator();
        if ui
            .button("Fit")
            .on_hover_text("Fit everything shown (F)")
            .clicked()
        {
            cx.push(Command::Map(MapCommand::FitAll));
        }
        let n = m.selection.len();
        if ui
            .add_enabled(
                n >= 2,
                egui::Button::new(format!("Compare {}", n.min(MAX_COMPARED))),
            )
            .on_hover_text("Shift-drag around symbols, then compare them side by side (C)")
            .clicked()
        {
            cx.push(Command::Map(MapCommand::Compare));
        }
        if ui
            .add_enabled(n >= 1 || has_focus, egui::Button::new("Zoom to selection"))
            .on_hover_text("Zoom to the selected symbols, or to the focused item")
            .clicked()
        {
            cx.push(Command::Map(MapCommand::ZoomToSelection));
        }
    });
}

fn legend(ui: &Ui, cx: &Cx, rect: Rect, placed: usize, detailed: bool) {
    let m = &cx.state.map;
    let mut text = format!(
        "{placed} places · {}{}",
        m.kind,
        if m.kind == LayoutKind::Graph {
            String::new()
        } else {
            format!(" ({})", m.projection)
        }
    );
    if let (LayoutKind::Imported, Some(i)) = (m.kind, &m.imported) {
        text.push_str(&format!(" · {}", i.name));
    }
    if m.placed.as_ref().is_some_and(|p| !p.refined) {
        text.push_str(" · refining…");
    }
    if let Some(d) = m.local_depth {
        text.push_str(&format!(
            " · local, {d} link{}",
            if d == 1 { "" } else { "s" }
        ));
    }
    if !detailed {
        text.push_str(" · zoom in for thumbnails");
    }
    ui.painter().text(
        rect.left_bottom() + Vec2::new(8.0, -6.0),
        egui::Align2::LEFT_BOTTOM,
        text,
        egui::FontId::proportional(12.0),
        ui.visuals().weak_text_color(),
    );
    progress(ui, cx, rect);
}

/// A layout on its way: a bar in the canvas's corner (drawn over the map, so the canvas
/// keeps its size while it comes and goes).
fn progress(ui: &Ui, cx: &Cx, rect: Rect) {
    let Some(c) = &cx.state.map.computing else {
        return;
    };
    let what = match (c.key.kind, c.key.projection) {
        (LayoutKind::Graph, _) => "force layout",
        (_, Projection::Tsne) => "t-SNE",
        _ => "PCA",
    };
    let f = c.fraction();
    let bar = Rect::from_min_size(
        rect.right_bottom() + Vec2::new(-168.0, -22.0),
        Vec2::new(160.0, 14.0),
    );
    let p = ui.painter();
    p.rect_filled(bar, 3.0, ui.visuals().extreme_bg_color);
    let mut done = bar;
    done.set_width(bar.width() * f);
    p.rect_filled(done, 3.0, ui.visuals().selection.bg_fill);
    p.text(
        bar.center(),
        egui::Align2::CENTER_CENTER,
        format!("{what} {:.0}%", f * 100.0),
        egui::FontId::proportional(11.0),
        ui.visuals().strong_text_color(),
    );
    ui.ctx()
        .request_repaint_after(std::time::Duration::from_millis(200));
}

/// Two to four symbols side by side, each as its live hologram.
pub(super) fn compare_ui(ui: &mut Ui, cx: &Cx) {
    let st = cx.state;
    let ids = &st.map.compare;
    ui.horizontal(|ui| {
        ui.heading(format!("Comparing {} symbols", ids.len()));
        if ui.button("Close (Esc)").clicked() {
            cx.push(Command::Map(MapCommand::CloseCompare));
        }
    });
    let avail = ui.available_rect_before_wrap();
    let n = ids.len().max(1);
    let (cols, rows) = if n <= 2 || avail.width() > 2.2 * avail.height() {
        (n, 1)
    } else {
        (2, n.div_ceil(2))
    };
    let cell = Vec2::new(avail.width() / cols as f32, avail.height() / rows as f32);
    for (k, id) in ids.iter().enumerate() {
        let (c, r) = (k % cols, k / cols);
        let area = Rect::from_min_size(
            avail.min + Vec2::new(c as f32 * cell.x, r as f32 * cell.y),
            cell,
        )
        .shrink(6.0);
        let Some(s) = st.doc.symbol(id) else {
            continue;
        };
        let side = area.width().min(area.height() - 24.0).max(32.0);
        let square =
            Rect::from_center_size(area.center() - Vec2::new(0.0, 10.0), Vec2::splat(side));
        let g = st.shown.whole(s);
        let response = ui.allocate_rect(square, Sense::click());
        let name = format!("compared: {}", super::symbol_label(s));
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, &name));
        match g.and_then(|g| g.view) {
            Some(view) if cx.rt.gpu_lost.is_none() => {
                let frame = Frame {
                    style: s.style,
                    ..st.frame()
                };
                paint_whole(ui.painter(), square, view, frame);
            }
            _ => {
                ui.painter()
                    .rect_filled(square, 4.0, Color32::from_gray(20));
                ui.painter().text(
                    square.center(),
                    egui::Align2::CENTER_CENTER,
                    format!("computing {}…", s.name),
                    egui::FontId::proportional(14.0),
                    Color32::GRAY,
                );
            }
        }
        if response.double_clicked() {
            cx.push(Command::Map(MapCommand::Open(s.id.clone())));
        }
        ui.painter().text(
            square.center_bottom() + Vec2::new(0.0, 4.0),
            egui::Align2::CENTER_TOP,
            super::symbol_label(s),
            egui::FontId::proportional(15.0),
            ui.visuals().strong_text_color(),
        );
    }
}
