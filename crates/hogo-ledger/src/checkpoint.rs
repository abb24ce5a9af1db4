//! Checkpoints in the C2SP `tlog-checkpoint` signed-note form:
//!
//! ```text
//! <origin>
//! <size>
//! <base64 root>
//!
//! — <key name> <base64(key id ‖ Ed25519 signature)>
//! ```
//!
//! The signature covers the body (the first three lines, each ending in `\n`); the key id
//! is the first four bytes of SHA-256(name ‖ `\n` ‖ 0x01 ‖ public key), as in C2SP
//! `signed-note`. Keys come through the [`CheckpointSigner`] port; [`Ed25519Signer`] is a
//! pure in-memory signer from 32 seed bytes. An auditor's co-signature is one more
//! Ed25519 signature line over the same body, added only after a consistency check (see
//! [`crate::ledger::cosign`]).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::entry::Hash;
use crate::error::LedgerError;
use crate::verify::VerifyError;

/// The port through which checkpoint signing keys are used. The key never leaves the
/// implementation (a KMS, an HSM, or [`Ed25519Signer`]).
pub trait CheckpointSigner {
    /// The key name written in the note's signature line (no spaces, no `+`).
    fn key_name(&self) -> &str;
    /// The Ed25519 public key.
    fn public_key(&self) -> [u8; 32];
    /// Signs `message` with Ed25519.
    ///
    /// # Errors
    /// [`LedgerError::Signer`] if the key is unavailable.
    fn sign(&self, message: &[u8]) -> Result<[u8; 64], LedgerError>;
}

/// An in-memory Ed25519 signer from 32 seed bytes (the key is zeroized on drop; no
/// `Debug`).
pub struct Ed25519Signer {
    name: String,
    key: SigningKey,
}

impl Ed25519Signer {
    /// A signer named `name` from a 32-byte seed (from the
    /// [`Entropy`](hogo_domain::Entropy) port or a key provider).
    ///
    /// # Errors
    /// [`LedgerError::InvalidText`] if the name is empty or holds a space, `+` or a control
    /// character.
    pub fn from_seed(name: &str, seed: Zeroizing<[u8; 32]>) -> Result<Self, LedgerError> {
        check_key_name(name)?;
        Ok(Self { name: name.to_owned(), key: SigningKey::from_bytes(&seed) })
    }

    /// The matching verifier key.
    pub fn verifier_key(&self) -> VerifierKey {
        VerifierKey::new(&self.name, self.public_key())
    }
}

impl CheckpointSigner for Ed25519Signer {
    fn key_name(&self) -> &str {
        &self.name
    }
    fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }
    fn sign(&self, message: &[u8]) -> Result<[u8; 64], LedgerError> {
        Ok(self.key.sign(message).to_bytes())
    }
}

fn check_key_name(name: &str) -> Result<(), LedgerError> {
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c == '+' || c.is_control()) {
        return Err(LedgerError::InvalidText {
            field: "key_name",
            reason: "must be non-empty without spaces, '+' or control characters",
        });
    }
    crate::text::check_text("key_name", name)
}

/// The C2SP key id: SHA-256(name ‖ `\n` ‖ 0x01 ‖ public key)[..4].
pub fn key_id(name: &str, public_key: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n\x01");
    h.update(public_key);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// A public key that may sign checkpoints, with its note name and key id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifierKey {
    /// The key name.
    pub name: String,
    /// The C2SP key id.
    pub key_id: [u8; 4],
    /// The Ed25519 public key.
    pub public_key: [u8; 32],
}

impl VerifierKey {
    /// The verifier key for `name` and `public_key`.
    pub fn new(name: &str, public_key: [u8; 32]) -> Self {
        Self { name: name.to_owned(), key_id: key_id(name, &public_key), public_key }
    }

    /// The C2SP `vkey` text: `name+hex(key id)+base64(0x01 ‖ public key)`.
    pub fn to_vkey(&self) -> String {
        let mut raw = vec![1u8];
        raw.extend_from_slice(&self.public_key);
        let hex: String = self.key_id.iter().map(|b| format!("{b:02x}")).collect();
        format!("{}+{}+{}", self.name, hex, B64.encode(raw))
    }

