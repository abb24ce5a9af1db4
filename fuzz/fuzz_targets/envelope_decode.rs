//! Fuzz target: the vault's envelope decoder is total — any bytes give a decoded
//! envelope or a typed error, never a panic — and a decoded envelope re-encodes to the
//! same header bytes. Run with `cargo fuzz run envelope_decode -s none` (stable).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(env) = hogo_vault::decode_envelope(data) {
        assert_eq!(&env.header.encode()[..], env.header_bytes);
        assert_eq!(env.header_bytes.len() + env.ciphertext.len() + env.tag.len(), data.len());
    }
});
