//! The vault service: key hierarchy, sealing and opening, blind index, moving data keys
//! between retention buckets, crypto-shredding and rotation.
//!
//! A [`Vault`] borrows the root [`KeyProvider`] and the [`Entropy`] and [`IdGen`] ports;
//! every operation takes the storage handles of the caller's transaction. An error returns
//! early: the caller rolls its transaction back, so nothing is half-written.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use aes_gcm::aead::AeadInOut;
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use hogo_domain::{DataClass, Entropy, IdGen, MyNumber, OrganisationId, RecordId, SubjectId};
use secrecy::{ExposeSecret, ExposeSecretMut, SecretBox};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::VaultError;
use crate::crypto::{
    KeyMaterial, NONCE_LEN, NoncePool, TAG_LEN, commitment, pack, unwrap_key, verify_commitment,
    wrap_key,
};
use crate::envelope::{
    self, ALG_AES_256_GCM, AadBuf, Envelope, EnvelopeHeader, FORMAT_V1, HEADER_LEN, RecordContext,
};
use crate::keys::{DataKeyId, KeyId, KeyProvider, KeyVersion};
use crate::store::{
    Bucket, BucketKekRecord, DataKeyRecord, IndexEntry, IndexRootRecord, IndexTag, KekState,
    KekStore, StoredRecord, VaultStore,
};

/// Default blind-index width: **16 bits**.
///
/// False candidates per lookup ≈ rows / 2^bits: at 16 bits an organisation with 10 k
/// numbers decrypts ~0.15 extra records per lookup and one with 100 k about 1.5, each at
/// well under a microsecond. Each tag stands for ~10^11 / 65 536 ≈ 1.5 M possible numbers,
/// so even a leaked index key cannot single a number out from its tag. Organisations
/// above ~150 k numbers should choose 20 bits (1 M rows → ~1 false candidate); 24 bits
/// leaks most (~6 000 numbers per tag) and suits only very large tenants.
pub const DEFAULT_INDEX_BITS: u8 = 16;

/// Settings of a [`Vault`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VaultConfig {
    /// Blind-index width for a new index root (16–24); an existing root keeps its width.
    pub index_bits: u8,
}

impl Default for VaultConfig {
    fn default() -> Self {
        Self { index_bits: DEFAULT_INDEX_BITS }
    }
}

/// Decrypted bytes, zeroized on drop; no `Debug` of the content. One exact-size heap
/// allocation (`SecretBox<[u8]>`), decrypted in place.
pub struct Plaintext(SecretBox<[u8]>);

impl Plaintext {
    /// The bytes. Every call site is a place where plaintext exists.
    pub fn expose(&self) -> &[u8] {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Plaintext([REDACTED])")
    }
}

/// An unwrapped data key ready to seal and open records of one (organisation, subject,
/// data class). Its AES key schedule is zeroized on drop. Use it for hot loops; drop it
/// as soon as the use case ends.
pub struct OpenedDataKey {
    record: DataKeyRecord,
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for OpenedDataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenedDataKey").field("id", &self.record.id).finish_non_exhaustive()
    }
}

impl OpenedDataKey {
    /// The stored (wrapped) record of this key.
    pub fn record(&self) -> &DataKeyRecord {
        &self.record
    }

    fn check_context(&self, ctx: &RecordContext) -> Result<(), VaultError> {
        let r = &self.record;
        if r.organisation != ctx.organisation || r.subject != ctx.subject || r.class != ctx.class {
            return Err(VaultError::WrongAssociatedData);
        }
        Ok(())
    }

    /// Seals `plaintext` for `ctx` with the given fresh nonce; returns the envelope.
    ///
    /// The context is packed once (on the stack) and digested once; the envelope is the
    /// only allocation, of exact size, and is encrypted in place.
    pub fn seal(
        &self,
        ctx: &RecordContext,
        plaintext: &[u8],
        nonce: [u8; NONCE_LEN],
    ) -> Result<Vec<u8>, VaultError> {
        self.check_context(ctx)?;
        let mut aad = AadBuf::for_context(ctx);
        let header = EnvelopeHeader {
            format: FORMAT_V1,
            algorithm: ALG_AES_256_GCM,
            key: self.record.id,
            key_version: self.record.version,
            context_digest: RecordContext::digest(aad.packed()),
            nonce,
        }
        .encode();
        aad.set_header(&header);
        let mut out = Vec::with_capacity(HEADER_LEN + plaintext.len() + TAG_LEN);
        out.extend_from_slice(&header);
        out.extend_from_slice(plaintext);
        match self.cipher.encrypt_inout_detached(
            &Nonce::from(nonce),
            aad.as_slice(),
            (&mut out[HEADER_LEN..]).into(),
        ) {
            Ok(tag) => {
                out.extend_from_slice(&tag);
                Ok(out)
            }
            Err(_) => {
                // The buffer holds the plaintext copy: wipe it before it is freed.
                zeroize::Zeroize::zeroize(&mut out);
                Err(VaultError::SealFailed)
            }
        }
    }

    /// Opens an envelope sealed for `ctx`.
    pub fn open(&self, ctx: &RecordContext, bytes: &[u8]) -> Result<Plaintext, VaultError> {
        self.open_decoded(ctx, &envelope::decode(bytes)?)
    }

