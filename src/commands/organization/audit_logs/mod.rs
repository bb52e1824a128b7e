//! `astro organization audit-logs …` (`al`): the Organization's audit logs.

pub mod export;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum AuditLogsCommand {
    /// Export the Organization's audit logs (gzip-compressed NDJSON) to a file or stdout
    #[command(visible_alias = "e")]
    Export(Lazy<export::ExportArgs>),
}

impl AuditLogsCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            AuditLogsCommand::Export(Lazy(args)) => export::run(args, ctx).await,
        }
    }
}
