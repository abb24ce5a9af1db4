//! The sealed-record format: a versioned, self-describing envelope and the associated
//! data that binds it to its row.
//!
//! ```text
//! offset 0     1     2          18         22            30        42           len-16
//!        | fmt | alg | key id   | key ver  | ctx digest  | nonce   | ciphertext | tag |
//!          =1    =1    16 B uuid  u32 BE     8 B           12 B                   16 B
//! ```
//!
//! * `alg` 1 = AES-256-GCM (2 = AES-256-GCM-SIV and 3 = XChaCha20-Poly1305 are reserved).
//! * The associated data given to AES-GCM is `header ‖ pack(context)`, where the header is
//!   bytes 0..42 and `pack(context)` length-prefixes organisation, subject, data class,
//!   table, field and record id. The context itself is not stored: a ciphertext copied to
//!   another row fails to open.
//! * `ctx digest` = the first 8 bytes of SHA-256 of the packed context. It is only there
//!   so a moved ciphertext gets the distinct error [`VaultError::WrongAssociatedData`]
//!   instead of [`VaultError::EnvelopeAltered`]; the ids it digests are not secret.
//! * Overhead: 58 bytes (a My Number of 12 bytes seals to 70).

use hogo_domain::{DataClass, OrganisationId, RecordId, SubjectId};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::VaultError;
use crate::crypto::{NONCE_LEN, TAG_LEN, pack};
use crate::keys::DataKeyId;

/// The only format version written.
pub const FORMAT_V1: u8 = 1;
/// Algorithm id of AES-256-GCM.
pub const ALG_AES_256_GCM: u8 = 1;
/// Length of the header (everything before the ciphertext).
pub const HEADER_LEN: usize = 42;
/// The smallest valid envelope: header and tag around an empty ciphertext.
pub const MIN_ENVELOPE_LEN: usize = HEADER_LEN + TAG_LEN;
/// Length of the context digest.
pub const CONTEXT_DIGEST_LEN: usize = 8;

/// Where a sealed value lives: the associated data of its envelope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecordContext {
    /// The organisation (tenant).
    pub organisation: OrganisationId,
    /// The person the value is about.
    pub subject: SubjectId,
    /// The data class, which selects the data key.
    pub class: DataClass,
    /// The table (e.g. `employees`).
    pub table: String,
    /// The field (e.g. `my_number`); also names the blind index.
    pub field: String,
    /// The record id.
    pub record: RecordId,
}

impl RecordContext {
    /// The packed context (length-prefixed, never concatenated).
    pub fn packed(&self) -> Vec<u8> {
        pack(&[
            b"hogo/v1/record",
            self.organisation.as_bytes(),
            self.subject.as_bytes(),
            self.class.id().as_bytes(),
            self.table.as_bytes(),
            self.field.as_bytes(),
            self.record.as_bytes(),
        ])
    }

    /// The 8-byte digest stored in the header.
    pub fn digest(packed: &[u8]) -> [u8; CONTEXT_DIGEST_LEN] {
        let d = Sha256::digest(packed);
        let mut out = [0u8; CONTEXT_DIGEST_LEN];
        out.copy_from_slice(&d[..CONTEXT_DIGEST_LEN]);
        out
    }
}

/// The parsed header of an envelope (nothing secret).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeHeader {
    /// Format version ([`FORMAT_V1`]).
    pub format: u8,
    /// Algorithm id ([`ALG_AES_256_GCM`]).
    pub algorithm: u8,
    /// The data key that sealed it.
    pub key: DataKeyId,
    /// That data key's version.
    pub key_version: u32,
    /// Digest of the packed context.
    pub context_digest: [u8; CONTEXT_DIGEST_LEN],
    /// The nonce.
    pub nonce: [u8; NONCE_LEN],
}

impl EnvelopeHeader {
    /// The 42 header bytes.
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut h = [0u8; HEADER_LEN];
        h[0] = self.format;
        h[1] = self.algorithm;
        h[2..18].copy_from_slice(self.key.0.as_bytes());
        h[18..22].copy_from_slice(&self.key_version.to_be_bytes());
        h[22..30].copy_from_slice(&self.context_digest);
        h[30..42].copy_from_slice(&self.nonce);
        h
    }
}

