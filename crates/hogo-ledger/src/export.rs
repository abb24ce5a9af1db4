//! Range export as JSON Lines with what an auditor needs to verify it offline, and the
//! pure verifier of such an export.
//!
//! Line 1 is the header: `{"type":"hogo-ledger-export","version":1,"organisation",
//! "origin","from","to","checkpoint":<signed note>,"keys":[<vkey>…],"before":…}` where
//! `before` (when `from > 0`) holds the hash of entry `from-1` and its inclusion proof, so
//! the first exported entry's chain link is anchored in the tree too. Then one line per
//! entry: `{"type":"entry","sequence","bytes":<base64 canonical bytes>,"hash","proof":[…]}`
//! with the entry's inclusion proof against the checkpoint. Erasable details are never
//! exported.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hogo_domain::OrganisationId;
use serde::{Deserialize, Serialize};

use crate::checkpoint::{SignedCheckpoint, VerifierKey};
use crate::encoding::{decode, encode};
use crate::entry::{Entry, Hash};
use crate::error::LedgerError;
use crate::ledger::prove_inclusion;
use crate::merkle::{self, leaf_hash};
use crate::store::LedgerStore;
use crate::verify::VerifyError;

const KIND: &str = "hogo-ledger-export";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    #[serde(rename = "type")]
    kind: String,
    version: u8,
    organisation: OrganisationId,
    origin: String,
    from: u64,
    to: u64,
    checkpoint: String,
    keys: Vec<String>,
    before: Option<Anchor>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Anchor {
    hash: String,
    proof: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    #[serde(rename = "type")]
    kind: String,
    sequence: u64,
    bytes: String,
    hash: String,
    proof: Vec<String>,
}

fn b64s(path: &[Hash]) -> Vec<String> {
    path.iter().map(|h| B64.encode(h)).collect()
}

/// Exports entries `from..to` of the organisation's log with `checkpoint` (which must
/// cover `to`) and an inclusion proof per entry.
///
/// # Errors
/// [`LedgerError::OutOfRange`] if the range is empty or beyond the checkpoint;
/// [`LedgerError::MissingEntry`]; storage.
pub fn export(
    store: &dyn LedgerStore,
    organisation: OrganisationId,
    from: u64,
    to: u64,
    checkpoint: &SignedCheckpoint,
) -> Result<String, LedgerError> {
    let size = checkpoint.checkpoint.size;
    if from >= to || to > size {
        return Err(LedgerError::OutOfRange { field: "to", value: to, size });
    }
    let config = store.log_config(organisation)?.ok_or(LedgerError::NoLog { organisation })?;
    let before = if from > 0 {
        let prev = store
            .entries(organisation, from - 1, from)?
            .pop()
            .ok_or(LedgerError::MissingEntry { sequence: from - 1 })?;
        let proof = prove_inclusion(store, organisation, from - 1, size)?;
        Some(Anchor { hash: B64.encode(prev.hash), proof: b64s(&proof.path) })
    } else {
        None
    };
    let header = Header {
        kind: KIND.to_owned(),
        version: 1,
        organisation,
        origin: config.origin,
        from,
        to,
        checkpoint: checkpoint.to_note(),
        keys: config.keys.iter().map(VerifierKey::to_vkey).collect(),
        before,
    };
    let mut out = to_line(&header)?;
    let entries = store.entries(organisation, from, to)?;
    if entries.len() as u64 != to - from {
        return Err(LedgerError::MissingEntry { sequence: from + entries.len() as u64 });
    }
    for s in entries {
        let proof = prove_inclusion(store, organisation, s.entry.sequence, size)?;
        let line = Line {
            kind: "entry".to_owned(),
            sequence: s.entry.sequence,
            bytes: B64.encode(&s.bytes),
            hash: B64.encode(s.hash),
            proof: b64s(&proof.path),
        };
        out.push_str(&to_line(&line)?);
    }
    Ok(out)
}

fn to_line<T: Serialize>(v: &T) -> Result<String, LedgerError> {
    let mut s = serde_json::to_string(v)
        .map_err(|_| LedgerError::Decode { field: "export", reason: "cannot serialise" })?;
    s.push('\n');
    Ok(s)
}

/// What a verified export contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    /// The organisation.
    pub organisation: OrganisationId,
    /// The log's origin.
    pub origin: String,
    /// The verified checkpoint.
    pub checkpoint: SignedCheckpoint,
    /// The decoded entries, in order.
    pub entries: Vec<Entry>,
}

