//! PKCS#8 and SubjectPublicKeyInfo (DER and PEM) for KEM keys; signature keys are in [`sig`].
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
//! and is told apart by its tag, never by its length. A `both` key whose expanded key is not
//! the one its seed generates is rejected. The writer chooses the form with
//! [`MlKemPrivateKeyForm`] (seed by default).
//!
//! Every AlgorithmIdentifier has its parameters absent. The reader accepts PKCS#8 v1 and v2
//! (OneAsymmetricKey, RFC 5958), skips `attributes`, and checks a v2 `publicKey` against the
//! public key derived from the private key; the writer emits v1 without attributes.
//! X25519MLKEM768, MLKEM768-P256 and MLKEM1024-P384 have no OID, hence no PKCS#8 or SPKI form:
//! they give [`Error::UnsupportedAlgorithm`]; store their seed instead.
//!
//! DER is parsed strictly (definite minimal lengths, no trailing bytes) by a small reader in
//! this module; PEM is RFC 7468 text with the labels `PRIVATE KEY` and `PUBLIC KEY`. Nothing
//! here panics on any input. Private-key encodings come back as [`Zeroizing`] buffers, and
//! decoded PEM is wiped once parsed.

pub(crate) mod der;
pub mod encrypted;
pub mod sig;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use self::der::{Node, Reader};
use crate::kem::{mlkem, DecapsulationKey, EncapsulationKey, KemAlgorithm};
use crate::{Error, Result};

/// PEM label of a PKCS#8 private key.
pub const PRIVATE_KEY_PEM_LABEL: &str = "PRIVATE KEY";
/// PEM label of a SubjectPublicKeyInfo.
pub const PUBLIC_KEY_PEM_LABEL: &str = "PUBLIC KEY";

/// Which `ML-KEM-xx-PrivateKey` CHOICE to write. Other algorithms have a single form and
/// ignore this.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MlKemPrivateKeyForm {
    /// `seed [0] IMPLICIT OCTET STRING`: the 64-byte seed `d || z` (the default; smallest,
    /// and what pyca/cryptography writes). Needs a key that has a seed.
    #[default]
    Seed,
    /// `expandedKey OCTET STRING`: the FIPS 203 expanded decapsulation key.
    Expanded,
    /// `both SEQUENCE { seed, expandedKey }`. Needs a key that has a seed.
    Both,
}

/// One algorithm's identifiers.
struct AlgInfo {
    alg: KemAlgorithm,
    /// Dotted-decimal OID.
    dotted: &'static str,
    /// DER contents of the OID.
    oid: &'static [u8],
}

/// The algorithms with a standard PKCS#8/SPKI form.
const ALGORITHMS: &[AlgInfo] = &[
    AlgInfo {
        alg: KemAlgorithm::MlKem512,
        dotted: "2.16.840.1.101.3.4.4.1",
        oid: &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x01],
    },
    AlgInfo {
        alg: KemAlgorithm::MlKem768,
        dotted: "2.16.840.1.101.3.4.4.2",
        oid: &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x02],
    },
    AlgInfo {
        alg: KemAlgorithm::MlKem1024,
        dotted: "2.16.840.1.101.3.4.4.3",
        oid: &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x03],
    },
    AlgInfo {
        alg: KemAlgorithm::X25519,
        dotted: "1.3.101.110",
        oid: &[0x2B, 0x65, 0x6E],
    },
    AlgInfo {
        alg: KemAlgorithm::XWing,
        dotted: "1.3.6.1.4.1.62253.25722",
        oid: &[
            0x2B, 0x06, 0x01, 0x04, 0x01, 0x83, 0xE6, 0x2D, 0x81, 0xC8, 0x7A,
        ],
    },
];

/// The identifiers of `alg`, or the error for an algorithm without a standard form.
fn info(alg: KemAlgorithm) -> Result<&'static AlgInfo> {
    ALGORITHMS.iter().find(|i| i.alg == alg).ok_or_else(|| {
        Error::UnsupportedAlgorithm(format!(
            "there is no standard PKCS#8/SPKI form for {} (no OID is assigned); store its seed instead",
            alg.name()
        ))
    })
}

/// The dotted-decimal OID of `alg`'s keys in PKCS#8 and SubjectPublicKeyInfo.
///
/// Fails with [`Error::UnsupportedAlgorithm`] for X25519MLKEM768, MLKEM768-P256 and
/// MLKEM1024-P384, which have no standard OID.
pub fn algorithm_oid(alg: KemAlgorithm) -> Result<&'static str> {
    Ok(info(alg)?.dotted)
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

