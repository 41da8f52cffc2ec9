//! SVG files and bare SVG path data → outlines in em units.
//!
//! A whole SVG file: every visible path, with its absolute transform and fill rule; a path
//! with only a stroke contributes its stroke outline. One em is the document height and y is
//! flipped so that it runs up. Bare path data (`M 0 0 L 1 0 …`) is read as em units, y up.

use std::path::Path as FsPath;

use lyon::math::point;
use lyon::path::Path;

use super::{FillRule, GlyphError, GlyphSource, Outline, Shape};

/// Reads and parses an SVG file.
pub fn outline_from_svg_file(path: &FsPath) -> Result<Outline, GlyphError> {
    let bytes = std::fs::read(path).map_err(|error| GlyphError::SvgRead {
        path: path.to_path_buf(),
        error,
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let (line, column) = crate::text::line_column(&bytes, e.valid_up_to());
        GlyphError::NotUtf8 {
            path: path.to_path_buf(),
            line,
            column,
        }
    })?;
    outline_from_svg_str(text, path)
}

/// Parses SVG text; `path` names it in messages.
pub fn outline_from_svg_str(text: &str, path: &FsPath) -> Result<Outline, GlyphError> {
    // usvg expands every arc into curves before anything else can look at it: an arc whose
    // radii blow up would take all the time and memory there.
    let mut cost = 0.0;
    for (offset, data) in path_data_attributes(text) {
        if let Some(message) = arc_problem(data, &mut cost) {
            let (line, column) = crate::text::line_column(text.as_bytes(), offset);
            return Err(GlyphError::SvgParse {
                path: path.to_path_buf(),
                message: format!("path data at {line}:{column}: {message}"),
            });
        }
    }
    let tree = usvg::Tree::from_str(text, &usvg::Options::default()).map_err(|e| {
        GlyphError::SvgParse {
            path: path.to_path_buf(),
            message: e.to_string(),
        }
    })?;
    // usvg draws a path up to its first error and drops numbers f32 cannot hold, as
    // browsers do; a glyph drawn short of what its author wrote is not what was asked for.
    if let Some((offset, message)) = path_data_problem(text) {
        let (line, column) = crate::text::line_column(text.as_bytes(), offset);
        return Err(GlyphError::SvgParse {
            path: path.to_path_buf(),
            message: format!("path data at {line}:{column}: {message}"),
        });
    }
    let size = tree.size();
    let em_per_unit = 1.0 / size.height();
    let mut shapes = Vec::new();
    collect_paths(tree.root(), size.height(), em_per_unit, &mut shapes);
    let what = path.display().to_string();
    if shapes.is_empty() {
        return Err(GlyphError::EmptyOutline { what });
    }
    let paths = shapes.len();
    Ok(Outline {
        shapes,
        source: GlyphSource::Svg {
            file: path.to_path_buf(),
            width: size.width(),
            height: size.height(),
            paths,
        },
    })
}

fn collect_paths(group: &usvg::Group, height: f32, em_per_unit: f32, out: &mut Vec<Shape>) {
    for node in group.children() {
        match node {
            usvg::Node::Group(g) => collect_paths(g, height, em_per_unit, out),
            usvg::Node::Path(p) if p.is_visible() => {
                let ts = p.abs_transform();
                let to_em = |pt: usvg::tiny_skia_path::Point| {
                    let x = ts.sx * pt.x + ts.kx * pt.y + ts.tx;
                    let y = ts.ky * pt.x + ts.sy * pt.y + ts.ty;
                    point(x * em_per_unit, (height - y) * em_per_unit)
                };
                if let Some(fill) = p.fill() {
                    let fill_rule = match fill.rule() {
                        usvg::FillRule::NonZero => FillRule::NonZero,
                        usvg::FillRule::EvenOdd => FillRule::EvenOdd,
                    };
                    if let Some(path) = lyon_from_skia(p.data(), to_em) {
                        out.push(Shape { path, fill_rule });
                    }
                } else if let Some(stroke) = p.stroke() {
                    let stroked = p.data().stroke(&stroke.to_tiny_skia(), 1.0);
                    if let Some(path) = stroked.as_ref().and_then(|s| lyon_from_skia(s, to_em)) {
                        out.push(Shape {
                            path,
                            fill_rule: FillRule::NonZero,
                        });
                    }
                }
            }
            _ => {}
        }
    }
}

