//! `hogo`: the reference CLI. Thin: it parses, signs the staff member in, calls the `hogo`
//! application layer and prints. No rule lives here.
//!
//! Exit codes: 0 ok; 1 refused or invalid input; 2 usage.

#[macro_use]
mod out;

mod check;
mod ctx;
mod demo;
mod demo_incident;
mod demo_placement;
mod env;
mod governance;
mod i18n;
mod ledger;
mod numbers;
mod requests;
mod retention;
mod secret;
mod seeker;
mod session;
mod store;
mod subjects;
mod totp;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hogo_domain::OrganisationId;

use crate::ctx::Global;
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
    /// The database file, or a postgres:// URL (then --key-db is required).
    #[arg(long, global = true, env = "HOGO_DB")]
    db: Option<PathBuf>,
    /// The key database's URL when --db is a postgres:// URL (bucket KEKs, kept apart).
    #[arg(long, global = true, env = "HOGO_KEY_DB")]
    key_db: Option<String>,
    /// The root key file (default: outside the database folder, under $XDG_DATA_HOME/hogo/keys).
    #[arg(long, global = true, env = "HOGO_KEY_FILE")]
    key_file: Option<PathBuf>,
    /// The organisation (when the database holds several).
    #[arg(long, global = true)]
    org: Option<OrganisationId>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// デモ: 新しいデータベースでジャーニー1〜3を再生 / replay journeys 1–3 on a fresh database.
    Demo,
    /// 組織・最初の事務取扱責任者・鍵を作成 / create the organisation, its first manager and keys.
    Init(session::InitArgs),
    /// ログイン（パスワードはプロンプトか標準入力） / sign in (password from the prompt or stdin).
    Login(session::LoginArgs),
    /// ログアウト / sign out.
    Logout,
    /// ログイン中の担当者 / who is signed in.
    Whoami,
    /// 自分のパスワードを変更 / change your password.
    Password,
    /// 担当者の管理 / staff.
    Staff {
        #[command(subcommand)]
        command: session::StaffCommand,
    },
    /// 本人（従業員・扶養親族・支払先） / subjects.
    Subject {
        #[command(subcommand)]
        command: subjects::SubjectCommand,
    },
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
    /// 開示等の請求 / requests for disclosure, correction, suspension… (P7, M15).
    Request {
        #[command(subcommand)]
        command: requests::RequestCommand,
    },
    /// 保存期間・廃棄計画・保存の継続 / retention.
    Retention {
        #[command(subcommand)]
        command: retention::RetentionCommand,
    },
    /// 本日が期限の廃棄を実行 / dispose of what is due today.
    Dispose {
        /// 試行（何も消さない） / show what would be disposed.
        #[arg(long)]
        dry_run: bool,
    },
    /// 取扱記録（台帳） / the tamper-evident ledger.
    Ledger {
        #[command(subcommand)]
        command: ledger::LedgerCommand,
    },
    /// 特定個人情報等管理台帳 / the register (M6).
    Register,
    /// 削除証明書（ID省略で一覧） / deletion certificates.
    Certificate {
        /// Certificate id.
        id: Option<String>,
    },
    /// 求職者・求職管理簿（職業紹介） / job seekers and the placement register (doc 000).
    Seeker {
        #[command(subcommand)]
        command: seeker::SeekerCommand,
    },
    /// 漏えい等事案 / incidents (M4).
    Incident {
        #[command(subcommand)]
        command: governance::IncidentCommand,
    },
    /// 委託先の監督 / contractors (M14).
    Contractor {
        #[command(subcommand)]
        command: governance::ContractorCommand,
    },
    /// 持出し: 暗号化ファイル（age）を作成 / carry data out as a sealed age file (M12, P9).
    #[command(name = "carry-out")]
    CarryOut(governance::CarryOutArgs),
    /// 書類・媒体の廃棄を記録 / record a paper or media disposal (M11).
    #[command(name = "dispose-media")]
    DisposeMedia(governance::DisposeMediaArgs),
    /// 研修・秘密保持誓約 / training and undertakings (P6, M16).
    Training {
        #[command(subcommand)]
        command: governance::TrainingCommand,
    },
    /// 苦情 / complaints (P8).
    Complaint {
        #[command(subcommand)]
        command: governance::ComplaintCommand,
    },
    /// 点検（自己点検） / self-inspection (M16, Art. 45).
    Review(governance::ReviewArgs),
    /// 期限超過・期限間近の一覧 / what is overdue or due soon.
    Status,
    /// 管理区域・取扱区域 / the controlled and handling areas (M12).
    Areas {
        #[command(subcommand)]
        command: governance::AreasCommand,
    },
    /// 管理間隔の設定 / governance intervals (P6, P8, M16).
    Governance {
        #[command(subcommand)]
        command: governance::GovernanceCommand,
    },
    /// 自分の二要素認証（TOTP）の登録 / enrol your TOTP second factor (P10, M13).
    Totp {
        #[command(subcommand)]
        command: totp::TotpCommand,
    },
}

