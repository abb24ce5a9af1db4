//! `hogo request file|list|show|verify|fee|decide|correct|respond|letter|package|published|config`:
//! 開示等の請求 (P7, M15) on the application layer's request use cases.
//!
//! Thin: it reads the form (JSON, the serde of `hogo_requests::RequestForm`), names the
//! documents, fees, decisions and findings the clerk typed, signs each command with the
//! signed-in staff member (`whoami`) and prints. The state machine in `hogo-requests`
//! decides what is allowed, in which order, and which fees may be asked for.

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use chrono::NaiveDate;
use clap::{ArgGroup, Args, Subcommand};
use hogo::Session;
use hogo::requests_ops::{RequestSummary, StoredRequest};
use hogo_domain::verification::IdentityDocument;
use hogo_domain::{Actor, Clock as _, RequestId, StaffId, SubjectId};
use hogo_requests::package::mask_my_numbers;
use hogo_requests::{
    AuthorityEnclosure, Change, Command, CopyPart, Decision, DisclosureDecision, Fee, FeeSchedule,
    Finding, Grounds, KindFamily, Measure, NonDisclosure, NonDisclosureGround, NotCorrectedGround,
    PaymentMethod, PurposeNotificationDecision, PurposeRefusalGround, Remedy, Request,
    RequestConfig, RequestForm, RequestKind, Status, SuspensionDecision, SuspensionGround,
    UnmaskedPart,
};
use serde_json::json;
use zeroize::Zeroizing;

use crate::ctx::{Ctx, Global};
use crate::i18n::Lang;
use crate::out;

/// `hogo request …`.
#[derive(Debug, Subcommand)]
pub(crate) enum RequestCommand {
    /// 請求書（JSON）を受け付ける / file a request from its form (JSON file, or - for stdin).
    File(FileArgs),
    /// 一覧（期限超過を先頭に、残り日数付き） / list requests, overdue first, with days left.
    List,
    /// 詳細 / show one request.
    Show {
        /// Request id.
        id: RequestId,
    },
    /// 本人確認（代理人は代理人の本人確認書類）と代理権の確認を記録 / record the identity
    /// check (the agent's for an agent request) and the agent's authority.
    Verify(VerifyArgs),
    /// 手数料の受領を記録 / record a fee received.
    Fee(FeeArgs),
    /// 開示・利用目的の通知・利用停止等を決定 / decide a disclosure, purpose-notification or
    /// suspension-family kind.
    Decide(DecideArgs),
    /// 訂正等: 担当者の指定・調査報告・責任者の確認 / corrections: assign, report, confirm.
    Correct {
        #[command(subcommand)]
        command: CorrectCommand,
    },
    /// 回答を送付 / send the answer (by the chosen method, or in writing with the reason).
    Respond {
        /// Request id.
        id: RequestId,
        /// 電磁的方法が困難なため書面で回答する理由 / answer in writing instead, because….
        #[arg(long)]
        in_writing_because: Option<String>,
    },
    /// 回答書・通知書を表示 / print the letters (回答書 and notices).
    Letter {
        /// Request id.
        id: RequestId,
        /// HTML instead of text.
        #[arg(long)]
        html: bool,
    },
    /// 開示資料（他人の個人番号はマスク、本人への提供として記録） / the disclosure package
    /// (numbers masked; recorded as a provision to the person).
    Package {
        /// Request id.
        id: RequestId,
        /// disclosure | provision_record_disclosure.
        #[arg(long, default_value = "disclosure")]
        kind: String,
    },
    /// 公表事項（個人情報保護法32条） / the published matters page (APPI 32).
    Published {
        /// HTML instead of text.
        #[arg(long)]
        html: bool,
    },
    /// 請求手続の設定（手数料・回答期限・実印の要否）を置き換える / replace the request
    /// settings (fees, answer target, registered seal).
    Config(ConfigArgs),
}

/// `hogo request file`.
#[derive(Debug, Args)]
pub(crate) struct FileArgs {
    /// 請求書（JSON）。- で標準入力 / the form as JSON (`-` reads stdin).
    #[arg(long)]
    form: PathBuf,
    /// 照合した本人 / the subject the requester was matched to (none: nothing is held).
    #[arg(long)]
    subject: Option<SubjectId>,
    /// 受付日（今日以前） / receipt date (YYYY-MM-DD, not after today).
    #[arg(long)]
    received: NaiveDate,
}

/// `hogo request verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// Request id.
    id: RequestId,
    /// 本人確認書類: drivers_licence | driving_history_certificate | passport |
    /// individual_number_card_front | residence_card | special_permanent_resident_certificate |
    /// alien_registration_certificate | physical_disability_certificate |
    /// mental_disability_certificate | rehabilitation_certificate | other_government_photo_id | other.
    #[arg(long)]
    document: Option<String>,
    /// 外国人登録証明書が有効であることを確認済み（16歳未満の特別永住者） / the clerk confirmed
    /// an alien registration certificate is still valid.
    #[arg(long)]
    confirmed_valid: bool,
    /// 写しのマスクされていなかった部分を担当者がマスクした / an unmasked part the clerk masked:
    /// domicile | my_number | health_insurance (repeatable).
    #[arg(long = "masked")]
    masked: Vec<String>,
    /// 同じく、その部分を廃棄した / an unmasked part the clerk destroyed (repeatable).
    #[arg(long = "destroyed")]
    destroyed: Vec<String>,
    /// 代理権の確認書類: power_of_attorney[:sealed] | seal_certificate | family_register |
    /// guardianship_registration (repeatable).
    #[arg(long = "authority")]
    authority: Vec<String>,
}

