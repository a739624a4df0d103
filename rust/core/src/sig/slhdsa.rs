//! SLH-DSA (FIPS 205), all twelve parameter sets: the six SHA2 sets over RustCrypto's
//! `slh-dsa`, the six SHAKE sets on pqpay's own engine ([`shake_engine`]: four-way Keccak).
//!
//! Raw forms: the private key is SK.seed‖SK.prf‖PK.seed‖PK.root (4n bytes), the public key
//! PK.seed‖PK.root (2n bytes). The main API ([`SigningKey`] / [`VerifyingKey`]) is pure SLH-DSA
//! (FIPS 205 Algorithms 22 and 24) with a context string, hedged unless
//! [`SigningMode::Deterministic`] asks for opt_rand = PK.seed.
//!
//! The `hazmat_*` functions exist for known-answer tests (NIST ACVP) only: key generation from
//! the three seeds (`slh_keygen_internal`), signing with an explicit opt_rand, the internal
//! interface (`slh_sign_internal` / `slh_verify_internal`, no domain separation) and HashSLH-DSA
//! (Algorithms 23 and 25). None of them belongs in an application.

mod shake_engine;

use core::any::Any;
use core::fmt;
use core::marker::PhantomData;

use sha2::Digest as _;
use shake::{ExtendableOutput, Update, XofReader};
use slh_dsa::{ParameterSet, Sha2_128f, Sha2_128s, Sha2_192f, Sha2_192s, Sha2_256f, Sha2_256s};
use zeroize::{Zeroize, Zeroizing};

use super::{
    SigAlgorithm, SigningKey, SigningKeyImpl, SigningMode, VerifyingKey, VerifyingKeyImpl,
    MAX_CONTEXT_LEN,
};
use crate::{Error, Result};

/// Sizes of one parameter set, with the texts its length errors print.
struct Params {
    /// Security parameter n (bytes).
    n: usize,
    seed_what: &'static str,
    rand_what: &'static str,
    n_text: &'static str,
    sk_what: &'static str,
    sk_text: &'static str,
    pk_what: &'static str,
    pk_text: &'static str,
}

/// A signing key of either engine behind one object-safe interface, so a single key type
/// serves all twelve parameter sets.
trait SkCore: Send + Sync {
    /// `slh_sign_internal` over the concatenation of `parts`. `opt_rand` must hold n bytes
    /// (the callers check); `None` means opt_rand = PK.seed.
    fn sign_internal(&self, parts: &[&[u8]], opt_rand: Option<&[u8]>) -> Vec<u8>;
    /// SK.seed‖SK.prf‖PK.seed‖PK.root.
    fn to_bytes(&self) -> Zeroizing<Vec<u8>>;
    /// The public half.
    fn verifying(&self) -> Box<dyn VkCore>;
}

/// A verifying key of either engine behind one object-safe interface.
trait VkCore: Send + Sync {
    /// `slh_verify_internal` over the concatenation of `parts`; false for any failure,
    /// including a signature of the wrong length.
    fn verify_internal(&self, parts: &[&[u8]], signature: &[u8]) -> bool;
    /// PK.seed‖PK.root.
    fn to_bytes(&self) -> Vec<u8>;
}

/// How one parameter set's keys are made: [`RustCrypto`] or [`shake_engine::Shake`].
trait Engine {
    /// slh_keygen_internal; the seeds have n bytes each (checked by the caller).
    fn keygen(sk_seed: &[u8], sk_prf: &[u8], pk_seed: &[u8]) -> Box<dyn SkCore>;
    /// Parses PK.seed‖PK.root; `None` unless it has 2n bytes.
    fn verifying(data: &[u8]) -> Option<Box<dyn VkCore>>;
}

/// RustCrypto's `slh-dsa` for parameter set `P`.
struct RustCrypto<P>(PhantomData<fn() -> P>);

