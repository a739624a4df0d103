//! Groth16 encodings: snarkjs JSON (`verification_key.json`, `proof.json`) and arkworks'
//! `CanonicalSerialize` bytes (compressed and uncompressed), with strict validation.
//!
//! snarkjs writes field elements as decimal strings, G1 points as `[x, y, "1"]` (`["0", "1",
//! "0"]` for the identity) and G2 points as `[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]`. We accept
//! exactly that: decimal digits only (no sign, spaces or leading zeros), every coordinate below
//! the base field modulus p (`x + p` is refused, not reduced), `z = 1` or the identity.

use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ec::AffineRepr;
use ark_ff::fields::Fp2;
use ark_ff::PrimeField;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use serde_json::{Map, Value};

use super::engine::{Groth16Curve, PreparedKey, RawProof};
use crate::{Error, Result};

/// At most this many decimal digits per number (BLS12-381's p has 115): longer strings are
/// refused before any arithmetic.
const MAX_DIGITS: usize = 160;

/// Parses a canonical decimal string into little-endian 64-bit limbs (`None` for malformed).
fn decimal_limbs(s: &str) -> Option<Vec<u64>> {
    let bytes = s.as_bytes();
    if bytes.is_empty()
        || bytes.len() > MAX_DIGITS
        || !bytes.iter().all(u8::is_ascii_digit)
        || (bytes.len() > 1 && bytes[0] == b'0')
    {
        return None;
    }
    let mut limbs: Vec<u64> = vec![0; MAX_DIGITS.div_ceil(19) + 1];
    for &d in bytes {
        let mut carry = u128::from(d - b'0');
        for limb in limbs.iter_mut() {
            let v = u128::from(*limb) * 10 + carry;
            *limb = v as u64;
            carry = v >> 64;
        }
    }
    Some(limbs)
}

/// Little-endian limbs to a field element, `None` when the value is not below the modulus.
fn field_from_limbs<F: PrimeField>(limbs: &[u64]) -> Option<F> {
    let mut big = F::BigInt::default();
    let n = big.as_ref().len();
    if limbs.iter().skip(n).any(|&l| l != 0) {
        return None;
    }
    for (dst, src) in big.as_mut().iter_mut().zip(limbs) {
        *dst = *src;
    }
    F::from_bigint(big)
}

/// A big-endian unsigned integer of any length (leading zeros allowed) to a field element,
/// `None` when it is not strictly below the modulus.
pub(crate) fn field_from_be_bytes<F: PrimeField>(bytes: &[u8]) -> Option<F> {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let bytes = &bytes[start..];
    let mut limbs = vec![0u64; bytes.len().div_ceil(8)];
    for (i, &b) in bytes.iter().rev().enumerate() {
        limbs[i / 8] |= u64::from(b) << (8 * (i % 8));
    }
    field_from_limbs(&limbs)
}

/// The decimal representation of a field element.
pub(crate) fn field_to_decimal<F: PrimeField>(f: &F) -> String {
    limbs_to_decimal(f.into_bigint().as_ref().to_vec())
}

/// The decimal representation of a prime field's modulus (for error messages).
pub(crate) fn modulus_decimal<F: PrimeField>() -> String {
    limbs_to_decimal(F::MODULUS.as_ref().to_vec())
}

/// Little-endian limbs to decimal, by repeated division by 10¹⁹ (the largest power of ten in a
/// u64).
fn limbs_to_decimal(mut limbs: Vec<u64>) -> String {
    const CHUNK: u128 = 10_000_000_000_000_000_000;
    let mut parts = Vec::new();
    while limbs.iter().any(|&l| l != 0) {
        let mut rem: u128 = 0;
        for limb in limbs.iter_mut().rev() {
            let cur = (rem << 64) | u128::from(*limb);
            *limb = (cur / CHUNK) as u64;
            rem = cur % CHUNK;
        }
        parts.push(rem as u64);
    }
    match parts.split_last() {
        None => "0".into(),
        Some((top, rest)) => {
            let mut out = top.to_string();
            for p in rest.iter().rev() {
                out.push_str(&format!("{p:019}"));
            }
            out
        }
    }
}

