//! Ed25519 and torsion (security review S-1): a key with a torsion component is refused at
//! parse, and `verify_many` gives the answers of single verification for a signature whose R
//! carries one (the old batch equation accepted it about half the time).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT as B, EIGHT_TORSION};
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use pqpay_core::sig::batch::{verify_many, VerifyItem};
use pqpay_core::sig::eddsa::Ed25519VerifyingKey;
use pqpay_core::sig::{SigAlgorithm, SigningKey, VerifyingKey};
use pqpay_core::Error;
use sha2::{Digest, Sha512};

fn scalar(byte: u8) -> Scalar {
    Scalar::from_bytes_mod_order_wide(&[byte; 64])
}

/// A signature with nonce point `r·B + torsion` under the key `a·B + key_torsion`.
fn sign_raw(
    a: Scalar,
    key_torsion: EdwardsPoint,
    r: Scalar,
    torsion: EdwardsPoint,
    m: &[u8],
) -> ([u8; 32], [u8; 64]) {
    let pk = (a * B + key_torsion).compress().to_bytes();
    let big_r = (r * B + torsion).compress().to_bytes();
    let k = Scalar::from_hash(
        Sha512::new()
            .chain_update(big_r)
            .chain_update(pk)
            .chain_update(m),
    );
    let s = r + k * a;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&big_r);
    sig[32..].copy_from_slice(s.as_bytes());
    (pk, sig)
}

#[test]
fn mixed_order_public_key_is_refused() {
    for t in &EIGHT_TORSION[1..] {
        let pk = (scalar(7) * B + t).compress().to_bytes();
        match Ed25519VerifyingKey::from_bytes(&pk) {
            Err(Error::InvalidKey(msg)) => assert!(msg.contains("prime-order subgroup"), "{msg}"),
            other => panic!("mixed-order key accepted: {other:?}"),
        }
        assert!(matches!(
            VerifyingKey::from_bytes(SigAlgorithm::Ed25519, &pk),
            Err(Error::InvalidKey(_))
        ));
    }
    // The same scalar without the torsion point is an ordinary key.
    let pk = (scalar(7) * B).compress().to_bytes();
    assert!(Ed25519VerifyingKey::from_bytes(&pk).is_ok());
}

#[test]
fn verify_many_rejects_a_torsioned_r_every_time() {
    let a = scalar(3);
    let identity = EIGHT_TORSION[0];
    let order_two = EIGHT_TORSION[4];
    let message = b"order 42".as_slice();
    // R = r·B + T2 with k = H(R || A || M) odd: S·B = R + k·A + T2, so strict verification fails,
    // while z·T2 = 0 for every even batch coefficient z.
    let (pk, bad_sig) = (1u8..=255)
        .map(|i| sign_raw(a, identity, scalar(i), order_two, message))
        .find(|(pk, sig)| {
            let k = Scalar::from_hash(
                Sha512::new()
                    .chain_update(&sig[..32])
                    .chain_update(pk)
                    .chain_update(message),
            );
            k.as_bytes()[0] & 1 == 1
        })
        .expect("some r gives an odd k");
    let key = VerifyingKey::from_bytes(SigAlgorithm::Ed25519, &pk).expect("torsion-free key");
    assert!(matches!(
        key.verify(message, b"", &bad_sig),
        Err(Error::InvalidSignature)
    ));

    let honest = SigningKey::from_private_bytes(SigAlgorithm::Ed25519, &[9u8; 32]).unwrap();
    let honest_key = honest.verifying_key();
    let messages: Vec<Vec<u8>> = (0u8..8).map(|i| vec![i; 40]).collect();
    let sigs: Vec<Vec<u8>> = messages
        .iter()
        .map(|m| {
            honest
                .sign(m, b"", pqpay_core::sig::SigningMode::Deterministic)
                .unwrap()
        })
        .collect();
    let mut items = vec![VerifyItem {
        key: &key,
        message,
        signature: &bad_sig,
        context: b"",
    }];
    for (m, s) in messages.iter().zip(&sigs) {
        items.push(VerifyItem {
            key: &honest_key,
            message: m,
            signature: s,
            context: b"",
        });
    }
    // Fresh randomness each call: the old equation passed this item in about half the calls.
    for _ in 0..64 {
        let got = verify_many(&items).unwrap();
        assert!(!got[0], "verify_many accepted what verify rejects");
        assert!(got[1..].iter().all(|&ok| ok));
    }
}

/// Keys derived from a seed skip the subgroup check (clamped scalar times the base point): for
/// many seeds, including the extreme ones, the derived public key passes the full check that keys
/// given as bytes get, and is the same key.
#[test]
fn seed_derived_public_keys_are_torsion_free() {
    let mut seeds: Vec<[u8; 32]> = vec![[0u8; 32], [0xff; 32]];
    seeds.extend((0u16..200).map(|i| {
        let d = Sha512::digest(i.to_le_bytes());
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&d[..32]);
        seed
    }));
    for seed in seeds {
        let sk = SigningKey::from_private_bytes(SigAlgorithm::Ed25519, &seed).unwrap();
        let pk = sk.verifying_key().to_bytes();
        let mut enc = [0u8; 32];
        enc.copy_from_slice(&pk);
        let point = curve25519_dalek::edwards::CompressedEdwardsY(enc)
            .decompress()
            .unwrap();
        assert!(point.is_torsion_free() && !point.is_small_order());
        let parsed = Ed25519VerifyingKey::from_bytes(&pk).unwrap();
        assert_eq!(parsed.as_bytes().as_slice(), pk.as_slice());
    }
}
