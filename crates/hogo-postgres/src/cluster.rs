//! A throwaway PostgreSQL cluster for tests and benchmarks (`testkit` feature; used by
//! this crate's tests, the CLI's PostgreSQL test and `hogo-bench`): `initdb` in a temporary
//! directory, `pg_ctl start` on a free port listening on 127.0.0.1 only (its unix socket in
//! the same directory: [`Cluster::socket_url`](crate::cluster::Cluster::socket_url)), one
//! fresh pair of databases (data, keys) per test, and `pg_ctl stop` when the last user drops
//! its handle (a Drop guard: also on panic).
//!
//! The binaries are found with `pg_config --bindir` (Debian does not put `initdb` and
//! `pg_ctl` on `PATH`). Both refuse to run as root: as root they run as the `postgres`
//! user through `runuser -u postgres --`, and the directory is handed to that user.
//! Without `pg_config`, `server` returns `None` and callers print
//! `skipped: PostgreSQL not installed`.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// A running throwaway cluster. Stopped when dropped.
pub struct Cluster {
    bindir: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    as_postgres: bool,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").field("port", &self.port).finish_non_exhaustive()
    }
}

fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).as_deref() == Some("0")
}

static SHARED: Mutex<Weak<Cluster>> = Mutex::new(Weak::new());
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

/// The shared cluster (started on first use, stopped when the last handle is dropped), or
/// `None` when PostgreSQL is not installed.
pub fn server() -> Option<Arc<Cluster>> {
    let mut shared = SHARED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(c) = shared.upgrade() {
        return Some(c);
    }
    let c = Arc::new(Cluster::start()?);
    *shared = Arc::downgrade(&c);
    Some(c)
}

impl Cluster {
    /// Starts a new cluster, or `None` when `pg_config` is not on `PATH`. Panics when the
    /// server is installed but does not start (that is a failure, not a skip).
    pub fn start() -> Option<Self> {
        Self::start_with("")
    }

    /// [`Cluster::start`] with extra `postgres` server options (e.g. `-c
    /// shared_preload_libraries=pg_stat_statements` for the benchmark's diagnostics).
    pub fn start_with(extra_options: &str) -> Option<Self> {
        let bindir = PathBuf::from(output(Command::new("pg_config").arg("--bindir"))?);
        let as_postgres = is_root();
        let dir = tempfile::Builder::new().prefix("hogo-pg-").tempdir().expect("temp dir");
        if as_postgres {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "chown of the cluster directory to the postgres user failed");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let cluster = Self { bindir, dir, port, as_postgres };
        let data = cluster.data_dir();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "-U",
                "hogo",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
        );
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c max_connections=200 {extra_options}",
            cluster.port,
            cluster.dir.path().display()
        );
        let log = cluster.dir.path().join("server.log");
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                &data.to_string_lossy(),
                "-l",
                &log.to_string_lossy(),
                "-o",
                &opts,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        Some(cluster)
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The cluster's directory: its data directory (`data/`: every database's files and
    /// the WAL), the server log (`server.log`) and the unix socket.
    pub fn directory(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Stops the server now, with a checkpoint (`pg_ctl stop -m fast`: what the databases
    /// hold is then in their heap files as well as in the WAL), e.g. to read its files; the
    /// directory stays until the cluster is dropped.
    pub fn stop(&self) {
        let data = self.data_dir();
        self.run("pg_ctl", &["-D", &data.to_string_lossy(), "-m", "fast", "-w", "stop"]);
    }

    fn command(&self, program: &str) -> Command {
        let exe = self.bindir.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = self
            .command(program)
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(
            out.status.success(),
            "{program} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A connection URL for database `db`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://hogo@127.0.0.1:{}/{db}", self.port)
    }

    /// A connection string for database `db` over the cluster's unix socket (its
    /// directory, `-k`), as an embedder on the same host as its database would connect:
    /// no TCP stack between client and server.
    pub fn socket_url(&self, db: &str) -> String {
        format!(
            "host='{}' port={} user=hogo dbname={db}",
            self.dir.path().display().to_string().replace('\\', "\\\\").replace('\'', "\\'"),
            self.port
        )
    }

    /// [`Cluster::socket_url`] of the database a URL of [`Cluster::url`] names.
    pub fn socket_url_of(&self, url: &str) -> String {
        self.socket_url(url.rsplit('/').next().unwrap_or("postgres"))
    }

    /// Creates a fresh, uniquely named database and returns its URL.
    pub fn create_database(&self, stem: &str) -> String {
        let n = NEXT_DB.fetch_add(1, Ordering::SeqCst);
        let name = format!("{stem}_{}_{n}", std::process::id());
        let mut client =
            postgres::Client::connect(&self.url("postgres"), postgres::NoTls).expect("connect");
        client.batch_execute(&format!("CREATE DATABASE {name}")).expect("create database");
        self.url(&name)
    }

    /// A fresh pair of databases: `(data URL, key URL)`.
    pub fn database_pair(&self) -> (String, String) {
        (self.create_database("hogo_data"), self.create_database("hogo_keys"))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data_dir();
        let _ = self
            .command("pg_ctl")
            .args(["-D", &data.to_string_lossy(), "-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
