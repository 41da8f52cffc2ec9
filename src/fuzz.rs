//! One entry point per kind of untrusted input, shared by the fuzz targets (`fuzz/`, run with
//! `cargo +nightly fuzz`) and by `tests/bad_inputs.rs`, which replays every committed case on
//! stable. Each takes raw bytes, runs the reader people's files go through, and goes on
//! into what the app does next with the result (an outline becomes fields; an edited
//! library is undone). A refusal is the `Err` the user would see; only a broken invariant
//! panics, and a panic is what the fuzzer reports.

use std::path::Path;
use std::sync::Arc;

use arbitrary::{Arbitrary, Unstructured};

use crate::fields::{FieldOptions, Prepared, cpu};
use crate::glyph::{FillRule, FontData, Outline, outline_from_path_data, outline_from_svg_str};
use crate::library::{
    self, Edit, GlyphRef, History, LinkTarget, Scene, Symbol, SymbolId, Tour, TourStep,
};

/// The size fuzzed outlines are computed at: the smallest the engine takes.
const FIELD_SIZE: u32 = 64;

/// Library text: parse and validate; a library without errors must survive a write and a
/// read unchanged.
pub fn library_text(data: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(data).map_err(|e| e.to_string())?;
    let path = Path::new("fuzz.toml");
    let loaded = library::load_str(text, path);
    if loaded.has_errors() {
        let first = loaded.errors().next().map(|p| p.to_string());
        return Err(first.unwrap_or_default());
    }
    let written = library::to_toml(&loaded.library);
    let again = library::load_str(&written, path);
    assert!(
        !again.has_errors(),
        "the written library does not load: {:?}\n{written}",
        again.errors().next()
    );
    assert_eq!(
        again.library, loaded.library,
        "write then read changed the library"
    );
    Ok(())
}

/// A whole SVG file into fields.
pub fn svg_file(data: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(data).map_err(|e| e.to_string())?;
    let outline = outline_from_svg_str(text, Path::new("fuzz.svg")).map_err(|e| e.to_string())?;
    fields(&outline)
}

/// Bare path data into fields; the first byte picks the fill rule.
pub fn path_data(data: &[u8]) -> Result<(), String> {
    let (&rule, rest) = data.split_first().ok_or("no input")?;
    let text = std::str::from_utf8(rest).map_err(|e| e.to_string())?;
    let rule = if rule & 1 == 0 {
        FillRule::NonZero
    } else {
        FillRule::EvenOdd
    };
    let outline = outline_from_path_data(text, rule).map_err(|e| e.to_string())?;
    fields(&outline)
}

/// Font bytes and a character (the first four bytes, little-endian) into fields.
pub fn font(data: &[u8]) -> Result<(), String> {
    let (head, bytes) = data.split_at_checked(4).ok_or("no input")?;
    let code = u32::from_le_bytes(head.try_into().expect("four bytes"));
    let c = char::from_u32(code % 0x11_0000).unwrap_or('A');
    let font = FontData::from_font_bytes(bytes.to_vec().into(), Path::new("fuzz.ttf"))
        .map_err(|e| e.to_string())?;
    let outline = font.outline(c).map_err(|e| e.to_string())?;
    fields(&outline)
}

/// A whole `.safetensors` file.
pub fn safetensors(data: &[u8]) -> Result<(), String> {
    let header = crate::adapters::read_safetensors_bytes(Path::new("fuzz.safetensors"), data)
        .map_err(|e| e.to_string())?;
    let info = crate::adapters::info_from_header(Path::new("fuzz.safetensors"), &header);
    assert_eq!(info.tensor_count, header.tensors.len());
    Ok(())
}

