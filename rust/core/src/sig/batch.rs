//! Batch signing and verification, spread over every core.

use super::{SigningKey, SigningMode, VerifyingKey};
use crate::kem::batch::map_parallel;
use crate::{Error, Result};

/// One item of [`verify_many`].
pub struct VerifyItem<'a> {
    /// The public key.
    pub key: &'a VerifyingKey,
    /// The signed message.
    pub message: &'a [u8],
    /// The signature.
    pub signature: &'a [u8],
    /// The context string (empty for none).
    pub context: &'a [u8],
}

/// Verifies every item and reports, per item, whether it verified. A context over 255 bytes is
/// a caller error for the whole batch ([`Error::InvalidArgument`]).
pub fn verify_many(items: &[VerifyItem<'_>]) -> Result<Vec<bool>> {
    for item in items {
        super::check_context(item.context)?;
    }
    map_parallel(items, |item| {
        match item.key.verify(item.message, item.context, item.signature) {
            Ok(()) => Ok(true),
            Err(Error::InvalidSignature) => Ok(false),
            Err(e) => Err(e),
        }
    })
}

/// Signs every message under one key and context.
pub fn sign_many<M: AsRef<[u8]> + Sync>(
    key: &SigningKey,
    messages: &[M],
    ctx: &[u8],
    mode: SigningMode,
) -> Result<Vec<Vec<u8>>> {
    super::check_context(ctx)?;
    map_parallel(messages, |m| key.sign(m.as_ref(), ctx, mode))
}
