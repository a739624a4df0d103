//! PKCS#8 / SubjectPublicKeyInfo encoding: round trips, interop vectors and malformed input.
//!
//! Interop sources:
//! - `vectors/kem_keys/` (committed; written once by `vectors/kem_keys/generate.py` with
//!   pyca/cryptography 50);
//! - the X-Wing example files in `shared/vectors/xwing/` (beside the work tree; override the
//!   folder with `PQPAY_SHARED_VECTORS` or `PQPAY_SHARED_DIR`);
//! - the cryptography_vectors Python package (ML-KEM-768 PKCS#8, X25519 PKCS#8/SPKI, NIST
//!   ML-KEM known-answer files), found with `python3` or `CRYPTOGRAPHY_VECTORS_DIR`; those tests
//!   say so and pass without checking when the package is not installed.

// Test code: failing loudly is the point.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;
use common::{
    alg_id, cat, cryptography_vectors_dir, err_of, expect_encoding_err, pkcs8_with, spki, tlv,
};

use std::path::{Path, PathBuf};

use pqpay_core::encoding::{
    algorithm_oid, load_der_private_key, load_der_public_key, load_pem_private_key,
    load_pem_public_key, private_key_to_der, private_key_to_pem, public_key_to_der,
    public_key_to_pem, MlKemPrivateKeyForm,
};
use pqpay_core::kem::{mlkem, DecapsulationKey, EncapsulationKey, KemAlgorithm};
use pqpay_core::Error;

const FORMS: [MlKemPrivateKeyForm; 3] = [
    MlKemPrivateKeyForm::Seed,
    MlKemPrivateKeyForm::Expanded,
    MlKemPrivateKeyForm::Both,
];

const OID_MLKEM512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x01];
const OID_MLKEM768: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x02];
const OID_X25519: &[u8] = &[0x2B, 0x65, 0x6E];
const OID_XWING: &[u8] = &[
    0x2B, 0x06, 0x01, 0x04, 0x01, 0x83, 0xE6, 0x2D, 0x81, 0xC8, 0x7A,
];
/// id-ecPublicKey, 1.2.840.10045.2.1: a real OID this module does not support.
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];

fn is_mlkem(alg: KemAlgorithm) -> bool {
    matches!(
        alg,
        KemAlgorithm::MlKem512 | KemAlgorithm::MlKem768 | KemAlgorithm::MlKem1024
    )
}

fn has_oid(alg: KemAlgorithm) -> bool {
    is_mlkem(alg) || matches!(alg, KemAlgorithm::X25519 | KemAlgorithm::XWing)
}

/// A fixed seed of the right length for `alg`.
fn seed_for(alg: KemAlgorithm, salt: u8) -> Vec<u8> {
    (0..alg.sizes().seed)
        .map(|i| (i as u8).wrapping_mul(7).wrapping_add(salt))
        .collect()
}

fn key(alg: KemAlgorithm) -> DecapsulationKey {
    DecapsulationKey::from_seed(alg, &seed_for(alg, 3)).expect("from_seed")
}

const OID_MLKEM1024: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x03];

fn oid_bytes(alg: KemAlgorithm) -> &'static [u8] {
    match alg {
        KemAlgorithm::MlKem512 => OID_MLKEM512,
        KemAlgorithm::MlKem768 => OID_MLKEM768,
        KemAlgorithm::MlKem1024 => OID_MLKEM1024,
        KemAlgorithm::X25519 => OID_X25519,
        KemAlgorithm::XWing => OID_XWING,
        other => panic!("{other:?} has no OID"),
    }
}

/// The contents of the privateKey OCTET STRING for `dk` in the seed form.
fn inner_private_key(dk: &DecapsulationKey) -> Vec<u8> {
    let seed = dk.seed().expect("seed");
    match dk.algorithm() {
        KemAlgorithm::X25519 => tlv(0x04, seed),
        KemAlgorithm::XWing => seed.to_vec(),
        _ => tlv(0x80, seed),
    }
}

fn same_key(a: &DecapsulationKey, b: &DecapsulationKey) {
    assert_eq!(a.algorithm(), b.algorithm());
    assert_eq!(a.public_key(), b.public_key());
    assert_eq!(mlkem::expanded_bytes(a), mlkem::expanded_bytes(b));
    if let (Some(x), Some(y)) = (a.seed(), b.seed()) {
        assert_eq!(x, y);
    }
}

// ---------------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------------

#[test]
fn round_trip_every_algorithm_and_form() {
    for &alg in KemAlgorithm::ALL.iter().filter(|&&a| has_oid(a)) {
        for salt in [0u8, 1, 0xFE] {
            let dk = DecapsulationKey::from_seed(alg, &seed_for(alg, salt)).expect("from_seed");
            let forms: &[MlKemPrivateKeyForm] = if is_mlkem(alg) {
                &FORMS
            } else {
                &[MlKemPrivateKeyForm::Seed]
            };
            for &form in forms {
                let der = private_key_to_der(&dk, form).expect("to der");
                let back = load_der_private_key(&der).expect("load der");
                same_key(&dk, &back);
                match form {
                    MlKemPrivateKeyForm::Expanded => assert_eq!(back.seed(), None),
                    _ => assert_eq!(back.seed(), dk.seed()),
                }
                // Writing what was read gives the same bytes.
                assert_eq!(*private_key_to_der(&back, form).expect("again"), *der);

                let pem = private_key_to_pem(&dk, form).expect("to pem");
                let text = std::str::from_utf8(&pem).expect("ascii");
                assert!(text.starts_with("-----BEGIN PRIVATE KEY-----\n"));
                assert!(text.ends_with("-----END PRIVATE KEY-----\n"));
                assert!(text.lines().all(|l| l.len() <= 64));
                let back = load_pem_private_key(&pem).expect("load pem");
                same_key(&dk, &back);
                assert_eq!(*private_key_to_der(&back, form).expect("again"), *der);

                // Decapsulation still works with the loaded key.
                let (ss, ct) = dk.public_key().encapsulate().expect("encaps");
                assert_eq!(back.decapsulate(&ct).expect("decaps"), ss);
            }
            // Non-ML-KEM keys ignore the form.
            if !is_mlkem(alg) {
                let a = private_key_to_der(&dk, MlKemPrivateKeyForm::Seed).expect("seed");
                for form in FORMS {
                    assert_eq!(*private_key_to_der(&dk, form).expect("form"), *a);
                }
            }

            let ek = dk.public_key();
            let der = public_key_to_der(&ek).expect("spki");
            assert_eq!(load_der_public_key(&der).expect("load spki"), ek);
            let pem = public_key_to_pem(&ek).expect("spki pem");
            assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
            assert!(pem.ends_with("-----END PUBLIC KEY-----\n"));
            assert_eq!(load_pem_public_key(pem.as_bytes()).expect("load pem"), ek);
        }
    }
}

