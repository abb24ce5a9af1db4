//! 個人番号 (My Number): parsing, the check digit of 総務省令第85号 第5条, and a secret
//! holder that never prints a digit.
//!
//! The digits live in a [`secrecy::SecretBox`] and are zeroized on drop. `Debug` and
//! `Display` show a fixed mask, there is no `Serialize`, and the only way to the digits
//! is [`MyNumber::expose`]. Parse errors name the field and the rule and never echo the
//! input.

use std::ops::Range;

use secrecy::{ExposeSecret, SecretBox};
use unicode_normalization::UnicodeNormalization;
use zeroize::{Zeroize, Zeroizing};

/// The rule a My Number's check digit follows.
pub const CHECK_DIGIT_RULE: &str = "総務省令第85号 第5条";

/// Weights of the first eleven digits read left to right (legal-facts §1.1).
const WEIGHTS: [u32; 11] = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// The check digit for the first eleven digits (each 0–9).
///
/// `11 − (Σ Pn×Qn mod 11)`, and 0 when the remainder is 0 or 1.
pub fn check_digit(first11: &[u8; 11]) -> u8 {
    let sum: u32 = first11.iter().zip(WEIGHTS).map(|(&d, w)| u32::from(d) * w).sum();
    let rem = sum % 11;
    if rem <= 1 { 0 } else { u8::try_from(11 - rem).unwrap_or(0) }
}

/// Whether twelve digit values (each 0–9) carry a valid check digit.
pub fn is_valid_digits(digits: &[u8; 12]) -> bool {
    let mut first = [0u8; 11];
    first.copy_from_slice(&digits[..11]);
    let ok = digits.iter().all(|&d| d <= 9) && check_digit(&first) == digits[11];
    first.zeroize();
    ok
}

/// Why a text is not a My Number. Never carries the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MyNumberError {
    /// Nothing was given.
    #[error("{field}: 個人番号が入力されていません / no My Number was given (M7)")]
    Empty {
        /// The field that was being parsed.
        field: String,
    },
    /// Not exactly twelve digits after normalisation.
    #[error(
        "{field}: 個人番号は12桁です（{found}桁でした） / a My Number has 12 digits, found {found} (M7, 番号法2条5項)"
    )]
    WrongLength {
        /// The field that was being parsed.
        field: String,
        /// How many characters remained after normalisation.
        found: usize,
    },
    /// A character other than a digit, space or hyphen.
    #[error(
        "{field}: {position}文字目が数字ではありません / character {position} is not a digit (M7)"
    )]
    NotADigit {
        /// The field that was being parsed.
        field: String,
        /// 1-based position in the normalised text.
        position: usize,
    },
    /// The check digit does not match.
    #[error(
        "{field}: 検査用数字が一致しません（入力誤りの可能性） / the check digit does not match, probably a typo (M7, {rule})"
    )]
    CheckDigit {
        /// The field that was being parsed.
        field: String,
        /// The rule, [`CHECK_DIGIT_RULE`].
        rule: &'static str,
    },
}

/// The twelve ASCII digits, wiped on drop.
#[derive(Zeroize)]
#[zeroize(drop)]
struct Digits([u8; 12]);

/// A valid 個人番号. Secret: it never prints, never serialises, and zeroizes on drop.
///
/// ```
/// use hogo_domain::MyNumber;
/// let n = MyNumber::parse("1234 5678 9018").unwrap();
/// assert_eq!(format!("{n:?}"), "MyNumber(************)");
/// assert_eq!(n.expose(), "123456789018");
/// assert!(MyNumber::parse("123456789012").is_err()); // wrong check digit
/// ```
pub struct MyNumber(SecretBox<Digits>);

/// Characters removed before parsing: spaces and hyphen-like marks that NFKC keeps.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '-' | '\u{2212}' | '\u{2010}' | '\u{2011}' | '\u{30FC}' | '\u{FF0D}')
}

impl MyNumber {
    /// Parses a number typed by a person (field name `my_number`).
    pub fn parse(text: &str) -> Result<Self, MyNumberError> {
        Self::parse_field("my_number", text)
    }

