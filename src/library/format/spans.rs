//! Byte spans in the library text → 1-based line and column, and problems placed there.

use std::ops::Range;
use std::path::Path;

use crate::library::{Problem, Severity};

/// Byte offset → 1-based line and column (in characters).
pub(in crate::library) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

pub(in crate::library) fn problem(
    text: &str,
    path: &Path,
    severity: Severity,
    span: Option<Range<usize>>,
    message: String,
) -> Problem {
    let (line, column) = span.map_or((1, 1), |s| line_column(text, s.start));
    Problem {
        severity,
        file: path.to_path_buf(),
        line,
        column,
        message,
        symbol: None,
    }
}
