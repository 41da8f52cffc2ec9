//! Reading: the parsed TOML document walked by hand into the model, every wrong value a
//! located problem.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml_edit::{Array, Item, TableLike, Value};

use super::spans::Lines;
use super::{AnchorDecl, Decl, FORMAT_NAME, FORMAT_VERSION, Kind, Parsed, Ref, Target};
use crate::library::Style;
use crate::library::{
    Adapter, Concept, GlyphRef, Library, Lineage, Original, RegionLink, Register, Scene, Severity,
    Symbol, Tour, TourStep, Weighted,
};
use crate::names::Named;

struct Cx<'a> {
    /// The whole library text, in which problems are placed.
    lines: &'a Lines<'a>,
    path: &'a Path,
    /// Where the part being read starts in `text` (0 when it is read whole).
    offset: usize,
    parsed: Parsed,
    axes: Vec<String>,
}

impl Cx<'_> {
    fn error(&mut self, span: Option<Range<usize>>, message: String) {
        let p = self
            .lines
            .problem(self.path, Severity::Error, self.at(span), message);
        self.parsed.problems.push(p);
    }

    fn warn(&mut self, span: Option<Range<usize>>, message: String) {
        let p = self
            .lines
            .problem(self.path, Severity::Warning, self.at(span), message);
        self.parsed.problems.push(p);
    }

    fn link(&mut self, target: Target, id: String, from: &str, span: Option<Range<usize>>) {
        let span = self.at(span);
        self.parsed.refs.push(Ref {
            target,
            id,
            from: from.to_string(),
            span,
        });
    }
}

/// A table being read, the name it goes by in messages, and its span.
struct Obj<'t> {
    table: &'t dyn TableLike,
    what: String,
    span: Option<Range<usize>>,
}

fn item_span(item: &Item) -> Option<Range<usize>> {
    match item {
        Item::Value(v) => v.span(),
        Item::Table(t) => t.span(),
        Item::ArrayOfTables(a) => a.span(),
        Item::None => None,
    }
}

impl<'t> Obj<'t> {
    fn new(table: &'t dyn TableLike, what: String, span: Option<Range<usize>>) -> Self {
        Obj { table, what, span }
    }

    /// The span of a key's value, else of the key, else of the table.
    fn span_of(&self, key: &str) -> Option<Range<usize>> {
        match self.table.get_key_value(key) {
            Some((k, item)) => item_span(item).or_else(|| k.span()),
            None => self.span.clone(),
        }
    }

    fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.table
            .key(key)
            .and_then(|k| k.span())
            .or_else(|| self.span.clone())
    }

    fn unknown_keys(&self, cx: &mut Cx, known: &[&str]) {
        for (key, _) in self.table.iter() {
            if !known.contains(&key) {
                let span = self.key_span(key);
                cx.warn(
                    span,
                    format!(
                        "unknown key `{key}` in {} (ignored); known keys: {}",
                        self.what,
                        known.join(", ")
                    ),
                );
            }
        }
    }

    fn wrong_type(&self, cx: &mut Cx, key: &str, expected: &str) {
        let found = self.table.get(key).map_or("nothing", Item::type_name);
        cx.error(
            self.span_of(key),
            format!("`{key}` in {} must be {expected}, not {found}", self.what),
        );
    }

    fn string(&self, cx: &mut Cx, key: &str, required: bool) -> Option<String> {
        match self.table.get(key) {
            None if required => {
                cx.error(
                    self.span.clone(),
                    format!("{} has no `{key}` (a string is required)", self.what),
                );
                None
            }
            None => None,
            Some(item) => match item.as_str() {
                Some(s) => Some(s.to_string()),
                None => {
                    self.wrong_type(cx, key, "a string");
                    None
                }
            },
        }
    }

    fn number(&self, cx: &mut Cx, key: &str) -> Option<f64> {
        let item = self.table.get(key)?;
        match (as_number(item.as_value()), item.as_float()) {
            (Some(v), _) => Some(v),
            (None, Some(f)) => {
                let span = self.span_of(key);
                cx.error(
                    span,
                    format!(
                        "`{key}` in {} must be a finite number within ±3.4e38, not {f:e}",
                        self.what
                    ),
                );
                None
            }
            (None, None) => {
                self.wrong_type(cx, key, "a finite number");
                None
            }
        }
    }

    fn integer(&self, cx: &mut Cx, key: &str) -> Option<i64> {
        let item = self.table.get(key)?;
        match item.as_integer() {
            Some(v) => Some(v),
            None => {
                self.wrong_type(cx, key, "an integer");
                None
            }
        }
    }

    fn array(&self, cx: &mut Cx, key: &str) -> Option<&'t Array> {
        let item = self.table.get(key)?;
        match item.as_array() {
            Some(a) => Some(a),
            None => {
                self.wrong_type(cx, key, "an array");
                None
            }
        }
    }

    /// A list of strings, each with its span.
    fn strings(&self, cx: &mut Cx, key: &str) -> Vec<(String, Option<Range<usize>>)> {
        let Some(array) = self.array(cx, key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for v in array.iter() {
            match v.as_str() {
                Some(s) => out.push((s.to_string(), v.span())),
                None => cx.error(
                    v.span(),
                    format!(
                        "`{key}` in {} must hold strings, not {}",
                        self.what,
                        v.type_name()
                    ),
                ),
            }
        }
        out
    }

    fn sub_table(&self, cx: &mut Cx, key: &str) -> Option<Obj<'t>> {
        let item = self.table.get(key)?;
        match item.as_table_like() {
            Some(t) => Some(Obj::new(
                t,
                format!("`{key}` of {}", self.what),
                self.span_of(key),
            )),
            None => {
                self.wrong_type(cx, key, "a table");
                None
            }
        }
    }

    /// An array of tables (`[[symbol.region]]`) or an array of inline tables.
    fn tables(&self, cx: &mut Cx, key: &str) -> Vec<(&'t dyn TableLike, Option<Range<usize>>)> {
        let Some(item) = self.table.get(key) else {
            return Vec::new();
        };
        if let Some(aot) = item.as_array_of_tables() {
            return aot
                .iter()
                .map(|t| (t as &dyn TableLike, t.span()))
                .collect();
        }
        if let Some(array) = item.as_array() {
            let mut out = Vec::new();
            for v in array.iter() {
                match v.as_inline_table() {
                    Some(t) => out.push((t as &dyn TableLike, v.span())),
                    None => cx.error(
                        v.span(),
                        format!(
                            "`{key}` in {} must hold tables, not {}",
                            self.what,
                            v.type_name()
                        ),
                    ),
                }
            }
            return out;
        }
        self.wrong_type(cx, key, "an array of tables");
        Vec::new()
    }
}

