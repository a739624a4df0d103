//! Roots and proofs of a tree held in one contiguous buffer of `n * 32` leaf hashes.
//!
//! The root is computed as RFC 9162 defines it (split at the largest power of two below n, so
//! every left subtree is perfect); subtrees larger than [`SEQ_LEAVES`] are split with
//! `rayon::join` on the shared pool (`crate::par`), so both halves run on different cores, and smaller ones are reduced level by
//! level in a local buffer (an odd last node moves up a level unchanged, which is the same
//! tree). Proofs are the [`ProofPlan`](super::ProofPlan) of the request, with each planned node
//! computed from its own range of leaves: O(n) hashing in all, every core used.

use rayon::prelude::*;

use super::hash::{leaf_hash, node_hash, node_hash_parts, EMPTY_ROOT};
use super::plan::{consistency_plan, inclusion_plan, NodeId, ProofPlan};
use super::{leaf_count, Hash, HASH_LEN};
use crate::error::try_vec;
use crate::{par, Error, Result};

/// Subtrees up to this many leaves are hashed on one thread (128 KiB of leaf hashes: big enough
/// that the joins cost nothing, small enough to balance two cores).
const SEQ_LEAVES: usize = 1 << 12;

/// Below this many entries `leaf_hashes` stays on the calling thread.
const SEQ_ENTRIES: usize = 1 << 10;

/// Root of the leaves in `leaves` (a whole number of 32-byte hashes), on one thread.
fn root_seq(leaves: &[u8]) -> Hash {
    let n = leaves.len() / HASH_LEN;
    if n == 0 {
        return EMPTY_ROOT;
    }
    let mut level: Vec<Hash> = Vec::with_capacity(n.div_ceil(2));
    let mut pairs = leaves.chunks_exact(2 * HASH_LEN);
    for pair in &mut pairs {
        let (l, r) = pair.split_at(HASH_LEN);
        level.push(node_hash_parts(l, r));
    }
    let rest = pairs.remainder();
    if rest.len() == HASH_LEN {
        let mut last = [0u8; HASH_LEN];
        last.copy_from_slice(rest);
        level.push(last);
    }
    while level.len() > 1 {
        let m = level.len();
        let half = m / 2;
        for i in 0..half {
            level[i] = node_hash(&level[2 * i], &level[2 * i + 1]);
        }
        if m % 2 == 1 {
            level[half] = level[m - 1];
            level.truncate(half + 1);
        } else {
            level.truncate(half);
        }
    }
    level[0]
}

/// Largest power of two strictly below `n` (n >= 2).
fn split_point(n: usize) -> usize {
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// Root of `leaves`, splitting large trees across cores (on the calling thread when the pool
/// cannot be started).
fn root_par(leaves: &[u8]) -> Hash {
    if leaves.len() / HASH_LEN <= SEQ_LEAVES {
        return root_seq(leaves);
    }
    par::install(|parallel| {
        if parallel {
            root_joined(leaves)
        } else {
            root_seq(leaves)
        }
    })
}

/// Root of `leaves` with `rayon::join` on large subtrees; called only on the pool.
fn root_joined(leaves: &[u8]) -> Hash {
    let n = leaves.len() / HASH_LEN;
    if n <= SEQ_LEAVES {
        return root_seq(leaves);
    }
    let (l, r) = leaves.split_at(split_point(n) * HASH_LEN);
    let (a, b) = rayon::join(|| root_joined(l), || root_joined(r));
    node_hash(&a, &b)
}

/// MTH of the leaves in `leaf_hashes` (`n * 32` bytes); the root of no leaves is SHA-256("").
pub fn root(leaf_hashes: &[u8]) -> Result<Hash> {
    leaf_count(leaf_hashes)?;
    Ok(root_par(leaf_hashes))
}

/// Hash of the perfect subtree `node` of the tree whose leaves are `leaf_hashes`.
pub fn subtree_root(leaf_hashes: &[u8], node: NodeId) -> Result<Hash> {
    let n = leaf_count(leaf_hashes)?;
    let (begin, end) = node.coverage();
    if end > u128::from(n) {
        return Err(Error::InvalidArgument(format!(
            "node (level {}, index {}) covers leaves up to {end}, beyond the {n} leaves given",
            node.level, node.index
        )));
    }
    // Both bounds are <= n, which came from a usize.
    let (b, e) = (begin as usize * HASH_LEN, end as usize * HASH_LEN);
    Ok(root_par(&leaf_hashes[b..e]))
}

fn prove(leaf_hashes: &[u8], plan: &ProofPlan) -> Result<Vec<Hash>> {
    let hashes = plan
        .node_ids()
        .iter()
        .map(|&id| subtree_root(leaf_hashes, id))
        .collect::<Result<Vec<Hash>>>()?;
    plan.rehash(&hashes)
}

/// The RFC 9162 inclusion proof (PATH) of leaf `index`, ordered leaf to root.
pub fn inclusion_proof(leaf_hashes: &[u8], index: u64) -> Result<Vec<Hash>> {
    let n = leaf_count(leaf_hashes)?;
    prove(leaf_hashes, &inclusion_plan(index, n)?)
}

/// The RFC 9162 consistency proof (PROOF) from the first `old_size` leaves to all of them.
/// `old_size` must be in `1..=n`; it is empty when `old_size == n`.
pub fn consistency_proof(leaf_hashes: &[u8], old_size: u64) -> Result<Vec<Hash>> {
    let n = leaf_count(leaf_hashes)?;
    prove(leaf_hashes, &consistency_plan(old_size, n)?)
}

/// Leaf hashes of many entries, concatenated (`entries.len() * 32` bytes), on every core.
pub fn leaf_hashes<E: AsRef<[u8]> + Sync>(entries: &[E]) -> Result<Vec<u8>> {
    let len = entries.len().saturating_mul(HASH_LEN);
    let mut out = try_vec("the leaf hashes", len)?;
    out.resize(len, 0);
    fill_leaf_hashes(entries, &mut out);
    Ok(out)
}

/// [`leaf_hashes`] written into `out`, which must be `entries.len() * 32` bytes long (so a
/// caller can hash straight into a buffer it owns).
pub fn leaf_hashes_into<E: AsRef<[u8]> + Sync>(entries: &[E], out: &mut [u8]) -> Result<()> {
    if out.len() / HASH_LEN != entries.len() || out.len() % HASH_LEN != 0 {
        return Err(Error::InvalidArgument(format!(
            "the output for {} leaf hashes must be {} bytes long, got {}",
            entries.len(),
            entries.len() * HASH_LEN,
            out.len()
        )));
    }
    fill_leaf_hashes(entries, out);
    Ok(())
}

fn fill_leaf_hashes<E: AsRef<[u8]> + Sync>(entries: &[E], out: &mut [u8]) {
    let one = |(slot, entry): (&mut [u8], &E)| slot.copy_from_slice(&leaf_hash(entry.as_ref()));
    if entries.len() < SEQ_ENTRIES {
        out.chunks_exact_mut(HASH_LEN).zip(entries).for_each(one);
        return;
    }
    par::install(|parallel| {
        if parallel {
            out.par_chunks_exact_mut(HASH_LEN)
                .zip(entries.par_iter())
                .with_min_len(256)
                .for_each(one);
        } else {
            out.chunks_exact_mut(HASH_LEN).zip(entries).for_each(one);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_point_is_largest_power_below() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(4097), 4096);
    }
}
