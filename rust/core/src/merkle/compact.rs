//! The append-only tree with O(log n) state: a compact range `[0, size)`, i.e. the roots of
//! the perfect subtrees that make up the tree ("peaks", one per set bit of `size`, largest
//! first). Appending merges equal-sized peaks, and every merge completes one perfect node,
//! which is reported so a store can keep it and later answer any [`ProofPlan`](super::ProofPlan).

use rayon::prelude::*;

use super::hash::{node_hash, node_hash_parts, EMPTY_ROOT};
use super::{leaf_count, Hash, HASH_LEN};
use crate::{par, Error, Result};

/// A perfect node completed by an append: `(level >= 1, index, hash)`.
pub type CompletedNode = (u32, u64, Hash);

/// Batches are cut into aligned chunks of this many leaves, built on every core; each chunk
/// reports its nodes in the same order sequential appends would.
const CHUNK_LEVEL: u32 = 12;
const CHUNK_LEAVES: usize = 1 << CHUNK_LEVEL;

/// An append-only RFC 9162 tree that keeps only its peaks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompactTree {
    size: u64,
    peaks: Vec<Hash>,
}

impl CompactTree {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Resumes a tree of `size` leaves from its peaks (left to right, one per set bit of
    /// `size`, as [`peaks`](Self::peaks) returns them).
    pub fn from_state(size: u64, peaks: Vec<Hash>) -> Result<Self> {
        let want = size.count_ones() as usize;
        if peaks.len() != want {
            return Err(Error::InvalidArgument(format!(
                "a tree of {size} leaves has {want} peaks (one per set bit of the size), got {}",
                peaks.len()
            )));
        }
        Ok(CompactTree { size, peaks })
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The perfect-subtree roots, left to right (largest first): the state to persist.
    pub fn peaks(&self) -> &[Hash] {
        &self.peaks
    }

    /// The tree's root (MTH): the peaks folded right to left.
    pub fn root(&self) -> Hash {
        let mut it = self.peaks.iter().rev();
        let Some(last) = it.next() else {
            return EMPTY_ROOT;
        };
        it.fold(*last, |acc, peak| node_hash(peak, &acc))
    }

    /// Adds the root of the perfect subtree of `2^level` leaves starting at leaf `self.size`
    /// (which must be a multiple of `2^level`), merging peaks and reporting merges above
    /// `level`.
    fn push_node(&mut self, level: u32, hash: Hash, out: &mut Vec<CompletedNode>) -> Result<()> {
        let width = 1u64 << level;
        let new_size = self
            .size
            .checked_add(width)
            .ok_or_else(|| Error::InvalidArgument("the tree is full (2^64 - 1 leaves)".into()))?;
        let mut h = hash;
        let mut l = level;
        while (self.size >> l) & 1 == 1 {
            let left = self
                .peaks
                .pop()
                .ok_or_else(|| Error::Internal("compact tree lost a peak".into()))?;
            h = node_hash(&left, &h);
            l += 1;
            out.push((l, self.size >> l, h));
        }
        self.peaks.push(h);
        self.size = new_size;
        Ok(())
    }

    /// Appends one leaf hash; returns the perfect nodes (level >= 1) it completes.
    pub fn append(&mut self, leaf: Hash) -> Result<Vec<CompletedNode>> {
        let mut out = Vec::new();
        self.push_node(0, leaf, &mut out)?;
        Ok(out)
    }

    /// Appends the leaf hashes in `leaf_hashes` (`m * 32` bytes); returns every perfect node
    /// (level >= 1) completed, in the order one-by-one appends would report them. Nothing is
    /// changed on error.
    pub fn extend(&mut self, leaf_hashes: &[u8]) -> Result<Vec<CompletedNode>> {
        let m = leaf_count(leaf_hashes)?;
        if self.size.checked_add(m).is_none() {
            return Err(Error::InvalidArgument(format!(
                "appending {m} leaves to a tree of {} leaves exceeds 2^64 - 1 leaves",
                self.size
            )));
        }
        let mut out = Vec::with_capacity(leaf_hashes.len() / HASH_LEN);
        let mut rest = leaf_hashes;
        // One by one up to a chunk boundary (position size is then a multiple of CHUNK_LEAVES).
        let lead = ((CHUNK_LEAVES as u64 - self.size % CHUNK_LEAVES as u64) % CHUNK_LEAVES as u64)
            .min(m) as usize;
        let (head, tail) = rest.split_at(lead * HASH_LEN);
        self.extend_seq(head, &mut out)?;
        rest = tail;
        let full = rest.len() / (CHUNK_LEAVES * HASH_LEN);
        if full > 0 {
            let (body, tail) = rest.split_at(full * CHUNK_LEAVES * HASH_LEN);
            let base = self.size >> CHUNK_LEVEL;
            let chunks: Vec<(Hash, Vec<CompletedNode>)> = par::install(|parallel| {
                let one = |(i, chunk): (usize, &[u8])| chunk_nodes(chunk, base + i as u64);
                if parallel {
                    body.par_chunks_exact(CHUNK_LEAVES * HASH_LEN)
                        .enumerate()
                        .map(one)
                        .collect()
                } else {
                    body.chunks_exact(CHUNK_LEAVES * HASH_LEN)
                        .enumerate()
                        .map(one)
                        .collect()
                }
            });
            for (root, nodes) in chunks {
                // The chunk's own root is the last node it reports; merges above follow.
                out.extend(nodes);
                self.push_node(CHUNK_LEVEL, root, &mut out)?;
            }
            rest = tail;
        }
        self.extend_seq(rest, &mut out)?;
        Ok(out)
    }

    fn extend_seq(&mut self, leaf_hashes: &[u8], out: &mut Vec<CompletedNode>) -> Result<()> {
        for leaf in leaf_hashes.chunks_exact(HASH_LEN) {
            let mut h = [0u8; HASH_LEN];
            h.copy_from_slice(leaf);
            self.push_node(0, h, out)?;
        }
        Ok(())
    }
}

/// Every node of the perfect chunk `chunk_index` (levels 1..=CHUNK_LEVEL), in sequential
/// completion order, and its root.
fn chunk_nodes(chunk: &[u8], chunk_index: u64) -> (Hash, Vec<CompletedNode>) {
    let first_leaf = chunk_index << CHUNK_LEVEL;
    let mut out = Vec::with_capacity(CHUNK_LEAVES);
    let mut stack: Vec<Hash> = Vec::with_capacity(CHUNK_LEVEL as usize + 1);
    for (i, pair) in chunk.chunks_exact(2 * HASH_LEN).enumerate() {
        let (l, r) = pair.split_at(HASH_LEN);
        let mut h = node_hash_parts(l, r);
        let mut level = 1;
        // Leaves appended so far in this chunk, after this pair: 2 * (i + 1).
        let pos = first_leaf + 2 * i as u64;
        out.push((1, pos >> 1, h));
        let mut count = i as u64; // completed level-1 nodes before this one
        while count & 1 == 1 {
            let Some(left) = stack.pop() else { break };
            h = node_hash(&left, &h);
            level += 1;
            count >>= 1;
            out.push((level, pos >> level, h));
        }
        stack.push(h);
    }
    let root = stack.pop().unwrap_or(EMPTY_ROOT);
    (root, out)
}
