//! HPKE known-answer tests and error-path tests.
//!
//! Vectors come from the `cryptography_vectors` Python package: `HPKE/test-vectors.json`
//! (RFC 9180) and `HPKE/hpke-pq-test-vectors.json` (draft-ietf-hpke-pq). Its directory is
//! `$CRYPTOGRAPHY_VECTORS_DIR`, else whatever `python3` reports; if neither works the test
//! fails rather than silently passing.
// Test code: a failed expectation should stop the test loudly.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use pqpay_core::hpke::{self, hazmat, Aead, Kdf, Suite};
use pqpay_core::kem::{DecapsulationKey, EncapsulationKey, KemAlgorithm};
use pqpay_core::Error;
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    mode: u8,
    kem_id: u16,
    kdf_id: u16,
    aead_id: u16,
    info: String,
    #[serde(rename = "ikmE")]
    ikm_e: String,
    #[serde(rename = "ikmR")]
    ikm_r: String,
    #[serde(rename = "skRm")]
    sk_rm: String,
    #[serde(rename = "pkRm")]
    pk_rm: String,
    enc: String,
    shared_secret: String,
    key: String,
    base_nonce: String,
    exporter_secret: String,
    encryptions: Vec<Encryption>,
    exports: Vec<Export>,
}

#[derive(Deserialize)]
struct Encryption {
    aad: String,
    ct: String,
    pt: String,
}

#[derive(Deserialize)]
struct Export {
    exporter_context: String,
    #[serde(rename = "L")]
    len: usize,
    exported_value: String,
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_else(|e| panic!("bad hex in vector: {e}"))
}

fn vectors_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CRYPTOGRAPHY_VECTORS_DIR") {
        return PathBuf::from(dir);
    }
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import cryptography_vectors,os;print(os.path.dirname(cryptography_vectors.__file__))",
        ])
        .output()
        .expect("neither CRYPTOGRAPHY_VECTORS_DIR is set nor python3 runnable");
    assert!(
        out.status.success(),
        "python3 could not import cryptography_vectors (set CRYPTOGRAPHY_VECTORS_DIR): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).expect("utf-8 path").trim())
}

fn load(name: &str) -> Vec<Vector> {
    let path = vectors_dir().join("HPKE").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
}

/// Per-suite tally, printed at the end.
#[derive(Default)]
struct Tally {
    ran: usize,
    passed: usize,
    encryptions: usize,
    exports: usize,
}

enum Outcome {
    Passed { encryptions: usize, exports: usize },
    Skipped(String),
    Failed(String),
}

fn label(v: &Vector) -> String {
    format!(
        "kem {:#06x} kdf {:#06x} aead {:#06x}",
        v.kem_id, v.kdf_id, v.aead_id
    )
}

/// The NIST-curve hybrids are being written in `kem/nist_hybrid.rs`; until `from_seed` works
/// their vectors are reported as skipped, and only for exactly that reason.
fn pending_hybrid(alg: KemAlgorithm, err: &Error) -> bool {
    matches!(
        alg,
        KemAlgorithm::MlKem768P256 | KemAlgorithm::MlKem1024P384
    ) && matches!(err, Error::UnsupportedAlgorithm(_))
}

macro_rules! check_eq {
    ($what:expr, $got:expr, $want:expr) => {
        if $got != $want {
            return Outcome::Failed(format!(
                "{} mismatch: got {}, want {}",
                $what,
                hex::encode(&$got),
                hex::encode(&$want)
            ));
        }
    };
}

macro_rules! check_ok {
    ($what:expr, $res:expr) => {
        match $res {
            Ok(v) => v,
            Err(e) => return Outcome::Failed(format!("{}: {e:?}", $what)),
        }
    };
}

