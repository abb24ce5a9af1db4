//! `hogo totp enrol` and `hogo totp confirm`: the staff member's own TOTP second factor
//! (doc 000 §10 P10, doc 003 Art. 30–31 M13). Both work in the enrolment-only session an
//! organisation that requires TOTP (`hogo init --require-totp`) gives a number role
//! without one. The secret is printed once by `enrol`; the confirmation code comes from
//! the no-echo prompt or stdin, never from argv. The administrator's reset is
//! `hogo staff reset-totp --account ID`.

use anyhow::Result;
use clap::Subcommand;
use secrecy::ExposeSecret;
use serde_json::json;

use crate::ctx::{Ctx, Global};
use crate::env::StoredSession;
use crate::out;
use crate::secret;

/// `hogo totp …`.
#[derive(Debug, Subcommand)]
pub(crate) enum TotpCommand {
    /// 二要素認証（TOTP）の登録を開始し、秘密鍵を一度だけ表示 / start TOTP enrolment: shows the secret once.
    Enrol,
    /// 認証アプリの現在のコードで登録を確定（コードはプロンプトか標準入力） / confirm with the app's current code (prompt or stdin).
    Confirm,
}

/// Runs a `totp` subcommand.
pub(crate) fn run(g: &Global, c: TotpCommand) -> Result<()> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let lang = ctx.lang;
    match c {
        TotpCommand::Enrol => {
            let e = ctx.app.start_totp_enrolment(&session)?;
            errln!(
                "{}",
                lang.pick(
                    "この秘密鍵は今回だけ表示されます。認証アプリ（Google Authenticator 等）に登録し、ほかには保存・共有しないでください。続けて hogo totp confirm で現在のコードを入力してください。",
                    "This secret is shown only now. Add it to an authenticator app and do not store or share it anywhere else. Then run hogo totp confirm with the app's current code."
                )
            );
            if ctx.json {
                return out::json(&json!({
                    "account": e.account,
                    "login": e.login,
                    "secret": e.secret_base32.expose_secret(),
                    "uri": e.uri.expose_secret(),
                    "confirm_before": e.confirm_before,
                }));
            }
            outln!(
                "{}: {}",
                lang.pick("秘密鍵（base32）", "secret (base32)"),
                e.secret_base32.expose_secret()
            );
            outln!("URI: {}", e.uri.expose_secret());
            outln!(
                "{}: {}",
                lang.pick("確認の期限", "confirm before"),
                e.confirm_before.format("%Y-%m-%d %H:%M:%S UTC")
            );
        }
        TotpCommand::Confirm => {
            let code = secret::read_line(
                lang.pick("認証アプリの6桁のコード: ", "6-digit code from the app: "),
            )?;
            ctx.app.confirm_totp_enrolment(&session, code.as_str())?;
            // An enrolment-only session was revoked by the confirmation: sign in again.
            let still_valid = ctx.app.whoami(&session).is_ok();
            if !still_valid {
                StoredSession::remove(&ctx.paths)?;
            }
            if ctx.json {
                return out::json(&json!({"enrolled": true, "sign_in_again": !still_valid}));
            }
            outln!(
                "{}",
                if still_valid {
                    lang.pick(
                        "二要素認証を登録しました。次回から hogo login --totp でログインします",
                        "TOTP enrolled: from now on sign in with hogo login --totp",
                    )
                } else {
                    lang.pick(
                        "二要素認証を登録しました。hogo login --totp でもう一度ログインしてください",
                        "TOTP enrolled: sign in again with hogo login --totp",
                    )
                }
            );
        }
    }
    Ok(())
}
