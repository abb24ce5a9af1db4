//! The kinds of 開示等の請求 (P7, M15; APPI 32条2項, 33–35条): one request may carry
//! several.

use serde::{Deserialize, Serialize};

/// One kind of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// 開示 of the 保有個人データ (APPI 33条1項).
    Disclosure,
    /// 開示 of the 第三者提供記録 (APPI 33条5項). Never for My Number data (番号法30条2項).
    ProvisionRecordDisclosure,
    /// 利用目的の通知 (APPI 32条2項).
    PurposeNotification,
    /// 訂正 (APPI 34条).
    Correction,
    /// 追加 (APPI 34条).
    Addition,
    /// 削除 (APPI 34条).
    Deletion,
    /// 利用停止 (APPI 35条1項・5項).
    SuspensionOfUse,
    /// 消去 (APPI 35条1項・5項).
    Erasure,
    /// 第三者提供の停止 (APPI 35条3項・5項).
    StopOfProvision,
}

/// The broad family a kind belongs to; each family has its own decision shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindFamily {
    /// 開示 (incl. 第三者提供記録).
    Disclosure,
    /// 利用目的の通知.
    PurposeNotification,
    /// 訂正・追加・削除 (訂正等).
    Correction,
    /// 利用停止・消去・第三者提供の停止 (利用停止等).
    Suspension,
}

impl RequestKind {
    /// Every kind, in the order of the law.
    pub const ALL: [Self; 9] = [
        Self::Disclosure,
        Self::ProvisionRecordDisclosure,
        Self::PurposeNotification,
        Self::Correction,
        Self::Addition,
        Self::Deletion,
        Self::SuspensionOfUse,
        Self::Erasure,
        Self::StopOfProvision,
    ];

    /// The family.
    pub fn family(self) -> KindFamily {
        match self {
            Self::Disclosure | Self::ProvisionRecordDisclosure => KindFamily::Disclosure,
            Self::PurposeNotification => KindFamily::PurposeNotification,
            Self::Correction | Self::Addition | Self::Deletion => KindFamily::Correction,
            Self::SuspensionOfUse | Self::Erasure | Self::StopOfProvision => KindFamily::Suspension,
        }
    }

    /// Whether the law lets the organisation charge a fee (APPI 38条1項: only purpose
    /// notification and disclosure, incl. provision records).
    pub fn is_chargeable(self) -> bool {
        matches!(self.family(), KindFamily::Disclosure | KindFamily::PurposeNotification)
    }

    /// The article of the APPI the kind rests on.
    pub fn article(self) -> &'static str {
        match self {
            Self::Disclosure => "個人情報保護法33条1項",
            Self::ProvisionRecordDisclosure => "個人情報保護法33条5項",
            Self::PurposeNotification => "個人情報保護法32条2項",
            Self::Correction | Self::Addition | Self::Deletion => "個人情報保護法34条",
            Self::SuspensionOfUse | Self::Erasure => "個人情報保護法35条1項・5項",
            Self::StopOfProvision => "個人情報保護法35条3項・5項",
        }
    }

    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            Self::Disclosure => "disclosure",
            Self::ProvisionRecordDisclosure => "provision_record_disclosure",
            Self::PurposeNotification => "purpose_notification",
            Self::Correction => "correction",
            Self::Addition => "addition",
            Self::Deletion => "deletion",
            Self::SuspensionOfUse => "suspension_of_use",
            Self::Erasure => "erasure",
            Self::StopOfProvision => "stop_of_provision",
        }
    }

    /// Parses a stable id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Disclosure => "開示",
            Self::ProvisionRecordDisclosure => "第三者提供記録の開示",
            Self::PurposeNotification => "利用目的の通知",
            Self::Correction => "訂正",
            Self::Addition => "追加",
            Self::Deletion => "削除",
            Self::SuspensionOfUse => "利用停止",
            Self::Erasure => "消去",
            Self::StopOfProvision => "第三者提供の停止",
        }
    }
}

impl std::fmt::Display for RequestKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label_ja())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P7, M15 (APPI 38条1項): exactly disclosure, provision-record disclosure and
    /// purpose notification are chargeable.
    #[test]
    fn only_disclosure_and_purpose_notification_are_chargeable() {
        let chargeable: Vec<_> =
            RequestKind::ALL.into_iter().filter(|k| k.is_chargeable()).collect();
        assert_eq!(
            chargeable,
            vec![
                RequestKind::Disclosure,
                RequestKind::ProvisionRecordDisclosure,
                RequestKind::PurposeNotification
            ]
        );
    }

    /// P7: stable ids round-trip.
    #[test]
    fn ids_round_trip() {
        for k in RequestKind::ALL {
            assert_eq!(RequestKind::from_id(k.id()), Some(k));
        }
    }
}