// ---------------------------------------------------------------------------------------------
// snarkjs JSON

/// Where a point sits: in a key its faults are `InvalidKey`, in a proof `Encoding`.
#[derive(Clone, Copy)]
enum Role {
    Key,
    Proof,
}

fn point_error(role: Role, msg: String) -> Error {
    match role {
        Role::Key => Error::InvalidKey(msg),
        Role::Proof => Error::Encoding(msg),
    }
}

fn base_element<E: Groth16Curve>(v: &Value, what: &str) -> Result<E::BaseField> {
    let s = v
        .as_str()
        .ok_or_else(|| Error::Encoding(format!("{what}: expected a decimal string")))?;
    let limbs = decimal_limbs(s).ok_or_else(|| {
        Error::Encoding(format!(
            "{what}: expected a decimal string without sign, spaces or leading zeros"
        ))
    })?;
    field_from_limbs(&limbs).ok_or_else(|| {
        Error::Encoding(format!(
            "{what}: coordinate is not below the {} base field modulus p = {}",
            E::CURVE.name(),
            modulus_decimal::<E::BaseField>()
        ))
    })
}

fn array<'a>(v: &'a Value, len: usize, what: &str, shape: &str) -> Result<&'a Vec<Value>> {
    match v.as_array() {
        Some(a) if a.len() == len => Ok(a),
        _ => Err(Error::Encoding(format!("{what}: expected {shape}"))),
    }
}

fn is_decimal(v: &Value, s: &str) -> bool {
    v.as_str() == Some(s)
}

const G1_SHAPE: &str = "a G1 point [x, y, \"1\"] of decimal strings";
const G2_SHAPE: &str = "a G2 point [[x.c0, x.c1], [y.c0, y.c1], [\"1\", \"0\"]] of decimal strings";

fn g1_from_json<E: Groth16Curve>(v: &Value, what: &str, role: Role) -> Result<E::G1Affine> {
    let a = array(v, 3, what, G1_SHAPE)?;
    if is_decimal(&a[0], "0") && is_decimal(&a[1], "1") && is_decimal(&a[2], "0") {
        return Ok(E::G1Affine::zero());
    }
    if !is_decimal(&a[2], "1") {
        return Err(Error::Encoding(format!(
            "{what}: expected affine coordinates (z = \"1\") or the identity [\"0\", \"1\", \"0\"]"
        )));
    }
    let x = base_element::<E>(&a[0], &format!("{what}.x"))?;
    let y = base_element::<E>(&a[1], &format!("{what}.y"))?;
    check_g1::<E>(Affine::new_unchecked(x, y), what, role)
}

fn check_g1<E: Groth16Curve>(p: E::G1Affine, what: &str, role: Role) -> Result<E::G1Affine> {
    if !p.is_on_curve() {
        return Err(point_error(
            role,
            format!(
                "{what} is not a point of the {} curve (G1)",
                E::CURVE.name()
            ),
        ));
    }
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(point_error(
            role,
            format!(
                "{what} is not in the prime-order subgroup of {} G1",
                E::CURVE.name()
            ),
        ));
    }
    Ok(p)
}

fn check_g2<E: Groth16Curve>(p: E::G2Affine, what: &str, role: Role) -> Result<E::G2Affine> {
    if !p.is_on_curve() {
        return Err(point_error(
            role,
            format!(
                "{what} is not a point of the {} G2 twist curve",
                E::CURVE.name()
            ),
        ));
    }
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(point_error(
            role,
            format!(
                "{what} is not in the prime-order subgroup of {} G2",
                E::CURVE.name()
            ),
        ));
    }
    Ok(p)
}

fn fq2_from_json<E: Groth16Curve>(
    v: &Value,
    what: &str,
) -> Result<Fp2<<E as Groth16Curve>::Fq2Config>> {
    let a = array(v, 2, what, G2_SHAPE)?;
    let c0 = base_element::<E>(&a[0], &format!("{what}.c0"))?;
    let c1 = base_element::<E>(&a[1], &format!("{what}.c1"))?;
    Ok(Fp2::new(c0, c1))
}