/// A PEFT `adapter_config.json`.
pub fn peft_config(data: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(data).map_err(|e| e.to_string())?;
    crate::adapters::parse_peft_config(Path::new("adapter_config.json"), text)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// A `.npy` embedding matrix.
pub fn npy(data: &[u8]) -> Result<(), String> {
    crate::embedding::parse_matrix(Path::new("fuzz.npy"), data)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// A sequence of edits built from `data` and applied to the bundled library through its
/// history: undoing them all must give back the library as it was, and redoing them all the
/// library they made.
pub fn edits(data: &[u8]) -> Result<(), String> {
    let base = bundled().clone();
    let mut history = History::new(base.clone());
    let mut u = Unstructured::new(data);
    let mut applied = 0;
    while !u.is_empty() && applied < 64 {
        let Ok(edit) = arbitrary_edit(&mut u, history.current().library()) else {
            break;
        };
        if history.apply(&edit, None).is_ok() {
            history.seal();
            applied += 1;
        }
    }
    let after = history.current().library().as_ref().clone();
    for _ in 0..applied {
        assert!(history.undo().is_some(), "fewer undo steps than edits");
    }
    assert!(history.undo().is_none(), "more undo steps than edits");
    assert_eq!(**history.current().library(), base, "undoing every edit");
    for _ in 0..applied {
        assert!(history.redo().is_some(), "fewer redo steps than edits");
    }
    assert_eq!(**history.current().library(), after, "redoing every edit");
    if applied == 0 {
        return Err("no edit applied".into());
    }
    Ok(())
}

fn bundled() -> &'static library::Library {
    static BUNDLED: std::sync::OnceLock<library::Library> = std::sync::OnceLock::new();
    BUNDLED.get_or_init(|| {
        library::load_bundled()
            .expect("the bundled library reads")
            .library
    })
}

/// An id: most often one the library has (so edits meet each other), sometimes a new one.
fn pick_id(u: &mut Unstructured, existing: &[&str]) -> arbitrary::Result<String> {
    if !existing.is_empty() && u.ratio(4, 5)? {
        Ok(u.choose(existing)?.to_string())
    } else {
        let s: String = u.arbitrary()?;
        Ok(s.chars().take(12).collect())
    }
}

fn arbitrary_edit(u: &mut Unstructured, lib: &library::Library) -> arbitrary::Result<Edit> {
    let symbols: Vec<&str> = lib.symbols.iter().map(|s| s.id.as_str()).collect();
    let scenes: Vec<&str> = lib.scenes.iter().map(|s| s.id.as_str()).collect();
    let adapters: Vec<&str> = lib.adapters.iter().map(|a| a.id.as_str()).collect();
    let tours: Vec<&str> = lib.tours.iter().map(|t| t.id.as_str()).collect();
    let text = |u: &mut Unstructured| -> arbitrary::Result<String> {
        let s: String = u.arbitrary()?;
        Ok(s.chars().take(40).collect())
    };
    let target = |u: &mut Unstructured| -> arbitrary::Result<LinkTarget> {
        Ok(if u.arbitrary()? {
            LinkTarget::Scene(pick_id(u, &scenes)?.into())
        } else {
            LinkTarget::Adapter(pick_id(u, &adapters)?.into())
        })
    };
    Ok(match u.int_in_range(0..=11)? {
        0 => {
            let id = pick_id(u, &symbols)?;
            let ch = char::arbitrary(u)?;
            Edit::AddSymbol(Arc::new(Symbol::new(
                id.into(),
                GlyphRef::Char { ch, font: None },
            )))
        }
        1 => Edit::RemoveSymbol(pick_id(u, &symbols)?.into()),
        2 => {
            let id: SymbolId = pick_id(u, &symbols)?.into();
            let mut symbol = match lib.symbol(&id) {
                Some(s) => s.as_ref().clone(),
                None => Symbol::new(
                    id.clone(),
                    GlyphRef::Char {
                        ch: '⟁',
                        font: None,
                    },
                ),
            };
            symbol.gloss = text(u)?;
            if u.ratio(1, 4)? {
                symbol.id = pick_id(u, &symbols)?.into();
            }
            if u.arbitrary()? {
                symbol.scenes.push(pick_id(u, &scenes)?.into());
            }
            symbol.tags.push(text(u)?);
            Edit::UpdateSymbol {
                id,
                symbol: Arc::new(symbol),
            }
        }
        3 => Edit::AddScene(Arc::new(Scene {
            id: pick_id(u, &scenes)?.into(),
            title: text(u)?,
            text: text(u)?,
            components: Vec::new(),
            links: vec![pick_id(u, &symbols)?],
            embedding: None,
            original: None,
        })),
        4 => Edit::RemoveScene(pick_id(u, &scenes)?.into()),
        5 => {
            let id = pick_id(u, &scenes)?;
            let mut scene = match lib.scene(&id) {
                Some(s) => s.as_ref().clone(),
                None => return Ok(Edit::RemoveScene(id.into())),
            };
            scene.text = text(u)?;
            Edit::UpdateScene {
                id: id.into(),
                scene: Arc::new(scene),
            }
        }
        6 => Edit::RemoveAdapter(pick_id(u, &adapters)?.into()),
        7 => {
            let mut steps = Vec::new();
            for _ in 0..u.int_in_range(0..=3)? {
                let mut step = TourStep::new(pick_id(u, &symbols)?.into());
                step.caption = text(u)?;
                if u.arbitrary()? {
                    step.regions.push(text(u)?);
                }
                steps.push(step);
            }
            Edit::AddTour(Arc::new(Tour {
                id: pick_id(u, &tours)?.into(),
                title: text(u)?,
                steps,
            }))
        }
        8 => Edit::RemoveTour(pick_id(u, &tours)?.into()),
        9 | 10 => {
            let symbol: SymbolId = pick_id(u, &symbols)?.into();
            let regions: Vec<String> = lib
                .symbol(&symbol)
                .map(|s| s.regions.iter().map(|r| r.id.clone()).collect())
                .unwrap_or_default();
            let region = if !regions.is_empty() && u.ratio(4, 5)? {
                u.choose(&regions)?.clone()
            } else {
                text(u)?
            };
            let target = target(u)?;
            if u.int_in_range(0..=1)? == 0 {
                Edit::LinkRegion {
                    symbol,
                    region,
                    target,
                }
            } else {
                Edit::UnlinkRegion {
                    symbol,
                    region,
                    target,
                }
            }
        }
        _ => {
            let id = pick_id(u, &adapters)?;
            let mut adapter = match lib.adapter(&id) {
                Some(a) => a.as_ref().clone(),
                None => return Ok(Edit::RemoveAdapter(id.into())),
            };
            adapter.triggers.push(text(u)?);
            Edit::UpdateAdapter {
                id: id.into(),
                adapter: Arc::new(adapter),
            }
        }
    })
}

/// What the app does with an outline: prepare it and compute its fields on the CPU twins.
fn fields(outline: &Outline) -> Result<(), String> {
    let options = FieldOptions::default().with_size(FIELD_SIZE);
    let prep = Prepared::new(outline, &options).map_err(|e| e.to_string())?;
    let raw = cpu::compute(&prep);
    assert!(
        raw.sdf.iter().all(|d| d.is_finite()),
        "a distance that is not finite"
    );
    Ok(())
}
