//! ML-KEM key generation on liboqs (the `oqs` crate over `oqs-sys`: liboqs 0.13's mlkem-native
//! with its AVX2 code, chosen at run time).
//!
//! Measured here in one run (benches/rust/engines.rs, µs, loaded machine): liboqs's
//! KeyGen_internal(d, z) takes 15 / 25 / 32 µs for ML-KEM-512/768/1024 against 26 / 54 / 52 for
//! libcrux 0.0.11's unpacked key generation, which also samples the matrix A that only
//! decapsulation needs. Encapsulation and decapsulation stay on libcrux's unpacked keys, which
//! cache A, t̂, ŝ and H(ek) and beat liboqs's packed calls (see `mlkem.rs`).

use std::sync::OnceLock;

use oqs::kem::{Algorithm, Kem};
use zeroize::Zeroizing;

use super::KemAlgorithm;
use crate::{Error, Result};

/// liboqs's KEM object for `alg`, made once (`Kem::new` allocates; it holds sizes and function
/// pointers only).
fn kem(alg: KemAlgorithm) -> Result<&'static Kem> {
    static CELLS: [OnceLock<Option<Kem>>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let (cell, algorithm) = match alg {
        KemAlgorithm::MlKem512 => (&CELLS[0], Algorithm::MlKem512),
        KemAlgorithm::MlKem768 => (&CELLS[1], Algorithm::MlKem768),
        KemAlgorithm::MlKem1024 => (&CELLS[2], Algorithm::MlKem1024),
        other => {
            return Err(Error::UnsupportedAlgorithm(format!(
                "{} is not an ML-KEM algorithm",
                other.name()
            )))
        }
    };
    cell.get_or_init(|| {
        oqs::init();
        Kem::new(algorithm).ok()
    })
    .as_ref()
    .ok_or_else(|| Error::Internal(format!("liboqs was built without {}", alg.name())))
}

/// ML-KEM.KeyGen_internal(d, z) for the 64-byte `seed = d || z`: (ek, dk) in their FIPS 203
/// encodings, dk in a zeroized buffer.
pub(super) fn generate(
    alg: KemAlgorithm,
    seed: &[u8; 64],
) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>)> {
    let k = kem(alg)?;
    let seed = k
        .keypair_seed_from_bytes(seed)
        .ok_or_else(|| Error::Internal("liboqs ML-KEM seed length differs".into()))?;
    let (ek, dk) = k
        .keypair_derand(seed)
        .map_err(|_| Error::Internal("liboqs ML-KEM key generation failed".into()))?;
    // `into_vec` moves the buffer liboqs wrote: no copy of dk is left behind.
    Ok((ek.into_vec(), Zeroizing::new(dk.into_vec())))
}