fn g2_from_json<E: Groth16Curve>(v: &Value, what: &str, role: Role) -> Result<E::G2Affine> {
    let a = array(v, 3, what, G2_SHAPE)?;
    let pair = |v: &Value, s0: &str, s1: &str| {
        v.as_array()
            .is_some_and(|p| p.len() == 2 && is_decimal(&p[0], s0) && is_decimal(&p[1], s1))
    };
    if pair(&a[0], "0", "0") && pair(&a[1], "1", "0") && pair(&a[2], "0", "0") {
        return Ok(E::G2Affine::zero());
    }
    if !pair(&a[2], "1", "0") {
        return Err(Error::Encoding(format!(
            "{what}: expected affine coordinates (z = [\"1\", \"0\"]) or the identity"
        )));
    }
    let x = fq2_from_json::<E>(&a[0], &format!("{what}.x"))?;
    let y = fq2_from_json::<E>(&a[1], &format!("{what}.y"))?;
    check_g2::<E>(Affine::new_unchecked(x, y), what, role)
}

fn g1_to_json<E: Groth16Curve>(p: &E::G1Affine) -> Value {
    match p.xy() {
        None => Value::from(vec!["0", "1", "0"]),
        Some((x, y)) => Value::from(vec![
            field_to_decimal(&x),
            field_to_decimal(&y),
            "1".to_string(),
        ]),
    }
}

fn g2_to_json<E: Groth16Curve>(p: &E::G2Affine) -> Value {
    let pair = |a: String, b: String| Value::from(vec![a, b]);
    match p.xy() {
        None => Value::from(vec![
            pair("0".into(), "0".into()),
            pair("1".into(), "0".into()),
            pair("0".into(), "0".into()),
        ]),
        Some((x, y)) => Value::from(vec![
            pair(field_to_decimal(&x.c0), field_to_decimal(&x.c1)),
            pair(field_to_decimal(&y.c0), field_to_decimal(&y.c1)),
            pair("1".into(), "0".into()),
        ]),
    }
}

/// Parses a JSON document that must be an object.
pub(crate) fn parse_object(json: &str, what: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::Encoding(format!("{what}: expected a JSON object"))),
        Err(e) => Err(Error::Encoding(format!("{what}: not valid JSON ({e})"))),
    }
}

fn field<'a>(m: &'a Map<String, Value>, key: &str, what: &str) -> Result<&'a Value> {
    m.get(key)
        .ok_or_else(|| Error::Encoding(format!("{what}: missing field \"{key}\"")))
}

/// Checks `"protocol"` (must be `"groth16"` when present, or when `required`).
pub(crate) fn check_protocol(m: &Map<String, Value>, what: &str, required: bool) -> Result<()> {
    match m.get("protocol") {
        None if !required => Ok(()),
        Some(Value::String(s)) if s == "groth16" => Ok(()),
        Some(Value::String(s)) => Err(Error::UnsupportedAlgorithm(format!(
            "{what}: protocol \"{s}\" (only \"groth16\" is supported)"
        ))),
        _ => Err(Error::Encoding(format!(
            "{what}: expected \"protocol\": \"groth16\""
        ))),
    }
}

/// Reads the `"curve"` field, if present.
pub(crate) fn curve_field(m: &Map<String, Value>, what: &str) -> Result<Option<super::Curve>> {
    match m.get("curve") {
        None => Ok(None),
        Some(Value::String(s)) => super::Curve::from_name(s).map(Some),
        Some(_) => Err(Error::Encoding(format!(
            "{what}: \"curve\" must be a string"
        ))),
    }
}

