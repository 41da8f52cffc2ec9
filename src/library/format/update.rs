//! Saving over a file a person wrote: the parsed document is edited in place, so comments,
//! key order, blank lines and the formatting of every entry that did not change survive
//! byte for byte. Only entries that differ from the library the file was read as are
//! touched, and inside them only the values that differ; new entries are written in the
//! documented layout after the last entry of their kind.

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet, VecDeque};

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use super::read::ROOT_KEYS;
use super::write::fresh_document;
use crate::library::{Adapter, Concept, Library, Scene, Symbol, Tour};

/// `library` written over `original`, the text `base` was read from. `None` when `original`
/// is not TOML at all, or when the result would not read back as `library` (then the caller
/// writes a fresh file).
pub fn update_toml(original: &str, base: &Library, library: &Library) -> Option<String> {
    let mut doc: DocumentMut = original.parse().ok()?;
    let fresh = fresh_document(library);
    let root = doc.as_table_mut();

    for key in ["format", "version", "title", "description", "axes"] {
        if let Some(item) = fresh.get(key) {
            merge_item(root, key, item, false);
        }
    }
    let kinds: [(&str, Plan); 5] = [
        (
            "concept",
            plan::<Concept>(&base.concepts, &library.concepts, |c| c.name.as_str()),
        ),
        (
            "symbol",
            plan::<Symbol>(&base.symbols, &library.symbols, |s| s.id.as_str()),
        ),
        (
            "scene",
            plan::<Scene>(&base.scenes, &library.scenes, |s| s.id.as_str()),
        ),
        (
            "adapter",
            plan::<Adapter>(&base.adapters, &library.adapters, |a| a.id.as_str()),
        ),
        (
            "tour",
            plan::<Tour>(&base.tours, &library.tours, |t| t.id.as_str()),
        ),
    ];
    for (key, plan) in kinds {
        let Some(Item::ArrayOfTables(new)) = fresh.get(key) else {
            continue;
        };
        let name_key = if key == "concept" { "name" } else { "id" };
        match root.get_mut(key) {
            Some(Item::ArrayOfTables(old)) => merge_entries(old, new, &plan, name_key),
            // Written another way (an inline array): nothing of it to keep in place.
            Some(_) => return None,
            None if new.is_empty() => {}
            None => {
                root.insert(key, Item::ArrayOfTables(new.clone()));
            }
        }
    }
    // The text must read back as the library. Where it would not (a layout this merge does
    // not know how to keep), the caller writes a fresh file instead of a wrong one.
    let text = doc.to_string();
    let lines = super::Lines::new(&text);
    let mut check = super::read::parse(&lines, &library.base_dir.join("library.toml")).library;
    check.base_dir = library.base_dir.clone();
    (check == *library).then_some(text)
}

/// One kind of entry in the library the file was read as and in the one to write.
struct Plan {
    before: Vec<String>,
    after: Vec<String>,
    /// Per entry to write: whether the file's entry of the same id is equal to it.
    unchanged: Vec<bool>,
}

fn plan<T: PartialEq>(
    before: &[impl Borrow<T>],
    after: &[impl Borrow<T>],
    id: impl Fn(&T) -> &str,
) -> Plan {
    let by_id: HashMap<&str, &T> = before
        .iter()
        .map(|b| (id(b.borrow()), b.borrow()))
        .rev()
        .collect();
    Plan {
        before: before.iter().map(|b| id(b.borrow()).to_string()).collect(),
        after: after.iter().map(|a| id(a.borrow()).to_string()).collect(),
        unchanged: after
            .iter()
            .map(|a| by_id.get(id(a.borrow())).is_some_and(|b| *b == a.borrow()))
            .collect(),
    }
}

/// The key that names a table: `name` for concepts, `id` for everything else.
fn table_key(t: &Table, key: &str) -> Option<String> {
    t.get(key).and_then(Item::as_str).map(str::to_string)
}

/// Rebuilds the array of `[[kind]]` tables: the file's tables in the file's order, each kept
/// as it is unless its entry changed; tables the reader could not make an entry of are kept
/// untouched; entries removed from the library are dropped; new entries go last. The k-th
/// table with an id continues the k-th entry with that id (duplicates stay paired).
fn merge_entries(old: &mut ArrayOfTables, new: &ArrayOfTables, plan: &Plan, key: &str) {
    let before_ids: HashSet<&str> = plan.before.iter().map(String::as_str).collect();
    let after_ids: HashSet<&str> = plan.after.iter().map(String::as_str).collect();
    // Which id of the file each new entry continues: its own, or (a rename, when nothing
    // was added or removed) the id of the entry at its place before, if that id is gone.
    let same_length = plan.before.len() == plan.after.len();
    let mut source: HashMap<&str, VecDeque<usize>> = HashMap::new();
    for (i, id) in plan.after.iter().enumerate() {
        let from = if before_ids.contains(id.as_str()) {
            Some(id.as_str())
        } else {
            plan.before
                .get(i)
                .map(String::as_str)
                .filter(|b| same_length && !after_ids.contains(b))
        };
        if let Some(from) = from {
            source.entry(from).or_default().push_back(i);
        }
    }
    let mut merged = ArrayOfTables::new();
    let mut placed = vec![false; plan.after.len()];
    for table in old.iter() {
        let id = table_key(table, key);
        let next = id
            .as_deref()
            .and_then(|id| source.get_mut(id))
            .and_then(VecDeque::pop_front);
        match next {
            Some(i) => {
                placed[i] = true;
                let mut table = table.clone();
                if !plan.unchanged[i]
                    && let Some(fresh) = new.get(i)
                {
                    merge_table(&mut table, fresh, false);
                }
                merged.push(table);
            }
            // Read as an entry once, and since removed: dropped (with its comments).
            None if id.as_deref().is_some_and(|id| before_ids.contains(id)) => {}
            // Not an entry the reader made (a broken table): kept as written.
            None => merged.push(table.clone()),
        }
    }
    for (i, done) in placed.iter().enumerate() {
        if !done && let Some(fresh) = new.get(i) {
            merged.push(fresh.clone());
        }
    }
    *old = merged;
}

