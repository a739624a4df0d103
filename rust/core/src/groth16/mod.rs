//! Groth16 proof verification over BN254 (snarkjs `bn128`) and BLS12-381 (`bls12381`),
//! compatible with circom/snarkjs and arkworks.
//!
//! - Keys and proofs are read from snarkjs JSON ([`VerifyingKey::from_snarkjs_json`],
//!   [`Proof::from_snarkjs_json`]) or arkworks' compressed/uncompressed `CanonicalSerialize`
//!   bytes, and validated strictly when parsed: coordinates below p, points on the curve and in
//!   the prime-order subgroup (G1 and G2, on both curves; BN254's G1 has cofactor 1). A key's
//!   faulty points are [`Error::InvalidKey`]; a proof's are [`Error::Encoding`].
//! - Public inputs are big-endian unsigned integers that must be strictly below the scalar field
//!   order r (refused, never reduced), exactly as many as the key's `nPublic`; both faults are
//!   [`Error::InvalidArgument`], as is a proof and key on different curves.
//! - A key is prepared once (`e(α, β)`, `-γ`, `-δ` precomputed) and reused; the public inputs are
//!   combined with one multi-scalar multiplication.
//! - A proof that does not verify is the opaque [`Error::InvalidProof`]. Proofs with a point at
//!   infinity never verify.
//! - [`VerifyingKey::verify_many`] checks many proofs under one key by random linear combination
//!   (OS randomness), one chunk per core, and names the invalid ones.

mod encoding;
mod engine;

use core::fmt;

use ark_bls12_381::Bls12_381;
use ark_bn254::Bn254;
use ark_serialize::Compress;

use engine::{Groth16Curve, PreparedKey, RawProof};

use crate::par::map_chunks_parallel;
use crate::{Error, Result};

/// The pairing-friendly curves supported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Curve {
    /// BN254 (alt_bn128; snarkjs `bn128`), as on Ethereum.
    Bn254,
    /// BLS12-381 (snarkjs `bls12381`).
    Bls12_381,
}

impl Curve {
    /// The canonical name: `"BN254"` or `"BLS12-381"`.
    pub fn name(self) -> &'static str {
        match self {
            Curve::Bn254 => "BN254",
            Curve::Bls12_381 => "BLS12-381",
        }
    }

    /// The name snarkjs writes in its JSON: `"bn128"` or `"bls12381"`.
    pub fn snarkjs_name(self) -> &'static str {
        match self {
            Curve::Bn254 => "bn128",
            Curve::Bls12_381 => "bls12381",
        }
    }

    /// Parses a curve name (case-insensitive): `BN254`, `bn128`, `alt_bn128`, `BLS12-381`,
    /// `bls12381`, `bls12_381`.
    pub fn from_name(name: &str) -> Result<Curve> {
        match name.to_ascii_lowercase().as_str() {
            "bn254" | "bn128" | "alt_bn128" => Ok(Curve::Bn254),
            "bls12-381" | "bls12381" | "bls12_381" => Ok(Curve::Bls12_381),
            _ => Err(Error::UnsupportedAlgorithm(format!(
                "curve {name:?} (supported: BN254 / bn128, BLS12-381 / bls12381)"
            ))),
        }
    }

    /// The scalar field order r, in decimal.
    pub fn scalar_field_order(self) -> String {
        match self {
            Curve::Bn254 => encoding::modulus_decimal::<ark_bn254::Fr>(),
            Curve::Bls12_381 => encoding::modulus_decimal::<ark_bls12_381::Fr>(),
        }
    }
}

impl fmt::Display for Curve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

enum KeyInner {
    Bn254(Box<PreparedKey<Bn254>>),
    Bls12_381(Box<PreparedKey<Bls12_381>>),
}

/// A validated, prepared Groth16 verifying key.
pub struct VerifyingKey {
    inner: KeyInner,
}

