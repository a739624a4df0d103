//! The SHAKE engine against RustCrypto's `slh-dsa` for every SHAKE set (keys from seeds,
//! deterministic and randomized signatures byte for byte, cross-verification, corrupted
//! signatures refused), its x4 paths against the x1 ones, and its pieces against references.
// Test code: a failed expectation should stop the test loudly.
#![allow(clippy::panic)]

use shake::{ExtendableOutput, Shake256, Update, XofReader};

use super::address::{Adrs, AdrsType};
use super::hash::{Hasher, Sponge, Width};
use super::wots::{run_chains, Chain};
use super::{params, ShakeParams, ShakeSigningKey, ShakeVerifyingKey};
use crate::sig::slhdsa::{self, SkCore};
use crate::sig::{SigAlgorithm, SigningKey, SigningMode};

/// splitmix64 bytes: reproducible pseudo-random test data.
fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut z = seed.wrapping_mul(0x2545_f491_4f6c_dd1d);
    (0..len)
        .map(|_| {
            z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut x = z;
            x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (x ^ (x >> 31)) as u8
        })
        .collect()
}

/// `messages` random messages (with a random split into parts) per key, `keys` keys.
fn against_rustcrypto<P: ShakeParams, R: slh_dsa::ParameterSet>(keys: u64, messages: u64) {
    let n = P::N;
    for k in 0..keys {
        let seeds = bytes(1000 + k, 3 * n);
        let (sk_seed, rest) = seeds.split_at(n);
        let (sk_prf, pk_seed) = rest.split_at(n);
        let ours = ShakeSigningKey::<P>::keygen(sk_seed, sk_prf, pk_seed, Width::X4);
        let theirs = slh_dsa::SigningKey::<R>::slh_keygen_internal(sk_seed, sk_prf, pk_seed);
        assert_eq!(
            SkCore::to_bytes(&ours)[..],
            theirs.to_bytes()[..],
            "keygen, key {k}"
        );
        let ours_x1 = ShakeSigningKey::<P>::keygen(sk_seed, sk_prf, pk_seed, Width::X1);
        assert_eq!(SkCore::to_bytes(&ours)[..], SkCore::to_bytes(&ours_x1)[..]);
        let their_vk: &slh_dsa::VerifyingKey<R> = theirs.as_ref();
        let our_vk =
            ShakeVerifyingKey::<P>::from_bytes(&their_vk.to_bytes()).unwrap_or_else(|| {
                panic!("public key of {} bytes refused", 2 * n);
            });

        for m in 0..messages {
            let seed = 10_000 * k + m;
            let msg = bytes(seed, (seed as usize * 37) % 300);
            let split = msg.len() / 3;
            let parts: [&[u8]; 2] = [&msg[..split], &msg[split..]];
            let rand = bytes(seed + 77, n);
            let opt_rand = if m % 2 == 0 { None } else { Some(&rand[..]) };

            let sig = ours.sign_with(&parts, opt_rand, Width::X4);
            let want = theirs.slh_sign_internal(&[&msg[..]], opt_rand).to_bytes();
            assert_eq!(sig.len(), P::SIG_LEN);
            assert!(sig[..] == want[..], "signature, key {k} message {m}");
            assert!(
                ours.sign_with(&[&msg[..]], opt_rand, Width::X1) == sig,
                "x1 signature, key {k} message {m}"
            );

            // Cross-verification both ways, on both widths.
            let their_sig = slh_dsa::Signature::<R>::try_from(&sig[..]).unwrap_or_else(|_| {
                panic!("signature of {} bytes refused", sig.len());
            });
            assert!(their_vk
                .slh_verify_internal(&[&msg[..]], &their_sig)
                .is_ok());
            assert!(our_vk.verify_with(&parts, &want, Width::X4));
            assert!(our_vk.verify_with(&[&msg[..]], &want, Width::X1));

            // Corruptions: R, the FORS part, every XMSS layer's WOTS+ and auth part, the end.
            let mut spots = vec![0, n + 3, n + P::FORS_SIG - 1, P::SIG_LEN - 1];
            for layer in 0..P::D {
                let start = n + P::FORS_SIG + layer * P::XMSS_SIG;
                spots.push(start + (m as usize * 13) % (P::LEN * n));
                spots.push(start + P::LEN * n + (m as usize * 7) % (P::HP * n));
            }
            for spot in spots {
                let mut bad = sig.clone();
                bad[spot] ^= 1 << (spot % 8);
                assert!(!our_vk.verify_with(&parts, &bad, Width::X4), "byte {spot}");
            }
            let mut other = msg.clone();
            other.push(0);
            assert!(!our_vk.verify_with(&[&other[..]], &sig, Width::X4));
            assert!(!our_vk.verify_with(&parts, &sig[..sig.len() - 1], Width::X4));
            let mut longer = sig.clone();
            longer.push(0);
            assert!(!our_vk.verify_with(&parts, &longer, Width::X4));
            assert!(!our_vk.verify_with(&parts, &[], Width::X4));
        }
    }
    assert!(ShakeVerifyingKey::<P>::from_bytes(&[0u8; 7]).is_none());
}

