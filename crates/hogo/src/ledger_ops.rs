//! Ledger use cases (M5, M6): verify (needs no sign-in: it reveals nothing), checkpoint,
//! export for an offline audit, inclusion proofs, and the 管理台帳 built from the
//! configuration and live state — never containing a number.

use hogo_domain::policy::{Context, Operation, decide};
use hogo_domain::{OrganisationId, Role};
use hogo_ledger::{
    AccessGrant, Action, DeletionStatus, NumberFile, NumberFileState, Register, SafeText,
    SignedCheckpoint, VerifyError, VerifyReport,
};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::app::{Hogo, Session, entry, log};
use crate::docs::CERTIFICATES;
use crate::numbers::carrying_kinds;
use crate::retention_ops::{DeletionCertificate, RetentionState};
use crate::setup::{settings, signer};
use crate::store::Store;

/// The outcome of a whole-ledger verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerCheck {
    /// Every check held.
    pub ok: bool,
    /// Entries checked (when ok).
    pub entries: u64,
    /// Checkpoints checked (when ok).
    pub checkpoints: u64,
    /// The first broken position and what is wrong (when not ok).
    pub error: Option<String>,
}

impl From<Result<VerifyReport, VerifyError>> for LedgerCheck {
    fn from(r: Result<VerifyReport, VerifyError>) -> Self {
        match r {
            Ok(rep) => {
                Self { ok: true, entries: rep.entries, checkpoints: rep.checkpoints, error: None }
            }
            Err(e) => Self { ok: false, entries: 0, checkpoints: 0, error: Some(e.to_string()) },
        }
    }
}

