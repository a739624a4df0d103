//! Composite ML-DSA (draft-ietf-lamps-pq-composite-sigs-19): ML-DSA paired with Ed25519, Ed448
//! or ECDSA, both signing the same message representative
//!
//! `M' = Prefix || Label || len(ctx) || ctx || PH(M)`.
//!
//! ML-DSA signs M' as pure ML-DSA with the Label as its FIPS 204 context; Ed25519/Ed448 sign M'
//! with no context; ECDSA signs M' with SHA-256 (P-256) or SHA-384 (P-384), DER signature.
//! Encodings are plain concatenations, ML-DSA first, split at the fixed ML-DSA lengths:
//! pk = mldsaPK || tradPK, sk = mldsaSeed(32) || tradSK (ECDSA: ECPrivateKey DER with the
//! namedCurve and without the publicKey), sig = mldsaSig || tradSig.
//!
//! The ML-DSA and EdDSA halves are the generic [`SigningKey`] / [`VerifyingKey`] handles of
//! their own modules; ECDSA lives in [`ecdsa`]. The two halves run one after the other: the
//! traditional half costs 15-50 µs, less than handing it to another thread and back (a scoped
//! spawn + join measured 50 µs on the 2-core build machine), and batch calls already use every
//! core.

mod ecdsa;

use core::any::Any;
use core::fmt;

use sha2::{Digest, Sha512};
use shake::{ExtendableOutput, Shake256, Update, XofReader};
use zeroize::Zeroizing;

use self::ecdsa::{Curve, EcdsaSigningKey, EcdsaVerifyingKey};
use super::{
    SigAlgorithm, SigningKey, SigningKeyImpl, SigningMode, VerifyingKey, VerifyingKeyImpl,
    MAX_CONTEXT_LEN,
};
use crate::{Error, Result};

/// The draft's 32-byte prefix, "CompositeAlgorithmSignatures2025".
pub const PREFIX: &[u8; 32] = b"CompositeAlgorithmSignatures2025";

