//! `hogo retention plan|hold|due-date|approve`, `hogo dispose` and `hogo certificate`.
//! Planning may look ahead; disposing runs only for the clock's today (M11).

use anyhow::{Result, bail};
use chrono::NaiveDate;
use clap::Subcommand;
use hogo_domain::{HoldId, HoldingId, OrganisationId, SubjectId};
use hogo_retention::{
    DocumentKind, Event, EventKind, EventScope, HoldScope, Holding, PlanInput, Schedule,
};
use serde_json::json;

use crate::ctx::{Ctx, Global};
use crate::i18n::Lang;
use crate::out;

/// `hogo retention …`.
#[derive(Debug, Subcommand)]
pub(crate) enum RetentionCommand {
    /// 指定日の廃棄計画（先の日付も可・何も消しません） / the disposal plan on a date (read-only).
    Plan {
        /// The date (YYYY-MM-DD).
        #[arg(long)]
        on: NaiveDate,
    },
    /// 保存の継続（リーガルホールド） / legal holds.
    Hold {
        #[command(subcommand)]
        command: HoldCommand,
    },
    /// 1つの文書の廃棄可能日と根拠（ログイン不要） / one document's destroy-from date and rule (no sign-in).
    DueDate {
        /// Document kind id (e.g. dependent_deduction_declaration).
        #[arg(long)]
        kind: String,
        /// NAME=YYYY-MM-DD (e.g. filing_due=2024-01-31), repeatable.
        #[arg(long = "event", required = true)]
        events: Vec<String>,
    },
    /// 本日の廃棄を承認（事務取扱責任者） / approve today's disposal batch (the manager).
    Approve,
}

/// `hogo retention hold …`.
#[derive(Debug, Subcommand)]
pub(crate) enum HoldCommand {
    /// 保存の継続を設定 / place a hold.
    Place {
        /// Name.
        #[arg(long)]
        name: String,
        /// Reason.
        #[arg(long)]
        reason: String,
        /// Subjects (default: all).
        #[arg(long = "subject")]
        subjects: Vec<SubjectId>,
        /// Document kinds (default: all).
        #[arg(long = "kind")]
        kinds: Vec<String>,
        /// 個人番号も保存する法令上の根拠（番号法20条） / legal basis for keeping numbers too.
        #[arg(long)]
        my_number_basis: Option<String>,
    },
    /// 解除 / release a hold.
    Release {
        /// Hold id.
        id: HoldId,
    },
}

fn kind(id: &str) -> Result<DocumentKind> {
    DocumentKind::from_id(id.trim()).ok_or_else(|| {
        anyhow::anyhow!(
            "--kind: 「{id}」は文書の種類ではありません / {id} is not a document kind ({})",
            DocumentKind::ALL.iter().map(|k| k.id()).collect::<Vec<_>>().join(", ")
        )
    })
}

