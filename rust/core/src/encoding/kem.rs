//! KEM keys in the PKCS#8 / SPKI pipeline of [`super::pkcs8`].
//!
//! | algorithm | OID | PKCS#8 `privateKey` contents | SPKI `subjectPublicKey` |
//! |---|---|---|---|
//! | ML-KEM-512/768/1024 | 2.16.840.1.101.3.4.4.1 / .2 / .3 | `ML-KEM-xx-PrivateKey` CHOICE (below) | raw `ek` |
//! | X25519 (RFC 8410) | 1.3.101.110 | `CurvePrivateKey ::= OCTET STRING` (32 bytes) | raw 32 bytes |
//! | X-Wing | 1.3.6.1.4.1.62253.25722 | the raw 32-byte seed | raw 1216-byte `pk` |
//!
//! The ML-KEM private key (draft-ietf-lamps-kyber-certificates) is
//!
//! ```text
//! ML-KEM-xx-PrivateKey ::= CHOICE {
//!   seed        [0] IMPLICIT OCTET STRING (SIZE (64)),      -- tag 0x80
//!   expandedKey OCTET STRING (SIZE (1632 | 2400 | 3168)),   -- tag 0x04
//!   both        SEQUENCE {                                  -- tag 0x30
//!     seed        OCTET STRING (SIZE (64)),
//!     expandedKey OCTET STRING (SIZE (1632 | 2400 | 3168)) } }
//! ```
//!
//! X25519MLKEM768, MLKEM768-P256 and MLKEM1024-P384 have no OID, hence no PKCS#8 or SPKI form:
//! they give [`Error::UnsupportedAlgorithm`]; store their seed instead.

use std::borrow::Cow;

use zeroize::Zeroizing;

use super::pkcs8::{self, KeyFamily, PrivateKeyForm, SeedChoice};
use crate::kem::{mlkem, DecapsulationKey, EncapsulationKey, KemAlgorithm};
use crate::{Error, Result};

/// Which `ML-KEM-xx-PrivateKey` CHOICE to write (the seed by default). X25519 and X-Wing have
/// a single form and ignore it.
pub type MlKemPrivateKeyForm = PrivateKeyForm;

/// The KEMs with a standard PKCS#8/SPKI form, and their dotted-decimal OIDs.
const OIDS: &[(KemAlgorithm, &str)] = &[
    (KemAlgorithm::MlKem512, "2.16.840.1.101.3.4.4.1"),
    (KemAlgorithm::MlKem768, "2.16.840.1.101.3.4.4.2"),
    (KemAlgorithm::MlKem1024, "2.16.840.1.101.3.4.4.3"),
    (KemAlgorithm::X25519, "1.3.101.110"),
    (KemAlgorithm::XWing, "1.3.6.1.4.1.62253.25722"),
];

/// The dotted-decimal OID of `alg`'s keys in PKCS#8 and SubjectPublicKeyInfo.
///
/// Fails with [`Error::UnsupportedAlgorithm`] for X25519MLKEM768, MLKEM768-P256 and
/// MLKEM1024-P384, which have no standard OID.
pub fn algorithm_oid(alg: KemAlgorithm) -> Result<&'static str> {
    OIDS.iter()
        .find(|(a, _)| *a == alg)
        .map(|&(_, dotted)| dotted)
        .ok_or_else(|| {
            Error::UnsupportedAlgorithm(format!(
                "there is no standard PKCS#8/SPKI form for {} (no OID is assigned); store its seed instead",
                alg.name()
            ))
        })
}

