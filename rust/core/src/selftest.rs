//! Power-on known-answer self-tests: one fast KAT per algorithm, run once per process.
//!
//! Expected values come from independent published vectors (NIST ML-KEM KAT count 0 as shipped in
//! `cryptography-vectors`, the X-Wing draft's first vector, RFC 7748 §5.2, the RFC 9180 and
//! draft-ietf-hpke-pq HPKE vectors, which also cover MLKEM768-P256, MLKEM1024-P384, the SHAKE and
//! HKDF KDFs and all three AEADs); long outputs are
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

/// One HPKE base-mode known answer: DeriveKeyPair, SetupBaseS with ikmE, the first seal and
/// open, and one export (first encryption and export of the vector).
struct HpkeKat {
    ids: (u16, u16, u16),
    ikm_r: &'static str,
    ikm_e: &'static str,
    info: &'static str,
    pk_sha3: &'static str,
    enc_sha3: &'static str,
    aad: &'static str,
    pt: &'static str,
    ct_sha3: &'static str,
    exporter_context: &'static str,
    export_sha3: &'static str,
    export_len: usize,
}

fn hpke_kat(k: &HpkeKat) -> Result<bool> {
    let suite = crate::hpke::Suite::from_ids(k.ids.0, k.ids.1, k.ids.2)?;
    let sk = suite.derive_key_pair(&unhex(k.ikm_r))?;
    let pk = sk.public_key();
    let info = unhex(k.info);
    let (enc, mut sender) = suite.setup_sender_derand(&pk, &info, &unhex(k.ikm_e))?;
    let ct = sender.seal(&unhex(k.aad), &unhex(k.pt))?;
    let mut receiver = suite.setup_receiver(&enc, &sk, &info)?;
    let pt = receiver.open(&unhex(k.aad), &ct)?;
    let export = receiver.export(&unhex(k.exporter_context), k.export_len)?;
    Ok(sha3(pk.as_bytes()) == unhex(k.pk_sha3)
        && sha3(&enc) == unhex(k.enc_sha3)
        && sha3(&ct) == unhex(k.ct_sha3)
        && pt == unhex(k.pt)
        && sha3(&export) == unhex(k.export_sha3)
        && sender.export(&unhex(k.exporter_context), k.export_len)? == export)
}

// From `HPKE/test-vectors.json` (RFC 9180) and `HPKE/hpke-pq-test-vectors.json`
// (draft-ietf-hpke-pq) of cryptography-vectors 50.0.2.
const HPKE_DHKEM_X25519: HpkeKat = HpkeKat {
    ids: (0x0020, 0x0001, 0x0001),
    ikm_r: "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037",
    ikm_e: "7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234",
    info: "4f6465206f6e2061204772656369616e2055726e",
    pk_sha3: "d2a0779de7b41eb61a47f36df91c9371d61d5de2ac7082b08460df01d5520c31",
    enc_sha3: "a51db5d60788c760a31f0e63f3ddd18f02457c3c7d44b28b130ec6c77f3859e2",
    aad: "436f756e742d30",
    pt: "4265617574792069732074727574682c20747275746820626561757479",
    ct_sha3: "131cc969d2a9e4cf89c980357f5bda36d6d3725349c20efa413e8dc4993e9468",
    exporter_context: "",
    export_sha3: "73c33f5d1181b1f1fcff21960013ac0406b2ebc02be0b9cf5b7bc2fbd75d4bd4",
    export_len: 32,
};

const PQ_INFO: &str =
    "34663634363532303666366532303631323034373732363536333639363136653230353537323665";
const PQ_PT: &str = "34323635363137353734373932303639373332303734373237353734363832633230373437323735373436383230363236353631373537343739";

const HPKE_XWING_SHAKE256: HpkeKat = HpkeKat {
    ids: (0x647a, 0x0011, 0x0003),
    ikm_r: "9b3988687f65935430cf740cc30c36cd480d3dbd24867815addad49ea0dc050d",
    ikm_e: "67d925853f974ffeb36a867ba8b370c455c77fa386e0b667d6dea0fa0bcd9446a7a24daaf163ec2c0979a75f6b776a4e08ba8e89aa9fb4f604e95a9acddc4091",
    info: PQ_INFO,
    pk_sha3: "41f637bec07c5d5112d48c210a888c7a307448fc7ec8784b217f5df575755d8c",
    enc_sha3: "c4aca007b876301418355e3dde92e40242f8d2d4ec6662cc691b3f16c6dcd890",
    aad: "436f756e742d30",
    pt: PQ_PT,
    ct_sha3: "0f9b54148da7308bbe5969af1002a888d7bace37955d3c13f717bd67169f40d7",
    exporter_context: "70736575646f72616e646f6d30",
    export_sha3: "c1f8be698f7a546d269bf390335a3ed29e03d4ca0919d45a37233145f0a85542",
    export_len: 32,
};

const HPKE_MLKEM768_P256: HpkeKat = HpkeKat {
    ids: (0x0050, 0x0010, 0x0002),
    ikm_r: "b40a79eb27e10e2c7b5811a36f1d4275810e17117b308fd85ab9c2b3dba7a961",
    ikm_e: "0244aa79fe4ea903b915a291c90fc30c43ae27794cbf4edb4c7285500273ee7483841d6dca12848d453853486ce317889443efbcfb44a0a91fbaecb22e25a2f8f61a81224a3ca716e57e85c59426773095e357d0abb11048863d900517eed2ddbec062a420d0e6deee4642f61c1a02ab709defcf4871b153fad642f5384d87e1",
    info: PQ_INFO,
    pk_sha3: "aa7d5a2d7f09fcf254df9b17c88a35435a42f64755761aae717839b7b3ebd1b4",
    enc_sha3: "4cc517a4f438d456118031e610d4eb3e1a9ad7aaa5dc0c088719a515cd684980",
    aad: "436f756e742d30",
    pt: PQ_PT,
    ct_sha3: "9aa6ae04eb7a7a552af3c1bb8911b23859ad87d26a66938053c65ce4a0db6b74",
    exporter_context: "70736575646f72616e646f6d30",
    export_sha3: "87db5b3b7df02e90d6ed492c57db93adfa97059932ab4d952cd0b16a990163c2",
    export_len: 32,
};

