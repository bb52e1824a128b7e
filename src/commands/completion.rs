//! `astro completion SHELL`: a shell completion script, generated from the clap tree so it
//! never drifts from the real interface.

use crate::cli;
use crate::error::CliError;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct CompletionArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn run(args: CompletionArgs) -> Result<(), CliError> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cli::command(), "astro", &mut script);
    output::data(&String::from_utf8_lossy(&script))
}
