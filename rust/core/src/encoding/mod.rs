//! PKCS#8 and SubjectPublicKeyInfo (DER and PEM) for KEM and signature keys, plain or
//! encrypted.
//!
//! - [`pkcs8`] (private): the one pipeline. The envelopes (PKCS#8 v1 and v2, SPKI), the v2
//!   `publicKey` check, the seed-or-expanded CHOICE of ML-KEM and ML-DSA, written once; each
//!   key family describes its OIDs and key contents with a small trait.
//! - [`kem`] (re-exported here: `encoding::load_der_private_key`, ...) and [`sig`]: the two
//!   families, with their tables of OIDs and forms.
//! - the KEM-or-signature loaders below ([`load_der_private_key_any`] and friends) read the
//!   envelope once and hand it to the family the OID names.
//! - [`encrypted`]: RFC 5958 `EncryptedPrivateKeyInfo` (PBES2) around the same PKCS#8.
//! - PEM (RFC 7468, labels `PRIVATE KEY`, `PUBLIC KEY`, `ENCRYPTED PRIVATE KEY`) and the
//!   strict DER reader and writer are shared by all of them.
//!
//! Every AlgorithmIdentifier has its parameters absent. The reader accepts PKCS#8 v1 and v2
//! (OneAsymmetricKey, RFC 5958), skips `attributes`, and checks a v2 `publicKey` against the
//! public key derived from the private key; the writer emits v1 without attributes. A
//! seed-or-expanded CHOICE is told apart by its tag, never by its length, and a `both` key
//! whose expanded key is not the one its seed generates is rejected; the writer chooses the
//! form with [`PrivateKeyForm`] (the seed by default).
//!
//! DER is parsed strictly (definite minimal lengths, no trailing bytes). Nothing here panics
//! on any input. Private-key encodings come back as [`zeroize::Zeroizing`] buffers, and
//! decoded PEM is wiped once parsed.

pub(crate) mod der;
pub mod encrypted;
mod kem;
mod pem;
mod pkcs8;
pub mod sig;

pub use self::kem::{
    algorithm_oid, load_der_private_key, load_der_public_key, load_pem_private_key,
    load_pem_public_key, private_key_to_der, private_key_to_pem, public_key_to_der,
    public_key_to_pem, MlKemPrivateKeyForm,
};
pub use self::pem::{PRIVATE_KEY_PEM_LABEL, PUBLIC_KEY_PEM_LABEL};
pub use self::pkcs8::PrivateKeyForm;

use self::kem::Kem;
use self::pkcs8::{Envelope, KeyFamily};
use self::sig::Sig;
use crate::kem::{DecapsulationKey, EncapsulationKey};
use crate::sig::{SigningKey, VerifyingKey};
use crate::{Error, Result};

/// A private key of either kind, as read from a PKCS#8 document.
pub enum AnyPrivateKey {
    /// A KEM decapsulation key (boxed: it is much larger than a signing-key handle).
    Kem(Box<DecapsulationKey>),
    /// A signature key.
    Sig(SigningKey),
}

/// A public key of either kind, as read from a SubjectPublicKeyInfo.
pub enum AnyPublicKey {
    /// A KEM encapsulation key.
    Kem(EncapsulationKey),
    /// A signature verification key.
    Sig(VerifyingKey),
}

/// The error for an OID that is neither a KEM nor a signature algorithm of pqpay.
fn unknown_any(env: &Envelope<'_>) -> Error {
    Error::UnsupportedAlgorithm(format!(
        "unknown or unsupported key algorithm OID {}; expected one of {}, {}",
        env.dotted,
        kem::known_oids(),
        sig::known_oids()
    ))
}

/// The private key of a parsed PKCS#8 envelope, KEM or signature by its OID.
fn any_private(env: &Envelope<'_>) -> Result<AnyPrivateKey> {
    if Sig::from_oid(&env.dotted).is_some() {
        pkcs8::private_key::<Sig>(env).map(AnyPrivateKey::Sig)
    } else if Kem::from_oid(&env.dotted).is_some() {
        pkcs8::private_key::<Kem>(env).map(|k| AnyPrivateKey::Kem(Box::new(k)))
    } else {
        Err(unknown_any(env))
    }
}

/// The public key of a parsed SPKI envelope, KEM or signature by its OID.
fn any_public(env: &Envelope<'_>) -> Result<AnyPublicKey> {
    if Sig::from_oid(&env.dotted).is_some() {
        pkcs8::public_key::<Sig>(env).map(AnyPublicKey::Sig)
    } else if Kem::from_oid(&env.dotted).is_some() {
        pkcs8::public_key::<Kem>(env).map(AnyPublicKey::Kem)
    } else {
        Err(unknown_any(env))
    }
}

/// Parses a DER PKCS#8 private key of any algorithm pqpay knows, KEM or signature.
///
/// The envelope is parsed once to read the OID; the KEM or signature family then does the
/// rest. Errors as for [`sig::load_der_private_key`] and [`load_der_private_key`].
pub fn load_der_private_key_any(data: &[u8]) -> Result<AnyPrivateKey> {
    any_private(&pkcs8::read_pkcs8(data)?)
}

/// PEM form of [`load_der_private_key_any`].
pub fn load_pem_private_key_any(data: &[u8]) -> Result<AnyPrivateKey> {
    load_der_private_key_any(&pem::decode(data, PRIVATE_KEY_PEM_LABEL)?)
}

/// Parses a DER SubjectPublicKeyInfo of any algorithm pqpay knows, KEM or signature.
pub fn load_der_public_key_any(data: &[u8]) -> Result<AnyPublicKey> {
    any_public(&pkcs8::read_spki(data)?)
}

/// PEM form of [`load_der_public_key_any`].
pub fn load_pem_public_key_any(data: &[u8]) -> Result<AnyPublicKey> {
    load_der_public_key_any(&pem::decode(data, PUBLIC_KEY_PEM_LABEL)?)
}
