//! The role × operation matrix through the CLI (M3, M13, P5, P7, P10; issue 14 ⑤): for
//! every role a signed-in person can hold and every guarded command, `hogo` refuses
//! exactly the cells the domain policy (`hogo_domain::policy::decide`) forbids, names the
//! rule in the error, and logs each refusal as a ledger entry of that role and rule. The
//! domain's own matrix test pins the policy; this one pins that the CLI reaches it.

use std::collections::BTreeMap;

use base64::Engine;
use hogo_domain::policy::{Context, Operation, decide};
use hogo_domain::{Actor, Affair, AffairSet, OrganisationId, Role, StaffId, SubjectKind};
use hogo_ledger::entry::Outcome;

use crate::common::{Env, MANAGER_PASSWORD, fresh, init_with, json, stderr};

const ADMIN_PASSWORD: &str = "the administrator's password";

/// One signed-in person per role, each in their own terminal (session file).
const PEOPLE: &[(&str, Role)] = &[
    ("manager", Role::NumberManager),
    ("clerk", Role::NumberClerk),
    ("officer", Role::PrivacyOfficer),
    ("placement", Role::PlacementStaff),
    ("auditor", Role::Auditor),
    ("admin", Role::Administrator),
];

fn password(login: &str) -> String {
    match login {
        "manager" => MANAGER_PASSWORD.to_owned(),
        "admin" => ADMIN_PASSWORD.to_owned(),
        other => format!("{other}'s lasting password"),
    }
}

fn sign_in(env: &Env, login: &str) {
    env.hogo_in(login)
        .args(["login", "--login", login])
        .write_stdin(format!("{}\n", password(login)))
        .assert()
        .success();
}

/// Creates the organisation and one account per role; everyone ends signed in.
fn organisation() -> (Env, String) {
    let env = fresh();
    init_with(
        &env,
        "en",
        &["--json", "--admin-login", "admin"],
        &format!("{MANAGER_PASSWORD}\n{ADMIN_PASSWORD}\n"),
    )
    .success();
    sign_in(&env, "manager");
    env.hogo_in("manager")
        .args(["staff", "nominate", "--login", "clerk", "--role", "number_clerk"])
        .assert()
        .success();
    sign_in(&env, "admin");
    for (login, role) in PEOPLE.iter().filter(|(l, _)| !matches!(*l, "manager" | "admin")) {
        let first = format!("{login}'s first password");
        env.hogo_in("admin")
            .args(["staff", "add", "--login", login, "--name", "行列 試験", "--role", role.id()])
            .write_stdin(format!("{first}\n"))
            .assert()
            .success();
        env.hogo_in(login)
            .args(["login", "--login", login])
            .write_stdin(format!("{first}\n"))
            .assert()
            .code(1); // signed in only to change the first password (P10)
        env.hogo_in(login)
            .arg("password")
            .write_stdin(format!("{first}\n{}\n", password(login)))
            .assert()
            .success();
        sign_in(&env, login);
    }
    // One employee with a number, collected by the manager.
    let added = env
        .hogo_in("manager")
        .args(["--json", "subject", "add", "--kind", "employee", "--reference", "M-1"])
        .args(["--name", "行列 太郎", "--address", "東京都"])
        .assert()
        .success();
    let subject = json(&added)["subject"].as_str().unwrap().to_owned();
    env.hogo_in("manager")
        .args(["mynumber", "collect", "--subject", &subject, "--affair", "withholding_slip"])
        .args(["--number-check", "card", "--identity", "card", "--purpose-notified"])
        .write_stdin(format!("{}\n", hogo_domain::testkit::synthetic_number(77).expose()))
        .assert()
        .success();
    (env, subject)
}

/// A guarded command and what the policy decides for it: the first allowed decision
/// wins, else the last refusal (how a use case serving both rule books decides).
struct Cell {
    args: Vec<String>,
    decisions: Vec<(Operation, Option<SubjectKind>)>,
}

