//! The ML-DSA engine: mldsa-native (the code liboqs 0.15+ and AWS-LC use) compiled by build.rs
//! with csrc/pqpay_mldsa.c, which signs and verifies with keys expanded once (Â, ŝ1, ŝ2, t̂0,
//! NTT(t1·2^d), tr). With src/kem/mlkem_native.rs and the memory they share
//! (src/c_struct.rs), the only modules of pqpay-core with `unsafe`: the FFI calls.
//!
//! What every call relies on, checked here before it:
//! - the C side reads and writes exactly the FIPS 204 sizes of the parameter set (pk, sk, sig,
//!   seed, rnd, mu): every slice is checked against them first;
//! - expanded keys are C structs the C side fills and then only reads: [`Expanded`] allocates
//!   them with the size the same C build reports, 64-byte aligned (mldsa-native asks for 32),
//!   zeroed, keeps the build (`Engine`) that made them and uses only that one on them, and
//!   wipes them before freeing;
//! - the AVX2 build is only called when the CPU reports AVX2, BMI2 and POPCNT (run-time
//!   detection: the portable build otherwise), so the wheel runs on any x86_64 CPU.
//!
//! The C functions keep no state between calls and take no locks: calls are thread-safe.
#![allow(unsafe_code)]

use zeroize::Zeroizing;

use super::SigAlgorithm;
use crate::c_struct::{self, ExpandFn};
use crate::{Error, Result};

type SizeFn = unsafe extern "C" fn() -> usize;
type KeypairFn = unsafe extern "C" fn(*mut u8, *mut u8, *const u8) -> i32;
type SignFn = unsafe extern "C" fn(
    *mut u8,
    *const u8,
    usize,
    *const u8,
    usize,
    *const u8,
    *const u8,
    i32,
    *mut SignTrace,
) -> i32;
type VerifyFn = unsafe extern "C" fn(
    *const u8,
    usize,
    *const u8,
    usize,
    *const u8,
    usize,
    *const u8,
    i32,
) -> i32;

/// What ML-DSA's rejection loop did in one signing (the C glue's `pqpay_sign_trace`).
///
/// All of it is public by FIPS 204's design: the iteration count, and which check rejected each
/// failed attempt (mldsa-native declassifies each check's outcome before branching on it). The
/// ||z|| and low-bits checks reject with probabilities independent of the key by design; the
/// ct0 and hint-weight checks depend on t0, which FIPS 204 (Section 6.1) does not treat as
/// secret, so their counts can differ between two keys. `rust/ct` compares signing times within
/// one (count, late rejections, hint weight), so neither hides nor fakes a key-dependent cost
/// elsewhere in signing.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignTrace {
    /// Iterations of the rejection loop (the last one produced the signature).
    pub attempts: u16,
    /// Attempts rejected by the ||z|| check, the low-bits (w0 - cs2) check, the ||ct0|| check
    /// and the hint-weight check, in that order.
    pub rejected: [u16; 4],
}

impl SignTrace {
    /// Attempts rejected by the checks whose rates depend on t0 (||ct0|| and hint weight).
    pub fn late_rejections(&self) -> u16 {
        self.rejected[2] + self.rejected[3]
    }
}

thread_local! {
    /// This thread's last signing's [`SignTrace`] (see [`last_sign_trace`]).
    static LAST_SIGN_TRACE: core::cell::Cell<SignTrace> = const {
        core::cell::Cell::new(SignTrace { attempts: 0, rejected: [0; 4] })
    };
}

/// What the rejection loop did in this thread's last ML-DSA signature (all zero before any).
/// Public by FIPS 204's design (see [`SignTrace`]); `rust/ct` stratifies signing times by it.
pub fn last_sign_trace() -> SignTrace {
    LAST_SIGN_TRACE.with(core::cell::Cell::get)
}

/// One C build of one parameter set.
struct Engine {
    pk: usize,
    sk: usize,
    sig: usize,
    sk_size: SizeFn,
    pk_size: SizeFn,
    keypair: KeypairFn,
    sk_expand: ExpandFn,
    pk_expand: ExpandFn,
    sign: SignFn,
    verify: VerifyFn,
}

