//! Ed25519 / Ed448: RFC 8032 answers, Wycheproof `ed25519_test.json` (single and batch must give
//! the same answers), batch verification, contexts and bad input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::type_complexity
)]

use std::path::{Path, PathBuf};

use pqpay_core::sig::batch::{sign_many, verify_many, VerifyItem};
use pqpay_core::sig::{SigAlgorithm, SigningKey, SigningMode, VerifyingKey};
use pqpay_core::Error;

fn shared_vectors() -> PathBuf {
    std::env::var_os("PQPAY_SHARED_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors"))
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

const ED25519_SK: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const ED25519_PK: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const ED25519_SIG: &str = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

#[test]
fn rfc8032_ed25519_test1() {
    let sk = SigningKey::from_private_bytes(SigAlgorithm::Ed25519, &unhex(ED25519_SK)).unwrap();
    assert_eq!(sk.verifying_key().to_bytes(), unhex(ED25519_PK));
    assert_eq!(*sk.private_bytes().unwrap(), unhex(ED25519_SK));
    for mode in [SigningMode::Hedged, SigningMode::Deterministic] {
        assert_eq!(sk.sign(b"", b"", mode).unwrap(), unhex(ED25519_SIG));
    }
    let vk = VerifyingKey::from_bytes(SigAlgorithm::Ed25519, &unhex(ED25519_PK)).unwrap();
    vk.verify(b"", b"", &unhex(ED25519_SIG)).unwrap();
    assert!(matches!(
        vk.verify(b"x", b"", &unhex(ED25519_SIG)),
        Err(Error::InvalidSignature)
    ));
}

#[test]
fn rfc8032_ed448_with_and_without_context() {
    let sk_hex = "c4eab05d357007c632f3dbb48489924d552b08fe0c353a0d4a1f00acda2c463afbea67c5e8d2877c5e3bc397a659949ef8021e954e0a12274e";
    let pk_hex = "43ba28f430cdff456ae531545f7ecd0ac834a55d9358c0372bfa0c6c6798c0866aea01eb00742802b8438ea4cb82169c235160627b4c3a9480";
    let no_ctx = "26b8f91727bd62897af15e41eb43c377efb9c610d48f2335cb0bd0087810f4352541b143c4b981b7e18f62de8ccdf633fc1bf037ab7cd779805e0dbcc0aae1cbcee1afb2e027df36bc04dcecbf154336c19f0af7e0a6472905e799f1953d2a0ff3348ab21aa4adafd1d234441cf807c03a00";
    let foo_ctx = "d4f8f6131770dd46f40867d6fd5d5055de43541f8c5e35abbcd001b32a89f7d2151f7647f11d8ca2ae279fb842d607217fce6e042f6815ea000c85741de5c8da1144a6a1aba7f96de42505d7a7298524fda538fccbbb754f578c1cad10d54d0d5428407e85dcbc98a49155c13764e66c3c00";
    let sk = SigningKey::from_private_bytes(SigAlgorithm::Ed448, &unhex(sk_hex)).unwrap();
    let vk = sk.verifying_key();
    assert_eq!(vk.to_bytes(), unhex(pk_hex));
    assert_eq!(*sk.private_bytes().unwrap(), unhex(sk_hex));
    assert_eq!(
        sk.sign(&[3], b"", SigningMode::Hedged).unwrap(),
        unhex(no_ctx)
    );
    assert_eq!(
        sk.sign(&[3], b"foo", SigningMode::Deterministic).unwrap(),
        unhex(foo_ctx)
    );
    vk.verify(&[3], b"foo", &unhex(foo_ctx)).unwrap();
    vk.verify(&[3], b"", &unhex(no_ctx)).unwrap();
    // The context is bound: the same signature under another context fails.
    assert!(matches!(
        vk.verify(&[3], b"", &unhex(foo_ctx)),
        Err(Error::InvalidSignature)
    ));
    assert!(matches!(
        vk.verify(&[3], b"fop", &unhex(foo_ctx)),
        Err(Error::InvalidSignature)
    ));
}

