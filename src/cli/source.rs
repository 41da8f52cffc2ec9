//! The glyph the arguments name: characters and code-point ranges parsed, fonts chosen,
//! the single outline read.

use anyhow::{Context, Result, bail};

use super::args::SourceArgs;
use crate::glyph::{self, FontSet, Outline};

/// Parses "⟁" or "U+27C1" as one character.
pub fn parse_char(text: &str) -> Result<char> {
    if let Some(hex) = text.strip_prefix("U+").or_else(|| text.strip_prefix("u+")) {
        let cp = u32::from_str_radix(hex, 16)
            .with_context(|| format!("{text:?} is not a U+XXXX code point"))?;
        return char::from_u32(cp).with_context(|| format!("{text} is not a Unicode scalar value"));
    }
    let mut it = text.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Ok(c),
        (None, _) => bail!("--char is empty"),
        _ => bail!(
            "--char takes one character, {text:?} has {}; use --chars for several",
            text.chars().count()
        ),
    }
}

/// Parses "U+1F700..U+1F773" (inclusive) into its characters.
pub fn parse_range(text: &str) -> Result<Vec<char>> {
    let (a, b) = text
        .split_once("..")
        .with_context(|| format!("range {text:?} must look like U+1F700..U+1F773"))?;
    let (a, b) = (parse_char(a.trim())? as u32, parse_char(b.trim())? as u32);
    if b < a {
        bail!("range {text:?} ends before it starts");
    }
    if b - a > 0x10000 {
        bail!("range {text:?} holds more than 65536 code points");
    }
    Ok((a..=b).filter_map(char::from_u32).collect())
}

pub(super) fn fonts(source: &SourceArgs) -> Result<FontSet> {
    Ok(match &source.font {
        Some(path) => FontSet::with_user_font(path)?,
        None => FontSet::bundled(),
    })
}

/// The single outline named by `source` (not a batch).
pub(super) fn single_outline(source: &SourceArgs) -> Result<Outline> {
    if let Some(text) = &source.character {
        let c = parse_char(text)?;
        return Ok(fonts(source)?.outline(c)?);
    }
    if let Some(svg) = &source.svg {
        return Ok(glyph::outline_from_svg_file(svg)?);
    }
    if let Some(data) = &source.path {
        return Ok(glyph::outline_from_path_data(data, source.fill_rule)?);
    }
    bail!("name a glyph: --char, --svg or --path (or --chars / --range for a batch)")
}
