//! X-Wing (draft-connolly-cfrg-xwing-kem-10): ML-KEM-768 and X25519 under a SHA3-256 combiner.
//!
//! Suffixes follow the draft: `_m` for the ML-KEM half, `_x` for the X25519 half.

use sha3::{Digest, Sha3_256};
use shake::{ExtendableOutput, Shake256, Update, XofReader};
use zeroize::Zeroizing;

use super::mlkem::{MlKem768, MlKemPrivateKey, MlKemPublicKey};
use super::x25519::Scalar;
use super::{KemAlgorithm, KemScheme, KemSizes};
use crate::error::{expect_len, expect_len_mut};
use crate::Result;

/// `\.//^\`, hashed last in the combiner.
const XWING_LABEL: &[u8; 6] = b"\\.//^\\";
const PK_M_LEN: usize = 1184;
const CT_M_LEN: usize = 1088;

/// The X-Wing KEM.
pub struct XWing;

/// An X-Wing private key: the 32-byte seed and its expansion.
pub struct XWingPrivateKey {
    seed: Zeroizing<[u8; 32]>,
    sk_m: MlKemPrivateKey<2400, 1184>,
    sk_x: Scalar,
    public: XWingPublicKey,
}

/// An X-Wing public key `pk_M || pk_X` (1216 bytes), ML-KEM half validated.
#[derive(Clone)]
pub struct XWingPublicKey {
    pk_m: MlKemPublicKey<1184>,
    pk_x: [u8; 32],
    encoded: Vec<u8>,
}

/// The SHA3-256 combiner, into `out`.
fn combiner(ss_m: &[u8], ss_x: &[u8], ct_x: &[u8], pk_x: &[u8], out: &mut [u8; 32]) {
    let mut h = Sha3_256::new();
    for part in [ss_m, ss_x, ct_x, pk_x, XWING_LABEL.as_slice()] {
        Digest::update(&mut h, part);
    }
    Digest::finalize_into(h, out.into());
}

impl KemScheme for XWing {
    const ALGORITHM: KemAlgorithm = KemAlgorithm::XWing;
    const SIZES: KemSizes = KemSizes {
        seed: 32,
        public_key: 1216,
        ciphertext: 1120,
        shared_secret: 32,
        encaps_randomness: 64,
    };
    type DecapsulationKey = XWingPrivateKey;
    type EncapsulationKey = XWingPublicKey;

    fn from_seed(seed: &[u8]) -> Result<XWingPrivateKey> {
        let seed = Zeroizing::new(*expect_len::<32>("X-Wing private key (seed)", "32", seed)?);
        let mut expanded = Zeroizing::new([0u8; 96]);
        let mut xof = Shake256::default();
        xof.update(seed.as_slice());
        xof.finalize_xof().read(expanded.as_mut_slice());
        let sk_m = MlKem768::from_seed(&expanded[..64])?;
        let sk_x = Scalar::new(expect_len::<32>(
            "X-Wing X25519 scalar",
            "32",
            &expanded[64..],
        )?)?;
        let pk_x = sk_x.public();
        let pk_m = MlKem768::public_key(&sk_m);
        let mut encoded = MlKem768::public_key_bytes(&pk_m).to_vec();
        encoded.extend_from_slice(&pk_x);
        Ok(XWingPrivateKey {
            seed,
            sk_m,
            sk_x,
            public: XWingPublicKey {
                pk_m,
                pk_x,
                encoded,
            },
        })
    }

    fn seed(dk: &XWingPrivateKey) -> Option<&[u8]> {
        Some(dk.seed.as_slice())
    }

    fn public_key(dk: &XWingPrivateKey) -> XWingPublicKey {
        dk.public.clone()
    }

    fn decapsulate_into(dk: &XWingPrivateKey, ciphertext: &[u8], ss_out: &mut [u8]) -> Result<()> {
        let ct = expect_len::<1120>("X-Wing ciphertext", "1120", ciphertext)?;
        let ss_out = expect_len_mut::<32>("X-Wing shared-secret output", "32", ss_out)?;
        let (ct_m, ct_x) = ct.split_at(CT_M_LEN);
        let mut ss_m = Zeroizing::new([0u8; 32]);
        MlKem768::decapsulate_into(&dk.sk_m, ct_m, ss_m.as_mut_slice())?;
        let ct_x: &[u8; 32] = expect_len::<32>("X-Wing X25519 ciphertext", "32", ct_x)?;
        let ss_x = dk.sk_x.exchange_unchecked(ct_x)?;
        combiner(
            ss_m.as_slice(),
            ss_x.as_slice(),
            ct_x,
            &dk.public.pk_x,
            ss_out,
        );
        Ok(())
    }

    fn public_key_from_bytes(data: &[u8]) -> Result<XWingPublicKey> {
        let pk = expect_len::<1216>("X-Wing public key", "1216", data)?;
        let pk_m = MlKem768::public_key_from_bytes(&pk[..PK_M_LEN])?;
        let mut pk_x = [0u8; 32];
        pk_x.copy_from_slice(&pk[PK_M_LEN..]);
        Ok(XWingPublicKey {
            pk_m,
            pk_x,
            encoded: pk.to_vec(),
        })
    }

    fn public_key_bytes(ek: &XWingPublicKey) -> &[u8] {
        &ek.encoded
    }

    /// `randomness` is the 64-byte `eseed`: ML-KEM `m` then the ephemeral X25519 scalar.
    fn encapsulate_derand_into(
        ek: &XWingPublicKey,
        randomness: &[u8],
        ss_out: &mut [u8],
        ct_out: &mut [u8],
    ) -> Result<()> {
        let eseed = expect_len::<64>("X-Wing encapsulation randomness (eseed)", "64", randomness)?;
        let ss_out = expect_len_mut::<32>("X-Wing shared-secret output", "32", ss_out)?;
        let ct_out = expect_len_mut::<1120>("X-Wing ciphertext output", "1120", ct_out)?;
        let ek_x = Scalar::new(expect_len::<32>(
            "X-Wing ephemeral X25519 scalar",
            "32",
            &eseed[32..],
        )?)?;
        let ct_x = ek_x.public();
        let ss_x = ek_x.exchange_unchecked(&ek.pk_x)?;
        let (ct_m, ct_x_out) = ct_out.split_at_mut(CT_M_LEN);
        let mut ss_m = Zeroizing::new([0u8; 32]);
        MlKem768::encapsulate_derand_into(&ek.pk_m, &eseed[..32], ss_m.as_mut_slice(), ct_m)?;
        combiner(ss_m.as_slice(), ss_x.as_slice(), &ct_x, &ek.pk_x, ss_out);
        ct_x_out.copy_from_slice(&ct_x);
        Ok(())
    }
}
