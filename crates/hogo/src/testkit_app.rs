//! A ready-made application for tests and demos (feature `testkit`): an in-memory store,
//! a movable fixed clock, seeded entropy, sequential ids, a local root key, cheap Argon2.

use std::sync::Arc;

use chrono::NaiveDate;
use hogo_auth::AuthConfig;
use hogo_domain::testkit::synthetic_number;
use hogo_domain::testkit::{FixedClock, SeededEntropy, SequentialIds};
use hogo_domain::verification::{IdentityCheck, NumberCheck};
use hogo_domain::{
    Affair, AffairSet, MyNumber, Purpose, StaffId, SubjectId, SubjectKind, Verification,
};
use hogo_vault::VaultConfig;
use secrecy::SecretString;

use crate::Error;
use crate::app::{Hogo, Session};
use crate::numbers::{CollectNumber, NewSubject, Profile};
use crate::organisation::{Areas, OrganisationInput, ResponsiblePeople};
use crate::setup::{InitInput, Initialised, NewAccount};
use crate::store::Store;
use crate::testkit::MemoryStore;

/// The password every test account gets.
pub const TEST_PASSWORD: &str = "correct horse battery staple";

/// An application over `store` with a fixed clock at 09:00 JST on `today`.
pub fn app_with<S: Store>(store: S, today: NaiveDate) -> (Hogo<S>, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::on_jst_date(today));
    let app = Hogo::new(
        store,
        clock.clone(),
        Arc::new(SeededEntropy::new(7)),
        Arc::new(SequentialIds::new()),
        Arc::new(hogo_vault::testkit::in_memory_key_provider(7)),
    )
    .with_auth_config(AuthConfig::insecure_for_tests());
    (app, clock)
}

/// An in-memory application.
pub fn app(today: NaiveDate) -> (Hogo<MemoryStore>, Arc<FixedClock>) {
    app_with(MemoryStore::new(), today)
}

/// An employer ready for bulk work, as the benchmarks start: the application over
/// `store` on 2025-04-01 ([`app_with`]), initialised as [`employer`]`(false, false)`, and
/// its manager signed in.
pub fn signed_in_employer<S: Store>(
    store: S,
) -> Result<(Hogo<S>, Arc<FixedClock>, Initialised, Session), Error> {
    signed_in_employer_with_vault(store, VaultConfig::default())
}

/// [`signed_in_employer`] with the organisation's vault set up by `vault` (e.g. a wider
/// blind index for a large tenant, as [`hogo_vault::DEFAULT_INDEX_BITS`] advises).
pub fn signed_in_employer_with_vault<S: Store>(
    store: S,
    vault: VaultConfig,
) -> Result<(Hogo<S>, Arc<FixedClock>, Initialised, Session), Error> {
    let (app, clock) = app_with(store, NaiveDate::from_ymd_opt(2025, 4, 1).unwrap_or_default());
    let app = app.with_vault_config(vault);
    let init = app.init(init_input(employer(false, false)))?;
    let pw = SecretString::from(TEST_PASSWORD);
    let session = app.sign_in(init.organisation, "manager", &pw, None, "bench")?;
    Ok((app, clock, init, session))
}

/// A typical employer's setup: every affair, areas, approval switches as given.
pub fn employer(use_approval: bool, disposal_approval: bool) -> OrganisationInput {
    OrganisationInput {
        name: "株式会社サンプル".into(),
        address: "東京都千代田区1-1-1".into(),
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
        affairs: AffairSet::all().with(Affair::WithholdingSlip),
        purposes: vec![Purpose::Interview],
        use_approval_required: use_approval,
        disposal_approval_required: disposal_approval,
        require_totp_for_number_roles: false,
        purpose_notice: "源泉徴収票作成事務、社会保険・雇用保険届出事務のために利用します".into(),
    }
}

/// A new account with [`TEST_PASSWORD`].
pub fn account(login: &str, name: &str) -> NewAccount {
    NewAccount {
        login: login.into(),
        display_name: name.into(),
        password: SecretString::from(TEST_PASSWORD),
    }
}

/// The standard init: manager `manager`, administrator `admin`.
pub fn init_input(org: OrganisationInput) -> InitInput {
    InitInput {
        organisation: org,
        manager: account("manager", "山田 花子"),
        administrator: Some(account("admin", "管理者")),
    }
}

/// An employee with a placeholder profile (bulk fixtures and benchmarks).
pub fn employee(reference: impl Into<String>) -> NewSubject {
    NewSubject {
        kind: SubjectKind::Employee,
        reference: reference.into(),
        same_person_as: None,
        profile: Profile {
            name: "試験 太郎".into(),
            furigana: "シケン タロウ".into(),
            birth_date: None,
            address: "-".into(),
        },
    }
}

/// Adds `n` employees `{prefix}-0…` in transactions of 1 000 ([`Hogo::add_subjects`]);
/// returns their ids in order.
pub fn add_employees<S: Store>(
    app: &Hogo<S>,
    session: &Session,
    prefix: &str,
    n: usize,
) -> Result<Vec<SubjectId>, Error> {
    let rows: Vec<NewSubject> = (0..n).map(|i| employee(format!("{prefix}-{i}"))).collect();
    let mut ids = Vec::with_capacity(n);
    for batch in rows.chunks(1000) {
        ids.extend(app.add_subjects(session, batch)?);
    }
    Ok(ids)
}

/// A collection for `affair`, checked in person with the Individual Number Card by
/// `verified_by` (M7), the purpose notified (Art. 13).
pub fn collect_by_card(
    subject: SubjectId,
    affair: Affair,
    verified_by: StaffId,
    number: MyNumber,
) -> CollectNumber {
    CollectNumber {
        subject,
        affair,
        verification: Verification::InPerson {
            verified_by,
            number: NumberCheck::IndividualNumberCard,
            identity: IdentityCheck::CoveredByCard,
        },
        purpose_notified: true,
        identity_copy_kept: false,
        number,
    }
}

/// `n` distinct synthetic numbers (seeds can collide; duplicates are skipped).
pub fn distinct_numbers(n: usize) -> Vec<MyNumber> {
    let mut seen = std::collections::HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    let mut seed = 0u64;
    while out.len() < n {
        let m = synthetic_number(seed);
        seed += 1;
        if seen.insert(*m.expose_bytes()) {
            out.push(m);
        }
    }
    out
}
