//! `--jq EXPR`: filters a command's JSON output in-process (jaq, a jq implementation), so
//! scripts and CI images need no `jq`. Strings print raw, like `jq -r`; other values print as
//! indented JSON, or one per line with `--compact` (like `jq -c`). Besides jq's builtins it has
//! `@csv`, `@tsv`, `@json`, `@text`, `@sh`, `@base64`, `@uri`, `@html` and `$ENV`. The
//! expression is compiled before any request, so a bad one costs nothing; a failure while
//! running names the types involved, never the data (which may be every member's email).

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Native, Vars, data, unwrap_valr};
use jaq_json::Val;

use crate::error::{CliError, echo};

type Filter = jaq_core::compile::Filter<Native<data::JustLut<Val>>>;

/// jq's `@csv` and `@tsv`, which jaq does not have.
const DEFS: &str = r#"
def env: $ENV;
def @csv: if type != "array" then error("@csv needs an array, not \(type)") else
  map(if type == "string" then "\"" + (split("\"") | join("\"\"")) + "\""
      elif type == "null" then ""
      elif type == "number" or type == "boolean" then tostring
      else error("@csv cannot format \(type)") end) | join(",") end;
def @tsv: if type != "array" then error("@tsv needs an array, not \(type)") else
  map(if type == "string" then split("\\") | join("\\\\") | split("\t") | join("\\t")
        | split("\n") | join("\\n") | split("\r") | join("\\r")
      elif type == "null" then ""
      elif type == "number" or type == "boolean" then tostring
      else error("@tsv cannot format \(type)") end) | join("\t") end;
"#;

pub struct JqFilter {
    filter: Filter,
    /// The expression as written: an error whose text appears in it is the user's own.
    code: String,
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
        let full = format!("{DEFS}{code}");
        let modules = loader
            .load(
                &arena,
                File {
                    code: full.as_str(),
                    path: (),
                },
            )
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
            .with_global_vars(["$ENV"])
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
        Ok(Self {
            filter,
            code: code.to_owned(),
        })
    }

    /// Runs the filter on one JSON document; returns the text to print (one line per output,
    /// or per line of an indented value unless `compact`). The document goes to jaq as JSON
    /// text, written straight from `document` (no `serde_json::Value` in between: that tree
    /// cost more than the rest of `list --jq` at 20,000 members).
    pub fn apply(
        &self,
        document: &(impl serde::Serialize + ?Sized),
        compact: bool,
    ) -> Result<String, CliError> {
        let json = serde_json::to_vec(document).map_err(crate::output::cannot_render)?;
        self.run(&json, compact)
    }

    fn run(&self, json: &[u8], compact: bool) -> Result<String, CliError> {
        let input = to_val(json)?;
        let env: serde_json::Map<String, serde_json::Value> = std::env::vars()
            .filter(|(k, _)| !is_secret(k))
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
        let env = serde_json::to_vec(&env).map_err(crate::output::cannot_render)?;
        let env = to_val(&env)?;
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([env]));
        let mut out = String::new();
        for value in self.filter.id.run((ctx, input)).map(unwrap_valr) {
            let value = value.map_err(|e| {
                CliError::failure(format!(
                    "--jq expression failed: {}",
                    without_data(&e.to_string(), &self.code)
                ))
            })?;
            match &value {
                Val::TStr(s) | Val::BStr(s) => out.push_str(&String::from_utf8_lossy(s)),
                other => {
                    let compact_text = other.to_string();
                    if compact {
                        out.push_str(&compact_text);
                    } else {
                        // Re-indent jaq's compact output the way our JSON output looks.
                        match serde_json::from_str::<serde_json::Value>(&compact_text) {
                            Ok(v) if v.is_array() || v.is_object() => out.push_str(
                                &serde_json::to_string_pretty(&v).unwrap_or(compact_text),
                            ),
                            _ => out.push_str(&compact_text),
                        }
                    }
                }
            }
            out.push('\n');
        }
        Ok(out)
    }
}

fn to_val(json: &[u8]) -> Result<Val, CliError> {
    jaq_json::read::parse_single(json)
        .map_err(|e| CliError::failure(format!("cannot read JSON for --jq: {e}")))
}

/// Environment variables `$ENV` and `env` leave out: the token, and anything named like a
/// secret.
fn is_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "CREDENTIAL",
        "PRIVATE",
    ]
    .iter()
    .any(|word| upper.contains(word))
        || upper.ends_with("_KEY")
        || upper == crate::env_vars::API_TOKEN
}

/// jaq's own messages that carry a value in their text (not as a separate part).
const JAQ_TEMPLATES: &[&str] = &[
    "cannot parse ",
    "cannot convert ",
    "cannot use ",
    "index ",
    "invalid regex",
    "@csv ",
    "@tsv ",
];

/// A runtime error with every value in it replaced by its type (`cannot index array with
/// "email"`), so that a typo never prints the data. The key of an index error, which comes from
/// the expression, is kept when short; so is an error text written in the expression itself
/// (`error("boom")`). Any other text raised from the data is not shown.
fn without_data(message: &str, code: &str) -> String {
    // The whole message is one value: `error(…)`, or one of jaq's messages (a string).
    let whole = serde_json::from_str::<serde_json::Value>(message);
    if let Ok(value) = &whole
        && !value.is_string()
    {
        return format!(
            "the expression raised {} as an error (not shown)",
            type_name(value)
        );
    }
    if let Ok(serde_json::Value::String(text)) = whole {
        if !text.is_empty() && code.contains(text.as_str()) {
            return echo(&text);
        }
        if JAQ_TEMPLATES.iter().any(|t| text.starts_with(t)) || text.ends_with(" has no length") {
            return replace_values(&text);
        }
        return "the expression raised an error whose text comes from the data (not shown)"
            .to_owned();
    }
    replace_values(message)
}

