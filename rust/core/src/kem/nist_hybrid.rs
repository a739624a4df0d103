//! MLKEM768-P256 and MLKEM1024-P384: the NIST-curve hybrid KEMs of draft-ietf-hpke-pq
//! (HPKE KEM ids 0x0050 and 0x0051), defined in draft-irtf-cfrg-concrete-hybrid-kems as
//! instances of the "CG" framework of draft-irtf-cfrg-hybrid-kems (the construction the
//! reference code calls QSF: a nominal group plus a C2PRI-secure ML-KEM, SHAKE256 as PRG and
//! SHA3-256 as KDF).
//!
//! Construction (`Nseed_T` is the group's seed length: 96 for P-256, 48 for P-384):
//!
//! * **Private key**: the 32-byte `seed`. `SHAKE256(seed)` is read for `64 + Nseed_T` bytes;
//!   the first 64 are the ML-KEM seed `d || z` (FIPS 203 `KeyGen_internal`), the remaining
//!   `Nseed_T` feed `RandomScalar`.
//! * **`RandomScalar`**: rejection sampling. The input is cut into big-endian chunks of the
//!   scalar size (32 / 48 bytes); the first chunk whose integer is neither 0 nor `>=` the group
//!   order is the scalar. P-256 thus gets 3 candidates, P-384 one (a rejection there has
//!   probability below 2^-190). If every chunk is rejected the operation fails.
//! * **Public key** `ek_PQ || ek_T`: the ML-KEM encapsulation key, then the SEC1 uncompressed
//!   point (65 / 97 bytes). **Ciphertext** `ct_PQ || ct_T` in the same order.
//! * **Shared secret**: `SHA3-256(ss_PQ || ss_T || ct_T || ek_T || label)`, where `ss_T` is the
//!   x-coordinate of the ECDH point (32 / 48 bytes) and `label` is the ASCII string
//!   `MLKEM768-P256` or `MLKEM1024-P384`. `ct_PQ` and `ek_PQ` are not hashed (C2PRI combiner).
//! * **Encapsulation randomness** (`KemScheme::encapsulate_derand`): `m || seed_E`, 32 bytes of
//!   ML-KEM `m` (FIPS 203 `Encaps_internal`) then `Nseed_T` bytes passed to `RandomScalar` for
//!   the ephemeral scalar: 128 bytes for MLKEM768-P256, 80 for MLKEM1024-P384. This is exactly
//!   the `ikmE` of the draft-ietf-hpke-pq test vectors (HPKE's derandomized `Encap` hands
//!   `ikmE` to the hybrid's `EncapsDerand` unchanged).
//!
//! Peer points (in public keys and ciphertexts) must be uncompressed, reduced, on the curve and
//! not the identity; anything else is refused with [`Error::InvalidKey`] or
//! [`Error::InvalidCiphertext`].
//!
//! Note: later text of draft-irtf-cfrg-concrete-hybrid-kems gives P-256 `Nseed = 128` (4
//! candidates, encapsulation randomness 160 bytes). This module follows the reference code and
//! the published HPKE vectors (3 candidates, 128 bytes). Key generation agrees with both
//! readings unless the first three candidates are all rejected (probability below 2^-96).

use core::fmt;

use aws_lc_rs::agreement;
use sha3::{Digest, Sha3_256};
use shake::{ExtendableOutput, Shake256, Update, XofReader};
use zeroize::Zeroizing;

use super::mlkem::{MlKem1024, MlKem768, MlKemPrivateKey, MlKemPublicKey};
use super::{KemAlgorithm, KemScheme, KemSizes};
use crate::error::{expect_len, expect_len_mut};
use crate::{Error, Result};

/// Length of the hybrid seed (the private key).
const SEED_LEN: usize = 32;
/// Length of the ML-KEM seed `d || z` read first from the expanded seed.
const PQ_SEED_LEN: usize = 64;
/// Length of the ML-KEM encapsulation randomness `m`, first in the hybrid randomness.
const PQ_RANDOMNESS_LEN: usize = 32;

/// A NIST prime-order curve as the "nominal group" of draft-irtf-cfrg-hybrid-kems.
trait NistGroup {
    /// "P-256" or "P-384".
    const NAME: &'static str;
    /// Scalar (and coordinate) size in bytes.
    const SCALAR_LEN: usize;
    /// Bytes fed to `RandomScalar`: `SCALAR_LEN` times the number of candidates.
    const SEED_LEN: usize;
    /// A non-zero scalar held by aws-lc, which cleanses its copy when the key is freed.
    type Scalar;
    /// A validated point: on the curve, not the identity.
    type Point: Copy;

