//! Groth16 verification against proofs made here with arkworks' prover (ark-groth16) for
//! circuits with 0, 1 and many public inputs, on both curves: one by one, in batches (with one
//! bad proof hidden), through both encodings, and bad input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use ark_ec::pairing::Pairing;
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ff::{BigInteger, Field, PrimeField, UniformRand};
use ark_groth16::Groth16;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_relations::lc;
use ark_serialize::{CanonicalSerialize, Compress};
use ark_std::rand::rngs::StdRng;
use ark_std::rand::SeedableRng;
use pqpay_core::groth16::{BatchItem, Curve, Proof, VerifyingKey};
use pqpay_core::Error;

/// Public inputs x₀…xₙ₋₁ with witnesses yᵢ, yᵢ² = xᵢ; for n = 0, one private constraint
/// a·b = c. Witness values are `None` during setup.
#[derive(Clone)]
struct Squares<F: Field> {
    n: usize,
    roots: Option<Vec<F>>,
}

impl<F: PrimeField> ConstraintSynthesizer<F> for Squares<F> {
    fn generate_constraints(self, cs: ConstraintSystemRef<F>) -> Result<(), SynthesisError> {
        let get = |i: usize| -> Result<F, SynthesisError> {
            self.roots
                .as_ref()
                .map(|r| r[i])
                .ok_or(SynthesisError::AssignmentMissing)
        };
        if self.n == 0 {
            let a = cs.new_witness_variable(|| get(0))?;
            let b = cs.new_witness_variable(|| get(1))?;
            let c = cs.new_witness_variable(|| Ok(get(0)? * get(1)?))?;
            cs.enforce_r1cs_constraint(|| lc!() + a, || lc!() + b, || lc!() + c)?;
            return Ok(());
        }
        for i in 0..self.n {
            let x = cs.new_input_variable(|| Ok(get(i)?.square()))?;
            let y = cs.new_witness_variable(|| get(i))?;
            cs.enforce_r1cs_constraint(|| lc!() + y, || lc!() + y, || lc!() + x)?;
        }
        Ok(())
    }
}

fn be<F: PrimeField>(x: &F) -> Vec<u8> {
    x.into_bigint().to_bytes_be()
}

/// A key and `count` proofs (with their public inputs, big-endian) for `Squares { n }`.
struct Fixture {
    vk: VerifyingKey,
    proofs: Vec<(Proof, Vec<Vec<u8>>)>,
    /// The same key and first proof as arkworks serialized them: (key, proof) compressed, then
    /// uncompressed.
    ark_bytes: [(Vec<u8>, Vec<u8>); 2],
}

fn fixture<E: Pairing>(curve: Curve, n: usize, count: usize, seed: u64) -> Fixture {
    let mut rng = StdRng::seed_from_u64(seed);
    let pk = Groth16::<E>::generate_random_parameters_with_reduction(
        Squares::<E::ScalarField> { n, roots: None },
        &mut rng,
    )
    .unwrap();
    let pvk = ark_groth16::prepare_verifying_key(&pk.vk);
    let mut proofs = Vec::new();
    let mut first = None;
    for _ in 0..count {
        let roots: Vec<E::ScalarField> = (0..n.max(2))
            .map(|_| E::ScalarField::rand(&mut rng))
            .collect();
        let proof = Groth16::<E>::create_random_proof_with_reduction(
            Squares {
                n,
                roots: Some(roots.clone()),
            },
            &pk,
            &mut rng,
        )
        .unwrap();
        let publics: Vec<E::ScalarField> = roots[..n].iter().map(|r| r.square()).collect();
        // arkworks' own verifier agrees that the proof is good.
        assert!(Groth16::<E>::verify_proof(&pvk, &proof, &publics).unwrap());
        let mut bytes = Vec::new();
        proof.serialize_compressed(&mut bytes).unwrap();
        if first.is_none() {
            first = Some(proof.clone());
        }
        proofs.push((
            Proof::from_arkworks_bytes(curve, &bytes).unwrap(),
            publics.iter().map(be).collect(),
        ));
    }
    let ser = |c: Compress| {
        let mut k = Vec::new();
        pk.vk.serialize_with_mode(&mut k, c).unwrap();
        let mut p = Vec::new();
        first
            .as_ref()
            .unwrap()
            .serialize_with_mode(&mut p, c)
            .unwrap();
        (k, p)
    };
    let ark_bytes = [ser(Compress::Yes), ser(Compress::No)];
    let vk = VerifyingKey::from_arkworks_bytes(curve, &ark_bytes[0].0).unwrap();
    Fixture {
        vk,
        proofs,
        ark_bytes,
    }
}