pub(crate) fn vk_from_snarkjs<E: Groth16Curve>(m: &Map<String, Value>) -> Result<PreparedKey<E>> {
    const W: &str = "verification key";
    let n_public = field(m, "nPublic", W)?.as_u64().ok_or_else(|| {
        Error::Encoding(format!("{W}: \"nPublic\" must be a non-negative integer"))
    })?;
    let ic_json = field(m, "IC", W)?
        .as_array()
        .ok_or_else(|| Error::Encoding(format!("{W}: \"IC\" must be an array of G1 points")))?;
    if ic_json.len() as u64 != n_public.saturating_add(1) {
        return Err(Error::InvalidKey(format!(
            "{W}: \"IC\" must hold nPublic + 1 = {} points, got {}",
            n_public.saturating_add(1),
            ic_json.len()
        )));
    }
    let alpha = g1_from_json::<E>(field(m, "vk_alpha_1", W)?, "vk_alpha_1", Role::Key)?;
    let beta = g2_from_json::<E>(field(m, "vk_beta_2", W)?, "vk_beta_2", Role::Key)?;
    let gamma = g2_from_json::<E>(field(m, "vk_gamma_2", W)?, "vk_gamma_2", Role::Key)?;
    let delta = g2_from_json::<E>(field(m, "vk_delta_2", W)?, "vk_delta_2", Role::Key)?;
    let ic = ic_json
        .iter()
        .enumerate()
        .map(|(i, p)| g1_from_json::<E>(p, &format!("IC[{i}]"), Role::Key))
        .collect::<Result<Vec<_>>>()?;
    key_from_points(alpha, beta, gamma, delta, ic)
}

/// Final key checks shared by both encodings, then preparation.
fn key_from_points<E: Groth16Curve>(
    alpha: E::G1Affine,
    beta: E::G2Affine,
    gamma: E::G2Affine,
    delta: E::G2Affine,
    ic: Vec<E::G1Affine>,
) -> Result<PreparedKey<E>> {
    // With any of these at the identity the equation loses a term and proofs can be forged
    // (δ = 0 frees C, γ = 0 frees the public inputs).
    for (name, zero) in [
        ("alpha", alpha.is_zero()),
        ("beta", beta.is_zero()),
        ("gamma", gamma.is_zero()),
        ("delta", delta.is_zero()),
    ] {
        if zero {
            return Err(Error::InvalidKey(format!(
                "verification key: {name} is the point at infinity"
            )));
        }
    }
    if ic.is_empty() {
        return Err(Error::InvalidKey(
            "verification key: at least one IC point is needed".into(),
        ));
    }
    Ok(PreparedKey::new(alpha, beta, gamma, delta, ic))
}

pub(crate) fn vk_to_snarkjs<E: Groth16Curve>(k: &PreparedKey<E>) -> String {
    let mut m = Map::new();
    m.insert("protocol".into(), "groth16".into());
    m.insert("curve".into(), E::CURVE.snarkjs_name().into());
    m.insert("nPublic".into(), Value::from(k.num_inputs()));
    m.insert("vk_alpha_1".into(), g1_to_json::<E>(&k.alpha));
    m.insert("vk_beta_2".into(), g2_to_json::<E>(&k.beta));
    m.insert("vk_gamma_2".into(), g2_to_json::<E>(&k.gamma));
    m.insert("vk_delta_2".into(), g2_to_json::<E>(&k.delta));
    m.insert(
        "IC".into(),
        Value::from(k.ic.iter().map(g1_to_json::<E>).collect::<Vec<_>>()),
    );
    Value::Object(m).to_string()
}

pub(crate) fn proof_from_snarkjs<E: Groth16Curve>(m: &Map<String, Value>) -> Result<RawProof<E>> {
    const W: &str = "proof";
    Ok(RawProof {
        a: g1_from_json::<E>(field(m, "pi_a", W)?, "pi_a", Role::Proof)?,
        b: g2_from_json::<E>(field(m, "pi_b", W)?, "pi_b", Role::Proof)?,
        c: g1_from_json::<E>(field(m, "pi_c", W)?, "pi_c", Role::Proof)?,
    })
}

pub(crate) fn proof_to_snarkjs<E: Groth16Curve>(p: &RawProof<E>) -> String {
    let mut m = Map::new();
    m.insert("pi_a".into(), g1_to_json::<E>(&p.a));
    m.insert("pi_b".into(), g2_to_json::<E>(&p.b));
    m.insert("pi_c".into(), g1_to_json::<E>(&p.c));
    m.insert("protocol".into(), "groth16".into());
    m.insert("curve".into(), E::CURVE.snarkjs_name().into());
    Value::Object(m).to_string()
}

