//! HPKE (RFC 9180) base mode with the post-quantum KEMs of draft-ietf-hpke-pq.
//!
//! A [`Suite`] picks a KEM, a [`Kdf`] and an [`Aead`]. The sender calls
//! [`Suite::setup_sender`] with the recipient's public key and gets `enc` (to transmit) and a
//! [`SenderContext`]; the recipient calls [`Suite::setup_receiver`] with `enc` and its private
//! key and gets a [`ReceiverContext`]. Messages must be opened in the order they were sealed.
//! [`Suite::seal`] / [`Suite::open`] do all of it for a single message.
//!
//! Only base mode is offered: no PSK mode, and no Auth modes (the PQ KEMs have no AuthEncap).
//!
//! Identifiers (any combination of the three is a valid [`Suite`]):
//! - KEMs: 0x0020 DHKEM(X25519, HKDF-SHA256); 0x0040, 0x0041, 0x0042 ML-KEM-512, -768, -1024;
//!   0x647a MLKEM768-X25519 (X-Wing); 0x0050 MLKEM768-P256; 0x0051 MLKEM1024-P384.
//! - KDFs: 0x0001 HKDF-SHA256, 0x0002 HKDF-SHA384, 0x0003 HKDF-SHA512, 0x0010 SHAKE128,
//!   0x0011 SHAKE256 (TurboSHAKE 0x0012/0x0013 are not offered).
//! - AEADs: 0x0001 AES-128-GCM, 0x0002 AES-256-GCM, 0x0003 ChaCha20Poly1305, 0xFFFF export-only.
//!
//! # DeriveKeyPair and the ephemeral randomness
//!
//! `skRm` of the test vectors is [`DecapsulationKey::seed`]. The `ikmE` of the vectors becomes
//! the KEM's derandomized-encapsulation input as follows ([`Suite::setup_sender_derand`],
//! [`hazmat::encap_derand`]):
//!
//! | id | KEM | `DeriveKeyPair(ikm)` gives the seed | `ikmE` becomes |
//! |---|---|---|---|
//! | 0x0020 | DHKEM(X25519, HKDF-SHA256) | `LabeledExpand(LabeledExtract("", "dkp_prk", ikm), "sk", "", 32)` over HKDF-SHA256 (RFC 9180 §7.1.3) | skE = DeriveKeyPair(ikmE) |
//! | 0x0040-0x0042 | ML-KEM-512/768/1024 | `SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", 64)` = d ‖ z | `m`, unchanged (32 bytes) |
//! | 0x647a | MLKEM768-X25519 (X-Wing) | `SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", 32)` | `eseed`, unchanged (64 bytes) |
//! | 0x0050 | MLKEM768-P256 | as X-Wing | unchanged, 128 bytes: `m` ‖ 96-byte P-256 scalar seed |
//! | 0x0051 | MLKEM1024-P384 | as X-Wing | unchanged, 80 bytes: `m` ‖ 48-byte P-384 scalar seed |
//!
//! These KDF calls use the KEM's suite_id `"KEM" || I2OSP(kem_id, 2)` and the KEM's own KDF
//! (HKDF-SHA256 for DHKEM, SHAKE256 for the others), never the suite's KDF. The X-Wing row is
//! not the X-Wing draft's `SHAKE256(ikm, 32)`: draft-ietf-hpke-pq labels the derivation.

mod aead;
mod context;
pub mod hazmat;
mod kdf;
mod kem_ids;

pub use aead::Aead;
pub use context::{ReceiverContext, SenderContext};
pub use kdf::Kdf;
pub use kem_ids::{kem_from_id, kem_id};

use crate::kem::{DecapsulationKey, EncapsulationKey, KemAlgorithm, SharedSecret};
use crate::{Error, Result};

/// An HPKE ciphersuite: KEM, KDF and AEAD. The KEM always has an HPKE identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Suite {
    kem: KemAlgorithm,
    kdf: Kdf,
    aead: Aead,
}

