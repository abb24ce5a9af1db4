//! Job placement (doc 000, 職業安定法5条の5 and its 指針): the items a job seeker's record
//! holds and the purposes each is tied to (P1), the check that refuses a vague or unstated
//! purpose (P1), the item check of a consented provision (P3), how a provision record is
//! made and so how long it is kept (APPI 29条, 規則21条), input confirmation and staleness
//! (P4). Pure: no clock, no I/O.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::affair::Purpose;
use crate::consent::{Consent, ConsentScope};
use crate::policy::{Refusal, RefusalCode, ThirdPartyBasis};
use crate::rule::RuleId;

/// An item of a job seeker's record. There is deliberately no item for a never-collect
/// matter (本籍, 思想・信条, 労働組合 …, P2): the API cannot carry one. 要配慮 data is not an
/// item either; it is recorded separately after consent ([`crate::SensitiveKind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeekerItem {
    /// 氏名.
    Name,
    /// フリガナ.
    Furigana,
    /// 生年月日.
    BirthDate,
    /// 住所.
    Address,
    /// 連絡先 (電話・メール).
    Contact,
    /// 希望職種.
    DesiredOccupation,
    /// 職歴.
    WorkHistory,
    /// 資格・免許.
    Qualifications,
    /// 学歴.
    Education,
}

impl SeekerItem {
    /// Every item.
    pub const ALL: [Self; 9] = [
        Self::Name,
        Self::Furigana,
        Self::BirthDate,
        Self::Address,
        Self::Contact,
        Self::DesiredOccupation,
        Self::WorkHistory,
        Self::Qualifications,
        Self::Education,
    ];

    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Furigana => "furigana",
            Self::BirthDate => "birth_date",
            Self::Address => "address",
            Self::Contact => "contact",
            Self::DesiredOccupation => "desired_occupation",
            Self::WorkHistory => "work_history",
            Self::Qualifications => "qualifications",
            Self::Education => "education",
        }
    }

    /// Parses a stable id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.id() == id.trim())
    }

    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Name => "氏名",
            Self::Furigana => "フリガナ",
            Self::BirthDate => "生年月日",
            Self::Address => "住所",
            Self::Contact => "連絡先",
            Self::DesiredOccupation => "希望職種",
            Self::WorkHistory => "職歴",
            Self::Qualifications => "資格・免許",
            Self::Education => "学歴",
        }
    }

    /// The purposes of doc 000 §1 the item serves (P1): an item is used only for these.
    pub fn purposes(self) -> &'static [Purpose] {
        use Purpose as P;
        match self {
            Self::Name | Self::Furigana => &[
                P::Interview,
                P::JobSearchForSeeker,
                P::SeekerSearchForJob,
                P::ProvisionToEmployer,
                P::MailMagazine,
                P::ProvisionToPartnerAgency,
                P::AfterCare,
            ],
            Self::Contact => &[P::Interview, P::MailMagazine, P::AfterCare],
            Self::Address => &[P::Interview, P::ProvisionToEmployer, P::ProvisionToPartnerAgency],
            Self::BirthDate => &[
                P::Interview,
                P::SeekerSearchForJob,
                P::ProvisionToEmployer,
                P::ProvisionToPartnerAgency,
                P::ServiceAnalysis,
            ],
            Self::DesiredOccupation => &[
                P::Interview,
                P::JobSearchForSeeker,
                P::SeekerSearchForJob,
                P::ProvisionToEmployer,
                P::MailMagazine,
                P::ProvisionToPartnerAgency,
                P::ServiceAnalysis,
            ],
            Self::WorkHistory | Self::Qualifications | Self::Education => &[
                P::Interview,
                P::JobSearchForSeeker,
                P::SeekerSearchForJob,
                P::ProvisionToEmployer,
                P::ProvisionToPartnerAgency,
                P::ServiceAnalysis,
            ],
        }
    }

    /// The items a purpose may use.
    pub fn for_purpose(purpose: Purpose) -> Vec<Self> {
        Self::ALL.into_iter().filter(|i| i.purposes().contains(&purpose)).collect()
    }
}

/// Wordings the MHLW Q&A (legal-facts §3) and the 指針 treat as too vague to state a
/// purpose (職業安定法5条の5: 明らかにして). Compared after removing spaces.
const VAGUE: [&str; 9] = [
    "募集情報等提供のため",
    "募集情報等提供",
    "業務のため",
    "事業のため",
    "サービス提供のため",
    "当社の事業活動のため",
    "その他",
    "職業紹介のため",
    "必要な範囲で利用",
];

