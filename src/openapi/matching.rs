//! Finding the operation a command line means: by operation ID (ignoring case), or by a path,
//! concrete (`/organizations/cx1/teams`) or a template (`/organizations/{organizationId}/teams`).

use super::{Document, Operation};

/// What a target names.
pub enum Found<'a> {
    /// An operation ID.
    Operation(&'a Operation),
    /// A path: the template it matches and the operations there (one per method).
    Path {
        template: &'a str,
        operations: Vec<&'a Operation>,
    },
    /// A path no operation has.
    Nothing,
}

fn segments(path: &str) -> Vec<&str> {
    path.trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect()
}

fn is_placeholder(segment: &str) -> bool {
    segment.len() > 2 && segment.starts_with('{') && segment.ends_with('}')
}

/// How well `path` fits `template`: the number of literal segments, `None` when it does not.
fn fit(template: &str, path: &[&str]) -> Option<usize> {
    let template = segments(template);
    if template.len() != path.len() {
        return None;
    }
    let mut literal = 0;
    for (t, p) in template.iter().zip(path) {
        if is_placeholder(t) {
            continue;
        }
        if t != p {
            return None;
        }
        literal += 1;
    }
    Some(literal)
}

impl Document {
    /// The operation(s) `target` names: a path when it contains `/`, else an operation ID.
    pub fn find(&self, target: &str) -> Found<'_> {
        if !target.contains('/') {
            return self.by_id(target).map_or(Found::Nothing, Found::Operation);
        }
        let path = segments(target);
        let best = self
            .operations
            .iter()
            .filter_map(|op| fit(&op.path, &path).map(|score| (score, op)))
            .max_by_key(|(score, _)| *score);
        let Some((_, best)) = best else {
            return Found::Nothing;
        };
        Found::Path {
            template: &best.path,
            operations: self
                .operations
                .iter()
                .filter(|op| op.path == best.path)
                .collect(),
        }
    }
}

/// The `{name}` placeholders of a path, in order.
pub fn placeholders(path: &str) -> Vec<&str> {
    segments(path)
        .into_iter()
        .filter(|s| is_placeholder(s))
        .map(|s| &s[1..s.len() - 1])
        .collect()
}

/// The path's segments with each placeholder replaced by `value(name)`; the names that have no
/// value are the error.
pub fn fill_template(
    path: &str,
    value: impl Fn(&str) -> Option<String>,
) -> Result<Vec<String>, Vec<String>> {
    let mut missing = Vec::new();
    let filled = segments(path)
        .into_iter()
        .map(|s| {
            if is_placeholder(s) {
                let name = &s[1..s.len() - 1];
                value(name).unwrap_or_else(|| {
                    missing.push(name.to_owned());
                    String::new()
                })
            } else {
                s.to_owned()
            }
        })
        .collect();
    if missing.is_empty() {
        Ok(filled)
    } else {
        Err(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concrete_and_template_paths_find_the_most_literal_template() {
        let doc = Document::bundled().unwrap();
        for target in [
            "/organizations/{organizationId}/teams",
            "organizations/cx1/teams/",
            "/organizations/{org}/teams",
        ] {
            let Found::Path {
                template,
                operations,
            } = doc.find(target)
            else {
                panic!("{target} not found");
            };
            assert_eq!(template, "/organizations/{organizationId}/teams");
            let ids: Vec<&str> = operations.iter().map(|o| o.id.as_str()).collect();
            assert_eq!(ids, ["ListTeams", "CreateTeam"]);
        }
        assert!(matches!(
            doc.find("/organizations/x/nothing"),
            Found::Nothing
        ));
        assert!(matches!(doc.find("LISTTEAMS"), Found::Operation(op) if op.id == "ListTeams"));
    }

    #[test]
    fn placeholders_are_filled_or_named() {
        let path = "/organizations/{organizationId}/teams/{teamId}";
        assert_eq!(placeholders(path), ["organizationId", "teamId"]);
        let value = |n: &str| (n == "organizationId").then(|| "cx1".to_owned());
        assert_eq!(fill_template(path, value), Err(vec!["teamId".to_owned()]));
        let all = |n: &str| Some(format!("<{n}>"));
        assert_eq!(
            fill_template(path, all).unwrap(),
            ["organizations", "<organizationId>", "teams", "<teamId>"]
        );
    }
}
