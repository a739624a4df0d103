//! RFC 9162 Merkle trees over SHA-256 (the Certificate Transparency v2 / tlog hashing).
//!
//! - [`leaf_hash`] = SHA-256(0x00 ‖ entry), [`node_hash`] = SHA-256(0x01 ‖ left ‖ right);
//! - [`root`] (MTH, any size, on every core), [`inclusion_proof`] / [`consistency_proof`] from
//!   one contiguous buffer of `n * 32` leaf hashes, and their verifiers
//!   [`verify_inclusion`] / [`verify_consistency`] (the RFC 9162 §2.1.3.2 / §2.1.4.2 loops with
//!   the edge rules transparency-dev applies);
//! - [`ProofPlan`]: which perfect-subtree nodes a proof needs and how to fold them into the
//!   proof, so a store can serve proofs without holding the tree in memory;
//! - [`CompactTree`]: an append-only tree whose state is the O(log n) perfect-subtree roots
//!   ("peaks"), reporting every node an append completes.
//!
//! Node ids `(level, index)` name the perfect subtree of `2^level` leaves covering leaves
//! `[index * 2^level, (index + 1) * 2^level)`; level 0 is the leaf hashes.

mod build;
mod compact;
mod hash;
mod plan;
mod verify;

pub use build::{consistency_proof, inclusion_proof, leaf_hashes, root, subtree_root};
pub use compact::{CompactTree, CompletedNode};
pub use hash::{leaf_hash, node_hash, EMPTY_ROOT};
pub use plan::{consistency_plan, inclusion_plan, root_plan, NodeId, ProofPlan};
pub use verify::{verify_consistency, verify_inclusion};

use crate::{Error, Result};

/// Length of every hash in the tree (SHA-256).
pub const HASH_LEN: usize = 32;

/// A leaf, node or root hash.
pub type Hash = [u8; HASH_LEN];

/// Checks that `data` is one 32-byte hash (`what` names it in the error).
pub fn hash_from_slice(what: &'static str, data: &[u8]) -> Result<Hash> {
    data.try_into().map_err(|_| Error::InvalidLength {
        what,
        expected: "32",
        got: data.len(),
    })
}

/// Checks that every element of a proof (or hash list) is 32 bytes, naming the first bad one.
pub fn hashes_from_slices<T: AsRef<[u8]>>(what: &str, items: &[T]) -> Result<Vec<Hash>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let item = item.as_ref();
            item.try_into().map_err(|_| {
                Error::InvalidArgument(format!(
                    "{what} element {i} must be 32 bytes long, got {}",
                    item.len()
                ))
            })
        })
        .collect()
}

/// Number of leaves in a buffer of concatenated 32-byte leaf hashes.
pub fn leaf_count(leaf_hashes: &[u8]) -> Result<u64> {
    if leaf_hashes.len() % HASH_LEN != 0 {
        return Err(Error::InvalidArgument(format!(
            "leaf hashes must be a multiple of 32 bytes long (n * 32), got {}",
            leaf_hashes.len()
        )));
    }
    u64::try_from(leaf_hashes.len() / HASH_LEN)
        .map_err(|_| Error::InvalidArgument("too many leaf hashes".into()))
}
