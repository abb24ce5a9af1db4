//! The canonical, versioned, length-prefixed encoding of an [`Entry`].
//!
//! Format version 1: one byte `0x01`, then nineteen fields in a fixed order, each a
//! big-endian `u32` length, the field's number (one byte, `0x00`–`0x12`), and that many
//! bytes. The field number both checks the order and keeps a digit-valued length byte from
//! ever touching the digits of a text, so no encoding holds a My-Number-like run that no
//! single field holds. Absent optional fields have length
//! 0 (no text field may be empty, so this is unambiguous). Ids are the 16 uuid bytes;
//! enums are their stable string ids; time is `i64` seconds and `u32` nanoseconds since the
//! Unix epoch, big-endian. Decoding is strict: unknown ids, wrong lengths, trailing bytes
//! and text that looks like a My Number are refused, so `encode(decode(b)) == b` for every
//! accepted `b`. Fixtures of each version are kept under `tests/data/`.
//!
//! | # | field | # | field |
//! |---|---|---|---|
//! | 0 | sequence (u64) | 10 | scope kind (`affair`/`purpose`) |
//! | 1 | time | 11 | scope id |
//! | 2 | organisation | 12 | legal basis |
//! | 3 | actor staff | 13 | outcome (`success`/`refused`/`failed`) |
//! | 4 | actor role | 14 | rule id |
//! | 5 | action | 15 | refusal code |
//! | 6 | subject | 16 | note |
//! | 7 | object kind | 17 | detail digest |
//! | 8 | object value | 18 | previous entry's hash |
//! | 9 | document kind | | |

use chrono::DateTime;
use hogo_domain::{Affair, OrganisationId, Purpose, Role, RuleId, StaffId, SubjectId};
use uuid::Uuid;

use crate::entry::{Action, ActorRef, Entry, Hash, ObjectRef, Outcome, Scope};
use crate::error::LedgerError;
use crate::text::{DocumentKind, SafeText};

/// The current format version.
pub const FORMAT_VERSION: u8 = 1;

const FIELDS: usize = 19;

struct Writer {
    out: Vec<u8>,
    field: u8,
}

impl Writer {
    fn put(&mut self, bytes: &[u8]) {
        // Text is at most 2048 bytes and ids are fixed: a length always fits in u32.
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        self.out.extend_from_slice(&len.to_be_bytes());
        self.out.push(self.field);
        self.field += 1;
        self.out.extend_from_slice(bytes);
    }
}

fn put_opt(out: &mut Writer, bytes: Option<&[u8]>) {
    out.put(bytes.unwrap_or(&[]));
}

/// Encodes an entry in format version 1.
pub fn encode(e: &Entry) -> Vec<u8> {
    let mut out = Writer { out: Vec::with_capacity(256), field: 0 };
    out.out.push(FORMAT_VERSION);
    out.put(&e.sequence.to_be_bytes());
    let mut t = [0u8; 12];
    t[..8].copy_from_slice(&e.time.timestamp().to_be_bytes());
    t[8..].copy_from_slice(&e.time.timestamp_subsec_nanos().to_be_bytes());
    out.put(&t);
    out.put(e.organisation.as_bytes());
    put_opt(&mut out, e.actor.staff.as_ref().map(|s| &s.as_bytes()[..]));
    put_opt(&mut out, e.actor.role.map(|r| r.id().as_bytes()));
    out.put(e.action.id().as_bytes());
    put_opt(&mut out, e.subject.as_ref().map(|s| &s.as_bytes()[..]));
    let (kind, value): (&[u8], Vec<u8>) = match &e.object {
        None => (b"", Vec::new()),
        Some(ObjectRef::Record(id)) => (b"record", id.as_bytes().to_vec()),
        Some(ObjectRef::Request(id)) => (b"request", id.as_bytes().to_vec()),
        Some(ObjectRef::Consent(id)) => (b"consent", id.as_bytes().to_vec()),
        Some(ObjectRef::Hold(id)) => (b"hold", id.as_bytes().to_vec()),
        Some(ObjectRef::Holding(id)) => (b"holding", id.as_bytes().to_vec()),
        Some(ObjectRef::Staff(id)) => (b"staff", id.as_bytes().to_vec()),
        Some(ObjectRef::StaffRole(id, role)) => {
            let mut v = id.as_bytes().to_vec();
            v.extend_from_slice(role.id().as_bytes());
            (b"staff_role", v)
        }
        Some(ObjectRef::Incident(id)) => (b"incident", id.as_bytes().to_vec()),
        Some(ObjectRef::Key(label)) => (b"key", label.as_str().as_bytes().to_vec()),
    };
    out.put(kind);
    out.put(&value);
    put_opt(&mut out, e.document_kind.as_ref().map(|d| d.as_str().as_bytes()));
    let (sk, sid): (&[u8], &[u8]) = match e.scope {
        None => (b"", b""),
        Some(Scope::Affair(a)) => (b"affair", a.id().as_bytes()),
        Some(Scope::Purpose(p)) => (b"purpose", p.id().as_bytes()),
    };
    out.put(sk);
    out.put(sid);
    put_opt(&mut out, e.legal_basis.as_ref().map(|t| t.as_str().as_bytes()));
    match &e.outcome {
        Outcome::Success => {
            out.put(b"success");
            out.put(b"");
            out.put(b"");
        }
        Outcome::Refused { rule, code } => {
            out.put(b"refused");
            out.put(rule.as_str().as_bytes());
            out.put(code.as_str().as_bytes());
        }
        Outcome::Failed => {
            out.put(b"failed");
            out.put(b"");
            out.put(b"");
        }
    }
    put_opt(&mut out, e.note.as_ref().map(|t| t.as_str().as_bytes()));
    put_opt(&mut out, e.detail_digest.as_ref().map(|d| &d[..]));
    out.put(&e.prev_hash);
    out.out
}

