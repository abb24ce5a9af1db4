//! Shared helpers: a temp folder per test (database, key files, session files), `init`,
//! sign-in, and reading a command's output.

use std::path::PathBuf;

use assert_cmd::Command;
use assert_cmd::assert::Assert;

/// The manager's password set by [`init`] and [`init_with`].
pub(crate) const MANAGER_PASSWORD: &str = "a long enough password";

/// One temp folder: `db/demo.sqlite`, `data/` (key files) and `state/` (session files).
pub(crate) struct Env {
    pub(crate) dir: tempfile::TempDir,
}

impl Env {
    /// A fresh folder. Under `HOGO_KEEP_TEST_FILES=DIR` (set by `cargo xtask ci`) it is
    /// made inside DIR and kept, so the leak scan can read every database, WAL, key file,
    /// export and certificate the tests left (issue 14 ①).
    pub(crate) fn new() -> Self {
        let dir = match std::env::var_os("HOGO_KEEP_TEST_FILES") {
            Some(root) => {
                std::fs::create_dir_all(&root).unwrap();
                tempfile::Builder::new()
                    .prefix("hogo-cli-test-")
                    .disable_cleanup(true)
                    .tempdir_in(root)
                    .unwrap()
            }
            None => tempfile::tempdir().unwrap(),
        };
        Self { dir }
    }
    pub(crate) fn db(&self) -> PathBuf {
        self.dir.path().join("db").join("demo.sqlite")
    }
    pub(crate) fn hogo(&self) -> Command {
        let mut c = Command::cargo_bin("hogo").unwrap();
        c.env_remove("LANG")
            .env_remove("HOGO_DB")
            .env_remove("HOGO_PASSPHRASE")
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_STATE_HOME", self.dir.path().join("state"));
        c
    }
    /// `hogo --db DB` run from another terminal: same database and keys, its own session
    /// file (so two staff members can be signed in at once).
    pub(crate) fn hogo_in(&self, terminal: &str) -> Command {
        let mut c = self.hogo();
        c.env("XDG_STATE_HOME", self.dir.path().join(terminal)).arg("--db").arg(self.db());
        c
    }
}

/// A temp folder whose database folder exists (for `hogo init`).
pub(crate) fn fresh() -> Env {
    let env = Env::new();
    std::fs::create_dir_all(env.db().parent().unwrap()).unwrap();
    env
}

/// `hogo init` of 株式会社テスト with the manager `manager` ([`MANAGER_PASSWORD`]).
pub(crate) fn init(env: &Env, lang: &str) {
    init_with(env, lang, &[], &format!("{MANAGER_PASSWORD}\n")).success();
}

/// `hogo init` with `extra` flags (e.g. `--admin-login admin`, `--json`) and the passwords
/// on `stdin` (the manager's first).
pub(crate) fn init_with(env: &Env, lang: &str, extra: &[&str], stdin: &str) -> Assert {
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args([
            "--lang",
            lang,
            "init",
            "--name",
            "株式会社テスト",
            "--address",
            "東京都千代田区1-1",
            "--representative",
            "代表取締役 テスト",
            "--manager-name",
            "山田 花子",
            "--department",
            "総務部",
            "--controlled-area",
            "サーバ室",
            "--handling-area",
            "総務部",
            "--login",
            "manager",
        ])
        .args(extra)
        .write_stdin(stdin.to_owned())
        .assert()
}

/// Signs the manager in (default terminal).
pub(crate) fn login(env: &Env) {
    login_as(env, "manager", MANAGER_PASSWORD).success();
}

/// `hogo login --login LOGIN` with `password` on stdin (default terminal).
pub(crate) fn login_as(env: &Env, login: &str, password: &str) -> Assert {
    env.hogo()
        .arg("--db")
        .arg(env.db())
        .args(["login", "--login", login])
        .write_stdin(format!("{password}\n"))
        .assert()
}

/// `hogo --db DB ARGS…` in the default terminal.
pub(crate) fn run<const N: usize>(env: &Env, args: [&str; N]) -> Assert {
    env.hogo().arg("--db").arg(env.db()).args(args).assert()
}

pub(crate) fn stdout(a: &Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

pub(crate) fn stderr(a: &Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

pub(crate) fn json(a: &Assert) -> serde_json::Value {
    serde_json::from_slice(&a.get_output().stdout).unwrap()
}
