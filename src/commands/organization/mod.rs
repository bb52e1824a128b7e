//! `astro organization …` (`org`): the Organizations you can access, and their members.

pub mod list;
pub mod switch;
pub mod user;