fn run_vector(v: &Vector) -> Outcome {
    let suite = match Suite::from_ids(v.kem_id, v.kdf_id, v.aead_id) {
        Ok(s) => s,
        Err(Error::UnsupportedAlgorithm(m)) => {
            return Outcome::Skipped(format!("not offered: {m}"))
        }
        Err(e) => return Outcome::Failed(format!("Suite::from_ids: {e:?}")),
    };

    // DeriveKeyPair(ikmR) -> skRm, pkRm.
    let sk = match suite.derive_key_pair(&unhex(&v.ikm_r)) {
        Ok(sk) => sk,
        Err(e) if pending_hybrid(suite.kem(), &e) => {
            return Outcome::Skipped(format!(
                "{} not implemented yet (from_seed: {e})",
                suite.kem().name()
            ))
        }
        Err(e) => return Outcome::Failed(format!("derive_key_pair: {e:?}")),
    };
    check_eq!("skRm", sk.seed().unwrap_or_default(), unhex(&v.sk_rm));
    let pk = sk.public_key();
    check_eq!("pkRm", pk.as_bytes(), unhex(&v.pk_rm));
    let pk_parsed = check_ok!(
        "parse pkRm",
        EncapsulationKey::from_bytes(suite.kem(), &unhex(&v.pk_rm))
    );

    // Encap with the vector's ikmE, Decap, key schedule.
    let info = unhex(&v.info);
    let ikm_e = unhex(&v.ikm_e);
    let (ss, enc) = check_ok!("encap_derand", hazmat::encap_derand(&pk_parsed, &ikm_e));
    check_eq!("enc", enc, unhex(&v.enc));
    check_eq!(
        "shared_secret (sender)",
        ss.as_bytes(),
        unhex(&v.shared_secret)
    );
    let ss_r = check_ok!("decap", hazmat::decap(&enc, &sk));
    check_eq!(
        "shared_secret (recipient)",
        ss_r.as_bytes(),
        unhex(&v.shared_secret)
    );
    let ks = check_ok!("key_schedule", hazmat::key_schedule(&suite, &ss, &info));
    check_eq!("key", ks.key(), unhex(&v.key));
    check_eq!("base_nonce", ks.base_nonce(), unhex(&v.base_nonce));
    check_eq!(
        "exporter_secret",
        ks.exporter_secret(),
        unhex(&v.exporter_secret)
    );

    // The public API end to end.
    let (enc_s, mut sender) = check_ok!(
        "setup_sender_derand",
        suite.setup_sender_derand(&pk_parsed, &info, &ikm_e)
    );
    check_eq!("enc (setup_sender_derand)", enc_s, unhex(&v.enc));
    let mut receiver = check_ok!("setup_receiver", suite.setup_receiver(&enc_s, &sk, &info));
    for (i, e) in v.encryptions.iter().enumerate() {
        let (aad, pt, ct) = (unhex(&e.aad), unhex(&e.pt), unhex(&e.ct));
        let got = check_ok!(format!("seal #{i}"), sender.seal(&aad, &pt));
        check_eq!(format!("ct #{i}"), got, ct);
        let opened = check_ok!(format!("open #{i}"), receiver.open(&aad, &ct));
        check_eq!(format!("pt #{i}"), opened, pt);
    }
    if suite.aead() == Aead::ExportOnly {
        match sender.seal(b"", b"x") {
            Err(Error::UnsupportedAlgorithm(_)) => {}
            other => return Outcome::Failed(format!("export-only seal gave {other:?}")),
        }
    }
    for (i, x) in v.exports.iter().enumerate() {
        let ctx = unhex(&x.exporter_context);
        let want = unhex(&x.exported_value);
        let got_s = check_ok!(format!("sender export #{i}"), sender.export(&ctx, x.len));
        check_eq!(format!("sender export #{i}"), got_s, want);
        let got_r = check_ok!(
            format!("receiver export #{i}"),
            receiver.export(&ctx, x.len)
        );
        check_eq!(format!("receiver export #{i}"), got_r, want);
    }
    Outcome::Passed {
        encryptions: v.encryptions.len(),
        exports: v.exports.len(),
    }
}

fn run_file(name: &str) -> (usize, usize) {
    let vectors = load(name);
    let mut tallies: BTreeMap<(u16, u16, u16), Tally> = BTreeMap::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    let mut other_modes = 0usize;
    for v in &vectors {
        if v.mode != 0 {
            // Base mode only; PSK and Auth vectors are out of scope.
            other_modes += 1;
            continue;
        }
        match run_vector(v) {
            Outcome::Passed {
                encryptions,
                exports,
            } => {
                let t = tallies.entry((v.kem_id, v.kdf_id, v.aead_id)).or_default();
                t.ran += 1;
                t.passed += 1;
                t.encryptions += encryptions;
                t.exports += exports;
            }
            Outcome::Skipped(why) => skipped.push(format!("{}: {why}", label(v))),
            Outcome::Failed(why) => {
                tallies
                    .entry((v.kem_id, v.kdf_id, v.aead_id))
                    .or_default()
                    .ran += 1;
                failures.push(format!("{}: {why}", label(v)));
            }
        }
    }
    println!(
        "== {name}: {} vectors, {other_modes} not base mode",
        vectors.len()
    );
    for ((kem, kdf, aead), t) in &tallies {
        println!(
            "  kem {kem:#06x} kdf {kdf:#06x} aead {aead:#06x}: ran {}, passed {} ({} encryptions, {} exports)",
            t.ran, t.passed, t.encryptions, t.exports
        );
    }
    for s in &skipped {
        println!("  skipped {s}");
    }
    for f in &failures {
        println!("  FAILED {f}");
    }
    assert!(
        failures.is_empty(),
        "{name}: {} vector(s) failed",
        failures.len()
    );
    let passed = tallies.values().map(|t| t.passed).sum();
    (passed, skipped.len())
}

