//! Editable outlines: contours of on-curve points and the Bézier control points between
//! them, read from any outline (a font character, an SVG file, path data) and written back
//! as SVG path data in em units, y up. The point editor and the pen tool change these; the
//! library stores the result as a symbol's `path`.

use lyon::path::Event;

use super::Outline;

/// A point of a contour: on the curve, or a control point of the curve between two
/// on-curve points (one control point: quadratic; two: cubic).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ContourPoint {
    pub at: [f64; 2],
    pub on: bool,
}

impl ContourPoint {
    pub fn on(at: [f64; 2]) -> Self {
        Self { at, on: true }
    }

    pub fn control(at: [f64; 2]) -> Self {
        Self { at, on: false }
    }
}

/// One contour: starts at its first point, which is on the curve.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Contour {
    pub points: Vec<ContourPoint>,
    pub closed: bool,
}

/// Which point of which contour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PointRef {
    pub contour: usize,
    pub point: usize,
}

/// All contours of a glyph.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Contours {
    pub contours: Vec<Contour>,
}

impl Contours {
    /// The contours of every shape of an outline (curves kept as curves).
    pub fn from_outline(outline: &Outline) -> Self {
        let mut contours = Vec::new();
        let p = |v: lyon::math::Point| [v.x as f64, v.y as f64];
        for shape in &outline.shapes {
            let mut current = Contour::default();
            for event in shape.path.iter() {
                match event {
                    Event::Begin { at } => {
                        current = Contour {
                            points: vec![ContourPoint::on(p(at))],
                            closed: false,
                        };
                    }
                    Event::Line { to, .. } => current.points.push(ContourPoint::on(p(to))),
                    Event::Quadratic { ctrl, to, .. } => {
                        current.points.push(ContourPoint::control(p(ctrl)));
                        current.points.push(ContourPoint::on(p(to)));
                    }
                    Event::Cubic {
                        ctrl1, ctrl2, to, ..
                    } => {
                        current.points.push(ContourPoint::control(p(ctrl1)));
                        current.points.push(ContourPoint::control(p(ctrl2)));
                        current.points.push(ContourPoint::on(p(to)));
                    }
                    Event::End { close, first, .. } => {
                        let mut c = std::mem::take(&mut current);
                        // A closing line back to the start is implied by `closed`.
                        if close
                            && c.points.len() > 1
                            && c.points.last().is_some_and(|l| l.on && l.at == p(first))
                        {
                            c.points.pop();
                        }
                        c.closed = close;
                        if !c.points.is_empty() {
                            contours.push(c);
                        }
                    }
                }
            }
        }
        Self { contours }
    }

    /// Parses SVG path data (em, y up), keeping which contours end with `Z` and every point
    /// as written (a point on the start is not taken for the closing point).
    pub fn from_path_data(data: &str) -> Result<Self, super::GlyphError> {
        use svgtypes::SimplePathSegment as S;
        let mut contours: Vec<Contour> = Vec::new();
        let mut open: Option<Contour> = None;
        let mut current = [0.0, 0.0];
        for seg in svgtypes::SimplifyingPathParser::from(data) {
            let seg = seg.map_err(|e| super::GlyphError::PathData {
                message: e.to_string(),
            })?;
            let start = |open: &mut Option<Contour>, at: [f64; 2]| {
                open.get_or_insert_with(|| Contour {
                    points: vec![ContourPoint::on(at)],
                    closed: false,
                })
                .points
                .len()
            };
            match seg {
                S::MoveTo { x, y } => {
                    contours.extend(open.take());
                    current = [x, y];
                    start(&mut open, current);
                }
                S::LineTo { x, y } => {
                    start(&mut open, current);
                    current = [x, y];
                    if let Some(c) = open.as_mut() {
                        c.points.push(ContourPoint::on(current));
                    }
                }
                S::Quadratic { x1, y1, x, y } => {
                    start(&mut open, current);
                    current = [x, y];
                    if let Some(c) = open.as_mut() {
                        c.points.push(ContourPoint::control([x1, y1]));
                        c.points.push(ContourPoint::on(current));
                    }
                }
                S::CurveTo {
                    x1,
                    y1,
                    x2,
                    y2,
                    x,
                    y,
                } => {
                    start(&mut open, current);
                    current = [x, y];
                    if let Some(c) = open.as_mut() {
                        c.points.push(ContourPoint::control([x1, y1]));
                        c.points.push(ContourPoint::control([x2, y2]));
                        c.points.push(ContourPoint::on(current));
                    }
                }
                S::ClosePath => {
                    if let Some(mut c) = open.take() {
                        // A curve back to the start is written ending on the start itself.
                        let first = c.points[0].at;
                        let n = c.points.len();
                        if n > 1 && c.points[n - 1].at == first && !c.points[n - 2].on {
                            c.points.pop();
                        }
                        c.closed = true;
                        current = first;
                        contours.push(c);
                    }
                }
            }
        }
        contours.extend(open);
        Ok(Self { contours })
    }

