//! Library edits from the command line, for scripts: `add` a symbol, `link` and `unlink` a
//! region of a symbol. They go through the same `Edit` and pure `apply` the window's undo
//! history uses; the result is validated, then saved atomically over the file, keeping its
//! comments and layout.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use clap::Args;

use crate::library::{
    self, Edit, GlyphRef, Library, Lineage, LinkTarget, RegionLink, Symbol, Weighted,
};

#[derive(Args, Debug)]
pub struct LinkArgs {
    /// The symbol's id.
    pub symbol: String,
    /// The id of one of the symbol's region links (`[[symbol.region]]` `id`); with `--at`,
    /// a new region made there.
    pub region: String,
    /// A scene id or an adapter id (or use --scene / --adapter).
    pub target: Option<String>,
    /// The scene to link.
    #[arg(long, conflicts_with_all = ["target", "adapter"])]
    pub scene: Option<String>,
    /// The adapter to link.
    #[arg(long, conflicts_with_all = ["target", "scene"])]
    pub adapter: Option<String>,
    /// Make the region if the symbol has none of that id, anchored at x,y (em, y up).
    #[arg(long, value_name = "X,Y", value_parser = parse_point)]
    pub at: Option<[f64; 2]>,
    /// The new region's label (default: its id).
    #[arg(long, requires = "at")]
    pub label: Option<String>,
    /// The library file to change (saved in place, the previous version kept as .bak).
    #[arg(long)]
    pub library: PathBuf,
}

#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["character", "svg", "path"]))]
pub struct AddArgs {
    /// A character of the bundled fonts (or of --font).
    #[arg(long = "char", value_name = "CHARACTER")]
    pub character: Option<char>,
    /// A font file to take the character from.
    #[arg(long, requires = "character")]
    pub font: Option<PathBuf>,
    /// An SVG file (kept relative to the library file when it is beside or under it).
    #[arg(long)]
    pub svg: Option<PathBuf>,
    /// SVG path data in em units, y up (e.g. "M 0.2 0.1 L 0.8 0.1 L 0.5 0.9 Z").
    #[arg(long)]
    pub path: Option<String>,
    /// The new symbol's id (default: from the character, `u2695`, or the SVG file's name).
    #[arg(long)]
    pub id: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long, default_value = "")]
    pub gloss: String,
    #[arg(long, default_value = "hieroglyph", value_parser = super::args::named::<Lineage>())]
    pub lineage: Lineage,
    #[arg(long, default_value = "")]
    pub archetype: String,
    /// A tag (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// A component, CONCEPT=WEIGHT (repeatable).
    #[arg(long = "component", value_name = "CONCEPT=WEIGHT", value_parser = parse_component)]
    pub components: Vec<Weighted>,
    /// The library file to change (saved in place, the previous version kept as .bak).
    #[arg(long)]
    pub library: PathBuf,
}

fn parse_point(s: &str) -> Result<[f64; 2], String> {
    let (x, y) = s
        .split_once(',')
        .ok_or_else(|| format!("“{s}” is not X,Y"))?;
    let n = |v: &str| {
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("“{v}” is not a number"))
    };
    Ok([n(x)?, n(y)?])
}

fn parse_component(s: &str) -> Result<Weighted, String> {
    let (concept, weight) = s
        .split_once('=')
        .ok_or_else(|| format!("“{s}” is not CONCEPT=WEIGHT"))?;
    let weight: f32 = weight
        .trim()
        .parse()
        .map_err(|_| format!("“{weight}” is not a number"))?;
    Ok(Weighted {
        concept: concept.trim().to_string(),
        weight,
    })
}

/// Loads `path`, applies `edits` (made from the library as read), checks the result and
/// saves it over the file keeping its comments. Prints each edit's label.
fn edit_file(path: &Path, edits: impl FnOnce(&Library) -> Result<Vec<Edit>>) -> Result<()> {
    let loaded = library::load(path)?;
    // An entry that could not be read has no value in the model: editing it would write
    // what the reader guessed over what the user wrote.
    if loaded.has_errors() {
        for p in loaded.errors() {
            eprintln!("{p}");
        }
        bail!(
            "{} has errors (above); fix them before editing it from the command line",
            path.display()
        );
    }
    let mut lib = loaded.library.clone();
    let edits = edits(&lib)?;
    for edit in &edits {
        lib = library::apply(&lib, edit)
            .with_context(|| format!("{}: cannot {}", path.display(), edit.label()))?;
    }
    let text = library::update_toml(&loaded.text, &loaded.library, &lib)
        .unwrap_or_else(|| library::to_toml(&lib));
    let check = library::load_str(&text, path);
    if check.has_errors() {
        for p in check.errors() {
            eprintln!("{p}");
        }
        bail!(
            "{}: not saved: the edit would leave the errors above",
            path.display()
        );
    }
    library::save_text(&text, path)?;
    for edit in &edits {
        println!("{}: {}", path.display(), edit.label());
    }
    Ok(())
}

