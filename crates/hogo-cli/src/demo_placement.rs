//! `hogo demo`'s job-seeker part (journey 2 flavour, doc 000): a placement clerk registers
//! a job seeker, records consent for employer A, provides to A as a sealed file, is refused
//! for employer B, ends the registration; the 個人情報取扱責任者 confirms the disposal — the
//! profile is crypto-shredded and the 求職管理簿 row stays. Output: counts, rule ids and a
//! file hash only — never a name, an address or a number.

use anyhow::{Result, bail};
use hogo::numbers::Profile;
use hogo::placement::{CollectionSource, EntryCheck, NewSeeker, ProvideSeeker, SeekerDetails};
use hogo::setup::NewAccount;
use hogo::{Hogo, Store};
use hogo_auth::RoleGrant;
use hogo_domain::placement::{ProvisionRecordForm, SeekerItem};
use hogo_domain::policy::ThirdPartyBasis;
use hogo_domain::{Clock as _, ConsentMethod, ConsentScope, OrganisationId, Purpose, Role};
use secrecy::SecretString;

use crate::demo::{ADMIN_PASSWORD, Narrator, date, sign_in, travel};
use crate::env::CliClock;

const PLACEMENT_FIRST: &str = "demo-placement-first-0";
const PLACEMENT_PASSWORD: &str = "demo-placement-pass-1";
const OFFICER_FIRST: &str = "demo-officer-first-0";
const OFFICER_PASSWORD: &str = "demo-officer-pass-1";

fn items() -> Vec<SeekerItem> {
    vec![SeekerItem::Name, SeekerItem::WorkHistory, SeekerItem::Qualifications]
}

