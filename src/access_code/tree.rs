//! An access file read into a tree of nodes, each with the line and column it came from, so
//! that every later check can say where the problem is. YAML and JSON are read by the same
//! parser (`serde-saphyr`; JSON is YAML's flow style). Repeated keys are kept (the checks
//! report them with both places), anchors and aliases are followed within the parser's budget,
//! and a syntax error is one problem with its place.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{DuplicateKeyPolicy, MessageFormatter, Spanned};

/// A place in the file: line and column, both from 1 (0 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: u64,
    pub column: u64,
}

impl From<serde_saphyr::Location> for Pos {
    fn from(location: serde_saphyr::Location) -> Self {
        Self {
            line: location.line(),
            column: location.column(),
        }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One node of the file and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub at: Pos,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number, as text (`2024`, `1.5`): only ever wanted as a name.
    Number(String),
    Text(String),
    List(Vec<Node>),
    /// Entries in the file's order, repeated keys included.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The node as a name or a role: text, or a number or boolean written without quotes
    /// (`2024: WORKSPACE_MEMBER` names the Workspace "2024").
    pub fn scalar(&self) -> Option<String> {
        match &self.value {
            Value::Text(text) | Value::Number(text) => Some(text.clone()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// What the node is, for messages: `a list`, `a mapping`, `text`, …
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::Text(_) => "text",
            Value::List(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A problem found in the file: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub at: Pos,
    pub message: String,
}

impl Problem {
    pub fn new(at: Pos, message: impl Into<String>) -> Self {
        Self {
            at,
            message: message.into(),
        }
    }
}

/// Reads `text` (YAML or JSON) into a tree. A syntax error is the one problem returned.
pub fn parse(text: &str) -> Result<Node, Problem> {
    let options = serde_saphyr::options! {
        duplicate_keys: DuplicateKeyPolicy::PassThrough,
    };
    serde_saphyr::from_str_with_options::<Node>(text, options).map_err(|e| {
        let at = e
            .location()
            .map(Pos::from)
            .unwrap_or(Pos { line: 1, column: 1 });
        let message = serde_saphyr::UserMessageFormatter
            .format_message(e.without_snippet())
            .into_owned();
        Problem::new(at, crate::text::cell(&message))
    })
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Value>::deserialize(deserializer)?;
        Ok(Node {
            at: Pos::from(spanned.referenced),
            value: spanned.value,
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML or JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.to_string()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.to_string()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Number(v.to_string()))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(Value::Number(v.to_string()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v.to_string()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Text(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u64, column: u64) -> Pos {
        Pos { line, column }
    }

    #[test]
    fn every_node_knows_its_line_and_column() {
        let tree = parse("organization: c1\nmembers:\n  \"a@x.io\": {role: owner}\n").unwrap();
        let Value::Map(entries) = &tree.value else {
            panic!("{tree:?}")
        };
        assert_eq!(entries[0].0.at, at(1, 1));
        assert_eq!(entries[0].1.at, at(1, 15));
        let Value::Map(members) = &entries[1].1.value else {
            panic!()
        };
        assert_eq!(members[0].0.scalar().as_deref(), Some("a@x.io"));
        assert_eq!(members[0].0.at, at(3, 3));
        let Value::Map(fields) = &members[0].1.value else {
            panic!()
        };
        assert_eq!(fields[0].1.at, at(3, 20));
    }

    #[test]
    fn repeated_keys_are_kept_and_unquoted_numbers_are_names() {
        let tree = parse("a: 1\na: 2\n2024: x\n").unwrap();
        let Value::Map(entries) = tree.value else {
            panic!()
        };
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[2].0.scalar().as_deref(), Some("2024"));
    }

    #[test]
    fn json_is_read_too_with_places() {
        let tree = parse("{\n\t\"organization\": \"c1\",\n\t\"members\": {}\n}\n").unwrap();
        let Value::Map(entries) = tree.value else {
            panic!()
        };
        assert_eq!(entries[1].0.at, at(3, 2));
        assert_eq!(entries[1].1.value, Value::Map(vec![]));
    }

    #[test]
    fn a_syntax_error_is_one_problem_with_its_place() {
        let problem = parse("members:\n  a: [1, 2\n  b: c\n").unwrap_err();
        assert_eq!(problem.at, at(3, 4));
        assert!(!problem.message.contains("line"), "{}", problem.message);
        let problem = parse("a: \"open\n").unwrap_err();
        assert_eq!(problem.message, "unclosed quote");
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
    }
}