/// `message` with each JSON value in it replaced by its type name.
fn replace_values(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(start) = rest.find(['[', '{', '"']) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let mut values = serde_json::Deserializer::from_str(tail).into_iter::<serde_json::Value>();
        match values.next() {
            Some(Ok(value)) => {
                let end = values.byte_offset();
                let is_key = out.ends_with(" with ");
                match value {
                    serde_json::Value::String(s) if is_key && s.chars().count() <= 40 => {
                        out.push_str(&tail[..end]);
                    }
                    other => out.push_str(type_name(&other)),
                }
                rest = &tail[end..];
            }
            // Not JSON (jaq can print values JSON cannot hold): drop the rest.
            _ => {
                out.push('…');
                rest = "";
            }
        }
    }
    out.push_str(rest);
    echo(&out)
}

fn type_name(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
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

    fn run(code: &str, doc: &serde_json::Value) -> String {
        JqFilter::compile(code).unwrap().apply(doc, false).unwrap()
    }

    #[test]
    fn strings_are_raw_and_values_are_json() {
        let doc = json!({"users": [{"email": "a@x.io", "orgRole": "ORGANIZATION_OWNER"}, {"email": "b@x.io"}]});
        assert_eq!(
            run(
                ".users[] | select(.orgRole == \"ORGANIZATION_OWNER\") | .email",
                &doc
            ),
            "a@x.io\n"
        );
        assert_eq!(run(".users | length", &doc), "2\n");
        assert_eq!(run(".users[1]", &doc), "{\n  \"email\": \"b@x.io\"\n}\n");
        assert_eq!(
            run("[.users[].email] | join(\",\")", &doc),
            "a@x.io,b@x.io\n"
        );
    }

    #[test]
    fn compact_prints_one_value_per_line() {
        let doc = json!({"users": [{"email": "a@x.io", "orgRole": "ORGANIZATION_OWNER"}, {"email": "b@x.io"}]});
        let f = JqFilter::compile(".users[] | {email, role: .orgRole}").unwrap();
        assert_eq!(
            f.apply(&doc, true).unwrap(),
            "{\"email\":\"a@x.io\",\"role\":\"ORGANIZATION_OWNER\"}\n{\"email\":\"b@x.io\",\"role\":null}\n"
        );
    }

    #[test]
    fn csv_tsv_json_text_and_env() {
        let doc = json!({"users": [{"email": "a@x.io", "fullName": "Ada \"The\" Countess", "n": 1, "x": null}]});
        assert_eq!(
            run(".users[] | [.email, .fullName, .n, .x] | @csv", &doc),
            "\"a@x.io\",\"Ada \"\"The\"\" Countess\",1,\n"
        );
        assert_eq!(
            run(".users[] | [.email, \"tab\\there\", .n] | @tsv", &doc),
            "a@x.io\ttab\\there\t1\n"
        );
        assert_eq!(run(".users[0].n | @json", &doc), "1\n");
        assert_eq!(run(".users[0].n | @text", &doc), "1\n");
        assert_eq!(run("$ENV | type", &doc), "object\n");
        assert_eq!(run("$ENV.PATH | type", &doc), "string\n");
        // No secret ever comes out of the environment.
        assert!(is_secret("ASTRO_API_TOKEN") && is_secret("AWS_SECRET_ACCESS_KEY"));
        assert!(is_secret("GPG_KEY") && !is_secret("PATH"));
        assert_eq!(run("env | type", &doc), "object\n");
        assert_eq!(
            run(
                "[$ENV, env | keys[] | select(test(\"TOKEN\"))] | length",
                &doc
            ),
            "0\n"
        );
        let err = JqFilter::compile("{a: 1} | @csv")
            .unwrap()
            .apply(&doc, false)
            .unwrap_err();
        assert!(
            err.message.contains("@csv needs an array, not object"),
            "{}",
            err.message
        );
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
    fn runtime_errors_are_failures_that_never_print_the_data() {
        let doc = json!({"users": [{"email": "secret@x.io", "fullName": "Secret Name"}]});
        for (code, expected) in [
            (".users.email", "cannot index array with \"email\""),
            (".users[0] | .email.x", "cannot index string with \"x\""),
            (".users[0] + 1", "cannot calculate object + 1"),
            ("error(\"boom\")", "boom"),
            ("error(.)", "object"),
            (".users[] | .email | tonumber", "cannot parse string as "),
            (
                "[.users[].email] | join(\",\") | error",
                "whose text comes from the data (not shown)",
            ),
            (
                "\"x\" + (.users | tojson) | fromjson",
                "cannot parse string as JSON",
            ),
            (
                ".users[0].fullName | length | error",
                "raised number as an error",
            ),
        ] {
            let err = JqFilter::compile(code)
                .unwrap()
                .apply(&doc, false)
                .unwrap_err();
            assert_eq!(err.exit, crate::error::Exit::Failure);
            assert!(err.message.contains(expected), "{code}: {}", err.message);
            assert!(
                !err.message.contains("secret") && !err.message.contains("Secret"),
                "{code}: {}",
                err.message
            );
        }
    }
}
