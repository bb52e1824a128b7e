//! The API token, in a type that never shows itself: `Debug` and `Display` redact it, and
//! [`Token::expose`] marks the one place it leaves the process (the `Authorization` header).

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Accepts a token with or without the `Bearer ` prefix the Go CLI stores.
    pub fn new(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let raw = match raw.get(..6) {
            Some(scheme)
                if scheme.eq_ignore_ascii_case("bearer")
                    && raw[6..].chars().next().is_none_or(char::is_whitespace) =>
            {
                raw[6..].trim()
            }
            _ => raw,
        };
        (!raw.is_empty()).then(|| Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A secret in a response (a created or rotated API token's value) is read straight into a
/// [`Token`], so no plain copy of it is ever kept.
impl<'de> serde::Deserialize<'de> for Token {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Token::new(&raw).ok_or_else(|| serde::de::Error::custom("an empty token"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let token = Token::new("Bearer abc.def.ghi").unwrap();
        assert_eq!(token.expose(), "abc.def.ghi");
        assert!(!format!("{token:?} {token}").contains("abc"));
    }

    #[test]
    fn empty_is_none() {
        assert!(Token::new("  ").is_none());
        assert!(Token::new("Bearer ").is_none());
    }
}
