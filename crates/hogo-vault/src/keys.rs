//! The root of the key hierarchy: the [`KeyProvider`] port, which only wraps and unwraps
//! key material (so an embedder's KMS can implement it), with versions, one primary and a
//! `min_decryption_version`; a local key ring; and a passphrase → Argon2id derivation.
//!
//! Adapters (a key file with 0600 permissions, a passphrase prompt, an environment
//! variable, a cloud KMS) live outside this core crate: they read the secret and hand it
//! to [`LocalKeyProvider`] / [`PassphraseKeyProvider`], or implement [`KeyProvider`].

use std::collections::BTreeMap;

use argon2::{Algorithm, Argon2, Params, Version};
use hogo_domain::Entropy;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::VaultError;
use crate::crypto::{KEY_LEN, KeyMaterial, unwrap_key, wrap_key};

/// A root key version (1, 2, …). Wrappings carry the version that made them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyVersion(pub u32);

impl std::fmt::Display for KeyVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v{}", self.0)
    }
}

/// The id of a bucket KEK (a uuid from the [`IdGen`](hogo_domain::IdGen) port).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub Uuid);

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

/// The id of a data key (a uuid from the [`IdGen`](hogo_domain::IdGen) port); carried in
/// every envelope the key sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DataKeyId(pub Uuid);

impl std::fmt::Display for DataKeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

/// Key material wrapped by a root key version. Opaque bytes for a KMS; for the local
/// providers `nonce ‖ ciphertext ‖ tag` of AES-256-GCM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKey {
    /// The root key version that wrapped it.
    pub version: KeyVersion,
    /// The wrapping (not secret).
    pub bytes: Vec<u8>,
}

/// The root key port: wraps and unwraps 256-bit keys and never reveals its own material.
///
/// `context` is associated data the wrapping is bound to (the vault passes a packed
/// description of the wrapped key: kind, organisation, bucket, key id). Object-safe.
pub trait KeyProvider: Send + Sync {
    /// The version new wrappings use.
    fn primary(&self) -> KeyVersion;

    /// The lowest version [`KeyProvider::unwrap`] still accepts.
    fn min_decryption_version(&self) -> KeyVersion;

    /// Every version the provider holds, ascending.
    fn versions(&self) -> Vec<KeyVersion>;

    /// Wraps `key` under the primary version, bound to `context`. Nonces come from
    /// `entropy` for local providers; a KMS may ignore it.
    fn wrap(
        &self,
        key: &KeyMaterial,
        context: &[u8],
        entropy: &dyn Entropy,
    ) -> Result<WrappedKey, VaultError>;

    /// Unwraps, refusing versions below `min_decryption_version`
    /// ([`VaultError::RootKeyVersionRetired`]) and unknown versions
    /// ([`VaultError::UnknownRootKeyVersion`]).
    fn unwrap(&self, wrapped: &WrappedKey, context: &[u8]) -> Result<KeyMaterial, VaultError>;

    /// Re-wraps a wrapped key under the primary version. Only key material passes through
    /// (never record plaintext); a KMS may do this server-side.
    fn rewrap(
        &self,
        wrapped: &WrappedKey,
        context: &[u8],
        entropy: &dyn Entropy,
    ) -> Result<WrappedKey, VaultError> {
        let key = self.unwrap(wrapped, context)?;
        self.wrap(&key, context, entropy)
    }

    /// Makes a new version and makes it primary; returns it.
    /// [`VaultError::RotationUnsupported`] when the provider needs new input.
    fn rotate(&mut self, entropy: &dyn Entropy) -> Result<KeyVersion, VaultError>;

    /// Raises `min_decryption_version` (after [`Vault::rewrap`](crate::Vault::rewrap)).
    /// It can never go down nor above the primary.
    fn set_min_decryption_version(&mut self, version: KeyVersion) -> Result<(), VaultError>;
}

/// A key ring of root keys held in memory (read from a key file or the environment by an
/// adapter, or derived from a passphrase). Implements [`KeyProvider`].
pub struct LocalKeyProvider {
    keys: BTreeMap<KeyVersion, KeyMaterial>,
    primary: KeyVersion,
    min: KeyVersion,
}

impl LocalKeyProvider {
    /// A ring with one key, version 1, primary.
    pub fn new(key: KeyMaterial) -> Self {
        let mut keys = BTreeMap::new();
        keys.insert(KeyVersion(1), key);
        Self { keys, primary: KeyVersion(1), min: KeyVersion(1) }
    }

    /// A ring loaded from stored versions (an adapter reading a key file). The highest
    /// version is primary; `min` is the stored `min_decryption_version`. Versions below
    /// `min` are dropped.
    pub fn from_versions(keys: Vec<(KeyVersion, KeyMaterial)>, min: KeyVersion) -> Option<Self> {
        let keys: BTreeMap<_, _> = keys.into_iter().filter(|(v, _)| *v >= min).collect();
        let primary = *keys.keys().next_back()?;
        Some(Self { keys, primary, min: min.min(primary) })
    }

