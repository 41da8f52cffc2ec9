//! The header of a `.safetensors` file: an 8-byte little-endian length, then that many bytes
//! of JSON naming each tensor's dtype, shape and byte range, and an optional
//! `__metadata__` map of strings.
//!
//! What is accepted is decided by the `safetensors` crate itself (`SafeTensors::read_metadata`
//! on the memory-mapped file): the same header cap, dtypes, offset and size rules as the
//! reference. Only the header's pages are touched; the weights are never read. When the crate
//! refuses a file, [`explain`] walks the header once more to name the tensor at fault; it
//! never turns a refusal into an acceptance. One rule is ours on top of the crate's: a
//! tensor name given twice is an error (JSON objects with repeated keys keep only the last,
//! which would silently drop a tensor).

use std::collections::BTreeMap;
use std::path::Path;

use safetensors::SafeTensorError;
use serde::Serialize;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::AdapterError;

/// Headers larger than this are refused: 100 MB, the `safetensors` crate's limit.
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
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len < 8 {
        // Also spares mapping an empty file, which mmap refuses.
        return Err(AdapterError::TooShort {
            path: path.to_path_buf(),
            len,
        });
    }
    let map = map_file(&file).map_err(io)?;
    read_safetensors_bytes(path, &map)
}

/// Maps `file` read-only. The crate reads the header through the map; the kernel pages in
/// only what is touched, so a multi-gigabyte file costs its header.
#[allow(unsafe_code)]
fn map_file(file: &std::fs::File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the map is only read, and only while this call's reader runs. Another program
    // truncating the file at that moment could fault the read (SIGBUS); that is the
    // reference's own way of reading (its docs map the file the same way) and the price of
    // not copying gigabytes of weights to look at their header.
    unsafe { memmap2::Mmap::map(file) }
}

/// Checks a whole safetensors file given as bytes (`path` names it in errors): the crate
/// decides, and a refusal is explained with the tensor at fault where one is.
pub fn read_safetensors_bytes(
    path: &Path,
    bytes: &[u8],
) -> Result<SafetensorsHeader, AdapterError> {
    let file_bytes = bytes.len() as u64;
    let (header_len, metadata) = safetensors::SafeTensors::read_metadata(bytes)
        .map_err(|error| explain(path, bytes, &error))?;
    let json = &bytes[8..8 + header_len];
    if let Some(name) = repeated_key(json) {
        let (entry, message) = match name.strip_prefix("__metadata__.") {
            Some(key) => ("__metadata__".into(), format!("key {key:?} is given twice")),
            None => (name, "is named twice; a tensor name must be unique".into()),
        };
        return Err(AdapterError::HeaderEntry {
            path: path.to_path_buf(),
            entry,
            message,
        });
    }
    let mut tensors: Vec<TensorInfo> = metadata
        .tensors()
        .into_iter()
        .map(|(name, info)| TensorInfo {
            name,
            dtype: info.dtype.to_string(),
            shape: info.shape.iter().map(|&d| d as u64).collect(),
            data_offsets: [info.data_offsets.0 as u64, info.data_offsets.1 as u64],
        })
        .collect();
    tensors.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(SafetensorsHeader {
        tensors,
        metadata: metadata
            .metadata()
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        header_bytes: header_len as u64,
        file_bytes,
    })
}

/// The crate's refusal as an error naming the file and, where the header allows, the tensor.
fn explain(path: &Path, bytes: &[u8], error: &SafeTensorError) -> AdapterError {
    let path_buf = path.to_path_buf();
    let size = u64::from_le_bytes(bytes[..8.min(bytes.len())].try_into().unwrap_or([0; 8]));
    let available = (bytes.len() as u64).saturating_sub(8);
    match error {
        SafeTensorError::HeaderTooSmall => {
            return AdapterError::TooShort {
                path: path_buf,
                len: bytes.len() as u64,
            };
        }
        SafeTensorError::HeaderTooLarge => {
            return AdapterError::HeaderTooLarge {
                path: path_buf,
                size,
                limit: MAX_HEADER_BYTES,
            };
        }
        SafeTensorError::InvalidHeaderLength => {
            return AdapterError::HeaderBeyondFile {
                path: path_buf,
                size,
                available,
            };
        }
        SafeTensorError::InvalidHeader(utf8) => {
            return AdapterError::HeaderEntry {
                path: path_buf,
                entry: "(top level)".into(),
                message: format!(
                    "the header is not UTF-8 text (bad byte at header byte {})",
                    utf8.valid_up_to()
                ),
            };
        }
        _ => {}
    }
    // The header's bytes are in the file (the length checks above passed).
    let json = &bytes[8..8 + size as usize];
    match find_fault(json, available - size) {
        Some(fault) => fault.into_error(path_buf),
        None => AdapterError::HeaderEntry {
            path: path_buf,
            entry: "(top level)".into(),
            message: format!("refused by the safetensors reader: {error}"),
        },
    }
}

