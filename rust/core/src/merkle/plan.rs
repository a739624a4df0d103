//! Proof plans over node ids, so proofs can be served from stored nodes (the tree need not fit
//! in memory). This follows transparency-dev/merkle `proof.Inclusion` / `proof.Consistency`
//! and `Nodes.Rehash`: a proof of an RFC 9162 tree is a list of perfect-subtree hashes except
//! for at most one "ephemeral" node on the tree's right border, which is not perfect and is
//! folded from the perfect nodes that cover it (`begin..end` in the list).

use super::hash::{node_hash, EMPTY_ROOT};
use super::Hash;
use crate::{Error, Result};

/// A perfect subtree: `2^level` leaves starting at leaf `index * 2^level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    /// Height above the leaves (0 = a leaf hash).
    pub level: u32,
    /// Position among the nodes of that level, from the left.
    pub index: u64,
}

impl NodeId {
    /// The node `(level, index)`.
    pub const fn new(level: u32, index: u64) -> Self {
        NodeId { level, index }
    }

    /// The leaves `[begin, end)` under this node (u128: the end of the last node of a level can
    /// be 2^64).
    pub fn coverage(&self) -> (u128, u128) {
        let width = 1u128.checked_shl(self.level).unwrap_or(0);
        let begin = u128::from(self.index).saturating_mul(width);
        (begin, begin.saturating_add(width))
    }

    fn sibling(self) -> Self {
        NodeId::new(self.level, self.index ^ 1)
    }

    fn parent(self) -> Self {
        NodeId::new(self.level + 1, self.index >> 1)
    }
}

/// Which stored nodes a proof needs, and how to turn their hashes into the proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofPlan {
    ids: Vec<NodeId>,
    /// `ids[begin..end]` are folded into the one ephemeral node (empty range: none).
    begin: usize,
    end: usize,
    /// A root plan: rehashing no nodes gives the empty tree's root.
    root: bool,
}

/// Bit length of `x` (0 for 0).
fn bit_len(x: u64) -> u32 {
    u64::BITS - x.leading_zeros()
}

/// `1 << n` for n < 64 (every caller's n is a level below 64).
fn bit(n: u32) -> u64 {
    1u64.checked_shl(n).unwrap_or(0)
}

/// Splits the compact range `[begin, end)` into its left part (perfect subtrees climbing from
/// `begin`) and right part (descending to `end`), as bit masks of subtree sizes.
fn decompose(begin: u64, end: u64) -> (u64, u64) {
    if begin == 0 {
        return (0, end);
    }
    let xbegin = begin - 1;
    // Paths to leaves begin-1 and end diverge below bit d; only nodes under it are in range.
    let d = bit_len(xbegin ^ end).saturating_sub(1);
    let mask = bit(d).wrapping_sub(1);
    (!xbegin & mask, end & mask)
}

/// Number of perfect subtrees in the compact range `[begin, end)`.
fn range_size(begin: u64, end: u64) -> usize {
    let (l, r) = decompose(begin, end);
    (l.count_ones() + r.count_ones()) as usize
}

/// Appends the perfect subtrees covering `[begin, end)`, left to right.
fn range_nodes(begin: u64, end: u64, out: &mut Vec<NodeId>) {
    let (mut left, mut right) = decompose(begin, end);
    let mut pos = begin;
    while left != 0 {
        let level = left.trailing_zeros();
        out.push(NodeId::new(level, pos >> level));
        pos = pos.wrapping_add(bit(level));
        left ^= bit(level);
    }
    while right != 0 {
        let level = bit_len(right) - 1;
        out.push(NodeId::new(level, pos >> level));
        pos = pos.wrapping_add(bit(level));
        right ^= bit(level);
    }
}

/// The nodes proving that node `(level, index)` is in the tree of `size` leaves, the node
/// itself first. Requires `index != size >> level` (the node is not past the tree).
fn nodes(index: u64, level: u32, size: u64) -> Result<ProofPlan> {
    // `fork`: where the path to the node leaves the path to leaf `size`; the sibling of the
    // fork is the ephemeral node (the imperfect right part of the tree).
    let inner = bit_len(index ^ (size >> level))
        .checked_sub(1)
        .ok_or_else(|| Error::Internal("Merkle proof plan of a node past the tree".into()))?;
    let fork = NodeId::new(level + inner, index >> inner);
    let (begin, end) = fork.coverage();
    // The fork is inside the tree, so its coverage fits in u64 (it ends at or before `size`).
    let (begin, end) = (begin as u64, end as u64);
    let (left, right) = (range_size(0, begin), range_size(end, size));

    let mut ids = Vec::with_capacity(1 + inner as usize + right + left);
    let mut node = NodeId::new(level, index);
    ids.push(node);
    while node.level < fork.level {
        ids.push(node.sibling());
        node = node.parent();
    }
    // The right part of the proof folds into the ephemeral node: lower levels first.
    let len1 = ids.len();
    range_nodes(end, size, &mut ids);
    ids[len1..].reverse();
    let len2 = ids.len();
    // Then the left part, completing [0, size), lower levels first.
    range_nodes(0, begin, &mut ids);
    ids[len2..].reverse();
    let (begin, end) = if len1 < len2 { (len1, len2) } else { (0, 0) };
    Ok(ProofPlan {
        ids,
        begin,
        end,
        root: false,
    })
}

