//! Batch signing and verification, spread over every core.

use super::eddsa::Ed25519VerifyingKey;
use super::{SigningKey, SigningMode, VerifyingKey};
use crate::error::try_vec;
use crate::par::{fill_parallel, map_parallel};
use crate::{Error, Result};

/// One item of [`verify_many`].
#[derive(Clone, Copy)]
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
/// Every item is verified on its own (Ed25519 strictly, as by [`verify_ed25519`]), so the
/// answers are exactly those of single verification.
pub fn verify_many(items: &[VerifyItem<'_>]) -> Result<Vec<bool>> {
    verify_many_by(items, |item| *item)
}

/// [`verify_many`] over items of any type, `view` giving each one's parts: the caller's items
/// need not be copied into [`VerifyItem`]s first. The results are allocated here, on the calling
/// thread (a failure is [`Error::OutOfMemory`]); the pool's threads only write the answers.
/// ML-DSA and Ed25519 verification allocate nothing once a key's expanded form exists;
/// composite (M', aws-lc's ECDSA), Ed448 and SLH-DSA verification still allocate per call on
/// the pool's threads.
pub fn verify_many_by<I: Sync>(
    items: &[I],
    view: impl for<'a> Fn(&'a I) -> VerifyItem<'a> + Sync,
) -> Result<Vec<bool>> {
    for (i, item) in items.iter().map(&view).enumerate() {
        super::check_context(item.context)?;
        if !item.context.is_empty() && is_ed25519(item.key) {
            return Err(Error::InvalidArgument(format!(
                "Ed25519 takes no context; item {i} has a {}-byte context",
                item.context.len()
            )));
        }
    }
    let mut out = try_vec("the batch's results", items.len())?;
    out.resize(items.len(), false);
    fill_parallel(items, &mut out, |item, ok| {
        let item = view(item);
        *ok = match item.key.verify(item.message, item.context, item.signature) {
            Ok(()) => true,
            Err(Error::InvalidSignature) => false,
            Err(e) => return Err(e),
        };
        Ok(())
    })?;
    Ok(out)
}

fn is_ed25519(key: &VerifyingKey) -> bool {
    key.inner()
        .as_any()
        .downcast_ref::<Ed25519VerifyingKey>()
        .is_some()
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
    let mut out = try_vec("the batch's results", items.len())?;
    out.resize(items.len(), false);
    fill_parallel(items, &mut out, |it, ok| {
        *ok = it.key.verify_bytes(it.message, it.signature).is_ok();
        Ok(())
    })?;
    Ok(out)
}

/// The signatures of [`sign_many`], in order.
pub enum Signatures {
    /// Fixed-size signatures, back to back, `len` bytes each (written on the pool into one
    /// buffer allocated up front).
    Fixed {
        /// Every signature.
        bytes: Vec<u8>,
        /// The length of each.
        len: usize,
    },
    /// One buffer per signature (families that do not write into caller buffers).
    Each(Vec<Vec<u8>>),
}

impl Signatures {
    /// Every signature, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let (fixed, each) = match self {
            Signatures::Fixed { bytes, len } => (Some(bytes.chunks_exact(*len)), None),
            Signatures::Each(sigs) => (None, Some(sigs.iter().map(Vec::as_slice))),
        };
        fixed
            .into_iter()
            .flatten()
            .chain(each.into_iter().flatten())
    }

    /// The number of signatures.
    pub fn len(&self) -> usize {
        match self {
            Signatures::Fixed { bytes, len } => bytes.len() / len,
            Signatures::Each(sigs) => sigs.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Signs every message under one key and context. A family with fixed-size signatures written
/// into caller buffers (ML-DSA) gets one buffer for the batch, allocated fallibly here on the
/// calling thread, and the pool's threads allocate nothing; the others sign into a buffer each.
pub fn sign_many<M: AsRef<[u8]> + Sync>(
    key: &SigningKey,
    messages: &[M],
    ctx: &[u8],
    mode: SigningMode,
) -> Result<Signatures> {
    super::check_context(ctx)?;
    let Some(len) = key.inner().fixed_signature_len() else {
        return map_parallel(messages, |m| key.sign(m.as_ref(), ctx, mode)).map(Signatures::Each);
    };
    let total = len
        .checked_mul(messages.len())
        .ok_or_else(|| Error::InvalidArgument("too many messages".into()))?;
    let mut bytes = try_vec("the batch's signatures", total)?;
    bytes.resize(total, 0);
    {
        let mut slots: Vec<&mut [u8]> = try_vec("the batch's output slots", messages.len())?;
        slots.extend(bytes.chunks_exact_mut(len));
        fill_parallel(messages, &mut slots, |m, out| {
            key.inner().sign_into(m.as_ref(), ctx, mode, out)
        })?;
    }
    Ok(Signatures::Fixed { bytes, len })
}
