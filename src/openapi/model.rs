//! The CLI's model of the document's operations, read from its JSON.

use serde_json::Value;

/// One operation: `GET /organizations/{organizationId}/teams` is `ListTeams`.
#[derive(Debug, Clone)]
pub struct Operation {
    pub id: String,
    /// Upper case: `GET`.
    pub method: String,
    /// The path template: `/organizations/{organizationId}/teams`.
    pub path: String,
    pub summary: String,
    pub description: String,
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Other,
}

/// A JSON type as the document declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
    /// Not declared (or `oneOf`/`anyOf`): anything goes.
    Any,
}

impl Kind {
    pub fn of_schema(schema: &Value) -> Kind {
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => Kind::String,
            Some("integer") => Kind::Integer,
            Some("number") => Kind::Number,
            Some("boolean") => Kind::Boolean,
            Some("array") => Kind::Array,
            Some("object") => Kind::Object,
            _ if schema.get("properties").is_some() => Kind::Object,
            _ => Kind::Any,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::Array => "array",
            Kind::Object => "object",
            Kind::Any => "any",
        }
    }

    /// Whether a JSON value is of this type (an integer is a number too).
    pub fn admits(self, value: &Value) -> bool {
        match self {
            Kind::String => value.is_string(),
            Kind::Integer => value.is_i64() || value.is_u64(),
            Kind::Number => value.is_number(),
            Kind::Boolean => value.is_boolean(),
            Kind::Array => value.is_array(),
            Kind::Object => value.is_object(),
            Kind::Any => true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Parameter {
    pub location: Location,
    pub name: String,
    pub required: bool,
    /// The type, or the items' type for an array.
    pub kind: Kind,
    pub array: bool,
    pub maximum: Option<u64>,
    pub description: String,
    /// Allowed values, when the document lists them.
    pub values: Vec<String>,
}

/// A request body (JSON): what is required and the top-level properties' types.
#[derive(Debug, Clone)]
pub struct Body {
    pub required: bool,
    /// The schema as written (often a `$ref`).
    pub schema: Value,
    pub required_props: Vec<String>,
    pub props: Vec<(String, Kind)>,
}

#[derive(Debug, Clone)]
pub struct Response {
    /// `200`, `default`.
    pub status: String,
    pub description: String,
    pub content_type: Option<String>,
    pub schema: Option<Value>,
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Every operation of the document, in its order.
pub fn operations(doc: &Value) -> Vec<Operation> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    let resolve = |v: &'_ Value| -> Value { resolve_owned(doc, v) };
    let mut ops = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        let shared: Vec<Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (method, op) in item {
            if !matches!(
                method.as_str(),
                "get" | "put" | "post" | "delete" | "patch" | "head" | "options" | "trace"
            ) {
                continue;
            }
            let parameters = shared
                .iter()
                .chain(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                )
                .map(|p| parameter(&resolve(p), &resolve))
                .collect();
            let body = op.get("requestBody").map(|b| body(&resolve(b), &resolve));
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(status, r)| {
                    let r = resolve(r);
                    let content = r.get("content").and_then(Value::as_object);
                    let first = content.and_then(|c| c.iter().next());
                    Response {
                        status: status.clone(),
                        description: text(&r, "description"),
                        content_type: first.map(|(t, _)| t.clone()),
                        schema: first.and_then(|(_, m)| m.get("schema")).cloned(),
                    }
                })
                .collect();
            ops.push(Operation {
                id: text(op, "operationId"),
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                summary: text(op, "summary"),
                description: text(op, "description"),
                parameters,
                body,
                responses,
            });
        }
    }
    ops
}

/// `value` with its `$ref` followed (a few levels), cloned.
fn resolve_owned(doc: &Value, value: &Value) -> Value {
    let mut value = value;
    for _ in 0..8 {
        match value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| doc.pointer(p))
        {
            Some(target) => value = target,
            None => break,
        }
    }
    value.clone()
}

fn parameter(p: &Value, resolve: &impl Fn(&Value) -> Value) -> Parameter {
    let schema = resolve(p.get("schema").unwrap_or(&Value::Null));
    let array = Kind::of_schema(&schema) == Kind::Array;
    let items = if array {
        resolve(schema.get("items").unwrap_or(&Value::Null))
    } else {
        schema.clone()
    };
    Parameter {
        location: match p.get("in").and_then(Value::as_str) {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            _ => Location::Other,
        },
        name: text(p, "name"),
        required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
        kind: Kind::of_schema(&items),
        array,
        maximum: schema.get("maximum").and_then(Value::as_u64),
        description: text(p, "description"),
        values: items
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
    }
}

fn body(b: &Value, resolve: &impl Fn(&Value) -> Value) -> Body {
    let schema = b
        .get("content")
        .and_then(|c| c.get("application/json"))
        .and_then(|m| m.get("schema"))
        .cloned()
        .unwrap_or(Value::Null);
    let resolved = resolve(&schema);
    // `allOf` parts are merged; `oneOf`/`anyOf` bodies are not checked property by property.
    let parts: Vec<Value> = match resolved.get("allOf").and_then(Value::as_array) {
        Some(all) => all.iter().map(resolve).collect(),
        None => vec![resolved],
    };
    let mut required_props = Vec::new();
    let mut props = Vec::new();
    for part in &parts {
        required_props.extend(
            part.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned)),
        );
        for (name, prop) in part
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            props.push((name.clone(), Kind::of_schema(&resolve(prop))));
        }
    }
    Body {
        required: b.get("required").and_then(Value::as_bool).unwrap_or(false),
        schema,
        required_props,
        props,
    }
}
