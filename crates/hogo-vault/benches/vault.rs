//! Criterion benchmarks of hogo-vault (issue 4): raw AES-256-GCM vs the vault's seal+open
//! of one My Number (and a replica of the pre-optimisation seal+open, for a side-by-side
//! "before"), batch seal/open, blind-index lookup at 16/20/24 bits, rewrap of data
//! keys and a bucket shred.
//!
//! Sizes come from environment variables so a run stays a few minutes on a shared machine:
//! `HOGO_BENCH_BATCH` (default 100 000), `HOGO_BENCH_INDEX_ROWS` (default 1 000 000),
//! `HOGO_BENCH_REWRAP` (default 100 000), `HOGO_BENCH_SHRED` (default 10 000).

use std::hint::black_box;

use aes_gcm::aead::AeadInOut;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce, Tag};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use hogo_domain::testkit::{SeededEntropy, SequentialIds, synthetic_number};
use hogo_domain::{DataClass, IdGen, MyNumber, OrganisationId};
use hogo_vault::testkit::{MemKekStore, MemVaultStore, in_memory_key_provider};
use hogo_vault::{
    Bucket, DataKeyRecord, DueMonth, EnvelopeHeader, LocalKeyProvider, RecordContext, Vault,
    VaultConfig, decode_envelope,
};
use secrecy::SecretBox;
use zeroize::Zeroizing;

fn size(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Ports {
    keys: LocalKeyProvider,
    entropy: SeededEntropy,
    ids: SequentialIds,
}

impl Ports {
    fn new() -> Self {
        Self {
            keys: in_memory_key_provider(1),
            entropy: SeededEntropy::new(1),
            ids: SequentialIds::new(),
        }
    }
    fn vault(&self, bits: u8) -> Vault<'_> {
        Vault::new(&self.keys, &self.entropy, &self.ids, VaultConfig { index_bits: bits })
            .expect("valid config")
    }
    fn ctx(&self, org: OrganisationId) -> RecordContext {
        RecordContext {
            organisation: org,
            subject: self.ids.next(),
            class: DataClass::MyNumber,
            table: "employees".into(),
            field: "my_number".into(),
            record: self.ids.next(),
        }
    }
}

/// The seal of one value as the vault did it before the one-packing path (commit
/// e0a886e), rebuilt from public pieces so "before" and "after" run side by side in one
/// `cargo bench`: packs and digests the context, copies header and packed context into a
/// heap AAD, then seals into the envelope.
fn before_seal(
    cipher: &Aes256Gcm,
    dek: &DataKeyRecord,
    ctx: &RecordContext,
    pt: &[u8],
    nonce: [u8; 12],
) -> Vec<u8> {
    assert!(
        dek.organisation == ctx.organisation
            && dek.subject == ctx.subject
            && dek.class == ctx.class
    );
    let packed = ctx.packed();
    let header = EnvelopeHeader {
        format: 1,
        algorithm: 1,
        key: dek.id,
        key_version: dek.version,
        context_digest: RecordContext::digest(&packed),
        nonce,
    }
    .encode();
    let mut aad = Vec::with_capacity(header.len() + packed.len());
    aad.extend_from_slice(&header);
    aad.extend_from_slice(&packed);
    let mut out = Vec::with_capacity(header.len() + pt.len() + 16);
    out.extend_from_slice(&header);
    out.extend_from_slice(pt);
    let tag = cipher
        .encrypt_inout_detached(&Nonce::from(nonce), &aad, (&mut out[header.len()..]).into())
        .expect("seal");
    out.extend_from_slice(&tag);
    out
}

