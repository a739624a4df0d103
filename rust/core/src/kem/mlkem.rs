//! ML-KEM (FIPS 203) over libcrux-ml-kem's "unpacked" API.
//!
//! libcrux's packed API re-expands every key on every call: encapsulation re-samples the matrix
//! A from ρ and re-hashes ek, decapsulation additionally re-decodes s. Keys here are made once and
//! used many times, so each key keeps libcrux's unpacked form instead (A, t̂, H(ek), and for a
//! private key ŝ and z): encapsulation takes about a third of the packed time, decapsulation
//! about half. A public key parsed from bytes is expanded on its first encapsulation, so a key
//! used once costs what it did with the packed API.
//!
//! libcrux has an AVX2 and a portable instantiation with different types. Its AVX2 entry points
//! do not check the CPU themselves, so [`use_avx2`] decides once per key, at construction; a key
//! then always uses the instantiation it was made with.
//!
//! Key generation runs on liboqs (see [`liboqs`], measured about twice as fast); the unpacked
//! key pair is then made from the expanded key on the first decapsulation, and the public key's
//! on its first encapsulation, so generating a key costs only the generation.
//!
//! The canonical private key is the 64-byte seed `d || z`; a key imported in expanded form
//! (PKCS#8 `expandedKey`, ACVP, Wycheproof) has no seed and passes the FIPS 203 §7.3 hash check.

use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};

