//! `astro man [DIR]`: the man page, or one per command written into DIR, generated from the
//! clap tree.

use crate::cli;
use crate::error::CliError;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Folder to write `astro.1`, `astro-organization.1`, … into
    #[arg(value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

pub fn run(args: ManArgs) -> Result<(), CliError> {
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
