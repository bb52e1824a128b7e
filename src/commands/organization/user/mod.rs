//! `astro organization user …`: the Organization's members and their Organization roles.

pub mod invite;
pub mod invite_from_file;
pub mod list;
pub mod update;
pub mod update_from_file;