impl<P: ParameterSet + 'static> Engine for RustCrypto<P> {
    fn keygen(sk_seed: &[u8], sk_prf: &[u8], pk_seed: &[u8]) -> Box<dyn SkCore> {
        Box::new(slh_dsa::SigningKey::<P>::slh_keygen_internal(
            sk_seed, sk_prf, pk_seed,
        ))
    }

    fn verifying(data: &[u8]) -> Option<Box<dyn VkCore>> {
        slh_dsa::VerifyingKey::<P>::try_from(data)
            .ok()
            .map(|vk| Box::new(vk) as Box<dyn VkCore>)
    }
}

impl<P: ParameterSet + 'static> SkCore for slh_dsa::SigningKey<P> {
    fn sign_internal(&self, parts: &[&[u8]], opt_rand: Option<&[u8]>) -> Vec<u8> {
        self.slh_sign_internal(parts, opt_rand).to_bytes().to_vec()
    }

    fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut raw = slh_dsa::SigningKey::to_bytes(self);
        let out = Zeroizing::new(raw.to_vec());
        raw.zeroize();
        out
    }

    fn verifying(&self) -> Box<dyn VkCore> {
        let vk: &slh_dsa::VerifyingKey<P> = self.as_ref();
        Box::new(vk.clone())
    }
}

impl<P: ParameterSet> VkCore for slh_dsa::VerifyingKey<P> {
    fn verify_internal(&self, parts: &[&[u8]], signature: &[u8]) -> bool {
        match slh_dsa::Signature::<P>::try_from(signature) {
            Ok(sig) => self.slh_verify_internal(parts, &sig).is_ok(),
            Err(_) => false,
        }
    }

    fn to_bytes(&self) -> Vec<u8> {
        slh_dsa::VerifyingKey::to_bytes(self).to_vec()
    }
}

macro_rules! parameter_sets {
    ($( $variant:ident => $ty:ty, $name:literal, n = $n:literal / $n_text:literal,
        pk = $pk_text:literal, sk = $sk_text:literal; )*) => {
        fn params(alg: SigAlgorithm) -> Result<&'static Params> {
            match alg {
                $(SigAlgorithm::$variant => {
                    static P: Params = Params {
                        n: $n,
                        seed_what: concat!($name, " seed"),
                        rand_what: concat!($name, " opt_rand"),
                        n_text: $n_text,
                        sk_what: concat!($name, " private key"),
                        sk_text: $sk_text,
                        pk_what: concat!($name, " public key"),
                        pk_text: $pk_text,
                    };
                    Ok(&P)
                })*
                other => Err(not_slh_dsa(other)),
            }
        }

        /// slh_keygen_internal; the seeds have n bytes each (checked by the caller).
        fn keygen_core(
            alg: SigAlgorithm,
            sk_seed: &[u8],
            sk_prf: &[u8],
            pk_seed: &[u8],
        ) -> Result<Box<dyn SkCore>> {
            match alg {
                $(SigAlgorithm::$variant => Ok(<$ty as Engine>::keygen(sk_seed, sk_prf, pk_seed)),)*
                other => Err(not_slh_dsa(other)),
            }
        }

        /// Parses PK.seed‖PK.root (2n bytes, checked by the caller).
        fn verifying_core(alg: SigAlgorithm, data: &[u8]) -> Result<Box<dyn VkCore>> {
            let bad = || Error::Internal("SLH-DSA public key length".into());
            match alg {
                $(SigAlgorithm::$variant => <$ty as Engine>::verifying(data).ok_or_else(bad),)*
                other => Err(not_slh_dsa(other)),
            }
        }
    };
}