/// What is wrong in a header the crate refused, found by reading it leniently.
enum Fault {
    Json(serde_json::Error),
    Entry { entry: String, message: String },
}

impl Fault {
    fn entry(entry: &str, message: String) -> Option<Self> {
        Some(Fault::Entry {
            entry: entry.to_string(),
            message,
        })
    }

    fn into_error(self, path: std::path::PathBuf) -> AdapterError {
        match self {
            Fault::Json(e) => AdapterError::HeaderJson {
                path,
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            },
            Fault::Entry { entry, message } => AdapterError::HeaderEntry {
                path,
                entry,
                message,
            },
        }
    }
}

/// Reads the header leniently, in the crate's order of checks, and names the first problem.
fn find_fault(json: &[u8], data_bytes: u64) -> Option<Fault> {
    let value: serde_json::Value = match serde_json::from_slice(json) {
        Ok(v) => v,
        Err(e) => return Some(Fault::Json(e)),
    };
    let Some(object) = value.as_object() else {
        return Fault::entry("(top level)", "the header is not a JSON object".into());
    };
    // (start, end, name) of each tensor.
    let mut ranges: Vec<(u64, u64, &str)> = Vec::new();
    for (name, entry) in object {
        if name == "__metadata__" {
            let Some(map) = entry.as_object() else {
                return Fault::entry(name, "is not an object of strings".into());
            };
            if let Some((key, _)) = map.iter().find(|(_, v)| !v.is_string()) {
                return Fault::entry(name, format!("the value of {key:?} is not a string"));
            }
            continue;
        }
        let dtype = match entry.get("dtype") {
            Some(d) => d,
            None => return Fault::entry(name, "has no \"dtype\"".into()),
        };
        let Ok(dtype) = serde_json::from_value::<safetensors::Dtype>(dtype.clone()) else {
            return Fault::entry(
                name,
                format!("dtype {dtype} is not one the safetensors format defines"),
            );
        };
        let shape = entry
            .get("shape")
            .and_then(|s| s.as_array())
            .and_then(|a| a.iter().map(|d| d.as_u64()).collect::<Option<Vec<u64>>>());
        let Some(shape) = shape else {
            return Fault::entry(name, "has no \"shape\" of non-negative integers".into());
        };
        let offsets = entry
            .get("data_offsets")
            .and_then(|s| s.as_array())
            .and_then(|a| a.iter().map(|d| d.as_u64()).collect::<Option<Vec<u64>>>())
            .filter(|o| o.len() == 2);
        let Some(offsets) = offsets else {
            return Fault::entry(name, "has no \"data_offsets\" pair of integers".into());
        };
        let (start, end) = (offsets[0], offsets[1]);
        if start > end {
            return Fault::entry(
                name,
                format!("data_offsets [{start}, {end}] are reversed (the end is before the start)"),
            );
        }
        let bits = shape
            .iter()
            .try_fold(1u64, |n, &d| n.checked_mul(d))
            .and_then(|n| n.checked_mul(dtype.bitsize() as u64));
        let Some(bits) = bits.filter(|&b| usize::try_from(b).is_ok()) else {
            return Fault::entry(
                name,
                format!("shape {shape:?} of {dtype} overflows when its byte size is computed"),
            );
        };
        if bits % 8 != 0 {
            return Fault::entry(
                name,
                format!("shape {shape:?} of {dtype} does not fill whole bytes ({bits} bits)"),
            );
        }
        if end - start != bits / 8 {
            return Fault::entry(
                name,
                format!(
                    "shape {shape:?} of {dtype} takes {} bytes, but data_offsets [{start}, {end}] hold {}",
                    bits / 8,
                    end - start
                ),
            );
        }
        ranges.push((start, end, name));
    }
    ranges.sort();
    let mut at = 0u64;
    let mut previous: Option<&str> = None;
    for &(start, end, name) in &ranges {
        if start != at {
            let message = match (start < at, previous) {
                (true, Some(p)) => format!(
                    "data_offsets [{start}, {end}] overlap tensor {p:?}, which ends at byte {at}"
                ),
                (false, Some(p)) => format!(
                    "data_offsets [{start}, {end}] leave a gap after tensor {p:?}, which ends at byte {at}"
                ),
                (_, None) => format!(
                    "data_offsets [{start}, {end}]: the first tensor's data must start at byte 0"
                ),
            };
            return Fault::entry(name, message);
        }
        at = end;
        previous = Some(name);
    }
    if at != data_bytes {
        let last = previous.unwrap_or("(top level)");
        let message = if at > data_bytes {
            format!(
                "data_offsets end at byte {at}, past the {data_bytes} bytes of data in the file (truncated file?)"
            )
        } else {
            format!(
                "the tensors' data ends at byte {at}, but {data_bytes} bytes of data follow the header; the data must be covered exactly"
            )
        };
        return Fault::entry(last, message);
    }
    None
}

