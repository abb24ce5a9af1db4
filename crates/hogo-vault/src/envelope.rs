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
//!   instead of [`VaultError::EnvelopeAltered`]; the ids it digests are not secret. It is
//!   written on every seal but read only when the AES-GCM tag fails: a tag that checks
//!   already proves header (digest included) and context are the sealed ones, so opening
//!   compares digests only to name the failure.
//! * The associated data is packed once per seal or open into a stack buffer
//!   (`AadBuf`; heap only for unusually long table or field names).
//! * Overhead: 58 bytes (a My Number of 12 bytes seals to 70).

use hogo_domain::{DataClass, OrganisationId, RecordId, SubjectId};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::VaultError;
use crate::crypto::{NONCE_LEN, TAG_LEN};
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
    /// The packed context (length-prefixed, never concatenated): byte for byte
    /// `pack(&["hogo/v1/record", organisation, subject, class id, table, field, record])`
    /// (see [`pack`](crate::crypto::pack)).
    pub fn packed(&self) -> Vec<u8> {
        let mut out = vec![0; self.packed_len()];
        self.write_packed(&mut out);
        out
    }

    /// Length of [`RecordContext::packed`].
    fn packed_len(&self) -> usize {
        4 + (4 + RECORD_LABEL.len())
            + 3 * (4 + 16)
            + (4 + self.class.id().len())
            + (4 + self.table.len())
            + (4 + self.field.len())
    }

    /// Writes [`RecordContext::packed`] into `out` (exactly [`RecordContext::packed_len`]
    /// bytes) without allocating; fixed-size parts are copied as arrays.
    fn write_packed(&self, out: &mut [u8]) {
        let mut w = PackWriter(out);
        w.fixed(&7u32.to_be_bytes());
        w.part_fixed(RECORD_LABEL);
        w.part_fixed(self.organisation.as_bytes());
        w.part_fixed(self.subject.as_bytes());
        w.part(self.class.id().as_bytes());
        w.part(self.table.as_bytes());
        w.part(self.field.as_bytes());
        w.part_fixed(self.record.as_bytes());
        debug_assert!(w.0.is_empty(), "write_packed: buffer longer than the packing");
    }

    /// The 8-byte digest stored in the header.
    pub fn digest(packed: &[u8]) -> [u8; CONTEXT_DIGEST_LEN] {
        let d = Sha256::digest(packed);
        let mut out = [0u8; CONTEXT_DIGEST_LEN];
        out.copy_from_slice(&d[..CONTEXT_DIGEST_LEN]);
        out
    }
}

/// Label of the packed record context.
const RECORD_LABEL: &[u8; 14] = b"hogo/v1/record";

/// Writes length-prefixed parts front to back into a slice sized for them (the framing of
/// [`pack`](crate::crypto::pack): u32 big-endian length, then the bytes).
struct PackWriter<'o>(&'o mut [u8]);

impl PackWriter<'_> {
    fn fixed<const N: usize>(&mut self, bytes: &[u8; N]) {
        let (head, tail) = std::mem::take(&mut self.0).split_at_mut(N);
        head.copy_from_slice(bytes);
        self.0 = tail;
    }

    fn part_fixed<const N: usize>(&mut self, bytes: &[u8; N]) {
        self.fixed(&u32::try_from(N).unwrap_or(u32::MAX).to_be_bytes());
        self.fixed(bytes);
    }

    fn part(&mut self, bytes: &[u8]) {
        self.fixed(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_be_bytes());
        let (head, tail) = std::mem::take(&mut self.0).split_at_mut(bytes.len());
        head.copy_from_slice(bytes);
        self.0 = tail;
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

/// Bytes of associated data kept on the stack: the header and a packed context whose
/// table, field and data-class names total up to 104 bytes.
const AAD_INLINE: usize = 256;

/// The associated data given to AES-GCM, `header ‖ packed context`, built once per seal or
/// open: on the stack when it fits in [`AAD_INLINE`] bytes, else on the heap. Nothing in
/// it is secret (header fields and ids).
pub(crate) struct AadBuf {
    inline: [u8; AAD_INLINE],
    heap: Vec<u8>,
    len: usize,
}

impl AadBuf {
    /// The packed `ctx` after a zeroed header; fill the header with [`AadBuf::set_header`].
    pub(crate) fn for_context(ctx: &RecordContext) -> Self {
        let len = HEADER_LEN + ctx.packed_len();
        let mut aad = if len <= AAD_INLINE {
            Self { inline: [0; AAD_INLINE], heap: Vec::new(), len }
        } else {
            Self { inline: [0; AAD_INLINE], heap: vec![0; len], len }
        };
        ctx.write_packed(&mut aad.bytes_mut()[HEADER_LEN..]);
        aad
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        if self.heap.is_empty() { &mut self.inline[..self.len] } else { &mut self.heap[..] }
    }

    /// The whole associated data, `header ‖ packed context`.
    pub(crate) fn as_slice(&self) -> &[u8] {
        if self.heap.is_empty() { &self.inline[..self.len] } else { &self.heap[..] }
    }

    /// The packed context alone (what [`RecordContext::packed`] returns).
    pub(crate) fn packed(&self) -> &[u8] {
        &self.as_slice()[HEADER_LEN..]
    }

    /// Writes the header bytes (the encoded or the received header).
    pub(crate) fn set_header(&mut self, header: &[u8; HEADER_LEN]) {
        self.bytes_mut()[..HEADER_LEN].copy_from_slice(header);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::pack;

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

    fn ctx(table: &str, field: &str) -> RecordContext {
        RecordContext {
            organisation: OrganisationId::from_uuid(Uuid::from_u128(1)),
            subject: SubjectId::from_uuid(Uuid::from_u128(2)),
            class: DataClass::MyNumber,
            table: table.into(),
            field: field.into(),
            record: RecordId::from_uuid(Uuid::from_u128(3)),
        }
    }

    /// M13: the associated data is `header ‖ pack(context)` byte for byte, whether the
    /// context fits the stack buffer or needs the heap (format v1 stays readable).
    #[test]
    fn associated_data_is_header_then_packed_context() {
        let long = "t".repeat(AAD_INLINE);
        for (table, field) in [("employees", "my_number"), ("", ""), (long.as_str(), "f")] {
            let c = ctx(table, field);
            let mut aad = AadBuf::for_context(&c);
            aad.set_header(&[7; HEADER_LEN]);
            let mut want = vec![7; HEADER_LEN];
            want.extend_from_slice(&c.packed());
            assert_eq!(aad.as_slice(), &want[..]);
            assert_eq!(aad.packed(), &c.packed()[..]);
        }
    }

    proptest::proptest! {
        /// M13: the packed context is exactly `pack` of its seven parts (length-prefixed,
        /// format v1), for any table and field name.
        #[test]
        fn packed_context_is_pack_of_its_parts(table in "\\PC{0,40}", field in "\\PC{0,300}") {
            for class in [DataClass::MyNumber, DataClass::Sensitive, DataClass::Profile] {
                let mut c = ctx(&table, &field);
                c.class = class;
                let want = pack(&[
                    b"hogo/v1/record",
                    c.organisation.as_bytes(),
                    c.subject.as_bytes(),
                    c.class.id().as_bytes(),
                    c.table.as_bytes(),
                    c.field.as_bytes(),
                    c.record.as_bytes(),
                ]);
                proptest::prop_assert_eq!(c.packed(), want);
            }
        }
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
