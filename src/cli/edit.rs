//! Library edits from the command line: `link` and `unlink` a region of a symbol, through
//! the same `Edit` and pure `apply` the window's undo history uses, then an atomic save.

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use clap::Args;

use crate::library::{self, Edit, LinkTarget};

#[derive(Args, Debug)]
pub struct LinkArgs {
    /// The symbol's id.
    pub symbol: String,
    /// The id of one of the symbol's region links (`[[symbol.region]]` `id`).
    pub region: String,
    /// A scene id or an adapter id.
    pub target: String,
    /// The library file to change (saved in place, the previous version kept as .bak).
    #[arg(long)]
    pub library: PathBuf,
}

/// `hologlyph link` (`unlink` with `link == false`).
pub fn link_command(args: &LinkArgs, link: bool) -> Result<()> {
    let loaded = library::load(&args.library)?;
    // Saving writes the model back: parts that could not be read would be lost.
    if loaded.has_errors() {
        for p in loaded.errors() {
            eprintln!("{p}");
        }
        bail!(
            "{} has errors (above); fix them before editing it from the command line, \
             or saving would drop what could not be read",
            args.library.display()
        );
    }
    let lib = loaded.library;
    let target = if lib.scene(&args.target).is_some() {
        LinkTarget::Scene(args.target.as_str().into())
    } else if lib.adapter(&args.target).is_some() {
        LinkTarget::Adapter(args.target.as_str().into())
    } else {
        bail!(
            "{}: there is no scene or adapter “{}”",
            args.library.display(),
            args.target
        );
    };
    let (symbol, region) = (args.symbol.as_str().into(), args.region.clone());
    let edit = if link {
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
    };
    let next = library::apply(&lib, &edit)
        .with_context(|| format!("{}: cannot {}", args.library.display(), edit.label()))?;
    library::save(&next, &args.library)?;
    println!("{}: {}", args.library.display(), edit.label());
    Ok(())
}
