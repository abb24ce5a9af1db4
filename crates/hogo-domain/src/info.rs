//! Information categories (P2, M2): ordinary, 要配慮個人情報, never-collect items, My
//! Number and identity-document copies; and the vault's data classes.

use serde::{Deserialize, Serialize};

/// A kind of 要配慮個人情報 (APPI 2条3項, 令2条, 個情規則5条): eleven kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SensitiveKind {
    /// 人種.
    Race,
    /// 信条.
    Creed,
    /// 社会的身分.
    SocialStatus,
    /// 病歴.
    MedicalHistory,
    /// 犯罪の経歴.
    CriminalRecord,
    /// 犯罪により害を被った事実.
    CrimeVictim,
    /// 心身の機能の障害.
    Disability,
    /// 健康診断等の結果.
    HealthCheckResult,
    /// 医師等による指導・診療・調剤.
    MedicalGuidanceOrTreatment,
    /// 被疑者・被告人としての刑事手続.
    CriminalProceedings,
    /// 少年保護事件手続.
    JuvenileProceedings,
}

impl SensitiveKind {
    /// All eleven.
    pub const ALL: [Self; 11] = [
        Self::Race,
        Self::Creed,
        Self::SocialStatus,
        Self::MedicalHistory,
        Self::CriminalRecord,
        Self::CrimeVictim,
        Self::Disability,
        Self::HealthCheckResult,
        Self::MedicalGuidanceOrTreatment,
        Self::CriminalProceedings,
        Self::JuvenileProceedings,
    ];

    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Race => "人種",
            Self::Creed => "信条",
            Self::SocialStatus => "社会的身分",
            Self::MedicalHistory => "病歴",
            Self::CriminalRecord => "犯罪の経歴",
            Self::CrimeVictim => "犯罪により害を被った事実",
            Self::Disability => "心身の機能の障害",
            Self::HealthCheckResult => "健康診断等の結果",
            Self::MedicalGuidanceOrTreatment => "医師等による指導・診療・調剤",
            Self::CriminalProceedings => "被疑者・被告人としての刑事手続",
            Self::JuvenileProceedings => "少年保護事件手続",
        }
    }
}

/// An item doc 000 §2 and the 職安法指針 say is never collected (P2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForbiddenItem {
    /// 人種 (also 要配慮: never-collect wins).
    Race,
    /// 民族.
    Ethnicity,
    /// 社会的身分 (also 要配慮: never-collect wins).
    SocialStatus,
    /// 門地.
    FamilyOrigin,
    /// 本籍.
    RegisteredDomicile,
    /// 出生地.
    Birthplace,
    /// 家族の職業・収入, 資産, 容姿 and other discrimination-prone items.
    OtherDiscriminationProne,
    /// 思想及び信条 (信条 is also 要配慮: never-collect wins).
    ThoughtAndCreed,
    /// 宗教, 支持政党, 愛読書 etc. (思想・信条 in the 指針's examples).
    ReligionOrPolitics,
    /// 労働組合への加入状況.
    LabourUnion,
    /// 労働運動・学生運動・消費者運動その他社会運動への参加.
    SocialMovement,
}

impl ForbiddenItem {
    /// All never-collect items.
    pub const ALL: [Self; 11] = [
        Self::Race,
        Self::Ethnicity,
        Self::SocialStatus,
        Self::FamilyOrigin,
        Self::RegisteredDomicile,
        Self::Birthplace,
        Self::OtherDiscriminationProne,
        Self::ThoughtAndCreed,
        Self::ReligionOrPolitics,
        Self::LabourUnion,
        Self::SocialMovement,
    ];

    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Race => "人種",
            Self::Ethnicity => "民族",
            Self::SocialStatus => "社会的身分",
            Self::FamilyOrigin => "門地",
            Self::RegisteredDomicile => "本籍",
            Self::Birthplace => "出生地",
            Self::OtherDiscriminationProne => "その他社会的差別の原因となるおそれのある事項",
            Self::ThoughtAndCreed => "思想及び信条",
            Self::ReligionOrPolitics => "宗教・支持政党等",
            Self::LabourUnion => "労働組合への加入状況",
            Self::SocialMovement => "社会運動への参加状況",
        }
    }

    /// The 要配慮 kind the item also is, if any.
    pub fn also_sensitive(self) -> Option<SensitiveKind> {
        match self {
            Self::Race => Some(SensitiveKind::Race),
            Self::SocialStatus => Some(SensitiveKind::SocialStatus),
            Self::ThoughtAndCreed => Some(SensitiveKind::Creed),
            _ => None,
        }
    }
}