    /// SVG path data: `M`, `L`, `Q`, `C`, `Z`, coordinates to 1/10000 em.
    pub fn to_path_data(&self) -> String {
        let mut out = Vec::new();
        for c in &self.contours {
            let Some(first) = c.points.first() else {
                continue;
            };
            out.push(format!("M {}", xy(first.at)));
            let mut pending: Vec<[f64; 2]> = Vec::new();
            let mut points: Vec<ContourPoint> = c.points[1..].to_vec();
            if c.closed && !pending_closes_on(&c.points) {
                // Controls after the last on-curve point curve back to the start.
                points.push(*first);
            }
            for p in points {
                if !p.on {
                    pending.push(p.at);
                    continue;
                }
                out.push(segment(&pending, p.at));
                pending.clear();
            }
            if c.closed {
                out.push("Z".into());
            }
        }
        out.join(" ")
    }

    /// Number of on-curve points and segments, all contours.
    pub fn segment_count(&self) -> usize {
        self.contours
            .iter()
            .map(|c| {
                let on = c.points.iter().filter(|p| p.on).count();
                if c.closed { on } else { on.saturating_sub(1) }
            })
            .sum()
    }

    pub fn point(&self, r: PointRef) -> Option<ContourPoint> {
        self.contours.get(r.contour)?.points.get(r.point).copied()
    }

    /// The point nearest to `at` within `radius` em.
    pub fn nearest(&self, at: [f64; 2], radius: f64) -> Option<PointRef> {
        let mut best: Option<(f64, PointRef)> = None;
        for (ci, c) in self.contours.iter().enumerate() {
            for (pi, p) in c.points.iter().enumerate() {
                let d = dist(p.at, at);
                if d <= radius && best.is_none_or(|(b, _)| d < b) {
                    best = Some((
                        d,
                        PointRef {
                            contour: ci,
                            point: pi,
                        },
                    ));
                }
            }
        }
        best.map(|(_, r)| r)
    }

    /// Moves a point (an on-curve point takes its neighbouring controls along).
    pub fn move_point(&mut self, r: PointRef, to: [f64; 2]) {
        let Some(c) = self.contours.get_mut(r.contour) else {
            return;
        };
        let Some(p) = c.points.get(r.point).copied() else {
            return;
        };
        let d = [to[0] - p.at[0], to[1] - p.at[1]];
        c.points[r.point].at = to;
        if p.on {
            let n = c.points.len();
            for j in [r.point + n - 1, r.point + 1] {
                let j = j % n;
                if j != r.point && !c.points[j].on && (c.closed || j != 0) {
                    c.points[j].at[0] += d[0];
                    c.points[j].at[1] += d[1];
                }
            }
        }
    }

    /// Inserts an on-curve point halfway along the segment that starts at the on-curve point
    /// `r` (a curve is split in two, keeping its shape), returning it.
    pub fn insert_after(&mut self, r: PointRef) -> Option<PointRef> {
        let c = self.contours.get_mut(r.contour)?;
        let n = c.points.len();
        if !c.points.get(r.point)?.on || n < 2 {
            return None;
        }
        // The segment: r, its controls, the next on-curve point.
        let mut controls = Vec::new();
        let mut j = (r.point + 1) % n;
        while !c.points[j].on && controls.len() < n {
            controls.push(c.points[j].at);
            j = (j + 1) % n;
        }
        if j <= r.point && !c.closed {
            return None;
        }
        let a = c.points[r.point].at;
        let b = c.points[j].at;
        let mid = |p: [f64; 2], q: [f64; 2]| [(p[0] + q[0]) / 2.0, (p[1] + q[1]) / 2.0];
        let replacement: Vec<ContourPoint> = match controls.as_slice() {
            [] => vec![ContourPoint::on(mid(a, b))],
            [q] => {
                let (l, r2) = (mid(a, *q), mid(*q, b));
                vec![
                    ContourPoint::control(l),
                    ContourPoint::on(mid(l, r2)),
                    ContourPoint::control(r2),
                ]
            }
            [q1, q2] => {
                let (ab, bc, cd) = (mid(a, *q1), mid(*q1, *q2), mid(*q2, b));
                let (abc, bcd) = (mid(ab, bc), mid(bc, cd));
                vec![
                    ContourPoint::control(ab),
                    ContourPoint::control(abc),
                    ContourPoint::on(mid(abc, bcd)),
                    ContourPoint::control(bcd),
                    ContourPoint::control(cd),
                ]
            }
            _ => return None,
        };
        // The segment's controls run from `r` + 1 up to the next on-curve point, or to the
        // end of the list when it closes back onto the first point.
        let at = r.point + 1;
        let on = at + replacement.iter().position(|p| p.on).unwrap_or(0);
        c.points.splice(at..at + controls.len(), replacement);
        Some(PointRef {
            contour: r.contour,
            point: on,
        })
    }

