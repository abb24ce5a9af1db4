//! # hogo-export
//!
//! The [`hogo::export::ExportSealer`] adapter of hogo: files that leave the
//! office (持出し, doc 003 Art. 28②; provision files of doc 000, P9) are sealed with the
//! [`age`](https://age-encryption.org/v1) format — never a home-made cipher — either with
//! a passphrase (scrypt) that travels by another channel, or to the recipient's X25519
//! public key. Output is ASCII-armoured so it survives mail and portals.
//!
//! ```
//! use hogo::export::{seal_export, SealMethod};
//! use hogo_export::{open_with_passphrase, AgeSealer};
//! use secrecy::SecretString;
//! use zeroize::Zeroizing;
//!
//! let pass = SecretString::from("correct horse battery staple");
//! // Tests lower the scrypt work factor; production keeps age's default (about 1 s).
//! let sealer = AgeSealer::with_passphrase(pass.clone()).unwrap().with_work_factor(10);
//! let sealed = seal_export(&sealer, Zeroizing::new("E-001,源泉徴収票".as_bytes().to_vec())).unwrap();
//! assert_eq!(sealed.method, SealMethod::AgePassphrase);
//! let opened = open_with_passphrase(&sealed.bytes, &pass).unwrap();
//! assert_eq!(&opened[..], "E-001,源泉徴収票".as_bytes());
//! ```

use std::io::{Read, Write};
use std::iter;
use std::str::FromStr;

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::{Decryptor, Encryptor, Identity, Recipient};
use hogo::export::{ExportSealer, SealError, SealMethod};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// The shortest passphrase accepted for an export file.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// Errors of sealing and opening, with bilingual messages naming the rule.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The passphrase is too short.
    #[error(
        "P9/M12: パスワードは{min}文字以上にしてください / the passphrase needs at least {min} characters"
    )]
    WeakPassphrase {
        /// The minimum length.
        min: usize,
    },
    /// A recipient key is not an `age1…` X25519 public key.
    #[error(
        "P9/M12: 受取人の公開鍵（{position}番目）が不正です / recipient key {position} is not an age1… public key"
    )]
    BadRecipient {
        /// 1-based position in the list.
        position: usize,
    },
    /// No recipient was given.
    #[error("P9/M12: 受取人の公開鍵がありません / no recipient key was given")]
    NoRecipients,
    /// An identity (secret key) is malformed.
    #[error("秘密鍵の形式が不正です / the identity is not an AGE-SECRET-KEY-1…")]
    BadIdentity,
    /// The file could not be opened (wrong key or passphrase, or a damaged file).
    #[error(
        "ファイルを復号できません（鍵・パスワード違いまたは破損）/ cannot open the file (wrong key or passphrase, or damaged): {0}"
    )]
    Open(String),
    /// Writing the sealed stream failed.
    #[error("暗号化に失敗しました / sealing failed: {0}")]
    Seal(String),
}

enum Key {
    Passphrase { passphrase: SecretString, log_n: Option<u8> },
    Recipients(Vec<(String, age::x25519::Recipient)>),
}

/// Seals export files with age.
pub struct AgeSealer {
    key: Key,
}

impl std::fmt::Debug for AgeSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgeSealer").field("method", &self.method()).finish()
    }
}