    /// Adds a version from outside material (a new key file, a new passphrase) and makes
    /// it primary. Returns the new version.
    pub fn add_version(&mut self, key: KeyMaterial) -> KeyVersion {
        let v = KeyVersion(self.primary.0 + 1);
        self.keys.insert(v, key);
        self.primary = v;
        v
    }

    fn key(&self, version: KeyVersion) -> Result<&KeyMaterial, VaultError> {
        if version < self.min {
            return Err(VaultError::RootKeyVersionRetired { version, min: self.min });
        }
        self.keys.get(&version).ok_or(VaultError::UnknownRootKeyVersion { version })
    }
}

fn root_aad(version: KeyVersion, context: &[u8]) -> Vec<u8> {
    crate::crypto::pack(&[b"hogo/v1/root-wrap", &version.0.to_be_bytes(), context])
}

impl KeyProvider for LocalKeyProvider {
    fn primary(&self) -> KeyVersion {
        self.primary
    }

    fn min_decryption_version(&self) -> KeyVersion {
        self.min
    }

    fn versions(&self) -> Vec<KeyVersion> {
        self.keys.keys().copied().collect()
    }

    fn wrap(
        &self,
        key: &KeyMaterial,
        context: &[u8],
        entropy: &dyn Entropy,
    ) -> Result<WrappedKey, VaultError> {
        let root = self.key(self.primary)?;
        let mut nonce = [0u8; crate::crypto::NONCE_LEN];
        entropy.fill(&mut nonce);
        let bytes = wrap_key(&root.cipher(), key, &root_aad(self.primary, context), nonce)?;
        Ok(WrappedKey { version: self.primary, bytes: bytes.to_vec() })
    }

    fn unwrap(&self, wrapped: &WrappedKey, context: &[u8]) -> Result<KeyMaterial, VaultError> {
        let root = self.key(wrapped.version)?;
        unwrap_key(
            &root.cipher(),
            &wrapped.bytes,
            &root_aad(wrapped.version, context),
            "root_wrapping",
        )
    }

    fn rotate(&mut self, entropy: &dyn Entropy) -> Result<KeyVersion, VaultError> {
        Ok(self.add_version(KeyMaterial::generate(entropy)))
    }

    fn set_min_decryption_version(&mut self, version: KeyVersion) -> Result<(), VaultError> {
        if version < self.min || version > self.primary {
            return Err(VaultError::InvalidMinDecryptionVersion {
                requested: version,
                current: self.min,
                primary: self.primary,
            });
        }
        self.min = version;
        self.keys.retain(|v, _| *v >= version);
        Ok(())
    }
}

impl std::fmt::Debug for LocalKeyProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalKeyProvider")
            .field("versions", &self.keys.keys().collect::<Vec<_>>())
            .field("primary", &self.primary)
            .field("min_decryption_version", &self.min)
            .finish_non_exhaustive()
    }
}

/// Argon2id parameters for a passphrase-derived root key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Settings {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Argon2Settings {
    /// The vault's default: Argon2id m = 64 MiB, t = 3, p = 1 (vault-ledger §2.1; about
    /// 137 ms once per start on the reference machine, §4.3).
    pub const DEFAULT: Self = Self { memory_kib: 64 * 1024, iterations: 3, parallelism: 1 };

    /// Cheap parameters for tests only (m = 64 KiB, t = 1): never in production.
    pub const INSECURE_TEST: Self = Self { memory_kib: 64, iterations: 1, parallelism: 1 };
}

impl Default for Argon2Settings {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The minimum salt length for [`derive_root_key`] (16 bytes, random, stored beside the
/// key ring's metadata by the adapter).
pub const MIN_SALT_LEN: usize = 16;

/// Derives a 256-bit root key from a passphrase with Argon2id (version 0x13). Pure: the
/// adapter reads the passphrase (without echo) and the stored salt.
pub fn derive_root_key(
    passphrase: &[u8],
    salt: &[u8],
    settings: Argon2Settings,
) -> Result<KeyMaterial, VaultError> {
    if salt.len() < MIN_SALT_LEN {
        return Err(VaultError::KeyDerivation {
            reason: format!("salt must be at least {MIN_SALT_LEN} bytes"),
        });
    }
    let params =
        Params::new(settings.memory_kib, settings.iterations, settings.parallelism, Some(KEY_LEN))
            .map_err(|e| VaultError::KeyDerivation { reason: e.to_string() })?;
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase, salt, &mut out[..])
        .map_err(|e| VaultError::KeyDerivation { reason: e.to_string() })?;
    Ok(KeyMaterial::from_bytes(*out))
}

/// A root key provider whose versions are passphrase-derived (Argon2id). It cannot rotate
/// by itself: give it the next passphrase with [`PassphraseKeyProvider::rotate_to`].
#[derive(Debug)]
pub struct PassphraseKeyProvider {
    ring: LocalKeyProvider,
    settings: Argon2Settings,
}

impl PassphraseKeyProvider {
    /// Derives version 1 from `passphrase` and `salt`.
    pub fn new(
        passphrase: &[u8],
        salt: &[u8],
        settings: Argon2Settings,
    ) -> Result<Self, VaultError> {
        Ok(Self {
            ring: LocalKeyProvider::new(derive_root_key(passphrase, salt, settings)?),
            settings,
        })
    }