fn fixtures(n: usize, count: usize) -> Vec<Fixture> {
    vec![
        fixture::<ark_bn254::Bn254>(Curve::Bn254, n, count, 1 + n as u64),
        fixture::<ark_bls12_381::Bls12_381>(Curve::Bls12_381, n, count, 100 + n as u64),
    ]
}

/// A wrong but well-formed statement for a proof: first input + 1, or (no inputs) the
/// proof's A swapped for another proof's A.
fn tamper(f: &Fixture, i: usize) -> (Proof, Vec<Vec<u8>>) {
    let (proof, inputs) = &f.proofs[i];
    if inputs.is_empty() {
        let other = &f.proofs[(i + 1) % f.proofs.len()].0;
        let mut a = other.to_arkworks_bytes(false);
        let g1 = match f.vk.curve() {
            Curve::Bn254 => 64,
            Curve::Bls12_381 => 96,
        };
        a[g1..].copy_from_slice(&proof.to_arkworks_bytes(false)[g1..]);
        return (
            Proof::from_arkworks_bytes(f.vk.curve(), &a).unwrap(),
            vec![],
        );
    }
    let mut inputs = inputs.clone();
    let mut x = inputs[0].clone();
    // Big-endian increment (the values are squares, never r - 1 here).
    for b in x.iter_mut().rev() {
        let (v, carry) = b.overflowing_add(1);
        *b = v;
        if !carry {
            break;
        }
    }
    inputs[0] = x;
    (proof.clone(), inputs)
}

#[test]
fn single_verification_zero_one_many_inputs() {
    for n in [0usize, 1, 8] {
        for f in fixtures(n, 3) {
            assert_eq!(f.vk.num_public_inputs(), n);
            for (i, (proof, inputs)) in f.proofs.iter().enumerate() {
                f.vk.verify(proof, inputs).unwrap();
                let (bad_proof, bad_inputs) = tamper(&f, i);
                assert_eq!(
                    f.vk.verify(&bad_proof, &bad_inputs),
                    Err(Error::InvalidProof),
                    "{} n={n} proof {i}",
                    f.vk.curve()
                );
            }
        }
    }
}

#[test]
fn batches_find_the_bad_proof() {
    for n in [0usize, 1, 4] {
        for f in fixtures(n, 12) {
            let items: Vec<BatchItem<'_, Vec<u8>>> = f
                .proofs
                .iter()
                .map(|(proof, inputs)| BatchItem { proof, inputs })
                .collect();
            assert_eq!(f.vk.verify_many(&items).unwrap(), vec![true; 12]);
            assert_eq!(
                f.vk.verify_many::<Vec<u8>>(&[]).unwrap(),
                Vec::<bool>::new()
            );
            assert_eq!(f.vk.verify_many(&items[..1]).unwrap(), vec![true]);
            for hidden in [0usize, 7, 11] {
                let (bad_proof, bad_inputs) = tamper(&f, hidden);
                let mut items: Vec<BatchItem<'_, Vec<u8>>> = f
                    .proofs
                    .iter()
                    .map(|(proof, inputs)| BatchItem { proof, inputs })
                    .collect();
                items[hidden] = BatchItem {
                    proof: &bad_proof,
                    inputs: &bad_inputs,
                };
                let got = f.vk.verify_many(&items).unwrap();
                let want: Vec<bool> = (0..12).map(|i| i != hidden).collect();
                assert_eq!(got, want, "{} n={n} hidden={hidden}", f.vk.curve());
            }
        }
    }
}