impl Suite {
    /// Builds a suite.
    ///
    /// Errors: [`Error::UnsupportedAlgorithm`] for a KEM without an HPKE identifier
    /// (X25519MLKEM768).
    pub fn new(kem: KemAlgorithm, kdf: Kdf, aead: Aead) -> Result<Self> {
        kem_id(kem)?;
        Ok(Suite { kem, kdf, aead })
    }

    /// Builds a suite from the three HPKE identifiers.
    ///
    /// Errors: [`Error::UnsupportedAlgorithm`] naming the first unknown identifier.
    pub fn from_ids(kem_id: u16, kdf_id: u16, aead_id: u16) -> Result<Self> {
        Suite::new(
            kem_from_id(kem_id)?,
            Kdf::from_id(kdf_id)?,
            Aead::from_id(aead_id)?,
        )
    }

    /// The KEM.
    pub const fn kem(&self) -> KemAlgorithm {
        self.kem
    }

    /// The KDF of the key schedule (the KEMs use their own fixed KDFs internally).
    pub const fn kdf(&self) -> Kdf {
        self.kdf
    }

    /// The AEAD.
    pub const fn aead(&self) -> Aead {
        self.aead
    }

    /// `suite_id = "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2)`.
    pub fn suite_id(&self) -> [u8; 10] {
        // `new` guarantees the KEM has an id; 0 would only ever be a bug, never a panic.
        let [k0, k1] = kem_id(self.kem).unwrap_or(0).to_be_bytes();
        let [d0, d1] = self.kdf.id().to_be_bytes();
        let [a0, a1] = self.aead.id().to_be_bytes();
        [b'H', b'P', b'K', b'E', k0, k1, d0, d1, a0, a1]
    }

    /// `DeriveKeyPair(ikm)` of the suite's KEM: a deterministic private key (and, through
    /// [`DecapsulationKey::public_key`], its public key). `ikm` should carry at least `Nsk`
    /// bytes of entropy (32, or 64 for ML-KEM); its serialized form `skRm` is
    /// [`DecapsulationKey::seed`].
    pub fn derive_key_pair(&self, ikm: &[u8]) -> Result<DecapsulationKey> {
        kem_ids::derive_key_pair(self.kem, ikm)
    }

    /// A fresh private key for the suite's KEM, from the OS generator.
    pub fn generate_key_pair(&self) -> Result<DecapsulationKey> {
        DecapsulationKey::generate(self.kem)
    }

    /// `SetupBaseS(pkR, info)`: returns `enc` (send it to the recipient) and the sender context.
    ///
    /// Errors: [`Error::InvalidKey`] if `pk_r` is not a key of the suite's KEM (or fails the
    /// KEM's checks); [`Error::InvalidArgument`] if `info` is too long for a one-stage KDF.
    pub fn setup_sender(
        &self,
        pk_r: &EncapsulationKey,
        info: &[u8],
    ) -> Result<(Vec<u8>, SenderContext)> {
        self.check_public_key(pk_r)?;
        let (ss, enc) = pk_r.encapsulate()?;
        Ok((
            enc,
            SenderContext::new(*self, self.key_schedule(&ss, info)?),
        ))
    }

    /// [`setup_sender`](Self::setup_sender) with the ephemeral randomness derived from `ikm_e`
    /// as the test vectors do. For known-answer tests only: reusing `ikm_e` reuses the
    /// ephemeral key and with it every secret of the context.
    pub fn setup_sender_derand(
        &self,
        pk_r: &EncapsulationKey,
        info: &[u8],
        ikm_e: &[u8],
    ) -> Result<(Vec<u8>, SenderContext)> {
        self.check_public_key(pk_r)?;
        let (ss, enc) = kem_ids::encap_derand(pk_r, ikm_e)?;
        Ok((
            enc,
            SenderContext::new(*self, self.key_schedule(&ss, info)?),
        ))
    }

