//! ECDSA over P-256 / P-384, only as the traditional half of a composite signature.
//!
//! Hedged signing and all verification go through aws-lc-rs (measured 5x faster than the pure-Rust
//! crates here: P-256 sign 15 / verify 50 µs against 85 / 278 µs; P-384 85 / 201 against 274 /
//! 920 µs). aws-lc draws the nonce from its DRBG with the key and digest mixed in, so a broken
//! RNG does not leak the key. [`SigningMode::Deterministic`] uses RFC 6979 from the `ecdsa` crate,
//! which aws-lc does not offer.
//!
//! ECDSA is malleable: (r, s) and (r, n − s) both verify, so anyone can turn one valid signature
//! into a second one for the same message. pqpay signs low-S only (s ≤ n/2, in both signing
//! modes; RFC 6979's s is replaced by n − s when high). Verification accepts high-S by default:
//! ECDSA (FIPS 186-5, X9.62) and the composite draft do not require low-S, and the draft's own
//! vectors carry them (`sWithContext` of MLDSA65-ECDSA-P256-SHA512, both signatures of
//! MLDSA87-ECDSA-P384-SHA512), as may other implementations' signatures. Strict verification
//! ([`EcdsaVerifyingKey::verify_low_s`]) refuses high-S, so a verifier that keys anything on
//! signature bytes sees one valid signature per message and key pair. The signature is strict
//! DER (aws-lc rejects BER, trailing bytes and non-minimal integers).

use aws_lc_rs::signature::{
    EcdsaKeyPair, EcdsaSigningAlgorithm, EcdsaVerificationAlgorithm, KeyPair, ParsedPublicKey,
    ECDSA_P256_SHA256_ASN1, ECDSA_P256_SHA256_ASN1_SIGNING, ECDSA_P384_SHA384_ASN1,
    ECDSA_P384_SHA384_ASN1_SIGNING,
};
use sha2::{Digest, Sha256, Sha384};
use zeroize::Zeroizing;

use crate::encoding::der::{self, Node, Reader};
use crate::sig::SigningMode;
use crate::{rng, Error, Result};

const CONTEXT_1_CONSTRUCTED: u8 = 0xA1;

/// The two curves the offered composites use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Curve {
    P256,
    P384,
}

impl Curve {
    /// Scalar / coordinate length.
    pub(super) fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
        }
    }

    /// Uncompressed point length (0x04 || X || Y).
    pub(super) fn point_len(self) -> usize {
        1 + 2 * self.field_len()
    }

    /// The namedCurve OID's DER contents.
    fn oid(self) -> &'static [u8] {
        match self {
            // 1.2.840.10045.3.1.7
            Curve::P256 => &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
            // 1.3.132.0.34
            Curve::P384 => &[0x2b, 0x81, 0x04, 0x00, 0x22],
        }
    }

    fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
        }
    }

    fn signing_alg(self) -> &'static EcdsaSigningAlgorithm {
        match self {
            Curve::P256 => &ECDSA_P256_SHA256_ASN1_SIGNING,
            Curve::P384 => &ECDSA_P384_SHA384_ASN1_SIGNING,
        }
    }

    /// The DER signature with s replaced by n − s when s > n/2 (unchanged when already low);
    /// a signature that does not parse is [`Error::InvalidSignature`].
    fn low_s(self, signature: &[u8]) -> Result<Vec<u8>> {
        let bad = |_| Error::InvalidSignature;
        Ok(match self {
            Curve::P256 => p256::ecdsa::Signature::from_der(signature)
                .map_err(bad)?
                .normalize_s()
                .to_der()
                .as_bytes()
                .to_vec(),
            Curve::P384 => p384::ecdsa::Signature::from_der(signature)
                .map_err(bad)?
                .normalize_s()
                .to_der()
                .as_bytes()
                .to_vec(),
        })
    }

    fn verification_alg(self) -> &'static EcdsaVerificationAlgorithm {
        match self {
            Curve::P256 => &ECDSA_P256_SHA256_ASN1,
            Curve::P384 => &ECDSA_P384_SHA384_ASN1,
        }
    }

    /// Checks 0 < d < n (constant time in the value).
    fn check_scalar(self, d: &[u8]) -> Result<()> {
        let ok = match self {
            Curve::P256 => p256::SecretKey::from_bytes(
                <&p256::FieldBytes>::try_from(d).map_err(|_| bad_scalar_len(self, d))?,
            )
            .is_ok(),
            Curve::P384 => p384::SecretKey::from_bytes(
                <&p384::FieldBytes>::try_from(d).map_err(|_| bad_scalar_len(self, d))?,
            )
            .is_ok(),
        };
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidKey(format!(
                "the ECDSA {} private scalar is zero or not below the group order",
                self.name()
            )))
        }
    }
}