/// A decoded envelope borrowing its input: header, ciphertext and tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelope<'a> {
    /// The header.
    pub header: EnvelopeHeader,
    /// The raw header bytes (part of the associated data).
    pub header_bytes: &'a [u8],
    /// The ciphertext (same length as the plaintext).
    pub ciphertext: &'a [u8],
    /// The GCM tag.
    pub tag: &'a [u8],
}

/// Decodes an envelope without decrypting it. Total: every input gives `Ok` or a typed
/// error, never a panic (fuzzed in `fuzz/fuzz_targets/envelope_decode.rs`).
pub fn decode(bytes: &[u8]) -> Result<Envelope<'_>, VaultError> {
    if bytes.len() < MIN_ENVELOPE_LEN {
        return Err(VaultError::EnvelopeTruncated { len: bytes.len(), min: MIN_ENVELOPE_LEN });
    }
    let (header_bytes, rest) = bytes.split_at(HEADER_LEN);
    let (ciphertext, tag) = rest.split_at(rest.len() - TAG_LEN);
    if header_bytes[0] != FORMAT_V1 {
        return Err(VaultError::UnsupportedFormat { version: header_bytes[0] });
    }
    if header_bytes[1] != ALG_AES_256_GCM {
        return Err(VaultError::UnsupportedAlgorithm { id: header_bytes[1] });
    }
    let mut key = [0u8; 16];
    key.copy_from_slice(&header_bytes[2..18]);
    let mut ver = [0u8; 4];
    ver.copy_from_slice(&header_bytes[18..22]);
    let mut context_digest = [0u8; CONTEXT_DIGEST_LEN];
    context_digest.copy_from_slice(&header_bytes[22..30]);
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&header_bytes[30..42]);
    Ok(Envelope {
        header: EnvelopeHeader {
            format: header_bytes[0],
            algorithm: header_bytes[1],
            key: DataKeyId(Uuid::from_bytes(key)),
            key_version: u32::from_be_bytes(ver),
            context_digest,
            nonce,
        },
        header_bytes,
        ciphertext,
        tag,
    })
}

/// The associated data given to AES-GCM: `header ‖ packed context`.
pub(crate) fn aead_aad(header: &[u8], packed_context: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(header.len() + packed_context.len());
    aad.extend_from_slice(header);
    aad.extend_from_slice(packed_context);
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P9: too-short input is a typed truncation error, not a panic.
    #[test]
    fn short_input_is_truncated_error() {
        for n in 0..MIN_ENVELOPE_LEN {
            assert!(matches!(decode(&vec![1u8; n]), Err(VaultError::EnvelopeTruncated { .. })));
        }
    }

    /// P9: unknown format and algorithm bytes are distinct errors.
    #[test]
    fn unknown_format_and_algorithm_are_refused() {
        let mut b = vec![0u8; MIN_ENVELOPE_LEN];
        b[0] = 2;
        assert_eq!(decode(&b).unwrap_err(), VaultError::UnsupportedFormat { version: 2 });
        b[0] = FORMAT_V1;
        b[1] = 3;
        assert_eq!(decode(&b).unwrap_err(), VaultError::UnsupportedAlgorithm { id: 3 });
    }

    /// P9: the header round-trips through encode and decode.
    #[test]
    fn header_round_trips() {
        let h = EnvelopeHeader {
            format: FORMAT_V1,
            algorithm: ALG_AES_256_GCM,
            key: DataKeyId(Uuid::from_u128(7)),
            key_version: 3,
            context_digest: [9; 8],
            nonce: [5; 12],
        };
        let mut b = h.encode().to_vec();
        b.extend_from_slice(&[0; 20]);
        let e = decode(&b).unwrap();
        assert_eq!(e.header, h);
        assert_eq!(e.ciphertext.len(), 4);
    }
}