/// The ML-DSA seed length at the start of every composite private key.
const MLDSA_SEED_LEN: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trad {
    Ed25519,
    Ed448,
    Ecdsa(Curve),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PreHash {
    Sha512,
    /// SHAKE256 with a 64-byte output.
    Shake256,
}

/// One composite algorithm's fixed parameters.
struct Params {
    mldsa: SigAlgorithm,
    mldsa_pk_len: usize,
    mldsa_sig_len: usize,
    trad: Trad,
    label: &'static [u8],
    ph: PreHash,
    sk_what: &'static str,
    sk_len: &'static str,
    pk_what: &'static str,
    pk_len: &'static str,
}

const MLDSA44_ED25519: Params = Params {
    mldsa: SigAlgorithm::MlDsa44,
    mldsa_pk_len: 1312,
    mldsa_sig_len: 2420,
    trad: Trad::Ed25519,
    label: b"COMPSIG-MLDSA44-Ed25519-SHA512",
    ph: PreHash::Sha512,
    sk_what: "MLDSA44-Ed25519-SHA512 private key",
    sk_len: "64",
    pk_what: "MLDSA44-Ed25519-SHA512 public key",
    pk_len: "1344",
};

const MLDSA65_ED25519: Params = Params {
    mldsa: SigAlgorithm::MlDsa65,
    mldsa_pk_len: 1952,
    mldsa_sig_len: 3309,
    trad: Trad::Ed25519,
    label: b"COMPSIG-MLDSA65-Ed25519-SHA512",
    ph: PreHash::Sha512,
    sk_what: "MLDSA65-Ed25519-SHA512 private key",
    sk_len: "64",
    pk_what: "MLDSA65-Ed25519-SHA512 public key",
    pk_len: "1984",
};

const MLDSA87_ED448: Params = Params {
    mldsa: SigAlgorithm::MlDsa87,
    mldsa_pk_len: 2592,
    mldsa_sig_len: 4627,
    trad: Trad::Ed448,
    label: b"COMPSIG-MLDSA87-Ed448-SHAKE256",
    ph: PreHash::Shake256,
    sk_what: "MLDSA87-Ed448-SHAKE256 private key",
    sk_len: "89",
    pk_what: "MLDSA87-Ed448-SHAKE256 public key",
    pk_len: "2649",
};

const MLDSA65_P256: Params = Params {
    mldsa: SigAlgorithm::MlDsa65,
    mldsa_pk_len: 1952,
    mldsa_sig_len: 3309,
    trad: Trad::Ecdsa(Curve::P256),
    label: b"COMPSIG-MLDSA65-ECDSA-P256-SHA512",
    ph: PreHash::Sha512,
    sk_what: "MLDSA65-ECDSA-P256-SHA512 private key",
    sk_len: "32 + an ECPrivateKey (83 in all)",
    pk_what: "MLDSA65-ECDSA-P256-SHA512 public key",
    pk_len: "2017",
};

const MLDSA87_P384: Params = Params {
    mldsa: SigAlgorithm::MlDsa87,
    mldsa_pk_len: 2592,
    mldsa_sig_len: 4627,
    trad: Trad::Ecdsa(Curve::P384),
    label: b"COMPSIG-MLDSA87-ECDSA-P384-SHA512",
    ph: PreHash::Sha512,
    sk_what: "MLDSA87-ECDSA-P384-SHA512 private key",
    sk_len: "32 + an ECPrivateKey (96 in all)",
    pk_what: "MLDSA87-ECDSA-P384-SHA512 public key",
    pk_len: "2689",
};

fn params(alg: SigAlgorithm) -> Result<&'static Params> {
    match alg {
        SigAlgorithm::MlDsa44Ed25519 => Ok(&MLDSA44_ED25519),
        SigAlgorithm::MlDsa65Ed25519 => Ok(&MLDSA65_ED25519),
        SigAlgorithm::MlDsa87Ed448 => Ok(&MLDSA87_ED448),
        SigAlgorithm::MlDsa65P256 => Ok(&MLDSA65_P256),
        SigAlgorithm::MlDsa87P384 => Ok(&MLDSA87_P384),
        other => Err(Error::UnsupportedAlgorithm(format!(
            "{other} is not a composite signature algorithm"
        ))),
    }
}

impl Params {
    /// Traditional public key length (fixed for every offered combination).
    fn trad_pk_len(&self) -> usize {
        match self.trad {
            Trad::Ed25519 => 32,
            Trad::Ed448 => 57,
            Trad::Ecdsa(curve) => curve.point_len(),
        }
    }
}

/// The draft's label for a composite algorithm (the ML-DSA context string).
pub fn label(alg: SigAlgorithm) -> Result<&'static [u8]> {
    Ok(params(alg)?.label)
}

/// `M' = Prefix || Label || len(ctx) || ctx || PH(M)`, the bytes both components sign.
pub fn message_representative(alg: SigAlgorithm, msg: &[u8], ctx: &[u8]) -> Result<Vec<u8>> {
    let p = params(alg)?;
    let ctx_len = u8::try_from(ctx.len())
        .ok()
        .filter(|&n| usize::from(n) <= MAX_CONTEXT_LEN)
        .ok_or_else(|| {
            Error::InvalidArgument(format!(
                "context must be at most {MAX_CONTEXT_LEN} bytes long, got {}",
                ctx.len()
            ))
        })?;
    let mut out = Vec::with_capacity(PREFIX.len() + p.label.len() + 1 + ctx.len() + 64);
    out.extend_from_slice(PREFIX);
    out.extend_from_slice(p.label);
    out.push(ctx_len);
    out.extend_from_slice(ctx);
    match p.ph {
        PreHash::Sha512 => out.extend_from_slice(&Sha512::digest(msg)),
        PreHash::Shake256 => {
            let mut xof = Shake256::default();
            xof.update(msg);
            let mut digest = [0u8; 64];
            xof.finalize_xof().read(&mut digest);
            out.extend_from_slice(&digest);
        }
    }
    Ok(out)
}

