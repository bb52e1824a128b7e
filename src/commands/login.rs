//! `astro login [DOMAIN]`: log in with a token, or in a browser (OAuth with PKCE), and store the
//! login in the config file as the Go CLI does.

use std::io::Read;

use reqwest::Url;
use serde::Serialize;

use crate::api::auth::{AuthClient, Pkce};
use crate::api::{Client, Organization};
use crate::callback::{self, Callback};
use crate::cli::{Changes, Takes};
use crate::context::Ctx;
use crate::credentials::{self, Login};
use crate::env_vars;
use crate::error::{CliError, echo};
use crate::jwt::Claims;
use crate::output;
use crate::paste::PastedLines;
use crate::secret::Token;
use crate::settings::{self, Inputs};
use crate::time::now_unix;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro login                                  # in a browser\n  \
                        astro login --login-link                     # print the link instead of opening it\n  \
                        printenv ASTRO_TOKEN | astro login --token-login -"
)]
pub struct LoginArgs {
    /// The Astro domain to log in to, and the context to store the login under (default: the
    /// domain ASTRO_API_URL belongs to, else the current context, else astronomer.io)
    #[arg(value_name = "DOMAIN")]
    pub domain: Option<String>,

    /// Log in with this token instead of a browser; `-` reads it from stdin
    #[arg(short = 't', long, value_name = "TOKEN")]
    pub token_login: Option<String>,

    /// Print the login link instead of opening a browser
    #[arg(short = 'l', long, conflicts_with = "token_login")]
    pub login_link: bool,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub globals: Takes<Changes>,
}

pub const DEFAULT_DOMAIN: &str = "astronomer.io";

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LoginOutcome {
    domain: String,
    /// The API logged in to.
    api_url: String,
    /// The identity provider of a browser login (`None` for a token login).
    identity_provider: Option<String>,
    email: Option<String>,
    organization_id: String,
    organization_name: String,
    workspace_id: Option<String>,
}

pub async fn run(args: LoginArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    // Everything that needs no network is checked first.
    let inputs = ctx.inputs()?;
    let (domain, api_url) = login_target(args.domain.as_deref(), &inputs)?;
    let config_path = inputs.config_path.clone().ok_or_else(|| {
        CliError::failure("cannot find a home folder for the config file")
            .with_hint("set HOME or ASTRO_HOME")
    })?;
    let token_arg = match args.token_login.as_deref() {
        Some("-") => Some(read_token_from_stdin()?),
        Some(t) => Some(
            Token::new(t)
                .ok_or_else(|| CliError::usage("--token-login was given an empty token"))?,
        ),
        None => None,
    };
    if token_arg.is_none() && ctx.prompter.is_none() && !args.login_link {
        return Err(CliError::usage("logging in without a token needs a terminal").with_hint(
            "pass --token-login TOKEN (or `--token-login -` to read it from stdin), or --login-link to log in through a link",
        ));
    }

    let (token, refresh_token, expires_at, email, identity_provider) = match token_arg {
        Some(token) => {
            let claims = Claims::parse(token.expose())
                .map_err(|e| CliError::auth(e.to_string()).with_hint("pass an Astro API token"))?;
            if claims.is_expired(now_unix().max(0) as u64) {
                return Err(
                    CliError::auth("the token has expired").with_hint("create a new API token")
                );
            }
            let expires = claims.exp.map(|e| e as i64);
            (token, None, expires, None, None)
        }
        None => {
            let login = browser_login(&domain, &api_url, args.login_link, ctx).await?;
            (
                login.access,
                login.refresh,
                login.expires_at,
                login.email,
                Some(login.identity_provider),
            )
        }
    };

    let claims = Claims::parse(token.expose()).unwrap_or_default();
    let client = ctx.client_for(api_url.clone(), &token)?;
    let wanted = ctx
        .inputs()?
        .organization_flag
        .or_else(|| claims.organization_id().map(str::to_owned));
    let context_org = inputs.config.context(&domain).organization;
    let organization =
        choose_organization(&client, wanted.as_deref(), context_org.as_deref(), ctx).await?;
    let workspace_id = claims.workspace_id().map(str::to_owned);

    credentials::store(
        &config_path,
        &Login {
            domain: &domain,
            token: &token,
            refresh_token: refresh_token.as_ref(),
            expires_at,
            email: email.as_deref(),
            organization_id: &organization.id,
            organization_product: organization.product.as_deref(),
            workspace_id: workspace_id.as_deref(),
        },
    )
    .await?;
    if env_vars::get(env_vars::API_TOKEN).is_some() {
        output::note(
            "note: ASTRO_API_TOKEN is set and is used instead of this login until it is unset",
        );
    }
    if let Some(other) = inputs
        .env_domain
        .as_deref()
        .filter(|d| settings::normalize_domain(d).as_deref() != Some(domain.as_str()))
    {
        output::note(&format!(
            "note: ASTRO_DOMAIN is set to `{}`, so that context is used instead of this login until it is unset",
            echo(other)
        ));
    }

    let outcome = LoginOutcome {
        domain,
        api_url: shown(&api_url),
        identity_provider,
        email,
        organization_id: organization.id,
        organization_name: organization.name,
        workspace_id,
    };
    if ctx.wants_json(args.json) {
        return ctx.print_json(&outcome);
    }
    let who = outcome
        .email
        .as_deref()
        .map(|e| format!(" as {e}"))
        .unwrap_or_default();
    let idp = outcome
        .identity_provider
        .as_deref()
        .map(|i| format!(", identity provider {i}"))
        .unwrap_or_default();
    output::line(&format!(
        "Logged in to {} (API {}{idp}){who}; Organization {} ({})",
        outcome.domain, outcome.api_url, outcome.organization_name, outcome.organization_id
    ))
}

