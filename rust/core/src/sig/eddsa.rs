//! Ed25519 and Ed448 (RFC 8032), with strict verification.
//!
//! Ed25519 is pure Ed25519 (no context; a non-empty one is a caller error). Ed448 passes the
//! context to RFC 8032's dom4. Both schemes are deterministic by design, so
//! [`SigningMode::Hedged`] and [`SigningMode::Deterministic`] give the same signature (RFC 8032
//! signatures are what interoperable peers and the test vectors expect).
//!
//! Strictness (as Wycheproof's `ed25519_test.json` expects): S must be below the group order,
//! R and A must be canonical encodings, and small-order R or A are rejected. Public keys that are
//! non-canonical, not on the curve, or not in the prime-order subgroup (small order, or mixed
//! order such as a·B + T with T of order 2) are refused when parsed ([`Error::InvalidKey`]). An
//! RFC 8032 key is always a·B; refusing the others is what makes every verifier answer alike:
//! cofactorless and cofactored verification disagree only on torsion components.

use core::any::Any;
use core::fmt;

use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use zeroize::Zeroizing;

use super::{
    SigAlgorithm, SigningKey, SigningKeyImpl, SigningMode, VerifyingKey, VerifyingKeyImpl,
};
use crate::error::expect_len;
use crate::{Error, Result};

/// Ed25519 secret (RFC 8032 seed) length.
pub const ED25519_SECRET_LEN: usize = 32;
/// Ed25519 public key length.
pub const ED25519_PUBLIC_LEN: usize = 32;
/// Ed25519 signature length.
pub const ED25519_SIGNATURE_LEN: usize = 64;
/// Ed448 secret length.
pub const ED448_SECRET_LEN: usize = 57;
/// Ed448 public key length.
pub const ED448_PUBLIC_LEN: usize = 57;
/// Ed448 signature length.
pub const ED448_SIGNATURE_LEN: usize = 114;

fn no_ed25519_context(ctx: &[u8]) -> Result<()> {
    if ctx.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "Ed25519 takes no context; got a {}-byte context (use Ed448 or ML-DSA for contexts)",
            ctx.len()
        )))
    }
}

fn wrong_alg(alg: SigAlgorithm) -> Error {
    Error::UnsupportedAlgorithm(format!("{alg} is not an EdDSA algorithm"))
}

// ---------------------------------------------------------------------------------------------
// Ed25519

/// An Ed25519 private key. Signing goes through aws-lc-rs (about twice ed25519-dalek's speed
/// here; both are RFC 8032 deterministic and give the same bytes on every vector), verification
/// through ed25519-dalek. aws-lc frees (and cleanses) its copy on drop; ours is zeroized.
pub struct Ed25519SigningKey {
    key: aws_lc_rs::signature::Ed25519KeyPair,
    seed: Zeroizing<[u8; ED25519_SECRET_LEN]>,
    public: Ed25519VerifyingKey,
}

impl Ed25519SigningKey {
    /// Reads the 32-byte RFC 8032 secret.
    pub fn from_bytes(data: &[u8]) -> Result<Self> {
        let seed = expect_len::<ED25519_SECRET_LEN>("Ed25519 private key", "32", data)?;
        let key = aws_lc_rs::signature::Ed25519KeyPair::from_seed_unchecked(seed)
            .map_err(|_| Error::InvalidKey("Ed25519 private key rejected".into()))?;
        let public =
            Ed25519VerifyingKey::derived(aws_lc_rs::signature::KeyPair::public_key(&key).as_ref())?;
        Ok(Ed25519SigningKey {
            key,
            seed: Zeroizing::new(*seed),
            public,
        })
    }

    /// Signs (pure Ed25519, deterministic).
    pub fn sign_bytes(&self, msg: &[u8]) -> Vec<u8> {
        self.key.sign(msg).as_ref().to_vec()
    }

    /// The public key.
    pub fn public_key(&self) -> Ed25519VerifyingKey {
        self.public.clone()
    }
}

impl fmt::Debug for Ed25519SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Ed25519SigningKey(<redacted>)")
    }
}

impl SigningKeyImpl for Ed25519SigningKey {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn algorithm(&self) -> SigAlgorithm {
        SigAlgorithm::Ed25519
    }
    fn private_bytes(&self) -> Result<Zeroizing<Vec<u8>>> {
        Ok(Zeroizing::new(self.seed.to_vec()))
    }
    fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey::new(self.public_key())
    }
    fn sign(&self, msg: &[u8], ctx: &[u8], _mode: SigningMode) -> Result<Vec<u8>> {
        no_ed25519_context(ctx)?;
        Ok(self.sign_bytes(msg))
    }
}

/// A validated Ed25519 public key: canonical encoding, on the curve, in the prime-order subgroup.
#[derive(Clone)]
pub struct Ed25519VerifyingKey {
    key: ed25519_dalek::VerifyingKey,
}

