//! The clap definitions: the `hologlyph` command, its subcommands and their arguments.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use super::library;
use crate::fields::{BackendChoice, FieldOptions};
use crate::glyph::FillRule;
use crate::hologram::{Layer, Style};
use crate::names::Named;

#[derive(Parser, Debug)]
#[command(
    name = "hologlyph",
    version,
    about = "Glyphs as holograms: GPU distance, curvature, density, void and region fields, lit as an animated relief."
)]
pub struct Cli {
    /// Without a command, the explorer window opens on the last (or the bundled) library.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Open the explorer window (what `hologlyph` alone does), optionally on a library file.
    Open(OpenArgs),
    /// Compute a glyph's fields and write them as .npy files plus fields.json.
    Fields(FieldsArgs),
    /// Render a glyph's hologram (or one field layer) to a PNG.
    Render(RenderArgs),
    /// The seed's symbols (⟁ 🜂 🫁) into a folder: fields, renders in every style and layer,
    /// and the five-step protocol from the bundled library (unfold.json, sound.wav, gesture.svg).
    Demo(DemoArgs),
    /// List the GPU adapters wgpu finds, and which one the field engine would use.
    Devices,
    /// What a LoRA adapter's files say: a .safetensors file (header only) or a PEFT folder.
    Adapter(AdapterArgs),
    /// Validate a library file: every problem with file:line:column; exit 1 on errors.
    Check(library::CheckArgs),
    /// Run the five-step protocol on a symbol: recognise, scenes, adapter, unfold, outputs.
    Unfold(library::UnfoldArgs),
    /// Find symbols by name, gloss, component, character or U+XXXX; or --near SYMBOL.
    Search(library::SearchArgs),
    /// Add a symbol from a character, an SVG file or path data, and save the library.
    Add(super::edit::AddArgs),
    /// Link a region of a symbol to a scene or adapter, and save the library.
    Link(super::edit::LinkArgs),
    /// Remove a region's link to a scene or adapter, and save the library.
    Unlink(super::edit::LinkArgs),
    /// Present a tour fullscreen (--speaker, --loop, --kiosk), or --export it for slides.
    Present(super::present::PresentArgs),
}

#[derive(Args, Debug, Default)]
pub struct OpenArgs {
    /// A library file (TOML); default: the last one opened, else the bundled library.
    pub library: Option<PathBuf>,
    /// Save a screenshot (PNG) once the first hologram has been on screen for a few
    /// frames, then quit.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
    /// Start in edit mode (the README's picture of it is made this way).
    #[arg(long)]
    pub edit: bool,
    /// Start with default settings instead of the remembered ones.
    #[arg(long)]
    pub fresh: bool,
}

#[derive(Args, Debug)]
pub struct AdapterArgs {
    /// A .safetensors file or a folder with adapter_config.json.
    pub path: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct SourceArgs {
    /// One character, or its code point as U+XXXX.
    #[arg(long = "char", group = "source")]
    pub character: Option<String>,
    /// Several characters (batch): one sub-folder per glyph.
    #[arg(long, group = "source")]
    pub chars: Option<String>,
    /// A range of code points (batch), e.g. U+1F700..U+1F773 (inclusive).
    #[arg(long, group = "source")]
    pub range: Option<String>,
    /// An SVG file: all its paths, with their transforms and fill rules.
    #[arg(long, group = "source")]
    pub svg: Option<PathBuf>,
    /// Bare SVG path data in em units, y up, e.g. "M 0 0 L 1 0 L 0.5 1 Z".
    #[arg(long, group = "source")]
    pub path: Option<String>,
    /// A font file to try first (the bundled fonts follow).
    #[arg(long)]
    pub font: Option<PathBuf>,
    /// Fill rule for --path.
    #[arg(long, value_parser = named::<FillRule>(), default_value = "nonzero")]
    pub fill_rule: FillRule,
}

/// A parser for an enum named in [`crate::names`]: its words are the possible values, as
/// `--help` lists them.
pub(super) fn named<T: Named + Clone + Send + Sync>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::all().iter().map(|v| v.name())).map(|word| {
        T::all()
            .iter()
            .copied()
            .find(|v| v.name() == word)
            .expect("clap passes only the possible values")
    })
}