/// `hologlyph link` (`unlink` with `link == false`).
pub fn link_command(args: &LinkArgs, link: bool) -> Result<()> {
    edit_file(&args.library, |lib| {
        let target = match (&args.target, &args.scene, &args.adapter) {
            (_, Some(s), _) => LinkTarget::Scene(s.as_str().into()),
            (_, _, Some(a)) => LinkTarget::Adapter(a.as_str().into()),
            (Some(t), ..) if lib.scene(t).is_some() => LinkTarget::Scene(t.as_str().into()),
            (Some(t), ..) if lib.adapter(t).is_some() => LinkTarget::Adapter(t.as_str().into()),
            (Some(t), ..) => bail!(
                "{}: there is no scene or adapter “{t}”",
                args.library.display()
            ),
            (None, None, None) => bail!("say what to link: a TARGET, --scene or --adapter"),
        };
        let mut edits = Vec::new();
        let symbol = lib
            .symbol(&args.symbol)
            .with_context(|| format!("{}: no symbol “{}”", args.library.display(), args.symbol))?;
        if let Some(at) = args.at
            && link
            && !symbol.regions.iter().any(|r| r.id == args.region)
        {
            let mut s = Symbol::clone(symbol);
            s.regions.push(RegionLink {
                id: args.region.clone(),
                label: args.label.clone().unwrap_or_else(|| args.region.clone()),
                anchor: at,
                scenes: Vec::new(),
                adapters: Vec::new(),
            });
            edits.push(Edit::UpdateSymbol {
                id: s.id.clone(),
                symbol: Arc::new(s),
            });
        }
        let (symbol, region) = (args.symbol.as_str().into(), args.region.clone());
        edits.push(if link {
            Edit::LinkRegion {
                symbol,
                region,
                target,
            }
        } else {
            Edit::UnlinkRegion {
                symbol,
                region,
                target,
            }
        });
        Ok(edits)
    })
}

/// `hologlyph add`.
pub fn add_command(args: &AddArgs) -> Result<()> {
    let base = args
        .library
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let (glyph, default_id) = match (&args.character, &args.svg, &args.path) {
        (Some(ch), ..) => (
            GlyphRef::Char {
                ch: *ch,
                font: args.font.as_deref().map(|f| relative_to(f, base)),
            },
            format!("u{:04x}", *ch as u32),
        ),
        (_, Some(svg), _) => (
            GlyphRef::Svg {
                file: relative_to(svg, base),
            },
            svg.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ),
        (_, _, Some(data)) => (
            GlyphRef::Path {
                data: data.clone(),
                even_odd: false,
            },
            String::new(),
        ),
        _ => bail!("say where the glyph comes from: --char, --svg or --path"),
    };
    let id = args.id.clone().unwrap_or(default_id);
    if id.is_empty() {
        bail!("a symbol from --path needs an --id");
    }
    let symbol = Symbol {
        id: id.as_str().into(),
        name: args.name.clone().unwrap_or_else(|| id.clone()),
        gloss: args.gloss.clone(),
        lineage: args.lineage,
        style: args.lineage.default_style(),
        archetype: args.archetype.clone(),
        components: args.components.clone(),
        tags: args.tags.clone(),
        ..Symbol::new(id.as_str().into(), glyph)
    };
    edit_file(&args.library, |_| {
        Ok(vec![Edit::AddSymbol(Arc::new(symbol))])
    })
}

/// `file` as the library will name it: relative to the library's folder when it is inside
/// it, else absolute.
fn relative_to(file: &Path, base: &Path) -> PathBuf {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (file, base) = (abs(file), abs(base));
    file.strip_prefix(&base)
        .map(Path::to_path_buf)
        .unwrap_or(file)
}
