//! Writing: the model back to TOML text in the documented format.

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

use super::{FORMAT_NAME, FORMAT_VERSION};
use crate::library::{
    Adapter, Concept, GlyphRef, Library, Original, Scene, Symbol, Tour, Weighted,
};

fn str_array<T: AsRef<str>>(items: &[T]) -> Array {
    items.iter().map(AsRef::as_ref).collect()
}

fn weights_table(components: &[Weighted]) -> InlineTable {
    let mut t = InlineTable::new();
    for c in components {
        t.insert(&c.concept, Value::from(round(c.weight as f64)));
    }
    t
}

/// Weights are stored as f32; write the shortest decimal that reads back the same.
fn round(x: f64) -> f64 {
    (x as f32).to_string().parse().unwrap_or(x)
}

fn original_table(o: &Original) -> Table {
    let mut t = Table::new();
    t.insert("language", toml_edit::value(o.language.as_str()));
    for (k, v) in &o.texts {
        t.insert(k, toml_edit::value(v.as_str()));
    }
    t
}

fn float_array(v: &[f32]) -> Array {
    v.iter().map(|&x| round(x as f64)).collect()
}

/// The library as TOML text in the documented format. Comments of a hand-written file are
/// not kept here (the model does not hold them): [`update_toml`] keeps them.
pub fn to_toml(lib: &Library) -> String {
    fresh_document(lib).to_string()
}

/// The library as a fresh TOML document in the documented layout.
pub(super) fn fresh_document(lib: &Library) -> DocumentMut {
    let mut doc = DocumentMut::new();
    doc.insert("format", toml_edit::value(FORMAT_NAME));
    doc.insert("version", toml_edit::value(FORMAT_VERSION));
    doc.insert("title", toml_edit::value(lib.title.as_str()));
    doc.insert("description", toml_edit::value(lib.description.as_str()));
    doc.insert("axes", toml_edit::value(str_array(&lib.axes)));
    let concepts = lib.concepts.iter().map(|c| concept_table(lib, c)).collect();
    doc.insert("concept", Item::ArrayOfTables(concepts));
    let symbols = lib.symbols.iter().map(|s| symbol_table(s)).collect();
    doc.insert("symbol", Item::ArrayOfTables(symbols));
    let scenes = lib.scenes.iter().map(|s| scene_table(s)).collect();
    doc.insert("scene", Item::ArrayOfTables(scenes));
    let adapters = lib.adapters.iter().map(|a| adapter_table(a)).collect();
    doc.insert("adapter", Item::ArrayOfTables(adapters));
    let tours = lib.tours.iter().map(|t| tour_table(t)).collect();
    doc.insert("tour", Item::ArrayOfTables(tours));
    doc
}

fn concept_table(lib: &Library, c: &Concept) -> Table {
    let mut t = Table::new();
    t.insert("name", toml_edit::value(c.name.as_str()));
    if !c.gloss.is_empty() {
        t.insert("gloss", toml_edit::value(c.gloss.as_str()));
    }
    if let Some([r, g, b]) = c.colour {
        t.insert(
            "colour",
            toml_edit::value(format!("#{r:02x}{g:02x}{b:02x}")),
        );
    }
    let mut v = InlineTable::new();
    for (axis, &w) in lib.axes.iter().zip(&c.vector) {
        if w != 0.0 {
            v.insert(axis, Value::from(round(w as f64)));
        }
    }
    t.insert("vector", toml_edit::value(v));
    t
}

fn glyph_table(glyph: &GlyphRef) -> InlineTable {
    let mut g = InlineTable::new();
    match glyph {
        GlyphRef::Char { ch, font } => {
            g.insert("char", Value::from(ch.to_string()));
            if let Some(f) = font {
                g.insert("font", Value::from(f.to_string_lossy().into_owned()));
            }
        }
        GlyphRef::Svg { file } => {
            g.insert("svg", Value::from(file.to_string_lossy().into_owned()));
        }
        GlyphRef::Path { data, even_odd } => {
            g.insert("path", Value::from(data.as_str()));
            if *even_odd {
                g.insert("fill", Value::from("evenodd"));
            }
        }
        GlyphRef::Strokes { strokes, width } => {
            let arr: Array = strokes
                .iter()
                .map(|stroke| {
                    let pts: Array = stroke
                        .iter()
                        .map(|p| Value::Array(p.iter().copied().collect()))
                        .collect();
                    Value::Array(pts)
                })
                .collect();
            g.insert("strokes", Value::Array(arr));
            g.insert("width", Value::from(*width));
        }
    }
    g
}

