//! One message catalogue for Japanese and English. The language comes from `--lang`, or
//! `LANG` (Japanese when it starts with `ja`), English otherwise.

use clap::ValueEnum;

/// The language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Lang {
    /// 日本語.
    Ja,
    /// English.
    En,
}

impl Lang {
    /// From `--lang` or the environment.
    pub(crate) fn resolve(flag: Option<Self>) -> Self {
        flag.unwrap_or_else(|| match std::env::var("LANG") {
            Ok(l) if l.starts_with("ja") => Self::Ja,
            _ => Self::En,
        })
    }

    /// Picks the text for this language.
    pub(crate) fn pick<'a>(self, ja: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::Ja => ja,
            Self::En => en,
        }
    }

    /// Picks one half of a bilingual `"field: 日本語 / English (rule)"` message built by
    /// the core crates: the field stays in front, the rule stays at the end.
    pub(crate) fn half(self, bilingual: &str) -> String {
        let Some((ja, en)) = split_languages(bilingual) else { return bilingual.to_owned() };
        let field = ja.split_once(": ").map(|(f, _)| f);
        match self {
            Self::Ja => {
                let rule =
                    if en.ends_with(')') { en.rfind(" (").map_or("", |i| &en[i..]) } else { "" };
                format!("{ja}{rule}")
            }
            Self::En => match field {
                Some(f) if !en.starts_with(f) => format!("{f}: {en}"),
                _ => en.to_owned(),
            },
        }
    }
}

/// Splits `"日本語 / English"` at the first `" / "` outside brackets, so that a bilingual
/// value inside the Japanese half (e.g. `（7桁の郵便番号 / a 7-digit postcode）`) stays
/// whole; falls back to the first `" / "`.
fn split_languages(text: &str) -> Option<(&str, &str)> {
    let mut depth = 0_i32;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '（' | '「' | '[' => depth += 1,
            ')' | '）' | '」' | ']' => depth -= 1,
            ' ' if depth == 0 && text[i..].starts_with(" / ") => {
                return Some((&text[..i], &text[i + 3..]));
            }
            _ => {}
        }
    }
    text.split_once(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P7: a bilingual value inside the Japanese half does not split the message early.
    #[test]
    fn half_keeps_bracketed_bilingual_values_whole() {
        let m = "principal.postcode: 形式が正しくありません（7桁の郵便番号 / a 7-digit postcode） / malformed, expected 7桁の郵便番号 / a 7-digit postcode (P7)";
        assert_eq!(
            Lang::Ja.half(m),
            "principal.postcode: 形式が正しくありません（7桁の郵便番号 / a 7-digit postcode） (P7)"
        );
        assert!(Lang::En.half(m).starts_with("principal.postcode: malformed, expected"));
        assert_eq!(Lang::En.half("x: 日本語 / English (M1)"), "x: English (M1)");
    }
}
