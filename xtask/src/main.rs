//! `cargo xtask`: the project's automation, written in Rust.
//!
//! - `cargo xtask ci` — everything CI checks: format, clippy with `-D warnings`, every
//!   test (nextest when installed, plus doctests), docs with `-D warnings`, the tidy
//!   checks (ordinary tests in this crate, run with the rest), and the fuzz targets'
//!   compilation, the leak scan after the tests, and `cargo deny check licenses bans
//!   sources` when cargo-deny is installed (skipped with a message otherwise; a
//!   failure under `CI=true`, where `.ci/run` installs it).
//! - `cargo xtask tidy` — only the tidy checks.
//! - `cargo xtask leak-scan [PATH…]` — runs `hogo demo` in a throwaway folder and fails on
//!   any synthetic or My-Number-like number in its files or output (see [`leak`]); extra
//!   files or folders given are scanned too.
//! - `cargo xtask bench-report [--size 10k|100k|1m]` — the macro benchmarks side by side
//!   with their baselines in one process (`hogo-bench`, release profile); prints the tables
//!   and writes them between the `bench-report` markers of `docs/benchmarks.md`.
//! - `cargo xtask soak [KILLS]` — the SIGKILL crash test of hogo-sqlite, release profile,
//!   with `HOGO_CRASH_KILLS` = KILLS (default 2000); prints the kills and the time taken.

#![allow(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "xtask is a command-line program: printing is its job"
)]

mod leak;
#[cfg(test)]
mod tidy;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(root());
    c
}

/// Runs one step, printing its name; returns whether it passed.
fn step(name: &str, mut cmd: Command) -> bool {
    eprintln!("\n==> {name}");
    match cmd.status() {
        Ok(s) if s.success() => true,
        Ok(s) => {
            eprintln!("xtask: step `{name}` failed ({s})");
            false
        }
        Err(e) => {
            eprintln!("xtask: step `{name}` could not start: {e}");
            false
        }
    }
}