    /// Deletes a point; a contour left without on-curve points goes too.
    pub fn delete_point(&mut self, r: PointRef) {
        let Some(c) = self.contours.get_mut(r.contour) else {
            return;
        };
        if r.point < c.points.len() {
            c.points.remove(r.point);
        }
        // The first point must be on the curve.
        while c.points.first().is_some_and(|p| !p.on) {
            let p = c.points.remove(0);
            if c.closed {
                c.points.push(p);
            }
            if c.points.iter().all(|p| !p.on) {
                c.points.clear();
            }
        }
        // Deleting an on-curve point between two curves leaves a run of more than two
        // controls: keep the outer two, one cubic through where the two curves went.
        let mut i = 0;
        while i < c.points.len() {
            if c.points[i].on {
                i += 1;
                continue;
            }
            let end = (i..c.points.len())
                .find(|&j| c.points[j].on)
                .unwrap_or(c.points.len());
            if end - i > 2 {
                c.points.drain(i + 1..end - 1);
            }
            i += 2;
        }
        if c.points.iter().all(|p| !p.on) {
            self.contours.remove(r.contour);
        }
    }

    pub fn set_closed(&mut self, contour: usize, closed: bool) {
        if let Some(c) = self.contours.get_mut(contour) {
            c.closed = closed;
        }
    }

    /// Reverses a contour's direction (its first point stays first).
    pub fn reverse(&mut self, contour: usize) {
        if let Some(c) = self.contours.get_mut(contour)
            && c.points.len() > 1
        {
            if c.closed {
                c.points[1..].reverse();
            } else {
                c.points.reverse();
            }
        }
    }

    pub fn delete_contour(&mut self, contour: usize) {
        if contour < self.contours.len() {
            self.contours.remove(contour);
        }
    }

    /// Signed area of each closed contour (positive: counter-clockwise, y up), from its
    /// on-curve points.
    pub fn signed_areas(&self) -> Vec<f64> {
        self.contours
            .iter()
            .map(|c| {
                let on: Vec<[f64; 2]> = c.points.iter().filter(|p| p.on).map(|p| p.at).collect();
                let n = on.len();
                (0..n)
                    .map(|i| {
                        let (a, b) = (on[i], on[(i + 1) % n]);
                        a[0] * b[1] - b[0] * a[1]
                    })
                    .sum::<f64>()
                    / 2.0
            })
            .collect()
    }
}

/// Whether the last points are controls that end the contour on its first point (written
/// by `from_outline` as a curve back to the start).
fn pending_closes_on(points: &[ContourPoint]) -> bool {
    points.last().is_some_and(|p| p.on)
}

fn segment(controls: &[[f64; 2]], to: [f64; 2]) -> String {
    match controls {
        [] => format!("L {}", xy(to)),
        [c] => format!("Q {} {}", xy(*c), xy(to)),
        [c1, c2] => format!("C {} {} {}", xy(*c1), xy(*c2), xy(to)),
        // More controls than a cubic: a line through them (never made by the editor).
        many => {
            let mut s: Vec<String> = many.iter().map(|c| format!("L {}", xy(*c))).collect();
            s.push(format!("L {}", xy(to)));
            s.join(" ")
        }
    }
}

fn xy(p: [f64; 2]) -> String {
    format!("{} {}", num(p[0]), num(p[1]))
}

