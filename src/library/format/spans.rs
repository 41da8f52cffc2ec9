//! Byte spans in the library text → 1-based line and column, and problems placed there.

use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use crate::library::{Problem, Severity};

/// A library text with the starts of its lines, found once, on the first look-up: a big
/// library with many problems places each in a binary search, and one with none never
/// pays for the index.
pub(in crate::library) struct Lines<'a> {
    text: &'a str,
    starts: OnceLock<Vec<usize>>,
}

impl<'a> Lines<'a> {
    pub(in crate::library) fn new(text: &'a str) -> Self {
        Lines {
            text,
            starts: OnceLock::new(),
        }
    }

    pub(in crate::library) fn text(&self) -> &'a str {
        self.text
    }

    /// Byte offset of the start of each line, the first line's (0) first.
    pub(in crate::library) fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// The 1-based line holding a byte offset.
    pub(in crate::library) fn line_of(&self, offset: usize) -> usize {
        self.starts().partition_point(|&s| s <= offset)
    }

    /// Byte offset → 1-based line and column (in characters).
    pub(in crate::library) fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = self.text.floor_char_boundary(offset.min(self.text.len()));
        let line = self.line_of(offset);
        let start = self.starts()[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }

    /// A problem at a span's start (at 1:1 without one).
    pub(in crate::library) fn problem(
        &self,
        path: &Path,
        severity: Severity,
        span: Option<Range<usize>>,
        message: String,
    ) -> Problem {
        let (line, column) = span.map_or((1, 1), |s| self.line_column(s.start));
        Problem {
            severity,
            file: path.to_path_buf(),
            line,
            column,
            message,
            symbol: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_characters_from_one() {
        let lines = Lines::new("ab\nΔé x\n\nlast");
        assert_eq!(lines.line_column(0), (1, 1));
        assert_eq!(lines.line_column(2), (1, 3));
        assert_eq!(lines.line_column(3), (2, 1));
        // After "Δé " (5 bytes, 3 characters).
        assert_eq!(lines.line_column(8), (2, 4));
        // Inside a character: its start.
        assert_eq!(lines.line_column(4), (2, 1));
        assert_eq!(lines.line_column(10), (3, 1));
        assert_eq!(lines.line_column(11), (4, 1));
        assert_eq!(lines.line_column(99), (4, 5));
    }
}
