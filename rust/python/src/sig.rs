//! Signature keys as Python objects; every method converts, calls the core and maps errors.

use pqpay_core::sig::{batch, SigAlgorithm, SigningKey, SigningMode, VerifyingKey};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyBytes, PyList};

use crate::error::{batched_into, bytes_out, detach, guard, operational, BindResult, CoreError};
use crate::value::{eq_other, hash_of};

fn algorithm(name: &str) -> BindResult<SigAlgorithm> {
    Ok(SigAlgorithm::from_name(name)?)
}

fn mode(deterministic: bool) -> SigningMode {
    if deterministic {
        SigningMode::Deterministic
    } else {
        SigningMode::Hedged
    }
}

/// A signature private key of any algorithm.
#[pyclass(frozen, module = "pqpay._native")]
pub struct SigPrivateKey {
    pub(crate) inner: SigningKey,
}

/// A validated signature public key of any algorithm.
#[pyclass(frozen, module = "pqpay._native")]
pub struct SigPublicKey {
    pub(crate) inner: VerifyingKey,
}

#[pymethods]
impl SigPrivateKey {
    #[staticmethod]
    fn generate(py: Python<'_>, algorithm_name: &str) -> PyResult<Self> {
        guard(|| {
            operational()?;
            let alg = algorithm(algorithm_name)?;
            let inner = detach(py, || SigningKey::generate(alg))?;
            Ok(SigPrivateKey { inner })
        })
    }

    #[staticmethod]
    fn from_private_bytes(py: Python<'_>, algorithm_name: &str, data: &[u8]) -> PyResult<Self> {
        guard(|| {
            operational()?;
            let alg = algorithm(algorithm_name)?;
            let inner = detach(py, || SigningKey::from_private_bytes(alg, data))?;
            Ok(SigPrivateKey { inner })
        })
    }

    #[getter]
    fn algorithm(&self) -> PyResult<&'static str> {
        guard(|| Ok(self.inner.algorithm().name()))
    }

    fn private_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            let raw = self.inner.private_bytes().map_err(CoreError)?;
            bytes_out(py, &raw)
        })
    }

    fn public_key(&self) -> PyResult<SigPublicKey> {
        guard(|| {
            Ok(SigPublicKey {
                inner: self.inner.verifying_key(),
            })
        })
    }

    #[pyo3(signature = (data, context, deterministic=false))]
    fn sign<'py>(
        &self,
        py: Python<'py>,
        data: &[u8],
        context: &[u8],
        deterministic: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            operational()?;
            let sig = detach(py, || self.inner.sign(data, context, mode(deterministic)))?;
            bytes_out(py, &sig)
        })
    }

    /// Signs many messages under one context, spread over every core with the GIL released.
    #[pyo3(signature = (messages, context, deterministic=false))]
    fn sign_many<'py>(
        &self,
        py: Python<'py>,
        messages: &Bound<'py, PyAny>,
        context: &[u8],
        deterministic: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            operational()?;
            // The context is checked before any item, so an empty batch refuses a bad one too.
            batch::sign_many::<&[u8]>(&self.inner, &[], context, mode(deterministic))
                .map_err(CoreError)?;
            batched_into(
                py,
                messages,
                |item| item.extract::<PyBackedBytes>().map_err(PyErr::from),
                |chunk| batch::sign_many(&self.inner, chunk, context, mode(deterministic)),
                |py, sigs, list| sigs.iter().try_for_each(|s| list.append(bytes_out(py, s)?)),
            )
        })
    }

    fn __repr__(&self) -> PyResult<String> {
        guard(|| Ok(format!("<{} private key>", self.inner.algorithm().name())))
    }
}

#[pymethods]
impl SigPublicKey {
    #[staticmethod]
    fn from_bytes(py: Python<'_>, algorithm_name: &str, data: &[u8]) -> PyResult<Self> {
        guard(|| {
            operational()?;
            let alg = algorithm(algorithm_name)?;
            let inner = detach(py, || VerifyingKey::from_bytes(alg, data))?;
            Ok(SigPublicKey { inner })
        })
    }

    #[getter]
    fn algorithm(&self) -> PyResult<&'static str> {
        guard(|| Ok(self.inner.algorithm().name()))
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| bytes_out(py, &self.inner.to_bytes()))
    }

    /// `strict` also refuses a malleable encoding (a high-S ECDSA half of a composite).
    #[pyo3(signature = (signature, data, context, strict=false))]
    fn verify(
        &self,
        py: Python<'_>,
        signature: &[u8],
        data: &[u8],
        context: &[u8],
        strict: bool,
    ) -> PyResult<()> {
        guard(|| {
            operational()?;
            Ok(detach(py, || {
                if strict {
                    self.inner.verify_strict(data, context, signature)
                } else {
                    self.inner.verify(data, context, signature)
                }
            })?)
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        guard(|| Ok(eq_other(other, |o: &SigPublicKey| o.inner == self.inner)))
    }

    fn __hash__(&self) -> PyResult<u64> {
        guard(|| {
            Ok(hash_of((
                self.inner.algorithm().name(),
                self.inner.to_bytes(),
            )))
        })
    }

    fn __repr__(&self) -> PyResult<String> {
        guard(|| Ok(format!("<{} public key>", self.inner.algorithm().name())))
    }
}

/// One `verify_many` item as Python passes it: (public key, signature, message, context).
type PyVerifyItem = (
    Py<SigPublicKey>,
    PyBackedBytes,
    PyBackedBytes,
    PyBackedBytes,
);

/// Verifies many (public key, signature, message, context) items, spread over every core with
/// the GIL released, a chunk at a time; returns one bool per item.
#[pyfunction]
pub fn verify_many<'py>(
    py: Python<'py>,
    items: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    guard(|| {
        operational()?;
        batched_into(
            py,
            items,
            |item| item.extract::<PyVerifyItem>(),
            |chunk| {
                batch::verify_many_by(chunk, |(key, signature, message, context)| {
                    batch::VerifyItem {
                        key: &key.get().inner,
                        message,
                        signature,
                        context,
                    }
                })
            },
            |_, results, list| results.iter().try_for_each(|&ok| list.append(ok)),
        )
    })
}
