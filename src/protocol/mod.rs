//! The seed's five-step protocol for working with a symbol, each step's result exposed:
//! recognise its embedding and strongest concepts; find the nearest scenes; choose the
//! fitting adapter, saying why; unfold into a register; return text, colour, sound and
//! gesture.
//!
//! The protocol reads the library model and the glyph's fields; it never changes either.

mod compose;
mod gesture;
mod palette;
mod sound;

use ndarray::{Array1, ArrayView1};
use serde::Serialize;

use crate::embedding::{SemanticIndex, normalised};
use crate::fields::Fields;
use crate::fields::regions::RegionKind;
use crate::geometry::EmPoint;
use crate::library::{AdapterId, Library, Register, SceneId, Symbol, SymbolId};

pub use compose::compose;
pub use gesture::{Gesture, GesturePoint, gesture_from_fields, gesture_from_strokes};
pub use palette::{Swatch, palette};
pub use sound::{SAMPLE_RATE, Sound, synthesise};

/// Which region of the symbol to work from.
#[derive(Clone, Debug, PartialEq)]
pub enum RegionChoice {
    /// A region link id of the symbol (`outer-gap`).
    Link(String),
    /// A point of the glyph, em (y up): the region containing it.
    At([f64; 2]),
}

/// Step 1: the embedding and the concepts it is made of.
#[derive(Clone, Debug, Serialize)]
pub struct Recognition {
    /// Unit vector over the semantic dimensions (`dims`: the axes, then one per concept).
    pub embedding: Vec<f32>,
    pub dims: Vec<String>,
    /// Concepts found by non-negative matching pursuit, with their coefficients, strongest
    /// first: the embedding ≈ Σ coefficient · concept.
    pub concepts: Vec<(String, f32)>,
    /// Length of what the concepts above leave unexplained (0 = all of it, 1 = none).
    pub residual: f32,
    /// `entry + heat + fear + threshold`.
    pub formula: String,
}

/// Why a scene or adapter was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Because {
    RegionLink,
    SymbolLink,
    Similarity,
}

/// Step 2: a scene and its score.
#[derive(Clone, Debug, Serialize)]
pub struct SceneHit {
    pub id: SceneId,
    pub title: String,
    /// Cosine similarity of the scene's embedding to the symbol's.
    pub score: f32,
    pub because: Because,
}

/// Step 3: an adapter, its score and the reasons behind it.
#[derive(Clone, Debug, Serialize)]
pub struct AdapterChoice {
    pub id: AdapterId,
    pub name: String,
    pub score: f32,
    pub similarity: f32,
    pub reasons: Vec<String>,
}

/// Step 4: the unfolded text.
#[derive(Clone, Debug, Serialize)]
pub struct Unfolded {
    pub register: Register,
    pub text: String,
    /// True when the library holds this text; false when it was composed (see [`compose`]).
    pub authored: bool,
}

impl Unfolded {
    /// "authored" or "composed".
    pub fn origin(&self) -> &'static str {
        if self.authored {
            "authored"
        } else {
            "composed"
        }
    }
}

/// Step 5: the outputs.
#[derive(Clone, Debug, Serialize)]
pub struct Outputs {
    pub text: String,
    pub palette: Vec<Swatch>,
    pub sound: Sound,
    pub gesture: Gesture,
}

/// The region a request resolved to.
#[derive(Clone, Debug, Serialize)]
pub struct ChosenRegion {
    /// The field region id (as in `fields.json`), when the glyph's fields were given.
    pub region: Option<u32>,
    pub kind: Option<RegionKind>,
    /// The library's region link covering it, if any.
    pub link: Option<String>,
    pub label: Option<String>,
}

/// Everything the five steps produced.
#[derive(Clone, Debug, Serialize)]
pub struct Unfolding {
    pub symbol: SymbolId,
    pub name: String,
    pub region: Option<ChosenRegion>,
    pub recognition: Recognition,
    pub scenes: Vec<SceneHit>,
    pub adapters: Vec<AdapterChoice>,
    pub unfolded: Unfolded,
    pub outputs: Outputs,
}

impl Unfolding {
    /// The adapter step 3 chose.
    pub fn adapter(&self) -> Option<&AdapterChoice> {
        self.adapters.first()
    }
}

/// Why the protocol could not run.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    /// No symbol has that id, character or code point.
    #[error("the library has no symbol `{0}` (give an id, the character, or U+XXXX)")]
    NoSymbol(String),
    /// The region link id is not one of the symbol's.
    #[error("symbol `{symbol}` has no region `{region}`; its regions: {}", known.join(", "))]
    NoRegion {
        symbol: String,
        region: String,
        known: Vec<String>,
    },
}

