//! The request state machine: `(state, command, now) -> Result<(new state, events)>`.
//!
//! [`Request::file`] opens a request from a validated form; [`transition`] (or
//! [`Request::handle`]) applies one [`Command`]. An illegal command returns a
//! [`RequestError`] and, because the state is taken by reference and a new one is
//! returned, leaves the old state untouched. Every transition returns typed [`Event`]s
//! (who, when, what, grounds) for the ledger.

use std::collections::BTreeSet;

use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use hogo_domain::ports::jst;
use hogo_domain::verification::IdentityDocument;
use hogo_domain::{Actor, OrganisationId, RequestId, Role, StaffId};
use serde::{Deserialize, Serialize};

use crate::config::{PaymentMethod, RequestConfig};
use crate::decision::{CorrectionRecord, Decision, Finding, SuspensionGround};
use crate::error::{RequestError, Result};
use crate::intake::{
    AgentKind, AnswerMethod, AuthorityEnclosure, RequestForm, Requester, check_text,
};
use crate::kind::{KindFamily, RequestKind};

/// A part of an ID copy that must be masked (doc 000 添付書類; 健康保険法194条の2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyPart {
    /// 本籍 (never collected: 職安法5条の5 and its 指針; P2).
    DomicileOfOrigin,
    /// 個人番号 (a request is no 個人番号関係事務: 番号法15条・20条), incl. a copied card back.
    MyNumber,
    /// 健康保険の保険者番号・被保険者等記号・番号 and their QR code (健康保険法194条の2).
    HealthInsuranceNumbers,
}

impl CopyPart {
    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::DomicileOfOrigin => "本籍",
            Self::MyNumber => "個人番号",
            Self::HealthInsuranceNumbers => "健康保険の記号・番号等",
        }
    }
}

/// What the clerk did with an unmasked part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Remedy {
    /// The clerk masked it (黒塗り).
    Masked,
    /// The clerk destroyed that part (or the page).
    Destroyed,
}

/// An unmasked part found on an enclosed copy, and its remedy (always one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnmaskedPart {
    /// The part.
    pub part: CopyPart,
    /// What the clerk did.
    pub remedy: Remedy,
}

/// The status of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Status {
    /// Being handled.
    Open,
    /// Waiting for documents from the requester; the clock keeps running.
    WaitingForDocuments {
        /// Since when (JST).
        since: NaiveDate,
        /// What is missing.
        missing: Vec<String>,
    },
    /// Answered.
    Answered,
    /// Withdrawn by the requester.
    Withdrawn,
}

impl Status {
    /// The stable id (`open`, `waiting_for_documents`, `answered`, `withdrawn`).
    pub fn id(&self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::WaitingForDocuments { .. } => "waiting_for_documents",
            Self::Answered => "answered",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// Whether the request is finished (answered or withdrawn).
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Answered | Self::Withdrawn)
    }
}

/// The identity check done (document type only, never its number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityRecord {
    /// Which document (of the principal, or of the agent for an agent request).
    pub document: IdentityDocument,
    /// Who checked.
    pub by: StaffId,
    /// When (JST).
    pub on: NaiveDate,
}

/// The authority check done for an agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorityRecord {
    /// The documents checked.
    pub documents: BTreeSet<AuthorityEnclosure>,
    /// Who checked.
    pub by: StaffId,
    /// When (JST).
    pub on: NaiveDate,
}

/// A remedied part of a copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaskingRecord {
    /// The part and remedy.
    pub part: UnmaskedPart,
    /// Who.
    pub by: StaffId,
    /// When (JST).
    pub on: NaiveDate,
}

/// A fee receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeReceipt {
    /// How it was paid.
    pub method: PaymentMethod,
    /// Who recorded it.
    pub by: StaffId,
    /// When (JST).
    pub on: NaiveDate,
}

/// A fee due on one chargeable kind of this request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeLine {
    /// The kind (always chargeable).
    pub kind: RequestKind,
    /// The amount.
    pub amount_yen: u32,
    /// Accepted methods.
    pub methods: Vec<PaymentMethod>,
    /// The receipt, once paid.
    pub received: Option<FeeReceipt>,
}

