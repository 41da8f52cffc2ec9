//! The library commands: `check`, `search` and `unfold`.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Args;

use crate::library::{self, Loaded};

#[derive(Args, Debug, Clone)]
pub struct LibraryArg {
    /// The library file (TOML); default: the bundled library.
    #[arg(long)]
    pub library: Option<PathBuf>,
}

impl LibraryArg {
    pub fn path(&self) -> PathBuf {
        self.library.clone().unwrap_or_else(library::bundled_path)
    }

    /// Loads the library; problems are printed as warnings on stderr, and errors stop the
    /// command only when nothing usable was read.
    pub fn load(&self) -> Result<Loaded> {
        let path = self.path();
        let loaded = library::load(&path)?;
        for p in &loaded.problems {
            eprintln!("{p}");
        }
        if loaded.library.symbols.is_empty() && loaded.has_errors() {
            bail!(
                "{} could not be read (see the problems above)",
                path.display()
            );
        }
        Ok(loaded)
    }
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The library file to validate; default: the bundled library.
    pub library: Option<PathBuf>,
}

/// `hologlyph check`: every problem with file:line:column; exit 1 when there are errors.
pub fn check_command(args: &CheckArgs) -> Result<()> {
    let path = args.library.clone().unwrap_or_else(library::bundled_path);
    let loaded = library::load(&path)?;
    for p in &loaded.problems {
        println!("{p}");
    }
    let errors = loaded.errors().count();
    let warnings = loaded.problems.len() - errors;
    let lib = &loaded.library;
    println!(
        "{}: {} symbols, {} scenes, {} adapters, {} concepts, {} tours; {errors} errors, {warnings} warnings",
        path.display(),
        lib.symbols.len(),
        lib.scenes.len(),
        lib.adapters.len(),
        lib.concepts.len(),
        lib.tours.len()
    );
    if errors > 0 {
        bail!("{} has {errors} errors", display(&path));
    }
    Ok(())
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// Words of a name, gloss, archetype, component or tag; a character; or U+XXXX.
    pub query: Option<String>,
    /// Instead: the symbols and scenes nearest to this symbol (id, character or U+XXXX),
    /// by meaning and by shape.
    #[arg(long)]
    pub near: Option<String>,
    /// With --near: also neighbours in your own embedding space (a .npy matrix, one row per
    /// id; needs --ids).
    #[arg(long, requires = "ids")]
    pub embeddings: Option<PathBuf>,
    /// The ids of the --embeddings rows, one per line.
    #[arg(long, requires = "embeddings")]
    pub ids: Option<PathBuf>,
    /// How many results to show.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    #[command(flatten)]
    pub library: LibraryArg,
    #[arg(long, value_enum, default_value = "text")]
    pub format: super::OutputFormat,
}

fn char_label(s: &library::Symbol) -> String {
    match s.glyph.character() {
        Some(c) => format!("{c} U+{:04X}", c as u32),
        None => "(drawn)".to_string(),
    }
}