#[test]
fn encodings_have_the_expected_layout() {
    let seed: Vec<u8> = (0..64).collect();
    for (alg, oid, ek_len, dk_len) in [
        (KemAlgorithm::MlKem512, OID_MLKEM512, 800usize, 1632usize),
        (KemAlgorithm::MlKem768, OID_MLKEM768, 1184, 2400),
        (KemAlgorithm::MlKem1024, OID_MLKEM1024, 1568, 3168),
    ] {
        let dk = DecapsulationKey::from_seed(alg, &seed).expect("seed");
        let expanded = mlkem::expanded_bytes(&dk).expect("expanded").to_vec();
        assert_eq!(expanded.len(), dk_len);
        let ek = dk.public_key();
        assert_eq!(ek.as_bytes().len(), ek_len);
        let aid = alg_id(oid, None);
        assert_eq!(
            *private_key_to_der(&dk, MlKemPrivateKeyForm::Seed).expect("seed"),
            pkcs8_with(0, &aid, &tlv(0x80, &seed), None, None)
        );
        assert_eq!(
            *private_key_to_der(&dk, MlKemPrivateKeyForm::Expanded).expect("expanded"),
            pkcs8_with(0, &aid, &tlv(0x04, &expanded), None, None)
        );
        let both = tlv(0x30, &cat(&[&tlv(0x04, &seed), &tlv(0x04, &expanded)]));
        assert_eq!(
            *private_key_to_der(&dk, MlKemPrivateKeyForm::Both).expect("both"),
            pkcs8_with(0, &aid, &both, None, None)
        );
        assert_eq!(
            public_key_to_der(&ek).expect("spki"),
            spki(&aid, ek.as_bytes())
        );
    }

    let x = key(KemAlgorithm::X25519);
    let xs = x.seed().expect("seed").to_vec();
    assert_eq!(
        *private_key_to_der(&x, MlKemPrivateKeyForm::Seed).expect("x25519"),
        pkcs8_with(0, &alg_id(OID_X25519, None), &tlv(0x04, &xs), None, None)
    );
    let w = key(KemAlgorithm::XWing);
    let ws = w.seed().expect("seed").to_vec();
    assert_eq!(
        *private_key_to_der(&w, MlKemPrivateKeyForm::Seed).expect("xwing"),
        pkcs8_with(0, &alg_id(OID_XWING, None), &ws, None, None)
    );
}

#[test]
fn expanded_only_key_cannot_be_written_with_a_seed() {
    for alg in [
        KemAlgorithm::MlKem512,
        KemAlgorithm::MlKem768,
        KemAlgorithm::MlKem1024,
    ] {
        let dk = key(alg);
        let der = private_key_to_der(&dk, MlKemPrivateKeyForm::Expanded).expect("expanded");
        let expanded_only = load_der_private_key(&der).expect("load");
        assert!(expanded_only.seed().is_none());
        for form in [MlKemPrivateKeyForm::Seed, MlKemPrivateKeyForm::Both] {
            match err_of(private_key_to_der(&expanded_only, form)) {
                Error::InvalidArgument(m) => {
                    assert!(m.contains("no seed"), "{m}");
                    assert!(m.contains(alg.name()), "{m}");
                }
                e => panic!("expected InvalidArgument, got {e:?}"),
            }
            assert!(private_key_to_pem(&expanded_only, form).is_err());
        }
    }
}

#[test]
fn default_form_is_seed() {
    assert_eq!(MlKemPrivateKeyForm::default(), MlKemPrivateKeyForm::Seed);
}

#[test]
fn hybrids_have_no_standard_form() {
    for alg in [
        KemAlgorithm::X25519MlKem768,
        KemAlgorithm::MlKem768P256,
        KemAlgorithm::MlKem1024P384,
    ] {
        let dk = key(alg);
        let check = |e: Error| match e {
            Error::UnsupportedAlgorithm(m) => {
                assert!(m.contains("no standard PKCS#8/SPKI form"), "{m}");
                assert!(m.contains(alg.name()), "{m}");
            }
            e => panic!("expected UnsupportedAlgorithm, got {e:?}"),
        };
        check(err_of(private_key_to_der(&dk, MlKemPrivateKeyForm::Seed)));
        check(err_of(private_key_to_pem(&dk, MlKemPrivateKeyForm::Seed)));
        check(err_of(public_key_to_der(&dk.public_key())));
        check(err_of(public_key_to_pem(&dk.public_key())));
        check(err_of(algorithm_oid(alg)));
    }
}

#[test]
fn algorithm_oids() {
    let expect = [
        (KemAlgorithm::MlKem512, "2.16.840.1.101.3.4.4.1"),
        (KemAlgorithm::MlKem768, "2.16.840.1.101.3.4.4.2"),
        (KemAlgorithm::MlKem1024, "2.16.840.1.101.3.4.4.3"),
        (KemAlgorithm::X25519, "1.3.101.110"),
        (KemAlgorithm::XWing, "1.3.6.1.4.1.62253.25722"),
    ];
    for (alg, oid) in expect {
        assert_eq!(algorithm_oid(alg).expect("oid"), oid);
    }
}