/// The correction work on one 訂正等 kind (doc 003 Art. 40②).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionWork {
    /// The clerk named by the manager.
    pub clerk: StaffId,
    /// The manager who named the clerk.
    pub assigned_by: StaffId,
    /// The clerk's finding, once reported.
    pub finding: Option<Finding>,
}

/// One kind of the request and its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// The kind.
    pub kind: RequestKind,
    /// Evidence asked of the requester, if any (never a condition to decide).
    pub evidence_requested: Option<String>,
    /// Correction work (訂正等 only).
    pub correction: Option<CorrectionWork>,
    /// The decision.
    pub decision: Option<Decision>,
    /// Who decided (for corrections: the confirming manager).
    pub decided_by: Option<StaffId>,
    /// When (JST).
    pub decided_on: Option<NaiveDate>,
}

/// The answer sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseRecord {
    /// The method actually used.
    pub method: AnswerMethod,
    /// When the chosen method was not used: why (the notice of APPI 33条1項・3項).
    pub in_writing_because: Option<String>,
    /// Who sent it.
    pub by: StaffId,
    /// When (JST).
    pub on: NaiveDate,
}

/// A 開示等の請求 and everything done on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The id.
    pub id: RequestId,
    /// The organisation.
    pub organisation: OrganisationId,
    /// Whether the request concerns 特定個人情報 (My Number data).
    pub concerns_my_number: bool,
    /// The form as received.
    pub form: RequestForm,
    /// The settings in force at filing.
    pub config: RequestConfig,
    /// Receipt date (JST).
    pub received_on: NaiveDate,
    /// Due date = receipt + target.
    pub due_on: NaiveDate,
    /// Who filed it.
    pub filed_by: StaffId,
    /// Status.
    pub status: Status,
    /// Identity check.
    pub identity: Option<IdentityRecord>,
    /// Authority check (agents).
    pub authority: Option<AuthorityRecord>,
    /// Remedied parts of copies.
    pub masking: Vec<MaskingRecord>,
    /// Fees due (chargeable kinds only).
    pub fees: Vec<FeeLine>,
    /// One item per kind.
    pub items: Vec<Item>,
    /// Correction records (doc 003 Art. 40③).
    pub correction_records: Vec<CorrectionRecord>,
    /// The answer.
    pub response: Option<ResponseRecord>,
}

/// Who requested, for events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequesterKind {
    /// 本人.
    Principal,
    /// 代理人 of this kind.
    Agent(AgentKind),
}

/// Opens a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRequest {
    /// The new id (from the caller's `IdGen`).
    pub id: RequestId,
    /// The clerk filing.
    pub by: Actor,
    /// The form.
    pub form: RequestForm,
    /// Whether the request concerns My Number data.
    pub concerns_my_number: bool,
    /// Receipt date (JST; not after today).
    pub received_on: NaiveDate,
    /// The organisation's settings.
    pub config: RequestConfig,
}

