//! Placeholder on the integration branch only: replaced by the family's implementation before
//! anything reaches main.

use super::{SigAlgorithm, SigningKey, VerifyingKey};
use crate::{Error, Result};

fn absent(alg: SigAlgorithm) -> Error {
    Error::UnsupportedAlgorithm(format!("{alg} is not implemented yet"))
}

pub(crate) fn generate(alg: SigAlgorithm) -> Result<SigningKey> {
    Err(absent(alg))
}

pub(crate) fn from_private_bytes(alg: SigAlgorithm, _data: &[u8]) -> Result<SigningKey> {
    Err(absent(alg))
}

pub(crate) fn verifying_key_from_bytes(alg: SigAlgorithm, _data: &[u8]) -> Result<VerifyingKey> {
    Err(absent(alg))
}

/// Placeholder for the ML-DSA helper's loader of an FIPS 204 expanded private key.
pub fn signing_key_from_expanded(alg: SigAlgorithm, _sk: &[u8]) -> Result<SigningKey> {
    Err(absent(alg))
}

/// Placeholder for the ML-DSA helper's FIPS 204 `skEncode` output.
pub fn expanded_private_key(_key: &SigningKey) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    None
}
