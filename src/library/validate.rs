//! Cross-reference checks of a parsed library: duplicate ids, links to things that do not
//! exist, glyphs that cannot be drawn, region anchors outside their glyph's box, adapter
//! files that are not there.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::format::{Kind, Lines, Parsed, Target};
use super::{GlyphRef, Severity, outline_box};
use crate::glyph::FontSet;

/// How far outside the glyph's box an anchor may sit (em): anchors on the outline itself
/// are fine, and curve control points make the box a little generous anyway.
const ANCHOR_SLACK_EM: f64 = 0.02;

pub(super) fn check(parsed: &mut Parsed, lines: &Lines, path: &Path) {
    let mut problems = Vec::new();
    let mut push = |severity, span, message| {
        problems.push(lines.problem(path, severity, span, message));
    };

    // Duplicate ids, per kind. Scenes, symbols and adapters share one namespace for scene
    // links, so a clash between kinds is flagged too.
    let mut seen: HashMap<(Kind, &str), usize> = HashMap::with_capacity(parsed.decls.len());
    let mut any_kind: HashMap<&str, Kind> = HashMap::with_capacity(parsed.decls.len());
    for (i, d) in parsed.decls.iter().enumerate() {
        if let Some(&first) = seen.get(&(d.kind, d.id.as_str())) {
            let (line, column) = parsed.decls[first]
                .span
                .clone()
                .map_or((1, 1), |s| lines.line_column(s.start));
            push(
                Severity::Error,
                d.span.clone(),
                format!(
                    "duplicate {} id `{}`: it is already used at line {line}, column {column}",
                    d.kind.name(),
                    d.id
                ),
            );
            continue;
        }
        seen.insert((d.kind, d.id.as_str()), i);
        if matches!(d.kind, Kind::Symbol | Kind::Scene | Kind::Adapter) {
            if let Some(&other) = any_kind.get(d.id.as_str()) {
                push(
                    Severity::Warning,
                    d.span.clone(),
                    format!(
                        "{} id `{}` is also a {} id; links to it are ambiguous",
                        d.kind.name(),
                        d.id,
                        other.name()
                    ),
                );
            } else {
                any_kind.insert(d.id.as_str(), d.kind);
            }
        }
    }

    let lib = &parsed.library;
    let ids = |kind: Kind| -> HashSet<&str> {
        let of_kind = || parsed.decls.iter().filter(move |d| d.kind == kind);
        let mut set = HashSet::with_capacity(of_kind().count());
        set.extend(of_kind().map(|d| d.id.as_str()));
        set
    };
    let symbols = ids(Kind::Symbol);
    let scenes = ids(Kind::Scene);
    let adapters = ids(Kind::Adapter);
    let concepts = ids(Kind::Concept);
    for r in &parsed.refs {
        let (ok, wanted) = match &r.target {
            Target::One(Kind::Symbol) => (symbols.contains(r.id.as_str()), "symbol"),
            Target::One(Kind::Scene) => (scenes.contains(r.id.as_str()), "scene"),
            Target::One(Kind::Adapter) => (adapters.contains(r.id.as_str()), "adapter"),
            Target::One(Kind::Concept) => (concepts.contains(r.id.as_str()), "concept"),
            Target::One(Kind::Tour) => (false, "tour"),
            Target::AnyOf => (
                [&symbols, &scenes, &adapters]
                    .iter()
                    .any(|set| set.contains(r.id.as_str())),
                "scene, symbol or adapter",
            ),
            Target::Region { symbol } => {
                let found = lib
                    .symbol(symbol)
                    .is_none_or(|s| s.regions.iter().any(|x| x.id == r.id));
                (found, "region of that symbol")
            }
        };
        if !ok {
            push(
                Severity::Error,
                r.span.clone(),
                format!(
                    "{} links to {wanted} `{}`, which the library does not have",
                    r.from, r.id
                ),
            );
        }
    }

    // Glyphs and anchors: every anchor must lie in (or within a hair of) its glyph's box.
    let fonts = FontSet::bundled();
    let mut boxes = Vec::with_capacity(lib.symbols.len());
    let mut char_boxes: HashMap<char, Option<crate::geometry::EmRect>> = HashMap::new();
    for (i, s) in lib.symbols.iter().enumerate() {
        let span = parsed.glyph_spans.get(i).cloned().flatten();
        let rect = match &s.glyph {
            // Many symbols of a big library share characters: outline each once.
            GlyphRef::Char { ch, font: None } if char_boxes.contains_key(ch) => char_boxes[ch],
            glyph => {
                let rect = match lib.outline(glyph, &fonts) {
                    Ok(outline) => Some(outline_box(&outline)),
                    Err(e) => {
                        push(
                            Severity::Error,
                            span,
                            format!("the glyph of symbol `{}` cannot be drawn: {e}", s.id),
                        );
                        None
                    }
                };
                if let GlyphRef::Char { ch, font: None } = glyph {
                    char_boxes.insert(*ch, rect);
                }
                rect
            }
        };
        boxes.push(rect);
    }
    for a in &parsed.anchors {
        let s = &lib.symbols[a.symbol];
        let region = &s.regions[a.region];
        let Some(rect) = boxes[a.symbol] else {
            continue;
        };
        let [x, y] = region.anchor;
        let inside = x >= rect.min.x - ANCHOR_SLACK_EM
            && x <= rect.max.x + ANCHOR_SLACK_EM
            && y >= rect.min.y - ANCHOR_SLACK_EM
            && y <= rect.max.y + ANCHOR_SLACK_EM;
        if !inside {
            push(
                Severity::Error,
                a.span.clone(),
                format!(
                    "anchor [{x}, {y}] of region `{}` of symbol `{}` is outside the glyph's box x {:.3}..{:.3}, y {:.3}..{:.3} (em)",
                    region.id, s.id, rect.min.x, rect.max.x, rect.min.y, rect.max.y
                ),
            );
        }
    }

    // Adapter files: a missing file is a warning (the adapter still works by its triggers).
    for a in &lib.adapters {
        if let Some(file) = &a.file {
            let resolved = lib.resolve(file);
            if !resolved.exists() {
                let span = parsed
                    .decls
                    .iter()
                    .find(|d| d.kind == Kind::Adapter && d.id == a.id)
                    .and_then(|d| d.span.clone());
                push(
                    Severity::Warning,
                    span,
                    format!(
                        "adapter `{}` names file {}, which does not exist",
                        a.id,
                        resolved.display()
                    ),
                );
            }
        }
    }
    parsed.problems.extend(problems);
    parsed
        .problems
        .sort_by_key(|p| (p.line, p.column, p.severity == Severity::Warning));
}
