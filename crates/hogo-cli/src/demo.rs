//! `hogo demo`: journeys 1–3 on a fresh throwaway database, narrated in a few lines per
//! step. Synthetic employees and dependants with valid synthetic numbers come from a CSV
//! generated **in memory** (never written to disk). The demo's clock is simulated: the
//! simulated date is stored in the demo database and shown as 「シミュレーション日付」 by
//! every command on it; disposal runs only for the simulated today.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use chrono::NaiveDate;
use hogo::numbers::{CollectNumber, OutputKind};
use hogo::organisation::{Areas, OrganisationInput, ResponsiblePeople};
use hogo::setup::{InitInput, NewAccount};
use hogo::subjects::SubjectEventKind;
use hogo::{Hogo, Session, Store};
use hogo_auth::RoleGrant;
use hogo_domain::testkit::synthetic_number;
use hogo_domain::verification::{
    AgentEvidence, AuthorityDocument, IdentityCheck, IdentityDocument, NumberCheck,
};
use hogo_domain::{
    Affair, AffairSet, Clock as _, OrganisationId, RequestId, Role, StaffId, SubjectId,
    Verification,
};
use hogo_requests::{
    Agent, AgentKind, AnswerMethod, AuthorityEnclosure, Change, Command, CorrectionRequest,
    Decision, DisclosureDecision, DocumentChoice, Finding, Measure, PaymentMethod, PersonDetails,
    RequestForm, RequestKind, Requester, Sex, SuspensionDecision, SuspensionGround,
    SuspensionRequest,
};
use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::ctx::{Ctx, Global, store_simulated};
use crate::env::{CliClock, StoredSession};
use crate::i18n::Lang;
use crate::subjects::{import_rows, parse_csv};
use crate::verify::VerifyArgs;

/// The seeds of every synthetic number the demo uses (the test regenerates them).
pub(crate) const SEEDS: [u64; 6] = [9001, 9002, 9003, 9004, 9005, 9006];

/// The demo accounts' passwords (a throwaway database with synthetic data only).
pub(crate) const MANAGER_PASSWORD: &str = "demo-manager-pass";
pub(crate) const ADMIN_PASSWORD: &str = "demo-admin-pass-0";
const CLERK_FIRST_PASSWORD: &str = "demo-clerk-first-0";
/// The clerk's password after the first change.
pub(crate) const CLERK_PASSWORD: &str = "demo-clerk-pass-1";

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

pub(crate) struct Narrator {
    lang: Lang,
    step: usize,
}

impl Narrator {
    pub(crate) fn step(&mut self, clock: &CliClock, ja: &str, en: &str) {
        self.step += 1;
        outln!();
        outln!(
            "[{}] {} — {}",
            self.step,
            self.lang.pick("シミュレーション日付", "シミュレーション日付 / simulated date"),
            clock.today()
        );
        outln!("    {}", self.lang.pick(ja, en));
    }

    pub(crate) fn say(&self, ja: &str, en: &str) {
        outln!("    {}", self.lang.pick(ja, en));
    }
}

/// The in-memory CSV of the demo's employees and dependants.
fn demo_csv() -> Zeroizing<String> {
    let n = |i: usize| synthetic_number(SEEDS[i]).expose().to_owned();
    Zeroizing::new(format!(
        "kind,reference,name,furigana,birth_date,address,employee_ref,category3_spouse,my_number,number_check,identity,affairs\n\
         employee,E001,山田 太郎,ヤマダ タロウ,1985-04-01,東京都千代田区1-1-1,,,{},card,card,withholding_slip\n\
         employee,E002,佐藤 花子,サトウ ハナコ,1990-07-15,東京都港区2-2-2,,,{},resident_record,drivers_licence,withholding_slip\n\
         employee,E003,鈴木 一郎,スズキ イチロウ,1978-11-30,神奈川県横浜市3-3-3,,,{},card,card,withholding_slip\n\
         employee,E004,高橋 次郎,タカハシ ジロウ,1995-02-20,埼玉県さいたま市4-4-4,,,{},card,card,withholding_slip\n\
         dependent,E001-C1,山田 一子,ヤマダ イチコ,2015-05-05,東京都千代田区1-1-1,E001,,{},,,\n\
         dependent,E002-S,佐藤 健,サトウ ケン,1989-03-03,東京都港区2-2-2,E002,true,,,,\n",
        n(0),
        n(1),
        n(2),
        n(3),
        n(4)
    ))
}