#[derive(Clone, PartialEq, Eq)]
enum ProofInner {
    Bn254(RawProof<Bn254>),
    Bls12_381(RawProof<Bls12_381>),
}

/// A Groth16 proof whose points passed the curve and subgroup checks.
#[derive(Clone, PartialEq, Eq)]
pub struct Proof {
    inner: ProofInner,
}

/// One item of [`VerifyingKey::verify_many`]: a proof and its public inputs (big-endian).
pub struct BatchItem<'a, B: AsRef<[u8]>> {
    /// The proof.
    pub proof: &'a Proof,
    /// The public inputs, in circuit order.
    pub inputs: &'a [B],
}

fn compress(compressed: bool) -> Compress {
    if compressed {
        Compress::Yes
    } else {
        Compress::No
    }
}

impl VerifyingKey {
    /// Reads a snarkjs `verification_key.json` (`protocol` must be `groth16`; `curve` and
    /// `nPublic` are required, `IC` must hold `nPublic + 1` points; `vk_alphabeta_12` is ignored,
    /// it is recomputed).
    pub fn from_snarkjs_json(json: &str) -> Result<Self> {
        let m = encoding::parse_object(json, "verification key")?;
        encoding::check_protocol(&m, "verification key", true)?;
        let curve = encoding::curve_field(&m, "verification key")?
            .ok_or_else(|| Error::Encoding("verification key: missing field \"curve\"".into()))?;
        let inner = match curve {
            Curve::Bn254 => KeyInner::Bn254(Box::new(encoding::vk_from_snarkjs(&m)?)),
            Curve::Bls12_381 => KeyInner::Bls12_381(Box::new(encoding::vk_from_snarkjs(&m)?)),
        };
        Ok(VerifyingKey { inner })
    }

    /// The key as snarkjs `verification_key.json` (without `vk_alphabeta_12`).
    pub fn to_snarkjs_json(&self) -> String {
        match &self.inner {
            KeyInner::Bn254(k) => encoding::vk_to_snarkjs(k),
            KeyInner::Bls12_381(k) => encoding::vk_to_snarkjs(k),
        }
    }

    /// Reads ark-groth16's `VerifyingKey` serialization, compressed or uncompressed (told apart
    /// by the length).
    pub fn from_arkworks_bytes(curve: Curve, data: &[u8]) -> Result<Self> {
        let inner = match curve {
            Curve::Bn254 => KeyInner::Bn254(Box::new(encoding::vk_from_arkworks(data)?)),
            Curve::Bls12_381 => KeyInner::Bls12_381(Box::new(encoding::vk_from_arkworks(data)?)),
        };
        Ok(VerifyingKey { inner })
    }

    /// ark-groth16's `VerifyingKey` serialization.
    pub fn to_arkworks_bytes(&self, compressed: bool) -> Vec<u8> {
        match &self.inner {
            KeyInner::Bn254(k) => encoding::vk_to_arkworks(k, compress(compressed)),
            KeyInner::Bls12_381(k) => encoding::vk_to_arkworks(k, compress(compressed)),
        }
    }

    /// The key's curve.
    pub fn curve(&self) -> Curve {
        match self.inner {
            KeyInner::Bn254(_) => Curve::Bn254,
            KeyInner::Bls12_381(_) => Curve::Bls12_381,
        }
    }

    /// How many public inputs a proof under this key has (snarkjs `nPublic`).
    pub fn num_public_inputs(&self) -> usize {
        match &self.inner {
            KeyInner::Bn254(k) => k.num_inputs(),
            KeyInner::Bls12_381(k) => k.num_inputs(),
        }
    }

