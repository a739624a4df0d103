//! KEM ciphertexts of every algorithm against fixed private keys. A ciphertext of the wrong
//! length is refused; ML-KEM never refuses one of the right length (implicit rejection);
//! decapsulation is deterministic; an honest encapsulation decapsulates to its secret and a
//! different ciphertext does not (except where X25519's non-canonical u-coordinates make
//! two encodings of one share, in the raw X25519MLKEM768 secret).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqpay_core::kem::KemAlgorithm;
use pqpay_fuzz::{encapsulate_or_documented_refusal, fixed_kem_keys, Input, KEMS};

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let index = usize::from(input.byte()) % KEMS.len();
    let alg = KEMS[index];
    let dk = &fixed_kem_keys()[index];
    let sizes = alg.sizes();
    let randomness = input.bytes(sizes.encaps_randomness);
    let ct = input.rest();

    let got = dk.decapsulate(ct);
    if ct.len() != sizes.ciphertext {
        assert!(
            got.is_err(),
            "a {}-byte {} ciphertext was accepted",
            ct.len(),
            alg.name()
        );
    }
    if matches!(
        alg,
        KemAlgorithm::MlKem512 | KemAlgorithm::MlKem768 | KemAlgorithm::MlKem1024
    ) && ct.len() == sizes.ciphertext
    {
        assert!(
            got.is_ok(),
            "ML-KEM refused a ciphertext of the right length"
        );
    }
    if let Ok(ss) = &got {
        assert_eq!(ss.as_bytes().len(), sizes.shared_secret);
        assert!(
            dk.decapsulate(ct).expect("again") == *ss,
            "decapsulation is not deterministic"
        );
    }
    if randomness.len() < sizes.encaps_randomness {
        return;
    }
    let Some((ss, honest)) = encapsulate_or_documented_refusal(&dk.public_key(), randomness) else {
        return;
    };
    assert!(dk.decapsulate(&honest).expect("honest ciphertext") == ss);
    if let Ok(fuzzed) = got {
        if ct != honest.as_slice() {
            let same_mlkem_share =
                alg == KemAlgorithm::X25519MlKem768 && ct[..1088] == honest[..1088];
            assert!(
                same_mlkem_share || fuzzed != ss,
                "two ciphertexts decapsulated to one secret"
            );
        }
    }
});