/// Reads an AlgorithmIdentifier with absent parameters and returns its algorithm.
fn read_algorithm(r: &mut Reader<'_>, what: &str) -> Result<KemAlgorithm> {
    let body = r.read(der::SEQUENCE, what)?;
    let mut alg_id = Reader::new(body);
    let oid = alg_id.read(der::OID, &format!("{what} algorithm"))?;
    let dotted = der::oid_to_string(oid)?;
    let info = ALGORITHMS.iter().find(|i| i.oid == oid).ok_or_else(|| {
        Error::UnsupportedAlgorithm(format!(
            "unknown or unsupported key algorithm OID {dotted}; expected one of {}",
            ALGORITHMS
                .iter()
                .map(|i| format!("{} ({})", i.dotted, i.alg.name()))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    if let Some(tag) = alg_id.peek_tag() {
        return Err(Error::Encoding(format!(
            "{what}: parameters must be absent for {} (OID {}), found {}",
            info.alg.name(),
            info.dotted,
            der::tag_name(tag)
        )));
    }
    Ok(info.alg)
}

/// Reads a BIT STRING's contents (already stripped of its header) as whole bytes.
fn bit_string_bytes<'a>(content: &'a [u8], what: &str) -> Result<&'a [u8]> {
    match content.split_first() {
        Some((0, bytes)) => Ok(bytes),
        Some((unused, _)) => Err(Error::Encoding(format!(
            "{what}: BIT STRING has {unused} unused bits; expected 0 (a whole number of bytes)"
        ))),
        None => Err(Error::Encoding(format!(
            "{what}: BIT STRING is empty; expected the unused-bits byte 0x00 and the key"
        ))),
    }
}

/// What the `ML-KEM-xx-PrivateKey` CHOICE may start with, for error messages.
const MLKEM_CHOICE: &str =
    "seed [0] (tag 0x80), expandedKey OCTET STRING (tag 0x04) or both SEQUENCE (tag 0x30)";

/// Parses the `ML-KEM-xx-PrivateKey` CHOICE by its tag.
fn read_mlkem_private_key(alg: KemAlgorithm, data: &[u8]) -> Result<DecapsulationKey> {
    let name = alg.name();
    let mut r = Reader::new(data);
    match r.peek_tag() {
        Some(der::CONTEXT_0_PRIMITIVE) => {
            let what = format!("{name} private key seed [0]");
            let seed = r.read(der::CONTEXT_0_PRIMITIVE, &what)?;
            r.finish(&what)?;
            DecapsulationKey::from_seed(alg, seed)
        }
        Some(der::OCTET_STRING) => {
            let what = format!("{name} private key expandedKey");
            let expanded = r.read(der::OCTET_STRING, &what)?;
            r.finish(&what)?;
            mlkem::decapsulation_key_from_expanded(alg, expanded)
        }
        Some(der::SEQUENCE) => {
            let what = format!("{name} private key `both`");
            let body = r.read(der::SEQUENCE, &what)?;
            r.finish(&what)?;
            let mut both = Reader::new(body);
            let seed = both.read(der::OCTET_STRING, &format!("{name} `both` seed"))?;
            let expanded = both.read(der::OCTET_STRING, &format!("{name} `both` expandedKey"))?;
            both.finish(&format!("{what} seed and expandedKey"))?;
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
            if !bool::from(regenerated.ct_eq(expanded)) {
                return Err(Error::InvalidKey(format!(
                    "{what}: seed and expanded key disagree"
                )));
            }
            Ok(key)
        }
        Some(tag) => Err(Error::Encoding(format!(
            "{name} private key: expected {MLKEM_CHOICE}, found {}",
            der::tag_name(tag)
        ))),
        None => Err(Error::Encoding(format!(
            "{name} private key is empty; expected {MLKEM_CHOICE}"
        ))),
    }
}

/// Parses a DER PKCS#8 private key (PrivateKeyInfo v1 or OneAsymmetricKey v2) of any
/// supported algorithm, dispatching on the OID.
///
/// Errors: [`Error::Encoding`] for malformed or trailing DER, parameters present or a wrong
/// inner tag; [`Error::InvalidLength`] for a key of the wrong size; [`Error::InvalidKey`] when
/// a v2 `publicKey` or an ML-KEM `both` expanded key disagrees with the private key, or an
/// expanded key fails the FIPS 203 checks; [`Error::UnsupportedAlgorithm`] for an unknown OID.
pub fn load_der_private_key(data: &[u8]) -> Result<DecapsulationKey> {
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
    let alg = read_algorithm(&mut r, "PKCS#8 privateKeyAlgorithm")?;
    let private_key = r.read(der::OCTET_STRING, "PKCS#8 privateKey")?;
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

    let key = match alg {
        KemAlgorithm::MlKem512 | KemAlgorithm::MlKem768 | KemAlgorithm::MlKem1024 => {
            read_mlkem_private_key(alg, private_key)?
        }
        KemAlgorithm::X25519 => {
            let mut inner = Reader::new(private_key);
            let scalar = inner.read(der::OCTET_STRING, "X25519 CurvePrivateKey")?;
            inner.finish("the X25519 CurvePrivateKey")?;
            DecapsulationKey::from_seed(alg, scalar)?
        }
        // X-Wing's privateKey holds the raw seed, not wrapped again.
        _ => DecapsulationKey::from_seed(alg, private_key)?,
    };

    if let Some(pk) = public_key {
        if key.public_key().as_bytes() != pk {
            return Err(Error::InvalidKey(format!(
                "PKCS#8 publicKey [1] does not match the {} public key derived from the private key",
                alg.name()
            )));
        }
    }
    Ok(key)
}

/// Parses a PEM (`PRIVATE KEY`) PKCS#8 private key; see [`load_der_private_key`].
///
/// Any other PEM label gives [`Error::Encoding`] naming the label found and the one expected.
pub fn load_pem_private_key(data: &[u8]) -> Result<DecapsulationKey> {
    let der = pem_decode(data, PRIVATE_KEY_PEM_LABEL)?;
    load_der_private_key(&der)
}

/// Parses a DER SubjectPublicKeyInfo of any supported algorithm, dispatching on the OID.
///
/// Errors as for [`load_der_private_key`]; a public key that fails validation (e.g. the
/// FIPS 203 modulus check) gives [`Error::InvalidKey`].
pub fn load_der_public_key(data: &[u8]) -> Result<EncapsulationKey> {
    let mut outer = Reader::new(data);
    let body = outer.read(der::SEQUENCE, "SubjectPublicKeyInfo")?;
    outer.finish("the SubjectPublicKeyInfo")?;
    let mut r = Reader::new(body);
    let alg = read_algorithm(&mut r, "SubjectPublicKeyInfo algorithm")?;
    let content = r.read(der::BIT_STRING, "SubjectPublicKeyInfo subjectPublicKey")?;
    r.finish("the SubjectPublicKeyInfo subjectPublicKey")?;
    let key = bit_string_bytes(content, "SubjectPublicKeyInfo subjectPublicKey")?;
    EncapsulationKey::from_bytes(alg, key)
}

/// Parses a PEM (`PUBLIC KEY`) SubjectPublicKeyInfo; see [`load_der_public_key`].
///
/// Any other PEM label gives [`Error::Encoding`] naming the label found and the one expected.
pub fn load_pem_public_key(data: &[u8]) -> Result<EncapsulationKey> {
    let der = pem_decode(data, PUBLIC_KEY_PEM_LABEL)?;
    load_der_public_key(&der)
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
    let alg = dk.algorithm();
    let info = info(alg)?;
    let name = alg.name();
    let missing_seed = || {
        Error::InvalidArgument(format!(
            "this {name} key was imported in expanded form and has no seed, so it cannot be \
             written in the {form:?} form; use MlKemPrivateKeyForm::Expanded"
        ))
    };
    let no_key = || Error::InvalidArgument(format!("this {name} key has no private key bytes"));
    let private_key = match alg {
        KemAlgorithm::MlKem512 | KemAlgorithm::MlKem768 | KemAlgorithm::MlKem1024 => {
            let expanded = || mlkem::expanded_bytes(dk).ok_or_else(no_key);
            let choice = match form {
                MlKemPrivateKeyForm::Seed => Node::Prim(
                    der::CONTEXT_0_PRIMITIVE,
                    dk.seed().ok_or_else(missing_seed)?,
                ),
                MlKemPrivateKeyForm::Expanded => Node::Prim(der::OCTET_STRING, expanded()?),
                MlKemPrivateKeyForm::Both => Node::Cons(
                    der::SEQUENCE,
                    vec![
                        Node::Prim(der::OCTET_STRING, dk.seed().ok_or_else(missing_seed)?),
                        Node::Prim(der::OCTET_STRING, expanded()?),
                    ],
                ),
            };
            Node::Cons(der::OCTET_STRING, vec![choice])
        }
        KemAlgorithm::X25519 => Node::Cons(
            der::OCTET_STRING,
            vec![Node::Prim(der::OCTET_STRING, dk.seed().ok_or_else(no_key)?)],
        ),
        _ => Node::Prim(der::OCTET_STRING, dk.seed().ok_or_else(no_key)?),
    };
    let pkcs8 = Node::Cons(
        der::SEQUENCE,
        vec![
            Node::Prim(der::INTEGER, &[0]),
            Node::Cons(der::SEQUENCE, vec![Node::Prim(der::OID, info.oid)]),
            private_key,
        ],
    );
    Ok(pkcs8.to_der_secret())
}

/// Encodes a private key as PEM (`PRIVATE KEY`, 64-column lines, LF line endings).
///
/// See [`private_key_to_der`] for `form` and the errors.
pub fn private_key_to_pem(
    dk: &DecapsulationKey,
    form: MlKemPrivateKeyForm,
) -> Result<Zeroizing<Vec<u8>>> {
    let der = private_key_to_der(dk, form)?;
    pem_encode(PRIVATE_KEY_PEM_LABEL, &der)
}

/// Encodes a public key as a DER SubjectPublicKeyInfo.
///
/// Fails with [`Error::UnsupportedAlgorithm`] for algorithms without an OID.
pub fn public_key_to_der(ek: &EncapsulationKey) -> Result<Vec<u8>> {
    let info = info(ek.algorithm())?;
    let spki = Node::Cons(
        der::SEQUENCE,
        vec![
            Node::Cons(der::SEQUENCE, vec![Node::Prim(der::OID, info.oid)]),
            Node::BitString(ek.as_bytes()),
        ],
    );
    Ok(spki.to_der())
}

/// Encodes a public key as PEM (`PUBLIC KEY`, 64-column lines, LF line endings).
///
/// Fails with [`Error::UnsupportedAlgorithm`] for algorithms without an OID.
pub fn public_key_to_pem(ek: &EncapsulationKey) -> Result<String> {
    let der = public_key_to_der(ek)?;
    let pem = pem_encode(PUBLIC_KEY_PEM_LABEL, &der)?;
    String::from_utf8(pem.to_vec())
        .map_err(|_| Error::Encoding("PEM encoder produced non-ASCII output".into()))
}

/// Lower-case hex of a short byte string, for error messages.
fn hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "(none)".into();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// RFC 7468 PEM with LF line endings, in a buffer wiped on drop.
fn pem_encode(label: &str, der: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let err = |e: pem_rfc7468::Error| Error::Encoding(format!("PEM encoding failed: {e}"));
    let le = pem_rfc7468::LineEnding::LF;
    let len = pem_rfc7468::encoded_len(label, le, der).map_err(err)?;
    let mut buf = Zeroizing::new(vec![0u8; len]);
    let written = pem_rfc7468::encode(label, le, der, &mut buf)
        .map_err(err)?
        .len();
    buf.truncate(written);
    Ok(buf)
}

/// Decodes RFC 7468 PEM whose label must be `expected`, into a buffer wiped on drop.
///
/// As pyca/cryptography (OpenSSL) reads PEM: explanatory text before the BEGIN line is skipped
/// (RFC 7468 §2 permits it) and whitespace after the END line (a trailing newline added by an
/// editor, CRLF) is ignored. Anything else after the END line is refused: one document per call.
fn pem_decode(data: &[u8], expected: &str) -> Result<Zeroizing<Vec<u8>>> {
    let data = data.trim_ascii_end();
    let err = |e: pem_rfc7468::Error| match e {
        // The crate reports a missing BEGIN line as a bad preamble.
        pem_rfc7468::Error::Preamble if !data.contains(&0) => Error::Encoding(format!(
            "expected a PEM document: no \"-----BEGIN {expected}-----\" line found"
        )),
        e => Error::Encoding(format!(
            "expected a PEM \"{expected}\" document (RFC 7468): {e}"
        )),
    };
    let label = pem_rfc7468::decode_label(data).map_err(err)?;
    if label != expected {
        let hint = if label == "ENCRYPTED PRIVATE KEY" {
            " (an encrypted private key: load it with a password)"
        } else {
            ""
        };
        return Err(Error::Encoding(format!(
            "PEM label is \"{label}\", expected \"{expected}\"{hint}"
        )));
    }
    let mut decoder = pem_rfc7468::Decoder::new_detect_wrap(data).map_err(err)?;
    let mut buf = Zeroizing::new(vec![0u8; decoder.remaining_len()]);
    let len = decoder.decode(&mut buf).map_err(err)?.len();
    if !decoder.is_finished() {
        return Err(Error::Encoding(format!(
            "expected a PEM \"{expected}\" document: undecoded base64 remains"
        )));
    }
    buf.truncate(len);
    Ok(buf)
}