    /// Parses a `vkey` text and checks its key id.
    ///
    /// # Errors
    /// [`LedgerError::Decode`] for field `vkey`.
    pub fn parse_vkey(text: &str) -> Result<Self, LedgerError> {
        let bad = |reason| LedgerError::Decode { field: "vkey", reason };
        // Split from the left: the name never contains '+', the base64 key may.
        let mut parts = text.splitn(3, '+');
        let (Some(name), Some(hex), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected name+keyid+key"));
        };
        let raw = B64.decode(b64).map_err(|_| bad("key is not base64"))?;
        let (Some(&1), Ok(pk)) = (raw.first(), <[u8; 32]>::try_from(raw.get(1..).unwrap_or(&[])))
        else {
            return Err(bad("not an Ed25519 key"));
        };
        let key = Self::new(name, pk);
        let hex_ok: String = key.key_id.iter().map(|b| format!("{b:02x}")).collect();
        if hex_ok != hex {
            return Err(bad("key id does not match"));
        }
        Ok(key)
    }
}

/// A checkpoint: the log's origin, its size and its Merkle root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line.
    pub origin: String,
    /// The tree size.
    pub size: u64,
    /// The Merkle root at that size.
    pub root: Hash,
}

impl Checkpoint {
    /// The signed body: `origin\nsize\nbase64(root)\n`.
    pub fn body(&self) -> String {
        format!("{}\n{}\n{}\n", self.origin, self.size, B64.encode(self.root))
    }
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name.
    pub name: String,
    /// The key id.
    pub key_id: [u8; 4],
    /// The Ed25519 signature.
    pub signature: [u8; 64],
}

/// A checkpoint with its signature lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// The signatures, the log's first.
    pub signatures: Vec<NoteSignature>,
}

impl SignedCheckpoint {
    /// Signs `checkpoint` with `signer`.
    ///
    /// # Errors
    /// The signer's error.
    pub fn sign(
        checkpoint: Checkpoint,
        signer: &dyn CheckpointSigner,
    ) -> Result<Self, LedgerError> {
        let mut s = Self { checkpoint, signatures: Vec::new() };
        s.add_signature(signer)?;
        Ok(s)
    }

    /// Adds a signature line (a co-signature).
    ///
    /// # Errors
    /// The signer's error.
    pub fn add_signature(&mut self, signer: &dyn CheckpointSigner) -> Result<(), LedgerError> {
        check_key_name(signer.key_name())?;
        let signature = signer.sign(self.checkpoint.body().as_bytes())?;
        self.signatures.push(NoteSignature {
            name: signer.key_name().to_owned(),
            key_id: key_id(signer.key_name(), &signer.public_key()),
            signature,
        });
        Ok(())
    }

    /// The note text.
    pub fn to_note(&self) -> String {
        let mut out = self.checkpoint.body();
        out.push('\n');
        for s in &self.signatures {
            let mut raw = s.key_id.to_vec();
            raw.extend_from_slice(&s.signature);
            out.push_str(&format!("\u{2014} {} {}\n", s.name, B64.encode(raw)));
        }
        out
    }

    /// Parses a note.
    ///
    /// # Errors
    /// [`LedgerError::Decode`] for field `checkpoint`.
    pub fn parse(note: &str) -> Result<Self, LedgerError> {
        let bad = |reason| LedgerError::Decode { field: "checkpoint", reason };
        let (body, sigs) = note.split_once("\n\n").ok_or_else(|| bad("no blank line"))?;
        let mut lines = body.split('\n');
        let (Some(origin), Some(size), Some(root), None) =
            (lines.next(), lines.next(), lines.next(), lines.next())
        else {
            return Err(bad("body must have three lines"));
        };
        if origin.is_empty() {
            return Err(bad("empty origin"));
        }
        if size.is_empty()
            || !size.bytes().all(|b| b.is_ascii_digit())
            || (size.len() > 1 && size.starts_with('0'))
        {
            return Err(bad("size is not a decimal number"));
        }
        let size: u64 = size.parse().map_err(|_| bad("size is not a decimal number"))?;
        let root: Hash = B64
            .decode(root)
            .ok()
            .and_then(|r| r.try_into().ok())
            .ok_or_else(|| bad("root is not 32 base64 bytes"))?;
        let sigs = sigs.strip_suffix('\n').ok_or_else(|| bad("note must end with a newline"))?;
        let mut signatures = Vec::new();
        for line in sigs.split('\n') {
            let rest = line
                .strip_prefix("\u{2014} ")
                .ok_or_else(|| bad("signature line must start with an em dash"))?;
            let (name, b64) = rest
                .split_once(' ')
                .ok_or_else(|| bad("signature line needs a name and a signature"))?;
            let raw = B64.decode(b64).map_err(|_| bad("signature is not base64"))?;
            if raw.len() != 68 {
                return Err(bad("signature is not key id + 64 bytes"));
            }
            let mut key_id = [0u8; 4];
            key_id.copy_from_slice(&raw[..4]);
            let mut signature = [0u8; 64];
            signature.copy_from_slice(&raw[4..]);
            signatures.push(NoteSignature { name: name.to_owned(), key_id, signature });
        }
        if signatures.is_empty() {
            return Err(bad("no signature"));
        }
        Ok(Self { checkpoint: Checkpoint { origin: origin.to_owned(), size, root }, signatures })
    }