/// A number the library can hold: finite and within f32's range (weights, vectors,
/// anchors and coordinates are kept as f32 or become f32 fields). `nan`, `inf` and 1e39 are
/// not numbers here, so every reader reports them where they are written.
fn as_number(v: Option<&Value>) -> Option<f64> {
    let x = match v? {
        Value::Float(f) => *f.value(),
        Value::Integer(i) => *i.value() as f64,
        _ => return None,
    };
    (x.is_finite() && x.abs() <= f64::from(f32::MAX)).then_some(x)
}

/// The top-level keys a library may have.
pub(super) const ROOT_KEYS: [&str; 10] = [
    "format",
    "version",
    "title",
    "description",
    "axes",
    "concept",
    "symbol",
    "scene",
    "adapter",
    "tour",
];

/// The entry tables in reading order: every concept, then every symbol, and so on. Ids,
/// links and problems come out in this order whether the text is read whole or in parts.
const ENTRY_KEYS: [&str; 5] = ["concept", "symbol", "scene", "adapter", "tour"];

/// Below this size a library is read in one piece: splitting would cost more than it saves.
const PARTS_FROM_BYTES: usize = 1 << 20;

impl<'a> Cx<'a> {
    /// A reader for the part of `text` that starts at byte `offset`.
    fn new(lines: &'a Lines<'a>, path: &'a Path, offset: usize) -> Self {
        Cx {
            lines,
            path,
            offset,
            parsed: Parsed {
                library: Library {
                    base_dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
                    ..Library::default()
                },
                problems: Vec::new(),
                decls: Vec::new(),
                refs: Vec::new(),
                anchors: Vec::new(),
                glyph_spans: Vec::new(),
            },
            axes: Vec::new(),
        }
    }

    /// A span of the part being read → the same bytes in the whole text.
    fn at(&self, span: Option<Range<usize>>) -> Option<Range<usize>> {
        span.map(|s| s.start + self.offset..s.end + self.offset)
    }
}

/// Parses library text into the model, collecting every problem it can find alone (the
/// cross-reference checks follow in `validate`).
///
/// A big library is read in parts on rayon's workers when that is sure to give what one
/// piece gives (problems included); otherwise it is read whole.
pub(in crate::library) fn parse(lines: &Lines, path: &Path) -> Parsed {
    let text = lines.text();
    if text.len() >= PARTS_FROM_BYTES
        && let Some(parsed) = parse_in_parts(lines, path, rayon::current_num_threads() * 4)
    {
        return parsed;
    }
    parse_whole(lines, path)
}

/// The whole text as one TOML document.
fn parse_whole(lines: &Lines, path: &Path) -> Parsed {
    let text = lines.text();
    let mut cx = Cx::new(lines, path, 0);
    let doc = match toml_edit::Document::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let message = format!("this is not valid TOML: {}", e.message().trim());
            cx.error(e.span(), message);
            return cx.parsed;
        }
    };
    let root = Obj::new(doc.as_table(), "the library".to_string(), Some(0..0));
    read_root(&mut cx, &root);
    for key in ENTRY_KEYS {
        read_entries(&mut cx, &root, key);
    }
    cx.parsed
}

