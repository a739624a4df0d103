//! ML-KEM (FIPS 203) over libcrux-ml-kem, which picks its AVX2 code at run time.
//!
//! The canonical private key is the 64-byte seed `d || z`; a key imported in expanded form
//! (PKCS#8 `expandedKey`, ACVP, Wycheproof) has no seed and passes the FIPS 203 §7.3 hash check.

use sha3::{Digest, Sha3_256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use super::{KemAlgorithm, KemScheme, KemSizes, SharedSecret};
use crate::error::expect_len;
use crate::{Error, Result};

/// Length of the seed `d || z`.
pub const SEED_LEN: usize = 64;

/// An ML-KEM private key: the expanded key libcrux needs, plus the seed when known.
pub struct MlKemPrivateKey<const SK: usize, const PK: usize> {
    seed: Option<Zeroizing<[u8; SEED_LEN]>>,
    expanded: libcrux_ml_kem::MlKemPrivateKey<SK>,
    public: MlKemPublicKey<PK>,
}

impl<const SK: usize, const PK: usize> Drop for MlKemPrivateKey<SK, PK> {
    fn drop(&mut self) {
        // libcrux keys do not zeroize themselves.
        self.expanded[0..].zeroize();
    }
}

impl<const SK: usize, const PK: usize> MlKemPrivateKey<SK, PK> {
    /// The expanded decapsulation key `dk` of FIPS 203.
    pub fn expanded_bytes(&self) -> &[u8] {
        self.expanded.as_slice()
    }
}

/// A validated ML-KEM public key.
#[derive(Clone)]
pub struct MlKemPublicKey<const PK: usize> {
    key: libcrux_ml_kem::MlKemPublicKey<PK>,
}

/// FIPS 203 §7.3 hash check of an expanded key: H(ek) stored in dk must match ek.
fn dk_hash_check(dk: &[u8], rank: usize) -> bool {
    let ek_start = 384 * rank;
    let ek_end = 768 * rank + 32;
    let h = Sha3_256::digest(&dk[ek_start..ek_end]);
    h.as_slice().ct_eq(&dk[ek_end..ek_end + 32]).into()
}

macro_rules! mlkem_param_set {
    ($name:ident, $alg:ident, $module:ident, $label:literal, rank = $rank:literal,
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
                let ek = $name::public_key_from_bytes(&dk[384 * $rank..768 * $rank + 32])?;
                Ok(MlKemPrivateKey {
                    seed: None,
                    expanded: libcrux_ml_kem::MlKemPrivateKey::from(dk),
                    public: ek,
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
                let pair = libcrux_ml_kem::$module::generate_key_pair(*seed);
                let (sk, pk) = pair.into_parts();
                Ok(MlKemPrivateKey {
                    seed: Some(seed),
                    expanded: sk,
                    public: MlKemPublicKey { key: pk },
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
                Ok(SharedSecret::from(libcrux_ml_kem::$module::decapsulate(&dk.expanded, &ct)))
            }

            fn public_key_from_bytes(data: &[u8]) -> Result<Self::EncapsulationKey> {
                let pk = expect_len::<$pk>(concat!($label, " public key"), stringify!($pk), data)?;
                let key = libcrux_ml_kem::MlKemPublicKey::from(pk);
                if !libcrux_ml_kem::$module::validate_public_key(&key) {
                    return Err(Error::InvalidKey(concat!($label, " public key fails the FIPS 203 modulus check (a coefficient is >= q = 3329)").into()));
                }
                Ok(MlKemPublicKey { key })
            }

            fn public_key_bytes(ek: &Self::EncapsulationKey) -> &[u8] {
                ek.key.as_slice()
            }

            fn encapsulate_derand(ek: &Self::EncapsulationKey, randomness: &[u8]) -> Result<(SharedSecret, Vec<u8>)> {
                let m = expect_len::<32>(concat!($label, " encapsulation randomness m"), "32", randomness)?;
                let (ct, ss) = libcrux_ml_kem::$module::encapsulate(&ek.key, *m);
                Ok((SharedSecret::from(ss), ct.as_slice().to_vec()))
            }
        }
    };
}

mlkem_param_set!(
    MlKem512,
    MlKem512,
    mlkem512,
    "ML-KEM-512",
    rank = 2,
    pk = 800,
    sk = 1632,
    ct = 768
);
mlkem_param_set!(
    MlKem768,
    MlKem768,
    mlkem768,
    "ML-KEM-768",
    rank = 3,
    pk = 1184,
    sk = 2400,
    ct = 1088
);
mlkem_param_set!(
    MlKem1024,
    MlKem1024,
    mlkem1024,
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
