//! Physical measures (M12, M11; doc 003 Art. 26–29, doc 000 §11): the 管理区域 and
//! 取扱区域, and the disposal of paper and media — shredding, dissolving, incineration,
//! physical destruction or wiping, by the organisation or by a contractor with its
//! certificate — recorded like electronic deletion (M5 ④, ⑤), without any number.

use chrono::NaiveDate;
use hogo_domain::policy::{Context, Operation, decide};
use hogo_domain::{RuleId, SubjectId};
use hogo_governance::FreeText;
use hogo_governance::ids::ContractorId;
use hogo_ledger::Action;
use serde::{Deserialize, Serialize};

use super::{CONTRACTORS, MEDIA_DISPOSALS, governance, may_read, not_future, text};
use crate::Error;
use crate::app::{Hogo, Session, entry, log};
use crate::docs::ORGANISATIONS;
use crate::error::invalid;
use crate::organisation::Areas;
use crate::setup::settings;
use crate::store::Store;

/// What was destroyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    /// 書類 (paper).
    Paper,
    /// 電子媒体 (USB memory, CD, tape…).
    ElectronicMedia,
    /// 機器 (PC, disk).
    Device,
}

/// How (doc 003 Art. 29①②: 復元不可能な手段).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DestructionMethod {
    /// シュレッダー裁断.
    Shredding,
    /// 溶解.
    Dissolving,
    /// 焼却.
    Incineration,
    /// 物理的破壊.
    PhysicalDestruction,
    /// 専用ソフトによる完全消去 (media and devices only).
    Wiping,
}

impl DestructionMethod {
    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Shredding => "シュレッダー裁断",
            Self::Dissolving => "溶解",
            Self::Incineration => "焼却",
            Self::PhysicalDestruction => "物理的破壊",
            Self::Wiping => "専用ソフトによる完全消去",
        }
    }
}

/// Who destroyed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum DisposedBy {
    /// The organisation itself (the recording staff member).
    Organisation,
    /// A contractor, with its certificate (廃棄証明書).
    Contractor {
        /// The contractor.
        contractor: ContractorId,
        /// The certificate's description (number, date; free text, no My Number).
        certificate: String,
    },
}

/// A paper or media disposal to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMediaDisposal {
    /// The day.
    pub on: NaiveDate,
    /// Paper, media or device.
    pub medium: Medium,
    /// What (e.g. 「2018年分 扶養控除等申告書 80枚」; free text, no number).
    pub description: String,
    /// How.
    pub method: DestructionMethod,
    /// By whom.
    pub by: DisposedBy,
    /// The subjects concerned, when known.
    pub subjects: Vec<SubjectId>,
}

/// A stored paper or media disposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaDisposal {
    /// The day.
    pub on: NaiveDate,
    /// Paper, media or device.
    pub medium: Medium,
    /// What.
    pub description: FreeText,
    /// How.
    pub method: DestructionMethod,
    /// The contractor, if one destroyed it.
    pub contractor: Option<ContractorId>,
    /// The contractor's certificate.
    pub certificate: Option<FreeText>,
    /// The subjects concerned.
    pub subjects: Vec<SubjectId>,
    /// Who recorded (and, for the organisation, did) it.
    pub recorded_by: hogo_domain::StaffId,
}

