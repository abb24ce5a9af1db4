//! Fuzz target: `MyNumber::parse` and `find_my_number_like` never panic on any text, a
//! reported range is on character boundaries, and whatever `parse` accepts written only
//! in the scan's alphabet (ASCII or full-width digits, single spaces or hyphen-like
//! separators between digits) the scan finds — the leak scan and the ledger's free-text
//! rule cannot miss a number the application would accept in that form.
//! Run with `cargo fuzz run my_number -s none` (stable).
#![no_main]

use hogo_domain::MyNumber;
use hogo_domain::my_number::find_my_number_like;
use libfuzzer_sys::fuzz_target;

fn digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn sep(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{3000}' | '-' | '\u{2212}' | '\u{2010}' | '\u{2011}' | '\u{30FC}' | '\u{FF0D}'
    )
}

/// Digits and single separators between digits only.
fn in_scan_alphabet(text: &str) -> bool {
    let cs: Vec<char> = text.chars().collect();
    !cs.is_empty()
        && digit(cs[0])
        && digit(cs[cs.len() - 1])
        && cs.iter().all(|&c| digit(c) || sep(c))
        && cs.windows(2).all(|w| !(sep(w[0]) && sep(w[1])))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = MyNumber::parse(&text);
    let found = find_my_number_like(&text);
    if let Some(r) = &found {
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        assert!(r.start < r.end);
    }
    if let Ok(n) = parsed {
        assert_eq!(n.expose().len(), 12);
        if in_scan_alphabet(&text) {
            assert!(found.is_some(), "parse accepts a number the scan misses");
        }
    }
});
