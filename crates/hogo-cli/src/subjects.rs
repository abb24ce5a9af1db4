//! `hogo subject add|import|list|show|event`. Names and addresses are sealed in the vault
//! by the application layer; the CSV import reads employees, dependents and payees in
//! UTF-8, UTF-8 with BOM or CP932, checks every row first and imports nothing from a file
//! with errors unless `--skip-invalid` is given. The file is read into memory (zeroised
//! afterwards), never copied.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Result, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use hogo::numbers::{CollectNumber, NewSubject, Profile};
use hogo::subjects::SubjectEventKind;
use hogo::{Hogo, Session, Store};
use hogo_domain::{Affair, MyNumber, PayeeKind, StaffId, SubjectId, SubjectKind};
use serde::Serialize;
use serde_json::json;
use zeroize::Zeroizing;

use crate::ctx::{Ctx, Global};
use crate::i18n::Lang;
use crate::out;
use crate::verify::VerifyArgs;

/// `hogo subject …`.
#[derive(Debug, Subcommand)]
pub(crate) enum SubjectCommand {
    /// 本人を登録 / register a subject.
    Add(AddArgs),
    /// CSVから一括登録 / import employees, dependents and payees from CSV.
    Import(ImportArgs),
    /// 一覧 / list subjects (ids, kinds, references; no personal data).
    List,
    /// 詳細（閲覧は記録されます） / show one subject (the viewing is logged).
    Show {
        /// Subject id.
        id: SubjectId,
    },
    /// 退職等の事由を記録 / record a life event.
    Event {
        /// Subject id.
        id: SubjectId,
        /// hired | retired | qualification_lost | contract_ended | registration_ended.
        #[arg(long)]
        kind: String,
        /// The day (YYYY-MM-DD); never in the future.
        #[arg(long)]
        on: NaiveDate,
    },
}

/// `hogo subject add`.
#[derive(Debug, Args)]
pub(crate) struct AddArgs {
    /// employee | dependent | payee (job seekers: `hogo seeker register`).
    #[arg(long)]
    kind: String,
    /// 社員番号等 / the organisation's reference (never a My Number).
    #[arg(long)]
    reference: String,
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
    /// For a dependant: the employee (subject id).
    #[arg(long)]
    of: Option<SubjectId>,
    /// For a dependant: a 国民年金第3号 spouse.
    #[arg(long)]
    category3_spouse: bool,
    /// For a payee: remuneration | dividend | real_estate_rent | real_estate_transfer.
    #[arg(long)]
    payee_kind: Option<String>,
    /// The same person as another subject (an employee who is also a payee).
    #[arg(long)]
    same_person_as: Option<SubjectId>,
}

/// `hogo subject import`.
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The CSV file (delete it after the import: it holds numbers).
    file: PathBuf,
    /// auto | utf-8 | cp932.
    #[arg(long, default_value = "auto")]
    encoding: String,
    /// Import the valid rows even if some rows are invalid.
    #[arg(long)]
    skip_invalid: bool,
    /// 利用目的を本人に通知済み / the purpose was notified (needed to collect numbers, Art. 13).
    #[arg(long)]
    purpose_notified: bool,
    /// Default 本人確認 for rows with a number (a row's `number_check` / `identity` columns win).
    #[command(flatten)]
    verify: VerifyArgs,
}

fn payee_kind(id: &str) -> Result<PayeeKind> {
    Ok(match id.trim() {
        "remuneration" => PayeeKind::Remuneration,
        "dividend" => PayeeKind::Dividend,
        "real_estate_rent" => PayeeKind::RealEstateRent,
        "real_estate_transfer" => PayeeKind::RealEstateTransfer,
        other => bail!(
            "payee_kind: 「{other}」は支払先の種類ではありません / {other} is not a payee kind"
        ),
    })
}

fn event_kind(id: &str) -> Result<SubjectEventKind> {
    SubjectEventKind::from_id(id.trim()).ok_or_else(|| {
        anyhow::anyhow!("--kind: 「{id}」は事由ではありません / {id} is not an event (hired, retired, qualification_lost, contract_ended, registration_ended)")
    })
}

