//! MLKEM768-P256 (0x0050) and MLKEM1024-P384 (0x0051): the encapsulation-randomness rule and
//! rejection of malformed keys and ciphertexts. The draft-ietf-hpke-pq known answers run in
//! `hpke_vectors.rs`; the crafted cases here reuse those vectors' recipient keys, read from the
//! `cryptography_vectors` package (never copied into the repository).

// Test code: failing loudly is the point.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use pqpay_core::kem::mlkem::{MlKem1024, MlKem768};
use pqpay_core::kem::nist_hybrid::{MlKem1024P384, MlKem768P256};
use pqpay_core::kem::{DecapsulationKey, KemAlgorithm, KemScheme};
use pqpay_core::Error;
use sha3::{Digest, Sha3_256};
use shake::{ExtendableOutput, Shake256, Update, XofReader};

struct Crafted {
    kem_id: u16,
    name: &'static str,
    randomness: &'static str,
    /// (ct_T, ECDH x-coordinate)
    expected: Option<(&'static str, &'static str)>,
}

/// `skRm` of the hpke-pq vector for `kem_id`, from the installed `cryptography_vectors`.
fn package_recipient_seed(kem_id: u16) -> Vec<u8> {
    let dir = match std::env::var_os("CRYPTOGRAPHY_VECTORS_DIR") {
        Some(d) => std::path::PathBuf::from(d),
        None => {
            let out = std::process::Command::new("python3")
                .args([
                    "-c",
                    "import cryptography_vectors,os;print(os.path.dirname(cryptography_vectors.__file__))",
                ])
                .output()
                .expect("python3 with cryptography_vectors (or CRYPTOGRAPHY_VECTORS_DIR)");
            assert!(
                out.status.success(),
                "cryptography_vectors is not importable"
            );
            std::path::PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
        }
    };
    let text = std::fs::read_to_string(dir.join("HPKE/hpke-pq-test-vectors.json")).unwrap();
    let all: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let v = all
        .iter()
        .find(|v| v["kem_id"] == u64::from(kem_id))
        .expect("a vector for this KEM");
    h(v["skRm"].as_str().unwrap())
}

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).expect("valid hex in test data")
}

/// (ML-KEM public key length, ML-KEM ciphertext length, EC point length, label) of `kem_id`.
fn layout(kem_id: u16) -> (usize, usize, usize, &'static [u8]) {
    match kem_id {
        0x0050 => (1184, 1088, 65, b"MLKEM768-P256"),
        0x0051 => (1568, 1568, 97, b"MLKEM1024-P384"),
        other => panic!("unexpected kem_id {other:#06x}"),
    }
}

#[test]
fn sizes_match_the_draft() {
    // HPKE (Nsecret, Nenc, Npk, Nsk) and the ikmE length of the vectors.
    let s = MlKem768P256::SIZES;
    assert_eq!(
        (
            s.shared_secret,
            s.ciphertext,
            s.public_key,
            s.seed,
            s.encaps_randomness
        ),
        (32, 1153, 1249, 32, 128)
    );
    let s = MlKem1024P384::SIZES;
    assert_eq!(
        (
            s.shared_secret,
            s.ciphertext,
            s.public_key,
            s.seed,
            s.encaps_randomness
        ),
        (32, 1665, 1665, 32, 80)
    );
    assert_eq!(KemAlgorithm::MlKem768P256.sizes(), MlKem768P256::SIZES);
    assert_eq!(KemAlgorithm::MlKem1024P384.sizes(), MlKem1024P384::SIZES);
}

