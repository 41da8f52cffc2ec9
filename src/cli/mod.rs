//! The command line: `fields`, `render`, `demo`, `devices`, `adapter`, and the library
//! commands `check`, `search` and `unfold`.

mod library;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::fields::batch::map_batch;
use crate::fields::{BackendChoice, FieldEngine, FieldOptions, GpuFieldEngine, Prepared};
use crate::glyph::{self, FillRule, FontSet, Outline};
use crate::hologram::{self, Frame, HologramRenderer, Layer, Style};
use crate::output;

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
}

#[derive(Args, Debug, Default)]
pub struct OpenArgs {
    /// A library file (TOML); default: the last one opened, else the bundled library.
    pub library: Option<PathBuf>,
    /// Save a screenshot (PNG) once the first hologram has been on screen for a few
    /// frames, then quit.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
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
    #[arg(long, value_enum, default_value = "nonzero")]
    pub fill_rule: FillRuleArg,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum FillRuleArg {
    Nonzero,
    Evenodd,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum BackendArg {
    /// A hardware GPU if there is one, else the CPU twins (faster than a software GPU).
    Auto,
    Gpu,
    Cpu,
}

#[derive(Args, Debug, Clone)]
pub struct FieldArgs {
    /// Field size in pixels per side (64 to 2048).
    #[arg(long, default_value_t = FieldOptions::DEFAULT.size)]
    pub size: u32,
    /// Where the fields are computed; without a usable GPU, gpu falls back to cpu with a
    /// notice. (`render` always computes on the GPU, where the renderer reads them.)
    #[arg(long, value_enum, default_value = "auto")]
    pub backend: BackendArg,
    /// Flattening tolerance in em (default: 1/8000 of the glyph's longer side, at every size).
    #[arg(long)]
    pub tolerance: Option<f64>,
    /// Density blur radius (Gaussian σ) in em.
    #[arg(long, default_value_t = FieldOptions::DEFAULT.density_sigma_em)]
    pub density_sigma: f64,
}

impl FieldArgs {
    fn options(&self) -> Result<FieldOptions> {
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
}

#[derive(Args, Debug)]
pub struct RenderArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub field: FieldArgs,
    /// Output PNG.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Image size in pixels per side (default: the field size).
    #[arg(long)]
    pub image_size: Option<u32>,
    #[arg(long, value_enum, default_value = "hieroglyph")]
    pub style: Style,
    #[arg(long, value_enum, default_value = "hologram")]
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

/// Entry point used by the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let Some(command) = cli.command else {
        return open_command(OpenArgs::default());
    };
    match command {
        Command::Open(args) => open_command(args),
        Command::Fields(args) => fields_command(&args),
        Command::Render(args) => render_command(&args),
        Command::Demo(args) => demo_command(&args),
        Command::Devices => devices_command(),
        Command::Adapter(args) => adapter_command(&args),
        Command::Check(args) => library::check_command(&args),
        Command::Unfold(args) => library::unfold_command(&args),
        Command::Search(args) => library::search_command(&args),
    }
}

fn open_command(args: OpenArgs) -> Result<()> {
    crate::app::run(crate::app::StartOptions {
        library: args.library,
        screenshot: args.screenshot,
        fresh: args.fresh,
        started: Some(Instant::now()),
    })
}

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

fn fonts(source: &SourceArgs) -> Result<FontSet> {
    Ok(match &source.font {
        Some(path) => FontSet::with_user_font(path)?,
        None => FontSet::bundled(),
    })
}

/// The single outline named by `source` (not a batch).
fn single_outline(source: &SourceArgs) -> Result<Outline> {
    if let Some(text) = &source.character {
        let c = parse_char(text)?;
        return Ok(fonts(source)?.outline(c)?);
    }
    if let Some(svg) = &source.svg {
        return Ok(glyph::outline_from_svg_file(svg)?);
    }
    if let Some(data) = &source.path {
        let rule = match source.fill_rule {
            FillRuleArg::Nonzero => FillRule::NonZero,
            FillRuleArg::Evenodd => FillRule::EvenOdd,
        };
        return Ok(glyph::outline_from_path_data(data, rule)?);
    }
    bail!("name a glyph: --char, --svg or --path (or --chars / --range for a batch)")
}

fn engine(field: &FieldArgs) -> FieldEngine {
    let backend = match field.backend {
        BackendArg::Auto => BackendChoice::Auto,
        BackendArg::Gpu => BackendChoice::Gpu,
        BackendArg::Cpu => BackendChoice::Cpu,
    };
    let engine = FieldEngine::new(backend);
    if let Some(notice) = &engine.notice {
        eprintln!("notice: {notice}");
    }
    engine
}

#[derive(Serialize)]
struct IndexEntry {
    character: String,
    code_point: String,
    folder: Option<String>,
    holes: Option<u32>,
    error: Option<String>,
}

#[derive(Serialize)]
struct BatchIndex<'a> {
    device: &'a str,
    size: u32,
    glyphs: usize,
    written: usize,
    seconds: f64,
    glyphs_per_second: f64,
    entries: Vec<IndexEntry>,
}

