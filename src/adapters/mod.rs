//! LoRA adapters as people have them: a `.safetensors` file (only its header is read,
//! never the weights) or a PEFT folder (`adapter_config.json` beside the weights). What
//! each says — rank, alpha, scaling, target modules, dtypes, tensor count and size, trigger
//! phrases — with where each value came from.

mod kohya;
mod peft;
mod safetensors;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use kohya::{TOP_TAGS, TagCount, Training, utc};
pub use peft::{parse_peft_config, read_peft_folder};
pub use safetensors::{
    MAX_HEADER_BYTES, SafetensorsHeader, TensorInfo, read_safetensors_bytes,
    read_safetensors_header,
};

/// A value and where it came from ("adapter_config.json: r", "tensor shapes", …).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sourced<T> {
    pub value: T,
    pub source: String,
}

impl<T> Sourced<T> {
    fn new(value: T, source: impl Into<String>) -> Self {
        Self {
            value,
            source: source.into(),
        }
    }
}

/// What an adapter's files say about it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AdapterInfo {
    /// The file or folder read.
    pub path: PathBuf,
    /// `LORA`, `LOHA`, … (PEFT's `peft_type`), or kohya's network module (`LoRA`, `LoCon`,
    /// …), when known.
    pub peft_type: Option<Sourced<String>>,
    pub base_model: Option<Sourced<String>>,
    pub rank: Option<Sourced<u64>>,
    pub alpha: Option<Sourced<f64>>,
    /// alpha / rank.
    pub scaling: Option<Sourced<f64>>,
    pub target_modules: Option<Sourced<Vec<String>>>,
    /// Distinct tensor dtypes (`F16`, `BF16`, `F32`, …).
    pub dtypes: Vec<String>,
    pub tensor_count: usize,
    /// Bytes of tensor data the header describes.
    pub tensor_bytes: u64,
    pub trigger_phrases: Option<Sourced<Vec<String>>>,
    /// How a kohya-trained file was made (`ss_*` and `modelspec.*` metadata).
    pub training: Training,
    /// The header's `__metadata__` strings.
    pub metadata: std::collections::BTreeMap<String, String>,
}

/// Why an adapter could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum AdapterError {
    /// The file or folder could not be read.
    #[error("cannot read {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The file ends before its 8-byte header length.
    #[error("{path} is not a safetensors file: {len} bytes, shorter than the 8-byte header length")]
    TooShort { path: PathBuf, len: u64 },
    /// The header is larger than we read.
    #[error("{path}: safetensors header of {size} bytes is over the {limit}-byte limit")]
    HeaderTooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    /// The header length points past the end of the file (a truncated file).
    #[error(
        "{path}: the header says it is {size} bytes, but only {available} bytes follow the length (truncated file?)"
    )]
    HeaderBeyondFile {
        path: PathBuf,
        size: u64,
        available: u64,
    },
    /// The header is not valid JSON of the safetensors shape.
    #[error(
        "{path}: safetensors header is not valid JSON at line {line}, column {column}: {message}"
    )]
    HeaderJson {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// The header is JSON, but something in it is not what safetensors allows.
    #[error("{path}: safetensors header entry {entry:?}: {message}")]
    HeaderEntry {
        path: PathBuf,
        entry: String,
        message: String,
    },
    /// A PEFT `adapter_config.json` is missing or malformed.
    #[error("{path}: {message}")]
    PeftConfig { path: PathBuf, message: String },
    /// A PEFT folder with its config but without its weights.
    #[error(
        "{path} is an incomplete PEFT folder: adapter_config.json is there, but neither adapter_model.safetensors nor adapter_model.bin"
    )]
    IncompletePeft { path: PathBuf },
    /// The path is neither a `.safetensors` file nor a folder with `adapter_config.json`.
    #[error("{path} is neither a .safetensors file nor a PEFT folder with adapter_config.json")]
    NotAnAdapter { path: PathBuf },
}

/// Reads an adapter from a `.safetensors` file or a PEFT folder.
pub fn read_adapter(path: &Path) -> Result<AdapterInfo, AdapterError> {
    if path.is_dir() {
        return read_peft_folder(path);
    }
    if path.is_file() {
        let header = read_safetensors_header(path)?;
        return Ok(info_from_header(path, &header));
    }
    if !path.exists() {
        return Err(AdapterError::Io {
            path: path.to_path_buf(),
            error: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
        });
    }
    Err(AdapterError::NotAnAdapter {
        path: path.to_path_buf(),
    })
}

