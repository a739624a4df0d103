//! Batch signing and verification, spread over every core.

use super::eddsa::{ed25519_batch_equation, ed25519_prepare, Ed25519Prepared, Ed25519VerifyingKey};
use super::{SigningKey, SigningMode, VerifyingKey};
use crate::kem::batch::{map_chunks_parallel, map_parallel};
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
/// Ed25519 items go through batch verification (see [`verify_ed25519`]); every other item is
/// verified on its own. The answers are those of single verification.
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

/// Below this many items a chunk is verified one by one (the batch equation only pays off with
/// several signatures).
const MIN_BATCH: usize = 4;

/// Ed25519 batch verification with the answers of strict single verification: each item first
/// gets the per-item checks single verification makes (length, S < L, canonical R not of small
/// order); the rest are split into one chunk per core and each chunk is checked with one random
/// linear combination (fresh OS randomness). When a chunk's equation fails, its items are
/// verified one by one, so the result still says which ones failed.
///
/// Known limit: the batch equation is exact for the prime-order part only. A signature made with
/// the private key whose R (or whose key) carries a small-order component fails single
/// verification but passes a chunk's equation when the random zᵢ cancel that component (at most
/// half the time). Honest signatures and every Wycheproof vector are unaffected; only a key's
/// owner can build such a signature. Closing this would cost a torsion check per R (about a
/// verification each), which is what batching saves.
pub fn verify_ed25519(items: &[Ed25519Item<'_>]) -> Result<Vec<bool>> {
    map_chunks_parallel(items, MIN_BATCH, verify_ed25519_chunk)
}

fn verify_ed25519_chunk(items: &[Ed25519Item<'_>]) -> Result<Vec<bool>> {
    let single = |it: &Ed25519Item<'_>| it.key.verify_bytes(it.message, it.signature).is_ok();
    if items.len() < MIN_BATCH {
        return Ok(items.iter().map(single).collect());
    }
    let prepared: Vec<Option<Ed25519Prepared>> = items
        .iter()
        .map(|it| ed25519_prepare(it.key, it.message, it.signature))
        .collect();
    let candidates: Vec<&Ed25519Prepared> = prepared.iter().flatten().collect();
    if ed25519_batch_equation(&candidates)? {
        return Ok(prepared.iter().map(Option::is_some).collect());
    }
    // Some candidate is invalid: fall back to single verification to say which.
    Ok(items
        .iter()
        .zip(&prepared)
        .map(|(it, p)| p.is_some() && single(it))
        .collect())
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
