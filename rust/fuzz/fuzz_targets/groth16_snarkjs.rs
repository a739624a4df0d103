//! snarkjs JSON for Groth16: `verification_key.json` and `proof.json` on both curves, and
//! verification against the repository's own key and public inputs. What parses writes back
//! to JSON that parses to the same object, and agrees with its arkworks bytes; a fuzzer-made
//! proof verifies only for the statement the real proof is for.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqpay_core::groth16::{Curve, Proof, VerifyingKey};
use pqpay_fuzz::Input;
use std::sync::OnceLock;

struct Fixture {
    vk: VerifyingKey,
    public: [u64; 2],
}

fn fixtures() -> &'static [Fixture; 2] {
    static F: OnceLock<[Fixture; 2]> = OnceLock::new();
    F.get_or_init(|| {
        let load = |json: &str| Fixture {
            vk: VerifyingKey::from_snarkjs_json(json).expect("the repository's key"),
            public: [50000, 424242],
        };
        [
            load(include_str!(
                "../../../vectors/groth16/bn128/verification_key.json"
            )),
            load(include_str!(
                "../../../vectors/groth16/bls12381/verification_key.json"
            )),
        ]
    })
}

/// A big-endian input as a u64, if it is one.
fn small(be: &[u8]) -> Option<u64> {
    let digits: Vec<u8> = be.iter().copied().skip_while(|&b| b == 0).collect();
    (digits.len() <= 8).then(|| {
        digits
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
    })
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let mode = input.byte();
    let x0 = input.short(40).to_vec();
    let x1 = input.short(40).to_vec();
    let Ok(json) = std::str::from_utf8(input.rest()) else {
        return;
    };
    let curve = if mode & 1 == 0 {
        Curve::Bn254
    } else {
        Curve::Bls12_381
    };
    let fixture = &fixtures()[usize::from(mode & 1)];

    if mode & 2 == 0 {
        let Ok(vk) = VerifyingKey::from_snarkjs_json(json) else {
            return;
        };
        let written = vk.to_snarkjs_json();
        let again = VerifyingKey::from_snarkjs_json(&written).expect("written key parses");
        assert_eq!(again.to_snarkjs_json(), written);
        for compressed in [true, false] {
            let bytes = vk.to_arkworks_bytes(compressed);
            assert_eq!(again.to_arkworks_bytes(compressed), bytes);
            let from_ark =
                VerifyingKey::from_arkworks_bytes(vk.curve(), &bytes).expect("arkworks bytes");
            assert_eq!(from_ark.to_snarkjs_json(), written);
        }
        assert_eq!(again.num_public_inputs(), vk.num_public_inputs());
    } else {
        let named = if mode & 4 == 0 { Some(curve) } else { None };
        let Ok(proof) = Proof::from_snarkjs_json(json, named) else {
            return;
        };
        if let Some(c) = named {
            assert_eq!(proof.curve(), c);
        }
        let written = proof.to_snarkjs_json();
        let again = Proof::from_snarkjs_json(&written, None).expect("written proof parses");
        assert!(again == proof);
        for compressed in [true, false] {
            let bytes = proof.to_arkworks_bytes(compressed);
            assert!(
                Proof::from_arkworks_bytes(proof.curve(), &bytes).expect("arkworks bytes") == proof
            );
        }
        if proof.curve() != fixture.vk.curve() {
            assert!(fixture.vk.verify(&proof, &[&x0, &x1]).is_err());
            return;
        }
        if fixture.vk.verify(&proof, &[&x0, &x1]).is_ok() {
            assert_eq!(
                [small(&x0), small(&x1)],
                [Some(fixture.public[0]), Some(fixture.public[1])],
                "a proof verified for another statement"
            );
        }
    }
});