/// The construction, recomputed from the parts: ML-KEM half from `SHAKE256(seed)[..64]`, EC share
/// last in pk and ct, combiner `SHA3-256(ss_PQ || ss_T || ct_T || ek_T || label)`.
fn check_crafted<K: KemScheme, Pq: KemScheme>(c: &Crafted) {
    let (pq_pk, pq_ct, _, label) = layout(c.kem_id);
    let dk = K::from_seed(&package_recipient_seed(c.kem_id)).unwrap();
    let ek = K::public_key(&dk);
    let randomness = h(c.randomness);
    let result = K::encapsulate_derand(&ek, &randomness);
    let Some((ct_t, ss_t)) = c.expected else {
        match result {
            Err(Error::InvalidArgument(msg)) => {
                assert!(msg.contains("no valid ephemeral"), "{}: {msg}", c.name)
            }
            other => panic!(
                "{}: expected every candidate to be rejected, got {other:?}",
                c.name
            ),
        }
        return;
    };
    let (ss, ct) = result.unwrap();
    assert_eq!(ct[pq_ct..], h(ct_t), "{}: ct_T", c.name);

    let mut expanded = [0u8; 64];
    let mut x = Shake256::default();
    x.update(&package_recipient_seed(c.kem_id));
    x.finalize_xof().read(&mut expanded);
    let dk_pq = Pq::from_seed(&expanded).unwrap();
    assert_eq!(
        Pq::public_key_bytes(&Pq::public_key(&dk_pq)),
        &K::public_key_bytes(&ek)[..pq_pk]
    );
    let (ss_pq_enc, ct_pq) =
        Pq::encapsulate_derand(&Pq::public_key(&dk_pq), &randomness[..32]).unwrap();
    assert_eq!(
        ct[..pq_ct],
        ct_pq,
        "{}: ct_PQ uses the first 32 bytes as m",
        c.name
    );
    let ss_pq = Pq::decapsulate(&dk_pq, &ct[..pq_ct]).unwrap();
    assert_eq!(ss_pq, ss_pq_enc);

    let mut hasher = Sha3_256::new();
    Digest::update(&mut hasher, ss_pq.as_bytes());
    Digest::update(&mut hasher, h(ss_t));
    Digest::update(&mut hasher, h(ct_t));
    Digest::update(&mut hasher, &K::public_key_bytes(&ek)[pq_pk..]);
    Digest::update(&mut hasher, label);
    assert_eq!(
        ss.as_bytes(),
        hasher.finalize().as_slice(),
        "{}: combiner",
        c.name
    );
    assert_eq!(
        K::decapsulate(&dk, &ct).unwrap(),
        ss,
        "{}: decapsulation",
        c.name
    );
}

#[test]
fn ephemeral_scalar_rejection_sampling() {
    assert_eq!(CRAFTED.len(), 6);
    for c in CRAFTED {
        match c.kem_id {
            0x0050 => check_crafted::<MlKem768P256, MlKem768>(c),
            _ => check_crafted::<MlKem1024P384, MlKem1024>(c),
        }
    }
}

fn round_trip<K: KemScheme>() {
    for _ in 0..4 {
        let dk = K::generate().unwrap();
        let ek = K::public_key_from_bytes(K::public_key_bytes(&K::public_key(&dk))).unwrap();
        let (ss, ct) = K::encapsulate(&ek).unwrap();
        assert_eq!(ct.len(), K::SIZES.ciphertext);
        assert_eq!(ss.as_bytes().len(), 32);
        assert_eq!(K::decapsulate(&dk, &ct).unwrap(), ss);
        let again = K::from_seed(K::seed(&dk).unwrap()).unwrap();
        assert_eq!(
            K::public_key_bytes(&K::public_key(&again)),
            K::public_key_bytes(&ek)
        );
    }
}

#[test]
fn random_round_trips() {
    round_trip::<MlKem768P256>();
    round_trip::<MlKem1024P384>();
}

fn expect_length_error<T>(r: pqpay_core::Result<T>, want: usize, got: usize) {
    match r.map(|_| ()) {
        Err(Error::InvalidLength {
            expected, got: g, ..
        }) => {
            assert_eq!(expected, want.to_string());
            assert_eq!(g, got);
        }
        other => panic!("expected InvalidLength, got {other:?}"),
    }
}

fn wrong_lengths<K: KemScheme>() {
    let s = K::SIZES;
    for n in [0, s.seed - 1, s.seed + 1, 64] {
        expect_length_error(K::from_seed(&vec![7u8; n]), s.seed, n);
    }
    let dk = K::from_seed(&[7u8; 32]).unwrap();
    let ek = K::public_key(&dk);
    let pk = K::public_key_bytes(&ek).to_vec();
    for n in [0, s.public_key - 1, s.public_key + 1] {
        let mut bad = pk.clone();
        bad.resize(n, 4);
        expect_length_error(K::public_key_from_bytes(&bad), s.public_key, n);
    }
    let (_, ct) = K::encapsulate(&ek).unwrap();
    for n in [0, s.ciphertext - 1, s.ciphertext + 1] {
        let mut bad = ct.clone();
        bad.resize(n, 4);
        expect_length_error(K::decapsulate(&dk, &bad), s.ciphertext, n);
    }
    for n in [0, 32, s.encaps_randomness - 1, s.encaps_randomness + 1, 160] {
        expect_length_error(
            K::encapsulate_derand(&ek, &vec![0x42u8; n]),
            s.encaps_randomness,
            n,
        );
    }
}

