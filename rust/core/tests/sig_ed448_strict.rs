//! Ed448 strictness: pqpay's crrl-based Ed448 accepts and rejects exactly what its previous
//! engine (ed448-goldilocks with pqpay's canonical-encoding checks) did, on honest signatures
//! and on the edge cases: S = 0, S ≥ L, a non-zero 57th byte of S, non-canonical or low-order
//! R and A, a torsion component in R (which a cofactored verifier would accept) or in A.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use crrl::ed448::{Point, Scalar};
use pqpay_core::sig::{SigAlgorithm, SigningKey, SigningMode, VerifyingKey};
use shake::{ExtendableOutput, Shake256, Update, XofReader};

/// splitmix64: reproducible test data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn old_canonical(bytes: &[u8; 57]) -> bool {
    let c = ed448_goldilocks::CompressedEdwardsY(*bytes);
    Option::from(c.decompress()).is_some_and(|p: ed448_goldilocks::AffinePoint| p.compress() == c)
}

/// The previous engine's public-key check.
fn old_key_ok(pk: &[u8; 57]) -> bool {
    old_canonical(pk) && ed448_goldilocks::VerifyingKey::from_bytes(pk).is_ok()
}

/// The previous engine's verification (key assumed to have passed `old_key_ok`).
fn old_verify(pk: &[u8; 57], msg: &[u8], ctx: &[u8], sig: &[u8]) -> bool {
    let Ok(sig) = <&[u8; 114]>::try_from(sig) else {
        return false;
    };
    let r: [u8; 57] = sig[..57].try_into().unwrap();
    if !old_canonical(&r) {
        return false;
    }
    let vk = ed448_goldilocks::VerifyingKey::from_bytes(pk).unwrap();
    vk.verify_ctx(&ed448_goldilocks::Signature::from_bytes(sig), ctx, msg)
        .is_ok()
}

fn new_verify(pk: &[u8; 57], msg: &[u8], ctx: &[u8], sig: &[u8]) -> bool {
    let vk = VerifyingKey::from_bytes(SigAlgorithm::Ed448, pk).unwrap();
    vk.verify(msg, ctx, sig).is_ok()
}

/// Asserts both engines agree on (pk, msg, ctx, sig) and returns the common answer.
fn agree(pk: &[u8; 57], msg: &[u8], ctx: &[u8], sig: &[u8]) -> bool {
    let new_key = VerifyingKey::from_bytes(SigAlgorithm::Ed448, pk).is_ok();
    assert_eq!(new_key, old_key_ok(pk), "key {}", hex::encode(pk));
    if !new_key {
        return false;
    }
    let (new, old) = (new_verify(pk, msg, ctx, sig), old_verify(pk, msg, ctx, sig));
    assert_eq!(
        new,
        old,
        "sig {} ctx {}",
        hex::encode(sig),
        hex::encode(ctx)
    );
    new
}

fn k_of(ctx: &[u8], r: &[u8], a: &[u8], msg: &[u8]) -> Scalar {
    let mut xof = Shake256::default();
    xof.update(b"SigEd448");
    xof.update(&[0, ctx.len() as u8]);
    xof.update(ctx);
    xof.update(r);
    xof.update(a);
    xof.update(msg);
    let mut wide = [0u8; 114];
    xof.finalize_xof().read(&mut wide);
    Scalar::decode_reduce(&wide)
}

/// A signature with nonce point `r·B + torsion` under the key `a·B + key_torsion`.
fn sign_raw(a: &Scalar, key_torsion: Point, torsion: Point, msg: &[u8]) -> ([u8; 57], Vec<u8>) {
    let pk = (Point::mulgen(a) + key_torsion).encode();
    let r = Scalar::decode_reduce(&[0x5a; 64]);
    let big_r = (Point::mulgen(&r) + torsion).encode();
    let k = k_of(b"", &big_r, &pk, msg);
    let mut sig = big_r.to_vec();
    sig.extend_from_slice(&(r + k * *a).encode());
    sig.push(0);
    (pk, sig)
}

/// (0, -1), of order 2, and (1, 0), of order 4.
fn torsion_points() -> [Point; 2] {
    let mut y_minus_one = [0xffu8; 57];
    y_minus_one[0] = 0xfe;
    y_minus_one[28] = 0xfe;
    y_minus_one[56] = 0;
    let mut one_zero = [0u8; 57];
    one_zero[56] = 0x80;
    let t2 = Point::decode(&y_minus_one).unwrap();
    let t4 = Point::decode(&one_zero).unwrap();
    assert!(t2.has_low_order() != 0 && t2.isneutral() == 0 && t2.double().isneutral() != 0);
    assert!(t4.double().equals(t2) != 0);
    [t2, t4]
}

/// Adds p = 2^448 - 2^224 - 1 to a 56-byte little-endian y (the caller picks y < 2^224 + 1).
fn add_p(enc: &[u8; 57]) -> [u8; 57] {
    let mut p = [0xffu8; 56];
    p[28] = 0xfe;
    let mut out = *enc;
    let mut carry = 0u16;
    for i in 0..56 {
        let v = u16::from(enc[i]) + u16::from(p[i]) + carry;
        out[i] = v as u8;
        carry = v >> 8;
    }
    assert_eq!(carry, 0);
    out
}

