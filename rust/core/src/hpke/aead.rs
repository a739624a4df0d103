//! HPKE AEADs (RFC 9180 §7.3): AES-GCM, ChaCha20-Poly1305, and the export-only marker.

use aes_gcm::aead::{self, AeadInOut};
use aes_gcm::{Aes128Gcm, Aes256Gcm, KeyInit};
use chacha20poly1305::ChaCha20Poly1305;
use zeroize::Zeroize;

use crate::{Error, Result};

/// Tag length of every AEAD offered here.
const TAG_LEN: usize = 16;

/// An HPKE AEAD algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Aead {
    /// AES-128-GCM, id 0x0001.
    Aes128Gcm,
    /// AES-256-GCM, id 0x0002.
    Aes256Gcm,
    /// ChaCha20-Poly1305, id 0x0003.
    ChaCha20Poly1305,
    /// Export-only, id 0xFFFF: the context only exports secrets; seal and open are refused.
    ExportOnly,
}

impl Aead {
    /// Every supported AEAD, in id order.
    pub const ALL: &'static [Aead] = &[
        Aead::Aes128Gcm,
        Aead::Aes256Gcm,
        Aead::ChaCha20Poly1305,
        Aead::ExportOnly,
    ];

    /// The HPKE AEAD identifier.
    pub const fn id(self) -> u16 {
        match self {
            Aead::Aes128Gcm => 0x0001,
            Aead::Aes256Gcm => 0x0002,
            Aead::ChaCha20Poly1305 => 0x0003,
            Aead::ExportOnly => 0xFFFF,
        }
    }

    /// Looks an AEAD up by its HPKE identifier.
    pub fn from_id(id: u16) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|a| a.id() == id)
            .ok_or_else(|| {
                Error::UnsupportedAlgorithm(format!(
                    "HPKE AEAD id {id:#06x} (supported: 0x0001, 0x0002, 0x0003, 0xffff)"
                ))
            })
    }

    /// The registry name.
    pub const fn name(self) -> &'static str {
        match self {
            Aead::Aes128Gcm => "AES-128-GCM",
            Aead::Aes256Gcm => "AES-256-GCM",
            Aead::ChaCha20Poly1305 => "ChaCha20Poly1305",
            Aead::ExportOnly => "Export-only",
        }
    }

    /// `Nk`: key length in bytes (0 for export-only).
    pub const fn nk(self) -> usize {
        match self {
            Aead::Aes128Gcm => 16,
            Aead::Aes256Gcm | Aead::ChaCha20Poly1305 => 32,
            Aead::ExportOnly => 0,
        }
    }

    /// `Nn`: nonce length in bytes (0 for export-only).
    pub const fn nn(self) -> usize {
        match self {
            Aead::ExportOnly => 0,
            _ => 12,
        }
    }

    /// `Nt`: tag length in bytes (0 for export-only).
    pub const fn nt(self) -> usize {
        match self {
            Aead::ExportOnly => 0,
            _ => TAG_LEN,
        }
    }

    /// `Seal(key, nonce, aad, pt)`: ciphertext with the tag appended. Public for callers that
    /// need the bare AEAD (pqpay.hsm seals key seeds with AES-256-GCM under a software KEK).
    pub fn seal(self, key: &[u8], nonce: &[u8], aad: &[u8], pt: &[u8]) -> Result<Vec<u8>> {
        match self {
            Aead::Aes128Gcm => seal_with::<Aes128Gcm>(self, key, nonce, aad, pt),
            Aead::Aes256Gcm => seal_with::<Aes256Gcm>(self, key, nonce, aad, pt),
            Aead::ChaCha20Poly1305 => seal_with::<ChaCha20Poly1305>(self, key, nonce, aad, pt),
            Aead::ExportOnly => Err(export_only()),
        }
    }

    /// `Open(key, nonce, aad, ct)`; any authentication failure is [`Error::InvalidTag`].
    pub fn open(self, key: &[u8], nonce: &[u8], aad: &[u8], ct: &[u8]) -> Result<Vec<u8>> {
        match self {
            Aead::Aes128Gcm => open_with::<Aes128Gcm>(key, nonce, aad, ct),
            Aead::Aes256Gcm => open_with::<Aes256Gcm>(key, nonce, aad, ct),
            Aead::ChaCha20Poly1305 => open_with::<ChaCha20Poly1305>(key, nonce, aad, ct),
            Aead::ExportOnly => Err(export_only()),
        }
    }
}

pub(crate) fn export_only() -> Error {
    Error::UnsupportedAlgorithm(
        "export-only AEAD (0xffff) cannot seal or open; use export()".into(),
    )
}

/// Builds the cipher and nonce; lengths are fixed by the key schedule, so an error here is an
/// internal inconsistency, reported rather than panicking.
fn cipher_and_nonce<C: KeyInit + AeadInOut>(
    key: &[u8],
    nonce: &[u8],
) -> Result<(C, aead::Nonce<C>)> {
    let cipher = C::new_from_slice(key).map_err(|_| Error::InvalidLength {
        what: "HPKE AEAD key",
        expected: "Nk",
        got: key.len(),
    })?;
    let nonce = aead::Nonce::<C>::try_from(nonce).map_err(|_| Error::InvalidLength {
        what: "HPKE AEAD nonce",
        expected: "12",
        got: nonce.len(),
    })?;
    Ok((cipher, nonce))
}

fn seal_with<C: KeyInit + AeadInOut>(
    alg: Aead,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    pt: &[u8],
) -> Result<Vec<u8>> {
    let (cipher, nonce) = cipher_and_nonce::<C>(key, nonce)?;
    let mut buf = Vec::with_capacity(pt.len() + TAG_LEN);
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
    let mut buf = body.to_vec();
    match cipher.decrypt_inout_detached(&nonce, aad, buf.as_mut_slice().into(), &tag) {
        Ok(()) => Ok(buf),
        Err(_) => {
            // Never let unauthenticated plaintext linger, whatever the cipher left in the buffer.
            buf.zeroize();
            Err(Error::InvalidTag)
        }
    }
}
