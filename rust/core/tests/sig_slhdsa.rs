//! SLH-DSA (FIPS 205): a few NIST ACVP vectors per interface, round trips and error paths for all
//! twelve parameter sets. The full ACVP files run from Python (tests/test_sig_vectors_slhdsa.py).
//!
//! Vectors are read from `$PQPAY_SHARED_VECTORS`, else `../shared/vectors` beside the
//! repository; if neither exists the vector tests fail rather than silently passing.
// Test code: a failed expectation should stop the test loudly.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::Read;
use std::path::PathBuf;

use pqpay_core::sig::slhdsa::{self, PreHash};
use pqpay_core::sig::{SigAlgorithm, SigFamily, SigningKey, SigningMode, VerifyingKey};
use pqpay_core::Error;
use serde_json::Value;

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_else(|e| panic!("bad hex in vector: {e}"))
}

fn shared_vectors() -> PathBuf {
    match std::env::var_os("PQPAY_SHARED_VECTORS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors"),
    }
}

fn load(relpath: &str) -> Value {
    let path = shared_vectors().join(relpath);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| {
        panic!(
            "cannot open {} ({e}); set PQPAY_SHARED_VECTORS",
            path.display()
        )
    });
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .expect("gzip");
    serde_json::from_str(&text).expect("json")
}

fn slh_algorithms() -> Vec<SigAlgorithm> {
    SigAlgorithm::ALL
        .iter()
        .copied()
        .filter(|a| a.family() == SigFamily::SlhDsa)
        .collect()
}

fn alg(name: &Value) -> SigAlgorithm {
    SigAlgorithm::from_name(name.as_str().expect("parameterSet")).expect("known parameter set")
}

fn field(test: &Value, name: &str) -> Vec<u8> {
    unhex(
        test[name]
            .as_str()
            .unwrap_or_else(|| panic!("field {name}")),
    )
}

/// The first test of every keyGen group of the six "f" sets (an "s" key generation builds a
/// 2^8 or 2^9-leaf tree, too slow for a debug build).
#[test]
fn acvp_keygen_first_of_each_set() {
    let doc = load("acvp/SLH-DSA-keyGen-FIPS205/internalProjection.json.gz");
    let groups = doc["testGroups"].as_array().expect("groups");
    assert_eq!(groups.len(), 12);
    for group in groups {
        let a = alg(&group["parameterSet"]);
        if !a.name().ends_with('f') {
            continue;
        }
        let t = &group["tests"][0];
        let key = slhdsa::hazmat_keygen_internal(
            a,
            &field(t, "skSeed"),
            &field(t, "skPrf"),
            &field(t, "pkSeed"),
        )
        .expect("keygen");
        assert_eq!(*key.private_bytes().expect("raw"), field(t, "sk"), "{a} sk");
        assert_eq!(key.verifying_key().to_bytes(), field(t, "pk"), "{a} pk");
        let again = SigningKey::from_private_bytes(a, &field(t, "sk")).expect("from sk");
        assert_eq!(
            again.verifying_key().to_bytes(),
            field(t, "pk"),
            "{a} reload"
        );
    }
}

fn expected_signatures() -> std::collections::HashMap<u64, Vec<u8>> {
    let doc = load("acvp/SLH-DSA-sigGen-FIPS205/expectedResults.json.gz");
    let mut out = std::collections::HashMap::new();
    for g in doc["testGroups"].as_array().expect("groups") {
        for t in g["tests"].as_array().expect("tests") {
            out.insert(t["tcId"].as_u64().expect("tcId"), field(t, "signature"));
        }
    }
    out
}

/// The first test of every SLH-DSA-SHA2-128f sigGen group (internal, pure and preHash;
/// deterministic and randomized). Debug builds sign slowly, so the rest runs from Python.
#[test]
fn acvp_siggen_128f_groups() {
    let prompt = load("acvp/SLH-DSA-sigGen-FIPS205/prompt.json.gz");
    let expected = expected_signatures();
    let mut ran = 0;
    for group in prompt["testGroups"].as_array().expect("groups") {
        let a = alg(&group["parameterSet"]);
        if a != SigAlgorithm::SlhDsaSha2_128f {
            continue;
        }
        for t in group["tests"].as_array().expect("tests").iter().take(1) {
            let tc = t["tcId"].as_u64().expect("tcId");
            let key = SigningKey::from_private_bytes(a, &field(t, "sk")).expect("sk");
            let rand = (group["deterministic"] == false).then(|| field(t, "additionalRandomness"));
            let msg = field(t, "message");
            let sig = match (
                group["signatureInterface"].as_str(),
                group["preHash"].as_str(),
            ) {
                (Some("internal"), _) => {
                    slhdsa::hazmat_sign_internal(&key, &msg, rand.as_deref()).expect("sign")
                }
                (Some("external"), Some("pure")) => {
                    let ctx = field(t, "context");
                    if rand.is_none() {
                        // The main API's deterministic mode is the same computation.
                        assert_eq!(
                            key.sign(&msg, &ctx, SigningMode::Deterministic)
                                .expect("sign"),
                            expected[&tc]
                        );
                    }
                    slhdsa::hazmat_sign_pure(&key, &msg, &ctx, rand.as_deref()).expect("sign")
                }
                (Some("external"), Some("preHash")) => {
                    let ph = PreHash::from_name(t["hashAlg"].as_str().expect("hashAlg"))
                        .expect("known hash");
                    slhdsa::hazmat_sign_prehash(
                        &key,
                        &msg,
                        &field(t, "context"),
                        ph,
                        rand.as_deref(),
                    )
                    .expect("sign")
                }
                other => panic!("unknown group kind {other:?}"),
            };
            assert_eq!(sig, expected[&tc], "tcId {tc} ({a})");
            ran += 1;
        }
    }
    // (internal, pure, preHash) x (deterministic, randomized).
    assert_eq!(ran, 6);
}