#[test]
fn honest_signatures_match_the_previous_engine_byte_for_byte() {
    let mut rng = Rng(1);
    for i in 0..40 {
        let seed = rng.bytes(57);
        let msg_len = (rng.next() % 300) as usize;
        let msg = rng.bytes(msg_len);
        let ctx_len = (rng.next() % 256) as usize;
        let ctx = rng.bytes(ctx_len);
        let ours = SigningKey::from_private_bytes(SigAlgorithm::Ed448, &seed).unwrap();
        let theirs = ed448_goldilocks::SigningKey::try_from(&seed[..]).unwrap();
        let pk: [u8; 57] = ours.verifying_key().to_bytes().try_into().unwrap();
        assert_eq!(&pk, theirs.verifying_key().as_bytes());
        let sig = ours.sign(&msg, &ctx, SigningMode::Hedged).unwrap();
        assert_eq!(
            sig,
            theirs.sign_ctx(&ctx, &msg).unwrap().to_bytes().to_vec()
        );
        assert!(agree(&pk, &msg, &ctx, &sig));
        // One flipped bit anywhere, or another context: both reject.
        let bit = (rng.next() % (114 * 8)) as usize;
        let mut bad = sig.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        assert!(!agree(&pk, &msg, &ctx, &bad), "flip {i}/{bit}");
        let other_ctx = if ctx.is_empty() {
            vec![0]
        } else {
            ctx[1..].to_vec()
        };
        assert!(!agree(&pk, &msg, &other_ctx, &sig));
    }
}

#[test]
fn scalar_edge_cases_are_rejected_alike() {
    let seed = [9u8; 57];
    let sk = SigningKey::from_private_bytes(SigAlgorithm::Ed448, &seed).unwrap();
    let pk: [u8; 57] = sk.verifying_key().to_bytes().try_into().unwrap();
    let sig = sk.sign(b"m", b"c", SigningMode::Hedged).unwrap();
    // L, little-endian.
    let l = hex::decode("f34458ab92c27823558fc58d72c26c219036d6ae49db4ec4e923ca7cffffffffffffffffffffffffffffffffffffffffffffffffffffff3f").unwrap();
    let mut cases = Vec::new();
    // S = 0, S = L, S + L (fits in 56 bytes), a 57th byte of 1.
    let mut zero = sig.clone();
    zero[57..].fill(0);
    cases.push(zero);
    let mut s_l = sig.clone();
    s_l[57..113].copy_from_slice(&l);
    cases.push(s_l);
    let mut s_plus_l = sig.clone();
    let mut carry = 0u16;
    for i in 0..56 {
        let v = u16::from(sig[57 + i]) + u16::from(l[i]) + carry;
        s_plus_l[57 + i] = v as u8;
        carry = v >> 8;
    }
    assert_eq!(carry, 0);
    cases.push(s_plus_l);
    let mut top = sig.clone();
    top[113] = 1;
    cases.push(top);
    for bad in cases {
        assert!(!agree(&pk, b"m", b"c", &bad));
    }
    assert!(agree(&pk, b"m", b"c", &sig));
}

#[test]
fn torsion_in_r_is_rejected_though_a_cofactored_verifier_accepts_it() {
    let a = Scalar::decode_reduce(&[0x33; 64]);
    let [t2, t4] = torsion_points();
    let (pk, honest) = sign_raw(&a, Point::NEUTRAL, Point::NEUTRAL, b"pay");
    assert!(agree(&pk, b"pay", b"", &honest));
    for t in [t2, t4, -t4] {
        let (pk, sig) = sign_raw(&a, Point::NEUTRAL, t, b"pay");
        let cofactored = crrl::ed448::PublicKey::decode(&pk).unwrap();
        assert!(cofactored.verify_ctx(&sig, b"", b"pay"));
        assert!(!agree(&pk, b"pay", b"", &sig));
    }
    // Low-order R outright (the identity among them), and the identity's non-canonical forms.
    let mut ident = [0u8; 57];
    ident[0] = 1;
    let mut neg_zero_ident = ident;
    neg_zero_ident[56] = 0x80;
    let low: Vec<[u8; 57]> = vec![
        t2.encode(),
        t4.encode(),
        (-t4).encode(),
        ident,
        neg_zero_ident,
        add_p(&ident),
    ];
    for r in low {
        let mut sig = honest.clone();
        sig[..57].copy_from_slice(&r);
        assert!(!agree(&pk, b"pay", b"", &sig));
    }
}

#[test]
fn bad_public_keys_are_refused_alike() {
    let a = Scalar::decode_reduce(&[0x44; 64]);
    let [t2, t4] = torsion_points();
    let mut ident = [0u8; 57];
    ident[0] = 1;
    let mut keys = vec![ident, add_p(&ident), t2.encode(), t4.encode(), [0u8; 57]];
    for t in [t2, t4, -t4] {
        keys.push(sign_raw(&a, t, Point::NEUTRAL, b"x").0);
    }
    // A point of the prime-order subgroup with a small y, then y + p (non-canonical).
    let mut small = None;
    for y in 2u8..=255 {
        let mut enc = [0u8; 57];
        enc[0] = y;
        if let Some(p) = Point::decode(&enc) {
            if p.is_in_subgroup() != 0 {
                small = Some(enc);
                break;
            }
        }
    }
    let small = small.expect("a subgroup point with y < 256");
    assert!(VerifyingKey::from_bytes(SigAlgorithm::Ed448, &small).is_ok());
    keys.push(add_p(&small));
    let mut high_bits = small;
    high_bits[56] |= 0x01;
    keys.push(high_bits);
    for pk in keys {
        assert!(VerifyingKey::from_bytes(SigAlgorithm::Ed448, &pk).is_err());
        assert!(!old_key_ok(&pk), "{}", hex::encode(pk));
    }
    assert!(old_key_ok(&small));
}
