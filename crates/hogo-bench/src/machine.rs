//! The machine a report was measured on: CPU model, cores, memory, rustc, date.

use std::process::Command;

fn cpuinfo_model() -> Option<String> {
    let s = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    s.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|m| m.trim().to_owned())
}

fn mem_gib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kb: f64 =
        s.lines().find(|l| l.starts_with("MemTotal"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0 / 1024.0)
}

fn command(program: &str, args: &[&str]) -> Option<String> {
    let o = Command::new(program).args(args).output().ok()?;
    o.status.success().then(|| String::from_utf8_lossy(&o.stdout).trim().to_owned())
}

/// One line describing the machine and the moment.
#[allow(clippy::disallowed_methods, reason = "a report is stamped with the wall-clock time it ran")]
pub(crate) fn describe() -> String {
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    format!(
        "Machine: {} · {cores} cores · {:.0} GiB · {} · {} · load {} · {}",
        cpuinfo_model().unwrap_or_else(|| "unknown CPU".into()),
        mem_gib().unwrap_or(0.0),
        command("uname", &["-sr"]).unwrap_or_default(),
        command("rustc", &["--version"]).unwrap_or_default(),
        std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|l| l.split_whitespace().next().map(str::to_owned))
            .unwrap_or_default(),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
    )
}
