//! Every shader parses and validates with naga, so a typo fails `cargo test`, not the app.

use hologlyph::shaders;

#[test]
fn every_shader_parses_and_validates() {
    for (name, source) in shaders::all() {
        let module = naga::front::wgsl::parse_str(&source)
            .unwrap_or_else(|e| panic!("{name} does not parse:\n{}", e.emit_to_string(&source)));
        naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::default(),
        )
        .validate(&module)
        .unwrap_or_else(|e| panic!("{name} does not validate: {e:?}"));
    }
}

#[test]
fn every_wgsl_file_in_shaders_is_embedded() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("shaders");
    let embedded: Vec<&str> = shaders::all().iter().map(|(name, _)| *name).collect();
    for entry in std::fs::read_dir(&dir).expect("shaders/ exists") {
        let name = entry
            .expect("readable entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".wgsl") && name != "common.wgsl" {
            assert!(
                embedded.contains(&name.as_str()),
                "{name} is not in shaders::all()"
            );
        }
    }
}

/// Size in bytes of the WGSL struct `name` in `source`, as naga lays it out.
fn wgsl_struct_size(source: &str, name: &str) -> usize {
    let module = naga::front::wgsl::parse_str(source).expect("parses");
    let mut layouter = naga::proc::Layouter::default();
    layouter.update(module.to_ctx()).expect("layout");
    let (handle, _) = module
        .types
        .iter()
        .find(|(_, t)| t.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("struct {name} not found"));
    layouter[handle].size as usize
}

#[test]
fn uniform_structs_match_their_rust_twins_in_size() {
    assert_eq!(
        wgsl_struct_size(&shaders::field_pass(shaders::DISTANCE), "FieldParams"),
        std::mem::size_of::<hologlyph::fields::FieldParams>()
    );
    assert_eq!(
        wgsl_struct_size(&shaders::field_pass(shaders::DISTANCE), "Glyph"),
        std::mem::size_of::<hologlyph::fields::gpu::GlyphSlot>()
    );
    assert_eq!(
        wgsl_struct_size(shaders::HOLOGRAM, "HologramUniforms"),
        std::mem::size_of::<hologlyph::hologram::HologramUniforms>()
    );
}

/// `const NAME: u32 = Nu;` declarations of a WGSL source.
fn wgsl_u32_constants(source: &str) -> std::collections::HashMap<String, u32> {
    source
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("const ")?;
            let (name, value) = rest.split_once(": u32 =")?;
            let value = value.trim().strip_suffix(';')?.trim().strip_suffix('u')?;
            Some((name.trim().to_string(), value.parse().ok()?))
        })
        .collect()
}

#[test]
fn style_and_layer_numbers_agree_with_the_shader() {
    use hologlyph::hologram::{Layer, Style};
    let constants = wgsl_u32_constants(shaders::HOLOGRAM);
    for style in Style::ALL {
        let name = format!("STYLE_{}", style.name().to_uppercase());
        assert_eq!(constants.get(&name), Some(&style.index()), "{name}");
    }
    for layer in Layer::ALL {
        let name = format!("LAYER_{}", layer.name().to_uppercase());
        assert_eq!(constants.get(&name), Some(&layer.index()), "{name}");
    }
    assert_eq!(
        constants.keys().filter(|k| k.starts_with("STYLE_")).count(),
        Style::ALL.len()
    );
    assert_eq!(
        constants.keys().filter(|k| k.starts_with("LAYER_")).count(),
        Layer::ALL.len()
    );
}