/// A command on an open request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum Command {
    /// Record the identity check (the agent's ID for an agent request): the document
    /// type and any unmasked part with what was done about it.
    VerifyIdentity {
        /// The clerk.
        by: Actor,
        /// The document type checked.
        document: IdentityDocument,
        /// Parts that arrived unmasked, each with its remedy.
        unmasked: Vec<UnmaskedPart>,
    },
    /// Record the authority check of an agent.
    VerifyAuthority {
        /// The clerk.
        by: Actor,
        /// The documents checked.
        documents: BTreeSet<AuthorityEnclosure>,
    },
    /// Wait for documents from the requester (the due date does not move).
    AwaitDocuments {
        /// The clerk.
        by: Actor,
        /// What is missing (no My Number).
        missing: Vec<String>,
    },
    /// The awaited documents arrived.
    DocumentsReceived {
        /// The clerk.
        by: Actor,
    },
    /// Record a fee receipt.
    ReceiveFee {
        /// The clerk.
        by: Actor,
        /// The kind.
        kind: RequestKind,
        /// The amount received.
        amount_yen: u32,
        /// How.
        method: PaymentMethod,
    },
    /// Ask for evidence (訂正等: Art. 40①; 利用停止等: only where the ground needs it).
    RequestEvidence {
        /// The clerk.
        by: Actor,
        /// The kind.
        kind: RequestKind,
        /// For 利用停止等: the ground the evidence is for.
        ground: Option<SuspensionGround>,
        /// What is asked for.
        what: String,
    },
    /// Decide a disclosure, purpose-notification or suspension-family kind.
    Decide {
        /// The clerk (or manager).
        by: Actor,
        /// The kind.
        kind: RequestKind,
        /// The decision.
        decision: Decision,
    },
    /// The manager names the clerk who investigates and corrects (Art. 40②①).
    AssignCorrection {
        /// The manager.
        by: Actor,
        /// The kind.
        kind: RequestKind,
        /// The named clerk.
        clerk: StaffId,
    },
    /// The named clerk reports the investigation and the work done (Art. 40②②).
    ReportInvestigation {
        /// The named clerk.
        by: Actor,
        /// The kind.
        kind: RequestKind,
        /// The finding.
        finding: Finding,
    },
    /// The manager confirms the work; the correction record is made (Art. 40②②③).
    ConfirmCorrection {
        /// The manager.
        by: Actor,
        /// The kind.
        kind: RequestKind,
    },
    /// Send the answer by the chosen method, or in writing with the reason when the
    /// chosen (electronic) method is difficult (APPI 33条1項・3項).
    Respond {
        /// The clerk.
        by: Actor,
        /// `Some(reason)` to answer in writing instead.
        in_writing_because: Option<String>,
    },
    /// The requester withdrew.
    Withdraw {
        /// The clerk.
        by: Actor,
        /// Note (no My Number).
        note: String,
    },
}

impl Command {
    /// The acting staff member.
    pub fn actor(&self) -> &Actor {
        match self {
            Self::VerifyIdentity { by, .. }
            | Self::VerifyAuthority { by, .. }
            | Self::AwaitDocuments { by, .. }
            | Self::DocumentsReceived { by }
            | Self::ReceiveFee { by, .. }
            | Self::RequestEvidence { by, .. }
            | Self::Decide { by, .. }
            | Self::AssignCorrection { by, .. }
            | Self::ReportInvestigation { by, .. }
            | Self::ConfirmCorrection { by, .. }
            | Self::Respond { by, .. }
            | Self::Withdraw { by, .. } => by,
        }
    }
}

/// What happened, for the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum EventKind {
    /// Filed.
    Filed {
        /// The kinds.
        kinds: BTreeSet<RequestKind>,
        /// Who requested.
        requester: RequesterKind,
        /// Receipt date.
        received_on: NaiveDate,
        /// Due date.
        due_on: NaiveDate,
        /// About My Number data.
        concerns_my_number: bool,
    },
    /// A fee is due (only ever for a chargeable kind).
    FeeDemanded {
        /// The kind.
        kind: RequestKind,
        /// The amount.
        amount_yen: u32,
        /// Accepted methods.
        methods: Vec<PaymentMethod>,
    },
    /// Identity verified.
    IdentityVerified {
        /// The document type.
        document: IdentityDocument,
    },
    /// An unmasked part was masked or destroyed.
    CopyPartRemedied {
        /// The part and remedy.
        part: UnmaskedPart,
    },
    /// Authority verified.
    AuthorityVerified {
        /// The documents.
        documents: BTreeSet<AuthorityEnclosure>,
    },
    /// Waiting for documents.
    AwaitingDocuments {
        /// What is missing.
        missing: Vec<String>,
    },
    /// Documents arrived.
    DocumentsReceived {
        /// Days waited.
        waited_days: i64,
    },
    /// Fee received.
    FeeReceived {
        /// The kind.
        kind: RequestKind,
        /// The amount.
        amount_yen: u32,
        /// How.
        method: PaymentMethod,
    },
    /// Evidence asked for.
    EvidenceRequested {
        /// The kind.
        kind: RequestKind,
        /// The ground (利用停止等).
        ground: Option<SuspensionGround>,
        /// What.
        what: String,
    },
    /// A clerk named for a correction.
    CorrectionAssigned {
        /// The kind.
        kind: RequestKind,
        /// The clerk.
        clerk: StaffId,
    },
    /// The investigation was reported.
    InvestigationReported {
        /// The kind.
        kind: RequestKind,
        /// The finding.
        finding: Finding,
    },
    /// The correction record was made.
    CorrectionRecorded {
        /// The record.
        record: CorrectionRecord,
    },
    /// A kind was decided.
    Decided {
        /// The kind.
        kind: RequestKind,
        /// The decision.
        decision: Decision,
        /// (article, facts) pairs; non-empty for every refusal.
        grounds: Vec<(String, String)>,
    },
    /// The answer went out.
    Responded {
        /// The method used.
        method: AnswerMethod,
        /// The reason for answering in writing instead, if so.
        in_writing_because: Option<String>,
    },
    /// Withdrawn.
    Withdrawn {
        /// The note.
        note: String,
    },
}