/// How many scenes step 2 lists.
pub const SCENE_COUNT: usize = 6;
/// How many concepts step 1 may use.
const MAX_CONCEPTS: usize = 4;

/// Runs the five steps for `symbol` (id, character or `U+XXXX`).
///
/// `fields` are the symbol's fields (any size): they give the regions, the palette's
/// shading, the sound and the gesture. Without them those outputs are empty.
pub fn run(
    library: &Library,
    semantic: &SemanticIndex,
    fields: Option<&Fields>,
    symbol: &str,
    region: Option<&RegionChoice>,
    register: Register,
) -> Result<Unfolding, ProtocolError> {
    let s = library
        .find_symbol(symbol)
        .ok_or_else(|| ProtocolError::NoSymbol(symbol.to_string()))?;
    let index = semantic
        .symbols
        .index_of(&s.id)
        .ok_or_else(|| ProtocolError::NoSymbol(symbol.to_string()))?;
    let chosen = region.map(|r| resolve_region(s, fields, r)).transpose()?;
    let link = chosen
        .as_ref()
        .and_then(|c| c.link.as_deref())
        .and_then(|id| s.regions.iter().find(|r| r.id == id));

    let embedding = semantic.symbols.row(index).to_owned();
    let recognition = recognise(semantic, embedding.view());
    let scenes = nearest_scenes(library, semantic, s, link, embedding.view());
    let adapters = choose_adapters(library, semantic, s, link, embedding.view());
    let unfolded = match s.texts.get(&register) {
        Some(text) => Unfolded {
            register,
            text: text.clone(),
            authored: true,
        },
        None => Unfolded {
            register,
            text: compose(
                library,
                s,
                register,
                &recognition,
                &scenes,
                adapters.first(),
            ),
            authored: false,
        },
    };
    let mut text = unfolded.text.clone();
    if let Some(out) = &s.output {
        text = format!("{text}\n\n{out}");
    }
    let outputs = Outputs {
        text,
        palette: palette(library, s, fields.map(|f| &f.descriptor)),
        sound: fields.map(synthesise).unwrap_or_default(),
        gesture: match &s.glyph {
            crate::library::GlyphRef::Strokes { strokes, .. } => gesture_from_strokes(strokes),
            _ => fields.map(gesture_from_fields).unwrap_or_default(),
        },
    };
    Ok(Unfolding {
        symbol: s.id.clone(),
        name: s.name.clone(),
        region: chosen,
        recognition,
        scenes,
        adapters,
        unfolded,
        outputs,
    })
}

/// For each of the symbol's region links, the field region its anchor falls in.
pub fn link_regions(symbol: &Symbol, fields: &Fields) -> Vec<Option<u32>> {
    symbol
        .regions
        .iter()
        .map(|r| {
            fields
                .region_at(EmPoint::new(r.anchor[0], r.anchor[1]))
                .map(|x| x.id)
        })
        .collect()
}

/// The region link whose anchor lies in the same field region as `point`.
pub fn link_at(symbol: &Symbol, fields: &Fields, point: EmPoint) -> Option<usize> {
    let region = fields.region_at(point)?.id;
    link_regions(symbol, fields)
        .iter()
        .position(|&r| r == Some(region))
}

fn resolve_region(
    s: &Symbol,
    fields: Option<&Fields>,
    choice: &RegionChoice,
) -> Result<ChosenRegion, ProtocolError> {
    match choice {
        RegionChoice::Link(id) => {
            let Some(link) = s.regions.iter().find(|r| &r.id == id) else {
                return Err(ProtocolError::NoRegion {
                    symbol: s.id.to_string(),
                    region: id.clone(),
                    known: s.regions.iter().map(|r| r.id.clone()).collect(),
                });
            };
            let region =
                fields.and_then(|f| f.region_at(EmPoint::new(link.anchor[0], link.anchor[1])));
            Ok(ChosenRegion {
                region: region.map(|r| r.id),
                kind: region.map(|r| r.kind),
                link: Some(link.id.clone()),
                label: Some(link.label.clone()),
            })
        }
        RegionChoice::At([x, y]) => {
            let point = EmPoint::new(*x, *y);
            let region = fields.and_then(|f| f.region_at(point));
            let link = fields
                .and_then(|f| link_at(s, f, point))
                .map(|i| &s.regions[i]);
            Ok(ChosenRegion {
                region: region.map(|r| r.id),
                kind: region.map(|r| r.kind),
                link: link.map(|l| l.id.clone()),
                label: link.map(|l| l.label.clone()),
            })
        }
    }
}

