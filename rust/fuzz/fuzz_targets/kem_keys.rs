//! Raw KEM public keys and private-key seeds of every algorithm (ML-KEM-512/768/1024, X25519,
//! X-Wing, X25519MLKEM768, MLKEM768-P256, MLKEM1024-P384). An accepted public key is its own
//! encoding, passes the FIPS 203 modulus check in its ML-KEM part, and encapsulates
//! deterministically to ciphertexts and secrets of the documented sizes; a seed of the right
//! length makes a key whose encapsulation decapsulates to the same secret.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqpay_core::kem::{DecapsulationKey, EncapsulationKey};
use pqpay_fuzz::{
    encapsulate_or_documented_refusal, mlkem_coefficients_reduced, mlkem_part, Input, KEMS,
};

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let alg = input.pick(KEMS);
    let as_seed = input.byte() & 1 == 1;
    let sizes = alg.sizes();
    let randomness = input.bytes(sizes.encaps_randomness);
    let bytes = input.rest();

    if as_seed {
        let Ok(dk) = DecapsulationKey::from_seed(alg, bytes) else {
            return;
        };
        assert_eq!(bytes.len(), sizes.seed);
        assert_eq!(dk.seed(), Some(bytes));
        let ek = dk.public_key();
        assert_eq!(ek.as_bytes().len(), sizes.public_key);
        assert!(EncapsulationKey::from_bytes(alg, ek.as_bytes()).expect("own public key") == ek);
        if randomness.len() == sizes.encaps_randomness {
            if let Some((ss, ct)) = encapsulate_or_documented_refusal(&ek, randomness) {
                assert_eq!(
                    dk.decapsulate(&ct).expect("decapsulate").as_bytes(),
                    ss.as_bytes()
                );
            }
        }
        return;
    }
    let Ok(ek) = EncapsulationKey::from_bytes(alg, bytes) else {
        assert!(
            bytes.len() != sizes.public_key || mlkem_part(alg, bytes).is_some(),
            "a {}-byte {} key was refused",
            bytes.len(),
            alg.name()
        );
        return;
    };
    assert_eq!(ek.algorithm(), alg);
    assert_eq!(ek.as_bytes(), bytes, "the key is not its own encoding");
    assert_eq!(bytes.len(), sizes.public_key);
    if let Some(mlkem) = mlkem_part(alg, bytes) {
        assert!(
            mlkem_coefficients_reduced(mlkem),
            "an ML-KEM key with a coefficient >= q was accepted"
        );
    }
    if randomness.len() == sizes.encaps_randomness {
        let Some((ss, ct)) = encapsulate_or_documented_refusal(&ek, randomness) else {
            return;
        };
        assert_eq!(ct.len(), sizes.ciphertext);
        assert_eq!(ss.as_bytes().len(), sizes.shared_secret);
        let (ss2, ct2) = ek.encapsulate_derand(randomness).expect("again");
        assert!(
            ct2 == ct && ss2 == ss,
            "derandomized encapsulation is not deterministic"
        );
    }
});