#[test]
fn arkworks_encodings_both_modes_and_json_round_trip() {
    for f in fixtures(2, 2) {
        let curve = f.vk.curve();
        let (proof, inputs) = &f.proofs[0];
        for (key_bytes, proof_bytes) in &f.ark_bytes {
            let vk = VerifyingKey::from_arkworks_bytes(curve, key_bytes).unwrap();
            let p = Proof::from_arkworks_bytes(curve, proof_bytes).unwrap();
            vk.verify(&p, inputs).unwrap();
            assert_eq!(&p, proof);
        }
        // Our serialization is arkworks' own.
        assert_eq!(f.vk.to_arkworks_bytes(true), f.ark_bytes[0].0);
        assert_eq!(f.vk.to_arkworks_bytes(false), f.ark_bytes[1].0);
        assert_eq!(proof.to_arkworks_bytes(true), f.ark_bytes[0].1);
        assert_eq!(proof.to_arkworks_bytes(false), f.ark_bytes[1].1);
        // snarkjs JSON out and back in.
        let vk = VerifyingKey::from_snarkjs_json(&f.vk.to_snarkjs_json()).unwrap();
        let p = Proof::from_snarkjs_json(&proof.to_snarkjs_json(), None).unwrap();
        assert_eq!(p, *proof);
        assert_eq!(vk.to_arkworks_bytes(true), f.ark_bytes[0].0);
        vk.verify(&p, inputs).unwrap();
    }
}

#[test]
fn bad_public_inputs_and_curve_mismatch() {
    let fs = fixtures(1, 1);
    for f in &fs {
        let (proof, inputs) = &f.proofs[0];
        let r = match f.vk.curve() {
            Curve::Bn254 => ark_bn254::Fr::MODULUS.to_bytes_be(),
            Curve::Bls12_381 => ark_bls12_381::Fr::MODULUS.to_bytes_be(),
        };
        let err = |x: Vec<Vec<u8>>| f.vk.verify(proof, &x).unwrap_err();
        assert!(matches!(err(vec![r.clone()]), Error::InvalidArgument(m) if m.contains("below")));
        // x + r is congruent to x: a verifier that reduced would accept it.
        let mut x_plus_r = r.clone();
        let mut carry = 0u16;
        let x = {
            let mut x = vec![0u8; r.len() - inputs[0].len()];
            x.extend_from_slice(&inputs[0]);
            x
        };
        for (d, s) in x_plus_r.iter_mut().rev().zip(x.iter().rev()) {
            let v = u16::from(*d) + u16::from(*s) + carry;
            *d = v as u8;
            carry = v >> 8;
        }
        if carry == 1 {
            x_plus_r.insert(0, 1);
        }
        assert!(matches!(err(vec![x_plus_r]), Error::InvalidArgument(_)));
        assert!(matches!(
            err(vec![vec![0xff; 40]]),
            Error::InvalidArgument(_)
        ));
        assert!(matches!(err(vec![]), Error::InvalidArgument(m) if m.contains("expects 1")));
        assert!(matches!(
            err(vec![inputs[0].clone(), vec![0]]),
            Error::InvalidArgument(_)
        ));
        // Leading zeros are only a longer spelling of the same integer.
        let mut padded = vec![0u8; 50];
        padded.extend_from_slice(&inputs[0]);
        f.vk.verify(proof, &[padded]).unwrap();
        let items = [BatchItem {
            proof,
            inputs: &[r.clone()][..],
        }];
        assert!(
            matches!(f.vk.verify_many(&items), Err(Error::InvalidArgument(m)) if m.starts_with("item 0"))
        );
    }
    let (bn, bls) = (&fs[0], &fs[1]);
    let e = bn
        .vk
        .verify(&bls.proofs[0].0, &bls.proofs[0].1)
        .unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(m) if m.contains("BLS12-381")));
}

/// A point on the curve of `P` outside its prime-order subgroup (by trying x = 1, 2, ...).
fn non_subgroup_point<P: SWCurveConfig>() -> Affine<P> {
    let mut x = P::BaseField::ONE;
    loop {
        if let Some(p) = Affine::<P>::get_point_from_x_unchecked(x, true) {
            if !p.is_in_correct_subgroup_assuming_on_curve() {
                return p;
            }
        }
        x += P::BaseField::ONE;
    }
}

fn raw(p: &impl CanonicalSerialize) -> Vec<u8> {
    let mut out = Vec::new();
    p.serialize_uncompressed(&mut out).unwrap();
    out
}

