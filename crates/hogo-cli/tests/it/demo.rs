//! `hogo demo`: runs end to end on SQLite and leaves no plaintext number anywhere.

use std::path::{Path, PathBuf};

use hogo_domain::my_number::find_my_number_like;
use hogo_domain::testkit::synthetic_number;

use crate::common::Env;

/// The seeds `hogo demo` uses (src/demo.rs `SEEDS`).
pub(crate) const SEEDS: [u64; 6] = [9001, 9002, 9003, 9004, 9005, 9006];

pub(crate) fn files_under(p: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(p).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn assert_no_number(what: &str, bytes: &[u8]) {
    let numbers: Vec<String> =
        SEEDS.iter().map(|s| synthetic_number(*s).expose().to_owned()).collect();
    for n in &numbers {
        assert!(
            !bytes.windows(12).any(|w| w == n.as_bytes()),
            "{what} holds a synthetic number in plaintext"
        );
    }
    // Every number-like run in the text must not be one of the demo's numbers.
    let text = String::from_utf8_lossy(bytes);
    let mut rest: &str = &text;
    while let Some(r) = find_my_number_like(rest) {
        let digits: String = rest[r.clone()].chars().filter(char::is_ascii_digit).collect();
        assert!(!numbers.contains(&digits), "{what} holds a synthetic number");
        rest = &rest[r.end..];
    }
}

/// Invariant 1, M13, P7, M15: after `hogo demo` (which also files and answers a disclosure
/// and an agent's correction), no synthetic number appears in the database file,
/// its WAL, the key files, the session file, stdout or stderr; the demo leaves a
/// signed-in manager and a ledger that verifies.
#[test]
fn demo_runs_and_leaves_no_plaintext_number_anywhere() {
    let env = Env::new();
    let out = env.hogo().args(["--lang", "ja", "demo", "--db"]).arg(env.db()).assert().success();
    let o = out.get_output();
    let stdout = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(stdout.contains("シミュレーション日付"));
    assert!(stdout.contains("削除証明書"));
    assert!(stdout.contains("管理台帳"));
    // Journey 2's requests (P7, M15): the disclosure by the person and the agent's
    // correction, no fee for the latter, only the letters' titles.
    assert!(stdout.contains("開示請求書") && stdout.contains("全部開示"));
    assert!(stdout.contains("資格取得日の訂正") && stdout.contains("訂正記録"));
    assert!(stdout.contains("手数料は求めません"));
    assert!(stdout.contains("「回答書」") && !stdout.contains("下記のとおり回答いたします"));
    // Job placement (doc 000, P3, P9, P11): provision to A sealed, B refused, the profile
    // shredded and the 求職管理簿 row kept — and no job seeker's name or address printed.
    assert!(stdout.contains("求人企業B") && stdout.contains("（P3）"));
    assert!(stdout.contains("age で暗号化") && stdout.contains("求職管理簿 1行"));
    assert!(!stdout.contains("求職 花子") && !stdout.contains("新宿区"));
    assert_no_number("stdout", &o.stdout);
    assert_no_number("stderr", &o.stderr);
    let mut files = Vec::new();
    files_under(env.dir.path(), &mut files);
    assert!(files.iter().any(|f| f.extension().is_some_and(|e| e == "key")));
    assert!(files.iter().any(|f| f.ends_with("demo.sqlite")));
    for f in &files {
        assert_no_number(&f.display().to_string(), &std::fs::read(f).unwrap());
    }
    // The key files are outside the database folder, 0600.
    #[cfg(unix)]
    for f in files.iter().filter(|f| !f.starts_with(env.db().parent().unwrap())) {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", f.display());
    }
    // A signed-in demo manager is left behind; the simulated date is shown.
    env.hogo()
        .args(["--lang", "en", "--db"])
        .arg(env.db())
        .arg("whoami")
        .assert()
        .success()
        .stdout(predicates::str::contains("number_manager"))
        .stderr(predicates::str::contains("シミュレーション日付"));
    let v = env
        .hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--json", "ledger", "verify"])
        .assert()
        .success();
    let j: serde_json::Value = serde_json::from_slice(&v.get_output().stdout).unwrap();
    assert_eq!(j["ok"], true);
    assert!(j["entries"].as_u64().unwrap() > 10);
    env.hogo().arg("--db").arg(env.db()).args(["--json", "certificate"]).assert().success();
    let v =
        env.hogo().arg("--db").arg(env.db()).args(["--json", "request", "list"]).assert().success();
    let j: serde_json::Value = serde_json::from_slice(&v.get_output().stdout).unwrap();
    let statuses: Vec<&str> =
        j.as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["answered", "answered"]);
    assert_no_number("request list", &v.get_output().stdout);
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--lang", "ja", "register"])
        .assert()
        .success()
        .stdout(predicates::str::contains("管理台帳"));
}
