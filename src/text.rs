//! Places in text files for messages: a byte offset as 1-based line and column (the column
//! counts characters, as editors do).

/// The line and column of byte `offset` in `bytes`; the text before it may be anything,
/// which is how a file that is not UTF-8 is placed at its first bad byte.
pub fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = 1 + String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count();
    (line, column)
}

#[cfg(test)]
mod tests {
    #[test]
    fn places_count_lines_and_characters() {
        let text = &[b"ab\n".as_slice(), "Δx".as_bytes(), b"\xffz"].concat();
        assert_eq!(super::line_column(text, 0), (1, 1));
        assert_eq!(super::line_column(text, 3), (2, 1));
        // After "Δx": two characters, three bytes.
        assert_eq!(super::line_column(text, 6), (2, 3));
    }
}
