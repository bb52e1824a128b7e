//! The `astro-emulator` binary: serves the emulated Astro v1 API until Ctrl-C, or runs one
//! command against it (`-- COMMAND ARGS…`) and exits with that command's exit code.

use std::process::ExitCode;
use std::time::Duration;

use astro_emulator::{Emulator, EmulatorHandle};
use clap::Parser;

/// A stateful local emulator of Astronomer's Astro v1 REST API.
#[derive(Debug, Parser)]
#[command(name = "astro-emulator", version, about)]
struct Cli {
    /// Port to listen on (127.0.0.1); 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Generated members to add after the seed's users (each with a role in one or two of
    /// the first Organization's Workspaces).
    #[arg(long, default_value_t = 0)]
    users: usize,
    /// Fixed delay per API request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Extra uniform random delay per request, 0..=J milliseconds.
    #[arg(long, default_value_t = 0)]
    jitter_ms: u64,
    /// Lifetime of user tokens and OAuth access tokens, in seconds (default 24 hours).
    #[arg(long, value_name = "SECS", default_value_t = 86_400)]
    access_token_ttl: u64,
    /// Make GetOrganizationAuditLogs answer at least N bytes (gzip) for any non-empty range,
    /// streamed (for measuring a client); by default it serves a realistic timeline.
    #[arg(long, value_name = "N")]
    audit_log_bytes: Option<u64>,
    /// A JSON or YAML seed file describing the Organizations (see the README).
    #[arg(long, value_name = "FILE")]
    seed: Option<std::path::PathBuf>,
    /// Run this command with ASTRO_API_URL and ASTRO_API_TOKEN set, then stop and exit
    /// with its exit code.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
}

#[allow(clippy::print_stderr)]
fn fail(message: &str) -> ExitCode {
    eprintln!("astro-emulator: {message}");
    ExitCode::from(2)
}

#[allow(clippy::print_stdout, clippy::print_stderr)]
fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                print!("{e}");
                return ExitCode::SUCCESS;
            }
            let text = e.to_string();
            let line = text.lines().next().unwrap_or("invalid arguments");
            return fail(line.trim_start_matches("error: "));
        }
    };
    let mut builder = Emulator::builder()
        .port(cli.port)
        .users(cli.users)
        .latency(Duration::from_millis(cli.latency_ms))
        .jitter(Duration::from_millis(cli.jitter_ms))
        .access_token_ttl(Duration::from_secs(cli.access_token_ttl));
    if let Some(bytes) = cli.audit_log_bytes {
        builder = builder.audit_log_bytes(bytes);
    }
    if let Some(path) = &cli.seed {
        builder = match builder.seed_file(path) {
            Ok(b) => b,
            Err(e) => return fail(&e.to_string()),
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async move {
        let handle = match builder.start().await {
            Ok(h) => h,
            Err(e) => return fail(&e.to_string()),
        };
        if cli.command.is_empty() {
            println!("export ASTRO_API_URL={}", handle.base_url());
            println!("export ASTRO_API_TOKEN={}", handle.token());
            eprintln!(
                "astro-emulator: listening on http://{} (Organization {}; OAuth IdP at {}); \
                 press Ctrl-C to stop",
                handle.addr(),
                handle.organization_id(),
                handle.idp_url()
            );
            wait_for_stop_signal().await;
            eprintln!("astro-emulator: stopping");
            handle.shutdown().await;
            ExitCode::SUCCESS
        } else {
            run_command(handle, &cli.command).await
        }
    })
}

/// Waits for SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Exec mode: runs the command with the emulator's URL and token, then stops.
#[allow(clippy::print_stderr)]
async fn run_command(handle: EmulatorHandle, command: &[String]) -> ExitCode {
    let mut child = match tokio::process::Command::new(&command[0])
        .args(&command[1..])
        .env("ASTRO_API_URL", handle.base_url())
        .env("ASTRO_API_TOKEN", handle.token())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("astro-emulator: cannot run {:?}: {e}", command[0]);
            handle.shutdown().await;
            return ExitCode::from(127);
        }
    };
    // Ctrl-C reaches the child too (same process group); the emulator keeps serving until
    // the child has exited, so it can finish cleanly.
    let ignore_interrupts = tokio::spawn(async { while tokio::signal::ctrl_c().await.is_ok() {} });
    let status = child.wait().await;
    ignore_interrupts.abort();
    handle.shutdown().await;
    match status {
        Ok(s) => match s.code() {
            Some(code) => ExitCode::from(code.clamp(0, 255) as u8),
            None => {
                #[cfg(unix)]
                {
                    use std::os::unix::process::ExitStatusExt;
                    ExitCode::from(128u8.saturating_add(s.signal().unwrap_or(1) as u8))
                }
                #[cfg(not(unix))]
                {
                    ExitCode::from(1)
                }
            }
        },
        Err(e) => {
            eprintln!("astro-emulator: waiting for {:?} failed: {e}", command[0]);
            ExitCode::from(1)
        }
    }
}