enum TradSigning {
    Ed(SigningKey),
    Ecdsa(EcdsaSigningKey),
}

enum TradVerifying {
    Ed(VerifyingKey),
    Ecdsa(EcdsaVerifyingKey),
}

/// A composite private key: the ML-DSA key (from its seed) and the traditional key.
/// Both halves wipe their secrets on drop.
pub struct CompositeSigningKey {
    alg: SigAlgorithm,
    p: &'static Params,
    mldsa: SigningKey,
    trad: TradSigning,
    public: VerifyingKey,
}

/// A composite public key; both halves validated.
pub struct CompositeVerifyingKey {
    alg: SigAlgorithm,
    p: &'static Params,
    mldsa: VerifyingKey,
    trad: TradVerifying,
    bytes: Vec<u8>,
}

impl fmt::Debug for CompositeSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CompositeSigningKey({}, <redacted>)", self.alg)
    }
}

impl fmt::Debug for CompositeVerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CompositeVerifyingKey({})", self.alg)
    }
}

fn ed_alg(trad: Trad) -> SigAlgorithm {
    match trad {
        Trad::Ed448 => SigAlgorithm::Ed448,
        _ => SigAlgorithm::Ed25519,
    }
}

impl CompositeSigningKey {
    fn assemble(
        alg: SigAlgorithm,
        p: &'static Params,
        mldsa: SigningKey,
        trad: TradSigning,
    ) -> Result<Self> {
        let mldsa_pk = mldsa.verifying_key();
        let trad_pk = match &trad {
            TradSigning::Ed(k) => TradVerifying::Ed(k.verifying_key()),
            TradSigning::Ecdsa(k) => TradVerifying::Ecdsa(EcdsaVerifyingKey::from_bytes(
                match p.trad {
                    Trad::Ecdsa(c) => c,
                    _ => {
                        return Err(Error::Internal(
                            "ECDSA key for a non-ECDSA composite".into(),
                        ))
                    }
                },
                k.public().as_bytes(),
            )?),
        };
        let public = VerifyingKey::new(CompositeVerifyingKey::assemble(alg, p, mldsa_pk, trad_pk)?);
        Ok(CompositeSigningKey {
            alg,
            p,
            mldsa,
            trad,
            public,
        })
    }
}

impl CompositeVerifyingKey {
    fn assemble(
        alg: SigAlgorithm,
        p: &'static Params,
        mldsa: VerifyingKey,
        trad: TradVerifying,
    ) -> Result<Self> {
        let mut bytes = mldsa.to_bytes();
        match &trad {
            TradVerifying::Ed(k) => bytes.extend_from_slice(&k.to_bytes()),
            TradVerifying::Ecdsa(k) => bytes.extend_from_slice(k.as_bytes()),
        }
        if bytes.len() != p.mldsa_pk_len + p.trad_pk_len() {
            return Err(Error::Internal(format!(
                "{alg} public key assembled to {} bytes",
                bytes.len()
            )));
        }
        Ok(CompositeVerifyingKey {
            alg,
            p,
            mldsa,
            trad,
            bytes,
        })
    }
}

/// Generates a fresh composite key pair (independent component keys, as the draft requires).
pub(crate) fn generate(alg: SigAlgorithm) -> Result<SigningKey> {
    let p = params(alg)?;
    let mldsa = SigningKey::generate(p.mldsa)?;
    let trad = match p.trad {
        Trad::Ecdsa(curve) => TradSigning::Ecdsa(EcdsaSigningKey::generate(curve)?),
        other => TradSigning::Ed(SigningKey::generate(ed_alg(other))?),
    };
    Ok(SigningKey::new(CompositeSigningKey::assemble(
        alg, p, mldsa, trad,
    )?))
}

