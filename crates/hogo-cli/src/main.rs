//! `hogo`: the reference CLI. Thin: it parses, signs the staff member in, calls the `hogo`
//! application layer and prints. No rule lives here.
//!
//! Exit codes: 0 ok; 1 refused or invalid input; 2 usage.

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a command-line program prints")]

mod check;
mod i18n;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::i18n::Lang;

/// hogo — My Number and personal-information rules as software.
#[derive(Debug, Parser)]
#[command(name = "hogo", version, about, long_about = None)]
struct Cli {
    /// Language of messages (default: from LANG; Japanese when ja_*).
    #[arg(long, global = true, value_enum)]
    lang: Option<Lang>,
    /// Print JSON (stable field names) instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 個人番号の操作 / My Number commands.
    Mynumber {
        #[command(subcommand)]
        command: MyNumberCommand,
    },
    /// 法人番号の操作 / corporate number commands.
    #[command(name = "corporate-number")]
    CorporateNumber {
        #[command(subcommand)]
        command: CorporateNumberCommand,
    },
}

#[derive(Debug, Subcommand)]
enum MyNumberCommand {
    /// 標準入力の個人番号を1行ずつ検査（保存も表示もしません） / check numbers from stdin, one a line (nothing is stored or echoed).
    Check,
}

#[derive(Debug, Subcommand)]
enum CorporateNumberCommand {
    /// 法人番号を検査 / check corporate numbers.
    Check {
        /// 13-digit corporate numbers (public, so argv is fine).
        #[arg(required = true)]
        numbers: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = Lang::resolve(cli.lang);
    let ok = match cli.command {
        Command::Mynumber { command: MyNumberCommand::Check } => {
            match check::my_numbers(std::io::stdin().lock(), lang) {
                Ok(v) => check::print(&v, cli.json, lang, "個人番号", "My Numbers"),
                Err(e) => {
                    eprintln!("{}: {e}", lang.pick("入力を読めません", "cannot read input"));
                    false
                }
            }
        }
        Command::CorporateNumber { command: CorporateNumberCommand::Check { numbers } } => {
            let v = check::corporate_numbers(&numbers, lang);
            check::print(&v, cli.json, lang, "法人番号", "corporate numbers")
        }
    };
    if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
