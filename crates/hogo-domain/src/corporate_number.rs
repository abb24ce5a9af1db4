//! 法人番号 (corporate number): 13 digits, public, check digit **first**
//! (財務省令第70号 第2条).

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Why a text is not a 法人番号.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CorporateNumberError {
    /// Not exactly thirteen digits after normalisation.
    #[error(
        "{field}: 法人番号は13桁の数字です / a corporate number is 13 digits (財務省令第70号 第2条)"
    )]
    Format {
        /// The field that was being parsed.
        field: String,
    },
    /// The check digit (first digit) does not match.
    #[error(
        "{field}: 法人番号の検査用数字が一致しません / the corporate number's check digit does not match (財務省令第70号 第2条)"
    )]
    CheckDigit {
        /// The field that was being parsed.
        field: String,
    },
}

/// A valid 法人番号. Public data: it prints and serialises normally.
///
/// ```
/// use hogo_domain::CorporateNumber;
/// assert_eq!(CorporateNumber::parse("7123456789012").unwrap().as_str(), "7123456789012");
/// assert!(CorporateNumber::parse("1123456789012").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CorporateNumber(String);

/// The check digit for a 12-digit 基礎番号 (digit values 0–9).
pub fn corporate_check_digit(base: &[u8; 12]) -> u8 {
    // Pn counted from the lowest digit: odd n weight 1, even n weight 2.
    let sum: u32 = base
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| u32::from(d) * if i % 2 == 0 { 1 } else { 2 })
        .sum();
    u8::try_from(9 - sum % 9).unwrap_or(0)
}

impl CorporateNumber {
    /// Parses a 法人番号 (field name `corporate_number`).
    pub fn parse(text: &str) -> Result<Self, CorporateNumberError> {
        Self::parse_field("corporate_number", text)
    }

    /// Parses a 法人番号 and names `field` in any error.
    pub fn parse_field(field: &str, text: &str) -> Result<Self, CorporateNumberError> {
        let s: String = text
            .nfkc()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{2212}' | '\u{2010}'))
            .collect();
        if s.len() != 13 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CorporateNumberError::Format { field: field.to_owned() });
        }
        let d: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
        let mut base = [0u8; 12];
        base.copy_from_slice(&d[1..]);
        // The check digit is 1–9: a leading 0 is never valid.
        if d[0] == 0 || corporate_check_digit(&base) != d[0] {
            return Err(CorporateNumberError::CheckDigit { field: field.to_owned() });
        }
        Ok(Self(s))
    }

    /// The thirteen digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CorporateNumber {
    type Error = CorporateNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CorporateNumber> for String {
    fn from(value: CorporateNumber) -> Self {
        value.0
    }
}

impl std::fmt::Display for CorporateNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// legal-facts §1.2: NTA examples, and a leading 0 is refused.
    #[test]
    fn nta_examples() {
        for ok in ["7123456789012", "4011001098993", "2120901007402"] {
            assert!(CorporateNumber::parse(ok).is_ok(), "{ok}");
        }
        assert!(CorporateNumber::parse("1123456789012").is_err());
        assert!(CorporateNumber::parse("0123456789012").is_err());
        assert!(CorporateNumber::parse("712345678901").is_err());
    }
}
