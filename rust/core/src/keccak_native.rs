//! csrc/pqpay_keccak*.c, the Keccak-f[1600] permutations pqpay's C engines share (compiled by
//! build.rs; the ML-DSA engine reaches them through csrc/pqpay_mldsa_fips202.h), as two safe
//! functions for the Rust engines ([`keccakf1600_x1`], [`keccakf1600_x4`]: the SLH-DSA SHAKE
//! engine), and their tests: every variant this CPU can run against the portable code on many
//! random states, the FIPS 202 answer for the zero state, and SHAKE128 built on each x1 variant
//! against the `shake` crate.
//!
//! `unsafe` here is the FFI calls only: each takes a pointer to exactly 25 (x1) or 100 (x4)
//! `u64`s, which the wrappers below guarantee by taking arrays, and a variant is only called
//! when the CPU reports the features it was compiled for (the same check the C dispatch makes).
#![allow(unsafe_code)]

type PermuteFn = unsafe extern "C" fn(*mut u64);

extern "C" {
    fn pqpay_keccakf1600_x1(state: *mut u64);
    fn pqpay_keccakf1600_x4(states: *mut u64);
}

#[cfg(test)]
extern "C" {
    fn pqpay_keccakf1600_x1_portable(state: *mut u64);
    #[cfg(target_arch = "x86_64")]
    fn pqpay_keccakf1600_x1_bmi(state: *mut u64);
    #[cfg(target_arch = "x86_64")]
    fn pqpay_keccakf1600_x4_avx2(states: *mut u64);
    #[cfg(target_arch = "x86_64")]
    fn pqpay_keccakf1600_x4_avx512(states: *mut u64);
}

/// Keccak-f[1600] on one state (the fastest code this CPU has).
pub(crate) fn keccakf1600_x1(state: &mut [u64; 25]) {
    x1(pqpay_keccakf1600_x1, state);
}

/// Keccak-f[1600] on four independent states (the fastest code this CPU has).
pub(crate) fn keccakf1600_x4(states: &mut [[u64; 25]; 4]) {
    // SAFETY: `[[u64; 25]; 4]` is 100 contiguous writable lanes (arrays have no padding),
    // state j at lanes 25j..25j+25, the layout pqpay_keccakf1600_x4 takes.
    unsafe { pqpay_keccakf1600_x4(states.as_mut_ptr().cast::<u64>()) }
}

fn x1(f: PermuteFn, state: &mut [u64; 25]) {
    // SAFETY: `state` is 25 writable lanes; `f` is one of the x1 functions above, only
    // listed by `x1_variants` when the CPU runs it.
    unsafe { f(state.as_mut_ptr()) }
}

#[cfg(test)]
fn x4(f: PermuteFn, states: &mut [u64; 100]) {
    // SAFETY: `states` is 4 x 25 writable lanes; `f` is one of the x4 functions above, only
    // listed by `x4_variants` when the CPU runs it.
    unsafe { f(states.as_mut_ptr()) }
}

/// The x1 functions this CPU can run (the dispatching one included), by name.
#[cfg(test)]
fn x1_variants() -> Vec<(&'static str, PermuteFn)> {
    let mut v: Vec<(&'static str, PermuteFn)> = vec![
        ("portable", pqpay_keccakf1600_x1_portable),
        ("dispatch", pqpay_keccakf1600_x1),
    ];
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("bmi1") && std::arch::is_x86_feature_detected!("bmi2") {
        v.push(("bmi", pqpay_keccakf1600_x1_bmi));
    }
    v
}