    /// Parses a number and names `field` in any error.
    ///
    /// Applies NFKC, removes spaces and hyphen-like characters (`-`, `－`, `−`, `‐`, `ー`),
    /// then requires exactly twelve ASCII digits with a valid check digit.
    pub fn parse_field(field: &str, text: &str) -> Result<Self, MyNumberError> {
        let normalised: Zeroizing<String> =
            Zeroizing::new(text.nfkc().filter(|&c| !is_separator(c)).collect());
        let chars = normalised.chars().count();
        if chars == 0 {
            return Err(MyNumberError::Empty { field: field.to_owned() });
        }
        if let Some(pos) = normalised.chars().position(|c| !c.is_ascii_digit()) {
            return Err(MyNumberError::NotADigit { field: field.to_owned(), position: pos + 1 });
        }
        if chars != 12 {
            return Err(MyNumberError::WrongLength { field: field.to_owned(), found: chars });
        }
        let mut digits = Digits([0; 12]);
        digits.0.copy_from_slice(normalised.as_bytes());
        let mut values = Zeroizing::new([0u8; 12]);
        for (v, b) in values.iter_mut().zip(digits.0) {
            *v = b - b'0';
        }
        if !is_valid_digits(&values) {
            return Err(MyNumberError::CheckDigit {
                field: field.to_owned(),
                rule: CHECK_DIGIT_RULE,
            });
        }
        Ok(Self(SecretBox::new(Box::new(digits))))
    }

    /// The twelve ASCII digits. Every call site is a place where plaintext exists:
    /// only the vault and an explicit `reveal` should call this.
    pub fn expose(&self) -> &str {
        // The bytes are ASCII digits by construction.
        std::str::from_utf8(&self.0.expose_secret().0).unwrap_or("")
    }

    /// The twelve ASCII digits as bytes (see [`MyNumber::expose`]).
    pub fn expose_bytes(&self) -> &[u8; 12] {
        &self.0.expose_secret().0
    }

    /// Builds a number from twelve ASCII digits that carry a valid check digit.
    pub fn from_ascii_digits(digits: &[u8; 12]) -> Result<Self, MyNumberError> {
        let text = Zeroizing::new(String::from_utf8_lossy(digits).into_owned());
        Self::parse(&text)
    }
}

impl Clone for MyNumber {
    fn clone(&self) -> Self {
        Self(SecretBox::new(Box::new(Digits(self.0.expose_secret().0))))
    }
}

impl PartialEq for MyNumber {
    fn eq(&self, other: &Self) -> bool {
        // Constant-time-ish comparison: no early exit.
        let a = &self.0.expose_secret().0;
        let b = &other.0.expose_secret().0;
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}
impl Eq for MyNumber {}

impl std::fmt::Debug for MyNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MyNumber(************)")
    }
}

impl std::fmt::Display for MyNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("************")
    }
}