/// Runs the job-seeker part on `app`, from 2025-06-02 to 2025-09-01.
pub(crate) fn journey<S: Store>(
    app: &Hogo<S>,
    clock: &CliClock,
    org: OrganisationId,
    n: &mut Narrator,
) -> Result<()> {
    travel(app, clock, org, date(2025, 6, 2))?;
    let admin = sign_in(app, org, "admin", ADMIN_PASSWORD)?;
    n.step(
        clock,
        "職業紹介: 管理者が職業紹介部門の職員（placement）と個人情報取扱責任者（officer）のアカウントを作ります（P5）。",
        "Job placement: the administrator creates a placement clerk (placement) and the privacy officer (officer) (P5).",
    );
    for (login, name, role, first, new) in [
        ("placement", "紹介 担当", Role::PlacementStaff, PLACEMENT_FIRST, PLACEMENT_PASSWORD),
        ("officer", "佐藤 一郎", Role::PrivacyOfficer, OFFICER_FIRST, OFFICER_PASSWORD),
    ] {
        app.create_staff(
            &admin,
            &NewAccount {
                login: login.into(),
                display_name: name.into(),
                password: SecretString::from(first),
            },
            RoleGrant::role(role),
        )?;
        let s = sign_in(app, org, login, first)?;
        app.change_password(&s, &SecretString::from(first), &SecretString::from(new))?;
    }
    let staff = sign_in(app, org, "placement", PLACEMENT_PASSWORD)?;
    let seeker = app.register_seeker(
        &staff,
        NewSeeker {
            reference: "J-2025-001".into(),
            received_on: clock.today(),
            place: "本社 職業紹介窓口".into(),
            valid_until: date(2025, 8, 31),
            desired_occupations: vec!["経理事務".into()],
            profile: Profile {
                name: "求職 花子".into(),
                furigana: "キュウショク ハナコ".into(),
                birth_date: Some(date(1992, 9, 1)),
                address: "東京都新宿区5-5-5".into(),
            },
            details: SeekerDetails {
                contact: "demo@example.invalid".into(),
                work_history: "経理事務 6年".into(),
                qualifications: vec!["日商簿記2級".into()],
                education: "専門学校卒".into(),
            },
            stated_purposes: Purpose::ALL.iter().map(|p| p.id().to_owned()).collect(),
            source: CollectionSource::Person,
            check: EntryCheck::ShowBack { confirmed: true },
        },
    )?;
    n.say(
        "求職者 J-2025-001 を登録しました（利用目的⑴〜⑻を明示、入力内容は本人に読み上げて確認、氏名等は暗号化保管）。",
        "Registered job seeker J-2025-001 (purposes (1)–(8) stated, the entry shown back and confirmed, personal data sealed).",
    );
    n.step(
        clock,
        "本人が求人企業A（株式会社エー）への応募に同意し（氏名・職歴・資格）、その項目だけを暗号化ファイルで提供します（P3, P9）。",
        "The person consents to applying to employer A (name, work history, qualifications); those items go to A as a sealed file (P3, P9).",
    );
    app.record_consent(
        &staff,
        seeker,
        ConsentScope::ProvisionOfItems {
            recipient: "株式会社エー".into(),
            purpose: Purpose::ProvisionToEmployer,
            items: items(),
        },
        ConsentMethod::Written,
        clock.now(),
    )?;
    let sealer = hogo_export::AgeSealer::with_passphrase(SecretString::from(
        "demo file passphrase, sent separately",
    ))?
    .with_work_factor(10);
    let receipt = app.provide_seeker_data(
        &staff,
        ProvideSeeker {
            subject: seeker,
            basis: ThirdPartyBasis::RecruitingEmployer { recipient: "株式会社エー".into() },
            items: items(),
            form: ProvisionRecordForm::ContractDocument,
        },
        Some(&sealer),
    )?;
    let hash = receipt.file.as_ref().map(|f| f.sha256[..16].to_owned()).unwrap_or_default();
    n.say(
        &format!("第三者提供記録（APPI 29条、1年保存）を作成。ファイルは age で暗号化（sha256 {hash}…）。"),
        &format!("Provision record made (APPI 29条, kept 1 year). The file is sealed with age (sha256 {hash}…)."),
    );
    match app.provide_seeker_data(
        &staff,
        ProvideSeeker {
            subject: seeker,
            basis: ThirdPartyBasis::RecruitingEmployer { recipient: "株式会社ビー".into() },
            items: items(),
            form: ProvisionRecordForm::ContractDocument,
        },
        None,
    ) {
        Err(hogo::Error::Refused(r)) => n.say(
            &format!(
                "同意のない求人企業B（株式会社ビー）への提供は拒否され、記録されました（{}）。",
                r.rule
            ),
            &format!(
                "Provision to employer B, without consent, was refused and logged ({}).",
                r.rule
            ),
        ),
        _ => bail!("demo: provision to employer B was not refused"),
    }

    travel(app, clock, org, date(2025, 9, 1))?;
    let staff = sign_in(app, org, "placement", PLACEMENT_PASSWORD)?;
    let officer = sign_in(app, org, "officer", OFFICER_PASSWORD)?;
    n.step(
        clock,
        "求職申込の有効期間が 2025-08-31 に終了。登録終了を記録し、個人情報取扱責任者が廃棄を確認します（P11）。",
        "The application's validity ended on 2025-08-31: the registration ends and the privacy officer confirms the disposal (P11).",
    );
    app.end_registration(&staff, seeker, date(2025, 8, 31))?;
    if app.confirm_placement_disposal(&staff, false).is_ok() {
        bail!("demo: a placement clerk confirmed a disposal");
    }
    let report = app.confirm_placement_disposal(&officer, false)?;
    let gone = app.use_seeker_data(&staff, seeker, Purpose::Interview).is_err();
    let rows = app.placement_register(&staff)?.len();
    n.say(
        &format!(
            "求職者情報 {}件を暗号鍵の破棄で削除（削除証明書 {}通、参照不可: {}）。求職管理簿 {}行は完結後2年間保存します。",
            report.disposed.len(),
            report.certificates.len(),
            if gone { "はい" } else { "いいえ" },
            rows
        ),
        &format!(
            "{} job-seeker profile(s) crypto-shredded ({} certificate(s), unreadable: {}). {} 求職管理簿 row(s) kept until 2 years after 完結.",
            report.disposed.len(),
            report.certificates.len(),
            gone,
            rows
        ),
    );
    if !gone || rows != 1 {
        bail!("demo: the profile survived its disposal or the register row was lost");
    }
    Ok(())
}