fn lyon_from_skia(
    data: &usvg::tiny_skia_path::Path,
    to_em: impl Fn(usvg::tiny_skia_path::Point) -> lyon::math::Point,
) -> Option<Path> {
    use usvg::tiny_skia_path::PathSegment as S;
    let mut b = Path::builder();
    let mut open = false;
    let mut any = false;
    for seg in data.segments() {
        match seg {
            S::MoveTo(p) => {
                if open {
                    b.end(true);
                }
                b.begin(to_em(p));
                open = true;
            }
            S::LineTo(p) if open => {
                b.line_to(to_em(p));
                any = true;
            }
            S::QuadTo(c, p) if open => {
                b.quadratic_bezier_to(to_em(c), to_em(p));
                any = true;
            }
            S::CubicTo(c1, c2, p) if open => {
                b.cubic_bezier_to(to_em(c1), to_em(c2), to_em(p));
                any = true;
            }
            S::Close if open => {
                b.end(true);
                open = false;
            }
            _ => {}
        }
    }
    if open {
        b.end(true);
    }
    any.then(|| b.build())
}

/// Parses bare SVG path data in em units, y up.
pub fn outline_from_path_data(data: &str, fill_rule: FillRule) -> Result<Outline, GlyphError> {
    use svgtypes::SimplePathSegment as S;
    let mut b = Path::builder();
    let mut open = false;
    let mut any = false;
    let mut current = (0.0f64, 0.0f64);
    let p = |x: f64, y: f64| point(x as f32, y as f32);
    if let Some(message) = arc_problem(data, &mut 0.0) {
        return Err(GlyphError::PathData { message });
    }
    for (index, seg) in svgtypes::SimplifyingPathParser::from(data).enumerate() {
        let seg = seg.map_err(|e| GlyphError::PathData {
            message: e.to_string(),
        })?;
        if let Some(bad) = coordinates(&seg).into_iter().find(|v| !fits_f32(*v)) {
            return Err(GlyphError::PathData {
                message: format!(
                    "segment {} has the coordinate {bad:e}, which is not a finite number within ±3.4e38",
                    index + 1
                ),
            });
        }
        match seg {
            S::MoveTo { x, y } => {
                if open {
                    b.end(true);
                }
                b.begin(p(x, y));
                open = true;
                current = (x, y);
            }
            other => {
                if !open {
                    b.begin(p(current.0, current.1));
                    open = true;
                }
                match other {
                    S::LineTo { x, y } => {
                        b.line_to(p(x, y));
                        current = (x, y);
                    }
                    S::Quadratic { x1, y1, x, y } => {
                        b.quadratic_bezier_to(p(x1, y1), p(x, y));
                        current = (x, y);
                    }
                    S::CurveTo {
                        x1,
                        y1,
                        x2,
                        y2,
                        x,
                        y,
                    } => {
                        b.cubic_bezier_to(p(x1, y1), p(x2, y2), p(x, y));
                        current = (x, y);
                    }
                    S::ClosePath => {
                        b.end(true);
                        open = false;
                        continue;
                    }
                    S::MoveTo { .. } => unreachable!("handled above"),
                }
                any = true;
            }
        }
    }
    if open {
        b.end(true);
    }
    let source = GlyphSource::PathData {
        data: data.to_string(),
    };
    if !any {
        return Err(GlyphError::EmptyOutline {
            what: source.describe(),
        });
    }
    Ok(Outline {
        shapes: vec![Shape {
            path: b.build(),
            fill_rule,
        }],
        source,
    })
}

