//! The ML-KEM engine: mlkem-native (the code of liboqs 0.15+ and AWS-LC, from the copy
//! aws-lc-sys ships) compiled by build.rs with csrc/pqpay_mlkem.c, which encapsulates and
//! decapsulates with keys expanded once (Â^T, t̂, H(ek); for a private key also ŝ and z), and
//! FIPS 202 on pqpay's Keccak permutations (csrc/pqpay_mlkem_fips202.h, the matrix expansion and
//! noise sampling four at a time). With src/sig/mldsa_native.rs and the memory they share
//! (src/c_struct.rs), the only modules of pqpay-core with `unsafe`: the FFI calls.
//!
//! What every call relies on, checked here before it:
//! - the C side reads and writes exactly the FIPS 203 sizes of the parameter set (ek, dk, ct,
//!   seed, m, shared secret): every slice is checked against them first (arrays where the size
//!   is fixed);
//! - expanded keys are C structs the C side fills and then only reads: [`Expanded`] allocates
//!   them with the size the same C build reports, 64-byte aligned (mlkem-native asks for 32),
//!   zeroed, keeps the build ([`Engine`]) that made them and uses only that one on them, and
//!   wipes them before freeing;
//! - the AVX2 build is only called when the CPU reports AVX2 and BMI2 (run-time detection: the
//!   portable build otherwise), so the wheel runs on any x86_64 CPU.
//!
//! The C functions keep no state between calls and take no locks: calls are thread-safe.
//! The FIPS 203 input checks (§7.2 modulus check, §7.3 hash check) are the callers' (see
//! `mlkem.rs`): the expanded calls assume keys that passed them.
#![allow(unsafe_code)]

use zeroize::Zeroizing;

use super::KemAlgorithm;
use crate::c_struct::{self, ExpandFn};
use crate::{Error, Result};

type SizeFn = unsafe extern "C" fn() -> usize;
type KeypairFn = unsafe extern "C" fn(*mut u8, *mut u8, *const u8) -> i32;
type CheckFn = unsafe extern "C" fn(*const u8) -> i32;
type EncFn = unsafe extern "C" fn(*mut u8, *mut u8, *const u8, *const u8);
type DecFn = unsafe extern "C" fn(*mut u8, *const u8, *const u8);
#[cfg(test)]
type PackedEncFn = unsafe extern "C" fn(*mut u8, *mut u8, *const u8, *const u8) -> i32;
#[cfg(test)]
type PackedDecFn = unsafe extern "C" fn(*mut u8, *const u8, *const u8) -> i32;

/// One C build of one parameter set.
pub(super) struct Engine {
    pk: usize,
    sk: usize,
    ct: usize,
    pk_size: SizeFn,
    sk_size: SizeFn,
    keypair: KeypairFn,
    check_pk: CheckFn,
    check_sk: CheckFn,
    pk_expand: ExpandFn,
    sk_expand: ExpandFn,
    enc: EncFn,
    dec: DecFn,
    #[cfg(test)]
    packed_enc: PackedEncFn,
    #[cfg(test)]
    packed_dec: PackedDecFn,
}

macro_rules! engine {
    ($name:ident, $prefix:literal, $pk:literal, $sk:literal, $ct:literal) => {
        static $name: Engine = {
            extern "C" {
                #[link_name = concat!($prefix, "_api_pk_expanded_size")]
                fn pk_size() -> usize;
                #[link_name = concat!($prefix, "_api_sk_expanded_size")]
                fn sk_size() -> usize;
                #[link_name = concat!($prefix, "_api_keypair_derand")]
                fn keypair(pk: *mut u8, sk: *mut u8, coins: *const u8) -> i32;
                #[link_name = concat!($prefix, "_api_check_pk")]
                fn check_pk(pk: *const u8) -> i32;
                #[link_name = concat!($prefix, "_api_check_sk")]
                fn check_sk(sk: *const u8) -> i32;
                #[link_name = concat!($prefix, "_api_pk_expand")]
                fn pk_expand(out: *mut u8, pk: *const u8);
                #[link_name = concat!($prefix, "_api_sk_expand")]
                fn sk_expand(out: *mut u8, sk: *const u8);
                #[link_name = concat!($prefix, "_api_enc_expanded")]
                fn enc(ct: *mut u8, ss: *mut u8, epk: *const u8, m: *const u8);
                #[link_name = concat!($prefix, "_api_dec_expanded")]
                fn dec(ss: *mut u8, ct: *const u8, esk: *const u8);
                #[cfg(test)]
                #[link_name = concat!($prefix, "_api_enc_derand")]
                fn packed_enc(ct: *mut u8, ss: *mut u8, pk: *const u8, m: *const u8) -> i32;
                #[cfg(test)]
                #[link_name = concat!($prefix, "_api_dec")]
                fn packed_dec(ss: *mut u8, ct: *const u8, sk: *const u8) -> i32;
            }
            Engine {
                pk: $pk,
                sk: $sk,
                ct: $ct,
                pk_size,
                sk_size,
                keypair,
                check_pk,
                check_sk,
                pk_expand,
                sk_expand,
                enc,
                dec,
                #[cfg(test)]
                packed_enc,
                #[cfg(test)]
                packed_dec,
            }
        };
    };
}

