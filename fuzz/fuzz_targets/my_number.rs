//! Fuzz target: `MyNumber::parse` and `find_my_number_like` never panic on any text, a
//! reported range is on character boundaries, and every text `parse` accepts the scan
//! finds — the scan normalises as `parse` does (NFKC digit variants, any run of spaces or
//! hyphen-like marks between digits), so the leak scan and the ledger's free-text rule
//! cannot miss a number the application would accept.
//! Run with `cargo fuzz run my_number -s none` (stable).
#![no_main]

use hogo_domain::MyNumber;
use hogo_domain::my_number::find_my_number_like;
use libfuzzer_sys::fuzz_target;

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
        assert!(found.is_some(), "parse accepts a text the scan misses");
    }
});
