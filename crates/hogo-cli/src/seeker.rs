//! `hogo seeker …`: job seekers of a placement agency (doc 000) — register (show-back or
//! double-entry confirmation, P4), import from CSV (a column carrying a never-collect item
//! refuses the whole file, P2), contact, consent and its withdrawal, use for a purpose
//! (P1), provide (P3; a file that leaves is sealed with age, P9), referral results (紹介状況;
//! a late one moves 完結, P11), end, the disposal the
//! 個人情報取扱責任者 confirms (P11), list, stale and the 求職管理簿. Thin: every rule lives in
//! `hogo::placement` and `hogo_domain::placement`.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use hogo::numbers::Profile;
use hogo::placement::{
    CollectionSource, EntryCheck, NewContact, NewSeeker, ProvideSeeker, SeekerDetails,
};
use hogo_domain::placement::{ContactOutcome, ProvisionRecordForm, SeekerItem, forbidden_column};
use hogo_domain::policy::ThirdPartyBasis;
use hogo_domain::{ConsentId, ConsentMethod, ConsentScope, Purpose, SensitiveKind, SubjectId};
use serde_json::json;
use zeroize::Zeroizing;

use crate::ctx::{Ctx, Global};
use crate::i18n::Lang;
use crate::out;

/// `hogo seeker …`.
#[derive(Debug, Subcommand)]
pub(crate) enum SeekerCommand {
    /// 求職者を登録（入力内容は本人確認のため表示・確認） / register a job seeker (the entry is shown back for confirmation).
    Register(RegisterArgs),
    /// CSVから一括登録（収集禁止事項の列があれば全体を拒否） / import job seekers from CSV (a never-collect column refuses the whole file).
    Import(ImportArgs),
    /// 連絡を記録（再確認・更新） / record a contact (re-confirmed or updated).
    Contact(ContactArgs),
    /// 同意を記録 / record a consent.
    Consent(ConsentArgs),
    /// 同意の撤回 / withdraw a consent.
    Withdraw {
        /// Consent id.
        consent: ConsentId,
    },
    /// 利用目的のための利用（目的に紐づく項目のみ表示、記録されます） / use the data for a purpose (only its items; logged).
    Use {
        /// Subject id.
        id: SubjectId,
        /// The purpose id (interview, mail_magazine, …).
        #[arg(long)]
        purpose: String,
    },
    /// 要配慮個人情報を記録（同意が必要、値は標準入力） / record special-care data (consent needed; the value from stdin).
    Sensitive {
        /// Subject id.
        id: SubjectId,
        /// The kind (medical_history, disability, …).
        #[arg(long)]
        kind: String,
    },
    /// 第三者提供 / provide to an employer, a partner agency or by law.
    Provide(ProvideArgs),
    /// 第三者提供記録（APPI 29条） / the provision records of a job seeker.
    Records {
        /// Subject id.
        id: SubjectId,
    },
    /// 求職登録の終了 / end a registration.
    End {
        /// Subject id.
        id: SubjectId,
        /// The day (YYYY-MM-DD); never in the future.
        #[arg(long)]
        on: NaiveDate,
    },
    /// 紹介の結果を求職管理簿に記録（登録終了後の結果は完結日を動かします） / record a referral result in the placement register (a result after the end moves 完結).
    #[command(name = "referral-result")]
    ReferralResult {
        /// Subject id.
        id: SubjectId,
        /// The employer referred to (求人者).
        #[arg(long)]
        employer: String,
        /// hired (採用) | not_hired (不採用) | declined (辞退) | cancelled (求人取消), or the wording.
        #[arg(long)]
        result: String,
        /// The day of the result (YYYY-MM-DD); never in the future.
        #[arg(long)]
        on: NaiveDate,
    },
    /// 期限の来た求職者情報等を廃棄（個人情報取扱責任者の確認） / dispose of placement data due today (the privacy officer confirms).
    Dispose {
        /// 試行（何も消さない） / show what would be disposed.
        #[arg(long)]
        dry_run: bool,
    },
    /// 法令による保存の継続（個人情報取扱責任者） / keep a job seeker's data because a law requires it (the privacy officer).
    Hold {
        /// Subject id.
        id: SubjectId,
        /// A name for the hold.
        #[arg(long)]
        name: String,
        /// The law or reason that requires keeping the data.
        #[arg(long)]
        reason: String,
    },
    /// 保存の継続を解除 / release such a hold.
    Release {
        /// Hold id.
        hold: hogo_domain::HoldId,
    },
    /// 一覧（個人情報なし） / list job seekers (no personal data).
    List,
    /// 確認日が古い求職者 / job seekers not confirmed for a while (P4).
    Stale {
        /// Days since the last confirmation.
        #[arg(long, default_value_t = 180)]
        days: u32,
    },
    /// 求職管理簿 / the placement register (職業安定法32条の15).
    #[command(name = "register-book")]
    RegisterBook,
}

