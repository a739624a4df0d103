//! Groth16 keys and proofs as Python objects; every call converts, calls the core and maps
//! errors, with the GIL released for parsing (subgroup checks) and verification.

use pqpay_core::groth16::{BatchItem, Curve, Proof, VerifyingKey};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::error::{bytes_out, detach, guard, operational, BindResult};
use crate::value::{eq_other, hash_of};

fn curve(name: &str) -> BindResult<Curve> {
    Ok(Curve::from_name(name)?)
}

/// Parses a key or proof with the GIL released (the subgroup checks are the slow part).
fn parsed<T: Send>(
    py: Python<'_>,
    parse: impl FnOnce() -> pqpay_core::Result<T> + Send,
) -> BindResult<T> {
    operational()?;
    detach(py, parse)
}

/// A validated, prepared Groth16 verifying key (BN254 or BLS12-381).
#[pyclass(frozen, module = "pqpay._native")]
pub struct Groth16VerifyingKey {
    inner: VerifyingKey,
}

/// A Groth16 proof whose points passed the curve and subgroup checks.
#[pyclass(frozen, module = "pqpay._native")]
pub struct Groth16Proof {
    inner: Proof,
}

/// The `#[pymethods]` block of a key or proof class: the arkworks reader, the two writers and
/// `curve`, which both have, then the class's own methods (`$($own)*`).
macro_rules! groth16_methods {
    ($class:ident, $core:ident; $($own:tt)*) => {
        #[pymethods]
        impl $class {
            #[staticmethod]
            fn from_arkworks_bytes(
                py: Python<'_>,
                curve_name: &str,
                data: &[u8],
            ) -> PyResult<Self> {
                guard(|| {
                    let inner = parsed(py, || {
                        $core::from_arkworks_bytes(Curve::from_name(curve_name)?, data)
                    })?;
                    Ok($class { inner })
                })
            }

            fn to_snarkjs_json(&self) -> PyResult<String> {
                guard(|| Ok(self.inner.to_snarkjs_json()))
            }

            fn to_arkworks_bytes<'py>(
                &self,
                py: Python<'py>,
                compressed: bool,
            ) -> PyResult<Bound<'py, PyBytes>> {
                guard(|| bytes_out(py, &self.inner.to_arkworks_bytes(compressed)))
            }

            #[getter]
            fn curve(&self) -> PyResult<&'static str> {
                guard(|| Ok(self.inner.curve().name()))
            }

            $($own)*
        }
    };
}

groth16_methods! {
    Groth16VerifyingKey, VerifyingKey;
    #[staticmethod]
    fn from_snarkjs_json(py: Python<'_>, json: &str) -> PyResult<Self> {
        guard(|| {
            let inner = parsed(py, || VerifyingKey::from_snarkjs_json(json))?;
            Ok(Groth16VerifyingKey { inner })
        })
    }

    #[getter]
    fn num_public_inputs(&self) -> PyResult<usize> {
        guard(|| Ok(self.inner.num_public_inputs()))
    }

    /// Verifies one proof; `inputs` are big-endian unsigned integers.
    fn verify(&self, py: Python<'_>, proof: &Groth16Proof, inputs: Vec<Vec<u8>>) -> PyResult<()> {
        guard(|| {
            operational()?;
            Ok(detach(py, || self.inner.verify(&proof.inner, &inputs))?)
        })
    }

    /// Verifies many (proof, inputs) items under this key; one bool per item.
    fn verify_many(
        &self,
        py: Python<'_>,
        items: Vec<(PyRef<'_, Groth16Proof>, Vec<Vec<u8>>)>,
    ) -> PyResult<Vec<bool>> {
        guard(|| {
            operational()?;
            let batch: Vec<BatchItem<'_, Vec<u8>>> = items
                .iter()
                .map(|(proof, inputs)| BatchItem {
                    proof: &proof.inner,
                    inputs,
                })
                .collect();
            Ok(detach(py, || self.inner.verify_many(&batch))?)
        })
    }

    fn __repr__(&self) -> PyResult<String> {
        guard(|| {
            Ok(format!(
                "<Groth16 verifying key {}, {} public inputs>",
                self.inner.curve(),
                self.inner.num_public_inputs()
            ))
        })
    }
}

groth16_methods! {
    Groth16Proof, Proof;
    #[staticmethod]
    #[pyo3(signature = (json, curve_name=None))]
    fn from_snarkjs_json(py: Python<'_>, json: &str, curve_name: Option<&str>) -> PyResult<Self> {
        guard(|| {
            let inner = parsed(py, || {
                Proof::from_snarkjs_json(json, curve_name.map(Curve::from_name).transpose()?)
            })?;
            Ok(Groth16Proof { inner })
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        guard(|| Ok(eq_other(other, |o: &Groth16Proof| o.inner == self.inner)))
    }

    fn __hash__(&self) -> PyResult<u64> {
        guard(|| Ok(hash_of(self.inner.to_arkworks_bytes(true))))
    }

    fn __repr__(&self) -> PyResult<String> {
        guard(|| Ok(format!("<Groth16 proof {}>", self.inner.curve())))
    }
}

/// The scalar field order r of a curve, in decimal.
#[pyfunction]
pub fn groth16_scalar_field_order(curve_name: &str) -> PyResult<String> {
    guard(|| Ok(curve(curve_name)?.scalar_field_order()))
}
