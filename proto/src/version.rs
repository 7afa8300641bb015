//! Schema versioning: every message carries `schema_version`; unknown versions are refused.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::fmt;

/// The schema version written by this build. Bump it on any incompatible change.
///
/// 2: a result's base counts and reference blocks are arrays, and a site leaves out its empty
/// indels and MNVs and its all-zero MNV, read-end and orientation counts.
///
/// 3: a result's site is an array without field names (`result/wire.rs`).
pub const SCHEMA_VERSION: u32 = 3;

/// A message type that carries a schema version and a human name for errors.
pub trait Versioned: Serialize + DeserializeOwned {
    /// What the message is, for error messages ("region job", "region result" …).
    const KIND: &'static str;
    /// The schema version the value carries.
    fn schema_version(&self) -> u32;
}

/// Why a message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The bytes are not JSON, or not the expected shape.
    Malformed {
        /// What was being decoded.
        kind: &'static str,
        /// The parser's message (line and column included).
        reason: String,
    },
    /// The message is well formed but was written by a schema this build does not know.
    UnsupportedVersion {
        /// What was being decoded.
        kind: &'static str,
        /// The version found in the message (`None` when the field is missing).
        found: Option<u64>,
        /// The version this build reads.
        supported: u32,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { kind, reason } => write!(f, "malformed {kind}: {reason}"),
            Self::UnsupportedVersion {
                kind,
                found: Some(v),
                supported,
            } => write!(
                f,
                "{kind} has schema_version {v}, this build reads only version {supported}"
            ),
            Self::UnsupportedVersion {
                kind,
                found: None,
                supported,
            } => write!(
                f,
                "{kind} has no schema_version field (expected {supported})"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

#[derive(Deserialize)]
struct VersionProbe {
    schema_version: Option<serde_json::Value>,
}

/// Encodes a message as JSON.
pub fn encode<T: Versioned>(value: &T) -> Vec<u8> {
    // Serialising these plain structs cannot fail: no maps with non-string keys, no I/O.
    serde_json::to_vec(value).unwrap_or_default()
}

/// Decodes a message and refuses one of another schema version. The bytes are parsed once;
/// only when they do not fit this build's shape are they probed for their version, so that a
/// message from a newer writer is reported as such rather than as a confusing missing-field
/// error.
pub fn decode<T: Versioned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let unsupported = |found| DecodeError::UnsupportedVersion {
        kind: T::KIND,
        found,
        supported: SCHEMA_VERSION,
    };
    match serde_json::from_slice::<T>(bytes) {
        Ok(value) if value.schema_version() == SCHEMA_VERSION => Ok(value),
        Ok(value) => Err(unsupported(Some(u64::from(value.schema_version())))),
        Err(e) => {
            // The version the bytes carry, when they are JSON with such a field at all.
            let probed = serde_json::from_slice::<VersionProbe>(bytes)
                .map(|p| p.schema_version.as_ref().and_then(|v| v.as_u64()));
            match probed {
                Ok(found) if found != Some(u64::from(SCHEMA_VERSION)) => Err(unsupported(found)),
                _ => Err(DecodeError::Malformed {
                    kind: T::KIND,
                    reason: e.to_string(),
                }),
            }
        }
    }
}