    /// Verifies one proof. Public inputs are big-endian unsigned integers (any length, leading
    /// zeros allowed) strictly below r.
    ///
    /// Errors: [`Error::InvalidArgument`] for a curve mismatch, a wrong input count or an input
    /// not below r; [`Error::InvalidProof`] when the proof does not verify.
    pub fn verify<B: AsRef<[u8]>>(&self, proof: &Proof, inputs: &[B]) -> Result<()> {
        let ok = match (&self.inner, &proof.inner) {
            (KeyInner::Bn254(k), ProofInner::Bn254(p)) => k.verify(p, &parse_inputs(k, inputs)?),
            (KeyInner::Bls12_381(k), ProofInner::Bls12_381(p)) => {
                k.verify(p, &parse_inputs(k, inputs)?)
            }
            _ => return Err(curve_mismatch(self.curve(), proof.curve(), None)),
        };
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidProof)
        }
    }

    /// Verifies many proofs under this key; one `bool` per item, in order.
    ///
    /// The items are split into one chunk per core; each chunk is checked with one random
    /// linear combination (fresh OS randomness, 128-bit coefficients). A chunk that fails is
    /// re-checked proof by proof, so the answer says which proofs are invalid. A malformed item
    /// (other curve, wrong input count, input not below r) fails the whole call with
    /// [`Error::InvalidArgument`] naming the item, as single verification would.
    pub fn verify_many<B: AsRef<[u8]> + Sync>(
        &self,
        items: &[BatchItem<'_, B>],
    ) -> Result<Vec<bool>> {
        match &self.inner {
            KeyInner::Bn254(k) => {
                let parsed = parse_batch(k, items, |p| match &p.inner {
                    ProofInner::Bn254(p) => Some(p),
                    _ => None,
                })?;
                verify_chunks(k, &parsed)
            }
            KeyInner::Bls12_381(k) => {
                let parsed = parse_batch(k, items, |p| match &p.inner {
                    ProofInner::Bls12_381(p) => Some(p),
                    _ => None,
                })?;
                verify_chunks(k, &parsed)
            }
        }
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Groth16VerifyingKey({}, {} public inputs)",
            self.curve(),
            self.num_public_inputs()
        )
    }
}

impl Proof {
    /// Reads a snarkjs `proof.json`. Its `curve` field names the curve; `curve` (the argument)
    /// is used when the field is absent and must agree with it when present. `protocol`, when
    /// present, must be `groth16`.
    pub fn from_snarkjs_json(json: &str, curve: Option<Curve>) -> Result<Self> {
        let m = encoding::parse_object(json, "proof")?;
        encoding::check_protocol(&m, "proof", false)?;
        let curve = match (encoding::curve_field(&m, "proof")?, curve) {
            (Some(a), Some(b)) if a != b => {
                return Err(Error::InvalidArgument(format!(
                    "the proof says curve {a} but {b} was asked for"
                )))
            }
            (Some(c), _) | (None, Some(c)) => c,
            (None, None) => {
                return Err(Error::Encoding(
                    "proof: missing field \"curve\" (name the curve to read it)".into(),
                ))
            }
        };
        let inner = match curve {
            Curve::Bn254 => ProofInner::Bn254(encoding::proof_from_snarkjs(&m)?),
            Curve::Bls12_381 => ProofInner::Bls12_381(encoding::proof_from_snarkjs(&m)?),
        };
        Ok(Proof { inner })
    }

    /// The proof as snarkjs `proof.json`.
    pub fn to_snarkjs_json(&self) -> String {
        match &self.inner {
            ProofInner::Bn254(p) => encoding::proof_to_snarkjs(p),
            ProofInner::Bls12_381(p) => encoding::proof_to_snarkjs(p),
        }
    }

    /// Reads ark-groth16's `Proof` serialization (`A ‖ B ‖ C`), compressed (128 bytes on BN254,
    /// 192 on BLS12-381) or uncompressed (256 / 384).
    pub fn from_arkworks_bytes(curve: Curve, data: &[u8]) -> Result<Self> {
        let inner = match curve {
            Curve::Bn254 => ProofInner::Bn254(encoding::proof_from_arkworks(data)?),
            Curve::Bls12_381 => ProofInner::Bls12_381(encoding::proof_from_arkworks(data)?),
        };
        Ok(Proof { inner })
    }