fn fields_command(args: &FieldsArgs) -> Result<()> {
    let options = args.field.options()?;
    let batch = match (&args.source.chars, &args.source.range) {
        (Some(chars), _) => Some(
            chars
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<Vec<_>>(),
        ),
        (_, Some(range)) => Some(parse_range(range)?),
        _ => None,
    };
    let engine = engine(&args.field);
    let device = engine.device_name();
    let Some(chars) = batch else {
        let outline = single_outline(&args.source)?;
        // Prepared once: for the fields written to disk and for the GPU fields rendered.
        let start = Instant::now();
        let prep = Prepared::new(&outline, &options)?;
        let fields = engine.compute_prepared(&prep, start.elapsed().as_secs_f64() * 1e3)?;
        output::write_fields(
            &args.out,
            &fields,
            &outline.source,
            &device,
            options.density_sigma_em,
        )?;
        let d = &fields.descriptor;
        println!(
            "{}: {}×{} fields on {device} in {:.1} ms; holes {}, ink components {}, regions {} → {}",
            outline.source.describe(),
            fields.grid.size,
            fields.grid.size,
            fields.timings.prepare_ms + fields.timings.fields_ms + fields.timings.finish_ms,
            d.holes,
            d.ink_components,
            fields.region_list.len(),
            args.out.display()
        );
        return Ok(());
    };

    let fonts = fonts(&args.source)?;
    let start = Instant::now();
    let entries = map_batch(
        chars.len(),
        |i| batch_glyph(chars[i], &fonts, &engine, &options, &args.out, &device),
        |done, total| {
            if done.is_multiple_of(25) || done == total {
                eprintln!("[{done}/{total}] glyphs done");
            }
        },
    );
    let written = entries.iter().filter(|e| e.folder.is_some()).count();
    let seconds = start.elapsed().as_secs_f64();
    let index = BatchIndex {
        device: &device,
        size: options.size,
        glyphs: chars.len(),
        written,
        seconds,
        glyphs_per_second: written as f64 / seconds.max(1e-9),
        entries,
    };
    output::write_json(&args.out.join("index.json"), &index)?;
    println!(
        "{written} of {} glyphs written to {} in {seconds:.2} s ({:.1} glyphs/s on {device}); see index.json",
        chars.len(),
        args.out.display(),
        index.glyphs_per_second
    );
    Ok(())
}

