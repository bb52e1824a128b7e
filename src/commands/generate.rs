//! `astro completion SHELL` and `astro man [DIR]`: shell completions and man pages, generated
//! from the clap tree so they never drift from the real interface; and `astro version`.

use serde::Serialize;

use crate::cli::{self, CompletionArgs, ManArgs, VersionArgs};
use crate::commands::Ctx;
use crate::error::CliError;
use crate::output;

#[derive(Serialize)]
struct Version {
    version: &'static str,
    /// `<os>-<arch>` in the Go CLI's names, as sent in `X-Client-Os-Identifier`.
    platform: String,
}

/// `astro version`: the same as `astro --version`, and as JSON for scripts.
pub fn version(args: VersionArgs, ctx: &Ctx) -> Result<(), CliError> {
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

pub fn completion(args: CompletionArgs) -> Result<(), CliError> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cli::command(), "astro", &mut script);
    output::data(&String::from_utf8_lossy(&script))
}

pub fn man(args: ManArgs) -> Result<(), CliError> {
    let command = cli::command();
    let Some(dir) = args.dir else {
        return output::data(&render(&command)?);
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::failure(format!("cannot create `{}`: {e}", dir.display())))?;
    let mut written = Vec::new();
    write_pages(&command, "astro", &dir, &mut written)?;
    output::note(&format!(
        "wrote {} man pages into {}",
        written.len(),
        dir.display()
    ));
    Ok(())
}

fn render(command: &clap::Command) -> Result<String, CliError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut page)
        .map_err(|e| CliError::failure(format!("cannot render the man page: {e}")))?;
    Ok(String::from_utf8_lossy(&page).into_owned())
}

fn write_pages(
    command: &clap::Command,
    name: &str,
    dir: &std::path::Path,
    written: &mut Vec<String>,
) -> Result<(), CliError> {
    let command = command.clone().name(name.to_owned());
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, render(&command)?)
        .map_err(|e| CliError::failure(format!("cannot write `{}`: {e}", path.display())))?;
    written.push(name.to_owned());
    for sub in command
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        write_pages(sub, &format!("{name}-{}", sub.get_name()), dir, written)?;
    }
    Ok(())
}
