//! Tidy checks, written as ordinary tests so `cargo test` runs them: module docs, the
//! crate graph of `docs/architecture.md`, core crates free of clock / randomness / I/O
//! calls, and no dependency above the toolchain's rust-version.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Core crates: no adapter, no clock, no OS randomness, no I/O.
pub(crate) const CORE: &[&str] = &[
    "hogo-domain",
    "hogo-vault",
    "hogo-ledger",
    "hogo-retention",
    "hogo-requests",
    "hogo-auth",
    "hogo-governance",
    "hogo",
];

/// Adapters and front ends: may depend on the core, never the reverse.
pub(crate) const ADAPTERS: &[&str] =
    &["hogo-sqlite", "hogo-postgres", "hogo-export", "hogo-cli", "hogo-server", "hogo-bench"];

/// External crates a core crate must never reach through normal dependencies.
pub(crate) const FORBIDDEN_IN_CORE: &[&str] =
    &["clap", "rusqlite", "libsqlite3-sys", "postgres", "tokio"];

/// Calls that read the clock or OS randomness, or do I/O, refused in core sources.
pub(crate) const FORBIDDEN_CALLS: &[&str] = &[
    "Utc::now",
    "Local::now",
    "SystemTime::now",
    "Instant::now",
    "getrandom",
    "rand::",
    "OsRng",
    "thread_rng",
    "new_v4",
    "now_v7",
    "std::fs",
    "std::net",
    "File::open",
    "File::create",
];

/// The highest rust-version a dependency may declare (the only toolchain here).
pub(crate) const MAX_RUST_VERSION: (u64, u64) = (1, 95);

/// Which hogo crates each hogo crate may depend on (normal and build edges).
pub(crate) fn allowed_hogo_edges(krate: &str) -> &'static [&'static str] {
    match krate {
        "hogo-domain" => &[],
        "hogo-vault" | "hogo-ledger" | "hogo-retention" | "hogo-requests" | "hogo-auth"
        | "hogo-governance" => &["hogo-domain"],
        "hogo" => &[
            "hogo-domain",
            "hogo-vault",
            "hogo-ledger",
            "hogo-retention",
            "hogo-requests",
            "hogo-auth",
            "hogo-governance",
        ],
        "hogo-sqlite" | "hogo-postgres" | "hogo-export" => &[
            "hogo",
            "hogo-domain",
            "hogo-vault",
            "hogo-ledger",
            "hogo-retention",
            "hogo-requests",
            "hogo-auth",
            "hogo-governance",
        ],
        "hogo-cli" | "hogo-server" | "hogo-bench" => &[
            "hogo",
            "hogo-domain",
            "hogo-vault",
            "hogo-ledger",
            "hogo-retention",
            "hogo-requests",
            "hogo-auth",
            "hogo-governance",
            "hogo-sqlite",
            "hogo-postgres",
            "hogo-export",
        ],
        _ => &[],
    }
}

/// A dependency graph: package name → names of its normal dependencies.
pub(crate) type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every violation of the layering in `graph` (direct hogo edges and transitive
/// forbidden crates reachable from core crates).
pub(crate) fn layering_violations(graph: &Graph) -> Vec<String> {
    let mut out = Vec::new();
    for (krate, deps) in graph {
        if !krate.starts_with("hogo") {
            continue;
        }
        for dep in deps.iter().filter(|d| d.starts_with("hogo")) {
            if !allowed_hogo_edges(krate).contains(&dep.as_str()) {
                out.push(format!("{krate} -> {dep} points outward"));
            }
        }
    }
    for core in CORE {
        let mut seen = BTreeSet::new();
        let mut stack = vec![(*core).to_owned()];
        while let Some(n) = stack.pop() {
            if !seen.insert(n.clone()) {
                continue;
            }
            if FORBIDDEN_IN_CORE.contains(&n.as_str()) || ADAPTERS.contains(&n.as_str()) {
                out.push(format!("{core} reaches {n} through normal dependencies"));
            }
            if let Some(deps) = graph.get(&n) {
                stack.extend(deps.iter().cloned());
            }
        }
    }
    out
}

/// Parses `major.minor[.patch]`.
pub(crate) fn parse_version(v: &str) -> Option<(u64, u64)> {
    let mut it = v.split('.');
    Some((it.next()?.parse().ok()?, it.next().unwrap_or("0").parse().ok()?))
}

/// Lines of `source` (outside `//` comments) that contain a forbidden call.
pub(crate) fn forbidden_calls(source: &str) -> Vec<(usize, &'static str)> {
    let mut hits = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for pat in FORBIDDEN_CALLS {
            if code.contains(pat) {
                hits.push((i + 1, *pat));
            }
        }
    }
    hits
}

/// Whether a Rust source file starts with an inner doc comment (`//!`), allowing
/// leading blank lines and `#![...]` attributes.
pub(crate) fn has_module_doc(source: &str) -> bool {
    source
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("#!["))
        .is_some_and(|l| l.starts_with("//!"))
}

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

