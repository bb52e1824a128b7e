//! `--jq EXPR`: filters a command's JSON output in-process (jaq, a jq implementation), so
//! scripts and CI images need no `jq`. Strings print raw, like `jq -r`; other values print as
//! indented JSON. The expression is compiled before any request, so a bad one costs nothing.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Native, Vars, data, unwrap_valr};
use jaq_json::Val;

use crate::error::{CliError, echo};

type Filter = jaq_core::compile::Filter<Native<data::JustLut<Val>>>;

pub struct JqFilter {
    filter: Filter,
}

impl std::fmt::Debug for JqFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JqFilter")
    }
}

impl JqFilter {
    pub fn compile(code: &str) -> Result<Self, CliError> {
        let invalid = |why: String| {
            CliError::usage(format!("invalid --jq expression `{}`: {why}", echo(code)))
                .with_hint("see https://jqlang.org/manual/ for the syntax")
        };
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let modules = loader
            .load(&arena, File { code, path: () })
            .map_err(|errors| {
                let why = errors
                    .into_iter()
                    .flat_map(|(_, e)| match e {
                        jaq_core::load::Error::Io(v) => v.into_iter().map(|(_, m)| m).collect(),
                        jaq_core::load::Error::Lex(v) => v
                            .into_iter()
                            .map(|(expect, rest)| syntax(expect.as_str(), rest))
                            .collect(),
                        jaq_core::load::Error::Parse(v) => v
                            .into_iter()
                            .map(|(expect, rest)| syntax(expect.as_str(), rest))
                            .collect::<Vec<_>>(),
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                invalid(why)
            })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                let why = errors
                    .into_iter()
                    .flat_map(|(_, errs)| errs)
                    .map(|(name, undefined)| format!("undefined {} `{name}`", undefined.as_str()))
                    .collect::<Vec<_>>()
                    .join("; ");
                invalid(why)
            })?;
        Ok(Self { filter })
    }

    /// Runs the filter on one JSON document; returns the text to print (one line per output).
    pub fn apply(&self, document: &serde_json::Value) -> Result<String, CliError> {
        let bytes = serde_json::to_vec(document)
            .map_err(|e| CliError::failure(format!("cannot render JSON: {e}")))?;
        let input = jaq_json::read::parse_single(&bytes)
            .map_err(|e| CliError::failure(format!("cannot read JSON for --jq: {e}")))?;
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        let mut out = String::new();
        for value in self.filter.id.run((ctx, input)).map(unwrap_valr) {
            let value =
                value.map_err(|e| CliError::failure(format!("--jq expression failed: {e}")))?;
            match &value {
                Val::TStr(s) | Val::BStr(s) => out.push_str(&String::from_utf8_lossy(s)),
                other => {
                    // Re-indent jaq's compact output the way our JSON output looks.
                    let compact = other.to_string();
                    match serde_json::from_str::<serde_json::Value>(&compact) {
                        Ok(v) if v.is_array() || v.is_object() => {
                            out.push_str(&serde_json::to_string_pretty(&v).unwrap_or(compact))
                        }
                        _ => out.push_str(&compact),
                    }
                }
            }
            out.push('\n');
        }
        Ok(out)
    }
}

fn syntax(expected: &str, rest: &str) -> String {
    if rest.is_empty() {
        format!("expected {expected} at the end")
    } else {
        let near: String = rest.chars().take(20).collect();
        format!("expected {expected} near `{near}`")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn strings_are_raw_and_values_are_json() {
        let doc = json!({"users": [{"email": "a@x.io", "orgRole": "ORGANIZATION_OWNER"}, {"email": "b@x.io"}]});
        let f = JqFilter::compile(".users[] | select(.orgRole == \"ORGANIZATION_OWNER\") | .email")
            .unwrap();
        assert_eq!(f.apply(&doc).unwrap(), "a@x.io\n");
        let f = JqFilter::compile(".users | length").unwrap();
        assert_eq!(f.apply(&doc).unwrap(), "2\n");
        let f = JqFilter::compile(".users[1]").unwrap();
        assert_eq!(f.apply(&doc).unwrap(), "{\n  \"email\": \"b@x.io\"\n}\n");
        let f = JqFilter::compile("[.users[].email] | join(\",\")").unwrap();
        assert_eq!(f.apply(&doc).unwrap(), "a@x.io,b@x.io\n");
    }

    #[test]
    fn bad_expressions_are_usage_errors_that_say_why() {
        let err = JqFilter::compile(".users[").unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
        assert!(err.message.contains("closing bracket"), "{}", err.message);
        let err = JqFilter::compile("nosuchfn(1)").unwrap_err();
        assert!(
            err.message.contains("undefined filter `nosuchfn`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn runtime_errors_are_failures() {
        let f = JqFilter::compile("error(\"boom\")").unwrap();
        let err = f.apply(&json!(null)).unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Failure);
    }
}