impl AgeSealer {
    /// A sealer for a passphrase of at least [`MIN_PASSPHRASE_CHARS`] characters.
    pub fn with_passphrase(passphrase: SecretString) -> Result<Self, ExportError> {
        if passphrase.expose_secret().trim().chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(ExportError::WeakPassphrase { min: MIN_PASSPHRASE_CHARS });
        }
        Ok(Self { key: Key::Passphrase { passphrase, log_n: None } })
    }

    /// Sets the scrypt work factor (`N = 2^log_n`, 1–30) instead of age's default, which
    /// targets about one second. Only tests and benchmarks lower it.
    #[must_use]
    pub fn with_work_factor(mut self, log_n: u8) -> Self {
        if let Key::Passphrase { log_n: l, .. } = &mut self.key {
            *l = Some(log_n.clamp(1, 30));
        }
        self
    }

    /// A sealer to one or more `age1…` public keys.
    pub fn to_recipients<S: AsRef<str>>(keys: &[S]) -> Result<Self, ExportError> {
        if keys.is_empty() {
            return Err(ExportError::NoRecipients);
        }
        let parsed = keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let k = k.as_ref().trim();
                age::x25519::Recipient::from_str(k)
                    .map(|r| (k.to_owned(), r))
                    .map_err(|_| ExportError::BadRecipient { position: i + 1 })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { key: Key::Recipients(parsed) })
    }

    fn encryptor(&self) -> Result<Encryptor, ExportError> {
        match &self.key {
            Key::Passphrase { passphrase, log_n } => {
                let mut r = age::scrypt::Recipient::new(passphrase.clone());
                if let Some(n) = log_n {
                    r.set_work_factor(*n);
                }
                Encryptor::with_recipients(iter::once(&r as &dyn Recipient))
                    .map_err(|e| ExportError::Seal(e.to_string()))
            }
            Key::Recipients(rs) => {
                Encryptor::with_recipients(rs.iter().map(|(_, r)| r as &dyn Recipient))
                    .map_err(|e| ExportError::Seal(e.to_string()))
            }
        }
    }

    /// Seals `plaintext` into an ASCII-armoured age file.
    pub fn seal_bytes(&self, plaintext: &[u8]) -> Result<Vec<u8>, ExportError> {
        let seal_err = |e: std::io::Error| ExportError::Seal(e.to_string());
        let mut out = Vec::with_capacity(plaintext.len() * 4 / 3 + 512);
        let armor = ArmoredWriter::wrap_output(&mut out, Format::AsciiArmor).map_err(seal_err)?;
        let mut w = self.encryptor()?.wrap_output(armor).map_err(seal_err)?;
        w.write_all(plaintext).map_err(seal_err)?;
        w.finish().and_then(ArmoredWriter::finish).map_err(seal_err)?;
        Ok(out)
    }
}

impl ExportSealer for AgeSealer {
    fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        self.seal_bytes(plaintext).map_err(|e| SealError(e.to_string()))
    }

    fn method(&self) -> SealMethod {
        match &self.key {
            Key::Passphrase { .. } => SealMethod::AgePassphrase,
            Key::Recipients(rs) => SealMethod::AgeRecipients {
                recipients: rs.iter().map(|(k, _)| k.clone()).collect(),
            },
        }
    }
}

fn open(bytes: &[u8], identity: &dyn Identity) -> Result<Zeroizing<Vec<u8>>, ExportError> {
    let open_err = |e: &dyn std::fmt::Display| ExportError::Open(e.to_string());
    let d = Decryptor::new(ArmoredReader::new(bytes)).map_err(|e| open_err(&e))?;
    let mut r = d.decrypt(iter::once(identity)).map_err(|e| open_err(&e))?;
    let mut out = Zeroizing::new(Vec::new());
    r.read_to_end(&mut out).map_err(|e| open_err(&e))?;
    Ok(out)
}

/// Opens a passphrase-sealed file (the recipient's side, and the tests').
pub fn open_with_passphrase(
    bytes: &[u8],
    passphrase: &SecretString,
) -> Result<Zeroizing<Vec<u8>>, ExportError> {
    let mut id = age::scrypt::Identity::new(passphrase.clone());
    id.set_max_work_factor(30);
    open(bytes, &id)
}

/// Opens a file sealed to the public key of `identity` (`AGE-SECRET-KEY-1…`).
pub fn open_with_identity(
    bytes: &[u8],
    identity: &SecretString,
) -> Result<Zeroizing<Vec<u8>>, ExportError> {
    let id = age::x25519::Identity::from_str(identity.expose_secret().trim())
        .map_err(|_| ExportError::BadIdentity)?;
    open(bytes, &id)
}