fn bad_scalar_len(curve: Curve, d: &[u8]) -> Error {
    Error::InvalidKey(format!(
        "the ECDSA {} private key must be {} bytes long, got {}",
        curve.name(),
        curve.field_len(),
        d.len()
    ))
}

/// An ECDSA public key: a validated uncompressed point.
pub(super) struct EcdsaVerifyingKey {
    curve: Curve,
    key: ParsedPublicKey,
    bytes: Vec<u8>,
}

impl EcdsaVerifyingKey {
    /// Parses `04 || X || Y`; fails with [`Error::InvalidKey`] unless it is a point of the curve.
    pub(super) fn from_bytes(curve: Curve, data: &[u8]) -> Result<Self> {
        if data.len() != curve.point_len() || data.first() != Some(&0x04) {
            return Err(Error::InvalidKey(format!(
                "the ECDSA {} public key must be an uncompressed point (0x04 || X || Y, {} bytes)",
                curve.name(),
                curve.point_len()
            )));
        }
        let key = ParsedPublicKey::new(curve.verification_alg(), data).map_err(|_| {
            Error::InvalidKey(format!(
                "the ECDSA {} public key is not a point of the curve",
                curve.name()
            ))
        })?;
        Ok(EcdsaVerifyingKey {
            curve,
            key,
            bytes: data.to_vec(),
        })
    }

    pub(super) fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Verifies a DER `Ecdsa-Sig-Value` over `msg` (hashed with SHA-256 / SHA-384 by aws-lc).
    pub(super) fn verify(&self, msg: &[u8], signature: &[u8]) -> Result<()> {
        self.key
            .verify_sig(msg, signature)
            .map_err(|_| Error::InvalidSignature)
    }