fn employer() -> OrganisationInput {
    OrganisationInput {
        name: "株式会社デモ商事".into(),
        address: "東京都千代田区丸の内1-1-1".into(),
        corporate_number: Some("7123456789012".into()),
        responsible: ResponsiblePeople {
            number_manager: "山田 花子".into(),
            department: "総務部".into(),
            privacy_officer: Some("佐藤 一郎".into()),
            representative: "代表取締役 鈴木 次郎".into(),
        },
        areas: Areas {
            controlled: vec!["サーバ室".into()],
            handling: vec!["総務部 執務室".into()],
        },
        affairs: AffairSet::all(),
        purposes: hogo_domain::Purpose::ALL.to_vec(),
        use_approval_required: true,
        disposal_approval_required: true,
        require_totp_for_number_roles: false,
        purpose_notice: "源泉徴収票作成事務、社会保険・雇用保険届出事務のために利用します".into(),
    }
}

fn pw(s: &str) -> SecretString {
    SecretString::from(s)
}

pub(crate) fn sign_in<S: Store>(
    app: &Hogo<S>,
    org: OrganisationId,
    login: &str,
    password: &str,
) -> Result<Session> {
    Ok(app.sign_in(org, login, &pw(password), None, "hogo-demo")?)
}

/// Moves the simulated clock and stores it in the demo database.
pub(crate) fn travel<S: Store>(
    app: &Hogo<S>,
    clock: &CliClock,
    org: OrganisationId,
    to: NaiveDate,
) -> Result<()> {
    let sim = clock.simulate(to);
    store_simulated(app, org, sim)
}

/// What the demo leaves behind for the user.
pub(crate) struct DemoResult {
    /// The organisation.
    pub(crate) organisation: OrganisationId,
    /// The signed-in manager.
    pub(crate) manager: Session,
    /// The demo's 開示等の請求: the disclosure and the agent's correction.
    pub(crate) requests: [RequestId; 2],
}

fn ichiro() -> PersonDetails {
    PersonDetails {
        name: "鈴木 一郎".into(),
        furigana: "スズキ イチロウ".into(),
        sex: Sex::Male,
        date_of_birth: date(1978, 11, 30),
        postcode: "220-0001".into(),
        address: "神奈川県横浜市3-3-3".into(),
        phone: "045-000-0000".into(),
        daytime_phone: None,
    }
}

/// 本人 by post: 開示 of everything held, answer by e-mail, 運転免許証 copy (本籍 masked by
/// the person), 1,000 yen in stamps enclosed.
fn disclosure_form(form_date: NaiveDate) -> RequestForm {
    RequestForm {
        form_date,
        kinds: BTreeSet::from([RequestKind::Disclosure]),
        requester: Requester::Principal,
        principal: ichiro(),
        principal_identity_document: Some(DocumentChoice {
            document: IdentityDocument::DriversLicence,
            other_description: None,
        }),
        job_application: None,
        correction: None,
        suspension: None,
        answer_method: AnswerMethod::Email { address: "ichiro@example.jp".into() },
    }
}

