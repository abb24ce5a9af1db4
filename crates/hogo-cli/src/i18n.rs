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
        let Some((ja, en)) = bilingual.split_once(" / ") else { return bilingual.to_owned() };
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
