//! Issue 12 through the `hogo` binary: contractors (M14), `carry-out` writing an age file
//! (M12, P9), incidents (M4) and `status` (bilingual, `--json`).

use secrecy::SecretString;

use crate::common::{Env, fresh, init, json, login, run, stderr, stdout};

/// `days` before today in Japan (the CLI's real clock), as YYYY-MM-DD: the tests never
/// depend on the date they run on.
#[allow(clippy::disallowed_methods, reason = "the binary under test runs on the real clock")]
pub(crate) fn recent_day(days: i64) -> String {
    let jst = chrono::Utc::now() + chrono::Duration::hours(9);
    (jst.date_naive() - chrono::Duration::days(days)).to_string()
}

fn add_subject(env: &Env) -> String {
    let a = run(
        env,
        [
            "--json",
            "subject",
            "add",
            "--kind",
            "employee",
            "--reference",
            "E1",
            "--name",
            "鈴木 一郎",
            "--address",
            "神奈川県",
        ],
    )
    .success();
    json(&a)["subject"].as_str().unwrap().to_owned()
}

fn carry_out(
    env: &Env,
    contractor: &str,
    subject: &str,
    out: &std::path::Path,
) -> assert_cmd::assert::Assert {
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .env("HOGO_EXPORT_PASSPHRASE", "a passphrase for the file")
        .args([
            "--json",
            "carry-out",
            "--reason",
            "contractor",
            "--affair",
            "withholding_slip",
            "--contractor",
            contractor,
            "--subject",
            subject,
            "--columns",
            "reference,name",
            "--traceable",
            "--out",
        ])
        .arg(out)
        .assert()
}

/// M14, M12, P9, M5 ③: carrying out to a contractor with a clause missing is refused (exit
/// 1, rule named, no file); once every item is recorded the age file is written and opens
/// with the passphrase; `carry-out list` shows the movement with its hash and no personal
/// data; the movement id goes into an incident whose classification explains the
/// 高度な暗号化 exemption.
#[test]
fn carry_out_needs_a_ready_contractor_and_writes_an_age_file() {
    let env = fresh();
    init(&env, "en");
    login(&env);
    let s = add_subject(&env);
    let a = run(
        &env,
        [
            "--json",
            "contractor",
            "register",
            "--name",
            "給与計算センター",
            "--corporate-number",
            "7123456789012",
            "--affair",
            "withholding_slip",
        ],
    )
    .success();
    let c = json(&a)["contractor"].as_str().unwrap().to_owned();
    run(&env, ["contractor", "record", &c, "--item", "check:facilities"]).success();
    let out = env.dir.path().join("export.age");
    let r = carry_out(&env, &c, &s, &out).failure();
    assert!(stderr(&r).contains("M14"), "{}", stderr(&r));
    assert!(!out.exists());
    run(&env, ["contractor", "record", &c, "--all"]).success();
    let r = carry_out(&env, &c, &s, &out).success();
    let j = json(&r);
    let bytes = std::fs::read(&out).unwrap();
    let plain =
        hogo_export::open_with_passphrase(&bytes, &SecretString::from("a passphrase for the file"))
            .unwrap();
    assert!(String::from_utf8(plain.to_vec()).unwrap().contains("鈴木 一郎"));
    let movement = j["movement"].as_str().unwrap().to_owned();
    // M5 ③: the record of what left lists it — reason, destination, people, protections and
    // the sealed file's hash — and never a name or a number.
    let list = json(&run(&env, ["--json", "carry-out", "list"]).success());
    let m = &list.as_array().unwrap()[0];
    assert_eq!(m["kind"]["reason"]["reason"], "to_contractor", "{m}");
    assert_eq!(m["subjects"].as_array().unwrap().len(), 1);
    let hash = m["export"]["sha256"].as_str().unwrap().to_owned();
    let table = stdout(&run(&env, ["--lang", "ja", "carry-out", "list"]).success());
    assert!(table.contains("carry_out to_contractor withholding_slip"), "{table}");
    assert!(table.contains(&hash[..16]), "{table}");
    assert!(!table.contains("鈴木"), "no personal data in the list: {table}");
    let r = run(
        &env,
        [
            "--lang",
            "ja",
            "incident",
            "record",
            "--known-on",
            &recent_day(2),
            "--kind",
            "loss",
            "--count",
            "1",
            "--improper-purpose",
            "--summary",
            "ノートPCの盗難",
            "--lost-export",
            &movement,
        ],
    );
    // The CLI clock is the real one: the day of knowledge is two days before today.
    let text = stdout(&r.success());
    assert!(text.contains("高度な暗号化"), "{text}");
    assert!(text.contains("不要"), "{text}");
}