#[test]
fn rfc9180_vectors() {
    let (passed, _) = run_file("test-vectors.json");
    // The mode-0 DHKEM(X25519) entries: HKDF-SHA256/-SHA512 x 3 AEADs + export-only.
    assert!(
        passed >= 8,
        "only {passed} RFC 9180 base-mode X25519 vectors ran"
    );
}

#[test]
fn hpke_pq_vectors() {
    let (passed, _) = run_file("hpke-pq-test-vectors.json");
    // ML-KEM x3 and X-Wing x2 at least (the NIST hybrids may still be skipped).
    assert!(passed >= 5, "only {passed} draft-ietf-hpke-pq vectors ran");
}

// ---- Error paths and round trips ------------------------------------------------------------

fn key(suite: &Suite, fill: u8) -> Option<DecapsulationKey> {
    match suite.derive_key_pair(&[fill; 64]) {
        Ok(k) => Some(k),
        Err(e) if pending_hybrid(suite.kem(), &e) => None,
        Err(e) => panic!("derive_key_pair for {}: {e:?}", suite.kem().name()),
    }
}

fn hpke_kems() -> Vec<KemAlgorithm> {
    KemAlgorithm::ALL
        .iter()
        .copied()
        .filter(|&k| hpke::kem_id(k).is_ok())
        .collect()
}

#[test]
fn round_trip_every_kem_kdf_aead() {
    for kem in hpke_kems() {
        for &kdf in Kdf::ALL {
            for &aead in Aead::ALL {
                let suite = Suite::new(kem, kdf, aead).expect("suite");
                let Some(sk) = key(&suite, 0x42) else {
                    continue;
                };
                let (enc, mut s) = suite
                    .setup_sender(&sk.public_key(), b"info")
                    .expect("sender");
                let mut r = suite.setup_receiver(&enc, &sk, b"info").expect("receiver");
                assert_eq!(
                    s.export(b"ctx", 42).expect("export"),
                    r.export(b"ctx", 42).expect("export")
                );
                if aead == Aead::ExportOnly {
                    continue;
                }
                for i in 0..3u8 {
                    let ct = s.seal(&[i], b"payment").expect("seal");
                    assert_eq!(r.open(&[i], &ct).expect("open"), b"payment");
                }
                let (enc, ct) = suite
                    .seal(&sk.public_key(), b"i", b"a", b"single shot")
                    .expect("single-shot seal");
                assert_eq!(
                    suite
                        .open(&enc, &sk, b"i", b"a", &ct)
                        .expect("single-shot open"),
                    b"single shot"
                );
            }
        }
    }
}