/// The x4 functions this CPU can run (the dispatching one included), by name.
#[cfg(test)]
fn x4_variants() -> Vec<(&'static str, PermuteFn)> {
    let mut v: Vec<(&'static str, PermuteFn)> = vec![("dispatch", pqpay_keccakf1600_x4)];
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            v.push(("avx2", pqpay_keccakf1600_x4_avx2));
        }
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vl")
        {
            v.push(("avx512", pqpay_keccakf1600_x4_avx512));
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use shake::{ExtendableOutput, Shake128, Update, XofReader};

    /// splitmix64: reproducible pseudo-random lanes.
    fn lanes(seed: u64, out: &mut [u64]) {
        let mut z = seed;
        for lane in out {
            z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut x = z;
            x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            *lane = x ^ (x >> 31);
        }
    }

    /// Keccak-f[1600] of the zero state (the Keccak team's KeccakF-1600-IntermediateValues).
    const ZERO_PERMUTED: [u64; 25] = [
        0xf1258f7940e1dde7,
        0x84d5ccf933c0478a,
        0xd598261ea65aa9ee,
        0xbd1547306f80494d,
        0x8b284e056253d057,
        0xff97a42d7f8e6fd4,
        0x90fee5a0a44647c4,
        0x8c5bda0cd6192e76,
        0xad30a6f71b19059c,
        0x30935ab7d08ffc64,
        0xeb5aa93f2317d635,
        0xa9a6e6260d712103,
        0x81a57c16dbcf555f,
        0x43b831cd0347c826,
        0x01f22f1a11a5569f,
        0x05e5635a21d9ae61,
        0x64befef28cc970f2,
        0x613670957bc46611,
        0xb87c5a554fd00ecb,
        0x8c3ee88a1ccf32c8,
        0x940c7922ae3a2614,
        0x1841f924a2c509e4,
        0x16f53526e70465c2,
        0x75f644e97f30a13b,
        0xeaf1ff7b5ceca249,
    ];

    #[test]
    fn every_variant_maps_the_zero_state_to_the_fips202_answer() {
        for (name, f) in x1_variants() {
            let mut s = [0u64; 25];
            x1(f, &mut s);
            assert_eq!(s, ZERO_PERMUTED, "x1 {name}");
        }
        for (name, f) in x4_variants() {
            let mut s = [0u64; 100];
            x4(f, &mut s);
            for j in 0..4 {
                assert_eq!(s[25 * j..25 * j + 25], ZERO_PERMUTED, "x4 {name} state {j}");
            }
        }
    }

    #[test]
    fn every_variant_agrees_with_the_portable_code_on_random_states() {
        let x1s = x1_variants();
        let x4s = x4_variants();
        for seed in 0..2000u64 {
            let mut start = [0u64; 100];
            lanes(seed, &mut start);
            let mut want = start;
            for j in 0..4 {
                let mut one = [0u64; 25];
                one.copy_from_slice(&want[25 * j..25 * j + 25]);
                x1(pqpay_keccakf1600_x1_portable, &mut one);
                want[25 * j..25 * j + 25].copy_from_slice(&one);
            }
            for &(name, f) in &x1s {
                let mut one = [0u64; 25];
                one.copy_from_slice(&start[..25]);
                x1(f, &mut one);
                assert_eq!(one[..], want[..25], "x1 {name}, seed {seed}");
            }
            for &(name, f) in &x4s {
                let mut four = start;
                x4(f, &mut four);
                assert_eq!(four, want, "x4 {name}, seed {seed}");
            }
        }
    }

    /// SHAKE128 (FIPS 202: rate 168 bytes, domain bits 1111) on top of `f`.
    fn shake128(f: PermuteFn, msg: &[u8], out_len: usize) -> Vec<u8> {
        const RATE: usize = 168;
        let mut s = [0u64; 25];
        let xor_block = |s: &mut [u64; 25], block: &[u8]| {
            for (i, b) in block.iter().enumerate() {
                s[i / 8] ^= u64::from(*b) << (8 * (i % 8));
            }
        };
        let mut chunks = msg.chunks_exact(RATE);
        for block in &mut chunks {
            xor_block(&mut s, block);
            x1(f, &mut s);
        }
        let mut last = [0u8; RATE];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        last[rest.len()] ^= 0x1f;
        last[RATE - 1] ^= 0x80;
        xor_block(&mut s, &last);
        let mut out = Vec::with_capacity(out_len);
        loop {
            x1(f, &mut s);
            for lane in &s[..RATE / 8] {
                out.extend_from_slice(&lane.to_le_bytes());
            }
            if out.len() >= out_len {
                out.truncate(out_len);
                return out;
            }
        }
    }

    #[test]
    fn shake128_on_every_x1_variant_matches_the_shake_crate() {
        let mut msg = vec![0u64; 100];
        lanes(7, &mut msg);
        let msg: Vec<u8> = msg.iter().flat_map(|l| l.to_le_bytes()).collect();
        for len in [0usize, 1, 167, 168, 169, 500, 800] {
            let mut want = vec![0u8; 400];
            let mut xof = Shake128::default();
            xof.update(&msg[..len]);
            xof.finalize_xof().read(&mut want);
            for (name, f) in x1_variants() {
                assert_eq!(shake128(f, &msg[..len], 400), want, "{name}, {len} bytes");
            }
        }
    }
}
