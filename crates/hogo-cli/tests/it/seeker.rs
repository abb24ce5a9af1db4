//! `hogo seeker …` (issue 13): registration with show-back, consent-based provision with
//! a sealed file, the CSV import that a never-collect column refuses whole, the register
//! book, and the disposal the privacy officer confirms — bilingual, `--json` for lists.

use assert_cmd::assert::Assert;
use predicates::prelude::*;

use crate::common::{Env, MANAGER_PASSWORD, fresh, init_with, json, login, login_as, stderr};

const ADMIN_PASSWORD: &str = "the administrator's password";

/// An agency: manager, administrator, a placement clerk (terminal `placement`) and the
/// privacy officer (terminal `officer`), each signed in.
fn agency() -> Env {
    let env = fresh();
    init_with(
        &env,
        "ja",
        &[
            "--admin-login",
            "admin",
            "--privacy-officer",
            "佐藤 一郎",
            "--placement-purposes",
            "all",
        ],
        &format!("{MANAGER_PASSWORD}\n{ADMIN_PASSWORD}\n"),
    )
    .success();
    login_as(&env, "admin", ADMIN_PASSWORD).success();
    for (login, role) in [("placement", "placement_staff"), ("officer", "privacy_officer")] {
        env.hogo()
            .arg("--db")
            .arg(env.db())
            .args(["staff", "add", "--login", login, "--name", login, "--role", role])
            .write_stdin(format!("{login} first password\n"))
            .assert()
            .success();
        env.hogo_in(login)
            .args(["login", "--login", login])
            .write_stdin(format!("{login} first password\n"))
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("password must be changed")
                    .or(predicate::str::contains("パスワードの変更")),
            );
        env.hogo_in(login)
            .arg("password")
            .write_stdin(format!("{login} first password\n{login} new password!\n"))
            .assert()
            .success();
        env.hogo_in(login)
            .args(["login", "--login", login])
            .write_stdin(format!("{login} new password!\n"))
            .assert()
            .success();
    }
    env
}

fn as_(env: &Env, who: &str, args: &[&str], stdin: &str) -> Assert {
    env.hogo_in(who).args(args).write_stdin(stdin.to_owned()).assert()
}

fn register(env: &Env, reference: &str, confirm: &str) -> Assert {
    register_with(env, reference, confirm, &[])
}

/// [`register`] with more stated purposes (`--purpose ID` pairs).
fn register_with(env: &Env, reference: &str, confirm: &str, more: &[&str]) -> Assert {
    let mut args = vec![
        "--json",
        "seeker",
        "register",
        "--reference",
        reference,
        "--received-on",
        "2025-04-01",
        "--place",
        "横浜支店",
        "--valid-until",
        "2025-06-30",
        "--occupation",
        "経理事務",
        "--name",
        "求職 花子",
        "--furigana",
        "キュウショク ハナコ",
        "--birth-date",
        "1990-05-01",
        "--address",
        "神奈川県横浜市1-2-3",
        "--work-history",
        "事務職 5年",
        "--purpose",
        "interview",
        "--purpose",
        "provision_to_employer",
        "--purpose",
        "job_search_for_seeker",
    ];
    args.extend_from_slice(more);
    as_(env, "placement", &args, confirm)
}

