//! `hogo init`, `login`, `logout`, `whoami`, `password` and `staff …`: who is acting, for
//! which organisation (issue 9's CLI). The session token lives in a 0600 file per
//! database; only its hash is in the database.

use anyhow::Result;
use clap::{Args, Subcommand};
use hogo::organisation::{Areas, OrganisationInput, ResponsiblePeople};
use hogo::setup::{InitInput, NewAccount};
use hogo_auth::RoleGrant;
use hogo_domain::{Affair, AffairSet, Role, StaffId};
use hogo_governance::ids::ContractorId;
use secrecy::SecretString;
use serde_json::json;

use crate::ctx::{Ctx, Global};
use crate::env::StoredSession;
use crate::out;
use crate::secret;

/// `hogo init` options.
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// 事業者名 / organisation name.
    #[arg(long)]
    name: String,
    /// 所在地 / address.
    #[arg(long)]
    address: String,
    /// 法人番号 / corporate number (public).
    #[arg(long)]
    corporate_number: Option<String>,
    /// 代表者 / representative.
    #[arg(long)]
    representative: String,
    /// 事務取扱責任者の氏名 / the number manager's name.
    #[arg(long)]
    manager_name: String,
    /// 担当部署 / responsible department.
    #[arg(long)]
    department: String,
    /// 管理区域 / controlled area (repeatable).
    #[arg(long = "controlled-area", required = true)]
    controlled: Vec<String>,
    /// 取扱区域 / handling area (repeatable).
    #[arg(long = "handling-area", required = true)]
    handling: Vec<String>,
    /// 個人番号関係事務 (stable ids, comma separated; default: all).
    #[arg(long, value_delimiter = ',')]
    affairs: Vec<String>,
    /// 利用目的の通知文 / purpose notice.
    #[arg(
        long,
        default_value = "源泉徴収票作成事務、社会保険・雇用保険届出事務のために利用します"
    )]
    purpose_notice: String,
    /// 出力に利用申請の承認を要する / outputs need the manager's use approval (Art. 6②).
    #[arg(long)]
    use_approval: bool,
    /// 廃棄に承認を要する / disposal needs the manager's approval.
    #[arg(long)]
    disposal_approval: bool,
    /// 番号を扱う役割に二要素認証を要する / number roles must use TOTP.
    #[arg(long)]
    require_totp: bool,
    /// 事務取扱責任者のログイン名 / the manager's login.
    #[arg(long)]
    login: String,
    /// 表示名 / the manager's display name.
    #[arg(long)]
    display_name: Option<String>,
    /// システム管理者のログイン名（職務分離） / a separate administrator's login.
    #[arg(long)]
    admin_login: Option<String>,
    /// 個人情報取扱責任者の氏名（職業紹介を行う場合） / the privacy officer's name (placement agencies, P5).
    #[arg(long)]
    privacy_officer: Option<String>,
    /// 求職者に明示する利用目的 (ids, comma separated; `all` for the eight of doc 000) / purposes stated to job seekers (P1).
    #[arg(long, value_delimiter = ',')]
    placement_purposes: Vec<String>,
}

/// Parses affair ids.
pub(crate) fn affairs(ids: &[String]) -> Result<AffairSet> {
    if ids.is_empty() {
        return Ok(AffairSet::all());
    }
    let mut set = AffairSet::EMPTY;
    for id in ids {
        let a = Affair::from_id(id.trim()).ok_or_else(|| {
            anyhow::anyhow!(
                "--affairs: 「{id}」は事務の種類ではありません / {id} is not an affair id ({})",
                affair_ids()
            )
        })?;
        set = set.with(a);
    }
    Ok(set)
}

/// Parses the purposes stated to job seekers (P1): ids, or `all`.
fn placement_purposes(ids: &[String]) -> Result<Vec<hogo_domain::Purpose>> {
    if ids.iter().any(|i| i.trim() == "all") {
        return Ok(hogo_domain::Purpose::ALL.to_vec());
    }
    ids.iter()
        .map(|id| {
            hogo_domain::placement::parse_stated_purpose(id).map_err(|r| {
                anyhow::anyhow!(
                    "--placement-purposes: {} / {} ({})",
                    r.message_ja,
                    r.message_en,
                    r.rule
                )
            })
        })
        .collect()
}

/// Every affair id, for messages.
pub(crate) fn affair_ids() -> String {
    Affair::ALL.iter().map(|a| a.id()).collect::<Vec<_>>().join(", ")
}

fn new_password(ctx_lang: crate::i18n::Lang, who: &str) -> Result<SecretString> {
    let p = secret::read_line(ctx_lang.pick(
        &format!("{who} のパスワード（12文字以上）: "),
        &format!("password for {who} (12+ characters): "),
    ))?;
    Ok(SecretString::from(p.as_str().to_owned()))
}

