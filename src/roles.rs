//! The roles the API accepts, by scope, and how a role is read from the command line or a bulk
//! file: the API's name in any case (`organization_owner`), or its short name (`owner`,
//! `billing_admin`, `operator`). A name that is not a role is refused before any request, with
//! the closest role suggested whatever the case and every valid name listed.

use std::ffi::OsStr;
use std::marker::PhantomData;

use clap::builder::{PossibleValue, TypedValueParser};

/// A scope's role enumeration.
pub trait Role: Copy + Eq + std::fmt::Debug + Send + Sync + 'static {
    /// `Organization`, `Workspace`: how messages name the scope.
    const SCOPE: &'static str;
    fn all() -> &'static [Self];
    /// The API's name for the role.
    fn as_str(self) -> &'static str;
    /// The name without the scope prefix, lower case (`billing_admin`).
    fn short(self) -> &'static str {
        let name = self.as_str();
        let prefix = Self::SCOPE.len() + 1;
        SHORT_NAMES
            .iter()
            .find(|(full, _)| *full == name)
            .map_or(&name[prefix.min(name.len())..], |(_, short)| short)
    }
}

/// Short names, lower case, for every role of every scope.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("ORGANIZATION_OWNER", "owner"),
    ("ORGANIZATION_OBSERVE_ADMIN", "observe_admin"),
    ("ORGANIZATION_OBSERVE_MEMBER", "observe_member"),
    ("ORGANIZATION_BILLING_ADMIN", "billing_admin"),
    ("ORGANIZATION_MEMBER", "member"),
    ("WORKSPACE_OWNER", "owner"),
    ("WORKSPACE_OPERATOR", "operator"),
    ("WORKSPACE_AUTHOR", "author"),
    ("WORKSPACE_MEMBER", "member"),
    ("WORKSPACE_ACCESSOR", "accessor"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgRole {
    OrganizationOwner,
    OrganizationObserveAdmin,
    OrganizationObserveMember,
    OrganizationBillingAdmin,
    OrganizationMember,
}

impl Role for OrgRole {
    const SCOPE: &'static str = "Organization";

    fn all() -> &'static [OrgRole] {
        &[
            OrgRole::OrganizationOwner,
            OrgRole::OrganizationObserveAdmin,
            OrgRole::OrganizationObserveMember,
            OrgRole::OrganizationBillingAdmin,
            OrgRole::OrganizationMember,
        ]
    }

    fn as_str(self) -> &'static str {
        match self {
            OrgRole::OrganizationOwner => "ORGANIZATION_OWNER",
            OrgRole::OrganizationObserveAdmin => "ORGANIZATION_OBSERVE_ADMIN",
            OrgRole::OrganizationObserveMember => "ORGANIZATION_OBSERVE_MEMBER",
            OrgRole::OrganizationBillingAdmin => "ORGANIZATION_BILLING_ADMIN",
            OrgRole::OrganizationMember => "ORGANIZATION_MEMBER",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkspaceRole {
    WorkspaceOwner,
    WorkspaceOperator,
    WorkspaceAuthor,
    WorkspaceMember,
    WorkspaceAccessor,
}

impl Role for WorkspaceRole {
    const SCOPE: &'static str = "Workspace";

    fn all() -> &'static [WorkspaceRole] {
        &[
            WorkspaceRole::WorkspaceOwner,
            WorkspaceRole::WorkspaceOperator,
            WorkspaceRole::WorkspaceAuthor,
            WorkspaceRole::WorkspaceMember,
            WorkspaceRole::WorkspaceAccessor,
        ]
    }

    fn as_str(self) -> &'static str {
        match self {
            WorkspaceRole::WorkspaceOwner => "WORKSPACE_OWNER",
            WorkspaceRole::WorkspaceOperator => "WORKSPACE_OPERATOR",
            WorkspaceRole::WorkspaceAuthor => "WORKSPACE_AUTHOR",
            WorkspaceRole::WorkspaceMember => "WORKSPACE_MEMBER",
            WorkspaceRole::WorkspaceAccessor => "WORKSPACE_ACCESSOR",
        }
    }
}

/// Reads a role: the API's name or the short name, in any case, `-` or `_` between words.
pub fn parse<R: Role>(text: &str) -> Result<R, String> {
    let wanted = text.trim().replace('-', "_");
    R::all()
        .iter()
        .copied()
        .find(|r| {
            r.as_str().eq_ignore_ascii_case(&wanted) || r.short().eq_ignore_ascii_case(&wanted)
        })
        .ok_or_else(|| unknown::<R>(text))
}

