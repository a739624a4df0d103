//! KEM keys as Python objects; every method converts, calls the core and maps errors.

use pqpay_core::kem::batch as kem_batch;
use pqpay_core::kem::{self, DecapsulationKey, EncapsulationKey, KemAlgorithm};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};

use pyo3::pybacked::PyBackedBytes;

use crate::error::{batched_into, bytes_out, detach, guard, operational, BindResult, CoreError};
use crate::value::{eq_other, hash_of};

fn algorithm(name: &str) -> BindResult<KemAlgorithm> {
    Ok(KemAlgorithm::from_name(name)?)
}

/// A KEM private key of any algorithm.
#[pyclass(frozen, module = "pqpay._native")]
pub struct KemPrivateKey {
    pub(crate) inner: DecapsulationKey,
}

/// A validated KEM public key of any algorithm.
#[pyclass(frozen, module = "pqpay._native")]
pub struct KemPublicKey {
    pub(crate) inner: EncapsulationKey,
}

#[pymethods]
impl KemPrivateKey {
    #[staticmethod]
    fn generate(py: Python<'_>, algorithm_name: &str) -> PyResult<Self> {
        guard(|| {
            operational()?;
            let alg = algorithm(algorithm_name)?;
            let inner = detach(py, || DecapsulationKey::generate(alg))?;
            Ok(KemPrivateKey { inner })
        })
    }

    #[staticmethod]
    fn from_seed(py: Python<'_>, algorithm_name: &str, seed: &[u8]) -> PyResult<Self> {
        guard(|| {
            operational()?;
            let alg = algorithm(algorithm_name)?;
            let inner = detach(py, || DecapsulationKey::from_seed(alg, seed))?;
            Ok(KemPrivateKey { inner })
        })
    }

    #[staticmethod]
    fn from_mlkem_expanded(py: Python<'_>, algorithm_name: &str, dk: &[u8]) -> PyResult<Self> {
        guard(|| {
            operational()?;
            let alg = algorithm(algorithm_name)?;
            let inner = detach(py, || kem::mlkem::decapsulation_key_from_expanded(alg, dk))?;
            Ok(KemPrivateKey { inner })
        })
    }

    #[getter]
    fn algorithm(&self) -> PyResult<&'static str> {
        guard(|| Ok(self.inner.algorithm().name()))
    }

    fn seed<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyBytes>>> {
        guard(|| self.inner.seed().map(|s| bytes_out(py, s)).transpose())
    }

    fn mlkem_expanded<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyBytes>>> {
        guard(|| {
            kem::mlkem::expanded_bytes(&self.inner)
                .map(|s| bytes_out(py, s))
                .transpose()
        })
    }

    fn public_key(&self) -> PyResult<KemPublicKey> {
        guard(|| {
            Ok(KemPublicKey {
                inner: self.inner.public_key(),
            })
        })
    }

    fn decapsulate<'py>(
        &self,
        py: Python<'py>,
        ciphertext: &[u8],
    ) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            operational()?;
            let ss = detach(py, || self.inner.decapsulate(ciphertext))?;
            bytes_out(py, ss.as_bytes())
        })
    }

    /// Decapsulates many ciphertexts, spread over every core with the GIL released.
    fn decapsulate_many<'py>(
        &self,
        py: Python<'py>,
        ciphertexts: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            operational()?;
            batched_into(
                py,
                ciphertexts,
                |item| item.extract::<PyBackedBytes>().map_err(PyErr::from),
                |chunk| kem_batch::decapsulate_many(&self.inner, chunk),
                |py, out, list| {
                    out.iter()
                        .try_for_each(|ss| list.append(bytes_out(py, ss)?))
                },
            )
        })
    }

    fn __repr__(&self) -> PyResult<String> {
        guard(|| Ok(format!("<{} private key>", self.inner.algorithm().name())))
    }
}

fn pair<'py>(py: Python<'py>, ss: &[u8], ct: &[u8]) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, [bytes_out(py, ss)?, bytes_out(py, ct)?])
}

#[pymethods]
impl KemPublicKey {
    #[staticmethod]
    fn from_bytes(py: Python<'_>, algorithm_name: &str, data: &[u8]) -> PyResult<Self> {
        guard(|| {
            operational()?;
            let alg = algorithm(algorithm_name)?;
            let inner = detach(py, || EncapsulationKey::from_bytes(alg, data))?;
            Ok(KemPublicKey { inner })
        })
    }

    #[getter]
    fn algorithm(&self) -> PyResult<&'static str> {
        guard(|| Ok(self.inner.algorithm().name()))
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| bytes_out(py, self.inner.as_bytes()))
    }

    fn encapsulate<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        guard(|| {
            operational()?;
            let (ss, ct) = detach(py, || self.inner.encapsulate())?;
            pair(py, ss.as_bytes(), &ct)
        })
    }

    fn encapsulate_derand<'py>(
        &self,
        py: Python<'py>,
        randomness: &[u8],
    ) -> PyResult<Bound<'py, PyTuple>> {
        guard(|| {
            operational()?;
            let (ss, ct) = detach(py, || self.inner.encapsulate_derand(randomness))?;
            pair(py, ss.as_bytes(), &ct)
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        guard(|| Ok(eq_other(other, |o: &KemPublicKey| o.inner == self.inner)))
    }

    fn __hash__(&self) -> PyResult<u64> {
        guard(|| {
            Ok(hash_of((
                self.inner.algorithm().name(),
                self.inner.as_bytes(),
            )))
        })
    }

    fn __repr__(&self) -> PyResult<String> {
        guard(|| Ok(format!("<{} public key>", self.inner.algorithm().name())))
    }
}

/// Encapsulates to each public key in turn, spread over every core with the GIL released.
#[pyfunction]
pub fn encapsulate_many<'py>(
    py: Python<'py>,
    public_keys: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    guard(|| {
        operational()?;
        batched_into(
            py,
            public_keys,
            |item| Ok(item.cast_into::<KemPublicKey>()?.unbind()),
            |chunk| kem_batch::encapsulate_many(chunk, |k| &k.get().inner),
            |py, out, list| {
                out.iter()
                    .try_for_each(|(ss, ct)| list.append(pair(py, ss, ct)?))
            },
        )
    })
}

/// Raw X25519 (RFC 7748) between a private scalar and a peer public key; all-zero output rejected.
#[pyfunction]
pub fn x25519_exchange<'py>(
    py: Python<'py>,
    private_key: &KemPrivateKey,
    peer_public_key: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        operational()?;
        let sk = match &private_key.inner {
            DecapsulationKey::X25519(k) => k,
            other => {
                return Err(CoreError(pqpay_core::Error::InvalidKey(format!(
                    "exchange needs an X25519 key, got {}",
                    other.algorithm().name()
                )))
                .into())
            }
        };
        let shared = detach(py, || sk.exchange(peer_public_key))?;
        bytes_out(py, shared.as_slice())
    })
}
