//! Integer arguments from Python: a bare `u16`/`usize`/`u64` parameter makes PyO3 raise
//! `OverflowError` for a negative or too large int, while the API promises `ValueError`.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyInt;

/// An integer type an argument is converted to, with its range as the error message states it.
pub trait IntRange {
    /// `{}` stands for the argument's name.
    const RANGE: &'static str;
}

impl IntRange for u16 {
    const RANGE: &'static str = "0 <= {} < 2**16";
}

impl IntRange for u64 {
    const RANGE: &'static str = "0 <= {} < 2**64";
}

impl IntRange for usize {
    #[cfg(target_pointer_width = "64")]
    const RANGE: &'static str = "0 <= {} < 2**64";
    #[cfg(target_pointer_width = "32")]
    const RANGE: &'static str = "0 <= {} < 2**32";
}

impl IntRange for i64 {
    const RANGE: &'static str = "-2**63 <= {} < 2**63";
}

/// `obj` as a `T`: `TypeError` for a non-int, `ValueError` naming the range for an int outside it.
pub fn int_arg<'py, T>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<T>
where
    T: IntRange + for<'a> FromPyObject<'a, 'py>,
{
    if !obj.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!("{what} must be an int")));
    }
    obj.extract::<T>().map_err(|_| {
        PyValueError::new_err(format!(
            "{what} must be in the range {}",
            T::RANGE.replace("{}", what)
        ))
    })
}
