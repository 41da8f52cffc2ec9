//! PEFT adapter folders: `adapter_config.json` (`peft_type`, `r`, `lora_alpha`,
//! `target_modules`, `base_model_name_or_path`, …) beside `adapter_model.safetensors`.

use std::path::Path;

use super::{
    AdapterError, AdapterInfo, Sourced, fill_scaling, info_from_header, read_safetensors_header,
};

/// Reads a PEFT folder: the config, and the weights' header when they are safetensors.
/// A folder whose config is there but whose weights are not is incomplete: an error.
pub fn read_peft_folder(dir: &Path) -> Result<AdapterInfo, AdapterError> {
    let config_path = dir.join("adapter_config.json");
    if !config_path.is_file() {
        return Err(AdapterError::NotAnAdapter {
            path: dir.to_path_buf(),
        });
    }
    let text = std::fs::read_to_string(&config_path).map_err(|error| AdapterError::Io {
        path: config_path.clone(),
        error,
    })?;
    let config = parse_peft_config(&config_path, &text)?;
    let weights = dir.join("adapter_model.safetensors");
    let mut info = if weights.is_file() {
        info_from_header(dir, &read_safetensors_header(&weights)?)
    } else if dir.join("adapter_model.bin").is_file() {
        // PyTorch pickle weights: never unpickled, so only the config speaks.
        AdapterInfo {
            path: dir.to_path_buf(),
            ..Default::default()
        }
    } else {
        return Err(AdapterError::IncompletePeft {
            path: dir.to_path_buf(),
        });
    };
    info.peft_type = config.peft_type;
    info.rank = config.rank.or(info.rank);
    info.alpha = config.alpha.or(info.alpha);
    info.target_modules = config.target_modules.or(info.target_modules);
    info.base_model = config.base_model.or(info.base_model);
    info.scaling = None;
    fill_scaling(&mut info);
    Ok(info)
}

/// What an `adapter_config.json` says (`config_path` names it in errors): the PEFT type,
/// and for LoRA its rank and alpha, target modules and base model.
pub fn parse_peft_config(config_path: &Path, text: &str) -> Result<AdapterInfo, AdapterError> {
    let bad = |message: String| AdapterError::PeftConfig {
        path: config_path.to_path_buf(),
        message,
    };
    let config: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        bad(format!(
            "not valid JSON at line {}, column {}: {e}",
            e.line(),
            e.column()
        ))
    })?;
    let config = config
        .as_object()
        .ok_or_else(|| bad("the config is not a JSON object".into()))?;
    if let Some(key) = super::safetensors::repeated_key(text.as_bytes()) {
        return Err(bad(format!(
            "field {key:?} is given twice; JSON readers disagree on which one counts"
        )));
    }
    let mut info = AdapterInfo::default();
    let source = |field: &str| format!("adapter_config.json: {field}");
    let peft_type = config
        .get("peft_type")
        .and_then(|v| v.as_str())
        .ok_or_else(|| bad("missing field \"peft_type\" (a string such as \"LORA\")".into()))?;
    info.peft_type = Some(Sourced::new(peft_type.to_string(), source("peft_type")));
    if peft_type.eq_ignore_ascii_case("LORA") {
        let r = match config.get("r") {
            None => {
                return Err(bad(
                    "missing field \"r\" (the LoRA rank, a positive integer)".into(),
                ));
            }
            Some(v) => v.as_u64().filter(|&r| r > 0).ok_or_else(|| {
                bad(format!(
                    "field \"r\" (the LoRA rank) must be a positive integer, not {v}"
                ))
            })?,
        };
        let alpha = config
            .get("lora_alpha")
            .and_then(|v| v.as_f64())
            .ok_or_else(|| bad("missing field \"lora_alpha\" (a number)".into()))?;
        info.rank = Some(Sourced::new(r, source("r")));
        info.alpha = Some(Sourced::new(alpha, source("lora_alpha")));
    }
    match config.get("target_modules") {
        Some(serde_json::Value::Array(list)) => {
            let modules: Option<Vec<String>> = list
                .iter()
                .map(|m| m.as_str().map(str::to_string))
                .collect();
            let modules = modules.ok_or_else(|| {
                bad("\"target_modules\" holds something other than strings".into())
            })?;
            info.target_modules = Some(Sourced::new(modules, source("target_modules")));
        }
        Some(serde_json::Value::String(pattern)) => {
            info.target_modules = Some(Sourced::new(
                vec![pattern.clone()],
                source("target_modules (a pattern)"),
            ));
        }
        Some(serde_json::Value::Null) | None => {}
        Some(_) => {
            return Err(bad(
                "\"target_modules\" is neither a list of strings nor a string".into(),
            ));
        }
    }
    if let Some(base) = config
        .get("base_model_name_or_path")
        .and_then(|v| v.as_str())
    {
        info.base_model = Some(Sourced::new(
            base.to_string(),
            source("base_model_name_or_path"),
        ));
    }
    Ok(info)
}
