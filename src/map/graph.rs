//! The library as a graph: symbols, scenes and adapters are nodes; a symbol's scenes and
//! adapters (whole, or through a region) and a scene's links are edges, each named as the
//! library says it. (A symbol's `transition` is prose, not a link.)

use std::collections::{HashMap, HashSet, VecDeque};

use crate::library::{Library, Lineage};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Symbol,
    Scene,
    Adapter,
}

/// A thing on the map: its kind, its id, and a short label.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub id: String,
    pub label: String,
    /// A symbol's lineage (what colours its dot).
    pub lineage: Option<Lineage>,
}

/// A link between two nodes (indices into [`MapGraph::nodes`]), and what it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    pub label: String,
}

/// Nodes in library order (symbols, then scenes, then adapters) and their links.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapGraph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Each node's edges (indices into `edges`).
    pub adjacency: Vec<Vec<u32>>,
    index: HashMap<(NodeKind, String), u32>,
    pairs: HashSet<(u32, u32)>,
}

impl MapGraph {
    pub fn new(library: &Library) -> Self {
        let mut g = MapGraph::default();
        for s in &library.symbols {
            let label = match s.glyph.character() {
                Some(c) => format!("{c} {}", s.name),
                None => format!("✎ {}", s.name),
            };
            g.add_node(NodeKind::Symbol, s.id.as_str(), label);
            if let Some(n) = g.nodes.last_mut() {
                n.lineage = Some(s.lineage);
            }
        }
        for s in &library.scenes {
            g.add_node(
                NodeKind::Scene,
                s.id.as_str(),
                format!("{} {}", s.id, s.title),
            );
        }
        for a in &library.adapters {
            g.add_node(NodeKind::Adapter, a.id.as_str(), a.name.clone());
        }
        g.adjacency = vec![Vec::new(); g.nodes.len()];
        for s in &library.symbols {
            let Some(from) = g.find(NodeKind::Symbol, s.id.as_str()) else {
                continue;
            };
            let name = &g.nodes[from as usize].label.clone();
            for id in &s.scenes {
                g.link(from, NodeKind::Scene, id.as_str(), || {
                    format!("{name} → scene {id}")
                });
            }
            for id in &s.adapters {
                g.link(from, NodeKind::Adapter, id.as_str(), || {
                    format!("{name} → adapter {id}")
                });
            }
            for r in &s.regions {
                for id in &r.scenes {
                    g.link(from, NodeKind::Scene, id.as_str(), || {
                        format!("{name}, region “{}” → scene {id}", r.label)
                    });
                }
                for id in &r.adapters {
                    g.link(from, NodeKind::Adapter, id.as_str(), || {
                        format!("{name}, region “{}” → adapter {id}", r.label)
                    });
                }
            }
        }
        for sc in &library.scenes {
            let Some(from) = g.find(NodeKind::Scene, sc.id.as_str()) else {
                continue;
            };
            for target in &sc.links {
                // A scene's links name symbols, scenes or adapters by id.
                let to = [NodeKind::Symbol, NodeKind::Scene, NodeKind::Adapter]
                    .into_iter()
                    .find_map(|k| g.find(k, target));
                if let Some(to) = to {
                    let label = format!("scene {} links {}", sc.id, g.nodes[to as usize].label);
                    g.add_edge(from, to, label);
                }
            }
        }
        g
    }

    fn add_node(&mut self, kind: NodeKind, id: &str, label: String) {
        let at = self.nodes.len() as u32;
        // An id given twice keeps its first node (the library's checks report it).
        self.index.entry((kind, id.to_string())).or_insert(at);
        self.nodes.push(Node {
            kind,
            id: id.to_string(),
            label,
            lineage: None,
        });
    }

    /// The node of `kind` named `id`.
    pub fn find(&self, kind: NodeKind, id: &str) -> Option<u32> {
        self.index.get(&(kind, id.to_string())).copied()
    }

    fn link(&mut self, from: u32, kind: NodeKind, id: &str, label: impl FnOnce() -> String) {
        if let Some(to) = self.find(kind, id) {
            self.add_edge(from, to, label());
        }
    }

    /// Adds an edge unless the pair is linked already (the first label stays: a symbol's
    /// own link before its regions').
    fn add_edge(&mut self, a: u32, b: u32, label: String) {
        if a == b || !self.pairs.insert((a.min(b), a.max(b))) {
            return;
        }
        let e = self.edges.len() as u32;
        self.edges.push(Edge { a, b, label });
        self.adjacency[a as usize].push(e);
        self.adjacency[b as usize].push(e);
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The nodes within `depth` links of `center` (it included), by breadth-first search over
    /// links in either direction: Obsidian's local graph.
    pub fn within(&self, center: u32, depth: u32) -> Vec<bool> {
        let mut seen = vec![false; self.nodes.len()];
        let Some(first) = seen.get_mut(center as usize) else {
            return seen;
        };
        *first = true;
        let mut queue = VecDeque::from([(center, 0u32)]);
        while let Some((n, d)) = queue.pop_front() {
            if d == depth {
                continue;
            }
            for &e in &self.adjacency[n as usize] {
                let edge = &self.edges[e as usize];
                let other = if edge.a == n { edge.b } else { edge.a };
                if !seen[other as usize] {
                    seen[other as usize] = true;
                    queue.push_back((other, d + 1));
                }
            }
        }
        seen
    }
}
