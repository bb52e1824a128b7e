//! `astro deployment token workspace-token list` (`ls`): the Workspace API tokens with a role on
//! the Deployment (as `deployment token list --scope workspace`).

use crate::cli::{DeploymentReads, FormatArgs, Takes};
use crate::commands::deployment::token::list::{ListArgs as AllArgs, ScopeFilter};

#[derive(Debug, clap::Args)]
#[command(after_help = "ROLE is the token's role on this Deployment.\n\n\
                  Examples:\n  astro deployment token workspace-token list --deployment-id Ingestion\n  \
                  astro de to workspace-token ls --deployment-id clrg4v5mo000001cuzllrbrmi --json")]
pub struct ListArgs {
    /// Only the tokens that expire within DAYS days (0-3650), expired ones included
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub expiring_within: Option<u32>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<DeploymentReads>,
}

impl From<ListArgs> for AllArgs {
    fn from(args: ListArgs) -> Self {
        Self {
            expiring_within: args.expiring_within,
            scope: Some(ScopeFilter::Workspace),
            format: args.format,
            globals: args.globals,
        }
    }
}
