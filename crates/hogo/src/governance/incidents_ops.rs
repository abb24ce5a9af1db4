//! Incidents (漏えい等事案, M4 / doc 003 Art. 8; 番号法29条の4, APPI 26条): record with the
//! day any department knew, classify against both regimes, deadlines with the holiday
//! roll, count updates (a count that later passes 100 / 1,000 makes the case reportable
//! from the day that became known), corrections of the facts after recording (each with a
//! ledger entry naming the fields and the reason), notices per person, filings and the
//! report draft.
//!
//! An incident may name a lost **sealed export** (a movement written by
//! [`Hogo::export_sealed`](crate::Hogo::export_sealed)): its age encryption is 高度な暗号化,
//! exempting the 漏えい等 cases as long as the passphrase or key was not lost with it.

use chrono::NaiveDate;
use hogo_domain::{IncidentId, RuleId, SubjectId};
use hogo_governance::incident::{
    AffectedCount, AsContractor, Certainty, Classification, DataInvolved, Encryption, Filing,
    Incident, IncidentKind, NoticeStatus, NoticeTracker, ReportDraft,
};
use hogo_ledger::{Action, ObjectRef};
use serde::{Deserialize, Serialize};

use super::{INCIDENTS, gov_error, governance, may_read, not_future, opt_text, text};
use crate::Error;
use crate::app::{Hogo, Ports, Session, entry, log};
use crate::docs::MOVEMENTS;
use crate::error::invalid;
use crate::movements::Movement;
use crate::store::{Store, Tx};

/// A lost sealed export named by an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostExport {
    /// The movement id returned by `export_sealed`.
    pub movement: String,
    /// Whether the passphrase or secret key was lost or leaked with the file.
    pub key_also_lost: bool,
}

/// What the manager knows when recording an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewIncident {
    /// The day **any** department knew (day 1 of the deadlines).
    pub known_on: NaiveDate,
    /// What happened (at least one).
    pub kinds: Vec<IncidentKind>,
    /// Suspected or confirmed.
    pub certainty: Certainty,
    /// People affected as first known.
    pub affected: AffectedCount,
    /// Data involved.
    pub data: DataInvolved,
    /// Examples of 要配慮 data (free text).
    pub sensitive_examples: Option<String>,
    /// May have been done for an improper purpose (theft, 不正アクセス …).
    pub improper_purpose: bool,
    /// Personal information being acquired (APPI case 3 since 2024-04).
    pub during_acquisition: bool,
    /// Viewable by unspecified people electronically.
    pub viewable_by_unspecified: bool,
    /// Encryption of the data (ignored when `lost_export` is given: taken from the file).
    pub encryption: Encryption,
    /// Set when the organisation held the data as a 委託先.
    pub as_contractor: Option<AsContractor>,
    /// A lost sealed export.
    pub lost_export: Option<LostExport>,
    /// 概要 (free text).
    pub summary: String,
    /// The people affected, as far as known (for the notices).
    pub people: Vec<SubjectId>,
}

/// An incident as stored: the record, the notices and the report draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentRecord {
    /// The incident.
    pub incident: Incident,
    /// The lost export, if any.
    pub lost_export: Option<LostExport>,
    /// The people affected known so far.
    pub people: Vec<SubjectId>,
    /// Notices per person (both regimes).
    pub notices: NoticeTracker,
    /// The report draft's free-text items.
    pub draft: Option<ReportDraft>,
    /// Corrections of the facts made after recording, oldest first.
    #[serde(default)]
    pub corrections: Vec<CorrectionNote>,
}

/// One correction of an incident's facts (M4): who, when, which fields, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionNote {
    /// The day it was made (the clock's today).
    pub on: NaiveDate,
    /// Who made it.
    pub by: hogo_domain::StaffId,
    /// The fields changed (English ids, e.g. `encryption`).
    pub fields: Vec<String>,
    /// Why (free text, no number).
    pub reason: hogo_governance::FreeText,
}

