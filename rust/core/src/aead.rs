//! The bare AEADs (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305): HPKE's ciphers (its suites add
//! identifiers and the export-only marker, `hpke::Aead`) and the AES-256-GCM that `pqpay.hsm`
//! seals key seeds with under a software key-encryption key.

use aes_gcm::aead::{self, AeadInOut};
use aes_gcm::{Aes128Gcm, Aes256Gcm, KeyInit};
use chacha20poly1305::ChaCha20Poly1305;
use zeroize::Zeroize;

use crate::error::try_vec;
use crate::{Error, Result};

/// Nonce length of every cipher here.
pub const NONCE_LEN: usize = 12;
/// Tag length of every cipher here.
pub const TAG_LEN: usize = 16;

/// An AEAD cipher.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cipher {
    /// AES-128-GCM.
    Aes128Gcm,
    /// AES-256-GCM.
    Aes256Gcm,
    /// ChaCha20-Poly1305.
    ChaCha20Poly1305,
}

impl Cipher {
    /// The registry name (as HPKE's registry spells it).
    pub const fn name(self) -> &'static str {
        match self {
            Cipher::Aes128Gcm => "AES-128-GCM",
            Cipher::Aes256Gcm => "AES-256-GCM",
            Cipher::ChaCha20Poly1305 => "ChaCha20Poly1305",
        }
    }

    /// Key length in bytes.
    pub const fn key_len(self) -> usize {
        match self {
            Cipher::Aes128Gcm => 16,
            Cipher::Aes256Gcm | Cipher::ChaCha20Poly1305 => 32,
        }
    }

    /// `Seal(key, nonce, aad, pt)`: ciphertext with the tag appended.
    pub fn seal(self, key: &[u8], nonce: &[u8], aad: &[u8], pt: &[u8]) -> Result<Vec<u8>> {
        match self {
            Cipher::Aes128Gcm => seal_with::<Aes128Gcm>(self, key, nonce, aad, pt),
            Cipher::Aes256Gcm => seal_with::<Aes256Gcm>(self, key, nonce, aad, pt),
            Cipher::ChaCha20Poly1305 => seal_with::<ChaCha20Poly1305>(self, key, nonce, aad, pt),
        }
    }

    /// `Open(key, nonce, aad, ct)`; any authentication failure is [`Error::InvalidTag`].
    pub fn open(self, key: &[u8], nonce: &[u8], aad: &[u8], ct: &[u8]) -> Result<Vec<u8>> {
        match self {
            Cipher::Aes128Gcm => open_with::<Aes128Gcm>(key, nonce, aad, ct),
            Cipher::Aes256Gcm => open_with::<Aes256Gcm>(key, nonce, aad, ct),
            Cipher::ChaCha20Poly1305 => open_with::<ChaCha20Poly1305>(key, nonce, aad, ct),
        }
    }
}

/// Builds the cipher and nonce (callers fix the lengths: HPKE's key schedule, the HSM binding's
/// checks), so an error here is reported rather than panicking.
fn cipher_and_nonce<C: KeyInit + AeadInOut>(
    key: &[u8],
    nonce: &[u8],
) -> Result<(C, aead::Nonce<C>)> {
    let cipher = C::new_from_slice(key).map_err(|_| Error::InvalidLength {
        what: "AEAD key",
        expected: "16 or 32",
        got: key.len(),
    })?;
    let nonce = aead::Nonce::<C>::try_from(nonce).map_err(|_| Error::InvalidLength {
        what: "AEAD nonce",
        expected: "12",
        got: nonce.len(),
    })?;
    Ok((cipher, nonce))
}

fn seal_with<C: KeyInit + AeadInOut>(
    alg: Cipher,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    pt: &[u8],
) -> Result<Vec<u8>> {
    let (cipher, nonce) = cipher_and_nonce::<C>(key, nonce)?;
    let mut buf = try_vec("the AEAD ciphertext", pt.len().saturating_add(TAG_LEN))?;
    buf.extend_from_slice(pt);
    match cipher.encrypt_inout_detached(&nonce, aad, buf.as_mut_slice().into()) {
        Ok(tag) => {
            buf.extend_from_slice(&tag);
            Ok(buf)
        }
        Err(_) => {
            // The buffer still holds (part of) the plaintext.
            buf.zeroize();
            Err(Error::InvalidArgument(format!(
                "plaintext or associated data too long for {}",
                alg.name()
            )))
        }
    }
}

fn open_with<C: KeyInit + AeadInOut>(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    ct: &[u8],
) -> Result<Vec<u8>> {
    // Too short to hold a tag: it cannot authenticate, so it is a tag failure like any other.
    let body_len = ct.len().checked_sub(TAG_LEN).ok_or(Error::InvalidTag)?;
    let (body, tag) = ct.split_at(body_len);
    let tag = aead::Tag::<C>::try_from(tag).map_err(|_| Error::InvalidTag)?;
    let (cipher, nonce) = cipher_and_nonce::<C>(key, nonce)?;
    let mut buf = try_vec("the AEAD plaintext", body.len())?;
    buf.extend_from_slice(body);
    match cipher.decrypt_inout_detached(&nonce, aad, buf.as_mut_slice().into(), &tag) {
        Ok(()) => Ok(buf),
        Err(_) => {
            // Never let unauthenticated plaintext linger, whatever the cipher left in the buffer.
            buf.zeroize();
            Err(Error::InvalidTag)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_every_tamper_is_invalid_tag() {
        for cipher in [
            Cipher::Aes128Gcm,
            Cipher::Aes256Gcm,
            Cipher::ChaCha20Poly1305,
        ] {
            let key = vec![7u8; cipher.key_len()];
            let nonce = [1u8; NONCE_LEN];
            let ct = cipher.seal(&key, &nonce, b"aad", b"seed").unwrap();
            assert_eq!(ct.len(), 4 + TAG_LEN);
            assert_eq!(cipher.open(&key, &nonce, b"aad", &ct).unwrap(), b"seed");
            for i in 0..ct.len() {
                let mut bad = ct.clone();
                bad[i] ^= 1;
                assert_eq!(
                    cipher.open(&key, &nonce, b"aad", &bad),
                    Err(Error::InvalidTag)
                );
            }
            assert_eq!(
                cipher.open(&key, &nonce, b"aaD", &ct),
                Err(Error::InvalidTag)
            );
            assert_eq!(
                cipher.open(&key, &nonce, b"aad", &ct[..TAG_LEN - 1]),
                Err(Error::InvalidTag)
            );
        }
    }
}