/// `hogo request fee`.
#[derive(Debug, Args)]
pub(crate) struct FeeArgs {
    /// Request id.
    id: RequestId,
    /// The kind the fee is for (disclosure, provision_record_disclosure, purpose_notification).
    #[arg(long)]
    kind: String,
    /// 受領額（円） / amount received in yen.
    #[arg(long)]
    amount: u32,
    /// postage_stamps | bank_transfer | cash.
    #[arg(long)]
    method: String,
}

/// `hogo request decide`.
#[derive(Debug, Args)]
#[command(group(
    ArgGroup::new("outcome")
        .required(true)
        .args(["full", "partial", "refuse", "not_held", "notify", "grant", "reject"])
))]
pub(crate) struct DecideArgs {
    /// Request id.
    id: RequestId,
    /// The kind decided (disclosure, provision_record_disclosure, purpose_notification,
    /// suspension_of_use, erasure, stop_of_provision).
    #[arg(long)]
    kind: String,
    /// 全部開示 / full disclosure.
    #[arg(long)]
    full: bool,
    /// 一部開示（--withheld, --ground, --facts） / partial disclosure.
    #[arg(long)]
    partial: bool,
    /// 不開示・利用目的を通知しない（--ground, --facts） / refuse.
    #[arg(long)]
    refuse: bool,
    /// 保有していない（--facts） / not held.
    #[arg(long)]
    not_held: bool,
    /// 利用目的を通知（--purpose…） / notify the purposes.
    #[arg(long)]
    notify: bool,
    /// 利用停止等を行う（--ground） / grant a suspension-family kind.
    #[arg(long)]
    grant: bool,
    /// 利用停止等を行わない（--facts, --ground: 請求者が主張した理由） / reject it.
    #[arg(long)]
    reject: bool,
    /// 理由: 1|2|3 (33条2項各号) for disclosure; already_published|article_21_4 for purpose
    /// notification; unlawful_handling | unlawful_acquisition | unlawful_number_file |
    /// unlawful_provision | no_longer_needed | reportable_incident | harm_to_rights (35条).
    #[arg(long = "ground")]
    grounds: Vec<String>,
    /// 判断の基準となる事実 / the facts the decision rests on.
    #[arg(long)]
    facts: Option<String>,
    /// 開示しない部分 / what is withheld (partial disclosure; default for --refuse: all).
    #[arg(long)]
    withheld: Option<String>,
    /// 通知する利用目的 / a purpose notified (repeatable).
    #[arg(long = "purpose")]
    purposes: Vec<String>,
    /// 代替措置 / an alternative measure (with --grant and --why-difficult).
    #[arg(long)]
    alternative: Option<String>,
    /// 請求どおりの措置が困難な理由 / why the measure asked for is difficult.
    #[arg(long)]
    why_difficult: Option<String>,
}

/// `hogo request correct …`.
#[derive(Debug, Subcommand)]
pub(crate) enum CorrectCommand {
    /// 責任者が調査・訂正する担当者を指定 / the manager names the clerk.
    Assign {
        /// Request id.
        id: RequestId,
        /// correction | addition | deletion.
        #[arg(long, default_value = "correction")]
        kind: String,
        /// 担当者ID（staff list） / the clerk's staff id.
        #[arg(long)]
        clerk: StaffId,
    },
    /// 指定された担当者が調査結果を報告 / the named clerk reports.
    #[command(group(ArgGroup::new("finding").required(true).args(["untrue", "not_corrected"])))]
    Report {
        /// Request id.
        id: RequestId,
        /// correction | addition | deletion.
        #[arg(long, default_value = "correction")]
        kind: String,
        /// 事実でなかった: 項目=訂正前=>訂正後 / ITEM=BEFORE=>AFTER (repeatable).
        #[arg(long = "untrue")]
        untrue: Vec<String>,
        /// 訂正しない理由: content_is_true | outside_purpose (with --facts).
        #[arg(long)]
        not_corrected: Option<String>,
        /// 判断の根拠となる事実 / the facts.
        #[arg(long)]
        facts: Option<String>,
    },
    /// 作業した担当者以外の責任者が確認（訂正記録を1年保存） / a manager other than the clerk
    /// confirms (the correction record is kept 1 year).
    Confirm {
        /// Request id.
        id: RequestId,
        /// correction | addition | deletion.
        #[arg(long, default_value = "correction")]
        kind: String,
    },
}

/// `hogo request config`.
#[derive(Debug, Args)]
pub(crate) struct ConfigArgs {
    /// 手数料 KIND=AMOUNT[:METHOD,…] (e.g. disclosure=1000:postage_stamps; repeatable; none:
    /// no fees).
    #[arg(long = "fee")]
    fees: Vec<String>,
    /// 受付から回答期限までの日数 / days from receipt to the due date.
    #[arg(long, default_value_t = hogo_requests::DEFAULT_TARGET_DAYS)]
    target_days: u16,
    /// 任意代理人の委任状に実印と印鑑証明書を求める / require the registered seal and its
    /// certificate from appointed agents.
    #[arg(long)]
    registered_seal: bool,
}

fn unknown(flag: &str, value: &str, what_ja: &str, what_en: &str, ids: &[&str]) -> anyhow::Error {
    anyhow::anyhow!(
        "{flag}: 「{value}」は{what_ja}ではありません（{} のいずれか） / {value} is not {what_en} (one of {}) (P7)",
        ids.join(", "),
        ids.join(", ")
    )
}

