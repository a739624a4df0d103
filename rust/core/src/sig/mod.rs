//! Digital signatures.
//!
//! Each family lives in its own module (`mldsa`, `eddsa`, `slhdsa`, `composite`) and implements
//! [`SigningKeyImpl`] / [`VerifyingKeyImpl`]; [`SigningKey`] and [`VerifyingKey`] are the
//! run-time-dispatched handles the bindings, the encodings and the batch calls use.
//!
//! Every signature operation takes a context string (`ctx`, at most 255 bytes). Ed25519 has no
//! context in RFC 8032's pure form, so it accepts only the empty one.

use core::any::Any;
use core::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::{Error, Result};

pub mod batch;
pub mod composite;
pub mod eddsa;
pub mod mldsa;
pub mod slhdsa;

/// The longest context string FIPS 204 / FIPS 205 / the composite draft allow.
pub const MAX_CONTEXT_LEN: usize = 255;

/// How a signature's randomness is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigningMode {
    /// Fresh randomness from the OS (FIPS 204/205 "hedged"); the default everywhere.
    Hedged,
    /// No fresh randomness (FIPS 204 rnd = 0^32, FIPS 205 opt_rand = PK.seed); for known-answer
    /// tests only.
    Deterministic,
}

/// Signature-scheme families (one module each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SigFamily {
    /// ML-DSA (FIPS 204).
    MlDsa,
    /// Ed25519 / Ed448 (RFC 8032).
    EdDsa,
    /// SLH-DSA (FIPS 205).
    SlhDsa,
    /// Composite ML-DSA (draft-ietf-lamps-pq-composite-sigs).
    Composite,
}