    /// ark-groth16's `Proof` serialization.
    pub fn to_arkworks_bytes(&self, compressed: bool) -> Vec<u8> {
        match &self.inner {
            ProofInner::Bn254(p) => encoding::proof_to_arkworks(p, compress(compressed)),
            ProofInner::Bls12_381(p) => encoding::proof_to_arkworks(p, compress(compressed)),
        }
    }

    /// The proof's curve.
    pub fn curve(&self) -> Curve {
        match self.inner {
            ProofInner::Bn254(_) => Curve::Bn254,
            ProofInner::Bls12_381(_) => Curve::Bls12_381,
        }
    }
}

impl fmt::Debug for Proof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Groth16Proof({})", self.curve())
    }
}

fn curve_mismatch(key: Curve, proof: Curve, item: Option<usize>) -> Error {
    let prefix = item.map(|i| format!("item {i}: ")).unwrap_or_default();
    Error::InvalidArgument(format!(
        "{prefix}the proof is for {proof} but the verifying key for {key}"
    ))
}

fn parse_inputs<E: Groth16Curve, B: AsRef<[u8]>>(
    key: &PreparedKey<E>,
    inputs: &[B],
) -> Result<Vec<E::ScalarField>> {
    if inputs.len() != key.num_inputs() {
        return Err(Error::InvalidArgument(format!(
            "the verifying key expects {} public input(s), got {}",
            key.num_inputs(),
            inputs.len()
        )));
    }
    inputs
        .iter()
        .enumerate()
        .map(|(i, x)| {
            encoding::field_from_be_bytes(x.as_ref()).ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "public input {i} must be below the {} scalar field order r = {}",
                    E::CURVE.name(),
                    encoding::modulus_decimal::<E::ScalarField>()
                ))
            })
        })
        .collect()
}

type Parsed<'a, E> = Vec<(
    &'a RawProof<E>,
    Vec<<E as ark_ec::pairing::Pairing>::ScalarField>,
)>;

fn parse_batch<'a, E: Groth16Curve, B: AsRef<[u8]>>(
    key: &PreparedKey<E>,
    items: &[BatchItem<'a, B>],
    raw: impl Fn(&'a Proof) -> Option<&'a RawProof<E>>,
) -> Result<Parsed<'a, E>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let p = raw(item.proof)
                .ok_or_else(|| curve_mismatch(E::CURVE, item.proof.curve(), Some(i)))?;
            let inputs = parse_inputs(key, item.inputs).map_err(|e| match e {
                Error::InvalidArgument(m) => Error::InvalidArgument(format!("item {i}: {m}")),
                other => other,
            })?;
            Ok((p, inputs))
        })
        .collect()
}

/// Below this many proofs a chunk is verified one by one (a batch saves little under it).
const MIN_BATCH: usize = 2;

fn verify_chunks<E: Groth16Curve>(
    key: &PreparedKey<E>,
    items: &Parsed<'_, E>,
) -> Result<Vec<bool>> {
    map_chunks_parallel(items, MIN_BATCH, |chunk| verify_chunk(key, chunk))
}

fn verify_chunk<E: Groth16Curve>(
    key: &PreparedKey<E>,
    items: &[(&RawProof<E>, Vec<E::ScalarField>)],
) -> Result<Vec<bool>> {
    let single = |(p, x): &(&RawProof<E>, Vec<E::ScalarField>)| key.verify(p, x);
    if items.len() < MIN_BATCH {
        return Ok(items.iter().map(single).collect());
    }
    let refs: Vec<(&RawProof<E>, &[E::ScalarField])> =
        items.iter().map(|(p, x)| (*p, x.as_slice())).collect();
    if key.verify_batch(&refs)? {
        return Ok(vec![true; items.len()]);
    }
    // At least one proof is invalid: say which.
    Ok(items.iter().map(single).collect())
}
