//! The one PKCS#8 / SubjectPublicKeyInfo pipeline. KEM keys ([`super::kem`]) and signature
//! keys ([`super::sig`]) describe themselves with [`KeyFamily`] (their OIDs and what their
//! `privateKey` and `subjectPublicKey` hold); the envelopes, the v2 `publicKey` check, PEM and
//! the ML-KEM / ML-DSA seed-or-expanded CHOICE are written here once.
//!
//! Reading parses the whole envelope strictly first, then resolves the OID, so a document is
//! judged the same whichever loader (a family's or the KEM-or-signature router) reads it.

use std::borrow::Cow;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::der::{self, Node, Reader};
use super::pem::{self, PRIVATE_KEY_PEM_LABEL, PUBLIC_KEY_PEM_LABEL};
use crate::{Error, Result};

/// Which seed-or-expanded private-key CHOICE to write (`ML-KEM-xx-PrivateKey`,
/// `ML-DSA-xx-PrivateKey`). Algorithms with a single form ignore it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PrivateKeyForm {
    /// `seed [0] IMPLICIT OCTET STRING`: the seed (64-byte `d || z` for ML-KEM, 32-byte ξ for
    /// ML-DSA). The default; smallest, and what pyca/cryptography writes. Needs a key that
    /// has a seed.
    #[default]
    Seed,
    /// `expandedKey OCTET STRING`: the FIPS 203 decapsulation key / FIPS 204 `skEncode`.
    Expanded,
    /// `both SEQUENCE { seed, expandedKey }`. Needs a key that has a seed.
    Both,
}

/// What the pipeline needs to know about one family of keys.
pub(crate) trait KeyFamily {
    /// The family's algorithm identifier.
    type Alg: Copy;
    /// A private key.
    type Private;
    /// A public key.
    type Public;

    /// The algorithm a dotted-decimal OID names, if this family has it.
    fn from_oid(dotted: &str) -> Option<Self::Alg>;
    /// The error for an OID this family does not have.
    fn unknown_oid(dotted: &str) -> Error;
    /// The algorithm's name, for error messages.
    fn name(alg: Self::Alg) -> &'static str;
    /// The algorithm's dotted-decimal OID; [`Error::UnsupportedAlgorithm`] if it has none.
    fn oid(alg: Self::Alg) -> Result<&'static str>;

    /// The algorithm of a private key.
    fn private_algorithm(key: &Self::Private) -> Self::Alg;
    /// The algorithm of a public key.
    fn public_algorithm(key: &Self::Public) -> Self::Alg;

    /// Builds a private key from the contents of the PKCS#8 `privateKey` OCTET STRING.
    fn read_private(alg: Self::Alg, contents: &[u8]) -> Result<Self::Private>;
    /// The contents of the PKCS#8 `privateKey` OCTET STRING.
    fn write_private(key: &Self::Private, form: PrivateKeyForm) -> Result<Zeroizing<Vec<u8>>>;
    /// The raw public key of a private key (for the PKCS#8 v2 `publicKey` check).
    fn derived_public(key: &Self::Private) -> Vec<u8>;

    /// Builds a public key from the SPKI `subjectPublicKey` bytes.
    fn read_public(alg: Self::Alg, raw: &[u8]) -> Result<Self::Public>;
    /// The SPKI `subjectPublicKey` bytes.
    fn public_bytes(key: &Self::Public) -> Cow<'_, [u8]>;
}

/// A parsed PKCS#8 or SPKI envelope: the OID it names and the bytes around it.
pub(crate) struct Envelope<'a> {
    /// The OID, dotted-decimal.
    pub(crate) dotted: String,
    /// The first tag of the AlgorithmIdentifier's parameters, if any.
    params: Option<u8>,
    /// PKCS#8 `privateKey` contents, or SPKI BIT STRING contents (unused-bits byte included).
    key: &'a [u8],
    /// The PKCS#8 v2 `publicKey` (whole bytes), if present.
    public_key: Option<&'a [u8]>,
}

