//! The document port: the application layer's own records (organisation settings,
//! subjects, retention holdings/events/holds, requests, approvals, certificates) stored
//! as JSON documents in named collections, always scoped to one organisation.
//!
//! One small port keeps every adapter simple and every query organisation-scoped; the
//! typed accessors in [`Collection`] do the (de)serialisation.

use hogo_domain::OrganisationId;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Error;

/// Storage of JSON documents. Handles work inside the caller's transaction and never
/// commit on their own.
pub trait DocumentStore {
    /// Inserts or replaces a document.
    fn put(
        &mut self,
        organisation: OrganisationId,
        collection: &str,
        id: &str,
        body: &str,
    ) -> Result<(), Error>;
    /// One document.
    fn get(
        &self,
        organisation: OrganisationId,
        collection: &str,
        id: &str,
    ) -> Result<Option<String>, Error>;
    /// Every document of a collection, ordered by id.
    fn list(&self, organisation: OrganisationId, collection: &str) -> Result<Vec<String>, Error>;
    /// Every document of a collection whose id starts with `prefix`, ordered by id (e.g.
    /// one subject's holdings, keyed `"{subject}:…"`), answered from the store's index.
    fn list_prefix(
        &self,
        organisation: OrganisationId,
        collection: &str,
        prefix: &str,
    ) -> Result<Vec<String>, Error>;

    /// A hint that this transaction will soon [`get`] these documents. A store that
    /// caches per transaction fetches them in one round trip; the others need not do
    /// anything. It changes no answer: later reads see exactly what they would have seen.
    ///
    /// [`get`]: DocumentStore::get
    fn prefetch(
        &self,
        organisation: OrganisationId,
        collection: &str,
        ids: &[String],
    ) -> Result<(), Error> {
        let _ = (organisation, collection, ids);
        Ok(())
    }

    /// A hint that this transaction will soon [`list_prefix`] these prefixes (one round
    /// trip on a server instead of one per prefix). It changes no answer.
    ///
    /// [`list_prefix`]: DocumentStore::list_prefix
    fn prefetch_prefixes(
        &self,
        organisation: OrganisationId,
        collection: &str,
        prefixes: &[String],
    ) -> Result<(), Error> {
        let _ = (organisation, collection, prefixes);
        Ok(())
    }

    /// Deletes a document; returns whether it existed.
    fn delete(
        &mut self,
        organisation: OrganisationId,
        collection: &str,
        id: &str,
    ) -> Result<bool, Error>;
    /// Every organisation that has a document in `collection` (used to list tenants).
    fn organisations(&self, collection: &str) -> Result<Vec<OrganisationId>, Error>;
}

/// A typed collection name.
#[derive(Debug, Clone, Copy)]
pub struct Collection(pub &'static str);

/// Organisation settings (one document, id "settings").
pub const ORGANISATIONS: Collection = Collection("organisation");
/// Subject records.
pub const SUBJECTS: Collection = Collection("subject");
/// Retention holdings.
pub const HOLDINGS: Collection = Collection("holding");
/// Retention events.
pub const EVENTS: Collection = Collection("retention_event");
/// Legal holds.
pub const HOLDS: Collection = Collection("legal_hold");
/// Affair needs (continuing employment, leases).
pub const NEEDS: Collection = Collection("affair_need");
/// 開示等の請求.
pub const REQUESTS: Collection = Collection("request");
/// Use applications approved by the manager.
pub const USE_APPROVALS: Collection = Collection("use_approval");
/// Disposal batch approvals.
pub const DISPOSAL_APPROVALS: Collection = Collection("disposal_approval");
/// Deletion certificates.
pub const CERTIFICATES: Collection = Collection("deletion_certificate");
/// Number records: which vault record holds a subject's number.
pub const NUMBER_RECORDS: Collection = Collection("number_record");
/// Profile records: which vault record holds a subject's sealed profile.
pub const PROFILE_RECORDS: Collection = Collection("profile_record");
/// Consent records.
pub const CONSENTS: Collection = Collection("consent");
/// Carrying-out and provision records.
pub const MOVEMENTS: Collection = Collection("movement");
/// The ledger's register configuration and other singletons.
pub const SINGLETONS: Collection = Collection("singleton");
/// Dependants by employee, keyed `"{employee}:{dependant}"` (the body is the dependant's
/// id): a retirement finds the dependants it ends without reading every subject.
pub const DEPENDANTS: Collection = Collection("dependant");
/// Consents by subject, keyed `"{subject}:{consent}"` (the body is the consent's id).
pub const CONSENTS_BY_SUBJECT: Collection = Collection("consent_by_subject");
/// Job seekers by 求職受付番号, keyed `"{reference}:{subject}"` (the body is the subject's id).
pub const SEEKER_REFERENCES: Collection = Collection("seeker_reference");

fn ser<T: Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| Error::Internal(format!("serialise: {e}")))
}

fn de<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| Error::Storage(format!("corrupt document: {e}")))
}

impl Collection {
    /// Stores `value` under `id`.
    pub fn put<T: Serialize>(
        self,
        store: &mut dyn DocumentStore,
        org: OrganisationId,
        id: &str,
        value: &T,
    ) -> Result<(), Error> {
        store.put(org, self.0, id, &ser(value)?)
    }

    /// Loads the document `id`.
    pub fn get<T: DeserializeOwned>(
        self,
        store: &dyn DocumentStore,
        org: OrganisationId,
        id: &str,
    ) -> Result<Option<T>, Error> {
        store.get(org, self.0, id)?.map(|t| de(&t)).transpose()
    }

    /// Loads every document of the collection.
    pub fn list<T: DeserializeOwned>(
        self,
        store: &dyn DocumentStore,
        org: OrganisationId,
    ) -> Result<Vec<T>, Error> {
        store.list(org, self.0)?.iter().map(|t| de(t)).collect()
    }

    /// Loads the documents whose id starts with `prefix`.
    pub fn list_prefix<T: DeserializeOwned>(
        self,
        store: &dyn DocumentStore,
        org: OrganisationId,
        prefix: &str,
    ) -> Result<Vec<T>, Error> {
        store.list_prefix(org, self.0, prefix)?.iter().map(|t| de(t)).collect()
    }

    /// Hints that the documents `ids` will be read soon ([`DocumentStore::prefetch`]).
    pub fn prefetch(
        self,
        store: &dyn DocumentStore,
        org: OrganisationId,
        ids: &[String],
    ) -> Result<(), Error> {
        store.prefetch(org, self.0, ids)
    }

    /// Hints that the documents under `prefixes` will be listed soon
    /// ([`DocumentStore::prefetch_prefixes`]).
    pub fn prefetch_prefixes(
        self,
        store: &dyn DocumentStore,
        org: OrganisationId,
        prefixes: &[String],
    ) -> Result<(), Error> {
        store.prefetch_prefixes(org, self.0, prefixes)
    }

    /// Deletes the document `id`.
    pub fn delete(
        self,
        store: &mut dyn DocumentStore,
        org: OrganisationId,
        id: &str,
    ) -> Result<bool, Error> {
        store.delete(org, self.0, id)
    }
}
