//! Integration tests of hogo-vault: one binary, one module per behaviour.

mod binding;
mod index;
mod keys;
mod prefetch;
mod roundtrip;
mod shred;
mod tamper;

use hogo_domain::testkit::{SeededEntropy, SequentialIds};
use hogo_domain::{DataClass, IdGen, OrganisationId, SubjectId};
use hogo_vault::testkit::{MemKekStore, MemVaultStore, in_memory_key_provider};
use hogo_vault::{LocalKeyProvider, RecordContext, Vault, VaultConfig};

/// Ports, keys and stores of one test.
pub struct Fx {
    /// Root key provider.
    pub keys: LocalKeyProvider,
    /// Seeded entropy.
    pub entropy: SeededEntropy,
    /// Sequential ids.
    pub ids: SequentialIds,
    /// The data store.
    pub store: MemVaultStore,
    /// The key store.
    pub kek: MemKekStore,
}

impl Fx {
    /// A fixture from a seed.
    pub fn new(seed: u64) -> Self {
        Self {
            keys: in_memory_key_provider(seed),
            entropy: SeededEntropy::new(seed),
            ids: SequentialIds::new(),
            store: MemVaultStore::new(),
            kek: MemKekStore::new(),
        }
    }

    /// A vault over the fixture's ports, with the stores split out for borrowing.
    pub fn parts(&mut self) -> (Vault<'_>, &mut MemVaultStore, &mut MemKekStore) {
        let vault = Vault::new(&self.keys, &self.entropy, &self.ids, VaultConfig::default())
            .expect("default config is valid");
        (vault, &mut self.store, &mut self.kek)
    }

    /// A new organisation id.
    pub fn org(&self) -> OrganisationId {
        self.ids.next()
    }

    /// A new subject id.
    pub fn subject(&self) -> SubjectId {
        self.ids.next()
    }

    /// A record context with a new record id.
    pub fn ctx(&self, org: OrganisationId, subject: SubjectId, class: DataClass) -> RecordContext {
        RecordContext {
            organisation: org,
            subject,
            class,
            table: "employees".into(),
            field: if class == DataClass::MyNumber { "my_number".into() } else { "note".into() },
            record: self.ids.next(),
        }
    }
}
