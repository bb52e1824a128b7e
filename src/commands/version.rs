//! `astro version`: the same as `astro --version`, and as JSON for scripts.

use serde::Serialize;

use crate::cli::{JsonOnly, Takes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;

/// The short git commit this binary was built from (`unknown` when built outside a git
/// checkout), set by build.rs.
pub const COMMIT: &str = env!("ASTRO_BUILD_COMMIT");
/// The target triple this binary was built for, set by build.rs.
pub const TARGET: &str = env!("ASTRO_BUILD_TARGET");
/// What `astro --version` prints after `astro `: `0.1.0 (1a2b3c4 x86_64-unknown-linux-musl)`.
pub const LONG: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("ASTRO_BUILD_COMMIT"),
    " ",
    env!("ASTRO_BUILD_TARGET"),
    ")"
);

#[derive(Debug, clap::Args)]
pub struct VersionArgs {
    /// Print the version as JSON
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub globals: Takes<JsonOnly>,
}

#[derive(Serialize)]
struct Version {
    version: &'static str,
    /// The short git commit, or `unknown`.
    commit: &'static str,
    /// The target triple, e.g. `x86_64-unknown-linux-musl`.
    target: &'static str,
    /// `<os>-<arch>` in the Go CLI's names, as sent in `X-Client-Os-Identifier`.
    platform: String,
}

pub fn run(args: VersionArgs, ctx: &Ctx) -> Result<(), CliError> {
    if ctx.wants_json(args.json) {
        return ctx.print_json(&Version {
            version: env!("CARGO_PKG_VERSION"),
            commit: COMMIT,
            target: TARGET,
            platform: crate::api::os_identifier(),
        });
    }
    output::data(&format!("astro {LONG}\n"))
}