    /// Verifies the signature made by `key` (matched by name and key id).
    ///
    /// # Errors
    /// [`VerifyError::Checkpoint`] if there is no such line or it does not verify.
    pub fn verify_with(&self, key: &VerifierKey) -> Result<(), VerifyError> {
        let size = self.checkpoint.size;
        let line =
            self.signatures.iter().find(|s| s.name == key.name && s.key_id == key.key_id).ok_or(
                VerifyError::Checkpoint { size, reason: "no signature by the expected key" },
            )?;
        let vk = VerifyingKey::from_bytes(&key.public_key)
            .map_err(|_| VerifyError::Checkpoint { size, reason: "invalid public key" })?;
        vk.verify_strict(self.checkpoint.body().as_bytes(), &Signature::from_bytes(&line.signature))
            .map_err(|_| VerifyError::Checkpoint { size, reason: "signature does not verify" })
    }

    /// Verifies that at least one of `keys` signed it (the log's own keys).
    ///
    /// # Errors
    /// [`VerifyError::Checkpoint`] if none of them did.
    pub fn verify_any(&self, keys: &[VerifierKey]) -> Result<(), VerifyError> {
        if keys.iter().any(|k| self.verify_with(k).is_ok()) {
            Ok(())
        } else {
            Err(VerifyError::Checkpoint {
                size: self.checkpoint.size,
                reason: "no valid signature by a trusted key",
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(name: &str, b: u8) -> Ed25519Signer {
        Ed25519Signer::from_seed(name, Zeroizing::new([b; 32])).unwrap()
    }

    /// M5: a signed note round-trips through its text and verifies; a changed size fails.
    #[test]
    fn note_round_trips_and_detects_changes() {
        let s = signer("hogo.example/log", 1);
        let cp = Checkpoint { origin: "hogo.example/log".into(), size: 5, root: [7; 32] };
        let note = SignedCheckpoint::sign(cp, &s).unwrap().to_note();
        let parsed = SignedCheckpoint::parse(&note).unwrap();
        assert_eq!(parsed.to_note(), note);
        assert!(parsed.verify_with(&s.verifier_key()).is_ok());
        let forged = note.replacen("\n5\n", "\n6\n", 1);
        assert!(SignedCheckpoint::parse(&forged).unwrap().verify_with(&s.verifier_key()).is_err());
        assert!(parsed.verify_with(&signer("hogo.example/log", 2).verifier_key()).is_err());
    }

    /// M5: a vkey string round-trips and a wrong key id is refused.
    #[test]
    fn vkey_round_trips() {
        let k = signer("auditor.example", 3).verifier_key();
        assert_eq!(VerifierKey::parse_vkey(&k.to_vkey()).unwrap(), k);
        let bad = k.to_vkey().replacen('+', "+00", 1);
        assert!(VerifierKey::parse_vkey(&bad).is_err());
    }

    /// M5: every key round-trips, also when its base64 contains '+' (about half of random
    /// keys do; splitting from the right used to break them).
    #[test]
    fn vkey_round_trips_for_keys_whose_base64_has_a_plus() {
        let mut with_plus = 0;
        for seed in 0..64u8 {
            let k = signer("hogo-01a2", seed).verifier_key();
            let text = k.to_vkey();
            if text.splitn(3, '+').nth(2).is_some_and(|b| b.contains('+')) {
                with_plus += 1;
            }
            assert_eq!(VerifierKey::parse_vkey(&text).unwrap(), k, "{text}");
        }
        assert!(with_plus > 0, "the sample must contain keys with '+' in their base64");
    }
}
