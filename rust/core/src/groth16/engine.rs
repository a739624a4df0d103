//! The Groth16 verification equations, generic over the two pairing-friendly curves.
//!
//! Single proof (Groth 2016, as snarkjs and arkworks check it):
//! `e(A, B) · e(L, -γ) · e(C, -δ) = e(α, β)` with `L = IC₀ + Σ xⱼ·ICⱼ`.
//!
//! Batch (Zcash protocol specification, Appendix B.2): with fresh random 128-bit `zᵢ ≠ 0`,
//! `Π e(zᵢ·Aᵢ, Bᵢ) · e(Σ zᵢ·Lᵢ, -γ) · e(Σ zᵢ·Cᵢ, -δ) · e(-(Σ zᵢ)·α, β) = 1`, one Miller loop over
//! N + 3 pairs and one final exponentiation. `Σ zᵢ·Lᵢ` is a single MSM over the key's IC points
//! (`(Σ zᵢ)·IC₀ + Σⱼ (Σᵢ zᵢ·xᵢⱼ)·ICⱼ`). The `zᵢ` come from the OS generator only, never from the
//! (attacker-chosen) proofs; every point was checked to lie in the prime-order subgroups when it
//! was parsed, which the batch equation's soundness relies on.

use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::fields::{Fp2, Fp2Config};
use ark_ff::{One, PrimeField, Zero};

use super::Curve;
use crate::{rng, Error, Result};

/// What the verifier needs from a curve: short Weierstrass G1 over Fp and G2 over Fp2.
pub(crate) trait Groth16Curve:
    Pairing<
    G1Affine = Affine<Self::G1Config>,
    G1 = Projective<Self::G1Config>,
    G2Affine = Affine<Self::G2Config>,
    G2 = Projective<Self::G2Config>,
>
{
    type G1Config: SWCurveConfig<BaseField = Self::BaseField, ScalarField = Self::ScalarField>;
    type Fq2Config: Fp2Config<Fp = Self::BaseField>;
    type G2Config: SWCurveConfig<BaseField = Fp2<Self::Fq2Config>, ScalarField = Self::ScalarField>;
    const CURVE: Curve;
}

impl Groth16Curve for ark_bn254::Bn254 {
    type G1Config = ark_bn254::g1::Config;
    type Fq2Config = ark_bn254::Fq2Config;
    type G2Config = ark_bn254::g2::Config;
    const CURVE: Curve = Curve::Bn254;
}

impl Groth16Curve for ark_bls12_381::Bls12_381 {
    type G1Config = ark_bls12_381::g1::Config;
    type Fq2Config = ark_bls12_381::Fq2Config;
    type G2Config = ark_bls12_381::g2::Config;
    const CURVE: Curve = Curve::Bls12_381;
}

/// A Groth16 proof whose points are on the curve and in the prime-order subgroups.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct RawProof<E: Groth16Curve> {
    pub a: E::G1Affine,
    pub b: E::G2Affine,
    pub c: E::G1Affine,
}

/// A validated verifying key with everything verification reuses precomputed: `e(α, β)`, and
/// `-γ`, `-δ`, `β` prepared for the Miller loop.
pub(crate) struct PreparedKey<E: Groth16Curve> {
    pub alpha: E::G1Affine,
    pub beta: E::G2Affine,
    pub gamma: E::G2Affine,
    pub delta: E::G2Affine,
    /// `IC₀ … ICₙ` (snarkjs `IC`, arkworks `gamma_abc_g1`): one more than the public inputs.
    pub ic: Vec<E::G1Affine>,
    alpha_beta: PairingOutput<E>,
    neg_gamma: E::G2Prepared,
    neg_delta: E::G2Prepared,
    beta_prepared: E::G2Prepared,
}

impl<E: Groth16Curve> PreparedKey<E> {
    /// Prepares a key whose points were already validated (on the curve, in the subgroups,
    /// α, β, γ, δ not the identity, at least one IC point).
    pub fn new(
        alpha: E::G1Affine,
        beta: E::G2Affine,
        gamma: E::G2Affine,
        delta: E::G2Affine,
        ic: Vec<E::G1Affine>,
    ) -> Self {
        PreparedKey {
            alpha_beta: E::pairing(alpha, beta),
            neg_gamma: (-gamma).into(),
            neg_delta: (-delta).into(),
            beta_prepared: beta.into(),
            alpha,
            beta,
            gamma,
            delta,
            ic,
        }
    }

