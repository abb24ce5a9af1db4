//! Ports for time, randomness and ids. Core crates never read the clock or the OS
//! random source themselves: adapters implement these traits, tests use the fixed and
//! seeded doubles of the `testkit` feature.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use uuid::Uuid;

/// Japan Standard Time (UTC+9, no daylight saving): the calendar the rules count in.
pub fn jst() -> FixedOffset {
    match FixedOffset::east_opt(9 * 3600) {
        Some(offset) => offset,
        None => unreachable!("+09:00 is a valid offset"),
    }
}

/// The source of "now".
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in Japan (JST), the date retention and deadlines count in.
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&jst()).date_naive()
    }
}

/// Cryptographically secure randomness for keys, nonces, tokens and salts.
pub trait Entropy: Send + Sync {
    /// Fills `buf` with random bytes.
    fn fill(&self, buf: &mut [u8]);

    /// Returns `N` random bytes.
    fn array<const N: usize>(&self) -> [u8; N]
    where
        Self: Sized,
    {
        let mut out = [0u8; N];
        self.fill(&mut out);
        out
    }
}

/// A source of new unique ids (uuid v7 in production, so ids sort by creation).
pub trait IdGen: Send + Sync {
    /// A new uuid.
    fn new_uuid(&self) -> Uuid;

    /// A new id of any id type.
    fn next<T: From<Uuid>>(&self) -> T
    where
        Self: Sized,
    {
        T::from(self.new_uuid())
    }
}

impl<T: Clock + ?Sized> Clock for &T {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

impl<T: Entropy + ?Sized> Entropy for &T {
    fn fill(&self, buf: &mut [u8]) {
        (**self).fill(buf);
    }
}

impl<T: IdGen + ?Sized> IdGen for &T {
    fn new_uuid(&self) -> Uuid {
        (**self).new_uuid()
    }
}
