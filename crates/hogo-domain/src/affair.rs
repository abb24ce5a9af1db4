//! The nine 個人番号関係事務 of doc 003 Art. 3 (M1) and the eight 利用目的 of doc 000 §1 (P1).

use serde::{Deserialize, Serialize};

/// A 個人番号関係事務 (doc 003 Art. 3, M1). A My Number is used only within one of these.
///
/// Art. 3's note: 1① and 1② include 適用, 給付 and 助成金 procedures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Affair {
    /// 1① 雇用保険届出事務 (incl. 適用・給付・助成金).
    EmploymentInsurance,
    /// 1② 健康保険・厚生年金保険届出事務 (incl. 適用・給付・助成金).
    HealthPensionInsurance,
    /// 1③ 労働者災害補償保険法に基づく請求に関する事務.
    WorkersCompensation,
    /// 1④ 給与所得・退職所得の源泉徴収票作成事務 (incl. 扶養控除等申告書).
    WithholdingSlip,
    /// 2① 報酬・料金等の支払調書作成事務.
    RemunerationPaymentRecord,
    /// 2② 配当、剰余金の分配及び基金利息の支払調書作成事務.
    DividendPaymentRecord,
    /// 2③ 国民年金第3号被保険者届出事務.
    NationalPensionCategory3,
    /// 2④ 不動産の使用料等の支払調書作成事務.
    RealEstateRentPaymentRecord,
    /// 2⑤ 不動産等の譲受けの対価の支払調書作成事務.
    RealEstateTransferPaymentRecord,
}

impl Affair {
    /// All nine, in the order of Art. 3.
    pub const ALL: [Self; 9] = [
        Self::EmploymentInsurance,
        Self::HealthPensionInsurance,
        Self::WorkersCompensation,
        Self::WithholdingSlip,
        Self::RemunerationPaymentRecord,
        Self::DividendPaymentRecord,
        Self::NationalPensionCategory3,
        Self::RealEstateRentPaymentRecord,
        Self::RealEstateTransferPaymentRecord,
    ];

    /// The stable id used by the CLI and configuration.
    pub fn id(self) -> &'static str {
        match self {
            Self::EmploymentInsurance => "employment_insurance",
            Self::HealthPensionInsurance => "health_pension_insurance",
            Self::WorkersCompensation => "workers_compensation",
            Self::WithholdingSlip => "withholding_slip",
            Self::RemunerationPaymentRecord => "remuneration_payment_record",
            Self::DividendPaymentRecord => "dividend_payment_record",
            Self::NationalPensionCategory3 => "national_pension_category3",
            Self::RealEstateRentPaymentRecord => "real_estate_rent_payment_record",
            Self::RealEstateTransferPaymentRecord => "real_estate_transfer_payment_record",
        }
    }

    /// Parses a stable id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id)
    }

    /// The Japanese label of Art. 3.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::EmploymentInsurance => "雇用保険届出事務",
            Self::HealthPensionInsurance => "健康保険・厚生年金保険届出事務",
            Self::WorkersCompensation => "労働者災害補償保険法に基づく請求に関する事務",
            Self::WithholdingSlip => "給与所得・退職所得の源泉徴収票作成事務",
            Self::RemunerationPaymentRecord => "報酬・料金等の支払調書作成事務",
            Self::DividendPaymentRecord => "配当、剰余金の分配及び基金利息の支払調書作成事務",
            Self::NationalPensionCategory3 => "国民年金第3号被保険者届出事務",
            Self::RealEstateRentPaymentRecord => "不動産の使用料等の支払調書作成事務",
            Self::RealEstateTransferPaymentRecord => "不動産等の譲受けの対価の支払調書作成事務",
        }
    }

    /// The English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::EmploymentInsurance => "employment insurance filings",
            Self::HealthPensionInsurance => "health insurance and employees' pension filings",
            Self::WorkersCompensation => "workers' compensation claims",
            Self::WithholdingSlip => "withholding slips for salary and retirement income",
            Self::RemunerationPaymentRecord => "payment records for remuneration and fees",
            Self::DividendPaymentRecord => "payment records for dividends and distributions",
            Self::NationalPensionCategory3 => "national pension category 3 filings",
            Self::RealEstateRentPaymentRecord => "payment records for real-estate rent",
            Self::RealEstateTransferPaymentRecord => "payment records for real-estate purchases",
        }
    }

    /// Where the affair is listed in doc 003.
    pub fn article(self) -> &'static str {
        match self {
            Self::EmploymentInsurance => "doc 003 Art. 3 1①",
            Self::HealthPensionInsurance => "doc 003 Art. 3 1②",
            Self::WorkersCompensation => "doc 003 Art. 3 1③",
            Self::WithholdingSlip => "doc 003 Art. 3 1④",
            Self::RemunerationPaymentRecord => "doc 003 Art. 3 2①",
            Self::DividendPaymentRecord => "doc 003 Art. 3 2②",
            Self::NationalPensionCategory3 => "doc 003 Art. 3 2③",
            Self::RealEstateRentPaymentRecord => "doc 003 Art. 3 2④",
            Self::RealEstateTransferPaymentRecord => "doc 003 Art. 3 2⑤",
        }
    }

    /// Whether the affair concerns employees (Art. 3 1.) — and their dependants — rather
    /// than other individuals (Art. 3 2.).
    pub fn is_employee_affair(self) -> bool {
        matches!(
            self,
            Self::EmploymentInsurance
                | Self::HealthPensionInsurance
                | Self::WorkersCompensation
                | Self::WithholdingSlip
        )
    }

    /// Whether Art. 3's note applies: the affair includes 適用, 給付 and 助成金 procedures.
    pub fn includes_benefits_and_subsidies(self) -> bool {
        matches!(self, Self::EmploymentInsurance | Self::HealthPensionInsurance)
    }
}