fn hash_of(s: &str, line: usize) -> Result<Hash, VerifyError> {
    B64.decode(s)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or(VerifyError::Export { line, reason: "hash is not 32 base64 bytes" })
}

fn path_of(v: &[String], line: usize) -> Result<Vec<Hash>, VerifyError> {
    v.iter().map(|s| hash_of(s, line)).collect()
}

/// Verifies an export offline against keys the auditor already trusts (the keys listed
/// in the export itself are ignored for trust): the checkpoint's signature, every entry's
/// canonical decoding (including the My Number scan), sequence, organisation, hash, chain
/// link and inclusion proof, the anchor of the first entry, and that no line is missing.
///
/// # Errors
/// The first [`VerifyError`].
pub fn verify_export(text: &str, trusted: &[VerifierKey]) -> Result<ExportSummary, VerifyError> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let (_, first) = lines.next().ok_or(VerifyError::Export { line: 1, reason: "empty export" })?;
    let header: Header = serde_json::from_str(first)
        .map_err(|_| VerifyError::Export { line: 1, reason: "malformed header" })?;
    if header.kind != KIND || header.version != 1 {
        return Err(VerifyError::Export { line: 1, reason: "not a version 1 hogo ledger export" });
    }
    let cp = SignedCheckpoint::parse(&header.checkpoint)
        .map_err(|_| VerifyError::Export { line: 1, reason: "malformed checkpoint" })?;
    cp.verify_any(trusted)?;
    if cp.checkpoint.origin != header.origin {
        return Err(VerifyError::Export {
            line: 1,
            reason: "origin differs from the checkpoint's",
        });
    }
    let (size, root) = (cp.checkpoint.size, cp.checkpoint.root);
    if header.from >= header.to || header.to > size {
        return Err(VerifyError::Export {
            line: 1,
            reason: "range is empty or beyond the checkpoint",
        });
    }
    let mut prev: Hash = [0; 32];
    match (&header.before, header.from) {
        (None, 0) => {}
        (Some(a), from) if from > 0 => {
            prev = hash_of(&a.hash, 1)?;
            merkle::verify_inclusion(&prev, from - 1, size, &path_of(&a.proof, 1)?, &root)
                .map_err(|error| VerifyError::Proof { position: from - 1, error })?;
        }
        _ => {
            return Err(VerifyError::Export {
                line: 1,
                reason: "anchor of the previous entry is wrong",
            });
        }
    }
    let mut entries = Vec::new();
    let mut expected = header.from;
    for (n, l) in lines {
        if l.is_empty() {
            continue;
        }
        let bad = |reason| VerifyError::Export { line: n, reason };
        if expected >= header.to {
            return Err(bad("more entries than the header announces"));
        }
        let line: Line = serde_json::from_str(l).map_err(|_| bad("malformed entry line"))?;
        if line.kind != "entry" || line.sequence != expected {
            return Err(bad("entry out of order"));
        }
        let bytes = B64.decode(&line.bytes).map_err(|_| bad("bytes are not base64"))?;
        let entry = decode(&bytes).map_err(|e| match e {
            LedgerError::MyNumberInText { .. } => bad("text looks like a My Number"),
            _ => bad("bytes do not decode"),
        })?;
        if encode(&entry) != bytes {
            return Err(bad("bytes are not canonical"));
        }
        if entry.sequence != expected || entry.organisation != header.organisation {
            return Err(bad("sequence or organisation differs"));
        }
        let hash = leaf_hash(&bytes);
        if hash != hash_of(&line.hash, n)? {
            return Err(bad("hash differs from the bytes"));
        }
        if entry.prev_hash != prev {
            return Err(VerifyError::Entry {
                position: expected,
                defect: crate::verify::EntryDefect::ChainBroken,
            });
        }
        merkle::verify_inclusion(&hash, expected, size, &path_of(&line.proof, n)?, &root)
            .map_err(|error| VerifyError::Proof { position: expected, error })?;
        prev = hash;
        expected += 1;
        entries.push(entry);
    }
    if expected != header.to {
        return Err(VerifyError::Export {
            line: 0,
            reason: "entries are missing (truncated export)",
        });
    }
    Ok(ExportSummary {
        organisation: header.organisation,
        origin: header.origin,
        checkpoint: cp,
        entries,
    })
}
