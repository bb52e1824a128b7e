//! Every environment variable `astro` reads, in one place (documented in the README).

pub const API_TOKEN: &str = "ASTRO_API_TOKEN";
pub const API_URL: &str = "ASTRO_API_URL";
pub const ORGANIZATION_ID: &str = "ASTRO_ORGANIZATION_ID";
pub const NO_INPUT: &str = "ASTRO_NO_INPUT";
pub const DOMAIN: &str = "ASTRO_DOMAIN";
pub const HOME: &str = "ASTRO_HOME";
pub const HTTP_TIMEOUT: &str = "ASTRO_HTTP_TIMEOUT";
pub const LOGIN_CALLBACK_PORT: &str = "ASTRO_LOGIN_CALLBACK_PORT";
pub const GITHUB_ACTIONS: &str = "GITHUB_ACTIONS";
/// `reference`: list the way the Go CLI does (pages of 100, one after another). For
/// benchmarks that compare both ways side by side; never needed otherwise.
pub const PAGING: &str = "ASTRO_PAGING";

/// A variable's value, treating an empty value as unset.
pub fn get(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}