use sha3::{Digest, Sha3_256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use super::{KemAlgorithm, KemScheme, KemSizes, SharedSecret};
use crate::error::expect_len;
use crate::{Error, Result};

#[path = "mlkem_liboqs.rs"]
mod liboqs;

/// Length of the seed `d || z`.
pub const SEED_LEN: usize = 64;

/// Whether libcrux's AVX2 instantiation may run on this CPU. Every constructor below takes the
/// answer as `avx2: bool` (false selects the portable code on any CPU) so tests can run both.
fn use_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Generates, per parameter set, a module holding libcrux's unpacked key types for both
/// instantiations and the handful of operations this file needs on them.
macro_rules! unpacked_forms {
    ($m:ident, $lib:ident, $pub_unpacked:ident, $pair_unpacked:ident, $pk:ident, $sk:ident, $ct:ident) => {
        mod $m {
            #[cfg(target_arch = "x86_64")]
            use libcrux_ml_kem::$lib::avx2 as fast;
            use libcrux_ml_kem::$lib::portable;
            use libcrux_ml_kem::$lib::{$ct, $pk, $sk};
            #[cfg(test)]
            use zeroize::{Zeroize, Zeroizing};

            /// An unpacked public key: t̂, ρ, the expanded matrix A and H(ek).
            pub(super) enum Public {
                #[cfg(target_arch = "x86_64")]
                Avx2(fast::unpacked::$pub_unpacked),
                Portable(portable::unpacked::$pub_unpacked),
            }

            impl Public {
                /// The FIPS 203 §7.2 modulus check (decode then re-encode must round-trip).
                #[cfg_attr(not(target_arch = "x86_64"), allow(unused_variables))]
                pub(super) fn modulus_check(pk: &$pk, avx2: bool) -> bool {
                    #[cfg(target_arch = "x86_64")]
                    if avx2 {
                        return fast::validate_public_key(pk);
                    }
                    portable::validate_public_key(pk)
                }

                /// Expands a public key that passed [`Public::modulus_check`].
                #[cfg_attr(not(target_arch = "x86_64"), allow(unused_variables))]
                pub(super) fn unpack(pk: &$pk, avx2: bool) -> Box<Self> {
                    #[cfg(target_arch = "x86_64")]
                    if avx2 {
                        let mut out = fast::unpacked::init_public_key();
                        fast::unpacked::unpacked_public_key(pk, &mut out);
                        return Box::new(Public::Avx2(out));
                    }
                    let mut out = portable::unpacked::init_public_key();
                    portable::unpacked::unpacked_public_key(pk, &mut out);
                    Box::new(Public::Portable(out))
                }

                /// Encapsulation with randomness `m`: (ciphertext, shared secret).
                pub(super) fn encapsulate(&self, m: [u8; 32]) -> ($ct, [u8; 32]) {
                    match self {
                        #[cfg(target_arch = "x86_64")]
                        Public::Avx2(k) => fast::unpacked::encapsulate(k, m),
                        Public::Portable(k) => portable::unpacked::encapsulate(k, m),
                    }
                }
            }

            /// An unpacked key pair: the public part above plus ŝ and z.
            pub(super) enum KeyPair {
                #[cfg(target_arch = "x86_64")]
                Avx2(fast::unpacked::$pair_unpacked),
                Portable(portable::unpacked::$pair_unpacked),
            }

            impl KeyPair {
                /// ML-KEM.KeyGen_internal(d, z), written straight into a heap slot so the secret
                /// is not moved around afterwards (tests only: keys are generated by liboqs).
                #[cfg(test)]
                #[cfg_attr(not(target_arch = "x86_64"), allow(unused_variables))]
                pub(super) fn generate(seed: [u8; 64], avx2: bool) -> Box<Self> {
                    #[cfg(target_arch = "x86_64")]
                    if avx2 {
                        let mut out = Box::new(KeyPair::Avx2(fast::unpacked::init_key_pair()));
                        if let KeyPair::Avx2(kp) = &mut *out {
                            fast::unpacked::generate_key_pair_mut(seed, kp);
                        }
                        return out;
                    }
                    let mut out = Box::new(KeyPair::Portable(portable::unpacked::init_key_pair()));
                    if let KeyPair::Portable(kp) = &mut *out {
                        portable::unpacked::generate_key_pair_mut(seed, kp);
                    }
                    out
                }

                /// Unpacks an expanded key that passed the §7.3 hash check and whose ek passed
                /// the modulus check.
                #[cfg_attr(not(target_arch = "x86_64"), allow(unused_variables))]
                pub(super) fn from_expanded(dk: &$sk, avx2: bool) -> Box<Self> {
                    #[cfg(target_arch = "x86_64")]
                    if avx2 {
                        let mut out = Box::new(KeyPair::Avx2(fast::unpacked::init_key_pair()));
                        if let KeyPair::Avx2(kp) = &mut *out {
                            fast::unpacked::key_pair_from_private_mut(dk, kp);
                        }
                        return out;
                    }
                    let mut out = Box::new(KeyPair::Portable(portable::unpacked::init_key_pair()));
                    if let KeyPair::Portable(kp) = &mut *out {
                        portable::unpacked::key_pair_from_private_mut(dk, kp);
                    }
                    out
                }

                /// The unpacked public half.
                pub(super) fn public(&self) -> Box<Public> {
                    Box::new(match self {
                        #[cfg(target_arch = "x86_64")]
                        KeyPair::Avx2(kp) => Public::Avx2(kp.public_key().clone()),
                        KeyPair::Portable(kp) => Public::Portable(kp.public_key().clone()),
                    })
                }

                /// The encoded public key ek.
                #[cfg(test)]
                pub(super) fn public_bytes(&self) -> $pk {
                    match self {
                        #[cfg(target_arch = "x86_64")]
                        KeyPair::Avx2(kp) => fast::unpacked::key_pair_serialized_public_key(kp),
                        KeyPair::Portable(kp) => {
                            portable::unpacked::key_pair_serialized_public_key(kp)
                        }
                    }
                }

                /// The expanded decapsulation key dk of FIPS 203.
                #[cfg(test)]
                pub(super) fn expanded(&self) -> Zeroizing<Vec<u8>> {
                    let mut dk = match self {
                        #[cfg(target_arch = "x86_64")]
                        KeyPair::Avx2(kp) => fast::unpacked::key_pair_serialized_private_key(kp),
                        KeyPair::Portable(kp) => {
                            portable::unpacked::key_pair_serialized_private_key(kp)
                        }
                    };
                    let out = Zeroizing::new(dk.as_slice().to_vec());
                    dk[0..].zeroize();
                    out
                }

                /// Decapsulation, with implicit rejection.
                pub(super) fn decapsulate(&self, ct: &$ct) -> [u8; 32] {
                    match self {
                        #[cfg(target_arch = "x86_64")]
                        KeyPair::Avx2(kp) => fast::unpacked::decapsulate(kp, ct),
                        KeyPair::Portable(kp) => portable::unpacked::decapsulate(kp, ct),
                    }
                }
            }

            impl KeyPair {
                /// Overwrites ŝ and z with zeros.
                ///
                /// libcrux's unpacked secret has crate-private fields and no zeroize support, and
                /// this crate has no unsafe code: assign a fresh all-zero value, then hand its
                /// address to `black_box` so the optimizer cannot drop the stores as dead before
                /// the box is freed.
                pub(super) fn wipe(&mut self) {
                    match self {
                        #[cfg(target_arch = "x86_64")]
                        KeyPair::Avx2(kp) => {
                            kp.private_key = fast::unpacked::init_key_pair().private_key;
                            core::hint::black_box(&kp.private_key);
                        }
                        KeyPair::Portable(kp) => {
                            kp.private_key = portable::unpacked::init_key_pair().private_key;
                            core::hint::black_box(&kp.private_key);
                        }
                    }
                }
            }

            impl Drop for KeyPair {
                fn drop(&mut self) {
                    self.wipe();
                }
            }
        }
    };
}

unpacked_forms!(
    p512,
    mlkem512,
    MlKem512PublicKeyUnpacked,
    MlKem512KeyPairUnpacked,
    MlKem512PublicKey,
    MlKem512PrivateKey,
    MlKem512Ciphertext
);
unpacked_forms!(
    p768,
    mlkem768,
    MlKem768PublicKeyUnpacked,
    MlKem768KeyPairUnpacked,
    MlKem768PublicKey,
    MlKem768PrivateKey,
    MlKem768Ciphertext
);
unpacked_forms!(
    p1024,
    mlkem1024,
    MlKem1024PublicKeyUnpacked,
    MlKem1024KeyPairUnpacked,
    MlKem1024PublicKey,
    MlKem1024PrivateKey,
    MlKem1024Ciphertext
);

/// The unpacked public key of whichever parameter set (the key structs are generic over sizes
/// only, so the parameter set is a run-time tag that always matches the sizes).
enum PublicForm {
    K512(Box<p512::Public>),
    K768(Box<p768::Public>),
    K1024(Box<p1024::Public>),
}

/// The unpacked key pair of whichever parameter set (see [`PublicForm`]).
enum KeyPairForm {
    K512(Box<p512::KeyPair>),
    K768(Box<p768::KeyPair>),
    K1024(Box<p1024::KeyPair>),
}

/// An ML-KEM private key: the expanded encoding, the unpacked key pair, the seed when known.
///
/// Secret material (seed, ŝ, z, the expanded encoding) is zeroized on drop.
pub struct MlKemPrivateKey<const SK: usize, const PK: usize> {
    seed: Option<Zeroizing<[u8; SEED_LEN]>>,
    /// Unpacked from `expanded` on the first decapsulation of a generated key (at import for an
    /// imported one).
    pair: OnceLock<KeyPairForm>,
    /// The FIPS 203 encoding of dk.
    expanded: Zeroizing<Vec<u8>>,
    public: MlKemPublicKey<PK>,
    _size: PhantomData<[u8; SK]>,
}

impl<const SK: usize, const PK: usize> MlKemPrivateKey<SK, PK> {
    /// The expanded decapsulation key `dk` of FIPS 203.
    pub fn expanded_bytes(&self) -> &[u8] {
        &self.expanded
    }
}

/// A validated ML-KEM public key. Clones share one unpacked form.
#[derive(Clone)]
pub struct MlKemPublicKey<const PK: usize> {
    inner: Arc<PublicInner<PK>>,
}

struct PublicInner<const PK: usize> {
    /// The encoded key ek.
    bytes: libcrux_ml_kem::MlKemPublicKey<PK>,
    /// Set at construction for a key taken from a key pair; for a key parsed from bytes, made on
    /// first encapsulation, so parsing a key used once costs no more than before.
    unpacked: OnceLock<PublicForm>,
}

/// FIPS 203 §7.3 hash check of an expanded key: H(ek) stored in dk must match ek.
fn dk_hash_check(dk: &[u8], rank: usize) -> bool {
    let ek_start = 384 * rank;
    let ek_end = 768 * rank + 32;
    let h = Sha3_256::digest(&dk[ek_start..ek_end]);
    h.as_slice().ct_eq(&dk[ek_end..ek_end + 32]).into()
}

/// Error for a key whose unpacked form belongs to another parameter set. The key types make this
/// unreachable (each parameter set builds only its own keys); it is an error rather than a panic.
fn form_mismatch(label: &str) -> Error {
    Error::InvalidKey(format!(
        "internal error: {label} key holds another parameter set"
    ))
}

macro_rules! mlkem_param_set {
    ($name:ident, $alg:ident, $form:ident, $module:ident, $label:literal, rank = $rank:literal,
     pk = $pk:literal, sk = $sk:literal, ct = $ct:literal) => {
        #[doc = concat!($label, " (FIPS 203).")]
        pub struct $name;

        impl $name {
            /// Imports an expanded decapsulation key after the FIPS 203 §7.3 length and hash checks.
            pub fn from_expanded(dk: &[u8]) -> Result<MlKemPrivateKey<$sk, $pk>> {
                let dk = expect_len::<$sk>(concat!($label, " expanded private key"), stringify!($sk), dk)?;
                if !dk_hash_check(dk, $rank) {
                    return Err(Error::InvalidKey(concat!($label, " expanded private key fails the FIPS 203 hash check (H(ek) does not match)").into()));
                }
                let ek = expect_len::<$pk>(concat!($label, " public key"), stringify!($pk), &dk[384 * $rank..768 * $rank + 32])?;
                let ek = libcrux_ml_kem::MlKemPublicKey::from(ek);
                if !$module::Public::modulus_check(&ek, use_avx2()) {
                    return Err(Error::InvalidKey(concat!($label, " public key fails the FIPS 203 modulus check (a coefficient is >= q = 3329)").into()));
                }
                let mut libcrux_dk = libcrux_ml_kem::MlKemPrivateKey::from(dk);
                let pair = $module::KeyPair::from_expanded(&libcrux_dk, use_avx2());
                libcrux_dk[0..].zeroize();
                let public = MlKemPublicKey {
                    inner: Arc::new(PublicInner {
                        bytes: ek,
                        unpacked: OnceLock::from(PublicForm::$form(pair.public())),
                    }),
                };
                Ok(MlKemPrivateKey {
                    seed: None,
                    pair: OnceLock::from(KeyPairForm::$form(pair)),
                    expanded: Zeroizing::new(dk.to_vec()),
                    public,
                    _size: PhantomData,
                })
            }
        }

        impl KemScheme for $name {
            const ALGORITHM: KemAlgorithm = KemAlgorithm::$alg;
            const SIZES: KemSizes = KemSizes {
                seed: SEED_LEN,
                public_key: $pk,
                ciphertext: $ct,
                shared_secret: 32,
                encaps_randomness: 32,
            };
            type DecapsulationKey = MlKemPrivateKey<$sk, $pk>;
            type EncapsulationKey = MlKemPublicKey<$pk>;

            fn from_seed(seed: &[u8]) -> Result<Self::DecapsulationKey> {
                let seed = expect_len::<SEED_LEN>(concat!($label, " seed (d || z)"), "64", seed)?;
                let seed = Zeroizing::new(*seed);
                let (ek, expanded) = liboqs::generate(KemAlgorithm::$alg, &seed)?;
                let ek = expect_len::<$pk>(concat!($label, " public key"), stringify!($pk), &ek)?;
                if expanded.len() != $sk {
                    return Err(Error::Internal(concat!($label, " generated key has the wrong length").into()));
                }
                let public = MlKemPublicKey {
                    inner: Arc::new(PublicInner {
                        bytes: libcrux_ml_kem::MlKemPublicKey::from(ek),
                        unpacked: OnceLock::new(),
                    }),
                };
                Ok(MlKemPrivateKey {
                    seed: Some(seed),
                    pair: OnceLock::new(),
                    expanded,
                    public,
                    _size: PhantomData,
                })
            }

            fn seed(dk: &Self::DecapsulationKey) -> Option<&[u8]> {
                dk.seed.as_deref().map(|s| s.as_slice())
            }

            fn public_key(dk: &Self::DecapsulationKey) -> Self::EncapsulationKey {
                dk.public.clone()
            }

            fn decapsulate(dk: &Self::DecapsulationKey, ciphertext: &[u8]) -> Result<SharedSecret> {
                let ct = expect_len::<$ct>(concat!($label, " ciphertext"), stringify!($ct), ciphertext)?;
                let ct = libcrux_ml_kem::MlKemCiphertext::from(ct);
                let pair = match dk.pair.get() {
                    Some(pair) => pair,
                    None => {
                        // A generated key: unpack its expanded form (liboqs's own output, so no
                        // checks), once; a racing thread's copy is dropped (and wiped).
                        let bytes = expect_len::<$sk>(concat!($label, " expanded private key"), stringify!($sk), &dk.expanded)?;
                        let mut libcrux_dk = libcrux_ml_kem::MlKemPrivateKey::from(bytes);
                        let unpacked = $module::KeyPair::from_expanded(&libcrux_dk, use_avx2());
                        libcrux_dk[0..].zeroize();
                        let _ = dk.pair.set(KeyPairForm::$form(unpacked));
                        dk.pair.get().ok_or_else(|| form_mismatch($label))?
                    }
                };
                match pair {
                    KeyPairForm::$form(kp) => Ok(SharedSecret::from(kp.decapsulate(&ct))),
                    _ => Err(form_mismatch($label)),
                }
            }

            fn public_key_from_bytes(data: &[u8]) -> Result<Self::EncapsulationKey> {
                let pk = expect_len::<$pk>(concat!($label, " public key"), stringify!($pk), data)?;
                let bytes = libcrux_ml_kem::MlKemPublicKey::from(pk);
                if !$module::Public::modulus_check(&bytes, use_avx2()) {
                    return Err(Error::InvalidKey(concat!($label, " public key fails the FIPS 203 modulus check (a coefficient is >= q = 3329)").into()));
                }
                Ok(MlKemPublicKey {
                    inner: Arc::new(PublicInner {
                        bytes,
                        unpacked: OnceLock::new(),
                    }),
                })
            }

            fn public_key_bytes(ek: &Self::EncapsulationKey) -> &[u8] {
                ek.inner.bytes.as_slice()
            }

            fn encapsulate_derand(ek: &Self::EncapsulationKey, randomness: &[u8]) -> Result<(SharedSecret, Vec<u8>)> {
                let m = expect_len::<32>(concat!($label, " encapsulation randomness m"), "32", randomness)?;
                let form = ek
                    .inner
                    .unpacked
                    .get_or_init(|| PublicForm::$form($module::Public::unpack(&ek.inner.bytes, use_avx2())));
                match form {
                    PublicForm::$form(p) => {
                        let (ct, ss) = p.encapsulate(*m);
                        Ok((SharedSecret::from(ss), ct.as_slice().to_vec()))
                    }
                    _ => Err(form_mismatch($label)),
                }
            }
        }
    };
}

mlkem_param_set!(
    MlKem512,
    MlKem512,
    K512,
    p512,
    "ML-KEM-512",
    rank = 2,
    pk = 800,
    sk = 1632,
    ct = 768
);
mlkem_param_set!(
    MlKem768,
    MlKem768,
    K768,
    p768,
    "ML-KEM-768",
    rank = 3,
    pk = 1184,
    sk = 2400,
    ct = 1088
);
mlkem_param_set!(
    MlKem1024,
    MlKem1024,
    K1024,
    p1024,
    "ML-KEM-1024",
    rank = 4,
    pk = 1568,
    sk = 3168,
    ct = 1568
);

/// Imports an expanded ML-KEM private key of any parameter set (as a run-time key).
pub fn decapsulation_key_from_expanded(
    alg: KemAlgorithm,
    dk: &[u8],
) -> Result<super::DecapsulationKey> {
    use super::DecapsulationKey as D;
    match alg {
        KemAlgorithm::MlKem512 => Ok(D::MlKem512(MlKem512::from_expanded(dk)?)),
        KemAlgorithm::MlKem768 => Ok(D::MlKem768(MlKem768::from_expanded(dk)?)),
        KemAlgorithm::MlKem1024 => Ok(D::MlKem1024(MlKem1024::from_expanded(dk)?)),
        other => Err(Error::UnsupportedAlgorithm(format!(
            "{} has no expanded private-key form",
            other.name()
        ))),
    }
}

/// The expanded private key of a run-time ML-KEM key, if it is one.
pub fn expanded_bytes(dk: &super::DecapsulationKey) -> Option<&[u8]> {
    use super::DecapsulationKey as D;
    match dk {
        D::MlKem512(k) => Some(k.expanded_bytes()),
        D::MlKem768(k) => Some(k.expanded_bytes()),
        D::MlKem1024(k) => Some(k.expanded_bytes()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    //! The unpacked forms, in both instantiations, against libcrux's packed API, which the
    //! previous implementation used and the known-answer tests covered.
    #![allow(clippy::unwrap_used)]

    use super::*;

    macro_rules! cross_check {
        ($test:ident, $module:ident, $lib:ident, $sk:literal, $ct:literal) => {
            #[test]
            fn $test() {
                let modes: &[bool] = if use_avx2() { &[false, true] } else { &[false] };
                for &avx2 in modes {
                    for i in 0u8..8 {
                        let seed = [i.wrapping_mul(37).wrapping_add(1); 64];
                        let m = [i ^ 0x5a; 32];
                        let packed = libcrux_ml_kem::$lib::generate_key_pair(seed);
                        let pair = $module::KeyPair::generate(seed, avx2);
                        assert_eq!(pair.public_bytes().as_slice(), packed.pk());
                        assert_eq!(pair.expanded().as_slice(), packed.sk().as_slice());

                        // Encapsulation: from the key pair and from parsed bytes.
                        let (ct_ref, ss_ref) =
                            libcrux_ml_kem::$lib::encapsulate(packed.public_key(), m);
                        let (ct1, ss1) = pair.public().encapsulate(m);
                        assert!($module::Public::modulus_check(packed.public_key(), avx2));
                        let (ct2, ss2) =
                            $module::Public::unpack(packed.public_key(), avx2).encapsulate(m);
                        assert_eq!(ct1.as_slice(), ct_ref.as_slice());
                        assert_eq!(ct2.as_slice(), ct_ref.as_slice());
                        assert_eq!((ss1, ss2), (ss_ref, ss_ref));

                        // Decapsulation of the real and a corrupted ciphertext (implicit
                        // rejection), from a generated and from an imported expanded key.
                        let imported = $module::KeyPair::from_expanded(packed.private_key(), avx2);
                        let mut bad = *ct_ref.as_slice();
                        bad[usize::from(i) * 7 % $ct] ^= 1;
                        for ct in [*ct_ref.as_slice(), bad] {
                            let ct = libcrux_ml_kem::MlKemCiphertext::from(ct);
                            let want = libcrux_ml_kem::$lib::decapsulate(packed.private_key(), &ct);
                            assert_eq!(pair.decapsulate(&ct), want);
                            assert_eq!(imported.decapsulate(&ct), want);
                        }
                        assert_eq!(imported.expanded().len(), $sk);
                    }
                }
            }
        };
    }

    macro_rules! liboqs_keygen {
        ($test:ident, $name:ident, $lib:ident, $ctl:literal) => {
            /// liboqs's key generation against libcrux's packed one, and a generated key's lazy
            /// unpacking against libcrux's packed decapsulation (also of a corrupted ciphertext).
            #[test]
            fn $test() {
                for i in 0u8..8 {
                    let seed = [i.wrapping_mul(41).wrapping_add(3); 64];
                    let packed = libcrux_ml_kem::$lib::generate_key_pair(seed);
                    let dk = $name::from_seed(&seed).unwrap();
                    let ek = $name::public_key(&dk);
                    assert_eq!($name::public_key_bytes(&ek), packed.pk());
                    assert_eq!(dk.expanded_bytes(), packed.sk().as_slice());
                    let (ss, ct) = $name::encapsulate_derand(&ek, &[i; 32]).unwrap();
                    let mut bad = ct.clone();
                    bad[usize::from(i) * 13] ^= 0x10;
                    for c in [&ct, &bad] {
                        let want = libcrux_ml_kem::$lib::decapsulate(
                            packed.private_key(),
                            &libcrux_ml_kem::MlKemCiphertext::from(
                                <[u8; $ctl]>::try_from(c.as_slice()).unwrap(),
                            ),
                        );
                        assert_eq!($name::decapsulate(&dk, c).unwrap().as_bytes(), &want[..]);
                    }
                    assert_eq!(
                        $name::decapsulate(&dk, &ct).unwrap().as_bytes(),
                        ss.as_bytes()
                    );
                }
            }
        };
    }

    liboqs_keygen!(liboqs_keygen_matches_libcrux_512, MlKem512, mlkem512, 768);
    liboqs_keygen!(liboqs_keygen_matches_libcrux_768, MlKem768, mlkem768, 1088);
    liboqs_keygen!(
        liboqs_keygen_matches_libcrux_1024,
        MlKem1024,
        mlkem1024,
        1568
    );

    cross_check!(unpacked_matches_packed_512, p512, mlkem512, 1632, 768);
    cross_check!(unpacked_matches_packed_768, p768, mlkem768, 2400, 1088);
    cross_check!(unpacked_matches_packed_1024, p1024, mlkem1024, 3168, 1568);

    #[test]
    fn wipe_zeroes_s_and_z() {
        for avx2 in [false, use_avx2()] {
            let mut pair = p768::KeyPair::generate([3; 64], avx2);
            let before = pair.expanded();
            pair.wipe();
            let after = pair.expanded();
            // dk = ByteEncode12(ŝ) || ek || H(ek) || z: the secret parts are now zero, the
            // public parts untouched.
            assert!(before[..1152].iter().any(|&b| b != 0));
            assert!(after[..1152].iter().all(|&b| b == 0));
            assert!(after[2368..].iter().all(|&b| b == 0));
            assert_eq!(after[1152..2368], before[1152..2368]);
        }
    }
}
