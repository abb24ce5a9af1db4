//! Ledger entries (取扱記録, M5; 第三者提供記録, P3): a closed set of [`Action`]s and the
//! [`Entry`] that records one of them.
//!
//! An entry holds ids, stable codes and [`SafeText`] only: no field can hold a
//! [`MyNumber`](hogo_domain::MyNumber) (the subject is an opaque [`SubjectId`], never the
//! number or its blind-index tag) and every free text was scanned. Personal detail that may
//! have to be erased later goes into a [`Detail`] kept beside the entry; the entry commits
//! only to its digest, so erasing it leaves the chain verifiable.

use chrono::{DateTime, Utc};
use hogo_domain::{
    Affair, ConsentId, HoldId, HoldingId, IncidentId, OrganisationId, Purpose, RecordId, RequestId,
    Role, RuleId, StaffId, SubjectId,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::error::LedgerError;
use crate::text::{DocumentKind, SafeText, check_text};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

macro_rules! actions {
    ($( $(#[$doc:meta])* $name:ident = $id:literal, $ja:literal, $group:ident; )*) => {
        /// What an entry records. A closed set: M5 ①–⑥, P3 provision records, the request
        /// lifecycle, consent, key events, staff and role changes, retention holds and
        /// disposal. Policy refusals are entries of the attempted action with
        /// [`Outcome::Refused`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Action { $( $(#[$doc])* $name, )* }

        impl Action {
            /// Every action.
            pub const ALL: &'static [Self] = &[$(Self::$name),*];

            /// The stable id (used in the canonical encoding; never changes).
            pub fn id(self) -> &'static str {
                match self { $(Self::$name => $id,)* }
            }

            /// The Japanese label.
            pub fn label_ja(self) -> &'static str {
                match self { $(Self::$name => $ja,)* }
            }

            /// The group of the rule books this action belongs to.
            pub fn group(self) -> ActionGroup {
                match self { $(Self::$name => ActionGroup::$group,)* }
            }

            /// Parses a stable id.
            pub fn from_id(id: &str) -> Option<Self> {
                match id { $($id => Some(Self::$name),)* _ => None }
            }
        }
    };
}

actions! {
    /// M5 ① 取得・入力: a number or file was acquired or entered.
    Acquisition = "acquisition", "取得・入力", M5Acquisition;
    /// M5 ② 利用: a number was used within an affair.
    Use = "use", "利用", M5UseOutput;
    /// M5 ② 出力: a document or file holding numbers was output (printed, exported).
    Output = "output", "出力", M5UseOutput;
    /// M5 ③ 持出し: a medium or document was carried out of the 管理区域.
    CarryOut = "carry_out", "持出し", M5CarryOut;
    /// M5 ④ 削除・廃棄: data or documents were deleted or disposed of.
    Disposal = "disposal", "削除・廃棄", M5Disposal;
    /// M5 ⑤ 委託先による削除・廃棄の証明: a contractor's 削除証明書 was received.
    OutsourcedDisposalProof = "outsourced_disposal_proof", "委託先削除・廃棄証明", M5DisposalProof;
    /// M5 ⑥ ログイン.
    SignIn = "sign_in", "ログイン", M5SystemUse;
    /// M5 ⑥ ログアウト.
    SignOut = "sign_out", "ログアウト", M5SystemUse;
    /// M5 ⑥ ログイン失敗.
    SignInFailed = "sign_in_failed", "ログイン失敗", M5SystemUse;
    /// M5 ⑥ 閲覧 (access to a record).
    Access = "access", "閲覧", M5SystemUse;
    /// P3 / M10 提供: personal data or a number was provided to a third party.
    Provision = "provision", "提供", Provision;
    /// P7 / M15: a 開示等の請求 was received.
    RequestReceived = "request_received", "請求受付", Request;
    /// P7 / M15: the requester's identity (and authority) was verified.
    RequestVerified = "request_verified", "本人確認完了", Request;
    /// P7 / M15: the request was decided.
    RequestDecided = "request_decided", "請求決定", Request;
    /// P7 / M15: the response (回答書 / 通知書) was sent.
    RequestResponded = "request_responded", "回答送付", Request;
    /// P7 / M15: the request was withdrawn or closed.
    RequestClosed = "request_closed", "請求終結", Request;
    /// P2 / P3: consent was given.
    ConsentGiven = "consent_given", "同意取得", Consent;
    /// P2 / P3: consent was withdrawn.
    ConsentWithdrawn = "consent_withdrawn", "同意撤回", Consent;
    /// M13: a key was rotated.
    KeyRotated = "key_rotated", "鍵更新", Key;
    /// M11: a key was destroyed (crypto-shredding).
    KeyShredded = "key_shredded", "鍵破棄", Key;
    /// M3: a staff account was added.
    StaffAdded = "staff_added", "担当者追加", Staff;
    /// M3: a staff account was removed.
    StaffRemoved = "staff_removed", "担当者削除", Staff;
    /// M3: a role was granted.
    RoleGranted = "role_granted", "権限付与", Staff;
    /// M3: a role was revoked.
    RoleRevoked = "role_revoked", "権限取消", Staff;
    /// M9 / M11: a legal hold (保存の継続) was placed.
    HoldPlaced = "hold_placed", "保存継続設定", Retention;
    /// M9 / M11: a legal hold was released.
    HoldReleased = "hold_released", "保存継続解除", Retention;
    /// M11 / P11: a disposal was scheduled.
    DisposalScheduled = "disposal_scheduled", "廃棄予定", Retention;
    /// M4: an incident (漏えい等事案) was recorded.
    IncidentRecorded = "incident_recorded", "漏えい等事案記録", Incident;
    /// M4: an incident was updated (count, classification facts, notices, filings, draft).
    IncidentUpdated = "incident_updated", "漏えい等事案更新", Incident;
    /// M14: a contractor (委託先) was registered, checked, heard or ended.
    ContractorRecorded = "contractor_recorded", "委託先の記録", Governance;
    /// P6 / M16: a training session or a confidentiality undertaking was recorded.
    TrainingRecorded = "training_recorded", "研修・誓約の記録", Governance;
    /// P8: a complaint was registered, assigned or answered.
    ComplaintRecorded = "complaint_recorded", "苦情の記録", Governance;
    /// M16 (Art. 45): a self-inspection (点検) was recorded.
    ReviewRecorded = "review_recorded", "点検の記録", Governance;
    /// M12: the 管理区域 / 取扱区域 were configured.
    AreasConfigured = "areas_configured", "区域の設定", Governance;
    /// P10 / M13: a TOTP second factor was started, confirmed, refused or reset (never the
    /// secret itself).
    SecondFactor = "second_factor", "二要素認証", M5SystemUse;
}

/// The group of an [`Action`], for reports and the M5 ①–⑥ checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionGroup {
    /// M5 ① 取得・入力.
    M5Acquisition,
    /// M5 ② 利用・出力.
    M5UseOutput,
    /// M5 ③ 持出し.
    M5CarryOut,
    /// M5 ④ 削除・廃棄.
    M5Disposal,
    /// M5 ⑤ 委託先の削除・廃棄の証明.
    M5DisposalProof,
    /// M5 ⑥ システム利用 (login, access).
    M5SystemUse,
    /// P3 第三者提供記録.
    Provision,
    /// 開示等の請求.
    Request,
    /// 同意.
    Consent,
    /// Key events.
    Key,
    /// Staff and roles.
    Staff,
    /// Retention holds and disposal plans.
    Retention,
    /// Incidents.
    Incident,
    /// Governance records: contractors, training, complaints, review, areas (M14, M16, P6, P8).
    Governance,
}

