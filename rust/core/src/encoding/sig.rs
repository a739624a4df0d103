//! PKCS#8 and SubjectPublicKeyInfo (DER and PEM) for signature keys, and routing between KEM
//! and signature keys (both use the PEM labels `PRIVATE KEY` / `PUBLIC KEY`).
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
//! told apart by its tag, never by its length; a `both` key whose expanded key is not the one
//! its seed generates is rejected. The writer picks the form with [`MlDsaPrivateKeyForm`]
//! (seed by default). AlgorithmIdentifier parameters are always absent. The reader accepts
//! PKCS#8 v1 and v2 and checks a v2 `publicKey` against the derived public key; the writer
//! emits v1 without attributes. The DER reader is the strict one of `encoding::der`.
//!
//! [`load_der_private_key_any`] and friends peek at the OID and return either a KEM or a
//! signature key, so a caller holding a `PRIVATE KEY` document need not know which it is.

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::der::{self, Node, Reader};
use super::{
    bit_string_bytes, hex, pem_decode, pem_encode, PRIVATE_KEY_PEM_LABEL, PUBLIC_KEY_PEM_LABEL,
};
use crate::kem::{DecapsulationKey, EncapsulationKey, KemAlgorithm};
use crate::sig::{mldsa, SigAlgorithm, SigFamily, SigningKey, VerifyingKey};
use crate::{Error, Result};

/// Which `ML-DSA-xx-PrivateKey` CHOICE to write. Other algorithms have a single form and
/// ignore this.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MlDsaPrivateKeyForm {
    /// `seed [0] IMPLICIT OCTET STRING`: the 32-byte seed ξ (the default; the form RFC 9881
    /// recommends and pyca/cryptography writes). Needs a key that has a seed.
    #[default]
    Seed,
    /// `expandedKey OCTET STRING`: the FIPS 204 `skEncode` output.
    Expanded,
    /// `both SEQUENCE { seed, expandedKey }`. Needs a key that has a seed.
    Both,
}

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

/// The FIPS 204 seed length.
const MLDSA_SEED_LEN: usize = 32;

/// The expanded-key length of an ML-DSA parameter set, as number and text.
fn mldsa_expanded_len(alg: SigAlgorithm) -> (usize, &'static str, &'static str) {
    match alg {
        SigAlgorithm::MlDsa44 => (2560, "2560", "ML-DSA-44 expandedKey"),
        SigAlgorithm::MlDsa87 => (4896, "4896", "ML-DSA-87 expandedKey"),
        _ => (4032, "4032", "ML-DSA-65 expandedKey"),
    }
}

/// The DER contents of a dotted-decimal OID (the table in `sig::mod` holds only text).
fn oid_der(dotted: &str) -> Result<Vec<u8>> {
    let bad = || Error::Internal(format!("malformed OID in the algorithm table: {dotted}"));
    let arcs = dotted
        .split('.')
        .map(|a| a.parse::<u64>().map_err(|_| bad()))
        .collect::<Result<Vec<u64>>>()?;
    let (first, second, rest) = match arcs.as_slice() {
        [a, b, rest @ ..] if *a <= 2 => (*a, *b, rest),
        _ => return Err(bad()),
    };
    let mut out = Vec::new();
    let head = first
        .checked_mul(40)
        .and_then(|v| v.checked_add(second))
        .ok_or_else(bad)?;
    for arc in core::iter::once(head).chain(rest.iter().copied()) {
        let mut groups = vec![(arc & 0x7F) as u8];
        let mut v = arc >> 7;
        while v > 0 {
            groups.push(0x80 | (v & 0x7F) as u8);
            v >>= 7;
        }
        out.extend(groups.iter().rev());
    }
    Ok(out)
}

/// The OID a document names, and the bytes after the AlgorithmIdentifier.
struct Envelope<'a> {
    dotted: String,
    /// The AlgorithmIdentifier's parameters, if any (the first tag after the OID).
    params: Option<u8>,
    /// PKCS#8 `privateKey` contents or SPKI BIT STRING contents (unused-bits byte included).
    key: &'a [u8],
    /// The PKCS#8 v2 `publicKey` (whole bytes), if present.
    public_key: Option<&'a [u8]>,
}

