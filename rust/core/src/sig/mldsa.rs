//! ML-DSA (FIPS 204): ML-DSA-44, ML-DSA-65, ML-DSA-87.
//!
//! Every operation runs on mldsa-native (see [`native`]: its AVX2 code where the CPU has it,
//! its portable C elsewhere): key generation from a seed, hedged and deterministic signing,
//! verification, the internal, pre-hash and external-mu interfaces. Deriving the public key of a
//! key loaded in expanded form (with its checks) uses RustCrypto's `ml-dsa`.
//!
//! Private keys keep the FIPS 204 expanded form and, when known, the 32-byte seed ξ (the
//! canonical raw private key); a key loaded from its expanded form only has no seed. On first
//! use a key also keeps what signing (Â, ŝ1, ŝ2, t̂0) or verification (Â, NTT(t1·2^d), tr)
//! computes from it alone, so later calls skip the matrix expansion and the NTTs: 28 / 47 / 79
//! KiB per ML-DSA-44/65/87 private key (secret: wiped on drop), 20 / 36 / 64 KiB per public key.

use core::any::Any;
use core::fmt;
use std::sync::OnceLock;

use shake::{ExtendableOutput, Shake128, Shake256, Update, XofReader};
use zeroize::{Zeroize, Zeroizing};

use super::{
    SigAlgorithm, SigningKey, SigningKeyImpl, SigningMode, VerifyingKey, VerifyingKeyImpl,
    MAX_CONTEXT_LEN,
};
use crate::{rng, Error, Result};

#[path = "mldsa_native.rs"]
mod native;

pub use native::{last_sign_trace, SignTrace};
use native::{ExpandedSigningKey, ExpandedVerifyingKey, Message};

/// Length of the seed ξ.
pub const SEED_LEN: usize = 32;
/// Length of the message representative mu.
pub const MU_LEN: usize = 64;
/// Length of the signing randomness rnd.
pub const RND_LEN: usize = 32;

/// Sizes and parameters of one ML-DSA parameter set.
struct Params {
    pk: usize,
    sk: usize,
    sig: usize,
    /// k + l: the number of s1 and s2 polynomials in the expanded private key.
    s_polys: usize,
    eta: u32,
    eta_bits: usize,
    pk_what: &'static str,
    pk_len: &'static str,
    sk_what: &'static str,
    sk_len: &'static str,
}

fn not_mldsa(alg: SigAlgorithm) -> Error {
    Error::UnsupportedAlgorithm(format!("{alg} is not an ML-DSA algorithm"))
}

fn params(alg: SigAlgorithm) -> Result<Params> {
    Ok(match alg {
        SigAlgorithm::MlDsa44 => Params {
            pk: 1312,
            sk: 2560,
            sig: 2420,
            s_polys: 8,
            eta: 2,
            eta_bits: 3,
            pk_what: "ML-DSA-44 public key",
            pk_len: "1312",
            sk_what: "ML-DSA-44 expanded private key",
            sk_len: "2560",
        },
        SigAlgorithm::MlDsa65 => Params {
            pk: 1952,
            sk: 4032,
            sig: 3309,
            s_polys: 11,
            eta: 4,
            eta_bits: 4,
            pk_what: "ML-DSA-65 public key",
            pk_len: "1952",
            sk_what: "ML-DSA-65 expanded private key",
            sk_len: "4032",
        },
        SigAlgorithm::MlDsa87 => Params {
            pk: 2592,
            sk: 4896,
            sig: 4627,
            s_polys: 15,
            eta: 2,
            eta_bits: 3,
            pk_what: "ML-DSA-87 public key",
            pk_len: "2592",
            sk_what: "ML-DSA-87 expanded private key",
            sk_len: "4896",
        },
        other => return Err(not_mldsa(other)),
    })
}

/// Runs `$body` with `$p` = the RustCrypto parameter type of the parameter set `$alg`.
macro_rules! with_set {
    ($alg:expr, |$p:ident| $body:block) => {
        match $alg {
            SigAlgorithm::MlDsa44 => {
                type $p = ml_dsa::MlDsa44;
                $body
            }
            SigAlgorithm::MlDsa65 => {
                type $p = ml_dsa::MlDsa65;
                $body
            }
            SigAlgorithm::MlDsa87 => {
                type $p = ml_dsa::MlDsa87;
                $body
            }
            other => Err(not_mldsa(other)),
        }
    };
}