// ---------------------------------------------------------------------------------------------
// Interop vectors
// ---------------------------------------------------------------------------------------------

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn xwing_example_files_round_trip_byte_exact() {
    // Same lookup as the other vector tests: PQPAY_SHARED_VECTORS, else PQPAY_SHARED_DIR/vectors,
    // else ../shared/vectors beside the work tree.
    let dir = std::env::var_os("PQPAY_SHARED_VECTORS")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("PQPAY_SHARED_DIR").map(|d| PathBuf::from(d).join("vectors")))
        .unwrap_or_else(|| workspace_root().join("../shared/vectors"))
        .join("xwing");
    let priv_pem = read(&dir.join("xwing.priv"));
    let pub_pem = read(&dir.join("xwing.pub"));

    let dk = load_pem_private_key(&priv_pem).expect("xwing.priv");
    assert_eq!(dk.algorithm(), KemAlgorithm::XWing);
    let seed: Vec<u8> = (0..32).collect();
    assert_eq!(dk.seed(), Some(seed.as_slice()));
    let ek = load_pem_public_key(&pub_pem).expect("xwing.pub");
    assert_eq!(ek.algorithm(), KemAlgorithm::XWing);
    assert_eq!(ek.as_bytes().len(), 1216);
    // The seed 00 01 .. 1f gives the public key in xwing.pub.
    let fresh = DecapsulationKey::from_seed(KemAlgorithm::XWing, &seed).expect("seed");
    assert_eq!(fresh.public_key(), ek);
    assert_eq!(dk.public_key(), ek);

    assert_eq!(
        *private_key_to_pem(&fresh, MlKemPrivateKeyForm::Seed).expect("pem"),
        priv_pem
    );
    assert_eq!(public_key_to_pem(&ek).expect("pem").as_bytes(), pub_pem);
    // And the DER inside is the raw seed, not wrapped again.
    let der = private_key_to_der(&fresh, MlKemPrivateKeyForm::Seed).expect("der");
    assert_eq!(
        *der,
        pkcs8_with(0, &alg_id(OID_XWING, None), &seed, None, None)
    );
}

#[derive(serde::Deserialize)]
struct Manifest {
    pyca_cryptography_version: String,
    keys: Vec<ManifestKey>,
}

#[derive(serde::Deserialize)]
struct ManifestKey {
    name: String,
    algorithm: String,
    seed: String,
    public_key: String,
    private_der: String,
    private_pem: String,
    public_der: String,
    public_pem: String,
}

#[test]
fn pyca_cryptography_golden_vectors() {
    let dir = workspace_root().join("vectors/kem_keys");
    let manifest: Manifest =
        serde_json::from_slice(&read(&dir.join("manifest.json"))).expect("manifest");
    assert!(manifest.pyca_cryptography_version.starts_with("50."));
    assert!(manifest.keys.len() >= 4);
    for k in &manifest.keys {
        let alg = KemAlgorithm::from_name(&k.algorithm).expect("algorithm");
        let seed = hex::decode(&k.seed).expect("hex");
        let pk = hex::decode(&k.public_key).expect("hex");
        let ours = DecapsulationKey::from_seed(alg, &seed).expect("seed");
        assert_eq!(ours.public_key().as_bytes(), pk.as_slice(), "{}", k.name);

        let priv_der = read(&dir.join(&k.private_der));
        let priv_pem = read(&dir.join(&k.private_pem));
        let pub_der = read(&dir.join(&k.public_der));
        let pub_pem = read(&dir.join(&k.public_pem));

        for loaded in [
            load_der_private_key(&priv_der).expect("pyca der"),
            load_pem_private_key(&priv_pem).expect("pyca pem"),
        ] {
            assert_eq!(loaded.algorithm(), alg, "{}", k.name);
            assert_eq!(loaded.seed(), Some(seed.as_slice()), "{}", k.name);
            same_key(&ours, &loaded);
        }
        assert_eq!(
            load_der_public_key(&pub_der).expect("spki"),
            ours.public_key()
        );
        assert_eq!(
            load_pem_public_key(&pub_pem).expect("spki"),
            ours.public_key()
        );

        // Our default output is byte-for-byte what pyca/cryptography writes.
        let default = MlKemPrivateKeyForm::default();
        assert_eq!(
            *private_key_to_der(&ours, default).expect("der"),
            priv_der,
            "{}",
            k.name
        );
        assert_eq!(
            *private_key_to_pem(&ours, default).expect("pem"),
            priv_pem,
            "{}",
            k.name
        );
        assert_eq!(public_key_to_der(&ours.public_key()).expect("der"), pub_der);
        assert_eq!(
            public_key_to_pem(&ours.public_key())
                .expect("pem")
                .as_bytes(),
            pub_pem
        );
    }
}

/// First record (count = 0) of a NIST ML-KEM known-answer file: (d || z, pk, sk).
fn first_kat_record(path: &Path) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    use std::io::BufRead;
    let file = std::fs::File::open(path).expect("kat file");
    let mut fields = std::collections::HashMap::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.expect("line");
        if let Some((k, v)) = line.split_once(" = ") {
            if k == "count" && v != "0" {
                break;
            }
            fields.insert(k.to_string(), hex::decode(v).unwrap_or_default());
        }
        if fields.contains_key("sk") {
            break;
        }
    }
    let d = fields["d"].clone();
    let z = fields["z"].clone();
    (cat(&[&d, &z]), fields["pk"].clone(), fields["sk"].clone())
}

#[test]
fn cryptography_vectors_package_files() {
    let Some(dir) = cryptography_vectors_dir() else {
        eprintln!("cryptography_vectors is not installed: skipping its files");
        return;
    };
    let asym = dir.join("asymmetric");

    // ML-KEM-768 PKCS#8 (seed form): the seed is d || z of KAT record 0.
    let (seed, pk, sk) = first_kat_record(&asym.join("MLKEM/kat_MLKEM_768.rsp"));
    let der = read(&asym.join("MLKEM/mlkem768.der"));
    let pem = read(&asym.join("MLKEM/mlkem768.pem"));
    for dk in [
        load_der_private_key(&der).expect("mlkem768.der"),
        load_pem_private_key(&pem).expect("mlkem768.pem"),
    ] {
        assert_eq!(dk.algorithm(), KemAlgorithm::MlKem768);
        assert_eq!(dk.seed(), Some(seed.as_slice()));
        assert_eq!(dk.public_key().as_bytes(), pk.as_slice());
        assert_eq!(mlkem::expanded_bytes(&dk), Some(sk.as_slice()));
        assert_eq!(
            *private_key_to_der(&dk, MlKemPrivateKeyForm::Seed).expect("der"),
            der
        );
        assert_eq!(
            *private_key_to_pem(&dk, MlKemPrivateKeyForm::Seed).expect("pem"),
            pem
        );
    }

    // X25519 (RFC 8410) from the same package.
    let x = asym.join("X25519");
    let dk = load_der_private_key(&read(&x.join("x25519-pkcs8.der"))).expect("x25519 der");
    let dk_pem = load_pem_private_key(&read(&x.join("x25519-pkcs8.pem"))).expect("x25519 pem");
    same_key(&dk, &dk_pem);
    let ek = load_der_public_key(&read(&x.join("x25519-pub.der"))).expect("x25519 spki");
    assert_eq!(
        load_pem_public_key(&read(&x.join("x25519-pub.pem"))).expect("x25519 spki pem"),
        ek
    );
    assert_eq!(dk.public_key(), ek);
    assert_eq!(
        *private_key_to_der(&dk, MlKemPrivateKeyForm::Seed).expect("der"),
        read(&x.join("x25519-pkcs8.der"))
    );
    assert_eq!(
        public_key_to_der(&ek).expect("der"),
        read(&x.join("x25519-pub.der"))
    );
    // The password-protected one is an EncryptedPrivateKeyInfo: rejected, not misread.
    expect_encoding_err(
        load_pem_private_key(&read(&x.join("x25519-pkcs8-enc.pem"))),
        "ENCRYPTED PRIVATE KEY",
    );
    assert!(load_der_private_key(&read(&x.join("x25519-pkcs8-enc.der"))).is_err());
}