/// `hogo seeker register`.
#[derive(Debug, Args)]
pub(crate) struct RegisterArgs {
    /// 求職受付番号 / the agency's reference (never a My Number).
    #[arg(long)]
    reference: String,
    /// 受付年月日.
    #[arg(long)]
    received_on: NaiveDate,
    /// 受付場所.
    #[arg(long)]
    place: String,
    /// 有効期間の末日.
    #[arg(long)]
    valid_until: NaiveDate,
    /// 希望職種 (repeat).
    #[arg(long = "occupation", required = true)]
    occupations: Vec<String>,
    /// 氏名.
    #[arg(long)]
    name: String,
    /// フリガナ.
    #[arg(long, default_value = "")]
    furigana: String,
    /// 生年月日.
    #[arg(long)]
    birth_date: Option<NaiveDate>,
    /// 住所.
    #[arg(long, default_value = "")]
    address: String,
    /// 連絡先.
    #[arg(long, default_value = "")]
    contact: String,
    /// 職歴.
    #[arg(long, default_value = "")]
    work_history: String,
    /// 資格 (repeat).
    #[arg(long = "qualification")]
    qualifications: Vec<String>,
    /// 学歴.
    #[arg(long, default_value = "")]
    education: String,
    /// 本人に明示した利用目的 (repeat; ids or the rules' wording).
    #[arg(long = "purpose", required = true)]
    purposes: Vec<String>,
    /// 本人以外から収集した場合の収集元（本人の同意を記録します） / the source when not collected from the person (the person's consent is recorded).
    #[arg(long)]
    source: Option<String>,
    /// How the person consented to collection from the source: written | electronic | oral.
    #[arg(long, default_value = "written")]
    source_consent: String,
    /// 二重入力: 標準入力から氏名・フリガナ・生年月日・住所をもう一度読む / double entry: read name, furigana, birth date, address again from stdin.
    #[arg(long)]
    double_entry: bool,
}

/// `hogo seeker import`.
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The CSV file.
    file: PathBuf,
    /// auto | utf-8 | cp932.
    #[arg(long, default_value = "auto")]
    encoding: String,
    /// 各行の内容を本人に確認済み（P4） / every row was confirmed with the person (P4).
    #[arg(long)]
    confirmed: bool,
}

/// `hogo seeker contact`.
#[derive(Debug, Args)]
pub(crate) struct ContactArgs {
    /// Subject id.
    id: SubjectId,
    /// The day of the contact.
    #[arg(long)]
    on: NaiveDate,
    /// reconfirmed | updated | not_checked.
    #[arg(long)]
    outcome: String,
    /// New address (with --outcome updated).
    #[arg(long)]
    address: Option<String>,
    /// New contact (with --outcome updated).
    #[arg(long)]
    contact: Option<String>,
    /// A referral result for the register: EMPLOYER=RESULT (e.g. 株式会社エー=採用).
    #[arg(long)]
    result: Option<String>,
}

