//! Intake: every field of the seed's 個人情報開示等請求書 (doc 000), validated with a typed
//! error naming the field.
//!
//! The data collected on the form is used only to handle this request (the form's own
//! note, APPI 18条); enclosed ID copies are kept under the retention of the document kind
//! [`IDENTITY_DOCUMENT_COPY_KIND`]. No field may hold a My Number: every free text is
//! scanned with [`hogo_domain::my_number::find_my_number_like`].

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use hogo_domain::my_number::find_my_number_like;
use hogo_domain::verification::IdentityDocument;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::decision::SuspensionGround;
use crate::error::{RequestError, Result};
use crate::kind::{KindFamily, RequestKind};

/// The retention document kind that enclosed ID copies follow (the stable id of
/// `hogo_domain::DataClass::IdentityDocumentCopy`).
pub const IDENTITY_DOCUMENT_COPY_KIND: &str = "identity_document_copy";

/// The form's note on use: request data serve this request only.
pub const USE_LIMITATION_NOTE_JA: &str = "「開示等請求書」により取得した個人情報は、当該開示等の請求への対応以外の目的には使用しません。";

/// 性別 as written on the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// 男.
    Male,
    /// 女.
    Female,
    /// 記入なし / 回答しない.
    NotStated,
}

impl Sex {
    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Male => "男",
            Self::Female => "女",
            Self::NotStated => "記入なし",
        }
    }
}

/// A person's details on the form (the principal's or the agent's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDetails {
    /// 氏名.
    pub name: String,
    /// フリガナ (katakana or hiragana).
    pub furigana: String,
    /// 性別.
    pub sex: Sex,
    /// 生年月日.
    pub date_of_birth: NaiveDate,
    /// 〒 (7 digits, e.g. `210-0804`).
    pub postcode: String,
    /// 住所.
    pub address: String,
    /// 電話番号.
    pub phone: String,
    /// 日中連絡がつく電話番号 (optional).
    pub daytime_phone: Option<String>,
}

/// The identity document ticked on the form (its type only, never its number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentChoice {
    /// The document type. 個人番号カード means its front only.
    pub document: IdentityDocument,
    /// For 「その他」: what the document is.
    pub other_description: Option<String>,
}

/// 法定代理人 or 任意代理人.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentKind {
    /// 法定代理人 (parent of a minor, 成年後見人).
    LegalRepresentative,
    /// 任意代理人 (appointed by the person with a 委任状).
    AppointedAgent,
}

impl AgentKind {
    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::LegalRepresentative => "法定代理人",
            Self::AppointedAgent => "任意代理人",
        }
    }
}

/// A document enclosed to prove an agent's authority (委任確認資料).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum AuthorityEnclosure {
    /// 委任状.
    PowerOfAttorney {
        /// Sealed with the principal's registered seal (実印).
        registered_seal: bool,
    },
    /// 委任状に押印された印鑑の印鑑証明書.
    SealCertificate,
    /// 戸籍謄本 etc. (法定代理人 of a minor).
    FamilyRegister,
    /// 登記事項証明書 (成年後見人).
    GuardianshipRegistration,
}

impl AuthorityEnclosure {
    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::PowerOfAttorney { registered_seal: true } => "委任状（実印押印）",
            Self::PowerOfAttorney { registered_seal: false } => "委任状",
            Self::SealCertificate => "印鑑証明書",
            Self::FamilyRegister => "戸籍謄本等",
            Self::GuardianshipRegistration => "登記事項証明書",
        }
    }
}

/// The 代理人 section of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    /// 法定代理人 / 任意代理人.
    pub kind: AgentKind,
    /// 代理人氏名, フリガナ, 性別, 生年月日, 住所, 電話番号.
    pub person: PersonDetails,
    /// 代理人確認書類.
    pub identity_document: DocumentChoice,
    /// 委任確認資料 ticked on the form (checked by the clerk later).
    pub authority: BTreeSet<AuthorityEnclosure>,
}

/// 請求者: the person (本人) or an agent (代理人).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum Requester {
    /// 本人.
    Principal,
    /// 代理人.
    Agent(Box<Agent>),
}

/// 求職申込した時期・場所 (job seekers only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobApplication {
    /// 年月日頃 (approximate).
    pub around: NaiveDate,
    /// 求職申込した場所.
    pub place: String,
}

/// 訂正、削除すべき情報の内容 and 請求理由.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionRequest {
    /// 訂正、削除すべき情報の内容.
    pub content: String,
    /// 訂正、削除の請求理由.
    pub reason: String,
}