    /// [`Self::verify`], and refuses a high-S signature (s > n/2).
    pub(super) fn verify_low_s(&self, msg: &[u8], signature: &[u8]) -> Result<()> {
        self.verify(msg, signature)?;
        if self.curve.low_s(signature)? == signature {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}

/// An ECDSA private key. The scalar is kept (wiped on drop) for RFC 6979 and serialization;
/// aws-lc frees its copy with `OPENSSL_free`, which cleanses.
pub(super) struct EcdsaSigningKey {
    curve: Curve,
    scalar: Zeroizing<Vec<u8>>,
    key_pair: EcdsaKeyPair,
    public: EcdsaVerifyingKey,
}

impl EcdsaSigningKey {
    /// A fresh key: a uniform scalar in [1, n) by rejection sampling.
    pub(super) fn generate(curve: Curve) -> Result<Self> {
        loop {
            let mut d = Zeroizing::new(vec![0u8; curve.field_len()]);
            rng::fill(&mut d)?;
            if curve.check_scalar(&d).is_ok() {
                return Self::from_scalar(curve, d);
            }
        }
    }

    fn from_scalar(curve: Curve, scalar: Zeroizing<Vec<u8>>) -> Result<Self> {
        curve.check_scalar(&scalar)?;
        let der = encode_ec_private_key(curve, &scalar);
        // aws-lc computes the public point from an ECPrivateKey that omits it.
        let key_pair = EcdsaKeyPair::from_private_key_der(curve.signing_alg(), &der)
            .map_err(|e| Error::InvalidKey(format!("ECDSA {} key: {e}", curve.name())))?;
        let public = EcdsaVerifyingKey::from_bytes(curve, key_pair.public_key().as_ref())?;
        Ok(EcdsaSigningKey {
            curve,
            scalar,
            key_pair,
            public,
        })
    }

    /// Reads an RFC 5915 ECPrivateKey (DER): version 1, the scalar at full length, the optional
    /// namedCurve (must be this curve) and the optional publicKey (must match the scalar).
    pub(super) fn from_der(curve: Curve, data: &[u8]) -> Result<Self> {
        let what = "ECDSA ECPrivateKey";
        let mut outer = Reader::new(data);
        let body = outer.read(der::SEQUENCE, what)?;
        outer.finish(what)?;
        let mut r = Reader::new(body);
        if r.read(der::INTEGER, "ECPrivateKey version")? != [1] {
            return Err(Error::Encoding(
                "ECPrivateKey version must be 1 (ecPrivkeyVer1)".into(),
            ));
        }
        let d = r.read(der::OCTET_STRING, "ECPrivateKey privateKey")?;
        if d.len() != curve.field_len() {
            return Err(bad_scalar_len(curve, d));
        }
        let mut public = None;
        if r.peek_tag() == Some(der::CONTEXT_0_CONSTRUCTED) {
            let params = r.read(der::CONTEXT_0_CONSTRUCTED, "ECPrivateKey parameters")?;
            let mut p = Reader::new(params);
            let oid = p.read(der::OID, "ECPrivateKey namedCurve")?;
            p.finish("ECPrivateKey parameters")?;
            if oid != curve.oid() {
                return Err(Error::InvalidKey(format!(
                    "ECPrivateKey names curve {}, expected {}",
                    der::oid_to_string(oid).unwrap_or_else(|_| "(malformed OID)".into()),
                    curve.name()
                )));
            }
        }
        if r.peek_tag() == Some(CONTEXT_1_CONSTRUCTED) {
            let field = r.read(CONTEXT_1_CONSTRUCTED, "ECPrivateKey publicKey")?;
            let mut p = Reader::new(field);
            let bits = p.read(der::BIT_STRING, "ECPrivateKey publicKey")?;
            p.finish("ECPrivateKey publicKey")?;
            match bits.split_first() {
                Some((0, point)) => public = Some(point),
                _ => {
                    return Err(Error::Encoding(
                        "ECPrivateKey publicKey BIT STRING must have 0 unused bits".into(),
                    ))
                }
            }
        }
        r.finish(what)?;
        let key = Self::from_scalar(curve, Zeroizing::new(d.to_vec()))?;
        if let Some(point) = public {
            if point != key.public.as_bytes() {
                return Err(Error::InvalidKey(
                    "ECPrivateKey publicKey does not match its private scalar".into(),
                ));
            }
        }
        Ok(key)
    }

    /// The draft's form: ECPrivateKey with the namedCurve and without the publicKey.
    pub(super) fn to_der(&self) -> Zeroizing<Vec<u8>> {
        encode_ec_private_key(self.curve, &self.scalar)
    }

    pub(super) fn public(&self) -> &EcdsaVerifyingKey {
        &self.public
    }

    /// Signs `msg` (hashed with SHA-256 / SHA-384); returns the DER signature, always low-S.
    pub(super) fn sign(&self, msg: &[u8], mode: SigningMode) -> Result<Vec<u8>> {
        let sig = self.sign_any_s(msg, mode)?;
        self.curve
            .low_s(&sig)
            .map_err(|_| Error::Internal("ECDSA signature did not parse back".into()))
    }

    fn sign_any_s(&self, msg: &[u8], mode: SigningMode) -> Result<Vec<u8>> {
        match mode {
            SigningMode::Hedged => {
                let rng = aws_lc_rs::rand::SystemRandom::new();
                let sig = self
                    .key_pair
                    .sign(&rng, msg)
                    .map_err(|_| Error::Internal("aws-lc ECDSA signing failed".into()))?;
                Ok(sig.as_ref().to_vec())
            }
            SigningMode::Deterministic => self.sign_rfc6979(msg),
        }
    }

    fn sign_rfc6979(&self, msg: &[u8]) -> Result<Vec<u8>> {
        let internal = |_| Error::Internal("ECDSA scalar rejected after validation".into());
        match self.curve {
            Curve::P256 => {
                let sk = p256::SecretKey::from_slice(&self.scalar).map_err(internal)?;
                let d = Zeroizing::new(sk.to_nonzero_scalar());
                let z = Sha256::digest(msg);
                let (sig, _) =
                    ecdsa::hazmat::sign_prehashed_rfc6979::<p256::NistP256, Sha256>(&d, &z, &[]);
                Ok(sig.to_der().as_bytes().to_vec())
            }
            Curve::P384 => {
                let sk = p384::SecretKey::from_slice(&self.scalar).map_err(internal)?;
                let d = Zeroizing::new(sk.to_nonzero_scalar());
                let z = Sha384::digest(msg);
                let (sig, _) =
                    ecdsa::hazmat::sign_prehashed_rfc6979::<p384::NistP384, Sha384>(&d, &z, &[]);
                Ok(sig.to_der().as_bytes().to_vec())
            }
        }
    }
}

fn encode_ec_private_key(curve: Curve, scalar: &[u8]) -> Zeroizing<Vec<u8>> {
    Node::Cons(
        der::SEQUENCE,
        vec![
            Node::Prim(der::INTEGER, &[1]),
            Node::Prim(der::OCTET_STRING, scalar),
            Node::Cons(
                der::CONTEXT_0_CONSTRUCTED,
                vec![Node::Prim(der::OID, curve.oid())],
            ),
        ],
    )
    .to_der_secret()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len() / 2)
            .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
            .collect()
    }

