//! Unicode data of a character: code point, name, block and general category.

use serde::Serialize;

/// What Unicode says about one character.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CharInfo {
    pub character: String,
    /// `U+27C1`.
    pub code_point: String,
    /// `WHITE TRIANGLE CONTAINING SMALL WHITE TRIANGLE`, or `None` for unnamed code points.
    pub name: Option<String>,
    /// `Miscellaneous Mathematical Symbols-A`.
    pub block: Option<String>,
    /// Two-letter general category, `So` for "other symbol".
    pub category: &'static str,
}

impl CharInfo {
    pub fn of(c: char) -> Self {
        Self {
            character: c.to_string(),
            code_point: format!("U+{:04X}", c as u32),
            name: unicode_names2::name(c).map(|n| n.to_string()),
            block: unicode_blocks::find_unicode_block(c).map(|b| b.name().to_string()),
            category: unicode_general_category::get_general_category(c).abbreviation(),
        }
    }
}
