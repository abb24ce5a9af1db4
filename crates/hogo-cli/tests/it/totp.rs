//! `hogo totp enrol|confirm` and `hogo staff reset-totp` (P10, M13): in an organisation
//! made with `--require-totp`, a number clerk enrols in the enrolment-only session,
//! confirms with a code from stdin, signs in with codes and works; a wrong code is
//! refused; no file the CLI leaves holds the secret (raw or base32); the administrator's
//! reset forces re-enrolment.

use std::path::Path;

use hogo_auth::TotpSecret;
use predicates::prelude::*;

use crate::common::{Env, MANAGER_PASSWORD, fresh, init_with, json, login_as, run, stderr};

const ADMIN_PASSWORD: &str = "the administrator's password";
const CLERK_FIRST: &str = "the clerk's first password";
const CLERK_PASSWORD: &str = "the clerk's own password";

#[allow(clippy::disallowed_methods, reason = "the CLI runs on the system clock")]
fn now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap()
}

/// `totp enrol --json`: the base32 secret.
fn enrol(env: &Env) -> String {
    let out = run(env, ["--json", "totp", "enrol"]).success();
    assert!(stderr(&out).contains("shown only now"), "the one-time warning");
    let v = json(&out);
    let uri = v["uri"].as_str().unwrap();
    let secret = v["secret"].as_str().unwrap().to_owned();
    assert!(uri.starts_with("otpauth://totp/hogo:") && uri.contains(&secret));
    secret
}

fn code(secret: &str, at: u64) -> String {
    TotpSecret::from_base32(secret).unwrap().code_at(at).unwrap()
}

fn confirm(env: &Env, lang: &str, code: &str) -> assert_cmd::assert::Assert {
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--lang", lang, "totp", "confirm"])
        .write_stdin(format!("{code}\n"))
        .assert()
}

/// `login --totp` with the code of the **next** step, given on stdin after the password
/// (never in argv, M13): the confirmation used the current one and a step is accepted once
/// (replay), while ±1 step of skew is accepted.
fn login_with_code(env: &Env, login: &str, password: &str, secret: &str) {
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--lang", "en", "login", "--login", login, "--totp"])
        .write_stdin(format!("{password}\n{}\n", code(secret, now() + 30)))
        .assert()
        .success()
        .stdout(predicate::str::starts_with("signed in:"));
}