#[test]
fn shake_128f_matches_rustcrypto() {
    against_rustcrypto::<params::Shake128f, slh_dsa::Shake128f>(3, 4);
}

#[test]
fn shake_192f_matches_rustcrypto() {
    against_rustcrypto::<params::Shake192f, slh_dsa::Shake192f>(2, 3);
}

#[test]
fn shake_256f_matches_rustcrypto() {
    against_rustcrypto::<params::Shake256f, slh_dsa::Shake256f>(2, 3);
}

#[test]
fn shake_128s_matches_rustcrypto() {
    against_rustcrypto::<params::Shake128s, slh_dsa::Shake128s>(1, 2);
}

#[test]
fn shake_192s_matches_rustcrypto() {
    against_rustcrypto::<params::Shake192s, slh_dsa::Shake192s>(1, 2);
}

#[test]
fn shake_256s_matches_rustcrypto() {
    against_rustcrypto::<params::Shake256s, slh_dsa::Shake256s>(1, 2);
}

#[test]
fn sponge_matches_the_shake_crate() {
    let data = bytes(5, 700);
    for len in [0usize, 1, 135, 136, 137, 272, 500, 700] {
        for out_len in [16usize, 49, 136] {
            let mut want = vec![0u8; out_len];
            let mut xof = Shake256::default();
            xof.update(&data[..len]);
            xof.finalize_xof().read(&mut want);
            let mut sponge = Sponge::new();
            let (a, b) = data[..len].split_at(len / 2);
            sponge.absorb(a);
            sponge.absorb(b);
            let mut got = vec![0u8; out_len];
            sponge.finish(&mut got);
            assert_eq!(got, want, "{len} bytes in, {out_len} out");
        }
    }
}

#[test]
fn thash_matches_the_shake_crate_on_both_widths() {
    let pk_seed = bytes(9, 32);
    for n8 in [2usize, 3, 4] {
        let seed_node = super::hash::node_from_bytes(&pk_seed[..8 * n8]);
        // One block, exactly two blocks' worth, and many blocks of message.
        for msg_lanes in [n8, 2 * n8, 17 * 2 - n8 - 4, 35 * n8] {
            let msgs: Vec<Vec<u64>> = (0..4)
                .map(|j| {
                    bytes(100 + j, 8 * msg_lanes)
                        .chunks_exact(8)
                        .map(|c| c.iter().rev().fold(0u64, |a, &b| (a << 8) | u64::from(b)))
                        .collect()
                })
                .collect();
            let adrs: Vec<Adrs> = (0..4u32)
                .map(|j| {
                    Adrs::new(j, 0x0102_0304_0506_0708 * u64::from(j + 1))
                        .typed(AdrsType::WotsHash)
                        .key_pair(j)
                        .chain(7 * j)
                        .hash(3)
                })
                .collect();
            for width in [Width::X4, Width::X1] {
                for count in 1..=4 {
                    let mut h = Hasher::new(n8, &seed_node, width);
                    let refs: Vec<&[u64]> = msgs.iter().map(|m| &m[..]).collect();
                    let mut out = vec![[0u64; 4]; count];
                    h.thash(&adrs[..count], &refs[..count], &mut out);
                    for j in 0..count {
                        let mut xof = Shake256::default();
                        xof.update(&pk_seed[..8 * n8]);
                        xof.update(&adrs[j].to_bytes());
                        for lane in &msgs[j] {
                            xof.update(&lane.to_le_bytes());
                        }
                        let mut want = vec![0u8; 8 * n8];
                        xof.finalize_xof().read(&mut want);
                        let mut got = Vec::new();
                        super::hash::push_node(&mut got, &out[j], n8);
                        assert_eq!(got, want, "n8 {n8} msg {msg_lanes} {width:?} {count}/{j}");
                    }
                }
            }
        }
    }
}

