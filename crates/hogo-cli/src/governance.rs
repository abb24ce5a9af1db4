//! Governance commands (issue 12): `hogo incident …` (M4), `hogo contractor …` (M14),
//! `hogo carry-out` (M12, P9: writes an age file), `hogo dispose-media` (M11),
//! `hogo training …` (P6, M16), `hogo complaint …` (P8), `hogo review` (M16) and
//! `hogo status`. Thin: parse, call the `hogo` use case, print in one language.
//! Passphrases come from `HOGO_EXPORT_PASSPHRASE` or a no-echo prompt, never argv.

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use chrono::NaiveDate;
use clap::Subcommand;
use hogo::governance::contractors_ops::{ContractorItem, NewContractor};
use hogo::governance::export_ops::{ExportColumn, ExportRequest};
use hogo::governance::incidents_ops::{
    DraftInput, IncidentCorrection, IncidentView, LostExport, NewIncident,
};
use hogo::governance::physical_ops::{DestructionMethod, DisposedBy, Medium, NewMediaDisposal};
use hogo::movements::{MovementKind, Protection};
use hogo_domain::policy::CarryOutReason;
use hogo_domain::{Affair, IncidentId, StaffId, SubjectId};
use hogo_export::AgeSealer;
use hogo_governance::contractor::{EndHandling, HearingKind};
use hogo_governance::ids::{ComplaintId, ContractorId};
use hogo_governance::incident::{
    AffectedCount, AsContractor, Certainty, DataInvolved, Encryption, Filing, IncidentKind,
    NoticeMethod, NoticeStatus, Regime, ReportStage,
};
use hogo_governance::review::{ChecklistItem, ItemResult};
use hogo_governance::training::CourseKind;
use secrecy::SecretString;
use serde::de::DeserializeOwned;

use crate::ctx::{Ctx, Global};
use crate::i18n::Lang;
use crate::{out, secret};

/// Parses a snake_case id of a serde enum (e.g. `leak`, `facilities`).
fn parse<T: DeserializeOwned>(field: &str, id: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(id.trim().to_owned())).map_err(|_| {
        anyhow::anyhow!(
            "--{field}: 「{id}」は指定できる値ではありません / {id} is not a valid value"
        )
    })
}

/// The snake_case id of a serde enum value (e.g. `shredding`).
fn json_id<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// An internally tagged enum as one line: its tag's value, then its other fields' values
/// (`to_contractor withholding_slip`).
fn tagged<T: serde::Serialize>(v: &T, tag: &str) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::Object(map)) => {
            let mut parts: Vec<String> = map.get(tag).map(json_id).into_iter().collect();
            parts.extend(map.iter().filter(|(k, _)| *k != tag).map(|(_, v)| json_id(v)));
            parts.join(" ")
        }
        _ => json_id(v),
    }
}

fn uuid(what: &str, s: &str) -> Result<uuid::Uuid, String> {
    uuid::Uuid::parse_str(s.trim())
        .map_err(|_| format!("{what}: IDの形式が正しくありません / not a valid id"))
}

fn cid(s: &str) -> Result<ContractorId, String> {
    uuid("contractor", s).map(ContractorId::from_uuid)
}

fn complaint_id(s: &str) -> Result<ComplaintId, String> {
    uuid("complaint", s).map(ComplaintId::from_uuid)
}

fn affair(id: &str) -> Result<Affair> {
    Affair::from_id(id.trim()).ok_or_else(|| {
        anyhow::anyhow!(
            "--affair: 「{id}」は事務ではありません / {id} is not an affair ({})",
            crate::session::affair_ids()
        )
    })
}

