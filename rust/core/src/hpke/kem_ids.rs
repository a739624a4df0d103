//! The HPKE view of the core KEMs: identifiers, `DeriveKeyPair`, and how the sender's
//! ephemeral input keying material `ikmE` becomes encapsulation randomness. The rules are
//! tabulated in the [`hpke`](super) module docs.

use zeroize::Zeroizing;

use super::kdf::{shake256_derive_key_pair, Kdf};
use crate::kem::{DecapsulationKey, EncapsulationKey, KemAlgorithm, SharedSecret};
use crate::{Error, Result};

/// The HPKE KEM identifier of a core KEM.
///
/// X25519MLKEM768 is the TLS 1.3 group and has no HPKE identifier (its HPKE counterpart,
/// with a hashed combiner, is X-Wing = 0x647a), so it is refused with
/// [`Error::UnsupportedAlgorithm`].
pub fn kem_id(alg: KemAlgorithm) -> Result<u16> {
    match alg {
        KemAlgorithm::X25519 => Ok(0x0020),
        KemAlgorithm::MlKem512 => Ok(0x0040),
        KemAlgorithm::MlKem768 => Ok(0x0041),
        KemAlgorithm::MlKem1024 => Ok(0x0042),
        KemAlgorithm::MlKem768P256 => Ok(0x0050),
        KemAlgorithm::MlKem1024P384 => Ok(0x0051),
        KemAlgorithm::XWing => Ok(0x647a),
        KemAlgorithm::X25519MlKem768 => Err(no_hpke_id()),
    }
}

/// The core KEM behind an HPKE KEM identifier.
pub fn kem_from_id(id: u16) -> Result<KemAlgorithm> {
    KemAlgorithm::ALL
        .iter()
        .copied()
        .find(|&alg| kem_id(alg).ok() == Some(id))
        .ok_or_else(|| {
            Error::UnsupportedAlgorithm(format!(
                "HPKE KEM id {id:#06x} (supported: 0x0020, 0x0040, 0x0041, 0x0042, 0x0050, 0x0051, 0x647a)"
            ))
        })
}

/// `"KEM" || I2OSP(kem_id, 2)`, the suite_id of KDF calls made inside the KEM.
fn kem_suite_id(alg: KemAlgorithm) -> Result<[u8; 5]> {
    let [hi, lo] = kem_id(alg)?.to_be_bytes();
    Ok([b'K', b'E', b'M', hi, lo])
}

/// `DeriveKeyPair(ikm)` of the KEM (see the module table).
pub(crate) fn derive_key_pair(alg: KemAlgorithm, ikm: &[u8]) -> Result<DecapsulationKey> {
    let suite_id = kem_suite_id(alg)?;
    let seed = match alg {
        KemAlgorithm::X25519 => x25519_derive_sk(&suite_id, ikm)?,
        KemAlgorithm::MlKem512 | KemAlgorithm::MlKem768 | KemAlgorithm::MlKem1024 => {
            shake256_derive_key_pair(&suite_id, ikm, 64)?
        }
        KemAlgorithm::XWing | KemAlgorithm::MlKem768P256 | KemAlgorithm::MlKem1024P384 => {
            // The hybrid's own DeriveKeyPair(seed) is `from_seed`. Not the X-Wing draft's
            // SHAKE256(ikm, 32): draft-ietf-hpke-pq labels the derivation.
            shake256_derive_key_pair(&suite_id, ikm, 32)?
        }
        KemAlgorithm::X25519MlKem768 => return Err(no_hpke_id()),
    };
    DecapsulationKey::from_seed(alg, &seed)
}

/// DHKEM(X25519) DeriveKeyPair, RFC 9180 §7.1.3: the DHKEM's own KDF (HKDF-SHA256) is used,
/// `sk = LabeledExpand(LabeledExtract("", "dkp_prk", ikm), "sk", "", 32)`.
fn x25519_derive_sk(suite_id: &[u8], ikm: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let kdf = Kdf::HkdfSha256;
    let dkp_prk = kdf.labeled_extract(suite_id, b"", b"dkp_prk", &[ikm])?;
    kdf.labeled_expand(suite_id, &dkp_prk, b"sk", b"", 32)
}

/// `Encap(pkR)` with the ephemeral randomness fixed by `ikm_e` (see the module table):
/// returns `(shared_secret, enc)`.
pub(crate) fn encap_derand(
    pk_r: &EncapsulationKey,
    ikm_e: &[u8],
) -> Result<(SharedSecret, Vec<u8>)> {
    let alg = pk_r.algorithm();
    match alg {
        KemAlgorithm::X25519 => {
            // The core DHKEM's randomness is skE itself; HPKE derives skE from ikmE.
            let suite_id = kem_suite_id(alg)?;
            let sk_e = x25519_derive_sk(&suite_id, ikm_e)?;
            pk_r.encapsulate_derand(&sk_e)
        }
        // The draft-ietf-hpke-pq vectors feed ikmE unchanged as the KEM's derandomized
        // encapsulation input; the KEM checks its length.
        KemAlgorithm::MlKem512
        | KemAlgorithm::MlKem768
        | KemAlgorithm::MlKem1024
        | KemAlgorithm::XWing
        | KemAlgorithm::MlKem768P256
        | KemAlgorithm::MlKem1024P384 => pk_r.encapsulate_derand(ikm_e),
        KemAlgorithm::X25519MlKem768 => Err(no_hpke_id()),
    }
}

fn no_hpke_id() -> Error {
    Error::UnsupportedAlgorithm(
        "X25519MLKEM768 is a TLS 1.3 group with no HPKE KEM id; use X-Wing (0x647a)".into(),
    )
}
