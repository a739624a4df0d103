//! PKCS#8 / SubjectPublicKeyInfo loading and writing (DER and PEM) for KEM and signature keys.

use pqpay_core::encoding::sig as sig_encoding;
use pqpay_core::encoding::{self, AnyPrivateKey, AnyPublicKey, PrivateKeyForm};
use pqpay_core::Error;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::error::{bytes_out, detach, guard, operational, BindResult, CoreError};
use crate::kem::{KemPrivateKey, KemPublicKey};
use crate::sig::{SigPrivateKey, SigPublicKey};

/// The seed-or-expanded CHOICE named `name`; `family` ("ML-KEM", "ML-DSA") is for the error.
pub(crate) fn form_of(family: &str, name: &str) -> BindResult<PrivateKeyForm> {
    match name {
        "seed" => Ok(PrivateKeyForm::Seed),
        "expanded" => Ok(PrivateKeyForm::Expanded),
        "both" => Ok(PrivateKeyForm::Both),
        other => Err(CoreError(Error::InvalidArgument(format!(
            "{family} private-key form must be \"seed\", \"expanded\" or \"both\", got {other:?}"
        )))),
    }
}

/// Loads a PKCS#8 private key, DER (`pem=False`) or PEM; the OID decides whether a KEM or a
/// signature key comes back.
#[pyfunction]
pub fn load_private_key(py: Python<'_>, data: &[u8], pem: bool) -> PyResult<Py<PyAny>> {
    guard(|| {
        operational()?;
        let key = detach(py, || {
            if pem {
                encoding::load_pem_private_key_any(data)
            } else {
                encoding::load_der_private_key_any(data)
            }
        })?;
        Ok(match key {
            AnyPrivateKey::Kem(inner) => Py::new(py, KemPrivateKey { inner: *inner })?.into_any(),
            AnyPrivateKey::Sig(inner) => Py::new(py, SigPrivateKey { inner })?.into_any(),
        })
    })
}

/// Loads a SubjectPublicKeyInfo public key, DER (`pem=False`) or PEM; KEM or signature by OID.
#[pyfunction]
pub fn load_public_key(py: Python<'_>, data: &[u8], pem: bool) -> PyResult<Py<PyAny>> {
    guard(|| {
        operational()?;
        let key = detach(py, || {
            if pem {
                encoding::load_pem_public_key_any(data)
            } else {
                encoding::load_der_public_key_any(data)
            }
        })?;
        Ok(match key {
            AnyPublicKey::Kem(inner) => Py::new(py, KemPublicKey { inner })?.into_any(),
            AnyPublicKey::Sig(inner) => Py::new(py, SigPublicKey { inner })?.into_any(),
        })
    })
}

/// Writes a private key as PKCS#8 (DER or PEM); `mlkem_form` is "seed", "expanded" or "both".
#[pyfunction]
pub fn private_key_to_pkcs8<'py>(
    py: Python<'py>,
    key: &KemPrivateKey,
    pem: bool,
    mlkem_form: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        let form = form_of("ML-KEM", mlkem_form)?;
        let out = if pem {
            encoding::private_key_to_pem(&key.inner, form)
        } else {
            encoding::private_key_to_der(&key.inner, form)
        }
        .map_err(CoreError)?;
        bytes_out(py, &out)
    })
}

/// Writes a public key as SubjectPublicKeyInfo (DER or PEM).
#[pyfunction]
pub fn public_key_to_spki<'py>(
    py: Python<'py>,
    key: &KemPublicKey,
    pem: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        let out = if pem {
            encoding::public_key_to_pem(&key.inner).map(String::into_bytes)
        } else {
            encoding::public_key_to_der(&key.inner)
        }
        .map_err(CoreError)?;
        bytes_out(py, &out)
    })
}

/// Writes a signature private key as PKCS#8 (DER or PEM); `mldsa_form` is "seed", "expanded"
/// or "both" (ignored by the other families).
#[pyfunction]
pub fn sig_private_key_to_pkcs8<'py>(
    py: Python<'py>,
    key: &SigPrivateKey,
    pem: bool,
    mldsa_form: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        let form = form_of("ML-DSA", mldsa_form)?;
        let out = if pem {
            sig_encoding::private_key_to_pem(&key.inner, form)
        } else {
            sig_encoding::private_key_to_der(&key.inner, form)
        }
        .map_err(CoreError)?;
        bytes_out(py, &out)
    })
}

/// Writes a signature public key as SubjectPublicKeyInfo (DER or PEM).
#[pyfunction]
pub fn sig_public_key_to_spki<'py>(
    py: Python<'py>,
    key: &SigPublicKey,
    pem: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        let out = if pem {
            sig_encoding::public_key_to_pem(&key.inner).map(String::into_bytes)
        } else {
            sig_encoding::public_key_to_der(&key.inner)
        }
        .map_err(CoreError)?;
        bytes_out(py, &out)
    })
}