/// `hogo retention due-date`: uses the statutory schedule of `hogo-retention` directly.
pub(crate) fn due_date(
    lang: Lang,
    json_out: bool,
    kind_id: &str,
    events: &[String],
) -> Result<bool> {
    let k = kind(kind_id)?;
    let mut parsed = Vec::new();
    for e in events {
        let Some((name, date)) = e.split_once('=') else {
            bail!("--event: NAME=YYYY-MM-DD の形で指定してください / use NAME=YYYY-MM-DD");
        };
        let ek = EventKind::from_id(name.trim()).ok_or_else(|| {
            anyhow::anyhow!(
                "--event: 「{name}」は事由ではありません / {name} is not an event ({})",
                EventKind::ALL.iter().map(|k| k.id()).collect::<Vec<_>>().join(", ")
            )
        })?;
        let d = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| {
            anyhow::anyhow!("--event {name}: YYYY-MM-DD で入力してください / use YYYY-MM-DD")
        })?;
        parsed.push((ek, d));
    }
    let schedule = Schedule::statutory();
    let created = parsed
        .iter()
        .find(|(k, _)| *k == EventKind::Created)
        .or_else(|| parsed.iter().min_by_key(|(_, d)| *d))
        .map_or(NaiveDate::MIN, |(_, d)| *d);
    let nil = uuid::Uuid::nil();
    let holding = Holding::new(
        HoldingId::from_uuid(nil),
        OrganisationId::from_uuid(nil),
        SubjectId::from_uuid(nil),
        k,
        created,
    );
    let evs: Vec<Event> = parsed
        .iter()
        .filter(|(k, _)| *k != EventKind::Created)
        .map(|&(kind, date)| Event { scope: EventScope::Holding(holding.id), kind, date })
        .collect();
    let today = parsed.iter().map(|(_, d)| *d).max().unwrap_or(created);
    let plan = hogo_retention::plan(
        &schedule,
        &PlanInput {
            holdings: std::slice::from_ref(&holding),
            events: &evs,
            holds: &[],
            needs: &[],
            today,
        },
    );
    let Some(hp) = plan.holdings.first() else { bail!("internal: no plan") };
    let rule = schedule.rule(k);
    let period = rule.period.map(|p| p.to_string());
    let missing: Vec<&str> = match &hp.status {
        hogo_retention::HoldingStatus::Open { waiting_for } => {
            waiting_for.iter().map(|e| e.id()).collect()
        }
        _ => Vec::new(),
    };
    if json_out {
        out::json(&json!({
            "kind": k.id(),
            "label_ja": k.label_ja(),
            "destroy_from": hp.destroy_from.map(|d| d.format("%Y-%m-%d").to_string()),
            "start": hp.start_event,
            "period": period,
            "rule": hp.rule.to_string(),
            "counting": rule.counting.wording(),
            "basis": rule.basis.label_ja(),
            "citation": rule.citation.to_string(),
            "citation_confirmed": rule.citation.confirmed,
            "waiting_for": missing,
        }))?;
        return Ok(hp.destroy_from.is_some());
    }
    outln!("{}: {} ({})", lang.pick("文書", "document"), k.label_ja(), k.id());
    match hp.destroy_from {
        Some(d) => outln!("{}: {d}", lang.pick("廃棄可能日", "destroy from")),
        None => outln!(
            "{}: {}",
            lang.pick("廃棄可能日", "destroy from"),
            lang.pick(
                &format!("未確定（必要な事由: {}）", missing.join(", ")),
                &format!("open (waiting for: {})", missing.join(", "))
            )
        ),
    }
    if let Some(p) = &period {
        outln!("{}: {p}", lang.pick("保存期間", "period"));
    }
    outln!("{}: {}", lang.pick("起算", "counting"), rule.counting.wording());
    outln!("{}: {} — {}", lang.pick("根拠", "rule"), hp.rule, rule.basis.label_ja());
    outln!("{}: {}", lang.pick("出典", "citation"), rule.citation);
    Ok(hp.destroy_from.is_some())
}

/// Runs a `retention` subcommand that needs sign-in.
pub(crate) fn run(g: &Global, c: RetentionCommand) -> Result<bool> {
    if let RetentionCommand::DueDate { kind: k, events } = &c {
        return due_date(g.lang, g.json, k, events);
    }
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    match c {
        RetentionCommand::DueDate { .. } => {}
        RetentionCommand::Plan { on } => {
            let plan = ctx.app.plan(&session, on)?;
            if ctx.json {
                out::json(&plan)?;
            } else {
                print_plan(lang, &plan);
            }
        }
        RetentionCommand::Approve => {
            let n = ctx.app.approve_disposal(&session)?;
            if ctx.json {
                out::json(&json!({"approved": n}))?;
            } else {
                outln!(
                    "{}",
                    lang.pick(
                        &format!("本日の廃棄 {n}件を承認しました"),
                        &format!("approved today's disposal of {n} items")
                    )
                );
            }
        }
        RetentionCommand::Hold {
            command: HoldCommand::Place { name, reason, subjects, kinds, my_number_basis },
        } => {
            let kinds = kinds.iter().map(|k| kind(k)).collect::<Result<Vec<_>>>()?;
            let id = ctx.app.place_hold(
                &session,
                &name,
                &reason,
                HoldScope { subjects, kinds },
                my_number_basis.as_deref(),
            )?;
            if ctx.json {
                out::json(&json!({"hold": id}))?;
            } else {
                outln!("{}: {id}", lang.pick("保存の継続を設定しました", "hold placed"));
            }
        }
        RetentionCommand::Hold { command: HoldCommand::Release { id } } => {
            ctx.app.release_hold(&session, id)?;
            outln!("{}", lang.pick("解除しました", "hold released"));
        }
    }
    Ok(true)
}