impl std::fmt::Display for Affair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label_ja())
    }
}

/// A set of affairs (an organisation's affairs in use, a contractor's contracted affairs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct AffairSet(u16);

impl AffairSet {
    /// No affair.
    pub const EMPTY: Self = Self(0);

    /// Every affair of Art. 3.
    pub fn all() -> Self {
        Affair::ALL.into_iter().collect()
    }

    fn bit(a: Affair) -> u16 {
        1 << Affair::ALL.iter().position(|&x| x == a).unwrap_or(0)
    }

    /// Adds an affair.
    #[must_use]
    pub fn with(self, a: Affair) -> Self {
        Self(self.0 | Self::bit(a))
    }

    /// Whether the set contains `a`.
    pub fn contains(self, a: Affair) -> bool {
        self.0 & Self::bit(a) != 0
    }

    /// The affairs in Art. 3 order.
    pub fn iter(self) -> impl Iterator<Item = Affair> {
        Affair::ALL.into_iter().filter(move |&a| self.contains(a))
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl FromIterator<Affair> for AffairSet {
    fn from_iter<T: IntoIterator<Item = Affair>>(iter: T) -> Self {
        iter.into_iter().fold(Self::EMPTY, Self::with)
    }
}

/// A 利用目的 of doc 000 §1 (P1): personal data of job seekers is used only for these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// ⑴ 職業紹介に向けての当社職員との面接・相談のため.
    Interview,
    /// ⑵ 求職者の希望に適合する求人の探索・選定のため.
    JobSearchForSeeker,
    /// ⑶ 求人条件に適合する求職者の探索・選定のため.
    SeekerSearchForJob,
    /// ⑷ 事前の同意を前提に、求人企業に応募情報として提供するため.
    ProvisionToEmployer,
    /// ⑸ 求人情報等のメールマガジンを配信するため (its own consent, withdrawable).
    MailMagazine,
    /// ⑹ 求職者に開示の許諾を得た業務提携先職業紹介所に提供するため.
    ProvisionToPartnerAgency,
    /// ⑺ 就職後のアフターフォローを実施するため.
    AfterCare,
    /// ⑻ 職業紹介サービスの改善向上に向けた分析のため.
    ServiceAnalysis,
}

impl Purpose {
    /// All eight, in the order of doc 000 §1.
    pub const ALL: [Self; 8] = [
        Self::Interview,
        Self::JobSearchForSeeker,
        Self::SeekerSearchForJob,
        Self::ProvisionToEmployer,
        Self::MailMagazine,
        Self::ProvisionToPartnerAgency,
        Self::AfterCare,
        Self::ServiceAnalysis,
    ];

    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            Self::Interview => "interview",
            Self::JobSearchForSeeker => "job_search_for_seeker",
            Self::SeekerSearchForJob => "seeker_search_for_job",
            Self::ProvisionToEmployer => "provision_to_employer",
            Self::MailMagazine => "mail_magazine",
            Self::ProvisionToPartnerAgency => "provision_to_partner_agency",
            Self::AfterCare => "after_care",
            Self::ServiceAnalysis => "service_analysis",
        }
    }

    /// Parses a stable id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.id() == id)
    }

    /// The Japanese label of doc 000 §1.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Interview => "職業紹介に向けての職員との面接・相談のため",
            Self::JobSearchForSeeker => "求職者の希望に適合する求人の探索・選定のため",
            Self::SeekerSearchForJob => "求人条件に適合する求職者の探索・選定のため",
            Self::ProvisionToEmployer => "事前の同意を前提に、求人企業に応募情報として提供するため",
            Self::MailMagazine => "求人情報等のメールマガジンを配信するため",
            Self::ProvisionToPartnerAgency => {
                "求職者に開示の許諾を得た業務提携先職業紹介所に提供するため"
            }
            Self::AfterCare => "就職後のアフターフォローを実施するため",
            Self::ServiceAnalysis => "職業紹介サービスの改善向上に向けた分析のため",
        }
    }

    /// The English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::Interview => "interviews and consultation towards placement",
            Self::JobSearchForSeeker => "finding vacancies that match the job seeker's wishes",
            Self::SeekerSearchForJob => "finding job seekers that match a vacancy",
            Self::ProvisionToEmployer => {
                "providing application data to a recruiting employer, with prior consent"
            }
            Self::MailMagazine => "sending the job-information mail magazine",
            Self::ProvisionToPartnerAgency => {
                "providing data to a partner agency the job seeker permitted"
            }
            Self::AfterCare => "after-care following placement",
            Self::ServiceAnalysis => "analysis to improve the placement service",
        }
    }

    /// Whether the purpose needs its own consent of the person before any use
    /// (⑷ and ⑹ provide data to others; ⑸ is a separate, withdrawable opt-in).
    pub fn needs_consent(self) -> bool {
        matches!(
            self,
            Self::ProvisionToEmployer | Self::MailMagazine | Self::ProvisionToPartnerAgency
        )
    }
}

impl std::fmt::Display for Purpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label_ja())
    }
}