/// Decodes CSV bytes: a BOM or valid UTF-8 is UTF-8, anything else CP932 (Excel's Japanese CSV).
pub(crate) fn decode(bytes: &[u8], encoding: &str) -> Result<Zeroizing<String>> {
    let cp932 = |b: &[u8]| -> Result<Zeroizing<String>> {
        let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(b);
        if bad {
            bail!("--encoding: CP932として読めません / not valid CP932");
        }
        Ok(Zeroizing::new(text.into_owned()))
    };
    let utf8 = |b: &[u8]| -> Result<Zeroizing<String>> {
        let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
        match std::str::from_utf8(b) {
            Ok(s) => Ok(Zeroizing::new(s.to_owned())),
            Err(_) => bail!("--encoding: UTF-8として読めません / not valid UTF-8"),
        }
    };
    match encoding.to_ascii_lowercase().as_str() {
        "utf-8" | "utf8" => utf8(bytes),
        "cp932" | "shift_jis" | "sjis" => cp932(bytes),
        "auto" => {
            if bytes.starts_with(b"\xEF\xBB\xBF") || std::str::from_utf8(bytes).is_ok() {
                utf8(bytes)
            } else {
                cp932(bytes)
            }
        }
        other => bail!(
            "--encoding: 「{other}」は使えません / unsupported encoding {other} (auto, utf-8, cp932)"
        ),
    }
}

/// One checked CSV row.
pub(crate) struct Row {
    line: usize,
    kind: RowKind,
    reference: String,
    employee_ref: Option<String>,
    profile: Profile,
    number: Option<MyNumber>,
    affairs: Vec<Affair>,
    number_check: Option<String>,
    identity: Option<String>,
}

#[derive(Clone, Copy)]
enum RowKind {
    Employee,
    Dependent { category3_spouse: bool },
    Payee(PayeeKind),
}

/// A row error: line number, field and reason (never the value).
#[derive(Debug, Serialize)]
pub(crate) struct RowError {
    /// 1-based line of the file (the header is line 1).
    pub(crate) line: usize,
    /// Why.
    pub(crate) reason: String,
}

