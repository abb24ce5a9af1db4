//! Fuzz target: CSV import parsing. The CLI's parser (`hogo-cli/src/subjects.rs`,
//! `decode` + `parse_csv`) lives in the binary crate, not a library, so this target runs
//! the same shape: BOM/UTF-8 or CP932 decoding with `encoding_rs`, `csv` with a header
//! and trimmed fields, then the `hogo_domain` validation each row goes through
//! (`MyNumber::parse_field`, `find_my_number_like` on the reference, `Affair::from_id`,
//! ISO dates). Never panics; a row error never carries the number's digits.
//! Run with `cargo fuzz run csv_import -s none` (stable).
#![no_main]

use chrono::NaiveDate;
use hogo_domain::my_number::find_my_number_like;
use hogo_domain::{Affair, MyNumber};
use libfuzzer_sys::fuzz_target;

fn decode(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(b"\xEF\xBB\xBF") || std::str::from_utf8(bytes).is_ok() {
        let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        std::str::from_utf8(b).ok().map(str::to_owned)
    } else {
        let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
        (!bad).then(|| text.into_owned())
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = decode(data) else { return };
    let mut reader =
        csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(text.as_bytes());
    let Ok(headers) = reader.headers().cloned() else { return };
    let col = |name: &str| headers.iter().position(|h| h == name);
    for rec in reader.records() {
        let Ok(rec) = rec else { continue };
        let get = |name: &str| {
            col(name).and_then(|c| rec.get(c)).map(str::trim).filter(|s| !s.is_empty())
        };
        if let Some(r) = get("reference") {
            let _ = find_my_number_like(r);
        }
        if let Some(d) = get("birth_date") {
            let _ = NaiveDate::parse_from_str(d, "%Y-%m-%d");
        }
        if let Some(list) = get("affairs") {
            for a in list.split(';') {
                let _ = Affair::from_id(a.trim());
            }
        }
        if let Some(n) = get("my_number") {
            match MyNumber::parse_field("my_number", n) {
                Ok(num) => assert_eq!(num.expose().len(), 12),
                Err(e) => {
                    let msg = e.to_string();
                    let digits: String = n.chars().filter(char::is_ascii_digit).collect();
                    assert!(
                        digits.len() < 4 || !msg.contains(&digits),
                        "an error message repeats the input digits"
                    );
                }
            }
        }
    }
});
