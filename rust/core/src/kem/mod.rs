//! Key-encapsulation mechanisms.
//!
//! Each algorithm is a marker type implementing [`KemScheme`]; [`DecapsulationKey`] and
//! [`EncapsulationKey`] are the run-time-dispatched forms the bindings and HPKE use.
//!
//! | algorithm | seed (private key) | public key | ciphertext | shared secret |
//! |---|---|---|---|---|
//! | ML-KEM-512 | 64 (d‖z) | 800 | 768 | 32 |
//! | ML-KEM-768 | 64 | 1184 | 1088 | 32 |
//! | ML-KEM-1024 | 64 | 1568 | 1568 | 32 |
//! | X25519 (DHKEM, HKDF-SHA256) | 32 | 32 | 32 | 32 |
//! | X-Wing | 32 | 1216 | 1120 | 32 |
//! | X25519MLKEM768 (TLS) | 96 (d‖z‖x25519) | 1216 | 1120 | 64 |
//! | MLKEM768-P256 | 32 | 1249 | 1153 | 32 |
//! | MLKEM1024-P384 | 32 | 1665 | 1665 | 32 |

use core::fmt;
use zeroize::Zeroizing;

use crate::{Error, Result};

pub mod batch;
pub mod mlkem;
pub mod nist_hybrid;
pub mod x25519;
pub mod x25519mlkem768;
pub mod xwing;

/// A shared secret; zeroized on drop and never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SharedSecret(Zeroizing<Vec<u8>>);

impl SharedSecret {
    /// Wraps secret bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        SharedSecret(Zeroizing::new(bytes))
    }
    /// The secret bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl From<[u8; 32]> for SharedSecret {
    fn from(v: [u8; 32]) -> Self {
        let v = Zeroizing::new(v);
        SharedSecret::new(v.to_vec())
    }
}

impl fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedSecret(<redacted>)")
    }
}

/// The KEM algorithms pqpay offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KemAlgorithm {
    /// ML-KEM-512 (FIPS 203).
    MlKem512,
    /// ML-KEM-768 (FIPS 203).
    MlKem768,
    /// ML-KEM-1024 (FIPS 203).
    MlKem1024,
    /// DHKEM(X25519, HKDF-SHA256) of RFC 9180; raw X25519 is `x25519::exchange`.
    X25519,
    /// X-Wing (draft-connolly-cfrg-xwing-kem-10).
    XWing,
    /// The TLS 1.3 hybrid group X25519MLKEM768 (ML-KEM share and secret first).
    X25519MlKem768,
    /// MLKEM768-P256 of draft-ietf-hpke-pq.
    MlKem768P256,
    /// MLKEM1024-P384 of draft-ietf-hpke-pq.
    MlKem1024P384,
}

/// Byte sizes of one algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KemSizes {
    /// Private-key seed.
    pub seed: usize,
    /// Encoded public (encapsulation) key.
    pub public_key: usize,
    /// Ciphertext (encapsulated key).
    pub ciphertext: usize,
    /// Shared secret.
    pub shared_secret: usize,
    /// Randomness consumed by a derandomized encapsulation.
    pub encaps_randomness: usize,
}

/// One KEM, as a type. Implementations must zeroize decapsulation keys on drop.
pub trait KemScheme {
    /// The run-time identifier.
    const ALGORITHM: KemAlgorithm;
    /// Sizes in bytes.
    const SIZES: KemSizes;
    /// The private key (holds whatever expanded form makes decapsulation fast).
    type DecapsulationKey: Send + Sync;
    /// The public key, already validated.
    type EncapsulationKey: Clone + Send + Sync;