    /// `SetupBaseR(enc, skR, info)`: the recipient context.
    ///
    /// Errors: [`Error::InvalidKey`] if `sk_r` is not a key of the suite's KEM;
    /// [`Error::InvalidLength`] if `enc` has the wrong size; [`Error::InvalidKey`] for a
    /// DHKEM `enc` of low order. A wrong ML-KEM `enc` of the right size is not detected here
    /// (implicit rejection): the first [`ReceiverContext::open`] fails with
    /// [`Error::InvalidTag`].
    pub fn setup_receiver(
        &self,
        enc: &[u8],
        sk_r: &DecapsulationKey,
        info: &[u8],
    ) -> Result<ReceiverContext> {
        if sk_r.algorithm() != self.kem {
            return Err(wrong_key("private", sk_r.algorithm(), self.kem));
        }
        let ss = sk_r.decapsulate(enc)?;
        Ok(ReceiverContext::new(*self, self.key_schedule(&ss, info)?))
    }

    /// `SetupBaseR` from a shared secret the caller already decapsulated (`Decap(enc, skR)`
    /// done elsewhere, e.g. by a key held in an HSM or sealed under one): the key schedule
    /// over `shared_secret`, exactly as [`setup_receiver`](Self::setup_receiver) runs it.
    ///
    /// Errors: [`Error::InvalidLength`] if `shared_secret` is not the KEM's shared-secret size;
    /// [`Error::InvalidArgument`] if `info` is too long for a one-stage KDF.
    pub fn setup_receiver_from_shared_secret(
        &self,
        shared_secret: &[u8],
        info: &[u8],
    ) -> Result<ReceiverContext> {
        let want = self.kem.sizes().shared_secret;
        if shared_secret.len() != want {
            return Err(Error::InvalidLength {
                what: "KEM shared secret",
                expected: match want {
                    32 => "32",
                    _ => "the KEM's shared-secret size",
                },
                got: shared_secret.len(),
            });
        }
        let ss = SharedSecret::new(shared_secret.to_vec());
        Ok(ReceiverContext::new(*self, self.key_schedule(&ss, info)?))
    }

    /// Single-shot `SealBase`: returns `(enc, ct)`.
    ///
    /// Errors: those of [`setup_sender`](Self::setup_sender) and [`SenderContext::seal`].
    pub fn seal(
        &self,
        pk_r: &EncapsulationKey,
        info: &[u8],
        aad: &[u8],
        pt: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>)> {
        // Refuse before encapsulating: an export-only suite can never seal.
        if self.aead == Aead::ExportOnly {
            return Err(aead::export_only());
        }
        let (enc, mut ctx) = self.setup_sender(pk_r, info)?;
        let ct = ctx.seal(aad, pt)?;
        Ok((enc, ct))
    }

    /// Single-shot `OpenBase`: the plaintext.
    ///
    /// Errors: those of [`setup_receiver`](Self::setup_receiver) and [`ReceiverContext::open`].
    pub fn open(
        &self,
        enc: &[u8],
        sk_r: &DecapsulationKey,
        info: &[u8],
        aad: &[u8],
        ct: &[u8],
    ) -> Result<Vec<u8>> {
        if self.aead == Aead::ExportOnly {
            return Err(aead::export_only());
        }
        let mut ctx = self.setup_receiver(enc, sk_r, info)?;
        ctx.open(aad, ct)
    }

    fn check_public_key(&self, pk_r: &EncapsulationKey) -> Result<()> {
        if pk_r.algorithm() != self.kem {
            return Err(wrong_key("public", pk_r.algorithm(), self.kem));
        }
        Ok(())
    }

    /// The base-mode key schedule over a KEM shared secret.
    pub(crate) fn key_schedule(
        &self,
        shared_secret: &SharedSecret,
        info: &[u8],
    ) -> Result<kdf::KeyScheduleOutput> {
        self.kdf.key_schedule(
            &self.suite_id(),
            shared_secret.as_bytes(),
            info,
            self.aead.nk(),
            self.aead.nn(),
        )
    }
}

fn wrong_key(kind: &str, got: KemAlgorithm, want: KemAlgorithm) -> Error {
    Error::InvalidKey(format!(
        "the {kind} key is a {} key but the HPKE suite's KEM is {}",
        got.name(),
        want.name()
    ))
}
