//! `astro version`: the same as `astro --version`, and as JSON for scripts.

use serde::Serialize;

use crate::cli::{JsonOnly, Takes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;

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
    /// `<os>-<arch>` in the Go CLI's names, as sent in `X-Client-Os-Identifier`.
    platform: String,
}

pub fn run(args: VersionArgs, ctx: &Ctx) -> Result<(), CliError> {
    let version = Version {
        version: env!("CARGO_PKG_VERSION"),
        platform: crate::api::os_identifier(),
    };
    if ctx.wants_json(args.json) {
        return ctx.print_json(&version);
    }
    output::data(&format!(
        "astro {} ({})\n",
        version.version, version.platform
    ))
}
