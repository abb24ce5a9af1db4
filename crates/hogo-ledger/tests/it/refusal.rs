//! Synthetic My Numbers in every text field are refused (M5, M6); a 法人番号 passes; no
//! encoding holds a My-Number-like run.

use hogo_domain::my_number::find_my_number_like;
use hogo_domain::testkit::synthetic_number;
use hogo_ledger::{DocumentKind, Ed25519Signer, LedgerError, NewEntry, SafeText, encoding};
use proptest::prelude::*;

use crate::common::{org, sample_entry};

fn wide(d: &str) -> String {
    d.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap()
            } else {
                '－'
            }
        })
        .collect()
}

/// The ways a number may be written inside free text.
fn written(d: &str, style: u8) -> String {
    match style % 6 {
        0 => d.to_owned(),
        1 => format!("{}-{}-{}", &d[..4], &d[4..8], &d[8..]),
        2 => format!("{} {} {}", &d[..4], &d[4..8], &d[8..]),
        3 => wide(d),
        4 => format!("個人番号は{}です", d),
        _ => format!("No.{}　確認済", wide(&format!("{}-{}-{}", &d[..4], &d[4..8], &d[8..]))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// M5 / M6: a synthetic number, however written, is refused in every text field, and
    /// the error never repeats it.
    #[test]
    fn synthetic_numbers_in_every_text_field_are_refused(seed in any::<u64>(), style in any::<u8>(), field in 0u8..8) {
        let n = synthetic_number(seed);
        let text = written(n.expose(), style);
        let base = sample_entry(org(1), 0);
        let err = match field {
            0 => base.with_note(&text).unwrap_err(),
            1 => base.with_legal_basis(&text).unwrap_err(),
            2 => base.with_detail(&text).unwrap_err(),
            3 => SafeText::new("object", text.clone()).unwrap_err(),
            4 => SafeText::new("code", text.clone()).unwrap_err(),
            5 => DocumentKind::new(format!("slip-{}", n.expose())).unwrap_err(),
            6 => hogo_ledger::ledger::create_log(
                    &mut hogo_ledger::memory::InMemoryLedgerStore::new(), org(1), &text, vec![]).unwrap_err(),
            _ => Ed25519Signer::from_seed(&format!("k{}", n.expose()), zeroize::Zeroizing::new([1; 32])).err().unwrap(),
        };
        prop_assert!(matches!(err, LedgerError::MyNumberInText { .. }), "{}", err);
        prop_assert!(!err.to_string().contains(n.expose()));
    }

    /// M5: whatever text is accepted, the canonical encoding of the entry holds no run of
    /// twelve digits with a valid check digit.
    #[test]
    fn no_encoding_holds_a_my_number_like_run(a in "[0-9０-９ -]{0,20}", b in "[0-9a-z -]{0,20}", i in 0u64..50) {
        let mut e = sample_entry(org(1), i);
        if let Ok(x) = e.clone().with_note(&a) { e = x; }
        if let Ok(x) = e.clone().with_legal_basis(&b) { e = x; }
        let mut store = hogo_ledger::memory::InMemoryLedgerStore::new();
        hogo_ledger::ledger::create_log(&mut store, org(1), "o", vec![]).unwrap();
        hogo_ledger::ledger::append(&mut store, org(1), vec![e], &hogo_domain::testkit::SeededEntropy::new(1)).unwrap();
        let stored = hogo_ledger::LedgerStore::entries(&store, org(1), 0, 1).unwrap();
        let bytes = encoding::encode(&stored[0].entry);
        prop_assert!(find_my_number_like(&String::from_utf8_lossy(&bytes)).is_none());
    }
}

/// M5: a 13-digit 法人番号 in every text field passes.
#[test]
fn corporate_number_passes_in_every_text_field() {
    let t = "株式会社テスト（法人番号 7123456789012）";
    let e = sample_entry(org(1), 0)
        .with_note(t)
        .unwrap()
        .with_legal_basis(t)
        .unwrap()
        .with_detail(t)
        .unwrap();
    assert_eq!(e.note.unwrap().as_str(), t);
}

/// M5: a refused batch writes nothing (the caller's transaction stays clean).
#[test]
fn a_batch_with_a_foreign_entry_writes_nothing() {
    let mut store = crate::common::ledger_with(1, 3);
    let before = hogo_ledger::LedgerStore::head(&store, org(1)).unwrap();
    let batch: Vec<NewEntry> = vec![sample_entry(org(1), 3), sample_entry(org(2), 4)];
    let err = hogo_ledger::ledger::append(
        &mut store,
        org(1),
        batch,
        &hogo_domain::testkit::SeededEntropy::new(1),
    )
    .unwrap_err();
    assert_eq!(err, LedgerError::WrongOrganisation { log: org(1) });
    assert_eq!(hogo_ledger::LedgerStore::head(&store, org(1)).unwrap(), before);
}