/// `hogo incident …` (M4).
#[derive(Debug, Subcommand)]
pub(crate) enum IncidentCommand {
    /// 漏えい等事案を記録・分類 / record and classify an incident.
    Record {
        /// 認知日（いずれかの部署が知った日） / the day any department knew (YYYY-MM-DD).
        #[arg(long)]
        known_on: NaiveDate,
        /// leak | loss | damage | improper_use | improper_provision (repeatable).
        #[arg(long = "kind", required = true)]
        kinds: Vec<String>,
        /// 本人の数 / people affected.
        #[arg(long)]
        count: u32,
        /// 個人番号を含む / My Numbers involved.
        #[arg(long)]
        my_number: bool,
        /// 要配慮個人情報を含む / special-care data involved.
        #[arg(long)]
        sensitive: bool,
        /// 財産的被害のおそれ / financial data involved.
        #[arg(long)]
        financial: bool,
        /// 不正の目的のおそれ（盗難・不正アクセス等） / possibly an improper purpose.
        #[arg(long)]
        improper_purpose: bool,
        /// 確定（省略時はおそれ） / confirmed (default: suspected).
        #[arg(long)]
        confirmed: bool,
        /// 要配慮個人情報の例（例: 扶養控除等申告書の障害者欄） / example of the special-care data.
        #[arg(long, requires = "sensitive")]
        sensitive_example: Option<String>,
        /// 取得しようとしている個人情報（2024年4月〜、個情規則7条3号） / data being acquired (APPI case 3 since 2024-04).
        #[arg(long)]
        during_acquisition: bool,
        /// 不特定多数の者が閲覧できるおそれ（電子的方法） / viewable by unspecified people (My Number case 3).
        #[arg(long)]
        viewable_by_unspecified: bool,
        /// 高度な暗号化（鍵は --key-lost で） / the data were under high-level encryption.
        #[arg(long)]
        encrypted: bool,
        /// 当社は委託先として受託: 委託元に通知した日 / as a 委託先: the day the principal was notified.
        #[arg(long)]
        principal_notified_on: Option<NaiveDate>,
        /// 当社は委託先として受託（委託元へはまだ通知していない） / held as a 委託先, principal not yet notified.
        #[arg(long)]
        as_contractor: bool,
        /// 紛失した暗号化ファイルの持出し記録ID / the movement id of a lost sealed export.
        #[arg(long)]
        lost_export: Option<String>,
        /// 鍵・パスワードも失われた / its passphrase or key was lost too.
        #[arg(long)]
        key_lost: bool,
        /// 概要 / summary.
        #[arg(long)]
        summary: String,
        /// 影響を受けた本人 / affected subjects (repeatable).
        #[arg(long = "subject")]
        subjects: Vec<SubjectId>,
    },
    /// 本人の数の更新 / update the count.
    Count {
        /// Incident id.
        id: IncidentId,
        /// The day the new count became known.
        #[arg(long)]
        known_on: NaiveDate,
        /// The new count.
        #[arg(long)]
        count: u32,
    },
    /// 本人への通知を記録 / record a notice to a person.
    Notice {
        /// Incident id.
        id: IncidentId,
        /// The subject.
        #[arg(long)]
        subject: SubjectId,
        /// The day.
        #[arg(long)]
        on: NaiveDate,
        /// letter | email | phone | in_person.
        #[arg(long, default_value = "letter")]
        method: String,
    },
    /// 記録後の事実の訂正（理由必須） / correct facts after recording (reason required).
    Correct {
        /// Incident id.
        id: IncidentId,
        /// 訂正の理由 / why.
        #[arg(long)]
        reason: String,
        /// leak | loss | damage | improper_use | improper_provision (repeatable; replaces).
        #[arg(long = "kind")]
        kinds: Vec<String>,
        /// none | high_level | high_level_keys_leaked.
        #[arg(long)]
        encryption: Option<String>,
        /// 要配慮個人情報を含む / special-care data involved (true|false).
        #[arg(long)]
        sensitive: Option<bool>,
        /// 要配慮個人情報の例 / example of the special-care data ("" clears).
        #[arg(long)]
        sensitive_example: Option<String>,
        /// 個人番号を含む (true|false).
        #[arg(long)]
        my_number: Option<bool>,
        /// 財産的被害のおそれ (true|false).
        #[arg(long)]
        financial: Option<bool>,
        /// 不正の目的のおそれ (true|false).
        #[arg(long)]
        improper_purpose: Option<bool>,
        /// 取得中の個人情報 (true|false).
        #[arg(long)]
        during_acquisition: Option<bool>,
        /// 不特定多数の者が閲覧できるおそれ (true|false).
        #[arg(long)]
        viewable_by_unspecified: Option<bool>,
        /// 確定 (true) / おそれ (false).
        #[arg(long)]
        confirmed: Option<bool>,
        /// 委託先として委託元に通知した日 / as a 委託先: the day the principal was notified.
        #[arg(long)]
        principal_notified_on: Option<NaiveDate>,
        /// 委託先として受託したものではない / the data were not held as a 委託先.
        #[arg(long, conflicts_with = "principal_notified_on")]
        not_as_contractor: bool,
        /// 概要 / summary.
        #[arg(long)]
        summary: Option<String>,
    },
    /// 速報・確報の提出を記録 / record a filed report.
    Filing {
        /// Incident id.
        id: IncidentId,
        /// my_number | appi.
        #[arg(long)]
        regime: String,
        /// preliminary (速報) | final (確報).
        #[arg(long)]
        stage: String,
        /// 提出日 / the day filed.
        #[arg(long)]
        on: NaiveDate,
    },
    /// 報告書案（項目を記入して表示） / write and show the report draft.
    Draft {
        /// Incident id.
        id: IncidentId,
        /// 原因.
        #[arg(long, default_value = "")]
        cause: String,
        /// 再発防止.
        #[arg(long, default_value = "")]
        prevention: String,
    },
    /// 一覧 / list.
    List,
}

fn print_incident(lang: Lang, v: &IncidentView) {
    let c = &v.classification;
    let i = &v.record.incident;
    outln!("{}: {}", lang.pick("事案", "incident"), i.id);
    outln!("{}: {}", lang.pick("認知日", "known on"), i.known_on);
    outln!(
        "{}: {}",
        lang.pick("報告", "report"),
        if c.reportable {
            lang.pick("必要（個人情報保護委員会へ）", "required (to the PPC)")
        } else if c.effort_duty_only {
            lang.pick("義務なし（努力義務）", "not required (effort duty only)")
        } else {
            lang.pick("不要", "not required")
        }
    );
    for f in &c.findings {
        outln!("  {} {} ({})", lang.pick("該当", "case"), f.label_ja, f.citation);
    }
    for e in &c.exemptions {
        outln!("  {}: {}", lang.pick("適用除外", "exemption"), e.label_ja());
    }
    for d in &c.deadlines {
        outln!(
            "  {} {}: {} {}〜{}, {} {} ({}{})",
            lang.pick("期限", "deadlines"),
            lang.pick(d.regime.label_ja(), d.regime.label_en()),
            lang.pick("速報", "preliminary"),
            d.deadlines.preliminary_from,
            d.deadlines.preliminary_to,
            lang.pick("確報", "final"),
            d.deadlines.final_due,
            d.deadlines.final_period.days(),
            lang.pick("日", " days")
        );
    }
    for f in &i.filings {
        outln!(
            "  {} {} {} {}",
            lang.pick("提出済", "filed"),
            lang.pick(f.regime.label_ja(), f.regime.label_en()),
            match f.stage {
                ReportStage::Preliminary => lang.pick("速報", "preliminary"),
                ReportStage::Final => lang.pick("確報", "final"),
            },
            f.on
        );
    }
    for k in &v.record.corrections {
        outln!(
            "  {} {}: {} ({})",
            lang.pick("訂正", "corrected"),
            k.on,
            k.fields.join(", "),
            k.reason
        );
    }
    let pending = v.record.notices.pending().len();
    outln!(
        "{}: {}/{}",
        lang.pick("本人通知 済/対象", "notices done/due"),
        v.record.notices.notices.len() - pending,
        v.record.notices.notices.len()
    );
}