fn cells(subject: &str) -> Vec<Cell> {
    let c = |args: &[&str], operation: Operation, subject: Option<SubjectKind>| Cell {
        args: args.iter().map(|s| (*s).to_owned()).collect(),
        decisions: vec![(operation, subject)],
    };
    vec![
        c(
            &["subject", "add", "--kind", "employee", "--reference", "M-2", "--name", "行列 次郎"],
            Operation::ManageSubject,
            Some(SubjectKind::Employee),
        ),
        c(
            &["mynumber", "reveal", subject, "--affair", "withholding_slip"],
            Operation::UseNumber { affair: Some(Affair::WithholdingSlip), emergency: None },
            Some(SubjectKind::Employee),
        ),
        c(&["register"], Operation::ViewRegister, None),
        c(&["ledger", "export"], Operation::ViewLedger, None),
        Cell {
            args: vec!["request".into(), "list".into()],
            decisions: vec![
                (Operation::HandleRequest, Some(SubjectKind::Employee)),
                (Operation::HandleRequest, Some(SubjectKind::JobSeeker)),
            ],
        },
        c(&["retention", "approve"], Operation::ApproveNumberDisposal, None),
        c(&["dispose"], Operation::DisposeNumbers, None),
    ]
}

/// M3, M13, P5, P7, P10: every forbidden cell is refused with its rule and logged as a
/// refused entry of that role and rule; no allowed cell is refused.
#[test]
fn every_forbidden_cell_is_refused_with_its_rule_and_logged() {
    let (env, subject) = organisation();
    let org = OrganisationId::from_uuid(uuid_zero());
    let mut expected: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut refused_cells = 0;
    for (login, role) in PEOPLE {
        let actor = Actor::new(StaffId::from_uuid(uuid_zero()), org, *role);
        for cell in cells(&subject) {
            let mut verdict = Ok(());
            for (operation, subject) in &cell.decisions {
                let mut ctx = Context::new(&actor, AffairSet::all());
                ctx.subject = subject.as_ref();
                verdict = decide(&ctx, operation).map(|_| ());
                if verdict.is_ok() {
                    break;
                }
            }
            let out = env.hogo_in(login).args(["--lang", "en"]).args(&cell.args).assert();
            let err = stderr(&out);
            let what = format!("{} × {}", role.id(), cell.args.join(" "));
            match verdict {
                Err(refusal) => {
                    refused_cells += 1;
                    assert_eq!(out.get_output().status.code(), Some(1), "{what}: must fail");
                    assert!(
                        err.contains(&format!("refused ({})", refusal.rule)),
                        "{what}: the error must name {} — got {err}",
                        refusal.rule
                    );
                    *expected
                        .entry((role.id().to_owned(), refusal.rule.to_string()))
                        .or_default() += 1;
                }
                Ok(_) => assert!(!err.contains("refused ("), "{what}: allowed, but got {err}"),
            }
        }
    }
    assert!(refused_cells >= 15, "the matrix must exercise refusals ({refused_cells})");
    // The auditor's export holds one refused entry per refused cell, with role and rule.
    let export = env.hogo_in("auditor").args(["ledger", "export"]).assert().success();
    let mut logged: BTreeMap<(String, String), usize> = BTreeMap::new();
    for line in String::from_utf8(export.get_output().stdout.clone()).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["type"] != "entry" {
            continue;
        }
        let bytes =
            base64::engine::general_purpose::STANDARD.decode(v["bytes"].as_str().unwrap()).unwrap();
        let entry = hogo_ledger::encoding::decode(&bytes).unwrap();
        if let Outcome::Refused { rule, .. } = entry.outcome {
            let role = entry.actor.role.map_or("none", Role::id).to_owned();
            *logged.entry((role, rule.to_string())).or_default() += 1;
        }
    }
    assert_eq!(logged, expected, "refused entries in the ledger (role, rule) → count");
    env.hogo_in("auditor").args(["ledger", "verify"]).assert().success();
}

fn uuid_zero() -> uuid::Uuid {
    uuid::Uuid::nil()
}
