//! 開示等の請求 use cases (P7, M15) on the `hogo-requests` state machine: file, run each
//! step (identity, authority, fee, decision, correction, response), list with days left,
//! render the letters, and fill the disclosure package from every store with other
//! people's numbers masked. Each transition's events become ledger entries in the same
//! transaction; a correction record becomes a `correction_record` holding (kept 1 year);
//! a stop of provision granted as requested withdraws the matching consents at once
//! (P3, P7; [`crate::placement`]).

use chrono::NaiveDate;
use hogo_domain::policy::{Context, Operation, decide};
use hogo_domain::{Actor, RequestId, RuleId, SubjectId, SubjectKind};
use hogo_ledger::{Action, DocumentKind as LedgerKind, ObjectRef};
use hogo_requests::{
    Command, Decision, DisclosurePackage, DisclosureSource, EventKind as ReqEvent, FileRequest,
    Measure, Notice, Organisation, ProvisionStop, PublishedPage, Request, RequestConfig,
    RequestForm, RequestKind, SuspensionDecision,
};
use serde::{Deserialize, Serialize};

use crate::app::{Hogo, Ports, Session, entry, log};
use crate::docs::{HOLDINGS, NUMBER_RECORDS, REQUESTS, SINGLETONS, SUBJECTS};
use crate::numbers::{NumberRecord, open_profile};
use crate::organisation::OrganisationSettings;
use crate::retention_ops::new_holding;
use crate::setup::settings;
use crate::store::{Store, Tx};
use crate::subjects::SubjectRecord;
use crate::{Error, error::invalid};

const REQUEST_CONFIG: &str = "request_config";

/// A request as stored: the state machine's state plus the subject it was matched to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRequest {
    /// The request's state.
    pub request: Request,
    /// The subject the clerk matched the requester to (none: nothing is held).
    pub subject: Option<SubjectId>,
}

/// One line of the request list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSummary {
    /// The request.
    pub id: RequestId,
    /// Kinds requested.
    pub kinds: Vec<RequestKind>,
    /// Received on.
    pub received_on: NaiveDate,
    /// Due on (receipt + target).
    pub due_on: NaiveDate,
    /// Days left (negative: overdue).
    pub days_left: i64,
    /// Overdue.
    pub overdue: bool,
    /// Status id ([`hogo_requests::Status::id`]: `open`, `waiting_for_documents`,
    /// `answered`, `withdrawn`).
    pub status: String,
}

fn request_ctx<'a>(
    actor: &'a Actor,
    st: &OrganisationSettings,
    kind: Option<&'a SubjectKind>,
) -> Context<'a> {
    let c = Context::new(actor, st.affairs).stated_purposes(&[]);
    match kind {
        Some(k) => c.subject(k),
        None => c,
    }
}

fn load(tx: &Tx<'_>, id: RequestId) -> Result<StoredRequest, Error> {
    REQUESTS
        .get(&*tx.docs, tx.organisation, &id.to_string())?
        .ok_or_else(|| Error::NotFound { what: format!("request {id}") })
}

fn subject_kind(tx: &Tx<'_>, subject: Option<SubjectId>) -> Result<Option<SubjectKind>, Error> {
    match subject {
        None => Ok(None),
        Some(s) => Ok(SUBJECTS
            .get::<SubjectRecord>(&*tx.docs, tx.organisation, &s.to_string())?
            .map(|r| r.subject.kind)),
    }
}

/// The organisation as published (APPI 32条) and as letters name it.
pub(crate) fn published_organisation(st: &OrganisationSettings) -> Organisation {
    let mut purposes: Vec<String> = st.affairs.iter().map(|a| a.label_ja().to_owned()).collect();
    purposes.extend(st.purposes.iter().map(|p| p.label_ja().to_owned()));
    Organisation {
        name: st.name.clone(),
        address: st.address.clone(),
        representative: st.responsible.representative.clone(),
        purposes,
        request_desk: format!("{} {}", st.address, st.responsible.department),
        submission: "簡易書留又は特定記録郵便".into(),
        safety_measures: vec![
            "個人番号は暗号化（AES-256-GCM）して保管し、保存期間経過後は鍵の破棄により復元不能な方法で削除".into(),
            "取扱記録を改ざん検知可能な台帳（ハッシュチェーン・Merkle木・署名付きチェックポイント）に記録".into(),
            "事務取扱担当者を限定し、アカウントと役割によりアクセスを制御".into(),
            format!("管理区域: {} / 取扱区域: {}", st.areas.controlled.join("・"), st.areas.handling.join("・")),
        ],
        complaints_desk: st.responsible.privacy_officer.clone().unwrap_or_else(|| st.responsible.number_manager.clone()),
        identity_copy_retention: "本人確認のための書類の写しは、本人確認の完了後、請求の処理に必要な期間に限り保管し、速やかに廃棄します".into(),
    }
}