/// The context to store the login under, and the API to log in to. A DOMAIN argument names the
/// context. Without one, `ASTRO_API_URL` names it: the domain whose API it is (so later runs
/// without `ASTRO_API_URL` reach the same API, and a login to another API never lands in the
/// context of `astronomer.io`); a URL of no known shape is refused. Else the current context,
/// else `astronomer.io`.
fn login_target(domain_arg: Option<&str>, inputs: &Inputs) -> Result<(String, Url), CliError> {
    let domain = match domain_arg {
        Some(d) => normalize_domain(d)?,
        None if inputs.env_api_url.is_some() => {
            let api_url = settings::api_url(inputs, None)?;
            let Some(domain) = settings::domain_for_api_url(&api_url) else {
                return Err(CliError::usage(format!(
                    "{} `{}` is not the API of a domain astro knows, so there is no context to store this login under",
                    env_vars::API_URL,
                    shown(&api_url)
                ))
                .with_hint(format!(
                    "pass the domain to store it under: `astro login DOMAIN` (without {}, later runs use that domain's own API)",
                    env_vars::API_URL
                )));
            };
            return Ok((domain, api_url));
        }
        None => inputs
            .config
            .current_domain(inputs.env_domain.as_deref())
            .map_or_else(|| Ok(DEFAULT_DOMAIN.to_owned()), |d| normalize_domain(&d))?,
    };
    let api_url = settings::api_url(inputs, Some(&domain))?;
    Ok((domain, api_url))
}

/// A URL as shown to people: without any user name or password it may carry.
fn shown(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_password(None);
    let _ = url.set_username("");
    url.to_string()
}

/// What a browser login brings back.
struct BrowserLogin {
    access: Token,
    refresh: Option<Token>,
    expires_at: Option<i64>,
    email: Option<String>,
    /// Where the user logged in (the identity provider's URL).
    identity_provider: String,
}

/// The OAuth authorization-code flow with PKCE: open (or print) the login link, wait for the
/// browser to come back to the local callback (or for its address pasted into the terminal),
/// exchange the code, read the user's email.
async fn browser_login(
    domain: &str,
    api_url: &Url,
    print_link: bool,
    ctx: &Ctx,
) -> Result<BrowserLogin, CliError> {
    let auth = AuthClient::new(api_url, ctx.timeout())?.with_tracer(ctx.tracer());
    let config = auth.auth_config(api_url).await.map_err(|e| {
        CliError::from(e).with_hint("check the domain, or log in with --token-login TOKEN")
    })?;
    // Checked by `auth_config`; shown as parsed, so nothing but a URL reaches the terminal.
    let identity_provider = Url::parse(&config.domain_url)
        .map(|u| shown(&u))
        .unwrap_or_else(|_| echo(&config.domain_url));
    let pkce = Pkce::new()?;
    let port = match env_vars::get(env_vars::LOGIN_CALLBACK_PORT) {
        Some(p) => p.parse().map_err(|_| {
            CliError::usage(format!(
                "{} must be a port number, not `{p}`",
                env_vars::LOGIN_CALLBACK_PORT
            ))
        })?,
        None => callback::DEFAULT_PORT,
    };
    let callback = Callback::bind(port).await?;
    let redirect_uri = callback.redirect_uri();
    let link = AuthClient::authorize_url(&config, &redirect_uri, &pkce)?;
    output::note(&format!(
        "Logging in to {domain}: API {}, identity provider {identity_provider}",
        shown(api_url)
    ));
    if print_link || !open_browser(link.as_str()) {
        output::note(&format!(
            "Open this link in a browser to log in:\n\n  {link}\n"
        ));
    } else {
        output::note(&format!(
            "Opened a browser to log in. If none appeared, open:\n\n  {link}\n"
        ));
    }
    let pasted = if ctx.no_input() {
        None
    } else {
        PastedLines::start()
    };
    if pasted.is_some() {
        output::note(&format!(
            "If the browser is on another machine, it ends on an address that does not load \
             ({redirect_uri}?code=…&state=…): paste that address here, or just its code, and press Enter."
        ));
    }
    output::note("Waiting for the login to finish in the browser (Ctrl-C to stop)...");
    let code = callback.wait_for_code(&pkce.state, pasted).await?;
    let tokens = auth
        .exchange_code(&config, &code, &pkce, &redirect_uri)
        .await
        .map_err(|e| CliError::auth(format!("the login could not be completed: {e}")))?;
    let access = Token::new(&tokens.access_token)
        .ok_or_else(|| CliError::auth("the identity provider sent an empty token"))?;
    let refresh = tokens.refresh_token.as_deref().and_then(Token::new);
    let expires_at = tokens.expires_in.map(|s| now_unix() + s as i64);
    let info = auth.user_info(&config, &access).await?;
    let email = Some(info.email).filter(|e| !e.is_empty());
    Ok(BrowserLogin {
        access,
        refresh,
        expires_at,
        email,
        identity_provider,
    })
}

