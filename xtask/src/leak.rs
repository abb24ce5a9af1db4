//! `cargo xtask leak-scan`: runs `hogo demo` in a throwaway folder and searches every file
//! it left (database, WAL, SHM, key files, KEK store, session, exports) and its captured
//! stdout/stderr for the demo's synthetic numbers and for anything that looks like a My
//! Number by the ledger's own rule ([`find_my_number_like`], one implementation for both).
//!
//! Files are scanned as bytes: exact byte needles for the known numbers (ASCII, full-width,
//! grouped 4-4-4 with a space or hyphen), then the rule over every maximal valid UTF-8 run
//! (invalid bytes separate runs exactly as a lossy decode's U+FFFD would), so every hit is
//! reported with its byte offset in the file.

use std::path::{Path, PathBuf};
use std::process::Command;

use hogo_domain::my_number::find_my_number_like;
use hogo_domain::testkit::{synthetic_number, written_forms as forms};

/// The seeds of every synthetic number `hogo demo` uses (`crates/hogo-cli/src/demo.rs`,
/// `SEEDS`).
pub(crate) const DEMO_SEEDS: [u64; 6] = [9001, 9002, 9003, 9004, 9005, 9006];

/// One finding: where, at which byte offset, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) offset: usize,
    pub(crate) what: String,
}

/// The needles for `seeds`: (label, bytes).
pub(crate) fn needles(seeds: &[u64]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for seed in seeds {
        let n = synthetic_number(*seed);
        for (form, bytes) in forms(n.expose()) {
            out.push((format!("synthetic number (seed {seed}), {form}"), bytes));
        }
    }
    out
}

/// Every hit in `bytes`: the exact needles, then the My-Number-like rule over each valid
/// UTF-8 run. Sorted by offset.
pub(crate) fn scan(bytes: &[u8], needles: &[(String, Vec<u8>)]) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (label, needle) in needles {
        if needle.is_empty() || needle.len() > bytes.len() {
            continue;
        }
        for (i, w) in bytes.windows(needle.len()).enumerate() {
            if w == needle.as_slice() {
                hits.push(Hit { offset: i, what: label.clone() });
            }
        }
    }
    let mut base = 0;
    for chunk in bytes.utf8_chunks() {
        let text = chunk.valid();
        let mut from = 0;
        while let Some(r) = find_my_number_like(&text[from..]) {
            hits.push(Hit {
                offset: base + from + r.start,
                what: format!("My-Number-like run ({} bytes, valid check digit)", r.end - r.start),
            });
            from += r.end.max(1);
        }
        base += text.len() + chunk.invalid().len();
    }
    hits.sort_by_key(|h| h.offset);
    hits
}

/// Every file under `dir` (recursively), sorted.
pub(crate) fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let path = e?.path();
        if path.is_dir() {
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    out.sort();
    Ok(())
}

/// Builds `hogo` and returns the path of the executable (honours `CARGO_TARGET_DIR`).
fn build_hogo(mut cargo: Command) -> Result<PathBuf, String> {
    cargo.args([
        "build",
        "-p",
        "hogo-cli",
        "--bin",
        "hogo",
        "--message-format=json-render-diagnostics",
    ]);
    let out =
        cargo.stderr(std::process::Stdio::inherit()).output().map_err(|e| format!("cargo: {e}"))?;
    if !out.status.success() {
        return Err("building hogo failed".to_owned());
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "hogo")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo reported no `hogo` executable".to_owned())
}

