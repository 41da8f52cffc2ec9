//! Step 4 without an authored text: a deterministic composition from what the library says
//! of the symbol. The same library and request always give the same words.
//!
//! - poetry: the archetype, the transition read aloud, and the first scene's title as an
//!   image, then the output line if there is one;
//! - logic: the components as premises, the transition as the rule, the nearest scene with
//!   its score as the evidence;
//! - interface: what each region opens and which adapter is called;
//! - body: the three strongest components as a breath in, a hold and a breath out.

use super::{AdapterChoice, Recognition, SceneHit};
use crate::library::{Library, Register, Symbol};

/// Reads a transition formula aloud: `(a + b) → c` becomes "a and b turn into c".
fn transition_words(t: &str) -> String {
    let t = t.replace(['(', ')'], "");
    match t.split_once('→') {
        Some((from, to)) => {
            let parts: Vec<&str> = from
                .split('+')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            let from = match parts.as_slice() {
                [] => String::new(),
                [one] => one.to_string(),
                [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            };
            format!("{from} turn into {}", to.trim().replace('→', "and then"))
        }
        None => t.trim().to_string(),
    }
}

fn strongest(s: &Symbol, n: usize) -> Vec<&str> {
    let mut c: Vec<_> = s.components.iter().collect();
    c.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then(a.concept.cmp(&b.concept))
    });
    c.into_iter().take(n).map(|w| w.concept.as_str()).collect()
}

/// Composes the text of `register` for `s`.
pub fn compose(
    library: &Library,
    s: &Symbol,
    register: Register,
    recognition: &Recognition,
    scenes: &[SceneHit],
    adapter: Option<&AdapterChoice>,
) -> String {
    let glyph = s
        .glyph
        .character()
        .map_or_else(|| s.name.clone(), |c| c.to_string());
    match register {
        Register::Poetry => {
            let mut lines = Vec::new();
            if !s.archetype.is_empty() {
                lines.push(format!("{glyph}: {}.", s.archetype));
            }
            if let Some(t) = &s.transition {
                lines.push(format!("Here {}.", transition_words(t)));
            }
            if let Some(first) = scenes.first() {
                lines.push(format!("It remembers {}.", first.title.to_lowercase()));
            }
            if let Some(out) = &s.output {
                lines.push(out.clone());
            }
            lines.join(" ")
        }
        Register::Logic => {
            let premises = recognition.formula.clone();
            let mut text = format!("{glyph} ≈ {premises}.");
            if let Some(t) = &s.transition {
                text.push_str(&format!(" Rule: {t}."));
            }
            if !s.archetype.is_empty() {
                text.push_str(&format!(" Archetype: {}.", s.archetype));
            }
            if let Some(first) = scenes.first() {
                text.push_str(&format!(
                    " Evidence: {} ({}), similarity {:.2}.",
                    first.id, first.title, first.score
                ));
            }
            text
        }
        Register::Interface => {
            let mut parts: Vec<String> = s
                .regions
                .iter()
                .map(|r| {
                    let opens: Vec<String> = r
                        .scenes
                        .iter()
                        .map(|id| {
                            library
                                .scene(id)
                                .map_or_else(|| id.to_string(), |sc| format!("{id} {}", sc.title))
                        })
                        .collect();
                    format!("{} opens {}", r.label, opens.join(" and "))
                })
                .collect();
            if let Some(a) = adapter {
                parts.push(format!(
                    "selecting {glyph} calls the adapter \"{}\"",
                    a.name
                ));
            }
            let mut text = parts.join("; ");
            if let Some(c) = text.get(..1) {
                text = c.to_uppercase() + &text[1..];
            }
            text + "."
        }
        Register::Body => {
            let c = strongest(s, 3);
            match c.as_slice() {
                [a, b, c] => format!("Breathe in {a}. Hold {b}. Breathe out {c}."),
                [a, b] => format!("Breathe in {a}. Breathe out {b}."),
                [a] => format!("Breathe in and out with {a}."),
                _ => "Breathe in; breathe out.".to_string(),
            }
        }
    }
}