/// Reads `AlgorithmIdentifier ::= SEQUENCE { OID, params OPTIONAL }`.
fn read_alg_id(r: &mut Reader<'_>, what: &str) -> Result<(String, Option<u8>)> {
    let body = r.read(der::SEQUENCE, what)?;
    let mut alg_id = Reader::new(body);
    let oid = alg_id.read(der::OID, &format!("{what} algorithm"))?;
    Ok((der::oid_to_string(oid)?, alg_id.peek_tag()))
}

/// Parses the PKCS#8 envelope (v1 PrivateKeyInfo or v2 OneAsymmetricKey) strictly.
fn read_pkcs8(data: &[u8]) -> Result<Envelope<'_>> {
    let mut outer = Reader::new(data);
    let body = outer.read(der::SEQUENCE, "PKCS#8 PrivateKeyInfo")?;
    outer.finish("the PKCS#8 PrivateKeyInfo")?;
    let mut r = Reader::new(body);
    let version = r.read(der::INTEGER, "PKCS#8 version")?;
    let v2 = match version {
        [0] => false,
        [1] => true,
        other => {
            return Err(Error::Encoding(format!(
                "PKCS#8 version must be the one-byte INTEGER 0 (v1) or 1 (v2), found the bytes {}",
                hex(other)
            )))
        }
    };
    let (dotted, params) = read_alg_id(&mut r, "PKCS#8 privateKeyAlgorithm")?;
    let key = r.read(der::OCTET_STRING, "PKCS#8 privateKey")?;
    if r.peek_tag() == Some(der::CONTEXT_0_CONSTRUCTED) {
        r.read(der::CONTEXT_0_CONSTRUCTED, "PKCS#8 attributes [0]")?;
    }
    let public_key = if r.peek_tag() == Some(der::CONTEXT_1_PRIMITIVE) {
        if !v2 {
            return Err(Error::Encoding(
                "PKCS#8 publicKey [1] is present but the version is 0 (v1); expected version 1 (v2)"
                    .into(),
            ));
        }
        let content = r.read(der::CONTEXT_1_PRIMITIVE, "PKCS#8 publicKey [1]")?;
        Some(bit_string_bytes(content, "PKCS#8 publicKey [1]")?)
    } else {
        None
    };
    r.finish("the PKCS#8 privateKey, attributes [0] and publicKey [1]")?;
    Ok(Envelope {
        dotted,
        params,
        key,
        public_key,
    })
}

/// Parses the SubjectPublicKeyInfo envelope strictly.
fn read_spki(data: &[u8]) -> Result<Envelope<'_>> {
    let mut outer = Reader::new(data);
    let body = outer.read(der::SEQUENCE, "SubjectPublicKeyInfo")?;
    outer.finish("the SubjectPublicKeyInfo")?;
    let mut r = Reader::new(body);
    let (dotted, params) = read_alg_id(&mut r, "SubjectPublicKeyInfo algorithm")?;
    let key = r.read(der::BIT_STRING, "SubjectPublicKeyInfo subjectPublicKey")?;
    r.finish("the SubjectPublicKeyInfo subjectPublicKey")?;
    Ok(Envelope {
        dotted,
        params,
        key,
        public_key: None,
    })
}

