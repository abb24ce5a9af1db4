//! Output: tables with East-Asian widths (comfy-table), JSON with stable field names, and
//! errors explained in one language, naming the field and the rule.

use std::io::{self, Write as _};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;

use crate::i18n::Lang;

/// Writes to stdout like `println!`, but a closed pipe (`hogo … | head`) ends the program
/// quietly with exit 0 instead of panicking; see [`write_stdout`].
macro_rules! outln {
    () => {
        $crate::out::write_stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::out::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes to stdout like `print!` (no newline); a closed pipe ends the program quietly.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::write_stdout(format_args!($($arg)*))
    };
}

/// Writes a line to stderr like `eprintln!`, ignoring a closed stderr instead of panicking.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::out::write_stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes to stdout with `write!`. On [`io::ErrorKind::BrokenPipe`] (the reader went away,
/// e.g. `hogo request list | head -1`) the program exits quietly with code 0; any other
/// write error is reported on stderr and exits with code 1. Never panics.
pub(crate) fn write_stdout(args: std::fmt::Arguments<'_>) {
    let mut stdout = io::stdout().lock();
    let res = write!(stdout, "{args}").and_then(|()| stdout.flush());
    if let Err(e) = res {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        write_stderr(format_args!("error: stdout: {e}\n"));
        std::process::exit(1);
    }
}

/// Writes to stderr with `write!`, ignoring errors (a closed stderr must not panic).
pub(crate) fn write_stderr(args: std::fmt::Arguments<'_>) {
    let _ = write!(io::stderr().lock(), "{args}");
}

/// A table with a header.
pub(crate) fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(header.iter().copied());
    t
}

/// Prints a value as pretty JSON.
pub(crate) fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    outln!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Explains an error in one language: the application's typed errors name the field and
/// the rule; anything else is shown as is (it never carries a number).
pub(crate) fn explain(err: &anyhow::Error, lang: Lang) -> String {
    if let Some(at) = err.downcast_ref::<crate::subjects::AtLine>() {
        let line = match lang {
            Lang::Ja => format!("{}行目", at.line),
            Lang::En => format!("line {}", at.line),
        };
        return format!("{line}: {}", explain_app(&at.source.clone().without_row(), lang));
    }
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
