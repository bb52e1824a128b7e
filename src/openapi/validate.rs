//! Checks a request against its operation before it is sent: query parameters the operation
//! has (with the right type, one value unless an array), and a body with the required
//! properties and top-level properties of the declared types. `oneOf` bodies are not checked
//! further. Each problem is a usage error naming it.

use serde_json::Value;

use super::{Kind, Location, Operation};
use crate::error::{CliError, echo};

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The query parameters of `op`, for messages.
fn query_names(op: &Operation) -> String {
    let names: Vec<&str> = op
        .parameters
        .iter()
        .filter(|p| p.location == Location::Query)
        .map(|p| p.name.as_str())
        .collect();
    if names.is_empty() {
        "it takes none".to_owned()
    } else {
        format!("it takes {}", names.join(", "))
    }
}

/// Checks query pairs against the operation's query parameters.
pub fn check_query(op: &Operation, query: &[(String, String)]) -> Result<(), CliError> {
    for (key, value) in query {
        let Some(param) = op
            .parameters
            .iter()
            .find(|p| p.location == Location::Query && p.name == *key)
        else {
            return Err(CliError::usage(format!(
                "`{}` is not a query parameter of {}; {}",
                echo(key),
                op.id,
                query_names(op)
            ))
            .with_hint(format!("see `astro api describe {}`", op.id)));
        };
        if !param.array && query.iter().filter(|(k, _)| k == key).count() > 1 {
            return Err(CliError::usage(format!(
                "query parameter `{key}` of {} takes one value, and was given several",
                op.id
            )));
        }
        let fits = match param.kind {
            Kind::Integer => value.parse::<i64>().is_ok(),
            Kind::Number => value.parse::<f64>().is_ok(),
            Kind::Boolean => value == "true" || value == "false",
            _ => true,
        };
        if !fits {
            return Err(CliError::usage(format!(
                "query parameter `{key}` of {} must be {} {}, not `{}`",
                op.id,
                if param.kind == Kind::Integer {
                    "an"
                } else {
                    "a"
                },
                param.kind.name(),
                echo(value)
            )));
        }
    }
    if let Some(missing) = op.parameters.iter().find(|p| {
        p.location == Location::Query && p.required && !query.iter().any(|(k, _)| *k == p.name)
    }) {
        return Err(CliError::usage(format!(
            "{} needs the query parameter `{}`",
            op.id, missing.name
        ))
        .with_hint(format!("pass -f {}=VALUE", missing.name)));
    }
    Ok(())
}

/// Checks the body (as JSON, when it is JSON) against the operation's request body.
pub fn check_body(op: &Operation, body: Option<&Value>) -> Result<(), CliError> {
    let (spec, body) = match (&op.body, body) {
        (None, None) => return Ok(()),
        (None, Some(_)) => {
            return Err(CliError::usage(format!(
                "{} ({} {}) takes no request body",
                op.id, op.method, op.path
            )));
        }
        (Some(spec), None) if spec.required => {
            return Err(CliError::usage(format!(
                "{} needs a request body{}",
                op.id,
                if spec.required_props.is_empty() {
                    String::new()
                } else {
                    format!(" with {}", spec.required_props.join(", "))
                }
            ))
            .with_hint("pass fields with -f/-F key=value, or the body with --input FILE"));
        }
        (Some(_), None) => return Ok(()),
        (Some(spec), Some(body)) => (spec, body),
    };
    if spec.props.is_empty() && spec.required_props.is_empty() {
        return Ok(());
    }
    let Some(object) = body.as_object() else {
        return Err(CliError::usage(format!(
            "the request body of {} must be a JSON object, not {}",
            op.id,
            json_type(body)
        )));
    };
    if let Some(missing) = spec
        .required_props
        .iter()
        .find(|p| !object.contains_key(*p))
    {
        return Err(CliError::usage(format!(
            "the request body lacks `{missing}`, which {} requires",
            op.id
        ))
        .with_hint(format!(
            "add -f {missing}=VALUE (or -F for a number, boolean or null)"
        )));
    }
    for (name, value) in object {
        let Some((_, kind)) = spec.props.iter().find(|(p, _)| p == name) else {
            continue;
        };
        if !kind.admits(value) {
            return Err(CliError::usage(format!(
                "`{name}` in the request body of {} must be {} {}, not {}",
                op.id,
                if matches!(kind, Kind::Integer | Kind::Array | Kind::Object | Kind::Any) {
                    "an"
                } else {
                    "a"
                },
                kind.name(),
                json_type(value)
            ))
            .with_hint(if *kind == Kind::Array {
                format!("give each item as -f '{name}[]=VALUE'")
            } else {
                "use -F for numbers, booleans and null; -f always sends a string".to_owned()
            }));
        }
    }
    Ok(())
}
