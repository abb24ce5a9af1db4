//! The disposal planner: holdings + events + holds + affair needs + a date → a
//! [`DisposalPlan`] saying what is due (with the rule and dates that make it due), what is
//! held and why, what is open, what falls due next, each holding's disposal month (the
//! vault's key bucket) and, per subject, when the My Number falls due (番号GL 第4-3-(3)B).
//!
//! Planning is a pure function of its inputs: the same inputs give the same plan, in the
//! order of the input holdings (numbers sorted by organisation and subject). It is linear in
//! the number of holdings and events (times the number of active holds).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{Datelike, NaiveDate};
use hogo_domain::{Affair, HoldId, HoldingId, OrganisationId, RuleId, SubjectId};
use serde::{Deserialize, Serialize};

use crate::config::{DisposalCadence, ReviewMode, Schedule};
use crate::error::RetentionError;
use crate::hold::LegalHold;
use crate::holding::{AffairNeed, Event, EventScope, Holding};
use crate::schedule::{DocumentKind, EventDates, EventKind};

/// Everything the planner looks at.
#[derive(Debug, Clone, Copy)]
pub struct PlanInput<'a> {
    /// The holdings to plan.
    pub holdings: &'a [Holding],
    /// Every recorded event (late ones included).
    pub events: &'a [Event],
    /// Legal holds, active or released.
    pub holds: &'a [LegalHold],
    /// Affairs that need subjects' numbers.
    pub needs: &'a [AffairNeed],
    /// The day the plan is for (JST).
    pub today: NaiveDate,
}

/// The month in which something may first be disposed of: the vault's key bucket.
/// `Open` while the end is not known (missing event, continuing affair, active hold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DisposalMonth {
    /// A calendar month.
    Month {
        /// The year.
        year: i32,
        /// The month (1–12).
        month: u32,
    },
    /// Not known yet.
    Open,
}

impl DisposalMonth {
    /// The month containing `date`.
    pub fn of(date: NaiveDate) -> Self {
        Self::Month { year: date.year(), month: date.month() }
    }
}

impl std::fmt::Display for DisposalMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Self::Open => f.write_str("open"),
        }
    }
}

impl std::str::FromStr for DisposalMonth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "open" {
            return Ok(Self::Open);
        }
        let bad = || {
            format!(
                "disposal month: {s:?} は YYYY-MM でも open でもありません / not YYYY-MM or open"
            )
        };
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        let year = y.parse().map_err(|_| bad())?;
        let month = m.parse().map_err(|_| bad())?;
        if m.len() != 2 || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Self::Month { year, month })
    }
}

impl Serialize for DisposalMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DisposalMonth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Where one holding stands on the plan date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum HoldingStatus {
    /// The period has ended and nothing holds it: dispose of it.
    Due {
        /// The latest date the disposal cadence allows.
        latest_disposal: NaiveDate,
        /// `true` when that date has passed (the batch was missed).
        overdue: bool,
        /// Automatic, or after the manager approves the batch.
        review: ReviewMode,
    },
    /// Still within its period.
    Retained,
    /// A start event is missing, so the end is not known.
    Open {
        /// The events of which one is still awaited.
        waiting_for: &'static [EventKind],
    },
    /// Covered by an active legal hold: kept whatever its period says.
    Held {
        /// The active holds covering it.
        holds: Vec<HoldId>,
        /// Whether its period has already ended.
        period_ended: bool,
        /// Whether a hold with a legal basis also keeps its My Number; when `false` and
        /// the holding carries one, the number is still removed on time (番号法20条).
        number_kept: bool,
    },
    /// The kind has no period (`employment_subsidy`): set one before it can be planned.
    NotPlannable {
        /// Why (serialised as its bilingual message).
        #[serde(serialize_with = "as_message")]
        error: RetentionError,
    },
}

/// The plan for one holding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HoldingPlan {
    /// The holding.
    pub holding: HoldingId,
    /// Its organisation.
    pub organisation: OrganisationId,
    /// Its subject.
    pub subject: SubjectId,
    /// Its kind (its rule: [`Schedule::rule`]).
    pub kind: DocumentKind,
    /// The rule id its disposal serves.
    pub rule: RuleId,
    /// The date the period starts from (the deciding event), if known.
    pub start_event: Option<NaiveDate>,
    /// The first day it may be disposed of, if known.
    pub destroy_from: Option<NaiveDate>,
    /// The vault's key bucket: the month of `destroy_from`, or open.
    pub disposal_month: DisposalMonth,
    /// The status.
    pub status: HoldingStatus,
}