impl Ed25519VerifyingKey {
    /// Parses and validates a 32-byte public key.
    pub fn from_bytes(data: &[u8]) -> Result<Self> {
        let bytes = expect_len::<ED25519_PUBLIC_LEN>("Ed25519 public key", "32", data)?;
        let point = decompress_canonical(bytes).ok_or_else(|| {
            Error::InvalidKey("Ed25519 public key is not a canonical curve point".into())
        })?;
        if point.is_small_order() {
            return Err(Error::InvalidKey(
                "Ed25519 public key is a point of small order".into(),
            ));
        }
        // About 40 us (one scalar multiplication by the group order), once per parsed key.
        if !point.is_torsion_free() {
            return Err(Error::InvalidKey(
                "Ed25519 public key is not in the prime-order subgroup (it has a torsion component)"
                    .into(),
            ));
        }
        let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| {
            Error::InvalidKey("Ed25519 public key is not a canonical curve point".into())
        })?;
        Ok(Ed25519VerifyingKey { key })
    }

    /// The public key of a private key just derived from its seed: [s]B with B the base point
    /// and s the clamped scalar (a multiple of 8 in [2^254, 2^255), never a multiple of the
    /// odd group order), so it lies in the prime-order subgroup and is not the identity by
    /// construction. The subgroup check of [`Self::from_bytes`] (a scalar multiplication, most
    /// of key generation's time) is left out; keys given as bytes always get it.
    fn derived(data: &[u8]) -> Result<Self> {
        let bytes = expect_len::<ED25519_PUBLIC_LEN>("Ed25519 public key", "32", data)?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| {
            Error::Internal("Ed25519 derived public key is not a curve point".into())
        })?;
        Ok(Ed25519VerifyingKey { key })
    }

    /// The 32-byte encoding.
    pub fn as_bytes(&self) -> &[u8; ED25519_PUBLIC_LEN] {
        self.key.as_bytes()
    }

    /// Strict single verification (see the module documentation).
    pub fn verify_bytes(&self, msg: &[u8], signature: &[u8]) -> Result<()> {
        let sig: &[u8; ED25519_SIGNATURE_LEN] =
            signature.try_into().map_err(|_| Error::InvalidSignature)?;
        let sig = ed25519_dalek::Signature::from_bytes(sig);
        // verify_strict checks S < L, rejects small-order R and A, and compares the recomputed R
        // with the encoding given, so a non-canonical R fails too.
        self.key
            .verify_strict(msg, &sig)
            .map_err(|_| Error::InvalidSignature)
    }
}

impl fmt::Debug for Ed25519VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ed25519VerifyingKey({})", hex_short(self.as_bytes()))
    }
}

fn hex_short(b: &[u8]) -> String {
    b.iter()
        .take(8)
        .map(|x| format!("{x:02x}"))
        .collect::<String>()
        + "..."
}

impl VerifyingKeyImpl for Ed25519VerifyingKey {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn algorithm(&self) -> SigAlgorithm {
        SigAlgorithm::Ed25519
    }
    fn to_bytes(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
    fn verify(&self, msg: &[u8], ctx: &[u8], signature: &[u8]) -> Result<()> {
        no_ed25519_context(ctx)?;
        self.verify_bytes(msg, signature)
    }
}

/// Decompresses only canonical encodings (y < p, and no "negative zero" x).
fn decompress_canonical(bytes: &[u8; 32]) -> Option<EdwardsPoint> {
    let c = CompressedEdwardsY(*bytes);
    let p = c.decompress()?;
    (p.compress() == c).then_some(p)
}

// ---------------------------------------------------------------------------------------------
// Ed448 (sig/eddsa/ed448.rs)

mod ed448;
pub use ed448::{Ed448SigningKey, Ed448VerifyingKey};

// ---------------------------------------------------------------------------------------------
// The family contract

pub(crate) fn generate(alg: SigAlgorithm) -> Result<SigningKey> {
    match alg {
        SigAlgorithm::Ed25519 => {
            let seed = Zeroizing::new(crate::rng::array::<ED25519_SECRET_LEN>()?);
            from_private_bytes(alg, &seed[..])
        }
        SigAlgorithm::Ed448 => {
            let seed = Zeroizing::new(crate::rng::array::<ED448_SECRET_LEN>()?);
            from_private_bytes(alg, &seed[..])
        }
        other => Err(wrong_alg(other)),
    }
}

pub(crate) fn from_private_bytes(alg: SigAlgorithm, data: &[u8]) -> Result<SigningKey> {
    match alg {
        SigAlgorithm::Ed25519 => Ok(SigningKey::new(Ed25519SigningKey::from_bytes(data)?)),
        SigAlgorithm::Ed448 => Ok(SigningKey::new(Ed448SigningKey::from_bytes(data)?)),
        other => Err(wrong_alg(other)),
    }
}

pub(crate) fn verifying_key_from_bytes(alg: SigAlgorithm, data: &[u8]) -> Result<VerifyingKey> {
    match alg {
        SigAlgorithm::Ed25519 => Ok(VerifyingKey::new(Ed25519VerifyingKey::from_bytes(data)?)),
        SigAlgorithm::Ed448 => Ok(VerifyingKey::new(Ed448VerifyingKey::from_bytes(data)?)),
        other => Err(wrong_alg(other)),
    }
}