pub(crate) fn incident(g: &Global, c: IncidentCommand) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    let view = match c {
        IncidentCommand::Record {
            known_on,
            kinds,
            count,
            my_number,
            sensitive,
            financial,
            improper_purpose,
            confirmed,
            sensitive_example,
            during_acquisition,
            viewable_by_unspecified,
            encrypted,
            principal_notified_on,
            as_contractor,
            lost_export,
            key_lost,
            summary,
            subjects,
        } => {
            let kinds =
                kinds.iter().map(|k| parse::<IncidentKind>("kind", k)).collect::<Result<_>>()?;
            let as_contractor = (as_contractor || principal_notified_on.is_some())
                .then_some(AsContractor { notified_principal_on: principal_notified_on });
            ctx.app.record_incident(
                &session,
                NewIncident {
                    known_on,
                    kinds,
                    certainty: if confirmed { Certainty::Confirmed } else { Certainty::Suspected },
                    affected: AffectedCount::Known(count),
                    data: DataInvolved { my_number, sensitive, financial, other: true },
                    sensitive_examples: sensitive_example,
                    improper_purpose,
                    during_acquisition,
                    viewable_by_unspecified,
                    encryption: if encrypted {
                        Encryption::HighLevel { keys_leaked: key_lost }
                    } else {
                        Encryption::None
                    },
                    as_contractor,
                    lost_export: lost_export
                        .map(|m| LostExport { movement: m, key_also_lost: key_lost }),
                    summary,
                    people: subjects,
                },
            )?
        }
        IncidentCommand::Count { id, known_on, count } => ctx.app.update_incident_count(
            &session,
            id,
            known_on,
            AffectedCount::Known(count),
            &[],
        )?,
        IncidentCommand::Correct {
            id,
            reason,
            kinds,
            encryption,
            sensitive,
            sensitive_example,
            my_number,
            financial,
            improper_purpose,
            during_acquisition,
            viewable_by_unspecified,
            confirmed,
            principal_notified_on,
            not_as_contractor,
            summary,
        } => {
            let current = ctx.app.incident(&session, id)?.record.incident;
            let kinds = if kinds.is_empty() {
                None
            } else {
                Some(
                    kinds
                        .iter()
                        .map(|k| parse::<IncidentKind>("kind", k))
                        .collect::<Result<Vec<_>>>()?,
                )
            };
            let encryption = encryption
                .map(|e| match e.trim() {
                    "none" => Ok(Encryption::None),
                    "high_level" => Ok(Encryption::HighLevel { keys_leaked: false }),
                    "high_level_keys_leaked" => Ok(Encryption::HighLevel { keys_leaked: true }),
                    other => Err(anyhow::anyhow!(
                        "--encryption: 「{other}」: none | high_level | high_level_keys_leaked"
                    )),
                })
                .transpose()?;
            let data =
                (sensitive.is_some() || my_number.is_some() || financial.is_some()).then(|| {
                    DataInvolved {
                        my_number: my_number.unwrap_or(current.data.my_number),
                        sensitive: sensitive.unwrap_or(current.data.sensitive),
                        financial: financial.unwrap_or(current.data.financial),
                        other: current.data.other,
                    }
                });
            let as_contractor = if not_as_contractor {
                Some(None)
            } else {
                principal_notified_on
                    .map(|on| Some(AsContractor { notified_principal_on: Some(on) }))
            };
            ctx.app.correct_incident(
                &session,
                id,
                &IncidentCorrection {
                    kinds,
                    certainty: confirmed
                        .map(|c| if c { Certainty::Confirmed } else { Certainty::Suspected }),
                    data,
                    sensitive_examples: sensitive_example,
                    improper_purpose,
                    during_acquisition,
                    viewable_by_unspecified,
                    encryption,
                    as_contractor,
                    summary,
                    reason,
                },
            )?
        }
        IncidentCommand::Filing { id, regime, stage, on } => ctx.app.record_incident_filing(
            &session,
            id,
            Filing {
                regime: parse::<Regime>("regime", &regime)?,
                stage: parse::<ReportStage>("stage", &stage)?,
                on,
            },
        )?,
        IncidentCommand::Notice { id, subject, on, method } => ctx.app.record_incident_notice(
            &session,
            id,
            subject,
            NoticeStatus::Notified { on, method: parse::<NoticeMethod>("method", &method)? },
        )?,
        IncidentCommand::Draft { id, cause, prevention } => {
            let text = ctx.app.set_incident_draft(
                &session,
                id,
                &DraftInput { cause, prevention, ..DraftInput::default() },
            )?;
            if ctx.json {
                out::json(&serde_json::json!({ "draft": text }))?;
            } else {
                out!("{text}");
            }
            return Ok(true);
        }
        IncidentCommand::List => {
            let list = ctx.app.incidents(&session)?;
            if ctx.json {
                out::json(&list)?;
            } else {
                for v in &list {
                    print_incident(lang, v);
                    outln!();
                }
            }
            return Ok(true);
        }
    };
    if ctx.json {
        out::json(&view)?;
    } else {
        print_incident(lang, &view);
    }
    Ok(true)
}

