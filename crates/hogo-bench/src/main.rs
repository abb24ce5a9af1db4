//! `hogo-bench-report`: runs hogo's macro benchmarks side by side with their baselines in
//! one process and writes the tables as ratios with absolute figures and the machine —
//! printed, and (with `--write FILE`) put between the `bench-report` markers of
//! `docs/benchmarks.md`. `cargo xtask bench-report [--size 10k|100k|1m]` runs it in the
//! release profile. The figures are a report, never a test gate.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "a benchmark report: printing is its job and setup failures are bugs to see at once"
)]

mod ledger;
mod machine;
mod postgres;
mod report;
mod sqlite;
mod vault;

use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::report::Table;

const BEGIN: &str = "<!-- bench-report:begin -->";
const END: &str = "<!-- bench-report:end -->";

/// Parses `10k`, `100k`, `1m` or a plain count.
fn parse_size(s: &str) -> anyhow::Result<usize> {
    let s = s.trim().to_ascii_lowercase();
    let (digits, mult) = match s.strip_suffix('k') {
        Some(d) => (d, 1_000),
        None => s.strip_suffix('m').map_or((s.as_str(), 1), |d| (d, 1_000_000)),
    };
    let n: usize =
        digits.parse().with_context(|| format!("--size: `{s}` is not 10k, 1m or a count"))?;
    if n == 0 {
        bail!("--size must be positive");
    }
    Ok(n * mult)
}

fn main() -> anyhow::Result<()> {
    let mut size = 10_000;
    let mut write: Option<PathBuf> = None;
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--size" => size = parse_size(&args.next().context("--size needs a value")?)?,
            "--write" => write = Some(args.next().context("--write needs a file")?.into()),
            "--only" => only = Some(args.next().context("--only needs a table")?),
            other => bail!(
                "unknown argument `{other}` (use --size 10k|100k|1m, --write FILE, \
                 --only vault|sqlite|ledger|postgres)"
            ),
        }
    }
    if let Some(o) = &only
        && !["vault", "sqlite", "ledger", "postgres"].contains(&o.as_str())
    {
        bail!("--only: `{o}` is not vault, sqlite, ledger or postgres");
    }
    if only.is_some() && write.is_some() {
        bail!("--only and --write together would leave the other tables out of the report");
    }
    let wanted = |t: &str| only.as_deref().is_none_or(|o| o == t);
    eprintln!("hogo bench-report: N = {size}");
    let mut tables: Vec<Table> = Vec::new();
    if wanted("vault") {
        eprintln!("- vault vs raw AES-256-GCM …");
        tables.push(vault::seal_open(size));
    }
    if wanted("sqlite") {
        eprintln!("- bulk collect vs bare SQLite insert, lookup vs decrypt-scan …");
        tables.push(sqlite::collect_and_lookup(size));
    }
    if wanted("ledger") {
        eprintln!("- ledger vs ct-merkle …");
        tables.push(ledger::append(size));
    }
    if wanted("postgres") {
        eprintln!("- hogo on PostgreSQL vs pgcrypto …");
        if let Some(t) = postgres::versus_pgcrypto(size) {
            tables.push(t);
        }
    }
    let md = report::render(&machine::describe(), size, &tables);
    println!("{md}");
    if let Some(path) = write {
        let old =
            std::fs::read_to_string(&path).with_context(|| format!("read {}", path.display()))?;
        let (Some(b), Some(e)) = (old.find(BEGIN), old.find(END)) else {
            bail!("{} has no {BEGIN} … {END} markers", path.display());
        };
        let new = format!("{}{BEGIN}\n{md}\n{}", &old[..b], &old[e..]);
        std::fs::write(&path, new).with_context(|| format!("write {}", path.display()))?;
        eprintln!("written between the markers of {}", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_parse_with_suffixes() {
        assert_eq!(parse_size("10k").unwrap(), 10_000);
        assert_eq!(parse_size("1M").unwrap(), 1_000_000);
        assert_eq!(parse_size("2500").unwrap(), 2_500);
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").is_err());
    }
}