#[derive(Debug, Subcommand)]
enum MyNumberCommand {
    /// 標準入力の個人番号を1行ずつ検査（保存も表示もしません） / check numbers from stdin, one a line (nothing is stored or echoed).
    Check,
    #[command(flatten)]
    Other(numbers::NumberCommand),
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

fn lang_from_argv(args: &[std::ffi::OsString]) -> Lang {
    let mut flag = None;
    for (i, a) in args.iter().enumerate() {
        match a.to_str() {
            Some("--lang=ja") => flag = Some(Lang::Ja),
            Some("--lang=en") => flag = Some(Lang::En),
            Some("--lang") => match args.get(i + 1).and_then(|v| v.to_str()) {
                Some("ja") => flag = Some(Lang::Ja),
                Some("en") => flag = Some(Lang::En),
                _ => {}
            },
            _ => {}
        }
    }
    Lang::resolve(flag)
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HOGO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

fn run(cli: Cli) -> anyhow::Result<bool> {
    let lang = Lang::resolve(cli.lang);
    let g = Global {
        lang,
        json: cli.json,
        db: cli.db,
        key_file: cli.key_file,
        key_db: cli.key_db,
        org: cli.org,
    };
    Ok(match cli.command {
        Command::Mynumber { command: MyNumberCommand::Check } => {
            let v = check::my_numbers(std::io::stdin().lock(), lang)?;
            check::print(&v, g.json, lang, "個人番号", "My Numbers")
        }
        Command::CorporateNumber { command: CorporateNumberCommand::Check { numbers } } => {
            let v = check::corporate_numbers(&numbers, lang);
            check::print(&v, g.json, lang, "法人番号", "corporate numbers")
        }
        Command::Mynumber { command: MyNumberCommand::Other(c) } => numbers::run(&g, c)?,
        Command::Demo => {
            if g.db.as_deref().is_some_and(ctx::is_postgres_url) {
                ctx::demo_postgres(&g)?;
            } else {
                demo::run(&g)?;
            }
            true
        }
        Command::Init(a) => {
            session::init(&g, a)?;
            true
        }
        Command::Login(a) => {
            session::login(&g, &a)?;
            true
        }
        Command::Logout => {
            session::logout(&g)?;
            true
        }
        Command::Whoami => {
            session::whoami(&g)?;
            true
        }
        Command::Password => {
            session::password(&g)?;
            true
        }
        Command::Staff { command } => {
            session::staff(&g, command)?;
            true
        }
        Command::Subject { command } => subjects::run(&g, command)?,
        Command::Request { command } => requests::run(&g, command)?,
        Command::Retention { command } => retention::run(&g, command)?,
        Command::Dispose { dry_run } => retention::dispose(&g, dry_run)?,
        Command::Certificate { id } => retention::certificate(&g, id)?,
        Command::Ledger { command } => ledger::run(&g, command)?,
        Command::Register => ledger::register(&g)?,
        Command::Seeker { command } => seeker::run(&g, command)?,
        Command::Incident { command } => governance::incident(&g, command)?,
        Command::Contractor { command } => governance::contractor(&g, command)?,
        Command::CarryOut(a) => governance::carry_out(&g, a)?,
        Command::DisposeMedia(a) => governance::dispose_media(&g, a)?,
        Command::Training { command } => governance::training(&g, command)?,
        Command::Complaint { command } => governance::complaint(&g, command)?,
        Command::Review(a) => governance::review(&g, a)?,
        Command::Status => governance::status(&g)?,
        Command::Areas { command } => governance::areas(&g, command)?,
        Command::Governance { command } => governance::governance_cmd(&g, command)?,
        Command::Totp { command } => {
            totp::run(&g, command)?;
            true
        }
    })
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let early_lang = lang_from_argv(&args);
    if let Err(e) = secret::refuse_numbers_in_argv(&args) {
        errln!("{}", out::explain(&e, early_lang));
        return ExitCode::from(1);
    }
    let cli = Cli::parse();
    init_tracing();
    let lang = Lang::resolve(cli.lang);
    match run(cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            errln!("{}: {}", lang.pick("エラー", "error"), out::explain(&e, lang));
            ExitCode::from(1)
        }
    }
}
