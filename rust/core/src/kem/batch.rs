//! Batch encapsulation and decapsulation into outputs allocated up front.
//!
//! The calling thread allocates every output of a batch with fallible allocation (a failure is
//! [`Error::OutOfMemory`]), and the pool's threads only write into those slots through the
//! `_into` forms, which allocate nothing: under an address-space limit a pool thread's first
//! allocation wants a new malloc arena, and a failed Rust allocation aborts the process. An
//! algorithm whose engine allocates per call ([`KemAlgorithm::allocation_free`] false: the NIST
//! hybrids' ECDH) runs on the calling thread instead, where freed memory is reused.

use zeroize::Zeroizing;

use super::{DecapsulationKey, EncapsulationKey, KemAlgorithm};
use crate::error::try_vec;
use crate::par::fill_parallel;
use crate::{Error, Result};

/// The shared secrets and ciphertexts of a batch, item by item, in two flat buffers.
pub struct Encapsulations {
    /// Every shared secret, back to back (zeroized on drop).
    secrets: Zeroizing<Vec<u8>>,
    /// Every ciphertext, back to back.
    ciphertexts: Vec<u8>,
    /// Per item: its algorithm (the sizes of its two parts).
    algorithms: Vec<KemAlgorithm>,
}

impl Encapsulations {
    /// `(shared secret, ciphertext)` of every item, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        let (mut ss_at, mut ct_at) = (0, 0);
        self.algorithms.iter().map(move |alg| {
            let sizes = alg.sizes();
            let ss = &self.secrets[ss_at..ss_at + sizes.shared_secret];
            let ct = &self.ciphertexts[ct_at..ct_at + sizes.ciphertext];
            ss_at += sizes.shared_secret;
            ct_at += sizes.ciphertext;
            (ss, ct)
        })
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.algorithms.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.algorithms.is_empty()
    }
}

/// A zeroed byte buffer of `n` bytes, or [`Error::OutOfMemory`].
fn try_zeroed(what: &'static str, n: usize) -> Result<Vec<u8>> {
    let mut v = try_vec(what, n)?;
    v.resize(n, 0);
    Ok(v)
}

/// One item's output slots.
struct EncapsulationSlot<'a> {
    ss: &'a mut [u8],
    ct: &'a mut [u8],
}

/// Encapsulates to every key (`key` picks it out of an item), spread over the pool unless an
/// algorithm in the batch allocates per call. The first error in item order is returned.
pub fn encapsulate_many<K: Sync>(
    items: &[K],
    key: impl Fn(&K) -> &EncapsulationKey + Sync,
) -> Result<Encapsulations> {
    let mut algorithms = try_vec("the batch's algorithms", items.len())?;
    algorithms.extend(items.iter().map(|k| key(k).algorithm()));
    let ss_len = algorithms.iter().map(|a| a.sizes().shared_secret).sum();
    let ct_len = algorithms.iter().map(|a| a.sizes().ciphertext).sum();
    let mut secrets = Zeroizing::new(try_zeroed("the batch's shared secrets", ss_len)?);
    let mut ciphertexts = try_zeroed("the batch's ciphertexts", ct_len)?;
    {
        let mut slots = try_vec("the batch's output slots", items.len())?;
        let (mut ss_rest, mut ct_rest) = (secrets.as_mut_slice(), ciphertexts.as_mut_slice());
        for alg in &algorithms {
            let sizes = alg.sizes();
            let (ss, more_ss) = ss_rest.split_at_mut(sizes.shared_secret);
            let (ct, more_ct) = ct_rest.split_at_mut(sizes.ciphertext);
            (ss_rest, ct_rest) = (more_ss, more_ct);
            slots.push(EncapsulationSlot { ss, ct });
        }
        let work =
            |k: &K, slot: &mut EncapsulationSlot<'_>| key(k).encapsulate_into(slot.ss, slot.ct);
        if algorithms.iter().all(|a| a.allocation_free()) {
            fill_parallel(items, &mut slots, work)?;
        } else {
            for (k, slot) in items.iter().zip(slots.iter_mut()) {
                work(k, slot)?;
            }
        }
    }
    Ok(Encapsulations {
        secrets,
        ciphertexts,
        algorithms,
    })
}

/// The shared secrets of a batch of decapsulations under one key, back to back.
pub struct Decapsulations {
    secrets: Zeroizing<Vec<u8>>,
    size: usize,
}

impl Decapsulations {
    /// Every shared secret, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.secrets.chunks_exact(self.size)
    }
}

/// Decapsulates every ciphertext under `dk`, spread over the pool unless its algorithm
/// allocates per call. The first error in item order is returned.
pub fn decapsulate_many<C: AsRef<[u8]> + Sync>(
    dk: &DecapsulationKey,
    ciphertexts: &[C],
) -> Result<Decapsulations> {
    let alg = dk.algorithm();
    let size = alg.sizes().shared_secret;
    let total = size
        .checked_mul(ciphertexts.len())
        .ok_or_else(|| Error::InvalidArgument("too many ciphertexts".into()))?;
    let mut secrets = Zeroizing::new(try_zeroed("the batch's shared secrets", total)?);
    let mut slots: Vec<&mut [u8]> = try_vec("the batch's output slots", ciphertexts.len())?;
    slots.extend(secrets.chunks_exact_mut(size));
    let work = |ct: &C, ss: &mut &mut [u8]| dk.decapsulate_into(ct.as_ref(), ss);
    if alg.allocation_free() {
        fill_parallel(ciphertexts, &mut slots, work)?;
    } else {
        for (ct, ss) in ciphertexts.iter().zip(slots.iter_mut()) {
            work(ct, ss)?;
        }
    }
    drop(slots);
    Ok(Decapsulations { secrets, size })
}
