//! The operations measured, each with its two input classes.
//!
//! Every class split holds everything public equal in distribution (lengths, the public inputs'
//! randomness, the outcome where the caller learns it anyway) and differs in what an attacker
//! must not learn through timing: the secret key, the secret seed, or how close a forgery came.
//!
//! Signing uses two keys rather than dudect's fixed-vs-random message: the message is public,
//! the key is what signing must hide. Both classes sign the same pool of random messages with
//! fresh (hedged) randomness, so a key-dependent cost (a variable-time multiplication by s1, s2,
//! t0 or the Ed25519/ECDSA scalar, a key-dependent table access) moves one class's mean, while
//! ML-DSA's rejection loop, whose iteration count depends on the message and the randomness,
//! has the same distribution in both (FIPS 204's ||z|| bound rejects with a probability
//! independent of s1 by design; the rarer hint and ct0 rejections could differ slightly by key).
//! Because that count is public by design and dominates the timing's spread, the ML-DSA and
//! composite targets compare the classes within one count (`k`), one count of late rejections
//! (`r`: attempts the ||ct0|| or hint-weight check rejected, which run the whole attempt and
//! whose rate depends on t0; both from `pqpay_core::sig::mldsa::last_sign_trace`) and one hint
//! weight (`h`, the number of hint bits the signature carries, whose mean does differ by key:
//! see strata.rs), and print how each fell for each class beside the verdict.

use pqpay_core::aead::{Cipher, NONCE_LEN, TAG_LEN};
use pqpay_core::kem::{x25519, DecapsulationKey, KemAlgorithm};
use pqpay_core::sig::{SigAlgorithm, SigningKey, SigningMode};
use pqpay_core::{rng, Error, Result};

use zeroize::Zeroizing;

use crate::measure::Op;
use crate::strata::{Observed, Stratum};

/// Inputs prepared per class; each measurement picks one at random.
const POOL: usize = 256;

/// One measured operation.
pub struct Target {
    /// The name on the command line and in the report.
    pub name: String,
    /// What classes 0 and 1 are.
    pub classes: &'static str,
    /// The classes differ in a result the caller is told anyway (an AEAD's "invalid tag"):
    /// a difference in time shows that bit and nothing secret, so `--check` does not gate on
    /// it; the target is still measured and its verdict printed.
    pub public_outcome: bool,
    setup: Box<dyn Fn(bool) -> Result<Box<dyn Op>>>,
}

impl Target {
    fn new(
        name: impl Into<String>,
        classes: &'static str,
        setup: impl Fn(bool) -> Result<Box<dyn Op>> + 'static,
    ) -> Self {
        Target {
            name: name.into(),
            classes,
            public_outcome: false,
            setup: Box::new(setup),
        }
    }

    fn outcome_is_public(mut self) -> Self {
        self.public_outcome = true;
        self
    }

    /// Builds the keys and input pools. With `control`, class 1 is prepared exactly as class
    /// 0 (separately: its own key object or pool), an A/A run that shows what the setup alone
    /// gives; a control that fails means the harness, not the target, differs between classes.
    pub fn setup(&self, control: bool) -> Result<Box<dyn Op>> {
        (self.setup)(control)
    }
}

fn random<const N: usize>() -> Result<[u8; N]> {
    rng::array::<N>()
}

fn random_below(n: usize) -> Result<usize> {
    Ok((u64::from_le_bytes(random::<8>()?) % n as u64) as usize)
}

fn flip_random_bit(buf: &mut [u8], within: usize) -> Result<()> {
    let bit = random_below(within * 8)?;
    buf[bit / 8] ^= 1 << (bit % 8);
    Ok(())
}

fn check(ok: bool, what: &str) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::Internal(format!("constant-time setup: {what}")))
    }
}

/// Decapsulation of valid and invalid ciphertexts under one key.
struct Decaps {
    dk: DecapsulationKey,
    cts: [Vec<Vec<u8>>; 2],
    staged: Vec<u8>,
}

impl Op for Decaps {
    fn stage(&mut self, class: usize, input: usize) {
        self.staged.copy_from_slice(&self.cts[class][input % POOL]);
    }

    fn run(&mut self) -> usize {
        match self.dk.decapsulate(&self.staged) {
            Ok(ss) => ss.as_bytes()[0] as usize,
            Err(_) => usize::MAX,
        }
    }
}