#[test]
fn tampering_gives_invalid_tag() {
    let suites = [
        (KemAlgorithm::X25519, Kdf::HkdfSha256, Aead::Aes128Gcm),
        (
            KemAlgorithm::MlKem768,
            Kdf::Shake256,
            Aead::ChaCha20Poly1305,
        ),
        (KemAlgorithm::XWing, Kdf::HkdfSha512, Aead::Aes256Gcm),
        (KemAlgorithm::MlKem1024, Kdf::Shake128, Aead::Aes256Gcm),
    ];
    for (kem, kdf, aead) in suites {
        let suite = Suite::new(kem, kdf, aead).expect("suite");
        let sk = key(&suite, 1).expect("key");
        let pk = sk.public_key();
        let (enc, ct) = suite
            .seal(&pk, b"info", b"aad", b"amount=100")
            .expect("seal");
        assert_eq!(
            suite.open(&enc, &sk, b"info", b"aad", &ct).expect("open"),
            b"amount=100"
        );

        let mut bad = ct.clone();
        bad[0] ^= 1;
        assert_eq!(
            suite.open(&enc, &sk, b"info", b"aad", &bad),
            Err(Error::InvalidTag)
        );
        let mut bad = ct.clone();
        *bad.last_mut().expect("tag") ^= 0x80;
        assert_eq!(
            suite.open(&enc, &sk, b"info", b"aad", &bad),
            Err(Error::InvalidTag)
        );
        assert_eq!(
            suite.open(&enc, &sk, b"info", b"aad", &ct[..ct.len() - 1]),
            Err(Error::InvalidTag)
        );
        assert_eq!(
            suite.open(&enc, &sk, b"info", b"aad", &[]),
            Err(Error::InvalidTag)
        );
        assert_eq!(
            suite.open(&enc, &sk, b"info", b"AAD", &ct),
            Err(Error::InvalidTag)
        );
        assert_eq!(
            suite.open(&enc, &sk, b"other", b"aad", &ct),
            Err(Error::InvalidTag)
        );

        // A tampered enc: ML-KEM rejects implicitly (a different secret), so the tag fails.
        // For X25519 the flipped point may also be rejected as low order; both are failures.
        let mut bad_enc = enc.clone();
        bad_enc[3] ^= 4;
        match suite.open(&bad_enc, &sk, b"info", b"aad", &ct) {
            Err(Error::InvalidTag) | Err(Error::InvalidKey(_)) => {}
            other => panic!("tampered enc for {}: {other:?}", kem.name()),
        }
        // Out of order: the second message cannot be opened first.
        let (enc, mut s) = suite.setup_sender(&pk, b"").expect("sender");
        let _first = s.seal(b"", b"1").expect("seal");
        let second = s.seal(b"", b"2").expect("seal");
        let mut r = suite.setup_receiver(&enc, &sk, b"").expect("receiver");
        assert_eq!(r.open(b"", &second), Err(Error::InvalidTag));
    }
}

#[test]
fn wrong_key_algorithm_is_invalid_key() {
    let suite =
        Suite::new(KemAlgorithm::MlKem768, Kdf::HkdfSha256, Aead::Aes128Gcm).expect("suite");
    let other = Suite::new(KemAlgorithm::XWing, Kdf::HkdfSha256, Aead::Aes128Gcm).expect("suite");
    let sk_other = key(&other, 2).expect("key");
    let sk = key(&suite, 2).expect("key");

    let err = suite
        .setup_sender(&sk_other.public_key(), b"")
        .expect_err("must refuse");
    match &err {
        Error::InvalidKey(m) => assert!(m.contains("X-Wing") && m.contains("ML-KEM-768"), "{m}"),
        other => panic!("expected InvalidKey, got {other:?}"),
    }
    assert!(matches!(
        suite.setup_sender_derand(&sk_other.public_key(), b"", &[0; 32]),
        Err(Error::InvalidKey(_))
    ));
    assert!(matches!(
        suite.seal(&sk_other.public_key(), b"", b"", b"x"),
        Err(Error::InvalidKey(_))
    ));

    let (enc, _) = suite.setup_sender(&sk.public_key(), b"").expect("sender");
    assert!(matches!(
        suite.setup_receiver(&enc, &sk_other, b""),
        Err(Error::InvalidKey(_))
    ));

    // Wrong-size enc is a length error, not a panic.
    assert!(matches!(
        suite.setup_receiver(&enc[..10], &sk, b""),
        Err(Error::InvalidLength { .. })
    ));
}

#[test]
fn export_length_limits() {
    for &kdf in Kdf::ALL {
        let suite = Suite::new(KemAlgorithm::X25519, kdf, Aead::ExportOnly).expect("suite");
        let sk = key(&suite, 3).expect("key");
        let (enc, s) = suite.setup_sender(&sk.public_key(), b"").expect("sender");
        let r = suite.setup_receiver(&enc, &sk, b"").expect("receiver");
        let max = kdf.max_export_len();
        let expected_max = if kdf.is_one_stage() {
            65535
        } else {
            255 * kdf.nh()
        };
        assert_eq!(max, expected_max, "{}", kdf.name());
        assert_eq!(s.export(b"c", max).expect("max export").len(), max);
        assert_eq!(s.export(b"c", 0).expect("empty export").len(), 0);
        for ctx_res in [s.export(b"c", max + 1), r.export(b"c", max + 1)] {
            match ctx_res {
                Err(Error::InvalidArgument(m)) => {
                    assert!(
                        m.contains(&max.to_string()),
                        "message should state the maximum: {m}"
                    )
                }
                other => panic!("{}: expected InvalidArgument, got {other:?}", kdf.name()),
            }
        }
    }
}