parameter_sets! {
    SlhDsaSha2_128s => RustCrypto<Sha2_128s>, "SLH-DSA-SHA2-128s", n = 16 / "16", pk = "32", sk = "64";
    SlhDsaSha2_128f => RustCrypto<Sha2_128f>, "SLH-DSA-SHA2-128f", n = 16 / "16", pk = "32", sk = "64";
    SlhDsaSha2_192s => RustCrypto<Sha2_192s>, "SLH-DSA-SHA2-192s", n = 24 / "24", pk = "48", sk = "96";
    SlhDsaSha2_192f => RustCrypto<Sha2_192f>, "SLH-DSA-SHA2-192f", n = 24 / "24", pk = "48", sk = "96";
    SlhDsaSha2_256s => RustCrypto<Sha2_256s>, "SLH-DSA-SHA2-256s", n = 32 / "32", pk = "64", sk = "128";
    SlhDsaSha2_256f => RustCrypto<Sha2_256f>, "SLH-DSA-SHA2-256f", n = 32 / "32", pk = "64", sk = "128";
    SlhDsaShake128s => shake_engine::Shake<shake_engine::Shake128s>, "SLH-DSA-SHAKE-128s", n = 16 / "16", pk = "32", sk = "64";
    SlhDsaShake128f => shake_engine::Shake<shake_engine::Shake128f>, "SLH-DSA-SHAKE-128f", n = 16 / "16", pk = "32", sk = "64";
    SlhDsaShake192s => shake_engine::Shake<shake_engine::Shake192s>, "SLH-DSA-SHAKE-192s", n = 24 / "24", pk = "48", sk = "96";
    SlhDsaShake192f => shake_engine::Shake<shake_engine::Shake192f>, "SLH-DSA-SHAKE-192f", n = 24 / "24", pk = "48", sk = "96";
    SlhDsaShake256s => shake_engine::Shake<shake_engine::Shake256s>, "SLH-DSA-SHAKE-256s", n = 32 / "32", pk = "64", sk = "128";
    SlhDsaShake256f => shake_engine::Shake<shake_engine::Shake256f>, "SLH-DSA-SHAKE-256f", n = 32 / "32", pk = "64", sk = "128";
}

fn not_slh_dsa(alg: SigAlgorithm) -> Error {
    Error::UnsupportedAlgorithm(format!("{alg} is not an SLH-DSA parameter set"))
}

fn check_len(what: &'static str, expected: &'static str, want: usize, data: &[u8]) -> Result<()> {
    if data.len() == want {
        Ok(())
    } else {
        Err(Error::InvalidLength {
            what,
            expected,
            got: data.len(),
        })
    }
}

fn context_len_byte(ctx: &[u8]) -> Result<u8> {
    u8::try_from(ctx.len())
        .ok()
        .filter(|_| ctx.len() <= MAX_CONTEXT_LEN)
        .ok_or_else(|| {
            Error::InvalidArgument(format!(
                "context must be at most {MAX_CONTEXT_LEN} bytes long, got {}",
                ctx.len()
            ))
        })
}

/// An SLH-DSA private key (any parameter set). SK.seed and SK.prf are wiped on drop.
pub struct SlhDsaSigningKey {
    alg: SigAlgorithm,
    core: Box<dyn SkCore>,
}

/// An SLH-DSA public key (any parameter set).
pub struct SlhDsaVerifyingKey {
    alg: SigAlgorithm,
    core: Box<dyn VkCore>,
}

impl fmt::Debug for SlhDsaSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SlhDsaSigningKey({}, <redacted>)", self.alg)
    }
}

impl fmt::Debug for SlhDsaVerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SlhDsaVerifyingKey({})", self.alg)
    }
}

impl SlhDsaSigningKey {
    /// Signs `parts` (concatenated) through slh_sign_internal; `opt_rand` of n bytes, or `None`
    /// for PK.seed.
    fn sign_parts(&self, parts: &[&[u8]], opt_rand: Option<&[u8]>) -> Result<Vec<u8>> {
        if let Some(r) = opt_rand {
            let p = params(self.alg)?;
            check_len(p.rand_what, p.n_text, p.n, r)?;
        }
        Ok(self.core.sign_internal(parts, opt_rand))
    }

    fn sign_mode(&self, parts: &[&[u8]], mode: SigningMode) -> Result<Vec<u8>> {
        match mode {
            SigningMode::Deterministic => self.sign_parts(parts, None),
            SigningMode::Hedged => {
                let n = params(self.alg)?.n;
                let mut rand = Zeroizing::new([0u8; 32]);
                crate::rng::fill(&mut rand[..n])?;
                self.sign_parts(parts, Some(&rand[..n]))
            }
        }
    }
}

impl SigningKeyImpl for SlhDsaSigningKey {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn algorithm(&self) -> SigAlgorithm {
        self.alg
    }