#[test]
fn malformed_encodings() {
    for f in fixtures(1, 1) {
        let curve = f.vk.curve();
        let (key, proof) = &f.ark_bytes[1];
        // Truncated or overlong.
        for bad in [
            &proof[..proof.len() - 1],
            &[proof.as_slice(), &[0]].concat()[..],
        ] {
            assert!(matches!(
                Proof::from_arkworks_bytes(curve, bad),
                Err(Error::InvalidLength { .. })
            ));
        }
        for bad in [&key[..key.len() - 1], &key[..10]] {
            assert!(matches!(
                VerifyingKey::from_arkworks_bytes(curve, bad),
                Err(Error::Encoding(_))
            ));
        }
        // An absurd IC count is refused before any allocation.
        let mut huge = key.clone();
        let g1 = if curve == Curve::Bn254 { 64 } else { 96 };
        let at = g1 + 3 * 2 * g1;
        huge[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(
            VerifyingKey::from_arkworks_bytes(curve, &huge),
            Err(Error::Encoding(_))
        ));
        // Off the curve: last byte of A's y flipped.
        let mut off = proof.clone();
        off[g1 - 2] ^= 1;
        assert!(matches!(
            Proof::from_arkworks_bytes(curve, &off),
            Err(Error::Encoding(_))
        ));
        // A key point off the curve is an invalid key.
        let mut off_key = key.clone();
        off_key[g1 - 2] ^= 1;
        assert!(matches!(
            VerifyingKey::from_arkworks_bytes(curve, &off_key),
            Err(Error::InvalidKey(_))
        ));
    }
    // Points outside the prime-order subgroups, in proofs and keys.
    fn subgroup_cases(curve: Curve, f: &Fixture, g1_bad: Option<Vec<u8>>, g2_bad: Vec<u8>) {
        let (key, proof) = &f.ark_bytes[1];
        let g1 = if curve == Curve::Bn254 { 64 } else { 96 };
        let mut p = proof.clone();
        p[g1..3 * g1].copy_from_slice(&g2_bad);
        assert!(
            matches!(Proof::from_arkworks_bytes(curve, &p), Err(Error::Encoding(m)) if m.contains("proof B")),
            "{curve}"
        );
        let mut k = key.clone();
        k[3 * g1..5 * g1].copy_from_slice(&g2_bad); // gamma
        assert!(matches!(
            VerifyingKey::from_arkworks_bytes(curve, &k),
            Err(Error::InvalidKey(_))
        ));
        if let Some(g1_bad) = g1_bad {
            let mut p = proof.clone();
            p[..g1].copy_from_slice(&g1_bad);
            assert!(matches!(
                Proof::from_arkworks_bytes(curve, &p),
                Err(Error::Encoding(_))
            ));
            let mut k = key.clone();
            k[..g1].copy_from_slice(&g1_bad);
            assert!(matches!(
                VerifyingKey::from_arkworks_bytes(curve, &k),
                Err(Error::InvalidKey(_))
            ));
        }
    }
    let fs = fixtures(1, 1);
    subgroup_cases(
        Curve::Bn254,
        &fs[0],
        None, // BN254 G1 has cofactor 1: every curve point is in the subgroup.
        raw(&non_subgroup_point::<ark_bn254::g2::Config>()),
    );
    subgroup_cases(
        Curve::Bls12_381,
        &fs[1],
        Some(raw(&non_subgroup_point::<ark_bls12_381::g1::Config>())),
        raw(&non_subgroup_point::<ark_bls12_381::g2::Config>()),
    );
}

/// The point at infinity has one encoding: arkworks alone reads it from its flag bit and
/// ignores the coordinate bytes, so a proof or key with garbage beside that flag was accepted
/// and re-encoded differently (found by the groth16_arkworks fuzz target).
#[test]
fn non_canonical_infinity_refused() {
    let cases: [(Curve, &[u8], &[u8]); 2] = [
        (
            Curve::Bn254,
            include_bytes!("../../../vectors/groth16/bn128/proof.bin"),
            include_bytes!("../../../vectors/groth16/bn128/verification_key.bin"),
        ),
        (
            Curve::Bls12_381,
            include_bytes!("../../../vectors/groth16/bls12381/proof.bin"),
            include_bytes!("../../../vectors/groth16/bls12381/verification_key.bin"),
        ),
    ];
    for (curve, proof, key) in cases {
        assert!(Proof::from_arkworks_bytes(curve, proof).is_ok());
        assert!(VerifyingKey::from_arkworks_bytes(curve, key).is_ok());
        // Compressed G1 / G2 sizes; BN254 puts its flags in the last byte, BLS12-381 (zcash
        // format) in the first: 0x40 is "infinity" in both.
        let (g1, g2) = if curve == Curve::Bn254 {
            (32, 64)
        } else {
            (48, 96)
        };
        let infinity = |len: usize| -> Vec<u8> {
            let mut p = vec![0x11u8; len];
            if curve == Curve::Bn254 {
                p[len - 1] = 0x40;
            } else {
                p[0] = 0xC0; // compressed | infinity
            }
            p
        };
        let mut bad_proof = proof.to_vec();
        bad_proof[g1..g1 + g2].copy_from_slice(&infinity(g2));
        assert!(
            matches!(Proof::from_arkworks_bytes(curve, &bad_proof), Err(Error::Encoding(m)) if m.contains("proof B")),
            "{curve}: garbage beside the infinity flag of B was accepted"
        );
        let mut bad_key = key.to_vec();
        bad_key[..g1].copy_from_slice(&infinity(g1));
        assert!(
            matches!(
                VerifyingKey::from_arkworks_bytes(curve, &bad_key),
                Err(Error::InvalidKey(_))
            ),
            "{curve}: garbage beside the infinity flag of alpha was accepted"
        );
    }
}