#[derive(Args, Debug, Clone)]
pub struct FieldArgs {
    /// Field size in pixels per side (64 to 2048).
    #[arg(long, default_value_t = FieldOptions::DEFAULT.size)]
    pub size: u32,
    /// Where the fields are computed; without a usable GPU, gpu falls back to cpu with a
    /// notice. (`render` always computes on the GPU, where the renderer reads them.)
    /// auto: a hardware GPU if there is one, else the CPU twins (faster than a software GPU).
    #[arg(long, value_parser = named::<BackendChoice>(), default_value = "auto")]
    pub backend: BackendChoice,
    /// Flattening tolerance in em (default: 1/8000 of the glyph's longer side, at every size).
    #[arg(long)]
    pub tolerance: Option<f64>,
    /// Density blur radius (Gaussian σ) in em.
    #[arg(long, default_value_t = FieldOptions::DEFAULT.density_sigma_em)]
    pub density_sigma: f64,
}

impl FieldArgs {
    pub(super) fn options(&self) -> Result<FieldOptions> {
        if !(0.0..=1.0).contains(&self.density_sigma) || self.density_sigma.is_nan() {
            bail!(
                "--density-sigma {} em is out of range: use 0 to 1 em",
                self.density_sigma
            );
        }
        Ok(FieldOptions::DEFAULT
            .with_size(self.size)
            .with_tolerance(self.tolerance)
            .with_density_sigma(self.density_sigma))
    }
}

#[derive(Args, Debug)]
pub struct FieldsArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub field: FieldArgs,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// Compute only shard K of N of a batch (--chars or --range), e.g. 2/8: every N-th glyph
    /// from the K-th, so that N machines (an array job) split one batch deterministically.
    /// Its index is written as index.shard-K-of-N.json; --merge-index joins them.
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Join the shard indexes in --out (index.shard-K-of-N.json, every K of N) into
    /// index.json, computing nothing.
    #[arg(long, conflicts_with_all = ["shard", "source"])]
    pub merge_index: bool,
}

/// Shard `k` (1-based) of `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    let (k, n) = text
        .split_once('/')
        .ok_or_else(|| format!("shard {text:?} must look like K/N, e.g. 2/8"))?;
    let number = |t: &str| {
        t.trim()
            .parse::<usize>()
            .map_err(|_| format!("shard {text:?}: {t:?} is not a whole number"))
    };
    let (k, n) = (number(k)?, number(n)?);
    if n == 0 || k == 0 || k > n {
        return Err(format!(
            "shard {text:?}: K must be 1 to N, and N at least 1"
        ));
    }
    Ok(Shard { k, n })
}

#[derive(Args, Debug)]
pub struct RenderArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub field: FieldArgs,
    /// Output PNG (one frame at --time).
    #[arg(short, long, required_unless_present_any = ["apng", "gif"])]
    pub output: Option<PathBuf>,
    /// Write the animation as an animated PNG (loops forever): --frames frames at --fps
    /// from --time.
    #[arg(long)]
    pub apng: Option<PathBuf>,
    /// Write the animation as a GIF (loops forever).
    #[arg(long)]
    pub gif: Option<PathBuf>,
    /// Frames of the animation (--apng, --gif).
    #[arg(long, default_value_t = 48)]
    pub frames: u32,
    /// Frames per second of the animation.
    #[arg(long, default_value_t = 24)]
    pub fps: u16,
    /// Image size in pixels per side (default: the field size).
    #[arg(long)]
    pub image_size: Option<u32>,
    #[arg(long, value_parser = named::<Style>(), default_value = "hieroglyph")]
    pub style: Style,
    #[arg(long, value_parser = named::<Layer>(), default_value = "hologram")]
    pub layer: Layer,
    /// Animation time in seconds.
    #[arg(long, default_value_t = 0.0)]
    pub time: f32,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Output folder.
    #[arg(long, default_value = "hologlyph-demo")]
    pub out: PathBuf,
    /// Field size.
    #[arg(long, default_value_t = 384)]
    pub size: u32,
}
