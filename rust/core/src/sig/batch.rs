//! Batch signing and verification, spread over every core.

use super::eddsa::Ed25519VerifyingKey;
use super::{SigningKey, SigningMode, VerifyingKey};
use crate::par::map_parallel;
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

/// Verifies every item and reports, per item, whether it verified. A context over 255 bytes, or
/// a non-empty context on an Ed25519 item, is a caller error for the whole batch
/// ([`Error::InvalidArgument`]), as in single verification.
///
/// Every item is verified on its own (Ed25519 through [`verify_ed25519`]), so the answers are
/// exactly those of single verification.
pub fn verify_many(items: &[VerifyItem<'_>]) -> Result<Vec<bool>> {
    for item in items {
        super::check_context(item.context)?;
    }
    let mut ed25519 = Vec::new();
    let mut others = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item
            .key
            .inner()
            .as_any()
            .downcast_ref::<Ed25519VerifyingKey>()
        {
            Some(key) => {
                if !item.context.is_empty() {
                    return Err(Error::InvalidArgument(format!(
                        "Ed25519 takes no context; item {i} has a {}-byte context",
                        item.context.len()
                    )));
                }
                ed25519.push((i, key));
            }
            None => others.push(i),
        }
    }
    let mut out = vec![false; items.len()];
    let single = map_parallel(&others, |&i| {
        let item = &items[i];
        match item.key.verify(item.message, item.context, item.signature) {
            Ok(()) => Ok(true),
            Err(Error::InvalidSignature) => Ok(false),
            Err(e) => Err(e),
        }
    })?;
    for (&i, ok) in others.iter().zip(single) {
        out[i] = ok;
    }
    if !ed25519.is_empty() {
        let batch: Vec<Ed25519Item<'_>> = ed25519
            .iter()
            .map(|&(i, key)| Ed25519Item {
                key,
                message: items[i].message,
                signature: items[i].signature,
            })
            .collect();
        for (&(i, _), ok) in ed25519.iter().zip(verify_ed25519(&batch)?) {
            out[i] = ok;
        }
    }
    Ok(out)
}

/// One Ed25519 item of [`verify_ed25519`].
pub struct Ed25519Item<'a> {
    /// The public key.
    pub key: &'a Ed25519VerifyingKey,
    /// The signed message.
    pub message: &'a [u8],
    /// The signature.
    pub signature: &'a [u8],
}

/// Ed25519 verification of many items with exactly the answers of strict single verification:
/// each item is verified on its own, spread over every core.
///
/// Why not a random-linear-combination batch equation Σ zᵢ(Rᵢ + kᵢAᵢ − sᵢB) = 0: it is exact only
/// for the prime-order part. Keys are torsion-free (checked at parse), but an R with a torsion
/// component T (only the key's owner can make such a signature) fails strict verification while
/// the equation passes whenever zᵢ·T cancels, about half the time for T of order 2, so one
/// signature would get different answers from `verify` and from batches. The torsion group
/// (order 8) is too small for any combination of several items to expose each one's component,
/// so exactness needs a torsion check of every R: measured (one core, 256 items) at 29-38 us per
/// signature on top of the equation's 26-27 us, against 55-65 us for a strict single
/// verification. The exact batch would cost as much as verifying one by one, so this does that.
pub fn verify_ed25519(items: &[Ed25519Item<'_>]) -> Result<Vec<bool>> {
    map_parallel(items, |it| {
        Ok(it.key.verify_bytes(it.message, it.signature).is_ok())
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