macro_rules! engine {
    ($name:ident, $prefix:literal, $pk:literal, $sk:literal, $sig:literal) => {
        static $name: Engine = {
            extern "C" {
                #[link_name = concat!($prefix, "_sk_expanded_size")]
                fn sk_size() -> usize;
                #[link_name = concat!($prefix, "_pk_expanded_size")]
                fn pk_size() -> usize;
                #[link_name = concat!($prefix, "_keypair_from_seed")]
                fn keypair(pk: *mut u8, sk: *mut u8, seed: *const u8) -> i32;
                #[link_name = concat!($prefix, "_sk_expand")]
                fn sk_expand(out: *mut u8, sk: *const u8);
                #[link_name = concat!($prefix, "_pk_expand")]
                fn pk_expand(out: *mut u8, pk: *const u8);
                #[link_name = concat!($prefix, "_sign_expanded")]
                fn sign(
                    sig: *mut u8,
                    m: *const u8,
                    mlen: usize,
                    pre: *const u8,
                    prelen: usize,
                    rnd: *const u8,
                    esk: *const u8,
                    externalmu: i32,
                    trace: *mut SignTrace,
                ) -> i32;
                #[link_name = concat!($prefix, "_verify_expanded")]
                fn verify(
                    sig: *const u8,
                    siglen: usize,
                    m: *const u8,
                    mlen: usize,
                    pre: *const u8,
                    prelen: usize,
                    epk: *const u8,
                    externalmu: i32,
                ) -> i32;
            }
            Engine {
                pk: $pk,
                sk: $sk,
                sig: $sig,
                sk_size,
                pk_size,
                keypair,
                sk_expand,
                pk_expand,
                sign,
                verify,
            }
        };
    };
}

engine!(REF_44, "pqpay_mldsa_ref_44", 1312, 2560, 2420);
engine!(REF_65, "pqpay_mldsa_ref_65", 1952, 4032, 3309);
engine!(REF_87, "pqpay_mldsa_ref_87", 2592, 4896, 4627);
#[cfg(pqpay_mldsa_avx2)]
engine!(AVX2_44, "pqpay_mldsa_avx2_44", 1312, 2560, 2420);
#[cfg(pqpay_mldsa_avx2)]
engine!(AVX2_65, "pqpay_mldsa_avx2_65", 1952, 4032, 3309);
#[cfg(pqpay_mldsa_avx2)]
engine!(AVX2_87, "pqpay_mldsa_avx2_87", 2592, 4896, 4627);

/// Whether the AVX2 build may run on this CPU (what mldsa-native's x86_64 backend uses).
#[cfg(pqpay_mldsa_avx2)]
fn cpu_has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("bmi2")
        && std::arch::is_x86_feature_detected!("popcnt")
}

/// The build used for `alg`: AVX2 where the CPU has it, else portable (`portable` forces it).
fn engine_for(alg: SigAlgorithm, portable: bool) -> Result<&'static Engine> {
    #[cfg(pqpay_mldsa_avx2)]
    if !portable && cpu_has_avx2() {
        return Ok(match alg {
            SigAlgorithm::MlDsa44 => &AVX2_44,
            SigAlgorithm::MlDsa65 => &AVX2_65,
            SigAlgorithm::MlDsa87 => &AVX2_87,
            other => return Err(not_mldsa(other)),
        });
    }
    let _ = portable;
    Ok(match alg {
        SigAlgorithm::MlDsa44 => &REF_44,
        SigAlgorithm::MlDsa65 => &REF_65,
        SigAlgorithm::MlDsa87 => &REF_87,
        other => return Err(not_mldsa(other)),
    })
}

fn not_mldsa(alg: SigAlgorithm) -> Error {
    Error::UnsupportedAlgorithm(format!("{alg} is not an ML-DSA algorithm"))
}

fn length_changed() -> Error {
    Error::Internal("ML-DSA encoding length changed".into())
}

/// ML-DSA.KeyGen_internal(ξ): (expanded private key, public key).
pub(super) fn keypair(alg: SigAlgorithm, seed: &[u8; 32]) -> Result<(Zeroizing<Vec<u8>>, Vec<u8>)> {
    keypair_on(engine_for(alg, false)?, seed)
}