impl HoldingPlan {
    /// Whether it is due for disposal.
    pub fn is_due(&self) -> bool {
        matches!(self.status, HoldingStatus::Due { .. })
    }
    /// Whether a legal hold keeps it.
    pub fn is_held(&self) -> bool {
        matches!(self.status, HoldingStatus::Held { .. })
    }
}

/// Where a subject's My Number stands (番号GL 第4-3-(3)B; M9, M11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum NumberStatus {
    /// No affair needs it and every period of every document carrying it has ended:
    /// delete it (and mask it in records kept for other reasons).
    Due {
        /// The latest date the disposal cadence allows.
        latest_disposal: NaiveDate,
        /// `true` when that date has passed.
        overdue: bool,
        /// Automatic, or after manager approval (approval if any carrying kind needs it).
        review: ReviewMode,
    },
    /// An affair still needs it (continuing employment, lease…).
    Needed {
        /// The affairs.
        affairs: Vec<Affair>,
    },
    /// A document carrying it is still within its period.
    Retained,
    /// The end of a carrying document's period is not known yet.
    Open,
    /// A hold with a legal basis keeps it.
    Held {
        /// The holds.
        holds: Vec<HoldId>,
    },
    /// A carrying document has no period set (`employment_subsidy`).
    NotPlannable,
}

/// The plan for one subject's My Number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumberPlan {
    /// The organisation.
    pub organisation: OrganisationId,
    /// The subject.
    pub subject: SubjectId,
    /// The first day the number may be deleted, if known.
    pub due_from: Option<NaiveDate>,
    /// The vault's key bucket for the number's data key.
    pub disposal_month: DisposalMonth,
    /// The status.
    pub status: NumberStatus,
}

impl NumberPlan {
    /// Whether the number is due for deletion.
    pub fn is_due(&self) -> bool {
        matches!(self.status, NumberStatus::Due { .. })
    }
}

/// What falls due next after the plan date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextDue {
    /// The date.
    pub date: NaiveDate,
    /// Holdings that fall due that day.
    pub holdings: Vec<HoldingId>,
    /// Subjects whose number falls due that day.
    pub numbers: Vec<SubjectId>,
}

/// 廃棄予定: the planner's output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisposalPlan {
    /// The plan date.
    pub today: NaiveDate,
    /// The cadence the latest disposal dates follow.
    pub cadence: DisposalCadence,
    /// One entry per input holding, in input order.
    pub holdings: Vec<HoldingPlan>,
    /// One entry per subject with a My Number (carried by a holding or needed by an
    /// affair), sorted by organisation and subject.
    pub numbers: Vec<NumberPlan>,
    /// What falls due next (after today), if anything has a known date.
    pub next_due: Option<NextDue>,
}

impl DisposalPlan {
    /// Holdings due for disposal.
    pub fn due(&self) -> impl Iterator<Item = &HoldingPlan> {
        self.holdings.iter().filter(|h| h.is_due())
    }
    /// Holdings due and disposed of automatically.
    pub fn automatic(&self) -> impl Iterator<Item = &HoldingPlan> {
        self.holdings.iter().filter(|h| {
            matches!(h.status, HoldingStatus::Due { review: ReviewMode::Automatic, .. })
        })
    }
    /// Holdings due that wait for the manager's approval of the batch (doc 000 §11).
    pub fn awaiting_approval(&self) -> impl Iterator<Item = &HoldingPlan> {
        self.holdings.iter().filter(|h| {
            matches!(h.status, HoldingStatus::Due { review: ReviewMode::ManagerApproval, .. })
        })
    }
    /// Holdings kept by a legal hold.
    pub fn held(&self) -> impl Iterator<Item = &HoldingPlan> {
        self.holdings.iter().filter(|h| h.is_held())
    }
    /// Holdings that cannot be planned until the organisation sets a period.
    pub fn not_plannable(&self) -> impl Iterator<Item = &HoldingPlan> {
        self.holdings.iter().filter(|h| matches!(h.status, HoldingStatus::NotPlannable { .. }))
    }
    /// Numbers due for deletion.
    pub fn numbers_due(&self) -> impl Iterator<Item = &NumberPlan> {
        self.numbers.iter().filter(|n| n.is_due())
    }
}