/// `unknown Organization role `organization_ownr`; did you mean ORGANIZATION_OWNER? (valid: …)`
pub fn unknown<R: Role>(text: &str) -> String {
    let shown = crate::error::echo(text.trim());
    let suggestion = suggest::<R>(text)
        .map(|r| format!("; did you mean {}?", r.as_str()))
        .unwrap_or_default();
    format!(
        "unknown {} role `{shown}`{suggestion} (valid: {}; or the short names {})",
        R::SCOPE,
        names::<R>(),
        R::all()
            .iter()
            .map(|r| r.short())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Every role's API name, comma-separated.
pub fn names<R: Role>() -> String {
    R::all()
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The role whose name (full or short, ignoring case) is closest to `text`, if any is close.
fn suggest<R: Role>(text: &str) -> Option<R> {
    let wanted = text.trim().to_ascii_lowercase().replace('-', "_");
    if wanted.is_empty() {
        return None;
    }
    R::all()
        .iter()
        .flat_map(|r| {
            [r.as_str().to_ascii_lowercase(), r.short().to_owned()]
                .map(|name| (strsim::jaro_winkler(&wanted, &name), *r))
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, r)| r)
}

/// The clap value parser for a role argument (`-r owner`, `--role ORGANIZATION_OWNER`).
#[derive(Clone)]
pub struct RoleParser<R>(PhantomData<R>);

impl<R: Role> RoleParser<R> {
    pub fn new() -> Self {
        Self(PhantomData)
    }
}

impl<R: Role> Default for RoleParser<R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: Role> TypedValueParser for RoleParser<R> {
    type Value = R;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<R, clap::Error> {
        let text = value.to_str().ok_or_else(|| {
            clap::Error::raw(
                clap::error::ErrorKind::InvalidUtf8,
                "a role must be UTF-8 text\n",
            )
            .with_cmd(cmd)
        })?;
        parse::<R>(text).map_err(|why| {
            let flag = arg.map(|a| format!(" for {a}")).unwrap_or_default();
            clap::Error::raw(
                clap::error::ErrorKind::InvalidValue,
                format!("invalid value{flag}: {why}\n"),
            )
            .with_cmd(cmd)
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            R::all()
                .iter()
                .map(|r| PossibleValue::new(r.as_str()).alias(r.short())),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_names_in_any_case_and_short_names() {
        for role in OrgRole::all() {
            assert_eq!(parse::<OrgRole>(role.as_str()), Ok(*role));
            assert_eq!(parse::<OrgRole>(&role.as_str().to_lowercase()), Ok(*role));
            assert_eq!(parse::<OrgRole>(role.short()), Ok(*role));
            assert_eq!(parse::<OrgRole>(&role.short().to_uppercase()), Ok(*role));
        }
        assert_eq!(
            parse::<OrgRole>("billing-admin"),
            Ok(OrgRole::OrganizationBillingAdmin)
        );
        assert_eq!(parse::<OrgRole>(" owner "), Ok(OrgRole::OrganizationOwner));
        assert_eq!(
            parse::<WorkspaceRole>("operator"),
            Ok(WorkspaceRole::WorkspaceOperator)
        );
        assert_eq!(
            parse::<WorkspaceRole>("author"),
            Ok(WorkspaceRole::WorkspaceAuthor)
        );
        assert_eq!(
            parse::<WorkspaceRole>("Accessor"),
            Ok(WorkspaceRole::WorkspaceAccessor)
        );
        assert_eq!(
            parse::<WorkspaceRole>("owner"),
            Ok(WorkspaceRole::WorkspaceOwner)
        );
        assert!(parse::<OrgRole>("operator").is_err());
        assert!(parse::<WorkspaceRole>("ORGANIZATION_OWNER").is_err());
        assert_eq!(OrgRole::all().len(), 5);
        assert_eq!(WorkspaceRole::all().len(), 5);
    }

    #[test]
    fn a_near_miss_is_suggested_whatever_the_case() {
        for typo in [
            "organization_ownr",
            "ORGANIZATION_OWNR",
            "Organisation_Owner",
            "ownr",
        ] {
            let why = parse::<OrgRole>(typo).unwrap_err();
            assert!(
                why.contains("did you mean ORGANIZATION_OWNER?"),
                "{typo}: {why}"
            );
            assert!(why.contains("ORGANIZATION_BILLING_ADMIN"), "{why}");
        }
        let why = parse::<WorkspaceRole>("operater").unwrap_err();
        assert!(why.contains("did you mean WORKSPACE_OPERATOR?"), "{why}");
        let why = parse::<OrgRole>("xyzzy").unwrap_err();
        assert!(!why.contains("did you mean"), "{why}");
        assert!(
            why.starts_with("unknown Organization role `xyzzy`"),
            "{why}"
        );
    }
}