/// A coordinate to 1/10000 em, without trailing zeros.
fn num(x: f64) -> String {
    let r = (x * 10_000.0).round() / 10_000.0;
    let r = if r == 0.0 { 0.0 } else { r };
    format!("{r}")
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// Snaps an em coordinate to a grid of `step` em.
pub fn snap(at: [f64; 2], step: f64) -> [f64; 2] {
    [(at[0] / step).round() * step, (at[1] / step).round() * step]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triangle() -> Contours {
        Contours::from_path_data("M 0.2 0.1 L 0.8 0.1 L 0.5 0.9 Z").unwrap()
    }

    #[test]
    fn path_data_round_trips() {
        let t = triangle();
        assert_eq!(t.contours.len(), 1);
        assert_eq!(t.contours[0].points.len(), 3);
        assert!(t.contours[0].closed);
        assert_eq!(t.to_path_data(), "M 0.2 0.1 L 0.8 0.1 L 0.5 0.9 Z");
        let curved = "M 0 0 Q 0.5 1 1 0 C 1 -0.5 0 -0.5 0 0 Z";
        let c = Contours::from_path_data(curved).unwrap();
        assert_eq!(Contours::from_path_data(&c.to_path_data()).unwrap(), c);
        assert_eq!(c.segment_count(), 2);
    }

    #[test]
    fn editing_points() {
        let mut t = triangle();
        let r = t.nearest([0.79, 0.11], 0.05).unwrap();
        assert_eq!(r.point, 1);
        t.move_point(r, [0.9, 0.1]);
        assert_eq!(t.to_path_data(), "M 0.2 0.1 L 0.9 0.1 L 0.5 0.9 Z");
        let added = t.insert_after(r).unwrap();
        // Halfway, to the f32 precision of the lyon path the data was read through.
        assert!(dist(t.point(added).unwrap().at, [0.7, 0.5]) < 1e-6);
        t.delete_point(added);
        t.reverse(0);
        assert_eq!(t.to_path_data(), "M 0.2 0.1 L 0.5 0.9 L 0.9 0.1 Z");
        let areas = t.signed_areas();
        assert!(areas[0] < 0.0, "reversed: clockwise");
        t.set_closed(0, false);
        assert_eq!(t.to_path_data(), "M 0.2 0.1 L 0.5 0.9 L 0.9 0.1");
        t.delete_contour(0);
        assert!(t.contours.is_empty());
    }

    #[test]
    fn curves_keep_their_shape_and_open_contours_stay_open() {
        // Splitting a quadratic at its middle: the new point is on the old curve.
        let mut c = Contours::from_path_data("M 0 0 Q 0.5 1 1 0 Z").unwrap();
        let r = c
            .insert_after(PointRef {
                contour: 0,
                point: 0,
            })
            .unwrap();
        assert!(dist(c.point(r).unwrap().at, [0.5, 0.5]) < 1e-9);
        assert_eq!(c.segment_count(), 3);
        // A cubic split likewise: B(½) of (0,0) (0,1) (1,1) (1,0) is (0.5, 0.75).
        let mut c = Contours::from_path_data("M 0 0 C 0 1 1 1 1 0 Z").unwrap();
        let r = c
            .insert_after(PointRef {
                contour: 0,
                point: 0,
            })
            .unwrap();
        assert!(dist(c.point(r).unwrap().at, [0.5, 0.75]) < 1e-9);
        // Deleting the point between the two halves leaves one cubic, not lines.
        c.delete_point(r);
        assert!(c.to_path_data().contains('C'), "{}", c.to_path_data());
        // An open contour stays open through path data, and reverses end to end.
        let mut o = Contours::from_path_data("M 0 0 L 1 0 L 1 1").unwrap();
        assert!(!o.contours[0].closed);
        o.reverse(0);
        assert_eq!(o.to_path_data(), "M 1 1 L 1 0 L 0 0");
        // A point dragged onto the start of a closed contour is kept.
        let mut t = Contours::from_path_data("M 0 0 L 1 0 L 1 1 Z").unwrap();
        t.move_point(
            PointRef {
                contour: 0,
                point: 2,
            },
            [0.0, 0.0],
        );
        let again = Contours::from_path_data(&t.to_path_data()).unwrap();
        assert_eq!(again.contours[0].points.len(), 3);
    }

    #[test]
    fn a_font_glyph_converts_to_path_data_with_the_same_ink() {
        let fonts = super::super::FontSet::bundled();
        let outline = fonts.outline('B').unwrap();
        let c = Contours::from_outline(&outline);
        assert!(
            c.contours.len() >= 3,
            "B has an outer contour and two counters"
        );
        let again = Contours::from_path_data(&c.to_path_data()).unwrap();
        assert_eq!(again.contours.len(), c.contours.len());
        for (a, b) in again.contours.iter().zip(&c.contours) {
            assert_eq!(a.points.len(), b.points.len());
            for (p, q) in a.points.iter().zip(&b.points) {
                assert!(dist(p.at, q.at) < 1e-4 && p.on == q.on);
            }
        }
    }
}
