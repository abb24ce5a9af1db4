//! Data subjects (本人): employees, dependants, non-employee payees and job seekers.
//!
//! A subject is keyed by its [`SubjectId`], never by its My Number (a number can be
//! reissued: 番号法7条2項).

use serde::{Deserialize, Serialize};

use crate::affair::Affair;
use crate::ids::SubjectId;

/// What a non-employee payee is paid (doc 003 Art. 3 2.).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayeeKind {
    /// 報酬・料金等.
    Remuneration,
    /// 配当、剰余金の分配及び基金利息.
    Dividend,
    /// 不動産の使用料等.
    RealEstateRent,
    /// 不動産等の譲受けの対価.
    RealEstateTransfer,
}

impl PayeeKind {
    /// The affair under which this payee's number is handled.
    pub fn affair(self) -> Affair {
        match self {
            Self::Remuneration => Affair::RemunerationPaymentRecord,
            Self::Dividend => Affair::DividendPaymentRecord,
            Self::RealEstateRent => Affair::RealEstateRentPaymentRecord,
            Self::RealEstateTransfer => Affair::RealEstateTransferPaymentRecord,
        }
    }
}

/// The kind of a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SubjectKind {
    /// 従業員 (incl. officers and part-timers, doc 003 Art. 2 item 13).
    Employee,
    /// 扶養親族, linked to the employee who declares them.
    Dependent {
        /// The employee on whose 扶養控除等申告書 the dependant appears.
        of: SubjectId,
        /// A spouse filed as 国民年金第3号被保険者 (the employer verifies them).
        category3_spouse: bool,
    },
    /// A non-employee payee (支払先).
    Payee(PayeeKind),
    /// 求職者 (job seeker, doc 000).
    JobSeeker,
}

impl SubjectKind {
    /// The stable id of the kind.
    pub fn id(&self) -> &'static str {
        match self {
            Self::Employee => "employee",
            Self::Dependent { .. } => "dependent",
            Self::Payee(_) => "payee",
            Self::JobSeeker => "job_seeker",
        }
    }

    /// The Japanese label.
    pub fn label_ja(&self) -> &'static str {
        match self {
            Self::Employee => "従業員",
            Self::Dependent { .. } => "扶養親族",
            Self::Payee(_) => "支払先",
            Self::JobSeeker => "求職者",
        }
    }

    /// Whether an affair can concern a subject of this kind at all (M1).
    ///
    /// Employees: the four employee affairs. Dependants: 源泉徴収 (扶養控除等申告書),
    /// the insurance filings (被扶養者届), and 国民年金第3号 for a category-3 spouse.
    /// Payees: the payment record of their kind. Job seekers: none — a placement agency
    /// has no 個人番号関係事務 for them.
    pub fn affair_applies(&self, affair: Affair) -> bool {
        match self {
            Self::Employee => affair.is_employee_affair(),
            Self::Dependent { category3_spouse, .. } => {
                matches!(affair, Affair::WithholdingSlip | Affair::HealthPensionInsurance)
                    || (*category3_spouse && affair == Affair::NationalPensionCategory3)
            }
            Self::Payee(kind) => kind.affair() == affair,
            Self::JobSeeker => false,
        }
    }
}

/// A subject as the domain sees it: never its name or number, which live in the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// The subject's id.
    pub id: SubjectId,
    /// What kind of subject.
    pub kind: SubjectKind,
    /// Another subject that is the same person (an employee who is also a payee): the
    /// one case where two subjects may hold the same number.
    pub same_person_as: Option<SubjectId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// M1: job seekers never have a My Number affair; payees only their own.
    #[test]
    fn affairs_match_subject_kinds() {
        assert!(Affair::ALL.iter().all(|&a| !SubjectKind::JobSeeker.affair_applies(a)));
        let payee = SubjectKind::Payee(PayeeKind::Dividend);
        assert_eq!(Affair::ALL.iter().filter(|&&a| payee.affair_applies(a)).count(), 1);
        let of = SubjectId::from_uuid(uuid::Uuid::nil());
        assert!(
            !SubjectKind::Dependent { of, category3_spouse: false }
                .affair_applies(Affair::NationalPensionCategory3)
        );
        assert!(
            SubjectKind::Dependent { of, category3_spouse: true }
                .affair_applies(Affair::NationalPensionCategory3)
        );
    }
}