// ---------------------------------------------------------------------------------------------
// arkworks CanonicalSerialize bytes

fn point_size<P: SWCurveConfig>(compress: Compress) -> usize {
    Affine::<P>::zero().serialized_size(compress)
}

/// Deserializes one point with arkworks' checks (canonical coordinates, flags, on the curve,
/// in the subgroup) and refuses any encoding but the canonical one; `offset` advances.
fn read_point<P: SWCurveConfig>(
    data: &[u8],
    offset: &mut usize,
    compress: Compress,
    what: &str,
    role: Role,
) -> Result<Affine<P>> {
    let size = point_size::<P>(compress);
    let chunk = data
        .get(*offset..*offset + size)
        .ok_or_else(|| Error::Encoding(format!("{what}: truncated")))?;
    *offset += size;
    let point =
        Affine::<P>::deserialize_with_mode(chunk, compress, Validate::Yes).map_err(|e| {
            point_error(
                role,
                format!("{what}: not a valid point in the prime-order subgroup ({e})"),
            )
        })?;
    // arkworks reads the point at infinity from its flag bit alone and ignores the coordinate
    // bytes (found by fuzzing): only the encoding it writes is accepted, so each point has one.
    let mut canonical = Vec::with_capacity(size);
    write_point(&point, &mut canonical, compress);
    if canonical != chunk {
        return Err(point_error(
            role,
            format!("{what}: not the canonical encoding of its point"),
        ));
    }
    Ok(point)
}

fn write_point<T: CanonicalSerialize>(p: &T, out: &mut Vec<u8>, compress: Compress) {
    // Writing into a Vec cannot fail.
    let _ = p.serialize_with_mode(&mut *out, compress);
}

fn modes() -> [Compress; 2] {
    [Compress::Yes, Compress::No]
}

fn mode_name(c: Compress) -> &'static str {
    match c {
        Compress::Yes => "compressed",
        Compress::No => "uncompressed",
    }
}

/// Proof bytes: `A ‖ B ‖ C` (ark-groth16's `Proof` serialization). Compressed or not is told
/// by the length.
pub(crate) fn proof_from_arkworks<E: Groth16Curve>(data: &[u8]) -> Result<RawProof<E>> {
    let size = |c| 2 * point_size::<E::G1Config>(c) + point_size::<E::G2Config>(c);
    let compress =
        modes()
            .into_iter()
            .find(|&c| size(c) == data.len())
            .ok_or(Error::InvalidLength {
                what: match E::CURVE {
                    super::Curve::Bn254 => "BN254 Groth16 proof",
                    super::Curve::Bls12_381 => "BLS12-381 Groth16 proof",
                },
                expected: match E::CURVE {
                    super::Curve::Bn254 => "128 (compressed) or 256 (uncompressed)",
                    super::Curve::Bls12_381 => "192 (compressed) or 384 (uncompressed)",
                },
                got: data.len(),
            })?;
    let mut off = 0;
    let a = read_point::<E::G1Config>(data, &mut off, compress, "proof A", Role::Proof)?;
    let b = read_point::<E::G2Config>(data, &mut off, compress, "proof B", Role::Proof)?;
    let c = read_point::<E::G1Config>(data, &mut off, compress, "proof C", Role::Proof)?;
    Ok(RawProof { a, b, c })
}

pub(crate) fn proof_to_arkworks<E: Groth16Curve>(p: &RawProof<E>, compress: Compress) -> Vec<u8> {
    let mut out = Vec::new();
    write_point(&p.a, &mut out, compress);
    write_point(&p.b, &mut out, compress);
    write_point(&p.c, &mut out, compress);
    out
}

