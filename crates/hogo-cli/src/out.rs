//! Output: tables with East-Asian widths (comfy-table), JSON with stable field names, and
//! errors explained in one language, naming the field and the rule.

#![allow(clippy::print_stdout, reason = "the CLI prints")]

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;

use crate::i18n::Lang;

/// A table with a header.
pub(crate) fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(header.iter().copied());
    t
}

/// Prints a value as pretty JSON.
pub(crate) fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Explains an error in one language: the application's typed errors name the field and
/// the rule; anything else is shown as is (it never carries a number).
pub(crate) fn explain(err: &anyhow::Error, lang: Lang) -> String {
    if let Some(e) = err.downcast_ref::<hogo::Error>() {
        return explain_app(e, lang);
    }
    lang.half(&format!("{err:#}"))
}

/// One application error, in one language.
pub(crate) fn explain_app(e: &hogo::Error, lang: Lang) -> String {
    match e {
        hogo::Error::Refused(r) => match lang {
            Lang::Ja => format!("拒否されました ({}): {}", r.rule, r.message_ja),
            Lang::En => format!("refused ({}): {}", r.rule, r.message_en),
        },
        hogo::Error::Invalid { field, rule, message } => {
            let half = lang.half(message);
            match lang {
                Lang::Ja => format!("入力が正しくありません — {field}: {half} ({rule})"),
                Lang::En => format!("invalid input — {field}: {half} ({rule})"),
            }
        }
        hogo::Error::Busy => lang
            .pick("データベースが使用中です。再実行してください", "the database is busy: try again")
            .to_owned(),
        other => lang.half(&other.to_string()),
    }
}