/// `hologlyph search`.
pub fn search_command(args: &SearchArgs) -> Result<()> {
    let loaded = args.library.load()?;
    let lib = &loaded.library;
    if let Some(near) = &args.near {
        return near_command(args, lib, near);
    }
    let Some(query) = &args.query else {
        bail!("give a query, or --near SYMBOL");
    };
    let index = library::search::SearchIndex::new(lib);
    let hits = index.search(query);
    if args.format == super::OutputFormat::Json {
        let rows: Vec<_> = hits
            .iter()
            .take(args.limit)
            .map(|h| {
                let Some(s) = lib.symbol(&h.symbol) else {
                    return serde_json::Value::Null;
                };
                serde_json::json!({"id": s.id, "name": s.name, "character": s.glyph.character(), "score": h.score, "matched": h.field})
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    if hits.is_empty() {
        println!("no symbol matches {query:?}");
    }
    for (h, s) in hits
        .iter()
        .take(args.limit)
        .filter_map(|h| Some((h, lib.symbol(&h.symbol)?)))
    {
        println!(
            "{:<12} {:<20} {}  ({} match, {:.2})",
            char_label(s),
            s.id,
            s.name,
            h.field,
            h.score
        );
    }
    if hits.len() > args.limit {
        println!("… and {} more (--limit)", hits.len() - args.limit);
    }
    Ok(())
}

fn near_command(args: &SearchArgs, lib: &library::Library, key: &str) -> Result<()> {
    use crate::embedding::{SemanticIndex, ShapeIndex, load_external};
    let Some(s) = lib.find_symbol(key) else {
        bail!("the library has no symbol `{key}` (give an id, the character, or U+XXXX)");
    };
    let i = lib
        .symbols
        .iter()
        .position(|x| x.id == s.id)
        .unwrap_or_default();
    let semantic = SemanticIndex::new(lib);
    let shape = ShapeIndex::build_cached(lib, 96, None, super::shape_cache_dir().as_deref());
    let meaning = semantic.similar_symbols(i, args.limit);
    let scenes = semantic.nearest_scenes(semantic.symbols.row(i), args.limit);
    let looks = shape.similar(i, args.limit);
    let external = match (&args.embeddings, &args.ids) {
        (Some(m), Some(ids)) => {
            let space = load_external(m, ids)?;
            match space.index_of(&s.id) {
                Some(j) => Some(space.nearest(space.row(j), args.limit, Some(j))),
                None => bail!("{} has no row for symbol `{}`", ids.display(), s.id),
            }
        }
        _ => None,
    };
    if args.format == super::OutputFormat::Json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "symbol": s.id,
                "semantic_symbols": meaning,
                "semantic_scenes": scenes,
                "shape_symbols": looks,
                "external": external,
            }))?
        );
        return Ok(());
    }
    println!("{} {} — {}", char_label(s), s.id, s.name);
    let show =
        |title: &str, list: &[crate::embedding::Neighbour], label: &dyn Fn(&str) -> String| {
            println!("\n{title}");
            for n in list {
                println!("  {:>6.3}  {}", n.score, label(&n.id));
            }
        };
    let symbol_label = |id: &str| {
        lib.symbol(id).map_or(id.to_string(), |x| {
            format!("{} {} — {}", char_label(x), x.id, x.name)
        })
    };
    show(
        "means like (cosine of concept embeddings):",
        &meaning,
        &symbol_label,
    );
    show("nearest scenes:", &scenes, &|id: &str| {
        lib.scene(id)
            .map_or(id.to_string(), |x| format!("{} {}", x.id, x.title))
    });
    show(
        "looks like (cosine of standardised field descriptors):",
        &looks,
        &symbol_label,
    );
    if let Some(ext) = &external {
        show("near in your embeddings:", ext, &|id: &str| id.to_string());
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct UnfoldArgs {
    /// The symbol: id, character, or U+XXXX.
    pub symbol: String,
    /// A region link id of the symbol (see `unfold --format json`).
    #[arg(long, group = "where")]
    pub region: Option<String>,
    /// A point of the glyph in em (y up), e.g. 0.23,0.11: the region containing it.
    #[arg(long, group = "where", value_parser = parse_point, allow_hyphen_values = true)]
    pub at: Option<[f64; 2]>,
    #[arg(long, value_enum, default_value = "poetry")]
    pub register: RegisterArg,
    #[arg(long, value_enum, default_value = "text")]
    pub format: super::OutputFormat,
    /// Write the sound here (WAV).
    #[arg(long)]
    pub wav: Option<PathBuf>,
    /// Write the gesture here: .svg (animated) or .json (timed points).
    #[arg(long)]
    pub gesture: Option<PathBuf>,
    #[command(flatten)]
    pub library: LibraryArg,
}

#[derive(Copy, Clone, Debug, clap::ValueEnum)]
pub enum RegisterArg {
    Poetry,
    Logic,
    Interface,
    Body,
}

impl From<RegisterArg> for library::Register {
    fn from(r: RegisterArg) -> Self {
        match r {
            RegisterArg::Poetry => library::Register::Poetry,
            RegisterArg::Logic => library::Register::Logic,
            RegisterArg::Interface => library::Register::Interface,
            RegisterArg::Body => library::Register::Body,
        }
    }
}

fn parse_point(text: &str) -> std::result::Result<[f64; 2], String> {
    let (x, y) = text
        .split_once(',')
        .ok_or_else(|| format!("{text:?} must be X,Y in em, e.g. 0.23,0.11"))?;
    let parse = |v: &str| {
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .ok_or_else(|| format!("{v:?} is not a number"))
    };
    Ok([parse(x)?, parse(y)?])
}

/// Field size the protocol's outputs are computed at.
const UNFOLD_FIELD_SIZE: u32 = 192;

/// `hologlyph unfold`: the five steps.
pub fn unfold_command(args: &UnfoldArgs) -> Result<()> {
    use crate::embedding::SemanticIndex;
    use crate::fields::{BackendChoice, FieldEngine, FieldOptions};
    use crate::protocol::{self, RegionChoice};
    let loaded = args.library.load()?;
    let lib = &loaded.library;
    let Some(s) = lib.find_symbol(&args.symbol) else {
        bail!(
            "the library has no symbol `{}` (give an id, the character, or U+XXXX)",
            args.symbol
        );
    };
    let outline = lib.outline(&s.glyph, &crate::glyph::FontSet::bundled())?;
    let fields = FieldEngine::new(BackendChoice::Cpu).compute(
        &outline,
        &FieldOptions::default().with_size(UNFOLD_FIELD_SIZE),
    )?;
    let semantic = SemanticIndex::new(lib);
    let region = match (&args.region, args.at) {
        (Some(id), _) => Some(RegionChoice::Link(id.clone())),
        (None, Some(p)) => Some(RegionChoice::At(p)),
        (None, None) => None,
    };
    let u = protocol::run(
        lib,
        &semantic,
        Some(&fields),
        &s.id,
        region.as_ref(),
        args.register.into(),
    )?;
    if let Some(path) = &args.wav {
        u.outputs.sound.write_wav(path)?;
        eprintln!("sound written to {}", path.display());
    }
    if let Some(path) = &args.gesture {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            u.outputs.gesture.write_json(path)?;
        } else {
            u.outputs.gesture.write_svg(path)?;
        }
        eprintln!("gesture written to {}", path.display());
    }
    if args.format == super::OutputFormat::Json {
        println!("{}", serde_json::to_string_pretty(&u)?);
        return Ok(());
    }
    println!("{} {} — {}", char_label(s), s.id, s.name);
    if let Some(r) = &u.region {
        match (&r.link, &r.kind) {
            (Some(link), _) => println!(
                "region: {link} — {} (field region {})",
                r.label.as_deref().unwrap_or(""),
                r.region.map_or("?".into(), |x| x.to_string())
            ),
            (None, Some(kind)) => println!(
                "region: field region {} ({kind:?}); no region link of the symbol covers it",
                r.region.unwrap_or_default()
            ),
            (None, None) => println!("region: the point is outside the glyph's field"),
        }
    }
    println!(
        "\n1. recognise   {} ≈ {}",
        s.glyph.character().map_or(String::new(), String::from),
        u.recognition.formula
    );
    for (c, w) in &u.recognition.concepts {
        println!("               {c:<14} {w:.3}");
    }
    println!("               unexplained {:.3}", u.recognition.residual);
    println!("\n2. scenes");
    for h in &u.scenes {
        println!(
            "   {:<5} {:<34} {:.3}  ({:?})",
            h.id, h.title, h.score, h.because
        );
    }
    println!("\n3. adapter");
    for (k, a) in u.adapters.iter().take(3).enumerate() {
        println!(
            "   {} {:<36} {:.2}  {}",
            if k == 0 { "→" } else { " " },
            a.name,
            a.score,
            a.reasons.join("; ")
        );
    }
    println!(
        "\n4. unfold into {} ({})\n   {}",
        u.unfolded.register.name(),
        u.unfolded.origin(),
        u.unfolded.text
    );
    println!("\n5. outputs");
    if let Some(out) = &s.output {
        println!("   text     {out}");
    }
    let swatches: Vec<String> = u
        .outputs
        .palette
        .iter()
        .map(|w| format!("{} {}", w.hex, w.concept))
        .collect();
    println!("   colour   {}", swatches.join(", "));
    println!(
        "   sound    {:.1} s, {} plucks, tension {:.1} semitones, pitch {:.0}–{:.0} Hz{}",
        u.outputs.sound.duration_s,
        u.outputs.sound.onsets_s.len(),
        u.outputs.sound.tension_semitones,
        u.outputs.sound.pitch_range_hz[0],
        u.outputs.sound.pitch_range_hz[1],
        if args.wav.is_none() {
            " (--wav FILE to write it)"
        } else {
            ""
        }
    );
    println!(
        "   gesture  {} strokes, {} points, {:.2} s{}",
        u.outputs.gesture.strokes.len(),
        u.outputs
            .gesture
            .strokes
            .iter()
            .map(Vec::len)
            .sum::<usize>(),
        u.outputs.gesture.duration_s,
        if args.gesture.is_none() {
            " (--gesture FILE.svg|.json to write it)"
        } else {
            ""
        }
    );
    Ok(())
}
