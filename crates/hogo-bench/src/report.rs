//! Tables of measured pairs (hogo vs a baseline) rendered as Markdown with ratios.

use std::time::Duration;

/// One measured pair.
pub(crate) struct Pair {
    /// What hogo does, in a few words.
    pub(crate) hogo: String,
    /// hogo's time.
    pub(crate) hogo_time: Duration,
    /// What the baseline does.
    pub(crate) baseline: String,
    /// The baseline's time.
    pub(crate) baseline_time: Duration,
    /// How many operations each time covers (for the per-operation column).
    pub(crate) ops: usize,
}

/// A titled group of pairs with a note on how to read it.
pub(crate) struct Table {
    pub(crate) title: &'static str,
    pub(crate) note: String,
    pub(crate) pairs: Vec<Pair>,
}

fn per_op(d: Duration, ops: usize) -> String {
    let us = d.as_secs_f64() * 1e6 / ops.max(1) as f64;
    if us >= 1000.0 { format!("{:.2} ms", us / 1000.0) } else { format!("{us:.2} µs") }
}

fn total(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1000.0)
    } else {
        format!("{:.2} µs", s * 1e6)
    }
}

/// `hogo / baseline`, written the way it reads best ("3.1× slower" or "1 200× faster").
pub(crate) fn ratio(hogo: Duration, baseline: Duration) -> String {
    let r = hogo.as_secs_f64() / baseline.as_secs_f64().max(1e-12);
    let inverse = 1.0 / r.max(1e-12);
    if r >= 1.0 {
        format!("{r:.1}× the baseline's time")
    } else if inverse < 10.0 {
        format!("**{inverse:.1}× faster**")
    } else {
        format!("**{inverse:.0}× faster**")
    }
}

/// The whole report.
pub(crate) fn render(machine: &str, n: usize, tables: &[Table]) -> String {
    let mut out = format!(
        "### `cargo xtask bench-report` (N = {n})\n\n{machine}\n\nRelease profile, one process, \
         one pass per row (lookups: p50 of the listed count). Rerun with \
         `cargo xtask bench-report --size 10k|100k|1m`.\n"
    );
    for t in tables {
        out.push_str(&format!(
            "\n#### {}\n\n{}\n\n| hogo | time | per op | baseline | time | per op | ratio |\n|---|---|---|---|---|---|---|\n",
            t.title, t.note
        ));
        for p in &t.pairs {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                p.hogo,
                total(p.hogo_time),
                per_op(p.hogo_time, p.ops),
                p.baseline,
                total(p.baseline_time),
                per_op(p.baseline_time, p.ops),
                ratio(p.hogo_time, p.baseline_time)
            ));
        }
    }
    out
}

/// The median of some durations.
pub(crate) fn p50(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_reads_both_ways() {
        assert_eq!(
            ratio(Duration::from_millis(30), Duration::from_millis(10)),
            "3.0× the baseline's time"
        );
        assert_eq!(ratio(Duration::from_micros(10), Duration::from_millis(20)), "**2000× faster**");
        assert_eq!(ratio(Duration::from_millis(8), Duration::from_millis(10)), "**1.2× faster**");
    }

    #[test]
    fn render_has_one_row_per_pair() {
        let t = Table {
            title: "t",
            note: "n".into(),
            pairs: vec![Pair {
                hogo: "a".into(),
                hogo_time: Duration::from_millis(2),
                baseline: "b".into(),
                baseline_time: Duration::from_millis(1),
                ops: 1000,
            }],
        };
        let md = render("machine", 1000, &[t]);
        assert!(md.contains(
            "| a | 2.00 ms | 2.00 µs | b | 1.00 ms | 1.00 µs | 2.0× the baseline's time |"
        ));
    }
}