/// Every signature OID, for error messages.
fn known_oids() -> String {
    SigAlgorithm::ALL
        .iter()
        .map(|a| format!("{} ({})", a.oid(), a.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The signature algorithm an envelope names, with its parameters checked absent.
fn envelope_algorithm(env: &Envelope<'_>, what: &str) -> Result<SigAlgorithm> {
    let alg = SigAlgorithm::from_oid(&env.dotted).ok_or_else(|| {
        Error::UnsupportedAlgorithm(format!(
            "unknown or unsupported signature key algorithm OID {}; expected one of {}",
            env.dotted,
            known_oids()
        ))
    })?;
    if let Some(tag) = env.params {
        return Err(Error::Encoding(format!(
            "{what}: parameters must be absent for {} (OID {}), found {}",
            alg.name(),
            alg.oid(),
            der::tag_name(tag)
        )));
    }
    Ok(alg)
}

/// What the `ML-DSA-xx-PrivateKey` CHOICE may start with, for error messages.
const MLDSA_CHOICE: &str =
    "seed [0] (tag 0x80), expandedKey OCTET STRING (tag 0x04) or both SEQUENCE (tag 0x30)";

fn check_seed_len(seed: &[u8], what: &'static str) -> Result<()> {
    if seed.len() != MLDSA_SEED_LEN {
        return Err(Error::InvalidLength {
            what,
            expected: "32",
            got: seed.len(),
        });
    }
    Ok(())
}

fn check_expanded_len(alg: SigAlgorithm, expanded: &[u8]) -> Result<()> {
    let (len, text, what) = mldsa_expanded_len(alg);
    if expanded.len() != len {
        return Err(Error::InvalidLength {
            what,
            expected: text,
            got: expanded.len(),
        });
    }
    Ok(())
}

/// Parses the `ML-DSA-xx-PrivateKey` CHOICE by its tag.
fn read_mldsa_private_key(alg: SigAlgorithm, data: &[u8]) -> Result<SigningKey> {
    let name = alg.name();
    let mut r = Reader::new(data);
    match r.peek_tag() {
        Some(der::CONTEXT_0_PRIMITIVE) => {
            let what = format!("{name} private key seed [0]");
            let seed = r.read(der::CONTEXT_0_PRIMITIVE, &what)?;
            r.finish(&what)?;
            check_seed_len(seed, "ML-DSA private key seed [0]")?;
            SigningKey::from_private_bytes(alg, seed)
        }
        Some(der::OCTET_STRING) => {
            let what = format!("{name} private key expandedKey");
            let expanded = r.read(der::OCTET_STRING, &what)?;
            r.finish(&what)?;
            check_expanded_len(alg, expanded)?;
            mldsa::signing_key_from_expanded(alg, expanded)
        }
        Some(der::SEQUENCE) => {
            let what = format!("{name} private key `both`");
            let body = r.read(der::SEQUENCE, &what)?;
            r.finish(&what)?;
            let mut both = Reader::new(body);
            let seed = both.read(der::OCTET_STRING, &format!("{name} `both` seed"))?;
            let expanded = both.read(der::OCTET_STRING, &format!("{name} `both` expandedKey"))?;
            both.finish(&format!("{what} seed and expandedKey"))?;
            check_seed_len(seed, "ML-DSA `both` seed")?;
            check_expanded_len(alg, expanded)?;
            let key = SigningKey::from_private_bytes(alg, seed)?;
            let regenerated = mldsa::expanded_private_key(&key).ok_or_else(|| {
                Error::Internal(format!("{name} key from a seed has no expanded form"))
            })?;
            if !bool::from(regenerated.as_slice().ct_eq(expanded)) {
                return Err(Error::InvalidKey(format!(
                    "{what}: seed and expanded key disagree"
                )));
            }
            Ok(key)
        }
        Some(tag) => Err(Error::Encoding(format!(
            "{name} private key: expected {MLDSA_CHOICE}, found {}",
            der::tag_name(tag)
        ))),
        None => Err(Error::Encoding(format!(
            "{name} private key is empty; expected {MLDSA_CHOICE}"
        ))),
    }
}

/// Builds the signing key from a PKCS#8 `privateKey` of `alg`.
fn read_private_key(alg: SigAlgorithm, data: &[u8]) -> Result<SigningKey> {
    match alg.family() {
        SigFamily::MlDsa => read_mldsa_private_key(alg, data),
        SigFamily::EdDsa => {
            let what = format!("{} CurvePrivateKey", alg.name());
            let mut inner = Reader::new(data);
            let secret = inner.read(der::OCTET_STRING, &what)?;
            inner.finish(&format!("the {what}"))?;
            SigningKey::from_private_bytes(alg, secret)
        }
        // RFC 9909 and the composite draft put the raw key in the OCTET STRING.
        SigFamily::SlhDsa | SigFamily::Composite => SigningKey::from_private_bytes(alg, data),
    }
}

fn load_sig_private(env: &Envelope<'_>) -> Result<SigningKey> {
    let alg = envelope_algorithm(env, "PKCS#8 privateKeyAlgorithm")?;
    let key = read_private_key(alg, env.key)?;
    if let Some(pk) = env.public_key {
        let derived = key.verifying_key().to_bytes();
        if !bool::from(derived.as_slice().ct_eq(pk)) {
            return Err(Error::InvalidKey(format!(
                "PKCS#8 publicKey [1] does not match the {} public key derived from the private key",
                alg.name()
            )));
        }
    }
    Ok(key)
}

fn load_sig_public(env: &Envelope<'_>) -> Result<VerifyingKey> {
    let alg = envelope_algorithm(env, "SubjectPublicKeyInfo algorithm")?;
    let key = bit_string_bytes(env.key, "SubjectPublicKeyInfo subjectPublicKey")?;
    VerifyingKey::from_bytes(alg, key)
}

/// Parses a DER PKCS#8 signature private key (v1 or v2), dispatching on the OID.
///
/// Errors: [`Error::Encoding`] for malformed or trailing DER, parameters present or a wrong
/// inner tag; [`Error::InvalidLength`] for a key of the wrong size; [`Error::InvalidKey`] when
/// a v2 `publicKey` or an ML-DSA `both` expanded key disagrees with the private key;
/// [`Error::UnsupportedAlgorithm`] for an OID that is not a signature algorithm of pqpay.
pub fn load_der_private_key(data: &[u8]) -> Result<SigningKey> {
    load_sig_private(&read_pkcs8(data)?)
}

/// Parses a PEM (`PRIVATE KEY`) PKCS#8 signature private key; see [`load_der_private_key`].
pub fn load_pem_private_key(data: &[u8]) -> Result<SigningKey> {
    let der = pem_decode(data, PRIVATE_KEY_PEM_LABEL)?;
    load_der_private_key(&der)
}

/// Parses a DER SubjectPublicKeyInfo signature public key, dispatching on the OID.
///
/// Errors as for [`load_der_private_key`]; a key the family rejects gives its error.
pub fn load_der_public_key(data: &[u8]) -> Result<VerifyingKey> {
    load_sig_public(&read_spki(data)?)
}

/// Parses a PEM (`PUBLIC KEY`) SubjectPublicKeyInfo; see [`load_der_public_key`].
pub fn load_pem_public_key(data: &[u8]) -> Result<VerifyingKey> {
    let der = pem_decode(data, PUBLIC_KEY_PEM_LABEL)?;
    load_der_public_key(&der)
}

/// The error for an OID that is neither a KEM nor a signature algorithm of pqpay.
fn unknown_any(dotted: &str) -> Error {
    let kem: Vec<String> = KemAlgorithm::ALL
        .iter()
        .filter_map(|&a| {
            super::algorithm_oid(a)
                .ok()
                .map(|o| format!("{o} ({})", a.name()))
        })
        .collect();
    Error::UnsupportedAlgorithm(format!(
        "unknown or unsupported key algorithm OID {dotted}; expected one of {}, {}",
        kem.join(", "),
        known_oids()
    ))
}

/// True when `dotted` is the OID of a KEM with a PKCS#8/SPKI form.
fn is_kem_oid(dotted: &str) -> bool {
    KemAlgorithm::ALL
        .iter()
        .any(|&a| super::algorithm_oid(a).is_ok_and(|o| o == dotted))
}

/// Parses a DER PKCS#8 private key of any algorithm pqpay knows, KEM or signature.
///
/// The envelope is parsed once to read the OID; the KEM or signature reader then does the
/// rest. Errors as for [`load_der_private_key`] and [`super::load_der_private_key`].
pub fn load_der_private_key_any(data: &[u8]) -> Result<AnyPrivateKey> {
    let env = read_pkcs8(data)?;
    if SigAlgorithm::from_oid(&env.dotted).is_some() {
        return load_sig_private(&env).map(AnyPrivateKey::Sig);
    }
    if is_kem_oid(&env.dotted) {
        return super::load_der_private_key(data).map(|k| AnyPrivateKey::Kem(Box::new(k)));
    }
    Err(unknown_any(&env.dotted))
}

/// PEM form of [`load_der_private_key_any`].
pub fn load_pem_private_key_any(data: &[u8]) -> Result<AnyPrivateKey> {
    let der = pem_decode(data, PRIVATE_KEY_PEM_LABEL)?;
    load_der_private_key_any(&der)
}

/// Parses a DER SubjectPublicKeyInfo of any algorithm pqpay knows, KEM or signature.
pub fn load_der_public_key_any(data: &[u8]) -> Result<AnyPublicKey> {
    let env = read_spki(data)?;
    if SigAlgorithm::from_oid(&env.dotted).is_some() {
        return load_sig_public(&env).map(AnyPublicKey::Sig);
    }
    if is_kem_oid(&env.dotted) {
        return super::load_der_public_key(data).map(AnyPublicKey::Kem);
    }
    Err(unknown_any(&env.dotted))
}

/// PEM form of [`load_der_public_key_any`].
pub fn load_pem_public_key_any(data: &[u8]) -> Result<AnyPublicKey> {
    let der = pem_decode(data, PUBLIC_KEY_PEM_LABEL)?;
    load_der_public_key_any(&der)
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
    let alg = key.algorithm();
    let name = alg.name();
    let oid = oid_der(alg.oid())?;
    // Kept alive here so the tree below can borrow them.
    let mut seed = None;
    let mut expanded = None;
    let private_key = match alg.family() {
        SigFamily::MlDsa => {
            if form != MlDsaPrivateKeyForm::Expanded {
                seed = Some(key.private_bytes().map_err(|_| {
                    Error::InvalidArgument(format!(
                        "this {name} key was imported in expanded form and has no seed, so it \
                         cannot be written in the {form:?} form; use MlDsaPrivateKeyForm::Expanded"
                    ))
                })?);
            }
            if form != MlDsaPrivateKeyForm::Seed {
                expanded = Some(mldsa::expanded_private_key(key).ok_or_else(|| {
                    Error::Internal(format!("this {name} key has no expanded form"))
                })?);
            }
            let seed = seed.as_deref().map(Vec::as_slice).unwrap_or_default();
            let expanded = expanded.as_deref().map(Vec::as_slice).unwrap_or_default();
            let choice = match form {
                MlDsaPrivateKeyForm::Seed => Node::Prim(der::CONTEXT_0_PRIMITIVE, seed),
                MlDsaPrivateKeyForm::Expanded => Node::Prim(der::OCTET_STRING, expanded),
                MlDsaPrivateKeyForm::Both => Node::Cons(
                    der::SEQUENCE,
                    vec![
                        Node::Prim(der::OCTET_STRING, seed),
                        Node::Prim(der::OCTET_STRING, expanded),
                    ],
                ),
            };
            Node::Cons(der::OCTET_STRING, vec![choice])
        }
        SigFamily::EdDsa => {
            seed = Some(key.private_bytes()?);
            let secret = seed.as_deref().map(Vec::as_slice).unwrap_or_default();
            Node::Cons(
                der::OCTET_STRING,
                vec![Node::Prim(der::OCTET_STRING, secret)],
            )
        }
        SigFamily::SlhDsa | SigFamily::Composite => {
            seed = Some(key.private_bytes()?);
            Node::Prim(
                der::OCTET_STRING,
                seed.as_deref().map(Vec::as_slice).unwrap_or_default(),
            )
        }
    };
    let pkcs8 = Node::Cons(
        der::SEQUENCE,
        vec![
            Node::Prim(der::INTEGER, &[0]),
            Node::Cons(der::SEQUENCE, vec![Node::Prim(der::OID, &oid)]),
            private_key,
        ],
    );
    Ok(pkcs8.to_der_secret())
}

/// Encodes a signature private key as PEM (`PRIVATE KEY`, 64-column lines, LF endings).
pub fn private_key_to_pem(
    key: &SigningKey,
    form: MlDsaPrivateKeyForm,
) -> Result<Zeroizing<Vec<u8>>> {
    let der = private_key_to_der(key, form)?;
    pem_encode(PRIVATE_KEY_PEM_LABEL, &der)
}

/// Encodes a signature public key as a DER SubjectPublicKeyInfo.
pub fn public_key_to_der(key: &VerifyingKey) -> Result<Vec<u8>> {
    let oid = oid_der(key.algorithm().oid())?;
    let raw = key.to_bytes();
    let spki = Node::Cons(
        der::SEQUENCE,
        vec![
            Node::Cons(der::SEQUENCE, vec![Node::Prim(der::OID, &oid)]),
            Node::BitString(&raw),
        ],
    );
    Ok(spki.to_der())
}

/// Encodes a signature public key as PEM (`PUBLIC KEY`, 64-column lines, LF endings).
pub fn public_key_to_pem(key: &VerifyingKey) -> Result<String> {
    let der = public_key_to_der(key)?;
    let pem = pem_encode(PUBLIC_KEY_PEM_LABEL, &der)?;
    String::from_utf8(pem.to_vec())
        .map_err(|_| Error::Encoding("PEM encoder produced non-ASCII output".into()))
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn oid_table_round_trips_through_der() {
        for &alg in SigAlgorithm::ALL {
            let der = oid_der(alg.oid()).expect("oid");
            assert_eq!(der::oid_to_string(&der).expect("parse"), alg.oid());
        }
        assert_eq!(
            oid_der("2.16.840.1.101.3.4.3.17").expect("oid"),
            [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x11]
        );
        assert_eq!(oid_der("1.3.101.112").expect("oid"), [0x2B, 0x65, 0x70]);
    }
}