/// Prints a plan as a table.
pub(crate) fn print_plan(lang: Lang, plan: &hogo_retention::DisposalPlan) {
    outln!("{}: {}", lang.pick("基準日", "plan date"), plan.today);
    let mut t = out::table(&[
        lang.pick("本人ID", "subject"),
        lang.pick("文書", "document"),
        lang.pick("廃棄可能日", "destroy from"),
        lang.pick("状態", "status"),
    ]);
    for h in &plan.holdings {
        let status = serde_json::to_value(&h.status)
            .ok()
            .and_then(|v| v.get("status").and_then(|s| s.as_str()).map(str::to_owned))
            .unwrap_or_default();
        t.add_row([
            h.subject.to_string(),
            lang.pick(h.kind.label_ja(), h.kind.id()).to_owned(),
            h.destroy_from.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            status,
        ]);
    }
    outln!("{t}");
    let due = plan.numbers_due().count();
    outln!(
        "{}",
        lang.pick(
            &format!("削除期限を迎える個人番号: {due}件"),
            &format!("My Numbers due for deletion: {due}")
        )
    );
}

/// `hogo dispose`.
pub(crate) fn dispose(g: &Global, dry_run: bool) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    let report = ctx.app.run_disposal(&session, dry_run)?;
    if ctx.json {
        out::json(&report)?;
        return Ok(true);
    }
    print_report(lang, &report);
    Ok(true)
}

/// Prints a disposal report.
pub(crate) fn print_report(lang: Lang, r: &hogo::retention_ops::DisposalReport) {
    let mode = if r.dry_run {
        lang.pick("（試行・何も消していません）", " (dry run: nothing deleted)")
    } else {
        ""
    };
    outln!(
        "{}{mode}",
        lang.pick(&format!("廃棄 {}", r.today), &format!("disposal on {}", r.today))
    );
    outln!("  {}: {}", lang.pick("廃棄した文書", "documents"), r.holdings.len());
    outln!("  {}: {}", lang.pick("削除した個人番号", "My Numbers deleted"), r.numbers.len());
    outln!("  {}: {}", lang.pick("承認待ち", "awaiting approval"), r.awaiting_approval);
    outln!("  {}: {}", lang.pick("保存の継続中", "held"), r.held);
    for c in &r.certificates {
        outln!("  {}: {c}", lang.pick("削除証明書", "certificate"));
    }
}

/// `hogo certificate [ID]`.
pub(crate) fn certificate(g: &Global, id: Option<String>) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    let certs = match id {
        Some(id) => vec![ctx.app.certificate(&session, &id)?],
        None => ctx.app.certificates(&session)?,
    };
    if ctx.json {
        out::json(&certs)?;
        return Ok(true);
    }
    for c in &certs {
        print_certificate(lang, c);
    }
    Ok(true)
}

/// Prints one certificate.
pub(crate) fn print_certificate(lang: Lang, c: &hogo::retention_ops::DeletionCertificate) {
    outln!("{} {}", lang.pick("削除証明書", "deletion certificate"), c.id);
    outln!("  {}: {}", lang.pick("本人ID", "subject"), c.subject);
    outln!("  {}: {}", lang.pick("削除日時", "disposed at"), c.disposed_at);
    outln!("  {}: {}", lang.pick("方法", "method"), c.method);
    let mut t = out::table(&[
        lang.pick("項目", "item"),
        lang.pick("根拠", "legal basis"),
        lang.pick("廃棄可能日", "destroy from"),
        lang.pick("台帳位置", "entry"),
    ]);
    for i in &c.items {
        t.add_row([
            i.label_ja.clone(),
            i.legal_basis.clone(),
            i.destroy_from.map(|d| d.to_string()).unwrap_or_default(),
            i.entry.to_string(),
        ]);
    }
    outln!("{t}");
    outln!(
        "  {}: {}",
        lang.pick("チェックポイント", "checkpoint"),
        c.checkpoint.lines().next().unwrap_or_default()
    );
}