/// Every file under `dir`, as bytes.
fn files(dir: &Path, out: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// P10, M13: the whole journey through the CLI on SQLite.
#[test]
fn required_totp_clerk_enrols_through_the_cli_and_the_database_holds_no_clear_secret() {
    let env = fresh();
    let ids = json(
        &init_with(
            &env,
            "en",
            &["--json", "--require-totp", "--admin-login", "admin"],
            &format!("{MANAGER_PASSWORD}\n{ADMIN_PASSWORD}\n"),
        )
        .success(),
    );
    // The manager handles numbers: the first sign-in may only enrol.
    login_as(&env, "manager", MANAGER_PASSWORD)
        .success()
        .stdout(predicate::str::contains("TOTP enrolment required: run hogo totp enrol"));
    run(&env, ["--lang", "en", "whoami"]).code(1).stderr(predicate::str::contains("TOTP"));
    let manager_secret = enrol(&env);
    confirm(&env, "en", &code(&manager_secret, now()))
        .success()
        .stdout("TOTP enrolled: sign in again with hogo login --totp\n");
    login_with_code(&env, "manager", MANAGER_PASSWORD, &manager_secret);
    run(&env, ["staff", "nominate", "--login", "clerk", "--role", "number_clerk"]).success();
    login_as(&env, "admin", ADMIN_PASSWORD).success();
    let created = json(
        &env.hogo()
            .arg("--db")
            .arg(env.db())
            .args(["--json", "staff", "add", "--login", "clerk", "--name", "担当 一郎"])
            .args(["--role", "number_clerk"])
            .write_stdin(format!("{CLERK_FIRST}\n"))
            .assert()
            .success(),
    );
    let clerk_id = created["account"].as_str().unwrap().to_owned();
    // The clerk changes the first password, then gets an enrolment-only session.
    login_as(&env, "clerk", CLERK_FIRST).code(1);
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .arg("password")
        .write_stdin(format!("{CLERK_FIRST}\n{CLERK_PASSWORD}\n"))
        .assert()
        .success();
    login_as(&env, "clerk", CLERK_PASSWORD).success();
    run(&env, ["subject", "list"]).code(1);
    let secret = enrol(&env);
    // Text mode also prints the secret once, with the warning (Japanese here).
    let ja = env
        .hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--lang", "ja", "totp", "enrol"])
        .assert()
        .success()
        .stderr(predicate::str::contains("この秘密鍵は今回だけ表示されます"));
    let text = String::from_utf8(ja.get_output().stdout.clone()).unwrap();
    let secret = text
        .lines()
        .find_map(|l| l.strip_prefix("秘密鍵（base32）: "))
        .map_or(secret, str::to_owned);
    // A wrong code is refused (exit 1) and the factor is not active.
    let right = code(&secret, now());
    let wrong = if right == "000000" { "111111" } else { "000000" };
    confirm(&env, "en", wrong).code(1).stderr(predicate::str::contains("wrong one-time code"));
    confirm(&env, "ja", wrong).code(1);
    confirm(&env, "ja", &code(&secret, now()))
        .success()
        .stdout(predicate::str::contains("二要素認証を登録しました"));
    // Without a code the clerk is refused; with one the clerk works.
    login_as(&env, "clerk", CLERK_PASSWORD).code(1);
    login_with_code(&env, "clerk", CLERK_PASSWORD, &secret);
    let me = json(&run(&env, ["--json", "whoami"]).success());
    assert_eq!(me["staff"], clerk_id.as_str());
    assert_eq!(me["role"], "number_clerk");
    run(&env, ["subject", "list"]).success();
    // No file of the test folder (database, WAL, key files, session) holds the secret.
    let raw = TotpSecret::from_base32(&secret).unwrap();
    let mut all = Vec::new();
    files(env.dir.path(), &mut all);
    assert!(all.iter().any(|(p, _)| p.ends_with("demo.sqlite")));
    for (path, bytes) in &all {
        for s in [&secret, &manager_secret] {
            assert!(!contains(bytes, s.as_bytes()), "base32 secret in {}", path.display());
            let lower = s.to_ascii_lowercase();
            assert!(!contains(bytes, lower.as_bytes()), "base32 secret in {}", path.display());
        }
        assert!(!contains(bytes, raw.expose_bytes()), "raw secret in {}", path.display());
    }
    // The administrator resets the clerk's factor: sessions revoked, re-enrolment forced.
    login_as(&env, "admin", ADMIN_PASSWORD).success();
    run(&env, ["--lang", "en", "staff", "reset-totp", "--account", &clerk_id])
        .success()
        .stdout(predicate::str::contains("TOTP reset"));
    let admin = ids["administrator"].as_str().unwrap();
    run(&env, ["--lang", "en", "staff", "reset-totp", "--account", admin])
        .code(1)
        .stderr(predicate::str::contains("own account"));
    login_as(&env, "clerk", CLERK_PASSWORD)
        .success()
        .stdout(predicate::str::contains("TOTP enrolment required"));
    let again = enrol(&env);
    assert_ne!(again, secret);
    confirm(&env, "en", &code(&again, now())).success();
    login_with_code(&env, "clerk", CLERK_PASSWORD, &again);
    run(&env, ["whoami"]).success();
    // Only the administrator resets.
    run(&env, ["--lang", "en", "staff", "reset-totp", "--account", &clerk_id])
        .code(1)
        .stderr(predicate::str::contains("only an administrator may do this"));
    run(&env, ["ledger", "verify"]).success();
}