/// A fast multiplicative hasher (FxHash-style) for the planner's id maps. The keys are
/// uuids made by the system's `IdGen`, not attacker-chosen text, so HashDoS resistance is not
/// needed; SipHash made 1 M-holding plans about a third slower.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        // splitmix64's finaliser: every input bit reaches the low and the high bits, which
        // the table uses for the bucket and the control byte.
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
}

type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

fn as_message<S: serde::Serializer>(e: &RetentionError, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(e)
}

#[derive(Default)]
struct NumberAcc {
    latest: Option<NaiveDate>,
    unknown: bool,
    not_plannable: bool,
    approval: bool,
    holds: Vec<HoldId>,
    needed: Vec<Affair>,
    need_until: Option<NaiveDate>,
    need_open: bool,
}

/// Plans disposal with `schedule` on `input.today`.
///
/// Never fails: holdings that cannot be planned are reported as
/// [`HoldingStatus::NotPlannable`] with the reason.
pub fn plan(schedule: &Schedule, input: &PlanInput<'_>) -> DisposalPlan {
    let today = input.today;
    let cadence = schedule.cadence();

    // Latest date of each event kind per holding and per subject.
    let mut by_holding: IdMap<HoldingId, EventDates> =
        IdMap::with_capacity_and_hasher(input.events.len(), BuildHasherDefault::default());
    let mut by_subject: IdMap<SubjectId, EventDates> = IdMap::default();
    for e in input.events {
        match e.scope {
            EventScope::Holding(h) => by_holding.entry(h).or_default().record(e.kind, e.date),
            EventScope::Subject(s) => by_subject.entry(s).or_default().record(e.kind, e.date),
        }
    }
    let active: Vec<&LegalHold> = input.holds.iter().filter(|h| h.is_active_on(today)).collect();

    // Pass 1: destroy-from of every holding.
    let mut destroy: Vec<Option<NaiveDate>> = Vec::with_capacity(input.holdings.len());
    let mut starts: Vec<Option<NaiveDate>> = Vec::with_capacity(input.holdings.len());
    for h in input.holdings {
        let rule = schedule.rule(h.kind);
        let mut dates = by_holding.get(&h.id).copied().unwrap_or_default();
        if let Some(s) = by_subject.get(&h.subject) {
            dates.merge(s);
        }
        dates.record(EventKind::Created, h.created);
        let start = rule.start.start(&dates);
        starts.push(start);
        destroy.push(start.and_then(|s| rule.counting.destroy_from(s, rule.period?)));
    }
    // An identity-document copy is never kept longer than the document it supported.
    let index: IdMap<HoldingId, usize> = input
        .holdings
        .iter()
        .enumerate()
        .filter(|(_, h)| h.kind == DocumentKind::IdentityDocumentCopy && h.supports.is_some())
        .filter_map(|(i, h)| h.supports.map(|s| (s, i)))
        .collect();
    if !index.is_empty() {
        for (j, h) in input.holdings.iter().enumerate() {
            if let Some(&i) = index.get(&h.id)
                && let (Some(own), Some(supported)) = (destroy[i], destroy[j])
            {
                destroy[i] = Some(own.min(supported));
            }
        }
    }

    // Pass 2: status of every holding, and the My Number accumulators.
    let mut numbers: IdMap<(OrganisationId, SubjectId), NumberAcc> = IdMap::default();
    let mut holdings = Vec::with_capacity(input.holdings.len());
    for (i, h) in input.holdings.iter().enumerate() {
        let rule = schedule.rule(h.kind);
        let destroy_from = destroy[i];
        let covering: Vec<HoldId> = active.iter().filter(|x| x.covers(h)).map(|x| x.id()).collect();
        let status = if !covering.is_empty() {
            let number_kept =
                h.carries_my_number && active.iter().any(|x| x.keeps_my_numbers() && x.covers(h));
            HoldingStatus::Held {
                holds: covering,
                period_ended: destroy_from.is_some_and(|d| d <= today),
                number_kept,
            }
        } else if rule.period.is_none() {
            HoldingStatus::NotPlannable { error: RetentionError::NoPeriodSet { kind: h.kind } }
        } else {
            match destroy_from {
                None => {
                    let mut dates = by_holding.get(&h.id).copied().unwrap_or_default();
                    if let Some(s) = by_subject.get(&h.subject) {
                        dates.merge(s);
                    }
                    let waiting_for = rule
                        .start
                        .all_of
                        .iter()
                        .find(|g| g.iter().all(|k| dates.get(*k).is_none()))
                        .copied()
                        .unwrap_or(&[]);
                    HoldingStatus::Open { waiting_for }
                }
                Some(d) if d <= today => {
                    let latest_disposal = cadence.latest_disposal(d).unwrap_or(d);
                    HoldingStatus::Due {
                        latest_disposal,
                        overdue: latest_disposal < today,
                        review: rule.review,
                    }
                }
                Some(_) => HoldingStatus::Retained,
            }
        };
        let disposal_month = match (&status, destroy_from) {
            (HoldingStatus::Held { .. } | HoldingStatus::NotPlannable { .. }, _) | (_, None) => {
                DisposalMonth::Open
            }
            (_, Some(d)) => DisposalMonth::of(d),
        };
        if h.carries_my_number {
            let acc = numbers.entry((h.organisation, h.subject)).or_default();
            match &status {
                HoldingStatus::NotPlannable { .. } => acc.not_plannable = true,
                HoldingStatus::Held { holds, number_kept: true, .. } => {
                    for x in holds {
                        if active.iter().any(|a| a.id() == *x && a.keeps_my_numbers())
                            && !acc.holds.contains(x)
                        {
                            acc.holds.push(*x);
                        }
                    }
                }
                _ => {}
            }
            match destroy_from {
                Some(d) => acc.latest = acc.latest.max(Some(d)),
                None => acc.unknown = true,
            }
            acc.approval |= rule.review == ReviewMode::ManagerApproval;
        }
        holdings.push(HoldingPlan {
            holding: h.id,
            organisation: h.organisation,
            subject: h.subject,
            kind: h.kind,
            rule: h.kind.rule(),
            start_event: starts[i],
            destroy_from,
            disposal_month,
            status,
        });
    }
    for n in input.needs {
        let acc = numbers.entry((n.organisation, n.subject)).or_default();
        match n.until {
            None => acc.need_open = true,
            Some(u) => acc.need_until = acc.need_until.max(Some(u)),
        }
        if n.needs_on(today) && !acc.needed.contains(&n.affair) {
            acc.needed.push(n.affair);
        }
    }

    let mut number_plans: Vec<NumberPlan> = numbers
        .into_iter()
        .map(|((organisation, subject), mut acc)| {
            let need_end = acc.need_until.and_then(|u| u.succ_opt());
            let due_from = if acc.unknown || acc.need_open || acc.not_plannable {
                None
            } else {
                acc.latest.max(need_end)
            };
            acc.needed.sort_unstable();
            let status = if !acc.holds.is_empty() {
                NumberStatus::Held { holds: acc.holds }
            } else if !acc.needed.is_empty() {
                NumberStatus::Needed { affairs: acc.needed }
            } else if acc.not_plannable {
                NumberStatus::NotPlannable
            } else {
                match due_from {
                    None => NumberStatus::Open,
                    Some(d) if d <= today => {
                        let latest_disposal = cadence.latest_disposal(d).unwrap_or(d);
                        NumberStatus::Due {
                            latest_disposal,
                            overdue: latest_disposal < today,
                            review: if acc.approval {
                                ReviewMode::ManagerApproval
                            } else {
                                ReviewMode::Automatic
                            },
                        }
                    }
                    Some(_) => NumberStatus::Retained,
                }
            };
            let disposal_month = match (&status, due_from) {
                (NumberStatus::Held { .. }, _) | (_, None) => DisposalMonth::Open,
                (_, Some(d)) => DisposalMonth::of(d),
            };
            NumberPlan { organisation, subject, due_from, disposal_month, status }
        })
        .collect();
    number_plans.sort_unstable_by_key(|n| (n.organisation, n.subject));

    let next_date = holdings
        .iter()
        .filter(|p| p.status == HoldingStatus::Retained)
        .filter_map(|p| p.destroy_from)
        .chain(
            number_plans
                .iter()
                .filter(|n| n.status == NumberStatus::Retained)
                .filter_map(|n| n.due_from),
        )
        .min();
    let next_due = next_date.map(|date| NextDue {
        date,
        holdings: holdings
            .iter()
            .filter(|p| p.status == HoldingStatus::Retained && p.destroy_from == Some(date))
            .map(|p| p.holding)
            .collect(),
        numbers: number_plans
            .iter()
            .filter(|n| n.status == NumberStatus::Retained && n.due_from == Some(date))
            .map(|n| n.subject)
            .collect(),
    });

    DisposalPlan { today, cadence, holdings, numbers: number_plans, next_due }
}