/// `hogo contractor …` (M14).
#[derive(Debug, Subcommand)]
pub(crate) enum ContractorCommand {
    /// 委託先を登録 / register a contractor.
    Register {
        /// Name.
        #[arg(long)]
        name: String,
        /// 法人番号 (13 digits).
        #[arg(long)]
        corporate_number: Option<String>,
        /// Contracted affair ids (repeatable).
        #[arg(long = "affair", required = true)]
        affairs: Vec<String>,
        /// 再委託元の委託先ID / parent contractor for a 再委託.
        #[arg(long, value_parser = cid)]
        parent: Option<ContractorId>,
        /// 再委託を許諾する / the organisation permits this 再委託.
        #[arg(long)]
        permit: bool,
    },
    /// 選定確認・反社確認・契約条項を記録（--all で全項目） / record checks and clauses.
    Record {
        /// Contractor id.
        #[arg(value_parser = cid)]
        id: ContractorId,
        /// Items as check:ID, anti_social:ID or clause:ID (repeatable).
        #[arg(long = "item")]
        items: Vec<String>,
        /// Every item at once.
        #[arg(long)]
        all: bool,
    },
    /// ヒアリングを記録 / record a hearing.
    Hearing {
        /// Contractor id.
        #[arg(value_parser = cid)]
        id: ContractorId,
        /// The day.
        #[arg(long)]
        on: NaiveDate,
        /// 随時（省略時は9月の定期） / ad hoc (default: the yearly September one).
        #[arg(long)]
        ad_hoc: bool,
        /// Notes.
        #[arg(long)]
        notes: String,
    },
    /// 契約終了 / end the contract.
    End {
        /// Contractor id.
        #[arg(value_parser = cid)]
        id: ContractorId,
        /// The day.
        #[arg(long)]
        on: NaiveDate,
        /// 返却（省略時は削除） / return (default: deletion).
        #[arg(long)]
        returned: bool,
    },
    /// 削除証明の受領 / record the deletion proof.
    Proof {
        /// Contractor id.
        #[arg(value_parser = cid)]
        id: ContractorId,
        /// The day received.
        #[arg(long)]
        on: NaiveDate,
        /// Description.
        #[arg(long)]
        description: String,
    },
    /// 一覧 / list.
    List,
}

fn item(s: &str) -> Result<ContractorItem> {
    let Some((k, id)) = s.split_once(':') else {
        bail!(
            "--item: check:ID / anti_social:ID / clause:ID で指定 / use check:ID, anti_social:ID or clause:ID"
        );
    };
    Ok(match k {
        "check" => ContractorItem::Check(parse("item", id)?),
        "anti_social" => ContractorItem::AntiSocial(parse("item", id)?),
        "clause" => ContractorItem::Clause(parse("item", id)?),
        _ => bail!("--item: {k}: check / anti_social / clause"),
    })
}

pub(crate) fn contractor(g: &Global, c: ContractorCommand) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    match c {
        ContractorCommand::Register { name, corporate_number, affairs, parent, permit } => {
            let id = ctx.app.register_contractor(
                &session,
                &NewContractor {
                    name,
                    corporate_number,
                    affairs: crate::session::affairs(&affairs)?,
                    parent,
                    subcontract_permitted: permit,
                },
            )?;
            if ctx.json {
                out::json(&serde_json::json!({ "contractor": id }))?;
            } else {
                outln!("{}: {id}", lang.pick("委託先を登録しました", "contractor registered"));
            }
        }
        ContractorCommand::Record { id, items, all } => {
            let items: Vec<ContractorItem> = if all {
                ContractorItem::all()
            } else {
                items.iter().map(|s| item(s)).collect::<Result<_>>()?
            };
            let missing = ctx.app.record_contractor_items(&session, id, &items, None)?;
            if ctx.json {
                out::json(&missing)?;
            } else {
                let n = missing.checks.len() + missing.anti_social.len() + missing.clauses.len();
                outln!(
                    "{}: {n}",
                    lang.pick(
                        "未記録の項目（0でデータ提供可）",
                        "items still missing (0: may receive data)"
                    )
                );
            }
        }
        ContractorCommand::Hearing { id, on, ad_hoc, notes } => {
            let kind = if ad_hoc { HearingKind::AdHoc } else { HearingKind::Yearly };
            ctx.app.record_contractor_hearing(&session, id, on, kind, &notes)?;
            outln!("{}", lang.pick("ヒアリングを記録しました", "hearing recorded"));
        }
        ContractorCommand::End { id, on, returned } => {
            let h = if returned { EndHandling::Return } else { EndHandling::Deletion };
            ctx.app.end_contract(&session, id, on, h)?;
            outln!(
                "{}",
                lang.pick(
                    "契約終了を記録しました（削除証明を待ちます）",
                    "contract end recorded (awaiting the deletion proof)"
                )
            );
        }
        ContractorCommand::Proof { id, on, description } => {
            ctx.app.record_contractor_deletion_proof(&session, id, on, &description)?;
            outln!("{}", lang.pick("削除証明を記録しました", "deletion proof recorded"));
        }
        ContractorCommand::List => {
            let list = ctx.app.contractors(&session)?;
            if ctx.json {
                out::json(&list)?;
            } else {
                let mut t = out::table(&[
                    "ID",
                    lang.pick("名称", "name"),
                    lang.pick("階層", "depth"),
                    lang.pick("提供可", "ready"),
                    lang.pick("未記録", "missing"),
                    lang.pick("ヒアリング期限", "hearing due"),
                    lang.pick("担当者アカウント", "staff accounts"),
                ]);
                for v in &list {
                    let m = &v.missing;
                    t.add_row(vec![
                        v.contractor.id.to_string(),
                        v.contractor.name.to_string(),
                        v.depth.to_string(),
                        if v.ready { "✓".into() } else { "✗".into() },
                        (m.checks.len() + m.anti_social.len() + m.clauses.len()).to_string(),
                        v.hearing_due.map(|h| h.due.to_string()).unwrap_or_default(),
                        v.accounts.len().to_string(),
                    ]);
                }
                outln!("{t}");
            }
        }
    }
    Ok(true)
}