macro_rules! sig_algorithms {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal, $family:ident, $oid:literal; )*) => {
        /// The signature algorithms pqpay offers.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum SigAlgorithm {
            $( $(#[$doc])* $variant, )*
        }

        impl SigAlgorithm {
            /// Every algorithm, in documentation order.
            pub const ALL: &'static [SigAlgorithm] = &[$(SigAlgorithm::$variant,)*];

            /// The algorithm's name as pqpay prints it (e.g. "ML-DSA-65").
            pub fn name(self) -> &'static str {
                match self { $(SigAlgorithm::$variant => $name,)* }
            }

            /// The family module implementing it.
            pub fn family(self) -> SigFamily {
                match self { $(SigAlgorithm::$variant => SigFamily::$family,)* }
            }

            /// The X.509 / PKCS#8 AlgorithmIdentifier OID (dotted).
            pub fn oid(self) -> &'static str {
                match self { $(SigAlgorithm::$variant => $oid,)* }
            }

            /// Looks an algorithm up by [`SigAlgorithm::name`].
            pub fn from_name(name: &str) -> Result<SigAlgorithm> {
                match name {
                    $($name => Ok(SigAlgorithm::$variant),)*
                    other => Err(Error::UnsupportedAlgorithm(format!(
                        "unknown signature algorithm {other:?}"
                    ))),
                }
            }

            /// Looks an algorithm up by its OID (dotted).
            pub fn from_oid(oid: &str) -> Option<SigAlgorithm> {
                match oid {
                    $($oid => Some(SigAlgorithm::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

sig_algorithms! {
    /// ML-DSA-44 (FIPS 204).
    MlDsa44 => "ML-DSA-44", MlDsa, "2.16.840.1.101.3.4.3.17";
    /// ML-DSA-65 (FIPS 204).
    MlDsa65 => "ML-DSA-65", MlDsa, "2.16.840.1.101.3.4.3.18";
    /// ML-DSA-87 (FIPS 204).
    MlDsa87 => "ML-DSA-87", MlDsa, "2.16.840.1.101.3.4.3.19";
    /// Ed25519 (RFC 8032, strict verification).
    Ed25519 => "Ed25519", EdDsa, "1.3.101.112";
    /// Ed448 (RFC 8032).
    Ed448 => "Ed448", EdDsa, "1.3.101.113";
    /// SLH-DSA-SHA2-128s (FIPS 205).
    SlhDsaSha2_128s => "SLH-DSA-SHA2-128s", SlhDsa, "2.16.840.1.101.3.4.3.20";
    /// SLH-DSA-SHA2-128f.
    SlhDsaSha2_128f => "SLH-DSA-SHA2-128f", SlhDsa, "2.16.840.1.101.3.4.3.21";
    /// SLH-DSA-SHA2-192s.
    SlhDsaSha2_192s => "SLH-DSA-SHA2-192s", SlhDsa, "2.16.840.1.101.3.4.3.22";
    /// SLH-DSA-SHA2-192f.
    SlhDsaSha2_192f => "SLH-DSA-SHA2-192f", SlhDsa, "2.16.840.1.101.3.4.3.23";
    /// SLH-DSA-SHA2-256s.
    SlhDsaSha2_256s => "SLH-DSA-SHA2-256s", SlhDsa, "2.16.840.1.101.3.4.3.24";
    /// SLH-DSA-SHA2-256f.
    SlhDsaSha2_256f => "SLH-DSA-SHA2-256f", SlhDsa, "2.16.840.1.101.3.4.3.25";
    /// SLH-DSA-SHAKE-128s.
    SlhDsaShake128s => "SLH-DSA-SHAKE-128s", SlhDsa, "2.16.840.1.101.3.4.3.26";
    /// SLH-DSA-SHAKE-128f.
    SlhDsaShake128f => "SLH-DSA-SHAKE-128f", SlhDsa, "2.16.840.1.101.3.4.3.27";
    /// SLH-DSA-SHAKE-192s.
    SlhDsaShake192s => "SLH-DSA-SHAKE-192s", SlhDsa, "2.16.840.1.101.3.4.3.28";
    /// SLH-DSA-SHAKE-192f.
    SlhDsaShake192f => "SLH-DSA-SHAKE-192f", SlhDsa, "2.16.840.1.101.3.4.3.29";
    /// SLH-DSA-SHAKE-256s.
    SlhDsaShake256s => "SLH-DSA-SHAKE-256s", SlhDsa, "2.16.840.1.101.3.4.3.30";
    /// SLH-DSA-SHAKE-256f.
    SlhDsaShake256f => "SLH-DSA-SHAKE-256f", SlhDsa, "2.16.840.1.101.3.4.3.31";
    /// id-MLDSA44-Ed25519-SHA512 (composite draft -19).
    MlDsa44Ed25519 => "MLDSA44-Ed25519-SHA512", Composite, "1.3.6.1.5.5.7.6.39";
    /// id-MLDSA65-Ed25519-SHA512.
    MlDsa65Ed25519 => "MLDSA65-Ed25519-SHA512", Composite, "1.3.6.1.5.5.7.6.48";
    /// id-MLDSA87-Ed448-SHAKE256.
    MlDsa87Ed448 => "MLDSA87-Ed448-SHAKE256", Composite, "1.3.6.1.5.5.7.6.51";
    /// id-MLDSA65-ECDSA-P256-SHA512.
    MlDsa65P256 => "MLDSA65-ECDSA-P256-SHA512", Composite, "1.3.6.1.5.5.7.6.45";
    /// id-MLDSA87-ECDSA-P384-SHA512.
    MlDsa87P384 => "MLDSA87-ECDSA-P384-SHA512", Composite, "1.3.6.1.5.5.7.6.49";
}

impl fmt::Display for SigAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a family's private key does. Implementations zeroize their secrets on drop and never
/// print them.
pub trait SigningKeyImpl: Send + Sync {
    /// For family-specific operations (downcast to the family's type).
    fn as_any(&self) -> &dyn Any;
    /// The algorithm.
    fn algorithm(&self) -> SigAlgorithm;
    /// The canonical raw private key, the form `from_private_bytes` reads back (ML-DSA: the
    /// 32-byte seed ξ; Ed25519/Ed448: the RFC 8032 secret; SLH-DSA: SK.seed‖SK.prf‖PK.seed‖PK.root;
    /// composite: the draft's serialization). Fails with [`Error::UnsupportedAlgorithm`] when the
    /// key has no such form (an ML-DSA key loaded from its expanded form has no seed).
    fn private_bytes(&self) -> Result<Zeroizing<Vec<u8>>>;
    /// The matching public key.
    fn verifying_key(&self) -> VerifyingKey;
    /// Signs `msg` under context `ctx` (already checked to be at most 255 bytes).
    fn sign(&self, msg: &[u8], ctx: &[u8], mode: SigningMode) -> Result<Vec<u8>>;
    /// The length of every signature, for a family that writes them into caller buffers with
    /// no heap allocation ([`Self::sign_into`]); `None` (the default) for the others.
    fn fixed_signature_len(&self) -> Option<usize> {
        None
    }
    /// [`Self::sign`] into `out` (exactly [`Self::fixed_signature_len`] bytes), with no heap
    /// allocation; only called when that length is `Some`.
    fn sign_into(&self, msg: &[u8], ctx: &[u8], mode: SigningMode, out: &mut [u8]) -> Result<()> {
        let sig = self.sign(msg, ctx, mode)?;
        if sig.len() != out.len() {
            return Err(Error::Internal(
                "a signature output slot has the wrong length".into(),
            ));
        }
        out.copy_from_slice(&sig);
        Ok(())
    }
}

/// What a family's public key does.
pub trait VerifyingKeyImpl: Send + Sync {
    /// For family-specific operations (downcast to the family's type).
    fn as_any(&self) -> &dyn Any;
    /// The algorithm.
    fn algorithm(&self) -> SigAlgorithm;
    /// The raw public key encoding.
    fn to_bytes(&self) -> Vec<u8>;
    /// Verifies; any failure is [`Error::InvalidSignature`] (no detail).
    fn verify(&self, msg: &[u8], ctx: &[u8], signature: &[u8]) -> Result<()>;
    /// [`Self::verify`], also refusing a valid signature that is not the only encoding of itself
    /// (a high-S ECDSA half of a composite). Every other algorithm here is already strict.
    fn verify_strict(&self, msg: &[u8], ctx: &[u8], signature: &[u8]) -> Result<()> {
        self.verify(msg, ctx, signature)
    }
}

/// A private signing key of any algorithm.
pub struct SigningKey(Box<dyn SigningKeyImpl>);

/// A validated public key of any algorithm; cheap to clone.
#[derive(Clone)]
pub struct VerifyingKey(Arc<dyn VerifyingKeyImpl>);

fn check_context(ctx: &[u8]) -> Result<()> {
    if ctx.len() > MAX_CONTEXT_LEN {
        return Err(Error::InvalidArgument(format!(
            "context must be at most {MAX_CONTEXT_LEN} bytes long, got {}",
            ctx.len()
        )));
    }
    Ok(())
}

impl SigningKey {
    /// Wraps a family implementation.
    pub fn new(inner: impl SigningKeyImpl + 'static) -> Self {
        SigningKey(Box::new(inner))
    }

    /// Generates a fresh key pair from OS randomness.
    pub fn generate(alg: SigAlgorithm) -> Result<SigningKey> {
        match alg.family() {
            SigFamily::MlDsa => mldsa::generate(alg),
            SigFamily::EdDsa => eddsa::generate(alg),
            SigFamily::SlhDsa => slhdsa::generate(alg),
            SigFamily::Composite => composite::generate(alg),
        }
    }

    /// Reads the canonical raw private key (see [`SigningKeyImpl::private_bytes`]).
    pub fn from_private_bytes(alg: SigAlgorithm, data: &[u8]) -> Result<SigningKey> {
        match alg.family() {
            SigFamily::MlDsa => mldsa::from_private_bytes(alg, data),
            SigFamily::EdDsa => eddsa::from_private_bytes(alg, data),
            SigFamily::SlhDsa => slhdsa::from_private_bytes(alg, data),
            SigFamily::Composite => composite::from_private_bytes(alg, data),
        }
    }

    /// The algorithm.
    pub fn algorithm(&self) -> SigAlgorithm {
        self.0.algorithm()
    }

    /// The canonical raw private key.
    pub fn private_bytes(&self) -> Result<Zeroizing<Vec<u8>>> {
        self.0.private_bytes()
    }

    /// The matching public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.0.verifying_key()
    }

    /// Signs `msg` with context `ctx` (at most 255 bytes; Ed25519 only accepts an empty one).
    pub fn sign(&self, msg: &[u8], ctx: &[u8], mode: SigningMode) -> Result<Vec<u8>> {
        check_context(ctx)?;
        self.0.sign(msg, ctx, mode)
    }

    /// The family implementation, for family-specific operations.
    pub fn inner(&self) -> &dyn SigningKeyImpl {
        &*self.0
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({}, <redacted>)", self.algorithm())
    }
}

impl VerifyingKey {
    /// Wraps a family implementation.
    pub fn new(inner: impl VerifyingKeyImpl + 'static) -> Self {
        VerifyingKey(Arc::new(inner))
    }

    /// Parses and validates a raw public key.
    pub fn from_bytes(alg: SigAlgorithm, data: &[u8]) -> Result<VerifyingKey> {
        match alg.family() {
            SigFamily::MlDsa => mldsa::verifying_key_from_bytes(alg, data),
            SigFamily::EdDsa => eddsa::verifying_key_from_bytes(alg, data),
            SigFamily::SlhDsa => slhdsa::verifying_key_from_bytes(alg, data),
            SigFamily::Composite => composite::verifying_key_from_bytes(alg, data),
        }
    }

    /// The algorithm.
    pub fn algorithm(&self) -> SigAlgorithm {
        self.0.algorithm()
    }

    /// The raw public key.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.to_bytes()
    }

    /// Verifies `signature` over `msg` with context `ctx`. Every failure, including a context
    /// other than a context over 255 bytes (a caller error, [`Error::InvalidArgument`]), is the
    /// opaque [`Error::InvalidSignature`].
    pub fn verify(&self, msg: &[u8], ctx: &[u8], signature: &[u8]) -> Result<()> {
        check_context(ctx)?;
        self.0.verify(msg, ctx, signature)
    }

    /// Strict verification: [`Self::verify`], and a malleable encoding (a high-S ECDSA half of a
    /// composite signature) is refused; for every other algorithm the same answer as `verify`.
    pub fn verify_strict(&self, msg: &[u8], ctx: &[u8], signature: &[u8]) -> Result<()> {
        check_context(ctx)?;
        self.0.verify_strict(msg, ctx, signature)
    }

    /// The family implementation, for family-specific operations.
    pub fn inner(&self) -> &dyn VerifyingKeyImpl {
        &*self.0
    }
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.algorithm() == other.algorithm() && self.to_bytes() == other.to_bytes()
    }
}

impl Eq for VerifyingKey {}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey({})", self.algorithm())
    }
}
