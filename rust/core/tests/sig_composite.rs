//! Composite ML-DSA (draft-ietf-lamps-pq-composite-sigs-19): the M' construction against the
//! draft's worked examples, the draft's test vectors for the five offered combinations, round
//! trips and rejection of malformed input.
//!
//! Reads `composite/` in the shared vector folder: `PQPAY_SHARED_VECTORS`, else
//! `PQPAY_SHARED_DIR/vectors`, else `../shared/vectors` beside the work tree.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;
use common::{b64, shared_vectors};

use pqpay_core::sig::composite::{label, message_representative, PREFIX};
use pqpay_core::sig::{SigAlgorithm, SigningKey, SigningMode, VerifyingKey};
use pqpay_core::Error;
use serde_json::Value;

fn read_shared(rel: &str) -> String {
    let path = shared_vectors().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The hex value following `key:` in a messageFormatSample file, joined over wrapped lines
/// (up to the next blank line); `None` for `<empty>`.
fn md_value(text: &str, key: &str) -> Option<Vec<u8>> {
    let mut lines = text.lines();
    let first = lines
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .unwrap_or_else(|| panic!("no {key:?} in the sample"));
    let first = first.trim();
    if first == "<empty>" {
        return None;
    }
    let mut hex_text: String = first.to_string();
    for l in lines {
        let l = l.trim();
        if l.is_empty() || l.contains(':') {
            break;
        }
        hex_text.push_str(l);
    }
    Some(hex::decode(hex_text).expect("hex in the sample"))
}

#[test]
fn message_representative_matches_draft_samples() {
    for file in [
        "composite/messageFormatSample_ctx.md",
        "composite/messageFormatSample_noctx.md",
    ] {
        let text = read_shared(file);
        assert!(text.contains("id-MLDSA65-ECDSA-P256-SHA512"));
        let alg = SigAlgorithm::MlDsa65P256;
        let m = md_value(&text, "M").unwrap();
        let ctx = md_value(&text, "ctx").unwrap_or_default();
        let label_line = text
            .lines()
            .find_map(|l| l.strip_prefix("Label:"))
            .unwrap()
            .trim();
        assert_eq!(label(alg).unwrap(), label_line.as_bytes(), "{file}: Label");
        assert_eq!(
            PREFIX.as_slice(),
            md_value(&text, "Prefix").unwrap(),
            "{file}: Prefix"
        );
        let m_prime = message_representative(alg, &m, &ctx).unwrap();
        let ph = md_value(&text, "PH(M)").unwrap();
        assert_eq!(
            &m_prime[m_prime.len() - 64..],
            ph.as_slice(),
            "{file}: PH(M)"
        );
        assert_eq!(m_prime, md_value(&text, "M'").unwrap(), "{file}: M'");
    }
}

#[test]
fn message_representative_rejects_long_context() {
    let alg = SigAlgorithm::MlDsa65Ed25519;
    assert!(message_representative(alg, b"m", &[0u8; 255]).is_ok());
    assert!(matches!(
        message_representative(alg, b"m", &[0u8; 256]),
        Err(Error::InvalidArgument(_))
    ));
    // Ed448's pre-hash is SHAKE256 with 64 bytes of output.
    let mp = message_representative(SigAlgorithm::MlDsa87Ed448, b"", b"").unwrap();
    assert_eq!(
        mp.len(),
        32 + label(SigAlgorithm::MlDsa87Ed448).unwrap().len() + 1 + 64
    );
}

const OFFERED: [(&str, SigAlgorithm); 5] = [
    ("id-MLDSA44-Ed25519-SHA512", SigAlgorithm::MlDsa44Ed25519),
    ("id-MLDSA65-Ed25519-SHA512", SigAlgorithm::MlDsa65Ed25519),
    ("id-MLDSA87-Ed448-SHAKE256", SigAlgorithm::MlDsa87Ed448),
    ("id-MLDSA65-ECDSA-P256-SHA512", SigAlgorithm::MlDsa65P256),
    ("id-MLDSA87-ECDSA-P384-SHA512", SigAlgorithm::MlDsa87P384),
];

#[test]
fn draft_test_vectors() {
    let doc: Value = serde_json::from_str(&read_shared("composite/testvectors.json")).unwrap();
    let m = b64(doc["m"].as_str().unwrap());
    let ctx = b64(doc["ctx"].as_str().unwrap());
    let mut ran = 0;
    for t in doc["tests"].as_array().unwrap() {
        let id = t["tcId"].as_str().unwrap();
        let Some(&(_, alg)) = OFFERED.iter().find(|(name, _)| *name == id) else {
            continue;
        };
        let field = |k: &str| b64(t[k].as_str().unwrap());
        let pk =
            VerifyingKey::from_bytes(alg, &field("pk")).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(pk.to_bytes(), field("pk"), "{id}");
        let sk = SigningKey::from_private_bytes(alg, &field("sk")).unwrap();
        assert_eq!(sk.verifying_key(), pk, "{id}: sk does not give pk");
        assert_eq!(
            *sk.private_bytes().unwrap(),
            field("sk"),
            "{id}: sk round trip"
        );
        pk.verify(&m, b"", &field("s"))
            .unwrap_or_else(|e| panic!("{id}: s: {e}"));
        pk.verify(&m, &ctx, &field("sWithContext"))
            .unwrap_or_else(|e| panic!("{id}: sWithContext: {e}"));
        assert_eq!(
            pk.verify(&m, &ctx, &field("s")),
            Err(Error::InvalidSignature)
        );
        for mode in [SigningMode::Hedged, SigningMode::Deterministic] {
            let sig = sk.sign(&m, &ctx, mode).unwrap();
            pk.verify(&m, &ctx, &sig).unwrap();
        }
        ran += 1;
    }
    assert_eq!(ran, OFFERED.len());
}

#[test]
fn round_trip_tamper_and_bad_input() {
    for (_, alg) in OFFERED {
        let sk = SigningKey::generate(alg).unwrap();
        let pk = sk.verifying_key();
        let sk_bytes = sk.private_bytes().unwrap();
        assert!(format!("{sk:?}").contains("redacted"));
        let again = SigningKey::from_private_bytes(alg, &sk_bytes).unwrap();
        assert_eq!(again.verifying_key(), pk);
        let sig = sk.sign(b"msg", b"ctx", SigningMode::Hedged).unwrap();
        pk.verify(b"msg", b"ctx", &sig).unwrap();
        assert_eq!(pk.verify(b"msg", b"", &sig), Err(Error::InvalidSignature));
        assert_eq!(
            pk.verify(b"msG", b"ctx", &sig),
            Err(Error::InvalidSignature)
        );
        // Deterministic mode is deterministic on both halves.
        let d1 = sk.sign(b"msg", b"", SigningMode::Deterministic).unwrap();
        assert_eq!(
            d1,
            sk.sign(b"msg", b"", SigningMode::Deterministic).unwrap()
        );
        // A flipped bit in either half, a truncation, or an extra byte fails.
        for i in [0, sig.len() / 2, sig.len() - 1] {
            let mut bad = sig.clone();
            bad[i] ^= 0x01;
            assert_eq!(
                pk.verify(b"msg", b"ctx", &bad),
                Err(Error::InvalidSignature)
            );
        }
        assert_eq!(
            pk.verify(b"msg", b"ctx", &sig[..sig.len() - 1]),
            Err(Error::InvalidSignature)
        );
        let mut longer = sig.clone();
        longer.push(0);
        assert_eq!(
            pk.verify(b"msg", b"ctx", &longer),
            Err(Error::InvalidSignature)
        );
        assert_eq!(pk.verify(b"msg", b"ctx", &[]), Err(Error::InvalidSignature));
        // Context over 255 bytes: a caller error on both sides.
        assert!(matches!(
            sk.sign(b"m", &[0u8; 256], SigningMode::Hedged),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            pk.verify(b"m", &[0u8; 256], &sig),
            Err(Error::InvalidArgument(_))
        ));
        // Wrong sizes.
        let pk_bytes = pk.to_bytes();
        for n in [0, pk_bytes.len() - 1, pk_bytes.len() + 1] {
            let mut v = pk_bytes.clone();
            v.resize(n, 0);
            assert!(matches!(
                VerifyingKey::from_bytes(alg, &v),
                Err(Error::InvalidLength { .. })
            ));
        }
        for n in [0, 32, sk_bytes.len() - 1] {
            assert!(SigningKey::from_private_bytes(alg, &sk_bytes[..n]).is_err());
        }
    }
}

#[test]
fn swapped_component_signatures_fail() {
    let alg = SigAlgorithm::MlDsa65Ed25519;
    let sk = SigningKey::generate(alg).unwrap();
    let pk = sk.verifying_key();
    let a = sk.sign(b"a", b"", SigningMode::Hedged).unwrap();
    let b = sk.sign(b"b", b"", SigningMode::Hedged).unwrap();
    let mixed = [&a[..3309], &b[3309..]].concat();
    assert_eq!(pk.verify(b"a", b"", &mixed), Err(Error::InvalidSignature));
    assert_eq!(pk.verify(b"b", b"", &mixed), Err(Error::InvalidSignature));
}
