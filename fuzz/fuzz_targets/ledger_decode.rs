//! Fuzz target: the ledger's entry decoder (`hogo_ledger::encoding::decode`) is total —
//! any bytes give an entry or a typed error, never a panic — and a decoded entry
//! re-encodes to bytes that decode to the same entry (what `verify` relies on to call
//! stored bytes canonical). Run with `cargo fuzz run ledger_decode -s none` (stable).
#![no_main]

use hogo_ledger::encoding::{decode, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(entry) = decode(data) {
        let again = encode(&entry);
        match decode(&again) {
            Ok(e2) => assert!(e2 == entry, "re-encoded entry decodes differently"),
            Err(e) => panic!("a decoded entry re-encodes to undecodable bytes: {e}"),
        }
    }
});