    fn private_bytes(&self) -> Result<Zeroizing<Vec<u8>>> {
        Ok(self.core.to_bytes())
    }

    fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey::new(SlhDsaVerifyingKey {
            alg: self.alg,
            core: self.core.verifying(),
        })
    }

    fn sign(&self, msg: &[u8], ctx: &[u8], mode: SigningMode) -> Result<Vec<u8>> {
        // FIPS 205 Algorithm 22: M' = 0x00 ‖ len(ctx) ‖ ctx ‖ M.
        let len = [context_len_byte(ctx)?];
        self.sign_mode(&[&[0u8], &len, ctx, msg], mode)
    }
}

impl VerifyingKeyImpl for SlhDsaVerifyingKey {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn algorithm(&self) -> SigAlgorithm {
        self.alg
    }

    fn to_bytes(&self) -> Vec<u8> {
        self.core.to_bytes()
    }

    fn verify(&self, msg: &[u8], ctx: &[u8], signature: &[u8]) -> Result<()> {
        // FIPS 205 Algorithm 24: the same M' as signing.
        let len = [context_len_byte(ctx)?];
        self.verify_parts(&[&[0u8], &len, ctx, msg], signature)
    }
}

impl SlhDsaVerifyingKey {
    fn verify_parts(&self, parts: &[&[u8]], signature: &[u8]) -> Result<()> {
        if self.core.verify_internal(parts, signature) {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}

fn keygen(alg: SigAlgorithm, sk_seed: &[u8], sk_prf: &[u8], pk_seed: &[u8]) -> Result<SigningKey> {
    let p = params(alg)?;
    for seed in [sk_seed, sk_prf, pk_seed] {
        check_len(p.seed_what, p.n_text, p.n, seed)?;
    }
    Ok(SigningKey::new(SlhDsaSigningKey {
        alg,
        core: keygen_core(alg, sk_seed, sk_prf, pk_seed)?,
    }))
}

pub(crate) fn generate(alg: SigAlgorithm) -> Result<SigningKey> {
    let n = params(alg)?.n;
    let mut seeds = Zeroizing::new([0u8; 96]);
    crate::rng::fill(&mut seeds[..3 * n])?;
    keygen(alg, &seeds[..n], &seeds[n..2 * n], &seeds[2 * n..3 * n])
}

pub(crate) fn from_private_bytes(alg: SigAlgorithm, data: &[u8]) -> Result<SigningKey> {
    let p = params(alg)?;
    check_len(p.sk_what, p.sk_text, 4 * p.n, data)?;
    let n = p.n;
    // PK.root is recomputed from SK.seed and PK.seed (one top-layer XMSS tree): a key whose
    // stored root disagrees would sign with a root no verifier accepts.
    let key = keygen(alg, &data[..n], &data[n..2 * n], &data[2 * n..3 * n])?;
    if key.verifying_key().to_bytes()[n..] != data[3 * n..] {
        return Err(Error::InvalidKey(format!(
            "{alg} private key: PK.root does not match SK.seed and PK.seed"
        )));
    }
    Ok(key)
}

pub(crate) fn verifying_key_from_bytes(alg: SigAlgorithm, data: &[u8]) -> Result<VerifyingKey> {
    let p = params(alg)?;
    check_len(p.pk_what, p.pk_text, 2 * p.n, data)?;
    Ok(VerifyingKey::new(SlhDsaVerifyingKey {
        alg,
        core: verifying_core(alg, data)?,
    }))
}

// --- hazmat: known-answer-test interfaces -------------------------------------------------------

/// The pre-hash functions HashSLH-DSA allows (FIPS 205 §10.2.2 and the ACVP `hashAlg` names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PreHash {
    /// SHA-224.
    Sha2_224,
    /// SHA-256.
    Sha2_256,
    /// SHA-384.
    Sha2_384,
    /// SHA-512.
    Sha2_512,
    /// SHA-512/224.
    Sha2_512_224,
    /// SHA-512/256.
    Sha2_512_256,
    /// SHA3-224.
    Sha3_224,
    /// SHA3-256.
    Sha3_256,
    /// SHA3-384.
    Sha3_384,
    /// SHA3-512.
    Sha3_512,
    /// SHAKE128 with a 256-bit output.
    Shake128,
    /// SHAKE256 with a 512-bit output.
    Shake256,
}

impl PreHash {
    /// Every pre-hash function.
    pub const ALL: &'static [PreHash] = &[
        PreHash::Sha2_224,
        PreHash::Sha2_256,
        PreHash::Sha2_384,
        PreHash::Sha2_512,
        PreHash::Sha2_512_224,
        PreHash::Sha2_512_256,
        PreHash::Sha3_224,
        PreHash::Sha3_256,
        PreHash::Sha3_384,
        PreHash::Sha3_512,
        PreHash::Shake128,
        PreHash::Shake256,
    ];

