//! The 管理台帳 (M6).

use chrono::NaiveDate;
use hogo_domain::my_number::find_my_number_like;
use hogo_domain::testkit::synthetic_number;
use hogo_domain::{Affair, Role};
use hogo_ledger::{
    AccessGrant, DeletionStatus, LedgerError, NumberFile, NumberFileState, Register, SafeText,
};
use proptest::prelude::*;

fn t(s: &str) -> SafeText {
    SafeText::new("test", s).unwrap()
}

fn file() -> NumberFile {
    NumberFile {
        id: t("payroll"),
        kind: t("源泉徴収票作成ファイル"),
        name: t("給与システム 従業員マスタ"),
        responsible_person: t("総務部長 佐藤"),
        department: t("総務部"),
        affairs: vec![Affair::WithholdingSlip, Affair::HealthPensionInsurance],
        controlled_area: t("本社3階 サーバ室"),
        handling_area: t("本社3階 総務部 執務室（パーティション内）"),
    }
}

fn state() -> NumberFileState {
    NumberFileState {
        file_id: t("payroll"),
        deletion: DeletionStatus {
            held: 120,
            due: 3,
            disposed: 41,
            last_disposed_on: NaiveDate::from_ymd_opt(2026, 3, 31),
        },
        access: vec![
            AccessGrant { who: t("鈴木"), role: Role::NumberClerk },
            AccessGrant { who: t("佐藤"), role: Role::NumberManager },
        ],
    }
}

/// M6: the register lists ① – ⑦ for every file, as a table with Japanese headers and as
/// JSON, and neither holds a My-Number-like run.
#[test]
fn register_lists_all_seven_items_as_table_and_json() {
    let r = Register::build(
        t("株式会社テスト"),
        NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
        &[file()],
        &[state()],
    )
    .unwrap();
    let table = r.to_table().unwrap();
    for h in [
        "①種類",
        "①名称",
        "②責任者",
        "②責任部署",
        "③利用目的",
        "④削除・廃棄状況",
        "⑤取扱者",
        "⑥管理区域",
        "⑦取扱区域",
    ] {
        assert!(table.contains(h), "{h}");
    }
    assert!(table.contains("源泉徴収票作成ファイル"));
    assert!(table.contains("廃棄済 41件"));
    assert!(table.contains("鈴木(事務取扱担当者)"));
    assert!(table.contains("本社3階 サーバ室"));
    let json = r.to_json().unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["rows"][0]["file"]["controlled_area"], "本社3階 サーバ室");
    assert_eq!(v["rows"][0]["state"]["deletion"]["disposed"], 41);
    assert!(find_my_number_like(&table).is_none());
    assert!(find_my_number_like(&json).is_none());
}

/// M6: configuration and live state must match file for file.
#[test]
fn register_refuses_unmatched_state() {
    let mut other = state();
    other.file_id = t("other");
    let d = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    assert!(matches!(
        Register::build(t("株式会社テスト"), d, &[file()], &[other]),
        Err(LedgerError::Register { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// M6: a synthetic number can enter no text of the register.
    #[test]
    fn register_text_refuses_synthetic_numbers(seed in any::<u64>()) {
        let n = synthetic_number(seed);
        let err = SafeText::new("responsible_person", format!("担当 {}", n.expose())).unwrap_err();
        prop_assert_eq!(err, LedgerError::MyNumberInText { field: "responsible_person" });
        // and a JSON register holding one is refused on deserialisation
        let json = format!(r#""{}""#, n.expose());
        prop_assert!(serde_json::from_str::<SafeText>(&json).is_err());
    }
}