/// Reads the draft's private key: the 32-byte ML-DSA seed, then the traditional private key.
pub(crate) fn from_private_bytes(alg: SigAlgorithm, data: &[u8]) -> Result<SigningKey> {
    let p = params(alg)?;
    let bad_len = || Error::InvalidLength {
        what: p.sk_what,
        expected: p.sk_len,
        got: data.len(),
    };
    if data.len() <= MLDSA_SEED_LEN {
        return Err(bad_len());
    }
    let (seed, trad_sk) = data.split_at(MLDSA_SEED_LEN);
    let trad = match p.trad {
        Trad::Ecdsa(curve) => TradSigning::Ecdsa(EcdsaSigningKey::from_der(curve, trad_sk)?),
        Trad::Ed25519 | Trad::Ed448 => {
            let want = if p.trad == Trad::Ed25519 { 32 } else { 57 };
            if trad_sk.len() != want {
                return Err(bad_len());
            }
            TradSigning::Ed(SigningKey::from_private_bytes(ed_alg(p.trad), trad_sk)?)
        }
    };
    let mldsa = SigningKey::from_private_bytes(p.mldsa, seed)?;
    Ok(SigningKey::new(CompositeSigningKey::assemble(
        alg, p, mldsa, trad,
    )?))
}

/// Parses `mldsaPK || tradPK`; both halves are validated.
pub(crate) fn verifying_key_from_bytes(alg: SigAlgorithm, data: &[u8]) -> Result<VerifyingKey> {
    let p = params(alg)?;
    if data.len() != p.mldsa_pk_len + p.trad_pk_len() {
        return Err(Error::InvalidLength {
            what: p.pk_what,
            expected: p.pk_len,
            got: data.len(),
        });
    }
    let (mldsa_pk, trad_pk) = data.split_at(p.mldsa_pk_len);
    let mldsa = VerifyingKey::from_bytes(p.mldsa, mldsa_pk)?;
    let trad = match p.trad {
        Trad::Ecdsa(curve) => TradVerifying::Ecdsa(EcdsaVerifyingKey::from_bytes(curve, trad_pk)?),
        other => TradVerifying::Ed(VerifyingKey::from_bytes(ed_alg(other), trad_pk)?),
    };
    Ok(VerifyingKey::new(CompositeVerifyingKey::assemble(
        alg, p, mldsa, trad,
    )?))
}

impl SigningKeyImpl for CompositeSigningKey {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn algorithm(&self) -> SigAlgorithm {
        self.alg
    }

    fn private_bytes(&self) -> Result<Zeroizing<Vec<u8>>> {
        let seed = self.mldsa.private_bytes()?;
        let trad = match &self.trad {
            TradSigning::Ed(k) => k.private_bytes()?,
            TradSigning::Ecdsa(k) => k.to_der(),
        };
        let mut out = Zeroizing::new(Vec::with_capacity(seed.len() + trad.len()));
        out.extend_from_slice(&seed);
        out.extend_from_slice(&trad);
        Ok(out)
    }

    fn verifying_key(&self) -> VerifyingKey {
        self.public.clone()
    }

    fn sign(&self, msg: &[u8], ctx: &[u8], mode: SigningMode) -> Result<Vec<u8>> {
        let m_prime = message_representative(self.alg, msg, ctx)?;
        let mut sig = self.mldsa.sign(&m_prime, self.p.label, mode)?;
        if sig.len() != self.p.mldsa_sig_len {
            return Err(Error::Internal(format!(
                "{} ML-DSA signature of {} bytes",
                self.alg,
                sig.len()
            )));
        }
        let trad = match &self.trad {
            TradSigning::Ed(k) => k.sign(&m_prime, b"", mode)?,
            TradSigning::Ecdsa(k) => k.sign(&m_prime, mode)?,
        };
        sig.extend_from_slice(&trad);
        Ok(sig)
    }
}

