//! `-f key=value` (a string) and `-F key=value` (typed: numbers, `true`/`false`/`null`,
//! `@file` or `@-` for a file's or stdin's text) into one JSON object. `key[sub]=v` nests,
//! `key[]=v` appends to an array, and a plain key given twice becomes an array of its values.

use serde_json::{Map, Value};

use crate::error::{CliError, echo};

/// Reads `@file` (or `@-`, stdin) as text.
pub fn read_file(spec: &str, flag: &str) -> Result<Vec<u8>, CliError> {
    let result = if spec == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map(|_| bytes)
    } else {
        std::fs::read(spec)
    };
    result
        .map_err(|e| CliError::usage(format!("cannot read `{}` given to {flag}: {e}", echo(spec))))
}

fn typed(raw: &str) -> Result<Value, CliError> {
    Ok(match raw {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        _ if raw.starts_with('@') => {
            let bytes = read_file(&raw[1..], "-F")?;
            Value::String(String::from_utf8_lossy(&bytes).into_owned())
        }
        _ => match raw.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => match raw
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
            {
                Some(n) if !raw.is_empty() && raw.trim() == raw => Value::Number(n),
                _ => Value::String(raw.to_owned()),
            },
        },
    })
}

/// `a[b][]` as `a`, then `Some("b")`, then `None` (append).
fn key_path(key: &str) -> Result<(String, Vec<Option<String>>), CliError> {
    let bad = || {
        CliError::usage(format!("invalid field name `{}`", echo(key)))
            .with_hint("write key=value, key[sub]=value or key[]=value")
    };
    let (base, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    if base.is_empty() || base.contains(']') {
        return Err(bad());
    }
    let mut parts = Vec::new();
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[').ok_or_else(bad)?;
        let end = inner.find(']').ok_or_else(bad)?;
        let name = &inner[..end];
        parts.push((!name.is_empty()).then(|| name.to_owned()));
        rest = &inner[end + 1..];
    }
    Ok((base.to_owned(), parts))
}

fn insert(
    slot: &mut Value,
    parts: &[Option<String>],
    value: Value,
    key: &str,
) -> Result<(), CliError> {
    let clash = || {
        CliError::usage(format!(
            "field `{}` mixes an array and an object",
            echo(key)
        ))
    };
    match parts.split_first() {
        None => {
            // A plain key given again becomes an array of its values.
            match slot {
                Value::Null => *slot = value,
                Value::Array(items) => items.push(value),
                other => *other = Value::Array(vec![other.take(), value]),
            }
            Ok(())
        }
        Some((None, rest)) => {
            if slot.is_null() {
                *slot = Value::Array(Vec::new());
            }
            let items = slot.as_array_mut().ok_or_else(clash)?;
            if rest.is_empty() {
                items.push(value);
                return Ok(());
            }
            // `a[][b]=1`: a new object unless the last one lacks `b`.
            let reuse = matches!(
                (items.last(), &rest[0]),
                (Some(Value::Object(o)), Some(k)) if !o.contains_key(k)
            );
            if !reuse {
                items.push(Value::Null);
            }
            insert(items.last_mut().expect("pushed"), rest, value, key)
        }
        Some((Some(name), rest)) => {
            if slot.is_null() {
                *slot = Value::Object(Map::new());
            }
            let object = slot.as_object_mut().ok_or_else(clash)?;
            insert(
                object.entry(name.clone()).or_insert(Value::Null),
                rest,
                value,
                key,
            )
        }
    }
}

/// The fields as one JSON object (`None` when none were given).
pub fn parse(raw: &[String], typed_fields: &[String]) -> Result<Option<Value>, CliError> {
    if raw.is_empty() && typed_fields.is_empty() {
        return Ok(None);
    }
    let mut root = Value::Object(Map::new());
    let all = raw
        .iter()
        .map(|f| (f, false))
        .chain(typed_fields.iter().map(|f| (f, true)));
    for (field, is_typed) in all {
        let flag = if is_typed { "-F" } else { "-f" };
        let (key, value) = field
            .split_once('=')
            .ok_or_else(|| CliError::usage(format!("{flag} `{}` is not key=value", echo(field))))?;
        let (base, parts) = key_path(key)?;
        let value = if is_typed {
            typed(value)?
        } else {
            Value::String(value.to_owned())
        };
        let object = root.as_object_mut().expect("an object");
        insert(
            object.entry(base).or_insert(Value::Null),
            &parts,
            value,
            key,
        )?;
    }
    Ok(Some(root))
}

/// The fields as query pairs: arrays become repeated keys.
pub fn to_query(fields: &Value) -> Result<Vec<(String, String)>, CliError> {
    let scalar = |key: &str, v: &Value| -> Result<String, CliError> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Null => Ok(String::new()),
            Value::Bool(_) | Value::Number(_) => Ok(v.to_string()),
            _ => Err(CliError::usage(format!(
                "query parameter `{}` cannot hold an object",
                echo(key)
            ))),
        }
    };
    let mut pairs = Vec::new();
    for (key, value) in fields.as_object().into_iter().flatten() {
        match value {
            Value::Array(items) => {
                for item in items {
                    pairs.push((key.clone(), scalar(key, item)?));
                }
            }
            other => pairs.push((key.clone(), scalar(key, other)?)),
        }
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn fields_nest_append_and_type() {
        let doc = parse(
            &strings(&[
                "name=a",
                "tags[]=x",
                "tags[]=y",
                "meta[kind]=k",
                "sorts=a",
                "sorts=b",
            ]),
            &strings(&["n=5", "ok=true", "nothing=null", "ratio=0.5", "id=007x"]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            doc,
            json!({"name": "a", "tags": ["x", "y"], "meta": {"kind": "k"}, "sorts": ["a", "b"],
                   "n": 5, "ok": true, "nothing": null, "ratio": 0.5, "id": "007x"})
        );
        let query = parse(
            &strings(&["sorts=a", "sorts=b", "names[]=x"]),
            &strings(&["limit=5"]),
        );
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        assert_eq!(
            to_query(&query.unwrap().unwrap()).unwrap(),
            [
                pair("sorts", "a"),
                pair("sorts", "b"),
                pair("names", "x"),
                pair("limit", "5")
            ]
        );
        assert!(
            to_query(&doc).is_err(),
            "an object cannot be a query parameter"
        );
    }

    #[test]
    fn bad_fields_are_usage_errors() {
        for bad in ["novalue", "=x", "a[b=1", "a]=1"] {
            assert!(parse(&strings(&[bad]), &[]).is_err(), "{bad}");
        }
        assert!(parse(&strings(&["a[]=1", "a[b]=2"]), &[]).is_err());
    }
}