    /// Derives the key pair from its seed (the canonical private key).
    fn from_seed(seed: &[u8]) -> Result<Self::DecapsulationKey>;
    /// The seed, when the key was made from one.
    fn seed(dk: &Self::DecapsulationKey) -> Option<&[u8]>;
    /// The public key of a private key.
    fn public_key(dk: &Self::DecapsulationKey) -> Self::EncapsulationKey;
    /// Decapsulates into `ss_out` (exactly [`KemSizes::shared_secret`] bytes); a wrong
    /// ciphertext of the right length gives the implicit-rejection secret. Makes no heap
    /// allocation (see [`KemScheme::ALLOCATION_FREE`]) once the key's expanded form exists.
    fn decapsulate_into(
        dk: &Self::DecapsulationKey,
        ciphertext: &[u8],
        ss_out: &mut [u8],
    ) -> Result<()>;
    /// Parses and validates an encoded public key.
    fn public_key_from_bytes(data: &[u8]) -> Result<Self::EncapsulationKey>;
    /// The encoded public key.
    fn public_key_bytes(ek: &Self::EncapsulationKey) -> &[u8];
    /// Encapsulates with caller-chosen randomness (known-answer tests only) into `ss_out` and
    /// `ct_out` (exactly the shared-secret and ciphertext sizes). No heap allocation, as for
    /// [`KemScheme::decapsulate_into`].
    fn encapsulate_derand_into(
        ek: &Self::EncapsulationKey,
        randomness: &[u8],
        ss_out: &mut [u8],
        ct_out: &mut [u8],
    ) -> Result<()>;

    /// Whether the `_into` forms make no heap allocation at all (Rust or C). False where an
    /// engine allocates per call; batch calls run such work on the calling thread.
    const ALLOCATION_FREE: bool = true;

    /// Decapsulates; a wrong ciphertext of the right length gives the implicit-rejection secret.
    fn decapsulate(dk: &Self::DecapsulationKey, ciphertext: &[u8]) -> Result<SharedSecret> {
        let mut ss = Zeroizing::new(vec![0u8; Self::SIZES.shared_secret]);
        Self::decapsulate_into(dk, ciphertext, &mut ss)?;
        Ok(SharedSecret(ss))
    }
    /// Encapsulates with caller-chosen randomness (known-answer tests only).
    fn encapsulate_derand(
        ek: &Self::EncapsulationKey,
        randomness: &[u8],
    ) -> Result<(SharedSecret, Vec<u8>)> {
        let mut ss = Zeroizing::new(vec![0u8; Self::SIZES.shared_secret]);
        let mut ct = vec![0u8; Self::SIZES.ciphertext];
        Self::encapsulate_derand_into(ek, randomness, &mut ss, &mut ct)?;
        Ok((SharedSecret(ss), ct))
    }
    /// Generates a fresh key pair from the OS generator.
    fn generate() -> Result<Self::DecapsulationKey> {
        let mut seed = Zeroizing::new(vec![0u8; Self::SIZES.seed]);
        crate::rng::fill(&mut seed)?;
        Self::from_seed(&seed)
    }
    /// Encapsulates with fresh randomness: returns (shared secret, ciphertext).
    fn encapsulate(ek: &Self::EncapsulationKey) -> Result<(SharedSecret, Vec<u8>)> {
        let mut ss = Zeroizing::new(vec![0u8; Self::SIZES.shared_secret]);
        let mut ct = vec![0u8; Self::SIZES.ciphertext];
        Self::encapsulate_into(ek, &mut ss, &mut ct)?;
        Ok((SharedSecret(ss), ct))
    }
    /// Encapsulates with fresh randomness (drawn into a zeroized stack buffer) into `ss_out`
    /// and `ct_out`.
    fn encapsulate_into(
        ek: &Self::EncapsulationKey,
        ss_out: &mut [u8],
        ct_out: &mut [u8],
    ) -> Result<()> {
        let mut r = Zeroizing::new([0u8; MAX_ENCAPS_RANDOMNESS]);
        let r = &mut r[..Self::SIZES.encaps_randomness];
        crate::rng::fill(r)?;
        Self::encapsulate_derand_into(ek, r, ss_out, ct_out)
    }
}