/// M14: 再委託 without permission is refused by the CLI, naming the rule.
#[test]
fn subcontract_without_permit_refused() {
    let env = fresh();
    init(&env, "en");
    login(&env);
    let a = run(
        &env,
        ["--json", "contractor", "register", "--name", "一次", "--affair", "withholding_slip"],
    )
    .success();
    let c = json(&a)["contractor"].as_str().unwrap().to_owned();
    let r = run(
        &env,
        [
            "contractor",
            "register",
            "--name",
            "二次",
            "--affair",
            "withholding_slip",
            "--parent",
            &c,
        ],
    )
    .failure();
    assert!(stderr(&r).contains("M14") && stderr(&r).contains("depth 2"), "{}", stderr(&r));
    run(
        &env,
        [
            "contractor",
            "register",
            "--name",
            "二次",
            "--affair",
            "withholding_slip",
            "--parent",
            &c,
            "--permit",
        ],
    )
    .success();
}

/// M16, P6: `hogo status` lists the never-done review and the manager's training and
/// undertaking, in Japanese and as JSON.
#[test]
fn status_lists_overdue_items_bilingual_and_json() {
    let env = fresh();
    init(&env, "en");
    login(&env);
    let ja = stdout(&run(&env, ["--lang", "ja", "status"]).success());
    assert!(ja.contains("期限超過") && ja.contains("点検"), "{ja}");
    let en = stdout(&run(&env, ["--lang", "en", "status"]).success());
    assert!(en.contains("OVERDUE") && en.contains("self-inspection"), "{en}");
    let j = json(&run(&env, ["--json", "status"]).success());
    let items = j["items"].as_array().unwrap();
    assert!(items.iter().any(|i| i["kind"] == "review"));
    assert!(items.iter().any(|i| i["kind"] == "training" && i["overdue"] == true));
}

fn record_incident(env: &Env, extra: &[&str]) -> serde_json::Value {
    let day = recent_day(3);
    let a = env
        .hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--json", "incident", "record", "--known-on", &day, "--kind", "leak"])
        .args(["--count", "1", "--summary", "申告書の誤送付"])
        .args(extra)
        .assert()
        .success();
    json(&a)
}

fn cases(v: &serde_json::Value) -> Vec<(String, u64)> {
    v["classification"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["regime"].as_str().unwrap().to_owned(), f["case"].as_u64().unwrap()))
        .collect()
}

/// M4: the `incident record` flags reach the classifier — 要配慮 with its example (APPI
/// case 1), viewable by unspecified people (My Number case 3), the 委託先 that notified its
/// 委託元 (exempt), and high-level encryption (exempt); without them the same one-person
/// leak is not reportable.
#[test]
fn incident_record_flags_change_the_classification() {
    let env = fresh();
    init(&env, "en");
    login(&env);
    let plain = record_incident(&env, &["--my-number"]);
    assert_eq!(plain["classification"]["reportable"], false);
    let s = record_incident(
        &env,
        &["--sensitive", "--sensitive-example", "扶養控除等申告書の障害者欄"],
    );
    assert_eq!(s["classification"]["reportable"], true);
    assert_eq!(cases(&s), vec![("appi".to_owned(), 1)]);
    assert_eq!(s["record"]["incident"]["sensitive_examples"], "扶養控除等申告書の障害者欄");
    let v = record_incident(&env, &["--my-number", "--viewable-by-unspecified"]);
    assert_eq!(cases(&v), vec![("my_number".to_owned(), 3)]);
    let notified = recent_day(1);
    let c = record_incident(
        &env,
        &["--my-number", "--viewable-by-unspecified", "--principal-notified-on", &notified],
    );
    assert_eq!(c["classification"]["reportable"], false);
    assert!(
        c["classification"]["exemptions"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("contractor_notified_principal"))
    );
    let pending =
        record_incident(&env, &["--my-number", "--viewable-by-unspecified", "--as-contractor"]);
    assert_eq!(pending["classification"]["reportable"], true);
    let e = record_incident(&env, &["--my-number", "--viewable-by-unspecified", "--encrypted"]);
    assert_eq!(e["classification"]["reportable"], false);
    let a = record_incident(&env, &["--improper-purpose", "--during-acquisition"]);
    assert_eq!(cases(&a), vec![("appi".to_owned(), 3)]);
    // A 委託元 notice dated before the day of knowledge is refused, naming the field.
    let r = run(
        &env,
        [
            "incident",
            "record",
            "--known-on",
            &recent_day(3),
            "--kind",
            "leak",
            "--count",
            "1",
            "--summary",
            "x",
            "--principal-notified-on",
            &recent_day(5),
        ],
    )
    .failure();
    assert!(
        stderr(&r).contains("notified_principal_on") && stderr(&r).contains("M4"),
        "{}",
        stderr(&r)
    );
}

