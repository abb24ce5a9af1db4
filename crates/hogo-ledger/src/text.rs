//! Scanned text: [`SafeText`] is the only way free text enters an entry or the register,
//! and [`DocumentKind`] is a stable string id. Both refuse a run of twelve digits with a
//! valid check digit using hogo-domain's one scan,
//! [`find_my_number_like`]; a 13-digit 法人番号
//! passes.

use hogo_domain::my_number::find_my_number_like;
use serde::{Deserialize, Serialize};

use crate::error::LedgerError;

/// The longest free text accepted, in bytes.
pub const MAX_TEXT_BYTES: usize = 2048;

/// Checks one free-text field: not empty, not too long, no control character except none,
/// and nothing that looks like a My Number (M5, M6).
///
/// # Errors
/// [`LedgerError::MyNumberInText`] or [`LedgerError::InvalidText`], naming `field`.
pub fn check_text(field: &'static str, text: &str) -> Result<(), LedgerError> {
    if text.is_empty() {
        return Err(LedgerError::InvalidText { field, reason: "empty" });
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(LedgerError::InvalidText { field, reason: "longer than 2048 bytes" });
    }
    if text.chars().any(char::is_control) {
        return Err(LedgerError::InvalidText { field, reason: "holds a control character" });
    }
    if find_my_number_like(text).is_some() {
        return Err(LedgerError::MyNumberInText { field });
    }
    Ok(())
}

/// Free text that was scanned and holds nothing like a My Number.
///
/// ```
/// use hogo_ledger::SafeText;
/// assert!(SafeText::new("note", "法人番号 7123456789012 宛").is_ok());
/// assert!(SafeText::new("note", "番号 1234-5678-9018").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct SafeText(String);

impl SafeText {
    /// Scans `text` (see [`check_text`]) and keeps it.
    ///
    /// # Errors
    /// [`LedgerError::MyNumberInText`] or [`LedgerError::InvalidText`], naming `field`.
    pub fn new(field: &'static str, text: impl Into<String>) -> Result<Self, LedgerError> {
        let text = text.into();
        check_text(field, &text)?;
        Ok(Self(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SafeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SafeText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::new("text", s).map_err(serde::de::Error::custom)
    }
}

/// A 文書の種類 id from the retention schedule (e.g. `"withholding_slip"`): lower-case
/// ASCII letters, digits, `_`, `-` and `.`, 1–64 bytes, and never a My-Number-like run.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct DocumentKind(String);

impl DocumentKind {
    /// Validates a document-kind id.
    ///
    /// # Errors
    /// [`LedgerError::InvalidText`] or [`LedgerError::MyNumberInText`] for field
    /// `document_kind`.
    pub fn new(id: impl Into<String>) -> Result<Self, LedgerError> {
        let id = id.into();
        const FIELD: &str = "document_kind";
        if id.is_empty() || id.len() > 64 {
            return Err(LedgerError::InvalidText { field: FIELD, reason: "must be 1-64 bytes" });
        }
        if !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b))
        {
            return Err(LedgerError::InvalidText {
                field: FIELD,
                reason: "only a-z, 0-9, '_', '-' and '.' are allowed",
            });
        }
        if find_my_number_like(&id).is_some() {
            return Err(LedgerError::MyNumberInText { field: FIELD });
        }
        Ok(Self(id))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for DocumentKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::new(s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hogo_domain::testkit::synthetic_number;

    /// M5: a synthetic My Number, bare, grouped or full-width, is refused in free text.
    #[test]
    fn synthetic_number_in_text_is_refused() {
        let n = synthetic_number(7);
        let d = n.expose();
        let grouped = format!("{}-{}-{}", &d[..4], &d[4..8], &d[8..]);
        let wide: String = d
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap())
            .collect();
        for t in [format!("番号{d}です"), grouped, wide] {
            let err = SafeText::new("note", t).unwrap_err();
            assert_eq!(err, LedgerError::MyNumberInText { field: "note" });
            assert!(!err.to_string().contains(d));
        }
    }

    /// M5: a 13-digit 法人番号 is not a My Number and passes.
    #[test]
    fn corporate_number_passes() {
        assert!(SafeText::new("recipient", "株式会社テスト 法人番号7123456789012").is_ok());
    }

    /// M5: document kinds are stable ids and refuse a number-like run.
    #[test]
    fn document_kind_refuses_bad_ids() {
        assert!(DocumentKind::new("withholding_slip").is_ok());
        assert!(DocumentKind::new("Withholding").is_err());
        let n = synthetic_number(3);
        assert_eq!(
            DocumentKind::new(format!("slip-{}", n.expose())).unwrap_err(),
            LedgerError::MyNumberInText { field: "document_kind" }
        );
    }
}