fn ledger_entries(
    ports: &Ports<'_>,
    actor: &Actor,
    subject: Option<SubjectId>,
    events: &[hogo_requests::Event],
) -> Result<Vec<hogo_ledger::NewEntry>, Error> {
    let mut out = Vec::new();
    for ev in events {
        let (action, note) = match &ev.what {
            ReqEvent::Filed { .. } => (Action::RequestReceived, "請求受付"),
            ReqEvent::IdentityVerified { .. } | ReqEvent::AuthorityVerified { .. } => {
                (Action::RequestVerified, "本人確認・代理権確認")
            }
            ReqEvent::CopyPartRemedied { .. } => {
                (Action::RequestVerified, "写しのマスキング・廃棄")
            }
            ReqEvent::Decided { .. } | ReqEvent::CorrectionRecorded { .. } => {
                (Action::RequestDecided, "決定")
            }
            ReqEvent::Responded { .. } => (Action::RequestResponded, "回答送付"),
            ReqEvent::Withdrawn { .. } => (Action::RequestClosed, "取下げ"),
            _ => (Action::RequestReceived, "手続の記録"),
        };
        let kind = format!("{:?}", ev.what);
        let step: String = kind.chars().take_while(char::is_ascii_alphanumeric).collect();
        let mut e = entry(ports, actor, action)
            .with_object(ObjectRef::Request(ev.request))
            .with_legal_basis("個人情報保護法32条〜39条・規程37条〜42条")?
            .with_note(&format!("{note} ({step})"))?;
        if let Some(s) = subject {
            e = e.with_subject(s);
        }
        out.push(e);
    }
    Ok(out)
}

/// Fills the disclosure package from the stores (P7, M15: all 保有個人データ about the
/// person, evaluations included; numbers are never shown: the package is masked).
struct StoreSource<'a, 'b> {
    ports: &'a Ports<'a>,
    tx: &'a Tx<'b>,
    subject: Option<SubjectId>,
}

impl DisclosureSource for StoreSource<'_, '_> {
    type Error = Error;

    fn collect(
        &self,
        _request: &Request,
        kind: RequestKind,
    ) -> Result<Vec<hogo_requests::package::SourceItem>, Error> {
        use hogo_requests::package::{ItemCategory, SourceItem};
        let Some(subject) = self.subject else { return Ok(Vec::new()) };
        let org = self.tx.organisation;
        let mut items = Vec::new();
        // 第三者提供記録 of job seekers (APPI 29条, disclosable under 33条5項; P3, P7).
        let provisions = crate::placement::provision_disclosure_items(self.tx, subject)?;
        if kind == RequestKind::ProvisionRecordDisclosure {
            return Ok(provisions);
        }
        items.extend(crate::placement::seeker_disclosure_items(self.ports, self.tx, subject)?);
        items.extend(provisions);
        // A job seeker's profile may already be disposed of (P11): the register row and
        // the records that remain are still disclosed.
        let has_profile = crate::docs::PROFILE_RECORDS
            .get::<hogo_domain::RecordId>(&*self.tx.docs, org, &subject.to_string())?
            .is_some();
        if has_profile {
            let profile = open_profile(self.ports, self.tx, subject)?;
            items.push(SourceItem {
                category: ItemCategory::Profile,
                title: "基本情報".into(),
                content: format!(
                    "氏名: {}\nフリガナ: {}\n生年月日: {}\n住所: {}",
                    profile.name,
                    profile.furigana,
                    profile.birth_date.map(|d| d.to_string()).unwrap_or_default(),
                    profile.address
                ),
            });
        }
        if let Some(rec) =
            SUBJECTS.get::<SubjectRecord>(&*self.tx.docs, org, &subject.to_string())?
        {
            let events: Vec<String> =
                rec.events.iter().map(|e| format!("{} {}", e.on, e.kind.id())).collect();
            items.push(SourceItem {
                category: ItemCategory::Other,
                title: "区分・履歴".into(),
                content: format!(
                    "区分: {}\n参照番号: {}\n履歴: {}",
                    rec.subject.kind.label_ja(),
                    rec.reference,
                    events.join(", ")
                ),
            });
        }
        if let Some(n) =
            NUMBER_RECORDS.get::<NumberRecord>(&*self.tx.docs, org, &subject.to_string())?
        {
            let affairs: Vec<&str> = n.affairs.iter().map(|a| a.label_ja()).collect();
            items.push(SourceItem {
                category: ItemCategory::Filing,
                title: "個人番号の保有".into(),
                content: format!("個人番号を保有しています（{}のため、{}取得）。番号そのものは本書に記載しません。", affairs.join("・"), n.collected_at.date_naive()),
            });
        }
        let holdings: Vec<hogo_retention::Holding> =
            HOLDINGS.list_prefix(&*self.tx.docs, org, &format!("{subject}:"))?;
        for h in holdings {
            items.push(SourceItem {
                category: ItemCategory::Filing,
                title: h.kind.label_ja().to_owned(),
                content: format!("保管開始 {}", h.created),
            });
        }
        Ok(items)
    }
}