/// Reads an AlgorithmIdentifier: the dotted OID and the first parameter tag, if any.
fn read_alg_id(r: &mut Reader<'_>, what: &str) -> Result<(String, Option<u8>)> {
    let (oid, params) = der::read_algorithm_identifier(r, what, &format!("{what} algorithm"))?;
    Ok((der::oid_to_string(oid)?, params.peek_tag()))
}

/// Parses a PKCS#8 envelope (v1 PrivateKeyInfo or v2 OneAsymmetricKey, RFC 5958) strictly;
/// `attributes` are skipped.
pub(crate) fn read_pkcs8(data: &[u8]) -> Result<Envelope<'_>> {
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

/// Parses a SubjectPublicKeyInfo envelope strictly.
pub(crate) fn read_spki(data: &[u8]) -> Result<Envelope<'_>> {
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

/// The algorithm an envelope names, with its parameters checked absent (every algorithm
/// here has absent parameters).
fn algorithm<F: KeyFamily>(env: &Envelope<'_>, what: &str) -> Result<F::Alg> {
    let alg = F::from_oid(&env.dotted).ok_or_else(|| F::unknown_oid(&env.dotted))?;
    if let Some(tag) = env.params {
        return Err(Error::Encoding(format!(
            "{what}: parameters must be absent for {} (OID {}), found {}",
            F::name(alg),
            env.dotted,
            der::tag_name(tag)
        )));
    }
    Ok(alg)
}

/// The private key a parsed PKCS#8 envelope holds, its v2 `publicKey` checked.
pub(crate) fn private_key<F: KeyFamily>(env: &Envelope<'_>) -> Result<F::Private> {
    let alg = algorithm::<F>(env, "PKCS#8 privateKeyAlgorithm")?;
    let key = F::read_private(alg, env.key)?;
    if let Some(pk) = env.public_key {
        if !bool::from(F::derived_public(&key).as_slice().ct_eq(pk)) {
            return Err(Error::InvalidKey(format!(
                "PKCS#8 publicKey [1] does not match the {} public key derived from the private key",
                F::name(alg)
            )));
        }
    }
    Ok(key)
}

/// The public key a parsed SPKI envelope holds.
pub(crate) fn public_key<F: KeyFamily>(env: &Envelope<'_>) -> Result<F::Public> {
    let alg = algorithm::<F>(env, "SubjectPublicKeyInfo algorithm")?;
    let raw = bit_string_bytes(env.key, "SubjectPublicKeyInfo subjectPublicKey")?;
    F::read_public(alg, raw)
}

/// Parses a DER PKCS#8 private key of family `F`.
pub(crate) fn load_der_private<F: KeyFamily>(data: &[u8]) -> Result<F::Private> {
    private_key::<F>(&read_pkcs8(data)?)
}

/// Parses a PEM (`PRIVATE KEY`) PKCS#8 private key of family `F`.
pub(crate) fn load_pem_private<F: KeyFamily>(data: &[u8]) -> Result<F::Private> {
    load_der_private::<F>(&pem::decode(data, PRIVATE_KEY_PEM_LABEL)?)
}

/// Parses a DER SubjectPublicKeyInfo of family `F`.
pub(crate) fn load_der_public<F: KeyFamily>(data: &[u8]) -> Result<F::Public> {
    public_key::<F>(&read_spki(data)?)
}

/// Parses a PEM (`PUBLIC KEY`) SubjectPublicKeyInfo of family `F`.
pub(crate) fn load_pem_public<F: KeyFamily>(data: &[u8]) -> Result<F::Public> {
    load_der_public::<F>(&pem::decode(data, PUBLIC_KEY_PEM_LABEL)?)
}