const HPKE_MLKEM1024_P384: HpkeKat = HpkeKat {
    ids: (0x0051, 0x0002, 0x0002),
    ikm_r: "0fce198c0c1ccfca5cd1ca8bc495b06696cbb8c733e708ead4531b2b294c38d2",
    ikm_e: "bd1207854ec0963347d5218f900783d6ca0ff62c5e2181ca5a932e2d6d8d96cc9b092a9d709468d10f7e8ec8d9eccd7e7a647d351133e2a2f4b438154d1dd70850af7f7841c1dbd0699feb9852d99c08",
    info: PQ_INFO,
    pk_sha3: "6747cead63e041feb30f389a5217dedac838670c5552208ac81804348eeaa07b",
    enc_sha3: "9e92cc608a4b23288ceb7be23a415988eecd24e433a2f2f908721b55e43b71fc",
    aad: "436f756e742d30",
    pt: PQ_PT,
    ct_sha3: "6bb8669b4f3daf5243c0885a459f848396bee9d20d6038c560e657b229ef2035",
    exporter_context: "70736575646f72616e646f6d30",
    export_sha3: "e09689ac19988d32abe8c751039d7284afd407e22cda5e039c2fdbe0fd493a44",
    export_len: 32,
};

fn hpke_dhkem_x25519() -> Result<bool> {
    hpke_kat(&HPKE_DHKEM_X25519)
}
fn hpke_xwing_shake256() -> Result<bool> {
    hpke_kat(&HPKE_XWING_SHAKE256)
}
fn hpke_mlkem768_p256() -> Result<bool> {
    hpke_kat(&HPKE_MLKEM768_P256)
}
fn hpke_mlkem1024_p384() -> Result<bool> {
    hpke_kat(&HPKE_MLKEM1024_P384)
}

/// SLH-DSA-SHA2-128f: ACVP sigGen tcId 115 (internal interface, deterministic): loading the
/// private key recomputes PK.root, then slh_sign_internal and slh_verify_internal.
fn slhdsa_sha2_128f() -> Result<bool> {
    use crate::sig::{slhdsa, SigAlgorithm, SigningKey};
    let key = SigningKey::from_private_bytes(
        SigAlgorithm::SlhDsaSha2_128f,
        &unhex("53725a3c2b994d52ddba83ec584de28bb56fd81661f82b2ae2100517bf14b21520ff7c085298b7313788a15a6eedac2fe846bd0c772aa74975b45ffc49b4f678"),
    )?;
    let sig = slhdsa::hazmat_sign_internal(&key, &[0x6d], None)?;
    Ok(
        sha3(&sig) == unhex("0d4129637261eb54e50e4f56df76062a91e027ef3c5a0fc93e9b469ee5e2f664")
            && slhdsa::hazmat_verify_internal(&key.verifying_key(), &[0x6d], &sig).is_ok(),
    )
}

const TESTS: &[(&str, TestFn)] = &[
    ("ML-KEM-512 KAT", mlkem512),
    ("ML-KEM-768 KAT", mlkem768),
    ("ML-KEM-1024 KAT", mlkem1024),
    ("X25519 KAT (RFC 7748)", x25519),
    ("X-Wing KAT", xwing),
    ("X25519MLKEM768 composition", x25519mlkem768),
    (
        "HPKE DHKEM(X25519) HKDF-SHA256 AES-128-GCM KAT",
        hpke_dhkem_x25519,
    ),
    (
        "HPKE X-Wing SHAKE256 ChaCha20-Poly1305 KAT",
        hpke_xwing_shake256,
    ),
    (
        "HPKE MLKEM768-P256 SHAKE128 AES-256-GCM KAT",
        hpke_mlkem768_p256,
    ),
    (
        "HPKE MLKEM1024-P384 HKDF-SHA384 AES-256-GCM KAT",
        hpke_mlkem1024_p384,
    ),
    ("SLH-DSA-SHA2-128f KAT (ACVP)", slhdsa_sha2_128f),
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

/// Environment variable naming a self-test to fail on purpose at power-on, so the refusal path
/// can be tested. It can only make the library refuse to work, never skip a test.
pub const FORCE_FAIL_ENV: &str = "PQPAY_SELFTEST_FORCE_FAIL";

/// Runs the power-on self-tests once per process and returns their results.
pub fn power_on() -> &'static [SelfTestResult] {
    POWER_ON.get_or_init(|| {
        let forced = std::env::var(FORCE_FAIL_ENV).ok();
        let mut results = run_all();
        for r in &mut results {
            if forced.as_deref() == Some(r.name) {
                r.passed = false;
            }
        }
        results
    })
}

/// Fails with the first failed power-on test's name, running the tests first if needed.
pub fn check() -> Result<()> {
    match power_on().iter().find(|r| !r.passed) {
        Some(r) => Err(Error::SelfTestFailed(r.name.to_string())),
        None => Ok(()),
    }
}
