//! `astro`, a command-line client for the Astro platform's Organization user management.
//! [`run`] is the whole program: parse, dispatch to a command, map the outcome to an exit code.

pub mod access;
pub mod access_code;
pub mod api;
pub mod atomic_file;
pub mod bulk;
pub mod callback;
pub mod changes;
pub mod cli;
pub mod commands;
pub mod config;
pub mod confirm;
pub mod context;
pub mod credentials;
pub mod deployment_roles;
pub mod deployments;
pub mod env_vars;
pub mod error;
pub mod guard;
pub mod interrupt;
pub mod jq;
pub mod jwt;
pub mod lookup;
pub mod members;
pub mod membership;
pub mod membership_bulk;
pub mod openapi;
pub mod output;
pub mod paste;
pub mod place;
pub mod prompt;
pub mod role_lists;
pub mod roles;
pub mod secret;
pub mod settings;
pub mod team_members;
pub mod team_membership;
pub mod teams;
pub mod text;
pub mod time;
pub mod token_membership;
pub mod token_roles;
pub mod tokens;
pub mod workspace_fields;
pub mod workspace_target;
pub mod workspaces;

use std::ffi::OsString;

use crate::error::CliError;

/// Runs the command line `args` (the program's name first) to its exit status.
pub fn run(args: Vec<OsString>) -> u8 {
    let (cli, invoked) = match cli::parse(args) {
        Ok(parsed) => parsed,
        Err(err) => {
            // clap prints help and version to stdout, usage errors to stderr.
            let _ = err.print();
            return error::clap_exit(&err) as u8;
        }
    };
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failure(format!("cannot start: {e}")))
        .and_then(|rt| {
            rt.block_on(async {
                let interrupt = interrupt::Interrupt::listen();
                tokio::select! {
                    result = commands::dispatch(cli, &invoked, interrupt.clone()) => result,
                    () = interrupt.hard() => Err(CliError::interrupted()),
                }
            })
        });
    match result {
        Ok(()) => 0,
        Err(err) => {
            output::error(&err);
            err.exit as u8
        }
    }
}
