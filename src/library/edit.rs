//! Changes to a library as values: an [`Edit`] says what changes, [`apply`] makes the new
//! library from the old one without touching it (`Library × Edit → Library`). The app's
//! undo, the CLI and the tests all change libraries through here.
//!
//! Entries are shared (`Arc`) between the old and the new library: an edit copies the lists
//! of pointers and replaces the one entry it changes, so keeping every revision for undo
//! costs a pointer per entry per step, not a copy of the library.

use std::sync::Arc;

use super::{Adapter, AdapterId, Library, Scene, SceneId, Symbol, SymbolId, Tour, TourId};

/// What a region link points at.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LinkTarget {
    Scene(SceneId),
    Adapter(AdapterId),
}

impl std::fmt::Display for LinkTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkTarget::Scene(id) => write!(f, "{id}"),
            LinkTarget::Adapter(id) => write!(f, "adapter {id}"),
        }
    }
}

/// One change to a library.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Appends a symbol (its id must be new).
    AddSymbol(Arc<Symbol>),
    /// Removes a symbol no tour step or scene link names.
    RemoveSymbol(SymbolId),
    /// Replaces the symbol `id` (the new one may carry a new id, if nothing refers to the
    /// old one and the new one is free).
    UpdateSymbol {
        id: SymbolId,
        symbol: Arc<Symbol>,
    },
    AddScene(Arc<Scene>),
    RemoveScene(SceneId),
    UpdateScene {
        id: SceneId,
        scene: Arc<Scene>,
    },
    AddAdapter(Arc<Adapter>),
    RemoveAdapter(AdapterId),
    UpdateAdapter {
        id: AdapterId,
        adapter: Arc<Adapter>,
    },
    AddTour(Arc<Tour>),
    RemoveTour(TourId),
    UpdateTour {
        id: TourId,
        tour: Arc<Tour>,
    },
    /// Adds a scene or adapter to a region link of a symbol.
    LinkRegion {
        symbol: SymbolId,
        region: String,
        target: LinkTarget,
    },
    /// Removes a scene or adapter from a region link of a symbol.
    UnlinkRegion {
        symbol: SymbolId,
        region: String,
        target: LinkTarget,
    },
}