fn fixed<const N: usize>(data: &[u8]) -> Option<[u8; N]> {
    data.try_into().ok()
}

fn context_error(got: usize) -> Error {
    Error::InvalidArgument(format!(
        "context must be at most {MAX_CONTEXT_LEN} bytes long, got {got}"
    ))
}

fn check_context(ctx: &[u8]) -> Result<()> {
    if ctx.len() > MAX_CONTEXT_LEN {
        return Err(context_error(ctx.len()));
    }
    Ok(())
}

/// The pure ML-DSA prefix of M': 0 || len(ctx) || ctx (FIPS 204 Algorithm 2 line 10).
fn pure_prefix(ctx: &[u8]) -> Result<PurePrefix> {
    check_context(ctx)?;
    let mut bytes = [0u8; 2 + 255];
    // ctx.len() <= 255 was just checked.
    bytes[1] = ctx.len() as u8;
    bytes[2..2 + ctx.len()].copy_from_slice(ctx);
    Ok(PurePrefix {
        bytes,
        len: 2 + ctx.len(),
    })
}

/// `0 || len(ctx) || ctx` on the stack (verification allocates nothing for it).
struct PurePrefix {
    bytes: [u8; 2 + 255],
    len: usize,
}

impl core::ops::Deref for PurePrefix {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

fn check_rnd(rnd: &[u8]) -> Result<[u8; RND_LEN]> {
    fixed(rnd).ok_or(Error::InvalidLength {
        what: "ML-DSA signing randomness rnd",
        expected: "32",
        got: rnd.len(),
    })
}

fn check_mu(mu: &[u8]) -> Result<[u8; MU_LEN]> {
    fixed(mu).ok_or(Error::InvalidLength {
        what: "ML-DSA message representative mu",
        expected: "64",
        got: mu.len(),
    })
}

fn rnd_for(mode: SigningMode) -> Result<Zeroizing<[u8; RND_LEN]>> {
    Ok(Zeroizing::new(match mode {
        SigningMode::Hedged => rng::array::<RND_LEN>()?,
        SigningMode::Deterministic => [0u8; RND_LEN],
    }))
}

fn shake256_64(parts: &[&[u8]]) -> [u8; 64] {
    let mut h = Shake256::default();
    for p in parts {
        h.update(p);
    }
    let mut out = [0u8; 64];
    h.finalize_xof().read(&mut out);
    out
}

/// An ML-DSA public key (raw FIPS 204 encoding; every string of the right length is one).
pub struct MlDsaVerifyingKey {
    alg: SigAlgorithm,
    pk: Vec<u8>,
    /// Â, NTT(t1·2^d) and tr, made on the first verification.
    expanded: OnceLock<ExpandedVerifyingKey>,
}

impl MlDsaVerifyingKey {
    fn new(alg: SigAlgorithm, pk: Vec<u8>) -> Self {
        MlDsaVerifyingKey {
            alg,
            pk,
            expanded: OnceLock::new(),
        }
    }

    /// The raw public key.
    pub fn as_bytes(&self) -> &[u8] {
        &self.pk
    }

    fn expanded(&self) -> Result<&ExpandedVerifyingKey> {
        if let Some(e) = self.expanded.get() {
            return Ok(e);
        }
        let e = ExpandedVerifyingKey::new(self.alg, &self.pk)?;
        Ok(self.expanded.get_or_init(|| e))
    }

    /// ML-DSA.Verify_internal over M' = `pre` || `msg`.
    fn verify_prefixed(&self, pre: &[u8], msg: &[u8], sig: &[u8]) -> Result<()> {
        self.expanded()?.verify(Message::Prefixed { pre, msg }, sig)
    }
}

impl fmt::Debug for MlDsaVerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MlDsaVerifyingKey({})", self.alg)
    }
}

impl VerifyingKeyImpl for MlDsaVerifyingKey {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn algorithm(&self) -> SigAlgorithm {
        self.alg
    }

