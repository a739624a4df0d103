//! SLH-DSA known-answer-test interfaces (pqpay.hazmat only): key generation from the three
//! seeds, signing with an explicit opt_rand, the internal interface and HashSLH-DSA.

use pqpay_core::sig::slhdsa::{self, PreHash};
use pqpay_core::sig::SigAlgorithm;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::error::{bytes_out, detach, guard, operational, CoreError};
use crate::sig::{SigPrivateKey, SigPublicKey};

fn pre_hash(name: &str) -> PyResult<PreHash> {
    Ok(PreHash::from_name(name).map_err(CoreError)?)
}

/// slh_keygen_internal(SK.seed, SK.prf, PK.seed).
#[pyfunction]
pub fn slhdsa_keygen_internal(
    py: Python<'_>,
    algorithm_name: &str,
    sk_seed: &[u8],
    sk_prf: &[u8],
    pk_seed: &[u8],
) -> PyResult<SigPrivateKey> {
    guard(|| {
        operational()?;
        let alg = SigAlgorithm::from_name(algorithm_name).map_err(CoreError)?;
        let inner = detach(py, || {
            slhdsa::hazmat_keygen_internal(alg, sk_seed, sk_prf, pk_seed)
        })?;
        Ok(SigPrivateKey { inner })
    })
}

/// slh_sign_internal; `randomness` None means opt_rand = PK.seed.
#[pyfunction]
#[pyo3(signature = (key, message, randomness=None))]
pub fn slhdsa_sign_internal<'py>(
    py: Python<'py>,
    key: &SigPrivateKey,
    message: &[u8],
    randomness: Option<&[u8]>,
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        operational()?;
        let k = &key.inner;
        let sig = detach(py, || slhdsa::hazmat_sign_internal(k, message, randomness))?;
        bytes_out(py, &sig)
    })
}

/// Pure SLH-DSA with an explicit opt_rand (None means PK.seed).
#[pyfunction]
#[pyo3(signature = (key, message, context, randomness=None))]
pub fn slhdsa_sign_pure<'py>(
    py: Python<'py>,
    key: &SigPrivateKey,
    message: &[u8],
    context: &[u8],
    randomness: Option<&[u8]>,
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        operational()?;
        let k = &key.inner;
        let sig = detach(py, || {
            slhdsa::hazmat_sign_pure(k, message, context, randomness)
        })?;
        bytes_out(py, &sig)
    })
}

/// HashSLH-DSA with an explicit opt_rand (None means PK.seed).
#[pyfunction]
#[pyo3(signature = (key, message, context, hash_alg, randomness=None))]
pub fn slhdsa_sign_prehash<'py>(
    py: Python<'py>,
    key: &SigPrivateKey,
    message: &[u8],
    context: &[u8],
    hash_alg: &str,
    randomness: Option<&[u8]>,
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        operational()?;
        let ph = pre_hash(hash_alg)?;
        let k = &key.inner;
        let sig = detach(py, || {
            slhdsa::hazmat_sign_prehash(k, message, context, ph, randomness)
        })?;
        bytes_out(py, &sig)
    })
}

/// slh_verify_internal.
#[pyfunction]
pub fn slhdsa_verify_internal(
    py: Python<'_>,
    key: &SigPublicKey,
    message: &[u8],
    signature: &[u8],
) -> PyResult<()> {
    guard(|| {
        operational()?;
        let k = &key.inner;
        Ok(detach(py, || {
            slhdsa::hazmat_verify_internal(k, message, signature)
        })?)
    })
}

/// HashSLH-DSA verification.
#[pyfunction]
pub fn slhdsa_verify_prehash(
    py: Python<'_>,
    key: &SigPublicKey,
    message: &[u8],
    context: &[u8],
    hash_alg: &str,
    signature: &[u8],
) -> PyResult<()> {
    guard(|| {
        operational()?;
        let ph = pre_hash(hash_alg)?;
        let k = &key.inner;
        Ok(detach(py, || {
            slhdsa::hazmat_verify_prehash(k, message, context, ph, signature)
        })?)
    })
}
