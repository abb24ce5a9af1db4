//! `hogo ledger verify|checkpoint|export|prove` and `hogo register` (管理台帳). `verify`
//! reveals nothing and needs no sign-in: exit 0 only when every check holds, 1 with the
//! first broken position otherwise.

use anyhow::Result;
use clap::Subcommand;
use serde_json::json;

use crate::ctx::{Ctx, Global};
use crate::out;

/// `hogo ledger …`.
#[derive(Debug, Subcommand)]
pub(crate) enum LedgerCommand {
    /// 取扱記録の全検証（ログイン不要） / verify the whole ledger (no sign-in).
    Verify,
    /// チェックポイントに署名 / sign a checkpoint.
    Checkpoint,
    /// 監査用エクスポート（JSON Lines） / export for an offline audit.
    Export {
        /// First entry.
        #[arg(long, default_value_t = 0)]
        from: u64,
        /// End (exclusive; default: all).
        #[arg(long)]
        to: Option<u64>,
    },
    /// 1件の包含証明 / inclusion proof of one entry.
    Prove {
        /// Entry sequence.
        sequence: u64,
    },
}

/// Runs a `ledger` subcommand.
pub(crate) fn run(g: &Global, c: LedgerCommand) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let lang = ctx.lang;
    if let LedgerCommand::Verify = c {
        let org = ctx.organisation()?;
        let check = ctx.app.verify_ledger(org)?;
        if ctx.json {
            out::json(&json!({
                "ok": check.ok,
                "entries": check.entries,
                "checkpoints": check.checkpoints,
                "error": check.error,
            }))?;
        } else if check.ok {
            outln!("{}", lang.pick(
                &format!("取扱記録は改ざんされていません: 記録 {}件、チェックポイント {}件を検証しました", check.entries, check.checkpoints),
                &format!("ledger intact: {} entries and {} checkpoints verified", check.entries, check.checkpoints),
            ));
        } else {
            outln!(
                "{}: {}",
                lang.pick("取扱記録の検証に失敗しました（M5）", "ledger verification failed (M5)"),
                check.error.unwrap_or_default()
            );
        }
        return Ok(check.ok);
    }
    let session = ctx.session()?;
    match c {
        LedgerCommand::Verify => {}
        LedgerCommand::Checkpoint => {
            let cp = ctx.app.checkpoint(&session)?;
            if ctx.json {
                out::json(&json!({"size": cp.checkpoint.size, "note": cp.to_note()}))?;
            } else {
                out!("{}", cp.to_note());
            }
        }
        LedgerCommand::Export { from, to } => {
            out!("{}", ctx.app.export_ledger(&session, from, to)?);
        }
        LedgerCommand::Prove { sequence } => {
            let p = ctx.app.prove_entry(&session, sequence)?;
            if ctx.json {
                out::json(&p)?;
            } else {
                outln!("{}: {}", lang.pick("記録", "entry"), p.sequence);
                outln!("{}: {}", lang.pick("木の大きさ", "tree size"), p.tree_size);
                for h in &p.path {
                    outln!("  {h}");
                }
                out!("{}", p.checkpoint);
            }
        }
    }
    Ok(true)
}

/// `hogo register`.
pub(crate) fn register(g: &Global) -> Result<bool> {
    let ctx = Ctx::open(g, false)?;
    let session = ctx.session()?;
    let r = ctx.app.register(&session)?;
    if ctx.json {
        outln!("{}", r.to_json()?);
    } else {
        outln!("{}", r.to_table()?);
    }
    Ok(true)
}
