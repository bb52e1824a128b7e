//! What an `update` changed on one object (a Workspace, a Team, a token), as the sentence it
//! prints: `Updated Team Ops (c1): name Ops -> Platform, description "" -> "On call"`, `Would
//! update … (dry run: nothing sent)`, or `… is already as asked; nothing changed`.

/// The changes of one object, collected field by field.
pub struct FieldChanges {
    what: String,
    items: Vec<String>,
}

impl FieldChanges {
    /// Changes of `what` (`Team Ops (c1)`).
    pub fn of(what: String) -> Self {
        Self {
            what,
            items: Vec::new(),
        }
    }

    /// `label was -> now`, when they differ.
    pub fn field(&mut self, label: &str, was: &str, now: &str) -> &mut Self {
        if was != now {
            self.items.push(format!("{label} {was} -> {now}"));
        }
        self
    }

    /// `label "was" -> "now"` (quoted: descriptions may be empty), when they differ.
    pub fn quoted(&mut self, label: &str, was: &str, now: &str) -> &mut Self {
        if was != now {
            self.items.push(format!("{label} {was:?} -> {now:?}"));
        }
        self
    }

    /// A role (`none` when there is none), when they differ.
    pub fn role(&mut self, label: &str, was: Option<&str>, now: Option<&str>) -> &mut Self {
        self.field(label, was.unwrap_or("none"), now.unwrap_or("none"))
    }

    /// The sentence to print.
    pub fn sentence(&self, dry_run: bool) -> String {
        let what = &self.what;
        if self.items.is_empty() {
            return format!("{what} is already as asked; nothing changed");
        }
        let changes = self.items.join(", ");
        if dry_run {
            format!("Would update {what}: {changes} (dry run: nothing sent)")
        } else {
            format!("Updated {what}: {changes}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FieldChanges;

    #[test]
    fn only_what_differs_and_a_dry_run_says_so() {
        let mut c = FieldChanges::of("Team Ops (c1)".into());
        c.field("name", "Ops", "Platform")
            .quoted("description", "", "On call")
            .role(
                "Organization role",
                Some("ORGANIZATION_MEMBER"),
                Some("ORGANIZATION_MEMBER"),
            );
        assert_eq!(
            c.sentence(false),
            "Updated Team Ops (c1): name Ops -> Platform, description \"\" -> \"On call\""
        );
        assert!(c.sentence(true).ends_with("(dry run: nothing sent)"));
        assert_eq!(
            FieldChanges::of("Workspace W (c2)".into()).sentence(false),
            "Workspace W (c2) is already as asked; nothing changed"
        );
    }
}
