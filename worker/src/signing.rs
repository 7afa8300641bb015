//! Optional signing of job messages: an HMAC-SHA256 over the job body with a key shared by the
//! coordinator and the workers (`ESR1_JOB_KEY`), sent hex-encoded in the message header
//! [`SIGNATURE_HEADER`]. A worker that has a key refuses (dead-letters) every job whose
//! signature is missing or wrong, so only holders of the key can make it read or write.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::fmt;

/// The message header holding the signature.
pub const SIGNATURE_HEADER: &str = "esr1-signature";
/// The environment variable holding the shared key.
pub const JOB_KEY_ENV: &str = "ESR1_JOB_KEY";

type HmacSha256 = Hmac<Sha256>;

/// The shared signing key, ready to sign (never printed).
#[derive(Clone)]
pub struct JobKey(Box<HmacSha256>);

impl fmt::Debug for JobKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JobKey(***)")
    }
}

/// Why a job's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No signature header while this worker requires one.
    #[error("unsigned job refused: this worker requires jobs signed with {JOB_KEY_ENV}")]
    Missing,
    /// The signature does not match the body under this worker's key.
    #[error("job signature does not match: signed with another {JOB_KEY_ENV} or altered")]
    Mismatch,
}

impl JobKey {
    /// A key from its bytes; `None` when empty.
    pub fn new(bytes: &[u8]) -> Option<Self> {
        if bytes.is_empty() {
            return None;
        }
        <HmacSha256 as Mac>::new_from_slice(bytes)
            .ok()
            .map(|m| Self(Box::new(m)))
    }

    /// The key in `env` ([`JOB_KEY_ENV`]), if set and not empty.
    pub fn from_env(env: &HashMap<String, String>) -> Option<Self> {
        env.get(JOB_KEY_ENV).and_then(|k| Self::new(k.as_bytes()))
    }

    fn mac(&self, body: &[u8]) -> HmacSha256 {
        let mut mac = (*self.0).clone();
        mac.update(body);
        mac
    }

    /// The hex signature of a body.
    pub fn sign(&self, body: &[u8]) -> String {
        self.mac(body)
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Checks a body's signature (compared in constant time).
    pub fn verify(&self, body: &[u8], signature: Option<&str>) -> Result<(), SignatureError> {
        let sig = signature.ok_or(SignatureError::Missing)?;
        let bytes = decode_hex(sig).ok_or(SignatureError::Mismatch)?;
        self.mac(body)
            .verify_slice(&bytes)
            .map_err(|_| SignatureError::Mismatch)
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || s.len() > 256 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_verifies_under_its_key_only_and_unaltered() {
        let key = JobKey::new(b"shared secret").expect("key");
        let other = JobKey::new(b"another secret").expect("key");
        let sig = key.sign(b"{\"job\":1}");
        assert_eq!(sig.len(), 64);
        assert_eq!(key.verify(b"{\"job\":1}", Some(&sig)), Ok(()));
        assert_eq!(
            key.verify(b"{\"job\":2}", Some(&sig)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            other.verify(b"{\"job\":1}", Some(&sig)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            key.verify(b"{\"job\":1}", None),
            Err(SignatureError::Missing)
        );
        for junk in ["", "zz", "abc", "é"] {
            assert_eq!(
                key.verify(b"{\"job\":1}", Some(junk)),
                Err(SignatureError::Mismatch)
            );
        }
        assert_eq!(format!("{key:?}"), "JobKey(***)");
        assert!(JobKey::new(b"").is_none());
        let env = HashMap::from([(JOB_KEY_ENV.to_owned(), "k".to_owned())]);
        assert_eq!(
            JobKey::from_env(&env).map(|k| k.sign(b"x")),
            JobKey::new(b"k").map(|k| k.sign(b"x"))
        );
    }
}
