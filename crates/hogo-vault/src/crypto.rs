//! Small building blocks over RustCrypto: length-prefixed packing, AES-256-GCM key
//! wrapping, HMAC key commitment and a nonce pool drawn from the [`Entropy`] port.
//!
//! Nothing here is hand-rolled cryptography: AES-256-GCM is `aes-gcm`, HMAC-SHA256 is
//! `hmac` + `sha2`. This module only fixes how inputs are framed.

use aes_gcm::aead::AeadInOut;
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use hmac::KeyInit;
use hmac::{Hmac, Mac};
use hogo_domain::Entropy;
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;
use zeroize::Zeroizing;

/// Length of a nonce (96 bits).
pub const NONCE_LEN: usize = 12;
/// Length of a GCM tag.
pub const TAG_LEN: usize = 16;
/// Length of every symmetric key in the vault (AES-256).
pub const KEY_LEN: usize = 32;
/// Length of a wrapped 32-byte key: nonce ‖ ciphertext ‖ tag.
pub const WRAPPED_LEN: usize = NONCE_LEN + KEY_LEN + TAG_LEN;

/// Packs parts unambiguously: part count, then each part's length (u32 big-endian)
/// followed by its bytes. Never plain concatenation.
///
/// ```
/// use hogo_vault::crypto::pack;
/// assert_ne!(pack(&[b"ab", b"c"]), pack(&[b"a", b"bc"]));
/// ```
pub fn pack(parts: &[&[u8]]) -> Vec<u8> {
    let total: usize = parts.iter().map(|p| p.len() + 4).sum::<usize>() + 4;
    let mut out = Vec::with_capacity(total);
    pack_into(&mut out, parts);
    out
}

/// Appends the packing of `parts` to `out` (see [`pack`]).
pub fn pack_into(out: &mut Vec<u8>, parts: &[&[u8]]) {
    out.extend_from_slice(&u32::try_from(parts.len()).unwrap_or(u32::MAX).to_be_bytes());
    for p in parts {
        out.extend_from_slice(&u32::try_from(p.len()).unwrap_or(u32::MAX).to_be_bytes());
        out.extend_from_slice(p);
    }
}

/// A 256-bit secret key, zeroized on drop. No `Debug`, no `Clone` that escapes secrecy.
pub struct KeyMaterial(SecretBox<[u8; KEY_LEN]>);

impl KeyMaterial {
    /// Wraps raw key bytes (the caller's copy should be zeroized).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        let mut local = bytes;
        let boxed = SecretBox::new(Box::new(local));
        zeroize::Zeroize::zeroize(&mut local);
        Self(boxed)
    }

    /// A fresh random key from the entropy port.
    pub fn generate(entropy: &dyn Entropy) -> Self {
        let mut key = SecretBox::new(Box::new([0u8; KEY_LEN]));
        entropy.fill(secrecy::ExposeSecretMut::expose_secret_mut(&mut key));
        Self(key)
    }

    /// The raw bytes. Only crypto code in this crate and key-provider adapters call this.
    pub fn expose(&self) -> &[u8; KEY_LEN] {
        self.0.expose_secret()
    }

    /// An AES-256-GCM cipher under this key (its key schedule is zeroized on drop).
    pub fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(self.0.expose_secret().into())
    }

    /// A copy (still secret).
    pub fn duplicate(&self) -> Self {
        Self::from_bytes(*self.expose())
    }
}

impl std::fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyMaterial([REDACTED])")
    }
}

/// Seals a 32-byte key under `kek` with AES-256-GCM: `nonce ‖ ciphertext ‖ tag`.
pub fn wrap_key(
    kek: &Aes256Gcm,
    key: &KeyMaterial,
    aad: &[u8],
    nonce: [u8; NONCE_LEN],
) -> Result<[u8; WRAPPED_LEN], crate::VaultError> {
    let mut out = [0u8; WRAPPED_LEN];
    out[..NONCE_LEN].copy_from_slice(&nonce);
    out[NONCE_LEN..NONCE_LEN + KEY_LEN].copy_from_slice(key.expose());
    let tag = kek
        .encrypt_inout_detached(
            &Nonce::from(nonce),
            aad,
            (&mut out[NONCE_LEN..NONCE_LEN + KEY_LEN]).into(),
        )
        .map_err(|_| crate::VaultError::SealFailed)?;
    out[NONCE_LEN + KEY_LEN..].copy_from_slice(&tag);
    Ok(out)
}

