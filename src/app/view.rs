//! How the hologram is looked at: the field layer, the style, zoom and pan, and what the
//! pointer is over. Screen points and em points are converted here, and nowhere else.

use crate::fields::Fields;
use crate::geometry::EmPoint;
use crate::hologram::{Layer, Style};
use crate::library::Symbol;

/// Zoom limits: the view's side spans this much of the field, in field uv.
const MIN_SCALE: f32 = 0.05;
const MAX_SCALE: f32 = 4.0;

/// The view transform: the part of the field shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewTransform {
    /// Top-left of the shown part, field uv.
    pub origin: [f32; 2],
    /// uv span of the view's side (1 = whole field; smaller = zoomed in).
    pub scale: f32,
}

impl Default for ViewTransform {
    fn default() -> Self {
        Self {
            origin: [0.0, 0.0],
            scale: 1.0,
        }
    }
}

impl ViewTransform {
    /// Zooms by `factor` (<1 zooms in) keeping the view point `at` (0..1) in place.
    pub fn zoom(&mut self, factor: f32, at: [f32; 2]) {
        let new_scale = (self.scale * factor).clamp(MIN_SCALE, MAX_SCALE);
        for (origin, at) in self.origin.iter_mut().zip(at) {
            let fixed = *origin + at * self.scale;
            *origin = fixed - at * new_scale;
        }
        self.scale = new_scale;
    }

    /// Pans by a drag of `delta`, in fractions of the view's side.
    pub fn pan(&mut self, delta: [f32; 2]) {
        self.origin[0] -= delta[0] * self.scale;
        self.origin[1] -= delta[1] * self.scale;
    }

    /// Em point → screen point in a view drawn in `rect` over fields on `grid`.
    pub fn screen_from_em(
        &self,
        rect: egui::Rect,
        grid: &crate::geometry::FieldGrid,
        p: [f64; 2],
    ) -> egui::Pos2 {
        let side = grid.side_em();
        let uv = [
            ((p[0] - grid.x0) / side) as f32,
            ((grid.y0 - p[1]) / side) as f32,
        ];
        let s = [
            (uv[0] - self.origin[0]) / self.scale,
            (uv[1] - self.origin[1]) / self.scale,
        ];
        rect.min + egui::vec2(s[0] * rect.width(), s[1] * rect.height())
    }

    /// Screen point → em point.
    pub fn em_from_screen(
        &self,
        rect: egui::Rect,
        grid: &crate::geometry::FieldGrid,
        pos: egui::Pos2,
    ) -> [f64; 2] {
        let s = (pos - rect.min) / rect.size();
        let uv = [
            self.origin[0] + s.x * self.scale,
            self.origin[1] + s.y * self.scale,
        ];
        let side = grid.side_em();
        [grid.x0 + uv[0] as f64 * side, grid.y0 - uv[1] as f64 * side]
    }
}

/// What the pointer is over in the hologram view.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hover {
    pub em: [f64; 2],
    /// Compact region id (0: the open exterior).
    pub region: Option<u32>,
    /// The region's key in the region texture (what the shader highlights).
    pub key: Option<u32>,
    /// The id of the symbol's region link there, if any.
    pub link: Option<String>,
    /// The shown layer's value there.
    pub value: Option<f32>,
    /// Chosen with Tab in the view, not pointed at: it stays until the pointer moves.
    pub by_keys: bool,
}

impl Hover {
    /// What is under an em point of a glyph's fields.
    pub fn at(symbol: &Symbol, fields: &Fields, layer: Layer, em: [f64; 2]) -> Self {
        let mut h = Hover {
            em,
            ..Hover::default()
        };
        let f = fields;
        if let Some((row, col)) = f.grid.px_from_em(EmPoint::new(em[0], em[1])) {
            let region = f.regions[[row, col]];
            h.region = Some(region);
            h.key = (region != 0).then(|| f.raw.region_keys[[row, col]]);
            h.value = match layer {
                Layer::Hologram | Layer::Distance => Some(f.raw.sdf[[row, col]]),
                Layer::Curvature => Some(f.raw.curvature[[row, col]]),
                Layer::Density => Some(f.raw.density[[row, col]]),
                Layer::Voids => Some(f.raw.voids[[row, col]]),
                Layer::Regions => Some(region as f32),
            };
            h.link = crate::protocol::link_at(symbol, f, EmPoint::new(em[0], em[1]))
                .and_then(|k| symbol.regions.get(k))
                .map(|r| r.id.clone());
        }
        h
    }
}

impl Hover {
    /// What the region here is and what it opens, as the tooltip, the status line and a
    /// screen reader say it ("" for no region).
    pub fn describe(
        &self,
        lib: &crate::library::Library,
        symbol: &Symbol,
        fields: &Fields,
    ) -> String {
        use crate::fields::RegionKind;
        let part = self.region.and_then(|r| fields.region_list.get(r as usize));
        let link = self
            .link
            .as_ref()
            .and_then(|id| symbol.regions.iter().find(|r| r.id == *id));
        match (link, part) {
            (Some(l), _) => {
                let mut parts: Vec<String> = l.scenes.iter().map(|s| s.to_string()).collect();
                parts.extend(
                    l.adapters
                        .iter()
                        .filter_map(|a| lib.adapter(a).map(|x| format!("adapter “{}”", x.name))),
                );
                format!("{} — opens {}", l.label, parts.join(", "))
            }
            (None, Some(r)) => match r.kind {
                RegionKind::Exterior => "open space".to_string(),
                RegionKind::Counter => format!("counter {} (links to nothing)", r.id),
                RegionKind::Ink => format!("ink part {} (links to nothing)", r.id),
            },
            (None, None) => String::new(),
        }
    }
}

/// The view's settings and pointer state.
#[derive(Clone, Debug, Default)]
pub struct ViewState {
    pub layer: Layer,
    /// A style chosen in the view instead of the symbol's own.
    pub style: Option<Style>,
    pub transform: ViewTransform,
    pub hover: Option<Hover>,
    /// Wall-clock second (egui's input time) when the shown region began to unfold.
    pub unfold_started: Option<f64>,
}
