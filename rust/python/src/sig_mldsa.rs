//! ML-DSA-specific native functions (expanded keys, external mu, hazmat interfaces for vectors).
//! Each takes the generic `SigPrivateKey` / `SigPublicKey` and lets the core downcast.

use pqpay_core::sig::mldsa;
use pqpay_core::sig::{SigAlgorithm, SigningMode};
use pqpay_core::Error;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::error::{bytes_out, detach, guard, operational, CoreError};
use crate::sig::{SigPrivateKey, SigPublicKey};

fn mode(deterministic: bool) -> SigningMode {
    if deterministic {
        SigningMode::Deterministic
    } else {
        SigningMode::Hedged
    }
}

/// Runs a signing step with the GIL released, once the module is operational.
fn signed<'py, T: AsRef<[u8]> + Send>(
    py: Python<'py>,
    sign: impl FnOnce() -> pqpay_core::Result<T> + Send,
) -> PyResult<Bound<'py, PyBytes>> {
    operational()?;
    let sig = detach(py, sign)?;
    bytes_out(py, sig.as_ref())
}

fn not_mldsa(alg: SigAlgorithm) -> CoreError {
    CoreError(Error::UnsupportedAlgorithm(format!(
        "{alg} is not an ML-DSA algorithm"
    )))
}

/// Loads a FIPS 204 expanded private key (no seed).
#[pyfunction]
pub fn mldsa_from_expanded(
    py: Python<'_>,
    algorithm_name: &str,
    expanded: &[u8],
) -> PyResult<SigPrivateKey> {
    guard(|| {
        operational()?;
        let alg = SigAlgorithm::from_name(algorithm_name).map_err(CoreError)?;
        let inner = detach(py, || mldsa::signing_key_from_expanded(alg, expanded))?;
        Ok(SigPrivateKey { inner })
    })
}

/// The FIPS 204 expanded private key.
#[pyfunction]
pub fn mldsa_expanded<'py>(py: Python<'py>, key: &SigPrivateKey) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        let raw = mldsa::expanded_private_key(&key.inner)
            .ok_or_else(|| not_mldsa(key.inner.algorithm()))?;
        bytes_out(py, &raw)
    })
}

/// mu = SHAKE256(SHAKE256(pk, 64) || 0 || len(ctx) || ctx || data, 64).
#[pyfunction]
pub fn mldsa_compute_mu<'py>(
    py: Python<'py>,
    key: &SigPublicKey,
    data: &[u8],
    context: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        let mu = detach(py, || mldsa::compute_mu(&key.inner, data, context))?;
        bytes_out(py, &mu)
    })
}

/// Signs a caller-computed mu.
#[pyfunction]
#[pyo3(signature = (key, mu, deterministic=false))]
pub fn mldsa_sign_mu<'py>(
    py: Python<'py>,
    key: &SigPrivateKey,
    mu: &[u8],
    deterministic: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| signed(py, || mldsa::sign_mu(&key.inner, mu, mode(deterministic))))
}

/// Verifies a signature over mu.
#[pyfunction]
pub fn mldsa_verify_mu(
    py: Python<'_>,
    key: &SigPublicKey,
    mu: &[u8],
    signature: &[u8],
) -> PyResult<()> {
    guard(|| {
        operational()?;
        Ok(detach(py, || mldsa::verify_mu(&key.inner, mu, signature))?)
    })
}

/// HAZMAT: pure ML-DSA.Sign with an explicit rnd.
#[pyfunction]
pub fn mldsa_hazmat_sign_with_rnd<'py>(
    py: Python<'py>,
    key: &SigPrivateKey,
    data: &[u8],
    context: &[u8],
    rnd: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        signed(py, || {
            mldsa::hazmat_sign_with_rnd(&key.inner, data, context, rnd)
        })
    })
}

/// HAZMAT: ML-DSA.Sign_internal over M'.
#[pyfunction]
pub fn mldsa_hazmat_sign_internal<'py>(
    py: Python<'py>,
    key: &SigPrivateKey,
    m_prime: &[u8],
    rnd: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| signed(py, || mldsa::hazmat_sign_internal(&key.inner, m_prime, rnd)))
}

/// HAZMAT: ML-DSA.Verify_internal over M'.
#[pyfunction]
pub fn mldsa_hazmat_verify_internal(
    py: Python<'_>,
    key: &SigPublicKey,
    m_prime: &[u8],
    signature: &[u8],
) -> PyResult<()> {
    guard(|| {
        operational()?;
        Ok(detach(py, || {
            mldsa::hazmat_verify_internal(&key.inner, m_prime, signature)
        })?)
    })
}

/// HAZMAT: signs mu with an explicit rnd.
#[pyfunction]
pub fn mldsa_hazmat_sign_mu_with_rnd<'py>(
    py: Python<'py>,
    key: &SigPrivateKey,
    mu: &[u8],
    rnd: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| signed(py, || mldsa::hazmat_sign_mu_with_rnd(&key.inner, mu, rnd)))
}

/// HAZMAT: HashML-DSA.Sign with an ACVP hash name and an explicit rnd.
#[pyfunction]
pub fn mldsa_hazmat_sign_prehash<'py>(
    py: Python<'py>,
    key: &SigPrivateKey,
    hash_name: &str,
    data: &[u8],
    context: &[u8],
    rnd: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        signed(py, || {
            mldsa::hazmat_sign_prehash(&key.inner, hash_name, data, context, rnd)
        })
    })
}

/// HAZMAT: HashML-DSA.Verify with an ACVP hash name.
#[pyfunction]
pub fn mldsa_hazmat_verify_prehash(
    py: Python<'_>,
    key: &SigPublicKey,
    hash_name: &str,
    data: &[u8],
    context: &[u8],
    signature: &[u8],
) -> PyResult<()> {
    guard(|| {
        operational()?;
        Ok(detach(py, || {
            mldsa::hazmat_verify_prehash(&key.inner, hash_name, data, context, signature)
        })?)
    })
}
