//! Enums that are written as words — in library files, settings, the command line and the
//! UI — declared once with [`named_enum!`]: every variant's name and number in one place,
//! with `ALL`, `name()`, `FromStr`, `Display` and serde as that name.

/// An enum whose values are written as lower-case words.
pub trait Named: Copy + Sized + 'static {
    /// Every value, in declaration order.
    fn all() -> &'static [Self];
    /// The value's word.
    fn name(self) -> &'static str;
}

/// A word that names no value of an enum.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} “{word}”; expected one of: {expected}")]
pub struct UnknownName {
    pub kind: &'static str,
    pub word: String,
    pub expected: String,
}

/// Declares an enum with explicit `u32` discriminants (what WGSL reads) and a word for
/// each variant:
///
/// ```ignore
/// named_enum! {
///     /// Docs.
///     #[derive(Default)]
///     pub enum Layer("layer") {
///         #[default]
///         Hologram = 0 => "hologram",
///         Distance = 1 => "distance",
///     }
/// }
/// ```
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident($kind:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal => $word:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u32)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant = $value ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];

            /// The value's word, as written in files, settings and on the command line.
            pub const fn name(self) -> &'static str {
                match self {
                    $( $name::$variant => $word ),+
                }
            }

            /// The value for a word, if it names one.
            pub fn from_name(word: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.name() == word)
            }

            /// The number shaders read.
            pub const fn index(self) -> u32 {
                self as u32
            }
        }

        impl $crate::names::Named for $name {
            fn all() -> &'static [Self] {
                &Self::ALL
            }
            fn name(self) -> &'static str {
                $name::name(self)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::names::UnknownName;
            fn from_str(word: &str) -> Result<Self, Self::Err> {
                Self::from_name(word).ok_or_else(|| $crate::names::UnknownName {
                    kind: $kind,
                    word: word.to_string(),
                    expected: Self::ALL.map(|v| v.name()).join(", "),
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = String::deserialize(d)?;
                word.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use named_enum;
