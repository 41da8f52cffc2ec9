//! The command line: `fields`, `render`, `demo`, `devices`, `adapter`, the library
//! commands `check`, `search`, `unfold`, `add`, `link` and `unlink`, and `present`.
//!
//! This module parses and dispatches; the arguments live in `args`, the glyph they name in
//! `source`, and each family of commands in its own module.

mod args;
mod edit;
mod fields;
mod info;
mod library;
mod present;
mod render;
mod source;

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use clap::Parser;

pub use args::{
    AdapterArgs, Cli, Command, DemoArgs, FieldArgs, FieldsArgs, OpenArgs, OutputFormat, RenderArgs,
    SourceArgs,
};
pub use source::{parse_char, parse_range};

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
        Command::Fields(args) => fields::fields_command(&args),
        Command::Render(args) => render::render_command(&args),
        Command::Demo(args) => render::demo_command(&args),
        Command::Devices => info::devices_command(),
        Command::Adapter(args) => info::adapter_command(&args),
        Command::Check(args) => library::check_command(&args),
        Command::Unfold(args) => library::unfold_command(&args),
        Command::Search(args) => library::search_command(&args),
        Command::Add(args) => edit::add_command(&args),
        Command::Link(args) => edit::link_command(&args, true),
        Command::Unlink(args) => edit::link_command(&args, false),
        Command::Present(args) => present::present_command(&args),
    }
}

fn open_command(args: OpenArgs) -> Result<()> {
    crate::app::run(crate::app::StartOptions {
        library: args.library,
        screenshot: args.screenshot.clone(),
        fresh: args.fresh,
        edit: args.edit,
        started: Some(Instant::now()),
        // Unsaved edits are journalled beside eframe's settings (not for a screenshot run).
        recovery_dir: args
            .screenshot
            .is_none()
            .then(|| eframe::storage_dir("Hologlyph").map(|d| d.join("recovery")))
            .flatten(),
        present: None,
        shape_cache_dir: shape_cache_dir(),
    })
}

/// Where shape descriptors are cached between runs: beside eframe's settings.
pub(crate) fn shape_cache_dir() -> Option<std::path::PathBuf> {
    eframe::storage_dir("Hologlyph").map(|d| d.join("cache"))
}