/// The text cut before some of its `[[symbol]]`-style header lines, each part parsed and
/// read on its own, and the parts joined in order; `None` when that might differ from
/// reading the text whole.
///
/// Why a cut is safe: a header line at the top level ends every construct above it, so
/// the part before it is a document of its own, and `[[kind]]` appends to that kind's
/// array whichever part it is in. A cut that falls inside a multi-line string or array
/// leaves the part before it unterminated, which fails to parse, and then the whole text
/// is read instead. Later parts may hold nothing but `[[kind]]` arrays of tables (a
/// second definition of anything else is an error that only the whole document shows).
/// Problems found in a part are placed in the whole text (its spans shifted by the
/// part's offset), and everything comes out in the whole reader's order: kind by kind,
/// each in the document's order.
fn parse_in_parts(lines: &Lines, path: &Path, parts: usize) -> Option<Parsed> {
    use rayon::prelude::*;

    let text = lines.text();
    let cuts = entry_cuts(text, parts);
    if cuts.is_empty() {
        return None;
    }
    let bounds: Vec<Range<usize>> = std::iter::once(0)
        .chain(cuts.iter().copied())
        .zip(cuts.iter().copied().chain(std::iter::once(text.len())))
        .map(|(start, end)| start..end)
        .collect();
    let docs = bounds
        .par_iter()
        .map(|r| toml_edit::Document::parse(&text[r.clone()]).ok())
        .collect::<Option<Vec<_>>>()?;
    for (i, doc) in docs.iter().enumerate() {
        for (key, item) in doc.iter() {
            let entry = ENTRY_KEYS.contains(&key);
            if (entry && !item.is_array_of_tables()) || (!entry && i > 0) {
                return None;
            }
        }
    }
    let mut head = Cx::new(lines, path, 0);
    let root = Obj::new(docs[0].as_table(), "the library".to_string(), Some(0..0));
    read_root(&mut head, &root);
    let axes = head.axes;
    let mut parsed = head.parsed;
    for key in ENTRY_KEYS {
        let read: Vec<Parsed> = docs
            .par_iter()
            .zip(&bounds)
            .map(|(doc, r)| {
                let mut cx = Cx::new(lines, path, r.start);
                cx.axes.clone_from(&axes);
                let root = Obj::new(doc.as_table(), "the library".to_string(), Some(0..0));
                read_entries(&mut cx, &root, key);
                cx.parsed
            })
            .collect();
        for part in read {
            append(&mut parsed, part);
        }
    }
    Some(parsed)
}

/// Where `text` may be cut into about `parts` pieces: the starts of `[[kind]]` header lines
/// (for the kinds in `ENTRY_KEYS`), about evenly spaced, in order.
fn entry_cuts(text: &str, parts: usize) -> Vec<usize> {
    let step = (text.len() / parts.max(1)).max(1);
    let mut cuts = Vec::new();
    let mut from = step;
    while from < text.len() {
        let from_char = text.ceil_char_boundary(from);
        let Some(found) = text[from_char..].find("\n[[") else {
            break;
        };
        let at = from_char + found + 1;
        let line = &text[at..];
        let header = ENTRY_KEYS.iter().any(|k| {
            line.strip_prefix("[[")
                .and_then(|l| l.strip_prefix(k))
                .is_some_and(|l| l.starts_with("]]"))
        });
        if header {
            cuts.push(at);
            from = at + step;
        } else {
            from = at;
        }
    }
    cuts
}

/// Joins a later part onto what was read before it.
fn append(parsed: &mut Parsed, part: Parsed) {
    let symbols_before = parsed.library.symbols.len();
    let lib = &mut parsed.library;
    lib.concepts.extend(part.library.concepts);
    lib.symbols.extend(part.library.symbols);
    lib.scenes.extend(part.library.scenes);
    lib.adapters.extend(part.library.adapters);
    lib.tours.extend(part.library.tours);
    parsed.problems.extend(part.problems);
    parsed.decls.extend(part.decls);
    parsed.refs.extend(part.refs);
    parsed
        .anchors
        .extend(part.anchors.into_iter().map(|a| AnchorDecl {
            symbol: a.symbol + symbols_before,
            ..a
        }));
    parsed.glyph_spans.extend(part.glyph_spans);
}

/// The library's own keys: format, version, title, description and axes.
fn read_root(cx: &mut Cx, root: &Obj) {
    root.unknown_keys(cx, &ROOT_KEYS);
    match root.string(cx, "format", false) {
        Some(f) if f != FORMAT_NAME => {
            let span = root.span_of("format");
            cx.error(
                span,
                format!("`format` is \"{f}\"; a Hologlyph library says \"{FORMAT_NAME}\""),
            );
        }
        _ => {}
    }
    match root.integer(cx, "version") {
        None if !root.table.contains_key("version") => cx.error(
            Some(0..0),
            format!("the library has no `version`; this Hologlyph reads version {FORMAT_VERSION}"),
        ),
        Some(v) if v != FORMAT_VERSION => {
            let span = root.span_of("version");
            let why = if v > FORMAT_VERSION {
                "it was written by a newer Hologlyph; what this one understands is read"
            } else {
                "no such version was ever written"
            };
            cx.error(
                span,
                format!("unknown library version {v}: this Hologlyph reads version {FORMAT_VERSION} ({why})"),
            );
        }
        _ => {}
    }
    cx.parsed.library.title = root.string(cx, "title", false).unwrap_or_default();
    cx.parsed.library.description = root.string(cx, "description", false).unwrap_or_default();
    let mut axes: Vec<String> = Vec::new();
    for (axis, span) in root.strings(cx, "axes") {
        if axes.contains(&axis) {
            cx.error(span, format!("axis `{axis}` is listed twice"));
        } else {
            axes.push(axis);
        }
    }
    cx.axes = axes.clone();
    cx.parsed.library.axes = axes;
}