/// `hogo carry-out` arguments (M12, P9); `hogo carry-out list` lists every record of data
/// that left (carrying out and provision, M5 ③).
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct CarryOutArgs {
    #[command(subcommand)]
    list: Option<ListCommand>,
    /// contractor | authority | person.
    #[arg(long, required = true)]
    reason: Option<String>,
    /// The affair (contractor, authority).
    #[arg(long)]
    affair: Option<String>,
    /// Contractor id (reason contractor).
    #[arg(long, value_parser = cid)]
    contractor: Option<ContractorId>,
    /// 持出し先 / destination (authority, person).
    #[arg(long, default_value = "")]
    destination: String,
    /// Subjects (repeatable).
    #[arg(long = "subject", required = true)]
    subjects: Vec<SubjectId>,
    /// Columns: reference,name,furigana,birth_date,address,my_number.
    #[arg(long, value_delimiter = ',', default_value = "reference,name")]
    columns: Vec<String>,
    /// 受取人の公開鍵 age1… (repeatable; default: a passphrase from HOGO_EXPORT_PASSPHRASE or the prompt).
    #[arg(long = "recipient")]
    recipients: Vec<String>,
    /// 追跡可能な移送（書留等）も使う / also sent by traceable delivery.
    #[arg(long)]
    traceable: bool,
    /// The age file to write.
    #[arg(long, required = true)]
    out: Option<PathBuf>,
}

/// `hogo carry-out list`: every movement (carrying out and provision) without personal
/// data — when, what, where to, how many people, the protections and the sealed file's hash.
fn list_movements(ctx: &Ctx, session: &hogo::Session) -> Result<bool> {
    let lang = ctx.lang;
    let list = ctx.app.movements(session)?;
    if ctx.json {
        out::json(&list)?;
        return Ok(true);
    }
    let mut t = out::table(&[
        lang.pick("日時", "at"),
        lang.pick("種類", "kind"),
        lang.pick("持出し先・提供先", "destination"),
        lang.pick("人数", "people"),
        lang.pick("保護措置", "protections"),
        lang.pick("封印ファイル (SHA-256)", "sealed file (SHA-256)"),
    ]);
    for m in &list {
        let kind = match &m.kind {
            MovementKind::CarryOut { reason } => format!("carry_out {}", tagged(reason, "reason")),
            MovementKind::NumberProvision { case } => {
                format!("number_provision {}", tagged(case, "case"))
            }
            MovementKind::PersonalDataProvision { basis } => {
                format!("personal_data_provision {}", tagged(basis, "basis"))
            }
        };
        t.add_row(vec![
            m.at.format("%Y-%m-%d %H:%M").to_string(),
            kind,
            m.destination.clone(),
            m.subjects.len().to_string(),
            m.protections.iter().map(json_id).collect::<Vec<_>>().join(", "),
            m.export.as_ref().map_or_else(String::new, |e| {
                format!("{} {}…", json_id(&e.method), e.sha256.get(..16).unwrap_or(&e.sha256))
            }),
        ]);
    }
    outln!("{t}");
    if list.is_empty() {
        outln!("{}", lang.pick("記録はありません", "no records"));
    }
    Ok(true)
}

