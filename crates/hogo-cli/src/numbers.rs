//! `hogo mynumber collect|reveal|find|approve`. A My Number is never taken from argv or an
//! environment variable: it comes from a no-echo prompt, or stdin when not a terminal.
//! Only `reveal` prints numbers, on stdout, as explicitly asked (M8: one 利用・出力 entry
//! per subject).

use anyhow::{Result, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use hogo::numbers::{CollectNumber, OutputKind};
use hogo_domain::{Affair, MyNumber, SubjectId};
use serde_json::json;

use crate::ctx::{Ctx, Global};
use crate::out;
use crate::secret;
use crate::verify::VerifyArgs;

/// `hogo mynumber …` (besides `check`).
#[derive(Debug, Subcommand)]
pub(crate) enum NumberCommand {
    /// 個人番号を取得（番号はプロンプトか標準入力から） / collect a number (from the prompt or stdin).
    Collect(CollectArgs),
    /// 利用申請の承認（事務取扱責任者） / approve a use application (the manager).
    Approve {
        /// Affair id.
        #[arg(long)]
        affair: String,
        /// What the use is for (e.g. 令和7年分 源泉徴収票).
        #[arg(long)]
        purpose: String,
        /// Last day the approval is valid.
        #[arg(long)]
        until: NaiveDate,
    },
    /// 法定調書等のために番号を出力（標準出力のみ） / output numbers for a filing (stdout only).
    Reveal {
        /// Subject ids.
        #[arg(required = true)]
        subjects: Vec<SubjectId>,
        /// Affair id.
        #[arg(long)]
        affair: String,
        /// filing | filing_copy (copies for the person never show the number).
        #[arg(long, default_value = "filing")]
        output: String,
    },
    /// 番号から本人を検索（番号は標準入力から） / find the subject holding a number (number from stdin).
    Find,
}

/// `hogo mynumber collect`.
#[derive(Debug, Args)]
pub(crate) struct CollectArgs {
    /// Subject id.
    #[arg(long)]
    subject: SubjectId,
    /// Affair id (e.g. withholding_slip).
    #[arg(long)]
    affair: String,
    /// 利用目的を本人に通知済み / the purpose was notified (Art. 13).
    #[arg(long)]
    purpose_notified: bool,
    /// 本人確認書類の写しを保管する / a copy of the identity document is kept.
    #[arg(long)]
    identity_copy_kept: bool,
    #[command(flatten)]
    verify: VerifyArgs,
}

pub(crate) fn affair(id: &str) -> Result<Affair> {
    Affair::from_id(id.trim()).ok_or_else(|| {
        anyhow::anyhow!(
            "--affair: 「{id}」は事務の種類ではありません / {id} is not an affair ({})",
            crate::session::affair_ids()
        )
    })
}

fn read_number(lang: crate::i18n::Lang) -> Result<MyNumber> {
    let text =
        secret::read_line(lang.pick("個人番号（表示されません）: ", "My Number (not echoed): "))?;
    MyNumber::parse_field("my_number", &text)
        .map_err(|e| anyhow::anyhow!(lang.half(&e.to_string())))
}

/// Runs a `mynumber` subcommand.
pub(crate) fn run(g: &Global, c: NumberCommand) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    match c {
        NumberCommand::Collect(a) => {
            let me = ctx.app.whoami(&session)?;
            let verification = a.verify.verification(me.staff)?;
            let number = read_number(lang)?;
            let record = ctx.app.collect_number(
                &session,
                CollectNumber {
                    subject: a.subject,
                    affair: affair(&a.affair)?,
                    verification,
                    purpose_notified: a.purpose_notified,
                    identity_copy_kept: a.identity_copy_kept,
                    number,
                },
            )?;
            tracing::info!(subject = %a.subject, record = %record, "number collected");
            if ctx.json {
                out::json(&json!({"subject": a.subject, "record": record}))?;
            } else {
                outln!(
                    "{}",
                    lang.pick(
                        "取得しました（番号は暗号化して保管）",
                        "collected (sealed in the vault)"
                    )
                );
            }
        }
        NumberCommand::Approve { affair: af, purpose, until } => {
            ctx.app.approve_use(&session, affair(&af)?, &purpose, until)?;
            outln!(
                "{}",
                lang.pick(
                    &format!("利用申請を承認しました（{until}まで）"),
                    &format!("use approved until {until}")
                )
            );
        }
        NumberCommand::Reveal { subjects, affair: af, output } => {
            let output = match output.as_str() {
                "filing" => OutputKind::Filing,
                "filing_copy" => OutputKind::FilingCopy,
                "recipient_copy" => OutputKind::RecipientCopy,
                other => bail!(
                    "--output: 「{other}」は出力の種類ではありません / {other} is not an output (filing, filing_copy)"
                ),
            };
            let numbers = ctx.app.reveal_numbers(&session, &subjects, affair(&af)?, output)?;
            if ctx.json {
                let rows: Vec<_> = numbers
                    .iter()
                    .map(|(s, n)| json!({"subject": s, "my_number": n.expose()}))
                    .collect();
                out::json(&rows)?;
            } else {
                for (s, n) in &numbers {
                    outln!("{s}\t{}", n.expose());
                }
            }
            errln!("{}", lang.pick(
                &format!("{}件を出力しました（利用・出力として記録済み）。画面や端末の履歴に残さないでください。", numbers.len()),
                &format!("{} numbers output (logged as 利用・出力). Do not leave them on screen or in terminal logs.", numbers.len()),
            ));
        }
        NumberCommand::Find => {
            let number = read_number(lang)?;
            let found = ctx.app.find_subject_by_number(&session, &number)?;
            if ctx.json {
                out::json(&json!({"subjects": found}))?;
            } else if found.is_empty() {
                outln!("{}", lang.pick("該当する本人はいません", "no subject holds this number"));
            } else {
                for s in &found {
                    outln!("{s}");
                }
            }
        }
    }
    Ok(true)
}