/// Parses one purpose as stated to a job seeker (P1): a stable id, or the exact wording of
/// doc 000 §1. A vague wording ("募集情報等提供のため") or anything else is refused naming P1.
pub fn parse_stated_purpose(text: &str) -> Result<Purpose, Refusal> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(p) = Purpose::from_id(&t) {
        return Ok(p);
    }
    if let Some(p) = Purpose::ALL.into_iter().find(|p| p.label_ja() == t) {
        return Ok(p);
    }
    let vague = t.is_empty() || VAGUE.contains(&t.as_str()) || t.chars().count() < 6;
    Err(Refusal {
        rule: RuleId::P1,
        code: RefusalCode::PurposeNotStated,
        message_ja: if vague {
            format!(
                "利用目的「{text}」は具体的ではありません（職業安定法5条の5。例: 求人情報のメールマガジン配信のため）"
            )
        } else {
            format!("利用目的「{text}」は規程の利用目的⑴〜⑻にありません（職業安定法5条の5）")
        },
        message_en: if vague {
            "the purpose is too vague to be stated (職業安定法5条の5; e.g. 'sending the job-information mail magazine' is concrete)".into()
        } else {
            "the purpose is not one of the eight purposes (1)–(8) of the rules".into()
        },
    })
}

/// Checks that the items of a consent-based provision are covered by active consents
/// for that very recipient (P3: "consent for that employer and those items"). A consent
/// for another recipient, a withdrawn one, or one without these items does not count. A
/// provision 法令に基づく (27条1項1号) needs no consent.
pub fn check_provision_items(
    consents: &[Consent],
    at: DateTime<Utc>,
    basis: &ThirdPartyBasis,
    items: &[SeekerItem],
) -> Result<(), Refusal> {
    if items.is_empty() {
        return Err(Refusal {
            rule: RuleId::P3,
            code: RefusalCode::ThirdPartyWithoutBasis,
            message_ja: "提供する項目を指定してください".into(),
            message_en: "name the items to provide".into(),
        });
    }
    let (recipient, purpose) = match basis {
        ThirdPartyBasis::RecruitingEmployer { recipient } => {
            (recipient, Purpose::ProvisionToEmployer)
        }
        ThirdPartyBasis::PartnerAgency { recipient } => {
            (recipient, Purpose::ProvisionToPartnerAgency)
        }
        ThirdPartyBasis::RequiredByLaw { .. } => return Ok(()),
        ThirdPartyBasis::Other => {
            return Err(Refusal {
                rule: RuleId::P3,
                code: RefusalCode::ThirdPartyWithoutBasis,
                message_ja: "第三者提供の根拠がありません".into(),
                message_en: "no basis for the provision".into(),
            });
        }
    };
    let covered: BTreeSet<SeekerItem> = consents
        .iter()
        .filter(|c| c.is_active_at(at))
        .filter_map(|c| match &c.scope {
            ConsentScope::ProvisionOfItems { recipient: r, purpose: p, items }
                if r == recipient && *p == purpose =>
            {
                Some(items.iter().copied())
            }
            _ => None,
        })
        .flatten()
        .collect();
    let missing: Vec<&str> =
        items.iter().filter(|i| !covered.contains(i)).map(|i| i.label_ja()).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Refusal {
            rule: RuleId::P3,
            code: RefusalCode::ThirdPartyWithoutBasis,
            message_ja: format!(
                "「{recipient}」への提供について、項目「{}」の本人の同意がありません",
                missing.join("・")
            ),
            message_en: format!(
                "the person has not consented to providing {} item(s) to this recipient",
                missing.len()
            ),
        })
    }
}

/// How a 第三者提供記録 was made, which fixes how long it is kept (規則21条, legal-facts §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProvisionRecordForm {
    /// The consent form or contract serves as the record (規則19条3項): 1 year from the last
    /// provision (`provision_record_per_contract`).
    ContractDocument,
    /// One consolidated record for repeated provision to the recipient (19条2項ただし書):
    /// 3 years from the last provision (`provision_record_consolidated`).
    Consolidated,
    /// A record per provision: 3 years from its creation (`provision_record`).
    Individual,
}

impl ProvisionRecordForm {
    /// The retention document kind id.
    pub fn document_kind(self) -> &'static str {
        match self {
            Self::ContractDocument => "provision_record_per_contract",
            Self::Consolidated => "provision_record_consolidated",
            Self::Individual => "provision_record",
        }
    }

    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            Self::ContractDocument => "contract_document",
            Self::Consolidated => "consolidated",
            Self::Individual => "individual",
        }
    }

    /// Parses a stable id.
    pub fn from_id(id: &str) -> Option<Self> {
        [Self::ContractDocument, Self::Consolidated, Self::Individual]
            .into_iter()
            .find(|f| f.id() == id.trim())
    }
}