/// What the action was done to, besides the subject: a typed opaque id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ObjectRef {
    /// A sealed vault record.
    Record(RecordId),
    /// A 開示等の請求.
    Request(RequestId),
    /// A consent record.
    Consent(ConsentId),
    /// A legal hold.
    Hold(HoldId),
    /// A holding (保有).
    Holding(HoldingId),
    /// A staff account.
    Staff(StaffId),
    /// A staff account and the role granted or revoked.
    StaffRole(StaffId, Role),
    /// An incident.
    Incident(IncidentId),
    /// A key, by its scanned label (e.g. `"bucket-2031/v3"`).
    Key(SafeText),
}

/// The affair (M1) or purpose (P1) the action served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    /// A 個人番号関係事務.
    Affair(Affair),
    /// A 利用目的.
    Purpose(Purpose),
}

/// How the action ended.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// Done.
    Success,
    /// Refused by the policy: the rule and its stable refusal code.
    Refused {
        /// The rule that forbade it.
        rule: RuleId,
        /// The stable refusal code (e.g. `"role_not_allowed"`).
        code: SafeText,
    },
    /// Attempted and failed for a technical reason.
    Failed,
}

/// Who acted. `staff` is absent when nobody is signed in (a failed sign-in of an unknown
/// account, a scheduled job).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ActorRef {
    /// The staff account.
    pub staff: Option<StaffId>,
    /// The role the actor acted in.
    pub role: Option<Role>,
}