pub(crate) fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::process::Command;

    fn metadata() -> Value {
        let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args(["metadata", "--format-version", "1", "--locked"])
            .current_dir(workspace_root())
            .output()
            .expect("cargo metadata runs");
        assert!(
            out.status.success(),
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("metadata is JSON")
    }

    /// The normal-dependency graph by package name, from `cargo metadata`'s resolve.
    fn normal_graph(meta: &Value) -> Graph {
        let names: BTreeMap<&str, &str> = meta["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| Some((p["id"].as_str()?, p["name"].as_str()?)))
            .collect();
        let mut g = Graph::new();
        for node in meta["resolve"]["nodes"].as_array().into_iter().flatten() {
            let Some(name) = node["id"].as_str().and_then(|id| names.get(id)) else { continue };
            let entry = g.entry((*name).to_owned()).or_default();
            for dep in node["deps"].as_array().into_iter().flatten() {
                let normal = dep["dep_kinds"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|k| k["kind"].is_null() || k["kind"] == "build");
                if let (true, Some(dn)) = (normal, dep["pkg"].as_str().and_then(|id| names.get(id)))
                {
                    entry.insert((*dn).to_owned());
                }
            }
        }
        g
    }

    /// Architecture invariant: dependencies point inward only, and no core crate reaches
    /// clap, rusqlite, postgres or tokio (docs/architecture.md).
    #[test]
    fn tidy_crate_graph_points_inward() {
        let g = normal_graph(&metadata());
        assert!(g.contains_key("hogo-domain"), "hogo-domain must be in the workspace");
        let v = layering_violations(&g);
        assert!(v.is_empty(), "layering violations:\n{}", v.join("\n"));
    }

    /// The tidy check really catches a forbidden edge (a core crate on an adapter, and a
    /// core crate reaching rusqlite transitively).
    #[test]
    fn tidy_catches_forbidden_edges() {
        let mut g = Graph::new();
        g.entry("hogo-domain".into()).or_default().insert("hogo-sqlite".into());
        g.entry("hogo-vault".into()).or_default().insert("some-helper".into());
        g.entry("some-helper".into()).or_default().insert("rusqlite".into());
        let v = layering_violations(&g);
        assert!(v.iter().any(|m| m.contains("hogo-domain -> hogo-sqlite")), "{v:?}");
        assert!(v.iter().any(|m| m.contains("hogo-vault reaches rusqlite")), "{v:?}");
        let mut ok = Graph::new();
        ok.entry("hogo-sqlite".into()).or_default().insert("hogo".into());
        ok.entry("hogo-sqlite".into()).or_default().insert("rusqlite".into());
        assert!(layering_violations(&ok).is_empty());
    }

    /// Invariant 5: core sources call no clock, OS randomness or I/O.
    #[test]
    fn tidy_core_sources_read_no_clock_or_randomness() {
        let mut bad = Vec::new();
        for krate in CORE {
            let mut files = Vec::new();
            rust_files(&workspace_root().join("crates").join(krate).join("src"), &mut files);
            for f in files {
                let text = std::fs::read_to_string(&f).unwrap_or_default();
                for (line, pat) in forbidden_calls(&text) {
                    bad.push(format!("{}:{line}: {pat}", f.display()));
                }
            }
        }
        assert!(bad.is_empty(), "forbidden calls in core crates:\n{}", bad.join("\n"));
    }

    /// The scanner itself catches the calls it is meant to catch, and ignores comments.
    #[test]
    fn tidy_catches_forbidden_calls() {
        assert_eq!(forbidden_calls("let t = chrono::Utc::now();").len(), 1);
        assert_eq!(forbidden_calls("let id = Uuid::new_v4();").len(), 1);
        assert!(forbidden_calls("// Utc::now is refused here").is_empty());
    }

    /// Style: every crate and module has a `//!` doc.
    #[test]
    fn tidy_every_module_has_a_doc() {
        let mut files = Vec::new();
        let root = workspace_root();
        for dir in ["crates", "xtask/src"] {
            rust_files(&root.join(dir), &mut files);
        }
        let missing: Vec<String> = files
            .iter()
            .filter(|f| !f.components().any(|c| c.as_os_str() == "target"))
            .filter(|f| !has_module_doc(&std::fs::read_to_string(f).unwrap_or_default()))
            .map(|f| f.display().to_string())
            .collect();
        assert!(missing.is_empty(), "files without a //! module doc:\n{}", missing.join("\n"));
        assert!(!has_module_doc("fn main() {}"));
        assert!(has_module_doc("#![forbid(unsafe_code)]\n//! doc\n"));
    }

    /// Toolchain: no dependency declares a rust-version above 1.95.
    #[test]
    fn tidy_no_dependency_needs_a_newer_rustc() {
        let meta = metadata();
        let too_new: Vec<String> = meta["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| {
                let rv = parse_version(p["rust_version"].as_str()?)?;
                (rv > MAX_RUST_VERSION)
                    .then(|| format!("{} {} needs rustc {rv:?}", p["name"], p["version"]))
            })
            .collect();
        assert!(too_new.is_empty(), "{}", too_new.join("\n"));
        assert_eq!(parse_version("1.96"), Some((1, 96)));
        assert!(parse_version("1.96").unwrap() > MAX_RUST_VERSION);
    }
}
