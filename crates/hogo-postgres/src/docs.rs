//! The [`DocumentStore`] handle: the application layer's JSON documents in
//! `documents(organisation, collection, id, body)`, scoped to the transaction's
//! organisation. Ids are `COLLATE "C"`, so `ORDER BY id` and the prefix range of
//! `list_prefix` are bytewise, as in the other stores.

use hogo::Error;
use hogo::docs::DocumentStore;
use hogo_domain::OrganisationId;

use crate::tx::{Fault, TxCtx, col, uuid_col};

/// Maps an adapter fault into the application layer's error.
pub(crate) fn app_err(f: Fault) -> Error {
    match f {
        Fault::Busy(_) => Error::Busy,
        other => Error::Storage(other.to_string()),
    }
}

/// The document handle of one transaction.
pub(crate) struct PgDocs<'a, 'c> {
    pub(crate) ctx: &'a TxCtx<'c>,
}

fn bodies(rows: &[postgres::Row]) -> Result<Vec<String>, Fault> {
    rows.iter().map(|r| col::<String>(r, 0, "document")).collect()
}

impl DocumentStore for PgDocs<'_, '_> {
    fn put(
        &mut self,
        organisation: OrganisationId,
        collection: &str,
        id: &str,
        body: &str,
    ) -> Result<(), Error> {
        let c = self.ctx;
        c.scope(organisation).map_err(app_err)?;
        c.exec(
            "INSERT INTO documents (organisation, collection, id, body) VALUES ($1, $2, $3, $4)
             ON CONFLICT (organisation, collection, id) DO UPDATE SET body = excluded.body",
            &[&c.org_blob(), &collection, &id, &body],
        )
        .map_err(app_err)?;
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
        c.opt(
            "SELECT body FROM documents WHERE organisation = $1 AND collection = $2 AND id = $3",
            &[&c.org_blob(), &collection, &id],
        )
        .and_then(|r| r.map(|r| col::<String>(&r, 0, "document")).transpose())
        .map_err(app_err)
    }

    fn list(&self, organisation: OrganisationId, collection: &str) -> Result<Vec<String>, Error> {
        let c = self.ctx;
        c.scope(organisation).map_err(app_err)?;
        c.query(
            "SELECT body FROM documents WHERE organisation = $1 AND collection = $2 ORDER BY id",
            &[&c.org_blob(), &collection],
        )
        .and_then(|rows| bodies(&rows))
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
        c.query(
            "SELECT body FROM documents WHERE organisation = $1 AND collection = $2
             AND id >= $3 AND id < $4 ORDER BY id",
            &[&c.org_blob(), &collection, &prefix, &upper],
        )
        .and_then(|rows| bodies(&rows))
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
            .exec(
                "DELETE FROM documents WHERE organisation = $1 AND collection = $2 AND id = $3",
                &[&c.org_blob(), &collection, &id],
            )
            .map_err(app_err)?;
        Ok(n > 0)
    }

    fn organisations(&self, collection: &str) -> Result<Vec<OrganisationId>, Error> {
        // Listing tenants is the one cross-organisation read, by the port's design.
        let c = self.ctx;
        c.query(
            "SELECT DISTINCT organisation FROM documents WHERE collection = $1 ORDER BY organisation",
            &[&collection],
        )
        .and_then(|rows| {
            rows.iter()
                .map(|r| uuid_col(r, 0, "organisation id").map(OrganisationId::from_uuid))
                .collect()
        })
        .map_err(app_err)
    }
}
