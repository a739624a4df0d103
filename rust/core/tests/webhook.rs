//! `webhook::RsaCertificate`: certificates and SHA256withRSA signatures written by
//! pyca/cryptography (`vectors/webhook_certs/`, generator `generate.py` there), and malformed
//! input (every truncation, every byte flip) that must fail cleanly, never panic.

// Test code: failing loudly is the point.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;

use pqpay_core::webhook::RsaCertificate;
use pqpay_core::Error;
use serde::Deserialize;

#[derive(Deserialize)]
struct Manifest {
    message: String,
    certificates: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    kind: String,
    key_bits: usize,
    not_before: i64,
    not_after: i64,
    public_key_pkcs1: Option<String>,
    signature: Option<String>,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../vectors/webhook_certs")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn manifest() -> Manifest {
    serde_json::from_slice(&read("manifest.json")).unwrap()
}

#[test]
fn rsa_certificates_match_pyca_and_verify() {
    let m = manifest();
    let mut checked = 0;
    for entry in m
        .certificates
        .iter()
        .filter(|e| e.kind == "rsa" && e.key_bits >= 2048)
    {
        let cert = RsaCertificate::from_der(&read(&format!("{}.der", entry.name))).unwrap();
        assert_eq!(cert.key_bits(), entry.key_bits, "{}", entry.name);
        assert_eq!(cert.not_before(), entry.not_before, "{}", entry.name);
        assert_eq!(cert.not_after(), entry.not_after, "{}", entry.name);
        let pkcs1 = hex::decode(entry.public_key_pkcs1.as_ref().unwrap()).unwrap();
        assert_eq!(cert.public_key_der(), pkcs1.as_slice(), "{}", entry.name);
        assert!(cert.is_valid_at(entry.not_before) && cert.is_valid_at(entry.not_after));
        assert!(!cert.is_valid_at(entry.not_before - 1) && !cert.is_valid_at(entry.not_after + 1));

        let sig = hex::decode(entry.signature.as_ref().unwrap()).unwrap();
        cert.verify_pkcs1_sha256(m.message.as_bytes(), &sig)
            .unwrap();
        let mut other = m.message.clone().into_bytes();
        other[0] ^= 1;
        assert_eq!(
            cert.verify_pkcs1_sha256(&other, &sig),
            Err(Error::InvalidSignature)
        );
        for i in [0, sig.len() / 2, sig.len() - 1] {
            let mut bad = sig.clone();
            bad[i] ^= 0x40;
            assert_eq!(
                cert.verify_pkcs1_sha256(m.message.as_bytes(), &bad),
                Err(Error::InvalidSignature)
            );
        }
        assert_eq!(
            cert.verify_pkcs1_sha256(m.message.as_bytes(), &sig[1..]),
            Err(Error::InvalidSignature)
        );
        assert_eq!(
            cert.verify_pkcs1_sha256(m.message.as_bytes(), &[]),
            Err(Error::InvalidSignature)
        );
        checked += 1;
    }
    assert_eq!(checked, 2, "rsa2048 and rsa4096");
}

#[test]
fn a_certificate_does_not_verify_another_keys_signature() {
    let m = manifest();
    let by_name = |n: &str| m.certificates.iter().find(|e| e.name == n).unwrap();
    let cert_2048 = RsaCertificate::from_der(&read("rsa2048.der")).unwrap();
    let sig_4096 = hex::decode(by_name("rsa4096").signature.as_ref().unwrap()).unwrap();
    assert_eq!(
        cert_2048.verify_pkcs1_sha256(m.message.as_bytes(), &sig_4096),
        Err(Error::InvalidSignature)
    );
}