    /// The ACVP name ("SHA2-256", "SHA2-512/224", "SHA3-384", "SHAKE-128", ...).
    pub fn name(self) -> &'static str {
        match self {
            PreHash::Sha2_224 => "SHA2-224",
            PreHash::Sha2_256 => "SHA2-256",
            PreHash::Sha2_384 => "SHA2-384",
            PreHash::Sha2_512 => "SHA2-512",
            PreHash::Sha2_512_224 => "SHA2-512/224",
            PreHash::Sha2_512_256 => "SHA2-512/256",
            PreHash::Sha3_224 => "SHA3-224",
            PreHash::Sha3_256 => "SHA3-256",
            PreHash::Sha3_384 => "SHA3-384",
            PreHash::Sha3_512 => "SHA3-512",
            PreHash::Shake128 => "SHAKE-128",
            PreHash::Shake256 => "SHAKE-256",
        }
    }

    /// Looks a function up by its ACVP name ([`PreHash::name`]).
    pub fn from_name(name: &str) -> Result<PreHash> {
        PreHash::ALL
            .iter()
            .copied()
            .find(|p| p.name() == name)
            .ok_or_else(|| Error::UnsupportedAlgorithm(format!("unknown pre-hash {name:?}")))
    }

    /// The last arc of its OID under 2.16.840.1.101.3.4.2 (NIST hash algorithms).
    fn oid_arc(self) -> u8 {
        match self {
            PreHash::Sha2_256 => 1,
            PreHash::Sha2_384 => 2,
            PreHash::Sha2_512 => 3,
            PreHash::Sha2_224 => 4,
            PreHash::Sha2_512_224 => 5,
            PreHash::Sha2_512_256 => 6,
            PreHash::Sha3_224 => 7,
            PreHash::Sha3_256 => 8,
            PreHash::Sha3_384 => 9,
            PreHash::Sha3_512 => 10,
            PreHash::Shake128 => 11,
            PreHash::Shake256 => 12,
        }
    }

    /// The DER encoding of the OID (tag and length included), as FIPS 205 Algorithm 23 puts it
    /// into M'.
    fn oid_der(self) -> [u8; 11] {
        [
            0x06,
            0x09,
            0x60,
            0x86,
            0x48,
            0x01,
            0x65,
            0x03,
            0x04,
            0x02,
            self.oid_arc(),
        ]
    }

    /// PH(M).
    pub fn digest(self, msg: &[u8]) -> Vec<u8> {
        fn xof<X: Default + Update + ExtendableOutput>(msg: &[u8], len: usize) -> Vec<u8> {
            let mut h = X::default();
            h.update(msg);
            let mut out = vec![0u8; len];
            h.finalize_xof().read(&mut out);
            out
        }
        match self {
            PreHash::Sha2_224 => sha2::Sha224::digest(msg).to_vec(),
            PreHash::Sha2_256 => sha2::Sha256::digest(msg).to_vec(),
            PreHash::Sha2_384 => sha2::Sha384::digest(msg).to_vec(),
            PreHash::Sha2_512 => sha2::Sha512::digest(msg).to_vec(),
            PreHash::Sha2_512_224 => sha2::Sha512_224::digest(msg).to_vec(),
            PreHash::Sha2_512_256 => sha2::Sha512_256::digest(msg).to_vec(),
            PreHash::Sha3_224 => sha3::Sha3_224::digest(msg).to_vec(),
            PreHash::Sha3_256 => sha3::Sha3_256::digest(msg).to_vec(),
            PreHash::Sha3_384 => sha3::Sha3_384::digest(msg).to_vec(),
            PreHash::Sha3_512 => sha3::Sha3_512::digest(msg).to_vec(),
            PreHash::Shake128 => xof::<shake::Shake128>(msg, 32),
            PreHash::Shake256 => xof::<shake::Shake256>(msg, 64),
        }
    }
}

