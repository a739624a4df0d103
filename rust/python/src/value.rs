//! Python value semantics of the frozen key and proof classes: `__eq__` against any object and
//! a `__hash__` that agrees with it.

use std::hash::{DefaultHasher, Hash, Hasher};

use pyo3::prelude::*;
use pyo3::pyclass::boolean_struct::True;
use pyo3::PyClass;

/// `other` is a `T` and `eq` holds for it (`__eq__`: any other object is simply unequal).
pub(crate) fn eq_other<T>(other: &Bound<'_, PyAny>, eq: impl FnOnce(&T) -> bool) -> bool
where
    T: PyClass<Frozen = True> + Sync,
{
    other.cast::<T>().is_ok_and(|o| eq(o.get()))
}

/// `__hash__` of the parts `__eq__` compares.
pub(crate) fn hash_of(parts: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}
