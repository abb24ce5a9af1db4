//! `hogo retention hold place|release` and `hogo retention approve` (M11).

use hogo_domain::testkit::synthetic_number;
use predicates::prelude::*;

use crate::common::{Env, fresh, init, json, login, login_as, run};

/// Far enough ahead that every period of a retirement in 2000 has ended, whatever today is.
const LOOK_AHEAD: &str = "2099-01-01";

/// The plan on [`LOOK_AHEAD`]: (statuses of the subject's documents, its number's status).
fn plan_for(env: &Env, subject: &str) -> (Vec<serde_json::Value>, serde_json::Value) {
    let plan = json(&run(env, ["--json", "retention", "plan", "--on", LOOK_AHEAD]).success());
    let holdings: Vec<serde_json::Value> = plan["holdings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["subject"] == subject)
        .map(|h| h["status"].clone())
        .collect();
    let number = plan["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["subject"] == subject)
        .map(|n| n["status"].clone())
        .unwrap();
    (holdings, number)
}

/// M11 (番号法20条, 番号GL第4-3-(3)B): a hold keeps the documents it covers past their
/// period, but keeps the My Number only with a legal basis for it; released, both fall due
/// again. An empty reason or basis is refused; an unknown hold cannot be released.
#[test]
fn a_hold_with_a_legal_basis_keeps_the_number_until_released() {
    let env = fresh();
    init(&env, "ja");
    login(&env);
    let added = run(
        &env,
        [
            "--json",
            "subject",
            "add",
            "--kind",
            "employee",
            "--reference",
            "E1",
            "--name",
            "保留 一郎",
        ],
    )
    .success();
    let subject = json(&added)["subject"].as_str().unwrap().to_owned();
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["mynumber", "collect", "--subject", &subject, "--affair", "withholding_slip"])
        .args(["--number-check", "card", "--purpose-notified"])
        .write_stdin(format!("{}\n", synthetic_number(4711).expose()))
        .assert()
        .success();
    run(&env, ["subject", "event", &subject, "--kind", "retired", "--on", "2000-01-01"]).success();
    let (docs, number) = plan_for(&env, &subject);
    assert!(!docs.is_empty());
    assert!(docs.iter().all(|s| s["status"] == "due"), "{docs:?}");
    assert_eq!(number["status"], "due");

    // A hold without a legal basis for numbers: the documents stay, the number does not.
    let placed = run(
        &env,
        ["--lang", "en", "retention", "hold", "place", "--name", "労働審判", "--reason", "係争中"],
    )
    .success();
    let out = String::from_utf8(placed.get_output().stdout.clone()).unwrap();
    let plain = out.strip_prefix("hold placed: ").unwrap().trim().to_owned();
    let (docs, number) = plan_for(&env, &subject);
    assert!(docs.iter().all(|s| s["status"] == "held" && s["number_kept"] == false), "{docs:?}");
    assert_eq!(number["status"], "due");

    // With a legal basis (and scoped to the subject) the number is kept too.
    let with_basis = json(
        &run(
            &env,
            [
                "--json",
                "retention",
                "hold",
                "place",
                "--name",
                "税務調査",
                "--reason",
                "調査対象期間の書類を保存",
                "--subject",
                &subject,
                "--my-number-basis",
                "国税通則法74条の2",
            ],
        )
        .success(),
    );
    let basis = with_basis["hold"].as_str().unwrap().to_owned();
    let (docs, number) = plan_for(&env, &subject);
    assert!(docs.iter().all(|s| s["status"] == "held" && s["number_kept"] == true), "{docs:?}");
    assert_eq!(number["status"], "held");
    assert_eq!(number["holds"], serde_json::json!([basis]));

    run(&env, ["--lang", "ja", "retention", "hold", "release", &basis])
        .success()
        .stdout("解除しました\n");
    let (_, number) = plan_for(&env, &subject);
    assert_eq!(number["status"], "due");
    run(&env, ["--lang", "en", "retention", "hold", "release", &plain])
        .success()
        .stdout("hold released\n");
    let (docs, _) = plan_for(&env, &subject);
    assert!(docs.iter().all(|s| s["status"] == "due"), "{docs:?}");

    // Refusals name the field and the rule.
    run(&env, ["--lang", "ja", "retention", "hold", "place", "--name", "x", "--reason", " "])
        .code(1)
        .stderr(predicate::str::contains("reason").and(predicate::str::contains("M11")));
    run(
        &env,
        [
            "--lang",
            "en",
            "retention",
            "hold",
            "place",
            "--name",
            "x",
            "--reason",
            "y",
            "--my-number-basis",
            " ",
        ],
    )
    .code(1)
    .stderr(predicate::str::contains("legal_basis"));
    run(
        &env,
        [
            "--lang",
            "en",
            "retention",
            "hold",
            "place",
            "--name",
            "x",
            "--reason",
            "y",
            "--kind",
            "nope",
        ],
    )
    .code(1)
    .stderr(predicate::str::contains("--kind: nope is not a document kind"));
    run(&env, ["--lang", "en", "retention", "hold", "release", &subject])
        .code(1)
        .stderr(predicate::str::contains("not found"));
    run(&env, ["retention", "hold", "release", "not-a-hold-id"]).code(2);
    run(&env, ["retention", "hold", "place", "--name", "x"]).code(2);
}

/// M11 (規程29条; doc 000 §11): only the 事務取扱責任者 approves today's disposal batch —
/// the clerk is refused — the approval counts what is due today, and the deletion
/// certificate names the approving manager. Runs on the demo database (simulated today
/// 2035-02-01) where an employee retired in 2025 has a number due.
#[test]
fn only_the_manager_approves_todays_disposal_and_the_certificate_names_them() {
    let env = Env::new();
    env.hogo().args(["--lang", "en", "demo", "--db"]).arg(env.db()).assert().success();
    let subjects = json(&run(&env, ["--json", "subject", "list"]).success());
    let e002 =
        subjects.as_array().unwrap().iter().find(|s| s["reference"] == "E002").unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
    let staff = json(&run(&env, ["--json", "staff", "list"]).success());
    let manager = staff.as_array().unwrap().iter().find(|s| s["role"] == "number_manager").unwrap()
        ["account"]
        .as_str()
        .unwrap()
        .to_owned();
    // Nothing is due before E002 retires.
    assert_eq!(json(&run(&env, ["--json", "retention", "approve"]).success())["approved"], 0);
    run(
        &env,
        ["--lang", "en", "subject", "event", &e002, "--kind", "retired", "--on", "2025-04-30"],
    )
    .success();
    // The demo organisation requires approval of every disposal batch (doc 000 §11):
    // before approval nothing is disposed of, and the due items wait.
    let dry = json(&run(&env, ["--json", "dispose", "--dry-run"]).success());
    assert_eq!(dry["numbers"], serde_json::json!([]));
    assert!(dry["awaiting_approval"].as_u64().unwrap() >= 1, "{dry}");

    login_as(&env, "clerk", "demo-clerk-pass-1").success();
    run(&env, ["--lang", "ja", "retention", "approve"]).code(1).stderr(
        predicate::str::contains("拒否されました (M11)")
            .and(predicate::str::contains("廃棄の承認を行えません")),
    );
    run(&env, ["--lang", "en", "retention", "approve"]).code(1).stderr(predicate::str::contains(
        "refused (M11): the role number_clerk may not approve a disposal",
    ));

    login_as(&env, "manager", "demo-manager-pass").success();
    run(&env, ["--lang", "ja", "retention", "approve"]).success().stdout(
        predicate::str::starts_with("本日の廃棄 ")
            .and(predicate::str::contains("件を承認しました")),
    );
    run(&env, ["--lang", "en", "retention", "approve"])
        .success()
        .stdout(predicate::str::starts_with("approved today's disposal of "));
    let approved = json(&run(&env, ["--json", "retention", "approve"]).success())["approved"]
        .as_u64()
        .unwrap();
    assert!(approved >= 1);
    let done = json(&run(&env, ["--json", "dispose"]).success());
    assert_eq!(done["numbers"], serde_json::json!([e002]));
    let cert = done["certificates"][0].as_str().unwrap().to_owned();
    let c = json(&run(&env, ["--json", "certificate", &cert]).success());
    assert_eq!(c[0]["subject"], e002.as_str());
    assert_eq!(c[0]["approved_by"], manager.as_str());
    assert!(c[0]["items"].as_array().unwrap().iter().any(|i| i["what"] == "my_number"), "{c}");
}