    /// [`OpenedDataKey::open`] of an envelope already decoded.
    ///
    /// The context is packed once (on the stack) and the ciphertext is decrypted in place
    /// into its final zeroize-on-drop box. The context digest in the header is not checked
    /// up front: a tag that verifies already proves the header and the context are the
    /// sealed ones. Only when the tag fails is the digest computed, to tell a ciphertext
    /// moved to another row ([`VaultError::WrongAssociatedData`]) from an altered one
    /// ([`VaultError::EnvelopeAltered`]).
    fn open_decoded(
        &self,
        ctx: &RecordContext,
        env: &Envelope<'_>,
    ) -> Result<Plaintext, VaultError> {
        self.check_context(ctx)?;
        if env.header.key != self.record.id {
            return Err(VaultError::WrongAssociatedData);
        }
        if env.header.key_version != self.record.version {
            return Err(VaultError::WrongKeyVersion {
                key: self.record.id,
                expected: self.record.version,
                found: env.header.key_version,
            });
        }
        let header: &[u8; HEADER_LEN] =
            env.header_bytes.try_into().map_err(|_| VaultError::EnvelopeAltered)?;
        let tag = Tag::try_from(env.tag).map_err(|_| VaultError::EnvelopeAltered)?;
        let mut aad = AadBuf::for_context(ctx);
        aad.set_header(header);
        let mut buf: SecretBox<[u8]> = SecretBox::new(Box::from(env.ciphertext));
        match self.cipher.decrypt_inout_detached(
            &Nonce::from(env.header.nonce),
            aad.as_slice(),
            buf.expose_secret_mut().into(),
            &tag,
        ) {
            Ok(()) => Ok(Plaintext(buf)),
            Err(_) if RecordContext::digest(aad.packed()) != env.header.context_digest => {
                Err(VaultError::WrongAssociatedData)
            }
            Err(_) => Err(VaultError::EnvelopeAltered),
        }
    }
}

/// A record that holds the number looked up (after decrypt-and-compare).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberMatch {
    /// The record.
    pub record: RecordId,
    /// Its subject.
    pub subject: SubjectId,
}

/// A data key moved (or first placed) into a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyMove {
    /// The data key.
    pub data_key: DataKeyId,
    /// The bucket it was in (`None` when it was just created).
    pub from: Option<Bucket>,
    /// The bucket it is in now.
    pub to: Bucket,
}

/// One data key destroyed by a shred or an erasure. Never a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DestroyedDataKey {
    /// The data key.
    pub data_key: DataKeyId,
    /// Its subject.
    pub subject: SubjectId,
    /// Its data class.
    pub class: DataClass,
}

/// What a crypto-shred destroyed, for the 削除・廃棄記録 (M11, P11). Never a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShredReport {
    /// The organisation.
    pub organisation: OrganisationId,
    /// The bucket whose KEK was destroyed.
    pub bucket: Bucket,
    /// The destroyed KEK.
    pub kek: KeyId,
    /// The data keys that were wrapped by it (deleted too).
    pub data_keys: Vec<DestroyedDataKey>,
    /// The sealed records deleted from the live store (copies in old backups stay
    /// unreadable because the KEK is gone).
    pub records: Vec<RecordId>,
}

/// What an early erasure of one subject's data class destroyed (M11). Never a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureReport {
    /// The organisation.
    pub organisation: OrganisationId,
    /// The destroyed data key.
    pub data_key: DestroyedDataKey,
    /// The bucket it was in (backups stay readable until that bucket is shredded).
    pub bucket: Bucket,
    /// The sealed records deleted.
    pub records: Vec<RecordId>,
}

/// Result of [`Vault::rewrap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RewrapReport {
    /// The root key version everything is now wrapped under.
    pub to: KeyVersion,
    /// Bucket KEKs rewrapped.
    pub bucket_keks: usize,
    /// Whether the index root was rewrapped.
    pub index_root: bool,
}

/// Result of [`Vault::rekey_bucket`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RekeyReport {
    /// The bucket.
    pub bucket: Bucket,
    /// The replaced KEK (its material is gone).
    pub old_kek: KeyId,
    /// The new KEK.
    pub new_kek: KeyId,
    /// Data keys rewrapped (never any record data).
    pub data_keys: usize,
}

/// The blind-index key of one (organisation, field, index version).
struct IndexKey {
    version: u32,
    bits: u8,
    mac: Hmac<Sha256>,
}

impl IndexKey {
    fn tag(&self, number: &MyNumber) -> IndexTag {
        let mut mac = self.mac.clone();
        mac.update(&pack(&[b"mynumber", number.expose_bytes()]));
        let out = mac.finalize().into_bytes();
        let v = u32::from_be_bytes([out[0], out[1], out[2], out[3]]);
        IndexTag(v >> (32 - u32::from(self.bits)))
    }
}

/// Unwrapped bucket KEKs held for the length of one call (a batch unwraps each once).
#[derive(Default)]
struct KekCache(HashMap<(OrganisationId, Bucket), (KeyId, Aes256Gcm)>);

fn kek_context(org: OrganisationId, bucket: Bucket, kek: KeyId) -> Vec<u8> {
    pack(&[b"hogo/v1/bucket-kek", org.as_bytes(), bucket.id().as_bytes(), kek.0.as_bytes()])
}

fn index_root_context(version: u32) -> Vec<u8> {
    pack(&[b"hogo/v1/index-root", &version.to_be_bytes()])
}

