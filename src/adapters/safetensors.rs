//! The header of a `.safetensors` file: an 8-byte little-endian length, then that many bytes
//! of JSON naming each tensor's dtype, shape and byte range, and an optional
//! `__metadata__` map of strings. Only the header is read; the weights never are.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::AdapterError;

/// Headers larger than this are refused: 100 MB.
pub const MAX_HEADER_BYTES: u64 = 100 * 1000 * 1000;

/// One tensor as the header describes it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TensorInfo {
    pub name: String,
    pub dtype: String,
    pub shape: Vec<u64>,
    /// Byte range within the data that follows the header.
    pub data_offsets: [u64; 2],
}

impl TensorInfo {
    pub fn byte_len(&self) -> u64 {
        self.data_offsets[1] - self.data_offsets[0]
    }
}

/// A parsed header.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SafetensorsHeader {
    /// Tensors in name order.
    pub tensors: Vec<TensorInfo>,
    pub metadata: BTreeMap<String, String>,
    pub header_bytes: u64,
    pub file_bytes: u64,
}

/// Reads and checks the header of the safetensors file at `path`.
pub fn read_safetensors_header(path: &Path) -> Result<SafetensorsHeader, AdapterError> {
    let io = |error| AdapterError::Io {
        path: path.to_path_buf(),
        error,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let file_bytes = file.metadata().map_err(io)?.len();
    if file_bytes < 8 {
        return Err(AdapterError::TooShort {
            path: path.to_path_buf(),
            len: file_bytes,
        });
    }
    let mut length = [0u8; 8];
    file.read_exact(&mut length).map_err(io)?;
    let size = u64::from_le_bytes(length);
    if size > MAX_HEADER_BYTES {
        return Err(AdapterError::HeaderTooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_HEADER_BYTES,
        });
    }
    let available = file_bytes - 8;
    if size > available {
        return Err(AdapterError::HeaderBeyondFile {
            path: path.to_path_buf(),
            size,
            available,
        });
    }
    let mut json = Vec::with_capacity(size as usize);
    file.take(size).read_to_end(&mut json).map_err(io)?;
    let mut header = parse_header(path, &json, available - size)?;
    header.header_bytes = size;
    header.file_bytes = file_bytes;
    Ok(header)
}

/// Parses header JSON; `data_bytes` is how much data follows it in the file.
pub fn parse_header(
    path: &Path,
    json: &[u8],
    data_bytes: u64,
) -> Result<SafetensorsHeader, AdapterError> {
    let value: serde_json::Value =
        serde_json::from_slice(json).map_err(|e| AdapterError::HeaderJson {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
    let entry_err = |entry: &str, message: String| AdapterError::HeaderEntry {
        path: PathBuf::from(path),
        entry: entry.to_string(),
        message,
    };
    let object = value
        .as_object()
        .ok_or_else(|| entry_err("(top level)", "the header is not a JSON object".into()))?;
    let mut header = SafetensorsHeader::default();
    for (name, entry) in object {
        if name == "__metadata__" {
            let map = entry
                .as_object()
                .ok_or_else(|| entry_err(name, "is not an object of strings".into()))?;
            for (key, v) in map {
                let s = v.as_str().ok_or_else(|| {
                    entry_err(name, format!("the value of {key:?} is not a string"))
                })?;
                header.metadata.insert(key.clone(), s.to_string());
            }
            continue;
        }
        let dtype = entry
            .get("dtype")
            .and_then(|d| d.as_str())
            .ok_or_else(|| entry_err(name, "has no string \"dtype\"".into()))?;
        let shape = entry
            .get("shape")
            .and_then(|s| s.as_array())
            .and_then(|a| a.iter().map(|d| d.as_u64()).collect::<Option<Vec<u64>>>())
            .ok_or_else(|| entry_err(name, "has no \"shape\" of non-negative integers".into()))?;
        let offsets = entry
            .get("data_offsets")
            .and_then(|s| s.as_array())
            .and_then(|a| a.iter().map(|d| d.as_u64()).collect::<Option<Vec<u64>>>())
            .filter(|o| o.len() == 2)
            .ok_or_else(|| entry_err(name, "has no \"data_offsets\" pair of integers".into()))?;
        if offsets[0] > offsets[1] || offsets[1] > data_bytes {
            return Err(entry_err(
                name,
                format!(
                    "data_offsets [{}, {}] fall outside the {data_bytes} bytes of data",
                    offsets[0], offsets[1]
                ),
            ));
        }
        header.tensors.push(TensorInfo {
            name: name.clone(),
            dtype: dtype.to_string(),
            shape,
            data_offsets: [offsets[0], offsets[1]],
        });
    }
    header.tensors.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(header)
}