/// The first top-level key of a JSON object given twice, if any (a repeat inside
/// `__metadata__` comes back as `__metadata__.KEY`).
pub(super) fn repeated_key(json: &[u8]) -> Option<String> {
    struct Repeated(Option<String>);
    impl<'de> Deserialize<'de> for Repeated {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Keys;
            impl<'de> Visitor<'de> for Keys {
                type Value = Repeated;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Repeated, A::Error> {
                    let mut seen = std::collections::HashSet::new();
                    let mut repeated = None;
                    while let Some(key) = map.next_key::<String>()? {
                        if key == "__metadata__" {
                            // (`null` is allowed: no metadata.)
                            let inner: Option<Repeated> = map.next_value()?;
                            if let Some(k) = inner.and_then(|r| r.0) {
                                repeated.get_or_insert(format!("__metadata__.{k}"));
                            }
                        } else {
                            map.next_value::<IgnoredAny>()?;
                        }
                        if repeated.is_none() && !seen.insert(key.clone()) {
                            repeated = Some(key);
                        }
                    }
                    Ok(Repeated(repeated))
                }
            }
            deserializer.deserialize_map(Keys)
        }
    }
    serde_json::from_slice::<Repeated>(json)
        .ok()
        .and_then(|r| r.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(json: &str, data: usize) -> Vec<u8> {
        let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
        bytes.extend_from_slice(json.as_bytes());
        bytes.resize(bytes.len() + data, 0);
        bytes
    }

    fn message(json: &str, data: usize) -> String {
        read_safetensors_bytes(Path::new("t.safetensors"), &file(json, data))
            .expect_err("refused")
            .to_string()
    }

    #[test]
    fn refusals_name_the_tensor_at_fault() {
        let overlap = r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#;
        let m = message(overlap, 12);
        assert!(
            m.contains("\"b\"") && m.contains("overlap tensor \"a\""),
            "{m}"
        );
        let reversed = r#"{"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}"#;
        assert!(message(reversed, 4).contains("reversed"));
        let unknown = r#"{"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,2]}}"#;
        let m = message(unknown, 2);
        assert!(m.contains("\"w\"") && m.contains("\"Q4\""), "{m}");
        let overflow =
            r#"{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#;
        assert!(message(overflow, 8).contains("overflows"));
        let disagree = r#"{"w":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}}"#;
        assert!(message(disagree, 8).contains("takes 6 bytes"));
        let short = r#"{"w":{"dtype":"F16","shape":[3],"data_offsets":[0,6]}}"#;
        assert!(message(short, 10).contains("covered exactly"));
    }

    #[test]
    fn a_tensor_named_twice_is_refused_even_where_the_crate_keeps_the_last() {
        let json = r#"{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#;
        assert!(safetensors::SafeTensors::read_metadata(&file(json, 1)).is_ok());
        assert!(message(json, 1).contains("named twice"));
    }
}