impl From<&hogo_domain::Actor> for ActorRef {
    fn from(a: &hogo_domain::Actor) -> Self {
        Self { staff: Some(a.staff), role: Some(a.role) }
    }
}

/// Erasable personal detail kept beside an entry (e.g. the recipient's contact person of a
/// provision). The entry commits to [`Detail::digest`] only; the store may erase the
/// detail later and the ledger still verifies. A random salt stops guessing the detail
/// from its digest.
#[derive(Clone, PartialEq, Eq)]
pub struct Detail {
    salt: [u8; 16],
    text: SafeText,
}

impl Detail {
    /// A detail with its salt (from the [`Entropy`](hogo_domain::Entropy) port).
    pub fn new(salt: [u8; 16], text: SafeText) -> Self {
        Self { salt, text }
    }

    /// The salt.
    pub fn salt(&self) -> &[u8; 16] {
        &self.salt
    }

    /// The text.
    pub fn text(&self) -> &SafeText {
        &self.text
    }

    /// SHA-256("hogo-ledger detail v1" ‖ 0x00 ‖ salt ‖ text).
    pub fn digest(&self) -> Hash {
        let mut h = Sha256::new();
        h.update(b"hogo-ledger detail v1\x00");
        h.update(self.salt);
        h.update(self.text.as_str().as_bytes());
        h.finalize().into()
    }
}

impl std::fmt::Debug for Detail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Personal detail: never printed.
        f.write_str("Detail(..)")
    }
}

/// An entry to append: everything but the sequence and the chain link, which the ledger
/// assigns under the locked head. Built with [`NewEntry::new`] and the `with_*` setters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// When it happened (from the [`Clock`](hogo_domain::Clock) port).
    pub time: DateTime<Utc>,
    /// The organisation whose log records it.
    pub organisation: OrganisationId,
    /// Who acted.
    pub actor: ActorRef,
    /// What was done.
    pub action: Action,
    /// About whom (opaque id).
    pub subject: Option<SubjectId>,
    /// To what.
    pub object: Option<ObjectRef>,
    /// The kind of document.
    pub document_kind: Option<DocumentKind>,
    /// The affair or purpose served.
    pub scope: Option<Scope>,
    /// The legal basis (e.g. `"番号法19条2号"`, `"本人同意"`).
    pub legal_basis: Option<SafeText>,
    /// How it ended.
    pub outcome: Outcome,
    /// A short note (never personal detail: put that in `detail`).
    pub note: Option<SafeText>,
    /// Erasable personal detail, stored beside the entry.
    pub detail: Option<SafeText>,
}

impl NewEntry {
    /// A successful `action` by `actor` at `time`.
    pub fn new(
        time: DateTime<Utc>,
        organisation: OrganisationId,
        actor: ActorRef,
        action: Action,
    ) -> Self {
        Self {
            time,
            organisation,
            actor,
            action,
            subject: None,
            object: None,
            document_kind: None,
            scope: None,
            legal_basis: None,
            outcome: Outcome::Success,
            note: None,
            detail: None,
        }
    }

    /// A policy refusal of `action`: records the rule and code of
    /// [`Refusal`](hogo_domain::Refusal).
    ///
    /// # Errors
    /// Never in practice (refusal codes are ASCII ids); kept fallible because the code is
    /// scanned like all text.
    pub fn refusal(
        time: DateTime<Utc>,
        actor: &hogo_domain::Actor,
        action: Action,
        refusal: &hogo_domain::Refusal,
    ) -> Result<Self, LedgerError> {
        let code = serde_json::to_value(refusal.code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "unknown".to_owned());
        let mut e = Self::new(time, actor.organisation, actor.into(), action);
        e.outcome = Outcome::Refused { rule: refusal.rule, code: SafeText::new("code", code)? };
        Ok(e)
    }

    /// Sets the subject.
    pub fn with_subject(mut self, subject: SubjectId) -> Self {
        self.subject = Some(subject);
        self
    }

    /// Sets the object.
    pub fn with_object(mut self, object: ObjectRef) -> Self {
        self.object = Some(object);
        self
    }

    /// Sets the document kind.
    pub fn with_document_kind(mut self, kind: DocumentKind) -> Self {
        self.document_kind = Some(kind);
        self
    }