/// A fresh empty folder under the system temp dir (created, never reused).
fn temp_dir() -> Result<PathBuf, String> {
    let base = std::env::temp_dir();
    for i in 0..10_000u32 {
        let dir = base.join(format!("hogo-leak-scan-{}-{i}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("{}: {e}", dir.display())),
        }
    }
    Err("no free temp folder name".to_owned())
}

/// Scans `what` and prints every hit; returns the number of hits.
fn report(what: &str, bytes: &[u8], needles: &[(String, Vec<u8>)]) -> usize {
    let hits = scan(bytes, needles);
    for h in &hits {
        eprintln!("leak-scan: HIT {what} at byte offset {}: {}", h.offset, h.what);
    }
    hits.len()
}

/// `cargo xtask leak-scan [PATH…]`: the demo run, then any extra files or folders given.
pub(crate) fn leak_scan(cargo: Command, extra: &[String]) -> bool {
    eprintln!("\n==> leak-scan");
    let hogo = match build_hogo(cargo) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("leak-scan: {e}");
            return false;
        }
    };
    let dir = match temp_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("leak-scan: {e}");
            return false;
        }
    };
    let out = Command::new(&hogo)
        .env_remove("LANG")
        .env_remove("HOGO_DB")
        .env_remove("HOGO_KEY_FILE")
        .env_remove("HOGO_PASSPHRASE")
        .env_remove("HOGO_LOG")
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .current_dir(&dir)
        .args(["demo", "--db"])
        .arg(dir.join("db").join("demo.sqlite"))
        .stdin(std::process::Stdio::null())
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            eprintln!("leak-scan: {} could not start: {e}", hogo.display());
            return false;
        }
    };
    if !out.status.success() {
        eprintln!(
            "leak-scan: `hogo demo` failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        return false;
    }
    let needles = needles(&DEMO_SEEDS);
    let mut hits = report("stdout of `hogo demo`", &out.stdout, &needles);
    hits += report("stderr of `hogo demo`", &out.stderr, &needles);
    let mut files = Vec::new();
    if let Err(e) = files_under(&dir, &mut files) {
        eprintln!("leak-scan: listing {}: {e}", dir.display());
        return false;
    }
    let mut scanned = vec![];
    for p in extra {
        let p = PathBuf::from(p);
        if p.is_dir() {
            if let Err(e) = files_under(&p, &mut scanned) {
                eprintln!("leak-scan: listing {}: {e}", p.display());
                return false;
            }
        } else {
            scanned.push(p);
        }
    }
    files.extend(scanned);
    let mut bytes_total = 0;
    for f in &files {
        match std::fs::read(f) {
            Ok(b) => {
                bytes_total += b.len();
                hits += report(&f.display().to_string(), &b, &needles);
            }
            Err(e) => {
                eprintln!("leak-scan: reading {}: {e}", f.display());
                return false;
            }
        }
    }
    eprintln!(
        "leak-scan: {} files ({bytes_total} bytes) + stdout ({} bytes) + stderr ({} bytes), {} needles and the My-Number-like rule: {hits} hit(s)",
        files.len(),
        out.stdout.len(),
        out.stderr.len(),
        needles.len()
    );
    const LISTED: usize = 40;
    for f in files.iter().take(LISTED) {
        eprintln!("  scanned {}", f.display());
    }
    if files.len() > LISTED {
        eprintln!("  … and {} more", files.len() - LISTED);
    }
    if hits == 0 {
        let _ = std::fs::remove_dir_all(&dir);
        true
    } else {
        eprintln!("leak-scan: FAILED; the demo's files are kept in {}", dir.display());
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_digits(i: usize) -> String {
        synthetic_number(DEMO_SEEDS[i]).expose().to_owned()
    }

    /// Invariant 1: a synthetic number in a binary file is found in every written form and
    /// reported with its byte offset.
    #[test]
    fn leak_scan_finds_each_form_with_its_offset() {
        let n = demo_digits(0);
        for (form, needle) in forms(&n) {
            let mut bytes = vec![0u8, 0xff, 0xfe, b'x'];
            bytes.extend_from_slice(&needle);
            bytes.extend_from_slice(&[0xc3, 0x28, 0]);
            let hits = scan(&bytes, &needles(&DEMO_SEEDS));
            assert!(!hits.is_empty(), "{form} not found");
            assert!(hits.iter().all(|h| h.offset == 4), "{form}: {hits:?}");
        }
    }

    /// Invariant 1, M7: any valid-check-digit run is a hit even when it is not one of the
    /// demo's numbers; invalid UTF-8 before it does not shift the offset.
    #[test]
    fn leak_scan_applies_the_ledger_rule_to_unknown_numbers() {
        let n = synthetic_number(1).expose().to_owned();
        let mut bytes = vec![0x80, 0x80, 0x80];
        bytes.extend_from_slice(format!("note {n} end").as_bytes());
        let hits = scan(&bytes, &needles(&DEMO_SEEDS));
        assert_eq!(hits, vec![Hit { offset: 8, what: hits[0].what.clone() }]);
    }

    /// M7: a 法人番号 (13 digits), a UUID, long hex and a wrong check digit are not leaks.
    #[test]
    fn leak_scan_ignores_corporate_numbers_uuids_and_bad_check_digits() {
        let n = demo_digits(1);
        let text = format!(
            "法人番号 7{n} 0190f6b2-{}-7abc-8def-{n} deadbeef{n}cafebabe0123 123456789012",
            &n[..4]
        );
        assert_eq!(scan(text.as_bytes(), &needles(&[])), vec![]);
    }

    /// Invariant 1: two leaks in one file are both reported, in file order.
    #[test]
    fn leak_scan_reports_every_hit_not_only_the_first() {
        let (a, b) =
            (synthetic_number(2).expose().to_owned(), synthetic_number(3).expose().to_owned());
        let text = format!("{a}\n{b}");
        let hits = scan(text.as_bytes(), &[]);
        assert_eq!(hits.iter().map(|h| h.offset).collect::<Vec<_>>(), vec![0, 13]);
    }
}