fn symbol_table(s: &Symbol) -> Table {
    let mut t = Table::new();
    t.insert("id", toml_edit::value(s.id.as_str()));
    t.insert("glyph", toml_edit::value(glyph_table(&s.glyph)));
    t.insert("name", toml_edit::value(s.name.as_str()));
    t.insert("gloss", toml_edit::value(s.gloss.as_str()));
    t.insert("lineage", toml_edit::value(s.lineage.name()));
    if s.style != s.lineage.default_style() {
        t.insert("style", toml_edit::value(s.style.name()));
    }
    t.insert("archetype", toml_edit::value(s.archetype.as_str()));
    if let Some(tr) = &s.transition {
        t.insert("transition", toml_edit::value(tr.as_str()));
    }
    t.insert("components", toml_edit::value(weights_table(&s.components)));
    if !s.tags.is_empty() {
        t.insert("tags", toml_edit::value(str_array(&s.tags)));
    }
    t.insert("scenes", toml_edit::value(str_array(&s.scenes)));
    t.insert("adapters", toml_edit::value(str_array(&s.adapters)));
    if let Some(o) = &s.output {
        t.insert("output", toml_edit::value(o.as_str()));
    }
    if let Some(e) = &s.embedding {
        t.insert("embedding", toml_edit::value(float_array(e)));
    }
    if !s.texts.is_empty() {
        let mut texts = Table::new();
        for (r, text) in &s.texts {
            texts.insert(r.name(), toml_edit::value(text.as_str()));
        }
        t.insert("texts", Item::Table(texts));
    }
    if let Some(o) = &s.original {
        t.insert("original", Item::Table(original_table(o)));
    }
    if !s.regions.is_empty() {
        let mut regions = ArrayOfTables::new();
        for r in &s.regions {
            let mut rt = Table::new();
            rt.insert("id", toml_edit::value(r.id.as_str()));
            rt.insert("label", toml_edit::value(r.label.as_str()));
            rt.insert(
                "at",
                toml_edit::value(r.anchor.iter().copied().collect::<Array>()),
            );
            if !r.scenes.is_empty() {
                rt.insert("scenes", toml_edit::value(str_array(&r.scenes)));
            }
            if !r.adapters.is_empty() {
                rt.insert("adapters", toml_edit::value(str_array(&r.adapters)));
            }
            regions.push(rt);
        }
        t.insert("region", Item::ArrayOfTables(regions));
    }
    t
}

fn scene_table(s: &Scene) -> Table {
    let mut t = Table::new();
    t.insert("id", toml_edit::value(s.id.as_str()));
    t.insert("title", toml_edit::value(s.title.as_str()));
    t.insert("text", toml_edit::value(s.text.as_str()));
    t.insert("components", toml_edit::value(weights_table(&s.components)));
    if !s.links.is_empty() {
        t.insert("links", toml_edit::value(str_array(&s.links)));
    }
    if let Some(e) = &s.embedding {
        t.insert("embedding", toml_edit::value(float_array(e)));
    }
    if let Some(o) = &s.original {
        t.insert("original", Item::Table(original_table(o)));
    }
    t
}

fn adapter_table(a: &Adapter) -> Table {
    let mut t = Table::new();
    t.insert("id", toml_edit::value(a.id.as_str()));
    t.insert("name", toml_edit::value(a.name.as_str()));
    if !a.description.is_empty() {
        t.insert("description", toml_edit::value(a.description.as_str()));
    }
    t.insert("triggers", toml_edit::value(str_array(&a.triggers)));
    if let Some(f) = &a.file {
        t.insert("file", toml_edit::value(f.to_string_lossy().into_owned()));
    }
    if let Some(o) = &a.original {
        t.insert("original", Item::Table(original_table(o)));
    }
    t
}

fn tour_table(tour: &Tour) -> Table {
    let mut t = Table::new();
    t.insert("id", toml_edit::value(tour.id.as_str()));
    t.insert("title", toml_edit::value(tour.title.as_str()));
    let mut steps = ArrayOfTables::new();
    for s in &tour.steps {
        let mut st = Table::new();
        st.insert("symbol", toml_edit::value(s.symbol.as_str()));
        match s.regions.as_slice() {
            [] => {}
            [one] => {
                st.insert("region", toml_edit::value(one.as_str()));
            }
            many => {
                st.insert("regions", toml_edit::value(str_array(many)));
            }
        }
        st.insert("register", toml_edit::value(s.register.name()));
        st.insert("caption", toml_edit::value(s.caption.as_str()));
        if !s.notes.is_empty() {
            st.insert("notes", toml_edit::value(s.notes.as_str()));
        }
        st.insert("seconds", toml_edit::value(round(s.seconds as f64)));
        if let Some(style) = s.style {
            st.insert("style", toml_edit::value(style.name()));
        }
        if let Some(layer) = s.layer {
            st.insert("layer", toml_edit::value(layer.name()));
        }
        if let Some(view) = s.view {
            st.insert("view", toml_edit::value(float_array(&view)));
        }
        steps.push(st);
    }
    t.insert("step", Item::ArrayOfTables(steps));
    t
}