    /// Sets the affair or purpose.
    pub fn with_scope(mut self, scope: Scope) -> Self {
        self.scope = Some(scope);
        self
    }

    /// Sets the legal basis (scanned).
    ///
    /// # Errors
    /// [`LedgerError::MyNumberInText`] / [`LedgerError::InvalidText`] for `legal_basis`.
    pub fn with_legal_basis(mut self, text: &str) -> Result<Self, LedgerError> {
        self.legal_basis = Some(SafeText::new("legal_basis", text)?);
        Ok(self)
    }

    /// Sets the note (scanned).
    ///
    /// # Errors
    /// [`LedgerError::MyNumberInText`] / [`LedgerError::InvalidText`] for `note`.
    pub fn with_note(mut self, text: &str) -> Result<Self, LedgerError> {
        self.note = Some(SafeText::new("note", text)?);
        Ok(self)
    }

    /// Sets the erasable detail (scanned).
    ///
    /// # Errors
    /// [`LedgerError::MyNumberInText`] / [`LedgerError::InvalidText`] for `detail`.
    pub fn with_detail(mut self, text: &str) -> Result<Self, LedgerError> {
        self.detail = Some(SafeText::new("detail", text)?);
        Ok(self)
    }

    /// Sets the outcome.
    pub fn with_outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }
}

/// A recorded entry: its position, the link to the previous entry and the digest of its
/// detail. Its canonical bytes are [`crate::encoding::encode`]; its hash is the RFC 6962
/// leaf hash of those bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the organisation's log, from 0.
    pub sequence: u64,
    /// When it happened.
    pub time: DateTime<Utc>,
    /// The organisation.
    pub organisation: OrganisationId,
    /// Who acted.
    pub actor: ActorRef,
    /// What was done.
    pub action: Action,
    /// About whom.
    pub subject: Option<SubjectId>,
    /// To what.
    pub object: Option<ObjectRef>,
    /// The kind of document.
    pub document_kind: Option<DocumentKind>,
    /// The affair or purpose.
    pub scope: Option<Scope>,
    /// The legal basis.
    pub legal_basis: Option<SafeText>,
    /// How it ended.
    pub outcome: Outcome,
    /// A short note.
    pub note: Option<SafeText>,
    /// The digest of the erasable detail, if any.
    pub detail_digest: Option<Hash>,
    /// The hash of the previous entry (all zero for the first).
    pub prev_hash: Hash,
}

impl Entry {
    /// Re-scans every text field. Entries built through this crate's constructors always
    /// pass; this guards entries assembled by hand from storage columns.
    ///
    /// # Errors
    /// The first failing field.
    pub fn check_texts(&self) -> Result<(), LedgerError> {
        for (field, t) in [("legal_basis", &self.legal_basis), ("note", &self.note)] {
            if let Some(t) = t {
                check_text(field, t.as_str())?;
            }
        }
        if let Outcome::Refused { code, .. } = &self.outcome {
            check_text("code", code.as_str())?;
        }
        if let Some(ObjectRef::Key(k)) = &self.object {
            check_text("object", k.as_str())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// M5: every action has a distinct stable id that parses back.
    #[test]
    fn action_ids_are_distinct_and_parse_back() {
        let mut seen = std::collections::HashSet::new();
        for a in Action::ALL {
            assert!(seen.insert(a.id()));
            assert_eq!(Action::from_id(a.id()), Some(*a));
        }
    }

    /// M5 ①–⑥: the closed set covers every item of Art. 9 and P3's provision records.
    #[test]
    fn actions_cover_m5_one_to_six_and_p3() {
        for g in [
            ActionGroup::M5Acquisition,
            ActionGroup::M5UseOutput,
            ActionGroup::M5CarryOut,
            ActionGroup::M5Disposal,
            ActionGroup::M5DisposalProof,
            ActionGroup::M5SystemUse,
            ActionGroup::Provision,
        ] {
            assert!(Action::ALL.iter().any(|a| a.group() == g), "{g:?}");
        }
    }

    /// M5: a detail's digest depends on its salt, so a short detail cannot be guessed from it.
    #[test]
    fn detail_digest_depends_on_salt() {
        let t = SafeText::new("detail", "山田太郎").unwrap();
        let a = Detail::new([1; 16], t.clone());
        let b = Detail::new([2; 16], t);
        assert_ne!(a.digest(), b.digest());
        assert_eq!(format!("{a:?}"), "Detail(..)");
    }
}
