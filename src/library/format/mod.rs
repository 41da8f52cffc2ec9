//! The library's TOML file ↔ the model: the only module that knows the on-disk format.
//!
//! Reading walks the parsed document by hand instead of deriving, so that one wrong value
//! costs only that value: every problem is collected with its place and the rest of the
//! file still loads. The grammar is documented in `assets/library/FORMAT.md`. `read` turns
//! the text into the model, `write` turns the model back into text, and `spans` places
//! problems at a line and column.

mod read;
mod spans;
mod update;
mod write;

use std::ops::Range;

use super::{Library, Problem};

pub(super) use read::parse;
pub(super) use spans::Lines;

/// Names the symbol each problem lies in: the entry whose table starts last before the
/// problem's line (a table starts at the `[[…]]` header above its `id`).
///
/// Lines are found through one index of line starts (a binary search each), so a library
/// of tens of thousands of entries is attributed in one pass over its text; with no
/// problems there is nothing to attribute.
pub(super) fn attribute_to_symbols(parsed: &mut Parsed, lines: &Lines) {
    if parsed.problems.is_empty() {
        return;
    }
    let text = lines.text();
    let line_starts = lines.starts();
    let line_of = |offset: usize| lines.line_of(offset);
    let is_header = |line: usize| {
        let start = line_starts[line - 1];
        let end = line_starts.get(line).map_or(text.len(), |&e| e);
        text[start..end].trim_start().starts_with('[')
    };
    let header_above = |line: usize| (1..=line).rev().find(|&l| is_header(l)).unwrap_or(line);
    let mut starts: Vec<(usize, Option<&str>)> = parsed
        .decls
        .iter()
        .filter_map(|d| {
            let line = line_of(d.span.as_ref()?.start.min(text.len()));
            Some((
                header_above(line),
                (d.kind == Kind::Symbol).then_some(d.id.as_str()),
            ))
        })
        .collect();
    starts.sort_by_key(|(line, _)| *line);
    for p in &mut parsed.problems {
        let owner = starts[..starts.partition_point(|(line, _)| *line <= p.line)]
            .last()
            .and_then(|(_, id)| *id);
        p.symbol = owner.map(Into::into);
    }
}
pub use update::update_toml;
pub use write::to_toml;

/// The format version this build reads and writes.
pub const FORMAT_VERSION: i64 = 1;
const FORMAT_NAME: &str = "hologlyph-library";

/// What an id or a link names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    Symbol,
    Scene,
    Adapter,
    Concept,
    Tour,
}

impl Kind {
    pub(super) fn name(self) -> &'static str {
        match self {
            Kind::Symbol => "symbol",
            Kind::Scene => "scene",
            Kind::Adapter => "adapter",
            Kind::Concept => "concept",
            Kind::Tour => "tour",
        }
    }
}

/// What a link may point to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Target {
    One(Kind),
    /// A scene's links: a scene, a symbol or an adapter.
    AnyOf,
    /// A region link id of the given symbol.
    Region {
        symbol: String,
    },
}

/// A link as written, for the cross-reference checks.
pub(super) struct Ref {
    pub target: Target,
    pub id: String,
    pub from: String,
    pub span: Option<Range<usize>>,
}

/// An id as declared.
pub(super) struct Decl {
    pub kind: Kind,
    pub id: String,
    pub span: Option<Range<usize>>,
}

/// A region anchor as written: (symbol index, region index).
pub(super) struct AnchorDecl {
    pub symbol: usize,
    pub region: usize,
    pub span: Option<Range<usize>>,
}

/// The converted library plus what the checks need to point at places.
pub(super) struct Parsed {
    pub library: Library,
    pub problems: Vec<Problem>,
    pub decls: Vec<Decl>,
    pub refs: Vec<Ref>,
    pub anchors: Vec<AnchorDecl>,
    /// Per symbol: the span of its `glyph` value.
    pub glyph_spans: Vec<Option<Range<usize>>>,
}
