//! Sealed export files (P9, M12 doc 003 Art. 28②): data that leaves the office travels
//! only as a file sealed by an [`ExportSealer`]. The port lives here so the use cases stay
//! free of randomness; the `hogo-export` adapter implements it with the `age` format (a
//! passphrase or X25519 recipients). [`seal_export`] refuses a sealer whose output is not
//! an age file or still carries the plaintext, and returns what the ledger records about
//! the file — the method and the SHA-256 of the sealed bytes, never the content.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::Error;

/// The binary and the ASCII-armoured openings of an age file.
const AGE_BINARY: &[u8] = b"age-encryption.org/v1\n";
const AGE_ARMOR: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";

/// How a file was sealed: recorded in the ledger and the movement register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum SealMethod {
    /// age with a passphrase (scrypt); the passphrase travels by another channel.
    AgePassphrase,
    /// age to X25519 recipients, named by their public keys (not secret).
    AgeRecipients {
        /// The `age1…` public keys.
        recipients: Vec<String>,
    },
}

impl SealMethod {
    /// A short bilingual description for registers and receipts.
    pub fn describe(&self) -> String {
        match self {
            Self::AgePassphrase => "age（パスワード） / age passphrase".into(),
            Self::AgeRecipients { recipients } => {
                format!(
                    "age（公開鍵 {}件） / age to {} recipient key(s)",
                    recipients.len(),
                    recipients.len()
                )
            }
        }
    }
}

/// Why a sealer failed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SealError(pub String);

/// The port: seals bytes for travel. Implementations must use a vetted format (`age`).
pub trait ExportSealer {
    /// Encrypts `plaintext`.
    fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, SealError>;
    /// The method, for the record.
    fn method(&self) -> SealMethod;
}

/// A sealed file and what may be recorded about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedExport {
    /// The sealed bytes (an age file).
    pub bytes: Vec<u8>,
    /// How it was sealed.
    pub method: SealMethod,
    /// Hex SHA-256 of `bytes`, recorded in the ledger so the file can be recognised later.
    pub sha256: String,
}

impl SealedExport {
    /// The ledger note for this file (no content, no number).
    pub fn ledger_note(&self) -> String {
        format!("暗号化ファイル {} sha256:{}", self.method.describe(), self.sha256)
    }
}

/// Seals `plaintext` with `sealer` and checks the result is an age file that does not
/// contain the plaintext (P9). The plaintext buffer is zeroized on drop.
pub fn seal_export(
    sealer: &dyn ExportSealer,
    plaintext: Zeroizing<Vec<u8>>,
) -> Result<SealedExport, Error> {
    let bytes = sealer
        .seal(&plaintext)
        .map_err(|e| Error::Internal(format!("export sealing failed: {e}")))?;
    let is_age = bytes.starts_with(AGE_BINARY) || bytes.starts_with(AGE_ARMOR);
    let leaks = plaintext.len() >= 8 && bytes.windows(plaintext.len()).any(|w| w == &plaintext[..]);
    if !is_age || leaks {
        return Err(Error::Internal(
            "the export sealer did not produce an age file; nothing was written".into(),
        ));
    }
    let sha256 = hex(&Sha256::digest(&bytes));
    Ok(SealedExport { bytes, method: sealer.method(), sha256 })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Passthrough;
    impl ExportSealer for Passthrough {
        fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
            let mut v = AGE_BINARY.to_vec();
            v.extend_from_slice(plaintext);
            Ok(v)
        }
        fn method(&self) -> SealMethod {
            SealMethod::AgePassphrase
        }
    }

    struct NotAge;
    impl ExportSealer for NotAge {
        fn seal(&self, _: &[u8]) -> Result<Vec<u8>, SealError> {
            Ok(b"plain".to_vec())
        }
        fn method(&self) -> SealMethod {
            SealMethod::AgePassphrase
        }
    }

    /// P9: a sealer that copies the plaintext into its output is refused, even behind an
    /// age header.
    #[test]
    fn sealer_that_leaks_plaintext_is_refused() {
        let r = seal_export(&Passthrough, Zeroizing::new(b"name,address,secret".to_vec()));
        assert!(matches!(r, Err(Error::Internal(_))));
    }

    /// P9: output that is not an age file is refused.
    #[test]
    fn output_that_is_not_age_is_refused() {
        let r = seal_export(&NotAge, Zeroizing::new(b"anything at all".to_vec()));
        assert!(matches!(r, Err(Error::Internal(_))));
    }
}