/// The category of one item of personal information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "category", content = "kind")]
pub enum InfoCategory {
    /// Ordinary personal information.
    Ordinary,
    /// 要配慮個人情報: only with consent after the need was explained (P2).
    Sensitive(SensitiveKind),
    /// Never collected (P2), unless the 指針's narrow exception is recorded.
    Forbidden(ForbiddenItem),
    /// A My Number (特定個人情報).
    MyNumber,
    /// A copy of an identity document (M2 Art. 4①).
    IdentityDocumentCopy,
}

impl InfoCategory {
    /// Classifies a 要配慮 kind: where it is also a never-collect item, never-collect wins.
    pub fn of_sensitive(kind: SensitiveKind) -> Self {
        ForbiddenItem::ALL
            .into_iter()
            .find(|f| f.also_sensitive() == Some(kind))
            .map_or(Self::Sensitive(kind), Self::Forbidden)
    }

    /// The vault data class that holds this category.
    pub fn data_class(self) -> DataClass {
        match self {
            Self::Ordinary => DataClass::Profile,
            Self::Sensitive(_) | Self::Forbidden(_) => DataClass::Sensitive,
            Self::MyNumber => DataClass::MyNumber,
            Self::IdentityDocumentCopy => DataClass::IdentityDocumentCopy,
        }
    }
}

/// The 指針's narrow exception for a never-collect item: a special occupational
/// necessity, the purpose shown to the person, collected from the person. Enabled per
/// item only with the necessity recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OccupationalNecessity {
    /// The item the exception is for.
    pub item: ForbiddenItem,
    /// Why the occupation needs it (recorded, non-empty).
    pub necessity: String,
    /// The purpose was shown to the person.
    pub purpose_shown: bool,
    /// The item is collected from the person themself.
    pub from_the_person: bool,
}

impl OccupationalNecessity {
    /// Whether the exception's three conditions hold.
    pub fn is_complete(&self) -> bool {
        !self.necessity.trim().is_empty() && self.purpose_shown && self.from_the_person
    }
}

/// A vault data class: data of one subject that falls due together and so has its own
/// data key (different classes of one subject fall due on different dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataClass {
    /// The My Number itself.
    MyNumber,
    /// 要配慮 data.
    Sensitive,
    /// Identity-document copies.
    IdentityDocumentCopy,
    /// Ordinary profile data (name, address, …).
    Profile,
    /// A 求職管理簿 row (P11): kept 2 years after 完結 while the profile is disposed of at
    /// the registration's end, so it has its own data key.
    PlacementRegister,
}

impl DataClass {
    /// Every class.
    pub const ALL: [Self; 5] = [
        Self::MyNumber,
        Self::Sensitive,
        Self::IdentityDocumentCopy,
        Self::Profile,
        Self::PlacementRegister,
    ];

    /// The stable id (used in associated data and storage).
    pub fn id(self) -> &'static str {
        match self {
            Self::MyNumber => "my_number",
            Self::Sensitive => "sensitive",
            Self::IdentityDocumentCopy => "identity_document_copy",
            Self::Profile => "profile",
            Self::PlacementRegister => "placement_register",
        }
    }

    /// Parses a stable id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P2: where an item is both never-collect and 要配慮, never-collect wins.
    #[test]
    fn never_collect_wins_over_sensitive() {
        assert_eq!(
            InfoCategory::of_sensitive(SensitiveKind::Race),
            InfoCategory::Forbidden(ForbiddenItem::Race)
        );
        assert_eq!(
            InfoCategory::of_sensitive(SensitiveKind::Creed),
            InfoCategory::Forbidden(ForbiddenItem::ThoughtAndCreed)
        );
        assert_eq!(
            InfoCategory::of_sensitive(SensitiveKind::SocialStatus),
            InfoCategory::Forbidden(ForbiddenItem::SocialStatus)
        );
        assert_eq!(
            InfoCategory::of_sensitive(SensitiveKind::MedicalHistory),
            InfoCategory::Sensitive(SensitiveKind::MedicalHistory)
        );
    }
}