/// The KEM OIDs as "OID (name)", for error messages.
pub(crate) fn known_oids() -> String {
    OIDS.iter()
        .map(|(a, dotted)| format!("{dotted} ({})", a.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The KEM family in the pipeline.
pub(crate) struct Kem;

impl KeyFamily for Kem {
    type Alg = KemAlgorithm;
    type Private = DecapsulationKey;
    type Public = EncapsulationKey;

    fn from_oid(dotted: &str) -> Option<KemAlgorithm> {
        OIDS.iter().find(|(_, d)| *d == dotted).map(|&(a, _)| a)
    }

    fn unknown_oid(dotted: &str) -> Error {
        Error::UnsupportedAlgorithm(format!(
            "unknown or unsupported key algorithm OID {dotted}; expected one of {}",
            known_oids()
        ))
    }

    fn name(alg: KemAlgorithm) -> &'static str {
        alg.name()
    }

    fn oid(alg: KemAlgorithm) -> Result<&'static str> {
        algorithm_oid(alg)
    }

    fn private_algorithm(key: &DecapsulationKey) -> KemAlgorithm {
        key.algorithm()
    }

    fn public_algorithm(key: &EncapsulationKey) -> KemAlgorithm {
        key.algorithm()
    }

    fn read_private(alg: KemAlgorithm, contents: &[u8]) -> Result<DecapsulationKey> {
        match alg {
            KemAlgorithm::MlKem512 | KemAlgorithm::MlKem768 | KemAlgorithm::MlKem1024 => {
                read_mlkem(alg, contents)
            }
            KemAlgorithm::X25519 => DecapsulationKey::from_seed(
                alg,
                pkcs8::read_curve_private_key(alg.name(), contents)?,
            ),
            // X-Wing's privateKey holds the raw seed, not wrapped again.
            _ => DecapsulationKey::from_seed(alg, contents),
        }
    }

    fn write_private(dk: &DecapsulationKey, form: PrivateKeyForm) -> Result<Zeroizing<Vec<u8>>> {
        let alg = dk.algorithm();
        let name = alg.name();
        let no_key = || Error::InvalidArgument(format!("this {name} key has no private key bytes"));
        match alg {
            KemAlgorithm::MlKem512 | KemAlgorithm::MlKem768 | KemAlgorithm::MlKem1024 => {
                let seed = match form {
                    PrivateKeyForm::Expanded => &[][..],
                    _ => dk.seed().ok_or_else(|| {
                        Error::InvalidArgument(format!(
                            "this {name} key was imported in expanded form and has no seed, so it \
                             cannot be written in the {form:?} form; use MlKemPrivateKeyForm::Expanded"
                        ))
                    })?,
                };
                let expanded = match form {
                    PrivateKeyForm::Seed => &[][..],
                    _ => mlkem::expanded_bytes(dk).ok_or_else(no_key)?,
                };
                Ok(pkcs8::write_seed_choice(form, seed, expanded))
            }
            KemAlgorithm::X25519 => Ok(pkcs8::write_curve_private_key(
                dk.seed().ok_or_else(no_key)?,
            )),
            _ => Ok(Zeroizing::new(dk.seed().ok_or_else(no_key)?.to_vec())),
        }
    }

    fn derived_public(key: &DecapsulationKey) -> Vec<u8> {
        key.public_key().as_bytes().to_vec()
    }

    fn read_public(alg: KemAlgorithm, raw: &[u8]) -> Result<EncapsulationKey> {
        EncapsulationKey::from_bytes(alg, raw)
    }

    fn public_bytes(key: &EncapsulationKey) -> Cow<'_, [u8]> {
        Cow::Borrowed(key.as_bytes())
    }
}

/// The expected expanded-key length of an ML-KEM parameter set, as number and text.
fn mlkem_expanded_len(alg: KemAlgorithm) -> (usize, &'static str, &'static str) {
    match alg {
        KemAlgorithm::MlKem512 => (
            1632,
            "1632",
            "ML-KEM-512 expandedKey in the `both` private key",
        ),
        KemAlgorithm::MlKem1024 => (
            3168,
            "3168",
            "ML-KEM-1024 expandedKey in the `both` private key",
        ),
        _ => (
            2400,
            "2400",
            "ML-KEM-768 expandedKey in the `both` private key",
        ),
    }
}

/// Builds an ML-KEM key from its `ML-KEM-xx-PrivateKey` CHOICE; the seed and expanded
/// constructors check their own sizes.
fn read_mlkem(alg: KemAlgorithm, contents: &[u8]) -> Result<DecapsulationKey> {
    match pkcs8::read_seed_choice(alg.name(), contents)? {
        SeedChoice::Seed(seed) => DecapsulationKey::from_seed(alg, seed),
        SeedChoice::Expanded(expanded) => mlkem::decapsulation_key_from_expanded(alg, expanded),
        SeedChoice::Both { seed, expanded } => {
            let (len, len_text, len_what) = mlkem_expanded_len(alg);
            if expanded.len() != len {
                return Err(Error::InvalidLength {
                    what: len_what,
                    expected: len_text,
                    got: expanded.len(),
                });
            }
            let key = DecapsulationKey::from_seed(alg, seed)?;
            let regenerated = mlkem::expanded_bytes(&key).unwrap_or_default();
            pkcs8::check_both(alg.name(), regenerated, expanded)?;
            Ok(key)
        }
    }
}