/// The Organization to log in to: the one asked for (flag, environment or token); else the
/// context's if still accessible; else the only one; else a choice on a terminal; else the first.
async fn choose_organization(
    client: &Client,
    wanted: Option<&str>,
    context_org: Option<&str>,
    ctx: &mut Ctx,
) -> Result<Organization, CliError> {
    if let Some(id) = wanted {
        return client.get_organization(id).await.map_err(|e| {
            let err = CliError::from(e);
            if err.exit == crate::error::Exit::Auth {
                err.with_hint("the token was rejected; nothing was written")
            } else {
                err
            }
        });
    }
    let organizations = client.list_all_organizations().await?;
    if let Some(org) = context_org.and_then(|id| organizations.iter().find(|o| o.id == id)) {
        return Ok(org.clone());
    }
    match (organizations.len(), ctx.prompter.as_mut()) {
        (0, _) => Err(CliError::auth("this login has no Organization")
            .with_hint("ask an Organization Owner to invite you")),
        (1, _) => Ok(organizations[0].clone()),
        (_, Some(prompter)) => {
            let items: Vec<String> = organizations
                .iter()
                .map(|o| format!("{}  ({})", o.name, o.id))
                .collect();
            let index = prompter.select("Organization", &items, 0)?;
            Ok(organizations[index].clone())
        }
        (_, None) => {
            let first = organizations[0].clone();
            output::note(&format!(
                "note: chose Organization {} ({}); use `astro organization switch` to change it",
                first.name, first.id
            ));
            Ok(first)
        }
    }
}

fn read_token_from_stdin() -> Result<Token, CliError> {
    let mut text = String::new();
    std::io::stdin()
        .take(64 * 1024)
        .read_to_string(&mut text)
        .map_err(|e| CliError::usage(format!("cannot read the token from stdin: {e}")))?;
    Token::new(&text).ok_or_else(|| {
        CliError::usage("no token on stdin")
            .with_hint("pipe the token in: `printenv TOKEN | astro login --token-login -`")
    })
}

/// `cloud.astronomer.io`, `https://cloud.astronomer.io/` → `astronomer.io`; a loopback
/// `host:port` (a local API) is kept as such. See [`settings::normalize_domain`].
pub fn normalize_domain(raw: &str) -> Result<String, CliError> {
    settings::normalize_domain(raw).ok_or_else(|| {
        CliError::usage(format!("`{}` is not a domain name", echo(raw.trim()))).with_hint(
            "pass a domain such as astronomer.io, or a local API's host:port such as 127.0.0.1:8080",
        )
    })
}

/// Tries to open `url` in the user's browser; false when no opener could be started.
fn open_browser(url: &str) -> bool {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        // Not `cmd /C start`: cmd would split the URL at its first `&`.
        let mut c = std::process::Command::new("rundll32");
        c.arg("url.dll,FileProtocolHandler");
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_credentials() {
        let url = Url::parse("https://user:secret@api.example.com/v1").unwrap();
        assert_eq!(shown(&url), "https://api.example.com/v1");
    }

    #[test]
    fn domains_are_normalized_and_checked() {
        assert_eq!(normalize_domain("astronomer.io").unwrap(), "astronomer.io");
        assert_eq!(
            normalize_domain("https://cloud.Astronomer.io/").unwrap(),
            "astronomer.io"
        );
        assert_eq!(
            normalize_domain("pr1234.astronomer-dev.io").unwrap(),
            "pr1234.astronomer-dev.io"
        );
        assert_eq!(normalize_domain("localhost").unwrap(), "localhost");
        assert_eq!(
            normalize_domain("http://127.0.0.1:41234/").unwrap(),
            "127.0.0.1:41234"
        );
        assert_eq!(
            normalize_domain("LocalHost:8080").unwrap(),
            "localhost:8080"
        );
        assert_eq!(normalize_domain("[0:0:0:0:0:0:0:1]:9").unwrap(), "[::1]:9");
        for bad in [
            "",
            "a b.io",
            "-x.io",
            "x..io",
            "x.io/path",
            "ex%61mple.io",
            "example.com:8080",
            "10.0.0.1:8080",
            "127.0.0.1:",
            "127.0.0.1:0",
            "127.0.0.1:70000",
            "127.0.0.1:+80",
            "[::2]:80",
            "::1:80",
        ] {
            assert!(normalize_domain(bad).is_err(), "{bad}");
        }
    }
}