    /// Number of public inputs the key expects.
    pub fn num_inputs(&self) -> usize {
        self.ic.len() - 1
    }

    /// `L = IC₀ + Σ xⱼ·ICⱼ` as one multi-scalar multiplication (variable time: the inputs are
    /// public).
    fn combine_inputs(&self, inputs: &[E::ScalarField]) -> E::G1 {
        let rest = E::G1::msm_unchecked(&self.ic[1..], inputs);
        rest + self.ic[0]
    }

    /// Checks one proof. `inputs.len()` must equal [`Self::num_inputs`] (the caller checks).
    pub fn verify(&self, proof: &RawProof<E>, inputs: &[E::ScalarField]) -> bool {
        // An honest prover's A, B, C are uniformly random group elements; an identity point
        // only comes from a forger, so it is refused outright.
        if proof.a.is_zero() || proof.b.is_zero() || proof.c.is_zero() {
            return false;
        }
        let l = self.combine_inputs(inputs).into_affine();
        let ml = E::multi_miller_loop(
            [proof.a, l, proof.c],
            [
                E::G2Prepared::from(proof.b),
                self.neg_gamma.clone(),
                self.neg_delta.clone(),
            ],
        );
        match E::final_exponentiation(ml) {
            Some(out) => out == self.alpha_beta,
            None => false,
        }
    }

    /// Checks all `items` at once (see the module documentation). `true` means every proof is
    /// valid except with probability about 2⁻¹²⁸; `false` means at least one is not.
    pub fn verify_batch(&self, items: &[(&RawProof<E>, &[E::ScalarField])]) -> Result<bool> {
        if items.is_empty() {
            return Ok(true);
        }
        if items
            .iter()
            .any(|(p, _)| p.a.is_zero() || p.b.is_zero() || p.c.is_zero())
        {
            return Ok(false);
        }
        let z = random_coefficients::<E::ScalarField>(items.len())?;
        let n = self.num_inputs();
        // Scalars of the IC MSM: Σ zᵢ for IC₀, Σᵢ zᵢ·xᵢⱼ for ICⱼ.
        let mut ic_scalars = vec![E::ScalarField::zero(); n + 1];
        for ((_, inputs), zi) in items.iter().zip(&z) {
            ic_scalars[0] += zi;
            for (acc, x) in ic_scalars[1..].iter_mut().zip(inputs.iter()) {
                *acc += *x * zi;
            }
        }
        let sum_z = ic_scalars[0];
        let l = E::G1::msm_unchecked(&self.ic, &ic_scalars);
        let cs: Vec<E::G1Affine> = items.iter().map(|(p, _)| p.c).collect();
        let c = E::G1::msm_unchecked(&cs, &z);
        let mut g1: Vec<E::G1> = items.iter().zip(&z).map(|((p, _), zi)| p.a * zi).collect();
        g1.push(l);
        g1.push(c);
        g1.push(self.alpha * -sum_z);
        let g1 = E::G1::normalize_batch(&g1);
        let mut g2: Vec<E::G2Prepared> = items
            .iter()
            .map(|(p, _)| E::G2Prepared::from(p.b))
            .collect();
        g2.push(self.neg_gamma.clone());
        g2.push(self.neg_delta.clone());
        g2.push(self.beta_prepared.clone());
        let ml = E::multi_miller_loop(g1, g2);
        Ok(match E::final_exponentiation(ml) {
            Some(out) => out.0.is_one(),
            None => false,
        })
    }
}

/// `count` independent uniform non-zero 128-bit coefficients from the OS generator.
fn random_coefficients<F: PrimeField>(count: usize) -> Result<Vec<F>> {
    let mut bytes = vec![0u8; 16 * count];
    rng::fill(&mut bytes)?;
    let mut out = Vec::with_capacity(count);
    for chunk in bytes.chunks_exact(16) {
        let mut z = u128::from_le_bytes(
            chunk
                .try_into()
                .map_err(|_| Error::Internal("coefficient chunk".into()))?,
        );
        while z == 0 {
            // Probability 2⁻¹²⁸; a zero coefficient would drop its proof from the check.
            z = u128::from_le_bytes(rng::array::<16>()?);
        }
        out.push(F::from(z));
    }
    Ok(out)
}
