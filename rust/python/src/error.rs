//! The one place where core errors become Python exceptions (classes live in `pqpay.exceptions`).

use pqpay_core::Error;
use pyo3::exceptions::{PyMemoryError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use pyo3::PyErr;

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

/// `bytes` holding a copy of `data`, or Python's `MemoryError` when it cannot be allocated
/// (`PyBytes::new` panics then, which [`guard`] would report as an `InternalError`).
pub fn bytes_out<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    PyBytes::new_with(py, data.len(), |b| {
        b.copy_from_slice(data);
        Ok(())
    })
}

/// Batch calls work through their items this many at a time: the native side holds one
/// chunk's results at once, and what grows with the batch is Python objects, whose allocation
/// failure is a `MemoryError` (a failed Rust allocation would abort the process).
pub const BATCH_CHUNK: usize = 1024;

/// Address space a chunk's native work may need (its results and the engines' buffers).
const CHUNK_HEADROOM: usize = 8 << 20;

/// `MemoryError` unless [`CHUNK_HEADROOM`] bytes can be allocated now: checked (and freed)
/// before each chunk's native work, because the Python objects of the chunks before may have
/// filled the memory, and a native allocation failing in the work would abort the process.
fn ensure_headroom() -> PyResult<()> {
    let mut room: Vec<u8> = Vec::new();
    room.try_reserve_exact(CHUNK_HEADROOM)
        .map_err(|_| PyMemoryError::new_err("out of memory: no room for the next batch chunk"))?;
    // Kept observable so the allocation is not optimised away.
    std::hint::black_box(&room);
    Ok(())
}

/// Takes `items` (any Python iterable) [`BATCH_CHUNK`] at a time: `extract` turns each item
/// into `T` with the GIL held, `work` runs on the chunk with it released and returns the
/// chunk's results in one value `B` (outputs the core allocated up front), and `append` adds
/// them as Python objects, in order, to the list returned.
pub fn batched_into<'py, T, B, E, F, A>(
    py: Python<'py>,
    items: &Bound<'py, PyAny>,
    extract: E,
    work: F,
    append: A,
) -> PyResult<Bound<'py, PyList>>
where
    T: Send + Sync,
    B: Send,
    E: Fn(Bound<'py, PyAny>) -> PyResult<T>,
    F: Fn(&[T]) -> pqpay_core::Result<B> + Sync,
    A: Fn(Python<'py>, &B, &Bound<'py, PyList>) -> PyResult<()>,
{
    let list = PyList::empty(py);
    let mut iter = items.try_iter()?;
    let mut chunk: Vec<T> = Vec::with_capacity(BATCH_CHUNK);
    loop {
        chunk.clear();
        for item in iter.by_ref().take(BATCH_CHUNK) {
            chunk.push(extract(item?)?);
        }
        if chunk.is_empty() {
            return Ok(list);
        }
        ensure_headroom()?;
        let results = detach(py, || work(&chunk))?;
        append(py, &results, &list)?;
        if chunk.len() < BATCH_CHUNK {
            return Ok(list);
        }
    }
}
