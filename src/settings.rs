//! Resolves, once per run, what every API command needs: the base URL, the token and the
//! Organization. Precedence everywhere: flag > environment > config file > default.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Url;
use url::Host;

use crate::config::{self, ConfigFile};
use crate::env_vars;
use crate::error::CliError;
use crate::jwt::Claims;
use crate::secret::Token;

pub const DEFAULT_API_URL: &str = "https://api.astronomer.io/v1";
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
const LOCAL_CORE_DEFAULT: &str = "http://localhost:8888";

/// The global options, resolved once before any work: flag > environment > default.
#[derive(Debug, Clone)]
pub struct Options {
    pub organization_id: Option<String>,
    /// Where `organization_id` came from: `--organization-id` or `ASTRO_ORGANIZATION_ID`.
    pub organization_source: &'static str,
    /// An ID or a name, from `--workspace-id` or `ASTRO_WORKSPACE_ID`.
    pub workspace: Option<String>,
    pub workspace_source: &'static str,
    /// An ID or a name, from `--deployment-id` or `ASTRO_DEPLOYMENT_ID`.
    pub deployment: Option<String>,
    pub deployment_source: &'static str,
    pub no_input: bool,
    pub timeout: Duration,
    pub verbose: bool,
}

impl Options {
    /// Resolves the options a command takes (`takes`); the environment variables behind the
    /// others are not read, so a stray value cannot break a command that never uses it.
    pub fn resolve(
        global: &crate::cli::GlobalArgs,
        takes: &[crate::cli::Global],
    ) -> Result<Self, CliError> {
        use crate::cli::Global;
        let reads = |g: Global| takes.contains(&g);
        let organization_source = if global.organization_id.is_some() {
            "--organization-id"
        } else {
            env_vars::ORGANIZATION_ID
        };
        let organization_id = match &global.organization_id {
            Some(id) => Some(id.clone()),
            None if !reads(Global::OrganizationId) => None,
            None => env_vars::get(env_vars::ORGANIZATION_ID)
                .map(|raw| {
                    crate::cli::id_value(&raw).map_err(|why| {
                        CliError::usage(format!("{}: {why}", env_vars::ORGANIZATION_ID))
                    })
                })
                .transpose()?,
        };
        let workspace_source = if global.workspace_id.is_some() {
            "--workspace-id"
        } else {
            env_vars::WORKSPACE_ID
        };
        let workspace = match &global.workspace_id {
            Some(ws) => Some(ws.clone()),
            None if !reads(Global::WorkspaceId) => None,
            None => env_vars::get(env_vars::WORKSPACE_ID)
                .map(|raw| {
                    crate::cli::name_value(&raw).map_err(|why| {
                        CliError::usage(format!("{}: {why}", env_vars::WORKSPACE_ID))
                    })
                })
                .transpose()?,
        };
        let deployment_source = if global.deployment_id.is_some() {
            "--deployment-id"
        } else {
            env_vars::DEPLOYMENT_ID
        };
        let deployment = match &global.deployment_id {
            Some(d) => Some(d.clone()),
            None if !reads(Global::DeploymentId) => None,
            None => env_vars::get(env_vars::DEPLOYMENT_ID)
                .map(|raw| {
                    crate::cli::name_value(&raw).map_err(|why| {
                        CliError::usage(format!("{}: {why}", env_vars::DEPLOYMENT_ID))
                    })
                })
                .transpose()?,
        };
        let no_input = global.no_input
            || (reads(Global::NoInput) && env_vars::flag(env_vars::NO_INPUT)?.unwrap_or(false));
        let timeout = match global.timeout {
            Some(secs) => secs,
            None if !reads(Global::Http) => DEFAULT_TIMEOUT_SECS,
            None => env_vars::number(env_vars::HTTP_TIMEOUT, 1..=3600, "seconds")?
                .unwrap_or(DEFAULT_TIMEOUT_SECS),
        };
        let verbose = global.verbose
            || (reads(Global::Http) && env_vars::flag(env_vars::DEBUG)?.unwrap_or(false));
        Ok(Self {
            organization_id,
            organization_source,
            workspace,
            workspace_source,
            deployment,
            deployment_source,
            no_input,
            timeout: Duration::from_secs(timeout),
            verbose,
        })
    }
}