fn err(reason: &'static str) -> LedgerError {
    LedgerError::Decode { field: "entry", reason }
}

fn uuid16(b: &[u8], reason: &'static str) -> Result<Uuid, LedgerError> {
    <[u8; 16]>::try_from(b).map(Uuid::from_bytes).map_err(|_| err(reason))
}

fn utf8<'a>(b: &'a [u8], reason: &'static str) -> Result<&'a str, LedgerError> {
    std::str::from_utf8(b).map_err(|_| err(reason))
}

fn opt_text(field: &'static str, b: &[u8]) -> Result<Option<SafeText>, LedgerError> {
    if b.is_empty() {
        return Ok(None);
    }
    let s = utf8(b, "text is not UTF-8")?;
    SafeText::new(field, s).map(Some)
}

/// Decodes canonical bytes of any supported format version (today: 1).
///
/// # Errors
/// [`LedgerError::Decode`] for malformed bytes, [`LedgerError::MyNumberInText`] if a text
/// field looks like a My Number.
pub fn decode(bytes: &[u8]) -> Result<Entry, LedgerError> {
    let (&version, mut rest) = bytes.split_first().ok_or_else(|| err("empty"))?;
    if version != FORMAT_VERSION {
        return Err(err("unknown format version"));
    }
    let mut f: [&[u8]; FIELDS] = [&[]; FIELDS];
    for (number, slot) in f.iter_mut().enumerate() {
        if rest.len() < 5 {
            return Err(err("truncated length prefix"));
        }
        let (len, tail) = rest.split_at(5);
        if usize::from(len[4]) != number {
            return Err(err("field out of order"));
        }
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        if tail.len() < len {
            return Err(err("truncated field"));
        }
        let (value, tail) = tail.split_at(len);
        *slot = value;
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(err("trailing bytes"));
    }
    let sequence = u64::from_be_bytes(f[0].try_into().map_err(|_| err("sequence is not 8 bytes"))?);
    let t: [u8; 12] = f[1].try_into().map_err(|_| err("time is not 12 bytes"))?;
    let secs = i64::from_be_bytes([t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]]);
    let nanos = u32::from_be_bytes([t[8], t[9], t[10], t[11]]);
    if nanos >= 1_000_000_000 {
        return Err(err("time nanoseconds out of range"));
    }
    let time = DateTime::from_timestamp(secs, nanos).ok_or_else(|| err("time out of range"))?;
    let organisation = OrganisationId::from_uuid(uuid16(f[2], "organisation is not 16 bytes")?);
    let staff = if f[3].is_empty() {
        None
    } else {
        Some(StaffId::from_uuid(uuid16(f[3], "staff is not 16 bytes")?))
    };
    let role = if f[4].is_empty() {
        None
    } else {
        Some(Role::from_id(utf8(f[4], "role")?).ok_or_else(|| err("unknown role"))?)
    };
    let action = Action::from_id(utf8(f[5], "action")?).ok_or_else(|| err("unknown action"))?;
    let subject = if f[6].is_empty() {
        None
    } else {
        Some(SubjectId::from_uuid(uuid16(f[6], "subject is not 16 bytes")?))
    };
    let object = match f[7] {
        b"" if f[8].is_empty() => None,
        b"" => return Err(err("object value without kind")),
        b"record" => Some(ObjectRef::Record(uuid16(f[8], "object id")?.into())),
        b"request" => Some(ObjectRef::Request(uuid16(f[8], "object id")?.into())),
        b"consent" => Some(ObjectRef::Consent(uuid16(f[8], "object id")?.into())),
        b"hold" => Some(ObjectRef::Hold(uuid16(f[8], "object id")?.into())),
        b"holding" => Some(ObjectRef::Holding(uuid16(f[8], "object id")?.into())),
        b"staff" => Some(ObjectRef::Staff(uuid16(f[8], "object id")?.into())),
        b"incident" => Some(ObjectRef::Incident(uuid16(f[8], "object id")?.into())),
        b"staff_role" => {
            if f[8].len() < 16 {
                return Err(err("object id"));
            }
            let (id, role) = f[8].split_at(16);
            let role = Role::from_id(utf8(role, "role")?).ok_or_else(|| err("unknown role"))?;
            Some(ObjectRef::StaffRole(uuid16(id, "object id")?.into(), role))
        }
        b"key" => {
            Some(ObjectRef::Key(opt_text("object", f[8])?.ok_or_else(|| err("empty key label"))?))
        }
        _ => return Err(err("unknown object kind")),
    };
    let document_kind =
        if f[9].is_empty() { None } else { Some(DocumentKind::new(utf8(f[9], "document kind")?)?) };
    let scope = match f[10] {
        b"" if f[11].is_empty() => None,
        b"affair" => Some(Scope::Affair(
            Affair::from_id(utf8(f[11], "affair")?).ok_or_else(|| err("unknown affair"))?,
        )),
        b"purpose" => Some(Scope::Purpose(
            Purpose::from_id(utf8(f[11], "purpose")?).ok_or_else(|| err("unknown purpose"))?,
        )),
        _ => return Err(err("unknown scope")),
    };
    let legal_basis = opt_text("legal_basis", f[12])?;
    let outcome =
        match f[13] {
            b"success" | b"failed" if f[14].is_empty() && f[15].is_empty() => {
                if f[13] == b"success" { Outcome::Success } else { Outcome::Failed }
            }
            b"refused" => {
                let r = utf8(f[14], "rule")?;
                let rule = RuleId::ALL
                    .into_iter()
                    .find(|x| x.as_str() == r)
                    .ok_or_else(|| err("unknown rule"))?;
                let code = opt_text("code", f[15])?.ok_or_else(|| err("empty refusal code"))?;
                Outcome::Refused { rule, code }
            }
            _ => return Err(err("unknown outcome")),
        };
    let note = opt_text("note", f[16])?;
    let detail_digest = if f[17].is_empty() {
        None
    } else {
        Some(<Hash>::try_from(f[17]).map_err(|_| err("detail digest is not 32 bytes"))?)
    };
    let prev_hash = <Hash>::try_from(f[18]).map_err(|_| err("previous hash is not 32 bytes"))?;
    Ok(Entry {
        sequence,
        time,
        organisation,
        actor: ActorRef { staff, role },
        action,
        subject,
        object,
        document_kind,
        scope,
        legal_basis,
        outcome,
        note,
        detail_digest,
        prev_hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample() -> Entry {
        Entry {
            sequence: 7,
            time: chrono::Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap(),
            organisation: OrganisationId::from_uuid(Uuid::from_u128(1)),
            actor: ActorRef {
                staff: Some(StaffId::from_uuid(Uuid::from_u128(2))),
                role: Some(Role::NumberClerk),
            },
            action: Action::Provision,
            subject: Some(SubjectId::from_uuid(Uuid::from_u128(3))),
            object: Some(ObjectRef::StaffRole(
                StaffId::from_uuid(Uuid::from_u128(4)),
                Role::Auditor,
            )),
            document_kind: Some(DocumentKind::new("withholding_slip").unwrap()),
            scope: Some(Scope::Affair(Affair::WithholdingSlip)),
            legal_basis: Some(SafeText::new("legal_basis", "番号法19条2号").unwrap()),
            outcome: Outcome::Refused {
                rule: RuleId::M10,
                code: SafeText::new("code", "provision_not_allowed").unwrap(),
            },
            note: Some(SafeText::new("note", "税務署へ").unwrap()),
            detail_digest: Some([9; 32]),
            prev_hash: [8; 32],
        }
    }

    /// M5: decoding the canonical bytes gives the entry back, and re-encoding the bytes.
    #[test]
    fn encoding_round_trips() {
        let e = sample();
        let b = encode(&e);
        assert_eq!(decode(&b).unwrap(), e);
        assert_eq!(encode(&decode(&b).unwrap()), b);
    }

    /// M5: trailing bytes, an unknown version and a truncated field are refused.
    #[test]
    fn non_canonical_bytes_are_refused() {
        let b = encode(&sample());
        let mut t = b.clone();
        t.push(0);
        assert!(decode(&t).is_err());
        let mut v = b.clone();
        v[0] = 2;
        assert!(decode(&v).is_err());
        assert!(decode(&b[..b.len() - 1]).is_err());
    }
}
