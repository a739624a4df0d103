//! X25519 (RFC 7748): the raw Diffie-Hellman function, and DHKEM(X25519, HKDF-SHA256) of
//! RFC 9180 §4.1 as the KEM form (HPKE KEM id 0x0020).
//!
//! The scalar multiplication is aws-lc's (formally verified s2n-bignum assembly, BMI2/ADX code
//! chosen at run time with a plain x86-64 fallback), about twice as fast as x25519-dalek here,
//! called on fixed-size buffers (see [`Scalar`]).

use hkdf::{Hkdf, HkdfExtract};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{KemAlgorithm, KemScheme, KemSizes};
use crate::error::{expect_len, expect_len_mut};
use crate::{Error, Result};

/// Encodings (bit 255 masked off) of the u-coordinates whose X25519 output is all zeros for
/// every clamped scalar: points of order dividing 8 on the curve or 4 on the twist (0, 1, the two
/// order-8 points, p-1) and the non-canonical p and p+1. Same list as libsodium's blocklist.
const LOW_ORDER: [[u8; 32]; 7] = [
    [0; 32],
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    [
        0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4,
        0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49,
        0xb8, 0x00,
    ],
    [
        0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef,
        0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f,
        0x11, 0x57,
    ],
    p_plus(-1),
    p_plus(0),
    p_plus(1),
];

/// Little-endian `2^255 - 19 + delta` for a small `delta`.
const fn p_plus(delta: i8) -> [u8; 32] {
    let mut out = [0xff; 32];
    out[0] = (0xed_i16 + delta as i16) as u8;
    out[31] = 0x7f;
    out
}

/// Whether `u` is a low-order (all-zero output) encoding. Branches on public data only.
fn is_low_order(u: &[u8; 32]) -> bool {
    let mut masked = *u;
    masked[31] &= 0x7f;
    LOW_ORDER.contains(&masked)
}

/// An X25519 scalar (zeroized on drop) and its public key.
///
/// The scalar multiplications are aws-lc's `X25519` / `X25519_public_from_private`, called
/// directly: they work on the caller's buffers and allocate nothing (aws-lc-rs's `agreement`
/// wraps each key in an `EVP_PKEY` and returns the secret in a `Vec`), so encapsulation and
/// decapsulation can run where allocation fails.
pub(crate) struct Scalar {
    secret: Zeroizing<[u8; 32]>,
    public: [u8; 32],
}

impl Scalar {
    /// Takes a 32-byte scalar (clamping happens inside each operation, per RFC 7748).
    pub(crate) fn new(sk: &[u8; 32]) -> Result<Self> {
        let secret = Zeroizing::new(*sk);
        let public = ffi::public_from_private(&secret);
        Ok(Scalar { secret, public })
    }

    /// The public key `X25519(sk, 9)`.
    pub(crate) fn public(&self) -> [u8; 32] {
        self.public
    }

    /// X25519 with the RFC 7748 §6.1 all-zero check: a low-order peer key gives
    /// [`Error::InvalidKey`].
    pub(crate) fn exchange_checked(&self, peer: &[u8; 32]) -> Result<Zeroizing<[u8; 32]>> {
        self.agree(peer).ok_or_else(|| {
            if is_low_order(peer) {
                Error::InvalidKey(
                    "X25519 shared secret is all zeros (the peer public key has low order)".into(),
                )
            } else {
                Error::InvalidKey("X25519 key agreement failed".into())
            }
        })
    }

    /// X25519 without the all-zero check (X-Wing's combiner does not need it): a low-order peer
    /// key gives the all-zero secret, as RFC 7748 defines it.
    pub(crate) fn exchange_unchecked(&self, peer: &[u8; 32]) -> Result<Zeroizing<[u8; 32]>> {
        match self.agree(peer) {
            Some(ss) => Ok(ss),
            // aws-lc refuses an all-zero result instead of returning it; the refusal depends only
            // on the (public) peer key, so branching on it leaks nothing about the scalar.
            None if is_low_order(peer) => Ok(Zeroizing::new([0u8; 32])),
            None => Err(Error::InvalidKey("X25519 key agreement failed".into())),
        }
    }

    /// aws-lc's X25519; `None` when it refuses (an all-zero output).
    fn agree(&self, peer: &[u8; 32]) -> Option<Zeroizing<[u8; 32]>> {
        let mut out = Zeroizing::new([0u8; 32]);
        ffi::x25519(&mut out, &self.secret, peer).then_some(out)
    }
}

/// The two aws-lc calls, on fixed-size buffers.
#[allow(unsafe_code)]
mod ffi {
    /// `X25519(sk, 9)`.
    pub(super) fn public_from_private(sk: &[u8; 32]) -> [u8; 32] {
        let mut out = [0u8; 32];
        // SAFETY: both pointers are to 32-byte buffers, the sizes aws-lc reads and writes.
        unsafe { aws_lc_sys::X25519_public_from_private(out.as_mut_ptr(), sk.as_ptr()) };
        out
    }

    /// `X25519(sk, peer)` into `out`; false (and zeros in `out`) when the result is all zeros.
    pub(super) fn x25519(out: &mut [u8; 32], sk: &[u8; 32], peer: &[u8; 32]) -> bool {
        // SAFETY: all three pointers are to 32-byte buffers, the sizes aws-lc reads and writes.
        unsafe { aws_lc_sys::X25519(out.as_mut_ptr(), sk.as_ptr(), peer.as_ptr()) == 1 }
    }
}