/// `hogo init`.
pub(crate) fn init(g: &Global, a: InitArgs) -> Result<()> {
    let ctx = Ctx::open(g, true)?;
    let lang = ctx.lang;
    let manager_pw = new_password(lang, &a.login)?;
    let admin = match &a.admin_login {
        Some(l) => Some(NewAccount {
            login: l.clone(),
            display_name: l.clone(),
            password: new_password(lang, l)?,
        }),
        None => None,
    };
    let input = InitInput {
        organisation: OrganisationInput {
            name: a.name,
            address: a.address,
            corporate_number: a.corporate_number,
            responsible: ResponsiblePeople {
                number_manager: a.manager_name.clone(),
                department: a.department,
                privacy_officer: a.privacy_officer,
                representative: a.representative,
            },
            areas: Areas { controlled: a.controlled, handling: a.handling },
            affairs: affairs(&a.affairs)?,
            purposes: placement_purposes(&a.placement_purposes)?,
            use_approval_required: a.use_approval,
            disposal_approval_required: a.disposal_approval,
            require_totp_for_number_roles: a.require_totp,
            purpose_notice: a.purpose_notice,
        },
        manager: NewAccount {
            login: a.login.clone(),
            display_name: a.display_name.unwrap_or(a.manager_name),
            password: manager_pw,
        },
        administrator: admin,
    };
    let done = ctx.app.init(input)?;
    tracing::info!(organisation = %done.organisation, "initialised");
    if ctx.json {
        return out::json(&done);
    }
    outln!("{}: {}", lang.pick("組織ID", "organisation"), done.organisation);
    outln!("{}: {}", lang.pick("事務取扱責任者", "number manager account"), done.manager);
    if let Some(ad) = done.administrator {
        outln!("{}: {ad}", lang.pick("システム管理者", "administrator account"));
    }
    outln!("{}: {}", lang.pick("台帳の検証鍵", "ledger verifier key"), done.ledger_verifier_key);
    outln!("{}: {}", lang.pick("ルート鍵", "root key"), ctx.paths.key_file.display());
    errln!(
        "{}",
        lang.pick(
            "ルート鍵ファイルはデータベースと別に保管し、バックアップも別にしてください。次は hogo login です。",
            "Keep the root key file apart from the database and its backups. Next: hogo login."
        )
    );
    Ok(())
}

/// `hogo login` options.
#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    /// ログイン名 / login name.
    #[arg(long)]
    login: String,
    /// 二要素認証のコードも入力する（パスワードの次にプロンプトまたは標準入力から） / also ask
    /// for the TOTP code (after the password, at the prompt or on stdin; never in argv).
    #[arg(long)]
    totp: bool,
}

/// `hogo login`: the password — and with `--totp` the one-time code — come from a no-echo
/// prompt or stdin, never from argv (process lists and shell history, M13).
pub(crate) fn login(g: &Global, a: &LoginArgs) -> Result<()> {
    let ctx = Ctx::open(g, false)?;
    let org = ctx.organisation()?;
    let pw = secret::read_line(ctx.lang.pick("パスワード: ", "password: "))?;
    let pw = SecretString::from(pw.as_str().to_owned());
    let code = if a.totp {
        Some(secret::read_line(ctx.lang.pick("二要素認証のコード: ", "TOTP code: "))?)
    } else {
        None
    };
    let session =
        ctx.app.sign_in(org, &a.login, &pw, code.as_ref().map(|c| c.as_str()), "hogo-cli")?;
    StoredSession {
        organisation: org,
        login: a.login.clone(),
        token: session.token().expose().to_owned(),
    }
    .save(&ctx.paths)?;
    let me = match ctx.app.whoami(&session) {
        Err(hogo::Error::Auth(hogo_auth::AuthError::TotpEnrolmentRequired)) => {
            // M13: the organisation requires TOTP for this role and none is enrolled.
            if ctx.json {
                return out::json(&json!({"organisation": org, "totp_enrolment_required": true}));
            }
            outln!(
                "{}",
                ctx.lang.pick(
                    &format!(
                        "ログインしました: {}（二要素認証の登録が必要です: hogo totp enrol）",
                        a.login
                    ),
                    &format!(
                        "signed in: {} (TOTP enrolment required: run hogo totp enrol)",
                        a.login
                    ),
                )
            );
            return Ok(());
        }
        other => other?,
    };
    tracing::info!(organisation = %org, staff = %me.staff, "signed in");
    if ctx.json {
        return out::json(&json!({"organisation": org, "staff": me.staff, "role": me.role.id()}));
    }
    outln!(
        "{}",
        ctx.lang.pick(
            &format!("ログインしました: {}（{}）", a.login, me.role.label_ja()),
            &format!("signed in: {} ({})", a.login, me.role.id()),
        )
    );
    Ok(())
}