    fn to_bytes(&self) -> Vec<u8> {
        self.pk.clone()
    }

    /// Pure ML-DSA.Verify (FIPS 204 Algorithm 3).
    fn verify(&self, msg: &[u8], ctx: &[u8], signature: &[u8]) -> Result<()> {
        let pre = pure_prefix(ctx).map_err(|_| Error::InvalidSignature)?;
        self.verify_prefixed(&pre, msg, signature)
    }
}

/// An ML-DSA private key: the expanded FIPS 204 form, the seed when known, the public key.
pub struct MlDsaSigningKey {
    alg: SigAlgorithm,
    seed: Option<Zeroizing<[u8; SEED_LEN]>>,
    sk: Zeroizing<Vec<u8>>,
    vk: VerifyingKey,
    /// Â, ŝ1, ŝ2, t̂0, tr and K, made on the first signature (wiped on drop).
    expanded: OnceLock<ExpandedSigningKey>,
}

impl fmt::Debug for MlDsaSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MlDsaSigningKey({}, <redacted>)", self.alg)
    }
}

impl MlDsaSigningKey {
    fn new(
        alg: SigAlgorithm,
        seed: Option<Zeroizing<[u8; SEED_LEN]>>,
        sk: Zeroizing<Vec<u8>>,
        pk: Vec<u8>,
    ) -> Self {
        MlDsaSigningKey {
            alg,
            seed,
            sk,
            vk: VerifyingKey::new(MlDsaVerifyingKey::new(alg, pk)),
            expanded: OnceLock::new(),
        }
    }

    fn from_seed(alg: SigAlgorithm, seed: &[u8; SEED_LEN]) -> Result<Self> {
        let (sk, pk) = native::keypair(alg, seed)?;
        Ok(Self::new(alg, Some(Zeroizing::new(*seed)), sk, pk))
    }

    fn expanded(&self) -> Result<&ExpandedSigningKey> {
        if let Some(e) = self.expanded.get() {
            return Ok(e);
        }
        let e = ExpandedSigningKey::new(self.alg, &self.sk)?;
        Ok(self.expanded.get_or_init(|| e))
    }

    /// ML-DSA.Sign_internal over M' = `pre` || `msg`.
    fn sign_prefixed(&self, pre: &[u8], msg: &[u8], rnd: &[u8; RND_LEN]) -> Result<Vec<u8>> {
        self.expanded()?.sign(Message::Prefixed { pre, msg }, rnd)
    }

    /// FIPS 204 Algorithm 7 from a caller-computed mu.
    fn sign_mu_rnd(&self, mu: &[u8; MU_LEN], rnd: &[u8; RND_LEN]) -> Result<Vec<u8>> {
        self.expanded()?.sign(Message::Mu(mu), rnd)
    }
}

/// Decodes an expanded key that [`check_expanded`] already accepted (so the decoder, which may
/// panic on out-of-range coefficients, never sees one).
fn expanded_rustcrypto<P: ml_dsa::MlDsaParams>(sk: &[u8]) -> Result<ml_dsa::ExpandedSigningKey<P>> {
    let mut bytes = ml_dsa::ExpandedSigningKeyBytes::<P>::try_from(sk)
        .map_err(|_| Error::Internal("expanded key length changed".into()))?;
    #[allow(deprecated)] // the expanded form is exactly what ACVP and Wycheproof hand us
    let k = ml_dsa::ExpandedSigningKey::<P>::from_expanded(&bytes);
    bytes.zeroize();
    Ok(k)
}

impl SigningKeyImpl for MlDsaSigningKey {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn algorithm(&self) -> SigAlgorithm {
        self.alg
    }

    fn private_bytes(&self) -> Result<Zeroizing<Vec<u8>>> {
        match &self.seed {
            Some(seed) => Ok(Zeroizing::new(seed.to_vec())),
            None => Err(Error::UnsupportedAlgorithm(format!(
                "this {} key was loaded from its expanded form without its seed, so it has no \
                 seed to export",
                self.alg
            ))),
        }
    }

    fn verifying_key(&self) -> VerifyingKey {
        self.vk.clone()
    }