/// Every SLH-DSA-SHA2-128f sigVer test (the file's expected pass/fail, including signatures of
/// the wrong length).
#[test]
fn acvp_sigver_128f_groups() {
    let prompt = load("acvp/SLH-DSA-sigVer-FIPS205/prompt.json.gz");
    let results = load("acvp/SLH-DSA-sigVer-FIPS205/expectedResults.json.gz");
    let mut passed = std::collections::HashMap::new();
    for g in results["testGroups"].as_array().expect("groups") {
        for t in g["tests"].as_array().expect("tests") {
            passed.insert(
                t["tcId"].as_u64().expect("tcId"),
                t["testPassed"].as_bool().expect("testPassed"),
            );
        }
    }
    let (mut ran, mut valid) = (0, 0);
    for group in prompt["testGroups"].as_array().expect("groups") {
        let a = alg(&group["parameterSet"]);
        if a != SigAlgorithm::SlhDsaSha2_128f {
            continue;
        }
        for t in group["tests"].as_array().expect("tests") {
            let tc = t["tcId"].as_u64().expect("tcId");
            let pk = VerifyingKey::from_bytes(a, &field(t, "pk")).expect("pk");
            let (msg, sig) = (field(t, "message"), field(t, "signature"));
            let outcome = match (
                group["signatureInterface"].as_str(),
                group["preHash"].as_str(),
            ) {
                (Some("internal"), _) => slhdsa::hazmat_verify_internal(&pk, &msg, &sig),
                (Some("external"), Some("pure")) => pk.verify(&msg, &field(t, "context"), &sig),
                (Some("external"), Some("preHash")) => slhdsa::hazmat_verify_prehash(
                    &pk,
                    &msg,
                    &field(t, "context"),
                    PreHash::from_name(t["hashAlg"].as_str().expect("hashAlg")).expect("hash"),
                    &sig,
                ),
                other => panic!("unknown group kind {other:?}"),
            };
            match outcome {
                Ok(()) => assert!(passed[&tc], "tcId {tc} verified but must fail"),
                Err(Error::InvalidSignature) => {
                    assert!(!passed[&tc], "tcId {tc} failed but must verify")
                }
                Err(e) => panic!("tcId {tc}: unexpected error {e}"),
            }
            ran += 1;
            valid += usize::from(passed[&tc]);
        }
    }
    assert_eq!(ran, 42);
    assert!(valid > 0 && valid < ran);
}

/// Sign, verify, reject tampering, and reload the raw keys (the two fast sets: debug builds sign
/// slowly; every set runs from Python on the release build).
#[test]
fn round_trip_fast_sets() {
    for a in [SigAlgorithm::SlhDsaSha2_128f, SigAlgorithm::SlhDsaShake128f] {
        let key = SigningKey::generate(a).expect("generate");
        let vk = key.verifying_key();
        let sig = key.sign(b"msg", b"ctx", SigningMode::Hedged).expect("sign");
        vk.verify(b"msg", b"ctx", &sig).expect("verify");
        assert_eq!(
            vk.verify(b"msg", b"ctx2", &sig),
            Err(Error::InvalidSignature)
        );
        assert_eq!(
            vk.verify(b"msh", b"ctx", &sig),
            Err(Error::InvalidSignature)
        );
        let mut bad = sig.clone();
        *bad.last_mut().expect("non-empty") ^= 1;
        assert_eq!(
            vk.verify(b"msg", b"ctx", &bad),
            Err(Error::InvalidSignature)
        );
        // Truncated, extended, empty and all-zero signatures: opaque failures, never a panic.
        for s in [
            &sig[..sig.len() - 1],
            &[sig.as_slice(), &[0]].concat()[..],
            &[][..],
            &vec![0u8; sig.len()][..],
        ] {
            assert_eq!(
                vk.verify(b"msg", b"ctx", s),
                Err(Error::InvalidSignature),
                "{a}"
            );
        }
        let raw = key.private_bytes().expect("raw");
        let reloaded = SigningKey::from_private_bytes(a, &raw).expect("reload");
        assert_eq!(reloaded.verifying_key(), vk);
        assert_eq!(VerifyingKey::from_bytes(a, &vk.to_bytes()).expect("pk"), vk);
        // Hedged signatures differ; deterministic ones repeat.
        assert_ne!(
            sig,
            key.sign(b"msg", b"ctx", SigningMode::Hedged).expect("sign")
        );
        let d1 = key
            .sign(b"m", b"", SigningMode::Deterministic)
            .expect("sign");
        assert_eq!(
            d1,
            key.sign(b"m", b"", SigningMode::Deterministic)
                .expect("sign")
        );
        assert_eq!(
            d1,
            slhdsa::hazmat_sign_pure(&key, b"m", b"", None).expect("sign")
        );
        if matches!(
            a,
            SigAlgorithm::SlhDsaSha2_128f | SigAlgorithm::SlhDsaShake128f
        ) {
            let ph =
                slhdsa::hazmat_sign_prehash(&key, b"m", b"c", PreHash::Sha2_256, None).expect("ph");
            slhdsa::hazmat_verify_prehash(&vk, b"m", b"c", PreHash::Sha2_256, &ph).expect("ok");
            // A pre-hash signature is not a pure one, and the hash function is bound.
            assert_eq!(vk.verify(b"m", b"c", &ph), Err(Error::InvalidSignature));
            assert_eq!(
                slhdsa::hazmat_verify_prehash(&vk, b"m", b"c", PreHash::Sha3_256, &ph),
                Err(Error::InvalidSignature)
            );
        }
    }
}

