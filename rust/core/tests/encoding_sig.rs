//! PKCS#8 / SubjectPublicKeyInfo for signature keys: round trips, layouts, interop files and
//! malformed input (truncation at every length, byte mutations, wrong tags, wrong lengths).
//!
//! Interop sources: the cryptography_vectors Python package (ML-DSA-44 seed-form and
//! ML-DSA-65 expanded-only PKCS#8, Ed25519/Ed448 PKCS#8 and SPKI), found with `python3` or
//! `CRYPTOGRAPHY_VECTORS_DIR`; those tests say so and pass without checking when the package
//! is not installed (the Python suite, run with CI=true, requires it).

// Test code: failing loudly is the point.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;
use common::{
    alg_id, cat, cryptography_vectors_dir, err_of, expect_encoding_err, pkcs8, spki, tlv,
};

use pqpay_core::encoding::sig::{
    load_der_private_key, load_der_private_key_any, load_der_public_key, load_der_public_key_any,
    load_pem_private_key, load_pem_private_key_any, load_pem_public_key, private_key_to_der,
    private_key_to_pem, public_key_to_der, public_key_to_pem, AnyPrivateKey, AnyPublicKey,
    MlDsaPrivateKeyForm,
};
use pqpay_core::kem::{DecapsulationKey, KemAlgorithm};
use pqpay_core::sig::{mldsa, SigAlgorithm, SigFamily, SigningKey, SigningMode, VerifyingKey};
use pqpay_core::Error;

const FORMS: [MlDsaPrivateKeyForm; 3] = [
    MlDsaPrivateKeyForm::Seed,
    MlDsaPrivateKeyForm::Expanded,
    MlDsaPrivateKeyForm::Both,
];

const OID_MLDSA44: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x11];
const OID_MLDSA65: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12];
const OID_ED25519: &[u8] = &[0x2B, 0x65, 0x70];
const OID_ED448: &[u8] = &[0x2B, 0x65, 0x71];
/// id-ecPublicKey, 1.2.840.10045.2.1: a real OID pqpay does not support.
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];

/// False only while `alg`'s family is still the integration-branch placeholder (SLH-DSA may
/// land after this branch): its cases are then reported and left to the integrated tree.
fn implemented(alg: SigAlgorithm) -> bool {
    let placeholder = matches!(
        SigningKey::from_private_bytes(alg, &[]),
        Err(Error::UnsupportedAlgorithm(m)) if m.contains("not implemented yet")
    );
    if placeholder {
        eprintln!("{alg}: family not merged into this branch yet; its cases are not run");
    }
    !placeholder
}

fn is_mldsa(alg: SigAlgorithm) -> bool {
    alg.family() == SigFamily::MlDsa
}

/// A fixed ML-DSA seed.
fn seed(salt: u8) -> Vec<u8> {
    (0..32u8)
        .map(|i| i.wrapping_mul(11).wrapping_add(salt))
        .collect()
}

fn mldsa_key(alg: SigAlgorithm, salt: u8) -> SigningKey {
    SigningKey::from_private_bytes(alg, &seed(salt)).expect("ML-DSA from seed")
}

fn same_key(a: &SigningKey, b: &SigningKey) {
    assert_eq!(a.algorithm(), b.algorithm());
    assert_eq!(a.verifying_key(), b.verifying_key());
    if a.algorithm().family() == SigFamily::SlhDsa {
        // Signing is slow in a debug build; the raw keys say enough.
        assert_eq!(
            *a.private_bytes().expect("raw"),
            *b.private_bytes().expect("raw")
        );
        return;
    }
    // A signature by one verifies under the other.
    let sig = b
        .sign(b"pkcs8", b"", SigningMode::Hedged)
        .expect("sign with the loaded key");
    a.verifying_key()
        .verify(b"pkcs8", b"", &sig)
        .expect("verifies under the original key");
}