engine!(REF_512, "pqpay_mlkem_ref_512", 800, 1632, 768);
engine!(REF_768, "pqpay_mlkem_ref_768", 1184, 2400, 1088);
engine!(REF_1024, "pqpay_mlkem_ref_1024", 1568, 3168, 1568);
#[cfg(pqpay_mlkem_avx2)]
engine!(AVX2_512, "pqpay_mlkem_avx2_512", 800, 1632, 768);
#[cfg(pqpay_mlkem_avx2)]
engine!(AVX2_768, "pqpay_mlkem_avx2_768", 1184, 2400, 1088);
#[cfg(pqpay_mlkem_avx2)]
engine!(AVX2_1024, "pqpay_mlkem_avx2_1024", 1568, 3168, 1568);

/// Whether the AVX2 build may run on this CPU (what mlkem-native's x86_64 backend needs).
#[cfg(pqpay_mlkem_avx2)]
fn cpu_has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("bmi2")
}

/// Whether [`engine_for`] picks the AVX2 build on this CPU (the tests run both builds).
#[cfg(test)]
pub(super) fn avx2_available() -> bool {
    #[cfg(pqpay_mlkem_avx2)]
    {
        cpu_has_avx2()
    }
    #[cfg(not(pqpay_mlkem_avx2))]
    {
        false
    }
}

/// The build used for `alg`: AVX2 where the CPU has it, else portable (`portable` forces it).
pub(super) fn engine_for(alg: KemAlgorithm, portable: bool) -> Result<&'static Engine> {
    #[cfg(pqpay_mlkem_avx2)]
    if !portable && cpu_has_avx2() {
        return Ok(match alg {
            KemAlgorithm::MlKem512 => &AVX2_512,
            KemAlgorithm::MlKem768 => &AVX2_768,
            KemAlgorithm::MlKem1024 => &AVX2_1024,
            other => return Err(not_mlkem(other)),
        });
    }
    let _ = portable;
    Ok(match alg {
        KemAlgorithm::MlKem512 => &REF_512,
        KemAlgorithm::MlKem768 => &REF_768,
        KemAlgorithm::MlKem1024 => &REF_1024,
        other => return Err(not_mlkem(other)),
    })
}

fn not_mlkem(alg: KemAlgorithm) -> Error {
    Error::UnsupportedAlgorithm(format!("{} is not an ML-KEM algorithm", alg.name()))
}

fn length_changed() -> Error {
    Error::Internal("ML-KEM encoding length changed".into())
}

impl Engine {
    /// ML-KEM.KeyGen_internal(d, z) for `seed = d || z`: (ek, dk), dk in a zeroized buffer.
    pub(super) fn keypair(&self, seed: &[u8; 64]) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>)> {
        let mut pk = vec![0u8; self.pk];
        let mut sk = Zeroizing::new(vec![0u8; self.sk]);
        // SAFETY: pk and sk have the sizes of this parameter set, seed is 64 bytes.
        let rc = unsafe { (self.keypair)(pk.as_mut_ptr(), sk.as_mut_ptr(), seed.as_ptr()) };
        if rc != 0 {
            return Err(Error::Internal("ML-KEM key generation failed".into()));
        }
        Ok((pk, sk))
    }

    /// The FIPS 203 §7.2 modulus check of an encoded ek (false for a wrong length).
    pub(super) fn modulus_check(&self, ek: &[u8]) -> bool {
        if ek.len() != self.pk {
            return false;
        }
        // SAFETY: ek has this parameter set's public-key size; the C side only reads it.
        unsafe { (self.check_pk)(ek.as_ptr()) == 0 }
    }

    /// The FIPS 203 §7.3 hash check of an encoded dk (false for a wrong length).
    pub(super) fn hash_check(&self, dk: &[u8]) -> bool {
        if dk.len() != self.sk {
            return false;
        }
        // SAFETY: dk has this parameter set's private-key size; the C side only reads it.
        unsafe { (self.check_sk)(dk.as_ptr()) == 0 }
    }

    /// mlkem-native's packed encapsulation (with its own modulus check), for the cross-checks.
    #[cfg(test)]
    pub(super) fn packed_encapsulate(
        &self,
        ek: &[u8],
        m: &[u8; 32],
    ) -> Option<(Vec<u8>, [u8; 32])> {
        assert_eq!(ek.len(), self.pk);
        let mut ct = vec![0u8; self.ct];
        let mut ss = [0u8; 32];
        // SAFETY: sizes as above.
        let rc =
            unsafe { (self.packed_enc)(ct.as_mut_ptr(), ss.as_mut_ptr(), ek.as_ptr(), m.as_ptr()) };
        (rc == 0).then_some((ct, ss))
    }

    /// mlkem-native's packed decapsulation (with its own hash check), for the cross-checks.
    #[cfg(test)]
    pub(super) fn packed_decapsulate(&self, dk: &[u8], ct: &[u8]) -> Option<[u8; 32]> {
        assert_eq!((dk.len(), ct.len()), (self.sk, self.ct));
        let mut ss = [0u8; 32];
        // SAFETY: sizes as above.
        let rc = unsafe { (self.packed_dec)(ss.as_mut_ptr(), ct.as_ptr(), dk.as_ptr()) };
        (rc == 0).then_some(ss)
    }
}