/// Parses and checks every row.
pub(crate) fn parse_csv(text: &str, lang: Lang) -> Result<(Vec<Row>, Vec<RowError>)> {
    let mut reader =
        csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    for required in ["kind", "reference", "name"] {
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
                errors.push(RowError { line, reason: format!("CSV: {e}") });
                continue;
            }
        };
        let get = |name: &str| {
            col(name).and_then(|c| rec.get(c)).map(str::trim).filter(|s| !s.is_empty())
        };
        let result = (|| -> Result<Row> {
            let kind = match get("kind").unwrap_or_default() {
                "employee" => RowKind::Employee,
                "dependent" => RowKind::Dependent {
                    category3_spouse: matches!(get("category3_spouse"), Some("true" | "1" | "yes")),
                },
                "payee" => RowKind::Payee(payee_kind(get("payee_kind").unwrap_or_default())?),
                other => bail!(
                    "kind: 「{other}」は employee / dependent / payee ではありません / {other} is not employee, dependent or payee"
                ),
            };
            let reference = get("reference").unwrap_or_default().to_owned();
            if reference.is_empty() {
                bail!("reference: 入力してください / is required");
            }
            if hogo_domain::my_number::find_my_number_like(&reference).is_some() {
                bail!(
                    "reference: 個人番号を参照番号にできません / a My Number cannot be a reference (M8)"
                );
            }
            let birth_date = match get("birth_date") {
                Some(d) => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                    anyhow::anyhow!("birth_date: YYYY-MM-DD で入力してください / use YYYY-MM-DD")
                })?),
                None => None,
            };
            let employee_ref = get("employee_ref").map(str::to_owned);
            if matches!(kind, RowKind::Dependent { .. }) && employee_ref.is_none() {
                bail!(
                    "employee_ref: 扶養親族には従業員の参照番号が必要です / a dependant needs its employee's reference"
                );
            }
            let number = match get("my_number") {
                Some(n) => Some(
                    MyNumber::parse_field("my_number", n)
                        .map_err(|e| anyhow::anyhow!(lang.half(&e.to_string())))?,
                ),
                None => None,
            };
            let affairs = match get("affairs") {
                Some(list) => list
                    .split(';')
                    .map(|a| {
                        Affair::from_id(a.trim()).ok_or_else(|| {
                            anyhow::anyhow!(
                                "affairs: 「{a}」は事務の種類ではありません / {a} is not an affair"
                            )
                        })
                    })
                    .collect::<Result<Vec<_>>>()?,
                None => match kind {
                    RowKind::Employee => vec![
                        Affair::WithholdingSlip,
                        Affair::HealthPensionInsurance,
                        Affair::EmploymentInsurance,
                    ],
                    RowKind::Dependent { category3_spouse: true } => {
                        vec![Affair::NationalPensionCategory3]
                    }
                    RowKind::Dependent { .. } => vec![Affair::WithholdingSlip],
                    RowKind::Payee(p) => vec![p.affair()],
                },
            };
            Ok(Row {
                line,
                kind,
                reference,
                employee_ref,
                profile: Profile {
                    name: get("name").unwrap_or_default().to_owned(),
                    furigana: get("furigana").unwrap_or_default().to_owned(),
                    birth_date,
                    address: get("address").unwrap_or_default().to_owned(),
                },
                number,
                affairs,
                number_check: get("number_check").map(str::to_owned),
                identity: get("identity").map(str::to_owned),
            })
        })();
        match result {
            Ok(r) => rows.push(r),
            Err(e) => errors.push(RowError { line, reason: lang.half(&format!("{e:#}")) }),
        }
    }
    Ok((rows, errors))
}

/// What an import did.
#[derive(Debug, Default, Serialize)]
pub(crate) struct ImportReport {
    /// Subjects created.
    pub(crate) subjects: usize,
    /// Numbers collected.
    pub(crate) numbers: usize,
    /// Rows skipped as invalid.
    pub(crate) skipped: usize,
    /// Row errors (line and reason).
    pub(crate) errors: Vec<RowError>,
    /// `reference` → subject id of the imported subjects.
    pub(crate) ids: BTreeMap<String, SubjectId>,
}

fn progress(len: usize) -> indicatif::ProgressBar {
    if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(len as u64)
    } else {
        indicatif::ProgressBar::hidden()
    }
}

/// The 本人確認 of one row's number for each of its affairs: the flags, overridden by the
/// row's columns; a dependant without its own is verified by its employee, except as a
/// category-3 spouse, whom the employer verifies itself (番号法16条).
fn row_verifications(
    row: &Row,
    kind: SubjectKind,
    clerk: StaffId,
    defaults: &VerifyArgs,
) -> Result<Vec<(Affair, hogo_domain::Verification)>> {
    let mut v = defaults.clone();
    if let Some(nc) = &row.number_check {
        v.number_check = Some(nc.clone());
    }
    if let Some(i) = &row.identity {
        v.identity = Some(i.clone());
    }
    if let SubjectKind::Dependent { of, .. } = kind
        && row.number_check.is_none()
        && v.by_employee.is_none()
    {
        v.by_employee = Some(of);
    }
    let verification = v
        .verification(clerk)
        .map_err(|e| anyhow::anyhow!("{}行目 / line {}: {e:#}", row.line, row.line))?;
    row.affairs
        .iter()
        .map(|affair| {
            if *affair == Affair::NationalPensionCategory3
                && matches!(verification, hogo_domain::Verification::ByEmployee { .. })
            {
                bail!(
                    "{}行目 number_check: 国民年金第3号被保険者は事業主が本人確認します / line {}: the employer verifies a category-3 spouse (M7)",
                    row.line,
                    row.line
                );
            }
            Ok((*affair, verification.clone()))
        })
        .collect()
}