/// 利用停止、消去、第三者提供への停止の請求の理由.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuspensionRequest {
    /// The reason in the person's words.
    pub reason: String,
    /// The APPI 35条 ground the reason points to, if the clerk can tell (optional).
    pub claimed_ground: Option<SuspensionGround>,
    /// For 第三者提供の停止: which provision is to stop — to the named recipients, or every
    /// third-party provision. Absent: every provision (the seed's form names no recipient,
    /// so an unqualified request stops all consent-based provision; P7, APPI 35条3項・5項).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provision_stop: Option<ProvisionStop>,
}

/// What a 第三者提供の停止 covers (P3, P7; APPI 35条3項・5項). A granted stop withdraws the
/// person's consents to provision to these recipients (or to anyone) at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "scope")]
pub enum ProvisionStop {
    /// Every consent-based third-party provision (求人企業 and 業務提携先).
    All,
    /// Provision to the named recipients only (e.g. one partner agency).
    Recipients {
        /// The recipients, as named in the consents (求人企業名・提携先名).
        recipients: Vec<String>,
    },
}

impl ProvisionStop {
    /// Whether the stop covers provision to `recipient` (names compared trimmed).
    pub fn covers(&self, recipient: &str) -> bool {
        match self {
            Self::All => true,
            Self::Recipients { recipients } => {
                recipients.iter().any(|r| r.trim() == recipient.trim())
            }
        }
    }
}

impl SuspensionRequest {
    /// What a stop of provision covers: the form's scope, or every provision when the
    /// form names none.
    pub fn provision_stop_scope(&self) -> ProvisionStop {
        self.provision_stop.clone().unwrap_or(ProvisionStop::All)
    }
}

/// ご請求に対する回答方法.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum AnswerMethod {
    /// 電子メール (electronic delivery, APPI 33条1項).
    Email {
        /// The address.
        address: String,
    },
    /// 郵便 (書面).
    Post,
    /// その他の方法.
    Other {
        /// What the person asked for.
        description: String,
    },
}

impl AnswerMethod {
    /// Whether this is electronic delivery (APPI 33条1項 電磁的記録の提供).
    pub fn is_electronic(&self) -> bool {
        matches!(self, Self::Email { .. })
    }

    /// The Japanese label (no address).
    pub fn label_ja(&self) -> &'static str {
        match self {
            Self::Email { .. } => "電子メール",
            Self::Post => "郵便（書面）",
            Self::Other { .. } => "その他の方法",
        }
    }
}

/// The whole 個人情報開示等請求書.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestForm {
    /// The date written on the form (年月日).
    pub form_date: NaiveDate,
    /// 開示等の請求内容 (one or more).
    pub kinds: BTreeSet<RequestKind>,
    /// 請求者.
    pub requester: Requester,
    /// ご本人の氏名, フリガナ, 性別, 生年月日, 住所, 電話番号, 日中連絡先.
    pub principal: PersonDetails,
    /// 本人確認書類 (required when the principal requests; optional for agents).
    pub principal_identity_document: Option<DocumentChoice>,
    /// 求職申込した時期・場所 (job seekers).
    pub job_application: Option<JobApplication>,
    /// 訂正・削除の内容と理由 (required for 訂正・追加・削除).
    pub correction: Option<CorrectionRequest>,
    /// 利用停止等の理由 (required for 利用停止・消去・第三者提供の停止).
    pub suspension: Option<SuspensionRequest>,
    /// 回答方法.
    pub answer_method: AnswerMethod,
}

const NAME_MAX: usize = 100;
const TEXT_MAX: usize = 2_000;

/// Checks a free text: required or not, length, and no My Number-like run.
pub(crate) fn check_text(field: &str, text: &str, max: usize) -> Result<()> {
    if text.trim().is_empty() {
        return Err(RequestError::Missing { field: field.to_owned() });
    }
    if text.chars().count() > max {
        return Err(RequestError::TooLong { field: field.to_owned(), max });
    }
    refuse_my_number(field, text)
}

/// Refuses a text holding a My Number-like run.
pub(crate) fn refuse_my_number(field: &str, text: &str) -> Result<()> {
    if find_my_number_like(text).is_some() {
        return Err(RequestError::MyNumberInText { field: field.to_owned() });
    }
    Ok(())
}

fn digits_only(text: &str) -> Option<String> {
    let norm: String = text.nfkc().collect();
    let mut out = String::new();
    for c in norm.chars() {
        if c.is_ascii_digit() {
            out.push(c);
        } else if !matches!(c, '-' | ' ' | '(' | ')' | '\u{2212}' | '\u{2010}' | '\u{30FC}') {
            return None;
        }
    }
    Some(out)
}

