//! `astro organization access export`: the Organization's access as an access file (YAML, or
//! JSON), every listing read at once, sorted so that two exports of an unchanged Organization
//! are byte-identical.

use std::path::PathBuf;

use crate::access_code::{export, live};
use crate::api::Team;
use crate::cli::{Global, GlobalSet, Takes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The file lists every member by email (Organization role, Workspace roles by Workspace \
                  name, Deployment roles by Workspace and Deployment name, `status: PENDING` for an \
                  invitee) and every Team by name (description, roles, members, `idpManaged: true` \
                  for a Team an identity provider manages). An object whose name another shares is \
                  named by its ID, with the name in a comment. `astro organization access plan -f FILE` \
                  compares such a file with the Organization.\n\n\
                  Examples:\n  astro organization access export -o access.yaml\n  \
                  astro org access export --format json | jq '.teams | keys'"
)]
pub struct ExportArgs {
    /// Write the file to FILE (replaced atomically) instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The file's format [default: yaml, or json when FILE ends in .json]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    #[command(flatten)]
    pub globals: Takes<ExportGlobals>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Yaml,
    Json,
}

/// The Organization and requests; the file is the output, so no `--jq`.
pub struct ExportGlobals;
impl GlobalSet for ExportGlobals {
    const TAKES: &'static [Global] = &[Global::OrganizationId, Global::Http];
}

impl ExportArgs {
    /// The format asked for, else the one FILE's extension names, else YAML.
    pub fn format(&self) -> Format {
        self.format.unwrap_or_else(|| {
            let json = self
                .output
                .as_ref()
                .and_then(|p| p.extension())
                .is_some_and(|e| e.eq_ignore_ascii_case("json"));
            if json { Format::Json } else { Format::Yaml }
        })
    }

    /// Where to write: `None` for standard output (no `-o`, or `-o -`).
    fn file(&self) -> Option<&PathBuf> {
        self.output.as_ref().filter(|p| p.as_os_str() != "-")
    }
}

pub async fn run(args: ExportArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let format = args.format();
    let (client, org) = ctx.api().await?;
    let spinner = output::Spinner::start("Reading the Organization's access…");
    let every_team = |teams: &[Team]| teams.iter().map(|t| t.id.clone()).collect();
    let live = live::read(
        client,
        org,
        live::Wants {
            organization: true,
            deployments: true,
            deployment_roles: false,
            me: false,
            members_of: &every_team,
        },
    )
    .await?;
    drop(spinner);
    let (doc, omitted) = export::document(&live);
    if omitted.deployment_roles > 0 {
        output::note(&format!(
            "warning: {} Deployment {} on Deployments the listing does not show {} left out",
            omitted.deployment_roles,
            if omitted.deployment_roles == 1 {
                "role"
            } else {
                "roles"
            },
            if omitted.deployment_roles == 1 {
                "is"
            } else {
                "are"
            },
        ));
    }
    let text = match format {
        Format::Yaml => export::to_yaml(&doc),
        Format::Json => export::to_json(&doc),
    };
    match args.file() {
        Some(path) => {
            crate::atomic_file::write_atomically(path, text.as_bytes())?;
            output::note(&format!(
                "wrote `{}`: {}, {}",
                path.display(),
                crate::text::count(live.users.len(), "member", "members"),
                crate::text::count(live.teams.len(), "Team", "Teams"),
            ));
            Ok(())
        }
        None => output::data(&text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(output: Option<&str>, format: Option<Format>) -> ExportArgs {
        ExportArgs {
            output: output.map(PathBuf::from),
            format,
            globals: Takes::default(),
        }
    }

    #[test]
    fn the_format_follows_the_flag_then_the_extension() {
        assert_eq!(args(None, None).format(), Format::Yaml);
        assert_eq!(args(Some("a.JSON"), None).format(), Format::Json);
        assert_eq!(args(Some("a.yaml"), None).format(), Format::Yaml);
        assert_eq!(
            args(Some("a.json"), Some(Format::Yaml)).format(),
            Format::Yaml
        );
        assert!(args(Some("-"), None).file().is_none());
    }
}
