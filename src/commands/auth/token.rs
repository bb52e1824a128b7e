//! `astro auth token`: the token in use, alone on stdout, for scripts.

use crate::context::Ctx;
use crate::error::CliError;
use crate::output;

pub async fn run(ctx: &mut Ctx) -> Result<(), CliError> {
    let session = ctx.session().await?;
    output::data(&format!("{}\n", session.token.expose()))
}