/// Step 1: non-negative matching pursuit over the unit concept vectors. Each round takes the
/// concept with the largest positive dot product with what is still unexplained and
/// subtracts its share; it stops after four concepts, when the best share is under a tenth
/// of the first, or when less than 5% of the embedding is left.
pub fn recognise(semantic: &SemanticIndex, embedding: ArrayView1<f32>) -> Recognition {
    let mut residual: Array1<f32> = embedding.to_owned();
    let mut picked: Vec<(String, f32)> = Vec::new();
    let concepts = &semantic.concepts;
    let mut first = None;
    for _ in 0..MAX_CONCEPTS {
        let scores = concepts.matrix.dot(&residual);
        let best = scores
            .iter()
            .enumerate()
            .filter(|(i, _)| !picked.iter().any(|(n, _)| *n == concepts.ids[*i]))
            .max_by(|a, b| a.1.total_cmp(b.1));
        let Some((i, &coefficient)) = best else {
            break;
        };
        if coefficient <= 0.0 || first.is_some_and(|f: f32| coefficient < 0.1 * f) {
            break;
        }
        first.get_or_insert(coefficient);
        residual.scaled_add(-coefficient, &concepts.row(i));
        picked.push((concepts.ids[i].clone(), coefficient));
        if residual.dot(&residual).sqrt() < 0.05 {
            break;
        }
    }
    Recognition {
        embedding: embedding.to_vec(),
        dims: semantic.dims.clone(),
        formula: picked
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(" + "),
        concepts: picked,
        residual: residual.dot(&residual).sqrt(),
    }
}

/// Step 2: the region's linked scenes, then the symbol's, then the most similar others.
fn nearest_scenes(
    library: &Library,
    semantic: &SemanticIndex,
    s: &Symbol,
    link: Option<&crate::library::RegionLink>,
    embedding: ArrayView1<f32>,
) -> Vec<SceneHit> {
    let q = normalised(embedding.to_owned());
    let score = |id: &str| {
        semantic
            .scenes
            .index_of(id)
            .map_or(0.0, |i| semantic.scenes.row(i).dot(&q))
    };
    let mut hits: Vec<SceneHit> = Vec::new();
    let push = |id: &str, because: Because, hits: &mut Vec<SceneHit>| {
        if hits.iter().any(|h| h.id == id) {
            return;
        }
        if let Some(scene) = library.scene(id) {
            hits.push(SceneHit {
                id: scene.id.clone(),
                title: scene.title.clone(),
                score: score(id),
                because,
            });
        }
    };
    for id in link.map(|l| l.scenes.as_slice()).unwrap_or_default() {
        push(id, Because::RegionLink, &mut hits);
    }
    for id in &s.scenes {
        push(id, Because::SymbolLink, &mut hits);
    }
    let limit = SCENE_COUNT.max(hits.len());
    for n in semantic.nearest_scenes(q.view(), SCENE_COUNT + hits.len()) {
        if hits.len() >= limit {
            break;
        }
        push(&n.id, Because::Similarity, &mut hits);
    }
    hits
}

/// Step 3: every adapter scored: a link from the chosen region (+1), from the symbol
/// (+0.6), triggers that name the symbol's character, id or components (+0.4 each, at most
/// +0.8), and half the cosine similarity of the adapter's embedding to the symbol's.
fn choose_adapters(
    library: &Library,
    semantic: &SemanticIndex,
    s: &Symbol,
    link: Option<&crate::library::RegionLink>,
    embedding: ArrayView1<f32>,
) -> Vec<AdapterChoice> {
    let q = normalised(embedding.to_owned());
    let ch = s.glyph.character().map(|c| c.to_string());
    let mut out: Vec<AdapterChoice> = library
        .adapters
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut score = 0.0;
            let mut reasons = Vec::new();
            if let Some(l) = link
                && l.adapters.contains(&a.id)
            {
                score += 1.0;
                reasons.push(format!("linked from region `{}` ({})", l.id, l.label));
            }
            if s.adapters.contains(&a.id) {
                score += 0.6;
                reasons.push(format!("linked from symbol `{}`", s.id));
            }
            let mut trigger_score: f32 = 0.0;
            for t in &a.triggers {
                let why = if ch.as_deref() == Some(t.as_str()) {
                    Some(format!("trigger `{t}` is the symbol's character"))
                } else if *t == s.id {
                    Some(format!("trigger `{t}` is the symbol's id"))
                } else if s.components.iter().any(|c| c.concept == *t) {
                    Some(format!("trigger `{t}` is one of the symbol's components"))
                } else {
                    None
                };
                if let Some(why) = why {
                    trigger_score += 0.4;
                    reasons.push(why);
                }
            }
            score += trigger_score.min(0.8);
            let similarity = semantic.adapters.row(i).dot(&q);
            score += 0.5 * similarity;
            reasons.push(format!("similarity {similarity:.2}"));
            AdapterChoice {
                id: a.id.clone(),
                name: a.name.clone(),
                score,
                similarity,
                reasons,
            }
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    out
}
