//! Native helpers for `pqpay.hsm`, whose keys are split between a token and the host: the
//! composite message representative M' and Label (so the token signs the Ed25519 half of M'
//! while pqpay signs the ML-DSA half), and the bare AES-256-GCM that seals key seeds under the
//! software backend's key-encryption key. Hazmat-level: the public API is `pqpay.hsm`.

use pqpay_core::aead::Cipher;
use pqpay_core::sig::{composite, SigAlgorithm};
use pqpay_core::Error;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes};
use zeroize::Zeroize;

use crate::error::{bytes_out, detach, guard, operational, BindResult, CoreError};

/// `M' = Prefix || Label || len(ctx) || ctx || PH(M)` of a composite algorithm.
#[pyfunction]
pub fn composite_message_representative<'py>(
    py: Python<'py>,
    algorithm_name: &str,
    data: &[u8],
    context: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        operational()?;
        let alg = SigAlgorithm::from_name(algorithm_name).map_err(CoreError)?;
        let m_prime = detach(py, || composite::message_representative(alg, data, context))?;
        bytes_out(py, &m_prime)
    })
}

/// The composite algorithm's Label: the FIPS 204 context its ML-DSA half signs under.
#[pyfunction]
pub fn composite_label<'py>(
    py: Python<'py>,
    algorithm_name: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        let alg = SigAlgorithm::from_name(algorithm_name).map_err(CoreError)?;
        let label = composite::label(alg).map_err(CoreError)?;
        bytes_out(py, label)
    })
}

fn check_key_nonce(key: &[u8], nonce: &[u8]) -> BindResult<()> {
    if key.len() != 32 {
        return Err(CoreError(Error::InvalidLength {
            what: "AES-256-GCM key",
            expected: "32",
            got: key.len(),
        }));
    }
    if nonce.len() != 12 {
        return Err(CoreError(Error::InvalidLength {
            what: "AES-256-GCM nonce",
            expected: "12",
            got: nonce.len(),
        }));
    }
    Ok(())
}

/// AES-256-GCM encryption: ciphertext with the 16-byte tag appended.
#[pyfunction]
pub fn aes256gcm_seal<'py>(
    py: Python<'py>,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        operational()?;
        check_key_nonce(key, nonce)?;
        let ct = detach(py, || Cipher::Aes256Gcm.seal(key, nonce, aad, plaintext))?;
        bytes_out(py, &ct)
    })
}

/// AES-256-GCM decryption. The plaintext comes back as a `bytearray` so the caller can wipe
/// it; the native copy is wiped here. Any authentication failure is `InvalidTag`.
#[pyfunction]
pub fn aes256gcm_open<'py>(
    py: Python<'py>,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> PyResult<Bound<'py, PyByteArray>> {
    guard(|| {
        operational()?;
        check_key_nonce(key, nonce)?;
        let mut pt = detach(py, || Cipher::Aes256Gcm.open(key, nonce, aad, ciphertext))?;
        let out = PyByteArray::new(py, &pt);
        pt.zeroize();
        Ok(out)
    })
}