/// The matching open before the change: decode, packs and digests the context again and
/// compares digests before decrypting, heap AAD, decrypts into a `Zeroizing<Vec>` that is
/// then moved into a `SecretBox<Vec<u8>>`.
fn before_open(
    cipher: &Aes256Gcm,
    dek: &DataKeyRecord,
    ctx: &RecordContext,
    bytes: &[u8],
) -> SecretBox<Vec<u8>> {
    let env = decode_envelope(bytes).expect("decode");
    assert!(
        dek.organisation == ctx.organisation
            && dek.subject == ctx.subject
            && dek.class == ctx.class
            && env.header.key == dek.id
            && env.header.key_version == dek.version
    );
    let packed = ctx.packed();
    assert!(RecordContext::digest(&packed) == env.header.context_digest);
    let mut aad = Vec::with_capacity(env.header_bytes.len() + packed.len());
    aad.extend_from_slice(env.header_bytes);
    aad.extend_from_slice(&packed);
    let tag = Tag::try_from(env.tag).expect("tag");
    let mut buf = Zeroizing::new(env.ciphertext.to_vec());
    cipher
        .decrypt_inout_detached(&Nonce::from(env.header.nonce), &aad, (&mut buf[..]).into(), &tag)
        .expect("open");
    SecretBox::new(Box::new(std::mem::take(&mut *buf)))
}

fn rows(p: &Ports, org: OrganisationId, n: usize) -> Vec<(RecordContext, MyNumber)> {
    (0..n).map(|i| (p.ctx(org), synthetic_number(i as u64))).collect()
}

fn single(c: &mut Criterion) {
    let mut g = c.benchmark_group("seal_open_one_my_number");
    let key = [7u8; 32];
    let cipher = Aes256Gcm::new(&key.into());
    let n = synthetic_number(1);
    g.bench_function("raw_aes_gcm_12B", |b| {
        b.iter(|| {
            let mut buf = *n.expose_bytes();
            let nonce = Nonce::from([1u8; 12]);
            let tag =
                cipher.encrypt_inout_detached(&nonce, b"", (&mut buf[..]).into()).expect("seal");
            cipher.decrypt_inout_detached(&nonce, b"", (&mut buf[..]).into(), &tag).expect("open");
            black_box(buf)
        });
    });
    let p = Ports::new();
    let vault = p.vault(16);
    let (mut store, mut kek) = (MemVaultStore::new(), MemKekStore::new());
    let org: OrganisationId = p.ids.next();
    let ctx = p.ctx(org);
    let dek = vault.data_key(&mut store, &mut kek, org, ctx.subject, ctx.class).expect("dek");
    let before_cipher = Aes256Gcm::new(&[9u8; 32].into());
    g.bench_function("before_vault_envelope_replica_e0a886e", |b| {
        b.iter(|| {
            let env = before_seal(&before_cipher, dek.record(), &ctx, n.expose_bytes(), [1u8; 12]);
            black_box(before_open(&before_cipher, dek.record(), &ctx, &env))
        });
    });
    g.bench_function("vault_envelope_with_opened_data_key", |b| {
        b.iter(|| {
            let env = dek.seal(&ctx, n.expose_bytes(), [1u8; 12]).expect("seal");
            black_box(dek.open(&ctx, &env).expect("open"))
        });
    });
    vault.put_number(&mut store, &mut kek, &ctx, &n).expect("put");
    g.bench_function("vault_open_number_full_path_unwrap_kek_and_dek", |b| {
        b.iter(|| black_box(vault.open_number(&store, &kek, ctx.record).expect("open")));
    });
    g.finish();
}

fn batch(c: &mut Criterion) {
    let n = size("HOGO_BENCH_BATCH", 100_000);
    let mut g = c.benchmark_group(format!("batch_{n}"));
    g.sample_size(10);
    let p = Ports::new();
    let vault = p.vault(16);
    let org = p.ids.next();
    let data = rows(&p, org, n);
    let plain: Vec<(RecordContext, &[u8])> =
        data.iter().map(|(c, m)| (c.clone(), &m.expose_bytes()[..])).collect();
    g.bench_function("seal_batch_new_subjects", |b| {
        b.iter_batched(
            || (MemVaultStore::new(), MemKekStore::new()),
            |(mut s, mut k)| {
                vault.seal_batch(&mut s, &mut k, &plain).expect("seal");
                (s, k)
            },
            BatchSize::PerIteration,
        );
    });
    let (mut s, mut k) = (MemVaultStore::new(), MemKekStore::new());
    vault.seal_batch(&mut s, &mut k, &plain).expect("seal");
    let ids: Vec<_> = data.iter().map(|(c, _)| c.record).collect();
    g.bench_function("open_numbers_batch", |b| {
        b.iter(|| black_box(vault.open_numbers_batch(&s, &k, &ids).expect("open").len()));
    });
    g.finish();
}

