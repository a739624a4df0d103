//! SLH-DSA verification (one small set, SLH-DSA-SHA2-128s: its verification is the cheapest;
//! signing runs once, at start-up), pure and HashSLH-DSA, with fuzzer-chosen message, context
//! and signature, and the key's own signature with a few bytes changed: only the own
//! signature verifies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqpay_core::sig::slhdsa::{self, PreHash};
use pqpay_core::sig::SigAlgorithm;
use pqpay_fuzz::{fixed_signer, FixedSigner, Input, DET};
use std::sync::OnceLock;

const ALG: SigAlgorithm = SigAlgorithm::SlhDsaSha2_128s;

fn signer() -> &'static FixedSigner {
    static S: OnceLock<FixedSigner> = OnceLock::new();
    S.get_or_init(|| fixed_signer(ALG))
}

/// The fixed key's signature over a fixed message and context, made once.
fn own() -> &'static [u8] {
    static SIG: OnceLock<Vec<u8>> = OnceLock::new();
    SIG.get_or_init(|| signer().sk.sign(MSG, CTX, DET).expect("sign"))
}

const MSG: &[u8] = b"fuzz message";
const CTX: &[u8] = b"fuzz";

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let mode = input.byte();
    let vk = &signer().vk;
    match mode % 3 {
        0 => {
            // The own signature with a few bytes changed: refused, unless unchanged.
            let mut sig = own().to_vec();
            for _ in 0..=(input.byte() % 4) {
                let at = usize::from(input.u16()) % sig.len();
                sig[at] ^= input.byte();
            }
            let ok = vk.verify(MSG, CTX, &sig).is_ok();
            assert_eq!(
                ok,
                sig == own(),
                "a changed SLH-DSA signature verified (or the own one failed)"
            );
        }
        1 => {
            let msg = input.short(64);
            let ctx = input.short(255);
            let sig = input.rest();
            let ok = vk.verify(msg, ctx, sig).is_ok();
            assert!(
                !ok || (msg == MSG && ctx == CTX && sig == own()),
                "a fuzzer-made SLH-DSA signature verified"
            );
        }
        _ => {
            let ph = [PreHash::Sha2_256, PreHash::Sha3_256, PreHash::Shake128]
                [usize::from(mode >> 2) % 3];
            let msg = input.short(64);
            let ctx = input.short(255);
            let sig = input.rest();
            assert!(
                slhdsa::hazmat_verify_prehash(vk, msg, ctx, ph, sig).is_err(),
                "a fuzzer-made HashSLH-DSA signature verified"
            );
        }
    }
});