    fn sign(&self, msg: &[u8], ctx: &[u8], mode: SigningMode) -> Result<Vec<u8>> {
        let pre = pure_prefix(ctx)?;
        self.sign_prefixed(&pre, msg, &*rnd_for(mode)?)
    }

    fn fixed_signature_len(&self) -> Option<usize> {
        signature_len(self.alg).ok()
    }

    fn sign_into(&self, msg: &[u8], ctx: &[u8], mode: SigningMode, out: &mut [u8]) -> Result<()> {
        let pre = pure_prefix(ctx)?;
        let m = Message::Prefixed { pre: &pre, msg };
        self.expanded()?.sign_into(m, &*rnd_for(mode)?, out)
    }
}

/// The signature length of `alg` (2420, 3309 or 4627 bytes).
pub fn signature_len(alg: SigAlgorithm) -> Result<usize> {
    Ok(params(alg)?.sig)
}

pub(crate) fn generate(alg: SigAlgorithm) -> Result<SigningKey> {
    params(alg)?;
    let seed = Zeroizing::new(rng::array::<SEED_LEN>()?);
    Ok(SigningKey::new(MlDsaSigningKey::from_seed(alg, &seed)?))
}

/// Reads the 32-byte seed ξ (FIPS 204 ML-DSA.KeyGen_internal).
pub(crate) fn from_private_bytes(alg: SigAlgorithm, data: &[u8]) -> Result<SigningKey> {
    params(alg)?;
    let seed: &[u8; SEED_LEN] = data.try_into().map_err(|_| Error::InvalidLength {
        what: "ML-DSA private key seed",
        expected: "32",
        got: data.len(),
    })?;
    Ok(SigningKey::new(MlDsaSigningKey::from_seed(alg, seed)?))
}

pub(crate) fn verifying_key_from_bytes(alg: SigAlgorithm, data: &[u8]) -> Result<VerifyingKey> {
    let p = params(alg)?;
    if data.len() != p.pk {
        return Err(Error::InvalidLength {
            what: p.pk_what,
            expected: p.pk_len,
            got: data.len(),
        });
    }
    Ok(VerifyingKey::new(MlDsaVerifyingKey::new(
        alg,
        data.to_vec(),
    )))
}

/// Checks the s1 and s2 coefficients of an expanded key are in [-eta, eta] (FIPS 204 skDecode
/// assumes it; Wycheproof has keys that break it).
fn check_expanded(p: &Params, sk: &[u8]) -> Result<()> {
    let start = 32 + 32 + 64;
    let len = p.s_polys * 256 * p.eta_bits / 8;
    let region = sk
        .get(start..start + len)
        .ok_or_else(|| Error::Internal("expanded key length changed".into()))?;
    let mask = (1u32 << p.eta_bits) - 1;
    let (mut acc, mut nbits, mut bad) = (0u32, 0usize, 0u32);
    for &b in region {
        acc |= u32::from(b) << nbits;
        nbits += 8;
        while nbits >= p.eta_bits {
            // Counts instead of returning early, to keep the time independent of the key.
            bad |= u32::from((acc & mask) > 2 * p.eta);
            acc >>= p.eta_bits;
            nbits -= p.eta_bits;
        }
    }
    if bad != 0 {
        return Err(Error::InvalidKey(
            "ML-DSA expanded private key has an s1/s2 coefficient out of range".into(),
        ));
    }
    Ok(())
}

/// Loads a FIPS 204 expanded private key (no seed: [`SigningKeyImpl::private_bytes`] then fails).
/// Checks the s1/s2 ranges and that tr matches the public key derived from the key.
pub fn signing_key_from_expanded(alg: SigAlgorithm, sk: &[u8]) -> Result<SigningKey> {
    let p = params(alg)?;
    if sk.len() != p.sk {
        return Err(Error::InvalidLength {
            what: p.sk_what,
            expected: p.sk_len,
            got: sk.len(),
        });
    }
    check_expanded(&p, sk)?;
    let pk = with_set!(alg, |P| {
        let k = expanded_rustcrypto::<P>(sk)?;
        Ok(k.verifying_key().encode().as_slice().to_vec())
    })?;
    let tr = shake256_64(&[&pk]);
    if sk.get(64..128) != Some(&tr[..]) {
        return Err(Error::InvalidKey(
            "ML-DSA expanded private key: tr does not match the key's public key".into(),
        ));
    }
    Ok(SigningKey::new(MlDsaSigningKey::new(
        alg,
        None,
        Zeroizing::new(sk.to_vec()),
        pk,
    )))
}

