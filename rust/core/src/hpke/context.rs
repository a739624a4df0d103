//! The encryption contexts of RFC 9180 §5.2: a key, a base nonce, a sequence number and an
//! exporter secret. The secrets are wiped on drop and never printed.

use core::fmt;

use zeroize::Zeroizing;

use super::aead::{export_only, Aead};
use super::kdf::KeyScheduleOutput;
use super::Suite;
use crate::{Error, Result};

/// State shared by both roles.
struct Context {
    suite: Suite,
    suite_id: [u8; 10],
    key: Zeroizing<Vec<u8>>,
    base_nonce: Zeroizing<Vec<u8>>,
    exporter_secret: Zeroizing<Vec<u8>>,
    /// A 64-bit counter instead of the 96-bit one: RFC 9180 §5.2 allows a shorter sequence
    /// number as long as overflow is an error, and 2^64 messages is out of reach anyway.
    seq: u64,
}

impl Context {
    fn new(suite: Suite, secrets: KeyScheduleOutput) -> Self {
        Context {
            suite,
            suite_id: suite.suite_id(),
            key: secrets.key,
            base_nonce: secrets.base_nonce,
            exporter_secret: secrets.exporter_secret,
            seq: 0,
        }
    }

    /// `ComputeNonce(seq)`: base_nonce XOR I2OSP(seq, Nn).
    fn nonce(&self) -> Zeroizing<Vec<u8>> {
        let mut nonce = self.base_nonce.clone();
        for (n, s) in nonce
            .iter_mut()
            .rev()
            .zip(self.seq.to_be_bytes().iter().rev())
        {
            *n ^= s;
        }
        nonce
    }

    /// Checks, before the AEAD runs, that `IncrementSeq` will succeed afterwards, so that an
    /// overflow never yields output; the last counter value stays unused, as in RFC 9180.
    fn check_seq(&self) -> Result<()> {
        if self.suite.aead() == Aead::ExportOnly {
            return Err(export_only());
        }
        if self.seq == u64::MAX {
            return Err(Error::MessageLimitReached);
        }
        Ok(())
    }

    fn seal(&mut self, aad: &[u8], pt: &[u8]) -> Result<Vec<u8>> {
        self.check_seq()?;
        let ct = self.suite.aead().seal(&self.key, &self.nonce(), aad, pt)?;
        self.seq += 1;
        Ok(ct)
    }

    fn open(&mut self, aad: &[u8], ct: &[u8]) -> Result<Vec<u8>> {
        self.check_seq()?;
        // A failed open leaves the counter alone (RFC 9180 §5.2): the next message may still
        // arrive with this sequence number.
        let pt = self.suite.aead().open(&self.key, &self.nonce(), aad, ct)?;
        self.seq += 1;
        Ok(pt)
    }

    fn export(&self, exporter_context: &[u8], len: usize) -> Result<Vec<u8>> {
        let out = self.suite.kdf().export(
            &self.suite_id,
            &self.exporter_secret,
            exporter_context,
            len,
        )?;
        Ok(out.to_vec())
    }

    fn fmt(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("suite", &self.suite)
            .field("seq", &self.seq)
            .field("secrets", &"<redacted>")
            .finish()
    }
}

/// The sender's context (`ContextS`): seals messages in order and exports secrets.
pub struct SenderContext(Context);

/// The recipient's context (`ContextR`): opens messages in order and exports secrets.
pub struct ReceiverContext(Context);

impl SenderContext {
    pub(crate) fn new(suite: Suite, secrets: KeyScheduleOutput) -> Self {
        SenderContext(Context::new(suite, secrets))
    }

    /// Encrypts the next message: `ct = Seal(key, nonce(seq), aad, pt)`, then `seq += 1`.
    ///
    /// Errors: [`Error::MessageLimitReached`] once the sequence number is exhausted;
    /// [`Error::UnsupportedAlgorithm`] for an export-only suite.
    pub fn seal(&mut self, aad: &[u8], pt: &[u8]) -> Result<Vec<u8>> {
        self.0.seal(aad, pt)
    }

