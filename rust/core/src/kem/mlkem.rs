//! ML-KEM (FIPS 203) on mlkem-native (see [`native`]: C with its AVX2 assembly, chosen at run
//! time, FIPS 202 on pqpay's Keccak permutations).
//!
//! Keys are made once and used many times, so each key keeps mlkem-native's expanded form
//! (Â^T, t̂, H(ek), and for a private key ŝ and z) instead of re-sampling the matrix and
//! re-hashing ek on every call, as the packed API does. A public key parsed from bytes is
//! expanded on its first encapsulation, a generated private key on its first decapsulation, so
//! a key used once costs what it did with the packed API and generating a key costs only the
//! generation.
//!
//! The AVX2 build runs where the CPU has AVX2 and BMI2 (portable C otherwise); an expanded key
//! always uses the build that made it.
//!
//! The canonical private key is the 64-byte seed `d || z`; a key imported in expanded form
//! (PKCS#8 `expandedKey`, ACVP, Wycheproof) has no seed and passes the FIPS 203 §7.3 hash check.
//! Every public key passes the §7.2 modulus check before it is used.

use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};

use zeroize::Zeroizing;

use super::{KemAlgorithm, KemScheme, KemSizes};
use crate::error::{expect_len, expect_len_mut};
use crate::{Error, Result};

#[path = "mlkem_native.rs"]
mod native;

use native::{engine_for, ExpandedPrivateKey, ExpandedPublicKey};

/// Length of the seed `d || z`.
pub const SEED_LEN: usize = 64;

/// An ML-KEM private key: the expanded encoding, the expanded C form, the seed when known.
///
/// Secret material (seed, ŝ, z, the encoding) is zeroized on drop; nothing of it is printed.
pub struct MlKemPrivateKey<const SK: usize, const PK: usize> {
    alg: KemAlgorithm,
    seed: Option<Zeroizing<[u8; SEED_LEN]>>,
    /// Made from `expanded` on the first decapsulation of a generated key (at import for an
    /// imported one).
    pair: OnceLock<ExpandedPrivateKey>,
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

    /// The expanded C form, made on first use (a racing thread's copy is dropped and wiped).
    fn pair(&self) -> Result<&ExpandedPrivateKey> {
        if let Some(pair) = self.pair.get() {
            return Ok(pair);
        }
        let made = ExpandedPrivateKey::new(engine_for(self.alg, false)?, &self.expanded)?;
        let _ = self.pair.set(made);
        self.pair
            .get()
            .ok_or_else(|| Error::Internal("ML-KEM expanded key vanished".into()))
    }
}

/// A validated ML-KEM public key. Clones share one expanded form.
#[derive(Clone)]
pub struct MlKemPublicKey<const PK: usize> {
    inner: Arc<PublicInner>,
}

struct PublicInner {
    alg: KemAlgorithm,
    /// The encoded key ek (passed the modulus check).
    bytes: Vec<u8>,
    /// Made on first encapsulation, so parsing a key used once costs no more than before.
    expanded: OnceLock<ExpandedPublicKey>,
}

impl<const PK: usize> MlKemPublicKey<PK> {
    fn new(alg: KemAlgorithm, bytes: Vec<u8>) -> Self {
        MlKemPublicKey {
            inner: Arc::new(PublicInner {
                alg,
                bytes,
                expanded: OnceLock::new(),
            }),
        }
    }

    fn expanded(&self) -> Result<&ExpandedPublicKey> {
        let inner = &*self.inner;
        if let Some(e) = inner.expanded.get() {
            return Ok(e);
        }
        let made = ExpandedPublicKey::new(engine_for(inner.alg, false)?, &inner.bytes)?;
        let _ = inner.expanded.set(made);
        inner
            .expanded
            .get()
            .ok_or_else(|| Error::Internal("ML-KEM expanded key vanished".into()))
    }
}

