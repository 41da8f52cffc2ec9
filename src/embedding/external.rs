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
    let npy_err = |e: ndarray_npy::ReadNpyError| EmbeddingError::Npy {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    use ndarray_npy::ReadNpyExt;
    match Array2::<f32>::read_npy(&bytes[..]) {
        Ok(a) => Ok(a),
        Err(ndarray_npy::ReadNpyError::WrongDescriptor(_)) => Array2::<f64>::read_npy(&bytes[..])
            .map(|a| a.mapv(|x| x as f32))
            .map_err(npy_err),
        Err(e) => Err(npy_err(e)),
    }
}
