//! An organisation's retention configuration ([`RetentionConfig`]) and the validated
//! [`Schedule`] built from it.
//!
//! Organisations may change periods only where the law lets them: never below a statutory
//! (or rule-book) minimum, never past a ceiling — or past the period of a kind that carries
//! My Numbers (番号法20条) — without a recorded basis. Each refusal is a typed
//! [`RetentionError`] citing the rule.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::RetentionError;
use crate::period::RetentionPeriod;
use crate::schedule::{DocumentKind, RetentionRule, START_LATER_OF_SEPARATION, START_PROCEDURE};

/// Disposition review (doc 000 §11; Purview's `startDispositionReview`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewMode {
    /// The system disposes of due items itself (M11: "the system itself deletes").
    #[default]
    Automatic,
    /// Due items are disposed of only after the responsible manager (個人情報取扱責任者 /
    /// 事務取扱責任者) approves the batch.
    ManagerApproval,
}

/// How 「完結の日」 is read for the insurance kinds (legal-facts §2: the term is undefined;
/// practice ranges from the procedure date to 退職/資格喪失).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompletionReading {
    /// The later of the procedure date (`completed`) and 退職/資格喪失 (`retired` /
    /// `qualification_lost`). The default: it is the longest reading in practice, so the
    /// statutory minimum is met under every reading a labour office may take, and the
    /// period stays open while the person is still employed — which is when the affair
    /// still needs the number anyway.
    #[default]
    LaterOfProcedureAndSeparation,
    /// The procedure date alone.
    ProcedureDate,
}

/// When disposal batches run. The planner reports, for each due item, the latest date
/// the cadence allows (the law asks for disposal "できるだけ速やかに"; 番号GL 第4-3-(3)B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "every")]
pub enum DisposalCadence {
    /// Every day: disposed of on the destroy-from date.
    #[default]
    Daily,
    /// On the last day of each month.
    Monthly,
    /// Once a year, on the last day of `month` (12 = year-end batch).
    Yearly {
        /// The month of the batch (1–12).
        month: u32,
    },
}

impl DisposalCadence {
    /// The first batch date on or after `destroy_from`: the latest acceptable disposal date.
    pub fn latest_disposal(self, destroy_from: NaiveDate) -> Option<NaiveDate> {
        match self {
            Self::Daily => Some(destroy_from),
            Self::Monthly => last_day_of_month(destroy_from.year(), destroy_from.month()),
            Self::Yearly { month } => {
                let this_year = last_day_of_month(destroy_from.year(), month)?;
                if this_year >= destroy_from {
                    Some(this_year)
                } else {
                    last_day_of_month(destroy_from.year().checked_add(1)?, month)
                }
            }
        }
    }
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (ny, nm) = if month == 12 { (year.checked_add(1)?, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

/// An organisation's change to a kind's period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodOverride {
    /// The new period.
    pub period: RetentionPeriod,
    /// The recorded basis (law, contract, subsidy rule…) — required to go past a ceiling or
    /// to keep a My Number document longer than its period, and for `employment_subsidy`.
    #[serde(default)]
    pub basis: Option<String>,
}

/// An organisation's retention configuration (loaded by the CLI, validated here).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RetentionConfig {
    /// Period overrides per kind.
    pub periods: BTreeMap<DocumentKind, PeriodOverride>,
    /// 完結 readings per insurance kind (others keep the default).
    pub completion: BTreeMap<DocumentKind, CompletionReading>,
    /// Disposition review per kind (default: automatic).
    pub review: BTreeMap<DocumentKind, ReviewMode>,
    /// When disposal batches run.
    pub cadence: DisposalCadence,
}

/// A validated schedule: the statutory rules with the organisation's configuration applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    rules: Vec<RetentionRule>,
    cadence: DisposalCadence,
}

impl Default for Schedule {
    fn default() -> Self {
        Self::statutory()
    }
}

impl Schedule {
    /// The statutory schedule with no organisation configuration (`employment_subsidy`
    /// has no period, daily cadence, automatic disposal).
    pub fn statutory() -> Self {
        Self {
            rules: DocumentKind::ALL.into_iter().map(RetentionRule::statutory).collect(),
            cadence: DisposalCadence::Daily,
        }
    }

