//! Embeddings: the semantic rule, cosine neighbours, shape neighbours from the fields, and
//! vectors imported from a user's model.

use hologlyph::embedding::{
    EmbeddingError, SemanticIndex, ShapeIndex, compose, concept_vector, load_external,
};
use hologlyph::library::{self, Weighted};
use ndarray::{Array2, array};
use ndarray_npy::write_npy;

#[test]
fn embeddings_follow_the_documented_rule() {
    let lib = library::load_bundled().expect("readable").library;
    for i in 0..lib.concepts.len() {
        let v = concept_vector(&lib, i);
        assert!((v.dot(&v) - 1.0).abs() < 1e-5, "concept {i} is unit length");
    }
    // A one-component symbol means exactly its concept; weights scale, then normalise.
    let heat = lib
        .concepts
        .iter()
        .position(|c| c.name == "heat")
        .expect("heat");
    let one = compose(
        &[Weighted {
            concept: "heat".into(),
            weight: 3.0,
        }],
        &lib,
    );
    assert!((one.dot(&concept_vector(&lib, heat)) - 1.0).abs() < 1e-5);
    let two = compose(
        &[
            Weighted {
                concept: "heat".into(),
                weight: 1.0,
            },
            Weighted {
                concept: "fear".into(),
                weight: 1.0,
            },
        ],
        &lib,
    );
    let fear = lib
        .concepts
        .iter()
        .position(|c| c.name == "fear")
        .expect("fear");
    let (a, b) = (
        two.dot(&concept_vector(&lib, heat)),
        two.dot(&concept_vector(&lib, fear)),
    );
    assert!(
        (a - b).abs() < 1e-5,
        "equal weights, equal shares: {a} vs {b}"
    );
    assert!((two.dot(&two) - 1.0).abs() < 1e-5);
}

#[test]
fn semantic_neighbours_are_ranked_cosines_without_the_symbol_itself() {
    let lib = library::load_bundled().expect("readable").library;
    let index = SemanticIndex::new(&lib);
    let i = lib
        .symbols
        .iter()
        .position(|s| s.id == "fire")
        .expect("fire");
    let near = index.similar_symbols(i, 8);
    assert_eq!(near.len(), 8);
    assert!(
        near.iter()
            .all(|n| n.id != "fire" && (-1.0..=1.0).contains(&n.score))
    );
    assert!(near.windows(2).all(|w| w[0].score >= w[1].score));
    // Brute force agrees with the index.
    let q = index.symbols.row(i);
    let mut all: Vec<(f32, &str)> = (0..lib.symbols.len())
        .filter(|&j| j != i)
        .map(|j| (index.symbols.row(j).dot(&q), lib.symbols[j].id.as_str()))
        .collect();
    all.sort_by(|a, b| b.0.total_cmp(&a.0));
    assert_eq!(near[0].id, all[0].1);
    assert!((near[0].score - all[0].0).abs() < 1e-6);
    // Fire's nearest by meaning share its heat.
    let nearest = lib.symbol(&near[0].id).expect("symbol");
    assert!(
        nearest.components.iter().any(|c| c.concept == "heat"),
        "{}",
        nearest.id
    );
}

#[test]
fn shape_neighbours_come_from_the_fields_and_are_kept_apart_from_meaning() {
    let lib = library::load_bundled().expect("readable").library;
    let shape = ShapeIndex::build(&lib, 96);
    let at = |id: &str| lib.symbols.iter().position(|s| s.id == id).expect("id");
    // ⊕ and ⊗ are the same ring with four counters: each other's nearest shape.
    assert_eq!(shape.similar(at("circled-plus"), 1)[0].id, "circled-times");
    // 🜂 and 🜄 are one triangle, flipped.
    assert_eq!(shape.similar(at("fire"), 1)[0].id, "water");
    let d = shape.descriptors[at("ascent")]
        .as_ref()
        .expect("descriptor");
    assert_eq!(d.holes, 2);
    // The two spaces answer differently for the same symbol.
    let semantic = SemanticIndex::new(&lib);
    let by_meaning = semantic.similar_symbols(at("fire"), 1)[0].id.clone();
    assert_ne!(by_meaning, "water", "fire does not *mean* water");
}