#[derive(Debug)]
pub struct Session {
    pub api_url: Url,
    pub token: Token,
    /// `None` until an Organization is chosen (flag, environment, token or config).
    pub organization_id: Option<String>,
    /// Where the Organization came from, for messages (`--organization-id`, `the API token`).
    pub organization_source: &'static str,
    /// The Workspace to work in, by ID or (from a flag or the environment) name.
    pub workspace: Option<String>,
    /// Where the Workspace came from: `--workspace-id`, `ASTRO_WORKSPACE_ID`, `the API token`,
    /// `the config file`.
    pub workspace_source: &'static str,
}

impl Session {
    pub fn organization(&self) -> Result<&str, CliError> {
        self.organization_id.as_deref().ok_or_else(|| {
            CliError::auth("no Organization selected").with_hint(
                "pass --organization-id ID (or set ASTRO_ORGANIZATION_ID), run `astro organization switch`, or use an Organization API token",
            )
        })
    }
}

/// Everything `resolve` reads from outside, gathered so it can be tested without touching the
/// process environment. (No `Debug`: it holds the environment's token.)
#[derive(Default)]
pub struct Inputs {
    pub organization_flag: Option<String>,
    /// Where `organization_flag` came from (see [`Options`]).
    pub organization_flag_source: &'static str,
    /// The Workspace from `--workspace-id` or `ASTRO_WORKSPACE_ID` (see [`Options`]).
    pub workspace_flag: Option<String>,
    pub workspace_flag_source: &'static str,
    pub env_token: Option<String>,
    pub env_api_url: Option<String>,
    pub env_domain: Option<String>,
    pub config: ConfigFile,
    pub config_path: Option<std::path::PathBuf>,
    pub now_unix: u64,
}

impl Inputs {
    /// Reads the environment and the config file. `organization_flag` is the Organization from
    /// `--organization-id` or `ASTRO_ORGANIZATION_ID` (see [`Options`]).
    pub fn from_env(organization_flag: Option<String>) -> Result<Self, CliError> {
        let config_path = config::path();
        let config = match &config_path {
            Some(path) => ConfigFile::load(path)?,
            None => ConfigFile::default(),
        };
        Ok(Self {
            organization_flag: organization_flag.filter(|s| !s.trim().is_empty()),
            organization_flag_source: "--organization-id",
            workspace_flag: None,
            workspace_flag_source: "--workspace-id",
            env_token: env_vars::get(env_vars::API_TOKEN),
            env_api_url: env_vars::get(env_vars::API_URL),
            env_domain: env_vars::get(env_vars::DOMAIN),
            config,
            config_path,
            now_unix: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        })
    }
}

/// The API base URL: `ASTRO_API_URL`, else from the context's domain, else the default.
pub fn api_url(inputs: &Inputs, domain: Option<&str>) -> Result<Url, CliError> {
    match &inputs.env_api_url {
        Some(url) => {
            let parsed = parse_api_url(url, env_vars::API_URL)?;
            if parsed.path().trim_end_matches('/').ends_with("/v1") {
                Ok(parsed)
            } else {
                let mut expected = parsed.clone();
                let path = format!("{}/v1", parsed.path().trim_end_matches('/'));
                expected.set_path(&path);
                expected.set_query(None);
                Err(CliError::usage(format!(
                    "{} `{}` is not a v1 API base: its path must end in /v1",
                    env_vars::API_URL,
                    crate::error::echo(url)
                ))
                .with_hint(format!(
                    "set {} to the API's base URL, such as {expected}",
                    env_vars::API_URL
                )))
            }
        }
        None => {
            let url = match domain {
                Some(domain) => api_url_for_domain(domain, inputs.config.local_core().as_deref()),
                None => DEFAULT_API_URL.to_owned(),
            };
            parse_api_url(&url, "the configured domain")
        }
    }
}

