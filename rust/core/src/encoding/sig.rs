//! Signature keys in the PKCS#8 / SPKI pipeline of [`super::pkcs8`].
//!
//! | family | OID | PKCS#8 `privateKey` contents | SPKI `subjectPublicKey` |
//! |---|---|---|---|
//! | ML-DSA-44/65/87 (RFC 9881) | 2.16.840.1.101.3.4.3.17 / .18 / .19 | `ML-DSA-xx-PrivateKey` CHOICE (below) | raw `pk` |
//! | Ed25519 / Ed448 (RFC 8410) | 1.3.101.112 / .113 | `CurvePrivateKey ::= OCTET STRING` (32 / 57) | raw key |
//! | SLH-DSA (RFC 9909) | 2.16.840.1.101.3.4.3.20 – .31 | raw `SK.seed‖SK.prf‖PK.seed‖PK.root` | raw `pk` |
//! | composite ML-DSA (draft -19) | 1.3.6.1.5.5.7.6.39 / .48 / .51 / .45 / .49 | raw composite `sk` | raw composite `pk` |
//!
//! The ML-DSA private key (RFC 9881) is
//!
//! ```text
//! ML-DSA-xx-PrivateKey ::= CHOICE {
//!   seed        [0] IMPLICIT OCTET STRING (SIZE (32)),      -- tag 0x80
//!   expandedKey OCTET STRING (SIZE (2560 | 4032 | 4896)),   -- tag 0x04
//!   both        SEQUENCE {                                  -- tag 0x30
//!     seed        OCTET STRING (SIZE (32)),
//!     expandedKey OCTET STRING (SIZE (2560 | 4032 | 4896)) } }
//! ```
//!
//! The KEM-or-signature loaders ([`load_der_private_key_any`] and friends) live in
//! [`super`] and are re-exported here.

use std::borrow::Cow;

use zeroize::Zeroizing;

use super::pkcs8::{self, KeyFamily, PrivateKeyForm, SeedChoice};
use crate::sig::{mldsa, SigAlgorithm, SigFamily, SigningKey, VerifyingKey};
use crate::{Error, Result};

pub use super::{
    load_der_private_key_any, load_der_public_key_any, load_pem_private_key_any,
    load_pem_public_key_any, AnyPrivateKey, AnyPublicKey,
};

/// Which `ML-DSA-xx-PrivateKey` CHOICE to write (the seed by default, the form RFC 9881
/// recommends). The other families have a single form and ignore it.
pub type MlDsaPrivateKeyForm = PrivateKeyForm;

/// The FIPS 204 seed length.
const MLDSA_SEED_LEN: usize = 32;

/// Every signature OID as "OID (name)", for error messages.
pub(crate) fn known_oids() -> String {
    SigAlgorithm::ALL
        .iter()
        .map(|a| format!("{} ({})", a.oid(), a.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The signature family in the pipeline.
pub(crate) struct Sig;

impl KeyFamily for Sig {
    type Alg = SigAlgorithm;
    type Private = SigningKey;
    type Public = VerifyingKey;

    fn from_oid(dotted: &str) -> Option<SigAlgorithm> {
        SigAlgorithm::from_oid(dotted)
    }

    fn unknown_oid(dotted: &str) -> Error {
        Error::UnsupportedAlgorithm(format!(
            "unknown or unsupported signature key algorithm OID {dotted}; expected one of {}",
            known_oids()
        ))
    }

    fn name(alg: SigAlgorithm) -> &'static str {
        alg.name()
    }

    fn oid(alg: SigAlgorithm) -> Result<&'static str> {
        Ok(alg.oid())
    }

    fn private_algorithm(key: &SigningKey) -> SigAlgorithm {
        key.algorithm()
    }

    fn public_algorithm(key: &VerifyingKey) -> SigAlgorithm {
        key.algorithm()
    }

    fn read_private(alg: SigAlgorithm, contents: &[u8]) -> Result<SigningKey> {
        match alg.family() {
            SigFamily::MlDsa => read_mldsa(alg, contents),
            SigFamily::EdDsa => SigningKey::from_private_bytes(
                alg,
                pkcs8::read_curve_private_key(alg.name(), contents)?,
            ),
            // RFC 9909 and the composite draft put the raw key in the OCTET STRING.
            SigFamily::SlhDsa | SigFamily::Composite => {
                SigningKey::from_private_bytes(alg, contents)
            }
        }
    }

    fn write_private(key: &SigningKey, form: PrivateKeyForm) -> Result<Zeroizing<Vec<u8>>> {
        let alg = key.algorithm();
        let name = alg.name();
        match alg.family() {
            SigFamily::MlDsa => {
                let seed = match form {
                    PrivateKeyForm::Expanded => Zeroizing::new(Vec::new()),
                    _ => key.private_bytes().map_err(|_| {
                        Error::InvalidArgument(format!(
                            "this {name} key was imported in expanded form and has no seed, so it \
                             cannot be written in the {form:?} form; use MlDsaPrivateKeyForm::Expanded"
                        ))
                    })?,
                };
                let expanded = match form {
                    PrivateKeyForm::Seed => Zeroizing::new(Vec::new()),
                    _ => mldsa::expanded_private_key(key).ok_or_else(|| {
                        Error::Internal(format!("this {name} key has no expanded form"))
                    })?,
                };
                Ok(pkcs8::write_seed_choice(form, &seed, &expanded))
            }
            SigFamily::EdDsa => Ok(pkcs8::write_curve_private_key(&key.private_bytes()?)),
            SigFamily::SlhDsa | SigFamily::Composite => key.private_bytes(),
        }
    }

    fn derived_public(key: &SigningKey) -> Vec<u8> {
        key.verifying_key().to_bytes()
    }

    fn read_public(alg: SigAlgorithm, raw: &[u8]) -> Result<VerifyingKey> {
        VerifyingKey::from_bytes(alg, raw)
    }

    fn public_bytes(key: &VerifyingKey) -> Cow<'_, [u8]> {
        Cow::Owned(key.to_bytes())
    }
}

