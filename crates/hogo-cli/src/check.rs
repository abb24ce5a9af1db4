//! `hogo mynumber check` and `hogo corporate-number check`: validation that stores
//! nothing and echoes nothing, and so needs no sign-in.

use std::io::BufRead;

use hogo_domain::{CorporateNumber, MyNumber};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::i18n::Lang;

/// One line's verdict.
#[derive(Debug, Serialize)]
pub(crate) struct Verdict {
    /// 1-based line (or argument) number.
    pub(crate) line: usize,
    /// Whether the value is valid.
    pub(crate) valid: bool,
    /// Why not (never containing the value).
    pub(crate) reason: Option<String>,
}

/// Checks My Numbers read from `input`, one a line; blank lines are skipped.
pub(crate) fn my_numbers(input: impl BufRead, lang: Lang) -> std::io::Result<Vec<Verdict>> {
    let mut out = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = Zeroizing::new(line?);
        if line.trim().is_empty() {
            continue;
        }
        let field = format!("line {}", i + 1);
        let verdict = match MyNumber::parse_field(&field, &line) {
            Ok(_) => Verdict { line: i + 1, valid: true, reason: None },
            Err(e) => {
                Verdict { line: i + 1, valid: false, reason: Some(lang.half(&e.to_string())) }
            }
        };
        out.push(verdict);
    }
    Ok(out)
}

/// Checks 法人番号 given as arguments (public numbers: argv is fine).
pub(crate) fn corporate_numbers(args: &[String], lang: Lang) -> Vec<Verdict> {
    args.iter()
        .enumerate()
        .map(|(i, a)| match CorporateNumber::parse_field(&format!("arg {}", i + 1), a) {
            Ok(_) => Verdict { line: i + 1, valid: true, reason: None },
            Err(e) => {
                Verdict { line: i + 1, valid: false, reason: Some(lang.half(&e.to_string())) }
            }
        })
        .collect()
}

/// Prints verdicts as text or JSON; returns whether all were valid.
pub(crate) fn print(
    verdicts: &[Verdict],
    json: bool,
    lang: Lang,
    what_ja: &str,
    what_en: &str,
) -> bool {
    if json {
        outln!("{}", serde_json::to_string_pretty(verdicts).unwrap_or_else(|_| "[]".into()));
    } else {
        for v in verdicts {
            match &v.reason {
                None => outln!(
                    "{}: {}",
                    lang.pick(&format!("{}行目", v.line), &format!("line {}", v.line)),
                    lang.pick("有効", "valid")
                ),
                Some(r) => outln!(
                    "{}: {} — {r}",
                    lang.pick(&format!("{}行目", v.line), &format!("line {}", v.line)),
                    lang.pick("無効", "invalid")
                ),
            }
        }
        let bad = verdicts.iter().filter(|v| !v.valid).count();
        errln!(
            "{}",
            lang.pick(
                &format!(
                    "{what_ja}: {}件中 有効 {}件・無効 {bad}件",
                    verdicts.len(),
                    verdicts.len() - bad
                ),
                &format!(
                    "{what_en}: {} checked, {} valid, {bad} invalid",
                    verdicts.len(),
                    verdicts.len() - bad
                ),
            )
        );
    }
    verdicts.iter().all(|v| v.valid)
}