#[test]
fn snarkjs_json_strictness() {
    let f = &fixtures(1, 1)[0];
    let (proof, _) = &f.proofs[0];
    let json: serde_json::Value = serde_json::from_str(&proof.to_snarkjs_json()).unwrap();
    let with = |path: &[usize], key: &str, v: serde_json::Value| {
        let mut j = json.clone();
        let mut node = &mut j[key];
        for &i in path {
            node = &mut node[i];
        }
        *node = v;
        Proof::from_snarkjs_json(&j.to_string(), None)
    };
    let p = "21888242871839275222246405745257275088696311157297823662689037894645226208583";
    let x = json["pi_a"][0].as_str().unwrap().to_string();
    let bad = [
        with(&[0], "pi_a", p.into()),
        with(&[0], "pi_a", format!("0{x}").into()),
        with(&[0], "pi_a", serde_json::json!(5)),
        with(&[2], "pi_a", "2".into()),
        with(&[], "pi_a", serde_json::json!(["1", "2"])),
        with(&[0, 0], "pi_b", p.into()),
        with(&[2, 1], "pi_b", "1".into()),
    ];
    for (i, r) in bad.into_iter().enumerate() {
        assert!(matches!(r, Err(Error::Encoding(_))), "case {i}: {r:?}");
    }
    assert!(Proof::from_snarkjs_json("[]", None).is_err());
    assert!(Proof::from_snarkjs_json("{", None).is_err());
    assert!(matches!(
        Proof::from_snarkjs_json(&json.to_string(), Some(Curve::Bls12_381)),
        Err(Error::InvalidArgument(_))
    ));
    let mut no_curve = json.clone();
    no_curve.as_object_mut().unwrap().remove("curve");
    assert!(Proof::from_snarkjs_json(&no_curve.to_string(), None).is_err());
    assert_eq!(
        Proof::from_snarkjs_json(&no_curve.to_string(), Some(Curve::Bn254)).unwrap(),
        *proof
    );
    let mut plonk = json.clone();
    plonk["protocol"] = "plonk".into();
    assert!(matches!(
        Proof::from_snarkjs_json(&plonk.to_string(), None),
        Err(Error::UnsupportedAlgorithm(_))
    ));
    // Identity points: a proof with one never verifies; a key with one is refused.
    let inf = with(&[], "pi_a", serde_json::json!(["0", "1", "0"])).unwrap();
    assert_eq!(f.vk.verify(&inf, &f.proofs[0].1), Err(Error::InvalidProof));
    let items: Vec<BatchItem<'_, Vec<u8>>> = (0..3)
        .map(|_| BatchItem {
            proof: &inf,
            inputs: &f.proofs[0].1,
        })
        .collect();
    assert_eq!(f.vk.verify_many(&items).unwrap(), vec![false; 3]);
    let mut vk: serde_json::Value = serde_json::from_str(&f.vk.to_snarkjs_json()).unwrap();
    vk["vk_delta_2"] = serde_json::json!([["0", "0"], ["1", "0"], ["0", "0"]]);
    assert!(matches!(
        VerifyingKey::from_snarkjs_json(&vk.to_string()),
        Err(Error::InvalidKey(m)) if m.contains("delta")
    ));
    vk["nPublic"] = 2.into();
    assert!(VerifyingKey::from_snarkjs_json(&vk.to_string()).is_err());
}