/// P3, P9, P11, P5 through the CLI: consent for employer A allows A only; the file that
/// leaves is an age file; after the registration ends only the privacy officer confirms
/// the disposal, the profile is gone and the 求職管理簿 row stays.
#[test]
fn seeker_journey_provision_end_and_disposal() {
    let env = agency();
    let id =
        json(&register(&env, "J-001", "y\n").success())["subject"].as_str().unwrap().to_owned();
    let list = json(&as_(&env, "placement", &["--json", "seeker", "list"], "").success());
    assert_eq!(list.as_array().unwrap().len(), 1);
    as_(
        &env,
        "placement",
        &[
            "--lang",
            "en",
            "seeker",
            "provide",
            &id,
            "--employer",
            "株式会社エー",
            "--items",
            "name,work_history",
        ],
        "",
    )
    .code(1)
    .stderr(predicate::str::contains("refused (P3)"));
    as_(
        &env,
        "placement",
        &[
            "seeker",
            "consent",
            &id,
            "--scope",
            "employer",
            "--recipient",
            "株式会社エー",
            "--items",
            "name,work_history",
        ],
        "",
    )
    .success();
    let out = env.dir.path().join("to-a.age");
    as_(
        &env,
        "placement",
        &[
            "--json",
            "seeker",
            "provide",
            &id,
            "--employer",
            "株式会社エー",
            "--items",
            "name,work_history",
            "--out",
            out.to_str().unwrap(),
        ],
        "a long file passphrase\n",
    )
    .success();
    let bytes = std::fs::read(&out).unwrap();
    assert!(
        bytes.starts_with(b"age-encryption.org/v1")
            || bytes.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----")
    );
    assert!(!String::from_utf8_lossy(&bytes).contains("求職 花子"));
    as_(
        &env,
        "placement",
        &[
            "--lang",
            "ja",
            "seeker",
            "provide",
            &id,
            "--employer",
            "株式会社ビー",
            "--items",
            "name",
        ],
        "",
    )
    .code(1)
    .stderr(predicate::str::contains("拒否されました (P3)"));
    let records =
        json(&as_(&env, "placement", &["--json", "seeker", "records", &id], "").success());
    assert_eq!(records.as_array().unwrap().len(), 1);
    as_(&env, "placement", &["seeker", "end", &id, "--on", "2025-06-30"], "").success();
    as_(&env, "placement", &["--lang", "en", "seeker", "dispose"], "")
        .code(1)
        .stderr(predicate::str::contains("P11"));
    let rep = json(&as_(&env, "officer", &["--json", "seeker", "dispose"], "").success());
    assert!(rep["disposed"].as_array().unwrap().iter().any(|d| d[1] == "job_seeker_profile"));
    as_(&env, "placement", &["--lang", "en", "seeker", "use", &id, "--purpose", "interview"], "")
        .code(1)
        .stderr(predicate::str::contains("not found"));
    let book = json(&as_(&env, "placement", &["--json", "seeker", "register-book"], "").success());
    assert_eq!(book[0]["name"], "求職 花子");
    assert_eq!(book[0]["referrals"][0]["employer"], "株式会社エー");
}

/// P2: a CSV whose header carries a never-collect item (本籍) is refused whole, naming P2;
/// nothing is stored.
#[test]
fn import_with_a_never_collect_column_refuses_the_whole_file() {
    let env = agency();
    let csv = env.dir.path().join("seekers.csv");
    std::fs::write(
        &csv,
        "reference,received_on,place,valid_until,desired_occupation,name,address,本籍,purposes\n\
         J-1,2025-04-01,本店,2025-06-30,営業,求職 一郎,東京都,東京都,interview\n\
         J-2,2025-04-01,本店,2025-06-30,経理,求職 二郎,東京都,,interview\n",
    )
    .unwrap();
    let a = as_(
        &env,
        "placement",
        &["--lang", "ja", "seeker", "import", csv.to_str().unwrap(), "--confirmed"],
        "",
    )
    .code(1);
    let err = stderr(&a);
    assert!(err.contains("P2") && err.contains("本籍"), "{err}");
    as_(
        &env,
        "placement",
        &["--lang", "en", "seeker", "import", csv.to_str().unwrap(), "--confirmed"],
        "",
    )
    .code(1)
    .stderr(predicate::str::contains("never-collect item"));
    let list = json(&as_(&env, "placement", &["--json", "seeker", "list"], "").success());
    assert!(list.as_array().unwrap().is_empty());
    std::fs::write(
        &csv,
        "reference,received_on,place,valid_until,desired_occupation,name,address,purposes\n\
         J-1,2025-04-01,本店,2025-06-30,営業;企画,求職 一郎,東京都,interview;job_search_for_seeker\n",
    )
    .unwrap();
    as_(&env, "placement", &["seeker", "import", csv.to_str().unwrap(), "--confirmed"], "")
        .success();
    let list = json(&as_(&env, "placement", &["--json", "seeker", "list"], "").success());
    assert_eq!(list.as_array().unwrap().len(), 1);
}

/// P4, P5, P1: an entry not confirmed by the person is refused; a number manager cannot
/// reach job-seeker data; a vague purpose is refused; stale records are listed.
#[test]
fn confirmation_staff_scope_vague_purpose_and_stale() {
    let env = agency();
    register(&env, "J-001", "n\n").code(1).stderr(predicate::str::contains("P4"));
    register(&env, "J-001", "y\n").success();
    login(&env);
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--lang", "en", "seeker", "list"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("refused (P5)"));
    as_(
        &env,
        "placement",
        &[
            "--lang",
            "ja",
            "seeker",
            "register",
            "--reference",
            "J-002",
            "--received-on",
            "2025-04-01",
            "--place",
            "本店",
            "--valid-until",
            "2025-06-30",
            "--occupation",
            "営業",
            "--name",
            "求職 三郎",
            "--purpose",
            "募集情報等提供のため",
        ],
        "y\n",
    )
    .code(1)
    .stderr(predicate::str::contains("具体的ではありません"));
    let stale =
        json(&as_(&env, "placement", &["--json", "seeker", "stale", "--days", "30"], "").success());
    assert_eq!(stale.as_array().unwrap().len(), 1);
}