fn index(c: &mut Criterion) {
    let n = size("HOGO_BENCH_INDEX_ROWS", 1_000_000);
    let mut g = c.benchmark_group(format!("index_lookup_{n}_tags"));
    for bits in [16u8, 20, 24] {
        let p = Ports::new();
        let vault = p.vault(bits);
        let org = p.ids.next();
        let (mut s, mut k) = (MemVaultStore::new(), MemKekStore::new());
        let data = rows(&p, org, n);
        let plain: Vec<(RecordContext, &[u8])> =
            data.iter().map(|(c, m)| (c.clone(), &m.expose_bytes()[..])).collect();
        vault.seal_batch(&mut s, &mut k, &plain).expect("seal");
        drop(plain);
        let mut entries = Vec::with_capacity(n);
        for (c, m) in &data {
            let tag = vault.index_tag(&mut s, org, "my_number", m).expect("tag");
            entries.push(hogo_vault::IndexEntry {
                organisation: org,
                field: "my_number".into(),
                key_version: 1,
                tag,
                record: c.record,
            });
        }
        hogo_vault::VaultStore::put_index_entries(&mut s, entries).expect("index");
        let mut i = 0usize;
        g.bench_function(format!("{bits}_bits_find_and_decrypt_compare"), |b| {
            b.iter(|| {
                i = (i + 7919) % n;
                let found = vault.find_number(&s, &k, org, "my_number", &data[i].1).expect("find");
                // synthetic numbers may repeat among 1 M (birthday bound), so at least one.
                assert!(!found.is_empty());
                black_box(found)
            });
        });
    }
    g.finish();
}

fn rewrap_and_shred(c: &mut Criterion) {
    let n = size("HOGO_BENCH_REWRAP", 100_000);
    let mut g = c.benchmark_group("keys");
    g.sample_size(10);
    let p = Ports::new();
    let vault = p.vault(16);
    let org = p.ids.next();
    let (mut s, mut k) = (MemVaultStore::new(), MemKekStore::new());
    let data = rows(&p, org, n);
    let plain: Vec<(RecordContext, &[u8])> =
        data.iter().map(|(c, m)| (c.clone(), &m.expose_bytes()[..])).collect();
    vault.seal_batch(&mut s, &mut k, &plain).expect("seal");
    g.bench_function(format!("rekey_bucket_rewrap_{n}_data_keys"), |b| {
        b.iter(|| black_box(vault.rekey_bucket(&mut s, &mut k, org, Bucket::Open).expect("rekey")));
    });
    drop(plain);
    drop((s, k, data));

    let m = size("HOGO_BENCH_SHRED", 10_000);
    let due = Bucket::Due(DueMonth { year: 2031, month: 4 });
    let (mut s, mut k) = (MemVaultStore::new(), MemKekStore::new());
    let data = rows(&p, org, m);
    let moves: Vec<_> = data.iter().map(|(c, _)| (org, c.subject, c.class, due)).collect();
    vault.move_data_keys(&mut s, &mut k, &moves).expect("place");
    let plain: Vec<(RecordContext, &[u8])> =
        data.iter().map(|(c, m)| (c.clone(), &m.expose_bytes()[..])).collect();
    vault.seal_batch(&mut s, &mut k, &plain).expect("seal");
    g.bench_function(format!("shred_bucket_{m}_data_keys_and_records"), |b| {
        b.iter_batched(
            || (s.clone(), k.clone()),
            |(mut s2, mut k2)| {
                black_box(
                    vault.shred_bucket(&mut s2, &mut k2, org, due).expect("shred").records.len(),
                )
            },
            BatchSize::PerIteration,
        );
    });
    g.bench_function(format!("move_{m}_data_keys_between_buckets"), |b| {
        let later = Bucket::Due(DueMonth { year: 2036, month: 1 });
        let back: Vec<_> = moves.iter().map(|&(o, s, c, _)| (o, s, c, later)).collect();
        let mut flip = false;
        b.iter(|| {
            flip = !flip;
            black_box(
                vault
                    .move_data_keys(&mut s, &mut k, if flip { &back } else { &moves })
                    .expect("move")
                    .len(),
            )
        });
    });
    g.finish();
}

criterion_group!(benches, single, batch, index, rewrap_and_shred);
criterion_main!(benches);