/// A 任意代理人 with 委任状 (実印) + 印鑑証明書: correct a qualification date and stop
/// provision to a partner.
fn agent_form(form_date: NaiveDate) -> RequestForm {
    RequestForm {
        form_date,
        kinds: BTreeSet::from([RequestKind::Correction, RequestKind::StopOfProvision]),
        requester: Requester::Agent(Box::new(Agent {
            kind: AgentKind::AppointedAgent,
            person: PersonDetails {
                name: "鈴木 美香".into(),
                furigana: "スズキ ミカ".into(),
                sex: Sex::Female,
                date_of_birth: date(1980, 6, 10),
                postcode: "220-0001".into(),
                address: "神奈川県横浜市3-3-3".into(),
                phone: "045-000-0001".into(),
                daytime_phone: None,
            },
            identity_document: DocumentChoice {
                document: IdentityDocument::Passport,
                other_description: None,
            },
            authority: BTreeSet::from([
                AuthorityEnclosure::PowerOfAttorney { registered_seal: true },
                AuthorityEnclosure::SealCertificate,
            ]),
        })),
        principal: ichiro(),
        principal_identity_document: None,
        job_application: None,
        correction: Some(CorrectionRequest {
            content: "健康保険・厚生年金保険の資格取得日".into(),
            reason: "2010年4月1日と記録されているが、正しくは入社日の2010年4月5日".into(),
        }),
        suspension: Some(SuspensionRequest {
            reason: "退職したので、提携先の再就職支援会社への提供をやめてほしい".into(),
            claimed_ground: Some(SuspensionGround::NoLongerNeeded),
            provision_stop: None,
        }),
        answer_method: AnswerMethod::Email { address: "mika@example.jp".into() },
    }
}

fn print_letter_titles<S: Store>(
    app: &Hogo<S>,
    session: &Session,
    n: &Narrator,
    id: RequestId,
) -> Result<()> {
    let titles: Vec<String> =
        app.request_letters(session, id)?.into_iter().map(|l| format!("「{}」", l.title)).collect();
    n.say(
        &format!("送付した書面: {}", titles.join("・")),
        &format!("letters sent: {}", titles.join(", ")),
    );
    Ok(())
}