    /// Derives every stored version: `(version, passphrase, salt)` triples, `min` the stored
    /// `min_decryption_version`.
    pub fn from_versions(
        entries: &[(KeyVersion, &[u8], &[u8])],
        min: KeyVersion,
        settings: Argon2Settings,
    ) -> Result<Self, VaultError> {
        let mut keys = Vec::with_capacity(entries.len());
        for (v, pass, salt) in entries {
            keys.push((*v, derive_root_key(pass, salt, settings)?));
        }
        let ring = LocalKeyProvider::from_versions(keys, min).ok_or(VaultError::KeyDerivation {
            reason: "no passphrase version at or above min_decryption_version".to_owned(),
        })?;
        Ok(Self { ring, settings })
    }

    /// Adds a version derived from a new passphrase and makes it primary.
    pub fn rotate_to(&mut self, passphrase: &[u8], salt: &[u8]) -> Result<KeyVersion, VaultError> {
        Ok(self.ring.add_version(derive_root_key(passphrase, salt, self.settings)?))
    }
}

impl KeyProvider for PassphraseKeyProvider {
    fn primary(&self) -> KeyVersion {
        self.ring.primary()
    }
    fn min_decryption_version(&self) -> KeyVersion {
        self.ring.min_decryption_version()
    }
    fn versions(&self) -> Vec<KeyVersion> {
        self.ring.versions()
    }
    fn wrap(
        &self,
        key: &KeyMaterial,
        context: &[u8],
        entropy: &dyn Entropy,
    ) -> Result<WrappedKey, VaultError> {
        self.ring.wrap(key, context, entropy)
    }
    fn unwrap(&self, wrapped: &WrappedKey, context: &[u8]) -> Result<KeyMaterial, VaultError> {
        self.ring.unwrap(wrapped, context)
    }
    fn rotate(&mut self, _entropy: &dyn Entropy) -> Result<KeyVersion, VaultError> {
        Err(VaultError::RotationUnsupported)
    }
    fn set_min_decryption_version(&mut self, version: KeyVersion) -> Result<(), VaultError> {
        self.ring.set_min_decryption_version(version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hogo_domain::testkit::SeededEntropy;

    /// M13: the same passphrase and salt give the same key; another salt another key.
    #[test]
    fn passphrase_derivation_is_deterministic_and_salted() {
        let s = Argon2Settings::INSECURE_TEST;
        let a = derive_root_key(b"correct horse", b"0123456789abcdef", s).unwrap();
        let b = derive_root_key(b"correct horse", b"0123456789abcdef", s).unwrap();
        let c = derive_root_key(b"correct horse", b"fedcba9876543210", s).unwrap();
        assert_eq!(a.expose(), b.expose());
        assert_ne!(a.expose(), c.expose());
        assert!(matches!(
            derive_root_key(b"x", b"short", s),
            Err(VaultError::KeyDerivation { .. })
        ));
    }

    /// M13: a passphrase provider refuses to invent a new version and rotates to a new passphrase.
    #[test]
    fn passphrase_provider_rotates_only_with_new_passphrase() {
        let e = SeededEntropy::new(9);
        let s = Argon2Settings::INSECURE_TEST;
        let mut p = PassphraseKeyProvider::new(b"one", b"0123456789abcdef", s).unwrap();
        let k = KeyMaterial::generate(&e);
        let w = p.wrap(&k, b"ctx", &e).unwrap();
        assert_eq!(p.rotate(&e).unwrap_err(), VaultError::RotationUnsupported);
        assert_eq!(p.rotate_to(b"two", b"0123456789abcdef").unwrap(), KeyVersion(2));
        let w2 = p.rewrap(&w, b"ctx", &e).unwrap();
        assert_eq!(w2.version, KeyVersion(2));
        p.set_min_decryption_version(KeyVersion(2)).unwrap();
        assert!(matches!(p.unwrap(&w, b"ctx"), Err(VaultError::RootKeyVersionRetired { .. })));
        assert_eq!(p.unwrap(&w2, b"ctx").unwrap().expose(), k.expose());
    }

    /// M13: min_decryption_version never goes down or above the primary.
    #[test]
    fn min_decryption_version_is_bounded() {
        let e = SeededEntropy::new(1);
        let mut p = LocalKeyProvider::new(KeyMaterial::generate(&e));
        assert!(p.set_min_decryption_version(KeyVersion(2)).is_err());
        p.rotate(&e).unwrap();
        p.set_min_decryption_version(KeyVersion(2)).unwrap();
        assert!(p.set_min_decryption_version(KeyVersion(1)).is_err());
        assert_eq!(p.versions(), vec![KeyVersion(2)]);
    }
}
