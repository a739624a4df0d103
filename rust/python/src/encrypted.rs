//! Encrypted PKCS#8 (PBES2) for every private key: loading with a password and writing with
//! the best-available parameters. The KDF runs with the GIL released.

use pqpay_core::encoding::encrypted::{self, DecryptionLimits, EncryptionParams};
use pqpay_core::encoding::{self as kem_encoding, sig as sig_encoding, AnyPrivateKey};
use pqpay_core::Error;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use zeroize::Zeroizing;

use crate::encoding::form_of;
use crate::error::{bytes_out, detach, guard, operational, CoreError};
use crate::kem::KemPrivateKey;
use crate::sig::SigPrivateKey;

/// True when `data` is an `EncryptedPrivateKeyInfo` (PEM label or DER shape); says nothing
/// about its validity.
#[pyfunction]
pub fn private_key_is_encrypted(data: &[u8], pem: bool) -> PyResult<bool> {
    guard(|| {
        Ok(if pem {
            encrypted::is_encrypted_pem(data)
        } else {
            encrypted::is_encrypted_der(data)
        })
    })
}

/// Decrypts and loads an encrypted PKCS#8 private key (KEM or signature, by OID).
#[pyfunction]
pub fn load_encrypted_private_key(
    py: Python<'_>,
    data: &[u8],
    pem: bool,
    password: &[u8],
) -> PyResult<Py<PyAny>> {
    guard(|| load_encrypted(py, data, pem, password))
}

fn load_encrypted(py: Python<'_>, data: &[u8], pem: bool, password: &[u8]) -> PyResult<Py<PyAny>> {
    operational()?;
    let key = detach(py, || {
        encrypted::load_private_key_any(data, pem, password, &DecryptionLimits::default())
    })?;
    Ok(match key {
        AnyPrivateKey::Kem(inner) => Py::new(py, KemPrivateKey { inner: *inner })?.into_any(),
        AnyPrivateKey::Sig(inner) => Py::new(py, SigPrivateKey { inner })?.into_any(),
    })
}

/// Writes a KEM or signature private key as encrypted PKCS#8 (DER or PEM) with
/// [`EncryptionParams::default`]; `form` is the ML-KEM / ML-DSA private-key CHOICE.
#[pyfunction]
pub fn encrypt_private_key<'py>(
    py: Python<'py>,
    key: &Bound<'py, PyAny>,
    pem: bool,
    form_name: &str,
    password: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| encrypt(py, key, pem, form_name, password))
}

fn encrypt<'py>(
    py: Python<'py>,
    key: &Bound<'py, PyAny>,
    pem: bool,
    form_name: &str,
    password: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    operational()?;
    let plain: Zeroizing<Vec<u8>> = if let Ok(k) = key.cast::<KemPrivateKey>() {
        kem_encoding::private_key_to_der(&k.get().inner, form_of("ML-KEM", form_name)?)
            .map_err(CoreError)?
    } else if let Ok(k) = key.cast::<SigPrivateKey>() {
        sig_encoding::private_key_to_der(&k.get().inner, form_of("ML-DSA", form_name)?)
            .map_err(CoreError)?
    } else {
        return Err(CoreError(Error::InvalidArgument(
            "expected a native KEM or signature private key".into(),
        ))
        .into());
    };
    let out = detach(py, || {
        let params = EncryptionParams::default();
        if pem {
            encrypted::encrypt_pem(&plain, password, &params).map(String::into_bytes)
        } else {
            encrypted::encrypt_der(&plain, password, &params)
        }
    })?;
    bytes_out(py, &out)
}

/// How an encrypted private key is protected ("PBES2, PBKDF2-HMAC-SHA256 with 1200000
/// iterations, AES-256-CBC"), read without a password.
#[pyfunction]
pub fn describe_encrypted_private_key(data: &[u8], pem: bool) -> PyResult<String> {
    guard(|| Ok(encrypted::describe(data, pem).map_err(CoreError)?))
}