/// Journey 2's request part (P7, M15): a disclosure by the person, then a correction and a
/// stop of provision through an agent. Returns the two request ids.
fn requests_journey<S: Store>(
    app: &Hogo<S>,
    clock: &CliClock,
    org: OrganisationId,
    n: &mut Narrator,
    subject: SubjectId,
    clerk_id: StaffId,
) -> Result<[RequestId; 2]> {
    travel(app, clock, org, date(2025, 5, 8))?;
    let clerk = sign_in(app, org, "clerk", CLERK_PASSWORD)?;
    let me = app.whoami(&clerk)?;
    n.step(
        clock,
        "退職した E003 から開示請求書が簡易書留で届きました: 保有個人データ全部の開示、回答は電子メール、運転免許証の写し（本籍は本人がマスク済み）、手数料 1,000円分の郵便切手。",
        "E003 (retired) sends a request by registered post: disclosure of everything held, answer by e-mail, a 運転免許証 copy (本籍 masked by the person), 1,000 yen in stamps.",
    );
    let today = clock.today();
    let first =
        app.file_request(&clerk, disclosure_form(date(2025, 5, 6)), Some(subject), today)?;
    let r = app.request(&clerk, first)?.request;
    let fee = r.fee(RequestKind::Disclosure).map_or(0, |f| f.amount_yen);
    n.say(
        &format!(
            "受け付けました（回答期限 {}、残り{}日）。手数料: 開示 {fee}円。",
            r.due_on,
            r.days_left(today)
        ),
        &format!(
            "Filed (due {}, {} days left). Fee: {fee} yen for the disclosure.",
            r.due_on,
            r.days_left(today)
        ),
    );
    app.request_step(
        &clerk,
        first,
        &Command::VerifyIdentity {
            by: me.clone(),
            document: IdentityDocument::DriversLicence,
            unmasked: Vec::new(),
        },
    )?;
    app.request_step(
        &clerk,
        first,
        &Command::ReceiveFee {
            by: me.clone(),
            kind: RequestKind::Disclosure,
            amount_yen: fee,
            method: PaymentMethod::PostageStamps,
        },
    )?;
    let package = app.disclosure_package(&clerk, first, RequestKind::Disclosure)?;
    let items = package.items.len();
    drop(package);
    app.request_step(
        &clerk,
        first,
        &Command::Decide {
            by: me.clone(),
            kind: RequestKind::Disclosure,
            decision: Decision::Disclosure(DisclosureDecision::Full),
        },
    )?;
    app.request_step(&clerk, first, &Command::Respond { by: me, in_writing_because: None })?;
    n.say(
        &format!("本人確認（運転免許証）と手数料の受領を記録し、開示資料 {items}件（個人番号は記載しません）を作成、全部開示と決定して電子メールで回答しました。"),
        &format!("Identity (運転免許証) and fee recorded; a package of {items} items (no number in it) built; decided full disclosure and answered by e-mail."),
    );
    print_letter_titles(app, &clerk, n, first)?;

    travel(app, clock, org, date(2025, 5, 20))?;
    let manager = sign_in(app, org, "manager", MANAGER_PASSWORD)?;
    let clerk = sign_in(app, org, "clerk", CLERK_PASSWORD)?;
    let me = app.whoami(&clerk)?;
    let boss = app.whoami(&manager)?;
    n.step(
        clock,
        "続いて代理人（委任状・実印押印＋印鑑証明書）が、資格取得日の訂正と提携先への第三者提供の停止を請求しました。",
        "Then an agent (委任状 with the registered seal + 印鑑証明書) asks to correct a qualification date and to stop provision to a partner.",
    );
    let today = clock.today();
    let second = app.file_request(&clerk, agent_form(date(2025, 5, 18)), Some(subject), today)?;
    let r = app.request(&clerk, second)?.request;
    if r.fees.is_empty() {
        n.say(
            "手数料は求めません（訂正・第三者提供の停止は手数料の対象外、個人情報保護法38条）。",
            "No fee is asked for either (correction and stop of provision are not chargeable, APPI 38).",
        );
    }
    app.request_step(
        &clerk,
        second,
        &Command::VerifyIdentity {
            by: me.clone(),
            document: IdentityDocument::Passport,
            unmasked: Vec::new(),
        },
    )?;
    app.request_step(
        &clerk,
        second,
        &Command::VerifyAuthority {
            by: me.clone(),
            documents: BTreeSet::from([
                AuthorityEnclosure::PowerOfAttorney { registered_seal: true },
                AuthorityEnclosure::SealCertificate,
            ]),
        },
    )?;
    n.say(
        "代理人の本人確認（パスポート）と代理権（委任状・印鑑証明書）を確認しました。",
        "Agent identity (passport) and authority (委任状 + 印鑑証明書) verified.",
    );
    app.request_step(
        &manager,
        second,
        &Command::AssignCorrection {
            by: boss.clone(),
            kind: RequestKind::Correction,
            clerk: clerk_id,
        },
    )?;
    app.request_step(
        &clerk,
        second,
        &Command::ReportInvestigation {
            by: me.clone(),
            kind: RequestKind::Correction,
            finding: Finding::Untrue {
                changes: vec![Change {
                    item: "健康保険・厚生年金保険の資格取得日".into(),
                    before: "2010-04-01".into(),
                    after: "2010-04-05".into(),
                }],
            },
        },
    )?;
    let r = app.request_step(
        &manager,
        second,
        &Command::ConfirmCorrection { by: boss, kind: RequestKind::Correction },
    )?;
    let keep = r.correction_records.first().map(|c| c.keep_until.to_string()).unwrap_or_default();
    n.say(
        &format!("責任者が担当者（clerk）を指定し、担当者が調査して資格取得日を訂正、責任者が確認しました。訂正記録は {keep} まで保存します（1年）。"),
        &format!("The manager named the clerk; the clerk investigated and corrected the date; the manager confirmed. The correction record is kept until {keep} (1 year)."),
    );
    app.request_step(
        &clerk,
        second,
        &Command::Decide {
            by: me.clone(),
            kind: RequestKind::StopOfProvision,
            decision: Decision::Suspension(SuspensionDecision::Granted {
                ground: SuspensionGround::NoLongerNeeded,
                measure: Measure::AsRequested,
            }),
        },
    )?;
    app.request_step(&clerk, second, &Command::Respond { by: me, in_writing_because: None })?;
    n.say(
        "第三者提供の停止は直ちに実施し（個人情報保護法35条5項）、代理人へ電子メールで回答しました。",
        "The stop of provision took effect at once (APPI 35(5)); the agent was answered by e-mail.",
    );
    print_letter_titles(app, &clerk, n, second)?;
    Ok([first, second])
}