#[test]
fn wrong_lengths_are_rejected() {
    wrong_lengths::<MlKem768P256>();
    wrong_lengths::<MlKem1024P384>();
}

/// Points of the right length that are not acceptable, with the phrase the error must contain.
fn bad_points(kem_id: u16, valid: &[u8]) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let (_, _, n, _) = layout(kem_id);
    let coord = (n - 1) / 2;
    let p: Vec<u8> = match kem_id {
        0x0050 => h("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"),
        _ => h(concat!(
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe",
            "ffffffff0000000000000000ffffffff"
        )),
    };
    let mut off_curve = valid.to_vec();
    off_curve[n - 1] ^= 1;
    let mut zero_xy = vec![0u8; n];
    zero_xy[0] = 4;
    let mut identity = vec![0u8; n];
    identity[0] = 0;
    let mut compressed = valid.to_vec();
    compressed[0] = 2 + (valid[n - 1] & 1);
    let mut hybrid_tag = valid.to_vec();
    hybrid_tag[0] = 6 + (valid[n - 1] & 1);
    // x = p is not reduced; keep y from the valid point.
    let mut unreduced = valid.to_vec();
    unreduced[1..1 + coord].copy_from_slice(&p);
    vec![
        ("off-curve (y flipped)", off_curve, "not a point on"),
        ("(0, 0)", zero_xy, "not a point on"),
        ("identity tag 0x00", identity, "identity"),
        ("compressed tag", compressed, "uncompressed"),
        ("hybrid tag", hybrid_tag, "uncompressed"),
        ("x = p", unreduced, "not a point on"),
    ]
}

fn malformed_points<K: KemScheme>(kem_id: u16) {
    let (pq_pk, pq_ct, n, _) = layout(kem_id);
    let dk = K::from_seed(&[9u8; 32]).unwrap();
    let ek = K::public_key(&dk);
    let pk = K::public_key_bytes(&ek).to_vec();
    let (ss, ct) = K::encapsulate(&ek).unwrap();
    assert_eq!(pk.len(), pq_pk + n);
    assert_eq!(ct.len(), pq_ct + n);

    for (name, point, phrase) in bad_points(kem_id, &pk[pq_pk..]) {
        let mut bad_pk = pk.clone();
        bad_pk[pq_pk..].copy_from_slice(&point);
        match K::public_key_from_bytes(&bad_pk) {
            Err(Error::InvalidKey(msg)) => {
                assert!(msg.contains(phrase), "pk {name}: {msg}");
                assert!(msg.contains("share (bytes"), "pk {name}: {msg}");
            }
            Err(other) => panic!("pk {name}: expected InvalidKey, got {other:?}"),
            Ok(_) => panic!("pk {name}: accepted"),
        }
    }
    for (name, point, phrase) in bad_points(kem_id, &ct[pq_ct..]) {
        let mut bad_ct = ct.clone();
        bad_ct[pq_ct..].copy_from_slice(&point);
        match K::decapsulate(&dk, &bad_ct) {
            Err(Error::InvalidCiphertext(msg)) => {
                assert!(msg.contains(phrase), "ct {name}: {msg}");
                assert!(msg.contains("share (bytes"), "ct {name}: {msg}");
            }
            other => panic!("ct {name}: expected InvalidCiphertext, got {other:?}"),
        }
    }

    // A different valid point (the public key's own) decapsulates to a different secret.
    let mut other_ct = ct.clone();
    other_ct[pq_ct..].copy_from_slice(&pk[pq_pk..]);
    assert_ne!(K::decapsulate(&dk, &other_ct).unwrap(), ss);
    // A tampered ML-KEM half gives implicit rejection, not an error.
    let mut tampered = ct.clone();
    tampered[0] ^= 1;
    assert_ne!(K::decapsulate(&dk, &tampered).unwrap(), ss);

    // ML-KEM half failing the FIPS 203 modulus check (first coefficient 0xfff >= q).
    let mut bad_pq = pk.clone();
    bad_pq[0] = 0xff;
    bad_pq[1] |= 0x0f;
    match K::public_key_from_bytes(&bad_pq) {
        Err(Error::InvalidKey(msg)) => assert!(msg.contains("modulus"), "{msg}"),
        other => panic!("ML-KEM modulus check: {:?}", other.map(|_| ())),
    }
}