/// The first `d="…"` attribute in SVG text whose path data does not parse or holds a
/// number f32 cannot: its byte offset and what is wrong.
fn path_data_problem(text: &str) -> Option<(usize, String)> {
    for (start, data) in path_data_attributes(text) {
        for seg in svgtypes::SimplifyingPathParser::from(data) {
            match seg {
                Err(e) => return Some((start, e.to_string())),
                Ok(seg) => {
                    if let Some(bad) = coordinates(&seg).into_iter().find(|v| !fits_f32(*v)) {
                        return Some((
                            start,
                            format!("the coordinate {bad:e} is not a finite number within ±3.4e38"),
                        ));
                    }
                }
            }
        }
    }
    None
}

/// Every `d="…"` attribute in SVG text: the byte offset of its value and the value.
fn path_data_attributes(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(found) = text[from..].find("d=") {
            let at = from + found;
            from = at + 2;
            let before = text[..at].chars().next_back();
            if !before.is_some_and(char::is_whitespace) {
                continue;
            }
            let Some(quote) = text[at + 2..]
                .chars()
                .next()
                .filter(|q| *q == '"' || *q == '\'')
            else {
                continue;
            };
            let start = at + 3;
            let Some(len) = text[start..].find(quote) else {
                continue;
            };
            return Some((start, &text[start..start + len]));
        }
        None
    })
}

/// The most cubic curves one arc may become. svgtypes, which usvg and the path-data reader
/// parse with, expands an arc into curves at a tolerance of 0.1 user units and hands them
/// out one by one from the front of a `Vec`, which takes time quadratic in their number: a
/// fuzzed arc of a million curves took minutes. 256 curves is an arc of radius about 1e13
/// user units; a circle of radius 1,000 takes 4.
const MAX_ARC_CURVES: f64 = 256.0;

/// The most that the arcs of one file may cost svgtypes: the sum of the squares of their
/// curve counts (about 0.2 s). Two hundred thousand arcs of a million units' radius fit.
const MAX_ARC_COST: f64 = 67_108_864.0;

/// The first arc of SVG path data that svgtypes would expand into too many curves (more
/// than [`MAX_ARC_CURVES`], or past [`MAX_ARC_COST`] with those before it, counted in
/// `cost`): what is wrong with it. The count is kurbo's (`Arc::append_iter`), at svgtypes'
/// tolerance, on the arc kurbo fits to the same numbers. Parse errors stop the walk: the
/// readers report those themselves.
fn arc_problem(data: &str, cost: &mut f64) -> Option<String> {
    use svgtypes::PathSegment as P;
    const TOLERANCE: f64 = 0.1;
    let (mut at, mut subpath) = ((0.0, 0.0), (0.0, 0.0));
    for (index, seg) in svgtypes::PathParser::from(data).enumerate() {
        let Ok(seg) = seg else { break };
        let to = |abs: bool, x: f64, y: f64| if abs { (x, y) } else { (at.0 + x, at.1 + y) };
        at = match seg {
            P::MoveTo { abs, x, y } => {
                subpath = to(abs, x, y);
                subpath
            }
            P::LineTo { abs, x, y }
            | P::CurveTo { abs, x, y, .. }
            | P::SmoothCurveTo { abs, x, y, .. }
            | P::Quadratic { abs, x, y, .. }
            | P::SmoothQuadratic { abs, x, y } => to(abs, x, y),
            P::HorizontalLineTo { abs, x } => (if abs { x } else { at.0 + x }, at.1),
            P::VerticalLineTo { abs, y } => (at.0, if abs { y } else { at.1 + y }),
            P::ClosePath { .. } => subpath,
            P::EllipticalArc {
                abs,
                rx,
                ry,
                x_axis_rotation,
                large_arc,
                sweep,
                x,
                y,
            } => {
                let end = to(abs, x, y);
                let arc = kurbo::SvgArc {
                    from: kurbo::Point::new(at.0, at.1),
                    to: kurbo::Point::new(end.0, end.1),
                    radii: kurbo::Vec2::new(rx, ry),
                    x_rotation: x_axis_rotation.to_radians(),
                    large_arc,
                    sweep,
                };
                if let Some(arc) = kurbo::Arc::from_svg_arc(&arc) {
                    let radius = arc.radii.x.max(arc.radii.y);
                    let per_turn = (1.1163 * radius / TOLERANCE).powf(1.0 / 6.0).max(3.999_999);
                    let curves = (per_turn * arc.sweep_angle.abs() / std::f64::consts::TAU).ceil();
                    *cost += curves * curves;
                    if !curves.is_finite() || curves > MAX_ARC_CURVES {
                        return Some(format!(
                            "segment {} is an arc whose radii, fitted to its end points, are \
                             {radius:e}: it would be drawn with {curves:e} curves, and an arc \
                             may have at most {MAX_ARC_CURVES}",
                            index + 1
                        ));
                    }
                    if !cost.is_finite() || *cost > MAX_ARC_COST {
                        return Some(format!(
                            "segment {} is one arc too many: the arcs so far would be drawn \
                             with too many curves to read in time",
                            index + 1
                        ));
                    }
                }
                end
            }
        };
    }
    None
}