/// One ledger event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The request.
    pub request: RequestId,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: StaffId,
    /// What.
    pub what: EventKind,
}

/// The date in Japan of an instant.
pub fn jst_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&jst()).date_naive()
}

fn role_allowed(
    step: &'static str,
    role: Role,
    allowed: &[Role],
    rule: &'static str,
) -> Result<()> {
    if allowed.contains(&role) {
        Ok(())
    } else {
        Err(RequestError::RoleNotAllowed { step, role: role.label_ja(), rule })
    }
}

fn clerk_roles(my_number: bool) -> &'static [Role] {
    if my_number {
        &[Role::NumberManager, Role::NumberClerk]
    } else {
        &[Role::NumberManager, Role::NumberClerk, Role::PrivacyOfficer, Role::PlacementStaff]
    }
}

fn manager_roles(my_number: bool) -> &'static [Role] {
    if my_number { &[Role::NumberManager] } else { &[Role::NumberManager, Role::PrivacyOfficer] }
}

impl Request {
    /// Opens a request: validates the settings and every field of the form, fixes the
    /// due date (receipt + target) and demands fees for chargeable kinds only.
    pub fn file(cmd: FileRequest, now: DateTime<Utc>) -> Result<(Self, Vec<Event>)> {
        let today = jst_date(now);
        cmd.config.validate()?;
        role_allowed("file", cmd.by.role, clerk_roles(cmd.concerns_my_number), "P5, M3")?;
        if cmd.received_on > today {
            return Err(RequestError::ReceivedInFuture { field: "received_on" });
        }
        cmd.form.validate(cmd.received_on, cmd.concerns_my_number)?;
        let due_on = cmd
            .received_on
            .checked_add_days(Days::new(u64::from(cmd.config.target_days)))
            .ok_or(RequestError::InvalidConfig {
                field: "target_days",
                reason: "日付の範囲外 / date out of range",
            })?;
        let fees: Vec<FeeLine> = cmd
            .form
            .kinds
            .iter()
            .filter(|k| k.is_chargeable())
            .filter_map(|k| {
                cmd.config.fees.fee(*k).map(|f| FeeLine {
                    kind: *k,
                    amount_yen: f.amount_yen,
                    methods: f.methods.clone(),
                    received: None,
                })
            })
            .collect();
        let items = cmd
            .form
            .kinds
            .iter()
            .map(|k| Item {
                kind: *k,
                evidence_requested: None,
                correction: None,
                decision: None,
                decided_by: None,
                decided_on: None,
            })
            .collect();
        let requester = match &cmd.form.requester {
            Requester::Principal => RequesterKind::Principal,
            Requester::Agent(a) => RequesterKind::Agent(a.kind),
        };
        let by = cmd.by.staff;
        let mut events = vec![Event {
            request: cmd.id,
            at: now,
            by,
            what: EventKind::Filed {
                kinds: cmd.form.kinds.clone(),
                requester,
                received_on: cmd.received_on,
                due_on,
                concerns_my_number: cmd.concerns_my_number,
            },
        }];
        for f in &fees {
            events.push(Event {
                request: cmd.id,
                at: now,
                by,
                what: EventKind::FeeDemanded {
                    kind: f.kind,
                    amount_yen: f.amount_yen,
                    methods: f.methods.clone(),
                },
            });
        }
        let req = Self {
            id: cmd.id,
            organisation: cmd.by.organisation,
            concerns_my_number: cmd.concerns_my_number,
            form: cmd.form,
            config: cmd.config,
            received_on: cmd.received_on,
            due_on,
            filed_by: by,
            status: Status::Open,
            identity: None,
            authority: None,
            masking: Vec::new(),
            fees,
            items,
            correction_records: Vec::new(),
            response: None,
        };
        Ok((req, events))
    }