impl<S: Store> Hogo<S> {
    /// Records a paper or media disposal (M11, P11): a 削除・廃棄 entry (M5 ④), and for a
    /// contractor also the receipt of its certificate (M5 ⑤).
    pub fn record_media_disposal(
        &self,
        session: &Session,
        input: &NewMediaDisposal,
    ) -> Result<(), Error> {
        let description = text("description / 廃棄したもの", &input.description, RuleId::M11)?;
        if input.medium == Medium::Paper && input.method == DestructionMethod::Wiping {
            return Err(invalid(
                "method",
                RuleId::M11,
                "書類は裁断・溶解・焼却等で廃棄してください",
                "paper is shredded, dissolved or incinerated, not wiped",
            ));
        }
        let (contractor, certificate) = match &input.by {
            DisposedBy::Organisation => (None, None),
            DisposedBy::Contractor { contractor, certificate } => (
                Some(*contractor),
                Some(text("certificate / 廃棄証明書", certificate, RuleId::M11)?),
            ),
        };
        self.with_session(session, Action::Disposal, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            let ctx = Context::new(actor, st.affairs);
            let auth = decide(&ctx, &Operation::DisposeNumbers)
                .or_else(|_| decide(&ctx, &Operation::ConfirmPlacementDisposal))?;
            not_future("on", input.on, ports.today(), RuleId::M11)?;
            if let Some(c) = contractor
                && CONTRACTORS
                    .get::<serde_json::Value>(&*tx.docs, tx.organisation, &c.to_string())?
                    .is_none()
            {
                return Err(Error::NotFound { what: format!("contractor {c}") });
            }
            let d = MediaDisposal {
                on: input.on,
                medium: input.medium,
                description: description.clone(),
                method: input.method,
                contractor,
                certificate: certificate.clone(),
                subjects: input.subjects.clone(),
                recorded_by: actor.staff,
            };
            MEDIA_DISPOSALS.put(
                tx.docs,
                tx.organisation,
                &format!("{}:{}", input.on, ports.ids.new_uuid()),
                &d,
            )?;
            let note = format!("{}（{}）: {}", input.on, input.method.label_ja(), description);
            let mut entries = vec![
                entry(ports, actor, Action::Disposal)
                    .with_legal_basis(&auth.legal_basis)?
                    .with_note(&format!("書類・媒体の廃棄 {note}"))?,
            ];
            if let (Some(c), Some(cert)) = (contractor, &certificate) {
                entries.push(
                    entry(ports, actor, Action::OutsourcedDisposalProof)
                        .with_note(&format!("委託先 {c} の廃棄証明書: {cert}"))?,
                );
            }
            if let [one] = input.subjects.as_slice() {
                entries[0] = entries[0].clone().with_subject(*one);
            }
            log(tx, ports, entries)
        })
    }

    /// Every paper and media disposal.
    pub fn media_disposals(&self, session: &Session) -> Result<Vec<MediaDisposal>, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| {
            may_read(actor, tx)?;
            MEDIA_DISPOSALS.list(&*tx.docs, tx.organisation)
        })
    }

    /// Configures the 管理区域 and 取扱区域 (M12, doc 003 Art. 26); both must be named.
    pub fn configure_areas(&self, session: &Session, areas: &Areas) -> Result<(), Error> {
        for (field, list) in
            [("areas.controlled", &areas.controlled), ("areas.handling", &areas.handling)]
        {
            if list.iter().all(|a| a.trim().is_empty()) {
                return Err(invalid(
                    field,
                    RuleId::M12,
                    "区域を1つ以上入力してください",
                    "name at least one area",
                ));
            }
            for a in list {
                text(field, a, RuleId::M12)?;
            }
        }
        self.with_session(session, Action::AreasConfigured, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            let mut st = settings(tx)?;
            st.areas = Areas {
                controlled: areas
                    .controlled
                    .iter()
                    .map(|a| a.trim().to_owned())
                    .filter(|a| !a.is_empty())
                    .collect(),
                handling: areas
                    .handling
                    .iter()
                    .map(|a| a.trim().to_owned())
                    .filter(|a| !a.is_empty())
                    .collect(),
            };
            ORGANISATIONS.put(tx.docs, tx.organisation, "settings", &st)?;
            let e = entry(ports, actor, Action::AreasConfigured)
                .with_legal_basis("規程26条")?
                .with_note(&format!(
                    "管理区域: {} / 取扱区域: {}",
                    st.areas.controlled.join("、"),
                    st.areas.handling.join("、")
                ))?;
            log(tx, ports, vec![e])
        })
    }
}