    // RFC 6979 A.2.5: P-256, SHA-256, message "sample".
    const D: &str = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
    const UX: &str = "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6";
    const UY: &str = "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
    const R: &str = "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716";
    const S: &str = "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";

    fn rfc6979_key() -> EcdsaSigningKey {
        EcdsaSigningKey::from_scalar(Curve::P256, Zeroizing::new(unhex(D))).unwrap()
    }

    #[test]
    fn rfc6979_p256_sample() {
        let key = rfc6979_key();
        let point = [vec![4u8], unhex(UX), unhex(UY)].concat();
        assert_eq!(key.public().as_bytes(), point.as_slice());
        let sig = key.sign_rfc6979(b"sample").unwrap();
        // DER: both r and s have the top bit set, so each INTEGER gets a leading zero.
        let want = [
            vec![0x30, 0x46, 0x02, 0x21, 0x00],
            unhex(R),
            vec![0x02, 0x21, 0x00],
            unhex(S),
        ]
        .concat();
        assert_eq!(sig, want);
        key.public().verify(b"sample", &sig).unwrap();
        assert_eq!(
            key.public().verify(b"samplE", &sig),
            Err(Error::InvalidSignature)
        );
    }

    #[test]
    fn hedged_signatures_differ_and_verify() {
        for curve in [Curve::P256, Curve::P384] {
            let key = EcdsaSigningKey::generate(curve).unwrap();
            let a = key.sign(b"m", SigningMode::Hedged).unwrap();
            let b = key.sign(b"m", SigningMode::Hedged).unwrap();
            assert_ne!(a, b);
            key.public().verify(b"m", &a).unwrap();
            key.public().verify(b"m", &b).unwrap();
            let d = key.sign(b"m", SigningMode::Deterministic).unwrap();
            assert_eq!(d, key.sign(b"m", SigningMode::Deterministic).unwrap());
            key.public().verify(b"m", &d).unwrap();
        }
    }

    #[test]
    fn private_key_der_forms() {
        let key = rfc6979_key();
        let der = key.to_der();
        assert_eq!(der.len(), 51);
        let again = EcdsaSigningKey::from_der(Curve::P256, &der).unwrap();
        assert_eq!(again.public().as_bytes(), key.public().as_bytes());
        // With a matching publicKey: accepted, written back without it.
        let point = key.public().as_bytes().to_vec();
        let with_pub = Node::Cons(
            der::SEQUENCE,
            vec![
                Node::Prim(der::INTEGER, &[1]),
                Node::Prim(der::OCTET_STRING, &unhex(D)),
                Node::Cons(CONTEXT_1_CONSTRUCTED, vec![Node::BitString(&point)]),
            ],
        )
        .to_der();
        let k = EcdsaSigningKey::from_der(Curve::P256, &with_pub).unwrap();
        assert_eq!(*k.to_der(), *der);
        // A publicKey of another key: rejected.
        let other = EcdsaSigningKey::generate(Curve::P256).unwrap();
        let bad_pub = Node::Cons(
            der::SEQUENCE,
            vec![
                Node::Prim(der::INTEGER, &[1]),
                Node::Prim(der::OCTET_STRING, &unhex(D)),
                Node::Cons(
                    CONTEXT_1_CONSTRUCTED,
                    vec![Node::BitString(other.public().as_bytes())],
                ),
            ],
        )
        .to_der();
        assert!(matches!(
            EcdsaSigningKey::from_der(Curve::P256, &bad_pub),
            Err(Error::InvalidKey(_))
        ));
        // Wrong curve, truncations, trailing bytes, zero scalar, scalar >= n.
        assert!(EcdsaSigningKey::from_der(Curve::P384, &der).is_err());
        for n in 0..der.len() {
            assert!(EcdsaSigningKey::from_der(Curve::P256, &der[..n]).is_err());
        }
        let mut trailing = der.to_vec();
        trailing.push(0);
        assert!(EcdsaSigningKey::from_der(Curve::P256, &trailing).is_err());
        for d in [[0u8; 32], [0xff; 32]] {
            assert!(matches!(
                EcdsaSigningKey::from_scalar(Curve::P256, Zeroizing::new(d.to_vec())),
                Err(Error::InvalidKey(_))
            ));
        }
    }

