//! PyO3 bindings of pqpay (`pqpay._native`). This crate only converts, calls the core and maps
//! errors; every algorithm lives in `pqpay-core`.

use pqpay_core::Error;
use pyo3::prelude::*;
use pyo3::types::PyList;

mod args;
mod encoding;
mod encrypted;
mod error;
mod groth16;
mod hpke;
mod hsm;
mod kem;
mod merkle;
mod sig;
mod sig_mldsa;
mod sig_slhdsa;
mod value;
mod webhook;

use error::{detach, guard};

/// Results of the power-on self-tests: list of (name, passed, microseconds).
#[pyfunction]
fn power_on_selftest<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
    guard(|| {
        let results = detach(py, || Ok::<_, Error>(pqpay_core::selftest::power_on()))?;
        PyList::new(py, results.iter().map(|r| (r.name, r.passed, r.micros)))
    })
}

/// Runs every self-test again now: list of (name, passed, microseconds).
#[pyfunction]
fn run_selftests<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
    guard(|| {
        let results = detach(py, || Ok::<_, Error>(pqpay_core::selftest::run_all()))?;
        PyList::new(py, results.iter().map(|r| (r.name, r.passed, r.micros)))
    })
}

#[pymodule(gil_used = false)]
mod _native {
    #[pymodule_export]
    use super::encoding::{
        load_private_key, load_public_key, private_key_to_pkcs8, public_key_to_spki,
        sig_private_key_to_pkcs8, sig_public_key_to_spki,
    };
    #[pymodule_export]
    use super::encrypted::{
        describe_encrypted_private_key, encrypt_private_key, load_encrypted_private_key,
        private_key_is_encrypted,
    };
    #[pymodule_export]
    use super::groth16::{groth16_scalar_field_order, Groth16Proof, Groth16VerifyingKey};
    #[pymodule_export]
    use super::hpke::{HpkeReceiverContext, HpkeSenderContext, HpkeSuite};
    #[pymodule_export]
    use super::hsm::{
        aes256gcm_open, aes256gcm_seal, composite_label, composite_message_representative,
    };
    #[pymodule_export]
    use super::kem::{encapsulate_many, x25519_exchange, KemPrivateKey, KemPublicKey};
    #[pymodule_export]
    use super::merkle::{
        merkle_consistency_plan, merkle_consistency_proof, merkle_inclusion_plan,
        merkle_inclusion_proof, merkle_leaf_hash, merkle_leaf_hashes, merkle_node_hash,
        merkle_root, merkle_root_plan, merkle_verify_consistency, merkle_verify_inclusion,
        MerkleCompactTree, MerkleProofPlan,
    };
    #[pymodule_export]
    use super::sig::{verify_many, SigPrivateKey, SigPublicKey};
    #[pymodule_export]
    use super::sig_mldsa::{
        mldsa_compute_mu, mldsa_expanded, mldsa_from_expanded, mldsa_hazmat_sign_internal,
        mldsa_hazmat_sign_mu_with_rnd, mldsa_hazmat_sign_prehash, mldsa_hazmat_sign_with_rnd,
        mldsa_hazmat_verify_internal, mldsa_hazmat_verify_prehash, mldsa_sign_mu, mldsa_verify_mu,
    };
    #[pymodule_export]
    use super::sig_slhdsa::{
        slhdsa_keygen_internal, slhdsa_sign_internal, slhdsa_sign_prehash, slhdsa_sign_pure,
        slhdsa_verify_internal, slhdsa_verify_prehash,
    };
    #[pymodule_export]
    use super::webhook::X509RsaCertificate;
    #[pymodule_export]
    use super::{power_on_selftest, run_selftests};

    #[pymodule_init]
    fn init(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
        super::guard(|| {
            use pyo3::types::PyModuleMethods;
            m.add("__version__", env!("CARGO_PKG_VERSION"))?;
            // Power-on self-test at import; failures are reported by every later call.
            pqpay_core::selftest::power_on();
            Ok(())
        })
    }
}
