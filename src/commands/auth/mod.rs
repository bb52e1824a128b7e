//! `astro auth …`: the credentials in use.

pub mod status;
pub mod token;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Print the token in use, for scripts (stdout, nothing else)
    Token(Lazy<token::TokenArgs>),
    /// Who you are logged in as: the identity, where the token comes from, its Organization,
    /// Workspace and expiry (never the token itself)
    Status(Lazy<status::AuthStatusArgs>),
}

impl AuthCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            AuthCommand::Token(Lazy(args)) => token::run(args, ctx).await,
            AuthCommand::Status(Lazy(args)) => status::run(args, ctx).await,
        }
    }
}