#[test]
fn malformed_points_are_rejected() {
    malformed_points::<MlKem768P256>(0x0050);
    malformed_points::<MlKem1024P384>(0x0051);
}

#[test]
fn debug_output_has_no_secrets() {
    let seed = [0xabu8; 32];
    let dk = MlKem768P256::from_seed(&seed).unwrap();
    let text = format!("{dk:?} {:?}", MlKem768P256::public_key(&dk));
    assert!(!text.contains("abab"), "{text}");
    assert!(text.contains("redacted"), "{text}");
    let dk = MlKem1024P384::from_seed(&seed).unwrap();
    let text = format!("{dk:?}");
    assert!(
        !text.contains("abab") && text.contains("redacted"),
        "{text}"
    );
    let any = DecapsulationKey::from_seed(KemAlgorithm::MlKem1024P384, &seed).unwrap();
    assert!(!format!("{any:?}").contains("abab"));
}

/// Encapsulations with crafted `RandomScalar` inputs; expected `ct_T` and ECDH x-coordinate computed
/// independently (Python, pyca/cryptography ECDH). The key is the first vector's `skRm` for the KEM;
/// `m` is 32 bytes of 0x11. `None` means every candidate must be rejected.
const CRAFTED: &[Crafted] = &[
    Crafted {
        kem_id: 0x0050,
        name: "ff_then_good_then_zero",
        randomness: concat!(
            "1111111111111111111111111111111111111111111111111111111111111111ffffffffffffffffffffffffffffffff",
            "ffffffffffffffffffffffffffffffffdb16c3e44fb903c6f380b0c9f5a84d466a392084be5be5856e44913db4b88c2f",
            "0000000000000000000000000000000000000000000000000000000000000000",
        ),
        expected: Some((
            concat!(
                "04d87fab440639ed1260a20062c7b60130c9f479b92ccb1edcf6a3951126caaeee7b9c0c7f8270bf6c981fe5138f4a88",
                "c9fbe4ba9d26dabdf6d601b36ae2afa71c",
            ),
            "e8b1c9fd4ad4b8c6c7961e780794902b1f708ae46b191a74116e2772482a0df8",
        )),
    },
    Crafted {
        kem_id: 0x0050,
        name: "zero_then_order_then_order_minus_1",
        randomness: concat!(
            "111111111111111111111111111111111111111111111111111111111111111100000000000000000000000000000000",
            "00000000000000000000000000000000ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
            "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550",
        ),
        expected: Some((
            concat!(
                "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296b01cbd1c01e58065711814b583f061",
                "e9d431cca994cea1313449bf97c840ae0a",
            ),
            "807101b696947999ab4fb348c748b3127f0b8caa3c9d641d7b5488e8dc762b8e",
        )),
    },
    Crafted {
        kem_id: 0x0050,
        name: "all_rejected",
        randomness: concat!(
            "1111111111111111111111111111111111111111111111111111111111111111ffffffffffffffffffffffffffffffff",
            "ffffffffffffffffffffffffffffffff0000000000000000000000000000000000000000000000000000000000000000",
            "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
        ),
        expected: None,
    },
    Crafted {
        kem_id: 0x0051,
        name: "order_minus_1",
        randomness: concat!(
            "1111111111111111111111111111111111111111111111111111111111111111ffffffffffffffffffffffffffffffff",
            "ffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52972",
        ),
        expected: Some((
            concat!(
                "04aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760a",
                "b7c9e821b569d9d390a26167406d6d23d6070be242d765eb831625ceec4a0f473ef59f4e30e2817e6285bce2846f15f1",
                "a0",
            ),
            "c6d17df540ce46f755cdb12b168e87d1cbbefd1185cf82951caf3aee8888a28e1d5b7fa5da17ae1368fb2e06d4bd14f4",
        )),
    },
    Crafted {
        kem_id: 0x0051,
        name: "order",
        randomness: concat!(
            "1111111111111111111111111111111111111111111111111111111111111111ffffffffffffffffffffffffffffffff",
            "ffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
        ),
        expected: None,
    },
    Crafted {
        kem_id: 0x0051,
        name: "zero",
        randomness: concat!(
            "111111111111111111111111111111111111111111111111111111111111111100000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000000",
        ),
        expected: None,
    },
];