fn signing_impl(key: &SigningKey) -> Result<&SlhDsaSigningKey> {
    key.inner()
        .as_any()
        .downcast_ref::<SlhDsaSigningKey>()
        .ok_or_else(|| not_slh_dsa(key.algorithm()))
}

fn verifying_impl(key: &VerifyingKey) -> Result<&SlhDsaVerifyingKey> {
    key.inner()
        .as_any()
        .downcast_ref::<SlhDsaVerifyingKey>()
        .ok_or_else(|| not_slh_dsa(key.algorithm()))
}

/// `slh_keygen_internal(SK.seed, SK.prf, PK.seed)` (FIPS 205 Algorithm 18); each seed has n
/// bytes. For known-answer tests; applications use [`SigningKey::generate`].
pub fn hazmat_keygen_internal(
    alg: SigAlgorithm,
    sk_seed: &[u8],
    sk_prf: &[u8],
    pk_seed: &[u8],
) -> Result<SigningKey> {
    keygen(alg, sk_seed, sk_prf, pk_seed)
}

/// `slh_sign_internal(M, SK, opt_rand)` (Algorithm 19): no domain separation, no context.
/// `opt_rand` has n bytes; `None` is the deterministic variant (opt_rand = PK.seed).
pub fn hazmat_sign_internal(
    key: &SigningKey,
    msg: &[u8],
    opt_rand: Option<&[u8]>,
) -> Result<Vec<u8>> {
    signing_impl(key)?.sign_parts(&[msg], opt_rand)
}

/// Pure SLH-DSA (Algorithm 22) with an explicit opt_rand (n bytes; `None` = PK.seed).
pub fn hazmat_sign_pure(
    key: &SigningKey,
    msg: &[u8],
    ctx: &[u8],
    opt_rand: Option<&[u8]>,
) -> Result<Vec<u8>> {
    let len = [context_len_byte(ctx)?];
    signing_impl(key)?.sign_parts(&[&[0u8], &len, ctx, msg], opt_rand)
}

/// HashSLH-DSA (Algorithm 23): M' = 0x01 ‖ len(ctx) ‖ ctx ‖ OID(PH) ‖ PH(M), with an explicit
/// opt_rand (n bytes; `None` = PK.seed). Not offered outside hazmat: pqpay signs pure SLH-DSA.
pub fn hazmat_sign_prehash(
    key: &SigningKey,
    msg: &[u8],
    ctx: &[u8],
    ph: PreHash,
    opt_rand: Option<&[u8]>,
) -> Result<Vec<u8>> {
    let len = [context_len_byte(ctx)?];
    let digest = ph.digest(msg);
    let oid = ph.oid_der();
    signing_impl(key)?.sign_parts(&[&[1u8], &len, ctx, &oid, &digest], opt_rand)
}

/// `slh_verify_internal(M, SIG, PK)` (Algorithm 20). Any failure is
/// [`Error::InvalidSignature`].
pub fn hazmat_verify_internal(key: &VerifyingKey, msg: &[u8], signature: &[u8]) -> Result<()> {
    verifying_impl(key)?.verify_parts(&[msg], signature)
}

/// HashSLH-DSA verification (Algorithm 25). Any failure is [`Error::InvalidSignature`].
pub fn hazmat_verify_prehash(
    key: &VerifyingKey,
    msg: &[u8],
    ctx: &[u8],
    ph: PreHash,
    signature: &[u8],
) -> Result<()> {
    let len = [context_len_byte(ctx)?];
    let digest = ph.digest(msg);
    let oid = ph.oid_der();
    verifying_impl(key)?.verify_parts(&[&[1u8], &len, ctx, &oid, &digest], signature)
}