/// A batch use case's error pointed at the CSV line of the row it names
/// ([`hogo::Error::row`]); shown by [`out::explain`] as "N行目 / line N: …".
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {source}")]
pub(crate) struct AtLine {
    /// 1-based line of the file.
    pub(crate) line: usize,
    /// The application's error (its field still names the batch row).
    #[source]
    pub(crate) source: hogo::Error,
}

/// Points a batch error at the line of its row (`lines[i]` is row `i`'s line).
fn at_line(e: hogo::Error, lines: &[usize]) -> anyhow::Error {
    match e.row().and_then(|i| lines.get(i)) {
        Some(&line) => AtLine { line, source: e }.into(),
        None => e.into(),
    }
}

/// Imports checked rows in three transactions: every employee
/// ([`Hogo::add_subjects`]), then every dependant and payee (a dependant names an employee
/// of the file or one registered before), then every number ([`Hogo::collect_numbers`]).
/// Each step is all or nothing; a failure names the CSV line.
pub(crate) fn import_rows<S: Store>(
    app: &Hogo<S>,
    session: &Session,
    clerk: StaffId,
    rows: Vec<Row>,
    defaults: &VerifyArgs,
    purpose_notified: bool,
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    for existing in app.subjects(session)? {
        report.ids.insert(existing.reference.clone(), existing.subject.id);
    }
    // The 本人確認 of every number row is checked before anything is stored (the employee
    // a dependant names is not registered yet: any id stands in for it here).
    for row in rows.iter().filter(|r| r.number.is_some()) {
        let kind = match row.kind {
            RowKind::Dependent { category3_spouse } => SubjectKind::Dependent {
                of: SubjectId::from_uuid(uuid::Uuid::nil()),
                category3_spouse,
            },
            RowKind::Employee => SubjectKind::Employee,
            RowKind::Payee(p) => SubjectKind::Payee(p),
        };
        row_verifications(row, kind, clerk, defaults)?;
    }
    let bar = progress(rows.len());
    let (employees, others): (Vec<&Row>, Vec<&Row>) =
        rows.iter().partition(|r| matches!(r.kind, RowKind::Employee));
    let mut ids: Vec<(&Row, SubjectId, SubjectKind)> = Vec::with_capacity(rows.len());
    for step in [employees, others] {
        let mut batch = Vec::with_capacity(step.len());
        for row in &step {
            let kind = match row.kind {
                RowKind::Employee => SubjectKind::Employee,
                RowKind::Payee(p) => SubjectKind::Payee(p),
                RowKind::Dependent { category3_spouse } => {
                    let emp = row.employee_ref.as_deref().unwrap_or_default();
                    let Some(of) = report.ids.get(emp).copied() else {
                        bail!(
                            "{}行目 employee_ref: 従業員「{emp}」が見つかりません / line {}: employee {emp} not found",
                            row.line,
                            row.line
                        );
                    };
                    SubjectKind::Dependent { of, category3_spouse }
                }
            };
            batch.push(NewSubject {
                kind,
                reference: row.reference.clone(),
                same_person_as: None,
                profile: row.profile.clone(),
            });
        }
        if batch.is_empty() {
            continue;
        }
        let lines: Vec<usize> = step.iter().map(|r| r.line).collect();
        let added = app.add_subjects(session, &batch).map_err(|e| at_line(e, &lines))?;
        for ((row, id), new) in step.iter().zip(added).zip(&batch) {
            tracing::info!(subject = %id, line = row.line, "subject imported");
            report.ids.insert(row.reference.clone(), id);
            report.subjects += 1;
            ids.push((row, id, new.kind));
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    let mut collect = Vec::new();
    let mut lines = Vec::new();
    for &(row, id, kind) in &ids {
        let Some(number) = &row.number else { continue };
        for (affair, verification) in row_verifications(row, kind, clerk, defaults)? {
            collect.push(CollectNumber {
                subject: id,
                affair,
                verification,
                purpose_notified,
                identity_copy_kept: false,
                number: number.clone(),
            });
            lines.push(row.line);
        }
        report.numbers += 1;
    }
    if !collect.is_empty() {
        // One transaction: a spinner, since there is no per-row progress to show.
        let spinner = if std::io::stderr().is_terminal() {
            let s = indicatif::ProgressBar::new_spinner()
                .with_message(format!("個人番号 / numbers: {}", collect.len()));
            s.enable_steady_tick(std::time::Duration::from_millis(120));
            s
        } else {
            indicatif::ProgressBar::hidden()
        };
        let done = app.collect_numbers(session, &collect).map_err(|e| at_line(e, &lines));
        spinner.finish_and_clear();
        if done.is_err() {
            errln!(
                "本人 {}件は登録済みです。個人番号は1件も取り込まれていません（誤りを直して番号だけを再度取り込めます） / {} subjects were registered; no number was imported (fix the error and collect the numbers again)",
                report.subjects,
                report.subjects
            );
        }
        done?;
    }
    Ok(report)
}

fn subject_kind(a: &AddArgs) -> Result<SubjectKind> {
    Ok(match a.kind.as_str() {
        "employee" => SubjectKind::Employee,
        "dependent" => SubjectKind::Dependent {
            of: a.of.ok_or_else(|| {
                anyhow::anyhow!(
                    "--of: 扶養親族には従業員を指定してください / a dependant needs --of EMPLOYEE"
                )
            })?,
            category3_spouse: a.category3_spouse,
        },
        "payee" => SubjectKind::Payee(payee_kind(a.payee_kind.as_deref().unwrap_or_default())?),
        "job_seeker" => bail!(
            "--kind job_seeker: 求職者は「hogo seeker register」で登録してください（利用目的の明示・入力内容の確認・収集元の記録のため。P1・P2） / register job seekers with `hogo seeker register` (purposes stated, entry confirmed, collection source recorded; P1, P2)"
        ),
        other => {
            bail!("--kind: 「{other}」は本人の種類ではありません / {other} is not a subject kind")
        }
    })
}

/// Runs a `subject` subcommand.
pub(crate) fn run(g: &Global, c: SubjectCommand) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    match c {
        SubjectCommand::Add(a) => {
            let id = ctx.app.add_subject(
                &session,
                NewSubject {
                    kind: subject_kind(&a)?,
                    reference: a.reference,
                    same_person_as: a.same_person_as,
                    profile: Profile {
                        name: a.name,
                        furigana: a.furigana,
                        birth_date: a.birth_date,
                        address: a.address,
                    },
                },
            )?;
            if ctx.json {
                out::json(&json!({"subject": id}))?;
            } else {
                outln!("{}: {id}", lang.pick("登録しました", "registered"));
            }
        }
        SubjectCommand::Import(a) => {
            let bytes = Zeroizing::new(std::fs::read(&a.file)?);
            let text = decode(&bytes, &a.encoding)?;
            let (rows, errors) = parse_csv(&text, lang)?;
            drop(text);
            if !errors.is_empty() && !a.skip_invalid {
                if ctx.json {
                    out::json(&json!({"imported": false, "errors": errors}))?;
                } else {
                    for e in &errors {
                        errln!(
                            "{}: {}",
                            lang.pick(&format!("{}行目", e.line), &format!("line {}", e.line)),
                            e.reason
                        );
                    }
                    errln!("{}", lang.pick(
                        &format!("{}件のエラーがあるため、何も取り込みませんでした（--skip-invalid で正しい行だけ取り込めます）", errors.len()),
                        &format!("{} invalid rows: nothing was imported (--skip-invalid imports the valid rows)", errors.len()),
                    ));
                }
                return Ok(false);
            }
            let me = ctx.app.whoami(&session)?;
            let mut report =
                import_rows(&ctx.app, &session, me.staff, rows, &a.verify, a.purpose_notified)?;
            report.skipped = errors.len();
            report.errors = errors;
            if ctx.json {
                out::json(&json!({
                    "imported": true,
                    "subjects": report.subjects,
                    "numbers": report.numbers,
                    "skipped": report.skipped,
                    "errors": report.errors,
                }))?;
            } else {
                for e in &report.errors {
                    errln!(
                        "{}: {}",
                        lang.pick(
                            &format!("{}行目（スキップ）", e.line),
                            &format!("line {} (skipped)", e.line)
                        ),
                        e.reason
                    );
                }
                outln!(
                    "{}",
                    lang.pick(
                        &format!(
                            "取り込みました: 本人 {}件、個人番号 {}件、スキップ {}件",
                            report.subjects, report.numbers, report.skipped
                        ),
                        &format!(
                            "imported: {} subjects, {} numbers, {} skipped",
                            report.subjects, report.numbers, report.skipped
                        ),
                    )
                );
                errln!(
                    "{}",
                    lang.pick(
                        "個人番号を含むCSVファイルは、取り込み後に削除してください。",
                        "Delete the CSV file now: it holds My Numbers.",
                    )
                );
            }
        }
        SubjectCommand::List => {
            let list = ctx.app.subjects(&session)?;
            if ctx.json {
                let rows: Vec<_> = list.iter().map(|r| json!({
                    "id": r.subject.id,
                    "kind": r.subject.kind.id(),
                    "reference": r.reference,
                    "relationship_continues": r.relationship_continues(),
                    "events": r.events.iter().map(|e| json!({"kind": e.kind.id(), "on": e.on})).collect::<Vec<_>>(),
                })).collect();
                out::json(&rows)?;
            } else {
                let mut t = out::table(&[
                    lang.pick("本人ID", "subject"),
                    lang.pick("種類", "kind"),
                    lang.pick("参照番号", "reference"),
                    lang.pick("事由", "events"),
                ]);
                for r in &list {
                    let events: Vec<String> =
                        r.events.iter().map(|e| format!("{} {}", e.kind.id(), e.on)).collect();
                    t.add_row([
                        r.subject.id.to_string(),
                        lang.pick(r.subject.kind.label_ja(), r.subject.kind.id()).to_owned(),
                        r.reference.clone(),
                        events.join(", "),
                    ]);
                }
                outln!("{t}");
            }
        }
        SubjectCommand::Show { id } => {
            let (record, profile, has_number) = ctx.app.subject(&session, id)?;
            if ctx.json {
                out::json(&json!({
                    "id": record.subject.id,
                    "kind": record.subject.kind.id(),
                    "reference": record.reference,
                    "name": profile.name,
                    "furigana": profile.furigana,
                    "birth_date": profile.birth_date,
                    "address": profile.address,
                    "has_number": has_number,
                    "events": record.events.iter().map(|e| json!({"kind": e.kind.id(), "on": e.on})).collect::<Vec<_>>(),
                }))?;
            } else {
                outln!("{}: {}", lang.pick("本人ID", "subject"), record.subject.id);
                outln!(
                    "{}: {}",
                    lang.pick("種類", "kind"),
                    lang.pick(record.subject.kind.label_ja(), record.subject.kind.id())
                );
                outln!("{}: {}", lang.pick("参照番号", "reference"), record.reference);
                outln!("{}: {} ({})", lang.pick("氏名", "name"), profile.name, profile.furigana);
                outln!("{}: {}", lang.pick("住所", "address"), profile.address);
                outln!(
                    "{}: {}",
                    lang.pick("個人番号", "My Number"),
                    if has_number {
                        lang.pick("取得済み（表示しません）", "collected (not shown)")
                    } else {
                        lang.pick("未取得", "not collected")
                    }
                );
            }
        }
        SubjectCommand::Event { id, kind, on } => {
            ctx.app.record_event(&session, id, event_kind(&kind)?, on)?;
            outln!(
                "{}",
                lang.pick(&format!("記録しました: {kind} {on}"), &format!("recorded: {kind} {on}"))
            );
        }
    }
    Ok(true)
}