impl ProofPlan {
    /// Drops the first node (known to the verifier: the leaf, or the old root).
    fn skip_first(mut self) -> Self {
        if !self.ids.is_empty() {
            self.ids.remove(0);
        }
        if self.begin < self.end {
            self.begin -= 1;
            self.end -= 1;
        }
        self
    }

    /// The perfect-subtree nodes to fetch, in the order [`rehash`](Self::rehash) takes them.
    pub fn node_ids(&self) -> &[NodeId] {
        &self.ids
    }

    /// The proof (or, for a root plan, `[root]`) from the hashes of [`node_ids`](Self::node_ids),
    /// in the same order: the ephemeral node's children are folded into it right to left.
    pub fn rehash(&self, hashes: &[Hash]) -> Result<Vec<Hash>> {
        if hashes.len() != self.ids.len() {
            return Err(Error::InvalidArgument(format!(
                "the proof plan needs {} hashes (one per node id), got {}",
                self.ids.len(),
                hashes.len()
            )));
        }
        if self.root && hashes.is_empty() {
            return Ok(vec![EMPTY_ROOT]);
        }
        let mut out = Vec::with_capacity(hashes.len());
        let mut i = 0;
        while i < hashes.len() {
            let mut h = hashes[i];
            i += 1;
            if i > self.begin && i <= self.end {
                while i < self.end {
                    h = node_hash(&hashes[i], &h);
                    i += 1;
                }
            }
            out.push(h);
        }
        Ok(out)
    }
}

/// The argument rule of inclusion proofs and their verification: `index < size`.
pub(crate) fn check_index(index: u64, size: u64) -> Result<()> {
    if index >= size {
        return Err(Error::InvalidArgument(format!(
            "leaf index {index} must be less than the tree size {size}"
        )));
    }
    Ok(())
}

/// The argument rule of consistency proofs and their verification: `1 <= old <= new`.
pub(crate) fn check_sizes(old_size: u64, new_size: u64) -> Result<()> {
    if old_size > new_size {
        return Err(Error::InvalidArgument(format!(
            "old tree size {old_size} must not exceed the new tree size {new_size}"
        )));
    }
    if old_size == 0 {
        return Err(Error::InvalidArgument(
            "old tree size must be at least 1 (a consistency proof from the empty tree is \
             meaningless)"
                .into(),
        ));
    }
    Ok(())
}

/// The plan of the inclusion proof of leaf `index` in the tree of `size` leaves.
pub fn inclusion_plan(index: u64, size: u64) -> Result<ProofPlan> {
    check_index(index, size)?;
    Ok(nodes(index, 0, size)?.skip_first())
}

/// The plan of the consistency proof from `old_size` to `new_size` leaves
/// (`1 <= old_size <= new_size`; equal sizes need no nodes).
pub fn consistency_plan(old_size: u64, new_size: u64) -> Result<ProofPlan> {
    check_sizes(old_size, new_size)?;
    if old_size == new_size {
        return Ok(ProofPlan {
            ids: Vec::new(),
            begin: 0,
            end: 0,
            root: false,
        });
    }
    // The largest perfect subtree ending at old_size, then its inclusion proof in the new tree;
    // that subtree is the old root itself (known to the verifier) when old_size is a power of 2.
    let level = old_size.trailing_zeros();
    let index = (old_size - 1) >> level;
    let plan = nodes(index, level, new_size)?;
    Ok(if old_size.is_power_of_two() {
        plan.skip_first()
    } else {
        plan
    })
}

/// The plan of the root of the tree of `size` leaves: its perfect subtrees, right to left,
/// all folded into one hash.
pub fn root_plan(size: u64) -> Result<ProofPlan> {
    let mut ids = Vec::new();
    range_nodes(0, size, &mut ids);
    ids.reverse();
    let end = ids.len();
    Ok(ProofPlan {
        ids,
        begin: 0,
        end,
        root: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_nodes_cover_the_range() {
        for begin in 0..40u64 {
            for end in begin..70u64 {
                let mut ids = Vec::new();
                range_nodes(begin, end, &mut ids);
                assert_eq!(ids.len(), range_size(begin, end));
                let mut pos = u128::from(begin);
                for id in ids {
                    let (b, e) = id.coverage();
                    assert_eq!(b, pos);
                    pos = e;
                }
                assert_eq!(pos, u128::from(end));
            }
        }
    }

    #[test]
    fn huge_sizes_do_not_overflow() {
        let n = u64::MAX;
        assert_eq!(inclusion_plan(n - 1, n).map(|p| p.ids.len()).ok(), Some(63));
        // 63 siblings in the left half, 63 perfect nodes folded into the ephemeral right half.
        assert_eq!(inclusion_plan(0, n).map(|p| p.ids.len()).ok(), Some(126));
        assert!(consistency_plan(n - 1, n).is_ok());
        assert!(consistency_plan(1 << 63, n).is_ok());
        assert_eq!(root_plan(n).map(|p| p.ids.len()).ok(), Some(64));
    }
}