impl<S: Store> Hogo<S> {
    /// Sets the organisation's request configuration (fees per kind — only 開示 and
    /// 利用目的の通知 can carry one, APPI 38条 —, target days, seal requirement).
    pub fn set_request_config(
        &self,
        session: &Session,
        config: RequestConfig,
    ) -> Result<(), Error> {
        self.with_session(session, Action::RequestReceived, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            decide(&Context::new(actor, st.affairs), &Operation::Governance)?;
            SINGLETONS.put(tx.docs, tx.organisation, REQUEST_CONFIG, &config)?;
            let e = entry(ports, actor, Action::RequestReceived).with_note("請求手続の設定変更")?;
            log(tx, ports, vec![e])
        })
    }

    /// Files a request received on `received_on` (not after today), matched to `subject`.
    pub fn file_request(
        &self,
        session: &Session,
        form: RequestForm,
        subject: Option<SubjectId>,
        received_on: NaiveDate,
    ) -> Result<RequestId, Error> {
        self.with_session(session, Action::RequestReceived, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            let kind = subject_kind(tx, subject)?;
            if subject.is_some() && kind.is_none() {
                return Err(Error::NotFound { what: "subject".into() });
            }
            decide(&request_ctx(actor, &st, kind.as_ref()), &Operation::HandleRequest)?;
            let concerns_my_number = match subject {
                Some(s) => NUMBER_RECORDS
                    .get::<NumberRecord>(&*tx.docs, tx.organisation, &s.to_string())?
                    .is_some(),
                None => false,
            };
            let config: RequestConfig = SINGLETONS
                .get(&*tx.docs, tx.organisation, REQUEST_CONFIG)?
                .unwrap_or_else(RequestConfig::seed);
            let id = RequestId::from_uuid(ports.ids.new_uuid());
            let (request, events) = Request::file(
                FileRequest {
                    id,
                    by: actor.clone(),
                    form: form.clone(),
                    concerns_my_number,
                    received_on,
                    config,
                },
                ports.now(),
            )?;
            REQUESTS.put(
                tx.docs,
                tx.organisation,
                &id.to_string(),
                &StoredRequest { request, subject },
            )?;
            log(tx, ports, ledger_entries(ports, actor, subject, &events)?)?;
            Ok(id)
        })
    }

    /// Runs one step of a request. The command's `by` must be the signed-in actor.
    pub fn request_step(
        &self,
        session: &Session,
        id: RequestId,
        command: &Command,
    ) -> Result<Request, Error> {
        self.with_session(session, Action::RequestDecided, &mut |ports, actor, tx| {
            if command.actor() != actor {
                return Err(invalid(
                    "command.by",
                    RuleId::P10,
                    "操作者はログイン中の担当者でなければなりません",
                    "the command must be made by the signed-in staff member",
                ));
            }
            let st = settings(tx)?;
            let mut stored = load(tx, id)?;
            let kind = subject_kind(tx, stored.subject)?;
            decide(&request_ctx(actor, &st, kind.as_ref()), &Operation::HandleRequest)?;
            let (next, events) = hogo_requests::transition(&stored.request, command, ports.now())?;
            // A correction record is kept 1 year (doc 003 Art. 40③): a retention holding.
            for ev in &events {
                if let (ReqEvent::CorrectionRecorded { record }, Some(subject)) =
                    (&ev.what, stored.subject)
                {
                    let h = new_holding(
                        ports,
                        tx.organisation,
                        subject,
                        "correction_record",
                        ports.today(),
                    )?;
                    HOLDINGS.put(
                        tx.docs,
                        tx.organisation,
                        &crate::retention_ops::holding_key(subject, h.id),
                        &h,
                    )?;
                    crate::retention_ops::put_event(
                        tx,
                        subject,
                        Some(h.id),
                        hogo_retention::EventKind::Corrected,
                        record.date,
                    )?;
                }
            }
            // A granted stop of provision takes effect at once (P3, P7; journey 2): the
            // matching consents are withdrawn in this transaction.
            let mut stop_entries = Vec::new();
            for ev in &events {
                if let (
                    ReqEvent::Decided {
                        kind: RequestKind::StopOfProvision,
                        decision:
                            Decision::Suspension(SuspensionDecision::Granted {
                                measure: Measure::AsRequested,
                                ..
                            }),
                        ..
                    },
                    Some(subject),
                ) = (&ev.what, stored.subject)
                {
                    let scope = stored
                        .request
                        .form
                        .suspension
                        .as_ref()
                        .map_or(ProvisionStop::All, |s| s.provision_stop_scope());
                    stop_entries.extend(crate::placement::apply_provision_stop(
                        ports, actor, tx, subject, id, &scope,
                    )?);
                }
            }
            stored.request = next.clone();
            REQUESTS.put(tx.docs, tx.organisation, &id.to_string(), &stored)?;
            let mut entries = ledger_entries(ports, actor, stored.subject, &events)?;
            entries.extend(stop_entries);
            log(tx, ports, entries)?;
            Ok(next)
        })
    }

    /// The request list, overdue first, then by days left.
    pub fn requests(&self, session: &Session) -> Result<Vec<RequestSummary>, Error> {
        self.with_session(session, Action::Access, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            decide(
                &request_ctx(actor, &st, Some(&SubjectKind::Employee)),
                &Operation::HandleRequest,
            )
            .or_else(|_| {
                decide(
                    &request_ctx(actor, &st, Some(&SubjectKind::JobSeeker)),
                    &Operation::HandleRequest,
                )
            })?;
            let today = ports.today();
            let all: Vec<StoredRequest> = REQUESTS.list(&*tx.docs, tx.organisation)?;
            let mut out: Vec<RequestSummary> = all
                .into_iter()
                .map(|s| {
                    let r = s.request;
                    RequestSummary {
                        id: r.id,
                        kinds: r.form.kinds.iter().copied().collect(),
                        received_on: r.received_on,
                        due_on: r.due_on,
                        days_left: r.days_left(today),
                        overdue: r.is_overdue(today),
                        status: r
                            .status
                            .id()
                            .to_owned()
                            .chars()
                            .take_while(char::is_ascii_alphanumeric)
                            .collect(),
                    }
                })
                .collect();
            out.sort_by_key(|r| {
                (matches!(r.status.as_str(), "answered" | "withdrawn"), !r.overdue, r.days_left)
            });
            Ok(out)
        })
    }

    /// One request.
    pub fn request(&self, session: &Session, id: RequestId) -> Result<StoredRequest, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| {
            let st = settings(tx)?;
            let stored = load(tx, id)?;
            let kind = subject_kind(tx, stored.subject)?;
            decide(&request_ctx(actor, &st, kind.as_ref()), &Operation::HandleRequest)?;
            Ok(stored)
        })
    }

    /// The letters of a request (回答書, 不開示・一部開示の通知, 訂正等の通知, 利用停止等の通知).
    pub fn request_letters(&self, session: &Session, id: RequestId) -> Result<Vec<Notice>, Error> {
        self.with_session(session, Action::Access, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            let stored = load(tx, id)?;
            let kind = subject_kind(tx, stored.subject)?;
            decide(&request_ctx(actor, &st, kind.as_ref()), &Operation::HandleRequest)?;
            Ok(hogo_requests::render_letters(
                &stored.request,
                &published_organisation(&st),
                ports.today(),
            ))
        })
    }

    /// The disclosure package for a request's kind: everything held about the person,
    /// with every number masked; handing it over is recorded as a provision to the
    /// person (番号法19条 by interpretation, APPI 33条).
    pub fn disclosure_package(
        &self,
        session: &Session,
        id: RequestId,
        kind: RequestKind,
    ) -> Result<DisclosurePackage, Error> {
        self.with_session(session, Action::Provision, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            let stored = load(tx, id)?;
            let sk = subject_kind(tx, stored.subject)?;
            decide(&request_ctx(actor, &st, sk.as_ref()), &Operation::HandleRequest)?;
            let source = StoreSource { ports, tx, subject: stored.subject };
            let package = hogo_requests::build_package(&stored.request, kind, &source)?;
            let mut e = entry(ports, actor, Action::Provision)
                .with_object(ObjectRef::Request(id))
                .with_document_kind(LedgerKind::new("disclosure_package")?)
                .with_legal_basis("個人情報保護法33条（本人への開示）")?
                .with_note(&format!("開示資料 {}件", package.items.len()))?;
            if let Some(s) = stored.subject {
                e = e.with_subject(s);
            }
            log(tx, ports, vec![e])?;
            Ok(package)
        })
    }

    /// The published matters page (APPI 32条) from the organisation's configuration.
    pub fn published_matters(&self, session: &Session) -> Result<PublishedPage, Error> {
        self.with_session(session, Action::Access, &mut |_, _, tx| {
            let st = settings(tx)?;
            let config: RequestConfig = SINGLETONS
                .get(&*tx.docs, tx.organisation, REQUEST_CONFIG)?
                .unwrap_or_else(RequestConfig::seed);
            Ok(hogo_requests::render_published_matters(&published_organisation(&st), &config))
        })
    }
}