/// Runs journeys 1–3 on `app` (any store).
pub(crate) fn run_on<S: Store>(app: &Hogo<S>, clock: &CliClock, lang: Lang) -> Result<DemoResult> {
    let mut n = Narrator { lang, step: 0 };
    clock.simulate(date(2025, 4, 1));

    n.step(clock, "事業者を設定し、事務取扱責任者（manager）とシステム管理者（admin）を作成します。", "Set up the employer with its number manager (manager) and a separate administrator (admin).");
    let init = app.init(InitInput {
        organisation: employer(),
        manager: NewAccount {
            login: "manager".into(),
            display_name: "山田 花子".into(),
            password: pw(MANAGER_PASSWORD),
        },
        administrator: Some(NewAccount {
            login: "admin".into(),
            display_name: "システム管理者".into(),
            password: pw(ADMIN_PASSWORD),
        }),
    })?;
    let org = init.organisation;
    travel(app, clock, org, date(2025, 4, 1))?;
    let manager = sign_in(app, org, "manager", MANAGER_PASSWORD)?;
    let admin = sign_in(app, org, "admin", ADMIN_PASSWORD)?;
    n.say(&format!("組織ID {org}"), &format!("organisation {org}"));

    n.step(clock, "責任者が事務取扱担当者（clerk）を指名し、管理者がアカウントを作ります（職務分離、規程5条）。", "The manager names a clerk; the administrator creates the account (separation of duties, Art. 5).");
    app.nominate_staff(&manager, "clerk", Role::NumberClerk)?;
    let clerk_id = app.create_staff(
        &admin,
        &NewAccount {
            login: "clerk".into(),
            display_name: "田中 三郎".into(),
            password: pw(CLERK_FIRST_PASSWORD),
        },
        RoleGrant::role(Role::NumberClerk),
    )?;
    let first = sign_in(app, org, "clerk", CLERK_FIRST_PASSWORD)?;
    app.change_password(&first, &pw(CLERK_FIRST_PASSWORD), &pw(CLERK_PASSWORD))?;
    let clerk = sign_in(app, org, "clerk", CLERK_PASSWORD)?;
    n.say(
        "担当者は初回ログインでパスワードを変更しました。",
        "The clerk changed the first password at first sign-in.",
    );

    n.step(clock, "従業員4名と扶養親族2名をCSV（メモリ上で生成、ディスクには書きません）から取り込み、本人確認のうえ番号を取得します。", "Import 4 employees and 2 dependants from a CSV generated in memory (never on disk), collecting numbers with 本人確認.");
    let csv = demo_csv();
    let (rows, errors) = parse_csv(&csv, lang)?;
    drop(csv);
    if !errors.is_empty() {
        bail!("demo CSV: {} invalid rows", errors.len());
    }
    let report = import_rows(app, &clerk, clerk_id, rows, &VerifyArgs::default(), true)?;
    n.say(
        &format!("本人 {}件、個人番号 {}件を取得（個人番号カード／住民票＋運転免許証／扶養親族は従業員が確認）。", report.subjects, report.numbers),
        &format!("{} subjects, {} numbers (個人番号カード; 住民票 + 運転免許証; dependants verified by the employee).", report.subjects, report.numbers),
    );
    let id = |r: &str| report.ids.get(r).copied().context("demo subject missing");
    let spouse = id("E002-S")?;
    app.collect_number(
        &clerk,
        CollectNumber {
            subject: spouse,
            affair: Affair::NationalPensionCategory3,
            verification: Verification::ThroughAgent {
                verified_by: clerk_id,
                evidence: AgentEvidence {
                    authority: AuthorityDocument::PowerOfAttorney {
                        registered_seal: false,
                        seal_certificate: false,
                    },
                    agent_identity: IdentityCheck::PhotoId {
                        document: IdentityDocument::DriversLicence,
                    },
                    principal_number: NumberCheck::ResidentRecordCopy,
                },
            },
            purpose_notified: true,
            identity_copy_kept: false,
            number: synthetic_number(SEEDS[5]),
        },
    )?;
    n.say("国民年金第3号被保険者の配偶者は、従業員が代理人として委任状を持参し、事業主が本人確認しました。", "The category-3 spouse: the employee came as agent with a 委任状; the employer verified (番号法16条).");

    n.step(clock, "責任者が利用申請を承認し、担当者が法定調書のために番号を一括出力します（件数のみ表示）。", "The manager approves the use; the clerk outputs numbers for 法定調書 in bulk (only the count is shown).");
    app.approve_use(
        &manager,
        Affair::WithholdingSlip,
        "令和7年分 源泉徴収票（税務署提出用）",
        date(2026, 1, 31),
    )?;
    let for_slip: Vec<SubjectId> =
        ["E001", "E002", "E003", "E004", "E001-C1"].iter().map(|r| id(r)).collect::<Result<_>>()?;
    let out = app.reveal_numbers(&clerk, &for_slip, Affair::WithholdingSlip, OutputKind::Filing)?;
    n.say(
        &format!("{}件を出力し、1件ごとに「利用・出力」を台帳に記録しました。", out.len()),
        &format!("{} numbers output; one 利用・出力 entry each in the ledger.", out.len()),
    );
    drop(out);
    let refused =
        app.reveal_numbers(&admin, &for_slip[..1], Affair::WithholdingSlip, OutputKind::Filing);
    if refused.is_ok() {
        bail!("demo: the administrator reached a number");
    }
    n.say(
        "システム管理者による出力は拒否され、その拒否も記録されました（M3）。",
        "The administrator's attempt was refused, and the refusal logged (M3).",
    );

    travel(app, clock, org, date(2025, 5, 1))?;
    let clerk = sign_in(app, org, "clerk", CLERK_PASSWORD)?;
    n.step(
        clock,
        "E003 と E004 が 2025-04-30 に退職しました。退職を記録すると保存期間が始まります。",
        "E003 and E004 retired on 2025-04-30; recording it starts their retention periods.",
    );
    for r in ["E003", "E004"] {
        app.record_event(&clerk, id(r)?, SubjectEventKind::Retired, date(2025, 4, 30))?;
    }

    let requests = requests_journey(app, clock, org, &mut n, id("E003")?, clerk_id)?;
    crate::demo_placement::journey(app, clock, org, &mut n)?;
    crate::demo_incident::journey4(
        app,
        clock,
        org,
        &mut n,
        &[id("E001")?, id("E002")?],
        MANAGER_PASSWORD,
    )?;

    travel(app, clock, org, date(2035, 2, 1))?;
    let manager = sign_in(app, org, "manager", MANAGER_PASSWORD)?;
    let clerk = sign_in(app, org, "clerk", CLERK_PASSWORD)?;
    n.step(clock, "約10年後（デモ用の模擬時計を進めました。廃棄は常に「今日」の分だけ実行します）。", "About ten years later (the demo's simulated clock moved; disposal only ever runs for today).");
    let plan = app.plan(&manager, clock.today())?;
    n.say(
        &format!(
            "廃棄可能な文書 {}件、削除期限の個人番号 {}件。",
            plan.due().count(),
            plan.numbers_due().count()
        ),
        &format!(
            "{} documents and {} numbers are due today.",
            plan.due().count(),
            plan.numbers_due().count()
        ),
    );
    let approved = app.approve_disposal(&manager)?;
    n.say(
        &format!("責任者が廃棄 {approved}件を承認しました。"),
        &format!("The manager approved {approved} items."),
    );
    let report = app.run_disposal(&clerk, false)?;
    n.say(
        &format!(
            "文書 {}件を廃棄し、個人番号 {}件を暗号鍵の破棄で削除、削除証明書 {}通を発行しました。",
            report.holdings.len(),
            report.numbers.len(),
            report.certificates.len()
        ),
        &format!(
            "{} documents disposed, {} numbers crypto-shredded, {} deletion certificates issued.",
            report.holdings.len(),
            report.numbers.len(),
            report.certificates.len()
        ),
    );
    let certs = app.certificates(&manager)?;
    if let Some(cert) = certs.iter().find(|c| report.numbers.contains(&c.subject)).or(certs.first())
    {
        crate::retention::print_certificate(lang, cert);
    }
    n.step(
        clock,
        "特定個人情報等管理台帳（M6）を出力し、取扱記録の改ざんがないことを検証します。",
        "Print the 管理台帳 (M6) and verify the ledger is intact.",
    );
    let register = app.register(&manager)?;
    outln!("{}", register.to_table()?);
    let check = app.verify_ledger(org)?;
    if !check.ok {
        bail!("demo: ledger verification failed: {}", check.error.unwrap_or_default());
    }
    n.say(
        &format!(
            "取扱記録 {}件、チェックポイント {}件を検証しました。改ざんはありません。",
            check.entries, check.checkpoints
        ),
        &format!(
            "{} entries and {} checkpoints verified: intact.",
            check.entries, check.checkpoints
        ),
    );
    Ok(DemoResult { organisation: org, manager, requests })
}