fn kind(flag: &str, id: &str) -> Result<RequestKind> {
    RequestKind::from_id(id.trim()).ok_or_else(|| {
        let ids: Vec<&str> = RequestKind::ALL.iter().map(|k| k.id()).collect();
        unknown(flag, id, "請求の種類", "a request kind", &ids)
    })
}

const DOCUMENTS: [(&str, IdentityDocument); 11] = [
    ("drivers_licence", IdentityDocument::DriversLicence),
    ("driving_history_certificate", IdentityDocument::DrivingHistoryCertificate),
    ("passport", IdentityDocument::Passport),
    ("individual_number_card_front", IdentityDocument::IndividualNumberCardFront),
    ("physical_disability_certificate", IdentityDocument::PhysicalDisabilityCertificate),
    ("mental_disability_certificate", IdentityDocument::MentalDisabilityCertificate),
    ("rehabilitation_certificate", IdentityDocument::RehabilitationCertificate),
    ("residence_card", IdentityDocument::ResidenceCard),
    (
        "special_permanent_resident_certificate",
        IdentityDocument::SpecialPermanentResidentCertificate,
    ),
    ("other_government_photo_id", IdentityDocument::OtherGovernmentPhotoId),
    ("other", IdentityDocument::Other),
];

fn document(id: &str, confirmed_valid: bool) -> Result<IdentityDocument> {
    let id = id.trim();
    if id == "alien_registration_certificate" {
        return Ok(IdentityDocument::AlienRegistrationCertificate {
            clerk_confirmed_valid: confirmed_valid,
        });
    }
    DOCUMENTS.iter().find(|(k, _)| *k == id).map(|(_, d)| *d).ok_or_else(|| {
        let mut ids: Vec<&str> = DOCUMENTS.iter().map(|(k, _)| *k).collect();
        ids.push("alien_registration_certificate");
        unknown("--document", id, "本人確認書類", "an identity document", &ids)
    })
}

fn copy_part(flag: &str, id: &str) -> Result<CopyPart> {
    match id.trim() {
        "domicile" => Ok(CopyPart::DomicileOfOrigin),
        "my_number" => Ok(CopyPart::MyNumber),
        "health_insurance" => Ok(CopyPart::HealthInsuranceNumbers),
        other => Err(unknown(
            flag,
            other,
            "写しの部分",
            "a part of a copy",
            &["domicile", "my_number", "health_insurance"],
        )),
    }
}

fn authority(id: &str) -> Result<AuthorityEnclosure> {
    match id.trim() {
        "power_of_attorney" => Ok(AuthorityEnclosure::PowerOfAttorney { registered_seal: false }),
        "power_of_attorney:sealed" => {
            Ok(AuthorityEnclosure::PowerOfAttorney { registered_seal: true })
        }
        "seal_certificate" => Ok(AuthorityEnclosure::SealCertificate),
        "family_register" => Ok(AuthorityEnclosure::FamilyRegister),
        "guardianship_registration" => Ok(AuthorityEnclosure::GuardianshipRegistration),
        other => Err(unknown(
            "--authority",
            other,
            "代理権の確認書類",
            "an authority document",
            &[
                "power_of_attorney",
                "power_of_attorney:sealed",
                "seal_certificate",
                "family_register",
                "guardianship_registration",
            ],
        )),
    }
}

fn method(flag: &str, id: &str) -> Result<PaymentMethod> {
    match id.trim() {
        "postage_stamps" => Ok(PaymentMethod::PostageStamps),
        "bank_transfer" => Ok(PaymentMethod::BankTransfer),
        "cash" => Ok(PaymentMethod::Cash),
        other => Err(unknown(
            flag,
            other,
            "支払方法",
            "a payment method",
            &["postage_stamps", "bank_transfer", "cash"],
        )),
    }
}

fn non_disclosure_ground(id: &str) -> Result<NonDisclosureGround> {
    match id.trim() {
        "1" => Ok(NonDisclosureGround::HarmToLifeOrRights),
        "2" => Ok(NonDisclosureGround::SeriousBusinessImpediment),
        "3" => Ok(NonDisclosureGround::BreachOfOtherLaw),
        other => Err(unknown(
            "--ground",
            other,
            "不開示の理由（33条2項各号）",
            "a ground of APPI 33(2)",
            &["1", "2", "3"],
        )),
    }
}

fn purpose_ground(id: &str) -> Result<PurposeRefusalGround> {
    match id.trim() {
        "already_published" | "1" => Ok(PurposeRefusalGround::AlreadyPublished),
        "article_21_4" | "2" => Ok(PurposeRefusalGround::Article21Paragraph4),
        other => Err(unknown(
            "--ground",
            other,
            "通知しない理由（32条2項各号）",
            "a ground of APPI 32(2)",
            &["already_published", "article_21_4"],
        )),
    }
}

const SUSPENSION_GROUNDS: [(&str, SuspensionGround); 7] = [
    ("unlawful_handling", SuspensionGround::UnlawfulHandling),
    ("unlawful_acquisition", SuspensionGround::UnlawfulAcquisition),
    ("unlawful_number_file", SuspensionGround::UnlawfulNumberFile),
    ("unlawful_provision", SuspensionGround::UnlawfulProvision),
    ("no_longer_needed", SuspensionGround::NoLongerNeeded),
    ("reportable_incident", SuspensionGround::ReportableIncident),
    ("harm_to_rights", SuspensionGround::HarmToRights),
];

