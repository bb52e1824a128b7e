//! `astro auth …`: the credentials in use.

pub mod status;
pub mod token;