    /// The scalar a big-endian candidate encodes, unless it is 0 or `>=` the group order.
    fn candidate(bytes: &[u8]) -> Option<Self::Scalar>;
    /// `scalar * G`.
    fn mul_base(scalar: &Self::Scalar) -> Result<Self::Point>;
    /// SEC1 uncompressed encoding `04 || x || y`.
    fn encode(point: &Self::Point) -> Vec<u8>;
    /// The same encoding into `out` (exactly `1 + 2 * SCALAR_LEN` bytes).
    fn encode_into(point: &Self::Point, out: &mut [u8]) -> Result<()>;
    /// Parses an uncompressed SEC1 point of exactly the right length; the error says why not.
    fn decode(bytes: &[u8]) -> core::result::Result<Self::Point, String>;
    /// The x-coordinate of `scalar * point`, into `out` (exactly `SCALAR_LEN` bytes).
    fn dh_into(scalar: &Self::Scalar, point: &Self::Point, out: &mut [u8]) -> Result<()>;

    /// `RandomScalar` of draft-irtf-cfrg-concrete-hybrid-kems: the first acceptable chunk.
    fn random_scalar(seed: &[u8]) -> Option<Self::Scalar> {
        seed.chunks_exact(Self::SCALAR_LEN)
            .find_map(Self::candidate)
    }
}

macro_rules! nist_group {
    ($group:ident, $krate:ident, $aws:ident, $name:literal, scalar = $ns:literal, candidates = $nc:literal) => {
        #[doc = concat!("The ", $name, " nominal group.")]
        struct $group;

        impl NistGroup for $group {
            const NAME: &'static str = $name;
            const SCALAR_LEN: usize = $ns;
            const SEED_LEN: usize = $ns * $nc;
            type Scalar = agreement::PrivateKey;
            type Point = $krate::PublicKey;

            fn candidate(bytes: &[u8]) -> Option<Self::Scalar> {
                // The range check (0 < k < n) uses the RustCrypto field type; the scalar
                // multiplications use aws-lc, several times faster.
                let repr = <&$krate::FieldBytes>::try_from(bytes).ok()?;
                $krate::NonZeroScalar::from_repr(repr.clone()).into_option()?;
                agreement::PrivateKey::from_private_key(&agreement::$aws, bytes).ok()
            }

            fn mul_base(scalar: &Self::Scalar) -> Result<Self::Point> {
                let point = scalar.compute_public_key().map_err(|_| {
                    Error::Internal(concat!($name, " public key derivation failed").into())
                })?;
                $krate::PublicKey::from_sec1_bytes(point.as_ref()).map_err(|_| {
                    Error::Internal(concat!($name, " derived an invalid public key").into())
                })
            }

            fn encode(point: &Self::Point) -> Vec<u8> {
                use $krate::elliptic_curve::sec1::ToSec1Point;
                point.to_sec1_point(false).as_bytes().to_vec()
            }

            fn encode_into(point: &Self::Point, out: &mut [u8]) -> Result<()> {
                use $krate::elliptic_curve::sec1::ToSec1Point;
                let encoded = point.to_sec1_point(false);
                if out.len() != encoded.as_bytes().len() {
                    return Err(Error::Internal(concat!($name, " point output has the wrong length").into()));
                }
                out.copy_from_slice(encoded.as_bytes());
                Ok(())
            }

            fn decode(bytes: &[u8]) -> core::result::Result<Self::Point, String> {
                const LEN: usize = 1 + 2 * $ns;
                if bytes.len() != LEN {
                    return Err(format!("must be {LEN} bytes, got {}", bytes.len()));
                }
                match bytes[0] {
                    0x04 => {}
                    0x00 => {
                        return Err(
                            "is the identity (point at infinity); expected a non-identity point"
                                .into(),
                        )
                    }
                    tag => {
                        return Err(format!(
                            "must be an uncompressed SEC1 point (first byte 0x04), got first byte {tag:#04x}"
                        ))
                    }
                }
                $krate::PublicKey::from_sec1_bytes(bytes).map_err(|_| {
                    concat!(
                        "is not a point on ",
                        $name,
                        " (coordinates must be reduced modulo p and satisfy the curve equation)"
                    )
                    .to_string()
                })
            }

            fn dh_into(scalar: &Self::Scalar, point: &Self::Point, out: &mut [u8]) -> Result<()> {
                use $krate::elliptic_curve::sec1::ToSec1Point;
                // Cofactor 1, non-zero scalar, validated non-identity point: the product is
                // never the identity, so aws-lc always returns the x-coordinate. aws-lc-rs
                // copies the peer point into a `Box` and the secret into a `Vec` here: the
                // reason the NIST hybrids are not `ALLOCATION_FREE`.
                let peer = point.to_sec1_point(false);
                agreement::agree(
                    scalar,
                    agreement::UnparsedPublicKey::new(&agreement::$aws, peer.as_bytes()),
                    Error::Internal(concat!($name, " ECDH failed on a validated point").into()),
                    |x| {
                        if x.len() != out.len() {
                            return Err(Error::Internal(concat!($name, " ECDH secret has the wrong length").into()));
                        }
                        out.copy_from_slice(x);
                        Ok(())
                    },
                )
            }
        }
    };
}

