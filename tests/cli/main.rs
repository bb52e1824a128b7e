//! Black-box tests: the built `astro` binary against an in-process emulator over real HTTP,
//! asserting exit code, stdout, stderr and the requests the emulator recorded.

mod access;
mod access_apply;
mod api;
mod audit_logs;
mod bulk;
mod common;
mod dep_token;
mod deployment;
mod deployment_bulk;
mod faults;
mod first_hour;
mod help;
mod hygiene;
#[cfg(unix)]
mod install;
mod invite;
mod invite_cancel;
mod list;
mod login;
mod login_paste;
mod oauth;
mod org_token;
#[cfg(unix)]
mod process;
mod pty;
mod role;
mod scripting;
mod settings;
mod team;
mod team_users;
mod token_secrets;
mod update;
mod user_get;
mod workspace;
mod workspace_bulk;
mod workspace_team;
mod workspace_user;
mod ws_token;
