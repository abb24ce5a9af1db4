//! The organisation's request settings: fees per kind (APPI 38条), the answer target
//! (default 14 days: the seed's 2 weeks and APPI 39条's threshold) and whether an
//! appointed agent's 委任状 must carry the registered seal.
//!
//! The same [`RequestConfig`] feeds the workflow (fees demanded when a request is filed)
//! and the published matters page ([`crate::published`]), so both always agree.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{RequestError, Result};
use crate::kind::RequestKind;

/// How a fee may be paid (APPI 37条1項, 令12条: the organisation fixes the method).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// 郵便切手 enclosed with the form (the seed's method).
    PostageStamps,
    /// 銀行振込.
    BankTransfer,
    /// 現金 (at the desk).
    Cash,
}

impl PaymentMethod {
    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::PostageStamps => "郵便切手",
            Self::BankTransfer => "銀行振込",
            Self::Cash => "現金（窓口）",
        }
    }
}

/// A 手数料: an amount in yen and the accepted ways to pay it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    /// Amount in yen per request of the kind; must be reasonable in view of actual
    /// cost (APPI 38条2項).
    pub amount_yen: u32,
    /// Accepted payment methods (at least one).
    pub methods: Vec<PaymentMethod>,
}

/// Fees per kind. Only chargeable kinds (APPI 38条1項) can carry one: the constructor
/// and deserialisation both refuse others.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<RequestKind, Fee>", into = "BTreeMap<RequestKind, Fee>")]
pub struct FeeSchedule(BTreeMap<RequestKind, Fee>);

impl FeeSchedule {
    /// No fees at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// The seed's "1,000 yen per request in postage stamps", made lawful: 1,000 yen in
    /// postage stamps for 開示 only (legal-facts §6).
    pub fn seed() -> Self {
        Self(BTreeMap::from([(
            RequestKind::Disclosure,
            Fee { amount_yen: 1_000, methods: vec![PaymentMethod::PostageStamps] },
        )]))
    }

    /// Sets the fee of `kind`; refused for a kind that cannot be charged (APPI 38条) or
    /// with no payment method. A zero amount removes the fee.
    pub fn set(&mut self, kind: RequestKind, fee: Fee) -> Result<()> {
        if !kind.is_chargeable() {
            return Err(RequestError::FeeNotAllowed { kind });
        }
        if fee.amount_yen == 0 {
            self.0.remove(&kind);
            return Ok(());
        }
        if fee.methods.is_empty() {
            return Err(RequestError::NoPaymentMethod { kind });
        }
        let mut fee = fee;
        fee.methods.sort();
        fee.methods.dedup();
        self.0.insert(kind, fee);
        Ok(())
    }

    /// Builder form of [`FeeSchedule::set`].
    pub fn with(mut self, kind: RequestKind, fee: Fee) -> Result<Self> {
        self.set(kind, fee)?;
        Ok(self)
    }

    /// The fee of a kind, if any.
    pub fn fee(&self, kind: RequestKind) -> Option<&Fee> {
        self.0.get(&kind)
    }

    /// Every (kind, fee).
    pub fn iter(&self) -> impl Iterator<Item = (RequestKind, &Fee)> {
        self.0.iter().map(|(k, f)| (*k, f))
    }
}

impl TryFrom<BTreeMap<RequestKind, Fee>> for FeeSchedule {
    type Error = RequestError;
    fn try_from(map: BTreeMap<RequestKind, Fee>) -> Result<Self> {
        let mut s = Self::none();
        for (k, f) in map {
            s.set(k, f)?;
        }
        Ok(s)
    }
}

impl From<FeeSchedule> for BTreeMap<RequestKind, Fee> {
    fn from(s: FeeSchedule) -> Self {
        s.0
    }
}

/// The default answer target in days (doc 000's "2週間", APPI 39条).
pub const DEFAULT_TARGET_DAYS: u16 = 14;

/// An organisation's request settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestConfig {
    /// Fees per kind.
    pub fees: FeeSchedule,
    /// Days from receipt to the due date (1–60).
    pub target_days: u16,
    /// Whether an appointed agent's 委任状 must bear the registered seal with a
    /// 印鑑証明書 (doc 000; stricter than the APPI, allowed if not an excessive
    /// burden, 37条4項).
    pub require_registered_seal: bool,
}

impl Default for RequestConfig {
    fn default() -> Self {
        Self {
            fees: FeeSchedule::none(),
            target_days: DEFAULT_TARGET_DAYS,
            require_registered_seal: false,
        }
    }
}

impl RequestConfig {
    /// The seed (doc 000) settings made lawful: 1,000 yen in stamps for disclosure only,
    /// 14 days, registered seal + 印鑑証明書 for appointed agents.
    pub fn seed() -> Self {
        Self {
            fees: FeeSchedule::seed(),
            target_days: DEFAULT_TARGET_DAYS,
            require_registered_seal: true,
        }
    }

    /// Checks the settings.
    pub fn validate(&self) -> Result<()> {
        if !(1..=60).contains(&self.target_days) {
            return Err(RequestError::InvalidConfig {
                field: "target_days",
                reason: "1〜60日 / 1 to 60 days",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamps(amount: u32) -> Fee {
        Fee { amount_yen: amount, methods: vec![PaymentMethod::PostageStamps] }
    }

    /// P7, M15 (APPI 38条1項): configuring a fee for correction, deletion or any
    /// suspension kind is refused and the error cites the article.
    #[test]
    fn fee_for_non_chargeable_kind_is_refused_citing_article_38() {
        for kind in RequestKind::ALL.into_iter().filter(|k| !k.is_chargeable()) {
            let err = FeeSchedule::none().with(kind, stamps(1_000)).unwrap_err();
            assert_eq!(err, RequestError::FeeNotAllowed { kind });
            assert!(err.to_string().contains("38条"));
        }
    }

    /// P7 (legal-facts §6): the seed's 1,000 yen becomes 1,000 yen for disclosure only.
    #[test]
    fn seed_fee_is_for_disclosure_only() {
        let s = FeeSchedule::seed();
        assert_eq!(s.fee(RequestKind::Disclosure), Some(&stamps(1_000)));
        assert_eq!(s.iter().count(), 1);
    }

    /// P7 (APPI 38条1項): deserialising a schedule with a fee for correction fails.
    #[test]
    fn deserialising_an_unlawful_fee_fails() {
        let json = r#"{"correction":{"amount_yen":1000,"methods":["postage_stamps"]}}"#;
        assert!(serde_json::from_str::<FeeSchedule>(json).is_err());
        let ok = r#"{"disclosure":{"amount_yen":500,"methods":["cash"]}}"#;
        assert!(serde_json::from_str::<FeeSchedule>(ok).is_ok());
    }

    /// P7: a fee without a payment method is refused.
    #[test]
    fn fee_without_method_is_refused() {
        let err = FeeSchedule::none()
            .with(RequestKind::Disclosure, Fee { amount_yen: 300, methods: vec![] })
            .unwrap_err();
        assert_eq!(err, RequestError::NoPaymentMethod { kind: RequestKind::Disclosure });
    }

    /// P7: the answer target must be 1–60 days.
    #[test]
    fn target_days_out_of_range_is_refused() {
        let c = RequestConfig { target_days: 0, ..RequestConfig::default() };
        assert!(c.validate().is_err());
        assert!(RequestConfig::seed().validate().is_ok());
    }
}