/// Keys a table's values are free text under (their names are data, not format keys).
const FREE_KEYS: [&str; 2] = ["texts", "original"];

/// Brings `old` to the values of `new`, keeping what is equal as written. Keys the format
/// does not know are kept (they were warned about when read, and are the user's).
fn merge_table(old: &mut Table, new: &Table, free: bool) {
    let stale: Vec<String> = old
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| new.get(k).is_none() && (free || known_key(k)))
        .collect();
    for k in stale {
        old.remove(&k);
    }
    for (k, item) in new.iter() {
        merge_item(old, k, item, FREE_KEYS.contains(&k));
    }
}

fn merge_item(parent: &mut Table, key: &str, new: &Item, free: bool) {
    let Some(old) = parent.get_mut(key) else {
        parent.insert(key, new.clone());
        return;
    };
    if canon(old) == canon(new) {
        return;
    }
    match (old, new) {
        (Item::Table(o), Item::Table(n)) => merge_table(o, n, free),
        (Item::Value(Value::InlineTable(o)), Item::Table(n)) => {
            // Written inline in the file: stays inline, on its line.
            let decor = o.decor().clone();
            *o = n.clone().into_inline_table();
            *o.decor_mut() = decor;
        }
        (Item::ArrayOfTables(o), Item::ArrayOfTables(n)) => {
            // Sub-entries (regions, tour steps): matched by id where they have one, else
            // by place.
            let mut merged = ArrayOfTables::new();
            for (i, nt) in n.iter().enumerate() {
                let found = match table_key(nt, "id") {
                    Some(id) => o.iter().find(|t| table_key(t, "id").as_ref() == Some(&id)),
                    None => o.get(i),
                };
                let mut t = found.cloned().unwrap_or_else(|| nt.clone());
                merge_table(&mut t, nt, false);
                merged.push(t);
            }
            *o = merged;
        }
        (Item::Value(o), Item::Value(n)) => {
            let decor = o.decor().clone();
            *o = n.clone();
            *o.decor_mut() = decor;
        }
        (old, new) => *old = new.clone(),
    }
}

/// Every key the format defines (see `assets/library/FORMAT.md`).
fn known_key(k: &str) -> bool {
    // Besides the library's own top-level keys (`read::ROOT_KEYS`), those of its entries.
    const KEYS: &[&str] = &[
        "id",
        "name",
        "gloss",
        "colour",
        "vector",
        "glyph",
        "char",
        "font",
        "svg",
        "path",
        "fill",
        "strokes",
        "width",
        "lineage",
        "style",
        "archetype",
        "transition",
        "components",
        "tags",
        "scenes",
        "adapters",
        "output",
        "embedding",
        "texts",
        "original",
        "region",
        "label",
        "at",
        "text",
        "links",
        "triggers",
        "file",
        "step",
        "register",
        "caption",
        "notes",
        "seconds",
        "regions",
        "layer",
        "view",
        "language",
    ];
    ROOT_KEYS.contains(&k) || KEYS.contains(&k)
}

/// A value as data, whatever its layout: strings by content, numbers as the f32 the model
/// keeps, tables by their keys in order, inline or not.
#[derive(PartialEq, Debug)]
enum Canon {
    Str(String),
    Num(f32),
    Bool(bool),
    Other(String),
    Array(Vec<Canon>),
    /// Keys in order: the model keeps the order of components and weights.
    Table(Vec<(String, Canon)>),
}

fn canon(item: &Item) -> Canon {
    match item {
        Item::None => Canon::Other(String::new()),
        Item::Value(v) => canon_value(v),
        Item::Table(t) => Canon::Table(t.iter().map(|(k, v)| (k.to_string(), canon(v))).collect()),
        Item::ArrayOfTables(a) => Canon::Array(
            a.iter()
                .map(|t| Canon::Table(t.iter().map(|(k, v)| (k.to_string(), canon(v))).collect()))
                .collect(),
        ),
    }
}

fn canon_value(v: &Value) -> Canon {
    match v {
        Value::String(s) => Canon::Str(s.value().clone()),
        Value::Integer(i) => Canon::Num(*i.value() as f32),
        Value::Float(f) => Canon::Num(*f.value() as f32),
        Value::Boolean(b) => Canon::Bool(*b.value()),
        Value::Datetime(d) => Canon::Other(d.value().to_string()),
        Value::Array(a) => Canon::Array(a.iter().map(canon_value).collect()),
        Value::InlineTable(t) => Canon::Table(
            t.iter()
                .map(|(k, v)| (k.to_string(), canon_value(v)))
                .collect(),
        ),
    }
}