fn has_nextest() -> bool {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn has_cargo_deny() -> bool {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["deny", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `cargo deny check licenses bans sources` (deny.toml); advisories are left out: they need
/// the network advisory database.
fn deny() -> bool {
    if !has_cargo_deny() {
        if std::env::var_os("CI").is_some_and(|v| v == "true") {
            eprintln!(
                "\n==> cargo deny: FAILED: CI=true but cargo-deny is not installed (.ci/run installs it)"
            );
            return false;
        }
        eprintln!(
            "\n==> cargo deny: skipped: cargo-deny not installed (cargo install cargo-deny --locked)"
        );
        return true;
    }
    let mut d = cargo();
    d.args(["deny", "--all-features", "--locked", "check", "licenses", "bans", "sources"]);
    step("cargo deny check licenses bans sources", d)
}

fn ci() -> bool {
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check"]);
    if !step("fmt --check", fmt) {
        return false;
    }
    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]);
    if !step("clippy -D warnings", clippy) {
        return false;
    }
    // The CLI tests keep their folders here, and nextest's JUnit report keeps every
    // test's output: the leak scan reads both after the run.
    let kept = root().join("target/leak-scan/tests");
    let _ = std::fs::remove_dir_all(&kept);
    let junit = root().join("target/nextest/ci/junit.xml");
    let _ = std::fs::remove_file(&junit);
    let tests_ok = if has_nextest() {
        let mut t = cargo();
        t.args(["nextest", "run", "--profile", "ci", "--workspace", "--all-features", "--locked"])
            .env("HOGO_KEEP_TEST_FILES", &kept)
            .env("HOGO_CRASH_KILLS", CI_CRASH_KILLS.to_string());
        let unit = step("tests (nextest)", t);
        let mut d = cargo();
        d.args(["test", "--doc", "--workspace", "--all-features", "--locked"]);
        step("doctests", d) && unit
    } else {
        let mut t = cargo();
        t.args(["test", "--workspace", "--all-features", "--locked", "--no-fail-fast"])
            .env("HOGO_KEEP_TEST_FILES", &kept)
            .env("HOGO_CRASH_KILLS", CI_CRASH_KILLS.to_string());
        step("tests (cargo test)", t)
    };
    if !tests_ok {
        return false;
    }
    let scanned: Vec<String> =
        [kept, junit].iter().filter(|p| p.exists()).map(|p| p.display().to_string()).collect();
    if !leak::leak_scan(cargo(), &scanned) {
        return false;
    }
    let mut doc = cargo();
    doc.args(["doc", "--workspace", "--no-deps", "--all-features", "--locked"])
        .env("RUSTDOCFLAGS", "-D warnings");
    if !step("doc -D warnings", doc) {
        return false;
    }
    if !deny() {
        return false;
    }
    let fuzz = root().join("fuzz/Cargo.toml");
    if fuzz.exists() {
        let mut f = cargo();
        f.args(["check", "--locked", "--manifest-path"]).arg(&fuzz).arg("--bins");
        if !step("fuzz targets compile", f) {
            return false;
        }
    }
    eprintln!("\nxtask ci: all steps passed");
    true
}

/// The kills of the crash test in `cargo xtask ci` (issue 14 ②: a bounded run of a few
/// hundred; about 1–3 minutes in the debug profile on 2 cores).
const CI_CRASH_KILLS: u64 = 200;

/// The kills of `cargo xtask soak` when none are given.
const SOAK_KILLS: u64 = 2000;

/// `cargo xtask soak [KILLS]`: the crash test with many kills (release profile).
fn soak(args: &[String]) -> bool {
    let kills = match args.first().map(|a| a.parse::<u64>()) {
        None => SOAK_KILLS,
        Some(Ok(k)) if k > 0 => k,
        Some(_) => {
            eprintln!("usage: cargo xtask soak [KILLS]  (a positive number, default {SOAK_KILLS})");
            return false;
        }
    };
    let mut build = cargo();
    build.args(["test", "--release", "-p", "hogo-sqlite", "--test", "it", "--no-run"]);
    if !step("soak: build the crash test (release)", build) {
        return false;
    }
    let mut t = cargo();
    t.args([
        "test",
        "--release",
        "-p",
        "hogo-sqlite",
        "--test",
        "it",
        "--",
        "--exact",
        "crash::sigkill_at_random_points_leaves_a_consistent_store",
    ])
    .env("HOGO_CRASH_KILLS", kills.to_string());
    let started = std::time::Instant::now();
    let ok = step(&format!("soak: {kills} SIGKILLs, store reopened and checked after each"), t);
    let secs = started.elapsed().as_secs_f64();
    if ok {
        eprintln!("soak: {kills} kills, every reopen consistent, {secs:.1} s");
    } else {
        eprintln!("soak: FAILED after {secs:.1} s (of {kills} kills planned)");
    }
    ok
}

/// `cargo xtask bench-report [--size N] [--only TABLE]`: runs `hogo-bench-report` in the
/// release profile and lets it rewrite the generated section of `docs/benchmarks.md` (not
/// with `--only`, which prints one table).
fn bench_report(args: &[String]) -> bool {
    let mut c = cargo();
    c.args([
        "run",
        "--release",
        "--locked",
        "-p",
        "hogo-bench",
        "--bin",
        "hogo-bench-report",
        "--",
    ]);
    c.args(args);
    // One table alone (`--only postgres`) is printed, never written over the full report.
    if !args.iter().any(|a| a == "--only") {
        c.arg("--write").arg(root().join("docs/benchmarks.md"));
    }
    step("bench-report", c)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ok = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("tidy") => {
            let mut t = cargo();
            t.args(["test", "-p", "xtask", "--", "tidy"]);
            step("tidy", t)
        }
        Some("leak-scan") => leak::leak_scan(cargo(), &args[1..]),
        Some("soak") => soak(&args[1..]),
        Some("bench-report") => bench_report(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <ci|tidy|leak-scan [PATH…]|soak [KILLS]|bench-report [--size 10k|100k|1m] [--only TABLE]>"
            );
            false
        }
    };
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