/// M4, M5: `incident correct` re-classifies (the file turns out to be encrypted) and
/// needs a reason; `incident filing` records the 速報 and 確報 and they show in the list.
#[test]
fn incident_correct_and_filing() {
    let env = fresh();
    init(&env, "en");
    login(&env);
    let v = record_incident(&env, &["--my-number", "--viewable-by-unspecified"]);
    let id = v["record"]["incident"]["id"].as_str().unwrap().to_owned();
    let r = run(&env, ["incident", "correct", &id, "--encryption", "high_level"]).failure();
    assert!(stderr(&r).contains("--reason"), "{}", stderr(&r));
    let c = json(
        &run(
            &env,
            [
                "--json",
                "incident",
                "correct",
                &id,
                "--encryption",
                "high_level",
                "--reason",
                "暗号化済みと判明",
            ],
        )
        .success(),
    );
    assert_eq!(c["classification"]["reportable"], false);
    assert_eq!(c["record"]["corrections"][0]["fields"][0], "encryption");
    let r =
        run(&env, ["incident", "correct", &id, "--encryption", "high_level", "--reason", "同じ"])
            .failure();
    assert!(stderr(&r).contains("M4"), "{}", stderr(&r));
    run(
        &env,
        [
            "incident",
            "correct",
            &id,
            "--encryption",
            "high_level_keys_leaked",
            "--reason",
            "鍵も流出",
        ],
    )
    .success();
    let today = recent_day(0);
    let yesterday = recent_day(1);
    run(
        &env,
        [
            "incident",
            "filing",
            &id,
            "--regime",
            "my_number",
            "--stage",
            "preliminary",
            "--on",
            &yesterday,
        ],
    )
    .success();
    let r = run(
        &env,
        [
            "--lang",
            "en",
            "incident",
            "filing",
            &id,
            "--regime",
            "my_number",
            "--stage",
            "final",
            "--on",
            &yesterday,
        ],
    )
    .success();
    let text = stdout(&r);
    assert!(text.contains("filed") && text.contains("final"), "{text}");
    let r = run(
        &env,
        ["incident", "filing", &id, "--regime", "ppc", "--stage", "final", "--on", &today],
    )
    .failure();
    assert!(stderr(&r).contains("--regime"), "{}", stderr(&r));
    let list = json(&run(&env, ["--json", "incident", "list"]).success());
    assert_eq!(list[0]["record"]["incident"]["filings"].as_array().unwrap().len(), 2);
    assert_eq!(list[0]["record"]["corrections"].as_array().unwrap().len(), 2);
}

/// A ready contractor (every check and clause) for withholding_slip; returns its id.
fn ready_contractor(env: &Env, name: &str) -> String {
    let a = run(
        env,
        ["--json", "contractor", "register", "--name", name, "--affair", "withholding_slip"],
    )
    .success();
    let c = json(&a)["contractor"].as_str().unwrap().to_owned();
    run(env, ["contractor", "record", &c, "--all"]).success();
    c
}

