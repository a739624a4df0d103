//! arkworks (ark-serialize) bytes of Groth16 verifying keys and proofs, compressed and
//! uncompressed, BN254 and BLS12-381. Points are canonical: whatever parses is exactly one of
//! its two encodings; a parsed proof verifies under the repository's key only for its statement.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqpay_core::groth16::{BatchItem, Curve, Proof, VerifyingKey};
use pqpay_fuzz::Input;
use std::sync::OnceLock;

fn keys() -> &'static [VerifyingKey; 2] {
    static K: OnceLock<[VerifyingKey; 2]> = OnceLock::new();
    K.get_or_init(|| {
        [
            VerifyingKey::from_arkworks_bytes(
                Curve::Bn254,
                include_bytes!("../../../vectors/groth16/bn128/verification_key.bin"),
            )
            .expect("the repository's key"),
            VerifyingKey::from_arkworks_bytes(
                Curve::Bls12_381,
                include_bytes!("../../../vectors/groth16/bls12381/verification_key.bin"),
            )
            .expect("the repository's key"),
        ]
    })
}

const PUBLIC: [[u8; 3]; 2] = [[0x00, 0xC3, 0x50], [0x06, 0x79, 0x32]]; // 50000, 424242

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let mode = input.byte();
    let bytes = input.rest();
    let curve = if mode & 1 == 0 {
        Curve::Bn254
    } else {
        Curve::Bls12_381
    };
    let vk_fixed = &keys()[usize::from(mode & 1)];
    if mode & 2 == 0 {
        let Ok(vk) = VerifyingKey::from_arkworks_bytes(curve, bytes) else {
            return;
        };
        assert_eq!(vk.curve(), curve);
        let (c, u) = (vk.to_arkworks_bytes(true), vk.to_arkworks_bytes(false));
        assert!(
            bytes == c.as_slice() || bytes == u.as_slice(),
            "a non-canonical key encoding was accepted"
        );
        let json = vk.to_snarkjs_json();
        let from_json = VerifyingKey::from_snarkjs_json(&json).expect("JSON of a parsed key");
        assert_eq!(from_json.to_arkworks_bytes(true), c);
    } else {
        let Ok(proof) = Proof::from_arkworks_bytes(curve, bytes) else {
            return;
        };
        let (c, u) = (
            proof.to_arkworks_bytes(true),
            proof.to_arkworks_bytes(false),
        );
        assert!(
            bytes == c.as_slice() || bytes == u.as_slice(),
            "a non-canonical proof encoding was accepted"
        );
        assert!(
            Proof::from_snarkjs_json(&proof.to_snarkjs_json(), Some(curve)).expect("JSON") == proof
        );
        // Pairings are costly under coverage instrumentation: verification runs for the inputs
        // whose mode asks for it.
        if mode & 4 == 0 {
            return;
        }
        let good = vk_fixed.verify(&proof, &PUBLIC).is_ok();
        let other = vk_fixed
            .verify(&proof, &[[0u8, 0xC3, 0x51], PUBLIC[1]])
            .is_ok();
        assert!(!other, "a proof verified for another statement");
        if mode & 8 == 0 {
            return;
        }
        // The batch path answers as single verification does.
        let items = [
            BatchItem {
                proof: &proof,
                inputs: &PUBLIC[..],
            },
            BatchItem {
                proof: &proof,
                inputs: &PUBLIC[..],
            },
        ];
        assert_eq!(
            vk_fixed.verify_many(&items).expect("well-formed batch"),
            vec![good, good]
        );
    }
});
