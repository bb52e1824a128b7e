//! `astro organization token list` (`ls`): the Organization's own API tokens, with their
//! Organization role and expiry (never their values); `--expiring-within DAYS` finds the ones
//! to rotate soon.

use crate::cli::{FormatArgs, Reads, Takes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::tokens::Scope;
use crate::tokens::listing::{self, Filter};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only Organization-scoped tokens are listed (a Workspace's own tokens: `astro \
                  workspace token list`). ROLE is the token's Organization role. No token value is \
                  ever shown.\n\n\
                  --expiring-within keeps the tokens that expire within DAYS days, those already \
                  expired included (they need rotating too); tokens that never expire are left \
                  out.\n\n\
                  Examples:\n  astro organization token list\n  \
                  astro org to ls --expiring-within 14 --jq '.tokens[].name'"
)]
pub struct ListArgs {
    /// Only the tokens that expire within DAYS days (0-3650), expired ones included
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub expiring_within: Option<u32>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<Reads>,
}

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let filter = Filter {
        expiring_within: args.expiring_within,
        scope: None,
    };
    listing::print_list(ctx, &Scope::Organization, filter, args.format.wants_json()).await
}