/// Computes and writes one glyph of a batch; failures become the entry's error.
fn batch_glyph(
    c: char,
    fonts: &FontSet,
    engine: &FieldEngine,
    options: &FieldOptions,
    out: &Path,
    device: &str,
) -> IndexEntry {
    let code_point = format!("U+{:04X}", c as u32);
    let result = fonts
        .outline(c)
        .map_err(anyhow::Error::from)
        .and_then(|outline| {
            let fields = engine.compute(&outline, options)?;
            output::write_fields(
                &out.join(&code_point),
                &fields,
                &outline.source,
                device,
                options.density_sigma_em,
            )?;
            Ok(fields.descriptor.holes)
        });
    let (folder, holes, error) = match result {
        Ok(holes) => (Some(code_point.clone()), Some(holes), None),
        Err(e) => (None, None, Some(format!("{e:#}"))),
    };
    IndexEntry {
        character: c.to_string(),
        code_point,
        folder,
        holes,
        error,
    }
}

/// Computes fields on the GPU and renders one frame.
fn render_outline(
    gpu: &GpuFieldEngine,
    renderer: &HologramRenderer,
    prep: &Prepared,
    frames: &[(Frame, PathBuf)],
    image_size: u32,
) -> Result<()> {
    let fields = gpu.dispatch(prep)?;
    for (frame, path) in frames {
        let rgba = hologram::render_offscreen(
            gpu.context(),
            renderer,
            &fields,
            prep.params.em_per_px,
            frame,
            image_size,
        )?;
        output::write_png(path, image_size, image_size, &rgba)?;
    }
    Ok(())
}

fn render_command(args: &RenderArgs) -> Result<()> {
    let options = args.field.options()?;
    let outline = single_outline(&args.source)?;
    // The renderer reads the fields as GPU textures, so they are computed there.
    let engine = FieldEngine::new(BackendChoice::Gpu);
    let gpu = engine.gpu().context("rendering needs a GPU adapter (on a machine without a GPU install Mesa's lavapipe: apt-get install mesa-vulkan-drivers)")?;
    let renderer = HologramRenderer::new(&gpu.context().device, hologram::OFFSCREEN_FORMAT);
    let image_size = args.image_size.unwrap_or(options.size).clamp(16, 8192);
    let frame = Frame {
        time: args.time,
        style: args.style,
        layer: args.layer,
        ..Frame::default()
    };
    let prep = Prepared::new(&outline, &options)?;
    render_outline(
        gpu,
        &renderer,
        &prep,
        &[(frame, args.output.clone())],
        image_size,
    )?;
    println!("{} → {}", outline.source.describe(), args.output.display());
    Ok(())
}