/// An inclusion proof of one entry against a signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryProof {
    /// The entry's sequence.
    pub sequence: u64,
    /// The tree size of the checkpoint.
    pub tree_size: u64,
    /// Sibling hashes, bottom-up, hex.
    pub path: Vec<String>,
    /// The signed checkpoint (C2SP note).
    pub checkpoint: String,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl<S: Store> Hogo<S> {
    /// Verifies the organisation's whole ledger: every entry hash, the chain, every
    /// stored tree node, every checkpoint signature. Reveals nothing, so it needs no
    /// sign-in. Reports the first broken position.
    pub fn verify_ledger(&self, organisation: OrganisationId) -> Result<LedgerCheck, Error> {
        // The closure never writes; an Err would only roll back nothing.
        self.store.transact(organisation, &mut |tx| {
            Ok(hogo_ledger::verify_ledger(&*tx.ledger, organisation).into())
        })
    }

    /// Signs a new checkpoint of the organisation's log (manager or auditor's request).
    pub fn checkpoint(&self, session: &Session) -> Result<SignedCheckpoint, Error> {
        self.with_session(session, Action::Access, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            decide(&Context::new(actor, st.affairs), &Operation::ViewLedger)?;
            let s = signer(tx, ports)?;
            let e = entry(ports, actor, Action::Access).with_note("チェックポイント署名")?;
            log(tx, ports, vec![e])?;
            Ok(hogo_ledger::ledger::checkpoint(tx.ledger, tx.organisation, &s)?)
        })
    }

    /// Exports entries `from..to` (JSON Lines) with a fresh checkpoint and the proofs an
    /// auditor needs to verify the export offline (`hogo_ledger::verify_export`).
    pub fn export_ledger(
        &self,
        session: &Session,
        from: u64,
        to: Option<u64>,
    ) -> Result<String, Error> {
        self.with_session(session, Action::Output, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            decide(&Context::new(actor, st.affairs), &Operation::ViewLedger)?;
            let e = entry(ports, actor, Action::Output).with_note("取扱記録のエクスポート")?;
            log(tx, ports, vec![e])?;
            let s = signer(tx, ports)?;
            let cp = hogo_ledger::ledger::checkpoint(tx.ledger, tx.organisation, &s)?;
            let end = to.unwrap_or(cp.checkpoint.size).min(cp.checkpoint.size);
            Ok(hogo_ledger::export(&*tx.ledger, tx.organisation, from, end, &cp)?)
        })
    }

    /// An inclusion proof of one entry against the latest signed checkpoint.
    pub fn prove_entry(&self, session: &Session, sequence: u64) -> Result<EntryProof, Error> {
        self.with_session(session, Action::Access, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            decide(&Context::new(actor, st.affairs), &Operation::ViewLedger)?;
            let e = entry(ports, actor, Action::Access).with_note("包含証明の作成")?;
            log(tx, ports, vec![e])?;
            let s = signer(tx, ports)?;
            let cp = hogo_ledger::ledger::checkpoint(tx.ledger, tx.organisation, &s)?;
            let proof = hogo_ledger::ledger::prove_inclusion(
                &*tx.ledger,
                tx.organisation,
                sequence,
                cp.checkpoint.size,
            )?;
            Ok(EntryProof {
                sequence,
                tree_size: proof.tree_size,
                path: proof.path.iter().map(|h| hex(h)).collect(),
                checkpoint: cp.to_note(),
            })
        })
    }

    /// The 管理台帳 (M6, doc 003 Art. 10): one 特定個人情報ファイル per affair in use with
    /// ① kind/name ② responsible person and department ③ purpose ④ deletion status ⑤ who
    /// has access ⑥ 管理区域 ⑦ 取扱区域, anchored to the latest checkpoint.
    pub fn register(&self, session: &Session) -> Result<Register, Error> {
        self.with_session(session, Action::Access, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            decide(&Context::new(actor, st.affairs), &Operation::ViewRegister)?;
            let text = |field: &'static str, v: &str| {
                SafeText::new(field, v.to_owned()).map_err(Error::from)
            };
            let controlled = st.areas.controlled.join("・");
            let handling = st.areas.handling.join("・");
            let mut files = Vec::new();
            for affair in st.affairs.iter() {
                files.push(NumberFile {
                    id: text("id", affair.id())?,
                    kind: text("kind", &format!("{}ファイル", affair.label_ja()))?,
                    name: text("name", "hogo 保管庫（個人番号・暗号化）")?,
                    responsible_person: text("responsible_person", &st.responsible.number_manager)?,
                    department: text("department", &st.responsible.department)?,
                    affairs: vec![affair],
                    controlled_area: text("controlled_area", &controlled)?,
                    handling_area: text("handling_area", &handling)?,
                });
            }
            // ④ from the retention plan and the certificates; ⑤ from the memberships.
            let state = RetentionState::load(tx)?;
            let plan = state.plan(ports.today());
            let certs: Vec<DeletionCertificate> = CERTIFICATES.list(&*tx.docs, tx.organisation)?;
            let mut access = Vec::new();
            let members = tx
                .auth
                .memberships_of_organisation(tx.organisation)
                .map_err(|e| Error::Storage(e.to_string()))?;
            for m in members.iter().filter(|m| m.role.handles_numbers()) {
                let who = tx
                    .auth
                    .account(m.account)
                    .map_err(|e| Error::Storage(e.to_string()))?
                    .map(|a| a.display_name.as_str().to_owned())
                    .unwrap_or_else(|| m.account.to_string());
                access.push((who, m.role, m.contracted_affairs));
            }
            let mut states = Vec::new();
            for affair in st.affairs.iter() {
                let kinds = carrying_kinds(affair);
                let in_affair = |k: hogo_retention::DocumentKind| kinds.contains(&k.id());
                let held = plan.holdings.iter().filter(|h| in_affair(h.kind) && !h.is_due()).count()
                    as u64;
                let due =
                    plan.holdings.iter().filter(|h| in_affair(h.kind) && h.is_due()).count() as u64;
                let disposed: Vec<_> = certs
                    .iter()
                    .flat_map(|c| c.items.iter().map(move |i| (c.disposed_at, i)))
                    .filter(|(_, i)| kinds.contains(&i.what.as_str()))
                    .collect();
                let grants = access
                    .iter()
                    .filter(|(_, role, affairs)| {
                        *role != Role::Contractor || affairs.contains(affair)
                    })
                    .map(|(who, role, _)| Ok(AccessGrant { who: text("who", who)?, role: *role }))
                    .collect::<Result<Vec<_>, Error>>()?;
                states.push(NumberFileState {
                    file_id: text("file_id", affair.id())?,
                    deletion: DeletionStatus {
                        held,
                        due,
                        disposed: disposed.len() as u64,
                        last_disposed_on: disposed.iter().map(|(at, _)| at.date_naive()).max(),
                    },
                    access: grants,
                });
            }
            let latest = hogo_ledger::ledger::root_at(&*tx.ledger, tx.organisation, {
                let h = tx.ledger.head(tx.organisation)?;
                h.map_or(0, |h| h.size)
            });
            let mut register =
                Register::build(text("organisation", &st.name)?, ports.today(), &files, &states)?;
            if let (Ok(root), Some(head)) = (latest, tx.ledger.head(tx.organisation)?) {
                register = register.with_anchor(&hogo_ledger::Checkpoint {
                    origin: format!("hogo.local/{}", tx.organisation),
                    size: head.size,
                    root,
                });
            }
            let e = entry(ports, actor, Action::Access).with_note("管理台帳の閲覧")?;
            log(tx, ports, vec![e])?;
            Ok(register)
        })
    }
}