fn dek_aad(r: &DataKeyRecord) -> Vec<u8> {
    pack(&[
        b"hogo/v1/data-key",
        r.id.0.as_bytes(),
        &r.version.to_be_bytes(),
        r.organisation.as_bytes(),
        r.subject.as_bytes(),
        r.class.id().as_bytes(),
        r.bucket.id().as_bytes(),
        r.kek.0.as_bytes(),
    ])
}

fn commitment_context(id: DataKeyId, version: u32) -> Vec<u8> {
    pack(&[id.0.as_bytes(), &version.to_be_bytes()])
}

/// The vault: envelope encryption of My Numbers and sensitive fields (P9, M13) with
/// crypto-shredding (M11, P11).
pub struct Vault<'a> {
    keys: &'a dyn KeyProvider,
    entropy: &'a dyn Entropy,
    ids: &'a dyn IdGen,
    config: VaultConfig,
}

impl std::fmt::Debug for Vault<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").field("config", &self.config).finish_non_exhaustive()
    }
}

impl<'a> Vault<'a> {
    /// A vault over a root key provider and the entropy and id ports.
    /// [`VaultError::IndexBits`] when `config.index_bits` is outside 16–24.
    pub fn new(
        keys: &'a dyn KeyProvider,
        entropy: &'a dyn Entropy,
        ids: &'a dyn IdGen,
        config: VaultConfig,
    ) -> Result<Self, VaultError> {
        if !(16..=24).contains(&config.index_bits) {
            return Err(VaultError::IndexBits { bits: config.index_bits });
        }
        Ok(Self { keys, entropy, ids, config })
    }

    // ---- bucket KEKs -------------------------------------------------------------

    fn bucket_kek(
        &self,
        kek: &mut dyn KekStore,
        cache: &mut KekCache,
        org: OrganisationId,
        bucket: Bucket,
        create: bool,
    ) -> Result<(KeyId, Aes256Gcm), VaultError> {
        if let Some((id, c)) = cache.0.get(&(org, bucket)) {
            return Ok((*id, c.clone()));
        }
        let (id, material) = match kek.bucket_kek(org, bucket)? {
            Some(BucketKekRecord { state: KekState::Destroyed, .. }) => {
                return Err(VaultError::BucketDestroyed { organisation: org, bucket });
            }
            Some(BucketKekRecord { kek: id, state: KekState::Active(w), .. }) => {
                (id, self.keys.unwrap(&w, &kek_context(org, bucket, id))?)
            }
            None if create => {
                let id = KeyId(self.ids.new_uuid());
                let material = KeyMaterial::generate(self.entropy);
                let wrapped =
                    self.keys.wrap(&material, &kek_context(org, bucket, id), self.entropy)?;
                kek.put_bucket_kek(BucketKekRecord {
                    organisation: org,
                    bucket,
                    kek: id,
                    state: KekState::Active(wrapped),
                })?;
                (id, material)
            }
            None => return Err(VaultError::BucketKeyMissing { organisation: org, bucket }),
        };
        let cipher = material.cipher();
        cache.0.insert((org, bucket), (id, cipher.clone()));
        Ok((id, cipher))
    }

    fn bucket_kek_ro(
        &self,
        kek: &dyn KekStore,
        cache: &mut KekCache,
        org: OrganisationId,
        bucket: Bucket,
    ) -> Result<(KeyId, Aes256Gcm), VaultError> {
        if let Some((id, c)) = cache.0.get(&(org, bucket)) {
            return Ok((*id, c.clone()));
        }
        match kek.bucket_kek(org, bucket)? {
            Some(BucketKekRecord { state: KekState::Destroyed, .. }) => {
                Err(VaultError::BucketDestroyed { organisation: org, bucket })
            }
            Some(BucketKekRecord { kek: id, state: KekState::Active(w), .. }) => {
                let cipher = self.keys.unwrap(&w, &kek_context(org, bucket, id))?.cipher();
                cache.0.insert((org, bucket), (id, cipher.clone()));
                Ok((id, cipher))
            }
            None => Err(VaultError::BucketKeyMissing { organisation: org, bucket }),
        }
    }

    // ---- data keys ---------------------------------------------------------------

    fn unwrap_dek(
        &self,
        kek: &dyn KekStore,
        cache: &mut KekCache,
        rec: DataKeyRecord,
    ) -> Result<OpenedDataKey, VaultError> {
        let (kek_id, kek_cipher) = self.bucket_kek_ro(kek, cache, rec.organisation, rec.bucket)?;
        if kek_id != rec.kek {
            return Err(VaultError::KekMismatch { key: rec.kek });
        }
        let material = unwrap_key(&kek_cipher, &rec.wrapped, &dek_aad(&rec), "data_key")?;
        if !verify_commitment(&material, &commitment_context(rec.id, rec.version), &rec.commitment)
        {
            return Err(VaultError::KeyCommitmentMismatch { key: rec.id });
        }
        Ok(OpenedDataKey { cipher: material.cipher(), record: rec })
    }

    fn wrap_dek(
        &self,
        material: &KeyMaterial,
        rec: &mut DataKeyRecord,
        kek_id: KeyId,
        kek_cipher: &Aes256Gcm,
        bucket: Bucket,
        nonce: [u8; NONCE_LEN],
    ) -> Result<(), VaultError> {
        rec.bucket = bucket;
        rec.kek = kek_id;
        rec.wrapped = wrap_key(kek_cipher, material, &dek_aad(rec), nonce)?.to_vec();
        Ok(())
    }