/// Encodes a private key as DER PKCS#8 v1, without attributes or public key.
pub(crate) fn private_to_der<F: KeyFamily>(
    key: &F::Private,
    form: PrivateKeyForm,
) -> Result<Zeroizing<Vec<u8>>> {
    let oid = der::oid_from_dotted(F::oid(F::private_algorithm(key))?)?;
    let contents = F::write_private(key, form)?;
    let pkcs8 = Node::Cons(
        der::SEQUENCE,
        vec![
            Node::Prim(der::INTEGER, &[0]),
            Node::Cons(der::SEQUENCE, vec![Node::Prim(der::OID, &oid)]),
            Node::Prim(der::OCTET_STRING, &contents),
        ],
    );
    Ok(pkcs8.to_der_secret())
}

/// Encodes a private key as PEM (`PRIVATE KEY`).
pub(crate) fn private_to_pem<F: KeyFamily>(
    key: &F::Private,
    form: PrivateKeyForm,
) -> Result<Zeroizing<Vec<u8>>> {
    pem::encode(PRIVATE_KEY_PEM_LABEL, &private_to_der::<F>(key, form)?)
}

/// Encodes a public key as a DER SubjectPublicKeyInfo.
pub(crate) fn public_to_der<F: KeyFamily>(key: &F::Public) -> Result<Vec<u8>> {
    let oid = der::oid_from_dotted(F::oid(F::public_algorithm(key))?)?;
    let raw = F::public_bytes(key);
    let spki = Node::Cons(
        der::SEQUENCE,
        vec![
            Node::Cons(der::SEQUENCE, vec![Node::Prim(der::OID, &oid)]),
            Node::BitString(&raw),
        ],
    );
    Ok(spki.to_der())
}

/// Encodes a public key as PEM (`PUBLIC KEY`).
pub(crate) fn public_to_pem<F: KeyFamily>(key: &F::Public) -> Result<String> {
    pem::encode_public(PUBLIC_KEY_PEM_LABEL, &public_to_der::<F>(key)?)
}

/// The contents of a `CurvePrivateKey ::= OCTET STRING` (RFC 8410: X25519, Ed25519, Ed448).
pub(crate) fn read_curve_private_key<'a>(name: &str, contents: &'a [u8]) -> Result<&'a [u8]> {
    let what = format!("{name} CurvePrivateKey");
    let mut inner = Reader::new(contents);
    let secret = inner.read(der::OCTET_STRING, &what)?;
    inner.finish(&format!("the {what}"))?;
    Ok(secret)
}

/// A `CurvePrivateKey ::= OCTET STRING` holding `secret`.
pub(crate) fn write_curve_private_key(secret: &[u8]) -> Zeroizing<Vec<u8>> {
    Node::Prim(der::OCTET_STRING, secret).to_der_secret()
}

