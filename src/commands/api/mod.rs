//! `astro api [cloud] <PATH|OPERATION_ID>`: any Astro API request, checked against the bundled
//! OpenAPI document before it is sent; `astro api ls` and `astro api describe` read the
//! document. `cloud` is accepted as the Go CLI spells it.

mod describe;
mod fields;
mod ls;
mod paginate;
mod request;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

const EXAMPLES: &str = "Examples:\n  \
    astro api ListTeams\n  \
    astro api /organizations/{organizationId}/teams -f names=Admins\n  \
    astro api ListWorkspaces --paginate --jq '.workspaces[].name'\n  \
    astro api CreateTeam -f name=Data -f 'memberIds[]=cl1234'\n  \
    astro api GetTeam -p teamId=cl5678 -i\n  \
    astro api ls team\n  \
    astro api describe CreateTeam";

#[derive(Debug, clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = EXAMPLES
)]
pub struct ApiArgs {
    #[command(subcommand)]
    pub command: Option<ApiCommand>,

    #[command(flatten)]
    pub request: request::RequestArgs,
}

#[derive(Debug, Subcommand)]
pub enum ApiCommand {
    /// The same as `astro api`, spelled as the Go CLI does (`astro api cloud ListTeams`)
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Cloud(CloudArgs),
    /// List the API's operations: METHOD, PATH, OPERATION_ID, SUMMARY
    #[command(visible_alias = "list")]
    Ls(ls::LsArgs),
    /// Show an operation's parameters, request body and responses
    Describe(describe::DescribeArgs),
}

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct CloudArgs {
    #[command(subcommand)]
    pub command: Option<CloudCommand>,

    #[command(flatten)]
    pub request: request::RequestArgs,
}

#[derive(Debug, Subcommand)]
pub enum CloudCommand {
    /// List the API's operations: METHOD, PATH, OPERATION_ID, SUMMARY
    #[command(visible_alias = "list")]
    Ls(ls::LsArgs),
    /// Show an operation's parameters, request body and responses
    Describe(describe::DescribeArgs),
}

impl ApiArgs {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self.command {
            None => request::run(self.request, ctx).await,
            Some(ApiCommand::Ls(args))
            | Some(ApiCommand::Cloud(CloudArgs {
                command: Some(CloudCommand::Ls(args)),
                ..
            })) => ls::run(args, ctx),
            Some(ApiCommand::Describe(args))
            | Some(ApiCommand::Cloud(CloudArgs {
                command: Some(CloudCommand::Describe(args)),
                ..
            })) => describe::run(args, ctx),
            Some(ApiCommand::Cloud(CloudArgs {
                command: None,
                request,
            })) => request::run(request, ctx).await,
        }
    }
}