pub(crate) fn carry_out(g: &Global, a: CarryOutArgs) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    if a.list.is_some() {
        return list_movements(&ctx, &session);
    }
    let (Some(reason_arg), Some(out)) = (a.reason, a.out) else {
        bail!("--reason, --out: 必須です / required");
    };
    let affair_arg = a.affair.as_deref().map(affair).transpose()?;
    let need_affair = || affair_arg.context("--affair: 事務を指定してください / name the affair");
    let reason = match reason_arg.as_str() {
        "contractor" => CarryOutReason::ToContractor { affair: need_affair()? },
        "authority" => CarryOutReason::ToAuthority { affair: need_affair()? },
        "person" => CarryOutReason::ToPersonOnRequest,
        other => bail!(
            "--reason: 「{other}」: contractor | authority | person (規程28条 / Art. 28, M12)"
        ),
    };
    let columns = a
        .columns
        .iter()
        .map(|c| {
            ExportColumn::from_id(c.trim()).ok_or_else(|| {
                anyhow::anyhow!("--columns: 「{c}」は項目ではありません / {c} is not a column")
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let sealer = if a.recipients.is_empty() {
        let pass = match std::env::var("HOGO_EXPORT_PASSPHRASE") {
            Ok(p) => SecretString::from(p),
            Err(_) => {
                let p = secret::read_line(lang.pick(
                    "ファイルのパスワード（表示されません）: ",
                    "file passphrase (not echoed): ",
                ))?;
                SecretString::from(p.as_str().to_owned())
            }
        };
        AgeSealer::with_passphrase(pass)?
    } else {
        AgeSealer::to_recipients(&a.recipients)?
    };
    let file = ctx.app.export_sealed(
        &session,
        &ExportRequest {
            subjects: a.subjects,
            reason,
            contractor: a.contractor,
            destination: a.destination,
            number_affair: if columns.contains(&ExportColumn::MyNumber) {
                affair_arg
            } else {
                None
            },
            columns,
            protections: if a.traceable { vec![Protection::TraceableDelivery] } else { vec![] },
        },
        &sealer,
    )?;
    crate::env::write_private(&out, &file.sealed.bytes)?;
    if ctx.json {
        out::json(&serde_json::json!({
            "movement": file.movement,
            "file": out,
            "sha256": file.sealed.sha256,
            "method": file.sealed.method,
        }))?;
    } else {
        outln!(
            "{}: {}",
            lang.pick("暗号化ファイル（age）を書き出しました", "sealed file (age) written"),
            out.display()
        );
        outln!("{}: {}", lang.pick("持出し記録ID", "movement id"), file.movement);
        outln!("sha256: {}", file.sealed.sha256);
        outln!(
            "{}",
            lang.pick(
                "パスワードは別の経路で伝えてください（規程28条2項）",
                "send the passphrase by another channel (Art. 28②)"
            )
        );
    }
    Ok(true)
}

/// `hogo dispose-media` arguments (M11, P11); `hogo dispose-media list` lists the records.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct DisposeMediaArgs {
    #[command(subcommand)]
    list: Option<ListCommand>,
    /// The day.
    #[arg(long, required = true)]
    on: Option<NaiveDate>,
    /// paper | electronic_media | device.
    #[arg(long, default_value = "paper")]
    medium: String,
    /// What (no number).
    #[arg(long, required = true)]
    description: Option<String>,
    /// shredding | dissolving | incineration | physical_destruction | wiping.
    #[arg(long, required = true)]
    method: Option<String>,
    /// The contractor who destroyed it.
    #[arg(long, requires = "certificate", value_parser = cid)]
    contractor: Option<ContractorId>,
    /// The contractor's certificate.
    #[arg(long)]
    certificate: Option<String>,
}

/// The `list` subcommand of `dispose-media` and `review`.
#[derive(Debug, Subcommand)]
pub(crate) enum ListCommand {
    /// 一覧 / list.
    List,
}

pub(crate) fn dispose_media(g: &Global, a: DisposeMediaArgs) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    if a.list.is_some() {
        let list = ctx.app.media_disposals(&session)?;
        if ctx.json {
            out::json(&list)?;
            return Ok(true);
        }
        let mut t = out::table(&[
            lang.pick("廃棄日", "on"),
            lang.pick("媒体", "medium"),
            lang.pick("方法", "method"),
            lang.pick("内容", "description"),
            lang.pick("委託先・証明書", "contractor / certificate"),
        ]);
        for d in &list {
            t.add_row(vec![
                d.on.to_string(),
                json_id(&d.medium),
                json_id(&d.method),
                d.description.to_string(),
                match (&d.contractor, &d.certificate) {
                    (Some(c), Some(cert)) => format!("{c} {cert}"),
                    _ => lang.pick("自社", "the organisation").to_owned(),
                },
            ]);
        }
        outln!("{t}");
        return Ok(true);
    }
    let (Some(on), Some(description), Some(method)) = (a.on, a.description, a.method) else {
        bail!("--on, --description, --method: 必須です / required");
    };
    let by = match (a.contractor, a.certificate) {
        (Some(contractor), Some(certificate)) => DisposedBy::Contractor { contractor, certificate },
        _ => DisposedBy::Organisation,
    };
    ctx.app.record_media_disposal(
        &session,
        &NewMediaDisposal {
            on,
            medium: parse::<Medium>("medium", &a.medium)?,
            description,
            method: parse::<DestructionMethod>("method", &method)?,
            by,
            subjects: vec![],
        },
    )?;
    outln!("{}", lang.pick("書類・媒体の廃棄を記録しました", "paper/media disposal recorded"));
    Ok(true)
}

/// `hogo training …` (P6, M16).
#[derive(Debug, Subcommand)]
pub(crate) enum TrainingCommand {
    /// 研修を記録 / record a session.
    Record {
        /// The day.
        #[arg(long)]
        on: NaiveDate,
        /// 職業紹介責任者講習 / the placement responsible person's course.
        #[arg(long)]
        responsible_course: bool,
        /// Title.
        #[arg(long)]
        title: String,
        /// Attendee staff ids (repeatable).
        #[arg(long = "attendee", required = true)]
        attendees: Vec<StaffId>,
    },
    /// 秘密保持誓約書を記録 / record an undertaking.
    Undertaking {
        /// Staff id.
        staff: StaffId,
        /// The day signed.
        #[arg(long)]
        on: NaiveDate,
    },
    /// 受講予定・期限 / what is due.
    Due,
    /// 研修の記録一覧 / the recorded sessions.
    Sessions,
}

pub(crate) fn training(g: &Global, c: TrainingCommand) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    match c {
        TrainingCommand::Record { on, responsible_course, title, attendees } => {
            let kind = if responsible_course {
                CourseKind::PlacementResponsible
            } else {
                CourseKind::Handler
            };
            let id = ctx.app.record_training(&session, on, kind, &title, &attendees)?;
            outln!("{}: {id}", lang.pick("研修を記録しました", "training recorded"));
        }
        TrainingCommand::Undertaking { staff, on } => {
            ctx.app.record_undertaking(&session, staff, on)?;
            outln!("{}", lang.pick("秘密保持誓約書を記録しました", "undertaking recorded"));
        }
        TrainingCommand::Sessions => {
            let list = ctx.app.training_sessions(&session)?;
            if ctx.json {
                out::json(&list)?;
            } else {
                for t in &list {
                    outln!(
                        "{} {} {} {} {}",
                        t.id,
                        t.held_on,
                        json_id(&t.kind),
                        t.title,
                        t.attendees.len()
                    );
                }
            }
        }
        TrainingCommand::Due => {
            let due = ctx.app.training_due(&session)?;
            if ctx.json {
                out::json(&due)?;
            } else {
                for d in &due {
                    outln!(
                        "{} {} {} {}",
                        d.staff,
                        d.need.label_ja(),
                        d.due
                            .map(|x| x.to_string())
                            .unwrap_or_else(|| lang.pick("未実施", "never").to_owned()),
                        if d.overdue { lang.pick("期限超過", "OVERDUE") } else { "" }
                    );
                }
            }
        }
    }
    Ok(true)
}