nist_group!(P256, p256, ECDH_P256, "P-256", scalar = 32, candidates = 3);
nist_group!(P384, p384, ECDH_P384, "P-384", scalar = 48, candidates = 1);

/// `SHA3-256(ss_PQ || ss_T || ct_T || ek_T || label)`, into `out`.
fn combiner(ss_pq: &[u8], ss_t: &[u8], ct_t: &[u8], ek_t: &[u8], label: &[u8], out: &mut [u8; 32]) {
    let mut h = Sha3_256::new();
    for part in [ss_pq, ss_t, ct_t, ek_t, label] {
        Digest::update(&mut h, part);
    }
    Digest::finalize_into(h, out.into());
}

/// The longest group secret (P-384's x-coordinate).
const MAX_SCALAR_LEN: usize = 48;

/// Expands the hybrid seed into the ML-KEM private key and the group scalar.
fn expand_seed<Pq: KemScheme, G: NistGroup>(
    name: &str,
    seed: &[u8; SEED_LEN],
) -> Result<(Pq::DecapsulationKey, G::Scalar)> {
    let mut expanded = Zeroizing::new(vec![0u8; PQ_SEED_LEN + G::SEED_LEN]);
    let mut xof = Shake256::default();
    xof.update(seed);
    xof.finalize_xof().read(&mut expanded);
    let (seed_pq, seed_t) = expanded.split_at(PQ_SEED_LEN);
    // ML-KEM first: it zeroizes itself, so no error path below leaves a bare scalar behind.
    let sk_pq = Pq::from_seed(seed_pq)?;
    let sk_t = G::random_scalar(seed_t).ok_or_else(|| {
        Error::InvalidKey(format!(
            "{name} seed expands to no valid {} scalar (every candidate is 0 or >= the group order)",
            G::NAME
        ))
    })?;
    Ok((sk_pq, sk_t))
}

/// Derandomized encapsulation into `ss_out` and `ct_out` (both length-checked by the caller, as
/// `randomness` is: `m || seed_E`).
#[allow(clippy::too_many_arguments)]
fn encapsulate_into<Pq: KemScheme, G: NistGroup>(
    name: &str,
    label: &[u8],
    pk_pq: &Pq::EncapsulationKey,
    pk_t: &G::Point,
    pk_t_bytes: &[u8],
    randomness: &[u8],
    ss_out: &mut [u8; 32],
    ct_out: &mut [u8],
) -> Result<()> {
    let (m, seed_e) = randomness.split_at(PQ_RANDOMNESS_LEN);
    let sk_e = G::random_scalar(seed_e).ok_or_else(|| {
        Error::InvalidArgument(format!(
            "{name} encapsulation randomness gives no valid ephemeral {} scalar: every {}-byte \
             candidate after the first {PQ_RANDOMNESS_LEN} bytes is 0 or >= the group order",
            G::NAME,
            G::SCALAR_LEN
        ))
    })?;
    let (ct_pq, ct_t) = ct_out.split_at_mut(Pq::SIZES.ciphertext);
    G::encode_into(&G::mul_base(&sk_e)?, ct_t)?;
    let mut ss_t = Zeroizing::new([0u8; MAX_SCALAR_LEN]);
    let ss_t = &mut ss_t[..G::SCALAR_LEN];
    G::dh_into(&sk_e, pk_t, ss_t)?;
    drop(sk_e); // aws-lc cleanses the scalar on free
    let mut ss_pq = Zeroizing::new([0u8; 32]);
    Pq::encapsulate_derand_into(pk_pq, m, ss_pq.as_mut_slice(), ct_pq)?;
    combiner(ss_pq.as_slice(), ss_t, ct_t, pk_t_bytes, label, ss_out);
    Ok(())
}

// The stack buffer above fits both groups' secrets.
const _: () = assert!(P256::SCALAR_LEN <= MAX_SCALAR_LEN && P384::SCALAR_LEN <= MAX_SCALAR_LEN);