/// A fresh X25519 key pair for a recipient (an authority's portal, a contractor).
pub struct KeyPair {
    /// The secret `AGE-SECRET-KEY-1…`: keep it with the recipient only.
    pub identity: SecretString,
    /// The public `age1…` key to seal to.
    pub recipient: String,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair").field("recipient", &self.recipient).finish_non_exhaustive()
    }
}

/// Generates a key pair with the operating system's randomness (through age).
pub fn generate_key_pair() -> KeyPair {
    let id = age::x25519::Identity::generate();
    KeyPair { recipient: id.to_public().to_string(), identity: id.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hogo::export::seal_export;

    fn pass() -> SecretString {
        SecretString::from("a long enough passphrase")
    }

    /// P9: a passphrase-sealed file opens with the passphrase and not with another one.
    #[test]
    fn passphrase_round_trip_and_wrong_passphrase_fails() {
        let s = AgeSealer::with_passphrase(pass()).unwrap().with_work_factor(8);
        let sealed = seal_export(&s, Zeroizing::new(b"row one\nrow two".to_vec())).unwrap();
        assert!(sealed.bytes.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
        assert_eq!(&open_with_passphrase(&sealed.bytes, &pass()).unwrap()[..], b"row one\nrow two");
        let wrong = SecretString::from("another long passphrase");
        assert!(matches!(open_with_passphrase(&sealed.bytes, &wrong), Err(ExportError::Open(_))));
    }

    /// P9/M12: short passphrases are refused with an error naming the minimum.
    #[test]
    fn short_passphrase_is_refused() {
        let e = AgeSealer::with_passphrase(SecretString::from("short")).unwrap_err();
        assert!(matches!(e, ExportError::WeakPassphrase { min: MIN_PASSPHRASE_CHARS }));
        assert!(e.to_string().contains("P9"));
    }

    /// P9: a recipient-sealed file opens only with the matching identity; the method
    /// records the public key.
    #[test]
    fn recipient_round_trip_and_other_identity_fails() {
        let kp = generate_key_pair();
        let other = generate_key_pair();
        let s = AgeSealer::to_recipients(std::slice::from_ref(&kp.recipient)).unwrap();
        let sealed = seal_export(&s, Zeroizing::new(b"payload for the portal".to_vec())).unwrap();
        assert_eq!(
            sealed.method,
            SealMethod::AgeRecipients { recipients: vec![kp.recipient.clone()] }
        );
        assert_eq!(
            &open_with_identity(&sealed.bytes, &kp.identity).unwrap()[..],
            b"payload for the portal"
        );
        assert!(open_with_identity(&sealed.bytes, &other.identity).is_err());
        assert!(!format!("{kp:?}").contains("AGE-SECRET-KEY"));
    }

    /// P9: malformed recipient keys are refused by position; an empty list is refused.
    #[test]
    fn bad_recipients_are_refused() {
        let kp = generate_key_pair();
        let e = AgeSealer::to_recipients(&[kp.recipient.as_str(), "age1nope"]).unwrap_err();
        assert!(matches!(e, ExportError::BadRecipient { position: 2 }));
        assert!(matches!(AgeSealer::to_recipients::<&str>(&[]), Err(ExportError::NoRecipients)));
    }

    /// P9: one flipped byte in the body makes the file unopenable (age is authenticated).
    #[test]
    fn tampered_file_does_not_open() {
        let s = AgeSealer::with_passphrase(pass()).unwrap().with_work_factor(8);
        let mut bytes = s.seal_bytes(&[7u8; 200]).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] = if bytes[mid] == b'A' { b'B' } else { b'A' };
        assert!(open_with_passphrase(&bytes, &pass()).is_err());
    }
}
