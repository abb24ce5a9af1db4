//! Sign-in round trip, subjects, number input rules, retention and ledger commands.

use predicates::prelude::*;

use crate::common::{Env, fresh, init, login};

/// P10, M13 (issue 9): init → login → whoami → logout → whoami refused; the session
/// token lives in a 0600 file outside the database folder.
#[test]
fn login_whoami_logout_round_trip_in_both_languages() {
    let env = fresh();
    init(&env, "en");
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--lang", "ja", "whoami"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("ログインしていません"));
    login(&env);
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--lang", "ja", "whoami"])
        .assert()
        .success()
        .stdout(predicate::str::contains("事務取扱責任者"));
    let v = env.hogo().arg("--db").arg(env.db()).args(["--json", "whoami"]).assert().success();
    let j: serde_json::Value = serde_json::from_slice(&v.get_output().stdout).unwrap();
    assert_eq!(j["role"], "number_manager");
    assert_eq!(j["login"], "manager");
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--lang", "en", "logout"])
        .assert()
        .success()
        .stdout("signed out\n");
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--lang", "en", "whoami"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not signed in"));
}

/// P10/M13: a wrong password is refused with exit 1 and no session is stored.
#[test]
fn wrong_password_is_refused() {
    let env = fresh();
    init(&env, "ja");
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--lang", "en", "login", "--login", "manager"])
        .write_stdin("not the password\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("wrong login name or password"));
    env.hogo().arg("--db").arg(env.db()).arg("whoami").assert().code(1);
}

/// Invariant 1, M13: a My Number on the command line is refused before anything runs
/// and is not echoed back.
#[test]
fn a_number_in_argv_is_refused() {
    let env = fresh();
    let n = hogo_domain::testkit::synthetic_number(77);
    for lang in ["ja", "en"] {
        let out = env
            .hogo()
            .arg("--db")
            .arg(env.db())
            .args(["--lang", lang, "mynumber", "collect", "--subject", n.expose()])
            .assert()
            .code(1);
        let o = out.get_output();
        assert!(!String::from_utf8_lossy(&o.stderr).contains(n.expose()));
        assert!(!String::from_utf8_lossy(&o.stdout).contains(n.expose()));
    }
    env.hogo()
        .args(["--lang", "ja", "mynumber", "find", n.expose()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("コマンドラインに書けません"));
}

/// `hogo subject import FILE` in `lang`, the numbers checked with the card and the
/// purpose notified.
fn import(env: &Env, lang: &str, csv: &std::path::Path) -> assert_cmd::assert::Assert {
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--lang", lang, "subject", "import"])
        .arg(csv)
        .args(["--number-check", "card", "--purpose-notified"])
        .assert()
}

/// The subjects `hogo mynumber find` returns for `n` (given on stdin).
fn found(env: &Env, n: &hogo_domain::MyNumber) -> Vec<serde_json::Value> {
    let out = env
        .hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--json", "mynumber", "find"])
        .write_stdin(format!("{}\n", n.expose()))
        .assert()
        .success();
    let j: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    j["subjects"].as_array().cloned().unwrap_or_default()
}

/// M9, M7: a CSV whose rows parse but whose numbers clash (two employees, one number)
/// imports no number: the clerk is told the line (in both languages) and the rule, the
/// subjects stay registered, and no number can be found. A 本人確認 the file cannot
/// satisfy is refused before anything is stored.
#[test]
fn csv_import_with_a_clashing_number_names_the_line_and_collects_nothing() {
    let env = fresh();
    init(&env, "ja");
    login(&env);
    let db = env.db();
    let n = hogo_domain::testkit::synthetic_number(41);
    let csv = format!(
        "kind,reference,name,my_number\nemployee,C1,甲,{n}\nemployee,C2,乙,{n}\nemployee,C3,丙,\n",
        n = n.expose()
    );
    let csv_path = env.dir.path().join("clash.csv");
    std::fs::write(&csv_path, csv).unwrap();
    for (lang, line) in [("en", "line 3"), ("ja", "3行目")] {
        let out = import(&env, lang, &csv_path)
            .code(1)
            .stderr(predicate::str::contains(line).and(predicate::str::contains("M9")));
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(!stderr.contains(n.expose()), "M8: the number never reaches an error");
        assert!(stderr.contains("no number was imported"), "{stderr}");
        assert!(!stderr.contains("rows["), "the line, not the batch row: {stderr}");
    }
    std::fs::remove_file(&csv_path).unwrap();
    assert!(found(&env, &n).is_empty(), "no number was collected");
    // A 本人確認 the file cannot satisfy (a category-3 spouse verified by the employee) is
    // refused before anything is stored.
    let spouse = format!(
        "kind,reference,name,employee_ref,category3_spouse,my_number\n\
         employee,S1,丁,,,{}\ndependent,S1-1,丁の配偶者,S1,true,{}\n",
        hogo_domain::testkit::synthetic_number(42).expose(),
        hogo_domain::testkit::synthetic_number(43).expose()
    );
    std::fs::write(&csv_path, spouse).unwrap();
    import(&env, "en", &csv_path)
        .code(1)
        .stderr(predicate::str::contains("line 3").and(predicate::str::contains("M7")));
    std::fs::remove_file(&csv_path).unwrap();
    let list =
        env.hogo().arg("--db").arg(&db).args(["--json", "subject", "list"]).assert().success();
    let j: serde_json::Value = serde_json::from_slice(&list.get_output().stdout).unwrap();
    assert_eq!(j.as_array().unwrap().len(), 6, "each attempt registered its three subjects");
}

/// M7, M8, M5: subjects are added and imported from CSV (CP932 too), a number is
/// collected from stdin, found, and revealed only on stdout when asked; a CSV with a bad
/// row imports nothing.
#[test]
fn subjects_numbers_and_csv_import() {
    let env = fresh();
    init(&env, "ja");
    login(&env);
    let db = env.db();
    let n1 = hogo_domain::testkit::synthetic_number(31);
    let n2 = hogo_domain::testkit::synthetic_number(32);
    // A bad row: nothing imported (line numbers reported).
    let bad = format!(
        "kind,reference,name,my_number\nemployee,E1,甲,{}\nemployee,E2,乙,123456789012\n",
        n1.expose()
    );
    let csv_path = env.dir.path().join("bad.csv");
    std::fs::write(&csv_path, bad).unwrap();
    import(&env, "en", &csv_path).code(1).stderr(
        predicate::str::contains("line 3").and(predicate::str::contains("nothing was imported")),
    );
    let list =
        env.hogo().arg("--db").arg(&db).args(["--json", "subject", "list"]).assert().success();
    let j: serde_json::Value = serde_json::from_slice(&list.get_output().stdout).unwrap();
    assert_eq!(j.as_array().unwrap().len(), 0);
    // CP932 file with a number.
    let good = format!(
        "kind,reference,name,furigana,address,my_number\nemployee,E1,山田 太郎,ヤマダ,東京都,{}\n",
        n1.expose()
    );
    let (cp932, _, _) = encoding_rs::SHIFT_JIS.encode(&good);
    std::fs::write(&csv_path, &cp932).unwrap();
    import(&env, "ja", &csv_path).success().stdout(predicate::str::contains("本人 1件"));
    std::fs::remove_file(&csv_path).unwrap();
    // Add one by hand and collect its number from stdin.
    let add = env
        .hogo()
        .arg("--db")
        .arg(&db)
        .args([
            "--json",
            "subject",
            "add",
            "--kind",
            "employee",
            "--reference",
            "E2",
            "--name",
            "佐藤 花子",
            "--address",
            "東京都",
        ])
        .assert()
        .success();
    let j: serde_json::Value = serde_json::from_slice(&add.get_output().stdout).unwrap();
    let s2 = j["subject"].as_str().unwrap().to_owned();
    env.hogo()
        .arg("--db")
        .arg(&db)
        .args([
            "--lang",
            "en",
            "mynumber",
            "collect",
            "--subject",
            &s2,
            "--affair",
            "withholding_slip",
            "--number-check",
            "resident_record",
            "--identity",
            "drivers_licence",
            "--purpose-notified",
        ])
        .write_stdin(format!("{}\n", n2.expose()))
        .assert()
        .success()
        .stdout(predicate::str::contains("collected"));
    // A wrong 本人確認 is refused naming the field and rule.
    env.hogo()
        .arg("--db")
        .arg(&db)
        .args([
            "--lang",
            "en",
            "mynumber",
            "collect",
            "--subject",
            &s2,
            "--affair",
            "withholding_slip",
            "--number-check",
            "resident_record",
            "--identity",
            "card",
            "--purpose-notified",
        ])
        .write_stdin(format!("{}\n", n2.expose()))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("verification").and(predicate::str::contains("M7")));
    assert_eq!(found(&env, &n2), vec![serde_json::Value::from(s2.as_str())]);
    let shown = env
        .hogo()
        .arg("--db")
        .arg(&db)
        .args(["--lang", "ja", "subject", "show", &s2])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&shown.get_output().stdout).into_owned();
    assert!(text.contains("取得済み") && !text.contains(n2.expose()));
    let rev = env
        .hogo()
        .arg("--db")
        .arg(&db)
        .args(["mynumber", "reveal", &s2, "--affair", "withholding_slip"])
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&rev.get_output().stdout).contains(n2.expose()));
    assert!(!String::from_utf8_lossy(&rev.get_output().stderr).contains(n2.expose()));
    env.hogo()
        .arg("--db")
        .arg(&db)
        .args(["--lang", "en", "subject", "event", &s2, "--kind", "retired", "--on", "2000-01-01"])
        .assert()
        .success();
    env.hogo()
        .arg("--db")
        .arg(&db)
        .args(["--lang", "en", "retention", "plan", "--on", "2040-01-01"])
        .assert()
        .success()
        .stdout(predicate::str::contains("My Numbers due"));
    env.hogo()
        .arg("--db")
        .arg(&db)
        .args(["--json", "dispose", "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"dry_run\": true"));
    env.hogo()
        .arg("--db")
        .arg(&db)
        .args(["--lang", "ja", "staff", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("事務取扱責任者"));
    env.hogo()
        .arg("--db")
        .arg(&db)
        .args(["--lang", "en", "ledger", "verify"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ledger intact"));
}

/// M11, 所得税法施行規則76条の3: 令和6年分 扶養控除等申告書 with 提出期限 2024-01-31 may be
/// destroyed from 2032-01-11; no sign-in and no database are needed.
#[test]
fn retention_due_date_explains_the_dependent_deduction_declaration() {
    let env = Env::new();
    let out = env
        .hogo()
        .args([
            "--json",
            "retention",
            "due-date",
            "--kind",
            "dependent_deduction_declaration",
            "--event",
            "filing_due=2024-01-31",
        ])
        .assert()
        .success();
    let j: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(j["destroy_from"], "2032-01-11");
    assert_eq!(j["rule"], "M11");
    assert!(j["citation"].as_str().unwrap().contains("76条の3"));
    env.hogo()
        .args([
            "--lang",
            "ja",
            "retention",
            "due-date",
            "--kind",
            "dependent_deduction_declaration",
            "--event",
            "filing_due=2024-01-31",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("廃棄可能日: 2032-01-11"));
    env.hogo()
        .args([
            "--lang",
            "en",
            "retention",
            "due-date",
            "--kind",
            "no_such_kind",
            "--event",
            "filing_due=2024-01-31",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a document kind"));
}
