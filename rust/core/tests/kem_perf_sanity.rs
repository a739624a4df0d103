//! Conformance of the fast KEM paths (aws-lc X25519, libcrux unpacked ML-KEM) over external
//! vectors: Wycheproof X25519 and the NIST ACVP ML-KEM sets in `shared/vectors/` beside the work
//! tree (see `common::shared_vectors` for the overrides), plus the low-order X25519 behaviour of
//! X-Wing (no all-zero check) and X25519MLKEM768 (all-zero rejected).

// Test code: failing loudly is the point.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;
use common::shared_vectors;

use std::io::Read;

use pqpay_core::kem::mlkem::{MlKem1024, MlKem512, MlKem768};
use pqpay_core::kem::x25519::{self, X25519Kem};
use pqpay_core::kem::x25519mlkem768::X25519MlKem768;
use pqpay_core::kem::xwing::XWing;
use pqpay_core::kem::KemScheme;
use serde_json::Value;
use sha3::{Digest, Sha3_256};
use shake::{ExtendableOutput, Shake256, Update, XofReader};

fn load_json(rel: &str) -> Value {
    let path = shared_vectors().join(rel);
    let raw =
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let text = if rel.ends_with(".gz") {
        let mut s = String::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_string(&mut s)
            .expect("gunzip");
        s
    } else {
        String::from_utf8(raw).expect("utf-8")
    };
    serde_json::from_str(&text).expect("json")
}

fn h(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex string")).expect("hex")
}

#[test]
fn wycheproof_x25519() {
    let doc = load_json("wycheproof/testvectors_v1/x25519_test.json");
    let mut n = 0;
    for group in doc["testGroups"].as_array().unwrap() {
        for t in group["tests"].as_array().unwrap() {
            let id = &t["tcId"];
            let (sk, pk, want) = (h(&t["private"]), h(&t["public"]), h(&t["shared"]));
            // Every case here is "valid" or "acceptable": the only refusal is the all-zero one.
            let zero = want.iter().all(|&b| b == 0);
            let by_bytes = x25519::exchange(&sk, &pk);
            let by_key = X25519Kem::from_seed(&sk).unwrap().exchange(&pk);
            for got in [by_bytes, by_key] {
                match got {
                    Ok(ss) => {
                        assert!(!zero, "tc {id}: all-zero secret accepted");
                        assert_eq!(ss.as_slice(), want.as_slice(), "tc {id}");
                    }
                    Err(e) => {
                        assert!(zero, "tc {id}: rejected: {e}");
                        assert!(e.to_string().contains("all zeros"), "tc {id}: {e}");
                    }
                }
            }
            n += 1;
        }
    }
    assert_eq!(n, 518);
}

/// keyGen: seed d || z gives ek and dk.
#[test]
fn acvp_mlkem_keygen() {
    let doc = load_json("acvp/ML-KEM-keyGen-FIPS203/internalProjection.json.gz");
    let mut n = 0;
    for group in doc["testGroups"].as_array().unwrap() {
        let set = group["parameterSet"].as_str().unwrap();
        for t in group["tests"].as_array().unwrap() {
            let mut seed = h(&t["d"]);
            seed.extend_from_slice(&h(&t["z"]));
            let (ek, dk) = (h(&t["ek"]), h(&t["dk"]));
            let (got_ek, got_dk) = match set {
                "ML-KEM-512" => {
                    let k = MlKem512::from_seed(&seed).unwrap();
                    (
                        MlKem512::public_key_bytes(&MlKem512::public_key(&k)).to_vec(),
                        k.expanded_bytes().to_vec(),
                    )
                }
                "ML-KEM-768" => {
                    let k = MlKem768::from_seed(&seed).unwrap();
                    (
                        MlKem768::public_key_bytes(&MlKem768::public_key(&k)).to_vec(),
                        k.expanded_bytes().to_vec(),
                    )
                }
                "ML-KEM-1024" => {
                    let k = MlKem1024::from_seed(&seed).unwrap();
                    (
                        MlKem1024::public_key_bytes(&MlKem1024::public_key(&k)).to_vec(),
                        k.expanded_bytes().to_vec(),
                    )
                }
                other => panic!("unknown parameter set {other}"),
            };
            assert_eq!(got_ek, ek, "{set} tc {}", t["tcId"]);
            assert_eq!(got_dk, dk, "{set} tc {}", t["tcId"]);
            n += 1;
        }
    }
    assert_eq!(n, 75);
}

/// One parameter set's ACVP checks, through the typed API.
fn acvp_encap_decap<K: KemScheme>(
    group: &Value,
    from_expanded: impl Fn(&[u8]) -> pqpay_core::Result<K::DecapsulationKey>,
) -> usize {
    let function = group["function"].as_str().unwrap();
    let mut n = 0;
    for t in group["tests"].as_array().unwrap() {
        let id = &t["tcId"];
        match function {
            "encapsulation" => {
                // A key parsed from bytes (its unpacked form is made on first use), twice.
                let ek = K::public_key_from_bytes(&h(&t["ek"])).unwrap();
                for _ in 0..2 {
                    let (ss, ct) = K::encapsulate_derand(&ek, &h(&t["m"])).unwrap();
                    assert_eq!(ct, h(&t["c"]), "encaps tc {id}");
                    assert_eq!(ss.as_bytes(), h(&t["k"]).as_slice(), "encaps tc {id}");
                }
                let dk = from_expanded(&h(&t["dk"])).unwrap();
                assert_eq!(
                    K::decapsulate(&dk, &h(&t["c"])).unwrap().as_bytes(),
                    h(&t["k"]).as_slice()
                );
            }
            "decapsulation" => {
                // Includes modified ciphertexts: implicit rejection.
                let dk = from_expanded(&h(&t["dk"])).unwrap();
                let ss = K::decapsulate(&dk, &h(&t["c"])).unwrap();
                assert_eq!(
                    ss.as_bytes(),
                    h(&t["k"]).as_slice(),
                    "decaps tc {id} ({})",
                    t["reason"]
                );
            }
            "encapsulationKeyCheck" => {
                let ok = K::public_key_from_bytes(&h(&t["ek"])).is_ok();
                assert_eq!(
                    ok,
                    t["testPassed"].as_bool().unwrap(),
                    "ek check tc {id} ({})",
                    t["reason"]
                );
            }
            "decapsulationKeyCheck" => {
                let ok = from_expanded(&h(&t["dk"])).is_ok();
                assert_eq!(
                    ok,
                    t["testPassed"].as_bool().unwrap(),
                    "dk check tc {id} ({})",
                    t["reason"]
                );
            }
            other => panic!("unknown function {other}"),
        }
        n += 1;
    }
    n
}

