//! Embeddings from the user's own model: a `.npy` matrix (float32 or float64, one row per
//! id) and a text file of ids, one per line, in row order.

use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2};

use super::Space;

/// Why external embeddings could not be imported. Each variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddingError {
    /// A file could not be read.
    #[error("cannot read {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The matrix file is not a 2-D float32/float64 .npy array.
    #[error("{path} is not a 2-D float32 or float64 .npy matrix: {reason}")]
    Npy { path: PathBuf, reason: String },
    /// The ids do not match the matrix's rows.
    #[error(
        "{ids} lists {id_count} ids but {matrix} has {rows} rows; they must match, one id per row"
    )]
    CountMismatch {
        ids: PathBuf,
        id_count: usize,
        matrix: PathBuf,
        rows: usize,
    },
    /// An id appears twice.
    #[error("{path}:{line}: id `{id}` is listed twice")]
    DuplicateId {
        path: PathBuf,
        line: usize,
        id: String,
    },
    /// A value is NaN or infinite.
    #[error("{path}: row {row} (id `{id}`) holds a value that is not finite")]
    NonFinite {
        path: PathBuf,
        row: usize,
        id: String,
    },
}

/// Reads a `.npy` matrix and its ids into a [`Space`] (rows normalised).
pub fn load_external(matrix: &Path, ids: &Path) -> Result<Space, EmbeddingError> {
    let ids_text = std::fs::read_to_string(ids).map_err(|error| EmbeddingError::Read {
        path: ids.to_path_buf(),
        error,
    })?;
    let mut id_list: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (line_no, line) in ids_text.lines().enumerate() {
        let id = line.trim();
        if id.is_empty() {
            continue;
        }
        if !seen.insert(id.to_string()) {
            return Err(EmbeddingError::DuplicateId {
                path: ids.to_path_buf(),
                line: line_no + 1,
                id: id.to_string(),
            });
        }
        id_list.push(id.to_string());
    }
    let array = read_matrix(matrix)?;
    if array.nrows() != id_list.len() {
        return Err(EmbeddingError::CountMismatch {
            ids: ids.to_path_buf(),
            id_count: id_list.len(),
            matrix: matrix.to_path_buf(),
            rows: array.nrows(),
        });
    }
    if let Some((row, _)) = array
        .rows()
        .into_iter()
        .enumerate()
        .find(|(_, r)| r.iter().any(|x| !x.is_finite()))
    {
        return Err(EmbeddingError::NonFinite {
            path: matrix.to_path_buf(),
            row,
            id: id_list[row].clone(),
        });
    }
    let dim = array.ncols();
    let rows = array
        .rows()
        .into_iter()
        .map(|r| r.to_owned())
        .collect::<Vec<Array1<f32>>>();
    Ok(Space::new(id_list, rows, dim))
}

fn read_matrix(path: &Path) -> Result<Array2<f32>, EmbeddingError> {
    let bytes = std::fs::read(path).map_err(|error| EmbeddingError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    parse_matrix(path, &bytes)
}

/// A `.npy` matrix from the bytes of the file at `path` (which names it in errors).
pub fn parse_matrix(path: &Path, bytes: &[u8]) -> Result<Array2<f32>, EmbeddingError> {
    if let Err(reason) = check_declared_size(bytes) {
        return Err(EmbeddingError::Npy {
            path: path.to_path_buf(),
            reason,
        });
    }
    let npy_err = |e: ndarray_npy::ReadNpyError| EmbeddingError::Npy {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    use ndarray_npy::ReadNpyExt;
    match Array2::<f32>::read_npy(bytes) {
        Ok(a) => Ok(a),
        Err(ndarray_npy::ReadNpyError::WrongDescriptor(_)) => Array2::<f64>::read_npy(bytes)
            .map(|a| a.mapv(|x| x as f32))
            .map_err(npy_err),
        Err(e) => Err(npy_err(e)),
    }
}

/// Refuses a `.npy` whose header declares more data than the file holds, before
/// the reader allocates what the header says: a 60-byte file claiming a 2^60-element array
/// must be an error, not an attempt at an exabyte. Headers this cannot read are left to the
/// reader, which refuses them with its own message.
fn check_declared_size(bytes: &[u8]) -> Result<(), String> {
    let Some(rest) = bytes.strip_prefix(b"\x93NUMPY") else {
        return Ok(());
    };
    let (header_len, start) = match rest.first() {
        Some(1) if rest.len() >= 4 => (u16::from_le_bytes([rest[2], rest[3]]) as usize, 10usize),
        Some(2 | 3) if rest.len() >= 6 => (
            u32::from_le_bytes([rest[2], rest[3], rest[4], rest[5]]) as usize,
            12,
        ),
        _ => return Ok(()),
    };
    let Some(header) = bytes.get(start..start.saturating_add(header_len)) else {
        return Ok(());
    };
    let header = String::from_utf8_lossy(header);
    let value_after = |key: &str| header.split_once(key).map(|(_, v)| v.to_string());
    let shape = value_after("'shape'")
        .and_then(|v| Some(v.split_once('(')?.1.split_once(')')?.0.to_string()));
    let item = value_after("'descr'")
        .and_then(|v| v.split('\'').nth(1).map(str::to_string))
        .and_then(|d| {
            d.trim_start_matches(['<', '>', '=', '|'])
                .get(1..)?
                .parse::<u64>()
                .ok()
        });
    let (Some(shape), Some(item)) = (shape, item) else {
        return Ok(());
    };
    let dims: Option<Vec<u64>> = shape
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.parse().ok())
        .collect();
    let Some(dims) = dims else {
        return Ok(());
    };
    let data = (bytes.len() - start - header_len) as u64;
    let need = dims.iter().try_fold(item, |n, &d| n.checked_mul(d));
    match need {
        Some(n) if n <= data => Ok(()),
        Some(n) => Err(format!(
            "the header declares shape ({shape}) of {n} bytes, but only {data} bytes of data follow (truncated file?)"
        )),
        None => Err(format!(
            "the header declares shape ({shape}), whose size in bytes overflows"
        )),
    }
}