macro_rules! nist_hybrid {
    (
        $kem:ident, $sk:ident, $pk:ident, $alg:ident, $name:literal,
        pq = $pq:ident, group = $group:ident, group_name = $gname:literal,
        pq_pk = $pq_pk:literal, pq_sk = $pq_sk:literal, pq_ct = $pq_ct:literal,
        pk = $npk:literal, ct = $nct:literal, randomness = $nrand:literal
    ) => {
        #[doc = concat!(
            $name, " of draft-ietf-hpke-pq / draft-irtf-cfrg-concrete-hybrid-kems: ",
            stringify!($pq), " and ", $gname, " under SHA3-256 (see the module documentation)."
        )]
        pub struct $kem;

        #[doc = concat!(
            "An ", $name, " private key: the 32-byte seed and its expansion. ",
            "Secret parts are zeroized on drop (the EC scalar by aws-lc when it frees it); ",
            "`Debug` prints no key material."
        )]
        pub struct $sk {
            seed: Zeroizing<[u8; SEED_LEN]>,
            sk_pq: MlKemPrivateKey<$pq_sk, $pq_pk>,
            sk_t: <$group as NistGroup>::Scalar,
            // The public key minus its ML-KEM half, which `sk_pq` already holds (storing it
            // twice would make this the largest `DecapsulationKey` variant by far).
            pk_t: <$group as NistGroup>::Point,
            encoded_pk: Vec<u8>,
        }

        impl fmt::Debug for $sk {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($sk), "(<redacted>)"))
            }
        }

        #[doc = concat!(
            "An ", $name, " public key `ek_PQ || ek_T` (", stringify!($npk), " bytes), ",
            "both halves validated."
        )]
        #[derive(Clone)]
        pub struct $pk {
            pk_pq: MlKemPublicKey<$pq_pk>,
            pk_t: <$group as NistGroup>::Point,
            encoded: Vec<u8>,
        }

        impl fmt::Debug for $pk {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($pk), "({} bytes)"), self.encoded.len())
            }
        }

        impl KemScheme for $kem {
            const ALGORITHM: KemAlgorithm = KemAlgorithm::$alg;
            const SIZES: KemSizes = KemSizes {
                seed: SEED_LEN,
                public_key: $npk,
                ciphertext: $nct,
                shared_secret: 32,
                encaps_randomness: $nrand,
            };
            type DecapsulationKey = $sk;
            type EncapsulationKey = $pk;

            fn from_seed(seed: &[u8]) -> Result<$sk> {
                let seed = Zeroizing::new(*expect_len::<SEED_LEN>(
                    concat!($name, " private key (seed)"),
                    "32",
                    seed,
                )?);
                let (sk_pq, sk_t) = expand_seed::<$pq, $group>($name, &seed)?;
                let pk_t = <$group as NistGroup>::mul_base(&sk_t)?;
                let mut encoded_pk = $pq::public_key_bytes(&$pq::public_key(&sk_pq)).to_vec();
                encoded_pk.extend_from_slice(&<$group as NistGroup>::encode(&pk_t));
                Ok($sk {
                    seed,
                    sk_pq,
                    sk_t,
                    pk_t,
                    encoded_pk,
                })
            }

            fn seed(dk: &$sk) -> Option<&[u8]> {
                Some(dk.seed.as_slice())
            }

            fn public_key(dk: &$sk) -> $pk {
                $pk {
                    pk_pq: $pq::public_key(&dk.sk_pq),
                    pk_t: dk.pk_t,
                    encoded: dk.encoded_pk.clone(),
                }
            }

            /// A `ct_T` that is not a valid point gives [`Error::InvalidCiphertext`]; a bad
            /// `ct_PQ` gives ML-KEM's implicit-rejection secret (hashed like any other).
            fn decapsulate_into(dk: &$sk, ciphertext: &[u8], ss_out: &mut [u8]) -> Result<()> {
                let ct = expect_len::<$nct>(
                    concat!($name, " ciphertext"),
                    stringify!($nct),
                    ciphertext,
                )?;
                let ss_out = expect_len_mut::<32>(concat!($name, " shared-secret output"), "32", ss_out)?;
                let (ct_pq, ct_t) = ct.split_at($pq_ct);
                let point = <$group as NistGroup>::decode(ct_t).map_err(|why| {
                    Error::InvalidCiphertext(format!(
                        concat!(
                            $name,
                            " ciphertext: the ",
                            $gname,
                            " share (bytes ",
                            stringify!($pq_ct),
                            "..",
                            stringify!($nct),
                            ") {}"
                        ),
                        why
                    ))
                })?;
                let mut ss_t = Zeroizing::new([0u8; MAX_SCALAR_LEN]);
                let ss_t = &mut ss_t[..<$group as NistGroup>::SCALAR_LEN];
                <$group as NistGroup>::dh_into(&dk.sk_t, &point, ss_t)?;
                let mut ss_pq = Zeroizing::new([0u8; 32]);
                $pq::decapsulate_into(&dk.sk_pq, ct_pq, ss_pq.as_mut_slice())?;
                let ek_t = &dk.encoded_pk[$pq_pk..];
                combiner(ss_pq.as_slice(), ss_t, ct_t, ek_t, $name.as_bytes(), ss_out);
                Ok(())
            }

            fn public_key_from_bytes(data: &[u8]) -> Result<$pk> {
                let pk = expect_len::<$npk>(
                    concat!($name, " public key"),
                    stringify!($npk),
                    data,
                )?;
                let (pk_pq_bytes, pk_t_bytes) = pk.split_at($pq_pk);
                let pk_pq = $pq::public_key_from_bytes(pk_pq_bytes)?;
                let pk_t = <$group as NistGroup>::decode(pk_t_bytes).map_err(|why| {
                    Error::InvalidKey(format!(
                        concat!(
                            $name,
                            " public key: the ",
                            $gname,
                            " share (bytes ",
                            stringify!($pq_pk),
                            "..",
                            stringify!($npk),
                            ") {}"
                        ),
                        why
                    ))
                })?;
                Ok($pk {
                    pk_pq,
                    pk_t,
                    encoded: pk.to_vec(),
                })
            }

            fn public_key_bytes(ek: &$pk) -> &[u8] {
                &ek.encoded
            }

            /// `randomness` is the HPKE `ikmE`: ML-KEM `m` (32 bytes), then the
            /// `RandomScalar` input for the ephemeral scalar. Fails with
            /// [`Error::InvalidArgument`] if no candidate in it is a valid scalar.
            fn encapsulate_derand_into(
                ek: &$pk,
                randomness: &[u8],
                ss_out: &mut [u8],
                ct_out: &mut [u8],
            ) -> Result<()> {
                let randomness = expect_len::<$nrand>(
                    concat!($name, " encapsulation randomness (m || ephemeral scalar seed)"),
                    stringify!($nrand),
                    randomness,
                )?;
                let ss_out = expect_len_mut::<32>(concat!($name, " shared-secret output"), "32", ss_out)?;
                let ct_out = expect_len_mut::<$nct>(concat!($name, " ciphertext output"), stringify!($nct), ct_out)?;
                encapsulate_into::<$pq, $group>(
                    $name,
                    $name.as_bytes(),
                    &ek.pk_pq,
                    &ek.pk_t,
                    &ek.encoded[$pq_pk..],
                    randomness,
                    ss_out,
                    ct_out,
                )
            }

            // aws-lc-rs's ECDH allocates per call (see `NistGroup::dh_into`).
            const ALLOCATION_FREE: bool = false;
        }
    };
}

