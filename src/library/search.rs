//! Finding symbols by what a person types: name, gloss, archetype, component, tag, the
//! character itself, or `U+XXXX`.

use std::sync::Arc;

use super::{Library, Symbol, SymbolId, parse_char_key};

/// One hit, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub symbol: SymbolId,
    pub score: f32,
    /// Which field matched best.
    pub field: &'static str,
}

/// A prepared lower-case text per symbol field, so a query is one pass over strings.
pub struct SearchIndex {
    /// Shared between the indices of successive revisions (see [`SearchIndex::update`]).
    entries: Vec<Arc<Entry>>,
}

struct Entry {
    /// The symbol this entry was made from: an entry is reused while the library still
    /// holds this very symbol (see [`SearchIndex::update`]).
    symbol: Arc<Symbol>,
    ch: Option<char>,
    fields: Vec<(&'static str, f32, String)>,
    /// All fields joined: a word absent from it is absent from every field, so most
    /// symbols are ruled out with one substring search per word.
    all: String,
}

impl SearchIndex {
    pub fn new(library: &Library) -> Self {
        Self {
            entries: library
                .symbols
                .iter()
                .map(|s| Arc::new(Entry::new(s)))
                .collect(),
        }
    }

    /// The index of `library`, made from this one: entries of symbols that did not change
    /// (the same shared symbol) are kept, only changed and new symbols are indexed again.
    pub fn update(&self, library: &Library) -> Self {
        let mut old: std::collections::HashMap<*const Symbol, &Arc<Entry>> = self
            .entries
            .iter()
            .map(|e| (Arc::as_ptr(&e.symbol), e))
            .collect();
        let entries = library
            .symbols
            .iter()
            .map(|s| match old.remove(&Arc::as_ptr(s)) {
                Some(e) => Arc::clone(e),
                None => Arc::new(Entry::new(s)),
            })
            .collect();
        Self { entries }
    }

    /// How many entries this index shares with `other` (made from the same symbols, not
    /// indexed again): what [`Self::update`] saved.
    pub fn shared_entries(&self, other: &SearchIndex) -> usize {
        let theirs: std::collections::HashSet<*const Entry> =
            other.entries.iter().map(Arc::as_ptr).collect();
        self.entries
            .iter()
            .filter(|e| theirs.contains(&Arc::as_ptr(e)))
            .count()
    }

    /// Symbols matching every word of `query`, best first. A query that is one character
    /// or `U+XXXX` matches that character exactly first.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let query = query.trim();
        if query.is_empty() {
            return Vec::new();
        }
        let exact_char = parse_char_key(query);
        let words: Vec<String> = query
            .to_lowercase()
            .split_whitespace()
            .map(String::from)
            .collect();
        let mut hits = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            if exact_char.is_some() && e.ch == exact_char {
                hits.push((
                    i,
                    Hit {
                        symbol: e.symbol.id.clone(),
                        score: 2.0,
                        field: "character",
                    },
                ));
                continue;
            }
            if !words.iter().all(|w| e.all.contains(w.as_str())) {
                continue;
            }
            // Every word must match some field; the score is the mean of each word's best.
            let mut total = 0.0;
            let mut best_field = "";
            let mut best = 0.0f32;
            let all = words.iter().all(|w| {
                let m = e
                    .fields
                    .iter()
                    .filter_map(|(name, weight, text)| {
                        let pos = text.find(w.as_str())?;
                        // Whole-word and prefix matches rank above matches inside a word.
                        let at_word = pos == 0 || !text.as_bytes()[pos - 1].is_ascii_alphanumeric();
                        let whole = at_word
                            && text[pos + w.len()..]
                                .chars()
                                .next()
                                .is_none_or(|c| !c.is_alphanumeric());
                        let s = weight
                            * if whole {
                                1.0
                            } else if at_word {
                                0.8
                            } else {
                                0.5
                            };
                        Some((s, *name))
                    })
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                if let Some((s, name)) = m {
                    total += s;
                    if s > best {
                        best = s;
                        best_field = name;
                    }
                    true
                } else {
                    false
                }
            });
            if all {
                hits.push((
                    i,
                    Hit {
                        symbol: e.symbol.id.clone(),
                        score: total / words.len() as f32,
                        field: best_field,
                    },
                ));
            }
        }
        // Best first; equal scores in library order.
        hits.sort_by(|(i, a), (j, b)| b.score.total_cmp(&a.score).then(i.cmp(j)));
        hits.into_iter().map(|(_, h)| h).collect()
    }
}

impl Entry {
    fn new(s: &Arc<Symbol>) -> Self {
        let mut fields = vec![
            ("id", 1.0, s.id.to_lowercase()),
            ("name", 1.0, s.name.to_lowercase()),
            ("gloss", 0.8, s.gloss.to_lowercase()),
            ("archetype", 0.7, s.archetype.to_lowercase()),
            ("lineage", 0.5, s.lineage.name().to_string()),
        ];
        if let Some(t) = &s.transition {
            fields.push(("transition", 0.6, t.to_lowercase()));
        }
        for c in &s.components {
            fields.push(("component", 0.75, c.concept.to_lowercase()));
        }
        for t in &s.tags {
            fields.push(("tag", 0.6, t.to_lowercase()));
        }
        if let Some(c) = s.glyph.character()
            && let Some(name) = unicode_names2::name(c)
        {
            fields.push(("unicode name", 0.6, name.to_string().to_lowercase()));
        }
        let all = fields
            .iter()
            .map(|(_, _, text)| text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        Entry {
            symbol: s.clone(),
            ch: s.glyph.character(),
            fields,
            all,
        }
    }
}
