//! Every environment variable `astro` reads, in one place (documented in the README), and how
//! they are read: trimmed, empty meaning unset, a bad value named by its variable.

use crate::error::{CliError, echo};

pub const API_TOKEN: &str = "ASTRO_API_TOKEN";
pub const API_URL: &str = "ASTRO_API_URL";
pub const ORGANIZATION_ID: &str = "ASTRO_ORGANIZATION_ID";
pub const WORKSPACE_ID: &str = "ASTRO_WORKSPACE_ID";
pub const DEPLOYMENT_ID: &str = "ASTRO_DEPLOYMENT_ID";
pub const NO_INPUT: &str = "ASTRO_NO_INPUT";
pub const DOMAIN: &str = "ASTRO_DOMAIN";
pub const HOME: &str = "ASTRO_HOME";
pub const HTTP_TIMEOUT: &str = "ASTRO_HTTP_TIMEOUT";
pub const LOGIN_CALLBACK_PORT: &str = "ASTRO_LOGIN_CALLBACK_PORT";
pub const GITHUB_ACTIONS: &str = "GITHUB_ACTIONS";
/// `1`/`true`/`yes`/`on`: the same as `--verbose`.
pub const DEBUG: &str = "ASTRO_DEBUG";
/// Set by CI systems: turns the spinner off.
pub const CI: &str = "CI";
/// `dumb` turns the spinner off.
pub const TERM: &str = "TERM";
/// `reference`: list the way the Go CLI does (pages of 100, one after another). For
/// benchmarks that compare both ways side by side; never needed otherwise.
pub const PAGING: &str = "ASTRO_PAGING";

/// A variable's value, trimmed, treating an empty value as unset (CI templating produces empty
/// variables all the time).
pub fn get(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// A yes/no variable: unset or empty is `None`; a value that is neither is an error naming the
/// variable.
pub fn flag(name: &str) -> Result<Option<bool>, CliError> {
    get(name)
        .map(|value| {
            parse_flag(&value).ok_or_else(|| {
                CliError::usage(format!(
                    "{name} must be 1, true, yes, on, 0, false, no or off, not `{}`",
                    echo(&value)
                ))
            })
        })
        .transpose()
}

fn parse_flag(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" | "y" => Some(true),
        "0" | "false" | "no" | "off" | "n" => Some(false),
        _ => None,
    }
}

/// A number variable within `range`: unset or empty is `None`; anything else that is not such a
/// number is an error naming the variable.
pub fn number(
    name: &str,
    range: std::ops::RangeInclusive<u64>,
    unit: &str,
) -> Result<Option<u64>, CliError> {
    get(name)
        .map(|value| {
            value
                .parse::<u64>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "{name} must be a number of {unit} from {} to {}, not `{}`",
                        range.start(),
                        range.end(),
                        echo(&value)
                    ))
                })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    #[test]
    fn yes_and_no_spellings() {
        for yes in ["1", "true", "TRUE", "Yes", "on"] {
            assert_eq!(super::parse_flag(yes), Some(true), "{yes}");
        }
        for no in ["0", "false", "No", "OFF"] {
            assert_eq!(super::parse_flag(no), Some(false), "{no}");
        }
        assert_eq!(super::parse_flag("maybe"), None);
    }
}
