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
    let mut from = 0;
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
        let data = &text[start..start + len];
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
