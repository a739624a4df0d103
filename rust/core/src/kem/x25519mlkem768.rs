//! X25519MLKEM768, the TLS 1.3 hybrid group 0x11EC (draft-ietf-tls-ecdhe-mlkem).
//!
//! Wire order puts ML-KEM first: client share `ek || x25519_pk` (1216), server share
//! `ct || x25519_pk` (1120), secret `ss_M || ss_X` (64). The secret is the TLS key-schedule input
//! and relies on the transcript for binding: do not use it outside TLS.
//! pqpay's private-key seed is `d || z || x25519_sk` (96 bytes); TLS itself never stores one.

use zeroize::Zeroizing;

use super::mlkem::{MlKem768, MlKemPrivateKey, MlKemPublicKey};
use super::x25519::Scalar;
use super::{KemAlgorithm, KemScheme, KemSizes};
use crate::error::{expect_len, expect_len_mut};
use crate::Result;

/// The X25519MLKEM768 hybrid.
pub struct X25519MlKem768;

/// Private key: the 96-byte seed and its expansion.
pub struct X25519MlKem768PrivateKey {
    seed: Zeroizing<[u8; 96]>,
    sk_m: MlKemPrivateKey<2400, 1184>,
    sk_x: Scalar,
    public: X25519MlKem768PublicKey,
}

/// Public key (client key share) `ek || x25519_pk`.
#[derive(Clone)]
pub struct X25519MlKem768PublicKey {
    pk_m: MlKemPublicKey<1184>,
    pk_x: [u8; 32],
    encoded: Vec<u8>,
}

impl KemScheme for X25519MlKem768 {
    const ALGORITHM: KemAlgorithm = KemAlgorithm::X25519MlKem768;
    const SIZES: KemSizes = KemSizes {
        seed: 96,
        public_key: 1216,
        ciphertext: 1120,
        shared_secret: 64,
        encaps_randomness: 64,
    };
    type DecapsulationKey = X25519MlKem768PrivateKey;
    type EncapsulationKey = X25519MlKem768PublicKey;

    fn from_seed(seed: &[u8]) -> Result<X25519MlKem768PrivateKey> {
        let seed = Zeroizing::new(*expect_len::<96>(
            "X25519MLKEM768 private key (d || z || x25519)",
            "96",
            seed,
        )?);
        let sk_m = MlKem768::from_seed(&seed[..64])?;
        let sk_x = Scalar::new(expect_len::<32>(
            "X25519MLKEM768 X25519 scalar",
            "32",
            &seed[64..],
        )?)?;
        let pk_x = sk_x.public();
        let pk_m = MlKem768::public_key(&sk_m);
        let mut encoded = MlKem768::public_key_bytes(&pk_m).to_vec();
        encoded.extend_from_slice(&pk_x);
        Ok(X25519MlKem768PrivateKey {
            seed,
            sk_m,
            sk_x,
            public: X25519MlKem768PublicKey {
                pk_m,
                pk_x,
                encoded,
            },
        })
    }

    fn seed(dk: &X25519MlKem768PrivateKey) -> Option<&[u8]> {
        Some(dk.seed.as_slice())
    }

    fn public_key(dk: &X25519MlKem768PrivateKey) -> X25519MlKem768PublicKey {
        dk.public.clone()
    }

    fn decapsulate_into(
        dk: &X25519MlKem768PrivateKey,
        ciphertext: &[u8],
        ss_out: &mut [u8],
    ) -> Result<()> {
        let ct = expect_len::<1120>(
            "X25519MLKEM768 ciphertext (server share)",
            "1120",
            ciphertext,
        )?;
        let ss_out = expect_len_mut::<64>("X25519MLKEM768 shared-secret output", "64", ss_out)?;
        let ss_x = dk.sk_x.exchange_checked(expect_len::<32>(
            "X25519MLKEM768 X25519 share",
            "32",
            &ct[1088..],
        )?)?;
        let (ss_m_out, ss_x_out) = ss_out.split_at_mut(32);
        MlKem768::decapsulate_into(&dk.sk_m, &ct[..1088], ss_m_out)?;
        ss_x_out.copy_from_slice(ss_x.as_slice());
        Ok(())
    }

    fn public_key_from_bytes(data: &[u8]) -> Result<X25519MlKem768PublicKey> {
        let pk = expect_len::<1216>("X25519MLKEM768 public key (client share)", "1216", data)?;
        let pk_m = MlKem768::public_key_from_bytes(&pk[..1184])?;
        let mut pk_x = [0u8; 32];
        pk_x.copy_from_slice(&pk[1184..]);
        Ok(X25519MlKem768PublicKey {
            pk_m,
            pk_x,
            encoded: pk.to_vec(),
        })
    }

    fn public_key_bytes(ek: &X25519MlKem768PublicKey) -> &[u8] {
        &ek.encoded
    }

    /// `randomness` is ML-KEM `m` (32) then the ephemeral X25519 scalar (32).
    fn encapsulate_derand_into(
        ek: &X25519MlKem768PublicKey,
        randomness: &[u8],
        ss_out: &mut [u8],
        ct_out: &mut [u8],
    ) -> Result<()> {
        let r = expect_len::<64>("X25519MLKEM768 encapsulation randomness", "64", randomness)?;
        let ss_out = expect_len_mut::<64>("X25519MLKEM768 shared-secret output", "64", ss_out)?;
        let ct_out = expect_len_mut::<1120>("X25519MLKEM768 ciphertext output", "1120", ct_out)?;
        let eph = Scalar::new(expect_len::<32>(
            "X25519MLKEM768 ephemeral scalar",
            "32",
            &r[32..],
        )?)?;
        let ss_x = eph.exchange_checked(&ek.pk_x)?;
        let (ct_m, ct_x) = ct_out.split_at_mut(1088);
        let (ss_m_out, ss_x_out) = ss_out.split_at_mut(32);
        MlKem768::encapsulate_derand_into(&ek.pk_m, &r[..32], ss_m_out, ct_m)?;
        ct_x.copy_from_slice(&eph.public());
        ss_x_out.copy_from_slice(ss_x.as_slice());
        Ok(())
    }
}