    #[allow(clippy::too_many_arguments)] // Reason: private helper threading the caller's stores and caches.
    fn create_dek(
        &self,
        store: &mut dyn VaultStore,
        kek: &mut dyn KekStore,
        cache: &mut KekCache,
        org: OrganisationId,
        subject: SubjectId,
        class: DataClass,
        bucket: Bucket,
        nonce: [u8; NONCE_LEN],
    ) -> Result<OpenedDataKey, VaultError> {
        let (kek_id, kek_cipher) = self.bucket_kek(kek, cache, org, bucket, true)?;
        let material = KeyMaterial::generate(self.entropy);
        let id = DataKeyId(self.ids.new_uuid());
        let mut rec = DataKeyRecord {
            id,
            version: 1,
            organisation: org,
            subject,
            class,
            bucket,
            kek: kek_id,
            wrapped: Vec::new(),
            commitment: commitment(&material, &commitment_context(id, 1)),
        };
        self.wrap_dek(&material, &mut rec, kek_id, &kek_cipher, bucket, nonce)?;
        store.put_data_key(rec.clone())?;
        Ok(OpenedDataKey { cipher: material.cipher(), record: rec })
    }

    #[allow(clippy::too_many_arguments)] // Reason: private helper threading the caller's stores and caches.
    fn dek_for(
        &self,
        store: &mut dyn VaultStore,
        kek: &mut dyn KekStore,
        cache: &mut KekCache,
        org: OrganisationId,
        subject: SubjectId,
        class: DataClass,
        nonce: [u8; NONCE_LEN],
    ) -> Result<OpenedDataKey, VaultError> {
        match store.data_key_for(org, subject, class)? {
            Some(rec) => self.unwrap_dek(kek, cache, rec),
            None => self.create_dek(store, kek, cache, org, subject, class, Bucket::Open, nonce),
        }
    }

    /// The data key of (organisation, subject, class), unwrapped; created in the open
    /// bucket if it does not exist yet.
    pub fn data_key(
        &self,
        store: &mut dyn VaultStore,
        kek: &mut dyn KekStore,
        org: OrganisationId,
        subject: SubjectId,
        class: DataClass,
    ) -> Result<OpenedDataKey, VaultError> {
        let nonce = self.nonce();
        self.dek_for(store, kek, &mut KekCache::default(), org, subject, class, nonce)
    }

    fn nonce(&self) -> [u8; NONCE_LEN] {
        let mut n = [0u8; NONCE_LEN];
        self.entropy.fill(&mut n);
        n
    }

    // ---- records -----------------------------------------------------------------

    /// Seals `plaintext` for `ctx` and stores the envelope (replacing an earlier one for
    /// the same record).
    pub fn seal(
        &self,
        store: &mut dyn VaultStore,
        kek: &mut dyn KekStore,
        ctx: &RecordContext,
        plaintext: &[u8],
    ) -> Result<(), VaultError> {
        self.seal_batch(store, kek, &[(ctx.clone(), plaintext)])
    }

