//! The five Organization roles the API accepts, parsed case-insensitively from the command line.

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrgRole {
    OrganizationOwner,
    OrganizationObserveAdmin,
    OrganizationObserveMember,
    OrganizationBillingAdmin,
    OrganizationMember,
}

impl OrgRole {
    /// The API's name for the role.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgRole::OrganizationOwner => "ORGANIZATION_OWNER",
            OrgRole::OrganizationObserveAdmin => "ORGANIZATION_OBSERVE_ADMIN",
            OrgRole::OrganizationObserveMember => "ORGANIZATION_OBSERVE_MEMBER",
            OrgRole::OrganizationBillingAdmin => "ORGANIZATION_BILLING_ADMIN",
            OrgRole::OrganizationMember => "ORGANIZATION_MEMBER",
        }
    }

    pub fn all() -> &'static [OrgRole] {
        OrgRole::value_variants()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_names_match_clap_names() {
        for role in OrgRole::all() {
            let name = role.to_possible_value().unwrap();
            assert_eq!(name.get_name(), role.as_str());
            assert_eq!(
                OrgRole::from_str(&role.as_str().to_lowercase(), true),
                Ok(*role)
            );
        }
        assert_eq!(OrgRole::all().len(), 5);
    }
}