    /// Applies a command; see [`transition`].
    pub fn handle(&self, cmd: &Command, now: DateTime<Utc>) -> Result<(Self, Vec<Event>)> {
        transition(self, cmd, now)
    }

    /// Whether the request was made by an agent.
    pub fn agent_kind(&self) -> Option<AgentKind> {
        match &self.form.requester {
            Requester::Principal => None,
            Requester::Agent(a) => Some(a.kind),
        }
    }

    /// Whether identity (and for agents, authority) is verified: the gate before any
    /// decision or answer (APPI 37条, doc 003 37条1項 "厳格に確認").
    pub fn is_verified(&self) -> bool {
        self.identity.is_some() && (self.agent_kind().is_none() || self.authority.is_some())
    }

    /// Days from today to the due date (negative when overdue).
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        (self.due_on - today).num_days()
    }

    /// Whether the request is open past its due date.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        matches!(self.status, Status::Open | Status::WaitingForDocuments { .. })
            && today > self.due_on
    }

    /// Days since receipt (keeps counting while waiting for documents).
    pub fn elapsed_days(&self, today: NaiveDate) -> i64 {
        (today - self.received_on).num_days()
    }

    /// Whether the request waits for documents.
    pub fn is_waiting(&self) -> bool {
        matches!(self.status, Status::WaitingForDocuments { .. })
    }

    /// The item of a kind.
    pub fn item(&self, kind: RequestKind) -> Option<&Item> {
        self.items.iter().find(|i| i.kind == kind)
    }

    /// The fee line of a kind, if a fee is due.
    pub fn fee(&self, kind: RequestKind) -> Option<&FeeLine> {
        self.fees.iter().find(|f| f.kind == kind)
    }

    /// The requester's name as written (agent's name for an agent request).
    pub fn requester_label(&self) -> String {
        match &self.form.requester {
            Requester::Principal => format!("{}（本人）", self.form.principal.name),
            Requester::Agent(a) => format!(
                "{}（{}、本人: {}）",
                a.person.name,
                a.kind.label_ja(),
                self.form.principal.name
            ),
        }
    }

    fn item_index(&self, kind: RequestKind) -> Result<usize> {
        self.items
            .iter()
            .position(|i| i.kind == kind)
            .ok_or(RequestError::KindNotRequested { kind })
    }

    fn require_verified(&self) -> Result<()> {
        if self.identity.is_none() {
            return Err(RequestError::IdentityNotVerified);
        }
        if self.agent_kind().is_some() && self.authority.is_none() {
            return Err(RequestError::AuthorityNotVerified);
        }
        Ok(())
    }

    fn require_not_waiting(&self) -> Result<()> {
        if self.is_waiting() {
            return Err(RequestError::WrongStatus {
                reason: "書類の到着待ちです / waiting for documents",
            });
        }
        Ok(())
    }
}