/// Parses a DER PKCS#8 private key (PrivateKeyInfo v1 or OneAsymmetricKey v2) of any
/// supported KEM, dispatching on the OID.
///
/// Errors: [`Error::Encoding`] for malformed or trailing DER, parameters present or a wrong
/// inner tag; [`Error::InvalidLength`] for a key of the wrong size; [`Error::InvalidKey`] when
/// a v2 `publicKey` or an ML-KEM `both` expanded key disagrees with the private key, or an
/// expanded key fails the FIPS 203 checks; [`Error::UnsupportedAlgorithm`] for an unknown OID.
pub fn load_der_private_key(data: &[u8]) -> Result<DecapsulationKey> {
    pkcs8::load_der_private::<Kem>(data)
}

/// Parses a PEM (`PRIVATE KEY`) PKCS#8 private key; see [`load_der_private_key`].
///
/// Any other PEM label gives [`Error::Encoding`] naming the label found and the one expected.
pub fn load_pem_private_key(data: &[u8]) -> Result<DecapsulationKey> {
    pkcs8::load_pem_private::<Kem>(data)
}

/// Parses a DER SubjectPublicKeyInfo of any supported KEM, dispatching on the OID.
///
/// Errors as for [`load_der_private_key`]; a public key that fails validation (e.g. the
/// FIPS 203 modulus check) gives [`Error::InvalidKey`].
pub fn load_der_public_key(data: &[u8]) -> Result<EncapsulationKey> {
    pkcs8::load_der_public::<Kem>(data)
}

/// Parses a PEM (`PUBLIC KEY`) SubjectPublicKeyInfo; see [`load_der_public_key`].
///
/// Any other PEM label gives [`Error::Encoding`] naming the label found and the one expected.
pub fn load_pem_public_key(data: &[u8]) -> Result<EncapsulationKey> {
    pkcs8::load_pem_public::<Kem>(data)
}

/// Encodes a private key as DER PKCS#8 (v1, no attributes, no public key).
///
/// `form` picks the ML-KEM private-key CHOICE and is ignored for X25519 and X-Wing.
/// Errors: [`Error::UnsupportedAlgorithm`] for algorithms without an OID;
/// [`Error::InvalidArgument`] when `form` needs a seed the key does not have (an ML-KEM key
/// imported in expanded form can only be written as [`MlKemPrivateKeyForm::Expanded`]).
pub fn private_key_to_der(
    dk: &DecapsulationKey,
    form: MlKemPrivateKeyForm,
) -> Result<Zeroizing<Vec<u8>>> {
    pkcs8::private_to_der::<Kem>(dk, form)
}

/// Encodes a private key as PEM (`PRIVATE KEY`, 64-column lines, LF line endings).
///
/// See [`private_key_to_der`] for `form` and the errors.
pub fn private_key_to_pem(
    dk: &DecapsulationKey,
    form: MlKemPrivateKeyForm,
) -> Result<Zeroizing<Vec<u8>>> {
    pkcs8::private_to_pem::<Kem>(dk, form)
}

/// Encodes a public key as a DER SubjectPublicKeyInfo.
///
/// Fails with [`Error::UnsupportedAlgorithm`] for algorithms without an OID.
pub fn public_key_to_der(ek: &EncapsulationKey) -> Result<Vec<u8>> {
    pkcs8::public_to_der::<Kem>(ek)
}

/// Encodes a public key as PEM (`PUBLIC KEY`, 64-column lines, LF line endings).
///
/// Fails with [`Error::UnsupportedAlgorithm`] for algorithms without an OID.
pub fn public_key_to_pem(ek: &EncapsulationKey) -> Result<String> {
    pkcs8::public_to_pem::<Kem>(ek)
}
