//! Rule ids of the two rule books (P1–P11 from doc 000, M1–M16 from doc 003).
//!
//! Every refusal, ledger entry and test cites one of these, so a reader can go from an
//! error message to the article of the rule book and back.

use serde::{Deserialize, Serialize};

/// One numbered rule of `mission.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RuleId {
    /// P1 利用目的 — only the eight purposes.
    P1,
    /// P2 収集 — from the person; never-collect items; 要配慮 only with consent.
    P2,
    /// P3 第三者提供 — consent, partner permission or law; every provision recorded.
    P3,
    /// P4 正確性 — checked at entry, re-confirmed at each contact.
    P4,
    /// P5 取扱者 — placement-department staff only.
    P5,
    /// P6 研修 — yearly training.
    P6,
    /// P7 開示等 — the request procedure.
    P7,
    /// P8 苦情 — complaints.
    P8,
    /// P9 漏えい防止 — encryption of files.
    P9,
    /// P10 アクセス制御 — identified, authorised accounts only.
    P10,
    /// P11 廃棄 — disposal after the registration period.
    P11,
    /// M1 事務の範囲 (Art. 3) — the nine affairs.
    M1,
    /// M2 情報の範囲 (Art. 4).
    M2,
    /// M3 組織 (Art. 5–7) — manager and named clerks.
    M3,
    /// M4 漏えい事案 (Art. 8).
    M4,
    /// M5 取扱記録 (Art. 9).
    M5,
    /// M6 管理台帳 (Art. 10).
    M6,
    /// M7 取得 (Art. 11–18) — purpose notice, 本人確認.
    M7,
    /// M8 利用 (Art. 19–20) — use only within the affair.
    M8,
    /// M9 保管 (Art. 21–23).
    M9,
    /// M10 提供 (Art. 24) — only 番号法19条.
    M10,
    /// M11 廃棄・削除 (Art. 25, 29).
    M11,
    /// M12 物理的措置 (Art. 26–28) — carrying out.
    M12,
    /// M13 技術的措置 (Art. 30–33).
    M13,
    /// M14 委託 (Art. 35–36).
    M14,
    /// M15 開示等 (Art. 37–42).
    M15,
    /// M16 教育・苦情・見直し (Art. 43–45).
    M16,
}

impl RuleId {
    /// Every rule, in document order.
    pub const ALL: [Self; 27] = [
        Self::P1,
        Self::P2,
        Self::P3,
        Self::P4,
        Self::P5,
        Self::P6,
        Self::P7,
        Self::P8,
        Self::P9,
        Self::P10,
        Self::P11,
        Self::M1,
        Self::M2,
        Self::M3,
        Self::M4,
        Self::M5,
        Self::M6,
        Self::M7,
        Self::M8,
        Self::M9,
        Self::M10,
        Self::M11,
        Self::M12,
        Self::M13,
        Self::M14,
        Self::M15,
        Self::M16,
    ];

    /// The short id, e.g. `"M8"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::P1 => "P1",
            Self::P2 => "P2",
            Self::P3 => "P3",
            Self::P4 => "P4",
            Self::P5 => "P5",
            Self::P6 => "P6",
            Self::P7 => "P7",
            Self::P8 => "P8",
            Self::P9 => "P9",
            Self::P10 => "P10",
            Self::P11 => "P11",
            Self::M1 => "M1",
            Self::M2 => "M2",
            Self::M3 => "M3",
            Self::M4 => "M4",
            Self::M5 => "M5",
            Self::M6 => "M6",
            Self::M7 => "M7",
            Self::M8 => "M8",
            Self::M9 => "M9",
            Self::M10 => "M10",
            Self::M11 => "M11",
            Self::M12 => "M12",
            Self::M13 => "M13",
            Self::M14 => "M14",
            Self::M15 => "M15",
            Self::M16 => "M16",
        }
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