/// Expanded and `both` forms against NIST's dk bytes (independent of pqpay's key generation).
#[test]
fn nist_kat_expanded_and_both_forms() {
    let Some(dir) = cryptography_vectors_dir() else {
        eprintln!("cryptography_vectors is not installed: skipping the NIST KAT cross-check");
        return;
    };
    for (alg, file, oid) in [
        (KemAlgorithm::MlKem512, "kat_MLKEM_512.rsp", OID_MLKEM512),
        (KemAlgorithm::MlKem768, "kat_MLKEM_768.rsp", OID_MLKEM768),
        (KemAlgorithm::MlKem1024, "kat_MLKEM_1024.rsp", OID_MLKEM1024),
    ] {
        let (seed, pk, sk) = first_kat_record(&dir.join("asymmetric/MLKEM").join(file));
        let aid = alg_id(oid, None);
        let expanded = pkcs8_with(0, &aid, &tlv(0x04, &sk), None, None);
        let both = pkcs8_with(
            0,
            &aid,
            &tlv(0x30, &cat(&[&tlv(0x04, &seed), &tlv(0x04, &sk)])),
            None,
            None,
        );
        let from_expanded = load_der_private_key(&expanded).expect("expanded");
        assert!(from_expanded.seed().is_none());
        assert_eq!(from_expanded.public_key().as_bytes(), pk.as_slice());
        let from_both = load_der_private_key(&both).expect("both");
        assert_eq!(from_both.seed(), Some(seed.as_slice()));
        assert_eq!(from_both.public_key().as_bytes(), pk.as_slice());

        let dk = DecapsulationKey::from_seed(alg, &seed).expect("seed");
        assert_eq!(
            *private_key_to_der(&dk, MlKemPrivateKeyForm::Expanded).expect("expanded"),
            expanded
        );
        assert_eq!(
            *private_key_to_der(&dk, MlKemPrivateKeyForm::Both).expect("both"),
            both
        );
        assert_eq!(
            public_key_to_der(&dk.public_key()).expect("spki"),
            spki(&aid, &pk)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Malformed input
// ---------------------------------------------------------------------------------------------

/// Every encoding the negative tests start from: (private or public, DER).
fn sample_encodings() -> Vec<(bool, Vec<u8>)> {
    let mut out = Vec::new();
    for &alg in KemAlgorithm::ALL.iter().filter(|&&a| has_oid(a)) {
        let dk = key(alg);
        let forms: &[MlKemPrivateKeyForm] = if is_mlkem(alg) {
            &FORMS
        } else {
            &[MlKemPrivateKeyForm::Seed]
        };
        for &form in forms {
            out.push((true, private_key_to_der(&dk, form).expect("der").to_vec()));
        }
        out.push((false, public_key_to_der(&dk.public_key()).expect("spki")));
    }
    out
}

fn load_any(private: bool, der: &[u8]) -> Result<(), Error> {
    if private {
        load_der_private_key(der).map(|_| ())
    } else {
        load_der_public_key(der).map(|_| ())
    }
}

#[test]
fn truncated_at_every_length() {
    for (private, der) in sample_encodings() {
        for len in 0..der.len() {
            match load_any(private, &der[..len]) {
                Err(Error::Encoding(m)) => {
                    assert!(
                        m.contains("truncated") || m.contains("ended"),
                        "prefix {len}: {m}"
                    );
                }
                Err(e) => panic!("prefix {len} of {} bytes: unexpected {e:?}", der.len()),
                Ok(()) => panic!("prefix {len} of {} bytes parsed", der.len()),
            }
        }
        assert!(load_any(private, &der).is_ok());
    }
}

#[test]
fn truncated_inner_key_is_a_length_error() {
    // A shorter key with consistent DER lengths: the length check, not the DER reader, fails.
    let aid = alg_id(OID_MLKEM768, None);
    let seed = seed_for(KemAlgorithm::MlKem768, 0);
    let e = err_of(load_der_private_key(&pkcs8_with(
        0,
        &aid,
        &tlv(0x80, &seed[..63]),
        None,
        None,
    )));
    assert!(
        matches!(
            e,
            Error::InvalidLength {
                got: 63,
                expected: "64",
                ..
            }
        ),
        "{e:?}"
    );
    let dk = key(KemAlgorithm::MlKem768);
    let sk = mlkem::expanded_bytes(&dk).expect("expanded");
    let e = err_of(load_der_private_key(&pkcs8_with(
        0,
        &aid,
        &tlv(0x04, &sk[1..]),
        None,
        None,
    )));
    assert!(
        matches!(
            e,
            Error::InvalidLength {
                got: 2399,
                expected: "2400",
                ..
            }
        ),
        "{e:?}"
    );
    let both = tlv(0x30, &cat(&[&tlv(0x04, &seed), &tlv(0x04, &sk[1..])]));
    let e = err_of(load_der_private_key(&pkcs8_with(
        0, &aid, &both, None, None,
    )));
    assert!(
        matches!(
            e,
            Error::InvalidLength {
                got: 2399,
                expected: "2400",
                ..
            }
        ),
        "{e:?}"
    );
    let both = tlv(0x30, &cat(&[&tlv(0x04, &seed[..32]), &tlv(0x04, sk)]));
    let e = err_of(load_der_private_key(&pkcs8_with(
        0, &aid, &both, None, None,
    )));
    assert!(matches!(e, Error::InvalidLength { got: 32, .. }), "{e:?}");

    let x = pkcs8_with(
        0,
        &alg_id(OID_X25519, None),
        &tlv(0x04, &[7; 31]),
        None,
        None,
    );
    let e = err_of(load_der_private_key(&x));
    assert!(
        matches!(
            e,
            Error::InvalidLength {
                got: 31,
                expected: "32",
                ..
            }
        ),
        "{e:?}"
    );
    let w = pkcs8_with(0, &alg_id(OID_XWING, None), &[7; 33], None, None);
    let e = err_of(load_der_private_key(&w));
    assert!(
        matches!(
            e,
            Error::InvalidLength {
                got: 33,
                expected: "32",
                ..
            }
        ),
        "{e:?}"
    );

    let ek = dk.public_key();
    let e = err_of(load_der_public_key(&spki(&aid, &ek.as_bytes()[1..])));
    assert!(
        matches!(
            e,
            Error::InvalidLength {
                got: 1183,
                expected: "1184",
                ..
            }
        ),
        "{e:?}"
    );
    let e = err_of(load_der_public_key(&spki(
        &alg_id(OID_X25519, None),
        &[9; 33],
    )));
    assert!(matches!(e, Error::InvalidLength { got: 33, .. }), "{e:?}");
}

#[test]
fn trailing_garbage_is_rejected() {
    for (private, der) in sample_encodings() {
        for extra in [&[0u8][..], &[0x05, 0x00], &[0x30, 0x00]] {
            let mut long = der.clone();
            long.extend_from_slice(extra);
            expect_encoding_err(load_any(private, &long), "trailing");
        }
    }
    // Inside the structures, too.
    let dk = key(KemAlgorithm::MlKem768);
    let seed = dk.seed().expect("seed");
    let aid = alg_id(OID_MLKEM768, None);
    let seed_plus = cat(&[&tlv(0x80, seed), &[0x05, 0x00]]);
    expect_encoding_err(
        load_der_private_key(&pkcs8_with(0, &aid, &seed_plus, None, None)),
        "trailing",
    );
    let x = pkcs8_with(
        0,
        &alg_id(OID_X25519, None),
        &cat(&[&tlv(0x04, &[1; 32]), &[0]]),
        None,
        None,
    );
    expect_encoding_err(load_der_private_key(&x), "trailing");
    // An extra field after publicKey.
    let body = cat(&[
        &tlv(0x02, &[1]),
        &aid,
        &tlv(0x04, &tlv(0x80, seed)),
        &tlv(0x81, &cat(&[&[0], dk.public_key().as_bytes()])),
        &tlv(0x82, &[1]),
    ]);
    expect_encoding_err(load_der_private_key(&tlv(0x30, &body)), "trailing");
    // An SPKI with a second BIT STRING.
    let ek = dk.public_key();
    let bad = tlv(
        0x30,
        &cat(&[
            &aid,
            &tlv(0x03, &cat(&[&[0], ek.as_bytes()])),
            &tlv(0x03, &[0]),
        ]),
    );
    expect_encoding_err(load_der_public_key(&bad), "trailing");
}

#[test]
fn wrong_tags_are_rejected() {
    let dk = key(KemAlgorithm::MlKem768);
    let seed = dk.seed().expect("seed").to_vec();
    let sk = mlkem::expanded_bytes(&dk).expect("expanded").to_vec();
    let aid = alg_id(OID_MLKEM768, None);
    let good = private_key_to_der(&dk, MlKemPrivateKeyForm::Seed).expect("der");

    // Outer SEQUENCE as SET.
    let mut bad = good.to_vec();
    bad[0] = 0x31;
    expect_encoding_err(
        load_der_private_key(&bad),
        "expected SEQUENCE (tag 0x30), found SET",
    );
    // Version as ENUMERATED.
    let mut bad = good.to_vec();
    bad[2] = 0x0A;
    expect_encoding_err(
        load_der_private_key(&bad),
        "PKCS#8 version: expected INTEGER",
    );
    // privateKey as BIT STRING / constructed OCTET STRING.
    for tag in [0x03u8, 0x24] {
        let body = cat(&[&tlv(0x02, &[0]), &aid, &tlv(tag, &tlv(0x80, &seed))]);
        expect_encoding_err(
            load_der_private_key(&tlv(0x30, &body)),
            "PKCS#8 privateKey: expected OCTET STRING",
        );
    }
    // ML-KEM CHOICE with the wrong tag: constructed [0], [1], SET, BIT STRING.
    for tag in [0xA0u8, 0x81, 0x31, 0x03] {
        let e = load_der_private_key(&pkcs8_with(0, &aid, &tlv(tag, &seed), None, None));
        expect_encoding_err(e, "expected seed [0] (tag 0x80), expandedKey OCTET STRING");
    }
    // Empty privateKey.
    expect_encoding_err(
        load_der_private_key(&pkcs8_with(0, &aid, &[], None, None)),
        "private key is empty",
    );
    // `both` with [0] seed inside, or the fields swapped.
    let both = tlv(0x30, &cat(&[&tlv(0x80, &seed), &tlv(0x04, &sk)]));
    expect_encoding_err(
        load_der_private_key(&pkcs8_with(0, &aid, &both, None, None)),
        "`both` seed: expected OCTET STRING",
    );
    let swapped = tlv(0x30, &cat(&[&tlv(0x04, &sk), &tlv(0x04, &seed)]));
    assert!(load_der_private_key(&pkcs8_with(0, &aid, &swapped, None, None)).is_err());
    // X25519 CurvePrivateKey must be an OCTET STRING inside the OCTET STRING.
    let x = pkcs8_with(0, &alg_id(OID_X25519, None), &[1; 32], None, None);
    expect_encoding_err(
        load_der_private_key(&x),
        "X25519 CurvePrivateKey: expected OCTET STRING",
    );
    // publicKey [1] constructed.
    let body = cat(&[
        &tlv(0x02, &[1]),
        &aid,
        &tlv(0x04, &tlv(0x80, &seed)),
        &tlv(0xA1, &tlv(0x03, &cat(&[&[0], dk.public_key().as_bytes()]))),
    ]);
    expect_encoding_err(load_der_private_key(&tlv(0x30, &body)), "trailing");
    // AlgorithmIdentifier OID as a UTF8String.
    let body = cat(&[
        &tlv(0x02, &[0]),
        &tlv(0x30, &tlv(0x0C, b"ML-KEM-768")),
        &tlv(0x04, &tlv(0x80, &seed)),
    ]);
    expect_encoding_err(load_der_private_key(&tlv(0x30, &body)), "OBJECT IDENTIFIER");
    // SPKI key as OCTET STRING.
    let ek = dk.public_key();
    let bad = tlv(0x30, &cat(&[&aid, &tlv(0x04, ek.as_bytes())]));
    expect_encoding_err(load_der_public_key(&bad), "expected BIT STRING");
    // SPKI BIT STRING with unused bits, or empty.
    let bad = tlv(
        0x30,
        &cat(&[&aid, &tlv(0x03, &cat(&[&[3], ek.as_bytes()]))]),
    );
    expect_encoding_err(load_der_public_key(&bad), "unused bits");
    let bad = tlv(0x30, &cat(&[&aid, &tlv(0x03, &[])]));
    expect_encoding_err(load_der_public_key(&bad), "BIT STRING is empty");
    // A private key given to the public loader and vice versa.
    assert!(matches!(
        load_der_public_key(&good),
        Err(Error::Encoding(_))
    ));
    let pub_der = public_key_to_der(&ek).expect("spki");
    assert!(matches!(
        load_der_private_key(&pub_der),
        Err(Error::Encoding(_))
    ));
}

#[test]
fn bare_keys_of_old_drafts_are_rejected_by_tag() {
    // Early drafts put the raw seed or expanded key straight into privateKey; the tag decides.
    let dk = key(KemAlgorithm::MlKem768);
    let aid = alg_id(OID_MLKEM768, None);
    let seed = dk.seed().expect("seed");
    let sk = mlkem::expanded_bytes(&dk).expect("expanded");
    for raw in [seed, sk] {
        assert!(matches!(
            load_der_private_key(&pkcs8_with(0, &aid, raw, None, None)),
            Err(Error::Encoding(_))
        ));
    }
    // A 64-byte value tagged as expandedKey is an expanded key of the wrong length.
    let e = err_of(load_der_private_key(&pkcs8_with(
        0,
        &aid,
        &tlv(0x04, seed),
        None,
        None,
    )));
    assert!(matches!(e, Error::InvalidLength { got: 64, .. }), "{e:?}");
}

#[test]
fn unknown_oid_is_unsupported() {
    let p = pkcs8_with(0, &alg_id(OID_EC_PUBLIC_KEY, None), &[1, 2, 3], None, None);
    match err_of(load_der_private_key(&p)) {
        Error::UnsupportedAlgorithm(m) => assert!(m.contains("1.2.840.10045.2.1"), "{m}"),
        e => panic!("{e:?}"),
    }
    let s = spki(&alg_id(OID_EC_PUBLIC_KEY, Some(&[0x05, 0x00])), &[4; 65]);
    match err_of(load_der_public_key(&s)) {
        Error::UnsupportedAlgorithm(m) => assert!(m.contains("1.2.840.10045.2.1"), "{m}"),
        e => panic!("{e:?}"),
    }
    // A neighbour of the ML-KEM OIDs (.4) and Ed25519 (1.3.101.112).
    let near = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x04];
    match err_of(load_der_public_key(&spki(&alg_id(&near, None), &[0; 800]))) {
        Error::UnsupportedAlgorithm(m) => assert!(m.contains("2.16.840.1.101.3.4.4.4"), "{m}"),
        e => panic!("{e:?}"),
    }
    match err_of(load_der_private_key(&pkcs8_with(
        0,
        &alg_id(&[0x2B, 0x65, 0x70], None),
        &tlv(0x04, &[0; 32]),
        None,
        None,
    ))) {
        Error::UnsupportedAlgorithm(m) => assert!(m.contains("1.3.101.112"), "{m}"),
        e => panic!("{e:?}"),
    }
    // Malformed OIDs are encoding errors.
    for oid in [&[][..], &[0x2B, 0x86], &[0x2B, 0x80, 0x01]] {
        let p = pkcs8_with(0, &alg_id(oid, None), &[1], None, None);
        expect_encoding_err(load_der_private_key(&p), "OBJECT IDENTIFIER");
    }
}

#[test]
fn parameters_must_be_absent() {
    for &alg in KemAlgorithm::ALL.iter().filter(|&&a| has_oid(a)) {
        let dk = key(alg);
        let inner = inner_private_key(&dk);
        let oid = oid_bytes(alg);
        let good = pkcs8_with(0, &alg_id(oid, None), &inner, None, None);
        assert_eq!(
            *private_key_to_der(&dk, MlKemPrivateKeyForm::Seed).expect("der"),
            good
        );
        for params in [&[0x05, 0x00][..], &[0x30, 0x00], &[0x06, 0x01, 0x2A]] {
            let with = alg_id(oid, Some(params));
            let p = pkcs8_with(0, &with, &inner, None, None);
            expect_encoding_err(load_der_private_key(&p), "parameters must be absent");
            let s = spki(&with, dk.public_key().as_bytes());
            expect_encoding_err(load_der_public_key(&s), "parameters must be absent");
        }
    }
}

#[test]
fn both_form_mismatch_is_invalid_key() {
    for alg in [
        KemAlgorithm::MlKem512,
        KemAlgorithm::MlKem768,
        KemAlgorithm::MlKem1024,
    ] {
        let a = key(alg);
        let b = DecapsulationKey::from_seed(alg, &seed_for(alg, 99)).expect("seed");
        let oid = algorithm_oid(alg).expect("oid");
        let good = private_key_to_der(&a, MlKemPrivateKeyForm::Both).expect("both");
        assert!(load_der_private_key(&good).is_ok(), "{oid}");
        let sk_a = mlkem::expanded_bytes(&a).expect("expanded");
        let sk_b = mlkem::expanded_bytes(&b).expect("expanded");
        // Another key's expanded key, then a single flipped byte at a few places.
        let mut candidates = vec![good.to_vec()];
        let start = good.len() - sk_a.len();
        candidates[0][start..].copy_from_slice(sk_b);
        for at in [0, 1, sk_a.len() / 2, sk_a.len() - 33, sk_a.len() - 1] {
            let mut bad = good.to_vec();
            bad[start + at] ^= 0x01;
            candidates.push(bad);
        }
        // And a different seed with the original expanded key.
        let mut bad = good.to_vec();
        let seed_at = start - 4 - 64;
        assert_eq!(&bad[seed_at..seed_at + 64], a.seed().expect("seed"));
        bad[seed_at] ^= 0x80;
        candidates.push(bad);
        for bad in candidates {
            match err_of(load_der_private_key(&bad)) {
                Error::InvalidKey(m) => {
                    assert!(m.contains("seed and expanded key disagree"), "{m}")
                }
                e => panic!("{oid}: expected InvalidKey, got {e:?}"),
            }
        }
    }
}

#[test]
fn expanded_key_failing_the_fips203_hash_check_is_invalid() {
    let dk = key(KemAlgorithm::MlKem768);
    let mut der = private_key_to_der(&dk, MlKemPrivateKeyForm::Expanded)
        .expect("der")
        .to_vec();
    // H(ek) sits 64 bytes before the end of dk (then z).
    let at = der.len() - 64;
    der[at] ^= 1;
    assert!(matches!(
        load_der_private_key(&der),
        Err(Error::InvalidKey(_))
    ));
}

#[test]
fn pkcs8_v2_public_key_and_attributes() {
    for &alg in KemAlgorithm::ALL.iter().filter(|&&a| has_oid(a)) {
        let dk = key(alg);
        let other = DecapsulationKey::from_seed(alg, &seed_for(alg, 200)).expect("seed");
        let oid = algorithm_oid(alg).expect("oid");
        let inner = inner_private_key(&dk);
        let aid_bytes = alg_id(oid_bytes(alg), None);
        let pk = dk.public_key();
        let attrs = tlv(
            0x30,
            &cat(&[
                &tlv(
                    0x06,
                    &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x14],
                ),
                &tlv(0x31, &tlv(0x0C, b"friendly name")),
            ]),
        );
        // v2 with the right public key, with and without attributes.
        for a in [None, Some(attrs.as_slice()), Some(&[][..])] {
            let v2 = pkcs8_with(1, &aid_bytes, &inner, a, Some(pk.as_bytes()));
            same_key(&load_der_private_key(&v2).expect("v2"), &dk);
            // v1 with attributes.
            let v1 = pkcs8_with(0, &aid_bytes, &inner, a, None);
            same_key(&load_der_private_key(&v1).expect("v1 attrs"), &dk);
        }
        // v2 without the optional public key.
        same_key(
            &load_der_private_key(&pkcs8_with(1, &aid_bytes, &inner, None, None)).expect("v2"),
            &dk,
        );
        // v2 with another key's public key, or a truncated one.
        let wrong = pkcs8_with(
            1,
            &aid_bytes,
            &inner,
            None,
            Some(other.public_key().as_bytes()),
        );
        match err_of(load_der_private_key(&wrong)) {
            Error::InvalidKey(m) => assert!(m.contains("publicKey"), "{m}"),
            e => panic!("{oid}: {e:?}"),
        }
        let short = pkcs8_with(1, &aid_bytes, &inner, None, Some(&pk.as_bytes()[1..]));
        assert!(matches!(
            load_der_private_key(&short),
            Err(Error::InvalidKey(_))
        ));
        // v1 may not carry a public key.
        let v1_pk = pkcs8_with(0, &aid_bytes, &inner, None, Some(pk.as_bytes()));
        expect_encoding_err(load_der_private_key(&v1_pk), "version 1 (v2)");
        // Other versions are rejected.
        for v in [2u8, 0xFF] {
            let p = pkcs8_with(v, &aid_bytes, &inner, None, None);
            expect_encoding_err(load_der_private_key(&p), "PKCS#8 version");
        }
        // Attributes after the public key are out of order.
        let body = cat(&[
            &tlv(0x02, &[1]),
            &aid_bytes,
            &tlv(0x04, &inner),
            &tlv(0x81, &cat(&[&[0], pk.as_bytes()])),
            &tlv(0xA0, &attrs),
        ]);
        expect_encoding_err(load_der_private_key(&tlv(0x30, &body)), "trailing");
    }
}

#[test]
fn non_der_lengths_and_integers_are_rejected() {
    let dk = key(KemAlgorithm::X25519);
    let der = private_key_to_der(&dk, MlKemPrivateKeyForm::Seed).expect("der");
    assert_eq!(der[1], 0x2E);
    // Long-form length for a short value.
    let long = cat(&[&[0x30, 0x81, 0x2E], &der[2..]]);
    expect_encoding_err(load_der_private_key(&long), "non-minimal length");
    let zero = cat(&[&[0x30, 0x82, 0x00, 0x2E], &der[2..]]);
    expect_encoding_err(load_der_private_key(&zero), "non-minimal length");
    // Indefinite length (BER).
    let indef = cat(&[&[0x30, 0x80], &der[2..], &[0, 0]]);
    expect_encoding_err(load_der_private_key(&indef), "indefinite length");
    // Five length bytes.
    let huge = cat(&[&[0x30, 0x85, 1, 0, 0, 0, 0], &der[2..]]);
    expect_encoding_err(load_der_private_key(&huge), "too large");
    // A length larger than the input.
    let over = cat(&[&[0x30, 0x84, 0x7F, 0xFF, 0xFF, 0xFF], &der[2..]]);
    expect_encoding_err(load_der_private_key(&over), "truncated");
    // Version 0 encoded in two bytes.
    let body = cat(&[&[0x02, 0x02, 0x00, 0x00], &der[5..]]);
    expect_encoding_err(load_der_private_key(&tlv(0x30, &body)), "PKCS#8 version");
    // A multi-byte tag.
    let body = cat(&[&[0x1F, 0x02, 0x01, 0x00], &der[5..]]);
    expect_encoding_err(load_der_private_key(&tlv(0x30, &body)), "multi-byte");
}

#[test]
fn pem_labels_and_framing() {
    let dk = key(KemAlgorithm::MlKem768);
    let priv_pem = private_key_to_pem(&dk, MlKemPrivateKeyForm::Seed).expect("pem");
    let pub_pem = public_key_to_pem(&dk.public_key()).expect("pem");

    match err_of(load_pem_private_key(pub_pem.as_bytes())) {
        Error::Encoding(m) => {
            assert!(m.contains("\"PUBLIC KEY\""), "{m}");
            assert!(m.contains("expected \"PRIVATE KEY\""), "{m}");
        }
        e => panic!("{e:?}"),
    }
    match err_of(load_pem_public_key(&priv_pem)) {
        Error::Encoding(m) => {
            assert!(m.contains("\"PRIVATE KEY\""), "{m}");
            assert!(m.contains("expected \"PUBLIC KEY\""), "{m}");
        }
        e => panic!("{e:?}"),
    }
    let text = std::str::from_utf8(&priv_pem).expect("ascii");
    for label in [
        "RSA PRIVATE KEY",
        "EC PRIVATE KEY",
        "CERTIFICATE",
        "ENCRYPTED PRIVATE KEY",
    ] {
        let other = text.replace("PRIVATE KEY", label);
        expect_encoding_err(load_pem_private_key(other.as_bytes()), label);
    }
    // Other line widths (76 columns, one long line) are accepted.
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    for width in [76, body.len()] {
        let wrapped: String = body
            .as_bytes()
            .chunks(width)
            .map(|c| format!("{}\n", std::str::from_utf8(c).expect("ascii")))
            .collect();
        let pem = format!("-----BEGIN PRIVATE KEY-----\n{wrapped}-----END PRIVATE KEY-----\n");
        same_key(&load_pem_private_key(pem.as_bytes()).expect("width"), &dk);
    }
    // No PEM at all.
    expect_encoding_err(
        load_pem_private_key(b"not pem"),
        "no \"-----BEGIN PRIVATE KEY-----\" line",
    );
    // CRLF line endings and an explanatory preamble are accepted.
    let crlf = text.replace('\n', "\r\n");
    same_key(&load_pem_private_key(crlf.as_bytes()).expect("crlf"), &dk);
    let pre = format!("ML-KEM-768 test key\n{text}");
    same_key(
        &load_pem_private_key(pre.as_bytes()).expect("preamble"),
        &dk,
    );
    // Mismatched BEGIN/END labels, missing END, bad base64, headers, trailing text.
    let bad_end = text.replace("END PRIVATE KEY", "END PUBLIC KEY");
    assert!(matches!(
        load_pem_private_key(bad_end.as_bytes()),
        Err(Error::Encoding(_))
    ));
    let no_end: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
    assert!(matches!(
        load_pem_private_key(no_end.as_bytes()),
        Err(Error::Encoding(_))
    ));
    let bad_b64 = text.replacen("MFQ", "M*Q", 1);
    assert!(matches!(
        load_pem_private_key(bad_b64.as_bytes()),
        Err(Error::Encoding(_))
    ));
    let header = text.replacen("-----\n", "-----\nProc-Type: 4,ENCRYPTED\n\n", 1);
    assert!(matches!(
        load_pem_private_key(header.as_bytes()),
        Err(Error::Encoding(_))
    ));
    let trailing = format!("{text}junk\n");
    assert!(matches!(
        load_pem_private_key(trailing.as_bytes()),
        Err(Error::Encoding(_))
    ));
    for input in [
        &b""[..],
        b"-----BEGIN PRIVATE KEY-----\n",
        b"\0\0\0",
        b"not pem",
    ] {
        assert!(matches!(
            load_pem_private_key(input),
            Err(Error::Encoding(_))
        ));
        assert!(matches!(
            load_pem_public_key(input),
            Err(Error::Encoding(_))
        ));
    }
    // A PEM whose DER is bad reports the DER problem.
    let empty = "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n";
    assert!(matches!(
        load_pem_private_key(empty.as_bytes()),
        Err(Error::Encoding(_))
    ));
    // Every prefix of a PEM fails cleanly (dropping only the final newline is still valid).
    same_key(
        &load_pem_private_key(&priv_pem[..priv_pem.len() - 1]).expect("no final newline"),
        &dk,
    );
    for len in 0..priv_pem.len() - 1 {
        assert!(
            load_pem_private_key(&priv_pem[..len]).is_err(),
            "prefix {len}"
        );
    }
    for len in 0..pub_pem.len() - 1 {
        assert!(
            load_pem_public_key(&pub_pem.as_bytes()[..len]).is_err(),
            "prefix {len}"
        );
    }
}

#[test]
fn mutated_inputs_never_panic() {
    // Deterministic xorshift so failures reproduce.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let samples = sample_encodings();
    for (private, der) in &samples {
        for _ in 0..300 {
            let mut m = der.clone();
            let edits = 1 + next() % 3;
            for _ in 0..edits {
                let at = (next() as usize) % m.len();
                match next() % 4 {
                    0 => m[at] ^= 1 << (next() % 8),
                    1 => m[at] = next() as u8,
                    2 => {
                        m.truncate(at.max(1));
                    }
                    _ => m.insert(at, next() as u8),
                }
            }
            // Any result is fine as long as it is not a panic; both loaders must cope.
            let _ = load_any(*private, &m);
            let _ = load_any(!*private, &m);
        }
    }
    // Short random inputs.
    for len in 0..64 {
        let m: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let _ = load_der_private_key(&m);
        let _ = load_der_public_key(&m);
        let _ = load_pem_private_key(&m);
        let _ = load_pem_public_key(&m);
    }
}

#[test]
fn error_messages_state_what_was_expected() {
    let e = err_of(load_der_private_key(&[]));
    assert_eq!(
        e.to_string(),
        "malformed encoding: PKCS#8 PrivateKeyInfo: expected SEQUENCE (tag 0x30), but the input ended"
    );
    let e = err_of(load_der_public_key(&[0x30, 0x05, 0x30]));
    assert_eq!(
        e.to_string(),
        "malformed encoding: SubjectPublicKeyInfo: truncated: the length says 5 content bytes but only 1 remain"
    );
    let ek: EncapsulationKey = key(KemAlgorithm::X25519).public_key();
    let mut der = public_key_to_der(&ek).expect("spki");
    der.push(0);
    assert_eq!(
        err_of(load_der_public_key(&der)).to_string(),
        "malformed encoding: 1 unexpected trailing byte(s) after the SubjectPublicKeyInfo \
         (next is universal [0] primitive (tag 0x00)); expected nothing more"
    );
}
