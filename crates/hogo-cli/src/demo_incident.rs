//! Journey 4 of `hogo demo`: a laptop with a sealed export is stolen. The export went to
//! the payroll contractor (ready: every check and clause recorded, M14) as an age file;
//! the manager records the incident with the day it became known, hogo explains the
//! 高度な暗号化 exemption (keys not lost), then — the passphrase was in the same bag —
//! classifies it as reportable with the 速報 / 確報 deadlines and the holiday roll,
//! tracks the notices per person and drafts the report (M4, M12, M14, P9). Synthetic
//! data only; nothing printed holds a number.

use anyhow::Result;
use chrono::NaiveDate;
use hogo::governance::contractors_ops::{ContractorItem, NewContractor};
use hogo::governance::export_ops::{ExportColumn, ExportRequest};
use hogo::governance::incidents_ops::{DraftInput, LostExport, NewIncident};
use hogo::movements::Protection;
use hogo::{Hogo, Store};
use hogo_domain::policy::CarryOutReason;
use hogo_domain::{Affair, AffairSet, Clock as _, OrganisationId, SubjectId};
use hogo_export::AgeSealer;
use hogo_governance::incident::{
    AffectedCount, Certainty, DataInvolved, Encryption, IncidentKind, NoticeMethod, NoticeStatus,
};
use secrecy::SecretString;