/// Finds the first place in `text` that looks like a My Number: a run of exactly twelve
/// digits (ASCII or full-width), not adjacent to another digit, possibly written in groups
/// separated by spaces or hyphens, whose check digit is valid. Returns its byte range.
///
/// A 13-digit 法人番号 is not such a run. The ledger refuses free text with a hit, and
/// the leak scan uses the same rule, so both agree on what a leak is.
///
/// ```
/// use hogo_domain::my_number::find_my_number_like;
/// assert!(find_my_number_like("番号は 1234-5678-9018 です").is_some());
/// assert!(find_my_number_like("法人番号 7123456789012").is_none());
/// assert!(find_my_number_like("123456789012").is_none()); // check digit wrong
/// ```
pub fn find_my_number_like(text: &str) -> Option<Range<usize>> {
    // Every character that `MyNumber::parse` would read as a digit (NFKC: full-width,
    // mathematical, circled … digits), so the scan sees whatever parse accepts.
    fn digit(c: char) -> Option<u8> {
        match c {
            '0'..='9' => Some(c as u8 - b'0'),
            c if c.is_ascii() => None,
            c => {
                let mut n = std::iter::once(c).nfkc();
                match (n.next(), n.next()) {
                    (Some(d @ '0'..='9'), None) => Some(d as u8 - b'0'),
                    _ => None,
                }
            }
        }
    }
    // Whitespace of any kind (tab, newline, ideographic space) and hyphen-like marks.
    fn sep(c: char) -> bool {
        c.is_whitespace() || is_separator(c)
    }
    let skip = opaque_ids(text);
    let chars: Vec<(usize, char)> = text
        .char_indices()
        .map(|(i, c)| if skip.iter().any(|r| r.contains(&i)) { (i, 'x') } else { (i, c) })
        .collect();
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i].1).is_none() {
            i += 1;
            continue;
        }
        // A grouped run: digit groups joined by single separators.
        let mut groups: Vec<(usize, usize)> = Vec::new(); // char index ranges of digit groups
        let mut j = i;
        let mut group_start = i;
        while j < chars.len() {
            if digit(chars[j].1).is_some() {
                j += 1;
            } else if sep(chars[j].1) {
                // One or more separators between digits continue the grouped run.
                let mut k = j;
                while k < chars.len() && sep(chars[k].1) {
                    k += 1;
                }
                if k < chars.len() && digit(chars[k].1).is_some() {
                    groups.push((group_start, j));
                    j = k;
                    group_start = j;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        groups.push((group_start, j));
        // Any consecutive groups holding exactly twelve digits form a candidate: the
        // whole run, a 12-digit group, or e.g. the last three groups of "2024 1234 5678 9018".
        for s in 0..groups.len() {
            let mut values: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(12));
            for &(a, b) in &groups[s..] {
                values.extend(chars[a..b].iter().filter_map(|&(_, c)| digit(c)));
                if values.len() >= 12 {
                    break;
                }
            }
            let e = groups[s..]
                .iter()
                .scan(0usize, |n, &(a, b)| {
                    *n += b - a;
                    Some((*n, b))
                })
                .find(|&(n, _)| n >= 12);
            if let Some((12, last)) = e {
                let mut arr = Zeroizing::new([0u8; 12]);
                arr.copy_from_slice(&values[..12]);
                if is_valid_digits(&arr) {
                    let (lc, lch) = chars[last - 1];
                    return Some(chars[groups[s].0].0..lc + lch.len_utf8());
                }
            }
        }
        i = j.max(i + 1);
    }
    None
}