/// The seed-or-expanded private-key CHOICE of ML-KEM and ML-DSA, as read:
///
/// ```text
/// CHOICE { seed [0] IMPLICIT OCTET STRING,                         -- tag 0x80
///          expandedKey OCTET STRING,                               -- tag 0x04
///          both SEQUENCE { seed OCTET STRING, expandedKey OCTET STRING } }  -- tag 0x30
/// ```
///
/// told apart by its tag, never by its length. The sizes are the family's to check.
pub(crate) enum SeedChoice<'a> {
    /// `seed [0]`.
    Seed(&'a [u8]),
    /// `expandedKey`.
    Expanded(&'a [u8]),
    /// `both`.
    Both {
        /// The seed.
        seed: &'a [u8],
        /// The expanded key, which must be the one the seed generates ([`check_both`]).
        expanded: &'a [u8],
    },
}

/// What the CHOICE may start with, for error messages.
const SEED_CHOICE: &str =
    "seed [0] (tag 0x80), expandedKey OCTET STRING (tag 0x04) or both SEQUENCE (tag 0x30)";

/// Parses the seed-or-expanded CHOICE of algorithm `name` by its tag.
pub(crate) fn read_seed_choice<'a>(name: &str, contents: &'a [u8]) -> Result<SeedChoice<'a>> {
    let mut r = Reader::new(contents);
    match r.peek_tag() {
        Some(der::CONTEXT_0_PRIMITIVE) => {
            let what = format!("{name} private key seed [0]");
            let seed = r.read(der::CONTEXT_0_PRIMITIVE, &what)?;
            r.finish(&what)?;
            Ok(SeedChoice::Seed(seed))
        }
        Some(der::OCTET_STRING) => {
            let what = format!("{name} private key expandedKey");
            let expanded = r.read(der::OCTET_STRING, &what)?;
            r.finish(&what)?;
            Ok(SeedChoice::Expanded(expanded))
        }
        Some(der::SEQUENCE) => {
            let what = format!("{name} private key `both`");
            let body = r.read(der::SEQUENCE, &what)?;
            r.finish(&what)?;
            let mut both = Reader::new(body);
            let seed = both.read(der::OCTET_STRING, &format!("{name} `both` seed"))?;
            let expanded = both.read(der::OCTET_STRING, &format!("{name} `both` expandedKey"))?;
            both.finish(&format!("{what} seed and expandedKey"))?;
            Ok(SeedChoice::Both { seed, expanded })
        }
        Some(tag) => Err(Error::Encoding(format!(
            "{name} private key: expected {SEED_CHOICE}, found {}",
            der::tag_name(tag)
        ))),
        None => Err(Error::Encoding(format!(
            "{name} private key is empty; expected {SEED_CHOICE}"
        ))),
    }
}

/// Fails unless the `both` form's expanded key is the one its seed generates (`regenerated`).
pub(crate) fn check_both(name: &str, regenerated: &[u8], expanded: &[u8]) -> Result<()> {
    if bool::from(regenerated.ct_eq(expanded)) {
        Ok(())
    } else {
        Err(Error::InvalidKey(format!(
            "{name} private key `both`: seed and expanded key disagree"
        )))
    }
}

/// Writes the seed-or-expanded CHOICE in `form`; the part `form` does not use may be empty.
pub(crate) fn write_seed_choice(
    form: PrivateKeyForm,
    seed: &[u8],
    expanded: &[u8],
) -> Zeroizing<Vec<u8>> {
    let choice = match form {
        PrivateKeyForm::Seed => Node::Prim(der::CONTEXT_0_PRIMITIVE, seed),
        PrivateKeyForm::Expanded => Node::Prim(der::OCTET_STRING, expanded),
        PrivateKeyForm::Both => Node::Cons(
            der::SEQUENCE,
            vec![
                Node::Prim(der::OCTET_STRING, seed),
                Node::Prim(der::OCTET_STRING, expanded),
            ],
        ),
    };
    choice.to_der_secret()
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

/// Lower-case hex of a short byte string, for error messages.
fn hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "(none)".into();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use crate::kem::KemAlgorithm;
    use crate::sig::SigAlgorithm;

    #[test]
    fn oid_tables_round_trip_through_der() {
        let kem = KemAlgorithm::ALL
            .iter()
            .filter_map(|&a| super::super::algorithm_oid(a).ok());
        for dotted in SigAlgorithm::ALL.iter().map(|a| a.oid()).chain(kem) {
            let der = der::oid_from_dotted(dotted).expect("oid");
            assert_eq!(der::oid_to_string(&der).expect("parse"), dotted);
        }
        let der = |d| der::oid_from_dotted(d).expect("oid");
        assert_eq!(
            der("2.16.840.1.101.3.4.3.17"),
            [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x11]
        );
        assert_eq!(der("1.3.101.112"), [0x2B, 0x65, 0x70]);
        assert_eq!(
            der("1.3.6.1.4.1.62253.25722"),
            [0x2B, 0x06, 0x01, 0x04, 0x01, 0x83, 0xE6, 0x2D, 0x81, 0xC8, 0x7A]
        );
    }
}