#[test]
fn ed25519_rejects_a_context() {
    let sk = SigningKey::generate(SigAlgorithm::Ed25519).unwrap();
    let vk = sk.verifying_key();
    let sig = sk.sign(b"m", b"", SigningMode::Hedged).unwrap();
    let e = sk.sign(b"m", b"c", SigningMode::Hedged).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidArgument(m) if m.contains("Ed25519 takes no context")),
        "{e:?}"
    );
    assert!(matches!(
        vk.verify(b"m", b"c", &sig),
        Err(Error::InvalidArgument(_))
    ));
    let item = VerifyItem {
        key: &vk,
        message: b"m",
        signature: &sig,
        context: b"c",
    };
    assert!(matches!(
        verify_many(&[item]),
        Err(Error::InvalidArgument(_))
    ));
    let long = vec![0u8; 256];
    let ed448 = SigningKey::generate(SigAlgorithm::Ed448).unwrap();
    assert!(matches!(
        ed448.sign(b"m", &long, SigningMode::Hedged),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn bad_sizes_and_encodings() {
    for (alg, n) in [(SigAlgorithm::Ed25519, 32), (SigAlgorithm::Ed448, 57)] {
        for len in [0, n - 1, n + 1] {
            assert!(matches!(
                SigningKey::from_private_bytes(alg, &vec![1u8; len]),
                Err(Error::InvalidLength { got, .. }) if got == len
            ));
            assert!(matches!(
                VerifyingKey::from_bytes(alg, &vec![1u8; len]),
                Err(Error::InvalidLength { got, .. }) if got == len
            ));
        }
        let sk = SigningKey::generate(alg).unwrap();
        let vk = sk.verifying_key();
        let sig = sk.sign(b"msg", b"", SigningMode::Hedged).unwrap();
        for cut in [0, 1, sig.len() - 1] {
            assert!(matches!(
                vk.verify(b"msg", b"", &sig[..cut]),
                Err(Error::InvalidSignature)
            ));
        }
        let mut long = sig.clone();
        long.push(0);
        assert!(matches!(
            vk.verify(b"msg", b"", &long),
            Err(Error::InvalidSignature)
        ));
    }
    // Ed25519: the identity (small order) and y = p (non-canonical encoding of y = 0).
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut y_p = [0xffu8; 32];
    y_p[0] = 0xed;
    y_p[31] = 0x7f;
    for pk in [identity, y_p] {
        assert!(matches!(
            VerifyingKey::from_bytes(SigAlgorithm::Ed25519, &pk),
            Err(Error::InvalidKey(_))
        ));
    }
    // Ed448: a y that is not on the curve's encoding rules (low bits of the last byte set).
    let sk = SigningKey::generate(SigAlgorithm::Ed448).unwrap();
    let mut pk = sk.verifying_key().to_bytes();
    pk[56] |= 0x01;
    assert!(matches!(
        VerifyingKey::from_bytes(SigAlgorithm::Ed448, &pk),
        Err(Error::InvalidKey(_))
    ));
    let mut ident = [0u8; 57];
    ident[0] = 1;
    assert!(matches!(
        VerifyingKey::from_bytes(SigAlgorithm::Ed448, &ident),
        Err(Error::InvalidKey(_))
    ));
}

#[test]
fn debug_is_redacted() {
    let sk = SigningKey::from_private_bytes(SigAlgorithm::Ed25519, &unhex(ED25519_SK)).unwrap();
    let shown = format!("{sk:?} {:?}", sk.inner().as_any().type_id());
    assert!(!shown.contains("9d61"), "{shown}");
}

#[derive(serde::Deserialize)]
struct WpDoc {
    #[serde(rename = "numberOfTests")]
    number_of_tests: usize,
    #[serde(rename = "testGroups")]
    groups: Vec<WpGroup>,
}

#[derive(serde::Deserialize)]
struct WpGroup {
    #[serde(rename = "publicKey")]
    public_key: WpKey,
    tests: Vec<WpTest>,
}

#[derive(serde::Deserialize)]
struct WpKey {
    pk: String,
}

#[derive(serde::Deserialize)]
struct WpTest {
    #[serde(rename = "tcId")]
    tc_id: u64,
    msg: String,
    sig: String,
    result: String,
}

#[test]
fn wycheproof_ed25519_single_and_batch_agree() {
    let path = shared_vectors().join("wycheproof/testvectors_v1/ed25519_test.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let doc: WpDoc = serde_json::from_str(&text).unwrap();
    let mut cases: Vec<(VerifyingKey, Vec<u8>, Vec<u8>, bool, u64)> = Vec::new();
    let mut ran = 0;
    for g in &doc.groups {
        let key = VerifyingKey::from_bytes(SigAlgorithm::Ed25519, &unhex(&g.public_key.pk));
        for t in &g.tests {
            ran += 1;
            let valid = t.result == "valid";
            assert!(valid || t.result == "invalid", "tcId {}", t.tc_id);
            let key = match &key {
                Ok(k) => k.clone(),
                Err(_) => {
                    assert!(!valid, "tcId {}: key rejected", t.tc_id);
                    continue;
                }
            };
            let (msg, sig) = (unhex(&t.msg), unhex(&t.sig));
            let single = key.verify(&msg, b"", &sig);
            assert_eq!(single.is_ok(), valid, "tcId {}", t.tc_id);
            if let Err(e) = single {
                assert!(matches!(e, Error::InvalidSignature), "tcId {}", t.tc_id);
            }
            cases.push((key, msg, sig, valid, t.tc_id));
        }
    }
    assert_eq!(ran, doc.number_of_tests);
    let items: Vec<VerifyItem<'_>> = cases
        .iter()
        .map(|(key, msg, sig, _, _)| VerifyItem {
            key,
            message: msg,
            signature: sig,
            context: b"",
        })
        .collect();
    // Whole file as one batch (mixed valid and invalid), the valid ones only (the batch equation
    // itself accepts), and every item on its own; repeated since the batch randomness is fresh.
    for _ in 0..2 {
        let got = verify_many(&items).unwrap();
        for ((_, _, _, valid, id), ok) in cases.iter().zip(&got) {
            assert_eq!(ok, valid, "tcId {id} in a batch");
        }
        let valid_items: Vec<VerifyItem<'_>> = items
            .iter()
            .zip(&cases)
            .filter(|(_, c)| c.3)
            .map(|(i, _)| VerifyItem { ..*i })
            .collect();
        assert!(verify_many(&valid_items).unwrap().iter().all(|&b| b));
        for (item, (_, _, _, valid, id)) in items.iter().zip(&cases) {
            // Each invalid item among valid ones: only it fails.
            let mut batch: Vec<VerifyItem<'_>> = valid_items
                .iter()
                .take(7)
                .map(|i| VerifyItem { ..*i })
                .collect();
            batch.push(VerifyItem { ..*item });
            let got = verify_many(&batch).unwrap();
            assert!(got[..got.len() - 1].iter().all(|&b| b), "tcId {id}");
            assert_eq!(got[got.len() - 1], *valid, "tcId {id} among valid items");
        }
    }
}

#[test]
fn verify_many_mixed_algorithms_reports_failures() {
    let ed25519: Vec<SigningKey> = (0..5)
        .map(|_| SigningKey::generate(SigAlgorithm::Ed25519).unwrap())
        .collect();
    let ed448 = SigningKey::generate(SigAlgorithm::Ed448).unwrap();
    let mut owned: Vec<(VerifyingKey, Vec<u8>, Vec<u8>, Vec<u8>)> = Vec::new();
    for i in 0..300usize {
        let msg = format!("message {i}").into_bytes();
        if i % 7 == 3 {
            let ctx = b"ctx".to_vec();
            let sig = ed448.sign(&msg, &ctx, SigningMode::Hedged).unwrap();
            owned.push((ed448.verifying_key(), msg, sig, ctx));
        } else {
            let k = &ed25519[i % ed25519.len()];
            let sig = k.sign(&msg, b"", SigningMode::Hedged).unwrap();
            owned.push((k.verifying_key(), msg, sig, Vec::new()));
        }
    }
    let bad: Vec<usize> = vec![0, 3, 17, 150, 151, 299];
    for &i in &bad {
        owned[i].2[10] ^= 0x40;
    }
    let items: Vec<VerifyItem<'_>> = owned
        .iter()
        .map(|(k, m, s, c)| VerifyItem {
            key: k,
            message: m,
            signature: s,
            context: c,
        })
        .collect();
    let got = verify_many(&items).unwrap();
    let failed: Vec<usize> = (0..got.len()).filter(|&i| !got[i]).collect();
    assert_eq!(failed, bad);
    assert!(verify_many(&[]).unwrap().is_empty());
}

#[test]
fn sign_many_round_trip() {
    for alg in [SigAlgorithm::Ed25519, SigAlgorithm::Ed448] {
        let sk = SigningKey::generate(alg).unwrap();
        let msgs: Vec<Vec<u8>> = (0..20u8).map(|i| vec![i; i as usize]).collect();
        let sigs = sign_many(&sk, &msgs, b"", SigningMode::Hedged).unwrap();
        let vk = sk.verifying_key();
        assert_eq!(sigs.len(), msgs.len());
        for (m, s) in msgs.iter().zip(sigs.iter()) {
            vk.verify(m, b"", s).unwrap();
        }
        let reloaded = SigningKey::from_private_bytes(alg, &sk.private_bytes().unwrap()).unwrap();
        assert_eq!(reloaded.verifying_key(), vk);
    }
}