fn suspension_ground(id: &str) -> Result<SuspensionGround> {
    SUSPENSION_GROUNDS.iter().find(|(k, _)| *k == id.trim()).map(|(_, g)| *g).ok_or_else(|| {
        let ids: Vec<&str> = SUSPENSION_GROUNDS.iter().map(|(k, _)| *k).collect();
        unknown("--ground", id, "利用停止等の理由（35条）", "a ground of APPI 35", &ids)
    })
}

fn not_corrected_ground(id: &str) -> Result<NotCorrectedGround> {
    match id.trim() {
        "content_is_true" => Ok(NotCorrectedGround::ContentIsTrue),
        "outside_purpose" => Ok(NotCorrectedGround::OutsidePurpose),
        // Accepted so that the core gives the clerk its reason (34条2項).
        "no_evidence_supplied" => Ok(NotCorrectedGround::NoEvidenceSupplied),
        other => Err(unknown(
            "--not-corrected",
            other,
            "訂正しない理由",
            "a ground for not correcting",
            &["content_is_true", "outside_purpose"],
        )),
    }
}

/// Parses `ITEM=BEFORE=>AFTER`.
fn change(text: &str) -> Result<Change> {
    let parsed = text.split_once("=>").and_then(|(left, after)| {
        left.split_once('=').map(|(item, before)| Change {
            item: item.trim().to_owned(),
            before: before.trim().to_owned(),
            after: after.trim().to_owned(),
        })
    });
    parsed.context(
        "--untrue: 項目=訂正前=>訂正後 の形で指定してください / use ITEM=BEFORE=>AFTER (M15)",
    )
}

/// Parses `KIND=AMOUNT[:METHOD,…]` (default method: postage stamps).
fn fee(text: &str) -> Result<(RequestKind, Fee)> {
    let Some((k, rest)) = text.split_once('=') else {
        bail!(
            "--fee: KIND=AMOUNT[:METHOD,…] の形で指定してください / use KIND=AMOUNT[:METHOD,…] (P7)"
        );
    };
    let (amount, methods) = rest.split_once(':').unwrap_or((rest, "postage_stamps"));
    let amount_yen: u32 = amount
        .trim()
        .parse()
        .context("--fee: 金額は円の整数で指定してください / the amount is whole yen (P7)")?;
    let methods = methods.split(',').map(|m| method("--fee", m)).collect::<Result<Vec<_>>>()?;
    Ok((kind("--fee", k)?, Fee { amount_yen, methods }))
}