/// Opens a key sealed by [`wrap_key`]. `what` names the key in the error.
pub fn unwrap_key(
    kek: &Aes256Gcm,
    wrapped: &[u8],
    aad: &[u8],
    what: &'static str,
) -> Result<KeyMaterial, crate::VaultError> {
    if wrapped.len() != WRAPPED_LEN {
        return Err(crate::VaultError::UnwrapFailed { what });
    }
    let mut buf = Zeroizing::new([0u8; KEY_LEN]);
    buf.copy_from_slice(&wrapped[NONCE_LEN..NONCE_LEN + KEY_LEN]);
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&wrapped[..NONCE_LEN]);
    let tag = Tag::try_from(&wrapped[NONCE_LEN + KEY_LEN..])
        .map_err(|_| crate::VaultError::UnwrapFailed { what })?;
    kek.decrypt_inout_detached(&Nonce::from(nonce), aad, (&mut buf[..]).into(), &tag)
        .map_err(|_| crate::VaultError::UnwrapFailed { what })?;
    Ok(KeyMaterial::from_bytes(*buf))
}

/// Length of the key-commitment tag.
pub const COMMITMENT_LEN: usize = 16;

fn commitment_mac(key: &KeyMaterial, context: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.expose())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(&pack(&[b"hogo/v1/commit", context]));
    mac
}

/// The key-commitment tag `HMAC-SHA256(key, pack("hogo/v1/commit", context))[..16]`.
pub fn commitment(key: &KeyMaterial, context: &[u8]) -> [u8; COMMITMENT_LEN] {
    let full = commitment_mac(key, context).finalize().into_bytes();
    let mut out = [0u8; COMMITMENT_LEN];
    out.copy_from_slice(&full[..COMMITMENT_LEN]);
    out
}

/// Checks a commitment tag in constant time.
pub fn verify_commitment(key: &KeyMaterial, context: &[u8], tag: &[u8]) -> bool {
    tag.len() == COMMITMENT_LEN && commitment_mac(key, context).verify_truncated_left(tag).is_ok()
}

/// How many nonces one refill of a [`NoncePool`] draws (4 KiB of entropy).
pub const NONCE_POOL_SIZE: usize = 4096 / NONCE_LEN;

/// Random 96-bit nonces drawn from the [`Entropy`] port 4 KiB at a time, so a batch pays
/// one entropy call per ~341 seals. Each nonce is handed out once; the pool lives only for
/// one batch call and is dropped (unused nonces are discarded, never reused).
pub struct NoncePool<'e> {
    entropy: &'e dyn Entropy,
    buf: Vec<u8>,
    next: usize,
}

impl<'e> NoncePool<'e> {
    /// An empty pool that refills from `entropy` on first use.
    pub fn new(entropy: &'e dyn Entropy) -> Self {
        Self { entropy, buf: vec![0; NONCE_POOL_SIZE * NONCE_LEN], next: NONCE_POOL_SIZE }
    }

    /// The next fresh nonce.
    pub fn next_nonce(&mut self) -> [u8; NONCE_LEN] {
        if self.next >= NONCE_POOL_SIZE {
            self.entropy.fill(&mut self.buf);
            self.next = 0;
        }
        let mut n = [0u8; NONCE_LEN];
        let at = self.next * NONCE_LEN;
        n.copy_from_slice(&self.buf[at..at + NONCE_LEN]);
        self.next += 1;
        n
    }
}

impl std::fmt::Debug for NoncePool<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoncePool").field("remaining", &(NONCE_POOL_SIZE - self.next)).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hogo_domain::testkit::SeededEntropy;

    /// M13: packing is injective where concatenation is not.
    #[test]
    fn packing_is_not_concatenation() {
        assert_ne!(pack(&[b"ab", b"c"]), pack(&[b"a", b"bc"]));
        assert_ne!(pack(&[b"a"]), pack(&[b"a", b""]));
    }

    /// M13: a wrapped key opens only with the same associated data.
    #[test]
    fn wrapped_key_is_bound_to_its_context() {
        let e = SeededEntropy::new(1);
        let kek = KeyMaterial::generate(&e);
        let key = KeyMaterial::generate(&e);
        let w = wrap_key(&kek.cipher(), &key, b"ctx-a", e.array()).unwrap();
        assert_eq!(unwrap_key(&kek.cipher(), &w, b"ctx-a", "k").unwrap().expose(), key.expose());
        assert!(unwrap_key(&kek.cipher(), &w, b"ctx-b", "k").is_err());
    }

    /// M13: the key-commitment tag rejects another key.
    #[test]
    fn commitment_rejects_other_key() {
        let e = SeededEntropy::new(2);
        let a = KeyMaterial::generate(&e);
        let b = KeyMaterial::generate(&e);
        let t = commitment(&a, b"id");
        assert!(verify_commitment(&a, b"id", &t));
        assert!(!verify_commitment(&b, b"id", &t));
    }

    /// P9: a nonce pool never hands out the same nonce twice within a batch.
    #[test]
    fn nonce_pool_hands_out_distinct_nonces() {
        let e = SeededEntropy::new(3);
        let mut pool = NoncePool::new(&e);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..(NONCE_POOL_SIZE * 3) {
            assert!(seen.insert(pool.next_nonce()));
        }
    }
}
