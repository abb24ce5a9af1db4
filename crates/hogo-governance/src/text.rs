//! [`FreeText`]: a free-text field that refuses My Number-like digit strings
//! (番号法20条: a 個人番号 is kept only where the affairs need it, never in a note).

use serde::{Deserialize, Serialize};

use crate::error::GovernanceError;

/// Free text checked by [`hogo_domain::my_number::find_my_number_like`] on the way in,
/// including when it is read back from JSON.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FreeText(String);

impl FreeText {
    /// Checks `text` for the field `field`; the error names the field, never the number.
    ///
    /// # Errors
    /// [`GovernanceError::MyNumberInText`] if the text holds a My Number-like number.
    pub fn new(field: &str, text: impl Into<String>) -> Result<Self, GovernanceError> {
        let text = text.into();
        if hogo_domain::my_number::find_my_number_like(&text).is_some() {
            return Err(GovernanceError::MyNumberInText { field: field.to_owned() });
        }
        Ok(Self(text))
    }

    /// As [`FreeText::new`], and the text must not be blank.
    ///
    /// # Errors
    /// [`GovernanceError::EmptyText`] or [`GovernanceError::MyNumberInText`].
    pub fn required(
        field: &str,
        text: impl Into<String>,
        rule: hogo_domain::RuleId,
    ) -> Result<Self, GovernanceError> {
        let t = Self::new(field, text)?;
        if t.0.trim().is_empty() {
            return Err(GovernanceError::EmptyText { field: field.to_owned(), rule });
        }
        Ok(t)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for FreeText {
    type Error = GovernanceError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new("free text", s)
    }
}

impl From<FreeText> for String {
    fn from(t: FreeText) -> Self {
        t.0
    }
}

impl std::fmt::Display for FreeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