/// `hogo seeker consent`.
#[derive(Debug, Args)]
pub(crate) struct ConsentArgs {
    /// Subject id.
    id: SubjectId,
    /// employer | partner | mail_magazine | sensitive.
    #[arg(long)]
    scope: String,
    /// The employer or partner agency.
    #[arg(long)]
    recipient: Option<String>,
    /// Items (comma separated ids: name,work_history,…).
    #[arg(long)]
    items: Option<String>,
    /// For --scope sensitive: the kind; the need was explained (--need-explained).
    #[arg(long)]
    kind: Option<String>,
    /// The need was explained before consent (要配慮, APPI 20条2項).
    #[arg(long)]
    need_explained: bool,
    /// written | electronic | oral.
    #[arg(long, default_value = "written")]
    method: String,
}

/// `hogo seeker provide`.
#[derive(Debug, Args)]
pub(crate) struct ProvideArgs {
    /// Subject id.
    id: SubjectId,
    /// 求人企業 (consent needed).
    #[arg(long, conflicts_with_all = ["partner", "law"])]
    employer: Option<String>,
    /// 業務提携先職業紹介所 (permission needed).
    #[arg(long, conflicts_with = "law")]
    partner: Option<String>,
    /// 法令に基づく場合: the law and article.
    #[arg(long)]
    law: Option<String>,
    /// Items (comma separated ids).
    #[arg(long)]
    items: String,
    /// How the record is made: contract_document (1 year) | consolidated (3 years from the last) | individual (3 years).
    #[arg(long, default_value = "contract_document")]
    form: String,
    /// Write the items as a file sealed with age (passphrase from the prompt or stdin) (P9).
    #[arg(long)]
    out: Option<PathBuf>,
}

fn method(id: &str) -> Result<ConsentMethod> {
    Ok(match id.trim() {
        "written" => ConsentMethod::Written,
        "electronic" => ConsentMethod::Electronic,
        "oral" => ConsentMethod::Oral,
        other => bail!(
            "--method: 「{other}」は written / electronic / oral ではありません / {other} is not written, electronic or oral"
        ),
    })
}

fn items(list: &str) -> Result<Vec<SeekerItem>> {
    list.split([',', ';'])
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            SeekerItem::from_id(s).ok_or_else(|| {
                anyhow::anyhow!(
                    "--items: 「{s}」は項目ではありません / {s} is not an item ({})",
                    SeekerItem::ALL.map(SeekerItem::id).join(", ")
                )
            })
        })
        .collect()
}

fn purpose(id: &str) -> Result<Purpose> {
    Purpose::from_id(id.trim()).ok_or_else(|| {
        anyhow::anyhow!("--purpose: 「{id}」は利用目的ではありません / {id} is not a purpose")
    })
}

fn sensitive_kind(id: &str) -> Result<SensitiveKind> {
    let want = id.trim();
    SensitiveKind::ALL
        .into_iter()
        .find(|k| serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_owned)).as_deref() == Some(want))
        .ok_or_else(|| anyhow::anyhow!("--kind: 「{want}」は要配慮個人情報の種類ではありません / {want} is not a special-care kind"))
}

fn stdin_line() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn show_back(lang: Lang, p: &Profile, occupations: &[String]) {
    errln!(
        "{}",
        lang.pick("入力内容（本人に確認してください）:", "The entry (confirm it with the person):")
    );
    errln!("  {}: {} ({})", lang.pick("氏名", "name"), p.name, p.furigana);
    errln!(
        "  {}: {}",
        lang.pick("生年月日", "birth date"),
        p.birth_date.map(|d| d.to_string()).unwrap_or_default()
    );
    errln!("  {}: {}", lang.pick("住所", "address"), p.address);
    errln!("  {}: {}", lang.pick("希望職種", "desired occupations"), occupations.join("、"));
    errln!("{}", lang.pick("本人が確認しましたか？ [y/N]", "Did the person confirm it? [y/N]"));
}