/// A C struct made by one build of the engine (see the module docs).
type Expanded = c_struct::Expanded<Engine>;

/// An encapsulation key ready to encapsulate: Â^T, t̂ and H(ek).
pub(super) struct ExpandedPublicKey(Expanded);

/// A decapsulation key ready to decapsulate: the public part, ŝ and z (secret; wiped on drop).
pub(super) struct ExpandedPrivateKey(Expanded);

impl ExpandedPublicKey {
    /// Expands an ek that passed the modulus check ([`Engine::modulus_check`]).
    pub(super) fn new(engine: &'static Engine, ek: &[u8]) -> Result<Self> {
        if ek.len() != engine.pk {
            return Err(length_changed());
        }
        // SAFETY: the size function has no preconditions.
        let size = unsafe { (engine.pk_size)() };
        Ok(Self(Expanded::new(engine, size, engine.pk_expand, ek)?))
    }

    /// ML-KEM.Encaps_internal(ek, m): (ciphertext, shared secret).
    #[cfg(test)]
    pub(super) fn encapsulate(&self, m: &[u8; 32]) -> (Vec<u8>, Zeroizing<[u8; 32]>) {
        let mut ct = vec![0u8; self.0.engine.ct];
        let mut ss = Zeroizing::new([0u8; 32]);
        // The ciphertext has this build's size, so this cannot fail.
        let _ = self.encapsulate_into(m, &mut ct, &mut ss);
        (ct, ss)
    }

    /// ML-KEM.Encaps_internal(ek, m) into the caller's buffers; no allocation.
    pub(super) fn encapsulate_into(
        &self,
        m: &[u8; 32],
        ct: &mut [u8],
        ss: &mut [u8; 32],
    ) -> Result<()> {
        let e = self.0.engine;
        if ct.len() != e.ct {
            return Err(length_changed());
        }
        // SAFETY: ct has this parameter set's ciphertext size, ss and m 32 bytes, and the
        // expanded key was made by this same build.
        unsafe {
            (e.enc)(
                ct.as_mut_ptr(),
                ss.as_mut_ptr(),
                self.0.mem.as_ptr(),
                m.as_ptr(),
            )
        };
        Ok(())
    }
}

impl ExpandedPrivateKey {
    /// Expands a dk that passed the hash check and whose ek passed the modulus check.
    pub(super) fn new(engine: &'static Engine, dk: &[u8]) -> Result<Self> {
        if dk.len() != engine.sk {
            return Err(length_changed());
        }
        // SAFETY: the size function has no preconditions.
        let size = unsafe { (engine.sk_size)() };
        Ok(Self(Expanded::new(engine, size, engine.sk_expand, dk)?))
    }

    /// ML-KEM.Decaps_internal(dk, c), with implicit rejection.
    #[cfg(test)]
    pub(super) fn decapsulate(&self, ct: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let mut ss = Zeroizing::new([0u8; 32]);
        self.decapsulate_into(ct, &mut ss)?;
        Ok(ss)
    }

    /// ML-KEM.Decaps_internal(dk, c) into the caller's buffer; no allocation.
    pub(super) fn decapsulate_into(&self, ct: &[u8], ss: &mut [u8; 32]) -> Result<()> {
        let e = self.0.engine;
        if ct.len() != e.ct {
            return Err(length_changed());
        }
        // SAFETY: ct has this parameter set's ciphertext size, ss is 32 bytes, and the expanded
        // key was made by this same build.
        unsafe { (e.dec)(ss.as_mut_ptr(), ct.as_ptr(), self.0.mem.as_ptr()) };
        Ok(())
    }
}
