//! MLKEM768-P256 and MLKEM1024-P384 (draft-ietf-hpke-pq). Being written: every call fails for now.

use super::{KemAlgorithm, KemScheme, KemSizes, SharedSecret};
use crate::{Error, Result};

macro_rules! pending {
    ($name:ident, $alg:ident, $label:literal, $pk:literal, $ct:literal, $r:literal) => {
        #[doc = concat!($label, " (draft-ietf-hpke-pq).")]
        pub struct $name;
        impl KemScheme for $name {
            const ALGORITHM: KemAlgorithm = KemAlgorithm::$alg;
            const SIZES: KemSizes = KemSizes { seed: 32, public_key: $pk, ciphertext: $ct, shared_secret: 32, encaps_randomness: $r };
            type DecapsulationKey = ();
            type EncapsulationKey = ();
            fn from_seed(_: &[u8]) -> Result<()> { Err(Error::UnsupportedAlgorithm($label.into())) }
            fn seed(_: &()) -> Option<&[u8]> { None }
            fn public_key(_: &()) {}
            fn decapsulate(_: &(), _: &[u8]) -> Result<SharedSecret> { Err(Error::UnsupportedAlgorithm($label.into())) }
            fn public_key_from_bytes(_: &[u8]) -> Result<()> { Err(Error::UnsupportedAlgorithm($label.into())) }
            fn public_key_bytes(_: &()) -> &[u8] { &[] }
            fn encapsulate_derand(_: &(), _: &[u8]) -> Result<(SharedSecret, Vec<u8>)> { Err(Error::UnsupportedAlgorithm($label.into())) }
        }
    };
}
pending!(MlKem768P256, MlKem768P256, "MLKEM768-P256", 1249, 1153, 128);
pending!(MlKem1024P384, MlKem1024P384, "MLKEM1024-P384", 1665, 1665, 80);