/// The README's agent form (correction + stop of provision to 株式会社ビー紹介).
fn readme_agent_form() -> String {
    let readme = include_str!("../../README.md");
    readme.split("```json\n").nth(2).unwrap().split("```").next().unwrap().to_owned()
}

/// Today in Japan, as the binary's system clock sees it.
#[allow(clippy::disallowed_methods, reason = "the binary under test runs on the real clock")]
fn jst_today() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive().to_string()
}

/// P3, P7 (APPI 35条3項・5項; journey 2 step 3) through the CLI: the README's agent form
/// asks to stop provision to the partner agency 株式会社ビー紹介; once `hogo request decide
/// --grant` is run, `hogo seeker provide --partner` to it is refused at once naming P7 (in
/// Japanese and English), no fee is asked, and the employer the stop does not name is
/// still provided to.
#[test]
fn a_granted_stop_of_provision_refuses_the_partner_at_once() {
    let env = agency();
    let id = json(
        &register_with(&env, "J-050", "y\n", &["--purpose", "provision_to_partner_agency"])
            .success(),
    )["subject"]
        .as_str()
        .unwrap()
        .to_owned();
    for (scope, recipient) in [("partner", "株式会社ビー紹介"), ("employer", "株式会社エー")]
    {
        as_(
            &env,
            "placement",
            &[
                "seeker",
                "consent",
                &id,
                "--scope",
                scope,
                "--recipient",
                recipient,
                "--items",
                "name,work_history",
            ],
            "",
        )
        .success();
    }
    let provide = |flag: &str, to: &str, lang: &str| {
        as_(
            &env,
            "placement",
            &["--lang", lang, "seeker", "provide", &id, flag, to, "--items", "name,work_history"],
            "",
        )
    };
    provide("--partner", "株式会社ビー紹介", "en").success();
    let form = env.dir.path().join("agent.json");
    std::fs::write(&form, readme_agent_form()).unwrap();
    let filed = json(
        &env.hogo_in("placement")
            .args(["--json", "request", "file", "--form"])
            .arg(&form)
            .args(["--subject", &id, "--received", &jst_today()])
            .assert()
            .success(),
    );
    assert_eq!(filed["request"]["fees"], serde_json::json!([]), "no fee for a stop: {filed}");
    let req = filed["id"].as_str().unwrap().to_owned();
    as_(
        &env,
        "placement",
        &[
            "request",
            "verify",
            &req,
            "--document",
            "passport",
            "--authority",
            "power_of_attorney:sealed",
            "--authority",
            "seal_certificate",
        ],
        "",
    )
    .success();
    as_(
        &env,
        "placement",
        &[
            "request",
            "decide",
            &req,
            "--kind",
            "stop_of_provision",
            "--grant",
            "--ground",
            "no_longer_needed",
        ],
        "",
    )
    .success();
    provide("--partner", "株式会社ビー紹介", "en")
        .code(1)
        .stderr(predicate::str::contains("(P7)").and(predicate::str::contains("stop third-party")));
    provide("--partner", "株式会社ビー紹介", "ja")
        .code(1)
        .stderr(predicate::str::contains("第三者提供の停止").and(predicate::str::contains("P7")));
    provide("--employer", "株式会社エー", "en").success();
    let records =
        json(&as_(&env, "placement", &["--json", "seeker", "records", &id], "").success());
    assert_eq!(records.as_array().unwrap().len(), 2, "{records}");
}