fn check_phone(field: &str, phone: &str) -> Result<()> {
    if phone.trim().is_empty() {
        return Err(RequestError::Missing { field: field.to_owned() });
    }
    match digits_only(phone) {
        Some(d) if (10..=11).contains(&d.len()) && d.starts_with('0') => Ok(()),
        _ => Err(RequestError::Malformed {
            field: field.to_owned(),
            expected: "0から始まる10〜11桁の電話番号 / a 10–11 digit number starting with 0",
        }),
    }
}

fn check_postcode(field: &str, code: &str) -> Result<()> {
    if code.trim().is_empty() {
        return Err(RequestError::Missing { field: field.to_owned() });
    }
    match digits_only(code) {
        Some(d) if d.len() == 7 => Ok(()),
        _ => Err(RequestError::Malformed {
            field: field.to_owned(),
            expected: "7桁の郵便番号 / a 7-digit postcode",
        }),
    }
}

fn check_furigana(field: &str, text: &str) -> Result<()> {
    check_text(field, text, NAME_MAX)?;
    let ok = text
        .nfkc()
        .all(|c| matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}' | ' ' | '\u{3000}'));
    if ok {
        Ok(())
    } else {
        Err(RequestError::Malformed {
            field: field.to_owned(),
            expected: "カタカナまたはひらがな / katakana or hiragana",
        })
    }
}

/// Checks an e-mail address (simple shape check; delivery proves the rest).
pub(crate) fn check_email(field: &str, address: &str) -> Result<()> {
    let a = address.trim();
    if a.is_empty() {
        return Err(RequestError::Missing { field: field.to_owned() });
    }
    let malformed = || RequestError::Malformed {
        field: field.to_owned(),
        expected: "メールアドレス（例: name@example.jp） / an e-mail address",
    };
    let (local, domain) = a.split_once('@').ok_or_else(malformed)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || a.chars().any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
        || a.len() > 254
    {
        return Err(malformed());
    }
    refuse_my_number(field, a)
}

fn check_person(prefix: &str, p: &PersonDetails, today: NaiveDate) -> Result<()> {
    let f = |name: &str| format!("{prefix}.{name}");
    check_text(&f("name"), &p.name, NAME_MAX)?;
    check_furigana(&f("furigana"), &p.furigana)?;
    if p.date_of_birth > today {
        return Err(RequestError::ImpossibleDate {
            field: f("date_of_birth"),
            reason: "未来の日付 / in the future",
        });
    }
    if p.date_of_birth.year() < 1900 {
        return Err(RequestError::ImpossibleDate {
            field: f("date_of_birth"),
            reason: "1900年より前 / before 1900",
        });
    }
    check_postcode(&f("postcode"), &p.postcode)?;
    check_text(&f("address"), &p.address, TEXT_MAX)?;
    check_phone(&f("phone"), &p.phone)?;
    if let Some(d) = &p.daytime_phone {
        check_phone(&f("daytime_phone"), d)?;
    }
    Ok(())
}

/// Checks an identity document choice: the abolished 外国人登録証明書 is refused with
/// the 2012 message (unless the clerk confirmed a still-valid one), 「その他」 needs a
/// description.
pub fn check_document(field: &str, d: &DocumentChoice) -> Result<()> {
    if d.document.check_current().is_err() {
        return Err(RequestError::AbolishedDocument { field: field.to_owned() });
    }
    match (&d.document, &d.other_description) {
        (IdentityDocument::Other, None) => {
            Err(RequestError::Missing { field: format!("{field}.other_description") })
        }
        (_, Some(text)) => check_text(&format!("{field}.other_description"), text, NAME_MAX),
        _ => Ok(()),
    }
}