/// Class 0: fresh encapsulations; class 1: the same with one random bit flipped among the
/// first `flip_within` bytes (the ML-KEM ciphertext), so decapsulation takes the
/// implicit-rejection path.
fn decaps(alg: KemAlgorithm, flip_within: Option<usize>, control: bool) -> Result<Box<dyn Op>> {
    let dk = DecapsulationKey::generate(alg)?;
    let ek = dk.public_key();
    let mut valid = Vec::with_capacity(POOL);
    let mut invalid = Vec::with_capacity(POOL);
    for _ in 0..POOL {
        let (ss, ct) = ek.encapsulate()?;
        check(
            dk.decapsulate(&ct)?.as_bytes() == ss.as_bytes(),
            "valid ciphertext",
        )?;
        let bad = if control {
            ek.encapsulate()?.1
        } else {
            let mut bad = ct.clone();
            flip_random_bit(&mut bad, flip_within.unwrap_or(ct.len()))?;
            check(
                dk.decapsulate(&bad)?.as_bytes() != ss.as_bytes(),
                "invalid ciphertext rejected",
            )?;
            bad
        };
        valid.push(ct);
        invalid.push(bad);
    }
    Ok(Box::new(Decaps {
        dk,
        staged: vec![0; valid[0].len()],
        cts: [valid, invalid],
    }))
}

/// Separately built objects of each class's key: a measurement signs with one drawn at random,
/// so where an object happens to sit in memory (cache sets, 4K aliasing) is spread over both
/// classes rather than tied to one of them.
const KEY_OBJECTS: usize = 4;

/// Signing random messages with one of two keys.
struct Sign {
    /// `keys[class][object]`: [`KEY_OBJECTS`] objects of one key per class.
    keys: [Vec<SigningKey>; 2],
    /// The ML-DSA signature's length, at the start of the signature, for the targets that run
    /// ML-DSA's rejection loop (ML-DSA alone and the composites); `None` for Ed25519.
    mldsa_signature_len: Option<usize>,
    msgs: Vec<[u8; 32]>,
    staged: (usize, usize, [u8; 32]),
    /// The last signature's hint weight (its ML-DSA part's last byte: FIPS 204 HintBitPack
    /// writes the running hint count there, so it is the total).
    hints: u8,
}

impl Op for Sign {
    fn stage(&mut self, class: usize, input: usize) {
        let object = (input / POOL) % KEY_OBJECTS;
        self.staged = (class, object, self.msgs[input % POOL]);
    }

    fn run(&mut self) -> usize {
        let (class, object, msg) = &self.staged;
        match self.keys[*class][*object].sign(msg, b"", SigningMode::Hedged) {
            Ok(sig) => {
                if let Some(len) = self.mldsa_signature_len {
                    self.hints = sig.get(len - 1).copied().unwrap_or(u8::MAX);
                }
                sig[0] as usize
            }
            Err(_) => usize::MAX,
        }
    }

    /// ML-DSA's rejection loop and hint weight (also for a composite's ML-DSA half).
    fn observed(&self) -> Option<Observed> {
        self.mldsa_signature_len.map(|_| {
            let trace = pqpay_core::sig::mldsa::last_sign_trace();
            Observed {
                stratum: Stratum {
                    attempts: trace.attempts,
                    late: trace.late_rejections(),
                    hints: u16::from(self.hints),
                },
                rejected: trace.rejected,
            }
        })
    }
}

/// Class 0: the key from the all-zero seed (or the first of two generated keys, for the
/// composites); class 1: a random key (with `control`, class 0's key again). The same random
/// messages in both classes, hedged signing as in production. Every key object, of either
/// class, is parsed from its private bytes the same way, in alternating order, so the classes
/// differ in the key alone (a generated key object and a parsed one may not sign alike).
fn sign(alg: SigAlgorithm, from_seed: Option<usize>, control: bool) -> Result<Box<dyn Op>> {
    let new_key = || -> Result<Zeroizing<Vec<u8>>> {
        match from_seed {
            Some(len) => {
                let mut seed = Zeroizing::new(vec![0u8; len]);
                rng::fill(&mut seed)?;
                Ok(seed)
            }
            None => SigningKey::generate(alg)?.private_bytes(),
        }
    };
    let first = match from_seed {
        Some(len) => Zeroizing::new(vec![0u8; len]),
        None => new_key()?,
    };
    let second = if control { first.clone() } else { new_key()? };
    let mut keys: [Vec<SigningKey>; 2] = [Vec::new(), Vec::new()];
    for _ in 0..KEY_OBJECTS {
        keys[0].push(SigningKey::from_private_bytes(alg, &first)?);
        keys[1].push(SigningKey::from_private_bytes(alg, &second)?);
    }
    let msgs = (0..POOL)
        .map(|_| random::<32>())
        .collect::<Result<Vec<_>>>()?;
    for key in keys.iter().flatten() {
        let sig = key.sign(&msgs[0], b"", SigningMode::Hedged)?;
        key.verifying_key().verify(&msgs[0], b"", &sig)?;
    }
    Ok(Box::new(Sign {
        keys,
        mldsa_signature_len: mldsa_signature_len(alg),
        msgs,
        staged: (0, 0, [0; 32]),
        hints: 0,
    }))
}