/// How an entry was confirmed at input (P4): shown back to the person, or keyed twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputConfirmation {
    /// The entered data was shown back to the person, who confirmed it.
    ShowBack,
    /// The data was keyed twice and both entries matched.
    DoubleEntry,
}

/// What a contact did to the record's accuracy (P4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactOutcome {
    /// The data was re-confirmed with the person, unchanged.
    Reconfirmed,
    /// The data was updated with the person.
    Updated,
    /// The data was not checked at this contact.
    NotChecked,
}

impl ContactOutcome {
    /// Whether the contact counts as a confirmation of the data.
    pub fn confirms(self) -> bool {
        matches!(self, Self::Reconfirmed | Self::Updated)
    }
}

/// Whether a record last confirmed on `last_confirmed` is stale on `today` (P4): not
/// confirmed for more than `max_age_days`.
pub fn is_stale(last_confirmed: NaiveDate, today: NaiveDate, max_age_days: u32) -> bool {
    (today - last_confirmed).num_days() > i64::from(max_age_days)
}

/// The never-collect item a column header names, if any (P2): an import whose header
/// carries one is refused whole. Matches Japanese and English spellings, ignoring case,
/// spaces, `-` and `_`.
pub fn forbidden_column(header: &str) -> Option<crate::info::ForbiddenItem> {
    use crate::info::ForbiddenItem as F;
    let h: String = header
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    const TABLE: &[(&str, F)] = &[
        ("本籍", F::RegisteredDomicile),
        ("本籍地", F::RegisteredDomicile),
        ("registereddomicile", F::RegisteredDomicile),
        ("honseki", F::RegisteredDomicile),
        ("出生地", F::Birthplace),
        ("出身地", F::Birthplace),
        ("birthplace", F::Birthplace),
        ("placeofbirth", F::Birthplace),
        ("人種", F::Race),
        ("race", F::Race),
        ("民族", F::Ethnicity),
        ("ethnicity", F::Ethnicity),
        ("社会的身分", F::SocialStatus),
        ("socialstatus", F::SocialStatus),
        ("門地", F::FamilyOrigin),
        ("familyorigin", F::FamilyOrigin),
        ("家族の職業", F::OtherDiscriminationProne),
        ("家族の収入", F::OtherDiscriminationProne),
        ("familyoccupation", F::OtherDiscriminationProne),
        ("familyincome", F::OtherDiscriminationProne),
        ("資産", F::OtherDiscriminationProne),
        ("assets", F::OtherDiscriminationProne),
        ("容姿", F::OtherDiscriminationProne),
        ("appearance", F::OtherDiscriminationProne),
        ("思想", F::ThoughtAndCreed),
        ("信条", F::ThoughtAndCreed),
        ("思想信条", F::ThoughtAndCreed),
        ("思想・信条", F::ThoughtAndCreed),
        ("creed", F::ThoughtAndCreed),
        ("belief", F::ThoughtAndCreed),
        ("宗教", F::ReligionOrPolitics),
        ("religion", F::ReligionOrPolitics),
        ("支持政党", F::ReligionOrPolitics),
        ("politicalparty", F::ReligionOrPolitics),
        ("愛読書", F::ReligionOrPolitics),
        ("労働組合", F::LabourUnion),
        ("組合", F::LabourUnion),
        ("労働組合加入", F::LabourUnion),
        ("labourunion", F::LabourUnion),
        ("laborunion", F::LabourUnion),
        ("union", F::LabourUnion),
        ("unionmembership", F::LabourUnion),
        ("社会運動", F::SocialMovement),
        ("socialmovement", F::SocialMovement),
    ];
    TABLE.iter().find(|(k, _)| *k == h).map(|(_, f)| *f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::ConsentMethod;
    use crate::ids::{ConsentId, StaffId, SubjectId};
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_750_000_000, 0).unwrap_or_default()
    }

    fn consent(n: u128, recipient: &str, items: Vec<SeekerItem>) -> Consent {
        Consent {
            id: ConsentId::from_uuid(uuid::Uuid::from_u128(n)),
            subject: SubjectId::from_uuid(uuid::Uuid::from_u128(1)),
            scope: ConsentScope::ProvisionOfItems {
                recipient: recipient.into(),
                purpose: Purpose::ProvisionToEmployer,
                items,
            },
            given_at: t0(),
            method: ConsentMethod::Written,
            recorded_by: StaffId::from_uuid(uuid::Uuid::from_u128(2)),
            withdrawn_at: None,
        }
    }

    fn employer(r: &str) -> ThirdPartyBasis {
        ThirdPartyBasis::RecruitingEmployer { recipient: r.into() }
    }

    /// P1: a vague purpose (MHLW Q&A: "募集情報等提供のため") is refused; the wording of
    /// doc 000 and the ids are accepted.
    #[test]
    fn vague_purposes_are_refused() {
        let e = parse_stated_purpose("募集情報等提供のため").unwrap_err();
        assert_eq!(e.rule, RuleId::P1);
        assert!(e.message_ja.contains("具体的"));
        assert!(parse_stated_purpose("業務のため").is_err());
        assert_eq!(parse_stated_purpose("mail_magazine"), Ok(Purpose::MailMagazine));
        assert_eq!(
            parse_stated_purpose("求人情報等のメールマガジンを配信するため"),
            Ok(Purpose::MailMagazine)
        );
    }

    /// P3: the items must be consented for that recipient; a withdrawn consent counts for
    /// nothing; a law-based provision needs no consent.
    #[test]
    fn items_need_consent_for_that_recipient() {
        let a = consent(10, "A社", vec![SeekerItem::Name, SeekerItem::WorkHistory]);
        let at = t0();
        let items = [SeekerItem::Name, SeekerItem::WorkHistory];
        assert!(
            check_provision_items(std::slice::from_ref(&a), at, &employer("A社"), &items).is_ok()
        );
        let more = [SeekerItem::Name, SeekerItem::Address];
        assert_eq!(
            check_provision_items(std::slice::from_ref(&a), at, &employer("A社"), &more)
                .unwrap_err()
                .rule,
            RuleId::P3
        );
        assert!(
            check_provision_items(std::slice::from_ref(&a), at, &employer("B社"), &items).is_err()
        );
        let mut w = a.clone();
        w.withdrawn_at = Some(at);
        assert!(check_provision_items(&[w], at, &employer("A社"), &items).is_err());
        let law = ThirdPartyBasis::RequiredByLaw { law: "刑事訴訟法197条2項".into() };
        assert!(check_provision_items(&[], at, &law, &items).is_ok());
    }

    /// P2: a column naming a never-collect item is recognised in either language.
    #[test]
    fn forbidden_columns_are_recognised() {
        use crate::info::ForbiddenItem as F;
        assert_eq!(forbidden_column("本籍"), Some(F::RegisteredDomicile));
        assert_eq!(forbidden_column(" Labour_Union "), Some(F::LabourUnion));
        assert_eq!(forbidden_column("religion"), Some(F::ReligionOrPolitics));
        assert_eq!(forbidden_column("address"), None);
        assert_eq!(forbidden_column("desired_occupation"), None);
    }

    /// P4: staleness is "not confirmed for more than the configured days".
    #[test]
    fn staleness_by_age() {
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap_or_default();
        assert!(!is_stale(d(1, 1), d(1, 31), 30));
        assert!(is_stale(d(1, 1), d(2, 1), 30));
    }

    /// P1: every item serves at least one purpose, and the mail magazine uses no career data.
    #[test]
    fn every_item_has_purposes() {
        assert!(SeekerItem::ALL.iter().all(|i| !i.purposes().is_empty()));
        assert!(!SeekerItem::for_purpose(Purpose::MailMagazine).contains(&SeekerItem::WorkHistory));
    }

    proptest! {
        /// P3 (quantified): no sequence of consents for other employers — with any items,
        /// withdrawn or not — allows provision to employer X.
        #[test]
        fn consents_for_others_never_allow_x(
            others in proptest::collection::vec(("[A-Wa-w]{1,6}", proptest::collection::vec(0usize..9, 0..9), any::<bool>()), 0..12),
            wanted in proptest::collection::vec(0usize..9, 1..9),
        ) {
            let consents: Vec<Consent> = others
                .iter()
                .enumerate()
                .map(|(n, (r, items, withdrawn))| {
                    let mut c = consent(100 + n as u128, r, items.iter().map(|&i| SeekerItem::ALL[i]).collect());
                    if *withdrawn { c.withdrawn_at = Some(t0()); }
                    c
                })
                .collect();
            let items: Vec<SeekerItem> = wanted.iter().map(|&i| SeekerItem::ALL[i]).collect();
            prop_assert!(check_provision_items(&consents, t0(), &employer("X社"), &items).is_err());
        }
    }
}
