//! The shared test suite of the [`Store`](crate::Store) port: every adapter (memory,
//! SQLite, later PostgreSQL) runs these same checks.