/// Fails unless `part` has `len` bytes (`len_text` in words), naming it `what`.
fn check_len(part: &[u8], len: usize, len_text: &'static str, what: &'static str) -> Result<()> {
    if part.len() != len {
        return Err(Error::InvalidLength {
            what,
            expected: len_text,
            got: part.len(),
        });
    }
    Ok(())
}

/// The expanded-key length check of an ML-DSA parameter set.
fn check_expanded_len(alg: SigAlgorithm, expanded: &[u8]) -> Result<()> {
    let (len, text, what) = match alg {
        SigAlgorithm::MlDsa44 => (2560, "2560", "ML-DSA-44 expandedKey"),
        SigAlgorithm::MlDsa87 => (4896, "4896", "ML-DSA-87 expandedKey"),
        _ => (4032, "4032", "ML-DSA-65 expandedKey"),
    };
    check_len(expanded, len, text, what)
}

/// Builds an ML-DSA key from its `ML-DSA-xx-PrivateKey` CHOICE, sizes checked first.
fn read_mldsa(alg: SigAlgorithm, contents: &[u8]) -> Result<SigningKey> {
    match pkcs8::read_seed_choice(alg.name(), contents)? {
        SeedChoice::Seed(seed) => {
            check_len(seed, MLDSA_SEED_LEN, "32", "ML-DSA private key seed [0]")?;
            SigningKey::from_private_bytes(alg, seed)
        }
        SeedChoice::Expanded(expanded) => {
            check_expanded_len(alg, expanded)?;
            mldsa::signing_key_from_expanded(alg, expanded)
        }
        SeedChoice::Both { seed, expanded } => {
            check_len(seed, MLDSA_SEED_LEN, "32", "ML-DSA `both` seed")?;
            check_expanded_len(alg, expanded)?;
            let key = SigningKey::from_private_bytes(alg, seed)?;
            let regenerated = mldsa::expanded_private_key(&key).ok_or_else(|| {
                Error::Internal(format!(
                    "{} key from a seed has no expanded form",
                    alg.name()
                ))
            })?;
            pkcs8::check_both(alg.name(), &regenerated, expanded)?;
            Ok(key)
        }
    }
}

/// Parses a DER PKCS#8 signature private key (v1 or v2), dispatching on the OID.
///
/// Errors: [`Error::Encoding`] for malformed or trailing DER, parameters present or a wrong
/// inner tag; [`Error::InvalidLength`] for a key of the wrong size; [`Error::InvalidKey`] when
/// a v2 `publicKey` or an ML-DSA `both` expanded key disagrees with the private key;
/// [`Error::UnsupportedAlgorithm`] for an OID that is not a signature algorithm of pqpay.
pub fn load_der_private_key(data: &[u8]) -> Result<SigningKey> {
    pkcs8::load_der_private::<Sig>(data)
}

/// Parses a PEM (`PRIVATE KEY`) PKCS#8 signature private key; see [`load_der_private_key`].
pub fn load_pem_private_key(data: &[u8]) -> Result<SigningKey> {
    pkcs8::load_pem_private::<Sig>(data)
}

/// Parses a DER SubjectPublicKeyInfo signature public key, dispatching on the OID.
///
/// Errors as for [`load_der_private_key`]; a key the family rejects gives its error.
pub fn load_der_public_key(data: &[u8]) -> Result<VerifyingKey> {
    pkcs8::load_der_public::<Sig>(data)
}

/// Parses a PEM (`PUBLIC KEY`) SubjectPublicKeyInfo; see [`load_der_public_key`].
pub fn load_pem_public_key(data: &[u8]) -> Result<VerifyingKey> {
    pkcs8::load_pem_public::<Sig>(data)
}

/// Encodes a signature private key as DER PKCS#8 (v1, no attributes, no public key).
///
/// `form` picks the ML-DSA private-key CHOICE and is ignored by the other families.
/// Errors: [`Error::InvalidArgument`] when `form` needs a seed the key does not have (an
/// ML-DSA key imported in expanded form can only be written as [`MlDsaPrivateKeyForm::Expanded`]).
pub fn private_key_to_der(
    key: &SigningKey,
    form: MlDsaPrivateKeyForm,
) -> Result<Zeroizing<Vec<u8>>> {
    pkcs8::private_to_der::<Sig>(key, form)
}

/// Encodes a signature private key as PEM (`PRIVATE KEY`, 64-column lines, LF endings).
pub fn private_key_to_pem(
    key: &SigningKey,
    form: MlDsaPrivateKeyForm,
) -> Result<Zeroizing<Vec<u8>>> {
    pkcs8::private_to_pem::<Sig>(key, form)
}

/// Encodes a signature public key as a DER SubjectPublicKeyInfo.
pub fn public_key_to_der(key: &VerifyingKey) -> Result<Vec<u8>> {
    pkcs8::public_to_der::<Sig>(key)
}

/// Encodes a signature public key as PEM (`PUBLIC KEY`, 64-column lines, LF endings).
pub fn public_key_to_pem(key: &VerifyingKey) -> Result<String> {
    pkcs8::public_to_pem::<Sig>(key)
}
