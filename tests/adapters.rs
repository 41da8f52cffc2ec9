//! LoRA adapter files: safetensors headers (read without the weights) and PEFT folders,
//! valid and broken.

use std::io::Write;
use std::path::Path;

use hologlyph::adapters::{AdapterError, MAX_HEADER_BYTES, read_adapter};
use serde_json::json;

/// Writes a safetensors file: the header for `tensors` (name, dtype, shape; f16 or f32 data
/// laid out in order) and `metadata`, then zeroed data.
fn write_safetensors(path: &Path, tensors: &[(&str, &str, &[u64])], metadata: serde_json::Value) {
    let mut header = serde_json::Map::new();
    let mut offset = 0u64;
    for (name, dtype, shape) in tensors {
        let bytes = shape.iter().product::<u64>() * if *dtype == "F32" { 4 } else { 2 };
        header.insert(
            name.to_string(),
            json!({"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + bytes]}),
        );
        offset += bytes;
    }
    if !metadata.is_null() {
        header.insert("__metadata__".into(), metadata);
    }
    let text = serde_json::to_vec(&header).expect("json");
    let mut file = std::fs::File::create(path).expect("create");
    file.write_all(&(text.len() as u64).to_le_bytes())
        .expect("write");
    file.write_all(&text).expect("write");
    file.write_all(&vec![0u8; offset as usize]).expect("write");
}

fn write_raw(path: &Path, length: u64, json: &[u8], data: usize) {
    let mut file = std::fs::File::create(path).expect("create");
    file.write_all(&length.to_le_bytes()).expect("write");
    file.write_all(json).expect("write");
    file.write_all(&vec![0u8; data]).expect("write");
}

const PEFT_TENSORS: &[(&str, &str, &[u64])] = &[
    (
        "base_model.model.layers.0.self_attn.q_proj.lora_A.weight",
        "F16",
        &[8, 64],
    ),
    (
        "base_model.model.layers.0.self_attn.q_proj.lora_B.weight",
        "F16",
        &[64, 8],
    ),
    (
        "base_model.model.layers.0.self_attn.v_proj.lora_A.weight",
        "F16",
        &[8, 64],
    ),
    (
        "base_model.model.layers.0.self_attn.v_proj.lora_B.weight",
        "F16",
        &[64, 8],
    ),
];

#[test]
fn a_peft_style_safetensors_file_gives_rank_modules_dtypes_and_triggers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("initiation.safetensors");
    write_safetensors(
        &path,
        PEFT_TENSORS,
        json!({"modelspec.trigger_phrase": "initiation, threshold"}),
    );
    let info = read_adapter(&path).expect("reads");
    assert_eq!(info.rank.as_ref().map(|r| r.value), Some(8));
    assert!(
        info.rank
            .as_ref()
            .is_some_and(|r| r.source.contains("tensor shapes"))
    );
    assert_eq!(
        info.target_modules.as_ref().map(|m| m.value.clone()),
        Some(vec!["q_proj".to_string(), "v_proj".to_string()])
    );
    assert_eq!(info.dtypes, vec!["F16".to_string()]);
    assert_eq!(info.tensor_count, 4);
    assert_eq!(info.tensor_bytes, 4 * 8 * 64 * 2);
    assert_eq!(
        info.trigger_phrases.as_ref().map(|t| t.value.clone()),
        Some(vec!["initiation".to_string(), "threshold".to_string()])
    );
    assert!(
        info.alpha.is_none() && info.scaling.is_none(),
        "nothing says the alpha"
    );
}

#[test]
fn a_kohya_file_gives_alpha_scaling_and_the_most_frequent_tags() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("kohya.safetensors");
    let tags = json!({"10_fire": {"flame": 40, "heat": 25, "ash": 3}, "5_smoke": {"smoke": 30, "heat": 10}}).to_string();
    write_safetensors(
        &path,
        &[
            (
                "lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight",
                "F32",
                &[16, 320],
            ),
            (
                "lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight",
                "F32",
                &[320, 16],
            ),
        ],
        json!({"ss_network_dim": "16", "ss_network_alpha": "8", "ss_tag_frequency": tags}),
    );
    let info = read_adapter(&path).expect("reads");
    assert_eq!(info.rank.as_ref().map(|r| r.value), Some(16));
    assert_eq!(info.alpha.as_ref().map(|a| a.value), Some(8.0));
    assert_eq!(info.scaling.as_ref().map(|s| s.value), Some(0.5));
    let triggers = info.trigger_phrases.expect("tags").value;
    assert_eq!(
        triggers[..3],
        ["flame".to_string(), "heat".to_string(), "smoke".to_string()]
    );
}

/// A fixture written by the `safetensors` Python package (`tests/adapters/make_kohya.py`).
fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/adapters")
        .join(name)
}

