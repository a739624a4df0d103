//! PKCS#8 / SubjectPublicKeyInfo loading and writing (DER and PEM) for KEM keys.

use pqpay_core::encoding::{self, MlKemPrivateKeyForm};
use pqpay_core::Error;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::error::{detach, operational, BindResult, CoreError};
use crate::kem::{KemPrivateKey, KemPublicKey};

fn form(name: &str) -> BindResult<MlKemPrivateKeyForm> {
    match name {
        "seed" => Ok(MlKemPrivateKeyForm::Seed),
        "expanded" => Ok(MlKemPrivateKeyForm::Expanded),
        "both" => Ok(MlKemPrivateKeyForm::Both),
        other => Err(CoreError(Error::InvalidArgument(format!(
            "ML-KEM private-key form must be \"seed\", \"expanded\" or \"both\", got {other:?}"
        )))),
    }
}

/// Loads a PKCS#8 private key, DER (`pem=False`) or PEM.
#[pyfunction]
pub fn load_private_key(py: Python<'_>, data: &[u8], pem: bool) -> PyResult<KemPrivateKey> {
    operational()?;
    let inner = detach(py, || {
        if pem {
            encoding::load_pem_private_key(data)
        } else {
            encoding::load_der_private_key(data)
        }
    })?;
    Ok(KemPrivateKey { inner })
}

/// Loads a SubjectPublicKeyInfo public key, DER (`pem=False`) or PEM.
#[pyfunction]
pub fn load_public_key(py: Python<'_>, data: &[u8], pem: bool) -> PyResult<KemPublicKey> {
    operational()?;
    let inner = detach(py, || {
        if pem {
            encoding::load_pem_public_key(data)
        } else {
            encoding::load_der_public_key(data)
        }
    })?;
    Ok(KemPublicKey { inner })
}

/// Writes a private key as PKCS#8 (DER or PEM); `mlkem_form` is "seed", "expanded" or "both".
#[pyfunction]
pub fn private_key_to_pkcs8<'py>(
    py: Python<'py>,
    key: &KemPrivateKey,
    pem: bool,
    mlkem_form: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let form = form(mlkem_form)?;
    let out = if pem {
        encoding::private_key_to_pem(&key.inner, form)
    } else {
        encoding::private_key_to_der(&key.inner, form)
    }
    .map_err(CoreError)?;
    Ok(PyBytes::new(py, &out))
}

/// Writes a public key as SubjectPublicKeyInfo (DER or PEM).
#[pyfunction]
pub fn public_key_to_spki<'py>(
    py: Python<'py>,
    key: &KemPublicKey,
    pem: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let out = if pem {
        encoding::public_key_to_pem(&key.inner).map(String::into_bytes)
    } else {
        encoding::public_key_to_der(&key.inner)
    }
    .map_err(CoreError)?;
    Ok(PyBytes::new(py, &out))
}
