//! `hogo request …` (開示等の請求, P7, M15): the README's forms walked end to end, fees
//! never asked for corrections, numbers refused without echo, days left, a closed pipe.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::Stdio;

use assert_cmd::assert::Assert;
use chrono::NaiveDate;
use hogo_domain::testkit::synthetic_number;
use predicates::prelude::*;

use crate::common::{Env, fresh, init, json, login, run, stderr, stdout};

/// The ```json blocks of the README: [0] 本人 by post, [1] 代理人 (correction + stop).
fn readme_forms() -> Vec<String> {
    let readme = include_str!("../../README.md");
    readme.split("```json\n").skip(1).map(|b| b.split("```").next().unwrap().to_owned()).collect()
}

/// Today in Japan, as the binary's system clock sees it.
#[allow(clippy::disallowed_methods, reason = "the binary under test runs on the real clock")]
fn jst_today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive()
}

fn days_ago(n: u64) -> String {
    (jst_today() - chrono::Days::new(n)).to_string()
}

fn write(env: &Env, name: &str, text: &str) -> PathBuf {
    let p = env.dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
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

fn file(env: &Env, form: &std::path::Path, subject: &str, received: &str) -> Assert {
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--json", "request", "file", "--form"])
        .arg(form)
        .args(["--subject", subject, "--received", received])
        .assert()
}

/// P7, M15 (doc 000 請求方法; 個人情報保護法33条・37条・38条): the README's 本人 form goes
/// file → verify (本籍 masked by the clerk) → fee → decide → respond → letter, refusing a
/// decision before the fee, in Japanese and in English.
#[test]
fn a_disclosure_request_walks_from_form_to_letter_in_japanese_and_english() {
    let env = fresh();
    init(&env, "ja");
    login(&env);
    let subject = add_subject(&env);
    let form = write(&env, "principal.json", &readme_forms()[0]);
    for lang in ["ja", "en"] {
        let pick = |ja: &'static str, en: &'static str| if lang == "ja" { ja } else { en };
        let filed = file(&env, &form, &subject, &days_ago(2)).success();
        let j = json(&filed);
        let id = j["id"].as_str().unwrap().to_owned();
        assert!(matches!(j["days_left"].as_i64(), Some(11 | 12)), "{j}");
        assert_eq!(j["request"]["fees"][0]["amount_yen"], 1000);
        run(&env, ["--lang", lang, "request", "decide", &id, "--kind", "disclosure", "--full"])
            .code(1)
            .stderr(predicate::str::contains(pick("本人確認が済んでいません", "not verified")));
        run(
            &env,
            [
                "--lang",
                lang,
                "request",
                "verify",
                &id,
                "--document",
                "drivers_licence",
                "--masked",
                "domicile",
            ],
        )
        .success()
        .stdout(predicate::str::contains(pick(
            "本人確認を記録しました",
            "identity check recorded",
        )));
        run(&env, ["--lang", lang, "request", "decide", &id, "--kind", "disclosure", "--full"])
            .code(1)
            .stderr(predicate::str::contains(pick("手数料が未納", "the fee is unpaid")));
        run(
            &env,
            [
                "--lang",
                lang,
                "request",
                "fee",
                &id,
                "--kind",
                "disclosure",
                "--amount",
                "1000",
                "--method",
                "postage_stamps",
            ],
        )
        .success()
        .stdout(predicate::str::contains(pick("受領を記録しました", "fee of 1000 yen recorded")));
        run(&env, ["--lang", lang, "request", "package", &id])
            .success()
            .stdout(predicate::str::contains(pick("開示資料", "disclosure package")));
        run(&env, ["--lang", lang, "request", "decide", &id, "--kind", "disclosure", "--full"])
            .success()
            .stdout(predicate::str::contains(pick("全部開示", "full disclosure")));
        run(&env, ["--lang", lang, "request", "respond", &id])
            .success()
            .stdout(predicate::str::contains(pick("回答を送付しました", "answer sent")));
        run(&env, ["--lang", lang, "request", "letter", &id])
            .success()
            .stdout(predicate::str::contains("回答書").and(predicate::str::contains("全部を開示")));
        let shown = run(&env, ["--lang", lang, "request", "show", &id]).success();
        assert!(stdout(&shown).contains(pick("回答済み", "answered")));
        assert!(stdout(&shown).contains(pick("本籍 マスク", "本籍 masked")));
        let j = json(&run(&env, ["--json", "request", "show", &id]).success());
        assert_eq!(j["status"], "answered");
        assert_eq!(j["verified"], true);
        run(&env, ["--lang", lang, "request", "respond", &id])
            .code(1)
            .stderr(predicate::str::contains(pick("完了しています", "closed")));
    }
}

/// P7, M15 (個人情報保護法38条1項; doc 003 40条2項): a fee for correction cannot be
/// configured nor received, the agent's correction request shows no fee, and the
/// correction goes assign (manager) → report (named clerk) → confirm (a manager, not the
/// clerk) with its record kept 1 year; the stop of provision is granted without a fee.
#[test]
fn a_fee_is_never_asked_for_a_correction_and_corrections_go_assign_report_confirm() {
    let env = Env::new();
    env.hogo().args(["--lang", "en", "demo", "--db"]).arg(env.db()).assert().success();
    run(&env, ["--lang", "ja", "request", "config", "--fee", "correction=1000:postage_stamps"])
        .code(1)
        .stderr(predicate::str::contains("38条"));
    run(&env, ["--lang", "en", "request", "config", "--fee", "erasure=300:cash"])
        .code(1)
        .stderr(predicate::str::contains("a fee may be charged only for"));
    run(
        &env,
        [
            "request",
            "config",
            "--fee",
            "disclosure=1000:postage_stamps",
            "--fee",
            "purpose_notification=500:cash,bank_transfer",
            "--registered-seal",
        ],
    )
    .success();
    run(&env, ["--lang", "ja", "request", "published"])
        .success()
        .stdout(predicate::str::contains("手数料"));
    let subjects = json(&run(&env, ["--json", "subject", "list"]).success());
    let e001 =
        subjects.as_array().unwrap().iter().find(|s| s["reference"] == "E001").unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
    let staff = json(&run(&env, ["--json", "staff", "list"]).success());
    let clerk =
        staff.as_array().unwrap().iter().find(|s| s["role"] == "number_clerk").unwrap()["account"]
            .as_str()
            .unwrap()
            .to_owned();
    let form = write(&env, "agent.json", &readme_forms()[1]);
    // The demo database's simulated today.
    let j = json(&file(&env, &form, &e001, "2035-02-01").success());
    let id = j["id"].as_str().unwrap().to_owned();
    assert_eq!(j["request"]["fees"], serde_json::json!([]));
    run(&env, ["--lang", "en", "request", "show", &id])
        .success()
        .stdout(predicate::str::contains("fee: none"));
    for kind in ["correction", "stop_of_provision"] {
        run(
            &env,
            [
                "--lang",
                "en",
                "request",
                "fee",
                &id,
                "--kind",
                kind,
                "--amount",
                "1000",
                "--method",
                "postage_stamps",
            ],
        )
        .code(1)
        .stderr(predicate::str::contains("no fee is due"));
    }
    // Authority first without the seal certificate: refused by the organisation's rule.
    run(
        &env,
        ["--lang", "en", "request", "verify", &id, "--authority", "power_of_attorney:sealed"],
    )
    .code(1)
    .stderr(predicate::str::contains("seal certificate"));
    run(
        &env,
        [
            "--lang",
            "ja",
            "request",
            "verify",
            &id,
            "--document",
            "passport",
            "--authority",
            "power_of_attorney:sealed",
            "--authority",
            "seal_certificate",
        ],
    )
    .success()
    .stdout(predicate::str::contains("代理権の確認を記録しました"));
    run(&env, ["--lang", "en", "request", "decide", &id, "--kind", "correction", "--full"])
        .code(1)
        .stderr(predicate::str::contains("hogo request correct"));
    run(&env, ["--lang", "ja", "request", "correct", "assign", &id, "--clerk", &clerk])
        .success()
        .stdout(predicate::str::contains("担当者に"));
    // The manager is not the named clerk.
    run(
        &env,
        [
            "--lang",
            "en",
            "request",
            "correct",
            "report",
            &id,
            "--untrue",
            "資格取得日=2010-04-01=>2010-04-05",
        ],
    )
    .code(1)
    .stderr(predicate::str::contains("only the clerk named"));
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["login", "--login", "clerk"])
        .write_stdin("demo-clerk-pass-1\n")
        .assert()
        .success();
    run(
        &env,
        [
            "--lang",
            "en",
            "request",
            "correct",
            "report",
            &id,
            "--not-corrected",
            "no_evidence_supplied",
            "--facts",
            "資料の提出なし",
        ],
    )
    .code(1)
    .stderr(predicate::str::contains("lack of evidence alone"));
    run(
        &env,
        [
            "--lang",
            "en",
            "request",
            "correct",
            "report",
            &id,
            "--untrue",
            "資格取得日=2010-04-01=>2010-04-05",
        ],
    )
    .success();
    run(&env, ["--lang", "en", "request", "correct", "confirm", &id]).code(1);
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["login", "--login", "manager"])
        .write_stdin("demo-manager-pass\n")
        .assert()
        .success();
    run(&env, ["--lang", "en", "request", "correct", "confirm", &id])
        .success()
        .stdout(predicate::str::contains("kept until 2036-02-01"));
    run(
        &env,
        [
            "--lang",
            "en",
            "request",
            "decide",
            &id,
            "--kind",
            "stop_of_provision",
            "--grant",
            "--ground",
            "no_longer_needed",
        ],
    )
    .success();
    run(&env, ["--lang", "en", "request", "respond", &id]).success();
    let letters = json(&run(&env, ["--json", "request", "letter", &id]).success());
    let titles: Vec<&str> =
        letters.as_array().unwrap().iter().map(|l| l["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["回答書", "訂正等の結果通知書", "利用停止等の結果通知書"]);
    let j = json(&run(&env, ["--json", "request", "show", &id]).success());
    assert_eq!(j["request"]["fees"], serde_json::json!([]));
    assert_eq!(j["request"]["correction_records"][0]["keep_until"], "2036-02-01");
}

/// P7, M15 (番号法15条・20条): a My Number in any field of the form — a free text, or a
/// value of the wrong JSON type, from a file or stdin — is refused (exit 1), nothing is
/// filed, and the number is echoed neither on stdout nor on stderr.
#[test]
fn a_my_number_in_a_form_field_is_refused_without_echo() {
    let env = fresh();
    init(&env, "en");
    login(&env);
    let subject = add_subject(&env);
    let n = synthetic_number(4242);
    let principal = &readme_forms()[0];
    let in_text = principal.replace(
        "\"correction\": null",
        &format!(
            "\"correction\": {{\"content\": \"番号 {} の訂正\", \"reason\": \"誤り\"}}",
            n.expose()
        ),
    );
    let as_integer = principal.replace("\"220-0001\"", n.expose());
    assert_ne!(&in_text, principal);
    assert_ne!(&as_integer, principal);
    for lang in ["ja", "en"] {
        for (text, expect) in [(&in_text, "correction.content"), (&as_integer, "--form")] {
            let a = env
                .hogo()
                .arg("--db")
                .arg(env.db())
                .args(["--lang", lang, "request", "file", "--form", "-", "--subject", &subject])
                .args(["--received", &days_ago(0)])
                .write_stdin(text.clone())
                .assert()
                .code(1);
            let (out, err) = (stdout(&a), stderr(&a));
            assert!(err.contains(expect), "{err}");
            assert!(!out.contains(n.expose()) && !err.contains(n.expose()), "echoed: {err}");
            let path = write(&env, "leak.json", text);
            let a = file(&env, &path, &subject, &days_ago(0)).code(1);
            assert!(!stdout(&a).contains(n.expose()) && !stderr(&a).contains(n.expose()));
            std::fs::remove_file(path).unwrap();
        }
    }
    run(&env, ["--lang", "ja", "request", "file", "--form", "-", "--received", &days_ago(0)])
        .code(1);
    let list = json(&run(&env, ["--json", "request", "list"]).success());
    assert_eq!(list, serde_json::json!([]));
}

/// P7 (個人情報保護法39条; doc 000 "2週間"): `request list --json` gives days left and
/// overdue, with the overdue request first and the answer target of 14 days.
#[test]
fn request_list_json_shows_days_left_with_overdue_first() {
    let env = fresh();
    init(&env, "en");
    login(&env);
    let subject = add_subject(&env);
    let form = write(&env, "principal.json", &readme_forms()[0]);
    file(&env, &form, &subject, &days_ago(3)).success();
    file(&env, &form, &subject, &days_ago(20)).success();
    let list = json(&run(&env, ["--json", "request", "list"]).success());
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["overdue"], true);
    assert!(matches!(rows[0]["days_left"].as_i64(), Some(-6 | -7)), "{list}");
    assert_eq!(rows[1]["overdue"], false);
    assert!(matches!(rows[1]["days_left"].as_i64(), Some(10 | 11)), "{list}");
    assert_eq!(rows[1]["status"], "open");
    run(&env, ["--lang", "ja", "request", "list"])
        .success()
        .stdout(predicate::str::contains("期限超過").and(predicate::str::contains("残り")));
    run(&env, ["--lang", "en", "request", "file", "--form"]).code(2);
}

/// Issue 10: printing to a closed stdout (`hogo … | head`) ends quietly with exit 0 and
/// no panic, however much is left to print.
#[test]
fn a_closed_stdout_ends_quietly_with_exit_zero() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("hogo"))
        .args(["--json", "mynumber", "check"])
        .env_remove("LANG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    let input = "not a number\n".repeat(20_000);
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}
