//! X25519 (RFC 7748): the raw Diffie-Hellman function, and DHKEM(X25519, HKDF-SHA256) of
//! RFC 9180 §4.1 as the KEM form (HPKE KEM id 0x0020).

use hkdf::{Hkdf, HkdfExtract};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::{KemAlgorithm, KemScheme, KemSizes, SharedSecret};
use crate::error::expect_len;
use crate::{Error, Result};

/// Raw X25519 with an all-zero check: a low-order peer key gives [`Error::InvalidKey`].
pub fn exchange(private_key: &[u8], peer_public_key: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
    let sk = expect_len::<32>("X25519 private key", "32", private_key)?;
    let pk = expect_len::<32>("X25519 public key", "32", peer_public_key)?;
    let shared = raw_exchange(&StaticSecret::from(*sk), pk);
    if bool::from(shared.ct_eq(&[0u8; 32])) {
        return Err(Error::InvalidKey(
            "X25519 shared secret is all zeros (the peer public key has low order)".into(),
        ));
    }
    Ok(shared)
}

/// X25519 without the all-zero check (X-Wing's combiner does not need it).
pub(crate) fn raw_exchange(sk: &StaticSecret, pk: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(sk.diffie_hellman(&PublicKey::from(*pk)).to_bytes())
}

/// X25519 public key of a private scalar.
pub(crate) fn public_from_secret(sk: &StaticSecret) -> [u8; 32] {
    PublicKey::from(sk).to_bytes()
}

/// DHKEM(X25519, HKDF-SHA256), RFC 9180 §4.1.
pub struct X25519Kem;

/// An X25519 private key and its public key.
pub struct X25519PrivateKey {
    secret: StaticSecret,
    public: X25519PublicKey,
}

/// An X25519 public key (any 32 bytes; low order is caught at exchange time).
#[derive(Clone)]
pub struct X25519PublicKey(pub(crate) [u8; 32]);

impl X25519PrivateKey {
    /// Raw X25519 with this key (all-zero output rejected).
    pub fn exchange(&self, peer_public_key: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        exchange(self.secret.as_bytes(), peer_public_key)
    }
}

const SUITE_ID: &[u8] = b"KEM\x00\x20";

/// DHKEM ExtractAndExpand with HKDF-SHA256 and the labels of RFC 9180 §4.1.
fn extract_and_expand(dh: &[u8], kem_context: &[u8]) -> Result<SharedSecret> {
    let mut ext = HkdfExtract::<Sha256>::new(Some(b""));
    for part in [b"HPKE-v1".as_slice(), SUITE_ID, b"eae_prk", dh] {
        ext.input_ikm(part);
    }
    let (_, hk): (_, Hkdf<Sha256>) = ext.finalize();
    let mut out = vec![0u8; 32];
    let info: [&[u8]; 5] = [
        &[0, 32],
        b"HPKE-v1",
        SUITE_ID,
        b"shared_secret",
        kem_context,
    ];
    hk.expand_multi_info(&info, &mut out)
        .map_err(|_| Error::InvalidArgument("HKDF output too long".into()))?;
    Ok(SharedSecret::new(out))
}

impl KemScheme for X25519Kem {
    const ALGORITHM: KemAlgorithm = KemAlgorithm::X25519;
    const SIZES: KemSizes = KemSizes {
        seed: 32,
        public_key: 32,
        ciphertext: 32,
        shared_secret: 32,
        encaps_randomness: 32,
    };
    type DecapsulationKey = X25519PrivateKey;
    type EncapsulationKey = X25519PublicKey;

    fn from_seed(seed: &[u8]) -> Result<X25519PrivateKey> {
        let sk = expect_len::<32>("X25519 private key", "32", seed)?;
        let secret = StaticSecret::from(*sk);
        let public = X25519PublicKey(public_from_secret(&secret));
        Ok(X25519PrivateKey { secret, public })
    }

    fn seed(dk: &X25519PrivateKey) -> Option<&[u8]> {
        Some(dk.secret.as_bytes())
    }

    fn public_key(dk: &X25519PrivateKey) -> X25519PublicKey {
        dk.public.clone()
    }

    fn decapsulate(dk: &X25519PrivateKey, ciphertext: &[u8]) -> Result<SharedSecret> {
        let enc = expect_len::<32>("X25519 encapsulated key", "32", ciphertext)?;
        let dh = dk.exchange(enc)?;
        let mut ctx = [0u8; 64];
        ctx[..32].copy_from_slice(enc);
        ctx[32..].copy_from_slice(&dk.public.0);
        extract_and_expand(dh.as_slice(), &ctx)
    }

    fn public_key_from_bytes(data: &[u8]) -> Result<X25519PublicKey> {
        Ok(X25519PublicKey(*expect_len::<32>(
            "X25519 public key",
            "32",
            data,
        )?))
    }

    fn public_key_bytes(ek: &X25519PublicKey) -> &[u8] {
        &ek.0
    }

    /// `randomness` is the ephemeral private key skE.
    fn encapsulate_derand(
        ek: &X25519PublicKey,
        randomness: &[u8],
    ) -> Result<(SharedSecret, Vec<u8>)> {
        let eph = X25519Kem::from_seed(randomness)?;
        let dh = eph.exchange(&ek.0)?;
        let mut ctx = [0u8; 64];
        ctx[..32].copy_from_slice(&eph.public.0);
        ctx[32..].copy_from_slice(&ek.0);
        Ok((
            extract_and_expand(dh.as_slice(), &ctx)?,
            eph.public.0.to_vec(),
        ))
    }
}