#[test]
fn a_kohya_lora_written_by_the_python_package_reports_how_it_was_trained() {
    let info = read_adapter(&fixture("kohya-lora-sd1.safetensors")).expect("reads");
    let t = &info.training;
    let module = t.network_module.as_ref().expect("network module");
    assert_eq!(module.value, "LoRA");
    assert_eq!(
        module.source,
        "__metadata__.ss_network_module = networks.lora"
    );
    // The type line is the network module; the base model is its name, and its version
    // is kept apart.
    assert_eq!(
        info.peft_type.as_ref().map(|t| t.value.as_str()),
        Some("LoRA")
    );
    let base = info.base_model.as_ref().expect("base model");
    assert_eq!(
        (base.value.as_str(), base.source.as_str()),
        (
            "v1-5-pruned-emaonly.safetensors",
            "__metadata__.ss_sd_model_name"
        )
    );
    let version = t.base_model_version.as_ref().expect("version");
    assert_eq!(
        (version.value.as_str(), version.source.as_str()),
        ("sd_v1", "__metadata__.ss_base_model_version")
    );
    let resolution = t.resolution.as_ref().expect("resolution");
    assert_eq!(
        (resolution.value.as_str(), resolution.source.as_str()),
        ("(512, 512)", "__metadata__.ss_resolution")
    );
    let epochs = t.epochs.as_ref().expect("epochs");
    assert_eq!(
        (epochs.value, epochs.source.as_str()),
        (10, "__metadata__.ss_num_epochs")
    );
    assert_eq!(t.steps.as_ref().map(|s| s.value), Some(1500));
    assert_eq!(t.learning_rate.as_ref().map(|v| v.value), Some(1e-4));
    assert_eq!(t.text_encoder_lr.as_ref().map(|v| v.value), Some(5e-5));
    assert_eq!(
        t.optimizer.as_ref().map(|v| v.value.as_str()),
        Some("bitsandbytes.optim.adamw.AdamW8bit")
    );
    let created = t.created.as_ref().expect("created");
    assert_eq!(
        (created.value.as_str(), created.source.as_str()),
        (
            "2023-11-14 22:13:20 UTC",
            "__metadata__.ss_training_started_at"
        )
    );
    // Tags summed over the two folders: triangle 27 + 9.
    let tags = t.top_tags.as_ref().expect("tags");
    assert!(tags.source.starts_with("__metadata__.ss_tag_frequency"));
    let top: Vec<(&str, u64)> = tags
        .value
        .iter()
        .map(|t| (t.tag.as_str(), t.count))
        .collect();
    assert_eq!(
        top,
        [
            ("threshold", 40),
            ("triangle", 36),
            ("doorway", 31),
            ("glyph", 25),
            ("monochrome", 18),
            ("light", 12)
        ]
    );
    // The file's alpha tensors are kohya's; rank still comes from the shapes.
    assert_eq!(info.rank.as_ref().map(|r| r.value), Some(4));
}

#[test]
fn a_lycoris_locon_names_its_algorithm_and_leaves_unset_values_unknown() {
    let info = read_adapter(&fixture("kohya-locon-sdxl.safetensors")).expect("reads");
    let t = &info.training;
    let module = t.network_module.as_ref().expect("module");
    assert_eq!(module.value, "LoCon");
    assert!(module.source.contains("ss_network_args.algo = locon"));
    // No model name in the file: the base model is its version.
    let base = info.base_model.as_ref().expect("base");
    assert_eq!(
        (base.value.as_str(), base.source.as_str()),
        ("sdxl_base_v1-0", "__metadata__.ss_base_model_version")
    );
    // kohya writes "None" for what was not set: unknown, not a number.
    assert_eq!(t.unet_lr, None);
    assert_eq!(t.text_encoder_lr, None);
    assert_eq!(t.steps, None);
    assert_eq!(t.top_tags, None);
    assert_eq!(
        t.created.as_ref().map(|c| c.value.as_str()),
        Some("2024-05-01T12:00:00")
    );
}

#[test]
fn only_the_header_is_read_never_the_weights() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.safetensors");
    let text = serde_json::to_vec(&json!({"w.lora_A.weight": {"dtype": "F32", "shape": [4, 1 << 28], "data_offsets": [0, 1u64 << 32]}})).expect("json");
    write_raw(&path, text.len() as u64, &text, 0);
    // 4 GiB of (sparse) weights after the header.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open")
        .set_len(8 + text.len() as u64 + (1 << 32))
        .expect("sparse");
    let start = std::time::Instant::now();
    let info = read_adapter(&path).expect("reads");
    assert_eq!(info.tensor_bytes, 1 << 32);
    assert!(
        start.elapsed().as_secs() < 5,
        "reading took {:?}: were the weights read?",
        start.elapsed()
    );
}