    /// Applies and validates an organisation's configuration.
    ///
    /// # Errors
    /// [`RetentionError::BelowStatutoryMinimum`], [`RetentionError::AboveCeiling`],
    /// [`RetentionError::ExtensionWithoutBasis`], [`RetentionError::EmptyBasis`],
    /// [`RetentionError::SubsidyPeriodWithoutBasis`],
    /// [`RetentionError::CompletionReadingNotApplicable`] or
    /// [`RetentionError::InvalidCadence`].
    pub fn configure(config: &RetentionConfig) -> Result<Self, RetentionError> {
        let mut schedule = Self::statutory();
        if let DisposalCadence::Yearly { month } = config.cadence
            && !(1..=12).contains(&month)
        {
            return Err(RetentionError::InvalidCadence { month });
        }
        schedule.cadence = config.cadence;
        for (&kind, reading) in &config.completion {
            if !kind.has_insurance_completion() {
                return Err(RetentionError::CompletionReadingNotApplicable { kind });
            }
            schedule.rule_mut(kind).start = match reading {
                CompletionReading::LaterOfProcedureAndSeparation => START_LATER_OF_SEPARATION,
                CompletionReading::ProcedureDate => START_PROCEDURE,
            };
        }
        for (&kind, &review) in &config.review {
            schedule.rule_mut(kind).review = review;
        }
        for (&kind, o) in &config.periods {
            let rule = schedule.rule_mut(kind);
            let basis = match &o.basis {
                Some(b) if b.trim().is_empty() => {
                    return Err(RetentionError::EmptyBasis { kind, rule: kind.rule() });
                }
                b => b.clone(),
            };
            match rule.period {
                None => {
                    if basis.is_none() {
                        return Err(RetentionError::SubsidyPeriodWithoutBasis { kind });
                    }
                }
                Some(default) => {
                    if o.period < default && rule.basis.is_minimum() {
                        return Err(RetentionError::BelowStatutoryMinimum {
                            kind,
                            minimum: default,
                            requested: o.period,
                            citation: rule.citation.to_string(),
                            rule: kind.rule(),
                        });
                    }
                    if o.period > default && basis.is_none() {
                        if rule.basis.is_ceiling() {
                            return Err(RetentionError::AboveCeiling {
                                kind,
                                ceiling: default,
                                requested: o.period,
                                citation: rule.citation.to_string(),
                                rule: kind.rule(),
                            });
                        }
                        if kind.carries_my_number() {
                            return Err(RetentionError::ExtensionWithoutBasis {
                                kind,
                                period: default,
                                requested: o.period,
                            });
                        }
                    }
                }
            }
            rule.period = Some(o.period);
            rule.override_basis = basis;
        }
        Ok(schedule)
    }

    fn rule_mut(&mut self, kind: DocumentKind) -> &mut RetentionRule {
        &mut self.rules[kind as usize]
    }

    /// The rule for `kind`.
    pub fn rule(&self, kind: DocumentKind) -> &RetentionRule {
        &self.rules[kind as usize]
    }

    /// Every rule, in schedule order.
    pub fn rules(&self) -> &[RetentionRule] {
        &self.rules
    }

    /// The disposal cadence.
    pub fn cadence(&self) -> DisposalCadence {
        self.cadence
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// M11 (番号GL 第4-3-(3)B, できるだけ速やかに): the cadence reports the first batch on or
    /// after the destroy-from date.
    #[test]
    fn cadence_reports_first_batch_on_or_after_destroy_from() {
        let from = d(2029, 4, 1);
        assert_eq!(DisposalCadence::Daily.latest_disposal(from), Some(from));
        assert_eq!(DisposalCadence::Monthly.latest_disposal(from), Some(d(2029, 4, 30)));
        assert_eq!(
            DisposalCadence::Yearly { month: 12 }.latest_disposal(from),
            Some(d(2029, 12, 31))
        );
        assert_eq!(
            DisposalCadence::Yearly { month: 3 }.latest_disposal(from),
            Some(d(2030, 3, 31))
        );
        assert_eq!(DisposalCadence::Monthly.latest_disposal(d(2028, 2, 10)), Some(d(2028, 2, 29)));
    }

    /// The schedule is indexed by kind: every rule sits at its kind's position.
    #[test]
    fn schedule_rows_match_their_kinds() {
        let s = Schedule::statutory();
        for kind in DocumentKind::ALL {
            assert_eq!(s.rule(kind).kind, kind);
            assert_eq!(DocumentKind::from_id(kind.id()), Some(kind));
        }
    }
}