/// `hogo complaint …` (P8).
#[derive(Debug, Subcommand)]
pub(crate) enum ComplaintCommand {
    /// 苦情を受付 / register a complaint.
    Record {
        /// The day received.
        #[arg(long)]
        on: NaiveDate,
        /// Summary.
        #[arg(long)]
        summary: String,
        /// The named handler (staff id).
        #[arg(long)]
        handler: StaffId,
    },
    /// 回答を記録 / record the answer.
    Answer {
        /// Complaint id.
        #[arg(value_parser = complaint_id)]
        id: ComplaintId,
        /// The day.
        #[arg(long)]
        on: NaiveDate,
        /// The answer.
        #[arg(long)]
        answer: String,
    },
    /// 一覧 / list.
    List,
}

pub(crate) fn complaint(g: &Global, c: ComplaintCommand) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    match c {
        ComplaintCommand::Record { on, summary, handler } => {
            let id = ctx.app.record_complaint(&session, on, &summary, handler)?;
            if ctx.json {
                out::json(&serde_json::json!({ "complaint": id }))?;
            } else {
                outln!("{}: {id}", lang.pick("苦情を受け付けました", "complaint registered"));
            }
        }
        ComplaintCommand::Answer { id, on, answer } => {
            ctx.app.update_complaint(
                &session,
                id,
                &hogo::governance::complaints_ops::ComplaintChange::Answer { on, answer },
            )?;
            outln!("{}", lang.pick("回答を記録しました", "answer recorded"));
        }
        ComplaintCommand::List => {
            let list = ctx.app.complaints(&session)?;
            if ctx.json {
                out::json(&list)?;
            } else {
                for c in &list {
                    outln!("{} {} {} {}", c.id, c.received_on, c.status.label_ja(), c.summary);
                }
            }
        }
    }
    Ok(true)
}

/// `hogo review` arguments (M16, Art. 45); `hogo review list` lists the inspections.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct ReviewArgs {
    #[command(subcommand)]
    list: Option<ListCommand>,
    /// The day.
    #[arg(long, required = true)]
    on: Option<NaiveDate>,
    /// 全項目を適合として記録 / every item satisfied.
    #[arg(long)]
    all_ok: bool,
    /// ITEM=ok, or ITEM=ng:ACTION (repeatable; ITEM e.g. lockable_cabinets).
    #[arg(long = "item")]
    items: Vec<String>,
}

pub(crate) fn review(g: &Global, a: ReviewArgs) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    if a.list.is_some() {
        let list = ctx.app.reviews(&session)?;
        if ctx.json {
            out::json(&list)?;
            return Ok(true);
        }
        for r in &list {
            let ng: Vec<String> = r
                .results
                .iter()
                .filter(|(_, v)| !matches!(v, ItemResult::Satisfied))
                .map(|(k, _)| json_id(k))
                .collect();
            outln!(
                "{} {} {}/{} {}{}",
                r.on,
                r.by,
                r.results.len() - ng.len(),
                ChecklistItem::ALL.len(),
                lang.pick("適合", "satisfied"),
                if ng.is_empty() {
                    String::new()
                } else {
                    format!(" — {}: {}", lang.pick("不適合", "not satisfied"), ng.join(", "))
                }
            );
        }
        return Ok(true);
    }
    let Some(on) = a.on else {
        bail!("--on: 必須です / required");
    };
    let mut results: Vec<(ChecklistItem, ItemResult)> = if a.all_ok {
        ChecklistItem::ALL.iter().map(|i| (*i, ItemResult::Satisfied)).collect()
    } else {
        Vec::new()
    };
    for s in &a.items {
        let (k, v) = s.split_once('=').context("--item: ITEM=ok / ITEM=ng:ACTION")?;
        let item: ChecklistItem = parse("item", k)?;
        let r = match v.split_once(':') {
            None if v == "ok" => ItemResult::Satisfied,
            Some(("ng", action)) => {
                ItemResult::NotSatisfied { action: hogo_governance::FreeText::new("item", action)? }
            }
            _ => bail!("--item: ITEM=ok / ITEM=ng:ACTION"),
        };
        results.retain(|(i, _)| *i != item);
        results.push((item, r));
    }
    let missing = ctx.app.record_review(&session, on, &results)?;
    outln!(
        "{}: {}",
        lang.pick("点検を記録しました。未記入の項目", "review recorded; items without a result"),
        missing.len()
    );
    Ok(true)
}