nist_hybrid!(
    MlKem768P256,
    MlKem768P256PrivateKey,
    MlKem768P256PublicKey,
    MlKem768P256,
    "MLKEM768-P256",
    pq = MlKem768,
    group = P256,
    group_name = "P-256",
    pq_pk = 1184,
    pq_sk = 2400,
    pq_ct = 1088,
    pk = 1249,
    ct = 1153,
    randomness = 128
);

nist_hybrid!(
    MlKem1024P384,
    MlKem1024P384PrivateKey,
    MlKem1024P384PublicKey,
    MlKem1024P384,
    "MLKEM1024-P384",
    pq = MlKem1024,
    group = P384,
    group_name = "P-384",
    pq_pk = 1568,
    pq_sk = 3168,
    pq_ct = 1568,
    pk = 1665,
    ct = 1665,
    randomness = 80
);

// The sizes above must agree with the component sizes.
const _: () = {
    assert!(MlKem768P256::SIZES.public_key == 1184 + 65);
    assert!(MlKem768P256::SIZES.ciphertext == 1088 + 65);
    assert!(MlKem768P256::SIZES.encaps_randomness == PQ_RANDOMNESS_LEN + P256::SEED_LEN);
    assert!(MlKem1024P384::SIZES.public_key == 1568 + 97);
    assert!(MlKem1024P384::SIZES.ciphertext == 1568 + 97);
    assert!(MlKem1024P384::SIZES.encaps_randomness == PQ_RANDOMNESS_LEN + P384::SEED_LEN);
};