fn keypair_on(e: &Engine, seed: &[u8; 32]) -> Result<(Zeroizing<Vec<u8>>, Vec<u8>)> {
    let mut sk = Zeroizing::new(vec![0u8; e.sk]);
    let mut pk = vec![0u8; e.pk];
    // SAFETY: pk and sk have the sizes of this parameter set, seed is 32 bytes.
    let rc = unsafe { (e.keypair)(pk.as_mut_ptr(), sk.as_mut_ptr(), seed.as_ptr()) };
    if rc != 0 {
        return Err(Error::Internal("ML-DSA key generation failed".into()));
    }
    Ok((sk, pk))
}

/// A C struct made by one build of the engine (see the module docs).
type Expanded = c_struct::Expanded<Engine>;

/// A private key ready to sign: Â, ŝ1, ŝ2, t̂0, tr and K (secret; wiped on drop).
pub(super) struct ExpandedSigningKey(Expanded);

/// A public key ready to verify: Â, NTT(t1·2^d) and tr.
pub(super) struct ExpandedVerifyingKey(Expanded);

/// What is signed / verified: pure or pre-hash ML-DSA (M' = `pre` || msg, mu computed from tr),
/// or a caller-computed 64-byte mu (external mu).
pub(super) enum Message<'a> {
    Prefixed { pre: &'a [u8], msg: &'a [u8] },
    Mu(&'a [u8]),
}

impl Message<'_> {
    fn parts(&self) -> Result<(&[u8], &[u8], i32)> {
        match *self {
            Message::Prefixed { pre, msg } => Ok((msg, pre, 0)),
            Message::Mu(mu) if mu.len() == 64 => Ok((mu, &[], 1)),
            Message::Mu(_) => Err(length_changed()),
        }
    }
}

impl ExpandedSigningKey {
    /// Expands an expanded-form private key whose s1/s2 ranges the caller has checked.
    pub(super) fn new(alg: SigAlgorithm, sk: &[u8]) -> Result<Self> {
        Self::new_on(engine_for(alg, false)?, sk)
    }

    fn new_on(e: &'static Engine, sk: &[u8]) -> Result<Self> {
        if sk.len() != e.sk {
            return Err(length_changed());
        }
        // SAFETY: a function of the C build without arguments.
        let size = unsafe { (e.sk_size)() };
        Ok(ExpandedSigningKey(Expanded::new(e, size, e.sk_expand, sk)?))
    }

    /// ML-DSA.Sign_internal with the given rnd (zeros for deterministic signing).
    pub(super) fn sign(&self, m: Message<'_>, rnd: &[u8; 32]) -> Result<Vec<u8>> {
        let mut sig = vec![0u8; self.0.engine.sig];
        self.sign_into(m, rnd, &mut sig)?;
        Ok(sig)
    }

    /// [`Self::sign`] into `sig` (exactly the signature size); no allocation.
    pub(super) fn sign_into(&self, m: Message<'_>, rnd: &[u8; 32], sig: &mut [u8]) -> Result<()> {
        let e = self.0.engine;
        let (msg, pre, external) = m.parts()?;
        if sig.len() != e.sig {
            return Err(length_changed());
        }
        let mut trace = SignTrace::default();
        // SAFETY: sig has the signature size, rnd 32 bytes, msg/pre their own lengths (mu exactly
        // 64 when external), trace is the C struct's #[repr(C)] twin, and the expanded key was
        // made by this build.
        let rc = unsafe {
            (e.sign)(
                sig.as_mut_ptr(),
                msg.as_ptr(),
                msg.len(),
                pre.as_ptr(),
                pre.len(),
                rnd.as_ptr(),
                self.0.mem.as_ptr(),
                external,
                &mut trace,
            )
        };
        LAST_SIGN_TRACE.with(|last| last.set(trace));
        if rc != 0 {
            return Err(Error::Internal(
                "ML-DSA rejection sampling did not terminate".into(),
            ));
        }
        Ok(())
    }
}

impl ExpandedVerifyingKey {
    pub(super) fn new(alg: SigAlgorithm, pk: &[u8]) -> Result<Self> {
        Self::new_on(engine_for(alg, false)?, pk)
    }

    fn new_on(e: &'static Engine, pk: &[u8]) -> Result<Self> {
        if pk.len() != e.pk {
            return Err(length_changed());
        }
        // SAFETY: a function of the C build without arguments.
        let size = unsafe { (e.pk_size)() };
        Ok(ExpandedVerifyingKey(Expanded::new(
            e,
            size,
            e.pk_expand,
            pk,
        )?))
    }

