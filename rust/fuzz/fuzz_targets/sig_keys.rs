//! Raw signature public and private keys of every algorithm (ML-DSA, Ed25519, Ed448, SLH-DSA,
//! the five composites). An accepted key is its own canonical encoding, and a signature that
//! verifies under it (the seeds carry vector signatures) fails for another message or with one
//! bit changed; an accepted private key signs messages
//! its public key verifies, and only those (SLH-DSA keys are checked but do not sign here:
//! their signing is milliseconds to seconds, `sig_verify_slhdsa` covers verification).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqpay_core::sig::{SigAlgorithm, SigFamily, SigningKey, VerifyingKey};
use pqpay_fuzz::{fast_signer, Input, DET, SIGS};

/// SLH-DSA private keys recompute PK.root (one XMSS tree): only the fast `f` sets at 128 bits.
fn cheap_private(alg: SigAlgorithm) -> bool {
    alg.family() != SigFamily::SlhDsa
        || matches!(
            alg,
            SigAlgorithm::SlhDsaSha2_128f | SigAlgorithm::SlhDsaShake128f
        )
}

fn context(alg: SigAlgorithm, ctx: &[u8]) -> &[u8] {
    if alg == SigAlgorithm::Ed25519 {
        b""
    } else {
        ctx
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let alg = input.pick(SIGS);
    let mode = input.byte();
    let msg = input.short(64);
    let ctx = context(alg, input.short(255));
    let sig = input.long();
    let key = input.rest();

    if mode & 1 == 0 {
        let Ok(vk) = VerifyingKey::from_bytes(alg, key) else {
            return;
        };
        assert_eq!(vk.algorithm(), alg);
        assert_eq!(vk.to_bytes(), key, "the public key is not its own encoding");
        if fast_signer(alg) && vk.verify(msg, ctx, sig).is_ok() {
            // A real signature (the seeds hold vector signatures): bound to its message, and
            // a single changed bit breaks it.
            let mut other = msg.to_vec();
            other.push(0x5A);
            assert!(
                vk.verify(&other, ctx, sig).is_err(),
                "a {alg} signature verified for another message"
            );
            let mut flipped = sig.to_vec();
            let bit = usize::from(mode >> 1) % (8 * flipped.len());
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert!(
                vk.verify_strict(msg, ctx, &flipped).is_err(),
                "a bit-flipped {alg} signature verified"
            );
        }
        return;
    }
    if !cheap_private(alg) {
        return;
    }
    let Ok(sk) = SigningKey::from_private_bytes(alg, key) else {
        return;
    };
    assert_eq!(sk.algorithm(), alg);
    let raw = sk.private_bytes().expect("raw private bytes");
    assert_eq!(
        raw.as_slice(),
        key,
        "the private key is not its own encoding"
    );
    let vk = sk.verifying_key();
    let vk2 = VerifyingKey::from_bytes(alg, &vk.to_bytes()).expect("own public key loads");
    assert!(vk2 == vk);
    if !fast_signer(alg) {
        return;
    }
    let s = sk.sign(msg, ctx, DET).expect("sign");
    vk.verify(msg, ctx, &s).expect("own signature verifies");
    vk.verify_strict(msg, ctx, &s)
        .expect("own signature is strict");
    let mut other = msg.to_vec();
    other.push(0x5A);
    assert!(
        vk.verify(&other, ctx, &s).is_err(),
        "a signature verified for another message"
    );
    if mode & 2 == 2 {
        let hedged = sk
            .sign(msg, ctx, pqpay_core::sig::SigningMode::Hedged)
            .expect("hedged sign");
        vk.verify(msg, ctx, &hedged)
            .expect("hedged signature verifies");
    }
});