    /// Derives `len` bytes bound to `exporter_context` (RFC 9180 §5.3).
    ///
    /// Errors: [`Error::InvalidArgument`] when `len` exceeds [`Kdf::max_export_len`](super::Kdf::max_export_len).
    pub fn export(&self, exporter_context: &[u8], len: usize) -> Result<Vec<u8>> {
        self.0.export(exporter_context, len)
    }

    /// The suite of this context.
    pub fn suite(&self) -> Suite {
        self.0.suite
    }

    /// How many messages have been sealed so far.
    pub fn sequence_number(&self) -> u64 {
        self.0.seq
    }
}

impl ReceiverContext {
    pub(crate) fn new(suite: Suite, secrets: KeyScheduleOutput) -> Self {
        ReceiverContext(Context::new(suite, secrets))
    }

    /// Decrypts the next message; `seq` advances only on success.
    ///
    /// Errors: [`Error::InvalidTag`] if authentication fails (wrong key, order, aad or a
    /// tampered ciphertext); [`Error::MessageLimitReached`]; [`Error::UnsupportedAlgorithm`]
    /// for an export-only suite.
    pub fn open(&mut self, aad: &[u8], ct: &[u8]) -> Result<Vec<u8>> {
        self.0.open(aad, ct)
    }

    /// Derives `len` bytes bound to `exporter_context` (RFC 9180 §5.3).
    ///
    /// Errors: [`Error::InvalidArgument`] when `len` exceeds [`Kdf::max_export_len`](super::Kdf::max_export_len).
    pub fn export(&self, exporter_context: &[u8], len: usize) -> Result<Vec<u8>> {
        self.0.export(exporter_context, len)
    }

    /// The suite of this context.
    pub fn suite(&self) -> Suite {
        self.0.suite
    }

    /// How many messages have been opened so far.
    pub fn sequence_number(&self) -> u64 {
        self.0.seq
    }
}

impl fmt::Debug for SenderContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt("SenderContext", f)
    }
}

impl fmt::Debug for ReceiverContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt("ReceiverContext", f)
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)] // test code: a failed expectation should stop the test
mod tests {
    use super::super::{Aead, Kdf, Suite};
    use super::*;
    use crate::kem::KemAlgorithm;

    fn pair() -> (SenderContext, ReceiverContext) {
        let suite =
            Suite::new(KemAlgorithm::X25519, Kdf::HkdfSha256, Aead::Aes128Gcm).expect("suite");
        let sk = suite.derive_key_pair(&[7u8; 32]).expect("key");
        let (enc, s) = suite
            .setup_sender_derand(&sk.public_key(), b"info", &[9u8; 32])
            .expect("sender");
        let r = suite.setup_receiver(&enc, &sk, b"info").expect("receiver");
        (s, r)
    }

    #[test]
    fn sequence_limit_is_an_error_and_yields_no_output() {
        let (mut s, mut r) = pair();
        s.0.seq = u64::MAX - 1;
        r.0.seq = u64::MAX - 1;
        let ct = s.seal(b"", b"last").expect("last message");
        assert_eq!(r.open(b"", &ct).expect("open last"), b"last");
        assert_eq!(s.seal(b"", b"one more"), Err(Error::MessageLimitReached));
        assert_eq!(r.open(b"", &ct), Err(Error::MessageLimitReached));
        assert_eq!(s.sequence_number(), u64::MAX);
    }

    #[test]
    fn failed_open_keeps_the_sequence_number() {
        let (mut s, mut r) = pair();
        let ct = s.seal(b"aad", b"hello").expect("seal");
        assert_eq!(r.open(b"other aad", &ct), Err(Error::InvalidTag));
        assert_eq!(r.sequence_number(), 0);
        assert_eq!(r.open(b"aad", &ct).expect("open"), b"hello");
    }

    #[test]
    fn debug_redacts_secrets() {
        let (s, r) = pair();
        let text = format!("{s:?} {r:?}");
        assert!(text.contains("<redacted>"));
        let key_hex: String = s.0.key.iter().map(|b| format!("{b:02x}")).collect();
        assert!(!text.contains(&key_hex));
    }
}