fn as_mldsa(key: &SigningKey) -> Result<&MlDsaSigningKey> {
    key.inner()
        .as_any()
        .downcast_ref::<MlDsaSigningKey>()
        .ok_or_else(|| not_mldsa(key.algorithm()))
}

fn as_mldsa_vk(vk: &VerifyingKey) -> Result<&MlDsaVerifyingKey> {
    vk.inner()
        .as_any()
        .downcast_ref::<MlDsaVerifyingKey>()
        .ok_or_else(|| not_mldsa(vk.algorithm()))
}

/// The FIPS 204 expanded private key; `None` for a non-ML-DSA key.
pub fn expanded_private_key(key: &SigningKey) -> Option<Zeroizing<Vec<u8>>> {
    as_mldsa(key).ok().map(|k| k.sk.clone())
}

/// The 32-byte seed ξ; `None` for a non-ML-DSA key or one loaded without its seed.
pub fn seed(key: &SigningKey) -> Option<Zeroizing<Vec<u8>>> {
    as_mldsa(key)
        .ok()
        .and_then(|k| k.seed.as_ref().map(|s| Zeroizing::new(s.to_vec())))
}

/// External mu: mu = SHAKE256(SHAKE256(pk, 64) || 0 || len(ctx) || ctx || msg, 64) (FIPS 204
/// Algorithm 2 line 6, pure ML-DSA).
pub fn compute_mu(vk: &VerifyingKey, msg: &[u8], ctx: &[u8]) -> Result<[u8; MU_LEN]> {
    let k = as_mldsa_vk(vk)?;
    check_context(ctx)?;
    let tr = shake256_64(&[&k.pk]);
    // ctx.len() <= 255 was just checked.
    let len = [ctx.len() as u8];
    Ok(shake256_64(&[&tr, &[0u8], &len, ctx, msg]))
}

/// Signs a caller-computed mu (FIPS 204 Algorithm 7 from line 7 on).
pub fn sign_mu(key: &SigningKey, mu: &[u8], mode: SigningMode) -> Result<Vec<u8>> {
    let k = as_mldsa(key)?;
    let mu = check_mu(mu)?;
    let rnd = rnd_for(mode)?;
    k.sign_mu_rnd(&mu, &rnd)
}

/// Verifies a signature over a caller-computed mu. Failures are [`Error::InvalidSignature`]
/// (a mu that is not 64 bytes is a caller error, [`Error::InvalidLength`]).
pub fn verify_mu(vk: &VerifyingKey, mu: &[u8], sig: &[u8]) -> Result<()> {
    let k = as_mldsa_vk(vk)?;
    let mu = check_mu(mu)?;
    k.expanded()?.verify(Message::Mu(&mu), sig)
}

/// HAZMAT, for test vectors only: pure ML-DSA.Sign with an explicit 32-byte rnd.
pub fn hazmat_sign_with_rnd(
    key: &SigningKey,
    msg: &[u8],
    ctx: &[u8],
    rnd: &[u8],
) -> Result<Vec<u8>> {
    let k = as_mldsa(key)?;
    let pre = pure_prefix(ctx)?;
    k.sign_prefixed(&pre, msg, &check_rnd(rnd)?)
}

/// HAZMAT, for test vectors only: ML-DSA.Sign_internal over M' as given (no domain separation).
pub fn hazmat_sign_internal(key: &SigningKey, m_prime: &[u8], rnd: &[u8]) -> Result<Vec<u8>> {
    as_mldsa(key)?.sign_prefixed(&[], m_prime, &check_rnd(rnd)?)
}

/// HAZMAT, for test vectors only: ML-DSA.Verify_internal over M' as given.
pub fn hazmat_verify_internal(vk: &VerifyingKey, m_prime: &[u8], sig: &[u8]) -> Result<()> {
    as_mldsa_vk(vk)?.verify_prefixed(&[], m_prime, sig)
}