fn text_result(ok: &str, lang: Lang, ja: &str, en: &str) {
    let _ = ok;
    outln!("{}", lang.pick(ja, en));
}

/// A CSV import: every row checked first; nothing is stored if any row is bad or a column
/// names a never-collect item (P2).
fn import(ctx: &Ctx, session: &hogo::Session, a: &ImportArgs) -> Result<bool> {
    let lang = ctx.lang;
    let bytes = Zeroizing::new(std::fs::read(&a.file)?);
    let text = crate::subjects::decode(&bytes, &a.encoding)?;
    let mut reader =
        csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers()?.clone();
    let forbidden: Vec<(String, hogo_domain::ForbiddenItem)> =
        headers.iter().filter_map(|h| forbidden_column(h).map(|f| (h.to_owned(), f))).collect();
    if let Some((col, item)) = forbidden.first() {
        bail!(
            "CSV: 列「{col}」は収集禁止事項「{}」です。ファイル全体を取り込みません（P2、職業安定法5条の5・指針） / the column {col} carries a never-collect item: the whole file was refused (P2)",
            item.label_ja()
        );
    }
    if !a.confirmed {
        bail!(
            "--confirmed: 各行の内容を本人に確認してから取り込んでください（P4） / confirm every row with the person first, then pass --confirmed (P4)"
        );
    }
    let col = |name: &str| headers.iter().position(|h| h == name);
    for required in [
        "reference",
        "received_on",
        "place",
        "valid_until",
        "desired_occupation",
        "name",
        "purposes",
    ] {
        if col(required).is_none() {
            bail!(
                "CSV: 見出し行に「{required}」列がありません / the header has no {required} column"
            );
        }
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push((line, format!("CSV: {e}")));
                continue;
            }
        };
        let get = |name: &str| {
            col(name).and_then(|c| rec.get(c)).map(str::trim).unwrap_or_default().to_owned()
        };
        let date = |name: &str| -> Result<NaiveDate> {
            NaiveDate::parse_from_str(&get(name), "%Y-%m-%d").map_err(|_| {
                anyhow::anyhow!("{name}: YYYY-MM-DD で入力してください / use YYYY-MM-DD")
            })
        };
        let split = |s: String| -> Vec<String> {
            s.split(';').map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()).collect()
        };
        let row = (|| -> Result<NewSeeker> {
            let birth = get("birth_date");
            let occupations = split(get("desired_occupation"));
            let profile = Profile {
                name: get("name"),
                furigana: get("furigana"),
                birth_date: if birth.is_empty() { None } else { Some(date("birth_date")?) },
                address: get("address"),
            };
            Ok(NewSeeker {
                reference: get("reference"),
                received_on: date("received_on")?,
                place: get("place"),
                valid_until: date("valid_until")?,
                desired_occupations: occupations,
                profile,
                details: SeekerDetails {
                    contact: get("contact"),
                    work_history: get("work_history"),
                    qualifications: split(get("qualifications")),
                    education: get("education"),
                },
                stated_purposes: split(get("purposes")),
                source: CollectionSource::Person,
                check: EntryCheck::ShowBack { confirmed: true },
            })
        })();
        match row {
            Ok(r) => rows.push((line, r)),
            Err(e) => errors.push((line, lang.half(&format!("{e:#}")))),
        }
    }
    drop(text);
    if !errors.is_empty() {
        for (line, e) in &errors {
            errln!("{}: {e}", lang.pick(&format!("{line}行目"), &format!("line {line}")));
        }
        bail!(
            "{}件のエラーがあるため、何も取り込みませんでした / {} invalid rows: nothing was imported",
            errors.len(),
            errors.len()
        );
    }
    let mut ids = Vec::new();
    for (line, r) in rows {
        let id = ctx.app.register_seeker(session, r).map_err(|e| {
            anyhow::anyhow!("{}行目 / line {line}: {}", line, out::explain_app(&e, lang))
        })?;
        ids.push(id);
    }
    if ctx.json {
        out::json(&json!({"imported": ids.len(), "subjects": ids}))?;
    } else {
        outln!(
            "{}",
            lang.pick(
                &format!("取り込みました: {}件", ids.len()),
                &format!("imported: {}", ids.len())
            )
        );
    }
    Ok(true)
}