    #[test]
    fn public_key_checks() {
        let key = rfc6979_key();
        let mut point = key.public().as_bytes().to_vec();
        assert!(EcdsaVerifyingKey::from_bytes(Curve::P256, &point).is_ok());
        point[64] ^= 1; // off the curve
        assert!(matches!(
            EcdsaVerifyingKey::from_bytes(Curve::P256, &point),
            Err(Error::InvalidKey(_))
        ));
        let compressed = [&[2u8][..], &unhex(UX)].concat();
        assert!(EcdsaVerifyingKey::from_bytes(Curve::P256, &compressed).is_err());
        assert!(EcdsaVerifyingKey::from_bytes(Curve::P256, &[]).is_err());
    }

    /// RFC 6979's signature for "sample" with s' = n - s (its S is high).
    fn sample_low_s() -> Vec<u8> {
        let n = unhex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
        let s = unhex(S);
        let mut neg = vec![0u8; 32];
        let mut borrow = 0i16;
        for i in (0..32).rev() {
            let v = i16::from(n[i]) - i16::from(s[i]) - borrow;
            borrow = i16::from(v < 0);
            neg[i] = (v + 256 * borrow) as u8;
        }
        [
            vec![0x30, 0x45, 0x02, 0x21, 0x00],
            unhex(R),
            vec![0x02, 0x20],
            neg,
        ]
        .concat()
    }

    #[test]
    fn signing_is_low_s_strict_verification_refuses_high_s() {
        let key = rfc6979_key();
        let high = key.sign_rfc6979(b"sample").unwrap();
        let low = key.sign(b"sample", SigningMode::Deterministic).unwrap();
        assert_eq!(low, sample_low_s());
        // Both verify by default (ECDSA is malleable; see the module comment); strict takes low.
        key.public().verify(b"sample", &high).unwrap();
        key.public().verify(b"sample", &low).unwrap();
        key.public().verify_low_s(b"sample", &low).unwrap();
        assert_eq!(
            key.public().verify_low_s(b"sample", &high),
            Err(Error::InvalidSignature)
        );
        assert_eq!(
            key.public().verify_low_s(b"samplE", &low),
            Err(Error::InvalidSignature)
        );
        for curve in [Curve::P256, Curve::P384] {
            let key = EcdsaSigningKey::generate(curve).unwrap();
            for i in 0u8..32 {
                let sig = key.sign(&[i], SigningMode::Hedged).unwrap();
                assert_eq!(curve.low_s(&sig).unwrap(), sig, "{curve:?} signed high-S");
                key.public().verify_low_s(&[i], &sig).unwrap();
            }
        }
    }

    #[test]
    fn high_s_accepted_non_der_rejected() {
        let key = rfc6979_key();
        let sig = key.sign_rfc6979(b"sample").unwrap();
        key.public().verify(b"sample", &sample_low_s()).unwrap();
        // BER long-form length and trailing garbage are rejected.
        let mut ber = vec![0x30, 0x81, 0x46];
        ber.extend_from_slice(&sig[2..]);
        assert!(key.public().verify(b"sample", &ber).is_err());
        let mut trailing = sig.clone();
        trailing.push(0);
        assert!(key.public().verify(b"sample", &trailing).is_err());
    }
}
