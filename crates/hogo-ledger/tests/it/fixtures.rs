//! Fixtures of format version 1 under `tests/data/v1/` still decode and verify, so old
//! ledgers stay verifiable (M5). Regenerate (only for a new format version, never to
//! paper over a change) with `HOGO_LEDGER_WRITE_FIXTURES=1 cargo test -p hogo-ledger`.

use hogo_ledger::{VerifierKey, encoding, export, ledger, verify_export};

use crate::common::{ledger_with, org, signer};

const EXPORT_V1: &str = include_str!("../data/v1/export.jsonl");
const VKEY_V1: &str = include_str!("../data/v1/vkey.txt");

fn generate() -> (String, String) {
    let mut store = ledger_with(1, 24);
    let cp = ledger::checkpoint(&mut store, org(1), &signer(1)).unwrap();
    (
        export(&store, org(1), 0, 24, &cp).unwrap(),
        format!("{}\n", signer(1).verifier_key().to_vkey()),
    )
}

/// M5: the version 1 fixture decodes, re-encodes byte for byte, and verifies offline.
#[test]
fn fixtures_v1_still_decode_and_verify() {
    let key = VerifierKey::parse_vkey(VKEY_V1.trim()).unwrap();
    let summary = verify_export(EXPORT_V1, &[key]).unwrap();
    assert_eq!(summary.entries.len(), 24);
    assert!(summary.entries.iter().any(|e| e.detail_digest.is_some()));
    for e in &summary.entries {
        assert_eq!(encoding::decode(&encoding::encode(e)).unwrap(), *e);
    }
}

/// M5: today's encoder still writes exactly the version 1 fixture (the format did not
/// drift silently).
#[test]
fn encoding_v1_is_unchanged() {
    let (export, vkey) = generate();
    if std::env::var_os("HOGO_LEDGER_WRITE_FIXTURES").is_some() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("export.jsonl"), &export).unwrap();
        std::fs::write(dir.join("vkey.txt"), &vkey).unwrap();
        return;
    }
    assert_eq!(export, EXPORT_V1);
    assert_eq!(vkey, VKEY_V1);
}