/// `hogo status`: overdue and due soon, bilingual, `--json`.
pub(crate) fn status(g: &Global) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    let report = ctx.app.status(&session)?;
    if ctx.json {
        out::json(&report)?;
        return Ok(true);
    }
    outln!("{}: {}", lang.pick("本日", "today"), report.today);
    if report.items.is_empty() {
        outln!("{}", lang.pick("期限の近いものはありません", "nothing overdue or due soon"));
        return Ok(true);
    }
    let mut t = out::table(&[
        lang.pick("状態", "state"),
        lang.pick("期限", "due"),
        lang.pick("規程", "rule"),
        lang.pick("内容", "item"),
    ]);
    for i in &report.items {
        t.add_row(vec![
            if i.overdue {
                lang.pick("期限超過", "OVERDUE")
            } else {
                lang.pick("期限間近", "due soon")
            }
            .to_owned(),
            i.due.map(|d| d.to_string()).unwrap_or_else(|| lang.pick("直ちに", "now").to_owned()),
            i.rule.to_string(),
            lang.pick(&i.message_ja, &i.message_en).to_owned(),
        ]);
    }
    outln!("{t}");
    Ok(true)
}

/// `hogo areas …` (M12, doc 003 Art. 26).
#[derive(Debug, Subcommand)]
pub(crate) enum AreasCommand {
    /// 管理区域・取扱区域を設定（すべて置き換え） / set the areas (replaces both lists).
    Set {
        /// 管理区域 (repeatable).
        #[arg(long = "controlled", required = true)]
        controlled: Vec<String>,
        /// 取扱区域 (repeatable).
        #[arg(long = "handling", required = true)]
        handling: Vec<String>,
    },
    /// 表示 / show.
    Show,
}

pub(crate) fn areas(g: &Global, c: AreasCommand) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    if let AreasCommand::Set { controlled, handling } = c {
        ctx.app.configure_areas(&session, &hogo::organisation::Areas { controlled, handling })?;
    }
    let a = ctx.app.organisation(&session)?.areas;
    if ctx.json {
        out::json(&a)?;
    } else {
        outln!("{}: {}", lang.pick("管理区域", "controlled areas"), a.controlled.join(", "));
        outln!("{}: {}", lang.pick("取扱区域", "handling areas"), a.handling.join(", "));
    }
    Ok(true)
}

/// `hogo governance …`.
#[derive(Debug, Subcommand)]
pub(crate) enum GovernanceCommand {
    /// 管理間隔（研修・講習・苦情回答・点検・期限間近）の表示・設定 / show or set the intervals.
    Policy {
        /// 研修の間隔（月、1〜12） / months between handler trainings (1–12).
        #[arg(long)]
        training_months: Option<u32>,
        /// 職業紹介責任者講習の間隔（年） / years between the responsible person's courses.
        #[arg(long)]
        course_years: Option<u32>,
        /// 苦情回答の目標日数 / days to answer a complaint.
        #[arg(long)]
        complaint_days: Option<u32>,
        /// 点検の間隔（月） / months between self-inspections.
        #[arg(long)]
        review_months: Option<u32>,
        /// 「期限間近」の日数 / days ahead that count as due soon.
        #[arg(long)]
        due_soon_days: Option<u32>,
    },
}

pub(crate) fn governance_cmd(g: &Global, c: GovernanceCommand) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    let GovernanceCommand::Policy {
        training_months,
        course_years,
        complaint_days,
        review_months,
        due_soon_days,
    } = c;
    let mut p = ctx.app.governance_policy(&session)?;
    let changed = training_months.is_some()
        || course_years.is_some()
        || complaint_days.is_some()
        || review_months.is_some()
        || due_soon_days.is_some();
    if changed {
        if let Some(v) = training_months {
            p.training.handler_interval_months = v;
        }
        if let Some(v) = course_years {
            p.training.responsible_course_interval_years = v;
        }
        if let Some(v) = complaint_days {
            p.complaints.answer_days = v;
        }
        if let Some(v) = review_months {
            p.review_interval_months = v;
        }
        if let Some(v) = due_soon_days {
            p.due_soon_days = v;
        }
        ctx.app.set_governance_policy(&session, p)?;
    }
    if ctx.json {
        out::json(&p)?;
    } else {
        outln!(
            "{}: {}",
            lang.pick("研修の間隔（月）", "training interval (months)"),
            p.training.handler_interval_months
        );
        outln!(
            "{}: {}",
            lang.pick("講習の間隔（年）", "course interval (years)"),
            p.training.responsible_course_interval_years
        );
        outln!(
            "{}: {}",
            lang.pick("苦情回答（日）", "complaint answer (days)"),
            p.complaints.answer_days
        );
        outln!(
            "{}: {}",
            lang.pick("点検の間隔（月）", "review interval (months)"),
            p.review_interval_months
        );
        outln!("{}: {}", lang.pick("期限間近（日）", "due soon (days)"), p.due_soon_days);
    }
    Ok(true)
}