/// M14: `staff add --role contractor` needs `--contractor ID` (and refuses it for other
/// roles); the account works within the contract, and once `contractor end` is recorded
/// its commands are refused, naming M14.
#[test]
fn contractor_staff_are_linked_to_their_contractor_and_stop_at_contract_end() {
    let env = fresh();
    crate::common::init_with(
        &env,
        "en",
        &["--admin-login", "admin"],
        &format!("{}\nthe administrator's password\n", crate::common::MANAGER_PASSWORD),
    )
    .success();
    login(&env);
    let c = ready_contractor(&env, "給与計算センター");
    run(&env, ["staff", "nominate", "--login", "payroll1", "--role", "contractor"]).success();
    let admin = |args: &[&str], stdin: &str| {
        env.hogo_in("admin-desk").args(args).write_stdin(stdin.to_owned()).assert()
    };
    admin(&["login", "--login", "admin"], "the administrator's password\n").success();
    let add = ["--lang", "en", "staff", "add", "--login", "payroll1", "--name", "委託 一郎"];
    let r = admin(
        &[&add[..], &["--role", "contractor", "--affairs", "withholding_slip"]].concat(),
        "payroll first password\n",
    )
    .failure();
    assert!(stderr(&r).contains("--contractor") && stderr(&r).contains("M14"), "{}", stderr(&r));
    let r = admin(
        &[&add[..], &["--role", "auditor", "--contractor", &c]].concat(),
        "payroll first password\n",
    )
    .failure();
    assert!(stderr(&r).contains("--contractor"), "{}", stderr(&r));
    // Outside the contract: refused (M14).
    let r = admin(
        &[
            &add[..],
            &["--role", "contractor", "--affairs", "employment_insurance", "--contractor", &c],
        ]
        .concat(),
        "payroll first password\n",
    )
    .failure();
    assert!(stderr(&r).contains("M14"), "{}", stderr(&r));
    admin(
        &[&add[..], &["--role", "contractor", "--affairs", "withholding_slip", "--contractor", &c]]
            .concat(),
        "payroll first password\n",
    )
    .success();
    let list = json(&run(&env, ["--json", "contractor", "list"]).success());
    assert_eq!(list[0]["accounts"].as_array().unwrap().len(), 1);
    let payroll = |args: &[&str], stdin: &str| {
        env.hogo_in("payroll-desk").args(args).write_stdin(stdin.to_owned()).assert()
    };
    payroll(&["login", "--login", "payroll1"], "payroll first password\n").failure();
    payroll(&["password"], "payroll first password\npayroll new password 2025\n").success();
    payroll(&["login", "--login", "payroll1"], "payroll new password 2025\n").success();
    payroll(&["whoami"], "").success();
    run(&env, ["contractor", "end", &c, "--on", &recent_day(0)]).success();
    let r = payroll(&["--lang", "en", "whoami"], "").failure();
    assert!(stderr(&r).contains("M14") && stderr(&r).contains("ended"), "{}", stderr(&r));
}

/// M12, P6, M16: `areas set|show` (an empty area refused, naming the field and M12) and
/// `governance policy` (a handler interval beyond 12 months refused, P6), as JSON.
#[test]
fn areas_and_governance_policy_commands() {
    let env = fresh();
    init(&env, "en");
    login(&env);
    let a = json(
        &run(
            &env,
            [
                "--json",
                "areas",
                "set",
                "--controlled",
                "サーバ室",
                "--controlled",
                "金庫",
                "--handling",
                "人事部",
            ],
        )
        .success(),
    );
    assert_eq!(a["controlled"], serde_json::json!(["サーバ室", "金庫"]));
    let r =
        run(&env, ["--lang", "en", "areas", "set", "--controlled", " ", "--handling", "人事部"])
            .failure();
    assert!(
        stderr(&r).contains("areas.controlled") && stderr(&r).contains("M12"),
        "{}",
        stderr(&r)
    );
    let ja = stdout(&run(&env, ["--lang", "ja", "areas", "show"]).success());
    assert!(ja.contains("管理区域: サーバ室, 金庫"), "{ja}");
    let p = json(&run(&env, ["--json", "governance", "policy"]).success());
    assert_eq!(p["training"]["handler_interval_months"], 12);
    let p = json(
        &run(
            &env,
            ["--json", "governance", "policy", "--training-months", "6", "--due-soon-days", "30"],
        )
        .success(),
    );
    assert_eq!(p["training"]["handler_interval_months"], 6);
    assert_eq!(p["due_soon_days"], 30);
    let r =
        run(&env, ["--lang", "en", "governance", "policy", "--training-months", "13"]).failure();
    assert!(stderr(&r).contains("P6"), "{}", stderr(&r));
    let p = json(&run(&env, ["--json", "governance", "policy"]).success());
    assert_eq!(p["training"]["handler_interval_months"], 6);
}

