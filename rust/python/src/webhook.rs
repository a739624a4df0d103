//! X.509 RSA certificates for webhook verification (PayPal's SHA256withRSA); converts, calls
//! the core, maps errors.

use pqpay_core::webhook::RsaCertificate;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::args::int_arg;
use crate::error::{bytes_out, detach, guard, operational};

/// An X.509 certificate's RSA public key and validity window (no chain validation).
#[pyclass(frozen, module = "pqpay._native")]
pub struct X509RsaCertificate {
    inner: RsaCertificate,
}

#[pymethods]
impl X509RsaCertificate {
    /// Reads a PEM (when the data contains `-----BEGIN`) or DER certificate.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        guard(|| {
            operational()?;
            let inner = detach(py, || RsaCertificate::from_bytes(data))?;
            Ok(X509RsaCertificate { inner })
        })
    }

    #[getter]
    fn key_bits(&self) -> PyResult<usize> {
        guard(|| Ok(self.inner.key_bits()))
    }

    #[getter]
    fn not_before(&self) -> PyResult<i64> {
        guard(|| Ok(self.inner.not_before()))
    }

    #[getter]
    fn not_after(&self) -> PyResult<i64> {
        guard(|| Ok(self.inner.not_after()))
    }

    fn public_key_der<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| bytes_out(py, self.inner.public_key_der()))
    }

    fn is_valid_at(&self, unix_time: &Bound<'_, PyAny>) -> PyResult<bool> {
        guard(|| {
            Ok(self
                .inner
                .is_valid_at(int_arg::<i64>(unix_time, "unix_time")?))
        })
    }

    /// RSASSA-PKCS1-v1_5 / SHA-256; raises `InvalidSignature` on any mismatch.
    fn verify_pkcs1_sha256(
        &self,
        py: Python<'_>,
        message: &[u8],
        signature: &[u8],
    ) -> PyResult<()> {
        guard(|| {
            operational()?;
            detach(py, || self.inner.verify_pkcs1_sha256(message, signature))?;
            Ok(())
        })
    }

    fn __repr__(&self) -> PyResult<String> {
        guard(|| {
            Ok(format!(
                "<X509RsaCertificate RSA-{} valid {}..{}>",
                self.inner.key_bits(),
                self.inner.not_before(),
                self.inner.not_after()
            ))
        })
    }
}
