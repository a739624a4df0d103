//! KEM keys as Python objects; every method converts, calls the core and maps errors.

use pqpay_core::kem::{self, DecapsulationKey, EncapsulationKey, KemAlgorithm};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};

use crate::error::{detach, guard, operational, BindResult, CoreError};
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
        guard(|| Ok(self.inner.seed().map(|s| PyBytes::new(py, s))))
    }

    fn mlkem_expanded<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyBytes>>> {
        guard(|| Ok(kem::mlkem::expanded_bytes(&self.inner).map(|s| PyBytes::new(py, s))))
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
            Ok(PyBytes::new(py, ss.as_bytes()))
        })
    }

    /// Decapsulates many ciphertexts, spread over every core with the GIL released.
    fn decapsulate_many<'py>(
        &self,
        py: Python<'py>,
        ciphertexts: Vec<Vec<u8>>,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            operational()?;
            let out = detach(py, || {
                pqpay_core::par::map_parallel(&ciphertexts, |ct| self.inner.decapsulate(ct))
            })?;
            PyList::new(py, out.iter().map(|ss| PyBytes::new(py, ss.as_bytes())))
        })
    }

    fn __repr__(&self) -> PyResult<String> {
        guard(|| Ok(format!("<{} private key>", self.inner.algorithm().name())))
    }
}

fn pair<'py>(py: Python<'py>, ss: &[u8], ct: &[u8]) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, [PyBytes::new(py, ss), PyBytes::new(py, ct)])
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
        guard(|| Ok(PyBytes::new(py, self.inner.as_bytes())))
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
    public_keys: Vec<PyRef<'py, KemPublicKey>>,
) -> PyResult<Bound<'py, PyList>> {
    guard(|| {
        operational()?;
        let keys: Vec<&EncapsulationKey> = public_keys.iter().map(|k| &k.inner).collect();
        let out = detach(py, || {
            pqpay_core::par::map_parallel(&keys, |k| k.encapsulate())
        })?;
        let items: PyResult<Vec<_>> = out
            .iter()
            .map(|(ss, ct)| pair(py, ss.as_bytes(), ct))
            .collect();
        PyList::new(py, items?)
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
        Ok(PyBytes::new(py, shared.as_slice()))
    })
}