/// HAZMAT, for test vectors only: signs mu with an explicit rnd.
pub fn hazmat_sign_mu_with_rnd(key: &SigningKey, mu: &[u8], rnd: &[u8]) -> Result<Vec<u8>> {
    as_mldsa(key)?.sign_mu_rnd(&check_mu(mu)?, &check_rnd(rnd)?)
}

/// The pre-hash functions HashML-DSA allows (the ACVP names), with their DER OIDs' last byte.
fn prehash(name: &str, msg: &[u8]) -> Result<(u8, Vec<u8>)> {
    use sha2::Digest as _;
    fn xof<X: Default + Update + ExtendableOutput>(msg: &[u8], n: usize) -> Vec<u8> {
        let mut x = X::default();
        x.update(msg);
        let mut out = vec![0u8; n];
        x.finalize_xof().read(&mut out);
        out
    }
    Ok(match name {
        "SHA2-256" => (0x01, sha2::Sha256::digest(msg).to_vec()),
        "SHA2-384" => (0x02, sha2::Sha384::digest(msg).to_vec()),
        "SHA2-512" => (0x03, sha2::Sha512::digest(msg).to_vec()),
        "SHA2-224" => (0x04, sha2::Sha224::digest(msg).to_vec()),
        "SHA2-512/224" => (0x05, sha2::Sha512_224::digest(msg).to_vec()),
        "SHA2-512/256" => (0x06, sha2::Sha512_256::digest(msg).to_vec()),
        "SHA3-224" => (0x07, sha3::Sha3_224::digest(msg).to_vec()),
        "SHA3-256" => (0x08, sha3::Sha3_256::digest(msg).to_vec()),
        "SHA3-384" => (0x09, sha3::Sha3_384::digest(msg).to_vec()),
        "SHA3-512" => (0x0a, sha3::Sha3_512::digest(msg).to_vec()),
        "SHAKE-128" => (0x0b, xof::<Shake128>(msg, 32)),
        "SHAKE-256" => (0x0c, xof::<Shake256>(msg, 64)),
        other => {
            return Err(Error::UnsupportedAlgorithm(format!(
                "unknown HashML-DSA pre-hash {other:?}"
            )))
        }
    })
}

/// M' = 1 || len(ctx) || ctx || OID(PH) || PH(msg) (FIPS 204 Algorithm 4).
fn prehash_m_prime(hash: &str, msg: &[u8], ctx: &[u8]) -> Result<Vec<u8>> {
    check_context(ctx)?;
    let (oid_last, digest) = prehash(hash, msg)?;
    let mut mp = Vec::with_capacity(2 + ctx.len() + 11 + digest.len());
    mp.push(1);
    mp.push(ctx.len() as u8);
    mp.extend_from_slice(ctx);
    mp.extend_from_slice(&[
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, oid_last,
    ]);
    mp.extend_from_slice(&digest);
    Ok(mp)
}

/// HAZMAT, for test vectors only: HashML-DSA.Sign (FIPS 204 Algorithm 4) with the ACVP hash
/// names ("SHA2-256", "SHA3-512", "SHAKE-128", ...) and an explicit rnd.
pub fn hazmat_sign_prehash(
    key: &SigningKey,
    hash: &str,
    msg: &[u8],
    ctx: &[u8],
    rnd: &[u8],
) -> Result<Vec<u8>> {
    let k = as_mldsa(key)?;
    let rnd = check_rnd(rnd)?;
    k.sign_prefixed(&[], &prehash_m_prime(hash, msg, ctx)?, &rnd)
}

/// HAZMAT, for test vectors only: HashML-DSA.Verify (FIPS 204 Algorithm 5).
pub fn hazmat_verify_prehash(
    vk: &VerifyingKey,
    hash: &str,
    msg: &[u8],
    ctx: &[u8],
    sig: &[u8],
) -> Result<()> {
    let k = as_mldsa_vk(vk)?;
    k.verify_prefixed(&[], &prehash_m_prime(hash, msg, ctx)?, sig)
}