/// Byte ranges of UUIDs (8-4-4-4-12 hex) and long hex strings (32+ hex characters — hash
/// digests, simple-form uuids — with at least one letter a–f) in `text`: identifiers, not numbers, so the scan skips them.
fn opaque_ids(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_hexdigit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_hexdigit() || bytes[i] == b'-') {
            i += 1;
        }
        let run = &text[start..i];
        let groups: Vec<&str> = run.split('-').collect();
        // Find 8-4-4-4-12 windows of groups. A uuid glued to hex letters (a database
        // page stores `number_record` + uuid without a separator; a length byte may follow
        // as `E`) still counts: its first group may be longer on the left, its last on the
        // right. A uuid cut short inside its last group (a fragment left in a free database
        // page) is an id fragment too: `8-4-4-4-` fixes the shape.
        let mut offset = start;
        for (g, group) in groups.iter().enumerate() {
            if groups.len() >= g + 5 {
                let lens: Vec<usize> = groups[g..g + 5].iter().map(|x| x.len()).collect();
                if lens[0] >= 8 && lens[1..4] == [4, 4, 4] && lens[4] >= 1 {
                    let from = offset + lens[0] - 8;
                    out.push(from..from + 24 + lens[4].min(12));
                }
            }
            if group.len() >= 32 && group.bytes().any(|b| b.is_ascii_alphabetic()) {
                out.push(offset..offset + group.len());
            }
            offset += group.len() + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// M7: the worked examples of legal-facts §1.1.
    #[test]
    fn worked_examples_from_legal_facts() {
        for ok in ["123456789018", "983205673214", "913909960300", "301661318600", "799075116371"] {
            assert!(MyNumber::parse(ok).is_ok(), "{ok} should be valid");
        }
        assert!(matches!(MyNumber::parse("123456789012"), Err(MyNumberError::CheckDigit { .. })));
    }

    /// M7: full-width digits, spaces and every hyphen-like mark are normalised away.
    #[test]
    fn normalises_full_width_and_hyphens() {
        for text in [
            "１２３４５６７８９０１８",
            "1234-5678-9018",
            "1234－5678－9018",
            "1234−5678−9018",
            "1234‐5678‐9018",
            "1234ー5678ー9018",
            " 1234　5678 9018 ",
        ] {
            let n = MyNumber::parse(text).unwrap();
            assert_eq!(n.expose(), "123456789018");
        }
    }

    /// M7, invariant 1: errors name the field and never echo the input.
    #[test]
    fn errors_name_field_and_hide_input() {
        let e = MyNumber::parse_field("employees.csv:3 my_number", "12345678901").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("employees.csv:3 my_number"));
        assert!(!msg.contains("12345678901"));
        assert!(matches!(e, MyNumberError::WrongLength { found: 11, .. }));
        assert!(matches!(
            MyNumber::parse("12345678901a"),
            Err(MyNumberError::NotADigit { position: 12, .. })
        ));
        assert!(matches!(MyNumber::parse(" - "), Err(MyNumberError::Empty { .. })));
    }

    /// Invariant 1: a 13-digit corporate number and digits inside longer runs are not hits.
    #[test]
    fn scan_respects_digit_boundaries() {
        assert!(find_my_number_like("7123456789012").is_none());
        assert!(find_my_number_like("x1234567890181").is_none());
        assert!(find_my_number_like("id=123456789018;").is_some());
        assert!(find_my_number_like("１２３４ ５６７８ ９０１８").is_some());
        assert!(find_my_number_like("tel 090-1234-5678").is_none());
        assert!(find_my_number_like("2024-01-10 123456789018").is_some());
    }

    /// Invariant 1: the scan sees every form `parse` accepts — NFKC digit variants and
    /// any whitespace (tab, newline, several spaces) between groups.
    #[test]
    fn scan_sees_what_parse_accepts() {
        for text in [
            "①②③④⑤⑥⑦⑧⑨⓪①⑧",
            "𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟎𝟏𝟖",
            "1234\t5678\t9018",
            "1234\n5678\n9018",
            "1234  5678   9018",
        ] {
            assert!(MyNumber::parse(text).is_ok(), "{text}");
            assert!(find_my_number_like(text).is_some(), "{text}");
        }
    }

    /// Invariant 1 / the leak scan: a uuid glued to hex letters on either side (as in a
    /// SQLite page: `number_record` + uuid, or a length byte `E` after it) is still an
    /// identifier; a number outside its 36 characters is still found.
    #[test]
    fn scan_skips_uuids_glued_to_hex_letters() {
        let glued = "number_record00000000-0000-0000-0000-000000000067{";
        assert_eq!(find_my_number_like(glued), None);
        let after = "KiOafa1b92c-3542-40f6-b22c-811903680855E";
        assert_eq!(find_my_number_like(after), None);
        assert!(find_my_number_like("00000000-0000-0000-0000-000000000067 123456789018").is_some());
        // A uuid cut short in its last group, as left in a free page.
        assert_eq!(find_my_number_like("number_record00000000-0000-0000-0000-000\u{83}"), None);
        // The shape needs all four leading groups: digits grouped 4-4-4 alone are a number.
        assert!(find_my_number_like("1234-5678-9018").is_some());
    }

    /// Invariant 1 / the leak scan: UUIDs and long hex strings are identifiers, not numbers.
    #[test]
    fn scan_skips_uuids_and_hex() {
        // The last group of this uuid is a valid My Number on its own.
        assert!(find_my_number_like("hogo.local/0190f5e2-0000-7000-8000-123456789018").is_none());
        assert!(
            find_my_number_like(
                "sha256 ab123456789018cdef0123456789abcdef0123456789abcdef0123456789ab"
            )
            .is_none()
        );
        // A number between a few hex letters is not a hex string: it is found.
        assert!(find_my_number_like("aaa123456789018a").is_some());
        assert!(
            find_my_number_like("uuid 0190f5e2-0000-7000-8000-000000000001 and 123456789018")
                .is_some()
        );
    }
}