fn demo_command(args: &DemoArgs) -> Result<()> {
    let options = FieldOptions::DEFAULT.with_size(args.size);
    let engine = FieldEngine::new(BackendChoice::Auto);
    if let Some(notice) = &engine.notice {
        eprintln!("notice: {notice}");
    }
    let device = engine.device_name();
    let renderer = engine
        .gpu()
        .map(|gpu| HologramRenderer::new(&gpu.context().device, hologram::OFFSCREEN_FORMAT));
    let fonts = FontSet::bundled();
    let library = crate::library::load_bundled()?.library;
    let semantic = crate::embedding::SemanticIndex::new(&library);
    for &(c, _) in glyph::samples::SEED_GLYPHS {
        let outline = fonts.outline(c)?;
        let name = format!("U+{:04X}", c as u32);
        let dir = args.out.join(&name);
        // Prepared once: for the fields written to disk and for the GPU fields rendered.
        let start = Instant::now();
        let prep = Prepared::new(&outline, &options)?;
        let fields = engine.compute_prepared(&prep, start.elapsed().as_secs_f64() * 1e3)?;
        output::write_fields(
            &dir,
            &fields,
            &outline.source,
            &device,
            options.density_sigma_em,
        )?;
        if let (Some(renderer), Some(gpu)) = (&renderer, engine.gpu()) {
            let styles = [
                Style::Hieroglyph,
                Style::Alchemical,
                Style::Topological,
                Style::Graph,
            ];
            let layers = [
                Layer::Distance,
                Layer::Curvature,
                Layer::Density,
                Layer::Voids,
                Layer::Regions,
            ];
            let mut frames: Vec<(Frame, PathBuf)> = styles
                .iter()
                .map(|&style| {
                    (
                        Frame {
                            time: 1.0,
                            style,
                            ..Frame::default()
                        },
                        dir.join(format!("hologram-{}.png", style_name(style))),
                    )
                })
                .collect();
            frames.extend(layers.iter().map(|&layer| {
                (
                    Frame {
                        layer,
                        ..Frame::default()
                    },
                    dir.join(format!("layer-{}.png", layer_name(layer))),
                )
            }));
            render_outline(gpu, renderer, &prep, &frames, args.size)?;
        }
        // The five steps from the bundled library: the seed's protocol, its sound and gesture.
        let unfolded = crate::protocol::run(
            &library,
            &semantic,
            Some(&fields),
            &c.to_string(),
            None,
            crate::library::Register::Poetry,
        )?;
        output::write_json(&dir.join("unfold.json"), &unfolded)?;
        unfolded.outputs.sound.write_wav(&dir.join("sound.wav"))?;
        unfolded
            .outputs
            .gesture
            .write_svg(&dir.join("gesture.svg"))?;
        println!(
            "{} {}: holes {}, regions {}, {:.1} ms on {device}; ≈ {}; scenes {}; adapter \"{}\" → {}",
            c,
            name,
            fields.descriptor.holes,
            fields.region_list.len(),
            fields.timings.prepare_ms + fields.timings.fields_ms + fields.timings.finish_ms,
            unfolded.recognition.formula,
            unfolded
                .scenes
                .iter()
                .take(2)
                .map(|h| h.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            unfolded.adapter().map_or("", |a| a.name.as_str()),
            display(&dir)
        );
    }
    Ok(())
}

fn adapter_command(args: &AdapterArgs) -> Result<()> {
    let info = crate::adapters::read_adapter(&args.path)?;
    if args.format == OutputFormat::Json {
        println!("{}", serde_json::to_string_pretty(&info)?);
        return Ok(());
    }
    println!("{}", info.path.display());
    fn line<T: std::fmt::Debug>(name: &str, v: &Option<crate::adapters::Sourced<T>>) {
        match v {
            Some(s) => println!("  {name:<16} {:?}   ({})", s.value, s.source),
            None => println!("  {name:<16} unknown"),
        }
    }
    line("type", &info.peft_type);
    line("base model", &info.base_model);
    line("rank", &info.rank);
    line("alpha", &info.alpha);
    line("scaling", &info.scaling);
    line("target modules", &info.target_modules);
    line("trigger phrases", &info.trigger_phrases);
    println!(
        "  {:<16} {} ({} bytes), dtypes {:?}",
        "tensors", info.tensor_count, info.tensor_bytes, info.dtypes
    );
    if !info.metadata.is_empty() {
        println!(
            "  metadata keys    {}",
            info.metadata.keys().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(())
}

fn devices_command() -> Result<()> {
    let adapters = crate::gpu::list_adapters();
    if adapters.is_empty() {
        println!(
            "no GPU adapters found: fields are computed on the CPU, and rendering is unavailable"
        );
        println!(
            "(on a machine without a GPU, install Mesa's lavapipe: apt-get install mesa-vulkan-drivers)"
        );
    }
    for info in &adapters {
        println!(
            "{} — {:?}, {:?}, driver {} {}",
            info.name, info.device_type, info.backend, info.driver, info.driver_info
        );
    }
    let engine = FieldEngine::new(BackendChoice::Auto);
    println!("fields with --backend auto: {}", engine.device_name());
    if let Some(notice) = &engine.notice {
        println!("({notice})");
    }
    Ok(())
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

fn style_name(s: Style) -> String {
    s.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

fn layer_name(l: Layer) -> String {
    l.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}