/// Every entry of one kind (`key` is one of `ENTRY_KEYS`) in the document's order.
fn read_entries(cx: &mut Cx, root: &Obj, key: &str) {
    for (t, span) in root.tables(cx, key) {
        match key {
            "concept" => {
                if let Some(c) = read_concept(cx, Obj::new(t, "a concept".into(), span)) {
                    cx.parsed.library.concepts.push(c);
                }
            }
            "symbol" => {
                let span_copy = span.clone();
                let obj = Obj::new(t, "a symbol".into(), span);
                if let Some((s, glyph_span)) = read_symbol(cx, obj) {
                    let index = cx.parsed.library.symbols.len();
                    for r in 0..s.regions.len() {
                        let anchor_span = t
                            .get("region")
                            .and_then(|item| region_table_span(item, r))
                            .or_else(|| span_copy.clone());
                        let span = cx.at(anchor_span);
                        cx.parsed.anchors.push(AnchorDecl {
                            symbol: index,
                            region: r,
                            span,
                        });
                    }
                    let glyph_span = cx.at(glyph_span);
                    cx.parsed.glyph_spans.push(glyph_span);
                    cx.parsed.library.symbols.push(Arc::new(s));
                }
            }
            "scene" => {
                if let Some(s) = read_scene(cx, Obj::new(t, "a scene".into(), span)) {
                    cx.parsed.library.scenes.push(Arc::new(s));
                }
            }
            "adapter" => {
                if let Some(a) = read_adapter(cx, Obj::new(t, "an adapter".into(), span)) {
                    cx.parsed.library.adapters.push(Arc::new(a));
                }
            }
            "tour" => {
                if let Some(tour) = read_tour(cx, Obj::new(t, "a tour".into(), span)) {
                    cx.parsed.library.tours.push(Arc::new(tour));
                }
            }
            _ => unreachable!("`{key}` is not one of ENTRY_KEYS"),
        }
    }
}

/// The span of the `at` of the r-th region table.
fn region_table_span(item: &Item, r: usize) -> Option<Range<usize>> {
    let table: &dyn TableLike = if let Some(aot) = item.as_array_of_tables() {
        aot.get(r)?
    } else {
        item.as_array()?.get(r)?.as_inline_table()?
    };
    table.get("at").and_then(item_span)
}

/// Reads `id`, declares it, and renames the object for messages.
fn read_id(cx: &mut Cx, obj: &mut Obj, kind: Kind, key: &str) -> Option<String> {
    let id = obj.string(cx, key, true)?;
    if id.trim().is_empty() {
        let span = obj.span_of(key);
        cx.error(span, format!("{} has an empty `{key}`", obj.what));
        return None;
    }
    let span = cx.at(obj.span_of(key));
    cx.parsed.decls.push(Decl {
        kind,
        id: id.clone(),
        span,
    });
    obj.what = format!("{} `{id}`", kind.name());
    Some(id)
}

fn read_concept(cx: &mut Cx, mut obj: Obj) -> Option<Concept> {
    let name = read_id(cx, &mut obj, Kind::Concept, "name")?;
    obj.unknown_keys(cx, &["name", "gloss", "vector", "colour"]);
    let mut vector = vec![0.0f32; cx.axes.len()];
    if let Some(v) = obj.sub_table(cx, "vector") {
        for (axis, item) in v.table.iter() {
            let span = v.span_of(axis);
            let Some(w) = as_number(item.as_value()) else {
                cx.error(
                    span,
                    format!(
                        "weight of axis `{axis}` in {} must be a finite number",
                        obj.what
                    ),
                );
                continue;
            };
            match cx.axes.iter().position(|a| a == axis) {
                Some(i) => vector[i] = w as f32,
                None => {
                    let span = v.key_span(axis);
                    cx.error(
                        span,
                        format!(
                            "{} uses axis `{axis}`, which the library's `axes` does not list",
                            obj.what
                        ),
                    );
                }
            }
        }
    }
    if vector.iter().all(|&w| w == 0.0) {
        let span = obj.span.clone();
        cx.error(
            span,
            format!("{} has no non-zero `vector` weight on any axis", obj.what),
        );
    }
    let colour = match obj.string(cx, "colour", false) {
        Some(hex) => {
            let c = parse_colour(&hex);
            if c.is_none() {
                let span = obj.span_of("colour");
                cx.error(
                    span,
                    format!("`colour` of {} is \"{hex}\"; write it as #rrggbb", obj.what),
                );
            }
            c
        }
        None => None,
    };
    Some(Concept {
        name,
        gloss: obj.string(cx, "gloss", false).unwrap_or_default(),
        vector,
        colour,
    })
}

