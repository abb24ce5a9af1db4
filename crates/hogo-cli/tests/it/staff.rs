//! `hogo staff nominate|add|grant|reset-password|revoke-sessions` and `hogo password`
//! (M3 named staff, M13 separation of duties and sessions, P10 passwords).

use predicates::prelude::*;

use crate::common::{
    Env, MANAGER_PASSWORD, fresh, init_with, json, login, login_as, run, stderr, stdout,
};

const ADMIN_PASSWORD: &str = "the administrator's password";

/// A database with the manager `manager` and a separate administrator `admin`.
fn with_admin(lang: &str) -> (Env, serde_json::Value) {
    let env = fresh();
    let done = init_with(
        &env,
        lang,
        &["--json", "--admin-login", "admin"],
        &format!("{MANAGER_PASSWORD}\n{ADMIN_PASSWORD}\n"),
    )
    .success();
    let ids = json(&done);
    (env, ids)
}

fn login_admin(env: &Env) {
    login_as(env, "admin", ADMIN_PASSWORD).success();
}

fn id(v: &serde_json::Value, field: &str) -> String {
    v[field].as_str().unwrap().to_owned()
}

/// The role of `account` in `staff list --json` (the signed-in user must be allowed to list).
fn role_of(env: &Env, account: &str) -> Option<String> {
    let list = json(&run(env, ["--json", "staff", "list"]).success());
    list.as_array()
        .unwrap()
        .iter()
        .find(|m| m["account"] == account)
        .map(|m| m["role"].as_str().unwrap().to_owned())
}

/// M3 (規程5条): the administrator can give a number role only to someone the manager
/// named; only the manager names, only number roles are named, and a nomination is used
/// up by the account it allowed. A role that handles no numbers needs no nomination.
#[test]
fn the_administrator_gives_a_number_role_only_to_someone_the_manager_named() {
    let (env, _) = with_admin("ja");
    login_admin(&env);
    let add = |lang: &str, login: &str, role: &str| {
        env.hogo()
            .arg("--db")
            .arg(env.db())
            .args(["--lang", lang, "--json", "staff", "add", "--login", login])
            .args(["--name", "担当 一郎", "--role", role])
            .write_stdin("the clerk's first password\n")
            .assert()
    };
    add("ja", "clerk", "number_clerk")
        .code(1)
        .stderr(predicate::str::contains("事務取扱責任者が指名した者にのみ付与できます"));
    add("en", "clerk", "number_clerk")
        .code(1)
        .stderr(predicate::str::contains("only to someone the number manager named (Art. 5)"));
    // The administrator cannot name anyone (not even themselves).
    run(&env, ["--lang", "en", "staff", "nominate", "--login", "admin", "--role", "number_clerk"])
        .code(1)
        .stderr(predicate::str::contains("refused (M3): the role administrator may not"));
    login(&env);
    run(&env, ["--lang", "en", "staff", "nominate", "--login", "clerk", "--role", "auditor"])
        .code(1)
        .stderr(predicate::str::contains("role: name a number-handling role (M3)"));
    run(&env, ["--lang", "ja", "staff", "nominate", "--login", "clerk", "--role", "number_clerk"])
        .success()
        .stdout("指名しました: clerk\n");
    run(&env, ["--lang", "en", "staff", "nominate", "--login", "clerk2", "--role", "number_clerk"])
        .success()
        .stdout("nominated: clerk2\n");
    run(&env, ["staff", "nominate", "--login", "clerk", "--role", "no_such_role"])
        .code(1)
        .stderr(predicate::str::contains("--role"));
    run(&env, ["staff", "nominate", "--login", "clerk"]).code(2);
    // The manager names but creates no account (separation of duties, M13).
    add("en", "clerk", "number_clerk")
        .code(1)
        .stderr(predicate::str::contains("refused (M13): the role number_manager may not"));
    login_admin(&env);
    // Named for number_clerk, not for number_manager.
    add("en", "clerk", "number_manager").code(1).stderr(predicate::str::contains("(Art. 5)"));
    let created = json(&add("en", "clerk", "number_clerk").success());
    assert_eq!(created["login"], "clerk");
    let clerk = id(&created, "account");
    assert_eq!(role_of(&env, &clerk).as_deref(), Some("number_clerk"));
    // The nomination was used up: a second account under that login is refused.
    add("ja", "clerk", "number_clerk").code(1);
    // No nomination is needed for a role that handles no numbers.
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--lang", "en", "staff", "add", "--login", "auditor", "--name", "監査 次郎"])
        .args(["--role", "auditor"])
        .write_stdin("the auditor's password\n")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("created: "));
    add("ja", "x", "admin")
        .code(1)
        .stderr(predicate::str::contains("「admin」は役割ではありません"));
}