/// Whether `v` is a number an f32 outline can hold.
fn fits_f32(v: f64) -> bool {
    v.is_finite() && v.abs() <= f64::from(f32::MAX)
}

/// The numbers a segment of path data names.
fn coordinates(seg: &svgtypes::SimplePathSegment) -> Vec<f64> {
    use svgtypes::SimplePathSegment as S;
    match *seg {
        S::MoveTo { x, y } | S::LineTo { x, y } => vec![x, y],
        S::Quadratic { x1, y1, x, y } => vec![x1, y1, x, y],
        S::CurveTo {
            x1,
            y1,
            x2,
            y2,
            x,
            y,
        } => vec![x1, y1, x2, y2, x, y],
        S::ClosePath => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Arcs are counted as kurbo expands them: a circle of radius 1,000 in four curves;
    /// relative arcs from where the path is; and many large arcs together past the budget.
    #[test]
    fn arcs_are_counted_as_svgtypes_expands_them() {
        let circle = "M 0 0 A 1000 1000 0 1 0 2000 0 A 1000 1000 0 1 0 0 0 Z";
        let mut cost = 0.0;
        assert_eq!(arc_problem(circle, &mut cost), None);
        let expanded = svgtypes::SimplifyingPathParser::from(circle)
            .filter(|s| matches!(s, Ok(svgtypes::SimplePathSegment::CurveTo { .. })))
            .count() as f64;
        assert_eq!(cost, 2.0 * (expanded / 2.0).powi(2), "{expanded} curves");

        // The same huge arc, absolute and relative from a moved start.
        let huge = "M 5 5 A 1e20 1e20 0 1 1 1e15 5";
        let relative = "M 1 1 m 4 4 a 1e20 1e20 0 1 1 1e15 0";
        assert!(arc_problem(huge, &mut 0.0).is_some());
        assert!(arc_problem(relative, &mut 0.0).is_some());
        // Radii too small for the end points are fitted to them (half the chord).
        assert!(arc_problem("M 0 0 A 1 1 0 0 1 1e25 0", &mut 0.0).is_some());
        assert!(arc_problem("M 0 0 A 1 1 0 0 1 1e6 0", &mut 0.0).is_none());

        // A nearly whole turn of radius 1e20 is thousands of curves; a sliver of it is one.
        assert!(arc_problem("M 5 5 A 1e20 1e20 0 0 1 1e15 5", &mut 0.0).is_none());

        // 1,500 nearly whole turns of radius 1e13 (219 curves each) are fine one by one
        // and too many together.
        let mut many = String::from("M 0 0");
        for _ in 0..1500 {
            many.push_str(" a 1e13 1e13 0 1 1 1 0");
        }
        assert!(arc_problem(&many[..many.len() / 1500 + 6], &mut 0.0).is_none());
        let problem = arc_problem(&many, &mut 0.0).expect("refused");
        assert!(problem.contains("one arc too many"), "{problem}");
    }
}