/// Why an edit cannot be applied; the library is then unchanged.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EditError {
    /// An id that is not in the library.
    #[error("there is no {kind} “{id}” in the library")]
    Unknown { kind: &'static str, id: String },
    /// An id the library already has.
    #[error("the library already has a {kind} “{id}”")]
    Duplicate { kind: &'static str, id: String },
    /// An empty id.
    #[error("a {kind} needs an id")]
    EmptyId { kind: &'static str },
    /// Removing or renaming an entry others still name.
    #[error("{kind} “{id}” is still used by {}", .by.join(", "))]
    InUse {
        kind: &'static str,
        id: String,
        by: Vec<String>,
    },
    /// A region link id the symbol does not have.
    #[error("symbol “{symbol}” has no region “{region}”")]
    UnknownRegion { symbol: String, region: String },
    /// Linking what is already linked, or unlinking what is not.
    #[error("region “{region}” of “{symbol}” {} {target}", if *.linked { "already links to" } else { "does not link to" })]
    Link {
        symbol: String,
        region: String,
        target: String,
        linked: bool,
    },
}

impl Edit {
    /// A short name for menus and the undo history, e.g. “link region outer-gap → Δ41”.
    pub fn label(&self) -> String {
        match self {
            Edit::AddSymbol(s) => format!("add symbol {}", s.id),
            Edit::RemoveSymbol(id) => format!("remove symbol {id}"),
            Edit::UpdateSymbol { id, symbol } if symbol.id != *id => {
                format!("rename symbol {id} → {}", symbol.id)
            }
            Edit::UpdateSymbol { id, .. } => format!("edit symbol {id}"),
            Edit::AddScene(s) => format!("add scene {}", s.id),
            Edit::RemoveScene(id) => format!("remove scene {id}"),
            Edit::UpdateScene { id, .. } => format!("edit scene {id}"),
            Edit::AddAdapter(a) => format!("add adapter {}", a.id),
            Edit::RemoveAdapter(id) => format!("remove adapter {id}"),
            Edit::UpdateAdapter { id, .. } => format!("edit adapter {id}"),
            Edit::AddTour(t) => format!("add tour {}", t.id),
            Edit::RemoveTour(id) => format!("remove tour {id}"),
            Edit::UpdateTour { id, .. } => format!("edit tour {id}"),
            Edit::LinkRegion { region, target, .. } => format!("link region {region} → {target}"),
            Edit::UnlinkRegion { region, target, .. } => {
                format!("unlink region {region} → {target}")
            }
        }
    }
}

fn unknown(kind: &'static str, id: &str) -> EditError {
    EditError::Unknown {
        kind,
        id: id.to_string(),
    }
}

/// The library after `edit`; `library` itself is left as it was.
pub fn apply(library: &Library, edit: &Edit) -> Result<Library, EditError> {
    let mut next = library.clone();
    match edit {
        Edit::AddSymbol(symbol) => {
            check_new_id("symbol", &symbol.id, library.symbol(&symbol.id).is_some())?;
            check_symbol_links(library, symbol)?;
            next.symbols.push(symbol.clone());
        }
        Edit::RemoveSymbol(id) => {
            let at = symbol_position(library, id)?;
            in_use("symbol", id, symbol_users(library, id))?;
            next.symbols.remove(at);
        }
        Edit::UpdateSymbol { id, symbol } => {
            let at = symbol_position(library, id)?;
            if symbol.id != *id {
                check_new_id("symbol", &symbol.id, library.symbol(&symbol.id).is_some())?;
                in_use("symbol", id, symbol_users(library, id))?;
            }
            check_symbol_links(library, symbol)?;
            next.symbols[at] = symbol.clone();
        }
        Edit::AddScene(scene) => {
            check_new_id("scene", &scene.id, library.scene(&scene.id).is_some())?;
            next.scenes.push(scene.clone());
        }
        Edit::RemoveScene(id) => {
            let at = position(&library.scenes, |s| s.id == *id).ok_or(unknown("scene", id))?;
            in_use("scene", id, scene_users(library, id))?;
            next.scenes.remove(at);
        }
        Edit::UpdateScene { id, scene } => {
            let at = position(&library.scenes, |s| s.id == *id).ok_or(unknown("scene", id))?;
            if scene.id != *id {
                check_new_id("scene", &scene.id, library.scene(&scene.id).is_some())?;
                in_use("scene", id, scene_users(library, id))?;
            }
            next.scenes[at] = scene.clone();
        }
        Edit::AddAdapter(adapter) => {
            check_new_id(
                "adapter",
                &adapter.id,
                library.adapter(&adapter.id).is_some(),
            )?;
            next.adapters.push(adapter.clone());
        }
        Edit::RemoveAdapter(id) => {
            let at = position(&library.adapters, |a| a.id == *id).ok_or(unknown("adapter", id))?;
            in_use("adapter", id, adapter_users(library, id))?;
            next.adapters.remove(at);
        }
        Edit::UpdateAdapter { id, adapter } => {
            let at = position(&library.adapters, |a| a.id == *id).ok_or(unknown("adapter", id))?;
            if adapter.id != *id {
                check_new_id(
                    "adapter",
                    &adapter.id,
                    library.adapter(&adapter.id).is_some(),
                )?;
                in_use("adapter", id, adapter_users(library, id))?;
            }
            next.adapters[at] = adapter.clone();
        }
        Edit::AddTour(tour) => {
            check_new_id("tour", &tour.id, library.tour(&tour.id).is_some())?;
            check_tour(library, tour)?;
            next.tours.push(tour.clone());
        }
        Edit::RemoveTour(id) => {
            let at = position(&library.tours, |t| t.id == *id).ok_or(unknown("tour", id))?;
            next.tours.remove(at);
        }
        Edit::UpdateTour { id, tour } => {
            let at = position(&library.tours, |t| t.id == *id).ok_or(unknown("tour", id))?;
            if tour.id != *id {
                check_new_id("tour", &tour.id, library.tour(&tour.id).is_some())?;
            }
            check_tour(library, tour)?;
            next.tours[at] = tour.clone();
        }
        Edit::LinkRegion {
            symbol,
            region,
            target,
        }
        | Edit::UnlinkRegion {
            symbol,
            region,
            target,
        } => {
            let link = matches!(edit, Edit::LinkRegion { .. });
            let at = symbol_position(library, symbol)?;
            let mut s = Symbol::clone(&library.symbols[at]);
            let r = s
                .regions
                .iter_mut()
                .find(|r| r.id == *region)
                .ok_or_else(|| EditError::UnknownRegion {
                    symbol: symbol.to_string(),
                    region: region.clone(),
                })?;
            let linked = match target {
                LinkTarget::Scene(id) => r.scenes.contains(id),
                LinkTarget::Adapter(id) => r.adapters.contains(id),
            };
            if linked == link {
                return Err(EditError::Link {
                    symbol: symbol.to_string(),
                    region: region.clone(),
                    target: target.to_string(),
                    linked,
                });
            }
            match (target, link) {
                (LinkTarget::Scene(id), true) => {
                    library.scene(id).ok_or(unknown("scene", id))?;
                    r.scenes.push(id.clone());
                }
                (LinkTarget::Adapter(id), true) => {
                    library.adapter(id).ok_or(unknown("adapter", id))?;
                    r.adapters.push(id.clone());
                }
                (LinkTarget::Scene(id), false) => r.scenes.retain(|x| x != id),
                (LinkTarget::Adapter(id), false) => r.adapters.retain(|x| x != id),
            }
            next.symbols[at] = Arc::new(s);
        }
    }
    Ok(next)
}

fn position<T>(items: &[Arc<T>], matches: impl Fn(&T) -> bool) -> Option<usize> {
    items.iter().position(|x| matches(x))
}

fn symbol_position(library: &Library, id: &SymbolId) -> Result<usize, EditError> {
    position(&library.symbols, |s| s.id == *id).ok_or(unknown("symbol", id))
}

fn check_new_id(kind: &'static str, id: &str, taken: bool) -> Result<(), EditError> {
    if id.trim().is_empty() {
        return Err(EditError::EmptyId { kind });
    }
    if taken {
        return Err(EditError::Duplicate {
            kind,
            id: id.to_string(),
        });
    }
    Ok(())
}

fn in_use(kind: &'static str, id: &str, by: Vec<String>) -> Result<(), EditError> {
    if by.is_empty() {
        Ok(())
    } else {
        Err(EditError::InUse {
            kind,
            id: id.to_string(),
            by,
        })
    }
}

/// Every scene and adapter a symbol names must be in the library.
fn check_symbol_links(library: &Library, s: &Symbol) -> Result<(), EditError> {
    let scenes = s
        .scenes
        .iter()
        .chain(s.regions.iter().flat_map(|r| &r.scenes));
    for id in scenes {
        library.scene(id).ok_or(unknown("scene", id))?;
    }
    let adapters = s
        .adapters
        .iter()
        .chain(s.regions.iter().flat_map(|r| &r.adapters));
    for id in adapters {
        library.adapter(id).ok_or(unknown("adapter", id))?;
    }
    Ok(())
}

fn check_tour(library: &Library, t: &Tour) -> Result<(), EditError> {
    for step in &t.steps {
        let symbol = library
            .symbol(&step.symbol)
            .ok_or(unknown("symbol", &step.symbol))?;
        for region in &step.regions {
            if !symbol.regions.iter().any(|r| r.id == *region) {
                return Err(unknown("region", &format!("{region} (of {})", symbol.id)));
            }
        }
    }
    Ok(())
}

fn scene_links_to(library: &Library, id: &str) -> Vec<String> {
    library
        .scenes
        .iter()
        .filter(|s| s.links.iter().any(|l| l == id))
        .map(|s| format!("scene {}", s.id))
        .collect()
}

fn symbol_users(library: &Library, id: &SymbolId) -> Vec<String> {
    let mut by: Vec<String> = library
        .tours
        .iter()
        .filter(|t| t.steps.iter().any(|s| s.symbol == *id))
        .map(|t| format!("tour {}", t.id))
        .collect();
    by.extend(scene_links_to(library, id));
    by
}

/// The symbols (then the scenes) that name a scene or an adapter.
fn linked_by<'a>(
    library: &'a Library,
    id: &str,
    symbols: impl Iterator<Item = &'a Arc<Symbol>>,
) -> Vec<String> {
    let mut by: Vec<String> = symbols.map(|s| format!("symbol {}", s.id)).collect();
    by.extend(scene_links_to(library, id));
    by
}

fn scene_users(library: &Library, id: &SceneId) -> Vec<String> {
    linked_by(library, id, library.symbols_linking_scene(id))
}

fn adapter_users(library: &Library, id: &AdapterId) -> Vec<String> {
    linked_by(library, id, library.symbols_linking_adapter(id))
}