/// P6, M16, P8, M11, M14 (M5 ⑤): training (record, undertaking, due, sessions),
/// complaints (record, answer, list), review (record, list), paper disposal (record,
/// list), the September hearing and the contractor's deletion proof through the CLI.
#[test]
fn training_complaint_review_disposal_hearing_and_proof_commands() {
    let env = fresh();
    init(&env, "en");
    login(&env);
    let me = json(&run(&env, ["--json", "whoami"]).success())["staff"].as_str().unwrap().to_owned();
    let day = recent_day(1);
    // Training: never trained → due and overdue; after the session and undertaking, not.
    let due = json(&run(&env, ["--json", "training", "due"]).success());
    assert!(
        due.as_array().unwrap().iter().any(|d| d["staff"] == me.as_str() && d["overdue"] == true)
    );
    run(&env, ["training", "record", "--on", &day, "--title", "年次研修", "--attendee", &me])
        .success();
    run(&env, ["training", "undertaking", &me, "--on", &day]).success();
    let due = json(&run(&env, ["--json", "training", "due"]).success());
    assert!(
        !due.as_array().unwrap().iter().any(|d| d["staff"] == me.as_str() && d["overdue"] == true),
        "{due}"
    );
    let sessions = json(&run(&env, ["--json", "training", "sessions"]).success());
    assert_eq!(sessions[0]["title"], "年次研修");
    // A training day in the future is refused (P6).
    let r =
        run(&env, ["training", "record", "--on", "2999-01-01", "--title", "x", "--attendee", &me])
            .failure();
    assert!(stderr(&r).contains("P6") || stderr(&r).contains("M16"), "{}", stderr(&r));
    // Complaints.
    let c = json(
        &run(
            &env,
            [
                "--json",
                "complaint",
                "record",
                "--on",
                &day,
                "--summary",
                "対応が遅い",
                "--handler",
                &me,
            ],
        )
        .success(),
    );
    let cid = c["complaint"].as_str().unwrap().to_owned();
    run(&env, ["complaint", "answer", &cid, "--on", &day, "--answer", "経緯を説明しました"])
        .success();
    let list = json(&run(&env, ["--json", "complaint", "list"]).success());
    assert_eq!(list[0]["summary"], "対応が遅い");
    let ja = stdout(&run(&env, ["--lang", "ja", "complaint", "list"]).success());
    assert!(ja.contains("回答済"), "{ja}");
    // Review.
    run(&env, ["review", "--on", &day, "--all-ok", "--item", "firewall=ng:設定を見直す"]).success();
    let reviews = json(&run(&env, ["--json", "review", "list"]).success());
    assert_eq!(reviews.as_array().unwrap().len(), 1);
    assert!(reviews[0]["results"]["firewall"].is_object(), "{reviews}");
    let en = stdout(&run(&env, ["--lang", "en", "review", "list"]).success());
    assert!(en.contains("not satisfied: firewall"), "{en}");
    // Paper disposal by a contractor with its certificate; a number in the text is refused.
    let c = ready_contractor(&env, "溶解処理センター");
    run(
        &env,
        [
            "dispose-media",
            "--on",
            &day,
            "--description",
            "2018年分 扶養控除等申告書 80枚",
            "--method",
            "dissolving",
            "--contractor",
            &c,
            "--certificate",
            "溶解証明書 第25-101号",
        ],
    )
    .success();
    let list = json(&run(&env, ["--json", "dispose-media", "list"]).success());
    assert_eq!(list[0]["method"], "dissolving");
    assert_eq!(list[0]["certificate"], "溶解証明書 第25-101号");
    let en = stdout(&run(&env, ["--lang", "en", "dispose-media", "list"]).success());
    assert!(en.contains("溶解証明書"), "{en}");
    // The September hearing and, after the contract ends, the deletion proof (M5 ⑤).
    run(&env, ["contractor", "hearing", &c, "--on", &day, "--notes", "管理状況を確認"]).success();
    // The contract ends no earlier than its registration (today, M14).
    let today = recent_day(0);
    run(&env, ["contractor", "end", &c, "--on", &day]).code(1);
    run(&env, ["contractor", "end", &c, "--on", &today]).success();
    run(&env, ["contractor", "proof", &c, "--on", &today, "--description", "削除証明書を受領"])
        .success();
    let list = json(&run(&env, ["--json", "contractor", "list"]).success());
    let me_c =
        list.as_array().unwrap().iter().find(|v| v["contractor"]["id"] == c.as_str()).unwrap();
    assert!(me_c["contractor"]["end"]["proof"].is_object(), "{me_c}");
    assert_eq!(me_c["contractor"]["hearings"].as_array().unwrap().len(), 1);
}