/// M3, M13 (規程5条・30条): `staff grant` gives a number role to an existing account only
/// after the manager named its login, and an administrator can never change their own
/// role (separation of duties).
#[test]
fn a_role_grant_needs_the_managers_nomination_and_never_serves_the_administrator() {
    let (env, ids) = with_admin("en");
    let admin = id(&ids, "administrator");
    login_admin(&env);
    let created = env
        .hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--json", "staff", "add", "--login", "sato", "--name", "佐藤", "--role", "auditor"])
        .write_stdin("sato's first password\n")
        .assert()
        .success();
    let sato = id(&json(&created), "account");
    run(&env, ["--lang", "en", "staff", "grant", "--account", &sato, "--role", "number_clerk"])
        .code(1)
        .stderr(predicate::str::contains("refused (M3)"));
    run(&env, ["--lang", "ja", "staff", "grant", "--account", &admin, "--role", "auditor"])
        .code(1)
        .stderr(predicate::str::contains("管理者は自分自身の権限・パスワードを変更できません"));
    run(&env, ["--lang", "en", "staff", "grant", "--account", &admin, "--role", "auditor"])
        .code(1)
        .stderr(predicate::str::contains("an administrator cannot manage their own account"));
    run(&env, ["staff", "grant", "--account", "not-an-id", "--role", "auditor"]).code(2);
    assert_eq!(role_of(&env, &sato).as_deref(), Some("auditor"));
    login(&env);
    run(&env, ["staff", "nominate", "--login", "sato", "--role", "number_clerk"]).success();
    run(&env, ["--lang", "en", "staff", "grant", "--account", &sato, "--role", "number_clerk"])
        .code(1)
        .stderr(predicate::str::contains("refused (M13): the role number_manager may not"));
    login_admin(&env);
    run(&env, ["--lang", "ja", "staff", "grant", "--account", &sato, "--role", "number_clerk"])
        .success()
        .stdout(format!("付与しました: {sato} number_clerk\n"));
    assert_eq!(role_of(&env, &sato).as_deref(), Some("number_clerk"));
    // A role that handles no numbers is the administrator's alone to give.
    run(&env, ["--lang", "en", "staff", "grant", "--account", &sato, "--role", "auditor"])
        .success()
        .stdout(format!("granted: {sato} auditor\n"));
}

/// M13 (規程30条): an administrator's reset sets a temporary password that only lets its
/// holder change it; the old password stops working. Only the administrator resets, never
/// their own password, and the temporary password follows the password rule.
#[test]
fn a_password_reset_forces_a_change_at_the_next_sign_in() {
    let (env, ids) = with_admin("ja");
    let (manager, admin) = (id(&ids, "manager"), id(&ids, "administrator"));
    let reset = |lang: &str, account: &str, temporary: &str| {
        env.hogo()
            .arg("--db")
            .arg(env.db())
            .args(["--lang", lang, "staff", "reset-password", "--account", account])
            .write_stdin(format!("{temporary}\n"))
            .assert()
    };
    login(&env);
    reset("en", &admin, "a temporary password")
        .code(1)
        .stderr(predicate::str::contains("only an administrator may do this"));
    login_admin(&env);
    reset("ja", &manager, "short").code(1).stderr(predicate::str::contains("12文字以上"));
    reset("en", &admin, "a temporary password")
        .code(1)
        .stderr(predicate::str::contains("cannot manage their own account"));
    reset("ja", &manager, "a temporary password")
        .success()
        .stdout("再設定しました（次回ログイン時に変更が必要）\n");
    reset("en", &manager, "another temporary one")
        .success()
        .stdout("reset (must change at next sign-in)\n");
    login_as(&env, "manager", MANAGER_PASSWORD)
        .code(1)
        .stderr(predicate::str::contains("wrong login name or password"));
    // The temporary password signs in to a session that may only change the password.
    login_as(&env, "manager", "another temporary one")
        .code(1)
        .stderr(predicate::str::contains("the password must be changed before anything else"));
    run(&env, ["--lang", "ja", "whoami"])
        .code(1)
        .stderr(predicate::str::contains("パスワードの変更が必要です"));
    run(&env, ["--lang", "en", "staff", "list"])
        .code(1)
        .stderr(predicate::str::contains("the password must be changed"));
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["--lang", "en", "password"])
        .write_stdin("another temporary one\nthe manager's new password\n")
        .assert()
        .success()
        .stdout("password changed: sign in again\n");
    login_as(&env, "manager", "the manager's new password").success();
    let me = json(&run(&env, ["--json", "whoami"]).success());
    assert_eq!(me["staff"], manager.as_str());
    assert_eq!(me["role"], "number_manager");
}