impl RequestForm {
    /// Validates every field; `today` is the receipt date (nothing may lie after it).
    /// `concerns_my_number`: whether the request is about 特定個人情報 (then no
    /// 第三者提供記録 exists, 番号法30条2項).
    pub fn validate(&self, today: NaiveDate, concerns_my_number: bool) -> Result<()> {
        if self.form_date > today {
            return Err(RequestError::ImpossibleDate {
                field: "form_date".into(),
                reason: "受付日より後 / after the receipt date",
            });
        }
        if self.kinds.is_empty() {
            return Err(RequestError::Missing { field: "kinds".into() });
        }
        if concerns_my_number && self.kinds.contains(&RequestKind::ProvisionRecordDisclosure) {
            return Err(RequestError::NoProvisionRecordsForMyNumber);
        }
        check_person("principal", &self.principal, today)?;
        match (&self.requester, &self.principal_identity_document) {
            (Requester::Principal, None) => {
                return Err(RequestError::Missing { field: "principal_identity_document".into() });
            }
            (_, Some(d)) => check_document("principal_identity_document", d)?,
            (Requester::Agent(_), None) => {}
        }
        if let Requester::Agent(agent) = &self.requester {
            check_person("agent", &agent.person, today)?;
            check_document("agent.identity_document", &agent.identity_document)?;
            if agent.authority.is_empty() {
                return Err(RequestError::Missing { field: "agent.authority".into() });
            }
        }
        if let Some(job) = &self.job_application {
            if job.around > today {
                return Err(RequestError::ImpossibleDate {
                    field: "job_application.around".into(),
                    reason: "未来の日付 / in the future",
                });
            }
            check_text("job_application.place", &job.place, TEXT_MAX)?;
        }
        let wants = |fam| self.kinds.iter().any(|k| k.family() == fam);
        match (&self.correction, wants(KindFamily::Correction)) {
            (Some(c), _) => {
                check_text("correction.content", &c.content, TEXT_MAX)?;
                check_text("correction.reason", &c.reason, TEXT_MAX)?;
            }
            (None, true) => return Err(RequestError::Missing { field: "correction".into() }),
            (None, false) => {}
        }
        match (&self.suspension, wants(KindFamily::Suspension)) {
            (Some(s), _) => {
                check_text("suspension.reason", &s.reason, TEXT_MAX)?;
                match &s.provision_stop {
                    Some(_) if !self.kinds.contains(&RequestKind::StopOfProvision) => {
                        return Err(RequestError::Malformed {
                            field: "suspension.provision_stop".into(),
                            expected: "第三者提供の停止の請求に限る / only with stop_of_provision",
                        });
                    }
                    Some(ProvisionStop::Recipients { recipients }) => {
                        if recipients.iter().all(|r| r.trim().is_empty()) {
                            return Err(RequestError::Missing {
                                field: "suspension.provision_stop.recipients".into(),
                            });
                        }
                        for r in recipients {
                            check_text("suspension.provision_stop.recipients", r, NAME_MAX)?;
                        }
                    }
                    Some(ProvisionStop::All) | None => {}
                }
            }
            (None, true) => return Err(RequestError::Missing { field: "suspension".into() }),
            (None, false) => {}
        }
        match &self.answer_method {
            AnswerMethod::Email { address } => check_email("answer_method.address", address)?,
            AnswerMethod::Post => {}
            AnswerMethod::Other { description } => {
                check_text("answer_method.description", description, NAME_MAX)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P7: phone numbers accept full-width digits and hyphens; other shapes are refused.
    #[test]
    fn phone_shapes() {
        assert!(check_phone("p", "０４４－２１１－１２３４").is_ok());
        assert!(check_phone("p", "090-1234-5678").is_ok());
        assert!(check_phone("p", "12345").is_err());
        assert!(check_phone("p", "03-abcd-1234").is_err());
    }

    /// P7: postcodes have seven digits.
    #[test]
    fn postcode_shapes() {
        assert!(check_postcode("p", "210-0804").is_ok());
        assert!(check_postcode("p", "〒210").is_err());
    }

    /// P7: e-mail addresses need one @ and a dotted domain.
    #[test]
    fn email_shapes() {
        assert!(check_email("e", "taro@example.jp").is_ok());
        assert!(check_email("e", "taro@localhost").is_err());
        assert!(check_email("e", "a b@example.jp").is_err());
        assert!(check_email("e", "").is_err());
    }

    /// P7, M15 (番号法20条): a free text holding a My Number-like run is refused and the
    /// error does not echo it.
    #[test]
    fn free_text_with_my_number_is_refused() {
        let n = hogo_domain::testkit::synthetic_number(7);
        let text = format!("番号 {} を訂正", n.expose());
        let err = check_text("correction.content", &text, 100).unwrap_err();
        assert_eq!(err, RequestError::MyNumberInText { field: "correction.content".into() });
        assert!(!err.to_string().contains(n.expose()));
    }

    /// P7, M7: 外国人登録証明書 is refused with the 2012 message unless confirmed valid.
    #[test]
    fn alien_registration_certificate_is_refused_with_2012_message() {
        let d = DocumentChoice {
            document: IdentityDocument::AlienRegistrationCertificate {
                clerk_confirmed_valid: false,
            },
            other_description: None,
        };
        let err = check_document("principal_identity_document", &d).unwrap_err();
        assert!(err.to_string().contains("2012"));
        assert!(err.to_string().contains("principal_identity_document"));
    }
}