/// Key bytes: `α ‖ β ‖ γ ‖ δ ‖ n (u64 LE) ‖ IC₀ … ICₙ₋₁` (ark-groth16's `VerifyingKey`).
pub(crate) fn vk_from_arkworks<E: Groth16Curve>(data: &[u8]) -> Result<PreparedKey<E>> {
    let g1 = point_size::<E::G1Config>;
    let g2 = point_size::<E::G2Config>;
    let fixed = |c| g1(c) + 3 * g2(c) + 8;
    // The IC count sits after the fixed points; for each mode it tells the total length, so the
    // mode is the one whose arithmetic matches. The count is checked against the length before
    // anything is allocated.
    let mut tried = Vec::new();
    for compress in modes() {
        let head = fixed(compress);
        let Some(len_bytes) = data.get(head - 8..head) else {
            tried.push(format!("at least {head} ({})", mode_name(compress)));
            continue;
        };
        let mut n = [0u8; 8];
        n.copy_from_slice(len_bytes);
        let n = u64::from_le_bytes(n);
        let expected = (n as u128) * (g1(compress) as u128) + head as u128;
        if expected != data.len() as u128 {
            tried.push(format!(
                "{expected} ({}, {n} IC points)",
                mode_name(compress)
            ));
            continue;
        }
        let mut off = 0;
        let alpha = read_point::<E::G1Config>(data, &mut off, compress, "alpha", Role::Key)?;
        let beta = read_point::<E::G2Config>(data, &mut off, compress, "beta", Role::Key)?;
        let gamma = read_point::<E::G2Config>(data, &mut off, compress, "gamma", Role::Key)?;
        let delta = read_point::<E::G2Config>(data, &mut off, compress, "delta", Role::Key)?;
        off += 8;
        let ic = (0..n)
            .map(|i| {
                read_point::<E::G1Config>(data, &mut off, compress, &format!("IC[{i}]"), Role::Key)
            })
            .collect::<Result<Vec<_>>>()?;
        return key_from_points(alpha, beta, gamma, delta, ic);
    }
    Err(Error::Encoding(format!(
        "{} Groth16 verifying key: {} bytes do not match an arkworks encoding (expected {})",
        E::CURVE.name(),
        data.len(),
        tried.join(" or ")
    )))
}

pub(crate) fn vk_to_arkworks<E: Groth16Curve>(k: &PreparedKey<E>, compress: Compress) -> Vec<u8> {
    let mut out = Vec::new();
    write_point(&k.alpha, &mut out, compress);
    write_point(&k.beta, &mut out, compress);
    write_point(&k.gamma, &mut out, compress);
    write_point(&k.delta, &mut out, compress);
    out.extend_from_slice(&(k.ic.len() as u64).to_le_bytes());
    for p in &k.ic {
        write_point(p, &mut out, compress);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use ark_bn254::{Fq, Fr};

    #[test]
    fn decimal_round_trip_and_strictness() {
        for s in [
            "0",
            "1",
            "33",
            "18446744073709551616",
            "12345678901234567890123",
        ] {
            let f: Fr = field_from_limbs(&decimal_limbs(s).unwrap()).unwrap();
            assert_eq!(field_to_decimal(&f), s);
        }
        for bad in ["", "01", "-1", "+1", " 1", "1 ", "1_0", "0x10", "１"] {
            assert!(decimal_limbs(bad).is_none(), "{bad:?} accepted");
        }
        let p = modulus_decimal::<Fq>();
        assert_eq!(
            p,
            "21888242871839275222246405745257275088696311157297823662689037894645226208583"
        );
        assert!(field_from_limbs::<Fq>(&decimal_limbs(&p).unwrap()).is_none());
    }

    #[test]
    fn be_bytes_strictly_below_r() {
        let r = modulus_decimal::<Fr>();
        let limbs = decimal_limbs(&r).unwrap();
        let mut be = Vec::new();
        for l in limbs.iter().rev() {
            be.extend_from_slice(&l.to_be_bytes());
        }
        assert!(field_from_be_bytes::<Fr>(&be).is_none());
        assert_eq!(field_from_be_bytes::<Fr>(&[]), Some(Fr::from(0u64)));
        assert_eq!(field_from_be_bytes::<Fr>(&[0, 0, 7]), Some(Fr::from(7u64)));
        assert!(field_from_be_bytes::<Fr>(&[1; 33]).is_none());
    }
}
