//! The one place where core errors become Python exceptions (classes live in `pqpay.exceptions`).

use pqpay_core::Error;
use pyo3::exceptions::{PyMemoryError, PyValueError};
use pyo3::{PyErr, PyResult, Python};

pyo3::import_exception!(pqpay.exceptions, InvalidKey);
pyo3::import_exception!(pqpay.exceptions, InvalidCiphertext);
pyo3::import_exception!(pqpay.exceptions, InvalidTag);
pyo3::import_exception!(pqpay.exceptions, InvalidSignature);
pyo3::import_exception!(pqpay.exceptions, InvalidProof);
pyo3::import_exception!(pqpay.exceptions, EncodingError);
pyo3::import_exception!(pqpay.exceptions, InvalidPassword);
pyo3::import_exception!(pqpay.exceptions, UnsupportedAlgorithm);
pyo3::import_exception!(pqpay.exceptions, MessageLimitReached);
pyo3::import_exception!(pqpay.exceptions, RandomnessError);
pyo3::import_exception!(pqpay.exceptions, SelfTestFailure);
pyo3::import_exception!(pqpay.exceptions, InternalError);

/// Wraps a core error so `?` converts it.
pub struct CoreError(pub Error);

impl From<Error> for CoreError {
    fn from(e: Error) -> Self {
        CoreError(e)
    }
}

impl From<CoreError> for PyErr {
    fn from(CoreError(e): CoreError) -> PyErr {
        let msg = e.to_string();
        match e {
            Error::InvalidLength { .. } | Error::InvalidArgument(_) => PyValueError::new_err(msg),
            Error::InvalidKey(_) => InvalidKey::new_err(msg),
            Error::InvalidCiphertext(_) => InvalidCiphertext::new_err(msg),
            Error::Encoding(_) => EncodingError::new_err(msg),
            Error::UnsupportedAlgorithm(_) => UnsupportedAlgorithm::new_err(msg),
            // Opaque on purpose: no detail about why authentication failed.
            Error::InvalidTag => InvalidTag::new_err(()),
            Error::InvalidSignature => InvalidSignature::new_err(()),
            Error::InvalidProof => InvalidProof::new_err(()),
            Error::DecryptionFailed => InvalidPassword::new_err(msg),
            Error::MessageLimitReached => MessageLimitReached::new_err(msg),
            Error::Random(_) => RandomnessError::new_err(msg),
            Error::SelfTestFailed(_) => SelfTestFailure::new_err(msg),
            Error::OutOfMemory { .. } => PyMemoryError::new_err(msg),
            Error::Internal(_) => InternalError::new_err(msg),
        }
    }
}

/// The one panic guard: every `#[pyfunction]` / `#[pymethods]` body and the module init is
/// `guard(|| ...)` (tests/test_native_panic_guard.py scans the sources and names any entry point
/// outside it). A panic in `f` becomes `InternalError`, an `Exception`, instead of PyO3's
/// `PanicException`, a `BaseException` that `except Exception` in a server does not catch. It
/// cannot catch what does not unwind: an allocation failure still aborts the process.
pub fn guard<T, F>(f: F) -> PyResult<T>
where
    F: FnOnce() -> PyResult<T>,
{
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(_) => Err(CoreError(internal_failure()).into()),
    }
}

fn internal_failure() -> Error {
    Error::Internal("a native operation failed unexpectedly".into())
}

/// Runs `f` with the GIL released, catching a panic there too (it must not unwind across the
/// GIL re-acquisition); the entry point calling this is itself inside [`guard`].
pub fn detach<T, E, F>(py: Python<'_>, f: F) -> BindResult<T>
where
    T: Send,
    E: Into<CoreError> + Send,
    F: FnOnce() -> Result<T, E> + Send,
{
    py.detach(
        move || match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            Ok(result) => result.map_err(Into::into),
            Err(_) => Err(CoreError(internal_failure())),
        },
    )
}

/// Result alias for binding functions.
pub type BindResult<T> = Result<T, CoreError>;

/// Refuses to operate after a failed power-on self-test.
pub fn operational() -> BindResult<()> {
    pqpay_core::selftest::check().map_err(CoreError)
}
