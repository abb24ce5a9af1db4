//! Tamper test (issue 14, M5, invariant 2): after `hogo demo`, a copy of the database is
//! altered behind hogo's back — a byte of a stored entry changed, a row deleted, two
//! sequence numbers swapped, the log truncated under its head, a byte flipped in the raw
//! file — and `hogo ledger verify` (no sign-in) must exit 1 and name the first broken
//! position every time.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};

use crate::common::{Env, stderr, stdout};

/// One `hogo demo` run (each test alters its own copy of the database).
struct Demo {
    env: Env,
    /// A standalone copy of the demo's database (`VACUUM INTO`: no WAL, no stale pages).
    base: PathBuf,
    /// The root key file of the demo's database.
    key: PathBuf,
    organisation: Vec<u8>,
    size: i64,
}

fn files_under(p: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(p).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn demo() -> Demo {
    let env = Env::new();
    env.hogo().args(["--lang", "en", "demo", "--db"]).arg(env.db()).assert().success();
    let mut files = Vec::new();
    files_under(&env.dir.path().join("data"), &mut files);
    let key = files
        .into_iter()
        .find(|f| f.extension().is_some_and(|e| e == "key"))
        .expect("the demo's root key file");
    let base = env.dir.path().join("base.sqlite");
    let c = Connection::open(env.db()).unwrap();
    c.execute("VACUUM INTO ?1", [base.to_str().unwrap()]).unwrap();
    let (organisation, size): (Vec<u8>, i64) = c
        .query_row("SELECT organisation, size FROM ledger_heads", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!(size >= 8, "the demo wrote a ledger ({size} entries)");
    Demo { env, base, key, organisation, size }
}

/// A fresh copy of the demo's database named `name`, altered by `tamper`.
fn tampered_copy(d: &Demo, name: &str, tamper: impl FnOnce(&Demo, &Path)) -> PathBuf {
    let copy = d.env.dir.path().join(format!("{name}.sqlite"));
    std::fs::copy(&d.base, &copy).unwrap();
    tamper(d, &copy);
    copy
}

/// `hogo --db COPY ledger verify` with the demo's key file; returns stdout and stderr.
fn verify(d: &Demo, copy: &Path) -> (Option<i32>, String, String) {
    let a = d
        .env
        .hogo()
        .env("HOGO_KEY_FILE", &d.key)
        .args(["--lang", "en", "--db"])
        .arg(copy)
        .args(["ledger", "verify"])
        .assert();
    (a.get_output().status.code(), stdout(&a), stderr(&a))
}

fn assert_broken_at(d: &Demo, copy: &Path, position: i64) {
    let (code, out, err) = verify(d, copy);
    assert_eq!(code, Some(1), "stdout: {out}\nstderr: {err}");
    assert!(out.contains("ledger verification failed (M5)"), "stdout: {out}\nstderr: {err}");
    assert!(out.contains(&format!("entry {position}: ")), "stdout: {out}\nstderr: {err}");
}

fn middle(d: &Demo) -> i64 {
    d.size / 2
}

fn entry_bytes(c: &Connection, d: &Demo, sequence: i64) -> Vec<u8> {
    c.query_row(
        "SELECT bytes FROM ledger_entries WHERE organisation = ?1 AND sequence = ?2",
        params![d.organisation, sequence],
        |r| r.get(0),
    )
    .unwrap()
}

/// M5: the untouched copy verifies (the harness itself does not break the ledger).
#[test]
fn tamper_untouched_copy_verifies() {
    let d = demo();
    let copy = tampered_copy(&d, "untouched", |_, _| {});
    let (code, out, err) = verify(&d, &copy);
    assert_eq!(code, Some(0), "stdout: {out}\nstderr: {err}");
    assert!(out.contains("ledger intact"), "{out}");
}

/// M5, invariant 2: one byte changed in a stored entry's canonical bytes is found at that
/// entry's position.
#[test]
fn tamper_one_changed_byte_in_an_entry_is_found_at_its_position() {
    let d = demo();
    let k = middle(&d);
    let copy = tampered_copy(&d, "byte", |d, p| {
        let c = Connection::open(p).unwrap();
        let mut b = entry_bytes(&c, d, k);
        let i = b.len() / 2;
        b[i] ^= 0x01;
        c.execute(
            "UPDATE ledger_entries SET bytes = ?3 WHERE organisation = ?1 AND sequence = ?2",
            params![d.organisation, k, b],
        )
        .unwrap();
    });
    assert_broken_at(&d, &copy, k);
}

/// M5, invariant 2: a deleted entry row breaks the log at its position.
#[test]
fn tamper_a_deleted_entry_is_found_at_its_position() {
    let d = demo();
    let k = middle(&d);
    let copy = tampered_copy(&d, "deleted", |d, p| {
        let c = Connection::open(p).unwrap();
        let n = c
            .execute(
                "DELETE FROM ledger_entries WHERE organisation = ?1 AND sequence = ?2",
                params![d.organisation, k],
            )
            .unwrap();
        assert_eq!(n, 1);
    });
    assert_broken_at(&d, &copy, k);
}

/// M5, invariant 2: two entries' sequence numbers swapped (reordering) break the log at
/// the first of the two.
#[test]
fn tamper_two_swapped_entries_are_found_at_the_first() {
    let d = demo();
    let k = middle(&d);
    let copy = tampered_copy(&d, "swapped", |d, p| {
        let c = Connection::open(p).unwrap();
        let swap = |from: i64, to: i64| {
            c.execute(
                "UPDATE ledger_entries SET sequence = ?3 WHERE organisation = ?1 AND sequence = ?2",
                params![d.organisation, from, to],
            )
            .unwrap()
        };
        assert_eq!(swap(k, -1), 1);
        assert_eq!(swap(k + 1, k), 1);
        assert_eq!(swap(-1, k + 1), 1);
    });
    assert_broken_at(&d, &copy, k);
}

/// M5, invariant 2: the log truncated under its head (the last rows deleted, the head
/// kept) is found at the first missing position.
#[test]
fn tamper_a_truncated_log_is_found_at_the_first_missing_entry() {
    let d = demo();
    let k = d.size - 3;
    let copy = tampered_copy(&d, "truncated", |d, p| {
        let c = Connection::open(p).unwrap();
        let n = c
            .execute(
                "DELETE FROM ledger_entries WHERE organisation = ?1 AND sequence >= ?2",
                params![d.organisation, k],
            )
            .unwrap();
        assert_eq!(n, 3);
    });
    assert_broken_at(&d, &copy, k);
}

/// M5, invariant 2: a single byte flipped in the raw database file, inside the page that
/// holds an entry, is found at that entry's position (SQLite pages carry no checksum, so
/// the ledger's hashes are what catches it).
#[test]
fn tamper_a_flipped_byte_in_the_raw_file_is_found_at_its_entry() {
    let d = demo();
    let k = middle(&d);
    let copy = tampered_copy(&d, "raw", |d, p| {
        let bytes = {
            let c = Connection::open(p).unwrap();
            entry_bytes(&c, d, k)
        };
        let mut file = std::fs::read(p).unwrap();
        let at = file
            .windows(bytes.len())
            .position(|w| w == bytes.as_slice())
            .expect("the entry's bytes in a page of the file");
        assert!(
            !file[at + 1..].windows(bytes.len()).any(|w| w == bytes.as_slice()),
            "one copy of the entry in the file"
        );
        file[at + bytes.len() / 2] ^= 0x20;
        std::fs::write(p, file).unwrap();
    });
    assert_broken_at(&d, &copy, k);
}

/// M5: a flipped byte in a page header of the ledger's table is refused with exit 1 too
/// (reported as database corruption or as a broken entry, never as an intact ledger).
#[test]
fn tamper_a_flipped_page_header_byte_is_never_reported_intact() {
    let d = demo();
    let copy = tampered_copy(&d, "header", |_, p| {
        let (root, page_size): (i64, i64) = {
            let c = Connection::open(p).unwrap();
            let root = c
                .query_row(
                    "SELECT rootpage FROM sqlite_schema WHERE name = 'ledger_entries'",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            let page_size = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
            (root, page_size)
        };
        let mut file = std::fs::read(p).unwrap();
        // Byte 0 of a b-tree page is its type (2, 5, 10 or 13); 0xff is none of them.
        let at = usize::try_from((root - 1) * page_size).unwrap();
        file[at] = 0xff;
        std::fs::write(p, file).unwrap();
    });
    let (code, out, err) = verify(&d, &copy);
    assert_eq!(code, Some(1), "stdout: {out}\nstderr: {err}");
    assert!(!out.contains("ledger intact"), "{out}");
    assert!(
        out.contains("ledger verification failed (M5)")
            || err.to_lowercase().contains("malformed")
            || err.to_lowercase().contains("corrupt"),
        "stdout: {out}\nstderr: {err}"
    );
}