/// M13 (規程31条): the administrator revokes every session of an account; a revoked
/// session stops working at once (refused, exit 1) while a new sign-in works. The manager
/// cannot revoke anyone's sessions.
#[test]
fn revoked_sessions_stop_working() {
    let (env, ids) = with_admin("en");
    let manager = id(&ids, "manager");
    // The manager signs in at their own terminal, twice (two sessions).
    for _ in 0..2 {
        env.hogo_in("manager-desk")
            .args(["login", "--login", "manager"])
            .write_stdin(format!("{MANAGER_PASSWORD}\n"))
            .assert()
            .success();
    }
    env.hogo_in("manager-desk").args(["--lang", "en", "whoami"]).assert().success();
    env.hogo_in("manager-desk")
        .args(["--lang", "en", "staff", "revoke-sessions", "--account", &manager])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("only an administrator may do this"));
    login_admin(&env);
    let revoked = run(&env, ["--json", "staff", "revoke-sessions", "--account", &manager]);
    assert_eq!(json(&revoked.success())["revoked"], 2);
    env.hogo_in("manager-desk")
        .args(["--lang", "en", "whoami"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the session was revoked"));
    env.hogo_in("manager-desk")
        .args(["--lang", "ja", "retention", "plan", "--on", "2030-01-01"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("セッションは失効しています"));
    // The administrator's own session is untouched; nothing is left to revoke.
    run(&env, ["--lang", "ja", "staff", "revoke-sessions", "--account", &manager])
        .success()
        .stdout("失効したセッション: 0\n");
    env.hogo_in("manager-desk")
        .args(["login", "--login", "manager"])
        .write_stdin(format!("{MANAGER_PASSWORD}\n"))
        .assert()
        .success();
    env.hogo_in("manager-desk").args(["--json", "whoami"]).assert().success();
    run(&env, ["--lang", "en", "staff", "revoke-sessions", "--account", &manager])
        .success()
        .stdout("sessions revoked: 1\n");
}

/// P10, M13: `hogo password` changes one's own password only with the current one (the
/// new one must follow the password rule), then signs every session of the account out:
/// this terminal's and any other's; the old password no longer works.
#[test]
fn a_password_change_needs_the_old_password_and_signs_every_session_out() {
    let env = fresh();
    init_with(&env, "ja", &[], &format!("{MANAGER_PASSWORD}\n")).success();
    login(&env);
    env.hogo_in("other-desk")
        .args(["login", "--login", "manager"])
        .write_stdin(format!("{MANAGER_PASSWORD}\n"))
        .assert()
        .success();
    let change = |lang: &str, old: &str, new: &str| {
        env.hogo()
            .arg("--db")
            .arg(env.db())
            .args(["--lang", lang, "password"])
            .write_stdin(format!("{old}\n{new}\n"))
            .assert()
    };
    change("ja", "not my password at all", "a brand new password")
        .code(1)
        .stderr(predicate::str::contains("ログイン名またはパスワードが違います"));
    change("en", MANAGER_PASSWORD, "short")
        .code(1)
        .stderr(predicate::str::contains("at least 12 characters"));
    change("en", MANAGER_PASSWORD, MANAGER_PASSWORD)
        .code(1)
        .stderr(predicate::str::contains("the new password equals the current one"));
    // Refusals leave both sessions signed in.
    run(&env, ["whoami"]).success();
    env.hogo_in("other-desk").arg("whoami").assert().success();
    let a = change("ja", MANAGER_PASSWORD, "a brand new password").success();
    assert_eq!(stdout(&a), "パスワードを変更しました。もう一度ログインしてください\n");
    assert!(!stderr(&a).contains("a brand new password"));
    run(&env, ["--lang", "en", "whoami"]).code(1).stderr(predicate::str::contains("not signed in"));
    env.hogo_in("other-desk")
        .args(["--lang", "en", "whoami"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the session was revoked"));
    run(&env, ["--lang", "en", "password"])
        .code(1)
        .stderr(predicate::str::contains("not signed in"));
    login_as(&env, "manager", MANAGER_PASSWORD).code(1);
    login_as(&env, "manager", "a brand new password").success();
    run(&env, ["--lang", "en", "whoami"]).success().stdout(predicate::str::contains("manager"));
}