macro_rules! mlkem_param_set {
    ($name:ident, $alg:ident, $label:literal, rank = $rank:literal,
     pk = $pk:literal, sk = $sk:literal, ct = $ct:literal) => {
        #[doc = concat!($label, " (FIPS 203).")]
        pub struct $name;

        impl $name {
            /// Imports an expanded decapsulation key after the FIPS 203 §7.3 length and hash
            /// checks and the §7.2 modulus check of the ek inside it.
            pub fn from_expanded(dk: &[u8]) -> Result<MlKemPrivateKey<$sk, $pk>> {
                let dk = expect_len::<$sk>(concat!($label, " expanded private key"), stringify!($sk), dk)?;
                let engine = engine_for(KemAlgorithm::$alg, false)?;
                if !engine.hash_check(dk) {
                    return Err(Error::InvalidKey(concat!($label, " expanded private key fails the FIPS 203 hash check (H(ek) does not match)").into()));
                }
                let ek = &dk[384 * $rank..768 * $rank + 32];
                if !engine.modulus_check(ek) {
                    return Err(Error::InvalidKey(concat!($label, " public key fails the FIPS 203 modulus check (a coefficient is >= q = 3329)").into()));
                }
                let pair = ExpandedPrivateKey::new(engine, dk)?;
                Ok(MlKemPrivateKey {
                    alg: KemAlgorithm::$alg,
                    seed: None,
                    pair: OnceLock::from(pair),
                    expanded: Zeroizing::new(dk.to_vec()),
                    public: MlKemPublicKey::new(KemAlgorithm::$alg, ek.to_vec()),
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
                let (ek, expanded) = engine_for(KemAlgorithm::$alg, false)?.keypair(&seed)?;
                if ek.len() != $pk || expanded.len() != $sk {
                    return Err(Error::Internal(concat!($label, " generated key has the wrong length").into()));
                }
                Ok(MlKemPrivateKey {
                    alg: KemAlgorithm::$alg,
                    seed: Some(seed),
                    pair: OnceLock::new(),
                    expanded,
                    public: MlKemPublicKey::new(KemAlgorithm::$alg, ek),
                    _size: PhantomData,
                })
            }

            fn seed(dk: &Self::DecapsulationKey) -> Option<&[u8]> {
                dk.seed.as_deref().map(|s| s.as_slice())
            }

            fn public_key(dk: &Self::DecapsulationKey) -> Self::EncapsulationKey {
                dk.public.clone()
            }

            fn decapsulate_into(dk: &Self::DecapsulationKey, ciphertext: &[u8], ss_out: &mut [u8]) -> Result<()> {
                let ct = expect_len::<$ct>(concat!($label, " ciphertext"), stringify!($ct), ciphertext)?;
                let ss = expect_len_mut::<32>(concat!($label, " shared-secret output"), "32", ss_out)?;
                dk.pair()?.decapsulate_into(ct, ss)
            }

            fn public_key_from_bytes(data: &[u8]) -> Result<Self::EncapsulationKey> {
                let pk = expect_len::<$pk>(concat!($label, " public key"), stringify!($pk), data)?;
                if !engine_for(KemAlgorithm::$alg, false)?.modulus_check(pk) {
                    return Err(Error::InvalidKey(concat!($label, " public key fails the FIPS 203 modulus check (a coefficient is >= q = 3329)").into()));
                }
                Ok(MlKemPublicKey::new(KemAlgorithm::$alg, pk.to_vec()))
            }

            fn public_key_bytes(ek: &Self::EncapsulationKey) -> &[u8] {
                &ek.inner.bytes
            }

            fn encapsulate_derand_into(ek: &Self::EncapsulationKey, randomness: &[u8], ss_out: &mut [u8], ct_out: &mut [u8]) -> Result<()> {
                let m = expect_len::<32>(concat!($label, " encapsulation randomness m"), "32", randomness)?;
                let ss = expect_len_mut::<32>(concat!($label, " shared-secret output"), "32", ss_out)?;
                let ct = expect_len_mut::<$ct>(concat!($label, " ciphertext output"), stringify!($ct), ct_out)?;
                ek.expanded()?.encapsulate_into(m, ct, ss)
            }
        }
    };
}

mlkem_param_set!(
    MlKem512,
    MlKem512,
    "ML-KEM-512",
    rank = 2,
    pk = 800,
    sk = 1632,
    ct = 768
);
mlkem_param_set!(
    MlKem768,
    MlKem768,
    "ML-KEM-768",
    rank = 3,
    pk = 1184,
    sk = 2400,
    ct = 1088
);
mlkem_param_set!(
    MlKem1024,
    MlKem1024,
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
    //! Both C builds (portable and AVX2) against each other, against mlkem-native's own packed
    //! calls and against libcrux-ml-kem (an independent implementation, pqpay's previous engine),
    //! on random seeds, messages and ciphertexts; and the FIPS 203 input checks.
    #![allow(clippy::unwrap_used)]

    use super::native::{avx2_available, engine_for};
    use super::*;

    fn random<const N: usize>() -> [u8; N] {
        let mut out = [0u8; N];
        getrandom::fill(&mut out).unwrap();
        out
    }

    fn builds() -> Vec<bool> {
        if avx2_available() {
            vec![true, false]
        } else {
            vec![true]
        }
    }

    macro_rules! cross_check {
        ($test:ident, $alg:ident, $lib:ident, $pk:literal, $sk:literal, $ct:literal) => {
            #[test]
            fn $test() {
                use libcrux_ml_kem::$lib as lc;
                for _ in 0..24 {
                    let seed: [u8; 64] = random();
                    let m: [u8; 32] = random();
                    let junk: [u8; $ct] = random();
                    let lkp = lc::portable::generate_key_pair(seed);
                    let (lct, lss) = lc::portable::encapsulate(lkp.public_key(), m);
                    let mut bad = *lct.as_slice();
                    bad[usize::from(m[0]) % $ct] ^= 1 << (m[1] % 8);
                    for portable in builds() {
                        let e = engine_for(KemAlgorithm::$alg, portable).unwrap();
                        let (ek, dk) = e.keypair(&seed).unwrap();
                        assert_eq!(ek.as_slice(), lkp.pk());
                        assert_eq!(dk.as_slice(), lkp.sk().as_slice());
                        assert!(e.modulus_check(&ek));
                        assert!(e.hash_check(&dk));

                        let epk = ExpandedPublicKey::new(e, &ek).unwrap();
                        let (ct, ss) = epk.encapsulate(&m);
                        assert_eq!(ct.as_slice(), lct.as_slice());
                        assert_eq!(&ss[..], &lss[..]);
                        assert_eq!(e.packed_encapsulate(&ek, &m).unwrap(), (ct.clone(), *ss));

                        let esk = ExpandedPrivateKey::new(e, &dk).unwrap();
                        for c in [lct.as_slice(), &bad[..], &junk[..]] {
                            let want = lc::portable::decapsulate(
                                lkp.private_key(),
                                &libcrux_ml_kem::MlKemCiphertext::from(
                                    <[u8; $ct]>::try_from(c).unwrap(),
                                ),
                            );
                            assert_eq!(&esk.decapsulate(c).unwrap()[..], &want[..]);
                            assert_eq!(e.packed_decapsulate(&dk, c).unwrap(), want);
                        }
                    }
                }
            }
        };
    }

    cross_check!(
        engines_match_libcrux_512,
        MlKem512,
        mlkem512,
        800,
        1632,
        768
    );
    cross_check!(
        engines_match_libcrux_768,
        MlKem768,
        mlkem768,
        1184,
        2400,
        1088
    );
    cross_check!(
        engines_match_libcrux_1024,
        MlKem1024,
        mlkem1024,
        1568,
        3168,
        1568
    );

    macro_rules! api_check {
        ($test:ident, $name:ident, $lib:ident, $ct:literal) => {
            /// The public API (lazy expansion of generated and parsed keys, imported expanded
            /// keys) against libcrux, and its FIPS 203 checks.
            #[test]
            fn $test() {
                use libcrux_ml_kem::$lib as lc;
                for _ in 0..8 {
                    let seed: [u8; 64] = random();
                    let m: [u8; 32] = random();
                    let lkp = lc::portable::generate_key_pair(seed);
                    let dk = $name::from_seed(&seed).unwrap();
                    let ek = $name::public_key(&dk);
                    assert_eq!($name::public_key_bytes(&ek), lkp.pk());
                    assert_eq!(dk.expanded_bytes(), lkp.sk().as_slice());
                    let parsed = $name::public_key_from_bytes(lkp.pk()).unwrap();
                    let imported = $name::from_expanded(lkp.sk().as_slice()).unwrap();
                    let (ss, ct) = $name::encapsulate_derand(&ek, &m).unwrap();
                    let (ss2, ct2) = $name::encapsulate_derand(&parsed, &m).unwrap();
                    assert_eq!((ss.as_bytes(), &ct), (ss2.as_bytes(), &ct2));
                    let mut bad = ct.clone();
                    bad[usize::from(m[2]) % $ct] ^= 0x10;
                    for c in [&ct, &bad] {
                        let want = lc::portable::decapsulate(
                            lkp.private_key(),
                            &libcrux_ml_kem::MlKemCiphertext::from(
                                <[u8; $ct]>::try_from(c.as_slice()).unwrap(),
                            ),
                        );
                        assert_eq!($name::decapsulate(&dk, c).unwrap().as_bytes(), &want[..]);
                        assert_eq!(
                            $name::decapsulate(&imported, c).unwrap().as_bytes(),
                            &want[..]
                        );
                    }
                    assert_eq!(
                        $name::decapsulate(&dk, &ct).unwrap().as_bytes(),
                        ss.as_bytes()
                    );

                    // §7.2: a coefficient of t̂ set to q = 3329 (0xD01, 12 bits) fails.
                    let mut ek_bad = lkp.pk().to_vec();
                    ek_bad[0] = 0x01;
                    ek_bad[1] = (ek_bad[1] & 0xF0) | 0x0D;
                    assert!(matches!(
                        $name::public_key_from_bytes(&ek_bad),
                        Err(Error::InvalidKey(_))
                    ));
                    // §7.3: a changed H(ek) fails.
                    let mut dk_bad = lkp.sk().as_slice().to_vec();
                    let h = dk_bad.len() - 64;
                    dk_bad[h] ^= 1;
                    assert!(matches!(
                        $name::from_expanded(&dk_bad),
                        Err(Error::InvalidKey(_))
                    ));
                    assert!(matches!(
                        $name::decapsulate(&dk, &ct[1..]),
                        Err(Error::InvalidLength { .. })
                    ));
                    assert!(matches!(
                        $name::encapsulate_derand(&ek, &m[1..]),
                        Err(Error::InvalidLength { .. })
                    ));
                }
            }
        };
    }

    api_check!(api_matches_libcrux_512, MlKem512, mlkem512, 768);
    api_check!(api_matches_libcrux_768, MlKem768, mlkem768, 1088);
    api_check!(api_matches_libcrux_1024, MlKem1024, mlkem1024, 1568);
}