/// Replaces every digit run long enough to be a number, so that an error about the form
/// never echoes what was typed in it (a serde error may quote a value).
fn scrub(message: &str) -> String {
    let masked = mask_my_numbers(message).text;
    let mut out = String::with_capacity(masked.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= 6 {
            out.extend(run.chars().map(|_| '＊'));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in masked.chars() {
        if c.is_ascii_digit() || ('０'..='９').contains(&c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Reads and parses the form (file or stdin); the text is zeroised after parsing.
fn read_form(path: &std::path::Path) -> Result<RequestForm> {
    let text: Zeroizing<String> = if path.as_os_str() == "-" {
        let mut s = Zeroizing::new(String::new());
        std::io::stdin()
            .read_to_string(&mut s)
            .context("--form -: 標準入力を読めません / cannot read stdin")?;
        s
    } else {
        let bytes = Zeroizing::new(std::fs::read(path).with_context(|| {
            format!("--form: {} を読めません / cannot read {}", path.display(), path.display())
        })?);
        let Ok(s) = std::str::from_utf8(&bytes) else {
            bail!("--form: UTF-8 ではありません / the form is not UTF-8 (P7)");
        };
        Zeroizing::new(s.to_owned())
    };
    let text = text.trim_start_matches('\u{feff}');
    serde_json::from_str::<RequestForm>(text).map_err(|e| {
        let detail = scrub(&e.to_string());
        anyhow::anyhow!(
            "--form: 請求書のJSONが正しくありません（{}行{}列: {detail}） / the form is not valid JSON for a request form (line {}, column {}): {detail} (P7)",
            e.line(),
            e.column(),
            e.line(),
            e.column(),
        )
    })
}

/// Runs a `request` subcommand (all need sign-in).
pub(crate) fn run(g: &Global, c: RequestCommand) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    match c {
        RequestCommand::File(a) => file(&ctx, &session, &a)?,
        RequestCommand::List => list(&ctx, &session)?,
        RequestCommand::Show { id } => {
            let stored = ctx.app.request(&session, id)?;
            show(&ctx, &stored)?;
        }
        RequestCommand::Verify(a) => verify(&ctx, &session, &a)?,
        RequestCommand::Fee(a) => {
            let kind = kind("--kind", &a.kind)?;
            let method = method("--method", &a.method)?;
            let r = step(&ctx, &session, a.id, |by| Command::ReceiveFee {
                by,
                kind,
                amount_yen: a.amount,
                method,
            })?;
            done(
                &ctx,
                &r,
                &format!("手数料 {}円（{}）の受領を記録しました", a.amount, method.label_ja()),
                &format!("fee of {} yen recorded", a.amount),
            )?;
        }
        RequestCommand::Decide(a) => decide(&ctx, &session, &a)?,
        RequestCommand::Correct { command } => correct(&ctx, &session, command)?,
        RequestCommand::Respond { id, in_writing_because } => {
            let r = step(&ctx, &session, id, |by| Command::Respond { by, in_writing_because })?;
            let method = r.response.as_ref().map_or("", |x| x.method.label_ja());
            done(
                &ctx,
                &r,
                &format!(
                    "回答を送付しました（{method}）。hogo request letter で回答書を表示します"
                ),
                "answer sent; print the letters with hogo request letter",
            )?;
        }
        RequestCommand::Letter { id, html } => {
            let letters = ctx.app.request_letters(&session, id)?;
            if ctx.json {
                out::json(&letters)?;
            } else {
                for (i, l) in letters.iter().enumerate() {
                    if i > 0 {
                        outln!();
                        outln!("{}", "─".repeat(40));
                        outln!();
                    }
                    outln!("{}", if html { &l.html } else { &l.text });
                }
            }
        }
        RequestCommand::Package { id, kind: k } => {
            let k = kind("--kind", &k)?;
            let package = ctx.app.disclosure_package(&session, id, k)?;
            if ctx.json {
                out::json(&package)?;
            } else {
                let lang = ctx.lang;
                outln!(
                    "{}",
                    lang.pick(
                        &format!("開示資料（{}）: {}件（個人番号はマスク済み、本人への提供として記録しました）", k.label_ja(), package.items.len()),
                        &format!("disclosure package ({}): {} items (numbers masked; recorded as a provision to the person)", k.id(), package.items.len()),
                    )
                );
                for item in &package.items {
                    outln!();
                    outln!("■ {}", item.title);
                    outln!("{}", item.content);
                }
            }
        }
        RequestCommand::Published { html } => {
            let page = ctx.app.published_matters(&session)?;
            if ctx.json {
                out::json(&page)?;
            } else {
                outln!("{}", if html { &page.html } else { &page.text });
            }
        }
        RequestCommand::Config(a) => {
            let mut fees = FeeSchedule::none();
            for f in &a.fees {
                let (k, fee) = fee(f)?;
                fees.set(k, fee)?;
            }
            let config = RequestConfig {
                fees,
                target_days: a.target_days,
                require_registered_seal: a.registered_seal,
            };
            config.validate()?;
            ctx.app.set_request_config(&session, config)?;
            outln!("{}", ctx.lang.pick("請求手続の設定を保存しました", "request settings saved"));
        }
    }
    Ok(true)
}

/// One step, signed by the signed-in staff member.
fn step(
    ctx: &Ctx,
    session: &Session,
    id: RequestId,
    make: impl FnOnce(Actor) -> Command,
) -> Result<Request> {
    let me = ctx.app.whoami(session)?;
    Ok(ctx.app.request_step(session, id, &make(me))?)
}

/// After a step: one line of text, or the request as JSON.
fn done(ctx: &Ctx, r: &Request, ja: &str, en: &str) -> Result<()> {
    if ctx.json {
        return out::json(&request_json(ctx, r, None));
    }
    outln!("{}", ctx.lang.pick(ja, en));
    Ok(())
}

fn request_json(ctx: &Ctx, r: &Request, subject: Option<SubjectId>) -> serde_json::Value {
    let today = ctx.clock.today();
    json!({
        "id": r.id,
        "subject": subject,
        "status": r.status.id(),
        "received_on": r.received_on,
        "due_on": r.due_on,
        "days_left": r.days_left(today),
        "overdue": r.is_overdue(today),
        "verified": r.is_verified(),
        "request": r,
    })
}

fn status_label(lang: Lang, id: &str) -> String {
    let (ja, en) = match id {
        "open" => ("対応中", "open"),
        "waiting_for_documents" => ("書類待ち", "waiting for documents"),
        "answered" => ("回答済み", "answered"),
        "withdrawn" => ("取下げ", "withdrawn"),
        other => (other, other),
    };
    lang.pick(ja, en).to_owned()
}

fn kind_label(lang: Lang, k: RequestKind) -> &'static str {
    lang.pick(k.label_ja(), k.id())
}

fn days_label(lang: Lang, days_left: i64, overdue: bool) -> String {
    if overdue {
        lang.pick(&format!("期限超過 {}日", -days_left), &format!("overdue by {} days", -days_left))
            .to_owned()
    } else {
        lang.pick(&format!("残り {days_left}日"), &format!("{days_left} days left")).to_owned()
    }
}

fn file(ctx: &Ctx, session: &Session, a: &FileArgs) -> Result<()> {
    let form = read_form(&a.form)?;
    let id = ctx.app.file_request(session, form, a.subject, a.received)?;
    let stored = ctx.app.request(session, id)?;
    let r = &stored.request;
    if ctx.json {
        return out::json(&request_json(ctx, r, stored.subject));
    }
    let lang = ctx.lang;
    let today = ctx.clock.today();
    outln!(
        "{}",
        lang.pick(
            &format!(
                "請求を受け付けました: {id}（受付 {}、回答期限 {}、{}）",
                r.received_on,
                r.due_on,
                days_label(lang, r.days_left(today), r.is_overdue(today))
            ),
            &format!(
                "request filed: {id} (received {}, due {}, {})",
                r.received_on,
                r.due_on,
                days_label(lang, r.days_left(today), r.is_overdue(today))
            ),
        )
    );
    outln!("{}", fee_summary(lang, r));
    Ok(())
}

fn fee_summary(lang: Lang, r: &Request) -> String {
    if r.fees.is_empty() {
        return lang
            .pick(
                "手数料: なし（手数料を求められるのは開示・利用目的の通知のみ、個人情報保護法38条）",
                "fee: none (a fee may be asked only for disclosure and purpose notification, APPI 38)",
            )
            .to_owned();
    }
    let lines: Vec<String> = r
        .fees
        .iter()
        .map(|f| {
            let methods: Vec<&str> = f
                .methods
                .iter()
                .map(|m| {
                    lang.pick(
                        m.label_ja(),
                        match m {
                            PaymentMethod::PostageStamps => "postage stamps",
                            PaymentMethod::BankTransfer => "bank transfer",
                            PaymentMethod::Cash => "cash",
                        },
                    )
                })
                .collect();
            let state = match (&f.received, lang) {
                (Some(_), Lang::Ja) => "受領済み",
                (Some(_), Lang::En) => "received",
                (None, Lang::Ja) => "未受領",
                (None, Lang::En) => "not received",
            };
            format!(
                "{} {}{} ({}) {state}",
                kind_label(lang, f.kind),
                f.amount_yen,
                lang.pick("円", " yen"),
                methods.join("/")
            )
        })
        .collect();
    format!("{}: {}", lang.pick("手数料", "fee"), lines.join(", "))
}

fn list(ctx: &Ctx, session: &Session) -> Result<()> {
    let all: Vec<RequestSummary> = ctx.app.requests(session)?;
    if ctx.json {
        return out::json(&all);
    }
    let lang = ctx.lang;
    if all.is_empty() {
        outln!("{}", lang.pick("請求はありません", "no requests"));
        return Ok(());
    }
    let mut t = out::table(&[
        lang.pick("請求ID", "request"),
        lang.pick("種類", "kinds"),
        lang.pick("受付日", "received"),
        lang.pick("回答期限", "due"),
        lang.pick("残り日数", "days left"),
        lang.pick("状態", "status"),
    ]);
    for s in &all {
        let kinds: Vec<&str> = s.kinds.iter().map(|k| kind_label(lang, *k)).collect();
        let closed = matches!(s.status.as_str(), "answered" | "withdrawn");
        t.add_row(vec![
            s.id.to_string(),
            kinds.join(lang.pick("・", ", ")),
            s.received_on.to_string(),
            s.due_on.to_string(),
            if closed { "—".to_owned() } else { days_label(lang, s.days_left, s.overdue) },
            status_label(lang, &s.status),
        ]);
    }
    outln!("{t}");
    Ok(())
}

fn decision_label(lang: Lang, d: &Decision) -> &'static str {
    match d {
        Decision::Disclosure(DisclosureDecision::Full) => lang.pick("全部開示", "full disclosure"),
        Decision::Disclosure(DisclosureDecision::Partial(_)) => {
            lang.pick("一部開示", "partial disclosure")
        }
        Decision::Disclosure(DisclosureDecision::Refused(_)) => lang.pick("不開示", "refused"),
        Decision::Disclosure(DisclosureDecision::NotHeld { .. }) => {
            lang.pick("保有していない", "not held")
        }
        Decision::PurposeNotification(PurposeNotificationDecision::Notified { .. }) => {
            lang.pick("利用目的を通知", "purposes notified")
        }
        Decision::PurposeNotification(PurposeNotificationDecision::Refused { .. }) => {
            lang.pick("通知しない", "not notified")
        }
        Decision::Correction(Finding::Untrue { .. }) => lang.pick("訂正等を実施", "corrected"),
        Decision::Correction(Finding::NotCorrected { .. }) => {
            lang.pick("訂正等を行わない", "not corrected")
        }
        Decision::Suspension(SuspensionDecision::Granted { .. }) => {
            lang.pick("措置を実施", "granted")
        }
        Decision::Suspension(SuspensionDecision::Rejected { .. }) => {
            lang.pick("措置を行わない", "rejected")
        }
    }
}

fn show(ctx: &Ctx, stored: &StoredRequest) -> Result<()> {
    let r = &stored.request;
    if ctx.json {
        return out::json(&request_json(ctx, r, stored.subject));
    }
    let lang = ctx.lang;
    let today = ctx.clock.today();
    let kinds: Vec<&str> = r.items.iter().map(|i| kind_label(lang, i.kind)).collect();
    outln!("{}: {}", lang.pick("請求ID", "request"), r.id);
    outln!("{}: {}", lang.pick("種類", "kinds"), kinds.join(lang.pick("・", ", ")));
    outln!("{}: {}", lang.pick("請求者", "requester"), r.requester_label());
    if let Some(s) = stored.subject {
        outln!("{}: {s}", lang.pick("本人（照合済み）", "subject"));
    }
    let days = match r.status {
        Status::Answered | Status::Withdrawn => String::new(),
        _ => format!(" ({})", days_label(lang, r.days_left(today), r.is_overdue(today))),
    };
    outln!(
        "{}: {} / {}: {}{days}",
        lang.pick("受付日", "received"),
        r.received_on,
        lang.pick("回答期限", "due"),
        r.due_on,
    );
    outln!("{}: {}", lang.pick("状態", "status"), status_label(lang, r.status.id()));
    if let Status::WaitingForDocuments { since, missing } = &r.status {
        outln!("  {}: {since} — {}", lang.pick("書類待ち", "waiting since"), missing.join(", "));
    }
    match &r.identity {
        Some(i) => outln!(
            "{}: {} ({}, {})",
            lang.pick("本人確認", "identity"),
            i.document.label_ja(),
            i.on,
            i.by
        ),
        None => outln!("{}: {}", lang.pick("本人確認", "identity"), lang.pick("未了", "not yet")),
    }
    for m in &r.masking {
        let remedy = match m.part.remedy {
            Remedy::Masked => lang.pick("マスク", "masked"),
            Remedy::Destroyed => lang.pick("廃棄", "destroyed"),
        };
        outln!("  {}: {} {remedy}", lang.pick("写しの処理", "copy"), m.part.part.label_ja());
    }
    if r.agent_kind().is_some() {
        match &r.authority {
            Some(a) => {
                let docs: Vec<&str> = a.documents.iter().map(|d| d.label_ja()).collect();
                outln!("{}: {} ({})", lang.pick("代理権", "authority"), docs.join("・"), a.on);
            }
            None => {
                outln!("{}: {}", lang.pick("代理権", "authority"), lang.pick("未確認", "not yet"));
            }
        }
    }
    outln!("{}", fee_summary(lang, r));
    for item in &r.items {
        let state = match (&item.decision, &item.correction) {
            (Some(d), _) => format!(
                "{}{}",
                decision_label(lang, d),
                item.decided_on.map(|d| format!(" ({d})")).unwrap_or_default()
            ),
            (None, Some(w)) if w.finding.is_some() => lang
                .pick(
                    &format!("担当 {} 調査報告済み、責任者の確認待ち", w.clerk),
                    &format!("clerk {} reported; awaiting the manager's confirmation", w.clerk),
                )
                .to_owned(),
            (None, Some(w)) => lang
                .pick(
                    &format!("担当 {} 調査中", w.clerk),
                    &format!("clerk {} investigating", w.clerk),
                )
                .to_owned(),
            (None, None) => lang.pick("未決定", "undecided").to_owned(),
        };
        outln!("  {}: {state}", kind_label(lang, item.kind));
    }
    for c in &r.correction_records {
        outln!(
            "{}: {} ({} → {})",
            lang.pick("訂正記録", "correction record"),
            c.kind.label_ja(),
            c.date,
            lang.pick(
                &format!("{} まで保存", c.keep_until),
                &format!("kept until {}", c.keep_until)
            )
        );
    }
    if let Some(resp) = &r.response {
        outln!("{}: {} ({})", lang.pick("回答", "answered"), resp.method.label_ja(), resp.on);
    }
    Ok(())
}

fn verify(ctx: &Ctx, session: &Session, a: &VerifyArgs) -> Result<()> {
    if a.document.is_none() && a.authority.is_empty() {
        bail!(
            "--document / --authority: 確認した書類を指定してください / name the identity document and/or the authority documents checked (P7, 個人情報保護法37条)"
        );
    }
    if a.document.is_none() && !(a.masked.is_empty() && a.destroyed.is_empty()) {
        bail!(
            "--masked / --destroyed: 本人確認書類（--document）と一緒に指定してください / give them with --document (P7)"
        );
    }
    let lang = ctx.lang;
    let mut last = None;
    if let Some(d) = &a.document {
        let document = document(d, a.confirmed_valid)?;
        let mut unmasked = Vec::new();
        for p in &a.masked {
            unmasked.push(UnmaskedPart { part: copy_part("--masked", p)?, remedy: Remedy::Masked });
        }
        for p in &a.destroyed {
            unmasked.push(UnmaskedPart {
                part: copy_part("--destroyed", p)?,
                remedy: Remedy::Destroyed,
            });
        }
        let r = step(ctx, session, a.id, |by| Command::VerifyIdentity { by, document, unmasked })?;
        if !ctx.json {
            outln!(
                "{}",
                lang.pick(
                    &format!("本人確認を記録しました（{}）", document.label_ja()),
                    &format!("identity check recorded ({})", document.label_ja()),
                )
            );
        }
        last = Some(r);
    }
    if !a.authority.is_empty() {
        let documents =
            a.authority.iter().map(|x| authority(x)).collect::<Result<BTreeSet<_>>>()?;
        let labels: Vec<&str> = documents.iter().map(|d| d.label_ja()).collect();
        let r = step(ctx, session, a.id, |by| Command::VerifyAuthority { by, documents })?;
        if !ctx.json {
            outln!(
                "{}",
                lang.pick(
                    &format!("代理権の確認を記録しました（{}）", labels.join("・")),
                    &format!("authority check recorded ({})", labels.join(", ")),
                )
            );
        }
        last = Some(r);
    }
    if let (true, Some(r)) = (ctx.json, &last) {
        out::json(&request_json(ctx, r, None))?;
    }
    Ok(())
}

fn decide(ctx: &Ctx, session: &Session, a: &DecideArgs) -> Result<()> {
    let k = kind("--kind", &a.kind)?;
    let facts = a.facts.clone().unwrap_or_default();
    let one_ground = |what: &str| -> Result<&str> {
        match a.grounds.as_slice() {
            [g] => Ok(g.as_str()),
            _ => bail!("--ground: {what}を1つ指定してください / give one ground (P7)"),
        }
    };
    let non_disclosure = |default_withheld: Option<&str>| -> Result<NonDisclosure> {
        let grounds = a
            .grounds
            .iter()
            .map(|g| Ok(Grounds { ground: non_disclosure_ground(g)?, facts: facts.clone() }))
            .collect::<Result<Vec<_>>>()?;
        let withheld =
            a.withheld.clone().or_else(|| default_withheld.map(str::to_owned)).unwrap_or_default();
        Ok(NonDisclosure { withheld, grounds })
    };
    let decision = match k.family() {
        KindFamily::Correction => bail!(
            "--kind: 訂正等は hogo request correct assign|report|confirm で処理します / corrections go through hogo request correct (M15, doc 003 40条2項)"
        ),
        KindFamily::Disclosure if a.full => Decision::Disclosure(DisclosureDecision::Full),
        KindFamily::Disclosure if a.partial => {
            Decision::Disclosure(DisclosureDecision::Partial(non_disclosure(None)?))
        }
        KindFamily::Disclosure if a.refuse => Decision::Disclosure(DisclosureDecision::Refused(
            non_disclosure(Some("ご請求の保有個人データの全部"))?,
        )),
        KindFamily::Disclosure if a.not_held => {
            Decision::Disclosure(DisclosureDecision::NotHeld { facts })
        }
        KindFamily::PurposeNotification if a.notify => {
            Decision::PurposeNotification(PurposeNotificationDecision::Notified {
                purposes: a.purposes.clone(),
            })
        }
        KindFamily::PurposeNotification if a.refuse => {
            Decision::PurposeNotification(PurposeNotificationDecision::Refused {
                ground: purpose_ground(one_ground("通知しない理由")?)?,
                facts,
            })
        }
        KindFamily::Suspension if a.grant => {
            let measure = match (&a.alternative, &a.why_difficult) {
                (None, None) => Measure::AsRequested,
                (d, w) => Measure::Alternative {
                    description: d.clone().unwrap_or_default(),
                    why_difficult: w.clone().unwrap_or_default(),
                },
            };
            Decision::Suspension(SuspensionDecision::Granted {
                ground: suspension_ground(one_ground("理由")?)?,
                measure,
            })
        }
        KindFamily::Suspension if a.reject => {
            let claimed = if a.grounds.is_empty() {
                let stored = ctx.app.request(session, a.id)?;
                stored.request.form.suspension.and_then(|s| s.claimed_ground).context(
                    "--ground: 請求者が主張した理由を指定してください / give the ground the requester claimed (P7, 個人情報保護法35条)",
                )?
            } else {
                suspension_ground(one_ground("請求者が主張した理由")?)?
            };
            Decision::Suspension(SuspensionDecision::Rejected { claimed, facts })
        }
        _ => bail!(
            "--kind {}: この決定は使えません（開示: --full|--partial|--refuse|--not-held、利用目的の通知: --notify|--refuse、利用停止等: --grant|--reject） / this outcome does not fit {} (disclosure: --full|--partial|--refuse|--not-held; purpose notification: --notify|--refuse; suspension family: --grant|--reject) (P7)",
            k.id(),
            k.id()
        ),
    };
    let label = decision_label(ctx.lang, &decision);
    let r = step(ctx, session, a.id, |by| Command::Decide { by, kind: k, decision })?;
    done(
        ctx,
        &r,
        &format!("「{}」を決定しました: {label}", k.label_ja()),
        &format!("{} decided: {label}", k.id()),
    )
}

fn correct(ctx: &Ctx, session: &Session, c: CorrectCommand) -> Result<()> {
    match c {
        CorrectCommand::Assign { id, kind: k, clerk } => {
            let k = kind("--kind", &k)?;
            let r = step(ctx, session, id, |by| Command::AssignCorrection { by, kind: k, clerk })?;
            done(
                ctx,
                &r,
                &format!("「{}」の調査・訂正の担当者に {clerk} を指定しました", k.label_ja()),
                &format!("{clerk} named to investigate and correct ({})", k.id()),
            )
        }
        CorrectCommand::Report { id, kind: k, untrue, not_corrected, facts } => {
            let k = kind("--kind", &k)?;
            let finding = match not_corrected {
                Some(g) => Finding::NotCorrected {
                    ground: not_corrected_ground(&g)?,
                    facts: facts.unwrap_or_default(),
                },
                None => Finding::Untrue {
                    changes: untrue.iter().map(|u| change(u)).collect::<Result<Vec<_>>>()?,
                },
            };
            let r =
                step(ctx, session, id, |by| Command::ReportInvestigation { by, kind: k, finding })?;
            done(
                ctx,
                &r,
                "調査結果を報告しました。責任者の確認を待ちます",
                "investigation reported; awaiting the manager's confirmation",
            )
        }
        CorrectCommand::Confirm { id, kind: k } => {
            let k = kind("--kind", &k)?;
            let r = step(ctx, session, id, |by| Command::ConfirmCorrection { by, kind: k })?;
            let keep = r
                .correction_records
                .iter()
                .rfind(|c| c.kind == k)
                .map(|c| c.keep_until.to_string())
                .unwrap_or_default();
            done(
                ctx,
                &r,
                &format!("訂正等を確認し、訂正記録を作成しました（{keep} まで保存）"),
                &format!("correction confirmed; correction record kept until {keep}"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P7: ITEM=BEFORE=>AFTER parses; other shapes are refused.
    #[test]
    fn untrue_changes_parse() {
        let c = change("資格取得日=2019-04-01=>2020-03-31").unwrap();
        assert_eq!(
            (c.item.as_str(), c.before.as_str(), c.after.as_str()),
            ("資格取得日", "2019-04-01", "2020-03-31")
        );
        assert!(change("no arrow").is_err());
    }

    /// P7, M15 (番号法20条): an error about the form never echoes a long digit run.
    #[test]
    fn scrub_masks_long_digit_runs() {
        let n = hogo_domain::testkit::synthetic_number(5);
        let s = scrub(&format!("invalid type: integer `{}`, line 3", n.expose()));
        assert!(!s.contains(n.expose()));
        assert!(s.contains("line 3"));
    }

    /// P7 (APPI 38条1項): `--fee correction=…` parses but the core's schedule refuses it.
    #[test]
    fn a_fee_for_correction_is_refused_by_the_schedule() {
        let (k, f) = fee("correction=1000:postage_stamps").unwrap();
        assert!(FeeSchedule::none().set(k, f).is_err());
        let (k, f) = fee("disclosure=1000").unwrap();
        assert!(FeeSchedule::none().set(k, f).is_ok());
    }
}