use crate::ctx::store_simulated;
use crate::demo::Narrator;
use crate::env::CliClock;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Replays journey 4 for `subjects` (employees whose numbers were collected for the
/// 源泉徴収票), signing the manager in with `password`.
pub(crate) fn journey4<S: Store>(
    app: &Hogo<S>,
    clock: &CliClock,
    org: OrganisationId,
    n: &mut Narrator,
    subjects: &[SubjectId],
    password: &str,
) -> Result<()> {
    let sim = clock.simulate(date(2025, 12, 10));
    store_simulated(app, org, sim)?;
    let manager =
        app.sign_in(org, "manager", &SecretString::from(password.to_owned()), None, "hogo demo")?;
    n.step(clock,
        "ジャーニー4: 給与計算の委託先を登録し、選定確認①〜⑥・反社確認・契約条項①〜⑩を記録してから、暗号化ファイル（age）で持ち出します。",
        "Journey 4: register the payroll contractor, record checks ①–⑥, the anti-social items and clauses ①–⑩, then carry the data out as an age file.",
    );
    let c = app.register_contractor(
        &manager,
        &NewContractor {
            name: "給与計算センター".into(),
            corporate_number: Some("7123456789012".into()),
            affairs: AffairSet::EMPTY.with(Affair::WithholdingSlip),
            parent: None,
            subcontract_permitted: false,
        },
    )?;
    app.record_contractor_items(&manager, c, &ContractorItem::all(), None)?;
    let sealer = AgeSealer::with_passphrase(SecretString::from("demo export passphrase 2025"))?;
    let file = app.export_sealed(
        &manager,
        &ExportRequest {
            subjects: subjects.to_vec(),
            reason: CarryOutReason::ToContractor { affair: Affair::WithholdingSlip },
            contractor: Some(c),
            destination: String::new(),
            columns: vec![ExportColumn::Reference, ExportColumn::Name, ExportColumn::MyNumber],
            number_affair: Some(Affair::WithholdingSlip),
            protections: vec![Protection::TraceableDelivery],
        },
        &sealer,
    )?;
    n.say(
        &format!(
            "{}名分を暗号化して書き出しました（台帳にはsha256のみ: {}…）。",
            subjects.len(),
            &file.sealed.sha256[..16]
        ),
        &format!(
            "{} people exported, sealed (the ledger keeps only the sha256: {}…).",
            subjects.len(),
            &file.sealed.sha256[..16]
        ),
    );

    let sim = clock.simulate(date(2025, 12, 15));
    store_simulated(app, org, sim)?;
    let manager =
        app.sign_in(org, "manager", &SecretString::from(password.to_owned()), None, "hogo demo")?;
    n.step(clock,
        "日曜日（12月14日）、このファイルの入ったノートPCが車上荒らしで盗まれたと担当者が知りました。月曜日、責任者が事案を記録します。",
        "On Sunday 14 December a clerk learnt that the laptop holding the file was stolen from a car. On Monday the manager records the incident.",
    );
    let mut input = NewIncident {
        known_on: date(2025, 12, 14),
        kinds: vec![IncidentKind::Loss],
        certainty: Certainty::Confirmed,
        affected: AffectedCount::Known(u32::try_from(subjects.len()).unwrap_or(u32::MAX)),
        data: DataInvolved { my_number: true, other: true, ..DataInvolved::default() },
        sensitive_examples: None,
        improper_purpose: true,
        during_acquisition: false,
        viewable_by_unspecified: false,
        encryption: Encryption::None,
        as_contractor: None,
        lost_export: Some(LostExport { movement: file.movement.clone(), key_also_lost: false }),
        summary: "源泉徴収票作成用の持出しファイルを保存したノートPCの盗難".into(),
        people: subjects.to_vec(),
    };
    // What the rules say if the passphrase is safe (a dry classification: nothing stored).
    let mut dry = hogo_governance::incident::Incident::new(
        hogo_domain::IncidentId::from_uuid(uuid::Uuid::nil()),
        org,
        input.known_on,
        IncidentKind::Loss,
        hogo_governance::FreeText::new("summary", "dry run")?,
    );
    dry.data = input.data;
    dry.improper_purpose = true;
    dry.affected = input.affected;
    dry.encryption = Encryption::HighLevel { keys_leaked: false };
    let c0 = dry.classify()?;
    n.say(
        &format!(
            "パスワードが無事なら: 報告{}。{}",
            if c0.reportable { "必要" } else { "不要" },
            c0.exemptions.iter().map(|e| e.label_ja()).collect::<Vec<_>>().join("・")
        ),
        &format!(
            "Had the passphrase been safe: report {} — data under 高度な暗号化 with keys not lost are exempt.",
            if c0.reportable { "required" } else { "not required" }
        ),
    );
    n.say(
        "ところがパスワードのメモが同じ鞄に入っていました。鍵も失われたものとして記録します。",
        "But the passphrase was on a note in the same bag: recorded as lost with the file.",
    );
    input.lost_export = Some(LostExport { movement: file.movement, key_also_lost: true });
    let v = app.record_incident(&manager, input)?;
    for f in &v.classification.findings {
        n.say(
            &format!("該当: {}（{}）", f.label_ja, f.citation),
            &format!("case: {} ({})", f.citation, f.label_ja),
        );
    }
    for d in &v.classification.deadlines {
        n.say(
            &format!(
                "{}: 速報の目安 {}〜{}。確報の{}日目は{}、期限は{}（土日祝・年末年始なら翌開庁日）。",
                d.regime.label_ja(),
                d.deadlines.preliminary_from,
                d.deadlines.preliminary_to,
                d.deadlines.final_period.days(),
                d.deadlines.final_nominal,
                d.deadlines.final_due
            ),
            &format!(
                "{}: preliminary report around {} to {}. Day {} of the final report is {}; due {} (rolled past weekends, holidays and 12/29–1/3).",
                d.regime.label_en(),
                d.deadlines.preliminary_from,
                d.deadlines.preliminary_to,
                d.deadlines.final_period.days(),
                d.deadlines.final_nominal,
                d.deadlines.final_due
            ),
        );
    }
    let id = v.record.incident.id;
    if let Some(first) = subjects.first() {
        app.record_incident_notice(
            &manager,
            id,
            *first,
            NoticeStatus::Notified { on: clock.today(), method: NoticeMethod::Letter },
        )?;
    }
    let v = app.incident(&manager, id)?;
    n.say(
        &format!(
            "本人への通知: {}名中{}名済み（残りは status に表示）。",
            v.record.notices.notices.len(),
            v.record.notices.notices.len() - v.record.notices.pending().len()
        ),
        &format!(
            "Notices: {} of {} people done (the rest show in status).",
            v.record.notices.notices.len() - v.record.notices.pending().len(),
            v.record.notices.notices.len()
        ),
    );
    let draft = app.set_incident_draft(
        &manager,
        id,
        &DraftInput {
            cause: "持出し用ノートPCを車内に放置し、パスワードのメモを同じ鞄に保管していた".into(),
            secondary_damage: "現時点で不正利用の報告なし".into(),
            response_to_persons: "対象者へ書面で通知".into(),
            publication: "公表予定なし".into(),
            prevention: "パスワードを別経路で伝達し、書面で保管しない".into(),
            ..DraftInput::default()
        },
    )?;
    n.say("報告書案（必要9項目）:", "Report draft (the nine required items, in Japanese):");
    for line in draft.lines().filter(|l| !l.is_empty()).take(14) {
        outln!("      {line}");
    }
    let st = app.status(&manager)?;
    n.say(
        &format!("hogo status: 期限超過・期限間近 {}件。", st.items.len()),
        &format!("hogo status: {} items overdue or due soon.", st.items.len()),
    );
    Ok(())
}