#[test]
fn acvp_mlkem_encap_decap() {
    let mut n = 0;
    for file in [
        "acvp/ML-KEM-encapDecap-FIPS203/internalProjection.json.gz",
        "acvp/ML-KEM-encapDecap-FIPS203-tr1/internalProjection.json.gz",
    ] {
        let doc = load_json(file);
        for group in doc["testGroups"].as_array().unwrap() {
            n += match group["parameterSet"].as_str().unwrap() {
                "ML-KEM-512" => acvp_encap_decap::<MlKem512>(group, MlKem512::from_expanded),
                "ML-KEM-768" => acvp_encap_decap::<MlKem768>(group, MlKem768::from_expanded),
                "ML-KEM-1024" => acvp_encap_decap::<MlKem1024>(group, MlKem1024::from_expanded),
                other => panic!("unknown parameter set {other}"),
            };
        }
    }
    assert!(n >= 195, "only {n} ACVP cases");
}

/// A public key shared between threads unpacks once and encapsulates the same everywhere.
#[test]
fn parsed_public_key_is_shareable() {
    let dk = MlKem768::from_seed(&[9; 64]).unwrap();
    let bytes = MlKem768::public_key_bytes(&MlKem768::public_key(&dk)).to_vec();
    let ek = MlKem768::public_key_from_bytes(&bytes).unwrap();
    let want = MlKem768::encapsulate_derand(&MlKem768::public_key(&dk), &[1; 32]).unwrap();
    std::thread::scope(|s| {
        for _ in 0..4 {
            let ek = ek.clone();
            let (want, dk) = (&want, &dk);
            s.spawn(move || {
                let (ss, ct) = MlKem768::encapsulate_derand(&ek, &[1; 32]).unwrap();
                assert_eq!((&ss, &ct), (&want.0, &want.1));
                assert_eq!(MlKem768::decapsulate(dk, &ct).unwrap(), ss);
            });
        }
    });
}

/// u = 0: order 2, so X25519 gives all zeros for every scalar.
const LOW_ORDER_POINT: [u8; 32] = [0; 32];

#[test]
fn xwing_accepts_low_order_x25519_ciphertext() {
    let seed = [7u8; 32];
    let dk = XWing::from_seed(&seed).unwrap();
    let pk = XWing::public_key_bytes(&XWing::public_key(&dk)).to_vec();
    let (_, mut ct) = XWing::encapsulate_derand(&XWing::public_key(&dk), &[5; 64]).unwrap();
    ct[1088..].copy_from_slice(&LOW_ORDER_POINT);
    let ss = XWing::decapsulate(&dk, &ct).expect("X-Wing has no all-zero check");

    // The draft's combiner with ss_X = 0^32.
    let mut expanded = [0u8; 96];
    let mut xof = Shake256::default();
    xof.update(&seed);
    xof.finalize_xof().read(&mut expanded);
    let ss_m =
        MlKem768::decapsulate(&MlKem768::from_seed(&expanded[..64]).unwrap(), &ct[..1088]).unwrap();
    let mut hsh = Sha3_256::new();
    for part in [
        ss_m.as_bytes(),
        &[0u8; 32],
        &ct[1088..],
        &pk[1184..],
        b"\\.//^\\",
    ] {
        Digest::update(&mut hsh, part);
    }
    assert_eq!(ss.as_bytes(), hsh.finalize().as_slice());

    // Encapsulating to a low-order X25519 half also goes through.
    let mut bad_pk = pk.clone();
    bad_pk[1184..].copy_from_slice(&LOW_ORDER_POINT);
    let ek = XWing::public_key_from_bytes(&bad_pk).unwrap();
    assert!(XWing::encapsulate_derand(&ek, &[5; 64]).is_ok());
}

#[test]
fn x25519mlkem768_rejects_low_order_x25519_share() {
    let mut seed = vec![7u8; 64];
    seed.extend_from_slice(&[8u8; 32]);
    let dk = X25519MlKem768::from_seed(&seed).unwrap();
    let (_, mut ct) =
        X25519MlKem768::encapsulate_derand(&X25519MlKem768::public_key(&dk), &[5; 64]).unwrap();
    ct[1088..].copy_from_slice(&LOW_ORDER_POINT);
    let err = X25519MlKem768::decapsulate(&dk, &ct).unwrap_err();
    assert!(err.to_string().contains("all zeros"), "{err}");

    let mut bad_pk = X25519MlKem768::public_key_bytes(&X25519MlKem768::public_key(&dk)).to_vec();
    bad_pk[1184..].copy_from_slice(&LOW_ORDER_POINT);
    let ek = X25519MlKem768::public_key_from_bytes(&bad_pk).unwrap();
    assert!(X25519MlKem768::encapsulate_derand(&ek, &[5; 64]).is_err());
}