/// Raw X25519 with an all-zero check: a low-order peer key gives [`Error::InvalidKey`].
pub fn exchange(private_key: &[u8], peer_public_key: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
    let sk = expect_len::<32>("X25519 private key", "32", private_key)?;
    let pk = expect_len::<32>("X25519 public key", "32", peer_public_key)?;
    Scalar::new(sk)?.exchange_checked(pk)
}

/// DHKEM(X25519, HKDF-SHA256), RFC 9180 §4.1.
pub struct X25519Kem;

/// An X25519 private key and its public key. The scalar is zeroized on drop.
pub struct X25519PrivateKey {
    /// The caller's 32 bytes, kept for [`KemScheme::seed`].
    secret: Zeroizing<[u8; 32]>,
    /// The same scalar, imported once so each exchange skips the import.
    scalar: Scalar,
    public: X25519PublicKey,
}

impl core::fmt::Debug for X25519PrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("X25519PrivateKey(<redacted>)")
    }
}

/// An X25519 public key (any 32 bytes; low order is caught at exchange time).
#[derive(Clone)]
pub struct X25519PublicKey(pub(crate) [u8; 32]);

impl X25519PrivateKey {
    /// Raw X25519 with this key (all-zero output rejected).
    pub fn exchange(&self, peer_public_key: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let pk = expect_len::<32>("X25519 public key", "32", peer_public_key)?;
        self.scalar.exchange_checked(pk)
    }
}

const SUITE_ID: &[u8] = b"KEM\x00\x20";

/// DHKEM ExtractAndExpand with HKDF-SHA256 and the labels of RFC 9180 §4.1, into `out`.
fn extract_and_expand(dh: &[u8], kem_context: &[u8], out: &mut [u8; 32]) -> Result<()> {
    let mut ext = HkdfExtract::<Sha256>::new(Some(b""));
    for part in [b"HPKE-v1".as_slice(), SUITE_ID, b"eae_prk", dh] {
        ext.input_ikm(part);
    }
    let (_, hk): (_, Hkdf<Sha256>) = ext.finalize();
    let info: [&[u8]; 5] = [
        &[0, 32],
        b"HPKE-v1",
        SUITE_ID,
        b"shared_secret",
        kem_context,
    ];
    hk.expand_multi_info(&info, out)
        .map_err(|_| Error::InvalidArgument("HKDF output too long".into()))
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
        let secret = Zeroizing::new(*expect_len::<32>("X25519 private key", "32", seed)?);
        let scalar = Scalar::new(&secret)?;
        let public = X25519PublicKey(scalar.public());
        Ok(X25519PrivateKey {
            secret,
            scalar,
            public,
        })
    }

    fn seed(dk: &X25519PrivateKey) -> Option<&[u8]> {
        Some(dk.secret.as_slice())
    }

    fn public_key(dk: &X25519PrivateKey) -> X25519PublicKey {
        dk.public.clone()
    }

    fn decapsulate_into(dk: &X25519PrivateKey, ciphertext: &[u8], ss_out: &mut [u8]) -> Result<()> {
        let enc = expect_len::<32>("X25519 encapsulated key", "32", ciphertext)?;
        let ss_out = expect_len_mut::<32>("X25519 shared-secret output", "32", ss_out)?;
        let dh = dk.scalar.exchange_checked(enc)?;
        let mut ctx = [0u8; 64];
        ctx[..32].copy_from_slice(enc);
        ctx[32..].copy_from_slice(&dk.public.0);
        extract_and_expand(dh.as_slice(), &ctx, ss_out)
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
    fn encapsulate_derand_into(
        ek: &X25519PublicKey,
        randomness: &[u8],
        ss_out: &mut [u8],
        ct_out: &mut [u8],
    ) -> Result<()> {
        let eph = Scalar::new(expect_len::<32>(
            "X25519 ephemeral private key",
            "32",
            randomness,
        )?)?;
        let ss_out = expect_len_mut::<32>("X25519 shared-secret output", "32", ss_out)?;
        let ct_out = expect_len_mut::<32>("X25519 encapsulated-key output", "32", ct_out)?;
        let dh = eph.exchange_checked(&ek.0)?;
        let enc = eph.public();
        let mut ctx = [0u8; 64];
        ctx[..32].copy_from_slice(&enc);
        ctx[32..].copy_from_slice(&ek.0);
        extract_and_expand(dh.as_slice(), &ctx, ss_out)?;
        *ct_out = enc;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn low_order_list_matches_aws_lc() {
        let k = Scalar::new(&[0x42; 32]).unwrap();
        for u in LOW_ORDER {
            for top in [0u8, 0x80] {
                let mut p = u;
                p[31] |= top;
                assert!(is_low_order(&p));
                assert!(k.agree(&p).is_none(), "aws-lc accepted {p:02x?}");
                assert_eq!(*k.exchange_unchecked(&p).unwrap(), [0u8; 32]);
                assert!(k.exchange_checked(&p).is_err());
            }
        }
    }

    #[test]
    fn rfc7748_vector() {
        let sk = hex::decode("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4")
            .unwrap();
        let pk = hex::decode("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")
            .unwrap();
        let out = exchange(&sk, &pk).unwrap();
        assert_eq!(
            hex::encode(out.as_slice()),
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"
        );
    }
}
