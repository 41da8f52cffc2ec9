//! Reading: the parsed TOML document walked by hand into the model, every wrong value a
//! located problem.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml_edit::{Array, Item, TableLike, Value};

use super::spans::problem;
use super::{AnchorDecl, Decl, FORMAT_NAME, FORMAT_VERSION, Kind, Parsed, Ref, Target};
use crate::library::Style;
use crate::library::{
    Adapter, Concept, GlyphRef, Library, Lineage, Original, RegionLink, Register, Scene, Severity,
    Symbol, Tour, TourStep, Weighted,
};
use crate::names::Named;

struct Cx<'a> {
    text: &'a str,
    path: &'a Path,
    parsed: Parsed,
    axes: Vec<String>,
}

impl Cx<'_> {
    fn error(&mut self, span: Option<Range<usize>>, message: String) {
        let p = problem(self.text, self.path, Severity::Error, span, message);
        self.parsed.problems.push(p);
    }

    fn warn(&mut self, span: Option<Range<usize>>, message: String) {
        let p = problem(self.text, self.path, Severity::Warning, span, message);
        self.parsed.problems.push(p);
    }

    fn link(&mut self, target: Target, id: String, from: &str, span: Option<Range<usize>>) {
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
        match as_number(item.as_value()) {
            Some(v) if v.is_finite() => Some(v),
            _ => {
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

fn as_number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Float(f) => Some(*f.value()),
        Value::Integer(i) => Some(*i.value() as f64),
        _ => None,
    }
}

/// Parses library text into the model, collecting every problem it can find alone (the
/// cross-reference checks follow in `validate`).
pub(in crate::library) fn parse(text: &str, path: &Path) -> Parsed {
    let mut cx = Cx {
        text,
        path,
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
    };
    let doc = match toml_edit::Document::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let message = format!("this is not valid TOML: {}", e.message().trim());
            cx.error(e.span(), message);
            return cx.parsed;
        }
    };
    let root = Obj::new(doc.as_table(), "the library".to_string(), Some(0..0));
    root.unknown_keys(
        &mut cx,
        &[
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
        ],
    );
    match root.string(&mut cx, "format", false) {
        Some(f) if f != FORMAT_NAME => {
            let span = root.span_of("format");
            cx.error(
                span,
                format!("`format` is \"{f}\"; a Hologlyph library says \"{FORMAT_NAME}\""),
            );
        }
        _ => {}
    }
    match root.integer(&mut cx, "version") {
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
    cx.parsed.library.title = root.string(&mut cx, "title", false).unwrap_or_default();
    cx.parsed.library.description = root
        .string(&mut cx, "description", false)
        .unwrap_or_default();
    let mut axes: Vec<String> = Vec::new();
    for (axis, span) in root.strings(&mut cx, "axes") {
        if axes.contains(&axis) {
            cx.error(span, format!("axis `{axis}` is listed twice"));
        } else {
            axes.push(axis);
        }
    }
    cx.axes = axes.clone();
    cx.parsed.library.axes = axes;

    for (t, span) in root.tables(&mut cx, "concept") {
        if let Some(c) = read_concept(&mut cx, Obj::new(t, "a concept".into(), span)) {
            cx.parsed.library.concepts.push(c);
        }
    }
    for (t, span) in root.tables(&mut cx, "symbol") {
        let span_copy = span.clone();
        if let Some((s, glyph_span)) = read_symbol(&mut cx, Obj::new(t, "a symbol".into(), span)) {
            let index = cx.parsed.library.symbols.len();
            for r in 0..s.regions.len() {
                let anchor_span = t
                    .get("region")
                    .and_then(|item| region_table_span(item, r))
                    .or_else(|| span_copy.clone());
                cx.parsed.anchors.push(AnchorDecl {
                    symbol: index,
                    region: r,
                    span: anchor_span,
                });
            }
            cx.parsed.glyph_spans.push(glyph_span);
            cx.parsed.library.symbols.push(Arc::new(s));
        }
    }
    for (t, span) in root.tables(&mut cx, "scene") {
        if let Some(s) = read_scene(&mut cx, Obj::new(t, "a scene".into(), span)) {
            cx.parsed.library.scenes.push(Arc::new(s));
        }
    }
    for (t, span) in root.tables(&mut cx, "adapter") {
        if let Some(a) = read_adapter(&mut cx, Obj::new(t, "an adapter".into(), span)) {
            cx.parsed.library.adapters.push(Arc::new(a));
        }
    }
    for (t, span) in root.tables(&mut cx, "tour") {
        if let Some(tour) = read_tour(&mut cx, Obj::new(t, "a tour".into(), span)) {
            cx.parsed.library.tours.push(Arc::new(tour));
        }
    }
    cx.parsed
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
    cx.parsed.decls.push(Decl {
        kind,
        id: id.clone(),
        span: obj.span_of(key),
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
                    format!("weight of axis `{axis}` in {} must be a number", obj.what),
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
                    format!("weight of `{concept}` in {} must be a number ≥ 0", obj.what),
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
                    format!("`embedding` of {} must hold numbers", obj.what),
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
                        "each stroke of {} must be a list of at least two [x, y] points",
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
                format!("`at` of {} must be two numbers, [x, y] in em", r.what),
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