/// What a safetensors header alone says.
pub fn info_from_header(path: &Path, header: &SafetensorsHeader) -> AdapterInfo {
    let mut info = AdapterInfo {
        path: path.to_path_buf(),
        tensor_count: header.tensors.len(),
        tensor_bytes: header.tensors.iter().map(|t| t.byte_len()).sum(),
        metadata: header.metadata.clone(),
        ..Default::default()
    };
    let mut dtypes: Vec<String> = header.tensors.iter().map(|t| t.dtype.clone()).collect();
    dtypes.sort();
    dtypes.dedup();
    info.dtypes = dtypes;

    // Rank: the rows of a LoRA down/A matrix (PEFT `lora_A`, kohya `lora_down`).
    let down = header
        .tensors
        .iter()
        .find(|t| t.name.ends_with("lora_A.weight") || t.name.ends_with("lora_down.weight"));
    if let Some(t) = down.filter(|t| !t.shape.is_empty()) {
        info.rank = Some(Sourced::new(
            t.shape[0],
            format!("tensor shapes ({} rows)", t.name),
        ));
    } else if let Some(dim) = header
        .metadata
        .get("ss_network_dim")
        .and_then(|v| v.parse().ok())
    {
        info.rank = Some(Sourced::new(dim, "__metadata__.ss_network_dim"));
    }
    if let Some(alpha) = header
        .metadata
        .get("ss_network_alpha")
        .and_then(|v| v.parse().ok())
    {
        info.alpha = Some(Sourced::new(alpha, "__metadata__.ss_network_alpha"));
    }
    let mut modules: Vec<String> = header
        .tensors
        .iter()
        .filter_map(|t| module_of(&t.name))
        .collect();
    modules.sort();
    modules.dedup();
    if !modules.is_empty() {
        info.target_modules = Some(Sourced::new(modules, "tensor names"));
    }
    info.training = kohya::training(&header.metadata);
    info.peft_type = info.training.network_module.clone();
    // The model's name where the file gives it, else its version or architecture.
    info.base_model = header
        .metadata
        .get("ss_sd_model_name")
        .map(|name| name.trim())
        .filter(|name| !name.is_empty() && *name != "None")
        .map(|name| Sourced::new(name.to_string(), "__metadata__.ss_sd_model_name"))
        .or_else(|| info.training.base_model_version.clone());
    info.trigger_phrases = trigger_phrases(&header.metadata);
    fill_scaling(&mut info);
    info
}

/// alpha / rank, when both are known.
fn fill_scaling(info: &mut AdapterInfo) {
    if let (Some(a), Some(r)) = (&info.alpha, &info.rank)
        && r.value > 0
    {
        info.scaling = Some(Sourced::new(
            a.value / r.value as f64,
            format!("alpha ({}) / rank ({})", a.source, r.source),
        ));
    }
}

/// The module a LoRA tensor adapts: `…self_attn.q_proj.lora_A.weight` → `q_proj`;
/// kohya's `lora_unet_…_proj_in.lora_down.weight` → `lora_unet_…_proj_in`.
fn module_of(name: &str) -> Option<String> {
    for marker in [
        ".lora_A.",
        ".lora_B.",
        ".lora_down.",
        ".lora_up.",
        ".lora_embedding_A",
        ".lora_embedding_B",
    ] {
        if let Some(i) = name.find(marker) {
            let before = &name[..i];
            let module = if before.starts_with("lora_") {
                before
            } else {
                before.rsplit('.').next().unwrap_or(before)
            };
            return Some(module.to_string());
        }
    }
    None
}

/// Trigger phrases: `modelspec.trigger_phrase`, else the five most frequent tags of
/// kohya's `ss_tag_frequency`.
fn trigger_phrases(
    metadata: &std::collections::BTreeMap<String, String>,
) -> Option<Sourced<Vec<String>>> {
    if let Some(phrase) = metadata.get("modelspec.trigger_phrase") {
        let phrases: Vec<String> = phrase
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        return Some(Sourced::new(
            phrases,
            "__metadata__.modelspec.trigger_phrase",
        ));
    }
    let top: Vec<String> = kohya::tag_counts(metadata)?
        .into_iter()
        .take(5)
        .map(|t| t.tag)
        .collect();
    (!top.is_empty())
        .then(|| Sourced::new(top, "__metadata__.ss_tag_frequency (5 most frequent tags)"))
}
