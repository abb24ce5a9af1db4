//! The 特定個人情報管理台帳 (M6, doc 003 Art. 10): the [`Register`] of [`NumberFile`]s with
//! ① kind and name ② responsible person and department ③ purpose (the affairs) ④ deletion
//! status ⑤ who has access ⑥ 管理区域 (`ControlledArea`) ⑦ 取扱区域 (`HandlingArea`).
//!
//! Built from configuration ([`NumberFile`]) and live state ([`NumberFileState`]) handed
//! in as plain data; rendered as a text table with Japanese headers and as JSON. It never
//! contains a My Number: every text was scanned on entry and both renderings are scanned
//! again as a whole.

use chrono::NaiveDate;
use hogo_domain::my_number::find_my_number_like;
use hogo_domain::{Affair, Role};
use serde::{Deserialize, Serialize};

use crate::error::LedgerError;
use crate::text::SafeText;

/// ① – ③, ⑥, ⑦ of one 特定個人情報ファイル, from configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberFile {
    /// A stable id joining configuration and live state (e.g. `"payroll"`).
    pub id: SafeText,
    /// ① The kind (e.g. `"源泉徴収票作成ファイル"`).
    pub kind: SafeText,
    /// ① The name (e.g. `"給与システム 従業員マスタ"`).
    pub name: SafeText,
    /// ② The responsible person (事務取扱責任者).
    pub responsible_person: SafeText,
    /// ② The responsible department.
    pub department: SafeText,
    /// ③ The purpose: the affairs the file serves (M1).
    pub affairs: Vec<Affair>,
    /// ⑥ The 管理区域 (ControlledArea) where the file is kept.
    pub controlled_area: SafeText,
    /// ⑦ The 取扱区域 (HandlingArea) where it is handled.
    pub handling_area: SafeText,
}

/// ④ Deletion status of a file, from live state (counts of holdings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DeletionStatus {
    /// Holdings kept.
    pub held: u64,
    /// Holdings past retention, due for disposal.
    pub due: u64,
    /// Holdings disposed of.
    pub disposed: u64,
    /// The date of the last disposal.
    pub last_disposed_on: Option<NaiveDate>,
}

/// ⑤ One person or group with access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessGrant {
    /// The staff member's name or the group (e.g. `"人事部 事務取扱担当者"`).
    pub who: SafeText,
    /// The role.
    pub role: Role,
}

/// ④ and ⑤ of one file, from live state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberFileState {
    /// The file's id.
    pub file_id: SafeText,
    /// ④ Deletion status.
    pub deletion: DeletionStatus,
    /// ⑤ Who has access.
    pub access: Vec<AccessGrant>,
}

/// One row of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRow {
    /// ①②③⑥⑦.
    pub file: NumberFile,
    /// ④⑤.
    pub state: NumberFileState,
}

/// The 特定個人情報管理台帳 of one organisation as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    /// The organisation's name.
    pub organisation: SafeText,
    /// The date the live state was taken.
    pub as_of: NaiveDate,
    /// The anchor: a checkpoint's size and base64 root printed on the register.
    pub anchor: Option<(u64, String)>,
    /// One row per file, in configuration order.
    pub rows: Vec<RegisterRow>,
}

fn reg(field: &'static str, reason: &'static str) -> LedgerError {
    LedgerError::Register { field, reason }
}

impl Register {
    /// Joins configuration and live state, one row per configured file.
    ///
    /// # Errors
    /// [`LedgerError::Register`] if a file has no live state, a state names an unknown
    /// file, or a file id repeats.
    pub fn build(
        organisation: SafeText,
        as_of: NaiveDate,
        files: &[NumberFile],
        states: &[NumberFileState],
    ) -> Result<Self, LedgerError> {
        let mut rows = Vec::with_capacity(files.len());
        for (i, f) in files.iter().enumerate() {
            if files[..i].iter().any(|g| g.id == f.id) {
                return Err(reg("id", "file id appears twice in the configuration"));
            }
            let state = states
                .iter()
                .find(|s| s.file_id == f.id)
                .ok_or_else(|| reg("file_id", "no live state for a configured file"))?;
            rows.push(RegisterRow { file: f.clone(), state: state.clone() });
        }
        if states.iter().any(|s| !files.iter().any(|f| f.id == s.file_id)) {
            return Err(reg("file_id", "live state for a file that is not configured"));
        }
        Ok(Self { organisation, as_of, anchor: None, rows })
    }

    /// Prints a checkpoint (size and root) on the register, as an anchor an auditor can
    /// compare with the ledger.
    pub fn with_anchor(mut self, checkpoint: &crate::checkpoint::Checkpoint) -> Self {
        use base64::Engine as _;
        let root = base64::engine::general_purpose::STANDARD.encode(checkpoint.root);
        self.anchor = Some((checkpoint.size, root));
        self
    }

    /// Renders the register as a text table with Japanese headers.
    ///
    /// # Errors
    /// [`LedgerError::MyNumberInText`] if the rendering looks like it holds a My Number.
    pub fn to_table(&self) -> Result<String, LedgerError> {
        let mut out = format!(
            "特定個人情報管理台帳  {}  {}時点\n",
            self.organisation,
            self.as_of.format("%Y年%m月%d日")
        );
        if let Some((size, root)) = &self.anchor {
            out.push_str(&format!("取扱記録チェックポイント: 件数 {size} / ルート {root}\n"));
        }
        out.push_str(
            "| No | ①種類 | ①名称 | ②責任者 | ②責任部署 | ③利用目的 | ④削除・廃棄状況 | ⑤取扱者 | ⑥管理区域 | ⑦取扱区域 |\n",
        );
        out.push_str("|---|---|---|---|---|---|---|---|---|---|\n");
        for (i, r) in self.rows.iter().enumerate() {
            let purposes: Vec<&str> = r.file.affairs.iter().map(|a| a.label_ja()).collect();
            let d = r.state.deletion;
            let mut deletion =
                format!("保管中 {}件 / 廃棄予定 {}件 / 廃棄済 {}件", d.held, d.due, d.disposed);
            if let Some(day) = d.last_disposed_on {
                deletion.push_str(&format!(" (最終廃棄 {})", day.format("%Y年%m月%d日")));
            }
            let access: Vec<String> = r
                .state
                .access
                .iter()
                .map(|a| format!("{}({})", a.who, a.role.label_ja()))
                .collect();
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                i + 1,
                r.file.kind,
                r.file.name,
                r.file.responsible_person,
                r.file.department,
                purposes.join("、"),
                deletion,
                access.join("、"),
                r.file.controlled_area,
                r.file.handling_area,
            ));
        }
        scan_output(out)
    }

    /// Renders the register as JSON.
    ///
    /// # Errors
    /// [`LedgerError::MyNumberInText`] if the rendering looks like it holds a My Number.
    pub fn to_json(&self) -> Result<String, LedgerError> {
        let s =
            serde_json::to_string_pretty(self).map_err(|_| reg("register", "cannot serialise"))?;
        scan_output(s)
    }
}

fn scan_output(s: String) -> Result<String, LedgerError> {
    if find_my_number_like(&s).is_some() {
        return Err(LedgerError::MyNumberInText { field: "register" });
    }
    Ok(s)
}