impl VerifyingKeyImpl for CompositeVerifyingKey {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn algorithm(&self) -> SigAlgorithm {
        self.alg
    }

    fn to_bytes(&self) -> Vec<u8> {
        self.bytes.clone()
    }

    fn verify(&self, msg: &[u8], ctx: &[u8], signature: &[u8]) -> Result<()> {
        self.verify_with(msg, ctx, signature, false)
    }

    fn verify_strict(&self, msg: &[u8], ctx: &[u8], signature: &[u8]) -> Result<()> {
        self.verify_with(msg, ctx, signature, true)
    }
}

impl CompositeVerifyingKey {
    /// Both halves must verify; `low_s` also refuses a high-S ECDSA half (see `ecdsa`).
    fn verify_with(&self, msg: &[u8], ctx: &[u8], signature: &[u8], low_s: bool) -> Result<()> {
        if signature.len() <= self.p.mldsa_sig_len {
            return Err(Error::InvalidSignature);
        }
        let (mldsa_sig, trad_sig) = signature.split_at(self.p.mldsa_sig_len);
        let m_prime =
            message_representative(self.alg, msg, ctx).map_err(|_| Error::InvalidSignature)?;
        // Both must verify; every failure is the same opaque error.
        let mldsa_ok = self.mldsa.verify(&m_prime, self.p.label, mldsa_sig).is_ok();
        let trad_ok = match &self.trad {
            TradVerifying::Ed(k) => k.verify(&m_prime, b"", trad_sig).is_ok(),
            TradVerifying::Ecdsa(k) if low_s => k.verify_low_s(&m_prime, trad_sig).is_ok(),
            TradVerifying::Ecdsa(k) => k.verify(&m_prime, trad_sig).is_ok(),
        };
        if mldsa_ok && trad_ok {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn b64(s: &str) -> Vec<u8> {
        use base64ct::Encoding;
        base64ct::Base64::decode_vec(s).unwrap()
    }

    /// The ECDSA half of the draft's vectors on its own (the ML-DSA half is the ML-DSA module's):
    /// the ECPrivateKey gives the vector's point, is written back byte for byte, and the vector's
    /// ECDSA signatures verify over M'.
    #[test]
    fn draft_vectors_ecdsa_half() {
        let dir = std::env::var_os("PQPAY_SHARED_VECTORS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors")
            });
        let text = std::fs::read_to_string(dir.join("composite/testvectors.json")).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let m = b64(doc["m"].as_str().unwrap());
        let ctx = b64(doc["ctx"].as_str().unwrap());
        let mut ran = 0;
        for t in doc["tests"].as_array().unwrap() {
            let alg = match t["tcId"].as_str().unwrap() {
                "id-MLDSA65-ECDSA-P256-SHA512" => SigAlgorithm::MlDsa65P256,
                "id-MLDSA87-ECDSA-P384-SHA512" => SigAlgorithm::MlDsa87P384,
                _ => continue,
            };
            let p = params(alg).unwrap();
            let Trad::Ecdsa(curve) = p.trad else {
                unreachable!()
            };
            let field = |k: &str| b64(t[k].as_str().unwrap());
            let key = EcdsaSigningKey::from_der(curve, &field("sk")[32..]).unwrap();
            assert_eq!(key.public().as_bytes(), &field("pk")[p.mldsa_pk_len..]);
            assert_eq!(*key.to_der(), field("sk")[32..]);
            for (sig, c) in [(field("s"), &b""[..]), (field("sWithContext"), &ctx[..])] {
                let mp = message_representative(alg, &m, c).unwrap();
                key.public().verify(&mp, &sig[p.mldsa_sig_len..]).unwrap();
                let wrong = message_representative(alg, b"other", c).unwrap();
                assert!(key
                    .public()
                    .verify(&wrong, &sig[p.mldsa_sig_len..])
                    .is_err());
            }
            ran += 1;
        }
        assert_eq!(ran, 2);
    }
}