/// The most encapsulation randomness any algorithm takes (MLKEM768-P256's `m || seed_E`).
const MAX_ENCAPS_RANDOMNESS: usize = 128;

macro_rules! kem_dispatch {
    ($( $variant:ident => $scheme:ty ),+ $(,)?) => {
        impl KemAlgorithm {
            /// Every algorithm, in a fixed order.
            pub const ALL: &'static [KemAlgorithm] = &[$(KemAlgorithm::$variant),+];

            /// Sizes in bytes.
            pub const fn sizes(self) -> KemSizes {
                match self { $(KemAlgorithm::$variant => <$scheme as KemScheme>::SIZES),+ }
            }

            /// Whether encapsulation and decapsulation into caller buffers make no heap
            /// allocation (Rust or C), so batch calls may run them on the pool's threads.
            pub const fn allocation_free(self) -> bool {
                match self { $(KemAlgorithm::$variant => <$scheme as KemScheme>::ALLOCATION_FREE),+ }
            }
        }

        /// A private key of any algorithm.
        pub enum DecapsulationKey {
            $(
                #[doc = concat!("A ", stringify!($variant), " key.")]
                $variant(<$scheme as KemScheme>::DecapsulationKey)
            ),+
        }

        /// A public key of any algorithm.
        #[derive(Clone)]
        pub enum EncapsulationKey {
            $(
                #[doc = concat!("A ", stringify!($variant), " key.")]
                $variant(<$scheme as KemScheme>::EncapsulationKey)
            ),+
        }

        impl DecapsulationKey {
            /// Generates a fresh key pair.
            pub fn generate(alg: KemAlgorithm) -> Result<Self> {
                match alg { $(KemAlgorithm::$variant => Ok(Self::$variant(<$scheme>::generate()?))),+ }
            }
            /// Derives the key pair from its seed.
            pub fn from_seed(alg: KemAlgorithm, seed: &[u8]) -> Result<Self> {
                match alg { $(KemAlgorithm::$variant => Ok(Self::$variant(<$scheme>::from_seed(seed)?))),+ }
            }
            /// The algorithm.
            pub fn algorithm(&self) -> KemAlgorithm {
                match self { $(Self::$variant(_) => KemAlgorithm::$variant),+ }
            }
            /// The seed, if the key has one.
            pub fn seed(&self) -> Option<&[u8]> {
                match self { $(Self::$variant(k) => <$scheme>::seed(k)),+ }
            }
            /// The matching public key.
            pub fn public_key(&self) -> EncapsulationKey {
                match self { $(Self::$variant(k) => EncapsulationKey::$variant(<$scheme>::public_key(k))),+ }
            }
            /// Decapsulates a ciphertext.
            pub fn decapsulate(&self, ciphertext: &[u8]) -> Result<SharedSecret> {
                match self { $(Self::$variant(k) => <$scheme>::decapsulate(k, ciphertext)),+ }
            }
            /// Decapsulates into `ss_out` (exactly the algorithm's shared-secret size), with no
            /// heap allocation where [`KemAlgorithm::allocation_free`] says so.
            pub fn decapsulate_into(&self, ciphertext: &[u8], ss_out: &mut [u8]) -> Result<()> {
                match self { $(Self::$variant(k) => <$scheme>::decapsulate_into(k, ciphertext, ss_out)),+ }
            }
        }

        impl EncapsulationKey {
            /// Parses and validates an encoded public key.
            pub fn from_bytes(alg: KemAlgorithm, data: &[u8]) -> Result<Self> {
                match alg { $(KemAlgorithm::$variant => Ok(Self::$variant(<$scheme>::public_key_from_bytes(data)?))),+ }
            }
            /// The algorithm.
            pub fn algorithm(&self) -> KemAlgorithm {
                match self { $(Self::$variant(_) => KemAlgorithm::$variant),+ }
            }
            /// The encoded key.
            pub fn as_bytes(&self) -> &[u8] {
                match self { $(Self::$variant(k) => <$scheme>::public_key_bytes(k)),+ }
            }
            /// Encapsulates: returns (shared secret, ciphertext).
            pub fn encapsulate(&self) -> Result<(SharedSecret, Vec<u8>)> {
                match self { $(Self::$variant(k) => <$scheme>::encapsulate(k)),+ }
            }
            /// Encapsulates with caller-chosen randomness (known-answer tests only).
            pub fn encapsulate_derand(&self, randomness: &[u8]) -> Result<(SharedSecret, Vec<u8>)> {
                match self { $(Self::$variant(k) => <$scheme>::encapsulate_derand(k, randomness)),+ }
            }
            /// Encapsulates into `ss_out` and `ct_out` (exactly the algorithm's shared-secret and
            /// ciphertext sizes), with no heap allocation where [`KemAlgorithm::allocation_free`]
            /// says so.
            pub fn encapsulate_into(&self, ss_out: &mut [u8], ct_out: &mut [u8]) -> Result<()> {
                match self { $(Self::$variant(k) => <$scheme>::encapsulate_into(k, ss_out, ct_out)),+ }
            }
            /// [`EncapsulationKey::encapsulate_into`] with caller-chosen randomness (tests only).
            pub fn encapsulate_derand_into(
                &self,
                randomness: &[u8],
                ss_out: &mut [u8],
                ct_out: &mut [u8],
            ) -> Result<()> {
                match self { $(Self::$variant(k) => <$scheme>::encapsulate_derand_into(k, randomness, ss_out, ct_out)),+ }
            }
        }
    };
}

