//! Issue 12 through the `hogo` binary: contractors (M14), `carry-out` writing an age file
//! (M12, P9), incidents (M4) and `status` (bilingual, `--json`).

use secrecy::SecretString;

use crate::common::{Env, fresh, init, json, login, run, stderr, stdout};

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

/// M14, M12, P9: carrying out to a contractor with a clause missing is refused (exit 1,
/// rule named, no file); once every item is recorded the age file is written and opens
/// with the passphrase; the movement id goes into an incident whose classification
/// explains the 高度な暗号化 exemption.
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
    let r = run(
        &env,
        [
            "--lang",
            "ja",
            "incident",
            "record",
            "--known-on",
            "2020-01-01",
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
    // The CLI clock is the real one: a 2020 day is in the past, so it is accepted.
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
    assert!(items.iter().any(|i| i["source"] == "review"));
    assert!(items.iter().any(|i| i["source"] == "training" && i["overdue"] == true));
}
