//! The disclosure package: what is held about the person, collected through the
//! [`DisclosureSource`] port that the application layer fills from its stores, with
//! **other people's My Numbers masked** (doc 003 Art. 37①, e.g. dependants on a 法定調書
//! copy; 番号法19条).
//!
//! Disclosure covers every 保有個人データ about the person, evaluations included: doc 000
//! §7's "objective facts (資格, 職業経験)" is the minimum, not the limit. 第三者提供記録
//! are collected only for non-My Number requests (番号法30条2項).

use hogo_domain::MyNumber;
use hogo_domain::my_number::find_my_number_like;
use serde::{Deserialize, Serialize};

use crate::kind::RequestKind;
use crate::request::Request;

/// The mark that replaces each digit of a masked number.
pub const MASK_CHAR: char = '＊';

/// Text with every My Number-like run masked, and how many were masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Masked {
    /// The masked text.
    pub text: String,
    /// How many runs were masked.
    pub count: usize,
}

fn digits_of(run: &str) -> String {
    run.chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            _ => None,
        })
        .collect()
}

fn mask_inner(text: &str, keep: Option<&MyNumber>) -> Masked {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut count = 0;
    while let Some(range) = find_my_number_like(rest) {
        let run = &rest[range.clone()];
        out.push_str(&rest[..range.start]);
        if keep.is_some_and(|k| digits_of(run) == k.expose()) {
            out.push_str(run);
        } else {
            out.extend(run.chars().map(|c| {
                if c.is_ascii_digit() || ('０'..='９').contains(&c) { MASK_CHAR } else { c }
            }));
            count += 1;
        }
        rest = &rest[range.end..];
    }
    out.push_str(rest);
    Masked { text: out, count }
}

/// Masks every My Number-like run in `text` (calls `find_my_number_like` repeatedly).
///
/// ```
/// use hogo_requests::package::mask_my_numbers;
/// let m = mask_my_numbers("扶養親族 1234 5678 9018 / 法人番号 7123456789012");
/// assert_eq!(m.count, 1);
/// assert!(m.text.contains("＊＊＊＊ ＊＊＊＊ ＊＊＊＊"));
/// assert!(m.text.contains("7123456789012"));
/// ```
pub fn mask_my_numbers(text: &str) -> Masked {
    mask_inner(text, None)
}

/// Masks every My Number-like run except the principal's own number, which the person
/// may receive in answer to their own disclosure request (番号GL).
pub fn mask_other_numbers(text: &str, principal: &MyNumber) -> Masked {
    mask_inner(text, Some(principal))
}

/// What an item of the package is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemCategory {
    /// Profile (氏名, 連絡先, 資格, 職業経験…).
    Profile,
    /// Contact and interview log.
    ContactLog,
    /// Evaluations and notes about the person.
    Evaluation,
    /// Filings and their copies (法定調書 etc.).
    Filing,
    /// A 第三者提供記録 (APPI 29条; never for My Number data).
    ProvisionRecord,
    /// Anything else held.
    Other,
}

/// One item handed in by the application layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceItem {
    /// The category.
    pub category: ItemCategory,
    /// A title.
    pub title: String,
    /// The content as text.
    pub content: String,
}

/// The port the application layer implements from its stores.
pub trait DisclosureSource {
    /// The adapter's error.
    type Error;
    /// Everything held about the request's person for `kind` (開示: all 保有個人データ;
    /// 第三者提供記録の開示: the provision records).
    fn collect(&self, request: &Request, kind: RequestKind)
    -> Result<Vec<SourceItem>, Self::Error>;
    /// The principal's own number, if the organisation holds it and may disclose it to
    /// the person; `None` masks every number.
    fn principal_number(&self, request: &Request) -> Result<Option<MyNumber>, Self::Error> {
        let _ = request;
        Ok(None)
    }
}

/// One masked item of the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageItem {
    /// The category.
    pub category: ItemCategory,
    /// The title (masked).
    pub title: String,
    /// The content (masked).
    pub content: String,
    /// How many numbers were masked.
    pub masked_numbers: usize,
}

/// The disclosure package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosurePackage {
    /// The kind.
    pub kind: RequestKind,
    /// The items.
    pub items: Vec<PackageItem>,
    /// Items left out because they are 第三者提供記録 of My Number data (none exist by
    /// law; a source that returns some is wrong).
    pub dropped_provision_records: usize,
}

/// Builds the package for a disclosure kind of `request`, masking other people's numbers.
pub fn build_package<S: DisclosureSource>(
    request: &Request,
    kind: RequestKind,
    source: &S,
) -> Result<DisclosurePackage, S::Error> {
    let own = source.principal_number(request)?;
    let raw = source.collect(request, kind)?;
    let mut items = Vec::with_capacity(raw.len());
    let mut dropped = 0;
    for it in raw {
        if request.concerns_my_number && it.category == ItemCategory::ProvisionRecord {
            dropped += 1;
            continue;
        }
        let mask = |t: &str| match &own {
            Some(n) => mask_other_numbers(t, n),
            None => mask_my_numbers(t),
        };
        let title = mask(&it.title);
        let content = mask(&it.content);
        items.push(PackageItem {
            category: it.category,
            title: title.text,
            content: content.text,
            masked_numbers: title.count + content.count,
        });
    }
    Ok(DisclosurePackage { kind, items, dropped_provision_records: dropped })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hogo_domain::testkit::synthetic_number;

    /// M15 (doc 003 37条1項): every number in a text is masked, not only the first.
    #[test]
    fn every_number_is_masked() {
        let a = synthetic_number(1);
        let b = synthetic_number(2);
        let text = format!("配偶者 {} 子 {}", a.expose(), b.expose());
        let m = mask_my_numbers(&text);
        assert_eq!(m.count, 2);
        assert!(find_my_number_like(&m.text).is_none());
    }

    /// M15 (doc 003 37条1項): the principal's own number may stay; others are masked.
    #[test]
    fn principal_number_kept_others_masked() {
        let own = synthetic_number(3);
        let other = synthetic_number(4);
        let text = format!("本人 {} 扶養 {}", own.expose(), other.expose());
        let m = mask_other_numbers(&text, &own);
        assert_eq!(m.count, 1);
        assert!(m.text.contains(own.expose()));
        assert!(!m.text.contains(other.expose()));
    }
}