fn check_authority(
    kind: AgentKind,
    docs: &BTreeSet<AuthorityEnclosure>,
    require_seal: bool,
) -> Result<()> {
    match kind {
        AgentKind::AppointedAgent => {
            let poa = docs.iter().find_map(|d| match d {
                AuthorityEnclosure::PowerOfAttorney { registered_seal } => Some(*registered_seal),
                _ => None,
            });
            match poa {
                None => Err(RequestError::AuthorityInsufficient {
                    reason: "任意代理人には本人からの委任状が必要です / an appointed agent needs the principal's power of attorney",
                }),
                Some(sealed)
                    if require_seal
                        && (!sealed || !docs.contains(&AuthorityEnclosure::SealCertificate)) =>
                {
                    Err(RequestError::AuthorityInsufficient {
                        reason: "当社の定めにより、委任状には実印の押印と印鑑証明書の添付が必要です / this organisation requires the registered seal on the power of attorney and the seal certificate",
                    })
                }
                Some(_) => Ok(()),
            }
        }
        AgentKind::LegalRepresentative => {
            if docs.contains(&AuthorityEnclosure::FamilyRegister)
                || docs.contains(&AuthorityEnclosure::GuardianshipRegistration)
            {
                Ok(())
            } else {
                Err(RequestError::AuthorityInsufficient {
                    reason: "法定代理人には戸籍謄本等又は登記事項証明書が必要です / a legal representative needs a family register extract or a guardianship registration certificate",
                })
            }
        }
    }
}

