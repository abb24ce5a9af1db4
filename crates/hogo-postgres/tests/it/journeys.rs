//! Journey 1 on PostgreSQL: the application layer's clerk's-year journey
//! ([`hogo::store_suite::journeys`], the same functions the in-memory test runs) over
//! `app_with(PostgresStore)`. "Stores nothing" is checked on the data database's rows.

use hogo::store_suite::journeys::{self, Part};
use hogo_postgres::PostgresStore;

/// A store on fresh databases and its observer (rows of the documents or vault tables),
/// or `None` after printing the skip line.
fn fresh() -> Option<(crate::Server, PostgresStore, impl Fn(&PostgresStore, Part) -> String)> {
    let server = crate::server_or_skip()?;
    let (data, keys) = server.database_pair();
    let store = PostgresStore::connect(&data, &keys).unwrap();
    let observe = move |_: &PostgresStore, part: Part| {
        let prefix = match part {
            Part::Documents => "documents:",
            Part::Vault => "vault_",
        };
        crate::dump(&data)
            .into_iter()
            .filter(|l| l.starts_with(prefix))
            .collect::<Vec<_>>()
            .join("\n")
    };
    Some((server, store, observe))
}

/// M7, M9: the same number on a second subject is refused; a wrong 本人確認 is refused
/// and stores nothing.
#[test]
fn collection_checks_uniqueness_and_verification() {
    let Some((_server, store, observe)) = fresh() else { return };
    journeys::collection_checks_uniqueness_and_verification(store, &observe);
}

/// M3 (Art. 6②), M8: output needs the manager's use approval where configured; the
/// recipient's copy never shows the number; the administrator is refused.
#[test]
fn output_needs_approval_and_recipient_copies_hide_numbers() {
    let Some((_server, store, _)) = fresh() else { return };
    journeys::output_needs_approval_and_recipient_copies_hide_numbers(store);
}

/// M11, M9: disposal years after retirement shreds keys and issues certificates; a legal
/// hold keeps its subject's number.
#[test]
fn disposal_after_retirement_with_certificate_and_hold() {
    let Some((_server, store, _)) = fresh() else { return };
    journeys::disposal_after_retirement_with_certificate_and_hold(store);
}

/// M7, invariant 4: a batch with one bad row stores nothing; the fixed batch stores all.
#[test]
fn batch_collection_is_all_or_nothing() {
    let Some((_server, store, observe)) = fresh() else { return };
    journeys::batch_collection_is_all_or_nothing(store, &observe);
}

/// M9, M11: on a database written before the dependants index a retirement still finds the
/// dependant; its number still falls due.
#[test]
fn dependants_follow_the_employee_in_an_older_database() {
    let Some((_server, store, _)) = fresh() else { return };
    journeys::dependants_follow_the_employee_in_an_older_database(store);
}

/// M6, M8, invariant 4: a registration batch with one bad row stores and logs nothing;
/// the fixed batch registers every row.
#[test]
fn batch_registration_is_all_or_nothing() {
    let Some((_server, store, observe)) = fresh() else { return };
    journeys::batch_registration_is_all_or_nothing(store, &observe);
}

/// M9, M11: 完結 starts the insurance documents' periods; dependants follow the employee.
#[test]
fn completion_and_dependants_follow_the_employee() {
    let Some((_server, store, _)) = fresh() else { return };
    journeys::completion_and_dependants_follow_the_employee(store);
}

/// M11, P11: with the approval switch on, disposal waits for the manager's approval.
#[test]
fn disposal_waits_for_the_managers_approval_when_required() {
    let Some((_server, store, _)) = fresh() else { return };
    journeys::disposal_waits_for_the_managers_approval_when_required(store);
}
