//! HPKE (RFC 9180 base mode) as Python objects: a suite and the two stateful contexts.

use std::sync::Mutex;

use pqpay_core::hpke::{ReceiverContext, SenderContext, Suite};
use pqpay_core::Error;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use crate::args::int_arg;
use crate::error::{bytes_out, detach, guard, operational, BindResult, CoreError};
use crate::kem::{KemPrivateKey, KemPublicKey};

/// An HPKE ciphersuite (KEM, KDF and AEAD identifiers).
#[pyclass(frozen, module = "pqpay._native")]
pub struct HpkeSuite {
    suite: Suite,
}

/// The sender's context: seals messages in order and exports secrets.
#[pyclass(frozen, module = "pqpay._native")]
pub struct HpkeSenderContext {
    ctx: Mutex<SenderContext>,
}

/// The recipient's context: opens messages in the order they were sealed and exports secrets.
#[pyclass(frozen, module = "pqpay._native")]
pub struct HpkeReceiverContext {
    ctx: Mutex<ReceiverContext>,
}

/// A poisoned lock means a panic inside the core; report it instead of propagating it.
fn poisoned() -> CoreError {
    CoreError(Error::InvalidArgument(
        "HPKE context is unusable after an internal failure".into(),
    ))
}

/// Called only inside `detach`: waiting for a context that another thread is sealing with must
/// not hold the GIL (every Python thread would stall for the whole seal).
fn lock<T>(m: &Mutex<T>) -> BindResult<std::sync::MutexGuard<'_, T>> {
    m.lock().map_err(|_| poisoned())
}

#[pymethods]
impl HpkeSuite {
    #[new]
    fn new(
        kem_id: &Bound<'_, PyAny>,
        kdf_id: &Bound<'_, PyAny>,
        aead_id: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        guard(|| {
            operational()?;
            let kem_id = int_arg::<u16>(kem_id, "kem_id")?;
            let kdf_id = int_arg::<u16>(kdf_id, "kdf_id")?;
            let aead_id = int_arg::<u16>(aead_id, "aead_id")?;
            Ok(HpkeSuite {
                suite: Suite::from_ids(kem_id, kdf_id, aead_id).map_err(CoreError)?,
            })
        })
    }

    #[getter]
    fn kem_algorithm(&self) -> PyResult<&'static str> {
        guard(|| Ok(self.suite.kem().name()))
    }

    fn derive_key_pair(&self, py: Python<'_>, ikm: &[u8]) -> PyResult<KemPrivateKey> {
        guard(|| {
            operational()?;
            let inner = detach(py, || self.suite.derive_key_pair(ikm))?;
            Ok(KemPrivateKey { inner })
        })
    }

    fn seal<'py>(
        &self,
        py: Python<'py>,
        public_key: &KemPublicKey,
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> PyResult<Bound<'py, PyTuple>> {
        guard(|| {
            operational()?;
            let (enc, ct) = detach(py, || {
                self.suite.seal(&public_key.inner, info, aad, plaintext)
            })?;
            PyTuple::new(py, [bytes_out(py, &enc)?, bytes_out(py, &ct)?])
        })
    }

    fn open<'py>(
        &self,
        py: Python<'py>,
        private_key: &KemPrivateKey,
        enc: &[u8],
        info: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            operational()?;
            let pt = detach(py, || {
                self.suite
                    .open(enc, &private_key.inner, info, aad, ciphertext)
            })?;
            bytes_out(py, &pt)
        })
    }

    #[pyo3(signature = (public_key, info, ikm_e=None))]
    fn setup_sender<'py>(
        &self,
        py: Python<'py>,
        public_key: &KemPublicKey,
        info: &[u8],
        ikm_e: Option<&[u8]>,
    ) -> PyResult<(Bound<'py, PyBytes>, HpkeSenderContext)> {
        guard(|| {
            operational()?;
            let (enc, ctx) = detach(py, || match ikm_e {
                Some(ikm) => self.suite.setup_sender_derand(&public_key.inner, info, ikm),
                None => self.suite.setup_sender(&public_key.inner, info),
            })?;
            Ok((
                bytes_out(py, &enc)?,
                HpkeSenderContext {
                    ctx: Mutex::new(ctx),
                },
            ))
        })
    }

    fn setup_receiver(
        &self,
        py: Python<'_>,
        private_key: &KemPrivateKey,
        enc: &[u8],
        info: &[u8],
    ) -> PyResult<HpkeReceiverContext> {
        guard(|| {
            operational()?;
            let ctx = detach(py, || {
                self.suite.setup_receiver(enc, &private_key.inner, info)
            })?;
            Ok(HpkeReceiverContext {
                ctx: Mutex::new(ctx),
            })
        })
    }

    /// The receiver context from a shared secret decapsulated outside (an HSM-held key).
    fn setup_receiver_from_shared_secret(
        &self,
        py: Python<'_>,
        shared_secret: &[u8],
        info: &[u8],
    ) -> PyResult<HpkeReceiverContext> {
        guard(|| {
            operational()?;
            let ctx = detach(py, || {
                self.suite
                    .setup_receiver_from_shared_secret(shared_secret, info)
            })?;
            Ok(HpkeReceiverContext {
                ctx: Mutex::new(ctx),
            })
        })
    }
}

/// The methods of a sender or a receiver context, written once: `$op` (`seal` / `open`) with
/// its payload argument `$payload` (named as Python sees it), `export`, `sequence_number` and
/// `__repr__`. Every context lock is taken inside `detach`: another thread may hold the
/// context for a long seal, and waiting for it with the GIL held would stall every Python thread.
macro_rules! context_methods {
    ($context:ident, $op:ident, $payload:ident, $repr:literal) => {
        #[pymethods]
        impl $context {
            fn $op<'py>(
                &self,
                py: Python<'py>,
                aad: &[u8],
                $payload: &[u8],
            ) -> PyResult<Bound<'py, PyBytes>> {
                guard(|| {
                    let out = detach(py, || {
                        lock(&self.ctx)?.$op(aad, $payload).map_err(CoreError::from)
                    })?;
                    bytes_out(py, &out)
                })
            }

            fn export<'py>(
                &self,
                py: Python<'py>,
                exporter_context: &[u8],
                length: &Bound<'py, PyAny>,
            ) -> PyResult<Bound<'py, PyBytes>> {
                guard(|| {
                    let length = int_arg::<usize>(length, "length")?;
                    let out = detach(py, || {
                        lock(&self.ctx)?
                            .export(exporter_context, length)
                            .map_err(CoreError::from)
                    })?;
                    bytes_out(py, &out)
                })
            }

            #[getter]
            fn sequence_number(&self, py: Python<'_>) -> PyResult<u64> {
                guard(|| {
                    Ok(detach(py, || {
                        Ok::<_, CoreError>(lock(&self.ctx)?.sequence_number())
                    })?)
                })
            }

            fn __repr__(&self) -> PyResult<&'static str> {
                guard(|| Ok($repr))
            }
        }
    };
}

context_methods!(HpkeSenderContext, seal, plaintext, "<HPKE sender context>");
context_methods!(
    HpkeReceiverContext,
    open,
    ciphertext,
    "<HPKE receiver context>"
);
