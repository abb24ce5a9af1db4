//! The sealed export (持出し, M12 doc 003 Art. 28; P9): data that leaves the office travels
//! as a CSV sealed by an [`ExportSealer`] (the `age` format: a passphrase or recipient
//! keys). One transaction decides the carry-out (Art. 28's cases only; to a contractor
//! only when it is ready, M14), outputs the rows (each subject an 出力 entry, M5 ②;
//! numbers only within the affair, M8), seals the file, records the [`Movement`] with its
//! protections, seal method and SHA-256, and the 持出し entry (M5 ③). The ledger holds
//! the file's SHA-256, never its content or a number.

use hogo_domain::policy::{CarryOutReason, Context, Operation, decide};
use hogo_domain::{Affair, RuleId, SubjectId};
use hogo_governance::ids::ContractorId;
use hogo_ledger::{Action, DocumentKind, ObjectRef, Scope};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::contractors_ops::ensure_ready;
use crate::Error;
use crate::app::{Hogo, Session, entry, log};
use crate::docs::{MOVEMENTS, SUBJECTS, USE_APPROVALS};
use crate::error::invalid;
use crate::export::{ExportSealer, SealMethod, SealedExport, seal_export};
use crate::movements::{Movement, MovementKind, Protection};
use crate::numbers::{UseApproval, number_record, open_profile};
use crate::setup::settings;
use crate::store::Store;
use crate::subjects::SubjectRecord;

/// A column of the export file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportColumn {
    /// 管理番号 (the organisation's reference).
    Reference,
    /// 氏名.
    Name,
    /// フリガナ.
    Furigana,
    /// 生年月日.
    BirthDate,
    /// 住所.
    Address,
    /// 個人番号 (needs `number_affair`, M8).
    MyNumber,
}

impl ExportColumn {
    /// The id used by the CLI.
    pub fn id(self) -> &'static str {
        match self {
            Self::Reference => "reference",
            Self::Name => "name",
            Self::Furigana => "furigana",
            Self::BirthDate => "birth_date",
            Self::Address => "address",
            Self::MyNumber => "my_number",
        }
    }

    /// From its id.
    pub fn from_id(id: &str) -> Option<Self> {
        [
            Self::Reference,
            Self::Name,
            Self::Furigana,
            Self::BirthDate,
            Self::Address,
            Self::MyNumber,
        ]
        .into_iter()
        .find(|c| c.id() == id)
    }

    fn header(self) -> &'static str {
        match self {
            Self::Reference => "管理番号",
            Self::Name => "氏名",
            Self::Furigana => "フリガナ",
            Self::BirthDate => "生年月日",
            Self::Address => "住所",
            Self::MyNumber => "個人番号",
        }
    }
}

/// What to export, where and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRequest {
    /// The subjects (one row each).
    pub subjects: Vec<SubjectId>,
    /// Why the data leaves (Art. 28).
    pub reason: CarryOutReason,
    /// The contractor, required for [`CarryOutReason::ToContractor`].
    pub contractor: Option<ContractorId>,
    /// The destination (an authority, the person…; a contractor's name is taken from
    /// its record).
    pub destination: String,
    /// The columns of a carry-out export; empty for a job-seeker provision file, whose
    /// items are in its 第三者提供記録.
    pub columns: Vec<ExportColumn>,
    /// The affair the numbers are output for (required with [`ExportColumn::MyNumber`]).
    pub number_affair: Option<Affair>,
    /// Further protections used (e.g. traceable delivery of the medium); encryption is
    /// always recorded.
    pub protections: Vec<Protection>,
}

/// What the movement register keeps about the sealed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportInfo {
    /// How it was sealed.
    pub method: SealMethod,
    /// Hex SHA-256 of the sealed bytes.
    pub sha256: String,
    /// The columns of a carry-out export; empty for a job-seeker provision file, whose
    /// items are in its 第三者提供記録.
    pub columns: Vec<ExportColumn>,
    /// Number of rows.
    pub rows: usize,
}

/// A sealed export and the id of its movement record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedFile {
    /// The movement id (name it when recording an incident about a lost file).
    pub movement: String,
    /// The sealed file.
    pub sealed: SealedExport,
}

fn csv_field(out: &mut String, v: &str) {
    if v.contains([',', '"', '\n', '\r']) {
        // Escaped in place: no temporary copy of the field is left unzeroized.
        out.push('"');
        for ch in v.chars() {
            if ch == '"' {
                out.push('"');
            }
            out.push(ch);
        }
        out.push('"');
    } else {
        out.push_str(v);
    }
}