/// P1, P2: `hogo subject add --kind job_seeker` would bypass the stated purposes, the
/// entry confirmation and the collection source; it is refused in both languages, points
/// to `hogo seeker register`, and stores nothing.
#[test]
fn a_bare_job_seeker_subject_is_refused_and_points_to_seeker_register() {
    let env = agency();
    for lang in ["ja", "en"] {
        let a = as_(
            &env,
            "placement",
            &[
                "--lang",
                lang,
                "subject",
                "add",
                "--kind",
                "job_seeker",
                "--reference",
                "J-900",
                "--name",
                "求職 次郎",
            ],
            "",
        )
        .failure();
        let err = stderr(&a);
        assert!(err.contains("hogo seeker register") && err.contains("P1"), "{err}");
        let worded = if lang == "ja" { "求職者は" } else { "register job seekers" };
        assert!(err.contains(worded), "{err}");
    }
    let list = json(&as_(&env, "placement", &["--json", "seeker", "list"], "").success());
    assert_eq!(list.as_array().unwrap().len(), 0);
}

/// P11, P4 (職業安定法32条の15): `hogo seeker referral-result` records 紹介状況 in the
/// register; a result after the registration's end moves 完結 (the row is kept 2 years
/// from it); a second result for the same referral is refused in both languages.
#[test]
fn a_referral_result_after_the_end_moves_completion() {
    let env = agency();
    let id =
        json(&register(&env, "J-070", "y\n").success())["subject"].as_str().unwrap().to_owned();
    as_(
        &env,
        "placement",
        &[
            "seeker",
            "consent",
            &id,
            "--scope",
            "employer",
            "--recipient",
            "株式会社エー",
            "--items",
            "name",
        ],
        "",
    )
    .success();
    as_(
        &env,
        "placement",
        &["seeker", "provide", &id, "--employer", "株式会社エー", "--items", "name"],
        "",
    )
    .success();
    let today = jst_today();
    let yesterday = (chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").unwrap()
        - chrono::Days::new(1))
    .to_string();
    as_(&env, "placement", &["seeker", "end", &id, "--on", &yesterday], "").success();
    let j = json(
        &as_(
            &env,
            "placement",
            &[
                "--json",
                "seeker",
                "referral-result",
                &id,
                "--employer",
                "株式会社エー",
                "--result",
                "hired",
                "--on",
                &today,
            ],
            "",
        )
        .success(),
    );
    assert_eq!(j["result"], "採用");
    assert_eq!(j["completed_before"], yesterday.as_str());
    assert_eq!(j["completed_on"], today.as_str());
    let book = json(&as_(&env, "placement", &["--json", "seeker", "register-book"], "").success());
    assert_eq!(book[0]["completed_on"], today.as_str());
    assert_eq!(book[0]["referrals"][0]["result"], "採用");
    for (lang, words) in [("ja", "記録済み"), ("en", "already recorded")] {
        let a = as_(
            &env,
            "placement",
            &[
                "--lang",
                lang,
                "seeker",
                "referral-result",
                &id,
                "--employer",
                "株式会社エー",
                "--result",
                "declined",
                "--on",
                &today,
            ],
            "",
        )
        .code(1);
        assert!(stderr(&a).contains(words), "{}", stderr(&a));
    }
}

/// P4: `hogo seeker stale --days N` lists open registrations not confirmed for more than
/// N days — in Japanese and English as a table, as JSON with `--json` — and a contact that
/// re-confirms the data takes the record off the list.
#[test]
fn stale_list_is_bilingual_and_json_and_a_reconfirmation_clears_it() {
    let env = agency();
    let id =
        json(&register(&env, "J-080", "y\n").success())["subject"].as_str().unwrap().to_owned();
    for (lang, header) in [("ja", "最終確認日"), ("en", "last confirmed")] {
        as_(&env, "placement", &["--lang", lang, "seeker", "stale", "--days", "30"], "")
            .success()
            .stdout(predicate::str::contains(header).and(predicate::str::contains("J-080")));
    }
    let stale =
        json(&as_(&env, "placement", &["--json", "seeker", "stale", "--days", "30"], "").success());
    assert_eq!(stale[0]["reference"], "J-080");
    assert_eq!(stale[0]["last_confirmed"], "2025-04-01");
    let none = json(
        &as_(&env, "placement", &["--json", "seeker", "stale", "--days", "100000"], "").success(),
    );
    assert_eq!(none, serde_json::json!([]));
    as_(
        &env,
        "placement",
        &["seeker", "contact", &id, "--on", &jst_today(), "--outcome", "reconfirmed"],
        "",
    )
    .success();
    let after =
        json(&as_(&env, "placement", &["--json", "seeker", "stale", "--days", "30"], "").success());
    assert_eq!(after, serde_json::json!([]));
    as_(&env, "placement", &["--lang", "en", "seeker", "stale", "--days", "x"], "")
        .failure()
        .stderr(predicate::str::contains("--days"));
}