/// `hogo demo [--db PATH]`.
pub(crate) fn run(g: &Global) -> Result<()> {
    let db: PathBuf = match &g.db {
        Some(p) => {
            if p.exists() {
                bail!(
                    "--db: {} は既にあります。デモは新しいデータベースで実行します / {} exists: the demo needs a fresh database",
                    p.display(),
                    p.display()
                );
            }
            if let Some(parent) = p.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            p.clone()
        }
        None => tempfile::Builder::new().prefix("hogo-demo-").tempdir()?.keep().join("demo.sqlite"),
    };
    let g = Global { db: Some(db.clone()), ..g.clone() };
    let ctx = Ctx::open(&g, true)?;
    let lang = ctx.lang;
    outln!("{}", lang.pick(
        "hogo デモ: 架空の会社で、番号の取得から出力、退職、保存期間経過後の廃棄までを再生します（すべて合成データ）。",
        "hogo demo: a fictional employer, from collecting numbers to output, retirement and disposal years later (synthetic data only).",
    ));
    outln!("{}: {}", lang.pick("データベース", "database"), db.display());
    let done = run_on(&ctx.app, &ctx.clock, lang)?;
    StoredSession {
        organisation: done.organisation,
        login: "manager".into(),
        token: done.manager.token().expose().to_owned(),
    }
    .save(&ctx.paths)?;
    let db_arg = db.display();
    outln!();
    outln!("{}", lang.pick("完了しました。事務取扱責任者（manager）としてログインしたままです。次を試してください:", "Done. You are signed in as the number manager (manager). Try next:"));
    for cmd in [
        format!("hogo --db {db_arg} whoami"),
        format!("hogo --db {db_arg} subject list"),
        format!("hogo --db {db_arg} retention plan --on 2036-01-01"),
        format!("hogo --db {db_arg} certificate"),
        format!("hogo --db {db_arg} staff list"),
        format!("hogo --db {db_arg} register"),
        format!("hogo --db {db_arg} ledger verify"),
        format!("hogo --db {db_arg} request list"),
        format!("hogo --db {db_arg} request show {}", done.requests[1]),
        format!("hogo --db {db_arg} request letter {}", done.requests[0]),
        "hogo retention due-date --kind dependent_deduction_declaration --event filing_due=2024-01-31".to_owned(),
    ] {
        outln!("  {cmd}");
    }
    outln!("{}", lang.pick(
        &format!("デモのパスワード: manager = {MANAGER_PASSWORD}, clerk = {CLERK_PASSWORD}（合成データ専用）"),
        &format!("demo passwords: manager = {MANAGER_PASSWORD}, clerk = {CLERK_PASSWORD} (synthetic data only)"),
    ));
    outln!("{}: {}", lang.pick("ルート鍵", "root key"), ctx.paths.key_file.display());
    Ok(())
}
