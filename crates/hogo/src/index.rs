//! Owner indexes: documents of one collection found by their owner (a subject) with one
//! prefix read instead of reading the whole collection — a retirement finding the
//! dependants it ends, a provision finding the person's consents.
//!
//! An index is a collection keyed `"{owner}:{id}"` whose body is the id. It is complete
//! once its marker singleton exists: a new organisation starts complete ([`start_all`]);
//! a database written before the index gains it, built from the source collection, in the
//! first transaction that adds an entry. Until then reads fall back to the scan they
//! replace, so an answer is never missing an entry.

use crate::Error;
use crate::docs::{CONSENTS, Collection, SINGLETONS, SUBJECTS};
use crate::store::Tx;
use crate::subjects::SubjectRecord;

/// Every `(owner, id)` pair of an index's source collection.
type Scan = fn(&Tx<'_>) -> Result<Vec<(String, String)>, Error>;

/// One owner index.
pub(crate) struct OwnerIndex {
    /// The index collection.
    collection: Collection,
    /// The singleton marking the index complete.
    marker: &'static str,
    /// Every `(owner, id)` pair of the source collection (the build, and the fallback).
    scan: Scan,
}

/// Dependants by the employee who declared them (source: subject records).
pub(crate) const DEPENDANTS: OwnerIndex = OwnerIndex {
    collection: crate::docs::DEPENDANTS,
    marker: "dependant_index",
    scan: |tx| {
        Ok(SUBJECTS
            .list::<SubjectRecord>(&*tx.docs, tx.organisation)?
            .into_iter()
            .filter_map(|r| match r.subject.kind {
                hogo_domain::SubjectKind::Dependent { of, .. } => {
                    Some((of.to_string(), r.subject.id.to_string()))
                }
                _ => None,
            })
            .collect())
    },
};

/// Consents by the person who gave them (source: consent records).
pub(crate) const CONSENTS_BY_SUBJECT: OwnerIndex = OwnerIndex {
    collection: crate::docs::CONSENTS_BY_SUBJECT,
    marker: "consent_index",
    scan: |tx| {
        Ok(CONSENTS
            .list::<hogo_domain::Consent>(&*tx.docs, tx.organisation)?
            .into_iter()
            .map(|c| (c.subject.to_string(), c.id.to_string()))
            .collect())
    },
};

/// A subject id read back from an index entry.
pub(crate) fn subject_id(id: &str) -> Result<hogo_domain::SubjectId, Error> {
    uuid::Uuid::parse_str(id)
        .map(hogo_domain::SubjectId::from_uuid)
        .map_err(|_| Error::Storage(format!("corrupt index entry: {id}")))
}

/// The consents `subject` gave, in consent-id order (withdrawn ones included).
pub(crate) fn consents_of(
    tx: &Tx<'_>,
    subject: hogo_domain::SubjectId,
) -> Result<Vec<hogo_domain::Consent>, Error> {
    let ids = CONSENTS_BY_SUBJECT.ids(tx, subject)?;
    CONSENTS.prefetch(&*tx.docs, tx.organisation, &ids)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in &ids {
        let c: hogo_domain::Consent = CONSENTS
            .get(&*tx.docs, tx.organisation, id)?
            .ok_or_else(|| Error::Storage(format!("index names a missing consent: {id}")))?;
        out.push(c);
    }
    Ok(out)
}

/// Job seekers by their 求職受付番号 (source: subject records). A reference may itself
/// contain `:`, so a prefix read can return a longer reference's seeker:
/// [`seeker_reference_taken`] checks each record.
pub(crate) const SEEKER_REFERENCES: OwnerIndex = OwnerIndex {
    collection: crate::docs::SEEKER_REFERENCES,
    marker: "seeker_reference_index",
    scan: |tx| {
        Ok(SUBJECTS
            .list::<SubjectRecord>(&*tx.docs, tx.organisation)?
            .into_iter()
            .filter(|r| r.subject.kind == hogo_domain::SubjectKind::JobSeeker)
            .map(|r| (r.reference, r.subject.id.to_string()))
            .collect())
    },
};

/// Whether a job seeker of the organisation already has `reference` (P4).
pub(crate) fn seeker_reference_taken(tx: &Tx<'_>, reference: &str) -> Result<bool, Error> {
    let ids = SEEKER_REFERENCES.ids(tx, reference)?;
    SUBJECTS.prefetch(&*tx.docs, tx.organisation, &ids)?;
    for id in &ids {
        let r: Option<SubjectRecord> = SUBJECTS.get(&*tx.docs, tx.organisation, id)?;
        if r.is_some_and(|r| {
            r.subject.kind == hogo_domain::SubjectKind::JobSeeker && r.reference == reference
        }) {
            return Ok(true);
        }
    }
    Ok(false)
}

const ALL: [&OwnerIndex; 3] = [&DEPENDANTS, &CONSENTS_BY_SUBJECT, &SEEKER_REFERENCES];

/// Marks every index of a new organisation complete (it has no document yet).
pub(crate) fn start_all(tx: &mut Tx<'_>) -> Result<(), Error> {
    ALL.iter().try_for_each(|i| SINGLETONS.put(tx.docs, tx.organisation, i.marker, &true))
}

impl OwnerIndex {
    fn complete(&self, tx: &Tx<'_>) -> Result<bool, Error> {
        Ok(SINGLETONS.get::<bool>(&*tx.docs, tx.organisation, self.marker)?.is_some())
    }

    fn put(&self, tx: &mut Tx<'_>, owner: &str, id: &str) -> Result<(), Error> {
        self.collection.put(tx.docs, tx.organisation, &format!("{owner}:{id}"), &id)
    }

    /// Records that `owner` has the document `id`. An incomplete index is built first,
    /// from the source collection, and marked complete in the same transaction.
    pub(crate) fn add(
        &self,
        tx: &mut Tx<'_>,
        owner: impl std::fmt::Display,
        id: impl std::fmt::Display,
    ) -> Result<(), Error> {
        if !self.complete(tx)? {
            for (o, i) in (self.scan)(tx)? {
                self.put(tx, &o, &i)?;
            }
            SINGLETONS.put(tx.docs, tx.organisation, self.marker, &true)?;
        }
        self.put(tx, &owner.to_string(), &id.to_string())
    }

    /// The ids of `owner`'s documents, in id order: one prefix read of a complete index,
    /// else the scan of the source collection.
    pub(crate) fn ids(
        &self,
        tx: &Tx<'_>,
        owner: impl std::fmt::Display,
    ) -> Result<Vec<String>, Error> {
        let owner = owner.to_string();
        if self.complete(tx)? {
            return self.collection.list_prefix(&*tx.docs, tx.organisation, &format!("{owner}:"));
        }
        let mut ids: Vec<String> =
            (self.scan)(tx)?.into_iter().filter(|(o, _)| *o == owner).map(|(_, i)| i).collect();
        ids.sort();
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use chrono::DateTime;
    use hogo_domain::{
        Consent, ConsentId, ConsentMethod, ConsentScope, OrganisationId, Purpose, StaffId,
        SubjectId,
    };
    use proptest::prelude::*;
    use uuid::Uuid;

    use super::*;
    use crate::store::Store;
    use crate::testkit::MemoryStore;

    fn consent(n: u128, subject: u128) -> Consent {
        Consent {
            id: ConsentId::from_uuid(Uuid::from_u128(0xc0_0000 + n)),
            subject: SubjectId::from_uuid(Uuid::from_u128(subject)),
            scope: ConsentScope::Purpose { purpose: Purpose::ProvisionToEmployer },
            given_at: DateTime::from_timestamp(1_775_000_000, 0).unwrap(),
            method: ConsentMethod::Written,
            recorded_by: StaffId::from_uuid(Uuid::from_u128(9)),
            withdrawn_at: None,
        }
    }

    fn org() -> OrganisationId {
        OrganisationId::from_uuid(Uuid::from_u128(0x0a01))
    }

    /// Puts consents as a database written before the index did (no index entries).
    fn put_unindexed(store: &MemoryStore, consents: &[Consent]) {
        store
            .transact(org(), &mut |tx| {
                for c in consents {
                    CONSENTS.put(tx.docs, tx.organisation, &c.id.to_string(), c)?;
                }
                Ok(())
            })
            .unwrap();
    }

    fn ids_of(store: &MemoryStore, subject: u128) -> Vec<String> {
        store
            .transact(org(), &mut |tx| {
                CONSENTS_BY_SUBJECT.ids(tx, SubjectId::from_uuid(Uuid::from_u128(subject)))
            })
            .unwrap()
    }

    fn expected(consents: &[Consent], subject: u128) -> Vec<String> {
        let mut v: Vec<String> = consents
            .iter()
            .filter(|c| c.subject == SubjectId::from_uuid(Uuid::from_u128(subject)))
            .map(|c| c.id.to_string())
            .collect();
        v.sort();
        v
    }

    /// P3, P7 (a stop of provision must reach every consent): on a database written
    /// before the index, reads scan the consents; the first new consent builds the index
    /// from all of them and marks it complete, and reads then use it.
    #[test]
    fn an_older_database_is_read_by_scan_until_its_first_new_entry_builds_the_index() {
        let store = MemoryStore::new();
        let old = [consent(1, 7), consent(2, 8), consent(3, 7)];
        put_unindexed(&store, &old);
        assert_eq!(ids_of(&store, 7), expected(&old, 7), "the scan before the index");
        let new = consent(4, 8);
        store
            .transact(org(), &mut |tx| {
                CONSENTS.put(tx.docs, tx.organisation, &new.id.to_string(), &new)?;
                CONSENTS_BY_SUBJECT.add(tx, new.subject, new.id)
            })
            .unwrap();
        let all = [old.as_slice(), &[new]].concat();
        let (complete, entries) = store
            .transact(org(), &mut |tx| {
                Ok((
                    CONSENTS_BY_SUBJECT.complete(tx)?,
                    crate::docs::CONSENTS_BY_SUBJECT.list::<String>(&*tx.docs, tx.organisation)?,
                ))
            })
            .unwrap();
        assert!(complete);
        assert_eq!(entries.len(), 4, "every old consent was indexed with the new one");
        assert_eq!(ids_of(&store, 7), expected(&all, 7));
        assert_eq!(ids_of(&store, 8), expected(&all, 8));
    }

    proptest! {
        /// P3, P7: whatever consents exist, given before or after the index, and whenever
        /// the index is built, the index answers exactly what a scan of every consent
        /// answers, for every subject.
        #[test]
        fn the_index_never_misses_a_consent(
            before in prop::collection::vec(0u128..4, 0..6),
            after in prop::collection::vec(0u128..4, 0..6),
        ) {
            let store = MemoryStore::new();
            let old: Vec<Consent> =
                before.iter().enumerate().map(|(i, s)| consent(i as u128, *s)).collect();
            put_unindexed(&store, &old);
            let new: Vec<Consent> = after
                .iter()
                .enumerate()
                .map(|(i, s)| consent(100 + i as u128, *s))
                .collect();
            for c in &new {
                store
                    .transact(org(), &mut |tx| {
                        CONSENTS.put(tx.docs, tx.organisation, &c.id.to_string(), c)?;
                        CONSENTS_BY_SUBJECT.add(tx, c.subject, c.id)
                    })
                    .unwrap();
            }
            let all = [old, new].concat();
            for s in 0..4 {
                prop_assert_eq!(ids_of(&store, s), expected(&all, s));
            }
        }
    }

    /// A new organisation's indexes start complete, and empty.
    #[test]
    fn a_new_organisation_starts_with_complete_empty_indexes() {
        let store = MemoryStore::new();
        store.transact(org(), &mut |tx| start_all(tx)).unwrap();
        for index in ALL {
            let complete = store.transact(org(), &mut |tx| index.complete(tx)).unwrap();
            assert!(complete, "{}", index.marker);
        }
        assert!(ids_of(&store, 7).is_empty());
    }
}