#[test]
fn broken_safetensors_files_get_clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |name: &str| dir.path().join(name);

    std::fs::write(p("short.safetensors"), [1u8, 2, 3]).expect("write");
    assert!(matches!(
        read_adapter(&p("short.safetensors")),
        Err(AdapterError::TooShort { len: 3, .. })
    ));

    write_raw(&p("truncated.safetensors"), 5000, b"{\"a\":", 0);
    let err = read_adapter(&p("truncated.safetensors")).expect_err("truncated");
    assert!(
        matches!(err, AdapterError::HeaderBeyondFile { size: 5000, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("truncated.safetensors"), "{err}");

    write_raw(&p("huge.safetensors"), MAX_HEADER_BYTES + 1, b"{}", 0);
    assert!(matches!(
        read_adapter(&p("huge.safetensors")),
        Err(AdapterError::HeaderTooLarge { .. })
    ));

    let bad = b"{\"a\": {\"dtype\": \"F16\",\n \"shape\": [1, }";
    write_raw(&p("badjson.safetensors"), bad.len() as u64, bad, 0);
    match read_adapter(&p("badjson.safetensors")) {
        Err(AdapterError::HeaderJson { line, column, .. }) => assert_eq!((line, column), (2, 15)),
        other => panic!("expected a JSON error, got {other:?}"),
    }

    let meta = serde_json::to_vec(&json!({"__metadata__": {"ss_network_dim": 16}})).expect("json");
    write_raw(&p("meta.safetensors"), meta.len() as u64, &meta, 0);
    let err = read_adapter(&p("meta.safetensors")).expect_err("non-string metadata");
    assert!(
        matches!(err, AdapterError::HeaderEntry { .. })
            && err.to_string().contains("ss_network_dim"),
        "{err}"
    );

    let outside =
        serde_json::to_vec(&json!({"w": {"dtype": "F16", "shape": [2], "data_offsets": [0, 400]}}))
            .expect("json");
    write_raw(&p("outside.safetensors"), outside.len() as u64, &outside, 4);
    let err = read_adapter(&p("outside.safetensors")).expect_err("offsets past the data");
    assert!(err.to_string().contains("data_offsets"), "{err}");

    assert!(matches!(
        read_adapter(&p("missing.safetensors")),
        Err(AdapterError::Io { .. })
    ));
}

#[test]
fn a_peft_folder_reads_its_config_and_its_weights_header() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("entering-the-unknown");
    std::fs::create_dir(&folder).expect("mkdir");
    let config = json!({
        "peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q_proj", "v_proj"],
        "base_model_name_or_path": "demo/base-model", "task_type": "CAUSAL_LM"
    });
    std::fs::write(folder.join("adapter_config.json"), config.to_string()).expect("write");
    write_safetensors(
        &folder.join("adapter_model.safetensors"),
        PEFT_TENSORS,
        serde_json::Value::Null,
    );
    let info = read_adapter(&folder).expect("reads");
    assert_eq!(
        info.rank.as_ref().map(|r| (r.value, r.source.as_str())),
        Some((8, "adapter_config.json: r"))
    );
    assert_eq!(info.alpha.as_ref().map(|a| a.value), Some(16.0));
    assert_eq!(info.scaling.as_ref().map(|s| s.value), Some(2.0));
    assert_eq!(
        info.base_model.as_ref().map(|b| b.value.as_str()),
        Some("demo/base-model")
    );
    assert_eq!(info.tensor_count, 4);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hologlyph"))
        .args([
            "adapter",
            folder.to_str().expect("utf-8"),
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json output");
    assert_eq!(parsed["rank"]["value"], 8);
}

#[test]
fn peft_configs_with_missing_or_bad_fields_name_the_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, config, needle) in [
        (
            "no-r",
            json!({"peft_type": "LORA", "lora_alpha": 16}),
            "\"r\"",
        ),
        (
            "no-alpha",
            json!({"peft_type": "LORA", "r": 4}),
            "\"lora_alpha\"",
        ),
        ("no-type", json!({"r": 4, "lora_alpha": 8}), "\"peft_type\""),
        (
            "bad-modules",
            json!({"peft_type": "LORA", "r": 4, "lora_alpha": 8, "target_modules": [1, 2]}),
            "target_modules",
        ),
    ] {
        let folder = dir.path().join(name);
        std::fs::create_dir(&folder).expect("mkdir");
        std::fs::write(folder.join("adapter_config.json"), config.to_string()).expect("write");
        let err = read_adapter(&folder).expect_err("bad config");
        let message = err.to_string();
        assert!(
            matches!(err, AdapterError::PeftConfig { .. }),
            "{name}: {message}"
        );
        assert!(
            message.contains(needle) && message.contains("adapter_config.json"),
            "{name}: {message}"
        );
    }
    let folder = dir.path().join("bad-json");
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::write(
        folder.join("adapter_config.json"),
        "{\n  \"r\": 4,\n  oops\n}",
    )
    .expect("write");
    let message = read_adapter(&folder).expect_err("bad json").to_string();
    assert!(message.contains("line 3"), "{message}");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    assert!(matches!(
        read_adapter(&empty),
        Err(AdapterError::NotAnAdapter { .. })
    ));
}
