//! pqpay-core: the cryptographic core of pqpay, free of any Python binding.
//!
//! Families:
//! - [`kem`]: ML-KEM (FIPS 203), X25519, X-Wing, X25519MLKEM768 (TLS), the HPKE-PQ hybrids;
//! - [`hpke`]: RFC 9180 HPKE base mode over those KEMs;
//! - [`sig`]: ML-DSA (FIPS 204), Ed25519/Ed448, SLH-DSA (FIPS 205), composite ML-DSA;
//! - [`groth16`]: Groth16 verification over BN254 and BLS12-381 (snarkjs, arkworks encodings);
//! - [`merkle`]: RFC 9162 Merkle trees (roots, proofs, proof plans, the compact tree);
//! - [`encoding`]: PKCS#8 / SubjectPublicKeyInfo DER and PEM for KEM and signature keys;
//! - [`selftest`]: the power-on known-answer tests;
//! - [`webhook`]: X.509 RSA keys and SHA256withRSA verification for provider webhooks (PayPal).
//!
//! Every fallible function returns [`Result`]; nothing here panics on caller input.
#![deny(clippy::unwrap_used)]

pub mod aead;
mod c_struct;
pub mod encoding;
pub mod error;
pub mod groth16;
pub mod hpke;
mod keccak_native;
pub mod kem;
pub mod merkle;
pub mod par;
pub mod rng;
pub mod selftest;
pub mod sig;
pub mod webhook;

pub use error::{Error, Result};