fn validate(req: &ExportRequest) -> Result<(), Error> {
    if req.subjects.is_empty() {
        return Err(invalid(
            "subjects",
            RuleId::M12,
            "対象者を指定してください",
            "name the subjects",
        ));
    }
    if req.columns.is_empty() {
        return Err(invalid("columns", RuleId::M12, "項目を指定してください", "name the columns"));
    }
    let with_number = req.columns.contains(&ExportColumn::MyNumber);
    if with_number && req.number_affair.is_none() {
        return Err(invalid(
            "number_affair",
            RuleId::M8,
            "個人番号を含める場合は事務を指定してください",
            "name the affair the numbers are output for",
        ));
    }
    let to_contractor = matches!(req.reason, CarryOutReason::ToContractor { .. });
    if to_contractor != req.contractor.is_some() {
        return Err(invalid(
            "contractor",
            RuleId::M14,
            "委託先への持出しでは委託先を指定してください（それ以外では指定しません）",
            "name the contractor exactly when carrying out to a contractor",
        ));
    }
    if !to_contractor && req.destination.trim().is_empty() {
        return Err(invalid(
            "destination",
            RuleId::M12,
            "持出し先を入力してください",
            "name the destination",
        ));
    }
    if let (
        Some(n),
        CarryOutReason::ToContractor { affair } | CarryOutReason::ToAuthority { affair },
    ) = (req.number_affair, &req.reason)
        && with_number
        && n != *affair
    {
        return Err(invalid(
            "number_affair",
            RuleId::M8,
            "個人番号は持出しの事務と同じ事務のためにのみ出力できます",
            "numbers may be output only for the affair of the carrying out",
        ));
    }
    Ok(())
}