#[test]
fn pem_and_der_agree_and_from_bytes_detects_the_form() {
    let der = RsaCertificate::from_der(&read("rsa2048.der")).unwrap();
    let pem = RsaCertificate::from_pem(&read("rsa2048.pem")).unwrap();
    assert_eq!(der, pem);
    assert_eq!(
        RsaCertificate::from_bytes(&read("rsa2048.pem")).unwrap(),
        der
    );
    assert_eq!(
        RsaCertificate::from_bytes(&read("rsa2048.der")).unwrap(),
        der
    );
    let mut framed = b"subject=...\n".to_vec();
    framed.extend(read("rsa2048.pem"));
    framed.extend(b"trailing text\n");
    assert_eq!(RsaCertificate::from_pem(&framed).unwrap(), der);
    // Debug shows no key material.
    let debug = format!("{der:?}");
    assert!(
        debug.contains("2048") && !debug.contains(&format!("{:02x}", der.public_key_der()[20]))
    );
}

#[test]
fn weak_and_non_rsa_keys_are_refused() {
    match RsaCertificate::from_der(&read("rsa1024.der")) {
        Err(Error::InvalidKey(m)) => assert!(m.contains("1024 bits"), "{m}"),
        other => panic!("rsa1024: {other:?}"),
    }
    match RsaCertificate::from_der(&read("ec_p256.der")) {
        Err(Error::UnsupportedAlgorithm(m)) => assert!(m.contains("1.2.840.10045.2.1"), "{m}"),
        other => panic!("ec_p256: {other:?}"),
    }
}

#[test]
fn every_truncation_fails_cleanly() {
    let der = read("rsa2048.der");
    for n in 0..der.len() {
        assert!(
            RsaCertificate::from_der(&der[..n]).is_err(),
            "prefix of {n} bytes"
        );
    }
    let mut longer = der.clone();
    longer.push(0);
    assert!(matches!(
        RsaCertificate::from_der(&longer),
        Err(Error::Encoding(_))
    ));
}

#[test]
fn every_byte_flip_is_handled_without_panicking() {
    let der = read("rsa2048.der");
    let good = RsaCertificate::from_der(&der).unwrap();
    // From the rsaEncryption OID to the end of the RSAPublicKey, and the two times.
    let oid = [
        0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01,
    ];
    let oid_pos = der.windows(oid.len()).position(|w| w == oid).unwrap();
    let key_pos = der
        .windows(good.public_key_der().len())
        .position(|w| w == good.public_key_der())
        .unwrap();
    let key_region = oid_pos..key_pos + good.public_key_der().len();
    let time_pos = der.windows(13).position(|w| w == b"260101000000Z").unwrap();
    let time_region = time_pos..time_pos + 15 + 13;
    for i in 0..der.len() {
        for mask in [0x01u8, 0x80] {
            let mut bad = der.clone();
            bad[i] ^= mask;
            // Flips in fields this reader skips (names, extensions, the issuer's signature)
            // still parse. A flip in the key or the validity must never give back the same
            // key or times: it is refused or visibly changes them.
            if let Ok(cert) = RsaCertificate::from_der(&bad) {
                if key_region.contains(&i) {
                    assert_ne!(cert.public_key_der(), good.public_key_der(), "flip at {i}");
                }
                if time_region.contains(&i) {
                    assert_ne!(
                        (cert.not_before(), cert.not_after()),
                        (good.not_before(), good.not_after()),
                        "flip at {i}"
                    );
                }
            }
        }
    }
}

#[test]
fn malformed_pem() {
    for bad in [
        &b""[..],
        b"-----BEGIN CERTIFICATE-----\n",
        b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n",
    ] {
        assert!(
            matches!(RsaCertificate::from_pem(bad), Err(Error::Encoding(_))),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn invalid_times_are_refused() {
    // notAfter's UTCTime in rsa2048.der is "360101000000Z": make it the 32nd of January.
    let der = read("rsa2048.der");
    let pos = der
        .windows(13)
        .position(|w| w == b"360101000000Z")
        .expect("notAfter UTCTime");
    let mut bad = der.clone();
    bad[pos + 4..pos + 6].copy_from_slice(b"32");
    match RsaCertificate::from_der(&bad) {
        Err(Error::Encoding(m)) => assert!(m.contains("notAfter"), "{m}"),
        other => panic!("{other:?}"),
    }
    let mut bad = der.clone();
    bad[pos + 12] = b'+';
    assert!(matches!(
        RsaCertificate::from_der(&bad),
        Err(Error::Encoding(_))
    ));
}
