//! The [`DocumentStore`] handle: the application layer's JSON documents in
//! `documents(organisation, collection, id, body)`, scoped to the transaction's
//! organisation.

use hogo::Error;
use hogo::docs::DocumentStore;
use hogo_domain::OrganisationId;
use rusqlite::{OptionalExtension, params};

use crate::tx::{Fault, TxCtx, uuid};

/// Maps an adapter fault into the application layer's error.
pub(crate) fn app_err(f: Fault) -> Error {
    match f {
        Fault::Busy(_) => Error::Busy,
        other => Error::Storage(other.to_string()),
    }
}

/// The document handle of one transaction.
pub(crate) struct SqlDocs<'a, 'c> {
    pub(crate) ctx: &'a TxCtx<'c>,
}

impl DocumentStore for SqlDocs<'_, '_> {
    fn put(
        &mut self,
        organisation: OrganisationId,
        collection: &str,
        id: &str,
        body: &str,
    ) -> Result<(), Error> {
        let c = self.ctx;
        c.scope(organisation).map_err(app_err)?;
        let mut stmt = c
            .check(c.conn.prepare_cached(
                "INSERT INTO documents (organisation, collection, id, body) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (organisation, collection, id) DO UPDATE SET body = excluded.body",
            ))
            .map_err(app_err)?;
        c.check(stmt.execute(params![c.org_blob(), collection, id, body])).map_err(app_err)?;
        Ok(())
    }

    fn get(
        &self,
        organisation: OrganisationId,
        collection: &str,
        id: &str,
    ) -> Result<Option<String>, Error> {
        let c = self.ctx;
        c.scope(organisation).map_err(app_err)?;
        c.check(
            c.conn
                .prepare_cached(
                    "SELECT body FROM documents
                     WHERE organisation = ?1 AND collection = ?2 AND id = ?3",
                )
                .and_then(|mut s| {
                    s.query_row(params![c.org_blob(), collection, id], |r| r.get(0)).optional()
                }),
        )
        .map_err(app_err)
    }

    fn list(&self, organisation: OrganisationId, collection: &str) -> Result<Vec<String>, Error> {
        let c = self.ctx;
        c.scope(organisation).map_err(app_err)?;
        (|| {
            let mut stmt = c.check(c.conn.prepare_cached(
                "SELECT body FROM documents WHERE organisation = ?1 AND collection = ?2
                 ORDER BY id",
            ))?;
            let rows = c.check(stmt.query_map(params![c.org_blob(), collection], |r| r.get(0)))?;
            c.check(rows.collect::<Result<Vec<String>, _>>())
        })()
        .map_err(app_err)
    }

    fn list_prefix(
        &self,
        organisation: OrganisationId,
        collection: &str,
        prefix: &str,
    ) -> Result<Vec<String>, Error> {
        let c = self.ctx;
        c.scope(organisation).map_err(app_err)?;
        // A range over the (organisation, collection, id) key: ids in [prefix, prefix + U+10FFFF).
        let upper = format!("{prefix}\u{10FFFF}");
        (|| {
            let mut stmt = c.check(c.conn.prepare_cached(
                "SELECT body FROM documents WHERE organisation = ?1 AND collection = ?2
                 AND id >= ?3 AND id < ?4 ORDER BY id",
            ))?;
            let rows = c.check(
                stmt.query_map(params![c.org_blob(), collection, prefix, upper], |r| r.get(0)),
            )?;
            c.check(rows.collect::<Result<Vec<String>, _>>())
        })()
        .map_err(app_err)
    }

    fn delete(
        &mut self,
        organisation: OrganisationId,
        collection: &str,
        id: &str,
    ) -> Result<bool, Error> {
        let c = self.ctx;
        c.scope(organisation).map_err(app_err)?;
        let n = c
            .check(c.conn.execute(
                "DELETE FROM documents WHERE organisation = ?1 AND collection = ?2 AND id = ?3",
                params![c.org_blob(), collection, id],
            ))
            .map_err(app_err)?;
        Ok(n > 0)
    }

    fn organisations(&self, collection: &str) -> Result<Vec<OrganisationId>, Error> {
        // Listing tenants is the one cross-organisation read, by the port's design.
        let c = self.ctx;
        (|| {
            let mut stmt = c.check(c.conn.prepare_cached(
                "SELECT DISTINCT organisation FROM documents WHERE collection = ?1
                 ORDER BY organisation",
            ))?;
            let rows = c.check(stmt.query_map([collection], |r| r.get::<_, [u8; 16]>(0)))?;
            let orgs = c.check(rows.collect::<Result<Vec<_>, _>>())?;
            Ok(orgs.into_iter().map(|o| OrganisationId::from_uuid(uuid(o))).collect())
        })()
        .map_err(app_err)
    }
}