/// Applies `cmd` to `state` at `now`: the new state and its events, or a typed error
/// (and `state` is unchanged, as it is only borrowed).
pub fn transition(
    state: &Request,
    cmd: &Command,
    now: DateTime<Utc>,
) -> Result<(Request, Vec<Event>)> {
    if matches!(state.status, Status::Answered | Status::Withdrawn) {
        return Err(RequestError::Closed);
    }
    let actor = cmd.actor();
    if actor.organisation != state.organisation {
        return Err(RequestError::WrongOrganisation);
    }
    let today = jst_date(now);
    let mn = state.concerns_my_number;
    let by = actor.staff;
    let mut s = state.clone();
    let mut what: Vec<EventKind> = Vec::new();
    match cmd {
        Command::VerifyIdentity { by: a, document, unmasked } => {
            role_allowed("verify_identity", a.role, clerk_roles(mn), "P5, M3")?;
            if s.identity.is_some() {
                return Err(RequestError::AlreadyVerified);
            }
            if document.check_current().is_err() {
                return Err(RequestError::AbolishedDocument { field: "identity.document".into() });
            }
            s.identity = Some(IdentityRecord { document: *document, by, on: today });
            what.push(EventKind::IdentityVerified { document: *document });
            for p in unmasked {
                s.masking.push(MaskingRecord { part: *p, by, on: today });
                what.push(EventKind::CopyPartRemedied { part: *p });
            }
        }
        Command::VerifyAuthority { by: a, documents } => {
            role_allowed("verify_authority", a.role, clerk_roles(mn), "P5, M3")?;
            let kind = state.agent_kind().ok_or(RequestError::NotAnAgentRequest)?;
            if s.authority.is_some() {
                return Err(RequestError::AlreadyVerified);
            }
            check_authority(kind, documents, state.config.require_registered_seal)?;
            s.authority = Some(AuthorityRecord { documents: documents.clone(), by, on: today });
            what.push(EventKind::AuthorityVerified { documents: documents.clone() });
        }
        Command::AwaitDocuments { by: a, missing } => {
            role_allowed("await_documents", a.role, clerk_roles(mn), "P5, M3")?;
            state.require_not_waiting()?;
            if missing.is_empty() {
                return Err(RequestError::Missing { field: "missing".into() });
            }
            for m in missing {
                check_text("missing", m, 500)?;
            }
            s.status = Status::WaitingForDocuments { since: today, missing: missing.clone() };
            what.push(EventKind::AwaitingDocuments { missing: missing.clone() });
        }
        Command::DocumentsReceived { by: a } => {
            role_allowed("documents_received", a.role, clerk_roles(mn), "P5, M3")?;
            let Status::WaitingForDocuments { since, .. } = &state.status else {
                return Err(RequestError::WrongStatus {
                    reason: "書類待ちではありません / not waiting for documents",
                });
            };
            let waited_days = (today - *since).num_days();
            s.status = Status::Open;
            what.push(EventKind::DocumentsReceived { waited_days });
        }
        Command::ReceiveFee { by: a, kind, amount_yen, method } => {
            role_allowed("receive_fee", a.role, clerk_roles(mn), "P5, M3")?;
            state.item_index(*kind)?;
            let idx = s
                .fees
                .iter()
                .position(|f| f.kind == *kind)
                .ok_or(RequestError::NoFeeDue { kind: *kind })?;
            let line = &mut s.fees[idx];
            if line.received.is_some() {
                return Err(RequestError::FeeAlreadyReceived { kind: *kind });
            }
            if line.amount_yen != *amount_yen {
                return Err(RequestError::FeeAmountMismatch {
                    kind: *kind,
                    expected: line.amount_yen,
                    received: *amount_yen,
                });
            }
            if !line.methods.contains(method) {
                return Err(RequestError::PaymentMethodNotAccepted { kind: *kind });
            }
            line.received = Some(FeeReceipt { method: *method, by, on: today });
            what.push(EventKind::FeeReceived {
                kind: *kind,
                amount_yen: *amount_yen,
                method: *method,
            });
        }
        Command::RequestEvidence { by: a, kind, ground, what: asked } => {
            role_allowed("request_evidence", a.role, clerk_roles(mn), "P5, M3")?;
            let idx = state.item_index(*kind)?;
            if s.items[idx].decision.is_some() {
                return Err(RequestError::AlreadyDecided { kind: *kind });
            }
            match kind.family() {
                KindFamily::Correction => {}
                KindFamily::Suspension => {
                    let g = ground.ok_or(RequestError::Missing { field: "ground".into() })?;
                    g.check_applies(*kind, mn)?;
                    if !g.needs_evidence() {
                        return Err(RequestError::EvidenceNotNeeded { ground: g.label_ja() });
                    }
                }
                KindFamily::Disclosure | KindFamily::PurposeNotification => {
                    return Err(RequestError::EvidenceNotNeeded { ground: kind.label_ja() });
                }
            }
            check_text("what", asked, 1_000)?;
            s.items[idx].evidence_requested = Some(asked.clone());
            what.push(EventKind::EvidenceRequested {
                kind: *kind,
                ground: *ground,
                what: asked.clone(),
            });
        }
        Command::Decide { by: a, kind, decision } => {
            role_allowed("decide", a.role, clerk_roles(mn), "P5, M3")?;
            let idx = state.item_index(*kind)?;
            state.require_not_waiting()?;
            state.require_verified()?;
            if s.items[idx].decision.is_some() {
                return Err(RequestError::AlreadyDecided { kind: *kind });
            }
            if kind.family() == KindFamily::Correction {
                return Err(RequestError::CorrectionOutOfOrder {
                    kind: *kind,
                    reason: "訂正等は担当者の指定・調査報告・責任者の確認の順に行います / corrections go assign → investigate → confirm",
                });
            }
            decision.validate(*kind, mn)?;
            if let Some(f) = state.fee(*kind)
                && f.received.is_none()
            {
                return Err(RequestError::FeeUnpaid { kind: *kind });
            }
            let item = &mut s.items[idx];
            item.decision = Some(decision.clone());
            item.decided_by = Some(by);
            item.decided_on = Some(today);
            what.push(EventKind::Decided {
                kind: *kind,
                decision: decision.clone(),
                grounds: decision.grounds(mn),
            });
        }
        Command::AssignCorrection { by: a, kind, clerk } => {
            role_allowed("assign_correction", a.role, manager_roles(mn), "M15, doc 003 40条2項")?;
            let idx = state.item_index(*kind)?;
            if kind.family() != KindFamily::Correction {
                return Err(RequestError::WrongDecisionForKind { kind: *kind });
            }
            state.require_verified()?;
            let item = &mut s.items[idx];
            if item.decision.is_some() {
                return Err(RequestError::AlreadyDecided { kind: *kind });
            }
            if item.correction.as_ref().is_some_and(|w| w.finding.is_some()) {
                return Err(RequestError::CorrectionOutOfOrder {
                    kind: *kind,
                    reason: "調査報告後は担当者を変更できません / the clerk cannot change after the report",
                });
            }
            item.correction =
                Some(CorrectionWork { clerk: *clerk, assigned_by: by, finding: None });
            what.push(EventKind::CorrectionAssigned { kind: *kind, clerk: *clerk });
        }
        Command::ReportInvestigation { by: a, kind, finding } => {
            role_allowed("report_investigation", a.role, clerk_roles(mn), "M15, doc 003 40条2項")?;
            let idx = state.item_index(*kind)?;
            state.require_not_waiting()?;
            let item = &mut s.items[idx];
            if item.decision.is_some() {
                return Err(RequestError::AlreadyDecided { kind: *kind });
            }
            let work = item.correction.as_mut().ok_or(RequestError::CorrectionOutOfOrder {
                kind: *kind,
                reason: "先に責任者が担当者を指定してください / the manager must name the clerk first",
            })?;
            if work.clerk != by {
                return Err(RequestError::NotTheNamedClerk);
            }
            finding.validate()?;
            work.finding = Some(finding.clone());
            what.push(EventKind::InvestigationReported { kind: *kind, finding: finding.clone() });
        }
        Command::ConfirmCorrection { by: a, kind } => {
            role_allowed("confirm_correction", a.role, manager_roles(mn), "M15, doc 003 40条2項")?;
            let idx = state.item_index(*kind)?;
            state.require_not_waiting()?;
            state.require_verified()?;
            let requester = state.requester_label();
            let reason =
                state.form.correction.as_ref().map(|c| c.reason.clone()).unwrap_or_default();
            let item = &mut s.items[idx];
            if item.decision.is_some() {
                return Err(RequestError::AlreadyDecided { kind: *kind });
            }
            let (clerk, finding) = match &item.correction {
                Some(CorrectionWork { clerk, finding: Some(f), .. }) => (*clerk, f.clone()),
                _ => {
                    return Err(RequestError::CorrectionOutOfOrder {
                        kind: *kind,
                        reason: "担当者の調査報告がありません / the named clerk has not reported",
                    });
                }
            };
            if clerk == by {
                return Err(RequestError::SelfConfirmation);
            }
            let keep_until = today
                .checked_add_months(Months::new(12 * crate::decision::CORRECTION_RECORD_YEARS))
                .unwrap_or(NaiveDate::MAX);
            let record = CorrectionRecord {
                request: state.id,
                kind: *kind,
                reason,
                requester,
                date: today,
                manager: by,
                clerk,
                content: finding.clone(),
                keep_until,
            };
            let decision = Decision::Correction(finding);
            item.decision = Some(decision.clone());
            item.decided_by = Some(by);
            item.decided_on = Some(today);
            s.correction_records.push(record.clone());
            what.push(EventKind::CorrectionRecorded { record });
            what.push(EventKind::Decided { kind: *kind, grounds: decision.grounds(mn), decision });
        }
        Command::Respond { by: a, in_writing_because } => {
            role_allowed("respond", a.role, clerk_roles(mn), "P5, M3")?;
            state.require_not_waiting()?;
            state.require_verified()?;
            if let Some(i) = state.items.iter().find(|i| i.decision.is_none()) {
                return Err(RequestError::Undecided { kind: i.kind });
            }
            let chosen = &state.form.answer_method;
            let method = match in_writing_because {
                None => chosen.clone(),
                Some(reason) => {
                    if matches!(chosen, AnswerMethod::Post) {
                        return Err(RequestError::NotTheChosenMethod);
                    }
                    check_text("in_writing_because", reason, 1_000)?;
                    AnswerMethod::Post
                }
            };
            s.response = Some(ResponseRecord {
                method: method.clone(),
                in_writing_because: in_writing_because.clone(),
                by,
                on: today,
            });
            s.status = Status::Answered;
            what.push(EventKind::Responded {
                method,
                in_writing_because: in_writing_because.clone(),
            });
        }
        Command::Withdraw { by: a, note } => {
            role_allowed("withdraw", a.role, clerk_roles(mn), "P5, M3")?;
            check_text("note", note, 1_000)?;
            s.status = Status::Withdrawn;
            what.push(EventKind::Withdrawn { note: note.clone() });
        }
    }
    let events =
        what.into_iter().map(|w| Event { request: state.id, at: now, by, what: w }).collect();
    Ok((s, events))
}