impl<S: Store> Hogo<S> {
    /// Exports subjects' data as a sealed CSV for carrying out (M12, P9, M14): see the
    /// module documentation. Returns the sealed bytes to write; nothing else leaves.
    pub fn export_sealed(
        &self,
        session: &Session,
        req: &ExportRequest,
        sealer: &dyn ExportSealer,
    ) -> Result<ExportedFile, Error> {
        validate(req)?;
        self.with_session(session, Action::CarryOut, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            let a = decide(
                &Context::new(actor, st.affairs),
                &Operation::CarryOut { reason: req.reason.clone() },
            )?;
            let destination = match (&req.reason, req.contractor) {
                (CarryOutReason::ToContractor { affair }, Some(id)) => {
                    ensure_ready(tx, id, *affair)?.name.to_string()
                }
                _ => req.destination.trim().to_owned(),
            };
            let with_number = req.columns.contains(&ExportColumn::MyNumber);
            if with_number && st.use_approval_required {
                let affair = req.number_affair.unwrap_or(Affair::WithholdingSlip);
                let ok = USE_APPROVALS
                    .get::<UseApproval>(&*tx.docs, tx.organisation, affair.id())?
                    .is_some_and(|u| u.valid_until >= ports.today());
                if !ok {
                    return Err(Error::Refused(hogo_domain::Refusal {
                        rule: RuleId::M3,
                        code: hogo_domain::RefusalCode::RoleNotAllowed,
                        message_ja: "個人番号の出力には事務取扱責任者の利用申請承認が必要です（規程6条2項）".into(),
                        message_en: "outputting numbers needs the number manager's approval of a use application first (Art. 6②)".into(),
                    }));
                }
            }
            let mut csv = Zeroizing::new(String::new());
            for (i, c) in req.columns.iter().enumerate() {
                if i > 0 {
                    csv.push(',');
                }
                csv.push_str(c.header());
            }
            csv.push_str("\r\n");
            let mut outputs = Vec::new();
            let mut records = Vec::new();
            for &s in &req.subjects {
                let rec: SubjectRecord = SUBJECTS
                    .get(&*tx.docs, tx.organisation, &s.to_string())?
                    .ok_or_else(|| Error::NotFound { what: format!("subject {s}") })?;
                let mut e = entry(ports, actor, Action::Output)
                    .with_subject(s)
                    .with_note("持出しファイルへの出力")?;
                if let (true, Some(affair)) = (with_number, req.number_affair) {
                    let auth = decide(
                        &Context::new(actor, st.affairs).subject(&rec.subject.kind),
                        &Operation::UseNumber { affair: Some(affair), emergency: None },
                    )?;
                    let nr = number_record(tx, s)?
                        .ok_or_else(|| Error::NotFound { what: format!("number of subject {s}") })?;
                    if !nr.affairs.contains(&affair) {
                        return Err(Error::Refused(hogo_domain::Refusal {
                            rule: RuleId::M8,
                            code: hogo_domain::RefusalCode::NoAffair,
                            message_ja: format!("この番号は「{}」のために取得されていません", affair.label_ja()),
                            message_en: format!("this number was not collected for {}", affair.id()),
                        }));
                    }
                    records.push(nr.record);
                    e = e
                        .with_object(ObjectRef::Record(nr.record))
                        .with_document_kind(DocumentKind::new("my_number")?)
                        .with_scope(Scope::Affair(affair))
                        .with_legal_basis(&auth.legal_basis)?;
                }
                outputs.push((s, rec, e));
            }
            let numbers = if records.is_empty() {
                Vec::new()
            } else {
                ports.vault()?.open_numbers_batch(&*tx.vault, &*tx.keks, &records)?
            };
            let mut numbers = numbers.into_iter();
            let mut entries = Vec::new();
            // Each row is written into a buffer sized for it up front, and the file into one
            // sized for all rows, so no buffer that held a number or a profile field is ever
            // reallocated (a reallocation would leave an unzeroized copy behind).
            let mut rows: Vec<Zeroizing<String>> = Vec::with_capacity(outputs.len());
            for (s, rec, e) in outputs {
                let profile = open_profile(ports, tx, s)?;
                let number = if with_number { numbers.next() } else { None };
                let birth = Zeroizing::new(profile.birth_date.map(|d| d.to_string()).unwrap_or_default());
                let value = |c: &ExportColumn| -> &str {
                    match c {
                        ExportColumn::Reference => &rec.reference,
                        ExportColumn::Name => &profile.name,
                        ExportColumn::Furigana => &profile.furigana,
                        ExportColumn::BirthDate => &birth,
                        ExportColumn::Address => &profile.address,
                        ExportColumn::MyNumber => number.as_ref().map_or("", |n| n.expose()),
                    }
                };
                // A quoted field is at most twice its length plus two quotes and a comma.
                let cap = req.columns.iter().map(|c| 2 * value(c).len() + 3).sum::<usize>() + 2;
                let mut row = Zeroizing::new(String::with_capacity(cap));
                for (i, c) in req.columns.iter().enumerate() {
                    if i > 0 {
                        row.push(',');
                    }
                    match c {
                        ExportColumn::MyNumber => row.push_str(value(c)),
                        _ => csv_field(&mut row, value(c)),
                    }
                }
                row.push_str("\r\n");
                rows.push(row);
                entries.push(e);
            }
            let mut plain =
                Zeroizing::new(Vec::with_capacity(csv.len() + rows.iter().map(|r| r.len()).sum::<usize>()));
            plain.extend_from_slice(csv.as_bytes());
            for r in &rows {
                plain.extend_from_slice(r.as_bytes());
            }
            let sealed = seal_export(sealer, plain)?;
            let mut protections = vec![Protection::Encrypted];
            if sealed.method == SealMethod::AgePassphrase {
                protections.push(Protection::PasswordProtected);
            }
            for p in &req.protections {
                if !protections.contains(p) {
                    protections.push(*p);
                }
            }
            let movement = Movement {
                kind: MovementKind::CarryOut { reason: req.reason.clone() },
                subjects: req.subjects.clone(),
                destination: destination.clone(),
                legal_basis: a.legal_basis.clone(),
                protections,
                at: ports.now(),
                export: Some(ExportInfo {
                    method: sealed.method.clone(),
                    sha256: sealed.sha256.clone(),
                    columns: req.columns.clone(),
                    rows: req.subjects.len(),
                }),
            };
            let id = ports.ids.new_uuid().to_string();
            MOVEMENTS.put(tx.docs, tx.organisation, &id, &movement)?;
            let mut carry = entry(ports, actor, Action::CarryOut)
                .with_legal_basis(&a.legal_basis)?
                .with_note(&format!(
                    "持出し先: {destination}（{}名分） {}",
                    req.subjects.len(),
                    sealed.ledger_note()
                ))?;
            if let [one] = req.subjects.as_slice() {
                carry = carry.with_subject(*one);
            }
            entries.push(carry);
            log(tx, ports, entries)?;
            Ok(ExportedFile { movement: id, sealed })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    /// P9: a field with a comma, quote or line break is quoted with quotes doubled
    /// (RFC 4180), so a name cannot shift the columns of the sealed file; a plain field
    /// stays as it is.
    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        let mut out = String::new();
        csv_field(&mut out, "山田 太郎");
        out.push(',');
        csv_field(&mut out, "東京都, \"港区\"");
        out.push(',');
        csv_field(&mut out, "1行目\r\n2行目");
        assert_eq!(out, "山田 太郎,\"東京都, \"\"港区\"\"\",\"1行目\r\n2行目\"");
    }
}