    /// Seals and stores many values (bulk import): one entropy call per ~341 nonces, each
    /// bucket KEK and data key unwrapped once per batch.
    pub fn seal_batch(
        &self,
        store: &mut dyn VaultStore,
        kek: &mut dyn KekStore,
        items: &[(RecordContext, &[u8])],
    ) -> Result<(), VaultError> {
        let mut pool = NoncePool::new(self.entropy);
        let mut cache = KekCache::default();
        let mut deks: HashMap<(OrganisationId, SubjectId, DataClass), OpenedDataKey> =
            HashMap::new();
        let mut out = Vec::with_capacity(items.len());
        for (ctx, pt) in items {
            let k = (ctx.organisation, ctx.subject, ctx.class);
            let dek = match deks.entry(k) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(v) => {
                    let n = pool.next_nonce();
                    v.insert(self.dek_for(store, kek, &mut cache, k.0, k.1, k.2, n)?)
                }
            };
            let envelope = dek.seal(ctx, pt, pool.next_nonce())?;
            out.push(StoredRecord { context: ctx.clone(), data_key: dek.record.id, envelope });
        }
        store.put_records(out)?;
        Ok(())
    }

    /// Opens an envelope for `ctx` (e.g. from a restored backup) against the stores.
    pub fn open_envelope(
        &self,
        store: &dyn VaultStore,
        kek: &dyn KekStore,
        ctx: &RecordContext,
        bytes: &[u8],
    ) -> Result<Plaintext, VaultError> {
        self.open_envelope_cached(
            store,
            kek,
            &mut KekCache::default(),
            &mut HashMap::new(),
            ctx,
            bytes,
        )
    }

    fn open_envelope_cached(
        &self,
        store: &dyn VaultStore,
        kek: &dyn KekStore,
        cache: &mut KekCache,
        deks: &mut HashMap<DataKeyId, OpenedDataKey>,
        ctx: &RecordContext,
        bytes: &[u8],
    ) -> Result<Plaintext, VaultError> {
        let env = envelope::decode(bytes)?;
        let id = env.header.key;
        let dek = match deks.entry(id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(v) => {
                let rec = store.data_key(id)?.ok_or(VaultError::DataKeyDestroyed { key: id })?;
                if rec.organisation != ctx.organisation
                    || rec.subject != ctx.subject
                    || rec.class != ctx.class
                {
                    return Err(VaultError::WrongAssociatedData);
                }
                v.insert(self.unwrap_dek(kek, cache, rec)?)
            }
        };
        dek.open_decoded(ctx, &env)
    }

    /// Opens a stored record.
    pub fn open(
        &self,
        store: &dyn VaultStore,
        kek: &dyn KekStore,
        record: RecordId,
    ) -> Result<Plaintext, VaultError> {
        let mut v = self.open_batch(store, kek, &[record])?;
        v.pop().ok_or(VaultError::RecordNotFound { record })
    }

    /// Opens many stored records (bulk output such as 法定調書), in order. Fails as a
    /// whole on the first error (no partial output).
    pub fn open_batch(
        &self,
        store: &dyn VaultStore,
        kek: &dyn KekStore,
        records: &[RecordId],
    ) -> Result<Vec<Plaintext>, VaultError> {
        let rows = store.records(records)?;
        let mut cache = KekCache::default();
        let mut deks = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for (id, row) in records.iter().zip(rows) {
            let row = row.ok_or(VaultError::RecordNotFound { record: *id })?;
            out.push(self.open_envelope_cached(
                store,
                kek,
                &mut cache,
                &mut deks,
                &row.context,
                &row.envelope,
            )?);
        }
        Ok(out)
    }

    // ---- My Numbers and the blind index -------------------------------------------

    fn index_root(&self, store: &mut dyn VaultStore) -> Result<(u32, u8, KeyMaterial), VaultError> {
        if let Some(r) = store.index_root()? {
            let k = self.keys.unwrap(&r.wrapped, &index_root_context(r.version))?;
            return Ok((r.version, r.bits, k));
        }
        let material = KeyMaterial::generate(self.entropy);
        let wrapped = self.keys.wrap(&material, &index_root_context(1), self.entropy)?;
        store.put_index_root(IndexRootRecord {
            version: 1,
            bits: self.config.index_bits,
            wrapped,
        })?;
        Ok((1, self.config.index_bits, material))
    }

    fn index_root_ro(
        &self,
        store: &dyn VaultStore,
    ) -> Result<Option<(u32, u8, KeyMaterial)>, VaultError> {
        match store.index_root()? {
            Some(r) => Ok(Some((
                r.version,
                r.bits,
                self.keys.unwrap(&r.wrapped, &index_root_context(r.version))?,
            ))),
            None => Ok(None),
        }
    }

    fn index_key(root: &(u32, u8, KeyMaterial), org: OrganisationId, field: &str) -> IndexKey {
        let (version, bits, material) = root;
        let hk = Hkdf::<Sha256>::new(Some(b"hogo/v1/bidx"), material.expose());
        let mut k = Zeroizing::new([0u8; 32]);
        let info =
            pack(&[b"hogo/v1/bidx", org.as_bytes(), field.as_bytes(), &version.to_be_bytes()]);
        hk.expand(&info, &mut k[..])
            .unwrap_or_else(|_| unreachable!("32 bytes is a valid HKDF length"));
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&k[..])
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        IndexKey { version: *version, bits: *bits, mac }
    }

    #[allow(clippy::too_many_arguments)] // Reason: private helper threading the caller's stores and caches.
    fn matches(
        &self,
        store: &dyn VaultStore,
        kek: &dyn KekStore,
        cache: &mut KekCache,
        deks: &mut HashMap<DataKeyId, OpenedDataKey>,
        key: &IndexKey,
        org: OrganisationId,
        field: &str,
        number: &MyNumber,
    ) -> Result<Vec<NumberMatch>, VaultError> {
        let candidates = store.index_candidates(org, field, key.version, key.tag(number))?;
        let mut out = Vec::new();
        for id in candidates {
            let Some(row) = store.record(id)? else { continue };
            let pt =
                self.open_envelope_cached(store, kek, cache, deks, &row.context, &row.envelope)?;
            let a = pt.expose();
            let b = number.expose_bytes();
            if a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0 {
                out.push(NumberMatch { record: id, subject: row.context.subject });
            }
        }
        Ok(out)
    }

    /// Every record of `org` whose `field` holds `number`: candidates by blind-index tag,
    /// then decrypt-and-compare (a false candidate is never returned).
    pub fn find_number(
        &self,
        store: &dyn VaultStore,
        kek: &dyn KekStore,
        org: OrganisationId,
        field: &str,
        number: &MyNumber,
    ) -> Result<Vec<NumberMatch>, VaultError> {
        let Some(root) = self.index_root_ro(store)? else { return Ok(Vec::new()) };
        let key = Self::index_key(&root, org, field);
        self.matches(
            store,
            kek,
            &mut KekCache::default(),
            &mut HashMap::new(),
            &key,
            org,
            field,
            number,
        )
    }

    /// Tells the store which blind-index tags a batch of numbers will look up next
    /// ([`VaultStore::prefetch_index_candidates`]): an adapter that caches per transaction
    /// loads their candidates in one round trip. Changes no answer; nothing to do before
    /// the organisation's first number (no index root yet).
    pub fn prefetch_numbers(
        &self,
        store: &dyn VaultStore,
        org: OrganisationId,
        field: &str,
        numbers: &[&MyNumber],
    ) -> Result<(), VaultError> {
        let Some(root) = self.index_root_ro(store)? else { return Ok(()) };
        let key = Self::index_key(&root, org, field);
        let tags: Vec<IndexTag> = numbers.iter().map(|n| key.tag(n)).collect();
        store.prefetch_index_candidates(org, field, key.version, &tags)?;
        Ok(())
    }

    /// Checks that no subject other than `subject` holds `number` in `org` (decrypt-compare
    /// among the tag's candidates; the application layer holds a lock on the tag meanwhile).
    pub fn check_unique(
        &self,
        store: &dyn VaultStore,
        kek: &dyn KekStore,
        org: OrganisationId,
        field: &str,
        number: &MyNumber,
        subject: SubjectId,
    ) -> Result<(), VaultError> {
        match self
            .find_number(store, kek, org, field, number)?
            .into_iter()
            .find(|m| m.subject != subject)
        {
            Some(m) => Err(VaultError::NumberAlreadyHeld { subject: m.subject }),
            None => Ok(()),
        }
    }

    /// Checks uniqueness, seals and indexes one My Number (`ctx.field` names the index).
    pub fn put_number(
        &self,
        store: &mut dyn VaultStore,
        kek: &mut dyn KekStore,
        ctx: &RecordContext,
        number: &MyNumber,
    ) -> Result<(), VaultError> {
        self.put_numbers_batch(store, kek, &[(ctx.clone(), number)])
    }

    /// Bulk import of My Numbers: uniqueness (against the store and within the batch),
    /// sealing and indexing, with one index key per (organisation, field).
    pub fn put_numbers_batch(
        &self,
        store: &mut dyn VaultStore,
        kek: &mut dyn KekStore,
        items: &[(RecordContext, &MyNumber)],
    ) -> Result<(), VaultError> {
        let root = self.index_root(store)?;
        let mut keys: HashMap<(OrganisationId, String), IndexKey> = HashMap::new();
        let mut entries = Vec::with_capacity(items.len());
        let mut cache = KekCache::default();
        let mut deks = HashMap::new();
        let mut in_batch: HashMap<(OrganisationId, String, IndexTag), Vec<usize>> = HashMap::new();
        for (i, (ctx, number)) in items.iter().enumerate() {
            let key = keys
                .entry((ctx.organisation, ctx.field.clone()))
                .or_insert_with(|| Self::index_key(&root, ctx.organisation, &ctx.field));
            let tag = key.tag(number);
            let held = self.matches(
                &*store,
                &*kek,
                &mut cache,
                &mut deks,
                key,
                ctx.organisation,
                &ctx.field,
                number,
            )?;
            if let Some(m) = held.into_iter().find(|m| m.subject != ctx.subject) {
                return Err(VaultError::NumberAlreadyHeld { subject: m.subject });
            }
            let same_tag = in_batch.entry((ctx.organisation, ctx.field.clone(), tag)).or_default();
            for &j in same_tag.iter() {
                let (other, n) = &items[j];
                if other.subject != ctx.subject && *n == *number {
                    return Err(VaultError::NumberAlreadyHeld { subject: other.subject });
                }
            }
            same_tag.push(i);
            entries.push(IndexEntry {
                organisation: ctx.organisation,
                field: ctx.field.clone(),
                key_version: key.version,
                tag,
                record: ctx.record,
            });
        }
        let plain: Vec<(RecordContext, &[u8])> =
            items.iter().map(|(c, n)| (c.clone(), &n.expose_bytes()[..])).collect();
        self.seal_batch(store, kek, &plain)?;
        store.put_index_entries(entries)?;
        Ok(())
    }

    /// Opens a record that holds a My Number.
    pub fn open_number(
        &self,
        store: &dyn VaultStore,
        kek: &dyn KekStore,
        record: RecordId,
    ) -> Result<MyNumber, VaultError> {
        let mut v = self.open_numbers_batch(store, kek, &[record])?;
        v.pop().ok_or(VaultError::RecordNotFound { record })
    }

    /// Opens many records that hold My Numbers (法定調書 output), in order.
    pub fn open_numbers_batch(
        &self,
        store: &dyn VaultStore,
        kek: &dyn KekStore,
        records: &[RecordId],
    ) -> Result<Vec<MyNumber>, VaultError> {
        let pts = self.open_batch(store, kek, records)?;
        records
            .iter()
            .zip(pts)
            .map(|(id, pt)| {
                let digits: [u8; 12] =
                    pt.expose().try_into().map_err(|_| VaultError::NotAMyNumber { record: *id })?;
                let digits = Zeroizing::new(digits);
                MyNumber::from_ascii_digits(&digits)
                    .map_err(|_| VaultError::NotAMyNumber { record: *id })
            })
            .collect()
    }

    // ---- moving due dates ----------------------------------------------------------

    /// Puts the data key of (organisation, subject, class) into `to` (creating it there if
    /// it does not exist yet): rewraps it from its old bucket's KEK to the new one, in
    /// either direction. The old bucket's shred no longer touches it.
    pub fn move_data_key(
        &self,
        store: &mut dyn VaultStore,
        kek: &mut dyn KekStore,
        org: OrganisationId,
        subject: SubjectId,
        class: DataClass,
        to: Bucket,
    ) -> Result<KeyMove, VaultError> {
        let mut v = self.move_data_keys(store, kek, &[(org, subject, class, to)])?;
        v.pop().ok_or(VaultError::SealFailed)
    }

    /// Batch form of [`Vault::move_data_key`].
    pub fn move_data_keys(
        &self,
        store: &mut dyn VaultStore,
        kek: &mut dyn KekStore,
        moves: &[(OrganisationId, SubjectId, DataClass, Bucket)],
    ) -> Result<Vec<KeyMove>, VaultError> {
        let mut cache = KekCache::default();
        let mut pool = NoncePool::new(self.entropy);
        let mut out = Vec::with_capacity(moves.len());
        for &(org, subject, class, to) in moves {
            let Some(rec) = store.data_key_for(org, subject, class)? else {
                let n = pool.next_nonce();
                let dek = self.create_dek(store, kek, &mut cache, org, subject, class, to, n)?;
                out.push(KeyMove { data_key: dek.record.id, from: None, to });
                continue;
            };
            let from = rec.bucket;
            if from != to {
                let (old_id, old) = self.bucket_kek_ro(&*kek, &mut cache, org, from)?;
                if old_id != rec.kek {
                    return Err(VaultError::KekMismatch { key: rec.kek });
                }
                let material = unwrap_key(&old, &rec.wrapped, &dek_aad(&rec), "data_key")?;
                let (new_id, new) = self.bucket_kek(kek, &mut cache, org, to, true)?;
                let mut moved = rec.clone();
                self.wrap_dek(&material, &mut moved, new_id, &new, to, pool.next_nonce())?;
                store.put_data_key(moved)?;
            }
            out.push(KeyMove { data_key: rec.id, from: Some(from), to });
        }
        Ok(out)
    }

    // ---- crypto-shredding -------------------------------------------------------------

    /// Crypto-shreds a bucket (M11, P11): destroys its KEK (a tombstone stays in the key
    /// store), deletes the data keys it wrapped and their records from the live store, and
    /// reports what it destroyed. Old data backups stay unreadable because the KEK is gone.
    pub fn shred_bucket(
        &self,
        store: &mut dyn VaultStore,
        kek: &mut dyn KekStore,
        org: OrganisationId,
        bucket: Bucket,
    ) -> Result<ShredReport, VaultError> {
        let row = kek
            .bucket_kek(org, bucket)?
            .ok_or(VaultError::BucketKeyMissing { organisation: org, bucket })?;
        if row.state == KekState::Destroyed {
            return Err(VaultError::BucketDestroyed { organisation: org, bucket });
        }
        let mut data_keys = Vec::new();
        let mut records = Vec::new();
        for k in store.data_keys_in_bucket(org, bucket)? {
            for r in store.records_under_key(k.id)? {
                store.delete_record(r)?;
                records.push(r);
            }
            store.delete_data_key(k.id)?;
            data_keys.push(DestroyedDataKey { data_key: k.id, subject: k.subject, class: k.class });
        }
        kek.destroy_bucket_kek(org, bucket)?;
        Ok(ShredReport { organisation: org, bucket, kek: row.kek, data_keys, records })
    }

    /// Early erasure of one subject's data class (M11, a 削除 request): deletes the
    /// wrapped data key and the records sealed under it. `None` when there was none.
    pub fn erase_data_class(
        &self,
        store: &mut dyn VaultStore,
        org: OrganisationId,
        subject: SubjectId,
        class: DataClass,
    ) -> Result<Option<ErasureReport>, VaultError> {
        let Some(k) = store.data_key_for(org, subject, class)? else { return Ok(None) };
        let mut records = Vec::new();
        for r in store.records_under_key(k.id)? {
            store.delete_record(r)?;
            records.push(r);
        }
        store.delete_data_key(k.id)?;
        Ok(Some(ErasureReport {
            organisation: org,
            data_key: DestroyedDataKey { data_key: k.id, subject, class },
            bucket: k.bucket,
            records,
        }))
    }

    // ---- rotation ----------------------------------------------------------------------

    /// After [`KeyProvider::rotate`]: rewraps every bucket KEK and the index root that are
    /// under an older root version to the primary. Only wrapped keys move; no record is
    /// decrypted. Then raise `min_decryption_version` on the provider.
    pub fn rewrap(
        &self,
        store: &mut dyn VaultStore,
        kek: &mut dyn KekStore,
    ) -> Result<RewrapReport, VaultError> {
        let to = self.keys.primary();
        let mut n = 0;
        for row in kek.bucket_keks()? {
            if let KekState::Active(w) = &row.state
                && w.version < to
            {
                let w2 = self.keys.rewrap(
                    w,
                    &kek_context(row.organisation, row.bucket, row.kek),
                    self.entropy,
                )?;
                kek.put_bucket_kek(BucketKekRecord { state: KekState::Active(w2), ..row })?;
                n += 1;
            }
        }
        let mut index_root = false;
        if let Some(r) = store.index_root()?
            && r.wrapped.version < to
        {
            let w2 = self.keys.rewrap(&r.wrapped, &index_root_context(r.version), self.entropy)?;
            store.put_index_root(IndexRootRecord { wrapped: w2, ..r })?;
            index_root = true;
        }
        Ok(RewrapReport { to, bucket_keks: n, index_root })
    }

    /// Replaces a bucket's KEK with a fresh one and rewraps every data key in it (wrapped
    /// keys only, never record data). The old KEK's material is overwritten.
    pub fn rekey_bucket(
        &self,
        store: &mut dyn VaultStore,
        kek: &mut dyn KekStore,
        org: OrganisationId,
        bucket: Bucket,
    ) -> Result<RekeyReport, VaultError> {
        let mut cache = KekCache::default();
        let (old_id, old) = self.bucket_kek_ro(&*kek, &mut cache, org, bucket)?;
        let new_id = KeyId(self.ids.new_uuid());
        let material = KeyMaterial::generate(self.entropy);
        let new = material.cipher();
        let mut pool = NoncePool::new(self.entropy);
        let keys = store.data_keys_in_bucket(org, bucket)?;
        let count = keys.len();
        for rec in keys {
            if rec.kek != old_id {
                return Err(VaultError::KekMismatch { key: rec.kek });
            }
            let dek = unwrap_key(&old, &rec.wrapped, &dek_aad(&rec), "data_key")?;
            let mut moved = rec;
            self.wrap_dek(&dek, &mut moved, new_id, &new, bucket, pool.next_nonce())?;
            store.put_data_key(moved)?;
        }
        let wrapped = self.keys.wrap(&material, &kek_context(org, bucket, new_id), self.entropy)?;
        kek.put_bucket_kek(BucketKekRecord {
            organisation: org,
            bucket,
            kek: new_id,
            state: KekState::Active(wrapped),
        })?;
        Ok(RekeyReport { bucket, old_kek: old_id, new_kek: new_id, data_keys: count })
    }

    /// The blind-index tag of `number` for (organisation, field). For benchmarks and the
    /// adapter's tag lock; the tag must never leave the vault's storage (no ledger, log or
    /// export).
    pub fn index_tag(
        &self,
        store: &mut dyn VaultStore,
        org: OrganisationId,
        field: &str,
        number: &MyNumber,
    ) -> Result<IndexTag, VaultError> {
        let root = self.index_root(store)?;
        Ok(Self::index_key(&root, org, field).tag(number))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hogo_domain::testkit::SeededEntropy;
    use uuid::Uuid;

    fn key_and_ctx(seed: u64) -> (OpenedDataKey, RecordContext) {
        let e = SeededEntropy::new(seed);
        let ctx = RecordContext {
            organisation: OrganisationId::from_uuid(Uuid::from_u128(1)),
            subject: SubjectId::from_uuid(Uuid::from_u128(2)),
            class: DataClass::MyNumber,
            table: "employees".into(),
            field: "my_number".into(),
            record: RecordId::from_uuid(Uuid::from_u128(3)),
        };
        let record = DataKeyRecord {
            id: DataKeyId(Uuid::from_u128(4)),
            version: 1,
            organisation: ctx.organisation,
            subject: ctx.subject,
            class: ctx.class,
            bucket: Bucket::Open,
            kek: KeyId(Uuid::from_u128(5)),
            wrapped: Vec::new(),
            commitment: [0; 16],
        };
        (OpenedDataKey { record, cipher: KeyMaterial::generate(&e).cipher() }, ctx)
    }

    /// The format-v1 seal as the module docs of `envelope` specify it, written the long
    /// way (the code before the one-packing, in-place path): `header ‖ ct ‖ tag` with
    /// AAD `header ‖ pack(context)` and `ctx digest = SHA-256(pack(context))[..8]`.
    fn reference_v1_seal(
        dek: &OpenedDataKey,
        ctx: &RecordContext,
        pt: &[u8],
        nonce: [u8; NONCE_LEN],
    ) -> Vec<u8> {
        let packed = ctx.packed();
        let header = EnvelopeHeader {
            format: FORMAT_V1,
            algorithm: ALG_AES_256_GCM,
            key: dek.record.id,
            key_version: dek.record.version,
            context_digest: RecordContext::digest(&packed),
            nonce,
        }
        .encode();
        let mut aad = header.to_vec();
        aad.extend_from_slice(&packed);
        let mut ct = pt.to_vec();
        let tag = dek
            .cipher
            .encrypt_inout_detached(&Nonce::from(nonce), &aad, (&mut ct[..]).into())
            .expect("seal");
        [&header[..], &ct, &tag].concat()
    }

    /// P9, M13: format v1 is unchanged: the fast seal writes exactly the bytes of the
    /// reference construction, and a reference-sealed envelope opens.
    #[test]
    fn seal_writes_format_v1_byte_for_byte() {
        let (dek, ctx) = key_and_ctx(40);
        for pt in [&b""[..], b"123456789018", &[0x5a; 300]] {
            let want = reference_v1_seal(&dek, &ctx, pt, [9; NONCE_LEN]);
            assert_eq!(dek.seal(&ctx, pt, [9; NONCE_LEN]).expect("seal"), want);
            assert_eq!(dek.open(&ctx, &want).expect("open").expose(), pt);
        }
    }

    /// P9, M13: with the digest now read only after a failed tag, a moved ciphertext is
    /// still `WrongAssociatedData`, an altered one `EnvelopeAltered`, and an altered
    /// digest (the tag covers the header) fails too.
    #[test]
    fn failed_tag_is_classified_by_the_context_digest() {
        let (dek, ctx) = key_and_ctx(41);
        let env = dek.seal(&ctx, b"123456789018", [3; NONCE_LEN]).expect("seal");
        let mut moved = ctx.clone();
        moved.record = RecordId::from_uuid(Uuid::from_u128(99));
        assert_eq!(dek.open(&moved, &env).unwrap_err(), VaultError::WrongAssociatedData);
        let mut altered = env.clone();
        altered[HEADER_LEN] ^= 1;
        assert_eq!(dek.open(&ctx, &altered).unwrap_err(), VaultError::EnvelopeAltered);
        let mut digest = env;
        digest[22] ^= 1;
        assert_eq!(dek.open(&ctx, &digest).unwrap_err(), VaultError::WrongAssociatedData);
    }
}