#[test]
fn chains_of_mixed_lengths_on_x4_match_one_at_a_time() {
    let n8 = 2;
    let seed_node = [1u64, 2, 0, 0];
    let jobs = || -> Vec<Chain> {
        (0..23u32)
            .map(|c| {
                let adrs = Adrs::new(1, 5)
                    .typed(AdrsType::WotsHash)
                    .key_pair(3)
                    .chain(c);
                let start = c % 7;
                let mut job = Chain::new(adrs, [u64::from(c), 9, 0, 0], start, (c * 5) % 16);
                job.capture = (c * 3) % 9;
                job
            })
            .collect()
    };
    let mut fast = jobs();
    run_chains(&mut Hasher::new(n8, &seed_node, Width::X4), &mut fast);
    let mut slow = jobs();
    let mut h = Hasher::new(n8, &seed_node, Width::X1);
    for job in slow.iter_mut() {
        // One chain at a time: the scheduler with a single job.
        run_chains(&mut h, core::slice::from_mut(job));
    }
    for (c, (a, b)) in fast.iter().zip(&slow).enumerate() {
        assert_eq!(a.value, b.value, "chain {c}");
        if a.capture <= a.steps {
            assert_eq!(a.captured, b.captured, "capture {c}");
        }
    }
}

/// Through the public API (pure SLH-DSA with a context, key round trips): pqpay's SHAKE keys
/// against `slh-dsa`'s `try_sign_with_context` / `try_verify_with_context`.
fn public_api_with_contexts<R: slh_dsa::ParameterSet>(alg: SigAlgorithm, n: usize, messages: u64) {
    let seeds = bytes(alg as u64, 3 * n);
    let (sk_seed, rest) = seeds.split_at(n);
    let (sk_prf, pk_seed) = rest.split_at(n);
    let Ok(ours) = slhdsa::hazmat_keygen_internal(alg, sk_seed, sk_prf, pk_seed) else {
        panic!("{alg}: keygen refused");
    };
    let theirs = slh_dsa::SigningKey::<R>::slh_keygen_internal(sk_seed, sk_prf, pk_seed);
    let their_vk: &slh_dsa::VerifyingKey<R> = theirs.as_ref();
    let Ok(raw) = ours.private_bytes() else {
        panic!("{alg}: private_bytes");
    };
    assert!(SigningKey::from_private_bytes(alg, &raw).is_ok());
    let vk = ours.verifying_key();
    assert_eq!(vk.to_bytes()[..], their_vk.to_bytes()[..]);
    for m in 0..messages {
        let msg = bytes(50 + m, 20 + 31 * m as usize);
        let ctx = bytes(90 + m, (m as usize * 101) % 256);
        let Ok(sig) = ours.sign(&msg, &ctx, SigningMode::Deterministic) else {
            panic!("{alg}: sign");
        };
        let Ok(want) = theirs.try_sign_with_context(&msg, &ctx, None) else {
            panic!("{alg}: their sign");
        };
        assert!(sig[..] == want.to_bytes()[..], "{alg} message {m}");
        let Ok(hedged) = ours.sign(&msg, &ctx, SigningMode::Hedged) else {
            panic!("{alg}: hedged sign");
        };
        assert!(hedged != sig);
        let Ok(hedged) = slh_dsa::Signature::<R>::try_from(&hedged[..]) else {
            panic!("{alg}: hedged signature refused");
        };
        assert!(their_vk
            .try_verify_with_context(&msg, &ctx, &hedged)
            .is_ok());
        assert!(vk.verify(&msg, &ctx, &want.to_bytes()).is_ok());
        assert!(vk
            .verify(&msg, &[ctx.as_slice(), b"x"].concat(), &sig)
            .is_err());
    }
}

#[test]
fn public_api_with_contexts_matches_rustcrypto() {
    public_api_with_contexts::<slh_dsa::Shake128f>(SigAlgorithm::SlhDsaShake128f, 16, 3);
    public_api_with_contexts::<slh_dsa::Shake192f>(SigAlgorithm::SlhDsaShake192f, 24, 2);
    public_api_with_contexts::<slh_dsa::Shake256f>(SigAlgorithm::SlhDsaShake256f, 32, 2);
    public_api_with_contexts::<slh_dsa::Shake128s>(SigAlgorithm::SlhDsaShake128s, 16, 1);
    public_api_with_contexts::<slh_dsa::Shake192s>(SigAlgorithm::SlhDsaShake192s, 24, 1);
    public_api_with_contexts::<slh_dsa::Shake256s>(SigAlgorithm::SlhDsaShake256s, 32, 1);
}