#[test]
fn external_embeddings_import_from_npy_and_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let m32 = dir.path().join("m32.npy");
    let m64 = dir.path().join("m64.npy");
    let ids = dir.path().join("ids.txt");
    let rows: Array2<f32> = array![
        [1.0, 0.0, 0.0],
        [0.9, 0.1, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.0, 2.0]
    ];
    write_npy(&m32, &rows).expect("npy");
    write_npy(&m64, &rows.mapv(f64::from)).expect("npy");
    std::fs::write(&ids, "ascent\nfire\n\nbreath\nwater\n").expect("ids");
    for m in [&m32, &m64] {
        let space = load_external(m, &ids).expect("imports");
        assert_eq!(space.ids, ["ascent", "fire", "breath", "water"]);
        let near = space.nearest(space.row(0), 2, Some(0));
        assert_eq!(near[0].id, "fire");
        assert!((near[0].score - 0.9 / (0.82f32).sqrt()).abs() < 1e-5);
        assert!((space.row(3)[2] - 1.0).abs() < 1e-6, "rows are normalised");
    }
    // Mismatched counts name both files.
    std::fs::write(&ids, "a\nb\n").expect("ids");
    let e = load_external(&m32, &ids).unwrap_err();
    assert!(
        matches!(
            e,
            EmbeddingError::CountMismatch {
                id_count: 2,
                rows: 4,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("ids.txt") && e.to_string().contains("m32.npy"));
    // A duplicate id says which line.
    std::fs::write(&ids, "a\nb\na\nc\n").expect("ids");
    let e = load_external(&m32, &ids).unwrap_err();
    assert!(e.to_string().contains("ids.txt:3"), "{e}");
    // Not a matrix.
    let bad = dir.path().join("bad.npy");
    std::fs::write(&bad, b"not numpy").expect("bad");
    std::fs::write(&ids, "a\nb\nc\nd\n").expect("ids");
    let e = load_external(&bad, &ids).unwrap_err();
    assert!(matches!(e, EmbeddingError::Npy { .. }), "{e}");
    // NaN.
    let nan: Array2<f32> = array![[1.0, f32::NAN]];
    write_npy(&m32, &nan).expect("npy");
    std::fs::write(&ids, "x\n").expect("ids");
    let e = load_external(&m32, &ids).unwrap_err();
    assert!(e.to_string().contains("row 0 (id `x`)"), "{e}");
}

/// The shape index's disk cache: a cold run computes every descriptor and writes them, a
/// warm run computes none and gives the same index bit for bit, and a changed glyph is the
/// only one computed again.
#[test]
fn cached_shape_descriptors_equal_computed_ones_and_a_changed_glyph_is_computed_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut lib = library::load_bundled().expect("readable").library;
    let n = lib.symbols.len();
    let plain = ShapeIndex::build(&lib, 64);
    assert_eq!(plain.computed, n);

    let cold = ShapeIndex::build_cached(&lib, 64, None, Some(dir.path()));
    assert_eq!(cold.computed, n, "the first run computes every glyph");
    assert!(dir.path().join("shape-64.jsonl").is_file());
    let warm = ShapeIndex::build_cached(&lib, 64, None, Some(dir.path()));
    assert_eq!(warm.computed, 0, "the second run computes nothing");
    assert_eq!(warm.descriptors, plain.descriptors);
    assert_eq!(warm.space.row(0), plain.space.row(0));

    // Another size is another file.
    let other = ShapeIndex::build_cached(&lib, 96, None, Some(dir.path()));
    assert_eq!(other.computed, n);

    let i = lib
        .symbols
        .iter()
        .position(|s| s.glyph.character().is_some())
        .expect("a font glyph");
    std::sync::Arc::make_mut(&mut lib.symbols[i]).glyph = library::GlyphRef::Char {
        ch: 'Q',
        font: None,
    };
    let changed = ShapeIndex::build_cached(&lib, 64, None, Some(dir.path()));
    assert_eq!(changed.computed, 1, "only the changed glyph is computed");
    assert_eq!(
        changed.descriptors[i],
        ShapeIndex::build(&lib, 64).descriptors[i]
    );
}
