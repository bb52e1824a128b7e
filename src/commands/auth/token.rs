//! `astro auth token`: the token in use, alone on stdout, for scripts.

use crate::cli::{Global, GlobalSet, Takes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    #[command(flatten)]
    pub globals: Takes<TokenGlobals>,
}

/// Reading the token may renew a stored login: a request.
pub struct TokenGlobals;
impl GlobalSet for TokenGlobals {
    const TAKES: &'static [Global] = &[Global::Http];
}

pub async fn run(_args: TokenArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let session = ctx.session().await?;
    output::data(&format!("{}\n", session.token.expose()))
}
