//! `hogo mynumber check` and `hogo corporate-number check`.

use assert_cmd::Command;
use hogo_domain::testkit::synthetic_number;
use predicates::prelude::*;

fn hogo() -> Command {
    let mut c = Command::cargo_bin("hogo").expect("binary built");
    c.env_remove("LANG");
    c
}

/// M7, invariant 1: every line is judged by its line number, invalid ones with a reason,
/// and no number is ever echoed back.
#[test]
fn mynumber_check_judges_each_line_and_echoes_nothing() {
    let good = synthetic_number(1);
    let input = format!("{}\n\n123456789012\n12345\n", good.expose());
    let out = hogo().args(["mynumber", "check", "--json"]).write_stdin(input).assert().code(1);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v[0]["line"], 1);
    assert_eq!(v[0]["valid"], true);
    assert_eq!(v[1]["line"], 3);
    assert_eq!(v[1]["valid"], false);
    assert!(v[1]["reason"].as_str().unwrap().contains("check digit"));
    assert_eq!(v[2]["line"], 4);
    assert!(!stdout.contains(good.expose()));
    assert!(!stdout.contains("123456789012"));
}

/// M7: all valid → exit 0; the Japanese summary goes to stderr.
#[test]
fn mynumber_check_all_valid_exits_zero_in_japanese() {
    let input = format!("{}\n{}\n", synthetic_number(2).expose(), synthetic_number(3).expose());
    hogo()
        .args(["--lang", "ja", "mynumber", "check"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout(predicate::str::contains("1行目: 有効"))
        .stderr(predicate::str::contains("有効 2件"));
}

/// 法人番号 check digit (財務省令第70号 第2条): the NTA example passes, a typo fails.
#[test]
fn corporate_number_check() {
    hogo().args(["corporate-number", "check", "7123456789012"]).assert().success();
    hogo()
        .args(["--lang", "en", "corporate-number", "check", "7123456789012", "1123456789012"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("line 2: invalid"));
}

/// Usage errors exit 2 (documented exit codes).
#[test]
fn usage_errors_exit_two() {
    hogo().args(["no-such-command"]).assert().code(2);
}
