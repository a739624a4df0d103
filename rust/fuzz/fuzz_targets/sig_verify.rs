//! Signatures under fixed keys of every fast family: ML-DSA-44/65/87, Ed25519, Ed448 and the
//! five composites. Half the inputs carry the signature itself, with fuzzer-chosen message and
//! context; the other half change one of the key's own signatures (made once, at start-up,
//! over a few fixed messages and contexts) in a few fuzzer-chosen bytes and its length, so the
//! verifiers' deep paths (hint decoding, norm checks, the second half of a composite) are
//! reached. Verification and strict verification agree but for the malleable ECDSA half; no
//! second encoding of an Ed25519/Ed448 signature verifies; no changed signature verifies
//! strictly; a signature is bound to its message and context (checked on one input in eight:
//! it asks for two more verifications and reads nothing new from the fuzzer).
//!
//! Signing once per key and message rather than once per input makes an input about three
//! times cheaper here, which is what lets a run reach millions of inputs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqpay_core::sig::SigAlgorithm;
use pqpay_fuzz::{fixed_signer, FixedSigner, Input, DET};
use std::sync::OnceLock;

const ALGS: &[SigAlgorithm] = &[
    SigAlgorithm::MlDsa44,
    SigAlgorithm::MlDsa65,
    SigAlgorithm::MlDsa87,
    SigAlgorithm::Ed25519,
    SigAlgorithm::Ed448,
    SigAlgorithm::MlDsa44Ed25519,
    SigAlgorithm::MlDsa65Ed25519,
    SigAlgorithm::MlDsa87Ed448,
    SigAlgorithm::MlDsa65P256,
    SigAlgorithm::MlDsa87P384,
];

fn signers() -> &'static [FixedSigner] {
    static S: OnceLock<Vec<FixedSigner>> = OnceLock::new();
    S.get_or_init(|| ALGS.iter().map(|&a| fixed_signer(a)).collect())
}

/// The fixed messages and contexts the own signatures are made over (the empty context for
/// Ed25519, which has none).
const SIGNED: [(&[u8], &[u8]); 4] = [
    (b"", b""),
    (b"fuzz message", b"fuzz"),
    (&[0u8; 64], &[0xA5; 255]),
    (b"{\"amount\":\"10.00\",\"currency\":\"EUR\"}", b"payment"),
];

fn context_of(alg: SigAlgorithm, ctx: &'static [u8]) -> &'static [u8] {
    if alg == SigAlgorithm::Ed25519 {
        b""
    } else {
        ctx
    }
}

/// `own()[alg][i]`: each key's deterministic signature over `SIGNED[i]`, checked to verify.
fn own() -> &'static [Vec<Vec<u8>>] {
    static S: OnceLock<Vec<Vec<Vec<u8>>>> = OnceLock::new();
    S.get_or_init(|| {
        ALGS.iter()
            .zip(signers())
            .map(|(&alg, FixedSigner { sk, vk })| {
                SIGNED
                    .iter()
                    .map(|&(msg, ctx)| {
                        let ctx = context_of(alg, ctx);
                        let sig = sk.sign(msg, ctx, DET).expect("sign");
                        vk.verify_strict(msg, ctx, &sig)
                            .expect("own signature verifies");
                        sig
                    })
                    .collect()
            })
            .collect()
    })
}

/// The key's own signature with up to four fuzzer-chosen byte changes and a length change.
fn mutate(own: &[u8], input: &mut Input<'_>) -> Vec<u8> {
    let mut sig = own.to_vec();
    for _ in 0..=(input.byte() % 4) {
        let at = usize::from(input.u16()) % sig.len();
        sig[at] ^= input.byte();
    }
    match input.byte() {
        0xF0..=0xF7 => sig.truncate(sig.len().saturating_sub(1 + usize::from(input.byte()))),
        0xF8..=0xFF => sig.extend_from_slice(input.short(8)),
        _ => {}
    }
    sig
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let mode = input.byte();
    let index = usize::from(input.byte()) % ALGS.len();
    let alg = ALGS[index];
    let FixedSigner { sk, vk } = &signers()[index];
    let ecdsa = matches!(alg, SigAlgorithm::MlDsa65P256 | SigAlgorithm::MlDsa87P384);

    if mode & 1 == 0 {
        // A signature from the fuzzer.
        let msg = input.short(64);
        let ctx: &[u8] = if alg == SigAlgorithm::Ed25519 {
            b""
        } else {
            input.short(255)
        };
        let sig = input.rest();
        let loose = vk.verify(msg, ctx, sig).is_ok();
        let strict = vk.verify_strict(msg, ctx, sig).is_ok();
        assert!(
            !strict || loose,
            "strict verification accepted what verify refused"
        );
        assert!(
            ecdsa || strict == loose,
            "verify and verify_strict disagree for {alg}"
        );
        if loose && !ecdsa {
            // Deterministic schemes have one signature per message; for ML-DSA any other
            // verifying encoding would be a forgery or a malleable encoding.
            let own = sk.sign(msg, ctx, DET).expect("sign");
            let deterministic = matches!(alg, SigAlgorithm::Ed25519 | SigAlgorithm::Ed448);
            assert!(
                !deterministic || sig == own.as_slice(),
                "a second {alg} encoding of a signature verified"
            );
        }
        return;
    }
    // One of the key's own signatures, changed: every change is refused (strictly; the loose
    // ECDSA verifier accepts the s -> n - s twin by design).
    let which = usize::from(mode >> 1) % SIGNED.len();
    let (msg, ctx) = SIGNED[which];
    let ctx = context_of(alg, ctx);
    let own = &own()[index][which];
    let changed = mutate(own, &mut input);
    if changed != *own {
        assert!(
            vk.verify_strict(msg, ctx, &changed).is_err(),
            "a changed {alg} signature verified strictly"
        );
        assert!(
            ecdsa || vk.verify(msg, ctx, &changed).is_err(),
            "a changed {alg} signature verified"
        );
    }
    if mode >> 5 != 0 {
        return;
    }
    // One input in eight: the own signature under another context and another message.
    if alg != SigAlgorithm::Ed25519 {
        let mut other_ctx = ctx.to_vec();
        if other_ctx.len() == 255 {
            other_ctx[254] ^= 1;
        } else {
            other_ctx.push(0xA5);
        }
        assert!(
            vk.verify(msg, &other_ctx, own).is_err(),
            "a signature verified under another context"
        );
    }
    let mut other_msg = msg.to_vec();
    other_msg.push(0);
    assert!(
        vk.verify(&other_msg, ctx, own).is_err(),
        "a signature verified for another message"
    );
});