#[test]
fn bad_lengths_all_sets() {
    for a in slh_algorithms() {
        let n = match a.name().rsplit('-').next().expect("suffix") {
            "128s" | "128f" => 16,
            "192s" | "192f" => 24,
            _ => 32,
        };
        for len in [0, 4 * n - 1, 4 * n + 1] {
            let data = vec![7u8; len];
            match SigningKey::from_private_bytes(a, &data) {
                Err(Error::InvalidLength { got, .. }) => assert_eq!(got, len),
                other => panic!("{a}: {other:?}"),
            }
        }
        for len in [0, 2 * n - 1, 2 * n + 1] {
            match VerifyingKey::from_bytes(a, &vec![7u8; len]) {
                Err(Error::InvalidLength { got, .. }) => assert_eq!(got, len),
                other => panic!("{a}: {other:?}"),
            }
        }
        let seed = vec![1u8; n];
        assert!(matches!(
            slhdsa::hazmat_keygen_internal(a, &seed, &seed, &seed[1..]),
            Err(Error::InvalidLength { .. })
        ));
    }
    for a in [SigAlgorithm::SlhDsaSha2_128f, SigAlgorithm::SlhDsaShake128f] {
        let key = SigningKey::generate(a).expect("generate");
        let raw = key.private_bytes().expect("raw");
        let n = raw.len() / 4;
        // A private key whose PK.root disagrees with its seeds.
        let mut wrong_root = raw.to_vec();
        wrong_root[4 * n - 1] ^= 1;
        assert!(matches!(
            SigningKey::from_private_bytes(a, &wrong_root),
            Err(Error::InvalidKey(_))
        ));
        let long_ctx = [0u8; 256];
        assert!(matches!(
            key.sign(b"m", &long_ctx, SigningMode::Hedged),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            slhdsa::hazmat_sign_pure(&key, b"m", &long_ctx, None),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            key.verifying_key().verify(b"m", &long_ctx, &[]),
            Err(Error::InvalidArgument(_))
        ));
        let seed = vec![1u8; n];
        assert!(matches!(
            slhdsa::hazmat_sign_internal(&key, b"m", Some(&seed[1..])),
            Err(Error::InvalidLength { .. })
        ));
        assert!(matches!(
            slhdsa::hazmat_sign_internal(&key, b"m", Some(&[seed.as_slice(), &[0]].concat())),
            Err(Error::InvalidLength { .. })
        ));
    }
    // hazmat functions refuse other families' keys instead of misbehaving.
    assert!(matches!(
        slhdsa::hazmat_keygen_internal(SigAlgorithm::MlDsa44, &[0; 16], &[0; 16], &[0; 16]),
        Err(Error::UnsupportedAlgorithm(_))
    ));
}

#[test]
fn prehash_names_round_trip() {
    for ph in PreHash::ALL {
        assert_eq!(PreHash::from_name(ph.name()), Ok(*ph));
    }
    assert!(PreHash::from_name("MD5").is_err());
    // FIPS 205 §10.2.2: SHAKE128 gives 256 bits, SHAKE256 512 bits.
    assert_eq!(PreHash::Shake128.digest(b"").len(), 32);
    assert_eq!(PreHash::Shake256.digest(b"").len(), 64);
}

#[test]
fn debug_is_redacted() {
    let key = slhdsa::hazmat_keygen_internal(
        SigAlgorithm::SlhDsaSha2_128f,
        &[0xAB; 16],
        &[0xCD; 16],
        &[0xEF; 16],
    )
    .expect("keygen");
    let inner = key
        .inner()
        .as_any()
        .downcast_ref::<slhdsa::SlhDsaSigningKey>()
        .expect("an SLH-DSA key");
    let text = format!("{key:?} {inner:?}");
    assert!(!text.to_lowercase().contains("abab"), "{text}");
    assert!(text.contains("redacted"));
}