/// Facts corrected after recording (M4): every `Some` replaces the stored value; the
/// count has its own use case ([`Hogo::update_incident_count`]), and the day of knowledge
/// is not correctable (the deadlines count from it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IncidentCorrection {
    /// What happened.
    pub kinds: Option<Vec<IncidentKind>>,
    /// Suspected or confirmed.
    pub certainty: Option<Certainty>,
    /// Data involved.
    pub data: Option<DataInvolved>,
    /// Examples of 要配慮 data (`Some("")` clears them).
    pub sensitive_examples: Option<String>,
    /// Improper purpose.
    pub improper_purpose: Option<bool>,
    /// Being acquired (APPI case 3 since 2024-04).
    pub during_acquisition: Option<bool>,
    /// Viewable by unspecified people (My Number case 3).
    pub viewable_by_unspecified: Option<bool>,
    /// Encryption (e.g. the export turned out to be encrypted, or its key leaked).
    pub encryption: Option<Encryption>,
    /// The 委託先 facts (`Some(None)` clears them).
    pub as_contractor: Option<Option<AsContractor>>,
    /// 概要.
    pub summary: Option<String>,
    /// Why the facts are corrected (required).
    pub reason: String,
}

/// An incident with its classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentView {
    /// The stored record.
    pub record: IncidentRecord,
    /// The classification on the stored facts.
    pub classification: Classification,
}

/// The free-text items of the report draft (概要 … その他).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DraftInput {
    /// 概要 (defaults to the incident's summary).
    pub overview: Option<String>,
    /// 原因.
    pub cause: String,
    /// 二次被害.
    pub secondary_damage: String,
    /// 本人への対応.
    pub response_to_persons: String,
    /// 公表.
    pub publication: String,
    /// 再発防止.
    pub prevention: String,
    /// その他.
    pub other: String,
}

fn load(tx: &Tx<'_>, id: IncidentId) -> Result<IncidentRecord, Error> {
    INCIDENTS
        .get(&*tx.docs, tx.organisation, &id.to_string())?
        .ok_or_else(|| Error::NotFound { what: format!("incident {id}") })
}

fn classify(i: &Incident) -> Result<Classification, Error> {
    i.classify().map_err(|e| gov_error(e, RuleId::M4))
}

/// Refreshes the notice list from the classification: pending notices follow the
/// regimes now due; new people are added.
fn refresh_notices(rec: &mut IncidentRecord, c: &Classification) {
    let regimes = c.regimes();
    for n in &mut rec.notices.notices {
        if n.status == NoticeStatus::Pending {
            n.regimes.clone_from(&regimes);
        }
    }
    rec.notices.add_people(c, rec.people.iter().copied());
}

fn store_and_log(
    ports: &Ports<'_>,
    actor: &hogo_domain::Actor,
    tx: &mut Tx<'_>,
    rec: &IncidentRecord,
    action: Action,
    note: &str,
) -> Result<IncidentView, Error> {
    let c = classify(&rec.incident)?;
    INCIDENTS.put(tx.docs, tx.organisation, &rec.incident.id.to_string(), rec)?;
    let verdict = if c.reportable { "報告対象" } else { "報告対象外" };
    let e = entry(ports, actor, action)
        .with_object(ObjectRef::Incident(rec.incident.id))
        .with_legal_basis("番号法29条の4・個人情報保護法26条・規程8条")?
        .with_note(&format!("{note}（{verdict}）"))?;
    log(tx, ports, vec![e])?;
    Ok(IncidentView { record: rec.clone(), classification: c })
}

/// M4: the day the 委託元 was notified is neither in the future nor before the incident
/// was known (the exemption needs a prompt notice after knowledge).
fn check_as_contractor(
    a: Option<AsContractor>,
    known_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), Error> {
    if let Some(on) = a.and_then(|a| a.notified_principal_on) {
        not_future("as_contractor.notified_principal_on", on, today, RuleId::M4)?;
        if on < known_on {
            return Err(invalid(
                "as_contractor.notified_principal_on",
                RuleId::M4,
                "委託元への通知日が認知日より前です",
                "the day the principal was notified is before the day the incident was known",
            ));
        }
    }
    Ok(())
}

