//! Test doubles (feature `testkit`): synthetic My Numbers with valid check digits, a
//! fixed clock that tests can move, seeded entropy and sequential ids.
//!
//! Fixtures and demos contain only numbers made here.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::my_number::{MyNumber, check_digit};
use crate::ports::{Clock, Entropy, IdGen};

/// Every written form of a number's 12 digits a leak scan looks for byte for byte:
/// ASCII, full-width, and both grouped 4-4-4 with a hyphen or a space — `(label, bytes)`.
///
/// ```
/// let forms = hogo_domain::testkit::written_forms("123456789018");
/// assert!(forms.iter().any(|(_, b)| b == "1234-5678-9018".as_bytes()));
/// ```
pub fn written_forms(digits: &str) -> Vec<(String, Vec<u8>)> {
    let full: String = digits
        .chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
        .collect();
    let group = |s: &str, sep: &str| {
        let cs: Vec<char> = s.chars().collect();
        cs.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(sep)
    };
    vec![
        ("ASCII".to_owned(), digits.as_bytes().to_vec()),
        ("full-width".to_owned(), full.as_bytes().to_vec()),
        ("ASCII 4-4-4 (hyphen)".to_owned(), group(digits, "-").into_bytes()),
        ("ASCII 4-4-4 (space)".to_owned(), group(digits, " ").into_bytes()),
        ("full-width 4-4-4 (hyphen)".to_owned(), group(&full, "－").into_bytes()),
        ("full-width 4-4-4 (space)".to_owned(), group(&full, "\u{3000}").into_bytes()),
    ]
}

/// Makes a valid synthetic My Number from any 64-bit seed (deterministic).
///
/// ```
/// let n = hogo_domain::testkit::synthetic_number(42);
/// assert_eq!(n.expose().len(), 12);
/// ```
pub fn synthetic_number(seed: u64) -> MyNumber {
    let digest = Sha256::digest(seed.to_le_bytes());
    let mut first = [0u8; 11];
    for (d, b) in first.iter_mut().zip(digest.iter()) {
        *d = b % 10;
    }
    let mut ascii = [0u8; 12];
    for (a, d) in ascii.iter_mut().zip(first) {
        *a = b'0' + d;
    }
    ascii[11] = b'0' + check_digit(&first);
    match MyNumber::from_ascii_digits(&ascii) {
        Ok(n) => n,
        Err(_) => unreachable!("the check digit was just computed"),
    }
}

/// A clock that stands still until a test moves it.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    /// A clock at `now`.
    pub fn at(now: DateTime<Utc>) -> Self {
        Self(Mutex::new(now))
    }

    /// A clock at 09:00 JST on `date`.
    pub fn on_jst_date(date: NaiveDate) -> Self {
        let naive = date.and_hms_opt(0, 0, 0).unwrap_or_default();
        Self::at(Utc.from_utc_datetime(&naive))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *t += by;
    }

    /// Sets the clock.
    pub fn set(&self, now: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = now;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Deterministic, **insecure** entropy for tests: SHA-256 in counter mode over a seed.
#[derive(Debug)]
pub struct SeededEntropy {
    seed: u64,
    counter: AtomicU64,
}

impl SeededEntropy {
    /// Entropy from a seed.
    pub fn new(seed: u64) -> Self {
        Self { seed, counter: AtomicU64::new(0) }
    }
}

impl Entropy for SeededEntropy {
    fn fill(&self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(32) {
            let n = self.counter.fetch_add(1, Ordering::Relaxed);
            let mut h = Sha256::new();
            h.update(self.seed.to_le_bytes());
            h.update(n.to_le_bytes());
            let block = h.finalize();
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
    }
}

/// Sequential ids: `00000000-0000-0000-0000-000000000001`, `…02`, ….
#[derive(Debug, Default)]
pub struct SequentialIds(AtomicU64);

impl SequentialIds {
    /// Starts at 1.
    pub fn new() -> Self {
        Self::default()
    }
}

impl IdGen for SequentialIds {
    fn new_uuid(&self) -> Uuid {
        Uuid::from_u128(u128::from(self.0.fetch_add(1, Ordering::Relaxed) + 1))
    }
}
