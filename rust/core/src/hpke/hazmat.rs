//! HPKE intermediate values, for known-answer tests and interoperability debugging.
//!
//! Nothing here is needed to use HPKE: [`Suite`] and the contexts are the API.
//! These functions expose the KEM shared secret and the key-schedule outputs, which a
//! protocol must never reveal or reuse outside HPKE.

use core::fmt;

use zeroize::Zeroizing;

use super::kem_ids;
use super::Suite;
use crate::kem::{DecapsulationKey, EncapsulationKey, SharedSecret};
use crate::Result;

/// HPKE `Encap(pkR)` with the ephemeral randomness derived from `ikm_e` exactly as the RFC 9180
/// and draft-ietf-hpke-pq test vectors do (rules in the [`hpke`](super) module docs):
/// returns `(shared_secret, enc)`.
pub fn encap_derand(pk_r: &EncapsulationKey, ikm_e: &[u8]) -> Result<(SharedSecret, Vec<u8>)> {
    kem_ids::encap_derand(pk_r, ikm_e)
}

/// HPKE `Decap(enc, skR)`: the KEM shared secret.
pub fn decap(enc: &[u8], sk_r: &DecapsulationKey) -> Result<SharedSecret> {
    sk_r.decapsulate(enc)
}

/// The base-mode key-schedule outputs; wiped on drop and redacted in `Debug`.
pub struct KeyScheduleSecrets {
    key: Zeroizing<Vec<u8>>,
    base_nonce: Zeroizing<Vec<u8>>,
    exporter_secret: Zeroizing<Vec<u8>>,
}

impl KeyScheduleSecrets {
    /// The AEAD key (`Nk` bytes; empty for export-only).
    pub fn key(&self) -> &[u8] {
        &self.key
    }
    /// The base nonce (`Nn` bytes; empty for export-only).
    pub fn base_nonce(&self) -> &[u8] {
        &self.base_nonce
    }
    /// The exporter secret (`Nh` bytes).
    pub fn exporter_secret(&self) -> &[u8] {
        &self.exporter_secret
    }
}

impl fmt::Debug for KeyScheduleSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyScheduleSecrets(<redacted>)")
    }
}

/// The base-mode key schedule of `suite` over a KEM shared secret.
///
/// Errors: [`Error::InvalidArgument`](crate::Error::InvalidArgument) if `info` is longer than a one-stage KDF accepts.
pub fn key_schedule(
    suite: &Suite,
    shared_secret: &SharedSecret,
    info: &[u8],
) -> Result<KeyScheduleSecrets> {
    let out = suite.key_schedule(shared_secret, info)?;
    Ok(KeyScheduleSecrets {
        key: out.key,
        base_nonce: out.base_nonce,
        exporter_secret: out.exporter_secret,
    })
}