pub fn resolve(inputs: &Inputs) -> Result<Session, CliError> {
    let session = resolve_unchecked(inputs)?;
    let expired =
        Claims::parse(session.token.expose()).is_ok_and(|c| c.is_expired(inputs.now_unix));
    if expired {
        return Err(expired_token());
    }
    Ok(session)
}

pub fn expired_token() -> CliError {
    CliError::auth("the API token has expired")
        .with_hint("run `astro login`, or set ASTRO_API_TOKEN to a current API token")
}

/// [`resolve`] without refusing an expired token (for `auth status`, which reports it).
pub fn resolve_unchecked(inputs: &Inputs) -> Result<Session, CliError> {
    let context = inputs.config.current(inputs.env_domain.as_deref());
    let api_url = api_url(inputs, context.as_ref().map(|(domain, _)| domain.as_str()))?;

    let token = inputs
        .env_token
        .as_deref()
        .and_then(Token::new)
        .or_else(|| {
            context
                .as_ref()
                .and_then(|(_, ctx)| ctx.token.as_deref())
                .and_then(Token::new)
        })
        .ok_or_else(|| not_logged_in(inputs, context.as_ref().map(|(d, _)| d.as_str())))?;

    let claims = Claims::parse(token.expose()).map_err(|e| {
        CliError::auth(e.to_string())
            .with_hint("check ASTRO_API_TOKEN, or log in again to get a fresh token")
    })?;

    let from_context = || {
        context
            .as_ref()
            .and_then(|(_, ctx)| ctx.organization.clone())
            .filter(|s| !s.is_empty())
    };
    let (organization_id, organization_source) = match (
        &inputs.organization_flag,
        claims.organization_id(),
        from_context(),
    ) {
        (Some(id), _, _) => (Some(id.clone()), inputs.organization_flag_source),
        (None, Some(id), _) => (Some(id.to_owned()), "the API token"),
        (None, None, Some(id)) => (Some(id), "the config file"),
        (None, None, None) => (None, ""),
    };
    // A token's Workspace, or the config's, belongs to its own Organization only.
    let token_workspace = claims.workspace_id().filter(|_| {
        organization_id.is_some() && organization_id.as_deref() == claims.organization_id()
    });
    let context_workspace = context
        .as_ref()
        .and_then(|(_, ctx)| ctx.workspace.clone())
        .filter(|w| !w.is_empty())
        .filter(|_| organization_id.is_some() && organization_id == from_context());
    let (workspace, workspace_source) =
        match (&inputs.workspace_flag, token_workspace, context_workspace) {
            (Some(ws), _, _) => (Some(ws.clone()), inputs.workspace_flag_source),
            (None, Some(ws), _) => (Some(ws.to_owned()), "the API token"),
            (None, None, Some(ws)) => (Some(ws), "the config file"),
            (None, None, None) => (None, ""),
        };

    Ok(Session {
        api_url,
        token,
        organization_id,
        organization_source,
        workspace,
        workspace_source,
    })
}

/// The first thing a new user sees: where a token was looked for, and how to get one.
fn not_logged_in(inputs: &Inputs, domain: Option<&str>) -> CliError {
    let file = match (&inputs.config_path, domain) {
        (Some(path), Some(domain)) => {
            format!(
                "in ASTRO_API_TOKEN or in context `{domain}` of {}",
                path.display()
            )
        }
        (Some(path), None) => format!("in ASTRO_API_TOKEN or in {}", path.display()),
        (None, _) => "in ASTRO_API_TOKEN (no home folder for a config file)".to_owned(),
    };
    CliError::auth(format!("not logged in: no API token {file}"))
        .with_hint("run `astro login`, or set ASTRO_API_TOKEN to an Astro API token")
}

