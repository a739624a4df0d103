//! HPKE AEAD identifiers (RFC 9180 §7.3): the ciphers of [`crate::aead`] and the export-only
//! marker.

use crate::aead::{Cipher, TAG_LEN};
use crate::{Error, Result};

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

    /// The cipher (`None` for export-only).
    pub const fn cipher(self) -> Option<Cipher> {
        match self {
            Aead::Aes128Gcm => Some(Cipher::Aes128Gcm),
            Aead::Aes256Gcm => Some(Cipher::Aes256Gcm),
            Aead::ChaCha20Poly1305 => Some(Cipher::ChaCha20Poly1305),
            Aead::ExportOnly => None,
        }
    }

    /// `Seal(key, nonce, aad, pt)`: ciphertext with the tag appended.
    pub fn seal(self, key: &[u8], nonce: &[u8], aad: &[u8], pt: &[u8]) -> Result<Vec<u8>> {
        self.cipher()
            .ok_or_else(export_only)?
            .seal(key, nonce, aad, pt)
    }

    /// `Open(key, nonce, aad, ct)`; any authentication failure is [`Error::InvalidTag`].
    pub fn open(self, key: &[u8], nonce: &[u8], aad: &[u8], ct: &[u8]) -> Result<Vec<u8>> {
        self.cipher()
            .ok_or_else(export_only)?
            .open(key, nonce, aad, ct)
    }
}

pub(crate) fn export_only() -> Error {
    Error::UnsupportedAlgorithm(
        "export-only AEAD (0xffff) cannot seal or open; use export()".into(),
    )
}