#[test]
fn export_only_refuses_seal_and_open() {
    let suite = Suite::new(KemAlgorithm::MlKem512, Kdf::Shake128, Aead::ExportOnly).expect("suite");
    let sk = key(&suite, 4).expect("key");
    let pk = sk.public_key();
    for res in [
        suite.seal(&pk, b"", b"", b"x").map(|_| ()),
        suite
            .open(&[0u8; 768], &sk, b"", b"", &[0u8; 32])
            .map(|_| ()),
    ] {
        match res {
            Err(Error::UnsupportedAlgorithm(m)) => assert!(m.contains("export-only"), "{m}"),
            other => panic!("expected UnsupportedAlgorithm, got {other:?}"),
        }
    }
    let (enc, mut s) = suite.setup_sender(&pk, b"").expect("sender");
    let mut r = suite.setup_receiver(&enc, &sk, b"").expect("receiver");
    assert!(matches!(
        s.seal(b"", b"x"),
        Err(Error::UnsupportedAlgorithm(_))
    ));
    assert!(matches!(
        r.open(b"", &[0; 16]),
        Err(Error::UnsupportedAlgorithm(_))
    ));
}

#[test]
fn identifiers() {
    for (id, want) in [
        (0x0020, KemAlgorithm::X25519),
        (0x0040, KemAlgorithm::MlKem512),
        (0x0041, KemAlgorithm::MlKem768),
        (0x0042, KemAlgorithm::MlKem1024),
        (0x0050, KemAlgorithm::MlKem768P256),
        (0x0051, KemAlgorithm::MlKem1024P384),
        (0x647a, KemAlgorithm::XWing),
    ] {
        assert_eq!(hpke::kem_from_id(id).expect("known id"), want);
        assert_eq!(hpke::kem_id(want).expect("has id"), id);
    }
    assert!(matches!(
        hpke::kem_id(KemAlgorithm::X25519MlKem768),
        Err(Error::UnsupportedAlgorithm(_))
    ));
    assert!(matches!(
        Suite::new(
            KemAlgorithm::X25519MlKem768,
            Kdf::HkdfSha256,
            Aead::Aes128Gcm
        ),
        Err(Error::UnsupportedAlgorithm(_))
    ));
    for &k in Kdf::ALL {
        assert_eq!(Kdf::from_id(k.id()).expect("kdf"), k);
    }
    for &a in Aead::ALL {
        assert_eq!(Aead::from_id(a.id()).expect("aead"), a);
    }
    for (res, hexid) in [
        (Suite::from_ids(0x0010, 1, 1).map(|_| ()), "0x0010"),
        (Suite::from_ids(0x0020, 0x0012, 1).map(|_| ()), "0x0012"),
        (Suite::from_ids(0x0020, 1, 0x0004).map(|_| ()), "0x0004"),
    ] {
        match res {
            Err(Error::UnsupportedAlgorithm(m)) => assert!(m.contains(hexid), "{m}"),
            other => panic!("expected UnsupportedAlgorithm, got {other:?}"),
        }
    }
    let suite = Suite::from_ids(0x647a, 0x0011, 0x0003).expect("suite");
    assert_eq!(suite.suite_id(), *b"HPKE\x64\x7a\x00\x11\x00\x03");
}

#[test]
fn one_stage_info_limit_is_an_error() {
    let suite = Suite::new(KemAlgorithm::X25519, Kdf::Shake256, Aead::Aes128Gcm).expect("suite");
    let sk = key(&suite, 5).expect("key");
    let info = vec![0u8; 65536];
    assert!(matches!(
        suite.setup_sender(&sk.public_key(), &info),
        Err(Error::InvalidArgument(_))
    ));
    // Two-stage KDFs have no practical limit.
    let suite = Suite::new(KemAlgorithm::X25519, Kdf::HkdfSha256, Aead::Aes128Gcm).expect("suite");
    assert!(suite.setup_sender(&sk.public_key(), &info).is_ok());
}

#[test]
fn contexts_redact_debug() {
    let suite = Suite::new(KemAlgorithm::X25519, Kdf::HkdfSha256, Aead::Aes128Gcm).expect("suite");
    let sk = key(&suite, 6).expect("key");
    let (enc, s) = suite.setup_sender(&sk.public_key(), b"").expect("sender");
    let r = suite.setup_receiver(&enc, &sk, b"").expect("receiver");
    let ks = hazmat::key_schedule(&suite, &hazmat::decap(&enc, &sk).expect("decap"), b"")
        .expect("key schedule");
    let text = format!("{s:?} {r:?} {ks:?}");
    assert!(text.contains("redacted"), "{text}");
    assert!(!text.contains(&hex::encode(ks.key())), "{text}");
    assert!(!text.contains(&format!("{:?}", ks.key())), "{text}");
}