fn parse_colour(hex: &str) -> Option<[u8; 3]> {
    let h = hex.strip_prefix('#')?;
    if h.len() != 6 || !h.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

fn read_components(cx: &mut Cx, obj: &Obj, key: &str) -> Vec<Weighted> {
    let Some(t) = obj.sub_table(cx, key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (concept, item) in t.table.iter() {
        let span = t.key_span(concept);
        match as_number(item.as_value()) {
            Some(w) if w.is_finite() && w >= 0.0 => {
                let from = obj.what.clone();
                cx.link(Target::One(Kind::Concept), concept.to_string(), &from, span);
                out.push(Weighted {
                    concept: concept.to_string(),
                    weight: w as f32,
                });
            }
            _ => {
                let span = t.span_of(concept);
                cx.error(
                    span,
                    format!(
                        "weight of `{concept}` in {} must be a finite number ≥ 0",
                        obj.what
                    ),
                );
            }
        }
    }
    out
}

fn read_links(cx: &mut Cx, obj: &Obj, key: &str, target: Target) -> Vec<String> {
    let from = obj.what.clone();
    obj.strings(cx, key)
        .into_iter()
        .map(|(id, span)| {
            cx.link(target.clone(), id.clone(), &from, span);
            id
        })
        .collect()
}

fn read_embedding(cx: &mut Cx, obj: &Obj) -> Option<Vec<f32>> {
    let array = obj.array(cx, "embedding")?;
    let mut v = Vec::with_capacity(array.len());
    for x in array.iter() {
        match as_number(Some(x)) {
            Some(f) if f.is_finite() => v.push(f as f32),
            _ => {
                cx.error(
                    x.span(),
                    format!("`embedding` of {} must hold finite numbers", obj.what),
                );
                return None;
            }
        }
    }
    if v.len() != cx.axes.len() {
        let span = obj.span_of("embedding");
        cx.error(
            span,
            format!(
                "`embedding` of {} has {} numbers; the library has {} axes",
                obj.what,
                v.len(),
                cx.axes.len()
            ),
        );
        return None;
    }
    Some(v)
}

fn read_original(cx: &mut Cx, obj: &Obj) -> Option<Original> {
    let t = obj.sub_table(cx, "original")?;
    let language = t.string(cx, "language", true).unwrap_or_default();
    let mut texts = BTreeMap::new();
    for (key, item) in t.table.iter() {
        if key == "language" {
            continue;
        }
        match item.as_str() {
            Some(s) => {
                texts.insert(key.to_string(), s.to_string());
            }
            None => t.wrong_type(cx, key, "a string"),
        }
    }
    Some(Original { language, texts })
}

fn read_glyph(cx: &mut Cx, obj: &Obj) -> Option<GlyphRef> {
    let Some(t) = obj.sub_table(cx, "glyph") else {
        if !obj.table.contains_key("glyph") {
            cx.error(
                obj.span.clone(),
                format!(
                    "{} has no `glyph` (one of {{ char = \"…\" }}, {{ svg = \"file.svg\" }}, {{ path = \"M …\" }}, {{ strokes = [[[x, y], …]] }})",
                    obj.what
                ),
            );
        }
        return None;
    };
    let what = format!("the glyph of {}", obj.what);
    let t = Obj::new(t.table, what, t.span);
    t.unknown_keys(
        cx,
        &["char", "font", "svg", "path", "fill", "strokes", "width"],
    );
    if let Some(s) = t.string(cx, "char", false) {
        let Some(ch) = crate::library::parse_char_key(&s) else {
            let span = t.span_of("char");
            cx.error(
                span,
                format!(
                    "`char` of {} is \"{s}\": write one character or U+XXXX",
                    obj.what
                ),
            );
            return None;
        };
        let font = t.string(cx, "font", false).map(PathBuf::from);
        return Some(GlyphRef::Char { ch, font });
    }
    if let Some(file) = t.string(cx, "svg", false) {
        return Some(GlyphRef::Svg { file: file.into() });
    }
    if let Some(data) = t.string(cx, "path", false) {
        let even_odd = match t.string(cx, "fill", false).as_deref() {
            None | Some("nonzero") => false,
            Some("evenodd") => true,
            Some(other) => {
                let span = t.span_of("fill");
                cx.error(
                    span,
                    format!("`fill` of {} is \"{other}\": nonzero or evenodd", obj.what),
                );
                false
            }
        };
        return Some(GlyphRef::Path { data, even_odd });
    }
    if let Some(array) = t.array(cx, "strokes") {
        let mut strokes = Vec::new();
        for stroke in array.iter() {
            let points: Option<Vec<[f64; 2]>> = stroke.as_array().and_then(|pts| {
                pts.iter()
                    .map(|p| {
                        let xy = p.as_array()?;
                        if xy.len() != 2 {
                            return None;
                        }
                        Some([as_number(xy.get(0))?, as_number(xy.get(1))?])
                    })
                    .collect()
            });
            match points {
                Some(p) if p.len() >= 2 => strokes.push(p),
                _ => cx.error(
                    stroke.span(),
                    format!(
                        "each stroke of {} must be a list of at least two [x, y] points of finite numbers",
                        obj.what
                    ),
                ),
            }
        }
        let width = t.number(cx, "width").unwrap_or(0.08);
        if strokes.is_empty() {
            return None;
        }
        return Some(GlyphRef::Strokes { strokes, width });
    }
    cx.error(
        t.span.clone(),
        format!(
            "{} names no source: give `char`, `svg`, `path` or `strokes`",
            t.what
        ),
    );
    None
}

fn read_enum<T: Named>(cx: &mut Cx, obj: &Obj, key: &str, default: Option<T>) -> Option<T> {
    let Some(s) = obj.string(cx, key, default.is_none()) else {
        return default;
    };
    match T::all().iter().find(|v| v.name() == s) {
        Some(v) => Some(*v),
        None => {
            let names: Vec<&str> = T::all().iter().map(|v| v.name()).collect();
            let span = obj.span_of(key);
            cx.error(
                span,
                format!(
                    "`{key}` of {} is \"{s}\"; it must be one of {}",
                    obj.what,
                    names.join(", ")
                ),
            );
            default
        }
    }
}

fn read_symbol(cx: &mut Cx, mut obj: Obj) -> Option<(Symbol, Option<Range<usize>>)> {
    let id = read_id(cx, &mut obj, Kind::Symbol, "id")?;
    obj.unknown_keys(
        cx,
        &[
            "id",
            "glyph",
            "name",
            "gloss",
            "lineage",
            "style",
            "archetype",
            "transition",
            "components",
            "tags",
            "scenes",
            "adapters",
            "output",
            "texts",
            "region",
            "embedding",
            "original",
        ],
    );
    let glyph_span = obj.span_of("glyph");
    let glyph = read_glyph(cx, &obj);
    let lineage = read_enum::<Lineage>(cx, &obj, "lineage", None);
    let style = read_enum(cx, &obj, "style", Some(Style::Hieroglyph));
    let mut texts = BTreeMap::new();
    if let Some(t) = obj.sub_table(cx, "texts") {
        let what = format!("the texts of {}", obj.what);
        let t = Obj::new(t.table, what, t.span);
        t.unknown_keys(cx, &["poetry", "logic", "interface", "body"]);
        for register in Register::ALL {
            if let Some(s) = t.string(cx, register.name(), false) {
                texts.insert(register, s);
            }
        }
    }
    let mut regions = Vec::new();
    for (t, span) in obj.tables(cx, "region") {
        let mut r = Obj::new(t, format!("a region of {}", obj.what), span);
        r.unknown_keys(cx, &["id", "label", "at", "scenes", "adapters"]);
        let Some(region_id) = r.string(cx, "id", true) else {
            continue;
        };
        if regions.iter().any(|x: &RegionLink| x.id == region_id) {
            let span = r.span_of("id");
            cx.error(
                span,
                format!("{} has two regions with id `{region_id}`", obj.what),
            );
        }
        r.what = format!("region `{region_id}` of {}", obj.what);
        let anchor = match r.array(cx, "at") {
            Some(a) if a.len() == 2 => match (as_number(a.get(0)), as_number(a.get(1))) {
                (Some(x), Some(y)) => Some([x, y]),
                _ => None,
            },
            Some(_) => None,
            None => {
                if !t.contains_key("at") {
                    cx.error(
                        r.span.clone(),
                        format!("{} has no `at` (its anchor, [x, y] in em)", r.what),
                    );
                }
                continue;
            }
        };
        let Some(anchor) = anchor else {
            let span = r.span_of("at");
            cx.error(
                span,
                format!(
                    "`at` of {} must be two finite numbers, [x, y] in em",
                    r.what
                ),
            );
            continue;
        };
        let scenes = read_links(cx, &r, "scenes", Target::One(Kind::Scene));
        let adapters = read_links(cx, &r, "adapters", Target::One(Kind::Adapter));
        if scenes.is_empty() && adapters.is_empty() {
            cx.warn(
                r.span.clone(),
                format!("{} unfolds nothing: give it `scenes` or `adapters`", r.what),
            );
        }
        regions.push(RegionLink {
            label: r
                .string(cx, "label", false)
                .unwrap_or_else(|| region_id.clone()),
            id: region_id,
            anchor,
            scenes: ids(scenes),
            adapters: ids(adapters),
        });
    }
    let symbol = Symbol {
        name: obj.string(cx, "name", true).unwrap_or_default(),
        gloss: obj.string(cx, "gloss", false).unwrap_or_default(),
        archetype: obj.string(cx, "archetype", false).unwrap_or_default(),
        transition: obj.string(cx, "transition", false),
        components: read_components(cx, &obj, "components"),
        tags: obj
            .strings(cx, "tags")
            .into_iter()
            .map(|(s, _)| s)
            .collect(),
        scenes: ids(read_links(cx, &obj, "scenes", Target::One(Kind::Scene))),
        adapters: ids(read_links(cx, &obj, "adapters", Target::One(Kind::Adapter))),
        output: obj.string(cx, "output", false),
        texts,
        regions,
        embedding: read_embedding(cx, &obj),
        original: read_original(cx, &obj),
        style: style.unwrap_or_default(),
        // A symbol without a readable glyph or lineage is dropped (the error says why).
        glyph: glyph?,
        lineage: lineage?,
        id: id.into(),
    };
    let symbol = Symbol {
        style: if obj.table.contains_key("style") {
            symbol.style
        } else {
            symbol.lineage.default_style()
        },
        ..symbol
    };
    Some((symbol, glyph_span))
}

fn read_scene(cx: &mut Cx, mut obj: Obj) -> Option<Scene> {
    let id = read_id(cx, &mut obj, Kind::Scene, "id")?;
    obj.unknown_keys(
        cx,
        &[
            "id",
            "title",
            "text",
            "components",
            "links",
            "embedding",
            "original",
        ],
    );
    Some(Scene {
        title: obj.string(cx, "title", true).unwrap_or_default(),
        text: obj.string(cx, "text", false).unwrap_or_default(),
        components: read_components(cx, &obj, "components"),
        links: read_links(cx, &obj, "links", Target::AnyOf),
        embedding: read_embedding(cx, &obj),
        original: read_original(cx, &obj),
        id: id.into(),
    })
}

fn read_adapter(cx: &mut Cx, mut obj: Obj) -> Option<Adapter> {
    let id = read_id(cx, &mut obj, Kind::Adapter, "id")?;
    obj.unknown_keys(
        cx,
        &["id", "name", "description", "triggers", "file", "original"],
    );
    Some(Adapter {
        name: obj.string(cx, "name", true).unwrap_or_default(),
        description: obj.string(cx, "description", false).unwrap_or_default(),
        triggers: obj
            .strings(cx, "triggers")
            .into_iter()
            .map(|(s, _)| s)
            .collect(),
        file: obj.string(cx, "file", false).map(PathBuf::from),
        original: read_original(cx, &obj),
        id: id.into(),
    })
}

fn read_tour(cx: &mut Cx, mut obj: Obj) -> Option<Tour> {
    let id = read_id(cx, &mut obj, Kind::Tour, "id")?;
    obj.unknown_keys(cx, &["id", "title", "step"]);
    let mut steps = Vec::new();
    for (i, (t, span)) in obj.tables(cx, "step").into_iter().enumerate() {
        let s = Obj::new(t, format!("step {} of {}", i + 1, obj.what), span);
        s.unknown_keys(
            cx,
            &[
                "symbol", "region", "regions", "register", "caption", "notes", "seconds", "style",
                "layer", "view",
            ],
        );
        let Some(symbol) = s.string(cx, "symbol", true) else {
            continue;
        };
        let from = s.what.clone();
        cx.link(
            Target::One(Kind::Symbol),
            symbol.clone(),
            &from,
            s.span_of("symbol"),
        );
        // One region (`region`) or fragments unfolded one after another (`regions`).
        let mut regions: Vec<(String, Option<Range<usize>>)> = Vec::new();
        if let Some(region) = s.string(cx, "region", false) {
            regions.push((region, s.span_of("region")));
        }
        if s.table.contains_key("regions") {
            if !regions.is_empty() {
                let span = s.span_of("regions");
                cx.error(
                    span,
                    format!("{} has both `region` and `regions`: keep one", s.what),
                );
            }
            regions.extend(s.strings(cx, "regions"));
        }
        for (region, span) in &regions {
            cx.link(
                Target::Region {
                    symbol: symbol.clone(),
                },
                region.clone(),
                &from,
                span.clone(),
            );
        }
        let seconds = s.number(cx, "seconds").unwrap_or(8.0);
        if seconds <= 0.0 {
            let span = s.span_of("seconds");
            cx.error(span, format!("`seconds` of {} must be positive", s.what));
        }
        let view = read_step_view(cx, &s);
        steps.push(TourStep {
            register: read_enum(cx, &s, "register", Some(Register::Poetry))
                .unwrap_or(Register::Poetry),
            caption: s.string(cx, "caption", false).unwrap_or_default(),
            notes: s.string(cx, "notes", false).unwrap_or_default(),
            seconds: seconds.max(0.1) as f32,
            style: s
                .table
                .contains_key("style")
                .then(|| read_enum(cx, &s, "style", None))
                .flatten(),
            layer: s
                .table
                .contains_key("layer")
                .then(|| read_enum(cx, &s, "layer", None))
                .flatten(),
            view,
            symbol: symbol.into(),
            regions: regions.into_iter().map(|(r, _)| r).collect(),
        });
    }
    Some(Tour {
        title: obj.string(cx, "title", false).unwrap_or_default(),
        id: id.into(),
        steps,
    })
}

/// A step's `view = [left, top, side]`: the part of the field shown, in field uv.
fn read_step_view(cx: &mut Cx, s: &Obj) -> Option<[f32; 3]> {
    let array = s.array(cx, "view")?;
    let span = s.span_of("view");
    let numbers: Vec<f64> = array.iter().filter_map(|v| as_number(Some(v))).collect();
    let ok = numbers.len() == 3
        && array.len() == 3
        && numbers.iter().all(|v| v.is_finite() && v.abs() < 1e6)
        && numbers[2] > 0.0;
    if !ok {
        cx.error(
            span,
            format!(
                "`view` of {} must be [left, top, side]: three finite numbers in field units, side > 0",
                s.what
            ),
        );
        return None;
    }
    Some([numbers[0] as f32, numbers[1] as f32, numbers[2] as f32])
}

/// Read ids as typed ids.
fn ids<T: From<String>>(ids: Vec<String>) -> Vec<T> {
    ids.into_iter().map(T::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled_text() -> String {
        std::fs::read_to_string(crate::library::bundled_path()).expect("the bundled library")
    }

    /// Everything the checks read from a parse, spans included.
    fn summary(p: &Parsed) -> String {
        let decls: Vec<_> = p.decls.iter().map(|d| (d.kind, &d.id, &d.span)).collect();
        let refs: Vec<_> = p
            .refs
            .iter()
            .map(|r| (&r.target, &r.id, &r.from, &r.span))
            .collect();
        let anchors: Vec<_> = p
            .anchors
            .iter()
            .map(|a| (a.symbol, a.region, &a.span))
            .collect();
        format!(
            "{:?}\n{decls:?}\n{refs:?}\n{anchors:?}\n{:?}\n{:?}",
            p.library, p.glyph_spans, p.problems
        )
    }

    #[test]
    fn reading_in_parts_gives_what_reading_whole_gives() {
        let text = bundled_text();
        let path = Path::new("/lib/hologlyph.toml");
        let whole = parse_whole(&Lines::new(&text), path);
        assert!(whole.problems.is_empty(), "{:?}", whole.problems);
        // A few parts, and a part at every entry header.
        for parts in [3, text.len()] {
            assert!(entry_cuts(&text, parts).len() >= 2);
            let in_parts = parse_in_parts(&Lines::new(&text), path, parts).expect("read in parts");
            assert_eq!(summary(&in_parts), summary(&whole), "{parts} parts");
        }
    }

    #[test]
    fn a_big_library_reads_the_same_in_parts_problems_included() {
        let mut text = bundled_text();
        let mut i = 0;
        while text.len() <= PARTS_FROM_BYTES {
            text.push_str(&format!(
                "\n[[scene]]\nid = \"generated-{i}\"\ntitle = \"Scene {i}\"\nlinks = [\"Δ03\"]\n"
            ));
            i += 1;
        }
        let path = Path::new("/lib/hologlyph.toml");
        let lines = Lines::new(&text);
        assert!(parse_in_parts(&lines, path, 4).is_some());
        assert_eq!(
            summary(&parse(&lines, path)),
            summary(&parse_whole(&lines, path))
        );

        // An unknown key in the first generated scene and a wrong value in the last:
        // read in parts, placed on their own lines, in the whole reader's order.
        let broken = format!("{text}\n[[scene]]\nid = \"late\"\ntitle = 7\n").replacen(
            "id = \"generated-0\"\n",
            "id = \"generated-0\"\ncolour = 1\n",
            1,
        );
        let lines = Lines::new(&broken);
        assert!(parse_in_parts(&lines, path, 4).is_some());
        let parsed = parse(&lines, path);
        let colour_line = broken.lines().position(|l| l == "colour = 1").unwrap() + 1;
        let last_line = broken.lines().count();
        let places: Vec<_> = parsed.problems.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(
            places,
            [(colour_line, 1), (last_line, 9)],
            "{:?}",
            parsed.problems
        );
        assert_eq!(summary(&parsed), summary(&parse_whole(&lines, path)));
    }

    #[test]
    fn a_header_line_inside_a_multi_line_string_is_read_as_text() {
        let text = bundled_text();
        let line = text
            .lines()
            .find(|l| l.starts_with("text = \"The lungs of a newborn"))
            .expect("scene Δ03's text");
        let text = text.replacen(line, "text = \"\"\"\n[[symbol]]\nid = \"ghost\"\n\"\"\"", 1);
        let path = Path::new("/lib/hologlyph.toml");
        assert!(
            entry_cuts(&text, text.len())
                .iter()
                .any(|&c| text[c..].starts_with("[[symbol]]\nid = \"ghost\""))
        );
        assert!(parse_in_parts(&Lines::new(&text), path, text.len()).is_none());
        let whole = parse_whole(&Lines::new(&text), path);
        assert!(whole.problems.is_empty(), "{:?}", whole.problems);
        let scene = whole
            .library
            .scenes
            .iter()
            .find(|s| s.id.as_str() == "Δ03")
            .unwrap();
        assert_eq!(scene.text, "[[symbol]]\nid = \"ghost\"\n");
        assert!(
            !whole
                .library
                .symbols
                .iter()
                .any(|s| s.id.as_str() == "ghost")
        );
    }

    #[test]
    fn what_only_the_whole_document_shows_is_read_whole() {
        let path = Path::new("/lib/hologlyph.toml");
        // A static array cannot be extended by a later `[[scene]]`; a table cannot be
        // defined in two places.
        let text = bundled_text();
        for broken in [
            format!("scene = []\n{text}"),
            format!("{text}\n[title]\nx = 1\n"),
        ] {
            assert!(parse_in_parts(&Lines::new(&broken), path, broken.len()).is_none());
            let whole = parse_whole(&Lines::new(&broken), path);
            assert!(
                whole.problems.iter().any(|p| p.severity == Severity::Error),
                "no error"
            );
        }
    }
}