#[test]
fn round_trip_every_algorithm_and_form() {
    for &alg in SigAlgorithm::ALL.iter().filter(|&&a| implemented(a)) {
        let key = SigningKey::generate(alg).expect("generate");
        let forms: &[MlDsaPrivateKeyForm] = if is_mldsa(alg) {
            &FORMS
        } else {
            &[MlDsaPrivateKeyForm::Seed]
        };
        for &form in forms {
            let der = private_key_to_der(&key, form).expect("to der");
            let back = load_der_private_key(&der).expect("load der");
            same_key(&key, &back);
            assert_eq!(
                &*private_key_to_der(&back, form).expect("again"),
                &*der,
                "{alg} {form:?} re-encodes byte-exact"
            );
            let pem = private_key_to_pem(&key, form).expect("to pem");
            let text = std::str::from_utf8(&pem).expect("ascii");
            assert!(text.starts_with("-----BEGIN PRIVATE KEY-----\n"));
            same_key(&key, &load_pem_private_key(&pem).expect("load pem"));
            match load_der_private_key_any(&der).expect("any") {
                AnyPrivateKey::Sig(k) => same_key(&key, &k),
                AnyPrivateKey::Kem(_) => panic!("{alg} routed to the KEM loader"),
            }
            if form == MlDsaPrivateKeyForm::Seed {
                assert_eq!(
                    *back.private_bytes().expect("raw"),
                    *key.private_bytes().expect("raw")
                );
            }
        }
        let vk = key.verifying_key();
        let der = public_key_to_der(&vk).expect("spki");
        assert_eq!(load_der_public_key(&der).expect("load spki"), vk);
        let pem = public_key_to_pem(&vk).expect("spki pem");
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(load_pem_public_key(pem.as_bytes()).expect("load"), vk);
        match load_der_public_key_any(&der).expect("any") {
            AnyPublicKey::Sig(k) => assert_eq!(k, vk),
            AnyPublicKey::Kem(_) => panic!("{alg} routed to the KEM loader"),
        }
        let oid = pqpay_oid(alg);
        assert_eq!(
            der,
            spki(&alg_id(&oid, None), &vk.to_bytes()),
            "{alg} SPKI layout"
        );
    }
}

/// The DER contents of `alg`'s OID, written out independently of the library.
fn pqpay_oid(alg: SigAlgorithm) -> Vec<u8> {
    let arcs: Vec<u64> = alg.oid().split('.').map(|a| a.parse().unwrap()).collect();
    let mut out = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &arc in &arcs[2..] {
        let mut groups = vec![(arc & 0x7F) as u8];
        let mut v = arc >> 7;
        while v > 0 {
            groups.push(0x80 | (v & 0x7F) as u8);
            v >>= 7;
        }
        out.extend(groups.iter().rev());
    }
    out
}

#[test]
fn encodings_have_the_expected_layout() {
    // RFC 9881 seed form: 30 34 02 01 00 30 0b 06 09 <oid> 04 22 80 20 <seed>.
    let key = mldsa_key(SigAlgorithm::MlDsa44, 1);
    let der = private_key_to_der(&key, MlDsaPrivateKeyForm::Seed).expect("der");
    let expected = pkcs8(0, &alg_id(OID_MLDSA44, None), &tlv(0x80, &seed(1)), None);
    assert_eq!(&*der, &expected[..]);
    assert_eq!(der.len(), 54);
    assert_eq!(
        &der[..22],
        &[
            0x30, 0x34, 0x02, 0x01, 0x00, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
            0x03, 0x04, 0x03, 0x11, 0x04, 0x22, 0x80, 0x20
        ]
    );

    let expanded = mldsa::expanded_private_key(&key).expect("expanded");
    assert_eq!(expanded.len(), 2560);
    let der = private_key_to_der(&key, MlDsaPrivateKeyForm::Expanded).expect("der");
    let expected = pkcs8(0, &alg_id(OID_MLDSA44, None), &tlv(0x04, &expanded), None);
    assert_eq!(&*der, &expected[..]);
    let der = private_key_to_der(&key, MlDsaPrivateKeyForm::Both).expect("der");
    let both = tlv(0x30, &cat(&[&tlv(0x04, &seed(1)), &tlv(0x04, &expanded)]));
    let expected = pkcs8(0, &alg_id(OID_MLDSA44, None), &both, None);
    assert_eq!(&*der, &expected[..]);

    // RFC 8410 §10.3: 30 2e 02 01 00 30 05 06 03 2b 65 70 04 22 04 20 <32>.
    let secret = [7u8; 32];
    let ed = SigningKey::from_private_bytes(SigAlgorithm::Ed25519, &secret).expect("ed25519");
    let der = private_key_to_der(&ed, MlDsaPrivateKeyForm::Expanded).expect("form is ignored");
    assert_eq!(
        &*der,
        &pkcs8(0, &alg_id(OID_ED25519, None), &tlv(0x04, &secret), None)[..]
    );
    assert_eq!(
        &der[..16],
        &[
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20
        ]
    );

    // SLH-DSA and composites: the raw key directly in the OCTET STRING.
    for alg in [SigAlgorithm::SlhDsaSha2_128f, SigAlgorithm::MlDsa44Ed25519]
        .into_iter()
        .filter(|&a| implemented(a))
    {
        let key = SigningKey::generate(alg).expect("generate");
        let raw = key.private_bytes().expect("raw");
        let der = private_key_to_der(&key, MlDsaPrivateKeyForm::Seed).expect("der");
        assert_eq!(
            &*der,
            &pkcs8(0, &alg_id(&pqpay_oid(alg), None), &raw, None)[..]
        );
    }
}