/// The API base for a domain, by the rules in the API notes; a loopback `host:port` (a login to
/// a local API such as the emulator) means `http://host:port/v1`.
pub fn api_url_for_domain(domain: &str, local_core: Option<&str>) -> String {
    let domain = domain.trim().trim_end_matches('/');
    if let Some(local) = loopback_domain(domain) {
        return format!("http://{local}/v1");
    }
    if domain == "localhost" {
        let core = local_core
            .and_then(|c| Url::parse(c).ok())
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|| LOCAL_CORE_DEFAULT.to_owned());
        return format!("{core}/v1");
    }
    let domain = domain.strip_prefix("cloud.").unwrap_or(domain);
    if let Some((first, rest)) = domain.split_once('.')
        && is_preview(first, rest)
    {
        return format!("https://{first}.api.{rest}/v1");
    }
    format!("https://api.{domain}/v1")
}

/// The domain whose API is `url`, the inverse of [`api_url_for_domain`]: `https://api.<domain>/v1`
/// gives `<domain>`, `https://prNNNN.api.astronomer-dev.io/v1` gives `prNNNN.astronomer-dev.io`,
/// a loopback URL gives `<host>:<port>`. `None` for any other URL, and for one that the domain
/// would not lead back to, so a login stored under the domain reaches the same API later.
pub fn domain_for_api_url(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    let candidate = if is_loopback(url) {
        format!("{host}:{}", url.port_or_known_default()?)
    } else if let Some((first, rest)) = host.split_once(".api.")
        && is_preview(first, rest)
    {
        format!("{first}.{rest}")
    } else {
        host.strip_prefix("api.")?.to_owned()
    };
    let candidate = normalize_domain(&candidate)?;
    let back = parse_api_url(&api_url_for_domain(&candidate, None), "the domain").ok()?;
    (back == *url).then_some(candidate)
}

/// `prNNNN` of `astronomer-dev.io`: a preview deployment, whose API is `prNNNN.api.…`.
fn is_preview(first: &str, rest: &str) -> bool {
    rest == "astronomer-dev.io"
        && first.len() > 2
        && first.starts_with("pr")
        && first[2..].bytes().all(|b| b.is_ascii_digit())
}

/// A domain in its stored form (lower case, no scheme, no `cloud.`), or `None` when it is not a
/// domain name nor a loopback `host:port` (`127.0.0.1:8080`, `localhost:8080`, `[::1]:8080`).
pub fn normalize_domain(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let without_scheme = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .unwrap_or(trimmed);
    let domain = without_scheme.trim_end_matches('/').to_ascii_lowercase();
    if domain.contains(':') {
        return loopback_domain(&domain);
    }
    let domain = domain.strip_prefix("cloud.").unwrap_or(&domain).to_owned();
    let valid = !domain.is_empty()
        && domain.len() <= 253
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    valid.then_some(domain)
}

/// A loopback `host:port` in its canonical form (`127.0.0.1:8080`, `localhost:8080`,
/// `[::1]:8080`), or `None` when `domain` is not one.
fn loopback_domain(domain: &str) -> Option<String> {
    let (host, port) = domain.rsplit_once(':')?;
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let port: u16 = port.parse().ok().filter(|p| *p != 0)?;
    let host = if host.eq_ignore_ascii_case("localhost") {
        "localhost".to_owned()
    } else if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        let ip: std::net::Ipv6Addr = v6.parse().ok()?;
        ip.is_loopback().then(|| format!("[{ip}]"))?
    } else {
        let ip: std::net::Ipv4Addr = host.parse().ok()?;
        ip.is_loopback().then(|| ip.to_string())?
    };
    Some(format!("{host}:{port}"))
}

/// Parses a base URL and refuses plain HTTP to anything but this machine, so a token is
/// never sent in clear text over a network.
pub fn parse_api_url(raw: &str, source: &str) -> Result<Url, CliError> {
    let trimmed = raw.trim().trim_end_matches('/');
    let url = Url::parse(trimmed).map_err(|e| {
        CliError::usage(format!("invalid API URL `{trimmed}` from {source}: {e}"))
            .with_hint("use a full base URL such as https://api.astronomer.io/v1")
    })?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(CliError::usage(format!(
                "refusing to send the API token over plain HTTP to `{trimmed}` (from {source})"
            ))
            .with_hint("use https://, or http:// only with a loopback address such as 127.0.0.1"));
        }
        other => {
            return Err(CliError::usage(format!(
                "unsupported URL scheme `{other}` in `{trimmed}` (from {source})"
            )));
        }
    }
    Ok(url)
}

pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    fn jwt(payload: &str) -> String {
        format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(payload))
    }

    fn config(yaml: &str) -> ConfigFile {
        ConfigFile::parse(yaml).unwrap()
    }

    #[test]
    fn domains_map_to_api_urls() {
        assert_eq!(
            api_url_for_domain("astronomer.io", None),
            "https://api.astronomer.io/v1"
        );
        assert_eq!(
            api_url_for_domain("cloud.astronomer.io", None),
            "https://api.astronomer.io/v1"
        );
        assert_eq!(
            api_url_for_domain("pr1234.astronomer-dev.io", None),
            "https://pr1234.api.astronomer-dev.io/v1"
        );
        assert_eq!(
            api_url_for_domain("astronomer-dev.io", None),
            "https://api.astronomer-dev.io/v1"
        );
        assert_eq!(
            api_url_for_domain("localhost", None),
            "http://localhost:8888/v1"
        );
        assert_eq!(
            api_url_for_domain("localhost", Some("http://localhost:9999/v1alpha1")),
            "http://localhost:9999/v1"
        );
    }

    #[test]
    fn loopback_domains_map_to_their_local_api() {
        assert_eq!(
            api_url_for_domain("127.0.0.1:41234", None),
            "http://127.0.0.1:41234/v1"
        );
        assert_eq!(
            api_url_for_domain("localhost:8080", Some("http://localhost:9999/v1alpha1")),
            "http://localhost:8080/v1"
        );
        assert_eq!(api_url_for_domain("[::1]:80", None), "http://[::1]:80/v1");
        // Only loopback hosts: anything else with a port is not a local API.
        assert_eq!(
            api_url_for_domain("10.1.2.3:80", None),
            "https://api.10.1.2.3:80/v1"
        );
    }

    fn derived(url: &str) -> Option<String> {
        domain_for_api_url(&parse_api_url(url, "t").unwrap())
    }

    #[test]
    fn api_urls_name_their_domain() {
        for (url, domain) in [
            ("https://api.astronomer.io/v1", "astronomer.io"),
            ("https://api.astronomer.io/v1/", "astronomer.io"),
            ("https://API.Astronomer-Dev.io/v1", "astronomer-dev.io"),
            ("https://api.example.com/v1", "example.com"),
            (
                "https://pr1234.api.astronomer-dev.io/v1",
                "pr1234.astronomer-dev.io",
            ),
            ("http://127.0.0.1:41234/v1", "127.0.0.1:41234"),
            ("http://127.0.0.1/v1", "127.0.0.1:80"),
            ("http://127.9.0.1:8080/v1", "127.9.0.1:8080"),
            ("http://localhost:8888/v1", "localhost:8888"),
            ("http://[::1]:41234/v1", "[::1]:41234"),
        ] {
            assert_eq!(derived(url).as_deref(), Some(domain), "{url}");
            // The domain leads back to the same API.
            assert_eq!(
                parse_api_url(&api_url_for_domain(domain, None), "t").unwrap(),
                parse_api_url(url, "t").unwrap(),
                "{url}"
            );
        }
    }

    #[test]
    fn api_urls_of_no_known_shape_name_no_domain() {
        for url in [
            "https://example.com/v1",
            "https://astronomer.io/v1",
            "https://api.cloud.astronomer.io/v1",
            "https://api.astronomer.io:8443/v1",
            "https://api.astronomer.io/proxy/v1",
            "https://api.astronomer.io/v1?x=1",
            "https://pr12x.api.astronomer-dev.io/v1",
            "https://pr1234.api.example.com/v1",
            "https://api.x_y.io/v1",
            "https://10.0.0.1/v1",
            "https://127.0.0.1:8443/v1",
            "http://127.0.0.1:41234/proxy/v1",
        ] {
            assert_eq!(derived(url), None, "{url}");
        }
    }

    #[test]
    fn a_login_to_a_loopback_api_is_found_again_without_the_environment() {
        let cfg = "context: 127.0.0.1:41234\ncontexts:\n  127_0_0_1:41234:\n    domain: 127.0.0.1:41234\n";
        let inputs = Inputs {
            env_token: Some(jwt(r#"{"permissions":["organizationId:c1"]}"#)),
            config: config(cfg),
            ..Inputs::default()
        };
        assert_eq!(
            resolve(&inputs).unwrap().api_url.as_str(),
            "http://127.0.0.1:41234/v1"
        );
    }

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(parse_api_url("http://127.0.0.1:8080/v1", "t").is_ok());
        assert!(parse_api_url("http://127.9.0.1/v1", "t").is_ok());
        assert!(parse_api_url("http://[::1]:80/v1/", "t").is_ok());
        assert!(parse_api_url("http://localhost/v1", "t").is_ok());
        let err = parse_api_url("http://api.example.com/v1", "t").unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
        assert!(parse_api_url("ftp://127.0.0.1/v1", "t").is_err());
        assert!(parse_api_url("not a url", "t").is_err());
        assert_eq!(
            parse_api_url("https://x.io/v1/", "t").unwrap().as_str(),
            "https://x.io/v1"
        );
    }

    #[test]
    fn organization_precedence_flag_then_token_then_context() {
        let cfg = "context: astronomer.io\ncontexts:\n  astronomer_io:\n    organization: cctx\n";
        let mut inputs = Inputs {
            env_token: Some(jwt(r#"{"permissions":["organizationId:ctok"]}"#)),
            config: config(cfg),
            ..Inputs::default()
        };
        assert_eq!(resolve(&inputs).unwrap().organization_id.unwrap(), "ctok");
        inputs.organization_flag = Some("cflag".into());
        assert_eq!(resolve(&inputs).unwrap().organization_id.unwrap(), "cflag");
        inputs.organization_flag = None;
        inputs.env_token = Some(jwt(r#"{"permissions":[]}"#));
        assert_eq!(resolve(&inputs).unwrap().organization_id.unwrap(), "cctx");
        inputs.config = ConfigFile::default();
        let err = resolve(&inputs).unwrap().organization().unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Auth);
        assert!(err.hint.unwrap().contains("--organization-id"));
    }

    #[test]
    fn token_from_env_beats_config_and_context_gives_url() {
        let cfg = format!(
            "context: astronomer.io\ncontexts:\n  astronomer_io:\n    domain: astronomer.io\n    token: Bearer {}\n",
            jwt(r#"{"permissions":["organizationId:cfile"]}"#)
        );
        let mut inputs = Inputs {
            config: config(&cfg),
            ..Inputs::default()
        };
        let session = resolve(&inputs).unwrap();
        assert_eq!(session.organization_id.as_deref(), Some("cfile"));
        assert_eq!(session.api_url.as_str(), "https://api.astronomer.io/v1");
        inputs.env_token = Some(jwt(r#"{"permissions":["organizationId:cenv"]}"#));
        assert_eq!(resolve(&inputs).unwrap().organization_id.unwrap(), "cenv");
    }

    #[test]
    fn missing_expired_and_malformed_tokens_are_auth_errors() {
        let mut inputs = Inputs {
            organization_flag: Some("c1".into()),
            now_unix: 1000,
            ..Inputs::default()
        };
        assert_eq!(resolve(&inputs).unwrap_err().exit, crate::error::Exit::Auth);
        inputs.env_token = Some(jwt(r#"{"exp":999}"#));
        let err = resolve(&inputs).unwrap_err();
        assert!(err.message.contains("expired"), "{}", err.message);
        inputs.env_token = Some("not-a-jwt".into());
        assert_eq!(resolve(&inputs).unwrap_err().exit, crate::error::Exit::Auth);
    }
}