// Every algorithm's encapsulation randomness fits the stack buffer of `encapsulate_into`.
const _: () = {
    let mut i = 0;
    while i < KemAlgorithm::ALL.len() {
        assert!(KemAlgorithm::ALL[i].sizes().encaps_randomness <= MAX_ENCAPS_RANDOMNESS);
        i += 1;
    }
};

kem_dispatch! {
    MlKem512 => mlkem::MlKem512,
    MlKem768 => mlkem::MlKem768,
    MlKem1024 => mlkem::MlKem1024,
    X25519 => x25519::X25519Kem,
    XWing => xwing::XWing,
    X25519MlKem768 => x25519mlkem768::X25519MlKem768,
    MlKem768P256 => nist_hybrid::MlKem768P256,
    MlKem1024P384 => nist_hybrid::MlKem1024P384,
}

impl KemAlgorithm {
    /// The name used in the Python API and the CLI.
    pub const fn name(self) -> &'static str {
        match self {
            KemAlgorithm::MlKem512 => "ML-KEM-512",
            KemAlgorithm::MlKem768 => "ML-KEM-768",
            KemAlgorithm::MlKem1024 => "ML-KEM-1024",
            KemAlgorithm::X25519 => "X25519",
            KemAlgorithm::XWing => "X-Wing",
            KemAlgorithm::X25519MlKem768 => "X25519MLKEM768",
            KemAlgorithm::MlKem768P256 => "MLKEM768-P256",
            KemAlgorithm::MlKem1024P384 => "MLKEM1024-P384",
        }
    }

    /// Looks an algorithm up by [`KemAlgorithm::name`].
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|a| a.name() == name)
            .ok_or_else(|| Error::UnsupportedAlgorithm(format!("no KEM named {name:?}")))
    }
}

impl fmt::Debug for DecapsulationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "DecapsulationKey({}, <redacted>)",
            self.algorithm().name()
        )
    }
}

impl fmt::Debug for EncapsulationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncapsulationKey({})", self.algorithm().name())
    }
}

impl PartialEq for EncapsulationKey {
    fn eq(&self, other: &Self) -> bool {
        self.algorithm() == other.algorithm() && self.as_bytes() == other.as_bytes()
    }
}
impl Eq for EncapsulationKey {}