#[test]
fn expanded_only_key_cannot_be_written_with_a_seed() {
    let key = mldsa_key(SigAlgorithm::MlDsa65, 2);
    let der = private_key_to_der(&key, MlDsaPrivateKeyForm::Expanded).expect("der");
    let loaded = load_der_private_key(&der).expect("expanded form loads");
    same_key(&key, &loaded);
    for form in [MlDsaPrivateKeyForm::Seed, MlDsaPrivateKeyForm::Both] {
        match err_of(private_key_to_der(&loaded, form)) {
            Error::InvalidArgument(m) => assert!(m.contains("Expanded"), "{m}"),
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
    }
    assert_eq!(
        &*private_key_to_der(&loaded, MlDsaPrivateKeyForm::Expanded).expect("expanded"),
        &*der
    );
}

#[test]
fn default_form_is_seed() {
    assert_eq!(MlDsaPrivateKeyForm::default(), MlDsaPrivateKeyForm::Seed);
}

#[test]
fn pkcs8_v2_public_key_is_checked() {
    let key = mldsa_key(SigAlgorithm::MlDsa44, 3);
    let pk = key.verifying_key().to_bytes();
    let inner = tlv(0x80, &seed(3));
    let good = pkcs8(1, &alg_id(OID_MLDSA44, None), &inner, Some(&pk));
    same_key(
        &key,
        &load_der_private_key(&good).expect("v2 with the right public key"),
    );
    let mut wrong = pk.clone();
    wrong[100] ^= 1;
    let bad = pkcs8(1, &alg_id(OID_MLDSA44, None), &inner, Some(&wrong));
    assert!(matches!(
        err_of(load_der_private_key(&bad)),
        Error::InvalidKey(_)
    ));
    // A public key in a v1 structure is an encoding error.
    let v1 = pkcs8(0, &alg_id(OID_MLDSA44, None), &inner, Some(&pk));
    expect_encoding_err(load_der_private_key(&v1), "version 1 (v2)");

    let ed = SigningKey::from_private_bytes(SigAlgorithm::Ed25519, &[9u8; 32]).expect("ed");
    let edpk = ed.verifying_key().to_bytes();
    let inner = tlv(0x04, &[9u8; 32]);
    let good = pkcs8(1, &alg_id(OID_ED25519, None), &inner, Some(&edpk));
    same_key(&ed, &load_der_private_key(&good).expect("Ed25519 v2"));
    let bad = pkcs8(1, &alg_id(OID_ED25519, None), &inner, Some(&[0u8; 32]));
    assert!(matches!(
        err_of(load_der_private_key(&bad)),
        Error::InvalidKey(_)
    ));
}

#[test]
fn both_form_mismatch_is_invalid_key() {
    let a = mldsa_key(SigAlgorithm::MlDsa44, 4);
    let b = mldsa_key(SigAlgorithm::MlDsa44, 5);
    let expanded_b = mldsa::expanded_private_key(&b).expect("expanded");
    let both = tlv(0x30, &cat(&[&tlv(0x04, &seed(4)), &tlv(0x04, &expanded_b)]));
    let der = pkcs8(0, &alg_id(OID_MLDSA44, None), &both, None);
    match err_of(load_der_private_key(&der)) {
        Error::InvalidKey(m) => assert!(m.contains("disagree"), "{m}"),
        other => panic!("expected InvalidKey, got {other:?}"),
    }
    // Sanity: the consistent pair loads.
    let expanded_a = mldsa::expanded_private_key(&a).expect("expanded");
    let both = tlv(0x30, &cat(&[&tlv(0x04, &seed(4)), &tlv(0x04, &expanded_a)]));
    same_key(
        &a,
        &load_der_private_key(&pkcs8(0, &alg_id(OID_MLDSA44, None), &both, None)).expect("both"),
    );
}

#[test]
fn wrong_inner_lengths_are_length_errors() {
    let id = alg_id(OID_MLDSA44, None);
    for n in [0usize, 31, 33, 64] {
        let der = pkcs8(0, &id, &tlv(0x80, &vec![1u8; n]), None);
        assert!(
            matches!(err_of(load_der_private_key(&der)), Error::InvalidLength { got, .. } if got == n),
            "seed of {n} bytes"
        );
    }
    for n in [0usize, 2559, 2561, 4032] {
        let der = pkcs8(0, &id, &tlv(0x04, &vec![1u8; n]), None);
        assert!(
            matches!(err_of(load_der_private_key(&der)), Error::InvalidLength { got, .. } if got == n),
            "expanded key of {n} bytes"
        );
    }
    let both = tlv(
        0x30,
        &cat(&[&tlv(0x04, &[1u8; 31]), &tlv(0x04, &[1u8; 2560])]),
    );
    assert!(matches!(
        err_of(load_der_private_key(&pkcs8(0, &id, &both, None))),
        Error::InvalidLength { got: 31, .. }
    ));
    let both = tlv(
        0x30,
        &cat(&[&tlv(0x04, &[1u8; 32]), &tlv(0x04, &[1u8; 100])]),
    );
    assert!(matches!(
        err_of(load_der_private_key(&pkcs8(0, &id, &both, None))),
        Error::InvalidLength { got: 100, .. }
    ));
    for (oid, n) in [
        (OID_ED25519, 31usize),
        (OID_ED25519, 33),
        (OID_ED448, 32),
        (OID_ED448, 56),
    ] {
        let der = pkcs8(0, &alg_id(oid, None), &tlv(0x04, &vec![1u8; n]), None);
        assert!(
            matches!(
                err_of(load_der_private_key(&der)),
                Error::InvalidLength { .. }
            ),
            "EdDSA key of {n} bytes"
        );
    }
    for &alg in SigAlgorithm::ALL.iter().filter(|&&a| implemented(a)) {
        let key = SigningKey::generate(alg).expect("generate");
        let pk = key.verifying_key().to_bytes();
        let id = alg_id(&pqpay_oid(alg), None);
        for len in [pk.len() - 1, pk.len() + 1] {
            let mut short = pk.clone();
            short.resize(len, 0);
            assert!(
                load_der_public_key(&spki(&id, &short)).is_err(),
                "{alg} public key of {len} bytes"
            );
        }
        if matches!(alg.family(), SigFamily::SlhDsa | SigFamily::Composite) {
            let raw = key.private_bytes().expect("raw");
            let der = pkcs8(0, &id, &raw[..raw.len() - 1], None);
            assert!(
                load_der_private_key(&der).is_err(),
                "{alg} truncated raw key"
            );
        }
    }
}

/// Small valid encodings of several algorithms and shapes, for the mutation tests.
fn sample_encodings() -> Vec<(bool, Vec<u8>)> {
    let mut out = Vec::new();
    let ml = mldsa_key(SigAlgorithm::MlDsa44, 6);
    for form in FORMS {
        out.push((true, private_key_to_der(&ml, form).expect("der").to_vec()));
    }
    let pk = ml.verifying_key().to_bytes();
    out.push((
        true,
        pkcs8(
            1,
            &alg_id(OID_MLDSA44, None),
            &tlv(0x80, &seed(6)),
            Some(&pk),
        ),
    ));
    out.push((false, public_key_to_der(&ml.verifying_key()).expect("spki")));
    for alg in [
        SigAlgorithm::Ed25519,
        SigAlgorithm::Ed448,
        SigAlgorithm::SlhDsaShake128f,
        SigAlgorithm::MlDsa44Ed25519,
        SigAlgorithm::MlDsa65P256,
    ]
    .into_iter()
    .filter(|&a| implemented(a))
    {
        let key = SigningKey::generate(alg).expect("generate");
        out.push((
            true,
            private_key_to_der(&key, MlDsaPrivateKeyForm::Seed)
                .expect("der")
                .to_vec(),
        ));
        out.push((
            false,
            public_key_to_der(&key.verifying_key()).expect("spki"),
        ));
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
        assert!(load_any(private, &der).is_ok());
        for len in 0..der.len() {
            match err_of(load_any(private, &der[..len])) {
                Error::Encoding(m) => assert!(
                    m.contains("truncated") || m.contains("ended") || m.contains("expected"),
                    "length {len}: {m}"
                ),
                // Cutting a raw key or a BIT STRING right at an element boundary leaves a
                // well-formed but short key.
                Error::InvalidLength { .. } | Error::InvalidKey(_) => {}
                other => panic!("length {len} of {}: unexpected {other:?}", der.len()),
            }
        }
    }
}

#[test]
fn every_single_byte_mutation_is_handled() {
    // No panic on any input; the header bytes of every sample flip through all values.
    for (private, der) in sample_encodings() {
        let header = der.len().min(40);
        for i in 0..header {
            for v in [0x00u8, 0x01, 0x04, 0x30, 0x7f, 0x80, 0x81, 0xa0, 0xff] {
                let mut m = der.clone();
                m[i] = v;
                let _ = load_any(private, &m);
                let _ = load_der_private_key_any(&m);
                let _ = load_der_public_key_any(&m);
            }
        }
    }
}

#[test]
fn trailing_garbage_is_rejected() {
    for (private, der) in sample_encodings() {
        let mut extra = der.clone();
        extra.push(0);
        expect_encoding_err(load_any(private, &extra), "trailing");
    }
    // Inside the privateKey OCTET STRING, after the CHOICE / CurvePrivateKey.
    let inner = cat(&[&tlv(0x80, &seed(1)), &[0x05, 0x00]]);
    expect_encoding_err(
        load_der_private_key(&pkcs8(0, &alg_id(OID_MLDSA44, None), &inner, None)),
        "trailing",
    );
    let inner = cat(&[&tlv(0x04, &[1u8; 32]), &[0x00]]);
    expect_encoding_err(
        load_der_private_key(&pkcs8(0, &alg_id(OID_ED25519, None), &inner, None)),
        "trailing",
    );
    let both = tlv(
        0x30,
        &cat(&[
            &tlv(0x04, &seed(1)),
            &tlv(0x04, &[0u8; 2560]),
            &[0x05, 0x00],
        ]),
    );
    expect_encoding_err(
        load_der_private_key(&pkcs8(0, &alg_id(OID_MLDSA44, None), &both, None)),
        "trailing",
    );
}

#[test]
fn wrong_tags_are_rejected() {
    let id = alg_id(OID_MLDSA44, None);
    // [1] primitive, [0] constructed, INTEGER, NULL: none is an ML-DSA CHOICE.
    for tag in [0x81u8, 0xA0, 0x02, 0x05] {
        let der = pkcs8(0, &id, &tlv(tag, &seed(1)), None);
        expect_encoding_err(load_der_private_key(&der), "expected seed [0]");
    }
    expect_encoding_err(load_der_private_key(&pkcs8(0, &id, &[], None)), "empty");
    // `both` whose elements are [0] instead of OCTET STRING.
    let both = tlv(
        0x30,
        &cat(&[&tlv(0x80, &seed(1)), &tlv(0x04, &[0u8; 2560])]),
    );
    expect_encoding_err(
        load_der_private_key(&pkcs8(0, &id, &both, None)),
        "`both` seed",
    );
    // Ed25519 CurvePrivateKey must be an OCTET STRING.
    let der = pkcs8(0, &alg_id(OID_ED25519, None), &tlv(0x80, &[1u8; 32]), None);
    expect_encoding_err(load_der_private_key(&der), "CurvePrivateKey");
    // A bare 32-byte Ed25519 key without the inner OCTET STRING (a common mistake).
    let der = pkcs8(0, &alg_id(OID_ED25519, None), &[1u8; 32], None);
    assert!(load_der_private_key(&der).is_err());
    // Outer structure: version 2, a SET instead of a SEQUENCE, BIT STRING with unused bits.
    let der = pkcs8(2, &id, &tlv(0x80, &seed(1)), None);
    expect_encoding_err(load_der_private_key(&der), "version");
    let mut der = pkcs8(0, &id, &tlv(0x80, &seed(1)), None);
    der[0] = 0x31;
    expect_encoding_err(load_der_private_key(&der), "expected SEQUENCE");
    let key = mldsa_key(SigAlgorithm::MlDsa44, 1);
    let pk = key.verifying_key().to_bytes();
    let bad_bits = tlv(0x30, &cat(&[&id, &tlv(0x03, &cat(&[&[1], &pk]))]));
    expect_encoding_err(load_der_public_key(&bad_bits), "unused bits");
    let octet = tlv(0x30, &cat(&[&id, &tlv(0x04, &pk)]));
    expect_encoding_err(load_der_public_key(&octet), "BIT STRING");
    // PEM with the wrong label.
    let pem = private_key_to_pem(&key, MlDsaPrivateKeyForm::Seed).expect("pem");
    let text = std::str::from_utf8(&pem)
        .expect("ascii")
        .replace("PRIVATE KEY", "PUBLIC KEY");
    expect_encoding_err(load_pem_private_key(text.as_bytes()), "label");
}

#[test]
fn unknown_oid_is_unsupported() {
    let der = pkcs8(
        0,
        &alg_id(OID_EC_PUBLIC_KEY, None),
        &tlv(0x04, &[1u8; 32]),
        None,
    );
    match err_of(load_der_private_key(&der)) {
        Error::UnsupportedAlgorithm(m) => {
            assert!(
                m.contains("1.2.840.10045.2.1") && m.contains("ML-DSA-44"),
                "{m}"
            )
        }
        other => panic!("expected UnsupportedAlgorithm, got {other:?}"),
    }
    match err_of(load_der_private_key_any(&der)) {
        Error::UnsupportedAlgorithm(m) => {
            assert!(m.contains("ML-KEM-768") && m.contains("Ed448"), "{m}")
        }
        other => panic!("expected UnsupportedAlgorithm, got {other:?}"),
    }
    let der = spki(&alg_id(OID_EC_PUBLIC_KEY, None), &[4u8; 65]);
    assert!(matches!(
        err_of(load_der_public_key(&der)),
        Error::UnsupportedAlgorithm(_)
    ));
    assert!(matches!(
        err_of(load_der_public_key_any(&der)),
        Error::UnsupportedAlgorithm(_)
    ));
    // A KEM OID given to the signature-only loader.
    let kem = DecapsulationKey::from_seed(KemAlgorithm::MlKem768, &[3u8; 64]).expect("kem");
    let der = pqpay_core::encoding::private_key_to_der(&kem, Default::default()).expect("kem der");
    assert!(matches!(
        err_of(load_der_private_key(&der)),
        Error::UnsupportedAlgorithm(_)
    ));
}

#[test]
fn any_loader_routes_kem_keys_to_the_kem_reader() {
    let kem = DecapsulationKey::from_seed(KemAlgorithm::MlKem768, &[3u8; 64]).expect("kem");
    let der = pqpay_core::encoding::private_key_to_der(&kem, Default::default()).expect("der");
    match load_der_private_key_any(&der).expect("any") {
        AnyPrivateKey::Kem(k) => assert_eq!(k.public_key().as_bytes(), kem.public_key().as_bytes()),
        AnyPrivateKey::Sig(_) => panic!("KEM key routed to the signature loader"),
    }
    let pem = pqpay_core::encoding::private_key_to_pem(&kem, Default::default()).expect("pem");
    assert!(matches!(
        load_pem_private_key_any(&pem).expect("any"),
        AnyPrivateKey::Kem(_)
    ));
    let spki_der = pqpay_core::encoding::public_key_to_der(&kem.public_key()).expect("spki");
    assert!(matches!(
        load_der_public_key_any(&spki_der).expect("any"),
        AnyPublicKey::Kem(_)
    ));
}

#[test]
fn parameters_must_be_absent() {
    let null = [0x05u8, 0x00];
    let der = pkcs8(
        0,
        &alg_id(OID_MLDSA44, Some(&null)),
        &tlv(0x80, &seed(1)),
        None,
    );
    expect_encoding_err(load_der_private_key(&der), "parameters must be absent");
    let der = pkcs8(
        0,
        &alg_id(OID_ED25519, Some(&null)),
        &tlv(0x04, &[1u8; 32]),
        None,
    );
    expect_encoding_err(load_der_private_key(&der), "parameters must be absent");
    let der = spki(&alg_id(OID_MLDSA65, Some(&null)), &[0u8; 1952]);
    expect_encoding_err(load_der_public_key(&der), "parameters must be absent");
}

#[test]
fn cryptography_vectors_package_files() {
    let Some(dir) = cryptography_vectors_dir() else {
        eprintln!("cryptography_vectors not installed: interop files not checked");
        return;
    };
    let read = |rel: &str| std::fs::read(dir.join(rel)).expect(rel);
    // ML-DSA-44 in the seed form, and its SPKI.
    let priv44 = read("asymmetric/MLDSA/mldsa44_priv.der");
    let key = load_der_private_key(&priv44).expect("mldsa44_priv.der");
    assert_eq!(key.algorithm(), SigAlgorithm::MlDsa44);
    let pub44 = load_der_public_key(&read("asymmetric/MLDSA/mldsa44_pub.der")).expect("pub");
    assert_eq!(key.verifying_key(), pub44);
    assert_eq!(
        &*private_key_to_der(&key, MlDsaPrivateKeyForm::Seed).expect("der"),
        &priv44[..]
    );
    // ML-DSA-65 expanded only: loads, has no seed, re-encodes byte-exact as expanded.
    let noseed = read("asymmetric/MLDSA/mldsa65_noseed_priv.der");
    let key = load_der_private_key(&noseed).expect("mldsa65_noseed_priv.der");
    assert_eq!(key.algorithm(), SigAlgorithm::MlDsa65);
    assert!(key.private_bytes().is_err());
    assert!(private_key_to_der(&key, MlDsaPrivateKeyForm::Seed).is_err());
    assert_eq!(
        &*private_key_to_der(&key, MlDsaPrivateKeyForm::Expanded).expect("der"),
        &noseed[..]
    );
    let sig = key.sign(b"m", b"", SigningMode::Hedged).expect("sign");
    key.verifying_key().verify(b"m", b"", &sig).expect("verify");
    // Ed25519 / Ed448: PKCS#8 and SPKI, DER and PEM, byte-exact re-encoding of the DER.
    for (name, alg) in [
        ("Ed25519/ed25519", SigAlgorithm::Ed25519),
        ("Ed448/ed448", SigAlgorithm::Ed448),
    ] {
        let der = read(&format!("asymmetric/{name}-pkcs8.der"));
        let key = load_der_private_key(&der).expect("pkcs8 der");
        assert_eq!(key.algorithm(), alg);
        let pem_key =
            load_pem_private_key(&read(&format!("asymmetric/{name}-pkcs8.pem"))).expect("pem");
        assert_eq!(pem_key.verifying_key(), key.verifying_key());
        assert_eq!(
            &*private_key_to_der(&key, MlDsaPrivateKeyForm::Seed).expect("der"),
            &der[..]
        );
        let pub_der = read(&format!("asymmetric/{name}-pub.der"));
        let vk: VerifyingKey = load_der_public_key(&pub_der).expect("pub der");
        assert_eq!(public_key_to_der(&vk).expect("spki"), pub_der);
        let vk_pem =
            load_pem_public_key(&read(&format!("asymmetric/{name}-pub.pem"))).expect("pem");
        assert_eq!(vk, vk_pem);
        // Encrypted PKCS#8 is refused with a typed error.
        let enc = read(&format!("asymmetric/{name}-pkcs8-enc.pem"));
        expect_encoding_err(load_pem_private_key(&enc), "encrypted");
        let enc = read(&format!("asymmetric/{name}-pkcs8-enc.der"));
        assert!(load_der_private_key(&enc).is_err());
    }
    // A BIT STRING with non-zero unused bits.
    let odd = read("asymmetric/Ed25519/ed25519-pub-non-zero-unused-bits.der");
    expect_encoding_err(load_der_public_key(&odd), "unused bits");
}
