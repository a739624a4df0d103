//! Power-on known-answer self-tests: one fast KAT per algorithm, run once per process.
//!
//! Expected values come from independent published vectors (NIST ML-KEM KAT count 0 as shipped in
//! `cryptography-vectors`, the X-Wing draft's first vector, RFC 7748 §5.2); long outputs are
//! compared through their SHA3-256 digest to keep this file small. After a failure,
//! [`check`] reports it to every caller, so the library refuses to operate.

use std::sync::OnceLock;
use std::time::Instant;

use sha3::{Digest, Sha3_256};
use shake::{ExtendableOutput, Shake256, Update, XofReader};

use crate::kem::{DecapsulationKey, KemAlgorithm};
use crate::{Error, Result};

/// The outcome of one self-test.
#[derive(Clone, Debug)]
pub struct SelfTestResult {
    /// The test's name (algorithm and what it checks).
    pub name: &'static str,
    /// Whether it passed.
    pub passed: bool,
    /// Wall-clock time in microseconds.
    pub micros: f64,
}

type TestFn = fn() -> Result<bool>;

fn unhex(s: &str) -> Vec<u8> {
    // Only ever called on the literals below; a bad literal fails the self-test, not a panic.
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2).unwrap_or("zz"), 16).unwrap_or(0))
        .collect()
}

fn sha3(data: &[u8]) -> Vec<u8> {
    Sha3_256::digest(data).to_vec()
}

const MLKEM_SEED: &str = "6dbbc4375136df3b07f7c70e639e223e177e7fd53b161b3f4d57791794f12624f696484048ec21f96cf50a56d0759c448f3779752f0383d37449690694cf7a68";
const MLKEM_M: &str = "20a7b7e10f70496cc38220b944def699bf14d14e55cf4c90a12c1b33fc80ffff";

/// ML-KEM KAT: keygen from seed, derandomized encapsulation, decapsulation, and implicit
/// rejection of a one-bit-flipped ciphertext (must equal SHAKE256(z || c', 32)).
fn mlkem_kat(alg: KemAlgorithm, pk_sha3: &str, ct_sha3: &str, ss: &str) -> Result<bool> {
    let seed = unhex(MLKEM_SEED);
    let dk = DecapsulationKey::from_seed(alg, &seed)?;
    let ek = dk.public_key();
    let (k, ct) = ek.encapsulate_derand(&unhex(MLKEM_M))?;
    let mut ok = sha3(ek.as_bytes()) == unhex(pk_sha3)
        && sha3(&ct) == unhex(ct_sha3)
        && k.as_bytes() == unhex(ss).as_slice()
        && dk.decapsulate(&ct)?.as_bytes() == unhex(ss).as_slice();
    let mut bad = ct.clone();
    bad[0] ^= 1;
    let mut j = [0u8; 32];
    let mut xof = Shake256::default();
    xof.update(&seed[32..]);
    xof.update(&bad);
    xof.finalize_xof().read(&mut j);
    ok &= dk.decapsulate(&bad)?.as_bytes() == j.as_slice();
    Ok(ok)
}

fn mlkem512() -> Result<bool> {
    mlkem_kat(
        KemAlgorithm::MlKem512,
        "ca875d7c7e8501256071ea518d2f185b05626aa3d1c38cdbc2d006ed0051aac6",
        "e610f0f144b0196b704eeb8089aa5c56282792f6083ec2ac66d2316f4ce7f97d",
        "2b5c52ee72946331983ba050be0f435055c0547901e03559b356517889ea27c5",
    )
}

fn mlkem768() -> Result<bool> {
    mlkem_kat(
        KemAlgorithm::MlKem768,
        "6ff694a73b6701f2a7408773f9909118ef52e1c89285b2cde465a0b04980120a",
        "8ba9d8e8e0ecf99c9ef71573644f18dfb56029a6bce2de62252ea430912919de",
        "b408d5d115713f0a93047dbbea832e4340787686d59a9a2d106bd662ba0aa035",
    )
}

fn mlkem1024() -> Result<bool> {
    mlkem_kat(
        KemAlgorithm::MlKem1024,
        "2fd626053c941502e28d796cd655a3cd49df9f15ca02ad626e486f6a4921106b",
        "9857cbb196d2be78a98a6458212656009a18f1bb1350aa907e8dd68bcc36cccf",
        "23f211b84a6ee20c8c29f6e5314c91b414e940513d380add17bd724ab3a13a52",
    )
}

