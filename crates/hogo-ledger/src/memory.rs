//! An in-memory [`LedgerStore`] for tests and demos (feature `testkit`). It has no
//! transactions: clone it before a use case to emulate a rollback.

use std::collections::HashMap;

use hogo_domain::OrganisationId;

use crate::entry::{Detail, Hash};
use crate::error::StorageError;
use crate::store::{Head, LedgerStore, LogConfig, StoredCheckpoint, StoredEntry, TreeNode};

#[derive(Debug, Clone, Default)]
struct Log {
    config: Option<LogConfig>,
    head: Option<Head>,
    entries: Vec<StoredEntry>,
    levels: Vec<Vec<Hash>>,
    details: HashMap<u64, Detail>,
    checkpoints: Vec<StoredCheckpoint>,
    auditors: HashMap<String, StoredCheckpoint>,
}

/// A ledger store in memory, one log per organisation.
#[derive(Debug, Clone, Default)]
pub struct InMemoryLedgerStore {
    logs: HashMap<OrganisationId, Log>,
}

impl InMemoryLedgerStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Direct access to the stored entries, so tests can tamper with them.
    pub fn entries_mut(&mut self, organisation: OrganisationId) -> Option<&mut Vec<StoredEntry>> {
        self.logs.get_mut(&organisation).map(|l| &mut l.entries)
    }

    /// Direct access to the stored tree nodes by level, so tests can tamper with them.
    pub fn levels_mut(&mut self, organisation: OrganisationId) -> Option<&mut Vec<Vec<Hash>>> {
        self.logs.get_mut(&organisation).map(|l| &mut l.levels)
    }

    /// Direct access to the stored checkpoints, so tests can tamper with them.
    pub fn checkpoints_mut(
        &mut self,
        organisation: OrganisationId,
    ) -> Option<&mut Vec<StoredCheckpoint>> {
        self.logs.get_mut(&organisation).map(|l| &mut l.checkpoints)
    }

    /// The number of stored tree nodes (all levels).
    pub fn node_count(&self, organisation: OrganisationId) -> usize {
        self.logs.get(&organisation).map_or(0, |l| l.levels.iter().map(Vec::len).sum())
    }
}

impl LedgerStore for InMemoryLedgerStore {
    fn log_config(&self, organisation: OrganisationId) -> Result<Option<LogConfig>, StorageError> {
        Ok(self.logs.get(&organisation).and_then(|l| l.config.clone()))
    }

    fn put_log_config(&mut self, config: &LogConfig) -> Result<(), StorageError> {
        self.logs.entry(config.organisation).or_default().config = Some(config.clone());
        Ok(())
    }

    fn lock_head(&mut self, organisation: OrganisationId) -> Result<Option<Head>, StorageError> {
        self.head(organisation)
    }

    fn head(&self, organisation: OrganisationId) -> Result<Option<Head>, StorageError> {
        Ok(self.logs.get(&organisation).and_then(|l| l.head.clone()))
    }

    fn put_head(&mut self, head: &Head) -> Result<(), StorageError> {
        self.logs.entry(head.organisation).or_default().head = Some(head.clone());
        Ok(())
    }

    fn insert_entries(
        &mut self,
        organisation: OrganisationId,
        entries: &[StoredEntry],
    ) -> Result<(), StorageError> {
        let log = self.logs.entry(organisation).or_default();
        for e in entries {
            if e.entry.sequence != log.entries.len() as u64 {
                return Err(StorageError::Conflict { what: format!("entry {}", e.entry.sequence) });
            }
            log.entries.push(e.clone());
        }
        Ok(())
    }

    fn entries(
        &self,
        organisation: OrganisationId,
        from: u64,
        to: u64,
    ) -> Result<Vec<StoredEntry>, StorageError> {
        let Some(log) = self.logs.get(&organisation) else { return Ok(Vec::new()) };
        let len = log.entries.len();
        let from = usize::try_from(from).unwrap_or(usize::MAX).min(len);
        let to = usize::try_from(to).unwrap_or(usize::MAX).min(len).max(from);
        Ok(log.entries[from..to].to_vec())
    }

    fn put_nodes(
        &mut self,
        organisation: OrganisationId,
        nodes: &[TreeNode],
    ) -> Result<(), StorageError> {
        let log = self.logs.entry(organisation).or_default();
        for n in nodes {
            let level = usize::from(n.level);
            if log.levels.len() <= level {
                log.levels.resize_with(level + 1, Vec::new);
            }
            let row = &mut log.levels[level];
            if n.index == row.len() as u64 {
                row.push(n.hash);
            } else {
                return Err(StorageError::Conflict {
                    what: format!("tree node {}/{}", n.level, n.index),
                });
            }
        }
        Ok(())
    }

    fn node(
        &self,
        organisation: OrganisationId,
        level: u8,
        index: u64,
    ) -> Result<Option<Hash>, StorageError> {
        Ok(self.logs.get(&organisation).and_then(|l| {
            let row = l.levels.get(usize::from(level))?;
            row.get(usize::try_from(index).ok()?).copied()
        }))
    }

    fn put_detail(
        &mut self,
        organisation: OrganisationId,
        sequence: u64,
        detail: &Detail,
    ) -> Result<(), StorageError> {
        self.logs.entry(organisation).or_default().details.insert(sequence, detail.clone());
        Ok(())
    }

    fn detail(
        &self,
        organisation: OrganisationId,
        sequence: u64,
    ) -> Result<Option<Detail>, StorageError> {
        Ok(self.logs.get(&organisation).and_then(|l| l.details.get(&sequence).cloned()))
    }

    fn erase_detail(
        &mut self,
        organisation: OrganisationId,
        sequence: u64,
    ) -> Result<bool, StorageError> {
        Ok(self.logs.get_mut(&organisation).is_some_and(|l| l.details.remove(&sequence).is_some()))
    }

    fn insert_checkpoint(
        &mut self,
        organisation: OrganisationId,
        checkpoint: &StoredCheckpoint,
    ) -> Result<(), StorageError> {
        self.logs.entry(organisation).or_default().checkpoints.push(checkpoint.clone());
        Ok(())
    }

    fn checkpoints(
        &self,
        organisation: OrganisationId,
    ) -> Result<Vec<StoredCheckpoint>, StorageError> {
        Ok(self.logs.get(&organisation).map(|l| l.checkpoints.clone()).unwrap_or_default())
    }

    fn auditor_checkpoint(
        &self,
        organisation: OrganisationId,
        auditor: &str,
    ) -> Result<Option<StoredCheckpoint>, StorageError> {
        Ok(self.logs.get(&organisation).and_then(|l| l.auditors.get(auditor).cloned()))
    }

    fn put_auditor_checkpoint(
        &mut self,
        organisation: OrganisationId,
        auditor: &str,
        checkpoint: &StoredCheckpoint,
    ) -> Result<(), StorageError> {
        self.logs
            .entry(organisation)
            .or_default()
            .auditors
            .insert(auditor.to_owned(), checkpoint.clone());
        Ok(())
    }
}