    /// ML-DSA.Verify_internal: `Ok(())` only for a valid signature.
    pub(super) fn verify(&self, m: Message<'_>, sig: &[u8]) -> Result<()> {
        let e = self.0.engine;
        let (msg, pre, external) = m.parts().map_err(|_| Error::InvalidSignature)?;
        if sig.len() != e.sig {
            return Err(Error::InvalidSignature);
        }
        // SAFETY: sig has the signature size, msg/pre their own lengths (mu exactly 64 when
        // external), and the expanded key was made by this build.
        let rc = unsafe {
            (e.verify)(
                sig.as_ptr(),
                sig.len(),
                msg.as_ptr(),
                msg.len(),
                pre.as_ptr(),
                pre.len(),
                self.0.mem.as_ptr(),
                external,
            )
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}

#[cfg(test)]
mod tests {
    //! The two builds against each other and against libcrux-ml-dsa 0.0.11 and aws-lc-rs
    //! (independent implementations); the vector suites are in tests/ and the Python tests.
    #![allow(clippy::unwrap_used)]

    use super::*;

    const ALGS: [SigAlgorithm; 3] = [
        SigAlgorithm::MlDsa44,
        SigAlgorithm::MlDsa65,
        SigAlgorithm::MlDsa87,
    ];

    fn pure(pre: &[u8], msg: &'static [u8]) -> Message<'static> {
        Message::Prefixed {
            pre: Box::leak(pre.to_vec().into_boxed_slice()),
            msg,
        }
    }

    /// The portable and (when the CPU runs it) the AVX2 build give the same keys and signatures,
    /// and each verifies what the other signed.
    #[test]
    fn portable_and_native_builds_agree() {
        for (i, alg) in ALGS.into_iter().enumerate() {
            let seed = [i as u8 ^ 0x5a; 32];
            let rnd = [3u8; 32];
            let pre = [0u8, 2, b'h', b'i'];
            let mut outs = Vec::new();
            for portable in [true, false] {
                let e = engine_for(alg, portable).unwrap();
                let (sk, pk) = keypair_on(e, &seed).unwrap();
                let esk = ExpandedSigningKey::new_on(e, &sk).unwrap();
                let epk = ExpandedVerifyingKey::new_on(e, &pk).unwrap();
                let sig = esk.sign(pure(&pre, b"payment"), &rnd).unwrap();
                epk.verify(pure(&pre, b"payment"), &sig).unwrap();
                outs.push((sk.to_vec(), pk, sig, epk));
            }
            assert_eq!(outs[0].0, outs[1].0);
            assert_eq!(outs[0].1, outs[1].1);
            assert_eq!(outs[0].2, outs[1].2);
            outs[0]
                .3
                .verify(pure(&pre, b"payment"), &outs[1].2)
                .unwrap();
            outs[1]
                .3
                .verify(pure(&pre, b"payment"), &outs[0].2)
                .unwrap();
        }
    }

    /// Every rejected attempt is put down to one check, both builds trace alike, and the two
    /// common rejections (||z||, then low bits) both occur in a few hundred signatures.
    #[test]
    fn sign_trace_accounts_for_every_rejected_attempt() {
        for alg in ALGS {
            let mut totals = [0u32; 4];
            for i in 0u16..300 {
                let mut traces = Vec::new();
                for portable in [true, false] {
                    let e = engine_for(alg, portable).unwrap();
                    let (sk, _) = keypair_on(e, &[7; 32]).unwrap();
                    let esk = ExpandedSigningKey::new_on(e, &sk).unwrap();
                    let msg: &'static [u8] = Box::leak(i.to_le_bytes().to_vec().into_boxed_slice());
                    esk.sign(pure(&[0, 0], msg), &[1; 32]).unwrap();
                    traces.push(last_sign_trace());
                }
                assert_eq!(traces[0], traces[1]);
                let t = traces[0];
                let rejected: u16 = t.rejected.iter().sum();
                assert_eq!(rejected + 1, t.attempts, "{t:?}");
                for (total, r) in totals.iter_mut().zip(t.rejected) {
                    *total += u32::from(r);
                }
            }
            assert!(totals[0] > 0 && totals[1] > 0, "{alg:?}: {totals:?}");
        }
    }

    macro_rules! cross {
        ($test:ident, $alg:ident, $m:ident, $aws:ident) => {
            /// Same keys and deterministic signatures as libcrux; hedged ones verify under
            /// libcrux (with a context) and aws-lc-rs (empty context), and libcrux's under ours.
            #[test]
            fn $test() {
                use libcrux_ml_dsa::$m as lc;
                let alg = SigAlgorithm::$alg;
                for i in 0u8..4 {
                    let kp = lc::generate_key_pair([i; 32]);
                    let (sk, pk) = keypair(alg, &[i; 32]).unwrap();
                    assert_eq!(&sk[..], kp.signing_key.as_slice());
                    assert_eq!(pk, kp.verification_key.as_slice());
                    let esk = ExpandedSigningKey::new(alg, &sk).unwrap();
                    let epk = ExpandedVerifyingKey::new(alg, &pk).unwrap();
                    let msg = vec![i; usize::from(i) * 50];
                    let ctx = vec![0xc0 ^ i; usize::from(i) * 60];
                    let mut pre = vec![0u8, ctx.len() as u8];
                    pre.extend_from_slice(&ctx);
                    let m = || Message::Prefixed {
                        pre: &pre,
                        msg: &msg,
                    };
                    let det = esk.sign(m(), &[0u8; 32]).unwrap();
                    let lc_det = lc::sign(&kp.signing_key, &msg, &ctx, [0u8; 32]).unwrap();
                    assert_eq!(det, lc_det.as_slice());
                    let hedged = esk.sign(m(), &[i ^ 0x77; 32]).unwrap();
                    assert_ne!(hedged, det);
                    let lc_sig =
                        libcrux_ml_dsa::MLDSASignature::new(hedged.clone().try_into().unwrap());
                    assert!(lc::verify(&kp.verification_key, &msg, &ctx, &lc_sig).is_ok());
                    let lc_hedged = lc::sign(&kp.signing_key, &msg, &ctx, [i; 32]).unwrap();
                    epk.verify(m(), lc_hedged.as_slice()).unwrap();
                    if ctx.is_empty() {
                        aws_lc_rs::signature::UnparsedPublicKey::new(
                            &aws_lc_rs::signature::$aws,
                            &pk,
                        )
                        .verify(&msg, &hedged)
                        .unwrap();
                    }
                }
            }
        };
    }

    cross!(
        agrees_with_libcrux_and_aws_44,
        MlDsa44,
        ml_dsa_44,
        ML_DSA_44
    );
    cross!(
        agrees_with_libcrux_and_aws_65,
        MlDsa65,
        ml_dsa_65,
        ML_DSA_65
    );
    cross!(
        agrees_with_libcrux_and_aws_87,
        MlDsa87,
        ml_dsa_87,
        ML_DSA_87
    );

    #[test]
    fn rejects_tampering_and_wrong_sizes() {
        for alg in ALGS {
            let (sk, pk) = keypair(alg, &[9u8; 32]).unwrap();
            let esk = ExpandedSigningKey::new(alg, &sk).unwrap();
            let epk = ExpandedVerifyingKey::new(alg, &pk).unwrap();
            let mu = [7u8; 64];
            let mut sig = esk.sign(Message::Mu(&mu), &[0u8; 32]).unwrap();
            epk.verify(Message::Mu(&mu), &sig).unwrap();
            assert!(epk.verify(Message::Mu(&[8u8; 64]), &sig).is_err());
            assert!(epk.verify(Message::Mu(&mu[..63]), &sig).is_err());
            assert!(esk.sign(Message::Mu(&mu[..63]), &[0u8; 32]).is_err());
            assert!(epk.verify(Message::Mu(&mu), &sig[1..]).is_err());
            sig[100] ^= 1;
            assert!(epk.verify(Message::Mu(&mu), &sig).is_err());
            assert!(ExpandedSigningKey::new(alg, &sk[1..]).is_err());
            assert!(ExpandedVerifyingKey::new(alg, &pk[1..]).is_err());
        }
        assert!(keypair(SigAlgorithm::Ed25519, &[0u8; 32]).is_err());
    }
}