impl<S: Store> Hogo<S> {
    /// Records an incident (M4) and classifies it; the people affected get pending
    /// notices under every regime that requires a report.
    pub fn record_incident(
        &self,
        session: &Session,
        input: NewIncident,
    ) -> Result<IncidentView, Error> {
        if input.kinds.is_empty() {
            return Err(invalid(
                "kinds",
                RuleId::M4,
                "事態（漏えい・滅失・毀損・不正利用・不正提供）を1つ以上指定してください",
                "name at least one kind (leak, loss, damage, improper use or provision)",
            ));
        }
        let summary = text("summary / 概要", &input.summary, RuleId::M4)?;
        let examples =
            opt_text("sensitive_examples", input.sensitive_examples.as_deref(), RuleId::M4)?;
        let affected =
            input.affected.validate("affected / 人数").map_err(|e| gov_error(e, RuleId::M4))?;
        self.with_session(session, Action::IncidentRecorded, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            not_future("known_on", input.known_on, ports.today(), RuleId::M4)?;
            check_as_contractor(input.as_contractor, input.known_on, ports.today())?;
            let id = IncidentId::from_uuid(ports.ids.new_uuid());
            let mut i =
                Incident::new(id, tx.organisation, input.known_on, input.kinds[0], summary.clone());
            i.kinds.clone_from(&input.kinds);
            i.kinds.dedup();
            i.certainty = input.certainty;
            i.affected = affected;
            i.data = input.data;
            i.sensitive_examples.clone_from(&examples);
            i.improper_purpose = input.improper_purpose;
            i.during_acquisition = input.during_acquisition;
            i.viewable_by_unspecified = input.viewable_by_unspecified;
            i.encryption = input.encryption;
            i.as_contractor = input.as_contractor;
            let mut people = input.people.clone();
            if let Some(lost) = &input.lost_export {
                let m: Movement =
                    MOVEMENTS.get(&*tx.docs, tx.organisation, lost.movement.trim())?.ok_or_else(
                        || Error::NotFound { what: format!("movement {}", lost.movement) },
                    )?;
                // An age-sealed export is 高度な暗号化; anything else is not.
                i.encryption = if m.export.is_some() {
                    Encryption::HighLevel { keys_leaked: lost.key_also_lost }
                } else {
                    Encryption::None
                };
                for s in &m.subjects {
                    if !people.contains(s) {
                        people.push(*s);
                    }
                }
            }
            let mut rec = IncidentRecord {
                incident: i,
                lost_export: input.lost_export.clone(),
                people,
                notices: NoticeTracker::default(),
                draft: None,
                corrections: Vec::new(),
            };
            let c = classify(&rec.incident)?;
            refresh_notices(&mut rec, &c);
            store_and_log(ports, actor, tx, &rec, Action::IncidentRecorded, "漏えい等事案の記録")
        })
    }

    /// Records a new count known on `known_on` (M4): passing 100 (My Number) or 1,000
    /// (APPI) makes the count case reportable from that day.
    pub fn update_incident_count(
        &self,
        session: &Session,
        id: IncidentId,
        known_on: NaiveDate,
        count: AffectedCount,
        more_people: &[SubjectId],
    ) -> Result<IncidentView, Error> {
        self.with_session(session, Action::IncidentUpdated, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            not_future("known_on", known_on, ports.today(), RuleId::M4)?;
            let mut rec = load(tx, id)?;
            rec.incident.update_count(known_on, count).map_err(|e| gov_error(e, RuleId::M4))?;
            for s in more_people {
                if !rec.people.contains(s) {
                    rec.people.push(*s);
                }
            }
            let c = classify(&rec.incident)?;
            refresh_notices(&mut rec, &c);
            store_and_log(ports, actor, tx, &rec, Action::IncidentUpdated, "本人の数の更新")
        })
    }

    /// Records that a person was notified, or a substitute measure (規則10条; 番号法29条の4②).
    pub fn record_incident_notice(
        &self,
        session: &Session,
        id: IncidentId,
        subject: SubjectId,
        status: NoticeStatus,
    ) -> Result<IncidentView, Error> {
        self.with_session(session, Action::IncidentUpdated, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            let mut rec = load(tx, id)?;
            let on = match status {
                NoticeStatus::Pending => None,
                NoticeStatus::Notified { on, .. } | NoticeStatus::Substituted { on, .. } => {
                    Some(on)
                }
            };
            if let Some(on) = on {
                not_future("notice.on", on, ports.today(), RuleId::M4)?;
                if on < rec.incident.known_on {
                    return Err(invalid(
                        "notice.on",
                        RuleId::M4,
                        "通知日が認知日より前です",
                        "the notice date is before the day the incident was known",
                    ));
                }
            }
            rec.notices.record(subject, status).map_err(|e| gov_error(e, RuleId::M4))?;
            store_and_log(ports, actor, tx, &rec, Action::IncidentUpdated, "本人への通知の記録")
        })
    }

    /// Corrects facts recorded earlier (M4) — e.g. the lost file turns out to have been
    /// encrypted, or its key leaked too; the incident is classified again, the notices
    /// follow, and a ledger entry names the fields changed and the reason.
    pub fn correct_incident(
        &self,
        session: &Session,
        id: IncidentId,
        c: &IncidentCorrection,
    ) -> Result<IncidentView, Error> {
        let reason = text("reason / 訂正の理由", &c.reason, RuleId::M4)?;
        let summary =
            c.summary.as_deref().map(|s| text("summary / 概要", s, RuleId::M4)).transpose()?;
        let examples = match c.sensitive_examples.as_deref() {
            None => None,
            Some(v) => Some(opt_text("sensitive_examples", Some(v), RuleId::M4)?),
        };
        if c.kinds.as_ref().is_some_and(Vec::is_empty) {
            return Err(invalid(
                "kinds",
                RuleId::M4,
                "事態（漏えい・滅失・毀損・不正利用・不正提供）を1つ以上指定してください",
                "name at least one kind (leak, loss, damage, improper use or provision)",
            ));
        }
        self.with_session(session, Action::IncidentUpdated, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            let mut rec = load(tx, id)?;
            let i = &mut rec.incident;
            let mut fields: Vec<String> = Vec::new();
            let mut mark = |f: &str, changed: bool| {
                if changed {
                    fields.push(f.to_owned());
                }
            };
            if let Some(k) = &c.kinds {
                let mut k = k.clone();
                k.dedup();
                mark("kinds", i.kinds != k);
                i.kinds = k;
            }
            if let Some(v) = c.certainty {
                mark("certainty", i.certainty != v);
                i.certainty = v;
            }
            if let Some(v) = c.data {
                mark("data", i.data != v);
                i.data = v;
            }
            if let Some(v) = &examples {
                mark("sensitive_examples", i.sensitive_examples != *v);
                i.sensitive_examples.clone_from(v);
            }
            if let Some(v) = c.improper_purpose {
                mark("improper_purpose", i.improper_purpose != v);
                i.improper_purpose = v;
            }
            if let Some(v) = c.during_acquisition {
                mark("during_acquisition", i.during_acquisition != v);
                i.during_acquisition = v;
            }
            if let Some(v) = c.viewable_by_unspecified {
                mark("viewable_by_unspecified", i.viewable_by_unspecified != v);
                i.viewable_by_unspecified = v;
            }
            if let Some(v) = c.encryption {
                mark("encryption", i.encryption != v);
                i.encryption = v;
            }
            if let Some(v) = c.as_contractor {
                check_as_contractor(v, i.known_on, ports.today())?;
                mark("as_contractor", i.as_contractor != v);
                i.as_contractor = v;
            }
            if let Some(v) = &summary {
                mark("summary", i.summary != *v);
                i.summary = v.clone();
            }
            if fields.is_empty() {
                return Err(invalid(
                    "correction",
                    RuleId::M4,
                    "訂正する事実が指定されていないか、記録と同じです",
                    "no fact to correct was given, or every one equals the record",
                ));
            }
            rec.corrections.push(CorrectionNote {
                on: ports.today(),
                by: actor.staff,
                fields: fields.clone(),
                reason: reason.clone(),
            });
            let c = classify(&rec.incident)?;
            refresh_notices(&mut rec, &c);
            store_and_log(
                ports,
                actor,
                tx,
                &rec,
                Action::IncidentUpdated,
                &format!("事実の訂正（{}）: {}", fields.join(", "), reason),
            )
        })
    }

    /// Records a filed 速報 / 確報.
    pub fn record_incident_filing(
        &self,
        session: &Session,
        id: IncidentId,
        filing: Filing,
    ) -> Result<IncidentView, Error> {
        self.with_session(session, Action::IncidentUpdated, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            not_future("filing.on", filing.on, ports.today(), RuleId::M4)?;
            let mut rec = load(tx, id)?;
            rec.incident.record_filing(filing).map_err(|e| gov_error(e, RuleId::M4))?;
            store_and_log(ports, actor, tx, &rec, Action::IncidentUpdated, "報告の提出の記録")
        })
    }

    /// Stores the report draft's free-text items and returns the rendered draft with the
    /// nine required items (概要, 項目, 人数, 原因, 二次被害, 本人対応, 公表, 再発防止, その他).
    pub fn set_incident_draft(
        &self,
        session: &Session,
        id: IncidentId,
        input: &DraftInput,
    ) -> Result<String, Error> {
        let f = |field: &str, v: &str| {
            hogo_governance::FreeText::new(field, v).map_err(|e| gov_error(e, RuleId::M4))
        };
        let cause = f("cause / 原因", &input.cause)?;
        let secondary = f("secondary_damage / 二次被害", &input.secondary_damage)?;
        let response = f("response_to_persons / 本人対応", &input.response_to_persons)?;
        let publication = f("publication / 公表", &input.publication)?;
        let prevention = f("prevention / 再発防止", &input.prevention)?;
        let other = f("other / その他", &input.other)?;
        let overview = input.overview.as_deref().map(|o| f("overview / 概要", o)).transpose()?;
        self.with_session(session, Action::IncidentUpdated, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            let mut rec = load(tx, id)?;
            rec.draft = Some(ReportDraft {
                overview: overview.clone().unwrap_or_else(|| rec.incident.summary.clone()),
                cause: cause.clone(),
                secondary_damage: secondary.clone(),
                response_to_persons: response.clone(),
                publication: publication.clone(),
                prevention: prevention.clone(),
                other: other.clone(),
            });
            let v =
                store_and_log(ports, actor, tx, &rec, Action::IncidentUpdated, "報告書案の作成")?;
            Ok(render(&v))
        })
    }

    /// The rendered report draft (items not yet written show 「（未記入）」).
    pub fn incident_report(&self, session: &Session, id: IncidentId) -> Result<String, Error> {
        Ok(render(&self.incident(session, id)?))
    }

    /// One incident with its classification.
    pub fn incident(&self, session: &Session, id: IncidentId) -> Result<IncidentView, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| {
            may_read(actor, tx)?;
            let rec = load(tx, id)?;
            let c = classify(&rec.incident)?;
            Ok(IncidentView { record: rec, classification: c })
        })
    }

    /// Every incident, newest knowledge first.
    pub fn incidents(&self, session: &Session) -> Result<Vec<IncidentView>, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| {
            may_read(actor, tx)?;
            let mut out = Vec::new();
            for rec in INCIDENTS.list::<IncidentRecord>(&*tx.docs, tx.organisation)? {
                let c = classify(&rec.incident)?;
                out.push(IncidentView { record: rec, classification: c });
            }
            out.sort_by_key(|v| std::cmp::Reverse(v.record.incident.known_on));
            Ok(out)
        })
    }
}

fn render(v: &IncidentView) -> String {
    let blank = || {
        hogo_governance::FreeText::new("", "（未記入）")
            .unwrap_or_else(|_| v.record.incident.summary.clone())
    };
    let draft = v.record.draft.clone().unwrap_or_else(|| ReportDraft {
        overview: v.record.incident.summary.clone(),
        cause: blank(),
        secondary_damage: blank(),
        response_to_persons: blank(),
        publication: blank(),
        prevention: blank(),
        other: blank(),
    });
    let mut s = draft.render_ja(&v.record.incident, &v.classification);
    let pending = v.record.notices.pending().len();
    let total = v.record.notices.notices.len();
    s.push_str(&format!("\n本人への通知: {}名中{}名 通知済・代替措置済\n", total, total - pending));
    if v.classification.effort_duty_only {
        s.push_str("（番号法の報告義務対象外。報告は努力義務）\n");
    }
    s
}
