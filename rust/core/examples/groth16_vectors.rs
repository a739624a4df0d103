//! Writes the project's own Groth16 vectors (`vectors/groth16/`, see `generate.sh` there): a
//! "payment under a limit" circuit proved with arkworks' prover, on BN254 and BLS12-381, as
//! snarkjs JSON (`verification_key.json`, `proof.json`, `public.json`) and arkworks compressed
//! bytes (`*.bin`).
//!
//! Circuit: private amount `a`; public `limit` and `order`. Constraints: `a + d = limit` with
//! `d` decomposed into 32 bits (so `0 <= a <= limit` when `limit < 2^32`), and
//! `order · order = order²` so that the order number is bound to the proof.
//!
//! Usage: `cargo run -p pqpay-core --example groth16_vectors -- OUT_DIR`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;

use ark_ec::pairing::Pairing;
use ark_ff::{BigInteger, Field, PrimeField};
use ark_groth16::Groth16;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError, Variable};
use ark_relations::lc;
use ark_serialize::CanonicalSerialize;
use ark_std::rand::rngs::StdRng;
use ark_std::rand::SeedableRng;
use pqpay_core::groth16::{Curve, Proof, VerifyingKey};

const BITS: usize = 32;

struct UnderLimit<F: Field> {
    amount: Option<u64>,
    limit: Option<u64>,
    order: Option<u64>,
    _f: core::marker::PhantomData<F>,
}

impl<F: PrimeField> ConstraintSynthesizer<F> for UnderLimit<F> {
    fn generate_constraints(self, cs: ConstraintSystemRef<F>) -> Result<(), SynthesisError> {
        let missing = SynthesisError::AssignmentMissing;
        let limit = cs.new_input_variable(|| self.limit.map(F::from).ok_or(missing))?;
        let order = cs.new_input_variable(|| self.order.map(F::from).ok_or(missing))?;
        let amount = cs.new_witness_variable(|| self.amount.map(F::from).ok_or(missing))?;
        let diff = match (self.limit, self.amount) {
            (Some(l), Some(a)) => Some(l.checked_sub(a).ok_or(SynthesisError::Unsatisfiable)?),
            _ => None,
        };
        // d = Σ bᵢ·2ⁱ with every bᵢ·bᵢ = bᵢ, and amount + d = limit.
        let mut d_lc = lc!();
        for i in 0..BITS {
            let bit =
                cs.new_witness_variable(|| diff.map(|d| F::from((d >> i) & 1)).ok_or(missing))?;
            cs.enforce_r1cs_constraint(|| lc!() + bit, || lc!() + bit, || lc!() + bit)?;
            d_lc += (F::from(1u64 << i), bit);
        }
        cs.enforce_r1cs_constraint(
            || d_lc.clone() + amount,
            || lc!() + Variable::One,
            || lc!() + limit,
        )?;
        let sq =
            cs.new_witness_variable(|| self.order.map(|o| F::from(o).square()).ok_or(missing))?;
        cs.enforce_r1cs_constraint(|| lc!() + order, || lc!() + order, || lc!() + sq)?;
        Ok(())
    }
}

fn write<E: Pairing>(curve: Curve, dir: &Path, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let blank = UnderLimit::<E::ScalarField> {
        amount: None,
        limit: None,
        order: None,
        _f: core::marker::PhantomData,
    };
    let pk = Groth16::<E>::generate_random_parameters_with_reduction(blank, &mut rng).unwrap();
    let (amount, limit, order) = (12_999u64, 50_000u64, 424_242u64);
    let circuit = UnderLimit::<E::ScalarField> {
        amount: Some(amount),
        limit: Some(limit),
        order: Some(order),
        _f: core::marker::PhantomData,
    };
    let proof = Groth16::<E>::create_random_proof_with_reduction(circuit, &pk, &mut rng).unwrap();
    let mut vk_bytes = Vec::new();
    pk.vk.serialize_compressed(&mut vk_bytes).unwrap();
    let mut proof_bytes = Vec::new();
    proof.serialize_compressed(&mut proof_bytes).unwrap();
    let vk = VerifyingKey::from_arkworks_bytes(curve, &vk_bytes).unwrap();
    let p = Proof::from_arkworks_bytes(curve, &proof_bytes).unwrap();
    let inputs: Vec<Vec<u8>> = [limit, order]
        .iter()
        .map(|&x| E::ScalarField::from(x).into_bigint().to_bytes_be())
        .collect();
    vk.verify(&p, &inputs)
        .expect("the generated proof verifies");
    let sub = dir.join(curve.snarkjs_name());
    std::fs::create_dir_all(&sub).unwrap();
    let pretty = |json: String| {
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        serde_json::to_string_pretty(&v).unwrap() + "\n"
    };
    std::fs::write(
        sub.join("verification_key.json"),
        pretty(vk.to_snarkjs_json()),
    )
    .unwrap();
    std::fs::write(sub.join("proof.json"), pretty(p.to_snarkjs_json())).unwrap();
    std::fs::write(
        sub.join("public.json"),
        format!("[\n \"{limit}\",\n \"{order}\"\n]\n"),
    )
    .unwrap();
    std::fs::write(sub.join("verification_key.bin"), &vk_bytes).unwrap();
    std::fs::write(sub.join("proof.bin"), &proof_bytes).unwrap();
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: groth16_vectors OUT_DIR");
    let dir = Path::new(&dir);
    write::<ark_bn254::Bn254>(Curve::Bn254, dir, 2026);
    write::<ark_bls12_381::Bls12_381>(Curve::Bls12_381, dir, 2027);
}