/// `hogo logout`.
pub(crate) fn logout(g: &Global) -> Result<()> {
    let ctx = Ctx::open(g, false)?;
    if let Ok(session) = ctx.session() {
        // A session that already expired is gone anyway: remove the file regardless.
        if let Err(e) = ctx.app.sign_out(&session) {
            tracing::warn!(error = %out::explain_app(&e, crate::i18n::Lang::En), "sign-out");
        }
    }
    StoredSession::remove(&ctx.paths)?;
    outln!("{}", ctx.lang.pick("ログアウトしました", "signed out"));
    Ok(())
}

/// `hogo whoami`.
pub(crate) fn whoami(g: &Global) -> Result<()> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let me = ctx.app.whoami(&session)?;
    let login = StoredSession::load(&ctx.paths)?.map(|s| s.login).unwrap_or_default();
    let affairs: Vec<&str> = me.contracted_affairs.iter().map(Affair::id).collect();
    if ctx.json {
        return out::json(&json!({
            "organisation": me.organisation,
            "staff": me.staff,
            "login": login,
            "role": me.role.id(),
            "contracted_affairs": affairs,
        }));
    }
    outln!("{}: {login}", ctx.lang.pick("ログイン名", "login"));
    outln!("{}: {}", ctx.lang.pick("担当者ID", "staff id"), me.staff);
    outln!("{}: {}", ctx.lang.pick("組織ID", "organisation"), me.organisation);
    outln!(
        "{}: {}",
        ctx.lang.pick("役割", "role"),
        ctx.lang.pick(me.role.label_ja(), me.role.id())
    );
    Ok(())
}

/// `hogo password`: change one's own password (old and new from the prompt or stdin).
pub(crate) fn password(g: &Global) -> Result<()> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let old = secret::read_line(ctx.lang.pick("現在のパスワード: ", "current password: "))?;
    let new = secret::read_line(ctx.lang.pick("新しいパスワード: ", "new password: "))?;
    ctx.app.change_password(
        &session,
        &SecretString::from(old.as_str().to_owned()),
        &SecretString::from(new.as_str().to_owned()),
    )?;
    StoredSession::remove(&ctx.paths)?;
    outln!(
        "{}",
        ctx.lang.pick(
            "パスワードを変更しました。もう一度ログインしてください",
            "password changed: sign in again"
        )
    );
    Ok(())
}

/// `hogo staff …`.
#[derive(Debug, Subcommand)]
pub(crate) enum StaffCommand {
    /// 担当者と役割の一覧 / list staff and roles.
    List,
    /// 事務取扱責任者が番号を扱う担当者を指名 / the manager names number-handling staff.
    Nominate {
        /// Login to be created or granted.
        #[arg(long)]
        login: String,
        /// number_clerk, number_manager or contractor.
        #[arg(long)]
        role: String,
    },
    /// システム管理者がアカウントを作成（初回パスワードは標準入力） / the administrator creates an account.
    Add {
        /// Login.
        #[arg(long)]
        login: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Role id.
        #[arg(long)]
        role: String,
        /// Contracted affairs (contractor only), comma separated.
        #[arg(long, value_delimiter = ',')]
        affairs: Vec<String>,
        /// 委託先ID（委託先担当者のみ、必須） / the contractor whose staff member this is (contractor role, required; M14).
        #[arg(long, value_parser = contractor_id)]
        contractor: Option<ContractorId>,
    },
    /// 役割の付与・変更 / grant or change a role.
    Grant {
        /// Account id.
        #[arg(long)]
        account: StaffId,
        /// Role id.
        #[arg(long)]
        role: String,
        /// Contracted affairs (contractor only).
        #[arg(long, value_delimiter = ',')]
        affairs: Vec<String>,
        /// 委託先ID（委託先担当者のみ、必須） / the contractor whose staff member this is (contractor role, required; M14).
        #[arg(long, value_parser = contractor_id)]
        contractor: Option<ContractorId>,
    },
    /// パスワードの再設定（次回変更を強制） / reset a password (forces a change).
    ResetPassword {
        /// Account id.
        #[arg(long)]
        account: StaffId,
    },
    /// 二要素認証（TOTP）の解除（端末紛失時。再登録が必要） / reset an account's TOTP (lost phone; it must enrol again).
    ResetTotp {
        /// Account id.
        #[arg(long)]
        account: StaffId,
    },
    /// すべてのセッションを失効 / revoke every session of an account.
    RevokeSessions {
        /// Account id.
        #[arg(long)]
        account: StaffId,
    },
}