/// RFC 7748 §5.2, first vector.
fn x25519() -> Result<bool> {
    let out = crate::kem::x25519::exchange(
        &unhex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
        &unhex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"),
    )?;
    Ok(out.as_slice()
        == unhex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552").as_slice())
}

/// X-Wing draft test vector 1.
fn xwing() -> Result<bool> {
    let dk = DecapsulationKey::from_seed(
        KemAlgorithm::XWing,
        &unhex("7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26"),
    )?;
    let ek = dk.public_key();
    let (ss, ct) = ek.encapsulate_derand(&unhex("3cb1eea988004b93103cfb0aeefd2a686e01fa4a58e8a3639ca8a1e3f9ae57e235b8cc873c23dc62b8d260169afa2f75ab916a58d974918835d25e6a435085b2"))?;
    let want = unhex("d2df0522128f09dd8e2c92b1e905c793d8f57a54c3da25861f10bf4ca613e384");
    Ok(sha3(ek.as_bytes())
        == unhex("5121745904643ad9dfacca7869292c19a8a69533b53e60666b7db910b4ad6367")
        && sha3(&ct) == unhex("c0abd149f83f45324ac3a7ddc7606c71f257e5ea86113522834a0ee1bcb34e3e")
        && ss.as_bytes() == want.as_slice()
        && dk.decapsulate(&ct)?.as_bytes() == want.as_slice())
}

/// X25519MLKEM768 has no published KAT: its halves are covered above, so this checks the
/// composition (order of shares and secrets) against the ML-KEM-768 and X25519 primitives.
fn x25519mlkem768() -> Result<bool> {
    let mut seed = unhex(MLKEM_SEED);
    seed.extend_from_slice(&unhex(
        "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
    ));
    let dk = DecapsulationKey::from_seed(KemAlgorithm::X25519MlKem768, &seed)?;
    let ek = dk.public_key();
    let mut r = unhex(MLKEM_M);
    r.extend_from_slice(&unhex(
        "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
    ));
    let (ss, ct) = ek.encapsulate_derand(&r)?;
    let ml = DecapsulationKey::from_seed(KemAlgorithm::MlKem768, &seed[..64])?;
    let (ss_m, ct_m) = ml.public_key().encapsulate_derand(&r[..32])?;
    let ss_x = crate::kem::x25519::exchange(&r[32..], &ek.as_bytes()[1184..])?;
    Ok(ek.as_bytes()[..1184] == *ml.public_key().as_bytes()
        && ct[..1088] == *ct_m.as_slice()
        && ss.as_bytes()[..32] == *ss_m.as_bytes()
        && ss.as_bytes()[32..] == *ss_x.as_slice()
        && dk.decapsulate(&ct)?.as_bytes() == ss.as_bytes())
}

const TESTS: &[(&str, TestFn)] = &[
    ("ML-KEM-512 KAT", mlkem512),
    ("ML-KEM-768 KAT", mlkem768),
    ("ML-KEM-1024 KAT", mlkem1024),
    ("X25519 KAT (RFC 7748)", x25519),
    ("X-Wing KAT", xwing),
    ("X25519MLKEM768 composition", x25519mlkem768),
];

/// Runs every self-test now (not cached) and returns the results.
pub fn run_all() -> Vec<SelfTestResult> {
    TESTS
        .iter()
        .map(|(name, f)| {
            let start = Instant::now();
            let passed = matches!(f(), Ok(true));
            SelfTestResult {
                name,
                passed,
                micros: start.elapsed().as_secs_f64() * 1e6,
            }
        })
        .collect()
}

static POWER_ON: OnceLock<Vec<SelfTestResult>> = OnceLock::new();

/// Runs the power-on self-tests once per process and returns their results.
pub fn power_on() -> &'static [SelfTestResult] {
    POWER_ON.get_or_init(run_all)
}

/// Fails with the first failed power-on test's name, running the tests first if needed.
pub fn check() -> Result<()> {
    match power_on().iter().find(|r| !r.passed) {
        Some(r) => Err(Error::SelfTestFailed(r.name.to_string())),
        None => Ok(()),
    }
}