/// Runs a `seeker` subcommand.
pub(crate) fn run(g: &Global, c: SeekerCommand) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    let app = &ctx.app;
    match c {
        SeekerCommand::Register(a) => {
            let profile = Profile {
                name: a.name,
                furigana: a.furigana,
                birth_date: a.birth_date,
                address: a.address,
            };
            let details = SeekerDetails {
                contact: a.contact,
                work_history: a.work_history,
                qualifications: a.qualifications,
                education: a.education,
            };
            let check = if a.double_entry {
                errln!(
                    "{}",
                    lang.pick(
                        "二重入力: 氏名・フリガナ・生年月日・住所を1行ずつ入力",
                        "double entry: type name, furigana, birth date, address, one a line"
                    )
                );
                let name = stdin_line()?;
                let furigana = stdin_line()?;
                let bd = stdin_line()?;
                let address = stdin_line()?;
                let birth_date = if bd.trim().is_empty() {
                    None
                } else {
                    Some(
                        NaiveDate::parse_from_str(bd.trim(), "%Y-%m-%d")
                            .context("birth date: YYYY-MM-DD")?,
                    )
                };
                EntryCheck::DoubleEntry {
                    profile: Profile { name, furigana, birth_date, address },
                    details: details.clone(),
                    desired_occupations: a.occupations.clone(),
                }
            } else {
                show_back(lang, &profile, &a.occupations);
                let answer = stdin_line()?;
                EntryCheck::ShowBack {
                    confirmed: matches!(answer.trim(), "y" | "Y" | "yes" | "はい"),
                }
            };
            let source = match a.source {
                Some(s) => CollectionSource::Other {
                    source: s,
                    method: method(&a.source_consent)?,
                    consented_at: hogo_domain::Clock::now(ctx.clock.as_ref()),
                },
                None => CollectionSource::Person,
            };
            let id = app.register_seeker(
                &session,
                NewSeeker {
                    reference: a.reference,
                    received_on: a.received_on,
                    place: a.place,
                    valid_until: a.valid_until,
                    desired_occupations: a.occupations,
                    profile,
                    details,
                    stated_purposes: a.purposes,
                    source,
                    check,
                },
            )?;
            if ctx.json {
                out::json(&json!({"subject": id}))?;
            } else {
                outln!("{}: {id}", lang.pick("登録しました", "registered"));
            }
        }
        SeekerCommand::Import(a) => return import(&ctx, &session, &a),
        SeekerCommand::Contact(a) => {
            let outcome = match a.outcome.trim() {
                "reconfirmed" => ContactOutcome::Reconfirmed,
                "updated" => ContactOutcome::Updated,
                "not_checked" => ContactOutcome::NotChecked,
                other => bail!(
                    "--outcome: 「{other}」は reconfirmed / updated / not_checked ではありません / {other} is not reconfirmed, updated or not_checked"
                ),
            };
            let update = if outcome == ContactOutcome::Updated {
                let view = app.use_seeker_data(&session, a.id, Purpose::Interview)?;
                let get = |i: SeekerItem| {
                    view.items
                        .iter()
                        .find(|(k, _)| *k == i)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                let profile = Profile {
                    name: get(SeekerItem::Name),
                    furigana: get(SeekerItem::Furigana),
                    birth_date: NaiveDate::parse_from_str(&get(SeekerItem::BirthDate), "%Y-%m-%d")
                        .ok(),
                    address: a.address.clone().unwrap_or_else(|| get(SeekerItem::Address)),
                };
                let details = SeekerDetails {
                    contact: a.contact.clone().unwrap_or_else(|| get(SeekerItem::Contact)),
                    work_history: get(SeekerItem::WorkHistory),
                    qualifications: get(SeekerItem::Qualifications)
                        .split('、')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    education: get(SeekerItem::Education),
                };
                Some((profile, details))
            } else {
                None
            };
            let referral_result = match a.result {
                Some(r) => {
                    let (e, res) = r.split_once('=').context("--result: EMPLOYER=RESULT")?;
                    Some((e.trim().to_owned(), res.trim().to_owned()))
                }
                None => None,
            };
            app.seeker_contact(
                &session,
                a.id,
                NewContact { on: a.on, outcome, update, referral_result },
            )?;
            text_result("", lang, "連絡を記録しました", "contact recorded");
        }
        SeekerCommand::Consent(a) => {
            let scope = match a.scope.trim() {
                "employer" | "partner" => {
                    let recipient = a
                        .recipient
                        .clone()
                        .context("--recipient: 提供先を指定してください / name the recipient")?;
                    ConsentScope::ProvisionOfItems {
                        recipient,
                        purpose: if a.scope.trim() == "employer" {
                            Purpose::ProvisionToEmployer
                        } else {
                            Purpose::ProvisionToPartnerAgency
                        },
                        items: items(a.items.as_deref().unwrap_or_default())?,
                    }
                }
                "mail_magazine" => ConsentScope::Purpose { purpose: Purpose::MailMagazine },
                "sensitive" => ConsentScope::SensitiveAcquisition {
                    kind: sensitive_kind(a.kind.as_deref().unwrap_or_default())?,
                    need_explained: a.need_explained,
                },
                other => bail!(
                    "--scope: 「{other}」は employer / partner / mail_magazine / sensitive ではありません / {other} is not a consent scope"
                ),
            };
            let id = app.record_consent(
                &session,
                a.id,
                scope,
                method(&a.method)?,
                hogo_domain::Clock::now(ctx.clock.as_ref()),
            )?;
            if ctx.json {
                out::json(&json!({"consent": id}))?;
            } else {
                outln!("{}: {id}", lang.pick("同意を記録しました", "consent recorded"));
            }
        }
        SeekerCommand::Withdraw { consent } => {
            app.withdraw_consent(&session, consent)?;
            text_result("", lang, "同意の撤回を記録しました", "withdrawal recorded");
        }
        SeekerCommand::Use { id, purpose: p } => {
            let view = app.use_seeker_data(&session, id, purpose(&p)?)?;
            if ctx.json {
                let items: Vec<_> =
                    view.items.iter().map(|(i, v)| json!({"item": i.id(), "value": v})).collect();
                out::json(&json!({"purpose": view.purpose.id(), "items": items}))?;
            } else {
                for (i, v) in &view.items {
                    outln!("{}: {v}", lang.pick(i.label_ja(), i.id()));
                }
            }
        }
        SeekerCommand::Sensitive { id, kind } => {
            let k = sensitive_kind(&kind)?;
            let value = crate::secret::read_line(lang.pick("内容: ", "value: "))?;
            app.record_seeker_sensitive(&session, id, k, &value)?;
            text_result(
                "",
                lang,
                "要配慮個人情報を記録しました（暗号化保管）",
                "special-care data recorded (sealed)",
            );
        }
        SeekerCommand::Provide(a) => {
            let basis = match (a.employer, a.partner, a.law) {
                (Some(e), _, _) => ThirdPartyBasis::RecruitingEmployer { recipient: e },
                (_, Some(p), _) => ThirdPartyBasis::PartnerAgency { recipient: p },
                (_, _, Some(l)) => ThirdPartyBasis::RequiredByLaw { law: l },
                _ => bail!(
                    "--employer / --partner / --law のいずれかを指定してください / give --employer, --partner or --law"
                ),
            };
            let form = ProvisionRecordForm::from_id(&a.form).with_context(|| {
                format!("--form: 「{}」 / contract_document, consolidated, individual", a.form)
            })?;
            let sealer = match &a.out {
                Some(_) => {
                    let pass = crate::secret::read_line(
                        lang.pick("ファイルのパスワード: ", "file passphrase: "),
                    )?;
                    if pass.chars().count() < 12 {
                        bail!(
                            "passphrase: 12文字以上にしてください（P9） / use at least 12 characters (P9)"
                        );
                    }
                    Some(hogo_export::AgeSealer::with_passphrase(secrecy::SecretString::from(
                        pass.to_string(),
                    ))?)
                }
                None => None,
            };
            let receipt = app.provide_seeker_data(
                &session,
                ProvideSeeker { subject: a.id, basis, items: items(&a.items)?, form },
                sealer.as_ref().map(|s| s as &dyn hogo::export::ExportSealer),
            )?;
            if let (Some(path), Some(file)) = (&a.out, &receipt.file) {
                std::fs::write(path, &file.bytes)?;
            }
            if ctx.json {
                out::json(
                    &json!({"record": receipt.record, "sha256": receipt.file.as_ref().map(|f| f.sha256.clone())}),
                )?;
            } else {
                outln!(
                    "{}: {}",
                    lang.pick(
                        "提供を記録しました（第三者提供記録）",
                        "provision recorded (provision record)"
                    ),
                    receipt.record
                );
                if let Some(f) = &receipt.file {
                    outln!("{}: sha256 {}", lang.pick("暗号化ファイル", "sealed file"), f.sha256);
                }
            }
        }
        SeekerCommand::Records { id } => {
            let list = app.provision_records(&session, id)?;
            if ctx.json {
                out::json(&list)?;
            } else {
                let mut t = out::table(&[
                    lang.pick("提供日", "provided"),
                    lang.pick("提供先", "recipient"),
                    lang.pick("項目", "items"),
                    lang.pick("記録の方法", "form"),
                    lang.pick("根拠", "basis"),
                ]);
                for r in &list {
                    t.add_row([
                        r.provided_on
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", "),
                        r.recipient.clone(),
                        r.items
                            .iter()
                            .map(|i| lang.pick(i.label_ja(), i.id()).to_owned())
                            .collect::<Vec<_>>()
                            .join(", "),
                        r.form.id().to_owned(),
                        r.legal_basis.clone(),
                    ]);
                }
                outln!("{t}");
            }
        }
        SeekerCommand::End { id, on } => {
            app.end_registration(&session, id, on)?;
            text_result(
                "",
                lang,
                &format!("求職登録の終了を記録しました: {on}"),
                &format!("registration ended: {on}"),
            );
        }
        SeekerCommand::ReferralResult { id, employer, result, on } => {
            let out = app.record_referral_result(&session, id, &employer, &result, on)?;
            if ctx.json {
                out::json(&json!({
                    "subject": id,
                    "employer": employer.trim(),
                    "referred_on": out.referred_on,
                    "result": out.result,
                    "result_on": on,
                    "completed_before": out.completed.0,
                    "completed_on": out.completed.1,
                }))?;
            } else {
                let moved = match out.completed {
                    (Some(b), Some(a)) if a != b => lang
                        .pick(
                            &format!("（求職管理簿の完結 {b} → {a}、保存は完結から2年）"),
                            &format!(
                                " (完結 moved {b} → {a}; the register row is kept 2 years from it)"
                            ),
                        )
                        .to_owned(),
                    _ => String::new(),
                };
                text_result(
                    "",
                    lang,
                    &format!(
                        "紹介結果を記録しました: {} {}紹介 → {}{moved}",
                        employer.trim(),
                        out.referred_on,
                        out.result
                    ),
                    &format!(
                        "referral result recorded: {} referred {} → {}{moved}",
                        employer.trim(),
                        out.referred_on,
                        out.result
                    ),
                );
            }
        }
        SeekerCommand::Dispose { dry_run } => {
            let rep = app.confirm_placement_disposal(&session, dry_run)?;
            if ctx.json {
                out::json(&rep)?;
            } else {
                for (h, k) in &rep.disposed {
                    outln!(
                        "{} {k} {h}",
                        if dry_run {
                            lang.pick("（試行）", "(dry run)")
                        } else {
                            lang.pick("廃棄", "disposed")
                        }
                    );
                }
                outln!(
                    "{}",
                    lang.pick(
                        &format!(
                            "廃棄 {}件、削除証明書 {}件、保存継続 {}件",
                            rep.disposed.len(),
                            rep.certificates.len(),
                            rep.held
                        ),
                        &format!(
                            "disposed {}, certificates {}, held {}",
                            rep.disposed.len(),
                            rep.certificates.len(),
                            rep.held
                        ),
                    )
                );
            }
        }
        SeekerCommand::Hold { id, name, reason } => {
            let h = app.hold_seeker_data(&session, id, &name, &reason)?;
            if ctx.json {
                out::json(&json!({"hold": h}))?;
            } else {
                outln!("{}: {h}", lang.pick("保存の継続を設定しました", "hold placed"));
            }
        }
        SeekerCommand::Release { hold } => {
            app.release_seeker_hold(&session, hold)?;
            text_result("", lang, "保存の継続を解除しました", "hold released");
        }
        SeekerCommand::List | SeekerCommand::Stale { .. } => {
            let list = match c {
                SeekerCommand::Stale { days } => app.stale_seekers(&session, days)?,
                _ => app.seekers(&session)?,
            };
            if ctx.json {
                out::json(&list)?;
            } else {
                let mut t = out::table(&[
                    lang.pick("本人ID", "subject"),
                    lang.pick("受付番号", "reference"),
                    lang.pick("受付日", "received"),
                    lang.pick("有効期間", "valid until"),
                    lang.pick("最終確認日", "last confirmed"),
                    lang.pick("登録終了", "ended"),
                    lang.pick("廃棄", "disposed"),
                ]);
                for s in &list {
                    t.add_row([
                        s.subject.to_string(),
                        s.reference.clone(),
                        s.received_on.to_string(),
                        s.valid_until.to_string(),
                        s.last_confirmed.to_string(),
                        s.ended_on.map(|d| d.to_string()).unwrap_or_default(),
                        s.profile_disposed_on.map(|d| d.to_string()).unwrap_or_default(),
                    ]);
                }
                outln!("{t}");
            }
        }
        SeekerCommand::RegisterBook => {
            let rows = app.placement_register(&session)?;
            if ctx.json {
                out::json(&rows)?;
            } else {
                let mut t = out::table(&[
                    lang.pick("受付番号", "reference"),
                    lang.pick("氏名", "name"),
                    lang.pick("住所", "address"),
                    lang.pick("生年月日", "birth date"),
                    lang.pick("希望職種", "occupations"),
                    lang.pick("受付年月日", "received"),
                    lang.pick("有効期間", "valid until"),
                    lang.pick("紹介状況", "referrals"),
                    lang.pick("完結", "completed"),
                ]);
                for r in &rows {
                    let refs: Vec<String> = r
                        .referrals
                        .iter()
                        .map(|x| {
                            format!(
                                "{} {} {}",
                                x.on,
                                x.employer,
                                x.result
                                    .clone()
                                    .unwrap_or_else(|| lang.pick("結果待ち", "pending").to_owned())
                            )
                        })
                        .collect();
                    t.add_row([
                        r.reference.clone(),
                        r.name.clone(),
                        r.address.clone(),
                        r.birth_date.map(|d| d.to_string()).unwrap_or_default(),
                        r.desired_occupations.join("、"),
                        r.received_on.to_string(),
                        r.valid_until.to_string(),
                        refs.join("\n"),
                        r.completed_on.map(|d| d.to_string()).unwrap_or_default(),
                    ]);
                }
                outln!("{t}");
            }
        }
    }
    Ok(true)
}