fn role(id: &str) -> Result<Role> {
    Role::from_id(id.trim()).ok_or_else(|| {
        anyhow::anyhow!(
            "--role: 「{id}」は役割ではありません / {id} is not a role ({})",
            Role::ALL.iter().map(|r| r.id()).collect::<Vec<_>>().join(", ")
        )
    })
}

fn contractor_id(s: &str) -> Result<ContractorId, String> {
    uuid::Uuid::parse_str(s.trim())
        .map(ContractorId::from_uuid)
        .map_err(|_| "contractor: IDの形式が正しくありません / not a valid id".to_owned())
}

/// The grant: a contractor-staff role needs `--contractor` (M14), other roles refuse it.
fn grant(
    r: Role,
    affairs_ids: &[String],
    contractor: Option<ContractorId>,
) -> Result<(RoleGrant, Option<ContractorId>)> {
    match (r == Role::Contractor, contractor) {
        (true, Some(c)) => Ok((RoleGrant::contractor(affairs(affairs_ids)?), Some(c))),
        (true, None) => anyhow::bail!(
            "--contractor: 委託先担当者には委託先IDが必要です（M14） / contractor staff need --contractor ID (M14)"
        ),
        (false, Some(_)) => anyhow::bail!(
            "--contractor: 委託先担当者（contractor）の役割にだけ指定できます / only with --role contractor"
        ),
        (false, None) => Ok((RoleGrant::role(r), None)),
    }
}

/// Runs a `staff` subcommand.
pub(crate) fn staff(g: &Global, c: StaffCommand) -> Result<()> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    match c {
        StaffCommand::List => {
            let list = ctx.app.staff(&session)?;
            if ctx.json {
                let rows: Vec<_> = list
                    .iter()
                    .map(|m| {
                        json!({
                            "account": m.account,
                            "role": m.role.id(),
                            "contracted_affairs": m.contracted_affairs.iter().map(Affair::id).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                return out::json(&rows);
            }
            let mut t = out::table(&[lang.pick("担当者ID", "account"), lang.pick("役割", "role")]);
            for m in &list {
                t.add_row([
                    m.account.to_string(),
                    lang.pick(m.role.label_ja(), m.role.id()).to_owned(),
                ]);
            }
            outln!("{t}");
        }
        StaffCommand::Nominate { login, role: r } => {
            ctx.app.nominate_staff(&session, &login, role(&r)?)?;
            outln!(
                "{}",
                lang.pick(&format!("指名しました: {login}"), &format!("nominated: {login}"))
            );
        }
        StaffCommand::Add { login, name, role: r, affairs: af, contractor } => {
            let (g, contractor) = grant(role(&r)?, &af, contractor)?;
            let pw = new_password(lang, &login)?;
            let account = NewAccount { login: login.clone(), display_name: name, password: pw };
            let id = match contractor {
                Some(c) => {
                    ctx.app.create_contractor_staff(&session, &account, c, g.contracted_affairs)?
                }
                None => ctx.app.create_staff(&session, &account, g)?,
            };
            if ctx.json {
                return out::json(&json!({"account": id, "login": login}));
            }
            outln!("{}: {id}", lang.pick("作成しました", "created"));
        }
        StaffCommand::Grant { account, role: r, affairs: af, contractor } => {
            let m = match grant(role(&r)?, &af, contractor)? {
                (g, Some(c)) => {
                    ctx.app.grant_contractor_role(&session, account, c, g.contracted_affairs)?
                }
                (g, None) => ctx.app.grant_role(&session, account, g)?,
            };
            outln!("{}: {} {}", lang.pick("付与しました", "granted"), m.account, m.role.id());
        }
        StaffCommand::ResetPassword { account } => {
            let pw = new_password(lang, &account.to_string())?;
            ctx.app.reset_password(&session, account, &pw)?;
            outln!(
                "{}",
                lang.pick(
                    "再設定しました（次回ログイン時に変更が必要）",
                    "reset (must change at next sign-in)"
                )
            );
        }
        StaffCommand::ResetTotp { account } => {
            ctx.app.reset_totp(&session, account)?;
            if ctx.json {
                return out::json(&json!({"account": account, "totp_reset": true}));
            }
            outln!(
                "{}",
                lang.pick(
                    "二要素認証を解除しました（セッションは失効。次回ログイン時に再登録）",
                    "TOTP reset: sessions revoked; the account enrols again at its next sign-in"
                )
            );
        }
        StaffCommand::RevokeSessions { account } => {
            let n = ctx.app.revoke_sessions(&session, account)?;
            if ctx.json {
                return out::json(&json!({"revoked": n}));
            }
            outln!("{}: {n}", lang.pick("失効したセッション", "sessions revoked"));
        }
    }
    Ok(())
}