/// The length of the ML-DSA signature (alone, or first in a composite's).
fn mldsa_signature_len(alg: SigAlgorithm) -> Option<usize> {
    use SigAlgorithm as A;
    match alg {
        A::MlDsa44 | A::MlDsa44Ed25519 => Some(2420),
        A::MlDsa65 | A::MlDsa65Ed25519 | A::MlDsa65P256 => Some(3309),
        A::MlDsa87 | A::MlDsa87Ed448 | A::MlDsa87P384 => Some(4627),
        _ => None,
    }
}

/// X25519 of one of two scalars with random peer keys.
struct Exchange {
    scalars: [[u8; 32]; 2],
    peers: Vec<[u8; 32]>,
    staged: ([u8; 32], [u8; 32]),
}

impl Op for Exchange {
    fn stage(&mut self, class: usize, input: usize) {
        self.staged = (self.scalars[class], self.peers[input % POOL]);
    }

    fn run(&mut self) -> usize {
        let (scalar, peer) = &self.staged;
        match x25519::exchange(scalar, peer) {
            Ok(ss) => ss[0] as usize,
            Err(_) => usize::MAX,
        }
    }
}

/// Class 0: the all-zero scalar (clamped to 2^254, the sparsest scalar X25519 uses); class 1:
/// a random scalar. The same random peer keys in both; `x25519::exchange` imports the scalar,
/// derives its public key and multiplies, so all three are covered.
fn exchange(control: bool) -> Result<Box<dyn Op>> {
    let peers = (0..POOL)
        .map(|_| {
            Ok(*DecapsulationKey::generate(KemAlgorithm::X25519)?
                .public_key()
                .as_bytes()
                .first_chunk::<32>()
                .ok_or_else(|| Error::Internal("X25519 key length".into()))?)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Box::new(Exchange {
        scalars: [[0u8; 32], if control { [0u8; 32] } else { random::<32>()? }],
        peers,
        staged: ([0; 32], [0; 32]),
    }))
}

/// AEAD open of one sealed record per (class, input).
struct Open {
    cipher: Cipher,
    key: Vec<u8>,
    aad: Vec<u8>,
    records: [Vec<([u8; NONCE_LEN], Vec<u8>)>; 2],
    staged: ([u8; NONCE_LEN], Vec<u8>),
}

impl Op for Open {
    fn stage(&mut self, class: usize, input: usize) {
        let (nonce, ct) = &self.records[class][input % POOL];
        self.staged.0 = *nonce;
        self.staged.1.copy_from_slice(ct);
    }

    fn run(&mut self) -> usize {
        let (nonce, ct) = &self.staged;
        match self.cipher.open(&self.key, nonce, &self.aad, ct) {
            Ok(pt) => pt[0] as usize,
            Err(_) => usize::MAX,
        }
    }
}

/// How the two classes of sealed records differ.
#[derive(Clone, Copy)]
enum OpenSplit {
    /// Valid vs one random bit of the tag flipped.
    ValidInvalid,
    /// Both invalid: the first tag byte wrong vs the last tag byte wrong (an early-exit tag
    /// comparison would take longer for the second).
    TagPosition,
    /// Both valid: an all-zero secret vs a random one (the HSM seed unseal).
    Plaintext,
}

fn open(
    cipher: Cipher,
    split: OpenSplit,
    pt_len: usize,
    aad: Vec<u8>,
    control: bool,
) -> Result<Box<dyn Op>> {
    let mut key = vec![0u8; cipher.key_len()];
    rng::fill(&mut key)?;
    let mut records: [Vec<_>; 2] = [Vec::with_capacity(POOL), Vec::with_capacity(POOL)];
    for (real_class, pool) in records.iter_mut().enumerate() {
        let class = if control { 0 } else { real_class };
        for _ in 0..POOL {
            let nonce = random::<NONCE_LEN>()?;
            let mut pt = vec![0u8; pt_len];
            if !matches!(split, OpenSplit::Plaintext) || class == 1 {
                rng::fill(&mut pt)?;
            }
            let mut ct = cipher.seal(&key, &nonce, &aad, &pt)?;
            let tag = ct.len() - TAG_LEN;
            match (split, class) {
                (OpenSplit::ValidInvalid, 1) => flip_random_bit(&mut ct[tag..], TAG_LEN)?,
                (OpenSplit::TagPosition, 0) => ct[tag] ^= 1 << random_below(8)?,
                (OpenSplit::TagPosition, 1) => ct[tag + TAG_LEN - 1] ^= 1 << random_below(8)?,
                _ => {}
            }
            let opened = cipher.open(&key, &nonce, &aad, &ct);
            let valid = matches!(split, OpenSplit::Plaintext)
                || matches!((split, class), (OpenSplit::ValidInvalid, 0));
            check(
                opened.as_deref().ok() == valid.then_some(pt.as_slice()),
                "AEAD record",
            )?;
            pool.push((nonce, ct));
        }
    }
    Ok(Box::new(Open {
        cipher,
        key,
        aad,
        staged: ([0; NONCE_LEN], vec![0; pt_len + TAG_LEN]),
        records,
    }))
}

/// The additional data `pqpay.hsm` seals a seed under (`record.sealing_aad`, format 2): a
/// domain, a 16-byte handle id, the algorithm name, the version and the label. Its content is
/// public; only its length matters to the timing.
fn hsm_aad() -> Vec<u8> {
    let mut aad = b"pqpay.hsm sealed seed v2\x00".to_vec();
    aad.extend_from_slice(&[0x42; 16]);
    aad.push(9);
    aad.extend_from_slice(b"ML-DSA-65");
    aad.extend_from_slice(&1u32.to_be_bytes());
    aad.push(8);
    aad.extend_from_slice(b"payments");
    aad
}

const DECAPS_CLASSES: &str = "0: valid ciphertext; 1: one random bit flipped (implicit rejection)";
const SIGN_CLASSES: &str = "0: key from the all-zero seed; 1: random key (random messages)";
const COMPOSITE_CLASSES: &str = "two generated keys (random messages)";

/// Every target, in report order.
pub fn all() -> Vec<Target> {
    let mut out = Vec::new();
    for (name, alg) in [
        ("mlkem512-decaps", KemAlgorithm::MlKem512),
        ("mlkem768-decaps", KemAlgorithm::MlKem768),
        ("mlkem1024-decaps", KemAlgorithm::MlKem1024),
    ] {
        out.push(Target::new(name, DECAPS_CLASSES, move |c| {
            decaps(alg, None, c)
        }));
    }
    out.push(Target::new(
        "xwing-decaps",
        "0: valid ciphertext; 1: one random bit of the ML-KEM part flipped",
        |c| decaps(KemAlgorithm::XWing, Some(1088), c),
    ));
    out.push(Target::new(
        "x25519",
        "0: all-zero scalar (2^254 clamped); 1: random scalar (random peers)",
        exchange,
    ));
    out.push(Target::new("ed25519-sign", SIGN_CLASSES, |c| {
        sign(SigAlgorithm::Ed25519, Some(32), c)
    }));
    for (name, alg) in [
        ("mldsa44-sign", SigAlgorithm::MlDsa44),
        ("mldsa65-sign", SigAlgorithm::MlDsa65),
        ("mldsa87-sign", SigAlgorithm::MlDsa87),
    ] {
        out.push(Target::new(name, SIGN_CLASSES, move |c| {
            sign(alg, Some(32), c)
        }));
    }
    for (name, alg) in [
        (
            "composite-mldsa44-ed25519-sign",
            SigAlgorithm::MlDsa44Ed25519,
        ),
        (
            "composite-mldsa65-ed25519-sign",
            SigAlgorithm::MlDsa65Ed25519,
        ),
        ("composite-mldsa65-p256-sign", SigAlgorithm::MlDsa65P256),
        ("composite-mldsa87-p384-sign", SigAlgorithm::MlDsa87P384),
        ("composite-mldsa87-ed448-sign", SigAlgorithm::MlDsa87Ed448),
    ] {
        out.push(Target::new(name, COMPOSITE_CLASSES, move |c| {
            sign(alg, None, c)
        }));
    }
    for (prefix, cipher) in [
        ("aes256gcm", Cipher::Aes256Gcm),
        ("aes128gcm", Cipher::Aes128Gcm),
        ("chacha20poly1305", Cipher::ChaCha20Poly1305),
    ] {
        out.push(
            Target::new(
                format!("{prefix}-open-valid-invalid"),
                "0: valid record; 1: one random tag bit flipped (32-byte plaintext)",
                move |c| open(cipher, OpenSplit::ValidInvalid, 32, b"aad".to_vec(), c),
            )
            .outcome_is_public(),
        );
        out.push(Target::new(
            format!("{prefix}-open-tag-position"),
            "both invalid: 0: first tag byte wrong; 1: last tag byte wrong",
            move |c| open(cipher, OpenSplit::TagPosition, 32, b"aad".to_vec(), c),
        ));
    }
    out.push(Target::new(
        "hsm-seed-unseal",
        "AES-256-GCM open of a sealed 32-byte seed: 0: all-zero seed; 1: random seed",
        |c| open(Cipher::Aes256Gcm, OpenSplit::Plaintext, 32, hsm_aad(), c),
    ));
    out
}
